//! Hostile Parquet files: small files that declare far more than a ledger
//! sheet holds (rows, columns, metadata), refused from what they declare,
//! before a row is decoded or the schema is built, with a located error.
//! Each is written here with the parquet crate's writer (or, for the
//! footer, by hand), so the suite needs no Python.

use super::test::Test;
use parquet::basic::{ConvertedType, Repetition, Type as Phys};
use parquet::column::writer::ColumnWriter;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::sync::Arc;

const POLICY: &str = "rules/city-commercial-bank.toml";

const MANAGERS: &str = "rm_id,name,tier\nRM001,张伟,高级客户经理\n";
const DEPOSITS: &str = "date,account_id,client_id,balance\n2026-10-01,A1,C001,100\n";

/// A Parquet file of nullable UTF8 columns named `names`, `rows` rows in
/// one row group, every value null (the levels of a million rows are a few
/// bytes: what makes such a file small).
fn null_rows(names: &[String], rows: usize) -> Vec<u8> {
    let fields = names
        .iter()
        .map(|n| {
            Arc::new(
                Type::primitive_type_builder(n, Phys::BYTE_ARRAY)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_converted_type(ConvertedType::UTF8)
                    .build()
                    .unwrap(),
            )
        })
        .collect();
    let schema = Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .unwrap();
    let props = WriterProperties::builder().build();
    let mut out = Vec::new();
    let mut w = SerializedFileWriter::new(&mut out, Arc::new(schema), Arc::new(props)).unwrap();
    let mut rg = w.next_row_group().unwrap();
    let defs = vec![0i16; rows];
    while let Some(mut cw) = rg.next_column().unwrap() {
        if let ColumnWriter::ByteArrayColumnWriter(t) = cw.untyped() {
            t.write_batch(&[], Some(&defs), None).unwrap();
        }
        cw.close().unwrap();
    }
    rg.close().unwrap();
    w.close().unwrap();
    out
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A clients file of 1,048,577 rows (every value null, 8 KiB) is refused
/// from its footer: past a workbook's rows, a sheet other than the daily
/// balances (its rows are held in memory) must hold at least a byte a row
/// (`held_rows_plausible`). Before the bound, its rows were read and each refused: the
/// tester's 50,000,000 such rows took 249 s and 4.7 GB.
#[test]
fn a_sheet_declaring_more_rows_than_a_workbook_is_refused_unread() {
    let clients = null_rows(&names(&["client_id", "rm_id", "share"]), 1_048_577);
    assert!(clients.len() < 64 << 10, "{} bytes", clients.len());
    Test::new()
        .write("m/managers.csv", MANAGERS)
        .write("m/clients.parquet", clients)
        .write("m/deposits.csv", DEPOSITS)
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m", "--period", "2026-10"])
        .stdout_contains("")
        .stderr("
            $TMP/m/clients.parquet: error[beyond-excel-limits]: the file declares 1,048,577 rows in 8,141 bytes: past Excel's 1,048,576 rows, a sheet other than the daily balances must hold at least a byte a row
            $TMP/m/deposits.csv:2:2: error[missing-days]: expected a balance of account `A1` for every day of 2026-10, found none for 2026-10-02..2026-10-31
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// A file of 16,385 columns (no rows) is refused from the head of its
/// footer, before the schema is built: more columns than a sheet (Excel's
/// A to XFD). The tester's 10⁶ columns took 110 s.
#[test]
fn a_file_declaring_more_columns_than_a_sheet_is_refused() {
    let mut cols = names(&["client_id", "rm_id", "share"]);
    cols.extend((3..16_385).map(|i| format!("x{i}")));
    let wide = null_rows(&cols, 0);
    Test::new()
        .write("m/managers.csv", MANAGERS)
        .write("m/clients.parquet", wide)
        .write("m/deposits.csv", DEPOSITS)
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m", "--period", "2026-10"])
        .stdout_contains("")
        .stderr("
            $TMP/m/clients.parquet: error[beyond-excel-limits]: the file declares 16,385 columns, more than a sheet has (16,384, Excel's columns A to XFD)
            $TMP/m/deposits.csv:2:2: error[missing-days]: expected a balance of account `A1` for every day of 2026-10, found none for 2026-10-02..2026-10-31
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// A footer declaring 16 MiB and a byte of metadata is refused before it
/// is parsed (a ledger sheet's footer is a few kilobytes).
#[test]
fn a_footer_declaring_too_much_metadata_is_refused_unparsed() {
    let meta: u32 = (16 << 20) + 1;
    let mut file = b"PAR1".to_vec();
    file.resize(4 + meta as usize, 0);
    file.extend_from_slice(&meta.to_le_bytes());
    file.extend_from_slice(b"PAR1");
    Test::new()
        .write("m/managers.csv", MANAGERS)
        .write("m/clients.parquet", file)
        .write("m/deposits.csv", DEPOSITS)
        .args(["check", "--policy", POLICY, "--ledger", "$TMP/m", "--period", "2026-10"])
        .stdout_contains("")
        .stderr("
            $TMP/m/clients.parquet: error[cannot-open]: the file's footer declares 16,777,217 bytes of metadata, more than rmpay reads (16 MiB): this is not a ledger
            $TMP/m/deposits.csv:2:2: error[missing-days]: expected a balance of account `A1` for every day of 2026-10, found none for 2026-10-02..2026-10-31
            rmpay: 2 error(s); nothing was written
        ")
        .status(1)
        .run();
}

/// `fixtures/bad/parquet/NAME` with the byte at each `(offset, xor)`
/// flipped, as `deposits.parquet` of a folder whose client C001 is
/// RM001's.
fn damaged(name: &str, flips: &[(usize, u8)]) -> Test {
    let mut bytes =
        std::fs::read(super::util::root().join("fixtures/bad/parquet").join(name)).unwrap();
    for &(at, xor) in flips {
        bytes[at] ^= xor;
    }
    Test::new()
        .write("m/managers.csv", MANAGERS)
        .write("m/clients.csv", "client_id,rm_id\nC001,RM001\n")
        .write("m/deposits.parquet", bytes)
        .args([
            "check", "--policy", POLICY, "--ledger", "$TMP/m", "--lang", "en",
        ])
}

/// A damaged page the parquet crate panics on instead of returning an
/// error (a dictionary index or a value length past its buffer) is a
/// located error like any other damage: `error[cannot-read-sheet]` at the
/// first row of the rows being read and the column, exit 1, nothing
/// written. Each byte below, flipped in pyarrow's file
/// (`fixtures/bad/parquet/make.py`: 31 rows, dictionary-encoded,
/// uncompressed), made `rmpay check` end in `internal error: … This is a
/// bug in rmpay`, exit 101: in the arrow reader (offsets 584, 754: a page
/// header's encoding or size), in the column readers (249: the account
/// ids' dictionary page; 676, 839: a data page read as dictionary-encoded
/// without its dictionary). Found by the sixth independent test, flipping
/// every 7th byte of a month's deposits: 24 of 857 flips panicked (and
/// 26 of 877 of a file with DELTA encodings).
#[test]
fn a_page_the_parquet_crate_panics_on_is_a_located_error() {
    for (at, xor, column) in [
        (249, 0x10, "account_id"),
        (584, 0xFF, "date"),
        (754, 0xFF, "client_id"),
        (676, 0x80, "account_id"),
        (839, 0x80, "balance"),
    ] {
        let out = damaged("deposits-pyarrow.parquet", &[(at, xor)])
            .stdout_contains("")
            .stderr_contains("rmpay: 1 error(s); nothing was written")
            .status(1)
            .run();
        // The crate's words on it (in parentheses) are its panic's, which
        // differ between debug and release builds.
        let said = format!(
            "$TMP/m/deposits.parquet row 1 column {column}: error[cannot-read-sheet]: cannot read the file: a damaged page or footer, which the reader cannot decode ("
        );
        assert!(out.stderr.starts_with(&said), "{at}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 2, "{at}: {}", out.stderr);
    }
}

/// A page's checksum (CRC-32 of the page, which Spark's parquet-mr writes
/// by default and pyarrow on request) is checked: a balance byte flipped
/// in such a file is an error at its rows, not a different balance. Here
/// the big-endian DECIMAL(18,2) of 105.00 (10,500 fen, day 6) has its
/// last byte flipped (10,500 XOR 1 = 10,501: 105.01). Was: read as 105.01,
/// the month's daily average 115.0003225806 instead of 115 (Σ 100 … 130
/// = 3,565 ÷ 31 = 115), and nothing said.
#[test]
fn a_page_whose_checksum_fails_is_a_located_error() {
    let file =
        std::fs::read(super::util::root().join("fixtures/bad/parquet/deposits-page-crc.parquet"))
            .unwrap();
    let at = file
        .windows(8)
        .position(|w| w == 10_500i64.to_be_bytes())
        .unwrap();
    assert_eq!(at, 834);
    // Undamaged: read (its one RM's 115.00 a day, with no unit in the
    // header, is below a thousandth of the policy's smallest target, so
    // the 万元 warning stands beside it).
    damaged("deposits-page-crc.parquet", &[])
        .stdout_contains("$TMP/m: ledger for 2026-10 is valid (1 managers, 1 client assignments)")
        .stderr_contains("$TMP/m/deposits.parquet column balance: warning[bad-unit]: the header declares no unit, so the amounts are read as yuan; but every RM's daily-average deposits are below 2,000.00 (the largest 115.00), a thousandth of the policy's smallest deposit target 2,000,000.00 (`tiers.provisional_junior.base_deposit`): the column looks typed in 万元 (read as yuan, 10,000 times too small). If it is in 万元, head it `余额(万元)`; if it is in yuan, head it `余额(元)` to confirm")
        .status(0)
        .run();
    damaged("deposits-page-crc.parquet", &[(at + 7, 0x01)])
        .stdout_contains("")
        .stderr("
            $TMP/m/deposits.parquet row 1 column balance: error[cannot-read-sheet]: cannot read the file: Parquet error: Page CRC checksum mismatch
            rmpay: 1 error(s); nothing was written
        ")
        .status(1)
        .run();
}
