//! The error catalogue: every error code that no other test triggers, each
//! triggered here through the command line as a user meets it, its whole
//! output pinned.
//!
//! | code | how it is met | test |
//! |---|---|---|
//! | `bad-range` | a policy in force until before it is in force | [`bad_range`] |
//! | `bad-template` | a pay-out remark with a `{` left open | [`bad_template`] |
//! | `bad-column` | a pay-out column with both `field` and `value` | [`bad_column`] |
//! | `not-applicable` | a CSV-only pay-out key in an xlsx profile | [`not_applicable`] |
//! | `fee-owner-both` (warning) | a fee row naming a client and an RM | [`fee_owner_both`] |
//! | `not-a-card` | a salary card that is not digits | [`not_a_card`] |
//! | `cannot-read-sheet` | a sheet whose XML breaks off | [`cannot_read_sheet`] |
//! | `outside-review` | a ledger of another year than the one reviewed | [`outside_review`] |
//! | `duplicate-month` | the same month's ledger twice in a review | [`duplicate_month`] |
//! | `bad-review` | a previous review that is not JSON | [`bad_review`] |
//! | `bad-manifest` | a closed month's manifest that is not JSON | [`bad_manifest`] |
//! | `bad-state` | the state carried out of a month, not JSON | [`bad_state`] |
//! | `bad-archive` | a closed month's pay JSON, not JSON | [`bad_archive`] |
//! | `bad-draft` | a draft record that is not a draft | [`bad_draft`] |
//! | `bad-signoffs` | a sign-off log that is not UTF-8 | [`bad_signoffs`] |
//!
//! Codes the other test files trigger are pinned there (`policy_errors`,
//! `ledger_errors`, `archive`, `cycle`, `payout`, `outputs`, …). Four codes
//! are not triggered by any test, as no input reaches them: `too-large`
//! (a pay line beyond `Decimal`: amounts are under 10^15 and rates at most
//! 10^6, so it needs some 10^8 rows), `too-many-places` (a pay-out file
//! with fewer decimal places than the money: the policy check refuses
//! that), `negative-payout` (deductions stop at the gross pay: RM004's
//! October loss made 900,000 leaves net pay 0.00, as its 1,000 does) and
//! `input-changed` (a file changed while its month is computed: a race).

use super::test::Test;
use super::util::root;
use std::io::{Read, Write};

const POLICY_A: &str = "rules/city-commercial-bank.toml";

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
fn xlsx_edit(fixture: &str, edits: &[(&str, &str, &str)]) -> Vec<u8> {
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
            rmpay: 2026-09 9 RMs, net pay 16,274.54 (gross 19,520.67, deductions 0.00, risk deposit 3,246.13); 13 exception(s)
            rmpay: opening state: the ledger's risk_accounts sheet
            rmpay: closed 2026-09 in $TMP/archive/2026-09 (policy `city-commercial-bank` 2026.1, manifest SHA-256 $SHA256)
            rmpay: write the head on the signed form; `rmpay verify --archive $TMP/archive --head $SHA256` checks the archive against it
        ")
        .run();
    o.tempdir
}

// ------------------------------------------------------------- policy ---

#[test]
fn bad_range() {
    // ok-tiny's line 4 is `version = "1"`; the dates go on lines 5 and 6.
    let text = tiny("").replacen(
        "version = \"1\"\n",
        "version = \"1\"\neffective_from = 2026-07-01\neffective_until = 2026-01-01\n",
        1,
    );
    Test::new()
        .write("p.toml", text)
        .args(["check", "--policy", "$TMP/p.toml"])
        .stderr("
            $TMP/p.toml:6:19: error[bad-range]: `effective_until` 2026-01-01 is before `effective_from` 2026-07-01
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

#[test]
fn bad_template() {
    // Line 56: `remark = "{year}年{month"`, the value from column 10.
    Test::new()
        .write("p.toml", payout_profile("{month}月", "{month"))
        .args(["check", "--policy", "$TMP/p.toml"])
        .stderr("
            $TMP/p.toml:56:10: error[bad-template]: `payout.remark` has a `{` without its `}`: `{year}年{month绩效工资`
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

#[test]
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

#[test]
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

// ------------------------------------------------------------- ledger ---

/// The fee sheet (中间业务收入, sheet5) of October: row 2 is C001's fee of
/// 10,000 with no RM; here it names RM001 as well (shared string 9).
/// `check` prints a valid ledger's warnings on stderr, its verdicts on
/// stdout.
#[test]
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
#[test]
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
#[test]
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
#[test]
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

#[test]
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
            fixtures/2026-10.xlsx: error[duplicate-month]: a second ledger for 2026-10
            rmpay: 1 error(s); nothing was written
        ",
        )
        .status(1)
        .run();
}

/// A previous review that is not JSON: invalid input, exit 1, nothing
/// written (a review JSON of the wrong year: `review_rules`).
#[test]
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

// ------------------------------------------------------------ archive ---

#[test]
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

#[test]
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

#[test]
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
#[test]
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
        .args([
            "close",
            "--archive",
            "$TMP/archive",
            "--policy",
            POLICY_A,
            "--ledger",
            "fixtures/2026-09.xlsx",
        ])
        .stderr(&format!("
            $TMP/archive/drafts/2026-09/{sha}/draft.json: error[bad-draft]: not a draft record: expected ident at line 1 column 2
            rmpay: nothing was written
        "))
        .status(1)
        .run();
}

#[test]
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
