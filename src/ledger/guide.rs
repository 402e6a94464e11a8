//! The ledger contract as its users read it: every sheet and column the
//! reader recognises ([`columns`](super::columns)), with what to fill in,
//! its type, whether it is required, its allowed values and an example.
//!
//! The names, types, requirements and allowed values come from the reader's
//! own tables, so what `rmpay template` writes and what the reader accepts
//! cannot drift apart; this file adds only the words for people
//! ([`DESCRIPTIONS`], one entry per column, checked by a test).

use super::columns::{self, List, Ty};
use super::model::SheetKind;
use super::parse::Choice;

/// Whether a sheet must be in the workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Required,
    /// `deposits` or `deposit_averages`: one of the two holds the deposits.
    OneOfDeposits,
    Optional,
}

pub use super::columns::ValueKind;

/// One column of a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnGuide {
    /// The English header (the reader's key).
    pub key: &'static str,
    /// The Chinese header.
    pub zh: &'static str,
    pub kind: ValueKind,
    /// Must be in the header row and filled on every data row.
    pub required: bool,
    pub words: Words,
}

/// What people read of a column, in Chinese and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    /// What to fill in.
    pub what_zh: &'static str,
    pub what_en: &'static str,
    /// When a column that is not always required must be filled.
    pub when_zh: &'static str,
    pub when_en: &'static str,
    pub example_zh: &'static str,
    pub example_en: &'static str,
}

impl ColumnGuide {
    /// The header in the language asked for (`zh` or English).
    pub fn header(&self, zh: bool) -> &'static str {
        if zh { self.zh } else { self.key }
    }
}

/// One sheet of the contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetGuide {
    pub kind: SheetKind,
    pub need: Need,
    pub about_zh: &'static str,
    pub about_en: &'static str,
    pub columns: Vec<ColumnGuide>,
}

/// Every sheet of the contract, in the reader's order, each column in the
/// reader's order.
pub fn sheets() -> Vec<SheetGuide> {
    SheetKind::ALL
        .into_iter()
        .map(|kind| {
            let (need, about_zh, about_en) = about(kind);
            let columns = columns::columns(kind)
                .iter()
                .map(|c| ColumnGuide {
                    key: c.key,
                    zh: c.zh,
                    kind: value_kind(c.ty),
                    required: c.required,
                    words: description(kind, c.key).words,
                })
                .collect();
            SheetGuide {
                kind,
                need,
                about_zh,
                about_en,
                columns,
            }
        })
        .collect()
}

fn choices(list: &[Choice]) -> Vec<(&'static str, &'static str)> {
    list.iter().map(|c| (c.id, c.zh)).collect()
}

fn value_kind(ty: Ty) -> ValueKind {
    match ty {
        Ty::Text => ValueKind::Text,
        Ty::Amount => ValueKind::Amount,
        Ty::Usd => ValueKind::Usd,
        Ty::Number => ValueKind::Number,
        Ty::Percent => ValueKind::Percent,
        Ty::Date => ValueKind::Date,
        Ty::Tier => ValueKind::Tier,
        Ty::Choice(List::Of(list)) => ValueKind::Choice(choices(list)),
        // Any other text reads as "other".
        Ty::Choice(List::AccountKind) => {
            let mut v = choices(super::rows::CORPORATE_BASIC);
            v.push(("other", "其他"));
            ValueKind::Choice(v)
        }
    }
}

fn about(kind: SheetKind) -> (Need, &'static str, &'static str) {
    match kind {
        SheetKind::Managers => (
            Need::Required,
            "本月在册的客户经理，每人一行（含支行行长、业务代办员）",
            "The month's relationship managers, one row each (branch heads and agents included)",
        ),
        SheetKind::Clients => (
            Need::Required,
            "管户关系：哪位客户经理管哪个客户；一个客户可分几行分给几位客户经理",
            "Who manages whom; a client may be split between RMs on several rows",
        ),
        SheetKind::Deposits => (
            Need::OneOfDeposits,
            "存款日终余额：每个账户每天一行；与“存款月日均”二选一",
            "End-of-day deposit balances, one row per account per day; this or `deposit_averages`",
        ),
        SheetKind::DepositAverages => (
            Need::OneOfDeposits,
            "系统已算好的客户存款月日均（代替“存款日余额”，须另给 --period）",
            "Monthly average deposits per client, instead of `deposits` (give --period)",
        ),
        SheetKind::Loans => (
            Need::Optional,
            "月末贷款状况：每笔借据一行",
            "Loans at the month's end, one row per loan",
        ),
        SheetKind::Fees => (Need::Optional, "本月中间业务收入", "The month's fee income"),
        SheetKind::Settlements => (
            Need::Optional,
            "本月国际结算业务量（美元）",
            "The month's international settlements (US dollars)",
        ),
        SheetKind::NewAccounts => (Need::Optional, "本月新开账户", "Accounts opened this month"),
        SheetKind::Incidents => (
            Need::Optional,
            "违规扣分与经济损失",
            "Violations (points deducted) and losses",
        ),
        SheetKind::Baseline => (
            Need::Optional,
            "上年基数：客户上年存款日均（每客户一行），或客户经理上年正常贷款占比、中间业务收入（每人一行）",
            "Last year's figures: a client's deposit daily average (one row per client), or an RM's normal-loan ratio and fee income (one row per RM)",
        ),
        SheetKind::RiskAccounts => (
            Need::Optional,
            "风险金账户期初余额；只在档案中没有已结账的上月时使用",
            "Risk-deposit opening balances; used only when the archive has no closed earlier month",
        ),
    }
}

/// The words for one column.
pub(crate) struct Description {
    pub sheet: SheetKind,
    pub key: &'static str,
    pub words: Words,
}

const fn d(
    sheet: SheetKind,
    key: &'static str,
    what_zh: &'static str,
    what_en: &'static str,
    example_zh: &'static str,
    example_en: &'static str,
) -> Description {
    Description {
        sheet,
        key,
        words: Words {
            what_zh,
            what_en,
            when_zh: "",
            when_en: "",
            example_zh,
            example_en,
        },
    }
}

/// A column required only in some rows or together with another.
const fn dw(base: Description, when_zh: &'static str, when_en: &'static str) -> Description {
    Description {
        words: Words {
            when_zh,
            when_en,
            ..base.words
        },
        ..base
    }
}

use SheetKind as K;

/// One entry per column of [`columns::columns`].
#[rustfmt::skip]
pub(crate) const DESCRIPTIONS: &[Description] = &[
    // managers
    d(K::Managers, "rm_id", "客户经理的唯一编号（工号）；其他工作表用它指明客户经理", "The RM's unique id (staff number); other sheets name the RM by it", "RM001", "RM001"),
    d(K::Managers, "name", "姓名", "Full name", "张三", "Zhang San"),
    d(K::Managers, "tier", "本月所在等级：政策中的等级名称或编号", "The RM's tier this month: a tier name or id of the policy", "初级客户经理", "junior"),
    d(K::Managers, "role", "岗位；不填按客户经理", "Role; empty means an RM", "客户经理", "rm"),
    d(K::Managers, "branch", "所属机构（支行、网点）；支行行长按机构汇总考核", "Branch or outlet; branch heads are assessed on their branch", "城东支行", "East branch"),
    d(K::Managers, "status", "在岗或离岗；不填按在岗", "Active or left; empty means active", "在岗", "active"),
    dw(d(K::Managers, "left_on", "离岗日期", "The day the RM left", "2026-10-15", "2026-10-15"), "状态为离岗时必填", "required when the status is `left`"),
    d(K::Managers, "marketing_since", "开始从事营销的日期，用于计算从业年限", "When the RM started marketing (for tenure)", "2020-03-01", "2020-03-01"),
    d(K::Managers, "base_deposit", "本人的基数存款（元）；不填时按政策中该等级的基数", "The RM's base deposit (yuan); empty means the tier's base in the policy", "5,000,000.00", "5,000,000.00"),
    d(K::Managers, "exam_score", "业务考试成绩（分）", "Exam score (points)", "85", "85"),
    d(K::Managers, "qualified_on", "取得现等级资格的日期（年度考核查资格有效期用）", "When the RM qualified for the current tier (the review checks its validity)", "2024-01-01", "2024-01-01"),
    dw(d(K::Managers, "salary_card", "工资卡号（代发工资入账账号），按文本填写，保留每一位数字", "Salary-card account the pay is credited to, entered as text so every digit is kept", "6222020200012345", "6222020200012345"), "生成代发文件时，实发合计不为零的客户经理必填", "required for an RM with an amount to pay when the pay-out file is made"),
    // clients
    d(K::Clients, "client_id", "客户编号（核心系统客户号）", "Client id (as in the core system)", "C001", "C001"),
    d(K::Clients, "client_name", "客户名称", "Client name", "城东贸易有限公司", "East Trading Co."),
    d(K::Clients, "rm_id", "管户客户经理的编号，须在“客户经理”表中", "The managing RM's id, as in `managers`", "RM001", "RM001"),
    d(K::Clients, "share", "该客户经理分得的比例；同一客户各行合计不超过 100%；不填为 100%", "The RM's share of the client; a client's rows add up to 100% at most; empty means 100%", "60%", "60%"),
    // deposits
    d(K::Deposits, "date", "余额日期，须在本月内；每个账户每天一行", "The day of the balance, inside the month; one row per account per day", "2026-10-01", "2026-10-01"),
    d(K::Deposits, "account_id", "存款账号", "Deposit account number", "6222020200000001", "6222020200000001"),
    d(K::Deposits, "client_id", "账户所属客户的编号，须在“管户关系”表中", "The account's client, as in `clients`", "C001", "C001"),
    d(K::Deposits, "product", "存款产品；不填按活期", "Deposit product; empty means demand", "活期", "demand"),
    d(K::Deposits, "balance", "当日日终余额（元；表头写作“余额(万元)”则按万元填）", "End-of-day balance (yuan; head the column `balance (wan)` to enter 万元)", "1,000,000.00", "1,000,000.00"),
    // deposit_averages
    d(K::DepositAverages, "client_id", "客户编号，须在“管户关系”表中", "Client id, as in `clients`", "C001", "C001"),
    d(K::DepositAverages, "product", "存款产品；不填按活期", "Deposit product; empty means demand", "定期", "time"),
    d(K::DepositAverages, "daily_average", "客户本月存款日均余额（元）；或填日余额合计与天数", "The client's average daily deposits this month (yuan); or give balance_sum and days", "1,000,000.00", "1,000,000.00"),
    d(K::DepositAverages, "balance_sum", "本月各日日终余额之和（元），与天数一起给出时按合计 ÷ 天数精确计算日均", "The sum of the month's end-of-day balances (yuan); with days, the average is computed exactly as sum ÷ days", "31,000,000.00", "31,000,000.00"),
    d(K::DepositAverages, "days", "日余额合计所含天数，须为本月天数", "The days the sum covers: the month's days", "31", "31"),
    // loans
    d(K::Loans, "loan_id", "借据号，不可重复", "Loan (drawdown) number, unique", "JJ2026001", "JJ2026001"),
    d(K::Loans, "client_id", "借款客户的编号", "The borrower's client id", "C001", "C001"),
    d(K::Loans, "rm_id", "主办客户经理的编号；不填按客户的管户客户经理", "The lead RM's id; empty means the client's RM", "RM001", "RM001"),
    d(K::Loans, "amount", "借据发放金额（元）", "Amount disbursed (yuan)", "2,000,000.00", "2,000,000.00"),
    d(K::Loans, "disbursed_on", "发放日期", "Disbursement date", "2026-03-15", "2026-03-15"),
    d(K::Loans, "balance", "月末贷款余额（元）", "Balance at the month's end (yuan)", "1,500,000.00", "1,500,000.00"),
    d(K::Loans, "daily_average", "本月贷款日均余额（元）", "The month's average daily balance (yuan)", "1,520,000.00", "1,520,000.00"),
    d(K::Loans, "classification", "月末五级分类", "Risk class at the month's end", "正常", "normal"),
    d(K::Loans, "interest_due", "本月应收利息（元）", "Interest due this month (yuan)", "6,500.00", "6,500.00"),
    d(K::Loans, "interest_received", "本月实收利息（元）", "Interest received this month (yuan)", "6,500.00", "6,500.00"),
    d(K::Loans, "advance", "垫款金额（元）", "Advances (yuan)", "0.00", "0.00"),
    // fees
    dw(d(K::Fees, "client_id", "收入所属客户的编号", "The client the income came from", "C001", "C001"), "与客户经理编号至少填一个", "this or `rm_id`"),
    dw(d(K::Fees, "rm_id", "直接记给的客户经理编号", "The RM the income is credited to directly", "RM001", "RM001"), "与客户编号至少填一个", "this or `client_id`"),
    d(K::Fees, "amount", "本月中间业务收入（元）", "Fee income this month (yuan)", "12,000.00", "12,000.00"),
    // settlements
    d(K::Settlements, "client_id", "办理结算的客户编号", "The client who settled", "C001", "C001"),
    d(K::Settlements, "amount_usd", "国际结算金额（美元）", "Amount settled (US dollars)", "50,000.00", "50,000.00"),
    d(K::Settlements, "date", "结算日期", "Settlement date", "2026-10-20", "2026-10-20"),
    // new_accounts
    d(K::NewAccounts, "account_id", "新开账户的账号", "The new account's number", "6222020200000099", "6222020200000099"),
    d(K::NewAccounts, "client_id", "开户客户的编号", "The account's client", "C001", "C001"),
    d(K::NewAccounts, "rm_id", "营销开户的客户经理编号", "The RM who brought the account", "RM001", "RM001"),
    d(K::NewAccounts, "kind", "账户类型：对公基本户或其他", "Account kind: a corporate basic account or other", "对公基本户", "corporate_basic"),
    d(K::NewAccounts, "opened_on", "开户日期；不在本月的只提示，不计入本月", "Opening date; one outside the month is reported and not counted", "2026-10-08", "2026-10-08"),
    // incidents
    d(K::Incidents, "rm_id", "违规或造成损失的客户经理编号", "The RM concerned", "RM001", "RM001"),
    d(K::Incidents, "date", "发生日期", "Date of the incident", "2026-10-12", "2026-10-12"),
    d(K::Incidents, "description", "事由", "What happened", "开户资料不全", "Incomplete account opening papers"),
    d(K::Incidents, "points", "扣减的考核分", "Points deducted", "2", "2"),
    d(K::Incidents, "loss", "造成的经济损失（元）", "Loss caused (yuan)", "3,000.00", "3,000.00"),
    // baseline
    dw(d(K::Baseline, "client_id", "客户编号", "Client id", "C001", "C001"), "与上年存款日均同填", "with `deposit_daily_average`"),
    dw(d(K::Baseline, "deposit_daily_average", "该客户上年存款日均（元）", "The client's average daily deposits last year (yuan)", "800,000.00", "800,000.00"), "与客户编号同填", "with `client_id`"),
    dw(d(K::Baseline, "rm_id", "客户经理编号（另起一行，与上年正常贷款占比同填）", "RM id (on a row of its own, with `normal_loan_ratio`)", "RM001", "RM001"), "与上年正常贷款占比同填", "with `normal_loan_ratio`"),
    dw(d(K::Baseline, "normal_loan_ratio", "该客户经理上年正常类贷款占比", "The RM's share of normal loans last year", "98%", "98%"), "与客户经理编号同填", "with `rm_id`"),
    d(K::Baseline, "fee_income", "该客户经理上年中间业务收入（元），年度考核用", "The RM's fee income last year (yuan), for the review", "150,000.00", "150,000.00"),
    // risk_accounts
    d(K::RiskAccounts, "rm_id", "客户经理编号", "RM id", "RM001", "RM001"),
    d(K::RiskAccounts, "opening_balance", "风险金账户期初余额（元）", "Risk-deposit opening balance (yuan)", "20,000.00", "20,000.00"),
];

fn description(sheet: SheetKind, key: &str) -> &'static Description {
    static NONE: Description = d(K::Managers, "", "", "", "", "");
    DESCRIPTIONS
        .iter()
        .find(|x| x.sheet == sheet && x.key == key)
        .unwrap_or(&NONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column the reader knows has its words, and every entry of the
    /// table is a column the reader knows.
    #[test]
    fn every_column_is_described_once() {
        for kind in SheetKind::ALL {
            for c in columns::columns(kind) {
                let n = DESCRIPTIONS
                    .iter()
                    .filter(|x| x.sheet == kind && x.key == c.key)
                    .count();
                assert_eq!(n, 1, "{kind:?} `{}`", c.key);
                let d = description(kind, c.key);
                assert!(
                    !d.words.what_zh.is_empty() && !d.words.what_en.is_empty(),
                    "{kind:?} `{}`",
                    c.key
                );
            }
        }
        for x in DESCRIPTIONS {
            assert!(
                columns::columns(x.sheet).iter().any(|c| c.key == x.key),
                "{:?} `{}` is not a column",
                x.sheet,
                x.key
            );
        }
    }

    #[test]
    fn kinds_come_from_the_reader() {
        let s = sheets();
        let managers = &s[0];
        assert_eq!(managers.kind, SheetKind::Managers);
        assert_eq!(managers.columns[columns::f::M_TIER].kind, ValueKind::Tier);
        assert_eq!(
            managers.columns[columns::f::M_ROLE].kind,
            ValueKind::Choice(vec![
                ("rm", "客户经理"),
                ("agent", "业务代办员"),
                ("branch_head", "支行行长")
            ])
        );
        let new_accounts = s.iter().find(|g| g.kind == SheetKind::NewAccounts).unwrap();
        assert_eq!(
            new_accounts.columns[columns::f::N_KIND].kind,
            ValueKind::Choice(vec![("corporate_basic", "对公基本户"), ("other", "其他")])
        );
    }
}
