//! Output: the only rust_xlsxwriter user, and atomic file writes.
//!
//! Every output is written to a temporary file in the target directory and
//! renamed over the final name, so a crash never leaves half a file and an
//! existing output is replaced whole or not at all.

pub mod json;

use crate::report::{Book, Cell, RowStyle};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook,
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

/// Render a book to .xlsx bytes. Deterministic: the document date is the
/// book's date, never the clock.
pub fn xlsx_bytes(book: &Book, path: &Path) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(
        book.date.format("%Y").to_string().parse().unwrap_or(2000),
        book.date.format("%m").to_string().parse().unwrap_or(1),
        book.date.format("%d").to_string().parse().unwrap_or(1),
    )
    .map_err(xerr(path))?;
    let props = DocProperties::new()
        .set_title(&book.title)
        .set_author("rmpay")
        .set_creation_datetime(&date);
    wb.set_properties(&props);

    let font = "Microsoft YaHei";
    let base = Format::new().set_font_name(font);
    let header = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let money = base.clone().set_num_format(money_format(book.money_scale));
    let pct = base.clone().set_num_format("0.00%");
    let text = base.clone();
    let title = base.clone().set_bold().set_font_size(12);
    let total_text = base.clone().set_bold().set_border_top(FormatBorder::Double);
    let total_money = money
        .clone()
        .set_bold()
        .set_border_top(FormatBorder::Double);

    for sheet in &book.sheets {
        // Rows are written in order, so each sheet can stream to a
        // temporary file instead of holding every cell in memory.
        let ws = wb
            .add_worksheet_with_constant_memory()
            .map_err(xerr(path))?;
        ws.set_name(&sheet.name).map_err(xerr(path))?;
        let mut row: u32 = 0;
        if !sheet.columns.is_empty() {
            for (c, column) in sheet.columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, &column.title, &header)
                    .map_err(xerr(path))?;
                ws.set_column_width(c as u16, column.width)
                    .map_err(xerr(path))?;
            }
            ws.set_row_height(0, 30).map_err(xerr(path))?;
            ws.set_freeze_panes(1, sheet.freeze_columns)
                .map_err(xerr(path))?;
            ws.set_repeat_rows(0, 0).map_err(xerr(path))?;
            row = 1;
        } else {
            // Block layout: widen enough columns for the widest block.
            let widest = sheet.rows.iter().map(|r| r.cells.len()).max().unwrap_or(1);
            for c in 0..widest {
                ws.set_column_width(c as u16, 14).map_err(xerr(path))?;
            }
        }
        for r in &sheet.rows {
            for (c, cell) in r.cells.iter().enumerate() {
                let c = c as u16;
                let (tf, mf) = match r.style {
                    RowStyle::Total => (&total_text, &total_money),
                    RowStyle::Header => (&header, &money),
                    RowStyle::Title => (&title, &money),
                    _ => (&text, &money),
                };
                match cell {
                    Cell::Empty => {
                        if r.style == RowStyle::Total {
                            ws.write_blank(row, c, &total_text).map_err(xerr(path))?;
                        }
                    }
                    Cell::Text(s) => {
                        ws.write_string_with_format(row, c, fit_cell(s), tf)
                            .map_err(xerr(path))?;
                    }
                    Cell::Money(d) => {
                        let v = d.round_dp(book.money_scale).to_f64().unwrap_or(0.0);
                        ws.write_number_with_format(row, c, v, mf)
                            .map_err(xerr(path))?;
                    }
                    Cell::Percent(d) => {
                        let v = d.round_dp(6).to_f64().unwrap_or(0.0);
                        ws.write_number_with_format(row, c, v, &pct)
                            .map_err(xerr(path))?;
                    }
                    Cell::Number(d, places) => {
                        let f = if *places == 0 {
                            base.clone().set_num_format("#,##0")
                        } else {
                            base.clone()
                                .set_num_format(format!("#,##0.{}", "0".repeat(*places as usize)))
                        };
                        let v = d.round_dp(*places).to_f64().unwrap_or(0.0);
                        ws.write_number_with_format(row, c, v, &f)
                            .map_err(xerr(path))?;
                    }
                }
            }
            row += 1;
        }
        if !sheet.page_breaks.is_empty() {
            let breaks: Vec<u32> = sheet
                .page_breaks
                .iter()
                .map(|b| b + if sheet.columns.is_empty() { 0 } else { 1 })
                .collect();
            ws.set_page_breaks(&breaks).map_err(xerr(path))?;
        }
        if sheet.landscape {
            ws.set_landscape();
        }
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
    }
    wb.save_to_buffer().map_err(xerr(path))
}

/// Write `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over `path`.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
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
    let mut tmp = tempfile::Builder::new()
        .prefix(".rmpay-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| {
            err(format!(
                "cannot create a temporary file in {}: {e}",
                dir.display()
            ))
        })?;
    tmp.write_all(bytes)
        .map_err(|e| err(format!("cannot write: {e}")))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| err(format!("cannot sync: {e}")))?;
    tmp.persist(path)
        .map_err(|e| err(format!("cannot rename into place: {}", e.error)))?;
    Ok(())
}
