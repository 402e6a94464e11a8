//! The xlsx ledger reader on any bytes: a ledger or located errors, never a
//! panic (calamine's xlsx path runs in process, so anything that would
//! make it panic must be stopped before it by the reader's guard).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let path = dir.path().join("fuzz.xlsx");
    std::fs::write(&path, data).unwrap();
    let opts = rmpay::ledger::ReadOptions::default();
    let _ = rmpay::ledger::read_ledger(&path, "fuzz.xlsx", &opts, &mut |_, _| {});
});
