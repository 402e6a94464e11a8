//! A review period's figures (a year or a quarter) from its months. Pure.
//!
//! Daily averages are day-weighted over the calendar days of the months:
//! Σ (month's daily average × days in the month) ÷ Σ days. Flows (interest,
//! fees, accounts, incidents, settlements) are summed. Stocks (loan
//! balances, NPL, normal-loan share, advances) are the last month's.

use crate::decimal::RoundAway as _;
use crate::ledger::{Baseline, Ledger, Role, Status};
use crate::metrics::monthly::{Month, Rm, RmMetrics, RmMonth};
use crate::period::Period;
use crate::policy::{BranchBase, Policy};
use crate::trace::{Input, Step};
use crate::vocab::Metric;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One computed month of the review period.
pub struct MonthData {
    pub ledger: Ledger,
    pub month: Month,
}

/// A client of an RM over the review period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientYear {
    pub client_id: String,
    /// The client's own daily-average deposits (its size), whole.
    pub size: Decimal,
    /// The RM's share of the client's daily-average deposits.
    pub deposits: Decimal,
    /// The client's own daily-average loans, whole.
    pub loan_size: Decimal,
    /// The RM's share of the client's daily-average loans.
    pub loans: Decimal,
    /// The RM's share of the client's settlements (USD).
    pub settlements_usd: Decimal,
    /// The RM's part of the client's prior-year daily-average deposits:
    /// last year's figure × Σ (share × days held) ÷ the period's days.
    pub prior_deposits: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmYear {
    pub rm: Rm,
    pub status: Status,
    /// The leaving date (离岗日期) of the last ledger listing the RM.
    pub left_on: Option<NaiveDate>,
    pub marketing_since: Option<NaiveDate>,
    pub exam_score: Option<Decimal>,
    pub qualified_on: Option<NaiveDate>,
    /// Review figures by metric (every metric but the score); `None` where
    /// the data has no figure.
    pub metrics: BTreeMap<Metric, Option<Decimal>>,
    /// Each month's figures, in order, for consecutive-month conditions.
    pub monthly: Vec<(Period, RmMetrics)>,
    /// The RM's branch (`managers` sheet's 机构) in each month of
    /// `monthly`, in the same order: a branch head's branch counts a member
    /// who moved branch for the months spent in it only.
    pub branches: Vec<Option<String>>,
    pub clients: Vec<ClientYear>,
    /// Σ (month's daily-average deposits × days in the month) over the
    /// months the RM appears in: the sum of the RM's daily balances, from
    /// which a branch's total is day-weighted.
    pub deposit_day_sum: Decimal,
    /// The same sum of daily loan balances.
    pub loan_day_sum: Decimal,
    /// Calendar days of the months the RM appears in.
    pub days_present: Decimal,
    /// Months of the review period (12 for a year, 3 for a quarter).
    pub period_months: u32,
    /// The review period's last day (what tenure and months in service
    /// are counted to).
    pub period_end: NaiveDate,
    /// A branch head's (`review.branch_base = "members"`): the members
    /// with fee income this period and no figure for last year's, so the
    /// branch has none either (named where the figure is missing).
    pub branch_fee_prior_missing: Vec<String>,
    pub trace: Vec<Step>,
}

impl RmYear {
    /// A metric's figure; `None` where the data has none (and for the
    /// score, which is the review's).
    pub fn get(&self, metric: Metric) -> Option<Decimal> {
        self.metrics.get(&metric).copied().flatten()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearFigures {
    /// `2026` or `2026-Q3`.
    pub label: String,
    pub months: Vec<Period>,
    /// Months of the review period with no ledger (a partial review).
    pub missing: Vec<Period>,
    pub end: NaiveDate,
    pub rms: Vec<RmYear>,
}

fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    if b.is_zero() { None } else { a.checked_div(b) }
}

/// Whole years served from `from` through `last` (the last day counts as
/// served).
fn whole_years(from: NaiveDate, last: NaiveDate) -> Decimal {
    let to = last.succ_opt().unwrap_or(last);
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    Decimal::from(years.max(0))
}

/// Whole months served from `from` through `last`.
fn whole_months(from: NaiveDate, last: NaiveDate) -> Decimal {
    let to = last.succ_opt().unwrap_or(last);
    let mut m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        m -= 1;
    }
    Decimal::from(m.max(0))
}

/// An RM's sums over the period; its clients and loans keyed by the ids
/// the months hold (borrowed, not copied per month).
#[derive(Default)]
struct Acc<'a> {
    /// Calendar days of the months the RM appears in.
    days_present: Decimal,
    dep_days: Decimal,
    loan_days: Decimal,
    due: Decimal,
    received: Decimal,
    fees: Decimal,
    accounts: Decimal,
    points: Decimal,
    loss: Decimal,
    settlements: Decimal,
    /// Per loan: Σ (interest due − received) × share over the period.
    arrears: BTreeMap<&'a str, Decimal>,
    clients: BTreeMap<&'a str, ClientAcc>,
}

#[derive(Default)]
struct ClientAcc {
    size_days: Decimal,
    dep_days: Decimal,
    loan_size_days: Decimal,
    loan_days: Decimal,
    settlements: Decimal,
    /// Σ (the RM's share × days) over the months the RM held the client:
    /// last year's figure is weighted as this year's is.
    share_days: Decimal,
}

/// Aggregate the months of a review period. `previous_demoted` lists the RMs
/// whose previous review demoted them (for "two years running"); `None`
/// when no previous review was given, so the figure is missing, not 0.
/// `trailing`: the months before a quarter that complete its trailing
/// twelve months, when the policy reads settlements so
/// (`quarter_settlements = "trailing_twelve_months"`); their settlements
/// only are added.
pub fn aggregate(
    policy: &Policy,
    label: &str,
    expected: &[Period],
    months: &[MonthData],
    prior: &[MonthData],
    trailing: &[MonthData],
    previous_demoted: Option<&[String]>,
) -> YearFigures {
    let present: Vec<Period> = months.iter().map(|m| m.ledger.period).collect();
    let missing: Vec<Period> = expected
        .iter()
        .filter(|p| !present.contains(p))
        .copied()
        .collect();
    let total_days: Decimal = months.iter().map(|m| Decimal::from(m.month.days)).sum();
    let end = expected
        .last()
        .map(|p| p.last_day())
        .unwrap_or(NaiveDate::MIN);
    let mut accs: BTreeMap<String, Acc> = BTreeMap::new();
    let mut monthly: BTreeMap<String, Vec<(Period, RmMetrics)>> = BTreeMap::new();
    let mut branches: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    let mut last: BTreeMap<String, (Rm, usize)> = BTreeMap::new();
    // Prior-year client deposits and RM baselines, from any month's
    // `baseline` sheet (a later month's row wins).
    let mut prior_client: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut prior_normal: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut prior_fee: BTreeMap<String, Decimal> = BTreeMap::new();
    // The RMs whose last year's fee income is the `baseline` sheet's: a
    // year's figure (last year's months in the archive are the period's
    // own months of last year).
    let mut prior_fee_yearly: std::collections::BTreeSet<String> = Default::default();
    // Last year's figures from the archive's months of last year, where it
    // has them; the `baseline` sheet, read below, takes precedence.
    prior_from_months(prior, &mut prior_client, &mut prior_normal, &mut prior_fee);
    // Settlements of the trailing months: RM → client → USD (the RM's share).
    let mut trailing_settled: BTreeMap<String, BTreeMap<String, Decimal>> = BTreeMap::new();
    for md in trailing {
        if md.ledger.settlements.is_empty() {
            continue;
        }
        for (rm, rmm) in md.month.rms.iter().zip(&md.month.by_rm) {
            let shares = client_shares(&md.month, rmm);
            for s in &md.ledger.settlements {
                if let Some(share) = shares.get(s.client_id.as_str()) {
                    *trailing_settled
                        .entry(rm.rm_id.clone())
                        .or_default()
                        .entry(s.client_id.clone())
                        .or_default() += s.amount_usd * share;
                }
            }
        }
    }
    // Each month's client terms, RM by RM in the order of its clients,
    // worked out on the machine's cores; the months are then added up in
    // their order, as before.
    let terms = crate::par::map(months, 1, client_terms);
    for ((mi, md), terms) in months.iter().enumerate().zip(terms) {
        let days = Decimal::from(md.month.days);
        for b in &md.ledger.baseline {
            match b {
                Baseline::ClientDeposit {
                    client_id,
                    deposit_daily_average,
                    ..
                } => {
                    prior_client.insert(client_id.clone(), *deposit_daily_average);
                }
                Baseline::RmNormalLoanRatio {
                    rm_id,
                    normal_loan_ratio,
                    ..
                } => {
                    prior_normal.insert(rm_id.clone(), *normal_loan_ratio);
                }
                Baseline::RmFeeIncome {
                    rm_id, fee_income, ..
                } => {
                    prior_fee.insert(rm_id.clone(), *fee_income);
                    prior_fee_yearly.insert(rm_id.clone());
                }
            }
        }
        for ((rm, rmm), terms) in md.month.rms.iter().zip(&md.month.by_rm).zip(terms) {
            let a = accs.entry(rm.rm_id.clone()).or_default();
            let m = &rmm.metrics;
            a.days_present += days;
            // The exact balance-day sum, not the average times its days.
            a.dep_days += m.deposit_day_sum;
            a.loan_days += m.loan_daily_average * days;
            a.due += m.interest_due;
            a.received += m.interest_received;
            a.fees += m.fee_income;
            a.accounts += m.new_basic_accounts;
            a.points += m.incident_points;
            a.loss += m.incident_loss;
            a.settlements += m.settlements_usd;
            for (rc, t) in rmm.clients.iter().zip(terms) {
                let Some(c) = md.month.client(rc) else {
                    continue;
                };
                let share = &rc.share;
                let ca = a.clients.entry(c.client_id.as_str()).or_default();
                ca.size_days += t.size_days;
                ca.dep_days += t.dep_days;
                ca.loan_size_days += t.loan_size_days;
                ca.share_days += *share * days;
            }
            for ls in &rmm.loans {
                let l = &md.ledger.loans[ls.loan_ix];
                let ca = a.clients.entry(l.client_id.as_str()).or_default();
                ca.loan_days += l.daily_average.unwrap_or(l.balance) * ls.share * days;
                *a.arrears.entry(l.loan_id.as_str()).or_default() +=
                    (l.interest_due - l.interest_received) * ls.share;
            }
            if !md.ledger.settlements.is_empty() {
                let shares = client_shares(&md.month, rmm);
                for s in &md.ledger.settlements {
                    if let Some(share) = shares.get(s.client_id.as_str()) {
                        a.clients
                            .entry(s.client_id.as_str())
                            .or_default()
                            .settlements += s.amount_usd * share;
                    }
                }
            }
            monthly
                .entry(rm.rm_id.clone())
                .or_default()
                .push((md.ledger.period, m.clone()));
            branches
                .entry(rm.rm_id.clone())
                .or_default()
                .push(rm.branch.clone());
            last.insert(rm.rm_id.clone(), (rm.clone(), mi));
        }
    }

    let has_prior = !prior_client.is_empty();
    let mut rms = Vec::new();
    for (rm_id, a) in &accs {
        let Some((rm, mi)) = last.get(rm_id) else {
            continue;
        };
        let md = &months[*mi];
        let manager = &md.ledger.managers[rm.ix];
        let end_metrics = md
            .month
            .by_rm
            .iter()
            .zip(&md.month.rms)
            .find(|(_, r)| r.rm_id == *rm_id)
            .map(|(m, _)| m.metrics.clone())
            .unwrap_or_default();
        // Daily averages over the period's days, or over the days of the
        // months the RM appears in (policy setting `average_over`).
        let over = match policy.review.average_over {
            crate::policy::AverageOver::Period => total_days,
            crate::policy::AverageOver::MonthsPresent => a.days_present,
        };
        let div = |x: Decimal| {
            if over.is_zero() {
                Decimal::ZERO
            } else {
                x / over
            }
        };
        let earlier = trailing_settled.get(rm_id);
        let earlier_of = |cid: &str| {
            earlier
                .and_then(|e| e.get(cid))
                .copied()
                .unwrap_or(Decimal::ZERO)
        };
        let clients: Vec<ClientYear> = a
            .clients
            .iter()
            .map(|(cid, c)| ClientYear {
                client_id: cid.to_string(),
                size: div(c.size_days),
                deposits: div(c.dep_days),
                loan_size: div(c.loan_size_days),
                loans: div(c.loan_days),
                settlements_usd: c.settlements + earlier_of(cid),
                // Last year's daily average over the same days and share as
                // this year's: a client held from April counts 275 ÷ 365 of
                // last year's, so a client moved between RMs in the year
                // is compared once, not whole for each (and a joiner's
                // inherited client is not held against the months before).
                prior_deposits: prior_client.get(*cid).map(|p| div(p * c.share_days)),
            })
            .collect();
        let trailing_usd: Decimal = earlier
            .map(|e| e.values().copied().sum())
            .unwrap_or(Decimal::ZERO);
        let deposit = div(a.dep_days);
        let base = rm.base_deposit;
        // Last year's deposits, when the review has last year's figures at
        // all (a `baseline` sheet or last year's months): a client they do
        // not list had none last year. Without any, there is no figure.
        let prior: Option<Decimal> = has_prior.then(|| {
            clients
                .iter()
                .filter_map(|c| c.prior_deposits)
                .sum::<Decimal>()
        });
        let growth_base = match policy.review.growth_base {
            crate::policy::GrowthBase::BaseDeposit => Some(base),
            crate::policy::GrowthBase::PriorYear => prior,
        };
        let new = growth_base.map(|b| deposit - b);
        let normal_ratio = ratio(end_metrics.normal_balance, end_metrics.loan_balance);
        // A year's fee income over a shorter period: × months ÷ 12
        // (`review.quarter_targets = "pro_rated"`).
        let months = expected.len() as u32;
        let fee_year = prior_fee.get(rm_id).copied();
        let fee_part = months < 12
            && prior_fee_yearly.contains(rm_id)
            && policy.review.quarter_targets == crate::policy::QuarterTargets::ProRated;
        let prior_fees = if fee_part {
            fee_year.map(|f| f * Decimal::from(months) / Decimal::from(12))
        } else {
            fee_year
        };
        // Interest in arrears at the period's end: per loan, the interest
        // due over the period less what was received for it (a later
        // payment makes up an earlier shortfall), not the last month's
        // due − received alone. Whether arrears at any month-end of the
        // period count is the policy's choice (`consecutive_months = 1`
        // on the monthly `overdue_interest`; Policy B art. 11).
        let in_arrears: Vec<(&str, Decimal)> = a
            .arrears
            .iter()
            .filter(|(_, v)| **v > Decimal::ZERO)
            .map(|(k, v)| (*k, *v))
            .collect();
        let arrears: Decimal = in_arrears.iter().map(|(_, v)| *v).sum();
        // Every metric's figure for the period; exhaustive, so a metric
        // added to the vocabulary does not compile until it is computed.
        let figure = |m: Metric| -> Option<Decimal> {
            use Metric as M;
            match m {
                M::DepositDailyAverage => Some(deposit),
                M::DepositBase => Some(base),
                M::DepositStock => Some(deposit.min(base).max(Decimal::ZERO)),
                M::DepositIncrement => Some((deposit - base).max(Decimal::ZERO)),
                M::DepositToBase => ratio(deposit, base),
                M::DepositNew => new,
                M::DepositGrowth => match (new, growth_base) {
                    (Some(n), Some(b)) => ratio(n, b),
                    _ => None,
                },
                M::LoanDailyAverage => Some(div(a.loan_days)),
                M::LoanBalance => Some(end_metrics.loan_balance),
                M::NplBalance => Some(end_metrics.npl_balance),
                // With no loans at the end: as the policy reads it
                // (`npl_ratio_when_no_loans`; the monthly figure has none).
                M::NplRatio => ratio(end_metrics.npl_balance, end_metrics.loan_balance)
                    .or_else(|| policy.review.npl_ratio_when_no_loans().value()),
                M::InterestDue => Some(a.due),
                M::InterestReceived => Some(a.received),
                // With no interest due: as the policy reads it
                // (`collection_rate_when_nothing_due`).
                M::CollectionRate => ratio(a.received, a.due)
                    .or_else(|| policy.review.collection_rate_when_nothing_due().value()),
                M::FeeIncome => Some(a.fees),
                M::FeeIncomePrior => prior_fees,
                M::FeeGrowth => prior_fees.and_then(|p| ratio(a.fees - p, p)),
                M::NewBasicAccounts => Some(a.accounts),
                M::IncidentPoints => Some(a.points),
                M::IncidentLoss => Some(a.loss),
                M::SettlementsUsd => Some(a.settlements + trailing_usd),
                M::NormalLoanRatio => normal_ratio,
                M::NormalLoanRatioChange => match (normal_ratio, prior_normal.get(rm_id)) {
                    (Some(n), Some(p)) => Some(n - p),
                    _ => None,
                },
                M::OverdueInterest => Some(arrears),
                M::Advances => Some(end_metrics.advances),
                M::TenureYears => manager.marketing_since.map(|d| whole_years(d, end)),
                M::MonthsInService => manager.marketing_since.map(|d| whole_months(d, end)),
                M::ExamScore => manager.exam_score,
                M::ClientCount => Some(Decimal::from(clients.len())),
                // Missing, not 0, when no previous review was given.
                M::PreviousDecisionDemote => previous_demoted.map(|d| {
                    if d.iter().any(|x| x == rm_id) {
                        Decimal::ONE
                    } else {
                        Decimal::ZERO
                    }
                }),
                // The review's own result (`engine::review`), not a figure
                // of the data.
                M::Score => None,
            }
        };
        let metrics: BTreeMap<Metric, Option<Decimal>> = Metric::ALL
            .iter()
            .filter(|&&m| m != Metric::Score)
            .map(|&m| (m, figure(m)))
            .collect();
        let trace = vec![Step {
            figure: Metric::DepositDailyAverage.id().into(),
            rule: "metric".into(),
            // Divided by what `div` divides by: the RM's own days under
            // `average_over = "months_present"` (an agent hired in July:
            // 184), not the period's 365.
            formula: format!("Σ (month's daily average × days) ÷ {over} days"),
            inputs: monthly
                .get(rm_id)
                .map(|v| {
                    v.iter()
                        .map(|(p, m)| {
                            Input::new(
                                p.to_string(),
                                format!("{} × {}", m.deposit_daily_average.round_away(2), p.days()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            value: Some(deposit),
        }];
        let mut trace = trace;
        // The base deposit as the month's trace names it (the ledger's cell,
        // the tier's key, or none), then new deposits and growth against
        // the base the policy's `review.growth_base` applies.
        trace.push(Step {
            figure: Metric::DepositBase.id().into(),
            rule: "metric".into(),
            formula: "base deposit (基数存款)".into(),
            inputs: vec![Input::new("source", cell_by_file_name(&rm.base_source))],
            value: Some(base),
        });
        let (base_name, base_inputs) = match policy.review.growth_base {
            crate::policy::GrowthBase::BaseDeposit => (
                Metric::DepositBase.id().to_string(),
                vec![Input::new(Metric::DepositBase.id(), base.normalize())],
            ),
            crate::policy::GrowthBase::PriorYear => {
                let mut inputs: Vec<Input> = a
                    .clients
                    .iter()
                    .filter_map(|(cid, c)| {
                        let p = prior_client.get(*cid)?;
                        Some(Input::new(
                            format!("client {cid} last year"),
                            format!("{} × {} ÷ {over}", p.normalize(), c.share_days.normalize()),
                        ))
                    })
                    .collect();
                if inputs.is_empty() && !has_prior {
                    inputs.push(Input::new("last year's deposits", "—"));
                }
                ("last year's deposits".to_string(), inputs)
            }
        };
        if policy.review.growth_base == crate::policy::GrowthBase::PriorYear {
            trace.push(Step {
                figure: "deposit_prior".into(),
                rule: "review.growth_base = `prior_year`".into(),
                formula: format!(
                    "Σ clients' last-year daily average × Σ (share × days held) ÷ {over} days"
                ),
                inputs: base_inputs.clone(),
                value: growth_base,
            });
        }
        trace.extend(growth_steps(
            &policy.review.growth_base,
            deposit,
            &base_name,
            growth_base,
        ));
        if !trailing.is_empty() {
            let first = trailing.first().map(|m| m.ledger.period.to_string());
            let last = trailing.last().map(|m| m.ledger.period.to_string());
            trace.push(Step {
                figure: Metric::SettlementsUsd.id().into(),
                rule: "review.quarter_settlements".into(),
                formula: "trailing twelve months: the period's settlements + the months before it"
                    .into(),
                inputs: vec![
                    Input::new(label, a.settlements.normalize()),
                    Input::new(
                        format!(
                            "{} to {}",
                            first.unwrap_or_default(),
                            last.unwrap_or_default()
                        ),
                        trailing_usd.normalize(),
                    ),
                ],
                value: Some(a.settlements + trailing_usd),
            });
        }
        if fee_part && let Some(f) = fee_year {
            trace.push(Step {
                figure: Metric::FeeIncomePrior.id().into(),
                rule: "review.quarter_targets".into(),
                formula: format!("last year's fee income (baseline) × {months} ÷ 12"),
                inputs: vec![Input::new(
                    format!("{rm_id} fee_income"),
                    f.normalize().to_string(),
                )],
                value: prior_fees,
            });
        }
        trace.extend(zero_denominator_steps(
            policy,
            (a.received, a.due),
            (end_metrics.npl_balance, end_metrics.loan_balance),
        ));
        if !in_arrears.is_empty() {
            trace.push(Step {
                figure: Metric::OverdueInterest.id().into(),
                rule: "metric".into(),
                formula: "Σ over loans of max(Σ interest due − Σ interest received over the period, 0) × share".into(),
                inputs: in_arrears
                    .iter()
                    .map(|(k, v)| Input::new(*k, v.normalize()))
                    .collect(),
                value: Some(arrears),
            });
        }
        rms.push(RmYear {
            rm: rm.clone(),
            status: manager.status,
            left_on: manager.left_on,
            marketing_since: manager.marketing_since,
            exam_score: manager.exam_score,
            qualified_on: manager.qualified_on,
            metrics,
            monthly: monthly.get(rm_id).cloned().unwrap_or_default(),
            branches: branches.get(rm_id).cloned().unwrap_or_default(),
            clients,
            deposit_day_sum: a.dep_days,
            loan_day_sum: a.loan_days,
            days_present: a.days_present,
            period_months: expected.len() as u32,
            period_end: end,
            branch_fee_prior_missing: Vec::new(),
            trace,
        });
    }
    // Keep the last ledger's manager order.
    if let Some(md) = months.last() {
        let order: Vec<&str> = md
            .ledger
            .managers
            .iter()
            .map(|m| m.rm_id.as_str())
            .collect();
        rms.sort_by_key(|r| {
            order
                .iter()
                .position(|o| *o == r.rm.rm_id)
                .unwrap_or(usize::MAX)
        });
    }
    branch_heads(policy, total_days, &mut rms);
    YearFigures {
        label: label.to_string(),
        months: present,
        missing,
        end,
        rms,
    }
}

/// A client's month in an RM's sums: its own daily-average deposits and
/// loans and the RM's share of the deposits, each × the month's days.
struct ClientTerms {
    size_days: Decimal,
    dep_days: Decimal,
    loan_size_days: Decimal,
}

/// A month's [`ClientTerms`]: per RM (as `month.by_rm`), per client of
/// the RM (as `RmMonth::clients`).
fn client_terms(md: &MonthData) -> Vec<Vec<ClientTerms>> {
    let days = Decimal::from(md.month.days);
    // Client loans per month (whole), for client sizes.
    let mut client_loans: BTreeMap<&str, Decimal> = BTreeMap::new();
    for l in &md.ledger.loans {
        *client_loans.entry(l.client_id.as_str()).or_default() +=
            l.daily_average.unwrap_or(l.balance);
    }
    md.month
        .by_rm
        .iter()
        .map(|rmm| {
            rmm.clients
                .iter()
                .map(|rc| {
                    let share = rc.share;
                    let c = md.month.client(rc);
                    let size = c.map(|c| c.deposit_daily_average).unwrap_or_default();
                    let ls = c
                        .and_then(|c| client_loans.get(c.client_id.as_str()))
                        .copied()
                        .unwrap_or_default();
                    ClientTerms {
                        size_days: size * days,
                        dep_days: size * share * days,
                        loan_size_days: ls * days,
                    }
                })
                .collect()
        })
        .collect()
}

/// An RM's share of each of its clients: the first listed, as a search of
/// the list from its start finds it.
fn client_shares<'m>(month: &'m Month, rmm: &RmMonth) -> BTreeMap<&'m str, Decimal> {
    let mut shares = BTreeMap::new();
    for rc in &rmm.clients {
        if let Some(c) = month.client(rc) {
            shares.entry(c.client_id.as_str()).or_insert(rc.share);
        }
    }
    shares
}

/// Last year's client daily averages (day-weighted), RM fee income and
/// year-end normal-loan share, from last year's months.
fn prior_from_months(
    prior: &[MonthData],
    client: &mut BTreeMap<String, Decimal>,
    normal: &mut BTreeMap<String, Decimal>,
    fee: &mut BTreeMap<String, Decimal>,
) {
    let days: Decimal = prior.iter().map(|m| Decimal::from(m.month.days)).sum();
    if days.is_zero() {
        return;
    }
    let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
    for md in prior {
        let d = Decimal::from(md.month.days);
        for (cid, c) in &md.month.clients {
            *sums.entry(cid.as_str()).or_default() += c.deposit_daily_average * d;
        }
        for (rm, rmm) in md.month.rms.iter().zip(&md.month.by_rm) {
            *fee.entry(rm.rm_id.clone()).or_default() += rmm.metrics.fee_income;
        }
    }
    for (cid, s) in sums {
        client.insert(cid.to_string(), s / days);
    }
    if let Some(last) = prior.last() {
        for (rm, rmm) in last.month.rms.iter().zip(&last.month.by_rm) {
            if let Some(r) = ratio(rmm.metrics.normal_balance, rmm.metrics.loan_balance) {
                normal.insert(rm.rm_id.clone(), r);
            }
        }
    }
}

/// Branch heads are assessed on their branch: deposits, loans and interest
/// of every RM of the same branch (POLICIES.md, Policy A art. 13–14).
///
/// A branch's daily average is the sum of its daily balances over the
/// period's days (POLICIES.md, shared definitions): each member's sum of
/// daily balances (Σ month's daily average × days) added up and divided by
/// the period's days, never the members' own averages added up. An RM who
/// joined in July adds July–December's balances, not a full year's worth:
/// `average_over = "months_present"` judges one person's own figures (art.
/// 21), never a total.
fn branch_heads(policy: &Policy, period_days: Decimal, rms: &mut [RmYear]) {
    if !policy.review.branch_heads_on_branch {
        return;
    }
    let heads: Vec<usize> = rms
        .iter()
        .enumerate()
        .filter(|(_, r)| r.rm.role == Role::BranchHead && r.rm.branch.is_some())
        .map(|(i, _)| i)
        .collect();
    let end_period = rms
        .iter()
        .filter_map(|r| r.monthly.last().map(|(p, _)| *p))
        .max();
    // Every head's branch figures are worked out from the members' own
    // figures before any head's are replaced: a second head of the same
    // branch totals the members, not the first head's branch totals.
    let mut pending = Vec::with_capacity(heads.len());
    for h in heads {
        let branch = rms[h].rm.branch.clone();
        // The months each RM spent in the branch (the `managers` sheet's
        // 机构 of each month): one who moved branch in July adds January–
        // June to the old branch and July–December to the new one.
        let stays: Vec<(usize, Vec<usize>)> = rms
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let months: Vec<usize> = r
                    .branches
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == branch)
                    .map(|(m, _)| m)
                    .collect();
                (i, months)
            })
            .filter(|(_, months)| !months.is_empty())
            .collect();
        let members: Vec<usize> = stays.iter().map(|(i, _)| *i).collect();
        // Those in the branch at the period's end: a member's fee income,
        // this period's and last year's, counts in the branch the member
        // ends the period in (last year's is given per RM, not per branch).
        let at_end_members: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| rms[i].rm.branch == branch)
            .collect();
        // Σ over the members' months in the branch.
        let in_branch = |f: &dyn Fn(Period, &RmMetrics) -> Decimal| -> Vec<Decimal> {
            stays
                .iter()
                .map(|(i, months)| {
                    months
                        .iter()
                        .map(|&m| {
                            let (p, rm) = &rms[*i].monthly[m];
                            f(*p, rm)
                        })
                        .sum()
                })
                .collect()
        };
        let deposit_sums = in_branch(&|_, m| m.deposit_day_sum);
        let loan_sums = in_branch(&|p, m| m.loan_daily_average * Decimal::from(p.days()));
        let days_in = in_branch(&|p, _| Decimal::from(p.days()));
        let deposit_sum: Decimal = deposit_sums.iter().copied().sum();
        // `None` only for a period of no days, which no review has.
        let deposit = ratio(deposit_sum, period_days);
        let loan_avg = ratio(loan_sums.iter().copied().sum(), period_days);
        let due: Decimal = in_branch(&|_, m| m.interest_due).iter().copied().sum();
        let received: Decimal = in_branch(&|_, m| m.interest_received).iter().copied().sum();
        // Stocks at the period's end: only members in its last month (one
        // who left in June holds no loan of the branch in December).
        let at_end = |k: Metric| {
            at_end_members
                .iter()
                .filter(|&&i| rms[i].monthly.last().map(|(p, _)| *p) == end_period)
                .filter_map(|&i| rms[i].get(k))
                .sum::<Decimal>()
        };
        let (loans, npl) = (at_end(Metric::LoanBalance), at_end(Metric::NplBalance));
        let fees: Decimal = at_end_members
            .iter()
            .filter_map(|&i| rms[i].get(Metric::FeeIncome))
            .sum();
        let name = branch.clone().unwrap_or_default();
        let (base, base_step) = branch_deposit_base(policy, period_days, rms, h, &stays, &name);
        let (prior_fees, lacking, fee_step) =
            branch_fee_prior(policy, rms, h, &at_end_members, &name);
        let inputs: Vec<Input> = stays
            .iter()
            .zip(deposit_sums.iter().zip(&days_in))
            .map(|((i, _), (sum, days))| {
                let r = &rms[*i];
                Input::new(
                    format!("{} Σ daily balances ({} days)", r.rm.rm_id, days),
                    sum.round_away(6).normalize(),
                )
            })
            .collect();
        let mut figures: Vec<(Metric, Option<Decimal>)> = Vec::new();
        let mut set = |k: Metric, v: Option<Decimal>| figures.push((k, v));
        set(Metric::DepositDailyAverage, deposit);
        set(Metric::DepositBase, Some(base));
        set(Metric::DepositNew, deposit.map(|d| d - base));
        // Stock and increment split the branch's average, not the head's own.
        set(Metric::DepositStock, deposit.map(|d| d.min(base)));
        set(
            Metric::DepositIncrement,
            deposit.map(|d| (d - base).max(Decimal::ZERO)),
        );
        set(
            Metric::DepositGrowth,
            deposit.and_then(|d| ratio(d - base, base)),
        );
        set(Metric::DepositToBase, deposit.and_then(|d| ratio(d, base)));
        set(Metric::InterestDue, Some(due));
        set(Metric::InterestReceived, Some(received));
        // As for an RM: a rate with nothing to divide by is the policy's
        // reading.
        let review = &policy.review;
        set(
            Metric::CollectionRate,
            ratio(received, due).or_else(|| review.collection_rate_when_nothing_due().value()),
        );
        set(Metric::LoanBalance, Some(loans));
        set(Metric::LoanDailyAverage, loan_avg);
        set(Metric::NplBalance, Some(npl));
        set(
            Metric::NplRatio,
            ratio(npl, loans).or_else(|| review.npl_ratio_when_no_loans().value()),
        );
        set(Metric::FeeIncome, Some(fees));
        set(Metric::FeeIncomePrior, prior_fees);
        set(
            Metric::FeeGrowth,
            prior_fees.and_then(|p| ratio(fees - p, p)),
        );
        let mut steps = zero_denominator_steps(policy, (received, due), (npl, loans));
        steps.push(Step {
            figure: Metric::DepositDailyAverage.id().into(),
            rule: "review.branch_heads_on_branch".into(),
            formula: format!(
                "Σ daily balances of branch `{}` ({} RMs) ÷ {} days = {} ÷ {}",
                branch.clone().unwrap_or_default(),
                members.len(),
                period_days,
                deposit_sum.round_away(6).normalize(),
                period_days
            ),
            inputs,
            value: deposit,
        });
        steps.push(base_step);
        // The branch's growth is against its base, whatever `growth_base` says.
        if let Some(d) = deposit {
            steps.extend(growth_steps(
                &crate::policy::GrowthBase::BaseDeposit,
                d,
                Metric::DepositBase.id(),
                Some(base),
            ));
        }
        steps.push(fee_step);
        steps.push(Step {
            figure: "branch".into(),
            rule: "review.branch_heads_on_branch".into(),
            formula: format!(
                "the figures of branch `{}`: daily averages day-weighted over the period and flows, Σ over its {} RMs; loan stocks Σ over those in the period's last month",
                branch.unwrap_or_default(),
                members.len()
            ),
            inputs: Vec::new(),
            value: None,
        });
        pending.push((h, figures, lacking, steps));
    }
    for (h, figures, lacking, steps) in pending {
        let head = &mut rms[h];
        head.metrics.extend(figures);
        head.branch_fee_prior_missing = lacking;
        // The head's own average and rates are not figures of the review:
        // the branch's replace them.
        let replaced = [
            Metric::DepositDailyAverage.id(),
            Metric::DepositBase.id(),
            "deposit_prior",
            Metric::DepositNew.id(),
            Metric::DepositGrowth.id(),
            Metric::CollectionRate.id(),
            Metric::NplRatio.id(),
        ];
        head.trace
            .retain(|s| !replaced.contains(&s.figure.as_str()));
        head.trace.extend(steps);
    }
}

/// A ledger cell (`fixtures/year-a/2026-12.xlsx [客户经理]!I2`) named by
/// its file's name alone (`2026-12.xlsx [客户经理]!I2`), as outputs name
/// inputs; any other text as it is.
fn cell_by_file_name(cell: &str) -> String {
    match cell.split_once(" [") {
        Some((file, rest)) if file.ends_with(".xlsx") || file.ends_with(".csv") => {
            let name = std::path::Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.to_string());
            format!("{name} [{rest}")
        }
        _ => cell.to_string(),
    }
}

/// New deposits and their growth over a review period, against the base
/// `review.growth_base` applies (`base` named `base_name`; none when the
/// review has no figure for it): `deposit_new = deposit_daily_average −
/// base`, `deposit_growth = deposit_new ÷ base`.
fn growth_steps(
    growth_base: &crate::policy::GrowthBase,
    deposit: Decimal,
    base_name: &str,
    base: Option<Decimal>,
) -> Vec<Step> {
    let setting = match growth_base {
        crate::policy::GrowthBase::BaseDeposit => "base_deposit",
        crate::policy::GrowthBase::PriorYear => "prior_year",
    };
    let new = base.map(|b| deposit - b);
    let shown = |v: Option<Decimal>| {
        v.map(crate::trace::figure_text)
            .unwrap_or_else(|| "—".into())
    };
    vec![
        Step {
            figure: Metric::DepositNew.id().into(),
            rule: format!("review.growth_base = `{setting}`"),
            formula: format!("deposit_daily_average − {base_name}"),
            inputs: vec![
                Input::new(
                    Metric::DepositDailyAverage.id(),
                    crate::trace::figure_text(deposit),
                ),
                Input::new(base_name, shown(base)),
            ],
            value: new,
        },
        Step {
            figure: Metric::DepositGrowth.id().into(),
            rule: format!("review.growth_base = `{setting}`"),
            formula: format!("deposit_new ÷ {base_name}"),
            inputs: vec![
                Input::new(Metric::DepositNew.id(), shown(new)),
                Input::new(base_name, shown(base)),
            ],
            value: match (new, base) {
                (Some(n), Some(b)) => ratio(n, b),
                _ => None,
            },
        },
    ]
}

/// A branch's base deposit (`review.branch_base`) and its trace: the
/// members' base deposits day-weighted as the branch's daily average is,
/// Σ (month's base × days) ÷ the period's days (a member present all
/// period adds their base), or the head's own row.
fn branch_deposit_base(
    policy: &Policy,
    period_days: Decimal,
    rms: &[RmYear],
    h: usize,
    members: &[(usize, Vec<usize>)],
    branch: &str,
) -> (Decimal, Step) {
    let head = &rms[h];
    if policy.review.branch_base == BranchBase::HeadRow {
        let base = head.rm.base_deposit;
        return (
            base,
            Step {
                figure: Metric::DepositBase.id().into(),
                rule: "review.branch_base".into(),
                formula: "the head's row carries the branch's base deposit".into(),
                inputs: vec![Input::new(
                    format!("{} base deposit", head.rm.rm_id),
                    base.normalize(),
                )],
                value: Some(base),
            },
        );
    }
    let mut total = Decimal::ZERO;
    let mut inputs = Vec::new();
    for (i, months) in members {
        let r = &rms[*i];
        // Runs of months at the same base: `base × days`, joined by `+`
        // (the months the member spent in the branch).
        let mut runs: Vec<(Decimal, Decimal)> = Vec::new();
        for (p, m) in months.iter().map(|&m| &r.monthly[m]) {
            let days = Decimal::from(p.days());
            total += m.deposit_base * days;
            match runs.last_mut() {
                Some((b, d)) if *b == m.deposit_base => *d += days,
                _ => runs.push((m.deposit_base, days)),
            }
        }
        let terms: Vec<String> = runs
            .iter()
            .map(|(b, d)| format!("{} × {}", b.normalize(), d))
            .collect();
        inputs.push(Input::new(
            format!("{} base deposit × days", r.rm.rm_id),
            terms.join(" + "),
        ));
    }
    let base = ratio(total, period_days).unwrap_or(Decimal::ZERO);
    (
        base,
        Step {
            figure: Metric::DepositBase.id().into(),
            rule: "review.branch_base".into(),
            formula: format!(
                "Σ (base deposit × days) of branch `{branch}` ({} RMs) ÷ {period_days} days = {} ÷ {period_days}",
                members.len(),
                total.normalize()
            ),
            inputs,
            value: Some(base),
        },
    )
}

/// A branch's fee income of last year (`review.branch_base`) and its
/// trace: Σ the members' own, or the head's row. A member with fees this
/// period and no figure for last year leaves the branch without one (a
/// missing figure naming them, returned); one with neither adds 0, said
/// in the trace.
fn branch_fee_prior(
    policy: &Policy,
    rms: &[RmYear],
    h: usize,
    members: &[usize],
    branch: &str,
) -> (Option<Decimal>, Vec<String>, Step) {
    let head = &rms[h];
    let shown = |v: Option<Decimal>| {
        v.map(|v| v.normalize().to_string())
            .unwrap_or_else(|| "no figure".into())
    };
    if policy.review.branch_base == BranchBase::HeadRow {
        let prior = head.get(Metric::FeeIncomePrior);
        return (
            prior,
            Vec::new(),
            Step {
                figure: Metric::FeeIncomePrior.id().into(),
                rule: "review.branch_base".into(),
                formula: "the head's row carries the branch's fee income of last year".into(),
                inputs: vec![Input::new(head.rm.rm_id.clone(), shown(prior))],
                value: prior,
            },
        );
    }
    let mut total = Decimal::ZERO;
    let mut lacking = Vec::new();
    let mut inputs = Vec::new();
    for &i in members {
        let r = &rms[i];
        let fees = r.get(Metric::FeeIncome).unwrap_or_default();
        let said = match r.get(Metric::FeeIncomePrior) {
            Some(p) => {
                total += p;
                p.normalize().to_string()
            }
            None if fees.is_zero() => "no figure, no fees this period: 0".into(),
            None => {
                lacking.push(r.rm.rm_id.clone());
                format!("no figure, fees this period {}", fees.normalize())
            }
        };
        inputs.push(Input::new(r.rm.rm_id.clone(), said));
    }
    let prior = lacking.is_empty().then_some(total);
    (
        prior,
        lacking,
        Step {
            figure: Metric::FeeIncomePrior.id().into(),
            rule: "review.branch_base".into(),
            formula: format!(
                "Σ last year's fee income of the members of branch `{branch}` ({} RMs)",
                members.len()
            ),
            inputs,
            value: prior,
        },
    )
}

/// The trace of a rate whose denominator is 0 over the period: the step
/// names the policy's reading and its inputs (interest received and due;
/// non-performing and loan balances), so that an auditor sees why, with
/// nothing due, the rate is 100% (or 0%, or not assessed).
fn zero_denominator_steps(
    policy: &Policy,
    (received, due): (Decimal, Decimal),
    (npl, loans): (Decimal, Decimal),
) -> Vec<Step> {
    let mut steps = Vec::new();
    // In the words of the trace (metric ids, which the Chinese sheet
    // names in Chinese) and of the policy: `a ÷ b, b = 0: key = "word"`.
    let mut step = |metric: Metric,
                    (num, den): (Metric, Metric),
                    key: &str,
                    reading: crate::policy::ZeroDenominator,
                    values: (Decimal, Decimal)| {
        steps.push(Step {
            figure: metric.id().into(),
            rule: format!("review.{key}"),
            // The reading in words the trace puts into Chinese; the
            // setting itself is the step's rule (`review.{key}`).
            formula: format!(
                "{n} ÷ {d}, {d} = 0: {}",
                match reading {
                    crate::policy::ZeroDenominator::Full => "counted as 100% by the policy",
                    crate::policy::ZeroDenominator::Zero => "counted as 0 by the policy",
                    crate::policy::ZeroDenominator::NotAssessed => "not assessed by the policy",
                },
                n = num.id(),
                d = den.id(),
            ),
            inputs: vec![
                Input::new(num.id(), values.0.normalize()),
                Input::new(den.id(), values.1.normalize()),
            ],
            value: reading.value(),
        })
    };
    if due.is_zero() {
        step(
            Metric::CollectionRate,
            (Metric::InterestReceived, Metric::InterestDue),
            "collection_rate_when_nothing_due",
            policy.review.collection_rate_when_nothing_due(),
            (received, due),
        );
    }
    if loans.is_zero() {
        step(
            Metric::NplRatio,
            (Metric::NplBalance, Metric::LoanBalance),
            "npl_ratio_when_no_loans",
            policy.review.npl_ratio_when_no_loans(),
            (npl, loans),
        );
    }
    steps
}
