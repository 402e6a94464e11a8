//! Ledger folders (issue 13): one CSV or Parquet file per sheet, read with
//! the workbook's contract. The month of `fixtures/2026-10.xlsx` written as
//! CSV (UTF-8, UTF-8 with a BOM, GBK) and Parquet folders pays the same,
//! field for field; bad files are located errors, all of a run at once;
//! a folder closes, verifies and reruns like a workbook.

use super::test::Test;
use super::util;
use rmpay::decimal::RoundAway as _;
use rmpay::ledger::SheetKind;
use std::path::Path;
use std::sync::Arc;

const POLICY: &str = "rules/city-commercial-bank.toml";
const FIXTURE: &str = "fixtures/2026-10.xlsx";

/// A cell of a workbook sheet, as a data file holds it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Num(f64),
    /// `yyyy-mm-dd`.
    Date(String),
}

impl Cell {
    pub(super) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Date(s) => s.clone(),
            Cell::Num(f) => format!("{f}"),
        }
    }
}

pub(super) struct Sheet {
    pub(super) kind: SheetKind,
    /// The header row first.
    pub(super) rows: Vec<Vec<Cell>>,
}

/// The contract's sheets of a workbook, cell by cell.
pub(super) fn workbook(path: &str) -> Vec<Sheet> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(util::root().join(path)).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let Some(kind) = SheetKind::ALL
            .into_iter()
            .find(|k| k.chinese() == name || k.english() == name)
        else {
            continue;
        };
        let range = wb.worksheet_range(&name).unwrap();
        let rows = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|d| match d {
                        Data::Empty => Cell::Empty,
                        Data::String(s) => Cell::Text(s.clone()),
                        Data::Float(f) => Cell::Num(*f),
                        Data::Int(i) => Cell::Num(*i as f64),
                        Data::DateTime(d) => {
                            Cell::Date(d.as_datetime().unwrap().date().to_string())
                        }
                        other => Cell::Text(other.to_string()),
                    })
                    .collect()
            })
            .filter(|r: &Vec<Cell>| r.iter().any(|c| *c != Cell::Empty))
            .collect();
        out.push(Sheet { kind, rows });
    }
    out
}

fn csv_text(rows: &[Vec<Cell>]) -> String {
    let mut s = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|c| {
                let t = c.text();
                if t.contains([',', '"', '\n']) {
                    format!("\"{}\"", t.replace('"', "\"\""))
                } else {
                    t
                }
            })
            .collect();
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s
}

#[derive(Clone, Copy)]
pub(super) enum Enc {
    Utf8,
    Bom,
    Gbk,
}

/// Write the sheets as CSV files named in English or Chinese.
pub(super) fn csv_folder(dir: &Path, sheets: &[Sheet], enc: Enc, chinese: bool) {
    std::fs::create_dir_all(dir).unwrap();
    for sh in sheets {
        let name = if chinese {
            sh.kind.chinese()
        } else {
            sh.kind.english()
        };
        let text = csv_text(&sh.rows);
        let bytes = match enc {
            Enc::Utf8 => text.into_bytes(),
            Enc::Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            Enc::Gbk => {
                let (b, _, bad) = encoding_rs::GBK.encode(&text);
                assert!(!bad, "the fixture's text is all GBK");
                b.into_owned()
            }
        };
        std::fs::write(dir.join(format!("{name}.csv")), bytes).unwrap();
    }
}

/// A Parquet column: its name, type and values (`None` a null).
enum Col {
    Text(String, Vec<Option<String>>),
    Double(String, Vec<Option<f64>>),
    /// DECIMAL(18,2) stored as INT64.
    Cents(String, Vec<Option<i64>>),
    /// DATE: days since 1970-01-01.
    Date(String, Vec<Option<i32>>),
    Bool(String, Vec<Option<bool>>),
    /// DECIMAL(18, scale) stored as INT64: the unscaled integers.
    Dec(String, i32, Vec<Option<i64>>),
}

fn days_since_epoch(ymd: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

/// The sheet's columns typed as a warehouse would: dates as DATE, the
/// deposit balance as DECIMAL(18,2), other all-number columns as DOUBLE,
/// the rest as UTF8 strings.
fn typed_columns(sh: &Sheet) -> Vec<Col> {
    let header = &sh.rows[0];
    let data = &sh.rows[1..];
    let width = header.len();
    (0..width)
        .filter(|&c| header[c] != Cell::Empty)
        .map(|c| {
            let name = header[c].text();
            let cells: Vec<Cell> = data
                .iter()
                .map(|r| r.get(c).cloned().unwrap_or(Cell::Empty))
                .collect();
            let filled = || cells.iter().filter(|x| **x != Cell::Empty);
            if filled().count() > 0 && filled().all(|x| matches!(x, Cell::Date(_))) {
                let v = cells
                    .iter()
                    .map(|x| match x {
                        Cell::Date(d) => Some(days_since_epoch(d)),
                        _ => None,
                    })
                    .collect();
                Col::Date(name, v)
            } else if filled().count() > 0 && filled().all(|x| matches!(x, Cell::Num(_))) {
                if sh.kind == SheetKind::Deposits
                    && (name.starts_with("余额") || name.starts_with("balance"))
                {
                    let v = cells
                        .iter()
                        .map(|x| match x {
                            Cell::Num(f) => Some((f * 100.0).round() as i64),
                            _ => None,
                        })
                        .collect();
                    Col::Cents(name, v)
                } else {
                    let v = cells
                        .iter()
                        .map(|x| match x {
                            Cell::Num(f) => Some(*f),
                            _ => None,
                        })
                        .collect();
                    Col::Double(name, v)
                }
            } else {
                let v = cells
                    .iter()
                    .map(|x| (*x != Cell::Empty).then(|| x.text()))
                    .collect();
                Col::Text(name, v)
            }
        })
        .collect()
}

/// Write columns as a Parquet file (snappy), `group` rows a row group.
fn write_parquet(path: &Path, cols: &[Col], group: usize) {
    use parquet::basic::{Compression, ConvertedType, Repetition, Type as Phys};
    use parquet::column::writer::ColumnWriter;
    use parquet::data_type::ByteArray;
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;
    let scaled = |name: &str, phys, ct, scale| {
        let b = Type::primitive_type_builder(name, phys)
            .with_repetition(Repetition::OPTIONAL)
            .with_converted_type(ct);
        let b = if ct == ConvertedType::DECIMAL {
            b.with_precision(18).with_scale(scale)
        } else {
            b
        };
        Arc::new(b.build().unwrap())
    };
    let field = |name: &str, phys, ct| scaled(name, phys, ct, 2);
    let fields = cols
        .iter()
        .map(|c| match c {
            Col::Text(n, _) => field(n, Phys::BYTE_ARRAY, ConvertedType::UTF8),
            Col::Double(n, _) => field(n, Phys::DOUBLE, ConvertedType::NONE),
            Col::Cents(n, _) => field(n, Phys::INT64, ConvertedType::DECIMAL),
            Col::Date(n, _) => field(n, Phys::INT32, ConvertedType::DATE),
            Col::Bool(n, _) => field(n, Phys::BOOLEAN, ConvertedType::NONE),
            Col::Dec(n, scale, _) => scaled(n, Phys::INT64, ConvertedType::DECIMAL, *scale),
        })
        .collect();
    let schema = Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .unwrap();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).unwrap();
    let rows = match cols.first() {
        Some(Col::Text(_, v)) => v.len(),
        Some(Col::Double(_, v)) => v.len(),
        Some(Col::Cents(_, v)) => v.len(),
        Some(Col::Date(_, v)) => v.len(),
        Some(Col::Bool(_, v)) => v.len(),
        Some(Col::Dec(_, _, v)) => v.len(),
        None => 0,
    };
    fn split<T: Clone>(v: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
        let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
        (v.iter().flatten().cloned().collect(), defs)
    }
    let mut start = 0;
    while start < rows.max(1) {
        let end = (start + group).min(rows);
        let mut rg = w.next_row_group().unwrap();
        let mut i = 0;
        while let Some(mut cw) = rg.next_column().unwrap() {
            match (cw.untyped(), &cols[i]) {
                (ColumnWriter::ByteArrayColumnWriter(t), Col::Text(_, v)) => {
                    let (vals, defs) = split(&v[start..end]);
                    let vals: Vec<ByteArray> =
                        vals.iter().map(|s| ByteArray::from(s.as_str())).collect();
                    t.write_batch(&vals, Some(&defs), None).unwrap();
                }
                (ColumnWriter::DoubleColumnWriter(t), Col::Double(_, v)) => {
                    let (vals, defs) = split(&v[start..end]);
                    t.write_batch(&vals, Some(&defs), None).unwrap();
                }
                (ColumnWriter::Int64ColumnWriter(t), Col::Cents(_, v) | Col::Dec(_, _, v)) => {
                    let (vals, defs) = split(&v[start..end]);
                    t.write_batch(&vals, Some(&defs), None).unwrap();
                }
                (ColumnWriter::Int32ColumnWriter(t), Col::Date(_, v)) => {
                    let (vals, defs) = split(&v[start..end]);
                    t.write_batch(&vals, Some(&defs), None).unwrap();
                }
                (ColumnWriter::BoolColumnWriter(t), Col::Bool(_, v)) => {
                    let (vals, defs) = split(&v[start..end]);
                    t.write_batch(&vals, Some(&defs), None).unwrap();
                }
                _ => unreachable!("the writer follows the schema"),
            }
            cw.close().unwrap();
            i += 1;
        }
        rg.close().unwrap();
        start = end.max(start + 1);
    }
    w.close().unwrap();
}

fn parquet_folder(dir: &Path, sheets: &[Sheet]) {
    std::fs::create_dir_all(dir).unwrap();
    for sh in sheets {
        // Deposits in row groups of 64 rows: chunks cross row groups.
        write_parquet(
            &dir.join(format!("{}.parquet", sh.kind.english())),
            &typed_columns(sh),
            64,
        );
    }
}

/// `s` with every reference into the ledger named `name` (a cell, a line,
/// a row; up to the next `)`, `;`, `,` or the end) and every `[sheet]
/// rows a–b` made `<cell>`: what differs between a workbook and a folder.
fn without_cells(s: &str, name: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(name) {
        out.push_str(&rest[..i]);
        out.push_str("<cell>");
        let tail = &rest[i..];
        let end = tail.find([')', ';', ',']).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    // `[存款日余额] rows 2–32`, `[deposits.csv] lines 2–32`, `[x] row 3`.
    let mut done = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find('[') {
        let Some(j) = rest[i..].find(']') else { break };
        let after = &rest[i + j + 1..];
        let word = ["rows ", "row ", "lines ", "line "]
            .into_iter()
            .find(|w| after.strip_prefix(' ').is_some_and(|a| a.starts_with(w)));
        match word {
            Some(w) => {
                done.push_str(&rest[..i]);
                done.push_str("<cell>");
                let nums = &after[1 + w.len()..];
                let n = nums
                    .find(|c: char| !(c.is_ascii_digit() || c == '–'))
                    .unwrap_or(nums.len());
                rest = &nums[n..];
            }
            None => {
                done.push_str(&rest[..i + 1]);
                rest = &rest[i + 1..];
            }
        }
    }
    done.push_str(rest);
    done
}

fn normalise(v: &mut serde_json::Value, name: &str) {
    match v {
        serde_json::Value::String(s) => *s = without_cells(s, name),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| normalise(x, name)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| normalise(x, name)),
        _ => {}
    }
}

/// The pay JSON of a ledger, without what names the input, its hash and
/// its cells (which `without_cells` finds in the console's language,
/// English but in a Chinese case).
fn pay_json(tmp: &Path, ledger: &Path, tag: &str) -> serde_json::Value {
    let json = tmp.join(format!("{tag}.json"));
    let out = util::run(&[
        "payroll",
        "--lang",
        util::console_lang(),
        "--policy",
        POLICY,
        "--ledger",
        ledger.to_str().unwrap(),
        "--out",
        tmp.join(format!("out-{tag}")).to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.code, 0, "{tag}: {}", out.stderr);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let name = v["ledger"]["file"].as_str().unwrap().to_string();
    v["ledger"] = serde_json::Value::Null;
    normalise(&mut v, &name);
    v
}

/// The first place two JSON values differ, as a path.
pub(super) fn first_difference(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            for (k, va) in x {
                let Some(vb) = y.get(k) else {
                    return Some(format!("{path}.{k} missing"));
                };
                if let Some(d) = first_difference(va, vb, &format!("{path}.{k}")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: other keys"))
        }
        (Array(x), Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (va, vb))| first_difference(va, vb, &format!("{path}[{i}]"))),
        _ => (a != b).then(|| format!("{path}: {a} ≠ {b}")),
    }
}

#[test]
fn the_same_month_from_csv_and_parquet_folders_pays_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let sheets = workbook(FIXTURE);
    assert!(sheets.iter().any(|s| s.kind == SheetKind::Deposits));
    csv_folder(&t.join("m-utf8"), &sheets, Enc::Utf8, false);
    csv_folder(&t.join("m-bom"), &sheets, Enc::Bom, true);
    csv_folder(&t.join("m-gbk"), &sheets, Enc::Gbk, true);
    parquet_folder(&t.join("m-pq"), &sheets);
    // The GBK files hold Chinese headers, not valid UTF-8.
    let gbk = std::fs::read(t.join("m-gbk/存款日余额.csv")).unwrap();
    assert!(std::str::from_utf8(&gbk).is_err());
    // The Parquet balances are DECIMAL(18,2), the dates DATE.
    let deposits = workbook(FIXTURE)
        .into_iter()
        .find(|s| s.kind == SheetKind::Deposits)
        .unwrap();
    let cols = typed_columns(&deposits);
    assert!(matches!(cols[0], Col::Date(..)) && matches!(cols[4], Col::Cents(..)));

    let from_workbook = pay_json(t, &util::root().join(FIXTURE), "xlsx");
    assert!(from_workbook["managers"].as_array().unwrap().len() > 3);
    for tag in ["m-utf8", "m-bom", "m-gbk", "m-pq"] {
        let from_folder = pay_json(t, &t.join(tag), tag);
        assert_eq!(
            first_difference(&from_workbook, &from_folder, tag),
            None,
            "{tag} differs from the workbook"
        );
    }
}

#[test]
fn a_folder_names_its_files_cells_in_the_trace() {
    // The trace of a folder's month names lines of its CSV files, as
    // 第 N 行 in Chinese (the JSON's default) and `line N` in English.
    let tmp = tempfile::tempdir().unwrap();
    let sheets = workbook(FIXTURE);
    let dir = tmp.path().join("2026-10");
    csv_folder(&dir, &sheets, Enc::Utf8, false);
    for (lang, lines) in [
        ("zh", "[deposits.csv] 第 2–"),
        ("en", "[deposits.csv] lines 2–"),
    ] {
        let json = tmp.path().join(format!("pay-{lang}.json"));
        let out = util::run(&[
            "payroll",
            "--policy",
            POLICY,
            "--ledger",
            dir.to_str().unwrap(),
            "--out",
            tmp.path().join(format!("out-{lang}")).to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
            "--lang",
            lang,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let text = std::fs::read_to_string(&json).unwrap();
        // The fixture's first loan row is the loans sheet's row 2, so line 2
        // of loans.csv, its first field the loan id.
        assert!(text.contains("2026-10/loans.csv:2:1"), "{text:.2000}");
        assert!(text.contains(lines), "{lang}: {text:.2000}");
        assert!(!text.contains(".xlsx"));
        if lang == "zh" {
            assert!(!text.contains(" line"), "{text:.2000}");
        }
    }
}

/// A Parquet file's bytes.
fn parquet_bytes(cols: &[Col]) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.parquet");
    write_parquet(&path, cols, 1000);
    std::fs::read(path).unwrap()
}

fn texts(name: &str, v: &[&str]) -> Col {
    Col::Text(name.into(), v.iter().map(|s| Some(s.to_string())).collect())
}

/// A folder `bad/` in which every file is wrong in its own way (one
/// missing), for the tests of a folder's errors in both languages.
fn bad_folder() -> Test {
    let loans = parquet_bytes(&[
        texts("loan_id", &["L001"]),
        texts("client_id", &["C001"]),
        Col::Bool("balance".into(), vec![Some(true)]),
        texts("classification", &["正常"]),
        Col::Double("interest_due".into(), vec![Some(100.0)]),
        Col::Double("interest_received".into(), vec![Some(100.0)]),
    ]);
    let new_accounts = parquet_bytes(&[
        texts("account_id", &["6209001", "6209002"]),
        texts("开户日期", &["2026-10-05", "2026-13-01"]),
    ]);
    let settlements = parquet_bytes(&[
        texts("client_id", &["C001"]),
        Col::Double("amount_usd".into(), vec![Some(1000.0)]),
    ]);
    let truncated = &settlements[..settlements.len() / 2];
    Test::new()
        .write("bad/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
        .write(
            "bad/deposits.csv",
            "date,account_id,client_id,balance\n2026-10-01,A1,C001,\"12,3O0\"\n2026-13-01,A1,C001,100\n",
        )
        .write("bad/loans.parquet", loans)
        .write("bad/fees.csv", b"client_id,amount\nC001,1\xFF00\n")
        .write("bad/settlements.parquet", truncated)
        .write("bad/新开户.parquet", new_accounts)
        .write("bad/incidents.csv", "date,description,points\n2026-10-12,迟到,1\n")
        .write("bad/README.txt", "not a sheet")
}

#[test]
pub(super) fn every_bad_file_of_a_folder_is_a_located_error_in_one_run() {
    let out = bad_folder()
        .args(["payroll", "--policy", POLICY, "--ledger", "$TMP/bad", "--out", "$TMP/out"])
        .stderr("
            $TMP/bad: error[missing-sheet]: expected a `clients` (管户关系) file, found only `deposits.csv`, `fees.csv`, `incidents.csv`, `loans.parquet`, `managers.csv`, `settlements.parquet`, `新开户.parquet`
            $TMP/bad/deposits.csv:2:4: error[not-an-amount]: expected an amount, found text `12,3O0`
            $TMP/bad/deposits.csv:3:1: error[not-a-date]: expected a date such as `2026-10-01`, found text `2026-13-01`
            $TMP/bad/loans.parquet column balance: error[wrong-type]: expected a number (DECIMAL, INT32/INT64, DOUBLE, or a UTF8 string) for `balance` (贷款余额), found a column of type BOOLEAN
            $TMP/bad/fees.csv:2: error[bad-encoding]: expected text in UTF-8 or GBK/GB18030, found bytes `ff` that are neither
            $TMP/bad/settlements.parquet: error[cannot-open]: expected a Parquet file, found one that cannot be read (Parquet error: Invalid Parquet file. Corrupt footer)
            $TMP/bad/新开户.parquet row 2 column 开户日期: error[not-a-date]: expected a date such as `2026-10-01`, found text `2026-13-01`
            $TMP/bad/incidents.csv:1:1: error[missing-column]: expected a `rm_id` (客户经理编号) column in the header row, found none
            rmpay: 8 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(!out.path("out").exists(), "nothing is written");
}

/// The same bad folder as [`every_bad_file_of_a_folder_is_a_located_error_in_one_run`],
/// read in Chinese (`--lang zh`): every error's message in Chinese, the
/// lines and fields of CSV files, the rows and columns of Parquet files
/// named in Chinese too. The parquet crate's own words on a broken file
/// are its own.
#[test]
fn every_bad_file_of_a_folder_reads_in_chinese() {
    bad_folder()
        .args(["payroll", "--lang", "zh", "--policy", POLICY, "--ledger", "$TMP/bad"])
        .args(["--out", "$TMP/out"])
        .stderr("
            $TMP/bad: error[missing-sheet]: 缺少「管户关系」文件；现有：「deposits.csv」、「fees.csv」、「incidents.csv」、「loans.parquet」、「managers.csv」、「settlements.parquet」、「新开户.parquet」
            $TMP/bad/deposits.csv:2:4: error[not-an-amount]: 应填金额，填的是文本「12,3O0」
            $TMP/bad/deposits.csv:3:1: error[not-a-date]: 应填日期，如「2026-10-01」，填的是文本「2026-13-01」
            $TMP/bad/loans.parquet balance 列: error[wrong-type]: 「贷款余额」列应为数字（`DECIMAL`、`INT32`/`INT64`、`DOUBLE`，或 `UTF8` 字符串），此列类型是 `BOOLEAN`
            $TMP/bad/fees.csv:2: error[bad-encoding]: 文本应为 `UTF-8` 或 `GBK`/`GB18030` 编码，此处的字节「ff」两者都不是：请另存为 `UTF-8`
            $TMP/bad/settlements.parquet: error[cannot-open]: 应为 `Parquet` 文件，但无法读取（读取程序报告：「Parquet error: Invalid Parquet file. Corrupt footer」）
            $TMP/bad/新开户.parquet 第 2 行 开户日期 列: error[not-a-date]: 应填日期，如「2026-10-01」，填的是文本「2026-13-01」
            $TMP/bad/incidents.csv:1:1: error[missing-column]: 表头行缺少「客户经理编号」列
            rmpay：8 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

/// Monthly averages that disagree with their sums, in Chinese: the
/// amounts with separators, the days by their column's Chinese header.
#[test]
fn an_average_that_disagrees_reads_in_chinese() {
    Test::new()
        .write("avg/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
        .write("avg/clients.csv", "client_id,rm_id\nC001,RM001\n")
        .write(
            "avg/deposit_averages.csv",
            "client_id,daily_average,balance_sum,days\nC001,1000000.00,31000031.00,31\nC001,5,62,30\n",
        )
        .args(["payroll", "--lang", "zh", "--policy", POLICY, "--ledger", "$TMP/avg"])
        .args(["--period", "2026-10", "--out", "$TMP/out"])
        // 31,000,031.00 ÷ 31 = 1,000,001.00, not the 1,000,000.00 given.
        .stderr("
            $TMP/avg/deposit_averages.csv:2:2: error[average-disagrees]: 月日均应为日余额合计 ÷ 天数：31,000,031.00 ÷ 31 = 1,000,001.00（保留 2 位小数），填的是 1,000,000.00
            $TMP/avg/deposit_averages.csv:3:4: error[days-not-month]: 「天数」应为 2026-10 的天数 31，填的是 30
            rmpay：2 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

#[test]
fn a_folder_ledger_closes_verifies_and_reruns() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let dir = t.join("2026-10");
    csv_folder(&dir, &workbook(FIXTURE), Enc::Gbk, true);
    std::fs::write(dir.join("README.txt"), "not part of the ledger").unwrap();
    let archive = t.join("archive");
    let a = archive.to_str().unwrap();
    let policy = util::policy_a_without_workflow();
    let out = util::run(&[
        "close",
        "--archive",
        a,
        "--policy",
        policy,
        "--ledger",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The folder is copied file by file, each hashed in the manifest; the
    // ledger's SHA-256 is that of their `sha256sum` list.
    let month = archive.join("2026-10");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(month.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["ledger"]["stored_as"], "ledger");
    assert_eq!(m["ledger"]["original"], "2026-10");
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .filter(|n| n.starts_with("ledger/"))
        .collect();
    assert_eq!(
        files,
        [
            "ledger/中间业务收入.csv",
            "ledger/存款日余额.csv",
            "ledger/客户经理.csv",
            "ledger/新开户.csv",
            "ledger/管户关系.csv",
            "ledger/贷款.csv",
            "ledger/违规与损失.csv",
            "ledger/风险金账户.csv",
        ]
    );
    let mut list = String::new();
    for f in &files {
        let bytes = std::fs::read(month.join(f)).unwrap();
        assert_eq!(
            bytes,
            std::fs::read(dir.join(&f["ledger/".len()..])).unwrap()
        );
        list.push_str(&format!(
            "{}  {}\n",
            rmpay::archive::sha256_hex(&bytes),
            &f["ledger/".len()..]
        ));
    }
    assert_eq!(
        m["ledger"]["sha256"],
        rmpay::archive::sha256_hex(list.as_bytes())
    );
    assert!(!month.join("ledger/README.txt").exists());

    let out = util::run(&["verify", "--archive", a]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = util::run(&["rerun", "--archive", a, "--period", "2026-10"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (
            0,
            "2026-10: the archived inputs match the manifest (2026-10/ledger, 2026-10/policy.toml)\n\
             2026-10: identical\n"
        ),
        "{}",
        out.stderr
    );

    // A changed, added or removed file of the stored folder is found.
    std::fs::write(month.join("ledger/贷款.csv"), "借据号\n").unwrap();
    std::fs::write(month.join("ledger/extra.csv"), "x\n").unwrap();
    std::fs::remove_file(month.join("ledger/新开户.csv")).unwrap();
    let out = util::run(&["verify", "--archive", a]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let said = format!("{}{}", out.stdout, out.stderr);
    for f in ["ledger/贷款.csv", "ledger/extra.csv", "ledger/新开户.csv"] {
        assert!(said.contains(f), "{f} not named:\n{said}");
    }
}

/// Each client's and product's sum of daily balances in the fixture, as a
/// warehouse job hands them over: `(client, product, sum)`, by client.
fn balance_sums(sheets: &[Sheet]) -> Vec<(String, String, rust_decimal::Decimal)> {
    let deposits = sheets
        .iter()
        .find(|s| s.kind == SheetKind::Deposits)
        .unwrap();
    assert_eq!(
        deposits.rows[0].iter().map(Cell::text).collect::<Vec<_>>(),
        ["日期", "账号", "客户编号", "产品", "余额(元)"]
    );
    let mut sums: std::collections::BTreeMap<(String, String), rust_decimal::Decimal> =
        Default::default();
    for row in &deposits.rows[1..] {
        let balance = util::dec(&row[4].text()).round_away(2);
        *sums.entry((row[2].text(), row[3].text())).or_default() += balance;
    }
    sums.into_iter().map(|((c, p), s)| (c, p, s)).collect()
}

/// The fixture with `deposits` replaced by `deposit_averages` rows.
fn averages_folder(dir: &Path, averages: &str) {
    let sheets: Vec<Sheet> = workbook(FIXTURE)
        .into_iter()
        .filter(|s| s.kind != SheetKind::Deposits)
        .collect();
    csv_folder(dir, &sheets, Enc::Utf8, false);
    std::fs::write(dir.join("存款月日均.csv"), averages).unwrap();
}

#[test]
fn sums_handed_over_pay_what_the_daily_balances_pay_to_the_fen() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // The fixture's daily balances, C001's first one a fen more, so that
    // its sum is no multiple of 31 days: 279,000,000.01 ÷ 31 =
    // 9,000,000.000322… is no exact decimal.
    let mut sheets = workbook(FIXTURE);
    let deposits = sheets
        .iter_mut()
        .find(|s| s.kind == SheetKind::Deposits)
        .unwrap();
    assert_eq!(deposits.rows[1][2], Cell::Text("C001".into()));
    assert_eq!(deposits.rows[1][4], Cell::Num(9_000_000.0));
    deposits.rows[1][4] = Cell::Num(9_000_000.01);
    csv_folder(&t.join("m-daily"), &sheets, Enc::Utf8, false);
    let sums = balance_sums(&sheets);
    // C001's demand account: 31 daily balances summing to 279,000,000.01.
    assert!(sums.contains(&("C001".into(), "活期".into(), util::dec("279000000.01"))));
    // Every other row also gives the average, rounded to 2 places: it
    // must agree with sum ÷ 31.
    let mut text = String::from("客户编号,产品,日余额合计,天数,月日均余额\n");
    for (i, (c, p, s)) in sums.iter().enumerate() {
        let avg = if i % 2 == 0 {
            (s / rust_decimal::Decimal::from(31))
                .round_away(2)
                .to_string()
        } else {
            String::new()
        };
        text.push_str(&format!("{c},{p},{s},31,{avg}\n"));
    }
    averages_folder(&t.join("m-sums"), &text);

    let figures = |v: &serde_json::Value| {
        let managers: Vec<serde_json::Value> = v["managers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                // Each figure, and each input's value up to where it
                // names its rows (`279000000.01 × 1`, then ` [account …]`).
                let values: Vec<serde_json::Value> = m["trace"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let inputs: Vec<String> = s["inputs"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|i| {
                                let v = i["value"].as_str().unwrap();
                                v.split(' ').take(3).collect::<Vec<_>>().join(" ")
                            })
                            .collect();
                        serde_json::json!([s["value"], inputs])
                    })
                    .collect();
                serde_json::json!([
                    m["rm_id"],
                    m["metrics"],
                    m["pay"],
                    m["risk_account"],
                    values
                ])
            })
            .collect();
        serde_json::json!([managers, v["totals"]])
    };
    let daily = pay_json(t, &t.join("m-daily"), "daily");
    let json = t.join("sums.json");
    let out = util::run(&[
        "payroll",
        "--lang",
        util::console_lang(),
        "--policy",
        POLICY,
        "--period",
        "2026-10",
        "--ledger",
        t.join("m-sums").to_str().unwrap(),
        "--out",
        t.join("out").to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let from_sums: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let mut normalised = from_sums.clone();
    normalise(&mut normalised, "m-sums");
    assert_eq!(
        first_difference(&figures(&daily), &figures(&normalised), "sums"),
        None
    );
    // RM001's daily average: C001 279,000,000.01 + 60% of C002's
    // 155,000,000.00 + C009's 15,500,000.00 = 387,500,000.01; ÷ 31 =
    // 12,500,000.000322580645…, written to 10 places.
    assert_eq!(
        from_sums["managers"][0]["metrics"]["deposit_daily_average"],
        "12500000.0003225806"
    );
    // The trace names the sum's cell.
    let trace = serde_json::to_string(&from_sums["managers"][0]["trace"][0]).unwrap();
    assert!(trace.contains("279000000.01 × 1"), "{trace}");
    assert!(
        trace.contains("demand m-sums/存款月日均.csv:2:3"),
        "{trace}"
    );
}

#[test]
pub(super) fn a_sum_over_other_days_or_an_average_that_disagrees_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    // C001: 279,000,000.00 ÷ 31 = 9,000,000.00, not 9,000,000.01; C002
    // summed over 30 days.
    averages_folder(
        &dir,
        "client_id,product,balance_sum,days,daily_average\n\
         C001,活期,279000000.00,31,9000000.01\n\
         C002,定期,150000000.00,30,\n\
         C003,活期,,31,\n",
    );
    Test::new()
        .args(["check", "--policy", POLICY, "--period", "2026-10", "--ledger", dir.to_str().unwrap()])
        .replace(tmp.path().to_str().unwrap(), "$DIR")
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $DIR/m/存款月日均.csv:2:5: error[average-disagrees]: expected the average of the sum, 279000000.00 ÷ 31 = 9000000.00 (to 2 places), found 9000000.01
            $DIR/m/存款月日均.csv:3:4: error[days-not-month]: expected 31, the days of 2026-10, found 30
            $DIR/m/存款月日均.csv:4:3: error[missing-value]: expected a value for `balance_sum` (日余额合计), found an empty cell
            rmpay: 3 error(s); nothing was written
        ")
        .status(1)
        .run();
}

#[test]
fn a_gap_or_a_duplicate_in_a_parquet_deposits_file_is_the_workbook_s_error() {
    // A1 has every day but the 2nd and the 1st twice, in a DATE column.
    let mut days: Vec<Option<i32>> = (1..=31)
        .filter(|d| *d != 2)
        .map(|d| Some(days_since_epoch(&format!("2026-10-{d:02}"))))
        .collect();
    days.push(Some(days_since_epoch("2026-10-01")));
    let n = days.len();
    let deposits = parquet_bytes(&[
        Col::Date("date".into(), days),
        texts("account_id", &vec!["A1"; n]),
        texts("client_id", &vec!["C1"; n]),
        Col::Cents("balance".into(), vec![Some(100_000); n]),
    ]);
    Test::new()
        .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
        .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
        .write("m/deposits.parquet", deposits)
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $TMP/m/deposits.parquet row 31 column date: error[duplicate-balance]: expected one balance of account `A1` for 2026-10-01, found a second one (the first is on row 1)
            $TMP/m/deposits.parquet row 1 column account_id: error[missing-days]: expected a balance of account `A1` for every day of 2026-10, found none for 2026-10-02
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// October's days 1..=31 for each account, date by date (the accounts
/// in the same order every day), as a warehouse exports them; `bad`
/// changes rows by index.
fn month_rows(accounts: &[(&str, &str)]) -> Vec<(i32, String, String, i64)> {
    let mut rows = Vec::new();
    for d in 1..=31 {
        for (a, c) in accounts {
            let day = days_since_epoch(&format!("2026-10-{d:02}"));
            rows.push((day, a.to_string(), c.to_string(), 0));
        }
    }
    rows
}

fn deposits_parquet(rows: &[(i32, String, String, i64)], scale: i32, group: usize) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.parquet");
    let cols = [
        Col::Date("date".into(), rows.iter().map(|r| Some(r.0)).collect()),
        Col::Text(
            "account_id".into(),
            rows.iter().map(|r| Some(r.1.clone())).collect(),
        ),
        Col::Text(
            "client_id".into(),
            rows.iter().map(|r| Some(r.2.clone())).collect(),
        ),
        Col::Dec(
            "balance".into(),
            scale,
            rows.iter().map(|r| Some(r.3)).collect(),
        ),
    ];
    write_parquet(&path, &cols, group);
    std::fs::read(path).unwrap()
}

/// The deposits' DATE and DECIMAL values are taken as numbers (the typed
/// path), decoded by two workers a row group each in turn: what the cell
/// path would refuse is still refused at its row, in the cell path's
/// words, in file order. Rows in groups of 7: row 34 (dated as its next
/// day) is in the fifth group (rows 29–35), decoded by the first worker,
/// and row 37, then its duplicate, in the sixth (rows 36–42), by the
/// second; row 19 (a date in November) in the third, by the first.
#[test]
fn typed_parquet_balances_are_refused_where_their_cells_are() {
    let accounts = [("A1", "C1"), ("A2", "C1"), ("A3", "C1")];
    let mut rows = month_rows(&accounts);
    // 1,234.56 yuan at four places, every day: 12,345,600.
    for r in &mut rows {
        r.3 = 12_345_600;
    }
    // Row 5 (A2 on the 2nd): -0.01 yuan. Row 19 (A1 on the 7th): dated
    // 2026-11-01. Row 34 (A1 on the 12th): dated the 13th, so row 37
    // (A1 on the 13th) is a second balance for the 13th. A1 and A2 have a
    // refused row, so their gaps are not said (the refused row may be
    // the missing day); the date outside the month is said when the file
    // ends, as the cell path says it.
    rows[4].3 = -100;
    rows[18].0 = days_since_epoch("2026-11-01");
    rows[33].0 = days_since_epoch("2026-10-13");
    Test::new()
        .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
        .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
        .write("m/deposits.parquet", deposits_parquet(&rows, 4, 7))
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $TMP/m/deposits.parquet row 5 column balance: error[negative-value]: expected 0 or more for `balance` (余额), found text `-0.0100`
            $TMP/m/deposits.parquet row 37 column date: error[duplicate-balance]: expected one balance of account `A1` for 2026-10-13, found a second one (the first is on row 34)
            $TMP/m/deposits.parquet row 19 column date: error[date-outside-period]: expected a date in 2026-10, found 2026-11-01
            rmpay: 3 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// A month's balances in no order (a shuffled export): its accounts are
/// found by the cursor and by the index, and read as in a sorted file: a
/// second balance for a day is said at the later row, naming the earlier,
/// and the day missing at the account's first row.
#[test]
fn a_shuffled_deposits_file_is_read_as_a_sorted_one() {
    let accounts = [("A1", "C1"), ("A2", "C1"), ("A3", "C1"), ("A4", "C1")];
    let mut sorted = month_rows(&accounts);
    for r in &mut sorted {
        r.3 = 100_000;
    }
    // A2's balance of the 5th (sorted index 4 × 4 + 1 = 17) dated the 6th:
    // two for the 6th (the other at index 5 × 4 + 1 = 21), none for the 5th.
    sorted[17].0 = days_since_epoch("2026-10-06");
    // Sorted index i × 37 mod 124 at file row i + 1 (37 and 124 are
    // coprime: every row once). A row's account is the one after the
    // previous row's (index + 37: account + 1) but where A4 is followed by
    // A1: there the cursor misses, the row is found by the index, and so
    // is the next with the cursor off; no two rows are one account's.
    let n = sorted.len();
    let order: Vec<usize> = (0..n).map(|i| i * 37 % n).collect();
    let rows: Vec<_> = order.iter().map(|&i| sorted[i].clone()).collect();
    let row_of = |i: usize| order.iter().position(|&o| o == i).unwrap() + 1;
    // 37⁻¹ mod 124 = 57 (37 × 57 = 2,109 = 17 × 124 + 1), so sorted index
    // i is at row i × 57 mod 124 + 1: index 17 at row 102 (17 × 57 = 969 =
    // 7 × 124 + 101), index 21 at row 82 (21 × 57 = 1,197 = 9 × 124 + 81).
    // Row 2 holds index 37 (1 × 37), A2's (37 = 1 + 4 × 9): its first row.
    assert_eq!((row_of(17), row_of(21), row_of(37)), (102, 82, 2));
    Test::new()
        .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
        .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
        .write("m/deposits.parquet", deposits_parquet(&rows, 2, 1000))
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $TMP/m/deposits.parquet row 102 column date: error[duplicate-balance]: expected one balance of account `A2` for 2026-10-06, found a second one (the first is on row 82)
            $TMP/m/deposits.parquet row 2 column account_id: error[missing-days]: expected a balance of account `A2` for every day of 2026-10, found none for 2026-10-05
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// The accounts of a month are found whatever the order of its rows:
/// by date then account (the cursor, no index), by account, either way
/// round, and with an account below every other first met late (the
/// index brought up to date then). Each order says the same errors at
/// its own rows: A2's two balances for the 20th at the later row, naming
/// the earlier, and the days missing of A0, A2 (the 21st, dated the 20th)
/// and A3 at each one's first row, in id order.
#[test]
fn accounts_are_found_in_any_order_of_rows() {
    let day = |d: u32| days_since_epoch(&format!("2026-10-{d:02}"));
    let mut base = month_rows(&[("A1", "C1"), ("A2", "C1"), ("A3", "C1"), ("A4", "C1")]);
    // A2's balance of the 21st (index 20 × 4 + 1) dated the 20th.
    base[20 * 4 + 1].0 = day(20);
    // A3's balance of the 9th (index 8 × 4 + 2) left out.
    base.remove(8 * 4 + 2);
    // A0, below every other id, after all their rows, without the 30th.
    base.extend(
        (1..=31)
            .filter(|&d| d != 30)
            .map(|d| (day(d), "A0".to_string(), "C1".to_string(), 0)),
    );
    for r in &mut base {
        r.3 = 100_000;
    }
    type Row = (i32, String, String, i64);
    let key = |r: &Row| (r.0, r.1.clone());
    let by = |f: &dyn Fn(&Row, &Row) -> std::cmp::Ordering| {
        let mut v = base.clone();
        v.sort_by(|a, b| f(a, b).then_with(|| key(a).cmp(&key(b))));
        v
    };
    let orders = [
        ("as exported, A0 last", base.clone()),
        ("by account", by(&|a, b| a.1.cmp(&b.1))),
        ("by account, down", by(&|a, b| b.1.cmp(&a.1))),
        (
            "by date, accounts down",
            by(&|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1))),
        ),
        ("backwards", base.iter().rev().cloned().collect()),
    ];
    for (what, rows) in orders {
        let row = |i: usize| i + 1;
        let first = |a: &str| row(rows.iter().position(|r| r.1 == a).unwrap());
        let twentieth: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].1 == "A2" && rows[i].0 == day(20))
            .map(row)
            .collect();
        let [earlier, later] = twentieth[..] else {
            panic!("{what}: {twentieth:?}")
        };
        let expected = format!(
            "$TMP/m/deposits.parquet row {later} column date: error[duplicate-balance]: expected one balance of account `A2` for 2026-10-20, found a second one (the first is on row {earlier})\n\
             $TMP/m/deposits.parquet row {} column account_id: error[missing-days]: expected a balance of account `A0` for every day of 2026-10, found none for 2026-10-30\n\
             $TMP/m/deposits.parquet row {} column account_id: error[missing-days]: expected a balance of account `A2` for every day of 2026-10, found none for 2026-10-21\n\
             $TMP/m/deposits.parquet row {} column account_id: error[missing-days]: expected a balance of account `A3` for every day of 2026-10, found none for 2026-10-09\n\
             rmpay: 4 error(s); nothing was written\n",
            first("A0"),
            first("A2"),
            first("A3"),
        );
        Test::new()
            .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
            .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
            .write("m/deposits.parquet", deposits_parquet(&rows, 2, 40))
            .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
            .stdout("
                rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
            ")
            .stderr(&expected)
            .status(1)
            .run();
    }
}

/// A balance column of DECIMAL(18,6), finer than an amount may be: its
/// values are read as their text would be, so 100.000000 is 100 yuan and
/// 1.234567 is refused at its row, too precise.
#[test]
fn a_parquet_decimal_finer_than_an_amount_is_read_as_its_text() {
    let mut rows = month_rows(&[("A1", "C1"), ("A2", "C1")]);
    for r in &mut rows {
        r.3 = 100_000_000;
    }
    // Row 4 (A2 on the 2nd): 1.234567.
    rows[3].3 = 1_234_567;
    Test::new()
        .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
        .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
        .write("m/deposits.parquet", deposits_parquet(&rows, 6, 1000))
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr("
            $TMP/m/deposits.parquet row 4 column balance: error[not-an-amount]: expected an amount with at most 4 decimal places, found text `1.234567`
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// In a Chinese locale a Parquet value's place reads in Chinese: its row
/// and column (`第 2 行 开户日期 列`), the file and the column as named.
#[test]
fn a_parquet_place_reads_in_chinese() {
    let new_accounts = parquet_bytes(&[
        texts("account_id", &["6209001", "6209002"]),
        texts("开户日期", &["2026-10-05", "2026-13-01"]),
    ]);
    let lines = util::in_chinese(|| {
        Test::new()
            .write("m/新开户.parquet", new_accounts)
            .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
            .status(1)
            .run();
    });
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("$TMP/m/新开户.parquet 第 2 行 开户日期 列: error[not-a-date]")),
        "{lines:#?}"
    );
}

/// Without `--period` the month is the first balance's: a wrong first
/// date (1900-01-01, as a time-only cell reads) would make every correct
/// row after it an error. When most rows are dated outside the month the
/// first date set, that date alone is the error, at its cell.
#[test]
fn a_wrong_first_date_is_the_error_not_every_row_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut sheets = workbook(FIXTURE);
    let deposits = sheets
        .iter_mut()
        .find(|s| s.kind == SheetKind::Deposits)
        .unwrap();
    let rows = deposits.rows.len() - 1;
    assert_eq!(deposits.rows[1][0], Cell::Date("2026-10-01".into()));
    deposits.rows[1][0] = Cell::Date("1900-01-01".into());
    csv_folder(&t.join("m"), &sheets, Enc::Utf8, false);
    let out = util::rmpay()
        .args(["check", "--policy", POLICY, "--ledger"])
        .arg(t.join("m"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error[")).collect();
    // One error, at line 2 column 1 (the header is line 1); the other
    // rows - 1 rows are October's.
    assert_eq!(
        errors,
        [format!(
            "{}: error[date-outside-period]: expected a date in 2026-10, found 1900-01-01: \
             the ledger's month is taken from its first date (1900-01), and {} other rows \
             are dated in 2026-10 or other months; correct this date, or name the month with --period",
            t.join("m/deposits.csv:2:1").display(),
            rows - 1
        )],
        "{stderr}"
    );
}

/// The clients file's own checks, at a city bank's size read through an
/// index of the client ids: a client shared out beyond 100% is said at
/// its last line, with every line of its shares (three, not next to each
/// other), in the order the clients first appear; only the kept lines
/// count towards a share (C1's refused line 5 does not; its line 9 is
/// 100% on its own). A client named only on a refused line (C2) is still
/// listed, so the averages may name it; one named nowhere (X9) is not.
#[test]
fn shares_and_client_ids_of_a_clients_file() {
    Test::new()
        .write(
            "m/managers.csv",
            "rm_id,name,tier\nRM001,张伟,高级客户经理\nRM002,李娜,高级客户经理\n",
        )
        .write(
            "m/clients.csv",
            "client_id,rm_id,share\n\
             T1,RM001,40%\n\
             T2,RM001,50%\n\
             T1,RM002,40%\n\
             C1,RM009,\n\
             T2,RM002,50%\n\
             T1,RM001,40%\n\
             C2,RM404,100%\n\
             C1,RM001,\n\
             U1,RM001,0.7\n\
             U1,RM002,0.7\n",
        )
        .write(
            "m/deposit_averages.csv",
            "client_id,daily_average\nC1,100.00\nC2,200.00\nX9,300.00\n",
        )
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m", "--period", "2026-10"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        // T1: 40% + 40% + 40% = 120% (lines 2, 4, 7); T2: 50% + 50% =
        // 100%, not over; U1: 0.7 + 0.7 = 140% (lines 10, 11).
        .stderr("
            $TMP/m/clients.csv:5:2: error[unknown-rm]: expected an rm_id listed in sheet `managers.csv`, found `RM009` (did you mean `RM001`?)
            $TMP/m/clients.csv:8:2: error[unknown-rm]: expected an rm_id listed in sheet `managers.csv`, found `RM404`
            $TMP/m/clients.csv:7:3: error[shares-exceed-100]: expected the shares of client `T1` to add up to at most 100%, found 120% (lines 2, 4, 7)
            $TMP/m/clients.csv:11:3: error[shares-exceed-100]: expected the shares of client `U1` to add up to at most 100%, found 140% (lines 10, 11)
            $TMP/m/deposit_averages.csv:4:1: error[unknown-client]: expected a client_id listed in sheet `clients.csv`, found `X9`
            rmpay: 5 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// Past 50 clients shared out beyond 100%, the first 50 in the order
/// the clients first appear are said, and the rest counted: S51 first
/// appears on line 2 (its second share on line 103, the last), so it is
/// said (first) and S50 (lines 101, 102) is the one counted.
#[test]
fn the_first_fifty_over_shared_clients_in_order_of_appearance() {
    let mut clients = String::from("client_id,rm_id,share\nS51,RM001,60%\n");
    for k in 1..=50 {
        clients.push_str(&format!("S{k:02},RM001,60%\nS{k:02},RM002,60%\n"));
    }
    clients.push_str("S51,RM002,60%\n");
    // S51: 60% + 60% = 120% at its last line, 103; S01: lines 3 and 4,
    // S(k): lines 2k + 1 and 2k + 2, up to S49 (lines 99, 100).
    let mut want = String::from(
        "$TMP/m/clients.csv:103:3: error[shares-exceed-100]: expected the shares of client `S51` to add up to at most 100%, found 120% (lines 2, 103)\n",
    );
    for k in 1..=49 {
        want.push_str(&format!(
            "$TMP/m/clients.csv:{}:3: error[shares-exceed-100]: expected the shares of client `S{k:02}` to add up to at most 100%, found 120% (lines {}, {})\n",
            2 * k + 2,
            2 * k + 1,
            2 * k + 2
        ));
    }
    want.push_str("$TMP/m/clients.csv: error[shares-exceed-100]: … and 1 more of this kind\n");
    want.push_str("rmpay: 51 error(s); nothing was written\n");
    Test::new()
        .write(
            "m/managers.csv",
            "rm_id,name,tier\nRM001,张伟,高级客户经理\nRM002,李娜,高级客户经理\n",
        )
        .write("m/clients.csv", clients)
        .write("m/deposit_averages.csv", "client_id,daily_average\nS01,100.00\n")
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m", "--period", "2026-10"])
        .stdout("
            rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
        ")
        .stderr(&want)
        .status(1)
        .run();
}

/// Figures are shown as a finance office rounds them, 四舍五入 (half away
/// from zero, Excel's `ROUND`), never half to even. November has 30
/// days; account 6201001 (client C001, RM001's alone) holds 9,000,000.00
/// every day, and 9,000,000.15 on the first here, so C001's daily
/// average is 270,000,000.15 / 30 = 9,000,000.005 and shows as
/// 9,000,000.01 (half to even would show 9,000,000.00); RM001's is
/// 9,000,000.005 + 3,000,000 (60% of C002) + 500,000 (C009) =
/// 12,500,000.005, shown as 12,500,000.01.
#[test]
fn a_half_fen_average_is_shown_rounded_half_up() {
    use calamine::{Data, Reader};
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut sheets = workbook("fixtures/2026-11.xlsx");
    let deposits = sheets
        .iter_mut()
        .find(|s| s.kind == SheetKind::Deposits)
        .unwrap();
    let row = deposits
        .rows
        .iter_mut()
        .find(|r| r[1] == Cell::Text("6201001".into()))
        .unwrap();
    assert_eq!(row[0], Cell::Date("2026-11-01".into()));
    assert_eq!(row[4], Cell::Num(9_000_000.0));
    row[4] = Cell::Num(9_000_000.15);
    csv_folder(&t.join("m"), &sheets, Enc::Utf8, false);
    let out = util::rmpay()
        .args(["payroll", "--policy", POLICY, "--ledger"])
        .arg(t.join("m"))
        .arg("--out")
        .arg(t.join("out"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wb = calamine::open_workbook_auto(t.join("out/pay-2026-11.xlsx")).unwrap();
    let row_of = |wb: &mut calamine::Sheets<_>, sheet: &str, id: &str| -> Vec<Data> {
        let range = wb.worksheet_range(sheet).unwrap();
        range
            .rows()
            .find(|r| r[0] == Data::String(id.into()))
            .unwrap()
            .to_vec()
    };
    let c001 = row_of(&mut wb, "客户明细", "C001");
    // 活期日均, 计入存款日均, 归属本人日均.
    assert_eq!(c001[4], Data::Float(9_000_000.01));
    assert_eq!(c001[7], Data::Float(9_000_000.01));
    assert_eq!(c001[8], Data::Float(9_000_000.01));
    let rm001 = row_of(&mut wb, "业绩指标", "RM001");
    assert_eq!(rm001[2], Data::Float(12_500_000.01));
}

/// A CSV file's errors are on the lines their records start on, whatever
/// the file's line breaks: a Windows export's `\r\n`, a classic Mac's
/// `\r`, empty lines, a quoted field over two lines. (The csv crate dated
/// a record from where the one before ended: after a `\r\n` one line
/// early, before empty lines at the first of them, and never past line 1
/// with `\r` alone.)
#[test]
fn a_csv_error_is_on_its_line_whatever_the_line_breaks() {
    Test::new()
        // Line 1 the header, 2 RM001, 3 empty, 4 RM002, 5 RM003's negative
        // base deposit in field 4.
        .write(
            "month/managers.csv",
            "rm_id,name,tier,base_deposit\r\nRM001,张伟,高级客户经理,\r\n\r\nRM002,李娜,中级,\r\nRM003,王芳,初级,-5\r\n",
        )
        // Line 2 C001 with a name over lines 2–3, 4 empty, 5 C002 with an
        // RM not in managers, in field 3.
        .write(
            "month/clients.csv",
            "client_id,client_name,rm_id\r\nC001,\"东湖\r\n机械\",RM001\r\n\r\nC002,\"黄石\"\"建材\"\"\",RM009\r\n",
        )
        // `\r` alone: line 2 C001, 3 empty, 4 C002's amount in field 2.
        .write(
            "month/deposit_averages.csv",
            "client_id,daily_average\rC001,100\r\rC002,12x\r",
        )
        .args([
            "check", "--policy", POLICY, "--ledger", "$TMP/month", "--period", "2026-10",
            "--lang", "en",
        ])
        .stdout("rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)\n")
        .stderr("
            $TMP/month/managers.csv:5:4: error[negative-value]: expected 0 or more for `base_deposit` (基数存款), found text `-5`
            $TMP/month/clients.csv:5:3: error[unknown-rm]: expected an rm_id listed in sheet `managers.csv`, found `RM009` (did you mean `RM001`?)
            $TMP/month/deposit_averages.csv:4:2: error[not-an-amount]: expected an amount, found text `12x`
            rmpay: 3 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// A ledger folder rewritten while it is closed: the month is computed
/// from the bytes archived, whatever the writer does meanwhile. Here
/// `managers.csv` is swapped (by rename) between two versions, RM1's base
/// deposit 5,000,000.00 or 6,000,000.00, as fast as it goes, through
/// three closes. Each close is of one version or the other, whole: its
/// archive reruns identical. (Read where it lay, the file was read by the
/// reader, hashed, and read again for the archive at three moments: a
/// close was refused, `input-changed`, or, one time in four, archived one
/// version beside figures computed from the other, which `rerun` showed.
/// That happened in at least one of the three closes nearly every time;
/// now no close can.)
#[test]
fn a_folder_rewritten_during_its_close_is_archived_as_computed() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2026-10");
    std::fs::create_dir(&dir).unwrap();
    let managers = |base: u32| format!("rm_id,name,tier,base_deposit\nRM1,张三,mid,{base}\n");
    std::fs::write(dir.join("managers.csv"), managers(5_000_000)).unwrap();
    std::fs::write(dir.join("clients.csv"), "client_id,rm_id\nC1,RM1\n").unwrap();
    // 2,000 accounts of C1 every day (62,000 rows, 2.6 MB): its hashing,
    // before `managers.csv`'s, keeps the file's three reads apart.
    let mut deposits = String::from("date,account_id,client_id,balance\n");
    for day in 1..=31 {
        for a in 0..2000 {
            deposits.push_str(&format!("2026-10-{day:02},A{a:05},C1,3000.00\n"));
        }
    }
    std::fs::write(dir.join("deposits.csv"), deposits).unwrap();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut k = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let next = tmp.path().join("managers.next");
                let base = if k.is_multiple_of(2) {
                    6_000_000
                } else {
                    5_000_000
                };
                std::fs::write(&next, managers(base)).unwrap();
                std::fs::rename(&next, dir.join("managers.csv")).unwrap();
                k += 1;
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
        });
        for attempt in 0..3 {
            let archive = tmp.path().join(format!("archive-{attempt}"));
            let a = archive.to_str().unwrap();
            let o = util::run(&[
                "close",
                "-q",
                "--archive",
                a,
                "--policy",
                util::policy_a_without_workflow(),
                "--ledger",
                dir.to_str().unwrap(),
            ]);
            if o.code != 0 {
                stop.store(true, Ordering::Relaxed);
                panic!("close {attempt}: {}", o.stderr);
            }
            let o = util::run(&[
                "rerun",
                "--archive",
                a,
                "--period",
                "2026-10",
                "--lang",
                "en",
            ]);
            if o.code != 0 {
                stop.store(true, Ordering::Relaxed);
                panic!("close {attempt} archived other figures: {}", o.stdout);
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
}

/// A CSV field past Excel's 32,767 characters a cell is an error at its
/// field, as a workbook's cell is, and is read as its first 32,767
/// characters (as Excel opens such a CSV): a name of 40,000 characters
/// was read whole, and an amount of 1,000,000 digits quoted whole by
/// `not-an-amount` (a field of 100 MB put 100 MB on the console).
#[test]
fn a_csv_field_past_excels_cell_limit_is_an_error_at_its_field() {
    let name = "张".repeat(40_000);
    Test::new()
        .write(
            "month/managers.csv",
            format!("rm_id,name,tier\nRM001,{name},高级客户经理\n"),
        )
        .write("month/clients.csv", "client_id,rm_id\nC001,RM001\n")
        .write("month/deposit_averages.csv", "client_id,daily_average\nC001,100\n")
        .args([
            "check", "--policy", POLICY, "--ledger", "$TMP/month", "--period", "2026-10",
            "--lang", "en",
        ])
        .stdout("rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)\n")
        .stderr("
            $TMP/month/managers.csv:2:2: error[beyond-excel-limits]: a cell holds at most 32,767 characters (Excel's limit), found 40,000
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("month");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("managers.csv"),
        "rm_id,name,tier\nRM001,张伟,高级客户经理\n",
    )
    .unwrap();
    std::fs::write(dir.join("clients.csv"), "client_id,rm_id\nC001,RM001\n").unwrap();
    let digits = "9".repeat(1_000_000);
    std::fs::write(
        dir.join("deposit_averages.csv"),
        format!("client_id,daily_average\nC001,{digits}\n"),
    )
    .unwrap();
    let o = util::run(&[
        "check",
        "--policy",
        POLICY,
        "--ledger",
        dir.to_str().unwrap(),
        "--period",
        "2026-10",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("deposit_averages.csv:2:2: error[beyond-excel-limits]"),
        "{:.300}",
        o.stderr
    );
    // At most the cell's 32,767 characters are quoted.
    assert!(
        o.stderr.len() < 40_000,
        "{} bytes of messages",
        o.stderr.len()
    );
}

/// A `\r` alone inside a quoted field is a line break as it is outside
/// one: the records after it are on the lines a text editor shows. (They
/// were a line early: the quoted field's line breaks were counted as the
/// csv crate counts them, `\n` only.)
#[test]
fn a_quoted_cr_alone_is_a_line_break() {
    Test::new()
        // `\r` lines: 1 the header, 2–3 RM001 with a name over two lines,
        // 4 RM002's negative base deposit in field 4.
        .write(
            "month/managers.csv",
            "rm_id,name,tier,base_deposit\rRM001,\"张\r伟\",高级客户经理,\rRM002,李娜,初级,-5\r",
        )
        // `\r\n` lines with a `\r` alone in a quoted name: 1 the header,
        // 2–3 C001, 4 C002's RM not in managers, in field 3.
        .write(
            "month/clients.csv",
            "client_id,client_name,rm_id\r\nC001,\"东湖\r机械\",RM001\r\nC002,黄石,RM009\r\n",
        )
        .write(
            "month/deposit_averages.csv",
            "client_id,daily_average\nC001,100\n",
        )
        .args([
            "check", "--policy", POLICY, "--ledger", "$TMP/month", "--period", "2026-10",
            "--lang", "en",
        ])
        .stdout("rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)\n")
        .stderr("
            $TMP/month/managers.csv:4:4: error[negative-value]: expected 0 or more for `base_deposit` (基数存款), found text `-5`
            $TMP/month/clients.csv:4:3: error[unknown-rm]: expected an rm_id listed in sheet `managers.csv`, found `RM009` (did you mean `RM001`?)
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// An unknown tier is reported with the ledger's other errors, in one run
/// (it was found only once the rest of the ledger read cleanly, so a clerk
/// fixed one error and met the next): RM001's tier `特级` at line 2 field
/// 3 of managers.csv, beside a balance `abc` in deposits.csv.
#[test]
fn an_unknown_tier_is_reported_with_the_ledgers_other_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut sheets = workbook(FIXTURE);
    let managers = sheets
        .iter_mut()
        .find(|s| s.kind == SheetKind::Managers)
        .unwrap();
    assert_eq!(managers.rows[1][0], Cell::Text("RM001".into()));
    managers.rows[1][2] = Cell::Text("特级".into());
    let deposits = sheets
        .iter_mut()
        .find(|s| s.kind == SheetKind::Deposits)
        .unwrap();
    deposits.rows[1][4] = Cell::Text("abc".into());
    csv_folder(&t.join("m"), &sheets, Enc::Utf8, false);
    for command in ["check", "payroll"] {
        let mut c = util::rmpay();
        c.args([command, "--policy", POLICY, "--ledger"])
            .arg(t.join("m"));
        if command == "payroll" {
            c.arg("--out").arg(t.join("out"));
        }
        let out = c.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let codes: Vec<&str> = stderr
            .lines()
            .filter_map(|l| l.split("error[").nth(1))
            .filter_map(|l| l.split(']').next())
            .collect();
        assert!(codes.contains(&"unknown-tier"), "{command}: {stderr}");
        assert!(codes.contains(&"not-an-amount"), "{command}: {stderr}");
        let tier = stderr.lines().find(|l| l.contains("unknown-tier")).unwrap();
        assert!(
            tier.starts_with(&format!("{}: ", t.join("m/managers.csv:2:3").display())),
            "{tier}"
        );
        assert!(!t.join("out").exists());
    }
}

/// A client split 99 and 1, the clerk meaning 1%: a bare `1` is a
/// fraction, 100%, so the shares add up to 199%. The error names the row
/// read as the whole client and says how to write 1%, as it does for a
/// share left empty (also 100%); a split over 100% without such a row is
/// worded as before. Found by the fifth independent test (a branch's
/// clerk, Policy B).
#[test]
fn a_share_read_as_the_whole_client_is_named_in_the_error() {
    let t = |lang: &str, valid: &str, want: &str| {
        Test::new()
            .write(
                "m/managers.csv",
                "rm_id,name,tier\nRM001,张伟,高级客户经理\nRM002,李娜,高级客户经理\n",
            )
            .write(
                "m/clients.csv",
                "client_id,rm_id,share\nT1,RM001,99\nT1,RM002,1\nT2,RM001,\nT2,RM002,40%\nT3,RM001,60%\nT3,RM002,50%\n",
            )
            .write(
                "m/deposit_averages.csv",
                "client_id,daily_average\nT1,100.00\n",
            )
            .args(["check", "--lang", lang, "--policy", POLICY, "--ledger", "$TMP/m", "--period", "2026-10"])
            .stdout(valid)
            .stderr(want)
            .status(1)
            .run();
    };
    // T1: 99% + 100% = 199% (line 3 the `1`); T2: 100% (empty) + 40% =
    // 140%; T3: 60% + 50% = 110%, no row of 100%.
    t("en", "
        rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
    ", "
        $TMP/m/clients.csv:3:3: error[shares-exceed-100]: expected the shares of client `T1` to add up to at most 100%, found 199% (lines 2, 3), reading lines 3 as 100%: a share left empty or given as 1 is 100%; write 1% as `1%`
        $TMP/m/clients.csv:5:3: error[shares-exceed-100]: expected the shares of client `T2` to add up to at most 100%, found 140% (lines 4, 5), reading lines 4 as 100%: a share left empty or given as 1 is 100%; write 1% as `1%`
        $TMP/m/clients.csv:7:3: error[shares-exceed-100]: expected the shares of client `T3` to add up to at most 100%, found 110% (lines 6, 7)
        rmpay: 3 error(s); nothing was written
    ");
    t("zh", "
        rules/city-commercial-bank.toml：政策 `city-commercial-bank` 版本 2026.1 有效（6 个等级，6 项工资，28 个算例通过）
    ", "
        $TMP/m/clients.csv:3:3: error[shares-exceed-100]: 客户「T1」的分成比例合计 199%，超过 100%（第 2、3 行）；其中第 3 行按 100% 计：分成比例空白或填 1 即 100%，1% 请写作「1%」
        $TMP/m/clients.csv:5:3: error[shares-exceed-100]: 客户「T2」的分成比例合计 140%，超过 100%（第 4、5 行）；其中第 4 行按 100% 计：分成比例空白或填 1 即 100%，1% 请写作「1%」
        $TMP/m/clients.csv:7:3: error[shares-exceed-100]: 客户「T3」的分成比例合计 110%，超过 100%（第 6、7 行）
        rmpay：3 个错误；未写入任何文件
    ");
}
