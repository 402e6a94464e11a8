//! The xlsx reader inflates a big sheet on one thread, parses it on another
//! and hands the rows over in batches to a third; a sheet much longer than
//! one batch must read exactly as its rows say, with every row counted once
//! and errors placed on the right cell. The same generated ledger also
//! carries a row of another month through a whole payroll run. Both
//! ways a workbook stores text are covered: a shared-string table (as
//! Excel writes) and inline strings (as many exporters do).

use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Accounts (one per client) and October's 31 days: 12,400 deposit rows of
/// five cells, several reader batches, and a sheet big enough (over
/// `PREFETCH_MIN_MEMBER` of XML) to be inflated ahead on its own thread.
const ACCOUNTS: u32 = 400;

/// Account `k`'s balance on day `d`: 1,000·k + d yuan, so its daily
/// average is 1,000·k + (1 + 2 + … + 31) / 31 = 1,000·k + 16.
fn balance(k: u32, d: u32) -> f64 {
    f64::from(1000 * k + d)
}

/// A ledger for October 2026; `bad_row` (a deposits sheet row, 1-based as
/// Excel shows it) gets a balance of `abc` instead of a number.
/// A sheet streamed with inline strings, or an ordinary one (shared
/// strings).
fn add_sheet(wb: &mut Workbook, inline: bool) -> Result<&mut Worksheet, XlsxError> {
    if inline {
        wb.add_worksheet_with_constant_memory()
    } else {
        Ok(wb.add_worksheet())
    }
}

fn write_ledger(path: &Path, inline: bool, bad_row: Option<u32>) -> Result<(), XlsxError> {
    write_ledger_with(path, ACCOUNTS, inline, bad_row, |_| Ok(()))
}

/// The same for `accounts` accounts, with more sheets added by `more`
/// (`writers` compares other programs' files with it).
pub(super) fn write_ledger_with(
    path: &Path,
    accounts: u32,
    inline: bool,
    bad_row: Option<u32>,
    more: impl FnOnce(&mut Workbook) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = add_sheet(&mut wb, inline)?;
    ws.set_name("客户经理")?;
    for (c, h) in ["客户经理编号", "姓名", "等级"].iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (r, (id, name)) in [("RM001", "张伟"), ("RM002", "李娜"), ("RM003", "王强")]
        .iter()
        .enumerate()
    {
        ws.write_string(r as u32 + 1, 0, *id)?;
        ws.write_string(r as u32 + 1, 1, *name)?;
        ws.write_string(r as u32 + 1, 2, "中级客户经理")?;
    }
    let ws = add_sheet(&mut wb, inline)?;
    ws.set_name("管户关系")?;
    ws.write_string(0, 0, "客户编号")?;
    ws.write_string(0, 1, "客户经理编号")?;
    for k in 1..=accounts {
        ws.write_string(k, 0, format!("C{k:04}"))?;
        ws.write_string(k, 1, format!("RM00{}", 1 + k % 3))?;
    }
    let ws = add_sheet(&mut wb, inline)?;
    ws.set_name("存款日余额")?;
    for (c, h) in ["日期", "账号", "客户编号", "产品", "余额"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    // Day by day, every account each day, as a core system exports.
    let mut r = 1u32;
    for d in 1..=31u32 {
        for k in 1..=accounts {
            ws.write_datetime_with_format(
                r,
                0,
                ExcelDateTime::from_ymd(2026, 10, d as u8)?,
                &date,
            )?;
            ws.write_string(r, 1, format!("6222{k:08}"))?;
            ws.write_string(r, 2, format!("C{k:04}"))?;
            ws.write_string(r, 3, if k % 2 == 0 { "活期" } else { "定期" })?;
            if bad_row == Some(r + 1) {
                ws.write_string(r, 4, "abc")?;
            } else {
                ws.write_number(r, 4, balance(k, d))?;
            }
            r += 1;
        }
    }
    more(&mut wb)?;
    wb.save(path)
}

/// The uncompressed size of the workbook's biggest sheet.
fn biggest_sheet(path: &Path) -> u64 {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| z.by_index_raw(i).unwrap().size())
        .max()
        .unwrap_or(0)
}

fn read(inline: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    write_ledger(&path, inline, None).unwrap();
    assert!(
        biggest_sheet(&path) > rmpay::ledger::PREFETCH_MIN_MEMBER,
        "the deposits sheet must be big enough to be inflated ahead"
    );
    let policy = super::util::root().join("rules/city-commercial-bank.toml");
    let run = match rmpay::compute_payroll(&policy, &path, None, &mut |_, _| {}) {
        Ok(r) => r,
        Err(rmpay::Failure::Invalid(d)) => panic!("invalid:\n{}", d.render().join("\n")),
        Err(_) => panic!("the run failed"),
    };
    assert_eq!(run.payroll.clients.len(), ACCOUNTS as usize);
    for k in 1..=ACCOUNTS {
        let c = run
            .payroll
            .clients
            .get(&format!("C{k:04}"))
            .expect("every client is in the month");
        assert_eq!(
            c.deposit_daily_average,
            Decimal::from(1000 * k + 16),
            "client C{k:04}"
        );
    }
    // Each RM has the clients k ≡ i−1 (mod 3): Σ (1,000·k + 16) over them.
    for (i, r) in run.payroll.results.iter().enumerate() {
        let expected: u32 = (1..=ACCOUNTS)
            .filter(|k| (1 + k % 3) as usize == i + 1)
            .map(|k| 1000 * k + 16)
            .sum();
        assert_eq!(r.rm.rm_id, format!("RM00{}", i + 1));
        assert_eq!(
            r.month.metrics.deposit_daily_average,
            Decimal::from(expected),
            "{}",
            r.rm.rm_id
        );
    }
}

#[test]
fn a_long_sheet_with_shared_strings_reads_every_row_once() {
    read(false);
}

#[test]
fn a_long_sheet_with_inline_strings_reads_every_row_once() {
    read(true);
}

#[test]
fn an_error_deep_in_a_long_sheet_names_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    // Row 9,001 of the sheet: day 23, account 200.
    write_ledger(&path, false, Some(9001)).unwrap();
    let policy = super::util::root().join("rules/city-commercial-bank.toml");
    let Err(rmpay::Failure::Invalid(d)) =
        rmpay::compute_payroll(&policy, &path, None, &mut |_, _| {})
    else {
        panic!("a text balance must be an error");
    };
    let text = d.render().join("\n");
    assert!(
        text.contains("[存款日余额]!E9001"),
        "the error names the cell:\n{text}"
    );
    assert_eq!(d.len(), 1, "one diagnostic only:\n{text}");
}

/// An incident dated in September, in October's ledger: the run goes on,
/// the incident is not counted, and both the console and the workbook's
/// manifest name it, each in its language (the console English here, the
/// workbook Chinese); the JSON records it in English.
#[test]
fn a_row_of_another_month_is_named_on_the_console_and_in_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-10.xlsx");
    write_ledger_with(&path, ACCOUNTS, false, None, |wb| {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let ws = wb.add_worksheet();
        ws.set_name("违规与损失")?;
        for (c, h) in ["客户经理编号", "日期", "事由", "扣分", "经济损失"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h)?;
        }
        ws.write_string(1, 0, "RM001")?;
        ws.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(2026, 9, 28)?, &date)?;
        ws.write_string(1, 2, "九月的事")?;
        ws.write_number(1, 3, 5)?;
        ws.write_number(1, 4, 300)?;
        Ok(())
    })
    .unwrap();
    let out = dir.path().join("out");
    let o = super::util::rmpay()
        .args([
            "payroll",
            "--policy",
            "rules/city-commercial-bank.toml",
            "--ledger",
        ])
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .arg(out.join("pay.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let warning = "[违规与损失]!B2: warning[outside-period]: incident dated 2026-09-28, outside 2026-10: not counted in this month's figures";
    assert!(
        stderr.contains(&format!("{} {warning}", path.display())),
        "{stderr}"
    );
    let bytes = std::fs::read(out.join("pay-2026-10.xlsx")).unwrap();
    let sheets = rmpay::ledger::dump::xlsx_cells(&bytes).unwrap();
    let (_, manifest) = sheets.iter().find(|(n, _)| n == "运行信息").unwrap();
    let zh = "[违规与损失]!B2: warning[outside-period]: 违规日期 2026-09-28 不在 2026-10：不计入本月数字";
    assert!(
        manifest
            .iter()
            .any(|(_, v)| v == &format!("2026-10.xlsx {zh}")),
        "{manifest:?}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("pay.json")).unwrap()).unwrap();
    // The JSON in the run's language, as the workbook.
    assert_eq!(
        json["ledger"]["warnings"],
        serde_json::json!([format!("2026-10.xlsx {zh}")])
    );
    // Not counted: RM001 has no violation points this month.
    let (_, metrics) = sheets.iter().find(|(n, _)| n == "业绩指标").unwrap();
    let points: Vec<_> = metrics
        .iter()
        .filter(|(at, _)| at.starts_with('O'))
        .collect();
    assert_eq!(points[0].1, "违规扣分");
    assert_eq!(points[1].1, "0");
}
