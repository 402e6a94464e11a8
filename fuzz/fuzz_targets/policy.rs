//! The policy loader on any bytes: a policy or located errors, never a
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rmpay::policy::parse_policy(data, "fuzz.toml");
});
