//! Review rules judged as the policies say (issue 8, points 6 and 7), each
//! on small scenario ledgers written here: a branch totalled day by day,
//! Policy B's disqualifiers over the whole period, the pass line's own
//! client scope, the quarterly reading of an annual settlement threshold,
//! a policy not in force, and no figure silently zero.
//!
//! The ledgers give monthly averages (`存款月日均`), constant through the
//! year unless said otherwise, so a year's daily average is Σ (month's
//! average × days) ÷ 365. 2026: Jan–Jun 181 days, Jul–Dec 184.

use rmpay::decimal::RoundAway as _;
#[path = "../../examples/support/sheet.rs"]
pub(super) mod sheet;

use super::test::Test;
use super::util::{dec, run};
use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use sheet::{V, V::*};
use std::path::{Path, PathBuf};

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const POLICY_B: &str = "rules/bocom-nanchang.toml";

/// One sheet of a scenario ledger: name, headers, rows.
pub(super) type Sheet = (&'static str, Vec<&'static str>, Vec<Vec<V<'static>>>);

/// Write one month's ledger of `sheets` as `DIR/YYYY-MM.xlsx` and return
/// its `--ledgers` argument (`YYYY-MM=path`).
pub(super) fn write_month(dir: &Path, period: &str, sheets: Vec<Sheet>) -> String {
    let mut wb = Workbook::new();
    for (name, headers, rows) in &sheets {
        sheet::sheet(&mut wb, name, headers, rows).unwrap();
    }
    let path = dir.join(format!("{period}.xlsx"));
    wb.save(&path).unwrap();
    format!("{period}={}", path.display())
}

/// Run `rmpay review`; returns the exit code, stderr, the JSON (when
/// written) and the output directory.
struct Run {
    code: i32,
    stderr: String,
    json: Value,
    out: PathBuf,
}

fn review(dir: &Path, policy: &str, ledgers: &[String], extra: &[&str]) -> Run {
    let out = dir.join("out");
    let json = dir.join("review.json");
    let mut args: Vec<String> = vec!["review".into(), "--policy".into(), policy.into()];
    args.push("--ledgers".into());
    args.extend(ledgers.iter().cloned());
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend([
        "--out".into(),
        out.display().to_string(),
        "--json".into(),
        json.display().to_string(),
    ]);
    let o = run(&args);
    let json = std::fs::read(&json)
        .ok()
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap_or(Value::Null);
    Run {
        code: o.code,
        stderr: o.stderr,
        json,
        out,
    }
}

/// `rmpay review` as [`review`] runs it, refused: exit 1, its whole
/// stderr `expected` (`$DIR` for `dir`), nothing written.
fn review_fails(dir: &Path, policy: &str, ledgers: &[String], extra: &[&str], expected: &str) {
    let d = dir.display().to_string();
    let (out, json) = (format!("{d}/out"), format!("{d}/review.json"));
    let mut args = vec!["review", "--policy", policy, "--ledgers"];
    args.extend(ledgers.iter().map(String::as_str));
    args.extend(extra);
    args.extend(["--out", &out, "--json", &json]);
    Test::new()
        .args(args)
        .replace(&d, "$DIR")
        .stderr(expected)
        .status(1)
        .run();
    assert!(!dir.join("out").exists() && !dir.join("review.json").exists());
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn manager<'a>(r: &'a Run, id: &str) -> &'a Value {
    r.json["managers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rm_id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the review"))
}

fn num(v: &Value, dp: u32) -> Decimal {
    dec(v
        .as_str()
        .unwrap_or_else(|| panic!("expected a decimal string, found {v}")))
    .round_away(dp)
}

fn outcome(m: &Value) -> (&str, Option<&str>) {
    (m["decision"].as_str().unwrap(), m["proposed_tier"].as_str())
}

fn rules(m: &Value) -> Vec<&str> {
    m["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

/// Every sheet of a workbook as (address, text) cells.
fn cells(path: &Path) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = std::fs::read(path).unwrap();
    rmpay::ledger::dump::xlsx_cells(&bytes).unwrap()
}

fn months() -> Vec<String> {
    (1..=12).map(|m| format!("2026-{m:02}")).collect()
}

// ------------------------------------------- a branch, day by day (A) ---

/// Policy A, branch 城东支行: head H1 (base 15,000,000, own client
/// 10,000,000), mid R1 (base 5,000,000, 10,000,000, a 1,000,000 normal
/// loan paying its 5,000 of interest every month, 1,000 of fees a month,
/// 10,000 last year) and agent AG hired 2026-07-01 (8,000,000 from July,
/// the agents' base 0). The branch's base (`branch_base = "members"`):
/// 15,000,000 + 5,000,000 + 0 = 20,000,000; last year's fee income 10,000.
fn branch_month(m: u32) -> Vec<Sheet> {
    let agent = m >= 7;
    let mut managers = vec![
        vec![
            S("H1"),
            S("周长"),
            S("支行行长"),
            S("支行行长"),
            S("城东支行"),
            D(2010, 1, 1),
            N(15_000_000.0),
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
        vec![S("CR1"), N(10_000_000.0)],
    ];
    if agent {
        managers.push(vec![
            S("AG"),
            S("王代"),
            S("业务代办员"),
            S("业务代办员"),
            S("城东支行"),
            D(2026, 7, 1),
            E,
        ]);
        clients.push(vec![S("CA"), S("东岸商贸"), S("AG")]);
        averages.push(vec![S("CA"), N(8_000_000.0)]);
    }
    vec![
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
        (
            "中间业务收入",
            vec!["客户编号", "金额"],
            vec![vec![S("CR1"), N(1_000.0)]],
        ),
        (
            "上年基数",
            vec![
                "客户编号",
                "上年存款日均",
                "客户经理编号",
                "上年正常贷款占比",
                "上年中间业务收入",
            ],
            vec![vec![E, E, S("R1"), E, N(10_000.0)]],
        ),
    ]
}

fn branch_year(dir: &Path) -> Vec<String> {
    (1..=12)
        .zip(months())
        .map(|(m, p)| write_month(dir, &p, branch_month(m)))
        .collect()
}

/// "Two years running" (art. 14(1)) reads last year's review JSON. H1 is
/// below standard in 2026 (growth 20.16% < 27%, as in
/// `a_branch_is_totalled_day_by_day`): demoted in 2025 too → terminated;
/// kept in 2025 → demoted only. Without `--previous-review` the rule is not
/// assessed (the shipped `when_missing`), never read as "not demoted". A
/// file that is not last year's review is refused, exit 1.
#[test]
fn two_years_running_reads_last_years_review() {
    let d = tempfile::tempdir().unwrap();
    let ledgers = branch_year(d.path());
    let last_year = |dir: &Path, decision: &str, period: &str| {
        let p = dir.join(format!("{decision}-{period}.json"));
        let v = serde_json::json!({
            "format": "rmpay.review/1",
            "period": period,
            "managers": [
                { "rm_id": "H1", "decision": decision },
                { "rm_id": "R1", "decision": "keep" }
            ]
        });
        std::fs::write(&p, v.to_string()).unwrap();
        p.display().to_string()
    };
    let demoted = last_year(d.path(), "demote", "2025");
    let r = review(
        d.path(),
        POLICY_A,
        &ledgers,
        &["--year", "2026", "--previous-review", &demoted],
    );
    ok(&r);
    let h = manager(&r, "H1");
    assert_eq!(outcome(h), ("terminate", None));
    assert_eq!(rules(h), vec!["A-14-1-head", "A-14-1-head-twice"]);
    assert!(!r.stderr.contains("not-assessed"), "{}", r.stderr);
    // The summary words it: the branch's figures, growth 20.16% under the
    // head's 27% (demote), and with last year's demotion, termination.
    let summary = cells(&r.out.join("review-2026.xlsx"));
    let why = summary[0].1.iter().find(|(at, _)| at == "M2").unwrap();
    assert_eq!(
        why.1,
        "（全支行）存款、贷款、收息为全支行合计\n\
         存款增长率 20.16%，低于降级线 27.00% → 降级（A-14-1-head）\n\
         上年考核已降级，且存款增长率 20.16%，低于 27.00% → 解聘（A-14-1-head-twice）"
    );

    let kept = last_year(d.path(), "keep", "2025");
    let r = review(
        d.path(),
        POLICY_A,
        &ledgers,
        &["--year", "2026", "--previous-review", &kept],
    );
    ok(&r);
    assert_eq!(outcome(manager(&r, "H1")), ("demote", Some("senior")));

    // Not last year's: the 2026 review itself given as the previous one.
    let e = tempfile::tempdir().unwrap();
    let same_year = last_year(e.path(), "demote", "2026");
    review_fails(
        e.path(),
        POLICY_A,
        &ledgers,
        &["--year", "2026", "--previous-review", &same_year],
        "$DIR/demote-2026.json: error[bad-review]: the previous review must be of 2025, the year before the one reviewed; this one is of \"2026\"\nrmpay: 1 error(s); nothing was written\n",
    );
}

/// The branch's daily average is its daily balances over the year's days,
/// not its members' own averages added up: AG's 8,000,000 from July adds
/// 8,000,000 × 184 to the branch's balances, not 8,000,000 × 365.
#[test]
fn a_branch_is_totalled_day_by_day() {
    let d = tempfile::tempdir().unwrap();
    let r = review(
        d.path(),
        POLICY_A,
        &branch_year(d.path()),
        &["--year", "2026"],
    );
    ok(&r);
    // AG's own average (months present, for art. 21) is still 8,000,000.
    assert_eq!(
        num(&manager(&r, "AG")["metrics"]["deposit_daily_average"], 2),
        dec("8000000")
    );
    let h = manager(&r, "H1");
    // Branch: 10,000,000 × 365 + 10,000,000 × 365 + 8,000,000 × 184
    // = 3,650,000,000 + 3,650,000,000 + 1,472,000,000 = 8,772,000,000;
    // ÷ 365 = 24,032,876.71 (the members' averages added up: 28,000,000).
    assert_eq!(
        num(&h["metrics"]["deposit_daily_average"], 2),
        dec("24032876.71")
    );
    // Growth 4,032,876.71 ÷ 20,000,000 = 20.16% (not 40%): −9.84 points →
    // −9 whole steps × 2 = −18 → 22. NPL none → 30. Interest 60,000 of
    // 60,000 = 100% → +5 steps × 2 = +10 → 30. Fees 12,000 against last
    // year's 10,000 = +20% → 10. 22 + 30 + 30 + 10 = 92 ≥ 90, but growth
    // 20.16% < 27% (90% of the 30% target) → demoted.
    assert_eq!(num(&h["metrics"]["deposit_growth"], 4), dec("0.2016"));
    assert_eq!(num(&h["score"]["total"], 2), dec("92"));
    assert_eq!(outcome(h), ("demote", Some("senior")));
    assert_eq!(rules(h), vec!["A-14-1-head"]);
    // The head's trace shows the day-weighted total: each member's sum of
    // daily balances and the division by the year's 365 days.
    let book = cells(&r.out.join("review-2026.xlsx"));
    let trace = &book.iter().find(|(n, _)| n == "计算过程").unwrap().1;
    // Below the target the steps are subtracted: the head's growth score
    // 40 − 9 × 2 (= 22), never written `40 + -9`.
    let scores = &book.iter().find(|(n, _)| n == "得分明细").unwrap().1;
    assert!(
        scores
            .iter()
            .any(|(_, v)| v.starts_with("40 − 9 档 × 2 分（档距 0.01")),
        "{scores:?}"
    );
    assert!(!scores.iter().any(|(_, v)| v.contains("+ -")));
    let formula = trace
        .iter()
        .find(|(_, v)| v.starts_with("Σ 全支行日余额"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert_eq!(
        formula,
        "Σ 全支行日余额，支行 `城东支行` (3 人) ÷ 365 天 = 8772000000 ÷ 365"
    );
    for (who, sum) in [
        ("H1", "3650000000"),
        ("R1", "3650000000"),
        ("AG", "1472000000"),
    ] {
        let days = if who == "AG" { 184 } else { 365 };
        let name = format!("{who} Σ 日余额 ({days} 天)");
        let at = trace
            .iter()
            .position(|(_, v)| *v == name)
            .unwrap_or_else(|| panic!("no input `{name}` in the trace"));
        assert_eq!(trace[at + 1].1, sum, "{who}");
    }
}

/// A branch's stocks are those of its members at the period's end: R2
/// (mid, base 5,000,000, 5,000,000 of deposits and a 2,000,000 substandard
/// loan) leaves the roster after June. His balances and his base count for
/// the days he was there; his loan is not the branch's in December.
#[test]
fn a_branch_leaver_holds_no_loan_at_the_end() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .zip(months())
        .map(|(m, p)| {
            let mut sheets = branch_month(m);
            if m <= 6 {
                for (name, _, rows) in sheets.iter_mut() {
                    match *name {
                        "客户经理" => rows.push(vec![
                            S("R2"),
                            S("赵离"),
                            S("中级"),
                            S("客户经理"),
                            S("城东支行"),
                            D(2019, 1, 1),
                            N(5_000_000.0),
                        ]),
                        "管户关系" => rows.push(vec![S("CR2"), S("东港物流"), S("R2")]),
                        "存款月日均" => rows.push(vec![S("CR2"), N(5_000_000.0)]),
                        "贷款" => rows.push(vec![
                            S("LR2"),
                            S("CR2"),
                            S("R2"),
                            N(2_000_000.0),
                            S("次级"),
                            N(0.0),
                            N(0.0),
                        ]),
                        _ => {}
                    }
                }
            }
            write_month(d.path(), &p, sheets)
        })
        .collect();
    let r = review(d.path(), POLICY_A, &ledgers, &["--year", "2026"]);
    ok(&r);
    let h = manager(&r, "H1");
    // Deposits: 8,772,000,000 (see above) + 5,000,000 × 181 = 905,000,000
    // → 9,677,000,000 ÷ 365 = 26,512,328.77.
    assert_eq!(
        num(&h["metrics"]["deposit_daily_average"], 2),
        dec("26512328.77")
    );
    // His base counts for the same days as his balances
    // (`branch_base = "members"`): 15,000,000 × 365 + 5,000,000 × 365 +
    // 0 × 184 + 5,000,000 × 181 = 5,475,000,000 + 1,825,000,000 +
    // 905,000,000 = 8,205,000,000 ÷ 365 = 22,479,452.05; growth
    // (9,677,000,000 − 8,205,000,000) ÷ 8,205,000,000 = 17.94% (against
    // 20,000,000 without his base: 32.56%) → −12.06 points → −12 whole
    // steps × 2 → 16.
    assert_eq!(num(&h["metrics"]["deposit_base"], 2), dec("22479452.05"));
    assert_eq!(num(&h["metrics"]["deposit_growth"], 4), dec("0.1794"));
    // Loans at the year's end: R1's 1,000,000 only, none non-performing →
    // NPL 0 → 30 (with R2's June loan: 2,000,000 ÷ 3,000,000 = 66.7% → 0
    // points and a demotion for NPL over 10%).
    assert_eq!(num(&h["metrics"]["loan_balance"], 2), dec("1000000"));
    assert_eq!(num(&h["metrics"]["npl_ratio"], 4), dec("0"));
    // 16 + 30 + 30 + 10 = 86 < 90, growth 17.94% < 27%: demoted on the
    // deposits, not on the loan he took with him.
    assert_eq!(num(&h["score"]["total"], 2), dec("86"));
    assert_eq!(outcome(h), ("demote", Some("senior")));
    assert_eq!(rules(h), vec!["A-14-1-head"]);
}

// ------------------------------ Policy B's disqualifiers, all period ---

/// Policy B: three grade-3 RMs, each with one client of 20,000,000 (last
/// year 5,000,000: new deposits 15,000,000 ≥ grade 3's item d) and a
/// 10,000,000 normal loan paying its 50,000 of interest monthly (normal
/// share last year 98%, now 100%: it rose). Each has one blemish in one
/// month only, gone by December:
/// - P1: May's interest not received, never made up (欠息);
/// - P2: a 1,000,000 substandard (次级) loan at the end of June;
/// - P3: a 200,000 credit advance (垫款) at the end of August.
///
/// `extra`: a fourth RM's rows, for the pass-line test.
fn blemish_month(m: u32) -> Vec<Sheet> {
    let rms = ["P1", "P2", "P3"];
    let managers = rms
        .iter()
        .map(|id| {
            vec![
                S(id),
                S("某人"),
                S("三级"),
                S("南昌分行营业部"),
                D(2020, 1, 1),
            ]
        })
        .collect();
    let clients = rms
        .iter()
        .map(|id| vec![T(format!("K{id}")), S("某公司"), S(id)])
        .collect();
    let averages = rms
        .iter()
        .map(|id| vec![T(format!("K{id}")), N(20_000_000.0)])
        .collect();
    let mut loans: Vec<Vec<V>> = rms
        .iter()
        .map(|id| {
            let received = if *id == "P1" && m == 5 { 0.0 } else { 50_000.0 };
            let advance = if *id == "P3" && m == 8 {
                200_000.0
            } else {
                0.0
            };
            vec![
                T(format!("L{id}")),
                T(format!("K{id}")),
                S(id),
                N(10_000_000.0),
                S("正常"),
                N(50_000.0),
                N(received),
                N(advance),
            ]
        })
        .collect();
    if m == 6 {
        loans.push(vec![
            S("LP2X"),
            S("KP2"),
            S("P2"),
            N(1_000_000.0),
            S("次级"),
            N(0.0),
            N(0.0),
            N(0.0),
        ]);
    }
    let mut baseline: Vec<Vec<V>> = rms
        .iter()
        .map(|id| vec![T(format!("K{id}")), N(5_000_000.0), E, E])
        .collect();
    baseline.extend(rms.iter().map(|id| vec![E, E, S(id), S("98%")]));
    vec![
        (
            "客户经理",
            vec!["客户经理编号", "姓名", "等级", "机构", "营销起始日期"],
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
                "垫款",
            ],
            loans,
        ),
        (
            "上年基数",
            vec![
                "客户编号",
                "上年存款日均",
                "客户经理编号",
                "上年正常贷款占比",
            ],
            baseline,
        ),
    ]
}

/// Art. 11: "当年…不得发生后三类贷款、欠息以及其他授信业务垫款". Each RM's
/// blemish of one month disqualifies every graded post, though December is
/// clean: grade 3's item d (20,000,000 − 5,000,000 = 15,000,000 ≥
/// 15,000,000) holds, but only the trainee grade has no disqualifiers; its
/// pass line 20,000,000 ≥ 10,000,000 holds → demoted to trainee.
#[test]
fn disqualifiers_look_at_every_month_end() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .zip(months())
        .map(|(m, p)| write_month(d.path(), &p, blemish_month(m)))
        .collect();
    let r = review(d.path(), POLICY_B, &ledgers, &["--year", "2026"]);
    ok(&r);
    // Each blemish with its month and figure: P1 May's interest 50,000
    // due, 0 received; P2 June's 次级 loan of 1,000,000; P3 August's
    // advance of 200,000.
    for (id, why) in [
        (
            "P1",
            "否决：发生欠息，欠息高于 0.00 的月份（2026-05 50,000.00）（B-overdue）",
        ),
        (
            "P2",
            "否决：发生后三类贷款，不良贷款余额高于 0.00 的月份（2026-06 1,000,000.00）（B-npl）",
        ),
        (
            "P3",
            "否决：发生授信业务垫款，垫款高于 0.00 的月份（2026-08 200,000.00）（B-advances）",
        ),
    ] {
        let m = manager(&r, id);
        assert_eq!(outcome(m), ("demote", Some("trainee")), "{id}: {m}");
        let reasons = m["reasons"].to_string();
        assert!(reasons.contains(why), "{id}: {reasons}");
    }
    // P1's interest still unpaid at the year's end: 12 × 50,000 due −
    // 11 × 50,000 received = 50,000 (December's due − received alone: 0).
    assert_eq!(
        num(&manager(&r, "P1")["metrics"]["overdue_interest"], 2),
        dec("50000")
    );
    assert_eq!(
        num(&manager(&r, "P2")["metrics"]["overdue_interest"], 2),
        dec("0")
    );
}

// ------------------------------------- the pass line's own scope (B) ---

/// Policy B, Q1 (二级 since 2020): client QA 14,500,000 with `usd` of
/// settlements in month `m` of `year`, client QB 900,000; last year the
/// same.
fn pass_line_month(year: u16, m: u32, usd: f64) -> Vec<Sheet> {
    vec![
        (
            "客户经理",
            vec!["客户经理编号", "姓名", "等级", "机构", "营销起始日期"],
            vec![vec![
                S("Q1"),
                S("某人"),
                S("二级"),
                S("南昌分行营业部"),
                D(2020, 1, 1),
            ]],
        ),
        (
            "管户关系",
            vec!["客户编号", "客户名称", "客户经理编号"],
            vec![
                vec![S("QA"), S("甲公司"), S("Q1")],
                vec![S("QB"), S("乙公司"), S("Q1")],
            ],
        ),
        (
            "存款月日均",
            vec!["客户编号", "月日均余额(元)"],
            vec![vec![S("QA"), N(14_500_000.0)], vec![S("QB"), N(900_000.0)]],
        ),
        (
            "国际结算",
            vec!["客户编号", "结算金额(美元)", "日期"],
            vec![vec![S("QA"), N(usd), D(year, m as u8, 15)]],
        ),
        (
            "上年基数",
            vec!["客户编号", "上年存款日均"],
            vec![vec![S("QA"), N(14_500_000.0)], vec![S("QB"), N(900_000.0)]],
        ),
    ]
}

/// Art. 9: the pass line counts clients of 500,000 and over, whatever the
/// grade's exclusion threshold. Grade 2 ignores clients under 1,000,000
/// for its items (QB), but not for its pass line: 14,500,000 + 900,000 =
/// 15,400,000 ≥ 15,000,000. Item c: 12 × USD 1,000,000 = 12,000,000 ≥
/// 10,000,000 → 1 of 1; tenure 6 ≥ 1; no loans → kept at grade 2. (Summed
/// over grade 2's own clients, 14,500,000 < 15,000,000 and Q1 falls to
/// grade 3.)
#[test]
fn the_pass_line_has_its_own_client_scope() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .zip(months())
        .map(|(m, p)| write_month(d.path(), &p, pass_line_month(2026, m, 1_000_000.0)))
        .collect();
    let r = review(d.path(), POLICY_B, &ledgers, &["--year", "2026"]);
    ok(&r);
    let q = manager(&r, "Q1");
    assert_eq!(outcome(q), ("keep", Some("grade2")), "{q}");
    let reasons = q["reasons"].to_string();
    assert!(
        reasons.contains("及格线（单户日均500,000及以上） 15,400,000.00 ≥ 15,000,000.00"),
        "{reasons}"
    );
}

// ------------------------ a quarter against a yearly threshold (B) ---

/// Q1 of `pass_line_month` with USD 1,200,000 of settlements a month from
/// January to September and none in the fourth quarter.
fn settlement_year(dir: &Path) -> Vec<String> {
    (1..=12)
        .zip(months())
        .map(|(m, p)| {
            let usd = if m <= 9 { 1_200_000.0 } else { 0.0 };
            write_month(dir, &p, pass_line_month(2026, m, usd))
        })
        .collect()
}

/// `review.quarter_settlements` decides how a quarter meets item c's yearly
/// volume (年国际结算额). Grade 2: USD 10,000,000, clients from 1,000,000.
#[test]
fn a_quarter_reads_settlements_as_the_policy_says() {
    let d = tempfile::tempdir().unwrap();
    let all = settlement_year(d.path());
    let q4: Vec<String> = all[9..].to_vec();
    // Shipped, "pro_rated": the fourth quarter's USD 0 < 10,000,000 × 3 ÷
    // 12 = 2,500,000: not grade 2; grade 3 (c 0 < 1,250,000; a, b loans 0;
    // d 0) neither; the trainee pass line 15,400,000 ≥ 10,000,000 →
    // demoted to trainee.
    let r = review(
        d.path(),
        POLICY_B,
        &q4,
        &["--year", "2026", "--quarter", "4"],
    );
    ok(&r);
    assert_eq!(outcome(manager(&r, "Q1")), ("demote", Some("trainee")));

    // "trailing_twelve_months": 2026-01 to 2026-12, 9 × 1,200,000 + 3 × 0
    // = 10,800,000 ≥ 10,000,000 → 1 of 1; pass line 15,400,000 ≥
    // 15,000,000 → kept at grade 2.
    let text = std::fs::read_to_string(super::util::root().join(POLICY_B)).unwrap();
    let ttm = d.path().join("ttm.toml");
    let changed = text.replace(
        "quarter_settlements = \"pro_rated\"",
        "quarter_settlements = \"trailing_twelve_months\"",
    );
    assert_ne!(changed, text);
    std::fs::write(&ttm, changed).unwrap();
    let ttm = ttm.display().to_string();
    let d2 = tempfile::tempdir().unwrap();
    let r = review(d2.path(), &ttm, &all, &["--year", "2026", "--quarter", "4"]);
    ok(&r);
    let q = manager(&r, "Q1");
    assert_eq!(num(&q["metrics"]["settlements_usd"], 2), dec("10800000"));
    assert_eq!(outcome(q), ("keep", Some("grade2")));
    // Without the nine months before the quarter there is no such figure:
    // an error naming them, and nothing written.
    let d3 = tempfile::tempdir().unwrap();
    review_fails(
        d3.path(),
        &ttm,
        &q4,
        &["--year", "2026", "--quarter", "4"],
        "
        rmpay: error[missing-months]: the review of 2026-Q4 needs every month and, for its settlements over the trailing twelve months (review.quarter_settlements), 2026-01 to 2026-09; missing: 2026-01, 2026-02, 2026-03, 2026-04, 2026-05, 2026-06, 2026-07, 2026-08, 2026-09 (give their ledgers, or --partial for a partial review)
        rmpay: 1 error(s); nothing was written
        ",
    );
}

// ------------------------------------------ a policy not in force ---

/// Both shipped policies are in force from 2026-01-01: a review of 2025
/// under them is an error, as payroll's `--rules` finds no version.
#[test]
pub(super) fn a_review_needs_the_policy_in_force() {
    let d = tempfile::tempdir().unwrap();
    let dec25 = write_month(d.path(), "2025-12", pass_line_month(2025, 12, 0.0));
    review_fails(
        d.path(),
        POLICY_B,
        &[dec25],
        &["--year", "2025", "--quarter", "4", "--partial"],
        "
        rules/bocom-nanchang.toml: error[no-policy-in-force]: policy `bocom-nanchang` version 2026.1 is in force 2026-01-01 to …, not in 2025-12, the last month of the review period 2025-Q4
        rmpay: 1 error(s); nothing was written
        ",
    );
}

// ------------------------------------------ no figure silently zero ---

/// The branch of `branch_month` without last year's fee income.
fn branch_year_without_prior_fees(dir: &Path) -> Vec<String> {
    (1..=12)
        .zip(months())
        .map(|(m, p)| {
            let mut sheets = branch_month(m);
            sheets.retain(|(name, ..)| *name != "上年基数");
            write_month(dir, &p, sheets)
        })
        .collect()
}

/// H1's fee-income item (A-13-4-head) needs last year's fee income: the
/// branch's, its members' (`branch_base = "members"`). R1 has fees this
/// year and none given for last year, so the branch has no figure: the
/// shipped policy stops with an error naming the head, the figure and the
/// member whose input is missing, and writes nothing (it used to score 0
/// points in silence).
#[test]
pub(super) fn a_missing_figure_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let ledgers = branch_year_without_prior_fees(d.path());
    review_fails(
        d.path(),
        POLICY_A,
        &ledgers,
        &["--year", "2026"],
        "
        rmpay: error[missing-figure]: H1: no figure for `fee_growth` (last year's fee income is missing for R1, with fee income this period: `fee_income` (上年中间业务收入) on each one's row of the `baseline` sheet (0 if they had none), or last year's months in the archive), which A-13-4-head needs; give it, or set `when_missing = \"not_assessed\"` on the rule in the policy
        rmpay: 1 error(s); nothing was written
        ",
    );
}

/// Where the policy says so (`when_missing = "not_assessed"`), the item is
/// not assessed, and says so on the console, in the workbook and in the
/// JSON. H1 then scores 22 + 30 + 30 = 82 (see
/// `a_branch_is_totalled_day_by_day`), the fee item not assessed.
#[test]
pub(super) fn not_assessed_is_said_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let changed = text.replace(
        "metric = \"fee_growth\"\n",
        "metric = \"fee_growth\"\n  when_missing = \"not_assessed\"\n",
    );
    assert_ne!(changed, text);
    let policy = d.path().join("a.toml");
    std::fs::write(&policy, changed).unwrap();
    let ledgers = branch_year_without_prior_fees(d.path());
    let r = review(
        d.path(),
        policy.to_str().unwrap(),
        &ledgers,
        &["--year", "2026"],
    );
    ok(&r);
    // Console.
    assert_eq!(
        r.stderr.replace(&d.path().display().to_string(), "$DIR"),
        "rmpay: warning[not-assessed]: H1: [A-13-4-head] not assessed: no figure for `fee_growth` (last year's fee income is missing for R1, with fee income this period: `fee_income` (上年中间业务收入) on each one's row of the `baseline` sheet (0 if they had none), or last year's months in the archive)\n\
         rmpay: warning[not-assessed]: H1: [A-14-1-head-twice] not assessed: no figure for `previous_decision_demote` (last year's review is not given: pass last year's `rmpay review --json` file as `--previous-review FILE`)\n\
         rmpay: review 2026: 3 RMs; promote 1, keep 1, demote 1, terminate 0\n\
         rmpay: wrote $DIR/out/review-2026.xlsx\n\
         rmpay: wrote $DIR/review.json\n"
    );
    // JSON.
    let h = manager(&r, "H1");
    let fee = h["score"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "fee_growth")
        .unwrap();
    assert_eq!(fee["assessed"], false);
    assert!(fee["value"].is_null());
    // Last year's review is not given either: the two-years rule is not
    // assessed (the shipped `when_missing`).
    assert_eq!(
        h["not_assessed"],
        serde_json::json!(["A-13-4-head", "A-14-1-head-twice"])
    );
    assert_eq!(num(&h["score"]["total"], 2), dec("82"));
    assert!(h["reasons"].to_string().contains("[A-13-4-head] 未考核"));
    // Workbook: the score breakdown's points say 未考核, the note why.
    let book = cells(&r.out.join("review-2026.xlsx"));
    let scores = &book.iter().find(|(n, _)| n == "得分明细").unwrap().1;
    let row = scores
        .iter()
        .find(|(_, v)| v == "A-13-4-head")
        .map(|(a, _)| a.trim_start_matches(char::is_alphabetic).to_string())
        .unwrap();
    let at = |col: &str| {
        scores
            .iter()
            .find(|(a, _)| *a == format!("{col}{row}"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(at("A"), "H1");
    assert_eq!(at("J"), "未考核");
    assert_eq!(at("K"), "未考核：无数据 中间业务收入增长率");
}

/// A junior's exam gate (`tiers.junior.exam_min = 60`, art. 10) needs the
/// exam score. R1 of the branch scenario, made a junior, has none: an
/// error, not a pass; with `exam_when_missing = "not_assessed"` on the
/// tier, said instead.
#[test]
fn a_missing_exam_score_is_not_a_pass() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .zip(months())
        .map(|(m, p)| {
            let mut sheets = branch_month(m);
            for (name, _, rows) in sheets.iter_mut() {
                if *name == "客户经理" {
                    rows[1][2] = S("初级");
                }
            }
            write_month(d.path(), &p, sheets)
        })
        .collect();
    review_fails(
        d.path(),
        POLICY_A,
        &ledgers,
        &["--year", "2026"],
        "
        rmpay: error[missing-figure]: R1: no figure for `exam_score` (`exam_score` (考试成绩) is empty in the `managers` sheet), which tiers.junior.exam_min needs; give it, or set `exam_when_missing = \"not_assessed\"` on the tier in the policy
        rmpay: 1 error(s); nothing was written
        ",
    );

    let text = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let changed = text.replace(
        "exam_min = 60 ",
        "exam_when_missing = \"not_assessed\"\nexam_min = 60 ",
    );
    assert_ne!(changed, text);
    let policy = d.path().join("a.toml");
    std::fs::write(&policy, changed).unwrap();
    let d2 = tempfile::tempdir().unwrap();
    let r = review(
        d2.path(),
        policy.to_str().unwrap(),
        &ledgers,
        &["--year", "2026"],
    );
    ok(&r);
    assert_eq!(
        r.stderr.replace(&d2.path().display().to_string(), "$DIR"),
        "rmpay: warning[not-assessed]: H1: [A-14-1-head-twice] not assessed: no figure for `previous_decision_demote` (last year's review is not given: pass last year's `rmpay review --json` file as `--previous-review FILE`)\n\
         rmpay: warning[not-assessed]: R1: [tiers.junior.exam_min] not assessed: no figure for `exam_score` (`exam_score` (考试成绩) is empty in the `managers` sheet)\n\
         rmpay: review 2026: 3 RMs; promote 1, keep 1, demote 1, terminate 0\n\
         rmpay: wrote $DIR/out/review-2026.xlsx\n\
         rmpay: wrote $DIR/review.json\n"
    );
    assert_eq!(
        manager(&r, "R1")["not_assessed"],
        serde_json::json!(["tiers.junior.exam_min"])
    );
}

/// Team-building notes: a qualification is valid for two years
/// (`qualification_valid_years = 2`). An RM with no qualification date
/// (资格取得日期) is not taken as qualified: an error naming it.
#[test]
fn a_missing_qualification_date_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let changed = text.replace(
        "average_over = \"months_present\"\n",
        "average_over = \"months_present\"\nqualification_valid_years = 2\n",
    );
    assert_ne!(changed, text);
    let policy = d.path().join("a.toml");
    std::fs::write(&policy, changed).unwrap();
    review_fails(
        d.path(),
        policy.to_str().unwrap(),
        &branch_year(d.path()),
        &["--year", "2026"],
        "
        rmpay: error[missing-figure]: H1: no figure for `qualified_on` (`qualified_on` (资格取得日期) is empty in the `managers` sheet), which review.qualification_valid_years needs; give it
        rmpay: error[missing-figure]: R1: no figure for `qualified_on` (`qualified_on` (资格取得日期) is empty in the `managers` sheet), which review.qualification_valid_years needs; give it
        rmpay: error[missing-figure]: AG: no figure for `qualified_on` (`qualified_on` (资格取得日期) is empty in the `managers` sheet), which review.qualification_valid_years needs; give it
        rmpay: 3 error(s); nothing was written
        ",
    );
}

// ------------------------------------------- the ledgers' warnings ---

/// A review prints its ledgers' warnings, as `payroll` and `check` do (it
/// dropped them): October's incident dated in September is read, kept out
/// of October's figures, and named with its cell.
#[test]
fn a_review_prints_its_ledgers_warnings() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (10..=12)
        .map(|m| {
            let mut sheets = pass_line_month(2026, m, 1_000_000.0);
            if m == 10 {
                sheets.push((
                    "违规与损失",
                    vec!["客户经理编号", "日期", "事由", "扣分"],
                    vec![vec![S("Q1"), D(2026, 9, 30), S("迟报"), N(0.0)]],
                ));
            }
            write_month(d.path(), &format!("2026-{m}"), sheets)
        })
        .collect();
    let r = review(
        d.path(),
        POLICY_B,
        &ledgers,
        &["--year", "2026", "--quarter", "4"],
    );
    ok(&r);
    let warning = format!(
        "{} [违规与损失]!B2: warning[outside-period]: incident dated 2026-09-30, outside 2026-10: not counted in this month's figures",
        d.path().join("2026-10.xlsx").display()
    );
    assert!(r.stderr.lines().any(|l| l == warning), "{}", r.stderr);
}

// --------------------- a client moved between RMs in the year (B) ---

/// Policy B, month `m`: client CM (60,000,000 a month; last year
/// 40,000,000) is M1's (三级) from January to March and M2's (四级) from
/// April; M2 also has CK (10,000,000; last year the same) all year.
pub(super) fn moved_client_month(m: u32) -> Vec<Sheet> {
    let holder = if m <= 3 { "M1" } else { "M2" };
    vec![
        (
            "客户经理",
            vec!["客户经理编号", "姓名", "等级", "机构", "营销起始日期"],
            vec![
                vec![
                    S("M1"),
                    S("周五"),
                    S("三级"),
                    S("南昌分行营业部"),
                    D(2019, 1, 1),
                ],
                vec![
                    S("M2"),
                    S("吴六"),
                    S("四级"),
                    S("南昌分行营业部"),
                    D(2021, 1, 1),
                ],
            ],
        ),
        (
            "管户关系",
            vec!["客户编号", "客户名称", "客户经理编号"],
            vec![
                vec![S("CM"), S("瑶湖科技"), S(holder)],
                vec![S("CK"), S("象湖置业"), S("M2")],
            ],
        ),
        (
            "存款月日均",
            vec!["客户编号", "月日均余额(元)"],
            vec![
                vec![S("CM"), N(60_000_000.0)],
                vec![S("CK"), N(10_000_000.0)],
            ],
        ),
        (
            "上年基数",
            vec!["客户编号", "上年存款日均"],
            vec![
                vec![S("CM"), N(40_000_000.0)],
                vec![S("CK"), N(10_000_000.0)],
            ],
        ),
    ]
}

/// Item d (年新增日均存款) of a client that changed hands in the year:
/// last year's figure is weighted by the days each RM held the client, as
/// this year's is, so the client's growth (60,000,000 − 40,000,000 =
/// 20,000,000) is split between them, not last year's 40,000,000 held
/// whole against each (which made the two RMs' new deposits add up to
/// −20,000,000 for a client that grew by 20,000,000).
///
/// M1 held CM 90 days (Jan–Mar): this year 60,000,000 × 90 ÷ 365 =
/// 14,794,520.547…, last year 40,000,000 × 90 ÷ 365 = 9,863,013.698…,
/// new 20,000,000 × 90 ÷ 365 = 4,931,506.849… → 4,931,506.85.
/// M2 held CM 275 days (Apr–Dec) and CK all year: this year 10,000,000 +
/// 60,000,000 × 275 ÷ 365 = 55,205,479.452…, last year 10,000,000 +
/// 40,000,000 × 275 ÷ 365 = 40,136,986.301…, new 20,000,000 × 275 ÷ 365 =
/// 15,068,493.150… → 15,068,493.15 ≥ 15,000,000: grade 3's item d holds
/// (grade 2's d needs 25,000,000, its a 75,000,000 > 55,205,479.45), so
/// M2 is promoted to grade 3. (Before: 55,205,479.45 − 50,000,000 =
/// 5,205,479.45, and M2 fell to trainee.) Together 4,931,506.85 +
/// 15,068,493.15 = 20,000,000.00.
#[test]
fn a_moved_client_s_last_year_is_split_by_the_days_each_rm_held_it() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .zip(months())
        .map(|(m, p)| write_month(d.path(), &p, moved_client_month(m)))
        .collect();
    let r = review(d.path(), POLICY_B, &ledgers, &["--year", "2026"]);
    ok(&r);
    let (m1, m2) = (manager(&r, "M1"), manager(&r, "M2"));
    assert_eq!(
        num(&m1["metrics"]["deposit_new"], 2),
        dec("4931506.85"),
        "{m1}"
    );
    assert_eq!(
        num(&m2["metrics"]["deposit_new"], 2),
        dec("15068493.15"),
        "{m2}"
    );
    assert_eq!(
        num(&m1["metrics"]["deposit_new"], 2) + num(&m2["metrics"]["deposit_new"], 2),
        dec("20000000.00")
    );
    assert_eq!(outcome(m2), ("promote", Some("grade3")), "{m2}");
    let reasons = m2["reasons"].to_string();
    assert!(
        reasons.contains("新增日均存款 15,068,493.15 ≥ 15,000,000.00"),
        "{reasons}"
    );
}

/// A trainee who joined in July under Policy B (`average_over =
/// "period"`): J1's client CJ, 20,000,000 a month from July, averages
/// 20,000,000 × 184 ÷ 365 = 10,082,191.78 over the year (not 20,000,000
/// over the months in post), ≥ the pass line 10,000,000: kept. The
/// summary's line on the part of the year says so, and does not claim
/// the figures are over the months in post (Policy A's `months_present`,
/// `review::policy_a_summary_reads_in_words`, keeps that line).
#[test]
fn a_joiner_s_figures_say_they_are_over_the_whole_period() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .zip(months())
        .map(|(m, p)| {
            let mut sheets = moved_client_month(m);
            if m >= 7 {
                sheets[0].2.push(vec![
                    S("J1"),
                    S("李四"),
                    S("见习"),
                    S("南昌分行营业部"),
                    D(2026, 7, 1),
                ]);
                sheets[1].2.push(vec![S("CJ"), S("红谷新材"), S("J1")]);
                sheets[2].2.push(vec![S("CJ"), N(20_000_000.0)]);
            }
            write_month(d.path(), &p, sheets)
        })
        .collect();
    let r = review(d.path(), POLICY_B, &ledgers, &["--year", "2026"]);
    ok(&r);
    let j = manager(&r, "J1");
    assert_eq!(outcome(j), ("keep", Some("trainee")), "{j}");
    assert_eq!(
        num(&j["metrics"]["deposit_daily_average"], 2),
        dec("10082191.78")
    );
    let book = cells(&r.out.join("review-2026.xlsx"));
    let summary = &book.iter().find(|(s, _)| s == "考核汇总").unwrap().1;
    let why = summary
        .iter()
        .find(|(a, t)| a.starts_with('N') && t.contains("10,082,191.78"))
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("{summary:?}"));
    assert!(
        why.starts_with("（在岗 6 个月）日均按考核期全部天数平均，不在岗的月份计 0\n"),
        "{why}"
    );
}

// ------------------------------------------ a trainee's year (B) ---

/// Policy B, month `m` of 2026: trainees (见习) P1, who started marketing
/// on 2026-04-01, and P2, on 2025-07-01, each with one client of
/// 20,000,000 (monthly average, constant) and 5,000,000 last year.
fn trainee_month(m: u32) -> Vec<Sheet> {
    vec![
        (
            "客户经理",
            vec!["客户经理编号", "姓名", "等级", "机构", "营销起始日期"],
            vec![
                vec![
                    S("P1"),
                    S("新人"),
                    S("见习"),
                    S("南昌分行营业部"),
                    D(2026, 4, 1),
                ],
                vec![
                    S("P2"),
                    S("老见习"),
                    S("见习"),
                    S("南昌分行营业部"),
                    D(2025, 7, 1),
                ],
            ],
        ),
        (
            "管户关系",
            vec!["客户编号", "客户名称", "客户经理编号"],
            vec![
                vec![S("PA"), S("甲公司"), S("P1")],
                vec![S("PB"), S("乙公司"), S("P2")],
            ],
        ),
        (
            "存款月日均",
            vec!["客户编号", "月日均余额(元)"],
            vec![
                vec![S("PA"), N(20_000_000.0)],
                vec![S("PB"), N(20_000_000.0)],
            ],
        ),
        (
            "国际结算",
            vec!["客户编号", "结算金额(美元)", "日期"],
            vec![vec![S("PA"), N(0.0), D(2026, m as u8, 15)]],
        ),
        (
            "上年基数",
            vec!["客户编号", "上年存款日均"],
            vec![vec![S("PA"), N(5_000_000.0)], vec![S("PB"), N(5_000_000.0)]],
        ),
    ]
}

/// Art. 6 "见习期为一年", art. 11(6) "次年…聘任": a trainee is graded
/// after a year (`probation_months = 12` on the trainee tier). Both
/// trainees' figures in the third quarter meet grade 3: d, new deposits
/// 20,000,000 − 5,000,000 = 15,000,000 ≥ 15,000,000 → 1 of 1; pass line
/// 20,000,000 ≥ 15,000,000. P1, from 2026-04-01 to 2026-09-30, has served
/// 6 whole months < 12: kept a trainee, saying why. P2, from 2025-07-01,
/// 15 months ≥ 12: promoted to grade 3.
#[test]
fn a_trainee_is_graded_after_a_year() {
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (7..=9)
        .map(|m| write_month(d.path(), &format!("2026-{m:02}"), trainee_month(m)))
        .collect();
    let r = review(
        d.path(),
        POLICY_B,
        &ledgers,
        &["--year", "2026", "--quarter", "3"],
    );
    ok(&r);
    let p1 = manager(&r, "P1");
    assert_eq!(outcome(p1), ("keep", Some("trainee")), "{p1}");
    assert_eq!(num(&p1["metrics"]["months_in_service"], 0), dec("6"));
    let said = "见习期未满一年（入职 2026-04-01，至 2026-09-30 满 6 个月），不参与晋级\
                （按考核业绩可晋升为三级客户经理） → 保持（tiers.trainee.probation_months）";
    assert!(
        p1["reasons"].to_string().contains(said),
        "{}",
        p1["reasons"]
    );
    let summary = cells(&r.out.join("review-2026-Q3.xlsx"));
    let all = format!("{summary:?}");
    assert!(all.contains(said), "{all}");
    // The grade line does not say "→ 晋升" for P1 any more.
    assert!(
        !p1["reasons"].to_string().contains("晋升（B-11-4）"),
        "{}",
        p1["reasons"]
    );
    let p2 = manager(&r, "P2");
    assert_eq!(num(&p2["metrics"]["months_in_service"], 0), dec("15"));
    assert_eq!(outcome(p2), ("promote", Some("grade3")), "{p2}");
}

// ----------------------- what a policy says and the engine cannot do ---

/// A review condition over more consecutive months than the review period
/// has could never hold: Policy B's B-npl over six months running, in a
/// quarter's review (three months), is an error at the condition's line
/// and column, and nothing is written. Was: the rule silently never fired.
/// (Over 12 months it could hold in no review: refused when the policy is
/// read.)
#[test]
fn a_run_longer_than_the_review_is_a_policy_error() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(super::util::root().join(POLICY_B)).unwrap();
    let from = "when = { consecutive_months = 1, metric = \"npl_balance\"";
    let changed = text.replacen(
        from,
        "when = { consecutive_months = 6, metric = \"npl_balance\"",
        1,
    );
    assert_ne!(changed, text);
    // Where the 6 is: its line, and its column (1-based, in characters).
    let (line, col) = changed
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.find("consecutive_months = 6").map(|c| {
                (
                    i + 1,
                    l[..c].chars().count() + "consecutive_months = ".len() + 1,
                )
            })
        })
        .unwrap();
    let policy = d.path().join("b.toml");
    std::fs::write(&policy, &changed).unwrap();
    let ledgers: Vec<String> = (7..=9)
        .map(|m| write_month(d.path(), &format!("2026-{m:02}"), trainee_month(m)))
        .collect();
    review_fails(
        d.path(),
        policy.to_str().unwrap(),
        &ledgers,
        &["--year", "2026", "--quarter", "3"],
        &format!(
            "
            $DIR/b.toml:{line}:{col}: error[not-applicable]: `review.disqualifiers[0].when.consecutive_months` asks for 6 months running, but the review of 2026-Q3 has 3 months: the rule could never hold in it. Review the whole year, or make the months at most 3
            rmpay: 1 error(s); nothing was written
            "
        ),
    );
    // Thirteen months: no review could see them.
    std::fs::write(
        &policy,
        text.replacen(
            from,
            "when = { consecutive_months = 13, metric = \"npl_balance\"",
            1,
        ),
    )
    .unwrap();
    let o = run(&["check", "--policy", policy.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "{}:{line}:{col}: error[out-of-range]",
            policy.display()
        )),
        "{}",
        o.stderr
    );
}

/// `[score] total` is the components' full points: where it is written,
/// each scored tier's components must add up to it. Policy A's RMs: 40 +
/// 30 + 20 + 10 = 100; written as 90, an error at `total`. Was: accepted
/// and never read.
#[test]
fn a_score_total_the_components_do_not_make_is_a_policy_error() {
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(super::util::root().join(POLICY_A)).unwrap();
    let changed = text.replacen("[score]\ntotal = 100", "[score]\ntotal = 90", 1);
    assert_ne!(changed, text);
    let line = changed.lines().position(|l| l == "total = 90").unwrap() + 1;
    let policy = d.path().join("a.toml");
    std::fs::write(&policy, &changed).unwrap();
    let o = run(&[
        "--lang",
        "en",
        "check",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    // The first scored tier, provisional_junior: deposit_growth 40, npl
    // 30, collection 20, basic_accounts 10 = 100 ≠ 90.
    assert!(
        o.stderr.contains(&format!(
            "{}:{line}:9: error[out-of-range]: score `total` is 90 points, but the components that apply to tier `provisional_junior` have 100 full points (deposit_growth 40, npl 30, collection 20, basic_accounts 10): make them agree",
            policy.display()
        )),
        "{}",
        o.stderr
    );
    // As shipped, 100: valid.
    assert_eq!(run(&["check", "--policy", POLICY_A]).code, 0);
}
