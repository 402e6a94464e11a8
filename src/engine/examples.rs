//! The worked examples a policy file carries (`[[examples]]`): figures in,
//! outcome out. `rmpay check` and the test suite run them, so a bank that
//! edits its rules sees at once which examples changed.

use super::review::review_rm;
use crate::decimal::RoundAway as _;
use crate::diag::Code;
use crate::diag::{Diagnostics, Location};
use crate::ledger::{At, SheetKind, Src, Status};
use crate::metrics::annual::{ClientYear, RmYear};
use crate::metrics::monthly::{Rm, RmMetrics};
use crate::policy::{Example, Policy};
use crate::report::TraceWords;
use crate::text::policy as say;
use crate::text::{Lang, Msg};
use crate::vocab::Metric;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The figures of an example as a review period's figures: the metrics as
/// given, held for twelve months (for consecutive-month conditions).
fn example_year(policy: &Policy, e: &Example) -> RmYear {
    let tier = &policy.tiers[e.tier];
    let role = e.role.unwrap_or(tier.role);
    let mut metrics: BTreeMap<Metric, Option<Decimal>> =
        e.metrics.iter().map(|(k, v)| (*k, Some(*v))).collect();
    // Clients with last year's deposits give the new deposits, as a
    // review's baseline does (a client without one had none last year).
    if !metrics.contains_key(&Metric::DepositNew)
        && e.clients.iter().any(|c| c.prior_deposits.is_some())
    {
        let new: Decimal = e
            .clients
            .iter()
            .map(|c| c.deposits - c.prior_deposits.unwrap_or(Decimal::ZERO))
            .sum();
        metrics.insert(Metric::DepositNew, Some(new));
    }
    let get = |k: Metric| metrics.get(&k).copied().flatten();
    let mut month = RmMetrics::default();
    for (k, v) in &e.metrics {
        match k {
            Metric::DepositToBase => month.deposit_to_base = Some(*v),
            Metric::CollectionRate => month.collection_rate = Some(*v),
            Metric::DepositDailyAverage => month.deposit_daily_average = *v,
            // Month-end figures a condition may read month by month
            // (`consecutive_months`): held all twelve months.
            Metric::NplBalance => month.npl_balance = *v,
            Metric::OverdueInterest => month.overdue_interest = *v,
            Metric::Advances => month.advances = *v,
            // Other figures are the year's only.
            _ => {}
        }
    }
    let src = Src {
        sheet: SheetKind::Managers,
        row: 0,
        col: 0,
    };
    let _ = At { value: (), src };
    RmYear {
        rm: Rm {
            ix: 0,
            rm_id: e.name.clone(),
            name: e.name.clone(),
            tier: e.tier,
            role,
            branch: None,
            active: true,
            base_deposit: get(Metric::DepositBase).unwrap_or_default(),
            base_source: "example".into(),
        },
        status: Status::Active,
        left_on: None,
        marketing_since: None,
        exam_score: get(Metric::ExamScore),
        qualified_on: None,
        metrics,
        monthly: (1..=12)
            .filter_map(|m| crate::period::Period::new(2026, m).map(|p| (p, month.clone())))
            .collect(),
        branches: Vec::new(),
        clients: e
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| ClientYear {
                client_id: format!("client {}", i + 1),
                size: c.deposits,
                deposits: c.deposits,
                loan_size: c.loans,
                loans: c.loans,
                settlements_usd: Decimal::ZERO,
                prior_deposits: c.prior_deposits,
            })
            .collect(),
        deposit_day_sum: Decimal::ZERO,
        loan_day_sum: Decimal::ZERO,
        days_present: Decimal::ZERO,
        period_months: 12,
        period_end: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
        branch_fee_prior_missing: Vec::new(),
        trace: Vec::new(),
    }
}

/// Run every example; each mismatch is an error at the example's line.
pub fn run_examples(policy: &Policy, file: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    for e in &policy.examples {
        let r = review_rm(policy, example_year(policy, e));
        let mut wrong: Vec<Msg> = Vec::new();
        if let Some(want) = e.expect_decision
            && want != r.decision
        {
            wrong.push(say::example_decision(
                want.zh(),
                want.id(),
                r.decision.zh(),
                r.decision.id(),
            ));
        }
        if let Some(want) = e.expect_tier
            && Some(want) != r.proposed
        {
            let want = &policy.tiers[want];
            wrong.push(match r.proposed.map(|t| &policy.tiers[t]) {
                Some(got) => say::example_tier(&want.name, &want.id, &got.name, &got.id),
                None => say::example_no_tier(&want.name, &want.id),
            });
        }
        if let Some(want) = e.expect_score {
            let got = r.score.as_ref().map(|s| s.total);
            if got != Some(want) {
                wrong.push(match got {
                    Some(g) => say::example_score(want.normalize(), g.round_away(6).normalize()),
                    None => say::example_no_score(want.normalize()),
                });
            }
        }
        if !wrong.is_empty() {
            // The rules' details are the engine's words, shown in Chinese
            // through the trace's table, as the review book shows them.
            let words = TraceWords::new(policy, Lang::Zh);
            let why: Vec<Msg> = r
                .hits
                .iter()
                .map(|h| {
                    let en = say::example_rule(&h.rule, &h.detail);
                    let zh = say::example_rule(&h.rule, words.text(&h.detail));
                    Msg::new(zh.get(Lang::Zh).to_string(), en.get(Lang::En).to_string())
                })
                .collect();
            let why = if why.is_empty() {
                Msg::verbatim("")
            } else {
                say::in_each(|l| say::example_fired(say::joined(&why).get(l)))
            };
            d.error(
                Location::Text {
                    file: file.to_string(),
                    line: e.line,
                    column: 1,
                },
                Code::ExampleFailed,
                say::in_each(|l| {
                    // Each item has a comma of its own: a Chinese list of
                    // them is of clauses.
                    let sep = match l {
                        Lang::Zh => crate::text::clause_sep(l),
                        Lang::En => crate::text::list_sep(l),
                    };
                    let wrong: Vec<&str> = wrong.iter().map(|w| w.get(l)).collect();
                    say::example_failed(&e.name, wrong.join(sep), why.get(l))
                }),
            );
        }
    }
    d
}
