//! Parse-only baseline for the benchmark: one plain calamine pass over every
//! sheet of a workbook, with no ledger logic at all. `rmpay payroll` is
//! timed against this (see bench/README.md).
//!
//! ```text
//! cargo run --release --example bench_parse -- FILE.xlsx
//! ```
//!
//! Opens the file with `open_workbook::<Xlsx<_>, _>`, streams each sheet with
//! `worksheet_cells_reader` / `next_cell` to the end, and touches every value
//! (counts cells by type, sums numbers, adds up string lengths) so the work
//! cannot be optimised away.

use std::process::ExitCode;
use std::time::Instant;

use calamine::{DataRef, Reader, Xlsx, open_workbook};

#[derive(Default)]
struct Tally {
    rows: u64,
    cells: u64,
    numbers: u64,
    strings: u64,
    dates: u64,
    other: u64,
    sum: f64,
    string_bytes: u64,
}

fn run(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let mut wb: Xlsx<_> = open_workbook(path)?;
    let opened = t.elapsed().as_secs_f64();
    let mut total = Tally::default();
    for name in wb.sheet_names() {
        let mut s = Tally::default();
        let mut last_row = None;
        {
            let mut reader = wb.worksheet_cells_reader(&name)?;
            while let Some(cell) = reader.next_cell()? {
                let (row, _) = cell.get_position();
                if last_row != Some(row) {
                    s.rows += 1;
                    last_row = Some(row);
                }
                s.cells += 1;
                match cell.get_value() {
                    DataRef::Float(f) => {
                        s.numbers += 1;
                        s.sum += f;
                    }
                    DataRef::Int(i) => {
                        s.numbers += 1;
                        s.sum += *i as f64;
                    }
                    DataRef::String(v) => {
                        s.strings += 1;
                        s.string_bytes += v.len() as u64;
                    }
                    DataRef::SharedString(v) => {
                        s.strings += 1;
                        s.string_bytes += v.len() as u64;
                    }
                    DataRef::DateTime(d) => {
                        s.dates += 1;
                        s.sum += d.as_f64();
                    }
                    DataRef::Empty => {}
                    _ => s.other += 1,
                }
            }
        }
        println!(
            "  {name}: {} rows, {} cells ({} numbers, {} strings, {} dates, {} other)",
            s.rows, s.cells, s.numbers, s.strings, s.dates, s.other
        );
        total.rows += s.rows;
        total.cells += s.cells;
        total.numbers += s.numbers;
        total.strings += s.strings;
        total.dates += s.dates;
        total.other += s.other;
        total.sum += s.sum;
        total.string_bytes += s.string_bytes;
    }
    println!(
        "bench_parse: {path}: {} rows, {} cells (sum {:.2}, {} string bytes); open {:.3}s, total {:.3}s",
        total.rows,
        total.cells,
        total.sum,
        total.string_bytes,
        opened,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench_parse FILE.xlsx");
        return ExitCode::from(2);
    };
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_parse: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
