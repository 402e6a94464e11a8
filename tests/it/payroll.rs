//! Policy A, October 2026 (31 days), fixture `fixtures/2026-10.xlsx`.
//!
//! Every expected figure below is worked out by hand from POLICIES.md, the
//! example rates in rules/city-commercial-bank.toml and the fixture's rows
//! (examples/make_fixtures.rs lists them). Rates: deposit stock 3.00 and
//! increment 8.00 yuan per 10,000 of daily average; agents 5.00 per 10,000;
//! 1% of interest received; 5% of fee income; 200 per new corporate basic
//! account. Loss deducted in full; 20% of (gross − deductions) withheld up to
//! the tier's cap (senior 20,000, mid 10,000, junior 5,000, head 20,000).

use super::util::{dec, payroll};
use rmpay::engine::pay::{Payroll, RmResult};
use rust_decimal::Decimal;

const POLICY: &str = "rules/city-commercial-bank.toml";
const LEDGER: &str = "fixtures/2026-10.xlsx";

fn rm<'a>(p: &'a Payroll, id: &str) -> &'a RmResult {
    p.results
        .iter()
        .find(|r| r.rm.rm_id == id)
        .unwrap_or_else(|| panic!("no RM {id}"))
}

fn line(r: &RmResult, rule: &str) -> Decimal {
    r.pay
        .lines
        .iter()
        .find(|l| l.rule == rule)
        .map(|l| l.amount)
        .unwrap_or_else(|| panic!("{} has no line {rule}", r.rm.rm_id))
}

fn checks(r: &RmResult) -> Vec<(String, String)> {
    r.flags
        .iter()
        .map(|f| (f.check.to_string(), f.subject.clone()))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn senior_with_split_client_and_loans() {
    let run = payroll(POLICY, LEDGER);
    let r = rm(&run.payroll, "RM001");
    let m = &r.month.metrics;
    // C001 9,000,000 + C002 5,000,000 × 60% + C009 500,000, every day.
    assert_eq!(
        m.deposit_daily_average,
        dec("9000000") + dec("5000000") * dec("0.6") + dec("500000")
    );
    assert_eq!(m.deposit_stock, dec("8000000"));
    assert_eq!(m.deposit_increment, dec("4500000"));
    // stock 8,000,000 / 10,000 × 3 = 2,400; increment 4,500,000 / 10,000 × 8 = 3,600.
    assert_eq!(line(r, "A-26-deposit-stock"), dec("2400.00"));
    assert_eq!(line(r, "A-26-deposit-increment"), dec("3600.00"));
    // Interest received: L001 25,000 + L002 59,400 × 60% = 60,640; 1% = 606.40.
    assert_eq!(m.interest_received, dec("60640"));
    assert_eq!(line(r, "A-26-interest"), dec("606.40"));
    // Due 25,000 + 60,000 × 60% = 61,000; 60,640 / 61,000 ≥ 99%: no flag.
    assert_eq!(m.interest_due, dec("61000"));
    // Fees: C001 10,000 + C002 5,000 × 60% = 13,000; 5% = 650.
    assert_eq!(line(r, "A-26-fees"), dec("650.00"));
    // Two basic accounts (one by the client's largest share): 400.
    assert_eq!(line(r, "A-26-basic-accounts"), dec("400.00"));
    // 2,400 + 3,600 + 606.40 + 650 + 400 = 7,656.40.
    assert_eq!(r.pay.gross, dec("7656.40"));
    // 20% × 7,656.40 = 1,531.28; room 20,000 − 12,000 = 8,000.
    assert_eq!(r.pay.holdback, dec("1531.28"));
    assert_eq!(r.pay.net, dec("6125.12"));
    assert_eq!(r.pay.risk.opening, dec("12000"));
    assert_eq!(r.pay.risk.closing, dec("13531.28"));
    // L001 5,000,000 is exactly at the senior authority (not flagged); L002
    // 12,000,000 is over it and over the 5,000,000 joint-signing line; C009
    // (500,000, no loans) is below the senior band.
    assert_eq!(
        checks(r),
        vec![
            pair("loan_above_authority", "L002"),
            pair("joint_signing_required", "L002"),
            pair("client_outside_band", "C009"),
        ]
    );
}

#[test]
fn mid_with_agreement_deposits_and_calendar_average() {
    let run = payroll(POLICY, LEDGER);
    let r = rm(&run.payroll, "RM002");
    let m = &r.month.metrics;
    // C002 5,000,000 × 40% = 2,000,000; C003: agreement 3,100,000 (Policy A
    // counts it) + demand 3,100,000 × 10 days / 31 = 1,000,000.
    assert_eq!(
        m.deposit_daily_average,
        dec("2000000") + dec("3100000") + dec("3100000") * dec("10") / dec("31")
    );
    // stock 5,000,000 → 1,500; increment 1,100,000 → 880.
    assert_eq!(line(r, "A-26-deposit-stock"), dec("1500.00"));
    assert_eq!(line(r, "A-26-deposit-increment"), dec("880.00"));
    // Interest: 59,400 × 40% + 9,000 = 32,760 → 327.60. Fees 2,000 → 100.
    assert_eq!(line(r, "A-26-interest"), dec("327.60"));
    assert_eq!(line(r, "A-26-fees"), dec("100.00"));
    // The 一般户 opened for C003 is not a corporate basic account.
    assert_eq!(line(r, "A-26-basic-accounts"), dec("0.00"));
    assert_eq!(r.pay.gross, dec("2807.60"));
    assert_eq!(r.pay.holdback, dec("561.52"));
    assert_eq!(r.pay.net, dec("2246.08"));
    // NPL: L003 2,000,000 substandard of 12,000,000 × 40% + 2,000,000.
    assert_eq!(m.npl_balance, dec("2000000"));
    assert_eq!(m.npl_ratio, Some(dec("2000000") / dec("6800000")));
    // Collection 32,760 / 34,000 < 99%. L003 3,000,000 is exactly at the mid
    // authority; L002 is over it. C003 (4,100,000, loans 2,000,000) falls in
    // the source's 3–5 million gap.
    assert_eq!(
        checks(r),
        vec![
            pair("loan_above_authority", "L002"),
            pair("joint_signing_required", "L002"),
            pair("client_outside_band", "C003"),
            pair("collection_below", "RM002"),
        ]
    );
}

#[test]
fn junior_exactly_at_ninety_percent_with_a_loss() {
    let run = payroll(POLICY, LEDGER);
    let r = rm(&run.payroll, "RM003");
    // 1,800,000 = 90% of 2,000,000 exactly: not under 90%.
    assert_eq!(r.month.metrics.deposit_to_base, Some(dec("0.9")));
    // 1,800,000 / 10,000 × 3 = 540; 4,000 × 1% = 40.
    assert_eq!(r.pay.gross, dec("580.00"));
    assert_eq!(r.pay.deductions_total, dec("300.00"));
    // 20% × (580 − 300) = 56.
    assert_eq!(r.pay.holdback, dec("56.00"));
    assert_eq!(r.pay.net, dec("224.00"));
    assert_eq!(r.month.metrics.incident_points, dec("5"));
    // L004 1,000,000 is exactly at the junior authority.
    assert_eq!(checks(r), vec![]);
}

#[test]
fn junior_one_fen_under_with_default_base_and_unrecovered_loss() {
    let run = payroll(POLICY, LEDGER);
    let r = rm(&run.payroll, "RM004");
    // No base in the ledger: the junior default 2,000,000.
    assert_eq!(r.month.metrics.deposit_base, dec("2000000"));
    // 1,799,999.99 / 10,000 × 3 = 539.999997 → 540.00 (rounded once).
    assert_eq!(line(r, "A-26-deposit-stock"), dec("540.00"));
    assert_eq!(r.pay.gross, dec("540.00"));
    // Loss 1,000 against gross 540: 540 deducted, 460 not recovered.
    assert_eq!(r.pay.deductions_total, dec("540.00"));
    assert_eq!(r.pay.unrecovered, dec("460.00"));
    assert_eq!(r.pay.holdback, dec("0.00"));
    assert_eq!(r.pay.net, dec("0.00"));
    // L005 1,000,000.01 is one fen over the authority; deposits one fen
    // under 90% of base; nothing collected, on a loan disbursed this year
    // (art. 25(1) wants 100% on new loans; L004, disbursed 2026-02-01 with
    // 4,000 of 4,000 collected, is exactly at it and not flagged).
    assert_eq!(
        checks(r),
        vec![
            pair("loan_above_authority", "L005"),
            pair("deposit_below_base", "RM004"),
            pair("new_loan_collection_below", "L005"),
            pair("collection_below", "RM004"),
            pair("loss_not_recovered", "RM004"),
        ]
    );
}

#[test]
fn agent_branch_head_and_risk_cap() {
    let run = payroll(POLICY, LEDGER);
    // Agent: 2,480,000 / 10,000 × 5 = 1,240; agents have no risk account.
    let a = rm(&run.payroll, "AG001");
    assert_eq!(a.pay.lines.len(), 1);
    assert_eq!(line(a, "A-21-agent-deposit"), dec("1240.00"));
    assert_eq!(a.pay.holdback, dec("0"));
    assert_eq!(a.pay.net, dec("1240.00"));
    // Branch head: stock 8,000,000 → 2,400; increment 2,000,000 → 1,600;
    // interest 30,000 → 300; fees 2,000 → 100. Gross 4,400; 20% = 880.
    let h = rm(&run.payroll, "BH001");
    assert_eq!(h.pay.gross, dec("4400.00"));
    assert_eq!(h.pay.holdback, dec("880.00"));
    assert_eq!(h.pay.net, dec("3520.00"));
    assert_eq!(checks(h), vec![pair("loan_above_authority", "L006")]);
    // Mid with 9,950 of a 10,000 cap: 20% × 2,300 = 460 wanted, 50 withheld.
    let c = rm(&run.payroll, "RM005");
    assert_eq!(c.pay.gross, dec("2300.00"));
    assert_eq!(c.pay.holdback, dec("50.00"));
    assert_eq!(c.pay.risk.closing, dec("10000.00"));
    assert_eq!(c.pay.net, dec("2250.00"));
    // Left on 2026-04-15: six months later (2026-10-15) falls in October,
    // no loss was found, so the 5,000 is returned in full. No pay, no flags.
    let l = rm(&run.payroll, "RM006");
    assert_eq!(l.pay.gross, dec("0"));
    assert_eq!(l.pay.risk.opening, dec("5000"));
    assert_eq!(l.pay.risk.offset, dec("0"));
    assert_eq!(l.pay.risk.released, dec("5000"));
    assert_eq!(l.pay.risk.closing, dec("0"));
    assert_eq!(l.pay.payout, dec("5000"));
    assert!(l.flags.is_empty());
}

#[test]
fn totals_tie_out() {
    let run = payroll(POLICY, LEDGER);
    let t = &run.payroll.totals;
    // 7,656.40 + 2,807.60 + 580 + 540 + 1,240 + 4,400 + 2,300 + 0 + 0.
    assert_eq!(t.gross, dec("19524.00"));
    // 300 + 540.
    assert_eq!(t.deductions, dec("840.00"));
    // 1,531.28 + 561.52 + 56 + 0 + 0 + 880 + 50 + 0.
    assert_eq!(t.holdback, dec("3078.80"));
    // 6,125.12 + 2,246.08 + 224 + 0 + 1,240 + 3,520 + 2,250 + 0.
    assert_eq!(t.net, dec("15605.20"));
    // Risk deposits released on top of net pay: RM006 5,000 and RM007
    // 8,000 (left 2026-04-20; due 2026-10-20; no loss in this ledger alone).
    assert_eq!(t.released, dec("5000") + dec("8000"));
    assert_eq!(t.payout, dec("15605.20") + dec("13000"));
    assert_eq!(run.run.period.to_string(), "2026-10");
}

/// Policy B, October 2026, `fixtures/bocom-2026-10.xlsx` (monthly averages
/// in 万元, English sheet names; the period is given on the command line).
#[test]
fn policy_b_allowance_by_grade_and_agreement_deposits_excluded() {
    let _cwd = super::util::CwdGuard::root();
    let run = match rmpay::compute_payroll(
        std::path::Path::new("rules/bocom-nanchang.toml"),
        std::path::Path::new("fixtures/bocom-2026-10.xlsx"),
        Some("2026-10".parse().unwrap()),
        &mut |_, _| {},
    ) {
        Ok(r) => r,
        Err(_) => panic!("the Policy B fixture must be valid"),
    };
    let p = &run.payroll;
    // art. 12: 300, 260, 200, 160, 160, 160 by grade.
    for (id, amount) in [
        ("N01", "300.00"),
        ("N02", "260.00"),
        ("N03", "200.00"),
        ("N04", "160.00"),
        ("N05", "160.00"),
        ("N06", "160.00"),
    ] {
        let r = rm(p, id);
        assert_eq!(line(r, "B-12-allowance"), dec(amount), "{id}");
        assert_eq!(
            r.pay.net,
            dec(amount),
            "{id}: no risk deposit under Policy B"
        );
    }
    assert_eq!(p.totals.gross, dec("1240.00"));
    // K01: demand 26,000 万元 counted; 10,000 万元 of agreement deposits excluded.
    assert_eq!(
        rm(p, "N01").month.metrics.deposit_daily_average,
        dec("260000000")
    );
    let k01 = p.clients.get("K01").expect("K01 is in the month");
    assert_eq!(k01.by_product.total(), dec("360000000"));
}

/// A tier change that lowers the cap (art. 25(2) is silent; the policy's
/// `lowered_cap` setting decides). A senior with 15,000 becomes mid (cap
/// 10,000) and earns 2,000 gross.
#[test]
fn a_lowered_cap_keeps_or_releases_the_excess() {
    use rmpay::engine::pay::{MovementKind, Opening, payslip};
    use rmpay::metrics::monthly::RmMetrics;
    use rmpay::policy::LoweredCap;
    let text = std::fs::read(super::util::root().join(POLICY)).unwrap();
    let mut policy = rmpay::policy::parse_policy(&text, POLICY).unwrap();
    let mid = policy.tier_by_id("mid").unwrap();
    // 2,000,000 of stock at 3.00 per 10,000 = 600.00; base 5,000,000.
    let m = RmMetrics {
        deposit_daily_average: dec("2000000"),
        deposit_base: dec("5000000"),
        deposit_stock: dec("2000000"),
        ..RmMetrics::default()
    };
    let opening = Opening {
        risk_balance: dec("15000"),
        previous_tier: Some("senior".into()),
        ..Opening::default()
    };
    // Shipped reading: keep. Nothing is withheld (the balance is over the
    // new cap) and nothing is released.
    let s = payslip(&policy, mid, &m, &opening, false, None, &mut Vec::new());
    assert_eq!(s.gross, dec("600.00"));
    assert_eq!(
        (s.holdback, s.released, s.risk.closing),
        (dec("0"), dec("0"), dec("15000"))
    );
    // release_excess: 15,000 − 10,000 = 5,000 paid out, then the account is
    // full, so nothing is withheld either.
    policy.risk_deposit.as_mut().unwrap().lowered_cap = LoweredCap::ReleaseExcess;
    let s = payslip(&policy, mid, &m, &opening, false, None, &mut Vec::new());
    assert_eq!(
        (s.holdback, s.released, s.risk.closing),
        (dec("0"), dec("5000"), dec("10000"))
    );
    assert_eq!(s.risk.movements[0].kind, MovementKind::ExcessReleased);
    assert_eq!(s.payout, dec("600.00") + dec("5000"));
    // Why, in each language: tiers by the policy's names (by their ids in
    // English), the new cap as an amount, the deposit by the policy's name.
    use rmpay::text::Lang;
    let why = &s.risk.movements[0].reason;
    assert_eq!(
        why.get(Lang::Zh),
        "等级由高级客户经理调为中级客户经理，风险金上限降为 10,000.00"
    );
    assert_eq!(
        why.get(Lang::En),
        "tier changed from `senior` to `mid`: cap lowered to 10000"
    );
}

/// Plausibility limits (`gross_above`, `gross_above_tier_median`) put an
/// RM on the exceptions sheet and in the JSON for the checker; the run
/// still exits 0 and pay is unchanged. The shipped values (100,000 yuan;
/// 3 × the tier median) flag no one in the fixture, so they are tightened
/// here.
#[test]
fn implausible_gross_is_flagged_for_the_checker() {
    let text = std::fs::read_to_string(super::util::root().join(POLICY)).unwrap();
    let changed = text
        .replace("above = 100_000 ", "above = 7_000   ")
        .replace("times = 3 ", "times = 1.05 ");
    assert_eq!(changed.matches("above = 7_000 ").count(), 1);
    assert_eq!(changed.matches("times = 1.05 ").count(), 1);
    let d = tempfile::tempdir().unwrap();
    let policy = d.path().join("policy.toml");
    std::fs::write(&policy, changed).unwrap();
    let out = d.path().join("out");
    let json = out.join("pay.json");
    let o = super::util::run(&[
        "payroll",
        "--policy",
        policy.to_str().unwrap(),
        "--ledger",
        LEDGER,
        "--out",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    // Hand-computed. Gross this month: RM001 (senior) 7,656.40, BH001
    // 4,400.00, the rest below 3,000: only RM001 is above 7,000.
    // Tier medians over the active RMs (RM006 and RM007 left, so they
    // neither count nor are checked): senior RM001 alone, 7,656.40 →
    // 1.05 × 7,656.40 = 8,039.22, not above; mid RM002 2,807.60 and RM005
    // 2,300.00 → (2,807.60 + 2,300.00) ÷ 2 = 2,553.80, × 1.05 = 2,681.49,
    // and RM002's 2,807.60 is above; junior RM003 580 and RM004 540 → 560
    // × 1.05 = 588, not above.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mut got = Vec::new();
    for m in v["managers"].as_array().unwrap() {
        for f in m["flags"].as_array().unwrap() {
            let check = f["check"].as_str().unwrap();
            if check.starts_with("gross_above") {
                got.push(format!(
                    "{} {} {} {} {}",
                    m["rm_id"].as_str().unwrap(),
                    f["rule"].as_str().unwrap(),
                    check,
                    f["value"].as_str().unwrap(),
                    f["threshold"].as_str().unwrap()
                ));
            }
        }
        // Pay is unchanged by a flag.
        if m["rm_id"] == "RM001" {
            assert_eq!(m["pay"]["gross"], "7656.40");
        }
    }
    assert_eq!(
        got,
        [
            "RM001 plausible-gross-ceiling gross_above 7656.4 7000",
            "RM002 plausible-gross-median gross_above_tier_median 2807.6 2681.49",
        ]
    );
    // The median flag's trace step gives the comparison and its inputs.
    let rm002 = v["managers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rm_id"] == "RM002")
        .unwrap();
    let step = rm002["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["figure"] == "gross_above_tier_median")
        .expect("a trace step for the median flag");
    assert_eq!(
        step["formula"],
        "gross > times × median(gross of the tier's active RMs) = 2681.49"
    );
    let inputs: Vec<String> = step["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}={}",
                i["name"].as_str().unwrap(),
                i["value"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            "gross=2807.60",
            "times=1.05",
            "tier_median_gross=2553.80",
            "gross RM002=2807.60",
            "gross RM005=2300.00",
        ]
    );

    // The workbook's exceptions sheet has the same two rows.
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.join("pay-2026-10.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Exceptions").unwrap();
    let rows: Vec<String> = sheet
        .rows()
        .filter(|r| r[2].to_string().starts_with("plausible-"))
        .map(|r| {
            r.iter()
                .take(8)
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "RM001 | 张伟 | plausible-gross-ceiling | gross above ceiling | RM001 | 7656.4 | 7000 | gross pay 7,656.40 is above the plausible ceiling of 7,000.00: please check",
            "RM002 | 李娜 | plausible-gross-median | gross far above tier median | RM002 | 2807.6 | 2681.49 | gross pay 2,807.60 is above 2,681.49, the policy's multiple of the tier's median gross: please check (see the trace)",
        ]
    );
}

/// A pay line or deduction on a ratio the month has no figure for (an
/// agent has no base deposit, so no `deposit_to_base`) pays and deducts
/// nothing and says so in the trace, rather than showing the ratio as 0.
#[test]
fn a_ratio_without_its_denominator_is_stated_not_read_as_zero() {
    // Policy A and a line and a deduction on deposits ÷ base.
    let policy = std::fs::read_to_string(POLICY).unwrap()
        + "\n[[pay.lines]]\nid = \"X-to-base\"\nname = \"存款占基数比\"\nkind = \"rate\"\nmetric = \"deposit_to_base\"\nrate = 100\n"
        + "\n[[pay.deductions]]\nid = \"X-to-base-deduction\"\nname = \"存款占基数比扣减\"\nmetric = \"deposit_to_base\"\nshare = 1\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(&path, policy).unwrap();
    let run = payroll(path.to_str().unwrap(), LEDGER);
    let without: Vec<&RmResult> = run
        .payroll
        .results
        .iter()
        .filter(|r| r.month.metrics.deposit_to_base.is_none())
        .collect();
    assert!(!without.is_empty(), "the fixture has an RM without a base");
    for r in without {
        assert_eq!(line(r, "X-to-base"), dec("0.00"), "{}", r.rm.rm_id);
        let steps: Vec<(&str, String, Option<Decimal>)> = r
            .month
            .trace
            .iter()
            .filter(|s| s.figure.starts_with("X-to-base"))
            .map(|s| (s.figure.as_str(), s.formula.clone(), s.value))
            .collect();
        assert_eq!(
            steps,
            [
                (
                    "X-to-base",
                    "no figure for `deposit_to_base` this month: nothing paid".to_string(),
                    Some(dec("0.00"))
                ),
                (
                    "X-to-base-deduction",
                    "no figure for `deposit_to_base` this month: nothing deducted".to_string(),
                    None
                ),
            ],
            "{}",
            r.rm.rm_id
        );
    }
}

/// Policy B art. 12: the allowance is "每人每月", per person per month. An
/// RM the month's ledger still lists as having left before the month began
/// is paid none of it (found by the independent test: N2, gone since
/// 20 September, was paid October's 200.00); one who leaves during the
/// month is still paid the month's allowance (the source does not pro-rate).
#[test]
fn policy_b_no_allowance_for_an_rm_who_left_before_the_month() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("2026-10.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("managers").unwrap();
    let managers = [
        ["rm_id", "name", "tier", "status", "left_on"],
        ["N1", "在岗", "二级", "active", ""],
        ["N2", "九月离岗", "二级", "left", "2026-09-20"],
        ["N3", "十月离岗", "二级", "left", "2026-10-05"],
    ];
    for (r, row) in managers.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    let ws = wb.add_worksheet().set_name("clients").unwrap();
    for (r, row) in [["client_id", "rm_id"], ["K1", "N1"]].iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let ws = wb.add_worksheet().set_name("deposit_averages").unwrap();
    ws.write_string(0, 0, "client_id").unwrap();
    ws.write_string(0, 1, "daily_average").unwrap();
    ws.write_string(1, 0, "K1").unwrap();
    ws.write_number(1, 1, 20_000_000.0).unwrap();
    wb.save(&ledger).unwrap();
    let run = match rmpay::compute_payroll(
        std::path::Path::new("rules/bocom-nanchang.toml"),
        &ledger,
        Some("2026-10".parse().unwrap()),
        &mut |_, _| {},
    ) {
        Ok(r) => r,
        Err(_) => panic!("the ledger must be valid"),
    };
    let p = &run.payroll;
    // Grade 2's allowance is 200.00 a month (art. 12).
    assert_eq!(line(rm(p, "N1"), "B-12-allowance"), dec("200.00"));
    // Left on 5 October, during the month: the month's 200.00.
    assert_eq!(line(rm(p, "N3"), "B-12-allowance"), dec("200.00"));
    // Left on 20 September, before 1 October: nothing, and the trace says why.
    let n2 = rm(p, "N2");
    assert_eq!(line(n2, "B-12-allowance"), dec("0.00"));
    assert_eq!(n2.pay.net, dec("0.00"));
    let step = n2
        .month
        .trace
        .iter()
        .find(|s| s.figure == "B-12-allowance")
        .expect("a trace step for the allowance");
    assert_eq!(
        step.formula,
        "left before the month began (left_on 2026-09-20): nothing paid"
    );
    assert_eq!(step.value, Some(dec("0.00")));
    // 200.00 + 0.00 + 200.00 = 400.00.
    assert_eq!(p.totals.gross, dec("400.00"));
    // N2's statement gives the reason, not "grade 2's fixed monthly amount".
    let st = dir.path().join("statements");
    let o = super::util::run(&[
        "statement",
        "--policy",
        "rules/bocom-nanchang.toml",
        "--ledger",
        ledger.to_str().unwrap(),
        "--period",
        "2026-10",
        "--rm",
        "N2",
        "--out",
        st.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(st.join("statement-2026-10-N2.xlsx")).unwrap();
    use calamine::Reader;
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let row: Vec<String> = range
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "两费津贴"))
        .expect("the allowance's row")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        row,
        [
            "两费津贴",
            "0",
            "B-12-allowance",
            "本月前已离岗（离岗日期 2026-09-20）：不发放"
        ]
    );
}

/// A base deposit the ledger leaves to the policy names the policy's key,
/// `base_deposit` of the tier, in either language (the Chinese trace said
/// `政策等级 业务代办员 基数存款`, a key no policy has).
#[test]
fn a_tier_default_base_names_the_policy_key() {
    let d = tempfile::tempdir().unwrap();
    for (lang, want) in [
        ("en", "policy tier `agent` base_deposit"),
        ("zh", "政策等级 业务代办员 的 `base_deposit`"),
    ] {
        let json = d.path().join(format!("pay-{lang}.json"));
        let o = super::util::run(&[
            "payroll",
            "--lang",
            lang,
            "--policy",
            "rules/city-commercial-bank.toml",
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--out",
            d.path().to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let ag = v["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["rm_id"] == "AG001")
            .unwrap();
        let step = ag["trace"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["figure"] == "deposit_base")
            .unwrap();
        assert_eq!(step["inputs"][0]["value"], want, "{lang}");
    }
}

/// A trace step of one RM in a pay JSON.
fn pay_step(json: &std::path::Path, rm: &str, figure: &str) -> Option<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let m = v["managers"]
        .as_array()?
        .iter()
        .find(|m| m["rm_id"] == rm)?;
    m["trace"]
        .as_array()?
        .iter()
        .find(|s| s["figure"] == figure)
        .cloned()
}

/// A loss beyond the month's gross is carried forward as a traced line,
/// with its rule and inputs, in the month it arises (was: a flag only) and
/// in the month that deducts it (now naming where it came from).
#[test]
fn a_loss_carried_forward_is_traced_both_months() {
    let d = tempfile::tempdir().unwrap();
    let policy = super::util::policy_a_without_workflow();
    let a = d.path().join("archive");
    let month = |ledger: &str, json: &str| {
        let json = d.path().join(json);
        let o = super::util::run(&[
            "payroll",
            "--lang",
            "en",
            "--policy",
            policy,
            "--ledger",
            ledger,
            "--archive",
            a.to_str().unwrap(),
            "--out",
            d.path().to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let o = super::util::run(&[
            "close",
            "--policy",
            policy,
            "--ledger",
            ledger,
            "--archive",
            a.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        json
    };
    let oct = month("fixtures/2026-10.xlsx", "oct.json");
    // RM004: a loss of 1,000.00 against a gross of 540.00: 540.00 deducted
    // (A-13-loss), 1,000.00 − 540.00 = 460.00 carried; no risk deposit
    // to offset it.
    let s = pay_step(&oct, "RM004", "loss_carried_forward").expect("no carried-forward step");
    assert_eq!(s["rule"], "A-13-loss");
    assert_eq!(s["formula"], "Σ (deduction due − deducted)");
    assert_eq!(s["inputs"][0]["id"], "A-13-loss");
    assert_eq!(s["inputs"][0]["value"], "1000.00 − 540.00");
    assert_eq!(s["value"], "460");
    // November deducts it first, saying from where.
    let nov = month("fixtures/2026-11.xlsx", "nov.json");
    let s = pay_step(&nov, "RM004", "carried_loss").expect("no carried-loss step");
    assert_eq!(s["inputs"][0]["value"], "460.00");
    assert_eq!(s["inputs"][1]["name"], "carried from");
    assert_eq!(s["inputs"][1]["value"], "closing balance of 2026-10");
    // An RM whose gross covers their losses carries nothing.
    assert!(pay_step(&oct, "RM001", "loss_carried_forward").is_none());
}

/// Ratios are shown one way per medium: the JSON exact (10 places), the
/// workbook and `explain` as percentages to two places, the cell's value
/// what is shown (was 0.963529 shown as 96.35%, and `0.963529` or
/// `1.000000` bare on the trace sheet; `explain` gave 0.9635294118).
/// RM002: interest received 32,760.00 ÷ due 34,000.00 = 0.96352941…,
/// 96.35% to two places; NPL 2,000,000.00 ÷ 6,800,000.00 = 0.29411764…,
/// 29.41%.
#[test]
fn ratios_are_percentages_to_two_places_and_exact_in_the_json() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let d = tempfile::tempdir().unwrap();
    let json = d.path().join("pay.json");
    let o = super::util::run(&[
        "payroll",
        "--lang",
        "en",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--out",
        d.path().to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let step = pay_step(&json, "RM002", "collection_rate").unwrap();
    assert_eq!(step["value"], "0.9635294118");
    let mut wb: Xlsx<_> = open_workbook(d.path().join("pay-2026-10.xlsx")).unwrap();
    let metrics = wb.worksheet_range("Metrics").unwrap();
    let row = metrics
        .rows()
        .find(|r| r[0] == Data::String("RM002".into()))
        .unwrap();
    // NPL ratio (I) and collection rate (L).
    assert_eq!(
        (&row[8], &row[11]),
        (&Data::Float(0.2941), &Data::Float(0.9635))
    );
    let trace = wb.worksheet_range("Trace").unwrap();
    let values: Vec<&Data> = trace
        .rows()
        .filter(|r| r[0] == Data::String("RM002".into()))
        .filter(|r| {
            r[1] == Data::String("collection_rate".into())
                || r[1] == Data::String("npl_ratio".into())
        })
        .map(|r| &r[3])
        .collect();
    assert_eq!(values, [&Data::Float(0.2941), &Data::Float(0.9635)]);
    let o = super::util::run(&[
        "explain",
        "--lang",
        "zh",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--rm",
        "RM002",
    ]);
    assert!(
        o.stdout.contains("\n收息率 = 96.35%    [指标定义]\n"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("\n不良率 = 29.41%    [指标定义]\n"),
        "{}",
        o.stdout
    );
}

/// A pay workbook shows the figures its policy's rules use: Policy B has
/// no risk deposit and no rule reading a base deposit, so its register
/// has no 风险金扣留 / 风险金退还 columns, there is no 风险金账户 sheet, and
/// its metrics sheet no 基数存款 / 存量 / 增量 (all were there, all zero).
/// Having no `[workflow]`, its register ends with a blank sign-off block
/// to sign by hand (制表, 复核, 审批), as Policy A's closed register ends
/// with its signed one. Policy A keeps every column.
#[test]
fn a_pay_workbook_shows_what_its_policy_uses() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let d = tempfile::tempdir().unwrap();
    let header = |wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str| -> Vec<String> {
        let r = wb.worksheet_range(sheet).unwrap();
        r.rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    let o = super::util::run(&[
        "payroll",
        "--policy",
        "rules/bocom-nanchang.toml",
        "--ledger",
        "fixtures/bocom-2026-10.xlsx",
        "--period",
        "2026-10",
        "--out",
        d.path().join("b").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut wb: Xlsx<_> = open_workbook(d.path().join("b/pay-2026-10.xlsx")).unwrap();
    assert!(
        !wb.sheet_names().contains(&"风险金账户".to_string()),
        "{:?}",
        wb.sheet_names()
    );
    assert_eq!(
        header(&mut wb, "工资汇总"),
        [
            "客户经理编号",
            "姓名",
            "等级",
            "机构",
            "两费津贴",
            "应发合计",
            "扣款合计",
            "工资净额",
            "实发合计"
        ]
    );
    let metrics = header(&mut wb, "业绩指标");
    for gone in ["基数存款", "存量", "增量"] {
        assert!(!metrics.contains(&gone.to_string()), "{metrics:?}");
    }
    let reg = wb.worksheet_range("工资汇总").unwrap();
    let first: Vec<String> = reg.rows().map(|r| r[0].to_string()).collect();
    let at = first
        .iter()
        .position(|c| c == "签核环节")
        .expect("no sign-off block");
    assert_eq!(first[at + 1..], ["制表", "复核", "审批"]);
    assert!(
        reg.rows().next_back().unwrap()[2..]
            .iter()
            .all(|c| *c == Data::Empty)
    );

    let o = super::util::run(&[
        "payroll",
        "--policy",
        "rules/city-commercial-bank.toml",
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--out",
        d.path().join("a").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut wb: Xlsx<_> = open_workbook(d.path().join("a/pay-2026-10.xlsx")).unwrap();
    assert!(wb.sheet_names().contains(&"风险金账户".to_string()));
    let reg = header(&mut wb, "工资汇总");
    assert!(reg.contains(&"风险金扣留".to_string()) && reg.contains(&"风险金退还".to_string()));
    assert!(header(&mut wb, "业绩指标").contains(&"基数存款".to_string()));
}
