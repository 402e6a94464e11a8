//! The split read's prototype (bench/README.md, "2026-12-01"): one plain
//! calamine pass over a workbook's biggest sheet, against two calamine
//! passes over its two halves at once, the second half's cells kept
//! compactly (and lz4-compressed) until the first half has been taken,
//! as a reader that must see the rows in sheet order would.
//!
//! ```text
//! bench_split halves LEDGER.xlsx HALF1.xlsx HALF2.xlsx  # write the halves (stored)
//! bench_split single LEDGER.xlsx
//! bench_split split LEDGER.xlsx HALF1.xlsx HALF2.xlsx [raw]
//! ```
//!
//! `halves` cuts the biggest worksheet before the first `<row ` past its
//! middle: half 1 is the bytes before the cut and `</sheetData></worksheet>`,
//! half 2 the sheet's head up to and including `<sheetData>` and the bytes
//! from the cut. Each half is written into a copy of the workbook, stored
//! (so that its parser does not inflate). `split` reads them on two
//! threads while a third inflates the original sheet from its start to
//! its end (what the scout and the second half's inflating thread would
//! do: find the cut, the CRCs, then serve the second half), so the CPU
//! of the whole inflate is counted once and half of it twice, as in the
//! sketched design. Each run prints the cells read and a checksum of
//! their values, which must agree between `single` and `split`.

use calamine::{DataRef, Reader, Xlsx, open_workbook};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Instant;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The biggest worksheet's name in the workbook (by its member's size).
fn biggest_sheet(path: &str) -> Result<(String, String), Error> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path)?)?;
    let mut best = (0u64, String::new());
    for i in 0..z.len() {
        let f = z.by_index_raw(i)?;
        let name = f.name()?.to_string();
        if name.contains("worksheets/") && f.size() > best.0 {
            best = (f.size(), name);
        }
    }
    let wb: Xlsx<_> = open_workbook(path)?;
    // Sheets are named in workbook order; members are `sheetN.xml` in the
    // same order for the generated ledgers.
    let n: usize = best
        .1
        .trim_start_matches("xl/worksheets/sheet")
        .trim_end_matches(".xml")
        .parse()?;
    let name = wb
        .sheet_names()
        .get(n - 1)
        .cloned()
        .ok_or("no such sheet")?;
    Ok((name, best.1))
}

fn halves(src: &str, out1: &str, out2: &str) -> Result<(), Error> {
    let (_, member) = biggest_sheet(src)?;
    let mut z = zip::ZipArchive::new(std::fs::File::open(src)?)?;
    let mut data = Vec::new();
    z.by_name(&member)?.read_to_end(&mut data)?;
    let mid = data.len() / 2;
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let s = find(&data, b"<row ", mid).ok_or("no row after the middle")?;
    let h = find(&data, b"<sheetData>", 0).ok_or("no <sheetData>")? + b"<sheetData>".len();
    let mut one = data[..s].to_vec();
    one.extend_from_slice(b"</sheetData></worksheet>");
    let mut two = data[..h].to_vec();
    two.extend_from_slice(&data[s..]);
    eprintln!("{member}: {} bytes, cut at {s}, head {h} bytes", data.len());
    // The second half's CRC-32 from the member's declared one and the
    // first half's (which a scout computes on its way to the cut),
    // without reading the second half: crc(A‖B) = shift(crc(A), |B|) ⊕
    // crc(B), so crc(B) = crc(A‖B) ⊕ shift(crc(A), |B|), where shift is
    // `combine` with the CRC of |B| zero-length-equivalent bytes, 0.
    let declared = z.by_name(&member)?.crc32();
    let crc_of = |b: &[u8]| {
        let mut h = crc32fast::Hasher::new();
        h.update(b);
        h.finalize()
    };
    let (len_b, len_a) = ((data.len() - s) as u64, s as u64);
    let mut shifted = crc32fast::Hasher::new_with_initial_len(crc_of(&data[..s]), len_a);
    shifted.combine(&crc32fast::Hasher::new_with_initial_len(0, len_b));
    let crc_b = declared ^ shifted.finalize();
    let mut half2 = crc32fast::Hasher::new_with_initial_len(crc_of(&data[..h]), h as u64);
    half2.combine(&crc32fast::Hasher::new_with_initial_len(crc_b, len_b));
    let ok = crc_b == crc_of(&data[s..]) && half2.finalize() == crc_of(&two);
    eprintln!(
        "second half's CRC-32 from the declared one: {}",
        if ok { "right" } else { "WRONG" }
    );
    if !ok {
        return Err("the CRC algebra does not hold".into());
    }
    for (out, half) in [(out1, one), (out2, two)] {
        let mut w = zip::ZipWriter::new(std::fs::File::create(out)?);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(false);
        for i in 0..z.len() {
            let mut f = z.by_index(i)?;
            let name = f.name()?.to_string();
            w.start_file(name.as_str(), opts)?;
            if name == member {
                w.write_all(&half)?;
            } else {
                std::io::copy(&mut f, &mut w)?;
            }
        }
        w.finish()?;
    }
    Ok(())
}

/// A cell's value as the checksum takes it.
fn value(v: &DataRef<'_>) -> f64 {
    match v {
        DataRef::Float(f) => *f,
        DataRef::Int(i) => *i as f64,
        DataRef::String(s) => s.len() as f64,
        DataRef::SharedString(s) => s.len() as f64,
        DataRef::DateTime(d) => d.as_f64(),
        _ => 0.0,
    }
}

/// Parse `sheet` of `path`, sending batches of (row, column, value).
fn to_channel(path: &str, sheet: &str, tx: SyncSender<Vec<(u32, u32, f64)>>) -> Result<(), Error> {
    let mut wb: Xlsx<_> = open_workbook(path)?;
    let mut r = wb.worksheet_cells_reader(sheet)?;
    let mut batch = Vec::with_capacity(4096);
    while let Some(c) = r.next_cell()? {
        let (row, col) = c.get_position();
        batch.push((row, col, value(c.get_value())));
        if batch.len() >= 4096 {
            tx.send(std::mem::replace(&mut batch, Vec::with_capacity(4096)))?;
        }
    }
    tx.send(batch)?;
    Ok(())
}

const CHUNK: usize = 1 << 20;

/// Parse `sheet` of `path` into compact chunks: a row's number when it
/// changes, each cell's column, kind and value (a whole number of
/// hundredths as a varint, else the f64; a string's bytes; a date as
/// "the previous date again" when it repeats); each chunk lz4-compressed
/// unless `raw`.
fn to_arena(path: &str, sheet: &str, raw: bool) -> Result<(Vec<Vec<u8>>, usize), Error> {
    let mut wb: Xlsx<_> = open_workbook(path)?;
    let mut r = wb.worksheet_cells_reader(sheet)?;
    let mut chunks = Vec::new();
    let mut cur: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut total = 0;
    let mut last_row = u32::MAX;
    let mut last_date = f64::NAN;
    let mut seal = |cur: &mut Vec<u8>, chunks: &mut Vec<Vec<u8>>| {
        let z = if raw {
            cur.clone()
        } else {
            lz4_flex::block::compress_prepend_size(cur)
        };
        total += z.len();
        chunks.push(z);
        cur.clear();
    };
    while let Some(c) = r.next_cell()? {
        if cur.len() > CHUNK - (64 << 10) {
            seal(&mut cur, &mut chunks);
        }
        let (row, col) = c.get_position();
        if row != last_row {
            cur.push(0xff);
            cur.extend_from_slice(&row.to_le_bytes());
            last_row = row;
        }
        let col = u8::try_from(col).unwrap_or(u8::MAX);
        match c.get_value() {
            DataRef::Float(f) => {
                let h = (f * 100.0).round();
                if (0.0..1e15).contains(&h) && h / 100.0 == *f {
                    cur.extend_from_slice(&[1, col]);
                    let mut v = h as u64;
                    loop {
                        let b = (v & 0x7f) as u8;
                        v >>= 7;
                        if v == 0 {
                            cur.push(b);
                            break;
                        }
                        cur.push(b | 0x80);
                    }
                } else {
                    cur.extend_from_slice(&[2, col]);
                    cur.extend_from_slice(&f.to_le_bytes());
                }
            }
            DataRef::String(s) => put_str(&mut cur, col, s),
            DataRef::SharedString(s) => put_str(&mut cur, col, s),
            DataRef::DateTime(d) if d.as_f64() == last_date => cur.extend_from_slice(&[5, col]),
            DataRef::DateTime(d) => {
                last_date = d.as_f64();
                cur.extend_from_slice(&[6, col]);
                cur.extend_from_slice(&last_date.to_le_bytes());
            }
            _ => cur.extend_from_slice(&[7, col]),
        }
    }
    seal(&mut cur, &mut chunks);
    Ok((chunks, total))
}

fn put_str(cur: &mut Vec<u8>, col: u8, s: &str) {
    cur.extend_from_slice(&[3, col]);
    cur.extend_from_slice(&u32::try_from(s.len()).unwrap_or(u32::MAX).to_le_bytes());
    cur.extend_from_slice(s.as_bytes());
}

fn decode(chunks: &[Vec<u8>], raw: bool, sum: &mut f64, n: &mut u64) -> Result<(), Error> {
    let mut date = 0.0;
    for z in chunks {
        let owned;
        let c: &[u8] = if raw {
            z
        } else {
            owned = lz4_flex::block::decompress_size_prepended(z)?;
            &owned
        };
        let mut i = 0;
        let f64_at =
            |i: usize| -> Result<f64, Error> { Ok(f64::from_le_bytes(c[i..i + 8].try_into()?)) };
        while i < c.len() {
            let tag = c[i];
            i += 1;
            if tag == 0xff {
                i += 4;
                continue;
            }
            i += 1;
            *n += 1;
            match tag {
                1 => {
                    let (mut v, mut shift) = (0u64, 0);
                    loop {
                        let b = c[i];
                        i += 1;
                        v |= u64::from(b & 0x7f) << shift;
                        shift += 7;
                        if b < 0x80 {
                            break;
                        }
                    }
                    *sum += v as f64 / 100.0;
                }
                2 => {
                    *sum += f64_at(i)?;
                    i += 8;
                }
                6 => {
                    date = f64_at(i)?;
                    *sum += date;
                    i += 8;
                }
                3 => {
                    let l = u32::from_le_bytes(c[i..i + 4].try_into()?) as usize;
                    *sum += l as f64;
                    i += 4 + l;
                }
                5 => *sum += date,
                _ => {}
            }
        }
    }
    Ok(())
}

/// Inflate the original member to its end and drop the bytes (the
/// scout's and the second half's inflating, CPU counted).
fn inflate_all(path: &str, member: &str) -> Result<u64, Error> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path)?)?;
    let mut f = z.by_name(member)?;
    let mut buf = vec![0u8; 128 << 10];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        n += k as u64;
    }
}

fn run(args: &[String]) -> Result<(), Error> {
    let t = Instant::now();
    let (mut sum, mut n) = (0.0, 0u64);
    match args {
        [mode, src, a, b] if mode == "halves" => return halves(src, a, b),
        [mode, src] if mode == "single" => {
            let (sheet, _) = biggest_sheet(src)?;
            let (tx, rx) = sync_channel(2);
            std::thread::scope(|s| -> Result<(), Error> {
                let sheet = &sheet;
                let p = s.spawn(move || to_channel(src, sheet, tx));
                for b in rx {
                    for (_, _, v) in b {
                        sum += v;
                        n += 1;
                    }
                }
                p.join().map_err(|_| "parser panicked")?
            })?;
        }
        [mode, src, one, two, rest @ ..] if mode == "split" => {
            let raw = rest.first().is_some_and(|r| r == "raw");
            let (sheet, member) = biggest_sheet(src)?;
            let (tx, rx) = sync_channel(2);
            std::thread::scope(|s| -> Result<(), Error> {
                let scout = s.spawn(|| inflate_all(src, &member));
                let p1 = s.spawn({
                    let sheet = &sheet;
                    move || to_channel(one, sheet, tx)
                });
                let p2 = s.spawn(|| to_arena(two, &sheet, raw));
                for b in rx {
                    for (_, _, v) in b {
                        sum += v;
                        n += 1;
                    }
                }
                let first = t.elapsed().as_secs_f64();
                p1.join().map_err(|_| "parser panicked")??;
                let (chunks, bytes) = p2.join().map_err(|_| "parser panicked")??;
                let second = t.elapsed().as_secs_f64();
                decode(&chunks, raw, &mut sum, &mut n)?;
                scout.join().map_err(|_| "scout panicked")??;
                eprintln!(
                    "half 1 taken at {first:.3} s, half 2 parsed at {second:.3} s, kept in {:.1} MiB",
                    bytes as f64 / 1048576.0
                );
                Ok(())
            })?;
        }
        _ => return Err("usage: bench_split halves|single|split … (see the source)".into()),
    }
    eprintln!(
        "{n} cells, checksum {sum}, {:.3} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_split: {e}");
            ExitCode::FAILURE
        }
    }
}
