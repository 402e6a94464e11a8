//! A Parquet sheet file of a ledger folder, streamed a row group at a time.
//!
//! The file's schema is the header row (row 0): its column names match the
//! contract's as a workbook's headers do, and each column's type is checked
//! against the column's (a wrong type is an error at the column). Values go
//! through the workbook's row path as the cells they stand for: UTF8
//! strings as text, INT32/INT64 as whole numbers, DECIMAL as the exact
//! decimal text, DOUBLE as a number cell (the same exactness rule as
//! Excel's), DATE as `yyyy-mm-dd`.
//!
//! The low-level column readers of the `parquet` crate decode the needed
//! columns on a thread of their own, [`CHUNK`] rows at a time, while the
//! reader checks and sums the rows before: memory holds a few chunks,
//! whatever the file's size or row groups.

use super::Reader;
use super::cell::Cv;
use super::columns::Ty;
use super::folder::FileError;
use super::model::FileForm;
use crate::diag::Code;
use crate::diag::Location;
use crate::text::{Msg, ledger as says};
use parquet::basic::{ConvertedType, LogicalType, Type as Phys};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::DataType;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::schema::types::ColumnDescriptor;
use std::path::Path;

/// Rows decoded at a time; chunks on their way at once.
const CHUNK: usize = 8192;
const CHUNKS: usize = 2;

/// How a column's values become cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Decimal { scale: i32 },
    Date,
    Float,
    Bool,
}

/// One decoded value; text lives in the chunk's buffer.
#[derive(Clone, Copy, Debug)]
enum Val {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(u32, u32),
    /// Bytes of a string column that are not UTF-8.
    BadText,
}

/// Decoded rows of the needed columns.
struct Chunk {
    /// 0-based index of the chunk's first row in the file.
    first: u64,
    rows: usize,
    /// Per needed column (in the order of `needed`), one value a row.
    cols: Vec<Vec<Val>>,
    text: String,
}

/// The column's kind, or its type in words when rmpay has no use for it.
fn kind(d: &ColumnDescriptor) -> Result<Kind, String> {
    let ct = d.converted_type();
    let lt = d.logical_type_ref();
    if d.max_rep_level() > 0 {
        return Err("a repeated (list) column".to_string());
    }
    let decimal = ct == ConvertedType::DECIMAL || matches!(lt, Some(LogicalType::Decimal(_)));
    let named = || type_name(d);
    match d.physical_type() {
        _ if decimal => Ok(Kind::Decimal {
            scale: d.type_scale(),
        }),
        Phys::INT32 if ct == ConvertedType::DATE || matches!(lt, Some(LogicalType::Date)) => {
            Ok(Kind::Date)
        }
        Phys::INT32 | Phys::INT64 => match lt {
            None | Some(LogicalType::Integer(_)) if is_int(ct) => Ok(Kind::Int),
            _ => Err(named()),
        },
        Phys::BYTE_ARRAY => match lt {
            None | Some(LogicalType::String | LogicalType::Enum) => Ok(Kind::Text),
            _ => Err(named()),
        },
        Phys::DOUBLE | Phys::FLOAT => Ok(Kind::Float),
        Phys::BOOLEAN => Ok(Kind::Bool),
        _ => Err(named()),
    }
}

/// A column's type in words: `DECIMAL(18,2)`, `DATE`, `BOOLEAN`,
/// `INT64 (TIMESTAMP)`.
fn type_name(d: &ColumnDescriptor) -> String {
    let ct = d.converted_type();
    let lt = d.logical_type_ref();
    if ct == ConvertedType::DECIMAL || matches!(lt, Some(LogicalType::Decimal(_))) {
        return format!("DECIMAL({},{})", d.type_precision(), d.type_scale());
    }
    if ct == ConvertedType::DATE || matches!(lt, Some(LogicalType::Date)) {
        return "DATE".to_string();
    }
    match lt {
        Some(LogicalType::String) => "BYTE_ARRAY (UTF8)".to_string(),
        Some(l) => format!("{:?} ({})", d.physical_type(), logical_name(l)),
        None if ct != ConvertedType::NONE => format!("{:?} ({ct:?})", d.physical_type()),
        None => format!("{:?}", d.physical_type()),
    }
}

fn is_int(ct: ConvertedType) -> bool {
    matches!(
        ct,
        ConvertedType::NONE
            | ConvertedType::INT_8
            | ConvertedType::INT_16
            | ConvertedType::INT_32
            | ConvertedType::INT_64
            | ConvertedType::UINT_8
            | ConvertedType::UINT_16
            | ConvertedType::UINT_32
    )
}

fn logical_name(l: &LogicalType) -> String {
    let s = format!("{l:?}");
    s.split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_uppercase()
}

/// Whether a column of this kind can hold the contract's type.
fn fits(kind: Kind, ty: Ty) -> bool {
    match ty {
        Ty::Text => matches!(kind, Kind::Text | Kind::Int | Kind::Decimal { scale: 0 }),
        Ty::Amount | Ty::Usd | Ty::Number | Ty::Percent => matches!(
            kind,
            Kind::Text | Kind::Int | Kind::Decimal { .. } | Kind::Float
        ),
        Ty::Date => matches!(kind, Kind::Date | Kind::Text | Kind::Int),
        Ty::Tier | Ty::Choice(_) => kind == Kind::Text,
    }
}

/// What a column of the contract's type may be, in words.
fn expected(ty: Ty) -> Msg {
    match ty {
        Ty::Text => says::want_text(),
        Ty::Amount | Ty::Usd | Ty::Number | Ty::Percent => says::want_number(),
        Ty::Date => says::want_date(),
        Ty::Tier | Ty::Choice(_) => says::want_string(),
    }
}

/// Read one Parquet file as the current sheet.
pub(super) fn read(
    reader: &mut Reader<'_>,
    path: &Path,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<(), FileError> {
    let file = std::fs::File::open(path)
        .map_err(|e| FileError::new(Code::CannotOpen, says::cannot_read_file(e)))?;
    let pq = SerializedFileReader::new(file)
        .map_err(|e| FileError::new(Code::CannotOpen, says::not_parquet(e)))?;
    let schema = pq.metadata().file_metadata().schema_descr_ptr();
    let names: Vec<String> = schema
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    reader.sh.form = Some(FileForm::Parquet {
        columns: names.clone(),
    });
    // The schema is the header row.
    reader.feed_row(
        0,
        names
            .iter()
            .enumerate()
            .map(|(c, n)| (u32::try_from(c).unwrap_or(u32::MAX), Cv::Str(n.as_str()))),
        progress,
    );
    if !reader.sh.usable {
        return Ok(());
    }
    // The columns read, with their kinds.
    let mut needed: Vec<(usize, Kind, i16)> = Vec::new();
    for (c, d) in schema.columns().iter().enumerate() {
        let Some(&fi) = reader.sh.by_col.get(c) else {
            continue;
        };
        let Some(spec) = reader.sh.cols.get(fi as usize) else {
            continue;
        };
        let c32 = u32::try_from(c).unwrap_or(u32::MAX);
        match kind(d) {
            Ok(k) if fits(k, spec.ty) => needed.push((c, k, d.max_def_level())),
            Ok(_) | Err(_) => {
                let found = type_name(d);
                let (zh, named) = (spec.zh, spec.named());
                let want = expected(spec.ty);
                reader.err(0, c32, Code::WrongType, |_| {
                    says::nest(&want, |want| {
                        says::wrong_column_type(zh, &named, want, &found)
                    })
                });
                reader.sh.usable = false;
            }
        }
    }
    if !reader.sh.usable {
        return Ok(());
    }
    let folder = reader.file.clone();
    let name = reader.sh.name.clone();
    let fail = |row: u64, c: usize, e: Msg| FileError {
        at: Some(Location::Record {
            file: folder.clone(),
            name: name.clone(),
            row,
            column: names.get(c).cloned().unwrap_or_default(),
        }),
        code: Code::CannotReadSheet,
        message: says::nest(&e, |e| says::cannot_read_file(e)),
    };
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Chunk, (u64, usize, Msg)>>(CHUNKS);
        let needed_ref = &needed;
        s.spawn(move || {
            if let Err(e) = decode(&pq, needed_ref, &tx) {
                let _ = tx.send(Err(e));
            }
        });
        for chunk in rx {
            let chunk = chunk.map_err(|(row, c, e)| fail(row, c, e))?;
            let mut fields: Vec<(u32, Cv<'_>)> = Vec::with_capacity(needed.len());
            for i in 0..chunk.rows {
                let Ok(row) = u32::try_from(chunk.first + i as u64 + 1) else {
                    return Err(FileError::new(
                        Code::CannotReadSheet,
                        says::too_many_records(),
                    ));
                };
                fields.clear();
                for ((c, _, _), vals) in needed.iter().zip(&chunk.cols) {
                    let c = u32::try_from(*c).unwrap_or(u32::MAX);
                    let v = match vals.get(i).copied().unwrap_or(Val::Null) {
                        Val::Null => Cv::Empty,
                        Val::Int(n) => Cv::Int(n),
                        Val::Float(f) => Cv::Float(f),
                        Val::Bool(b) => Cv::Bool(b),
                        Val::Text(a, b) => {
                            Cv::Str(chunk.text.get(a as usize..b as usize).unwrap_or_default())
                        }
                        Val::BadText => {
                            reader.err(row, c, Code::BadEncoding, |_| says::bad_utf8_value());
                            Cv::Empty
                        }
                    };
                    fields.push((c, v));
                }
                reader.feed_row(row, fields.drain(..), progress);
            }
        }
        Ok(())
    })
}

type Sender = std::sync::mpsc::SyncSender<Result<Chunk, (u64, usize, Msg)>>;

/// Decode every row group, a chunk at a time, and send the chunks.
/// An error names the first row of the chunk and the column.
fn decode(
    pq: &SerializedFileReader<std::fs::File>,
    needed: &[(usize, Kind, i16)],
    tx: &Sender,
) -> Result<(), (u64, usize, Msg)> {
    let first_col = needed.first().map_or(0, |n| n.0);
    let mut first: u64 = 0;
    for g in 0..pq.num_row_groups() {
        let rg = pq
            .get_row_group(g)
            .map_err(|e| (first + 1, first_col, Msg::verbatim(e.to_string())))?;
        let rows = u64::try_from(rg.metadata().num_rows()).unwrap_or(0);
        let mut readers = Vec::with_capacity(needed.len());
        for &(c, _, _) in needed {
            readers.push(
                rg.get_column_reader(c)
                    .map_err(|e| (first + 1, c, Msg::verbatim(e.to_string())))?,
            );
        }
        let mut done = 0u64;
        let mut defs: Vec<i16> = Vec::new();
        while done < rows {
            let want = usize::try_from((rows - done).min(CHUNK as u64)).unwrap_or(CHUNK);
            let mut chunk = Chunk {
                first: first + done,
                rows: want,
                cols: Vec::with_capacity(needed.len()),
                text: String::new(),
            };
            for (r, &(c, k, max_def)) in readers.iter_mut().zip(needed) {
                let mut out = Vec::with_capacity(want);
                let at = first + done + 1;
                column(r, k, max_def, want, &mut defs, &mut out, &mut chunk.text)
                    .map_err(|e| (at, c, e))?;
                chunk.cols.push(out);
            }
            if tx.send(Ok(chunk)).is_err() {
                return Ok(());
            }
            done += want as u64;
        }
        first += rows;
    }
    Ok(())
}

/// Decode `want` rows of one column into `out`.
fn column(
    r: &mut ColumnReader,
    k: Kind,
    max_def: i16,
    want: usize,
    defs: &mut Vec<i16>,
    out: &mut Vec<Val>,
    text: &mut String,
) -> Result<(), Msg> {
    match r {
        ColumnReader::BoolColumnReader(r) => take(r, max_def, want, defs, out, |v| Val::Bool(*v)),
        ColumnReader::Int32ColumnReader(r) => {
            // A month's rows share a few dates: each is formatted once.
            let mut last: Option<(i32, Val)> = None;
            take(r, max_def, want, defs, out, |v| match k {
                Kind::Date => match last {
                    Some((d, val)) if d == *v => val,
                    _ => {
                        let val = date(i64::from(*v), text);
                        last = Some((*v, val));
                        val
                    }
                },
                Kind::Decimal { scale } => decimal(i128::from(*v), scale, text),
                _ => Val::Int(i64::from(*v)),
            })
        }
        ColumnReader::Int64ColumnReader(r) => take(r, max_def, want, defs, out, |v| match k {
            Kind::Decimal { scale } => decimal(i128::from(*v), scale, text),
            _ => Val::Int(*v),
        }),
        ColumnReader::FloatColumnReader(r) => {
            take(r, max_def, want, defs, out, |v| Val::Float(f64::from(*v)))
        }
        ColumnReader::DoubleColumnReader(r) => {
            take(r, max_def, want, defs, out, |v| Val::Float(*v))
        }
        ColumnReader::ByteArrayColumnReader(r) => take(r, max_def, want, defs, out, |v| match k {
            Kind::Decimal { scale } => big_endian(v.data(), scale, text),
            _ => match std::str::from_utf8(v.data()) {
                Ok(s) => push(text, s),
                Err(_) => Val::BadText,
            },
        }),
        ColumnReader::FixedLenByteArrayColumnReader(r) => {
            take(r, max_def, want, defs, out, |v| match k {
                Kind::Decimal { scale } => big_endian(v.data(), scale, text),
                _ => Val::BadText,
            })
        }
        ColumnReader::Int96ColumnReader(_) => Err(says::int96_not_read()),
    }
}

/// Read `want` records of a typed column, nulls where the definition level
/// is short of the column's.
fn take<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    max_def: i16,
    want: usize,
    defs: &mut Vec<i16>,
    out: &mut Vec<Val>,
    mut conv: impl FnMut(&T::T) -> Val,
) -> Result<(), Msg> {
    let mut vals: Vec<T::T> = Vec::with_capacity(want.min(CHUNK));
    let mut got = 0;
    while got < want {
        defs.clear();
        vals.clear();
        let levels = if max_def > 0 { Some(&mut *defs) } else { None };
        let (records, _, _) = r
            .read_records(want - got, levels, None, &mut vals)
            // The parquet crate's own words.
            .map_err(|e| Msg::verbatim(e.to_string()))?;
        if records == 0 {
            return Err(says::column_ends_early());
        }
        if max_def > 0 {
            let mut vi = vals.iter();
            for d in defs.iter().take(records) {
                if *d == max_def {
                    match vi.next() {
                        Some(v) => out.push(conv(v)),
                        None => return Err(says::fewer_values_than_rows()),
                    }
                } else {
                    out.push(Val::Null);
                }
            }
        } else {
            out.extend(vals.iter().take(records).map(&mut conv));
        }
        got += records;
    }
    Ok(())
}

fn push(text: &mut String, s: &str) -> Val {
    let a = u32::try_from(text.len()).unwrap_or(u32::MAX);
    text.push_str(s);
    let b = u32::try_from(text.len()).unwrap_or(u32::MAX);
    Val::Text(a, b)
}

/// A DATE (days since 1970-01-01) as `yyyy-mm-dd` text.
fn date(days: i64, text: &mut String) -> Val {
    let day = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::try_days(days)?));
    match day {
        Some(d) => push(text, &d.format("%Y-%m-%d").to_string()),
        None => push(text, &format!("DATE {days}")),
    }
}

/// An unscaled decimal as its exact text (`-123.45`).
fn decimal(unscaled: i128, scale: i32, text: &mut String) -> Val {
    use std::fmt::Write as _;
    let a = u32::try_from(text.len()).unwrap_or(u32::MAX);
    let scale = u32::try_from(scale).unwrap_or(0);
    let abs = unscaled.unsigned_abs();
    let unit = 10u128.checked_pow(scale);
    if unscaled < 0 {
        text.push('-');
    }
    match unit {
        Some(unit) if scale > 0 => {
            let _ = write!(
                text,
                "{}.{:0width$}",
                abs / unit,
                abs % unit,
                width = scale as usize
            );
        }
        _ if scale == 0 => {
            let _ = write!(text, "{abs}");
        }
        // A scale beyond 38 digits: no DECIMAL has one.
        _ => text.push_str("DECIMAL out of range"),
    }
    let b = u32::try_from(text.len()).unwrap_or(u32::MAX);
    Val::Text(a, b)
}

/// A DECIMAL stored as big-endian two's complement bytes.
fn big_endian(b: &[u8], scale: i32, text: &mut String) -> Val {
    let negative = b.first().is_some_and(|x| x & 0x80 != 0);
    let fill = if negative { 0xFF } else { 0 };
    if b.len() > 16 {
        let (head, _) = b.split_at(b.len() - 16);
        if head.iter().any(|&x| x != fill) {
            return push(text, "a DECIMAL beyond 38 digits");
        }
    }
    let mut buf = [fill; 16];
    let tail = &b[b.len().saturating_sub(16)..];
    buf[16 - tail.len()..].copy_from_slice(tail);
    decimal(i128::from_be_bytes(buf), scale, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(v: Val, t: &str) -> String {
        match v {
            Val::Text(a, b) => t[a as usize..b as usize].to_string(),
            _ => String::new(),
        }
    }

    #[test]
    fn decimals_and_dates_as_text() {
        let mut t = String::new();
        let v = decimal(123456, 2, &mut t);
        assert_eq!(text_of(v, &t), "1234.56");
        let v = decimal(-5, 3, &mut t);
        assert_eq!(text_of(v, &t), "-0.005");
        let v = decimal(42, 0, &mut t);
        assert_eq!(text_of(v, &t), "42");
        // -1.00 as two bytes: 0xFF9C = -100.
        let v = big_endian(&[0xFF, 0x9C], 2, &mut t);
        assert_eq!(text_of(v, &t), "-1.00");
        // 2026-10-01 is day 20,727 since 1970-01-01.
        let v = date(20_727, &mut t);
        assert_eq!(text_of(v, &t), "2026-10-01");
    }
}
