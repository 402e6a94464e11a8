//! `rmpay compare`: a proposed policy against the one a closed period was
//! paid under, RM by RM and pay line by pay line.

use super::{BookHead, Cell, Lang, RowStyle, Sheet, Sink, col};
use crate::engine::pay::{Payroll, RmResult};
use crate::policy::Policy;
use crate::text;
use rust_decimal::Decimal;

/// One side of a comparison: a month computed under one policy.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub policy: &'a Policy,
    pub payroll: &'a Payroll,
    pub run: &'a super::pay::RunInfo,
}

pub fn head(base: &Run<'_>, proposed: &Run<'_>, lang: Lang) -> BookHead {
    BookHead {
        title: text::cmp_title(
            lang,
            // Not a text: the policy's own name in either language.
            match lang {
                Lang::Zh => &base.policy.name,
                Lang::En => base.policy.name_en.as_deref().unwrap_or(&base.policy.id),
            },
            base.run.period,
            &base.policy.version,
            &proposed.policy.version,
        ),
        page: super::PageText::new(lang),
        money_scale: base.policy.settings.money.scale,
        date: base.run.period.last_day(),
    }
}

fn line_ids(a: &Run<'_>, b: &Run<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in [a, b] {
        for l in &r.policy.pay.lines {
            if !out.iter().any(|(id, _)| *id == l.id) {
                out.push((l.id.clone(), l.name.clone()));
            }
        }
    }
    out
}

fn amount(r: Option<&RmResult>, id: &str) -> Decimal {
    r.and_then(|r| r.pay.lines.iter().find(|l| l.rule == id))
        .map(|l| l.amount)
        .unwrap_or_default()
}

/// Emit the comparison; returns (gross before, gross after, net before,
/// net after).
pub fn compare_book(
    base: &Run<'_>,
    proposed: &Run<'_>,
    lang: Lang,
    sink: &mut dyn Sink,
) -> (Decimal, Decimal, Decimal, Decimal) {
    let lines = line_ids(base, proposed);
    let (was, now, diff) = (
        text::cmp_current(lang),
        text::cmp_proposed(lang),
        text::cmp_difference(lang),
    );
    let mut cols = vec![
        col(text::col_rm_id(lang), 12.0),
        col(text::col_name(lang), 10.0),
        col(text::col_tier(lang), 12.0),
    ];
    for (id, name) in &lines {
        // Not a text: the policy's name of the line, or its id.
        let label = if lang == Lang::Zh {
            name.clone()
        } else {
            id.clone()
        };
        for part in [was, now, diff] {
            cols.push(col(&format!("{label} {part}"), 14.0));
        }
    }
    // Every figure between gross and what is paid, so that each row ties
    // out as the register's does: net = gross − deductions + adjustments −
    // withheld, paid = net + released.
    for title in [
        text::gross_total,
        text::deductions_total,
        text::adjustments_total,
        text::cmp_withheld,
        text::net_pay,
        text::risk_released,
        text::total_paid,
    ] {
        for part in [was, now, diff] {
            cols.push(col(&format!("{} {part}", title(lang)), 14.0));
        }
    }
    let mut sheet = Sheet::new(sink, text::cmp_per_rm(lang), cols);
    sheet.freeze_columns = 2;
    sheet.landscape = true;
    // Three columns per pay line: printed at full size in column groups,
    // the RM's id and name repeated on each.
    sheet.print.fit_width = false;
    let mut ids: Vec<&str> = base
        .payroll
        .results
        .iter()
        .map(|r| r.rm.rm_id.as_str())
        .collect();
    for r in &proposed.payroll.results {
        if !ids.contains(&r.rm.rm_id.as_str()) {
            ids.push(&r.rm.rm_id);
        }
    }
    let mut totals = vec![Decimal::ZERO; lines.len() * 3 + 21];
    for id in ids {
        let a = base.payroll.results.iter().find(|r| r.rm.rm_id == id);
        let b = proposed.payroll.results.iter().find(|r| r.rm.rm_id == id);
        let any = a.or(b);
        let mut row = vec![
            Cell::text(id),
            Cell::text(any.map(|r| r.rm.name.clone()).unwrap_or_default()),
            Cell::text(
                any.map(|r| super::pay::tier_name(base.policy, r, lang))
                    .unwrap_or_default(),
            ),
        ];
        let mut k = 0;
        let mut triple = |row: &mut Vec<Cell>, x: Decimal, y: Decimal| {
            for v in [x, y, y - x] {
                row.push(Cell::Money(v));
                totals[k] += v;
                k += 1;
            }
        };
        for (lid, _) in &lines {
            triple(&mut row, amount(a, lid), amount(b, lid));
        }
        let g = |r: Option<&RmResult>, f: fn(&RmResult) -> Decimal| r.map(f).unwrap_or_default();
        let figures: [fn(&RmResult) -> Decimal; 7] = [
            |r| r.pay.gross,
            |r| r.pay.deductions_total,
            |r| r.pay.adjustments_total,
            |r| r.pay.holdback,
            |r| r.pay.net,
            |r| r.pay.released,
            |r| r.pay.payout,
        ];
        for f in figures {
            triple(&mut row, g(a, f), g(b, f));
        }
        sheet.push(row);
    }
    let mut row = vec![Cell::text(text::total(lang)), Cell::Empty, Cell::Empty];
    row.extend(totals.iter().map(|v| Cell::Money(*v)));
    sheet.push_styled(RowStyle::Total, row);
    drop(sheet);

    let mut info = Sheet::new(
        sink,
        text::manifest_sheet(lang),
        vec![
            col(text::col_item(lang), 24.0),
            col(text::col_content(lang), 70.0),
        ],
    );
    let kv = |k: &str, v: String| vec![Cell::text(k), Cell::text(v)];
    info.push(kv(text::manifest_period(lang), base.run.period.to_string()));
    info.push(kv(
        text::cmp_current_policy(lang),
        format!(
            "{} {} SHA-256 {}",
            base.policy.id, base.policy.version, base.policy.sha256
        ),
    ));
    info.push(kv(
        text::cmp_proposed_policy(lang),
        format!(
            "{} {} SHA-256 {}",
            proposed.policy.id, proposed.policy.version, proposed.policy.sha256
        ),
    ));
    info.push(kv(
        text::ledger_label(lang),
        format!(
            "{} SHA-256 {}",
            base.run.ledger_file, base.run.ledger_sha256
        ),
    ));
    info.push(kv(
        text::cmp_opening_state(lang),
        crate::text::run_opening(&base.run.opening, lang),
    ));
    info.push(kv(
        text::col_note(lang),
        text::cmp_comparison_does_not_change(lang).to_string(),
    ));
    drop(info);
    let n = lines.len() * 3;
    // gross is the first triple after the lines, net the fifth.
    (totals[n], totals[n + 1], totals[n + 12], totals[n + 13])
}
