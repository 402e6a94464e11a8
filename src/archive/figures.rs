//! `figures.json`: a closed month's figures, what a review reads of the
//! month instead of its ledger (docs/ARCHIVE.md, "The month's figures").
//!
//! Every sheet of the ledger a review reads, as read, except the daily
//! balances: those are kept as their sums per client and product (with
//! the number of days), which is all the month's figures take from them.
//! Each record keeps the cell it was read from, so a figure computed from
//! this file names the same ledger cells as one computed from the ledger.
//! Not kept: the `risk_accounts` sheet (pay's, not the review's) and
//! salary cards.
//!
//! Versioned apart from the ledger's types ([`FiguresV1`],
//! `rmpay.figures/1`); exact decimals as strings; one record per line;
//! the same ledger read the same way gives the same bytes.

use crate::ledger::{
    AccountKind, AccountMonth, Assignment, At, Baseline, DepositAverage, Deposits, Fee, FeeOwner,
    Incident, Ledger, Loan, LoanClass, Manager, NewAccount, Product, ReadOptions, Role, Settlement,
    SheetKind, Src, Status,
};
use crate::period::Period;
use crate::text::{Msg, archive as says};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT: &str = "rmpay.figures/1";

/// `rmpay.figures/1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresV1 {
    pub format: String,
    pub period: String,
    /// How the ledger was read (the policy's reading settings at the
    /// close): a review under a policy that reads otherwise reads the
    /// ledger.
    pub input_scale: u32,
    pub carry_forward_missing_days: bool,
    /// The ledger's sheets as named in it: `[contract id, name]`.
    pub sheets: Vec<(String, String)>,
    /// `daily` (the `deposits` sheet, kept as `deposit_sums`) or
    /// `averages` (the `deposit_averages` sheet, kept as
    /// `deposit_averages`).
    pub deposits: String,
    /// Calendar days the daily balances cover (`daily` only).
    pub days: u32,
    pub managers: Vec<ManagerV1>,
    pub clients: Vec<ClientV1>,
    /// Σ daily balances per client and product, sorted.
    pub deposit_sums: Vec<DepositSumV1>,
    pub deposit_averages: Vec<DepositAverageV1>,
    pub loans: Vec<LoanV1>,
    pub fees: Vec<FeeV1>,
    pub settlements: Vec<SettlementV1>,
    pub new_accounts: Vec<NewAccountV1>,
    pub incidents: Vec<IncidentV1>,
    pub baseline: Vec<BaselineV1>,
}

/// Decimals as strings, keeping their scale (`12.50` stays `12.50`).
mod dec {
    pub use rust_decimal::serde::str as one;
    pub use rust_decimal::serde::str_option as opt;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerV1 {
    pub rm_id: String,
    pub name: String,
    /// As written in the ledger (resolved against the reviewing policy).
    pub tier: String,
    pub tier_cell: String,
    pub role: String,
    pub branch: Option<String>,
    pub status: String,
    pub left_on: Option<NaiveDate>,
    pub marketing_since: Option<NaiveDate>,
    #[serde(with = "dec::opt")]
    pub base_deposit: Option<Decimal>,
    pub base_deposit_cell: Option<String>,
    #[serde(with = "dec::opt")]
    pub exam_score: Option<Decimal>,
    pub qualified_on: Option<NaiveDate>,
    pub cell: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientV1 {
    pub client_id: String,
    pub client_name: Option<String>,
    pub rm_id: String,
    #[serde(with = "dec::one")]
    pub share: Decimal,
    pub cell: String,
}

/// One client's and product's daily balances over the month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositSumV1 {
    pub client_id: String,
    pub product: String,
    /// Σ of the accounts' end-of-day balances over every day.
    #[serde(with = "dec::one")]
    pub balance_sum: Decimal,
    pub accounts: u32,
    /// Rows read for those accounts, and the first and last (1-based).
    pub rows: u32,
    pub first_row: u32,
    pub last_row: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositAverageV1 {
    pub client_id: String,
    pub product: String,
    #[serde(with = "dec::one")]
    pub daily_average: Decimal,
    /// The sum of daily balances the row handed over, if it did: the month
    /// averages it exactly (docs/LEDGER.md, `balance_sum`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_sum: Option<String>,
    pub cell: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanV1 {
    pub loan_id: String,
    pub client_id: String,
    pub rm_id: Option<String>,
    #[serde(with = "dec::opt")]
    pub amount: Option<Decimal>,
    pub disbursed_on: Option<NaiveDate>,
    #[serde(with = "dec::one")]
    pub balance: Decimal,
    #[serde(with = "dec::opt")]
    pub daily_average: Option<Decimal>,
    pub classification: String,
    #[serde(with = "dec::one")]
    pub interest_due: Decimal,
    #[serde(with = "dec::one")]
    pub interest_received: Decimal,
    #[serde(with = "dec::opt")]
    pub advance: Option<Decimal>,
    pub cell: String,
}

/// A fee of a client (shared like the client) or of an RM: one of the
/// two ids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeV1 {
    pub client_id: Option<String>,
    pub rm_id: Option<String>,
    #[serde(with = "dec::one")]
    pub amount: Decimal,
    pub cell: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementV1 {
    pub client_id: String,
    #[serde(with = "dec::one")]
    pub amount_usd: Decimal,
    pub date: Option<NaiveDate>,
    pub cell: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountV1 {
    pub account_id: String,
    pub client_id: Option<String>,
    pub rm_id: Option<String>,
    /// `corporate_basic` or `other`.
    pub kind: String,
    pub opened_on: Option<NaiveDate>,
    pub cell: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentV1 {
    pub rm_id: String,
    pub date: Option<NaiveDate>,
    pub description: String,
    #[serde(with = "dec::one")]
    pub points: Decimal,
    #[serde(with = "dec::one")]
    pub loss: Decimal,
    pub cell: String,
}

/// A `baseline` row: `kind` is `client_deposit` (`id` a client, `value`
/// its deposit daily average), `rm_normal_loan_ratio` or `rm_fee_income`
/// (`id` an RM).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineV1 {
    pub kind: String,
    pub id: String,
    #[serde(with = "dec::one")]
    pub value: Decimal,
    pub cell: String,
}

fn cell(src: Src) -> String {
    crate::diag::cell_name(src.row, src.col)
}

/// `E17` → (row 16, column 4), 0-based.
fn parse_cell(text: &str) -> Option<(u32, u32)> {
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

fn kind_id(k: AccountKind) -> &'static str {
    match k {
        AccountKind::CorporateBasic => "corporate_basic",
        AccountKind::Other => "other",
    }
}

impl FiguresV1 {
    /// The figures of a ledger read with `opts`.
    pub fn of(l: &Ledger, opts: &ReadOptions) -> FiguresV1 {
        let (deposits, days, deposit_sums, deposit_averages) = match &l.deposits {
            Deposits::Daily { accounts, days } => ("daily", *days, sums(accounts), Vec::new()),
            Deposits::Averages(rows) => (
                "averages",
                0,
                Vec::new(),
                rows.iter()
                    .map(|r| DepositAverageV1 {
                        client_id: r.client_id.clone(),
                        product: r.product.id().into(),
                        daily_average: r.daily_average,
                        balance_sum: r.balance_sum.map(|d| d.to_string()),
                        cell: cell(r.src),
                    })
                    .collect(),
            ),
        };
        FiguresV1 {
            format: FORMAT.into(),
            period: l.period.to_string(),
            input_scale: opts.input_scale,
            carry_forward_missing_days: opts.carry_forward_missing_days,
            sheets: l
                .sheet_names
                .iter()
                .map(|(k, n)| (k.english().to_string(), n.clone()))
                .collect(),
            deposits: deposits.into(),
            days,
            managers: l
                .managers
                .iter()
                .map(|m| ManagerV1 {
                    rm_id: m.rm_id.clone(),
                    name: m.name.clone(),
                    tier: m.tier.value.clone(),
                    tier_cell: cell(m.tier.src),
                    role: m.role.id().into(),
                    branch: m.branch.clone(),
                    status: m.status.id().into(),
                    left_on: m.left_on,
                    marketing_since: m.marketing_since,
                    base_deposit: m.base_deposit.as_ref().map(|b| b.value),
                    base_deposit_cell: m.base_deposit.as_ref().map(|b| cell(b.src)),
                    exam_score: m.exam_score,
                    qualified_on: m.qualified_on,
                    cell: cell(m.src),
                })
                .collect(),
            clients: l
                .clients
                .iter()
                .map(|a| ClientV1 {
                    client_id: a.client_id.clone(),
                    client_name: a.client_name.clone(),
                    rm_id: a.rm_id.clone(),
                    share: a.share,
                    cell: cell(a.src),
                })
                .collect(),
            deposit_sums,
            deposit_averages,
            loans: l
                .loans
                .iter()
                .map(|x| LoanV1 {
                    loan_id: x.loan_id.clone(),
                    client_id: x.client_id.clone(),
                    rm_id: x.rm_id.clone(),
                    amount: x.amount,
                    disbursed_on: x.disbursed_on,
                    balance: x.balance,
                    daily_average: x.daily_average,
                    classification: x.classification.id().into(),
                    interest_due: x.interest_due,
                    interest_received: x.interest_received,
                    advance: x.advance,
                    cell: cell(x.src),
                })
                .collect(),
            fees: l
                .fees
                .iter()
                .map(|f| {
                    let (client_id, rm_id) = match &f.owner {
                        FeeOwner::Client(c) => (Some(c.clone()), None),
                        FeeOwner::Rm(r) => (None, Some(r.clone())),
                    };
                    FeeV1 {
                        client_id,
                        rm_id,
                        amount: f.amount,
                        cell: cell(f.src),
                    }
                })
                .collect(),
            settlements: l
                .settlements
                .iter()
                .map(|s| SettlementV1 {
                    client_id: s.client_id.clone(),
                    amount_usd: s.amount_usd,
                    date: s.date,
                    cell: cell(s.src),
                })
                .collect(),
            new_accounts: l
                .new_accounts
                .iter()
                .map(|a| NewAccountV1 {
                    account_id: a.account_id.clone(),
                    client_id: a.client_id.clone(),
                    rm_id: a.rm_id.clone(),
                    kind: kind_id(a.kind).into(),
                    opened_on: a.opened_on,
                    cell: cell(a.src),
                })
                .collect(),
            incidents: l
                .incidents
                .iter()
                .map(|i| IncidentV1 {
                    rm_id: i.rm_id.clone(),
                    date: i.date,
                    description: i.description.clone(),
                    points: i.points,
                    loss: i.loss,
                    cell: cell(i.src),
                })
                .collect(),
            baseline: l
                .baseline
                .iter()
                .map(|b| {
                    let (kind, id, value, src) = match b {
                        Baseline::ClientDeposit {
                            client_id,
                            deposit_daily_average,
                            src,
                        } => ("client_deposit", client_id, *deposit_daily_average, *src),
                        Baseline::RmNormalLoanRatio {
                            rm_id,
                            normal_loan_ratio,
                            src,
                        } => ("rm_normal_loan_ratio", rm_id, *normal_loan_ratio, *src),
                        Baseline::RmFeeIncome {
                            rm_id,
                            fee_income,
                            src,
                        } => ("rm_fee_income", rm_id, *fee_income, *src),
                    };
                    BaselineV1 {
                        kind: kind.into(),
                        id: id.clone(),
                        value,
                        cell: cell(src),
                    }
                })
                .collect(),
        }
    }

    /// Whether a ledger read with `opts` gives these figures' reading.
    pub fn read_as(&self, opts: &ReadOptions) -> bool {
        self.input_scale == opts.input_scale
            && self.carry_forward_missing_days == opts.carry_forward_missing_days
    }

    /// The file's bytes: one record per line.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Lines::default());
        // Strings, numbers, dates and decimals as strings: nothing here
        // can fail to serialize.
        let _ = self.serialize(&mut ser);
        out.push(b'\n');
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<FiguresV1, Msg> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
        }
        let not_figures = |e: serde_json::Error| {
            says::around(&says::json_reason(&e), |r| says::not_a_figures_file(r))
        };
        // One pass over the file; only a file that is not this format's is
        // read again, for its `format` alone (another format is named as
        // such, whatever else it holds).
        match serde_json::from_slice::<FiguresV1>(bytes) {
            Ok(f) if f.format == FORMAT => Ok(f),
            Ok(f) => Err(says::unknown_format_expected(&f.format, FORMAT)),
            Err(e) => match serde_json::from_slice::<Head>(bytes) {
                Err(h) => Err(not_figures(h)),
                Ok(h) if h.format != FORMAT => {
                    Err(says::unknown_format_expected(&h.format, FORMAT))
                }
                Ok(_) => Err(not_figures(e)),
            },
        }
    }

    /// The ledger these figures were taken from, as far as they keep it
    /// (`file`: its name, for cell references): the daily balances as one
    /// account per client and product holding their sum, which the
    /// month's figures add up exactly as they would the accounts.
    pub fn into_ledger(self, file: &str) -> Result<Ledger, Msg> {
        let period: Period = self
            .period
            .parse()
            .map_err(|e: String| says::field_not_a_period("period", &self.period, e))?;
        let mut sheet_names = Vec::new();
        for (id, name) in self.sheets {
            let k = SheetKind::ALL
                .into_iter()
                .find(|k| k.english() == id)
                .ok_or_else(|| says::unknown_sheet(&id))?;
            sheet_names.push((k, name));
        }
        let src = |sheet: SheetKind, what: &str, i: usize, text: &str| {
            parse_cell(text)
                .map(|(row, col)| Src { sheet, row, col })
                .ok_or_else(|| says::not_a_cell(what, i + 1, text))
        };
        fn word<T>(
            parsed: Option<T>,
            what: &str,
            i: usize,
            field: &str,
            text: &str,
        ) -> Result<T, Msg> {
            parsed.ok_or_else(|| says::unknown_word(what, i + 1, field, text))
        }
        let mut managers = Vec::new();
        for (i, m) in self.managers.into_iter().enumerate() {
            let s = SheetKind::Managers;
            managers.push(Manager {
                rm_id: m.rm_id,
                name: m.name,
                tier: At {
                    value: m.tier,
                    src: src(s, "managers", i, &m.tier_cell)?,
                },
                role: word(Role::from_id(&m.role), "managers", i, "role", &m.role)?,
                branch: m.branch,
                status: word(
                    Status::from_id(&m.status),
                    "managers",
                    i,
                    "status",
                    &m.status,
                )?,
                left_on: m.left_on,
                marketing_since: m.marketing_since,
                base_deposit: match (m.base_deposit, &m.base_deposit_cell) {
                    (Some(value), Some(c)) => Some(At {
                        value,
                        src: src(s, "managers", i, c)?,
                    }),
                    (None, None) => None,
                    _ => {
                        return Err(says::base_deposit_pair(i + 1));
                    }
                },
                exam_score: m.exam_score,
                qualified_on: m.qualified_on,
                salary_card: None,
                salary_card_src: None,
                name_src: src(s, "managers", i, &m.cell)?,
                src: src(s, "managers", i, &m.cell)?,
            });
        }
        let mut clients = Vec::new();
        for (i, c) in self.clients.into_iter().enumerate() {
            clients.push(Assignment {
                client_id: c.client_id,
                client_name: c.client_name,
                rm_id: c.rm_id,
                share: c.share,
                src: src(SheetKind::Clients, "clients", i, &c.cell)?,
            });
        }
        let deposits = match self.deposits.as_str() {
            "daily" => {
                let mut accounts = Vec::new();
                for (i, d) in self.deposit_sums.into_iter().enumerate() {
                    let product = word(
                        Product::from_id(&d.product),
                        "deposit_sums",
                        i,
                        "product",
                        &d.product,
                    )?;
                    accounts.push(AccountMonth {
                        account_id: format!(
                            "{} {} ({} accounts)",
                            d.client_id, d.product, d.accounts
                        ),
                        client_id: d.client_id,
                        product,
                        balance_sum: d.balance_sum,
                        rows: d.rows,
                        first_row: d.first_row.saturating_sub(1),
                        last_row: d.last_row.saturating_sub(1),
                        carried_days: Vec::new(),
                    });
                }
                Deposits::Daily {
                    accounts,
                    days: self.days,
                }
            }
            "averages" => {
                let mut rows = Vec::new();
                for (i, d) in self.deposit_averages.into_iter().enumerate() {
                    rows.push(DepositAverage {
                        client_id: d.client_id,
                        product: word(
                            Product::from_id(&d.product),
                            "deposit_averages",
                            i,
                            "product",
                            &d.product,
                        )?,
                        daily_average: d.daily_average,
                        balance_sum: match &d.balance_sum {
                            None => None,
                            Some(t) => Some(
                                t.parse::<Decimal>()
                                    .map_err(|_| says::not_a_decimal(i, t))?,
                            ),
                        },
                        src: src(SheetKind::DepositAverages, "deposit_averages", i, &d.cell)?,
                    });
                }
                Deposits::Averages(rows)
            }
            other => {
                return Err(says::deposits_kind(other));
            }
        };
        let mut loans = Vec::new();
        for (i, x) in self.loans.into_iter().enumerate() {
            loans.push(Loan {
                loan_id: x.loan_id,
                client_id: x.client_id,
                rm_id: x.rm_id,
                amount: x.amount,
                disbursed_on: x.disbursed_on,
                balance: x.balance,
                daily_average: x.daily_average,
                classification: word(
                    LoanClass::from_id(&x.classification),
                    "loans",
                    i,
                    "classification",
                    &x.classification,
                )?,
                interest_due: x.interest_due,
                interest_received: x.interest_received,
                advance: x.advance,
                src: src(SheetKind::Loans, "loans", i, &x.cell)?,
            });
        }
        let mut fees = Vec::new();
        for (i, f) in self.fees.into_iter().enumerate() {
            let owner = match (f.client_id, f.rm_id) {
                (Some(c), None) => FeeOwner::Client(c),
                (None, Some(r)) => FeeOwner::Rm(r),
                _ => {
                    return Err(says::fee_owner(i + 1));
                }
            };
            fees.push(Fee {
                owner,
                amount: f.amount,
                src: src(SheetKind::Fees, "fees", i, &f.cell)?,
            });
        }
        let mut settlements = Vec::new();
        for (i, s) in self.settlements.into_iter().enumerate() {
            settlements.push(Settlement {
                client_id: s.client_id,
                amount_usd: s.amount_usd,
                date: s.date,
                src: src(SheetKind::Settlements, "settlements", i, &s.cell)?,
            });
        }
        let mut new_accounts = Vec::new();
        for (i, a) in self.new_accounts.into_iter().enumerate() {
            let kind = match a.kind.as_str() {
                "corporate_basic" => AccountKind::CorporateBasic,
                "other" => AccountKind::Other,
                k => word(None, "new_accounts", i, "kind", k)?,
            };
            new_accounts.push(NewAccount {
                account_id: a.account_id,
                client_id: a.client_id,
                rm_id: a.rm_id,
                kind,
                opened_on: a.opened_on,
                src: src(SheetKind::NewAccounts, "new_accounts", i, &a.cell)?,
            });
        }
        let mut incidents = Vec::new();
        for (i, x) in self.incidents.into_iter().enumerate() {
            incidents.push(Incident {
                rm_id: x.rm_id,
                date: x.date,
                description: x.description,
                points: x.points,
                loss: x.loss,
                src: src(SheetKind::Incidents, "incidents", i, &x.cell)?,
            });
        }
        let mut baseline = Vec::new();
        for (i, b) in self.baseline.into_iter().enumerate() {
            let s = src(SheetKind::Baseline, "baseline", i, &b.cell)?;
            baseline.push(match b.kind.as_str() {
                "client_deposit" => Baseline::ClientDeposit {
                    client_id: b.id,
                    deposit_daily_average: b.value,
                    src: s,
                },
                "rm_normal_loan_ratio" => Baseline::RmNormalLoanRatio {
                    rm_id: b.id,
                    normal_loan_ratio: b.value,
                    src: s,
                },
                "rm_fee_income" => Baseline::RmFeeIncome {
                    rm_id: b.id,
                    fee_income: b.value,
                    src: s,
                },
                k => word(None, "baseline", i, "kind", k)?,
            });
        }
        Ok(Ledger {
            file: file.to_string(),
            sheet_names,
            period,
            managers,
            clients,
            deposits,
            loans,
            fees,
            settlements,
            new_accounts,
            incidents,
            baseline,
            risk_accounts: Vec::new(),
            unknown_columns: Vec::new(),
            balance_column: None,
            warnings: Vec::new(),
            // Only a workbook's month keeps figures (see `period_files`).
            folder: Vec::new(),
        })
    }
}

/// The accounts' balance sums per client and product.
fn sums(accounts: &[AccountMonth]) -> Vec<DepositSumV1> {
    let mut by: BTreeMap<(&str, &'static str), DepositSumV1> = BTreeMap::new();
    for a in accounts {
        let s = by
            .entry((a.client_id.as_str(), a.product.id()))
            .or_insert_with(|| DepositSumV1 {
                client_id: a.client_id.clone(),
                product: a.product.id().into(),
                balance_sum: Decimal::ZERO,
                accounts: 0,
                rows: 0,
                first_row: u32::MAX,
                last_row: 0,
            });
        s.balance_sum += a.balance_sum;
        s.accounts += 1;
        s.rows += a.rows;
        s.first_row = s.first_row.min(a.first_row + 1);
        s.last_row = s.last_row.max(a.last_row + 1);
    }
    by.into_values().collect()
}

/// Where two figures files differ, figure by figure: `(where, archived,
/// recomputed)`, `where` naming the list, the record's ids and the field
/// (`deposit_sums C001 demand: balance_sum`). `None` when the archived
/// bytes are no figures file.
pub fn differences(archived: &[u8], recomputed: &[u8]) -> Option<Vec<(String, Msg, Msg)>> {
    use serde_json::Value;
    let old: Value = serde_json::from_slice(archived).ok()?;
    let new: Value = serde_json::from_slice(recomputed).ok()?;
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return None;
    };
    let text = |v: Option<&Value>| match v {
        None => says::no_figure(),
        Some(Value::String(s)) => Msg::verbatim(s.clone()),
        Some(v) => Msg::verbatim(v.to_string()),
    };
    // A record by its ids, as the file's readers know it.
    let key = |r: &Value| -> String {
        let ids = [
            "kind",
            "rm_id",
            "client_id",
            "loan_id",
            "account_id",
            "product",
            "id",
            "cell",
        ];
        let mut k: Vec<String> = ids
            .iter()
            .filter_map(|f| r.get(*f).and_then(Value::as_str).map(str::to_string))
            .collect();
        if k.is_empty() {
            k.push(r.to_string());
        }
        k.join(" ")
    };
    let mut out = Vec::new();
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        match (old.get(name), new.get(name)) {
            (Some(Value::Array(a)), Some(Value::Array(b))) => {
                let index = |v: &[Value]| {
                    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                    for r in v {
                        m.entry(key(r)).or_default().push(r.clone());
                    }
                    m
                };
                let (a, b) = (index(a), index(b));
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let (ra, rb) = (a.get(k), b.get(k));
                    match (ra.map(Vec::as_slice), rb.map(Vec::as_slice)) {
                        (Some([x]), Some([y])) => {
                            let (Some(x), Some(y)) = (x.as_object(), y.as_object()) else {
                                continue;
                            };
                            let mut fields: Vec<&String> = x.keys().chain(y.keys()).collect();
                            fields.sort();
                            fields.dedup();
                            for f in fields {
                                if x.get(f) != y.get(f) {
                                    out.push((
                                        format!("{name} {k}: {f}"),
                                        text(x.get(f)),
                                        text(y.get(f)),
                                    ));
                                }
                            }
                        }
                        (x, y) if x != y => out.push((
                            format!("{name} {k}"),
                            x.map_or(says::no_figure(), |v| says::records(v.len())),
                            y.map_or(says::no_figure(), |v| says::records(v.len())),
                        )),
                        _ => {}
                    }
                }
            }
            (x, y) if x != y => out.push((name.clone(), text(x), text(y))),
            _ => {}
        }
    }
    Some(out)
}

/// serde_json's formatting for this file: the top object's fields one a
/// line, each list's records one a line, a record on its line compact.
#[derive(Default)]
struct Lines {
    depth: usize,
    /// The list being written has records (so its `]` takes a line).
    records: bool,
}

impl Lines {
    fn newline<W: ?Sized + std::io::Write>(w: &mut W, depth: usize) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Lines {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        if self.depth == 2 {
            self.records = false;
        }
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.depth == 2 && self.records {
            Self::newline(w, 1)?;
        }
        self.depth -= 1;
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth == 2 {
            self.records = true;
            Self::newline(w, 2)?;
        }
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.depth == 0 {
            Self::newline(w, 0)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth == 1 {
            Self::newline(w, 1)?;
        }
        Ok(())
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.depth == 1 { b": " } else { b":" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back() {
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        // E17: column E is the 5th (index 4), row 17 (index 16).
        assert_eq!(parse_cell("E17"), Some((16, 4)));
        // AA = 26 + 1 → index 26.
        assert_eq!(parse_cell("AA3"), Some((2, 26)));
        for bad in ["", "17", "E", "e17", "E0", "E1x"] {
            assert_eq!(parse_cell(bad), None, "{bad}");
        }
        for (row, col) in [(0, 0), (16, 4), (1_048_575, 16_383)] {
            assert_eq!(
                parse_cell(&crate::diag::cell_name(row, col)),
                Some((row, col))
            );
        }
    }
}
