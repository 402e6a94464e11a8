//! Output: the only rust_xlsxwriter user, and atomic file writes.
//!
//! Every output is written to a temporary file in the target directory and
//! renamed over the final name, so a crash never leaves half a file and an
//! existing output is replaced whole or not at all.

pub mod json;

use crate::report::{BookHead, Cell, RowStyle, SheetHead, Sink};
use chrono::Datelike;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Workbook,
};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: error[io]: {}", self.path.display(), self.message)
    }
}

fn xerr(path: &Path) -> impl Fn(rust_xlsxwriter::XlsxError) -> WriteError + '_ {
    move |e| WriteError {
        path: path.to_path_buf(),
        message: format!("cannot build the workbook: {e}"),
    }
}

fn money_format(scale: u32) -> String {
    if scale == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(scale as usize))
    }
}

/// The longest text a spreadsheet cell holds (Excel's limit, in UTF-16
/// units; counting chars is close enough for the CJK and ASCII we write).
const MAX_CELL_CHARS: usize = 32_767;

/// Text cut to fit one cell, marked where it was cut.
fn fit_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let kept: String = s.chars().take(MAX_CELL_CHARS - 20).collect();
    std::borrow::Cow::Owned(format!("{kept} …(truncated)"))
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
}

impl Formats {
    fn new(money_scale: u32) -> Formats {
        let base = Format::new().set_font_name("Microsoft YaHei");
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
        }
    }
}

/// A [`Sink`] that streams sheets into an .xlsx workbook. The first error
/// is kept and reported by [`XlsxSink::finish`]; later calls do nothing.
pub struct XlsxSink {
    wb: Workbook,
    path: PathBuf,
    f: Formats,
    money_scale: u32,
    sheet: Option<usize>,
    row: u32,
    count: usize,
    error: Option<WriteError>,
}

impl XlsxSink {
    /// A new workbook. Deterministic: the document date is the book's date,
    /// never the clock.
    pub fn new(head: &BookHead, path: &Path) -> Result<XlsxSink, WriteError> {
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
        Ok(XlsxSink {
            wb,
            path: path.to_path_buf(),
            f: Formats::new(head.money_scale),
            money_scale: head.money_scale,
            sheet: None,
            row: 0,
            count: 0,
            error: None,
        })
    }

    fn try_sheet(&mut self, head: SheetHead) -> Result<(), WriteError> {
        let path = self.path.clone();
        // Rows are written in order, so each sheet streams to a temporary
        // file instead of holding every cell in memory.
        let ws = self
            .wb
            .add_worksheet_with_constant_memory()
            .map_err(xerr(&path))?;
        ws.set_name(&head.name).map_err(xerr(&path))?;
        self.row = 0;
        if head.columns.is_empty() {
            for c in 0..12u16 {
                ws.set_column_width(c, 14).map_err(xerr(&path))?;
            }
        } else {
            for (c, column) in head.columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, &column.title, &self.f.header)
                    .map_err(xerr(&path))?;
                ws.set_column_width(c as u16, column.width)
                    .map_err(xerr(&path))?;
            }
            ws.set_row_height(0, 30).map_err(xerr(&path))?;
            ws.set_freeze_panes(1, head.freeze_columns)
                .map_err(xerr(&path))?;
            ws.set_repeat_rows(0, 0).map_err(xerr(&path))?;
            self.row = 1;
        }
        // Wide tables print across the page.
        if head.landscape || head.columns.len() > 7 {
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
            ws.insert_chart(1, beside, &chart).map_err(xerr(&path))?;
        }
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        self.sheet = Some(self.count);
        self.count += 1;
        Ok(())
    }

    fn try_row(&mut self, style: RowStyle, cells: &[Cell]) -> Result<(), WriteError> {
        let path = self.path.clone();
        let Some(ix) = self.sheet else { return Ok(()) };
        let ws = self.wb.worksheet_from_index(ix).map_err(xerr(&path))?;
        let f = &self.f;
        let row = self.row;
        let (tf, mf) = match style {
            RowStyle::Total => (&f.total_text, &f.total_money),
            RowStyle::Header => (&f.header, &f.money),
            RowStyle::Title => (&f.title, &f.money),
            _ => (&f.text, &f.money),
        };
        // A cell over several lines gets a row tall enough to show them.
        let lines = cells
            .iter()
            .map(|c| match c {
                // Lines, and long lines wrapped at about 90 characters.
                Cell::Text(s) if s.contains('\n') => {
                    s.lines().map(|l| l.chars().count() / 90 + 1).sum()
                }
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(row, 15.0 * lines.min(20) as f64)
                .map_err(xerr(&path))?;
        }
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {
                    if style == RowStyle::Total {
                        ws.write_blank(row, c, &f.total_text).map_err(xerr(&path))?;
                    }
                }
                Cell::Text(s) if s.contains('\n') => {
                    ws.write_string_with_format(row, c, fit_cell(s), &f.wrap)
                        .map_err(xerr(&path))?;
                }
                Cell::Text(s) => {
                    ws.write_string_with_format(row, c, fit_cell(s), tf)
                        .map_err(xerr(&path))?;
                }
                Cell::Money(d) => {
                    let v = d.round_dp(self.money_scale).to_f64().unwrap_or(0.0);
                    ws.write_number_with_format(row, c, v, mf)
                        .map_err(xerr(&path))?;
                }
                Cell::Percent(d) => {
                    let v = d.round_dp(6).to_f64().unwrap_or(0.0);
                    ws.write_number_with_format(row, c, v, &f.pct)
                        .map_err(xerr(&path))?;
                }
                Cell::Number(d, places) => {
                    let p = (*places).min(6);
                    let v = d.round_dp(p).to_f64().unwrap_or(0.0);
                    ws.write_number_with_format(row, c, v, &f.numbers[p as usize])
                        .map_err(xerr(&path))?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    /// The finished workbook's bytes, or the first error met.
    pub fn finish(mut self) -> Result<Vec<u8>, WriteError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let path = self.path.clone();
        self.wb.save_to_buffer().map_err(xerr(&path))
    }

    /// Save the finished workbook into a temporary file beside its final
    /// path (large workbooks are not held in memory); [`Staged::commit`]
    /// renames it into place.
    pub fn finish_staged(mut self) -> Result<Staged, WriteError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let path = self.path.clone();
        let tmp = temp_beside(&path)?;
        self.wb.save(tmp.path()).map_err(xerr(&path))?;
        Ok(Staged { tmp, path })
    }
}

/// An output written to a temporary file, waiting to be renamed into place.
/// Dropped without `commit`, the temporary file is removed.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    pub fn commit(self) -> Result<(), WriteError> {
        let path = self.path;
        self.tmp.as_file().sync_all().map_err(|e| WriteError {
            path: path.clone(),
            message: format!("cannot sync: {e}"),
        })?;
        self.tmp.persist(&path).map_err(|e| WriteError {
            path: path.clone(),
            message: format!("cannot rename into place: {}", e.error),
        })?;
        Ok(())
    }
}

/// A temporary file in the directory of `path` (created if missing).
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, WriteError> {
    let err = |m: String| WriteError {
        path: path.to_path_buf(),
        message: m,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| err(format!("cannot create directory {}: {e}", dir.display())))?;
    let mut b = tempfile::Builder::new();
    b.prefix(".rmpay-").suffix(".tmp");
    // Outputs are ordinary files to read and share (the umask still applies).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    b.tempfile_in(&dir).map_err(|e| {
        err(format!(
            "cannot create a temporary file in {}: {e}",
            dir.display()
        ))
    })
}

impl Sink for XlsxSink {
    fn sheet(&mut self, head: SheetHead) {
        if self.error.is_none()
            && let Err(e) = self.try_sheet(head)
        {
            self.error = Some(e);
        }
    }

    fn row(&mut self, style: RowStyle, cells: Vec<Cell>) {
        if self.error.is_none()
            && let Err(e) = self.try_row(style, &cells)
        {
            self.error = Some(e);
        }
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over `path`.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let err = |m: String| WriteError {
        path: path.to_path_buf(),
        message: m,
    };
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)
        .map_err(|e| err(format!("cannot write: {e}")))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| err(format!("cannot sync: {e}")))?;
    tmp.persist(path)
        .map_err(|e| err(format!("cannot rename into place: {}", e.error)))?;
    Ok(())
}
