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
