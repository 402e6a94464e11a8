//! The ledger template workbook ([`crate::report::template`]): the
//! instructions sheet, then one empty sheet per ledger sheet with its
//! header row, cell formats, drop-down lists and a note per column.

use super::{shown_width, xerr};
use crate::diag::Diagnostic;
use crate::report::template::{CellFormat, DataSheet, GuideRow, ListSource, TemplateBook};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
};
use std::path::Path;

/// The template's document date: fixed, so every run writes the same bytes.
const DOCUMENT_DATE: (u16, u8, u8) = (2026, 1, 1);
/// Last row a validation covers (the sheet's last, 0-based).
const LAST_ROW: u32 = 1_048_575;
/// Points per line of wrapped text.
const LINE_PT: f64 = 15.0;

struct Formats {
    title: Format,
    note: Format,
    header: Format,
    required: Format,
    optional: Format,
    heading: Format,
    cell: Format,
    cell_required: Format,
    text: Format,
    amount: Format,
    number: Format,
    percent: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name("Microsoft YaHei");
        let head = base
            .clone()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let cell = base
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        Formats {
            title: base.clone().set_bold().set_font_size(14),
            note: base
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Left),
            header: head.clone().set_background_color(Color::RGB(0xD9D9D9)),
            required: head.clone().set_background_color(Color::RGB(0xBDD7EE)),
            optional: head.set_background_color(Color::RGB(0xEDEDED)),
            heading: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Left)
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_border(FormatBorder::Thin),
            cell_required: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xBDD7EE)),
            cell,
            text: base.clone().set_num_format("@"),
            amount: base.clone().set_num_format("#,##0.00"),
            number: base.clone().set_num_format("General"),
            percent: base.clone().set_num_format("0.00%"),
            date: base.set_num_format("yyyy-mm-dd"),
        }
    }

    fn column(&self, f: CellFormat) -> &Format {
        match f {
            CellFormat::Text => &self.text,
            CellFormat::Amount => &self.amount,
            CellFormat::Number => &self.number,
            CellFormat::Percent => &self.percent,
            CellFormat::Date => &self.date,
        }
    }
}

/// The template's bytes (`path` only names the file in errors).
pub fn template_bytes(book: &TemplateBook, path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let e = xerr(path);
    let mut wb = Workbook::new();
    let (y, m, d) = DOCUMENT_DATE;
    let date = ExcelDateTime::from_ymd(y, m, d).map_err(&e)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&book.title)
            .set_author("rmpay")
            .set_creation_datetime(&date),
    );
    let f = Formats::new();
    guide_sheet(wb.add_worksheet(), book, &f).map_err(&e)?;
    for sheet in &book.sheets {
        data_sheet(wb.add_worksheet(), sheet, book, &f).map_err(&e)?;
    }
    wb.save_to_buffer().map_err(&e)
}

/// Landscape A4, one page wide, the book's title, the unit and the page
/// number on every page.
fn page_setup(ws: &mut Worksheet, book: &TemplateBook) {
    let lines = super::PageLines::of(&book.title, &book.page);
    ws.set_header(&lines.header);
    ws.set_footer(&lines.footer);
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
}

/// Lines `text` takes in a column `width` characters wide.
fn lines(text: &str, width: f64) -> usize {
    text.lines()
        .map(|l| (shown_width(l) / width.max(1.0)).ceil().max(1.0) as usize)
        .sum::<usize>()
        .max(1)
}

fn guide_sheet(
    ws: &mut Worksheet,
    book: &TemplateBook,
    f: &Formats,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let g = &book.guide;
    ws.set_name(&g.name)?;
    for (c, w) in g.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let last_col = g.widths.len().saturating_sub(1) as u16;
    let across: f64 = g.widths.iter().sum();
    for (r, row) in g.rows.iter().enumerate() {
        let r = r as u32;
        match row {
            GuideRow::Title(s) => {
                ws.merge_range(r, 0, r, last_col, s, &f.title)?;
                ws.set_row_height(r, 24)?;
            }
            GuideRow::Note(s) => {
                ws.merge_range(r, 0, r, last_col, s, &f.note)?;
                ws.set_row_height(r, LINE_PT * lines(s, across * 0.9) as f64)?;
            }
            GuideRow::Heading(s) => {
                ws.merge_range(r, 0, r, last_col, s, &f.heading)?;
                ws.set_row_height(r, LINE_PT * lines(s, across * 0.9) as f64)?;
            }
            GuideRow::Header(cells) => {
                for (c, s) in cells.iter().enumerate() {
                    ws.write_string_with_format(r, c as u16, s, &f.header)?;
                }
            }
            GuideRow::Row(cells, required) => {
                let mut tall = 1;
                for (c, s) in cells.iter().enumerate() {
                    let w = g.widths.get(c).copied().unwrap_or(10.0);
                    tall = tall.max(lines(s, w - 1.0));
                    // The column's header stands out as on the data sheets.
                    let format = if c == 1 && *required {
                        &f.cell_required
                    } else {
                        &f.cell
                    };
                    ws.write_string_with_format(r, c as u16, s, format)?;
                }
                ws.set_row_height(r, LINE_PT * tall as f64 + 3.0)?;
            }
            GuideRow::Blank => {}
        }
    }
    ws.set_repeat_rows(g.header_row, g.header_row)?;
    page_setup(ws, book);
    Ok(())
}

fn data_sheet(
    ws: &mut Worksheet,
    sheet: &DataSheet,
    book: &TemplateBook,
    f: &Formats,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    ws.set_name(&sheet.name)?;
    for (c, col) in sheet.columns.iter().enumerate() {
        let c = c as u16;
        let head = if col.required {
            &f.required
        } else {
            &f.optional
        };
        ws.write_string_with_format(0, c, &col.header, head)?;
        ws.set_column_width(c, col.width)?;
        ws.set_column_format(c, f.column(col.format))?;
        let mut v = match &col.list {
            Some(ListSource::Values(values)) => DataValidation::new().allow_list_strings(values)?,
            Some(ListSource::GuideCells {
                first,
                last,
                col: lc,
            }) => {
                let letter = column_letter(*lc);
                DataValidation::new().allow_list_formula(Formula::new(format!(
                    "='{}'!${letter}${}:${letter}${}",
                    book.guide.name.replace('\'', "''"),
                    first + 1,
                    last + 1
                )))
            }
            None => DataValidation::new().allow_any_value(),
        };
        if col.list.is_some() {
            v = v
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title(&book.list_warning.0)?
                .set_error_message(&book.list_warning.1)?;
        }
        v = v
            .set_input_title(&col.tip_title)?
            .set_input_message(&col.tip)?;
        ws.add_data_validation(1, c, LAST_ROW, c, &v)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    page_setup(ws, book);
    Ok(())
}

/// `A`, `B`, … `Z`, `AA`, …
fn column_letter(c: u16) -> String {
    let mut n = u32::from(c) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::column_letter(0), "A");
        assert_eq!(super::column_letter(1), "B");
        assert_eq!(super::column_letter(25), "Z");
        assert_eq!(super::column_letter(26), "AA");
    }
}
