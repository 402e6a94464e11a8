//! Shared test helpers.

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the library's payroll on a policy and ledger given relative to the
/// crate root (the relative paths are what messages show).
pub fn payroll(policy: &str, ledger: &str) -> rmpay::PayrollRun {
    let _cwd = CwdGuard::root();
    match rmpay::compute_payroll(Path::new(policy), Path::new(ledger), None, &mut |_, _| {}) {
        Ok(r) => r,
        Err(rmpay::Failure::Invalid(d)) => panic!("invalid input:\n{}", d.render().join("\n")),
        Err(rmpay::Failure::Usage(m)) => panic!("usage: {m}"),
        Err(rmpay::Failure::Archive(e)) => panic!("archive: {e}"),
    }
}

/// Tests run with the crate root as working directory (cargo's default), so
/// relative fixture paths resolve; this only asserts it.
pub struct CwdGuard;

impl CwdGuard {
    pub fn root() -> CwdGuard {
        assert_eq!(
            std::env::current_dir().unwrap(),
            root(),
            "tests must run from the crate root"
        );
        CwdGuard
    }
}

pub fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

/// Workbooks other than xlsx are parsed by a worker process: rmpay itself,
/// which a test binary is not. Call before reading a ledger in process.
pub fn use_rmpay_as_worker() {
    rmpay::ledger::sandbox::set_worker_exe(env!("CARGO_BIN_EXE_rmpay").into());
}

/// The rmpay binary.
pub fn rmpay() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_rmpay"));
    c.current_dir(root());
    c
}

/// What a run of the binary printed, and its exit code.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `rmpay` from the crate root.
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Out {
    let o = rmpay().args(args).output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}
