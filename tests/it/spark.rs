//! The heavy step on Spark (issue 13, point 4). `spark/job.py` runs
//! `spark/deposit_averages.sql` in Spark's local mode over a month's daily
//! balances and hands rmpay each client's and product's sum of daily
//! balances and days. rmpay's payroll from those sums equals its payroll
//! from the same daily balances read directly, to the fen, RM by RM; a
//! month with a gap or a duplicate fails in both, naming the same accounts.
//!
//! Needs Python with pyspark (`RMPAY_PYTHON`, or the project's `.venv`,
//! which the README's test command makes from `spark/requirements.txt`)
//! and Java 17. Without them this test fails, saying how to install them:
//! it is never skipped.

use super::folders::{Cell, Enc, Sheet, csv_folder, first_difference, workbook};
use super::util;
use rmpay::ledger::SheetKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLICY: &str = "rules/city-commercial-bank.toml";
const FIXTURE: &str = "fixtures/2026-10.xlsx";

fn python() -> PathBuf {
    let p = std::env::var_os("RMPAY_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| util::root().join(".venv/bin/python"));
    let ok = Command::new(&p)
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "the Spark test needs Python with pyspark at {} (or RMPAY_PYTHON) and Java 17: \
         run `python3 -m venv .venv && .venv/bin/pip install -r spark/requirements.txt`, \
         as the README's test command does",
        p.display()
    );
    p
}

/// Run the Spark job over `daily` (a CSV of daily balances) into `out`,
/// carrying a missing day's balance forward when `carry`.
fn spark_job(python: &Path, daily: &Path, out: &Path, carry: bool) -> Output {
    let work = out.with_extension("spark-work");
    std::fs::create_dir_all(&work).unwrap();
    Command::new(python)
        .arg(util::root().join("spark/job.py"))
        .args(["--period", "2026-10", "--csv"])
        .arg(daily)
        .arg("--out")
        .arg(out)
        .args(carry.then_some("--carry-forward"))
        .current_dir(&work)
        .output()
        .unwrap()
}

/// A deterministic stream of numbers (a linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// The fixture's month with its deposits generated anew: one to three
/// accounts for each of its clients, of a product drawn at random, with a
/// balance to the fen for every day (random walks, some large).
fn generated_month() -> (Vec<Sheet>, Sheet) {
    let sheets = workbook(FIXTURE);
    let clients = sheets
        .iter()
        .find(|s| s.kind == SheetKind::Clients)
        .unwrap();
    let header: Vec<String> = clients.rows[0].iter().map(Cell::text).collect();
    let col = header.iter().position(|h| h == "客户编号").unwrap();
    let mut ids: Vec<String> = clients.rows[1..].iter().map(|r| r[col].text()).collect();
    ids.sort();
    ids.dedup();
    let mut rng = Lcg(202_610);
    let mut rows = vec![
        ["date", "account_id", "client_id", "product", "balance"]
            .map(|h| Cell::Text(h.into()))
            .to_vec(),
    ];
    let mut n = 0;
    for client in &ids {
        for _ in 0..=rng.next(3) {
            n += 1;
            let product = ["活期", "定期", "协议存款"][rng.next(3) as usize];
            let mut cents = rng.next(50_000_000_000) as i64;
            for day in 1..=31 {
                cents = (cents + rng.next(200_000_000) as i64 - 100_000_000).max(0);
                rows.push(vec![
                    Cell::Date(format!("2026-10-{day:02}")),
                    Cell::Text(format!("A{n:05}")),
                    Cell::Text(client.clone()),
                    Cell::Text(product.into()),
                    Cell::Text(format!("{}.{:02}", cents / 100, cents % 100)),
                ]);
            }
        }
    }
    let others = sheets
        .into_iter()
        .filter(|s| s.kind != SheetKind::Deposits && s.kind != SheetKind::DepositAverages)
        .collect();
    (
        others,
        Sheet {
            kind: SheetKind::Deposits,
            rows,
        },
    )
}

fn payroll(ledger: &Path, json: &Path) -> Output {
    payroll_under(Path::new(POLICY), ledger, json)
}

fn payroll_under(policy: &Path, ledger: &Path, json: &Path) -> Output {
    let out = json.with_extension("out");
    util::rmpay()
        .arg("payroll")
        .arg("--policy")
        .arg(policy)
        .args(["--period", "2026-10", "--quiet", "--ledger"])
        .arg(ledger)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .arg(json)
        .output()
        .unwrap()
}

/// Each RM's figures (metrics, pay lines, risk account, every trace value)
/// and the totals: what must agree to the fen.
fn figures(json: &Path) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let managers: Vec<serde_json::Value> = v["managers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let values: Vec<&serde_json::Value> = m["trace"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| &s["value"])
                .collect();
            serde_json::json!([
                m["rm_id"],
                m["metrics"],
                m["pay"],
                m["risk_account"],
                values
            ])
        })
        .collect();
    serde_json::json!([managers, v["totals"]])
}

/// `(code, account)` of each error line naming an account.
fn refused_accounts(stderr: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = stderr
        .lines()
        .filter_map(|l| {
            let code = l.split("error[").nth(1)?.split(']').next()?;
            let account = l.split("account `").nth(1)?.split('`').next()?;
            Some((code.to_string(), account.to_string()))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn spark_s_sums_pay_what_the_daily_balances_pay_and_refuse_the_same_accounts() {
    let python = python();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (others, deposits) = generated_month();
    let accounts = deposits.rows.len() / 31;
    assert!(accounts > 10, "{accounts} accounts");

    // Three months: whole; A00003 without its 5th; A00007's 12th twice.
    let gap: Vec<Vec<Cell>> = deposits
        .rows
        .iter()
        .filter(|r| !(r[1].text() == "A00003" && r[0].text() == "2026-10-05"))
        .cloned()
        .collect();
    let mut duplicate = deposits.rows.clone();
    let twice = duplicate
        .iter()
        .find(|r| r[1].text() == "A00007" && r[0].text() == "2026-10-12")
        .cloned()
        .unwrap();
    duplicate.push(twice);
    let cases = [
        ("whole", deposits.rows.clone()),
        ("gap", gap),
        ("duplicate", duplicate),
    ];

    // The direct ledgers: the daily balances as `deposits.csv`.
    for (name, rows) in &cases {
        let mut sheets: Vec<Sheet> = Vec::new();
        for s in &others {
            sheets.push(Sheet {
                kind: s.kind,
                rows: s.rows.clone(),
            });
        }
        sheets.push(Sheet {
            kind: SheetKind::Deposits,
            rows: rows.clone(),
        });
        csv_folder(&t.join(format!("direct-{name}")), &sheets, Enc::Utf8, false);
    }
    // The Spark ledgers: the same month without deposits; the job adds
    // `deposit_averages.parquet`. The four jobs run side by side: the three
    // months, and the gap's again carrying a missing day forward.
    let mut results: Vec<Output> = std::thread::scope(|s| {
        let jobs: Vec<_> = cases
            .iter()
            .map(|(name, _)| (*name, *name, false))
            .chain([("gap-carry", "gap", true)])
            .map(|(name, month, carry)| {
                let dir = t.join(format!("spark-{name}"));
                csv_folder(&dir, &others, Enc::Utf8, false);
                let daily = t.join(format!("direct-{month}/deposits.csv"));
                let python = &python;
                s.spawn(move || spark_job(python, &daily, &dir, carry))
            })
            .collect();
        jobs.into_iter().map(|j| j.join().unwrap()).collect()
    });
    let carried = results.pop().unwrap();

    // The whole month: Spark wrote the sums, and both pay the same.
    let whole = &results[0];
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    assert!(t.join("spark-whole/deposit_averages.parquet").is_file());
    let direct = payroll(&t.join("direct-whole"), &t.join("direct.json"));
    assert!(
        direct.status.success(),
        "{}",
        String::from_utf8_lossy(&direct.stderr)
    );
    let spark = payroll(&t.join("spark-whole"), &t.join("spark.json"));
    assert!(
        spark.status.success(),
        "{}",
        String::from_utf8_lossy(&spark.stderr)
    );
    let (a, b) = (
        figures(&t.join("direct.json")),
        figures(&t.join("spark.json")),
    );
    assert_eq!(first_difference(&a, &b, "pay"), None);
    // Not a vacuous equality: the fixture's nine RMs are there, and the
    // seven in post manage generated deposits (RM006 and RM007 left
    // before October: their daily averages are 0).
    let rms = a[0].as_array().unwrap();
    assert_eq!(rms.len(), 9, "{a}");
    let with_deposits = rms
        .iter()
        .filter(|m| m[1]["deposit_daily_average"] != "0")
        .count();
    assert_eq!(with_deposits, 7, "{a}");

    // Gap and duplicate: both refuse, naming the same accounts, and
    // Spark writes nothing.
    for ((name, _), spark) in cases.iter().zip(&results).skip(1) {
        let spark_err = String::from_utf8_lossy(&spark.stderr);
        assert_eq!(spark.status.code(), Some(1), "{name}: {spark_err}");
        assert!(
            !t.join(format!("spark-{name}/deposit_averages.parquet"))
                .exists()
        );
        let direct = payroll(
            &t.join(format!("direct-{name}")),
            &t.join(format!("{name}.json")),
        );
        let direct_err = String::from_utf8_lossy(&direct.stderr);
        assert_eq!(direct.status.code(), Some(1), "{name}: {direct_err}");
        let expected = match *name {
            "gap" => vec![("missing-days".to_string(), "A00003".to_string())],
            _ => vec![("duplicate-balance".to_string(), "A00007".to_string())],
        };
        assert_eq!(refused_accounts(&direct_err), expected, "{direct_err}");
        assert_eq!(refused_accounts(&spark_err), expected, "{spark_err}");
    }
    // The gap's days are named alike.
    let gap_err = String::from_utf8_lossy(&results[1].stderr);
    assert!(gap_err.contains("found none for 2026-10-05"), "{gap_err}");

    // Where the policy carries a missing day's balance forward, the gap is
    // no error: A00003's 4th balance stands for the 5th, in Spark's sum as
    // in rmpay's own.
    let text = std::fs::read_to_string(util::root().join(POLICY)).unwrap();
    assert_eq!(
        text.matches("carry_forward_missing_days = false").count(),
        1
    );
    let carrying = t.join("carrying.toml");
    std::fs::write(
        &carrying,
        text.replace(
            "carry_forward_missing_days = false",
            "carry_forward_missing_days = true",
        ),
    )
    .unwrap();
    assert!(
        carried.status.success(),
        "{}",
        String::from_utf8_lossy(&carried.stderr)
    );
    let direct = payroll_under(
        &carrying,
        &t.join("direct-gap"),
        &t.join("carry-direct.json"),
    );
    assert!(
        direct.status.success(),
        "{}",
        String::from_utf8_lossy(&direct.stderr)
    );
    let spark = payroll_under(
        &carrying,
        &t.join("spark-gap-carry"),
        &t.join("carry-spark.json"),
    );
    assert!(
        spark.status.success(),
        "{}",
        String::from_utf8_lossy(&spark.stderr)
    );
    let (c, d) = (
        figures(&t.join("carry-direct.json")),
        figures(&t.join("carry-spark.json")),
    );
    assert_eq!(first_difference(&c, &d, "carried"), None);
    // And the carried day counts: the month differs from the whole one.
    assert_ne!(first_difference(&a, &c, "whole"), None);
}
