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
use crate::decimal::RoundAway as _;
use crate::engine::pay::{CARRIED_LOSS, MovementKind, OpeningSource, RmResult};
use crate::metrics::monthly::ClientMonth;
use crate::policy::{HoldbackBase, PayKind, Policy};
use crate::text;
use crate::trace::Step;
use crate::vocab::Period;
use rust_decimal::Decimal;

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
    let r = v.round_away(6).normalize();
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
        // Not a text: the vocabulary's own name of the metric.
        .map(|m| match lang {
            Lang::Zh => m.zh().to_string(),
            Lang::En => m.en().to_string(),
        })
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
        // Not a text: Chinese names the engine's figure, English keeps its id.
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
/// closed; `restated`, a closed month's version in force that is a
/// restatement (`rmpay restate`), and whether it changed this RM's pay:
/// the month was paid on the original, and the statement says where the
/// differences are paid, or that there are none.
#[allow(clippy::too_many_arguments)]
pub fn statement(
    policy: &Policy,
    run: &RunInfo,
    r: &RmResult,
    clients: &crate::metrics::monthly::ClientMap,
    days: u32,
    draft: bool,
    restated: Option<(&crate::archive::Restated, bool)>,
    lang: Lang,
) -> Page {
    let m = |d: Decimal| amount_text(d, 2);
    let money = |d: Decimal| Cell::Money(d);
    let p = run.period;
    let pay = &r.pay;
    let met = &r.month.metrics;
    let tier = tier_name(policy, r, lang);
    let branch = r.rm.branch.clone().unwrap_or_default();
    // Not a text: the policy's own name in either language.
    let policy_name = match lang {
        Lang::Zh => policy.name.clone(),
        Lang::En => policy.name_en.clone().unwrap_or_else(|| policy.id.clone()),
    };
    let draft_mark = if draft { text::stmt_draft(lang) } else { "" };
    let title = text::stmt_title(lang, p, p.year, p.month, draft_mark);
    let mut rows = Rows { rows: Vec::new() };
    rows.line(RowStyle::Title, title.clone());
    rows.line(
        RowStyle::Normal,
        text::stmt_policy_line(
            lang,
            &policy_name,
            &policy.version,
            if branch.is_empty() { "—" } else { &branch },
        ),
    );
    rows.line(
        RowStyle::Normal,
        text::stmt_rm_line(
            lang,
            &r.rm.rm_id,
            &r.rm.name,
            &tier,
            p,
            p.year,
            p.month,
            days,
        ),
    );
    if draft {
        rows.line(
            RowStyle::Normal,
            text::stmt_draft_month_is_not(lang).to_string(),
        );
    }
    // The adjustments are paid in the month after the restatement's last
    // month (the archive's last closed month when it was made).
    // An RM whose pay the correction left as it was has nothing to be
    // paid or recovered, and is told so.
    if let Some((x, changed)) = restated {
        let pays = x
            .last
            .parse::<crate::vocab::Period>()
            .map(|l| l.next())
            .unwrap_or(p);
        rows.line(
            RowStyle::Normal,
            if changed {
                text::stmt_restated(lang, x.version, &x.reason, pays, pays.year, pays.month)
            } else {
                text::stmt_restated_same_pay(lang, x.version, &x.reason)
            },
        );
    }
    rows.push(
        RowStyle::Normal,
        vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(text::stmt_unit_yuan(lang)),
        ],
    );

    // Pay lines.
    let cols = [
        text::col_item(lang),
        text::stmt_amount(lang),
        text::col_rule(lang),
        text::stmt_rule_and_inputs(lang),
    ];
    rows.section(text::stmt_1_pay_lines(lang), cols);
    for line in &pay.lines {
        let pl = policy.pay.lines.iter().find(|x| x.id == line.rule);
        // A fixed amount not paid to someone who left before the month.
        if let Some(d) = step_input(step(r, &line.rule), "left_on") {
            rows.figure(
                RowStyle::Normal,
                line_name(policy, &line.rule, lang),
                money(line.amount),
                &line.rule,
                text::stmt_left_before(lang, d),
            );
            continue;
        }
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
                text::stmt_rate_words(
                    lang,
                    metric_label(metric, lang),
                    metric_value_text(metric, v),
                    per,
                    plain(rate),
                )
            }
            Some(PayKind::Fixed { .. }) => text::stmt_fixed_words(lang, &tier),
            None => String::new(),
        };
        let scale = policy.settings.money.scale;
        let words = text::stmt_rounded(lang, words, rounding_word(policy, lang), scale);
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
        text::gross_total(lang).into(),
        money(pay.gross),
        &rule_text("pay", lang),
        text::stmt_sum_pay_lines(lang).into(),
    );

    // Deductions.
    rows.section(text::stmt_2_deductions(lang), cols);
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
        let limit = |left: &str| {
            if s.is_some() {
                text::stmt_up_to_gross_left(lang, left)
            } else {
                String::new()
            }
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
            text::stmt_carried_loss_words(lang, carried, &left)
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
                        limit(&left)
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
            text::stmt_no_deductions_month(lang).into(),
            money(Decimal::ZERO),
            "",
            String::new(),
        );
    }
    rows.figure(
        RowStyle::Total,
        text::deductions_total(lang).into(),
        money(pay.deductions_total),
        &rule_text("pay", lang),
        text::stmt_sum_deductions(lang).into(),
    );
    if !pay.unrecovered.is_zero() {
        rows.line(
            RowStyle::Normal,
            text::stmt_unrecovered(lang, m(pay.unrecovered), m(pay.pending_loss)),
        );
    }

    // Risk deposit withheld, net, released, total paid.
    rows.section(text::stmt_3_net_and_total(lang), cols);
    let k = &pay.risk;
    let rd_rule = policy
        .risk_deposit
        .as_ref()
        .map(|rd| rd.rule.clone())
        .unwrap_or_default();
    let holdback_words = match (&policy.risk_deposit, k.cap) {
        (Some(rd), Some(cap)) if !k.released_before && step(r, "holdback").is_some() => {
            let (base, base_name) = match rd.base {
                HoldbackBase::Gross => (pay.gross, text::stmt_gross_word(lang)),
                HoldbackBase::AfterDeductions => (
                    pay.gross - pay.deductions_total,
                    text::stmt_gross_deductions(lang),
                ),
            };
            let excess: Decimal = k
                .movements
                .iter()
                .filter(|mv| mv.kind == MovementKind::ExcessReleased)
                .map(|mv| mv.amount)
                .sum();
            let before = k.opening - excess;
            text::stmt_holdback_words(
                lang,
                percent_text(rd.rate),
                base_name,
                m(base.max(Decimal::ZERO)),
                m(cap),
                m(before),
            )
        }
        _ => movements_text(k, lang),
    };
    rows.figure(
        RowStyle::Normal,
        text::risk_withheld(lang).into(),
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
                text::to_pay(lang)
            } else {
                text::to_recover(lang)
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
            text::stmt_recovered_in_later_months(lang).into(),
            money(pay.adjustment_carried),
            &rule_text("restate", lang),
            text::stmt_part_net_pay_could(lang).into(),
        );
    }
    let adj = if adjusted {
        text::stmt_adjustments_added(lang, m(pay.adjustments_total))
    } else {
        String::new()
    };
    rows.figure(
        RowStyle::Total,
        text::net_pay(lang).into(),
        money(pay.net),
        &rule_text("pay", lang),
        text::stmt_net_words(
            lang,
            m(pay.gross),
            m(pay.deductions_total),
            m(pay.holdback),
            adj,
        ),
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
            .map(|mv| match mv.kind {
                MovementKind::ExcessReleased => text::stmt_excess_released(lang, m(mv.amount)),
                _ => text::stmt_released_after_leaving(lang, m(mv.amount)),
            })
            .collect();
        if words.is_empty() {
            text::stmt_nothing_released_month(lang).to_string()
        } else {
            words.join(text::clause_sep(lang))
        }
    };
    rows.figure(
        RowStyle::Normal,
        text::risk_released(lang).into(),
        money(pay.released),
        &rd_rule,
        released_words,
    );
    rows.figure(
        RowStyle::Total,
        text::total_paid(lang).into(),
        money(pay.payout),
        &rule_text("pay", lang),
        text::stmt_payout_words(lang, m(pay.net), m(pay.released)),
    );

    // The risk-deposit account.
    rows.section(text::stmt_4_risk_deposit_account(lang), cols);
    rows.figure(
        RowStyle::Normal,
        text::stmt_opening_balance(lang).into(),
        money(k.opening),
        &rd_rule,
        text::stmt_opening_from(lang, opening_text(&k.opening_source, lang)),
    );
    rows.figure(
        RowStyle::Normal,
        text::risk_col_withheld(lang).into(),
        money(k.withheld),
        &rd_rule,
        text::stmt_see_risk_deposit_withheld(lang).into(),
    );
    rows.figure(
        RowStyle::Normal,
        text::risk_col_offset(lang).into(),
        money(k.offset),
        &rd_rule,
        k.movements
            .iter()
            .find(|mv| mv.kind == MovementKind::LossOffset)
            .map(|mv| text::stmt_loss_offset(lang, m(mv.amount)))
            .unwrap_or_default(),
    );
    rows.figure(
        RowStyle::Normal,
        text::risk_col_released(lang).into(),
        money(k.released),
        &rd_rule,
        text::stmt_see_risk_deposit_released(lang).into(),
    );
    rows.figure(
        RowStyle::Total,
        text::stmt_closing_balance(lang).into(),
        money(k.closing),
        &rd_rule,
        text::stmt_closing_words(
            lang,
            m(k.opening),
            m(k.withheld),
            m(k.offset),
            m(k.released),
            k.cap
                .map(|c| text::stmt_cap_clause(lang, m(c)))
                .unwrap_or_default(),
        ),
    );

    // Year to date.
    let y = &r.ytd;
    let ytd_source = match (&k.opening_source, y.months) {
        (_, 1) if p.month == 1 => text::stmt_year_first_month(lang).to_string(),
        (OpeningSource::Archive(prev), n) if n > 1 => text::stmt_ytd_from_archive(lang, prev),
        _ => text::stmt_no_earlier_months_carried(lang).to_string(),
    };
    let ytd_title = if y.months == 1 {
        text::stmt_ytd_title_one_month(lang, y.year, y.months)
    } else {
        text::stmt_ytd_title(lang, y.year, y.months)
    };
    rows.section(&ytd_title, cols);
    let ytd_rows: [(text::Label, Decimal, Decimal); 5] = [
        (text::gross_total, y.gross, pay.gross),
        (text::deductions_total, y.deductions, pay.deductions_total),
        (text::risk_withheld, y.holdback, pay.holdback),
        (text::net_pay, y.net, pay.net),
        (text::risk_released, y.released, pay.released),
    ];
    for (i, (title, v, month)) in ytd_rows.into_iter().enumerate() {
        let sum = if y.months == 1 {
            text::stmt_ytd_sum_one(lang, y.months, m(month))
        } else {
            text::stmt_ytd_sum(lang, y.months, m(month))
        };
        rows.figure(
            RowStyle::Normal,
            title(lang).into(),
            money(v),
            &rule_text("pay", lang),
            if i == 0 {
                format!("{sum}{}{ytd_source}", text::clause_sep(lang))
            } else {
                sum
            },
        );
    }
    rows.figure(
        RowStyle::Total,
        text::total_paid(lang).into(),
        money(y.net + y.released),
        &rule_text("pay", lang),
        text::stmt_ytd_payout_words(lang, m(y.net), m(y.released)),
    );
    rows.figure(
        RowStyle::Normal,
        text::stmt_daily_average_deposits_year(lang).into(),
        money(y.deposit_daily_average().round_away(2)),
        &rule_text("metric", lang),
        text::stmt_year_deposit_words(lang, exact_text(y.deposit_day_sum), y.days),
    );

    // Key metrics.
    rows.section(
        text::stmt_6_month_figures(lang),
        [
            text::figure_col(lang),
            text::col_value(lang),
            text::col_rule(lang),
            text::stmt_definition_and_inputs(lang),
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
        text::stmt_excluding(lang, names.join(text::list_sep(lang)))
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
            format!("{}{e}", text::stmt_exactly(lang))
        }
    };
    metric(
        "deposit_daily_average",
        money(met.deposit_daily_average.round_away(2)),
        if mine.len() == 1 {
            text::stmt_deposit_words_one(lang, 1, &excluded, exact(met.deposit_daily_average))
        } else {
            text::stmt_deposit_words(
                lang,
                mine.len(),
                &excluded,
                exact(met.deposit_daily_average),
            )
        },
    );
    metric(
        "deposit_base",
        money(met.deposit_base.round_away(2)),
        // The metrics name a tier's default base in these words.
        if r.rm.base_source == format!("policy tier `{}` base_deposit", policy.tiers[r.rm.tier].id)
        {
            text::stmt_base_default(lang, &tier)
        } else if r.rm.base_source == crate::metrics::monthly::NO_BASE {
            text::stmt_base_none(lang).to_string()
        } else {
            text::stmt_base_from(lang, &r.rm.base_source)
        },
    );
    metric(
        "deposit_stock",
        money(met.deposit_stock.round_away(2)),
        text::stmt_stock_words(lang).to_string(),
    );
    metric(
        "deposit_increment",
        money(met.deposit_increment.round_away(2)),
        text::stmt_increment_words(lang).to_string(),
    );
    let loans = count_inputs("loan_balance", "loan ");
    metric(
        "loan_balance",
        money(met.loan_balance.round_away(2)),
        if loans == 1 {
            text::stmt_loan_words_one(lang, loans)
        } else {
            text::stmt_loan_words(lang, loans)
        },
    );
    metric(
        "npl_balance",
        money(met.npl_balance.round_away(2)),
        text::stmt_substandard_doubtful_loss_balance(lang).into(),
    );
    metric(
        "npl_ratio",
        ratio_cell(met.npl_ratio),
        text::stmt_npl_words(lang, m(met.npl_balance), m(met.loan_balance)),
    );
    metric(
        "interest_due",
        money(met.interest_due.round_away(2)),
        text::stmt_interest_due_share(lang).into(),
    );
    metric(
        "interest_received",
        money(met.interest_received.round_away(2)),
        text::stmt_interest_received_share(lang).into(),
    );
    metric(
        "collection_rate",
        ratio_cell(met.collection_rate),
        text::stmt_collection_words(lang, m(met.interest_received), m(met.interest_due)),
    );
    metric(
        "fee_income",
        money(met.fee_income.round_away(2)),
        text::stmt_rm_fees_client_fees(lang).into(),
    );
    metric(
        "new_basic_accounts",
        Cell::Number(met.new_basic_accounts, 0),
        if met.new_basic_accounts == Decimal::ONE {
            text::stmt_new_accounts_words_one(lang, 1)
        } else {
            text::stmt_new_accounts_words(lang, plain(met.new_basic_accounts))
        },
    );
    let incidents = count_inputs("incident_loss", "");
    metric(
        "incident_points",
        super::points_cell(met.incident_points),
        if incidents == 1 {
            text::stmt_incidents_words_one(lang, incidents)
        } else {
            text::stmt_incidents_words(lang, incidents)
        },
    );
    metric(
        "incident_loss",
        money(met.incident_loss.round_away(2)),
        if incidents == 1 {
            text::stmt_incident_loss_words_one(lang, incidents)
        } else {
            text::stmt_incident_loss_words(lang, incidents)
        },
    );

    // Clients: this RM's share and part only.
    rows.section(
        text::stmt_7_clients_rm_part(lang),
        [
            text::stmt_client(lang),
            text::stmt_rm_daily_average(lang),
            text::stmt_share(lang),
            text::col_note(lang),
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
                money((c.deposit_daily_average * share).round_away(2)),
                Cell::Percent(*share),
                Cell::text(if *share < Decimal::ONE {
                    text::stmt_shared_client_rm_part(lang)
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
                Cell::Text(if n == 1 {
                    text::stmt_more_clients_one(lang, n)
                } else {
                    text::stmt_more_clients(lang, n)
                }),
                money(rest.round_away(2)),
                Cell::Empty,
                Cell::text(text::stmt_see_pay_workbook_client(lang)),
            ],
        );
    }
    if mine.is_empty() {
        rows.line(RowStyle::Normal, text::stmt_no_clients_month(lang).into());
    }

    rows.push(RowStyle::Blank, Vec::new());
    rows.line(
        RowStyle::Normal,
        text::stmt_source_line(lang, &run.ledger_file, short_sha(&run.ledger_sha256)),
    );
    if policy.pay.rates_are_examples {
        rows.line(
            RowStyle::Normal,
            text::stmt_note_piece_rates_in(lang).into(),
        );
    }

    Page {
        sheet: text::stmt_pay_statement(lang).into(),
        title: format!("{title} {} {}", r.rm.rm_id, r.rm.name),
        header_left: policy_name,
        header_right: text::stmt_header_right(lang, &r.rm.rm_id, p, p.year, p.month),
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
    v.map(super::percent_cell).unwrap_or(Cell::text("—"))
}

fn rounding_word(policy: &Policy, lang: Lang) -> &'static str {
    super::rounding_word(policy.settings.money.mode, lang)
}

fn product_name(p: crate::vocab::Product, lang: Lang) -> &'static str {
    use crate::vocab::Product;
    match p {
        Product::Demand => text::stmt_demand_deposits(lang),
        Product::Time => text::stmt_time_deposits(lang),
        Product::Agreement => text::stmt_agreement_deposits(lang),
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
