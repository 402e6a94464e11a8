//! Ledgers as branches produce them (issue 12, point 4): each workbook of
//! `fixtures/layouts/` is the clean October ledger (`fixtures/2026-10.xlsx`)
//! in a layout a branch or a core system exports (written by `cargo run
//! --example make_layout_fixtures`; `branch-export.xlsx`, all of them at
//! once, by openpyxl with `fixtures/layouts/make_branch_export.py`).
//! `payroll` on each writes the pay JSON of the clean ledger field for
//! field, but for the ledger's name and hash and the rows its cells are on,
//! and says what it did in warnings, pinned here.

use super::util::run;
use serde_json::Value;

const POLICY: &str = "rules/city-commercial-bank.toml";

/// `payroll --json` on `ledger`: the JSON (its ledger's file name, hash
/// and warnings taken out, the warnings returned beside it) and stderr,
/// both in the console's language (English, whose cell references, `row
/// 2`, are shifted below; Chinese when the case is run in Chinese).
fn pay(ledger: &str) -> (String, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("pay.json");
    let lang = super::util::console_lang();
    let mut args = vec![
        "payroll", "--lang", lang, "--policy", POLICY, "--ledger", ledger,
    ];
    args.extend(["--out", dir.path().to_str().unwrap()]);
    args.extend(["--json", json.to_str().unwrap()]);
    let o = run(&args);
    assert_eq!(o.code, 0, "{ledger}: {}", o.stderr);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let l = v["ledger"].as_object_mut().unwrap();
    let file = l.remove("file").unwrap();
    l.remove("sha256").unwrap();
    let warnings = match l.remove("warnings") {
        Some(Value::Array(w)) => w
            .into_iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect(),
        _ => Vec::new(),
    };
    let text = serde_json::to_string_pretty(&v)
        .unwrap()
        .replace(file.as_str().unwrap(), "2026-10.xlsx");
    (text, warnings, o.stderr)
}

/// `text` with every row of a cell reference (`[客户经理]!H2`,
/// `[管户关系] row 2`, `[存款日余额] rows 2–302`) moved down `by` rows.
fn shift_rows(text: &str, by: u32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(']') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let prefix = if let Some(r) = rest.strip_prefix('!') {
            1 + r.chars().take_while(char::is_ascii_uppercase).count()
        } else if rest.starts_with(" rows ") {
            6
        } else if rest.starts_with(" row ") {
            5
        } else {
            continue;
        };
        out.push_str(&rest[..prefix]);
        rest = &rest[prefix..];
        loop {
            let n = rest.chars().take_while(char::is_ascii_digit).count();
            if n == 0 {
                break;
            }
            let row: u32 = rest[..n].parse().unwrap();
            out.push_str(&(row + by).to_string());
            rest = &rest[n..];
            match rest.strip_prefix('–') {
                Some(r) => {
                    out.push('–');
                    rest = r;
                }
                None => break,
            }
        }
    }
    out.push_str(rest);
    out
}

/// The layout's pay JSON is the clean ledger's, its cells `shift` rows
/// further down, and its warnings are `warnings` (after the file name).
fn same_figures(layout: &str, shift: u32, warnings: &[&str]) {
    let (clean, none, _) = pay("fixtures/2026-10.xlsx");
    assert_eq!(none, Vec::<String>::new());
    let (got, said, stderr) = pay(&format!("fixtures/layouts/{layout}"));
    let want = shift_rows(&clean, shift);
    assert!(want != clean || shift == 0);
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .find(|(g, w)| g != w)
            .map(|(g, w)| format!("got  {g}\nwant {w}"));
        panic!("{layout}: the pay JSON differs from the clean ledger's\n{first:?}");
    }
    let warnings: Vec<String> = warnings.iter().map(|w| format!("{layout} {w}")).collect();
    assert_eq!(said, warnings, "{layout}");
    // The console says the same, before the month's figures.
    for w in &warnings {
        assert!(
            stderr.contains(&format!("fixtures/layouts/{w}\n")),
            "{layout}: {stderr}"
        );
    }
}

#[test]
pub(super) fn title_rows_above_the_header() {
    // Row 1 a title merged over A1:E1 (A1:I1 …), row 2 blank, row 3 the
    // unit: the header is on row 4, so every cell is 3 rows down.
    let sheets = [
        "客户经理",
        "管户关系",
        "存款日余额",
        "贷款",
        "中间业务收入",
        "新开户",
        "违规与损失",
        "风险金账户",
    ];
    let warnings: Vec<String> = sheets
        .iter()
        .map(|s| {
            format!(
                "[{s}]: warning[rows-above-header]: the header row is row 4; skipped above it: row 1 `城东支行2026年10月{s}明细`, row 3 `单位：元`"
            )
        })
        .collect();
    let warnings: Vec<&str> = warnings.iter().map(String::as_str).collect();
    same_figures("title-rows.xlsx", 3, &warnings);
}

#[test]
fn dates_as_yyyymmdd_numbers() {
    // The balances' 20261001 … in a column formatted as dates (a serial of
    // the year 57372 if read as one), the other dates plain numbers.
    same_figures("yyyymmdd-numbers.xlsx", 0, &[]);
}

#[test]
fn dates_as_yyyymmdd_text() {
    same_figures("yyyymmdd-text.xlsx", 0, &[]);
}

#[test]
pub(super) fn total_rows_are_skipped() {
    // Each total row after the data, its figures the sums of the column:
    // counted, they would double every balance, loan and fee.
    same_figures(
        "total-rows.xlsx",
        0,
        &[
            "[客户经理]!A11: warning[total-row]: skipped the total row `合 计`: its figures are not added",
            "[存款日余额]!A312: warning[total-row]: skipped the total row `合计`: its figures are not added",
            "[贷款]!A8: warning[total-row]: skipped the total row `总计`: its figures are not added",
            "[中间业务收入]!A5: warning[total-row]: skipped the total row `小计`: its figures are not added",
            "[违规与损失]!A4: warning[total-row]: skipped the total row `合计`: its figures are not added",
            "[风险金账户]!A6: warning[total-row]: skipped the total row `合\u{3000}计`: its figures are not added",
        ],
    );
}

#[test]
fn wan_amounts_to_the_fen() {
    // 1,799,999.99 元 typed as 179.999999 万元 (6 places), 1,000,000.01 元
    // as 100.0001 万元: exact.
    same_figures("wan-amounts.xlsx", 0, &[]);
}

#[test]
pub(super) fn a_hidden_sheet_is_read_and_named() {
    same_figures(
        "hidden-sheet.xlsx",
        0,
        &[
            "[风险金账户]: warning[hidden-sheet]: the sheet is hidden in the workbook; it is read like any other",
        ],
    );
}

#[test]
fn a_hidden_sheet_of_an_ods_workbook_is_named_too() {
    // Read by the worker process (`ledger::sandbox`), which says which
    // sheets are hidden.
    same_figures(
        "hidden-sheet.ods",
        0,
        &[
            "[风险金账户]: warning[hidden-sheet]: the sheet is hidden in the workbook; it is read like any other",
        ],
    );
}

#[test]
fn a_branch_export_written_by_openpyxl() {
    // Every layout at once (make_branch_export.py): titles on rows 1–2,
    // so every cell is 2 rows down; the total row after the 311 balances
    // (row 3 the header, 4–314 the balances).
    let mut warnings = Vec::new();
    for (s, unit) in [
        ("客户经理", "元"),
        ("管户关系", "元"),
        ("存款日余额", "万元"),
        ("贷款", "万元"),
        ("中间业务收入", "元"),
        ("新开户", "元"),
        ("违规与损失", "元"),
        ("风险金账户", "元"),
    ] {
        if s == "风险金账户" {
            warnings.push(format!(
                "[{s}]: warning[hidden-sheet]: the sheet is hidden in the workbook; it is read like any other"
            ));
        }
        warnings.push(format!(
            "[{s}]: warning[rows-above-header]: the header row is row 3; skipped above it: row 1 `城东支行2026年10月{s}明细`, row 2 `单位：{unit}`"
        ));
        if s == "存款日余额" {
            warnings.push(format!(
                "[{s}]!A314: warning[total-row]: skipped the total row `合 计`: its figures are not added"
            ));
        }
    }
    let warnings: Vec<&str> = warnings.iter().map(String::as_str).collect();
    same_figures("branch-export.xlsx", 2, &warnings);
}

/// Errors under title rows are at the sheet's own rows; a `yyyymmdd` that
/// is not a day is an error at its cell; a header row below the first 10
/// rows is not looked for, and what the first row lacks is reported there.
#[test]
fn errors_below_title_rows_name_the_sheets_own_cells() {
    let f = "fixtures/layouts/bad-layouts.xlsx";
    let above = |s: &str| {
        format!(
            "{f} [{s}]: warning[rows-above-header]: the header row is row 4; skipped above it: row 1 `城东支行2026年10月{s}明细`, row 3 `单位：元`\n"
        )
    };
    let mut expected = above("客户经理");
    expected += &format!(
        "\
{f} [管户关系]!A1: error[missing-column]: expected a `client_id` (客户编号) column in the header row, found none
{f} [管户关系]!A1: error[missing-column]: expected a `rm_id` (客户经理编号) column in the header row, found none
"
    );
    expected += &above("存款日余额");
    // Data row 5 is sheet row 9, data row 8 row 12 (title, blank, unit and
    // header rows above them).
    expected += &format!(
        "\
{f} [存款日余额]!A9: error[not-a-date]: expected a date such as `2026-10-01` or `20261001`, found `20261032`, which is not a day (read as yyyymmdd)
{f} [存款日余额]!E12: error[not-an-amount]: expected an amount, found text `12,3O0`
"
    );
    for s in ["贷款", "中间业务收入", "新开户", "违规与损失", "风险金账户"] {
        expected += &above(s);
    }
    expected += "rmpay: 4 error(s); nothing was written\n";
    super::test::Test::new()
        .args(["check", "--policy", POLICY, "--ledger", f])
        .stdout("rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)\n")
        .stderr(&expected)
        .status(1)
        .run();
}
