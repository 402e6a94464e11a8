//! Writes the ledger reader's fixtures: a valid minimal ledger for October
//! 2026 (`ok-minimal.xlsx`), a few valid variants (text amounts, a 万元
//! header, float noise) and one workbook per error kind, each the base
//! ledger with one mutation. The managers' tiers are Policy A's
//! (`rules/city-commercial-bank.toml`: 初级客户经理, 支行行长; the variants
//! spell them by id), so each fixture shows only its own error.
//!
//! ```text
//! cargo run --example make_bad_ledgers                      # → fixtures/bad/ledger/
//! cargo run --release --example make_bad_ledgers -- --big /tmp/big.xlsx 1000000
//! ```
//!
//! The `.xls` and `.ods` copies of `ok-minimal.xlsx` are made with
//! LibreOffice (`soffice --headless --convert-to ods|xls`) and committed.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
enum V {
    S(String),
    N(f64),
    /// A date cell (year, month, day).
    D(u16, u8, u8),
    /// A formula cell with a cached error result (formula, error), e.g.
    /// `=1/0` and `#DIV/0!`: written with `t="e"`, read back by calamine as
    /// an error value.
    F(&'static str, &'static str),
    /// No cell.
    E,
}

fn s(x: &str) -> V {
    V::S(x.to_string())
}

#[derive(Clone)]
struct Sheet {
    name: String,
    rows: Vec<Vec<V>>,
}

#[derive(Clone)]
struct Book {
    sheets: Vec<Sheet>,
}

impl Book {
    fn sheet(&mut self, name: &str) -> &mut Sheet {
        match self.sheets.iter().position(|x| x.name == name) {
            Some(i) => &mut self.sheets[i],
            None => panic!("no sheet {name}"),
        }
    }

    fn remove(&mut self, name: &str) {
        self.sheets.retain(|x| x.name != name);
    }

    fn add(&mut self, name: &str, rows: Vec<Vec<V>>) {
        self.sheets.push(Sheet {
            name: name.to_string(),
            rows,
        });
    }
}

const DAYS: u8 = 31;

/// The deposits rows: accounts A001 (client C001, 活期) and A002 (client
/// C002, 定期), one row each per day of October 2026, sorted by date.
fn deposit_rows() -> Vec<Vec<V>> {
    let mut rows = vec![vec![
        s("日期"),
        s("账号"),
        s("客户编号"),
        s("产品"),
        s("余额"),
    ]];
    for day in 1..=DAYS {
        rows.push(vec![
            V::D(2026, 10, day),
            s("A001"),
            s("C001"),
            s("活期"),
            V::N(100_000.0 + f64::from(day) * 10.5),
        ]);
        rows.push(vec![
            V::D(2026, 10, day),
            s("A002"),
            s("C002"),
            s("定期"),
            V::N(500_000.0),
        ]);
    }
    rows
}

fn base() -> Book {
    let mut b = Book { sheets: Vec::new() };
    b.add(
        "客户经理",
        vec![
            vec![
                s("客户经理编号"),
                s("姓名"),
                s("等级"),
                s("岗位"),
                s("机构"),
                s("状态"),
                s("离岗日期"),
                s("营销起始日期"),
                s("基数存款"),
                s("考试成绩"),
            ],
            vec![
                s("RM01"),
                s("张三"),
                s("初级客户经理"),
                s("客户经理"),
                s("城东支行"),
                s("在岗"),
                V::E,
                V::D(2020, 3, 1),
                V::N(1_000_000.0),
                V::N(88.5),
            ],
            vec![
                s("RM02"),
                s("李四"),
                s("支行行长"),
                s("支行行长"),
                s("城西支行"),
                s("离岗"),
                V::D(2026, 10, 20),
                V::E,
                V::E,
                V::E,
            ],
        ],
    );
    b.add(
        "管户关系",
        vec![
            vec![
                s("客户编号"),
                s("客户名称"),
                s("客户经理编号"),
                s("分成比例"),
            ],
            vec![s("C001"), s("甲公司"), s("RM01"), V::E],
            vec![s("C002"), s("乙公司"), s("RM01"), s("60%")],
            vec![s("C002"), s("乙公司"), s("RM02"), V::N(0.4)],
        ],
    );
    b.add("存款日余额", deposit_rows());
    b.add(
        "贷款",
        vec![
            vec![
                s("借据号"),
                s("客户编号"),
                s("主办客户经理"),
                s("发放金额"),
                s("发放日期"),
                s("贷款余额"),
                s("五级分类"),
                s("应收利息"),
                s("实收利息"),
            ],
            vec![
                s("L001"),
                s("C001"),
                s("RM01"),
                V::N(800_000.0),
                V::D(2026, 1, 15),
                V::N(500_000.0),
                s("正常"),
                V::N(2_000.0),
                V::N(2_000.0),
            ],
            vec![
                s("L002"),
                s("C002"),
                V::E,
                V::E,
                V::E,
                V::N(120_000.0),
                s("次级"),
                V::N(600.0),
                V::N(0.0),
            ],
        ],
    );
    b.add(
        "中间业务收入",
        vec![
            vec![s("客户编号"), s("客户经理编号"), s("金额")],
            vec![s("C001"), V::E, V::N(1_200.0)],
            vec![V::E, s("RM02"), V::N(300.0)],
        ],
    );
    b.add(
        "国际结算",
        vec![
            vec![s("客户编号"), s("结算金额(美元)"), s("日期")],
            vec![s("C002"), V::N(5_000.0), V::D(2026, 10, 15)],
        ],
    );
    b.add(
        "新开户",
        vec![
            vec![
                s("账号"),
                s("客户编号"),
                s("客户经理编号"),
                s("账户类型"),
                s("开户日期"),
            ],
            vec![
                s("A002"),
                s("C002"),
                s("RM01"),
                s("对公基本户"),
                V::D(2026, 10, 8),
            ],
        ],
    );
    b.add(
        "违规与损失",
        vec![
            vec![
                s("客户经理编号"),
                s("日期"),
                s("事由"),
                s("扣分"),
                s("经济损失"),
            ],
            vec![s("RM02"), V::D(2026, 10, 9), s("资料不全"), V::N(2.0), V::E],
        ],
    );
    b.add(
        "上年基数",
        vec![
            vec![
                s("客户编号"),
                s("上年存款日均"),
                s("客户经理编号"),
                s("上年正常贷款占比"),
            ],
            vec![s("C001"), V::N(90_000.0), V::E, V::E],
            vec![V::E, V::E, s("RM01"), s("95%")],
        ],
    );
    b.add(
        "风险金账户",
        vec![
            vec![s("客户经理编号"), s("期初余额")],
            vec![s("RM01"), V::N(5_000.0)],
        ],
    );
    b
}

/// Row of the deposits sheet (0-based, header is row 0) holding `account`
/// on `day`.
fn deposit_row(day: u8, account: &str) -> usize {
    let i = (usize::from(day) - 1) * 2 + usize::from(account == "A002");
    i + 1
}

fn write(book: &Book, path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time keeps the files byte-for-byte reproducible.
    let created = ExcelDateTime::from_ymd(2026, 11, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in &book.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    V::S(x) => {
                        ws.write_string(r, c, x)?;
                    }
                    V::N(x) => {
                        ws.write_number(r, c, *x)?;
                    }
                    V::D(y, m, d) => {
                        ws.write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(*y, *m, *d)?,
                            &date,
                        )?;
                    }
                    V::F(f, e) => {
                        ws.write_formula(r, c, Formula::new(*f).set_result(*e))?;
                    }
                    V::E => {}
                }
            }
        }
    }
    wb.save(path)
}

/// Every fixture: file stem and the book.
fn fixtures() -> Vec<(&'static str, Book)> {
    let mut out = Vec::new();
    out.push(("ok-minimal", base()));

    // Valid variants.
    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        d.rows[deposit_row(1, "A002")][4] = s("１２３４.５");
        d.rows[deposit_row(2, "A002")][4] = s("1,234.50");
    }
    out.push(("ok-text-amounts", b));

    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        d.rows[0][4] = s("余额（万元）");
        for row in d.rows.iter_mut().skip(1) {
            row[4] = V::N(1.2345);
        }
    }
    out.push(("ok-wan-header", b));

    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        for row in d.rows.iter_mut().skip(1) {
            row[4] = V::N(0.1 + 0.2);
        }
    }
    out.push(("ok-float-noise", b));

    // Valid, with warnings: an incident and a new account dated in
    // September, kept out of October's figures.
    let mut b = base();
    b.sheet("新开户").rows[1][4] = V::D(2026, 9, 30);
    b.sheet("违规与损失").rows[1][1] = V::D(2026, 9, 28);
    out.push(("ok-outside-period", b));

    // Other spellings the contract allows: English and odd-cased sheet and
    // header names, full-width brackets, text dates in each form, numeric
    // account ids, shares as 100 / 60 / `40%`, an unknown column, an empty
    // row and a row with only the unknown column filled (both skipped).
    let mut b = Book { sheets: Vec::new() };
    b.add(
        " MANAGERS ",
        vec![
            vec![
                s("RM_ID"),
                s("Name"),
                s("TIER"),
                s("Role"),
                s("status"),
                s("Left On"),
            ],
            vec![
                s("RM01"),
                s("Zhang"),
                s("agent"),
                s("Agent"),
                s("ACTIVE"),
                V::E,
            ],
            vec![
                s("RM02"),
                s("Li"),
                s("branch_head"),
                s("branch head"),
                s("left"),
                s("2026年10月20日"),
            ],
        ],
    );
    b.add(
        "Clients",
        vec![
            vec![s("Client Id"), s("客户经理编号"), s("分成比例（%）")],
            vec![s("C001"), s("RM01"), V::N(100.0)],
            vec![s("C002"), s("RM01"), V::N(60.0)],
            vec![s("C002"), s("RM02"), s("40%")],
        ],
    );
    let mut rows = vec![vec![
        s("Date"),
        s("Account ID"),
        s("CLIENT_ID"),
        s("product"),
        s("Balance (Yuan)"),
        s("备注"),
    ]];
    for day in 1..=DAYS {
        let date = match day % 3 {
            0 => format!("2026-10-{day:02}"),
            1 => format!("2026/10/{day}"),
            _ => format!("2026年10月{day}日"),
        };
        rows.push(vec![
            s(&date),
            V::N(6222001.0),
            s("C001"),
            s("demand"),
            V::N(100.0),
            V::E,
        ]);
        rows.push(vec![
            V::D(2026, 10, day),
            s("A002"),
            s("C002"),
            s("Time"),
            s("2,000"),
            V::E,
        ]);
    }
    rows.insert(10, vec![]);
    rows.insert(20, vec![V::E, V::E, V::E, V::E, V::E, s("小计")]);
    b.add(" 存款日余额", rows);
    out.push(("ok-variants", b));

    // One error kind each.
    let mut b = base();
    b.sheet("存款日余额").rows[16][4] = s("12,3O0");
    out.push(("not-an-amount", b));

    // A spreadsheet error where an identifier or text is expected (in an
    // amount, number or date column it is that column's kind instead, e.g.
    // `not-an-amount`).
    let mut b = base();
    b.sheet("存款日余额").rows[deposit_row(6, "A001")][2] = V::F("=1/0", "#DIV/0!");
    out.push(("cell-error", b));

    let mut b = base();
    b.sheet("存款日余额").rows[deposit_row(5, "A001")][0] = s("2026.10.05");
    out.push(("not-a-date", b));

    let mut b = base();
    b.sheet("客户经理").rows[1][9] = s("优秀");
    out.push(("not-a-number", b));

    let mut b = base();
    b.sheet("管户关系").rows[1][3] = s("150%");
    out.push(("bad-share", b));

    let mut b = base();
    b.sheet("上年基数").rows[2][3] = s("120%");
    out.push(("bad-percent", b));

    let mut b = base();
    b.sheet("客户经理").rows[1][3] = s("客户经里");
    out.push(("unknown-value", b));

    let mut b = base();
    b.sheet("存款日余额").rows[deposit_row(7, "A001")][4] = V::E;
    out.push(("missing-value", b));

    let mut b = base();
    b.sheet("客户经理").rows[2][6] = V::E;
    out.push(("missing-left-on", b));

    let mut b = base();
    {
        let m = b.sheet("客户经理");
        let mut dup = m.rows[1].clone();
        dup[1] = s("王五");
        m.rows.push(dup);
    }
    out.push(("duplicate-id", b));

    let mut b = base();
    b.sheet("管户关系").rows[3][2] = s("RM03");
    out.push(("unknown-rm", b));

    let mut b = base();
    b.sheet("管户关系").rows[3][3] = s("50%");
    out.push(("shares-exceed-100", b));

    let mut b = base();
    for row in b.sheet("存款日余额").rows.iter_mut().skip(1) {
        if matches!(&row[1], V::S(a) if a == "A002") {
            row[2] = s("C02");
        }
    }
    out.push(("unknown-client", b));

    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        let extra = d.rows[deposit_row(4, "A001")].clone();
        d.rows.push(extra);
    }
    out.push(("duplicate-balance", b));

    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        for day in [9u8, 5, 4, 3] {
            d.rows.remove(deposit_row(day, "A002"));
        }
    }
    out.push(("missing-days", b));

    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        for day in [2u8, 1] {
            d.rows.remove(deposit_row(day, "A002"));
        }
    }
    out.push(("missing-first-days", b));

    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        let mut extra = d.rows[deposit_row(1, "A001")].clone();
        extra[0] = V::D(2026, 9, 30);
        d.rows.push(extra);
    }
    out.push(("date-outside-period", b));

    let mut b = base();
    b.sheet("存款日余额").rows[deposit_row(12, "A001")][2] = s("C002");
    out.push(("inconsistent-account", b));

    let mut b = base();
    b.sheet("存款日余额").rows[0][4] = s("余额(千元)");
    out.push(("bad-unit", b));

    let mut b = base();
    b.sheet("存款日余额").rows[0][1] = s("账号(元)");
    out.push(("unit-on-text-column", b));

    let mut b = base();
    b.sheet("存款日余额").rows[0][4] = s("期末余额");
    out.push(("missing-column", b));

    let mut b = base();
    b.sheet("管户关系").rows[0].push(s("Client ID"));
    out.push(("duplicate-column", b));

    let mut b = base();
    b.remove("管户关系");
    out.push(("missing-sheet", b));

    let mut b = base();
    b.add(
        "存款月日均",
        vec![
            vec![s("客户编号"), s("月日均余额")],
            vec![s("C001"), V::N(100_000.0)],
        ],
    );
    out.push(("conflicting-sheets", b));

    let mut b = base();
    b.add(
        " Managers ",
        vec![
            vec![s("rm_id"), s("name"), s("tier")],
            vec![s("RM09"), s("赵六"), s("初级客户经理")],
        ],
    );
    out.push(("duplicate-sheet", b));

    let mut b = base();
    b.remove("存款日余额");
    b.add(
        "deposit_averages",
        vec![
            vec![s("client_id"), s("product"), s("daily_average")],
            vec![s("C001"), s("demand"), V::N(100_000.0)],
        ],
    );
    out.push(("period-unknown", b));

    let mut b = base();
    b.sheet("管户关系").rows.clear();
    out.push(("empty-sheet", b));

    // Careless amounts: a negative in any amount column (a loss, a loan
    // balance, interest, a fee, a deposit balance), each at its cell.
    let mut b = base();
    b.sheet("违规与损失").rows[1][4] = V::N(-500.0);
    b.sheet("贷款").rows[2][5] = V::N(-120_000.0);
    b.sheet("贷款").rows[1][8] = s("-2,000");
    b.sheet("中间业务收入").rows[2][2] = V::N(-300.0);
    b.sheet("存款日余额").rows[deposit_row(3, "A002")][4] = V::N(-500_000.0);
    out.push(("negative-amount", b));

    // Not clean at 4 places, at a magnitude where the old tolerance
    // (max(|v|, 1)·1e-9) took 9000000.00012 for 9000000.0001.
    let mut b = base();
    b.sheet("存款日余额").rows[deposit_row(2, "A001")][4] = V::N(9000000.00012);
    out.push(("too-precise", b));

    // In a 万元 column a cell may carry 8 places (4 once in yuan):
    // 1.23456789 万元 is 12,345.6789 元; 900.000000012 万元 is
    // 9,000,000.00012 元.
    let mut b = base();
    {
        let d = b.sheet("存款日余额");
        d.rows[0][4] = s("余额（万元）");
        for row in d.rows.iter_mut().skip(1) {
            row[4] = V::N(1.2345);
        }
        d.rows[deposit_row(1, "A001")][4] = V::N(1.23456789);
        d.rows[deposit_row(2, "A001")][4] = V::N(900.000000012);
    }
    out.push(("too-precise-wan", b));

    out
}

/// A big `deposits` sheet for timing: `rows` daily balances (31 per account).
fn big(path: &Path, rows: usize) -> Result<(), XlsxError> {
    let accounts = rows.div_ceil(31);
    let clients = accounts.div_ceil(30);
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    {
        let ws = wb.add_worksheet();
        ws.set_name("客户经理")?;
        for (c, h) in ["客户经理编号", "姓名", "等级"].iter().enumerate() {
            ws.write_string(0, c as u16, *h)?;
        }
        for i in 0..50u32 {
            ws.write_string(i + 1, 0, format!("RM{i:03}"))?;
            ws.write_string(i + 1, 1, format!("经理{i}"))?;
            ws.write_string(i + 1, 2, "初级客户经理")?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("管户关系")?;
        for (c, h) in ["客户编号", "客户经理编号"].iter().enumerate() {
            ws.write_string(0, c as u16, *h)?;
        }
        for i in 0..clients {
            let r = i as u32 + 1;
            ws.write_string(r, 0, format!("C{i:06}"))?;
            ws.write_string(r, 1, format!("RM{:03}", i % 50))?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("存款日余额")?;
        for (c, h) in ["日期", "账号", "客户编号", "产品", "余额"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h)?;
        }
        let mut r = 1u32;
        'days: for day in 1..=31u8 {
            let d = ExcelDateTime::from_ymd(2026, 10, day)?;
            for a in 0..accounts {
                if r as usize > rows {
                    break 'days;
                }
                ws.write_datetime_with_format(r, 0, &d, &date)?;
                ws.write_string(r, 1, format!("62220{a:08}"))?;
                ws.write_string(r, 2, format!("C{:06}", a / 30))?;
                ws.write_string(r, 3, if a % 3 == 0 { "定期" } else { "活期" })?;
                let cents = (a as u64 * 7919 + u64::from(day) * 104_729) % 100_000_000;
                ws.write_number(r, 4, cents as f64 / 100.0)?;
                r += 1;
            }
        }
    }
    wb.save(path)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--big") {
        let path = PathBuf::from(args.get(1).map_or("/tmp/big-ledger.xlsx", String::as_str));
        let rows: usize = args.get(2).map_or(Ok(1_000_000), |n| n.parse())?;
        big(&path, rows)?;
        println!("wrote {} ({rows} deposit rows)", path.display());
        return Ok(());
    }
    let dir = PathBuf::from(args.first().map_or("fixtures/bad/ledger", String::as_str));
    std::fs::create_dir_all(&dir)?;
    for (name, book) in fixtures() {
        let path = dir.join(format!("{name}.xlsx"));
        write(&book, &path)?;
        println!("wrote {}", path.display());
    }
    let garbage = dir.join("cannot-open.xlsx");
    std::fs::write(&garbage, "this is not a workbook\n")?;
    println!("wrote {}", garbage.display());
    Ok(())
}
