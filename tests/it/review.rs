//! The annual and quarterly tier review (`rmpay review`) on a year of
//! ledgers: `fixtures/year-a` (Policy A, daily balances), `fixtures/year-b`
//! (Policy B, monthly averages with a prior-year baseline) and the bank
//! variant `fixtures/variant/bocom-variant.toml`, all written by
//! `examples/make_year_fixtures.rs` (its doc comment has the design table).
//!
//! Every expected figure is computed by hand from the fixture design and
//! POLICIES.md, with the arithmetic beside the assertion. 2026 has 365 days:
//! Jan 31, Feb 28, Mar 31, Apr 30, May 31, Jun 30 (Jan–Jun 181), Jul 31,
//! Aug 31, Sep 30, Oct 31, Nov 30, Dec 31 (Jul–Dec 184).

use super::test::Test;
use super::util::{dec, run};
use calamine::{Data, Reader, Xlsx, open_workbook};
use rmpay::decimal::RoundAway as _;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const POLICY_B: &str = "rules/bocom-nanchang.toml";
const VARIANT: &str = "fixtures/variant/bocom-variant.toml";

fn months(list: &[u32]) -> Vec<String> {
    list.iter().map(|m| format!("2026-{m:02}")).collect()
}

const YEAR: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/// Policy A ledgers: daily balances, the period read from the dates.
fn ledgers_a(list: &[u32]) -> Vec<String> {
    months(list)
        .into_iter()
        .map(|p| format!("fixtures/year-a/{p}.xlsx"))
        .collect()
}

/// Policy B ledgers: monthly averages, so each needs its period.
fn ledgers_b(list: &[u32]) -> Vec<String> {
    months(list)
        .into_iter()
        .map(|p| format!("{p}=fixtures/year-b/{p}.xlsx"))
        .collect()
}

/// A finished review run: its output directory and parsed JSON.
struct Review {
    dir: tempfile::TempDir,
    json: Value,
    stderr: String,
}

impl Review {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn manager(&self, id: &str) -> &Value {
        self.json["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["rm_id"] == id)
            .unwrap_or_else(|| panic!("{id} is not in the review"))
    }

    fn has(&self, id: &str) -> bool {
        self.json["managers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["rm_id"] == id)
    }
}

/// `rmpay review --policy P --ledgers L… --year 2026 --out DIR --json F` plus
/// `extra`; panics unless it succeeds.
fn review(policy: &str, ledgers: &[String], extra: &[&str]) -> Review {
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["review".into(), "--policy".into(), policy.into()];
    args.push("--ledgers".into());
    args.extend(ledgers.iter().cloned());
    args.extend(extra.iter().map(|s| s.to_string()));
    review_args(dir, args)
}

fn review_args(dir: tempfile::TempDir, mut args: Vec<String>) -> Review {
    args.extend([
        "--year".to_string(),
        "2026".into(),
        "--out".into(),
        dir.path().join("out").display().to_string(),
        "--json".into(),
        dir.path().join("review.json").display().to_string(),
    ]);
    let o = run(&args);
    assert_eq!(o.code, 0, "rmpay {}\n{}", args.join(" "), o.stderr);
    let json =
        serde_json::from_slice(&std::fs::read(dir.path().join("review.json")).unwrap()).unwrap();
    Review {
        dir,
        json,
        stderr: o.stderr,
    }
}

/// A figure of the JSON (a decimal string), rounded to `dp` places.
fn num(v: &Value, dp: u32) -> Decimal {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a decimal string, found {v}"));
    dec(s).round_away(dp)
}

fn metric(m: &Value, key: &str) -> Decimal {
    num(&m["metrics"][key], 2)
}

fn total(m: &Value) -> Decimal {
    num(&m["score"]["total"], 2)
}

fn points(m: &Value, id: &str) -> Decimal {
    let c = m["score"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no component {id} in {m}"));
    num(&c["points"], 2)
}

fn rules(m: &Value) -> Vec<&str> {
    m["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

/// Decision and proposed tier (`None`: terminated).
fn outcome(m: &Value) -> (&str, Option<&str>) {
    (m["decision"].as_str().unwrap(), m["proposed_tier"].as_str())
}

fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    wb.sheet_names()
}

fn rows(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

// ------------------------------------------------------------- Policy A ---

/// Scores: deposit growth 40 ± 2 per whole point (caps +20/−40; juniors ± 2
/// per whole 10,000 against 1,000,000 new), NPL bands 30/20/10/0,
/// collection 20 ± 2 per whole 0.1 point (caps +10/−20), basic accounts
/// 10 × min(n ÷ target, 1) with targets senior 10, mid 7, junior 5.
#[test]
fn year_a_decisions_and_scores() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);

    // S01 senior, base 9,000,000: Jan–Aug 12,000,000 (243 days), Sep–Oct
    // 8,000,000 (61), Nov–Dec 13,000,000 (61): (2,916,000,000 + 488,000,000
    // + 793,000,000) ÷ 365 = 4,197,000,000 ÷ 365 = 11,498,630.14.
    let s = r.manager("S01");
    assert_eq!(metric(s, "deposit_daily_average"), dec("11498630.14"));
    // growth 2,498,630.14 ÷ 9,000,000 = 27.76%: −2.24 → −2 whole steps → 36.
    assert_eq!(num(&s["metrics"]["deposit_growth"], 4), dec("0.2776"));
    assert_eq!(points(s, "deposit_growth"), dec("36"));
    // NPL 100,000 次级 ÷ 10,100,000 = 0.99% < 1% → 20.
    assert_eq!(points(s, "npl"), dec("20"));
    // 12 × 49,750 ÷ 12 × 50,000 = 597,000 ÷ 600,000 = 99.5% → 20.
    assert_eq!(metric(s, "interest_received"), dec("597000"));
    assert_eq!(metric(s, "interest_due"), dec("600000"));
    assert_eq!(points(s, "collection"), dec("20"));
    // One basic account a month Jan–Sep = 9 (December's 一般户 is not one):
    // 10 × 9 ÷ 10 = 9.
    assert_eq!(metric(s, "new_basic_accounts"), dec("9"));
    assert_eq!(points(s, "basic_accounts"), dec("9"));
    // 36 + 20 + 20 + 9 = 85: not under 85. Sep–Oct at 8,000,000 ÷ 9,000,000
    // = 88.9% of base is only two months running; violations 10 + 4.5 =
    // 14.5 < 15.
    assert_eq!(total(s), dec("85"));
    assert_eq!(metric(s, "incident_points"), dec("14.5"));
    assert_eq!(outcome(s), ("keep", Some("senior")));
    assert!(rules(s).is_empty(), "{s}");

    // M01 mid, base 5,000,000, 6,000,000 all year: growth 20% → −10 steps
    // → −20 → 20; NPL 0 → 30; 12 × 14,970 ÷ 12 × 15,000 = 99.8% → +3 steps
    // → 26; 5 accounts of 7 → 10 × 5 ÷ 7 = 7.142857…; total 83.142857 < 85.
    let m = r.manager("M01");
    assert_eq!(metric(m, "deposit_growth"), dec("0.2"));
    assert_eq!(points(m, "deposit_growth"), dec("20"));
    assert_eq!(points(m, "npl"), dec("30"));
    assert_eq!(num(&m["metrics"]["collection_rate"], 4), dec("0.998"));
    assert_eq!(points(m, "collection"), dec("26"));
    assert_eq!(points(m, "basic_accounts"), dec("7.14"));
    assert_eq!(total(m), dec("83.14"));
    // A mid demoted goes one rung down the RM ladder: junior.
    assert_eq!(outcome(m), ("demote", Some("junior")));
    assert_eq!(rules(m), vec!["A-14-2-score-85"]);

    // J01 junior, base 2,000,000, 2,850,000 all year: new 850,000 →
    // (850,000 − 1,000,000) ÷ 10,000 = −15 steps → −30 → 10; NPL 0 → 30;
    // 23,880 ÷ 24,000 = 99.5% → 20; 2 of 5 accounts → 4: 64 < 70.
    let j = r.manager("J01");
    assert_eq!(metric(j, "deposit_new"), dec("850000"));
    assert_eq!(points(j, "deposit_growth"), dec("10"));
    assert_eq!(points(j, "collection"), dec("20"));
    assert_eq!(points(j, "basic_accounts"), dec("4"));
    assert_eq!(total(j), dec("64"));
    assert_eq!(outcome(j), ("terminate", None));
    assert_eq!(rules(j), vec!["A-14-2-score-85", "A-14-2-score-70"]);

    // D01 mid, base 5,000,000: 7,500,000 for 273 days, 4,400,000 Mar–May
    // (92 days): (2,047,500,000 + 404,800,000) ÷ 365 = 6,718,630.14;
    // growth 34.37% → +4 steps → 48; NPL 30; 100% → +5 steps → 30; 7 of 7
    // → 10; total 118. But 4,400,000 ÷ 5,000,000 = 88% < 90% in March,
    // April and May: three months running → demoted.
    let d = r.manager("D01");
    assert_eq!(metric(d, "deposit_daily_average"), dec("6718630.14"));
    assert_eq!(points(d, "deposit_growth"), dec("48"));
    assert_eq!(total(d), dec("118"));
    assert_eq!(outcome(d), ("demote", Some("junior")));
    assert_eq!(rules(d), vec!["A-14-2-below-base"]);

    // C01 mid, base 5,000,000, 7,000,000: growth 40% → +10 steps → +20 →
    // 60; NPL 30; interest 11 × 20,000 + 17,000 = 237,000 of 12 × 20,000 =
    // 240,000 = 98.75% → −7.5 → −7 steps → 6; 7 of 7 → 10: 106. The score
    // is fine, the collection rate under 99% demotes.
    let c = r.manager("C01");
    assert_eq!(metric(c, "interest_received"), dec("237000"));
    assert_eq!(num(&c["metrics"]["collection_rate"], 4), dec("0.9875"));
    assert_eq!(points(c, "deposit_growth"), dec("60"));
    assert_eq!(points(c, "collection"), dec("6"));
    assert_eq!(total(c), dec("106"));
    assert_eq!(outcome(c), ("demote", Some("junior")));
    assert_eq!(rules(c), vec!["A-14-2-collection"]);

    // V01 senior, base 8,000,000, 10,400,000: growth 30% → 40; NPL 30;
    // 100% → 30; 10 of 10 → 10: 110. Violations 8 (March) + 7 (September)
    // = 15 ≥ 15 → terminated.
    let v = r.manager("V01");
    assert_eq!(total(v), dec("110"));
    assert_eq!(metric(v, "incident_points"), dec("15"));
    assert_eq!(metric(v, "incident_loss"), dec("1500"));
    assert_eq!(outcome(v), ("terminate", None));
    assert_eq!(rules(v), vec!["A-14-3-violations"]);

    // AG01 agent hired 2026-07-01, 16,000,000 Jul–Dec, absent Jan–Jun.
    // Policy A averages over the months an RM appears in (`average_over =
    // "months_present"`): 16,000,000 × 184 ÷ 184 = 16,000,000; whole months
    // served 2026-07-01 through 2026-12-31 = 6 ≤ 6 → promoted to junior.
    // Agents are not scored.
    let a1 = r.manager("AG01");
    assert_eq!(metric(a1, "deposit_daily_average"), dec("16000000"));
    assert_eq!(metric(a1, "months_in_service"), dec("6"));
    assert!(a1["score"].is_null(), "{a1}");
    assert_eq!(outcome(a1), ("promote", Some("junior")));
    assert_eq!(rules(a1), vec!["A-21-agent-promotion"]);

    // AG02, the same hiring with 8,000,000 Jul–Dec: 8,000,000 × 184 ÷ 184
    // = 8,000,000 ≥ 8,000,000 within the first half-year → promoted too
    // (exactly at the threshold).
    let a2 = r.manager("AG02");
    assert_eq!(metric(a2, "deposit_daily_average"), dec("8000000"));
    assert_eq!(outcome(a2), ("promote", Some("junior")));
}

/// The trace's words for an RM present in some months only (Policy A,
/// `average_over = "months_present"`): AG01, hired 2026-07-01, has six
/// months of 16,000,000 on the trace, 16,000,000 × (31 + 31 + 30 + 31 +
/// 30 + 31) = 16,000,000 × 184 = 2,944,000,000, and the figure 16,000,000
/// = 2,944,000,000 ÷ 184. The formula said `÷ 365 days` (the period's days),
/// which gives 8,065,753.42, not the figure beside it (found by the fifth
/// independent test). Its Chinese words say the same 184 days.
#[test]
fn a_figure_over_the_months_present_is_divided_by_their_days_on_the_trace() {
    for (lang, sheet, days) in [
        ("en", "Trace", "÷ 184 days"),
        ("zh", "计算过程", "÷ 184 天"),
    ] {
        let r = review(POLICY_A, &ledgers_a(&YEAR), &["--lang", lang]);
        let rows = rows(&r.out().join("review-2026.xlsx"), sheet);
        let at = rows
            .iter()
            .position(|row| text(&row[0]) == "AG01" && !text(&row[4]).is_empty())
            .expect("AG01's deposit step");
        let formula = text(&rows[at][4]);
        assert!(formula.ends_with(days), "{lang}: {formula}");
        // Recompute from the step's own inputs: Σ (average × days) ÷ days.
        let mut sum = Decimal::ZERO;
        for row in rows[at..].iter().take_while(|row| {
            text(&row[0]) == "AG01" && (row[1] == Data::Empty || std::ptr::eq(*row, &rows[at]))
        }) {
            let (avg, n) = text(&row[6])
                .split_once(" × ")
                .map(|(a, n)| (dec(a), dec(n)))
                .unwrap();
            sum += avg * n;
        }
        assert_eq!(sum, dec("2944000000"), "{lang}");
        assert_eq!(
            sum / dec("184"),
            metric(r.manager("AG01"), "deposit_daily_average")
        );
    }
}

/// The branch head is assessed on 城北支行: BH01 + C01 + V01.
#[test]
fn year_a_branch_head_on_the_branch() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    let h = r.manager("BH01");
    // Deposits 8,000,000 (own client) + 7,000,000 + 10,400,000 = 25,400,000
    // against the branch's base, its members' (`branch_base = "members"`):
    // 6,000,000 (BH01's own) + 5,000,000 + 8,000,000 = 19,000,000, all
    // present the whole year: growth 6,400,000 ÷ 19,000,000 = 33.68% → +3
    // steps → 46 (against the head's own row alone, 6,000,000: 19,400,000
    // ÷ 6,000,000 = 323.33%).
    assert_eq!(metric(h, "deposit_base"), dec("19000000"));
    assert_eq!(metric(h, "deposit_daily_average"), dec("25400000"));
    assert_eq!(num(&h["metrics"]["deposit_growth"], 4), dec("0.3368"));
    assert_eq!(points(h, "deposit_growth"), dec("46"));
    // Loans 4,000,000 + 6,000,000, none non-performing → 30.
    assert_eq!(metric(h, "loan_balance"), dec("10000000"));
    assert_eq!(points(h, "npl"), dec("30"));
    // Interest (237,000 + 360,000) ÷ (240,000 + 360,000) = 99.5% → 20.
    assert_eq!(metric(h, "interest_due"), dec("600000"));
    assert_eq!(metric(h, "interest_received"), dec("597000"));
    assert_eq!(points(h, "collection"), dec("20"));
    // Fees: C01's client, 1,000 a month = 12,000, against last year's
    // 10,000 (the members' rows of 上年基数: C01's; BH01 and V01 have
    // neither fees nor a row, 0): +20% = the target → 10.
    assert_eq!(metric(h, "fee_income"), dec("12000"));
    assert_eq!(metric(h, "fee_income_prior"), dec("10000"));
    assert_eq!(num(&h["metrics"]["fee_growth"], 4), dec("0.2"));
    assert_eq!(points(h, "fee_growth"), dec("10"));
    // 46 + 30 + 20 + 10 = 106 ≥ 90; growth ≥ 27%, collection ≥ 89.55%,
    // NPL ≤ 10%: kept.
    assert_eq!(total(h), dec("106"));
    assert_eq!(outcome(h), ("keep", Some("branch_head")));
}

/// A branch head's deposit figures are all the branch's: its stock and
/// increment split the branch's daily average at the base, as the new
/// deposits do. They were the head's own month's (8,000,000 of own
/// clients: stock 8,000,000, increment 0) beside the branch's daily
/// average of 25,400,000, so the review's figures and trace said
/// 25,400,000 = 8,000,000 + 0 against a base of 19,000,000.
#[test]
fn a_branch_head_s_stock_and_increment_are_the_branch_s() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    let h = r.manager("BH01");
    // 25,400,000 against the base 19,000,000: stock min(25,400,000,
    // 19,000,000) = 19,000,000; increment 25,400,000 − 19,000,000 =
    // 6,400,000 = deposit_new.
    assert_eq!(metric(h, "deposit_daily_average"), dec("25400000"));
    assert_eq!(metric(h, "deposit_stock"), dec("19000000"));
    assert_eq!(metric(h, "deposit_increment"), dec("6400000"));
    assert_eq!(metric(h, "deposit_new"), dec("6400000"));
}

// ------------------------------------------ a branch's bases (A) ---

/// A small Policy A branch, 城东支行, in monthly averages
/// (`存款月日均`), constant through the year: head H1 (own client
/// 10,000,000, no fees), mid R1 (base 5,000,000, client 8,000,000, 1,000
/// of fees a month) and mid R3 (base 4,000,000) who joins in July (client
/// 6,000,000 and 500 of fees a month from July). `head_base` is H1's own
/// 基数存款; `prior` the `上年基数` rows (RM, last year's fee income).
fn small_branch(dir: &Path, head_base: f64, prior: &[(&'static str, f64)]) -> Vec<String> {
    branch_months(dir, head_base, prior, false)
}

/// [`small_branch`], with a second head of the same branch (`H2`, base
/// 1,000,000, one client of 2,000,000, no fees) when `second_head`.
fn branch_months(
    dir: &Path,
    head_base: f64,
    prior: &[(&'static str, f64)],
    second_head: bool,
) -> Vec<String> {
    use super::review_rules::sheet::V::*;
    (1..=12u32)
        .map(|m| {
            let r3 = m >= 7;
            let mut managers = vec![
                vec![
                    S("H1"),
                    S("周长"),
                    S("支行行长"),
                    S("支行行长"),
                    S("城东支行"),
                    D(2010, 1, 1),
                    N(head_base),
                ],
                vec![
                    S("R1"),
                    S("李中"),
                    S("中级"),
                    S("客户经理"),
                    S("城东支行"),
                    D(2018, 1, 1),
                    N(5_000_000.0),
                ],
            ];
            let mut clients = vec![
                vec![S("CH1"), S("东门物流"), S("H1")],
                vec![S("CR1"), S("东湖机电"), S("R1")],
            ];
            let mut averages = vec![
                vec![S("CH1"), N(10_000_000.0)],
                vec![S("CR1"), N(8_000_000.0)],
            ];
            let mut fees = vec![vec![S("CR1"), N(1_000.0)]];
            if second_head {
                managers.push(vec![
                    S("H2"),
                    S("吴副"),
                    S("支行行长"),
                    S("支行行长"),
                    S("城东支行"),
                    D(2012, 1, 1),
                    N(1_000_000.0),
                ]);
                clients.push(vec![S("CH2"), S("东郊粮油"), S("H2")]);
                averages.push(vec![S("CH2"), N(2_000_000.0)]);
            }
            if r3 {
                managers.push(vec![
                    S("R3"),
                    S("陈新"),
                    S("中级"),
                    S("客户经理"),
                    S("城东支行"),
                    D(2026, 7, 1),
                    N(4_000_000.0),
                ]);
                clients.push(vec![S("CR3"), S("东岸商贸"), S("R3")]);
                averages.push(vec![S("CR3"), N(6_000_000.0)]);
                fees.push(vec![S("CR3"), N(500.0)]);
            }
            let baseline = prior
                .iter()
                .map(|(rm, fee)| vec![E, E, S(rm), E, N(*fee)])
                .collect();
            let sheets: Vec<super::review_rules::Sheet> = vec![
                (
                    "客户经理",
                    vec![
                        "客户经理编号",
                        "姓名",
                        "等级",
                        "岗位",
                        "机构",
                        "营销起始日期",
                        "基数存款",
                    ],
                    managers,
                ),
                (
                    "管户关系",
                    vec!["客户编号", "客户名称", "客户经理编号"],
                    clients,
                ),
                ("存款月日均", vec!["客户编号", "月日均余额(元)"], averages),
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
                    vec![vec![
                        S("LR1"),
                        S("CR1"),
                        S("R1"),
                        N(1_000_000.0),
                        S("正常"),
                        N(5_000.0),
                        N(5_000.0),
                    ]],
                ),
                ("中间业务收入", vec!["客户编号", "金额"], fees),
                (
                    "上年基数",
                    vec![
                        "客户编号",
                        "上年存款日均",
                        "客户经理编号",
                        "上年正常贷款占比",
                        "上年中间业务收入",
                    ],
                    baseline,
                ),
            ];
            super::review_rules::write_month(dir, &format!("2026-{m:02}"), sheets)
        })
        .collect()
}

/// The review's trace sheet (计算过程) as (cell, text) pairs in order.
fn trace_cells(book: &Path) -> Vec<String> {
    rows(book, "计算过程")
        .iter()
        .flat_map(|r| r.iter().map(text))
        .collect()
}

/// Policy A (`branch_base = "members"`): the branch's base deposit is its
/// members', day-weighted as its daily average is, and last year's fee
/// income the members' rows. It was the head's own row: H1's personal
/// base of 6,000,000 made the branch's growth 250.41%, and the branch's
/// last year's fees H1's (none: a missing figure).
#[test]
fn a_branch_s_bases_are_its_members() {
    let d = tempfile::tempdir().unwrap();
    let ledgers = small_branch(d.path(), 6_000_000.0, &[("R1", 8_000.0), ("R3", 2_000.0)]);
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        POLICY_A.into(),
        "--ledgers".into(),
    ];
    args.extend(ledgers);
    let r = review_args(d, args);
    let h = r.manager("H1");
    // Deposits: 10,000,000 × 365 + 8,000,000 × 365 + 6,000,000 × 184 =
    // 3,650,000,000 + 2,920,000,000 + 1,104,000,000 = 7,674,000,000 ÷ 365
    // = 21,024,657.53.
    assert_eq!(metric(h, "deposit_daily_average"), dec("21024657.53"));
    // Base: 6,000,000 × 365 + 5,000,000 × 365 + 4,000,000 × 184 =
    // 2,190,000,000 + 1,825,000,000 + 736,000,000 = 4,751,000,000 ÷ 365 =
    // 13,016,438.36 (R3's base for his 184 days, as his balances).
    assert_eq!(metric(h, "deposit_base"), dec("13016438.36"));
    // New: (7,674,000,000 − 4,751,000,000) ÷ 365 = 2,923,000,000 ÷ 365 =
    // 8,008,219.18; growth 2,923,000,000 ÷ 4,751,000,000 = 61.52%;
    // stock the base, increment the new deposits.
    assert_eq!(metric(h, "deposit_new"), dec("8008219.18"));
    assert_eq!(num(&h["metrics"]["deposit_growth"], 4), dec("0.6152"));
    assert_eq!(metric(h, "deposit_stock"), dec("13016438.36"));
    assert_eq!(metric(h, "deposit_increment"), dec("8008219.18"));
    // Fees: R1 12 × 1,000 + R3 6 × 500 = 15,000; last year R1 8,000 + R3
    // 2,000 + H1 none (and no fees: 0) = 10,000; growth 50%.
    assert_eq!(metric(h, "fee_income"), dec("15000"));
    assert_eq!(metric(h, "fee_income_prior"), dec("10000"));
    assert_eq!(num(&h["metrics"]["fee_growth"], 4), dec("0.5"));
    // The trace gives each member's base and days, and each one's fees of
    // last year, so the figures can be recomputed.
    let t = trace_cells(&r.out().join("review-2026.xlsx"));
    let after = |label: &str| {
        let at = t
            .iter()
            .position(|c| c == label)
            .unwrap_or_else(|| panic!("no `{label}` in the trace:\n{t:?}"));
        t[at + 1].clone()
    };
    assert!(
        t.iter().any(
            |c| c == "Σ（基数存款 × 天数），支行 `城东支行` (3 人) ÷ 365 天 = 4751000000 ÷ 365"
        ),
        "{t:?}"
    );
    assert_eq!(after("H1 基数存款 × 天数"), "6000000 × 365");
    assert_eq!(after("R1 基数存款 × 天数"), "5000000 × 365");
    assert_eq!(after("R3 基数存款 × 天数"), "4000000 × 184");
    assert!(
        t.iter()
            .any(|c| c == "Σ 成员上年中间业务收入，支行 `城东支行` (3 人)"),
        "{t:?}"
    );
}

/// Two heads of one branch are each assessed on the branch's members'
/// own figures: the second head's totals never include the first head's
/// already replaced by the branch's (its fees counted twice, 30,000, and
/// last year's 20,000, before the fix).
#[test]
fn two_heads_of_one_branch_see_the_same_branch() {
    let d = tempfile::tempdir().unwrap();
    let ledgers = branch_months(
        d.path(),
        6_000_000.0,
        &[("R1", 8_000.0), ("R3", 2_000.0)],
        true,
    );
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        POLICY_A.into(),
        "--ledgers".into(),
    ];
    args.extend(ledgers);
    let r = review_args(d, args);
    for id in ["H1", "H2"] {
        let h = r.manager(id);
        // Deposits: 7,674,000,000 (see a_branch_s_bases_are_its_members)
        // + H2's 2,000,000 × 365 = 730,000,000: 8,404,000,000 ÷ 365 =
        // 23,024,657.53.
        assert_eq!(
            metric(h, "deposit_daily_average"),
            dec("23024657.53"),
            "{id}"
        );
        // Base: 4,751,000,000 + 1,000,000 × 365 = 5,116,000,000 ÷ 365 =
        // 14,016,438.36.
        assert_eq!(metric(h, "deposit_base"), dec("14016438.36"), "{id}");
        // Fees: R1 12,000 + R3 3,000 = 15,000 (the heads have none); last
        // year R1 8,000 + R3 2,000 = 10,000; growth 50%.
        assert_eq!(metric(h, "fee_income"), dec("15000"), "{id}");
        assert_eq!(metric(h, "fee_income_prior"), dec("10000"), "{id}");
        assert_eq!(num(&h["metrics"]["fee_growth"], 4), dec("0.5"), "{id}");
        // Interest: R1's loan, 12 × 5,000 due and received.
        assert_eq!(metric(h, "interest_due"), dec("60000"), "{id}");
    }
}

/// An RM who moves branch mid-year counts in each branch for the months
/// spent in it (the `managers` sheet's 机构 of each month): R1 is in 城东
/// January–June (181 days) and 城西 July–December (184 days). Before the
/// fix, R1's whole year went to the branch of the last month: 城东's head
/// was assessed on 10,000,000 (H1's client alone) and 城西's on 12,000,000.
#[test]
fn a_transferred_rm_counts_in_each_branch_for_the_months_in_it() {
    use super::review_rules::sheet::V::*;
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12u32)
        .map(|m| {
            let r1_branch = if m <= 6 {
                "城东支行"
            } else {
                "城西支行"
            };
            // R1's loan: 5,000 of interest due a month; received in full
            // in 城东, 4,000 a month in 城西.
            let received = if m <= 6 { 5_000.0 } else { 4_000.0 };
            let sheets: Vec<super::review_rules::Sheet> = vec![
                (
                    "客户经理",
                    vec!["客户经理编号", "姓名", "等级", "岗位", "机构", "基数存款"],
                    vec![
                        vec![
                            S("H1"),
                            S("周东"),
                            S("支行行长"),
                            S("支行行长"),
                            S("城东支行"),
                            N(8_000_000.0),
                        ],
                        vec![
                            S("H2"),
                            S("吴西"),
                            S("支行行长"),
                            S("支行行长"),
                            S("城西支行"),
                            N(3_000_000.0),
                        ],
                        vec![
                            S("R1"),
                            S("孙调"),
                            S("中级"),
                            S("客户经理"),
                            S(r1_branch),
                            N(5_000_000.0),
                        ],
                    ],
                ),
                (
                    "管户关系",
                    vec!["客户编号", "客户经理编号"],
                    vec![
                        vec![S("CH1"), S("H1")],
                        vec![S("CH2"), S("H2")],
                        vec![S("CR1"), S("R1")],
                    ],
                ),
                (
                    "存款月日均",
                    vec!["客户编号", "月日均余额"],
                    vec![
                        vec![S("CH1"), N(10_000_000.0)],
                        vec![S("CH2"), N(4_000_000.0)],
                        vec![S("CR1"), N(8_000_000.0)],
                    ],
                ),
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
                    vec![vec![
                        S("LR1"),
                        S("CR1"),
                        S("R1"),
                        N(1_000_000.0),
                        S("正常"),
                        N(5_000.0),
                        N(received),
                    ]],
                ),
                (
                    "上年基数",
                    vec!["客户经理编号", "上年正常贷款占比", "上年中间业务收入"],
                    vec![
                        vec![S("H1"), N(1.0), N(1_000.0)],
                        vec![S("H2"), N(1.0), N(1_000.0)],
                        vec![S("R1"), N(1.0), N(1_000.0)],
                    ],
                ),
            ];
            super::review_rules::write_month(d.path(), &format!("2026-{m:02}"), sheets)
        })
        .collect();
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        POLICY_A.into(),
        "--ledgers".into(),
    ];
    args.extend(ledgers);
    let r = review_args(d, args);
    let east = r.manager("H1");
    // 城东: 10,000,000 × 365 + 8,000,000 × 181 = 3,650,000,000 +
    // 1,448,000,000 = 5,098,000,000 ÷ 365 = 13,967,123.29.
    assert_eq!(metric(east, "deposit_daily_average"), dec("13967123.29"));
    // Base: 8,000,000 × 365 + 5,000,000 × 181 = 2,920,000,000 +
    // 905,000,000 = 3,825,000,000 ÷ 365 = 10,479,452.05.
    assert_eq!(metric(east, "deposit_base"), dec("10479452.05"));
    // Interest: January–June, 6 × 5,000 due and received.
    assert_eq!(metric(east, "interest_due"), dec("30000"));
    assert_eq!(metric(east, "interest_received"), dec("30000"));
    // No loan of 城东's at the year's end: R1's is 城西's.
    assert_eq!(metric(east, "loan_balance"), dec("0"));
    let west = r.manager("H2");
    // 城西: 4,000,000 × 365 + 8,000,000 × 184 = 1,460,000,000 +
    // 1,472,000,000 = 2,932,000,000 ÷ 365 = 8,032,876.71.
    assert_eq!(metric(west, "deposit_daily_average"), dec("8032876.71"));
    // Base: 3,000,000 × 365 + 5,000,000 × 184 = 1,095,000,000 +
    // 920,000,000 = 2,015,000,000 ÷ 365 = 5,520,547.95.
    assert_eq!(metric(west, "deposit_base"), dec("5520547.95"));
    // Interest: July–December, 6 × 5,000 = 30,000 due, 6 × 4,000 =
    // 24,000 received: 80.00%.
    assert_eq!(metric(west, "interest_due"), dec("30000"));
    assert_eq!(metric(west, "interest_received"), dec("24000"));
    assert_eq!(metric(west, "collection_rate"), dec("0.80"));
    assert_eq!(metric(west, "loan_balance"), dec("1000000"));
    // R1's own figures are the whole year's, wherever R1 was.
    assert_eq!(
        metric(r.manager("R1"), "deposit_daily_average"),
        dec("8000000")
    );
}

/// A quarter's review reads the year's targets of flows over its three
/// months (`review.quarter_targets = "pro_rated"`, the default): Policy
/// A's new corporate basic accounts (art. 13: a year's 7 for a mid RM) and
/// last year's fee income given as a year's figure in 上年基数. Before,
/// the third quarter's two accounts were held to the year's 7 (2.86
/// points) and its fees to the whole of last year's (−70%: the head's fee
/// item 0), so a quarter's review demoted or terminated RMs on targets of
/// a year.
#[test]
fn a_quarter_reads_the_year_s_flow_targets_over_its_months() {
    use super::review_rules::sheet::V::*;
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (7..=9u32)
        .map(|m| {
            let accounts = if m == 8 {
                vec![
                    vec![S("N1"), S("CM1"), S("M1"), S("对公基本户"), D(2026, 8, 3)],
                    vec![S("N2"), S("CM1"), S("M1"), S("对公基本户"), D(2026, 8, 17)],
                ]
            } else {
                Vec::new()
            };
            let sheets: Vec<super::review_rules::Sheet> = vec![
                (
                    "客户经理",
                    vec!["客户经理编号", "姓名", "等级", "岗位", "机构", "基数存款"],
                    vec![
                        vec![
                            S("H1"),
                            S("周东"),
                            S("支行行长"),
                            S("支行行长"),
                            S("城东支行"),
                            N(8_000_000.0),
                        ],
                        vec![
                            S("M1"),
                            S("李中"),
                            S("中级"),
                            S("客户经理"),
                            S("城东支行"),
                            N(5_000_000.0),
                        ],
                    ],
                ),
                (
                    "管户关系",
                    vec!["客户编号", "客户经理编号"],
                    vec![vec![S("CH1"), S("H1")], vec![S("CM1"), S("M1")]],
                ),
                (
                    "存款月日均",
                    vec!["客户编号", "月日均余额"],
                    vec![
                        vec![S("CH1"), N(4_000_000.0)],
                        vec![S("CM1"), N(6_500_000.0)],
                    ],
                ),
                (
                    "中间业务收入",
                    vec!["客户经理编号", "金额"],
                    vec![vec![S("H1"), N(600.0)], vec![S("M1"), N(600.0)]],
                ),
                (
                    "新开户",
                    vec!["账号", "客户编号", "客户经理编号", "账户类型", "开户日期"],
                    accounts,
                ),
                (
                    "上年基数",
                    vec!["客户经理编号", "上年正常贷款占比", "上年中间业务收入"],
                    vec![
                        vec![S("H1"), N(1.0), N(6_000.0)],
                        vec![S("M1"), N(1.0), N(6_000.0)],
                    ],
                ),
            ];
            super::review_rules::write_month(d.path(), &format!("2026-{m:02}"), sheets)
        })
        .collect();
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        POLICY_A.into(),
        "--quarter".into(),
        "3".into(),
        "--ledgers".into(),
    ];
    args.extend(ledgers);
    let r = review_args(d, args);
    let m1 = r.manager("M1");
    // Accounts: 2 against the year's 7 × 3 ÷ 12 = 1.75: 10 × min(2 ÷
    // 1.75, 1) = 10 points (the year's 7 gave 10 × 2 ÷ 7 = 2.86).
    assert_eq!(points(m1, "basic_accounts"), dec("10"));
    // Last year's fees: 6,000 × 3 ÷ 12 = 1,500 against the quarter's 3 ×
    // 600 = 1,800.
    assert_eq!(metric(m1, "fee_income_prior"), dec("1500"));
    assert_eq!(metric(m1, "fee_income"), dec("1800"));
    let h1 = r.manager("H1");
    // The branch: fees 1,800 + 1,800 = 3,600 against (6,000 + 6,000) × 3 ÷
    // 12 = 3,000: growth 600 ÷ 3,000 = 20%, the target: 10 points (against
    // the year's 12,000 it was −70%: 10 − 10 (cap) = 0).
    assert_eq!(metric(h1, "fee_income_prior"), dec("3000"));
    assert_eq!(num(&h1["metrics"]["fee_growth"], 4), dec("0.2"));
    assert_eq!(points(h1, "fee_growth"), dec("10"));
    // The trace says where 1,500 comes from.
    let t = trace_cells(&r.out().join("review-2026-Q3.xlsx"));
    assert!(
        t.iter()
            .any(|c| c == "上年中间业务收入（上年基数表，全年）× 3 ÷ 12"),
        "{t:?}"
    );
}

/// `branch_base = "head_row"`: the head's row carries the branch's bases,
/// whatever the members' rows say. The same branch with H1's row at
/// 13,000,000 and last year's 10,000 on it.
#[test]
fn a_head_row_carries_the_branch_s_bases() {
    let d = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let text = shipped.replace("branch_base = \"members\"", "branch_base = \"head_row\"");
    assert_ne!(text, shipped);
    let policy = d.path().join("a.toml");
    std::fs::write(&policy, text).unwrap();
    let ledgers = small_branch(d.path(), 13_000_000.0, &[("H1", 10_000.0)]);
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        policy.display().to_string(),
        "--ledgers".into(),
    ];
    args.extend(ledgers.iter().cloned());
    let r = review_args(tempfile::tempdir().unwrap(), args);
    let h = r.manager("H1");
    // Deposits 21,024,657.53 (see above) against H1's row, 13,000,000:
    // new 8,024,657.53, growth 8,024,657.53 ÷ 13,000,000 = 61.73%.
    assert_eq!(metric(h, "deposit_base"), dec("13000000"));
    assert_eq!(metric(h, "deposit_new"), dec("8024657.53"));
    assert_eq!(num(&h["metrics"]["deposit_growth"], 4), dec("0.6173"));
    // Fees 15,000 against H1's row, 10,000: 50%.
    assert_eq!(metric(h, "fee_income_prior"), dec("10000"));
    assert_eq!(num(&h["metrics"]["fee_growth"], 4), dec("0.5"));

    // The same ledgers under "members" (the shipped policy): R1 and R3
    // have fees this year and no row for last year's, so the branch has
    // no figure: an error naming them, nothing written.
    let out = d.path().join("out-members");
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        POLICY_A.into(),
        "--ledgers".into(),
    ];
    args.extend(ledgers);
    args.extend(["--year", "2026", "--lang", "en", "--out"].map(String::from));
    args.push(out.display().to_string());
    let o = run(&args);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("rmpay: error[missing-figure]: H1: no figure for `fee_growth` (last year's fee income is missing for R1, R3, with fee income this period:"),
        "{}",
        o.stderr
    );
    assert!(!out.exists());
}

/// A branch head is assessed on the branch (`review.branch_heads_on_branch`).
/// One whose 机构 is empty has no branch: BH01 was then scored on its own
/// clients (8,000,000 against a base of 19,000,000: −57.9%) without a word,
/// where the branch gives 25,400,000. Now it is `missing-figure`, naming
/// the head and the column, exit 1, and nothing is written.
#[test]
fn a_branch_head_without_a_branch_is_an_error_not_its_own_figures() {
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec![
        "review".into(),
        "--policy".into(),
        POLICY_A.into(),
        "--quarter".into(),
        "4".into(),
        "--ledgers".into(),
    ];
    for p in months(&[10, 11, 12]) {
        // BH01 is row 8 of 客户经理; its 机构 (E8) emptied.
        let bytes = super::error_catalogue::xlsx_edit(
            &format!("fixtures/year-a/{p}.xlsx"),
            &[(
                "xl/worksheets/sheet1.xml",
                r#"<c r="E8" t="s"><v>26</v></c>"#,
                "",
            )],
        );
        let path = dir.path().join(format!("{p}.xlsx"));
        std::fs::write(&path, bytes).unwrap();
        args.push(path.display().to_string());
    }
    let out = dir.path().join("out");
    args.extend([
        "--year".into(),
        "2026".into(),
        "--out".into(),
        out.display().to_string(),
        "--lang".into(),
        "en".into(),
    ]);
    let o = run(&args);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "rmpay: error[missing-figure]: BH01: a branch head is assessed on the branch (`review.branch_heads_on_branch`), and `branch` (机构) is empty in the `managers` sheet; give the head's branch\n"
        ),
        "{}",
        o.stderr
    );
    assert!(!out.exists());
}

/// L01 left on 2026-03-31 (离岗 from the April ledger): not reviewed.
#[test]
fn year_a_left_rm_is_not_reviewed() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    assert!(!r.has("L01"), "{}", r.manager("L01"));
    // 9 RMs reviewed: S01 M01 J01 D01 C01 V01 BH01 AG01 AG02.
    assert_eq!(r.json["managers"].as_array().unwrap().len(), 9);
}

#[test]
pub(super) fn missing_months_are_an_error_naming_them() {
    // Every month but June and November.
    let ledgers = ledgers_a(&[1, 2, 3, 4, 5, 7, 8, 9, 10, 12]);
    let mut args = vec!["review", "--policy", POLICY_A, "--ledgers"];
    args.extend(ledgers.iter().map(String::as_str));
    args.extend(["--year", "2026", "--out", "$TMP/out"]);
    let o = Test::new()
        .args(args)
        .stderr("
            rmpay: error[missing-months]: the review of 2026 needs every month; missing: 2026-06, 2026-11 (give their ledgers, or --partial for a partial review)
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(!o.path("out").exists());
}

#[test]
fn partial_review_marks_every_sheet() {
    let r = review(POLICY_A, &ledgers_a(&[1, 2, 3, 4, 5, 6]), &["--partial"]);
    let names = sheet_names(&r.out().join("review-2026.xlsx"));
    assert_eq!(
        names,
        vec![
            "考核汇总（部分期间）",
            "得分明细（部分期间）",
            "等级分布（部分期间）",
            "计算过程（部分期间）",
            "运行信息（部分期间）",
        ]
    );
    assert_eq!(r.json["partial"], true);
    assert_eq!(
        r.json["missing_months"],
        serde_json::json!([
            "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"
        ])
    );
    assert_eq!(
        r.stderr
            .replace(&r.dir.path().display().to_string(), "$DIR"),
        "rmpay: review 2026 (partial): 7 RMs; promote 0, keep 4, demote 2, terminate 1\n\
         rmpay: wrote $DIR/out/review-2026.xlsx\n\
         rmpay: wrote $DIR/review.json\n"
    );
    // Over the months given (181 days) S01 held 12,000,000 every day.
    assert_eq!(
        metric(r.manager("S01"), "deposit_daily_average"),
        dec("12000000")
    );
    // The agents appear from July: not in a January–June review.
    assert!(!r.has("AG01"));
    // Every RM reviewed was in post all six months given: none is marked
    // as covering part of the period. L01, who left on 2026-03-31, is
    // listed after them, not assessed, with the months served.
    let reasons = summary_reasons(&r.out().join("review-2026.xlsx"), "考核汇总（部分期间）");
    let (left, part): (Vec<_>, Vec<_>) = reasons
        .iter()
        .filter(|(_, w)| w.contains("在岗"))
        .partition(|(id, _)| id == "L01");
    assert!(part.is_empty(), "{part:?}");
    assert_eq!(
        left[0].1,
        "考核期内离岗（2026-03-31）：在岗 3 个月（2026-01…2026-03），考核期共 12 个月；未满考核期，不参加考核（其业绩仍计入所在机构）"
    );
}

#[test]
fn english_sheet_names() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &["--lang", "en"]);
    assert_eq!(
        sheet_names(&r.out().join("review-2026.xlsx")),
        vec![
            "Summary",
            "Score breakdown",
            "Tier distribution",
            "Trace",
            "Run manifest"
        ]
    );
    let r = review(POLICY_B, &ledgers_b(&YEAR), &["--lang", "en"]);
    assert_eq!(
        sheet_names(&r.out().join("review-2026.xlsx")),
        vec![
            "Summary",
            "Grade criteria",
            "Tier distribution",
            "Trace",
            "Run manifest"
        ]
    );
}

#[test]
fn json_has_the_documented_fields() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    assert_eq!(r.json["period"], "2026");
    assert_eq!(r.json["partial"], false);
    for m in r.json["managers"].as_array().unwrap() {
        for k in [
            "rm_id",
            "current_tier",
            "proposed_tier",
            "decision",
            "score",
            "reasons",
            "rules",
            "metrics",
        ] {
            assert!(m.get(k).is_some(), "no `{k}` in {m}");
        }
        assert!(
            m["reasons"].as_array().is_some_and(|v| !v.is_empty()),
            "{m}"
        );
        assert!(m["metrics"].as_object().is_some_and(|o| !o.is_empty()));
        if let Some(s) = m["score"].as_object() {
            assert!(s["total"].is_string());
            for c in s["components"].as_array().unwrap() {
                for k in ["id", "rule", "value", "points"] {
                    assert!(c.get(k).is_some(), "no `{k}` in {c}");
                }
            }
        }
    }
    // Every RM except the two agents is scored (agents have no component).
    let scored = r.json["managers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["score"].is_object())
        .count();
    let all = r.json["managers"].as_array().unwrap().len();
    assert_eq!(scored, all - 2);
}

#[test]
fn workbook_has_the_tier_chart() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    let path = r.out().join("review-2026.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let needle = b"xl/charts/chart1.xml";
    assert!(
        bytes.windows(needle.len()).any(|w| w == needle),
        "no chart in {}",
        path.display()
    );
    // The distribution (Policy A tiers, lowest first, then 解除合同), of the
    // RMs reviewed (L01 has left): before, agents 2 (AG01, AG02), juniors 1
    // (J01), mids 3 (M01, D01, C01), seniors 2 (S01, V01), head 1; after,
    // agents 0, juniors 5 (M01, D01, C01 demoted; AG01, AG02 promoted),
    // mids 0, seniors 1, head 1, terminated 2 (J01, V01).
    let sheet = rows(&path, "等级分布");
    let count = |tier: &str| -> (String, String) {
        let row = sheet
            .iter()
            .find(|r| text(&r[0]) == tier)
            .unwrap_or_else(|| panic!("no row {tier}"));
        (text(&row[1]), text(&row[2]))
    };
    assert_eq!(count("业务代办员"), ("2".into(), "0".into()));
    assert_eq!(count("初级客户经理"), ("1".into(), "5".into()));
    assert_eq!(count("中级客户经理"), ("3".into(), "0".into()));
    assert_eq!(count("解除合同"), ("0".into(), "2".into()));
    assert_eq!(count("高级客户经理"), ("2".into(), "1".into()));
    assert_eq!(count("支行行长"), ("1".into(), "1".into()));
}

/// Closing the twelve months into an archive and reviewing from it gives
/// the same review as the ledgers themselves.
#[test]
fn archive_review_equals_ledgers_review() {
    let arch = tempfile::tempdir().unwrap();
    // Policy A without its sign-off workflow (closing is not what is
    // tested), closed and reviewed under alike: a review from an archive
    // is under the policy its months were closed under (in force).
    let policy = super::util::policy_a_without_workflow();
    for l in ledgers_a(&YEAR) {
        let o = run(&[
            "close".into(),
            "--archive".into(),
            arch.path().display().to_string(),
            "--policy".into(),
            policy.into(),
            "--ledger".into(),
            l.clone(),
        ]);
        assert_eq!(o.code, 0, "closing {l}: {}", o.stderr);
    }
    let from_ledgers = review(policy, &ledgers_a(&YEAR), &[]);
    let from_archive = review_args(
        tempfile::tempdir().unwrap(),
        vec![
            "review".into(),
            "--policy".into(),
            policy.into(),
            "--archive".into(),
            arch.path().display().to_string(),
        ],
    );
    assert_eq!(from_archive.json, from_ledgers.json);
    let book = |r: &Review| std::fs::read(r.out().join("review-2026.xlsx")).unwrap();
    assert!(
        book(&from_archive) == book(&from_ledgers),
        "the workbooks differ"
    );
    let bytes = |r: &Review| std::fs::read(r.dir.path().join("review.json")).unwrap();
    let from_archive_at = |root: &Path| {
        review_args(
            tempfile::tempdir().unwrap(),
            vec![
                "review".into(),
                "--policy".into(),
                policy.into(),
                "--archive".into(),
                root.display().to_string(),
            ],
        )
    };
    // The review reads each closed month's figures, not its ledger: with
    // every archived ledger gone it gives the same bytes.
    let figures_only = tempfile::tempdir().unwrap();
    copy_tree(arch.path(), figures_only.path());
    for p in months(&YEAR) {
        std::fs::remove_file(figures_only.path().join(p).join("ledger.xlsx")).unwrap();
    }
    let from_figures = from_archive_at(figures_only.path());
    assert!(
        bytes(&from_figures) == bytes(&from_ledgers),
        "the JSON differs"
    );
    assert!(
        book(&from_figures) == book(&from_ledgers),
        "the workbooks differ"
    );
    // An archive whose first half-year was closed before months kept their
    // figures (no `figures.json`, manifests re-chained: `verify` finds it
    // whole): those months are read from their ledgers, the others from
    // their figures (their ledgers removed), and the review is the same.
    let mixed = tempfile::tempdir().unwrap();
    copy_tree(arch.path(), mixed.path());
    without_figures(mixed.path(), &months(&[1, 2, 3, 4, 5, 6]));
    let o = run(&["verify", "--archive", mixed.path().to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // `rerun` of such a month checks no figures it does not have.
    let o = run(&[
        "rerun",
        "--archive",
        mixed.path().to_str().unwrap(),
        "--period",
        "2026-03",
    ]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (
            0,
            "2026-03: the archived inputs match the manifest (2026-03/ledger.xlsx, 2026-03/policy.toml, 2026-02/state.json)\n\
             2026-03: identical\n"
        )
    );
    for p in months(&[7, 8, 9, 10, 11, 12]) {
        std::fs::remove_file(mixed.path().join(p).join("ledger.xlsx")).unwrap();
    }
    let from_mixed = from_archive_at(mixed.path());
    assert!(
        bytes(&from_mixed) == bytes(&from_ledgers),
        "the JSON differs"
    );
    assert!(
        book(&from_mixed) == book(&from_ledgers),
        "the workbooks differ"
    );
}

/// A review computes each month without the month's own traces, which it
/// never shows (`compute_figures`): every figure is the traced month's
/// (`compute`, what payroll writes), RM by RM and client by client, with
/// only the traces and the clients' deposit sources left out. Over Policy
/// A's daily balances and Policy B's monthly averages, fees, settlements,
/// incidents and new accounts (January, March, June and December of each
/// year).
#[test]
fn a_reviews_month_has_the_payroll_months_figures() {
    use rmpay::metrics::monthly::{compute, compute_figures, resolve_rms};
    use rmpay::period::Period;
    let mut seen = [false; 6];
    for (policy, dir) in [(POLICY_A, "year-a"), (POLICY_B, "year-b")] {
        let root = super::util::root();
        let text = std::fs::read(root.join(policy)).unwrap();
        let policy = rmpay::policy::parse_policy(&text, policy).unwrap();
        for p in months(&[1, 3, 6, 12]) {
            let file = format!("fixtures/{dir}/{p}.xlsx");
            let period: Period = p.parse().unwrap();
            let opts = rmpay::pipeline::inputs::read_options(&policy, Some(period));
            let (l, d) =
                rmpay::ledger::read_ledger(&root.join(&file), &file, &opts, &mut |_, _| {});
            let l = l.unwrap_or_else(|| panic!("{file}: {d:?}"));
            let mut d = rmpay::diag::Diagnostics::new();
            let rms = resolve_rms(&l, &policy, &mut d);
            assert!(!d.has_errors(), "{file}");
            let traced = compute(&l, &policy, rms.clone());
            let figures = compute_figures(&l, &policy, rms);
            assert_eq!(
                (figures.days, &figures.rms),
                (traced.days, &traced.rms),
                "{file}"
            );
            assert_eq!(figures.by_rm.len(), traced.by_rm.len(), "{file}");
            for (f, t) in figures.by_rm.iter().zip(&traced.by_rm) {
                assert_eq!(
                    (&f.metrics, &f.clients, &f.loans),
                    (&t.metrics, &t.clients, &t.loans),
                    "{file}"
                );
                assert!(f.trace.is_empty() && !t.trace.is_empty(), "{file}");
                let m = &f.metrics;
                let figures = [
                    m.deposit_daily_average,
                    m.loan_balance,
                    m.fee_income,
                    m.settlements_usd,
                    m.new_basic_accounts,
                    m.incident_points,
                ];
                for (s, x) in seen.iter_mut().zip(figures) {
                    *s |= !x.is_zero();
                }
            }
            assert!(figures.clients.keys().eq(traced.clients.keys()), "{file}");
            for (f, t) in figures.clients.values().zip(traced.clients.values()) {
                assert!(f.sources.is_empty(), "{file}");
                let t = rmpay::metrics::monthly::ClientMonth {
                    sources: Vec::new(),
                    ..t.clone()
                };
                assert_eq!(*f, t, "{file}");
            }
        }
    }
    // The months compared hold every kind of figure (no test of empty
    // months): each is non-zero for some RM in some month.
    assert_eq!(
        seen, [true; 6],
        "deposits, loans, fees, settlements, accounts, incidents"
    );
}

/// Copy a folder's files and folders.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Make `periods` of an archive as closed before months kept their
/// figures: `figures.json` removed from the folder and the manifest, and
/// every manifest's link to the month before re-made, so that the chain
/// still holds.
fn without_figures(root: &Path, periods: &[String]) {
    let mut all: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.len() == 7 && n.starts_with("20"))
        .collect();
    all.sort();
    let mut previous: Option<String> = None;
    for p in all {
        let path = root.join(&p).join("manifest.json");
        let mut m: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if periods.contains(&p) {
            std::fs::remove_file(root.join(&p).join("figures.json")).unwrap();
            m["files"]
                .as_array_mut()
                .unwrap()
                .retain(|f| f["name"] != "figures.json");
        }
        if let Some(sha) = &previous {
            m["previous"]["manifest_sha256"] = Value::String(sha.clone());
        }
        let bytes = serde_json::to_vec_pretty(&m).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        previous = Some(rmpay::archive::sha256_hex(&bytes));
    }
}

// ------------------------------------------------------------- Policy B ---

/// Grades are tried from senior down; the first whose criteria hold is the
/// proposed grade. Agreement deposits (协议存款) are excluded; each grade
/// ignores clients under its threshold; item d per client is this year's
/// average − last year's (`上年基数`).
#[test]
fn year_b_grades() {
    let r = review(POLICY_B, &ledgers_b(&YEAR), &[]);

    // N01 二级, since 2018-03-01 (8 years). K11 90M (+ 30M 协议存款,
    // excluded), K12 90M, K13 80M: a = 260M. Prior 70 + 70 + 65 = 205M: d =
    // 55M. Senior: a 260M ≥ 250M but the largest client 90M < 100M → no; d
    // 55M ≥ 50M → 1 of 2: not senior. Grade 1: a 260M ≥ 150M with 90M ≥
    // 30M, d 55M ≥ 30M → 2 of 2, tenure 8 ≥ 3 → promoted to grade 1. (With
    // the agreement deposit K11 would be 120M ≥ 100M and N01 a senior.)
    let n1 = r.manager("N01");
    assert_eq!(metric(n1, "deposit_daily_average"), dec("260000000"));
    assert_eq!(metric(n1, "tenure_years"), dec("8"));
    assert_eq!(outcome(n1), ("promote", Some("grade1")));

    // N02 一级, 10 years. K21 148M (prior 118M), K22 2.5M (prior 2.5M).
    // Grade 1 ignores clients under 3M: a 148M < 150M, d 30M ≥ 30M → 1 of
    // 2 → no (K22 would make a 150.5M). Grade 2 ignores under 1M: a 150.5M
    // ≥ 75M with 148M ≥ 25M → 1 of 1 → demoted to grade 2.
    let n2 = r.manager("N02");
    assert_eq!(metric(n2, "deposit_daily_average"), dec("150500000"));
    assert_eq!(outcome(n2), ("demote", Some("grade2")));

    // N03 三级: loans 79M 正常 + 1M 次级 (grade 3's a and b read loans:
    // 80M ≥ 38M and ≥ 72M) but NPL 1M ÷ 80M = 1.25% > 0 disqualifies every
    // graded post. The normal share rose (79 ÷ 80 = 98.75% against 98%), so
    // only B-npl applies. Trainee: pass line K31 20M ≥ 10M → demoted.
    let n3 = r.manager("N03");
    assert_eq!(num(&n3["metrics"]["npl_ratio"], 4), dec("0.0125"));
    assert_eq!(
        num(&n3["metrics"]["normal_loan_ratio_change"], 4),
        dec("0.0075")
    );
    assert_eq!(outcome(n3), ("demote", Some("trainee")));

    // N04 见习: K41 10M and K42 0.4M. The pass line counts clients from
    // 500,000: 10M ≥ 10M → kept. (All deposits: 10.4M; grade 4's pass
    // line is 15M.)
    let n4 = r.manager("N04");
    assert_eq!(metric(n4, "deposit_daily_average"), dec("10400000"));
    assert_eq!(outcome(n4), ("keep", Some("trainee")));

    // N05 四级: K51 9M < 15M (graded pass line) and < 10M (trainee's) →
    // no grade holds → terminated.
    assert_eq!(outcome(r.manager("N05")), ("terminate", None));

    // N06 二级 since 2024-06-01: whole years to 2026-12-31 = 2. K61 160M
    // (prior 120M): grade 1's a 160M ≥ 150M with 160M ≥ 30M and d 40M ≥
    // 30M hold, but tenure 2 < 3; grade 2 (tenure 1) holds → kept.
    let n6 = r.manager("N06");
    assert_eq!(metric(n6, "tenure_years"), dec("2"));
    assert_eq!(outcome(n6), ("keep", Some("grade2")));

    // N07 四级: K71 16M (prior 15M, d = 1M); settlements USD 500,000 a month
    // × 12 = 6,000,000. Grade 2: c 6M < 10M, a 16M < 75M → no. Grade 3: c
    // 6M ≥ 5M → 1 of 1; pass line 16M ≥ 15M → promoted to grade 3.
    let n7 = r.manager("N07");
    assert_eq!(metric(n7, "settlements_usd"), dec("6000000"));
    assert_eq!(outcome(n7), ("promote", Some("grade3")));

    // Policy B has no score.
    assert!(n7["score"].is_null());
}

/// The grade criteria sheet shows N02's grade 1 try with K22 excluded.
#[test]
fn year_b_grade_criteria_sheet_shows_the_excluded_client() {
    let r = review(POLICY_B, &ledgers_b(&YEAR), &[]);
    let sheet = rows(&r.out().join("review-2026.xlsx"), "等级条件");
    let row = |rm: &str, grade: &str, item: &str| {
        sheet
            .iter()
            .find(|r| text(&r[0]) == rm && text(&r[1]) == grade && text(&r[2]) == item)
            .unwrap_or_else(|| panic!("no row {rm} {grade} {item}"))
            .clone()
    };
    // Grade 1, item a: 148,000,000 against 150,000,000, not held; K22
    // excluded; the grade does not hold.
    let a = row("N02", "一级客户经理", "a");
    assert_eq!(a[4], Data::Float(148_000_000.0));
    assert_eq!(a[5], Data::Float(150_000_000.0));
    assert_eq!(text(&a[8]), "否");
    assert_eq!(text(&a[9]), "满足 1 项（需 2 项）");
    assert_eq!(text(&a[10]), "K22");
    assert_eq!(text(&a[11]), "否");
    // Grade 2 counts K22 (2.5M ≥ 1M): a = 150,500,000, nothing excluded.
    let a2 = row("N02", "二级客户经理", "a");
    assert_eq!(a2[4], Data::Float(150_500_000.0));
    assert_eq!(text(&a2[10]), "");
    assert_eq!(text(&a2[11]), "是");
}

/// Third quarter: July–September only.
#[test]
fn year_b_third_quarter() {
    let r = review(POLICY_B, &ledgers_b(&[7, 8, 9]), &["--quarter", "3"]);
    assert!(r.out().join("review-2026-Q3.xlsx").exists());
    assert_eq!(r.json["period"], "2026-Q3");
    assert_eq!(r.json["partial"], false);
    // N07: settlements 3 × 500,000 = USD 1,500,000. Item c is a yearly
    // volume (年国际结算额), pro-rated to the quarter
    // (`quarter_settlements = "pro_rated"`): grade 2's 10,000,000 × 3 ÷ 12
    // = 2,500,000 > 1,500,000, no; grade 3's 5,000,000 × 3 ÷ 12 =
    // 1,250,000 ≤ 1,500,000 → 1 of 1; pass line 16M ≥ 15M → promoted to
    // grade 3, as for the year. (Against the whole yearly 5,000,000 the
    // quarter could never reach it: demoted to trainee.)
    let n7 = r.manager("N07");
    assert_eq!(metric(n7, "settlements_usd"), dec("1500000"));
    assert_eq!(outcome(n7), ("promote", Some("grade3")));
    assert!(
        n7["reasons"]
            .to_string()
            .contains("国际结算(美元) 1,500,000.00 ≥ 1,250,000.00（全年 5,000,000.00 × 3 ÷ 12）"),
        "{}",
        n7["reasons"]
    );
    // The summary says where 1,250,000.00 comes from: the year's
    // 5,000,000.00 × 3 ÷ 12.
    let reasons = summary_reasons(&r.out().join("review-2026-Q3.xlsx"), "考核汇总");
    assert_eq!(
        reasons.iter().find(|(rm, _)| rm == "N07").unwrap().1,
        "符合三级客户经理条件：满足 1 项（需 1 项）：国际结算(美元) 1,500,000.00 ≥ \
         1,250,000.00（全年 5,000,000.00 × 3 ÷ 12）；及格线 16,000,000.00 ≥ \
         15,000,000.00 → 晋升（B-11-4）\n\
         未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）"
    );
    // Averages are the same every month, so the rest is as for the year:
    // N01 promoted to grade 1; N06's tenure to 2026-09-30 is still 2.
    assert_eq!(outcome(r.manager("N01")), ("promote", Some("grade1")));
    assert_eq!(metric(r.manager("N06"), "tenure_years"), dec("2"));
    assert_eq!(outcome(r.manager("N06")), ("keep", Some("grade2")));
}

/// The bank variant: grade 1 excludes clients under 2,000,000 (not
/// 3,000,000) and a senior needs 3 of 4. No code change.
#[test]
fn variant_policy_changes_the_outcome() {
    let shipped = review(POLICY_B, &ledgers_b(&YEAR), &[]);
    let variant = review(VARIANT, &ledgers_b(&YEAR), &[]);
    assert_eq!(variant.json["policy"]["id"], "bocom-variant");
    // N02: K22's 2.5M now counts for grade 1: a 148 + 2.5 = 150.5M ≥ 150M
    // with 148M ≥ 30M; d (148 − 118) + (2.5 − 2.5) = 30M ≥ 30M → 2 of 2 →
    // kept at grade 1 (shipped: demoted to grade 2).
    assert_eq!(outcome(shipped.manager("N02")), ("demote", Some("grade2")));
    assert_eq!(outcome(variant.manager("N02")), ("keep", Some("grade1")));
    // Nobody else is near either change: the same outcomes.
    for id in ["N01", "N03", "N04", "N05", "N06", "N07"] {
        assert_eq!(
            outcome(variant.manager(id)),
            outcome(shipped.manager(id)),
            "{id}"
        );
    }
}

#[test]
fn variant_policy_check_passes() {
    let o = run(&["check", "--policy", VARIANT]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    // 15 shipped examples, two rewritten, plus one: 16.
    assert!(all.contains("16 examples hold"), "{all}");
    let text = std::fs::read_to_string(VARIANT).unwrap();
    assert!(text.contains("exclude_clients_below = 2_000_000"));
    assert!(text.contains("need = 3"));
}

/// Art. 21: a promoted agent's new base deposit is the juniors' average.
/// The only junior reviewed is J01, whose year averages 2,000,000 of base +
/// 850,000 of new deposits = 2,850,000.
#[test]
fn promoted_agents_get_the_juniors_average_as_base() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    assert_eq!(
        metric(r.manager("J01"), "deposit_daily_average"),
        dec("2850000")
    );
    for id in ["AG01", "AG02"] {
        assert_eq!(r.manager(id)["new_base_deposit"], "2850000.00", "{id}");
    }
    assert!(r.manager("S01")["new_base_deposit"].is_null());
}

/// Bottom-N elimination is a policy setting: a copy of Policy A with
/// `bottom_n = N` demotes those among the N lowest scores who were not
/// already demoted or terminated. Scores of the RMs ranked (agents and the
/// head are not): J01 64 (terminated), M01 83.14 (demoted), S01 85 (kept),
/// C01 106, V01 110, D01 118. With N = 2 the lowest two are J01 and M01,
/// both out already: nothing changes. With N = 3 the third, S01, is
/// demoted to mid.
#[test]
fn bottom_n_is_a_policy_setting() {
    let text = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (n, s01) in [(2, ("keep", Some("senior"))), (3, ("demote", Some("mid")))] {
        let p = dir.path().join(format!("bottom-{n}.toml"));
        let changed = text.replace("# bottom_n = 3", &format!("bottom_n = {n}"));
        assert_ne!(changed, text);
        std::fs::write(&p, changed).unwrap();
        let r = review(p.to_str().unwrap(), &ledgers_a(&YEAR), &[]);
        assert_eq!(outcome(r.manager("S01")), s01, "bottom_n = {n}");
        if n == 3 {
            assert!(
                r.manager("S01")["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x == "review.bottom_n")
            );
        }
    }
}

/// Last year's figures come from the archive's months of last year when no
/// `baseline` sheet gives them: closing the same Policy B ledger of
/// monthly averages for every month from 2025-10 to 2026-10 makes every
/// RM's new deposits in a review of 2026's fourth quarter (partial: only
/// October) exactly zero; without last year's month there is no figure.
#[test]
fn prior_year_figures_from_the_archive() {
    let a = tempfile::tempdir().unwrap();
    let arch = a.path().to_str().unwrap();
    let periods = [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
    ];
    // The same month's averages closed as every month: under a name with
    // no month, since one named for October is refused as another month's.
    let given = tempfile::tempdir().unwrap();
    let ledger = given.path().join("bocom.xlsx");
    std::fs::copy("fixtures/bocom-2026-10.xlsx", &ledger).unwrap();
    let ledger = ledger.to_str().unwrap();
    // Each month closed under the policy in force for it (a month is
    // archived only so): 2025's under a 2025 version of Policy B, the same
    // rules dated 2025-01-01 to 2025-12-31, 2026's under the shipped one
    // (in force from 2026-01-01), each picked by `--rules` by its dates.
    let rules = given.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let shipped = std::fs::read_to_string(POLICY_B).unwrap();
    std::fs::write(rules.join("bocom-nanchang.toml"), &shipped).unwrap();
    let from = "effective_from = 2026-01-01\n";
    assert!(shipped.contains(from));
    std::fs::write(
        rules.join("bocom-nanchang-2025.toml"),
        shipped
            .replacen(
                from,
                "effective_from = 2025-01-01\neffective_until = 2025-12-31\n",
                1,
            )
            .replacen("version = \"2026.1\"", "version = \"2025.1\"", 1),
    )
    .unwrap();
    let rules = rules.to_str().unwrap();
    for p in periods {
        let o = run(&[
            "close",
            "--archive",
            arch,
            "--rules",
            rules,
            "--ledger",
            ledger,
            "--period",
            p,
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    // The shipped version given for a month of 2025, not in force then, is
    // refused, naming the policy, its dates and the month.
    let o = run(&[
        "payroll",
        "--archive",
        arch,
        "--policy",
        POLICY_B,
        "--ledger",
        ledger,
        "--period",
        "2025-12",
        "--out",
        given.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(
            "rules/bocom-nanchang.toml: error[no-policy-in-force]: policy `bocom-nanchang` version 2026.1 is in force 2026-01-01 to …, not in 2025-12"
        ),
        "{}",
        o.stderr
    );
    let r = review_args(
        tempfile::tempdir().unwrap(),
        [
            "review",
            "--policy",
            POLICY_B,
            "--archive",
            arch,
            "--quarter",
            "4",
            "--partial",
        ]
        .map(String::from)
        .to_vec(),
    );
    for id in ["N01", "N02", "N03"] {
        assert_eq!(metric(r.manager(id), "deposit_new"), dec("0"), "{id}");
    }
    // The months (monthly averages) and last year's are read from their
    // figures: without the archived ledgers, the same review, byte for
    // byte.
    for p in periods {
        std::fs::remove_file(a.path().join(p).join("ledger.xlsx")).unwrap();
    }
    let again = review_args(
        tempfile::tempdir().unwrap(),
        [
            "review",
            "--policy",
            POLICY_B,
            "--archive",
            arch,
            "--quarter",
            "4",
            "--partial",
        ]
        .map(String::from)
        .to_vec(),
    );
    let bytes = |r: &Review| {
        (
            std::fs::read(r.dir.path().join("review.json")).unwrap(),
            std::fs::read(r.out().join("review-2026-Q4.xlsx")).unwrap(),
        )
    };
    assert!(bytes(&again) == bytes(&r), "the review differs");
    // The same review from the ledger alone has no prior year: item d
    // (new deposits) has no figure, an error naming the RM, the figure,
    // the missing input and the grades' items that need it; nothing is
    // written.
    let o = Test::new()
        .args([
            "review",
            "--policy",
            POLICY_B,
            "--ledgers",
            "2026-10=fixtures/bocom-2026-10.xlsx",
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--out",
            "$TMP/out",
        ])
        .stderr("
            rmpay: error[missing-figure]: N01: no figure for `deposit_new` (last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive), which B-11-1 d, B-11-2 d, B-11-3 d needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
            rmpay: error[missing-figure]: N02: no figure for `deposit_new` (last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive), which B-11-1 d, B-11-2 d, B-11-3 d needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
            rmpay: error[missing-figure]: N03: no figure for `deposit_new` (last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive), which B-11-1 d, B-11-2 d, B-11-3 d needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
            rmpay: error[missing-figure]: N04: no figure for `deposit_new` (last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive), which B-11-1 d, B-11-2 d, B-11-3 d, B-11-4 d, B-11-5 d needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
            rmpay: error[missing-figure]: N05: no figure for `deposit_new` (last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive), which B-11-1 d, B-11-2 d, B-11-3 d, B-11-4 d, B-11-5 d needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
            rmpay: error[missing-figure]: N06: no figure for `deposit_new` (last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive), which B-11-1 d, B-11-2 d, B-11-3 d, B-11-4 d, B-11-5 d needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
            rmpay: 6 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(!o.path("out").exists());
}

/// Policy B maps each grade to a staff grade (行员等级, art. 3–4): the
/// summary shows the proposed grade's; Policy A has none, and no column.
#[test]
fn the_summary_shows_the_staff_grade_when_the_policy_has_them() {
    let summary = |r: &Review| {
        let bytes = std::fs::read(r.out().join("review-2026.xlsx")).unwrap();
        let sheets = rmpay::ledger::dump::xlsx_cells(&bytes).unwrap();
        sheets.into_iter().next().unwrap().1
    };
    let b = summary(&review(POLICY_B, &ledgers_b(&YEAR), &[]));
    let cell = |cells: &[(String, String)], at: &str| {
        cells
            .iter()
            .find(|(a, _)| a == at)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(cell(&b, "L1"), "行员等级");
    // N01: grade 2 promoted to grade 1, staff grade 6; N05 terminated.
    assert_eq!(cell(&b, "A2"), "N01");
    assert_eq!(cell(&b, "K2"), "一级客户经理");
    assert_eq!(cell(&b, "L2"), "6");
    assert_eq!(cell(&b, "A6"), "N05");
    assert_eq!(cell(&b, "L6"), "—");
    let a = summary(&review(POLICY_A, &ledgers_a(&YEAR), &[]));
    assert!(a.iter().all(|(_, v)| v != "行员等级"));
}

/// Every metric of the vocabulary is a figure of the review (the score
/// apart, which is the review's own result), keyed by its id, in id order:
/// none is left out to read as 0.
#[test]
fn every_metric_but_the_score_is_a_review_figure() {
    use rmpay::vocab::Metric;
    let r = review(POLICY_A, &ledgers_a(&[1, 2, 3]), &["--quarter", "1"]);
    let mut expected: Vec<&str> = Metric::ids().filter(|id| *id != "score").collect();
    expected.sort_unstable();
    for m in r.json["managers"].as_array().unwrap() {
        let keys: Vec<&str> = m["metrics"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, expected, "{}", m["rm_id"]);
    }
    // 30 figures: 17 monthly + 14 review − the score.
    assert_eq!(expected.len(), 30);
}

// ------------------------------------------------ the summary's reasons ---

/// The summary sheet's reasons, by RM id.
fn summary_reasons(path: &Path, sheet: &str) -> Vec<(String, String)> {
    let rows = rows(path, sheet);
    let last = rows[0].len() - 1;
    rows[1..]
        .iter()
        .map(|r| (text(&r[0]), text(&r[last])))
        .collect()
}

/// Each RM's reasons as expected, one assert per RM for a readable diff.
fn same(what: &str, actual: &[(String, String)], expected: &[(String, String)]) {
    let ids = |v: &[(String, String)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(actual), ids(expected), "{what}: RMs");
    for (a, e) in actual.iter().zip(expected) {
        assert_eq!(a.1, e.1, "{what}: {}", a.0);
    }
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The identifiers a policy file names (`id = "…"`, `rule = "…"`): rule
/// ids, item ids, disqualifier ids, tier ids.
fn policy_ids(policy: &str) -> Vec<String> {
    std::fs::read_to_string(super::util::root().join(policy))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("id = ")
                .or_else(|| l.strip_prefix("rule = "))?;
            Some(rest.trim_matches('"').to_string())
        })
        .collect()
}

/// Words in ASCII letters in a Chinese summary's reasons that are not
/// identifiers: rule ids of the policy, RM ids, client ids (capitals and
/// digits, e.g. K12).
fn english_words(reasons: &[(String, String)], ids: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    for (rm, why) in reasons {
        let tokens = why.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)));
        for t in tokens.filter(|t| t.chars().any(|c| c.is_ascii_alphabetic())) {
            let client_id = t.starts_with(|c: char| c.is_ascii_uppercase())
                && t.trim_start_matches(|c: char| c.is_ascii_uppercase())
                    .chars()
                    .all(|c| c.is_ascii_digit());
            if t != rm && !client_id && !ids.iter().any(|i| i == t) {
                bad.push(format!("{rm}: `{t}` in {why:?}"));
            }
        }
    }
    bad
}

/// Every summary row is at least as tall as its reasons' lines (15 points
/// a line, no cap), and every cell format is top-aligned but the header's,
/// so that figures and reasons start on the same line.
fn rows_fit_and_cells_top_aligned(path: &Path, reasons: &[(String, String)]) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    for (i, (rm, why)) in reasons.iter().enumerate() {
        let at = format!("<row r=\"{}\"", i + 2);
        let row = &sheet[sheet.find(&at).unwrap_or_else(|| panic!("no row for {rm}"))..];
        let row = &row[..row.find('>').unwrap()];
        let ht: f64 = row
            .split("ht=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .unwrap_or("15")
            .parse()
            .unwrap();
        let lines = why.lines().count() as f64;
        assert!(ht >= 15.0 * lines, "{rm}: row {ht} pt for {lines} lines");
    }
    let styles = read("xl/styles.xml");
    let xfs = styles.split("<cellXfs").nth(1).unwrap();
    let xfs = &xfs[..xfs.find("</cellXfs>").unwrap()];
    let formats: Vec<&str> = xfs.split("<xf ").skip(1).collect();
    let not_top: Vec<&&str> = formats
        .iter()
        .filter(|x| !x.contains("vertical=\"top\"") && !x.contains("vertical=\"center\""))
        .collect();
    assert!(not_top.is_empty(), "formats not top-aligned: {not_top:?}");
}

/// Policy A's summary, in Chinese: one line per deciding reason, in words
/// with its figures and its rule; the head's row marked as the branch's,
/// the agents' as covering their months. Figures (see
/// `year_a_decisions_and_scores`): M01 scores 83.14 < 85 (demotion line);
/// J01 64 < 85 and < 70 (termination line); D01's deposits are 88% of the
/// base in March, April and May (three months under 90%); C01 collects
/// 98.75% < 99%; V01 has 15 violation points ≥ 15; the agents AG01, AG02
/// joined in July (6 months) with 16,000,000.00 and 8,000,000.00, both ≥
/// 8,000,000.00, and take the one junior's (J01) deposits, 2,850,000.00,
/// as their new base.
#[test]
fn policy_a_summary_reads_in_words() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    let path = r.out().join("review-2026.xlsx");
    let reasons = summary_reasons(&path, "考核汇总");
    let expected = pairs(&[
        ("S01", "未触发任何升降级条件 → 保持"),
        (
            "M01",
            "综合得分 83.14 分，低于降级线 85 分 → 降级（A-14-2-score-85）",
        ),
        (
            "J01",
            "综合得分 64 分，低于降级线 85 分 → 降级（A-14-2-score-85）\n综合得分 64 分，低于解聘线 70 分 → 解聘（A-14-2-score-70）",
        ),
        (
            "D01",
            "存款占基数比低于 90.00% 连续 3 个月（2026-03 88.00%、2026-04 88.00%、2026-05 88.00%） → 降级（A-14-2-below-base）",
        ),
        (
            "C01",
            "收息率 98.75%，低于降级线 99.00% → 降级（A-14-2-collection）",
        ),
        (
            "V01",
            "违规扣分 15 分，达到解聘线 15 分 → 解聘（A-14-3-violations）",
        ),
        (
            "BH01",
            "（全支行）存款、贷款、收息为全支行合计\n未触发任何升降级条件 → 保持",
        ),
        (
            "AG01",
            "（在岗 6 个月）各项数字按在岗月份计\n在岗月数 6 个月，不高于 6 个月，且存款日均 16,000,000.00，达到 8,000,000.00，且在岗月数 6 个月，不高于 12 个月，且存款日均 16,000,000.00，达到 6,000,000.00 → 晋升（A-21-agent-promotion）\n新基数存款 2,850,000.00（初级客户经理 1 人存款日均的平均数），超过部分为增量",
        ),
        (
            "AG02",
            "（在岗 6 个月）各项数字按在岗月份计\n在岗月数 6 个月，不高于 6 个月，且存款日均 8,000,000.00，达到 8,000,000.00，且在岗月数 6 个月，不高于 12 个月，且存款日均 8,000,000.00，达到 6,000,000.00 → 晋升（A-21-agent-promotion）\n新基数存款 2,850,000.00（初级客户经理 1 人存款日均的平均数），超过部分为增量",
        ),
        // L01 left on 2026-03-31 (listed 离岗 until June): shown, not
        // assessed, with the months served, January–March.
        (
            "L01",
            "考核期内离岗（2026-03-31）：在岗 3 个月（2026-01…2026-03），考核期共 12 个月；未满考核期，不参加考核（其业绩仍计入所在机构）",
        ),
    ]);
    same("policy A summary (zh)", &reasons, &expected);
}

/// The same summary in English: the workbook follows `--lang`.
#[test]
fn policy_a_summary_in_english() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &["--lang", "en"]);
    let path = r.out().join("review-2026.xlsx");
    let reasons = summary_reasons(&path, "Summary");
    let expected = pairs(&[
        (
            "S01",
            "no promotion, demotion or termination rule applies → keep",
        ),
        (
            "M01",
            "the composite score 83.14 points, below the demotion line 85 points → demote (A-14-2-score-85)",
        ),
        (
            "J01",
            "the composite score 64 points, below the demotion line 85 points → demote (A-14-2-score-85)\nthe composite score 64 points, below the termination line 70 points → terminate (A-14-2-score-70)",
        ),
        (
            "D01",
            "daily-average deposits ÷ base deposit below 90.00% for 3 consecutive months (2026-03 88.00%, 2026-04 88.00%, 2026-05 88.00%) → demote (A-14-2-below-base)",
        ),
        (
            "C01",
            "interest received ÷ interest due 98.75%, below the demotion line 99.00% → demote (A-14-2-collection)",
        ),
        (
            "V01",
            "violation points from incidents 15 points, at least the termination line 15 points → terminate (A-14-3-violations)",
        ),
        (
            "BH01",
            "(whole branch) deposits, loans and interest are the branch's\nno promotion, demotion or termination rule applies → keep",
        ),
        (
            "AG01",
            "(in post 6 months) figures cover those months\nwhole months since marketing_since 6 months, at most 6 months; and daily-average deposits 16,000,000.00, at least 8,000,000.00; and whole months since marketing_since 6 months, at most 12 months; and daily-average deposits 16,000,000.00, at least 6,000,000.00 → promote (A-21-agent-promotion)\nnew base deposit 2,850,000.00 (the average daily deposits of the 1 RMs of Junior RM); anything above it is increment",
        ),
        (
            "AG02",
            "(in post 6 months) figures cover those months\nwhole months since marketing_since 6 months, at most 6 months; and daily-average deposits 8,000,000.00, at least 8,000,000.00; and whole months since marketing_since 6 months, at most 12 months; and daily-average deposits 8,000,000.00, at least 6,000,000.00 → promote (A-21-agent-promotion)\nnew base deposit 2,850,000.00 (the average daily deposits of the 1 RMs of Junior RM); anything above it is increment",
        ),
        (
            "L01",
            "left during the review period (2026-03-31): served 3 of its 12 months (2026-01…2026-03); not assessed for part of a period (their months still count in their branch's figures)",
        ),
    ]);
    same("policy A summary (en)", &reasons, &expected);
}

/// Policy B's summary, in Chinese: only the deciding grades (the grade
/// met, and for a demotion the current grade missed), items by the
/// policy's names, `满足 n 项（需 m 项）`. Figures (see `year_b_grades`):
/// N02 holds 1 of grade 1's 2 items (new deposits 30,000,000.00 ≥
/// 30,000,000.00) and 2 of grade 2's 1; N03 is barred from grade 3 by its
/// NPL balance (1,000,000.00 every month) and meets the trainee's pass
/// line, 20,000,000.00 ≥ 10,000,000.00; N05's 9,000,000.00 misses even
/// that → terminated.
#[test]
fn policy_b_summary_reads_in_words() {
    let r = review(POLICY_B, &ledgers_b(&YEAR), &[]);
    let path = r.out().join("review-2026.xlsx");
    let reasons = summary_reasons(&path, "考核汇总");
    let expected = pairs(&[
        (
            "N01",
            "符合一级客户经理条件：满足 2 项（需 2 项）：日均存款 260,000,000.00 ≥ 150,000,000.00（单户 K12 90,000,000.00 ≥ 30,000,000.00）、新增日均存款 55,000,000.00 ≥ 30,000,000.00；营销年限 8 年 ≥ 3 年；及格线 260,000,000.00 ≥ 15,000,000.00 → 晋升（B-11-2）\n未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）",
        ),
        (
            "N02",
            "不符合一级客户经理条件：满足 1 项（需 2 项）：新增日均存款 30,000,000.00 ≥ 30,000,000.00；营销年限 10 年 ≥ 3 年；及格线 150,500,000.00 ≥ 15,000,000.00（B-11-2）\n符合二级客户经理条件：满足 2 项（需 1 项）：日均存款 150,500,000.00 ≥ 75,000,000.00（单户 K21 148,000,000.00 ≥ 25,000,000.00）、新增日均存款 30,000,000.00 ≥ 25,000,000.00；营销年限 10 年 ≥ 1 年；及格线 150,500,000.00 ≥ 15,000,000.00 → 降级（B-11-3）\n未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）",
        ),
        (
            "N03",
            "不符合三级客户经理条件：满足 2 项（需 1 项）：日均贷款余额（原文 a 项） 80,000,000.00 ≥ 38,000,000.00、日均贷款 80,000,000.00 ≥ 72,000,000.00；及格线 20,000,000.00 ≥ 15,000,000.00；否决：发生后三类贷款，不良贷款余额高于 0.00 的月份（2026-01 1,000,000.00、2026-02 1,000,000.00、2026-03 1,000,000.00、2026-04 1,000,000.00、2026-05 1,000,000.00、2026-06 1,000,000.00、2026-07 1,000,000.00、2026-08 1,000,000.00、2026-09 1,000,000.00、2026-10 1,000,000.00、2026-11 1,000,000.00、2026-12 1,000,000.00）（B-npl）（B-11-4）\n符合见习客户经理条件：及格线 20,000,000.00 ≥ 10,000,000.00 → 降级（B-11-6）",
        ),
        (
            "N04",
            "符合见习客户经理条件：及格线 10,000,000.00 ≥ 10,000,000.00 → 保持（B-11-6）\n未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）",
        ),
        (
            "N05",
            "不符合见习客户经理条件：及格线 9,000,000.00 < 10,000,000.00 → 解聘（B-11-6）\n未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）",
        ),
        (
            "N06",
            "符合二级客户经理条件：满足 2 项（需 1 项）：日均存款 160,000,000.00 ≥ 75,000,000.00（单户 K61 160,000,000.00 ≥ 25,000,000.00）、新增日均存款 40,000,000.00 ≥ 25,000,000.00；营销年限 2 年 ≥ 1 年；及格线 160,000,000.00 ≥ 15,000,000.00 → 保持（B-11-3）\n未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）",
        ),
        (
            "N07",
            "符合三级客户经理条件：满足 1 项（需 1 项）：国际结算(美元) 6,000,000.00 ≥ 5,000,000.00；及格线 16,000,000.00 ≥ 15,000,000.00 → 晋升（B-11-4）\n未考核：无正常贷款占比变化（期末无贷款，无正常类贷款占比）（B-normal-share）",
        ),
    ]);
    same("policy B summary (zh)", &reasons, &expected);
}

/// The Chinese summaries of both policies: no English word in the reasons
/// but identifiers (rule ids, RM and client ids), every row as tall as its
/// reasons, every cell top-aligned.
#[test]
fn chinese_summaries_have_no_english_words_and_rows_fit() {
    for (policy, ledgers) in [(POLICY_A, ledgers_a(&YEAR)), (POLICY_B, ledgers_b(&YEAR))] {
        let r = review(policy, &ledgers, &[]);
        let path = r.out().join("review-2026.xlsx");
        let reasons = summary_reasons(&path, "考核汇总");
        assert_eq!(
            english_words(&reasons, &policy_ids(policy)),
            Vec::<String>::new(),
            "{policy}"
        );
        rows_fit_and_cells_top_aligned(&path, &reasons);
    }
}

// ------------------------------------------------ command-line manners ---

/// A quarter's review given the whole year's ledgers uses its three months
/// and says which (the others set aside, not refused): the same workbook
/// and JSON, byte for byte, as given the quarter's ledgers alone.
#[test]
fn a_quarter_uses_its_months_of_the_years_ledgers() {
    let year = ledgers_a(&YEAR);
    let mut args = vec!["review", "--policy", POLICY_A, "--ledgers"];
    args.extend(year.iter().map(String::as_str));
    args.extend(["--year", "2026", "--quarter", "3"]);
    args.extend(["--out", "$TMP/out", "--json", "$TMP/q3.json"]);
    let all = Test::new()
        .args(&args)
        .stderr("
            rmpay: review 2026-Q3 uses 2026-07 (fixtures/year-a/2026-07.xlsx), 2026-08 (fixtures/year-a/2026-08.xlsx), 2026-09 (fixtures/year-a/2026-09.xlsx); the ledgers of 2026-01, 2026-02, 2026-03, 2026-04, 2026-05, 2026-06, 2026-10, 2026-11, 2026-12 are set aside
            rmpay: review 2026-Q3: 9 RMs; promote 2, keep 4, demote 1, terminate 2
            rmpay: wrote $TMP/out/review-2026-Q3.xlsx
            rmpay: wrote $TMP/q3.json
        ")
        .run();
    let q3 = ledgers_a(&[7, 8, 9]);
    let mut args = vec!["review", "--policy", POLICY_A, "--ledgers"];
    args.extend(q3.iter().map(String::as_str));
    args.extend(["--year", "2026", "--quarter", "3"]);
    args.extend(["--out", "$TMP/out", "--json", "$TMP/q3.json"]);
    let alone = Test::new()
        .args(&args)
        .stderr(
            "
            rmpay: review 2026-Q3: 9 RMs; promote 2, keep 4, demote 1, terminate 2
            rmpay: wrote $TMP/out/review-2026-Q3.xlsx
            rmpay: wrote $TMP/q3.json
        ",
        )
        .run();
    for f in ["out/review-2026-Q3.xlsx", "q3.json"] {
        assert!(
            std::fs::read(all.path(f)).unwrap() == std::fs::read(alone.path(f)).unwrap(),
            "{f}"
        );
    }
}

/// Ledgers of monthly averages have no dates to give their month: `review`
/// takes it from the file name (`YYYY-MM`, `YYYYMM`, `YYYY年M月`), as
/// `YYYY-MM=FILE` gives it; the figures and decisions are those of the
/// months given outright. `--json -` prints the JSON on stdout.
#[test]
fn monthly_averages_take_their_month_from_the_file_name() {
    let fixture = |m: &str| std::fs::read(format!("fixtures/year-b/2026-{m}.xlsx")).unwrap();
    let o = Test::new()
        .write("ledgers/2026-07.xlsx", fixture("07"))
        .write("ledgers/202608.xlsx", fixture("08"))
        .write("ledgers/2026年9月 存款月日均.xlsx", fixture("09"))
        .args([
            "review",
            "--policy",
            POLICY_B,
            "--ledgers",
            "$TMP/ledgers/2026-07.xlsx",
            "$TMP/ledgers/202608.xlsx",
            "$TMP/ledgers/2026年9月 存款月日均.xlsx",
            "--year",
            "2026",
            "--quarter",
            "3",
            "--out",
            "$TMP/out",
            "--json",
            "-",
        ])
        .stdout_contains(
            "
            {
              \"format\": \"rmpay.review/1\",
              \"period\": \"2026-Q3\",
        ",
        )
        .stderr_contains(
            "
            rmpay: review 2026-Q3: 7 RMs; promote 2, keep 2, demote 2, terminate 1
            rmpay: wrote $TMP/out/review-2026-Q3.xlsx
        ",
        )
        .run();
    assert!(!o.stderr.contains("wrote -"), "{}", o.stderr);
    assert!(!o.path("-").exists());
    let named: Value = serde_json::from_str(&o.stdout).expect("stdout is the JSON alone");
    let given = review(POLICY_B, &ledgers_b(&[7, 8, 9]), &["--quarter", "3"]);
    assert_eq!(named["managers"], given.json["managers"]);
    assert_eq!(named["managers"].as_array().unwrap().len(), 7);
}

/// A ledger of monthly averages whose name gives no month (or two) is an
/// error at the file saying how to name it; nothing is written.
#[test]
fn monthly_averages_without_a_month_in_the_name_say_how_to_name_them() {
    let fixture = |m: &str| std::fs::read(format!("fixtures/year-b/2026-{m}.xlsx")).unwrap();
    let o = Test::new()
        .write("jul.xlsx", fixture("07"))
        .write("2026-08 to 2026-09.xlsx", fixture("08"))
        .args([
            "review",
            "--policy",
            POLICY_B,
            "--ledgers",
            "$TMP/jul.xlsx",
            "$TMP/2026-08 to 2026-09.xlsx",
            "--year",
            "2026",
            "--quarter",
            "3",
            "--partial",
            "--out",
            "$TMP/out",
        ])
        .stderr("
            $TMP/jul.xlsx: error[period-unknown]: the ledger gives monthly averages, not daily balances, and its file name gives no month: name the file with its month (YYYY-MM, YYYYMM or YYYY年M月, e.g. 2026-07.xlsx) or give it as YYYY-MM=$TMP/jul.xlsx
            $TMP/2026-08 to 2026-09.xlsx: error[period-unknown]: the ledger gives monthly averages, not daily balances, and its file name gives 2 months (2026-08, 2026-09): name the file with its month (YYYY-MM, YYYYMM or YYYY年M月, e.g. 2026-07.xlsx) or give it as YYYY-MM=$TMP/2026-08 to 2026-09.xlsx
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(!o.path("out").exists());
}

/// `review.branch_base` is read only where heads are assessed on the
/// branch: given with `branch_heads_on_branch = false`, it is an error at
/// its key, not a setting that silently does nothing.
#[test]
fn branch_base_without_heads_on_the_branch_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let text = shipped.replace(
        "branch_heads_on_branch = true",
        "branch_heads_on_branch = false",
    );
    assert_ne!(text, shipped);
    let policy = d.path().join("a.toml");
    std::fs::write(&policy, &text).unwrap();
    // The key's line: the one that starts with it.
    let line = text
        .lines()
        .position(|l| l.starts_with("branch_base = "))
        .unwrap()
        + 1;
    let o = run(&[
        "check",
        "--lang",
        "en",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}:{line}:1: error[unknown-key]: unknown key `review.branch_base`: it does not apply to `branch_heads_on_branch = false`\nrmpay: 1 error(s); nothing was written\n",
            policy.display()
        )
    );
}

/// A rate with nothing to divide by over the period is the policy's
/// reading, and the trace says so. AG01, an agent of year A, has no loans:
/// interest due 0 and loan balance 0. Policy A reads
/// `collection_rate_when_nothing_due = "full"` (100%: nothing due, nothing
/// missed) and `npl_ratio_when_no_loans = "zero"`; the 计算过程 step of each
/// names the reading and its inputs 0 and 0, so an auditor sees why the
/// rate is 100%. (Both were hard-coded, with no step.) Read
/// `not_assessed`, the rate has no figure: `null` in the JSON.
#[test]
fn a_rate_with_nothing_to_divide_by_is_the_policys_reading_and_the_trace_says_so() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    let ag = r.manager("AG01");
    assert_eq!(ag["metrics"]["interest_due"], "0");
    assert_eq!(ag["metrics"]["collection_rate"], "1");
    assert_eq!(ag["metrics"]["loan_balance"], "0");
    assert_eq!(ag["metrics"]["npl_ratio"], "0");
    let rows = rows(&r.out().join("review-2026.xlsx"), "计算过程");
    let step = |rule: &str| -> Vec<Vec<String>> {
        let i = rows
            .iter()
            .position(|row| text(&row[0]) == "AG01" && text(&row[2]) == rule)
            .unwrap_or_else(|| panic!("no step {rule} for AG01"));
        rows[i..i + 2]
            .iter()
            .map(|row| row.iter().map(text).collect())
            .collect()
    };
    // 实收利息 ÷ 应收利息 with 应收利息 = 0: counted 1 (100%).
    assert_eq!(
        step("review.collection_rate_when_nothing_due"),
        [
            vec![
                "AG01",
                "收息率",
                "review.collection_rate_when_nothing_due",
                "1",
                "实收利息 ÷ 应收利息, 应收利息 = 0：按政策计为 100%",
                "实收利息",
                "0"
            ],
            vec!["AG01", "", "", "", "", "应收利息", "0"],
        ]
    );
    // 不良贷款余额 ÷ 贷款余额 with 贷款余额 = 0: counted 0.
    assert_eq!(
        step("review.npl_ratio_when_no_loans"),
        [
            vec![
                "AG01",
                "不良率",
                "review.npl_ratio_when_no_loans",
                "0",
                "不良贷款余额 ÷ 贷款余额, 贷款余额 = 0：按政策计为 0",
                "不良贷款余额",
                "0"
            ],
            vec!["AG01", "", "", "", "", "贷款余额", "0"],
        ]
    );
    let d = tempfile::tempdir().unwrap();
    let policy = d.path().join("not-assessed.toml");
    let text = std::fs::read_to_string(POLICY_A).unwrap();
    assert_eq!(
        text.matches("collection_rate_when_nothing_due = \"full\"")
            .count(),
        1
    );
    std::fs::write(
        &policy,
        text.replace(
            "collection_rate_when_nothing_due = \"full\"",
            "collection_rate_when_nothing_due = \"not_assessed\"",
        ),
    )
    .unwrap();
    let r = review(policy.to_str().unwrap(), &ledgers_a(&YEAR), &[]);
    assert_eq!(r.manager("AG01")["metrics"]["collection_rate"], Value::Null);
    assert_eq!(r.manager("S01")["metrics"]["collection_rate"], "0.995");
}

/// The score sheet's step of an amount reads with separators, as every
/// amount in Chinese does: a junior's absolute deposit target moves by
/// 1% of 1,000,000 = 10,000 a step (`档距 10,000`, was `档距 10000`).
#[test]
fn an_amount_step_reads_with_separators() {
    let r = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    let bytes = std::fs::read(r.out().join("review-2026.xlsx")).unwrap();
    let cells = format!("{:?}", rmpay::ledger::dump::xlsx_cells(&bytes).unwrap());
    assert!(cells.contains("档距 10,000，"), "{cells}");
    assert!(!cells.contains("档距 10000"), "{cells}");
}

/// A review step of the `--json` trace: the figure's step for `rm`.
fn review_step<'a>(r: &'a Review, rm: &str, figure: &str) -> &'a Value {
    r.manager(rm)["trace"]
        .as_array()
        .unwrap_or_else(|| panic!("{rm}: the review JSON has no trace"))
        .iter()
        .find(|s| s["figure"] == figure)
        .unwrap_or_else(|| panic!("{rm}: no `{figure}` step"))
}

/// The input of a step named `name`: its value.
fn step_input<'a>(step: &'a Value, name: &str) -> &'a str {
    step["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no input `{name}` in {step}"))["value"]
        .as_str()
        .unwrap()
}

/// The review's trace (sheet and `--json`) gives `deposit_base`,
/// `deposit_new` and `deposit_growth` their inputs and arithmetic, naming
/// the setting applied (`review.growth_base`), so an auditor recomputes
/// them (was: the figures alone, 指标定义, no formula, and no trace in the
/// JSON at all).
#[test]
fn the_review_trace_gives_base_new_deposits_and_growth() {
    // Policy A: growth against the base deposit, the ledger's cell.
    let r = review(POLICY_A, &ledgers_a(&YEAR), &["--lang", "en"]);
    let base = review_step(&r, "S01", "deposit_base");
    // S01's row of December's managers sheet, by file name (no folder).
    assert_eq!(step_input(base, "source"), "2026-12.xlsx [客户经理]!I2");
    assert_eq!(base["value"], "9000000");
    let new = review_step(&r, "S01", "deposit_new");
    assert_eq!(new["rule"], "review.growth_base = `base_deposit`");
    assert_eq!(new["formula"], "deposit_daily_average − deposit_base");
    // 11,498,630.1369863014 − 9,000,000 = 2,498,630.1369863014.
    assert_eq!(
        step_input(new, "deposit_daily_average"),
        "11498630.1369863014"
    );
    assert_eq!(step_input(new, "deposit_base"), "9000000");
    assert_eq!(new["value"], "2498630.1369863014");
    let growth = review_step(&r, "S01", "deposit_growth");
    assert_eq!(growth["formula"], "deposit_new ÷ deposit_base");
    // 2,498,630.1369863014 ÷ 9,000,000 = 0.2776255708 (to 10 places).
    assert_eq!(step_input(growth, "deposit_new"), "2498630.1369863014");
    assert_eq!(growth["value"], "0.2776255708");
    assert_eq!(
        growth["value"],
        r.manager("S01")["metrics"]["deposit_growth"]
    );

    // Policy B: growth against last year's deposits of the RM's clients
    // (`growth_base = "prior_year"`); it sets no base deposit, and its
    // trace says so rather than naming a key the policy lacks.
    let r = review(POLICY_B, &ledgers_b(&YEAR), &["--lang", "en"]);
    let base = review_step(&r, "N01", "deposit_base");
    assert_eq!(
        step_input(base, "source"),
        "none in the ledger or the policy"
    );
    let prior = review_step(&r, "N01", "deposit_prior");
    assert_eq!(prior["rule"], "review.growth_base = `prior_year`");
    // K11, K12, K13 held all year: 70,000,000 + 70,000,000 + 65,000,000
    // = 205,000,000.
    assert_eq!(
        step_input(prior, "client K11 last year"),
        "70000000 × 365 ÷ 365"
    );
    assert_eq!(
        step_input(prior, "client K13 last year"),
        "65000000 × 365 ÷ 365"
    );
    assert_eq!(prior["value"], "205000000");
    let new = review_step(&r, "N01", "deposit_new");
    assert_eq!(
        new["formula"],
        "deposit_daily_average − last year's deposits"
    );
    // 260,000,000 − 205,000,000 = 55,000,000.
    assert_eq!(step_input(new, "last year's deposits"), "205000000");
    assert_eq!(new["value"], "55000000");
    // 55,000,000 ÷ 205,000,000 = 0.2682926829.
    let growth = review_step(&r, "N01", "deposit_growth");
    assert_eq!(growth["value"], "0.2682926829");
    assert_eq!(
        growth["value"],
        r.manager("N01")["metrics"]["deposit_growth"]
    );

    // The trace sheet in Chinese: the same steps in words.
    let r = review(POLICY_B, &ledgers_b(&YEAR), &[]);
    let cells = trace_cells(&r.out().join("review-2026.xlsx"));
    for want in [
        "存款日均 − 上年同期存款日均",
        "新增存款日均 ÷ 上年同期存款日均",
        "客户 K11 上年存款日均",
        "review.growth_base = `prior_year`",
    ] {
        assert!(
            cells.iter().any(|c| c == want),
            "no `{want}` on the trace sheet"
        );
    }
}
