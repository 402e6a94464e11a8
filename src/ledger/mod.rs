//! The ledger reader: the only module that touches calamine.
//!
//! Reads a monthly ledger workbook (docs/LEDGER.md) into a typed [`Ledger`],
//! reporting every problem with file, sheet and cell.
//!
//! Every format goes through one row path: the xlsx sheets are streamed cell
//! by cell ([`calamine::Xlsx::worksheet_cells_reader`], strings borrowed from
//! the workbook, so a million-row `deposits` sheet is never held in memory),
//! behind [`guard`], which keeps every part within Excel's limits before
//! calamine sees it; the xls and ods sheets are small, parsed in a worker
//! process ([`sandbox`]) and handed over cell by cell. Rows become a fixed
//! array of borrowed cells ([`cell::Cv`]), one per known column, and the
//! sheet's row handler turns them into records.

mod cell;
mod columns;
mod csv_file;
mod deposits;
pub mod dump;
pub mod folder;
pub mod guard;
pub mod guide;
mod kept;
pub mod model;
mod parquet_file;
mod parse;
mod rows;
pub mod sandbox;
pub mod unzip;
pub use parquet_file::in_guarded_decode;
/// Date text as the ledger reads it; `rmpay sign --date` reads the same forms.
pub(crate) use parse::parse_date_text;
pub use unzip::MIN_MEMBER as PREFETCH_MIN_MEMBER;

pub use model::*;

use crate::diag::{Code, Diagnostics, Location, PER_KIND_LIMIT};
use crate::period::Period;
use crate::text::{Lang, Msg, ledger as says};
use calamine::{Cell, Data, DataRef, Reader as _, Xlsx};
use cell::{Cv, text_ref};
use columns::{Col, MAXF, columns, header_field, norm_header, unit_factor};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek};
use std::path::Path;

/// Cells in one batch handed from the xlsx parsing thread to the reader
/// (at least; a batch ends with a whole row), and batches on their way at
/// once (a few hundred KiB in all).
const CELL_BATCH: usize = 4096;
const CELL_BATCHES: usize = 2;

/// An open workbook: xlsx streamed (through [`unzip`]), the others parsed
/// by a worker process ([`sandbox`]) and handed over whole.
enum Book {
    Xlsx(Box<Xlsx<unzip::LedgerFile>>),
    Other(sandbox::WireBook),
}

/// Whether a sheet of this name is one of the contract's sheets.
pub(crate) fn is_contract_sheet(name: &str) -> bool {
    let norm = norm_header(name);
    SheetKind::ALL
        .into_iter()
        .any(|k| parse::loose_eq(&norm, k.english()) || parse::loose_eq(&norm, k.chinese()))
}

/// Rows between two calls of the progress callback.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Read a ledger workbook. `display` is the file name as the user typed it
/// (used in every diagnostic). `progress` is called now and then (about every
/// 65,536 rows) with the sheet name and rows read so far; the CLI draws a
/// progress bar with it.
///
/// Returns `Some(ledger)` only when no error was found (warnings allowed).
/// Every error of the workbook is reported, not just the first.
pub fn read_ledger(
    path: &Path,
    display: &str,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(&str, u64),
) -> (Option<Ledger>, Diagnostics) {
    let mut reader = Reader::new(display, opts);
    reader.read(path, progress);
    reader.finish()
}

/// [`read_ledger`], the deposits sheet split (if `split`) when it
/// inflates to `split_min` bytes or more ([`read_ledger`] uses
/// [`unzip::SPLIT_MIN`]; under [`unzip::MIN_MEMBER`], the biggest sheet
/// of `split_min` bytes or more is inflated ahead, split or not), and how
/// it was read (`None`: no xlsx deposits sheet was read). For tests: the split and the single read give the
/// same ledger and diagnostics.
#[doc(hidden)]
pub fn read_ledger_split(
    path: &Path,
    display: &str,
    opts: &ReadOptions,
    split_min: u64,
    split: bool,
) -> (Option<Ledger>, Diagnostics, Option<unzip::SplitRoute>) {
    let mut reader = Reader::new(display, opts);
    reader.split_min = split_min;
    reader.split_on = split;
    reader.read(path, &mut |_, _| {});
    let route = reader.split_route;
    let (ledger, diags) = reader.finish();
    (ledger, diags, route)
}

/// The sheet being read.
struct SheetCtx {
    kind: SheetKind,
    name: String,
    cols: &'static [Col],
    header_row: Option<u32>,
    /// First column of the header row (where header-level errors point).
    first_col: u32,
    /// The header row has every required column.
    usable: bool,
    /// Column of each field; `u32::MAX` when the column is absent.
    field_col: [u32; MAXF],
    /// Unit factor of each field (10,000 for 万元).
    units: [Decimal; MAXF],
    /// Field of each column; `NO_FIELD` when the column is not read.
    by_col: Vec<u8>,
    rows_read: u64,
    /// Data rows (not blank) below the header.
    data_rows: u64,
    /// The sheet could not be read to its end (reported): what is missing
    /// from it is not reported again.
    unreadable: bool,
    /// Errors reported so far in this sheet, per code.
    counts: Vec<(Code, usize)>,
    /// Rows above the header row, among the first [`HEADER_SEARCH_ROWS`]:
    /// titles and notes, kept until the header row is found.
    above: Vec<(u32, Vec<(u32, Data)>)>,
    /// Fields whose cell may say that a row is a total (合计): the ids and
    /// the header's first column; bit `fi` for field `fi`.
    label_fields: u16,
    /// In a ledger folder, the form of the sheet's file (`name` is the
    /// file's name), which decides how its cells are named.
    form: Option<FileForm>,
}

/// The header row is the first row among this many that holds the sheet's
/// required headers: title rows (a merged `XX支行2026年10月…明细`), a unit
/// line and blank rows may stand above it.
const HEADER_SEARCH_ROWS: u32 = 10;

/// A total row's label in the first column or an id column: `合计`,
/// `小计`, `总计`, spaces (`合 计`) and a colon allowed.
fn is_total(s: &str) -> bool {
    // Most cells are ids: out at the first character, without a loop.
    if !s.trim_start().starts_with(['合', '小', '总']) {
        return false;
    }
    let mut it = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：'));
    matches!(
        (it.next(), it.next(), it.next()),
        (Some('合' | '小' | '总'), Some('计'), None)
    )
}

const NO_FIELD: u8 = u8::MAX;
const ABSENT: u32 = u32::MAX;

impl SheetCtx {
    fn new(kind: SheetKind, name: &str) -> Self {
        SheetCtx {
            kind,
            name: name.to_string(),
            cols: columns(kind),
            header_row: None,
            first_col: 0,
            usable: false,
            field_col: [ABSENT; MAXF],
            units: [Decimal::ONE; MAXF],
            by_col: Vec::new(),
            rows_read: 0,
            data_rows: 0,
            unreadable: false,
            counts: Vec::new(),
            above: Vec::new(),
            label_fields: 0,
            form: None,
        }
    }

    fn has(&self, fi: usize) -> bool {
        self.field_col[fi] != ABSENT
    }
}

/// All state of one read.
pub(crate) struct Reader<'o> {
    file: String,
    opts: &'o ReadOptions,
    diags: Diagnostics,
    sh: SheetCtx,
    sheet_names: Vec<(SheetKind, String)>,
    /// The sheet could be read (present, with its required columns); cross
    /// references into it are checked only then.
    usable: Vec<SheetKind>,
    /// The sheets with at least one data row.
    filled: Vec<SheetKind>,
    period: Option<Period>,
    /// Scratch text for number formatting.
    buf: String,

    managers: Vec<Manager>,
    /// The first row of each RM id (hashed with the deposits' aHash).
    manager_rows: HashMap<String, u32, ahash::RandomState>,
    clients: Vec<Assignment>,
    client_ids: rows::ClientIds,
    dep: deposits::DepositState,
    averages: Vec<DepositAverage>,
    loans: Vec<Loan>,
    loan_rows: HashMap<String, u32>,
    fees: Vec<Fee>,
    settlements: Vec<Settlement>,
    new_accounts: Vec<NewAccount>,
    incidents: Vec<Incident>,
    baseline: Vec<Baseline>,
    risk_accounts: Vec<RiskOpening>,
    unknown_columns: Vec<UnknownColumn>,
    balance_column: Option<model::BalanceColumn>,
    /// The first limit the xlsx went past (see [`guard`]).
    breach: unzip::BreachSlot,
    /// Reading a ledger folder ([`folder`]): its sheets are files.
    in_folder: bool,
    /// The form of each sheet's file, in a ledger folder.
    folder: Vec<(SheetKind, FileForm)>,
    /// The deposits sheet is split when it inflates to this many bytes
    /// ([`unzip::Split`]).
    split_min: u64,
    split_on: bool,
    /// The biggest worksheet, ready to be split (or why not).
    split: Result<std::sync::Arc<unzip::Split>, unzip::Single>,
    /// How the deposits sheet was read.
    split_route: Option<unzip::SplitRoute>,
}

/// A split sheet's second half ([`unzip::Split::second_half`]), parsed
/// and kept: the cells as the first half's parser would give them.
fn keep_second_half(file: unzip::LedgerFile, name: &str) -> Result<kept::Kept, String> {
    let mut x = Xlsx::new(file).map_err(|e| e.to_string())?;
    let mut cells = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut kept = kept::Kept::default();
    while let Some(rec) = cells
        .next_cell_with_formula_metadata()
        .map_err(|e| e.to_string())?
    {
        let cell = uncomputed_as_error(rec);
        let (r, c) = cell.get_position();
        if r >= guard::MAX_ROWS || c >= guard::MAX_COLS {
            return Err("beyond Excel's last cell".to_string());
        }
        kept.push(r, c, cell.get_value());
    }
    Ok(kept)
}

/// A cell of an xlsx as the reader takes it. A formula saved without its
/// value (a file written by a library such as openpyxl and never opened in
/// a spreadsheet program) holds nothing to read: it is Excel's "not
/// computed yet" (`#GETTING_DATA`), which every column refuses at its cell,
/// not an empty cell that a default (a share of 100%, the tier's base
/// deposit) or a zero (a loss) would fill in unseen.
fn uncomputed_as_error(rec: calamine::XlsxCellFormulaMetadataRecord<'_>) -> Cell<DataRef<'_>> {
    let value = match rec.value {
        DataRef::Empty if rec.formula.is_some() => {
            DataRef::Error(calamine::CellErrorType::GettingData)
        }
        v => v,
    };
    Cell::new(rec.pos, value)
}

impl<'o> Reader<'o> {
    fn new(display: &str, opts: &'o ReadOptions) -> Self {
        Reader {
            file: display.to_string(),
            opts,
            diags: Diagnostics::new(),
            sh: SheetCtx::new(SheetKind::Managers, ""),
            sheet_names: Vec::new(),
            usable: Vec::new(),
            filled: Vec::new(),
            period: opts.period,
            buf: String::new(),
            managers: Vec::new(),
            manager_rows: HashMap::with_hasher(deposits::id_hasher()),
            clients: Vec::new(),
            client_ids: rows::ClientIds::default(),
            dep: deposits::DepositState::new(opts.carry_forward_missing_days),
            averages: Vec::new(),
            loans: Vec::new(),
            loan_rows: HashMap::new(),
            fees: Vec::new(),
            settlements: Vec::new(),
            new_accounts: Vec::new(),
            incidents: Vec::new(),
            baseline: Vec::new(),
            risk_accounts: Vec::new(),
            unknown_columns: Vec::new(),
            balance_column: None,
            breach: Default::default(),
            in_folder: false,
            folder: Vec::new(),
            split_min: unzip::SPLIT_MIN,
            split_on: true,
            split: Err(unzip::Single::Off),
            split_route: None,
        }
    }

    /// The limit the workbook went past, if any, reported where it was
    /// found: at its cell, in the sheet being read, or in the file.
    /// Returns whether there was one.
    fn report_breach(&mut self, in_sheet: bool) -> bool {
        let taken = self.breach.lock().ok().and_then(|mut b| b.take());
        let Some(b) = taken else { return false };
        self.put_breach(b, in_sheet);
        true
    }

    fn put_breach(&mut self, b: guard::Breach, in_sheet: bool) {
        let (loc, message) = match (in_sheet, b.cell) {
            (true, Some((r, c))) => (Location::cell(&self.file, &self.sh.name, r, c), b.message),
            (true, None) => (self.sheet_loc(), b.message),
            (false, _) if b.part.is_empty() || b.message.get(Lang::En).contains(&b.part) => {
                (self.file_loc(), b.message)
            }
            (false, _) => {
                let part = says::in_part(&b.part);
                let message = b.message.map(|l, m| m + part.get(l));
                (self.file_loc(), message)
            }
        };
        self.diags.error(loc, b.code, message);
    }

    fn file_loc(&self) -> Location {
        Location::File {
            file: self.file.clone(),
        }
    }

    fn sheet_loc(&self) -> Location {
        if self.in_folder {
            // A sheet of a folder is a file.
            return Location::File {
                file: format!("{}/{}", self.file, self.sh.name),
            };
        }
        Location::Sheet {
            file: self.file.clone(),
            sheet: self.sh.name.clone(),
        }
    }

    /// Report an error at a cell of the current sheet. The message is built
    /// only when it will be kept: past [`PER_KIND_LIMIT`] of one code in one
    /// sheet, errors are only counted and summed up in one line at the end
    /// of the sheet.
    pub(crate) fn err(&mut self, row: u32, col: u32, code: Code, msg: impl FnOnce(&Self) -> Msg) {
        let n = match self.sh.counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.sh.counts.push((code, 1));
                1
            }
        };
        if n > PER_KIND_LIMIT {
            return;
        }
        let message = msg(self);
        let loc = match &self.sh.form {
            // A Parquet file's header is its schema: a column it lacks is
            // missing from the file, not at another column.
            Some(FileForm::Parquet { .. }) if row == 0 && code == Code::MissingColumn => {
                self.sheet_loc()
            }
            _ => self.cell_loc(row, col),
        };
        self.diags.error(loc, code, message);
    }

    /// Count `n` more errors of `code` in this sheet, beyond those
    /// reported: they are summed up with the others past the limit.
    pub(crate) fn count_more(&mut self, code: Code, n: usize) {
        if n == 0 {
            return;
        }
        match self.sh.counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, k)) => *k += n,
            None => self.sh.counts.push((code, n)),
        }
    }

    pub(crate) fn warn(&mut self, row: u32, col: u32, code: Code, msg: Msg) {
        let loc = self.cell_loc(row, col);
        self.diags.warning(loc, code, msg);
    }

    /// A row of the current sheet as its user numbers it: the sheet's row
    /// (`row 17`), a CSV file's line (`line 17`), a Parquet file's record
    /// (`row 16`: its schema is the reader's row 0).
    pub(crate) fn row_name(&self, r: u32) -> Msg {
        match &self.sh.form {
            Some(FileForm::Csv) => says::line_at(self.row_number(r)),
            _ => says::row_at(self.row_number(r)),
        }
    }

    /// Rows of the current sheet as its user numbers them: `rows 3, 4`
    /// (`lines 3, 4` in a CSV file).
    pub(crate) fn rows_named(&self, rows: &[u32]) -> Msg {
        let list = says::list_of(rows.iter().map(|r| self.row_number(*r)));
        match &self.sh.form {
            Some(FileForm::Csv) => says::nest(&list, |s| says::lines_at(s)),
            _ => says::nest(&list, |s| says::rows_at(s)),
        }
    }

    pub(crate) fn row_number(&self, r: u32) -> u64 {
        match &self.sh.form {
            Some(FileForm::Parquet { .. }) => u64::from(r),
            _ => u64::from(r) + 1,
        }
    }

    /// Where a cell of the current sheet is: a workbook's cell, or a line
    /// and field (CSV), or a row and column (Parquet) of a folder's file.
    fn cell_loc(&self, row: u32, col: u32) -> Location {
        match &self.sh.form {
            Some(form) => form.location(&self.file, &self.sh.name, row, col),
            None => Location::cell(&self.file, &self.sh.name, row, col),
        }
    }

    /// The sheet name as found in the workbook.
    pub(crate) fn sheet_name(&self, kind: SheetKind) -> &str {
        self.sheet_names
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| n.as_str())
            .unwrap_or(kind.chinese())
    }

    pub(crate) fn is_usable(&self, kind: SheetKind) -> bool {
        self.usable.contains(&kind)
    }

    fn read(&mut self, path: &Path, progress: &mut dyn FnMut(&str, u64)) {
        if path.is_dir() {
            self.read_folder(path, progress);
            return;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        let opened: Result<Book, Msg> = match ext.as_deref() {
            Some("xlsx" | "xlsm") => {
                match unzip::open_split(path, &self.breach, self.split_min, self.split_on) {
                    Err(e) => Err(says::cannot_open_workbook(calamine::XlsxError::Io(e))),
                    Ok(Err(b)) => {
                        self.put_breach(b, false);
                        return;
                    }
                    Ok(Ok(f)) => {
                        self.split = f.split();
                        Xlsx::new(f)
                    }
                    .map_err(says::cannot_open_workbook)
                    .map(|x| Book::Xlsx(Box::new(x))),
                }
            }
            _ => match self.sandboxed(path, ext.as_deref()) {
                Some(book) => book,
                None => return,
            },
        };
        let mut wb = match opened {
            Ok(wb) => wb,
            Err(_) if self.report_breach(false) => return,
            Err(msg) => {
                let loc = self.file_loc();
                self.diags.error(loc, Code::CannotOpen, msg);
                return;
            }
        };

        let names = match &wb {
            Book::Xlsx(x) => x.sheet_names(),
            Book::Other(o) => o.names.clone(),
        };
        let found = self.find_sheets(&names);
        let hidden: Vec<String> = match &wb {
            Book::Xlsx(x) => x
                .sheets_metadata()
                .iter()
                .filter(|s| s.visible != calamine::SheetVisible::Visible)
                .map(|s| s.name.clone())
                .collect(),
            Book::Other(o) => o.hidden.clone(),
        };
        for kind in SheetKind::ALL {
            let Some(name) = found.get(&kind) else {
                continue;
            };
            self.sh = SheetCtx::new(kind, name);
            if hidden.contains(name) {
                let loc = self.sheet_loc();
                self.diags
                    .warning(loc, Code::HiddenSheet, says::hidden_sheet());
            }
            let res = match &mut wb {
                Book::Xlsx(x) if kind == SheetKind::Deposits => self
                    .stream_deposits(x, name, progress)
                    .map_err(says::cannot_read_sheet),
                Book::Xlsx(x) => self
                    .stream_xlsx(x, name, progress)
                    .map_err(says::cannot_read_sheet),
                Book::Other(other) => match other.sheets.iter_mut().find(|(n, _)| n == name) {
                    Some((_, Ok(cells))) => {
                        self.feed_cells(std::mem::take(cells), progress);
                        Ok(())
                    }
                    Some((_, Err(e))) => Err(says::cannot_read_sheet(e)),
                    None => Err(says::sheet_not_read()),
                },
            };
            if res.is_err() {
                self.sh.unreadable = true;
            }
            if res.is_err() && self.report_breach(true) {
                self.sh.usable = false;
            } else if let Err(msg) = res {
                let loc = self.sheet_loc();
                self.diags.error(loc, Code::CannotReadSheet, msg);
                self.sh.usable = false;
            }
            self.finish_sheet(progress);
        }
    }

    /// Map workbook sheet names to the contract's sheets; report missing,
    /// duplicate and conflicting sheets.
    fn find_sheets(&mut self, names: &[String]) -> BTreeMap<SheetKind, String> {
        let mut found: BTreeMap<SheetKind, String> = BTreeMap::new();
        let what = if self.in_folder {
            says::word_file()
        } else {
            says::word_sheet()
        };
        for name in names {
            let norm = norm_header(folder::sheet_stem(name, self.in_folder));
            let kind = SheetKind::ALL.into_iter().find(|k| {
                parse::loose_eq(&norm, k.english()) || parse::loose_eq(&norm, k.chinese())
            });
            let Some(kind) = kind else { continue };
            if let Some(first) = found.get(&kind) {
                let msg = says::nest(&what, |what| {
                    says::duplicate_sheet(kind.english(), kind.chinese(), what, first, name)
                });
                let loc = self.file_loc();
                self.diags.error(loc, Code::DuplicateSheet, msg);
                continue;
            }
            found.insert(kind, name.clone());
        }
        let listed = || {
            if names.is_empty() {
                return says::word_none();
            }
            let names: Vec<Msg> = names.iter().map(says::sheet_name).collect();
            says::list(&names)
        };
        for kind in [SheetKind::Managers, SheetKind::Clients] {
            if !found.contains_key(&kind) {
                let msg = says::nest2(&what, &listed(), |what, found| {
                    says::missing_sheet(kind.english(), kind.chinese(), what, found)
                });
                let loc = self.file_loc();
                self.diags.error(loc, Code::MissingSheet, msg);
            }
        }
        // Both deposit sheets may be there: the one with rows is used (the
        // template has both, one left with its header only); both with rows
        // is an error, found when they have been read.
        if !found.contains_key(&SheetKind::Deposits)
            && !found.contains_key(&SheetKind::DepositAverages)
        {
            let (daily, avg) = (SheetKind::Deposits, SheetKind::DepositAverages);
            let msg = says::nest2(&what, &listed(), |what, found| {
                says::missing_deposit_sheet(
                    daily.english(),
                    daily.chinese(),
                    avg.english(),
                    avg.chinese(),
                    what,
                    found,
                )
            });
            let loc = self.file_loc();
            self.diags.error(loc, Code::MissingSheet, msg);
        }
        for (k, n) in &found {
            self.sheet_names.push((*k, n.clone()));
        }
        found
    }

    /// Stream an xlsx sheet.
    ///
    /// Parsing the XML (calamine) runs on a thread of its own and hands the
    /// cells over in batches of whole rows, so checking and summing them
    /// overlaps with parsing on a machine with two cores or more. A batch
    /// goes back to the parsing thread when read, and its cells (inline
    /// strings own their text) are freed there, where they were made.
    fn stream_xlsx<RS: Read + Seek + Send>(
        &mut self,
        x: &mut Xlsx<RS>,
        name: &str,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<(), String> {
        let cells = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
        self.stream_cells(cells, progress).map(|_| ())
    }

    /// [`Reader::stream_xlsx`] on a sheet's cells: the row of the last
    /// cell taken, if any.
    fn stream_cells<RS: Read + Seek + Send>(
        &mut self,
        mut cells: calamine::XlsxCellReader<'_, RS>,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<Option<u32>, String> {
        let slot = self.breach.clone();
        std::thread::scope(|s| {
            let (full_tx, full_rx) = std::sync::mpsc::sync_channel(CELL_BATCHES);
            let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<Cell<DataRef<'_>>>>();
            let parser = s.spawn(move || -> Result<(), String> {
                // The first cell of the next batch's first row.
                let mut carry = None;
                loop {
                    let mut batch = empty_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(CELL_BATCH + MAXF));
                    batch.clear();
                    batch.extend(carry.take());
                    let end = loop {
                        match cells.next_cell_with_formula_metadata() {
                            Ok(Some(rec)) => {
                                let cell = uncomputed_as_error(rec);
                                // Cells without a reference count on from
                                // the last one; the guard bounds only the
                                // references written.
                                let (r, c) = cell.get_position();
                                if r >= guard::MAX_ROWS || c >= guard::MAX_COLS {
                                    let b = guard::Breach {
                                        code: guard::BEYOND_EXCEL,
                                        part: String::new(),
                                        cell: Some((
                                            r.min(guard::MAX_ROWS - 1),
                                            c.min(guard::MAX_COLS - 1),
                                        )),
                                        message: says::beyond_last_cell(
                                            u64::from(r) + 1,
                                            u64::from(c) + 1,
                                        ),
                                    };
                                    if let Ok(mut slot) = slot.lock() {
                                        slot.get_or_insert(b);
                                    }
                                    break Some(Err("beyond Excel's last cell".to_string()));
                                }
                                let full = batch.len() >= CELL_BATCH
                                    && batch.last().map(|c| c.get_position().0)
                                        != Some(cell.get_position().0);
                                if full {
                                    carry = Some(cell);
                                    break None;
                                }
                                batch.push(cell);
                            }
                            Ok(None) => break Some(Ok(())),
                            Err(e) => break Some(Err(e.to_string())),
                        }
                    };
                    // The receiver only goes away when the reader stops.
                    if full_tx.send(batch).is_err() {
                        return Ok(());
                    }
                    if let Some(end) = end {
                        return end;
                    }
                }
            });
            let mut last = None;
            for batch in full_rx {
                self.take_rows(&batch, progress);
                last = batch.last().map(|c| c.get_position().0).or(last);
                let _ = empty_tx.send(batch);
            }
            match parser.join() {
                Ok(r) => r.map(|()| last),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Stream the deposits sheet, split in two halves read at once when
    /// it is the workbook's biggest sheet and big enough ([`unzip::Split`]):
    /// the first half's rows taken as they are parsed, the second half's
    /// cells kept ([`kept`]) and taken after them, so that every row goes
    /// through the row path in sheet order, as in a single read. When a
    /// half cannot be read, or the halves would not give the single
    /// read's rows, the sheet is read again whole, from the state the
    /// reader was in before it: the messages are the single read's.
    fn stream_deposits<RS: Read + Seek + Send>(
        &mut self,
        x: &mut Xlsx<RS>,
        name: &str,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<(), String> {
        let split = match std::mem::replace(&mut self.split, Err(unzip::Single::Off)) {
            Ok(split) => split,
            Err(why) => {
                self.split_route = Some(unzip::SplitRoute::Single(why));
                return self.stream_xlsx(x, name, progress);
            }
        };
        let mark = self.diags.mark();
        let unknown = self.unknown_columns.len();
        let period = self.period;
        let breach = self.breach.lock().ok().and_then(|b| b.clone());
        let res = self.stream_split(x, name, progress, &split);
        split.join();
        let why = match res {
            Ok(read) => return read,
            Err(why) => why,
        };
        self.split_route = Some(unzip::SplitRoute::Single(why));
        self.diags.truncate(mark);
        self.unknown_columns.truncate(unknown);
        self.period = period;
        self.sh = SheetCtx::new(SheetKind::Deposits, name);
        self.dep = deposits::DepositState::new(self.opts.carry_forward_missing_days);
        if let Ok(mut slot) = self.breach.lock() {
            *slot = breach;
        }
        self.stream_xlsx(x, name, progress)
    }

    /// The split read of [`Reader::stream_deposits`]: the sheet read (by
    /// two parsers, or whole when it is not split), or why it must be
    /// read again whole.
    fn stream_split<RS: Read + Seek + Send>(
        &mut self,
        x: &mut Xlsx<RS>,
        name: &str,
        progress: &mut dyn FnMut(&str, u64),
        split: &unzip::Split,
    ) -> Result<Result<(), String>, unzip::Single> {
        split.arm();
        let cells = x.worksheet_cells_reader(name);
        if let Err(why) = split.disarm() {
            // Not split: calamine reads the sheet whole, as it would have.
            self.split_route = Some(unzip::SplitRoute::Single(why));
            return Ok(cells
                .map_err(|e| e.to_string())
                .and_then(|cells| self.stream_cells(cells, progress).map(|_| ())));
        }
        let cells = cells.map_err(|_| unzip::Single::Failed)?;
        self.stream_halves(cells, name, progress, split)?;
        self.split_route = Some(unzip::SplitRoute::Split);
        Ok(Ok(()))
    }

    /// The halves of a split sheet, `cells` the first half's; an error
    /// says why the sheet must be read again whole.
    fn stream_halves<RS: Read + Seek + Send>(
        &mut self,
        cells: calamine::XlsxCellReader<'_, RS>,
        name: &str,
        progress: &mut dyn FnMut(&str, u64),
        split: &unzip::Split,
    ) -> Result<(), unzip::Single> {
        use unzip::Single;
        let (file, _slot) = split.second_half().map_err(|_| Single::Failed)?;
        std::thread::scope(|s| {
            let second = s.spawn(move || keep_second_half(file, name));
            let first = self.stream_cells(cells, progress);
            let kept = match second.join() {
                Ok(kept) => kept,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            let last = first.map_err(|_| Single::Failed)?;
            let kept = kept.map_err(|_| Single::Failed)?;
            if kept.first_row.is_some() && kept.first_row == last {
                return Err(Single::RowAcrossCut);
            }
            self.take_kept(kept, progress).map_err(|_| Single::Failed)
        })
    }

    /// The second half's cells, kept, through the row path.
    fn take_kept(
        &mut self,
        kept: kept::Kept,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<(), &'static str> {
        let (mut row, mut date) = (0, None);
        for chunk in kept.finish() {
            let raw = kept::inflate(&chunk)?;
            drop(chunk);
            let mut cells = Vec::new();
            kept::unpack(&raw, &mut row, &mut date, &mut cells)?;
            // A chunk holds whole rows.
            self.take_rows(&cells, progress);
        }
        Ok(())
    }

    /// Whole rows of an xlsx sheet, their cells in reading order. A data
    /// row's cells go straight into its field slots, so a row costs no
    /// allocation and no second pass; the cells of rows before the header
    /// are kept with their columns.
    fn take_rows(&mut self, cells: &[Cell<DataRef<'_>>], progress: &mut dyn FnMut(&str, u64)) {
        let mut fields = [Cv::Empty; MAXF];
        let mut first = Cv::Empty;
        let mut before_header = Vec::new();
        let mut cur = None;
        for cell in cells {
            let (r, c) = cell.get_position();
            if cur != Some(r) {
                if let Some(cur) = cur {
                    self.end_xlsx_row(cur, &mut fields, &mut first, &mut before_header, progress);
                }
                cur = Some(r);
            }
            let v = cell.get_value();
            if matches!(v, DataRef::Empty) {
                continue;
            }
            let text = match v {
                DataRef::SharedString(t) => Some(*t),
                DataRef::String(t) => Some(t.as_str()),
                _ => None,
            };
            // Cells before the header row go through `feed_row`, which
            // checks them.
            if let Some(t) = text
                && self.sh.header_row.is_some()
                && t.len() > guard::MAX_CELL_CHARS
                && t.chars().count() > guard::MAX_CELL_CHARS
            {
                let n = t.chars().count() as u64;
                self.err(r, c, guard::BEYOND_EXCEL, |_| {
                    says::cell_too_long(
                        guard::thousands(guard::MAX_CELL_CHARS as u64),
                        guard::thousands(n),
                    )
                });
            }
            if self.sh.header_row.is_none() {
                before_header.push((c, Cv::from_ref(v)));
            } else if let Some(&fi) = self.sh.by_col.get(c as usize)
                && let Some(slot) = fields.get_mut(fi as usize)
            {
                *slot = Cv::from_ref(v);
            } else if c == self.sh.first_col {
                first = Cv::from_ref(v);
            }
        }
        if let Some(cur) = cur {
            self.end_xlsx_row(cur, &mut fields, &mut first, &mut before_header, progress);
        }
    }

    /// The end of an xlsx row: the header row (or a row before it), whose
    /// cells are in `before_header`, or a data row whose fields are in
    /// `fields` (and the cell of the header's first column, when that is
    /// not a field, in `first`). All are left empty for the next row.
    fn end_xlsx_row<'v>(
        &mut self,
        r: u32,
        fields: &mut [Cv<'v>; MAXF],
        first: &mut Cv<'v>,
        before_header: &mut Vec<(u32, Cv<'v>)>,
        progress: &mut dyn FnMut(&str, u64),
    ) {
        if self.sh.header_row.is_none() {
            self.feed_row(r, before_header.drain(..), progress);
            return;
        }
        let mut f = std::mem::replace(fields, [Cv::Empty; MAXF]);
        let first = std::mem::take(first);
        self.count_row(progress);
        if !self.sh.usable {
            return;
        }
        let mut any = false;
        for v in &mut f {
            if v.is_blank() {
                *v = Cv::Empty;
            } else {
                any = true;
            }
        }
        self.row_end(r, &f, first, any);
    }

    /// A row below the header: skipped when it is a total (合计, 小计,
    /// 总计 in the first column or an id column), with a warning at that
    /// cell, so that its figures are not added; else read when `any` cell
    /// of it is filled.
    fn row_end(&mut self, r: u32, f: &rows::Fields<'_>, first: Cv<'_>, any: bool) {
        let total = |cv: &Cv<'_>| match *cv {
            Cv::Str(s) if is_total(s) => Some(s.trim().to_string()),
            _ => None,
        };
        let mut label = total(&first).map(|t| (self.sh.first_col, t));
        let mut bits = self.sh.label_fields;
        while label.is_none() && bits != 0 {
            let fi = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            label = f.get(fi).and_then(total).map(|t| (self.col(fi), t));
        }
        if let Some((c, text)) = label {
            self.warn(r, c, Code::TotalRow, says::total_row(text));
        } else if any {
            self.data_row(r, f);
        }
    }

    fn count_row(&mut self, progress: &mut dyn FnMut(&str, u64)) {
        self.sh.rows_read += 1;
        if self.sh.rows_read.is_multiple_of(PROGRESS_EVERY) {
            progress(&self.sh.name, self.sh.rows_read);
        }
    }

    /// Open a workbook in a worker process ([`sandbox`]). `None` when it
    /// could not be read at all (the error is reported).
    fn sandboxed(&mut self, path: &Path, ext: Option<&str>) -> Option<Result<Book, Msg>> {
        let loc = self.file_loc();
        match sandbox::read(path) {
            Ok(Ok(book)) => Some(Ok(Book::Other(book))),
            Ok(Err(e)) => Some(Err(match ext {
                // The worker's words (calamine's) on a workbook it could not parse.
                Some("xls" | "xlsb" | "ods") => says::cannot_open_workbook(e),
                Some(e) => says::not_a_workbook(e),
                None => says::no_extension(),
            })),
            Err(sandbox::Refusal::Damaged) => {
                let msg = match ext {
                    Some(e @ ("xls" | "xlsb" | "ods")) => says::damaged_ext(e),
                    _ => says::damaged(),
                };
                self.diags.error(loc, Code::CannotOpen, msg);
                None
            }
            Err(sandbox::Refusal::NoWorker(e)) => {
                self.diags.error(loc, Code::CannotOpen, says::no_worker(e));
                None
            }
        }
    }

    /// The cells of a sheet read by the worker, row by row.
    fn feed_cells(
        &mut self,
        mut cells: Vec<(u32, u32, sandbox::WireCell)>,
        progress: &mut dyn FnMut(&str, u64),
    ) {
        cells.sort_by_key(|&(r, c, _)| (r, c));
        let data: Vec<(u32, u32, Data)> = cells
            .into_iter()
            .map(|(r, c, v)| (r, c, v.into_data()))
            .collect();
        for row in data.chunk_by(|a, b| a.0 == b.0) {
            let r = row.first().map_or(0, |x| x.0);
            self.feed_row(
                r,
                row.iter().map(|(_, c, d)| (*c, Cv::from_data(d))),
                progress,
            );
        }
    }

    /// One sheet row (its non-empty cells, column and value).
    fn feed_row<'v>(
        &mut self,
        r: u32,
        cells: impl Iterator<Item = (u32, Cv<'v>)>,
        progress: &mut dyn FnMut(&str, u64),
    ) {
        self.count_row(progress);
        if self.sh.header_row.is_none() {
            let mut cells: Vec<(u32, Cv<'v>)> = cells.filter(|(_, v)| !v.is_blank()).collect();
            for (c, v) in &mut cells {
                *v = self.cut(r, *c, *v);
            }
            if !cells.is_empty() {
                self.header_candidate(r, &cells);
            }
            return;
        }
        if !self.sh.usable {
            return;
        }
        let mut fields = [Cv::Empty; MAXF];
        let mut first = Cv::Empty;
        let mut any = false;
        for (c, v) in cells {
            let v = self.cut(r, c, v);
            let fi = self.sh.by_col.get(c as usize).copied().unwrap_or(NO_FIELD);
            if fi == NO_FIELD {
                if c == self.sh.first_col {
                    first = v;
                }
            } else if !v.is_blank() {
                if let Some(slot) = fields.get_mut(fi as usize) {
                    *slot = v;
                }
                any = true;
            }
        }
        self.row_end(r, &fields, first, any);
    }

    /// A CSV field or Parquet string past Excel's 32,767 characters a cell
    /// is an error at its cell, as in a workbook (which the guard bounds
    /// before it is read), and is read as its first 32,767 characters, as
    /// Excel opens such a CSV: no message quotes more (a field of 100 MB
    /// was quoted whole by `not-an-amount`).
    fn cut<'v>(&mut self, r: u32, c: u32, v: Cv<'v>) -> Cv<'v> {
        let Cv::Str(t) = v else { return v };
        if t.len() <= guard::MAX_CELL_CHARS {
            return v;
        }
        let Some((end, _)) = t.char_indices().nth(guard::MAX_CELL_CHARS) else {
            return v;
        };
        let n = t.chars().count() as u64;
        self.err(r, c, guard::BEYOND_EXCEL, |_| {
            says::cell_too_long(
                guard::thousands(guard::MAX_CELL_CHARS as u64),
                guard::thousands(n),
            )
        });
        Cv::Str(&t[..end])
    }

    /// A non-empty row before the header row: the header row if it holds
    /// the sheet's required headers, else a title kept aside while the
    /// first [`HEADER_SEARCH_ROWS`] rows are looked at.
    fn header_candidate(&mut self, r: u32, cells: &[(u32, Cv<'_>)]) {
        if self.holds_headers(cells) {
            self.note_rows_above(r);
            self.header(r, cells);
        } else if r < HEADER_SEARCH_ROWS {
            let owned = cells.iter().map(|(c, v)| (*c, v.to_data())).collect();
            self.sh.above.push((r, owned));
        } else {
            self.header_not_found(Some((r, cells)));
        }
    }

    /// No row among the first few holds the sheet's headers: the first
    /// non-empty row is taken for the header row, and what it lacks is
    /// reported there.
    fn header_not_found(&mut self, here: Option<(u32, &[(u32, Cv<'_>)])>) {
        let above = std::mem::take(&mut self.sh.above);
        if let Some((r, cells)) = above.first() {
            let cells: Vec<(u32, Cv<'_>)> =
                cells.iter().map(|(c, d)| (*c, Cv::from_data(d))).collect();
            self.header(*r, &cells);
        } else if let Some((r, cells)) = here {
            self.header(r, cells);
        }
    }

    /// Whether a row's cells name every column the sheet requires.
    fn holds_headers(&self, cells: &[(u32, Cv<'_>)]) -> bool {
        let mut found = [false; MAXF];
        let mut buf = String::new();
        for (_, v) in cells {
            let Ok(Some(text)) = text_ref(v, &mut buf) else {
                continue;
            };
            if let Some((fi, _)) = header_field(self.sh.cols, &norm_header(text))
                && let Some(x) = found.get_mut(fi)
            {
                *x = true;
            }
        }
        columns::holds_required(self.sh.kind, &|fi| found.get(fi) == Some(&true))
    }

    /// Say which rows above the header row were skipped (titles, notes),
    /// each with its first words.
    fn note_rows_above(&mut self, header: u32) {
        let above = std::mem::take(&mut self.sh.above);
        if above.is_empty() {
            return;
        }
        let mut buf = String::new();
        let rows: Vec<Msg> = above
            .iter()
            .map(|(r, cells)| {
                let text =
                    cells
                        .iter()
                        .find_map(|(_, d)| match text_ref(&Cv::from_data(d), &mut buf) {
                            Ok(Some(t)) => Some(t.to_string()),
                            _ => None,
                        });
                match text {
                    Some(t) if t.chars().count() > 40 => says::row_text(
                        r + 1,
                        format!("{}…", t.chars().take(40).collect::<String>()),
                    ),
                    Some(t) => says::row_text(r + 1, t),
                    None => says::row_at(r + 1),
                }
            })
            .collect();
        let loc = self.sheet_loc();
        let msg = says::nest(&says::list(&rows), |rows| {
            says::rows_above_header(header + 1, rows)
        });
        self.diags.warning(loc, Code::RowsAboveHeader, msg);
    }

    /// The header row: find each column's field and unit.
    fn header(&mut self, r: u32, cells: &[(u32, Cv<'_>)]) {
        self.sh.header_row = Some(r);
        self.sh.first_col = cells.iter().map(|(c, _)| *c).min().unwrap_or(0);
        let cols = self.sh.cols;
        let mut bad = false;
        for (c, v) in cells {
            let mut buf = String::new();
            let text = match text_ref(v, &mut buf) {
                Ok(Some(t)) => t.to_string(),
                _ => continue,
            };
            let norm = norm_header(&text);
            let Some((fi, unit)) = header_field(cols, &norm) else {
                self.unknown_columns.push(UnknownColumn {
                    sheet: self.sh.kind,
                    header: text,
                    col: *c,
                    row: r,
                });
                continue;
            };
            let Some(spec) = cols.get(fi) else { continue };
            if self.sh.has(fi) {
                let first = crate::diag::cell_name(r, self.sh.field_col[fi]);
                self.err(r, *c, Code::DuplicateColumn, |_| {
                    says::duplicate_column(spec.zh, spec.named(), first)
                });
                bad = true;
                continue;
            }
            if let Some(unit) = unit {
                match unit_factor(spec, unit) {
                    Ok(f) => self.sh.units[fi] = f,
                    Err(m) => {
                        self.err(r, *c, Code::BadUnit, |_| m);
                        bad = true;
                    }
                }
            }
            self.sh.field_col[fi] = *c;
            // The deposits' amounts: where, and whether a unit is said
            // (a plausibility check, src/pipeline/inputs.rs).
            if matches!(
                (self.sh.kind, spec.key),
                (SheetKind::Deposits, "balance") | (SheetKind::DepositAverages, "daily_average")
            ) {
                self.balance_column = Some(model::BalanceColumn {
                    src: Src {
                        sheet: self.sh.kind,
                        row: r,
                        col: *c,
                    },
                    unit_declared: unit.is_some(),
                });
            }
            let need = *c as usize + 1;
            if self.sh.by_col.len() < need {
                self.sh.by_col.resize(need, NO_FIELD);
            }
            if let Some(slot) = self.sh.by_col.get_mut(*c as usize) {
                *slot = u8::try_from(fi).unwrap_or(NO_FIELD);
            }
        }
        let first_col = self.sh.first_col;
        for (fi, spec) in cols.iter().enumerate() {
            if spec.required && !self.sh.has(fi) {
                self.err(r, first_col, Code::MissingColumn, |_| {
                    says::missing_column(spec.zh, spec.named())
                });
                bad = true;
            }
        }
        // A total row says so in the first column or an id column.
        let mut label_fields = 0u16;
        for (fi, spec) in cols.iter().enumerate() {
            let id = spec.ty == columns::Ty::Text && spec.key.ends_with("_id");
            if self.sh.has(fi) && (id || self.sh.field_col[fi] == self.sh.first_col) {
                label_fields |= 1 << fi;
            }
        }
        self.sh.label_fields = label_fields;
        // Columns required in alternatives.
        let sh = &self.sh;
        if let Some(m) = columns::missing_alternative(sh.kind, &|fi| sh.has(fi)) {
            self.err(r, first_col, Code::MissingColumn, |_| m.message());
            bad = true;
        }
        self.sh.usable = !bad;
    }

    /// After the last row of a sheet: sheet-wide checks, then one summary
    /// line per error kind that went past the limit.
    fn finish_sheet(&mut self, progress: &mut dyn FnMut(&str, u64)) {
        if self.sh.header_row.is_none() && !self.sh.unreadable {
            self.header_not_found(None);
        }
        let kind = self.sh.kind;
        if self.sh.data_rows > 0 {
            self.filled.push(kind);
        }
        if self.sh.unreadable {
            // Reported as unreadable; nothing more to say about it.
        } else if self.sh.header_row.is_none() {
            // Of the two deposit sheets, the one beside the other may be
            // left empty.
            let other = match kind {
                SheetKind::Deposits => Some(SheetKind::DepositAverages),
                SheetKind::DepositAverages => Some(SheetKind::Deposits),
                _ => None,
            };
            let required = match other {
                Some(o) => !self.sheet_names.iter().any(|(k, _)| *k == o),
                None => matches!(kind, SheetKind::Managers | SheetKind::Clients),
            };
            if required {
                let loc = self.sheet_loc();
                self.diags.error(loc, Code::EmptySheet, says::empty_sheet());
            } else {
                // An empty optional sheet has no rows; nothing to check.
                self.usable.push(kind);
            }
        } else if self.sh.usable {
            self.usable.push(kind);
            match kind {
                SheetKind::Clients => self.finish_clients(),
                SheetKind::Deposits => self.finish_deposits(),
                _ => {}
            }
        }
        for (code, n) in std::mem::take(&mut self.sh.counts) {
            if n > PER_KIND_LIMIT {
                let loc = self.sheet_loc();
                self.diags.error(
                    loc,
                    code,
                    crate::text::run::more_of_this_kind(n - PER_KIND_LIMIT),
                );
            }
        }
        progress(&self.sh.name, self.sh.rows_read);
    }

    fn finish(mut self) -> (Option<Ledger>, Diagnostics) {
        let present = |k: SheetKind| self.sheet_names.iter().any(|(x, _)| *x == k);
        let filled = |k: SheetKind| self.filled.contains(&k);
        let (daily, avg) = (SheetKind::Deposits, SheetKind::DepositAverages);
        if present(daily) && present(avg) && filled(daily) && filled(avg) {
            let msg = says::conflicting_sheets(self.sheet_name(daily), self.sheet_name(avg));
            let loc = self.file_loc();
            self.diags.error(loc, Code::ConflictingSheets, msg);
        }
        // The daily balances, unless only the averages have rows.
        let has_daily = present(daily) && (filled(daily) || !filled(avg));
        // Sheets and headers but not one row: a template not filled in.
        let empty = self.filled.is_empty() && !self.sheet_names.is_empty();
        if empty && !self.diags.has_errors() {
            let msg = says::empty_ledger(
                self.sheet_name(SheetKind::Managers),
                self.sheet_name(SheetKind::Clients),
                self.sheet_name(daily),
                self.sheet_name(avg),
            );
            let loc = self.file_loc();
            self.diags.error(loc, Code::EmptyLedger, msg);
        }
        let deposits_usable = if has_daily {
            self.is_usable(daily)
        } else {
            self.is_usable(avg)
        };
        if self.period.is_none() && deposits_usable && !empty {
            let loc = self.file_loc();
            self.diags
                .error(loc, Code::PeriodUnknown, says::period_unknown());
        }
        if self.diags.has_errors() {
            return (None, self.diags);
        }
        let Some(period) = self.period else {
            return (None, self.diags);
        };
        let deposits = if has_daily {
            Deposits::Daily {
                accounts: std::mem::take(&mut self.dep.out),
                days: period.days(),
            }
        } else {
            Deposits::Averages(std::mem::take(&mut self.averages))
        };
        let ledger = Ledger {
            file: self.file,
            sheet_names: self.sheet_names,
            period,
            managers: self.managers,
            clients: self.clients,
            deposits,
            loans: self.loans,
            fees: self.fees,
            settlements: self.settlements,
            new_accounts: self.new_accounts,
            incidents: self.incidents,
            baseline: self.baseline,
            risk_accounts: self.risk_accounts,
            unknown_columns: self.unknown_columns,
            balance_column: self.balance_column,
            warnings: self.diags.iter().cloned().collect(),
            folder: self.folder,
        };
        (Some(ledger), self.diags)
    }
}

#[cfg(test)]
mod tests {
    use super::is_total;

    #[test]
    fn total_labels() {
        for t in [
            "合计",
            "小计",
            "总计",
            "合 计",
            "合\u{3000}计",
            " 总 计 ",
            "合计：",
            "小计:",
        ] {
            assert!(is_total(t), "{t}");
        }
        for t in ["合", "合计数", "累计", "RM001", "", "计合", "本月合计"] {
            assert!(!is_total(t), "{t}");
        }
    }
}
