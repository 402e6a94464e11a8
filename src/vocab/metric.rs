//! The metrics a policy may name, from one table: id, Chinese name, English
//! description, and whether the figure exists every month or only in a
//! review. Generic banking figures, none specific to one bank.
//!
//! How each is computed is an exhaustive `match` on [`Metric`] in
//! `metrics::monthly` (a month) and `metrics::annual` (a review period): a
//! row added here without its computation does not compile.

use std::cmp::Ordering;
use std::fmt;

/// Where a figure exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Computed for every RM every month (and summed or day-weighted over
    /// a review period): pay lines, deductions and flags may name it.
    Monthly,
    /// Only in an annual or quarterly review.
    Review,
}

macro_rules! metrics {
    ( $( $v:ident => $id:literal, $zh:literal, $en:literal, $scope:ident; )* ) => {
        /// A figure a policy may name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Metric {
            $( $v, )*
        }

        impl Metric {
            /// Every metric, in the table's order.
            pub const ALL: &'static [Metric] = &[$(Metric::$v),*];

            /// The id, as policies and outputs spell it.
            pub fn id(self) -> &'static str {
                match self {
                    $( Metric::$v => $id, )*
                }
            }

            /// The Chinese name.
            pub fn zh(self) -> &'static str {
                match self {
                    $( Metric::$v => $zh, )*
                }
            }

            /// What the figure is, in English.
            pub fn en(self) -> &'static str {
                match self {
                    $( Metric::$v => $en, )*
                }
            }

            pub fn scope(self) -> Scope {
                match self {
                    $( Metric::$v => Scope::$scope, )*
                }
            }
        }
    };
}

metrics! {
    DepositDailyAverage => "deposit_daily_average", "存款日均", "daily-average deposits (after exclusions, shares applied)", Monthly;
    DepositBase => "deposit_base", "基数存款", "the RM's base deposit", Monthly;
    DepositStock => "deposit_stock", "存量存款日均", "daily-average deposits up to the base", Monthly;
    DepositIncrement => "deposit_increment", "增量存款日均", "daily-average deposits above the base", Monthly;
    DepositToBase => "deposit_to_base", "存款占基数比", "daily-average deposits ÷ base deposit", Monthly;
    LoanBalance => "loan_balance", "贷款余额", "loan balance at month end", Monthly;
    LoanDailyAverage => "loan_daily_average", "贷款日均", "daily-average loan balance", Monthly;
    NplBalance => "npl_balance", "不良贷款余额", "substandard + doubtful + loss balance", Monthly;
    NplRatio => "npl_ratio", "不良率", "non-performing balance ÷ loan balance", Monthly;
    InterestDue => "interest_due", "应收利息", "interest due", Monthly;
    InterestReceived => "interest_received", "实收利息", "interest received", Monthly;
    CollectionRate => "collection_rate", "收息率", "interest received ÷ interest due", Monthly;
    FeeIncome => "fee_income", "中间业务收入", "fee income", Monthly;
    NewBasicAccounts => "new_basic_accounts", "新开对公基本户", "new corporate basic accounts opened in the period", Monthly;
    IncidentPoints => "incident_points", "违规扣分", "violation points from incidents", Monthly;
    IncidentLoss => "incident_loss", "经济损失", "losses from incidents", Monthly;
    SettlementsUsd => "settlements_usd", "国际结算额", "international settlement volume, USD", Monthly;
    Score => "score", "综合得分", "the composite score", Review;
    FeeIncomePrior => "fee_income_prior", "上年中间业务收入", "last year's fee income (baseline sheet)", Review;
    DepositGrowth => "deposit_growth", "存款增长率", "new daily-average deposits ÷ base", Review;
    DepositNew => "deposit_new", "新增存款日均", "daily-average deposits − base", Review;
    FeeGrowth => "fee_growth", "中间业务收入增长率", "fee income growth over the prior year", Review;
    NormalLoanRatio => "normal_loan_ratio", "正常贷款占比", "normal loans ÷ all loans", Review;
    NormalLoanRatioChange => "normal_loan_ratio_change", "正常贷款占比变化", "normal-loan share this year − last year", Review;
    OverdueInterest => "overdue_interest", "欠息", "interest due but not received", Review;
    Advances => "advances", "垫款", "credit advances", Review;
    TenureYears => "tenure_years", "营销年限", "continuous years of marketing work", Review;
    ExamScore => "exam_score", "考试成绩", "examination score", Review;
    MonthsInService => "months_in_service", "在岗月数", "whole months since marketing_since (for agents: since hire)", Review;
    ClientCount => "client_count", "管户数", "clients managed", Review;
    PreviousDecisionDemote => "previous_decision_demote", "上年降级", "1 when last year's review demoted the RM", Review;
}

impl Metric {
    /// The metric of an id.
    pub fn from_id(id: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.id() == id)
    }

    /// Every id, in the table's order.
    pub fn ids() -> impl Iterator<Item = &'static str> {
        Metric::ALL.iter().map(|m| m.id())
    }

    /// The ids of the monthly figures, in the table's order.
    pub fn monthly_ids() -> impl Iterator<Item = &'static str> {
        Metric::ALL
            .iter()
            .filter(|m| m.scope() == Scope::Monthly)
            .map(|m| m.id())
    }
}

/// Ordered by id, so that maps keyed by metric list them as the outputs
/// always have (alphabetically).
impl Ord for Metric {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(other.id())
    }
}

impl PartialOrd for Metric {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row of the table is one metric: its id names it and nothing
    /// else, and no two share a Chinese name. Maps keyed by metric list
    /// them by id (as the outputs did when they were keyed by the id).
    #[test]
    fn every_metric_is_named_once_and_ordered_by_id() {
        for &m in Metric::ALL {
            assert_eq!(Metric::from_id(m.id()), Some(m));
            let zh = Metric::ALL.iter().filter(|o| o.zh() == m.zh()).count();
            assert_eq!(zh, 1, "{m}: Chinese name `{}` shared", m.zh());
        }
        assert_eq!(Metric::from_id("deposit_stok"), None);
        let mut by_enum: Vec<Metric> = Metric::ALL.to_vec();
        by_enum.sort();
        let mut by_id: Vec<&str> = Metric::ids().collect();
        by_id.sort_unstable();
        assert_eq!(by_enum.iter().map(|m| m.id()).collect::<Vec<_>>(), by_id);
        // 17 monthly figures and 14 review ones, as the catalogue had.
        assert_eq!(Metric::monthly_ids().count(), 17);
        assert_eq!(Metric::ALL.len(), 17 + 14);
    }
}
