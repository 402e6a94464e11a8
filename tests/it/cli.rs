//! The command line as a user runs it.

use super::util::run;
use std::path::Path;

const POLICY: &str = "rules/city-commercial-bank.toml";
const LEDGER: &str = "fixtures/2026-10.xlsx";

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

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
    let d = tmp();
    let out = d.path().join("out");
    let json = d.path().join("pay.json");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(files_in(&out), vec!["pay-2026-10.xlsx"]);
    assert!(
        o.stderr.contains("2026-10 9 RMs, net pay 15,605.20"),
        "{}",
        o.stderr
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
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
    let (a, b) = (tmp(), tmp());
    for d in [&a, &b] {
        let o = run(&[
            "payroll",
            "--policy",
            POLICY,
            "--ledger",
            LEDGER,
            "--out",
            d.path().to_str().unwrap(),
            "--json",
            d.path().join("p.json").to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    for f in ["pay-2026-10.xlsx", "p.json"] {
        assert!(
            std::fs::read(a.path().join(f)).unwrap() == std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

#[test]
fn english_sheet_names_with_lang_en() {
    let d = tmp();
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        d.path().to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(d.path().join("pay-2026-10.xlsx")).unwrap();
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
    let d = tmp();
    let out = d.path().join("out");
    let json = d.path().join("p.json");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        "fixtures/bad/ledger/not-an-amount.xlsx",
        "--out",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("error[not-an-amount]"), "{}", o.stderr);
    assert!(o.stderr.contains("nothing was written"), "{}", o.stderr);
    assert!(!out.exists() && !json.exists());
}

/// The reader's warnings come out with the errors found after reading
/// (here tiers the policy does not have), not only on a clean run.
#[test]
fn warnings_come_out_with_later_errors() {
    let d = tmp();
    let out = d.path().join("out");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        "fixtures/bad/ledger/ok-outside-period.xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let f = "fixtures/bad/ledger/ok-outside-period.xlsx";
    assert_eq!(
        o.stderr.lines().collect::<Vec<_>>(),
        [
            format!(
                "{f} [新开户]!E2: warning[outside-period]: account opened dated 2026-09-30, outside 2026-10: not counted in this month's figures"
            ),
            format!(
                "{f} [违规与损失]!B2: warning[outside-period]: incident dated 2026-09-28, outside 2026-10: not counted in this month's figures"
            ),
            format!(
                "{f} [客户经理]!C2: error[unknown-tier]: expected a tier of policy `city-commercial-bank`, found `A`"
            ),
            format!(
                "{f} [客户经理]!C3: error[unknown-tier]: expected a tier of policy `city-commercial-bank`, found `B`"
            ),
            "rmpay: 2 error(s); nothing was written".to_string(),
        ]
    );
    assert!(!out.exists());
}

#[test]
fn bad_policy_reports_every_error_at_once() {
    let d = tmp();
    let o = run(&[
        "payroll",
        "--policy",
        "fixtures/bad/policy/several-errors.toml",
        "--ledger",
        LEDGER,
        "--out",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1);
    assert_eq!(o.stderr.matches(": error[").count(), 3, "{}", o.stderr);
    assert!(files_in(d.path()).is_empty());
}

#[test]
fn period_must_agree_with_the_ledger() {
    let d = tmp();
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        d.path().to_str().unwrap(),
        "--period",
        "2026-11",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("error[date-outside-period]"),
        "{}",
        o.stderr
    );
    assert!(files_in(d.path()).is_empty());
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        d.path().to_str().unwrap(),
        "--period",
        "2026-10",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(run(&["payroll", "--policy", POLICY]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        "no/such.xlsx",
        "--out",
        "target/x",
    ]);
    assert_eq!(o.code, 2);
    assert_eq!(o.stderr.trim(), "no/such.xlsx: error[io]: no such file");
    let o = run(&[
        "payroll", "--policy", POLICY, "--ledger", LEDGER, "--out", "target/x", "--period",
        "2026-13",
    ]);
    assert_eq!(o.code, 2);
    assert_eq!(
        o.stderr.trim(),
        "error: --period: expected a period as YYYY-MM, found `2026-13`"
    );
    assert_eq!(run(&["--help"]).code, 0);
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let d = tmp();
    let target = d.path().join("pay-2026-10.xlsx");
    std::fs::write(&target, b"old").unwrap();
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // No temporary file is left behind.
    assert_eq!(files_in(d.path()), vec!["pay-2026-10.xlsx"]);
}

#[test]
fn check_validates_without_writing() {
    let o = run(&["check", "--policy", POLICY, "--ledger", LEDGER]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("policy `city-commercial-bank` version 2026.1 is valid"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("ledger for 2026-10 is valid (9 managers, 10 client assignments)"),
        "{}",
        o.stdout
    );
    let o = run(&[
        "check",
        "--policy",
        "fixtures/bad/policy/unknown-metric.toml",
    ]);
    assert_eq!(o.code, 1);
}

#[test]
fn policy_and_ledger_errors_come_out_in_one_run() {
    let d = tempfile::tempdir().unwrap();
    let o = run(&[
        "payroll",
        "--policy",
        "fixtures/bad/policy/unknown-metric.toml",
        "--ledger",
        "fixtures/bad/ledger/not-an-amount.xlsx",
        "--out",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.lines().collect::<Vec<_>>(),
        [
            "fixtures/bad/policy/unknown-metric.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)",
            "fixtures/bad/ledger/not-an-amount.xlsx [存款日余额]!E17: error[not-an-amount]: expected an amount, found text `12,3O0`",
            "rmpay: 2 error(s); nothing was written",
        ]
    );
    assert!(files_in(d.path()).is_empty());
}
