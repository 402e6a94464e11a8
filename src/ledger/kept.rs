//! A split sheet's second half, kept compactly until the first half has
//! been taken ([`super::unzip`]'s split read): each cell as it came from
//! calamine, exactly (every value kind, a float's every bit), packed in
//! about a tenth of the memory its `Cell`s would take and lz4-compressed
//! a chunk of whole rows at a time.
//!
//! A row's number is written when it changes; then each cell's column
//! (a varint), a tag and its value: a float that is a whole number of
//! hundredths as that number (a varint), any other float as its bits; a
//! string's length and bytes; a date as "the previous date again" when
//! it repeats.

use super::sandbox::ERRORS;
use calamine::{Cell, DataRef, ExcelDateTime, ExcelDateTimeType};

/// Bytes of packed cells per chunk (at least; a chunk ends with a row).
const CHUNK: usize = 1 << 20;

const ROW: u8 = 0xff;
const EMPTY: u8 = 0;
const HUNDREDTHS: u8 = 1;
const FLOAT: u8 = 2;
const INT: u8 = 3;
const STRING: u8 = 4;
const SHARED: u8 = 5;
const FALSE: u8 = 6;
const TRUE: u8 = 7;
const DATE: u8 = 8;
const SAME_DATE: u8 = 9;
const DATE_ISO: u8 = 10;
const DURATION_ISO: u8 = 11;
const ERROR: u8 = 12;

/// The cells kept.
#[derive(Default)]
pub(crate) struct Kept {
    chunks: Vec<Vec<u8>>,
    cur: Vec<u8>,
    row: Option<u32>,
    date: Option<ExcelDateTime>,
    /// The first cell's row.
    pub(crate) first_row: Option<u32>,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A date's kind and base (1900 or 1904: calamine has no getter for it,
/// so it is found by comparing).
fn date_bytes(d: &ExcelDateTime) -> (u8, u8) {
    let kind = if d.is_duration() {
        ExcelDateTimeType::TimeDelta
    } else {
        ExcelDateTimeType::DateTime
    };
    let is_1904 = ExcelDateTime::new(d.as_f64(), kind, true) == *d;
    (u8::from(d.is_duration()), u8::from(is_1904))
}

impl Kept {
    /// Keep a cell.
    pub(crate) fn push(&mut self, row: u32, col: u32, v: &DataRef<'_>) {
        if self.row != Some(row) {
            if self.cur.len() >= CHUNK {
                self.seal();
            }
            self.cur.push(ROW);
            self.cur.extend_from_slice(&row.to_le_bytes());
            self.row = Some(row);
            self.first_row.get_or_insert(row);
        }
        let out = &mut self.cur;
        varint(out, u64::from(col));
        match v {
            DataRef::Empty => out.push(EMPTY),
            DataRef::Float(f) => {
                // Kept as hundredths only when they give back every bit
                // (not -0.0, nor 0.1 + 0.2).
                let h = (f * 100.0).round();
                let back = |h: u64| h as f64 / 100.0;
                if (0.0..1e15).contains(&h) && back(h as u64).to_bits() == f.to_bits() {
                    out.push(HUNDREDTHS);
                    varint(out, h as u64);
                } else {
                    out.push(FLOAT);
                    out.extend_from_slice(&f.to_bits().to_le_bytes());
                }
            }
            DataRef::Int(i) => {
                out.push(INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
            DataRef::String(s) => put_str(out, STRING, s),
            DataRef::SharedString(s) => put_str(out, SHARED, s),
            DataRef::Bool(b) => out.push(if *b { TRUE } else { FALSE }),
            DataRef::DateTime(d) if self.date.as_ref() == Some(d) => out.push(SAME_DATE),
            DataRef::DateTime(d) => {
                let (kind, base) = date_bytes(d);
                out.extend_from_slice(&[DATE, kind, base]);
                out.extend_from_slice(&d.as_f64().to_bits().to_le_bytes());
                self.date = Some(*d);
            }
            DataRef::DateTimeIso(s) => put_str(out, DATE_ISO, s),
            DataRef::DurationIso(s) => put_str(out, DURATION_ISO, s),
            DataRef::Error(e) => {
                let i = ERRORS.iter().position(|x| x == e).unwrap_or(0);
                out.extend_from_slice(&[ERROR, i as u8]);
            }
        }
    }

    fn seal(&mut self) {
        if !self.cur.is_empty() {
            self.chunks
                .push(lz4_flex::block::compress_prepend_size(&self.cur));
            self.cur.clear();
        }
    }

    /// Done keeping: the cells, a chunk at a time.
    pub(crate) fn finish(mut self) -> Vec<Vec<u8>> {
        self.seal();
        self.cur = Vec::new();
        self.chunks
    }
}

fn put_str(out: &mut Vec<u8>, tag: u8, s: &str) {
    out.push(tag);
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A chunk's cells, unpacked: `(row, column, value)`, strings borrowed
/// from `bytes`. `date` carries the last date across chunks. An error is
/// a chunk not written by [`Kept`] (a bug).
pub(crate) fn unpack<'a>(
    bytes: &'a [u8],
    row: &mut u32,
    date: &mut Option<ExcelDateTime>,
    out: &mut Vec<Cell<DataRef<'a>>>,
) -> Result<(), &'static str> {
    const BAD: &str = "a kept chunk does not unpack";
    let mut i = 0;
    let byte = |i: &mut usize| -> Result<u8, &'static str> {
        let b = *bytes.get(*i).ok_or(BAD)?;
        *i += 1;
        Ok(b)
    };
    let varint = |i: &mut usize| -> Result<u64, &'static str> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = byte(i)?;
            v |= u64::from(b & 0x7f).checked_shl(shift).ok_or(BAD)?;
            shift += 7;
            if b < 0x80 {
                return Ok(v);
            }
        }
    };
    let eight = |i: &mut usize| -> Result<[u8; 8], &'static str> {
        let b = bytes.get(*i..*i + 8).ok_or(BAD)?;
        *i += 8;
        b.try_into().map_err(|_| BAD)
    };
    let text = |i: &mut usize| -> Result<&'a str, &'static str> {
        let n = usize::try_from(varint(i)?).map_err(|_| BAD)?;
        let b = bytes.get(*i..*i + n).ok_or(BAD)?;
        *i += n;
        std::str::from_utf8(b).map_err(|_| BAD)
    };
    while i < bytes.len() {
        if bytes[i] == ROW {
            let b = bytes.get(i + 1..i + 5).ok_or(BAD)?;
            *row = u32::from_le_bytes(b.try_into().map_err(|_| BAD)?);
            i += 5;
            continue;
        }
        let col = u32::try_from(varint(&mut i)?).map_err(|_| BAD)?;
        let v = match byte(&mut i)? {
            EMPTY => DataRef::Empty,
            HUNDREDTHS => DataRef::Float(varint(&mut i)? as f64 / 100.0),
            FLOAT => DataRef::Float(f64::from_bits(u64::from_le_bytes(eight(&mut i)?))),
            INT => DataRef::Int(i64::from_le_bytes(eight(&mut i)?)),
            STRING | SHARED => DataRef::SharedString(text(&mut i)?),
            FALSE => DataRef::Bool(false),
            TRUE => DataRef::Bool(true),
            SAME_DATE => DataRef::DateTime(date.ok_or(BAD)?),
            DATE => {
                let kind = if byte(&mut i)? == 1 {
                    ExcelDateTimeType::TimeDelta
                } else {
                    ExcelDateTimeType::DateTime
                };
                let base = byte(&mut i)? == 1;
                let value = f64::from_bits(u64::from_le_bytes(eight(&mut i)?));
                let d = ExcelDateTime::new(value, kind, base);
                *date = Some(d);
                DataRef::DateTime(d)
            }
            DATE_ISO => DataRef::DateTimeIso(text(&mut i)?.to_string()),
            DURATION_ISO => DataRef::DurationIso(text(&mut i)?.to_string()),
            ERROR => DataRef::Error(ERRORS.get(usize::from(byte(&mut i)?)).ok_or(BAD)?.clone()),
            _ => return Err(BAD),
        };
        out.push(Cell::new((*row, col), v));
    }
    Ok(())
}

/// A chunk as [`Kept::finish`] gave it, decompressed.
pub(crate) fn inflate(chunk: &[u8]) -> Result<Vec<u8>, &'static str> {
    lz4_flex::block::decompress_size_prepended(chunk).map_err(|_| "a kept chunk does not inflate")
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::CellErrorType;

    #[test]
    fn every_value_comes_back_as_it_was_kept() {
        let d1 = ExcelDateTime::new(46_296.0, ExcelDateTimeType::DateTime, false);
        let d2 = ExcelDateTime::new(0.5, ExcelDateTimeType::TimeDelta, true);
        let values = [
            DataRef::Empty,
            DataRef::Float(12.34),
            DataRef::Float(-0.0),
            DataRef::Float(0.1 + 0.2),
            DataRef::Float(-5.0),
            DataRef::Float(1e300),
            DataRef::Int(-7),
            DataRef::String("账户".to_string()),
            DataRef::SharedString("C001"),
            DataRef::Bool(true),
            DataRef::Bool(false),
            DataRef::DateTime(d1),
            DataRef::DateTime(d1),
            DataRef::DateTime(d2),
            DataRef::DateTimeIso("2026-10-01".to_string()),
            DataRef::DurationIso("PT1H".to_string()),
            DataRef::Error(CellErrorType::GettingData),
            DataRef::Error(CellErrorType::Div0),
        ];
        let mut kept = Kept::default();
        let mut want = Vec::new();
        // Enough rows for several chunks.
        for r in 0..40_000u32 {
            for (c, v) in values.iter().enumerate() {
                let c = c as u32 * 1000;
                kept.push(r + 3, c, v);
                want.push((r + 3, c, v.clone()));
            }
        }
        assert_eq!(kept.first_row, Some(3));
        let chunks = kept.finish();
        assert!(chunks.len() > 1, "{}", chunks.len());
        let (mut row, mut date, mut got) = (0, None, Vec::new());
        let raw: Vec<Vec<u8>> = chunks.iter().map(|c| inflate(c).unwrap()).collect();
        for c in &raw {
            unpack(c, &mut row, &mut date, &mut got).unwrap();
        }
        assert_eq!(got.len(), want.len());
        for (cell, (wr, wc, wv)) in got.iter().zip(&want) {
            let v = cell.get_value();
            assert_eq!(cell.get_position(), (*wr, *wc));
            let same = match (v, wv) {
                // Strings come back borrowed.
                (DataRef::SharedString(a), DataRef::String(b)) => *a == b.as_str(),
                (DataRef::Float(a), DataRef::Float(b)) => a.to_bits() == b.to_bits(),
                (a, b) => a == b,
            };
            assert!(same, "{v:?} kept as {wv:?}");
        }
    }
}
