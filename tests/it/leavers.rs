//! Policy A art. 25(2): a leaver's risk deposit is returned six months
//! after leaving, losses first, even when the ledgers of the later months no
//! longer list them. The ledgers are written here: March to October 2026 of
//! a branch with one RM who stays and one who left on 10 March and appears
//! only in March's ledger.

use super::test::Test;
use super::util::run;
use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Workbook, XlsxError};
use serde_json::Value;
use std::path::Path;

/// Policy A without its sign-off chain (closing is what is tested here).
fn policy() -> &'static str {
    super::util::policy_a_without_workflow()
}

/// One month's ledger. `with_leaver`: March's, which still lists RL (left
/// on 2026-03-10, a risk deposit of 1,000.00 from the ledger, a loss of
/// 300.00 on 5 March).
fn ledger(path: &Path, month: u32, days: u32, with_leaver: bool) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("managers")?;
    for (c, h) in ["rm_id", "name", "tier", "status", "left_on", "base_deposit"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    ws.write_string(1, 0, "RM1")?;
    ws.write_string(1, 1, "张三")?;
    ws.write_string(1, 2, "mid")?;
    ws.write_string(1, 3, "active")?;
    ws.write_number(1, 5, 5_000_000.0)?;
    if with_leaver {
        ws.write_string(2, 0, "RL")?;
        ws.write_string(2, 1, "李四")?;
        ws.write_string(2, 2, "junior")?;
        ws.write_string(2, 3, "left")?;
        ws.write_string(2, 4, "2026-03-10")?;
        ws.write_number(2, 5, 1_000_000.0)?;
    }
    let ws = wb.add_worksheet().set_name("clients")?;
    ws.write_string(0, 0, "client_id")?;
    ws.write_string(0, 1, "rm_id")?;
    ws.write_string(1, 0, "C1")?;
    ws.write_string(1, 1, "RM1")?;
    let ws = wb.add_worksheet().set_name("deposits")?;
    for (c, h) in ["date", "account_id", "client_id", "balance"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    for day in 1..=days {
        let r = day;
        ws.write_string(r, 0, format!("2026-{month:02}-{day:02}"))?;
        ws.write_string(r, 1, "A1")?;
        ws.write_string(r, 2, "C1")?;
        ws.write_number(r, 3, 6_000_000.0)?;
    }
    if with_leaver {
        let ws = wb.add_worksheet().set_name("risk_accounts")?;
        ws.write_string(0, 0, "rm_id")?;
        ws.write_string(0, 1, "opening_balance")?;
        ws.write_string(1, 0, "RL")?;
        ws.write_number(1, 1, 1_000.0)?;
        let ws = wb.add_worksheet().set_name("incidents")?;
        for (c, h) in ["rm_id", "date", "description", "points", "loss"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h)?;
        }
        ws.write_string(1, 0, "RL")?;
        ws.write_string(1, 1, "2026-03-05")?;
        ws.write_string(1, 2, "现金短款")?;
        ws.write_number(1, 3, 0.0)?;
        ws.write_number(1, 4, 300.0)?;
    }
    wb.save(path)
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

fn rl(state: &Value) -> &Value {
    state["rms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rm_id"] == "RL")
        .expect("RL is in the state")
}

/// A sheet's row whose first cell is `id`, as text.
fn row(book: &Path, sheet: &str, id: &str) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(book).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let found = range
        .rows()
        .find(|r| matches!(&r[0], Data::String(s) if s == id))
        .unwrap_or_else(|| panic!("no row `{id}` in [{sheet}]"));
    found
        .iter()
        .map(|c| match c {
            Data::Empty => String::new(),
            Data::Float(f) => format!("{f:.2}"),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn a_leaver_missing_from_later_ledgers_is_paid_back_when_due() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let days = [31, 30, 31, 30, 31, 31, 30, 31];
    let mut ledgers = Vec::new();
    for (i, m) in (3..=10u32).enumerate() {
        let p = dir.path().join(format!("2026-{m:02}.xlsx"));
        ledger(&p, m, days[i], m == 3).unwrap();
        ledgers.push((format!("2026-{m:02}"), p.display().to_string()));
    }
    // Closing every month, each figure recomputed from its trace (the
    // release's too), the Chinese JSON's figures the English one's.
    super::audit::audit_archive_in_both_languages(policy(), &archive, &ledgers);
    let month = |p: &str| archive.join(p);

    // March: RL earns nothing (no clients), so the 300.00 loss cannot be
    // taken from pay and is carried; the deposit stays. The state keeps
    // the leaving date and the release month: 10 March + 6 months = 10
    // September, due in 2026-09.
    let st = json(&month("2026-03").join("state.json"));
    assert_eq!(st["format"], "rmpay.state/2");
    let r = rl(&st);
    assert_eq!(r["left_on"], "2026-03-10");
    assert_eq!(r["release_month"], "2026-09");
    assert_eq!(r["name"], "李四");
    assert_eq!(r["risk_balance"], "1000.00");
    assert_eq!(r["pending_loss"], "300.00");
    assert_eq!(r["released"], false);

    // April to August: not in the ledger, not due: carried unchanged.
    for p in ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08"] {
        let st = json(&month(p).join("state.json"));
        let r = rl(&st);
        assert_eq!(
            (
                &r["left_on"],
                &r["risk_balance"],
                &r["pending_loss"],
                &r["released"]
            ),
            (
                &Value::from("2026-03-10"),
                &Value::from("1000.00"),
                &Value::from("300.00"),
                &Value::from(false)
            ),
            "{p}"
        );
        let pay = json(&month(p).join(format!("pay-{p}.json")));
        assert!(pay.get("off_roster").is_none(), "{p}");
        assert_eq!(pay["totals"]["released"], "0.00", "{p}");
    }

    // September: the release falls due although RL is not in the ledger.
    // Losses first: min(1,000.00, 300.00) = 300.00 offset; 1,000.00 −
    // 300.00 = 700.00 returned and paid with the month's pay.
    let pay = json(&month("2026-09").join("pay-2026-09.json"));
    let off = &pay["off_roster"][0];
    // docs/JSON.md's off-roster table lists exactly the fields written.
    let mut written = std::collections::BTreeSet::new();
    super::outputs::json_paths(&pay["off_roster"], "off_roster", &[], &mut written);
    super::outputs::same_fields(
        "off-roster JSON",
        &super::outputs::documented("Off-roster fields"),
        &written,
    );
    assert_eq!(off["rm_id"], "RL");
    assert_eq!(off["left_on"], "2026-03-10");
    assert_eq!(off["pay"]["gross"], "0.00");
    assert_eq!(off["pay"]["net"], "0.00");
    assert_eq!(off["pay"]["released"], "700.00");
    assert_eq!(off["pay"]["payout"], "700.00");
    let k = &off["risk_account"];
    assert_eq!(
        (&k["opening"], &k["offset"], &k["released"], &k["closing"]),
        (
            &Value::from("1000.00"),
            &Value::from("300.00"),
            &Value::from("700.00"),
            &Value::from("0.00")
        )
    );
    assert_eq!(k["movements"][0]["kind"], "loss_offset");
    assert_eq!(k["movements"][1]["kind"], "released");
    // Closed in Chinese (the default): the reasons in Chinese, with their
    // figures (the losses of 300.00, the policy's 6 months).
    assert_eq!(
        k["movements"][0]["reason"],
        "退还前先以风险金抵偿经济损失 300.00"
    );
    assert_eq!(
        k["movements"][1]["reason"],
        "离岗满 6 个月退还（2026-03-10 离岗，不在本月台账中）"
    );
    // RM1: 5,000,000 of stock at 3.00 per 10,000 = 1,500.00 and 1,000,000
    // of increment at 8.00 = 800.00: gross 2,300.00, 20% withheld = 460.00,
    // net 1,840.00. Total paid: 1,840.00 + RL's 700.00 = 2,540.00.
    assert_eq!(pay["totals"]["released"], "700.00");
    assert_eq!(pay["totals"]["net"], "1840.00");
    assert_eq!(pay["totals"]["payout"], "2540.00");
    let st = json(&month("2026-09").join("state.json"));
    let r = rl(&st);
    assert_eq!(
        (&r["released"], &r["risk_balance"], &r["pending_loss"]),
        (
            &Value::from(true),
            &Value::from("0.00"),
            &Value::from("0.00")
        )
    );

    // The workbook: RL has a register row (no pay lines, zero gross and
    // net, the release and the total paid), and the totals row includes it.
    let book = month("2026-09").join("pay-2026-09.xlsx");
    let reg = row(&book, "工资汇总", "RL");
    assert_eq!(reg[1], "李四");
    assert_eq!(reg[3], "2026-03-10 离岗，不在本月台账中");
    let n = reg.len();
    assert_eq!(&reg[n - 2..], ["700.00", "700.00"]);
    let total = row(&book, "工资汇总", "合计");
    assert_eq!(total[1], "2 人");
    assert_eq!(&total[total.len() - 3..], ["1840.00", "700.00", "2540.00"]);
    let risk = row(&book, "风险金账户", "RL");
    // Cap, opening, withheld, offset, released, closing.
    assert_eq!(
        &risk[3..9],
        ["5000.00", "1000.00", "0.00", "300.00", "700.00", "0.00"]
    );
    assert!(risk[10].contains("不在本月台账中"), "{}", risk[10]);
    let trace = row(&book, "计算过程", "RL");
    assert_eq!(trace[1], "风险金抵偿损失");

    // explain shows the release and its reason.
    let dir_s = dir.path().display().to_string();
    Test::new()
        .args([
            "explain",
            "--archive",
            archive.to_str().unwrap(),
            "--period",
            "2026-09",
            "--rm",
            "RL",
        ])
        .replace(&dir_s, "$DIR")
        .hide_sha256()
        .stdout("
            RL 李四 (Junior RM), 2026-09; policy `city-commercial-bank` 2026.1 (city-commercial-bank.toml); ledger 2026-09.xlsx
            left on 2026-03-10; not in this month's ledger: nothing is earned, the risk deposit is released from the carried state
            opening state: closing state of 2026-08 (state.json SHA-256 $SHA256)

            risk_loss_offset = 300    [A-25-2]
              formula: min(balance, losses)
              balance = 1000.00
              losses = 300.00
              balance and losses from = closing balance of 2026-08 (risk balance, losses not yet recovered)

            risk_released = 700    [A-25-2]
              formula: balance − min(balance, losses)
              balance = 1000.00
              losses = 300.00
              balance and losses from = closing balance of 2026-08 (risk balance, losses not yet recovered)

            payout = 700    [pay]
              formula: net + released
              net = 0
              released = 700.00

            pay: released 700.00, total paid 700.00
            risk deposit: opening 1,000.00 + withheld 0.00 − offset 300.00 − released 700.00 = closing 0.00
              loss_offset 300.00: losses of 300.00 paid from the balance before release
              released 700.00: 6 months after leaving (left on 2026-03-10; not in this month's ledger)
        ")
        .run();

    // The console says where the deposit is, before and at the release
    // (a closed month previews from the month before).
    let preview = |p: &str, expected: &str| {
        Test::new()
            .args([
                "payroll",
                "--archive",
                archive.to_str().unwrap(),
                "--policy",
                policy(),
                "--ledger",
                &format!("{dir_s}/{p}.xlsx"),
                "--out",
                "$TMP/preview",
            ])
            .replace(&dir_s, "$DIR")
            .hide_sha256()
            .stderr(expected)
            .run();
    };
    preview(
        "2026-05",
        "
        rmpay: 2026-05 1 RMs, net pay 1,840.00 (gross 2,300.00, deductions 0.00, risk deposit 460.00); 0 exception(s)
        rmpay: opening state: closing state of 2026-04 (state.json SHA-256 $SHA256)
        rmpay: RL is not in this month's ledger: risk deposit 1,000.00 carried (left on 2026-03-10, released in 2026-09)
        rmpay: 2026-05 is closed in $DIR/archive: previewed, no draft recorded
        rmpay: wrote $TMP/preview/pay-2026-05.xlsx
        ",
    );
    preview(
        "2026-09",
        "
        rmpay: 2026-09 1 RMs, net pay 1,840.00 (gross 2,300.00, deductions 0.00, risk deposit 460.00); 0 exception(s)
        rmpay: risk deposits released 700.00; total paid 2,540.00
        rmpay: opening state: closing state of 2026-08 (state.json SHA-256 $SHA256)
        rmpay: RL left on 2026-03-10 and is not in this month's ledger: risk deposit released 700.00 (in the totals)
        rmpay: 2026-09 is closed in $DIR/archive: previewed, no draft recorded
        rmpay: wrote $TMP/preview/pay-2026-09.xlsx
        ",
    );

    // October: released once, never again.
    let pay = json(&month("2026-10").join("pay-2026-10.json"));
    assert!(pay.get("off_roster").is_none());
    assert_eq!(pay["totals"]["released"], "0.00");
    assert_eq!(
        rl(&json(&month("2026-10").join("state.json")))["released"],
        true
    );

    // The chain re-runs byte for byte and verifies.
    let o = run(&["verify", "--archive", archive.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(&[
        "rerun",
        "--archive",
        archive.to_str().unwrap(),
        "--period",
        "2026-09",
    ]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
