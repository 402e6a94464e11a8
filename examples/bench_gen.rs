//! Benchmark ledger generator (not a fixture: the output is never committed).
//!
//! Writes a large October 2026 ledger that follows `docs/LEDGER.md`:
//! 300 managers, 28,000 clients, 32,258 accounts × 31 days = 999,998 rows in
//! `存款日余额`, plus `客户经理`, `管户关系` (with 60%/40% splits), `贷款` and
//! `风险金账户`. Every value comes from a fixed-seed LCG, so two runs write
//! the same cells.
//!
//! ```text
//! cargo run --release --example bench_gen -- OUT.xlsx [--inline | --shared-strings] [--month YYYY-MM]
//! ```
//!
//! `--month` writes the same ledger for another month (its days; the
//! same accounts, balances drawn from the same seed): the archive review
//! benchmark (`bench/review.sh`) closes a year of them.
//!
//! `--inline` (default): rust_xlsxwriter's constant-memory mode, which streams
//! rows to a temp file and writes inline strings (`t="inlineStr"`), as many
//! core-banking exporters do. `--shared-strings`: low-memory mode, which also
//! streams rows but puts strings in the shared-string table, as Excel does.

use std::process::ExitCode;
use std::time::Instant;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

const YEAR: u16 = 2026;
const MONTH: u8 = 10;
const DAYS: u8 = 31;
const MANAGERS: u32 = 300;
const CLIENTS: u32 = 28_000;
/// One account per client, then a second (time-deposit) account for every
/// sixth client until this total: 32,258 × 31 = 999,998 balance rows.
const ACCOUNTS: u32 = 32_258;
/// Every tenth client is split 60% / 40% between two managers.
const SPLIT_EVERY: u32 = 10;
const LOANS: u32 = 2_000;
const SEED: u64 = 0x5EED_2026_1001;

// ------------------------------------------------------------------ rng ---

/// Knuth's MMIX LCG; the high bits are used.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() as f64) / ((1u64 << 31) as f64)
    }
}

/// Cents to a float that reads back as exactly 2 decimals.
fn yuan(cents: i64) -> f64 {
    cents as f64 / 100.0
}

// ----------------------------------------------------------------- data ---

#[derive(Clone, Copy, PartialEq)]
enum Tier {
    Senior,
    Mid,
    Junior,
    Agent,
}

impl Tier {
    fn of(m: u32) -> Tier {
        // 15% senior, 30% mid, 40% junior, 15% agents.
        match m % 20 {
            0..=2 => Tier::Senior,
            3..=8 => Tier::Mid,
            9..=16 => Tier::Junior,
            _ => Tier::Agent,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Tier::Senior => "高级",
            Tier::Mid => "中级",
            Tier::Junior => "初级",
            Tier::Agent => "业务代办员",
        }
    }
    fn role(self) -> &'static str {
        if self == Tier::Agent {
            "业务代办员"
        } else {
            "客户经理"
        }
    }
    fn base_deposit(self) -> f64 {
        match self {
            Tier::Senior => 8_000_000.0,
            Tier::Mid => 5_000_000.0,
            Tier::Junior => 2_000_000.0,
            Tier::Agent => 0.0,
        }
    }
    fn risk_cap_cents(self) -> u64 {
        match self {
            Tier::Senior => 2_000_000,
            Tier::Mid => 1_000_000,
            Tier::Junior => 500_000,
            Tier::Agent => 0,
        }
    }
}

fn rm_id(m: u32) -> String {
    format!("RM{:04}", m + 1)
}

fn client_id(c: u32) -> String {
    format!("C{:06}", c + 1)
}

fn account_id(a: u32) -> String {
    // 19-digit account numbers, like a core system's.
    format!("62284801{:011}", 10_000_000 + a as u64 * 37)
}

/// The client an account belongs to.
fn account_client(a: u32) -> u32 {
    if a < CLIENTS {
        a
    } else {
        ((a - CLIENTS) * 6 + 3) % CLIENTS
    }
}

fn client_manager(c: u32) -> u32 {
    c % MANAGERS
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "平",
];
const FIRMS: [&str; 10] = [
    "机械", "建材", "商贸", "物流", "电子", "纺织", "食品", "化工", "地产", "医药",
];
const PLACES: [&str; 8] = [
    "东湖",
    "黄石",
    "下陆",
    "铁山",
    "西塞山",
    "大冶",
    "阳新",
    "港湾",
];

struct Sheets {
    inline: bool,
    rows: u64,
}

impl Sheets {
    fn sheet<'w>(
        &mut self,
        wb: &'w mut Workbook,
        name: &str,
        headers: &[&str],
    ) -> Result<&'w mut Worksheet, XlsxError> {
        let ws = if self.inline {
            wb.add_worksheet_with_constant_memory()?
        } else {
            wb.add_worksheet_with_low_memory()?
        };
        ws.set_name(name)?;
        for (c, h) in headers.iter().enumerate() {
            ws.set_column_width(c as u16, 14)?;
            ws.write_string(0, c as u16, *h)?;
        }
        Ok(ws)
    }
}

/// The month written: year, month, days.
#[derive(Clone, Copy)]
struct Month(u16, u8, u8);

fn generate(out: &str, inline: bool, Month(year, month, days): Month) -> Result<u64, XlsxError> {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(year, month, days)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&when)
            .set_author("rmpay bench_gen"),
    );
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut s = Sheets { inline, rows: 0 };
    let mut rng = Lcg(SEED);

    // 客户经理
    {
        let ws = s.sheet(
            &mut wb,
            "客户经理",
            &["客户经理编号", "姓名", "等级", "岗位", "基数存款"],
        )?;
        for m in 0..MANAGERS {
            let r = m + 1;
            let t = Tier::of(m);
            let name = format!(
                "{}{}",
                SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
                GIVEN[rng.below(GIVEN.len() as u64) as usize]
            );
            ws.write_string(r, 0, rm_id(m))?;
            ws.write_string(r, 1, name)?;
            ws.write_string(r, 2, t.name())?;
            ws.write_string(r, 3, t.role())?;
            ws.write_number(r, 4, t.base_deposit())?;
        }
        s.rows += MANAGERS as u64;
    }

    // 管户关系: most clients 100% (share left empty: the default), every
    // SPLIT_EVERY-th one split 60% / 40% with the next manager.
    {
        let ws = s.sheet(
            &mut wb,
            "管户关系",
            &["客户编号", "客户名称", "客户经理编号", "分成比例"],
        )?;
        let mut r = 1u32;
        for c in 0..CLIENTS {
            let id = client_id(c);
            let name = format!(
                "{}{}{}有限公司",
                PLACES[(c as usize / 3) % PLACES.len()],
                FIRMS[c as usize % FIRMS.len()],
                c + 1
            );
            let m = client_manager(c);
            if c % SPLIT_EVERY == 0 {
                for (mm, share) in [(m, "60%"), ((m + 1) % MANAGERS, "40%")] {
                    ws.write_string(r, 0, &id)?;
                    ws.write_string(r, 1, &name)?;
                    ws.write_string(r, 2, rm_id(mm))?;
                    ws.write_string(r, 3, share)?;
                    r += 1;
                }
            } else {
                ws.write_string(r, 0, &id)?;
                ws.write_string(r, 1, &name)?;
                ws.write_string(r, 2, rm_id(m))?;
                r += 1;
            }
        }
        s.rows += (r - 1) as u64;
    }

    // 存款日余额: one row per account per day, day-major (as a core system
    // exports a month of daily snapshots). Each account has a starting
    // balance spread over 1,000 – 3,000,000 yuan (log-uniform) and drifts
    // by up to ±2% a day.
    {
        let mut accounts: Vec<(String, String, &'static str, i64)> = (0..ACCOUNTS)
            .map(|a| {
                let c = account_client(a);
                let product = if a >= CLIENTS {
                    "定期"
                } else if a % 25 == 0 {
                    "协议存款"
                } else {
                    "活期"
                };
                let cents = (100_000.0 * (3_000.0f64).powf(rng.unit())) as i64; // 1,000.00 .. 3,000,000.00
                (account_id(a), client_id(c), product, cents)
            })
            .collect();
        let dates: Vec<ExcelDateTime> = (1..=days)
            .map(|d| ExcelDateTime::from_ymd(year, month, d))
            .collect::<Result<_, _>>()?;
        let ws = s.sheet(
            &mut wb,
            "存款日余额",
            &["日期", "账号", "客户编号", "产品", "余额"],
        )?;
        let mut r = 1u32;
        for day in &dates {
            for acc in accounts.iter_mut() {
                ws.write_datetime_with_format(r, 0, day, &date)?;
                ws.write_string(r, 1, &acc.0)?;
                ws.write_string(r, 2, &acc.1)?;
                ws.write_string(r, 3, acc.2)?;
                ws.write_number(r, 4, yuan(acc.3))?;
                // ±2% drift, never below 0.
                let step = (acc.3 as f64 * 0.02 * (rng.unit() * 2.0 - 1.0)) as i64;
                acc.3 = (acc.3 + step).max(0);
                r += 1;
            }
        }
        s.rows += (r - 1) as u64;
    }

    // 贷款
    {
        let ws = s.sheet(
            &mut wb,
            "贷款",
            &[
                "借据号",
                "客户编号",
                "贷款余额",
                "五级分类",
                "应收利息",
                "实收利息",
            ],
        )?;
        for l in 0..LOANS {
            let r = l + 1;
            // Loans go to every 13th client or so, never to agents' clients.
            let mut c = (l * 13 + rng.below(13) as u32) % CLIENTS;
            while Tier::of(client_manager(c)) == Tier::Agent {
                c = (c + 1) % CLIENTS;
            }
            let balance = 5_000_000 + rng.below(800_000_000) as i64; // 50,000.00 .. 8,050,000.00
            let class = match rng.below(100) {
                0..=89 => "正常",
                90..=96 => "关注",
                _ => "次级",
            };
            let due = balance * 4 / 1000; // ~0.4% a month
            let received = if class == "正常" {
                due
            } else {
                due * rng.below(100) as i64 / 100
            };
            ws.write_string(r, 0, format!("L{:07}", l + 1))?;
            ws.write_string(r, 1, client_id(c))?;
            ws.write_number(r, 2, yuan(balance))?;
            ws.write_string(r, 3, class)?;
            ws.write_number(r, 4, yuan(due))?;
            ws.write_number(r, 5, yuan(received))?;
        }
        s.rows += LOANS as u64;
    }

    // 风险金账户: opening balances between 0 and the tier's cap.
    {
        let ws = s.sheet(&mut wb, "风险金账户", &["客户经理编号", "期初余额"])?;
        for m in 0..MANAGERS {
            let r = m + 1;
            let cap = Tier::of(m).risk_cap_cents();
            let cents = if cap == 0 { 0 } else { rng.below(cap + 1) } as i64;
            ws.write_string(r, 0, rm_id(m))?;
            ws.write_number(r, 1, yuan(cents))?;
        }
        s.rows += MANAGERS as u64;
    }

    wb.save(out)?;
    Ok(s.rows)
}

fn main() -> ExitCode {
    let mut out = None;
    let mut inline = true;
    let mut month = Month(YEAR, MONTH, DAYS);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--month" => {
                let given = args.next().unwrap_or_default();
                let parsed = given.split_once('-').and_then(|(y, m)| {
                    let (y, m) = (y.parse::<u16>().ok()?, m.parse::<u8>().ok()?);
                    let first = chrono::NaiveDate::from_ymd_opt(y.into(), m.into(), 1)?;
                    let next = first.checked_add_months(chrono::Months::new(1))?;
                    Some(Month(y, m, (next - first).num_days() as u8))
                });
                let Some(m) = parsed else {
                    eprintln!("bench_gen: --month {given}: expected YYYY-MM");
                    return ExitCode::from(2);
                };
                month = m;
            }
            "--inline" => inline = true,
            "--shared-strings" => inline = false,
            "-h" | "--help" => {
                println!(
                    "usage: bench_gen OUT.xlsx [--inline | --shared-strings] [--month YYYY-MM]"
                );
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => {
                eprintln!("bench_gen: unknown option {s}");
                return ExitCode::from(2);
            }
            s => out = Some(s.to_string()),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: bench_gen OUT.xlsx [--inline | --shared-strings] [--month YYYY-MM]");
        return ExitCode::from(2);
    };
    let t = Instant::now();
    match generate(&out, inline, month) {
        Ok(rows) => {
            let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            let mode = if inline {
                "inline strings, constant memory"
            } else {
                "shared strings, low memory"
            };
            println!(
                "bench_gen: wrote {out}: {mode}; {} daily-balance rows, {rows} data rows in all, {size} bytes, {:.1}s",
                ACCOUNTS as u64 * month.2 as u64,
                t.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench_gen: {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
