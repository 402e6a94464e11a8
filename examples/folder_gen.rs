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
//!
//! The month is shaped as `rules/city-commercial-bank.toml` expects a
//! bank's to be (bench/README.md, "Ledger folders"): one RM in ten is a
//! senior, two a mid-level RM, the rest juniors, each with the tier's base
//! deposit (8, 5 and 2 million yuan). Each senior has [`PER_RM`] clients
//! of 8.9–14 million yuan in deposits, each mid-level RM as many of
//! 5.6–7.2 million (their tiers' bands, art. 12: 8 million and more, 5–8
//! million), and the juniors share every other client, of 500 to 150,000
//! yuan (log-uniform; their band is under 3 million). A client's daily
//! balances stay within ±10% of its level, so its month's daily average
//! is in its band whatever the days. One small client in a hundred
//! ([`OUTSIDE`]) is dealt to a senior or mid-level RM instead: outside
//! that RM's band, as a real month has a few. Monthly gross pay then
//! comes to about 19,000 (junior), 23,000 (mid) and 42,000 yuan (senior)
//! at the policy's example rates, under its plausible ceiling.

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

/// Clients per senior and per mid-level RM.
const PER_RM: u64 = 5;

/// One small client in `OUTSIDE` is dealt outside its RM's band.
const OUTSIDE: u64 = 100;

#[derive(Clone, Copy, PartialEq)]
enum Tier {
    Senior,
    Mid,
    Junior,
}

/// RM `r`'s tier: one in ten a senior, two mid-level, seven juniors
/// (the first RM a junior, so that a month of any size has one).
fn tier(r: u64) -> Tier {
    match r % 10 {
        3 => Tier::Senior,
        6 | 9 => Tier::Mid,
        _ => Tier::Junior,
    }
}

/// The month's shape: who has which clients, of what size.
struct Month {
    accounts: u64,
    clients: u64,
    /// RMs by tier, 0-based.
    seniors: Vec<u64>,
    mids: Vec<u64>,
    juniors: Vec<u64>,
    /// Clients of the seniors' and the mid-level RMs' size.
    large: u64,
    medium: u64,
}

/// A client's kind: its size, and the RM it is dealt to.
struct Client {
    /// Its deposits' level in fen (each day within ±10%).
    level: i64,
    rm: u64,
}

impl Month {
    fn new(accounts: u64, rms: u64) -> Month {
        let clients = client_of(accounts - 1) + 1;
        let of = |t: Tier| (0..rms).filter(|&r| tier(r) == t).collect::<Vec<_>>();
        let (seniors, mids, juniors) = (of(Tier::Senior), of(Tier::Mid), of(Tier::Junior));
        // At most a tenth of the clients each, in a month of few clients.
        let large = (seniors.len() as u64 * PER_RM).min(clients / 10);
        let medium = (mids.len() as u64 * PER_RM).min(clients / 10);
        Month {
            accounts,
            clients,
            seniors,
            mids,
            juniors,
            large,
            medium,
        }
    }

    /// Client `k` (0-based): the large and medium clients spread evenly
    /// over the ids, the large first; the rest small.
    fn client(&self, k: u64) -> Client {
        let special = self.large + self.medium;
        let s = k * special / self.clients;
        let is_special = special > 0 && (k + 1) * special / self.clients != s;
        let mut r = Lcg(k.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5DEE_CE66);
        r.next();
        let u = r.next() as f64 / (1u64 << 31) as f64;
        let deal = |rms: &[u64], j: u64| rms.get((j % rms.len().max(1) as u64) as usize).copied();
        if is_special && s < self.large {
            // 8.9–14 million yuan.
            let level = 890_000_000 + (u * 510_000_000.0) as i64;
            return Client {
                level,
                rm: deal(&self.seniors, s).unwrap_or(0),
            };
        }
        if is_special {
            // 5.6–7.2 million yuan.
            let level = 560_000_000 + (u * 160_000_000.0) as i64;
            return Client {
                level,
                rm: deal(&self.mids, s - self.large).unwrap_or(0),
            };
        }
        // 500 to 150,000 yuan, log-uniform: 500 × 300^u; dealt in turn
        // to the juniors, but one in OUTSIDE (by lot) to a mid-level RM
        // or a senior.
        let level = (50_000.0 * 300f64.powf(u)) as i64;
        let lot = r.next();
        let rm = match (lot.is_multiple_of(OUTSIDE), lot / OUTSIDE % 2) {
            (true, 0) => deal(&self.mids, k),
            (true, _) => deal(&self.seniors, k),
            (false, _) => None,
        }
        .or_else(|| deal(&self.juniors, k))
        .unwrap_or(0);
        Client { level, rm }
    }

    /// Account `a`'s level in fen: its client's, split 60/40 between a
    /// client's two accounts.
    fn account_level(&self, a: u64, level: i64) -> i64 {
        let k = client_of(a);
        // Client k's accounts: ceil(3k/2) .. ceil(3(k+1)/2), within the month.
        let first = (3 * k).div_ceil(2);
        let end = (3 * (k + 1)).div_ceil(2).min(self.accounts);
        if end - first < 2 {
            level
        } else if a == first {
            level * 6 / 10
        } else {
            level - level * 6 / 10
        }
    }
}

/// The balance of an account on a day, in fen: its level ± 10%.
fn balance(level: i64, a: u64, day: u32) -> i64 {
    let mut r = Lcg(a.wrapping_mul(0x9E37_79B9) ^ u64::from(day));
    r.next();
    level * (900 + (r.next() % 201) as i64) / 1000
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
    let month = Month::new(accounts, rms);
    let clients = month.clients;
    let dealt: Vec<Client> = (0..clients).map(|k| month.client(k)).collect();
    let levels: Vec<i64> = (0..accounts)
        .map(|a| {
            let level = dealt.get(client_of(a) as usize).map_or(0, |c| c.level);
            month.account_level(a, level)
        })
        .collect();
    let outside = (0..clients)
        .filter(|&k| {
            let (level, rm) = (dealt[k as usize].level, dealt[k as usize].rm);
            let large = level >= 890_000_000;
            let medium = !large && level >= 560_000_000;
            match tier(rm) {
                Tier::Senior => !large,
                Tier::Mid => !medium,
                Tier::Junior => large || medium,
            }
        })
        .count();
    let out = Path::new(out);
    for sub in ["csv", "parquet"] {
        let dir = out.join(sub);
        std::fs::create_dir_all(&dir)?;
        let mut m = std::io::BufWriter::new(std::fs::File::create(dir.join("managers.csv"))?);
        writeln!(m, "rm_id,name,tier,role,base_deposit")?;
        for r in 0..rms {
            let (name, base) = match tier(r) {
                Tier::Senior => ("高级", 8_000_000),
                Tier::Mid => ("中级", 5_000_000),
                Tier::Junior => ("初级", 2_000_000),
            };
            writeln!(m, "RM{:05},经理{},{name},客户经理,{base}", r + 1, r + 1)?;
        }
        m.flush()?;
        let mut c = std::io::BufWriter::new(std::fs::File::create(dir.join("clients.csv"))?);
        writeln!(c, "client_id,rm_id")?;
        for (k, client) in dealt.iter().enumerate() {
            writeln!(c, "C{:08},RM{:05}", k + 1, client.rm + 1)?;
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
            let b = balance(levels[a as usize], a, day);
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
    write_parquet(&out.join("parquet/deposits.parquet"), &levels)?;
    eprintln!(
        "folder_gen: {} rows of {accounts} accounts, {clients} clients ({} of a senior's size, {} of a mid-level RM's, {outside} dealt outside their RM's band), {rms} RMs ({} seniors, {} mid-level, {} juniors) in {}/csv and {}/parquet",
        accounts * 31,
        month.large,
        month.medium,
        month.seniors.len(),
        month.mids.len(),
        month.juniors.len(),
        out.display(),
        out.display()
    );
    Ok(())
}

fn write_parquet(path: &Path, levels: &[i64]) -> std::io::Result<()> {
    let accounts = levels.len() as u64;
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
                        .map(|i| balance(levels[at(i).1 as usize], at(i).1, at(i).0 as u32 + 1))
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
