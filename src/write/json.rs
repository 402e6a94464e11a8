//! `--json`: the payroll as stable, machine-readable JSON. Money and ratios
//! are decimal strings (never floats); absent ratios are `null`.
//! The format is documented in docs/JSON.md.

use crate::decimal::RoundAway as _;
use crate::engine::pay::{Flag, Line, Payroll};
use crate::policy::Policy;
use crate::report::TraceWords;
use crate::report::pay::RunInfo;
use crate::text::Lang;
use rust_decimal::Decimal;
use serde::Serialize;
use std::io::Write as _;

/// Money: the policy's scale, always with that many places.
fn money(d: Decimal, scale: u32) -> String {
    d.at_places(scale).to_string()
}

/// Figures that are not money (averages, ratios): exact to 10 places, no
/// trailing zeros.
fn figure(d: Decimal) -> String {
    d.round_away(10).normalize().to_string()
}

/// The pay JSON of a payroll, its texts in `lang` (the keys and ids are
/// the same in every language): serialised RM by RM, each RM's figures
/// and trace put into their JSON form as they are written and dropped
/// after, so that a month of a thousand RMs never holds its whole JSON
/// tree (nor, written with [`write_to`], its text). The fields, in this
/// order: `format`, `period`, `tool_version`, `policy`, `ledger`,
/// `managers` ([`JsonManager`]), `off_roster` ([`JsonOffRoster`]; leavers
/// whom this month's ledger no longer lists and whose risk deposit is
/// released this month, left out when there are none), `totals`.
pub struct PayrollJson<'a> {
    policy: &'a Policy,
    payroll: &'a Payroll,
    run: &'a RunInfo,
    lang: Lang,
}

/// A JSON array of `len` items, each made when it is written.
struct Each<F> {
    len: usize,
    item: F,
}

impl<T: Serialize, F: Fn(usize) -> Option<T>> Serialize for Each<F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len))?;
        for i in 0..self.len {
            if let Some(v) = (self.item)(i) {
                seq.serialize_element(&v)?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
pub struct JsonOffRoster {
    pub rm_id: String,
    pub name: Option<String>,
    pub tier: Option<String>,
    pub left_on: String,
    pub pay: JsonPay,
    pub risk_account: JsonRisk,
    pub trace: Vec<JsonStep>,
}

/// A trace step as the JSON shows it: the figure and rule as ids, the
/// formula and the inputs' names and values in the run's language (in
/// Chinese through the words of the trace sheet, [`TraceWords`]); every
/// figure as the engine wrote it.
#[derive(Serialize)]
pub struct JsonStep {
    pub figure: String,
    pub rule: String,
    pub formula: String,
    pub inputs: Vec<JsonInput>,
    #[serde(serialize_with = "step_value")]
    pub value: Option<Decimal>,
}

#[derive(Serialize)]
pub struct JsonInput {
    pub name: String,
    /// The input's identifier when its name is one (a metric, a pay line,
    /// a figure of the trace, a variable of the formula: `deposit_stock`,
    /// `gross`, `cap`), the same in every language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub value: String,
}

fn step_value<S: serde::Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => s.serialize_str(&crate::trace::figure_text(*d)),
        None => s.serialize_none(),
    }
}

/// Whether an input's name is an identifier: one word of ASCII letters,
/// digits, `_` and `-`, starting with a letter.
fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn trace(steps: &[crate::trace::Step], words: &TraceWords) -> Vec<JsonStep> {
    steps
        .iter()
        .map(|s| JsonStep {
            figure: s.figure.clone(),
            rule: s.rule.clone(),
            formula: words.text(&s.formula),
            inputs: s
                .inputs
                .iter()
                .map(|i| JsonInput {
                    name: words.text(&i.name),
                    id: is_identifier(&i.name).then(|| i.name.to_string()),
                    value: words.text(&i.value),
                })
                .collect(),
            value: s.value,
        })
        .collect()
}

#[derive(Serialize)]
pub struct JsonPolicy {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Serialize)]
pub struct JsonLedger {
    pub file: String,
    pub sha256: String,
    /// The reader's warnings, as printed (with the file name); left out
    /// when there are none, so a clean month's JSON is as before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
pub struct JsonMetrics {
    pub deposit_daily_average: String,
    pub deposit_base: String,
    pub deposit_stock: String,
    pub deposit_increment: String,
    pub loan_balance: String,
    pub npl_balance: String,
    pub npl_ratio: Option<String>,
    pub interest_due: String,
    pub interest_received: String,
    pub collection_rate: Option<String>,
    pub fee_income: String,
    pub new_basic_accounts: String,
    pub incident_points: String,
    pub incident_loss: String,
}

#[derive(Serialize)]
pub struct JsonLine {
    pub rule: String,
    pub amount: String,
}

#[derive(Serialize)]
pub struct JsonPay {
    pub lines: Vec<JsonLine>,
    pub gross: String,
    pub deductions: String,
    pub deduction_lines: Vec<JsonLine>,
    pub holdback: String,
    pub net: String,
    pub released: String,
    pub payout: String,
    /// Prior-period adjustments (`rmpay restate`), when the RM has any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<JsonAdjustment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjustments_total: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjustment_carried: Option<String>,
}

#[derive(Serialize)]
pub struct JsonAdjustment {
    pub period: String,
    pub version: u32,
    pub paid_version: u32,
    pub reason: String,
    pub figure: String,
    pub paid: String,
    pub due: String,
    pub amount: String,
}

#[derive(Serialize)]
pub struct JsonRisk {
    pub cap: Option<String>,
    pub opening: String,
    pub withheld: String,
    pub offset: String,
    pub released: String,
    pub closing: String,
    pub movements: Vec<JsonMovement>,
}

#[derive(Serialize)]
pub struct JsonMovement {
    pub kind: String,
    pub amount: String,
    pub reason: String,
}

#[derive(Serialize)]
pub struct JsonYtd {
    pub months: u32,
    pub gross: String,
    pub deductions: String,
    pub holdback: String,
    pub net: String,
    pub released: String,
    pub deposit_daily_average: String,
}

#[derive(Serialize)]
pub struct JsonFlag {
    pub rule: String,
    pub check: String,
    pub subject: String,
    pub value: Option<String>,
    pub threshold: Option<String>,
    pub cell: Option<String>,
}

#[derive(Serialize)]
pub struct JsonManager {
    pub rm_id: String,
    pub name: String,
    pub tier: String,
    pub metrics: JsonMetrics,
    pub pay: JsonPay,
    pub risk_account: JsonRisk,
    /// Year-to-date figures through this month (months computed in the
    /// archive's chain, or this month alone without an archive).
    pub year_to_date: JsonYtd,
    pub flags: Vec<JsonFlag>,
    pub trace: Vec<JsonStep>,
}

#[derive(Serialize)]
pub struct JsonTotals {
    pub managers: usize,
    pub lines: Vec<JsonLine>,
    pub gross: String,
    pub deductions: String,
    pub holdback: String,
    pub net: String,
    pub released: String,
    pub payout: String,
}

fn lines(v: &[Line], scale: u32) -> Vec<JsonLine> {
    v.iter()
        .map(|l| JsonLine {
            rule: l.rule.clone(),
            amount: money(l.amount, scale),
        })
        .collect()
}

fn pay(p: &crate::engine::pay::Payslip, s: u32) -> JsonPay {
    JsonPay {
        lines: lines(&p.lines, s),
        gross: money(p.gross, s),
        deductions: money(p.deductions_total, s),
        deduction_lines: lines(&p.deductions, s),
        holdback: money(p.holdback, s),
        net: money(p.net, s),
        released: money(p.released, s),
        payout: money(p.payout, s),
        adjustments: p
            .adjustments
            .iter()
            .map(|a| JsonAdjustment {
                period: a.period.clone(),
                version: a.version,
                paid_version: a.paid_version,
                reason: a.reason.clone(),
                figure: a.figure.clone(),
                paid: money(a.paid, s),
                due: money(a.due, s),
                amount: money(a.amount, s),
            })
            .collect(),
        adjustments_total: (!p.adjustments.is_empty()).then(|| money(p.adjustments_total, s)),
        adjustment_carried: (!p.adjustment_carried.is_zero())
            .then(|| money(p.adjustment_carried, s)),
    }
}

fn risk(k: &crate::engine::pay::RiskAccount, s: u32, lang: Lang) -> JsonRisk {
    JsonRisk {
        cap: k.cap.map(|c| money(c, s)),
        opening: money(k.opening, s),
        withheld: money(k.withheld, s),
        offset: money(k.offset, s),
        released: money(k.released, s),
        closing: money(k.closing, s),
        movements: k
            .movements
            .iter()
            .map(|m| JsonMovement {
                kind: m.kind.id().to_string(),
                amount: money(m.amount, s),
                reason: m.reason.get(lang).to_string(),
            })
            .collect(),
    }
}

fn flag(f: &Flag) -> JsonFlag {
    JsonFlag {
        rule: f.rule.clone(),
        check: f.check.to_string(),
        subject: f.subject.clone(),
        value: f.value.map(figure),
        threshold: f.threshold.map(figure),
        cell: f.cell.clone(),
    }
}

/// The payroll as JSON, its texts in `lang` (the keys and ids are the
/// same in every language).
pub fn payroll_json<'a>(
    policy: &'a Policy,
    payroll: &'a Payroll,
    run: &'a RunInfo,
    lang: Lang,
) -> PayrollJson<'a> {
    PayrollJson {
        policy,
        payroll,
        run,
        lang,
    }
}

fn manager(
    policy: &Policy,
    r: &crate::engine::pay::RmResult,
    s: u32,
    lang: Lang,
    words: &TraceWords,
) -> JsonManager {
    let m = &r.month.metrics;
    JsonManager {
        rm_id: r.rm.rm_id.clone(),
        name: r.rm.name.clone(),
        tier: policy.tiers[r.rm.tier].id.clone(),
        metrics: JsonMetrics {
            deposit_daily_average: figure(m.deposit_daily_average),
            deposit_base: figure(m.deposit_base),
            deposit_stock: figure(m.deposit_stock),
            deposit_increment: figure(m.deposit_increment),
            loan_balance: figure(m.loan_balance),
            npl_balance: figure(m.npl_balance),
            npl_ratio: m.npl_ratio.map(figure),
            interest_due: figure(m.interest_due),
            interest_received: figure(m.interest_received),
            collection_rate: m.collection_rate.map(figure),
            fee_income: figure(m.fee_income),
            new_basic_accounts: figure(m.new_basic_accounts),
            incident_points: figure(m.incident_points),
            incident_loss: figure(m.incident_loss),
        },
        pay: pay(&r.pay, s),
        risk_account: risk(&r.pay.risk, s, lang),
        year_to_date: JsonYtd {
            months: r.ytd.months,
            gross: money(r.ytd.gross, s),
            deductions: money(r.ytd.deductions, s),
            holdback: money(r.ytd.holdback, s),
            net: money(r.ytd.net, s),
            released: money(r.ytd.released, s),
            deposit_daily_average: figure(r.ytd.deposit_daily_average()),
        },
        flags: r.flags.iter().map(flag).collect(),
        trace: trace(&r.month.trace, words),
    }
}

impl Serialize for PayrollJson<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (policy, payroll, run, lang) = (self.policy, self.payroll, self.run, self.lang);
        let s = policy.settings.money.scale;
        let words = TraceWords::new(policy, lang);
        let mut st = ser.serialize_struct("JsonPayroll", 8)?;
        st.serialize_field("format", "rmpay.payroll/1")?;
        st.serialize_field("period", &run.period.to_string())?;
        st.serialize_field("tool_version", &run.tool_version)?;
        st.serialize_field(
            "policy",
            &JsonPolicy {
                id: policy.id.clone(),
                version: policy.version.clone(),
                sha256: policy.sha256.clone(),
            },
        )?;
        st.serialize_field(
            "ledger",
            &JsonLedger {
                file: run.ledger_file.clone(),
                sha256: run.ledger_sha256.clone(),
                warnings: run
                    .ledger_warnings
                    .iter()
                    .map(|w| w.get(lang).to_string())
                    .collect(),
            },
        )?;
        let results = &payroll.results;
        st.serialize_field(
            "managers",
            &Each {
                len: results.len(),
                item: |i: usize| results.get(i).map(|r| manager(policy, r, s, lang, &words)),
            },
        )?;
        let off = &payroll.off_roster;
        if off.is_empty() {
            st.skip_field("off_roster")?;
        } else {
            st.serialize_field(
                "off_roster",
                &Each {
                    len: off.len(),
                    item: |i: usize| {
                        off.get(i).map(|r| JsonOffRoster {
                            rm_id: r.rm_id.clone(),
                            name: r.name.clone(),
                            tier: r.tier.clone(),
                            left_on: r.left_on.to_string(),
                            pay: pay(&r.pay, s),
                            risk_account: risk(&r.pay.risk, s, lang),
                            trace: trace(&r.trace, &words),
                        })
                    },
                },
            )?;
        }
        st.serialize_field(
            "totals",
            &JsonTotals {
                managers: results.len(),
                lines: lines(&payroll.totals.lines, s),
                gross: money(payroll.totals.gross, s),
                deductions: money(payroll.totals.deductions, s),
                holdback: money(payroll.totals.holdback, s),
                net: money(payroll.totals.net, s),
                released: money(payroll.totals.released, s),
                payout: money(payroll.totals.payout, s),
            },
        )?;
        st.end()
    }
}

/// The pay JSON's text (pretty, with a final newline).
pub fn to_bytes(j: &PayrollJson<'_>) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(j).unwrap_or_default();
    v.push(b'\n');
    v
}

/// The pay JSON written to `w` as it is made: the same bytes as
/// [`to_bytes`], through a buffer, RM by RM.
pub fn write_to(j: &PayrollJson<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, j).map_err(std::io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// `rmpay review --json`: the review's outcome per RM.
#[derive(Serialize)]
pub struct JsonReview {
    pub format: &'static str,
    pub period: String,
    pub partial: bool,
    pub missing_months: Vec<String>,
    pub tool_version: String,
    pub policy: JsonPolicy,
    pub managers: Vec<JsonReviewRm>,
    /// RMs who served part of the period only, not assessed (absent when
    /// there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_assessed: Vec<JsonNotAssessed>,
}

/// An RM who served part of the review period: not assessed, and why.
#[derive(Serialize)]
pub struct JsonNotAssessed {
    pub rm_id: String,
    pub name: String,
    pub current_tier: String,
    /// `left` (离岗) or `not_listed` (absent from the period's later ledgers).
    pub why: &'static str,
    pub left_on: Option<String>,
    /// The months the RM is listed in.
    pub months_served: Vec<String>,
    pub period_months: u32,
    pub reason: String,
}

#[derive(Serialize)]
pub struct JsonReviewRm {
    pub rm_id: String,
    pub name: String,
    pub current_tier: String,
    pub proposed_tier: Option<String>,
    pub decision: &'static str,
    /// For a promotion that sets a new base deposit (Policy A art. 21).
    pub new_base_deposit: Option<String>,
    pub score: Option<JsonScore>,
    pub reasons: Vec<String>,
    pub rules: Vec<String>,
    /// Rules not assessed for lack of a figure (`when_missing`).
    pub not_assessed: Vec<String>,
    pub metrics: std::collections::BTreeMap<String, Option<String>>,
    /// How the review's figures were computed, as the trace sheet shows
    /// them (`managers[].trace[]` of the pay JSON).
    pub trace: Vec<JsonStep>,
}

#[derive(Serialize)]
pub struct JsonScore {
    pub total: String,
    pub components: Vec<JsonComponent>,
}

#[derive(Serialize)]
pub struct JsonComponent {
    pub id: String,
    pub rule: String,
    pub value: Option<String>,
    pub points: String,
    /// `false`: no figure, and the policy says the component is then not
    /// assessed (no points).
    pub assessed: bool,
}

pub fn review_json(
    policy: &Policy,
    review: &crate::engine::review::Review,
    info: &crate::report::review::ReviewInfo,
    lang: crate::report::Lang,
) -> JsonReview {
    use crate::report::review::reasons;
    let words = TraceWords::new(policy, lang);
    JsonReview {
        format: "rmpay.review/1",
        period: info.label.clone(),
        partial: info.partial,
        missing_months: info.missing.clone(),
        tool_version: info.tool_version.clone(),
        policy: JsonPolicy {
            id: policy.id.clone(),
            version: policy.version.clone(),
            sha256: policy.sha256.clone(),
        },
        managers: review
            .results
            .iter()
            .map(|r| JsonReviewRm {
                rm_id: r.year.rm.rm_id.clone(),
                name: r.year.rm.name.clone(),
                current_tier: policy.tiers[r.current].id.clone(),
                proposed_tier: r.proposed.map(|t| policy.tiers[t].id.clone()),
                decision: r.decision.id(),
                new_base_deposit: r.new_base.as_ref().map(|(b, _)| money(*b, 2)),
                score: r.score.as_ref().map(|s| JsonScore {
                    total: figure(s.total),
                    components: s
                        .components
                        .iter()
                        .map(|c| JsonComponent {
                            id: c.id.clone(),
                            rule: c.rule.clone(),
                            value: c.value.map(figure),
                            points: figure(c.points),
                            assessed: !c.not_assessed,
                        })
                        .collect(),
                }),
                reasons: reasons(policy, r, lang),
                rules: r.hits.iter().map(|h| h.rule.clone()).collect(),
                not_assessed: r
                    .missing
                    .iter()
                    .filter(|m| m.not_assessed)
                    .map(|m| m.rule.clone())
                    .collect(),
                metrics: r
                    .year
                    .metrics
                    .iter()
                    .map(|(k, v)| (k.id().to_string(), v.map(figure)))
                    .collect(),
                trace: trace(&r.trace, &words),
            })
            .collect(),
        not_assessed: review
            .not_reviewed
            .iter()
            .map(|n| JsonNotAssessed {
                rm_id: n.year.rm.rm_id.clone(),
                name: n.year.rm.name.clone(),
                current_tier: policy.tiers[n.year.rm.tier].id.clone(),
                why: match n.why {
                    crate::engine::review::PartPeriod::Left { .. } => "left",
                    crate::engine::review::PartPeriod::NotListed { .. } => "not_listed",
                },
                left_on: n.year.left_on.map(|d| d.to_string()),
                months_served: n.months().iter().map(|p| p.to_string()).collect(),
                period_months: n.year.period_months,
                reason: crate::report::review::part_period_reason(n, lang),
            })
            .collect(),
    }
}

pub fn review_bytes(j: &JsonReview) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(j).unwrap_or_default();
    v.push(b'\n');
    v
}
