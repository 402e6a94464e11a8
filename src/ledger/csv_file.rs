//! A CSV sheet file of a ledger folder, streamed record by record.
//!
//! The encoding is decided per file: valid UTF-8 (with or without a BOM)
//! is UTF-8, anything else is GB18030 (a superset of GBK, what Chinese core
//! systems export), decoded with `encoding_rs` as it is read; bytes that
//! are neither are an error at their line, never replaced.
//!
//! Parsing (the `csv` crate, decoding, and checking each record's UTF-8)
//! runs on a thread of its own and hands batches of records to the
//! reader, which checks and sums them on the calling thread: two cores on
//! a big month. A big file's encoding is decided on two threads, a half
//! each. A record's row is its first line (0-based), its columns its
//! fields.

use super::Reader;
use super::cell::Cv;
use super::deposits::TypedRow;
use super::folder::FileError;
use super::model::SheetKind;
use crate::diag::Code;
use crate::diag::Location;
use crate::text::ledger as says;
use csv::StringRecord;
use std::io::{Read, Seek};
use std::path::Path;

/// Records a batch; batches on their way at once.
const BATCH: usize = 2048;
const BATCHES: usize = 2;

enum Encoding {
    Utf8 { bom: bool },
    Gb18030,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Files from this size on have their encoding decided on two threads.
const HALVES_FROM: u64 = 1 << 20;

/// Valid UTF-8 from end to end, or GB18030. A big file is checked in two
/// halves at once, the second from the first byte at or after the middle
/// that starts a character (not `10xxxxxx`): the file is UTF-8 exactly
/// when both halves are, the first ending on a whole character.
fn detect(path: &Path) -> std::io::Result<Encoding> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = [0u8; 3];
    let n = f.read(&mut head)?;
    let bom = head.get(..n) == Some(BOM);
    f.rewind()?;
    let utf8 = if len < HALVES_FROM {
        is_utf8(f)?
    } else {
        let mut mid = len / 2;
        f.seek(std::io::SeekFrom::Start(mid))?;
        let mut probe = [0u8; 4];
        let got = f.read(&mut probe)?;
        mid += probe
            .iter()
            .take(got)
            .take_while(|&&b| b & 0xC0 == 0x80)
            .count() as u64;
        f.rewind()?;
        let mut second = std::fs::File::open(path)?;
        second.seek(std::io::SeekFrom::Start(mid))?;
        let (a, b) = std::thread::scope(|s| {
            let b = s.spawn(move || is_utf8(second));
            let a = is_utf8(f.take(mid));
            (a, b.join())
        });
        // A panic of the second half's check is not this file's: resumed.
        let b = b.unwrap_or_else(|p| std::panic::resume_unwind(p));
        a? && b?
    };
    Ok(if utf8 {
        Encoding::Utf8 { bom }
    } else {
        Encoding::Gb18030
    })
}

/// Whether what `r` reads is UTF-8 (one pass, a chunk at a time).
fn is_utf8(mut r: impl Read) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 20];
    // Bytes of a character cut by the chunk's end, carried to the next.
    let mut carry = 0usize;
    loop {
        let n = r.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let len = carry + n;
        let chunk = &buf[..len];
        match std::str::from_utf8(chunk) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                carry = len - valid;
                buf.copy_within(valid..len, 0);
            }
            Err(_) => return Ok(false),
        }
    }
}

/// Bytes that decode neither as UTF-8 nor as GB18030, where.
#[derive(Debug)]
struct BadEncoding {
    line: u64,
    bytes: Vec<u8>,
}

impl std::fmt::Display for BadEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bad encoding on line {}", self.line)
    }
}

impl std::error::Error for BadEncoding {}

/// A GB18030 file read as UTF-8, counting lines, refusing malformed bytes.
struct Gb<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Line of the next byte written (1-based).
    line: u64,
}

impl<R: Read> Gb<R> {
    fn new(inner: R) -> Self {
        Gb {
            inner,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            buf: vec![0u8; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            line: 1,
        }
    }
}

impl<R: Read> Read for Gb<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.buf)?;
                self.eof = self.end == 0;
            }
            let input = &self.buf[self.start..self.end];
            let (result, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(input, out, self.eof);
            let done = out.get(..written).unwrap_or_default();
            self.line += memchr::memchr_iter(b'\n', done).count() as u64;
            self.start += read;
            match result {
                encoding_rs::DecoderResult::Malformed(bad, extra) => {
                    let to = read.saturating_sub(usize::from(extra));
                    let from = to.saturating_sub(usize::from(bad));
                    let bytes = input.get(from..to).unwrap_or_default().to_vec();
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        BadEncoding {
                            line: self.line,
                            bytes,
                        },
                    ));
                }
                _ if written > 0 || (self.eof && self.start == self.end) => return Ok(written),
                encoding_rs::DecoderResult::OutputFull => {
                    // Less room than one character: never with the csv
                    // crate's buffer.
                    return Err(std::io::Error::other("read buffer too small"));
                }
                encoding_rs::DecoderResult::InputEmpty => {}
            }
        }
    }
}

/// What the csv crate is given: the file's text with every line break
/// outside a quoted field (`\r\n`, `\r` or `\n`) made one `\n`, and every
/// empty line a record of two empty fields (`,`), which the reader skips as
/// an empty row. The csv crate dates a record from where the one before
/// ended, so without this a record after a `\r\n` (a Windows export: its
/// `\r` ends the record, its `\n` is left) or after empty lines was given
/// the line before its own, in errors and in the trace (rust-csv issue
/// 395). A field's bytes are never changed: quotes are followed as the csv
/// crate reads them (a quote opens a quoted field only at the field's
/// start; `""` inside one is a quote), and line breaks inside a quoted
/// field are kept as they are.
struct Lines<R> {
    inner: R,
    input: Vec<u8>,
    out: Vec<u8>,
    /// The next byte of `out` to hand over.
    pos: usize,
    /// Inside a quoted field.
    quoted: bool,
    /// Just after the quote that ends a quoted field (or, followed by a
    /// quote, stands for one).
    closed: bool,
    /// A `\r` ended the last line: a `\n` right after it is the same break.
    cr: bool,
    /// The last byte handed on outside a quoted field (0: none yet).
    last: u8,
}

impl<R: Read> Lines<R> {
    fn new(inner: R) -> Self {
        Lines {
            inner,
            input: vec![0u8; 1 << 16],
            out: Vec::with_capacity(1 << 17),
            pos: 0,
            quoted: false,
            closed: false,
            cr: false,
            last: 0,
        }
    }

    /// `self.input[..n]` into `self.out`.
    fn pass(&mut self, n: usize) {
        let inp = &self.input[..n];
        let mut i = 0;
        while i < inp.len() {
            if std::mem::take(&mut self.cr) && inp[i] == b'\n' {
                i += 1;
                continue;
            }
            let rest = &inp[i..];
            if self.quoted {
                let Some(k) = memchr::memchr(b'"', rest) else {
                    self.out.extend_from_slice(rest);
                    break;
                };
                self.out.extend_from_slice(&rest[..=k]);
                self.quoted = false;
                self.closed = true;
                self.last = b'"';
                i += k + 1;
                continue;
            }
            let Some(k) = memchr::memchr3(b'"', b'\r', b'\n', rest) else {
                self.out.extend_from_slice(rest);
                if let Some(&b) = rest.last() {
                    self.last = b;
                    self.closed = false;
                }
                break;
            };
            if k > 0 {
                self.out.extend_from_slice(&rest[..k]);
                self.last = rest[k - 1];
                self.closed = false;
            }
            let b = rest[k];
            if b == b'"' {
                self.quoted = self.closed || matches!(self.last, 0 | b',' | b'\n');
                self.out.push(b);
                self.last = b;
            } else {
                if matches!(self.last, 0 | b'\n') {
                    self.out.push(b',');
                }
                self.out.push(b'\n');
                self.last = b'\n';
                self.cr = b == b'\r';
            }
            self.closed = false;
            i += k + 1;
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.out.len() {
            self.out.clear();
            self.pos = 0;
            let n = self.inner.read(&mut self.input)?;
            if n == 0 {
                return Ok(0);
            }
            self.pass(n);
        }
        let k = buf.len().min(self.out.len() - self.pos);
        buf[..k].copy_from_slice(&self.out[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

/// Read one CSV file as the current sheet.
pub(super) fn read(
    reader: &mut Reader<'_>,
    path: &Path,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<(), FileError> {
    let cannot = |e: std::io::Error| FileError::new(Code::CannotOpen, says::cannot_read_file(e));
    let enc = detect(path).map_err(cannot)?;
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let source: Box<dyn Read + Send> = match enc {
        Encoding::Utf8 { bom } => {
            if bom {
                let mut skip = [0u8; 3];
                file.read_exact(&mut skip).map_err(cannot)?;
            }
            Box::new(file)
        }
        Encoding::Gb18030 => Box::new(Gb::new(file)),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(Lines::new(source));
    let folder = reader.file.clone();
    let name = reader.sh.name.clone();
    std::thread::scope(|s| {
        // A batch's records are UTF-8 (the parser checked them); a record
        // that is not ends it, with its error.
        type Batch = (Vec<StringRecord>, usize, Option<csv::Error>);
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(BATCHES);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<StringRecord>>();
        s.spawn(move || {
            loop {
                let mut batch = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| vec![StringRecord::new(); BATCH]);
                let mut n = 0;
                let mut err = None;
                for rec in batch.iter_mut() {
                    match csv.read_record(rec) {
                        Ok(true) => n += 1,
                        Ok(false) => break,
                        Err(e) => {
                            err = Some(e);
                            break;
                        }
                    }
                }
                let last = n < BATCH || err.is_some();
                // The receiver only goes away when the reader stops.
                if full_tx.send((batch, n, err)).is_err() || last {
                    return;
                }
            }
        });
        let mut typed: Option<TypedDeposits> = None;
        let mut tried = false;
        for (batch, n, err) in full_rx {
            for rec in batch.iter().take(n) {
                let line = rec.position().map_or(1, |p| p.line());
                let Ok(row) = u32::try_from(line.saturating_sub(1)) else {
                    return Err(FileError::new(
                        Code::CannotReadSheet,
                        says::too_many_lines(),
                    ));
                };
                if !tried && reader.sh.header_row.is_some() {
                    typed = TypedDeposits::of(reader);
                    tried = true;
                }
                if let Some(t) = &mut typed
                    && t.take(reader, rec, row, progress)
                {
                    continue;
                }
                let cells = rec.iter().enumerate().map(|(c, text)| {
                    let v = if text.is_empty() {
                        Cv::Empty
                    } else {
                        Cv::Str(text)
                    };
                    (u32::try_from(c).unwrap_or(u32::MAX), v)
                });
                reader.feed_row(row, cells, progress);
            }
            let _ = empty_tx.send(batch);
            if let Some(e) = err {
                if let csv::ErrorKind::Utf8 { pos, .. } = e.kind() {
                    // Bytes that are not UTF-8 in a file found to be UTF-8:
                    // it changed while read.
                    let line = pos.as_ref().map_or(1, |p| p.line());
                    if u32::try_from(line.saturating_sub(1)).is_err() {
                        return Err(FileError::new(
                            Code::CannotReadSheet,
                            says::too_many_lines(),
                        ));
                    }
                    return Err(FileError::new(Code::BadEncoding, says::file_changed()));
                }
                return Err(csv_error(e, &folder, &name));
            }
        }
        Ok(())
    })
}

/// Where the deposits sheet's fields are in a record, once its header is
/// read. A record whose date is plain ISO text (`2026-10-01`) and whose
/// balance is plain decimal text (`1234.56`: digits, at most four places)
/// skips the cell path: the date's day and the balance's units go straight
/// into the account's day mask and sum ([`Reader::typed_deposit`]). Any
/// other record (a date in another form, a balance with a sign, spaces,
/// separators or too many places, an empty or padded id…) goes the cell
/// path and is read, or refused, there as before.
struct TypedDeposits {
    date: usize,
    account: usize,
    client: usize,
    product: Option<usize>,
    balance: usize,
    input_scale: u32,
    /// The last date's text and its day number.
    last: Option<([u8; 10], i64)>,
}

impl TypedDeposits {
    fn of(reader: &Reader<'_>) -> Option<Self> {
        use super::columns::f::{D_ACCOUNT, D_BALANCE, D_CLIENT, D_DATE, D_PRODUCT};
        if reader.sh.kind != SheetKind::Deposits
            || reader.sh.units.get(D_BALANCE) != Some(&rust_decimal::Decimal::ONE)
        {
            return None;
        }
        let at = |fi: usize| {
            reader
                .sh
                .field_col
                .get(fi)
                .filter(|&&c| c != super::ABSENT)
                .map(|&c| c as usize)
        };
        Some(TypedDeposits {
            date: at(D_DATE)?,
            account: at(D_ACCOUNT)?,
            client: at(D_CLIENT)?,
            product: at(D_PRODUCT),
            balance: at(D_BALANCE)?,
            input_scale: reader.opts.input_scale,
            last: None,
        })
    }

    /// Take a record by the typed path; `false` when it must go the cell
    /// path.
    fn take(
        &mut self,
        reader: &mut Reader<'_>,
        rec: &StringRecord,
        row: u32,
        progress: &mut dyn FnMut(&str, u64),
    ) -> bool {
        let text = |c: usize| rec.get(c);
        let (Some(date), Some(balance)) = (rec.get(self.date), rec.get(self.balance)) else {
            return false;
        };
        let (date, balance) = (date.as_bytes(), balance.as_bytes());
        let (Some(account), Some(client)) = (text(self.account), text(self.client)) else {
            return false;
        };
        let product = match self.product.map(text) {
            None | Some(Some("")) => None,
            Some(Some(p)) => Some(p),
            Some(None) => return false,
        };
        let day = match self.last {
            Some((t, day)) if t == date => day,
            _ => {
                let Some(day) = iso_day(date) else {
                    return false;
                };
                if let Ok(t) = <[u8; 10]>::try_from(date) {
                    self.last = Some((t, day));
                }
                day
            }
        };
        let Some((m, scale)) = plain_decimal(balance) else {
            return false;
        };
        let Some(units) = super::deposits::typed_units(m, scale, self.input_scale) else {
            return false;
        };
        let typed = TypedRow {
            day,
            account,
            client,
            product,
            units,
        };
        reader.typed_deposit(row, typed, progress)
    }
}

/// `yyyy-mm-dd` exactly, a real day: its day number (since 1970-01-01).
fn iso_day(b: &[u8]) -> Option<i64> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *b else {
        return None;
    };
    let n = |ds: &[u8]| {
        ds.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let y = i32::try_from(n(&[y0, y1, y2, y3])?).ok()?;
    let d = chrono::NaiveDate::from_ymd_opt(y, n(&[m0, m1])?, n(&[d0, d1])?)?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    Some(d.signed_duration_since(epoch).num_days())
}

/// Plain decimal text: ASCII digits, then at most a point and one to four
/// digits (`1234.56`), at most 18 digits in all: its unscaled integer and
/// scale.
fn plain_decimal(b: &[u8]) -> Option<(i64, u32)> {
    let (int, frac) = match memchr::memchr(b'.', b) {
        Some(p) => (b.get(..p)?, b.get(p + 1..)?),
        None => (b, &b""[..]),
    };
    if int.is_empty() || int.len() + frac.len() > 18 || frac.len() > 4 {
        return None;
    }
    if b.len() > int.len() && frac.is_empty() {
        return None;
    }
    let mut m: i64 = 0;
    for &c in int.iter().chain(frac) {
        if !c.is_ascii_digit() {
            return None;
        }
        m = m * 10 + i64::from(c - b'0');
    }
    Some((m, u32::try_from(frac.len()).ok()?))
}

fn csv_error(e: csv::Error, folder: &str, name: &str) -> FileError {
    let line = e.position().map(|p| p.line());
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(bad) = io.get_ref().and_then(|x| x.downcast_ref::<BadEncoding>())
    {
        let hex: Vec<String> = bad.bytes.iter().map(|b| format!("{b:02x}")).collect();
        return FileError {
            at: Some(Location::Line {
                file: folder.to_string(),
                name: name.to_string(),
                line: bad.line,
                field: 0,
            }),
            code: Code::BadEncoding,
            message: says::bad_csv_encoding(hex.join(" ")),
        };
    }
    FileError {
        at: line.map(|line| Location::Line {
            file: folder.to_string(),
            name: name.to_string(),
            line,
            field: 0,
        }),
        code: Code::CannotReadSheet,
        message: says::cannot_read_file(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv::ByteRecord;

    /// Records (fields, and the line each starts on) as the reader gets
    /// them from `bytes`, empty records left out.
    fn records(bytes: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Lines::new(bytes));
        let mut out = Vec::new();
        let mut rec = ByteRecord::new();
        while csv.read_byte_record(&mut rec).unwrap() {
            if rec.iter().any(|f| !f.is_empty()) {
                let line = rec.position().unwrap().line();
                out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
            }
        }
        out
    }

    /// Every line break outside quotes dates the next record by its own
    /// line; the fields are the csv crate's own, byte for byte: a quoted
    /// line break, an escaped quote and a quote inside an unquoted field
    /// are kept.
    #[test]
    fn records_start_on_their_own_lines_with_their_own_fields() {
        let f = |s: &str| s.as_bytes().to_vec();
        for (text, want) in [
            (
                "a,b\r\nc,d\r\n",
                vec![(1, vec![f("a"), f("b")]), (2, vec![f("c"), f("d")])],
            ),
            ("a\n\n\nb\n", vec![(1, vec![f("a")]), (4, vec![f("b")])]),
            ("a\r\rb\r", vec![(1, vec![f("a")]), (3, vec![f("b")])]),
            (
                "\r\n\"x\r\ny\",\"p\"\"q\"\r\n\r\nr\"s,t\r\n",
                vec![
                    (2, vec![f("x\r\ny"), f("p\"q")]),
                    (5, vec![f("r\"s"), f("t")]),
                ],
            ),
        ] {
            assert_eq!(records(text.as_bytes()), want, "{text:?}");
            // The same fields as the csv crate reads from the bytes as
            // they are.
            let mut raw = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let fields: Vec<Vec<Vec<u8>>> = raw
                .byte_records()
                .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
                .collect();
            let ours: Vec<Vec<Vec<u8>>> = want.into_iter().map(|(_, r)| r).collect();
            assert_eq!(fields, ours, "{text:?}");
        }
    }

    fn decode(bytes: &[u8]) -> Result<String, (u64, Vec<u8>)> {
        let mut out = String::new();
        match Gb::new(bytes).read_to_string(&mut out) {
            Ok(_) => Ok(out),
            Err(e) => {
                let bad = e
                    .get_ref()
                    .and_then(|x| x.downcast_ref::<BadEncoding>())
                    .map(|b| (b.line, b.bytes.clone()))
                    .unwrap_or_default();
                Err(bad)
            }
        }
    }

    /// A record's date and balance go the typed path exactly when the cell
    /// path reads their text as that day and that amount.
    #[test]
    fn typed_dates_and_balances_are_the_cell_paths() {
        use crate::ledger::cell::Cv;
        use crate::ledger::parse;
        use rust_decimal::Decimal;
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for text in [
            "2026-10-01",
            "2026-10-31",
            "2026-02-29",
            "2026-13-01",
            "2026-10-1",
            "2026/10/01",
            "20261001",
            " 2026-10-01",
            "2026-1０-01",
            "0000-01-01",
        ] {
            let typed = iso_day(text.as_bytes());
            let cell = parse::date(&Cv::Str(text)).ok();
            // What the typed path reads, the cell path reads as that day;
            // the rest it leaves to the cell path.
            if let Some(day) = typed {
                assert_eq!(Some(day), cell.map(|d| (d - epoch).num_days()), "{text}");
            }
        }
        // 2026-10-01 is day 20,727 since 1970-01-01; no 2026-02-29.
        assert_eq!(iso_day(b"2026-10-01"), Some(20_727));
        assert_eq!(iso_day(b"2026-02-29"), None);
        assert_eq!(iso_day(b"2026-10-1"), None);
        let mut buf = String::new();
        for text in [
            "0",
            "000123.45",
            "123.4",
            "1.2345",
            "1.2350",
            "1.23456",
            "1.",
            ".5",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1,000",
            "１２",
            "1e3",
            "999999999999999.99",
            "1000000000000000",
            "99999999999999999999",
            "1..2",
            "",
        ] {
            let typed = plain_decimal(text.as_bytes())
                .and_then(|(m, s)| crate::ledger::deposits::typed_units(m, s, 2));
            let cell = parse::amount(&Cv::Str(text), Decimal::ONE, 2, &mut buf).ok();
            if let Some(u) = typed {
                // 1.2350 at 2 places: 124 hundredths, as the cell path rounds.
                assert_eq!(Some(Decimal::new(u, 2)), cell, "{text}");
            }
        }
        assert_eq!(plain_decimal(b"1.2350"), Some((12_350, 4)));
        assert_eq!(plain_decimal(b"1."), None);
        assert_eq!(plain_decimal(b"-1"), None);
        assert_eq!(plain_decimal(b"1.23456"), None);
    }

    /// A big file's encoding, decided on two halves at once, is the one
    /// decided on the whole: a character cut by the middle is still
    /// UTF-8, one bad byte anywhere makes the file GB18030.
    #[test]
    fn a_big_file_s_halves_decide_its_encoding() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        let utf8 = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            matches!(detect(&path).unwrap(), Encoding::Utf8 { .. })
        };
        // 2 MiB + 2 bytes: the middle, 1 MiB + 1, is 客's second byte
        // (客 = E5 AE A2 from 1 MiB on).
        let len = (2 << 20) + 2;
        let mid = len / 2;
        let mut bytes = vec![b'a'; len];
        bytes[mid - 1..mid + 2].copy_from_slice("客".as_bytes());
        assert!(u64::try_from(len).unwrap() >= HALVES_FROM);
        assert!(utf8(&bytes));
        // The same file with a BOM: UTF-8, the BOM noted.
        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice(&bytes);
        std::fs::write(&path, &with_bom).unwrap();
        assert!(matches!(
            detect(&path).unwrap(),
            Encoding::Utf8 { bom: true }
        ));
        // One byte that is not UTF-8, in either half.
        for at in [10, len - 10] {
            let mut bad = bytes.clone();
            bad[at] = 0xFF;
            assert!(!utf8(&bad), "0xFF at {at}");
        }
        // A character cut short at the end of the first half: E5 AE, then
        // ASCII from the middle on.
        let mut cut = vec![b'a'; len];
        cut[mid - 2..mid].copy_from_slice(&[0xE5, 0xAE]);
        assert!(!utf8(&cut));
    }

    #[test]
    fn gbk_decodes_and_bad_bytes_are_located() {
        // 客户 in GBK: BF CD BB A7.
        assert_eq!(
            decode(b"a\n\xBF\xCD\xBB\xA7,1\n").as_deref(),
            Ok("a\n客户,1\n")
        );
        // 0xFF is no lead byte in GB18030: line 3.
        assert_eq!(decode(b"a\nb\nc\xFF,1\n"), Err((3, vec![0xFF])));
    }
}
