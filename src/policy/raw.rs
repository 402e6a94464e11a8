//! The policy file as written: plain serde types, one per table, every
//! value with its span, unknown keys refused (`deny_unknown_fields`).
//!
//! serde stops at the first problem of what it deserializes, and a bank
//! editing its policy wants every problem at once. So the file is read
//! table by table ([`read`]): each top-level table, and each element of
//! an array of tables (`[[tiers]]`, `[[pay.lines]]`, …), is deserialized on
//! its own, and a problem in one does not hide those of the others.
//! Within a table, what serde cannot catch without stopping is left to the
//! lint (`lint.rs`): a number is read as written ([`Num`], its exact digits
//! taken from the text), a word of an enumeration as written ([`Word`]),
//! and a required key as an `Option`, so that the lint reports each of
//! them, at its line and column, and goes on.

use super::cx::{Cx, Sp, Span};
use crate::diag::Code;
use crate::text::policy as say;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use toml::de::{DeTable, DeValue, ValueDeserializer};

// ----------------------------------------------------------- values ---

/// A number as written. The lint takes an integer's or a float's digits
/// from the text at the value's span, never from the f64 the TOML reader
/// makes of a float, so `0.1` is exactly 0.1. Any other type is kept, to
/// be reported as a wrong type by the lint without stopping the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Num {
    /// An integer or a float: its digits are the text at its span.
    Written,
    /// A string holding a number (`"0.2"`, `"5,000"`).
    Text(String),
    /// Not a number: `a string`-style name of what was found.
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E>(self, _: i64) -> Result<Num, E> {
                Ok(Num::Written)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Num, E> {
                Ok(Num::Written)
            }
            fn visit_i128<E>(self, _: i128) -> Result<Num, E> {
                Ok(Num::Written)
            }
            fn visit_u128<E>(self, _: u128) -> Result<Num, E> {
                Ok(Num::Written)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Num, E> {
                Ok(Num::Written)
            }
            fn visit_str<E>(self, s: &str) -> Result<Num, E> {
                Ok(Num::Text(s.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Num, E> {
                Ok(Num::Other("a boolean"))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                let mut what = "a table";
                while let Some(k) = a.next_key::<String>()? {
                    if k == DATETIME {
                        what = "a date-time";
                    }
                    a.next_value::<IgnoredAny>()?;
                }
                Ok(Num::Other(what))
            }
        }
        d.deserialize_any(V)
    }
}

/// The key under which the TOML reader hands a date-time to serde.
const DATETIME: &str = "$__toml_private_datetime";

/// A date as written: a TOML date (`2026-01-01`) or a string; the lint
/// reads it as `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateText {
    Text(String),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date (YYYY-MM-DD)")
            }
            fn visit_str<E>(self, s: &str) -> Result<DateText, E> {
                Ok(DateText::Text(s.to_string()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<DateText, E> {
                Ok(DateText::Other("an integer"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<DateText, E> {
                Ok(DateText::Other("a float"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<DateText, E> {
                Ok(DateText::Other("a boolean"))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<DateText, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(DateText::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<DateText, A::Error> {
                let mut out = DateText::Other("a table");
                while let Some(k) = a.next_key::<String>()? {
                    if k == DATETIME {
                        out = DateText::Text(a.next_value::<String>()?);
                    } else {
                        a.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// An enumeration whose words a policy may write: each word and its
/// meaning are one declaration (a serde enum with `rename_all`, or a
/// vocabulary enum), so the words listed in a message and the words read
/// can never drift apart.
pub trait Words: Sized {
    /// Every word, in declaration order.
    fn words() -> &'static [&'static str];
    /// The value a word means.
    fn parse(word: &str) -> Option<Self>;
}

/// Implements [`Words`] for serde enums of unit variants: the words are
/// serde's own (its `rename_all`), read back from the derived code.
macro_rules! serde_words {
    ($($t:ty),* $(,)?) => {$(
        impl Words for $t {
            fn words() -> &'static [&'static str] {
                serde_variants::<$t>()
            }
            fn parse(word: &str) -> Option<Self> {
                serde_parse::<$t>(word)
            }
        }
    )*};
}

/// The word of `value`: the one of its enumeration's words that means it.
pub fn word_of<T: Words + PartialEq>(value: &T) -> &'static str {
    T::words()
        .iter()
        .copied()
        .find(|w| T::parse(w).as_ref() == Some(value))
        .unwrap_or_default()
}

/// A serde enum's value for `word`.
pub fn serde_parse<T: DeserializeOwned>(word: &str) -> Option<T> {
    T::deserialize(de::value::StrDeserializer::<Catch>::new(word)).ok()
}

/// A serde enum's words, as its derived code lists them when a word is
/// unknown.
pub fn serde_variants<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(de::value::StrDeserializer::<Catch>::new("\u{0}")) {
        Err(Catch(Some(words))) => words,
        _ => &[],
    }
}

/// The error of [`serde_variants`]: keeps the list of expected variants.
#[derive(Debug)]
pub struct Catch(Option<&'static [&'static str]>);

impl fmt::Display for Catch {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not a word of the enumeration")
    }
}

impl std::error::Error for Catch {}

impl de::Error for Catch {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Catch(None)
    }
    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Catch(Some(expected))
    }
}

impl Words for crate::vocab::Role {
    fn words() -> &'static [&'static str] {
        Self::IDS
    }
    fn parse(word: &str) -> Option<Self> {
        Self::from_id(word)
    }
}

impl Words for crate::vocab::Decision {
    fn words() -> &'static [&'static str] {
        Self::IDS
    }
    fn parse(word: &str) -> Option<Self> {
        Self::from_id(word)
    }
}

impl Words for crate::vocab::Product {
    fn words() -> &'static [&'static str] {
        Self::IDS
    }
    fn parse(word: &str) -> Option<Self> {
        Self::from_id(word)
    }
}

/// A word of an enumeration as written, and what it means (`None`: not a
/// word of `T`, reported by the lint with the words there are).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<T> {
    pub text: String,
    pub value: Option<T>,
}

impl<'de, T: Words> Deserialize<'de> for Word<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let value = T::parse(&text);
        Ok(Word { text, value })
    }
}

/// A table whose keys the policy chooses (tier ids, metric ids), in the
/// order written: `{ senior = 10, mid = 7 }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyed<T>(pub Vec<(Sp<String>, Sp<T>)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Keyed<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Keyed<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of numbers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Keyed<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<Sp<String>>()? {
                    out.push((k, a.next_value::<Sp<T>>()?));
                }
                Ok(Keyed(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// An array of tables read element by element ([`each`]), not as part of
/// the table that holds it.
pub type Apart = IgnoredAny;

// ------------------------------------------------------------ words ---

/// `[[score.components]]` `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKindWord {
    #[default]
    Steps,
    Bands,
    ProRata,
}

/// `[[pay.lines]]` `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayKindWord {
    #[default]
    Rate,
    Fixed,
}

/// `[[flags]]` `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagCheck {
    LoanAboveAuthority,
    JointSigningRequired,
    ClientOutsideBand,
    DepositBelowBase,
    CollectionBelow,
    NewLoanCollectionBelow,
    GrossAbove,
    GrossAboveTierMedian,
}

/// `[[review.rules]]` `new_base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewBase {
    /// The average daily deposits of the RMs already in the target tier.
    TierAverage,
}

/// `[payout]` `format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatWord {
    Csv,
    Xlsx,
}

/// `[payout]` `line_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEnd {
    #[default]
    Crlf,
    Lf,
}

serde_words!(
    ComponentKindWord,
    PayKindWord,
    FlagCheck,
    NewBase,
    FormatWord,
    LineEnd,
    super::model::RoundingMode,
    super::model::WhenMissing,
    super::model::HoldbackBase,
    super::model::LoweredCap,
    super::model::GrowthBase,
    super::model::AverageOver,
    super::model::BranchBase,
    super::model::QuarterSettlements,
    super::model::QuarterTargets,
    super::model::ZeroDenominator,
    super::model::Op,
    super::payout::Encoding,
    super::payout::ControlAt,
    super::payout::Field,
);

// ----------------------------------------------------------- tables ---

type Text = Option<Sp<String>>;
type Number = Option<Sp<Num>>;
type Choice<T> = Option<Sp<Word<T>>>;
type Names = Option<Vec<Sp<String>>>;

/// `[policy]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub version: Text,
    pub source: Text,
    pub description: Text,
    pub effective_from: Option<Sp<DateText>>,
    pub effective_until: Option<Sp<DateText>>,
}

/// `[settings]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub input_scale: Number,
    pub money_scale: Number,
    pub rounding: Choice<super::model::RoundingMode>,
    pub carry_forward_missing_days: Option<bool>,
    pub loans_follow_client_shares: Option<bool>,
    pub excluded_products: Option<Vec<Sp<Word<crate::vocab::Product>>>>,
}

/// `[[tiers]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub aliases: Names,
    pub role: Choice<crate::vocab::Role>,
    pub base_deposit: Number,
    pub loan_authority: Number,
    pub risk_deposit_cap: Number,
    pub staff_grade: Number,
    pub demote_to: Text,
    pub exam_min: Number,
    pub exam_when_missing: Choice<super::model::WhenMissing>,
    pub probation_months: Number,
    pub client_band: Option<RawClientBand>,
    pub criteria: Option<RawCriteria>,
}

/// `[tiers.client_band]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClientBand {
    pub rule: Option<String>,
    pub deposits: Option<RawRange>,
    pub loans: Option<RawRange>,
    pub ignore_zero: Option<bool>,
}

/// `{ min = …, below = … }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    pub min: Number,
    pub below: Number,
}

/// `[tiers.criteria]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriteria {
    pub rule: Option<String>,
    pub need: Number,
    pub items: Option<Vec<Sp<RawCriterion>>>,
    pub exclude_clients_below: Number,
    pub tenure_years: Number,
    pub disqualifiers: Names,
    pub pass_line: Number,
}

/// `[[tiers.criteria.items]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub id: Text,
    pub name: Option<String>,
    pub metric: Text,
    pub min: Number,
    pub single_client_min: Number,
    pub note: Option<String>,
    pub when_missing: Choice<super::model::WhenMissing>,
}

/// `[pay]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPay {
    pub rates_are_examples: Option<bool>,
    pub lines: Option<Apart>,
    pub deductions: Option<Apart>,
}

/// `[[pay.lines]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayLine {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub tiers: Names,
    pub kind: Choice<PayKindWord>,
    pub metric: Text,
    pub per: Number,
    pub rate: Number,
    pub rates: Option<Sp<Keyed<Num>>>,
    pub amount: Number,
    pub amounts: Option<Sp<Keyed<Num>>>,
}

/// `[[pay.deductions]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeduction {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub metric: Text,
    pub share: Number,
}

/// `[risk_deposit]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    pub rule: Text,
    pub name: Text,
    pub name_en: Text,
    pub rate: Number,
    pub base: Choice<super::model::HoldbackBase>,
    pub release_after_months: Number,
    pub lowered_cap: Choice<super::model::LoweredCap>,
}

/// `[[flags]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlag {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub tiers: Names,
    pub check: Choice<FlagCheck>,
    pub above: Number,
    pub ratio: Number,
    pub months: Number,
    pub min: Number,
    pub times: Number,
}

/// `[score]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScore {
    pub total: Number,
    pub components: Option<Apart>,
}

/// `[[score.components]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub id: Text,
    pub rule: Text,
    pub name: Text,
    pub name_en: Text,
    pub metric: Text,
    pub points: Number,
    pub tiers: Names,
    pub kind: Choice<ComponentKindWord>,
    pub target: Number,
    pub targets: Option<Sp<Keyed<Num>>>,
    pub step: Number,
    pub points_per_step: Number,
    pub cap_up: Number,
    pub cap_down: Number,
    pub bands: Option<Sp<Vec<Sp<RawBand>>>>,
    pub when_missing: Choice<super::model::WhenMissing>,
}

/// `{ max = …, points = … }` of a component's `bands`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub max: Number,
    pub below: Number,
    pub points: Number,
}

/// `when = { metric = "score", op = "<", value = 85 }`, or
/// `{ all = [ … ] }` / `{ any = [ … ] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub all: Option<Sp<Vec<Sp<RawCondition>>>>,
    pub any: Option<Sp<Vec<Sp<RawCondition>>>>,
    pub metric: Text,
    pub op: Choice<super::model::Op>,
    pub value: Number,
    pub consecutive_months: Number,
}

/// `[review]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    pub bottom_n: Number,
    pub growth_base: Choice<super::model::GrowthBase>,
    pub average_over: Choice<super::model::AverageOver>,
    pub branch_heads_on_branch: Option<bool>,
    pub branch_base: Choice<super::model::BranchBase>,
    pub grade_by_criteria: Option<bool>,
    pub qualification_valid_years: Number,
    pub max_clients: Number,
    pub pass_line_clients_from: Number,
    pub quarter_settlements: Choice<super::model::QuarterSettlements>,
    pub quarter_targets: Choice<super::model::QuarterTargets>,
    pub collection_rate_when_nothing_due: Choice<super::model::ZeroDenominator>,
    pub npl_ratio_when_no_loans: Choice<super::model::ZeroDenominator>,
    pub rules: Option<Apart>,
    pub disqualifiers: Option<Apart>,
}

/// `[[review.rules]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReviewRule {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub tiers: Names,
    pub decision: Choice<crate::vocab::Decision>,
    pub to: Text,
    pub when: Option<Sp<RawCondition>>,
    pub new_base: Choice<NewBase>,
    pub when_missing: Choice<super::model::WhenMissing>,
}

/// `[[review.disqualifiers]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisqualifier {
    pub id: Text,
    pub name: Text,
    pub when: Option<Sp<RawCondition>>,
    pub when_missing: Choice<super::model::WhenMissing>,
}

/// `[[examples]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub name: Text,
    pub tier: Text,
    pub role: Choice<crate::vocab::Role>,
    pub metrics: Option<Keyed<Num>>,
    pub clients: Option<Vec<RawClient>>,
    pub expect: Option<RawExpect>,
}

/// `[[examples.clients]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClient {
    pub deposits: Number,
    pub loans: Number,
    pub prior_deposits: Number,
}

/// `[examples.expect]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub decision: Choice<crate::vocab::Decision>,
    pub tier: Text,
    pub score: Number,
}

/// `[workflow]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkflow {
    pub close_after: Text,
    pub separate_signers: Option<bool>,
    pub steps: Option<Apart>,
}

/// `[[workflow.steps]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: Text,
    pub name: Text,
    pub name_en: Text,
    pub office: Text,
    pub office_en: Text,
}

/// `[payout]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayout {
    pub format: Choice<FormatWord>,
    pub encoding: Choice<super::payout::Encoding>,
    pub delimiter: Text,
    pub line_end: Choice<LineEnd>,
    pub sheet: Text,
    pub amount_places: Number,
    pub remark: Text,
    pub header_row: Option<bool>,
    pub columns: Option<Apart>,
    pub control: Option<Sp<RawControl>>,
}

/// `[[payout.columns]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawColumn {
    pub header: Text,
    pub field: Choice<super::payout::Field>,
    pub value: Text,
}

/// `[payout.control]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawControl {
    pub at: Choice<super::payout::ControlAt>,
    pub fields: Names,
}

// ------------------------------------------------------ the document ---

/// A table read on its own: its value, its span and its path in messages
/// (`tiers[2]`).
#[derive(Debug)]
pub struct Part<T> {
    pub value: T,
    pub span: Span,
    pub path: String,
}

/// The tables of an array of tables that could be read.
#[derive(Debug)]
pub struct Parts<T> {
    pub read: Vec<Part<T>>,
    /// Every element was read: what the array lacks, it lacks (a table
    /// with a problem of its own might have held it).
    pub complete: bool,
}

impl<T> Parts<T> {
    /// The array has no table at all (none, not one with a problem).
    pub fn lacks(&self) -> bool {
        self.read.is_empty() && self.complete
    }
}

impl<T> std::ops::Deref for Parts<T> {
    type Target = [Part<T>];
    fn deref(&self) -> &[Part<T>] {
        &self.read
    }
}

impl<'a, T> IntoIterator for &'a Parts<T> {
    type Item = &'a Part<T>;
    type IntoIter = std::slice::Iter<'a, Part<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.read.iter()
    }
}

/// The whole file, table by table. A table that could not be read is
/// absent (its problem reported); the lint reads what is there.
#[derive(Debug)]
pub struct RawPolicy {
    /// The span of the whole document.
    pub span: Span,
    pub meta: Option<Part<RawMeta>>,
    /// `[policy]` is in the file (read or not).
    pub has_meta: bool,
    pub settings: Option<Part<RawSettings>>,
    pub tiers: Parts<RawTier>,
    /// The `id` of every `[[tiers]]` table, read or not, in order: what
    /// a reference may name even where its tier has another problem.
    pub tier_ids: Vec<Option<Sp<String>>>,
    pub pay: Option<Part<RawPay>>,
    pub lines: Parts<RawPayLine>,
    pub deductions: Parts<RawDeduction>,
    pub risk: Option<Part<RawRisk>>,
    pub flags: Parts<RawFlag>,
    pub score: Option<Part<RawScore>>,
    pub components: Parts<RawComponent>,
    pub review: Option<Part<RawReview>>,
    pub rules: Parts<RawReviewRule>,
    pub disqualifiers: Parts<RawDisqualifier>,
    /// The `id` of every `[[review.disqualifiers]]` table, read or not.
    pub disqualifier_ids: Vec<Option<Sp<String>>>,
    pub examples: Parts<RawExample>,
    pub workflow: Option<Part<RawWorkflow>>,
    pub steps: Parts<RawStep>,
    pub payout: Option<Part<RawPayout>>,
    pub columns: Parts<RawColumn>,
}

/// The top-level tables a policy may hold.
const SECTIONS: [&str; 11] = [
    "policy",
    "settings",
    "tiers",
    "pay",
    "risk_deposit",
    "flags",
    "score",
    "review",
    "examples",
    "workflow",
    "payout",
];

/// Read the document table by table. Every problem serde finds is
/// reported at its line and column (unknown keys at the key); a table or
/// element with a problem is left out of the result.
pub fn read(cx: &mut Cx, root: &Sp<DeTable<'_>>) -> RawPolicy {
    let doc = root.get_ref();
    for (k, v) in doc.iter() {
        keys(cx, k.span(), v);
    }
    let get = |key: &str| doc.get(key);
    let steps = each(cx, inner(get("workflow"), "steps"), "workflow.steps");
    let policy = RawPolicy {
        span: root.span(),
        has_meta: doc.contains_key("policy"),
        meta: one(cx, get("policy"), "policy"),
        settings: one(cx, get("settings"), "settings"),
        tiers: each(cx, get("tiers"), "tiers"),
        tier_ids: ids(get("tiers")),
        pay: one(cx, get("pay"), "pay"),
        lines: each(cx, inner(get("pay"), "lines"), "pay.lines"),
        deductions: each(cx, inner(get("pay"), "deductions"), "pay.deductions"),
        risk: one(cx, get("risk_deposit"), "risk_deposit"),
        flags: each(cx, get("flags"), "flags"),
        score: one(cx, get("score"), "score"),
        components: each(cx, inner(get("score"), "components"), "score.components"),
        review: one(cx, get("review"), "review"),
        rules: each(cx, inner(get("review"), "rules"), "review.rules"),
        disqualifiers: each(
            cx,
            inner(get("review"), "disqualifiers"),
            "review.disqualifiers",
        ),
        disqualifier_ids: ids(inner(get("review"), "disqualifiers")),
        examples: each(cx, get("examples"), "examples"),
        workflow: one(cx, get("workflow"), "workflow"),
        steps,
        payout: one(cx, get("payout"), "payout"),
        columns: each(cx, inner(get("payout"), "columns"), "payout.columns"),
    };
    for (k, _) in doc.iter() {
        let name: &str = k.get_ref();
        if !SECTIONS.contains(&name) {
            cx.error(
                &k.span(),
                Code::UnknownKey,
                say::in_each(|l| say::unknown_key(name, say::hint(name, SECTIONS).get(l))),
            );
        }
    }
    policy
}

type Value<'i> = Sp<DeValue<'i>>;

/// Remember the key of `v` and of every value inside it.
fn keys(cx: &mut Cx, key: Span, v: &Value<'_>) {
    let s = v.span();
    cx.keys.insert((s.start, s.end), key);
    match v.get_ref() {
        DeValue::Table(t) => {
            for (k, child) in t.iter() {
                keys(cx, k.span(), child);
            }
        }
        DeValue::Array(a) => {
            for item in a.iter() {
                if let DeValue::Table(t) = item.get_ref() {
                    for (k, child) in t.iter() {
                        keys(cx, k.span(), child);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The value under `key` of a table value.
fn inner<'a, 'i>(v: Option<&'a Value<'i>>, key: &str) -> Option<&'a Value<'i>> {
    match v?.get_ref() {
        DeValue::Table(t) => t.get(key),
        _ => None,
    }
}

/// The `id` of each table of an array of tables, where it is a string,
/// whatever else the table holds.
fn ids(v: Option<&Value<'_>>) -> Vec<Option<Sp<String>>> {
    #[derive(Deserialize)]
    struct Id {
        id: Option<Sp<String>>,
    }
    let Some(DeValue::Array(items)) = v.map(Sp::get_ref) else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|item| matches!(item.get_ref(), DeValue::Table(_)))
        .map(|item| {
            Id::deserialize(ValueDeserializer::from(item.clone()))
                .ok()
                .and_then(|x| x.id)
        })
        .collect()
}

/// A table read on its own.
fn one<T: DeserializeOwned>(cx: &mut Cx, v: Option<&Value<'_>>, path: &str) -> Option<Part<T>> {
    let v = v?;
    if !matches!(v.get_ref(), DeValue::Table(_)) {
        cx.error(
            &v.span(),
            Code::WrongType,
            say::in_each(|l| {
                say::must_be_table(path, say::type_name(type_name(v.get_ref())).get(l))
            }),
        );
        return None;
    }
    deserialize(cx, v, path)
}

/// Each table of an array of tables, read on its own.
fn each<T: DeserializeOwned>(cx: &mut Cx, v: Option<&Value<'_>>, path: &str) -> Parts<T> {
    let mut parts = Parts {
        read: Vec::new(),
        complete: false,
    };
    let Some(v) = v else {
        parts.complete = true;
        return parts;
    };
    let DeValue::Array(items) = v.get_ref() else {
        cx.error(
            &v.span(),
            Code::WrongType,
            say::in_each(|l| {
                say::must_be_array_of_tables(path, say::type_name(type_name(v.get_ref())).get(l))
            }),
        );
        return parts;
    };
    for (i, item) in items.iter().enumerate() {
        if !matches!(item.get_ref(), DeValue::Table(_)) {
            cx.error(
                &item.span(),
                Code::WrongType,
                say::in_each(|l| {
                    say::must_hold_tables(path, say::type_name(type_name(item.get_ref())).get(l))
                }),
            );
            continue;
        }
        parts
            .read
            .extend(deserialize(cx, item, &format!("{path}[{i}]")));
    }
    parts.complete = parts.read.len() == items.len();
    parts
}

/// Deserialize one table. serde stops at a table's first unknown key and
/// names the keys the table may have: every key of that table outside
/// them is reported and taken out, and the table read again, so every
/// unknown key comes in one run and the rest of the table is still read
/// (one round per table holding unknown keys). Any other problem ends the
/// table.
fn deserialize<T: DeserializeOwned>(cx: &mut Cx, v: &Value<'_>, path: &str) -> Option<Part<T>> {
    let mut v = v.clone();
    loop {
        match T::deserialize(ValueDeserializer::from(v.clone())) {
            Ok(value) => {
                return Some(Part {
                    value,
                    span: v.span(),
                    path: path.to_string(),
                });
            }
            Err(e) => {
                let unknown = match (e.message().strip_prefix("unknown field "), e.span()) {
                    (Some(rest), Some(first)) => unknown_keys(cx, &v, path, &first, &ticked(rest)),
                    _ => Vec::new(),
                };
                if unknown.is_empty() {
                    report(cx, &v, path, &e);
                    return None;
                }
                let unknown = unknown.iter().map(|s| (s.start, s.end)).collect();
                remove_keys(&mut v, &unknown);
            }
        }
    }
}

/// The words of a serde message in backticks: `unknown field `rat`,
/// expected one of `id`, `name`` → rat, id, name.
fn ticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Report every key of the table holding the key at `first` that is not
/// one of `words[1..]` (serde's list of the table's keys); their spans.
fn unknown_keys(
    cx: &mut Cx,
    v: &Value<'_>,
    path: &str,
    first: &Span,
    words: &[String],
) -> Vec<Span> {
    let Some(table) = parent_of(v, first) else {
        return Vec::new();
    };
    let Some((name, expected)) = words.split_first() else {
        return Vec::new();
    };
    let at = path_at(v, path, first);
    let prefix = at.strip_suffix(&format!(".{name}")).unwrap_or(path);
    let known = |k: &str| expected.iter().any(|e| e == k);
    let mut out = Vec::new();
    for (k, _) in table.iter().filter(|(k, _)| !known(k.get_ref())) {
        let key: &str = k.get_ref();
        cx.error(
            &k.span(),
            Code::UnknownKey,
            say::in_each(|l| {
                let hint = say::hint(key, expected.iter().map(String::as_str));
                say::unknown_key(format!("{prefix}.{key}"), hint.get(l))
            }),
        );
        out.push(k.span());
    }
    out
}

/// The table inside `v` (or `v` itself) that holds the key at `span`.
fn parent_of<'a, 'i>(v: &'a Value<'i>, span: &Span) -> Option<&'a DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => {
            if t.iter().any(|(k, _)| k.span() == *span) {
                Some(t)
            } else {
                t.iter().find_map(|(_, child)| parent_of(child, span))
            }
        }
        DeValue::Array(a) => a.iter().find_map(|item| parent_of(item, span)),
        _ => None,
    }
}

/// Take the keys at `spans` out of `v`, wherever they are inside it.
fn remove_keys(v: &mut Value<'_>, spans: &std::collections::BTreeSet<(usize, usize)>) {
    match v.get_mut() {
        DeValue::Table(t) => {
            let gone: Vec<String> = t
                .iter()
                .filter(|(k, _)| spans.contains(&(k.span().start, k.span().end)))
                .map(|(k, _)| k.get_ref().to_string())
                .collect();
            for k in &gone {
                t.remove(k.as_str());
            }
            for (_, child) in t.iter_mut() {
                remove_keys(child, spans);
            }
        }
        DeValue::Array(a) => {
            for item in a.iter_mut() {
                remove_keys(item, spans);
            }
        }
        _ => {}
    }
}

/// A serde error as a diagnostic: its code from what serde says, its path
/// from where in the table its span lies.
fn report(cx: &mut Cx, v: &Value<'_>, path: &str, e: &toml::de::Error) {
    let span = e.span().unwrap_or_else(|| v.span());
    let at = path_at(v, path, &span);
    let msg = e.message();
    let (code, message) = if msg.starts_with("unknown field ") {
        (Code::UnknownKey, say::unknown_key(&at, ""))
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        (
            Code::WrongType,
            say::in_each(|l| {
                say::must_be(
                    &at,
                    say::serde_expected(expected).get(l),
                    say::serde_found(found).get(l),
                )
            }),
        )
    } else if let Some(rest) = msg.strip_prefix("missing field ") {
        let name = ticked(rest).into_iter().next().unwrap_or_default();
        (Code::MissingKey, say::missing_key(format!("{at}.{name}")))
    } else {
        (
            Code::WrongType,
            other_problem(&at, msg.trim_end_matches('.')),
        )
    };
    cx.error(&span, code, message);
}

/// What else serde may say of a value (`unknown variant `x`, expected one
/// of `a`, `b``, `invalid value: integer `-1`, expected u32`): the English
/// as serde says it after the path, the Chinese from its parts where they
/// are known, else serde's words quoted.
fn other_problem(at: &str, msg: &str) -> crate::text::Msg {
    use crate::text::{Lang, Msg};
    let zh = if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let words = ticked(rest);
        let expected: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
        words
            .first()
            .map(|found| say::unknown_word(at, say::ticked(&expected).get(Lang::Zh), found, ""))
    } else if let Some((found, expected)) = msg
        .strip_prefix("invalid value: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        let (found, expected) = (say::serde_found(found), say::serde_expected(expected));
        Some(say::must_be(
            at,
            expected.get(Lang::Zh),
            found.get(Lang::Zh),
        ))
    } else {
        None
    };
    let zh = zh.unwrap_or_else(|| say::bad_value(at, msg));
    Msg::new(
        zh.get(Lang::Zh).to_string(),
        say::bad_value(at, msg).get(Lang::En).to_string(),
    )
}

/// The dotted path of the key or value at `span` inside `v` (a table
/// opened by a header, `[tiers.criteria]`, spans its header only, so the
/// search goes by the span itself, not by what encloses it).
fn path_at(v: &Value<'_>, path: &str, span: &Span) -> String {
    find(v, path, span).unwrap_or_else(|| path.to_string())
}

fn find(v: &Value<'_>, path: &str, span: &Span) -> Option<String> {
    let children: Vec<(String, Option<Span>, &Value<'_>)> = match v.get_ref() {
        DeValue::Table(t) => t
            .iter()
            .map(|(k, c)| (format!("{path}.{}", k.get_ref()), Some(k.span()), c))
            .collect(),
        DeValue::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("{path}[{i}]"), None, c))
            .collect(),
        _ => Vec::new(),
    };
    children.into_iter().find_map(|(here, key, child)| {
        if key.as_ref() == Some(span) || child.span() == *span {
            Some(here)
        } else {
            find(child, &here, span)
        }
    })
}

pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::{Op, RoundingMode};

    /// Every word names a value whose word it is: the words written in
    /// outputs (`id`, `symbol`) are the words read.
    #[test]
    fn each_word_is_the_word_of_what_it_means() {
        for w in RoundingMode::words() {
            assert_eq!(RoundingMode::parse(w).map(RoundingMode::id), Some(*w));
        }
        for w in Op::words() {
            assert_eq!(Op::parse(w).map(Op::symbol), Some(*w));
        }
        assert_eq!(RoundingMode::words(), ["half_up", "half_even", "down"]);
        assert_eq!(Op::words(), ["<", "<=", ">", ">=", "=="]);
    }

    /// What serde says of a value other than a wrong type, a missing or
    /// an unknown key, in Chinese from its parts; the English as before.
    #[test]
    fn other_serde_problems_read_in_chinese() {
        use crate::text::Lang;
        let m = other_problem(
            "payout.line_end",
            "unknown variant `cr`, expected one of `crlf`, `lf`",
        );
        assert_eq!(
            m.get(Lang::En),
            "`payout.line_end`: unknown variant `cr`, expected one of `crlf`, `lf`"
        );
        assert_eq!(
            m.get(Lang::Zh),
            "`payout.line_end` 应为 `crlf`、`lf` 之一，实为 `cr`"
        );
        let m = other_problem(
            "tiers[0].staff_grade",
            "invalid value: integer `-1`, expected u32",
        );
        assert_eq!(
            m.get(Lang::Zh),
            "`tiers[0].staff_grade` 应为 `u32`，实为整数 `-1`"
        );
        // Words it does not know stay serde's, quoted.
        let m = other_problem("a", "invalid length 2, expected 3");
        assert_eq!(
            m.get(Lang::Zh),
            "`a` 的值有误：「invalid length 2, expected 3」"
        );
        assert_eq!(m.get(Lang::En), "`a`: invalid length 2, expected 3");
    }

    /// A number keeps what it was written as, not a value: the lint takes
    /// its digits from the text.
    #[test]
    fn a_number_is_kept_as_written() {
        #[derive(Deserialize)]
        struct T {
            a: Sp<Num>,
            b: Sp<Num>,
            c: Sp<Num>,
        }
        let text = "a = 0.1\nb = \"1,000.5\"\nc = true\n";
        let t: T = toml::from_str(text).unwrap();
        assert_eq!(t.a.get_ref(), &Num::Written);
        assert_eq!(&text[t.a.span()], "0.1");
        assert_eq!(t.b.get_ref(), &Num::Text("1,000.5".into()));
        assert_eq!(t.c.get_ref(), &Num::Other("a boolean"));
    }
}
