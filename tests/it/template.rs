//! `rmpay template`: the empty ledger workbook is what the reader reads, and
//! filled in (here: the template's own headers, in its order, read back with
//! calamine and written with rust_xlsxwriter) it passes `check` and
//! `payroll`.

use super::test::Test;
use super::util::run;
use calamine::Reader;
use rmpay::ledger::guide;
use rmpay::ledger::{ReadOptions, SheetKind, read_ledger};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::Read;
use std::path::Path;

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const POLICY_B: &str = "rules/bocom-nanchang.toml";

fn template(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    let mut args = vec!["template", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stderr, format!("rmpay: wrote {}\n", out.display()));
    out
}

/// Every sheet's name and header row, in the workbook's order.
fn sheets_and_headers(path: &Path) -> Vec<(String, Vec<String>)> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let header = range
                .rows()
                .next()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .unwrap_or_default();
            (n, header)
        })
        .collect()
}

/// The XML of the `n`th worksheet (1-based).
fn sheet_xml(path: &Path, n: usize) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The drop-down lists of a worksheet: (cells, values).
fn lists(xml: &str) -> Vec<(String, String)> {
    xml.split("<dataValidation ")
        .skip(1)
        .filter(|v| v.contains(r#"type="list""#))
        .map(|v| {
            let sqref = v.split(r#"sqref=""#).nth(1).unwrap();
            let sqref = &sqref[..sqref.find('"').unwrap()];
            let f = v.split("<formula1>").nth(1).unwrap();
            let f = &f[..f.find("</formula1>").unwrap()];
            (sqref.to_string(), f.replace("&quot;", "\""))
        })
        .collect()
}

#[test]
fn the_template_has_every_sheet_and_header_the_reader_knows() {
    let d = tempfile::tempdir().unwrap();
    let zh = template(d.path(), "zh.xlsx", &["--policy", POLICY_A]);
    let got = sheets_and_headers(&zh);
    // The instructions first, then the contract's sheets in its order.
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "填写说明",
            "客户经理",
            "管户关系",
            "存款日余额",
            "存款月日均",
            "贷款",
            "中间业务收入",
            "国际结算",
            "新开户",
            "违规与损失",
            "上年基数",
            "风险金账户"
        ]
    );
    assert_eq!(
        got[1].1,
        [
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
            "资格取得日期",
            "工资卡号"
        ]
    );
    assert_eq!(got[7].1, ["客户编号", "结算金额(美元)", "日期"]);
    // The data sheets hold their header row and nothing else.
    for (name, _) in &got[1..] {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&zh).unwrap();
        assert_eq!(wb.worksheet_range(name).unwrap().height(), 1, "{name}");
    }

    // Through the reader: every sheet found, every header known, and the
    // one complaint is that nothing is filled in.
    let opts = ReadOptions {
        input_scale: 2,
        carry_forward_missing_days: false,
        period: Some("2026-10".parse().unwrap()),
        tiers: None,
    };
    let (ledger, diags) = read_ledger(&zh, "zh.xlsx", &opts, &mut |_, _| {});
    assert!(ledger.is_none());
    assert_eq!(
        diags.render(),
        [
            "zh.xlsx: error[empty-ledger]: expected data rows below the headers, found none in any sheet: fill in `客户经理`, `管户关系` and `存款日余额` (or `存款月日均`)"
        ]
    );
}

#[test]
pub(super) fn check_on_an_empty_template_says_it_is_not_filled_in() {
    let d = tempfile::tempdir().unwrap();
    let t = template(d.path(), "t.xlsx", &[]);
    let o = run(&[
        "check",
        "--policy",
        POLICY_A,
        "--ledger",
        t.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "{}: error[empty-ledger]: expected data rows below the headers, found none in any sheet: fill in `客户经理`, `管户关系` and `存款日余额` (or `存款月日均`)\nrmpay: 1 error(s); nothing was written\n",
            t.display()
        )
    );
}

#[test]
fn english_template_has_english_sheets_headers_and_lists() {
    let d = tempfile::tempdir().unwrap();
    let en = template(d.path(), "en.xlsx", &["--lang", "en", "--policy", POLICY_A]);
    let got = sheets_and_headers(&en);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    let mut expected = vec!["Instructions"];
    expected.extend(SheetKind::ALL.iter().map(|k| k.english()));
    assert_eq!(names, expected);
    assert_eq!(
        got[3].1,
        ["date", "account_id", "client_id", "product", "balance"]
    );
    assert_eq!(got[7].1, ["client_id", "amount_usd", "date"]);
    // managers: tier, role, status; the tiers by their English names.
    assert_eq!(
        lists(&sheet_xml(&en, 2)),
        [
            (
                "C2:C1048576".to_string(),
                r#""Agent,Provisional junior RM,Junior RM,Mid-level RM,Senior RM,Branch head""#
                    .to_string()
            ),
            (
                "D2:D1048576".to_string(),
                r#""rm,agent,branch_head""#.to_string()
            ),
            ("F2:F1048576".to_string(), r#""active,left""#.to_string()),
        ]
    );
    let en = en.to_str().unwrap();
    Test::new()
        .args(["check", "--policy", POLICY_A, "--ledger", en])
        .replace(en, "$EN")
        .stdout("rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)\n")
        .stderr("
            $EN: error[empty-ledger]: expected data rows below the headers, found none in any sheet: fill in `managers`, `clients` and `deposits` (or `deposit_averages`)
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}

#[test]
fn drop_down_lists_hold_the_policys_tiers_and_the_enumerations() {
    let d = tempfile::tempdir().unwrap();
    let a = template(d.path(), "a.xlsx", &["--policy", POLICY_A]);
    let b = template(d.path(), "b.xlsx", &["--policy", POLICY_B]);
    let none = template(d.path(), "none.xlsx", &[]);
    let tier = |p: &Path| {
        lists(&sheet_xml(p, 2))
            .into_iter()
            .find(|(cells, _)| cells == "C2:C1048576")
            .map(|(_, v)| v)
    };
    assert_eq!(
        tier(&a).as_deref(),
        Some(r#""业务代办员,暂定初级客户经理,初级客户经理,中级客户经理,高级客户经理,支行行长""#)
    );
    assert_eq!(
        tier(&b).as_deref(),
        Some(r#""见习客户经理,四级客户经理,三级客户经理,二级客户经理,一级客户经理,高级客户经理""#)
    );
    // Without a policy the tier is typed in.
    assert_eq!(tier(&none), None);
    let all: Vec<(usize, Vec<(String, String)>)> = (2..=12)
        .map(|n| (n, lists(&sheet_xml(&none, n))))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        all,
        [
            (
                2,
                vec![
                    s("D2:D1048576", r#""客户经理,业务代办员,支行行长""#),
                    s("F2:F1048576", r#""在岗,离岗""#)
                ]
            ),
            (4, vec![s("D2:D1048576", r#""活期,定期,协议存款""#)]),
            (5, vec![s("B2:B1048576", r#""活期,定期,协议存款""#)]),
            (6, vec![s("H2:H1048576", r#""正常,关注,次级,可疑,损失""#)]),
            (9, vec![s("D2:D1048576", r#""对公基本户,其他""#)]),
        ]
    );
    // Dates, amounts and ids have their cell formats.
    let styles = {
        let mut z = zip::ZipArchive::new(std::fs::File::open(&a).unwrap()).unwrap();
        let mut s = String::new();
        z.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    for code in ["yyyy-mm-dd", "#,##0.00", "0.00%", r#"formatCode="@""#] {
        assert!(styles.contains(code), "{code}");
    }
    // The header row is frozen.
    assert!(
        sheet_xml(&a, 4).contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        )
    );
}

#[test]
fn the_same_template_twice_is_the_same_bytes() {
    let d = tempfile::tempdir().unwrap();
    let x = template(d.path(), "x.xlsx", &["--policy", POLICY_B]);
    let y = template(d.path(), "y.xlsx", &["--policy", POLICY_B]);
    assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
}

#[test]
fn a_bad_policy_writes_no_template() {
    let o = Test::new()
        .args([
            "template",
            "--policy",
            "fixtures/bad/policy/unknown-metric.toml",
            "--out",
            "$TMP/t.xlsx",
        ])
        .stderr("
            fixtures/bad/policy/unknown-metric.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
    assert!(!o.path("t.xlsx").exists());
}

/// A value typed into a filled-in template.
#[derive(Clone, Copy)]
enum V {
    S(&'static str),
    N(f64),
    /// A date cell, day of October 2026.
    Oct(u8),
    Date(u16, u8, u8),
}

/// A sheet's rows, each its cells by the contract's keys.
type Rows = Vec<Vec<(&'static str, V)>>;

/// A small October 2026: two RMs, every sheet.
fn month(daily: bool) -> Vec<(SheetKind, Rows)> {
    use V::*;
    let mut deposits = Vec::new();
    for day in 1..=31u8 {
        deposits.push(vec![
            ("date", Oct(day)),
            ("account_id", S("6222020200000001")),
            ("client_id", S("C001")),
            ("product", S("活期")),
            ("balance", N(1_000_000.0)),
        ]);
        // 2,031,000 on the 1st, 2,000,000 after.
        let b = if day == 1 { 2_031_000.0 } else { 2_000_000.0 };
        deposits.push(vec![
            ("date", Oct(day)),
            ("account_id", S("6222020200000002")),
            ("client_id", S("C002")),
            ("product", S("定期")),
            ("balance", N(b)),
        ]);
    }
    let averages = vec![
        vec![
            ("client_id", S("C001")),
            ("product", S("活期")),
            ("daily_average", N(1_000_000.0)),
        ],
        vec![
            ("client_id", S("C002")),
            ("product", S("定期")),
            ("daily_average", N(2_001_000.0)),
        ],
    ];
    let (deposits, averages) = if daily {
        (deposits, vec![])
    } else {
        (vec![], averages)
    };
    vec![
        (
            SheetKind::Managers,
            vec![
                vec![
                    ("rm_id", S("RM001")),
                    ("name", S("张伟")),
                    ("tier", S("初级客户经理")),
                    ("role", S("客户经理")),
                    ("branch", S("城东支行")),
                    ("status", S("在岗")),
                    ("marketing_since", Date(2020, 3, 1)),
                    ("base_deposit", N(1_000_000.0)),
                    ("exam_score", N(85.0)),
                    ("qualified_on", Date(2024, 1, 1)),
                ],
                vec![
                    ("rm_id", S("RM002")),
                    ("name", S("李娜")),
                    ("tier", S("中级客户经理")),
                    ("branch", S("城东支行")),
                ],
            ],
        ),
        (
            SheetKind::Clients,
            vec![
                vec![
                    ("client_id", S("C001")),
                    ("client_name", S("城东贸易有限公司")),
                    ("rm_id", S("RM001")),
                ],
                vec![
                    ("client_id", S("C002")),
                    ("client_name", S("城西制造有限公司")),
                    ("rm_id", S("RM001")),
                    ("share", N(0.6)),
                ],
                vec![
                    ("client_id", S("C002")),
                    ("client_name", S("城西制造有限公司")),
                    ("rm_id", S("RM002")),
                    ("share", N(0.4)),
                ],
            ],
        ),
        (SheetKind::Deposits, deposits),
        (SheetKind::DepositAverages, averages),
        (
            SheetKind::Loans,
            vec![vec![
                ("loan_id", S("JJ2026001")),
                ("client_id", S("C001")),
                ("rm_id", S("RM001")),
                ("amount", N(2_000_000.0)),
                ("disbursed_on", Date(2026, 3, 15)),
                ("balance", N(1_500_000.0)),
                ("daily_average", N(1_520_000.0)),
                ("classification", S("正常")),
                ("interest_due", N(6_500.0)),
                ("interest_received", N(6_435.0)),
                ("advance", N(0.0)),
            ]],
        ),
        (
            SheetKind::Fees,
            vec![vec![("client_id", S("C001")), ("amount", N(12_000.0))]],
        ),
        (
            SheetKind::Settlements,
            vec![vec![
                ("client_id", S("C002")),
                ("amount_usd", N(50_000.0)),
                ("date", Oct(20)),
            ]],
        ),
        (
            SheetKind::NewAccounts,
            vec![vec![
                ("account_id", S("6222020200000099")),
                ("client_id", S("C001")),
                ("rm_id", S("RM001")),
                ("kind", S("对公基本户")),
                ("opened_on", Oct(8)),
            ]],
        ),
        (
            SheetKind::Incidents,
            vec![vec![
                ("rm_id", S("RM002")),
                ("date", Oct(12)),
                ("description", S("开户资料不全")),
                ("points", N(2.0)),
                ("loss", N(3_000.0)),
            ]],
        ),
        (
            SheetKind::Baseline,
            vec![
                vec![
                    ("client_id", S("C001")),
                    ("deposit_daily_average", N(800_000.0)),
                ],
                vec![
                    ("rm_id", S("RM001")),
                    ("normal_loan_ratio", N(0.98)),
                    ("fee_income", N(150_000.0)),
                ],
            ],
        ),
        (
            SheetKind::RiskAccounts,
            vec![vec![
                ("rm_id", S("RM001")),
                // Within RM001's cap (junior, 5,000: a balance above it is
                // refused at its cell).
                ("opening_balance", N(4_000.0)),
            ]],
        ),
    ]
}

/// Fill the template in: each sheet's header row read back from it, in its
/// order, and the month's values put under the headers they belong to.
/// With `clear_other`, the deposit sheet not used is left without even its
/// header.
fn fill(template: &Path, out: &Path, daily: bool, clear_other: bool) {
    let sheets = sheets_and_headers(template);
    let guides = guide::sheets();
    let data = month(daily);
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (name, headers) in &sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        let unused = if daily {
            SheetKind::DepositAverages
        } else {
            SheetKind::Deposits
        };
        if clear_other && (name == unused.chinese() || name == unused.english()) {
            continue;
        }
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let Some(kind) = SheetKind::ALL
            .into_iter()
            .find(|k| k.chinese() == name || k.english() == name)
        else {
            continue; // the instructions
        };
        let g = guides.iter().find(|g| g.kind == kind).unwrap();
        // The header → the column's key.
        let keys: Vec<&str> = headers
            .iter()
            .map(|h| {
                g.columns
                    .iter()
                    .find(|c| h.starts_with(c.zh) || h == c.key)
                    .unwrap_or_else(|| panic!("{name}: header `{h}`"))
                    .key
            })
            .collect();
        let rows = &data.iter().find(|(k, _)| *k == kind).unwrap().1;
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (key, v) in row {
                let c = keys.iter().position(|k| k == key).unwrap() as u16;
                match *v {
                    V::S(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    V::N(n) => {
                        ws.write_number(r, c, n).unwrap();
                    }
                    V::Oct(day) => {
                        let d = ExcelDateTime::from_ymd(2026, 10, day).unwrap();
                        ws.write_datetime_with_format(r, c, &d, &date_format)
                            .unwrap();
                    }
                    V::Date(y, m, day) => {
                        let d = ExcelDateTime::from_ymd(y, m, day).unwrap();
                        ws.write_datetime_with_format(r, c, &d, &date_format)
                            .unwrap();
                    }
                }
            }
        }
    }
    wb.save(out).unwrap();
}

fn metric<'j>(json: &'j serde_json::Value, rm: usize, name: &str) -> &'j str {
    json["managers"][rm]["metrics"][name]
        .as_str()
        .unwrap_or("null")
}

#[test]
fn a_filled_template_passes_check_and_payroll() {
    let d = tempfile::tempdir().unwrap();
    let t = template(d.path(), "t.xlsx", &["--policy", POLICY_A]);
    let filled = d.path().join("2026-10.xlsx");
    fill(&t, &filled, true, false);
    let f = filled.to_str().unwrap();
    let o = run(&["check", "--policy", POLICY_A, "--ledger", f]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Every column was known: no "not part of the ledger contract" notes
    // (on stderr, with the warnings).
    assert_eq!(o.stderr, "");
    assert_eq!(
        o.stdout.lines().skip(1).collect::<Vec<_>>(),
        [format!(
            "{f}: ledger for 2026-10 is valid (2 managers, 3 client assignments)"
        )]
    );

    let out = d.path().join("out");
    let json = d.path().join("pay.json");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        f,
        "--out",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(out.join("pay-2026-10.xlsx").exists());
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    // Every sheet's figures arrived. C002's daily average is
    // (2,031,000 + 30 × 2,000,000) / 31 = 62,031,000 / 31 = 2,001,000.
    // RM001: C001 1,000,000 + 60% × 2,001,000 = 1,000,000 + 1,200,600 = 2,200,600.
    assert_eq!(metric(&j, 0, "deposit_daily_average"), "2200600");
    // RM002: 40% × 2,001,000 = 800,400.
    assert_eq!(metric(&j, 1, "deposit_daily_average"), "800400");
    assert_eq!(metric(&j, 0, "loan_balance"), "1500000");
    // 6,435 / 6,500 = 0.99.
    assert_eq!(metric(&j, 0, "collection_rate"), "0.99");
    assert_eq!(metric(&j, 0, "fee_income"), "12000");
    assert_eq!(metric(&j, 0, "new_basic_accounts"), "1");
    assert_eq!(metric(&j, 1, "incident_points"), "2");
    assert_eq!(metric(&j, 1, "incident_loss"), "3000");
    assert_eq!(
        j["managers"][0]["risk_account"]["opening"].as_str(),
        Some("4000.00")
    );
}

#[test]
fn a_template_filled_with_monthly_averages_passes_check() {
    // The daily-balance sheet is left blank, without its header.
    let d = tempfile::tempdir().unwrap();
    let t = template(d.path(), "t.xlsx", &["--lang", "en"]);
    let filled = d.path().join("averages.xlsx");
    fill(&t, &filled, false, true);
    let f = filled.to_str().unwrap();
    let o = run(&[
        "check", "--policy", POLICY_A, "--ledger", f, "--period", "2026-10",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout.lines().skip(1).collect::<Vec<_>>(),
        [format!(
            "{f}: ledger for 2026-10 is valid (2 managers, 3 client assignments)"
        )]
    );
}

#[test]
fn a_tier_list_too_long_for_a_validation_points_at_the_instructions() {
    // Policy A with a tier name holding a comma, which would split an
    // inline list in two.
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(POLICY_A).unwrap().replacen(
        r#"name = "初级客户经理""#,
        r#"name = "初级客户经理（一档,二档）""#,
        1,
    );
    assert!(text.contains("（一档,二档）"));
    let policy = d.path().join("policy.toml");
    std::fs::write(&policy, text).unwrap();
    let t = template(d.path(), "t.xlsx", &["--policy", policy.to_str().unwrap()]);
    let tier = lists(&sheet_xml(&t, 2))
        .into_iter()
        .find(|(cells, _)| cells == "C2:C1048576")
        .map(|(_, v)| v)
        .unwrap();
    let range = tier.strip_prefix("'填写说明'!$B$").unwrap();
    let (first, last) = range.split_once(":$B$").unwrap();
    let (first, last): (usize, usize) = (first.parse().unwrap(), last.parse().unwrap());
    // The cells it names hold the policy's six tiers.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&t).unwrap();
    let guide = wb.worksheet_range("填写说明").unwrap();
    let names: Vec<String> = (first..=last)
        .map(|r| guide.get_value((r as u32 - 1, 1)).unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "业务代办员",
            "暂定初级客户经理",
            "初级客户经理（一档,二档）",
            "中级客户经理",
            "高级客户经理",
            "支行行长"
        ]
    );
}
