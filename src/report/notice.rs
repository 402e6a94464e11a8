//! 考核结果通知书: one RM's review result on one printable page, to hand
//! to that RM alone (`rmpay review --notices DIR`). It says who, which
//! period, the tier before, the decision and the tier after, the deciding
//! reasons in the summary's own words (`report::review::summary_reasons`),
//! the key figures beside what the policy requires of them, and a
//! signature block left blank to sign by hand.
//!
//! The page is laid out as the pay statements are
//! ([`super::statement::Page`], written by `write::statement`).

use super::review::{
    ReviewInfo, deciding_grades, decision_label, figure, figure_with_unit, item_name, line_words,
    metric_name, months_reviewed, op_words, summary_reasons, tier_label,
};
use super::statement::{Page, file_id, metric_label};
use super::{Cell, Lang, RowStyle};
use crate::decimal::RoundAway as _;
use crate::engine::review::{Review, ReviewResult};
use crate::policy::{Condition, Policy};
use crate::text;
use crate::vocab::{Metric, Period};

/// `notice-2026-S01.xlsx`, `notice-2026-Q3-S01.xlsx`.
pub fn file_name(label: &str, rm_id: &str) -> String {
    format!("notice-{label}-{}.xlsx", file_id(rm_id))
}

/// The review period in words, with its first and last day: `2026 年度
/// （2026-01-01 至 2026-12-31）`, `2026 年第 3 季度（2026-07-01 至
/// 2026-09-30）`.
fn period_text(info: &ReviewInfo, months: u32, lang: Lang) -> String {
    let last = Period::of(info.end);
    let first = (1..months.max(1)).fold(last, |p, _| p.prev()).first_day();
    let (year, quarter) = match info.label.split_once("-Q") {
        Some((y, q)) => (y, Some(q)),
        None => (info.label.as_str(), None),
    };
    match quarter {
        None => text::notice_period_year(lang, year, first, info.end),
        Some(q) => text::notice_period_quarter(lang, year, q, first, info.end),
    }
}

/// The comparisons of a rule's condition that decide on their own: the
/// condition itself, or any branch of an `any`. (A comparison inside an
/// `all` decides only with the others, so it is not a requirement by
/// itself.)
fn deciding_leaves(c: &Condition, out: &mut Vec<Condition>) {
    match c {
        Condition::Compare { .. } | Condition::Consecutive { .. } => out.push(c.clone()),
        Condition::Any(cs) => cs.iter().for_each(|c| deciding_leaves(c, out)),
        Condition::All(_) => {}
    }
}

/// What the policy requires of `metric` for this RM, in words: the score's
/// target for it, and each rule of the RM's tier that decides on it alone
/// (`低于降级线 85 分 → 降级（A-14-2-score-85）`).
fn requirements(policy: &Policy, r: &ReviewResult, metric: Metric, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = &r.score {
        for c in s.components.iter().filter(|c| c.metric == metric) {
            if let Some(t) = c.target {
                // Not a text: the policy's own name of the component.
                let name = match lang {
                    Lang::Zh => c.name.clone(),
                    Lang::En => c.name_en.clone().unwrap_or_else(|| c.id.clone()),
                };
                out.push(text::notice_target(
                    lang,
                    name,
                    figure_with_unit(metric, t, lang),
                    &c.rule,
                ));
            }
        }
    }
    for rule in tier_rules(policy, r) {
        let mut leaves = Vec::new();
        deciding_leaves(&rule.when, &mut leaves);
        let line = (leaves.len() == 1).then_some(rule.decision);
        for leaf in leaves {
            let (m, op, value, months) = match leaf {
                Condition::Compare { metric, op, value } => (metric, op, value, None),
                Condition::Consecutive {
                    months,
                    metric,
                    op,
                    value,
                } => (metric, op, value, Some(months)),
                _ => continue,
            };
            if m != metric {
                continue;
            }
            let op = op_words(op, lang);
            let line = line.map(|d| line_words(d, lang)).unwrap_or_default();
            let threshold = figure_with_unit(metric, value, lang);
            let outcome = decision_label(rule.decision, lang);
            out.push(match months {
                None if line.is_empty() => {
                    text::notice_requires(lang, op, threshold, outcome, &rule.id)
                }
                None => text::notice_requires_line(lang, op, line, threshold, outcome, &rule.id),
                Some(n) => text::notice_requires_months(lang, n, op, threshold, outcome, &rule.id),
            });
        }
    }
    out
}

/// The metrics a condition reads, in order.
fn metrics_of(c: &Condition, out: &mut Vec<Metric>) {
    match c {
        Condition::Compare { metric, .. } | Condition::Consecutive { metric, .. } => {
            out.push(*metric)
        }
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| metrics_of(c, out)),
    }
}

/// Whether a condition reads `metric`.
fn mentions(c: &Condition, metric: Metric) -> bool {
    match c {
        Condition::Compare { metric: m, .. } | Condition::Consecutive { metric: m, .. } => {
            *m == metric
        }
        Condition::All(cs) | Condition::Any(cs) => cs.iter().any(|c| mentions(c, metric)),
    }
}

/// A rule's whole condition in words: `在岗月数不高于 6 个月且存款日均达到
/// 8,000,000.00`, branches of an `any` joined by 或, a compound branch in
/// brackets.
fn condition_text(c: &Condition, lang: Lang) -> String {
    let inner = |c: &Condition| match c {
        Condition::All(_) | Condition::Any(_) => {
            text::notice_bracketed(lang, condition_text(c, lang))
        }
        _ => condition_text(c, lang),
    };
    match c {
        Condition::Compare {
            metric: Metric::PreviousDecisionDemote,
            op,
            value,
        } => {
            let yes = op.holds(rust_decimal::Decimal::ONE, *value);
            if yes {
                text::notice_demoted_last_year(lang).into()
            } else {
                text::notice_not_demoted_last_year(lang).into()
            }
        }
        Condition::Compare { metric, op, value } => {
            let (name, op) = (metric_name(*metric, lang), op_words(*op, lang));
            let t = figure_with_unit(*metric, *value, lang);
            // Not words: Chinese writes the comparison against the name,
            // English spaces them (no text of either language here).
            match lang {
                Lang::Zh => format!("{name}{op} {t}"),
                Lang::En => format!("{name} {op} {t}"),
            }
        }
        Condition::Consecutive {
            months,
            metric,
            op,
            value,
        } => {
            let (name, op) = (metric_name(*metric, lang), op_words(*op, lang));
            let t = figure_with_unit(*metric, *value, lang);
            text::notice_consecutive(lang, name, months, op, t)
        }
        Condition::All(cs) => cs
            .iter()
            .map(inner)
            .collect::<Vec<_>>()
            .join(text::notice_and(lang)),
        Condition::Any(cs) => cs
            .iter()
            .map(inner)
            .collect::<Vec<_>>()
            .join(text::notice_or(lang)),
    }
}

/// The review rules of the RM's tier (a rule naming no tier is every
/// tier's).
fn tier_rules<'p>(
    policy: &'p Policy,
    r: &ReviewResult,
) -> impl Iterator<Item = &'p crate::policy::ReviewRule> {
    let tier = r.current;
    policy
        .review
        .rules
        .iter()
        .filter(move |x| x.tiers.is_empty() || x.tiers.contains(&tier))
}

/// Whether a rule of the RM's tier reads `metric` month by month.
fn monthly_rule(policy: &Policy, r: &ReviewResult, metric: Metric) -> bool {
    tier_rules(policy, r).any(|rule| {
        let mut leaves = Vec::new();
        deciding_leaves(&rule.when, &mut leaves);
        leaves
            .iter()
            .any(|c| matches!(c, Condition::Consecutive { metric: m, .. } if *m == metric))
    })
}

/// The figures a notice shows besides the score and its components: the
/// summary's figures, then every other figure a rule of the RM's tier
/// reads (but last year's decision, which the reasons give in words).
fn key_metrics(policy: &Policy, r: &ReviewResult) -> Vec<Metric> {
    // The score's own figures are shown with its components.
    let scored: Vec<Metric> = r
        .score
        .iter()
        .flat_map(|s| s.components.iter().map(|c| c.metric))
        .collect();
    let mut out = Vec::new();
    let mut more = vec![
        Metric::DepositDailyAverage,
        Metric::DepositNew,
        Metric::DepositGrowth,
        Metric::LoanDailyAverage,
        Metric::NplRatio,
        Metric::CollectionRate,
    ];
    for rule in tier_rules(policy, r) {
        metrics_of(&rule.when, &mut more);
    }
    for m in more {
        if !out.contains(&m)
            && !scored.contains(&m)
            && m != Metric::Score
            && m != Metric::PreviousDecisionDemote
        {
            out.push(m);
        }
    }
    out
}

fn tier_with_grade(policy: &Policy, t: Option<usize>, lang: Lang) -> String {
    let name = tier_label(policy, t, lang);
    match t.and_then(|t| policy.tiers[t].staff_grade) {
        Some(g) => text::notice_tier_with_grade(lang, name, g),
        None => name,
    }
}

/// The notice of one RM's review result.
pub fn notice(
    policy: &Policy,
    review: &Review,
    r: &ReviewResult,
    info: &ReviewInfo,
    lang: Lang,
) -> Page {
    let rm = &r.year.rm;
    // Not a text: the policy's own name in either language.
    let policy_name = match lang {
        Lang::Zh => policy.name.clone(),
        Lang::En => policy.name_en.clone().unwrap_or_else(|| policy.id.clone()),
    };
    let branch = rm.branch.clone().unwrap_or_else(|| "—".into());
    let partial = if info.partial {
        text::notice_partial_period(lang)
    } else {
        ""
    };
    let title = format!("{}{partial}", text::notice_notice_review_result(lang));
    let period = period_text(info, r.year.period_months, lang);
    let mut rows: Vec<(RowStyle, Vec<Cell>)> = Vec::new();
    let line = |rows: &mut Vec<(RowStyle, Vec<Cell>)>, style, text: String| {
        rows.push((style, vec![Cell::Text(text)]));
    };
    line(&mut rows, RowStyle::Title, title.clone());
    line(
        &mut rows,
        RowStyle::Normal,
        text::stmt_policy_line(lang, &policy_name, &policy.version, &branch),
    );
    line(
        &mut rows,
        RowStyle::Normal,
        text::notice_rm_line(lang, &rm.rm_id, &rm.name, &period),
    );
    if info.partial {
        line(
            &mut rows,
            RowStyle::Normal,
            text::notice_partial_line(lang, info.missing.join(text::list_sep(lang))),
        );
    }

    // The result.
    rows.push((RowStyle::Blank, Vec::new()));
    line(
        &mut rows,
        RowStyle::Title,
        text::notice_1_result(lang).into(),
    );
    let before = tier_with_grade(policy, Some(r.current), lang);
    let after = tier_with_grade(policy, r.proposed, lang);
    let decision = decision_label(r.decision, lang);
    for (label, text) in [
        (text::notice_tier_before(lang), before),
        (text::notice_decision(lang), decision.to_string()),
        (text::notice_tier_after(lang), after),
    ] {
        line(
            &mut rows,
            RowStyle::Normal,
            format!("{label}{}{text}", text::colon(lang)),
        );
    }

    // The reasons, as the summary words them.
    rows.push((RowStyle::Blank, Vec::new()));
    line(
        &mut rows,
        RowStyle::Title,
        text::notice_2_reasons(lang).into(),
    );
    for (i, reason) in summary_reasons(policy, r, months_reviewed(review), lang)
        .iter()
        .enumerate()
    {
        line(&mut rows, RowStyle::Normal, format!("{}. {reason}", i + 1));
    }

    // The key figures and what the policy requires of them.
    rows.push((RowStyle::Blank, Vec::new()));
    line(
        &mut rows,
        RowStyle::Title,
        text::notice_3_key_figures(lang).into(),
    );
    // Money is in yuan, as the statement says above its tables (the
    // settlements' item names its dollars).
    rows.push((
        RowStyle::Normal,
        vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(text::stmt_unit_yuan(lang)),
        ],
    ));
    let head = |a: &str, b: &str, c: &str, d: &str| {
        (
            RowStyle::Header,
            vec![Cell::text(a), Cell::text(b), Cell::text(c), Cell::text(d)],
        )
    };
    rows.push(head(
        text::figure_col(lang),
        text::notice_own_value(lang),
        text::notice_policy_requires(lang),
        text::col_note(lang),
    ));
    let none = || text::notice_no_figure(lang).to_string();
    // A branch head's deposits, loans and interest are the branch's.
    let branch_wide = r.year.rm.role == crate::vocab::Role::BranchHead
        && policy.review.branch_heads_on_branch
        && r.year.rm.branch.is_some();
    let scope_of = |m: Metric| match m {
        Metric::DepositDailyAverage
        | Metric::DepositNew
        | Metric::DepositGrowth
        | Metric::LoanDailyAverage
        | Metric::NplRatio
        | Metric::CollectionRate
            if branch_wide =>
        {
            text::notice_whole_branch(lang)
        }
        _ => "",
    };
    let joined = |v: Vec<String>| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join("\n")
        }
    };
    if let Some(s) = &r.score {
        rows.push((
            RowStyle::Normal,
            vec![
                Cell::Text(metric_label(Metric::Score.id(), lang)),
                Cell::Text(figure_with_unit(Metric::Score, s.total, lang)),
                Cell::Text(joined(requirements(policy, r, Metric::Score, lang))),
                Cell::text(""),
            ],
        ));
        for c in &s.components {
            // Not a text: the policy's own name of the component.
            let name = match lang {
                Lang::Zh => c.name.clone(),
                Lang::En => c.name_en.clone().unwrap_or_else(|| c.id.clone()),
            };
            let points = if c.not_assessed {
                text::not_assessed(lang).to_string()
            } else {
                text::notice_points(lang, c.points.round_away(2).normalize())
            };
            rows.push((
                RowStyle::Normal,
                vec![
                    Cell::Text(text::notice_of_which(lang, name)),
                    Cell::Text(
                        c.value
                            .map_or_else(none, |v| figure_with_unit(c.metric, v, lang)),
                    ),
                    Cell::Text(joined(requirements(policy, r, c.metric, lang))),
                    Cell::Text(match scope_of(c.metric) {
                        "" => points,
                        s => format!("{points}{}{s}", text::comma(lang)),
                    }),
                ],
            ));
        }
    }
    for m in key_metrics(policy, r) {
        let value = r.year.get(m);
        // A rule on each month reads the months, not the period's figure.
        let note = if monthly_rule(policy, r, m) {
            text::notice_period_months_see_reasons(lang)
        } else {
            scope_of(m)
        };
        rows.push((
            RowStyle::Normal,
            vec![
                Cell::Text(metric_label(m.id(), lang)),
                Cell::Text(value.map_or_else(none, |v| figure_with_unit(m, v, lang))),
                Cell::Text(joined(requirements(policy, r, m, lang))),
                Cell::text(note),
            ],
        ));
    }

    // The rules whose figures decide only together, each once, whole.
    for rule in tier_rules(policy, r) {
        let mut leaves = Vec::new();
        deciding_leaves(&rule.when, &mut leaves);
        let mut read = Vec::new();
        metrics_of(&rule.when, &mut read);
        if read.iter().all(|m| leaves.iter().any(|c| mentions(c, *m))) {
            continue;
        }
        let outcome = decision_label(rule.decision, lang);
        let when = condition_text(&rule.when, lang);
        rows.push((
            RowStyle::Normal,
            vec![
                // Not a text: the policy's own name of the rule.
                Cell::Text(match lang {
                    Lang::Zh => rule.name.clone(),
                    Lang::En => rule.name_en.clone().unwrap_or_else(|| rule.id.clone()),
                }),
                Cell::text(""),
                Cell::Text(text::notice_rule_outcome(lang, when, outcome, &rule.id)),
                Cell::text(""),
            ],
        ));
    }

    // A policy of grades: each deciding grade's items, held or not.
    let yes = |b: bool| {
        Cell::text(if b {
            text::notice_held(lang)
        } else {
            text::notice_not_held(lang)
        })
    };
    for g in deciding_grades(r) {
        let tier = tier_label(policy, Some(g.tier), lang);
        rows.push((RowStyle::Blank, Vec::new()));
        rows.push(head(
            &text::notice_grade_tried(lang, tier),
            text::notice_own_value(lang),
            &if g.items.is_empty() {
                text::notice_policy_requires(lang).to_string()
            } else {
                text::notice_requires_items(lang, g.need)
            },
            if g.holds {
                text::notice_grade_met(lang)
            } else {
                text::notice_grade_not_met(lang)
            },
        ));
        for i in &g.items {
            let mut need = format!("≥ {}", figure(i.metric, i.min));
            if let Some((year_min, months)) = i.pro_rated {
                need.push_str(&text::review_pro_rated(
                    lang,
                    figure(i.metric, year_min),
                    months,
                ));
            }
            if let Some(m) = i.single_client_min {
                let best = i
                    .best_client
                    .as_ref()
                    .map(|(c, v)| text::notice_largest_client(lang, c, figure(i.metric, *v)))
                    .unwrap_or_default();
                need.push_str(&text::notice_one_client_min(
                    lang,
                    figure(i.metric, m),
                    best,
                ));
            }
            rows.push((
                RowStyle::Normal,
                vec![
                    Cell::Text(item_name(i, lang)),
                    Cell::Text(i.value.map_or_else(none, |v| figure(i.metric, v))),
                    Cell::Text(need),
                    yes(i.held),
                ],
            ));
        }
        if let Some(t) = &g.tenure {
            rows.push((
                RowStyle::Normal,
                vec![
                    Cell::Text(metric_label(Metric::TenureYears.id(), lang)),
                    Cell::Text(
                        t.value
                            .map_or_else(none, |v| figure_with_unit(Metric::TenureYears, v, lang)),
                    ),
                    Cell::Text(format!(
                        "≥ {}",
                        figure_with_unit(Metric::TenureYears, t.threshold, lang)
                    )),
                    yes(t.held),
                ],
            ));
        }
        if let Some(p) = &g.pass_line {
            let scope = policy
                .review
                .pass_line_clients_from
                .map(|f| text::notice_pass_line_scope(lang, figure(Metric::DepositDailyAverage, f)))
                .unwrap_or_default();
            rows.push((
                RowStyle::Normal,
                vec![
                    Cell::Text(format!("{}{scope}", text::notice_pass_line(lang))),
                    Cell::Text(
                        p.value
                            .map_or_else(none, |v| figure(Metric::DepositDailyAverage, v)),
                    ),
                    Cell::Text(format!(
                        "≥ {}",
                        figure(Metric::DepositDailyAverage, p.threshold)
                    )),
                    yes(p.held),
                ],
            ));
        }
        for v in &g.vetoes {
            let facts = v
                .facts
                .iter()
                .map(|f| super::review::fact_text(f, None, lang))
                .collect::<Vec<_>>()
                .join(text::clause_sep(lang));
            rows.push((
                RowStyle::Normal,
                vec![
                    Cell::Text(text::notice_veto(lang, &v.name, &v.id)),
                    Cell::text("—"),
                    Cell::Text(format!(
                        "{facts}{}{}{}",
                        text::paren_open(lang),
                        v.id,
                        text::paren_close(lang)
                    )),
                    Cell::text(text::disqualified(lang)),
                ],
            ));
        }
    }

    // Signatures, left blank: signed and dated by hand.
    rows.push((RowStyle::Blank, Vec::new()));
    line(
        &mut rows,
        RowStyle::Title,
        text::notice_4_signatures(lang).into(),
    );
    let blank_line = "＿＿＿＿＿＿＿＿＿＿";
    let date_line = text::notice_yyyy_mm_dd(lang);
    for who in [
        text::notice_head_department_signature(lang),
        text::notice_employee_signature(lang),
    ] {
        rows.push((RowStyle::Blank, Vec::new()));
        rows.push((
            RowStyle::Normal,
            vec![
                Cell::Text(format!("{who}{}", text::notice_colon(lang))),
                Cell::text(blank_line),
                Cell::Text(format!("{}{date_line}", text::notice_date(lang))),
                Cell::Empty,
            ],
        ));
    }
    rows.push((RowStyle::Blank, Vec::new()));
    line(
        &mut rows,
        RowStyle::Normal,
        text::notice_source_line(
            lang,
            &policy_name,
            &policy.version,
            &info.label,
            format!("review-{}.xlsx", info.label),
        ),
    );

    Page {
        sheet: text::notice_review_notice(lang).into(),
        title: format!("{title} {} {} {}", info.label, rm.rm_id, rm.name),
        header_left: policy_name,
        header_right: format!("{} {}", rm.rm_id, info.label),
        footer_left: format!("rmpay {}", info.tool_version),
        lang,
        widths: vec![24.0, 18.0, 40.0, 18.0],
        wrap_column: 2,
        rows,
        money_scale: policy.settings.money.scale,
        date: info.end,
    }
}

/// Every RM's notice, with its file name, in the review's order.
pub fn notices(
    policy: &Policy,
    review: &Review,
    info: &ReviewInfo,
    lang: Lang,
) -> Vec<(String, Page)> {
    review
        .results
        .iter()
        .map(|r| {
            (
                file_name(&info.label, &r.year.rm.rm_id),
                notice(policy, review, r, info, lang),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn file_names_carry_the_period_and_a_safe_id() {
        assert_eq!(file_name("2026", "S01"), "notice-2026-S01.xlsx");
        assert_eq!(file_name("2026-Q3", "a/b:c"), "notice-2026-Q3-a_b_c.xlsx");
    }

    #[test]
    fn only_comparisons_that_decide_alone_are_requirements() {
        let cmp = |v: i64| Condition::Compare {
            metric: Metric::Score,
            op: crate::policy::Op::Lt,
            value: Decimal::from(v),
        };
        let mut out = Vec::new();
        deciding_leaves(
            &Condition::Any(vec![cmp(90), Condition::All(vec![cmp(80), cmp(70)])]),
            &mut out,
        );
        assert_eq!(out, vec![cmp(90)]);
    }
}
