//! The inputs the fuzz targets found (`fuzz/`, kept in `fixtures/fuzz/`),
//! answered as they must be.

use crate::util::{root, run};

fn files(dir: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| format!("{dir}/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| !n.ends_with(".md"))
        .collect();
    out.sort();
    out
}

/// Each crashes calamine's .xls reader (a panic, an allocation abort or
/// the memory limit); rmpay's worker dies and the file is reported
/// damaged, with nothing of calamine's on the way.
#[test]
fn xls_files_that_crash_calamine_are_reported_damaged() {
    let found = files("fixtures/fuzz/xls");
    assert!(found.len() >= 2, "{found:?}");
    for f in found {
        let out = run(&[
            "check",
            "--policy",
            "rules/city-commercial-bank.toml",
            "--ledger",
            &f,
        ]);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (
                1,
                format!(
                    "{f}: error[cannot-open]: this .xls file is damaged; re-save it as .xlsx\nrmpay: 1 error(s); nothing was written\n"
                )
                .as_str()
            ),
        );
    }
}

/// A panic reads as one line asking for a report, exit code 101: no
/// source path, no backtrace, nothing of the dependency's. The worker is
/// run directly here, so the panic is rmpay's own process's.
#[test]
fn a_panic_is_reported_as_an_internal_error_without_a_backtrace() {
    let o = crate::util::rmpay()
        .args([
            "__read-workbook",
            "fixtures/fuzz/xls/utils-rs-29-assertion.xls",
        ])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let out = crate::util::Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert_eq!(out.code, 101, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("internal error: assertion `left == right` failed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with(
            "This is a bug in rmpay, not a problem with your files: please report it, with the command you ran.\n"
        ),
        "{}",
        out.stderr
    );
    for leak in [
        "panicked",
        ".rs:",
        "calamine",
        "backtrace",
        "RUST_BACKTRACE",
    ] {
        assert!(!out.stderr.contains(leak), "{leak}: {}", out.stderr);
    }
    assert_eq!(out.stdout, "");
}
