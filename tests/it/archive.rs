//! Closed periods: close, carry forward, re-run, verify, explain, compare,
//! effective-dated policies. The fixtures are September, October and
//! November 2026 of the same branch (examples/make_fixtures.rs).

use super::test::Test;
use super::util::{Out, dec, rmpay, run};
use std::path::{Path, PathBuf};

/// Policy A without its sign-off workflow: these tests are of the closing
/// mechanics (tests/it/cycle.rs walks the workflow).
fn policy() -> &'static str {
    super::util::policy_a_without_workflow()
}

/// What a close of `fixtures/2026-10.xlsx` under Policy A says first: the
/// fixture has no salary cards, and the policy's `[payout]` pays to them.
const NO_CARDS_10: &str = "fixtures/2026-10.xlsx [客户经理]: warning[missing-card]: 8 RM(s) paid for 2026-10 have no salary card: RM001, RM002, RM003, AG001, BH001, RM005, RM006, RM007. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing";

fn close(archive: &Path, month: &str) -> Out {
    run(&[
        "close",
        "--archive",
        archive.to_str().unwrap(),
        "--policy",
        policy(),
        "--ledger",
        &format!("fixtures/2026-{month}.xlsx"),
    ])
}

/// `close` with more arguments.
fn close_with(archive: &Path, month: &str, extra: &[&str]) -> Out {
    let ledger = format!("fixtures/2026-{month}.xlsx");
    let mut args = vec![
        "close",
        "--archive",
        archive.to_str().unwrap(),
        "--policy",
        policy(),
        "--ledger",
        &ledger,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn verify(archive: &Path) -> Out {
    run(&["verify", "--archive", archive.to_str().unwrap()])
}

/// An archive with September to November closed.
fn three_months() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for m in ["09", "10", "11"] {
        let o = close(d.path(), m);
        assert_eq!(o.code, 0, "closing 2026-{m}: {}", o.stderr);
    }
    d
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

fn manager<'a>(pay: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    pay["managers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rm_id"] == id)
        .unwrap()
}

/// Every file under a directory with its bytes, by relative path.
pub(super) fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn three_months_close_in_order_and_carry_forward() {
    let a = three_months();
    let oct = json(a.path().join("2026-10/pay-2026-10.json"));
    let nov = json(a.path().join("2026-11/pay-2026-11.json"));
    let oct_state = json(a.path().join("2026-10/state.json"));
    // November opens every risk account at October's closing balance.
    for r in oct_state["rms"].as_array().unwrap() {
        let id = r["rm_id"].as_str().unwrap();
        assert_eq!(
            manager(&nov, id)["risk_account"]["opening"],
            r["risk_balance"],
            "{id}"
        );
        assert_eq!(
            manager(&oct, id)["risk_account"]["closing"],
            r["risk_balance"],
            "{id}"
        );
    }
    // RM006 left on 2026-04-15: due 2026-10-15, no loss: 5,000 back in October.
    let rm6 = &manager(&oct, "RM006")["risk_account"];
    assert_eq!(
        (
            rm6["opening"].as_str(),
            rm6["released"].as_str(),
            rm6["closing"].as_str()
        ),
        (Some("5000.00"), Some("5000.00"), Some("0.00"))
    );
    // RM007 left on 2026-04-20 with 8,000; a 1,500 loss was found in
    // September, which his (zero) pay could not cover. October: the loss is
    // paid from the balance and 8,000 − 1,500 = 6,500 returned.
    let sep = json(a.path().join("2026-09/pay-2026-09.json"));
    assert_eq!(
        manager(&sep, "RM007")["flags"][0]["check"],
        "loss_not_recovered"
    );
    let rm7 = &manager(&oct, "RM007");
    assert_eq!(rm7["risk_account"]["offset"], "1500.00");
    assert_eq!(rm7["risk_account"]["released"], "6500.00");
    assert_eq!(rm7["risk_account"]["closing"], "0.00");
    assert_eq!(rm7["pay"]["payout"], "6500.00");
    assert_eq!(
        rm7["flags"].as_array().unwrap().len(),
        0,
        "the loss was recovered"
    );
    // RM005 holds 9,950 of a 10,000 cap in September's ledger: September
    // withholds 50 (20% of 2,300 would be 460); October withholds nothing.
    assert_eq!(manager(&sep, "RM005")["pay"]["holdback"], "50.00");
    assert_eq!(manager(&oct, "RM005")["pay"]["holdback"], "0.00");
    assert_eq!(manager(&oct, "RM005")["pay"]["net"], "2300.00");
    // RM004: October's loss of 1,000 left 460 unrecovered; November's gross
    // is 1,750,000 / 10,000 × 3 = 525.00, so 460 is deducted, 20% of the
    // 65 left is withheld (13.00) and 52.00 paid.
    let rm4 = manager(&nov, "RM004");
    assert_eq!(rm4["pay"]["gross"], "525.00");
    assert_eq!(rm4["pay"]["deduction_lines"][0]["rule"], "carried_loss");
    assert_eq!(rm4["pay"]["deductions"], "460.00");
    assert_eq!(rm4["pay"]["holdback"], "13.00");
    assert_eq!(rm4["pay"]["net"], "52.00");
    // … and its deposits were under 90% of base in September (1,700,000),
    // October (1,799,999.99) and November (1,750,000): a demotion signal.
    let checks: Vec<&str> = rm4["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(
        checks.contains(&"deposit_below_base_consecutive"),
        "{checks:?}"
    );
    let flag = rm4["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "deposit_below_base_consecutive")
        .unwrap();
    assert_eq!(
        (flag["value"].as_str(), flag["threshold"].as_str()),
        (Some("3"), Some("3"))
    );
    assert!(
        !manager(&oct, "RM004")["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["check"] == "deposit_below_base_consecutive")
    );
    // The chain links each manifest to the one before.
    let m10 = json(a.path().join("2026-10/manifest.json"));
    let sep_manifest = std::fs::read(a.path().join("2026-09/manifest.json")).unwrap();
    assert_eq!(m10["previous"]["period"], "2026-09");
    assert_eq!(
        m10["previous"]["manifest_sha256"],
        rmpay::archive::sha256_hex(&sep_manifest)
    );
    assert_eq!(m10["policy"]["version"], "2026.1");
}

#[test]
fn rerun_gives_identical_and_verify_is_clean() {
    let a = three_months();
    for m in ["2026-09", "2026-10", "2026-11"] {
        let o = run(&[
            "rerun",
            "--archive",
            a.path().to_str().unwrap(),
            "--period",
            m,
        ]);
        assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
        // First the inputs it is recomputed from, held to the manifests
        // (a month after the first opens from the state of the one before).
        let opening = match m {
            "2026-09" => String::new(),
            "2026-10" => ", 2026-09/state.json".into(),
            _ => ", 2026-10/state.json".into(),
        };
        assert_eq!(
            o.stdout,
            format!(
                "{m}: the archived inputs match the manifest ({m}/ledger.xlsx, {m}/policy.toml{opening})\n\
                 {m}: identical\n"
            )
        );
    }
    let o = run(&["verify", "--archive", a.path().to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout
            .contains("3 period(s) 2026-09…2026-11, hash chain intact"),
        "{}",
        o.stdout
    );
}

#[test]
pub(super) fn a_closed_period_is_never_overwritten() {
    let a = three_months();
    let before = tree(a.path());
    let a = Test::with_tempdir(a)
        .args(["close", "--archive", "$TMP", "--policy", policy(), "--ledger", "fixtures/2026-10.xlsx"])
        .stderr("
            $TMP/2026-10: error[already-closed]: 2026-10 is already closed; a closed period is never overwritten (use `rmpay rerun` to re-check it)
            rmpay: nothing was written
        ")
        .status(1)
        .run()
        .tempdir;
    assert!(before == tree(a.path()), "the archive changed");
}

#[test]
pub(super) fn periods_close_in_order_without_gaps() {
    let a = tempfile::tempdir().unwrap();
    assert_eq!(close(a.path(), "09").code, 0);
    let gap = "
        $TMP: error[period-gap]: 2026-10 is not closed yet: close it before 2026-11 (the last closed period is 2026-09)
        rmpay: nothing was written
    ";
    let a = Test::with_tempdir(a)
        .args([
            "close",
            "--archive",
            "$TMP",
            "--policy",
            policy(),
            "--ledger",
            "fixtures/2026-11.xlsx",
        ])
        .stderr(gap)
        .status(1)
        .run()
        .tempdir;
    let b = tempfile::tempdir().unwrap();
    assert_eq!(close(b.path(), "10").code, 0);
    Test::with_tempdir(b)
        .args(["close", "--archive", "$TMP", "--policy", policy(), "--ledger", "fixtures/2026-09.xlsx"])
        .stderr("
            $TMP: error[out-of-order]: 2026-09 comes before 2026-10, the last closed period; periods close in order
            rmpay: nothing was written
        ")
        .status(1)
        .run();
    // Payroll with the archive follows the same rule.
    Test::with_tempdir(a)
        .args([
            "payroll",
            "--policy",
            policy(),
            "--ledger",
            "fixtures/2026-11.xlsx",
            "--archive",
            "$TMP",
            "--out",
            "$TMP/x",
        ])
        .stderr(gap)
        .status(1)
        .run();
}

#[test]
fn payroll_with_an_archive_opens_from_the_last_closed_period() {
    let a = tempfile::tempdir().unwrap();
    for m in ["09", "10"] {
        assert_eq!(close(a.path(), m).code, 0);
    }
    let before = tree(a.path());
    let out = tempfile::tempdir().unwrap();
    let j = out.path().join("nov.json");
    let o = run(&[
        "payroll",
        "--policy",
        policy(),
        "--ledger",
        "fixtures/2026-11.xlsx",
        "--archive",
        a.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--json",
        j.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let nov = json(j);
    let st = json(a.path().join("2026-10/state.json"));
    let rm1 = st["rms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rm_id"] == "RM001")
        .unwrap();
    assert_eq!(
        manager(&nov, "RM001")["risk_account"]["opening"],
        rm1["risk_balance"]
    );
    // November's ledger also has a risk_accounts sheet (12,000 for RM001);
    // with an archive it is not used.
    assert_ne!(rm1["risk_balance"], "12000.00");
    // The closed months are untouched; November's draft is recorded beside
    // them (tests/it/cycle.rs).
    let after = tree(a.path());
    let (drafts, closed): (Vec<_>, Vec<_>) = after
        .into_iter()
        .partition(|(n, _)| n.starts_with("drafts/"));
    assert!(
        before == closed,
        "payroll must not change the closed months"
    );
    assert!(
        drafts
            .iter()
            .any(|(n, _)| n.starts_with("drafts/2026-11/") && n.ends_with("/draft.json")),
        "{:?}",
        drafts.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
}

#[test]
pub(super) fn a_changed_ledger_cell_is_named_by_verify_and_rerun() {
    let a = three_months();
    let target = a.path().join("2026-10/ledger.xlsx");
    std::fs::copy("fixtures/tampered/2026-10.xlsx", &target).unwrap();
    let a = Test::with_tempdir(a)
        .args(["verify", "--archive", "$TMP"])
        .stdout("
            $TMP/2026-10/ledger.xlsx: error[changed]: SHA-256 is 599c58da6febd819d7847f53548b93f92cdeefe0b609a4abf44a863b5f0e89f9, the manifest says ccc9e2d12cac4a38e1ea45920fdcb5a3afad0ead25af86256409bae9ebd3e144
            $TMP: 1 problem(s)
        ")
        .status(1)
        .run()
        .tempdir;
    // Recomputing October from the changed ledger: 6201001 held 9,310,000
    // instead of 9,000,000 on the 1st, so RM001's daily average rises by
    // 310,000 / 31 = 10,000 to 12,510,000 and the increment line by
    // 10,000 / 10,000 × 8 = 8.00 to 3,608.00.
    // It says first that the ledger is not the one closed (with both
    // hashes, as verify does), then the register's differences, first of
    // all this figure's. Every byte that differs is named, some eighty
    // lines over the workbook, the JSON and the state; only the first
    // lines, those of this figure and the last line are pinned, so that
    // the test does not change with every change of the outputs' layout.
    let o = Test::with_tempdir(a)
        .args(["rerun", "--archive", "$TMP", "--period", "2026-10"])
        .stdout_contains("
            $TMP/2026-10/ledger.xlsx: error[changed]: SHA-256 is 599c58da6febd819d7847f53548b93f92cdeefe0b609a4abf44a863b5f0e89f9, the manifest says ccc9e2d12cac4a38e1ea45920fdcb5a3afad0ead25af86256409bae9ebd3e144
            $TMP/2026-10/pay-2026-10.xlsx [工资汇总]!F2: archived `3600`, recomputed `3608`
            $TMP/2026-10/pay-2026-10.xlsx [业绩指标]!C2: archived `12500000`, recomputed `12510000`
            $TMP/2026-10/pay-2026-10.json:43: archived `\"amount\": \"3600.00\"`, recomputed `\"amount\": \"3608.00\"`
            2026-10: 4 file(s) differ from the archive
        ")
        .status(1)
        .run();
    assert_eq!(
        o.stdout.lines().take(2).collect::<Vec<_>>(),
        [
            "$TMP/2026-10/ledger.xlsx: error[changed]: SHA-256 is 599c58da6febd819d7847f53548b93f92cdeefe0b609a4abf44a863b5f0e89f9, the manifest says ccc9e2d12cac4a38e1ea45920fdcb5a3afad0ead25af86256409bae9ebd3e144",
            "$TMP/2026-10/pay-2026-10.xlsx [工资汇总]!F2: archived `3600`, recomputed `3608`",
        ]
    );
    // The month's figures are held to the ledger too: C001's demand
    // deposits, 279,000,000.00 (9,000,000 × 31 days) archived, 310,000
    // more recomputed.
    assert!(
        o.stdout.contains("$TMP/2026-10/figures.json: deposit_sums C001 demand: balance_sum: archived `279000000.00`, recomputed `279310000.00`"),
        "{}",
        o.stdout
    );
}

/// A month's figures changed in the archive (October's C001 demand
/// deposits raised by 310,000 balance-days): `verify` names the file, as
/// any; `rerun` names the figure, recomputed from the archived ledger
/// (9,000,000 × 31 days = 279,000,000.00); a review from the archive
/// refuses the month rather than read it.
#[test]
fn a_changed_figure_is_named_by_verify_rerun_and_review() {
    let a = three_months();
    let path = a.path().join("2026-10/figures.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let was = r#""client_id":"C001","product":"demand","balance_sum":"279000000.00""#;
    assert_eq!(text.matches(was).count(), 1);
    std::fs::write(
        &path,
        text.replace(was, &was.replace("279000000.00", "279310000.00")),
    )
    .unwrap();
    let a = Test::with_tempdir(a)
        .args(["verify", "--archive", "$TMP"])
        .stdout("
            $TMP/2026-10/figures.json: error[changed]: SHA-256 is 31d39fd71d7beb63b329a51e97104bcd91ac6fd89dca7d7b89292e29a2ab8b86, the manifest says 1e6406d0fdf1f68be35dcf307def236b7c9861e2df2953a25bccf8c7b2e8b7f2
            $TMP: 1 problem(s)
        ")
        .status(1)
        .run()
        .tempdir;
    let a = Test::with_tempdir(a)
        .args(["rerun", "--archive", "$TMP", "--period", "2026-10"])
        .stdout("
            2026-10: the archived inputs match the manifest (2026-10/ledger.xlsx, 2026-10/policy.toml, 2026-09/state.json)
            $TMP/2026-10/figures.json: deposit_sums C001 demand: balance_sum: archived `279310000.00`, recomputed `279000000.00`
            2026-10: 1 file(s) differ from the archive
        ")
        .status(1)
        .run()
        .tempdir;
    let o = Test::with_tempdir(a)
        .args([
            "review", "--archive", "$TMP", "--policy", policy(), "--year", "2026", "--quarter",
            "4", "--partial", "--out", "$TMP/out",
        ])
        .stderr("
            $TMP/2026-10/figures.json: error[changed]: SHA-256 is 31d39fd71d7beb63b329a51e97104bcd91ac6fd89dca7d7b89292e29a2ab8b86, the manifest says 1e6406d0fdf1f68be35dcf307def236b7c9861e2df2953a25bccf8c7b2e8b7f2; the archive was changed (`rmpay verify` checks it)
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(!o.path("out").exists());
}

#[test]
pub(super) fn a_removed_or_added_file_is_named() {
    let a = three_months();
    std::fs::remove_file(a.path().join("2026-09/state.json")).unwrap();
    std::fs::write(a.path().join("2026-11/notes.txt"), "x").unwrap();
    let o = run(&["verify", "--archive", a.path().to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stdout.lines().take(2).collect::<Vec<_>>(),
        vec![
            format!(
                "{}: error[removed]: listed in the manifest but missing",
                a.path().join("2026-09/state.json").display()
            ),
            format!(
                "{}: error[added]: not listed in the manifest",
                a.path().join("2026-11/notes.txt").display()
            ),
        ]
    );
}

/// The newest manifest has no successor whose link would notice an edit:
/// its policy and ledger hashes are held to its own file list, and every
/// listed size to the file's.
#[test]
fn an_edited_field_of_the_newest_manifest_is_named() {
    let a = three_months();
    let path = a.path().join("2026-11/manifest.json");
    let original = std::fs::read(&path).unwrap();
    let fake = "0".repeat(64);
    for field in ["policy", "ledger"] {
        let mut m = json(path.clone());
        let listed = m["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == m[field]["stored_as"])
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        m[field]["sha256"] = fake.clone().into();
        std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        let o = verify(a.path());
        assert_eq!(o.code, 1, "{field}: {}", o.stdout);
        let stored = if field == "policy" {
            "policy.toml"
        } else {
            "ledger.xlsx"
        };
        assert_eq!(
            o.stdout,
            format!(
                "{}: error[changed]: `{field}.sha256` of 2026-11 is {fake}, but the file list gives {stored} SHA-256 {listed}\n\
                 {}: 1 problem(s)\n",
                path.display(),
                a.path().display()
            )
        );
        std::fs::write(&path, &original).unwrap();
    }
    // A size edited in the file list, its SHA-256 left alone.
    let mut m = json(path.clone());
    let bytes = m["files"][0]["bytes"].as_u64().unwrap();
    let name = m["files"][0]["name"].as_str().unwrap().to_string();
    m["files"][0]["bytes"] = (bytes + 1).into();
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = verify(a.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(
        o.stdout.lines().next().unwrap(),
        format!(
            "{}: error[changed]: {bytes} bytes, the manifest says {}",
            a.path().join("2026-11").join(&name).display(),
            bytes + 1
        )
    );
    std::fs::write(&path, &original).unwrap();
    assert_eq!(verify(a.path()).code, 0);
}

#[test]
fn an_interrupted_close_leaves_the_archive_as_it_was() {
    let a = tempfile::tempdir().unwrap();
    assert_eq!(close(a.path(), "09").code, 0);
    let before = tree(a.path());
    let o = rmpay()
        .args([
            "close",
            "--archive",
            a.path().to_str().unwrap(),
            "--policy",
            policy(),
            "--ledger",
            "fixtures/2026-10.xlsx",
        ])
        .env("RMPAY_FAILPOINT", "close-after-files:3")
        .output()
        .unwrap();
    assert!(!o.status.success(), "the failpoint must crash the close");
    assert!(!a.path().join("2026-10").exists());
    let o = run(&["verify", "--archive", a.path().to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    // The crash left only a hidden temporary folder, which the next close clears.
    let after: Vec<String> = tree(a.path())
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| !n.starts_with(".close-"))
        .collect();
    assert_eq!(
        after,
        before.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
    );
    // The crashed close held the archive's lock; the OS released it with
    // the process, so the next close need not wait at all.
    let o = close_with(a.path(), "10", &["--wait", "0"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!tree(a.path()).iter().any(|(n, _)| n.starts_with(".close-")));
    assert_eq!(verify(a.path()).code, 0);
}

/// The ledger copies (`.rmpay-ledger-*`) in a temporary folder.
fn ledger_copies(tmp: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".rmpay-ledger-"))
        .collect();
    v.sort();
    v
}

/// A close killed mid-way (here by the failpoint's abort, which runs no
/// destructor, as kill -9) leaves its private copy of the ledger (salary
/// cards and all) in `TMPDIR`; the next close removes it, and leaves alone
/// a copy whose run is alive (here one this test holds the OS lock on, as
/// a running close does). A close that ends removes its own.
#[test]
fn a_killed_closes_ledger_copy_is_removed_by_the_next_close() {
    let a = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let close_in_tmp = |month: &str, failpoint: Option<&str>| {
        let mut c = rmpay();
        c.args([
            "close",
            "--archive",
            a.path().to_str().unwrap(),
            "--policy",
            policy(),
        ])
        .args(["--ledger", &format!("fixtures/2026-{month}.xlsx")])
        .env("TMPDIR", tmp.path());
        if let Some(f) = failpoint {
            c.env("RMPAY_FAILPOINT", f);
        }
        c.output().unwrap()
    };
    let o = close_in_tmp("09", Some("close-after-files:1"));
    assert!(!o.status.success(), "the failpoint must crash the close");
    let left = ledger_copies(tmp.path());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(tmp.path().join(&left[0]).join("2026-09.xlsx").is_file());
    // A live run's copy: held as rmpay holds its own.
    let live = tmp.path().join(".rmpay-ledger-live");
    std::fs::create_dir(&live).unwrap();
    let held = std::fs::File::open(&live).unwrap();
    held.try_lock().unwrap();
    let o = close_in_tmp("09", None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(ledger_copies(tmp.path()), [".rmpay-ledger-live"]);
    drop(held);
    // Once no run holds it, it is stale too.
    assert!(close_in_tmp("10", None).status.success());
    assert_eq!(ledger_copies(tmp.path()), Vec::<String>::new());
}

/// A copy of the ledger that cannot be made (here `TMPDIR` is a file, as
/// deterministic a failure as a full disk) is an error naming the ledger,
/// the folder and the reason, and nothing is written: the month is not
/// read where it lies instead (a ledger rewritten during the close would
/// then be archived under figures it did not give).
#[test]
fn a_ledger_copy_that_cannot_be_made_is_an_error_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let not_a_folder = t.path().join("tmp-is-a-file");
    std::fs::write(&not_a_folder, "").unwrap();
    let archive = t.path().join("archive");
    for command in ["close", "payroll"] {
        let mut c = rmpay();
        c.args([
            command,
            "--archive",
            archive.to_str().unwrap(),
            "--policy",
            policy(),
        ])
        .args(["--ledger", "fixtures/2026-09.xlsx"])
        .env("TMPDIR", &not_a_folder);
        if command == "payroll" {
            c.arg("--out").arg(t.path().join("out"));
        }
        let o = c.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            (o.status.code(), stderr.as_ref()),
            (
                Some(2),
                format!(
                    "fixtures/2026-09.xlsx: error[io]: cannot copy the ledger into the temporary folder {}: Not a directory (os error 20) (the run computes and archives a private copy, so that a ledger changed meanwhile is not archived under figures it did not give); nothing was written. Free some space, or set TMPDIR to another folder\n",
                    not_a_folder.display()
                )
                .as_str()
            ),
            "{command}"
        );
        assert!(!archive.exists(), "{command}");
        assert!(!t.path().join("out").exists(), "{command}");
    }
}

/// A close killed after the rename, before the archive folder was synced:
/// the month is closed and whole, and the chain goes on from it.
#[test]
fn a_close_killed_after_the_rename_leaves_the_month_closed() {
    let a = tempfile::tempdir().unwrap();
    assert_eq!(close(a.path(), "09").code, 0);
    // The failpoint aborts the process (status 134: 128 + SIGABRT) once
    // the month is in place, before anything is printed.
    let a = Test::with_tempdir(a)
        .args([
            "close",
            "--archive",
            "$TMP",
            "--policy",
            policy(),
            "--ledger",
            "fixtures/2026-10.xlsx",
        ])
        .env("RMPAY_FAILPOINT", "close-after-rename:0")
        .stderr(&format!("{NO_CARDS_10}\n"))
        .status(134)
        .run()
        .tempdir;
    let a = Test::with_tempdir(a)
        .args(["verify", "--archive", "$TMP"])
        .hide_sha256()
        .stdout(
            "$TMP: 2 period(s) 2026-09…2026-10, hash chain intact; head manifest SHA-256 $SHA256\n",
        )
        .run()
        .tempdir;
    assert_eq!(close_with(a.path(), "10", &["--wait", "0"]).code, 1);
    assert_eq!(close_with(a.path(), "11", &["--wait", "0"]).code, 0);
    assert_eq!(verify(a.path()).code, 0);
}

/// Another writer holds the archive's lock and is writing its staging
/// folder: a close waits for it (saying so), gives up after `--wait`
/// seconds with exit 1, and leaves that folder alone. When the holder dies
/// without cleaning up, the next close clears its folder and closes. Before
/// the lock, a close removed every staging folder, in use or not.
#[test]
pub(super) fn a_close_waits_for_the_lock_and_leaves_the_holders_staging_alone() {
    let a = tempfile::tempdir().unwrap();
    assert_eq!(close(a.path(), "09").code, 0);
    let lock_path = a.path().join(".lock");
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    let staging = a.path().join(".close-2026-10-other");
    std::fs::create_dir(&staging).unwrap();
    std::fs::write(staging.join("ledger.xlsx"), b"half written").unwrap();
    let o = close_with(a.path(), "10", &["--wait", "1"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{NO_CARDS_10}\n\
             rmpay: {} is busy: another rmpay is writing to it; waiting up to 1 s\n\
             {}: error[archive-busy]: another rmpay is writing to this archive (waited 1 s); try again when it has finished\n\
             rmpay: nothing was written\n",
            a.path().display(),
            lock_path.display()
        )
    );
    assert!(
        staging.join("ledger.xlsx").exists(),
        "the holder's staging folder was removed"
    );
    assert!(!a.path().join("2026-10").exists());
    // The holder dies: its lock goes with it, its folder stays.
    drop(lock);
    let o = close_with(a.path(), "10", &["--wait", "0"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!staging.exists(), "the stale staging folder is cleared");
    assert_eq!(verify(a.path()).code, 0);
}

/// A close computes without the lock; if another close changed the
/// archive meanwhile, what it opened from is no longer the archive's last
/// month, and it is refused rather than linking to a month it did not
/// open from. Here 2026-10 is computed on an empty archive (opening from
/// the ledger's risk_accounts sheet) while 2026-09 is put in place.
#[test]
pub(super) fn a_close_refuses_when_the_archive_changed_while_it_computed() {
    use std::io::BufRead;
    let a = tempfile::tempdir().unwrap();
    std::fs::create_dir(a.path().join("archive")).unwrap();
    let arch = a.path().join("archive");
    let lock = std::fs::File::create(arch.join(".lock")).unwrap();
    lock.lock().unwrap();
    let mut child = rmpay()
        .args([
            "close",
            "--archive",
            arch.to_str().unwrap(),
            "--policy",
            policy(),
            "--ledger",
            "fixtures/2026-10.xlsx",
        ])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(line, format!("{NO_CARDS_10}\n"));
    line.clear();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(
        line,
        format!(
            "rmpay: {} is busy: another rmpay is writing to it; waiting up to 30 s\n",
            arch.display()
        )
    );
    // Meanwhile September is closed (elsewhere, then moved in).
    let other = a.path().join("other");
    assert_eq!(close(&other, "09").code, 0);
    std::fs::rename(other.join("2026-09"), arch.join("2026-09")).unwrap();
    drop(lock);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    crate::util::note_codes(&rest);
    assert_eq!(child.wait().unwrap().code(), Some(1), "{rest}");
    let sha = rmpay::archive::sha256_hex(&std::fs::read(arch.join("2026-09/state.json")).unwrap());
    assert_eq!(
        rest,
        format!(
            "{}: error[archive-changed]: the archive changed while 2026-10 was being computed: it opened from `the ledger's risk_accounts sheet`, and would now open from `closing state of 2026-09 (state.json SHA-256 {sha})`; close again\n\
             rmpay: nothing was written\n",
            arch.display()
        )
    );
    assert!(!arch.join("2026-10").exists());
    assert_eq!(close(&arch, "10").code, 0);
    assert_eq!(verify(&arch).code, 0);
}

#[test]
fn two_closes_on_copies_of_the_inputs_give_identical_archives() {
    let mut archives = Vec::new();
    for _ in 0..2 {
        let w = tempfile::tempdir().unwrap();
        std::fs::copy(policy(), w.path().join("policy.toml")).unwrap();
        for m in ["09", "10"] {
            std::fs::copy(
                format!("fixtures/2026-{m}.xlsx"),
                w.path().join(format!("2026-{m}.xlsx")),
            )
            .unwrap();
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_rmpay"))
                .current_dir(w.path())
                .args([
                    "close",
                    "--archive",
                    "archive",
                    "--policy",
                    "policy.toml",
                    "--ledger",
                    &format!("2026-{m}.xlsx"),
                ])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        archives.push((tree(&w.path().join("archive")), w));
    }
    // Seven files in each of two months, and the empty lock file.
    assert_eq!(archives[0].0.len(), 15);
    assert!(archives[0].0 == archives[1].0, "the two archives differ");
}

#[test]
pub(super) fn effective_dated_policies_pick_the_version_in_force() {
    let a = tempfile::tempdir().unwrap();
    for m in ["09", "10"] {
        let o = run(&[
            "close",
            "--archive",
            a.path().to_str().unwrap(),
            "--rules",
            "fixtures/rules-versions",
            "--ledger",
            &format!("fixtures/2026-{m}.xlsx"),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    // 2026.1 is in force to 2026-09-30, 2026.2 from 2026-10-01.
    assert_eq!(
        json(a.path().join("2026-09/manifest.json"))["policy"]["version"],
        "2026.1"
    );
    assert_eq!(
        json(a.path().join("2026-10/manifest.json"))["policy"]["version"],
        "2026.2"
    );
    assert!(
        std::fs::read(a.path().join("2026-10/policy.toml")).unwrap()
            == std::fs::read("fixtures/rules-versions/city-2026b.toml").unwrap()
    );
    // 2026.2 pays 9.00 instead of 8.00 per 10,000 of increment: RM001's
    // 4,500,000 of increment earns 450 × 9 = 4,050.00.
    let oct = json(a.path().join("2026-10/pay-2026-10.json"));
    assert_eq!(
        manager(&oct, "RM001")["pay"]["lines"][1]["amount"],
        "4050.00"
    );
    // Two versions covering the same date are an error.
    Test::new()
        .args(["check", "--rules", "fixtures/bad/rules-overlap", "--period", "2026-10"])
        .stderr("
            fixtures/bad/rules-overlap/city-2026b.toml: error[overlapping-versions]: policy `city-commercial-bank` version 2026.2 (2026-10-01 to …) overlaps version 2026.1 (2026-01-01 to 2026-10-31) in fixtures/bad/rules-overlap/city-2026a.toml: two versions may not cover the same date
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    // A directory with several banks needs --bank.
    Test::new()
        .args(["check", "--rules", "rules", "--period", "2026-10"])
        .stderr("
            rules: error[several-policies]: several policies are in force on 2026-10-01 (`bocom-nanchang`, `city-commercial-bank`): choose one with --bank
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert_eq!(
        run(&[
            "check",
            "--rules",
            "rules",
            "--bank",
            "bocom-nanchang",
            "--period",
            "2026-10"
        ])
        .code,
        0
    );
}

#[test]
fn explain_prints_every_figure_down_to_the_cells() {
    let a = three_months();
    let o = run(&[
        "explain",
        "--archive",
        a.path().to_str().unwrap(),
        "--period",
        "2026-10",
        "--rm",
        "RM001",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let t = &o.stdout;
    assert!(
        t.starts_with("RM001 张伟 (Senior RM), 2026-10; policy `city-commercial-bank` 2026.1"),
        "{t}"
    );
    assert!(t.contains("A-26-deposit-increment = 3600    [A-26-deposit-increment]\n  formula: round(deposit_increment ÷ 10000 × 8, 2)"), "{t}");
    assert!(
        t.contains("account 6201001 (demand, 31 rows, [存款日余额] rows 2–302)"),
        "{t}"
    );
    assert!(t.contains("loan L002 (2026-10.xlsx [贷款]!A3)"), "{t}");
    // The same from the policy and ledger directly.
    let o = run(&[
        "explain",
        "--policy",
        policy(),
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--rm",
        "RM007",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("released 8,000.00: 6 months after leaving, no loss found"),
        "{}",
        o.stdout
    );
    let o = run(&[
        "explain",
        "--policy",
        policy(),
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--rm",
        "RM01",
    ]);
    // An id the month does not have is the input's mistake: exit 1, as
    // `statement --rm` (was 2, a usage error).
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        "2026-10.xlsx [客户经理]: error[unknown-rm]: --rm RM01: no RM `RM01` in 2026-10 (did you mean `RM001`?)\n\
         rmpay: 1 error(s); nothing was written\n"
    );
}

/// The decimal numbers of a text with more places than they have: a
/// fraction of three places or more that ends in 0 (`12200000.000`).
fn stray_places(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| {
            t.split_once('.')
                .is_some_and(|(_, frac)| frac.len() > 2 && frac.ends_with('0'))
        })
        .map(String::from)
        .collect()
}

/// `explain` shows no figure with more places than it has: a sum of loan
/// balances or of interest times shares shows the ledger's two places, as
/// the loans do, not the product's three (12,000,000.00 × 0.6). Every RM
/// of both policies' October, in both languages; RM001's lines pinned.
#[test]
fn explain_shows_no_stray_places() {
    let o = run(&[
        "explain",
        "--policy",
        policy(),
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--rm",
        "RM001",
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // RM001's loans: L001 5,000,000.00 × 1 and L002 12,000,000.00 × 0.6:
    // 5,000,000 + 7,200,000 = 12,200,000.00; interest received
    // 25,000.00 × 1 + 59,400.00 × 0.6 = 25,000 + 35,640 = 60,640.00, due
    // 25,000.00 × 1 + 60,000.00 × 0.6 = 25,000 + 36,000 = 61,000.00.
    for line in [
        "\n  npl_balance = 0\n  loan_balance = 12200000.00\n",
        "\n  interest_received = 60640.00\n  interest_due = 61000.00\n",
    ] {
        assert!(o.stdout.contains(line), "{line}\n{}", o.stdout);
    }
    let a = [
        "AG001", "BH001", "RM001", "RM002", "RM003", "RM004", "RM005", "RM006", "RM007",
    ];
    let b = ["N01", "N02", "N03", "N04", "N05", "N06"];
    for (policy, ledger, rms) in [
        (policy(), "fixtures/2026-10.xlsx", &a[..]),
        (
            "rules/bocom-nanchang.toml",
            "fixtures/bocom-2026-10.xlsx",
            &b[..],
        ),
    ] {
        for rm in rms {
            for lang in ["en", "zh"] {
                let o = run(&[
                    "explain", "--policy", policy, "--ledger", ledger, "--period", "2026-10",
                    "--rm", rm, "--lang", lang,
                ]);
                assert_eq!(o.code, 0, "{rm}: {}", o.stderr);
                assert!(
                    stray_places(&o.stdout).is_empty(),
                    "{rm} ({lang}): {:?}\n{}",
                    stray_places(&o.stdout),
                    o.stdout
                );
            }
        }
    }
}

#[test]
fn compare_writes_differences_and_leaves_the_archive_alone() {
    let a = three_months();
    let before = tree(a.path());
    // Increments in October: RM001 4,500,000, RM002 1,100,000, BH001
    // 2,000,000, RM005 1,000,000: 860 × 10,000 at +1.00 = +860.00 gross.
    let archive = a.path().to_str().unwrap().to_string();
    let out = Test::new()
        .args([
            "compare",
            "--archive",
            &archive,
            "--period",
            "2026-10",
            "--policy",
            "fixtures/rules-versions/city-2026b.toml",
            "--out",
            "$TMP",
        ])
        .replace(&archive, "$ARCHIVE")
        .stderr("
            rmpay: 2026-10 under `city-commercial-bank` 2026.2 instead of `city-commercial-bank` 2026.1: gross 19,524.00 → 20,384.00 (+860.00), net 15,655.20 → 16,363.20
            rmpay: wrote $TMP/compare-2026-10.xlsx (the archive is unchanged)
        ")
        .run();
    let cells =
        rmpay::ledger::dump::xlsx_cells(&std::fs::read(out.path("compare-2026-10.xlsx")).unwrap())
            .unwrap();
    assert_eq!(cells[0].0, "逐人对比");
    assert!(
        before == tree(a.path()),
        "compare must not change the archive"
    );
    let _ = dec("0");
}

/// Each row of the comparison ties out as the register does: net = gross
/// − deductions + adjustments − withheld, and paid = net + released. It
/// showed gross, withheld and net only, so a month with losses deducted or
/// deposits released (October: RM003 300.00 and RM004 540.00 deducted,
/// 13,000.00 released) had rows whose net no column explained, and no
/// figure of what is paid.
#[test]
fn compare_rows_tie_out_with_deductions_and_releases() {
    let a = three_months();
    let out = tempfile::tempdir().unwrap();
    let o = crate::util::run(&[
        "compare",
        "--archive",
        a.path().to_str().unwrap(),
        "--period",
        "2026-10",
        "--policy",
        "fixtures/rules-versions/city-2026b.toml",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(out.path().join("compare-2026-10.xlsx")).unwrap();
    let range = calamine::Reader::worksheet_range(&mut wb, "逐人对比").unwrap();
    let rows: Vec<Vec<calamine::Data>> = range.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column `{name}` in {header:?}"))
    };
    let fen = |d: &calamine::Data| (calamine::DataType::as_f64(d).unwrap() * 100.0).round() as i64;
    let register = json(a.path().join("2026-10/pay-2026-10.json"));
    let mut deducted = 0;
    for row in &rows[1..] {
        for part in ["现行", "测算"] {
            let v = |f: &str| fen(&row[at(&format!("{f} {part}"))]);
            assert_eq!(
                v("工资净额"),
                v("应发合计") - v("扣款合计") + v("以前期间调整合计") - v("风险金扣留"),
                "{:?} {part}",
                row[0]
            );
            assert_eq!(
                v("实发合计"),
                v("工资净额") + v("风险金退还"),
                "{:?} {part}",
                row[0]
            );
        }
        deducted += fen(&row[at("扣款合计 现行")]);
    }
    // The totals row: what the register deducted and paid out.
    let last = rows.last().unwrap();
    assert_eq!(last[0].to_string(), "合计");
    let total = |k: &str| {
        let s = register["totals"][k].as_str().unwrap();
        (s.parse::<f64>().unwrap() * 100.0).round() as i64
    };
    // (the rows before it, and the totals row itself, counted above)
    assert_eq!(2 * fen(&last[at("扣款合计 现行")]), deducted);
    assert_eq!(fen(&last[at("扣款合计 现行")]), total("deductions"));
    assert_eq!(fen(&last[at("实发合计 现行")]), total("payout"));
    assert!(total("deductions") > 0 && total("released") > 0);
}

/// Year-to-date figures carry through the chain: November's equal
/// September's + October's + November's own.
#[test]
fn year_to_date_figures_carry_forward() {
    let a = three_months();
    let pays: Vec<serde_json::Value> = ["09", "10", "11"]
        .iter()
        .map(|m| json(a.path().join(format!("2026-{m}/pay-2026-{m}.json"))))
        .collect();
    for id in ["RM001", "RM004", "BH001"] {
        let sum = |k: &str| -> rust_decimal::Decimal {
            pays.iter()
                .map(|p| dec(manager(p, id)["pay"][k].as_str().unwrap()))
                .sum()
        };
        let ytd = &manager(&pays[2], id)["year_to_date"];
        assert_eq!(ytd["months"], 3, "{id}");
        for k in ["gross", "deductions", "holdback", "net"] {
            assert_eq!(dec(ytd[k].as_str().unwrap()), sum(k), "{id} {k}");
        }
    }
    // RM001's deposits: 12,500,000 every day of September (30 days),
    // October (31) and November (30): the year-to-date average is the same.
    assert_eq!(
        manager(&pays[2], "RM001")["year_to_date"]["deposit_daily_average"],
        "12500000"
    );
    let st = json(a.path().join("2026-11/state.json"));
    let rm1 = st["rms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rm_id"] == "RM001")
        .unwrap();
    assert_eq!(rm1["ytd"]["months"], 3);
    assert_eq!(rm1["ytd"]["days"], 91);
}

/// Closes of one month started together: exactly one closes it, every
/// other is refused as already closed (exit 1, one message), and the month
/// verifies, every time. Before the archive was locked, a loser removed the
/// winner's staging folder while it was being written (the loser exited 2,
/// or the winner closed a month with files missing). 50 races of 4
/// processes on Policy B's small October ledger (a close is ~30 ms of CPU
/// and ~100 ms of syncing), 5 archives at a time.
#[test]
fn concurrent_closes_of_one_month_close_it_once() {
    const RACES: usize = 50;
    const AT_ONCE: usize = 5;
    std::thread::scope(|s| {
        for lane in 0..AT_ONCE {
            s.spawn(move || {
                for race in (lane..RACES).step_by(AT_ONCE) {
                    close_race(race);
                }
            });
        }
    });
}

/// One race: 4 closes of 2026-10 into a new archive, started together.
fn close_race(race: usize) {
    const PROCESSES: usize = 4;
    let w = tempfile::tempdir().unwrap();
    // The archive does not exist yet: creating it is part of the race.
    let a = w.path().join("archive");
    let outs: Vec<std::process::Output> = (0..PROCESSES)
        .map(|_| {
            rmpay()
                .args([
                    "close",
                    "--archive",
                    a.to_str().unwrap(),
                    "--policy",
                    "rules/bocom-nanchang.toml",
                    "--ledger",
                    "fixtures/bocom-2026-10.xlsx",
                    "--period",
                    "2026-10",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let all: String = outs
        .iter()
        .map(|o| {
            format!(
                "exit {:?}: {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .collect();
    let winners = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(winners, 1, "race {race}: {all}");
    let refused = format!(
        "{}: error[already-closed]: 2026-10 is already closed; a closed period is never overwritten (use `rmpay rerun` to re-check it)",
        a.join("2026-10").display()
    );
    // A close that computes the month says first that Policy B's pay-out
    // will lack the fixture's salary cards (it has none).
    let no_cards = "fixtures/bocom-2026-10.xlsx [managers]: warning[missing-card]: 6 RM(s) paid for 2026-10 have no salary card: N01, N02, N03, N04, N05, N06. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing";
    // A loser that found the lock taken says so before waiting.
    let busy = format!(
        "rmpay: {} is busy: another rmpay is writing to it; waiting up to 30 s",
        a.display()
    );
    for o in outs.iter().filter(|o| !o.status.success()) {
        assert_eq!(o.status.code(), Some(1), "race {race}: {all}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        // A loser that finds the month closed before computing it has
        // nothing to say of its pay-out.
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| *l != busy && *l != no_cards)
            .collect();
        assert_eq!(
            lines,
            [refused.as_str(), "rmpay: nothing was written"],
            "race {race}: {all}"
        );
    }
    let v = run(&["verify", "--archive", a.to_str().unwrap()]);
    assert_eq!(v.code, 0, "race {race}: {}{all}", v.stdout);
    let hidden: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".close-"))
        .collect();
    assert!(hidden.is_empty(), "race {race}: staging left: {hidden:?}");
}

/// `explain` gives each figure as the archived pay JSON's trace does (10
/// places for a figure that is not money), every figure of every RM;
/// ratios as the workbook shows them, percentages to two places of the
/// JSON's exact figure: S01's NPL ratio in year-a's January, 100,000.00 ÷
/// 10,100,000.00 = 0.0099009900…, 0.0099009901 in the JSON and as an
/// input of the next step, 0.99% in `explain` (was 0.009901, 6 places).
#[test]
fn explain_gives_every_figure_as_the_json_does() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().to_str().unwrap();
    let o = run(&[
        "close",
        "--archive",
        a,
        "--policy",
        policy(),
        "--ledger",
        "fixtures/year-a/2026-01.xlsx",
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let pay = json(d.path().join("2026-01").join("pay-2026-01.json"));
    let mut seen = 0;
    for m in pay["managers"].as_array().unwrap() {
        let rm = m["rm_id"].as_str().unwrap();
        let o = run(&[
            "explain",
            "--archive",
            a,
            "--period",
            "2026-01",
            "--rm",
            rm,
            "--lang",
            "en",
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        for step in m["trace"].as_array().unwrap() {
            let figure = step["figure"].as_str().unwrap();
            let value = match step["value"].as_str() {
                Some(v) if rmpay::report::is_ratio(figure) => {
                    rmpay::report::pay::percent_text(dec(v))
                }
                Some(v) => v.to_string(),
                None => "—".to_string(),
            };
            let line = format!("\n{figure} = {value}    [");
            assert!(
                o.stdout.contains(&line),
                "{rm}: no `{}` in\n{}",
                line.trim(),
                o.stdout
            );
            seen += 1;
        }
    }
    // S01's NPL ratio: 100,000.00 ÷ 10,100,000.00 = 0.00990099009…, to
    // 10 places 0.0099009901.
    let s01 = manager(&pay, "S01");
    let npl = s01["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["figure"] == "npl_ratio")
        .unwrap();
    assert_eq!(npl["value"], "0.0099009901");
    let o = run(&[
        "explain",
        "--archive",
        a,
        "--period",
        "2026-01",
        "--rm",
        "S01",
        "--lang",
        "en",
    ]);
    assert!(
        o.stdout.contains("\nnpl_ratio = 0.99%    [metric]\n"),
        "{}",
        o.stdout
    );
    assert!(seen > 100, "{seen} figures");
}

/// `explain` of a month that is only a draft says so, as `statement` and
/// `rerun` do (it said the manifest could not be read, with exit 2).
#[test]
fn explain_of_a_draft_month_says_it_is_not_closed() {
    let a = Test::new()
        .args([
            "payroll",
            "--archive",
            "$TMP",
            "--policy",
            policy(),
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--out",
            "$TMP/out",
        ])
        .stderr_contains("rmpay: wrote $TMP/out/pay-2026-10.xlsx")
        .status(0)
        .run()
        .tempdir;
    Test::with_tempdir(a)
        .args([
            "explain",
            "--archive",
            "$TMP",
            "--period",
            "2026-10",
            "--rm",
            "RM001",
        ])
        .stderr(
            "
            $TMP/2026-10: error[not-closed]: 2026-10 is not a closed period: close it first with `rmpay close`
            rmpay: nothing was written
        ",
        )
        .status(1)
        .run();
}

/// A manifest edited consistently with its files (each file's SHA-256 and
/// size rewritten to match) passes the check of its own file list, but
/// not the link the next month holds to it. `rerun` held only the file
/// list: with the month before's state.json and manifest edited so, it
/// said its inputs "match the manifest" and blamed the outputs; with a
/// month's own manifest edited, it said `identical`, exit 0, where
/// `verify` finds the chain broken (found by the fifth independent test).
#[test]
fn rerun_holds_a_manifest_to_the_link_the_next_month_holds_to_it() {
    let a = three_months();
    let rerun = |p: &str| {
        run(&[
            "rerun",
            "--archive",
            a.path().to_str().unwrap(),
            "--period",
            p,
        ])
    };
    // September's state: RM001's risk deposit, and September's manifest
    // listing the edited file with its new SHA-256 and size.
    let sep = a.path().join("2026-09");
    let state = std::fs::read_to_string(sep.join("state.json")).unwrap();
    let edited = state.replacen("\"risk_balance\": \"", "\"risk_balance\": \"1", 1);
    assert_ne!(edited, state);
    std::fs::write(sep.join("state.json"), &edited).unwrap();
    let manifest = std::fs::read_to_string(sep.join("manifest.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == "state.json" {
            f["sha256"] = rmpay::archive::sha256_hex(edited.as_bytes()).into();
            f["bytes"] = edited.len().into();
        }
    }
    std::fs::write(
        sep.join("manifest.json"),
        serde_json::to_string_pretty(&m).unwrap() + "\n",
    )
    .unwrap();
    let o = rerun("2026-10");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let first = o.stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains(
            "2026-09/manifest.json: error[changed]: version 1 of 2026-10 links to 2026-09 version 1"
        ),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("match the manifest"), "{}", o.stdout);
    // September itself: its manifest, edited consistently with its files,
    // is not the one October links to.
    let o = rerun("2026-09");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "2026-09/manifest.json: error[changed]: version 1 of 2026-10 links to 2026-09 version 1"
        ),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains(": identical"), "{}", o.stdout);
}
