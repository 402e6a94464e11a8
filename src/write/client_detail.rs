//! The client detail file (`client-detail-YYYY-MM.csv`): a month's
//! client-level rows beside the pay workbook, when there are too many for
//! it (`payroll --client-detail`, [`crate::pipeline::month::ClientDetail`]).
//!
//! One row per client and RM, the RMs' blocks in the month's order (the
//! register's), each RM's clients in id order, so each RM's clients are
//! the rows its trace names. Its columns are the client sheet's (客户明细),
//! then the client's counted balance sum (exact), then the trace's input
//! and input value for that client and RM, worded as the trace sheet words
//! them. CSV (RFC 4180, CRLF) in UTF-8 with a byte-order mark, so Excel
//! and WPS open it as UTF-8; figures as plain numbers (the share a
//! fraction, `0.6`; daily averages to two places as the sheet shows them;
//! the balance sum exact). A text cell beginning with `=`, `+`, `-` or
//! `@` is written with a leading `'`, so a spreadsheet shows it as text
//! and never runs it as a formula.

use crate::decimal::RoundAway as _;
use crate::engine::pay::Payroll;
use crate::ledger::Ledger;
use crate::metrics::monthly::ClientMonth;
use crate::policy::Policy;
use crate::text::{self, Lang};
use crate::vocab::Product;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::io::Write;

/// RMs worded at a time (on every core) before their rows are written:
/// bounds the memory of rows waiting to be written.
const RMS_PER_BATCH: usize = 64;

/// The header's titles in `lang`.
fn header(lang: Lang) -> Vec<&'static str> {
    text::CLIENT_COLUMNS
        .iter()
        .map(|c| c.title(lang))
        .chain([
            text::col_balance_sum(lang),
            text::col_input(lang),
            text::col_input_value(lang),
        ])
        .collect()
}

/// A text a spreadsheet would take for a formula, made text.
fn safe(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A daily average as the client sheet shows it, two places, into `out`.
fn fig(out: &mut String, d: Decimal) {
    use std::fmt::Write;
    let r = d.at_places(2);
    out.clear();
    // Writing to a String cannot fail.
    let _ = write!(out, "{r}");
}

/// Writes the month's client detail file to `w`: the byte-order mark, the
/// header and every client row.
pub fn write_client_detail(
    policy: &Policy,
    payroll: &Payroll,
    ledger: &Ledger,
    lang: Lang,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, w);
    out.write_all("\u{feff}".as_bytes())?;
    let mut head = csv_writer(Vec::new());
    head.write_record(header(lang))?;
    out.write_all(&into_bytes(head)?)?;
    let clients: Vec<&ClientMonth> = payroll.clients.values().collect();
    let words = crate::report::TraceWords::new(policy, lang);
    let excluded = &policy.settings.excluded_products;
    for batch in payroll.results.chunks(RMS_PER_BATCH) {
        let parts = crate::par::map(batch, 8, |r| {
            rm_rows(r, &clients, ledger, &words, excluded, lang == Lang::Zh)
        });
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    out.flush()
}

fn csv_writer(w: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w)
}

fn into_bytes(w: csv::Writer<Vec<u8>>) -> std::io::Result<Vec<u8>> {
    w.into_inner().map_err(|e| e.into_error())
}

/// One RM's rows: each of its clients (as the month listed them), with
/// the clients sheet's row that gave the share.
fn rm_rows(
    r: &crate::engine::pay::RmResult,
    clients: &[&ClientMonth],
    ledger: &Ledger,
    words: &crate::report::TraceWords,
    excluded: &[Product],
    zh: bool,
) -> std::io::Result<Vec<u8>> {
    let rm_id = r.rm.rm_id.as_str();
    let mut w = csv_writer(Vec::with_capacity(r.month.clients.len() * 320));
    use crate::metrics::monthly;
    use std::fmt::Write as _;
    let (mut name_buf, mut value_buf) = (String::with_capacity(64), String::with_capacity(256));
    let mut num = String::with_capacity(32);
    // A client listed twice for the RM: its second row of the sheet.
    let mut seen: (u32, usize) = (u32::MAX, 0);
    for ((_, share), &pos) in r.month.clients.iter().zip(&r.month.client_pos) {
        let Some(c) = clients.get(pos as usize) else {
            continue;
        };
        let nth = if seen.0 == pos { seen.1 + 1 } else { 0 };
        seen = (pos, nth);
        let row = c
            .assignments
            .iter()
            .filter(|(id, _, _)| id == rm_id)
            .nth(nth)
            .map_or(0, |a| a.2);
        monthly::client_input_name(&mut name_buf, ledger, c, row);
        monthly::client_input_value(&mut value_buf, ledger, c, *share, excluded);
        let (name, value) = if zh {
            (
                Cow::Owned(words.text(&name_buf)),
                Cow::Owned(words.text(&value_buf)),
            )
        } else {
            (
                Cow::Borrowed(name_buf.as_str()),
                Cow::Borrowed(value_buf.as_str()),
            )
        };
        // The row, field by field: the numbers written through one
        // buffer (a month has 666,667 rows of nine figures).
        w.write_field(safe(&c.client_id).as_bytes())?;
        w.write_field(safe(c.client_name.as_deref().unwrap_or_default()).as_bytes())?;
        w.write_field(safe(rm_id).as_bytes())?;
        num.clear();
        let _ = write!(num, "{}", share.normalize());
        w.write_field(num.as_bytes())?;
        for v in [
            c.by_product.get(Product::Demand),
            c.by_product.get(Product::Time),
            c.by_product.get(Product::Agreement),
            c.deposit_daily_average,
            c.deposit_daily_average * share,
            c.loan_balance,
            c.npl_balance,
            c.fee_income,
        ] {
            fig(&mut num, v);
            w.write_field(num.as_bytes())?;
        }
        num.clear();
        let _ = write!(num, "{}", c.counted_sum);
        w.write_field(num.as_bytes())?;
        w.write_field(safe(&name).as_bytes())?;
        w.write_field(safe(&value).as_bytes())?;
        w.write_record(None::<&[u8]>)?;
    }
    into_bytes(w)
}
