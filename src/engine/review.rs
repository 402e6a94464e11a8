//! The tier review: scores, rule outcomes, grade criteria and the proposed
//! tier, each with the rule that decided it and the figures it read. Pure.

use crate::decimal::RoundAway as _;
use crate::metrics::annual::{ClientYear, RmYear, YearFigures};
use crate::period::Period;
use crate::policy::{
    ComponentKind, Condition, Criteria, Decision, Op, Policy, QuarterSettlements, QuarterTargets,
    TierIx, TierRole, WhenMissing,
};
use crate::text::{self, Lang};
use crate::trace::{Input, Step};
use crate::vocab::Metric;
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentResult {
    pub id: String,
    pub rule: String,
    pub name: String,
    pub name_en: Option<String>,
    pub metric: Metric,
    pub value: Option<Decimal>,
    pub target: Option<Decimal>,
    /// Full points of the component.
    pub base: Decimal,
    /// Adjustment before and after the caps (steps), or points from a band.
    pub adjustment: Decimal,
    pub capped: Decimal,
    pub points: Decimal,
    pub note: String,
    /// No figure, and the policy says the component is then not assessed
    /// (`when_missing = "not_assessed"`): no points, shown as such.
    pub not_assessed: bool,
}

/// A figure month by month over the review period (`None`: no figure
/// that month), for consecutive-month conditions.
pub type MonthlySeries<'a> = dyn Fn(Metric) -> Vec<(Period, Option<Decimal>)> + 'a;

/// A figure a rule needs that the data lacks: an error, or "not assessed"
/// where the policy says so (`when_missing`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingFigure {
    /// The rule (score component, review rule, grade item, disqualifier).
    pub rule: String,
    /// The figures without a value.
    pub figures: Vec<String>,
    pub not_assessed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreResult {
    pub total: Decimal,
    pub components: Vec<ComponentResult>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionResult {
    pub id: String,
    pub name: Option<String>,
    pub metric: Metric,
    /// `None`: no figure (see the grade's `missing`).
    pub value: Option<Decimal>,
    pub min: Decimal,
    /// How `min` was read from the policy's figure, when it was not taken
    /// as written (an annual settlement threshold pro-rated to a quarter).
    pub min_note: Option<String>,
    /// The same as figures: the policy's yearly threshold and the months
    /// of the review it was pro-rated to.
    pub pro_rated: Option<(Decimal, u32)>,
    pub single_client_min: Option<Decimal>,
    /// The largest single client's figure, when a single-client minimum applies.
    pub best_client: Option<(String, Decimal)>,
    pub held: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub value: Option<Decimal>,
    pub threshold: Decimal,
    pub held: bool,
}

/// One grade tried against its criteria.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeTry {
    pub tier: TierIx,
    pub rule: String,
    pub items: Vec<CriterionResult>,
    pub need: usize,
    pub held_count: usize,
    pub excluded_clients: Vec<String>,
    pub tenure: Option<Check>,
    pub pass_line: Option<Check>,
    /// Disqualifiers that applied (ids).
    pub disqualified: Vec<String>,
    /// The same, as figures.
    pub vetoes: Vec<Veto>,
    /// Figures the grade's items, tenure and disqualifiers lacked.
    pub missing: Vec<MissingFigure>,
    pub holds: bool,
}

/// One comparison that held, as figures: what the report words per
/// language (`metric value op threshold`, and for a consecutive-months
/// condition the months it held in with their figures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub metric: Metric,
    /// The figure compared (for a months condition, the last month's).
    pub value: Decimal,
    pub op: Op,
    pub threshold: Decimal,
    /// A months condition: how many months running it needs (1: any
    /// month), and the months it held in with their figures.
    pub months: Option<(u32, Vec<(Period, Decimal)>)>,
}

/// What a tool-defined rule found, beyond comparisons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Among the last `n` by score.
    BottomN { n: u32, score: Decimal },
    /// A qualification obtained `on`, valid `years`, lapsed on `until`.
    Lapsed {
        on: chrono::NaiveDate,
        years: u32,
        until: chrono::NaiveDate,
    },
}

/// A disqualifier that applied: its id, name and the comparisons that
/// made it apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Veto {
    pub id: String,
    pub name: String,
    pub facts: Vec<Fact>,
}

/// A rule of `[review]` that fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub rule: String,
    pub name: String,
    pub name_en: Option<String>,
    pub decision: Decision,
    pub to: Option<TierIx>,
    /// The comparisons that made it fire, e.g. `score 82.5 < 85`.
    pub detail: String,
    /// The same comparisons as figures, for the report to word.
    pub facts: Vec<Fact>,
    pub finding: Option<Finding>,
}

/// A promotion the tier's probation held back (`tiers.probation_months`):
/// the RM started `since`, and had served `months` whole months by `end`,
/// the review period's last day, of the `need` the tier asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probation {
    pub rule: String,
    pub since: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub months: Decimal,
    pub need: u32,
    /// The tier the RM would otherwise have been promoted to.
    pub held_back: Option<TierIx>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewResult {
    pub year: RmYear,
    pub current: TierIx,
    /// `None` when the decision is termination.
    pub proposed: Option<TierIx>,
    pub decision: Decision,
    /// For a promotion that sets a new base deposit: the amount and how.
    pub new_base: Option<(Decimal, String)>,
    /// How many RMs of the target tier the new base is the average of.
    pub new_base_peers: usize,
    pub score: Option<ScoreResult>,
    pub hits: Vec<Hit>,
    pub grades: Vec<GradeTry>,
    /// Every figure a rule needed and the data lacked.
    pub missing: Vec<MissingFigure>,
    /// A promotion the tier's probation held back.
    pub probation: Option<Probation>,
    pub trace: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub figures_label: String,
    pub missing: Vec<crate::period::Period>,
    pub results: Vec<ReviewResult>,
    /// The RMs the period's ledgers list who served part of it only, not
    /// assessed (in the last ledger's order, then as met).
    pub not_reviewed: Vec<NotReviewed>,
}

/// An RM who served part of the review period only: left (离岗) during
/// it, or no longer listed by its last ledger (transferred away). Not
/// assessed: neither the excerpts nor the policies grade a part of a
/// period, and a year's targets held to a few months' figures would
/// demote them for the months they were not there. Shown with the
/// months served; their months still count in their branch's figures
/// (a branch head's, `metrics::annual`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotReviewed {
    pub year: RmYear,
    pub why: PartPeriod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartPeriod {
    /// Listed as 离岗, on this date where the ledger gives it.
    Left { on: Option<chrono::NaiveDate> },
    /// Listed last in this month; the period's ledgers run to `last`.
    NotListed { until: Period, last: Period },
}

impl NotReviewed {
    /// The months served, in order: those the RM is listed in, up to the
    /// month of the leaving date (a leaver may stay listed after it).
    pub fn months(&self) -> Vec<Period> {
        let until = match self.why {
            PartPeriod::Left { on: Some(on) } => Some(Period::of(on)),
            _ => None,
        };
        self.year
            .monthly
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| until.is_none_or(|u| *p <= u))
            .collect()
    }
}

fn fmt(d: Decimal) -> String {
    d.round_away(6).normalize().to_string()
}

fn applies(tiers: &[TierIx], t: TierIx) -> bool {
    tiers.is_empty() || tiers.contains(&t)
}

/// Score one RM (Policy A art. 13). `None` when the policy has no score.
/// `months`: the review period's (a `pro_rata` target is a year's, read
/// over a shorter period as `review.quarter_targets` says).
pub fn score(
    policy: &Policy,
    tier: TierIx,
    months: u32,
    get: &dyn Fn(Metric) -> Option<Decimal>,
) -> Option<ScoreResult> {
    let s = policy.score.as_ref()?;
    let mut components = Vec::new();
    for c in s.components.iter().filter(|c| applies(&c.tiers, tier)) {
        let value = get(c.metric);
        let mut r = ComponentResult {
            id: c.id.clone(),
            rule: c.rule.clone(),
            name: c.name.clone(),
            name_en: c.name_en.clone(),
            metric: c.metric,
            value,
            target: None,
            base: c.points,
            adjustment: Decimal::ZERO,
            capped: Decimal::ZERO,
            points: Decimal::ZERO,
            note: String::new(),
            not_assessed: false,
        };
        match (&c.kind, value) {
            (_, None) => {
                r.not_assessed = c.when_missing == WhenMissing::NotAssessed;
                r.note = if r.not_assessed {
                    format!("not assessed: no figure for `{}`", c.metric)
                } else {
                    format!("no figure for `{}`", c.metric)
                };
            }
            (
                ComponentKind::Steps {
                    target,
                    step,
                    points_per_step,
                    cap_up,
                    cap_down,
                },
                Some(v),
            ) => {
                r.target = Some(*target);
                // Whole steps only, toward zero; a step count too large to
                // compute is past any cap anyway.
                let steps = (v - target).checked_div(*step).map(|x| x.trunc());
                r.adjustment = match steps.and_then(|s| s.checked_mul(*points_per_step)) {
                    Some(a) => a,
                    None if v >= *target => *cap_up,
                    None => *cap_down,
                };
                let steps = steps.unwrap_or_default();
                r.capped = r.adjustment.max(*cap_down).min(*cap_up);
                r.points = (c.points + r.capped).max(Decimal::ZERO);
                // Steps below the target are subtracted: `40 − 9 whole
                // step(s) × 2`, not `40 + -9 …`.
                let sign = if steps.is_sign_negative() && !steps.is_zero() {
                    "−"
                } else {
                    "+"
                };
                r.note = format!(
                    "{} {sign} {} whole step(s) × {} points (step {}; capped to [{}, {}])",
                    fmt(c.points),
                    fmt(steps.abs()),
                    fmt(*points_per_step),
                    // An amount step (10,000 yuan) reads with separators.
                    {
                        let st = step.round_away(6).normalize();
                        crate::report::pay::amount_text(st, st.scale())
                    },
                    fmt(*cap_down),
                    fmt(*cap_up)
                );
            }
            (ComponentKind::Bands { bands }, Some(v)) => {
                let hit = bands.iter().position(|b| match (b.max, b.below) {
                    (Some(m), _) => v <= m,
                    (None, Some(b)) => v < b,
                    (None, None) => true,
                });
                if let Some(i) = hit {
                    let b = &bands[i];
                    r.points = b.points;
                    r.adjustment = b.points - c.points;
                    r.capped = r.adjustment;
                    r.note = match (b.max, b.below) {
                        (Some(m), _) => format!("band {}: ≤ {} → {}", i + 1, fmt(m), fmt(b.points)),
                        (None, Some(x)) => {
                            format!("band {}: < {} → {}", i + 1, fmt(x), fmt(b.points))
                        }
                        (None, None) => format!("band {}: otherwise → {}", i + 1, fmt(b.points)),
                    };
                } else {
                    r.note = "no band holds: 0 points".into();
                }
            }
            (ComponentKind::ProRata { target }, Some(v)) => match target.get(tier) {
                Some(year_t) if year_t > Decimal::ZERO => {
                    // The year's target over a shorter period.
                    let part =
                        months < 12 && policy.review.quarter_targets == QuarterTargets::ProRated;
                    let t = if part {
                        year_t * Decimal::from(months) / Decimal::from(12)
                    } else {
                        year_t
                    };
                    r.target = Some(t);
                    let frac = (v / t).min(Decimal::ONE).max(Decimal::ZERO);
                    r.points = c.points * frac;
                    r.adjustment = r.points - c.points;
                    r.capped = r.adjustment;
                    r.note = format!("{} × min({} ÷ {}, 1)", fmt(c.points), fmt(v), fmt(t));
                    if part {
                        r.note.push_str(&format!(
                            " (the year's target {} × {} ÷ 12: review.quarter_targets)",
                            fmt(year_t),
                            months
                        ));
                    }
                }
                _ => r.note = "no target for this tier: 0 points".into(),
            },
        }
        components.push(r);
    }
    if components.is_empty() {
        // No component applies to the tier (agents): not scored.
        return None;
    }
    let total = components.iter().map(|c| c.points).sum();
    Some(ScoreResult { total, components })
}

/// Evaluate a condition: whether it holds, with the comparisons read in
/// `detail`; `None` when it cannot be told because a figure it needs is
/// missing (named in `missing`). A missing figure never counts as a
/// condition that does not hold: `any` is told by one item that holds,
/// `all` by one that does not; otherwise a missing figure leaves it open.
pub fn holds(
    cond: &Condition,
    get: &dyn Fn(Metric) -> Option<Decimal>,
    monthly: &MonthlySeries<'_>,
    detail: &mut Vec<String>,
    facts: &mut Vec<Fact>,
    missing: &mut Vec<String>,
) -> Option<bool> {
    match cond {
        Condition::Compare { metric, op, value } => match get(*metric) {
            Some(v) => {
                let h = op.holds(v, *value);
                if h {
                    detail.push(format!(
                        "{metric} {} {} {}",
                        fmt(v),
                        op.symbol(),
                        fmt(*value)
                    ));
                    facts.push(Fact {
                        metric: *metric,
                        value: v,
                        op: *op,
                        threshold: *value,
                        months: None,
                    });
                }
                Some(h)
            }
            None => {
                if !missing.iter().any(|m| m == metric.id()) {
                    missing.push(metric.to_string());
                }
                None
            }
        },
        Condition::Consecutive {
            months,
            metric,
            op,
            value,
        } => {
            let series = monthly(*metric);
            let mut run = 0u32;
            let mut best = 0u32;
            let mut best_end = None;
            let mut held_in = Vec::new();
            let mut held_figures: Vec<(Period, Decimal)> = Vec::new();
            let mut this_run: Vec<(Period, Decimal)> = Vec::new();
            let mut best_run: Vec<(Period, Decimal)> = Vec::new();
            // The longest run if the months without the figure had held:
            // when only they could make it, the condition is open.
            let (mut maybe_run, mut maybe_best) = (0u32, 0u32);
            for (p, v) in series {
                run = match v {
                    Some(v) if op.holds(v, *value) => {
                        held_in.push(p.to_string());
                        held_figures.push((p, v));
                        this_run.push((p, v));
                        run + 1
                    }
                    _ => {
                        this_run.clear();
                        0
                    }
                };
                maybe_run = if v.is_none_or(|v| op.holds(v, *value)) {
                    maybe_run + 1
                } else {
                    0
                };
                maybe_best = maybe_best.max(maybe_run);
                if run > best {
                    best = run;
                    best_end = Some(p);
                    best_run = this_run.clone();
                }
            }
            let h = best >= *months;
            if !h && maybe_best >= *months {
                if !missing.iter().any(|m| m == metric.id()) {
                    missing.push(metric.to_string());
                }
                return None;
            }
            if h && *months == 1 {
                // "In any month": name every month it held in.
                detail.push(format!(
                    "{metric} {} {} at the end of {}",
                    op.symbol(),
                    fmt(*value),
                    held_in.join(", ")
                ));
                facts.push(Fact {
                    metric: *metric,
                    value: held_figures.last().map(|x| x.1).unwrap_or_default(),
                    op: *op,
                    threshold: *value,
                    months: Some((1, held_figures)),
                });
            } else if h {
                detail.push(format!(
                    "{metric} {} {} for {best} consecutive months to {}",
                    op.symbol(),
                    fmt(*value),
                    best_end.map(|p| p.to_string()).unwrap_or_default()
                ));
                // The run's months, the last `months` of the longest run:
                // the months that made the condition hold.
                let from = best_run.len().saturating_sub(*months as usize);
                let shown = best_run.split_off(from);
                facts.push(Fact {
                    metric: *metric,
                    value: shown.last().map(|x| x.1).unwrap_or_default(),
                    op: *op,
                    threshold: *value,
                    months: Some((*months, shown)),
                });
            }
            Some(h)
        }
        Condition::All(items) => {
            let mut d = Vec::new();
            let mut f = Vec::new();
            let mut m = Vec::new();
            let mut open = false;
            for c in items {
                match holds(c, get, monthly, &mut d, &mut f, &mut m) {
                    Some(false) => return Some(false),
                    None => open = true,
                    Some(true) => {}
                }
            }
            if open {
                for x in m {
                    if !missing.contains(&x) {
                        missing.push(x);
                    }
                }
                return None;
            }
            detail.extend(d);
            facts.extend(f);
            Some(true)
        }
        Condition::Any(items) => {
            let mut any = false;
            let mut open = false;
            let mut m = Vec::new();
            for c in items {
                match holds(c, get, monthly, detail, facts, &mut m) {
                    Some(true) => any = true,
                    None => open = true,
                    Some(false) => {}
                }
            }
            if any {
                Some(true)
            } else if open {
                for x in m {
                    if !missing.contains(&x) {
                        missing.push(x);
                    }
                }
                None
            } else {
                Some(false)
            }
        }
    }
}

/// Metric figures of the clients that count for a grade; `None` when the
/// data has no such figure.
fn grade_figure(metric: Metric, clients: &[&ClientYear], year: &RmYear) -> Option<Decimal> {
    match metric {
        Metric::DepositDailyAverage => Some(clients.iter().map(|c| c.deposits).sum()),
        Metric::LoanDailyAverage => Some(clients.iter().map(|c| c.loans).sum()),
        Metric::SettlementsUsd => Some(clients.iter().map(|c| c.settlements_usd).sum()),
        // New deposits need last year's figures; with them, a client they
        // do not list had none last year (see `annual::aggregate`).
        Metric::DepositNew => year.get(Metric::DepositNew).map(|_| {
            clients
                .iter()
                .map(|c| c.deposits - c.prior_deposits.unwrap_or(Decimal::ZERO))
                .sum()
        }),
        other => year.get(other),
    }
}

fn best_client(metric: Metric, clients: &[&ClientYear]) -> Option<(String, Decimal)> {
    let size = |c: &ClientYear| match metric {
        Metric::LoanDailyAverage => c.loan_size,
        _ => c.size,
    };
    clients
        .iter()
        .map(|c| (c.client_id.clone(), size(c)))
        .max_by(|a, b| a.1.cmp(&b.1))
}

/// Try one grade's criteria (Policy B art. 9 and 11).
pub fn try_grade(
    policy: &Policy,
    tier: TierIx,
    c: &Criteria,
    year: &RmYear,
    get: &dyn Fn(Metric) -> Option<Decimal>,
    monthly: &MonthlySeries<'_>,
) -> GradeTry {
    let limit = c.exclude_clients_below.unwrap_or(Decimal::ZERO);
    let counted: Vec<&ClientYear> = year.clients.iter().filter(|cl| cl.size >= limit).collect();
    let excluded: Vec<String> = year
        .clients
        .iter()
        .filter(|cl| cl.size < limit)
        .map(|cl| cl.client_id.clone())
        .collect();
    let mut missing = Vec::new();
    let items: Vec<CriterionResult> = c
        .items
        .iter()
        .map(|it| {
            let value = grade_figure(it.metric, &counted, year);
            if value.is_none() {
                missing.push(MissingFigure {
                    rule: format!("{} {}", c.rule, it.id),
                    figures: vec![it.metric.to_string()],
                    not_assessed: it.when_missing == WhenMissing::NotAssessed,
                });
            }
            let best = it
                .single_client_min
                .and_then(|_| best_client(it.metric, &counted));
            let single_ok = match (it.single_client_min, &best) {
                (None, _) => true,
                (Some(m), Some((_, v))) => *v >= m,
                (Some(_), None) => false,
            };
            // An annual settlement threshold (年国际结算额) in a review
            // shorter than a year: `review.quarter_settlements`.
            let (min, min_note) = if it.metric == Metric::SettlementsUsd
                && year.period_months < 12
                && policy.review.quarter_settlements == QuarterSettlements::ProRated
            {
                let m = Decimal::from(year.period_months);
                (
                    it.min * m / Decimal::from(12),
                    Some(format!(
                        "{} × {} ÷ 12 (review.quarter_settlements = \"pro_rated\")",
                        fmt(it.min),
                        year.period_months
                    )),
                )
            } else {
                (it.min, None)
            };
            CriterionResult {
                id: it.id.clone(),
                name: it.name.clone(),
                metric: it.metric,
                value,
                min,
                pro_rated: min_note.as_ref().map(|_| (it.min, year.period_months)),
                min_note,
                single_client_min: it.single_client_min,
                best_client: best,
                held: value.is_some_and(|v| v >= min) && single_ok,
            }
        })
        .collect();
    let held_count = items.iter().filter(|i| i.held).count();
    let tenure = c.tenure_years.map(|t| {
        let v = year.get(Metric::TenureYears);
        if v.is_none() {
            missing.push(MissingFigure {
                rule: format!("{} tenure_years", c.rule),
                figures: vec![Metric::TenureYears.to_string()],
                not_assessed: false,
            });
        }
        Check {
            name: Metric::TenureYears.id(),
            value: v,
            threshold: t,
            held: v.is_some_and(|v| v >= t),
        }
    });
    // The pass line has its own client scope (Policy B art. 9:
    // "统计范围确定在单户日均余额50万元(含)以上的客户"), a setting of its own,
    // independent of the grade's exclusion threshold.
    let pass_line = c.pass_line.map(|min| {
        let from = policy.review.pass_line_clients_from.unwrap_or(Decimal::MIN);
        let v = year
            .clients
            .iter()
            .filter(|cl| cl.size >= from)
            .map(|cl| cl.deposits)
            .sum::<Decimal>();
        Check {
            name: Metric::DepositDailyAverage.id(),
            value: Some(v),
            threshold: min,
            held: v >= min,
        }
    });
    let mut disqualified = Vec::new();
    let mut vetoes = Vec::new();
    for id in &c.disqualifiers {
        if let Some(d) = policy.review.disqualifiers.iter().find(|d| d.id == *id) {
            let mut detail = Vec::new();
            let mut facts = Vec::new();
            let mut lacks = Vec::new();
            match holds(&d.when, get, monthly, &mut detail, &mut facts, &mut lacks) {
                Some(true) => {
                    disqualified.push(format!("{} ({}: {})", d.id, d.name, detail.join(", ")));
                    vetoes.push(Veto {
                        id: d.id.clone(),
                        name: d.name.clone(),
                        facts,
                    });
                }
                Some(false) => {}
                None => missing.push(MissingFigure {
                    rule: d.id.clone(),
                    figures: lacks,
                    not_assessed: d.when_missing == WhenMissing::NotAssessed,
                }),
            }
        }
    }
    let holds_all = held_count >= c.need
        && tenure.as_ref().is_none_or(|t| t.held)
        && pass_line.as_ref().is_none_or(|p| p.held)
        && disqualified.is_empty();
    GradeTry {
        tier,
        rule: c.rule.clone(),
        items,
        need: c.need,
        held_count,
        excluded_clients: excluded,
        tenure,
        pass_line,
        disqualified,
        vetoes,
        missing,
        holds: holds_all,
    }
}

/// The next tier up or down the ladder among tiers of the same role.
fn neighbour(policy: &Policy, t: TierIx, up: bool) -> Option<TierIx> {
    let role = policy.tiers[t].role;
    let same: Vec<TierIx> = (0..policy.tiers.len())
        .filter(|&i| policy.tiers[i].role == role)
        .collect();
    let pos = same.iter().position(|&i| i == t)?;
    if up {
        same.get(pos + 1).copied()
    } else {
        pos.checked_sub(1).and_then(|p| same.get(p).copied())
    }
}

fn demotion_target(policy: &Policy, t: TierIx) -> Option<TierIx> {
    policy.tiers[t]
        .demote_to
        .or_else(|| neighbour(policy, t, false))
}

/// Review one RM.
pub fn review_rm(policy: &Policy, year: RmYear) -> ReviewResult {
    let current = year.rm.tier;
    let score = {
        let y = &year;
        score(policy, current, y.period_months, &|m| y.get(m))
    };
    let total = score.as_ref().map(|s| s.total);
    let y = &year;
    let get = |m: Metric| if m == Metric::Score { total } else { y.get(m) };
    let monthly = |m: Metric| -> Vec<(Period, Option<Decimal>)> {
        y.monthly.iter().map(|(p, mm)| (*p, mm.get(m))).collect()
    };
    let mut hits = Vec::new();
    let mut missing: Vec<MissingFigure> = score
        .iter()
        .flat_map(|s| &s.components)
        .filter(|c| c.value.is_none())
        .map(|c| MissingFigure {
            rule: c.rule.clone(),
            figures: vec![c.metric.to_string()],
            not_assessed: c.not_assessed,
        })
        .collect();
    for r in policy
        .review
        .rules
        .iter()
        .filter(|r| applies(&r.tiers, current))
    {
        let mut detail = Vec::new();
        let mut facts = Vec::new();
        let mut lacks = Vec::new();
        let told = holds(&r.when, &get, &monthly, &mut detail, &mut facts, &mut lacks);
        if told.is_none() {
            missing.push(MissingFigure {
                rule: r.id.clone(),
                figures: lacks,
                not_assessed: r.when_missing == WhenMissing::NotAssessed,
            });
        }
        if told == Some(true) {
            hits.push(Hit {
                rule: r.id.clone(),
                name: r.name.clone(),
                name_en: r.name_en.clone(),
                decision: r.decision,
                to: r.to,
                detail: detail.join("; "),
                facts,
                finding: None,
            });
        }
    }
    // Exam gate (optional tier setting): an RM of the tier without an exam
    // score is a missing figure, not a pass.
    let tier = &policy.tiers[current];
    if tier.exam_min.is_some() && year.exam_score.is_none() && tier.role != TierRole::Agent {
        missing.push(MissingFigure {
            rule: format!("tiers.{}.exam_min", tier.id),
            figures: vec!["exam_score".into()],
            not_assessed: tier.exam_when_missing == WhenMissing::NotAssessed,
        });
    }
    if let (Some(min), Some(score)) = (policy.tiers[current].exam_min, year.exam_score)
        && score < min
        && policy.tiers[current].role != TierRole::Agent
    {
        hits.push(Hit {
            rule: format!("tiers.{}.exam_min", policy.tiers[current].id),
            name: text::hit_exam_below(Lang::Zh).into(),
            name_en: Some(text::hit_exam_below(Lang::En).into()),
            decision: Decision::Demote,
            to: None,
            detail: format!("exam_score {} < {}", fmt(score), fmt(min)),
            facts: vec![Fact {
                metric: Metric::ExamScore,
                value: score,
                op: Op::Lt,
                threshold: min,
                months: None,
            }],
            finding: None,
        });
    }
    // Cap on clients per RM (optional): reported, the decision is HR's.
    if let (Some(max), Some(n)) = (policy.review.max_clients, year.get(Metric::ClientCount))
        && n > Decimal::from(max)
    {
        hits.push(Hit {
            rule: "review.max_clients".into(),
            name: text::hit_too_many_clients(Lang::Zh).into(),
            name_en: Some(text::hit_too_many_clients(Lang::En).into()),
            decision: Decision::Keep,
            to: None,
            detail: format!("client_count {} > {max}", fmt(n)),
            facts: vec![Fact {
                metric: Metric::ClientCount,
                value: n,
                op: Op::Gt,
                threshold: Decimal::from(max),
                months: None,
            }],
            finding: None,
        });
    }
    // A qualification valid for N years (optional): a lapsed one is
    // reported for renewal; an RM without a qualification date is a
    // missing figure, not a valid qualification.
    if policy.review.qualification_valid_years.is_some() && year.qualified_on.is_none() {
        missing.push(MissingFigure {
            rule: "review.qualification_valid_years".into(),
            figures: vec!["qualified_on".into()],
            not_assessed: false,
        });
    }
    if let (Some(n), Some(q)) = (policy.review.qualification_valid_years, year.qualified_on)
        && let Some(until) = q.checked_add_months(chrono::Months::new(n * 12))
        && let Some(end) = year.monthly.last().map(|(p, _)| p.last_day())
        && until < end
    {
        hits.push(Hit {
            rule: "review.qualification_valid_years".into(),
            name: text::hit_qualification_lapsed(Lang::Zh).into(),
            name_en: Some(text::hit_qualification_lapsed(Lang::En).into()),
            decision: Decision::Keep,
            to: None,
            detail: format!("qualified on {q}, valid {n} years to {until}"),
            facts: Vec::new(),
            finding: Some(Finding::Lapsed {
                on: q,
                years: n,
                until,
            }),
        });
    }
    // Grade criteria: the highest grade whose conditions hold.
    let mut grades = Vec::new();
    let mut by_grade: Option<Option<TierIx>> = None;
    if policy.review.grade_by_criteria {
        let mut found = None;
        for t in (0..policy.tiers.len()).rev() {
            if let Some(c) = &policy.tiers[t].criteria {
                let g = try_grade(policy, t, c, &year, &get, &monthly);
                // A disqualifier shared by the grades is missing once.
                for m in &g.missing {
                    if !missing.contains(m) {
                        missing.push(m.clone());
                    }
                }
                let ok = g.holds;
                grades.push(g);
                if ok {
                    found = Some(t);
                    break;
                }
            }
        }
        by_grade = Some(found);
    }

    // The strongest decision wins.
    let mut decision = Decision::Keep;
    let mut proposed = Some(current);
    if let Some(found) = by_grade {
        match found {
            Some(t) if t > current => {
                decision = Decision::Promote;
                proposed = Some(t);
            }
            Some(t) if t < current => {
                decision = Decision::Demote;
                proposed = Some(t);
            }
            Some(_) => {}
            None => {
                decision = Decision::Terminate;
                proposed = None;
            }
        }
    }
    for h in &hits {
        if h.decision > decision {
            decision = h.decision;
            proposed = match h.decision {
                Decision::Terminate => None,
                Decision::Demote => demotion_target(policy, current),
                Decision::Promote => h.to.or_else(|| neighbour(policy, current, true)),
                Decision::Keep => Some(current),
            };
        }
    }
    if decision == Decision::Demote && proposed.is_none() {
        // Nothing below: demotion from the lowest tier ends the post.
        decision = Decision::Terminate;
    }
    // A tier's probation (`probation_months`): no promotion before it is
    // served, counted from `marketing_since` through the period's last day
    // (Policy B art. 6 and 11(6): a trainee year, then grading).
    let mut probation = None;
    let mut trace = year.trace.clone();
    if decision == Decision::Promote
        && let Some(need) = policy.tiers[current].probation_months
    {
        let rule = format!("tiers.{}.probation_months", policy.tiers[current].id);
        match (year.marketing_since, year.get(Metric::MonthsInService)) {
            (Some(since), Some(months)) if months < Decimal::from(need) => {
                trace.push(Step {
                    figure: "decision".into(),
                    rule: rule.clone(),
                    formula: format!(
                        "months_in_service {} < probation_months {need}: no promotion to `{}`",
                        fmt(months),
                        proposed.map_or("", |t| policy.tiers[t].id.as_str())
                    ),
                    inputs: vec![
                        Input::new("marketing_since", since),
                        Input::new("period_end", year.period_end),
                        Input::new(Metric::MonthsInService.id(), fmt(months)),
                    ],
                    value: Some(months),
                });
                probation = Some(Probation {
                    rule,
                    since,
                    end: year.period_end,
                    months,
                    need,
                    held_back: proposed,
                });
                decision = Decision::Keep;
                proposed = Some(current);
            }
            (Some(_), Some(_)) => {}
            _ => missing.push(MissingFigure {
                rule,
                figures: vec![Metric::MonthsInService.to_string()],
                not_assessed: false,
            }),
        }
    }
    if let Some(s) = &score {
        trace.push(Step {
            figure: Metric::Score.id().into(),
            rule: "score".into(),
            formula: "Σ component points".into(),
            inputs: s
                .components
                .iter()
                .map(|c| Input::new(&c.rule, fmt(c.points)))
                .collect(),
            value: Some(s.total),
        });
    }
    ReviewResult {
        year,
        current,
        proposed,
        decision,
        new_base: None,
        new_base_peers: 0,
        score,
        hits,
        grades,
        missing,
        probation,
        trace,
    }
}

/// Review every RM of the period; then bottom-N elimination if the policy
/// asks for it.
pub fn review(policy: &Policy, figures: YearFigures) -> Review {
    let YearFigures {
        label,
        missing,
        rms,
        ..
    } = figures;
    // Those who served part of the period only (left, or not listed by
    // its last ledger) are not assessed, and shown as such (`NotReviewed`).
    let data_last = rms
        .iter()
        .filter_map(|y| y.monthly.last().map(|(p, _)| *p))
        .max();
    let mut not_reviewed = Vec::new();
    let mut assessed = Vec::new();
    for y in rms {
        let until = y.monthly.last().map(|(p, _)| *p);
        if y.status != crate::ledger::Status::Active {
            let on = y.left_on;
            not_reviewed.push(NotReviewed {
                year: y,
                why: PartPeriod::Left { on },
            });
        } else if let (Some(until), Some(last)) = (until, data_last)
            && until < last
        {
            not_reviewed.push(NotReviewed {
                year: y,
                why: PartPeriod::NotListed { until, last },
            });
        } else {
            assessed.push(y);
        }
    }
    let mut results: Vec<ReviewResult> =
        assessed.into_iter().map(|y| review_rm(policy, y)).collect();
    // A promotion that sets the new base deposit to the target tier's
    // average (art. 21: "按初级客户经理平均存款数确定基数存款").
    for i in 0..results.len() {
        let r = &results[i];
        let (Decision::Promote, Some(to)) = (r.decision, r.proposed) else {
            continue;
        };
        let wants = r.hits.iter().any(|h| {
            h.decision == Decision::Promote
                && policy
                    .review
                    .rules
                    .iter()
                    .any(|rule| rule.id == h.rule && rule.new_base_from_tier_average)
        });
        if !wants {
            continue;
        }
        let peers: Vec<Decimal> = results
            .iter()
            .filter(|p| p.current == to)
            .filter_map(|p| p.year.get(Metric::DepositDailyAverage))
            .collect();
        if peers.is_empty() {
            continue;
        }
        let avg = peers.iter().sum::<Decimal>() / Decimal::from(peers.len());
        let how = format!(
            "average daily deposits of the {} RMs in tier `{}`",
            peers.len(),
            policy.tiers[to].id
        );
        results[i].new_base = Some((avg.round_away(2), how));
        results[i].new_base_peers = peers.len();
    }
    if let Some(n) = policy.review.bottom_n
        && n > 0
    {
        let mut ranked: Vec<(Decimal, usize)> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                policy.tiers[r.current].role == TierRole::Rm
                    && r.year.status == crate::ledger::Status::Active
            })
            .filter_map(|(i, r)| r.score.as_ref().map(|s| (s.total, i)))
            .collect();
        ranked.sort();
        for (score, i) in ranked.into_iter().take(n as usize) {
            let r = &mut results[i];
            if r.decision < Decision::Demote {
                r.decision = Decision::Demote;
                r.proposed = demotion_target(policy, r.current);
                if r.proposed.is_none() {
                    r.decision = Decision::Terminate;
                }
                r.hits.push(Hit {
                    rule: "review.bottom_n".into(),
                    name: text::hit_bottom_n(Lang::Zh, n),
                    name_en: Some(text::hit_bottom_n(Lang::En, n)),
                    decision: Decision::Demote,
                    to: None,
                    detail: format!("score {} among the last {n}", fmt(score)),
                    facts: Vec::new(),
                    finding: Some(Finding::BottomN { n, score }),
                });
            }
        }
    }
    Review {
        figures_label: label,
        missing,
        results,
        not_reviewed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `deposit_to_base < 0.90` three months running, over a series.
    fn three_months(series: &[Option<&str>]) -> (Option<bool>, Vec<String>) {
        let cond = Condition::Consecutive {
            months: 3,
            metric: Metric::DepositToBase,
            op: Op::Lt,
            value: "0.90".parse().unwrap(),
        };
        let months: Vec<(Period, Option<Decimal>)> = series
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    Period::new(2026, i as u32 + 1).unwrap(),
                    v.map(|v| v.parse().unwrap()),
                )
            })
            .collect();
        let monthly = move |_: Metric| months.clone();
        let (mut detail, mut facts, mut missing) = (Vec::new(), Vec::new(), Vec::new());
        let told = holds(
            &cond,
            &|_| None,
            &monthly,
            &mut detail,
            &mut facts,
            &mut missing,
        );
        (told, missing)
    }

    /// A month without the figure never breaks or makes a run in silence:
    /// when only it could complete three months, the condition is open and
    /// the figure is named as missing.
    #[test]
    fn a_month_without_the_figure_leaves_a_run_open() {
        // 0.8, 0.8, 0.8: three months → holds.
        assert_eq!(
            three_months(&[Some("0.8"), Some("0.8"), Some("0.8")]).0,
            Some(true)
        );
        // 0.8, —, 0.8: three only if February held → open, figure missing.
        assert_eq!(
            three_months(&[Some("0.8"), None, Some("0.8")]),
            (None, vec!["deposit_to_base".to_string()])
        );
        // 0.95, —, 0.8: January breaks any run of three → does not hold.
        assert_eq!(
            three_months(&[Some("0.95"), None, Some("0.8")]),
            (Some(false), vec![])
        );
    }
}
