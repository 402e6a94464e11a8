//! The client detail file (`payroll --client-detail`): a month's client
//! rows beside the pay workbook, as a head office's month writes them.
//! Its content pinned on Policy A's October, an auditor's recomputation of
//! every RM's deposits from its rows, written with the workbook or not at
//! all, and archived, verified and rerun as the other outputs.

use super::util::{dec, run};
use rmpay::decimal::RoundAway as _;
use rust_decimal::Decimal;
use std::path::Path;

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const LEDGER_A: &str = "fixtures/2026-10.xlsx";
const POLICY_B: &str = "rules/bocom-nanchang.toml";
const LEDGER_B: &str = "fixtures/bocom-2026-10.xlsx";
const FILE: &str = "client-detail-2026-10.csv";

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `payroll --client-detail file` of Policy A's October into `dir`, with
/// the JSON; returns the JSON.
fn payroll_to_file(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let json = dir.join("pay.json");
    let mut a = vec![
        "payroll".to_string(),
        "--policy".into(),
        POLICY_A.into(),
        "--ledger".into(),
        LEDGER_A.into(),
        "--out".into(),
        s(dir),
        "--json".into(),
        s(&json),
        "--client-detail".into(),
        "file".into(),
    ];
    a.extend(extra.iter().map(|x| x.to_string()));
    let o = run(&a);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The console names it with the workbook (`wrote …`, `已写入 …`).
    assert!(o.stderr.contains(&s(&dir.join(FILE))), "{}", o.stderr);
    serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap()
}

/// The file's rows (header first), the byte-order mark checked and taken
/// off.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a UTF-8 byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Policy A's October: one row per RM, client and account (the clients
/// sheet's 10 rows; C003 has two accounts, so 11), the RMs in the
/// register's order, each RM's clients in id order; the client sheet's
/// columns, then the clients sheet's row and the account's figures, no
/// sentence. Pinned whole.
#[test]
fn the_client_detail_file_holds_the_client_sheet_and_each_accounts_figures() {
    let d = tempfile::tempdir().unwrap();
    payroll_to_file(d.path(), &[]);
    let text = std::fs::read_to_string(d.path().join(FILE)).unwrap();
    // Each account's balance sum is Σ of its 31 daily rows (C001's
    // 9,000,000.00 a day: 279,000,000.00); counted in full (Policy A
    // excludes no product); its rows of [存款日余额] as the sheet numbers
    // them (account 6201001: rows 2, 12, …, 302, every tenth).
    let expected = "\u{feff}客户编号,客户名称,客户经理编号,分成比例,活期日均,定期日均,协议存款日均,计入存款日均,归属本人日均,贷款余额,不良余额,中间业务收入,管户关系行号,账户编号,产品,天数,余额合计,计入余额合计,存款首行,存款末行\r
C001,东湖机械有限公司,RM001,1,9000000.00,0.00,0.00,9000000.00,9000000.00,5000000.00,0.00,10000.00,2,6201001,活期,31,279000000.00,279000000.00,2,302\r
C002,黄石建材集团,RM001,0.6,0.00,5000000.00,0.00,5000000.00,3000000.00,12000000.00,0.00,5000.00,3,6201002,定期,31,155000000.00,155000000.00,3,303\r
C009,团城山小超市,RM001,1,500000.00,0.00,0.00,500000.00,500000.00,0.00,0.00,0.00,11,6201010,活期,31,15500000.00,15500000.00,11,311\r
C002,黄石建材集团,RM002,0.4,0.00,5000000.00,0.00,5000000.00,2000000.00,12000000.00,0.00,5000.00,4,6201002,定期,31,155000000.00,155000000.00,3,303\r
C003,磁湖贸易公司,RM002,1,1000000.00,0.00,3100000.00,4100000.00,4100000.00,2000000.00,2000000.00,0.00,5,6201003,协议存款,31,96100000.00,96100000.00,4,304\r
C003,磁湖贸易公司,RM002,1,1000000.00,0.00,3100000.00,4100000.00,4100000.00,2000000.00,2000000.00,0.00,5,6201004,活期,31,31000000.00,31000000.00,5,305\r
C004,西塞山餐饮,RM003,1,1800000.00,0.00,0.00,1800000.00,1800000.00,800000.00,800000.00,0.00,6,6201005,活期,31,55800000.00,55800000.00,6,306\r
C005,下陆五金店,RM004,1,1799999.99,0.00,0.00,1799999.99,1799999.99,1000000.01,1000000.01,0.00,7,6201006,活期,31,55799999.69,55799999.69,7,307\r
C006,铁山个体户,AG001,1,2480000.00,0.00,0.00,2480000.00,2480000.00,0.00,0.00,0.00,8,6201007,活期,31,76880000.00,76880000.00,8,308\r
C007,黄石港务公司,BH001,1,10000000.00,0.00,0.00,10000000.00,10000000.00,6000000.00,0.00,0.00,9,6201008,活期,31,310000000.00,310000000.00,9,309\r
C008,开发区电子厂,RM005,1,0.00,6000000.00,0.00,6000000.00,6000000.00,0.00,0.00,0.00,10,6201009,定期,31,186000000.00,186000000.00,10,310\r
";
    assert_eq!(text, expected);
    // Eleven rows and the header.
    assert_eq!(rows(&d.path().join(FILE)).len(), 12);
    // The book's client sheet says where they are; its trace has no row
    // per client (RM001's daily average: the rule once, the file's rows,
    // then the days).
    let book = std::fs::read(d.path().join("pay-2026-10.xlsx")).unwrap();
    let sheets = rmpay::ledger::dump::xlsx_cells(&book).unwrap();
    let sheet = |name: &str| &sheets.iter().find(|(n, _)| n == name).unwrap().1;
    let body: Vec<&(String, String)> = sheet("客户明细")
        .iter()
        .filter(|(at, _)| !at.ends_with('1') || at.len() > 2)
        .collect();
    assert_eq!(
        body,
        [&(
            "A2".to_string(),
            "本月客户明细另写在本工作簿旁的 client-detail-2026-10.csv 中，共 11 行（每位客户经理的每位客户、每个存款账户一行；计算过程中每位客户经理的存款日均注明其在该文件中的行）".to_string()
        )]
    );
    let trace = sheet("计算过程");
    let at = |cell: &str| {
        trace
            .iter()
            .find(|(a, _)| a == cell)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        (at("B2"), at("E2"), at("F2"), at("G2")),
        (
            Some("存款日均"),
            Some("Σ 其在客户明细文件中各行的（计入余额合计 × 分成比例） ÷ 31 天；不剔除任何产品"),
            Some("client-detail-2026-10.csv 第 2–4 行"),
            Some("Σ（计入余额合计 × 分成比例） = 387500000.00"),
        )
    );
    assert_eq!(
        (at("F3"), at("G3"), at("B4")),
        (Some("日历天数"), Some("31"), Some("基数存款"))
    );
    // In English: the same rows, the English titles and products.
    let e = tempfile::tempdir().unwrap();
    payroll_to_file(e.path(), &["--lang", "en"]);
    let en = rows(&e.path().join(FILE));
    assert_eq!(
        en[0].join(","),
        "Client id,Client name,RM id,Share,Demand daily avg,Time daily avg,Agreement daily avg,\
Counted daily avg,RM's share,Loan balance,NPL balance,Fee income,Clients row,Account id,Product,Days,\
Balance sum,Counted balance sum,First deposit row,Last deposit row"
    );
    assert_eq!(
        en[5][12..].join(" | "),
        "5 | 6201003 | agreement | 31 | 96100000.00 | 96100000.00 | 4 | 304"
    );
}

/// Policy B's October reads monthly averages (`deposit_averages`, no
/// accounts) and excludes agreement deposits: a row per average row, its
/// balance-days the average × 31, counted 0 where the product is
/// excluded; the RM's sum adds only what is counted.
#[test]
fn an_excluded_product_and_monthly_averages_in_the_file() {
    let d = tempfile::tempdir().unwrap();
    let json = d.path().join("p.json");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY_B,
        "--ledger",
        LEDGER_B,
        "--period",
        "2026-10",
        "--out",
        &s(d.path()),
        "--json",
        &s(&json),
        "--client-detail",
        "file",
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let file = rows(&d.path().join(FILE));
    // K01 (N01's only client): demand 260,000,000.00 × 31 =
    // 8,060,000,000.00 counted; agreement 100,000,000.00 × 31 =
    // 3,100,000,000.00, excluded, counted 0.00; each on its row of the
    // averages sheet, no account id.
    assert_eq!(
        file[1][12..].join("|"),
        "2||demand|31|8060000000.00|8060000000.00|2|2"
    );
    assert_eq!(
        file[2][12..].join("|"),
        "2||agreement|31|3100000000.00|0.00|3|3"
    );
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let n01 = &j["managers"][0];
    assert_eq!(n01["rm_id"], "N01");
    // 8,060,000,000.00 × 1 ÷ 31 = 260,000,000: the agreement's not added.
    assert_eq!(n01["metrics"]["deposit_daily_average"], "260000000");
    assert_eq!(
        n01["trace"][0]["inputs"][0],
        serde_json::json!({
            "name": "client-detail-2026-10.csv rows 2–3",
            "value": "Σ (Counted balance sum × Share) = 8060000000.00",
        })
    );
    assert_eq!(
        n01["trace"][0]["formula"],
        "Σ (Counted balance sum × Share) of its rows of the client detail file ÷ 31 days; excluding agreement"
    );
}

/// The value of a figure column: empty (a client without deposits) is 0.
fn fig(s: &str) -> Decimal {
    if s.is_empty() { Decimal::ZERO } else { dec(s) }
}

/// What an auditor does with the file: for each RM, the rows its trace
/// names, Σ counted balance sum × share, ÷ the days, is the RM's deposit
/// daily average in the JSON; every row of the file is some RM's, once.
#[test]
fn an_auditor_recomputes_every_rms_deposits_from_the_files_rows() {
    let d = tempfile::tempdir().unwrap();
    let j = payroll_to_file(d.path(), &["--lang", "en"]);
    let file = rows(&d.path().join(FILE));
    let head = &file[0];
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (rm_col, share_col, sum_col) = (col("RM id"), col("Share"), col("Counted balance sum"));
    let mut covered = vec![false; file.len()];
    let mut checked = 0;
    for m in j["managers"].as_array().unwrap() {
        let rm = m["rm_id"].as_str().unwrap();
        let step = m["trace"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["figure"] == "deposit_daily_average")
            .unwrap();
        let inputs = step["inputs"].as_array().unwrap();
        // The file's rows and their Σ, then the calendar days: no input
        // per client.
        let days = dec(inputs.last().unwrap()["value"].as_str().unwrap());
        assert_eq!(inputs.last().unwrap()["name"], "calendar days");
        let Some(named) = inputs.iter().find(|i| {
            i["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{FILE} row"))
        }) else {
            assert_eq!(inputs.len(), 1, "{rm}: an RM without clients");
            continue;
        };
        assert_eq!(inputs.len(), 2, "{rm}");
        let range = named["name"].as_str().unwrap().rsplit(' ').next().unwrap();
        let (a, b) = range.split_once('–').unwrap_or((range, range));
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        // Row n of the file is its n-th line; line 1 is the header.
        let mut sum = Decimal::ZERO;
        for (n, row) in file.iter().enumerate().take(b).skip(a - 1) {
            assert_eq!(row[rm_col], rm, "row {}", n + 1);
            assert!(!covered[n], "row {} named twice", n + 1);
            covered[n] = true;
            sum += fig(&row[sum_col]) * dec(&row[share_col]);
        }
        let said = named["value"]
            .as_str()
            .unwrap()
            .strip_prefix("Σ (Counted balance sum × Share) = ")
            .unwrap();
        assert_eq!(sum, dec(said), "{rm}");
        let figure = dec(m["metrics"]["deposit_daily_average"].as_str().unwrap());
        assert_eq!((sum / days).round_away(10), figure, "{rm}");
        checked += 1;
    }
    assert_eq!(covered[1..].iter().filter(|c| !**c).count(), 0);
    // RM006 and RM007 have no clients.
    assert_eq!(checked, 7);
    // RM001 by hand: 279,000,000.00 × 1 + 155,000,000.00 × 0.6 +
    // 15,500,000.00 × 1 = 387,500,000.00 balance-days; ÷ 31 = 12,500,000.
    // RM002: 155,000,000.00 × 0.4 + (96,100,000.00 + 31,000,000.00) × 1
    // = 189,100,000.00 on rows 5–7 (C003's two accounts).
    let rm1 = &j["managers"][0];
    assert_eq!(rm1["rm_id"], "RM001");
    assert_eq!(rm1["metrics"]["deposit_daily_average"], "12500000");
    assert_eq!(
        rm1["trace"][0]["inputs"][0],
        serde_json::json!({
            "name": "client-detail-2026-10.csv rows 2–4",
            "value": "Σ (Counted balance sum × Share) = 387500000.00",
        })
    );
    assert_eq!(
        j["managers"][1]["trace"][0]["inputs"][0],
        serde_json::json!({
            "name": "client-detail-2026-10.csv rows 5–7",
            "value": "Σ (Counted balance sum × Share) = 189100000.00",
        })
    );
}

/// The file is staged with the workbook and the JSON: a JSON that cannot
/// be written leaves neither the workbook nor the file (nor a temporary
/// file), and an earlier run's files stay as they were.
#[test]
fn the_client_detail_file_is_written_with_the_workbook_or_not_at_all() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        LEDGER_A,
        "--out",
        &s(&out),
        "--json",
        &s(&d.path().join("missing/p.json")),
        "--client-detail",
        "file",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        !out.exists(),
        "{:?}",
        std::fs::read_dir(&out).map(|r| r.count())
    );
    // Written once; then a failed run leaves the file as it was.
    payroll_to_file(&out, &[]);
    let before = std::fs::read(out.join(FILE)).unwrap();
    let o = run(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        LEDGER_A,
        "--out",
        &s(&out),
        "--json",
        &s(&d.path().join("missing/p.json")),
        "--client-detail",
        "file",
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(std::fs::read(out.join(FILE)).unwrap(), before);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [FILE, "pay-2026-10.xlsx", "pay.json"]);
}

/// A month drafted and closed with its client rows in the file: the draft
/// and the archive hold it, the manifest hashes it, `verify` and `rerun`
/// check it (the month is recomputed as it was closed), and it is the file
/// `payroll` writes.
#[test]
fn a_closed_months_client_detail_file_is_archived_verified_and_rerun() {
    let d = tempfile::tempdir().unwrap();
    let arch = d.path().join("archive");
    // Drafted first (`payroll --archive`): the file is written beside the
    // book and stored with the draft.
    let drafted = d.path().join("drafted");
    let o = run(&[
        "payroll",
        "--archive",
        &s(&arch),
        "--policy",
        POLICY_B,
        "--ledger",
        LEDGER_B,
        "--period",
        "2026-10",
        "--out",
        &s(&drafted),
        "--client-detail",
        "file",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let draft_file = std::fs::read(drafted.join(FILE)).unwrap();
    let stored: Vec<_> = std::fs::read_dir(arch.join("drafts/2026-10"))
        .unwrap()
        .map(|e| e.unwrap().path().join(FILE))
        .filter(|p| p.exists())
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(std::fs::read(&stored[0]).unwrap(), draft_file);
    let o = run(&[
        "close",
        "--archive",
        &s(&arch),
        "--policy",
        POLICY_B,
        "--ledger",
        LEDGER_B,
        "--period",
        "2026-10",
        "--client-detail",
        "file",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let month = arch.join("2026-10");
    let archived = std::fs::read(month.join(FILE)).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(month.join("manifest.json")).unwrap()).unwrap();
    let entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == FILE)
        .expect("the manifest lists the file");
    assert_eq!(entry["bytes"], archived.len() as u64);
    // The same bytes as the payroll's.
    let out = d.path().join("out");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY_B,
        "--ledger",
        LEDGER_B,
        "--period",
        "2026-10",
        "--out",
        &s(&out),
        "--client-detail",
        "file",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(std::fs::read(out.join(FILE)).unwrap(), archived);
    assert_eq!(draft_file, archived);
    let verify = || run(&["verify", "--archive", &s(&arch)]);
    let rerun = || run(&["rerun", "--archive", &s(&arch), "--period", "2026-10"]);
    assert_eq!(verify().code, 0);
    let r = rerun();
    assert_eq!(
        (r.code, r.stdout.lines().last()),
        (0, Some("2026-10: identical"))
    );
    // One client row changed: both say so, at the file.
    let changed = String::from_utf8(archived.clone())
        .unwrap()
        .replacen(",31,", ",30,", 1);
    std::fs::write(month.join(FILE), changed).unwrap();
    let v = verify();
    assert_eq!(v.code, 1);
    assert!(
        v.stdout
            .contains(&format!("{}: error[changed]", s(&month.join(FILE)))),
        "{}",
        v.stdout
    );
    let r = rerun();
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("2026-10: 1 file(s) differ from the archive"),
        "{}",
        r.stdout
    );
}

/// The file's columns say all that the workbook's trace said for each
/// client and RM: from each RM's rows of the file, its inputs in the
/// month written to the workbook alone are rebuilt word for word (the
/// client and its clients-sheet row; Σ its accounts' counted sums × the
/// share; each account's id, product, days and daily rows), and each
/// client and RM's figures are the workbook's client sheet's row.
#[test]
fn the_files_columns_rebuild_the_workbook_traces_inputs() {
    let d = tempfile::tempdir().unwrap();
    let json = d.path().join("book.json");
    let o = run(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        LEDGER_A,
        "--out",
        &s(&d.path().join("book")),
        "--json",
        &s(&json),
        "--lang",
        "en",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let book: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let mut traced: Vec<(String, String, String)> = Vec::new();
    for m in book["managers"].as_array().unwrap() {
        let inputs = m["trace"][0]["inputs"].as_array().unwrap();
        // All but the calendar days.
        for i in &inputs[..inputs.len() - 1] {
            traced.push((
                m["rm_id"].as_str().unwrap().to_string(),
                i["name"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            ));
        }
    }
    payroll_to_file(d.path(), &["--lang", "en"]);
    let file = rows(&d.path().join(FILE));
    // A client and RM's rows are consecutive and share the clients row.
    let mut rebuilt: Vec<(String, String, String)> = Vec::new();
    let mut client_rows: Vec<Vec<String>> = Vec::new();
    let mut i = 1;
    while i < file.len() {
        let key = |r: &Vec<String>| (r[0].clone(), r[2].clone(), r[12].clone());
        let group: Vec<&Vec<String>> = file[i..]
            .iter()
            .take_while(|r| key(r) == key(&file[i]))
            .collect();
        let r = group[0];
        let sum: Decimal = group.iter().map(|a| fig(&a[17])).sum();
        let accounts: Vec<String> = group
            .iter()
            .map(|a| {
                format!(
                    "account {} ({}, {} rows, [存款日余额] rows {}–{})",
                    a[13], a[14], a[15], a[18], a[19]
                )
            })
            .collect();
        rebuilt.push((
            r[2].clone(),
            format!("client {} ([管户关系] row {})", r[0], r[12]),
            format!("{sum} × {} [{}]", r[3], accounts.join("; ")),
        ));
        client_rows.push(r[..12].to_vec());
        i += group.len();
    }
    assert_eq!(rebuilt, traced);
    assert_eq!(rebuilt.len(), 10);
    // The client sheet of the workbook alone, row for row (its order is by
    // client, the file's by RM: compared sorted).
    let book = std::fs::read(d.path().join("book/pay-2026-10.xlsx")).unwrap();
    let sheets = rmpay::ledger::dump::xlsx_cells(&book).unwrap();
    let cells = &sheets.iter().find(|(n, _)| n == "Client detail").unwrap().1;
    let mut sheet_rows: Vec<Vec<String>> = Vec::new();
    for (at, v) in cells {
        let split = at.find(|c: char| c.is_ascii_digit()).unwrap();
        let (c, r): (&str, usize) = (&at[..split], at[split..].parse().unwrap());
        if r < 2 {
            continue;
        }
        if sheet_rows.len() < r - 1 {
            sheet_rows.resize(r - 1, vec![String::new(); 12]);
        }
        let col = usize::from(c.as_bytes()[0] - b'A');
        sheet_rows[r - 2][col] = v.clone();
    }
    // The sheet shows the share as a percentage cell and the figures as
    // numbers: compare the figures as decimals.
    let norm = |row: &Vec<String>| -> Vec<String> {
        row.iter()
            .enumerate()
            .map(|(k, v)| {
                if k >= 3 {
                    dec(v).normalize().to_string()
                } else {
                    v.clone()
                }
            })
            .collect()
    };
    let mut a: Vec<Vec<String>> = client_rows.iter().map(norm).collect();
    let mut b: Vec<Vec<String>> = sheet_rows.iter().map(norm).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}
