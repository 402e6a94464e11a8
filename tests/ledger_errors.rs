use rmpay::ledger::{ReadOptions, read_ledger};
use std::path::PathBuf;

fn render(name: &str, opts: &ReadOptions) -> Vec<String> {
    let rel = format!("fixtures/bad/ledger/{name}");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let (_ledger, diags) = read_ledger(&path, &rel, opts, &mut |_, _| {});
    diags.render()
}

#[test]
#[ignore]
fn dump() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad/ledger");
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    for n in names {
        println!("== {n}");
        for l in render(&n, &ReadOptions::default()) { println!("{l}"); }
    }
}

/// Timing and memory of a big ledger against a bare calamine pass:
/// `cargo run --release --example make_bad_ledgers -- --big /tmp/big.xlsx 1000000`, then
/// `RMPAY_BIG_LEDGER=/tmp/big.xlsx cargo test --release --test ledger_errors -- --ignored big_read --nocapture`.
#[test]
#[ignore]
fn big_read() {
    use calamine::{Reader, Xlsx, open_workbook};
    use std::time::Instant;
    let Ok(path) = std::env::var("RMPAY_BIG_LEDGER") else {
        eprintln!("set RMPAY_BIG_LEDGER");
        return;
    };
    let path = PathBuf::from(path);
    let bare = || {
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let mut n = 0u64;
        for name in wb.sheet_names() {
            let mut cells = wb.worksheet_cells_reader(&name).unwrap();
            while let Some(c) = cells.next_cell().unwrap() {
                n += u64::from(c.get_position().0 & 1);
            }
        }
        n
    };
    let ours = || {
        let mut calls = 0;
        let (ledger, diags) = read_ledger(&path, "big.xlsx", &ReadOptions::default(), &mut |_, _| calls += 1);
        assert!(
            diags.iter().all(|d| d.code == "missing-days"),
            "{:?}",
            diags.render()
        );
        match ledger.map(|l| l.deposits) {
            Some(rmpay::ledger::Deposits::Daily { accounts, .. }) => accounts.len(),
            _ => diags.len(),
        }
    };
    let t = Instant::now();
    let accounts = ours();
    let first = t.elapsed();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .map(str::to_string)
        .unwrap_or_default();
    let mut best_ours = first;
    let mut best_bare = std::time::Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        std::hint::black_box(bare());
        best_bare = best_bare.min(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(ours());
        best_ours = best_ours.min(t.elapsed());
    }
    println!(
        "accounts {accounts}; read_ledger {best_ours:?} (first {first:?}), bare cell pass {best_bare:?}, ratio {:.3}; peak after first read: {hwm}",
        best_ours.as_secs_f64() / best_bare.as_secs_f64()
    );
}
