//! The deposits sheet read by two parsers at once (`ledger/unzip/split.rs`):
//! every way the split is refused reads the sheet once, whole, with the
//! single read's result; and on generated sheets (rows straddling the
//! cut, duplicates across it, errors on both sides, a failure in the
//! second half) the split read and the single read give the same ledger
//! and the same diagnostics, word for word.

use super::writers::split_route;
use proptest::prelude::*;
use rmpay::ledger::unzip::{SPLIT_MIN, Single, SplitRoute};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The deposits sheet of the writers' fixtures.
const DEPOSITS: &str = "xl/worksheets/sheet3.xml";

fn fixture(name: &str) -> PathBuf {
    super::util::root().join("fixtures/writers").join(name)
}

/// `src` with its deposits sheet made `edit(sheet)`, every member
/// deflated, as `2026-10.xlsx` in a folder of its own.
fn with_deposits(src: &Path, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == DEPOSITS {
            data = edit(std::str::from_utf8(&data).unwrap()).into_bytes();
        }
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap();
    (dir, path)
}

/// Where a split of `xml` would cut it: the first `<row ` past the middle
/// after `</row>`.
fn cut_of(xml: &str) -> usize {
    let mid = xml.len() / 2;
    mid + xml[mid..].find("</row><row ").unwrap() + "</row>".len()
}

/// The row number of the row tag at `at`.
fn row_at(xml: &str, at: usize) -> u32 {
    let rest = &xml[at + r#"<row r=""#.len()..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

fn route_of(edit: impl Fn(&str) -> String) -> SplitRoute {
    let (_dir, path) = with_deposits(&fixture("openpyxl.xlsx"), edit);
    split_route(&path, SPLIT_MIN)
}

#[test]
fn the_fixture_as_it_is_is_split() {
    assert_eq!(route_of(|x| x.to_string()), SplitRoute::Split);
}

#[test]
fn markup_before_the_cut_reads_the_sheet_whole() {
    // A comment holding a row tag past the middle, before the cut: were
    // it the cut, the halves would not be the sheet's.
    let comment = |x: &str| {
        let at = x.len() / 2 + x[x.len() / 2..].find("</row>").unwrap() + "</row>".len();
        format!(
            r#"{}<!--</row><row r="9"><c r="A9"><v>1</v></c></row>-->{}"#,
            &x[..at],
            &x[at..]
        )
    };
    assert_eq!(route_of(comment), SplitRoute::Single(Single::Markup));
    let instruction = |x: &str| x.replacen("<sheetData>", "<sheetData><?pi here?>", 1);
    assert_eq!(route_of(instruction), SplitRoute::Single(Single::Markup));
}

#[test]
fn a_formula_before_the_cut_reads_the_sheet_whole() {
    // E2's balance 1,001 written as a formula with its value.
    let formula = |x: &str| x.replacen("<v>1001</v>", "<f>1000+1</f><v>1001</v>", 1);
    assert_eq!(route_of(formula), SplitRoute::Single(Single::Formula));
}

#[test]
fn a_prefixed_element_before_the_cut_reads_the_sheet_whole() {
    let prefixed = |x: &str| {
        x.replacen(
            "<sheetData>",
            r#"<x:note xmlns:x="urn:example"/><sheetData>"#,
            1,
        )
    };
    assert_eq!(route_of(prefixed), SplitRoute::Single(Single::Prefixed));
}

#[test]
fn a_long_head_reads_the_sheet_whole() {
    let long = |x: &str| {
        x.replacen(
            "<sheetData>",
            &format!("{}<sheetData>", " ".repeat(70_000)),
            1,
        )
    };
    assert_eq!(route_of(long), SplitRoute::Single(Single::LongHead));
}

#[test]
fn no_row_tag_to_cut_at_reads_the_sheet_whole() {
    let spaced = |x: &str| x.replace("</row><row ", "</row>\n<row ");
    assert_eq!(route_of(spaced), SplitRoute::Single(Single::NoCut));
}

#[test]
fn a_limit_past_before_the_cut_reads_the_sheet_whole() {
    // A cell beyond column XFD in row 3: the single read's error, once.
    let beyond = |x: &str| x.replacen(r#"<c r="B3""#, r#"<c r="XFE3""#, 1);
    assert_eq!(route_of(beyond), SplitRoute::Single(Single::Breach));
}

#[test]
fn a_failure_in_the_second_half_reads_the_sheet_again_whole() {
    // The same in the last row, after the cut.
    let beyond = |x: &str| x.replacen(r#"<c r="B5581""#, r#"<c r="XFE5581""#, 1);
    assert_eq!(route_of(beyond), SplitRoute::Single(Single::Failed));
    // Broken XML in the second half.
    let broken = |x: &str| x.replacen(r#"<c r="C5000""#, r#"<c r="C5000" t="inlineStr""#, 1);
    let _ = route_of(broken);
}

#[test]
fn a_row_numbered_as_the_one_before_the_cut_reads_the_sheet_whole() {
    let same = |x: &str| {
        let cut = cut_of(x);
        let (before, after) = (row_at(x, cut) - 1, row_at(x, cut));
        let tag = format!(r#"<row r="{after}">"#);
        let rest = x[cut..].replacen(&tag, &format!(r#"<row r="{before}">"#,), 1);
        // Its cells too.
        let end = rest.find("</row>").unwrap();
        let row = rest[..end].replace(&format!("{after}\""), &format!("{before}\""));
        format!("{}{row}{}", &x[..cut], &rest[end..])
    };
    assert_eq!(route_of(same), SplitRoute::Single(Single::RowAcrossCut));
}

#[test]
fn a_small_or_lesser_sheet_is_read_whole() {
    let path = super::util::root().join("fixtures/2026-10.xlsx");
    assert_eq!(
        split_route(&path, SPLIT_MIN),
        SplitRoute::Single(Single::NotAhead)
    );
}

/// One generated deposits row.
#[derive(Clone, Debug)]
enum Gen {
    /// Client k's balance on October d.
    Good { k: u32, d: u32, cents: u64 },
    /// An earlier row's account, day and balance again (a duplicate, maybe
    /// across the cut).
    Again(usize),
    /// A client not listed.
    Stranger { d: u32 },
    /// A balance that is no number.
    Text { k: u32, d: u32 },
    /// A row without its `r`, its cells without references (numbered on
    /// from the one before).
    Unnumbered { k: u32, d: u32 },
}

fn gen_row() -> impl Strategy<Value = Gen> {
    prop_oneof![
        12 => (1..=180u32, 1..=31u32, 0..10_000_000u64).prop_map(|(k, d, cents)| Gen::Good { k, d, cents }),
        2 => (0..400usize).prop_map(Gen::Again),
        1 => (1..=31u32).prop_map(|d| Gen::Stranger { d }),
        1 => (1..=180u32, 1..=31u32).prop_map(|(k, d)| Gen::Text { k, d }),
        1 => (1..=180u32, 1..=31u32).prop_map(|(k, d)| Gen::Unnumbered { k, d }),
    ]
}

/// The deposits sheet of `rows`, in openpyxl's words (inline strings),
/// with a cell beyond column XFD (a limit past) in the row at `fault`.
fn sheet(rows: &[Gen], fault: Option<usize>) -> String {
    let mut x = String::from(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>日期</t></is></c><c r="B1" t="inlineStr"><is><t>账号</t></is></c><c r="C1" t="inlineStr"><is><t>客户编号</t></is></c><c r="D1" t="inlineStr"><is><t>产品</t></is></c><c r="E1" t="inlineStr"><is><t>余额</t></is></c></row>"#,
    );
    // Each row's account, day, client and balance (a cell's type and value).
    let mut written: Vec<(u32, u32, String, String)> = Vec::new();
    for (i, g) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        let number = |cents: u64| format!(r#"t="n"><v>{}.{:02}</v>"#, cents / 100, cents % 100);
        let (numbered, row) = match g {
            Gen::Good { k, d, cents } => (true, (*k, *d, format!("C{k:04}"), number(*cents))),
            Gen::Again(j) => match written.get(j % written.len().max(1)) {
                Some(w) => (true, w.clone()),
                None => (true, (1, 1, "C0001".into(), number(100))),
            },
            Gen::Stranger { d } => (true, (7, *d, "C9999".into(), number(100))),
            Gen::Text { k, d } => (
                true,
                (
                    *k,
                    *d,
                    format!("C{k:04}"),
                    r#"t="inlineStr"><is><t>n/a</t></is>"#.into(),
                ),
            ),
            Gen::Unnumbered { k, d } => (false, (*k, *d, format!("C{k:04}"), number(5))),
        };
        let (k, d, client, balance) = &row;
        let product = if k % 2 == 0 { "活期" } else { "定期" };
        // A row without `r` has cells without references: calamine
        // numbers them on from the row before.
        let at = |col: &str| match (numbered, fault == Some(i) && col == "A") {
            (_, true) => format!(r#" r="XFE{r}""#),
            (true, false) => format!(r#" r="{col}{r}""#),
            (false, false) => String::new(),
        };
        let cells = format!(
            r#"<c{} s="1" t="n"><v>{}</v></c><c{} t="inlineStr"><is><t>6222{k:08}</t></is></c><c{} t="inlineStr"><is><t>{client}</t></is></c><c{} t="inlineStr"><is><t>{product}</t></is></c><c{} {balance}</c>"#,
            at("A"),
            46295 + d,
            at("B"),
            at("C"),
            at("D"),
            at("E"),
        );
        if numbered {
            x += &format!(r#"<row r="{r}">{cells}</row>"#);
        } else {
            x += &format!("<row>{cells}</row>");
        }
        written.push(row);
    }
    x + "</sheetData></worksheet>"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// The split read and the single read agree on generated sheets; the
    /// sheet is split unless a fault sends it back to the single read.
    #[test]
    fn split_and_single_reads_agree(
        rows in prop::collection::vec(gen_row(), 150..500),
        fault in prop::option::weighted(0.15, 0.0..1.0f64),
    ) {
        let at = fault.map(|f| ((rows.len() - 1) as f64 * f) as usize);
        let xml = sheet(&rows, at);
        let (_dir, path) = with_deposits(&fixture("openpyxl.xlsx"), |_| xml.clone());
        // A threshold any sheet here passes.
        let route = split_route(&path, 1);
        match at {
            None => prop_assert_eq!(route, SplitRoute::Split),
            Some(_) => prop_assert!(
                matches!(route, SplitRoute::Single(Single::Breach | Single::Failed)),
                "{:?}", route
            ),
        }
    }
}
