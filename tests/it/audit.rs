//! An auditor's check of the trail: every figure of every RM, in every
//! month of the fixtures under both policies, recomputed from the inputs its
//! own trace lists (the pay JSON's `trace`), and every input that names
//! another figure held to that figure. The recomputations here are written
//! from the formulas' words and the policy file, not from the engine: each
//! figure kind the trace can show has one below, and a figure without one
//! fails the test. The inputs that name ledger cells are read again from
//! the archived ledger: each client's balance sum from the account's rows
//! (or the monthly average's cell × days), each base deposit from its cell
//! or the policy's tier default. Months are closed into archives, so the openings come
//! from the month before (and the first month's from the ledger), and each
//! month's openings are held to the closing figures of the month before.
//! The months are closed in English (`--lang en`), whose formulas the
//! auditor reads; a Chinese pay JSON of the same months holds the same
//! figures entry by entry (`same_figures`), so the audit holds for it too.
//!
//! Also here: no number rmpay writes into `state.json` or a JSON output has
//! more places than the policy's and the ledger's scales give it.

use super::util::run;
use rmpay::decimal::RoundAway as _;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Policy A as closed without its sign-off chain (`tests/it/cycle.rs`
/// walks that): the figures are the same.
fn policy_a() -> &'static str {
    super::util::policy_a_without_workflow()
}
const POLICY_B: &str = "rules/bocom-nanchang.toml";

fn d(s: &str) -> Decimal {
    s.trim()
        .parse()
        .unwrap_or_else(|e| panic!("`{s}` is not a number: {e}"))
}

/// A figure as the JSON shows one that is not money: 10 places.
fn fig(v: Decimal) -> Decimal {
    v.round_away(10).normalize()
}

/// What the auditor needs of the policy file: money rounding and the pay
/// lines' and deductions' settings.
struct Pol {
    scale: u32,
    lines: BTreeMap<String, toml::Value>,
    deductions: BTreeMap<String, toml::Value>,
    risk_rule: Option<String>,
    tiers: Vec<toml::Value>,
}

impl Pol {
    fn read(path: &str) -> Pol {
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let s = &v["settings"];
        assert_eq!(
            s["rounding"].as_str(),
            Some("half_up"),
            "this audit rounds half up (四舍五入)"
        );
        let by_id = |key: &str| -> BTreeMap<String, toml::Value> {
            v["pay"]
                .get(key)
                .and_then(|a| a.as_array())
                .map(|a| {
                    a.iter()
                        .map(|x| (x["id"].as_str().unwrap().to_string(), x.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        Pol {
            scale: s["money_scale"].as_integer().unwrap() as u32,
            lines: by_id("lines"),
            deductions: by_id("deductions"),
            risk_rule: v
                .get("risk_deposit")
                .map(|r| r["rule"].as_str().unwrap().to_string()),
            tiers: v["tiers"].as_array().unwrap().clone(),
        }
    }

    /// A tier's default base deposit (none: zero).
    fn tier_base(&self, id: &str) -> Decimal {
        let t = self
            .tiers
            .iter()
            .find(|t| t["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("no tier `{id}`"));
        t.get("base_deposit").map(toml_dec).unwrap_or_default()
    }

    /// round(x, money places), half away from zero.
    fn round(&self, x: Decimal) -> Decimal {
        x.round_dp_with_strategy(self.scale, RoundingStrategy::MidpointAwayFromZero)
    }
}

fn toml_dec(v: &toml::Value) -> Decimal {
    match v {
        toml::Value::Integer(i) => Decimal::from(*i),
        toml::Value::Float(f) => d(&f.to_string()),
        other => panic!("not a number: {other}"),
    }
}

/// The archived ledger of a month, for the inputs that name its cells.
struct Cells {
    sheets: BTreeMap<String, calamine::Range<calamine::Data>>,
}

impl Cells {
    fn open(path: &Path) -> Cells {
        use calamine::Reader;
        let mut wb = calamine::open_workbook_auto(path).unwrap();
        let sheets = wb
            .sheet_names()
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r)
            })
            .collect();
        Cells { sheets }
    }

    fn sheet(&self, name: &str) -> &calamine::Range<calamine::Data> {
        self.sheets
            .get(name)
            .unwrap_or_else(|| panic!("no sheet `{name}` in the ledger"))
    }

    /// An amount cell at (row, col), 0-based, as the ledger gives it (float
    /// noise rounded to fen).
    fn amount_at(&self, sheet: &str, row: usize, col: usize) -> Decimal {
        match self.sheet(sheet).get((row, col)) {
            Some(calamine::Data::Float(f)) => d(&format!("{f}")).round_away(2),
            Some(calamine::Data::Int(i)) => Decimal::from(*i),
            Some(calamine::Data::String(s)) => s.replace(',', "").parse().unwrap_or_else(|_| {
                panic!("[{sheet}] row {} col {col}: not an amount: `{s}`", row + 1)
            }),
            other => panic!(
                "[{sheet}] row {} col {col}: not an amount: {other:?}",
                row + 1
            ),
        }
    }

    /// `… [sheet]!C5` → the amount in that cell.
    fn amount(&self, reference: &str) -> Decimal {
        let (sheet, cell) = reference
            .split_once('[')
            .and_then(|(_, r)| r.split_once("]!"))
            .unwrap_or_else(|| panic!("not a cell reference: `{reference}`"));
        let letters: String = cell
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let col = letters
            .chars()
            .fold(0usize, |a, c| a * 26 + (c as usize - 'A' as usize + 1))
            - 1;
        let row: usize = cell[letters.len()..].trim().parse().unwrap();
        let header = self.sheet(sheet).get((0, col)).map(|h| h.to_string());
        self.amount_at(sheet, row - 1, col) * unit(header.as_deref().unwrap_or(""))
    }

    /// The column whose header starts with one of `names`, and the factor
    /// its unit gives (万元: 10,000).
    fn column(&self, sheet: &str, names: &[&str]) -> (usize, Decimal) {
        let r = self.sheet(sheet);
        for (c, h) in r.rows().next().unwrap().iter().enumerate() {
            let h = h.to_string();
            if names.iter().any(|n| h.starts_with(n)) {
                return (c, unit(&h));
            }
        }
        panic!("no column {names:?} in [{sheet}]")
    }

    /// The counted balance sum of one client input's sources: for daily
    /// balances, `account ID (product, N rows, [sheet] rows A–B)` summed
    /// over the account's rows; for monthly averages, `product … [sheet]!C5`
    /// times the days. Sources marked `excluded` are not counted.
    fn client_sum(&self, sources: &str, days: Decimal) -> Decimal {
        let mut sum = Decimal::ZERO;
        for part in sources.split("; ") {
            if part.ends_with(" excluded") {
                continue;
            }
            let Some(rest) = part.strip_prefix("account ") else {
                sum += self.amount(part) * days;
                continue;
            };
            let (id, rest) = rest.split_once(" (").unwrap();
            let n: usize = rest
                .split(", ")
                .nth(1)
                .unwrap()
                .trim_end_matches(" rows")
                .parse()
                .unwrap();
            let (sheet, rows) = rest
                .split_once('[')
                .unwrap()
                .1
                .split_once("] rows ")
                .unwrap();
            let (a, b) = rows.trim_end_matches(')').split_once('–').unwrap();
            let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
            let (acol, _) = self.column(sheet, &["账号", "account_id"]);
            let (bcol, unit) = self.column(sheet, &["余额", "balance"]);
            let r = self.sheet(sheet);
            let mut found = 0;
            for row in a - 1..b {
                if r.get((row, acol))
                    .is_some_and(|c| matches!(c, calamine::Data::String(s) if s == id))
                {
                    sum += self.amount_at(sheet, row, bcol) * unit;
                    found += 1;
                }
            }
            assert_eq!(
                found, n,
                "account {id}: {found} rows in [{sheet}] rows {a}–{b}"
            );
        }
        sum
    }
}

/// The factor a header's unit gives: 万元 (wan) is 10,000 yuan.
fn unit(header: &str) -> Decimal {
    if header.contains('万') || header.contains("wan") {
        Decimal::from(10_000)
    } else {
        Decimal::ONE
    }
}

/// One RM's trace: steps by figure.
struct Trace<'a> {
    rm: String,
    steps: BTreeMap<String, &'a Value>,
}

impl<'a> Trace<'a> {
    fn new(rm: &str, trace: &'a Value) -> Trace<'a> {
        let mut steps = BTreeMap::new();
        for s in trace.as_array().unwrap() {
            let f = s["figure"].as_str().unwrap().to_string();
            assert!(
                steps.insert(f.clone(), s).is_none(),
                "{rm}: figure `{f}` traced twice"
            );
        }
        Trace {
            rm: rm.to_string(),
            steps,
        }
    }

    /// A traced figure's value (None: no step, or a ratio with no
    /// denominator).
    fn value(&self, figure: &str) -> Option<Decimal> {
        self.steps
            .get(figure)
            .and_then(|s| s["value"].as_str())
            .map(d)
    }
}

fn inputs(step: &Value) -> Vec<(String, String)> {
    step["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn input(step: &Value, name: &str) -> String {
    inputs(step)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no input `{name}` in {step}"))
}

fn num_input(step: &Value, name: &str) -> Decimal {
    d(&input(step, name))
}

/// `a × b [where]` → a × b.
fn product(v: &str) -> Decimal {
    let head = v.split(" [").next().unwrap();
    let mut parts = head.split(" × ");
    let a = d(parts.next().unwrap());
    let b = parts.next().map(d).unwrap_or(Decimal::ONE);
    a * b
}

/// `balance 12000.00 normal × 0.6, interest 95.00/100.00` → (balance,
/// received, due, share).
fn loan_parts(v: &str) -> (Decimal, Decimal, Decimal, Decimal) {
    let rest = v.strip_prefix("balance ").unwrap();
    let (bal, rest) = rest.split_once(' ').unwrap();
    let (_, rest) = rest.split_once(" × ").unwrap();
    let (share, rest) = rest.split_once(", interest ").unwrap();
    let (recv, due) = rest.split_once('/').unwrap();
    (d(bal), d(recv), d(due), d(share))
}

/// The number after `word` in a formula: `round(x ÷ 10000 × 3, 2)`.
fn after(formula: &str, word: &str) -> Decimal {
    let rest = formula
        .split_once(word)
        .unwrap_or_else(|| panic!("`{word}` not in `{formula}`"))
        .1;
    let tok: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    d(&tok)
}

/// Checks every step of one RM's trace, and the pay figures against it.
/// Returns how many figures were recomputed.
fn audit_rm(
    pol: &Pol,
    cells: &Cells,
    t: &Trace<'_>,
    pay: &Value,
    risk: &Value,
    errors: &mut Vec<String>,
) -> usize {
    let rm = &t.rm;
    let mut check = |figure: &str, want: Option<Decimal>, shown: Option<Decimal>| {
        let same = match (want, shown) {
            (Some(a), Some(b)) => fig(a) == fig(b),
            (None, None) => true,
            _ => false,
        };
        if !same {
            errors.push(format!(
                "{rm} {figure}: recomputed {want:?}, trace shows {shown:?}"
            ));
        }
    };
    // An input that names another figure must be that figure.
    let named = |step: &Value, name: &str, figure: &str, errors: &mut Vec<String>| {
        let v = num_input(step, name);
        let f = t.value(figure).unwrap_or_default();
        if fig(v) != fig(f) {
            errors.push(format!(
                "{rm} {}: input {name} = {v}, but {figure} is {f}",
                step["figure"]
            ));
        }
        v
    };
    let mut errs = Vec::new();
    let mut n = 0;
    // Losses the month could not take from pay (for the release's input).
    let mut unrecovered = Decimal::ZERO;
    // Gross left for each deduction in turn.
    let gross = t.value("gross").unwrap_or_default();
    let mut gross_left = gross.max(Decimal::ZERO);
    for (figure, step) in &t.steps {
        let value = step["value"].as_str().map(d);
        let formula = step["formula"].as_str().unwrap();
        let ins = inputs(step);
        let want: Option<Decimal> = match figure.as_str() {
            "deposit_daily_average" => {
                let days = num_input(step, "calendar days");
                // Each client's balance sum, summed again from the ledger
                // rows or cells the input names.
                for (n, v) in ins.iter().filter(|(n, _)| n.starts_with("client ")) {
                    let listed = d(v.split(" × ").next().unwrap());
                    let sources = v.split_once(" [").unwrap().1.strip_suffix(']').unwrap();
                    let ledger = cells.client_sum(sources, days);
                    if listed != ledger {
                        errs.push(format!(
                            "{rm} deposit_daily_average: {n} lists {listed}, its ledger rows add to {ledger}"
                        ));
                    }
                }
                let sum: Decimal = ins
                    .iter()
                    .filter(|(n, _)| n.starts_with("client "))
                    .map(|(_, v)| product(v))
                    .sum();
                Some(sum / days)
            }
            // A ledger cell, or the policy's default for the tier.
            "deposit_base" => {
                let source = input(step, "source");
                Some(match source.strip_prefix("policy tier `") {
                    Some(rest) => {
                        let tier = rest.split('`').next().unwrap();
                        pol.tier_base(tier)
                    }
                    // Neither gives one (Policy B): 0.
                    None if source == "none in the ledger or the policy" => Decimal::ZERO,
                    None => cells.amount(&source),
                })
            }
            "deposit_stock" => {
                let a = named(
                    step,
                    "deposit_daily_average",
                    "deposit_daily_average",
                    &mut errs,
                );
                let b = named(step, "deposit_base", "deposit_base", &mut errs);
                Some(a.min(b).max(Decimal::ZERO))
            }
            "deposit_increment" => {
                let a = named(
                    step,
                    "deposit_daily_average",
                    "deposit_daily_average",
                    &mut errs,
                );
                let b = named(step, "deposit_base", "deposit_base", &mut errs);
                Some((a - b).max(Decimal::ZERO))
            }
            "loan_balance" => Some(
                ins.iter()
                    .map(|(_, v)| {
                        let (bal, _, _, share) = loan_parts(v);
                        bal * share
                    })
                    .sum(),
            ),
            "npl_ratio" => {
                let npl = num_input(step, "npl_balance");
                let loans = named(step, "loan_balance", "loan_balance", &mut errs);
                (!loans.is_zero()).then(|| npl / loans)
            }
            "collection_rate" => {
                let recv = num_input(step, "interest_received");
                let due = num_input(step, "interest_due");
                // Both are the loans' figures × shares, as listed.
                let (r, dd) =
                    t.steps
                        .get("loan_balance")
                        .map_or((Decimal::ZERO, Decimal::ZERO), |s| {
                            inputs(s)
                                .iter()
                                .fold((Decimal::ZERO, Decimal::ZERO), |a, (_, v)| {
                                    let (_, r, dd, sh) = loan_parts(v);
                                    (a.0 + r * sh, a.1 + dd * sh)
                                })
                        });
                if fig(r) != fig(recv) || fig(dd) != fig(due) {
                    errs.push(format!(
                        "{rm} collection_rate: interest {recv}/{due}, loans give {r}/{dd}"
                    ));
                }
                (!due.is_zero()).then(|| recv / due)
            }
            "fee_income" => Some(ins.iter().map(|(_, v)| product(v)).sum()),
            "new_basic_accounts" => Some(Decimal::from(ins.len())),
            "incident_loss" => Some(
                ins.iter()
                    .map(|(_, v)| d(v.split("loss ").nth(1).unwrap()))
                    .sum(),
            ),
            "gross" => {
                for (name, v) in &ins {
                    if t.value(name).map(fig) != Some(fig(d(v))) {
                        errs.push(format!("{rm} gross: input {name} = {v} is not its line"));
                    }
                }
                Some(ins.iter().map(|(_, v)| d(v)).sum())
            }
            "carried_loss" => {
                let carried = num_input(step, "carried losses");
                let left = num_input(step, "gross left");
                if left != gross_left {
                    errs.push(format!(
                        "{rm} carried_loss: gross left {left}, is {gross_left}"
                    ));
                }
                let applied = carried.min(gross_left);
                gross_left -= applied;
                unrecovered += carried - applied;
                Some(applied)
            }
            // Losses carried forward: each deduction's `due − deducted`
            // (which must be what the month left unrecovered), less the
            // risk deposit's offset, plus a recovery net pay could not cover.
            "loss_carried_forward" => {
                let mut short = Decimal::ZERO;
                let mut offset = Decimal::ZERO;
                for (name, v) in &ins {
                    match name.as_str() {
                        "risk_loss_offset" => offset -= d(v),
                        "adjustment_carried" => offset += d(v),
                        _ => {
                            let (due, taken) = v.split_once(" − ").unwrap();
                            short += d(due) - d(taken);
                        }
                    }
                }
                if short != unrecovered {
                    errs.push(format!(
                        "{rm} loss_carried_forward: Σ (due − deducted) {short}, but the month left {unrecovered} unrecovered"
                    ));
                }
                Some(short + offset)
            }
            "deductions" => Some(ins.iter().map(|(_, v)| d(v)).sum()),
            "holdback" => {
                let g = named(step, "gross", "gross", &mut errs);
                let ded = if formula.contains("gross − deductions") {
                    named(step, "deductions", "deductions", &mut errs)
                } else {
                    Decimal::ZERO
                };
                let cap = num_input(step, "cap");
                let balance = num_input(step, "balance");
                // The balance before withholding is the opening, unless a
                // lowered cap released the excess first.
                let opening = d(risk["opening"].as_str().unwrap());
                let expect_balance = match t.value("risk_excess_released") {
                    Some(x) => opening - x,
                    None => opening,
                };
                if balance != expect_balance {
                    errs.push(format!(
                        "{rm} holdback: input balance {balance}, but the balance before withholding is {expect_balance}"
                    ));
                }
                let rate = after(formula, "round(");
                Some(
                    pol.round(rate * (g - ded).max(Decimal::ZERO))
                        .min((cap - balance).max(Decimal::ZERO)),
                )
            }
            "risk_excess_released" => Some(num_input(step, "opening") - num_input(step, "cap")),
            "risk_loss_offset" | "risk_released" => {
                let balance = num_input(step, "balance");
                let losses = num_input(step, "losses");
                let offset = balance.min(losses).max(Decimal::ZERO);
                Some(if figure == "risk_loss_offset" {
                    offset
                } else {
                    balance - offset
                })
            }
            "net" => {
                let g = named(step, "gross", "gross", &mut errs);
                let ded = named(step, "deductions", "deductions", &mut errs);
                let h = named(step, "holdback", "holdback", &mut errs);
                Some(g - ded - h)
            }
            "payout" => {
                let net = named(step, "net", "net", &mut errs);
                // Released: after leaving, or the excess over a lowered cap.
                let rel = num_input(step, "released");
                let traced = t.value("risk_released").unwrap_or_default()
                    + t.value("risk_excess_released").unwrap_or_default();
                if rel != traced {
                    errs.push(format!("{rm} payout: released {rel}, traced {traced}"));
                }
                Some(net + rel)
            }
            id if pol.lines.contains_key(id) => {
                let line = &pol.lines[id];
                match line["kind"].as_str().unwrap() {
                    "rate" => {
                        let metric = line["metric"].as_str().unwrap();
                        let v = num_input(step, metric);
                        // The metric as traced (interest received is traced
                        // among the collection rate's inputs).
                        let traced = t.value(metric).or_else(|| {
                            t.steps
                                .values()
                                .flat_map(|s| inputs(s))
                                .find(|(n, _)| n == metric)
                                .map(|(_, v)| d(&v))
                        });
                        if traced.map(fig) != Some(fig(v)) {
                            errs.push(format!(
                                "{rm} {id}: input {metric} = {v}, traced {traced:?}"
                            ));
                        }
                        let per = toml_dec(&line["per"]);
                        if !per.is_zero() && per != Decimal::ONE {
                            assert_eq!(after(formula, "÷"), per, "{rm} {id}: {formula}");
                        }
                        let rate = num_input(step, "rate");
                        Some(pol.round(v * rate / per))
                    }
                    "fixed" => {
                        // The step gives its amount; it is the policy's
                        // for the tier.
                        let tier = input(step, "tier");
                        let amount = num_input(step, "amount");
                        let policy_amount = toml_dec(&line["amounts"][tier.as_str()]);
                        if pol.round(policy_amount) != amount {
                            errs.push(format!(
                                "{rm} {id}: amount {amount}, the policy's for {tier} is {policy_amount}"
                            ));
                        }
                        Some(amount)
                    }
                    k => panic!("no recomputation for pay line kind `{k}`"),
                }
            }
            id if pol.deductions.contains_key(id) => {
                let ded = &pol.deductions[id];
                let metric = ded["metric"].as_str().unwrap();
                let v = named(step, metric, metric, &mut errs);
                let left = num_input(step, "gross left");
                if left != gross_left {
                    errs.push(format!("{rm} {id}: gross left {left}, is {gross_left}"));
                }
                let wanted = pol.round(v * toml_dec(&ded["share"])).max(Decimal::ZERO);
                let applied = wanted.min(gross_left);
                gross_left -= applied;
                unrecovered += wanted - applied;
                Some(applied)
            }
            other => {
                errs.push(format!(
                    "{rm}: no recomputation for figure `{other}` ({formula})"
                ));
                continue;
            }
        };
        n += 1;
        check(figure, want, value);
    }
    // The release's losses are what pay could not take.
    for f in ["risk_loss_offset", "risk_released"] {
        if let Some(s) = t.steps.get(f) {
            let losses = num_input(s, "losses");
            if pay["lines"].as_array().is_some_and(|l| !l.is_empty()) && losses != unrecovered {
                errs.push(format!(
                    "{rm} {f}: losses {losses}, but the month left {unrecovered} unrecovered"
                ));
            }
        }
    }
    // Every figure of the pay is a traced figure.
    let m = |v: &Value| d(v.as_str().unwrap());
    let or0 = |f: &str| t.value(f).unwrap_or_default();
    let mut same = |what: &str, shown: Decimal, traced: Decimal| {
        if shown != traced {
            errs.push(format!("{rm} {what}: {shown} in the pay, {traced} traced"));
        }
    };
    for l in pay["lines"].as_array().unwrap() {
        let id = l["rule"].as_str().unwrap();
        same(id, m(&l["amount"]), or0(id));
    }
    for l in pay["deduction_lines"].as_array().unwrap() {
        let id = l["rule"].as_str().unwrap();
        same(id, m(&l["amount"]), or0(id));
    }
    same("gross", m(&pay["gross"]), or0("gross"));
    same("deductions", m(&pay["deductions"]), or0("deductions"));
    same("holdback", m(&pay["holdback"]), or0("holdback"));
    same("net", m(&pay["net"]), or0("net"));
    let released = or0("risk_released") + or0("risk_excess_released");
    same("released", m(&pay["released"]), released);
    same(
        "payout",
        m(&pay["payout"]),
        t.value("payout").unwrap_or(or0("net")),
    );
    same("risk withheld", m(&risk["withheld"]), or0("holdback"));
    same("risk offset", m(&risk["offset"]), or0("risk_loss_offset"));
    same("risk released", m(&risk["released"]), released);
    same(
        "risk closing",
        m(&risk["closing"]),
        m(&risk["opening"]) + or0("holdback") - or0("risk_loss_offset") - released,
    );
    errors.extend(errs);
    n
}

/// Audits one month's pay JSON; `before` is the month before's, whose
/// closing balances are this month's openings. Returns the figures checked.
fn audit_month(
    pol: &Pol,
    cells: &Cells,
    pay: &Value,
    before: Option<&Value>,
    errors: &mut Vec<String>,
) -> usize {
    let period = pay["period"].as_str().unwrap();
    let mut n = 0;
    let mut released = Decimal::ZERO;
    let mut payout = Decimal::ZERO;
    let closing_before = |id: &str| -> Option<Decimal> {
        let b = before?;
        b["managers"]
            .as_array()
            .unwrap()
            .iter()
            .chain(b["off_roster"].as_array().into_iter().flatten())
            .find(|m| m["rm_id"] == id)
            .map(|m| d(m["risk_account"]["closing"].as_str().unwrap()))
    };
    let all = pay["managers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m, true))
        .chain(
            pay["off_roster"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| (m, false)),
        );
    for (m, rostered) in all {
        let id = m["rm_id"].as_str().unwrap();
        let t = Trace::new(&format!("{period} {id}"), &m["trace"]);
        n += audit_rm(pol, cells, &t, &m["pay"], &m["risk_account"], errors);
        if rostered {
            // The metrics the JSON shows are the traced figures.
            for (k, v) in m["metrics"].as_object().unwrap() {
                if let (Some(shown), Some(traced)) = (v.as_str(), t.value(k))
                    && d(shown) != fig(traced)
                {
                    errors.push(format!(
                        "{period} {id} metrics.{k}: {shown}, traced {traced}"
                    ));
                }
            }
        }
        if let Some(c) = closing_before(id) {
            let opening = d(m["risk_account"]["opening"].as_str().unwrap());
            if opening != c {
                errors.push(format!(
                    "{period} {id}: opening {opening}, but the month before closed at {c}"
                ));
            }
        }
        if pol.risk_rule.is_some() {
            for s in t.steps.values() {
                let f = s["figure"].as_str().unwrap();
                if f.starts_with("risk_") || f == "holdback" {
                    assert_eq!(s["rule"].as_str(), pol.risk_rule.as_deref(), "{id} {f}");
                }
            }
        }
        released += d(m["pay"]["released"].as_str().unwrap());
        payout += d(m["pay"]["payout"].as_str().unwrap());
    }
    let tot = |k: &str| d(pay["totals"][k].as_str().unwrap());
    if tot("released") != released || tot("payout") != payout {
        errors.push(format!(
            "{period}: totals released {} / paid {}, the RMs add to {released} / {payout}",
            tot("released"),
            tot("payout")
        ));
    }
    n
}

/// Closes each ledger into `archive` (in order, in English: the auditor
/// reads the formulas' English words) and audits every month's pay JSON
/// against the month before. Returns the figures checked.
pub fn audit_archive(policy: &str, archive: &Path, ledgers: &[(String, String)]) -> usize {
    audit(policy, archive, ledgers, false)
}

/// [`audit_archive`], the months closed in Chinese (the default) and
/// audited from their English pay JSON (`payroll --archive --lang en` of
/// the closed month, a preview), which holds the same figures as the
/// archived Chinese one entry by entry ([`same_figures`]): the audit holds
/// for the Chinese file too.
pub fn audit_archive_in_both_languages(
    policy: &str,
    archive: &Path,
    ledgers: &[(String, String)],
) -> usize {
    audit(policy, archive, ledgers, true)
}

fn audit(policy: &str, archive: &Path, ledgers: &[(String, String)], zh: bool) -> usize {
    let pol = Pol::read(policy);
    let mut errors = Vec::new();
    let mut n = 0;
    let mut before: Option<Value> = None;
    for (period, ledger) in ledgers {
        let (a, p) = (archive.to_str().unwrap(), policy);
        let (l, m) = (ledger.as_str(), period.as_str());
        let mut close = vec!["close", "--archive", a, "--policy", p, "--ledger", l];
        close.extend(["--period", m]);
        if !zh {
            close.extend(["--lang", "en"]);
        }
        let o = run(&close);
        assert_eq!(o.code, 0, "closing {ledger}: {}", o.stderr);
        let archived: Value = serde_json::from_slice(
            &std::fs::read(archive.join(period).join(format!("pay-{period}.json"))).unwrap(),
        )
        .unwrap();
        let pay = if zh {
            let out = tempfile::tempdir().unwrap();
            let json = out.path().join("en.json");
            let (o, j) = (out.path().to_str().unwrap(), json.to_str().unwrap());
            let mut preview = vec!["payroll", "-q", "--archive", a, "--policy", p];
            preview.extend(["--ledger", l, "--period", m, "--lang", "en"]);
            preview.extend(["--out", o, "--json", j]);
            let o = run(&preview);
            assert_eq!(o.code, 0, "{period} in English: {}", o.stderr);
            let english: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
            same_figures(&english, &archived, period, &mut errors);
            english
        } else {
            archived
        };
        let dir = archive.join(period);
        let stored = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_stem().is_some_and(|s| s == "ledger"))
            .unwrap();
        let cells = Cells::open(&stored);
        n += audit_month(&pol, &cells, &pay, before.as_ref(), &mut errors);
        before = Some(pay);
    }
    assert!(
        errors.is_empty(),
        "{} figure(s) an auditor cannot recompute from the trace:\n{}",
        errors.len(),
        errors.join("\n")
    );
    n
}

/// The numbers of a text standing alone, in order (`155000000.00 × 0.6
/// [account 6201002 (time, 31 rows, [存款日余额] rows 3–303)]` →
/// 155000000.00, 0.6, 6201002, 31, 3, 303); digits inside a word (`v2`,
/// `grade1`, `A2`, `2026-10.xlsx`, `第1版`) are not numbers of their own.
fn numbers(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || "._-".contains(c)))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .collect()
}

/// The pay JSON with its texts (the words of the run's language) taken
/// out: the trace's formulas and inputs' names and values, the
/// movements' reasons, the ledger's warnings. What is left (keys, ids,
/// figures, order) is the same in every language.
fn without_texts(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(l) = v["ledger"].as_object_mut() {
        l.remove("warnings");
    }
    for k in ["managers", "off_roster"] {
        for m in v[k].as_array_mut().into_iter().flatten() {
            for mv in m["risk_account"]["movements"].as_array_mut().unwrap() {
                mv.as_object_mut().unwrap().remove("reason");
            }
            for s in m["trace"].as_array_mut().unwrap() {
                s.as_object_mut().unwrap().remove("formula");
                for i in s["inputs"].as_array_mut().unwrap() {
                    let i = i.as_object_mut().unwrap();
                    i.remove("name");
                    i.remove("value");
                }
            }
        }
    }
    v
}

/// The Chinese pay JSON `zh` holds the English `en`'s figures: everything
/// but the texts is identical, and each text of the trace (formula,
/// inputs' names and values) has the English one's numbers in the same
/// order, each as written (the words change, the figures never).
fn same_figures(en: &Value, zh: &Value, period: &str, errors: &mut Vec<String>) {
    if without_texts(en) != without_texts(zh) {
        errors.push(format!(
            "{period}: the Chinese pay JSON differs from the English beyond its words"
        ));
        return;
    }
    for k in ["managers", "off_roster"] {
        let (e, z) = (&en[k], &zh[k]);
        for (m, (em, zm)) in e
            .as_array()
            .into_iter()
            .flatten()
            .zip(z.as_array().into_iter().flatten())
            .enumerate()
        {
            let (et, zt) = (
                em["trace"].as_array().unwrap(),
                zm["trace"].as_array().unwrap(),
            );
            for (t, (es, zs)) in et.iter().zip(zt).enumerate() {
                let mut texts = vec![(&es["formula"], &zs["formula"])];
                for (ei, zi) in es["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(zs["inputs"].as_array().unwrap())
                {
                    // A name that is an id (`A-26-fees`) is kept in `id`.
                    if ei.get("id").is_none() {
                        texts.push((&ei["name"], &zi["name"]));
                    }
                    texts.push((&ei["value"], &zi["value"]));
                }
                for (a, b) in texts {
                    let (a, b) = (a.as_str().unwrap(), b.as_str().unwrap());
                    if numbers(a) != numbers(b) {
                        errors.push(format!(
                            "{period} {k}[{m}].trace[{t}]: `{b}` in Chinese, `{a}` in English"
                        ));
                    }
                }
            }
            // The movements' reasons name their figures as a reader
            // reads them (20% in Chinese, 0.2 in English): worded, not
            // empty.
            for mv in zm["risk_account"]["movements"].as_array().unwrap() {
                if mv["reason"]
                    .as_str()
                    .is_none_or(|r| r.is_empty() || r.is_ascii())
                {
                    errors.push(format!("{period} {k}[{m}]: reason {}", mv["reason"]));
                }
            }
        }
    }
}

fn months(dir: &str, from: u32, to: u32) -> Vec<(String, String)> {
    (from..=to)
        .map(|m| (format!("2026-{m:02}"), format!("{dir}/2026-{m:02}.xlsx")))
        .collect()
}

#[test]
fn every_figure_recomputes_from_its_trace_policy_a() {
    // The branch's three months: the first opens from the ledger's
    // risk_accounts sheet, RM005 reaches its cap (50.00 withheld of 460.00
    // wanted), RM007's release pays its loss first, RM003 and RM004 have
    // loss deductions.
    let a = tempfile::tempdir().unwrap();
    let n = audit_archive_in_both_languages(policy_a(), a.path(), &months("fixtures", 9, 11));
    // 3 months × 9 RMs × at least 17 figures.
    assert!(n >= 3 * 9 * 17, "only {n} figures checked");
    // A year of months for the same policy, each opening from the last.
    let y = tempfile::tempdir().unwrap();
    let n = audit_archive(policy_a(), y.path(), &months("fixtures/year-a", 1, 12));
    assert!(n >= 12 * 7 * 17, "only {n} figures checked");
    review_scores_add_up(y.path());
}

#[test]
fn every_figure_recomputes_from_its_trace_policy_b() {
    let y = tempfile::tempdir().unwrap();
    let n = audit_archive(POLICY_B, y.path(), &months("fixtures/year-b", 1, 12));
    assert!(n >= 12 * 12, "only {n} figures checked");
    let b = tempfile::tempdir().unwrap();
    audit_archive_in_both_languages(
        POLICY_B,
        b.path(),
        &[("2026-10".into(), "fixtures/bocom-2026-10.xlsx".into())],
    );
}

/// Policy A's review of the closed year: the score its trace shows is the
/// sum of the components' points (the trace covers the total; each
/// component's points are not traced step by step).
fn review_scores_add_up(archive: &Path) {
    let out = archive.join("review");
    let json = out.join("review.json");
    let o = run(&[
        "review",
        "--policy",
        policy_a(),
        "--archive",
        archive.to_str().unwrap(),
        "--year",
        "2026",
        "--out",
        out.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let mut scored = 0;
    for m in r["managers"].as_array().unwrap() {
        let Some(s) = m["score"].as_object() else {
            continue;
        };
        let sum: Decimal = s["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| d(c["points"].as_str().unwrap()))
            .sum();
        assert_eq!(fig(sum), d(s["total"].as_str().unwrap()), "{}", m["rm_id"]);
        scored += 1;
    }
    assert!(scored >= 5, "only {scored} RMs scored");
}

/// Places after the point of a decimal number's text.
fn places(s: &str) -> u32 {
    s.split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

/// Every number-like token of a text (`12,000.50` → `12000.50`).
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars().chain([' ']) {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if c == ',' && !cur.is_empty() {
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur).trim_end_matches('.').to_string());
        }
    }
    out
}

/// Checks the places of every number in a JSON document: money fields (by
/// key) at most `money`, every other number, alone or inside a text, at
/// most `other`.
fn scan(
    v: &Value,
    path: &str,
    money: &dyn Fn(&str) -> Option<u32>,
    other: u32,
    bad: &mut Vec<String>,
) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                scan(x, &format!("{path}.{k}"), money, other, bad);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                scan(x, &format!("{path}[{i}]"), money, other, bad);
            }
        }
        Value::String(s) => {
            let limit = if s.parse::<Decimal>().is_ok() {
                money(path).unwrap_or(other)
            } else {
                other
            };
            for t in tokens(s) {
                if places(&t) > limit {
                    bad.push(format!(
                        "{path}: `{s}` has {} places (at most {limit})",
                        places(&t)
                    ));
                }
            }
        }
        Value::Number(n) if places(&n.to_string()) > other => {
            bad.push(format!("{path}: {n}"));
        }
        _ => {}
    }
}

/// The places of the shares the month's traces list (`sum × share`).
fn share_places(pay: &Value) -> u32 {
    let mut p = 0;
    for m in pay["managers"].as_array().unwrap() {
        for s in m["trace"].as_array().unwrap() {
            if s["figure"] == "deposit_daily_average" {
                // A client's input (`client C001 (…)`, `客户 C001 (…)`):
                // its sum × its share.
                for (_, v) in inputs(s) {
                    if v.contains(" × ") {
                        let head = v.split(" [").next().unwrap();
                        p = p.max(places(head.split(" × ").nth(1).unwrap()));
                    }
                }
            }
        }
    }
    p
}

/// Closes the ledgers and scans each month's `state.json` and pay JSON.
fn scan_archive(policy: &str, ledgers: &[(String, String)], bad: &mut Vec<String>) {
    let v: toml::Value = toml::from_str(&std::fs::read_to_string(policy).unwrap()).unwrap();
    let money = v["settings"]["money_scale"].as_integer().unwrap() as u32;
    let input = v["settings"]["input_scale"].as_integer().unwrap() as u32;
    let a = tempfile::tempdir().unwrap();
    let mut shares = 0;
    for (period, ledger) in ledgers {
        let o = run(&[
            "close",
            "--archive",
            a.path().to_str().unwrap(),
            "--policy",
            policy,
            "--ledger",
            ledger,
            "--period",
            period,
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let dir = a.path().join(period);
        let read = |f: &str| -> Value {
            serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap()
        };
        let pay = read(&format!("pay-{period}.json"));
        shares = shares.max(share_places(&pay));
        // Money: the policy's places. Figures that are not money are
        // quotients shown to 10 places.
        let pay_money = |p: &str| {
            let is_money = [".pay.", ".risk_account.", ".totals."]
                .iter()
                .any(|k| p.contains(k))
                || (p.contains(".year_to_date.") && !p.ends_with("deposit_daily_average"));
            is_money.then_some(money)
        };
        scan(&pay, &format!("{period}/pay.json"), &pay_money, 10, bad);
        // State: money at the policy's places; the balance-day sums are
        // ledger amounts (input places) times shares, added: no more.
        let day_sum = input + shares;
        let state_money = |p: &str| {
            Some(if p.ends_with("deposit_day_sum") {
                day_sum
            } else {
                money
            })
        };
        scan(
            &read("state.json"),
            &format!("{period}/state.json"),
            &state_money,
            0,
            bad,
        );
    }
}

/// No file carries digits no input had: the year-to-date deposit sums in
/// `state.json` were the month's average (a quotient) times its days, with
/// up to 20 stray places (`…37400000000000000001`).
#[test]
fn written_numbers_have_no_more_places_than_their_inputs() {
    let mut bad = Vec::new();
    scan_archive(policy_a(), &months("fixtures", 9, 11), &mut bad);
    scan_archive(policy_a(), &months("fixtures/year-a", 1, 12), &mut bad);
    scan_archive(POLICY_B, &months("fixtures/year-b", 1, 12), &mut bad);
    assert!(
        bad.is_empty(),
        "{} number(s) with stray places:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The holdback as `explain` and the trace sheet show it (the JSON's is
/// checked above): RM005 opens October with 9,950.00 of a 10,000.00 cap
/// (the ledger's risk_accounts B3). Its inputs give its value:
/// min(round(0.2 × max(2,300.00 − 0.00, 0), 2), max(10,000 − 9,950.00, 0))
/// = min(460.00, 50.00) = 50.00.
#[test]
fn explain_and_the_trace_sheet_show_the_balance_before_withholding() {
    let o = run(&[
        "explain",
        "--policy",
        policy_a(),
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--rm",
        "RM005",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let holdback: Vec<&str> = o
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("holdback = "))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        holdback,
        [
            "holdback = 50    [A-25-2]",
            "  formula: min(round(0.2 × max(gross − deductions, 0), 2), max(cap − balance, 0))",
            "  gross = 2300.00",
            "  deductions = 0.00",
            "  cap = 10000",
            "  balance = 9950.00",
            "  balance from = opening balance: 2026-10.xlsx [风险金账户]!B3",
        ]
    );

    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "payroll",
        "--policy",
        policy_a(),
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("pay-2026-10.xlsx")).unwrap();
    let trace = wb.worksheet_range("计算过程").unwrap();
    let rows: Vec<Vec<String>> = trace
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let at = rows
        .iter()
        .position(|r| r[0] == "RM005" && r[1] == "风险金扣留")
        .expect("RM005's holdback on the trace sheet");
    // Figure row with its first input, then one row per further input.
    let inputs: Vec<(&str, &str)> = rows[at..at + 5]
        .iter()
        .map(|r| (r[5].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(rows[at][3], "50");
    assert_eq!(
        inputs,
        [
            ("应发合计", "2300.00"),
            ("扣款合计", "0.00"),
            ("上限", "10000"),
            ("余额", "9950.00"),
            ("余额来源", "期初余额：2026-10.xlsx [风险金账户]!B3"),
        ]
    );
}
