//! The error catalogue: every code of [`Code::ALL`] met through the command
//! line as a user meets it. [`every_code_is_met`] runs one case per code
//! (or per few codes) and fails naming each code no case prints; a case is
//! a function here, with its whole output pinned, a fixture `check`ed, or
//! the test of another file that pins the code there.
//!
//! Codes met by no test, each with the reason ([`NOT_MET`]):
//! `input-changed` (a ledger or policy changed between its reading and
//! the close's copy of it: a race, with no lock or hook to hold it open)
//! and `negative-payout` (a negative total paid: deductions stop at the
//! gross pay, and a recovery that net pay cannot cover is carried
//! forward). The test fails as soon as a case meets one of them, so the
//! list cannot go stale.

use super::test::Test;
use super::util::{codes_printed, root, run};
use rmpay::diag::Code;
use std::io::{Read, Write};

const POLICY_A: &str = "rules/city-commercial-bank.toml";

/// `rmpay close` of September 2026 under Policy A into `$TMP/archive`.
const CLOSE_SEPTEMBER_A: [&str; 7] = [
    "close",
    "--archive",
    "$TMP/archive",
    "--policy",
    POLICY_A,
    "--ledger",
    "fixtures/2026-09.xlsx",
];

/// `fixtures/bad/policy/ok-tiny.toml` (52 lines) with `extra` from line 54.
fn tiny(extra: &str) -> String {
    let text = std::fs::read_to_string(root().join("fixtures/bad/policy/ok-tiny.toml")).unwrap();
    assert_eq!(text.lines().count(), 52);
    format!("{text}\n{extra}")
}

/// A pay-out profile valid for `tiny`, with `from` replaced by `to`.
fn payout_profile(from: &str, to: &str) -> String {
    let profile = r#"[payout]
format = "csv"
remark = "{year}年{month}月绩效工资"
columns = [
  { field = "account", header = "账号" },
  { field = "account_name", header = "户名" },
  { field = "amount", header = "金额" },
  { value = "人民币", header = "币种" },
]
[payout.control]
at = "header"
fields = ["{count}", "{total}"]
"#;
    assert!(profile.contains(from), "{from}");
    tiny(&profile.replacen(from, to, 1))
}

/// Policy A without its sign-off workflow, so that `close` closes at once.
fn policy_a_without_workflow() -> String {
    std::fs::read_to_string(root().join(super::util::policy_a_without_workflow())).unwrap()
}

/// A fixture workbook with text replaced in its members: each edit is
/// (member, from, to), `from` found once.
pub(super) fn xlsx_edit(fixture: &str, edits: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(root().join(fixture)).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        for (member, from, to) in edits {
            if *member == name {
                let text = String::from_utf8(bytes).unwrap();
                assert_eq!(text.matches(from).count(), 1, "{member}: {from}");
                bytes = text.replace(from, to).into_bytes();
            }
        }
        w.start_file(name, opts).unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A tempdir holding `archive/` with September 2026 closed under Policy A
/// without its workflow (`policy.toml` beside it).
fn closed_september() -> tempfile::TempDir {
    let o = Test::new()
        .write("city-commercial-bank.toml", policy_a_without_workflow())
        .args([
            "close",
            "--archive",
            "$TMP/archive",
            "--policy",
            "$TMP/city-commercial-bank.toml",
            "--ledger",
            "fixtures/2026-09.xlsx",
        ])
        .hide_sha256()
        .stdout("2026-09 closed; archive head SHA-256 $SHA256\n")
        .stderr("
            fixtures/2026-09.xlsx [客户经理]: warning[missing-card]: 7 RM(s) paid for 2026-09 have no salary card: RM001, RM002, RM003, RM004, AG001, BH001, RM005. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing
            rmpay: 2026-09 9 RMs, net pay 16,274.54 (gross 19,520.67, deductions 0.00, risk deposit 3,246.13); 13 exception(s)
            rmpay: opening state: the ledger's risk_accounts sheet
            rmpay: closed 2026-09 in $TMP/archive/2026-09 (policy `city-commercial-bank` 2026.1, manifest SHA-256 $SHA256)
            rmpay: write the head on the signed form; `rmpay verify --archive $TMP/archive --head $SHA256` checks the archive against it
        ")
        .run();
    o.tempdir
}

// ------------------------------------------------------------- policy ---

fn bad_range() {
    // ok-tiny's line 4 is `version = "1"`; the dates go on lines 5 and 6.
    let text = tiny("").replacen(
        "version = \"1\"\n",
        "version = \"1\"\neffective_from = 2026-07-01\neffective_until = 2026-01-01\n",
        1,
    );
    check_policy_text(text, "
            $TMP/p.toml:6:19: error[bad-range]: `effective_until` 2026-01-01 is before `effective_from` 2026-07-01
            rmpay: 1 error(s); nothing was written
        ");
}

fn bad_template() {
    // Line 56: `remark = "{year}年{month"`, the value from column 10.
    check_policy_text(payout_profile("{month}月", "{month"), "
            $TMP/p.toml:56:10: error[bad-template]: `payout.remark` has a `{` without its `}`: `{year}年{month绩效工资`
            rmpay: 1 error(s); nothing was written
        ");
}

fn bad_column() {
    // Line 61, the fourth column: `{ field = "seq", value = …`, its
    // `field` at column 13.
    Test::new()
        .write(
            "p.toml",
            payout_profile("{ value = \"人民币\"", "{ field = \"seq\", value = \"人民币\""),
        )
        .args(["check", "--policy", "$TMP/p.toml"])
        .stderr("
            $TMP/p.toml:61:13: error[bad-column]: `payout.columns[3]` has both `field` and `value`: a column holds one
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

fn not_applicable() {
    // Line 55 becomes `format = "xlsx"` and line 56 `delimiter = ";"`
    // (the remark moves to line 57).
    Test::new()
        .write(
            "p.toml",
            payout_profile("format = \"csv\"\n", "format = \"xlsx\"\ndelimiter = \";\"\n"),
        )
        .args(["check", "--policy", "$TMP/p.toml"])
        .stderr("
            $TMP/p.toml:56:13: error[not-applicable]: `payout.delimiter` applies to `format = \"csv\"` only
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// `rmpay check` on a policy written from `text`: exit 1, `stderr`.
fn check_policy_text(text: impl AsRef<[u8]>, stderr: &str) {
    Test::new()
        .write("p.toml", text)
        .args(["check", "--policy", "$TMP/p.toml"])
        .stderr(stderr)
        .status(1)
        .run();
}

/// A policy that is not UTF-8: located at its first bad byte.
fn not_utf8() {
    check_policy_text(b"id = \"x\xff\"\n", "
            $TMP/p.toml:1:8: error[not-utf8]: the policy is not UTF-8 text: byte 0xFF (save the file as UTF-8)
            rmpay: 1 error(s); nothing was written
        ");
}

/// Policy A with the demotion line of art. 14 moved from 85 to 80
/// points: its worked examples of a demotion under 85 fail, each at its
/// `[[examples]]` line.
fn example_failed() {
    let text = std::fs::read_to_string(root().join(POLICY_A)).unwrap();
    let changed = text.replace(
        "when = { metric = \"score\", op = \"<\", value = 85 }",
        "when = { metric = \"score\", op = \"<\", value = 80 }",
    );
    assert_ne!(changed, text);
    check_policy_text(changed, "
            $TMP/p.toml:581:1: error[example-failed]: example `senior just under 85 is demoted to mid` expected decision `demote`, got `keep`, tier `mid`, got `senior`
            $TMP/p.toml:609:1: error[example-failed]: example `NPL exactly 1% falls in the 1%–5% band` expected decision `demote`, got `keep`, tier `junior`, got `mid`
            $TMP/p.toml:675:1: error[example-failed]: example `junior under 85 is demoted to agent` expected decision `demote`, got `keep`, tier `agent`, got `junior`
            rmpay: 3 error(s); nothing was written
        ");
}

fn unknown_field() {
    // Line 56: `remark = "{year}年{mnth}月绩效工资"`, the value from column 10.
    check_policy_text(payout_profile("{month}月", "{mnth}月"), "
            $TMP/p.toml:56:10: error[unknown-field]: `payout.remark` names unknown field `{mnth}`: expected `{period}`, `{year}`, `{month}`, `{rm_id}`, `{name}` (did you mean `month`?)
            rmpay: 1 error(s); nothing was written
        ");
}

fn unknown_column() {
    // Line 60, the third column, its `field` at column 13; without it the
    // profile has no amount (line 54, `[payout]`).
    check_policy_text(payout_profile("{ field = \"amount\"", "{ field = \"amonut\""), "
            $TMP/p.toml:60:13: error[unknown-column]: unknown pay-out column `amonut`: expected one of `seq`, `account`, `account_name`, `amount`, `remark`, `rm_id`, `branch` (did you mean `amount`?)
            $TMP/p.toml:54:1: error[missing-column]: `payout.columns` has no `amount` column: a payment needs the account, its name and the amount
            rmpay: 2 error(s); nothing was written
        ");
}

fn missing_field() {
    // Line 63, `[payout.control]`.
    Test::new()
        .write(
            "p.toml",
            payout_profile("fields = [\"{count}\", \"{total}\"]", "fields = [\"{count}\"]"),
        )
        .args(["check", "--policy", "$TMP/p.toml"])
        .stderr("
            $TMP/p.toml:63:1: error[missing-field]: `payout.control.fields` must give the `{total}` of the payments
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// A rules folder that cannot be read: an I/O failure, exit 2.
fn cannot_read() {
    Test::new()
        .args(["check", "--rules", "$TMP/rules", "--period", "2026-10"])
        .stderr("
            $TMP/rules: error[cannot-read]: cannot read the rules directory: No such file or directory (os error 2)
            rmpay: 1 error(s); nothing was written
        ")
        .status(2)
        .run();
}

// ------------------------------------------------------------- ledger ---

/// The fee sheet (中间业务收入, sheet5) of October: row 2 is C001's fee of
/// 10,000 with no RM; here it names RM001 as well (shared string 9).
/// `check` prints a valid ledger's warnings on stderr, its verdicts on
/// stdout.
fn fee_owner_both() {
    let ledger = xlsx_edit(
        "fixtures/2026-10.xlsx",
        &[(
            "xl/worksheets/sheet5.xml",
            r#"<c r="A2" t="s"><v>44</v></c>"#,
            r#"<c r="A2" t="s"><v>44</v></c><c r="B2" t="s"><v>9</v></c>"#,
        )],
    );
    Test::new()
        .write("2026-10.xlsx", ledger)
        .args(["check", "--policy", POLICY_A, "--ledger", "$TMP/2026-10.xlsx"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
            $TMP/2026-10.xlsx: ledger for 2026-10 is valid (9 managers, 10 client assignments)
        ")
        // Warnings on stderr, as `payroll` prints them.
        .stderr("
            $TMP/2026-10.xlsx [中间业务收入]!B2: warning[fee-owner-both]: found both client `C001` and RM `RM001`; the fee goes to the client and is shared like the client
        ")
        .run();
}

/// The managers sheet (客户经理, sheet1) of October gains a salary-card
/// column J; RM001's card (J2) has a letter in it.
fn not_a_card() {
    let ledger = xlsx_edit(
        "fixtures/2026-10.xlsx",
        &[
            (
                "xl/worksheets/sheet1.xml",
                r#"<c r="I1" t="s"><v>8</v></c>"#,
                r#"<c r="I1" t="s"><v>8</v></c><c r="J1" t="inlineStr"><is><t>工资卡号</t></is></c>"#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"<c r="I2"><v>92.0</v></c>"#,
                r#"<c r="I2"><v>92.0</v></c><c r="J2" t="inlineStr"><is><t>6222 0202 O001 2345</t></is></c>"#,
            ),
        ],
    );
    Test::new()
        .write("2026-10.xlsx", ledger)
        .args(["check", "--policy", POLICY_A, "--ledger", "$TMP/2026-10.xlsx"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $TMP/2026-10.xlsx [客户经理]!J2: error[not-a-card]: expected `salary_card` (工资卡号) as up to 32 digits (spaces between groups allowed), found text that is not only digits
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// The fee sheet's XML breaks off inside cell C2 (its `</c>` is gone).
/// The reader reports C2 as empty before it meets the broken XML: that
/// first line is noise, pinned as it is.
fn cannot_read_sheet() {
    let ledger = xlsx_edit(
        "fixtures/2026-10.xlsx",
        &[(
            "xl/worksheets/sheet5.xml",
            r#"<c r="C2"><v>10000.0</v></c>"#,
            r#"<c r="C2"><v>10000.0</v>"#,
        )],
    );
    Test::new()
        .write("2026-10.xlsx", ledger)
        .args(["check", "--policy", POLICY_A, "--ledger", "$TMP/2026-10.xlsx"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $TMP/2026-10.xlsx [中间业务收入]!C2: error[missing-value]: expected a value for `amount` (金额), found an empty cell
            $TMP/2026-10.xlsx [中间业务收入]: error[cannot-read-sheet]: cannot read the sheet: Expecting 'v, f, or is' node
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

// ------------------------------------------------------------- review ---

/// A ledger of another year (a quarter's review sets the year's other
/// months aside: `review::a_quarter_uses_its_months_of_the_years_ledgers`).
fn outside_review() {
    Test::new()
        .args([
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            "fixtures/2026-10.xlsx",
            "--year",
            "2027",
            "--quarter",
            "4",
            "--partial",
            "--out",
            "$TMP/out",
        ])
        .stderr("
            fixtures/2026-10.xlsx: error[outside-review]: the ledger is for 2026-10, outside the review period 2027-Q4
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

fn duplicate_month() {
    Test::new()
        .args([
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            "fixtures/2026-10.xlsx",
            "fixtures/2026-10.xlsx",
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--out",
            "$TMP/out",
        ])
        .stderr(
            "
            fixtures/2026-10.xlsx: error[duplicate-month]: a second ledger for 2026-10: fixtures/2026-10.xlsx is already 2026-10's; give one ledger a month
            rmpay: 1 error(s); nothing was written
        ",
        )
        .status(1)
        .run();
}

/// A previous review that is not JSON: invalid input, exit 1, nothing
/// written (a review JSON of the wrong year: `review_rules`).
fn bad_review() {
    Test::new()
        .write("previous.json", "not json")
        .args([
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            "fixtures/2026-10.xlsx",
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--previous-review",
            "$TMP/previous.json",
            "--out",
            "$TMP/out",
        ])
        .stderr("$TMP/previous.json: error[bad-review]: not a review JSON: expected ident at line 1 column 2\nrmpay: 1 error(s); nothing was written\n")
        .status(1)
        .run();
}

/// Policy B's third quarter with N01 renamed `N 1` and N02 `N/1`: both
/// notices would be `notice-2026-Q3-N_1.xlsx`.
fn notice_name_clash() {
    let mut t = Test::new();
    let mut args: Vec<String> = [
        "review",
        "--policy",
        "rules/bocom-nanchang.toml",
        "--year",
        "2026",
        "--quarter",
        "3",
    ]
    .map(String::from)
    .to_vec();
    args.push("--ledgers".into());
    for m in ["07", "08", "09"] {
        let ledger = xlsx_edit(
            &format!("fixtures/year-b/2026-{m}.xlsx"),
            &[
                ("xl/sharedStrings.xml", "<t>N01</t>", "<t>N 1</t>"),
                ("xl/sharedStrings.xml", "<t>N02</t>", "<t>N/1</t>"),
            ],
        );
        t = t.write(&format!("2026-{m}.xlsx"), ledger);
        args.push(format!("2026-{m}=$TMP/2026-{m}.xlsx"));
    }
    args.extend(["--out", "$TMP/out", "--notices", "$TMP/notices"].map(String::from));
    for a in &args {
        t = t.arg(a);
    }
    t.stderr("
            rmpay: error[notice-name-clash]: RM `N/1` would be written to notice-2026-Q3-N_1.xlsx, the file of another RM: RM ids that differ only in characters a file name cannot hold
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

// ------------------------------------------------------------ archive ---

fn bad_manifest() {
    let tmp = closed_september();
    std::fs::write(tmp.path().join("archive/2026-09/manifest.json"), "{\n").unwrap();
    Test::with_tempdir(tmp)
        .args(["verify", "--archive", "$TMP/archive"])
        .stdout("
            $TMP/archive/2026-09/manifest.json: error[bad-manifest]: not a valid manifest: EOF while parsing an object at line 2 column 0
            $TMP/archive: 1 problem(s)
        ")
        .status(1)
        .run();
}

fn bad_state() {
    let tmp = closed_september();
    std::fs::write(tmp.path().join("archive/2026-09/state.json"), "{\n").unwrap();
    Test::with_tempdir(tmp)
        .args([
            "payroll",
            "--archive",
            "$TMP/archive",
            "--policy",
            "$TMP/city-commercial-bank.toml",
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--out",
            "$TMP/out",
        ])
        .stderr("
            $TMP/archive/2026-09/state.json: error[bad-state]: not a valid state file: EOF while parsing an object at line 2 column 0
            rmpay: nothing was written
        ")
        .status(1)
        .run();
}

/// September's figures replaced by a broken file, the manifest made to
/// list it (so that the hash holds): the review from the archive refuses
/// the file it cannot read.
fn bad_figures() {
    let tmp = closed_september();
    let month = tmp.path().join("archive/2026-09");
    let broken = b"{\n";
    std::fs::write(month.join("figures.json"), broken).unwrap();
    let path = month.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == "figures.json" {
            f["sha256"] = rmpay::archive::sha256_hex(broken).into();
            f["size"] = broken.len().into();
        }
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let archive = tmp.path().join("archive");
    let policy = tmp.path().join("city-commercial-bank.toml");
    let out = tmp.path().join("out");
    let o = run(&[
        "review",
        "--policy",
        policy.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
        "--year",
        "2026",
        "--quarter",
        "3",
        "--partial",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("2026-09/figures.json: error[bad-figures]: "),
        "{}",
        o.stderr
    );
    assert!(!out.exists());
}

fn bad_archive() {
    let tmp = closed_september();
    std::fs::write(tmp.path().join("archive/2026-09/pay-2026-09.json"), "{\n").unwrap();
    Test::with_tempdir(tmp)
        .args([
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/payout.csv",
        ])
        .stderr("
            $TMP/archive/2026-09/pay-2026-09.json: error[bad-archive]: not valid JSON: EOF while parsing an object at line 2 column 0
            rmpay: nothing was written
        ")
        .status(1)
        .run();
}

/// A draft folder named by the SHA-256 of its record, as `payroll
/// --archive` names it, whose record is not a draft's, listed in a sign-off
/// log of one entry.
fn bad_draft() {
    // SHA-256 of the 8 bytes `not json`.
    let sha = "7ccfa1fbf3940e6f0c0375d87c0f9235a50514e14cb427bdfaf5077987b26ccf";
    let log = format!(
        r#"{{"seq":1,"previous":null,"kind":"draft","draft":"{sha}","ledger":"2026-09.xlsx","ledger_sha256":"0","policy_sha256":"0","opening":"none","voids":[]}}"#
    );
    let policy = std::fs::read(root().join(POLICY_A)).unwrap();
    Test::new()
        .write(&format!("archive/drafts/2026-09/{sha}/draft.json"), "not json")
        .write(&format!("archive/drafts/2026-09/{sha}/policy.toml"), policy)
        .write("archive/drafts/2026-09/signoffs.jsonl", log + "\n")
        .args(CLOSE_SEPTEMBER_A)
        .stderr(&format!("
            fixtures/2026-09.xlsx [客户经理]: warning[missing-card]: 7 RM(s) paid for 2026-09 have no salary card: RM001, RM002, RM003, RM004, AG001, BH001, RM005. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing
            $TMP/archive/drafts/2026-09/{sha}/draft.json: error[bad-draft]: not a draft record: expected ident at line 1 column 2
            rmpay: nothing was written
        "))
        .status(1)
        .run();
}

fn bad_signoffs() {
    let o = Test::new()
        .args([
            "payroll",
            "--archive",
            "$TMP/archive",
            "--policy",
            POLICY_A,
            "--ledger",
            "fixtures/2026-09.xlsx",
            "--out",
            "$TMP/out",
        ])
        .hide_sha256()
        .stderr("
            fixtures/2026-09.xlsx [客户经理]: warning[missing-card]: 7 RM(s) paid for 2026-09 have no salary card: RM001, RM002, RM003, RM004, AG001, BH001, RM005. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing
            rmpay: 2026-09 9 RMs, net pay 16,274.54 (gross 19,520.67, deductions 0.00, risk deposit 3,246.13); 13 exception(s)
            rmpay: opening state: the ledger's risk_accounts sheet
            rmpay: draft $SHA256 of 2026-09 recorded in $TMP/archive/drafts/2026-09
            rmpay: to sign before the close: 制表 (市场营销部), 审核 (稽核监控办), 审批 (行长) (`rmpay sign --archive $TMP/archive --period 2026-09 --step STEP --name NAME`)
            rmpay: wrote $TMP/out/pay-2026-09.xlsx
        ")
        .run();
    std::fs::write(
        o.path("archive/drafts/2026-09/signoffs.jsonl"),
        b"\xff\xfe\n",
    )
    .unwrap();
    Test::with_tempdir(o.tempdir)
        .args([
            "sign",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--step",
            "制表",
            "--name",
            "张三",
            "--date",
            "2026-10-02",
        ])
        .stderr("
            $TMP/archive/drafts/2026-09/signoffs.jsonl: error[bad-signoffs]: the sign-off log is not UTF-8 text
            rmpay: nothing was written
        ")
        .status(1)
        .run();
}

// ------------------------------------------------ command line, files ---

fn usage() {
    Test::new()
        .args([
            "payroll",
            "--policy",
            POLICY_A,
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--period",
            "2026-13",
            "--out",
            "$TMP/out",
        ])
        .stderr("error: --period: expected a period as YYYY-MM, found `2026-13`\n")
        .status(2)
        .run();
}

fn io() {
    Test::new()
        .args(["check", "--policy", "$TMP/policy.toml"])
        .stderr("$TMP/policy.toml: error[io]: no such file\n")
        .status(2)
        .run();
}

/// October with RM001 as `RM 01` and RM002 as `RM/01` (shared strings,
/// so every sheet's cells follow): both statements would be
/// `statement-2026-10-RM_01.xlsx`.
fn statement_name_clash() {
    let ledger = xlsx_edit(
        "fixtures/2026-10.xlsx",
        &[
            ("xl/sharedStrings.xml", "<t>RM001</t>", "<t>RM 01</t>"),
            ("xl/sharedStrings.xml", "<t>RM002</t>", "<t>RM/01</t>"),
        ],
    );
    Test::new()
        .write("2026-10.xlsx", ledger)
        .args([
            "statement",
            "--policy",
            POLICY_A,
            "--ledger",
            "$TMP/2026-10.xlsx",
            "--out",
            "$TMP/out",
        ])
        .stderr("
            2026-10.xlsx [客户经理]: error[statement-name-clash]: RM `RM/01` would be written to statement-2026-10-RM_01.xlsx, the file of another RM: RM ids that differ only in characters a file name cannot hold
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

// ------------------------------------------------------------ archive ---

fn no_version() {
    Test::with_tempdir(closed_september())
        .args([
            "rerun",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--version",
            "9",
        ])
        .stderr(
            "
            $TMP/archive/2026-09.v9: error[no-version]: 2026-09 has no version 9 (versions: 1)
            rmpay: nothing was written
        ",
        )
        .status(1)
        .run();
}

fn head_mismatch() {
    Test::with_tempdir(closed_september())
        .args([
            "verify",
            "--archive",
            "$TMP/archive",
            "--head",
            &"0".repeat(64),
        ])
        .hide_sha256()
        .stdout("
            $TMP/archive/2026-09/manifest.json: error[head-mismatch]: the archive's head is $SHA256, not $SHA256, the head given: the archive is not the one whose head was written down
            $TMP/archive: 1 problem(s)
        ")
        .status(1)
        .run();
}

/// Policy A closes only the draft signed through 审批.
fn not_approved() {
    Test::new()
        .args(CLOSE_SEPTEMBER_A)
        .stderr("
            fixtures/2026-09.xlsx [客户经理]: warning[missing-card]: 7 RM(s) paid for 2026-09 have no salary card: RM001, RM002, RM003, RM004, AG001, BH001, RM005. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing
            $TMP/archive/drafts/2026-09/signoffs.jsonl: error[not-approved]: 2026-09 has no draft: record one with `rmpay payroll --archive $TMP/archive …` and have it signed (制表, 审核, 审批)
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// A month not closed is refused alike by every command that reads a
/// closed month: `not-closed` is an archive's refusal, exit 1, as in
/// `payout`, `restate` and `sign` (`rerun` and `explain` exited 2 with it,
/// as if it were a mistyped argument).
#[test]
fn rerun_of_a_month_not_closed_is_refused() {
    Test::with_tempdir(closed_september())
        .args(["rerun", "--archive", "$TMP/archive", "--period", "2026-10"])
        .stderr(
            "
            $TMP/archive/2026-10: error[not-closed]: 2026-10 is not a closed period: close it first with `rmpay close`
            rmpay: nothing was written
        ",
        )
        .status(1)
        .run();
}

/// RM005 (mid, cap 10,000.00) opens September with 9,999.995 in its risk
/// deposit (the risk_accounts sheet's B3, 9,950.00 in the fixture) under
/// Policy A reading amounts to 3 places (`input_scale = 3`, money at 2):
/// the deposit withheld is what fills it to the cap, 0.005, and its total
/// paid 2,300.00 − 0.005 = 2,299.995, more places than the pay-out file's
/// 2. (The month closes with it: the withheld amount is not rounded to the
/// money's places.)
fn too_many_places() {
    // With amounts read to 3 places, RM005's opening risk-deposit balance
    // 9,999.995 (B3) is read as it stands; topped up to the 10,000 cap it
    // would withhold 0.005 and pay 2,299.995. Refused at its cell.
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("2026-09.xlsx");
    super::payout::ledger_with_cards("09", &ledger, &super::payout::all_cards);
    super::payout::replace_in(
        &ledger,
        "xl/worksheets/sheet8.xml",
        r#"<c r="B3"><v>9950.0</v>"#,
        r#"<c r="B3"><v>9999.995</v>"#,
    );
    let policy = policy_a_without_workflow();
    assert_eq!(policy.matches("input_scale = 2").count(), 1);
    let policy = policy.replace("input_scale = 2", "input_scale = 3");
    let policy_path = tmp.path().join("policy.toml");
    std::fs::write(&policy_path, policy).unwrap();
    let archive = tmp.path().join("archive");
    let o = super::payout::close(&archive, policy_path.to_str().unwrap(), &ledger);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!archive.join("2026-09").exists());
    assert_eq!(
        o.stderr.replace(tmp.path().to_str().unwrap(), "$TMP"),
        "$TMP/2026-09.xlsx [风险金账户]!B3: error[too-many-places]: expected RM `RM005`'s risk-deposit balance to 2 decimal places (the policy's money), found 9999.995\n\
         rmpay: 1 error(s); nothing was written\n"
    );
}

// --------------------------------------------------------- every code ---

/// Codes no test meets, as the module's doc comment explains.
const NOT_MET: &[&str] = &["input-changed", "negative-payout"];

/// A case: the codes it must print, and the case.
type Case = (&'static [&'static str], fn());

/// The cases.
const CASES: &[Case] = &[
    // Policies.
    (&["toml-syntax"], || policy("toml-syntax.toml")),
    (&["unknown-key"], || policy("unknown-key.toml")),
    (&["wrong-type"], || policy("wrong-type.toml")),
    (&["missing-key"], || policy("missing-key.toml")),
    (&["unknown-tier"], || policy("unknown-tier.toml")),
    (&["unpaid-tier"], || policy("unpaid-tier.toml")),
    (&["unknown-metric"], || policy("unknown-metric.toml")),
    (&["unknown-value"], || policy("unknown-value.toml")),
    (&["overlapping-bands"], || policy("overlapping-bands.toml")),
    (&["cap-sign"], || policy("cap-sign.toml")),
    (&["duplicate-id"], || policy("duplicate-id.toml")),
    (&["out-of-range"], || policy("out-of-range.toml")),
    (&["negative-value"], || policy("negative-value.toml")),
    (&["empty-value", "unknown-reference"], || policy("bad-workflow.toml")),
    (&["bad-range"], bad_range),
    (&["not-utf8"], not_utf8),
    (&["example-failed"], example_failed),
    (&["bad-template"], bad_template),
    (&["bad-column"], bad_column),
    (&["not-applicable"], not_applicable),
    (&["unknown-field"], unknown_field),
    (&["unknown-column"], unknown_column),
    (&["missing-field"], missing_field),
    (&["cannot-read"], cannot_read),
    (&["no-policy-in-force"], super::review_rules::a_review_needs_the_policy_in_force),
    (
        &["overlapping-versions", "several-policies"],
        super::archive::effective_dated_policies_pick_the_version_in_force,
    ),
    // Ledgers.
    (&["bad-percent"], || ledger("bad-percent.xlsx")),
    (&["bad-share"], || ledger("bad-share.xlsx")),
    (&["bad-unit"], || ledger("bad-unit.xlsx")),
    (&["cannot-open"], || ledger("cannot-open.xlsx")),
    (&["cell-error"], || ledger("cell-error.xlsx")),
    (&["conflicting-sheets"], || ledger("conflicting-sheets.xlsx")),
    (&["date-outside-period"], || ledger("date-outside-period.xlsx")),
    (&["duplicate-balance"], || ledger("duplicate-balance.xlsx")),
    (&["duplicate-column"], || ledger("duplicate-column.xlsx")),
    (&["duplicate-sheet"], || ledger("duplicate-sheet.xlsx")),
    (&["empty-sheet"], || ledger("empty-sheet.xlsx")),
    (&["inconsistent-account"], || ledger("inconsistent-account.xlsx")),
    (&["missing-column"], || ledger("missing-column.xlsx")),
    (&["missing-days"], || ledger("missing-days.xlsx")),
    (&["missing-sheet"], || ledger("missing-sheet.xlsx")),
    (&["missing-value"], || ledger("missing-value.xlsx")),
    (&["not-a-date"], || ledger("not-a-date.xlsx")),
    (&["not-a-number"], || ledger("not-a-number.xlsx")),
    (&["not-an-amount"], || ledger("not-an-amount.xlsx")),
    (&["period-unknown"], || ledger("period-unknown.xlsx")),
    (&["shares-exceed-100"], || ledger("shares-exceed-100.xlsx")),
    (&["unknown-client"], || ledger("unknown-client.xlsx")),
    (&["unknown-rm"], || ledger("unknown-rm.xlsx")),
    (&["outside-period"], || ledger_warns("ok-outside-period.xlsx")),
    (&["fee-owner-both"], fee_owner_both),
    (
        &["average-disagrees", "days-not-month"],
        super::folders::a_sum_over_other_days_or_an_average_that_disagrees_is_refused,
    ),
    (
        &["bad-encoding"],
        super::folders::every_bad_file_of_a_folder_is_a_located_error_in_one_run,
    ),
    (&["rows-above-header"], super::layouts::title_rows_above_the_header),
    (&["total-row"], super::layouts::total_rows_are_skipped),
    (&["hidden-sheet"], super::layouts::a_hidden_sheet_is_read_and_named),
    (&["not-a-card"], not_a_card),
    (&["cannot-read-sheet"], cannot_read_sheet),
    (&["empty-ledger"], super::template::check_on_an_empty_template_says_it_is_not_filled_in),
    (
        &["too-large"],
        super::bombs::a_shared_string_table_declaring_a_trillion_strings_is_refused_before_room_is_made,
    ),
    (
        &["beyond-excel-limits"],
        super::bombs::a_cell_one_character_over_excel_s_limit_is_an_error_at_its_cell,
    ),
    // The command line and files.
    (&["usage"], usage),
    (&["io"], io),
    (&["statement-name-clash"], statement_name_clash),
    (&["notice-name-clash"], notice_name_clash),
    // Reviews.
    (&["outside-review"], outside_review),
    (&["duplicate-month"], duplicate_month),
    (&["bad-review"], bad_review),
    (&["missing-months"], super::review::missing_months_are_an_error_naming_them),
    (&["missing-figure"], super::review_rules::a_missing_figure_is_an_error),
    (&["not-assessed"], super::review_rules::not_assessed_is_said_everywhere),
    // The archive.
    (&["bad-manifest"], bad_manifest),
    (&["bad-state"], bad_state),
    (&["bad-figures"], bad_figures),
    (&["bad-archive"], bad_archive),
    (&["no-version"], no_version),
    (&["head-mismatch"], head_mismatch),
    (&["already-closed"], super::archive::a_closed_period_is_never_overwritten),
    (&["period-gap", "out-of-order"], super::archive::periods_close_in_order_without_gaps),
    (&["changed"], super::archive::a_changed_ledger_cell_is_named_by_verify_and_rerun),
    (&["added", "removed"], super::archive::a_removed_or_added_file_is_named),
    (
        &["archive-busy"],
        super::archive::a_close_waits_for_the_lock_and_leaves_the_holders_staging_alone,
    ),
    (
        &["archive-changed"],
        super::archive::a_close_refuses_when_the_archive_changed_while_it_computed,
    ),
    (
        &["archive-differs"],
        super::statement::statements_of_a_closed_month_carry_the_year_and_refuse_a_changed_register,
    ),
    (
        &["unchanged", "empty-reason"],
        super::restate::a_restate_refused_leaves_the_archive_unchanged,
    ),
    // Drafts and sign-offs.
    (&["bad-draft"], bad_draft),
    (&["bad-signoffs"], bad_signoffs),
    (&["not-approved"], not_approved),
    (&["no-workflow"], super::cycle::a_policy_without_a_workflow_closes_unsigned),
    (&["same-signer"], super::cycle::one_person_signs_one_step_of_a_draft),
    (
        &["already-signed", "bad-date", "empty-name", "no-draft", "unknown-step", "not-closed"],
        super::cycle::bad_sign_inputs_are_refused_and_change_nothing,
    ),
    // Pay-out files.
    (&["inside-archive"], super::payout::only_a_closed_month_pays_out),
    (&["too-many-places"], too_many_places),
    (&["missing-card"], super::payout::a_missing_card_is_an_error_at_its_cell_and_nothing_is_written),
    (&["duplicate-card"], super::payout::a_card_given_to_two_rms_is_an_error_shown_masked),
    (&["card-as-number"], super::payout::a_card_typed_as_a_number_is_refused_at_its_cell),
    (&["not-encodable"], super::payout::a_name_gbk_cannot_write_is_an_error_at_its_row),
    (&["formula-name"], super::payout::a_name_that_reads_as_a_formula_is_refused_at_its_cell),
    (
        &["no-payout-profile"],
        super::payout::a_month_closed_under_a_policy_without_a_profile_cannot_pay_out,
    ),
    (
        &["archive-mismatch"],
        super::payout::a_register_that_no_longer_matches_its_month_pays_nothing,
    ),
];

/// Every code is met by a case that prints it; a code no case prints
/// fails the test by name, as does a case that no longer prints its codes,
/// and a code said to be met by no test that a case meets.
#[test]
fn every_code_is_met() {
    let mut met = std::collections::BTreeSet::new();
    for (codes, case) in CASES {
        let printed = codes_printed(case);
        for code in *codes {
            assert!(
                printed.contains(*code),
                "the case for `{code}` printed only {printed:?}"
            );
        }
        met.extend(printed);
    }
    let ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
    let unmet: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !met.contains(*id) && !NOT_MET.contains(id))
        .collect();
    assert!(unmet.is_empty(), "no case meets {unmet:?}");
    let stale: Vec<&&str> = NOT_MET.iter().filter(|id| met.contains(**id)).collect();
    assert!(stale.is_empty(), "{stale:?} are met: take them off NOT_MET");
    let unknown: Vec<&String> = met.iter().filter(|m| !ids.contains(&m.as_str())).collect();
    assert!(
        unknown.is_empty(),
        "{unknown:?} printed, but not in Code::ALL"
    );
}

/// `rmpay check` on a bad policy of `fixtures/bad/policy/`: exit 1.
fn policy(name: &str) {
    let o = run(&["check", "--policy", &format!("fixtures/bad/policy/{name}")]);
    assert_eq!(o.code, 1, "{name}: {}", o.stderr);
}

/// `rmpay check` on a bad ledger of `fixtures/bad/ledger/` under Policy A:
/// exit 1.
fn ledger(name: &str) {
    let o = run(&[
        "check",
        "--policy",
        POLICY_A,
        "--ledger",
        &format!("fixtures/bad/ledger/{name}"),
    ]);
    assert_eq!(o.code, 1, "{name}: {}", o.stderr);
}

/// `rmpay check` on a valid ledger of `fixtures/bad/ledger/` with
/// warnings, under Policy A: exit 0.
fn ledger_warns(name: &str) {
    let o = run(&[
        "check",
        "--policy",
        POLICY_A,
        "--ledger",
        &format!("fixtures/bad/ledger/{name}"),
    ]);
    assert_eq!(o.code, 0, "{name}: {}", o.stderr);
}

/// What [`english_words`](super::util::english_words) counts as English in
/// a diagnostic: the words of the message, not its location, code, quoted
/// values, file names or flags.
#[test]
fn english_words_are_those_of_the_message() {
    use super::util::english_words;
    let en = "fixtures/bad/ledger/x.xlsx [存款日余额]!E17: error[not-an-amount]: expected an amount, found text `12,3O0`";
    assert_eq!(
        english_words(en, &[]),
        ["expected", "an", "amount", "found", "text"]
    );
    let zh = "fixtures/bad/ledger/x.xlsx [存款日余额]!E17: error[not-an-amount]: 应为金额，实为文字「12,3O0」；请改 `--period` 或 x.xlsx 的 RM001";
    assert_eq!(english_words(zh, &["RM"]), Vec::<String>::new());
    assert_eq!(
        english_words("error: 缺少 --out 参数 (see help)", &[]),
        ["see", "help"]
    );
}

/// Identifiers a Chinese diagnostic may hold outside quotes: names of
/// formats, standards and the tool.
const ZH_IDENTIFIERS: &[&str] = &[
    "RM", "rmpay", "SHA", "UTF", "GBK", "GB", "Excel", "TOML", "JSON", "CSV", "Parquet", "xlsx",
    "xls", "ods", "zip", "XML",
];

/// Every case of the catalogue, run in a Chinese locale, prints its
/// diagnostics in Chinese: no English word outside identifiers, quoted
/// values, file names, flags, locations and codes.
#[test]
fn every_case_reads_in_chinese() {
    let mut english = Vec::new();
    let mut lines = 0;
    for (_, case) in CASES {
        for line in super::util::in_chinese(*case) {
            lines += 1;
            let words = super::util::english_words(&line, ZH_IDENTIFIERS);
            if !words.is_empty() {
                english.push(format!("{line}\n      English: {}", words.join(" ")));
            }
        }
    }
    // The cases print a diagnostic of every code at least once.
    assert!(
        lines >= Code::ALL.len() - NOT_MET.len(),
        "only {lines} lines"
    );
    assert!(
        english.is_empty(),
        "{} lines in English:\n{}",
        english.len(),
        english.join("\n")
    );
}

/// April's ledger saved again as `2026-05.xlsx` (last month's file given
/// for this month, a clerk's slip): the error names the ledger already
/// read for April and says the file's name gives May, so May has none
/// (it said only "a second ledger for 2026-04"; fifth independent test).
#[test]
fn a_ledger_named_for_another_month_is_named_as_the_wrong_file() {
    let april = std::fs::read(super::util::root().join("fixtures/year-a/2026-04.xlsx")).unwrap();
    let t = |lang: &str, want: &str| {
        Test::new()
            .write("2026-05.xlsx", &april)
            .args([
                "review",
                "--lang",
                lang,
                "--policy",
                POLICY_A,
                "--ledgers",
                "fixtures/year-a/2026-04.xlsx",
                "$TMP/2026-05.xlsx",
                "fixtures/year-a/2026-06.xlsx",
                "--year",
                "2026",
                "--quarter",
                "2",
                "--out",
                "$TMP/out",
            ])
            .stderr(want)
            .status(1)
            .run();
    };
    t("en", "
        $TMP/2026-05.xlsx: error[duplicate-month]: a second ledger for 2026-04: fixtures/year-a/2026-04.xlsx is already 2026-04's, and this file, named 2026-05, holds 2026-04's daily balances: is it the wrong file? Give 2026-05's ledger instead
        rmpay: 1 error(s); nothing was written
    ");
    t("zh", "
        $TMP/2026-05.xlsx: error[duplicate-month]: 2026-04 的台账重复：fixtures/year-a/2026-04.xlsx 已是 2026-04 的台账，而本文件名为 2026-05，所记却是 2026-04 的日余额：是否给错了文件？请换用 2026-05 的台账
        rmpay：1 个错误；未写入任何文件
    ");
}
