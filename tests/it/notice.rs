//! The notices of a review's result (考核结果通知书, `rmpay review
//! --notices DIR`): one printable file per RM, read back cell by cell.
//!
//! The figures are the review's (computed by hand in `review.rs`,
//! `year_a_decisions_and_scores` and `policy_a_summary_reads_in_words`);
//! here they are checked where the notice puts them, beside what the
//! policy requires, and the notice's reasons against the summary's.

use super::util::run;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::{Path, PathBuf};

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const POLICY_B: &str = "rules/bocom-nanchang.toml";

fn ledgers_a(months: &[u32]) -> Vec<String> {
    months
        .iter()
        .map(|m| format!("fixtures/year-a/2026-{m:02}.xlsx"))
        .collect()
}

fn ledgers_b(months: &[u32]) -> Vec<String> {
    months
        .iter()
        .map(|m| format!("2026-{m:02}=fixtures/year-b/2026-{m:02}.xlsx"))
        .collect()
}

const YEAR: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/// `rmpay review … --year 2026 --out D/out --notices D/notices` plus
/// `extra`: the folder and the run.
fn review(
    policy: &str,
    ledgers: &[String],
    extra: &[&str],
) -> (tempfile::TempDir, super::util::Out) {
    let d = tempfile::tempdir().unwrap();
    let o = review_in(d.path(), policy, ledgers, extra);
    (d, o)
}

fn review_in(d: &Path, policy: &str, ledgers: &[String], extra: &[&str]) -> super::util::Out {
    let mut args: Vec<String> = vec!["review".into(), "--policy".into(), policy.into()];
    args.push("--ledgers".into());
    args.extend(ledgers.iter().cloned());
    args.extend(["--year".into(), "2026".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend([
        "--out".into(),
        d.join("out").display().to_string(),
        "--notices".into(),
        d.join("notices").display().to_string(),
    ]);
    run(&args)
}

/// The files in `dir`, sorted (nothing else: no temporary file left).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The rows of a workbook's first sheet (the notice's only one), each
/// cell as text, trailing empty cells dropped, empty rows left out.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    range
        .rows()
        .map(|r| {
            let mut cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => panic!(
                        "{}: a notice holds text only, found {other:?}",
                        path.display()
                    ),
                })
                .collect();
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            cells
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// The row whose first cell is `first`.
fn row<'r>(rows: &'r [Vec<String>], first: &str) -> &'r [String] {
    rows.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first:?} in {rows:#?}"))
}

/// The numbered reasons of a notice (`1. …`), numbers taken off.
fn reasons(rows: &[Vec<String>]) -> Vec<String> {
    let from = rows.iter().position(|r| r[0].starts_with("二、")).unwrap() + 1;
    rows[from..]
        .iter()
        .take_while(|r| !r[0].starts_with("三、"))
        .enumerate()
        .map(|(i, r)| {
            let prefix = format!("{}. ", i + 1);
            r[0].strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{:?} is not reason {}", r[0], i + 1))
                .to_string()
        })
        .collect()
}

/// The summary sheet's (RM id, name, reasons) rows.
fn summary(path: &Path, sheet: &str) -> Vec<(String, String, String)> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let all: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let last = all[0].len() - 1;
    all[1..]
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string(), r[last].to_string()))
        .collect()
}

/// Policy A's year: a notice for each of the nine RMs, named by the
/// period and the RM; each states the decision in words and gives the
/// summary's reasons, line for line, and nothing of any other RM.
#[test]
fn policy_a_notices_state_each_rms_decision_and_the_summarys_reasons() {
    let (d, o) = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("rmpay: 9 notice(s) of the review's result in "),
        "{}",
        o.stderr
    );
    let dir = d.path().join("notices");
    let mut everyone = summary(&d.path().join("out/review-2026.xlsx"), "考核汇总");
    // L01 left during the year: listed last in the summary, not assessed,
    // and given no notice of a result.
    assert_eq!(everyone.pop().map(|p| p.0), Some("L01".to_string()));
    let ids: Vec<&str> = everyone.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        ids,
        [
            "S01", "M01", "J01", "D01", "C01", "V01", "BH01", "AG01", "AG02"
        ]
    );
    let mut expected: Vec<String> = ids
        .iter()
        .map(|id| format!("notice-2026-{id}.xlsx"))
        .collect();
    expected.sort();
    assert_eq!(names(&dir), expected);

    for (id, name, why) in &everyone {
        let path = dir.join(format!("notice-2026-{id}.xlsx"));
        let r = rows(&path);
        assert_eq!(r[0], ["考核结果通知书"], "{id}");
        assert_eq!(
            r[2],
            [format!(
                "客户经理编号：{id}　姓名：{name}　考核期间：2026 年度（2026-01-01 至 2026-12-31）"
            )],
            "{id}"
        );
        // The summary's reasons, one numbered line each.
        assert_eq!(reasons(&r), why.lines().collect::<Vec<_>>(), "{id}");
        // Nothing of anyone else: no other RM's id or name in any cell.
        for (other, other_name, _) in everyone.iter().filter(|p| p.0 != *id) {
            for cell in r.iter().flatten() {
                assert!(
                    !cell.contains(other.as_str()) && !cell.contains(other_name.as_str()),
                    "{id}'s notice names {other} {other_name}: {cell:?}"
                );
            }
        }
    }

    // M01, mid: 83.14 < 85 → demoted to junior; the score beside both of
    // its lines, each component beside its target and points (20 + 30 +
    // 26 + 7.14 = 83.14: 36 − 2 × 8 whole points of growth short = 20 … as
    // in year_a_decisions_and_scores; 10 × 5 ÷ 7 = 7.14).
    let m = rows(&dir.join("notice-2026-M01.xlsx"));
    assert_eq!(row(&m, "考核前等级：中级客户经理").len(), 1);
    assert_eq!(row(&m, "考核结论：降级").len(), 1);
    assert_eq!(row(&m, "考核后等级：初级客户经理").len(), 1);
    assert_eq!(
        row(&m, "综合得分"),
        [
            "综合得分",
            "83.14 分",
            "低于降级线 85 分 → 降级（A-14-2-score-85）\n低于解聘线 70 分 → 解聘（A-14-2-score-70）"
        ]
    );
    assert_eq!(
        row(&m, "　其中：收息率"),
        [
            "　其中：收息率",
            "99.80%",
            "收息率目标 99.50%（A-13-3）\n低于降级线 99.00% → 降级（A-14-2-collection）",
            "得分 26 分"
        ]
    );
    assert_eq!(
        row(&m, "　其中：新开对公基本户"),
        [
            "　其中：新开对公基本户",
            "5",
            "新开对公基本户目标 7（A-13-4-rm）",
            "得分 7.14 分"
        ]
    );
    // A rule on months says the figure shown is the period's.
    assert_eq!(
        row(&m, "存款占基数比"),
        [
            "存款占基数比",
            "120.00%",
            "连续 3 个月低于 90.00% → 降级（A-14-2-below-base）",
            "考核期数值；各月数值见决定理由"
        ]
    );
    // Signed and dated by hand: no date is printed.
    assert_eq!(
        row(&m, "本人签字："),
        [
            "本人签字：",
            "＿＿＿＿＿＿＿＿＿＿",
            "日期：＿＿＿＿年＿＿月＿＿日"
        ]
    );

    // J01: 64 < 70 → terminated, no tier after.
    let j = rows(&dir.join("notice-2026-J01.xlsx"));
    assert_eq!(row(&j, "考核结论：解聘").len(), 1);
    assert_eq!(row(&j, "考核后等级：—（解聘）").len(), 1);

    // BH01 is assessed on the branch: its deposits say so; the head's
    // "two years running" rule decides only with last year's result, so
    // it is given once, whole.
    let h = rows(&dir.join("notice-2026-BH01.xlsx"));
    assert_eq!(
        row(&h, "存款日均"),
        ["存款日均", "25,400,000.00", "—", "全支行"]
    );
    assert_eq!(
        row(&h, "行长连续两年不达标"),
        [
            "行长连续两年不达标",
            "",
            "上年考核已降级且（综合得分低于 90 分，或不良率高于 10.00%，或存款增长率低于 27.00%，或收息率低于 89.55%） → 解聘（A-14-1-head-twice）"
        ]
    );

    // AG01, an agent in post 6 months with 16,000,000.00: its promotion
    // rule, whole, beside the months it has served.
    let a = rows(&dir.join("notice-2026-AG01.xlsx"));
    assert_eq!(row(&a, "考核后等级：初级客户经理").len(), 1);
    assert_eq!(row(&a, "在岗月数")[1], "6 个月");
    assert_eq!(
        row(&a, "业务代办员晋升")[2],
        "（在岗月数不高于 6 个月且存款日均达到 8,000,000.00），或（在岗月数不高于 12 个月且存款日均达到 6,000,000.00） → 晋升（A-21-agent-promotion）"
    );
}

/// Policy B's third quarter: N07 (grade 4) meets grade 3 by its
/// settlements, 1,500,000.00 against the year's 5,000,000.00 × 3 ÷ 12 =
/// 1,250,000.00, and the pass line, 16,000,000.00 ≥ 15,000,000.00; its
/// staff grade goes from 9 to 8. The same notice in English.
#[test]
fn policy_b_quarter_notice_gives_the_deciding_grade_item_by_item() {
    let (d, o) = review(POLICY_B, &ledgers_b(&[7, 8, 9]), &["--quarter", "3"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let dir = d.path().join("notices");
    assert_eq!(names(&dir).len(), 7);
    let n = rows(&dir.join("notice-2026-Q3-N07.xlsx"));
    assert_eq!(
        n[2],
        ["客户经理编号：N07　姓名：陶然　考核期间：2026 年第 3 季度（2026-07-01 至 2026-09-30）"]
    );
    assert_eq!(
        row(&n, "考核前等级：四级客户经理（行员等级 9 等）").len(),
        1
    );
    // The key figures' amounts are in yuan, said above their table (they
    // were printed with no unit on the page: fifth independent test).
    let key = n.iter().position(|r| r[0].starts_with("三、")).unwrap();
    assert_eq!(n[key + 1], ["", "", "", "单位：元"]);
    assert_eq!(row(&n, "考核结论：晋升").len(), 1);
    assert_eq!(
        row(&n, "考核后等级：三级客户经理（行员等级 8 等）").len(),
        1
    );
    assert_eq!(
        row(&n, "对照等级：三级客户经理"),
        [
            "对照等级：三级客户经理",
            "本人数值",
            "办法要求（需满足 1 项）",
            "符合"
        ]
    );
    assert_eq!(
        row(&n, "国际结算(美元)"),
        [
            "国际结算(美元)",
            "1,500,000.00",
            "≥ 1,250,000.00（全年 5,000,000.00 × 3 ÷ 12）",
            "满足"
        ]
    );
    assert_eq!(
        row(&n, "在岗最低及格线（单户日均 500,000.00 及以上的客户）"),
        [
            "在岗最低及格线（单户日均 500,000.00 及以上的客户）",
            "16,000,000.00",
            "≥ 15,000,000.00",
            "满足"
        ]
    );

    let (d, o) = review(
        POLICY_B,
        &ledgers_b(&[7, 8, 9]),
        &["--quarter", "3", "--lang", "en"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let n = rows(&d.path().join("notices/notice-2026-Q3-N07.xlsx"));
    assert_eq!(n[0], ["Notice of review result"]);
    assert_eq!(
        n[2],
        ["RM id: N07   Name: 陶然   Period: 2026 Q3 (2026-07-01 to 2026-09-30)"]
    );
    assert_eq!(row(&n, "Decision: promote").len(), 1);
    assert_eq!(row(&n, "Tier after: Grade 3 RM (staff grade 8)").len(), 1);
    assert_eq!(
        row(&n, "international settlement volume, USD"),
        [
            "international settlement volume, USD",
            "1,500,000.00",
            "≥ 1,250,000.00 (the year's 5,000,000.00 × 3 ÷ 12)",
            "held"
        ]
    );
}

/// The same review twice gives the same bytes in every notice; a review
/// refused writes no notice; a notice that cannot be put in place takes
/// the review's workbook and every other notice with it.
#[test]
fn notices_are_the_same_bytes_twice_and_written_with_the_review_or_not_at_all() {
    let (a, o) = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (b, o) = review(POLICY_A, &ledgers_a(&YEAR), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let files = names(&a.path().join("notices"));
    assert_eq!(files.len(), 9);
    for f in &files {
        assert_eq!(
            std::fs::read(a.path().join("notices").join(f)).unwrap(),
            std::fs::read(b.path().join("notices").join(f)).unwrap(),
            "{f}"
        );
    }

    // December missing: refused (exit 1), nothing written.
    let (d, o) = review(POLICY_A, &ledgers_a(&YEAR[..11]), &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("nothing was written"), "{}", o.stderr);
    assert!(!d.path().join("out").exists());
    assert!(!d.path().join("notices").exists());

    // S01's place is taken by a folder: its rename fails after the
    // workbook and the notices before it went into place; all are taken
    // back, and the folders the run made are removed.
    let d = tempfile::tempdir().unwrap();
    let blocked: PathBuf = d.path().join("notices/notice-2026-S01.xlsx");
    std::fs::create_dir_all(&blocked).unwrap();
    let o = review_in(d.path(), POLICY_A, &ledgers_a(&YEAR), &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("notice-2026-S01.xlsx"), "{}", o.stderr);
    assert!(!d.path().join("out").exists());
    assert_eq!(names(&d.path().join("notices")), ["notice-2026-S01.xlsx"]);
}

/// How a notice prints: one A4 portrait page (fitted), its title centred,
/// and every row of text as tall as its lines: at least 14 points for each
/// line its text needs at two width units a CJK character, across the page
/// or in its column.
#[test]
fn a_notice_prints_on_one_a4_page_titled_with_its_text_whole() {
    use std::io::Read;
    let (d, o) = review(POLICY_B, &ledgers_b(&YEAR), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // N03: the longest reason of the fixtures (twelve months of NPL).
    let path = d.path().join("notices/notice-2026-N03.xlsx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{xml}");
    assert!(
        xml.contains("<pageSetup paperSize=\"9\" orientation=\"portrait\""),
        "{xml}"
    );
    // The title (A1, merged across the page) is centred, as on a form.
    let a1 = xml.split("<c r=\"A1\" s=\"").nth(1).unwrap();
    let style: usize = a1[..a1.find('"').unwrap()].parse().unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    let xfs = styles.split("<cellXfs").nth(1).unwrap();
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let xf = &xf[..xf.find("</xf>").or_else(|| xf.find("/>")).unwrap()];
    assert!(xf.contains("horizontal=\"center\""), "A1's format: {xf}");
    // Column widths, then each row's height and its cells' text.
    let widths: Vec<f64> = xml
        .split("<col ")
        .skip(1)
        .map(|c| {
            let w = c.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    let page: f64 = widths.iter().sum();
    let shown = |s: &str| -> f64 {
        s.chars()
            .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
            .sum()
    };
    let r = rows(&path);
    let heights: Vec<f64> = xml
        .split("<row ")
        .skip(1)
        .filter(|x| x.contains("<c "))
        .map(|x| {
            let tag = &x[..x.find('>').unwrap()];
            tag.split("ht=\"")
                .nth(1)
                .map_or(15.0, |h| h[..h.find('"').unwrap()].parse().unwrap())
        })
        .collect();
    assert_eq!(heights.len(), r.len(), "rows with cells");
    let reason = r.iter().position(|x| x[0].starts_with("1. ")).unwrap();
    assert!(
        shown(&r[reason][0]) > 2.0 * page,
        "a reason of three lines or more"
    );
    for (cells, ht) in r.iter().zip(&heights) {
        // A lone cell spans the page; others wrap in their column.
        let lines = if cells.len() == 1 {
            cells[0]
                .lines()
                .map(|l| (shown(l) / page).ceil().max(1.0))
                .sum::<f64>()
        } else {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    c.lines()
                        .map(|l| (shown(l) / w).ceil().max(1.0))
                        .sum::<f64>()
                })
                .fold(1.0, f64::max)
        };
        // (Heights are stored in whole pixels, 0.75 pt: 28 pt is 27.75.)
        assert!(
            *ht + 0.75 >= 14.0 * lines,
            "{cells:?}: {ht} pt for {lines} lines"
        );
    }
}
