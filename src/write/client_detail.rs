//! The client detail file (`client-detail-YYYY-MM.csv`): a month's
//! client-level rows beside the pay workbook, when there are too many for
//! it (`payroll --client-detail`, [`crate::pipeline::month::ClientDetail`]).
//!
//! A data file, for a spreadsheet's or a warehouse's pivot: figures in
//! columns, no sentences. One row per RM, client and place the client's
//! deposits were read (an account of the daily balances, or a row of the
//! monthly averages; one row with those columns empty for a client
//! without deposits), the RMs' blocks in the month's order (the
//! register's), each RM's clients in id order, each client's accounts in
//! the ledger's order; so each RM's rows are the ones its trace names.
//! Columns: the client sheet's (客户明细; the client's figures, repeated on
//! each of its account rows), the clients sheet's row of the assignment,
//! then the account: its id, product, days, Σ daily balances, the part of
//! it counted (0 for a product the policy excludes) and the first and
//! last row of its daily rows. The rule is stated once, in the trace: an
//! RM's deposit daily average is Σ over its rows of (counted balance sum ×
//! share) ÷ the month's days. CSV (RFC 4180, CRLF) in UTF-8 with a
//! byte-order mark, so Excel and WPS open it as UTF-8; figures as plain
//! decimals (the share a fraction, `0.6`; daily averages to two places as
//! the sheet shows them; balance sums exact); rows numbered as rmpay's
//! messages number them (a workbook's row, a CSV file's line, a Parquet
//! file's record). A text cell beginning with `=`, `+`, `-` or `@` is
//! written with a leading `'`, so a spreadsheet shows it as text and never
//! runs it as a formula.

use crate::decimal::RoundAway as _;
use crate::engine::pay::{Payroll, RmResult};
use crate::ledger::{Deposits, Ledger, SheetKind};
use crate::metrics::monthly::ClientMonth;
use crate::policy::Policy;
use crate::text::{self, Lang};
use crate::vocab::Product;
use rust_decimal::Decimal;
use std::io::Write;

/// RMs written at a time (on every core) before their rows are written
/// out: bounds the memory of rows waiting to be written.
const RMS_PER_BATCH: usize = 64;

/// Writes the month's client detail file to `w`: the byte-order mark, the
/// header and every row.
pub fn write_client_detail(
    policy: &Policy,
    payroll: &Payroll,
    ledger: &Ledger,
    lang: Lang,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, w);
    let mut head = Vec::with_capacity(512);
    head.extend_from_slice("\u{feff}".as_bytes());
    for (i, c) in text::CLIENT_COLUMNS
        .iter()
        .chain(text::DETAIL_FILE_COLUMNS)
        .enumerate()
    {
        if i > 0 {
            head.push(b',');
        }
        text_field(&mut head, c.title(lang));
    }
    head.extend_from_slice(b"\r\n");
    out.write_all(&head)?;
    let file = File {
        clients: payroll.clients.values().collect(),
        ledger,
        excluded: &policy.settings.excluded_products,
        lang,
    };
    // The rows are made on a thread of their own (itself sharing each
    // batch between the cores), a batch ahead of their writing here: the
    // copy into the file (a sixth of the file's time on a city bank's
    // month) is no longer waited for between batches. The batches are
    // written in the register's order, so the bytes do not depend on the
    // threads.
    let (made, batches) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
    let file = &file;
    std::thread::scope(|s| {
        let maker = s.spawn(move || {
            for batch in payroll.results.chunks(RMS_PER_BATCH) {
                let parts = crate::par::map(batch, 8, |r| file.rm_rows(r));
                // The writer stopped (a write failed): nothing more to make.
                if made.send(parts).is_err() {
                    break;
                }
            }
        });
        let written = (|| {
            for parts in &batches {
                for part in parts {
                    out.write_all(&part)?;
                }
            }
            out.flush()
        })();
        // A failed write ends the loop above: the maker's next batch finds
        // no one to take it, and it stops.
        drop(batches);
        if let Err(panic) = maker.join() {
            std::panic::resume_unwind(panic);
        }
        written
    })
}

/// What every RM's rows are written from.
struct File<'a> {
    /// The month's clients in id order (`RmClient::pos` points here).
    clients: Vec<&'a ClientMonth>,
    ledger: &'a Ledger,
    excluded: &'a [Product],
    lang: Lang,
}

impl File<'_> {
    /// A product in the file's language.
    fn product(&self, p: Product) -> &'static str {
        match self.lang {
            Lang::Zh => p.zh(),
            Lang::En => p.en(),
        }
    }

    /// A row of a ledger sheet as rmpay's messages number it (`row_ref`):
    /// a workbook's row and a CSV file's line from 1, a Parquet file's
    /// record from 1 (the reader's row 0 is its schema).
    fn shown_row(&self, kind: SheetKind, row: u32) -> u32 {
        match self.ledger.form(kind) {
            Some(crate::ledger::FileForm::Parquet { .. }) => row,
            _ => row + 1,
        }
    }

    /// One RM's rows: each of its clients (as the month listed them), with
    /// the clients sheet's row that gave the share, once per account.
    fn rm_rows(&self, r: &RmResult) -> Vec<u8> {
        let rm_id = r.rm.rm_id.as_str();
        let mut w = Vec::with_capacity(r.month.clients.len() * 224);
        // The client's part of its rows, written once and repeated.
        let mut client = Vec::with_capacity(256);
        // The RM's id as a field, the same on each of its rows.
        let mut rm_field = Vec::with_capacity(rm_id.len());
        text_field(&mut rm_field, rm_id);
        self.warm(r);
        for rc in &r.month.clients {
            let Some(c) = self.clients.get(rc.pos as usize) else {
                continue;
            };
            let (share, row) = (&rc.share, rc.row);
            client.clear();
            text_field(&mut client, &c.client_id);
            client.push(b',');
            text_field(&mut client, c.client_name.as_deref().unwrap_or_default());
            client.push(b',');
            client.extend_from_slice(&rm_field);
            client.push(b',');
            decimal(&mut client, share.normalize());
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
                client.push(b',');
                money(&mut client, v);
            }
            client.push(b',');
            number(&mut client, self.shown_row(SheetKind::Clients, row));
            client.push(b',');
            self.account_rows(&mut w, &client, c);
        }
        w
    }

    /// Reads the first byte of each of the RM's clients' ids and of their
    /// accounts' ids, before its rows are written. The rows' time was
    /// mostly waiting for these (cache misses: an RM's clients are spread
    /// over the month's list and the ledger's accounts); read here, with
    /// nothing else depending on each read, the processor overlaps the
    /// waits, and the rows then find the ids in its cache.
    fn warm(&self, r: &RmResult) {
        let accounts = match &self.ledger.deposits {
            Deposits::Daily { accounts, .. } => accounts.as_slice(),
            Deposits::Averages(_) => &[],
        };
        let mut x = 0u8;
        for rc in &r.month.clients {
            let Some(c) = self.clients.get(rc.pos as usize) else {
                continue;
            };
            x ^= c.client_id.as_bytes().first().copied().unwrap_or(0);
            for a in c.sources.iter().filter_map(|&i| accounts.get(i as usize)) {
                x ^= a.account_id.as_bytes().first().copied().unwrap_or(0);
            }
        }
        std::hint::black_box(x);
    }

    /// A client's rows after its part `client` (which ends with a comma):
    /// one per account (or monthly average row), or one with the account's
    /// columns empty.
    fn account_rows(&self, w: &mut Vec<u8>, client: &[u8], c: &ClientMonth) {
        let counted = |p: Product, sum: Decimal| {
            if self.excluded.contains(&p) {
                Decimal::new(0, sum.scale())
            } else {
                sum
            }
        };
        let mut rows = 0;
        match &self.ledger.deposits {
            Deposits::Daily { accounts, .. } => {
                for a in c.sources.iter().filter_map(|&i| accounts.get(i as usize)) {
                    w.extend_from_slice(client);
                    text_field(w, &a.account_id);
                    w.push(b',');
                    w.extend_from_slice(self.product(a.product).as_bytes());
                    w.push(b',');
                    number(w, a.rows);
                    w.push(b',');
                    decimal(w, a.balance_sum);
                    w.push(b',');
                    decimal(w, counted(a.product, a.balance_sum));
                    w.push(b',');
                    number(w, self.shown_row(SheetKind::Deposits, a.first_row));
                    w.push(b',');
                    number(w, self.shown_row(SheetKind::Deposits, a.last_row));
                    w.extend_from_slice(b"\r\n");
                    rows += 1;
                }
            }
            Deposits::Averages(avg) => {
                let days = self.ledger.period.days();
                for a in c.sources.iter().filter_map(|&i| avg.get(i as usize)) {
                    // The month's balance-days as the figures count them:
                    // the sum handed over, or the average × the days.
                    let sum = a
                        .balance_sum
                        .unwrap_or_else(|| a.daily_average * Decimal::from(days));
                    let at = self.shown_row(a.src.sheet, a.src.row);
                    w.extend_from_slice(client);
                    w.push(b',');
                    w.extend_from_slice(self.product(a.product).as_bytes());
                    w.push(b',');
                    number(w, days);
                    w.push(b',');
                    decimal(w, sum);
                    w.push(b',');
                    decimal(w, counted(a.product, sum));
                    w.push(b',');
                    number(w, at);
                    w.push(b',');
                    number(w, at);
                    w.extend_from_slice(b"\r\n");
                    rows += 1;
                }
            }
        }
        if rows == 0 {
            w.extend_from_slice(client);
            w.extend_from_slice(b",,,,,,,\r\n");
        }
    }
}

/// A text field, quoted as a CSV field must be ([`super::csv_field`]),
/// with a leading `'` where a spreadsheet would take it for a formula.
/// Most fields (ids, names) need neither and are copied as they are,
/// after one pass over their bytes (the characters `csv_field` looks for
/// are ASCII, so a byte of theirs is never part of another character).
fn text_field(w: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'=' | b'+' | b'-' | b'@'))
        && !b.iter().any(|c| matches!(c, b',' | b'"' | b'\r' | b'\n'))
    {
        w.extend_from_slice(b);
        return;
    }
    if matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@')) {
        w.extend_from_slice(super::csv_field(&format!("'{s}"), ',').as_bytes());
    } else {
        w.extend_from_slice(super::csv_field(s, ',').as_bytes());
    }
}

/// An unsigned whole number.
fn number(w: &mut Vec<u8>, n: u32) {
    w.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A decimal as `Decimal`'s `Display` writes it (every place of its scale,
/// no separators), straight into `w`: no string made per figure (a city
/// bank's month writes about twelve million); the mantissa's digits by
/// `itoa`, the point put among them.
fn decimal(w: &mut Vec<u8>, d: Decimal) {
    digits(
        w,
        d.is_sign_negative(),
        d.mantissa().unsigned_abs(),
        d.scale(),
    );
}

/// [`decimal`]'s digits: the whole number `m` with `scale` of its digits
/// after the point, `-` before it when `negative` and not zero.
fn digits(w: &mut Vec<u8>, negative: bool, m: u128, scale: u32) {
    let scale = scale as usize;
    let mut buf = itoa::Buffer::new();
    // Most figures fit 64 bits, whose digits are written faster.
    let digits = match u64::try_from(m) {
        Ok(m) => buf.format(m),
        Err(_) => buf.format(m),
    }
    .as_bytes();
    if negative && m != 0 {
        w.push(b'-');
    }
    if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        w.extend_from_slice(int);
        if scale > 0 {
            w.push(b'.');
            w.extend_from_slice(frac);
        }
    } else {
        // At least one digit before the point (0.05: mantissa 5, scale 2).
        w.extend_from_slice(b"0.");
        w.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        w.extend_from_slice(digits);
    }
}

/// A figure to two places, as the client sheet shows it: rounded half
/// away from zero ([`crate::decimal::RoundAway::at_places`]), skipped for
/// a figure already at two places (most of them: sums of the ledger's fen).
fn two_places(d: Decimal) -> Decimal {
    if d.scale() == 2 { d } else { d.at_places(2) }
}

/// `decimal(w, two_places(d))`, the same bytes, with the rounding of a
/// figure of more places (a daily average: a quotient of up to 28 places)
/// done on its whole number: m ÷ 10^(places − 2), plus one where the part
/// cut off is half or more (half away from zero; the sign is put back
/// after). Five figures of each client row of a city bank's month.
fn money(w: &mut Vec<u8>, d: Decimal) {
    let scale = d.scale();
    if scale <= 2 {
        return decimal(w, two_places(d));
    }
    // 10^26 at most (a Decimal has at most 28 places): well within u128.
    let div = 10u128.pow(scale - 2);
    let m = d.mantissa().unsigned_abs();
    let (q, r) = (m / div, m % div);
    // r < div ≤ 10^26, so 2r does not overflow.
    let q = if 2 * r >= div { q + 1 } else { q };
    digits(w, d.is_sign_negative(), q, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(d: Decimal) -> String {
        let mut w = Vec::new();
        decimal(&mut w, d);
        String::from_utf8(w).unwrap()
    }

    /// The file's decimals are `Display`'s, byte for byte, over every
    /// scale and sign and the extremes.
    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for (m, s) in [
            (0i64, 0u32),
            (0, 2),
            (5, 0),
            (5, 2),
            (-5, 2),
            (27_900_000_000, 2),
            (-1, 28),
            (123_456_789, 4),
            (100, 1),
            (i64::MAX, 10),
            (i64::MIN + 1, 3),
        ] {
            let d = Decimal::new(m, s);
            assert_eq!(dec(d), d.to_string(), "{m} e-{s}");
        }
        for d in [Decimal::MAX, Decimal::MIN, Decimal::new(1, 28)] {
            assert_eq!(dec(d), d.to_string());
        }
        // Past 64 bits: 2^64 = 18,446,744,073,709,551,616, at 3 places.
        let big = Decimal::from_i128_with_scale(1 << 64, 3);
        assert_eq!(dec(big), "18446744073709551.616");
        assert_eq!(dec(-big), "-18446744073709551.616");
    }

    /// Two places as the sheet rounds them: half away from zero (2.345 →
    /// 2.35, −2.345 → −2.35), padded (7 → 7.00, 0.1 → 0.10).
    #[test]
    fn figures_to_two_places() {
        for (m, s, out) in [
            (2345, 3, "2.35"),
            (-2345, 3, "-2.35"),
            (7, 0, "7.00"),
            (1, 1, "0.10"),
            (123, 2, "1.23"),
        ] {
            assert_eq!(dec(two_places(Decimal::new(m, s))), out);
        }
    }

    /// `money` writes what `decimal(two_places(…))` writes, byte for
    /// byte: the halves away from zero (2.345 → 2.35, −2.345 → −2.35,
    /// 0.005 → 0.01, −0.004 → 0.00 with no sign), every scale from 0 to
    /// 28, the extremes, and 200,000 figures of a fixed pseudo-random
    /// sequence (mantissas up to 96 bits).
    #[test]
    fn money_is_two_places_written() {
        let check = |d: Decimal| {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            money(&mut fast, d);
            decimal(&mut slow, two_places(d));
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(slow).unwrap(),
                "{d:?}"
            );
        };
        for (m, s) in [
            (2345i64, 3u32),
            (-2345, 3),
            (5, 3),
            (-5, 3),
            (4, 3),
            (-4, 3),
            (0, 5),
            (999_995, 4),
            (-999_995, 4),
            (1, 28),
            (5, 28),
            (7, 0),
            (-7, 1),
        ] {
            check(Decimal::new(m, s));
        }
        for d in [Decimal::MAX, Decimal::MIN, Decimal::new(1, 28)] {
            check(d);
            check(d / Decimal::from(7));
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..200_000 {
            let (a, b) = (next(), next());
            let m = ((a as i128) << 32 | (b >> 32) as i128) >> (b % 64);
            let m = if b & 1 == 0 { m } else { -m };
            check(Decimal::from_i128_with_scale(m, (a % 29) as u32));
        }
    }

    /// Quoting as RFC 4180 asks, and a formula made text.
    #[test]
    fn text_fields_are_quoted_where_needed_and_never_formulas() {
        let f = |s: &str| {
            let mut w = Vec::new();
            text_field(&mut w, s);
            String::from_utf8(w).unwrap()
        };
        assert_eq!(f("东湖机械有限公司"), "东湖机械有限公司");
        assert_eq!(f("a,b"), "\"a,b\"");
        assert_eq!(f("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(f("=1+1"), "'=1+1");
        assert_eq!(f("-1,2"), "\"'-1,2\"");
        assert_eq!(f(""), "");
        // Each character that needs quoting, anywhere in the field, and
        // one that leads to a formula, on its own.
        assert_eq!(f("a\rb"), "\"a\rb\"");
        assert_eq!(f("a\nb"), "\"a\nb\"");
        assert_eq!(f("中,文"), "\"中,文\"");
        assert_eq!(f("ab\""), "\"ab\"\"\"");
        assert_eq!(f("@x"), "'@x");
        assert_eq!(f("+"), "'+");
        assert_eq!(f("a=b-c"), "a=b-c");
    }

    #[test]
    fn numbers() {
        for n in [0, 7, 10, 302, u32::MAX] {
            let mut w = Vec::new();
            number(&mut w, n);
            assert_eq!(String::from_utf8(w).unwrap(), n.to_string());
        }
    }
}
