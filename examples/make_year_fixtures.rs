//! Writes the fixtures of the annual tier review (`rmpay review`):
//!
//! - `fixtures/year-a/2026-01.xlsx` … `2026-12.xlsx`: a Policy A bank with
//!   daily balances for all of 2026;
//! - `fixtures/year-b/2026-01.xlsx` … `2026-12.xlsx`: a Policy B branch with
//!   monthly averages (`存款月日均`), a prior-year `上年基数` sheet and one
//!   client's international settlements;
//! - `fixtures/variant/bocom-variant.toml`: a bank variant of Policy B made
//!   from `rules/bocom-nanchang.toml` by text replacement.
//!
//! Run with `cargo run --example make_year_fixtures`; the output is
//! committed and byte-for-byte reproducible. `tests/it/review.rs` checks the
//! review against figures computed by hand from the design below.
//!
//! Balances are constant within each month, so a month's daily average is
//! the balance, and the year's is Σ (balance × days in month) ÷ 365.
//!
//! Policy A (`year-a`), one client and one account per RM:
//!
//! | RM   | tier   | branch | base       | monthly daily balance                                   | designed outcome |
//! |------|--------|--------|------------|---------------------------------------------------------|------------------|
//! | S01  | senior | 城南   | 9,000,000  | Jan–Aug 12,000,000; Sep–Oct 8,000,000; Nov–Dec 13,000,000 | kept at exactly 85 |
//! | M01  | mid    | 城南   | 5,000,000  | 6,000,000                                               | demoted, score 83.14 |
//! | J01  | junior | 城南   | 2,000,000  | 2,850,000; exam score 75                                | terminated, score 64 |
//! | D01  | mid    | 城南   | 5,000,000  | 7,500,000; Mar–May 4,400,000 (< 90% of base)            | demoted (three months) |
//! | C01  | mid    | 城北   | 5,000,000  | 7,000,000                                               | demoted (collection 98.75%) |
//! | V01  | senior | 城北   | 8,000,000  | 10,400,000                                              | terminated (8 + 7 points) |
//! | BH01 | head   | 城北   | 6,000,000  | 8,000,000 (own client)                                  | kept on the branch: 106 |
//! | AG01 | agent  | 城南   | —          | Jul–Dec 16,000,000 (hired 2026-07-01)                   | promoted to junior |
//! | AG02 | agent  | 城南   | —          | Jul–Dec 8,000,000 (hired 2026-07-01)                    | promoted (exactly 8,000,000) |
//! | L01  | mid    | 城西   | 5,000,000  | Jan–Mar 5,000,000; left 2026-03-31                      | not reviewed |
//!
//! BH01 is assessed on 城北支行 (BH01, C01, V01). Policy A takes the
//! branch's bases from its members (`branch_base = "members"`): base
//! deposit 6,000,000 + 5,000,000 + 8,000,000 = 19,000,000, last year's fee
//! income C01's 10,000 (the branch's fees are C01's client's). BH01's own
//! base, 6,000,000, is a personal figure: it splits the head's own monthly
//! piece-rate pay into stock and increment.
//!
//! The agents appear from July. Policy A averages over the months an RM
//! appears in (`average_over = "months_present"`), so AG01 averages
//! 16,000,000 and AG02 exactly 8,000,000 over their 184 days; both served
//! six whole months by 2026-12-31 and are promoted.
//!
//! Policy B (`year-b`), see the table in `year_b`.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use std::path::Path;

#[path = "support/sheet.rs"]
mod support;
use V::*;
use support::{V, sheet};

/// Days of each month of 2026.
fn days_in(month: u8) -> u8 {
    match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn workbook(month: u8) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2026, month, days_in(month))?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&when)
            .set_author("rmpay fixtures"),
    );
    Ok(wb)
}

fn main() -> Result<(), XlsxError> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let a = root.join("fixtures/year-a");
    let b = root.join("fixtures/year-b");
    let v = root.join("fixtures/variant");
    for d in [&a, &b, &v] {
        std::fs::create_dir_all(d).map_err(XlsxError::IoError)?;
    }
    for month in 1..=12u8 {
        year_a(&a, month)?;
        year_b(&b, month)?;
    }
    println!("wrote fixtures/year-a and fixtures/year-b (2026-01 … 2026-12)");
    variant(root, &v).map_err(XlsxError::IoError)?;
    println!("wrote fixtures/variant/bocom-variant.toml");
    Ok(())
}

// ------------------------------------------------------------- Policy A ---

/// (loan, client, RM, balance, class, interest due, interest received)
type LoanA = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static str,
    f64,
    f64,
);

/// One Policy A RM of the year: who, which client, and the month's balance
/// (`None`: not in that month's ledger).
struct RmA {
    id: &'static str,
    name: &'static str,
    tier: &'static str,
    role: &'static str,
    branch: &'static str,
    since: (u16, u8, u8),
    base: Option<f64>,
    client: &'static str,
    client_name: &'static str,
    balance: fn(u8) -> Option<f64>,
}

const RMS_A: &[RmA] = &[
    RmA {
        id: "S01",
        name: "张敏",
        tier: "高级客户经理",
        role: "客户经理",
        branch: "城南支行",
        since: (2015, 3, 1),
        base: Some(9_000_000.0),
        client: "CS01",
        client_name: "南湖机电有限公司",
        balance: |m| {
            Some(match m {
                1..=8 => 12_000_000.0,
                9 | 10 => 8_000_000.0, // 88.9% of base, two months only
                _ => 13_000_000.0,
            })
        },
    },
    RmA {
        id: "M01",
        name: "李强",
        tier: "中级",
        role: "客户经理",
        branch: "城南支行",
        since: (2019, 5, 1),
        base: Some(5_000_000.0),
        client: "CM01",
        client_name: "花湖建材公司",
        balance: |_| Some(6_000_000.0),
    },
    RmA {
        id: "J01",
        name: "王磊",
        tier: "初级",
        role: "客户经理",
        branch: "城南支行",
        since: (2023, 9, 1),
        base: Some(2_000_000.0),
        client: "CJ01",
        client_name: "胜阳港五金",
        balance: |_| Some(2_850_000.0),
    },
    RmA {
        id: "D01",
        name: "赵丽",
        tier: "中级",
        role: "客户经理",
        branch: "城南支行",
        since: (2018, 4, 1),
        base: Some(5_000_000.0),
        client: "CD01",
        client_name: "铁山矿业公司",
        balance: |m| {
            Some(match m {
                3..=5 => 4_400_000.0, // 88% of base: three months running
                _ => 7_500_000.0,
            })
        },
    },
    RmA {
        id: "C01",
        name: "钱进",
        tier: "中级",
        role: "客户经理",
        branch: "城北支行",
        since: (2017, 6, 1),
        base: Some(5_000_000.0),
        client: "CC01",
        client_name: "大冶纺织厂",
        balance: |_| Some(7_000_000.0),
    },
    RmA {
        id: "V01",
        name: "孙悦",
        tier: "高级",
        role: "客户经理",
        branch: "城北支行",
        since: (2014, 1, 1),
        base: Some(8_000_000.0),
        client: "CV01",
        client_name: "黄石化工集团",
        balance: |_| Some(10_400_000.0),
    },
    RmA {
        id: "BH01",
        name: "周行",
        tier: "支行行长",
        role: "支行行长",
        branch: "城北支行",
        since: (2010, 1, 1),
        base: Some(6_000_000.0),
        client: "CB01",
        client_name: "城北物流园",
        balance: |_| Some(8_000_000.0),
    },
    RmA {
        id: "AG01",
        name: "吴迪",
        tier: "业务代办员",
        role: "业务代办员",
        branch: "城南支行",
        since: (2026, 7, 1),
        base: None,
        client: "CA01",
        client_name: "西塞山商贸",
        balance: |m| (m >= 7).then_some(16_000_000.0),
    },
    RmA {
        id: "AG02",
        name: "郑好",
        tier: "业务代办员",
        role: "业务代办员",
        branch: "城南支行",
        since: (2026, 7, 1),
        base: None,
        client: "CA02",
        client_name: "下陆食品店",
        balance: |m| (m >= 7).then_some(8_000_000.0),
    },
    RmA {
        id: "L01",
        name: "冯远",
        tier: "中级",
        role: "客户经理",
        branch: "城西支行",
        since: (2016, 2, 1),
        base: Some(5_000_000.0),
        client: "CL01",
        client_name: "团城山电子厂",
        balance: |m| (m <= 3).then_some(5_000_000.0),
    },
];

/// L01 leaves on 2026-03-31: listed as 离岗 from April.
fn left(rm: &RmA, month: u8) -> bool {
    rm.id == "L01" && month >= 4
}

/// In the month's ledger: agents from their hiring month, L01 every month.
fn listed(rm: &RmA, month: u8) -> bool {
    rm.role != "业务代办员" || month >= 7
}

fn year_a(dir: &Path, month: u8) -> Result<(), XlsxError> {
    let days = days_in(month);
    let mut wb = workbook(month)?;

    let managers: Vec<Vec<V>> = RMS_A
        .iter()
        .filter(|r| listed(r, month))
        .map(|r| {
            let (y, m, d) = r.since;
            vec![
                S(r.id),
                S(r.name),
                S(r.tier),
                S(r.role),
                S(r.branch),
                S(if left(r, month) { "离岗" } else { "在岗" }),
                if left(r, month) { D(2026, 3, 31) } else { E },
                D(y, m, d),
                r.base.map(N).unwrap_or(E),
                // The junior's exam score, which the tier's `exam_min`
                // (60) reads: passed.
                if r.id == "J01" { N(75.0) } else { E },
            ]
        })
        .collect();
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
            "营销起始日期",
            "基数存款",
            "考试成绩",
        ],
        &managers,
    )?;

    let with_balance: Vec<(&RmA, f64)> = RMS_A
        .iter()
        .filter_map(|r| (r.balance)(month).map(|b| (r, b)))
        .collect();
    let clients: Vec<Vec<V>> = with_balance
        .iter()
        .map(|(r, _)| vec![S(r.client), S(r.client_name), S(r.id), E])
        .collect();
    sheet(
        &mut wb,
        "管户关系",
        &["客户编号", "客户名称", "客户经理编号", "分成比例"],
        &clients,
    )?;

    // One account per client, the same balance every day of the month.
    let mut rows = Vec::new();
    for day in 1..=days {
        for (r, bal) in &with_balance {
            rows.push(vec![
                D(2026, month, day),
                T(format!("62{}", &r.client[1..])),
                S(r.client),
                S(if r.id == "C01" { "定期" } else { "活期" }),
                N(*bal),
            ]);
        }
    }
    sheet(
        &mut wb,
        "存款日余额",
        &["日期", "账号", "客户编号", "产品", "余额(元)"],
        &rows,
    )?;

    // Loans at month end; interest due and received are the month's.
    let c01_received = if month == 12 { 17_000.0 } else { 20_000.0 };
    let loans: [LoanA; 7] = [
        (
            "LS01",
            "CS01",
            "S01",
            10_000_000.0,
            "正常",
            50_000.0,
            49_750.0,
        ),
        ("LS01N", "CS01", "S01", 100_000.0, "次级", 0.0, 0.0),
        (
            "LM01",
            "CM01",
            "M01",
            3_000_000.0,
            "正常",
            15_000.0,
            14_970.0,
        ),
        ("LJ01", "CJ01", "J01", 500_000.0, "正常", 2_000.0, 1_990.0),
        (
            "LD01",
            "CD01",
            "D01",
            2_000_000.0,
            "正常",
            10_000.0,
            10_000.0,
        ),
        (
            "LC01",
            "CC01",
            "C01",
            4_000_000.0,
            "正常",
            20_000.0,
            c01_received,
        ),
        (
            "LV01",
            "CV01",
            "V01",
            6_000_000.0,
            "正常",
            30_000.0,
            30_000.0,
        ),
    ];
    let loan_rows: Vec<Vec<V>> = loans
        .iter()
        .map(|(id, c, rm, bal, class, due, rec)| {
            vec![S(id), S(c), S(rm), N(*bal), S(class), N(*due), N(*rec)]
        })
        .collect();
    sheet(
        &mut wb,
        "贷款",
        &[
            "借据号",
            "客户编号",
            "主办客户经理",
            "贷款余额",
            "五级分类",
            "应收利息",
            "实收利息",
        ],
        &loan_rows,
    )?;

    // C01's client pays 1,000 of fees a month (12,000 for the year).
    sheet(
        &mut wb,
        "中间业务收入",
        &["客户编号", "客户经理编号", "金额"],
        &[vec![S("CC01"), E, N(1_000.0)]],
    )?;

    // New corporate basic accounts: RM x opens one a month in months
    // 1..=n(x), so the year counts n(x). S01 9, M01 5, J01 2, D01 7, C01 7,
    // V01 10. S01's 一般户 in December is not a basic account.
    let opened: [(&str, &str, u8); 6] = [
        ("S01", "CS01", 9),
        ("M01", "CM01", 5),
        ("J01", "CJ01", 2),
        ("D01", "CD01", 7),
        ("C01", "CC01", 7),
        ("V01", "CV01", 10),
    ];
    let mut accounts: Vec<Vec<V>> = opened
        .iter()
        .filter(|(_, _, n)| month <= *n)
        .map(|(rm, c, _)| {
            vec![
                T(format!("NA-{rm}-{month:02}")),
                S(c),
                S(rm),
                S("对公基本户"),
                D(2026, month, 10),
            ]
        })
        .collect();
    if month == 12 {
        accounts.push(vec![
            S("NA-S01-X"),
            S("CS01"),
            S("S01"),
            S("一般户"),
            D(2026, 12, 10),
        ]);
    }
    sheet(
        &mut wb,
        "新开户",
        &["账号", "客户编号", "客户经理编号", "账户类型", "开户日期"],
        &accounts,
    )?;

    // Incidents: S01 10 + 4.5 = 14.5 points (kept); V01 8 + 7 = 15 (terminated).
    let incidents: Vec<Vec<V>> = match month {
        2 => vec![vec![
            S("S01"),
            D(2026, 2, 12),
            S("未按规定办理业务"),
            N(10.0),
            N(0.0),
        ]],
        3 => vec![vec![
            S("V01"),
            D(2026, 3, 18),
            S("贷后管理违规"),
            N(8.0),
            N(1_000.0),
        ]],
        9 => vec![vec![
            S("V01"),
            D(2026, 9, 9),
            S("违规办理票据业务"),
            N(7.0),
            N(500.0),
        ]],
        11 => vec![vec![
            S("S01"),
            D(2026, 11, 3),
            S("资料归档不全"),
            N(4.5),
            N(0.0),
        ]],
        _ => vec![],
    };
    sheet(
        &mut wb,
        "违规与损失",
        &["客户经理编号", "日期", "事由", "扣分", "经济损失"],
        &incidents,
    )?;

    // Last year's fee income of 城北支行 is its members': C01's 10,000 (this
    // year 12,000: +20%); BH01 and V01 had none and have none. The reader
    // wants the normal-loan share column beside an RM's row, even when
    // empty.
    sheet(
        &mut wb,
        "上年基数",
        &["客户经理编号", "上年正常贷款占比", "上年中间业务收入"],
        &[vec![S("C01"), E, N(10_000.0)]],
    )?;

    wb.save(dir.join(format!("2026-{month:02}.xlsx")))
}

// ------------------------------------------------------------- Policy B ---

/// (rm_id, name, grade, marketing_since)
type ManagerB = (&'static str, &'static str, &'static str, (u16, u8, u8));
/// (client, name, RM, product, daily average, prior-year average)
type ClientB = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    Option<f64>,
);

/// Policy B (`year-b`): monthly averages, the same every month of 2026.
///
/// | RM  | grade   | since      | clients (daily average; prior year)                         | designed outcome |
/// |-----|---------|------------|-------------------------------------------------------------|------------------|
/// | N01 | 二级    | 2018-03-01 | K11 90M + 30M 协议存款 (70M); K12 90M (70M); K13 80M (65M)   | promoted to 一级: a + d; senior's one-client 100M not met |
/// | N02 | 一级    | 2016-05-01 | K21 148M (118M); K22 2.5M (2.5M)                            | demoted to 二级: K22 under 3M is excluded from 一级 |
/// | N03 | 三级    | 2020-08-01 | K31 20M (18M); loans 79M 正常 + 1M 次级                      | demoted to 见习: NPL disqualifies |
/// | N04 | 见习    | 2026-01-01 | K41 10M (10M); K42 0.4M (none)                              | kept at the 10M pass line |
/// | N05 | 四级    | 2021-01-01 | K51 9M (none)                                               | terminated: under every pass line |
/// | N06 | 二级    | 2024-06-01 | K61 160M (120M)                                             | kept at 二级: tenure 2 < 3 blocks 一级 |
/// | N07 | 四级    | 2023-01-01 | K71 16M (15M); settlements USD 500,000 a month               | promoted to 三级 by item c (USD 6,000,000) |
fn year_b(dir: &Path, month: u8) -> Result<(), XlsxError> {
    let mut wb = workbook(month)?;
    let managers: [ManagerB; 7] = [
        ("N01", "高峰", "二级", (2018, 3, 1)),
        ("N02", "黎明", "一级", (2016, 5, 1)),
        ("N03", "沈阳", "三级", (2020, 8, 1)),
        ("N04", "何平", "见习", (2026, 1, 1)),
        ("N05", "宋雨", "四级", (2021, 1, 1)),
        ("N06", "韩雪", "二级", (2024, 6, 1)),
        ("N07", "陶然", "四级", (2023, 1, 1)),
    ];
    let rows: Vec<Vec<V>> = managers
        .iter()
        .map(|(id, name, grade, (y, m, d))| {
            vec![S(id), S(name), S(grade), S("南昌分行营业部"), D(*y, *m, *d)]
        })
        .collect();
    sheet(
        &mut wb,
        "客户经理",
        &["客户经理编号", "姓名", "等级", "机构", "营销起始日期"],
        &rows,
    )?;

    let clients: [ClientB; 11] = [
        (
            "K11",
            "洪都机械",
            "N01",
            "活期",
            90_000_000.0,
            Some(70_000_000.0),
        ),
        ("K11", "洪都机械", "N01", "协议存款", 30_000_000.0, None),
        (
            "K12",
            "赣江物流",
            "N01",
            "定期",
            90_000_000.0,
            Some(70_000_000.0),
        ),
        (
            "K13",
            "滕王阁文旅",
            "N01",
            "活期",
            80_000_000.0,
            Some(65_000_000.0),
        ),
        (
            "K21",
            "青山湖纺织",
            "N02",
            "活期",
            148_000_000.0,
            Some(118_000_000.0),
        ),
        (
            "K22",
            "象湖食品",
            "N02",
            "活期",
            2_500_000.0,
            Some(2_500_000.0),
        ),
        (
            "K31",
            "红谷滩置业",
            "N03",
            "活期",
            20_000_000.0,
            Some(18_000_000.0),
        ),
        (
            "K41",
            "瑶湖科技",
            "N04",
            "活期",
            10_000_000.0,
            Some(10_000_000.0),
        ),
        ("K42", "八一广场商行", "N04", "活期", 400_000.0, None),
        ("K51", "朝阳洲餐饮", "N05", "活期", 9_000_000.0, None),
        (
            "K61",
            "昌北航空",
            "N06",
            "定期",
            160_000_000.0,
            Some(120_000_000.0),
        ),
    ];
    let k71: ClientB = (
        "K71",
        "九龙湖外贸",
        "N07",
        "活期",
        16_000_000.0,
        Some(15_000_000.0),
    );
    let all: Vec<_> = clients.iter().chain(std::iter::once(&k71)).collect();
    let mut assigned: Vec<Vec<V>> = Vec::new();
    for (c, name, rm, ..) in &all {
        if !assigned.iter().any(|r| matches!(r[0], S(x) if x == *c)) {
            assigned.push(vec![S(c), S(name), S(rm)]);
        }
    }
    sheet(
        &mut wb,
        "管户关系",
        &["客户编号", "客户名称", "客户经理编号"],
        &assigned,
    )?;
    let averages: Vec<Vec<V>> = all
        .iter()
        .map(|(c, _, _, p, avg, _)| vec![S(c), S(p), N(*avg)])
        .collect();
    sheet(
        &mut wb,
        "存款月日均",
        &["客户编号", "产品", "月日均余额(元)"],
        &averages,
    )?;

    sheet(
        &mut wb,
        "贷款",
        &[
            "借据号",
            "客户编号",
            "主办客户经理",
            "贷款余额",
            "五级分类",
            "应收利息",
            "实收利息",
        ],
        &[
            vec![
                S("LN31"),
                S("K31"),
                S("N03"),
                N(79_000_000.0),
                S("正常"),
                N(300_000.0),
                N(300_000.0),
            ],
            vec![
                S("LN32"),
                S("K31"),
                S("N03"),
                N(1_000_000.0),
                S("次级"),
                N(0.0),
                N(0.0),
            ],
        ],
    )?;

    sheet(
        &mut wb,
        "国际结算",
        &["客户编号", "结算金额(美元)", "日期"],
        &[vec![S("K71"), N(500_000.0), D(2026, month, 15)]],
    )?;

    // Prior year: client averages (agreement deposits not included), and
    // N03's normal-loan share, 98% (this year 79 ÷ 80 = 98.75%: it rose).
    let mut baseline: Vec<Vec<V>> = all
        .iter()
        .filter_map(|(c, _, _, _, _, prior)| prior.map(|p| vec![S(c), N(p), E, E]))
        .collect();
    baseline.push(vec![E, E, S("N03"), S("98%")]);
    sheet(
        &mut wb,
        "上年基数",
        &[
            "客户编号",
            "上年存款日均",
            "客户经理编号",
            "上年正常贷款占比",
        ],
        &baseline,
    )?;

    wb.save(dir.join(format!("2026-{month:02}.xlsx")))
}

// -------------------------------------------------------------- variant ---

/// A bank's variant of Policy B, made from the shipped file so it stays in
/// sync: grade 1 excludes clients under 2,000,000 (not 3,000,000), and a
/// senior needs 3 of the 4 items (not 2). Two shipped examples change
/// outcome and are rewritten; one example is added.
fn variant(root: &Path, dir: &Path) -> std::io::Result<()> {
    let base = std::fs::read_to_string(root.join("rules/bocom-nanchang.toml"))?;
    let mut text = base.clone();
    let mut replace = |from: &str, to: &str| {
        assert_eq!(
            text.matches(from).count(),
            1,
            "rules/bocom-nanchang.toml changed: `{from}` is not there exactly once"
        );
        text = text.replace(from, to);
    };
    replace("id = \"bocom-nanchang\"", "id = \"bocom-variant\"");
    replace(
        "name_en = \"BoCom Nanchang branch RM grades\"",
        "name_en = \"BoCom Nanchang branch RM grades (variant: test fixture)\"",
    );
    replace("version = \"2026.1\"", "version = \"2026.1-variant\"");
    replace(
        "  rule = \"B-11-2\"\n  need = 2\n  exclude_clients_below = 3_000_000",
        "  rule = \"B-11-2\"\n  need = 2\n  # VARIANT: this bank excludes clients under 2,000,000 (shipped: 3,000,000).\n  exclude_clients_below = 2_000_000",
    );
    replace(
        "  rule = \"B-11-1\"\n  need = 2",
        "  rule = \"B-11-1\"\n  # VARIANT: this bank asks 3 of the 4 items of a senior (shipped: 2).\n  need = 3",
    );
    // Example 1: 2 of 4 no longer makes a senior. Grade 1 (clients under
    // 2,000,000 excluded): a 250 million ≥ 150 with a 150 million client
    // ≥ 30; d 50 million ≥ 30; tenure 3: holds.
    replace(
        "name = \"senior holds 2 of 4: deposits with a 100 million client, and new deposits\"",
        "name = \"VARIANT: a senior with 2 of 4 falls to grade 1 when 3 are needed\"",
    );
    replace(
        "# a: 150 + 100 = 250 million, one client ≥ 100 million; d: 50 + 0 = 50 million.\nclients = [\n  { deposits = 150_000_000, prior_deposits = 100_000_000 },\n  { deposits = 100_000_000, prior_deposits = 100_000_000 },\n]\nexpect = { decision = \"keep\", tier = \"senior\" }",
        "# a: 150 + 100 = 250 million, one client ≥ 100 million; d: 50 + 0 = 50 million;\n# b and c: 0. 2 of 3 needed: not a senior. Grade 1: a and d hold.\nclients = [\n  { deposits = 150_000_000, prior_deposits = 100_000_000 },\n  { deposits = 100_000_000, prior_deposits = 100_000_000 },\n]\nexpect = { decision = \"demote\", tier = \"grade1\" }",
    );
    // Example 3: the 2,500,000 client now counts for grade 1.
    replace(
        "name = \"an excluded client keeps grade 1 out of reach\"",
        "name = \"VARIANT: a 2.5 million client counts for grade 1 when only clients under 2 million are excluded\"",
    );
    replace(
        "# Grade 1 ignores clients under 3 million: a = 148 million (< 150), d = 30\n# million: 1 of 2 needed. Counting the 2.5 million client, a would be 150.5.\n# Grade 2 (clients ≥ 1 million): a = 150.5 million ≥ 75, one ≥ 25: holds.\nclients = [\n  { deposits = 148_000_000, prior_deposits = 118_000_000 },\n  { deposits = 2_500_000, prior_deposits = 2_500_000 },\n]\nexpect = { decision = \"demote\", tier = \"grade2\" }",
        "# Grade 1 counts clients from 2 million: a = 148 + 2.5 = 150.5 million ≥ 150\n# with a 148 million client ≥ 30; d = 30 + 0 = 30 million ≥ 30: 2 of 2.\nclients = [\n  { deposits = 148_000_000, prior_deposits = 118_000_000 },\n  { deposits = 2_500_000, prior_deposits = 2_500_000 },\n]\nexpect = { decision = \"keep\", tier = \"grade1\" }",
    );
    let added = "\n[[examples]]\nname = \"VARIANT: a 1.9 million client is still excluded from grade 1\"\ntier = \"grade1\"\nmetrics = { tenure_years = 5, npl_ratio = 0, overdue_interest = 0, advances = 0, normal_loan_ratio_change = 0.01 }\n# Grade 1: a = 148 million (< 150; the 1.9 million client is under 2 million),\n# d = 30 million: 1 of 2. Grade 2 (clients ≥ 1 million): a = 149.9 ≥ 75.\nclients = [\n  { deposits = 148_000_000, prior_deposits = 118_000_000 },\n  { deposits = 1_900_000, prior_deposits = 1_900_000 },\n]\nexpect = { decision = \"demote\", tier = \"grade2\" }\n";
    let header = "# TEST FIXTURE, generated by examples/make_year_fixtures.rs from\n# rules/bocom-nanchang.toml: a bank variant of Policy B. Changes are marked\n# VARIANT. Do not edit by hand.\n#\n";
    std::fs::write(
        dir.join("bocom-variant.toml"),
        format!("{header}{text}{added}"),
    )
}
