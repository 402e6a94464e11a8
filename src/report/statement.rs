//! `rmpay statement`: one RM's month on one printable page, to hand to that
//! RM alone. It holds their pay lines, deductions, risk deposit, net and
//! total paid, year-to-date figures and key metrics, each with its rule and
//! its inputs in words, and nothing of anyone else: a client shared with
//! another RM shows only this RM's share and part.
//!
//! The figures are the payroll's own (the same `Payslip` the register
//! shows); the words reuse the pay workbook's names (`report::pay`).

use super::pay::{
    RunInfo, amount_text, line_name, movements_text, opening_text, percent_text, tier_name,
};
use super::{Cell, Lang, RowStyle};
use crate::engine::pay::{CARRIED_LOSS, MovementKind, OpeningSource, RmResult};
use crate::metrics::monthly::ClientMonth;
use crate::policy::{HoldbackBase, PayKind, Policy};
use crate::trace::Step;
use crate::vocab::Period;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The most clients listed by name on a statement; the rest are summed in
/// one line so that the page stays one page.
pub const MAX_CLIENTS_LISTED: usize = 25;

/// One printable page: a single sheet, A4 portrait, fitted to one page,
/// with a title in the print header and page numbers in the footer.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub sheet: String,
    /// The document title (workbook properties).
    pub title: String,
    /// Printed at the top left and top right of the page.
    pub header_left: String,
    pub header_right: String,
    /// Printed at the bottom left, beside the page number.
    pub footer_left: String,
    /// Language of the page-number footer.
    pub lang: Lang,
    /// Column widths, in characters.
    pub widths: Vec<f64>,
    /// The column whose text wraps (the row grows to show it).
    pub wrap_column: usize,
    /// Rows top to bottom. A row of one text cell in `Title` or `Normal`
    /// style with nothing else spans the page's width.
    pub rows: Vec<(RowStyle, Vec<Cell>)>,
    /// Decimal places of money cells.
    pub money_scale: u32,
    /// The document date (the period's last day, never the clock).
    pub date: chrono::NaiveDate,
}

/// `statement-2026-10-RM001.xlsx`. Characters that cannot be part of a file
/// name on every system (path separators, `:`, `*`, …) become `_`.
pub fn file_name(period: Period, rm_id: &str) -> String {
    format!("statement-{period}-{}.xlsx", file_id(rm_id))
}

/// An RM id as part of a file name: characters that cannot be part of a
/// file name on every system become `_` (the per-RM files of `statement`
/// and `review --notices`).
pub fn file_id(rm_id: &str) -> String {
    rm_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A figure in words: two places, or its exact digits (up to six places)
/// when it has more, so that the words recompute the figure.
fn exact_text(v: Decimal) -> String {
    let r = v.round_dp(6).normalize();
    if r.scale() <= 2 {
        amount_text(v, 2)
    } else {
        amount_text(r, r.scale())
    }
}

/// A number without trailing zeros (rates, counts).
fn plain(v: Decimal) -> String {
    v.normalize().to_string()
}

/// Short English names of the figures a statement shows (the catalogue's
/// English is a definition, too long for a label).
const SHORT_EN: &[(&str, &str)] = &[
    ("deposit_daily_average", "Deposit daily avg"),
    ("deposit_base", "Base deposit"),
    ("deposit_stock", "Deposit stock"),
    ("deposit_increment", "Deposit increment"),
    ("loan_balance", "Loan balance"),
    ("loan_daily_average", "Loan daily avg"),
    ("npl_balance", "NPL balance"),
    ("npl_ratio", "NPL ratio"),
    ("interest_due", "Interest due"),
    ("interest_received", "Interest received"),
    ("collection_rate", "Collection rate"),
    ("fee_income", "Fee income"),
    ("new_basic_accounts", "New basic accounts"),
    ("incident_points", "Violation points"),
    ("incident_loss", "Losses"),
    ("settlements_usd", "Intl settlement (USD)"),
    // Review figures (the notices of `review --notices`).
    ("deposit_new", "New deposits"),
    ("deposit_growth", "Deposit growth"),
    ("deposit_to_base", "Deposits ÷ base"),
    ("months_in_service", "Months in service"),
    ("tenure_years", "Tenure (years)"),
    ("exam_score", "Exam score"),
    ("fee_growth", "Fee income growth"),
    ("score", "Score"),
];

pub(crate) fn metric_label(name: &str, lang: Lang) -> String {
    if lang == Lang::En
        && let Some((_, short)) = SHORT_EN.iter().find(|(n, _)| *n == name)
    {
        return short.to_string();
    }
    crate::vocab::Metric::ALL
        .iter()
        .find(|m| m.id() == name)
        .map(|m| lang.pick(m.zh(), m.en()).to_string())
        .unwrap_or_else(|| name.to_string())
}

/// A figure of the month as text; `—` when the month has none (a ratio
/// without its denominator), never a 0 the data did not give.
fn metric_value_text(name: &str, v: Option<Decimal>) -> String {
    let Some(v) = v else {
        return "—".to_string();
    };
    match name {
        "npl_ratio" | "collection_rate" | "deposit_to_base" => percent_text(v),
        "new_basic_accounts" | "incident_points" => plain(v),
        _ => exact_text(v),
    }
}

/// The rule column: a policy rule id as it is; the engine's own figures in
/// words.
fn rule_text(rule: &str, lang: Lang) -> String {
    match rule {
        "metric" => crate::text::rule_metric(lang).into(),
        "pay" => crate::text::rule_pay(lang).into(),
        "restate" => crate::text::rule_restate(lang).into(),
        r => match (lang, crate::text::trace_figure(r, lang)) {
            (Lang::Zh, Some(name)) => name.into(),
            _ => r.into(),
        },
    }
}

fn step<'a>(r: &'a RmResult, figure: &str) -> Option<&'a Step> {
    r.month.trace.iter().find(|s| s.figure == figure)
}

/// An input of a step, by name.
fn step_input<'a>(s: Option<&'a Step>, name: &str) -> Option<&'a str> {
    s?.inputs
        .iter()
        .find(|i| &*i.name == name)
        .map(|i| &*i.value)
}

struct Rows {
    rows: Vec<(RowStyle, Vec<Cell>)>,
}

impl Rows {
    fn push(&mut self, style: RowStyle, cells: Vec<Cell>) {
        self.rows.push((style, cells));
    }

    /// A line of text across the page.
    fn line(&mut self, style: RowStyle, text: String) {
        self.push(style, vec![Cell::Text(text)]);
    }

    /// A figure: name, value, rule, inputs in words.
    fn figure(&mut self, style: RowStyle, name: String, value: Cell, rule: &str, words: String) {
        self.push(
            style,
            vec![Cell::Text(name), value, Cell::text(rule), Cell::Text(words)],
        );
    }

    fn section(&mut self, title: &str, columns: [&str; 4]) {
        self.push(RowStyle::Blank, Vec::new());
        self.line(RowStyle::Title, title.to_string());
        self.push(
            RowStyle::Header,
            columns.iter().map(|c| Cell::text(*c)).collect(),
        );
    }
}

/// The statement of one RM. `clients` is the month's client list (only
/// this RM's assignments are read from it); `draft` marks a month not
/// closed.
pub fn statement(
    policy: &Policy,
    run: &RunInfo,
    r: &RmResult,
    clients: &BTreeMap<String, ClientMonth>,
    days: u32,
    draft: bool,
    lang: Lang,
) -> Page {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let m = |d: Decimal| amount_text(d, 2);
    let money = |d: Decimal| Cell::Money(d);
    let p = run.period;
    let pay = &r.pay;
    let met = &r.month.metrics;
    let tier = tier_name(policy, r, lang);
    let branch = r.rm.branch.clone().unwrap_or_default();
    let policy_name = match lang {
        Lang::Zh => policy.name.clone(),
        Lang::En => policy.name_en.clone().unwrap_or_else(|| policy.id.clone()),
    };
    let draft_mark = if draft {
        l("（草稿）", " (draft)")
    } else {
        ""
    };
    let title = match lang {
        Lang::Zh => format!("客户经理工资对账单 {}年{}月{draft_mark}", p.year, p.month),
        Lang::En => format!("RM pay statement {p}{draft_mark}"),
    };
    let mut rows = Rows { rows: Vec::new() };
    rows.line(RowStyle::Title, title.clone());
    rows.line(
        RowStyle::Normal,
        match lang {
            Lang::Zh => format!(
                "{policy_name}（版本 {}）　机构：{}",
                policy.version,
                if branch.is_empty() { "—" } else { &branch }
            ),
            Lang::En => format!(
                "{policy_name} (version {})   Branch: {}",
                policy.version,
                if branch.is_empty() { "—" } else { &branch }
            ),
        },
    );
    rows.line(
        RowStyle::Normal,
        match lang {
            Lang::Zh => format!(
                "客户经理编号：{}　姓名：{}　等级：{tier}　期间：{}年{}月（{days} 天）",
                r.rm.rm_id, r.rm.name, p.year, p.month
            ),
            Lang::En => format!(
                "RM id: {}   Name: {}   Tier: {tier}   Period: {p} ({days} days)",
                r.rm.rm_id, r.rm.name
            ),
        },
    );
    if draft {
        rows.line(
            RowStyle::Normal,
            l(
                "草稿：本月尚未结账，金额以结账后的对账单为准。",
                "Draft: the month is not closed; the statement of the closed month is the one that counts.",
            )
            .to_string(),
        );
    }
    rows.push(
        RowStyle::Normal,
        vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(l("单位：元", "Unit: yuan")),
        ],
    );

    // Pay lines.
    let cols = [
        l("项目", "Item"),
        l("金额", "Amount"),
        l("规则", "Rule"),
        l("计算依据", "Rule and inputs"),
    ];
    rows.section(l("一、应发项目", "1. Pay lines"), cols);
    for line in &pay.lines {
        let pl = policy.pay.lines.iter().find(|x| x.id == line.rule);
        let words = match pl.map(|x| &x.kind) {
            Some(PayKind::Rate { metric, per, rate }) => {
                let v = met.get(*metric);
                let metric = metric.id();
                let rate = rate.get(r.rm.tier).unwrap_or_default();
                let per = if *per == Decimal::ONE {
                    String::new()
                } else {
                    format!(" ÷ {}", amount_text(*per, 0))
                };
                match lang {
                    Lang::Zh => format!(
                        "{} {}{per} × 单价 {}",
                        metric_label(metric, lang),
                        metric_value_text(metric, v),
                        plain(rate)
                    ),
                    Lang::En => format!(
                        "{} {}{per} × rate {}",
                        metric_label(metric, lang),
                        metric_value_text(metric, v),
                        plain(rate)
                    ),
                }
            }
            Some(PayKind::Fixed { .. }) => match lang {
                Lang::Zh => format!("{tier} 每月固定金额"),
                Lang::En => format!("fixed monthly amount for {tier}"),
            },
            None => String::new(),
        };
        let scale = policy.settings.money.scale;
        let words = match lang {
            Lang::Zh => format!(
                "{words}，{}保留 {scale} 位小数",
                rounding_word(policy, lang)
            ),
            Lang::En => format!("{words}, {} to {scale} places", rounding_word(policy, lang)),
        };
        rows.figure(
            RowStyle::Normal,
            line_name(policy, &line.rule, lang),
            money(line.amount),
            &line.rule,
            words,
        );
    }
    rows.figure(
        RowStyle::Total,
        l("应发合计", "Gross").into(),
        money(pay.gross),
        &rule_text("pay", lang),
        l("各应发项目之和", "sum of the pay lines").into(),
    );

    // Deductions.
    rows.section(l("二、扣款", "2. Deductions"), cols);
    // Every deduction of the policy, as the register has them (a loss
    // carried from earlier months first, when there is one).
    let deductions: Vec<crate::engine::pay::Line> = pay
        .deductions
        .iter()
        .filter(|d| d.rule == CARRIED_LOSS)
        .cloned()
        .chain(policy.pay.deductions.iter().map(|pd| {
            crate::engine::pay::Line {
                rule: pd.id.clone(),
                amount: pay
                    .deductions
                    .iter()
                    .find(|d| d.rule == pd.id)
                    .map_or(Decimal::ZERO, |d| d.amount),
            }
        }))
        .collect();
    for d in &deductions {
        let s = step(r, &d.rule);
        let limit = |zh: String, en: String| match (s.is_some(), lang) {
            (false, _) => String::new(),
            (true, Lang::Zh) => zh,
            (true, Lang::En) => en,
        };
        let left = step_input(s, "gross left").unwrap_or("0");
        let left = left
            .parse::<Decimal>()
            .map(amount_text_2)
            .unwrap_or(left.to_string());
        let words = if d.rule == CARRIED_LOSS {
            let carried = step_input(s, "carried losses").unwrap_or("0");
            let carried = carried
                .parse::<Decimal>()
                .map(amount_text_2)
                .unwrap_or(carried.to_string());
            match lang {
                Lang::Zh => format!("前期待扣损失 {carried}，以应发剩余 {left} 为限"),
                Lang::En => format!(
                    "losses not recovered in earlier months {carried}, up to the gross left {left}"
                ),
            }
        } else {
            let pd = policy.pay.deductions.iter().find(|x| x.id == d.rule);
            match pd {
                Some(pd) => {
                    let v = met.get(pd.metric);
                    format!(
                        "{} {} × {}{}",
                        metric_label(pd.metric.id(), lang),
                        metric_value_text(pd.metric.id(), v),
                        percent_text(pd.share),
                        limit(
                            format!("，以应发剩余 {left} 为限"),
                            format!(", up to the gross left {left}")
                        )
                    )
                }
                None => String::new(),
            }
        };
        rows.figure(
            RowStyle::Normal,
            line_name(policy, &d.rule, lang),
            money(d.amount),
            &rule_text(&d.rule, lang),
            words,
        );
    }
    if deductions.is_empty() {
        rows.figure(
            RowStyle::Normal,
            l("本月无扣款", "No deductions this month").into(),
            money(Decimal::ZERO),
            "",
            String::new(),
        );
    }
    rows.figure(
        RowStyle::Total,
        l("扣款合计", "Deductions").into(),
        money(pay.deductions_total),
        &rule_text("pay", lang),
        l("各扣款项目之和", "sum of the deductions").into(),
    );
    if !pay.unrecovered.is_zero() {
        rows.line(
            RowStyle::Normal,
            match lang {
                Lang::Zh => format!(
                    "本月应扣损失中 {} 超过应发，未扣部分结转以后月份（风险金抵偿后结转 {}）",
                    m(pay.unrecovered),
                    m(pay.pending_loss)
                ),
                Lang::En => format!(
                    "losses of {} exceed this month's gross; what the risk deposit does not cover ({}) is carried to later months",
                    m(pay.unrecovered),
                    m(pay.pending_loss)
                ),
            },
        );
    }

    // Risk deposit withheld, net, released, total paid.
    rows.section(l("三、实发", "3. Net and total paid"), cols);
    let k = &pay.risk;
    let rd_rule = policy
        .risk_deposit
        .as_ref()
        .map(|rd| rd.rule.clone())
        .unwrap_or_default();
    let holdback_words = match (&policy.risk_deposit, k.cap) {
        (Some(rd), Some(cap)) if !k.released_before && step(r, "holdback").is_some() => {
            let (base, base_name) = match rd.base {
                HoldbackBase::Gross => (pay.gross, l("应发", "gross")),
                HoldbackBase::AfterDeductions => (
                    pay.gross - pay.deductions_total,
                    l("（应发 − 扣款）", "(gross − deductions)"),
                ),
            };
            let excess: Decimal = k
                .movements
                .iter()
                .filter(|mv| mv.kind == MovementKind::ExcessReleased)
                .map(|mv| mv.amount)
                .sum();
            let before = k.opening - excess;
            match lang {
                Lang::Zh => format!(
                    "{} × {base_name} {}，以上限 {} − 扣留前余额 {} 为限",
                    percent_text(rd.rate),
                    m(base.max(Decimal::ZERO)),
                    m(cap),
                    m(before)
                ),
                Lang::En => format!(
                    "{} × {base_name} {}, up to the cap {} − the balance before {}",
                    percent_text(rd.rate),
                    m(base.max(Decimal::ZERO)),
                    m(cap),
                    m(before)
                ),
            }
        }
        _ => movements_text(k, lang),
    };
    rows.figure(
        RowStyle::Normal,
        l("风险金扣留", "Risk deposit withheld").into(),
        money(pay.holdback),
        &rd_rule,
        holdback_words,
    );
    // Prior-period adjustments (`rmpay restate`): each line as the register
    // shows it, then what net pay could take of them.
    for a in &pay.adjustments {
        rows.figure(
            RowStyle::Normal,
            if a.amount >= Decimal::ZERO {
                l("补发", "To pay")
            } else {
                l("扣回", "To recover")
            }
            .into(),
            money(a.amount),
            &rule_text("restate", lang),
            super::pay::adjustment_text(policy, a, lang),
        );
    }
    let adjusted = !pay.adjustments.is_empty();
    if adjusted && pay.adjustment_carried != Decimal::ZERO {
        rows.figure(
            RowStyle::Normal,
            l("以后月份扣回", "Recovered in later months").into(),
            money(pay.adjustment_carried),
            &rule_text("restate", lang),
            l(
                "本月实发不足扣回的部分，结转以后月份",
                "the part net pay could not cover, carried forward",
            )
            .into(),
        );
    }
    let adj = if adjusted {
        match lang {
            Lang::Zh => format!(" + 以前期间调整 {}", m(pay.adjustments_total)),
            Lang::En => format!(" + prior-period adjustments {}", m(pay.adjustments_total)),
        }
    } else {
        String::new()
    };
    rows.figure(
        RowStyle::Total,
        l("工资净额", "Net pay").into(),
        money(pay.net),
        &rule_text("pay", lang),
        match lang {
            Lang::Zh => format!(
                "应发 {} − 扣款 {} − 风险金扣留 {}{adj}",
                m(pay.gross),
                m(pay.deductions_total),
                m(pay.holdback)
            ),
            Lang::En => format!(
                "gross {} − deductions {} − risk deposit withheld {}{adj}",
                m(pay.gross),
                m(pay.deductions_total),
                m(pay.holdback)
            ),
        },
    );
    let released_words = {
        let words: Vec<String> = k
            .movements
            .iter()
            .filter(|mv| {
                matches!(
                    mv.kind,
                    MovementKind::Released | MovementKind::ExcessReleased
                )
            })
            .map(|mv| match (mv.kind, lang) {
                (MovementKind::ExcessReleased, Lang::Zh) => {
                    format!("等级变动上限降低，退还超额 {}", m(mv.amount))
                }
                (MovementKind::ExcessReleased, Lang::En) => {
                    format!(
                        "cap lowered by a tier change: excess {} released",
                        m(mv.amount)
                    )
                }
                (_, Lang::Zh) => format!("离岗满期，退还 {}", m(mv.amount)),
                (_, Lang::En) => format!("released {} after leaving", m(mv.amount)),
            })
            .collect();
        if words.is_empty() {
            l("本月无退还", "nothing released this month").to_string()
        } else {
            words.join(l("；", "; "))
        }
    };
    rows.figure(
        RowStyle::Normal,
        l("风险金退还", "Risk deposit released").into(),
        money(pay.released),
        &rd_rule,
        released_words,
    );
    rows.figure(
        RowStyle::Total,
        l("实发合计", "Total paid").into(),
        money(pay.payout),
        &rule_text("pay", lang),
        match lang {
            Lang::Zh => format!("实发 {} + 风险金退还 {}", m(pay.net), m(pay.released)),
            Lang::En => format!(
                "net {} + risk deposit released {}",
                m(pay.net),
                m(pay.released)
            ),
        },
    );

    // The risk-deposit account.
    rows.section(l("四、风险金账户", "4. Risk deposit account"), cols);
    rows.figure(
        RowStyle::Normal,
        l("期初余额", "Opening balance").into(),
        money(k.opening),
        &rd_rule,
        match lang {
            Lang::Zh => format!("来源：{}", opening_text(&k.opening_source, lang)),
            Lang::En => format!("from: {}", opening_text(&k.opening_source, lang)),
        },
    );
    rows.figure(
        RowStyle::Normal,
        l("本月扣留", "Withheld").into(),
        money(k.withheld),
        &rd_rule,
        l("见上“风险金扣留”", "see “Risk deposit withheld” above").into(),
    );
    rows.figure(
        RowStyle::Normal,
        l("抵偿损失", "Loss offset").into(),
        money(k.offset),
        &rd_rule,
        k.movements
            .iter()
            .find(|mv| mv.kind == MovementKind::LossOffset)
            .map(|mv| match lang {
                Lang::Zh => format!("离岗退还前先抵偿经济损失 {}", m(mv.amount)),
                Lang::En => format!("losses of {} paid before release", m(mv.amount)),
            })
            .unwrap_or_default(),
    );
    rows.figure(
        RowStyle::Normal,
        l("退还", "Released").into(),
        money(k.released),
        &rd_rule,
        l("见上“风险金退还”", "see “Risk deposit released” above").into(),
    );
    rows.figure(
        RowStyle::Total,
        l("期末余额", "Closing balance").into(),
        money(k.closing),
        &rd_rule,
        match lang {
            Lang::Zh => format!(
                "期初 {} + 扣留 {} − 抵偿 {} − 退还 {}{}",
                m(k.opening),
                m(k.withheld),
                m(k.offset),
                m(k.released),
                k.cap
                    .map(|c| format!("；上限 {}", m(c)))
                    .unwrap_or_default()
            ),
            Lang::En => format!(
                "opening {} + withheld {} − offset {} − released {}{}",
                m(k.opening),
                m(k.withheld),
                m(k.offset),
                m(k.released),
                k.cap.map(|c| format!("; cap {}", m(c))).unwrap_or_default()
            ),
        },
    );

    // Year to date.
    let y = &r.ytd;
    let ytd_source = match (&k.opening_source, y.months) {
        (_, 1) if p.month == 1 => l("本年第一个月", "the year's first month").to_string(),
        (OpeningSource::Archive(prev), n) if n > 1 => match lang {
            Lang::Zh => format!("{prev} 及以前月份取自归档的结转状态，加本月"),
            Lang::En => format!("through {prev} from the archive's carried state, plus this month"),
        },
        _ => l(
            "未取得以前月份的累计（非归档运行），仅含本月",
            "no earlier months carried (not from an archive): this month only",
        )
        .to_string(),
    };
    let ytd_title = match lang {
        Lang::Zh => format!("五、本年累计（{} 年，{} 个月）", y.year, y.months),
        Lang::En => format!(
            "5. Year to date ({}, {} month{})",
            y.year,
            y.months,
            if y.months == 1 { "" } else { "s" }
        ),
    };
    rows.section(&ytd_title, cols);
    let ytd_rows: [(&str, &str, Decimal, Decimal); 5] = [
        ("应发", "Gross", y.gross, pay.gross),
        ("扣款", "Deductions", y.deductions, pay.deductions_total),
        (
            "风险金扣留",
            "Risk deposit withheld",
            y.holdback,
            pay.holdback,
        ),
        ("实发", "Net pay", y.net, pay.net),
        (
            "风险金退还",
            "Risk deposit released",
            y.released,
            pay.released,
        ),
    ];
    for (i, (zh, en, v, month)) in ytd_rows.into_iter().enumerate() {
        let sum = match lang {
            Lang::Zh => format!("{} 个月之和，其中本月 {}", y.months, m(month)),
            Lang::En => format!("Σ {} month(s), this month {}", y.months, m(month)),
        };
        rows.figure(
            RowStyle::Normal,
            l(zh, en).into(),
            money(v),
            &rule_text("pay", lang),
            if i == 0 {
                format!("{sum}{}{ytd_source}", l("；", "; "))
            } else {
                sum
            },
        );
    }
    rows.figure(
        RowStyle::Total,
        l("实发合计", "Total paid").into(),
        money(y.net + y.released),
        &rule_text("pay", lang),
        match lang {
            Lang::Zh => format!("实发 {} + 风险金退还 {}", m(y.net), m(y.released)),
            Lang::En => format!("net {} + released {}", m(y.net), m(y.released)),
        },
    );
    rows.figure(
        RowStyle::Normal,
        l("存款日均（本年）", "Daily-average deposits (year)").into(),
        money(y.deposit_daily_average().round_dp(2)),
        &rule_text("metric", lang),
        match lang {
            Lang::Zh => format!(
                "各月存款日均 × 当月天数之和 {} ÷ {} 天",
                exact_text(y.deposit_day_sum),
                y.days
            ),
            Lang::En => format!(
                "Σ monthly daily average × days {} ÷ {} days",
                exact_text(y.deposit_day_sum),
                y.days
            ),
        },
    );

    // Key metrics.
    rows.section(
        l("六、本月业绩指标", "6. This month's figures"),
        [
            l("指标", "Figure"),
            l("数值", "Value"),
            l("规则", "Rule"),
            l("计算依据", "Definition and inputs"),
        ],
    );
    let mine: Vec<(&ClientMonth, Decimal)> = clients
        .values()
        .flat_map(|c| {
            c.assignments
                .iter()
                .filter(|(id, _, _)| *id == r.rm.rm_id)
                .map(move |(_, share, _)| (c, *share))
        })
        .collect();
    let excluded = if policy.settings.excluded_products.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = policy
            .settings
            .excluded_products
            .iter()
            .map(|p| product_name(*p, lang))
            .collect();
        match lang {
            Lang::Zh => format!("，不含{}", names.join("、")),
            Lang::En => format!(", excluding {}", names.join(", ")),
        }
    };
    let count_inputs = |figure: &str, prefix: &str| {
        step(r, figure)
            .map(|s| {
                s.inputs
                    .iter()
                    .filter(|i| i.name.starts_with(prefix))
                    .count()
            })
            .unwrap_or(0)
    };
    let mut metric = |name: &str, value: Cell, words: String| {
        rows.figure(
            RowStyle::Normal,
            metric_label(name, lang),
            value,
            &rule_text("metric", lang),
            words,
        );
    };
    // The exact figure, when two places do not show it.
    let exact = |v: Decimal| {
        let e = exact_text(v);
        if e == m(v) {
            String::new()
        } else {
            format!("{}{e}", l("；精确值 ", "; exactly "))
        }
    };
    metric(
        "deposit_daily_average",
        money(met.deposit_daily_average.round_dp(2)),
        match lang {
            Lang::Zh => format!(
                "名下 {} 户客户存款日均 × 分成比例之和（见下表）{excluded}{}",
                mine.len(),
                exact(met.deposit_daily_average)
            ),
            Lang::En => format!(
                "Σ daily average × share over {} clients (see below){excluded}{}",
                mine.len(),
                exact(met.deposit_daily_average)
            ),
        },
    );
    metric(
        "deposit_base",
        money(met.deposit_base.round_dp(2)),
        // The metrics name a tier's default base in these words.
        if r.rm.base_source == format!("policy tier `{}` base_deposit", policy.tiers[r.rm.tier].id)
        {
            match lang {
                Lang::Zh => format!("台账未填，取办法中{tier}的默认基数"),
                Lang::En => format!("not in the ledger: the policy's default for {tier}"),
            }
        } else {
            match lang {
                Lang::Zh => format!("取自 {}", r.rm.base_source),
                Lang::En => format!("from {}", r.rm.base_source),
            }
        },
    );
    metric(
        "deposit_stock",
        money(met.deposit_stock.round_dp(2)),
        match lang {
            Lang::Zh => "取小(存款日均, 基数存款)".to_string(),
            Lang::En => "min(daily-average deposits, base deposit)".to_string(),
        },
    );
    metric(
        "deposit_increment",
        money(met.deposit_increment.round_dp(2)),
        match lang {
            Lang::Zh => "取大(存款日均 − 基数存款, 0)".to_string(),
            Lang::En => "max(daily-average deposits − base deposit, 0)".to_string(),
        },
    );
    let loans = count_inputs("loan_balance", "loan ");
    metric(
        "loan_balance",
        money(met.loan_balance.round_dp(2)),
        match lang {
            Lang::Zh => format!("名下 {loans} 笔贷款月末余额 × 分成比例之和"),
            Lang::En => format!("Σ month-end balance × share over {loans} loans"),
        },
    );
    metric(
        "npl_balance",
        money(met.npl_balance.round_dp(2)),
        l(
            "次级、可疑、损失类贷款余额 × 分成比例之和",
            "substandard + doubtful + loss balance, shares applied",
        )
        .into(),
    );
    metric(
        "npl_ratio",
        ratio_cell(met.npl_ratio),
        match lang {
            Lang::Zh => format!(
                "不良贷款余额 {} ÷ 贷款余额 {}",
                m(met.npl_balance),
                m(met.loan_balance)
            ),
            Lang::En => format!(
                "NPL balance {} ÷ loan balance {}",
                m(met.npl_balance),
                m(met.loan_balance)
            ),
        },
    );
    metric(
        "interest_due",
        money(met.interest_due.round_dp(2)),
        l(
            "名下贷款本月应收利息 × 分成比例之和",
            "Σ interest due × share",
        )
        .into(),
    );
    metric(
        "interest_received",
        money(met.interest_received.round_dp(2)),
        l(
            "名下贷款本月实收利息 × 分成比例之和",
            "Σ interest received × share",
        )
        .into(),
    );
    metric(
        "collection_rate",
        ratio_cell(met.collection_rate),
        match lang {
            Lang::Zh => format!(
                "实收利息 {} ÷ 应收利息 {}",
                m(met.interest_received),
                m(met.interest_due)
            ),
            Lang::En => format!(
                "interest received {} ÷ interest due {}",
                m(met.interest_received),
                m(met.interest_due)
            ),
        },
    );
    metric(
        "fee_income",
        money(met.fee_income.round_dp(2)),
        l(
            "本人及名下客户中间业务收入 × 分成比例之和",
            "Σ the RM's fees + client fees × share",
        )
        .into(),
    );
    metric(
        "new_basic_accounts",
        Cell::Number(met.new_basic_accounts, 0),
        match lang {
            Lang::Zh => format!("本月新开对公基本户 {} 户", plain(met.new_basic_accounts)),
            Lang::En => format!(
                "{} corporate basic accounts opened this month",
                plain(met.new_basic_accounts)
            ),
        },
    );
    let incidents = count_inputs("incident_loss", "");
    metric(
        "incident_points",
        Cell::Number(met.incident_points, 1),
        match lang {
            Lang::Zh => format!("本月违规与损失记录 {incidents} 条"),
            Lang::En => format!("{incidents} incident(s) this month"),
        },
    );
    metric(
        "incident_loss",
        money(met.incident_loss.round_dp(2)),
        match lang {
            Lang::Zh => format!("本月违规与损失记录 {incidents} 条的损失之和"),
            Lang::En => format!("Σ losses of {incidents} incident(s) this month"),
        },
    );

    // Clients: this RM's share and part only.
    rows.section(
        l("七、管户客户（本人部分）", "7. Clients (this RM's part)"),
        [
            l("客户", "Client"),
            l("本人存款日均", "RM's daily average"),
            l("分成比例", "Share"),
            l("说明", "Note"),
        ],
    );
    for (c, share) in mine.iter().take(MAX_CLIENTS_LISTED) {
        let name = match &c.client_name {
            Some(n) => format!("{} {n}", c.client_id),
            None => c.client_id.clone(),
        };
        rows.push(
            RowStyle::Normal,
            vec![
                Cell::Text(name),
                money((c.deposit_daily_average * share).round_dp(2)),
                Cell::Percent(*share),
                Cell::text(if *share < Decimal::ONE {
                    l(
                        "共管客户：仅列本人分成部分",
                        "shared client: this RM's part only",
                    )
                } else {
                    ""
                }),
            ],
        );
    }
    if mine.len() > MAX_CLIENTS_LISTED {
        let rest: Decimal = mine
            .iter()
            .skip(MAX_CLIENTS_LISTED)
            .map(|(c, s)| c.deposit_daily_average * s)
            .sum();
        let n = mine.len() - MAX_CLIENTS_LISTED;
        rows.push(
            RowStyle::Normal,
            vec![
                Cell::Text(match lang {
                    Lang::Zh => format!("其余 {n} 户"),
                    Lang::En => format!("{n} more clients"),
                }),
                money(rest.round_dp(2)),
                Cell::Empty,
                Cell::text(l(
                    "明细见工资表客户明细",
                    "see the pay workbook's client detail",
                )),
            ],
        );
    }
    if mine.is_empty() {
        rows.line(
            RowStyle::Normal,
            l("本月名下无管户客户", "No clients this month").into(),
        );
    }

    rows.push(RowStyle::Blank, Vec::new());
    rows.line(
        RowStyle::Normal,
        match lang {
            Lang::Zh => format!(
                "数据来源：台账 {}（SHA-256 {}…）；各项数字与当月工资汇总表一致。",
                run.ledger_file,
                short_sha(&run.ledger_sha256),
            ),
            Lang::En => format!(
                "Source: ledger {} (SHA-256 {}…); every figure is the pay register's.",
                run.ledger_file,
                short_sha(&run.ledger_sha256),
            ),
        },
    );
    if policy.pay.rates_are_examples {
        rows.line(
            RowStyle::Normal,
            l(
                "注意：本办法中的计件单价为示例，须由银行替换为本行标准。",
                "Note: the piece rates in this policy are examples that the bank must replace.",
            )
            .into(),
        );
    }

    Page {
        sheet: l("工资对账单", "Pay statement").into(),
        title: format!("{title} {} {}", r.rm.rm_id, r.rm.name),
        header_left: policy_name,
        header_right: match lang {
            Lang::Zh => format!("{} {}年{}月", r.rm.rm_id, p.year, p.month),
            Lang::En => format!("{} {p}", r.rm.rm_id),
        },
        footer_left: format!("rmpay {}", run.tool_version),
        lang,
        widths: vec![24.0, 15.0, 18.0, 46.0],
        wrap_column: 3,
        rows: rows.rows,
        money_scale: policy.settings.money.scale,
        date: p.last_day(),
    }
}

fn amount_text_2(d: Decimal) -> String {
    amount_text(d, 2)
}

fn short_sha(s: &str) -> &str {
    s.get(..16).unwrap_or(s)
}

fn ratio_cell(v: Option<Decimal>) -> Cell {
    v.map(Cell::Percent).unwrap_or(Cell::text("—"))
}

fn rounding_word(policy: &Policy, lang: Lang) -> &'static str {
    super::rounding_word(policy.settings.money.mode, lang)
}

fn product_name(p: crate::vocab::Product, lang: Lang) -> &'static str {
    use crate::vocab::Product;
    match p {
        Product::Demand => lang.pick("活期存款", "demand deposits"),
        Product::Time => lang.pick("定期存款", "time deposits"),
        Product::Agreement => lang.pick("协议存款", "agreement deposits"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_hold_only_safe_characters() {
        let p = Period::new(2026, 10).unwrap();
        assert_eq!(file_name(p, "RM001"), "statement-2026-10-RM001.xlsx");
        assert_eq!(
            file_name(p, "客户经理_7"),
            "statement-2026-10-客户经理_7.xlsx"
        );
        assert_eq!(
            file_name(p, "../a/b:c*"),
            "statement-2026-10-___a_b_c_.xlsx"
        );
    }

    #[test]
    fn figures_in_words_keep_their_exact_digits() {
        assert_eq!(exact_text(Decimal::new(1234567, 0)), "1,234,567.00");
        assert_eq!(exact_text(Decimal::new(12345, 1)), "1,234.50");
        // 38,709,677.41935483… to six places.
        assert_eq!(
            exact_text(Decimal::new(1_200_000_000, 0) / Decimal::from(31)),
            "38,709,677.419355"
        );
    }
}
