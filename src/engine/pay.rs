//! Monthly pay: piece-rate lines, loss deductions, the risk-deposit holdback
//! and the month's exceptions. Pure; every figure carries its trace.

use crate::decimal::RoundAway as _;
use crate::diag::{Code, Diagnostic, Location};
use crate::ledger::Ledger;
use crate::metrics::monthly::{ClientMonth, Month, Rm, RmMetrics, RmMonth};
use crate::policy::{FlagKind, HoldbackBase, PayKind, Policy, TierIx};
use crate::text::{self, Lang, Msg};
use crate::trace::{Input, Step};
use chrono::Datelike;
use rust_decimal::Decimal;

/// The deduction line of losses carried from earlier months.
pub const CARRIED_LOSS: &str = "carried_loss";
/// The trace figure of losses not recovered this month, carried to the
/// next (deducted there first, as [`CARRIED_LOSS`]).
pub const LOSS_CARRIED_FORWARD: &str = "loss_carried_forward";

/// The trace rule of prior-period adjustments (`rmpay restate`).
pub const PRIOR_ADJUSTMENT: &str = "prior_period_adjustment";

/// A prior-period adjustment (`rmpay restate`, docs/ARCHIVE.md): on one
/// figure of one RM in a restated month, what was paid (in the version
/// that was paid) and what is due (in the version now in force). Carried
/// in the closing state until the next open month pays or recovers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorAdjustment {
    /// The restated month.
    pub period: String,
    /// The version now in force.
    pub version: u32,
    /// The version that was paid.
    pub paid_version: u32,
    /// Why the month was restated, as given to `restate`.
    pub reason: String,
    /// A pay line or deduction id of the policy, `holdback` (the risk
    /// deposit withheld) or `released` (the risk deposit paid out).
    pub figure: String,
    pub paid: Decimal,
    pub due: Decimal,
    /// What the RM is owed (+, 补发) or owes (−, 扣回): due − paid for a
    /// pay line or a release, paid − due for a deduction or the holdback.
    pub amount: Decimal,
}

impl PriorAdjustment {
    /// How `amount` follows from `paid` and `due`.
    pub fn formula(&self) -> &'static str {
        if self.adds() {
            "due − paid"
        } else {
            "paid − due"
        }
    }

    /// Whether the figure adds to what the RM receives (a pay line, a
    /// release) rather than taking from it (a deduction, the holdback).
    pub fn adds(&self) -> bool {
        !(self.figure == "holdback" || self.figure.starts_with("deduction:"))
    }
}

/// One pay line of one RM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The policy's pay line id.
    pub rule: String,
    pub amount: Decimal,
}

/// A text built in each language by `f`.
fn both(f: impl Fn(Lang) -> String) -> Msg {
    Msg::new(f(Lang::Zh), f(Lang::En))
}

/// Why money moved in or out of a risk-deposit account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovementKind {
    /// Withheld from the month's income.
    Withheld,
    /// Paid out because a tier change lowered the cap below the balance.
    ExcessReleased,
    /// Used to pay losses found before release.
    LossOffset,
    /// Returned to the RM after leaving or transferring.
    Released,
}

impl MovementKind {
    pub fn id(self) -> &'static str {
        match self {
            MovementKind::Withheld => "withheld",
            MovementKind::ExcessReleased => "excess_released",
            MovementKind::LossOffset => "loss_offset",
            MovementKind::Released => "released",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    pub kind: MovementKind,
    pub amount: Decimal,
    /// Why, in words of both languages, with the figures it rests on
    /// (the rate, the cap, the losses, the months): the pay JSON and
    /// `explain` show it in the output's language.
    pub reason: Msg,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskAccount {
    pub cap: Option<Decimal>,
    pub opening: Decimal,
    pub withheld: Decimal,
    /// Paid from the balance against losses.
    pub offset: Decimal,
    /// Paid out to the RM (release, or excess over a lowered cap).
    pub released: Decimal,
    pub closing: Decimal,
    pub movements: Vec<Movement>,
    /// Where the opening balance came from.
    pub opening_source: OpeningSource,
    /// The deposit was released in an earlier month.
    pub released_before: bool,
}

/// Where an RM's opening state came from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum OpeningSource {
    /// Nothing given: zero.
    #[default]
    None,
    /// The ledger's `risk_accounts` sheet (first period only), with its cell.
    Ledger(String),
    /// The closing state of an archived period.
    Archive(crate::period::Period),
}

impl std::fmt::Display for OpeningSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpeningSource::None => write!(f, "no opening balance given"),
            OpeningSource::Ledger(cell) => write!(f, "{cell}"),
            OpeningSource::Archive(p) => write!(f, "closing balance of {p}"),
        }
    }
}

/// Year-to-date figures of an RM, carried between closed periods and reset
/// in January.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ytd {
    pub year: i32,
    /// Months of the year computed so far.
    pub months: u32,
    pub gross: Decimal,
    pub deductions: Decimal,
    pub holdback: Decimal,
    pub net: Decimal,
    pub released: Decimal,
    /// Σ of the months' balance-day sums (each RM's share of every day's
    /// balances, exact): ÷ `days` gives the year-to-date daily average.
    pub deposit_day_sum: Decimal,
    pub days: u32,
}

impl Ytd {
    /// The year-to-date daily-average deposits.
    pub fn deposit_daily_average(&self) -> Decimal {
        if self.days == 0 {
            Decimal::ZERO
        } else {
            self.deposit_day_sum / Decimal::from(self.days)
        }
    }

    /// These figures plus one more month (a new year starts from zero).
    pub fn add(
        prev: Option<&Ytd>,
        period: crate::period::Period,
        pay: &Payslip,
        deposit_day_sum: Decimal,
        days: u32,
    ) -> Ytd {
        let mut y = match prev {
            Some(p) if p.year == period.year => p.clone(),
            _ => Ytd {
                year: period.year,
                ..Ytd::default()
            },
        };
        y.months += 1;
        y.gross += pay.gross;
        y.deductions += pay.deductions_total;
        y.holdback += pay.holdback;
        y.net += pay.net;
        y.released += pay.released;
        // The exact balance-day sum: never the month's average (a
        // quotient, rounded at 28 digits) multiplied back by its days.
        y.deposit_day_sum += deposit_day_sum;
        y.days += days;
        y
    }
}

/// What an RM brings into the month from the month before.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Opening {
    pub risk_balance: Decimal,
    pub source: OpeningSource,
    /// Losses not yet recovered from pay.
    pub pending_loss: Decimal,
    /// The tier last month, to see a tier change.
    pub previous_tier: Option<String>,
    /// The risk deposit was already released after leaving.
    pub released: bool,
    /// Consecutive months each flag rule held, by rule id.
    pub counters: std::collections::BTreeMap<String, u32>,
    /// Year-to-date figures through the month before.
    pub ytd: Option<Ytd>,
    /// The day the RM left, kept until the deposit is released (art. 25),
    /// whether or not later ledgers list the RM.
    pub left_on: Option<chrono::NaiveDate>,
    /// The RM's name as last seen on a roster (for a leaver's release in a
    /// month whose ledger no longer lists them).
    pub name: Option<String>,
    /// Prior-period adjustments to pay or recover this month.
    pub adjustments: Vec<PriorAdjustment>,
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
    /// Losses (carried and this month's) beyond the month's gross, not
    /// taken this month.
    pub unrecovered: Decimal,
    pub holdback: Decimal,
    pub net: Decimal,
    /// Risk deposit paid out this month (not part of `net`).
    pub released: Decimal,
    /// What the RM receives: net + released.
    pub payout: Decimal,
    pub risk: RiskAccount,
    /// Losses still to recover after this month (carried forward).
    pub pending_loss: Decimal,
    /// Prior-period adjustments of the month, as owed (each `amount`).
    pub adjustments: Vec<PriorAdjustment>,
    /// Σ adjustments applied to net: never below −(net before them).
    pub adjustments_total: Decimal,
    /// The part of a recovery (扣回) that net pay could not cover, carried
    /// forward with the losses still owed (in `pending_loss`).
    pub adjustment_carried: Decimal,
    /// Pay lines that could not be computed because a figure was too large
    /// (`too-large` errors, placed in the ledger by the pipeline: the run
    /// stops).
    pub overflow: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmResult {
    pub rm: Rm,
    pub month: RmMonth,
    pub pay: Payslip,
    pub flags: Vec<Flag>,
    /// Consecutive months each flag rule held, through this month.
    pub counters: std::collections::BTreeMap<String, u32>,
    /// Year-to-date figures through this month.
    pub ytd: Ytd,
    /// The day the RM left, when the ledger says they have.
    pub left_on: Option<chrono::NaiveDate>,
}

/// A leaver whom the month's ledger no longer lists, whose risk deposit
/// falls due this month (art. 25): released from the carried state, with
/// the losses still owed paid from it first. Nothing else is paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffRoster {
    pub rm_id: String,
    /// The name as last seen on a roster, if the state kept it.
    pub name: Option<String>,
    /// The tier id as last seen.
    pub tier: Option<String>,
    pub left_on: chrono::NaiveDate,
    /// Zero pay lines, gross and net; the release and the total paid.
    pub pay: Payslip,
    pub trace: Vec<Step>,
    pub counters: std::collections::BTreeMap<String, u32>,
    pub ytd: Option<Ytd>,
    /// Prior-period adjustments carried in: not paid with the release,
    /// kept owed in the closing state.
    pub adjustments: Vec<PriorAdjustment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Per pay line id, in policy order.
    pub lines: Vec<Line>,
    pub gross: Decimal,
    pub deductions: Decimal,
    pub holdback: Decimal,
    pub net: Decimal,
    pub released: Decimal,
    pub payout: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payroll {
    pub results: Vec<RmResult>,
    /// RMs carried in the opening state but absent from this ledger: their
    /// state passes through unchanged.
    pub carried: Vec<(String, Opening)>,
    /// Leavers absent from this ledger whose risk deposit is released this
    /// month; in the totals' released and total paid.
    pub off_roster: Vec<OffRoster>,
    pub totals: Totals,
    pub days: u32,
    pub clients: crate::metrics::monthly::ClientMap,
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
    opening: &Opening,
    release_due: bool,
    left_before: Option<chrono::NaiveDate>,
    trace: &mut Vec<Step>,
) -> Payslip {
    let money = policy.settings.money;
    let tier = &policy.tiers[tier_ix];
    let mut lines = Vec::new();
    let mut overflow = Vec::new();
    for pl in &policy.pay.lines {
        if !applies(&pl.tiers, tier_ix) {
            continue;
        }
        let (amount, step) = match &pl.kind {
            PayKind::Rate { metric, per, rate } => {
                let Some(r) = rate.get(tier_ix) else { continue };
                // A ratio without its denominator (`deposit_to_base` with
                // no base, …) has no figure: nothing is paid, and the trace
                // says so rather than showing a figure of 0.
                let figure = metrics.get(*metric);
                let v = figure.unwrap_or(Decimal::ZERO);
                let Some(exact) = v.checked_div(*per).and_then(|x| x.checked_mul(r)) else {
                    overflow.push(Diagnostic::error(
                        Location::None,
                        Code::TooLarge,
                        crate::text::run::pay_line_too_large(&pl.id, metric, v, per, r),
                    ));
                    continue;
                };
                let amount = money.apply(exact);
                let formula = if figure.is_none() {
                    format!("no figure for `{metric}` this month: nothing paid")
                } else if *per == Decimal::ONE {
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
                            Input::new(
                                metric.id(),
                                figure.map_or("—".into(), crate::trace::figure_text),
                            ),
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
                // A fixed amount is paid per person per month (Policy B
                // art. 12: "每人每月"): not to someone the ledger lists as
                // having left before the month began.
                if let Some(left) = left_before {
                    let zero = money.apply(Decimal::ZERO);
                    (
                        zero,
                        Step {
                            figure: pl.id.clone(),
                            rule: pl.id.clone(),
                            formula: format!(
                                "left before the month began (left_on {left}): nothing paid"
                            ),
                            inputs: vec![Input::new("tier", &tier.id), Input::new("left_on", left)],
                            value: Some(zero),
                        },
                    )
                } else {
                    let a = money.apply(a);
                    (
                        a,
                        Step {
                            figure: pl.id.clone(),
                            rule: pl.id.clone(),
                            formula: format!("fixed amount for tier `{}`", tier.id),
                            // The amount itself, so that the step
                            // recomputes from its own inputs.
                            inputs: vec![Input::new("tier", &tier.id), Input::new("amount", a)],
                            value: Some(a),
                        },
                    )
                }
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

    // Deductions, never more than the month's gross in total: losses
    // carried from earlier months first, then this month's.
    let mut deductions = Vec::new();
    let mut room = gross.max(Decimal::ZERO);
    let mut unrecovered = Decimal::ZERO;
    // Each deduction not taken in full: (id, due, taken), for the step of
    // the losses carried forward.
    let mut short: Vec<(String, Decimal, Decimal)> = Vec::new();
    if opening.pending_loss > Decimal::ZERO {
        let applied = opening.pending_loss.min(room);
        room -= applied;
        unrecovered += opening.pending_loss - applied;
        if applied < opening.pending_loss {
            short.push((CARRIED_LOSS.into(), opening.pending_loss, applied));
        }
        trace.push(Step {
            figure: CARRIED_LOSS.into(),
            rule: CARRIED_LOSS.into(),
            formula: "min(losses not recovered in earlier months, gross left)".into(),
            inputs: vec![
                Input::new("carried losses", opening.pending_loss),
                Input::new("carried from", opening.source.to_string()),
                Input::new("gross left", applied + room),
            ],
            value: Some(applied),
        });
        deductions.push(Line {
            rule: CARRIED_LOSS.into(),
            amount: applied,
        });
    }
    for d in &policy.pay.deductions {
        // As for a pay line: no figure deducts nothing, and says so.
        let figure = metrics.get(d.metric);
        let v = figure.unwrap_or(Decimal::ZERO);
        let wanted = money
            .apply(v.checked_mul(d.share).unwrap_or(v))
            .max(Decimal::ZERO);
        let applied = wanted.min(room);
        room -= applied;
        unrecovered += wanted - applied;
        if applied < wanted {
            short.push((d.id.clone(), wanted, applied));
        }
        if figure.is_none() {
            trace.push(Step {
                figure: d.id.clone(),
                rule: d.id.clone(),
                formula: format!("no figure for `{}` this month: nothing deducted", d.metric),
                inputs: vec![Input::new(d.metric.id(), "—")],
                value: None,
            });
        }
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
                Input::new(d.metric.id(), v),
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
    if !deductions.is_empty() {
        trace.push(Step {
            figure: "deductions".into(),
            rule: "pay".into(),
            formula: "Σ deductions".into(),
            inputs: deductions
                .iter()
                .map(|l| Input::new(&l.rule, l.amount))
                .collect(),
            value: Some(deductions_total),
        });
    }

    let risk = risk_month(
        policy,
        tier_ix,
        opening,
        gross - deductions_total,
        gross,
        unrecovered,
        release_due,
        trace,
    );
    let holdback = risk.withheld;
    let before = gross - deductions_total - holdback;
    let (adjustments_total, adjustment_carried) =
        prior_adjustments(&opening.adjustments, before, trace);
    let pending_loss = unrecovered - risk.offset + adjustment_carried;
    if pending_loss > Decimal::ZERO {
        // What is carried to the next month, line by line: each deduction's
        // due − taken, less what the risk deposit paid, plus a recovery
        // net pay could not cover; the next month deducts it first
        // (`carried_loss`).
        let mut inputs: Vec<Input> = short
            .iter()
            .map(|(id, due, taken)| Input::new(id, format!("{due} − {taken}")))
            .collect();
        let mut formula = "Σ (deduction due − deducted)".to_string();
        if !risk.offset.is_zero() {
            inputs.push(Input::new("risk_loss_offset", risk.offset));
            formula.push_str(" − risk_loss_offset");
        }
        if !adjustment_carried.is_zero() {
            inputs.push(Input::new("adjustment_carried", adjustment_carried));
            formula.push_str(" + adjustment_carried");
        }
        trace.push(Step {
            figure: LOSS_CARRIED_FORWARD.into(),
            rule: short
                .first()
                .map(|(id, _, _)| id.clone())
                .unwrap_or_else(|| CARRIED_LOSS.into()),
            formula,
            inputs,
            value: Some(pending_loss),
        });
    }
    let net = before + adjustments_total;
    let mut inputs = vec![
        Input::new("gross", gross),
        Input::new("deductions", deductions_total),
        Input::new("holdback", holdback),
    ];
    let formula = if opening.adjustments.is_empty() {
        "gross − deductions − holdback"
    } else {
        inputs.push(Input::new("adjustments", adjustments_total));
        "gross − deductions − holdback + adjustments"
    };
    trace.push(Step {
        figure: "net".into(),
        rule: "pay".into(),
        formula: formula.into(),
        inputs,
        value: Some(net),
    });
    if !risk.released.is_zero() {
        trace.push(Step {
            figure: "payout".into(),
            rule: "pay".into(),
            formula: "net + released".into(),
            inputs: vec![
                Input::new("net", net),
                Input::new("released", risk.released),
            ],
            value: Some(net + risk.released),
        });
    }
    Payslip {
        lines,
        gross,
        deductions,
        deductions_total,
        unrecovered,
        holdback,
        net,
        released: risk.released,
        payout: net + risk.released,
        risk,
        pending_loss,
        adjustments: opening.adjustments.clone(),
        adjustments_total,
        adjustment_carried,
        overflow,
    }
}

/// The prior-period adjustments of a month (`rmpay restate`): each with
/// its trace (paid in one version, due in the other, the reason), then
/// their sum applied to net, never below −`net` (a recovery cannot make
/// net pay negative): the rest is carried forward with the losses still
/// owed. Returns (applied, carried).
fn prior_adjustments(
    adjustments: &[PriorAdjustment],
    net: Decimal,
    trace: &mut Vec<Step>,
) -> (Decimal, Decimal) {
    if adjustments.is_empty() {
        return (Decimal::ZERO, Decimal::ZERO);
    }
    for a in adjustments {
        trace.push(Step {
            figure: format!("adjustment {} v{} {}", a.period, a.version, a.figure),
            rule: PRIOR_ADJUSTMENT.into(),
            formula: a.formula().into(),
            inputs: vec![
                Input::new(format!("paid in {} v{}", a.period, a.paid_version), a.paid),
                Input::new(format!("due in {} v{}", a.period, a.version), a.due),
                Input::new("reason", &a.reason),
            ],
            value: Some(a.amount),
        });
    }
    let owed: Decimal = adjustments.iter().map(|a| a.amount).sum();
    let mut applied = owed.max(-net.max(Decimal::ZERO));
    // Nothing recovered from a net of 0.00 is 0.00, not −0.00 (the
    // negation of a zero keeps its sign in `Decimal`).
    if applied.is_zero() {
        applied.set_sign_positive(true);
    }
    let carried = applied - owed;
    trace.push(Step {
        figure: "adjustments".into(),
        rule: PRIOR_ADJUSTMENT.into(),
        formula: "max(Σ adjustments, −net before adjustments)".into(),
        inputs: vec![
            Input::new("Σ adjustments", owed),
            Input::new("net before adjustments", net),
        ],
        value: Some(applied),
    });
    if !carried.is_zero() {
        trace.push(Step {
            figure: "adjustment_carried".into(),
            rule: PRIOR_ADJUSTMENT.into(),
            formula: "adjustments applied − Σ adjustments (carried with the losses still owed)"
                .into(),
            inputs: vec![
                Input::new("adjustments applied", applied),
                Input::new("Σ adjustments", owed),
            ],
            value: Some(carried),
        });
    }
    (applied, carried)
}

/// The risk-deposit account through one month (Policy A art. 25(2) and the
/// policy's `[risk_deposit]` settings): a lowered cap, the withholding, and
/// the release after leaving with losses paid first.
#[allow(clippy::too_many_arguments)]
fn risk_month(
    policy: &Policy,
    tier_ix: TierIx,
    opening: &Opening,
    after_deductions: Decimal,
    gross: Decimal,
    losses: Decimal,
    release_due: bool,
    trace: &mut Vec<Step>,
) -> RiskAccount {
    let money = policy.settings.money;
    let tier = &policy.tiers[tier_ix];
    let cap = tier.risk_deposit_cap;
    let mut acct = RiskAccount {
        cap,
        opening: opening.risk_balance,
        withheld: Decimal::ZERO,
        offset: Decimal::ZERO,
        released: Decimal::ZERO,
        closing: opening.risk_balance,
        movements: Vec::new(),
        opening_source: opening.source.clone(),
        released_before: opening.released,
    };
    let Some(rd) = &policy.risk_deposit else {
        return acct;
    };
    let mut balance = opening.risk_balance;
    // A cap in a reason: in Chinese as an amount of money (`10,000.00`),
    // in English as the policy writes it.
    let cap_words = |cap: Decimal, l: Lang| match l {
        Lang::Zh => {
            let mut c = cap;
            c.rescale(money.scale);
            text::archive::amount(c, l)
        }
        Lang::En => cap.to_string(),
    };

    // A tier change that lowers the cap below the balance.
    if let (Some(cap), Some(prev)) = (cap, &opening.previous_tier)
        && *prev != tier.id
        && balance > cap
        && rd.lowered_cap == crate::policy::LoweredCap::ReleaseExcess
        && !release_due
    {
        let excess = balance - cap;
        balance = cap;
        acct.released += excess;
        // The tiers by the policy's names in Chinese (a tier no longer in
        // the policy by its id), by their ids in English.
        let tier_name = |id: &str, l: Lang| match l {
            Lang::Zh => policy
                .tier_by_id(id)
                .map_or(id.to_string(), |t| policy.tiers[t].name.clone()),
            Lang::En => id.to_string(),
        };
        acct.movements.push(Movement {
            kind: MovementKind::ExcessReleased,
            amount: excess,
            reason: both(|l| {
                text::move_cap_lowered(
                    l,
                    tier_name(prev, l),
                    tier_name(&tier.id, l),
                    &rd.name,
                    cap_words(cap, l),
                )
            }),
        });
        trace.push(Step {
            figure: "risk_excess_released".into(),
            rule: rd.rule.clone(),
            formula: "opening − new cap (lowered_cap = release_excess)".into(),
            inputs: vec![
                Input::new("opening", opening.risk_balance),
                Input::new("cap", cap),
            ],
            value: Some(excess),
        });
    }

    // Withholding, up to the cap.
    if let Some(cap) = cap
        && !release_due
    {
        let base = match rd.base {
            HoldbackBase::Gross => gross,
            HoldbackBase::AfterDeductions => after_deductions,
        }
        .max(Decimal::ZERO);
        let before = balance;
        let wanted = money.apply(base * rd.rate);
        let space = (cap - balance).max(Decimal::ZERO);
        let withheld = wanted.min(space);
        balance += withheld;
        acct.withheld = withheld;
        if !withheld.is_zero() {
            acct.movements.push(Movement {
                kind: MovementKind::Withheld,
                amount: withheld,
                reason: both(|l| {
                    let rate = match l {
                        Lang::Zh => text::policy::percent(rd.rate),
                        Lang::En => rd.rate.normalize().to_string(),
                    };
                    if withheld < wanted {
                        text::move_withheld_to_cap(l, rate, &rd.name, cap_words(cap, l))
                    } else {
                        text::move_withheld(l, rate, &rd.name)
                    }
                }),
            });
        }
        // The inputs are the figures the formula reads, as they stood
        // before withholding; where the balance came from is said apart.
        let mut inputs = vec![Input::new("gross", gross)];
        let base_expr = match rd.base {
            HoldbackBase::Gross => "gross",
            HoldbackBase::AfterDeductions => {
                inputs.push(Input::new("deductions", gross - after_deductions));
                "gross − deductions"
            }
        };
        inputs.push(Input::new("cap", cap));
        inputs.push(Input::new("balance", before));
        inputs.push(Input::new(
            "balance from",
            if before == opening.risk_balance {
                format!("opening balance: {}", opening.source)
            } else {
                format!(
                    "opening balance {} ({}) less the excess released",
                    opening.risk_balance, opening.source
                )
            },
        ));
        trace.push(Step {
            figure: "holdback".into(),
            rule: rd.rule.clone(),
            formula: format!(
                "min(round({} × max({base_expr}, 0), {}), max(cap − balance, 0))",
                rd.rate.normalize(),
                money.scale
            ),
            inputs,
            value: Some(withheld),
        });
    }

    // Release after leaving: losses first, the rest to the RM.
    if release_due {
        balance = release(rd, balance, losses, None, &mut acct, trace);
    }
    acct.closing = balance;
    acct
}

/// The release after leaving (art. 25): losses still owed are paid from the
/// balance first (`loss_offset`), the rest is returned (`released`). Pushes
/// the movements and their traces; returns the balance left (zero).
/// `off_roster`: the leaving date of an RM the month's ledger no longer
/// lists, which the release's reason names.
fn release(
    rd: &crate::policy::RiskDeposit,
    balance: Decimal,
    losses: Decimal,
    off_roster: Option<chrono::NaiveDate>,
    acct: &mut RiskAccount,
    trace: &mut Vec<Step>,
) -> Decimal {
    if balance <= Decimal::ZERO && losses <= Decimal::ZERO {
        return balance;
    }
    let offset = balance.min(losses).max(Decimal::ZERO);
    let returned = balance - offset;
    acct.offset += offset;
    if !offset.is_zero() {
        acct.movements.push(Movement {
            kind: MovementKind::LossOffset,
            amount: offset,
            reason: both(|l| {
                text::move_losses_offset(l, &rd.name, text::archive::amount(losses, l))
            }),
        });
        trace.push(Step {
            figure: "risk_loss_offset".into(),
            rule: rd.rule.clone(),
            formula: "min(balance, losses)".into(),
            inputs: vec![Input::new("balance", balance), Input::new("losses", losses)],
            value: Some(offset),
        });
    }
    acct.released += returned;
    acct.movements.push(Movement {
        kind: MovementKind::Released,
        amount: returned,
        reason: both(|l| {
            text::move_released(
                l,
                rd.release_after_months,
                if offset.is_zero() {
                    text::move_no_loss(l)
                } else {
                    ""
                },
                off_roster.map_or(String::new(), |d| text::move_off_roster(l, d)),
            )
        }),
    });
    trace.push(Step {
        figure: "risk_released".into(),
        rule: rd.rule.clone(),
        formula: "balance − min(balance, losses)".into(),
        inputs: vec![Input::new("balance", balance), Input::new("losses", losses)],
        value: Some(returned),
    });
    Decimal::ZERO
}

/// Is the risk deposit of someone who left on `left_on` due for release
/// in `period`?
pub fn release_due(
    policy: &Policy,
    left_on: Option<chrono::NaiveDate>,
    period: crate::period::Period,
) -> bool {
    let (Some(left), Some(rd)) = (left_on, &policy.risk_deposit) else {
        return false;
    };
    left.checked_add_months(chrono::Months::new(rd.release_after_months))
        .is_some_and(|due| due <= period.last_day())
}

/// `work` on each RM of `items`, on every core when there are enough
/// (a city bank's thousand RMs' band checks read 666,667 clients), in
/// fixed chunks whose results are put back in the order of `items`.
fn each_rm(
    items: Vec<(Rm, RmMonth)>,
    work: &(dyn Fn(Rm, RmMonth) -> RmResult + Sync),
) -> Vec<RmResult> {
    const MIN_PER_THREAD: usize = 64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores
        .min(crate::par::MAX_THREADS)
        .min(items.len() / MIN_PER_THREAD)
        .max(1);
    if threads < 2 {
        return items.into_iter().map(|(rm, m)| work(rm, m)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut parts: Vec<Vec<(Rm, RmMonth)>> = Vec::with_capacity(threads);
    let mut items = items.into_iter();
    loop {
        let part: Vec<(Rm, RmMonth)> = items.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    let run = |part: Vec<(Rm, RmMonth)>| -> Vec<RmResult> {
        part.into_iter().map(|(rm, m)| work(rm, m)).collect()
    };
    std::thread::scope(|s| {
        let mut parts = parts.into_iter();
        let first = parts.next().unwrap_or_default();
        let rest: Vec<_> = parts.map(|p| s.spawn(move || run(p))).collect();
        let mut out = run(first);
        for h in rest {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Compute every RM's pay from the month's figures. `openings` gives what
/// each RM brings into the month (absent: nothing).
pub fn payroll(
    policy: &Policy,
    ledger: &Ledger,
    month: Month,
    openings: &std::collections::BTreeMap<String, Opening>,
) -> Payroll {
    let Month {
        days,
        rms,
        by_rm,
        clients,
    } = month;
    let none = Opening::default();
    // The clients in id order, for the band checks: each RM's month says
    // where its clients are (`RmClient::pos`), so no client is looked up by
    // id (a search of the sorted map by string comparisons was about a
    // second of a month of 666,667 clients).
    let client_list: Vec<&ClientMonth> = if policy
        .flags
        .iter()
        .any(|f| matches!(f.kind, FlagKind::ClientOutsideBand))
    {
        clients.values().collect()
    } else {
        Vec::new()
    };
    // Each RM's pay, flags and year to date are its own: worked out on
    // every core in fixed chunks of the register, and put back in its
    // order, so the split changes nothing.
    let work = |rm: Rm, mut m: RmMonth| -> RmResult {
        let opening = openings.get(&rm.rm_id).unwrap_or(&none);
        let manager = &ledger.managers[rm.ix];
        let left_on = if manager.status == crate::ledger::Status::Left {
            manager.left_on
        } else {
            None
        };
        let due = !opening.released && release_due(policy, left_on, ledger.period);
        // Someone who left before the month began (`Rm::active` false).
        let left_before = if rm.active { None } else { left_on };
        let pay = payslip(
            policy,
            rm.tier,
            &m.metrics,
            opening,
            due,
            left_before,
            &mut m.trace,
        );
        let (flags, counters) = flags_for(
            policy,
            ledger,
            &rm,
            &m,
            &client_list,
            pay.pending_loss,
            &opening.counters,
        );
        let ytd = Ytd::add(
            opening.ytd.as_ref(),
            ledger.period,
            &pay,
            m.metrics.deposit_day_sum,
            days,
        );
        RmResult {
            pay,
            rm,
            month: m,
            flags,
            counters,
            ytd,
            left_on,
        }
    };
    let mut results = each_rm(rms.into_iter().zip(by_rm).collect(), &work);
    plausibility(policy, &mut results);
    let in_ledger: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r.rm.rm_id.as_str()).collect();
    let mut carried = Vec::new();
    let mut off_roster = Vec::new();
    for (id, o) in openings
        .iter()
        .filter(|(id, _)| !in_ledger.contains(id.as_str()))
    {
        match off_roster_release(policy, id, o, ledger.period) {
            Some(r) => off_roster.push(r),
            None => carried.push((id.clone(), o.clone())),
        }
    }
    let off_released: Decimal = off_roster.iter().map(|r| r.pay.released).sum();
    let off_payout: Decimal = off_roster.iter().map(|r| r.pay.payout).sum();
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
        released: results.iter().map(|r| r.pay.released).sum::<Decimal>() + off_released,
        payout: results.iter().map(|r| r.pay.payout).sum::<Decimal>() + off_payout,
    };
    Payroll {
        results,
        carried,
        off_roster,
        totals,
        days,
        clients,
    }
}

/// The policy's plausibility limits: a gross that looks wrong puts the RM
/// on the exceptions sheet for the checker, with a trace step giving the
/// comparison and its inputs; pay is unchanged and the run goes on. RMs who
/// left before the month are not checked (as with every flag), nor do they
/// count towards a tier's median.
fn plausibility(policy: &Policy, results: &mut [RmResult]) {
    for f in &policy.flags {
        match &f.kind {
            FlagKind::GrossAbove { above } => {
                for r in results.iter_mut() {
                    if !applies(&f.tiers, r.rm.tier) || !r.rm.active || r.pay.gross <= *above {
                        continue;
                    }
                    r.month.trace.push(Step {
                        figure: "gross_above".into(),
                        rule: f.id.clone(),
                        formula: "gross > above".into(),
                        inputs: vec![Input::new("gross", r.pay.gross), Input::new("above", above)],
                        value: Some(r.pay.gross),
                    });
                    r.flags.push(Flag {
                        rule: f.id.clone(),
                        check: "gross_above",
                        subject: r.rm.rm_id.clone(),
                        value: Some(r.pay.gross),
                        threshold: Some(*above),
                        cell: None,
                    });
                }
            }
            FlagKind::GrossAboveTierMedian { times } => {
                // Each tier's active RMs' gross, in result (ledger) order.
                let mut by_tier: std::collections::BTreeMap<TierIx, Vec<(String, Decimal)>> =
                    std::collections::BTreeMap::new();
                for r in results.iter().filter(|r| r.rm.active) {
                    if applies(&f.tiers, r.rm.tier) {
                        by_tier
                            .entry(r.rm.tier)
                            .or_default()
                            .push((r.rm.rm_id.clone(), r.pay.gross));
                    }
                }
                let medians: std::collections::BTreeMap<TierIx, Decimal> = by_tier
                    .iter()
                    .map(|(t, g)| (*t, median(g.iter().map(|(_, v)| *v))))
                    .collect();
                for r in results.iter_mut() {
                    if !applies(&f.tiers, r.rm.tier) || !r.rm.active {
                        continue;
                    }
                    let Some(&med) = medians.get(&r.rm.tier) else {
                        continue;
                    };
                    let Some(limit) = times.checked_mul(med).map(|l| l.normalize()) else {
                        continue;
                    };
                    if med <= Decimal::ZERO || r.pay.gross <= limit {
                        continue;
                    }
                    let mut inputs = vec![
                        Input::new("gross", r.pay.gross),
                        Input::new("times", times),
                        Input::new("tier_median_gross", med),
                    ];
                    for (id, g) in by_tier.get(&r.rm.tier).into_iter().flatten() {
                        inputs.push(Input::new(format!("gross {id}"), g));
                    }
                    r.month.trace.push(Step {
                        figure: "gross_above_tier_median".into(),
                        rule: f.id.clone(),
                        formula: format!(
                            "gross > times × median(gross of the tier's active RMs) = {limit}"
                        ),
                        inputs,
                        value: Some(r.pay.gross),
                    });
                    r.flags.push(Flag {
                        rule: f.id.clone(),
                        check: "gross_above_tier_median",
                        subject: r.rm.rm_id.clone(),
                        value: Some(r.pay.gross),
                        threshold: Some(limit),
                        cell: None,
                    });
                }
            }
            _ => {}
        }
    }
}

/// The median of a non-empty list: the middle value, or the mean of the two
/// middle values (exact). Zero for an empty list.
fn median(values: impl Iterator<Item = Decimal>) -> Decimal {
    let mut v: Vec<Decimal> = values.collect();
    v.sort();
    let n = v.len();
    match n {
        0 => Decimal::ZERO,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / Decimal::TWO,
    }
}

/// The release of a leaver absent from the month's ledger, if it falls
/// due this month (or fell due in an earlier month and was not made).
fn off_roster_release(
    policy: &Policy,
    rm_id: &str,
    o: &Opening,
    period: crate::period::Period,
) -> Option<OffRoster> {
    let rd = policy.risk_deposit.as_ref()?;
    let left_on = o.left_on?;
    // Nothing to release or offset: nothing to show either (the RM stays
    // carried, as an RM who had no deposit).
    if o.released
        || !release_due(policy, Some(left_on), period)
        || (o.risk_balance <= Decimal::ZERO && o.pending_loss <= Decimal::ZERO)
    {
        return None;
    }
    let cap = o
        .previous_tier
        .as_deref()
        .and_then(|t| policy.tier_by_id(t))
        .and_then(|t| policy.tiers[t].risk_deposit_cap);
    let mut acct = RiskAccount {
        cap,
        opening: o.risk_balance,
        withheld: Decimal::ZERO,
        offset: Decimal::ZERO,
        released: Decimal::ZERO,
        closing: o.risk_balance,
        movements: Vec::new(),
        opening_source: o.source.clone(),
        released_before: false,
    };
    let mut trace = Vec::new();
    acct.closing = release(
        rd,
        o.risk_balance,
        o.pending_loss,
        Some(left_on),
        &mut acct,
        &mut trace,
    );
    // Where the balance and the losses come from: the carried state.
    for step in &mut trace {
        step.inputs.push(Input::new(
            "balance and losses from",
            format!("{} (risk balance, losses not yet recovered)", o.source),
        ));
    }
    let released = acct.released;
    trace.push(Step {
        figure: "payout".into(),
        rule: "pay".into(),
        formula: "net + released".into(),
        inputs: vec![
            Input::new("net", Decimal::ZERO),
            Input::new("released", released),
        ],
        value: Some(released),
    });
    let ytd = o.ytd.as_ref().map(|y| {
        let mut y = if y.year == period.year {
            y.clone()
        } else {
            Ytd {
                year: period.year,
                ..Ytd::default()
            }
        };
        y.released += released;
        y
    });
    let pending_loss = o.pending_loss - acct.offset;
    Some(OffRoster {
        rm_id: rm_id.to_string(),
        name: o.name.clone(),
        tier: o.previous_tier.clone(),
        left_on,
        pay: Payslip {
            lines: Vec::new(),
            gross: Decimal::ZERO,
            deductions: Vec::new(),
            deductions_total: Decimal::ZERO,
            unrecovered: o.pending_loss,
            holdback: Decimal::ZERO,
            net: Decimal::ZERO,
            released,
            payout: released,
            risk: acct,
            pending_loss,
            adjustments: Vec::new(),
            adjustments_total: Decimal::ZERO,
            adjustment_carried: Decimal::ZERO,
            overflow: Vec::new(),
        },
        trace,
        counters: o.counters.clone(),
        ytd,
        adjustments: o.adjustments.clone(),
    })
}

fn flags_for(
    policy: &Policy,
    ledger: &Ledger,
    rm: &Rm,
    m: &RmMonth,
    clients: &[&ClientMonth],
    unrecovered: Decimal,
    previous: &std::collections::BTreeMap<String, u32>,
) -> (Vec<Flag>, std::collections::BTreeMap<String, u32>) {
    let tier = &policy.tiers[rm.tier];
    let mut out = Vec::new();
    let mut counters = std::collections::BTreeMap::new();
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
                for rc in &m.clients {
                    let Some(c) = clients.get(rc.pos as usize) else {
                        continue;
                    };
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
                            subject: c.client_id.clone(),
                            value: Some(dep.round_away(2)),
                            threshold: None,
                            cell: None,
                        });
                    }
                }
            }
            FlagKind::DepositBelowBase { ratio, months } => {
                let limit = rm.base_deposit * ratio;
                let below =
                    rm.base_deposit > Decimal::ZERO && m.metrics.deposit_daily_average < limit;
                let run = if below {
                    previous.get(&f.id).copied().unwrap_or(0) + 1
                } else {
                    0
                };
                counters.insert(f.id.clone(), run);
                if below && run >= *months {
                    out.push(Flag {
                        rule: f.id.clone(),
                        check: if *months > 1 {
                            "deposit_below_base_consecutive"
                        } else {
                            "deposit_below_base"
                        },
                        subject: rm.rm_id.clone(),
                        value: Some(if *months > 1 {
                            Decimal::from(run)
                        } else {
                            m.metrics.deposit_daily_average.round_away(2)
                        }),
                        threshold: Some(if *months > 1 {
                            Decimal::from(*months)
                        } else {
                            limit
                        }),
                        cell: None,
                    });
                }
            }
            FlagKind::NewLoanCollectionBelow { min } => {
                for ls in m.loans.iter().filter(|l| l.responsible) {
                    let l = &ledger.loans[ls.loan_ix];
                    let this_year = l
                        .disbursed_on
                        .is_some_and(|d| d.year() == ledger.period.year);
                    let rate = if l.interest_due.is_zero() {
                        None
                    } else {
                        l.interest_received.checked_div(l.interest_due)
                    };
                    if let (true, Some(rate)) = (this_year, rate)
                        && rate < *min
                    {
                        out.push(Flag {
                            rule: f.id.clone(),
                            check: "new_loan_collection_below",
                            subject: l.loan_id.clone(),
                            value: Some(rate.round_away(6)),
                            threshold: Some(*min),
                            cell: Some(ledger.cell_ref(l.src)),
                        });
                    }
                }
            }
            // Plausibility limits need every payslip of the month first:
            // see `plausibility`.
            FlagKind::GrossAbove { .. } | FlagKind::GrossAboveTierMedian { .. } => {}
            FlagKind::CollectionBelow { min } => {
                if let Some(rate) = m.metrics.collection_rate
                    && rate < *min
                {
                    out.push(Flag {
                        rule: f.id.clone(),
                        check: "collection_below",
                        subject: rm.rm_id.clone(),
                        value: Some(rate.round_away(6)),
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
    (out, counters)
}

#[cfg(test)]
mod plausibility_tests {
    use super::median;
    use rust_decimal_macros::dec;

    #[test]
    fn medians() {
        // Odd count: the middle value once sorted (1, 2, 3 → 2).
        assert_eq!(median([dec!(3), dec!(1), dec!(2)].into_iter()), dec!(2));
        // Even count: the mean of the two middle values ((2 + 3) ÷ 2).
        assert_eq!(
            median([dec!(4), dec!(3), dec!(2), dec!(0)].into_iter()),
            dec!(2.5)
        );
        assert_eq!(median(std::iter::empty()), dec!(0));
    }
}
