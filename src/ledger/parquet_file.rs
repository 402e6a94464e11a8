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
//! The `parquet` crate's arrow reader decodes the needed columns on
//! threads of their own ([`DECODERS`], taking the row groups in turn),
//! [`CHUNK`] rows at a time, while the reader checks and sums the rows
//! before, in file order: memory holds at most [`CHUNKS`] chunks a
//! decoder, whatever the file's size or row groups. A string column comes
//! as one offsets and one values buffer a chunk (its UTF-8 checked once),
//! read in place. A chunk the arrow reader refuses (bad UTF-8, a truncated
//! page, a type it reads otherwise) is read again, with the rest of its row
//! group, by the crate's low-level column readers ([`column`]), a value at
//! a time, which locate the error to its row and column (or the bad value
//! to its cell) in the words they always have. The deposits' DATE and DECIMAL
//! values stay numbers and go straight into each account's day mask and
//! sum (`TypedDeposits`); any other value reaches the row path as the
//! text of the cell it stands for.

use super::Reader;
use super::cell::Cv;
use super::columns::Ty;
use super::deposits::TypedRow;
use super::folder::FileError;
use super::guard::{MAX_COLS, MAX_ROWS, thousands};
use super::model::{FileForm, SheetKind};
use crate::diag::Code;
use crate::diag::Location;
use crate::text::{Msg, ledger as says};
use arrow_array::types::{
    ArrowPrimitiveType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type,
};
use arrow_array::{
    Array, BooleanArray, Date32Array, Decimal128Array, PrimitiveArray, RecordBatch, StringViewArray,
};
use arrow_schema::DataType as ArrowType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::basic::{ConvertedType, LogicalType, Type as Phys};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::DataType;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::schema::types::ColumnDescriptor;
use std::path::Path;

/// Rows decoded at a time.
const CHUNK: usize = 8192;
/// Chunks a decoder may have decoded ahead of the reader: 1,048,576 rows,
/// a row group as the parquet crate writes them by default. The decoders
/// take the row groups in turn, so while the reader reads one decoder's
/// group the other decodes the next: with a shorter queue (8 chunks, 65,536
/// rows) it stopped after a few chunks, the two decoders ran one at a time,
/// and the reader waited on them half the time (`perf` by thread, 10 ms at
/// a time, on the head office's month: 2.9 → 2.5 s for `rmpay check`; see
/// bench/README.md). A chunk of the deposits' five columns is about half a
/// MiB of arrays, so a full queue is some 70 MB a decoder, while reading.
const CHUNKS: usize = 128;
/// Threads decoding row groups: with the reader's own, what keeps two
/// cores busy on a big month (see bench/README.md).
const DECODERS: usize = 2;

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
    /// A DECIMAL's unscaled integer (the scale is the column's), when it
    /// fits an `i64`.
    Dec(i64),
    /// A DATE: days since 1970-01-01.
    Day(i32),
}

/// A value of a chunk, as the reader takes it.
#[derive(Clone, Copy, Debug)]
enum V<'a> {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(&'a str),
    BadText,
    Dec(i64),
    /// A DECIMAL's unscaled integer past an `i64`.
    Big(i128),
    Day(i32),
}

/// A needed column of a chunk as the arrow reader decoded it, read in
/// place.
enum Arrowed {
    /// Strings: a view a value into the decoded pages (no copy of the
    /// strings), checked as UTF-8.
    Str(StringViewArray),
    Day(Date32Array),
    Dec(Decimal128Array),
}

/// Decoded rows of the needed columns.
struct Chunk {
    /// 0-based index of the chunk's first row in the file.
    first: u64,
    rows: usize,
    /// Per needed column (in the order of `needed`), one value a row,
    /// unless the column is in `arrowed`.
    cols: Vec<Vec<Val>>,
    /// Per needed column, the arrow reader's array read in place
    /// (strings, dates, decimals), if so.
    arrowed: Vec<Option<Arrowed>>,
    text: String,
    /// The last chunk of its row group.
    last: bool,
    /// The decoder that made it (and takes it back to fill again).
    worker: usize,
}

impl Chunk {
    /// Row `i` of needed column `p`.
    #[inline]
    fn get(&self, p: usize, i: usize) -> V<'_> {
        match self.arrowed.get(p) {
            Some(Some(Arrowed::Str(a))) if i < a.len() => {
                if a.is_null(i) {
                    V::Null
                } else {
                    V::Text(a.value(i))
                }
            }
            Some(Some(Arrowed::Day(a))) if i < a.len() => {
                if a.is_null(i) {
                    V::Null
                } else {
                    V::Day(a.value(i))
                }
            }
            Some(Some(Arrowed::Dec(a))) if i < a.len() => {
                if a.is_null(i) {
                    V::Null
                } else {
                    let m = a.value(i);
                    i64::try_from(m).map_or(V::Big(m), V::Dec)
                }
            }
            Some(Some(_)) => V::Null,
            Some(None) | None => match self.cols.get(p).and_then(|c| c.get(i)).copied() {
                None | Some(Val::Null) => V::Null,
                Some(Val::Int(n)) => V::Int(n),
                Some(Val::Float(f)) => V::Float(f),
                Some(Val::Bool(b)) => V::Bool(b),
                Some(Val::Text(a, b)) => {
                    V::Text(self.text.get(a as usize..b as usize).unwrap_or_default())
                }
                Some(Val::BadText) => V::BadText,
                Some(Val::Dec(m)) => V::Dec(m),
                Some(Val::Day(d)) => V::Day(d),
            },
        }
    }
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

/// Whether the parquet crate is decoding under [`guarded`] on this
/// thread: a panic there is the crate's, on a damaged file, and becomes a
/// located error, so the panic hook says nothing of it.
pub fn in_guarded_decode() -> bool {
    IN_DECODE.get()
}

thread_local! {
    static IN_DECODE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A call into the parquet crate's decoders, which panic on some damaged
/// pages and footers (a dictionary index or a length past its buffer: `range
/// end index 4 out of range for slice of length 1`) where they should
/// return an error: the panic is that error, in the crate's words. Only
/// the crate's calls run under it; a panic of rmpay's own code stays the
/// bug it is.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Msg> {
    let was = IN_DECODE.replace(true);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_DECODE.set(was);
    r.map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        says::damaged_parquet(what)
    })
}

/// Whether a held sheet (any but the daily balances) may declare `rows`
/// rows in a file of `len` bytes: up to a workbook's rows always; past
/// them, at least a byte a row (no honest sheet's ids compress below
/// that, while a hostile footer declaring fifty million rows of nulls in
/// 300 KiB would take minutes and gigabytes to hold).
fn held_rows_plausible(rows: u64, len: u64) -> bool {
    rows <= u64::from(MAX_ROWS) || rows <= len
}

/// Read one Parquet file as the current sheet.
pub(super) fn read(
    reader: &mut Reader<'_>,
    path: &Path,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<(), FileError> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| FileError::new(Code::CannotOpen, says::cannot_read_file(e)))?;
    let file_len = file
        .metadata()
        .map_err(|e| FileError::new(Code::CannotOpen, says::cannot_read_file(e)))?
        .len();
    // What the footer declares, bounded before the parquet crate reads it.
    footer_bounds(&mut file)?;
    let pq = guarded(|| SerializedFileReader::new(file))
        .map_err(|e| FileError::new(Code::CannotOpen, says::nest(&e, |e| says::not_parquet(e))))?
        .map_err(|e| FileError::new(Code::CannotOpen, says::not_parquet(e)))?;
    let schema = pq.metadata().file_metadata().schema_descr_ptr();
    if schema.num_columns() > MAX_COLUMNS {
        return Err(too_many_columns(schema.num_columns() as u64));
    }
    // Every sheet but the daily balances is held row by row. Past a
    // workbook's rows (a head office's clients or Spark's averages may
    // be), a file must hold at least a byte a row: one declaring more rows
    // than it has bytes is refused before a row is decoded.
    if reader.sh.kind != SheetKind::Deposits {
        let rows = (0..pq.num_row_groups())
            .map(|g| u64::try_from(pq.metadata().row_group(g).num_rows()).unwrap_or(0))
            .fold(0u64, u64::saturating_add);
        if !held_rows_plausible(rows, file_len) {
            return Err(FileError::new(
                Code::BeyondExcelLimits,
                says::parquet_too_many_rows(
                    thousands(rows),
                    thousands(file_len),
                    thousands(u64::from(MAX_ROWS)),
                ),
            ));
        }
    }
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
    let typed = TypedDeposits::of(reader, &needed);
    let groups = pq.num_row_groups();
    // A file's reader reads at the file's one offset: each further decoder
    // has the file open again.
    let mut others = Vec::with_capacity(DECODERS - 1);
    for _ in 1..DECODERS.min(groups) {
        let file = std::fs::File::open(path)
            .map_err(|e| FileError::new(Code::CannotOpen, says::cannot_read_file(e)))?;
        others.push(
            guarded(|| SerializedFileReader::new(file))
                .map_err(|e| {
                    FileError::new(Code::CannotOpen, says::nest(&e, |e| says::not_parquet(e)))
                })?
                .map_err(|e| FileError::new(Code::CannotOpen, says::not_parquet(e)))?,
        );
    }
    // The arrow reader, where it can take the file's schema (else the
    // column readers read every chunk): one a decoder, sharing the
    // metadata already read.
    let arrows: Vec<ArrowSide> = arrow_meta(pq.metadata())
        .map(|meta| {
            (0..DECODERS)
                .map_while(|_| ArrowSide::new(&meta, &needed, path))
                .collect()
        })
        .unwrap_or_default();
    std::thread::scope(|s| {
        // One decoder a worker, each its row groups in turn (group g to
        // worker g % DECODERS), each with its own queue: the chunks are
        // taken group by group, so rows (and errors) come in file order.
        // The chunks read go back to their decoder to be filled again.
        let mut queues = Vec::with_capacity(DECODERS);
        let mut backs = Vec::with_capacity(DECODERS);
        for worker in 0..DECODERS {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Decoded>(CHUNKS);
            let (back_tx, back_rx) = std::sync::mpsc::channel::<Chunk>();
            let (pq, needed) = (&pq, &needed);
            let pq = others.get(worker.wrapping_sub(1)).unwrap_or(pq);
            let arrow = arrows.get(worker);
            s.spawn(move || {
                if let Err(e) = decode(pq, arrow, needed, &tx, &back_rx, worker) {
                    let _ = tx.send(Err(e));
                }
            });
            queues.push(rx);
            backs.push(back_tx);
        }
        let chunks = (0..groups).flat_map(|g| {
            let rx = queues.get(g % DECODERS);
            // A group's chunks up to its last (or the worker's error).
            let mut ended = rx.is_none();
            std::iter::from_fn(move || {
                if ended {
                    return None;
                }
                let next = rx?.recv().ok();
                ended = match &next {
                    Some(Ok(c)) => c.last,
                    _ => true,
                };
                next
            })
        });
        // Typed values of a row, as the text the row path reads.
        let mut scratch = String::new();
        let mut spans: Vec<(u32, u32)> = vec![(0, 0); needed.len()];
        for chunk in chunks {
            let chunk = chunk.map_err(|(row, c, e)| fail(row, c, e))?;
            let plain = typed.as_ref().and_then(|t| t.plain(&chunk));
            for i in 0..chunk.rows {
                let Ok(row) = u32::try_from(chunk.first + i as u64 + 1) else {
                    return Err(FileError::new(
                        Code::CannotReadSheet,
                        says::too_many_records(),
                    ));
                };
                if let Some(t) = &typed {
                    let took = match &plain {
                        Some(f) => t.take_plain(reader, f, i, row, progress),
                        None => t.take(reader, &chunk, i, row, progress),
                    };
                    if took {
                        continue;
                    }
                }
                scratch.clear();
                for (p, ((_, k, _), span)) in needed.iter().zip(&mut spans).enumerate() {
                    let span_of = |v: Val| match v {
                        Val::Text(a, b) => (a, b),
                        _ => (0, 0),
                    };
                    *span = match (chunk.get(p, i), *k) {
                        (V::Dec(m), Kind::Decimal { scale }) => {
                            span_of(decimal(i128::from(m), scale, &mut scratch))
                        }
                        (V::Big(m), Kind::Decimal { scale }) => {
                            span_of(decimal(m, scale, &mut scratch))
                        }
                        (V::Day(d), _) => span_of(date(i64::from(d), &mut scratch)),
                        _ => (0, 0),
                    };
                }
                let mut fields: Vec<(u32, Cv<'_>)> = Vec::with_capacity(needed.len());
                for (p, ((c, _, _), &(sa, sb))) in needed.iter().zip(&spans).enumerate() {
                    let c = u32::try_from(*c).unwrap_or(u32::MAX);
                    let v = match chunk.get(p, i) {
                        V::Null => Cv::Empty,
                        V::Int(n) => Cv::Int(n),
                        V::Float(f) => Cv::Float(f),
                        V::Bool(b) => Cv::Bool(b),
                        V::Text(t) => Cv::Str(t),
                        V::Dec(_) | V::Big(_) | V::Day(_) => {
                            Cv::Str(scratch.get(sa as usize..sb as usize).unwrap_or_default())
                        }
                        V::BadText => {
                            reader.err(row, c, Code::BadEncoding, |_| says::bad_utf8_value());
                            Cv::Empty
                        }
                    };
                    fields.push((c, v));
                }
                reader.feed_row(row, fields.drain(..), progress);
            }
            if let Some(back) = backs.get(chunk.worker) {
                let _ = back.send(chunk);
            }
        }
        Ok(())
    })
}

/// The most columns a file may declare: a sheet's (Excel's `A` to `XFD`).
const MAX_COLUMNS: usize = MAX_COLS as usize;
/// The most metadata a footer may declare: a ledger sheet's is a few
/// kilobytes (the head office's 31,000,000 daily rows in 30 row groups,
/// under 10 KiB); 16,384 columns in a row group take about 2.5 MiB.
const MAX_FOOTER: u64 = 16 << 20;

fn too_many_columns(n: u64) -> FileError {
    FileError::new(
        Code::BeyondExcelLimits,
        says::parquet_too_many_columns(thousands(n), thousands(MAX_COLUMNS as u64)),
    )
}

/// Check what a file's footer declares before the parquet crate parses it
/// (which builds the whole schema and every row group's metadata): its
/// metadata's length, at most [`MAX_FOOTER`], and the number of its
/// schema's fields, read from the head of the metadata (Thrift's compact
/// protocol: field 1, the version, then field 2, the schema's list, whose
/// header gives its length), at most [`MAX_COLUMNS`] and the root. A file
/// too short for a footer, or one not laid out so, is left to the parquet
/// crate, whose words on it are kept.
fn footer_bounds(file: &mut std::fs::File) -> Result<(), FileError> {
    use std::io::{Read, Seek, SeekFrom};
    let cannot = |e| FileError::new(Code::CannotOpen, says::cannot_read_file(e));
    let len = file.metadata().map_err(cannot)?.len();
    if len < 12 {
        return Ok(());
    }
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::Start(len - 8)).map_err(cannot)?;
    file.read_exact(&mut tail).map_err(cannot)?;
    if &tail[4..] != b"PAR1" {
        return Ok(());
    }
    let meta = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if meta > MAX_FOOTER {
        return Err(FileError::new(
            Code::CannotOpen,
            says::parquet_footer_too_large(thousands(meta), super::guard::size(MAX_FOOTER)),
        ));
    }
    let Some(start) = len.checked_sub(8 + meta) else {
        return Ok(());
    };
    let mut head = [0u8; 16];
    let n = usize::try_from(meta.min(16)).unwrap_or(0);
    file.seek(SeekFrom::Start(start)).map_err(cannot)?;
    file.read_exact(&mut head[..n]).map_err(cannot)?;
    file.seek(SeekFrom::Start(0)).map_err(cannot)?;
    if let Some(fields) = schema_fields(&head[..n])
        && fields > MAX_COLUMNS as u64 + 1
    {
        return Err(too_many_columns(fields - 1));
    }
    Ok(())
}

/// The number of schema fields a Thrift-compact `FileMetaData` begins by
/// declaring: `0x15` (field 1, i32) and the version's varint, then `0x19`
/// (field 2, a list) and the list's header (`0xNC`, N < 15 fields of
/// structs, or `0xFC` and a varint). `None` for any other layout.
fn schema_fields(b: &[u8]) -> Option<u64> {
    fn varint(b: &[u8], at: &mut usize) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let x = *b.get(*at)?;
            *at += 1;
            v |= u64::from(x & 0x7F) << shift;
            if x & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut at = 0;
    if *b.first()? != 0x15 {
        return None;
    }
    at += 1;
    varint(b, &mut at)?;
    if *b.get(at)? != 0x19 {
        return None;
    }
    let list = *b.get(at + 1)?;
    at += 2;
    match (list >> 4, list & 0x0F) {
        (15, 0x0C) => varint(b, &mut at),
        (n, 0x0C) => Some(u64::from(n)),
        _ => None,
    }
}

/// Where the deposits sheet's values are in a chunk, when they come
/// typed: a DATE column, a DECIMAL balance (in yuan, no unit), text ids and
/// product. Such rows skip the cell path: the date's day number and the
/// balance's unscaled integer go straight into the account's day mask and
/// sum ([`Reader::typed_deposit`]); a row with any other value (a null, a
/// negative or too precise balance, an id with spaces, an unknown
/// product…) goes the cell path, as text, and is refused there as before.
struct TypedDeposits {
    date: usize,
    account: usize,
    client: usize,
    product: Option<usize>,
    balance: usize,
    scale: u32,
    input_scale: u32,
}

impl TypedDeposits {
    fn of(reader: &Reader<'_>, needed: &[(usize, Kind, i16)]) -> Option<Self> {
        use super::columns::f::{D_ACCOUNT, D_BALANCE, D_CLIENT, D_DATE, D_PRODUCT};
        if reader.sh.kind != SheetKind::Deposits
            || reader.sh.units.get(D_BALANCE) != Some(&rust_decimal::Decimal::ONE)
        {
            return None;
        }
        let at = |fi: usize| {
            let c = *reader.sh.field_col.get(fi)?;
            needed
                .iter()
                .position(|n| u32::try_from(n.0).ok() == Some(c))
                .map(|p| (p, needed[p].1))
        };
        let text = |fi| match at(fi) {
            Some((p, Kind::Text)) => Some(p),
            _ => None,
        };
        let (date, account, client) = match (at(D_DATE), text(D_ACCOUNT), text(D_CLIENT)) {
            (Some((d, Kind::Date)), Some(a), Some(c)) => (d, a, c),
            _ => return None,
        };
        let (balance, scale) = match at(D_BALANCE) {
            Some((p, Kind::Decimal { scale })) => (p, u32::try_from(scale).ok()?),
            _ => return None,
        };
        let product = match at(D_PRODUCT) {
            None => None,
            Some((p, Kind::Text)) => Some(p),
            Some(_) => return None,
        };
        Some(TypedDeposits {
            date,
            account,
            client,
            product,
            balance,
            scale,
            input_scale: reader.opts.input_scale,
        })
    }

    /// Take row `i` of the chunk by the typed path; `false` when the row
    /// must go the cell path.
    fn take(
        &self,
        reader: &mut Reader<'_>,
        chunk: &Chunk,
        i: usize,
        row: u32,
        progress: &mut dyn FnMut(&str, u64),
    ) -> bool {
        let (V::Day(day), V::Dec(m)) = (chunk.get(self.date, i), chunk.get(self.balance, i)) else {
            return false;
        };
        let (V::Text(account), V::Text(client)) =
            (chunk.get(self.account, i), chunk.get(self.client, i))
        else {
            return false;
        };
        let product = match self.product.map(|p| chunk.get(p, i)) {
            None | Some(V::Null) => None,
            Some(V::Text(t)) => Some(t),
            Some(_) => return false,
        };
        let Some(units) = super::deposits::typed_units(m, self.scale, self.input_scale) else {
            return false;
        };
        let typed = TypedRow {
            day: i64::from(day),
            account,
            client,
            product,
            units,
        };
        reader.typed_deposit(row, typed, progress)
    }
}

/// The deposits' columns of a chunk as the arrow reader decoded them,
/// without a null: read by index, with no dispatch a value.
struct Plain<'a> {
    days: &'a [i32],
    cents: &'a [i128],
    account: &'a StringViewArray,
    client: &'a StringViewArray,
    product: Option<&'a StringViewArray>,
}

impl TypedDeposits {
    /// The chunk's columns as [`Plain`] ones, when they are.
    fn plain<'a>(&self, chunk: &'a Chunk) -> Option<Plain<'a>> {
        let col = |p: usize| chunk.arrowed.get(p).and_then(Option::as_ref);
        let whole = |a: &dyn Array| a.null_count() == 0 && a.len() == chunk.rows;
        let text = |p: usize| match col(p) {
            Some(Arrowed::Str(a)) if whole(a) => Some(a),
            _ => None,
        };
        let days = match col(self.date) {
            Some(Arrowed::Day(a)) if whole(a) => a.values().as_ref(),
            _ => return None,
        };
        let cents = match col(self.balance) {
            Some(Arrowed::Dec(a)) if whole(a) => a.values().as_ref(),
            _ => return None,
        };
        let product = match self.product {
            None => None,
            Some(p) => Some(text(p)?),
        };
        Some(Plain {
            days,
            cents,
            account: text(self.account)?,
            client: text(self.client)?,
            product,
        })
    }

    /// [`TypedDeposits::take`] of a [`Plain`] chunk's row.
    fn take_plain(
        &self,
        reader: &mut Reader<'_>,
        f: &Plain<'_>,
        i: usize,
        row: u32,
        progress: &mut dyn FnMut(&str, u64),
    ) -> bool {
        // Every array holds the chunk's rows (`plain`): `value(i)` is in
        // bounds where the day is.
        let (Some(&day), Some(&m)) = (f.days.get(i), f.cents.get(i)) else {
            return false;
        };
        let Ok(m) = i64::try_from(m) else {
            return false;
        };
        let Some(units) = super::deposits::typed_units(m, self.scale, self.input_scale) else {
            return false;
        };
        let typed = TypedRow {
            day: i64::from(day),
            account: f.account.value(i),
            client: f.client.value(i),
            product: f.product.map(|a| a.value(i)),
            units,
        };
        reader.typed_deposit(row, typed, progress)
    }
}

/// A decoded chunk, or where decoding failed (first row, column).
type Decoded = Result<Chunk, (u64, usize, Msg)>;
type Sender = std::sync::mpsc::SyncSender<Decoded>;

/// A chunk the reader is done with (to fill again), or a new one.
fn recycled(back: &std::sync::mpsc::Receiver<Chunk>, worker: usize) -> Chunk {
    back.try_recv().unwrap_or_else(|_| Chunk {
        first: 0,
        rows: 0,
        cols: Vec::new(),
        arrowed: Vec::new(),
        text: String::new(),
        last: false,
        worker,
    })
}

/// A decoder's arrow reader: the file's metadata with its arrow schema
/// (from the Parquet schema alone: an arrow schema a writer embedded,
/// pyarrow's, is not read, so a column's arrow type is always the same),
/// the needed columns, and the decoder's own handle on the file.
struct ArrowSide {
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    file: std::fs::File,
}

/// The arrow reader's view of a file: its metadata already read, the
/// arrow schema from the Parquet schema alone (an arrow schema a writer
/// embedded, pyarrow's, is not read, so a column's arrow type is always
/// the same), strings as views ([`string_views`]). `None` where the
/// arrow reader cannot take the file: the column readers read it all.
fn arrow_meta(meta: &parquet::file::metadata::ParquetMetaData) -> Option<ArrowReaderMetadata> {
    guarded(|| {
        let meta = std::sync::Arc::new(meta.clone());
        let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
        match string_views(&meta) {
            Some(schema) => ArrowReaderMetadata::try_new(meta, options.with_schema(schema)),
            None => ArrowReaderMetadata::try_new(meta, options),
        }
    })
    .ok()
    .and_then(Result::ok)
}

/// The file's arrow schema (from the Parquet schema alone) with its
/// strings read as views (`Utf8View`): each value a view into the
/// decoded page, or into the dictionary, where `Utf8` copies every value
/// into the batch's own buffer (a fifth of the decoders' time on the head
/// office's month; see bench/README.md). `None` if the schema has no
/// such form: the arrow reader's own reading then, strings as `Utf8`,
/// which `arrow_chunk` leaves to the column readers.
fn string_views(
    meta: &parquet::file::metadata::ParquetMetaData,
) -> Option<arrow_schema::SchemaRef> {
    let schema =
        parquet::arrow::parquet_to_arrow_schema(meta.file_metadata().schema_descr(), None).ok()?;
    let fields: Vec<arrow_schema::Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            ArrowType::Utf8 | ArrowType::LargeUtf8 => {
                f.as_ref().clone().with_data_type(ArrowType::Utf8View)
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    Some(std::sync::Arc::new(arrow_schema::Schema::new(fields)))
}

/// How far the arrow reader took a row group.
enum Took {
    /// Every row, sent.
    All,
    /// The reader stopped taking chunks.
    Hung,
    /// The rows before this one (a whole number of chunks) were sent; the
    /// arrow reader refused the next chunk, or could not start.
    Upto(u64),
}

impl ArrowSide {
    fn new(
        meta: &ArrowReaderMetadata,
        needed: &[(usize, Kind, i16)],
        path: &Path,
    ) -> Option<ArrowSide> {
        Some(ArrowSide {
            meta: meta.clone(),
            mask: ProjectionMask::leaves(meta.parquet_schema(), needed.iter().map(|n| n.0)),
            file: std::fs::File::open(path).ok()?,
        })
    }

    /// Send row group `g` (its first row `first`, `rows` rows) in chunks
    /// of [`CHUNK`] rows, as far as the arrow reader reads it.
    #[allow(clippy::too_many_arguments)]
    fn group(
        &self,
        g: usize,
        first: u64,
        rows: u64,
        needed: &[(usize, Kind, i16)],
        tx: &Sender,
        back: &std::sync::mpsc::Receiver<Chunk>,
        worker: usize,
    ) -> Took {
        if rows == 0 || !checked_text(self.meta.metadata(), g, needed) {
            return Took::Upto(0);
        }
        let Ok(file) = self.file.try_clone() else {
            return Took::Upto(0);
        };
        let batches = guarded(|| {
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
                .with_projection(self.mask.clone())
                .with_row_groups(vec![g])
                .with_batch_size(CHUNK)
                .build()
        });
        // A chunk the arrow reader refuses, or panics on, is the column
        // readers' to read (and to say what is wrong with).
        let Ok(Ok(mut batches)) = batches else {
            return Took::Upto(0);
        };
        let mut done = 0u64;
        while done < rows {
            let want = usize::try_from((rows - done).min(CHUNK as u64)).unwrap_or(CHUNK);
            let batch = match guarded(|| batches.next()) {
                Ok(Some(Ok(b))) if b.num_rows() == want => b,
                _ => return Took::Upto(done),
            };
            let mut chunk = recycled(back, worker);
            if arrow_chunk(&batch, needed, &mut chunk).is_none() {
                return Took::Upto(done);
            }
            chunk.first = first + done;
            chunk.rows = want;
            chunk.last = done + want as u64 >= rows;
            if tx.send(Ok(chunk)).is_err() {
                return Took::Hung;
            }
            done += want as u64;
        }
        Took::All
    }
}

/// Whether the arrow reader checks every text value of row group `g`'s
/// needed columns as UTF-8 on its own: a value of a plain or dictionary
/// page is checked with the length before it (or the dictionary's), but
/// the `DELTA_BYTE_ARRAY` and `DELTA_LENGTH_BYTE_ARRAY` values are
/// checked only joined together, so two values that are not UTF-8 apart
/// (`…\xe4` then `\xb8\xad…`) pass as text the reader must not take (a
/// crash, not an error; found by the independent tester, 2026-12-01). A
/// group with any other encoding of a text column goes to the column
/// readers, which check each value and say which is not UTF-8.
fn checked_text(
    meta: &parquet::file::metadata::ParquetMetaData,
    g: usize,
    needed: &[(usize, Kind, i16)],
) -> bool {
    use parquet::basic::Encoding as E;
    let Some(rg) = meta.row_groups().get(g) else {
        return false;
    };
    needed
        .iter()
        .filter(|(_, k, _)| *k == Kind::Text)
        .all(|&(c, _, _)| {
            rg.columns().get(c).is_some_and(|col| {
                col.encodings().all(|e| {
                    matches!(
                        e,
                        E::PLAIN | E::PLAIN_DICTIONARY | E::RLE_DICTIONARY | E::RLE
                    )
                })
            })
        })
}

/// A batch of the arrow reader as a chunk: strings, dates and decimals
/// kept as the arrays they are, numbers and booleans a value a row.
/// `None` for a column of a type the column readers would read otherwise
/// (a string column without the UTF8 annotation, say): the chunk goes to
/// them.
fn arrow_chunk(
    batch: &RecordBatch,
    needed: &[(usize, Kind, i16)],
    chunk: &mut Chunk,
) -> Option<()> {
    if batch.num_columns() != needed.len() {
        return None;
    }
    chunk.text.clear();
    chunk.arrowed.clear();
    chunk.cols.resize_with(needed.len(), Vec::new);
    for ((col, &(_, k, _)), out) in batch.columns().iter().zip(needed).zip(&mut chunk.cols) {
        out.clear();
        let a = col.as_ref();
        let int = |v: i64| Val::Int(v);
        let arrowed = match (k, a.data_type()) {
            (Kind::Text, ArrowType::Utf8View) => {
                let a = a.as_any().downcast_ref::<StringViewArray>()?;
                if !starts_on_characters(a) {
                    return None;
                }
                Some(Arrowed::Str(a.clone()))
            }
            (Kind::Date, ArrowType::Date32) => Some(Arrowed::Day(
                a.as_any().downcast_ref::<Date32Array>()?.clone(),
            )),
            (Kind::Decimal { .. }, ArrowType::Decimal128(..)) => Some(Arrowed::Dec(
                a.as_any().downcast_ref::<Decimal128Array>()?.clone(),
            )),
            (Kind::Int, ArrowType::Int8) => prim::<Int8Type>(a, out, |v| int(v.into()))?,
            (Kind::Int, ArrowType::Int16) => prim::<Int16Type>(a, out, |v| int(v.into()))?,
            (Kind::Int, ArrowType::Int32) => prim::<Int32Type>(a, out, |v| int(v.into()))?,
            (Kind::Int, ArrowType::Int64) => prim::<Int64Type>(a, out, int)?,
            (Kind::Int, ArrowType::UInt8) => prim::<UInt8Type>(a, out, |v| int(v.into()))?,
            (Kind::Int, ArrowType::UInt16) => prim::<UInt16Type>(a, out, |v| int(v.into()))?,
            (Kind::Int, ArrowType::UInt32) => prim::<UInt32Type>(a, out, |v| int(v.into()))?,
            (Kind::Float, ArrowType::Float32) => {
                prim::<Float32Type>(a, out, |v| Val::Float(v.into()))?
            }
            (Kind::Float, ArrowType::Float64) => prim::<Float64Type>(a, out, Val::Float)?,
            (Kind::Bool, ArrowType::Boolean) => {
                let a = a.as_any().downcast_ref::<BooleanArray>()?;
                out.extend((0..a.len()).map(|i| {
                    if a.is_null(i) {
                        Val::Null
                    } else {
                        Val::Bool(a.value(i))
                    }
                }));
                None
            }
            _ => return None,
        };
        chunk.arrowed.push(arrowed);
    }
    Some(())
}

/// Whether every value of a chunk's text column starts on a character:
/// its first byte, which its view holds, is not a UTF-8 continuation
/// byte. The arrow reader checks the decoded values as UTF-8 joined
/// together; a value cut from the one before it in the middle of a
/// character (`…\xe4` then `\xb8\xad…`) starts with such a byte, and
/// with it the chunk goes to the column readers, which check each value
/// and say which is not UTF-8. Together with the joined check, every
/// value is then UTF-8 on its own, whatever encoding the file declares
/// ([`checked_text`] sends the delta encodings to the column readers
/// before the arrow reader sees them).
fn starts_on_characters(a: &StringViewArray) -> bool {
    a.views()
        .iter()
        .all(|&v| v as u32 == 0 || ((v >> 32) as u8) & 0xC0 != 0x80)
}

/// A primitive array's values into `out`, a value a row: `Some(None)`
/// (the column is in `out`, not kept as an array), or `None` when the
/// array is not of that type.
fn prim<T: ArrowPrimitiveType>(
    a: &dyn Array,
    out: &mut Vec<Val>,
    conv: impl Fn(T::Native) -> Val,
) -> Option<Option<Arrowed>> {
    let a = a.as_any().downcast_ref::<PrimitiveArray<T>>()?;
    out.extend((0..a.len()).map(|i| {
        if a.is_null(i) {
            Val::Null
        } else {
            conv(a.value(i))
        }
    }));
    Some(None)
}

/// Decode the row groups of one worker (every [`DECODERS`]th from
/// `worker`), a chunk at a time, and send the chunks, each group's last
/// marked: by the arrow reader (`arrow`, when the file's schema allows
/// it), and from the first chunk it refuses to the group's end by the
/// column readers. An error names the first row of the chunk and the
/// column.
fn decode(
    pq: &SerializedFileReader<std::fs::File>,
    arrow: Option<&ArrowSide>,
    needed: &[(usize, Kind, i16)],
    tx: &Sender,
    back: &std::sync::mpsc::Receiver<Chunk>,
    worker: usize,
) -> Result<(), (u64, usize, Msg)> {
    let first_col = needed.first().map_or(0, |n| n.0);
    let mut first: u64 = 0;
    let mut bufs = Bufs::default();
    for g in 0..pq.num_row_groups() {
        let rows = u64::try_from(pq.metadata().row_group(g).num_rows()).unwrap_or(0);
        if g % DECODERS != worker {
            first += rows;
            continue;
        }
        // The rows the arrow reader sent; the column readers read the
        // same chunks again up to there (so that an error they find in
        // them is still theirs), and send the rest.
        let from = match arrow.map(|a| a.group(g, first, rows, needed, tx, back, worker)) {
            None => 0,
            Some(Took::All) => {
                first += rows;
                continue;
            }
            Some(Took::Hung) => return Ok(()),
            Some(Took::Upto(done)) => done,
        };
        let rg = guarded(|| pq.get_row_group(g))
            .map_err(|e| (first + 1, first_col, e))?
            .map_err(|e| (first + 1, first_col, Msg::verbatim(e.to_string())))?;
        let rows = u64::try_from(rg.metadata().num_rows()).unwrap_or(0);
        let mut readers = Vec::with_capacity(needed.len());
        for &(c, _, _) in needed {
            readers.push(
                guarded(|| rg.get_column_reader(c))
                    .map_err(|e| (first + 1, c, e))?
                    .map_err(|e| (first + 1, c, Msg::verbatim(e.to_string())))?,
            );
        }
        let mut done = 0u64;
        loop {
            let want = usize::try_from((rows - done).min(CHUNK as u64)).unwrap_or(CHUNK);
            let mut chunk = recycled(back, worker);
            chunk.first = first + done;
            chunk.rows = want;
            chunk.last = done + want as u64 >= rows;
            chunk.arrowed.clear();
            chunk.cols.resize_with(needed.len(), Vec::new);
            // The columns' text, checked as UTF-8 once the chunk is read.
            let mut raw = std::mem::take(&mut chunk.text).into_bytes();
            raw.clear();
            for ((r, &(c, k, max_def)), out) in readers.iter_mut().zip(needed).zip(&mut chunk.cols)
            {
                out.clear();
                let at = first + done + 1;
                column(r, k, max_def, want, &mut bufs, out, &mut raw).map_err(|e| (at, c, e))?;
            }
            chunk.text = utf8_text(raw, &mut chunk.cols);
            let last = chunk.last;
            if done >= from && tx.send(Ok(chunk)).is_err() {
                return Ok(());
            }
            done += want as u64;
            if last {
                break;
            }
        }
        first += rows;
    }
    Ok(())
}

/// A decoder's buffers, kept from one chunk to the next: the values of a
/// column as the parquet crate reads them, and their definition levels.
#[derive(Default)]
struct Bufs {
    defs: Vec<i16>,
    bools: Vec<bool>,
    i32s: Vec<i32>,
    i64s: Vec<i64>,
    f32s: Vec<f32>,
    f64s: Vec<f64>,
    bytes: Vec<parquet::data_type::ByteArray>,
    fixed: Vec<parquet::data_type::FixedLenByteArray>,
}

/// Decode `want` rows of one column into `out`; a string's bytes go to
/// `raw`, checked as UTF-8 with the chunk's others ([`utf8_text`]).
fn column(
    r: &mut ColumnReader,
    k: Kind,
    max_def: i16,
    want: usize,
    b: &mut Bufs,
    out: &mut Vec<Val>,
    raw: &mut Vec<u8>,
) -> Result<(), Msg> {
    let defs = &mut b.defs;
    match r {
        ColumnReader::BoolColumnReader(r) => {
            take(r, max_def, want, defs, &mut b.bools, out, |v| Val::Bool(*v))
        }
        // Dates and decimals stay numbers here: the reader takes them typed,
        // or formats them as the text the cell path reads.
        ColumnReader::Int32ColumnReader(r) => {
            take(r, max_def, want, defs, &mut b.i32s, out, |v| match k {
                Kind::Date => Val::Day(*v),
                Kind::Decimal { .. } => Val::Dec(i64::from(*v)),
                _ => Val::Int(i64::from(*v)),
            })
        }
        ColumnReader::Int64ColumnReader(r) => {
            take(r, max_def, want, defs, &mut b.i64s, out, |v| match k {
                Kind::Decimal { .. } => Val::Dec(*v),
                _ => Val::Int(*v),
            })
        }
        ColumnReader::FloatColumnReader(r) => take(r, max_def, want, defs, &mut b.f32s, out, |v| {
            Val::Float(f64::from(*v))
        }),
        ColumnReader::DoubleColumnReader(r) => {
            take(r, max_def, want, defs, &mut b.f64s, out, |v| Val::Float(*v))
        }
        ColumnReader::ByteArrayColumnReader(r) => {
            take(r, max_def, want, defs, &mut b.bytes, out, |v| match k {
                Kind::Decimal { scale } => big_endian(v.data(), scale, raw),
                _ => push(raw, v.data()),
            })
        }
        ColumnReader::FixedLenByteArrayColumnReader(r) => {
            take(r, max_def, want, defs, &mut b.fixed, out, |v| match k {
                Kind::Decimal { scale } => big_endian(v.data(), scale, raw),
                _ => Val::BadText,
            })
        }
        ColumnReader::Int96ColumnReader(_) => Err(says::int96_not_read()),
    }
}

/// The chunk's string bytes as text, checked as UTF-8 in one pass: when
/// the whole is UTF-8, a value is exactly when it starts and ends on a
/// character's boundary; otherwise each value is checked on its own. A
/// value that is not UTF-8 becomes [`Val::BadText`] (an error at its
/// cell), never replaced.
fn utf8_text(raw: Vec<u8>, cols: &mut [Vec<Val>]) -> String {
    let values = cols.iter_mut().flat_map(|c| c.iter_mut());
    match String::from_utf8(raw) {
        Ok(text) => {
            for v in values {
                if let Val::Text(a, b) = *v
                    && !(text.is_char_boundary(a as usize) && text.is_char_boundary(b as usize))
                {
                    *v = Val::BadText;
                }
            }
            text
        }
        Err(e) => {
            let raw = e.into_bytes();
            let mut text = String::with_capacity(raw.len());
            for v in values {
                if let Val::Text(a, b) = *v {
                    *v = match raw
                        .get(a as usize..b as usize)
                        .and_then(|s| std::str::from_utf8(s).ok())
                    {
                        Some(s) => push_str(&mut text, s),
                        None => Val::BadText,
                    };
                }
            }
            text
        }
    }
}

/// Read `want` records of a typed column, nulls where the definition level
/// is short of the column's.
fn take<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    max_def: i16,
    want: usize,
    defs: &mut Vec<i16>,
    vals: &mut Vec<T::T>,
    out: &mut Vec<Val>,
    mut conv: impl FnMut(&T::T) -> Val,
) -> Result<(), Msg> {
    let mut got = 0;
    while got < want {
        defs.clear();
        vals.clear();
        let levels = if max_def > 0 { Some(&mut *defs) } else { None };
        let (records, _, _) = guarded(|| r.read_records(want - got, levels, None, vals))?
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
    vals.clear();
    Ok(())
}

fn push(text: &mut Vec<u8>, s: &[u8]) -> Val {
    let a = u32::try_from(text.len()).unwrap_or(u32::MAX);
    text.extend_from_slice(s);
    let b = u32::try_from(text.len()).unwrap_or(u32::MAX);
    Val::Text(a, b)
}

/// [`push`] of text into a `String`.
fn push_str(text: &mut String, s: &str) -> Val {
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
        Some(d) => push_str(text, &d.format("%Y-%m-%d").to_string()),
        None => push_str(text, &format!("DATE {days}")),
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

/// A DECIMAL stored as big-endian two's complement bytes: its unscaled
/// integer when that fits an `i64`, else its text.
fn big_endian(b: &[u8], scale: i32, text: &mut Vec<u8>) -> Val {
    let negative = b.first().is_some_and(|x| x & 0x80 != 0);
    let fill = if negative { 0xFF } else { 0 };
    if b.len() > 16 {
        let (head, _) = b.split_at(b.len() - 16);
        if head.iter().any(|&x| x != fill) {
            return push(text, b"a DECIMAL beyond 38 digits");
        }
    }
    let mut buf = [fill; 16];
    let tail = &b[b.len().saturating_sub(16)..];
    buf[16 - tail.len()..].copy_from_slice(tail);
    let unscaled = i128::from_be_bytes(buf);
    match i64::try_from(unscaled) {
        Ok(m) => Val::Dec(m),
        Err(_) => {
            let mut s = String::new();
            match decimal(unscaled, scale, &mut s) {
                Val::Text(a, b) => push(
                    text,
                    s.as_bytes().get(a as usize..b as usize).unwrap_or_default(),
                ),
                v => v,
            }
        }
    }
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

    /// A held sheet: any number of rows up to a workbook's; past it (a
    /// head office's 2,000,000 clients in 30 MB), at least a byte a row;
    /// the tester's 50,000,000 rows of nulls in 307 KiB are refused.
    #[test]
    fn a_held_sheet_past_a_workbook_holds_a_byte_a_row() {
        assert!(held_rows_plausible(1_048_576, 10));
        assert!(held_rows_plausible(2_000_000, 30_000_000));
        assert!(held_rows_plausible(2_000_000, 2_000_000));
        assert!(!held_rows_plausible(2_000_000, 1_999_999));
        assert!(!held_rows_plausible(50_000_000, 307 * 1024));
        assert!(!held_rows_plausible(1_048_577, 2048));
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
        // -1.00 as two bytes: 0xFF9C = -100, kept as the number.
        assert!(matches!(
            big_endian(&[0xFF, 0x9C], 2, &mut Vec::new()),
            Val::Dec(-100)
        ));
        // 2026-10-01 is day 20,727 since 1970-01-01.
        let v = date(20_727, &mut t);
        assert_eq!(text_of(v, &t), "2026-10-01");
    }

    /// The chunk's strings checked as UTF-8 at once: a value is text
    /// exactly when its own bytes are UTF-8, whatever its neighbours.
    #[test]
    fn strings_not_utf8_are_found_value_by_value() {
        let spans = |raw: &[&[u8]]| {
            let mut buf = Vec::new();
            let vals: Vec<Val> = raw.iter().map(|v| push(&mut buf, v)).collect();
            (buf, vals)
        };
        let read = |raw: &[&[u8]]| {
            let (buf, vals) = spans(raw);
            let mut cols = vec![vals, vec![Val::Int(7)]];
            let text = utf8_text(buf, &mut cols);
            cols[0]
                .iter()
                .map(|v| match *v {
                    Val::Text(..) => Some(text_of(*v, &text)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let s = |t: &str| Some(t.to_string());
        // All UTF-8: each value as it is.
        assert_eq!(
            read(&[b"A1", "客户".as_bytes(), b""]),
            [s("A1"), s("客户"), s("")]
        );
        // é (C3 A9) cut over two values: the whole is UTF-8, neither value is.
        assert_eq!(read(&[b"x\xC3", b"\xA9y", b"z"]), [None, None, s("z")]);
        // A stray FF: that value alone; the others keep their text.
        assert_eq!(
            read(&[b"A1", b"\xFF", "客户".as_bytes()]),
            [s("A1"), None, s("客户")]
        );
    }
}

#[cfg(test)]
mod arrow_tests {
    use super::*;
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type as PqInt64};
    use parquet::file::writer::SerializedFileWriter;

    /// A file of two columns, an account id (UTF8) and a balance
    /// (DECIMAL(18,2)), in row groups of the given ids, the ids'
    /// dictionary-encoded or not.
    fn write(path: &Path, groups: &[Vec<Vec<u8>>], dictionary: bool) {
        let schema = parquet::schema::parser::parse_message_type(
            "message m { REQUIRED BYTE_ARRAY account_id (UTF8); \
             REQUIRED INT64 balance (DECIMAL(18,2)); }",
        )
        .unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            // Pages of a thousand rows: a chunk spans several.
            .set_data_page_row_count_limit(1000)
            .set_write_batch_size(1000)
            .set_dictionary_enabled(dictionary)
            .build();
        let file = std::fs::File::create(path).unwrap();
        let mut w =
            SerializedFileWriter::new(file, std::sync::Arc::new(schema), props.into()).unwrap();
        for ids in groups {
            let mut rg = w.next_row_group().unwrap();
            let mut c = rg.next_column().unwrap().unwrap();
            let vals: Vec<ByteArray> = ids.iter().map(|b| ByteArray::from(b.clone())).collect();
            c.typed::<ByteArrayType>()
                .write_batch(&vals, None, None)
                .unwrap();
            c.close().unwrap();
            let mut c = rg.next_column().unwrap().unwrap();
            let cents: Vec<i64> = (0..ids.len() as i64).collect();
            c.typed::<PqInt64>()
                .write_batch(&cents, None, None)
                .unwrap();
            c.close().unwrap();
            rg.close().unwrap();
        }
        w.close().unwrap();
    }

    /// A chunk as the test sees it: its first row, whether the arrow
    /// reader decoded it, and the rows whose id is not UTF-8.
    fn decoded(path: &Path, worker: usize) -> Vec<(u64, usize, bool, Vec<usize>)> {
        let pq = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
        let needed = [(0, Kind::Text, 0), (1, Kind::Decimal { scale: 2 }, 0)];
        let meta = arrow_meta(pq.metadata()).unwrap();
        let arrow = ArrowSide::new(&meta, &needed, path).unwrap();
        let (tx, rx) = std::sync::mpsc::sync_channel(64);
        let (_back_tx, back_rx) = std::sync::mpsc::channel();
        decode(&pq, Some(&arrow), &needed, &tx, &back_rx, worker).unwrap();
        drop(tx);
        rx.iter()
            .map(|c| {
                let c = c.unwrap();
                let arrowed = c.arrowed.iter().any(Option::is_some);
                let bad = (0..c.rows)
                    .filter(|&i| matches!(c.get(0, i), V::BadText))
                    .collect();
                // Every balance is its row's index in its group, in cents.
                for i in 0..c.rows {
                    assert!(matches!(c.get(1, i), V::Dec(_)), "row {i}");
                }
                (c.first, c.rows, arrowed, bad)
            })
            .collect()
    }

    /// Clean chunks come from the arrow reader; from a chunk it refuses
    /// (an id that is not UTF-8), the column readers read the rest of the
    /// row group, the bad id at its row; the next group is the arrow
    /// reader's again. Worker 0 takes groups 0 and 2. Dictionary-encoded,
    /// the bad id is in the dictionary page, which the arrow reader checks
    /// before its first chunk: the whole group goes to the column readers.
    #[test]
    fn a_refused_chunk_and_the_rest_of_its_group_go_to_the_column_readers() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("d.parquet");
        let ids = |n: usize| -> Vec<Vec<u8>> {
            (0..n).map(|i| format!("A{i:06}").into_bytes()).collect()
        };
        // Group 0: 2 × 8,192 + 10 rows, row 8,192 + 5 (its second chunk)
        // not UTF-8. Group 1: 7 rows (worker 1's). Group 2: 10 rows.
        let mut g0 = ids(2 * CHUNK + 10);
        g0[CHUNK + 5] = b"A\xFF".to_vec();
        write(&path, &[g0.clone(), ids(7), ids(10)], false);
        let g2 = (2 * CHUNK + 10 + 7) as u64;
        assert_eq!(
            decoded(&path, 0),
            [
                (0, CHUNK, true, vec![]),
                (CHUNK as u64, CHUNK, false, vec![5]),
                (2 * CHUNK as u64, 10, false, vec![]),
                (g2, 10, true, vec![]),
            ]
        );
        assert_eq!(decoded(&path, 1), [(g2 - 7, 7, true, vec![])]);
        write(&path, &[g0, ids(7), ids(10)], true);
        assert_eq!(
            decoded(&path, 0),
            [
                (0, CHUNK, false, vec![]),
                (CHUNK as u64, CHUNK, false, vec![5]),
                (2 * CHUNK as u64, 10, false, vec![]),
                (g2, 10, true, vec![]),
            ]
        );
    }

    /// The delta encodings' text goes to the column readers (their values
    /// are checked as UTF-8 only joined together); plain and dictionary
    /// pages' to the arrow reader.
    #[test]
    fn delta_encoded_text_goes_to_the_column_readers() {
        use parquet::basic::Encoding as E;
        let tmp = tempfile::tempdir().unwrap();
        let needed = [(0, Kind::Text, 0), (1, Kind::Decimal { scale: 2 }, 0)];
        for (encoding, dictionary, arrow) in [
            (None, false, true),
            (None, true, true),
            (Some(E::DELTA_BYTE_ARRAY), false, false),
            (Some(E::DELTA_LENGTH_BYTE_ARRAY), false, false),
        ] {
            let path = tmp.path().join("d.parquet");
            let schema = parquet::schema::parser::parse_message_type(
                "message m { REQUIRED BYTE_ARRAY account_id (UTF8); \
                 REQUIRED INT64 balance (DECIMAL(18,2)); }",
            )
            .unwrap();
            let props = parquet::file::properties::WriterProperties::builder()
                .set_dictionary_enabled(dictionary);
            let props = match encoding {
                Some(e) => props.set_column_encoding("account_id".into(), e),
                None => props,
            }
            .build();
            let file = std::fs::File::create(&path).unwrap();
            let mut w =
                SerializedFileWriter::new(file, std::sync::Arc::new(schema), props.into()).unwrap();
            let mut rg = w.next_row_group().unwrap();
            let mut c = rg.next_column().unwrap().unwrap();
            let ids: Vec<ByteArray> = (0..10)
                .map(|i| ByteArray::from(format!("A{i}").as_str()))
                .collect();
            c.typed::<ByteArrayType>()
                .write_batch(&ids, None, None)
                .unwrap();
            c.close().unwrap();
            let mut c = rg.next_column().unwrap().unwrap();
            c.typed::<PqInt64>()
                .write_batch(&[1; 10], None, None)
                .unwrap();
            c.close().unwrap();
            rg.close().unwrap();
            w.close().unwrap();
            let pq = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
            assert_eq!(
                checked_text(pq.metadata(), 0, &needed),
                arrow,
                "{encoding:?}"
            );
            assert!(!checked_text(pq.metadata(), 1, &needed), "no such group");
        }
    }

    /// A text value whose first byte continues a character (cut from the
    /// value before it) is not taken from the arrow reader's array.
    #[test]
    fn a_value_cut_from_the_one_before_is_not_taken() {
        let views = |values: Vec<&[u8]>| {
            let b = arrow_array::BinaryViewArray::from(values);
            // SAFETY: a test of the check against such values; the array
            // is only looked at by `starts_on_characters`, which reads its
            // views, never as `str`.
            unsafe { b.to_string_view_unchecked() }
        };
        let cut: Vec<&[u8]> = vec![b"MARKONE_\xe4", b"\xb8\xadMARKTWO_"];
        assert!(!starts_on_characters(&views(cut)));
        // Out of line (over 12 bytes) and inline, and empty.
        let long: Vec<&[u8]> = vec![b"6228480100010000000", "活期".as_bytes(), b"", b"\xb8"];
        assert!(!starts_on_characters(&views(long.clone())));
        assert!(starts_on_characters(&views(long[..3].to_vec())));
    }
}
