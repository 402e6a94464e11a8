//! A CSV sheet file of a ledger folder, streamed record by record.
//!
//! The encoding is decided per file: valid UTF-8 (with or without a BOM)
//! is UTF-8, anything else is GB18030 (a superset of GBK, what Chinese core
//! systems export), decoded with `encoding_rs` as it is read; bytes that
//! are neither are an error at their line, never replaced.
//!
//! Parsing (the `csv` crate's parser, `csv_core`, with each record's line
//! counted beside it; decoding; one UTF-8 check a batch of records) runs
//! on a thread of its own and hands batches of records to the reader,
//! which checks and sums them on the calling thread: two cores on a big
//! month. A big file's encoding is decided on two threads, a half each. A
//! record's row is the line it starts on (0-based), its columns its
//! fields.

use super::Reader;
use super::cell::Cv;
use super::deposits::TypedRow;
use super::folder::FileError;
use super::model::SheetKind;
use crate::diag::Code;
use crate::diag::Location;
use crate::text::ledger as says;
use std::io::{Read, Seek};
use std::path::Path;

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

/// Whether what `r` reads is UTF-8 (one pass, a chunk at a time, checked
/// by `simdutf8`; where a chunk is not UTF-8, its `compat` check tells a
/// character cut by the chunk's end from bytes that are not UTF-8).
fn is_utf8(mut r: impl Read) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 18];
    // Bytes of a character cut by the chunk's end, carried to the next.
    let mut carry = 0usize;
    loop {
        let n = r.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let len = carry + n;
        let chunk = &buf[..len];
        if simdutf8::basic::from_utf8(chunk).is_ok() {
            carry = 0;
            continue;
        }
        match simdutf8::compat::from_utf8(chunk) {
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
                    // Less room than one character: never with the
                    // parser's buffer.
                    return Err(std::io::Error::other("read buffer too small"));
                }
                encoding_rs::DecoderResult::InputEmpty => {}
            }
        }
    }
}

/// Line breaks counted as a text editor counts them: `\r\n`, `\r` and `\n`
/// each one, inside a quoted field or not.
#[derive(Default)]
struct Breaks {
    /// Line breaks so far.
    n: u64,
    /// The last byte counted was a `\r`: a `\n` right after it is the same
    /// break.
    cr: bool,
}

impl Breaks {
    /// Count the line breaks of `bytes`, which follow the bytes counted so
    /// far.
    fn count(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some(k) = memchr::memchr2(b'\r', b'\n', rest) {
            let b = rest.get(k).copied().unwrap_or_default();
            if !(b == b'\n' && self.cr && k == 0) {
                self.n += 1;
            }
            self.cr = b == b'\r';
            rest = rest.get(k + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            self.cr = false;
        }
    }
}

fn is_break(b: &u8) -> bool {
    matches!(b, b'\r' | b'\n')
}

/// Records a batch at most; a batch's text at most (bytes), past which it
/// ends with the record that crosses it.
const BATCH: usize = 2048;
const BATCH_TEXT: usize = 1 << 20;
/// Batches on their way to the reader at once.
const BATCHES: usize = 2;

/// Records as the parser hands them to the reader: their fields' text end
/// to end (checked UTF-8 as a whole), each field's end in it, and for each
/// record the end of its fields in `ends` and the line it starts on.
#[derive(Default)]
struct Batch {
    text: String,
    ends: Vec<usize>,
    recs: Vec<(usize, u64)>,
    /// What ended the file's reading after these records, if not its end.
    stop: Option<Stop>,
}

impl Batch {
    /// The fields of a record, `self.ends[from..to]`, into `into`; `at` is
    /// where its text starts and is moved past it. `None` when a field's
    /// ends are not on a character's boundary: a field that is not UTF-8
    /// although the batch's text is (a character cut by a comma).
    fn fields<'a>(
        &'a self,
        from: usize,
        to: usize,
        at: &mut usize,
        into: &mut Vec<&'a str>,
    ) -> Option<()> {
        into.clear();
        for &end in self.ends.get(from..to)? {
            into.push(self.text.get(*at..end)?);
            *at = end;
        }
        Some(())
    }
}

enum Stop {
    /// The file could not be read on (a GB18030 file's bad bytes among them).
    Io(std::io::Error),
    /// A record that is not UTF-8 in a file found to be UTF-8, at its line.
    Changed(u64),
}

/// The `csv` crate's parser (`csv_core`, which its `Reader` drives) run on
/// a buffer of the file's text, with each record's line counted beside it.
/// The `csv` crate dates a record from where the one before ended, so a
/// record after a `\r\n` (a Windows export: its `\r` ends the record, its
/// `\n` is skipped with the next), after empty lines, or after `\r` alone
/// was given a line before its own (rust-csv issue 395). Here a record's
/// line is the line of its first byte: 1 and the line breaks before it.
/// Only a record with a `"` can hold a line break before its end, so the
/// line breaks of the others are counted only where they end; a file
/// without quotes is never scanned byte by byte.
struct Splitter<R> {
    src: R,
    buf: Vec<u8>,
    /// The bytes of `buf` not yet given to the parser.
    at: usize,
    len: usize,
    eof: bool,
    done: bool,
    core: csv_core::Reader,
    /// The fields' text of the records of the batch being made.
    out: Vec<u8>,
    breaks: Breaks,
    /// Between records: the next byte that is not a line break starts one.
    between: bool,
    /// The line the record being read starts on.
    line: u64,
    /// The record being read has a `"` so far.
    quoted: bool,
    /// The first `"` in `buf` at or after the start of the record being
    /// read, or of an earlier one (`len` when none).
    quote_at: usize,
}

impl<R: Read> Splitter<R> {
    fn new(src: R, buffer: usize) -> Self {
        Splitter {
            src,
            buf: vec![0u8; buffer.max(1)],
            at: 0,
            len: 0,
            eof: false,
            done: false,
            core: csv_core::Reader::new(),
            out: vec![0u8; 1 << 16],
            breaks: Breaks::default(),
            between: true,
            line: 1,
            quoted: false,
            quote_at: 0,
        }
    }

    fn fill(&mut self) -> std::io::Result<()> {
        let n = loop {
            match self.src.read(&mut self.buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                r => break r?,
            }
        };
        self.at = 0;
        self.len = n;
        self.eof = n == 0;
        self.quote_at = memchr::memchr(b'"', self.buf.get(..n).unwrap_or_default()).unwrap_or(n);
        Ok(())
    }

    /// Count the line breaks of `buf[a..b]`, which the parser has just
    /// read, and note where a record starts.
    fn pass(&mut self, a: usize, b: usize) {
        let piece = self.buf.get(a..b).unwrap_or_default();
        let mut i = 0;
        if self.between {
            i = piece.iter().take_while(|b| is_break(b)).count();
            self.breaks.count(piece.get(..i).unwrap_or_default());
            if i == piece.len() {
                return;
            }
            self.between = false;
            self.line = self.breaks.n + 1;
            self.quoted = false;
        }
        let rest = piece.get(i..).unwrap_or_default();
        if !self.quoted {
            let from = a + i;
            if self.quote_at < from {
                let tail = self.buf.get(from..self.len).unwrap_or_default();
                self.quote_at = memchr::memchr(b'"', tail).map_or(self.len, |k| from + k);
            }
            self.quoted = self.quote_at < b;
        }
        if self.quoted {
            self.breaks.count(rest);
        } else {
            // Without a quote, line breaks only end the record: they are
            // the last bytes read, after one that is not a line break.
            let run = rest.iter().rev().take_while(|b| is_break(b)).count();
            self.breaks.cr = false;
            self.breaks
                .count(rest.get(rest.len() - run..).unwrap_or_default());
        }
    }

    /// The next records, up to a batch's worth, into `batch`; false when
    /// there are none left.
    fn next_batch(&mut self, batch: &mut Batch) -> bool {
        use csv_core::ReadRecordResult as R;
        batch.text.clear();
        batch.recs.clear();
        batch.stop = None;
        if self.done {
            return false;
        }
        if batch.ends.is_empty() {
            batch.ends.resize(BATCH * 8, 0);
        }
        let (mut nout, mut nend, mut rec_out) = (0, 0, 0);
        loop {
            if self.at == self.len
                && !self.eof
                && let Err(e) = self.fill()
            {
                batch.stop = Some(Stop::Io(e));
                self.done = true;
                break;
            }
            let input = self.buf.get(self.at..self.len).unwrap_or_default();
            let out = self.out.get_mut(nout..).unwrap_or_default();
            let ends = batch.ends.get_mut(nend..).unwrap_or_default();
            let (res, nin, o, e) = self.core.read_record(input, out, ends);
            for end in ends.iter_mut().take(e) {
                *end += rec_out;
            }
            self.pass(self.at, self.at + nin);
            self.at += nin;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = batch.ends.len() * 2;
                    batch.ends.resize(n, 0);
                }
                R::Record => {
                    batch.recs.push((nend, self.line));
                    self.between = true;
                    rec_out = nout;
                    if batch.recs.len() == BATCH || nout >= BATCH_TEXT {
                        break;
                    }
                }
                R::End => {
                    self.done = true;
                    break;
                }
            }
        }
        self.check(batch, nout);
        !batch.recs.is_empty() || batch.stop.is_some()
    }

    /// The batch's text, if it is UTF-8; else the records before the first
    /// that is not, and the stop there.
    fn check(&mut self, batch: &mut Batch, nout: usize) {
        let out = self.out.get(..nout).unwrap_or_default();
        if let Ok(text) = simdutf8::basic::from_utf8(out) {
            batch.text.push_str(text);
            return;
        }
        let mut from = 0;
        for (k, &(fend, line)) in batch.recs.iter().enumerate() {
            let to = fend
                .checked_sub(1)
                .and_then(|i| batch.ends.get(i))
                .copied()
                .unwrap_or(from);
            if simdutf8::basic::from_utf8(out.get(from..to).unwrap_or_default()).is_err() {
                batch.recs.truncate(k);
                batch.stop = Some(Stop::Changed(line));
                self.done = true;
                break;
            }
            from = to;
        }
        if let Ok(text) = simdutf8::basic::from_utf8(out.get(..from).unwrap_or_default()) {
            batch.text.push_str(text);
        }
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
    let mut split = Splitter::new(source, 1 << 18);
    let folder = reader.file.clone();
    let name = reader.sh.name.clone();
    let too_many = || FileError::new(Code::CannotReadSheet, says::too_many_lines());
    let changed = |line: u64| match u32::try_from(line.saturating_sub(1)) {
        Ok(_) => FileError::new(Code::BadEncoding, says::file_changed()),
        Err(_) => too_many(),
    };
    std::thread::scope(|s| {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(BATCHES);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
        s.spawn(move || {
            loop {
                let mut batch = empty_rx.try_recv().unwrap_or_default();
                if !split.next_batch(&mut batch) {
                    return;
                }
                let last = batch.stop.is_some();
                // The receiver only goes away when the reader stops.
                if full_tx.send(batch).is_err() || last {
                    return;
                }
            }
        });
        let mut typed: Option<TypedDeposits> = None;
        let mut tried = false;
        for mut batch in full_rx {
            let mut fields: Vec<&str> = Vec::with_capacity(16);
            let mut from_field = 0;
            let mut at = 0;
            for &(fend, line) in &batch.recs {
                if batch
                    .fields(from_field, fend, &mut at, &mut fields)
                    .is_none()
                {
                    return Err(changed(line));
                }
                from_field = fend;
                let Ok(row) = u32::try_from(line.saturating_sub(1)) else {
                    return Err(too_many());
                };
                if !tried && reader.sh.header_row.is_some() {
                    typed = TypedDeposits::of(reader);
                    tried = true;
                }
                if let Some(t) = &mut typed
                    && t.take(reader, &fields, row, progress)
                {
                    continue;
                }
                let cells = fields.iter().enumerate().map(|(c, &text)| {
                    let v = if text.is_empty() {
                        Cv::Empty
                    } else {
                        Cv::Str(text)
                    };
                    (u32::try_from(c).unwrap_or(u32::MAX), v)
                });
                reader.feed_row(row, cells, progress);
            }
            drop(fields);
            match batch.stop.take() {
                // Bytes that are not UTF-8 in a file found to be UTF-8: it
                // changed while read.
                Some(Stop::Changed(line)) => return Err(changed(line)),
                Some(Stop::Io(e)) => return Err(io_error(e, &folder, &name)),
                None => {}
            }
            let _ = empty_tx.send(batch);
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
        rec: &[&str],
        row: u32,
        progress: &mut dyn FnMut(&str, u64),
    ) -> bool {
        let text = |c: usize| rec.get(c).copied();
        let (Some(date), Some(balance)) = (text(self.date), text(self.balance)) else {
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

/// The error that stopped a file's reading: bytes that are neither UTF-8
/// nor GB18030 at their line, anything else at the file.
fn io_error(e: std::io::Error, folder: &str, name: &str) -> FileError {
    if let Some(bad) = e.get_ref().and_then(|x| x.downcast_ref::<BadEncoding>()) {
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
    FileError::new(Code::CannotReadSheet, says::cannot_read_file(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records (the line each starts on, and its fields) as the reader gets
    /// them from `bytes` read `buffer` bytes at a time, and whether the
    /// text stopped at a record that is not UTF-8 (its line).
    fn split(bytes: &[u8], buffer: usize) -> (Vec<(u64, Vec<String>)>, Option<u64>) {
        let mut split = Splitter::new(bytes, buffer);
        let mut out = Vec::new();
        let mut batch = Batch::default();
        while split.next_batch(&mut batch) {
            let (mut from, mut at) = (0, 0);
            let mut fields = Vec::new();
            for &(to, line) in &batch.recs {
                batch.fields(from, to, &mut at, &mut fields).unwrap();
                out.push((line, fields.iter().map(|f| f.to_string()).collect()));
                from = to;
            }
            match batch.stop.take() {
                Some(Stop::Changed(line)) => return (out, Some(line)),
                Some(Stop::Io(e)) => panic!("{e}"),
                None => {}
            }
        }
        (out, None)
    }

    fn records(bytes: &[u8], buffer: usize) -> Vec<(u64, Vec<String>)> {
        let (recs, stop) = split(bytes, buffer);
        assert_eq!(stop, None);
        recs
    }

    /// The csv crate's own records from the bytes as they are, and the
    /// line each starts on counted the slow way: 1 and the line breaks
    /// (`\r\n`, `\r` or `\n`) before its first byte, which is the first
    /// that is not a line break from where the csv crate says the record's
    /// reading began.
    fn oracle(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut raw = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while raw.read_byte_record(&mut rec).unwrap() {
            let mut start = rec.position().unwrap().byte() as usize;
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            let mut line = 1;
            for (i, &b) in bytes[..start].iter().enumerate() {
                if b == b'\r' || (b == b'\n' && (i == 0 || bytes[i - 1] != b'\r')) {
                    line += 1;
                }
            }
            let fields = rec.iter().map(|f| String::from_utf8(f.to_vec()).unwrap());
            out.push((line, fields.collect()));
        }
        out
    }

    /// Every record is dated by the line it starts on, whatever the line
    /// breaks, before it or inside its quoted fields (`\r` alone too); the
    /// fields are the csv crate's own, byte for byte: a quoted line break,
    /// an escaped quote and a quote inside an unquoted field are kept. The
    /// same whatever the buffer's size, down to a byte (a `\r\n` or a
    /// quoted field cut by a refill).
    #[test]
    fn records_start_on_their_own_lines_with_their_own_fields() {
        let f = |s: &str| s.to_string();
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
            // A quoted `\r` alone and a quoted `\n\r` are line breaks too
            // (one and two): `d` starts on line 1 + 1 + 1 (its own `\r`) =
            // 3, `g` on 3 + 2 + 1 = 6.
            (
                "\"a\rb\",c\rd,\"e\n\rf\"\rg",
                vec![
                    (1, vec![f("a\rb"), f("c")]),
                    (3, vec![f("d"), f("e\n\rf")]),
                    (6, vec![f("g")]),
                ],
            ),
            // Text after the last line break, no line break at all.
            (
                "客户,1\n\n东湖",
                vec![(1, vec![f("客户"), f("1")]), (3, vec![f("东湖")])],
            ),
            ("x", vec![(1, vec![f("x")])]),
            ("\n\r\n\r", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(oracle(text.as_bytes()), want, "{text:?}");
            for buffer in [1, 2, 3, 5, 1 << 18] {
                assert_eq!(
                    records(text.as_bytes(), buffer),
                    want,
                    "{text:?} by {buffer}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Any text of commas, quotes, line breaks and a few characters,
        /// read through any buffer: the csv crate's records, each on the
        /// line it starts on.
        #[test]
        fn any_text_splits_as_the_csv_crate_reads_it(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "客", ",", "\"", "\r", "\n", "\r\n", "\"\""]),
                0..40,
            ),
            buffer in 1usize..9,
        ) {
            let text = parts.concat();
            let want = oracle(text.as_bytes());
            proptest::prop_assert_eq!(records(text.as_bytes(), buffer), want.clone());
            proptest::prop_assert_eq!(records(text.as_bytes(), 1 << 18), want);
        }
    }

    /// Past a batch, lines go on counting: 5,000 records in `\r\n` lines,
    /// an empty line after every seventh.
    #[test]
    fn lines_count_on_over_batches() {
        let mut text = String::new();
        let mut want = Vec::new();
        let mut line = 1;
        for i in 0..5000u64 {
            text.push_str(&format!("r{i},\"{i}\"\r\n"));
            want.push((line, vec![format!("r{i}"), format!("{i}")]));
            line += 1;
            if i % 7 == 6 {
                text.push_str("\r\n");
                line += 1;
            }
        }
        // 5,000 records and 714 empty lines: the last record on line 5,714.
        assert_eq!(want.last().map(|r| r.0), Some(5714));
        for buffer in [3, 1000, 1 << 18] {
            assert_eq!(records(text.as_bytes(), buffer), want, "by {buffer}");
        }
    }

    /// A record that is not UTF-8 stops the text at its line, after the
    /// records before it; a character cut by a comma is a field that is not
    /// UTF-8 although the batch's text is.
    #[test]
    fn a_record_that_is_not_utf8_stops_the_text_at_its_line() {
        let (recs, stop) = split(b"a\r\n\r\nb\xFF,c\r\nd\r\n", 1 << 18);
        assert_eq!(recs, vec![(1, vec!["a".to_string()])]);
        assert_eq!(stop, Some(3));
        // 客 = E5 AE A2, cut by a comma: the batch's text is `x客`.
        let mut split = Splitter::new(&b"x\n\xE5\xAE,\xA2\n"[..], 1 << 18);
        let mut batch = Batch::default();
        assert!(split.next_batch(&mut batch));
        assert_eq!(batch.text, "x客");
        let (mut at, mut fields) = (0, Vec::new());
        assert_eq!(batch.fields(0, 1, &mut at, &mut fields), Some(()));
        assert_eq!(batch.fields(1, 3, &mut at, &mut fields), None);
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
