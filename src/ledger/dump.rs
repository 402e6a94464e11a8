//! Every non-empty cell of a workbook as text, for comparing two workbooks
//! cell by cell (`rmpay rerun`, golden tests).

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// A sheet's name and its non-empty cells as (`A1` reference, value).
pub type SheetCells = (String, Vec<(String, String)>);

fn show(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The cells of an .xlsx held in memory.
pub fn xlsx_cells(bytes: &[u8]) -> Result<Vec<SheetCells>, String> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if matches!(cell, Data::Empty) {
                    continue;
                }
                let at = crate::diag::cell_name(r0 + r as u32, c0 + c as u32);
                cells.push((at, show(cell)));
            }
        }
        out.push((name, cells));
    }
    Ok(out)
}

/// Cell-level differences between two workbooks: (sheet, cell, left, right).
pub fn diff_xlsx(
    left: &[u8],
    right: &[u8],
) -> Result<Vec<(String, String, String, String)>, String> {
    let (a, b) = (xlsx_cells(left)?, xlsx_cells(right)?);
    let mut out = Vec::new();
    let names: Vec<&String> = {
        let mut v: Vec<&String> = a.iter().map(|(n, _)| n).collect();
        for (n, _) in &b {
            if !v.contains(&n) {
                v.push(n);
            }
        }
        v
    };
    for name in names {
        let empty = Vec::new();
        let ca = a
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .unwrap_or(&empty);
        let cb = b
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .unwrap_or(&empty);
        let ma: std::collections::BTreeMap<&str, &str> =
            ca.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mb: std::collections::BTreeMap<&str, &str> =
            cb.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut keys: Vec<&str> = ma.keys().chain(mb.keys()).copied().collect();
        keys.sort_by_key(|k| cell_order(k));
        keys.dedup();
        for k in keys {
            let (x, y) = (
                ma.get(k).copied().unwrap_or(""),
                mb.get(k).copied().unwrap_or(""),
            );
            if x != y {
                out.push((name.clone(), k.to_string(), x.to_string(), y.to_string()));
            }
        }
    }
    Ok(out)
}

/// Sort key for `A1` references: row, then column.
fn cell_order(r: &str) -> (u32, u32) {
    let split = r.find(|c: char| c.is_ascii_digit()).unwrap_or(r.len());
    let (letters, digits) = r.split_at(split);
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    (digits.parse().unwrap_or(0), col)
}
