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
        let o = run(&[
            "close",
            "--archive",
            a,
            "--policy",
            policy,
            "--ledger",
            ledger,
        ]);
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
    let t = Test::with_tempdir(tmp)
        .args(close)
        .stderr(said)
        .status(1)
        .run();
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
        let mut args = vec![
            cmd,
            "--archive",
            a,
            policy[0],
            policy[1],
            "--ledger",
            ledger,
        ];
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
    std::fs::write(&edited, text.replacen("rate = 9.00 ", "rate = 9.50 ", 1)).unwrap();
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
        "review",
        "--policy",
        edited,
        "--archive",
        a,
        "--year",
        "2026",
        "--quarter",
        "4",
        "--partial",
        "--out",
        tmp.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains(&mismatch("2026-12")), "{}", o.stderr);
    let o = month("close", rules, "fixtures/2026-11.xlsx");
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// A register whose cells are the same and whose bytes differ (a month
/// closed by another build, which writes its files otherwise) is told
/// with the builds: the manifest records the build that closed it
/// (`rmpay.archive/2`'s `build`), and an older manifest (`/1`, none) still
/// verifies and reruns, saying its build was not recorded.
#[test]
fn rerun_names_the_build_that_closed_the_month_and_the_one_rerunning_it() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let s = a.to_str().unwrap();
    let o = run(&[
        "close",
        "--archive",
        s,
        "--policy",
        policy_a_without_workflow(),
        "--ledger",
        "fixtures/2026-09.xlsx",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let manifest_path = a.join("2026-09/manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    assert_eq!(manifest["format"], "rmpay.archive/2");
    let build = &manifest["build"];
    assert_eq!(build["version"], env!("CARGO_PKG_VERSION"));
    // This build's commit, as `build.rs` took it (40 hex digits), or null
    // built without git.
    let now = match build["commit"].as_str() {
        Some(c) => {
            assert!(
                c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()),
                "{c}"
            );
            format!("rmpay {} (git commit {c})", env!("CARGO_PKG_VERSION"))
        }
        None => {
            assert!(build["commit"].is_null(), "{build}");
            format!(
                "rmpay {} (commit unknown: built from a source tree without git)",
                env!("CARGO_PKG_VERSION")
            )
        }
    };
    // The register as another build wrote it: the same cells, other bytes
    // (a zip comment, which no reader of the cells sees).
    let book = a.join("2026-09/pay-2026-09.xlsx");
    let mut bytes = std::fs::read(&book).unwrap();
    let n = bytes.len();
    assert_eq!(&bytes[n - 22..n - 18], b"PK\x05\x06", "no zip comment yet");
    bytes[n - 2..].copy_from_slice(&5u16.to_le_bytes());
    bytes.extend_from_slice(b"other");
    std::fs::write(&book, &bytes).unwrap();
    let rerun = || run(&["rerun", "--archive", s, "--period", "2026-09"]);
    let expected = |closed: &str| {
        format!(
            "2026-09: the archived inputs match the manifest (2026-09/ledger.xlsx, 2026-09/policy.toml)\n\
             {}: same cells, different bytes (formatting or properties)\n\
             2026-09 was closed by {closed} and re-run by {now}: the cells are the same and the bytes differ, from how the two builds write their files; no figure changed\n\
             2026-09: 1 file(s) differ from the archive\n",
            book.display()
        )
    };
    let other = serde_json::json!({"version": "0.0.9", "commit": "0123456789abcdef0123456789abcdef01234567"});
    let mut m = manifest.clone();
    m["build"] = other;
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = rerun();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        expected("rmpay 0.0.9 (git commit 0123456789abcdef0123456789abcdef01234567)")
    );
    // A manifest of the format before builds were recorded.
    let mut m = manifest.clone();
    m["format"] = "rmpay.archive/1".into();
    m.as_object_mut().unwrap().remove("build");
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = rerun();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        expected(&format!(
            "rmpay {} (build not recorded: closed before manifests recorded builds)",
            env!("CARGO_PKG_VERSION")
        ))
    );
    // `verify` holds the changed register, not the older manifest.
    let o = run(&["verify", "--archive", s]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains("pay-2026-09.xlsx: error[changed]"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("manifest.json"), "{}", o.stdout);
    // A `/2` manifest without its build is damaged.
    let mut m = manifest;
    m.as_object_mut().unwrap().remove("build");
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = run(&["verify", "--archive", s]);
    assert!(
        o.stdout.contains("error[bad-manifest]: a manifest of format `rmpay.archive/2` records its `build` (the rmpay build that wrote it), this one has none"),
        "{}",
        o.stdout
    );
}

/// A ledger named for one month whose dates are of another (March's
/// name, September's dates here) is computed as its dates' month, with a
/// warning naming both months, by `check`, `payroll` and `close` alike;
/// with `--period` of the name's month it is refused (the dates are held
/// to it); with `--period` of the dates' month the user has said which
/// month it is, and nothing is warned.
#[test]
fn a_ledger_named_for_another_month_is_warned_of_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("2026-03.xlsx");
    std::fs::copy("fixtures/2026-09.xlsx", &ledger).unwrap();
    let l = ledger.to_str().unwrap();
    let warned = format!(
        "{l}: warning[period-mismatch]: the file name says 2026-03, but the ledger's dates are of 2026-09: the month computed is 2026-09 (its dates); if this is not 2026-09's ledger, give 2026-03's; if the name is wrong, rename the file, or give `--period 2026-09` to confirm\n"
    );
    let policy = policy_a_without_workflow();
    let out = tmp.path().join("out");
    let archive = tmp.path().join("a");
    let (out, archive) = (out.to_str().unwrap(), archive.to_str().unwrap());
    let check = ["check", "--policy", policy, "--ledger", l];
    let payroll = ["payroll", "--policy", policy, "--ledger", l, "--out", out];
    let close = [
        "close",
        "--policy",
        policy,
        "--ledger",
        l,
        "--archive",
        archive,
    ];
    for args in [&check[..], &payroll[..], &close[..]] {
        let o = run(args);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stderr.contains(&warned), "{}: {}", args[0], o.stderr);
    }
    assert!(Path::new(archive).join("2026-09/manifest.json").exists());
    let o = run(&[&check[..], &["--period", "2026-03"]].concat());
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("error[period-mismatch]: expected the balances of 2026-03 (--period 2026-03), found the ledger's balances of 2026-09"),
        "{}",
        o.stderr
    );
    let o = run(&[&check[..], &["--period", "2026-09"]].concat());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("period-mismatch"), "{}", o.stderr);
}

/// RMs who served part of a year (R2 left on 2026-06-15, listed 离岗 in
/// June and in no later ledger; R3 listed January–March only, then
/// transferred away) appear in the review, not assessed, with the reason
/// and the months served (before: R2 vanished from the review, and R3
/// was graded on a year's targets over three months' figures); their
/// months still count in the branch head's figures.
#[test]
fn rms_who_served_part_of_the_year_are_shown_not_assessed() {
    use super::review_rules::sheet::V::*;
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12u32)
        .map(|m| {
            let mut managers = vec![
                vec![
                    S("H1"),
                    S("周东"),
                    S("支行行长"),
                    S("支行行长"),
                    S("城东支行"),
                    N(8_000_000.0),
                    S("在岗"),
                    E,
                ],
                vec![
                    S("R1"),
                    S("孙留"),
                    S("中级"),
                    S("客户经理"),
                    S("城东支行"),
                    N(5_000_000.0),
                    S("在岗"),
                    E,
                ],
            ];
            let mut clients = vec![vec![S("CH1"), S("H1")], vec![S("CR1"), S("R1")]];
            let mut averages = vec![
                vec![S("CH1"), N(10_000_000.0)],
                vec![S("CR1"), N(8_000_000.0)],
            ];
            let mut loans = vec![vec![
                S("LR1"),
                S("CR1"),
                S("R1"),
                N(1_000_000.0),
                S("正常"),
                N(5_000.0),
                N(5_000.0),
            ]];
            let mut baseline = vec![
                vec![S("H1"), N(1.0), N(1_000.0)],
                vec![S("R1"), N(1.0), N(1_000.0)],
            ];
            if m <= 6 {
                let (status, left) = if m == 6 {
                    (S("离岗"), D(2026, 6, 15))
                } else {
                    (S("在岗"), E)
                };
                managers.push(vec![
                    S("R2"),
                    S("钱离"),
                    S("中级"),
                    S("客户经理"),
                    S("城东支行"),
                    N(5_000_000.0),
                    status,
                    left,
                ]);
                clients.push(vec![S("CR2"), S("R2")]);
                averages.push(vec![S("CR2"), N(6_000_000.0)]);
                loans.push(vec![
                    S("LR2"),
                    S("CR2"),
                    S("R2"),
                    N(1_000_000.0),
                    S("正常"),
                    N(5_000.0),
                    N(5_000.0),
                ]);
                baseline.push(vec![S("R2"), N(1.0), N(1_000.0)]);
            }
            if m <= 3 {
                managers.push(vec![
                    S("R3"),
                    S("李调"),
                    S("初级"),
                    S("客户经理"),
                    S("城东支行"),
                    N(1_000_000.0),
                    S("在岗"),
                    E,
                ]);
                clients.push(vec![S("CR3"), S("R3")]);
                averages.push(vec![S("CR3"), N(2_000_000.0)]);
                loans.push(vec![
                    S("LR3"),
                    S("CR3"),
                    S("R3"),
                    N(1_000_000.0),
                    S("正常"),
                    N(5_000.0),
                    N(5_000.0),
                ]);
                baseline.push(vec![S("R3"), N(1.0), N(1_000.0)]);
            }
            let sheets: Vec<super::review_rules::Sheet> = vec![
                (
                    "客户经理",
                    vec![
                        "客户经理编号",
                        "姓名",
                        "等级",
                        "岗位",
                        "机构",
                        "基数存款",
                        "状态",
                        "离岗日期",
                    ],
                    managers,
                ),
                ("管户关系", vec!["客户编号", "客户经理编号"], clients),
                ("存款月日均", vec!["客户编号", "月日均余额"], averages),
                (
                    "贷款",
                    vec![
                        "借据号",
                        "客户编号",
                        "主办客户经理",
                        "贷款余额",
                        "五级分类",
                        "应收利息",
                        "实收利息",
                    ],
                    loans,
                ),
                (
                    "上年基数",
                    vec!["客户经理编号", "上年正常贷款占比", "上年中间业务收入"],
                    baseline,
                ),
            ];
            super::review_rules::write_month(d.path(), &format!("2026-{m:02}"), sheets)
        })
        .collect();
    let out = d.path().join("out");
    let json = d.path().join("review.json");
    let mut args: Vec<String> = [
        "review",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--year",
        "2026",
    ]
    .map(String::from)
    .to_vec();
    args.extend([
        "--out".into(),
        out.display().to_string(),
        "--json".into(),
        json.display().to_string(),
        "--ledgers".into(),
    ]);
    args.extend(ledgers);
    let o = run(&args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let assessed: Vec<&str> = j["managers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rm_id"].as_str().unwrap())
        .collect();
    assert_eq!(assessed, ["H1", "R1"]);
    let part = &j["not_assessed"];
    assert_eq!(part[0]["rm_id"], "R2");
    assert_eq!(part[0]["why"], "left");
    assert_eq!(part[0]["left_on"], "2026-06-15");
    assert_eq!(part[0]["months_served"].as_array().unwrap().len(), 6);
    assert_eq!(
        part[0]["reason"],
        "考核期内离岗（2026-06-15）：在岗 6 个月（2026-01…2026-06），考核期共 12 个月；未满考核期，不参加考核（其业绩仍计入所在机构）"
    );
    assert_eq!(part[1]["rm_id"], "R3");
    assert_eq!(part[1]["why"], "not_listed");
    assert_eq!(
        part[1]["reason"],
        "2026-03 之后的台账不再列出（调出或离职；台账至 2026-12）：在岗 3 个月（2026-01…2026-03），考核期共 12 个月；未满考核期，不参加考核（其业绩仍计入所在机构）"
    );
    // The branch still counts their months: 10,000,000 × 365 (H1) +
    // 8,000,000 × 365 (R1) + 6,000,000 × 181 (R2, January–June) +
    // 2,000,000 × 90 (R3, January–March) = 3,650,000,000 + 2,920,000,000
    // + 1,086,000,000 + 180,000,000 = 7,836,000,000 ÷ 365 =
    // 21,468,493.1506849315… (the JSON's figures to 10 places).
    let h1 = &j["managers"][0];
    assert_eq!(
        h1["metrics"]["deposit_daily_average"],
        "21468493.1506849315"
    );
    // The grading workbook lists them after the assessed, as not assessed.
    let book = out.join("review-2026.xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    use calamine::Reader as _;
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let r2 = rows
        .iter()
        .find(|r| r[0] == "R2")
        .expect("R2 in the summary");
    assert!(r2.contains(&"不参加考核".to_string()), "{r2:?}");
    assert!(
        r2.last().unwrap().starts_with("考核期内离岗（2026-06-15）"),
        "{r2:?}"
    );
    assert!(rows.iter().any(|r| r[0] == "R3"));
}

/// Deposits typed in 万元 under a header that declares no unit are read
/// as yuan, 10,000 times too small: when every RM's daily average is
/// below a thousandth of the policy's smallest deposit target (Policy A:
/// `tiers.provisional_junior.base_deposit`, 2,000,000 → 2,000), `check`
/// and `payroll` warn at the column's header, naming 万元 and how to
/// declare the unit. A declared unit is taken at its word.
#[test]
fn deposits_that_look_typed_in_wan_are_warned_of_at_their_column() {
    use super::review_rules::sheet::V::*;
    let d = tempfile::tempdir().unwrap();
    let ledger = |dir: &str, header: &'static str| {
        let dir = d.path().join(dir);
        std::fs::create_dir(&dir).unwrap();
        let sheets: Vec<super::review_rules::Sheet> = vec![
            (
                "客户经理",
                vec!["客户经理编号", "姓名", "等级"],
                vec![
                    vec![S("R1"), S("孙一"), S("中级")],
                    vec![S("R2"), S("孙二"), S("初级")],
                ],
            ),
            (
                "管户关系",
                vec!["客户编号", "客户经理编号"],
                vec![vec![S("C1"), S("R1")], vec![S("C2"), S("R2")]],
            ),
            // 800 and 120.5 (万元: 8,000,000 and 1,205,000 yuan).
            (
                "存款月日均",
                vec!["客户编号", header],
                vec![vec![S("C1"), N(800.0)], vec![S("C2"), N(120.5)]],
            ),
        ];
        let arg = super::review_rules::write_month(&dir, "2026-10", sheets);
        arg.split_once('=').unwrap().1.to_string()
    };
    let policy = "rules/city-commercial-bank.toml";
    let bare = ledger("bare", "月日均余额");
    // The largest RM's daily average, 800.00, is below 2,000,000 ÷ 1,000
    // = 2,000.00.
    let warned = format!(
        "{bare} [存款月日均]!B1: warning[bad-unit]: the header declares no unit, so the amounts are read as yuan; but every RM's daily-average deposits are below 2,000.00 (the largest 800.00), a thousandth of the policy's smallest deposit target 2,000,000.00 (`tiers.provisional_junior.base_deposit`): the column looks typed in 万元 (read as yuan, 10,000 times too small). If it is in 万元, head it `月日均余额(万元)`; if it is in yuan, head it `月日均余额(元)` to confirm\n"
    );
    let out = d.path().join("out");
    let o = run(&[
        "check", "--policy", policy, "--ledger", &bare, "--period", "2026-10",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains(&warned), "{}", o.stderr);
    let o = run(&[
        "payroll",
        "--policy",
        policy,
        "--ledger",
        &bare,
        "--period",
        "2026-10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains(&warned), "{}", o.stderr);
    for (dir, header) in [("wan", "月日均余额(万元)"), ("yuan", "月日均余额(元)")] {
        let l = ledger(dir, header);
        let o = run(&[
            "check", "--policy", policy, "--ledger", &l, "--period", "2026-10",
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(!o.stderr.contains("bad-unit"), "{header}: {}", o.stderr);
    }
}
