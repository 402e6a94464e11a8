//! What the archive certifies, and what a review counts: the policy in
//! force for the month, the build that closed it, a month folder with no
//! manifest, a ledger named for another month, amounts typed in 万元, and
//! RMs who served part of a review period.

use super::test::Test;
use super::util::{policy_a_without_workflow, run};

/// A folder named as a month with no manifest in it (made by hand, left
/// by a copy that did not finish) is named for what it is, by `close` and
/// by `payroll --archive` alike: not taken for a closed month (`close`
/// said "already closed", `payroll --archive` previewed it as closed).
#[test]
fn a_month_folder_without_a_manifest_is_named_for_what_it_is() {
    let policy = policy_a_without_workflow();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let a = a.to_str().unwrap();
    let closed = |ledger: &str| {
        let o = run(&["close", "--archive", a, "--policy", policy, "--ledger", ledger]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    closed("fixtures/2026-09.xlsx");
    std::fs::create_dir(tmp.path().join("a/2026-10")).unwrap();
    let said = "$TMP/a/2026-10: error[bad-archive]: the folder 2026-10/ is named as the month 2026-10 but holds no manifest.json, so it is not a closed month (made by hand, or left by an interrupted copy; it is empty): move it out of the archive (delete it if it is empty), then run the command again; `rmpay verify` checks the rest of the archive\n\
                rmpay: nothing was written\n";
    let close = [
        "close",
        "--archive",
        "$TMP/a",
        "--policy",
        policy,
        "--ledger",
        "fixtures/2026-10.xlsx",
    ];
    let t = Test::with_tempdir(tmp).args(close).stderr(said).status(1).run();
    let tmp = t.tempdir;
    let t = Test::with_tempdir(tmp)
        .args([
            "payroll",
            "--archive",
            "$TMP/a",
            "--policy",
            policy,
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--out",
            "$TMP/out",
        ])
        .stderr(said)
        .status(1)
        .run();
    assert!(!t.tempdir.path().join("out").exists());
    // A folder holding files (a copy cut short) is told apart, and once
    // it is moved away the month closes.
    std::fs::write(t.tempdir.path().join("a/2026-10/ledger.xlsx"), b"").unwrap();
    let t = Test::with_tempdir(t.tempdir)
        .args(close)
        .stderr(&said.replacen("it is empty", "it holds 1 file(s) or folder(s)", 1))
        .status(1)
        .run();
    std::fs::remove_dir_all(t.tempdir.path().join("a/2026-10")).unwrap();
    closed("fixtures/2026-10.xlsx");
}
