//! Ledger-folder generator for measuring (not a fixture: never committed).
//!
//! Writes October 2026 as two ledger folders (docs/LEDGER.md, "Ledger
//! folders"), `OUT/csv` and `OUT/parquet`, with the same figures:
//! `managers.csv` and `clients.csv` in both, and the daily balances as
//! `deposits.csv` (UTF-8) or `deposits.parquet` (zstd; DATE, UTF8 and
//! DECIMAL(18,2) columns, row groups of 1,048,576 rows, as a warehouse
//! export writes). Accounts × 31 rows, day by day; every value from a
//! fixed-seed LCG, so two runs write the same bytes.
//!
//! ```text
//! cargo run --release --example folder_gen -- OUT ACCOUNTS [RMS]
//! ```
//!
//! A city bank's month is 1,000,000 accounts and 1,000 RMs (31,000,000 rows).

use parquet::basic::{Compression, ConvertedType, Repetition, Type as Phys, ZstdLevel};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

const GROUP: usize = 1 << 20;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn account_id(a: u64) -> String {
    format!("62284801{:011}", 10_000_000 + a * 37)
}

/// Two accounts in three belong to a client of their own.
fn client_of(a: u64) -> u64 {
    a * 2 / 3
}

/// The balance of an account on a day, in fen.
fn balance(a: u64, day: u32) -> i64 {
    let mut r = Lcg(a.wrapping_mul(0x9E37_79B9) ^ u64::from(day));
    r.next();
    (r.next() % 50_000_000) as i64
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(accounts)) =
        (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: folder_gen OUT ACCOUNTS [RMS]");
        std::process::exit(2);
    };
    let rms: u64 = args
        .get(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or((accounts / 1000).max(1));
    let clients = client_of(accounts - 1) + 1;
    let out = Path::new(out);
    for sub in ["csv", "parquet"] {
        let dir = out.join(sub);
        std::fs::create_dir_all(&dir)?;
        let mut m = std::io::BufWriter::new(std::fs::File::create(dir.join("managers.csv"))?);
        writeln!(m, "rm_id,name,tier,role,base_deposit")?;
        for r in 0..rms {
            let tier = ["高级", "中级", "初级"][(r % 3) as usize];
            writeln!(m, "RM{:05},经理{},{tier},客户经理,2000000", r + 1, r + 1)?;
        }
        m.flush()?;
        let mut c = std::io::BufWriter::new(std::fs::File::create(dir.join("clients.csv"))?);
        writeln!(c, "client_id,rm_id")?;
        for k in 0..clients {
            writeln!(c, "C{:08},RM{:05}", k + 1, k % rms + 1)?;
        }
        c.flush()?;
    }
    // CSV, day by day.
    let mut d = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(out.join("csv/deposits.csv"))?,
    );
    writeln!(d, "date,account_id,client_id,product,balance")?;
    for day in 1..=31u32 {
        for a in 0..accounts {
            let b = balance(a, day);
            writeln!(
                d,
                "2026-10-{day:02},{},C{:08},{},{}.{:02}",
                account_id(a),
                client_of(a) + 1,
                if a % 5 == 0 { "定期" } else { "活期" },
                b / 100,
                b % 100
            )?;
        }
    }
    d.flush()?;
    drop(d);
    write_parquet(&out.join("parquet/deposits.parquet"), accounts)?;
    eprintln!(
        "folder_gen: {} rows of {accounts} accounts, {clients} clients, {rms} RMs in {}/csv and {}/parquet",
        accounts * 31,
        out.display(),
        out.display()
    );
    Ok(())
}

fn write_parquet(path: &Path, accounts: u64) -> std::io::Result<()> {
    let field = |name: &str, phys, ct| {
        let b = Type::primitive_type_builder(name, phys)
            .with_repetition(Repetition::REQUIRED)
            .with_converted_type(ct);
        let b = if ct == ConvertedType::DECIMAL {
            b.with_precision(18).with_scale(2)
        } else {
            b
        };
        b.build().map(Arc::new).map_err(std::io::Error::other)
    };
    let fields = vec![
        field("date", Phys::INT32, ConvertedType::DATE)?,
        field("account_id", Phys::BYTE_ARRAY, ConvertedType::UTF8)?,
        field("client_id", Phys::BYTE_ARRAY, ConvertedType::UTF8)?,
        field("product", Phys::BYTE_ARRAY, ConvertedType::UTF8)?,
        field("balance", Phys::INT64, ConvertedType::DECIMAL)?,
    ];
    let schema = Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .map_err(std::io::Error::other)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let file = std::fs::File::create(path)?;
    let mut w = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
        .map_err(std::io::Error::other)?;
    // 2026-10-01 is day 20,727 since 1970-01-01.
    let rows = accounts * 31;
    let mut start = 0u64;
    while start < rows {
        let end = (start + GROUP as u64).min(rows);
        let at = |i: u64| (i / accounts, i % accounts);
        let mut rg = w.next_row_group().map_err(std::io::Error::other)?;
        let mut col = 0;
        while let Some(mut cw) = rg.next_column().map_err(std::io::Error::other)? {
            let res = match cw.untyped() {
                ColumnWriter::Int32ColumnWriter(t) => {
                    let v: Vec<i32> = (start..end).map(|i| 20_727 + at(i).0 as i32).collect();
                    t.write_batch(&v, None, None)
                }
                ColumnWriter::Int64ColumnWriter(t) => {
                    let v: Vec<i64> = (start..end)
                        .map(|i| balance(at(i).1, at(i).0 as u32 + 1))
                        .collect();
                    t.write_batch(&v, None, None)
                }
                ColumnWriter::ByteArrayColumnWriter(t) => {
                    let v: Vec<ByteArray> = (start..end)
                        .map(|i| {
                            let a = at(i).1;
                            let s = match col {
                                1 => account_id(a),
                                2 => format!("C{:08}", client_of(a) + 1),
                                _ => (if a % 5 == 0 { "定期" } else { "活期" }).to_string(),
                            };
                            ByteArray::from(s.into_bytes())
                        })
                        .collect();
                    t.write_batch(&v, None, None)
                }
                _ => unreachable!("the schema has no other types"),
            };
            res.map_err(std::io::Error::other)?;
            cw.close().map_err(std::io::Error::other)?;
            col += 1;
        }
        rg.close().map_err(std::io::Error::other)?;
        start = end;
    }
    w.close().map_err(std::io::Error::other)?;
    Ok(())
}
