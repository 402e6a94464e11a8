//! The ledger reader against committed fixtures (`fixtures/bad/ledger/`,
//! written by `cargo run --example make_bad_ledgers`): the exact diagnostics
//! of each error kind, and the exact values of the valid variants.

use super::test::Test;
use rmpay::ledger::{
    AccountKind, Baseline, Deposits, FeeOwner, Ledger, LoanClass, Product, ReadOptions, Role,
    SheetKind, Status, UnknownColumn, read_ledger,
};
use rmpay::period::Period;
use rmpay::text::Lang;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::path::PathBuf;

fn read(name: &str, opts: &ReadOptions) -> (Option<Ledger>, Vec<String>) {
    let rel = format!("fixtures/bad/ledger/{name}");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&rel);
    crate::util::use_rmpay_as_worker();
    let (ledger, diags) = read_ledger(&path, &rel, opts, &mut |_, _| {});
    (ledger, diags.render())
}

fn render(name: &str, opts: &ReadOptions) -> Vec<String> {
    read(name, opts).1
}

fn ok(name: &str, opts: &ReadOptions) -> Ledger {
    let (ledger, diags) = read(name, opts);
    assert_eq!(diags, Vec::<String>::new(), "{name}");
    ledger.unwrap_or_else(|| panic!("{name}: no ledger"))
}

fn period(s: &str) -> Option<Period> {
    Some(s.parse().unwrap())
}

/// Every error kind: the fixture and the exact rendered diagnostics.
const CASES: &[(&str, &[&str])] = &[
    (
        "bad-percent.xlsx",
        &[
            "fixtures/bad/ledger/bad-percent.xlsx [上年基数]!D3: error[bad-percent]: expected a share between 0% and 100%, found `120%`",
        ],
    ),
    (
        "bad-share.xlsx",
        &[
            "fixtures/bad/ledger/bad-share.xlsx [管户关系]!D2: error[bad-share]: expected a share between 0% and 100%, found `150%`",
        ],
    ),
    (
        "bad-unit.xlsx",
        &[
            "fixtures/bad/ledger/bad-unit.xlsx [存款日余额]!E1: error[bad-unit]: expected a unit of `元`/`yuan` or `万元`/`wan` for `balance` (余额), found `千元`",
        ],
    ),
    (
        "cannot-open.xlsx",
        &[
            "fixtures/bad/ledger/cannot-open.xlsx: error[cannot-open]: cannot open the workbook: Zip error: invalid Zip archive: Could not find EOCD",
        ],
    ),
    (
        "cell-error.xlsx",
        &[
            "fixtures/bad/ledger/cell-error.xlsx [存款日余额]!C12: error[cell-error]: expected a value, found the spreadsheet error `#DIV/0!`",
        ],
    ),
    (
        "conflicting-sheets.xlsx",
        &[
            "fixtures/bad/ledger/conflicting-sheets.xlsx: error[conflicting-sheets]: expected either daily balances or monthly averages, found both `存款日余额` and `存款月日均`",
        ],
    ),
    (
        "date-outside-period.xlsx",
        &[
            "fixtures/bad/ledger/date-outside-period.xlsx [存款日余额]!A64: error[date-outside-period]: expected a date in 2026-10, found 2026-09-30",
        ],
    ),
    (
        "duplicate-balance.xlsx",
        &[
            "fixtures/bad/ledger/duplicate-balance.xlsx [存款日余额]!A64: error[duplicate-balance]: expected one balance of account `A001` for 2026-10-04, found a second one (the first is on row 8)",
        ],
    ),
    (
        "duplicate-column.xlsx",
        &[
            "fixtures/bad/ledger/duplicate-column.xlsx [管户关系]!E1: error[duplicate-column]: expected one `client_id` (客户编号) column, found a second one (the first is A1)",
        ],
    ),
    (
        "duplicate-id.xlsx",
        &[
            "fixtures/bad/ledger/duplicate-id.xlsx [客户经理]!A4: error[duplicate-id]: expected each rm_id once, found `RM01` again (first on row 2)",
        ],
    ),
    (
        "duplicate-sheet.xlsx",
        &[
            "fixtures/bad/ledger/duplicate-sheet.xlsx: error[duplicate-sheet]: expected one `managers` (客户经理) sheet, found two: `客户经理` and ` Managers `",
        ],
    ),
    (
        "empty-sheet.xlsx",
        &[
            "fixtures/bad/ledger/empty-sheet.xlsx [管户关系]: error[empty-sheet]: expected a header row and data rows, found an empty sheet",
        ],
    ),
    (
        "inconsistent-account.xlsx",
        &[
            "fixtures/bad/ledger/inconsistent-account.xlsx [存款日余额]!C24: error[inconsistent-account]: expected account `A001` to belong to client `C001` as on row 2, found client `C002`",
        ],
    ),
    (
        "missing-column.xlsx",
        &[
            "fixtures/bad/ledger/missing-column.xlsx [存款日余额]!A1: error[missing-column]: expected a `balance` (余额) column in the header row, found none",
        ],
    ),
    (
        "missing-days.xlsx",
        &[
            "fixtures/bad/ledger/missing-days.xlsx [存款日余额]!B3: error[missing-days]: expected a balance of account `A002` for every day of 2026-10, found none for 2026-10-03..2026-10-05, 2026-10-09",
        ],
    ),
    (
        "missing-first-days.xlsx",
        &[
            "fixtures/bad/ledger/missing-first-days.xlsx [存款日余额]!B5: error[missing-days]: expected a balance of account `A002` for every day of 2026-10, found none for 2026-10-01..2026-10-02",
        ],
    ),
    (
        "missing-left-on.xlsx",
        &[
            "fixtures/bad/ledger/missing-left-on.xlsx [客户经理]!G3: error[missing-value]: expected a `left_on` (离岗日期) date for an RM whose status is `left`, found an empty cell",
        ],
    ),
    (
        "missing-sheet.xlsx",
        &[
            "fixtures/bad/ledger/missing-sheet.xlsx: error[missing-sheet]: expected a `clients` (管户关系) sheet, found only `客户经理`, `存款日余额`, `贷款`, `中间业务收入`, `国际结算`, `新开户`, `违规与损失`, `上年基数`, `风险金账户`",
        ],
    ),
    (
        "missing-value.xlsx",
        &[
            "fixtures/bad/ledger/missing-value.xlsx [存款日余额]!E14: error[missing-value]: expected a value for `balance` (余额), found an empty cell",
        ],
    ),
    (
        "negative-amount.xlsx",
        &[
            "fixtures/bad/ledger/negative-amount.xlsx [存款日余额]!E7: error[negative-value]: expected 0 or more for `balance` (余额), found the number `-500000`",
            "fixtures/bad/ledger/negative-amount.xlsx [贷款]!I2: error[negative-value]: expected 0 or more for `interest_received` (实收利息), found text `-2,000`",
            "fixtures/bad/ledger/negative-amount.xlsx [贷款]!F3: error[negative-value]: expected 0 or more for `balance` (贷款余额), found the number `-120000`",
            "fixtures/bad/ledger/negative-amount.xlsx [中间业务收入]!C3: error[negative-value]: expected 0 or more for `amount` (金额), found the number `-300`",
            "fixtures/bad/ledger/negative-amount.xlsx [违规与损失]!E2: error[negative-value]: expected 0 or more for `loss` (经济损失), found the number `-500`",
        ],
    ),
    (
        "not-a-date.xlsx",
        &[
            "fixtures/bad/ledger/not-a-date.xlsx [存款日余额]!A10: error[not-a-date]: expected a date such as `2026-10-01`, found text `2026.10.05`",
        ],
    ),
    (
        "not-a-number.xlsx",
        &[
            "fixtures/bad/ledger/not-a-number.xlsx [客户经理]!J2: error[not-a-number]: expected a number, found text `优秀`",
        ],
    ),
    (
        "not-an-amount.xlsx",
        &[
            "fixtures/bad/ledger/not-an-amount.xlsx [存款日余额]!E17: error[not-an-amount]: expected an amount, found text `12,3O0`",
        ],
    ),
    (
        "period-unknown.xlsx",
        &[
            "fixtures/bad/ledger/period-unknown.xlsx: error[period-unknown]: the ledger has no daily balances; give --period YYYY-MM",
        ],
    ),
    (
        "shares-exceed-100.xlsx",
        &[
            "fixtures/bad/ledger/shares-exceed-100.xlsx [管户关系]!D4: error[shares-exceed-100]: expected the shares of client `C002` to add up to at most 100%, found 110% (rows 3, 4)",
        ],
    ),
    (
        "unit-on-text-column.xlsx",
        &[
            "fixtures/bad/ledger/unit-on-text-column.xlsx [存款日余额]!B1: error[bad-unit]: expected no unit on `account_id` (账号), which is not an amount, found `(元)`",
        ],
    ),
    (
        "too-precise.xlsx",
        &[
            "fixtures/bad/ledger/too-precise.xlsx [存款日余额]!E4: error[not-an-amount]: expected an amount with at most 4 decimal places, found `9000000.00012`",
        ],
    ),
    (
        "too-precise-wan.xlsx",
        &[
            "fixtures/bad/ledger/too-precise-wan.xlsx [存款日余额]!E4: error[not-an-amount]: expected an amount with at most 8 decimal places (4 once multiplied by the column's unit), found `900.000000012`",
        ],
    ),
    (
        "unknown-client.xlsx",
        &[
            "fixtures/bad/ledger/unknown-client.xlsx [存款日余额]!C3: error[unknown-client]: expected a client_id listed in sheet `管户关系`, found `C02` (did you mean `C002`?)",
        ],
    ),
    (
        "unknown-rm.xlsx",
        &[
            "fixtures/bad/ledger/unknown-rm.xlsx [管户关系]!C4: error[unknown-rm]: expected an rm_id listed in sheet `客户经理`, found `RM03` (did you mean `RM01`?)",
        ],
    ),
    (
        "unknown-value.xlsx",
        &[
            "fixtures/bad/ledger/unknown-value.xlsx [客户经理]!D2: error[unknown-value]: expected one of `rm` (客户经理), `agent` (业务代办员), `branch_head` (支行行长), found `客户经里` (did you mean `客户经理`?)",
        ],
    ),
];

#[test]
fn each_error_kind_renders_exactly() {
    for (name, expected) in CASES {
        let (ledger, got) = read(name, &ReadOptions::default());
        assert_eq!(got, *expected, "{name}");
        assert!(ledger.is_none(), "{name}: a ledger despite errors");
    }
}

/// A spreadsheet error stops a run like any other ledger error: exit 1, the
/// diagnostic as pinned above, nothing written.
#[test]
fn cell_error_writes_nothing_and_exits_1() {
    careless_input_writes_nothing_and_exits_1("cell-error.xlsx");
}

/// Careless amounts stop a run like any other ledger error: exit 1, every
/// diagnostic as pinned above, nothing written. (Before, a negative loss
/// raised pay and 9000000.00012 was read as 9000000.00, both exit 0.)
#[test]
fn careless_amounts_write_nothing_and_exit_1() {
    for name in [
        "negative-amount.xlsx",
        "too-precise.xlsx",
        "too-precise-wan.xlsx",
    ] {
        careless_input_writes_nothing_and_exits_1(name);
    }
}

/// `payroll` on the fixture `name` prints its diagnostics as pinned in
/// [`CASES`] and the summary, exits 1 and writes nothing.
fn careless_input_writes_nothing_and_exits_1(name: &str) {
    let (_, pinned) = CASES.iter().find(|(n, _)| *n == name).unwrap();
    let mut expected: String = pinned.iter().map(|l| format!("{l}\n")).collect();
    expected += &format!("rmpay: {} error(s); nothing was written\n", pinned.len());
    let ledger = format!("fixtures/bad/ledger/{name}");
    let o = Test::new()
        .args([
            "payroll",
            "--policy",
            "rules/city-commercial-bank.toml",
            "--ledger",
            &ledger,
            "--out",
            "$TMP/out",
            "--json",
            "$TMP/p.json",
        ])
        .stderr(&expected)
        .status(1)
        .run();
    assert!(
        !o.path("out").exists() && !o.path("p.json").exists(),
        "{name}"
    );
}

fn accounts(l: &Ledger) -> Vec<(String, String, Product, Decimal, u32)> {
    match &l.deposits {
        Deposits::Daily { accounts, days } => {
            assert_eq!(*days, 31);
            accounts
                .iter()
                .map(|a| {
                    (
                        a.account_id.clone(),
                        a.client_id.clone(),
                        a.product,
                        a.balance_sum,
                        a.rows,
                    )
                })
                .collect()
        }
        Deposits::Averages(_) => panic!("expected daily balances"),
    }
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn ok_minimal_reads_every_sheet() {
    let l = ok("ok-minimal.xlsx", &ReadOptions::default());
    assert_eq!(l.file, "fixtures/bad/ledger/ok-minimal.xlsx");
    assert_eq!(l.period, "2026-10".parse().unwrap());
    let kinds: Vec<SheetKind> = l.sheet_names.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds.len(), 10);
    assert!(!l.has_sheet(SheetKind::DepositAverages));
    assert_eq!(l.sheet_name(SheetKind::Deposits), "存款日余额");
    assert!(l.unknown_columns.is_empty());

    assert_eq!(l.managers.len(), 2);
    let m = &l.managers[0];
    assert_eq!((m.rm_id.as_str(), m.name.as_str()), ("RM01", "张三"));
    assert_eq!(m.tier.value, "初级客户经理");
    assert_eq!(
        l.cell_ref(m.tier.src),
        "fixtures/bad/ledger/ok-minimal.xlsx [客户经理]!C2"
    );
    assert_eq!(
        (m.role, m.status, m.left_on),
        (Role::Rm, Status::Active, None)
    );
    assert_eq!(m.branch.as_deref(), Some("城东支行"));
    assert_eq!(m.marketing_since, Some(date(2020, 3, 1)));
    let base = m.base_deposit.as_ref().unwrap();
    assert_eq!(base.value.to_string(), "1000000.00");
    assert_eq!(m.exam_score, Some(dec!(88.5)));
    let m = &l.managers[1];
    assert_eq!((m.role, m.status), (Role::BranchHead, Status::Left));
    assert_eq!(m.left_on, Some(date(2026, 10, 20)));
    assert_eq!((m.base_deposit.clone(), m.exam_score), (None, None));

    let shares: Vec<(&str, &str, Decimal)> = l
        .clients
        .iter()
        .map(|a| (a.client_id.as_str(), a.rm_id.as_str(), a.share))
        .collect();
    assert_eq!(
        shares,
        [
            ("C001", "RM01", dec!(1)),
            ("C002", "RM01", dec!(0.6)),
            ("C002", "RM02", dec!(0.4))
        ]
    );
    assert_eq!(l.clients[0].client_name.as_deref(), Some("甲公司"));

    assert_eq!(
        accounts(&l),
        [
            (
                "A001".into(),
                "C001".into(),
                Product::Demand,
                dec!(3105208.00),
                31
            ),
            (
                "A002".into(),
                "C002".into(),
                Product::Time,
                dec!(15500000.00),
                31
            ),
        ]
    );
    if let Deposits::Daily { accounts, .. } = &l.deposits {
        assert_eq!((accounts[0].first_row, accounts[0].last_row), (1, 61));
        assert_eq!(accounts[0].balance_sum.to_string(), "3105208.00");
        assert!(accounts[0].carried_days.is_empty());
    }

    assert_eq!(l.loans.len(), 2);
    let loan = &l.loans[0];
    assert_eq!(
        (loan.loan_id.as_str(), loan.client_id.as_str()),
        ("L001", "C001")
    );
    assert_eq!(loan.rm_id.as_deref(), Some("RM01"));
    assert_eq!(loan.amount, Some(dec!(800000)));
    assert_eq!(loan.disbursed_on, Some(date(2026, 1, 15)));
    assert_eq!(
        (loan.balance, loan.classification),
        (dec!(500000), LoanClass::Normal)
    );
    assert_eq!(
        (loan.interest_due, loan.interest_received),
        (dec!(2000), dec!(2000))
    );
    assert_eq!((loan.daily_average, loan.advance), (None, None));
    let loan = &l.loans[1];
    assert_eq!(
        (loan.rm_id.clone(), loan.classification),
        (None, LoanClass::Substandard)
    );
    assert_eq!(loan.interest_received, dec!(0));

    let fees: Vec<(FeeOwner, Decimal)> =
        l.fees.iter().map(|f| (f.owner.clone(), f.amount)).collect();
    assert_eq!(
        fees,
        [
            (FeeOwner::Client("C001".into()), dec!(1200)),
            (FeeOwner::Rm("RM02".into()), dec!(300))
        ]
    );
    let s = &l.settlements[0];
    assert_eq!(
        (s.client_id.as_str(), s.amount_usd, s.date),
        ("C002", dec!(5000), Some(date(2026, 10, 15)))
    );
    let n = &l.new_accounts[0];
    assert_eq!(
        (n.account_id.as_str(), n.kind, n.opened_on),
        ("A002", AccountKind::CorporateBasic, Some(date(2026, 10, 8)))
    );
    assert_eq!(
        (n.client_id.as_deref(), n.rm_id.as_deref()),
        (Some("C002"), Some("RM01"))
    );
    let i = &l.incidents[0];
    assert_eq!(
        (i.rm_id.as_str(), i.date, i.description.as_str()),
        ("RM02", Some(date(2026, 10, 9)), "资料不全")
    );
    assert_eq!((i.points, i.loss), (dec!(2), dec!(0)));
    assert_eq!(l.baseline.len(), 2);
    assert!(
        matches!(&l.baseline[0], Baseline::ClientDeposit { client_id, deposit_daily_average, .. }
        if client_id == "C001" && *deposit_daily_average == dec!(90000))
    );
    assert!(
        matches!(&l.baseline[1], Baseline::RmNormalLoanRatio { rm_id, normal_loan_ratio, .. }
        if rm_id == "RM01" && *normal_loan_ratio == dec!(0.95))
    );
    assert_eq!(
        (
            l.risk_accounts[0].rm_id.as_str(),
            l.risk_accounts[0].opening_balance
        ),
        ("RM01", dec!(5000))
    );
}

#[test]
fn other_spellings_are_accepted() {
    let l = ok("ok-variants.xlsx", &ReadOptions::default());
    assert_eq!(
        l.sheet_names,
        [
            (SheetKind::Managers, " MANAGERS ".to_string()),
            (SheetKind::Clients, "Clients".to_string()),
            (SheetKind::Deposits, " 存款日余额".to_string()),
        ]
    );
    assert_eq!(
        l.unknown_columns,
        [UnknownColumn {
            sheet: SheetKind::Deposits,
            header: "备注".to_string(),
            col: 5,
            row: 0
        }]
    );
    let roles: Vec<(Role, Status, Option<chrono::NaiveDate>)> = l
        .managers
        .iter()
        .map(|m| (m.role, m.status, m.left_on))
        .collect();
    assert_eq!(
        roles,
        [
            (Role::Agent, Status::Active, None),
            (Role::BranchHead, Status::Left, Some(date(2026, 10, 20)))
        ]
    );
    let shares: Vec<Decimal> = l.clients.iter().map(|a| a.share).collect();
    assert_eq!(shares, [dec!(1), dec!(0.6), dec!(0.4)]);
    assert_eq!(
        accounts(&l),
        [
            (
                "6222001".into(),
                "C001".into(),
                Product::Demand,
                dec!(3100),
                31
            ),
            ("A002".into(), "C002".into(), Product::Time, dec!(62000), 31),
        ]
    );
}

/// The LibreOffice copies of `ok-minimal.xlsx` read into the same ledger.
#[test]
fn xls_and_ods_read_like_xlsx() {
    let xlsx = ok("ok-minimal.xlsx", &ReadOptions::default());
    for name in ["ok-minimal.xls", "ok-minimal.ods"] {
        let mut other = ok(name, &ReadOptions::default());
        assert_eq!(other.file, format!("fixtures/bad/ledger/{name}"));
        other.file = xlsx.file.clone();
        assert_eq!(other, xlsx, "{name}");
    }
}

#[test]
fn text_amounts_read_exactly() {
    let l = ok("ok-text-amounts.xlsx", &ReadOptions::default());
    let a = &accounts(&l)[1];
    // 29 days at 500,000 plus `１２３４.５` and `1,234.50`.
    assert_eq!(a.3, dec!(14502469.00));
}

#[test]
fn wan_header_multiplies_exactly() {
    let l = ok("ok-wan-header.xlsx", &ReadOptions::default());
    for a in accounts(&l) {
        // 1.2345 万元 = 12,345 元, 31 days.
        assert_eq!(a.3, dec!(382695));
        assert_eq!(a.3.to_string(), "382695.00");
    }
}

/// Rows dated in another month are read, kept out of the month's figures,
/// and named in a warning; the ledger is still valid.
#[test]
fn rows_of_another_month_are_warned_about() {
    let (ledger, diags) = read("ok-outside-period.xlsx", &ReadOptions::default());
    let want = [
        "fixtures/bad/ledger/ok-outside-period.xlsx [新开户]!E2: warning[outside-period]: account opened dated 2026-09-30, outside 2026-10: not counted in this month's figures",
        "fixtures/bad/ledger/ok-outside-period.xlsx [违规与损失]!B2: warning[outside-period]: incident dated 2026-09-28, outside 2026-10: not counted in this month's figures",
    ];
    assert_eq!(diags, want);
    let ledger = ledger.expect("warnings do not stop the read");
    let warnings: Vec<String> = ledger.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings, want);
    assert_eq!(ledger.incidents.len(), 1);
}

#[test]
fn float_noise_is_rounded_away() {
    let l = ok("ok-float-noise.xlsx", &ReadOptions::default());
    for a in accounts(&l) {
        // 0.30000000000000004 → 0.30, 31 days.
        assert_eq!(a.3.to_string(), "9.30");
    }
    let opts = ReadOptions {
        input_scale: 0,
        ..ReadOptions::default()
    };
    let l = ok("ok-float-noise.xlsx", &opts);
    assert_eq!(accounts(&l)[0].3, dec!(0));
}

#[test]
fn carry_forward_fills_missing_days() {
    let opts = ReadOptions {
        carry_forward_missing_days: true,
        ..ReadOptions::default()
    };
    let l = ok("missing-days.xlsx", &opts);
    let Deposits::Daily { accounts, .. } = &l.deposits else {
        panic!("daily")
    };
    let a = &accounts[1];
    assert_eq!(a.account_id, "A002");
    assert_eq!(a.rows, 27);
    assert_eq!(a.balance_sum, dec!(15500000));
    assert_eq!(
        a.carried_days,
        [
            date(2026, 10, 3),
            date(2026, 10, 4),
            date(2026, 10, 5),
            date(2026, 10, 9)
        ]
    );
    assert_eq!(
        render("missing-first-days.xlsx", &opts),
        [
            "fixtures/bad/ledger/missing-first-days.xlsx [存款日余额]!B5: error[missing-days]: expected a balance of account `A002` for every day of 2026-10, found none for 2026-10-01..2026-10-02 (the first days of the month cannot be carried forward)"
        ]
    );
}

#[test]
fn a_period_that_disagrees_with_the_dates_is_one_line_naming_both_months() {
    let opts = ReadOptions {
        period: period("2026-11"),
        ..ReadOptions::default()
    };
    // Not one error per balance (62 of them) and the October account and
    // incident as outside November: one line, at the first date.
    assert_eq!(
        render("ok-minimal.xlsx", &opts),
        [
            "fixtures/bad/ledger/ok-minimal.xlsx [存款日余额]!A2: error[period-mismatch]: expected the balances of 2026-11 (--period 2026-11), found the ledger's balances of 2026-10: give --period 2026-10, or the ledger of 2026-11"
        ]
    );
    // The same period as the dates is fine.
    let opts = ReadOptions {
        period: period("2026-10"),
        ..ReadOptions::default()
    };
    ok("ok-minimal.xlsx", &opts);
}

#[test]
fn monthly_averages_take_the_period_from_the_options() {
    let opts = ReadOptions {
        period: period("2026-10"),
        ..ReadOptions::default()
    };
    let l = ok("period-unknown.xlsx", &opts);
    assert_eq!(l.period, "2026-10".parse().unwrap());
    let Deposits::Averages(avg) = &l.deposits else {
        panic!("averages")
    };
    assert_eq!(avg.len(), 1);
    assert_eq!(
        (
            avg[0].client_id.as_str(),
            avg[0].product,
            avg[0].daily_average
        ),
        ("C001", Product::Demand, dec!(100000))
    );
    assert!(l.has_sheet(SheetKind::DepositAverages));
    assert_eq!(l.sheet_name(SheetKind::DepositAverages), "deposit_averages");
}

#[test]
fn progress_names_each_sheet() {
    let rel = "fixtures/bad/ledger/ok-minimal.xlsx";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    let mut seen: Vec<(String, u64)> = Vec::new();
    let (ledger, _) = read_ledger(&path, rel, &ReadOptions::default(), &mut |s, n| {
        seen.push((s.to_string(), n))
    });
    assert!(ledger.is_some());
    assert!(seen.contains(&("存款日余额".to_string(), 63)), "{seen:?}");
    assert_eq!(seen.len(), 10);
}

#[test]
fn missing_or_foreign_files_are_reported_not_panicked() {
    let got = render("no-such-ledger.xlsx", &ReadOptions::default());
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("fixtures/bad/ledger/no-such-ledger.xlsx: error[cannot-open]: cannot open the workbook: "),
        "{got:?}"
    );
    assert_eq!(
        render("no-such-ledger.csv", &ReadOptions::default()),
        [
            "fixtures/bad/ledger/no-such-ledger.csv: error[cannot-open]: expected an .xlsx, .xls or .ods workbook, found `.csv`"
        ]
    );
}

// ------------------------------------------------------------ Chinese ---

/// A diagnostic's Chinese message, read in process.
fn zh_lines(name: &str, opts: &ReadOptions) -> Vec<String> {
    zh_lines_of(&format!("fixtures/bad/ledger/{name}"), opts)
}

/// [`zh_lines`] of a ledger given relative to the crate.
fn zh_lines_of(rel: &str, opts: &ReadOptions) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    crate::util::use_rmpay_as_worker();
    let (_, diags) = read_ledger(&path, rel, opts, &mut |_, _| {});
    diags.iter().map(|d| d.show(Lang::Zh)).collect()
}

/// The English words of a Chinese diagnostic outside identifiers (see
/// [`util::english_words`](super::util::english_words)); `Excel` is Excel.
fn english_in_chinese(line: &str) -> Vec<String> {
    super::util::english_words(line, &["Excel"])
}

/// The message of `LOCATION: error[code]: message` (or `warning[code]`).
fn message_of(line: &str) -> &str {
    let code = [": error[", ": warning["]
        .iter()
        .find_map(|s| line.find(s))
        .unwrap_or(0);
    line[code..]
        .split_once("]: ")
        .map_or(line, |(_, message)| message)
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every error kind of [`CASES`], the warnings of a valid ledger and of
/// the branches' layouts (title rows, total rows, a hidden sheet), read
/// in Chinese: each message is Chinese, with no English word but
/// identifiers and the values as given (the workbook's own words, such as
/// calamine's on a file that is no zip, are not rmpay's: `cannot-open`'s
/// reason is left out of the scan).
#[test]
fn each_error_kind_reads_in_chinese() {
    let opts = ReadOptions::default();
    let names = CASES
        .iter()
        .map(|(n, _)| format!("fixtures/bad/ledger/{n}"))
        .chain(
            [
                "bad/ledger/ok-outside-period.xlsx",
                "bad/ledger/missing-left-on.xlsx",
                "layouts/bad-layouts.xlsx",
                "layouts/branch-export.xlsx",
                "layouts/hidden-sheet.ods",
                "layouts/total-rows.xlsx",
            ]
            .map(|n| format!("fixtures/{n}")),
        );
    for name in names {
        let lines = zh_lines_of(&name, &opts);
        assert!(!lines.is_empty(), "{name}");
        for line in lines {
            let message = message_of(&line);
            assert!(has_chinese(message), "{name}: {line}");
            let english = english_in_chinese(&line);
            assert!(english.is_empty(), "{name}: {english:?} in {line}");
        }
    }
    // The period given against the ledger's, and a file of no workbook kind.
    let november = ReadOptions {
        period: period("2026-11"),
        ..ReadOptions::default()
    };
    for (name, opts) in [
        ("ok-minimal.xlsx", &november),
        ("no-such-ledger.csv", &opts),
    ] {
        for line in zh_lines(name, opts) {
            assert!(english_in_chinese(&line).is_empty(), "{line}");
        }
    }
}

/// Whole Chinese lines as a branch accountant reads them: the column by
/// its Chinese header, the value as typed in 「」, lists with 、, amounts
/// and ratios as the office writes them; the location and the code as in
/// English.
#[test]
fn errors_read_in_chinese_whole() {
    let opts = ReadOptions::default();
    for (name, expected) in [
        (
            "not-an-amount.xlsx",
            &[
                "fixtures/bad/ledger/not-an-amount.xlsx [存款日余额]!E17: error[not-an-amount]: 应填金额，填的是文本「12,3O0」",
            ][..],
        ),
        (
            "negative-amount.xlsx",
            &[
                "fixtures/bad/ledger/negative-amount.xlsx [存款日余额]!E7: error[negative-value]: 「余额」不能为负数，填的是数字「-500000」",
                "fixtures/bad/ledger/negative-amount.xlsx [贷款]!I2: error[negative-value]: 「实收利息」不能为负数，填的是文本「-2,000」",
                "fixtures/bad/ledger/negative-amount.xlsx [贷款]!F3: error[negative-value]: 「贷款余额」不能为负数，填的是数字「-120000」",
                "fixtures/bad/ledger/negative-amount.xlsx [中间业务收入]!C3: error[negative-value]: 「金额」不能为负数，填的是数字「-300」",
                "fixtures/bad/ledger/negative-amount.xlsx [违规与损失]!E2: error[negative-value]: 「经济损失」不能为负数，填的是数字「-500」",
            ][..],
        ),
        (
            "missing-days.xlsx",
            &[
                "fixtures/bad/ledger/missing-days.xlsx [存款日余额]!B3: error[missing-days]: 账号「A002」缺少 2026-10 以下日期的余额：2026-10-03 至 2026-10-05、2026-10-09",
            ][..],
        ),
        (
            "shares-exceed-100.xlsx",
            &[
                "fixtures/bad/ledger/shares-exceed-100.xlsx [管户关系]!D4: error[shares-exceed-100]: 客户「C002」的分成比例合计 110%，超过 100%（第 3、4 行）",
            ][..],
        ),
        (
            "unknown-value.xlsx",
            &[
                "fixtures/bad/ledger/unknown-value.xlsx [客户经理]!D2: error[unknown-value]: 「客户经里」不是可填的值；可填：「客户经理」、「业务代办员」、「支行行长」（是否应为「客户经理」？）",
            ][..],
        ),
        (
            "unknown-client.xlsx",
            &[
                "fixtures/bad/ledger/unknown-client.xlsx [存款日余额]!C3: error[unknown-client]: 客户编号「C02」不在「管户关系」表中（是否应为「C002」？）",
            ][..],
        ),
        (
            "bad-unit.xlsx",
            &[
                "fixtures/bad/ledger/bad-unit.xlsx [存款日余额]!E1: error[bad-unit]: 「余额」的单位应为「元」或「万元」，表头写的是「千元」",
            ][..],
        ),
        (
            "too-precise-wan.xlsx",
            &[
                "fixtures/bad/ledger/too-precise-wan.xlsx [存款日余额]!E4: error[not-an-amount]: 金额最多 8 位小数（按该列单位折算后最多 4 位），填的是「900.000000012」",
            ][..],
        ),
        (
            "missing-sheet.xlsx",
            &[
                "fixtures/bad/ledger/missing-sheet.xlsx: error[missing-sheet]: 缺少「管户关系」工作表；现有：「客户经理」、「存款日余额」、「贷款」、「中间业务收入」、「国际结算」、「新开户」、「违规与损失」、「上年基数」、「风险金账户」",
            ][..],
        ),
    ] {
        assert_eq!(zh_lines(name, &opts), expected, "{name}");
    }
}

/// The console follows `--lang zh`, or a Chinese locale: the ledger's
/// errors print in Chinese, the summary too.
#[test]
fn the_console_prints_ledger_errors_in_chinese() {
    let args = [
        "payroll",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
        "fixtures/bad/ledger/duplicate-balance.xlsx",
        "--out",
        "$TMP/out",
    ];
    let expected = "
        fixtures/bad/ledger/duplicate-balance.xlsx [存款日余额]!A64: error[duplicate-balance]: 账号「A001」2026-10-04 的余额重复（首次出现在第 8 行）；每个账号每天只能有一行
        rmpay：1 个错误；未写入任何文件
    ";
    Test::new()
        .args(args)
        .arg("--lang")
        .arg("zh")
        .stderr(expected)
        .status(1)
        .run();
    Test::new()
        .args(args)
        .env("LANG", "zh_CN.UTF-8")
        .stderr(expected)
        .status(1)
        .run();
}

/// A risk-deposit opening balance above the cap of the RM's tier (Policy
/// A art. 25(2): mid 10,000; the deposit is withheld only up to it) is a
/// slip, refused at its cell in the console's language and nothing is
/// written, under a policy that releases the excess over a lowered cap
/// (`lowered_cap = "release_excess"`: no balance is ever above its tier's
/// cap). RM005 (中级) opens with 10,500.00 (the fixture's B3 is
/// 9,950.00). Was: taken as it stood, a balance no withholding can reach.
#[test]
fn a_risk_deposit_opening_above_the_cap_is_refused_at_its_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let shipped =
        std::fs::read_to_string(super::util::root().join("rules/city-commercial-bank.toml"))
            .unwrap();
    assert!(shipped.contains("lowered_cap = \"keep\""));
    let policy = tmp.path().join("release-excess.toml");
    std::fs::write(
        &policy,
        shipped.replace("lowered_cap = \"keep\"", "lowered_cap = \"release_excess\""),
    )
    .unwrap();
    let ledger = tmp.path().join("2026-09.xlsx");
    std::fs::copy(super::util::root().join("fixtures/2026-09.xlsx"), &ledger).unwrap();
    super::payout::replace_in(
        &ledger,
        "xl/worksheets/sheet8.xml",
        r#"<c r="B3"><v>9950.0</v>"#,
        r#"<c r="B3"><v>10500</v>"#,
    );
    let ledger_s = ledger.to_str().unwrap();
    let out = tmp.path().join("out");
    let args = [
        "payroll",
        "--policy",
        policy.to_str().unwrap(),
        "--ledger",
        ledger_s,
        "--out",
        out.to_str().unwrap(),
    ];
    let en = super::util::run(&[&["--lang", "en"][..], &args[..]].concat());
    assert_eq!(en.code, 1, "{}", en.stderr);
    assert_eq!(
        en.stderr.replace(tmp.path().to_str().unwrap(), "$TMP"),
        "$TMP/2026-09.xlsx [风险金账户]!B3: error[out-of-range]: expected RM `RM005`'s opening risk-deposit balance to be at most the cap of their tier (Mid-level RM), 10,000.00, found 10,500.00: the deposit is withheld only up to the cap, so no balance exceeds it; check the cell (a digit too many, or the wrong tier)\n\
         rmpay: 1 error(s); nothing was written\n"
    );
    let zh = super::util::run(&[&["--lang", "zh"][..], &args[..]].concat());
    assert_eq!(zh.code, 1, "{}", zh.stderr);
    assert_eq!(
        zh.stderr.replace(tmp.path().to_str().unwrap(), "$TMP"),
        "$TMP/2026-09.xlsx [风险金账户]!B3: error[out-of-range]: 客户经理 `RM005` 的风险金期初余额为 10,500.00 元，超过其等级（中级客户经理）的风险金上限 10,000.00 元：风险金扣满上限即不再扣留，余额不会超过上限；请核对此单元格（是否多输了一位数，或等级填错）\n\
         rmpay：1 个错误；未写入任何文件\n"
    );
    assert!(!out.exists());
    // At the cap itself: accepted.
    super::payout::replace_in(
        &ledger,
        "xl/worksheets/sheet8.xml",
        r#"<c r="B3"><v>10500</v>"#,
        r#"<c r="B3"><v>10000</v>"#,
    );
    let ok = super::util::run(&args);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

/// Under the shipped Policy A, which keeps the excess over a cap a tier
/// change lowered (`lowered_cap = "keep"`), a balance above the tier's cap
/// is money the RM holds: an RM demoted from senior (cap 20,000) to mid
/// (cap 10,000) before the bank's first closed month opens with what the
/// senior tier let them hold. It is taken as it stands and nothing more is
/// withheld: RM005 (中级, cap 10,000.00) opens with 15,000.00, the cap
/// leaves no room (10,000.00 − 15,000.00 < 0 → 0 withheld), closing
/// 15,000.00. Was: refused as a slip (`error[out-of-range]`: "no balance
/// exceeds it"), so the month could not be computed with the true balance.
#[test]
fn a_risk_deposit_opening_above_a_cap_the_policy_keeps_is_taken() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("2026-09.xlsx");
    std::fs::copy(super::util::root().join("fixtures/2026-09.xlsx"), &ledger).unwrap();
    super::payout::replace_in(
        &ledger,
        "xl/worksheets/sheet8.xml",
        r#"<c r="B3"><v>9950.0</v>"#,
        r#"<c r="B3"><v>15000</v>"#,
    );
    let json = tmp.path().join("pay.json");
    let out = super::util::run(&[
        "--lang",
        "en",
        "payroll",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
        ledger.to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pay: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rm5 = pay["managers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rm_id"] == "RM005")
        .unwrap();
    let risk = &rm5["risk_account"];
    assert_eq!(risk["cap"], "10000.00", "{risk}");
    assert_eq!(risk["opening"], "15000.00", "{risk}");
    assert_eq!(risk["withheld"], "0.00", "{risk}");
    assert_eq!(risk["closing"], "15000.00", "{risk}");
}

/// A 19-digit account number typed as a number: Excel keeps 15
/// significant digits, so 6222020200012345678 and 6222020200012345679
/// are both stored as 6.22202020001234E+18. Each such cell is refused at
/// itself, saying to format the column as text. Was: both read as account
/// `6222020200012340000`, then `inconsistent-account` (one account, two
/// clients) far from the cause. (The two accounts' 1 September balances
/// being refused, their other days say that day is missing.)
#[test]
fn a_long_account_number_typed_as_a_number_is_refused_at_its_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("2026-09.xlsx");
    std::fs::copy(super::util::root().join("fixtures/2026-09.xlsx"), &ledger).unwrap();
    for (cell, shared) in [("B2", 67), ("B3", 69)] {
        super::payout::replace_in(
            &ledger,
            "xl/worksheets/sheet3.xml",
            &format!(r#"<c r="{cell}" t="s"><v>{shared}</v></c>"#),
            &format!(r#"<c r="{cell}"><v>6.22202020001234E+18</v></c>"#),
        );
    }
    let args = [
        "check",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
        ledger.to_str().unwrap(),
    ];
    let en = super::util::run(&[&["--lang", "en"][..], &args[..]].concat());
    assert_eq!(en.code, 1, "{}", en.stderr);
    let why = "expected an id (an account or other number) as text, found the number 6.22202020001234E18: Excel keeps 15 significant digits, so the last digits of a longer number are already lost (what the cell shows is not what was typed). Format the column as text and type the numbers again";
    assert_eq!(
        en.stderr.replace(tmp.path().to_str().unwrap(), "$TMP"),
        format!(
            "$TMP/2026-09.xlsx [存款日余额]!B2: error[cell-error]: {why}\n\
             $TMP/2026-09.xlsx [存款日余额]!B3: error[cell-error]: {why}\n\
             $TMP/2026-09.xlsx [存款日余额]!B12: error[missing-days]: expected a balance of account `6201001` for every day of 2026-09, found none for 2026-09-01\n\
             $TMP/2026-09.xlsx [存款日余额]!B13: error[missing-days]: expected a balance of account `6201002` for every day of 2026-09, found none for 2026-09-01\n\
             rmpay: 4 error(s); nothing was written\n"
        )
    );
    let zh = super::util::run(&[&["--lang", "zh"][..], &args[..]].concat());
    assert!(
        zh.stderr.contains("[存款日余额]!B2: error[cell-error]: 编号、账号等应以文本填写，此单元格填成了数字 6.22202020001234E18：Excel 只保留 15 位有效数字，超过 15 位的号码末几位已经丢失（显示的也不是原来输入的号码）。请把该列设为文本格式，重新输入号码\n"),
        "{}",
        zh.stderr
    );
}
