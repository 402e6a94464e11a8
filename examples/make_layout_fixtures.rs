//! Writes `fixtures/layouts/`: the clean October ledger
//! (`fixtures/2026-10.xlsx`) laid out as branches and core systems export
//! it, one layout per workbook, each read to the same figures as the clean
//! ledger (`tests/it/layouts.rs`):
//!
//! - `title-rows.xlsx`: above every sheet's header row, a title merged
//!   across the columns (`城东支行2026年10月存款日余额明细`), a blank row and
//!   a unit line (`单位：元`); the header is on row 4;
//! - `yyyymmdd-numbers.xlsx`: every date a `yyyymmdd` number (20261001);
//!   the balances' dates in a column formatted as dates, as a filled-in
//!   template has them (read as a serial, that is the year 57372);
//! - `yyyymmdd-text.xlsx`: every date `yyyymmdd` text;
//! - `total-rows.xlsx`: a total row at the end of every sheet with amounts
//!   (`合计`, `合 计`, `合　计`, `小计`, `总计`, in the first column, which is
//!   the id column), its figures summed;
//! - `wan-amounts.xlsx`: every amount in 万元 to the fen (`余额(万元)`,
//!   1,799,999.99 元 typed as `179.999999`);
//! - `hidden-sheet.xlsx`: the `风险金账户` sheet hidden;
//! - `bad-layouts.xlsx`: errors under title rows, at the sheet's own rows,
//!   a `yyyymmdd` that is not a day, and a header row too far down.
//!
//! `hidden-sheet.ods` is `hidden-sheet.xlsx` converted by LibreOffice
//! (`soffice --headless --convert-to ods`), for the worker's path.
//! `branch-export.xlsx`, all of these at once as openpyxl writes them, is
//! made by `fixtures/layouts/make_branch_export.py` (openpyxl is not needed
//! to run the tests).
//!
//! ```text
//! cargo run --example make_layout_fixtures
//! ```

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use std::path::Path;
use std::str::FromStr;

// `sheet` writes a header on row 1; these sheets may have titles above.
#[allow(dead_code)]
#[path = "support/sheet.rs"]
mod support;
use support::{V, cell};

#[derive(Clone)]
struct Sheet {
    name: String,
    /// The header row, then the data rows.
    rows: Vec<Vec<V<'static>>>,
    hidden: bool,
    /// A merged title, a blank row and a unit line above the header.
    title: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clean = read(&root.join("fixtures/2026-10.xlsx"))?;
    let dir = root.join("fixtures/layouts");
    std::fs::create_dir_all(&dir)?;

    let mut titled = clean.clone();
    for s in &mut titled {
        s.title = true;
    }
    write(&dir.join("title-rows.xlsx"), &titled)?;

    let mut numbers = clean.clone();
    for s in &mut numbers {
        let in_date_format = s.name == "存款日余额";
        map_dates(s, |y, m, d| {
            let n = f64::from(u32::from(y) * 10_000 + u32::from(m) * 100 + u32::from(d));
            if in_date_format { V::Nd(n) } else { V::N(n) }
        });
    }
    write(&dir.join("yyyymmdd-numbers.xlsx"), &numbers)?;

    let mut texts = clean.clone();
    for s in &mut texts {
        map_dates(s, |y, m, d| V::T(format!("{y:04}{m:02}{d:02}")));
    }
    write(&dir.join("yyyymmdd-text.xlsx"), &texts)?;

    let mut totals = clean.clone();
    for (sheet, label, sums) in [
        ("客户经理", "合 计", &["基数存款"][..]),
        ("存款日余额", "合计", &["余额(元)"][..]),
        (
            "贷款",
            "总计",
            &["发放金额", "贷款余额", "应收利息", "实收利息"][..],
        ),
        ("中间业务收入", "小计", &["金额"][..]),
        ("违规与损失", "合计", &["扣分", "经济损失"][..]),
        ("风险金账户", "合\u{3000}计", &["期初余额"][..]),
    ] {
        total_row(find(&mut totals, sheet), label, sums);
    }
    write(&dir.join("total-rows.xlsx"), &totals)?;

    let mut wan = clean.clone();
    for (sheet, cols) in [
        ("客户经理", &["基数存款"][..]),
        ("存款日余额", &["余额(元)"][..]),
        (
            "贷款",
            &["发放金额", "贷款余额", "应收利息", "实收利息"][..],
        ),
        ("中间业务收入", &["金额"][..]),
        ("违规与损失", &["经济损失"][..]),
        ("风险金账户", &["期初余额"][..]),
    ] {
        in_wan(find(&mut wan, sheet), cols)?;
    }
    write(&dir.join("wan-amounts.xlsx"), &wan)?;

    let mut hidden = clean.clone();
    find(&mut hidden, "风险金账户").hidden = true;
    write(&dir.join("hidden-sheet.xlsx"), &hidden)?;

    // Errors below title rows are at the sheet's own rows: a yyyymmdd that
    // is not a day on the balances' data row 5 (sheet row 9), a mistyped
    // balance on data row 8 (row 12); and `管户关系` with its header below
    // the rows looked at (row 12, under 11 rows of notes), which is
    // refused at its first row.
    let mut bad = clean;
    for s in &mut bad {
        s.title = true;
    }
    let deposits = find(&mut bad, "存款日余额");
    deposits.rows[5][0] = V::Nd(20261032.0);
    deposits.rows[8][4] = V::T("12,3O0".to_string());
    let clients = find(&mut bad, "管户关系");
    clients.title = false;
    let notes: Vec<Vec<V>> = (1..=11).map(|i| vec![V::T(format!("说明{i}"))]).collect();
    clients.rows.splice(0..0, notes);
    write(&dir.join("bad-layouts.xlsx"), &bad)?;
    println!("wrote fixtures/layouts/");
    Ok(())
}

fn find<'a>(book: &'a mut [Sheet], name: &str) -> &'a mut Sheet {
    match book.iter_mut().find(|s| s.name == name) {
        Some(s) => s,
        None => panic!("no sheet {name}"),
    }
}

/// Every sheet of the clean ledger, cell by cell.
fn read(path: &Path) -> Result<Vec<Sheet>, Box<dyn std::error::Error>> {
    let mut wb: Xlsx<_> = open_workbook(path)?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name)?;
        let rows = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|d| match d {
                        Data::String(s) => V::T(s.clone()),
                        Data::Float(f) => V::N(*f),
                        Data::Int(i) => V::N(*i as f64),
                        Data::DateTime(t) => match t.as_datetime() {
                            Some(dt) => {
                                let date = dt.date();
                                use chrono::Datelike;
                                V::D(date.year() as u16, date.month() as u8, date.day() as u8)
                            }
                            None => panic!("{name}: a date-time that is not a date"),
                        },
                        Data::Empty => V::E,
                        other => panic!("{name}: unexpected cell {other:?}"),
                    })
                    .collect()
            })
            .collect();
        out.push(Sheet {
            name,
            rows,
            hidden: false,
            title: false,
        });
    }
    Ok(out)
}

fn map_dates(s: &mut Sheet, f: impl Fn(u16, u8, u8) -> V<'static>) {
    for row in &mut s.rows {
        for v in row.iter_mut() {
            if let V::D(y, m, d) = *v {
                *v = f(y, m, d);
            }
        }
    }
}

fn column(s: &Sheet, header: &str) -> usize {
    match s.rows[0]
        .iter()
        .position(|h| matches!(h, V::T(t) if t == header))
    {
        Some(c) => c,
        None => panic!("{}: no column {header}", s.name),
    }
}

/// A row labelled `label` in the first column, with the sums of `sums`.
fn total_row(s: &mut Sheet, label: &str, sums: &[&str]) {
    let width = s.rows[0].len();
    let mut row = vec![V::E; width];
    row[0] = V::T(label.to_string());
    for h in sums {
        let c = column(s, h);
        let sum: Decimal = s.rows[1..]
            .iter()
            .filter_map(|r| match r.get(c) {
                Some(V::N(x)) => Decimal::from_str(&x.to_string()).ok(),
                _ => None,
            })
            .sum();
        row[c] = V::N(sum.to_string().parse().unwrap_or(f64::NAN));
    }
    s.rows.push(row);
}

/// The amounts of `cols` in 万元, as typed: the yuan figure's digits with
/// the point moved four places (1799999.99 → 179.999999).
fn in_wan(s: &mut Sheet, cols: &[&str]) -> Result<(), Box<dyn std::error::Error>> {
    for h in cols {
        let c = column(s, h);
        let name = h.strip_suffix("(元)").unwrap_or(h);
        s.rows[0][c] = V::T(format!("{name}(万元)"));
        for row in &mut s.rows[1..] {
            if let Some(V::N(x)) = row.get(c) {
                let wan = Decimal::from_str(&x.to_string())? / Decimal::from(10_000);
                row[c] = V::N(wan.normalize().to_string().parse()?);
            }
        }
    }
    Ok(())
}

fn write(path: &Path, book: &[Sheet]) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 10, 31)?)
            .set_author("rmpay fixtures"),
    );
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    for s in book {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name)?;
        if s.hidden {
            ws.set_hidden(true);
        }
        let width = s.rows[0].len() as u16;
        let top = if s.title {
            let text = format!("城东支行2026年10月{}明细", s.name);
            ws.merge_range(0, 0, 0, width - 1, &text, &title)?;
            ws.write_string(2, width - 1, "单位：元")?;
            3
        } else {
            0
        };
        for c in 0..width {
            ws.set_column_width(c, 14)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                cell(ws, top + r as u32, c as u16, v, &date)?;
            }
        }
    }
    wb.save(path)
}
