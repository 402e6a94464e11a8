//! The fixture generators' one way of writing a sheet: a header row, then
//! rows of text, numbers and date cells. Included by `make_fixtures` and
//! `make_year_fixtures` with `#[path]`.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A cell: text, owned text, a number, a date, or empty.
#[allow(dead_code)]
pub enum V<'a> {
    S(&'a str),
    T(String),
    N(f64),
    D(u16, u8, u8),
    E,
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
            let c = c as u16;
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
                    ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_ymd(*y, *m, *d)?,
                        &date,
                    )?;
                }
                V::E => {}
            }
        }
    }
    Ok(())
}
