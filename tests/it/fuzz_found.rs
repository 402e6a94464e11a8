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
    assert!(found.len() >= 3, "{found:?}");
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
