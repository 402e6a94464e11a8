//! The pay-out file's bytes: CSV (UTF-8 or GBK) or xlsx, as the profile
//! says. Deterministic: no clock (the xlsx document date is the period's
//! last day), records in the order given.

use super::{csv_field, excel_number, xerr};
use crate::diag::Diagnostic;
use crate::payout::{PCell, PayoutFile};
use crate::policy::payout::{Encoding, Payout, PayoutFormat};
use chrono::Datelike;
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use std::path::Path;

/// The file's bytes. `date` is the xlsx document date (the period's last
/// day); `path` names the file in errors.
pub fn payout_bytes(
    profile: &Payout,
    file: &PayoutFile,
    date: NaiveDate,
    path: &Path,
) -> Result<Vec<u8>, Diagnostic> {
    match &profile.format {
        PayoutFormat::Csv {
            encoding,
            delimiter,
            line_end,
        } => {
            let mut text = String::new();
            for record in &file.records {
                let fields: Vec<String> = record
                    .iter()
                    .map(|c| csv_field(&c.text(), *delimiter).into_owned())
                    .collect();
                text.push_str(&fields.join(&delimiter.to_string()));
                text.push_str(line_end);
            }
            match encoding {
                Encoding::Utf8 => Ok(text.into_bytes()),
                Encoding::Gbk => {
                    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
                    if unmappable {
                        // The rows were checked cell by cell; this is a
                        // last guard, never a file with `&#…;` in it.
                        return Err(Diagnostic::at_path(
                            path,
                            crate::diag::Code::Io,
                            crate::text::archive::file_not_in_gbk(),
                        ));
                    }
                    Ok(bytes.into_owned())
                }
            }
        }
        PayoutFormat::Xlsx { sheet } => {
            let mut wb = Workbook::new();
            let when =
                ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
                    .map_err(xerr(path))?;
            wb.set_properties(
                &DocProperties::new()
                    .set_title(sheet.as_str())
                    .set_author("rmpay")
                    .set_creation_datetime(&when),
            );
            let places = profile.amount_places;
            let amount = Format::new().set_num_format(if places == 0 {
                "0".to_string()
            } else {
                format!("0.{}", "0".repeat(places as usize))
            });
            let text = Format::new().set_num_format("@");
            let ws = wb.add_worksheet();
            ws.set_name(sheet).map_err(xerr(path))?;
            let mut widths: Vec<usize> = Vec::new();
            for (r, record) in file.records.iter().enumerate() {
                for (c, cell) in record.iter().enumerate() {
                    let (r32, c16) = (r as u32, c as u16);
                    let shown = cell.text();
                    let w = shown
                        .chars()
                        .map(|ch| if ch.is_ascii() { 1 } else { 2 })
                        .sum();
                    if widths.len() <= c {
                        widths.resize(c + 1, 0);
                    }
                    widths[c] = widths[c].max(w);
                    match cell {
                        PCell::Text(s) => ws.write_string_with_format(r32, c16, s, &text),
                        PCell::Int(n) => ws.write_number(r32, c16, *n as f64),
                        PCell::Amount(d) => {
                            ws.write_number_with_format(r32, c16, excel_number(*d, places), &amount)
                        }
                    }
                    .map_err(xerr(path))?;
                }
            }
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))
                    .map_err(xerr(path))?;
            }
            wb.save_to_buffer().map_err(xerr(path))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::write::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("张伟", ','), "张伟");
        assert_eq!(csv_field("a,b", ','), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("a,b", '|'), "a,b");
    }
}
