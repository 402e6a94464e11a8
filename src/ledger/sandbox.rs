//! The workbook formats whose parser is not safe on hostile files (.xls,
//! .ods, and whatever else calamine detects by content) are parsed in a
//! child process: rmpay itself, re-run with the hidden `__read-workbook`
//! argument, under an address-space and a CPU-time limit.
//!
//! The child opens the file with calamine, reads the sheets whose names are
//! contract sheets, and writes them to its stdout as JSON (a magic line,
//! then the sheets: every non-empty cell with its row, column and value;
//! numbers as their f64 bits, so nothing is lost on the way). Whatever
//! happens to it (a panic, an allocation abort, the memory limit, the CPU
//! limit) the parent only sees that no complete answer came, and reports
//! the file as damaged: nothing of the child's reaches the user.
//!
//! xlsx is not read here: its sheets are streamed in process, and the
//! reader's limits (`guard.rs`) keep calamine away from what could hurt it.

use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType, Reader as _};
use serde::{Deserialize, Serialize};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The hidden first argument that makes rmpay a workbook reader.
pub const WORKER_ARG: &str = "__read-workbook";

/// The child's address space: legacy .xls sheets are at most 65,536 rows by
/// 256 columns, which calamine holds as a dense range of 32-byte cells
/// (512 MiB at the very most); a legitimate ledger is a small part of that.
pub const WORKER_ADDRESS_SPACE: u64 = 1 << 30;
/// The child's CPU time, seconds.
pub const WORKER_CPU_SECONDS: u64 = 60;
/// The largest answer the parent accepts.
const MAX_REPLY: u64 = 256 << 20;
/// The first line of a worker's answer.
const MAGIC: &[u8] = b"rmpay-workbook 1\n";

/// A sheet's cells (row, column, value), or why it could not be read.
pub type WireCells = Result<Vec<(u32, u32, WireCell)>, String>;

/// A workbook as the worker hands it over.
#[derive(Serialize, Deserialize, Debug, Default)]
pub struct WireBook {
    /// Every sheet name, in workbook order.
    pub names: Vec<String>,
    /// The sheets hidden in the workbook.
    #[serde(default)]
    pub hidden: Vec<String>,
    /// The sheets that were read: name and cells, or why it could not be
    /// read.
    pub sheets: Vec<(String, WireCells)>,
}

/// A cell value; floats as their bits.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum WireCell {
    I(i64),
    F(u64),
    S(String),
    B(bool),
    /// Excel serial (bits), duration or date-time, 1904 system.
    D(u64, bool, bool),
    Di(String),
    Du(String),
    E(u8),
}

/// calamine's cell errors, in the order their codes are kept
/// (`kept.rs` numbers them by this table too).
pub(super) const ERRORS: [CellErrorType; 8] = [
    CellErrorType::Div0,
    CellErrorType::NA,
    CellErrorType::Name,
    CellErrorType::Null,
    CellErrorType::Num,
    CellErrorType::Ref,
    CellErrorType::Value,
    CellErrorType::GettingData,
];

impl WireCell {
    fn from_data(d: &Data) -> Option<WireCell> {
        Some(match d {
            Data::Empty => return None,
            Data::Int(i) => WireCell::I(*i),
            Data::Float(f) => WireCell::F(f.to_bits()),
            Data::String(s) => WireCell::S(s.clone()),
            Data::Bool(b) => WireCell::B(*b),
            Data::DateTime(t) => {
                // calamine keeps the date system private; it is the one
                // that rebuilds the same value.
                let kind = if t.is_duration() {
                    ExcelDateTimeType::TimeDelta
                } else {
                    ExcelDateTimeType::DateTime
                };
                let y1904 = ExcelDateTime::new(t.as_f64(), kind, true) == *t;
                WireCell::D(t.as_f64().to_bits(), t.is_duration(), y1904)
            }
            Data::DateTimeIso(s) => WireCell::Di(s.clone()),
            Data::DurationIso(s) => WireCell::Du(s.clone()),
            Data::Error(e) => WireCell::E(
                ERRORS
                    .iter()
                    .position(|x| x == e)
                    .and_then(|i| u8::try_from(i).ok())
                    .unwrap_or(u8::MAX),
            ),
        })
    }

    pub(crate) fn into_data(self) -> Data {
        match self {
            WireCell::I(i) => Data::Int(i),
            WireCell::F(f) => Data::Float(f64::from_bits(f)),
            WireCell::S(s) => Data::String(s),
            WireCell::B(b) => Data::Bool(b),
            WireCell::D(v, duration, y1904) => {
                let kind = if duration {
                    ExcelDateTimeType::TimeDelta
                } else {
                    ExcelDateTimeType::DateTime
                };
                Data::DateTime(ExcelDateTime::new(f64::from_bits(v), kind, y1904))
            }
            WireCell::Di(s) => Data::DateTimeIso(s),
            WireCell::Du(s) => Data::DurationIso(s),
            WireCell::E(i) => Data::Error(
                ERRORS
                    .get(usize::from(i))
                    .cloned()
                    .unwrap_or(CellErrorType::Value),
            ),
        }
    }
}

/// Parse a workbook in this process: the worker's job, and what the fuzz
/// target of this path runs. `wanted` picks the sheets to read by name.
/// Not safe on hostile files: call it only in the worker.
pub fn parse_in_process(path: &Path, wanted: &dyn Fn(&str) -> bool) -> Result<WireBook, String> {
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = wb.sheet_names();
    let hidden = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let mut sheets = Vec::new();
    for name in names.iter().filter(|n| wanted(n)) {
        let cells = wb
            .worksheet_range(name)
            .map_err(|e| e.to_string())
            .map(|r| {
                r.used_cells()
                    .filter_map(|(r0, c0, d)| {
                        let (r, c) = r.start().unwrap_or((0, 0));
                        let row = r.checked_add(u32::try_from(r0).ok()?)?;
                        let col = c.checked_add(u32::try_from(c0).ok()?)?;
                        Some((row, col, WireCell::from_data(d)?))
                    })
                    .collect()
            });
        sheets.push((name.clone(), cells));
    }
    Ok(WireBook {
        names,
        hidden,
        sheets,
    })
}

/// The worker: limit this process, parse the file, write the answer.
/// Returns the exit code.
pub fn worker_main(path: &OsStr) -> i32 {
    limit_self();
    let book = parse_in_process(Path::new(path), &super::is_contract_sheet);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = out
        .write_all(MAGIC)
        .map_err(|e| e.to_string())
        .and_then(|()| serde_json::to_writer(&mut out, &book).map_err(|e| e.to_string()))
        .and_then(|()| out.flush().map_err(|e| e.to_string()));
    i32::from(written.is_err())
}

fn limit_self() {
    let limit = |resource, value: u64| {
        let lim = libc::rlimit {
            rlim_cur: value,
            rlim_max: value,
        };
        // SAFETY: setrlimit only reads the struct passed by reference.
        unsafe { libc::setrlimit(resource, &lim) };
    };
    limit(libc::RLIMIT_AS, WORKER_ADDRESS_SPACE);
    limit(libc::RLIMIT_CPU, WORKER_CPU_SECONDS);
    limit(libc::RLIMIT_CORE, 0);
}

static WORKER_EXE: OnceLock<PathBuf> = OnceLock::new();

/// The executable run as the worker: rmpay itself unless set (a program
/// that uses the library, such as a test binary, sets it to an rmpay
/// binary).
pub fn set_worker_exe(exe: PathBuf) {
    let _ = WORKER_EXE.set(exe);
}

/// Why the worker gave no answer.
pub(crate) enum Refusal {
    /// The worker could not be started.
    NoWorker(String),
    /// It died, overran a limit or answered garbage.
    Damaged,
}

/// Parse `path` in a worker process.
pub(crate) fn read(path: &Path) -> Result<Result<WireBook, String>, Refusal> {
    let exe = match WORKER_EXE.get() {
        Some(e) => e.clone(),
        None => std::env::current_exe().map_err(|e| Refusal::NoWorker(e.to_string()))?,
    };
    let mut child = Command::new(exe)
        .arg(WORKER_ARG)
        .arg(path)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Refusal::NoWorker(e.to_string()))?;
    let mut reply = Vec::new();
    let read = match child.stdout.take() {
        Some(out) => out.take(MAX_REPLY + 1).read_to_end(&mut reply).is_ok(),
        None => false,
    };
    if !read || reply.len() as u64 > MAX_REPLY {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| Refusal::NoWorker(e.to_string()))?;
    if !read || !status.success() {
        return Err(Refusal::Damaged);
    }
    let Some(body) = reply.strip_prefix(MAGIC) else {
        return Err(Refusal::Damaged);
    };
    serde_json::from_slice(body).map_err(|_| Refusal::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_crosses_the_pipe_unchanged() {
        let values = [
            Data::Int(-7),
            Data::Float(0.1 + 0.2),
            Data::Float(-0.0),
            Data::String("客户 C001".into()),
            Data::Bool(true),
            Data::DateTime(ExcelDateTime::new(
                46296.5,
                ExcelDateTimeType::DateTime,
                true,
            )),
            Data::DateTime(ExcelDateTime::new(
                1.25,
                ExcelDateTimeType::TimeDelta,
                false,
            )),
            Data::DateTimeIso("2026-10-31".into()),
            Data::DurationIso("PT1H".into()),
            Data::Error(CellErrorType::Div0),
            Data::Error(CellErrorType::GettingData),
        ];
        for v in values {
            let wire = WireCell::from_data(&v).unwrap();
            let json = serde_json::to_string(&wire).unwrap();
            let back: WireCell = serde_json::from_str(&json).unwrap();
            assert_eq!(back.into_data(), v, "{json}");
        }
        assert_eq!(WireCell::from_data(&Data::Empty), None);
    }
}
