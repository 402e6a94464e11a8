//! Forms that can be filed: what the printed pages of every workbook carry,
//! read from the workbook's XML (page header and footer, print titles,
//! page breaks, scale). The pages themselves are checked by printing
//! through LibreOffice, by hand: it is not on every machine.

use super::util::{rmpay, root};
use std::io::Read;
use std::path::Path;

/// One sheet of a workbook: its name and its XML.
struct SheetXml {
    name: String,
    xml: String,
}

/// The workbook's `xl/workbook.xml` and its sheets, in order.
fn parts(path: &Path) -> (String, Vec<SheetXml>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{}: {name}: {e}", path.display()))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let book = read("xl/workbook.xml");
    let names: Vec<String> = book
        .split("<sheet ")
        .skip(1)
        .map(|s| attr(s, "name").unwrap_or_default())
        .collect();
    let sheets = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| SheetXml {
            xml: read(&format!("xl/worksheets/sheet{}.xml", i + 1)),
            name,
        })
        .collect();
    (book, sheets)
}

/// The value of attribute `name` in the element text `s` starts with.
fn attr(s: &str, name: &str) -> Option<String> {
    // (A leading space, for text cut just after the element's name.)
    let tag = format!(" {}", &s[..s.find('>')?]);
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[at..].find('"')?;
    Some(tag[at..at + len].to_string())
}

/// The text of the first element `tag` in `xml`.
fn element<'x>(xml: &'x str, tag: &str) -> Option<&'x str> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + len])
}

/// The print titles defined for the sheet at `index`.
fn print_titles(book: &str, index: usize) -> Option<String> {
    book.split("<definedName ")
        .skip(1)
        .find(|d| {
            attr(d, "name").as_deref() == Some("_xlnm.Print_Titles")
                && attr(d, "localSheetId") == Some(index.to_string())
        })
        .map(|d| d[d.find('>').unwrap() + 1..d.find("</definedName>").unwrap()].to_string())
}

/// The rows (0-based) that start a new page by a manual break.
fn row_breaks(xml: &str) -> Vec<u32> {
    let Some(breaks) = element(xml, "rowBreaks").or_else(|| {
        let start = xml.find("<rowBreaks ")?;
        let end = xml[start..].find("</rowBreaks>")?;
        Some(&xml[start..start + end])
    }) else {
        return Vec::new();
    };
    // `<brk id="24" …/>`: the break is after row 24 (1-based), so row 24
    // (0-based) starts the page.
    breaks
        .split("<brk ")
        .skip(1)
        .map(|b| attr(b, "id").unwrap().parse().unwrap())
        .collect()
}

/// Each row's (0-based) height in points, from `<row r="N" … ht="H">`, the
/// spreadsheet's default (15) where none is given.
fn row_heights(xml: &str) -> Vec<f64> {
    let mut heights = Vec::new();
    for r in xml.split("<row ").skip(1) {
        let n: usize = attr(r, "r").unwrap().parse().unwrap();
        let ht = attr(r, "ht").map_or(15.0, |h| h.parse().unwrap());
        heights.resize(n - 1, 15.0);
        heights.push(ht);
    }
    heights
}

/// Every sheet of the workbook at `path` prints with the book's title and
/// unit in its page header and the page number and count in its footer;
/// every sheet with a header row repeats it on every page.
pub fn check_printable(path: &Path) {
    let (book, sheets) = parts(path);
    for (i, s) in sheets.iter().enumerate() {
        let at = format!("{} [{}]", path.display(), s.name);
        let hf = element(&s.xml, "headerFooter").unwrap_or_else(|| panic!("{at}: no page header"));
        let header = element(hf, "oddHeader").unwrap_or_else(|| panic!("{at}: no page header"));
        let footer = element(hf, "oddFooter").unwrap_or_else(|| panic!("{at}: no page footer"));
        // The sheet's name, the book's title, the unit.
        assert!(header.starts_with("&amp;L&amp;A&amp;C"), "{at}: {header}");
        assert!(
            header.contains("&amp;R单位：元") || header.contains("&amp;RUnit: CNY"),
            "{at}: {header}"
        );
        let title = &header["&amp;L&amp;A&amp;C".len()..header.find("&amp;R").unwrap()];
        assert!(title.chars().count() > 4, "{at}: no title in {header}");
        // 第 &P 页 共 &N 页 / Page &P of &N.
        assert!(
            footer == "&amp;C第 &amp;P 页 共 &amp;N 页" || footer == "&amp;CPage &amp;P of &amp;N",
            "{at}: {footer}"
        );
        assert!(s.xml.contains("paperSize=\"9\""), "{at}: not A4");
        // A sheet with a header row repeats it; the strips have none.
        let header_row = s.xml.contains("<pane ") && s.xml.contains("ySplit=\"1\"");
        if header_row {
            let titles = print_titles(&book, i).unwrap_or_else(|| panic!("{at}: no print titles"));
            assert!(titles.ends_with("!$1:$1"), "{at}: print titles {titles}");
        }
    }
}

/// October's pay workbook for the fixture branch, in `lang`.
fn pay_workbook(d: &Path, lang: &str) -> std::path::PathBuf {
    let o = rmpay()
        .args([
            "payroll",
            "--policy",
            "rules/city-commercial-bank.toml",
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--lang",
            lang,
            "--out",
        ])
        .arg(d)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    d.join("pay-2026-10.xlsx")
}

fn sheet<'s>(sheets: &'s [SheetXml], name: &str) -> (usize, &'s SheetXml) {
    sheets
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

/// The printable height of a landscape A4 page at 100%, in points: 595
/// less the top and bottom margins of 0.75 in (54 pt) each.
const LANDSCAPE_ROOM_PT: f64 = 595.0 - 2.0 * 54.0;

/// The fixture's nine strips print four to a page: every manual page break
/// falls on a strip's title row, and no page holds more rows than fit on
/// it.
#[test]
fn pay_strips_break_only_between_strips() {
    let d = tempfile::tempdir().unwrap();
    for lang in ["zh", "en"] {
        let path = pay_workbook(&d.path().join(lang), lang);
        check_printable(&path);
        let (_, sheets) = parts(&path);
        let (_, strips) = sheet(
            &sheets,
            if lang == "zh" {
                "工资条"
            } else {
                "Pay strips"
            },
        );
        // Title rows: one per strip, 20 points tall (written as 27 pixels,
        // 20.25 points).
        let heights = row_heights(&strips.xml);
        let titles: Vec<u32> = (0..heights.len() as u32)
            .filter(|&r| heights[r as usize] == 20.25)
            .collect();
        // Strips of 6 rows: title 20 + header 30 + amounts, deposit, year
        // to date and a blank line 4 × 15 = 110 pt. 4 × 110 = 440 pt fit
        // in 487 × 0.95 = 462.65, a fifth (550) does not: pages start at
        // rows 24 and 48 (strips 5 and 9).
        assert_eq!(titles, [0, 6, 12, 18, 24, 30, 36, 42, 48], "{lang}");
        let breaks = row_breaks(&strips.xml);
        assert_eq!(breaks, [24, 48], "{lang}");
        for b in &breaks {
            assert!(
                titles.contains(b),
                "{lang}: break before row {b}, inside a strip"
            );
        }
        let mut starts = vec![0];
        starts.extend(&breaks);
        starts.push(heights.len() as u32);
        for w in starts.windows(2) {
            let page: f64 = heights[w[0] as usize..w[1] as usize].iter().sum();
            assert!(
                page <= LANDSCAPE_ROOM_PT,
                "{lang}: rows {w:?} take {page} pt"
            );
        }
    }
}

/// The trace prints at 80% (11-point text at 8.8 points), not shrunk to
/// one page wide, in column groups, the RM id and figure columns and the
/// header row repeated on every page.
#[test]
fn the_trace_prints_readable_in_column_groups() {
    let d = tempfile::tempdir().unwrap();
    let path = pay_workbook(d.path(), "zh");
    let (book, sheets) = parts(&path);
    let (i, trace) = sheet(&sheets, "计算过程");
    let setup = &trace.xml[trace.xml.find("<pageSetup ").unwrap()..];
    assert_eq!(attr(setup, "scale").as_deref(), Some("80"));
    assert_eq!(attr(setup, "orientation").as_deref(), Some("landscape"));
    assert_eq!(attr(setup, "pageOrder").as_deref(), Some("overThenDown"));
    assert!(!trace.xml.contains("fitToPage"), "shrunk to fit");
    assert_eq!(
        print_titles(&book, i).as_deref(),
        Some("计算过程!$A:$B,计算过程!$1:$1")
    );
    // The register still fits one page wide.
    let (_, register) = sheet(&sheets, "工资汇总");
    assert!(register.xml.contains("fitToPage=\"1\""));
}

/// The empty ledger workbook prints its title, unit and page numbers too.
#[test]
fn the_template_prints_title_and_page_numbers() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("t.xlsx");
    let o = rmpay()
        .args(["template", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, sheets) = parts(&out);
    for s in &sheets {
        let header = element(&s.xml, "oddHeader").unwrap_or_else(|| panic!("{}", s.name));
        assert!(
            header.ends_with("&amp;R单位：元（另有注明的除外）"),
            "{}: {header}",
            s.name
        );
        assert_eq!(
            element(&s.xml, "oddFooter"),
            Some("&amp;C第 &amp;P 页 共 &amp;N 页"),
            "{}",
            s.name
        );
    }
}

/// The review summary (考核汇总), as a committee prints it: landscape A4,
/// one page wide, the header row on every page, and each RM's row as
/// tall as its reasons wrap in their column: at least 15 points for each
/// line a reason needs at two width units a CJK character (LibreOffice
/// and Excel set them narrower), so no reason is cut short and the next
/// RM's row starts below it. Both policies, in both languages (English
/// wraps longest).
#[test]
fn the_review_summary_prints_every_reason_whole_on_pages_one_wide() {
    use calamine::{Reader, Xlsx, open_workbook};
    let d = tempfile::tempdir().unwrap();
    let ledgers = |dir: &str, named: bool| -> Vec<String> {
        (1..=12)
            .map(|m| {
                let f = format!("fixtures/{dir}/2026-{m:02}.xlsx");
                if named { format!("2026-{m:02}={f}") } else { f }
            })
            .collect()
    };
    let runs = [
        (
            "rules/city-commercial-bank.toml",
            ledgers("year-a", false),
            "zh",
            "考核汇总",
        ),
        (
            "rules/bocom-nanchang.toml",
            ledgers("year-b", true),
            "zh",
            "考核汇总",
        ),
        (
            "rules/city-commercial-bank.toml",
            ledgers("year-a", false),
            "en",
            "Summary",
        ),
        (
            "rules/bocom-nanchang.toml",
            ledgers("year-b", true),
            "en",
            "Summary",
        ),
    ];
    for (i, (policy, ledgers, lang, name)) in runs.iter().enumerate() {
        let out = d.path().join(i.to_string());
        let o = rmpay()
            .args([
                "review",
                "--policy",
                policy,
                "--year",
                "2026",
                "--lang",
                lang,
                "--ledgers",
            ])
            .args(ledgers)
            .arg("--out")
            .arg(&out)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let path = out.join("review-2026.xlsx");
        check_printable(&path);
        let (book, sheets) = parts(&path);
        let (ix, summary) = sheet(&sheets, name);
        let at = format!("{policy} {lang}");
        let setup = &summary.xml[summary.xml.find("<pageSetup ").unwrap()..];
        assert_eq!(attr(setup, "paperSize").as_deref(), Some("9"), "{at}");
        assert_eq!(
            attr(setup, "orientation").as_deref(),
            Some("landscape"),
            "{at}"
        );
        // One page wide, as many down as it takes.
        assert!(
            summary.xml.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "{at}"
        );
        assert_eq!(attr(setup, "fitToHeight").as_deref(), Some("0"), "{at}");
        assert_eq!(attr(setup, "fitToWidth"), None, "{at}: 1 by default");
        assert_eq!(
            print_titles(&book, ix),
            Some(format!("{name}!$1:$1")),
            "{at}"
        );
        // The reasons column: the last, wrapping in its width.
        let cols: Vec<&str> = summary.xml.split("<col ").skip(1).collect();
        let width: f64 = attr(cols.last().unwrap(), "width")
            .unwrap()
            .parse()
            .unwrap();
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let range = wb.worksheet_range(name).unwrap();
        let heights = row_heights(&summary.xml);
        let shown = |s: &str| -> f64 {
            s.chars()
                .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                .sum()
        };
        for (r, row) in range.rows().enumerate().skip(1) {
            let why = row.last().unwrap().to_string();
            let lines: f64 = why
                .lines()
                .map(|l| (shown(l) / width).ceil().max(1.0))
                .sum();
            assert!(
                heights[r] >= 15.0 * lines,
                "{at}: {}'s row is {} pt for {lines} lines: {why:?}",
                row[0],
                heights[r]
            );
        }
    }
}

/// A month's trace has a row for each client of each RM, most of them
/// wrapped over several lines. rust_xlsxwriter keeps a record for every
/// row given a height of its own until the book is saved, so a big trace
/// gives most rows the sheet's default height, as tall as most rows need:
/// at most an eighth of the rows (or 1,024) have a height of their own,
/// and no row is shorter than its text.
#[test]
fn a_big_trace_has_a_default_row_height_and_no_row_shorter_than_its_text() {
    use rust_xlsxwriter::Workbook;
    // 1,500 clients, a trace row each (most of the sheet's rows, and more
    // wrapped rows than the 1,024 that may always have their own height).
    const CLIENTS: u32 = 1_500;
    let d = tempfile::tempdir().unwrap();
    let ledger = d.path().join("2026-10.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("客户经理").unwrap();
    for (c, h) in ["客户经理编号", "姓名", "等级"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, name)) in [("RM001", "张伟"), ("RM002", "李娜"), ("RM003", "王强")]
        .iter()
        .enumerate()
    {
        ws.write_string(r as u32 + 1, 0, *id).unwrap();
        ws.write_string(r as u32 + 1, 1, *name).unwrap();
        ws.write_string(r as u32 + 1, 2, "中级客户经理").unwrap();
    }
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("管户关系").unwrap();
    ws.write_string(0, 0, "客户编号").unwrap();
    ws.write_string(0, 1, "客户经理编号").unwrap();
    for k in 1..=CLIENTS {
        ws.write_string(k, 0, format!("C{k:05}")).unwrap();
        ws.write_string(k, 1, format!("RM00{}", 1 + k % 3)).unwrap();
    }
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("存款月日均").unwrap();
    for (c, h) in ["客户编号", "产品", "月日均余额"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for k in 1..=CLIENTS {
        ws.write_string(k, 0, format!("C{k:05}")).unwrap();
        ws.write_string(k, 1, "活期").unwrap();
        ws.write_number(k, 2, f64::from(1000 * k)).unwrap();
    }
    wb.save(&ledger).unwrap();
    let out = d.path().join("out");
    let o = rmpay()
        .args(["payroll", "--period", "2026-10", "--policy"])
        .arg(root().join("rules/city-commercial-bank.toml"))
        .arg("--ledger")
        .arg(&ledger)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let path = out.join("pay-2026-10.xlsx");
    let (_, sheets) = parts(&path);
    let (_, trace) = sheet(&sheets, "计算过程");
    let format = &trace.xml[trace.xml.find("<sheetFormatPr ").unwrap()..];
    let default: f64 = attr(format, "defaultRowHeight").unwrap().parse().unwrap();
    // Each row's height in points, by row number.
    let heights: std::collections::BTreeMap<u32, f64> = trace
        .xml
        .split("<row ")
        .skip(1)
        .map(|r| {
            let n: u32 = attr(r, "r").unwrap().parse().unwrap();
            (n, attr(r, "ht").map_or(default, |h| h.parse().unwrap()))
        })
        .collect();
    let bytes = std::fs::read(&path).unwrap();
    let cells = rmpay::ledger::dump::xlsx_cells(&bytes).unwrap();
    let (_, cells) = cells.iter().find(|(n, _)| n == "计算过程").unwrap();
    // The input values (column G, wrapped at 52 characters) below the header.
    let values: Vec<(u32, &str)> = cells
        .iter()
        .filter_map(|(at, v)| Some((at.strip_prefix('G')?.parse().ok()?, v.as_str())))
        .filter(|(n, _)| *n > 1)
        .collect();
    let rows = heights.keys().filter(|n| **n > 1).count();
    assert!(rows > CLIENTS as usize, "{rows} rows");
    // 16.5 points a line (the writer's WRAP_LINE_PT).
    let wrapped = values
        .iter()
        .filter(|(_, v)| rmpay::report::wrapped_lines(v, 52.0) > 1)
        .count();
    assert!(wrapped > rows / 2, "most rows wrap: {wrapped} of {rows}");
    let own = heights
        .iter()
        .filter(|(n, h)| **n > 1 && **h != default)
        .count();
    assert!(
        own <= (rows / 8).max(1024),
        "{own} of {rows} rows have their own height"
    );
    assert!(default > 15.0, "default row height {default}");
    for (n, v) in &values {
        let need = 16.5 * rmpay::report::wrapped_lines(v, 52.0) as f64;
        assert!(
            heights[n] >= need,
            "row {n}: {} pt for {need} pt: {v}",
            heights[n]
        );
    }
}

/// A register's header row is as tall as its longest header wraps to: a
/// correction's column names its period, version, figure and reason
/// (`2026-09第2版调整：两费津贴（吴六9月已聘为二级，台账误记四级）`), and at
/// the two lines of other headers the print showed only its middle, the
/// period and version cut off. Policy B: September closed with M2 at 四级
/// (160), restated at 二级 (200); October's register pays the 40.00.
#[test]
fn a_registers_adjustment_header_prints_whole() {
    use super::review_rules::{moved_client_month, write_month};
    use super::util::run;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let ledger = |sub: &str, p: &str, sheets| {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        let arg = write_month(&dir.join(sub), p, sheets);
        arg.split_once('=').unwrap().1.to_string()
    };
    let sep = ledger("given", "2026-09", moved_client_month(9));
    let oct = ledger("given", "2026-10", moved_client_month(10));
    let mut fixed = moved_client_month(9);
    fixed[0].2[1][2] = super::review_rules::sheet::V::S("二级");
    let corrected = ledger("corrected", "2026-09", fixed);
    let archive = dir.join("archive").display().to_string();
    let out = dir.join("out").display().to_string();
    let policy = "rules/bocom-nanchang.toml";
    for args in [
        vec![
            "close",
            "--archive",
            &archive,
            "--policy",
            policy,
            "--ledger",
            &sep,
            "--period",
            "2026-09",
        ],
        vec![
            "restate",
            "--archive",
            &archive,
            "--period",
            "2026-09",
            "--ledger",
            &corrected,
            "--reason",
            "吴六9月已聘为二级，台账误记四级",
        ],
        vec![
            "payroll",
            "--archive",
            &archive,
            "--policy",
            policy,
            "--ledger",
            &oct,
            "--period",
            "2026-10",
            "--out",
            &out,
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.code, 0, "{args:?}\n{}", o.stderr);
    }
    let (_, sheets) = parts(&dir.join("out/pay-2026-10.xlsx"));
    let register = &sheets[0];
    {
        use calamine::{Reader, Xlsx, open_workbook};
        let mut book: Xlsx<_> = open_workbook(dir.join("out/pay-2026-10.xlsx")).unwrap();
        let range = book.worksheet_range(&register.name).unwrap();
        let headers: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert!(
            headers.contains(
                &"2026-09第2版调整：两费津贴（吴六9月已聘为二级，台账误记四级）".to_string()
            ),
            "{headers:?}"
        );
    }
    // The header is 36 characters, 27 of them Chinese (two units wide
    // each): about 63 units in a column of about 19, so 4 lines of 16.5
    // points = 66 points at least; other headers wrap to 2 lines (30).
    let heights = row_heights(&register.xml);
    assert!(heights[0] >= 66.0, "header row {} points", heights[0]);
}

/// Each column's width in characters (0-based), from the sheet's
/// `<col min max width>` elements.
fn column_widths(xml: &str) -> Vec<f64> {
    let mut widths = Vec::new();
    for c in xml.split("<col ").skip(1) {
        let min: usize = attr(c, "min").unwrap().parse().unwrap();
        let max: usize = attr(c, "max").unwrap().parse().unwrap();
        let w: f64 = attr(c, "width").unwrap().parse().unwrap();
        widths.resize(max.max(widths.len()), 8.43);
        for slot in &mut widths[min - 1..max] {
            *slot = w;
        }
    }
    widths
}

/// The grading workbook's figures print whole: the trace (计算过程) shows
/// each year's figure to six places (the quotient its rules compare), so
/// its value column holds `260,000,000.000000` (18 characters), which a
/// column of 16 printed and showed as `###`; its rule column holds the
/// review's settings by id (`review.collection_rate_when_nothing_due`);
/// and the grade criteria (等级条件) say `满足 1 项（需 2 项）` in a column
/// of 10, cut by the next cell. Found printing a branch's year under
/// Policy B through LibreOffice (fifth independent test).
#[test]
fn the_grading_workbooks_figures_and_counts_fit_their_columns() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let d = tempfile::tempdir().unwrap();
    let ledgers: Vec<String> = (1..=12)
        .map(|m| format!("2026-{m:02}=fixtures/year-b/2026-{m:02}.xlsx"))
        .collect();
    // A CJK character takes two width units (the summary's test above).
    let shown = |s: &str| -> f64 {
        s.chars()
            .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
            .sum()
    };
    for (lang, trace, criteria) in [
        ("zh", "计算过程", "等级条件"),
        ("en", "Trace", "Grade criteria"),
    ] {
        let out = d.path().join(lang);
        let o = rmpay()
            .args([
                "review",
                "--policy",
                "rules/bocom-nanchang.toml",
                "--year",
                "2026",
                "--lang",
                lang,
                "--ledgers",
            ])
            .args(&ledgers)
            .arg("--out")
            .arg(&out)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let path = out.join("review-2026.xlsx");
        let (_, sheets) = parts(&path);
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();

        // The trace: value (D) and rule (C) columns.
        let widths = column_widths(&sheet(&sheets, trace).1.xml);
        let range = wb.worksheet_range(trace).unwrap();
        let (mut widest, mut longest_rule) = (String::new(), String::new());
        for row in range.rows().skip(1) {
            if let Data::Float(v) = row[3] {
                // At most six places, with separators: `#,##0.000000`.
                let s = format!("{v:.6}");
                let (int, frac) = s.split_once('.').unwrap();
                let mut grouped = String::new();
                for (i, ch) in int.chars().enumerate() {
                    if i > 0 && (int.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(ch);
                }
                let s = format!("{grouped}.{frac}");
                if s.len() > widest.len() {
                    widest = s;
                }
            }
            let rule = row[2].to_string();
            if rule.len() > longest_rule.len() {
                longest_rule = rule;
            }
        }
        assert!(
            widest.len() >= 18,
            "{lang}: the fixture's year has a figure of 100 million and more: {widest}"
        );
        assert!(
            widest.len() as f64 <= widths[3],
            "{lang}: {widest} ({} characters) in a value column of {}",
            widest.len(),
            widths[3]
        );
        assert!(
            shown(&longest_rule) <= widths[2],
            "{lang}: rule {longest_rule} in a rule column of {}",
            widths[2]
        );

        // The grade criteria: held / needed (J), before the excluded clients.
        let widths = column_widths(&sheet(&sheets, criteria).1.xml);
        let range = wb.worksheet_range(criteria).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let j = header
            .iter()
            .position(|h| h == "满足项数" || h == "Held / needed")
            .unwrap();
        let mut counts = 0;
        for row in range.rows().skip(1) {
            let count = row[j].to_string();
            if count.is_empty() {
                continue;
            }
            counts += 1;
            assert!(
                shown(&count) <= widths[j],
                "{lang}: {count:?} in a column of {}",
                widths[j]
            );
        }
        assert!(counts > 0, "{lang}: no grade tried");
    }
}
