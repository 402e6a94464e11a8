//! The whole month cycle walked on the shipped fixtures (issue 11, first
//! "Done when" item): Policy A with its workflow, September to November
//! 2026 drafted, signed and closed (October corrected and signed again),
//! then September's ledger corrected with `restate`, and December's
//! payroll carrying the adjustment lines, per RM and line, by hand.

use super::cycle::{self, close, draft, ok, printed_draft, s};
use super::util::run;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;

const POLICY: &str = "rules/city-commercial-bank.toml";
const CORRECTED_OCT: &str = "fixtures/tampered/2026-10.xlsx";
const REASON: &str = "客户 C008 9月1日存款余额少记 3,000,000.00，更正";

fn sign(a: &Path, period: &str, step: &str, name: &str, date: &str) {
    let o = cycle::sign(a, period, step, name, date);
    ok(&o, &format!("{period} {step}"));
}

/// 制表, 审核, 审批 in order.
fn sign_all(a: &Path, period: &str, dates: [&str; 3]) {
    sign(a, period, "prepare", "张三", dates[0]);
    sign(a, period, "check", "王五", dates[1]);
    sign(a, period, "approve", "赵六", dates[2]);
}

/// A copy of an xlsx with one cell of one sheet's XML replaced (every
/// other part copied byte for byte).
fn edit_cell(src: &str, dst: &Path, part: &str, old: &str, new: &str) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == part {
            let xml = String::from_utf8(bytes).unwrap();
            assert_eq!(xml.matches(old).count(), 1, "{old} in {part}");
            bytes = xml.replace(old, new).into_bytes();
        }
        let opts: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zout.start_file(name, opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

/// December's ledger from November's: every cell copied, each date of
/// November moved to the same day of December, and the deposits of 30
/// November repeated for 31 December.
fn december_from_november(dst: &Path) {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    use chrono::{Datelike, NaiveDate};
    let mut src: Xlsx<_> = open_workbook("fixtures/2026-11.xlsx").unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for name in src.sheet_names() {
        let range = src.worksheet_range(&name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut last = 0;
        let mut extra = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let r = r0 + i as u32;
            last = r;
            let mut day30 = false;
            for (j, cell) in row.iter().enumerate() {
                let c = (c0 + j as u32) as u16;
                match cell {
                    Data::Empty => {}
                    Data::String(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    Data::Float(x) => {
                        ws.write_number(r, c, *x).unwrap();
                    }
                    Data::Int(x) => {
                        ws.write_number(r, c, *x as f64).unwrap();
                    }
                    Data::DateTime(d) => {
                        let mut d: NaiveDate = d.as_datetime().unwrap().date();
                        if (d.year(), d.month()) == (2026, 11) {
                            day30 |= d.day() == 30;
                            d = NaiveDate::from_ymd_opt(2026, 12, d.day()).unwrap();
                        }
                        ws.write_string(r, c, d.format("%Y-%m-%d").to_string())
                            .unwrap();
                    }
                    other => panic!("{name}: unexpected cell {other:?}"),
                }
            }
            if name == "存款日余额" && day30 {
                extra.push(row.to_vec());
            }
        }
        for (k, row) in extra.iter().enumerate() {
            let r = last + 1 + k as u32;
            for (j, cell) in row.iter().enumerate() {
                let c = (c0 + j as u32) as u16;
                match cell {
                    Data::String(t) => ws.write_string(r, c, t).unwrap(),
                    Data::Float(x) => ws.write_number(r, c, *x).unwrap(),
                    Data::DateTime(_) => ws.write_string(r, c, "2026-12-31").unwrap(),
                    other => panic!("{name}: unexpected cell {other:?}"),
                };
            }
        }
        if name == "存款日余额" {
            assert_eq!(extra.len(), 10, "ten accounts on 30 November");
        }
    }
    wb.save(dst).unwrap();
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn manager<'a>(pay: &'a Value, id: &str) -> &'a Value {
    pay["managers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rm_id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the JSON"))
}

fn line<'a>(m: &'a Value, rule: &str) -> &'a Value {
    &m["pay"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rule"] == rule)
        .unwrap_or_else(|| panic!("no line {rule}"))["amount"]
}

fn risk_balance(a: &Path, dir: &str, id: &str) -> String {
    json(&a.join(dir).join("state.json"))["rms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rm_id"] == id)
        .unwrap()["risk_balance"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An RM's adjustment lines as (period, version, paid version, reason,
/// figure, paid, due, amount).
fn adjustments(m: &Value) -> Vec<[String; 8]> {
    let t = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    m["pay"]["adjustments"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|a| {
                    [
                        "period",
                        "version",
                        "paid_version",
                        "reason",
                        "figure",
                        "paid",
                        "due",
                        "amount",
                    ]
                    .map(|k| t(&a[k]))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_fixtures_walk_from_september_to_december_through_a_restatement() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("archive");
    let out = dir.path().join("out");

    // September: drafted, 制表 → 审核 → 审批, closed.
    ok(
        &draft(&a, "fixtures/2026-09.xlsx", &out),
        "drafting 2026-09",
    );
    sign_all(&a, "2026-09", ["2026-10-02", "2026-10-03", "2026-10-04"]);
    ok(&close(&a, "fixtures/2026-09.xlsx"), "closing 2026-09");

    // October: drafted, 制表 and 审核 signed; the ledger corrected (one
    // daily balance) and drafted again: both sign-offs are void.
    let o = draft(&a, "fixtures/2026-10.xlsx", &out);
    ok(&o, "drafting 2026-10");
    let oct1 = printed_draft(&o);
    sign(&a, "2026-10", "prepare", "张三", "2026-11-02");
    sign(&a, "2026-10", "check", "王五", "2026-11-03");
    let o = draft(&a, CORRECTED_OCT, &out);
    ok(&o, "drafting the corrected 2026-10");
    let oct2 = printed_draft(&o);
    assert_ne!(oct1, oct2);
    // `close` refuses, naming every step missing or void.
    let o = close(&a, CORRECTED_OCT);
    let lp = a.join("drafts/2026-10/signoffs.jsonl");
    let lp = lp.display();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        format!(
            "fixtures/tampered/2026-10.xlsx [客户经理]: warning[missing-card]: 8 RM(s) paid for 2026-10 have no salary card: RM001, RM002, RM003, AG001, BH001, RM005, RM006, RM007. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing\n\
             {lp}: error[not-approved]: 2026-10 has no valid 制表 (市场营销部) sign-off for draft {oct2} (张三's sign-off of 2026-11-02 was for draft {oct1}, voided by draft {oct2} of 2026-10.xlsx)\n\
             {lp}: error[not-approved]: 2026-10 has no valid 审核 (稽核监控办) sign-off for draft {oct2} (王五's sign-off of 2026-11-03 was for draft {oct1}, voided by draft {oct2} of 2026-10.xlsx)\n\
             {lp}: error[not-approved]: 2026-10 has no valid 审批 (行长) sign-off for draft {oct2}\n\
             rmpay: 3 error(s); nothing was written\n"
        )
    );
    assert!(!a.join("2026-10").exists());
    sign_all(&a, "2026-10", ["2026-11-04", "2026-11-05", "2026-11-06"]);
    ok(&close(&a, CORRECTED_OCT), "closing 2026-10");

    // November: drafted, signed, closed.
    ok(
        &draft(&a, "fixtures/2026-11.xlsx", &out),
        "drafting 2026-11",
    );
    sign_all(&a, "2026-11", ["2026-12-02", "2026-12-03", "2026-12-04"]);
    ok(&close(&a, "fixtures/2026-11.xlsx"), "closing 2026-11");

    // September's ledger corrected: account 6201009 of client C008 (RM005's
    // alone) held 9,000,000.00 on 1 September, not 6,000,000.00 (row 10 of
    // 存款日余额; every other cell as shipped).
    let corrected = dir.path().join("2026-09-corrected.xlsx");
    edit_cell(
        "fixtures/2026-09.xlsx",
        &corrected,
        "xl/worksheets/sheet3.xml",
        r#"<c r="E10"><v>6000000.0</v></c>"#,
        r#"<c r="E10"><v>9000000.0</v></c>"#,
    );
    let o = run(&[
        "restate",
        "--archive",
        s(&a),
        "--period",
        "2026-09",
        "--ledger",
        s(&corrected),
        "--reason",
        REASON,
    ]);
    ok(&o, "restating 2026-09");
    for m in ["2026-09", "2026-10", "2026-11"] {
        assert!(a.join(format!("{m}.v2")).is_dir(), "{m}.v2");
    }
    let o = run(&["verify", "--archive", s(&a)]);
    ok(&o, "verify");
    for m in ["2026-09", "2026-10", "2026-11"] {
        let want = format!(
            "{m} has versions 1, 2; version 2 is in force ({})",
            a.join(format!("{m}.v2")).display()
        );
        assert!(o.stdout.contains(&want), "{want} in {}", o.stdout);
    }

    // RM005 (mid, base deposit 5,000,000.00) by hand. September as closed:
    // C008 held 6,000,000.00 every day, daily average 6,000,000.00; stock
    // 5,000,000 ÷ 10,000 × 3.00 = 1,500.00; increment 1,000,000 ÷ 10,000 ×
    // 8.00 = 800.00. Corrected: Δ = +3,000,000.00 on one of 30 days, the
    // daily average + 3,000,000 ÷ 30 = +100,000.00 → 6,100,000.00; stock
    // unchanged (capped at the base), increment 1,100,000 ÷ 10,000 × 8.00 =
    // 880.00 (+80.00).
    let sep1 = json(&a.join("2026-09/pay-2026-09.json"));
    let sep2 = json(&a.join("2026-09.v2/pay-2026-09.json"));
    let (r1, r2) = (manager(&sep1, "RM005"), manager(&sep2, "RM005"));
    assert_eq!(line(r1, "A-26-deposit-stock"), "1500.00");
    assert_eq!(line(r2, "A-26-deposit-stock"), "1500.00");
    assert_eq!(line(r1, "A-26-deposit-increment"), "800.00");
    assert_eq!(line(r2, "A-26-deposit-increment"), "880.00");
    // The holdback: 20% of 2,300.00 = 460.00, or of 2,380.00 = 476.00, but
    // RM005's risk account opens at 9,950.00 (风险金账户) and the mid
    // tier's cap is 10,000.00: only 10,000.00 − 9,950.00 = 50.00 is
    // withheld either way, and the account stays at the cap through
    // October and November (nothing withheld, nothing to roll forward).
    assert_eq!(r1["pay"]["holdback"], "50.00");
    assert_eq!(r2["pay"]["holdback"], "50.00");
    for d in [
        "2026-09",
        "2026-09.v2",
        "2026-10",
        "2026-10.v2",
        "2026-11",
        "2026-11.v2",
    ] {
        assert_eq!(risk_balance(&a, d, "RM005"), "10000.00", "{d}");
    }

    // December: a ledger made from November's, drafted from November
    // version 2.
    let dec_ledger = dir.path().join("2026-12.xlsx");
    december_from_november(&dec_ledger);
    let dec_json = dir.path().join("pay-2026-12.json");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        s(&dec_ledger),
        "--archive",
        s(&a),
        "--out",
        s(&out),
        "--json",
        s(&dec_json),
    ]);
    ok(&o, "drafting 2026-12");
    let dec = json(&dec_json);
    // RM005: one line, the increment: paid 800.00 in version 1, due 880.00
    // in version 2, 880.00 − 800.00 = +80.00 (补发); the holdback
    // (50.00 − 50.00) and the stock (1,500.00 − 1,500.00) do not move.
    let rm5 = manager(&dec, "RM005");
    let l = |f: &str, paid: &str, due: &str, amount: &str| {
        ["2026-09", "2", "1", REASON, f, paid, due, amount].map(String::from)
    };
    assert_eq!(
        adjustments(rm5),
        [l("A-26-deposit-increment", "800.00", "880.00", "80.00")]
    );
    assert_eq!(rm5["pay"]["adjustments_total"], "80.00");
    // December's own pay: C008 holds 6,000,000.00 on all 31 days, so 1,500.00
    // + 800.00 = 2,300.00 gross, nothing withheld (the account is at its
    // cap); net 2,300.00 + 80.00 = 2,380.00.
    assert_eq!(line(rm5, "A-26-deposit-stock"), "1500.00");
    assert_eq!(line(rm5, "A-26-deposit-increment"), "800.00");
    assert_eq!(rm5["pay"]["gross"], "2300.00");
    assert_eq!(rm5["pay"]["holdback"], "0.00");
    assert_eq!(rm5["pay"]["net"], "2380.00");
    // Every other RM: no adjustment line.
    let others: Vec<(String, usize)> = dec["managers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["rm_id"] != "RM005")
        .map(|m| {
            (
                m["rm_id"].as_str().unwrap().to_string(),
                adjustments(m).len(),
            )
        })
        .collect();
    assert_eq!(others.len(), 8, "{others:?}");
    assert!(others.iter().all(|(_, n)| *n == 0), "{others:?}");
}
