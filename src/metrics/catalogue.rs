//! The metrics a policy may name. These are the engine's vocabulary: generic
//! banking figures, none specific to one bank.

/// Figures computed for every RM every month.
pub const MONTHLY: &[(&str, &str, &str)] = &[
    (
        "deposit_daily_average",
        "存款日均",
        "daily-average deposits (after exclusions, shares applied)",
    ),
    ("deposit_base", "基数存款", "the RM's base deposit"),
    (
        "deposit_stock",
        "存量存款日均",
        "daily-average deposits up to the base",
    ),
    (
        "deposit_increment",
        "增量存款日均",
        "daily-average deposits above the base",
    ),
    (
        "deposit_to_base",
        "存款占基数比",
        "daily-average deposits ÷ base deposit",
    ),
    ("loan_balance", "贷款余额", "loan balance at month end"),
    (
        "loan_daily_average",
        "贷款日均",
        "daily-average loan balance",
    ),
    (
        "npl_balance",
        "不良贷款余额",
        "substandard + doubtful + loss balance",
    ),
    (
        "npl_ratio",
        "不良率",
        "non-performing balance ÷ loan balance",
    ),
    ("interest_due", "应收利息", "interest due"),
    ("interest_received", "实收利息", "interest received"),
    (
        "collection_rate",
        "收息率",
        "interest received ÷ interest due",
    ),
    ("fee_income", "中间业务收入", "fee income"),
    (
        "new_basic_accounts",
        "新开对公基本户",
        "new corporate basic accounts opened in the period",
    ),
    (
        "incident_points",
        "违规扣分",
        "violation points from incidents",
    ),
    ("incident_loss", "经济损失", "losses from incidents"),
    (
        "settlements_usd",
        "国际结算额",
        "international settlement volume, USD",
    ),
];

/// Figures available to the annual or quarterly review, on top of the
/// monthly ones summed or day-weighted over the review period.
pub const REVIEW: &[(&str, &str, &str)] = &[
    ("score", "综合得分", "the composite score"),
    (
        "fee_income_prior",
        "上年中间业务收入",
        "last year's fee income (baseline sheet)",
    ),
    (
        "deposit_growth",
        "存款增长率",
        "new daily-average deposits ÷ base",
    ),
    (
        "deposit_new",
        "新增存款日均",
        "daily-average deposits − base",
    ),
    (
        "fee_growth",
        "中间业务收入增长率",
        "fee income growth over the prior year",
    ),
    (
        "normal_loan_ratio",
        "正常贷款占比",
        "normal loans ÷ all loans",
    ),
    (
        "normal_loan_ratio_change",
        "正常贷款占比变化",
        "normal-loan share this year − last year",
    ),
    ("overdue_interest", "欠息", "interest due but not received"),
    ("advances", "垫款", "credit advances"),
    (
        "tenure_years",
        "营销年限",
        "continuous years of marketing work",
    ),
    ("exam_score", "考试成绩", "examination score"),
    (
        "months_in_service",
        "在岗月数",
        "whole months since marketing_since (for agents: since hire)",
    ),
    ("client_count", "管户数", "clients managed"),
    (
        "previous_decision_demote",
        "上年降级",
        "1 when last year's review demoted the RM",
    ),
];

pub fn is_monthly(name: &str) -> bool {
    MONTHLY.iter().any(|(n, _, _)| *n == name)
}

pub fn is_known(name: &str) -> bool {
    is_monthly(name) || REVIEW.iter().any(|(n, _, _)| *n == name)
}

pub fn monthly_names() -> impl Iterator<Item = &'static str> {
    MONTHLY.iter().map(|(n, _, _)| *n)
}

pub fn all_names() -> impl Iterator<Item = &'static str> {
    MONTHLY.iter().chain(REVIEW.iter()).map(|(n, _, _)| *n)
}
