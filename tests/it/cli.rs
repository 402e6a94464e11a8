//! The command line as a user runs it: every run's whole output pinned.

use super::test::Test;
use std::path::Path;

const POLICY: &str = "rules/city-commercial-bank.toml";
const LEDGER: &str = "fixtures/2026-10.xlsx";

/// What a clean payroll run of the October fixture prints, before the
/// `rmpay: wrote …` lines.
const OCTOBER: &str = "\
rmpay: 2026-10 9 RMs, net pay 15,605.20 (gross 19,524.00, deductions 840.00, risk deposit 3,078.80); 13 exception(s)
rmpay: risk deposits released 13,000.00; total paid 28,605.20
rmpay: opening state: the ledger's risk_accounts sheet
";

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

#[test]
fn payroll_writes_the_workbook_and_json() {
    let o = Test::new()
        .args([
            "payroll",
            "--policy",
            POLICY,
            "--ledger",
            LEDGER,
            "--out",
            "$TMP/out",
            "--json",
            "$TMP/pay.json",
        ])
        .stderr(&format!(
            "{OCTOBER}rmpay: wrote $TMP/out/pay-2026-10.xlsx\nrmpay: wrote $TMP/pay.json\n"
        ))
        .run();
    assert_eq!(files_in(&o.path("out")), vec!["pay-2026-10.xlsx"]);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.path("pay.json")).unwrap()).unwrap();
    assert_eq!(v["period"], "2026-10");
    assert_eq!(v["policy"]["id"], "city-commercial-bank");
    assert_eq!(v["policy"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["totals"]["net"], "15605.20");
    let rm1 = v["managers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rm_id"] == "RM001")
        .unwrap();
    assert_eq!(rm1["tier"], "senior");
    assert_eq!(rm1["metrics"]["deposit_daily_average"], "12500000");
    assert_eq!(rm1["metrics"]["collection_rate"], "0.9940983607");
    assert_eq!(rm1["pay"]["gross"], "7656.40");
    assert_eq!(rm1["pay"]["lines"][0]["rule"], "A-26-deposit-stock");
    assert_eq!(rm1["pay"]["lines"][0]["amount"], "2400.00");
    assert_eq!(rm1["risk_account"]["closing"], "13531.28");
    assert_eq!(rm1["flags"][0]["check"], "loan_above_authority");
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let run = || {
        Test::new()
            .args([
                "payroll",
                "--policy",
                POLICY,
                "--ledger",
                LEDGER,
                "--out",
                "$TMP",
                "--json",
                "$TMP/p.json",
            ])
            .stderr(&format!(
                "{OCTOBER}rmpay: wrote $TMP/pay-2026-10.xlsx\nrmpay: wrote $TMP/p.json\n"
            ))
            .run()
    };
    let (a, b) = (run(), run());
    for f in ["pay-2026-10.xlsx", "p.json"] {
        assert!(
            std::fs::read(a.path(f)).unwrap() == std::fs::read(b.path(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

#[test]
fn english_sheet_names_with_lang_en() {
    let o = Test::new()
        .args([
            "payroll", "--policy", POLICY, "--ledger", LEDGER, "--out", "$TMP", "--lang", "en",
        ])
        .stderr(&format!("{OCTOBER}rmpay: wrote $TMP/pay-2026-10.xlsx\n"))
        .run();
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(o.path("pay-2026-10.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Pay register",
            "Pay strips",
            "Metrics",
            "Client detail",
            "Risk deposit",
            "Exceptions",
            "Trace",
            "Run manifest"
        ]
    );
}

#[test]
fn bad_ledger_writes_nothing_and_exits_1() {
    let o = Test::new()
        .args([
            "payroll",
            "--policy",
            POLICY,
            "--ledger",
            "fixtures/bad/ledger/not-an-amount.xlsx",
            "--out",
            "$TMP/out",
            "--json",
            "$TMP/p.json",
        ])
        .stderr("
            fixtures/bad/ledger/not-an-amount.xlsx [存款日余额]!E17: error[not-an-amount]: expected an amount, found text `12,3O0`
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(files_in(o.tempdir.path()).is_empty());
}

/// The reader's warnings come out with the errors found after reading
/// (here tiers the policy does not have), not only on a clean run.
#[test]
fn warnings_come_out_with_later_errors() {
    let o = Test::new()
        .args([
            "payroll",
            "--policy",
            POLICY,
            "--ledger",
            "fixtures/bad/ledger/ok-outside-period.xlsx",
            "--out",
            "$TMP/out",
        ])
        .stderr("
            fixtures/bad/ledger/ok-outside-period.xlsx [新开户]!E2: warning[outside-period]: account opened dated 2026-09-30, outside 2026-10: not counted in this month's figures
            fixtures/bad/ledger/ok-outside-period.xlsx [违规与损失]!B2: warning[outside-period]: incident dated 2026-09-28, outside 2026-10: not counted in this month's figures
            fixtures/bad/ledger/ok-outside-period.xlsx [客户经理]!C2: error[unknown-tier]: expected a tier of policy `city-commercial-bank`, found `A`
            fixtures/bad/ledger/ok-outside-period.xlsx [客户经理]!C3: error[unknown-tier]: expected a tier of policy `city-commercial-bank`, found `B`
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(files_in(o.tempdir.path()).is_empty());
}

#[test]
fn bad_policy_reports_every_error_at_once() {
    let o = Test::new()
        .args([
            "payroll",
            "--policy",
            "fixtures/bad/policy/several-errors.toml",
            "--ledger",
            LEDGER,
            "--out",
            "$TMP",
        ])
        .stderr("
            fixtures/bad/policy/several-errors.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)
            fixtures/bad/policy/several-errors.toml:34:10: error[unknown-value]: `score.components[0].kind` must be one of `steps`, `bands`, `pro_rata`, found `step` (did you mean `steps`?)
            fixtures/bad/policy/several-errors.toml:39:14: error[cap-sign]: `cap_down` is the most points taken away and must be ≤ 0, found 40 (write -40)
            rmpay: 3 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(files_in(o.tempdir.path()).is_empty());
}

/// A `--period` other than the ledger's month: every balance row is
/// outside it (310 rows, ten accounts a day; the first 50 printed, the
/// rest counted), and the dated rows of the other sheets are warned about.
/// The summary counts the printed lines, the "… and 260 more" line as one
/// error, so it says 51 errors where 310 were found (reported, not fixed
/// here: the count is made in the ledger reader).
#[test]
fn period_must_agree_with_the_ledger() {
    let mut expected = String::new();
    for row in 2..=51 {
        // Rows 2–11 are 2026-10-01, rows 12–21 2026-10-02, …
        let day = (row - 2) / 10 + 1;
        expected += &format!(
            "fixtures/2026-10.xlsx [存款日余额]!A{row}: error[date-outside-period]: expected a date in 2026-11, found 2026-10-{day:02}\n"
        );
    }
    expected += "\
fixtures/2026-10.xlsx [存款日余额]: error[date-outside-period]: … and 260 more of this kind
fixtures/2026-10.xlsx [新开户]!E2: warning[outside-period]: account opened dated 2026-10-05, outside 2026-11: not counted in this month's figures
fixtures/2026-10.xlsx [新开户]!E3: warning[outside-period]: account opened dated 2026-10-20, outside 2026-11: not counted in this month's figures
fixtures/2026-10.xlsx [新开户]!E4: warning[outside-period]: account opened dated 2026-10-08, outside 2026-11: not counted in this month's figures
fixtures/2026-10.xlsx [违规与损失]!B2: warning[outside-period]: incident dated 2026-10-12, outside 2026-11: not counted in this month's figures
fixtures/2026-10.xlsx [违规与损失]!B3: warning[outside-period]: incident dated 2026-10-20, outside 2026-11: not counted in this month's figures
rmpay: 51 error(s); nothing was written
";
    let o = Test::new()
        .args([
            "payroll", "--policy", POLICY, "--ledger", LEDGER, "--out", "$TMP", "--period",
            "2026-11",
        ])
        .stderr(&expected)
        .status(1)
        .run();
    assert!(files_in(o.tempdir.path()).is_empty());
    Test::with_tempdir(o.tempdir)
        .args([
            "payroll", "--policy", POLICY, "--ledger", LEDGER, "--out", "$TMP", "--period",
            "2026-10",
        ])
        .stderr(&format!("{OCTOBER}rmpay: wrote $TMP/pay-2026-10.xlsx\n"))
        .run();
}

#[test]
fn usage_and_io_errors_exit_2() {
    Test::new()
        .args(["payroll", "--policy", POLICY])
        .stderr(
            "
            error: the following required arguments were not provided:
              --ledger <FILE>
              --out <DIR>

            Usage: rmpay payroll --ledger <FILE> --out <DIR> <--policy <FILE>|--rules <DIR>>

            For more information, try '--help'.
        ",
        )
        .status(2)
        .run();
    Test::new()
        .args(["frobnicate"])
        .stderr(
            "
            error: unrecognized subcommand 'frobnicate'

            Usage: rmpay [OPTIONS] <COMMAND>

            For more information, try '--help'.
        ",
        )
        .status(2)
        .run();
    Test::new()
        .args([
            "payroll",
            "--policy",
            POLICY,
            "--ledger",
            "no/such.xlsx",
            "--out",
            "$TMP/x",
        ])
        .stderr("no/such.xlsx: error[io]: no such file\n")
        .status(2)
        .run();
    Test::new()
        .args([
            "payroll", "--policy", POLICY, "--ledger", LEDGER, "--out", "$TMP/x", "--period",
            "2026-13",
        ])
        .stderr("error: --period: expected a period as YYYY-MM, found `2026-13`\n")
        .status(2)
        .run();
    // The help lists every command; other commands are being added, so
    // only its opening and the exit-code line are pinned here.
    Test::new()
        .args(["--help"])
        .stdout_contains("
            Exit codes: 0 written, 1 invalid input (every problem printed, nothing written), 2 usage or I/O error.
            Usage: rmpay [OPTIONS] <COMMAND>
        ")
        .run();
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let o = Test::new()
        .write("pay-2026-10.xlsx", b"old")
        .args([
            "payroll", "--policy", POLICY, "--ledger", LEDGER, "--out", "$TMP",
        ])
        .stderr(&format!("{OCTOBER}rmpay: wrote $TMP/pay-2026-10.xlsx\n"))
        .run();
    let bytes = std::fs::read(o.path("pay-2026-10.xlsx")).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // No temporary file is left behind.
    assert_eq!(files_in(o.tempdir.path()), vec!["pay-2026-10.xlsx"]);
}

#[test]
fn check_validates_without_writing() {
    Test::new()
        .args(["check", "--policy", POLICY, "--ledger", LEDGER])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
            fixtures/2026-10.xlsx: ledger for 2026-10 is valid (9 managers, 10 client assignments)
        ")
        .run();
    Test::new()
        .args(["check", "--policy", "fixtures/bad/policy/unknown-metric.toml"])
        .stderr("
            fixtures/bad/policy/unknown-metric.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

#[test]
fn policy_and_ledger_errors_come_out_in_one_run() {
    let o = Test::new()
        .args([
            "payroll",
            "--policy",
            "fixtures/bad/policy/unknown-metric.toml",
            "--ledger",
            "fixtures/bad/ledger/not-an-amount.xlsx",
            "--out",
            "$TMP",
        ])
        .stderr("
            fixtures/bad/policy/unknown-metric.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)
            fixtures/bad/ledger/not-an-amount.xlsx [存款日余额]!E17: error[not-an-amount]: expected an amount, found text `12,3O0`
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(files_in(o.tempdir.path()).is_empty());
}
