//! Ledgers as other programs write them. The xlsx reader shows calamine
//! an archive of stored members and inflates the biggest worksheet ahead
//! on a thread of its own (`ledger/unzip.rs`); these tests pin that files
//! written by rust_xlsxwriter (both ways it stores text), openpyxl and
//! LibreOffice take that fast path and give exactly the figures of the
//! same ledger written by rust_xlsxwriter, that each way the reader
//! declines the fast path still reads the same figures, and that each
//! writer's deposits sheet, just over the split's threshold, is read by
//! two parsers at once with the single read's ledger and messages
//! (`ledger/unzip/split.rs`; its refusals in `split.rs`).
//!
//! The openpyxl and LibreOffice files are committed fixtures
//! (`fixtures/writers/`, made by `fixtures/writers/make.py`, which mirrors
//! `streaming`'s ledger): neither program is on CI.

use rmpay::engine::pay::Payroll;
use rmpay::ledger::unzip::{Inline, MIN_MEMBER, Route, SPLIT_MIN, Single, SplitRoute, route};
use rmpay::ledger::{ReadOptions, read_ledger_split};
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;
use std::path::{Path, PathBuf};

/// Clients, one account each (as in `fixtures/writers/make.py`).
const ACCOUNTS: u32 = 180;

/// The deposits sheet of every writer's file.
const DEPOSITS: &str = "xl/worksheets/sheet3.xml";

/// The ledger of `fixtures/writers/make.py`, written by rust_xlsxwriter
/// with inline strings (constant-memory mode) or a shared-string table.
fn write_ledger(path: &Path, inline: bool) -> Result<(), XlsxError> {
    super::streaming::write_ledger_with(path, ACCOUNTS, inline, None, |_| Ok(()))
}

/// `src` copied as `2026-10.xlsx` into a folder of its own: every file
/// read under the same name, so that traces naming the ledger agree.
fn as_october(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    std::fs::copy(src, &path).unwrap();
    (dir, path)
}

fn payroll(path: &Path) -> Payroll {
    let policy = super::util::root().join("rules/city-commercial-bank.toml");
    match rmpay::compute_payroll(&policy, path, None, &mut |_, _| {}) {
        Ok(r) => r.payroll,
        Err(rmpay::Failure::Invalid(d)) => panic!("invalid:\n{}", d.render().join("\n")),
        Err(_) => panic!("the run failed"),
    }
}

/// The clean ledger (rust_xlsxwriter, shared strings) and its payroll,
/// checked by hand: client k's daily average is (1,000·k × 31 + (1 + 2 +
/// … + 31)) ÷ 31 = 1,000·k + 496 ÷ 31 = 1,000·k + 16, and RM00i has the
/// clients with 1 + k mod 3 = i.
fn clean() -> Payroll {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    write_ledger(&path, false).unwrap();
    let p = payroll(&path);
    assert_eq!(p.results.len(), 3);
    for (i, r) in p.results.iter().enumerate() {
        // RM001: k = 3, 6, …, 180 (60 clients): 1,000 × (3 + … + 180) +
        // 16 × 60 = 1,000 × 5,490 + 960 = 5,490,960; RM002: k = 1, 4, …,
        // 178: 1,000 × 5,370 + 960 = 5,370,960; RM003: k = 2, 5, …, 179:
        // 1,000 × 5,430 + 960 = 5,430,960.
        let by_hand = [5_490_960, 5_370_960, 5_430_960][i];
        assert_eq!(r.rm.rm_id, format!("RM00{}", i + 1));
        assert_eq!(
            r.month.metrics.deposit_daily_average,
            Decimal::from(by_hand),
            "{}",
            r.rm.rm_id
        );
    }
    p
}

fn fixture(name: &str) -> PathBuf {
    super::util::root().join("fixtures/writers").join(name)
}

fn ahead(route: &Route) -> bool {
    matches!(route, Route::Ahead { sheet, size } if sheet == DEPOSITS && *size >= MIN_MEMBER)
}

/// The October ledger as each writer wrote it: rust_xlsxwriter with
/// shared and with inline strings (written into `dir`), openpyxl and
/// LibreOffice.
fn every_writer(dir: &Path) -> [PathBuf; 4] {
    let inline = dir.join("inline.xlsx");
    write_ledger(&inline, true).unwrap();
    let shared = dir.join("shared.xlsx");
    write_ledger(&shared, false).unwrap();
    [
        shared,
        inline,
        fixture("openpyxl.xlsx"),
        fixture("libreoffice.xlsx"),
    ]
}

#[test]
fn every_writer_s_ledger_is_inflated_ahead_and_gives_the_same_figures() {
    let want = clean();
    let dir = tempfile::tempdir().unwrap();
    for src in every_writer(dir.path()) {
        let (_d, path) = as_october(&src);
        let r = route(&path).unwrap();
        assert!(ahead(&r), "{}: {r:?}", src.display());
        assert!(payroll(&path) == want, "{}: other figures", src.display());
    }
}

/// How the deposits sheet of `path` is read with the split's threshold
/// at `min`, after checking that the split read and the single read give
/// the same ledger and the same diagnostics, every word of them.
pub(crate) fn split_route(path: &Path, min: u64) -> SplitRoute {
    let opts = ReadOptions::default();
    let (one, one_d, single) = read_ledger_split(path, "2026-10.xlsx", &opts, min, false);
    assert_eq!(single, Some(SplitRoute::Single(Single::Off)));
    let (two, two_d, route) = read_ledger_split(path, "2026-10.xlsx", &opts, min, true);
    assert_eq!(two_d.render(), one_d.render(), "{route:?}");
    assert!(two == one, "{route:?}: another ledger");
    route.expect("a deposits sheet was read")
}

/// Every writer's deposits sheet, just over the split's threshold, is
/// read by two parsers at once and gives the single read's ledger (and
/// so its figures: `every_writer_s_ledger_is_inflated_ahead_and_gives_the_same_figures`).
#[test]
fn every_writer_s_deposits_sheet_is_split_and_read_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    for src in every_writer(dir.path()) {
        let (_d, path) = as_october(&src);
        let Route::Ahead { size, .. } = route(&path).unwrap() else {
            panic!("{}", src.display());
        };
        // Just over the threshold.
        assert!((SPLIT_MIN..2 * SPLIT_MIN).contains(&size), "{size}");
        assert_eq!(
            split_route(&path, SPLIT_MIN),
            SplitRoute::Split,
            "{}",
            src.display()
        );
        // Below the threshold, the single read.
        assert_eq!(
            split_route(&path, size + 1),
            SplitRoute::Single(Single::Small),
            "{}",
            src.display()
        );
    }
}

/// A file whose members are all stored (an exporter that does not
/// compress): nothing to inflate, every figure the same.
#[test]
fn stored_sheets_are_read_on_calamine_s_thread_with_the_same_figures() {
    let want = clean();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(fixture("libreoffice.xlsx")).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        w.start_file(f.name().unwrap().to_string(), stored).unwrap();
        std::io::copy(&mut f, &mut w).unwrap();
    }
    w.finish().unwrap();
    assert_eq!(
        route(&path).unwrap(),
        Route::Inline(Inline::Stored {
            sheet: DEPOSITS.to_string()
        })
    );
    assert!(payroll(&path) == want, "other figures");
}

/// A small ledger (the shipped October) has no sheet worth a thread; its
/// figures are pinned by hand in `payroll`.
#[test]
fn small_sheets_are_read_on_calamine_s_thread() {
    let path = super::util::root().join("fixtures/2026-10.xlsx");
    let Route::Inline(Inline::Small { biggest }) = route(&path).unwrap() else {
        panic!("{:?}", route(&path));
    };
    assert!(biggest > 0 && biggest < MIN_MEMBER, "{biggest}");
}

/// A file the zip crate cannot read goes to calamine as it is, which says
/// what is wrong, at the file.
#[test]
fn a_file_that_is_no_archive_goes_to_calamine_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    std::fs::write(&path, "客户经理编号,姓名\nRM001,张伟\n").unwrap();
    assert_eq!(route(&path).unwrap(), Route::AsIs);
    let policy = super::util::root().join("rules/city-commercial-bank.toml");
    let Err(rmpay::Failure::Invalid(d)) =
        rmpay::compute_payroll(&policy, &path, None, &mut |_, _| {})
    else {
        panic!("a text file is no ledger");
    };
    let text = d.render().join("\n");
    assert!(
        text.contains("2026-10.xlsx: error[cannot-open]: cannot open the workbook"),
        "{text}"
    );
}

/// An archive past a limit before a byte is inflated (more members than
/// a ledger has) is refused, not read.
#[test]
fn an_archive_past_a_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..=rmpay::ledger::unzip::MAX_MEMBERS {
        w.start_file(format!("x/{i}.bin"), opts).unwrap();
    }
    w.finish().unwrap();
    let Route::Refused(b) = route(&path).unwrap() else {
        panic!("{:?}", route(&path));
    };
    assert_eq!(b.code, rmpay::diag::Code::TooLarge);
}
