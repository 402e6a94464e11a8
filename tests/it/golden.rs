//! The pay workbook compared cell by cell with a committed golden copy.
//!
//! The golden files change only on purpose: run
//! `RMPAY_BLESS=1 cargo test golden` to rewrite them, then review the
//! difference (`git diff --stat tests/golden`) before committing.

use super::util::root;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::Path;

fn cells(path: &Path) -> Vec<(String, Vec<(String, String)>)> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let mut v = Vec::new();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if matches!(cell, Data::Empty) {
                    continue;
                }
                let at = format!("{}{}", rmpay::diag::column_name(c as u32), r + 1);
                v.push((at, format!("{cell:?}")));
            }
        }
        out.push((name, v));
    }
    out
}

/// October's pay workbook for the fixture branch, in `lang`, in a new
/// temporary folder (kept alive by the returned handle).
fn pay_workbook(lang: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let o = super::util::rmpay()
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
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let path = d.path().join("pay-2026-10.xlsx");
    super::util::check_workbook(&path);
    (d, path)
}

fn check_golden(lang: &str) {
    let (_d, actual) = pay_workbook(lang);
    let golden = root().join(format!("tests/golden/pay-2026-10.{lang}.xlsx"));
    if std::env::var_os("RMPAY_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::copy(&actual, &golden).unwrap();
        return;
    }
    let (want, got) = (cells(&golden), cells(&actual));
    let mut diffs = Vec::new();
    let names = |v: &[(String, Vec<(String, String)>)]| {
        v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&want), names(&got), "sheet names differ");
    for ((sheet, w), (_, g)) in want.iter().zip(&got) {
        let wm: std::collections::BTreeMap<_, _> = w.iter().cloned().collect();
        let gm: std::collections::BTreeMap<_, _> = g.iter().cloned().collect();
        for k in wm
            .keys()
            .chain(gm.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let (a, b) = (wm.get(k), gm.get(k));
            if a != b {
                diffs.push(format!("[{sheet}]!{k}: golden {a:?}, now {b:?}"));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} cell(s) differ from {} (RMPAY_BLESS=1 regenerates):\n{}",
        diffs.len(),
        golden.display(),
        diffs
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn pay_workbook_matches_golden_zh() {
    check_golden("zh");
}

#[test]
fn pay_workbook_matches_golden_en() {
    check_golden("en");
}

/// The attribute `name="…"` of an XML start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

/// Every number in the pay workbook is shown with a number format
/// (thousands separators, fixed places, percentages), never as General:
/// numbers written without a format of their own take their column's, so
/// this checks that each such column has one.
#[test]
fn every_number_in_the_pay_workbook_has_a_number_format() {
    let (_d, path) = pay_workbook("zh");
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    // Style index → number format id, from the cellXfs list.
    let styles = read("xl/styles.xml");
    let xfs_at = styles.find("<cellXfs").unwrap();
    let xfs_end = styles[xfs_at..].find("</cellXfs>").unwrap() + xfs_at;
    let formats: Vec<u32> = styles[xfs_at..xfs_end]
        .split("<xf ")
        .skip(1)
        .map(|x| attr(&format!(" {x}"), "numFmtId").unwrap().parse().unwrap())
        .collect();
    let mut numbers = 0;
    let mut unformatted = Vec::new();
    for sheet in 1..=8 {
        let xml = read(&format!("xl/worksheets/sheet{sheet}.xml"));
        for cell in xml.split("<c ").skip(1) {
            let tag = &cell[..cell.find('>').unwrap()];
            let tag = format!(" {tag}");
            // Numbers are the cells with no type.
            if attr(&tag, "t").is_some() || !cell.contains("<v>") {
                continue;
            }
            numbers += 1;
            let style: usize = attr(&tag, "s").map_or(0, |s| s.parse().unwrap());
            if formats.get(style).copied().unwrap_or(0) == 0 {
                unformatted.push(format!("sheet{sheet} {}", attr(&tag, "r").unwrap()));
            }
        }
    }
    assert!(numbers > 500, "only {numbers} numbers found");
    assert!(
        unformatted.is_empty(),
        "numbers shown as General: {unformatted:?}"
    );
}
