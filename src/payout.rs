//! The pay-out file (代发工资) of a closed month: one payment per RM with
//! an amount to pay (the register's total paid), to the salary card read
//! from the month's archived ledger, laid out as the policy's `[payout]`
//! profile says, with the control record (count and total). Pure: builds
//! the rows; `write::payout` encodes them.

use crate::decimal::RoundAway as _;
use crate::diag::Code;
use crate::diag::{Diagnostics, Location};
use crate::ledger::{Ledger, SheetKind, mask_card};
use crate::policy::payout::{
    ControlAt, Encoding, Field, Part, Payout, PayoutFormat, Template, Var,
};
use crate::text::archive as says;
use crate::{PayrollRun, period::Period};
use rust_decimal::Decimal;

/// One cell of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PCell {
    Text(String),
    /// A count or sequence number.
    Int(u64),
    /// An amount, already at the profile's places.
    Amount(Decimal),
}

impl PCell {
    /// The cell as a CSV field shows it.
    pub fn text(&self) -> String {
        match self {
            PCell::Text(s) => s.clone(),
            PCell::Int(n) => n.to_string(),
            PCell::Amount(d) => d.to_string(),
        }
    }
}

/// The file's records, in order (control record, header row, payments,
/// or payments then control record), with its count and total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutFile {
    pub records: Vec<Vec<PCell>>,
    pub count: u64,
    pub total: Decimal,
}

/// The characters a spreadsheet reads as the start of a formula in a cell
/// it opens from a CSV file.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// `d` at exactly `places` decimals, or `None` when that would round it.
fn at_places(d: Decimal, places: u32) -> Option<Decimal> {
    let r = d.at_places(places);
    (r == d).then_some(r)
}

fn fill(t: &Template, period: Period, vars: &dyn Fn(Var) -> Option<String>) -> String {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            Part::Text(s) => out.push_str(s),
            Part::Var(Var::Period) => out.push_str(&period.to_string()),
            Part::Var(Var::Year) => out.push_str(&period.year.to_string()),
            Part::Var(Var::Month) => out.push_str(&period.month.to_string()),
            Part::Var(v) => out.push_str(&vars(*v).unwrap_or_default()),
        }
    }
    out
}

/// Build the pay-out file of `r`, a closed month recomputed from the
/// archive. `ledger_path` names the archived ledger in errors, so each
/// missing or unusable card is located at its cell there. Every problem is
/// reported at once.
pub fn build(
    r: &PayrollRun,
    profile: &Payout,
    ledger_path: &str,
) -> Result<PayoutFile, Diagnostics> {
    let mut d = Diagnostics::new();
    let period = r.run.period;
    let ledger: &Ledger = &r.ledger;
    let sheet = ledger.sheet_name(SheetKind::Managers).to_string();
    let gbk = matches!(
        profile.format,
        PayoutFormat::Csv {
            encoding: Encoding::Gbk,
            ..
        }
    );
    let places = profile.amount_places;
    let mut payments: Vec<Vec<PCell>> = Vec::new();
    let mut total = Decimal::ZERO;
    // First row of each card, to refuse one card paid twice.
    let mut seen: Vec<(&str, u32)> = Vec::new();
    for res in &r.payroll.results {
        let amount = res.pay.payout;
        let Some(m) = ledger.managers.get(res.rm.ix) else {
            continue;
        };
        let at = |src: crate::ledger::Src| Location::cell(ledger_path, &sheet, src.row, src.col);
        if amount.is_sign_negative() && !amount.is_zero() {
            d.error(
                at(m.src),
                Code::NegativePayout,
                says::each(|l| says::negative_payout(&m.rm_id, period, says::amount(amount, l))),
            );
            continue;
        }
        if amount.is_zero() {
            continue;
        }
        // A name that a spreadsheet would read as a formula (CSV
        // injection): no person's name begins so.
        if let Some(ch) = m.name.chars().next().filter(|c| FORMULA_STARTS.contains(c)) {
            d.error(
                at(m.name_src),
                Code::FormulaName,
                says::name_like_formula(&m.rm_id, &m.name, ch),
            );
        }
        let Some(card) = &m.salary_card else {
            let (cell, found) = match m.salary_card_src {
                Some(src) => (src, says::card_cell_empty()),
                None => (m.src, says::no_card_column(card_header())),
            };
            d.error(
                at(cell),
                Code::MissingCard,
                says::around(&found, |found| {
                    says::missing_card(
                        &m.rm_id,
                        &m.name,
                        crate::report::pay::amount_text(amount, places),
                        period,
                        found,
                    )
                }),
            );
            continue;
        };
        let card_cell = m.salary_card_src.unwrap_or(m.src);
        if let Some(&(_, first)) = seen.iter().find(|(c, _)| *c == card.as_str()) {
            d.error(
                at(card_cell),
                Code::DuplicateCard,
                says::duplicate_card(mask_card(card), first + 1, &m.rm_id),
            );
        } else {
            seen.push((card, card_cell.row));
        }
        let Some(amount) = at_places(amount, places) else {
            d.error(
                at(m.src),
                Code::TooManyPlaces,
                says::each(|l| says::payout_places(&m.rm_id, says::amount(amount, l), places)),
            );
            continue;
        };
        let remark = fill(&profile.remark, period, &|v| match v {
            Var::RmId => Some(m.rm_id.clone()),
            Var::Name => Some(m.name.clone()),
            _ => None,
        });
        total += amount;
        let seq = payments.len() as u64 + 1;
        let row: Vec<PCell> = profile
            .columns
            .iter()
            .map(|c| match &c.field {
                Field::Seq => PCell::Int(seq),
                Field::Account => PCell::Text(card.clone()),
                Field::AccountName => PCell::Text(m.name.clone()),
                Field::Amount => PCell::Amount(amount),
                Field::Remark => PCell::Text(remark.clone()),
                Field::RmId => PCell::Text(m.rm_id.clone()),
                Field::Branch => PCell::Text(m.branch.clone().unwrap_or_default()),
                Field::Value(v) => PCell::Text(v.clone()),
            })
            .collect();
        if gbk {
            // The ledger's text (a rare character in a name or branch);
            // the profile's own text was checked when the policy was read.
            for (c, cell) in profile.columns.iter().zip(&row) {
                if let PCell::Text(t) = cell
                    && let Some(ch) = crate::policy::payout::not_in_gbk(t)
                {
                    d.error(
                        at(m.src),
                        Code::NotEncodable,
                        says::not_in_gbk(&c.header, &m.rm_id, ch),
                    );
                }
            }
        }
        payments.push(row);
    }
    if d.has_errors() {
        return Err(d);
    }
    let count = payments.len() as u64;
    let mut total_at = total;
    total_at.rescale(places);
    let control: Vec<PCell> = profile
        .control
        .fields
        .iter()
        .map(|t| match t.only() {
            Some(Var::Count) => PCell::Int(count),
            Some(Var::Total) => PCell::Amount(total_at),
            _ => PCell::Text(fill(t, period, &|v| match v {
                Var::Count => Some(count.to_string()),
                Var::Total => Some(total_at.to_string()),
                _ => None,
            })),
        })
        .collect();
    let mut records = Vec::new();
    if profile.control.at == ControlAt::Header {
        records.push(control.clone());
    }
    if profile.header_row {
        records.push(
            profile
                .columns
                .iter()
                .map(|c| PCell::Text(c.header.clone()))
                .collect(),
        );
    }
    records.extend(payments);
    if profile.control.at == ControlAt::Trailer {
        records.push(control);
    }
    Ok(PayoutFile {
        records,
        count,
        total: total_at,
    })
}

/// The salary-card column's Chinese header, as the ledger contract names
/// it (`工资卡号`).
fn card_header() -> &'static str {
    crate::ledger::guide::sheets()
        .into_iter()
        .filter(|g| g.kind == SheetKind::Managers)
        .flat_map(|g| g.columns)
        .find(|c| c.key == "salary_card")
        .map_or("工资卡号", |c| c.zh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_keep_their_places_and_are_never_rounded() {
        // 1234.5 at 2 places is 1234.50; 0.125 at 2 places would round.
        assert_eq!(at_places(dec!(1234.5), 2).unwrap().to_string(), "1234.50");
        assert_eq!(at_places(dec!(1234.500), 2).unwrap().to_string(), "1234.50");
        assert_eq!(at_places(dec!(0.125), 2), None);
    }

    #[test]
    fn cards_are_masked() {
        assert_eq!(mask_card("6222020200012341234"), "6222 **** **** 1234");
        assert_eq!(mask_card("6222020200011234"), "6222 **** **** 1234");
        assert_eq!(mask_card("12341234"), "**** 1234");
        assert_eq!(mask_card("1234"), "****");
    }
}
