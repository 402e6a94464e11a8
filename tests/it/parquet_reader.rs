//! The Parquet reader's two decoders: the arrow reader for every chunk it
//! takes, the column readers for a chunk it refuses and the rest of that
//! row group. Whichever decodes a row, its errors are located and worded
//! as they always were, in file order.

use super::test::Test;
use parquet::basic::{Compression, ConvertedType, Repetition, Type as Phys};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::sync::Arc;

const POLICY: &str = "rules/city-commercial-bank.toml";

/// A deposits row: day of October, account id's bytes, balance in fen.
type Row = (u32, Vec<u8>, i64);

/// A deposits file (DATE, UTF8 ids, DECIMAL(18,2)), every account of
/// client `C1`, `group` rows a row group, pages of 1,000 rows, the ids
/// dictionary-encoded or not.
fn deposits(rows: &[Row], group: usize, dictionary: bool) -> Vec<u8> {
    deposits_encoded(rows, group, dictionary, None)
}

/// [`deposits`], the account ids in `encoding` if given.
fn deposits_encoded(
    rows: &[Row],
    group: usize,
    dictionary: bool,
    encoding: Option<parquet::basic::Encoding>,
) -> Vec<u8> {
    let field = |name: &str, phys, ct| {
        let b = Type::primitive_type_builder(name, phys)
            .with_repetition(Repetition::REQUIRED)
            .with_converted_type(ct);
        let b = if ct == ConvertedType::DECIMAL {
            b.with_precision(18).with_scale(2)
        } else {
            b
        };
        Arc::new(b.build().unwrap())
    };
    let schema = Type::group_type_builder("schema")
        .with_fields(vec![
            field("date", Phys::INT32, ConvertedType::DATE),
            field("account_id", Phys::BYTE_ARRAY, ConvertedType::UTF8),
            field("client_id", Phys::BYTE_ARRAY, ConvertedType::UTF8),
            field("balance", Phys::INT64, ConvertedType::DECIMAL),
        ])
        .build()
        .unwrap();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(dictionary)
        .set_data_page_row_count_limit(1000)
        .set_write_batch_size(1000);
    let props = match encoding {
        Some(e) => props.set_column_encoding("account_id".into(), e),
        None => props,
    }
    .build();
    let mut out = Vec::new();
    let mut w = SerializedFileWriter::new(&mut out, Arc::new(schema), Arc::new(props)).unwrap();
    for rows in rows.chunks(group) {
        let mut rg = w.next_row_group().unwrap();
        // 2026-10-01 is day 20,727 since 1970-01-01.
        let days: Vec<i32> = rows.iter().map(|r| 20_726 + r.0 as i32).collect();
        let ids: Vec<ByteArray> = rows.iter().map(|r| ByteArray::from(r.1.clone())).collect();
        let clients: Vec<ByteArray> = rows.iter().map(|_| ByteArray::from("C1")).collect();
        let fen: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let mut c = rg.next_column().unwrap().unwrap();
        c.typed::<Int32Type>()
            .write_batch(&days, None, None)
            .unwrap();
        c.close().unwrap();
        for v in [&ids, &clients] {
            let mut c = rg.next_column().unwrap().unwrap();
            c.typed::<ByteArrayType>()
                .write_batch(v, None, None)
                .unwrap();
            c.close().unwrap();
        }
        let mut c = rg.next_column().unwrap().unwrap();
        c.typed::<Int64Type>()
            .write_batch(&fen, None, None)
            .unwrap();
        c.close().unwrap();
        rg.close().unwrap();
    }
    w.close().unwrap();
    out
}

/// 300 accounts × 31 days, date by date (9,300 rows), in row groups of
/// 9,000: the first group's chunks are rows 1–8,192 and 8,193–9,000 (the
/// decoders take 8,192 rows at a time), the second group rows 9,001–9,300.
/// Row 100 (chunk 1) and row 9,200 (group 2) hold a negative balance:
/// the arrow reader decodes them, the row path refuses them. Row 8,500
/// (chunk 2) has an account id that is not UTF-8: the arrow reader
/// refuses its chunk, the column readers decode it and the rest of the
/// group (row 8,600, negative, among them), and the bad id is an error at
/// its cell. Plain-encoded, the arrow reader takes chunk 1 and refuses
/// chunk 2; dictionary-encoded, it refuses the group at its first chunk
/// (the dictionary holds the bad id): the same errors either way.
#[test]
fn a_chunk_the_arrow_reader_refuses_is_read_by_the_column_readers_with_its_errors() {
    let mut rows: Vec<Row> = (1..=31)
        .flat_map(|d| (1..=300).map(move |a| (d, format!("A{a:03}").into_bytes(), 100_000)))
        .collect();
    rows[99].2 = -100;
    rows[8_499].1 = b"A\xFF".to_vec();
    rows[8_599].2 = -200;
    rows[9_199].2 = -300;
    // Row 8,500 is account A100's on day 29 (8,499 = 28 × 300 + 99).
    assert_eq!(rows[8_499].0, 29);
    for dictionary in [false, true] {
        Test::new()
            .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
            .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
            .write("m/deposits.parquet", deposits(&rows, 9_000, dictionary))
            .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
            .stdout("
                rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
            ")
            .stderr("
                $TMP/m/deposits.parquet row 100 column balance: error[negative-value]: expected 0 or more for `balance` (余额), found text `-1.00`
                $TMP/m/deposits.parquet row 8,500 column account_id: error[bad-encoding]: expected UTF-8 text, found bytes that are not
                $TMP/m/deposits.parquet row 8,500 column account_id: error[missing-value]: expected a value for `account_id` (账号), found an empty cell
                $TMP/m/deposits.parquet row 8,600 column balance: error[negative-value]: expected 0 or more for `balance` (余额), found text `-2.00`
                $TMP/m/deposits.parquet row 9,200 column balance: error[negative-value]: expected 0 or more for `balance` (余额), found text `-3.00`
                rmpay: 5 error(s); nothing was written
            ")
            .status(1)
            .run();
    }
}

/// Two account ids that are not UTF-8 each but are together
/// (`MARKONE_\xe4`, then `\xb8\xadMARKTWO_`: `MARKONE_中MARKTWO_`), in
/// the delta encodings, whose values the arrow reader checks only joined
/// together: each is an error at its own cell, as in a plain page (the
/// row group goes to the column readers). Before, they were read as text
/// that is not UTF-8, and rmpay crashed on them (found by the independent
/// tester, 2026-12-01).
#[test]
fn ids_not_utf8_apart_are_errors_in_the_delta_encodings_too() {
    use parquet::basic::Encoding;
    let mut rows: Vec<Row> = (1..=31)
        .flat_map(|d| ["A1", "A2"].map(move |a| (d, a.as_bytes().to_vec(), 500_000_000)))
        .collect();
    rows[1].1 = b"MARKONE_\xe4".to_vec();
    rows[2].1 = b"\xb8\xadMARKTWO_".to_vec();
    assert!(std::str::from_utf8(&[rows[1].1.clone(), rows[2].1.clone()].concat()).is_ok());
    for encoding in [
        None,
        Some(Encoding::DELTA_BYTE_ARRAY),
        Some(Encoding::DELTA_LENGTH_BYTE_ARRAY),
    ] {
        Test::new()
            .write("m/managers.csv", "rm_id,name,tier\nRM001,张伟,高级客户经理\n")
            .write("m/clients.csv", "client_id,rm_id\nC1,RM001\n")
            .write("m/deposits.parquet", deposits_encoded(&rows, 100, false, encoding))
            .args(["check", "--policy", POLICY, "--ledger", "$TMP/m"])
            .stdout("
                rules/city-commercial-bank.toml: policy `city-commercial-bank` version 2026.1 is valid (6 tiers, 6 pay lines, 28 examples hold)
            ")
            .stderr("
                $TMP/m/deposits.parquet row 2 column account_id: error[bad-encoding]: expected UTF-8 text, found bytes that are not
                $TMP/m/deposits.parquet row 2 column account_id: error[missing-value]: expected a value for `account_id` (账号), found an empty cell
                $TMP/m/deposits.parquet row 3 column account_id: error[bad-encoding]: expected UTF-8 text, found bytes that are not
                $TMP/m/deposits.parquet row 3 column account_id: error[missing-value]: expected a value for `account_id` (账号), found an empty cell
                $TMP/m/deposits.parquet row 1 column account_id: error[missing-days]: expected a balance of account `A1` for every day of 2026-10, found none for 2026-10-02
                $TMP/m/deposits.parquet row 4 column account_id: error[missing-days]: expected a balance of account `A2` for every day of 2026-10, found none for 2026-10-01
                rmpay: 6 error(s); nothing was written
            ")
            .status(1)
            .run();
    }
}
