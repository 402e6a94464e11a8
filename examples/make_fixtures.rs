//! Writes `fixtures/2026-10.xlsx`: a small branch for October 2026 under
//! Policy A, laid out as a bank would export it (Chinese sheet and column
//! names), with `fixtures/2026-09.xlsx` and `fixtures/2026-11.xlsx` around it
//! for a three-month archive. Run with `cargo run --example make_fixtures`;
//! the output is committed, and the tests check hand-computed figures
//! against it.
//!
//! September and November repeat October's branch with these differences:
//! 30 days; RM004's only client holds 1,700,000 (September) and 1,750,000
//! (November), so RM004 is under 90% of base three months running; RM007,
//! who left on 2026-04-20, is found in September to have caused a loss of
//! 1,500 (so October's release pays that loss first); no incidents in
//! November.
//!
//! The values sit at, just under and just over the policy's thresholds:
//! RM003's deposits are exactly 90% of base, RM004's one fen under; loan
//! L004 is exactly at the junior authority, L005 one fen over; L003 exactly
//! at the mid authority; RM005's risk deposit is 50 yuan under its cap.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

#[path = "support/sheet.rs"]
mod support;
use support::{V, sheet};

use V::*;

/// An account: number, client, product, and its balance on each day.
type Account<'a> = (&'a str, &'a str, &'a str, &'a dyn Fn(u8) -> f64);

fn main() -> Result<(), XlsxError> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&dir).map_err(XlsxError::IoError)?;
    for (month, days) in [(9u8, 30u8), (10, 31), (11, 30)] {
        branch(&dir, month, days, false)?;
    }
    // October with one cell changed (6201001's balance on the 1st), for the
    // tests that tamper with an archive.
    let tampered = dir.join("tampered");
    std::fs::create_dir_all(&tampered).map_err(XlsxError::IoError)?;
    branch(&tampered, 10, 31, true)?;
    rule_versions(&dir).map_err(XlsxError::IoError)?;
    policy_b(&dir)
}

/// Effective-dated versions of Policy A for the `--rules` tests: 2026.1 in
/// force to 2026-09-30, 2026.2 from 2026-10-01 paying 9.00 instead of 8.00
/// per 10,000 of increment; and an overlapping pair for the error case.
fn rule_versions(dir: &std::path::Path) -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read_to_string(root.join("rules/city-commercial-bank.toml"))?;
    let rate = "  rate = 8.00                       # EXAMPLE";
    let from = "effective_from = 2026-01-01\n";
    assert!(base.contains(rate) && base.contains(from) && base.contains("version = \"2026.1\""));
    let version = |v: &str, start: &str, until: Option<&str>, inc: &str| {
        let range = match until {
            Some(u) => format!("effective_from = {start}\neffective_until = {u}\n"),
            None => format!("effective_from = {start}\n"),
        };
        format!(
            "# Test fixture: version {v} of Policy A, in force {start} to {}.\n{}",
            until.unwrap_or("…"),
            base.replace("version = \"2026.1\"", &format!("version = \"{v}\""))
                .replace(from, &range)
                .replace(
                    rate,
                    &format!("  rate = {inc}                       # EXAMPLE")
                )
        )
    };
    let good = dir.join("rules-versions");
    let bad = dir.join("bad/rules-overlap");
    for d in [&good, &bad] {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(
        good.join("city-2026a.toml"),
        version("2026.1", "2026-01-01", Some("2026-09-30"), "8.00"),
    )?;
    std::fs::write(
        good.join("city-2026b.toml"),
        version("2026.2", "2026-10-01", None, "9.00"),
    )?;
    std::fs::write(
        bad.join("city-2026a.toml"),
        version("2026.1", "2026-01-01", Some("2026-10-31"), "8.00"),
    )?;
    std::fs::write(
        bad.join("city-2026b.toml"),
        version("2026.2", "2026-10-01", None, "9.00"),
    )?;
    println!("wrote fixtures/rules-versions and fixtures/bad/rules-overlap");
    Ok(())
}

/// One month of the Policy A branch.
fn branch(dir: &std::path::Path, month: u8, days: u8, tamper: bool) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2026, month, days)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&when)
            .set_author("rmpay fixtures"),
    );

    sheet(
        &mut wb,
        "客户经理",
        &[
            "客户经理编号",
            "姓名",
            "等级",
            "岗位",
            "机构",
            "状态",
            "离岗日期",
            "基数存款",
            "考试成绩",
        ],
        &[
            vec![
                S("RM001"),
                S("张伟"),
                S("高级客户经理"),
                S("客户经理"),
                S("城东支行"),
                S("在岗"),
                E,
                N(8_000_000.0),
                N(92.0),
            ],
            vec![
                S("RM002"),
                S("李娜"),
                S("中级"),
                S("客户经理"),
                S("城东支行"),
                S("在岗"),
                E,
                N(5_000_000.0),
                N(85.0),
            ],
            vec![
                S("RM003"),
                S("王芳"),
                S("初级"),
                S("客户经理"),
                S("城东支行"),
                S("在岗"),
                E,
                N(2_000_000.0),
                N(71.0),
            ],
            // No base deposit: the policy's junior default (2,000,000) applies.
            vec![
                S("RM004"),
                S("刘强"),
                S("junior"),
                S("rm"),
                S("城东支行"),
                S("在岗"),
                E,
                E,
                N(64.0),
            ],
            vec![
                S("AG001"),
                S("陈静"),
                S("业务代办员"),
                S("业务代办员"),
                S("城东支行"),
                S("在岗"),
                E,
                E,
                E,
            ],
            vec![
                S("BH001"),
                S("赵敏"),
                S("支行行长"),
                S("支行行长"),
                S("城东支行"),
                S("在岗"),
                E,
                N(8_000_000.0),
                N(95.0),
            ],
            vec![
                S("RM005"),
                S("孙磊"),
                S("中级客户经理"),
                S("客户经理"),
                S("城西支行"),
                S("在岗"),
                E,
                N(5_000_000.0),
                N(80.0),
            ],
            vec![
                S("RM006"),
                S("周杰"),
                S("高级"),
                S("客户经理"),
                S("城西支行"),
                S("离岗"),
                D(2026, 4, 15),
                N(8_000_000.0),
                E,
            ],
            vec![
                S("RM007"),
                S("吴昊"),
                S("中级"),
                S("客户经理"),
                S("城西支行"),
                S("离岗"),
                D(2026, 4, 20),
                N(5_000_000.0),
                E,
            ],
        ],
    )?;

    sheet(
        &mut wb,
        "管户关系",
        &["客户编号", "客户名称", "客户经理编号", "分成比例"],
        &[
            vec![S("C001"), S("东湖机械有限公司"), S("RM001"), E],
            vec![S("C002"), S("黄石建材集团"), S("RM001"), S("60%")],
            vec![S("C002"), S("黄石建材集团"), S("RM002"), N(0.4)],
            vec![S("C003"), S("磁湖贸易公司"), S("RM002"), N(100.0)],
            vec![S("C004"), S("西塞山餐饮"), S("RM003"), E],
            vec![S("C005"), S("下陆五金店"), S("RM004"), E],
            vec![S("C006"), S("铁山个体户"), S("AG001"), E],
            vec![S("C007"), S("黄石港务公司"), S("BH001"), E],
            vec![S("C008"), S("开发区电子厂"), S("RM005"), E],
            vec![S("C009"), S("团城山小超市"), S("RM001"), E],
        ],
    )?;

    // Daily balances: one row per account per day.
    let accounts: &[Account] = &[
        ("6201001", "C001", "活期", &|d| {
            if tamper && d == 1 {
                9_310_000.0
            } else {
                9_000_000.0
            }
        }),
        ("6201002", "C002", "定期", &|_| 5_000_000.0),
        ("6201003", "C003", "协议存款", &|_| 3_100_000.0),
        // 3,100,000 for ten days, then nothing: daily average 1,000,000.
        ("6201004", "C003", "活期", &|d| {
            if d <= 10 { 3_100_000.0 } else { 0.0 }
        }),
        ("6201005", "C004", "活期", &|_| 1_800_000.0),
        ("6201006", "C005", "活期", &|_| match month {
            9 => 1_700_000.0,
            10 => 1_799_999.99,
            _ => 1_750_000.0,
        }),
        ("6201007", "C006", "活期", &|_| 2_480_000.0),
        ("6201008", "C007", "活期", &|_| 10_000_000.0),
        ("6201009", "C008", "定期", &|_| 6_000_000.0),
        ("6201010", "C009", "活期", &|_| 500_000.0),
    ];
    let mut rows = Vec::new();
    for day in 1..=days {
        for (acc, client, product, bal) in accounts {
            rows.push(vec![
                D(2026, month, day),
                S(acc),
                S(client),
                S(product),
                N(bal(day)),
            ]);
        }
    }
    sheet(
        &mut wb,
        "存款日余额",
        &["日期", "账号", "客户编号", "产品", "余额(元)"],
        &rows,
    )?;

    sheet(
        &mut wb,
        "贷款",
        &[
            "借据号",
            "客户编号",
            "主办客户经理",
            "发放金额",
            "发放日期",
            "贷款余额",
            "五级分类",
            "应收利息",
            "实收利息",
        ],
        &[
            vec![
                S("L001"),
                S("C001"),
                S("RM001"),
                N(5_000_000.0),
                D(2026, 3, 1),
                N(5_000_000.0),
                S("正常"),
                N(25_000.0),
                N(25_000.0),
            ],
            // No lead RM: follows the client's split, RM001 60% / RM002 40%.
            vec![
                S("L002"),
                S("C002"),
                E,
                N(12_000_000.0),
                D(2025, 6, 1),
                N(12_000_000.0),
                S("关注"),
                N(60_000.0),
                N(59_400.0),
            ],
            vec![
                S("L003"),
                S("C003"),
                S("RM002"),
                N(3_000_000.0),
                D(2025, 1, 10),
                N(2_000_000.0),
                S("次级"),
                N(10_000.0),
                N(9_000.0),
            ],
            vec![
                S("L004"),
                S("C004"),
                S("RM003"),
                N(1_000_000.0),
                D(2026, 2, 1),
                N(800_000.0),
                S("可疑"),
                N(4_000.0),
                N(4_000.0),
            ],
            vec![
                S("L005"),
                S("C005"),
                S("RM004"),
                N(1_000_000.01),
                D(2026, 5, 1),
                N(1_000_000.01),
                S("损失"),
                N(5_000.0),
                N(0.0),
            ],
            vec![
                S("L006"),
                S("C007"),
                S("BH001"),
                N(6_000_000.0),
                D(2026, 7, 1),
                N(6_000_000.0),
                S("正常"),
                N(30_000.0),
                N(30_000.0),
            ],
        ],
    )?;

    sheet(
        &mut wb,
        "中间业务收入",
        &["客户编号", "客户经理编号", "金额"],
        &[
            vec![S("C001"), E, N(10_000.0)],
            vec![S("C002"), E, N(5_000.0)],
            vec![E, S("BH001"), N(2_000.0)],
        ],
    )?;

    sheet(
        &mut wb,
        "新开户",
        &["账号", "客户编号", "客户经理编号", "账户类型", "开户日期"],
        &[
            vec![
                S("6209001"),
                S("C001"),
                S("RM001"),
                S("对公基本户"),
                D(2026, month, 5),
            ],
            // No RM: the client's largest share (RM001, 60%).
            vec![
                S("6209002"),
                S("C002"),
                E,
                S("对公基本户"),
                D(2026, month, 20),
            ],
            vec![
                S("6209003"),
                S("C003"),
                S("RM002"),
                S("一般户"),
                D(2026, month, 8),
            ],
        ],
    )?;

    let incidents = match month {
        9 => vec![vec![
            S("RM007"),
            D(2026, 9, 10),
            S("离岗后查实贷款手续违规造成损失"),
            N(0.0),
            N(1_500.0),
        ]],
        10 => vec![
            vec![
                S("RM003"),
                D(2026, 10, 12),
                S("未按规定办理业务"),
                N(5.0),
                N(300.0),
            ],
            vec![
                S("RM004"),
                D(2026, 10, 20),
                S("操作失误造成损失"),
                N(10.0),
                N(1_000.0),
            ],
        ],
        _ => vec![],
    };
    sheet(
        &mut wb,
        "违规与损失",
        &["客户经理编号", "日期", "事由", "扣分", "经济损失"],
        &incidents,
    )?;

    sheet(
        &mut wb,
        "风险金账户",
        &["客户经理编号", "期初余额"],
        &[
            vec![S("RM001"), N(12_000.0)],
            vec![S("RM005"), N(9_950.0)],
            vec![S("RM006"), N(5_000.0)],
            vec![S("RM007"), N(8_000.0)],
        ],
    )?;

    let name = format!("2026-{month:02}.xlsx");
    wb.save(dir.join(&name))?;
    println!("wrote {}", dir.join(&name).display());
    Ok(())
}

/// `fixtures/bocom-2026-10.xlsx`: one RM per Policy B grade, English sheet
/// and column names, an agreement deposit (excluded by Policy B) and a
/// deposit_averages sheet instead of daily balances.
fn policy_b(dir: &std::path::Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2026, 10, 31)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&when)
            .set_author("rmpay fixtures"),
    );
    sheet(
        &mut wb,
        "managers",
        &["rm_id", "name", "tier", "marketing_since"],
        &[
            vec![S("N01"), S("高峰"), S("高级"), D(2015, 3, 1)],
            vec![S("N02"), S("黎明"), S("一级"), D(2018, 7, 1)],
            vec![S("N03"), S("沈阳"), S("二级"), D(2022, 9, 1)],
            vec![S("N04"), S("何平"), S("三级"), D(2024, 2, 1)],
            vec![S("N05"), S("宋雨"), S("四级"), D(2025, 4, 1)],
            vec![S("N06"), S("韩雪"), S("见习"), D(2026, 3, 1)],
        ],
    )?;
    sheet(
        &mut wb,
        "clients",
        &["client_id", "client_name", "rm_id", "share"],
        &[
            vec![S("K01"), S("洪都航空配套"), S("N01"), E],
            vec![S("K02"), S("赣江物流"), S("N02"), E],
            vec![S("K03"), S("滕王阁文旅"), S("N03"), E],
            vec![S("K04"), S("青山湖纺织"), S("N04"), E],
            vec![S("K05"), S("象湖食品"), S("N05"), E],
            vec![S("K06"), S("红谷滩咨询"), S("N06"), E],
        ],
    )?;
    sheet(
        &mut wb,
        "deposit_averages",
        &["client_id", "product", "daily_average (wan)"],
        &[
            vec![S("K01"), S("demand"), N(26_000.0)],
            // 100,000,000 of agreement deposits: excluded by Policy B.
            vec![S("K01"), S("agreement"), N(10_000.0)],
            vec![S("K02"), S("time"), N(15_500.0)],
            vec![S("K03"), S("demand"), N(8_000.0)],
            vec![S("K04"), S("demand"), N(4_000.0)],
            vec![S("K05"), S("demand"), N(1_600.0)],
            vec![S("K06"), S("demand"), N(1_050.0)],
        ],
    )?;
    wb.save(dir.join("bocom-2026-10.xlsx"))?;
    println!("wrote fixtures/bocom-2026-10.xlsx");
    Ok(())
}
