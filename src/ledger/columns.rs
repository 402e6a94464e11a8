//! The columns of each sheet (docs/LEDGER.md) and header matching.

use super::model::SheetKind;
use super::parse::{Choice, loose_eq};
use crate::text::{Msg, ledger as says};
use crate::vocab::{LoanClass, Product, Role, Status};
use rust_decimal::Decimal;

/// Most columns a sheet of the contract has (loans: 11).
pub(crate) const MAXF: usize = 12;

/// What a column holds. The reader's tables name their lists by
/// [`List`] ([`Ty`]); the contract's guide (`guide::sheets`) gives them as
/// (English id, Chinese label) pairs, the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind<L = Vec<(&'static str, &'static str)>> {
    /// An identifier or free text.
    Text,
    /// An amount in yuan; takes a 元/万元 unit (万元 multiplies by 10,000).
    Amount,
    /// An amount in US dollars; takes a 美元 unit.
    Usd,
    /// A plain number (scores, points).
    Number,
    /// A share: `60%`, `0.6` or `60`.
    Percent,
    Date,
    /// A tier of the policy, by id or name (read as text).
    Tier,
    /// One of a fixed list.
    Choice(L),
}

/// A fixed list of values, as the reader's tables name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum List {
    Of(&'static [Choice]),
    /// Account kind: 对公基本户 or anything else.
    AccountKind,
}

/// What a column holds, in the reader's tables.
pub(crate) type Ty = ValueKind<List>;

pub(crate) struct Col {
    pub key: &'static str,
    pub zh: &'static str,
    /// Other accepted header names.
    pub aliases: &'static [&'static str],
    pub ty: Ty,
    /// Must be present in the header row.
    pub required: bool,
}

impl Col {
    /// `` `balance` (余额) ``.
    pub(crate) fn named(&self) -> String {
        format!("`{}` ({})", self.key, self.zh)
    }
}

const fn col(key: &'static str, zh: &'static str, ty: Ty, required: bool) -> Col {
    Col {
        key,
        zh,
        aliases: &[],
        ty,
        required,
    }
}

pub(crate) const ROLES: &[Choice] = Role::CHOICES;
pub(crate) const STATUSES: &[Choice] = Status::CHOICES;
pub(crate) const PRODUCTS: &[Choice] = Product::CHOICES;
pub(crate) const CLASSES: &[Choice] = LoanClass::CHOICES;

// Field indices, per sheet, in the order of the column tables below.
pub(crate) mod f {
    // managers
    pub const M_RM_ID: usize = 0;
    pub const M_NAME: usize = 1;
    pub const M_TIER: usize = 2;
    pub const M_ROLE: usize = 3;
    pub const M_BRANCH: usize = 4;
    pub const M_STATUS: usize = 5;
    pub const M_LEFT_ON: usize = 6;
    pub const M_SINCE: usize = 7;
    pub const M_BASE: usize = 8;
    pub const M_EXAM: usize = 9;
    pub const M_QUALIFIED: usize = 10;
    pub const M_SALARY_CARD: usize = 11;
    // clients
    pub const C_CLIENT: usize = 0;
    pub const C_NAME: usize = 1;
    pub const C_RM: usize = 2;
    pub const C_SHARE: usize = 3;
    // deposits
    pub const D_DATE: usize = 0;
    pub const D_ACCOUNT: usize = 1;
    pub const D_CLIENT: usize = 2;
    pub const D_PRODUCT: usize = 3;
    pub const D_BALANCE: usize = 4;
    // deposit_averages
    pub const A_CLIENT: usize = 0;
    pub const A_PRODUCT: usize = 1;
    pub const A_AVERAGE: usize = 2;
    pub const A_SUM: usize = 3;
    pub const A_DAYS: usize = 4;
    // loans
    pub const L_LOAN: usize = 0;
    pub const L_CLIENT: usize = 1;
    pub const L_RM: usize = 2;
    pub const L_AMOUNT: usize = 3;
    pub const L_DISBURSED: usize = 4;
    pub const L_BALANCE: usize = 5;
    pub const L_AVERAGE: usize = 6;
    pub const L_CLASS: usize = 7;
    pub const L_DUE: usize = 8;
    pub const L_RECEIVED: usize = 9;
    pub const L_ADVANCE: usize = 10;
    // fees
    pub const F_CLIENT: usize = 0;
    pub const F_RM: usize = 1;
    pub const F_AMOUNT: usize = 2;
    // settlements
    pub const S_CLIENT: usize = 0;
    pub const S_AMOUNT: usize = 1;
    pub const S_DATE: usize = 2;
    // new_accounts
    pub const N_ACCOUNT: usize = 0;
    pub const N_CLIENT: usize = 1;
    pub const N_RM: usize = 2;
    pub const N_KIND: usize = 3;
    pub const N_OPENED: usize = 4;
    // incidents
    pub const I_RM: usize = 0;
    pub const I_DATE: usize = 1;
    pub const I_DESCRIPTION: usize = 2;
    pub const I_POINTS: usize = 3;
    pub const I_LOSS: usize = 4;
    // baseline
    pub const B_CLIENT: usize = 0;
    pub const B_DEPOSIT: usize = 1;
    pub const B_RM: usize = 2;
    pub const B_RATIO: usize = 3;
    pub const B_FEE: usize = 4;
    // risk_accounts
    pub const R_RM: usize = 0;
    pub const R_OPENING: usize = 1;
}

const MANAGERS: &[Col] = &[
    col("rm_id", "客户经理编号", Ty::Text, true),
    col("name", "姓名", Ty::Text, true),
    col("tier", "等级", Ty::Tier, true),
    col("role", "岗位", Ty::Choice(List::Of(ROLES)), false),
    col("branch", "机构", Ty::Text, false),
    col("status", "状态", Ty::Choice(List::Of(STATUSES)), false),
    col("left_on", "离岗日期", Ty::Date, false),
    col("marketing_since", "营销起始日期", Ty::Date, false),
    col("base_deposit", "基数存款", Ty::Amount, false),
    col("exam_score", "考试成绩", Ty::Number, false),
    col("qualified_on", "资格取得日期", Ty::Date, false),
    // Read as text, every digit kept (see `Reader::salary_card`).
    Col {
        key: "salary_card",
        zh: "工资卡号",
        aliases: &["工资卡", "工资账号", "salary account"],
        ty: Ty::Text,
        required: false,
    },
];

const CLIENTS: &[Col] = &[
    col("client_id", "客户编号", Ty::Text, true),
    col("client_name", "客户名称", Ty::Text, false),
    col("rm_id", "客户经理编号", Ty::Text, true),
    col("share", "分成比例", Ty::Percent, false),
];

const DEPOSITS: &[Col] = &[
    col("date", "日期", Ty::Date, true),
    col("account_id", "账号", Ty::Text, true),
    col("client_id", "客户编号", Ty::Text, true),
    col("product", "产品", Ty::Choice(List::Of(PRODUCTS)), false),
    col("balance", "余额", Ty::Amount, true),
];

const DEPOSIT_AVERAGES: &[Col] = &[
    col("client_id", "客户编号", Ty::Text, true),
    col("product", "产品", Ty::Choice(List::Of(PRODUCTS)), false),
    // Either the average, or the sum of daily balances and its days (a
    // hand-over from a distributed job, averaged exactly here), or both.
    col("daily_average", "月日均余额", Ty::Amount, false),
    col("balance_sum", "日余额合计", Ty::Amount, false),
    col("days", "天数", Ty::Number, false),
];

const LOANS: &[Col] = &[
    col("loan_id", "借据号", Ty::Text, true),
    col("client_id", "客户编号", Ty::Text, true),
    Col {
        key: "rm_id",
        zh: "主办客户经理",
        aliases: &["客户经理编号"],
        ty: Ty::Text,
        required: false,
    },
    col("amount", "发放金额", Ty::Amount, false),
    col("disbursed_on", "发放日期", Ty::Date, false),
    col("balance", "贷款余额", Ty::Amount, true),
    col("daily_average", "日均余额", Ty::Amount, false),
    col(
        "classification",
        "五级分类",
        Ty::Choice(List::Of(CLASSES)),
        true,
    ),
    col("interest_due", "应收利息", Ty::Amount, true),
    col("interest_received", "实收利息", Ty::Amount, true),
    col("advance", "垫款", Ty::Amount, false),
];

const FEES: &[Col] = &[
    col("client_id", "客户编号", Ty::Text, false),
    col("rm_id", "客户经理编号", Ty::Text, false),
    col("amount", "金额", Ty::Amount, true),
];

const SETTLEMENTS: &[Col] = &[
    col("client_id", "客户编号", Ty::Text, true),
    col("amount_usd", "结算金额", Ty::Usd, true),
    col("date", "日期", Ty::Date, false),
];

const NEW_ACCOUNTS: &[Col] = &[
    col("account_id", "账号", Ty::Text, true),
    col("client_id", "客户编号", Ty::Text, false),
    col("rm_id", "客户经理编号", Ty::Text, false),
    col("kind", "账户类型", Ty::Choice(List::AccountKind), false),
    col("opened_on", "开户日期", Ty::Date, false),
];

const INCIDENTS: &[Col] = &[
    col("rm_id", "客户经理编号", Ty::Text, true),
    col("date", "日期", Ty::Date, false),
    col("description", "事由", Ty::Text, false),
    col("points", "扣分", Ty::Number, false),
    col("loss", "经济损失", Ty::Amount, false),
];

const BASELINE: &[Col] = &[
    col("client_id", "客户编号", Ty::Text, false),
    col("deposit_daily_average", "上年存款日均", Ty::Amount, false),
    col("rm_id", "客户经理编号", Ty::Text, false),
    col("normal_loan_ratio", "上年正常贷款占比", Ty::Percent, false),
    col("fee_income", "上年中间业务收入", Ty::Amount, false),
];

const RISK_ACCOUNTS: &[Col] = &[
    col("rm_id", "客户经理编号", Ty::Text, true),
    col("opening_balance", "期初余额", Ty::Amount, true),
];

pub(crate) fn columns(kind: SheetKind) -> &'static [Col] {
    match kind {
        SheetKind::Managers => MANAGERS,
        SheetKind::Clients => CLIENTS,
        SheetKind::Deposits => DEPOSITS,
        SheetKind::DepositAverages => DEPOSIT_AVERAGES,
        SheetKind::Loans => LOANS,
        SheetKind::Fees => FEES,
        SheetKind::Settlements => SETTLEMENTS,
        SheetKind::NewAccounts => NEW_ACCOUNTS,
        SheetKind::Incidents => INCIDENTS,
        SheetKind::Baseline => BASELINE,
        SheetKind::RiskAccounts => RISK_ACCOUNTS,
    }
}

/// Header text → comparable form: lowercase, without spaces or underscores,
/// full-width brackets made half-width.
pub(crate) fn norm_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '（' => out.push('('),
            '）' => out.push(')'),
            '_' => {}
            c if c.is_whitespace() => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Split a normalized header into name and bracketed unit:
/// `余额(万元)` → (`余额`, Some(`万元`)).
pub(crate) fn split_unit(norm: &str) -> (&str, Option<&str>) {
    if let Some(inner) = norm.strip_suffix(')')
        && let Some(i) = inner.rfind('(')
        && i > 0
    {
        return (&inner[..i], Some(&inner[i + 1..]));
    }
    (norm, None)
}

/// The field a (normalized, unit-less) header name stands for.
pub(crate) fn match_column(cols: &[Col], name: &str) -> Option<usize> {
    cols.iter().position(|c| {
        loose_eq(c.key, name) || loose_eq(c.zh, name) || c.aliases.iter().any(|a| loose_eq(a, name))
    })
}

/// The field a (normalized) header cell names, and the unit it carries:
/// `余额(万元)` → the balance, in 万元. A header whose brackets are part of
/// the name is matched whole, without a unit.
pub(crate) fn header_field<'a>(cols: &[Col], norm: &'a str) -> Option<(usize, Option<&'a str>)> {
    let (name, unit) = split_unit(norm);
    match match_column(cols, name) {
        Some(fi) => Some((fi, unit)),
        None => match_column(cols, norm).map(|fi| (fi, None)),
    }
}

/// What a header row lacks of the columns a sheet needs in alternatives
/// (`fees`: a client or an RM; `deposit_averages`: the average, or the
/// sum of daily balances and its days; `baseline`: a client's deposit or
/// an RM's ratio); `has` tells the fields present.
pub(crate) fn missing_alternative(kind: SheetKind, has: &dyn Fn(usize) -> bool) -> Option<Lacks> {
    use f::*;
    match kind {
        SheetKind::Fees if !has(F_CLIENT) && !has(F_RM) => Some(Lacks::ClientOrRm),
        SheetKind::DepositAverages if !(has(A_AVERAGE) || has(A_SUM) && has(A_DAYS)) => {
            Some(match (has(A_SUM), has(A_DAYS)) {
                (true, false) => Lacks::DaysBesideSum,
                (false, true) => Lacks::SumBesideDays,
                _ => Lacks::AverageOrSum,
            })
        }
        SheetKind::Baseline
            if !((has(B_CLIENT) && has(B_DEPOSIT)) || (has(B_RM) && has(B_RATIO))) =>
        {
            Some(Lacks::BaselinePair)
        }
        _ => None,
    }
}

/// Columns a header row lacks, of those a sheet needs in alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lacks {
    /// `fees`: neither `client_id` nor `rm_id`.
    ClientOrRm,
    /// `deposit_averages`: `balance_sum` without `days`.
    DaysBesideSum,
    /// `deposit_averages`: `days` without `balance_sum`.
    SumBesideDays,
    /// `deposit_averages`: neither the average nor the sum and its days.
    AverageOrSum,
    /// `baseline`: neither a client's deposit nor an RM's ratio.
    BaselinePair,
}

impl Lacks {
    /// The message saying so, naming the columns from the contract's tables.
    pub(crate) fn message(self) -> Msg {
        use f::*;
        let n = |cols: &[Col], fi: usize| cols.get(fi).map_or(("", ""), |c| (c.key, c.zh));
        match self {
            Lacks::ClientOrRm => {
                let ((c, c_zh), (r, r_zh)) = (n(FEES, F_CLIENT), n(FEES, F_RM));
                says::need_one_of_columns(c, c_zh, r, r_zh)
            }
            Lacks::DaysBesideSum => {
                let ((d, d_zh), (s, s_zh)) =
                    (n(DEPOSIT_AVERAGES, A_DAYS), n(DEPOSIT_AVERAGES, A_SUM));
                says::need_column_beside(d, d_zh, s, s_zh)
            }
            Lacks::SumBesideDays => {
                let ((s, s_zh), (d, d_zh)) =
                    (n(DEPOSIT_AVERAGES, A_SUM), n(DEPOSIT_AVERAGES, A_DAYS));
                says::need_column_beside(s, s_zh, d, d_zh)
            }
            Lacks::AverageOrSum => {
                let (a, a_zh) = n(DEPOSIT_AVERAGES, A_AVERAGE);
                let ((s, s_zh), (d, d_zh)) =
                    (n(DEPOSIT_AVERAGES, A_SUM), n(DEPOSIT_AVERAGES, A_DAYS));
                says::need_average_or_sum(a, a_zh, s, s_zh, d, d_zh)
            }
            Lacks::BaselinePair => {
                let ((c, c_zh), (d, d_zh)) = (n(BASELINE, B_CLIENT), n(BASELINE, B_DEPOSIT));
                let ((r, r_zh), (q, q_zh)) = (n(BASELINE, B_RM), n(BASELINE, B_RATIO));
                says::need_baseline_columns(c, c_zh, d, d_zh, r, r_zh, q, q_zh)
            }
        }
    }
}

/// Whether a row whose headers name the fields `has` tells holds every
/// column the sheet needs: then it is the sheet's header row.
pub(crate) fn holds_required(kind: SheetKind, has: &dyn Fn(usize) -> bool) -> bool {
    columns(kind)
        .iter()
        .enumerate()
        .all(|(fi, c)| !c.required || has(fi))
        && missing_alternative(kind, has).is_none()
}

/// The factor a header unit stands for on a column of type `ty`, or the
/// message explaining why the unit is wrong there.
pub(crate) fn unit_factor(col: &Col, unit: &str) -> Result<Decimal, Msg> {
    let wan = Decimal::from(10_000);
    let (yuan_factor, usd_factor) = match unit {
        "元" | "yuan" | "rmb" | "cny" | "人民币元" => (Some(Decimal::ONE), None),
        "万元" | "万" | "wan" | "人民币万元" => (Some(wan), Some(wan)),
        "美元" | "usd" | "dollars" | "dollar" | "$" => (None, Some(Decimal::ONE)),
        "万美元" => (None, Some(wan)),
        _ => (None, None),
    };
    match col.ty {
        Ty::Amount => yuan_factor.ok_or_else(|| {
            if usd_factor.is_some() {
                says::unit_dollar_on_yuan(col.zh, col.named(), unit, "元", "万元")
            } else {
                says::unit_not_yuan(col.zh, col.named(), unit, "元", "万元")
            }
        }),
        Ty::Usd => usd_factor
            .ok_or_else(|| says::unit_not_usd(col.zh, col.named(), unit, "美元", "万美元")),
        Ty::Percent if unit == "%" || unit == "％" => Ok(Decimal::ONE),
        Ty::Number if unit == "分" || unit == "points" => Ok(Decimal::ONE),
        _ => Err(says::unit_on_non_amount(col.zh, col.named(), unit)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(kind: SheetKind, header: &str) -> (Option<usize>, Option<Result<Decimal, String>>) {
        use crate::text::Lang;
        let cols = columns(kind);
        let n = norm_header(header);
        let (name, unit) = split_unit(&n);
        let fi = match_column(cols, name);
        let factor = match (fi, unit) {
            (Some(i), Some(u)) => {
                Some(unit_factor(&cols[i], u).map_err(|m| m.get(Lang::En).to_string()))
            }
            _ => None,
        };
        (fi, factor)
    }

    #[test]
    fn header_names() {
        use f::*;
        assert_eq!(find(SheetKind::Deposits, "余额").0, Some(D_BALANCE));
        assert_eq!(find(SheetKind::Deposits, " Balance ").0, Some(D_BALANCE));
        assert_eq!(find(SheetKind::Deposits, "ACCOUNT_ID").0, Some(D_ACCOUNT));
        assert_eq!(find(SheetKind::Deposits, "account id").0, Some(D_ACCOUNT));
        assert_eq!(find(SheetKind::Deposits, "客户 编号").0, Some(D_CLIENT));
        assert_eq!(find(SheetKind::Deposits, "remark").0, None);
        assert_eq!(find(SheetKind::Loans, "客户经理编号").0, Some(L_RM));
        assert_eq!(find(SheetKind::Loans, "主办客户经理").0, Some(L_RM));
        assert_eq!(
            find(SheetKind::Managers, "Marketing Since").0,
            Some(M_SINCE)
        );
    }

    #[test]
    fn header_units() {
        use rust_decimal_macros::dec;
        let w = find(SheetKind::Deposits, "余额（万元）");
        assert_eq!(w.0, Some(f::D_BALANCE));
        assert_eq!(w.1, Some(Ok(dec!(10000))));
        assert_eq!(
            find(SheetKind::Deposits, "balance (wan)").1,
            Some(Ok(dec!(10000)))
        );
        assert_eq!(find(SheetKind::Deposits, "余额(元)").1, Some(Ok(dec!(1))));
        assert_eq!(
            find(SheetKind::Deposits, "Balance (Yuan)").1,
            Some(Ok(dec!(1)))
        );
        assert_eq!(
            find(SheetKind::Settlements, "结算金额(美元)"),
            (Some(f::S_AMOUNT), Some(Ok(dec!(1))))
        );
        assert_eq!(
            find(SheetKind::Deposits, "余额(千元)").1,
            Some(Err(
                "expected a unit of `元`/`yuan` or `万元`/`wan` for `balance` (余额), found `千元`"
                    .to_string()
            ))
        );
        assert!(matches!(
            find(SheetKind::Deposits, "余额(美元)").1,
            Some(Err(_))
        ));
        assert!(matches!(
            find(SheetKind::Settlements, "结算金额(元)").1,
            Some(Err(_))
        ));
        assert_eq!(
            find(SheetKind::Deposits, "账号(元)").1,
            Some(Err(
                "expected no unit on `account_id` (账号), which is not an amount, found `(元)`"
                    .to_string()
            ))
        );
        assert_eq!(find(SheetKind::Clients, "分成比例(%)").1, Some(Ok(dec!(1))));
        assert_eq!(split_unit("(元)"), ("(元)", None));
    }
}
