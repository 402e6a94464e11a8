//! The pay workbook as a table model.

use super::{BookHead, Cell, Lang, RowStyle, Sheet, SheetJob, Sink, col};
use crate::decimal::RoundAway as _;
use crate::engine::pay::{Flag, MovementKind, OpeningSource, Payroll, RiskAccount, RmResult};
use crate::policy::Policy;
use crate::text;
use crate::vocab::Product;
use rust_decimal::Decimal;

/// What identifies a run: shown on the manifest sheet and in JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    pub tool_version: String,
    pub period: crate::vocab::Period,
    pub ledger_file: String,
    pub ledger_sha256: String,
    /// Where the opening state came from.
    pub opening: String,
    /// The ledger reader's warnings (rows kept out of the month, …), as
    /// printed, in both languages: the book shows them in its own, the
    /// JSON records them in English (as the docs' example).
    pub ledger_warnings: Vec<crate::text::Msg>,
    /// The sign-offs a closed month was closed on, in the workflow's
    /// order: the register's sign-off block (empty: no block).
    pub signoffs: Vec<SignoffLine>,
    /// The client detail file (`client-detail-YYYY-MM.csv`) when the
    /// month's client rows are written to it rather than to the workbook
    /// (`payroll --client-detail`); `None`: they are in the workbook.
    pub client_file: Option<String>,
}

impl RunInfo {
    /// A run of this build of rmpay on one ledger, not (yet) signed off.
    pub fn new(
        period: crate::vocab::Period,
        ledger_file: String,
        ledger_sha256: String,
        opening: String,
        ledger_warnings: Vec<crate::text::Msg>,
    ) -> RunInfo {
        RunInfo {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            period,
            ledger_file,
            ledger_sha256,
            opening,
            ledger_warnings,
            signoffs: Vec::new(),
            client_file: None,
        }
    }
}

/// One line of the register's sign-off block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignoffLine {
    /// The step's title (e.g. 审核) and the office that signed it.
    pub title: String,
    pub office: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub note: Option<String>,
}

pub(crate) fn tier_name(policy: &Policy, r: &RmResult, lang: Lang) -> String {
    let t = &policy.tiers[r.rm.tier];
    // Not a text: the policy's own name of the tier.
    match lang {
        Lang::Zh => t.name.clone(),
        Lang::En => t.name_en.clone().unwrap_or_else(|| t.id.clone()),
    }
}

/// A tier by its id as kept in the state (an off-roster leaver), in the
/// sheet's language; the id itself if the policy no longer has it.
pub(crate) fn tier_id_name(policy: &Policy, id: Option<&str>, lang: Lang) -> String {
    let Some(id) = id else { return String::new() };
    match policy.tier_by_id(id).map(|t| &policy.tiers[t]) {
        // Not a text: the policy's own name of the tier.
        Some(t) => match lang {
            Lang::Zh => t.name.clone(),
            Lang::En => t.name_en.clone().unwrap_or_else(|| t.id.clone()),
        },
        None => id.to_string(),
    }
}

/// What the register and the risk-deposit sheet say of a leaver whom the
/// month's ledger no longer lists.
fn off_roster_text(left_on: chrono::NaiveDate, lang: Lang) -> String {
    text::pay_off_roster(lang, left_on)
}

pub(crate) fn line_name(policy: &Policy, id: &str, lang: Lang) -> String {
    let found = policy
        .pay
        .lines
        .iter()
        .map(|l| (&l.id, &l.name, &l.name_en))
        .chain(
            policy
                .pay
                .deductions
                .iter()
                .map(|d| (&d.id, &d.name, &d.name_en)),
        )
        .find(|(i, _, _)| *i == id);
    if id == crate::engine::pay::CARRIED_LOSS {
        return text::pay_losses_carried_from_earlier(lang).to_string();
    }
    // Not a text: the policy's own name of the line.
    match (found, lang) {
        (Some((_, zh, _)), Lang::Zh) => zh.clone(),
        (Some((i, _, en)), Lang::En) => en.clone().unwrap_or_else(|| i.clone()),
        (None, _) => id.to_string(),
    }
}

fn amount_of(lines: &[crate::engine::pay::Line], id: &str) -> Option<Decimal> {
    lines.iter().find(|l| l.rule == id).map(|l| l.amount)
}

fn opt_money(v: Option<Decimal>) -> Cell {
    v.map(Cell::Money).unwrap_or(Cell::Empty)
}

fn opt_pct(v: Option<Decimal>) -> Cell {
    v.map(super::percent_cell).unwrap_or(Cell::text("—"))
}

/// An amount as text with thousands separators: `12,000,000.00`.
pub fn amount_text(d: Decimal, scale: u32) -> String {
    let r = d.at_places(scale);
    let s = r.abs().to_string();
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A ratio as a percentage with two places: `96.35%` (rounded half away
/// from zero, as [`super::percent_cell`]).
pub fn percent_text(d: Decimal) -> String {
    format!(
        "{}%",
        amount_text(d.round_away(super::RATIO_PLACES) * Decimal::ONE_HUNDRED, 2)
    )
}

/// Display a metric rounded to two places (the exact value is in the trace).
fn fig(v: Decimal) -> Cell {
    Cell::Money(v.round_away(2))
}

/// Ratios in the trace show as percentages with two places (was a bare
/// `0.994098`, `1.000000`); everything else as an amount. The exact
/// figure is the JSON's.
pub(crate) fn trace_value(figure: &str, v: Decimal) -> Cell {
    if super::is_ratio(figure) {
        super::percent_cell(v)
    } else {
        Cell::Number(v.round_away(6), 2)
    }
}

pub fn check_label(check: &str, lang: Lang) -> &'static str {
    match check {
        "loan_above_authority" => text::pay_loan_above_authority(lang),
        "joint_signing_required" => text::pay_needs_joint_approval(lang),
        "client_outside_band" => text::pay_client_outside_tier_band(lang),
        "deposit_below_base" => text::pay_deposits_under_base(lang),
        "deposit_below_base_consecutive" => text::pay_deposits_under_base_months(lang),
        "collection_below" => text::pay_collection_rate_under_minimum(lang),
        "new_loan_collection_below" => text::pay_new_loan_collection_under(lang),
        "loss_not_recovered" => text::pay_loss_not_recovered_month(lang),
        "gross_above" => text::pay_gross_above_ceiling(lang),
        "gross_above_tier_median" => text::pay_gross_far_above_tier(lang),
        _ => text::pay_flag_other(lang),
    }
}

/// How a flag's value and threshold are shown: a rate as a percentage, a
/// count of months as a whole number, anything else as an amount.
fn flag_cell(check: &str, v: Decimal) -> Cell {
    match check {
        "collection_below" | "new_loan_collection_below" => super::percent_cell(v),
        "deposit_below_base_consecutive" => Cell::Number(v, 0),
        _ => Cell::Money(v.round_away(2)),
    }
}

fn flag_value_text(check: &str, v: Decimal) -> String {
    match check {
        "collection_below" | "new_loan_collection_below" => percent_text(v),
        "deposit_below_base_consecutive" => v.normalize().to_string(),
        _ => amount_text(v, 2),
    }
}

pub(crate) fn opening_text(source: &OpeningSource, lang: Lang) -> String {
    match source {
        OpeningSource::None => text::pay_no_opening_balance(lang).into(),
        OpeningSource::Ledger(cell) => cell.clone(),
        OpeningSource::Archive(p) => text::trace_closing_of(lang, p),
    }
}

/// The pay strip's risk-deposit line: opening, movements, closing.
fn risk_line(k: &RiskAccount, lang: Lang) -> String {
    let a = |d| amount_text(d, 2);
    let mut parts = vec![format!("{} {}", text::pay_move_opening(lang), a(k.opening))];
    if !k.withheld.is_zero() {
        parts.push(format!(
            "+ {} {}",
            text::pay_move_withheld(lang),
            a(k.withheld)
        ));
    }
    if !k.offset.is_zero() {
        parts.push(format!("− {} {}", text::pay_move_offset(lang), a(k.offset)));
    }
    if !k.released.is_zero() {
        parts.push(format!(
            "− {} {}",
            text::pay_move_released(lang),
            a(k.released)
        ));
    }
    parts.push(format!(
        "= {} {}",
        text::pay_move_closing(lang),
        a(k.closing)
    ));
    format!("{}{}", text::pay_risk_account_head(lang), parts.join(" "))
}

/// The month's movements in words.
pub(crate) fn movements_text(k: &RiskAccount, lang: Lang) -> String {
    if k.cap.is_none() && k.movements.is_empty() {
        return text::pay_tier_holds_no_risk(lang).into();
    }
    let words: Vec<String> = k
        .movements
        .iter()
        .map(|m| {
            let a = amount_text(m.amount, 2);
            match m.kind {
                MovementKind::Withheld => text::pay_withheld_amount(lang, a),
                MovementKind::ExcessReleased => text::stmt_excess_released(lang, a),
                MovementKind::LossOffset => text::pay_loss_offset_amount(lang, a),
                MovementKind::Released => text::stmt_released_after_leaving(lang, a),
            }
        })
        .collect();
    let mut text = words.join(text::clause_sep(lang));
    if k.cap.is_some_and(|c| k.closing >= c) {
        text.push_str(text::pay_cap_reached(lang));
    }
    if text.is_empty() {
        text = text::pay_no_movement(lang).into();
    }
    text
}

pub(crate) fn flag_text(f: &Flag, lang: Lang) -> String {
    let v = f
        .value
        .map(|v| flag_value_text(f.check, v))
        .unwrap_or_default();
    let t = f
        .threshold
        .map(|v| flag_value_text(f.check, v))
        .unwrap_or_default();
    let s = &f.subject;
    match f.check {
        "loan_above_authority" => text::pay_flag_loan_above_authority(lang, s, v, t),
        "joint_signing_required" => text::pay_flag_joint_signing(lang, s, v, t),
        "client_outside_band" => text::pay_flag_client_outside_band(lang, s, v),
        "deposit_below_base" => text::pay_flag_deposit_below_base(lang, v, t),
        "deposit_below_base_consecutive" => text::pay_flag_deposit_below_base_months(lang, v, t),
        "collection_below" => text::pay_flag_collection_below(lang, v, t),
        "new_loan_collection_below" => text::pay_flag_new_loan_collection(lang, s, v, t),
        "loss_not_recovered" => text::pay_flag_loss_not_recovered(lang, v),
        "gross_above" => text::pay_flag_gross_above(lang, v, t),
        "gross_above_tier_median" => text::pay_flag_gross_above_tier_median(lang, v, t),
        _ => format!("{s} {v} {t}"),
    }
}

/// The pay workbook's title and date.
pub fn pay_book_head(policy: &Policy, run: &RunInfo, lang: Lang) -> BookHead {
    BookHead::new(
        policy,
        lang,
        text::pay_book_title(lang),
        &run.period.to_string(),
        run.period.last_day(),
    )
}

/// Writes one sheet of the pay workbook.
type SheetFn = fn(&Book<'_>, &mut dyn Sink);

/// What every sheet of the pay workbook reads.
struct Book<'a> {
    policy: &'a Policy,
    payroll: &'a Payroll,
    run: &'a RunInfo,
    lang: Lang,
    /// The deduction columns of the register: a loss carried from earlier
    /// months (when anyone has one), then the policy's deductions.
    deduction_ids: Vec<&'a str>,
    /// The register's prior-period adjustment columns (`rmpay restate`):
    /// each (period, version, figure, reason) that anyone has, in order.
    adjustment_cols: Vec<AdjustmentKey>,
}

/// A register column of prior-period adjustments.
type AdjustmentKey = (String, u32, String, String);

fn adjustment_key(a: &crate::engine::pay::PriorAdjustment) -> AdjustmentKey {
    (
        a.period.clone(),
        a.version,
        a.figure.clone(),
        a.reason.clone(),
    )
}

/// The name of the figure a prior-period adjustment corrects.
fn adjusted_figure_name(policy: &Policy, figure: &str, lang: Lang) -> String {
    match figure {
        "holdback" => text::risk_withheld(lang).into(),
        "released" => text::risk_released(lang).into(),
        "adjustments" => text::pay_adjustments(lang).into(),
        f => line_name(policy, f.strip_prefix("deduction:").unwrap_or(f), lang),
    }
}

/// A register column's title: the period, version, figure and reason.
fn adjustment_title(policy: &Policy, k: &AdjustmentKey, lang: Lang) -> String {
    let name = adjusted_figure_name(policy, &k.2, lang);
    text::pay_adjustment_title(lang, &k.0, k.1, name, &k.3)
}

/// One adjustment in words, for the strip: 补发 (to pay) or 扣回 (to
/// recover), with what was paid and what is due.
pub(crate) fn adjustment_text(
    policy: &Policy,
    a: &crate::engine::pay::PriorAdjustment,
    lang: Lang,
) -> String {
    let name = adjusted_figure_name(policy, &a.figure, lang);
    let (paid, due, amt) = (
        amount_text(a.paid, 2),
        amount_text(a.due, 2),
        amount_text(a.amount.abs(), 2),
    );
    let kind = if a.amount >= Decimal::ZERO {
        text::to_pay(lang)
    } else {
        text::to_recover(lang)
    };
    text::pay_adjustment_text(
        lang,
        kind,
        &a.period,
        a.version,
        name,
        a.paid_version,
        paid,
        due,
        amt,
        &a.reason,
    )
}

/// The pay workbook's sheets, in order: independent jobs that a sink may
/// fill in parallel.
pub fn pay_sheets<'a>(
    policy: &'a Policy,
    payroll: &'a Payroll,
    run: &'a RunInfo,
    lang: Lang,
) -> Vec<SheetJob<'a>> {
    let carried = crate::engine::pay::CARRIED_LOSS;
    let any_carried = payroll
        .results
        .iter()
        .any(|r| r.pay.deductions.iter().any(|d| d.rule == carried));
    let deduction_ids: Vec<&str> = any_carried
        .then_some(carried)
        .into_iter()
        .chain(policy.pay.deductions.iter().map(|d| d.id.as_str()))
        .collect();
    let mut adjustment_cols: Vec<AdjustmentKey> = Vec::new();
    for a in payroll.results.iter().flat_map(|r| &r.pay.adjustments) {
        let k = adjustment_key(a);
        if !adjustment_cols.contains(&k) {
            adjustment_cols.push(k);
        }
    }
    // In the register's own order: by month and version, then pay lines
    // in the policy's order, deductions, the holdback, the rest.
    let rank = |f: &str| {
        let mut lines = policy.pay.lines.iter().map(|l| l.id.as_str());
        let deds = policy.pay.deductions.iter().map(|d| d.id.as_str());
        lines
            .position(|id| id == f)
            .or_else(|| {
                let d = f.strip_prefix("deduction:")?;
                (d == crate::engine::pay::CARRIED_LOSS)
                    .then_some(0)
                    .or_else(|| deds.clone().position(|id| id == d).map(|i| i + 1))
                    .map(|i| policy.pay.lines.len() + i)
            })
            .unwrap_or_else(|| {
                let tail = ["holdback", "adjustments", "released"];
                let n = policy.pay.lines.len() + policy.pay.deductions.len() + 1;
                n + tail.iter().position(|t| *t == f).unwrap_or(tail.len())
            })
    };
    adjustment_cols
        .sort_by(|a, b| (&a.0, a.1, rank(&a.2), &a.3).cmp(&(&b.0, b.1, rank(&b.2), &b.3)));
    let book = std::sync::Arc::new(Book {
        policy,
        payroll,
        run,
        lang,
        deduction_ids,
        adjustment_cols,
    });
    let rms = payroll.results.len() + payroll.off_roster.len();
    let flags: usize = payroll.results.iter().map(|r| r.flags.len()).sum();
    let trace: usize = payroll
        .results
        .iter()
        .flat_map(|r| &r.month.trace)
        .map(|s| s.inputs.len().max(1))
        .sum();
    let clients: usize = payroll.clients.values().map(|c| c.assignments.len()).sum();
    // The risk-deposit sheet only under a policy with a risk deposit.
    let risk = has_risk_deposit(policy);
    let sheets: [(usize, SheetFn, bool); 8] = [
        (rms, register, true),
        (rms * 6, strips, true),
        (rms, metrics, true),
        (clients, client_detail, true),
        (rms, risk_accounts, risk),
        (flags, exceptions, true),
        (trace, trace_sheet, true),
        (1, manifest, true),
    ];
    sheets
        .into_iter()
        .filter(|(_, _, shown)| *shown)
        .map(|(weight, emit, _)| {
            let book = book.clone();
            SheetJob {
                weight,
                emit: Box::new(move |sink: &mut dyn Sink| emit(&book, sink)),
            }
        })
        .collect()
}

/// Whether the policy has a risk deposit (`[risk_deposit]`): without
/// one, no figure of it (withheld, released, the account) is shown.
fn has_risk_deposit(policy: &Policy) -> bool {
    policy.risk_deposit.is_some()
}

/// Whether any rule of the policy reads the base deposit (基数存款) or the
/// figures split by it (stock, increment): a tier's default base, a pay
/// line or deduction of those metrics, a deposits-under-base flag, or
/// growth against the base. Without one, the metrics sheet leaves them out.
fn uses_base(policy: &Policy) -> bool {
    use crate::policy::{FlagKind, PayKind};
    use crate::vocab::Metric as M;
    let on_base = |m: M| {
        matches!(
            m,
            M::DepositBase | M::DepositStock | M::DepositIncrement | M::DepositToBase
        )
    };
    policy.tiers.iter().any(|t| t.base_deposit.is_some())
        || policy
            .pay
            .lines
            .iter()
            .any(|l| matches!(&l.kind, PayKind::Rate { metric, .. } if on_base(*metric)))
        || policy.pay.deductions.iter().any(|d| on_base(d.metric))
        || policy
            .flags
            .iter()
            .any(|f| matches!(f.kind, FlagKind::DepositBelowBase { .. }))
        || policy.review.growth_base == crate::policy::GrowthBase::BaseDeposit
}

/// 1. Register.
fn register(c: &Book<'_>, sink: &mut dyn Sink) {
    let (policy, payroll, lang) = (c.policy, c.payroll, c.lang);
    let mut cols = vec![
        col(text::col_rm_id(lang), 12.0),
        col(text::col_name(lang), 10.0),
        col(text::col_tier(lang), 14.0),
        col(text::pay_branch(lang), 12.0),
    ];
    for pl in &policy.pay.lines {
        cols.push(col(&line_name(policy, &pl.id, lang), 14.0));
    }
    cols.push(col(text::gross_total(lang), 14.0));
    for d in &c.deduction_ids {
        cols.push(col(&line_name(policy, d, lang), 14.0));
    }
    cols.push(col(text::deductions_total(lang), 14.0));
    let risk = has_risk_deposit(policy);
    if risk {
        cols.push(col(text::risk_withheld(lang), 14.0));
    }
    let adjusting = !c.adjustment_cols.is_empty();
    for k in &c.adjustment_cols {
        cols.push(col(&adjustment_title(policy, k, lang), 18.0));
    }
    if adjusting {
        cols.push(col(text::adjustments_total(lang), 14.0));
    }
    cols.push(col(text::net_pay(lang), 14.0));
    if risk {
        cols.push(col(text::risk_released(lang), 14.0));
    }
    cols.push(col(text::total_paid(lang), 14.0));
    let mut reg = Sheet::new(sink, text::pay_pay_register(lang), cols);
    reg.freeze_columns = 2;
    reg.landscape = true;
    // The totals row and the sign-off block print together on the last page.
    reg.print.blocks = true;
    for r in &payroll.results {
        let mut cells = vec![
            Cell::text(&r.rm.rm_id),
            Cell::text(&r.rm.name),
            Cell::text(tier_name(policy, r, lang)),
            Cell::text(r.rm.branch.clone().unwrap_or_default()),
        ];
        for pl in &policy.pay.lines {
            cells.push(opt_money(amount_of(&r.pay.lines, &pl.id)));
        }
        cells.push(Cell::Money(r.pay.gross));
        for d in &c.deduction_ids {
            cells.push(Cell::Money(
                amount_of(&r.pay.deductions, d).unwrap_or_default(),
            ));
        }
        cells.push(Cell::Money(r.pay.deductions_total));
        if risk {
            cells.push(Cell::Money(r.pay.holdback));
        }
        for k in &c.adjustment_cols {
            cells.push(opt_money(
                r.pay
                    .adjustments
                    .iter()
                    .find(|a| adjustment_key(a) == *k)
                    .map(|a| a.amount),
            ));
        }
        if adjusting {
            cells.push(Cell::Money(r.pay.adjustments_total));
        }
        cells.push(Cell::Money(r.pay.net));
        if risk {
            cells.push(Cell::Money(r.pay.released));
        }
        cells.push(Cell::Money(r.pay.payout));
        reg.push(cells);
    }
    // Leavers released from the carried state: no pay line (empty), no
    // gross, deduction, holdback or net (zero); the release and the total
    // paid, which the totals row includes. The branch column says why
    // they are not on the roster.
    for r in &payroll.off_roster {
        let mut cells = vec![
            Cell::text(&r.rm_id),
            Cell::text(r.name.clone().unwrap_or_default()),
            Cell::text(tier_id_name(policy, r.tier.as_deref(), lang)),
            Cell::text(off_roster_text(r.left_on, lang)),
        ];
        cells.extend(policy.pay.lines.iter().map(|_| Cell::Empty));
        cells.push(Cell::Money(r.pay.gross));
        cells.extend(c.deduction_ids.iter().map(|_| Cell::Money(Decimal::ZERO)));
        cells.push(Cell::Money(r.pay.deductions_total));
        if risk {
            cells.push(Cell::Money(r.pay.holdback));
        }
        cells.extend(c.adjustment_cols.iter().map(|_| Cell::Empty));
        if adjusting {
            cells.push(Cell::Money(r.pay.adjustments_total));
        }
        cells.push(Cell::Money(r.pay.net));
        if risk {
            cells.push(Cell::Money(r.pay.released));
        }
        cells.push(Cell::Money(r.pay.payout));
        reg.push(cells);
    }
    let mut total = vec![
        Cell::text(text::total(lang)),
        Cell::text(format!(
            "{} {}",
            payroll.results.len() + payroll.off_roster.len(),
            text::pay_rms_unit(lang)
        )),
        Cell::Empty,
        Cell::Empty,
    ];
    for t in &payroll.totals.lines {
        total.push(Cell::Money(t.amount));
    }
    total.push(Cell::Money(payroll.totals.gross));
    for d in &c.deduction_ids {
        let sum: Decimal = payroll
            .results
            .iter()
            .filter_map(|r| amount_of(&r.pay.deductions, d))
            .sum();
        total.push(Cell::Money(sum));
    }
    total.push(Cell::Money(payroll.totals.deductions));
    if risk {
        total.push(Cell::Money(payroll.totals.holdback));
    }
    for k in &c.adjustment_cols {
        total.push(Cell::Money(
            payroll
                .results
                .iter()
                .flat_map(|r| &r.pay.adjustments)
                .filter(|a| adjustment_key(a) == *k)
                .map(|a| a.amount)
                .sum(),
        ));
    }
    if adjusting {
        total.push(Cell::Money(
            payroll
                .results
                .iter()
                .map(|r| r.pay.adjustments_total)
                .sum(),
        ));
    }
    total.push(Cell::Money(payroll.totals.net));
    if risk {
        total.push(Cell::Money(payroll.totals.released));
    }
    total.push(Cell::Money(payroll.totals.payout));
    reg.keep_together();
    reg.push_styled(RowStyle::Total, total);
    // The sign-off block's header: step, office, signature, date, remark.
    let sign_off_header = |lang| {
        [
            text::pay_step,
            text::pay_office,
            text::pay_signature,
            text::pay_sign_date,
            text::pay_remark,
        ]
        .map(|t| Cell::text(t(lang)))
        .to_vec()
    };
    // The sign-off block: who prepared, checked and approved the month.
    // A policy without a `[workflow]` records no sign-offs: its register
    // ends with a blank block to sign by hand (prepared, checked,
    // approved), as a paper payroll is signed.
    if c.run.signoffs.is_empty() && policy.workflow.is_none() {
        reg.push_styled(RowStyle::Blank, Vec::new());
        reg.push_styled(RowStyle::Header, sign_off_header(lang));
        for step in [
            text::pay_hand_prepared,
            text::pay_hand_checked,
            text::pay_hand_approved,
        ] {
            reg.push(vec![Cell::text(step(lang))]);
        }
    }
    if !c.run.signoffs.is_empty() {
        reg.push_styled(RowStyle::Blank, Vec::new());
        reg.push_styled(RowStyle::Header, sign_off_header(lang));
        for s in &c.run.signoffs {
            reg.push(vec![
                Cell::text(&s.title),
                Cell::text(&s.office),
                Cell::text(&s.name),
                Cell::text(&s.date),
                Cell::text(s.note.clone().unwrap_or_default()),
            ]);
        }
    }
    drop(reg);
}

/// 2. Pay strips: one printable block per RM.
fn strips(c: &Book<'_>, sink: &mut dyn Sink) {
    let (policy, payroll, run, lang) = (c.policy, c.payroll, c.run, c.lang);
    let mut strips = Sheet::new(sink, text::pay_pay_strips(lang), Vec::new());
    strips.landscape = true;
    // Each strip is a block: page breaks fall only between strips.
    strips.print.blocks = true;
    for r in &payroll.results {
        let title = text::pay_strip_title(
            lang,
            run.period,
            run.period.year,
            run.period.month,
            &r.rm.name,
            &r.rm.rm_id,
            tier_name(policy, r, lang),
        );
        strips.keep_together();
        strips.push_styled(RowStyle::Title, vec![Cell::text(title)]);
        let mut head = Vec::new();
        let mut vals = Vec::new();
        for line in &r.pay.lines {
            head.push(Cell::text(line_name(policy, &line.rule, lang)));
            vals.push(Cell::Money(line.amount));
        }
        head.push(Cell::text(text::gross_total(lang)));
        vals.push(Cell::Money(r.pay.gross));
        for d in &r.pay.deductions {
            head.push(Cell::text(line_name(policy, &d.rule, lang)));
            vals.push(Cell::Money(d.amount));
        }
        if has_risk_deposit(policy) {
            head.push(Cell::text(text::risk_withheld(lang)));
            vals.push(Cell::Money(r.pay.holdback));
        }
        for a in &r.pay.adjustments {
            let word = if a.amount >= Decimal::ZERO {
                text::to_pay(lang)
            } else {
                text::to_recover(lang)
            };
            head.push(Cell::text(format!(
                "{word} {} v{} {}",
                a.period,
                a.version,
                adjusted_figure_name(policy, &a.figure, lang)
            )));
            vals.push(Cell::Money(a.amount));
        }
        if !r.pay.adjustments.is_empty() {
            head.push(Cell::text(text::adjustments_total(lang)));
            vals.push(Cell::Money(r.pay.adjustments_total));
        }
        head.push(Cell::text(text::net_pay(lang)));
        vals.push(Cell::Money(r.pay.net));
        if !r.pay.released.is_zero() {
            head.push(Cell::text(text::risk_released(lang)));
            vals.push(Cell::Money(r.pay.released));
            head.push(Cell::text(text::total_paid(lang)));
            vals.push(Cell::Money(r.pay.payout));
        }
        strips.push_styled(RowStyle::Header, head);
        strips.push(vals);
        for a in &r.pay.adjustments {
            strips.push(vec![Cell::text(adjustment_text(policy, a, lang))]);
        }
        if !r.pay.adjustment_carried.is_zero() {
            strips.push(vec![Cell::text(text::pay_recovery_carried(
                lang,
                amount_text(r.pay.adjustment_carried, 2),
            ))]);
        }
        if has_risk_deposit(policy) {
            strips.push_styled(
                RowStyle::Normal,
                vec![Cell::text(risk_line(&r.pay.risk, lang))],
            );
        }
        let y = &r.ytd;
        strips.push(vec![Cell::text(if has_risk_deposit(policy) {
            text::pay_ytd_strip(
                lang,
                y.months,
                amount_text(y.gross, 2),
                amount_text(y.deductions, 2),
                amount_text(y.holdback, 2),
                amount_text(y.net, 2),
            )
        } else {
            text::pay_ytd_strip_no_risk(
                lang,
                y.months,
                amount_text(y.gross, 2),
                amount_text(y.deductions, 2),
                amount_text(y.net, 2),
            )
        })]);
        strips.push_styled(RowStyle::Blank, Vec::new());
    }
    // A leaver released from the carried state: the release is paid with
    // the month's pay, so it has its strip.
    for r in &payroll.off_roster {
        let name = r.name.clone().unwrap_or_default();
        let title = text::pay_strip_title(
            lang,
            run.period,
            run.period.year,
            run.period.month,
            &name,
            &r.rm_id,
            off_roster_text(r.left_on, lang),
        );
        strips.keep_together();
        strips.push_styled(RowStyle::Title, vec![Cell::text(title)]);
        strips.push_styled(
            RowStyle::Header,
            vec![
                Cell::text(text::risk_released(lang)),
                Cell::text(text::total_paid(lang)),
            ],
        );
        strips.push(vec![Cell::Money(r.pay.released), Cell::Money(r.pay.payout)]);
        strips.push_styled(
            RowStyle::Normal,
            vec![Cell::text(risk_line(&r.pay.risk, lang))],
        );
        strips.push_styled(RowStyle::Blank, Vec::new());
    }
    drop(strips);
}

/// 3. Metrics per RM.
fn metrics(c: &Book<'_>, sink: &mut dyn Sink) {
    let (payroll, lang) = (c.payroll, c.lang);
    // The base deposit, stock and increment (columns 3 to 5) only where a
    // rule of the policy reads them.
    let base = uses_base(c.policy);
    let shown = |i: usize| base || !(3..=5).contains(&i);
    let columns = super::columns(lang, crate::text::METRICS_COLUMNS)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shown(*i))
        .map(|(_, c)| c)
        .collect();
    let mut met = Sheet::new(sink, crate::text::metrics_sheet(lang), columns);
    met.freeze_columns = 2;
    for r in &payroll.results {
        let m = &r.month.metrics;
        let cells = vec![
            Cell::text(&r.rm.rm_id),
            Cell::text(&r.rm.name),
            fig(m.deposit_daily_average),
            fig(m.deposit_base),
            fig(m.deposit_stock),
            fig(m.deposit_increment),
            fig(m.loan_balance),
            fig(m.npl_balance),
            opt_pct(m.npl_ratio),
            fig(m.interest_due),
            fig(m.interest_received),
            opt_pct(m.collection_rate),
            fig(m.fee_income),
            Cell::Number(m.new_basic_accounts, 0),
            super::points_cell(m.incident_points),
            fig(m.incident_loss),
        ];
        met.push(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| shown(*i))
                .map(|(_, c)| c)
                .collect(),
        );
    }
    drop(met);
}

/// 4. Client detail.
fn client_detail(c: &Book<'_>, sink: &mut dyn Sink) {
    let (payroll, lang) = (c.payroll, c.lang);
    let columns = super::columns(lang, crate::text::CLIENT_COLUMNS);
    let mut cd = Sheet::new(sink, crate::text::client_sheet(lang), columns);
    cd.freeze_columns = 1;
    // At head-office scale the rows are in the client detail file: the
    // sheet says where, and how many.
    if let Some(file) = &c.run.client_file {
        let list: Vec<&crate::metrics::monthly::ClientMonth> = payroll.clients.values().collect();
        let rows: usize = payroll
            .results
            .iter()
            .flat_map(|r| &r.month.clients)
            .filter_map(|c| list.get(c.pos as usize))
            .map(|c| crate::metrics::monthly::detail_rows(c))
            .sum();
        cd.push(vec![Cell::text(text::pay_client_rows_in_file(
            lang, rows, file,
        ))]);
        drop(cd);
        return;
    }
    for c in payroll.clients.values() {
        for (rm_id, share, _) in &c.assignments {
            let p = |k: Product| fig(c.by_product.get(k));
            cd.push(vec![
                Cell::text(&c.client_id),
                Cell::text(c.client_name.clone().unwrap_or_default()),
                Cell::text(rm_id),
                Cell::Percent(*share),
                p(Product::Demand),
                p(Product::Time),
                p(Product::Agreement),
                fig(c.deposit_daily_average),
                fig(c.deposit_daily_average * share),
                fig(c.loan_balance),
                fig(c.npl_balance),
                fig(c.fee_income),
            ]);
        }
    }
    drop(cd);
}

/// 5. Risk-deposit accounts: every movement with its reason.
fn risk_accounts(c: &Book<'_>, sink: &mut dyn Sink) {
    let (policy, payroll, lang) = (c.policy, c.payroll, c.lang);
    let mut risk = Sheet::new(
        sink,
        text::pay_risk_sheet(lang),
        vec![
            col(text::col_rm_id(lang), 12.0),
            col(text::col_name(lang), 10.0),
            col(text::col_tier(lang), 14.0),
            col(text::pay_cap(lang), 12.0),
            col(text::pay_risk_opening(lang), 14.0),
            col(text::risk_col_withheld(lang), 14.0),
            col(text::risk_col_offset(lang), 14.0),
            col(text::risk_col_released(lang), 14.0),
            col(text::pay_risk_closing(lang), 14.0),
            col(text::pay_risk_opening_from(lang), 30.0),
            col(text::pay_movements(lang), 60.0),
        ],
    );
    risk.freeze_columns = 2;
    for r in &payroll.results {
        let k = &r.pay.risk;
        risk.push(vec![
            Cell::text(&r.rm.rm_id),
            Cell::text(&r.rm.name),
            Cell::text(tier_name(policy, r, lang)),
            opt_money(k.cap),
            Cell::Money(k.opening),
            Cell::Money(k.withheld),
            Cell::Money(k.offset),
            Cell::Money(k.released),
            Cell::Money(k.closing),
            Cell::text(opening_text(&k.opening_source, lang)),
            Cell::text(movements_text(k, lang)),
        ]);
    }
    for (id, o) in &payroll.carried {
        risk.push(vec![
            Cell::text(id),
            Cell::Empty,
            Cell::text(o.previous_tier.clone().unwrap_or_default()),
            Cell::Empty,
            Cell::Money(o.risk_balance),
            Cell::Money(Decimal::ZERO),
            Cell::Money(Decimal::ZERO),
            Cell::Money(Decimal::ZERO),
            Cell::Money(o.risk_balance),
            Cell::text(opening_text(&o.source, lang)),
            Cell::text(text::pay_not_in_month_ledger(lang)),
        ]);
    }
    for r in &payroll.off_roster {
        let k = &r.pay.risk;
        risk.push(vec![
            Cell::text(&r.rm_id),
            Cell::text(r.name.clone().unwrap_or_default()),
            Cell::text(tier_id_name(policy, r.tier.as_deref(), lang)),
            opt_money(k.cap),
            Cell::Money(k.opening),
            Cell::Money(k.withheld),
            Cell::Money(k.offset),
            Cell::Money(k.released),
            Cell::Money(k.closing),
            Cell::text(opening_text(&k.opening_source, lang)),
            Cell::text(format!(
                "{}{}{}",
                movements_text(k, lang),
                text::clause_sep(lang),
                off_roster_text(r.left_on, lang)
            )),
        ]);
    }
    let carried: Decimal = payroll.carried.iter().map(|(_, o)| o.risk_balance).sum();
    let off = |f: fn(&RiskAccount) -> Decimal| {
        payroll
            .off_roster
            .iter()
            .map(|r| f(&r.pay.risk))
            .sum::<Decimal>()
    };
    let tot = |f: fn(&RmResult) -> Decimal| payroll.results.iter().map(f).sum::<Decimal>();
    risk.push_styled(
        RowStyle::Total,
        vec![
            Cell::text(text::total(lang)),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(tot(|r| r.pay.risk.opening) + off(|k| k.opening) + carried),
            Cell::Money(tot(|r| r.pay.risk.withheld)),
            Cell::Money(tot(|r| r.pay.risk.offset) + off(|k| k.offset)),
            Cell::Money(tot(|r| r.pay.risk.released) + off(|k| k.released)),
            Cell::Money(tot(|r| r.pay.risk.closing) + off(|k| k.closing) + carried),
            Cell::Empty,
            Cell::Empty,
        ],
    );
    drop(risk);
}

/// 6. Exceptions.
fn exceptions(c: &Book<'_>, sink: &mut dyn Sink) {
    let (payroll, lang) = (c.payroll, c.lang);
    let words = super::TraceWords::new(c.policy, lang);
    let mut ex = Sheet::new(
        sink,
        text::pay_exceptions(lang),
        vec![
            col(text::col_rm_id(lang), 12.0),
            col(text::col_name(lang), 10.0),
            col(text::col_rule(lang), 20.0),
            col(text::pay_check(lang), 18.0),
            col(text::pay_subject(lang), 14.0),
            col(text::col_value(lang), 14.0),
            col(text::col_threshold(lang), 14.0),
            col(text::pay_detail(lang), 50.0),
            col(text::pay_ledger_cell(lang), 30.0),
        ],
    );
    ex.freeze_columns = 2;
    for r in &payroll.results {
        for f in &r.flags {
            ex.push(vec![
                Cell::text(&r.rm.rm_id),
                Cell::text(&r.rm.name),
                Cell::text(words.rule(&f.rule)),
                Cell::text(check_label(f.check, lang)),
                Cell::text(&f.subject),
                f.value
                    .map(|v| flag_cell(f.check, v))
                    .unwrap_or(Cell::Empty),
                f.threshold
                    .map(|v| flag_cell(f.check, v))
                    .unwrap_or(Cell::Empty),
                Cell::text(flag_text(f, lang)),
                Cell::text(f.cell.clone().unwrap_or_default()),
            ]);
        }
    }
    drop(ex);
}

/// 7. Trace.
fn trace_sheet(c: &Book<'_>, sink: &mut dyn Sink) {
    let (payroll, lang) = (c.payroll, c.lang);
    let words = super::TraceWords::new(c.policy, lang);
    let mut tr = Sheet::new(
        sink,
        crate::text::trace_sheet(lang),
        super::trace_columns(lang),
    );
    tr.freeze_columns = 2;
    tr.print.fit_width = false;
    tr.row_lines = super::trace_row_lines(
        0,
        payroll
            .results
            .iter()
            .flat_map(|r| &r.month.trace)
            .chain(payroll.off_roster.iter().flat_map(|r| &r.trace)),
    );
    for r in &payroll.results {
        for s in &r.month.trace {
            let value = s
                .value
                .map(|v| trace_value(&s.figure, v))
                .unwrap_or(Cell::text("—"));
            super::trace_rows(&mut tr, &words, &r.rm.rm_id, s, value);
        }
    }
    for r in &payroll.off_roster {
        for s in &r.trace {
            let value = s
                .value
                .map(|v| trace_value(&s.figure, v))
                .unwrap_or(Cell::text("—"));
            super::trace_rows(&mut tr, &words, &r.rm_id, s, value);
        }
    }
    drop(tr);
}

/// 8. Manifest.
fn manifest(c: &Book<'_>, sink: &mut dyn Sink) {
    let (policy, payroll, run, lang) = (c.policy, c.payroll, c.run, c.lang);
    let mut man = Sheet::new(
        sink,
        text::manifest_sheet(lang),
        vec![
            col(text::col_item(lang), 24.0),
            col(text::col_content(lang), 70.0),
        ],
    );
    let kv = |k: &str, v: String| vec![Cell::text(k), Cell::text(v)];
    man.push(kv(
        text::manifest_tool(lang),
        format!("rmpay {}", run.tool_version),
    ));
    man.push(kv(text::manifest_period(lang), run.period.to_string()));
    man.push(kv(
        text::policy_label(lang),
        format!("{} ({})", policy.id, policy.name),
    ));
    man.push(kv(text::pay_policy_version(lang), policy.version.clone()));
    man.push(kv(text::pay_policy_file(lang), policy.file.clone()));
    man.push(kv(text::manifest_policy_sha(lang), policy.sha256.clone()));
    man.push(kv(text::pay_ledger_file(lang), run.ledger_file.clone()));
    man.push(kv(
        text::pay_ledger_sha_256(lang),
        run.ledger_sha256.clone(),
    ));
    man.push(kv(
        text::pay_opening_from(lang),
        crate::text::run_opening(&run.opening, lang),
    ));
    man.push(kv(text::pay_calendar_days(lang), payroll.days.to_string()));
    man.push(kv(
        text::pay_rounding(lang),
        crate::text::rounding_places(
            lang,
            policy.settings.money.scale,
            super::rounding_word(policy.settings.money.mode, lang),
        ),
    ));
    man.push(kv(
        text::pay_rm_count(lang),
        payroll.results.len().to_string(),
    ));
    for w in &run.ledger_warnings {
        man.push(kv(text::pay_ledger_warning(lang), w.get(lang).to_string()));
    }
    if policy.pay.rates_are_examples {
        man.push(kv(
            text::pay_attention(lang),
            text::pay_piece_rates_in_policy(lang).to_string(),
        ));
    }
    drop(man);
}
