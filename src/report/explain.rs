//! `rmpay explain`: one RM's month as text, every figure with its rule,
//! formula and inputs, down to the ledger cells.

use super::pay::{RunInfo, amount_text};
use super::{Lang, TraceWords};
use crate::engine::pay::{MovementKind, OffRoster, RmResult};
use crate::policy::Policy;
use crate::text;
use std::fmt::Write;

fn steps(s: &mut String, words: &TraceWords, trace: &[crate::trace::Step], lang: Lang) {
    for step in trace {
        // Ratios as percentages, as the workbook shows them (the exact
        // figure is the JSON's); other figures exact.
        let value = step
            .value
            .map(|v| {
                if super::is_ratio(&step.figure) {
                    super::pay::percent_text(v)
                } else {
                    crate::trace::figure_text(v)
                }
            })
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            s,
            "\n{} = {value}    [{}]",
            words.figure(&step.figure),
            words.rule(&step.rule)
        );
        let _ = writeln!(
            s,
            "  {}{}",
            text::explain_formula(lang),
            words.text(&step.formula)
        );
        for i in &step.inputs {
            let _ = writeln!(s, "  {} = {}", words.text(&i.name), words.text(&i.value));
        }
    }
}

fn risk_lines(s: &mut String, policy: &Policy, p: &crate::engine::pay::Payslip, lang: Lang) {
    let m = |d| amount_text(d, policy.settings.money.scale);
    let _ = writeln!(
        s,
        "{}",
        text::explain_risk(
            lang,
            m(p.risk.opening),
            m(p.risk.withheld),
            m(p.risk.offset),
            m(p.risk.released),
            m(p.risk.closing)
        )
    );
    if lang == Lang::Zh && p.risk.movements.is_empty() {
        // No movement: why, as the risk-deposit sheet says it.
        let _ = writeln!(s, "  {}", super::pay::movements_text(&p.risk, lang));
        return;
    }
    for mv in &p.risk.movements {
        // In Chinese, each movement by the risk-deposit sheet's word for
        // it; in English by its kind's id (as the JSON's `kind`).
        let kind = match (lang, mv.kind) {
            (Lang::En, k) => k.id(),
            (_, MovementKind::Withheld) => text::pay_move_withheld(lang),
            (_, MovementKind::LossOffset) => text::pay_move_offset(lang),
            (_, MovementKind::Released | MovementKind::ExcessReleased) => {
                text::pay_move_released(lang)
            }
        };
        let _ = writeln!(
            s,
            "  {kind} {}{}{}",
            m(mv.amount),
            text::colon(lang),
            mv.reason.get(lang)
        );
    }
}

/// A leaver whom the month's ledger no longer lists, released from the
/// carried state.
pub fn explain_off_roster(policy: &Policy, run: &RunInfo, r: &OffRoster, lang: Lang) -> String {
    let mut s = String::new();
    let words = TraceWords::new(policy, lang);
    // The policy's name of the tier (`name_en` in English), or its id as
    // recorded where the policy no longer has it.
    let tier = match r.tier.as_deref() {
        Some(id) => super::pay::tier_id_name(policy, Some(id), lang),
        None => "—".to_string(),
    };
    let _ = writeln!(
        s,
        "{}",
        text::explain_head(
            lang,
            &r.rm_id,
            r.name.as_deref().unwrap_or("—"),
            tier,
            run.period,
            &policy.id,
            &policy.version,
            &policy.file,
            &run.ledger_file
        )
    );
    let _ = writeln!(s, "{}", text::explain_off_roster(lang, r.left_on));
    let _ = writeln!(
        s,
        "{}",
        text::explain_opening(lang, text::run_opening(&run.opening, lang))
    );
    steps(&mut s, &words, &r.trace, lang);
    let m = |d| amount_text(d, policy.settings.money.scale);
    let _ = writeln!(
        s,
        "\n{}",
        text::explain_released(lang, m(r.pay.released), m(r.pay.payout))
    );
    risk_lines(&mut s, policy, &r.pay, lang);
    s
}

pub fn explain_text(policy: &Policy, run: &RunInfo, r: &RmResult, lang: Lang) -> String {
    let mut s = String::new();
    let words = TraceWords::new(policy, lang);
    let _ = writeln!(
        s,
        "{}",
        text::explain_head(
            lang,
            &r.rm.rm_id,
            &r.rm.name,
            // Not a text: the policy's name of the tier (`name_en` in
            // English; was the id), or its id where it has none.
            super::pay::tier_name(policy, r, lang),
            run.period,
            &policy.id,
            &policy.version,
            &policy.file,
            &run.ledger_file
        )
    );
    let _ = writeln!(
        s,
        "{}",
        text::explain_opening(lang, text::run_opening(&run.opening, lang))
    );
    steps(&mut s, &words, &r.month.trace, lang);
    let p = &r.pay;
    let m = |d| amount_text(d, policy.settings.money.scale);
    let _ = writeln!(
        s,
        "\n{}",
        text::explain_pay(
            lang,
            m(p.gross),
            m(p.deductions_total),
            m(p.holdback),
            m(p.net),
            m(p.released),
            m(p.payout)
        )
    );
    risk_lines(&mut s, policy, p, lang);
    if r.flags.is_empty() {
        let _ = writeln!(s, "{}", text::explain_no_exceptions(lang));
    } else {
        let _ = writeln!(s, "{}", text::explain_exceptions(lang));
        for f in &r.flags {
            if lang == Lang::Zh {
                // As the exceptions sheet words it: figures with separators,
                // ratios as percentages.
                let _ = writeln!(
                    s,
                    "{}",
                    text::explain_exception(
                        lang,
                        // The engine's own check (`pay`) in words, a
                        // policy rule by its id.
                        words.rule(&f.rule),
                        super::pay::check_label(f.check, lang),
                        super::pay::flag_text(f, lang),
                        f.cell
                            .as_ref()
                            .map(|c| format!("（{c}）"))
                            .unwrap_or_default()
                    )
                );
                continue;
            }
            let v = f
                .value
                .map(|v| v.normalize().to_string())
                .unwrap_or_default();
            let t = f
                .threshold
                .map(|v| v.normalize().to_string())
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  [{}] {} {}{}{}",
                f.rule,
                f.check,
                f.subject,
                text::explain_value_threshold(lang, v, t),
                f.cell
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            );
        }
    }
    s
}
