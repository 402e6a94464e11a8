//! `rmpay explain`: one RM's month as text, every figure with its rule,
//! formula and inputs, down to the ledger cells.

use super::pay::{RunInfo, amount_text};
use crate::engine::pay::{OffRoster, RmResult};
use crate::policy::Policy;
use std::fmt::Write;

fn steps(s: &mut String, trace: &[crate::trace::Step]) {
    for step in trace {
        let value = step
            .value
            .map(|v| v.round_dp(6).normalize().to_string())
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(s, "\n{} = {value}    [{}]", step.figure, step.rule);
        let _ = writeln!(s, "  formula: {}", step.formula);
        for i in &step.inputs {
            let _ = writeln!(s, "  {} = {}", i.name, i.value);
        }
    }
}

fn risk_lines(s: &mut String, policy: &Policy, p: &crate::engine::pay::Payslip) {
    let m = |d| amount_text(d, policy.settings.money.scale);
    let _ = writeln!(
        s,
        "risk deposit: opening {} + withheld {} − offset {} − released {} = closing {}",
        m(p.risk.opening),
        m(p.risk.withheld),
        m(p.risk.offset),
        m(p.risk.released),
        m(p.risk.closing)
    );
    for mv in &p.risk.movements {
        let _ = writeln!(s, "  {} {}: {}", mv.kind.id(), m(mv.amount), mv.reason);
    }
}

/// A leaver whom the month's ledger no longer lists, released from the
/// carried state.
pub fn explain_off_roster(policy: &Policy, run: &RunInfo, r: &OffRoster) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} ({}), {}; policy `{}` {} ({}); ledger {}",
        r.rm_id,
        r.name.as_deref().unwrap_or("—"),
        r.tier.as_deref().unwrap_or("—"),
        run.period,
        policy.id,
        policy.version,
        policy.file,
        run.ledger_file
    );
    let _ = writeln!(
        s,
        "left on {}; not in this month's ledger: nothing is earned, the risk deposit is released from the carried state",
        r.left_on
    );
    let _ = writeln!(s, "opening state: {}", run.opening);
    steps(&mut s, &r.trace);
    let m = |d| amount_text(d, policy.settings.money.scale);
    let _ = writeln!(
        s,
        "\npay: released {}, total paid {}",
        m(r.pay.released),
        m(r.pay.payout)
    );
    risk_lines(&mut s, policy, &r.pay);
    s
}

pub fn explain_text(policy: &Policy, run: &RunInfo, r: &RmResult) -> String {
    let mut s = String::new();
    let tier = &policy.tiers[r.rm.tier];
    let _ = writeln!(
        s,
        "{} {} ({}), {}; policy `{}` {} ({}); ledger {}",
        r.rm.rm_id,
        r.rm.name,
        tier.id,
        run.period,
        policy.id,
        policy.version,
        policy.file,
        run.ledger_file
    );
    let _ = writeln!(s, "opening state: {}", run.opening);
    steps(&mut s, &r.month.trace);
    let p = &r.pay;
    let m = |d| amount_text(d, policy.settings.money.scale);
    let _ = writeln!(
        s,
        "\npay: gross {}, deductions {}, risk deposit withheld {}, net {}, released {}, total paid {}",
        m(p.gross),
        m(p.deductions_total),
        m(p.holdback),
        m(p.net),
        m(p.released),
        m(p.payout)
    );
    risk_lines(&mut s, policy, p);
    if r.flags.is_empty() {
        let _ = writeln!(s, "exceptions: none");
    } else {
        let _ = writeln!(s, "exceptions:");
        for f in &r.flags {
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
                "  [{}] {} {}: value {v}, threshold {t}{}",
                f.rule,
                f.check,
                f.subject,
                f.cell
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            );
        }
    }
    s
}
