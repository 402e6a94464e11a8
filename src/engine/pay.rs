//! Monthly pay: piece-rate lines, loss deductions, the risk-deposit holdback
//! and the month's exceptions. Pure; every figure carries its trace.

use crate::ledger::Ledger;
use crate::metrics::monthly::{Month, Rm, RmMetrics, RmMonth};
use crate::policy::{FlagKind, HoldbackBase, PayKind, Policy, TierIx};
use crate::trace::{Input, Step};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// One pay line of one RM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The policy's pay line id.
    pub rule: String,
    pub amount: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskAccount {
    pub cap: Option<Decimal>,
    pub opening: Decimal,
    pub withheld: Decimal,
    pub closing: Decimal,
    /// The ledger cell the opening balance came from; `None` when no
    /// opening balance was given (zero).
    pub opening_source: Option<String>,
}

/// A monthly exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The policy's flag rule id.
    pub rule: String,
    /// The kind of check, e.g. `loan_above_authority`.
    pub check: &'static str,
    /// What the flag is about: a loan id, a client id, or the RM.
    pub subject: String,
    pub value: Option<Decimal>,
    pub threshold: Option<Decimal>,
    /// The ledger cell the finding rests on, if any.
    pub cell: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payslip {
    pub lines: Vec<Line>,
    pub gross: Decimal,
    /// (deduction id, amount applied).
    pub deductions: Vec<Line>,
    pub deductions_total: Decimal,
    /// Deductions beyond the month's gross, not taken this month.
    pub unrecovered: Decimal,
    pub holdback: Decimal,
    pub net: Decimal,
    pub risk: RiskAccount,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmResult {
    pub rm: Rm,
    pub month: RmMonth,
    pub pay: Payslip,
    pub flags: Vec<Flag>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Per pay line id, in policy order.
    pub lines: Vec<Line>,
    pub gross: Decimal,
    pub deductions: Decimal,
    pub holdback: Decimal,
    pub net: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payroll {
    pub results: Vec<RmResult>,
    pub totals: Totals,
    pub days: u32,
    pub clients: std::collections::BTreeMap<String, crate::metrics::monthly::ClientMonth>,
}

fn applies(tiers: &[TierIx], t: TierIx) -> bool {
    tiers.is_empty() || tiers.contains(&t)
}

/// One RM's pay from the month's figures: pay lines, deductions (never more
/// than gross in total), the risk-deposit holdback, net. Pushes each step's
/// trace. Pure.
pub fn payslip(
    policy: &Policy,
    tier_ix: TierIx,
    metrics: &RmMetrics,
    opening: Decimal,
    opening_source: Option<String>,
    trace: &mut Vec<Step>,
) -> Payslip {
    let money = policy.settings.money;
    let tier = &policy.tiers[tier_ix];
    let mut lines = Vec::new();
    for pl in &policy.pay.lines {
        if !applies(&pl.tiers, tier_ix) {
            continue;
        }
        let (amount, step) = match &pl.kind {
            PayKind::Rate { metric, per, rate } => {
                let Some(r) = rate.get(tier_ix) else { continue };
                let v = metrics.get(metric).unwrap_or_default();
                let exact = v / per * r;
                let amount = money.apply(exact);
                let formula = if *per == Decimal::ONE {
                    format!("round({metric} × {r}, {})", money.scale)
                } else {
                    format!("round({metric} ÷ {per} × {r}, {})", money.scale)
                };
                (
                    amount,
                    Step {
                        figure: pl.id.clone(),
                        rule: pl.id.clone(),
                        formula,
                        inputs: vec![
                            Input::new(metric, v.round_dp(6).normalize()),
                            Input::new("rate", r),
                        ],
                        value: Some(amount),
                    },
                )
            }
            PayKind::Fixed { amount } => {
                let Some(a) = amount.get(tier_ix) else {
                    continue;
                };
                let a = money.apply(a);
                (
                    a,
                    Step {
                        figure: pl.id.clone(),
                        rule: pl.id.clone(),
                        formula: format!("fixed amount for tier `{}`", tier.id),
                        inputs: vec![Input::new("tier", &tier.id)],
                        value: Some(a),
                    },
                )
            }
        };
        trace.push(step);
        lines.push(Line {
            rule: pl.id.clone(),
            amount,
        });
    }
    let gross: Decimal = lines.iter().map(|l| l.amount).sum();
    trace.push(Step {
        figure: "gross".into(),
        rule: "pay".into(),
        formula: "Σ pay lines".into(),
        inputs: lines
            .iter()
            .map(|l| Input::new(&l.rule, l.amount))
            .collect(),
        value: Some(gross),
    });

    // Deductions, never more than the month's gross in total.
    let mut deductions = Vec::new();
    let mut room = gross.max(Decimal::ZERO);
    let mut unrecovered = Decimal::ZERO;
    for d in &policy.pay.deductions {
        let v = metrics.get(&d.metric).unwrap_or_default();
        let wanted = money.apply(v * d.share).max(Decimal::ZERO);
        let applied = wanted.min(room);
        room -= applied;
        unrecovered += wanted - applied;
        if wanted.is_zero() {
            continue;
        }
        trace.push(Step {
            figure: d.id.clone(),
            rule: d.id.clone(),
            formula: format!(
                "min(round({} × {}, {}), gross left)",
                d.metric,
                d.share.normalize(),
                money.scale
            ),
            inputs: vec![
                Input::new(&d.metric, v),
                Input::new("gross left", applied + room),
            ],
            value: Some(applied),
        });
        deductions.push(Line {
            rule: d.id.clone(),
            amount: applied,
        });
    }
    let deductions_total: Decimal = deductions.iter().map(|l| l.amount).sum();

    // Risk-deposit holdback.
    let cap = tier.risk_deposit_cap;
    let mut holdback = Decimal::ZERO;
    if let (Some(rd), Some(cap)) = (&policy.risk_deposit, cap) {
        let base = match rd.base {
            HoldbackBase::Gross => gross,
            HoldbackBase::AfterDeductions => gross - deductions_total,
        }
        .max(Decimal::ZERO);
        let wanted = money.apply(base * rd.rate);
        let space = (cap - opening).max(Decimal::ZERO);
        holdback = wanted.min(space);
        trace.push(Step {
            figure: "holdback".into(),
            rule: rd.rule.clone(),
            formula: format!(
                "min(round({} × base, {}), cap − opening)",
                rd.rate.normalize(),
                money.scale
            ),
            inputs: vec![
                Input::new(
                    "base",
                    format!(
                        "{base} ({})",
                        if rd.base == HoldbackBase::Gross {
                            "gross"
                        } else {
                            "gross − deductions"
                        }
                    ),
                ),
                Input::new("cap", cap),
                Input::new(
                    "opening",
                    match &opening_source {
                        Some(cell) => format!("{opening} ({cell})"),
                        None => format!("{opening} (no opening balance given)"),
                    },
                ),
            ],
            value: Some(holdback),
        });
    }
    let net = gross - deductions_total - holdback;
    trace.push(Step {
        figure: "net".into(),
        rule: "pay".into(),
        formula: "gross − deductions − holdback".into(),
        inputs: vec![
            Input::new("gross", gross),
            Input::new("deductions", deductions_total),
            Input::new("holdback", holdback),
        ],
        value: Some(net),
    });
    Payslip {
        lines,
        gross,
        deductions,
        deductions_total,
        unrecovered,
        holdback,
        net,
        risk: RiskAccount {
            cap,
            opening,
            withheld: holdback,
            closing: opening + holdback,
            opening_source,
        },
    }
}

/// Compute every RM's pay from the month's figures. `openings` gives the
/// risk-deposit opening balance per RM id (absent: zero).
pub fn payroll(
    policy: &Policy,
    ledger: &Ledger,
    month: Month,
    openings: &HashMap<String, (Decimal, String)>,
) -> Payroll {
    let Month {
        days,
        rms,
        by_rm,
        clients,
    } = month;
    let mut results = Vec::with_capacity(rms.len());
    for (rm, mut m) in rms.into_iter().zip(by_rm) {
        let (opening, opening_source) = match openings.get(&rm.rm_id) {
            Some((v, cell)) => (*v, Some(cell.clone())),
            None => (Decimal::ZERO, None),
        };
        let pay = payslip(
            policy,
            rm.tier,
            &m.metrics,
            opening,
            opening_source,
            &mut m.trace,
        );
        let flags = flags_for(policy, ledger, &rm, &m, &clients, pay.unrecovered);
        results.push(RmResult {
            pay,
            rm,
            month: m,
            flags,
        });
    }
    let totals = Totals {
        lines: policy
            .pay
            .lines
            .iter()
            .map(|pl| Line {
                rule: pl.id.clone(),
                amount: results
                    .iter()
                    .flat_map(|r| r.pay.lines.iter())
                    .filter(|l| l.rule == pl.id)
                    .map(|l| l.amount)
                    .sum(),
            })
            .collect(),
        gross: results.iter().map(|r| r.pay.gross).sum(),
        deductions: results.iter().map(|r| r.pay.deductions_total).sum(),
        holdback: results.iter().map(|r| r.pay.holdback).sum(),
        net: results.iter().map(|r| r.pay.net).sum(),
    };
    Payroll {
        results,
        totals,
        days,
        clients,
    }
}

fn flags_for(
    policy: &Policy,
    ledger: &Ledger,
    rm: &Rm,
    m: &RmMonth,
    clients: &std::collections::BTreeMap<String, crate::metrics::monthly::ClientMonth>,
    unrecovered: Decimal,
) -> Vec<Flag> {
    let tier = &policy.tiers[rm.tier];
    let mut out = Vec::new();
    for f in &policy.flags {
        // Someone who left before the month is not held to the month's rules.
        if !applies(&f.tiers, rm.tier) || !rm.active {
            continue;
        }
        match &f.kind {
            FlagKind::LoanAboveAuthority => {
                let Some(auth) = tier.loan_authority else {
                    continue;
                };
                for ls in m.loans.iter().filter(|l| l.responsible) {
                    let l = &ledger.loans[ls.loan_ix];
                    let size = l.amount.unwrap_or(l.balance);
                    if size > auth {
                        out.push(Flag {
                            rule: f.id.clone(),
                            check: "loan_above_authority",
                            subject: l.loan_id.clone(),
                            value: Some(size),
                            threshold: Some(auth),
                            cell: Some(ledger.cell_ref(l.src)),
                        });
                    }
                }
            }
            FlagKind::JointSigningRequired { above } => {
                for ls in m.loans.iter().filter(|l| l.responsible) {
                    let l = &ledger.loans[ls.loan_ix];
                    let size = l.amount.unwrap_or(l.balance);
                    if size > *above {
                        out.push(Flag {
                            rule: f.id.clone(),
                            check: "joint_signing_required",
                            subject: l.loan_id.clone(),
                            value: Some(size),
                            threshold: Some(*above),
                            cell: Some(ledger.cell_ref(l.src)),
                        });
                    }
                }
            }
            FlagKind::ClientOutsideBand => {
                let Some(band) = &tier.client_band else {
                    continue;
                };
                for (cid, _) in &m.clients {
                    let Some(c) = clients.get(cid) else { continue };
                    let dep = c.deposit_daily_average;
                    let loans = c.loan_balance;
                    let fits_dep = band
                        .deposits
                        .as_ref()
                        .is_some_and(|r| !(band.ignore_zero && dep.is_zero()) && r.contains(dep));
                    let fits_loan = band.loans.as_ref().is_some_and(|r| {
                        !(band.ignore_zero && loans.is_zero()) && r.contains(loans)
                    });
                    if !(fits_dep || fits_loan) {
                        out.push(Flag {
                            rule: f.id.clone(),
                            check: "client_outside_band",
                            subject: cid.clone(),
                            value: Some(dep.round_dp(2)),
                            threshold: None,
                            cell: None,
                        });
                    }
                }
            }
            FlagKind::DepositBelowBase { ratio } => {
                let limit = rm.base_deposit * ratio;
                if rm.base_deposit > Decimal::ZERO && m.metrics.deposit_daily_average < limit {
                    out.push(Flag {
                        rule: f.id.clone(),
                        check: "deposit_below_base",
                        subject: rm.rm_id.clone(),
                        value: Some(m.metrics.deposit_daily_average.round_dp(2)),
                        threshold: Some(limit),
                        cell: None,
                    });
                }
            }
            FlagKind::CollectionBelow { min } => {
                if let Some(rate) = m.metrics.collection_rate
                    && rate < *min
                {
                    out.push(Flag {
                        rule: f.id.clone(),
                        check: "collection_below",
                        subject: rm.rm_id.clone(),
                        value: Some(rate.round_dp(6)),
                        threshold: Some(*min),
                        cell: None,
                    });
                }
            }
        }
    }
    if unrecovered > Decimal::ZERO {
        out.push(Flag {
            rule: "pay".into(),
            check: "loss_not_recovered",
            subject: rm.rm_id.clone(),
            value: Some(unrecovered),
            threshold: None,
            cell: None,
        });
    }
    out
}
