//! A one-page printable workbook ([`crate::report::statement::Page`]): A4
//! portrait, fitted to one page, the title in the print header and page
//! numbers in the footer. Used for the per-RM statements and the review
//! notices.

use super::{excel_number, money_format, shown_width, xerr};
use crate::diag::Diagnostic;
use crate::report::statement::Page;
use crate::report::{Cell, RowStyle};
use chrono::Datelike;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook,
};
use std::path::Path;

/// Points per line of text at the page's font size.
const LINE_PT: f64 = 14.0;

/// Text for a print header or footer: `&` starts a code there, so a
/// literal one is doubled.
/// Clipped to 60 characters, so that a header stays within Excel's 255.
fn header_text(s: &str) -> String {
    s.chars().take(60).collect::<String>().replace('&', "&&")
}

/// The page as .xlsx bytes. `path` is only for messages.
pub fn page_bytes(page: &Page, path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let mut wb = Workbook::new();
    let d = page.date;
    let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
        .map_err(xerr(path))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&page.title)
            .set_author("rmpay")
            .set_creation_datetime(&date),
    );
    let base = Format::new()
        .set_font_name("Microsoft YaHei")
        .set_font_size(10)
        .set_align(FormatAlign::VerticalCenter);
    let title = base.clone().set_bold().set_font_size(12);
    // The page's first line, the document's title, centred as on a form.
    let doc_title = title
        .clone()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let line = base.clone().set_text_wrap().set_align(FormatAlign::Left);
    let header = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = base.clone().set_border_bottom(FormatBorder::Hair);
    let wrap = cell
        .clone()
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_indent(1);
    let money = cell.clone().set_num_format(money_format(page.money_scale));
    let pct = cell.clone().set_num_format("0.00%");
    let numbers: Vec<Format> = (0..=6)
        .map(|p| cell.clone().set_num_format(money_format(p)))
        .collect();
    let total = |f: &Format| f.clone().set_bold().set_border_top(FormatBorder::Thin);
    let (total_text, total_wrap, total_money) = (total(&cell), total(&wrap), total(&money));
    let right = base.clone().set_align(FormatAlign::Right);

    let ws = wb.add_worksheet();
    ws.set_name(&page.sheet).map_err(xerr(path))?;
    let ncols = page.widths.len().max(1) as u16;
    for (c, w) in page.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xerr(path))?;
    }
    let page_width: f64 = page.widths.iter().sum();
    let wrap_width = page.widths.get(page.wrap_column).copied().unwrap_or(40.0);
    let lines = |s: &str, width: f64| -> usize {
        s.lines()
            .map(|l| (shown_width(l) / width).ceil().max(1.0) as usize)
            .sum::<usize>()
            .max(1)
    };
    for (r, (style, cells)) in page.rows.iter().enumerate() {
        let row = r as u32;
        // A lone text cell spans the page.
        if let [Cell::Text(s)] = cells.as_slice()
            && matches!(style, RowStyle::Title | RowStyle::Normal)
        {
            let f = match style {
                RowStyle::Title if r == 0 => &doc_title,
                RowStyle::Title => &title,
                _ => &line,
            };
            let n = lines(
                s,
                page_width * if *style == RowStyle::Title { 0.8 } else { 1.0 },
            );
            ws.set_row_height(
                row,
                LINE_PT * n as f64 + if *style == RowStyle::Title { 6.0 } else { 0.0 },
            )
            .map_err(xerr(path))?;
            if ncols > 1 {
                ws.merge_range(row, 0, row, ncols - 1, s, f)
                    .map_err(xerr(path))?;
            } else {
                ws.write_string_with_format(row, 0, s, f)
                    .map_err(xerr(path))?;
            }
            continue;
        }
        if *style == RowStyle::Blank {
            ws.set_row_height(row, 8).map_err(xerr(path))?;
            continue;
        }
        let n = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| match cell {
                Cell::Text(s) if c == page.wrap_column => lines(s, wrap_width),
                Cell::Text(s) => lines(s, page.widths.get(c).copied().unwrap_or(10.0)),
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        if n > 1 {
            ws.set_row_height(row, LINE_PT * n.min(20) as f64)
                .map_err(xerr(path))?;
        }
        let is_total = *style == RowStyle::Total;
        for (i, cell) in cells.iter().enumerate() {
            let c = i as u16;
            let text_format = match style {
                RowStyle::Header => &header,
                RowStyle::Total if i == page.wrap_column => &total_wrap,
                RowStyle::Total => &total_text,
                _ if i + 1 == cells.len() && cells[..i].iter().all(|x| *x == Cell::Empty) => &right,
                _ => &wrap,
            };
            match cell {
                Cell::Empty => {
                    if is_total {
                        ws.write_blank(row, c, &total_text).map_err(xerr(path))?;
                    }
                }
                Cell::Text(s) => {
                    ws.write_string_with_format(row, c, s, text_format)
                        .map_err(xerr(path))?;
                }
                Cell::Money(d) => {
                    let f = if is_total { &total_money } else { &money };
                    ws.write_number_with_format(row, c, excel_number(*d, page.money_scale), f)
                        .map_err(xerr(path))?;
                }
                Cell::Percent(d) => {
                    ws.write_number_with_format(row, c, excel_number(*d, 6), &pct)
                        .map_err(xerr(path))?;
                }
                Cell::Number(d, places) => {
                    let p = (*places).min(6);
                    ws.write_number_with_format(row, c, excel_number(*d, p), &numbers[p as usize])
                        .map_err(xerr(path))?;
                }
            }
        }
    }
    ws.set_paper_size(9); // A4
    ws.set_portrait();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.75, 0.75, 0.3, 0.3);
    ws.set_screen_gridlines(false);
    ws.set_header(format!(
        "&L{}&R{}",
        header_text(&page.header_left),
        header_text(&page.header_right)
    ));
    // Excel's codes for the page number and the page count.
    let pages = crate::text::statement_page_footer(page.lang, "&P", "&N");
    ws.set_footer(format!("&L{}&C{pages}", header_text(&page.footer_left)));
    let last = page.rows.len().saturating_sub(1) as u32;
    ws.set_print_area(0, 0, last, ncols - 1)
        .map_err(xerr(path))?;
    wb.save_to_buffer().map_err(xerr(path))
}
