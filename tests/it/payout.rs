//! The pay-out file (代发工资) of a closed month: its count and total are
//! the register's, each payment goes to the card in the archived ledger,
//! the GBK file reads back with independent readers, a missing card is an
//! error at its cell, and only a closed month pays out.
//!
//! The ledgers with cards are made here from the fixtures (the managers
//! sheet gains a `工资卡号` column J), so the shared fixtures stay as they
//! are.

use super::test::Test;
use super::util::{Out, root, run};
use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_decimal::Decimal;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Policy A without its sign-off chain, so a month closes at once (the
/// cycle is `tests/it/cycle.rs`'s); its `[payout]` profile is kept.
fn policy() -> &'static str {
    super::util::policy_a_without_workflow()
}

/// The fixture's managers, by sheet row (1-based): row 2 is RM001 … row 10
/// RM007 (examples/make_fixtures.rs).
const ROWS: [(u32, &str); 9] = [
    (2, "RM001"),
    (3, "RM002"),
    (4, "RM003"),
    (5, "RM004"),
    (6, "AG001"),
    (7, "BH001"),
    (8, "RM005"),
    (9, "RM006"),
    (10, "RM007"),
];

/// The card given to the RM on sheet row `row`: 19 digits, as a bank card.
fn card(row: u32) -> String {
    format!("62220202000123{row:05}")
}

/// What goes in a card cell.
#[derive(Clone, Copy)]
pub(super) enum Card<'a> {
    Text(&'a str),
    /// A number cell holding these digits.
    Number(&'a str),
    Empty,
}

/// `fixtures/2026-MM.xlsx` with a `工资卡号` column J in the managers sheet
/// (sheet1.xml): `cell(row)` says what each data row holds.
pub(super) fn ledger_with_cards(month: &str, dst: &Path, cell: &dyn Fn(u32) -> Card<'static>) {
    let src = root().join(format!("fixtures/2026-{month}.xlsx"));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(bytes).unwrap();
            assert!(xml.contains(r#"<dimension ref="A1:I10"/>"#), "{xml}");
            xml = xml.replace(
                r#"<dimension ref="A1:I10"/>"#,
                r#"<dimension ref="A1:J10"/>"#,
            );
            for row in 1..=10u32 {
                let c = if row == 1 {
                    Card::Text("工资卡号")
                } else {
                    cell(row)
                };
                let xml_cell = match c {
                    Card::Text(s) => {
                        format!(r#"<c r="J{row}" t="inlineStr"><is><t>{s}</t></is></c>"#)
                    }
                    Card::Number(s) => format!(r#"<c r="J{row}"><v>{s}</v></c>"#),
                    Card::Empty => String::new(),
                };
                // The end of row `row`: the first `</row>` after its start.
                let start = xml.find(&format!(r#"<row r="{row}""#)).unwrap();
                let end = start + xml[start..].find("</row>").unwrap();
                xml.insert_str(end, &xml_cell);
            }
            bytes = xml.into_bytes();
        }
        w.start_file(name, opts).unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap();
}

/// Rewrite one member of a workbook, replacing `from` by `to` in its text.
pub(super) fn replace_in(path: &Path, member: &str, from: &str, to: &str) {
    let bytes = std::fs::read(path).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        if name == member {
            let text = String::from_utf8(b).unwrap();
            assert!(text.contains(from), "{member} has no `{from}`");
            b = text.replace(from, to).into_bytes();
        }
        w.start_file(name, opts).unwrap();
        w.write_all(&b).unwrap();
    }
    w.finish().unwrap();
}

/// Every row a card of its own, as text.
pub(super) fn all_cards(row: u32) -> Card<'static> {
    Card::Text(Box::leak(card(row).into_boxed_str()))
}

pub(super) fn close(archive: &Path, policy: &str, ledger: &Path) -> Out {
    run(&[
        "close",
        "--archive",
        archive.to_str().unwrap(),
        "--policy",
        policy,
        "--ledger",
        ledger.to_str().unwrap(),
    ])
}

pub(super) fn payout(archive: &Path, period: &str, out: &Path) -> Out {
    run(&[
        "payout",
        "--archive",
        archive.to_str().unwrap(),
        "--period",
        period,
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `rmpay payout` succeeds, printing `expected` on stderr (`$D` for the
/// archive's folder).
fn payout_ok(archive: &Path, period: &str, out: &Path, expected: &str) {
    let d = archive.parent().unwrap().display().to_string();
    Test::new()
        .args([
            "payout",
            "--archive",
            archive.to_str().unwrap(),
            "--period",
            period,
            "--out",
            out.to_str().unwrap(),
        ])
        .replace(&d, "$D")
        .stderr(expected)
        .run();
}

/// An archive with September 2026 closed under `policy`, from the fixture
/// with the cards `cell` gives.
fn september(policy: &str, cell: &dyn Fn(u32) -> Card<'static>) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-09.xlsx");
    ledger_with_cards("09", &ledger, cell);
    let archive = d.path().join("archive");
    let o = close(&archive, policy, &ledger);
    assert_eq!(o.code, 0, "{}", o.stderr);
    (d, archive)
}

/// The archived register (工资汇总) read back: (rm_id, total paid) per RM,
/// from the `实发合计` column, the totals row left out.
fn register(archive: &Path, period: &str) -> Vec<(String, Decimal)> {
    let path = archive.join(format!("{period}/pay-{period}.xlsx"));
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range("工资汇总").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let (h, col) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            r.iter()
                .position(|c| *c == Data::String("实发合计".into()))
                .map(|c| (i, c))
        })
        .expect("a 实发合计 column");
    rows[h + 1..]
        .iter()
        .take_while(|r| r[0] != Data::String("合计".into()))
        .map(|r| {
            let Data::Float(x) = r[col] else {
                panic!("total paid is not a number: {:?}", r[col])
            };
            (r[0].to_string(), x.to_string().parse().unwrap())
        })
        .collect()
}

/// `file` read by Python's csv module as GBK: the records, as JSON.
fn python_gbk_csv(file: &Path) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\n\
                  with open(sys.argv[1], encoding='gbk', newline='') as f:\n\
                  \x20   print(json.dumps(list(csv.reader(f))))\n";
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs (it is installed on every machine here)");
    assert!(
        o.status.success(),
        "python3 could not read the file as GBK CSV: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_gbk_pay_out_file_pays_the_register_to_the_cards_and_reads_back() {
    let (d, archive) = september(policy(), &all_cards);
    let out = d.path().join("代发-2026-09.csv");
    let d = Test::with_tempdir(d)
        .args([
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/代发-2026-09.csv",
        ])
        .stderr("
            rmpay: pay-out file for 2026-09: 7 payment(s), total 16,274.54 (the register's total paid 16,274.54); policy `city-commercial-bank` 2026.1 as archived
            rmpay: wrote $TMP/代发-2026-09.csv
        ")
        .run()
        .tempdir;

    // The register, read back and summed here: RM006 and RM007 left in
    // April and are paid nothing, so 7 of the 9 RMs have a payment.
    let reg = register(&archive, "2026-09");
    assert_eq!(reg.len(), 9);
    let paid: Vec<&(String, Decimal)> = reg.iter().filter(|(_, x)| !x.is_zero()).collect();
    let reg_total: Decimal = paid.iter().map(|(_, x)| *x).sum();
    assert_eq!(paid.len(), 7);
    // 6125.12 + 2267.42 + 464.00 + 408.00 + 1240.00 + 3520.00 + 2250.00
    assert_eq!(reg_total, "16274.54".parse::<Decimal>().unwrap());

    // Python's csv module, decoding GBK: the control record first (count
    // and total), the header row, then one payment per paid RM.
    let rows = python_gbk_csv(&out);
    assert_eq!(
        rows[0],
        ["总笔数", "7", "总金额", "16274.54", "代发月份", "2026-09"]
    );
    assert_eq!(
        rows[1],
        [
            "序号",
            "收款账号",
            "收款户名",
            "金额",
            "币种",
            "用途",
            "工号"
        ]
    );
    let payments = &rows[2..];
    assert_eq!(payments.len(), 7);
    let mut sum = Decimal::ZERO;
    for (i, p) in payments.iter().enumerate() {
        let (row, id) = ROWS.iter().find(|(_, id)| *id == p[6]).unwrap();
        let (_, want) = reg.iter().find(|(r, _)| r == id).unwrap();
        assert_eq!(p[0], (i + 1).to_string());
        // Every digit of the 19-digit card, as the ledger has it.
        assert_eq!(p[1], card(*row), "{id}");
        let amount: Decimal = p[3].parse().unwrap();
        assert_eq!(amount, *want, "{id}");
        // Two places, no separators.
        assert_eq!(p[3], format!("{want:.2}"), "{id}");
        assert_eq!(p[4], "人民币");
        assert_eq!(p[5], "2026年9月客户经理绩效工资");
        sum += amount;
    }
    assert_eq!(sum, reg_total);
    assert_eq!(rows[0][1], paid.len().to_string());
    assert_eq!(rows[0][3].parse::<Decimal>().unwrap(), reg_total);

    // A second opinion, encoding_rs: the whole file, CRLF line ends.
    let bytes = std::fs::read(&out).unwrap();
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    assert!(!had_errors);
    assert_eq!(
        text,
        "总笔数,7,总金额,16274.54,代发月份,2026-09\r\n\
         序号,收款账号,收款户名,金额,币种,用途,工号\r\n\
         1,6222020200012300002,张伟,6125.12,人民币,2026年9月客户经理绩效工资,RM001\r\n\
         2,6222020200012300003,李娜,2267.42,人民币,2026年9月客户经理绩效工资,RM002\r\n\
         3,6222020200012300004,王芳,464.00,人民币,2026年9月客户经理绩效工资,RM003\r\n\
         4,6222020200012300005,刘强,408.00,人民币,2026年9月客户经理绩效工资,RM004\r\n\
         5,6222020200012300006,陈静,1240.00,人民币,2026年9月客户经理绩效工资,AG001\r\n\
         6,6222020200012300007,赵敏,3520.00,人民币,2026年9月客户经理绩效工资,BH001\r\n\
         7,6222020200012300008,孙磊,2250.00,人民币,2026年9月客户经理绩效工资,RM005\r\n"
    );
    // Not UTF-8: the names are GBK's two bytes per character.
    assert!(std::str::from_utf8(&bytes).is_err());

    // Same inputs, same bytes.
    let again = d.path().join("again.csv");
    assert_eq!(payout(&archive, "2026-09", &again).code, 0);
    assert_eq!(std::fs::read(&again).unwrap(), bytes);

    // The card appears in the pay-out file only: not in the archived
    // workbook's XML, its JSON or state, nor in `explain`.
    let month = archive.join("2026-09");
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    for name in ["pay-2026-09.json", "state.json", "manifest.json"] {
        outputs.push((name.into(), std::fs::read(month.join(name)).unwrap()));
    }
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(month.join("pay-2026-09.xlsx")).unwrap()).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        outputs.push((f.name().unwrap().to_string(), b));
    }
    let ex = run(&[
        "explain",
        "--archive",
        archive.to_str().unwrap(),
        "--period",
        "2026-09",
        "--rm",
        "RM001",
    ]);
    assert_eq!(ex.code, 0, "{}", ex.stderr);
    outputs.push(("explain".into(), ex.stdout.into_bytes()));
    for (row, _) in ROWS {
        let c = card(row);
        for (name, b) in &outputs {
            assert!(
                !String::from_utf8_lossy(b).contains(&c),
                "{name} shows the card {c}"
            );
        }
    }
}

#[test]
pub(super) fn a_missing_card_is_an_error_at_its_cell_and_nothing_is_written() {
    // RM002 (row 3) is paid 2,267.42 and has no card.
    let (d, archive) = september(policy(), &|row| {
        if row == 3 {
            Card::Empty
        } else {
            all_cards(row)
        }
    });
    let out = d.path().join("payout.csv");
    std::fs::write(&out, "the previous file").unwrap();
    let o = payout(&archive, "2026-09", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[missing-card]: expected the salary-card account of RM002 (李娜), who is paid 2,267.42 for 2026-09, found an empty cell\n\
             rmpay: 1 error(s); nothing was written\n",
            archive.join("2026-09/ledger.xlsx [客户经理]!J3").display()
        )
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous file");
}

#[test]
pub(super) fn a_card_given_to_two_rms_is_an_error_shown_masked() {
    // RM003 (row 4) is given RM001's card (row 2).
    let (d, archive) = september(policy(), &|row| all_cards(if row == 4 { 2 } else { row }));
    let out = d.path().join("payout.csv");
    let o = payout(&archive, "2026-09", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[duplicate-card]: expected each salary card once, found 6222 **** **** 0002 again (first on row 2) for RM003\n\
             rmpay: 1 error(s); nothing was written\n",
            archive.join("2026-09/ledger.xlsx [客户经理]!J4").display()
        )
    );
    assert!(!o.stderr.contains(&card(2)));
    assert!(!out.exists());
}

#[test]
fn a_ledger_without_a_card_column_names_every_paid_rm() {
    let d = tempfile::tempdir().unwrap();
    let archive = d.path().join("archive");
    let o = close(&archive, policy(), &root().join("fixtures/2026-09.xlsx"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The 7 paid RMs, each at its row's rm_id cell; RM006 and RM007 are
    // paid nothing and need no card.
    let d = Test::with_tempdir(d)
        .args([
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/payout.csv",
        ])
        .stderr("
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A2: error[missing-card]: expected the salary-card account of RM001 (张伟), who is paid 6,125.12 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A3: error[missing-card]: expected the salary-card account of RM002 (李娜), who is paid 2,267.42 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A4: error[missing-card]: expected the salary-card account of RM003 (王芳), who is paid 464.00 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A5: error[missing-card]: expected the salary-card account of RM004 (刘强), who is paid 408.00 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A6: error[missing-card]: expected the salary-card account of AG001 (陈静), who is paid 1,240.00 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A7: error[missing-card]: expected the salary-card account of BH001 (赵敏), who is paid 3,520.00 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            $TMP/archive/2026-09/ledger.xlsx [客户经理]!A8: error[missing-card]: expected the salary-card account of RM005 (孙磊), who is paid 2,250.00 for 2026-09, found no `salary_card` (工资卡号) column in the sheet
            rmpay: 7 error(s); nothing was written
        ")
        .status(1)
        .run()
        .tempdir;
    assert!(!d.path().join("payout.csv").exists());
}

#[test]
pub(super) fn only_a_closed_month_pays_out() {
    let (d, archive) = september(policy(), &all_cards);
    let out = d.path().join("payout.csv");
    let o = payout(&archive, "2026-10", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[not-closed]: 2026-10 is not closed: only a closed month pays out (close it with `rmpay close` first)\n\
             rmpay: nothing was written\n",
            archive.join("2026-10").display()
        )
    );
    assert!(!out.exists());
    // Nor into the archive, where an added file would fail `verify`.
    let inside = archive.join("2026-09/payout.csv");
    let d = Test::with_tempdir(d)
        .args([
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/archive/2026-09/payout.csv",
        ])
        .stderr("$TMP/archive/2026-09/payout.csv: error[inside-archive]: write the pay-out file outside the archive: the archive holds only what `close` wrote\n")
        .status(2)
        .run()
        .tempdir;
    assert!(!inside.exists());
    assert_eq!(
        run(&["verify", "--archive", archive.to_str().unwrap()]).code,
        0
    );
    // `payroll` has no way to write one: only closed months pay out.
    Test::new()
        .args(["payout", "--help"])
        // The rest of the help is clap's and the options', not the subject.
        .stdout_contains("
            Only a closed month pays out: `payroll` never writes a pay-out file, and a month that is not closed is refused (exit 1). An RM with an amount to pay and no card is an error at the card's cell; nothing is written then.
        ")
        .run();
    drop(d);
}

#[test]
fn the_xlsx_profile_reads_back_with_calamine() {
    // Policy A with an xlsx profile: no header row, the count and total in
    // a trailer row.
    let text = std::fs::read_to_string(root().join(policy())).unwrap();
    let start = text.find("[payout]").unwrap();
    let end = text
        .find("# ---------------------------------------------------------- risk deposit")
        .unwrap();
    let profile = r#"[payout]
format = "xlsx"
sheet = "代发"
amount_places = 2
remark = "{period} 工资 {rm_id}"
header_row = false
columns = [
  { field = "account", header = "账号" },
  { field = "account_name", header = "户名" },
  { field = "amount", header = "金额" },
  { field = "remark", header = "摘要" },
]
[payout.control]
at = "trailer"
fields = ["合计", "{count} 笔", "{total}"]

"#;
    let d = tempfile::tempdir().unwrap();
    let policy = d.path().join("policy-xlsx.toml");
    std::fs::write(
        &policy,
        format!("{}{profile}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    let (d2, archive) = september(policy.to_str().unwrap(), &all_cards);
    let out = d2.path().join("payout.xlsx");
    payout_ok(
        &archive,
        "2026-09",
        &out,
        "
        rmpay: pay-out file for 2026-09: 7 payment(s), total 16,274.54 (the register's total paid 16,274.54); policy `city-commercial-bank` 2026.1 as archived
        rmpay: wrote $D/payout.xlsx
        ",
    );
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["代发"]);
    let range = wb.worksheet_range("代发").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    // 7 payments, then the trailer.
    assert_eq!(rows.len(), 8);
    assert_eq!(
        rows[0],
        [
            Data::String(card(2)),
            Data::String("张伟".into()),
            Data::Float(6125.12),
            Data::String("2026-09 工资 RM001".into()),
        ]
    );
    let sum: Decimal = rows[..7]
        .iter()
        .map(|r| match r[2] {
            Data::Float(x) => x.to_string().parse::<Decimal>().unwrap(),
            ref other => panic!("{other:?}"),
        })
        .sum();
    // 6125.12 + 2267.42 + 464.00 + 408.00 + 1240.00 + 3520.00 + 2250.00
    assert_eq!(sum, "16274.54".parse::<Decimal>().unwrap());
    assert_eq!(
        rows[7][..3],
        [
            Data::String("合计".into()),
            Data::String("7 笔".into()),
            Data::Float(16274.54),
        ]
    );
}

#[test]
pub(super) fn a_card_typed_as_a_number_is_refused_at_its_cell() {
    // RM001's 16-digit card typed as a number: Excel has kept 15 digits of
    // it. RM002's 12-digit account number is exact as a number and is read.
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-09.xlsx");
    ledger_with_cards("09", &ledger, &|row| match row {
        2 => Card::Number("6222020200012340"),
        3 => Card::Number("123456789012"),
        r => all_cards(r),
    });
    let o = run(&[
        "check",
        "--policy",
        policy(),
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{} [客户经理]!J2: error[card-as-number]: expected `salary_card` (工资卡号) as text, found a number, which Excel keeps to 15 digits: format the column as text (文本) and type the card number again\n\
             rmpay: 1 error(s); nothing was written\n",
            ledger.display()
        )
    );
}

#[test]
fn a_pay_out_profile_is_checked_where_it_is_written() {
    let text = std::fs::read_to_string(root().join("fixtures/bad/policy/ok-tiny.toml")).unwrap();
    let bad = format!(
        "{text}\n[payout]\n\
         format = \"csv\"\n\
         encoding = \"gbk\"\n\
         amount_places = 1\n\
         remark = \"{{perod}}工资\"\n\
         columns = [\n\
         \x20 {{ field = \"acount\", header = \"账号\" }},\n\
         \x20 {{ field = \"account_name\", header = \"户名𠮷\" }},\n\
         \x20 {{ field = \"amount\", header = \"金额\" }},\n\
         ]\n\
         [payout.control]\n\
         at = \"header\"\n\
         fields = [\"{{count}}\"]\n"
    );
    let base = text.lines().count() + 1;
    let errors = match rmpay::policy::parse_policy(bad.as_bytes(), "p.toml") {
        Ok(_) => vec![],
        Err(d) => d.render(),
    };
    let at = |line: usize, col: usize| format!("p.toml:{}:{col}", base + line);
    assert_eq!(
        errors,
        [
            format!(
                "{}: error[out-of-range]: `payout.amount_places` must be at least the policy's money places (2), found 1: amounts would be rounded",
                at(4, 17)
            ),
            format!(
                "{}: error[unknown-field]: `payout.remark` names unknown field `{{perod}}`: expected `{{period}}`, `{{year}}`, `{{month}}`, `{{rm_id}}`, `{{name}}` (did you mean `period`?)",
                at(5, 10)
            ),
            format!(
                "{}: error[unknown-column]: unknown pay-out column `acount`: expected one of `seq`, `account`, `account_name`, `amount`, `remark`, `rm_id`, `branch` (did you mean `account`?)",
                at(7, 13)
            ),
            format!(
                "{}: error[not-encodable]: `payout.columns[1].header` holds `𠮷`, which the GBK encoding cannot write",
                at(8, 38)
            ),
            format!(
                "{}: error[missing-column]: `payout.columns` has no `account` column: a payment needs the account, its name and the amount",
                at(1, 1)
            ),
            format!(
                "{}: error[missing-field]: `payout.control.fields` must give the `{{total}}` of the payments",
                at(11, 1)
            ),
        ]
    );
}

#[test]
pub(super) fn a_month_closed_under_a_policy_without_a_profile_cannot_pay_out() {
    // Policy A without its `[payout]` table, as months closed before the
    // table existed were: the archived policy is the one that counts.
    let text = std::fs::read_to_string(root().join(policy())).unwrap();
    let start = text.find("[payout]").unwrap();
    let end = text
        .find("# ---------------------------------------------------------- risk deposit")
        .unwrap();
    let d = tempfile::tempdir().unwrap();
    let policy = d.path().join("no-payout.toml");
    std::fs::write(&policy, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let (d2, archive) = september(policy.to_str().unwrap(), &all_cards);
    let out = d2.path().join("payout.csv");
    let o = payout(&archive, "2026-09", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[no-payout-profile]: the policy 2026-09 was closed under (`city-commercial-bank` 2026.1) has no `[payout]` table: it does not say how the bank's batch-payment file is laid out\n\
             rmpay: nothing was written\n",
            archive.join("2026-09/policy.toml").display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn october_pays_the_risk_deposits_released_to_rms_who_left() {
    // RM006 and RM007 left in April: their pay is 0, but October releases
    // their risk deposits (RM006: 5,000; RM007: 8,000 − the 1,500 loss of
    // September = 6,500; see archive.rs). The amount paid is the total
    // paid, net pay plus the release, so both are paid to their cards.
    let (d, archive) = september(policy(), &all_cards);
    let ledger = d.path().join("2026-10.xlsx");
    ledger_with_cards("10", &ledger, &all_cards);
    let o = close(&archive, policy(), &ledger);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = d.path().join("2026-10.csv");
    payout_ok(
        &archive,
        "2026-10",
        &out,
        "
        rmpay: pay-out file for 2026-10: 8 payment(s), total 27,155.20 (the register's total paid 27,155.20); policy `city-commercial-bank` 2026.1 as archived
        rmpay: wrote $D/2026-10.csv
        ",
    );
    let bytes = std::fs::read(&out).unwrap();
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    assert!(!had_errors);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let row = |id: &str| rows.iter().find(|r| r.get(6) == Some(&id)).unwrap().clone();
    assert_eq!(row("RM006")[1..4], [card(9).as_str(), "周杰", "5000.00"]);
    assert_eq!(row("RM007")[1..4], [card(10).as_str(), "吴昊", "6500.00"]);
    // Count and total against the register read back.
    let reg = register(&archive, "2026-10");
    let paid: Vec<_> = reg.iter().filter(|(_, x)| !x.is_zero()).collect();
    let total: Decimal = paid.iter().map(|(_, x)| *x).sum();
    // RM004 is paid nothing in October (a loss deduction takes his whole
    // gross of 540.00): 8 of the 9 RMs are paid.
    assert_eq!(paid.len(), 8);
    assert!(rows.iter().all(|r| r.get(6) != Some(&"RM004")));
    // 6125.12 + 2246.08 + 224.00 + 1240.00 + 3520.00 + 2300.00
    //   + 5000.00 + 6500.00 = 27155.20
    assert_eq!(total, "27155.20".parse::<Decimal>().unwrap());
    assert_eq!(rows[0][1], "8");
    assert_eq!(rows[0][3], "27155.20");
    assert_eq!(rows.len(), 2 + 8);
    let sum: Decimal = rows[2..]
        .iter()
        .map(|r| r[3].parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(sum, total);
}

#[test]
pub(super) fn a_name_gbk_cannot_write_is_an_error_at_its_row() {
    // RM001's name with 𠮷 (U+20BB7), which GB18030 has and GBK does not.
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-09.xlsx");
    ledger_with_cards("09", &ledger, &all_cards);
    replace_in(&ledger, "xl/sharedStrings.xml", "张伟", "张𠮷");
    let archive = d.path().join("archive");
    let o = close(&archive, policy(), &ledger);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = d.path().join("payout.csv");
    let o = payout(&archive, "2026-09", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[not-encodable]: the `收款户名` of RM001 holds `𠮷`, which the pay-out file's GBK encoding cannot write\n\
             rmpay: 1 error(s); nothing was written\n",
            archive.join("2026-09/ledger.xlsx [客户经理]!A2").display()
        )
    );
    assert!(!out.exists());
}

#[test]
pub(super) fn a_register_that_no_longer_matches_its_month_pays_nothing() {
    // The archived JSON says RM001 was paid 9125.12; the archived ledger
    // and policy give 6125.12. The pay-out file pays what was closed, so
    // a disagreement stops it.
    let (d, archive) = september(policy(), &all_cards);
    let json = archive.join("2026-09/pay-2026-09.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let rm001 = v["managers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m["rm_id"] == "RM001")
        .unwrap();
    assert_eq!(rm001["pay"]["payout"], "6125.12");
    rm001["pay"]["payout"] = "9125.12".into();
    std::fs::write(&json, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let out = d.path().join("payout.csv");
    let o = payout(&archive, "2026-09", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[archive-mismatch]: the closed register gives RM001 a total paid of 9125.12, recomputing 2026-09 gives 6125.12: run `rmpay verify` and `rmpay rerun`\n\
             rmpay: nothing was written\n",
            json.display()
        )
    );
    assert!(!out.exists());
}

/// A name that a spreadsheet would run as a formula when it opens the CSV
/// (CSV injection) is refused at its cell in the ledger, each one, and
/// nothing is written: no person's name begins with `=`, `+`, `-` or `@`.
#[test]
pub(super) fn a_name_that_reads_as_a_formula_is_refused_at_its_cell() {
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-09.xlsx");
    ledger_with_cards("09", &ledger, &all_cards);
    // Rows 2–5: RM001 张伟, RM002 李娜, RM003 王芳, RM004 刘强, all paid.
    for (from, to) in [
        ("张伟", "=cmd|' /C calc'!A0"),
        ("李娜", "+李娜"),
        ("王芳", "-2+3"),
        ("刘强", "@SUM(A1)"),
    ] {
        replace_in(&ledger, "xl/sharedStrings.xml", from, to);
    }
    let archive = d.path().join("archive");
    let o = close(&archive, policy(), &ledger);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = d.path().join("payout.csv");
    std::fs::write(&out, "the previous file").unwrap();
    let at = |cell: &str| {
        archive
            .join(format!("2026-09/ledger.xlsx [客户经理]!{cell}"))
            .display()
            .to_string()
    };
    let o = payout(&archive, "2026-09", &out);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[formula-name]: the name `=cmd|' /C calc'!A0` of RM001 begins with `=`, which a spreadsheet opening the pay-out file runs as a formula; a name never begins with =, +, - or @: correct the ledger\n\
             {}: error[formula-name]: the name `+李娜` of RM002 begins with `+`, which a spreadsheet opening the pay-out file runs as a formula; a name never begins with =, +, - or @: correct the ledger\n\
             {}: error[formula-name]: the name `-2+3` of RM003 begins with `-`, which a spreadsheet opening the pay-out file runs as a formula; a name never begins with =, +, - or @: correct the ledger\n\
             {}: error[formula-name]: the name `@SUM(A1)` of RM004 begins with `@`, which a spreadsheet opening the pay-out file runs as a formula; a name never begins with =, +, - or @: correct the ledger\n\
             rmpay: 4 error(s); nothing was written\n",
            at("B2"),
            at("B3"),
            at("B4"),
            at("B5"),
        )
    );
    let o = run(&[
        "payout",
        "--archive",
        archive.to_str().unwrap(),
        "--period",
        "2026-09",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "zh",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!(
            "{}: error[formula-name]: RM001 的姓名「=cmd|' /C calc'!A0」以「=」开头，电子表格软件打开代发文件时会当作公式运行；姓名不以 `=`、`+`、`-`、`@` 开头，请更正台账\n",
            at("B2")
        )),
        "{}",
        o.stderr
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous file");
}

/// Policy A art. 28: 计划财务部 credits the salary cards on the results of
/// 审核, 审批 and 下拨, and 下拨 (党群人事部) is signed after the close. The
/// pay-out file was written as soon as the month closed, before HR had
/// issued the pay list; now it waits for every step after the close, and
/// says which.
#[test]
fn the_pay_out_file_waits_for_the_steps_after_the_close() {
    use super::cycle::{close, draft, ok, sign};
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-09.xlsx");
    ledger_with_cards("09", &ledger, &all_cards);
    let ledger = ledger.to_str().unwrap();
    let a = d.path().join("archive");
    ok(&draft(&a, ledger, &d.path().join("out")), "drafting");
    ok(&sign(&a, "2026-09", "制表", "张三", "2026-10-02"), "制表");
    ok(&sign(&a, "2026-09", "审核", "王五", "2026-10-03"), "审核");
    ok(&sign(&a, "2026-09", "审批", "赵六", "2026-10-04"), "审批");
    ok(&close(&a, ledger), "close");
    let out = d.path().join("代发-2026-09.csv");
    let args = [
        "payout",
        "--archive",
        a.to_str().unwrap(),
        "--period",
        "2026-09",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "zh",
    ];
    let o = run(&args);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let log = a.join("drafts/2026-09/signoffs.jsonl");
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[not-approved]: 2026-09 的下拨（党群人事部）尚未签核：政策的审批流程在结账后还有此环节，代发文件须在其签核后才能生成（`rmpay sign --archive 档案库 --period 2026-09 --step 下拨 --name 姓名`）\nrmpay：1 个错误；未写入任何文件\n",
            log.display()
        )
    );
    assert!(!out.exists());
    ok(&sign(&a, "2026-09", "下拨", "钱七", "2026-10-05"), "下拨");
    let o = run(&args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(out.exists());
}

/// A month closed without a paid RM's salary card could never be paid
/// out (a closed month is never changed, and `payout` pays version 1):
/// `payroll --archive` and `close` say so before the close, naming the RM
/// at the managers sheet, and close as asked. Was: closed without a word,
/// the pay-out refused for good.
#[test]
fn a_month_without_a_card_is_warned_about_before_the_close() {
    // RM002 (row 3) is paid 2,267.42 and has no card; RM006 and RM007 are
    // paid nothing and need none.
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-09.xlsx");
    ledger_with_cards("09", &ledger, &|row| {
        if row == 3 {
            Card::Empty
        } else {
            all_cards(row)
        }
    });
    let warning = format!(
        "{} [客户经理]: warning[missing-card]: 1 RM(s) paid for 2026-09 have no salary card: RM002. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing\n",
        ledger.display()
    );
    let archive = d.path().join("archive");
    let draft = run(&[
        "payroll",
        "--archive",
        archive.to_str().unwrap(),
        "--policy",
        policy(),
        "--ledger",
        ledger.to_str().unwrap(),
        "--out",
        d.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(draft.code, 0, "{}", draft.stderr);
    assert!(draft.stderr.starts_with(&warning), "{}", draft.stderr);
    let o = close(&archive, policy(), &ledger);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.starts_with(&warning), "{}", o.stderr);
    // Every card given: not a word of it.
    let (_d, _archive) = september(policy(), &all_cards);
    let full = tempfile::tempdir().unwrap();
    let l2 = full.path().join("2026-09.xlsx");
    ledger_with_cards("09", &l2, &all_cards);
    let o = close(&full.path().join("archive"), policy(), &l2);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("missing-card"), "{}", o.stderr);
}
