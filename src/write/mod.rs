//! Output: the only rust_xlsxwriter user, and atomic file writes.
//!
//! Every output is written to a temporary file in the target directory and
//! renamed over the final name, so a crash never leaves half a file and an
//! existing output is replaced whole or not at all; a command's outputs are
//! committed together ([`OutputSet`]).

pub mod client_detail;
pub mod json;
mod outputs;
pub mod payout;
pub mod statement;
pub mod template;

pub use outputs::{OutputSet, os_reason};
pub(crate) use outputs::{remove_unheld, still_names};

/// One CSV field: quoted when it holds the delimiter, a quote or a line
/// end (RFC 4180), its quotes doubled; as it is otherwise (borrowed: most
/// fields). The pay-out file's fields and the client detail file's.
pub(crate) fn csv_field(s: &str, delimiter: char) -> std::borrow::Cow<'_, str> {
    if s.contains([delimiter, '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

use crate::decimal::RoundAway as _;
use crate::diag::{Code, Diagnostic};
use crate::report::{BookHead, Cell, RowStyle, SheetHead, SheetJob, Sink};
use chrono::Datelike;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet,
};
use std::path::{Path, PathBuf};

fn xerr(path: &Path) -> impl Fn(rust_xlsxwriter::XlsxError) -> Diagnostic + '_ {
    move |e| {
        // An I/O failure says why in the user's words; the writer's own
        // errors (its limits, checked before writing) keep its text.
        let detail = match &e {
            rust_xlsxwriter::XlsxError::IoError(io)
            | rust_xlsxwriter::XlsxError::ZipError(zip::result::ZipError::Io(io)) => os_reason(io),
            other => crate::text::Msg::verbatim(other.to_string()),
        };
        let message =
            crate::text::run::nest(&detail, |d| crate::text::run::cannot_build_workbook(d));
        Diagnostic::at_path(path, Code::Io, message)
    }
}

/// rust_xlsxwriter (0.102) streams a constant-memory sheet's rows to a
/// temporary file in `TMPDIR`, and panics when a write to that file fails
/// (an `expect("Couldn't write to xml file")` in its XML writer; a
/// `rewind().unwrap()` at the save): a full temporary folder, which is the
/// user's situation, not a bug. The writes run under `temp_writes`, which
/// turns exactly those panics into an I/O error naming the folder; any
/// other panic goes on as the bug it is. The panic hook says nothing of a
/// panic turned into an error ([`is_temp_write_panic`]).
fn temp_writes<T>(path: &Path, f: impl FnOnce() -> Result<T, Diagnostic>) -> Result<T, Diagnostic> {
    let was = IN_TEMP_WRITES.replace(true);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_TEMP_WRITES.set(was);
    match r {
        Ok(r) => r,
        Err(panic) => match temp_write_error(&*panic) {
            Some(e) => {
                let dir = std::env::temp_dir().display().to_string();
                Err(Diagnostic::at_path(
                    path,
                    Code::Io,
                    crate::text::run::nest(&os_reason(&e), |r| {
                        crate::text::run::cannot_write_temp_folder(dir.clone(), r)
                    }),
                ))
            }
            None => std::panic::resume_unwind(panic),
        },
    }
}

thread_local! {
    static IN_TEMP_WRITES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The OS error of a failed temporary-file write, from rust_xlsxwriter's
/// panic message (`…: Os { code: 28, kind: StorageFull, … }`).
fn temp_write_error(payload: &(dyn std::any::Any + Send)) -> Option<std::io::Error> {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    let rest = text
        .strip_prefix("Couldn't write to xml file: ")
        .or_else(|| text.strip_prefix("called `Result::unwrap()` on an `Err` value: "))?;
    let code = rest.strip_prefix("Os { code: ")?;
    let digits = code.split(',').next()?;
    Some(std::io::Error::from_raw_os_error(digits.parse().ok()?))
}

/// Whether a panic being raised on this thread is a failed temporary-file
/// write that [`temp_writes`] turns into an error (the panic hook keeps
/// quiet about it).
pub fn is_temp_write_panic(payload: &(dyn std::any::Any + Send)) -> bool {
    IN_TEMP_WRITES.get() && temp_write_error(payload).is_some()
}

fn money_format(scale: u32) -> String {
    if scale == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(scale as usize))
    }
}

use crate::report::{shown_width, wrapped_lines};

/// `d` rounded to `places`, as the spreadsheet number nearest to it.
fn excel_number(d: Decimal, places: u32) -> f64 {
    let d = if d.scale() > places {
        d.round_away(places)
    } else {
        d
    };
    // A mantissa under 2^53 and a power of ten up to 10^22 are exact in
    // an f64, so their quotient is the f64 nearest the decimal: the number
    // a spreadsheet reads from the same digits. Larger mantissas go through
    // the digits (rust_decimal's own conversion can be an ulp or two off).
    let m = d.mantissa();
    match POW10.get(d.scale() as usize) {
        Some(p) if m.unsigned_abs() < 1 << 53 => m as f64 / p,
        _ => d.to_string().parse().unwrap_or(0.0),
    }
}

/// 10^0 … 10^22, each exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The longest text a spreadsheet cell holds (Excel's limit, in UTF-16
/// units; counting chars is close enough for the CJK and ASCII we write).
const MAX_CELL_CHARS: usize = 32_767;

/// Text cut to fit one cell, marked where it was cut.
fn fit_cell(s: String) -> String {
    // No more bytes than the limit means no more characters either.
    if s.len() <= MAX_CELL_CHARS || s.chars().count() <= MAX_CELL_CHARS {
        return s;
    }
    let kept: String = s.chars().take(MAX_CELL_CHARS - 20).collect();
    format!("{kept} …(truncated)")
}

struct Formats {
    header: Format,
    money: Format,
    pct: Format,
    text: Format,
    title: Format,
    total_text: Format,
    total_money: Format,
    /// Plain numbers by decimal places (0–6).
    numbers: Vec<Format>,
    /// Text over several lines.
    wrap: Format,
    /// Decimal places of money cells.
    money_scale: u32,
    /// Every page's header and footer.
    page: PageLines,
}

/// The header and footer printed on every page, in Excel's codes.
pub(crate) struct PageLines {
    pub(crate) header: String,
    pub(crate) footer: String,
}

/// Text as printed in a page header or footer (`&` starts a code there).
fn header_escape(s: &str) -> String {
    s.replace('&', "&&")
}

/// Excel's limit on a page header or footer, in UTF-16 units.
const MAX_HEADER_LEN: usize = 255;

impl PageLines {
    /// The sheet's name on the left, the book's title (whose, what, which
    /// period) in the middle and the unit on the right; the page number
    /// and count in the middle of the footer.
    pub(crate) fn new(head: &BookHead) -> PageLines {
        PageLines::of(&head.title, &head.page)
    }

    /// The lines for a book titled `title`.
    pub(crate) fn of(book_title: &str, page: &crate::report::PageText) -> PageLines {
        let unit = header_escape(&page.unit);
        let len = |s: &str| s.encode_utf16().count();
        // The title is cut, if need be, to fit Excel's limit: a longer
        // header would be dropped whole.
        let room = MAX_HEADER_LEN.saturating_sub(len("&L&A&C&R") + len(&unit));
        let mut title = String::new();
        for c in book_title.chars() {
            let c = header_escape(c.encode_utf8(&mut [0; 4]));
            if len(&title) + len(&c) > room {
                break;
            }
            title.push_str(&c);
        }
        let footer = header_escape(&page.page_of)
            .replace("{page}", "&P")
            .replace("{pages}", "&N");
        let mut footer = format!("&C{footer}");
        if len(&footer) > MAX_HEADER_LEN {
            footer = "&C&P / &N".to_string();
        }
        PageLines {
            header: format!("&L&A&C{title}&R{unit}"),
            footer,
        }
    }
}

impl Formats {
    fn new(money_scale: u32, page: PageLines) -> Formats {
        // Every cell top-aligned: in a row made tall by a long text, the
        // figures stand on the same line as the text's start.
        let base = Format::new()
            .set_font_name("Microsoft YaHei")
            .set_align(FormatAlign::Top);
        let header = base
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let money = base.clone().set_num_format(money_format(money_scale));
        let numbers = (0..=6)
            .map(|p| base.clone().set_num_format(money_format(p)))
            .collect();
        Formats {
            pct: base.clone().set_num_format("0.00%"),
            text: base.clone(),
            title: base.clone().set_bold().set_font_size(12),
            total_text: base.clone().set_bold().set_border_top(FormatBorder::Double),
            total_money: money
                .clone()
                .set_bold()
                .set_border_top(FormatBorder::Double),
            numbers,
            wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            money,
            header,
            money_scale,
            page,
        }
    }

    /// Every format but the plain text one (the book's default), in a fixed
    /// order.
    fn all(&self) -> Vec<&Format> {
        let mut all = vec![
            &self.header,
            &self.money,
            &self.pct,
            &self.title,
            &self.total_text,
            &self.total_money,
            &self.wrap,
        ];
        all.extend(self.numbers.iter());
        all
    }
}

/// A [`Sink`] that streams sheets into an .xlsx workbook. The first error
/// is kept and reported by [`XlsxSink::finish`]; later calls do nothing.
///
/// Sheets come either one at a time through [`Sink`], or as a batch of
/// independent [`SheetJob`]s through [`XlsxSink::write_sheets`], which fills
/// them on several threads. Either way each sheet streams to its own
/// temporary file (rust_xlsxwriter's constant-memory mode), and the bytes
/// do not depend on which thread wrote which sheet: every cell format is
/// registered once, in a fixed order, when the sink is made.
pub struct XlsxSink {
    wb: Workbook,
    path: PathBuf,
    f: Formats,
    /// The sheet being filled through [`Sink`], taken out of the workbook
    /// until the next sheet starts or the book is finished.
    current: Option<(Worksheet, SheetState)>,
    error: Option<Diagnostic>,
}

impl XlsxSink {
    /// A new workbook. Deterministic: the document date is the book's date,
    /// never the clock.
    pub fn new(head: &BookHead, path: &Path) -> Result<XlsxSink, Diagnostic> {
        let mut wb = Workbook::new();
        let d = head.date;
        let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
            .map_err(xerr(path))?;
        let props = DocProperties::new()
            .set_title(&head.title)
            .set_author("rmpay")
            .set_creation_datetime(&date);
        wb.set_properties(&props);
        // Fastest deflate: a large payroll writes tens of MB of XML.
        wb.set_zip_compression_level(1);
        let f = Formats::new(head.money_scale, PageLines::new(head));
        // The plain text format is the book's default (style 0), so most
        // cells are written without a format lookup.
        wb.set_default_format(&f.text, DEFAULT_ROW_PX, DEFAULT_COL_PX)
            .map_err(xerr(path))?;
        // Give every other format its style index now, in a fixed order, on
        // a scratch sheet that is then dropped: sheets filled in parallel
        // would otherwise number the formats in whatever order they first
        // met them.
        let scratch = wb
            .add_worksheet_with_constant_memory()
            .map_err(xerr(path))?;
        for (c, format) in f.all().into_iter().enumerate() {
            scratch
                .write_blank(0, c as u16, format)
                .map_err(xerr(path))?;
        }
        wb.worksheets_mut().pop();
        Ok(XlsxSink {
            wb,
            path: path.to_path_buf(),
            f,
            current: None,
            error: None,
        })
    }

    /// Put the sheet being filled back into the workbook, in its place.
    fn close_current(&mut self) {
        if let Some((mut ws, st)) = self.current.take() {
            let mut w = SheetWriter::new(&mut ws, &self.f, &self.path, st);
            w.end();
            if self.error.is_none() {
                self.error = w.error;
            }
            self.wb.push_worksheet(ws);
        }
    }

    /// A new streaming sheet, taken out of the workbook to be filled.
    fn new_sheet(&mut self) -> Result<Worksheet, Diagnostic> {
        self.wb
            .add_worksheet_with_constant_memory()
            .map_err(xerr(&self.path))?;
        self.wb.worksheets_mut().pop().ok_or_else(|| {
            Diagnostic::at_path(&self.path, Code::Io, crate::text::run::sheet_went_missing())
        })
    }

    /// Fill independent sheets, in parallel where the machine has the
    /// cores, and add them to the book in the order given. Each job writes
    /// exactly one sheet; the heaviest (by [`SheetJob::weight`]) start
    /// first.
    pub fn write_sheets(&mut self, jobs: Vec<SheetJob<'_>>) {
        self.close_current();
        if self.error.is_some() {
            return;
        }
        let mut sheets = Vec::with_capacity(jobs.len());
        for _ in &jobs {
            match self.new_sheet() {
                Ok(ws) => sheets.push(ws),
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            }
        }
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, MAX_WRITER_THREADS)
            .min(jobs.len());
        let (f, path) = (&self.f, self.path.as_path());
        // Lightest first, so that popping from the end takes the heaviest.
        let mut queue: Vec<(usize, SheetJob<'_>, &mut Worksheet)> = jobs
            .into_iter()
            .zip(sheets.iter_mut())
            .enumerate()
            .map(|(i, (job, ws))| (i, job, ws))
            .collect();
        queue.sort_by_key(|(i, job, _)| (job.weight, std::cmp::Reverse(*i)));
        let queue = std::sync::Mutex::new(queue);
        let errors = std::sync::Mutex::new(Vec::new());
        let work = || {
            loop {
                let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                let Some((i, job, ws)) = next else { break };
                let mut w = SheetWriter::new(ws, f, path, SheetState::default());
                (job.emit)(&mut w);
                w.end();
                if let Some(e) = w.error
                    && let Ok(mut errs) = errors.lock()
                {
                    errs.push((i, e));
                }
            }
        };
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(work);
            }
            work();
        });
        let mut errors = errors.into_inner().unwrap_or_default();
        errors.sort_by_key(|(i, _)| *i);
        if let Some((_, e)) = errors.into_iter().next() {
            self.error = Some(e);
            return;
        }
        for ws in sheets {
            self.wb.push_worksheet(ws);
        }
    }

    fn finish_book(&mut self) -> Result<(), Diagnostic> {
        self.close_current();
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The finished workbook's bytes, or the first error met.
    pub fn finish(mut self) -> Result<Vec<u8>, Diagnostic> {
        self.finish_book()?;
        let path = self.path.clone();
        temp_writes(&path, || self.wb.save_to_buffer().map_err(xerr(&path)))
    }

    /// Save the finished workbook into the file `to` (large workbooks are
    /// not held in memory); errors name the workbook's own path.
    pub(crate) fn save_to(mut self, to: &mut std::fs::File) -> Result<(), Diagnostic> {
        self.finish_book()?;
        let path = self.path.clone();
        temp_writes(&path, || {
            save_into(&mut self.wb, std::io::BufWriter::new(to), &path)
        })
    }
}

/// Save `wb` into `w` through a [`Latch`]; errors name `path`.
fn save_into<W: std::io::Write + Send>(
    wb: &mut Workbook,
    w: W,
    path: &Path,
) -> Result<(), Diagnostic> {
    let mut out = Latch::new(w);
    wb.save_to_writer(&mut out).map_err(xerr(path))?;
    out.finish().map_err(|e| xerr(path)(e.into()))
}

/// A writer that passes writes on until the first one fails, and after
/// that takes every write without passing it on.
///
/// rust_xlsxwriter's zip writer, dropped after a failed save (a full
/// disk), finishes the archive a second time and, if that fails too,
/// prints its own raw line to stderr (`ZipWriter::drop: failed to
/// finalize archive: Os { code: 28, … }`) beside the user's message.
/// After the first failure nothing more reaches the file (a staged file,
/// removed on error), so that second attempt ends quietly and the user
/// reads only rmpay's message.
struct Latch<W: std::io::Write> {
    inner: W,
    failed: bool,
}

impl<W: std::io::Write> Latch<W> {
    fn new(inner: W) -> Self {
        Latch {
            inner,
            failed: false,
        }
    }

    /// Flush what is buffered; an error if any write failed.
    fn finish(mut self) -> std::io::Result<()> {
        if self.failed {
            return Err(std::io::Error::other("an earlier write failed"));
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> std::io::Write for Latch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        self.inner.write(buf).inspect_err(|e| self.latch(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.inner.flush().inspect_err(|e| self.latch(e))
    }
}

impl<W: std::io::Write> Latch<W> {
    fn latch(&mut self, e: &std::io::Error) {
        // An interrupted write is retried by the caller, not a failure.
        if e.kind() != std::io::ErrorKind::Interrupted {
            self.failed = true;
        }
    }
}

/// Rows in a worksheet (Excel's limit).
const EXCEL_ROWS: u32 = 1_048_576;
/// Threads filling sheets at once; the big pay sheets are two or three.
const MAX_WRITER_THREADS: usize = 4;
/// The default row height and column width, in pixels (Excel's defaults
/// for an 11-point font).
const DEFAULT_ROW_PX: u32 = 20;
const DEFAULT_COL_PX: u32 = 64;
/// A sheet laid out by blocks (no header row) has this many columns of
/// this width.
const STRIP_COLUMNS: u16 = 12;
const STRIP_COLUMN_WIDTH: f64 = 14.0;

/// Writes one sheet's head and rows into a worksheet.
struct SheetWriter<'w> {
    ws: &'w mut Worksheet,
    f: &'w Formats,
    path: &'w Path,
    st: SheetState,
    error: Option<Diagnostic>,
}

/// Where a sheet being written has got to.
#[derive(Default)]
struct SheetState {
    /// The next row.
    row: u32,
    /// The head is written; rows may follow.
    started: bool,
    /// Each column's number format, taken from the first data row of a
    /// sheet with a header. A number in its column's format is written
    /// without one and takes the column's: a format lookup hashes the whole
    /// format, and a big sheet has hundreds of thousands of numbers.
    col_formats: Option<Vec<Option<NumFormat>>>,
    /// The width of each column whose text wraps.
    wrap_widths: Vec<Option<f64>>,
    /// The last row written has its own height (see [`SheetWriter::end`]).
    tall_last: bool,
    /// The lines the default row holds ([`SheetHead::row_lines`]).
    row_lines: usize,
    /// A sheet printed in blocks: what its page breaks are placed from.
    pages: Option<Pages>,
}

/// What a sheet printed in blocks ([`crate::report::Print::blocks`]) has
/// laid out so far; [`SheetWriter::end`] places its page breaks.
struct Pages {
    /// Each row's height in points (each row written with it, so that a
    /// spreadsheet prints it at exactly that height).
    heights: Vec<f64>,
    /// The first row of each block, in order.
    block_starts: Vec<u32>,
    /// Leading rows repeated on every page (the header row).
    repeat_rows: u32,
    /// Column widths, in characters.
    widths: Vec<f64>,
    /// The most cells in a row: the columns printed.
    columns: usize,
    landscape: bool,
}

/// Page margins in inches (rust_xlsxwriter's and Excel's defaults),
/// written explicitly because page breaks are placed from them.
const MARGIN_SIDE: f64 = 0.7;
const MARGIN_TOP_BOTTOM: f64 = 0.75;
const MARGIN_HEADER_FOOTER: f64 = 0.3;
/// The print scale of a sheet printed in column groups: its 11-point text
/// prints at 8.8 points.
const READABLE_SCALE: u16 = 80;
/// A4 in points.
const A4_PT: (f64, f64) = (595.0, 842.0);
/// Row heights in points: a plain line, a title, a header row.
const LINE_PT: f64 = 15.0;
/// Points per line of a text over several lines: the line spacing of the
/// book's font (Microsoft YaHei, and the fonts that stand in for it, set
/// lines wider apart than a single line's 15 points).
const WRAP_LINE_PT: f64 = 16.5;
/// The tallest row a spreadsheet takes (Excel's limit, 409 points).
const MAX_ROW_PT: f64 = 409.0;
const TITLE_PT: f64 = 20.0;
const HEADER_PT: f64 = 30.0;
/// The narrowest a character of column width prints, in points (6 pixels:
/// Excel gives 7 to a digit of an 11-point font). Estimating the width low
/// estimates the fit-to-width scale high, and so the rows on a page low: a
/// block is never placed where it would not fit.
const MIN_CHAR_PT: f64 = 6.0 * 0.75;
/// What is kept free on every page against rounding in the spreadsheet's
/// own layout.
const PAGE_SLACK: f64 = 0.95;
/// Excel's limit on manual page breaks in a sheet.
const MAX_PAGE_BREAKS: usize = 1023;

impl Pages {
    /// The rows that start a new page.
    fn breaks(&self) -> Vec<u32> {
        let (short, long) = A4_PT;
        let (w, h) = if self.landscape {
            (long, short)
        } else {
            (short, long)
        };
        let width_pt = w - 2.0 * 72.0 * MARGIN_SIDE;
        let height_pt = h - 2.0 * 72.0 * MARGIN_TOP_BOTTOM;
        let table_pt: f64 = (0..self.columns.max(1))
            .map(|c| self.widths.get(c).copied().unwrap_or(8.43) * MIN_CHAR_PT)
            .sum();
        // Fit to one page wide shrinks the sheet, so a page holds more rows.
        let scale = (width_pt / table_pt).min(1.0);
        let mut breaks = page_breaks(
            &self.heights,
            &self.block_starts,
            self.repeat_rows,
            height_pt * PAGE_SLACK / scale,
        );
        breaks.truncate(MAX_PAGE_BREAKS);
        breaks
    }
}

/// The rows that start a new page, for rows of `heights` (points) on pages
/// `room` points tall whose first `repeat` rows print on every page. A
/// block (from each of `block_starts` to the next, the last to the end)
/// that does not fit in what is left of a page starts the next one; rows
/// before the first block, and a block taller than a page, break where
/// the page is full.
fn page_breaks(heights: &[f64], block_starts: &[u32], repeat: u32, room: f64) -> Vec<u32> {
    let n = heights.len() as u32;
    let repeat = repeat.min(n);
    let head: f64 = heights[..repeat as usize].iter().sum();
    let mut starts: Vec<u32> = block_starts
        .iter()
        .copied()
        .filter(|&s| s >= repeat && s < n)
        .collect();
    starts.dedup();
    // Units that stay together: single rows until the first block, then
    // the blocks.
    let first = starts.first().copied().unwrap_or(n);
    let mut units: Vec<(u32, u32)> = (repeat..first).map(|r| (r, r + 1)).collect();
    for (i, &s) in starts.iter().enumerate() {
        units.push((s, starts.get(i + 1).copied().unwrap_or(n)));
    }
    let height = |a: u32, b: u32| -> f64 { heights[a as usize..b as usize].iter().sum() };
    let mut breaks = Vec::new();
    let mut used = head;
    // Something besides the repeated rows is on the page.
    let mut on_page = false;
    for (a, b) in units {
        let h = height(a, b);
        if on_page && used + h > room {
            breaks.push(a);
            used = head;
            on_page = false;
        }
        if used + h <= room {
            used += h;
            on_page = true;
            continue;
        }
        // Taller than a page: it breaks where the page is full.
        for r in a..b {
            let h = heights[r as usize];
            if on_page && used + h > room {
                breaks.push(r);
                used = head;
            }
            used += h;
            on_page = true;
        }
    }
    breaks
}

/// The number formats of [`Formats`] that a column can take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumFormat {
    Money,
    Percent,
    /// Plain, with this many places (0–6).
    Places(u32),
}

impl NumFormat {
    fn of(cell: &Cell) -> Option<NumFormat> {
        match cell {
            Cell::Money(_) => Some(NumFormat::Money),
            Cell::Percent(_) => Some(NumFormat::Percent),
            Cell::Number(_, p) => Some(NumFormat::Places((*p).min(6))),
            Cell::Empty | Cell::Text(_) => None,
        }
    }

    fn format(self, f: &Formats) -> &Format {
        match self {
            NumFormat::Money => &f.money,
            NumFormat::Percent => &f.pct,
            NumFormat::Places(p) => &f.numbers[p.min(6) as usize],
        }
    }
}

impl<'w> SheetWriter<'w> {
    fn new(ws: &'w mut Worksheet, f: &'w Formats, path: &'w Path, st: SheetState) -> Self {
        SheetWriter {
            ws,
            f,
            path,
            st,
            error: None,
        }
    }

    fn try_sheet(&mut self, head: SheetHead) -> Result<(), Diagnostic> {
        let (ws, f, path) = (&mut *self.ws, self.f, self.path);
        ws.set_name(&head.name).map_err(xerr(path))?;
        let landscape = head.landscape || head.columns.len() > 7 || !head.print.fit_width;
        self.st = SheetState {
            pages: head.print.blocks.then(|| Pages {
                heights: Vec::new(),
                block_starts: Vec::new(),
                repeat_rows: u32::from(!head.columns.is_empty()),
                widths: if head.columns.is_empty() {
                    vec![STRIP_COLUMN_WIDTH; STRIP_COLUMNS as usize]
                } else {
                    head.columns.iter().map(|c| c.width).collect()
                },
                columns: head.columns.len(),
                landscape,
            }),
            wrap_widths: head
                .columns
                .iter()
                .map(|c| c.wrap.then_some(c.width))
                .collect(),
            row_lines: head.row_lines.max(1),
            ..SheetState::default()
        };
        // A sheet printed in blocks sizes every row itself.
        if self.st.pages.is_some() {
            self.st.row_lines = 1;
        } else if self.st.row_lines > 1 {
            ws.set_default_row_height((WRAP_LINE_PT * self.st.row_lines as f64).min(MAX_ROW_PT));
        }
        if head.columns.is_empty() {
            for c in 0..STRIP_COLUMNS {
                ws.set_column_width(c, STRIP_COLUMN_WIDTH)
                    .map_err(xerr(path))?;
            }
        } else {
            for (c, column) in head.columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, &column.title, &f.header)
                    .map_err(xerr(path))?;
                ws.set_column_width(c as u16, column.width)
                    .map_err(xerr(path))?;
            }
            // Two lines, or as many as the longest header wraps to (a
            // register's adjustment columns name period, version, figure
            // and reason: cut at two lines, the print lost the period).
            let lines = head
                .columns
                .iter()
                .map(|c| crate::report::wrapped_lines(&c.title, c.width))
                .max()
                .unwrap_or(1);
            let header_pt = HEADER_PT.max((WRAP_LINE_PT * lines as f64).min(MAX_ROW_PT));
            ws.set_row_height(0, header_pt).map_err(xerr(path))?;
            if let Some(pages) = &mut self.st.pages {
                pages.heights.push(header_pt);
            }
            self.st.tall_last = true;
            ws.set_freeze_panes(1, head.freeze_columns)
                .map_err(xerr(path))?;
            ws.set_repeat_rows(0, 0).map_err(xerr(path))?;
            self.st.row = 1;
        }
        // Wide tables print across the page.
        if landscape {
            ws.set_landscape();
        }
        if let Some(spec) = &head.chart
            && spec.rows > 0
        {
            let mut chart = Chart::new(ChartType::Column);
            chart.title().set_name(&spec.title);
            let (first, last) = (1u32, spec.rows);
            for &c in &spec.series_columns {
                chart
                    .add_series()
                    .set_name((head.name.as_str(), 0, c))
                    .set_categories((
                        head.name.as_str(),
                        first,
                        spec.category_column,
                        last,
                        spec.category_column,
                    ))
                    .set_values((head.name.as_str(), first, c, last, c));
            }
            let beside = head.columns.len() as u16 + 1;
            ws.insert_chart(1, beside, &chart).map_err(xerr(path))?;
        }
        ws.set_paper_size(9); // A4
        ws.set_margins(
            MARGIN_SIDE,
            MARGIN_SIDE,
            MARGIN_TOP_BOTTOM,
            MARGIN_TOP_BOTTOM,
            MARGIN_HEADER_FOOTER,
            MARGIN_HEADER_FOOTER,
        );
        ws.set_header(&f.page.header);
        ws.set_footer(&f.page.footer);
        if head.print.fit_width {
            ws.set_print_fit_to_pages(1, 0);
        } else {
            // Full size, in column groups: each page across (the rows'
            // continuation) before the next rows, the header row and the
            // leading columns on every page.
            ws.set_page_order(false);
            ws.set_print_scale(READABLE_SCALE);
            if head.freeze_columns > 0 && !head.columns.is_empty() {
                ws.set_repeat_columns(0, head.freeze_columns - 1)
                    .map_err(xerr(path))?;
            }
        }
        self.st.started = true;
        Ok(())
    }

    fn try_row(&mut self, style: RowStyle, cells: Vec<Cell>) -> Result<(), Diagnostic> {
        if !self.st.started {
            return Ok(());
        }
        let f = self.f;
        let row = self.st.row;
        if self.st.col_formats.is_none() && style == RowStyle::Normal && row == 1 {
            let formats: Vec<Option<NumFormat>> = cells.iter().map(NumFormat::of).collect();
            for (c, format) in formats.iter().enumerate() {
                if let Some(format) = format {
                    self.ws
                        .set_column_format(c as u16, format.format(f))
                        .map_err(xerr(self.path))?;
                }
            }
            self.st.col_formats = Some(formats);
        }
        let (ws, path) = (&mut *self.ws, self.path);
        let col_formats = self.st.col_formats.as_deref().unwrap_or(&[]);
        // A number in `format`, or in its column's when that is the same.
        let number = |ws: &mut Worksheet, c: u16, v: f64, format: NumFormat| {
            if style == RowStyle::Normal && col_formats.get(c as usize) == Some(&Some(format)) {
                ws.write_number(row, c, v).map(|_| ())
            } else {
                ws.write_number_with_format(row, c, v, format.format(f))
                    .map(|_| ())
            }
        };
        // Text in the book's default format needs no format at all.
        let tf = match style {
            RowStyle::Total => Some(&f.total_text),
            RowStyle::Header => Some(&f.header),
            RowStyle::Title => Some(&f.title),
            _ => None,
        };
        // A cell over several lines gets a row tall enough to show them.
        let wrap_widths = &self.st.wrap_widths;
        let wrap_width = |c: usize| wrap_widths.get(c).copied().flatten();
        let lines = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| match (cell, wrap_width(c)) {
                // A wrapping column: its lines, wrapped at words.
                (Cell::Text(s), Some(w)) => wrapped_lines(s, w),
                // Lines, and long lines wrapped at about 90 characters.
                (Cell::Text(s), None) if s.contains('\n') => {
                    s.lines().map(|l| l.chars().count() / 90 + 1).sum()
                }
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        let tall = lines > 1;
        if let Some(pages) = &mut self.st.pages {
            // Every row at a height the page breaks are placed from.
            let h = match style {
                _ if tall => (WRAP_LINE_PT * lines as f64).min(MAX_ROW_PT),
                RowStyle::Title => TITLE_PT,
                RowStyle::Header => HEADER_PT,
                _ => LINE_PT,
            };
            pages.heights.push(h);
            pages.columns = pages.columns.max(cells.len());
            ws.set_row_height(row, h).map_err(xerr(path))?;
            self.st.tall_last = true;
        } else {
            // Taller than the sheet's default row.
            let own = lines > self.st.row_lines.max(1);
            if own {
                ws.set_row_height(row, (WRAP_LINE_PT * lines as f64).min(MAX_ROW_PT))
                    .map_err(xerr(path))?;
            }
            self.st.tall_last = own;
        }
        for (i, cell) in cells.into_iter().enumerate() {
            let c = i as u16;
            match cell {
                Cell::Empty => {
                    if style == RowStyle::Total {
                        ws.write_blank(row, c, &f.total_text).map_err(xerr(path))?;
                    }
                }
                Cell::Text(s) => {
                    let s = fit_cell(s);
                    let r = if wrap_width(i).is_some() || (lines > 1 && s.contains('\n')) {
                        ws.write_string_with_format(row, c, s, &f.wrap)
                    } else if let Some(tf) = tf {
                        ws.write_string_with_format(row, c, s, tf)
                    } else {
                        ws.write_string(row, c, s)
                    };
                    r.map_err(xerr(path))?;
                }
                Cell::Money(d) if style == RowStyle::Total => {
                    let v = excel_number(d, f.money_scale);
                    ws.write_number_with_format(row, c, v, &f.total_money)
                        .map_err(xerr(path))?;
                }
                Cell::Money(d) => {
                    let v = excel_number(d, f.money_scale);
                    number(ws, c, v, NumFormat::Money).map_err(xerr(path))?;
                }
                Cell::Percent(d) => {
                    let v = excel_number(d, 6);
                    number(ws, c, v, NumFormat::Percent).map_err(xerr(path))?;
                }
                Cell::Number(d, places) => {
                    let p = places.min(6);
                    let v = excel_number(d, p);
                    number(ws, c, v, NumFormat::Places(p)).map_err(xerr(path))?;
                }
            }
        }
        self.st.row += 1;
        Ok(())
    }
}

impl SheetWriter<'_> {
    /// Finish the sheet. In constant-memory mode rust_xlsxwriter (0.102)
    /// writes the `<row>` element of a sheet's last row twice when that
    /// row has its own height (once with the cells, once more, empty, with
    /// the height), which Excel reports as damaged content. A formatless
    /// blank on the next row makes the last row an ordinary flushed one;
    /// the blank itself writes no cell, only an empty `<row>` element.
    fn end(&mut self) {
        self.place_page_breaks();
        // (A sheet already at Excel's last row has no next row to use.)
        if self.error.is_some()
            || !self.st.started
            || !self.st.tall_last
            || self.st.row >= EXCEL_ROWS
        {
            return;
        }
        let (row, f, path) = (self.st.row, self.f, self.path);
        let ws = &mut *self.ws;
        match temp_writes(path, || ws.write_blank(row, 0, &f.text).map_err(xerr(path))) {
            Ok(_) => self.st.tall_last = false,
            Err(e) => self.error = Some(e),
        }
    }
}

impl SheetWriter<'_> {
    /// A sheet printed in blocks gets its page breaks, between blocks.
    fn place_page_breaks(&mut self) {
        if self.error.is_some() || !self.st.started {
            return;
        }
        let Some(pages) = self.st.pages.take() else {
            return;
        };
        let breaks = pages.breaks();
        if let Err(e) = self.ws.set_page_breaks(&breaks) {
            self.error = Some(xerr(self.path)(e));
        }
    }
}

impl Sink for SheetWriter<'_> {
    fn keep_together(&mut self) {
        if let Some(pages) = &mut self.st.pages {
            pages.block_starts.push(self.st.row);
        }
    }

    fn sheet(&mut self, head: SheetHead) {
        if self.error.is_none()
            && let Err(e) = temp_writes(self.path, || self.try_sheet(head))
        {
            self.error = Some(e);
        }
    }

    fn row(&mut self, style: RowStyle, cells: Vec<Cell>) {
        if self.error.is_none()
            && let Err(e) = temp_writes(self.path, || self.try_row(style, cells))
        {
            self.error = Some(e);
        }
    }
}

impl Sink for XlsxSink {
    fn keep_together(&mut self) {
        if let Some((_, st)) = self.current.as_mut()
            && let Some(pages) = &mut st.pages
        {
            pages.block_starts.push(st.row);
        }
    }

    fn sheet(&mut self, head: SheetHead) {
        self.close_current();
        if self.error.is_some() {
            return;
        }
        let mut ws = match self.new_sheet() {
            Ok(ws) => ws,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let mut w = SheetWriter::new(&mut ws, &self.f, &self.path, SheetState::default());
        w.sheet(head);
        let (st, error) = (w.st, w.error);
        self.error = error;
        self.current = Some((ws, st));
    }

    fn row(&mut self, style: RowStyle, cells: Vec<Cell>) {
        if self.error.is_some() {
            return;
        }
        let Some((ws, st)) = self.current.as_mut() else {
            return;
        };
        let mut w = SheetWriter::new(ws, &self.f, &self.path, std::mem::take(st));
        w.row(style, cells);
        *st = w.st;
        self.error = w.error;
    }
}

#[cfg(test)]
mod tests {
    use super::{XlsxSink, excel_number, page_breaks};

    /// A disk that fills after `room` bytes, and what was tried after.
    struct FullDisk {
        room: usize,
        failed: bool,
        tried_after: usize,
    }

    impl std::io::Write for &mut FullDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.failed {
                self.tried_after += 1;
            }
            if buf.len() > self.room {
                self.failed = true;
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A save that fails on a full disk is one error, and nothing more is
    /// written after it: rust_xlsxwriter's zip writer, dropped, would
    /// otherwise finish the archive again and print its own raw line
    /// (`ZipWriter::drop: failed to finalize archive: …`) to stderr.
    #[test]
    fn a_failed_save_writes_nothing_after_its_error() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for r in 0..200 {
            ws.write(r, 0, "客户经理月度绩效工资").unwrap();
        }
        let mut disk = FullDisk {
            room: 2_000,
            failed: false,
            tried_after: 0,
        };
        let path = std::path::Path::new("pay-2026-10.xlsx");
        let e = super::save_into(&mut wb, &mut disk, path).unwrap_err();
        assert!(disk.failed);
        assert_eq!(disk.tried_after, 0, "writes after the disk was full");
        assert_eq!(e.code, crate::diag::Code::Io);
        // The reason in the reader's language, not the OS's English.
        assert_eq!(
            e.message.get(crate::text::Lang::Zh).to_string(),
            "无法生成工作簿：磁盘已满"
        );
    }
    use crate::decimal::RoundAway as _;
    use crate::report::{BookHead, Cell, PageText, RowStyle, Sheet, col};
    use rust_decimal::Decimal;

    /// Pay strips: nine blocks of title 20 + header 30 + four lines of 15
    /// = 110 pt on a landscape page of 487 × 0.95 = 462.65 pt: four fit
    /// (440), a fifth would not (550), so pages start at strips 5 and 9.
    #[test]
    fn strips_break_between_blocks() {
        let strip = [20.0, 30.0, 15.0, 15.0, 15.0, 15.0];
        let heights: Vec<f64> = (0..9).flat_map(|_| strip).collect();
        let starts: Vec<u32> = (0..9).map(|i| i * 6).collect();
        assert_eq!(page_breaks(&heights, &starts, 0, 462.65), [24, 48]);
        // Rows alone break where the page is full: 20 + 30 + 4 × 15 = 110
        // per strip, 4 strips 440, then row 24 (20) 460, row 25 (30) 490
        // > 462.65: the fifth strip's header leaves its title behind.
        assert_eq!(page_breaks(&heights, &[], 0, 462.65)[0], 25);
    }

    /// A title with `&` prints it (doubled, not read as a code); a title
    /// too long for Excel's 255 is cut rather than the header dropped.
    #[test]
    fn page_header_escapes_and_fits() {
        let page = PageText::new(crate::report::Lang::Zh);
        let p = super::PageLines::of("工行&建行 2026-10", &page);
        assert_eq!(p.header, "&L&A&C工行&&建行 2026-10&R单位：元");
        assert_eq!(p.footer, "&C第 &P 页 共 &N 页");
        let long = "&".repeat(300);
        let p = super::PageLines::of(&long, &page);
        // 255 − len("&L&A&C&R") 8 − len("单位：元") 4 = 243 units: 121
        // doubled `&` (242), the next would make 244.
        assert_eq!(p.header, format!("&L&A&C{}&R单位：元", "&&".repeat(121)));
        assert_eq!(p.header.encode_utf16().count(), 254);
    }

    /// A block taller than a page breaks where the page is full: rows of
    /// 100 on pages of 250 hold two.
    #[test]
    fn a_block_taller_than_a_page_breaks_where_full() {
        assert_eq!(page_breaks(&[100.0; 5], &[0], 0, 250.0), [2, 4]);
        // After a first block, the tall one still starts a new page.
        assert_eq!(
            page_breaks(&[50.0, 100.0, 100.0, 100.0], &[0, 1], 0, 250.0),
            [1, 3]
        );
    }

    /// The register: a header row of 30 printed on every page, 27 RM rows
    /// of 15 (30 + 405 = 435), then the totals row (15), a blank line (15),
    /// the sign-off header (30) and three sign-offs (45): 105 more, 540 >
    /// 462.65. The block moves whole to the next page (row 28), where the
    /// header row (30) and it take 135.
    #[test]
    fn the_register_keeps_its_totals_with_the_sign_off_block() {
        let head = BookHead {
            title: "某银行 客户经理工资 2026-10".to_string(),
            page: PageText::new(crate::report::Lang::Zh),
            money_scale: 2,
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        };
        let mut sink = XlsxSink::new(&head, std::path::Path::new("r.xlsx")).unwrap();
        {
            let cols = (0..4).map(|i| col(&format!("c{i}"), 14.0)).collect();
            let mut reg = Sheet::new(&mut sink, "工资汇总", cols);
            reg.landscape = true;
            reg.print.blocks = true;
            for i in 0..27 {
                reg.push(vec![
                    Cell::text(format!("RM{i:03}")),
                    Cell::Money(Decimal::ONE),
                ]);
            }
            reg.keep_together();
            reg.push_styled(RowStyle::Total, vec![Cell::text("合计")]);
            reg.push_styled(RowStyle::Blank, Vec::new());
            reg.push_styled(RowStyle::Header, vec![Cell::text("签核环节")]);
            for step in ["制表", "审核", "审批"] {
                reg.push(vec![Cell::text(step)]);
            }
        }
        let bytes = sink.finish().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(
            xml.contains("<rowBreaks count=\"1\" manualBreakCount=\"1\"><brk id=\"28\" "),
            "{xml}"
        );
        // Without the block the rows break where the page is full: the
        // totals (450) and the blank line (465 > 462.65) part.
        let mut h = vec![30.0];
        h.extend([15.0; 27]);
        h.extend([15.0, 15.0, 30.0, 15.0, 15.0, 15.0]);
        assert_eq!(page_breaks(&h, &[], 1, 462.65), [29]);
        assert_eq!(page_breaks(&h, &[28], 1, 462.65), [28]);
    }

    /// The number written is the one a reader parses from the decimal's
    /// digits (Rust's float parsing is correctly rounded).
    #[test]
    fn numbers_are_the_nearest_f64_to_the_rounded_decimal() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for i in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Up to about 10^17 in the mantissa: past 2^53 as well.
            let m = (x % 100_000_000_000_000_000) as i64 * if i % 2 == 0 { 1 } else { -1 };
            let d = Decimal::new(m, i % 9);
            for places in [0, 2, 6] {
                let rounded = d.round_away(places);
                let expected: f64 = rounded.to_string().parse().unwrap();
                assert_eq!(excel_number(d, places), expected, "{d} to {places} places");
            }
        }
        assert_eq!(excel_number(Decimal::new(30000000000000004, 17), 2), 0.3);
        assert_eq!(excel_number(Decimal::MAX, 2), 7.922816251426434e28);
    }
}
