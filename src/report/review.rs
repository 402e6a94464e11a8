//! The grading workbook (tier review) as a table model, and the reasons of
//! each decision in words.

use super::pay::{amount_text, percent_text};
use super::{BookHead, Cell, ChartSpec, Lang, Sheet, Sink, col, wrapped_col};
use crate::decimal::RoundAway as _;
use crate::engine::review::{Fact, Finding, GradeTry, Hit, Review, ReviewResult, Veto};
use crate::policy::{Decision, Op, Policy, TierIx};
use crate::text;
use crate::vocab::Metric;
use rust_decimal::Decimal;

/// What identifies a review run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewInfo {
    pub tool_version: String,
    /// `2026` or `2026-Q3`.
    pub label: String,
    pub partial: bool,
    /// (period, ledger file name, SHA-256) of every month used.
    pub ledgers: Vec<(String, String, String)>,
    pub missing: Vec<String>,
    pub end: chrono::NaiveDate,
}

pub fn decision_label(d: Decision, lang: Lang) -> &'static str {
    // Not a text: the vocabulary's own name of the decision.
    match lang {
        Lang::Zh => d.zh(),
        Lang::En => d.en(),
    }
}

pub(crate) fn tier_label(policy: &Policy, t: Option<TierIx>, lang: Lang) -> String {
    match t {
        None => text::review_terminated_dash(lang).to_string(),
        Some(t) => {
            let tier = &policy.tiers[t];
            // Not a text: the policy's own name of the tier.
            match lang {
                Lang::Zh => tier.name.clone(),
                Lang::En => tier.name_en.clone().unwrap_or_else(|| tier.id.clone()),
            }
        }
    }
}

/// A review figure as a cell: ratios as percentages, counts whole, the
/// rest to six places (the trace's exact value).
fn figure_cell(metric: Metric, v: Decimal) -> Cell {
    match figure_kind(metric) {
        FigureKind::Ratio => super::percent_cell(v),
        FigureKind::Count => Cell::Number(v.round_away(6), 0),
        FigureKind::Amount => Cell::Number(v.round_away(6), 6),
    }
}

enum FigureKind {
    Ratio,
    Count,
    Amount,
}

fn figure_kind(metric: Metric) -> FigureKind {
    let metric = metric.id();
    if metric.ends_with("_ratio")
        || metric.ends_with("_rate")
        || metric.ends_with("_growth")
        || metric == "deposit_to_base"
    {
        FigureKind::Ratio
    } else if metric.ends_with("_years")
        || metric.ends_with("_count")
        || metric == "months_in_service"
        || metric == "new_basic_accounts"
    {
        FigureKind::Count
    } else {
        FigureKind::Amount
    }
}

pub(crate) fn figure(metric: Metric, v: Decimal) -> String {
    match figure_kind(metric) {
        FigureKind::Ratio => percent_text(v),
        FigureKind::Count => v.normalize().to_string(),
        FigureKind::Amount => amount_text(v, 2),
    }
}

fn grade_text(policy: &Policy, g: &GradeTry, lang: Lang) -> String {
    let tier = tier_label(policy, Some(g.tier), lang);
    let items: Vec<String> = g
        .items
        .iter()
        .map(|i| {
            // An item by its name (the policy's, 国际结算(美元); in English
            // the figure's), never by its letter.
            let item = item_name(i, lang);
            let mut t = match i.value {
                Some(v) => format!(
                    "{} {} {} {}",
                    item,
                    figure(i.metric, v),
                    if v >= i.min { "≥" } else { "<" },
                    figure(i.metric, i.min)
                ),
                None => text::review_item_no_figure(lang, item, figure(i.metric, i.min)),
            };
            // A yearly minimum pro-rated to the period, as the summary says it.
            if let Some((year_min, months)) = i.pro_rated {
                t.push_str(&text::review_pro_rated(
                    lang,
                    figure(i.metric, year_min),
                    months,
                ));
            }
            if let (Some(m), Some((c, v))) = (i.single_client_min, &i.best_client) {
                t.push_str(&format!(
                    "{}{c} {} {} {}",
                    text::review_one_client(lang),
                    figure(i.metric, *v),
                    if *v >= m { "≥" } else { "<" },
                    figure(i.metric, m)
                ));
            }
            t
        })
        .collect();
    let mut parts = Vec::new();
    if !g.items.is_empty() {
        parts.push(text::review_items_held(
            lang,
            g.held_count,
            g.need,
            items.join(text::review_fact_sep(lang)),
        ));
    }
    if let Some(t) = &g.tenure {
        parts.push(format!(
            "{} {} {} {}",
            text::tenure(lang),
            t.value
                .map(|v| figure_with_unit(Metric::TenureYears, v, lang))
                .unwrap_or_else(|| "—".into()),
            if t.held { "≥" } else { "<" },
            figure_with_unit(Metric::TenureYears, t.threshold, lang)
        ));
    }
    if let Some(p) = &g.pass_line {
        let scope = policy
            .review
            .pass_line_clients_from
            .map(|f| {
                format!(
                    "{}{}{}",
                    text::review_one_client_open(lang),
                    amount_text(f, 0),
                    text::review_and_above_close(lang)
                )
            })
            .unwrap_or_default();
        parts.push(format!(
            "{}{scope} {} {} {}",
            text::pass_line(lang),
            p.value.map(|v| amount_text(v, 2)).unwrap_or_default(),
            if p.held { "≥" } else { "<" },
            amount_text(p.threshold, 2)
        ));
    }
    parts.extend(g.vetoes.iter().map(|v| veto_text(v, lang)));
    let verdict = if g.holds {
        text::review_holds(lang)
    } else {
        text::review_not_met(lang)
    };
    text::review_grade_line(lang, tier, verdict, parts.join(text::clause_sep(lang)))
}

/// Which input lies behind a review figure that has no value, in words
/// (for "no figure" errors and "not assessed" notes).
pub fn missing_input(year: &crate::metrics::annual::RmYear, metric: &str, lang: Lang) -> String {
    let has = |k: Metric| year.get(k).is_some();
    // A branch head's: the members whose figure is missing.
    if metric == "fee_growth"
        && !has(Metric::FeeIncomePrior)
        && !year.branch_fee_prior_missing.is_empty()
    {
        return text::missing_members_fee_income_prior(
            lang,
            year.branch_fee_prior_missing.join(text::list_sep(lang)),
        );
    }
    let says: text::Label = match metric {
        "fee_growth" if !has(Metric::FeeIncomePrior) => text::missing_fee_income_prior,
        "fee_growth" => text::fee_income_prior_zero,
        "deposit_new" | "deposit_growth" if !has(Metric::DepositNew) => {
            text::missing_deposits_prior
        }
        "deposit_growth" | "deposit_to_base" => text::base_zero,
        "normal_loan_ratio" => text::no_loans_at_end,
        "normal_loan_ratio_change" if !has(Metric::NormalLoanRatio) => text::no_loans_at_end,
        "normal_loan_ratio_change" => text::missing_normal_loan_prior,
        "collection_rate" => text::no_interest_due,
        "tenure_years" | "months_in_service" => text::missing_marketing_since,
        "previous_decision_demote" => text::missing_previous_review,
        "exam_score" => text::missing_exam_score,
        "score" => text::tier_has_no_score,
        "qualified_on" => text::missing_qualified_on,
        other => return format!("{} `{other}`", text::review_data_gives_no(lang)),
    };
    says(lang).to_string()
}

/// Why a rule was not assessed: the figures it lacked and the inputs
/// missing behind them.
pub fn not_assessed_why(
    r: &ReviewResult,
    m: &crate::engine::review::MissingFigure,
    lang: Lang,
) -> String {
    m.figures
        .iter()
        .map(|f| match Metric::from_id(f) {
            // The vocabulary's Chinese name; the English names the id.
            Some(m) => {
                text::review_missing_metric(lang, m.zh(), f, missing_input(&r.year, f, lang))
            }
            None => format!(
                "{} `{f}` ({})",
                text::review_no_figure_for(lang),
                missing_input(&r.year, f, lang)
            ),
        })
        .collect::<Vec<_>>()
        .join(crate::text::clause_sep(lang))
}

/// A metric's short name: the vocabulary's Chinese, or its English up to
/// any parenthesis.
pub(crate) fn metric_name(m: Metric, lang: Lang) -> &'static str {
    // Not a text: the vocabulary's own name of the metric.
    match lang {
        Lang::Zh => m.zh(),
        Lang::En => m.en().split(" (").next().unwrap_or(m.en()),
    }
}

/// A figure with its unit, as a sentence shows it.
pub(crate) fn figure_with_unit(m: Metric, v: Decimal, lang: Lang) -> String {
    let unit = match m {
        Metric::Score | Metric::IncidentPoints | Metric::ExamScore => text::review_points(lang),
        Metric::MonthsInService => text::review_months(lang),
        Metric::TenureYears => text::review_years(lang),
        Metric::ClientCount => text::review_clients(lang),
        _ => "",
    };
    match m {
        // Points as the policy writes them: 84.57 分, 85 分.
        Metric::Score | Metric::ExamScore | Metric::IncidentPoints => {
            format!("{}{unit}", v.round_away(2).normalize())
        }
        _ => format!("{}{unit}", figure(m, v)),
    }
}

pub(crate) fn op_words(op: Op, lang: Lang) -> &'static str {
    match op {
        Op::Lt => text::review_below(lang),
        Op::Le => text::review_at_most(lang),
        Op::Gt => text::review_above(lang),
        Op::Ge => text::review_at_least(lang),
        Op::Eq => text::review_equal_to(lang),
    }
}

/// The line a decision is drawn at: 降级线, 解聘线, 晋升线.
pub(crate) fn line_words(d: Decision, lang: Lang) -> &'static str {
    match d {
        Decision::Demote => text::review_demotion_line(lang),
        Decision::Terminate => text::review_termination_line(lang),
        Decision::Promote => text::review_promotion_line(lang),
        Decision::Keep => text::review_line_keep(lang),
    }
}

/// A disqualifier that fired, with its facts (month and figure).
fn veto_text(v: &Veto, lang: Lang) -> String {
    let facts = v
        .facts
        .iter()
        .map(|f| fact_text(f, None, lang))
        .collect::<Vec<_>>()
        .join(text::review_fact_sep(lang));
    text::review_veto(lang, &v.name, facts, &v.id)
}

/// One comparison in words: `综合得分 84.57 分，低于降级线 85.00 分`, or for
/// a months condition `存款占基数比低于 90.00% 连续 3 个月（2026-03
/// 87.50%、…）`.
pub(crate) fn fact_text(f: &Fact, line: Option<Decision>, lang: Lang) -> String {
    // A yes/no figure (1: yes) says what it means.
    if f.metric == Metric::PreviousDecisionDemote && f.months.is_none() {
        let yes = f.op.holds(Decimal::ONE, f.threshold);
        return if yes {
            text::notice_demoted_last_year(lang).into()
        } else {
            text::notice_not_demoted_last_year(lang).into()
        };
    }
    let name = metric_name(f.metric, lang);
    let op = op_words(f.op, lang);
    let threshold = figure_with_unit(f.metric, f.threshold, lang);
    match &f.months {
        Some((n, months)) => {
            let list = months
                .iter()
                .map(|(p, v)| format!("{p} {}", figure_with_unit(f.metric, *v, lang)))
                .collect::<Vec<_>>()
                .join(text::list_sep(lang));
            match *n {
                1 => text::review_fact_month(lang, name, op, threshold, list),
                n => text::review_fact_months(lang, name, op, threshold, n, list),
            }
        }
        None => {
            let value = figure_with_unit(f.metric, f.value, lang);
            let line = line.map(|d| line_words(d, lang));
            match line {
                Some(l) => text::review_fact_line(lang, name, value, op, l, threshold),
                None => text::review_fact(lang, name, value, op, threshold),
            }
        }
    }
}

/// A fired rule in words, with its figures, its decision and its rule.
fn hit_text(h: &Hit, lang: Lang) -> String {
    let (what, outcome) = hit_words(h, lang);
    text::review_hit(lang, what, outcome, &h.rule)
}

/// A fired rule's figures in words (`综合得分 84.57 分，低于降级线 85 分`)
/// and its outcome.
fn hit_words(h: &Hit, lang: Lang) -> (String, String) {
    let what = match &h.finding {
        Some(Finding::BottomN { n, score }) => {
            text::review_bottom_n(lang, amount_text(*score, 2), n)
        }
        Some(Finding::Lapsed { on, years, until }) => text::review_lapsed(lang, on, years, until),
        None => {
            // "Below the demotion line" only where one comparison decides.
            let line = (h.facts.len() == 1).then_some(h.decision);
            h.facts
                .iter()
                .map(|f| fact_text(f, line, lang))
                .collect::<Vec<_>>()
                .join(text::review_and_also(lang))
        }
    };
    let outcome = match h.decision {
        // Not a text: the policy's own name of the rule.
        Decision::Keep => match lang {
            Lang::Zh => h.name.clone(),
            Lang::En => h.name_en.clone().unwrap_or_else(|| h.name.clone()),
        },
        d => decision_label(d, lang).to_string(),
    };
    (what, outcome)
}

/// A criterion item's name: the policy's own (e.g. 日均存款), in English
/// the metric's.
pub(crate) fn item_name(i: &crate::engine::review::CriterionResult, lang: Lang) -> String {
    // Not a text: the policy's own name of the item, in Chinese.
    match (lang, &i.name) {
        (Lang::Zh, Some(n)) => n.clone(),
        _ => metric_name(i.metric, lang).to_string(),
    }
}

/// One grade in words, as the summary shows the deciding one: the items
/// held (or, when it is not met, what falls short), the tenure, the pass
/// line and any disqualifier.
fn grade_reason(policy: &Policy, g: &GradeTry, outcome: Option<Decision>, lang: Lang) -> String {
    let tier = tier_label(policy, Some(g.tier), lang);
    let cmp = |v: Decimal, t: Decimal| if v >= t { "≥" } else { "<" };
    let mut parts = Vec::new();
    if !g.items.is_empty() {
        let shown: Vec<String> = g
            .items
            .iter()
            .filter(|i| i.held)
            .map(|i| {
                let v = i.value.unwrap_or_default();
                let mut t = format!(
                    "{} {} ≥ {}",
                    item_name(i, lang),
                    figure(i.metric, v),
                    figure(i.metric, i.min)
                );
                if let Some((year_min, months)) = i.pro_rated {
                    t.push_str(&text::review_pro_rated(
                        lang,
                        figure(i.metric, year_min),
                        months,
                    ));
                }
                if let (Some(m), Some((c, v))) = (i.single_client_min, &i.best_client) {
                    t.push_str(&text::review_single_client(
                        lang,
                        c,
                        figure(i.metric, *v),
                        figure(i.metric, m),
                    ));
                }
                t
            })
            .collect();
        parts.push(if shown.is_empty() {
            text::review_items_count(lang, g.held_count, g.need)
        } else {
            text::review_items_held(lang, g.held_count, g.need, shown.join(text::list_sep(lang)))
        });
    }
    if let Some(t) = &g.tenure {
        let v = t
            .value
            .map(|v| figure_with_unit(Metric::TenureYears, v, lang))
            .unwrap_or_else(|| "—".into());
        parts.push(format!(
            "{} {v} {} {}",
            metric_name(Metric::TenureYears, lang),
            t.value.map_or("<", |v| cmp(v, t.threshold)),
            figure_with_unit(Metric::TenureYears, t.threshold, lang)
        ));
    }
    if let Some(p) = &g.pass_line {
        parts.push(format!(
            "{} {} {} {}",
            text::pass_line(lang),
            p.value.map(|v| amount_text(v, 2)).unwrap_or_default(),
            p.value.map_or("<", |v| cmp(v, p.threshold)),
            amount_text(p.threshold, 2)
        ));
    }
    parts.extend(g.vetoes.iter().map(|v| veto_text(v, lang)));
    let verdict = if g.holds {
        text::review_meets(lang, tier)
    } else {
        text::review_does_not_meet(lang, tier)
    };
    let outcome = outcome
        .map(|d| format!(" → {}", decision_label(d, lang)))
        .unwrap_or_default();
    text::review_grade_reason(
        lang,
        verdict,
        parts.join(text::clause_sep(lang)),
        outcome,
        &g.rule,
    )
}

/// A promotion the tier's probation held back, in words.
fn probation_text(policy: &Policy, p: &crate::engine::review::Probation, lang: Lang) -> String {
    let span = match p.need {
        12 => text::review_probation_a_year(lang).to_string(),
        n if n % 12 == 0 => text::review_probation_years(lang, n / 12),
        n => text::review_probation_months(lang, n),
    };
    text::review_probation(
        lang,
        span,
        p.since,
        p.end,
        p.months.normalize(),
        tier_label(policy, p.held_back, lang),
        decision_label(Decision::Keep, lang),
        &p.rule,
    )
}

/// The grades that decided: the grade that holds, and, where the RM does
/// not keep the current grade, why the current one is not met (or, with
/// no grade met, the lowest tried).
pub(crate) fn deciding_grades(r: &ReviewResult) -> Vec<&GradeTry> {
    let held = r.grades.iter().find(|g| g.holds);
    let current = r.grades.iter().find(|g| g.tier == r.current && !g.holds);
    let mut out = Vec::new();
    match held {
        Some(h) => {
            if h.tier < r.current
                && let Some(c) = current
            {
                out.push(c);
            }
            out.push(h);
        }
        None => out.extend(r.grades.last()),
    }
    out
}

/// The summary's reasons: one line per deciding reason, in words, with its
/// figures and its rule; the scope of the figures first where it is not
/// the RM's own year (a branch head's branch, a part of the year).
///
/// `months` is how many months the review has ledgers for (fewer than the
/// period's in a partial review).
pub fn summary_reasons(
    policy: &Policy,
    r: &ReviewResult,
    months: usize,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(scope) = scope_text(policy, r, months, lang) {
        out.push(scope);
    }
    for h in &r.hits {
        out.push(hit_text(h, lang));
    }
    let grades = deciding_grades(r);
    for (i, g) in grades.iter().enumerate() {
        // The last deciding grade carries the outcome of the grades, unless
        // the tier's probation held a promotion back (said next).
        let outcome = (i + 1 == grades.len() && r.probation.is_none()).then_some(r.decision);
        out.push(grade_reason(policy, g, outcome, lang));
    }
    if let Some(p) = &r.probation {
        out.push(probation_text(policy, p, lang));
    }
    for m in r.missing.iter().filter(|m| m.not_assessed) {
        let figures = m
            .figures
            .iter()
            .map(|f| {
                let name = Metric::from_id(f).map_or(f.as_str(), |k| metric_name(k, lang));
                text::review_figure_why(lang, name, missing_input(&r.year, f, lang))
            })
            .collect::<Vec<_>>()
            .join(text::clause_sep(lang));
        out.push(text::review_not_assessed_no(lang, figures, &m.rule));
    }
    if let Some((base, _)) = &r.new_base
        && let Some(to) = r.proposed
    {
        let peers = r.new_base_peers;
        let tier = tier_label(policy, Some(to), lang);
        out.push(text::review_new_base(
            lang,
            amount_text(*base, 2),
            text::review_peers_average(lang, tier, peers),
        ));
    }
    if out
        .iter()
        .all(|l| l.starts_with('（') || l.starts_with('('))
    {
        out.push(match r.decision {
            Decision::Keep => text::review_no_rule_applies_keep(lang).into(),
            d => decision_label(d, lang).into(),
        });
    }
    out
}

/// Whose figures these are, where not the RM's own year: a branch head
/// assessed on the whole branch, a member present in fewer of the
/// `months` reviewed.
fn scope_text(policy: &Policy, r: &ReviewResult, months: usize, lang: Lang) -> Option<String> {
    let y = &r.year;
    if policy.review.branch_heads_on_branch
        && y.rm.role == crate::vocab::Role::BranchHead
        && y.rm.branch.is_some()
    {
        return Some(text::review_whole_branch_deposits_loans(lang).into());
    }
    let n = y.monthly.len();
    // Under `average_over = "period"` a daily average is the months in
    // post's balances over every day of the period, not over those months.
    (n > 0 && n < months).then(|| match policy.review.average_over {
        crate::policy::AverageOver::MonthsPresent => text::review_in_post(lang, n),
        crate::policy::AverageOver::Period => text::review_in_post_over_period(lang, n),
    })
}

/// Why an RM who served part of the period is not assessed, with the
/// months served.
pub fn part_period_reason(n: &crate::engine::review::NotReviewed, lang: Lang) -> String {
    use crate::engine::review::PartPeriod;
    use crate::text::trust;
    let months = n.months();
    let runs_on = months.windows(2).all(|w| w[0].next() == w[1]);
    let served = match (months.first(), months.last()) {
        (Some(f), Some(l)) if runs_on => match f == l {
            true => f.to_string(),
            false => format!("{f}…{l}"),
        },
        _ => months
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(crate::text::list_sep(lang)),
    };
    let (count, total) = (months.len(), n.year.period_months);
    match n.why {
        PartPeriod::Left { on: Some(on) } => trust::part_period_left(on, count, total, served),
        PartPeriod::Left { on: None } => trust::part_period_left_undated(count, total, served),
        PartPeriod::NotListed { until, last } => {
            trust::part_period_not_listed(until, last, count, total, served)
        }
    }
    .get(lang)
    .to_string()
}

/// The reasons of a decision, in words.
pub fn reasons(policy: &Policy, r: &ReviewResult, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for h in &r.hits {
        // Not a text: the policy's own name of the rule.
        let name = match lang {
            Lang::Zh => h.name.clone(),
            Lang::En => h.name_en.clone().unwrap_or_else(|| h.name.clone()),
        };
        // The figures as the summary words them (ratios as percentages,
        // points to two places, amounts with separators).
        let (what, outcome) = hit_words(h, lang);
        out.push(format!(
            "[{}] {name}{}{what} → {outcome}",
            h.rule,
            crate::text::colon(lang),
        ));
    }
    for g in &r.grades {
        out.push(format!("[{}] {}", g.rule, grade_text(policy, g, lang)));
    }
    if let Some(p) = &r.probation {
        out.push(format!("[{}] {}", p.rule, probation_text(policy, p, lang)));
    }
    for m in r.missing.iter().filter(|m| m.not_assessed) {
        out.push(format!(
            "[{}] {}{}{}",
            m.rule,
            text::not_assessed(lang),
            crate::text::colon(lang),
            not_assessed_why(r, m, lang)
        ));
    }
    if let Some((base, how)) = &r.new_base {
        // Not a text: English keeps the engine's words for the base (the
        // JSON's); Chinese says, as the summary does, whose average it is.
        let how = match (lang, r.proposed) {
            (Lang::En, _) => how.clone(),
            (Lang::Zh, Some(to)) => text::review_peers_average(
                lang,
                tier_label(policy, Some(to), lang),
                r.new_base_peers,
            ),
            (Lang::Zh, None) => super::TraceWords::new(policy, lang).text(how),
        };
        out.push(text::review_new_base(lang, amount_text(*base, 2), how));
    }
    if out.is_empty() {
        out.push(match r.decision {
            Decision::Keep => text::review_no_rule_applies(lang).into(),
            d => decision_label(d, lang).into(),
        });
    }
    out
}

pub fn review_head(policy: &Policy, info: &ReviewInfo, lang: Lang) -> BookHead {
    BookHead::new(
        policy,
        lang,
        text::review_book_title(lang),
        &info.label,
        info.end,
    )
}

/// The months with a ledger (fewer than the period's in a partial review):
/// a member in post for fewer is marked.
pub fn months_reviewed(review: &Review) -> usize {
    review
        .results
        .first()
        .map_or(0, |r| r.year.period_months as usize)
        .saturating_sub(review.missing.len())
}

/// Emit the grading workbook.
pub fn review_book(
    policy: &Policy,
    review: &Review,
    info: &ReviewInfo,
    lang: Lang,
    sink: &mut dyn Sink,
) {
    // A partial review says so in every sheet's name.
    let name = |title: text::Label| -> String {
        let base = title(lang).to_string();
        if info.partial {
            format!("{base}{}", text::partial_mark(lang))
        } else {
            base
        }
    };
    let money = |r: &ReviewResult, k: Metric| {
        r.year
            .get(k)
            .map(|v| Cell::Money(v.round_away(2)))
            .unwrap_or(Cell::text("—"))
    };
    let pct = |r: &ReviewResult, k: Metric| {
        r.year
            .get(k)
            .map(super::percent_cell)
            .unwrap_or(Cell::text("—"))
    };

    // 1. Summary. A policy whose grades map to staff grades (行员等级)
    // gets the proposed grade's one beside it.
    let staff_grades = policy.tiers.iter().any(|t| t.staff_grade.is_some());
    let mut columns = vec![
        col(text::col_rm_id(lang), 12.0),
        col(text::col_name(lang), 10.0),
        col(text::review_current_tier(lang), 14.0),
        col(text::review_deposit_daily_avg(lang), 16.0),
        col(text::review_new_deposits(lang), 16.0),
        col(text::review_deposit_growth(lang), 10.0),
        col(text::review_loan_daily_avg(lang), 16.0),
        col(text::review_npl_ratio(lang), 10.0),
        col(text::review_collection_rate(lang), 10.0),
        col(text::review_score(lang), 10.0),
        col(text::review_proposed_tier(lang), 14.0),
    ];
    if staff_grades {
        columns.push(col(text::review_staff_grade(lang), 8.0));
    }
    columns.push(col(text::review_decision(lang), 10.0));
    columns.push(wrapped_col(text::review_reasons(lang), 60.0));
    let mut s = Sheet::new(sink, name(text::review_summary_sheet), columns);
    s.freeze_columns = 2;
    s.landscape = true;
    let reviewed = months_reviewed(review);
    for r in &review.results {
        let mut row = vec![
            Cell::text(&r.year.rm.rm_id),
            Cell::text(&r.year.rm.name),
            Cell::text(tier_label(policy, Some(r.current), lang)),
            money(r, Metric::DepositDailyAverage),
            money(r, Metric::DepositNew),
            pct(r, Metric::DepositGrowth),
            money(r, Metric::LoanDailyAverage),
            pct(r, Metric::NplRatio),
            pct(r, Metric::CollectionRate),
            r.score
                .as_ref()
                .map(|s| Cell::Number(s.total, 2))
                .unwrap_or(Cell::text("—")),
            Cell::text(tier_label(policy, r.proposed, lang)),
        ];
        if staff_grades {
            row.push(
                r.proposed
                    .and_then(|t| policy.tiers[t].staff_grade)
                    .map(|g| Cell::Number(Decimal::from(g), 0))
                    .unwrap_or(Cell::text("—")),
            );
        }
        row.push(Cell::text(decision_label(r.decision, lang)));
        row.push(Cell::text(
            summary_reasons(policy, r, reviewed, lang).join("\n"),
        ));
        s.push(row);
    }
    // Those who served part of the period: listed, not assessed, why.
    for n in &review.not_reviewed {
        let mut row = vec![
            Cell::text(&n.year.rm.rm_id),
            Cell::text(&n.year.rm.name),
            Cell::text(tier_label(policy, Some(n.year.rm.tier), lang)),
        ];
        row.extend(std::iter::repeat_with(|| Cell::text("—")).take(7));
        row.push(Cell::text(tier_label(policy, Some(n.year.rm.tier), lang)));
        if staff_grades {
            row.push(
                policy.tiers[n.year.rm.tier]
                    .staff_grade
                    .map(|g| Cell::Number(Decimal::from(g), 0))
                    .unwrap_or(Cell::text("—")),
            );
        }
        row.push(Cell::text(
            crate::text::trust::review_not_assessed().get(lang),
        ));
        row.push(Cell::text(part_period_reason(n, lang)));
        s.push(row);
    }
    drop(s);

    // 2. Score breakdown.
    if policy.score.is_some() {
        let columns = super::columns(lang, crate::text::SCORE_COLUMNS);
        let mut s = Sheet::new(sink, name(text::review_score_sheet), columns);
        s.freeze_columns = 2;
        let words = super::TraceWords::new(policy, lang);
        for r in &review.results {
            let Some(sc) = &r.score else { continue };
            for c in &sc.components {
                let show = |v: Decimal| Cell::text(figure(c.metric, v));
                s.push(vec![
                    Cell::text(&r.year.rm.rm_id),
                    // Not texts: the policy's name of the component, the
                    // vocabulary's name (or id) of the metric.
                    Cell::text(match lang {
                        Lang::Zh => c.name.clone(),
                        Lang::En => c.name_en.clone().unwrap_or(c.id.clone()),
                    }),
                    Cell::text(&c.rule),
                    Cell::text(match lang {
                        Lang::Zh => c.metric.zh(),
                        Lang::En => c.metric.id(),
                    }),
                    c.value.map(show).unwrap_or(Cell::text("—")),
                    c.target.map(show).unwrap_or(Cell::Empty),
                    Cell::Number(c.base, 2),
                    Cell::Number(c.adjustment, 2),
                    Cell::Number(c.capped, 2),
                    if c.not_assessed {
                        Cell::text(text::not_assessed(lang))
                    } else {
                        Cell::Number(c.points, 2)
                    },
                    Cell::text(words.text(&c.note)),
                ]);
            }
        }
        drop(s);
    }

    // 3. Grade criteria: every grade tried, every item.
    if policy.review.grade_by_criteria {
        let mut s = Sheet::new(
            sink,
            name(text::review_criteria_sheet),
            vec![
                col(text::col_rm_id(lang), 12.0),
                col(text::review_grade_tried(lang), 14.0),
                col(text::review_col_item(lang), 8.0),
                col(text::review_metric(lang), 22.0),
                col(text::col_value(lang), 16.0),
                col(text::col_threshold(lang), 16.0),
                col(text::review_one_client_minimum(lang), 16.0),
                col(text::review_largest_client(lang), 22.0),
                col(text::review_col_held(lang), 8.0),
                // 满足 1 项（需 2 项）: 20 units, a CJK character two.
                col(text::review_held_needed(lang), 20.0),
                col(text::review_clients_excluded(lang), 30.0),
                col(text::review_grade_holds(lang), 10.0),
            ],
        );
        s.freeze_columns = 2;
        let words = super::TraceWords::new(policy, lang);
        let yes = |b: bool| {
            Cell::text(if b {
                text::review_yes(lang)
            } else {
                text::review_no(lang)
            })
        };
        for r in &review.results {
            for g in &r.grades {
                let grade = tier_label(policy, Some(g.tier), lang);
                let excluded = g.excluded_clients.join(", ");
                let count = text::review_held_of_needed(lang, g.held_count, g.need);
                for i in &g.items {
                    s.push(vec![
                        Cell::text(&r.year.rm.rm_id),
                        Cell::text(&grade),
                        Cell::text(&i.id),
                        // Not a text: the vocabulary's name (or id) of the metric.
                        Cell::text(match lang {
                            Lang::Zh => i.metric.zh(),
                            Lang::En => i.metric.id(),
                        }),
                        i.value
                            .map(|v| Cell::Money(v.round_away(2)))
                            .unwrap_or(Cell::text(text::review_no_figure(lang))),
                        Cell::Money(i.min),
                        i.single_client_min.map(Cell::Money).unwrap_or(Cell::Empty),
                        i.best_client
                            .as_ref()
                            .map(|(c, v)| Cell::text(format!("{c}: {}", amount_text(*v, 2))))
                            .unwrap_or(Cell::Empty),
                        yes(i.held),
                        Cell::text(&count),
                        Cell::text(&excluded),
                        yes(g.holds),
                    ]);
                }
                let extra = [
                    g.tenure.as_ref().map(|t| ("tenure", text::tenure(lang), t)),
                    g.pass_line
                        .as_ref()
                        .map(|p| ("pass_line", text::pass_line(lang), p)),
                ];
                for (id, label, c) in extra.into_iter().flatten() {
                    s.push(vec![
                        Cell::text(&r.year.rm.rm_id),
                        Cell::text(&grade),
                        // The policy's items are its own letters (a–d); these
                        // two are not items, and are named in the next column.
                        match lang {
                            Lang::Zh => Cell::Empty,
                            Lang::En => Cell::text(id),
                        },
                        Cell::text(label),
                        c.value
                            .map(|v| Cell::Number(v, 2))
                            .unwrap_or(Cell::text("—")),
                        Cell::Number(c.threshold, 2),
                        Cell::Empty,
                        Cell::Empty,
                        yes(c.held),
                        Cell::text(&count),
                        Cell::text(&excluded),
                        yes(g.holds),
                    ]);
                }
                for m in g.missing.iter().filter(|m| m.not_assessed) {
                    s.push(vec![
                        Cell::text(&r.year.rm.rm_id),
                        Cell::text(&grade),
                        Cell::text(text::not_assessed(lang)),
                        Cell::text(format!("{}: {}", m.rule, not_assessed_why(r, m, lang))),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                        Cell::text(text::not_assessed(lang)),
                        Cell::text(&count),
                        Cell::text(&excluded),
                        yes(g.holds),
                    ]);
                }
                for d in &g.disqualified {
                    s.push(vec![
                        Cell::text(&r.year.rm.rm_id),
                        Cell::text(&grade),
                        Cell::text(text::review_disqualifier(lang)),
                        Cell::text(words.text(d)),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                        yes(false),
                        Cell::text(&count),
                        Cell::text(&excluded),
                        yes(g.holds),
                    ]);
                }
            }
        }
        drop(s);
    }

    // 4. Distribution before and after, with a chart.
    let mut s = Sheet::new(
        sink,
        name(text::review_distribution_sheet),
        vec![
            col(text::col_tier(lang), 16.0),
            col(text::review_before(lang), 10.0),
            col(text::review_after(lang), 10.0),
        ],
    );
    s.chart = Some(ChartSpec {
        title: text::review_tier_distribution_before_and(lang).to_string(),
        category_column: 0,
        series_columns: vec![1, 2],
        rows: policy.tiers.len() as u32 + 1,
    });
    for t in 0..policy.tiers.len() {
        let before = review.results.iter().filter(|r| r.current == t).count();
        let after = review
            .results
            .iter()
            .filter(|r| r.proposed == Some(t))
            .count();
        s.push(vec![
            Cell::text(tier_label(policy, Some(t), lang)),
            Cell::Number(Decimal::from(before), 0),
            Cell::Number(Decimal::from(after), 0),
        ]);
    }
    let gone = review
        .results
        .iter()
        .filter(|r| r.proposed.is_none())
        .count();
    s.push(vec![
        Cell::text(text::review_terminated(lang)),
        Cell::Number(Decimal::ZERO, 0),
        Cell::Number(Decimal::from(gone), 0),
    ]);
    drop(s);

    // 5. Trace: every review figure, then the steps.
    // The year's figures are shown to six places, the quotient the rules
    // compare (261,268,692.674630: 18 characters, which the month's 16 print
    // as ###), up to 99,999,999,999.999999; the review's settings are rule
    // ids of up to 40 characters (review.collection_rate_when_nothing_due).
    let mut columns = super::trace_columns(lang);
    for c in &mut columns {
        if c.title == text::col_value(lang) {
            c.width = c.width.max(22.0);
        } else if c.title == text::col_rule(lang) {
            c.width = c.width.max(40.0);
        }
    }
    let mut s = Sheet::new(sink, name(crate::text::trace_sheet), columns);
    s.freeze_columns = 2;
    s.print.fit_width = false;
    let words = super::TraceWords::new(policy, lang);
    s.row_lines = super::trace_row_lines(
        review.results.iter().map(|r| r.year.metrics.len()).sum(),
        review.results.iter().flat_map(|r| &r.trace),
    );
    for r in &review.results {
        for (k, v) in &r.year.metrics {
            s.push(vec![
                Cell::text(&r.year.rm.rm_id),
                Cell::text(words.figure(k.id())),
                Cell::text(words.rule("metric")),
                v.map(|v| figure_cell(*k, v)).unwrap_or(Cell::text("—")),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        for st in &r.trace {
            let value = st
                .value
                .map(|v| super::pay::trace_value(&st.figure, v))
                .unwrap_or(Cell::text("—"));
            super::trace_rows(&mut s, &words, &r.year.rm.rm_id, st, value);
        }
    }
    drop(s);

    // 6. Manifest.
    let mut s = Sheet::new(
        sink,
        name(text::manifest_sheet),
        vec![
            col(text::col_item(lang), 24.0),
            col(text::col_content(lang), 90.0),
        ],
    );
    let kv = |k: &str, v: String| vec![Cell::text(k), Cell::text(v)];
    s.push(kv(
        text::manifest_tool(lang),
        format!("rmpay {}", info.tool_version),
    ));
    s.push(kv(text::review_review_period(lang), info.label.clone()));
    if info.partial {
        s.push(kv(
            text::review_partial(lang),
            format!(
                "{}: {}",
                text::review_months_missing(lang),
                info.missing.join(", ")
            ),
        ));
    }
    s.push(kv(
        text::policy_label(lang),
        format!("{} {} ({})", policy.id, policy.version, policy.file),
    ));
    s.push(kv(text::manifest_policy_sha(lang), policy.sha256.clone()));
    for (p, f, sha) in &info.ledgers {
        s.push(kv(
            &format!("{} {p}", text::ledger_label(lang)),
            format!("{f} SHA-256 {sha}"),
        ));
    }
    drop(s);
}
