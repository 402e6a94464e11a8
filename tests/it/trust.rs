//! What the archive certifies, and what a review counts: the policy in
//! force for the month, the build that closed it, a month folder with no
//! manifest, a ledger named for another month, amounts typed in 万元, and
//! RMs who served part of a review period.

use super::test::Test;
use super::util::{policy_a_without_workflow, run};
use std::path::Path;

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
    let said = "$TMP/a/2026-10: error[bad-archive]: the folder 2026-10/ is named as the month 2026-10 but holds no `manifest.json`, so it is not a closed month (made by hand, or left by an interrupted copy; it is empty): move it out of the archive (delete it if it is empty), then run the command again; `rmpay verify` checks the rest of the archive\n\
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

/// A month is archived only under the policy in force for it: a version
/// given after its end is refused by `close` and `payroll --archive`
/// alike (both closed October under September's version, whose rates
/// ended on 2026-09-30); a policy edited without a new version, once the
/// archive holds a month closed under the version in force, is refused
/// naming both, by `close` and by `review --archive`; `--rules` picks the
/// version in force and closes.
#[test]
fn a_month_is_archived_only_under_the_policy_in_force() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let a = a.to_str().unwrap();
    let old = "fixtures/rules-versions/city-2026a.toml";
    let month = |cmd: &str, policy: [&str; 2], ledger: &str| {
        let mut args = vec![cmd, "--archive", a, policy[0], policy[1], "--ledger", ledger];
        let out = tmp.path().join("out");
        if cmd == "payroll" {
            args.extend(["--out", out.to_str().unwrap()]);
        }
        run(&args)
    };
    let o = month("close", ["--policy", old], "fixtures/2026-09.xlsx");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let ended = "fixtures/rules-versions/city-2026a.toml: error[no-policy-in-force]: policy `city-commercial-bank` version 2026.1 is in force 2026-01-01 to 2026-09-30, not in 2026-10: an archive holds a month only as computed under the policy in force for it; give the version in force in 2026-10 (or `--rules DIR`, which picks the version by its dates)\n";
    for cmd in ["close", "payroll"] {
        let o = month(cmd, ["--policy", old], "fixtures/2026-10.xlsx");
        assert_eq!(o.code, 1, "{cmd}: {}", o.stderr);
        assert!(o.stderr.contains(ended), "{cmd}: {}", o.stderr);
        assert!(!Path::new(a).join("2026-10").exists(), "{cmd}");
        assert!(!Path::new(a).join("drafts").exists(), "{cmd}");
        assert!(!tmp.path().join("out").exists(), "{cmd}");
    }
    let rules = ["--rules", "fixtures/rules-versions"];
    let o = month("close", rules, "fixtures/2026-10.xlsx");
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Version 2026.2 with one rate changed and nothing else: the same
    // version and dates, other bytes.
    let text = std::fs::read_to_string("fixtures/rules-versions/city-2026b.toml").unwrap();
    let edited = tmp.path().join("city-2026b.toml");
    std::fs::write(
        &edited,
        text.replacen("rate = 9.00 ", "rate = 9.50 ", 1),
    )
    .unwrap();
    let edited = edited.to_str().unwrap();
    let sha = |path: &str| rmpay::archive::sha256_hex(&std::fs::read(path).unwrap());
    let archived = sha("fixtures/rules-versions/city-2026b.toml");
    let mismatch = |p: &str| {
        format!(
            "{edited}: error[no-policy-in-force]: policy `city-commercial-bank` version 2026.2 (SHA-256 {}) is not the policy in force in {p}: the archive closed 2026-10 under policy `city-commercial-bank` version 2026.2 (SHA-256 {archived}, in force 2026-10-01 to …, stored as {a}/2026-10/policy.toml), which is still in force in {p}; compute {p} under that policy, or, for a revised policy, give the new version a later `effective_from`\n",
            sha(edited)
        )
    };
    let o = month("close", ["--policy", edited], "fixtures/2026-11.xlsx");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains(&mismatch("2026-11")), "{}", o.stderr);
    let o = run(&[
        "review", "--policy", edited, "--archive", a, "--year", "2026", "--quarter", "4",
        "--partial", "--out", tmp.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains(&mismatch("2026-12")), "{}", o.stderr);
    let o = month("close", rules, "fixtures/2026-11.xlsx");
    assert_eq!(o.code, 0, "{}", o.stderr);
}
