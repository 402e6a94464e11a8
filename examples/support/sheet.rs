//! The fixture generators' one way of writing a sheet: a header row, then
//! rows of text, numbers and date cells. Included by `make_fixtures`,
//! `make_year_fixtures` and `make_layout_fixtures` with `#[path]`.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A cell: text, owned text, a number, a date, a number in a cell
/// formatted as a date, or empty.
#[allow(dead_code)]
#[derive(Clone, Debug)]
pub enum V<'a> {
    S(&'a str),
    T(String),
    N(f64),
    D(u16, u8, u8),
    Nd(f64),
    E,
}

/// Write one cell; `date` is the format of date cells.
pub fn cell(ws: &mut Worksheet, r: u32, c: u16, v: &V, date: &Format) -> Result<(), XlsxError> {
    match v {
        V::S(s) => {
            ws.write_string(r, c, *s)?;
        }
        V::T(s) => {
            ws.write_string(r, c, s)?;
        }
        V::N(n) => {
            ws.write_number(r, c, *n)?;
        }
        V::D(y, m, d) => {
            ws.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d)?, date)?;
        }
        V::Nd(n) => {
            ws.write_number_with_format(r, c, *n, date)?;
        }
        V::E => {}
    }
    Ok(())
}

pub fn sheet(
    wb: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: &[Vec<V>],
) -> Result<(), XlsxError> {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
        ws.set_column_width(c as u16, 14)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            cell(ws, r, c as u16, v, &date)?;
        }
    }
    Ok(())
}
