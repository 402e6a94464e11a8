//! The validated policy: what the engine reads. No TOML type appears here.
//!
//! Tiers are referred to by index ([`TierIx`]) once validated; every rule
//! keeps its id so results can name the rule that produced them.

pub use crate::vocab::Metric;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

pub type TierIx = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub version: String,
    /// The file as given, for messages and the manifest.
    pub file: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    pub effective_from: Option<NaiveDate>,
    pub effective_until: Option<NaiveDate>,
    pub settings: Settings,
    /// In ladder order, lowest rank first.
    pub tiers: Vec<Tier>,
    pub pay: Pay,
    pub risk_deposit: Option<RiskDeposit>,
    pub flags: Vec<FlagRule>,
    pub score: Option<Score>,
    pub review: Review,
    /// Worked examples the test suite checks against the rules.
    pub examples: Vec<Example>,
    /// Who signs a month's pay, in order (`[workflow]`); `None`: `close`
    /// needs no sign-off.
    pub workflow: Option<Workflow>,
    /// The pay-out file's layout (`[payout]`), if the policy has one.
    pub payout: Option<super::payout::Payout>,
}

/// The sign-off chain of a month's pay (`[workflow]`, docs/POLICY.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// In the order they are signed.
    pub steps: Vec<WorkflowStep>,
    /// Index of the approval step: `close` needs it and every step before
    /// it; the steps after it are signed after the close.
    pub approval: usize,
    /// Each step of a draft signed by a different person
    /// (`separate_signers`, true unless the policy says false).
    pub separate_signers: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowStep {
    /// What `--step` names (the title is accepted too).
    pub id: String,
    /// The step's title on the register (e.g. 审核).
    pub name: String,
    pub name_en: Option<String>,
    /// The office that signs it (e.g. 稽核监控办).
    pub office: String,
    pub office_en: Option<String>,
}

impl Workflow {
    /// A step by id or title (surrounding spaces and case ignored).
    pub fn find(&self, text: &str) -> Option<usize> {
        let t = text.trim().to_lowercase();
        self.steps.iter().position(|s| {
            s.id.to_lowercase() == t
                || s.name.to_lowercase() == t
                || s.name_en.as_deref().is_some_and(|n| n.to_lowercase() == t)
        })
    }

    /// Every accepted spelling of every step (for "did you mean").
    pub fn spellings(&self) -> Vec<&str> {
        let mut v = Vec::new();
        for s in &self.steps {
            v.push(s.id.as_str());
            v.push(s.name.as_str());
            v.extend(s.name_en.as_deref());
        }
        v
    }
}

/// A worked example carried in the policy file: figures in, outcome out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub name: String,
    /// 1-based line of the example in the file, for messages.
    pub line: usize,
    pub tier: TierIx,
    pub role: Option<crate::vocab::Role>,
    pub metrics: Vec<(Metric, Decimal)>,
    /// Client figures for grade criteria: (deposit size, loans size, settlements).
    pub clients: Vec<ExampleClient>,
    pub expect_decision: Option<Decision>,
    pub expect_tier: Option<TierIx>,
    pub expect_score: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleClient {
    pub deposits: Decimal,
    pub loans: Decimal,
    pub prior_deposits: Option<Decimal>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 四舍五入: half away from zero.
    HalfUp,
    /// Banker's rounding.
    HalfEven,
    /// Truncate toward zero.
    Down,
}

impl RoundingMode {
    /// The word a policy writes for it (its one declaration, serde's).
    pub fn id(self) -> &'static str {
        super::raw::word_of(&self)
    }

    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounding {
    pub scale: u32,
    pub mode: RoundingMode,
}

impl Rounding {
    pub fn apply(self, d: Decimal) -> Decimal {
        let mut r = d.round_dp_with_strategy(self.scale, self.mode.strategy());
        r.rescale(self.scale);
        r
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Places ledger amounts are rounded to on reading.
    pub input_scale: u32,
    /// Rounding of every pay line, deduction and holdback.
    pub money: Rounding,
    pub carry_forward_missing_days: bool,
    /// Deposit products left out of every deposit figure.
    pub excluded_products: Vec<crate::vocab::Product>,
    /// How a loan is attributed when the ledger row has no `rm_id` and the
    /// client is split: by the client's shares.
    pub loans_follow_client_shares: bool,
}

/// The role a tier is for: a role of the vocabulary.
pub type TierRole = crate::vocab::Role;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// Inclusive lower bound.
    pub min: Option<Decimal>,
    /// Exclusive upper bound.
    pub below: Option<Decimal>,
}

impl Range {
    pub fn contains(&self, v: Decimal) -> bool {
        self.min.is_none_or(|m| v >= m) && self.below.is_none_or(|b| v < b)
    }

    pub fn describe(&self) -> String {
        match (self.min, self.below) {
            (Some(a), Some(b)) => format!("[{a}, {b})"),
            (Some(a), None) => format!("≥ {a}"),
            (None, Some(b)) => format!("< {b}"),
            (None, None) => "any".into(),
        }
    }
}

/// The client sizes a tier may manage (Policy A art. 12): a client fits when
/// its deposits or its loans fall in range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientBand {
    pub rule: String,
    pub deposits: Option<Range>,
    pub loans: Option<Range>,
    /// A client with no loans is not judged on loans (and likewise deposits).
    pub ignore_zero: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Other spellings accepted in the ledger's tier column.
    pub aliases: Vec<String>,
    pub role: TierRole,
    /// Base deposit (基数存款) when the ledger gives none.
    pub base_deposit: Option<Decimal>,
    /// Largest loan the tier may approve; `None` means no limit set.
    pub loan_authority: Option<Decimal>,
    /// Risk-deposit account cap.
    pub risk_deposit_cap: Option<Decimal>,
    pub client_band: Option<ClientBand>,
    pub staff_grade: Option<i64>,
    /// Where a demotion from this tier lands (default: the next lower rank of
    /// the same role).
    pub demote_to: Option<TierIx>,
    pub criteria: Option<Criteria>,
    /// Minimum exam score to hold the tier (optional rule).
    pub exam_min: Option<Decimal>,
    /// When an RM of the tier has no exam score (`exam_when_missing`).
    pub exam_when_missing: WhenMissing,
    /// Months an RM of the tier serves (from `marketing_since` through the
    /// review period's last day) before a review may promote them
    /// (`probation_months`; Policy B art. 6, 见习期为一年: 12).
    pub probation_months: Option<u32>,
}

/// Policy B grade criteria: k of n items, single-client minimums, client
/// exclusion, tenure, and disqualifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criteria {
    pub rule: String,
    pub need: usize,
    pub items: Vec<Criterion>,
    /// Clients whose daily-average deposits are below this count for nothing.
    pub exclude_clients_below: Option<Decimal>,
    pub tenure_years: Option<Decimal>,
    /// Disqualifier ids that apply to this grade.
    pub disqualifiers: Vec<String>,
    /// Minimum managed daily-average deposits (the pass line).
    pub pass_line: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub id: String,
    pub name: Option<String>,
    pub metric: Metric,
    pub min: Decimal,
    pub single_client_min: Option<Decimal>,
    pub note: Option<String>,
    pub when_missing: WhenMissing,
}

/// What a review does when a figure a rule needs is not in the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenMissing {
    /// An error naming the RM, the figure and the missing input; nothing
    /// is written.
    #[default]
    Error,
    /// The rule is not assessed (no points, not held, not applied), and
    /// says so on the console, in the workbook and in the JSON.
    NotAssessed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pay {
    /// The rates are illustrative and must be replaced by the bank's own.
    pub rates_are_examples: bool,
    pub lines: Vec<PayLine>,
    pub deductions: Vec<Deduction>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayKind {
    /// amount = metric ÷ per × rate.
    Rate {
        metric: Metric,
        per: Decimal,
        rate: TierValues,
    },
    /// A fixed amount per month (an allowance).
    Fixed { amount: TierValues },
}

/// A value that may differ by tier; `None` for a tier means the line does
/// not apply to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierValues {
    pub default: Option<Decimal>,
    pub by_tier: Vec<(TierIx, Decimal)>,
}

impl TierValues {
    pub fn get(&self, tier: TierIx) -> Option<Decimal> {
        self.by_tier
            .iter()
            .find(|(t, _)| *t == tier)
            .map(|(_, v)| *v)
            .or(self.default)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayLine {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: PayKind,
    /// Tiers that earn this line; empty means all.
    pub tiers: Vec<TierIx>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deduction {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Metric deducted (e.g. `incident_loss`).
    pub metric: Metric,
    /// Fraction deducted: 1 = in full (全部), less = in part (部分).
    pub share: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldbackBase {
    /// Gross pay before deductions.
    Gross,
    /// Gross pay less deductions.
    AfterDeductions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoweredCap {
    /// The balance above a lowered cap stays until release.
    Keep,
    /// The excess over the new cap is released to the RM.
    ReleaseExcess,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskDeposit {
    pub rule: String,
    pub name: String,
    pub name_en: Option<String>,
    pub rate: Decimal,
    pub base: HoldbackBase,
    pub release_after_months: u32,
    pub lowered_cap: LoweredCap,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// A loan whose amount is above the RM's tier authority.
    LoanAboveAuthority,
    /// A loan above a size that needs the branch head to sign jointly.
    JointSigningRequired { above: Decimal },
    /// A client outside the size band of its RM's tier.
    ClientOutsideBand,
    /// Daily-average deposits under `ratio` × base deposit, for `months`
    /// consecutive months (1: this month).
    DepositBelowBase { ratio: Decimal, months: u32 },
    /// Interest-collection rate under `min`.
    CollectionBelow { min: Decimal },
    /// A loan disbursed in the period's year whose own collection rate is
    /// under `min` (Policy A art. 25(1): new loans must reach 100%).
    NewLoanCollectionBelow { min: Decimal },
    /// Plausibility: a month's gross pay above a fixed ceiling. Flagged for
    /// the checker; pay is unchanged.
    GrossAbove { above: Decimal },
    /// Plausibility: a month's gross pay above `times` × the median gross of
    /// the active RMs of the same tier this month (a zero median compares
    /// nothing). Flagged for the checker; pay is unchanged.
    GrossAboveTierMedian { times: Decimal },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagRule {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: FlagKind,
    /// Tiers checked; empty means all.
    pub tiers: Vec<TierIx>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    pub total: Decimal,
    pub components: Vec<Component>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentKind {
    /// Full points at target; ± points per whole step away; capped.
    Steps {
        target: Decimal,
        step: Decimal,
        points_per_step: Decimal,
        cap_up: Decimal,
        cap_down: Decimal,
    },
    /// First band that holds gives the points.
    Bands { bands: Vec<Band> },
    /// points × min(value ÷ target, 1), target by tier.
    ProRata { target: TierValues },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// value ≤ max (inclusive) …
    pub max: Option<Decimal>,
    /// … or value < below (exclusive); neither: catch-all.
    pub below: Option<Decimal>,
    pub points: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub id: String,
    pub rule: String,
    pub name: String,
    pub name_en: Option<String>,
    pub metric: Metric,
    pub points: Decimal,
    pub tiers: Vec<TierIx>,
    pub kind: ComponentKind,
    pub when_missing: WhenMissing,
}

pub use crate::vocab::Decision;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
}

impl Op {
    pub fn holds(self, a: Decimal, b: Decimal) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
        }
    }

    /// The word a policy writes for it (its one declaration, serde's).
    pub fn symbol(self) -> &'static str {
        super::raw::word_of(&self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Compare {
        metric: Metric,
        op: Op,
        value: Decimal,
    },
    /// The comparison held in each of the last `months` months.
    Consecutive {
        months: u32,
        metric: Metric,
        op: Op,
        value: Decimal,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRule {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub tiers: Vec<TierIx>,
    pub decision: Decision,
    /// For promotions: the tier promoted to.
    pub to: Option<TierIx>,
    /// The promoted RM's new base deposit is the average daily deposits of
    /// the RMs already in the target tier (Policy A art. 21).
    pub new_base_from_tier_average: bool,
    pub when: Condition,
    pub when_missing: WhenMissing,
}

/// What new daily-average deposits are measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthBase {
    /// The RM's base deposit (基数存款).
    #[default]
    BaseDeposit,
    /// The same period of the previous year (the `baseline` sheet).
    PriorYear,
}

/// The days a review period's daily averages are taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AverageOver {
    /// Every calendar day of the review period.
    #[default]
    Period,
    /// The calendar days of the months the RM appears in (someone who
    /// joined mid-year is averaged over the time served).
    MonthsPresent,
}

/// Where a branch's bases come from when its head is assessed on the
/// branch (`review.branch_heads_on_branch`): the base deposit that new
/// deposits, growth, stock and increment are measured against, and last
/// year's fee income that fee growth is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchBase {
    /// The members' own: Σ base deposit × days present ÷ the period's
    /// days (as the branch's daily average is), Σ last year's fee income.
    #[default]
    Members,
    /// The head's own row carries the branch's figures (its base deposit
    /// then also splits the head's own monthly pay).
    HeadRow,
}

/// How a review shorter than a year reads an annual settlement threshold
/// (Policy B art. 11: 年国际结算额).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarterSettlements {
    /// The period's volume against the threshold × months ÷ 12.
    #[default]
    ProRated,
    /// The volume of the twelve months ending with the period against the
    /// whole threshold.
    TrailingTwelveMonths,
}

/// How a review shorter than a year reads a yearly target of a flow
/// (Policy A art. 13: the year's new corporate basic accounts, 全年; last
/// year's fee income given as a year's figure in the `baseline` sheet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarterTargets {
    /// The year's figure × the period's months ÷ 12.
    #[default]
    ProRated,
    /// The year's figure, whole.
    AsYear,
}

/// What a review's rate counts as when its denominator is 0 over the
/// period (no interest due, no loans): the source does not say, so the
/// policy does (`[review]` `collection_rate_when_nothing_due`,
/// `npl_ratio_when_no_loans`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroDenominator {
    /// 100%: nothing due, nothing missed.
    Full,
    /// 0%: no loans, none non-performing.
    Zero,
    /// No figure: the rate is not assessed (a rule reading it says so as
    /// its `when_missing` says).
    NotAssessed,
}

impl ZeroDenominator {
    /// The rate this reading gives.
    pub fn value(self) -> Option<Decimal> {
        match self {
            ZeroDenominator::Full => Some(Decimal::ONE),
            ZeroDenominator::Zero => Some(Decimal::ZERO),
            ZeroDenominator::NotAssessed => None,
        }
    }

    /// The policy's word for it.
    pub fn word(self) -> &'static str {
        match self {
            ZeroDenominator::Full => "full",
            ZeroDenominator::Zero => "zero",
            ZeroDenominator::NotAssessed => "not_assessed",
        }
    }
}

/// A review condition over consecutive months (`consecutive_months`),
/// where the policy file says it: a review period shorter than `months`
/// could never see it hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthRun {
    /// The condition's key path (`review.rules[2].when`).
    pub path: String,
    pub months: u32,
    pub at: crate::diag::Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Review {
    /// Every condition over consecutive months, where it is written.
    pub month_runs: Vec<MonthRun>,
    /// `collection_rate` with no interest due over the period (default
    /// `full`: see [`Review::collection_rate_when_nothing_due`]).
    pub collection_rate_when_nothing_due: Option<ZeroDenominator>,
    /// `npl_ratio` with no loans at the period's end (default `zero`).
    pub npl_ratio_when_no_loans: Option<ZeroDenominator>,
    pub growth_base: GrowthBase,
    pub average_over: AverageOver,
    /// Branch heads are assessed on the figures of their whole branch.
    pub branch_heads_on_branch: bool,
    /// Where the branch's base deposit and last year's fee income come from.
    pub branch_base: BranchBase,
    pub rules: Vec<ReviewRule>,
    /// Bottom-N elimination (末位淘汰): the last `n` by score are demoted.
    pub bottom_n: Option<u32>,
    /// Proposed grade = highest tier whose criteria hold (Policy B).
    pub grade_by_criteria: bool,
    pub disqualifiers: Vec<Disqualifier>,
    pub qualification_valid_years: Option<u32>,
    pub max_clients: Option<u32>,
    /// The pass line (`pass_line` of a grade) counts only clients whose
    /// daily-average deposits are at least this (Policy B art. 9), whatever
    /// the grade's own `exclude_clients_below`. `None`: every client.
    pub pass_line_clients_from: Option<Decimal>,
    /// Settlement items (`settlements_usd`) in a review shorter than a year.
    pub quarter_settlements: QuarterSettlements,
    /// Yearly targets of flows (`pro_rata` targets, last year's fee income
    /// from the `baseline` sheet) in a review shorter than a year.
    pub quarter_targets: QuarterTargets,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disqualifier {
    pub id: String,
    pub name: String,
    pub when: Condition,
    pub when_missing: WhenMissing,
}

impl Review {
    /// What `collection_rate` counts as with no interest due: the policy's
    /// reading, `full` where it gives none (rmpay's reading before it was
    /// a setting).
    pub fn collection_rate_when_nothing_due(&self) -> ZeroDenominator {
        self.collection_rate_when_nothing_due
            .unwrap_or(ZeroDenominator::Full)
    }

    /// What `npl_ratio` counts as with no loans: the policy's reading,
    /// `zero` where it gives none.
    pub fn npl_ratio_when_no_loans(&self) -> ZeroDenominator {
        self.npl_ratio_when_no_loans
            .unwrap_or(ZeroDenominator::Zero)
    }
}

impl Policy {
    pub fn tier_by_id(&self, id: &str) -> Option<TierIx> {
        self.tiers.iter().position(|t| t.id == id)
    }

    /// A tier by id, name, English name or alias, as written in a ledger
    /// (case and surrounding spaces ignored).
    pub fn resolve_tier(&self, text: &str) -> Option<TierIx> {
        let t = text.trim().to_lowercase();
        self.tiers.iter().position(|tier| {
            tier.id.to_lowercase() == t
                || tier.name.to_lowercase() == t
                || tier
                    .name_en
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase() == t)
                || tier.aliases.iter().any(|a| a.to_lowercase() == t)
        })
    }

    /// Every accepted spelling of every tier (for "did you mean").
    pub fn tier_spellings(&self) -> Vec<&str> {
        let mut v = Vec::new();
        for t in &self.tiers {
            v.push(t.id.as_str());
            v.push(t.name.as_str());
            v.extend(t.aliases.iter().map(String::as_str));
        }
        v
    }
}
