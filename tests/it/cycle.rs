//! The month as the finance office runs it (issue 11, points 1–3): a draft
//! recorded by `payroll --archive`, signed step by step (`rmpay sign`),
//! closed only as approved, the sign-off block on the register, steps
//! signed after the close, and `verify --head`. Policy A's workflow
//! (art. 28): 制表 市场营销部 → 审核 稽核监控办 → 审批 行长 → close → 下拨
//! 党群人事部. The "corrected" October ledger is `fixtures/tampered/2026-10.xlsx`
//! (one daily balance changed, as a correction would).

use super::archive::tree;
use super::util::{Out, rmpay, run};
use std::path::{Path, PathBuf};

const POLICY: &str = "rules/city-commercial-bank.toml";
const CORRECTED_OCT: &str = "fixtures/tampered/2026-10.xlsx";

pub(super) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `payroll --archive`: record the draft of a ledger.
pub(super) fn draft(a: &Path, ledger: &str, out: &Path) -> Out {
    run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        ledger,
        "--archive",
        s(a),
        "--out",
        s(out),
    ])
}

pub(super) fn sign(a: &Path, period: &str, step: &str, name: &str, date: &str) -> Out {
    sign_with(a, period, step, name, date, &[])
}

/// `rmpay sign` with `extra` arguments after the usual ones.
fn sign_with(a: &Path, period: &str, step: &str, name: &str, date: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "sign",
        "--archive",
        s(a),
        "--period",
        period,
        "--step",
        step,
        "--name",
        name,
        "--date",
        date,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

pub(super) fn close(a: &Path, ledger: &str) -> Out {
    run(&[
        "close",
        "--archive",
        s(a),
        "--policy",
        POLICY,
        "--ledger",
        ledger,
    ])
}

pub(super) fn ok(o: &Out, what: &str) {
    assert_eq!(o.code, 0, "{what}: {}{}", o.stdout, o.stderr);
}

/// The SHA-256 a `close` (or a `sign` after the close) prints on stdout.
fn printed_head(o: &Out) -> String {
    o.stdout
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The draft a `payroll --archive` recorded, from its console.
pub(super) fn printed_draft(o: &Out) -> String {
    let line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("rmpay: draft "))
        .unwrap_or_else(|| panic!("no draft recorded: {}", o.stderr));
    line["rmpay: draft ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

fn sha(path: &Path) -> String {
    rmpay::archive::sha256_hex(&std::fs::read(path).unwrap())
}

fn log_path(a: &Path, period: &str) -> PathBuf {
    a.join("drafts").join(period).join("signoffs.jsonl")
}

fn log(a: &Path, period: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log_path(a, period))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The rows of a sheet as text.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The register's sign-off block: the rows from its header on, first five
/// cells each.
fn signoff_block(path: &Path) -> Vec<Vec<String>> {
    let rows = sheet(path, "工资汇总");
    let at = rows
        .iter()
        .position(|r| r[0] == "签核环节")
        .unwrap_or_else(|| panic!("no sign-off block in {}", path.display()));
    assert!(
        rows[at - 1].iter().all(String::is_empty),
        "a blank row before the block"
    );
    rows[at..]
        .iter()
        .map(|r| r[..5].iter().map(|c| c.trim_end().to_string()).collect())
        .collect()
}

fn row(cells: [&str; 5]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// September drafted, signed 制表 → 审核 → 审批, closed, 下拨 signed after
/// the close; October drafted and checked, corrected and drafted again (the
/// check is void, `close` refuses), signed again and closed. The register
/// carries the sign-off block; `verify --head` holds the archive to the
/// head written down.
#[test]
fn the_month_is_drafted_signed_closed_and_issued() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("archive");
    let out = dir.path().join("out");

    // September: the archive's first month opens from the ledger.
    let o = draft(&a, "fixtures/2026-09.xlsx", &out);
    ok(&o, "drafting 2026-09");
    assert!(
        o.stderr
            .contains("rmpay: opening state: the ledger's risk_accounts sheet\n"),
        "{}",
        o.stderr
    );
    let sep = printed_draft(&o);
    // The draft is named by its record's SHA-256 and holds the files close
    // will archive.
    let sep_dir = a.join("drafts/2026-09").join(&sep);
    assert_eq!(sha(&sep_dir.join("draft.json")), sep);
    for f in [
        "ledger.xlsx",
        "policy.toml",
        "pay-2026-09.xlsx",
        "pay-2026-09.json",
        "state.json",
    ] {
        assert!(sep_dir.join(f).is_file(), "{f} missing from the draft");
    }
    assert_eq!(
        sha(&sep_dir.join("ledger.xlsx")),
        sha(Path::new("fixtures/2026-09.xlsx"))
    );
    // The same inputs again: the same draft, nothing new in the log.
    let o = draft(&a, "fixtures/2026-09.xlsx", &out);
    ok(&o, "drafting 2026-09 again");
    assert!(
        o.stderr.contains(&format!(
            "rmpay: draft {sep} of 2026-09 is already the month's draft (same inputs): its sign-offs stand\n"
        )),
        "{}",
        o.stderr
    );
    assert_eq!(log(&a, "2026-09").len(), 1);

    ok(&sign(&a, "2026-09", "制表", "张三", "2026-10-02"), "制表");
    let o = sign(&a, "2026-09", "check", "王五", "2026-10-03");
    ok(&o, "审核");
    assert!(
        o.stderr.contains("rmpay: next: 审批 (行长)\n"),
        "{}",
        o.stderr
    );
    let o = sign(&a, "2026-09", "审批", "赵六", "2026-10-04");
    ok(&o, "审批");
    assert!(
        o.stderr.contains(&format!(
            "rmpay: 2026-09 is approved: `rmpay close` closes draft {sep}\n"
        )),
        "{}",
        o.stderr
    );
    let o = close(&a, "fixtures/2026-09.xlsx");
    ok(&o, "closing 2026-09");
    let sep_head = printed_head(&o);
    assert_eq!(
        o.stdout,
        format!("2026-09 closed; archive head SHA-256 {sep_head}\n")
    );
    assert_eq!(sha(&a.join("2026-09/manifest.json")), sep_head);
    assert!(
        o.stderr
            .contains("rmpay: still to sign after the close: 下拨 (党群人事部)\n"),
        "{}",
        o.stderr
    );
    // The register's last rows: who prepared, checked and approved it.
    assert_eq!(
        signoff_block(&a.join("2026-09/pay-2026-09.xlsx")),
        vec![
            row(["签核环节", "签核部门", "签名", "日期", "备注"]),
            row(["制表", "市场营销部", "张三", "2026-10-02", ""]),
            row(["审核", "稽核监控办", "王五", "2026-10-03", ""]),
            row(["审批", "行长", "赵六", "2026-10-04", ""]),
            // The policy's step after the close (art. 28: 下拨), signed
            // after the register was archived: its line, to sign by hand.
            row(["下拨", "党群人事部", "", "", ""]),
        ]
    );
    // The manifest records the sign-offs and the log's line at the close.
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("2026-09/manifest.json")).unwrap()).unwrap();
    let lines = std::fs::read_to_string(log_path(&a, "2026-09")).unwrap();
    let last = lines.lines().last().unwrap();
    assert_eq!(m["approval"]["draft_sha256"], sep.as_str());
    assert_eq!(
        m["approval"]["signoffs_sha256"],
        rmpay::archive::sha256_hex(last.as_bytes()).as_str()
    );
    let names: Vec<&str> = m["approval"]["signoffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["张三", "王五", "赵六"]);
    // A re-run reproduces the register with its block.
    let o = run(&["rerun", "--archive", s(&a), "--period", "2026-09"]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (
            0,
            "2026-09: the archived inputs match the manifest (2026-09/ledger.xlsx, 2026-09/policy.toml)\n\
             2026-09: identical\n"
        )
    );

    // A step before the close cannot be signed once the month is closed.
    let o = sign(&a, "2026-09", "审核", "王五", "2026-10-06");
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[already-closed]: 2026-09 is closed: 审核 (稽核监控办) comes before the close, and the month's manifest records the sign-offs it was closed on\n\
             rmpay: 1 error(s); nothing was written\n",
            log_path(&a, "2026-09").display()
        )
    );
    // 下拨 after the close: chained after the close, with a new head.
    let o = sign(&a, "2026-09", "下拨", "钱七", "2026-10-05");
    ok(&o, "下拨");
    let issued_head = printed_head(&o);
    assert_eq!(
        o.stdout,
        format!("2026-09 下拨 signed; archive head SHA-256 {issued_head}\n")
    );
    let entries = log(&a, "2026-09");
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[4]["manifest_sha256"], sep_head.as_str());
    for head in [&sep_head, &issued_head] {
        let o = run(&["verify", "--archive", s(&a), "--head", head]);
        assert_eq!(o.code, 0, "{}", o.stdout);
    }

    // October: drafted from September's closing state, 制表 and 审核 signed.
    let o = draft(&a, "fixtures/2026-10.xlsx", &out);
    ok(&o, "drafting 2026-10");
    let opening = format!(
        "closing state of 2026-09 (state.json SHA-256 {})",
        sha(&a.join("2026-09/state.json"))
    );
    assert!(
        o.stderr
            .contains(&format!("rmpay: opening state: {opening}\n")),
        "{}",
        o.stderr
    );
    let manifest_sheet = sheet(&out.join("pay-2026-10.xlsx"), "运行信息");
    assert!(
        manifest_sheet.iter().any(|r| r[0] == "期初状态来源"
            && r[1]
                == format!(
                    "2026-09 的期末状态（state.json SHA-256 {}）",
                    sha(&a.join("2026-09/state.json"))
                )),
        "{manifest_sheet:?}"
    );
    let oct1 = printed_draft(&o);
    ok(&sign(&a, "2026-10", "制表", "张三", "2026-11-02"), "制表");
    ok(&sign(&a, "2026-10", "审核", "王五", "2026-11-03"), "审核");

    // The ledger is corrected and drafted again: the two sign-offs are void.
    let o = draft(&a, CORRECTED_OCT, &out);
    ok(&o, "drafting the corrected 2026-10");
    let oct2 = printed_draft(&o);
    assert_ne!(oct1, oct2);
    assert!(
        o.stderr.contains(&format!(
            "rmpay: this draft replaces draft {oct1}: the 制表 (市场营销部) sign-off by 张三 of 2026-11-02 is void; sign it again\n\
             rmpay: this draft replaces draft {oct1}: the 审核 (稽核监控办) sign-off by 王五 of 2026-11-03 is void; sign it again\n"
        )),
        "{}",
        o.stderr
    );
    // They stay in the log, and the new draft's entry names them.
    let entries = log(&a, "2026-10");
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[3]["kind"], "draft");
    assert_eq!(entries[3]["draft"], oct2.as_str());
    assert_eq!(entries[3]["voids"], serde_json::json!([2, 3]));
    assert_eq!(entries[2]["name"], "王五");

    // `close` refuses, naming every step missing or void; nothing changes.
    let before = tree(&a);
    let o = close(&a, CORRECTED_OCT);
    let lp = log_path(&a, "2026-10");
    let lp = lp.display();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "fixtures/tampered/2026-10.xlsx [客户经理]: warning[missing-card]: 8 RM(s) paid for 2026-10 have no salary card: RM001, RM002, RM003, AG001, BH001, RM005, RM006, RM007. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing\n\
             {lp}: error[not-approved]: 2026-10 has no valid 制表 (市场营销部) sign-off for draft {oct2} (张三's sign-off of 2026-11-02 was for draft {oct1}, voided by draft {oct2} of 2026-10.xlsx)\n\
             {lp}: error[not-approved]: 2026-10 has no valid 审核 (稽核监控办) sign-off for draft {oct2} (王五's sign-off of 2026-11-03 was for draft {oct1}, voided by draft {oct2} of 2026-10.xlsx)\n\
             {lp}: error[not-approved]: 2026-10 has no valid 审批 (行长) sign-off for draft {oct2}\n\
             rmpay: 3 error(s); nothing was written\n"
        )
    );
    // The uncorrected ledger is not the draft in force either.
    let o = close(&a, "fixtures/2026-10.xlsx");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "{lp}: error[not-approved]: the ledger given is not the one of draft {oct2} that was signed (ledger: `{}`, the draft's: `{}`)",
            sha(Path::new("fixtures/2026-10.xlsx")),
            sha(Path::new(CORRECTED_OCT))
        )),
        "{}",
        o.stderr
    );
    assert!(before == tree(&a), "a refused close changed the archive");

    // Signed again, it closes.
    ok(
        &sign(&a, "2026-10", "prepare", "张三", "2026-11-04"),
        "制表",
    );
    ok(&sign(&a, "2026-10", "check", "王五", "2026-11-05"), "审核");
    let o = sign_with(
        &a,
        "2026-10",
        "approve",
        "赵六",
        "2026-11-06",
        &["--note", "同意"],
    );
    ok(&o, "审批");
    let o = close(&a, CORRECTED_OCT);
    ok(&o, "closing 2026-10");
    let oct_head = printed_head(&o);
    assert_eq!(
        signoff_block(&a.join("2026-10/pay-2026-10.xlsx"))[1..],
        [
            row(["制表", "市场营销部", "张三", "2026-11-04", ""]),
            row(["审核", "稽核监控办", "王五", "2026-11-05", ""]),
            row(["审批", "行长", "赵六", "2026-11-06", "同意"]),
            row(["下拨", "党群人事部", "", "", ""]),
        ]
    );
    // The closed month's ledger is the corrected one.
    assert_eq!(
        sha(&a.join("2026-10/ledger.xlsx")),
        sha(Path::new(CORRECTED_OCT))
    );

    // verify --head: right, then wrong, then after an edit of the newest
    // manifest that plain `verify` cannot see.
    let o = run(&["verify", "--archive", s(&a), "--head", &oct_head]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout
            .ends_with("the head given matches the newest manifest (2026-10)\n"),
        "{}",
        o.stdout
    );
    // September's 下拨 head still holds: nothing was added to its log.
    let o = run(&["verify", "--archive", s(&a), "--head", &issued_head]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout
            .ends_with("the head given matches the last sign-off of 2026-09, after its close\n"),
        "{}",
        o.stdout
    );
    let o = run(&["verify", "--archive", s(&a), "--head", &sep_head]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    let newest = a.join("2026-10/manifest.json");
    assert_eq!(
        o.stdout,
        format!(
            "{}: error[head-mismatch]: the archive's head is {oct_head}, 2026-09's sign-off log head {issued_head}, not {sep_head}, the head given: the archive is not the one whose head was written down\n\
             {}: 1 problem(s)\n",
            newest.display(),
            a.display()
        )
    );
    let text = std::fs::read_to_string(&newest).unwrap();
    let version = format!("\"tool_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    std::fs::write(
        &newest,
        text.replace(&version, "\"tool_version\": \"9.9.9\""),
    )
    .unwrap();
    assert_eq!(run(&["verify", "--archive", s(&a)]).code, 0);
    let o = run(&["verify", "--archive", s(&a), "--head", &oct_head]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("error[head-mismatch]"), "{}", o.stdout);
    // An edited sign-off in the manifest is caught without the head: the
    // manifest's sign-offs are held to the log's.
    std::fs::write(&newest, text.replace("赵六", "赵七")).unwrap();
    let o = run(&["verify", "--archive", s(&a)]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains(&format!(
            "{}: error[changed]: the manifest of 2026-10 records a 审批 (行长) sign-off by 赵七 of 2026-11-06 that its sign-off log does not hold\n",
            newest.display()
        )),
        "{}",
        o.stdout
    );
}

/// An archive with September drafted and 制表 signed.
fn drafted() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("archive");
    ok(
        &draft(&a, "fixtures/2026-09.xlsx", &dir.path().join("out")),
        "drafting",
    );
    ok(
        &sign(&a, "2026-09", "prepare", "张三", "2026-10-02"),
        "制表",
    );
    (dir, a)
}

/// A sign-off date is read in the forms a Chinese finance office writes
/// (was: anything but `YYYY-MM-DD` refused, `2026年11月7日` included), each
/// as one calendar date recorded in ISO form in the log; an impossible
/// date in any form is refused at `--date`, naming the forms.
#[test]
fn sign_reads_chinese_date_forms() {
    let (_dir, a) = drafted();
    for (step, name, date, iso) in [
        ("check", "王五", "2026年10月3日", "2026-10-03"),
        ("approve", "赵六", "2026/10/4", "2026-10-04"),
    ] {
        ok(&sign(&a, "2026-09", step, name, date), step);
        let last = log(&a, "2026-09").last().unwrap().clone();
        assert_eq!(
            (last["name"].as_str(), last["date"].as_str()),
            (Some(name), Some(iso))
        );
    }
    let before = tree(&a);
    for date in ["2026年2月30日", "20260230", "2026/13/1", "2026-10-05 09:00"] {
        let o = sign(&a, "2026-09", "issue", "钱七", date);
        assert_eq!(o.code, 1, "{date}: {}", o.stderr);
        assert!(
            o.stderr.starts_with(&format!("rmpay: error[bad-date]: --date `{date}` is not a calendar date: write it 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日\n")),
            "{date}: {}",
            o.stderr
        );
        assert!(before == tree(&a), "{date} changed the archive");
    }
    // `20261005` is a date too: refused here only because 下拨 comes after the close.
    let o = sign(&a, "2026-09", "issue", "钱七", "20261005");
    assert!(!o.stderr.contains("bad-date"), "{}", o.stderr);
}

/// Each bad `sign` is a located error with exit 1 (2 for a malformed
/// command line), and the archive is unchanged.
#[test]
pub(super) fn bad_sign_inputs_are_refused_and_change_nothing() {
    let (_dir, a) = drafted();
    let before = tree(&a);
    let lp = log_path(&a, "2026-09");
    let lp = lp.display();
    let draft = log(&a, "2026-09")[0]["draft"].as_str().unwrap().to_string();
    let cases: Vec<(Vec<&str>, i32, String)> = vec![
        (
            vec!["--period", "2026-12", "--step", "check", "--name", "王五"],
            1,
            format!(
                "{}: error[no-draft]: 2026-12 has no draft to sign: record one with `rmpay payroll --archive {} --ledger … --out …`\n",
                a.join("drafts/2026-12").display(),
                a.display()
            ),
        ),
        (
            vec!["--period", "2026-09", "--step", "审批", "--name", "赵六"],
            1,
            format!(
                "{lp}: error[out-of-order]: 审批 (行长) comes after 审核 (稽核监控办), which has no valid sign-off for draft {draft}\n"
            ),
        ),
        (
            vec!["--period", "2026-09", "--step", "check", "--name", "  "],
            1,
            "rmpay: error[empty-name]: --name is empty: a sign-off names the person who signs\n"
                .into(),
        ),
        (
            vec!["--period", "2026-09", "--step", "chek", "--name", "王五"],
            1,
            "rmpay: error[unknown-step]: --step `chek` is not a step of policy `city-commercial-bank`'s workflow (prepare 制表, check 审核, approve 审批, issue 下拨) (did you mean `check`?)\n"
                .into(),
        ),
        (
            vec![
                "--period", "2026-09", "--step", "check", "--name", "王五", "--date", "2026-02-30",
            ],
            1,
            "rmpay: error[bad-date]: --date `2026-02-30` is not a calendar date: write it 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日\n".into(),
        ),
        (
            vec![
                "--period", "2026-09", "--step", "check", "--name", "王五", "--date", "3.11.2026",
            ],
            1,
            "rmpay: error[bad-date]: --date `3.11.2026` is not a calendar date: write it 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日\n".into(),
        ),
        (
            vec!["--period", "2026-09", "--step", "下拨", "--name", "钱七"],
            1,
            format!("{lp}: error[not-closed]: 下拨 (党群人事部) comes after the close: close 2026-09 first\n"),
        ),
        (
            vec!["--period", "2026-09", "--step", "制表", "--name", "李四"],
            1,
            format!(
                "{lp}: error[already-signed]: 制表 (市场营销部) of draft {draft} was signed by 张三 on 2026-10-02 (entry 2); a step is signed once\n"
            ),
        ),
    ];
    for (args, code, expected) in cases {
        let mut all = vec!["sign", "--archive", s(&a)];
        all.extend(&args);
        let o = run(&all);
        assert_eq!(o.code, code, "{args:?}: {}", o.stderr);
        assert_eq!(
            o.stderr,
            format!("{expected}rmpay: 1 error(s); nothing was written\n"),
            "{args:?}"
        );
        assert!(before == tree(&a), "{args:?} changed the archive");
    }
    // Every problem of a run at once.
    let o = sign(&a, "2026-09", "check", "", "2026-13-01");
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        "rmpay: error[empty-name]: --name is empty: a sign-off names the person who signs\n\
         rmpay: error[bad-date]: --date `2026-13-01` is not a calendar date: write it 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日\n\
         rmpay: 2 error(s); nothing was written\n"
    );
    // A malformed command line: exit 2.
    for args in [
        vec!["--period", "2026-9", "--step", "check", "--name", "王五"],
        vec!["--period", "2026-09", "--step", "check"],
    ] {
        let mut all = vec!["sign", "--archive", s(&a)];
        all.extend(&args);
        let o = run(&all);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
    }
    assert!(
        before == tree(&a),
        "a malformed command changed the archive"
    );
    // A month with no draft in an archive that does not exist: nothing is
    // created.
    let none = a.with_file_name("none");
    let o = run(&[
        "sign",
        "--archive",
        s(&none),
        "--period",
        "2026-09",
        "--step",
        "check",
        "--name",
        "王五",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("error[no-draft]"), "{}", o.stderr);
    assert!(!none.exists());
}

/// Policy B has no workflow: its months close as soon as `close` runs, and
/// there is nothing to sign.
#[test]
pub(super) fn a_policy_without_a_workflow_closes_unsigned() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("archive");
    let common = [
        "--policy",
        "rules/bocom-nanchang.toml",
        "--ledger",
        "fixtures/bocom-2026-10.xlsx",
        "--period",
        "2026-10",
        "--archive",
        s(&a),
    ];
    let out = dir.path().join("out");
    let mut args = vec!["payroll", "--out", s(&out)];
    args.extend(common);
    let o = run(&args);
    ok(&o, "drafting");
    // Policy B has no risk deposit: no line about an opening state of
    // risk_accounts rows it never reads.
    assert!(!o.stderr.contains("opening state"), "{}", o.stderr);
    let o = sign(&a, "2026-10", "check", "王五", "2026-11-03");
    assert_eq!(o.code, 1);
    let draft = log(&a, "2026-10")[0]["draft"].as_str().unwrap().to_string();
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[no-workflow]: policy `bocom-nanchang` has no [workflow]: its months close without sign-off\n\
             rmpay: 1 error(s); nothing was written\n",
            a.join("drafts/2026-10")
                .join(draft)
                .join("policy.toml")
                .display()
        )
    );
    let mut args = vec!["close"];
    args.extend(common);
    let o = run(&args);
    ok(&o, "closing");
    let m = std::fs::read_to_string(a.join("2026-10/manifest.json")).unwrap();
    assert!(!m.contains("approval"), "{m}");
}

/// Two `sign`s of one step at once: one signs, the other is refused, and
/// the log stays one unbroken chain.
#[test]
fn concurrent_signs_sign_once() {
    let (_dir, a) = drafted();
    let spawn = |name: &str| {
        rmpay()
            .args([
                "sign",
                "--archive",
                s(&a),
                "--period",
                "2026-09",
                "--step",
                "审核",
                "--name",
                name,
                "--date",
                "2026-10-03",
            ])
            .output()
            .unwrap()
    };
    let (x, y) = std::thread::scope(|sc| {
        let x = sc.spawn(|| spawn("王五"));
        let y = sc.spawn(|| spawn("王六"));
        (x.join().unwrap(), y.join().unwrap())
    });
    let mut codes = [x.status.code(), y.status.code()];
    codes.sort();
    assert_eq!(codes, [Some(0), Some(1)]);
    let refused = if x.status.success() { &y } else { &x };
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("error[already-signed]"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let entries = log(&a, "2026-09");
    assert_eq!(entries.len(), 3);
    let o = run(&["verify", "--archive", s(&a)]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    // The draft signed is held to its record: an edited file is named.
    let draft = entries[0]["draft"].as_str().unwrap();
    let json = a
        .join("drafts/2026-09")
        .join(draft)
        .join("pay-2026-09.json");
    let mut bytes = std::fs::read(&json).unwrap();
    bytes.push(b' ');
    std::fs::write(&json, &bytes).unwrap();
    let o = run(&["verify", "--archive", s(&a)]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.starts_with(&format!(
            "{}: error[changed]: SHA-256 is {}, the draft record says ",
            json.display(),
            rmpay::archive::sha256_hex(&bytes)
        )),
        "{}",
        o.stdout
    );
}

/// A `close` and a `sign` of the step after it at once: whichever goes
/// first, the archive ends consistent (the 下拨 is either refused as
/// before the close, or chained after it).
#[test]
fn a_close_and_a_sign_at_once_leave_a_consistent_archive() {
    let (_dir, a) = drafted();
    ok(&sign(&a, "2026-09", "审核", "王五", "2026-10-03"), "审核");
    ok(&sign(&a, "2026-09", "审批", "赵六", "2026-10-04"), "审批");
    let (c, i) = std::thread::scope(|sc| {
        let c = sc.spawn(|| close(&a, "fixtures/2026-09.xlsx"));
        let i = sc.spawn(|| sign(&a, "2026-09", "下拨", "钱七", "2026-10-05"));
        (c.join().unwrap(), i.join().unwrap())
    });
    ok(&c, "closing");
    if i.code != 0 {
        assert_eq!(i.code, 1, "{}", i.stderr);
        assert!(i.stderr.contains("error[not-closed]"), "{}", i.stderr);
        ok(&sign(&a, "2026-09", "下拨", "钱七", "2026-10-05"), "下拨");
    }
    let entries = log(&a, "2026-09");
    assert_eq!(entries.len(), 5);
    assert_eq!(
        entries[4]["manifest_sha256"],
        sha(&a.join("2026-09/manifest.json")).as_str()
    );
    let o = run(&["verify", "--archive", s(&a)]);
    assert_eq!(o.code, 0, "{}", o.stdout);
}

/// The sign-off log is a file of the archive like the others, readable by
/// whoever may read the archive: the auditor who runs `verify`, the next
/// office that signs. It was written as a private temporary file (mode
/// 0600) renamed into place, so on a shared archive `verify` by anyone but
/// the last signer failed with "Permission denied".
#[cfg(unix)]
#[test]
fn the_signoff_log_is_as_readable_as_the_archive() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, a) = drafted();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let draft = log(&a, "2026-09")[0]["draft"].as_str().unwrap().to_string();
    // A file of the draft, made as every archived file is (0666 less the umask).
    let record = mode(&a.join("drafts/2026-09").join(draft).join("draft.json"));
    assert_eq!(mode(&log_path(&a, "2026-09")), record, "after 制表");
    ok(&sign(&a, "2026-09", "审核", "王五", "2026-10-03"), "审核");
    assert_eq!(mode(&log_path(&a, "2026-09")), record, "after 审核");
}

/// `rmpay sign` with `--lang`.
fn sign_in(lang: &str, a: &Path, period: &str, step: &str, name: &str, date: &str) -> Out {
    sign_with(a, period, step, name, date, &["--lang", lang])
}

/// A step is dated on or after the step before it: 审批 typed
/// `2026-10-04` for `2026-11-04` (a month before 审核 was signed, and
/// before the month it approves had ended) is refused, naming the earlier
/// sign-off, and nothing is written; the same day as 审核 is signed. So is
/// 下拨 after the close, held to 审批's date. Such a date used to be
/// recorded, and stood in the closed register's sign-off block for good.
#[test]
fn a_step_is_not_dated_before_the_step_it_follows() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("archive");
    let out = dir.path().join("out");
    let o = draft(&a, "fixtures/2026-10.xlsx", &out);
    ok(&o, "drafting 2026-10");
    ok(&sign(&a, "2026-10", "制表", "张三", "2026-11-02"), "制表");
    ok(&sign(&a, "2026-10", "审核", "王五", "2026-11-04"), "审核");
    let lp = log_path(&a, "2026-10");
    let lp = lp.display();
    let before = tree(&a);
    let o = sign(&a, "2026-10", "审批", "赵六", "2026-10-04");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{lp}: error[out-of-order]: 审批 (行长) dated 2026-10-04 comes before 审核 (稽核监控办), signed on 2026-11-04 (entry 3): a step is signed on or after the one before it (check `--date`)\n\
             rmpay: 1 error(s); nothing was written\n"
        )
    );
    let o = sign_in("zh", &a, "2026-10", "审批", "赵六", "2026-11-03");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{lp}: error[out-of-order]: 审批（行长）的签核日期 2026-11-03 早于审核（稽核监控办）的签核日期 2026-11-04（第 3 条记录）：每个环节在前一环节之后签核（请核对 `--date`）\n\
             rmpay：1 个错误；未写入任何文件\n"
        )
    );
    assert!(before == tree(&a), "a refused sign-off changed the archive");
    ok(
        &sign(&a, "2026-10", "审批", "赵六", "2026-11-04"),
        "审批, same day",
    );
    ok(&close(&a, "fixtures/2026-10.xlsx"), "closing 2026-10");
    let o = sign(&a, "2026-10", "下拨", "钱七", "2026-11-01");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "error[out-of-order]: 下拨 (党群人事部) dated 2026-11-01 comes before 审批 (行长), signed on 2026-11-04 (entry 4)"
        ),
        "{}",
        o.stderr
    );
    ok(&sign(&a, "2026-10", "下拨", "钱七", "2026-11-05"), "下拨");
}

/// Separation of duties (不相容职务分离; art. 28: each step by another
/// office). Under `separate_signers` (true unless the policy's
/// `[workflow]` says false) a person who holds a valid sign-off of one
/// step of a draft signs no other step of it, after the close too, and
/// nothing is written; a void sign-off holds nothing; a name is compared
/// trimmed and without case. A policy that sets it false lets one person
/// sign every step.
#[test]
pub(super) fn one_person_signs_one_step_of_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("archive");
    let out = dir.path().join("out");
    let o = draft(&a, "fixtures/2026-10.xlsx", &out);
    ok(&o, "drafting 2026-10");
    let oct1 = printed_draft(&o);
    ok(&sign(&a, "2026-10", "制表", "张三", "2026-11-02"), "制表");
    let lp = log_path(&a, "2026-10");
    let lp = lp.display();
    // 张三, who prepared the draft (entry 2), cannot also check it.
    let before = tree(&a);
    let o = sign(&a, "2026-10", "审核", "张三", "2026-11-03");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{lp}: error[same-signer]: 张三 signed 制表 (市场营销部) of draft {oct1} on 2026-11-02 (entry 2) and cannot also sign 审核 (稽核监控办): the policy's [workflow] has each step signed by a different person (unless it sets `separate_signers = false`)\n\
             rmpay: 1 error(s); nothing was written\n"
        )
    );
    let o = sign_in("zh", &a, "2026-10", "check", " 张三 ", "2026-11-03");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{lp}: error[same-signer]: 张三 已于 2026-11-02 签核草稿 {oct1} 的制表（市场营销部）（第 2 条记录），不能再签审核（稽核监控办）：政策的 `[workflow]` 要求各环节由不同的人签核（设 `separate_signers = false` 可由一人兼签）\n\
             rmpay：1 个错误；未写入任何文件\n"
        )
    );
    assert!(before == tree(&a), "a refused sign-off changed the archive");

    // The ledger corrected: 张三's 制表 is void (entry 3 voids entry 2), and
    // holds nothing any more.
    let o = draft(&a, CORRECTED_OCT, &out);
    ok(&o, "drafting the corrected 2026-10");
    let oct2 = printed_draft(&o);
    ok(
        &sign(&a, "2026-10", "制表", "Zhang San", "2026-11-04"),
        "制表 again",
    );
    // A Latin name: the same person trimmed and in any case.
    let o = sign(&a, "2026-10", "审核", " zhang  SAN ", "2026-11-05");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "error[same-signer]: Zhang San signed 制表 (市场营销部) of draft {oct2} on 2026-11-04 (entry 4) and cannot also sign 审核 (稽核监控办)"
        )),
        "{}",
        o.stderr
    );
    ok(&sign(&a, "2026-10", "审核", "张三", "2026-11-05"), "审核");
    let o = sign(&a, "2026-10", "审批", "张三", "2026-11-06");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "error[same-signer]: 张三 signed 审核 (稽核监控办) of draft {oct2} on 2026-11-05 (entry 5)"
        )),
        "{}",
        o.stderr
    );
    ok(&sign(&a, "2026-10", "审批", "赵六", "2026-11-06"), "审批");
    ok(&close(&a, CORRECTED_OCT), "closing 2026-10");

    // After the close: who approved the draft does not issue it.
    let before = tree(&a);
    let o = sign(&a, "2026-10", "下拨", "赵六", "2026-11-07");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{lp}: error[same-signer]: 赵六 signed 审批 (行长) of draft {oct2} on 2026-11-06 (entry 6) and cannot also sign 下拨 (党群人事部): the policy's [workflow] has each step signed by a different person (unless it sets `separate_signers = false`)\n\
             rmpay: 1 error(s); nothing was written\n"
        )
    );
    assert!(before == tree(&a), "a refused sign-off changed the archive");
    ok(&sign(&a, "2026-10", "下拨", "钱七", "2026-11-07"), "下拨");

    // A small branch where one person holds every office: the policy says
    // so, and 张三 signs each step.
    let text = std::fs::read_to_string(super::util::root().join(POLICY)).unwrap();
    let from = "[workflow]\nclose_after = \"approve\"\n";
    assert!(text.contains(from));
    let one = dir.path().join("one-signer.toml");
    std::fs::write(
        &one,
        text.replacen(from, &format!("{from}separate_signers = false\n"), 1),
    )
    .unwrap();
    let b = dir.path().join("b");
    let o = run(&[
        "payroll",
        "--policy",
        s(&one),
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--archive",
        s(&b),
        "--out",
        s(&out),
    ]);
    ok(&o, "drafting under separate_signers = false");
    for (step, date) in [
        ("制表", "2026-11-02"),
        ("审核", "2026-11-03"),
        ("审批", "2026-11-04"),
    ] {
        ok(&sign(&b, "2026-10", step, "张三", date), step);
    }
}
