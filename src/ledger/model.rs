//! The typed ledger: what the reader hands to the rest of the program.
//!
//! No calamine type appears here. Every record keeps the position it was read
//! from ([`Src`]) so traces and later validation can name the cell.

use crate::period::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The sheets of the ledger contract (docs/LEDGER.md), in reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetKind {
    Managers,
    Clients,
    Deposits,
    DepositAverages,
    Loans,
    Fees,
    Settlements,
    NewAccounts,
    Incidents,
    Baseline,
    RiskAccounts,
}

impl SheetKind {
    pub const ALL: [SheetKind; 11] = [
        SheetKind::Managers,
        SheetKind::Clients,
        SheetKind::Deposits,
        SheetKind::DepositAverages,
        SheetKind::Loans,
        SheetKind::Fees,
        SheetKind::Settlements,
        SheetKind::NewAccounts,
        SheetKind::Incidents,
        SheetKind::Baseline,
        SheetKind::RiskAccounts,
    ];

    /// English sheet name of the contract.
    pub fn english(self) -> &'static str {
        match self {
            SheetKind::Managers => "managers",
            SheetKind::Clients => "clients",
            SheetKind::Deposits => "deposits",
            SheetKind::DepositAverages => "deposit_averages",
            SheetKind::Loans => "loans",
            SheetKind::Fees => "fees",
            SheetKind::Settlements => "settlements",
            SheetKind::NewAccounts => "new_accounts",
            SheetKind::Incidents => "incidents",
            SheetKind::Baseline => "baseline",
            SheetKind::RiskAccounts => "risk_accounts",
        }
    }

    /// Chinese sheet name of the contract.
    pub fn chinese(self) -> &'static str {
        match self {
            SheetKind::Managers => "客户经理",
            SheetKind::Clients => "管户关系",
            SheetKind::Deposits => "存款日余额",
            SheetKind::DepositAverages => "存款月日均",
            SheetKind::Loans => "贷款",
            SheetKind::Fees => "中间业务收入",
            SheetKind::Settlements => "国际结算",
            SheetKind::NewAccounts => "新开户",
            SheetKind::Incidents => "违规与损失",
            SheetKind::Baseline => "上年基数",
            SheetKind::RiskAccounts => "风险金账户",
        }
    }
}

/// Where a record (or one of its cells) was read: sheet and 0-based row/col.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Src {
    pub sheet: SheetKind,
    pub row: u32,
    pub col: u32,
}

/// A value with the cell it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub src: Src,
}

pub use crate::vocab::{LoanClass, Product, Role, Status};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manager {
    pub rm_id: String,
    pub name: String,
    /// The row's name cell, for the pay-out file's errors.
    pub name_src: Src,
    /// The tier as written in the ledger (an id or a name); resolved against
    /// the policy by the caller, which reports an unknown tier at `tier.src`.
    pub tier: At<String>,
    pub role: Role,
    pub branch: Option<String>,
    pub status: Status,
    pub left_on: Option<NaiveDate>,
    pub marketing_since: Option<NaiveDate>,
    pub base_deposit: Option<At<Decimal>>,
    pub exam_score: Option<Decimal>,
    /// When the RM last obtained the qualification (资格取得日期).
    pub qualified_on: Option<NaiveDate>,
    /// The salary-card account (工资卡号), digits only; shown masked
    /// everywhere but the pay-out file ([`mask_card`]).
    pub salary_card: Option<String>,
    /// The row's `salary_card` cell (`None` when the sheet has no such
    /// column), for the pay-out file's errors.
    pub salary_card_src: Option<Src>,
    pub src: Src,
}

/// A card or account number as every output but the pay-out file shows
/// it: the first and last four digits (`6222 **** **** 1234`); a number
/// of 12 digits or fewer only by its last four (`**** 1234`).
pub fn mask_card(card: &str) -> String {
    let digits: Vec<char> = card.chars().filter(|c| !c.is_whitespace()).collect();
    let n = digits.len();
    let last: String = digits[n.saturating_sub(4)..].iter().collect();
    if n > 12 {
        let first: String = digits[..4].iter().collect();
        format!("{first} **** **** {last}")
    } else if n > 4 {
        format!("**** {last}")
    } else {
        "****".to_string()
    }
}

/// One row of `clients`: an RM manages a client, for a share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub client_id: String,
    pub client_name: Option<String>,
    pub rm_id: String,
    /// Fraction in [0, 1]; 100% when the cell is empty.
    pub share: Decimal,
    pub src: Src,
}

/// One account's month, aggregated while the daily rows stream past.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountMonth {
    pub account_id: String,
    pub client_id: String,
    pub product: Product,
    /// Sum of the end-of-day balances over every calendar day of the month
    /// (after carrying forward, if the policy allows it).
    pub balance_sum: Decimal,
    /// Number of rows read for this account.
    pub rows: u32,
    /// First and last sheet rows (0-based) holding this account.
    pub first_row: u32,
    pub last_row: u32,
    /// Days filled by carrying the previous balance forward (policy setting).
    pub carried_days: Vec<NaiveDate>,
}

/// One row of `deposit_averages`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepositAverage {
    pub client_id: String,
    pub product: Product,
    pub daily_average: Decimal,
    /// The sum of the month's daily balances, where the sheet hands it over
    /// (`balance_sum` and `days`): the figures then average it exactly as
    /// they average daily balances.
    pub balance_sum: Option<Decimal>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deposits {
    /// From `deposits`: per account, the sum of daily balances over `days`.
    Daily {
        accounts: Vec<AccountMonth>,
        days: u32,
    },
    /// From `deposit_averages`: monthly daily averages per client and product.
    Averages(Vec<DepositAverage>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loan {
    pub loan_id: String,
    pub client_id: String,
    pub rm_id: Option<String>,
    pub amount: Option<Decimal>,
    pub disbursed_on: Option<NaiveDate>,
    pub balance: Decimal,
    pub daily_average: Option<Decimal>,
    pub classification: LoanClass,
    pub interest_due: Decimal,
    pub interest_received: Decimal,
    pub advance: Option<Decimal>,
    pub src: Src,
}

/// A fee income row, attributed either to a client (then shared like the
/// client) or directly to an RM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeeOwner {
    Client(String),
    Rm(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fee {
    pub owner: FeeOwner,
    pub amount: Decimal,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub client_id: String,
    pub amount_usd: Decimal,
    pub date: Option<NaiveDate>,
    pub src: Src,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccountKind {
    CorporateBasic,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub account_id: String,
    pub client_id: Option<String>,
    pub rm_id: Option<String>,
    pub kind: AccountKind,
    pub opened_on: Option<NaiveDate>,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    pub rm_id: String,
    pub date: Option<NaiveDate>,
    pub description: String,
    pub points: Decimal,
    pub loss: Decimal,
    pub src: Src,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Baseline {
    ClientDeposit {
        client_id: String,
        deposit_daily_average: Decimal,
        src: Src,
    },
    RmNormalLoanRatio {
        rm_id: String,
        normal_loan_ratio: Decimal,
        src: Src,
    },
    /// Last year's fee income of an RM (or of a branch head's branch).
    RmFeeIncome {
        rm_id: String,
        fee_income: Decimal,
        src: Src,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskOpening {
    pub rm_id: String,
    pub opening_balance: Decimal,
    pub src: Src,
}

/// Where a ledger's deposit amounts are, and whether their unit is said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BalanceColumn {
    /// The header cell.
    pub src: Src,
    pub unit_declared: bool,
}

/// An ignored column, reported by `check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownColumn {
    pub sheet: SheetKind,
    pub header: String,
    pub col: u32,
    pub row: u32,
}

/// A whole monthly ledger workbook, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    /// The file name as the user gave it (used in every diagnostic).
    pub file: String,
    /// The sheet names as found in the workbook, for every sheet present.
    pub sheet_names: Vec<(SheetKind, String)>,
    /// The month the ledger covers: from `--period`, or the deposit dates.
    pub period: Period,
    pub managers: Vec<Manager>,
    pub clients: Vec<Assignment>,
    pub deposits: Deposits,
    pub loans: Vec<Loan>,
    pub fees: Vec<Fee>,
    pub settlements: Vec<Settlement>,
    pub new_accounts: Vec<NewAccount>,
    pub incidents: Vec<Incident>,
    pub baseline: Vec<Baseline>,
    pub risk_accounts: Vec<RiskOpening>,
    pub unknown_columns: Vec<UnknownColumn>,
    /// The deposits' amount column (`deposits`' `balance` or
    /// `deposit_averages`' `daily_average`): its header cell, and whether
    /// the header declares a unit (`余额(万元)`, `余额(元)`). `None` for a
    /// month read from an archive's figures.
    pub balance_column: Option<BalanceColumn>,
    /// The reader's warnings, each with its cell (`check` prints them; so
    /// does every command that computes a month).
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// For a ledger folder (docs/LEDGER.md, "Ledger folders"): the form of
    /// each sheet's file, whose name is its sheet name. Empty for a workbook.
    pub folder: Vec<(SheetKind, FileForm)>,
}

/// How a sheet of a ledger folder is stored, for naming its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileForm {
    /// Rows are lines (a record's first line), columns fields.
    Csv,
    /// Rows are 1-based records, columns named by the file's schema.
    Parquet { columns: Vec<String> },
}

impl FileForm {
    /// Where a value of this file is: `folder/deposits.csv:17:5` or
    /// `folder/deposits.parquet row 12 column balance`. `row` is the
    /// reader's row (0-based line; for Parquet the record, 0 the schema).
    pub fn location(&self, folder: &str, name: &str, row: u32, col: u32) -> crate::diag::Location {
        match self {
            FileForm::Csv => crate::diag::Location::Line {
                file: folder.to_string(),
                name: name.to_string(),
                line: u64::from(row) + 1,
                field: col + 1,
            },
            FileForm::Parquet { columns } => crate::diag::Location::Record {
                file: folder.to_string(),
                name: name.to_string(),
                row: u64::from(row),
                column: columns.get(col as usize).cloned().unwrap_or_default(),
            },
        }
    }
}

impl Ledger {
    /// The form of a sheet's file, in a ledger folder.
    pub fn form(&self, kind: SheetKind) -> Option<&FileForm> {
        self.folder.iter().find(|(k, _)| *k == kind).map(|(_, f)| f)
    }

    pub fn has_sheet(&self, kind: SheetKind) -> bool {
        self.sheet_names.iter().any(|(k, _)| *k == kind)
    }

    /// The sheet name as it appears in the workbook (falls back to the
    /// contract's Chinese name).
    pub fn sheet_name(&self, kind: SheetKind) -> &str {
        self.sheet_names
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| n.as_str())
            .unwrap_or(kind.chinese())
    }

    /// `2026-10.xlsx [存款日余额]!E17` (`2026-10/deposits.csv:17:5` in a
    /// ledger folder).
    pub fn cell_ref(&self, src: Src) -> String {
        if self.form(src.sheet).is_some() {
            return self.location(src).to_string();
        }
        format!(
            "{} [{}]!{}",
            self.file,
            self.sheet_name(src.sheet),
            crate::diag::cell_name(src.row, src.col)
        )
    }

    /// One row of a sheet (the reader's row): `[管户关系] row 3`; in a
    /// folder, `[clients.csv] line 3` or `[clients.parquet] row 2`.
    pub fn row_ref(&self, kind: SheetKind, row: u32) -> String {
        let sheet = self.sheet_name(kind);
        match self.form(kind) {
            None => format!("[{sheet}] row {}", row + 1),
            Some(FileForm::Csv) => format!("[{sheet}] line {}", row + 1),
            Some(FileForm::Parquet { .. }) => format!("[{sheet}] row {row}"),
        }
    }

    /// Rows `first` to `last` of a sheet (the reader's rows): `[存款日余额]
    /// rows 2–32`; in a folder, `[deposits.csv] lines 2–32` or
    /// `[deposits.parquet] rows 1–31`.
    pub fn rows_ref(&self, kind: SheetKind, first: u32, last: u32) -> String {
        let sheet = self.sheet_name(kind);
        match self.form(kind) {
            None => format!("[{sheet}] rows {}–{}", first + 1, last + 1),
            Some(FileForm::Csv) => format!("[{sheet}] lines {}–{}", first + 1, last + 1),
            Some(FileForm::Parquet { .. }) => format!("[{sheet}] rows {first}–{last}"),
        }
    }

    /// The diagnostic location of a source cell.
    pub fn location(&self, src: Src) -> crate::diag::Location {
        if let Some(form) = self.form(src.sheet) {
            return form.location(&self.file, self.sheet_name(src.sheet), src.row, src.col);
        }
        crate::diag::Location::cell(&self.file, self.sheet_name(src.sheet), src.row, src.col)
    }
}

/// What the reader needs to know from the policy and the command line.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Decimal places amounts are rounded to on reading (default 2).
    pub input_scale: u32,
    /// Fill a missing day with the previous day's balance instead of
    /// reporting a gap.
    pub carry_forward_missing_days: bool,
    /// The period given on the command line, if any; the ledger's dates must
    /// agree with it.
    pub period: Option<Period>,
    /// The policy's tiers, when known: each manager's tier is then checked
    /// as its row is read, so that an unknown tier is reported with the
    /// ledger's other errors, at its cell, not only once the rest reads
    /// cleanly (all errors of a run at once).
    pub tiers: Option<KnownTiers>,
}

/// The tiers a policy accepts, for the reader's check of each manager's
/// tier (the words of `policy::Policy::resolve_tier` and its spellings).
#[derive(Clone, Debug, Default)]
pub struct KnownTiers {
    pub policy_id: String,
    /// Every accepted spelling, lowercase (id, name, English name, aliases).
    pub accepted: Vec<String>,
    /// The spellings offered in "did you mean".
    pub spellings: Vec<String>,
}

impl KnownTiers {
    /// Whether `text` names a tier, as `Policy::resolve_tier` reads it.
    pub fn accepts(&self, text: &str) -> bool {
        let t = text.trim().to_lowercase();
        self.accepted.contains(&t)
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            input_scale: 2,
            carry_forward_missing_days: false,
            period: None,
            tiers: None,
        }
    }
}
