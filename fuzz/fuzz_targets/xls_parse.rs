//! calamine's .xls reader, as rmpay's worker process runs it. A crash here
//! is calamine's, and rmpay contains it (the worker dies, the file is
//! reported damaged): the inputs found are kept in `fixtures/fuzz/xls/`
//! and the test suite checks that each gives that error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let path = dir.path().join("fuzz.xls");
    std::fs::write(&path, data).unwrap();
    let _ = rmpay::ledger::sandbox::parse_in_process(&path, &|_| true);
});
