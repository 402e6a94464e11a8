//! The second pass: the raw tables (`raw.rs`) → the validated [`Policy`].
//!
//! What serde cannot say is checked here, each problem at its line and
//! column: numbers read exactly and range-checked by what they stand for
//! ([`Quantity`]); words of enumerations; keys a table needs; references
//! (a tier, a metric, a disqualifier, a workflow step that does not exist,
//! with a "did you mean"); bands (rising, none after a catch-all); signs
//! (caps); and keys that do not apply to a table's `kind`.

use super::cx::{Cx, Sp, Span};
use super::model::*;
use super::raw::{self, Num, Part, RawPolicy, Word, Words};
use crate::diag::Code;
use crate::text::Msg;
use crate::text::policy as say;
use crate::vocab::Scope;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A value the lint has read, with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

fn at<T>(value: T, span: Span) -> At<T> {
    At { value, span }
}

/// `table.key`, or `key` at the top.
fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

// ---------------------------------------------------------- numbers ---

/// The largest number a policy may hold (10^15).
const LIMIT: i64 = 1_000_000_000_000_000;

/// Read a number exactly: an integer's or a float's digits from the text
/// at its span (never through f64), a string's from the string.
pub fn exact(cx: &mut Cx, v: &Sp<Num>, path: &str) -> Option<At<Decimal>> {
    let span = v.span();
    let text = match v.get_ref() {
        Num::Written => cx.text(&span).replace('_', ""),
        Num::Text(s) => s.trim().replace(['_', ','], ""),
        Num::Other(what) => {
            cx.error(
                &span,
                Code::WrongType,
                say::in_each(|l| say::not_a_number(path, say::type_name(what).get(l))),
            );
            return None;
        }
    };
    let parsed = Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text));
    match parsed {
        // Far beyond any bank's figures, and small enough that no product
        // or sum of policy and ledger figures can overflow a decimal.
        Ok(d) if d.abs() >= Decimal::from(LIMIT) => {
            cx.error(&span, Code::OutOfRange, say::too_big(path, &text));
            None
        }
        Ok(d) => Some(at(d.normalize(), span)),
        Err(_) => {
            cx.error(&span, Code::WrongType, say::not_exact(path, &text));
            None
        }
    }
}

/// An optional number of a kind, under `key` of the table at `path`:
/// read exactly, then range-checked as `q` says.
fn num(
    cx: &mut Cx,
    v: &Option<Sp<Num>>,
    path: &str,
    key: &str,
    q: Quantity,
) -> Option<At<Decimal>> {
    let d = exact(cx, v.as_ref()?, &key_path(path, key))?;
    q.check(cx, &d, &format!("`{key}`"));
    Some(d)
}

/// A required number of a kind.
fn need_num(
    cx: &mut Cx,
    v: &Option<Sp<Num>>,
    t: &(Span, &str),
    key: &str,
    q: Quantity,
) -> Option<At<Decimal>> {
    if v.is_none() {
        missing(cx, t, key, &say::type_number());
    }
    num(cx, v, t.1, key, q)
}

/// A table of numbers of a kind keyed by names the policy chooses.
fn num_map(
    cx: &mut Cx,
    v: Option<&raw::Keyed<Num>>,
    path: &str,
    key: &str,
    q: Quantity,
) -> Vec<(Sp<String>, At<Decimal>)> {
    let mut out = Vec::new();
    for (k, n) in v.iter().flat_map(|m| &m.0) {
        let name = format!("{key}.{}", k.get_ref());
        if let Some(d) = exact(cx, n, &key_path(path, &name)) {
            q.check(cx, &d, &format!("`{name}`"));
            out.push((k.clone(), d));
        }
    }
    out
}

/// An optional whole number in `range`.
pub fn int(
    cx: &mut Cx,
    v: &Option<Sp<Num>>,
    path: &str,
    key: &str,
    range: std::ops::Range<i64>,
) -> Option<At<i64>> {
    let v = v.as_ref()?;
    let span = v.span();
    let path = key_path(path, key);
    let found = match v.get_ref() {
        Num::Written => {
            let text = cx.text(&span);
            match whole(text) {
                Some(n) if range.contains(&n) => return Some(at(n, span)),
                Some(_) | None if is_integer(text) => {
                    cx.error(
                        &span,
                        Code::OutOfRange,
                        say::int_range(&path, range.start, range.end - 1, text),
                    );
                    return None;
                }
                _ => "a float",
            }
        }
        Num::Text(_) => "a string",
        Num::Other(what) => what,
    };
    cx.error(
        &span,
        Code::WrongType,
        say::in_each(|l| say::not_an_integer(&path, say::type_name(found).get(l))),
    );
    None
}

/// A TOML integer's text: decimal digits, or 0x/0o/0b with its digits.
fn is_integer(text: &str) -> bool {
    let t = text.trim_start_matches(['+', '-']);
    t.starts_with("0x")
        || t.starts_with("0o")
        || t.starts_with("0b")
        || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '_'))
}

/// The value of a TOML integer's text, if it fits in an i64.
fn whole(text: &str) -> Option<i64> {
    let t = text.replace('_', "");
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t.trim_start_matches('+').to_string()),
    };
    let (radix, digits) = match t.get(..2) {
        Some("0x") => (16, &t[2..]),
        Some("0o") => (8, &t[2..]),
        Some("0b") => (2, &t[2..]),
        _ => (10, t.as_str()),
    };
    let n = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -n } else { n })
}

/// What a policy number stands for, and so the range it must lie in. Every
/// number of a policy is read as one of these, so a range is checked once,
/// where the number is read, for every key of that kind. The ceilings are
/// no bank's figures: each is far above any real rate or amount and only
/// catches a slip (a misplaced decimal point, a rate of 10^15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Any number under 10^15 in size: targets, band bounds, condition
    /// values (a growth target may be negative).
    Any,
    /// A size or threshold (yuan, a count, years, an exam score): ≥ 0.
    NonNegative,
    /// A fraction in [0, 1] (20% is 0.20): shares, holdback rates, ratios.
    Ratio,
    /// A pay line's rate, in yuan per `per` units of its metric: ≥ 0 and at
    /// most [`RATE_CEILING`].
    Rate,
    /// Money paid or held for one RM (a fixed amount, a cap, a monthly
    /// ceiling): ≥ 0 and at most [`MONEY_CEILING`] yuan.
    Money,
    /// Score points: ≥ 0 and at most [`POINTS_CEILING`].
    Points,
    /// The unit a rate is quoted per: at least 1.
    Per,
    /// A multiple (N × a median): at least 1 and at most [`MULTIPLE_CEILING`].
    Multiple,
}

/// Highest pay-line rate: a million yuan per unit of the metric.
pub const RATE_CEILING: i64 = 1_000_000;
/// Highest amount paid or held for one RM: ten million yuan.
pub const MONEY_CEILING: i64 = 10_000_000;
/// Most score points a component, band or total may carry.
pub const POINTS_CEILING: i64 = 1_000;
/// Largest multiple.
pub const MULTIPLE_CEILING: i64 = 1_000;

impl Quantity {
    /// Report `v` at its span when it is out of this kind's range. `what`
    /// names the key in the message, e.g. `` `rate` ``.
    pub fn check(self, cx: &mut Cx, v: &At<Decimal>, what: &str) {
        let x = v.value;
        let negative = x.is_sign_negative() && !x.is_zero();
        let ceiling = |n: i64| x > Decimal::from(n);
        let money = |d: Decimal| say::money(d);
        let problem: Option<(Code, Msg)> = match self {
            Quantity::Any => None,
            Quantity::NonNegative | Quantity::Rate | Quantity::Money | Quantity::Points
                if negative =>
            {
                Some((
                    Code::NegativeValue,
                    match self {
                        Quantity::NonNegative | Quantity::Rate | Quantity::Money => {
                            say::in_each(|l| say::negative(what, money(x).get(l)))
                        }
                        _ => say::negative(what, x),
                    },
                ))
            }
            Quantity::NonNegative => None,
            Quantity::Ratio if negative || x > Decimal::ONE => Some((
                Code::OutOfRange,
                say::not_a_fraction(what, x, say::percent(x)),
            )),
            Quantity::Ratio => None,
            Quantity::Rate if ceiling(RATE_CEILING) => Some((
                Code::OutOfRange,
                say::in_each(|l| {
                    let (c, x) = (money(RATE_CEILING.into()), money(x));
                    say::rate_ceiling(what, c.get(l), x.get(l))
                }),
            )),
            Quantity::Money if ceiling(MONEY_CEILING) => Some((
                Code::OutOfRange,
                say::in_each(|l| {
                    let (c, x) = (money(MONEY_CEILING.into()), money(x));
                    say::money_ceiling(what, c.get(l), x.get(l))
                }),
            )),
            Quantity::Points if ceiling(POINTS_CEILING) => Some((
                Code::OutOfRange,
                say::points_ceiling(what, POINTS_CEILING, x),
            )),
            Quantity::Rate | Quantity::Money | Quantity::Points => None,
            Quantity::Per if x < Decimal::ONE => Some((Code::OutOfRange, say::per_floor(what, x))),
            Quantity::Per => None,
            Quantity::Multiple if x < Decimal::ONE || ceiling(MULTIPLE_CEILING) => Some((
                Code::OutOfRange,
                say::multiple_range(what, MULTIPLE_CEILING, x),
            )),
            Quantity::Multiple => None,
        };
        if let Some((code, message)) = problem {
            cx.error(&v.span, code, message);
        }
    }
}

// ------------------------------------------------------- keys, words ---

/// `missing `path.key` (expected)` at the table's span.
fn missing(cx: &mut Cx, t: &(Span, &str), key: &str, expected: &Msg) {
    cx.error(
        &t.0,
        Code::MissingKey,
        say::in_each(|l| say::missing_key_what(key_path(t.1, key), expected.get(l))),
    );
}

/// `one of a, b, c` (English, as written) or `` `a`、`b`、`c` 之一 ``.
fn one_of(words: &[&str]) -> Msg {
    let zh = say::one_of(say::ticked(words).get(crate::text::Lang::Zh));
    Msg::new(
        zh.get(crate::text::Lang::Zh).to_string(),
        format!("one of {}", words.join(", ")),
    )
}

/// A required string.
fn need_str(
    cx: &mut Cx,
    v: &Option<Sp<String>>,
    t: &(Span, &str),
    key: &str,
) -> Option<Sp<String>> {
    if v.is_none() {
        missing(cx, t, key, &say::type_string());
    }
    v.clone()
}

fn text(v: &Option<Sp<String>>) -> Option<String> {
    v.as_ref().map(|s| s.get_ref().clone())
}

/// The meaning of a word of an enumeration; a word it does not know is
/// reported with the words there are.
pub fn word<T: Words + Clone>(
    cx: &mut Cx,
    v: &Option<Sp<Word<T>>>,
    path: &str,
    key: &str,
) -> Option<T> {
    let w = v.as_ref()?;
    let Word { text, value } = w.get_ref();
    if value.is_none() {
        cx.error(
            &w.span(),
            Code::UnknownValue,
            say::in_each(|l| {
                say::unknown_word(
                    key_path(path, key),
                    say::ticked(T::words()).get(l),
                    text,
                    say::hint(text, T::words().iter().copied()).get(l),
                )
            }),
        );
    }
    value.clone()
}

/// Keys given that the table's `kind` does not read: each an error at its
/// key, as any unknown key is.
fn not_read(cx: &mut Cx, path: &str, kind: &Msg, given: &[(&str, Option<Span>)]) {
    for (key, span) in given {
        if let Some(span) = span {
            let at = cx.key_of(span);
            cx.error(
                &at,
                Code::UnknownKey,
                say::in_each(|l| say::not_for_kind(key_path(path, key), kind.get(l))),
            );
        }
    }
}

fn span_of<T>(v: &Option<Sp<T>>) -> Option<Span> {
    v.as_ref().map(|s| s.span())
}

/// The `id` and `name` a rule's table needs, the id unique among `seen`
/// (ids of `what`).
fn id_and_name(
    cx: &mut Cx,
    (id, name): (&Option<Sp<String>>, &Option<Sp<String>>),
    t: &(Span, &str),
    seen: &mut Vec<Sp<String>>,
    what: &Msg,
) -> (Option<Sp<String>>, Option<Sp<String>>) {
    let id = need_str(cx, id, t, "id");
    if let Some(id) = &id {
        dup_check(cx, seen, id, what);
    }
    (id, need_str(cx, name, t, "name"))
}

/// Report `id` if `seen` has it already; remember it.
fn dup_check(cx: &mut Cx, seen: &mut Vec<Sp<String>>, id: &Sp<String>, what: &Msg) {
    if let Some(prev) = seen.iter().find(|s| s.get_ref() == id.get_ref()) {
        let (l, c) = cx.line_col(prev.span().start);
        cx.error(
            &id.span(),
            Code::DuplicateId,
            say::in_each(|lang| {
                say::defined_twice(
                    what.get(lang),
                    id.get_ref(),
                    say::at_line_col(l, c).get(lang),
                )
            }),
        );
    }
    seen.push(id.clone());
}

/// A ledger's 等级 column names a tier by its id, name, English name or an
/// alias, case and spaces aside (`Policy::resolve_tier`): a spelling two
/// tiers share would put the RMs of the second on the first's pay without
/// a word. An error at the second tier's spelling.
fn tier_spellings_unique(cx: &mut Cx, raw: &RawPolicy) {
    let mut seen: Vec<(String, usize, &Sp<String>)> = Vec::new();
    for (ix, t) in raw.tiers.iter().enumerate() {
        let t = &t.value;
        let mine: Vec<&Sp<String>> = [&t.id, &t.name, &t.name_en]
            .into_iter()
            .flatten()
            .chain(t.aliases.iter().flatten())
            .collect();
        let tier = raw
            .tier_ids
            .get(ix)
            .and_then(|i| i.as_ref())
            .map_or("", |i| i.get_ref());
        for sp in mine {
            let key = sp.get_ref().trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            // A tier id given twice is `dup_check`'s error already.
            let id_of = |o: usize| {
                raw.tier_ids
                    .get(o)
                    .and_then(|i| i.as_ref())
                    .map(|i| i.get_ref())
            };
            let same_id = |o: usize| id_of(o).is_some() && id_of(o) == id_of(ix);
            if let Some((_, other, first)) = seen
                .iter()
                .find(|(k, o, _)| *k == key && *o != ix && !same_id(*o))
            {
                let (l, c) = cx.line_col(first.span().start);
                let other = raw
                    .tier_ids
                    .get(*other)
                    .and_then(|i| i.as_ref())
                    .map_or("", |i| i.get_ref());
                cx.error(
                    &sp.span(),
                    Code::DuplicateId,
                    say::in_each(|lang| {
                        say::tier_spelled_twice(
                            sp.get_ref(),
                            other,
                            say::at_line_col(l, c).get(lang),
                            tier,
                        )
                    }),
                );
            } else {
                seen.push((key, ix, sp));
            }
        }
    }
}

// ------------------------------------------------------- references ---

/// Names of tiers, for reference checks.
struct TierNames {
    ids: Vec<String>,
}

impl TierNames {
    fn resolve(&self, cx: &mut Cx, name: &Sp<String>, what: &str) -> Option<TierIx> {
        let n = name.get_ref();
        match self.ids.iter().position(|t| t == n) {
            Some(i) => Some(i),
            None => {
                cx.error(
                    &name.span(),
                    Code::UnknownTier,
                    say::in_each(|l| {
                        let hint = say::hint(n, self.ids.iter().map(String::as_str));
                        say::unknown_tier(what, n, hint.get(l))
                    }),
                );
                None
            }
        }
    }

    fn opt(&self, cx: &mut Cx, name: &Option<Sp<String>>, what: &str) -> Option<TierIx> {
        self.resolve(cx, name.as_ref()?, what)
    }

    fn list(&self, cx: &mut Cx, names: &Option<Vec<Sp<String>>>) -> Vec<TierIx> {
        names
            .iter()
            .flatten()
            .filter_map(|n| self.resolve(cx, n, "`tiers`"))
            .collect()
    }

    /// `single = x` for every tier and `map = { tier = y }` for some.
    fn values(
        &self,
        cx: &mut Cx,
        single: &Option<Sp<Num>>,
        map: &Option<Sp<raw::Keyed<Num>>>,
        path: &str,
        keys: (&str, &str),
        q: Quantity,
    ) -> TierValues {
        let default = num(cx, single, path, keys.0, q).map(|v| v.value);
        let by_tier = num_map(cx, map.as_ref().map(Sp::get_ref), path, keys.1, q)
            .into_iter()
            .filter_map(|(k, v)| {
                self.resolve(cx, &k, &format!("`{}`", keys.1))
                    .map(|i| (i, v.value))
            })
            .collect();
        TierValues { default, by_tier }
    }
}

/// Stands in for a metric whose error is already reported: a policy with
/// errors is never returned, so it is never read.
const REPORTED: Metric = Metric::DepositDailyAverage;

/// The metric a name gives, from the vocabulary; `None`, the error
/// reported at its line:column, for a name it does not know (or, where
/// `monthly_only`, a review figure).
fn metric(cx: &mut Cx, m: &Sp<String>, monthly_only: bool) -> Option<Metric> {
    let name = m.get_ref();
    let found = Metric::from_id(name);
    match found {
        Some(x) if !monthly_only || x.scope() == Scope::Monthly => Some(x),
        _ => {
            let extra = if found.is_some() {
                say::review_figure()
            } else if monthly_only {
                say::hint(name, Metric::monthly_ids())
            } else {
                say::hint(name, Metric::ids())
            };
            cx.error(
                &m.span(),
                Code::UnknownMetric,
                say::in_each(|l| say::unknown_metric(name, extra.get(l))),
            );
            None
        }
    }
}

/// A required metric.
fn need_metric(
    cx: &mut Cx,
    m: &Option<Sp<String>>,
    t: &(Span, &str),
    monthly_only: bool,
) -> Option<Metric> {
    let m = need_str(cx, m, t, "metric")?;
    metric(cx, &m, monthly_only)
}

// ----------------------------------------------------------- policy ---

/// The raw tables → the policy, every problem reported.
pub fn lint(cx: &mut Cx, raw: &RawPolicy, display: &str, sha256: String) -> Option<Policy> {
    let meta = lint_meta(cx, raw);
    let settings = lint_settings(cx, raw.settings.as_ref());

    // [[tiers]]: ids first, so every later reference can be checked.
    if raw.tiers.lacks() {
        cx.error(&raw.span, Code::MissingKey, say::missing_tiers());
    }
    for t in &raw.tiers {
        need_str(cx, &t.value.id, &(t.span.clone(), &t.path), "id");
    }
    let mut seen: Vec<Sp<String>> = Vec::new();
    for id in raw.tier_ids.iter().flatten() {
        dup_check(cx, &mut seen, id, &say::what_tier());
    }
    tier_spellings_unique(cx, raw);
    let names = TierNames {
        ids: raw
            .tier_ids
            .iter()
            .map(|id| text(id).unwrap_or_default())
            .collect(),
    };
    let mut disq_refs: Vec<Sp<String>> = Vec::new();
    let tiers: Vec<Tier> = raw
        .tiers
        .iter()
        .map(|t| lint_tier(cx, t, &names, &mut disq_refs))
        .collect();

    let pay = lint_pay(cx, raw, &names);
    // A tier that no pay line applies to (an added tier left out of the
    // lines' `tiers`) would be paid 0 every month without a word: an error
    // at its id, once the rest of the policy reads (a misspelt tier in a
    // line's `tiers` is the error to fix first).
    if !pay.lines.is_empty() && !cx.diags.has_errors() {
        for (ix, id) in raw.tier_ids.iter().enumerate() {
            let Some(id) = id else { continue };
            if pay
                .lines
                .iter()
                .all(|l| !l.tiers.is_empty() && !l.tiers.contains(&ix))
            {
                cx.error(&id.span(), Code::UnpaidTier, say::unpaid_tier(id.get_ref()));
            }
        }
    }
    let risk_deposit = lint_risk(cx, raw.risk.as_ref(), &tiers);
    let flags = lint_flags(cx, &raw.flags, &names);
    let score = lint_score(cx, raw, &names);
    let review = lint_review(cx, raw, &names, &tiers);
    let examples = lint_examples(cx, &raw.examples, &names);
    let workflow = lint_workflow(cx, raw);
    let payout = super::payout::lint_payout(cx, raw, settings.money.scale);
    let known: Vec<&str> = raw
        .disqualifier_ids
        .iter()
        .flatten()
        .map(|d| d.get_ref().as_str())
        .collect();
    for r in &disq_refs {
        let name = r.get_ref();
        if !known.contains(&name.as_str()) {
            cx.error(
                &r.span(),
                Code::UnknownReference,
                say::in_each(|l| {
                    say::unknown_disqualifier(name, say::hint(name, known.iter().copied()).get(l))
                }),
            );
        }
    }

    let (id, name, name_en, version, from, until) = meta?;
    Some(Policy {
        id,
        name,
        name_en,
        version,
        file: display.to_string(),
        sha256,
        effective_from: from,
        effective_until: until,
        settings,
        tiers,
        pay,
        risk_deposit,
        flags,
        score,
        review,
        examples,
        workflow,
        payout,
    })
}

type Meta = (
    String,
    String,
    Option<String>,
    String,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
);

/// `[policy]`: id, name, version and the dates in force.
fn lint_meta(cx: &mut Cx, raw: &RawPolicy) -> Option<Meta> {
    if !raw.has_meta {
        cx.error(&(0..0), Code::MissingKey, say::missing_policy_table());
    }
    let m = raw.meta.as_ref()?;
    let t = &(m.span.clone(), m.path.as_str());
    let r = &m.value;
    let id = need_str(cx, &r.id, t, "id");
    let name = need_str(cx, &r.name, t, "name");
    let version = need_str(cx, &r.version, t, "version");
    let from = date(cx, &r.effective_from, "policy.effective_from");
    let until = date(cx, &r.effective_until, "policy.effective_until");
    if let (Some(f), Some(u)) = (&from, &until)
        && u.value < f.value
    {
        cx.error(
            &u.span,
            Code::BadRange,
            say::until_before_from(u.value, f.value),
        );
    }
    Some((
        id?.into_inner(),
        name?.into_inner(),
        text(&r.name_en),
        version?.into_inner(),
        from.map(|d| d.value),
        until.map(|d| d.value),
    ))
}

fn date(cx: &mut Cx, v: &Option<Sp<raw::DateText>>, path: &str) -> Option<At<chrono::NaiveDate>> {
    let v = v.as_ref()?;
    let text = match v.get_ref() {
        raw::DateText::Text(t) => t.as_str(),
        raw::DateText::Other(what) => {
            cx.error(
                &v.span(),
                Code::WrongType,
                say::in_each(|l| say::not_a_date(path, say::type_name(what).get(l))),
            );
            return None;
        }
    };
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Some(at(d, v.span())),
        Err(_) => {
            cx.error(&v.span(), Code::WrongType, say::not_a_date_text(path, text));
            None
        }
    }
}

fn lint_settings(cx: &mut Cx, t: Option<&Part<raw::RawSettings>>) -> Settings {
    let mut s = Settings {
        input_scale: 2,
        money: Rounding {
            scale: 2,
            mode: RoundingMode::HalfUp,
        },
        carry_forward_missing_days: false,
        excluded_products: Vec::new(),
        loans_follow_client_shares: true,
    };
    let Some(t) = t else {
        return s;
    };
    let (r, path) = (&t.value, t.path.as_str());
    if let Some(v) = int(cx, &r.input_scale, path, "input_scale", 0..5) {
        s.input_scale = v.value as u32;
    }
    if let Some(v) = int(cx, &r.money_scale, path, "money_scale", 0..5) {
        s.money.scale = v.value as u32;
    }
    if let Some(v) = word(cx, &r.rounding, path, "rounding") {
        s.money.mode = v;
    }
    if let Some(v) = r.carry_forward_missing_days {
        s.carry_forward_missing_days = v;
    }
    if let Some(v) = r.loans_follow_client_shares {
        s.loans_follow_client_shares = v;
    }
    for p in r.excluded_products.iter().flatten() {
        let Word { text, value } = p.get_ref();
        match value {
            Some(product) => s.excluded_products.push(*product),
            None => cx.error(
                &p.span(),
                Code::UnknownValue,
                say::in_each(|l| {
                    let hint = say::hint(text, crate::vocab::Product::IDS.iter().copied());
                    say::unknown_product(text, hint.get(l))
                }),
            ),
        }
    }
    s
}

fn lint_range(cx: &mut Cx, r: &Option<raw::RawRange>, path: &str) -> Option<Range> {
    let r = r.as_ref()?;
    let min = num(cx, &r.min, path, "min", Quantity::NonNegative);
    let below = num(cx, &r.below, path, "below", Quantity::NonNegative);
    if let (Some(a), Some(b)) = (&min, &below)
        && b.value <= a.value
    {
        cx.error(
            &b.span,
            Code::BadRange,
            say::in_each(|l| {
                say::below_above_min(say::money(b.value).get(l), say::money(a.value).get(l))
            }),
        );
    }
    Some(Range {
        min: min.map(|v| v.value),
        below: below.map(|v| v.value),
    })
}

fn lint_tier(
    cx: &mut Cx,
    t: &Part<raw::RawTier>,
    names: &TierNames,
    disq_refs: &mut Vec<Sp<String>>,
) -> Tier {
    let (r, path) = (&t.value, t.path.as_str());
    let tp = &(t.span.clone(), path);
    let name = need_str(cx, &r.name, tp, "name");
    let role = word(cx, &r.role, path, "role").unwrap_or(crate::vocab::Role::Rm);
    let base = num(
        cx,
        &r.base_deposit,
        path,
        "base_deposit",
        Quantity::NonNegative,
    );
    let authority = num(
        cx,
        &r.loan_authority,
        path,
        "loan_authority",
        Quantity::NonNegative,
    );
    let cap = num(
        cx,
        &r.risk_deposit_cap,
        path,
        "risk_deposit_cap",
        Quantity::Money,
    );
    let staff_grade = int(cx, &r.staff_grade, path, "staff_grade", 0..100).map(|v| v.value);
    let demote_to = names.opt(cx, &r.demote_to, "`demote_to`");
    let exam_min = num(cx, &r.exam_min, path, "exam_min", Quantity::Points).map(|v| v.value);
    let exam_when_missing =
        word(cx, &r.exam_when_missing, path, "exam_when_missing").unwrap_or_default();
    let probation_months =
        int(cx, &r.probation_months, path, "probation_months", 1..1201).map(|v| v.value as u32);
    let client_band = r.client_band.as_ref().map(|b| {
        let bp = key_path(path, "client_band");
        ClientBand {
            rule: b.rule.clone().unwrap_or_else(|| "client_band".into()),
            deposits: lint_range(cx, &b.deposits, &key_path(&bp, "deposits")),
            loans: lint_range(cx, &b.loans, &key_path(&bp, "loans")),
            ignore_zero: b.ignore_zero.unwrap_or(true),
        }
    });
    let criteria = r
        .criteria
        .as_ref()
        .map(|c| lint_criteria(cx, c, &key_path(path, "criteria"), disq_refs));
    Tier {
        id: text(&r.id).unwrap_or_default(),
        name: name.map(|s| s.into_inner()).unwrap_or_default(),
        name_en: text(&r.name_en),
        aliases: r
            .aliases
            .iter()
            .flatten()
            .map(|s| s.get_ref().clone())
            .collect(),
        role,
        base_deposit: base.map(|v| v.value),
        loan_authority: authority.map(|v| v.value),
        risk_deposit_cap: cap.map(|v| v.value),
        client_band,
        staff_grade,
        demote_to,
        criteria,
        exam_min,
        exam_when_missing,
        probation_months,
    }
}

fn lint_criteria(
    cx: &mut Cx,
    c: &raw::RawCriteria,
    path: &str,
    disq_refs: &mut Vec<Sp<String>>,
) -> Criteria {
    let need = int(cx, &c.need, path, "need", 0..100);
    let items: Vec<Criterion> = c
        .items
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, it)| {
            let ip = format!("{path}.items[{i}]");
            let t = &(it.span(), ip.as_str());
            let r = it.get_ref();
            let id = need_str(cx, &r.id, t, "id");
            let metric = need_metric(cx, &r.metric, t, false);
            let min = need_num(cx, &r.min, t, "min", Quantity::NonNegative);
            let single = num(
                cx,
                &r.single_client_min,
                &ip,
                "single_client_min",
                Quantity::NonNegative,
            );
            let when_missing = word(cx, &r.when_missing, &ip, "when_missing").unwrap_or_default();
            Criterion {
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                name: r.name.clone(),
                metric: metric.unwrap_or(REPORTED),
                min: min.map(|m| m.value).unwrap_or_default(),
                single_client_min: single.map(|v| v.value),
                note: r.note.clone(),
                when_missing,
            }
        })
        .collect();
    if let Some(n) = &need
        && n.value as usize > items.len()
    {
        cx.error(
            &n.span,
            Code::OutOfRange,
            say::need_more_than_items(n.value, items.len()),
        );
    }
    let exclude = num(
        cx,
        &c.exclude_clients_below,
        path,
        "exclude_clients_below",
        Quantity::NonNegative,
    );
    let tenure = num(
        cx,
        &c.tenure_years,
        path,
        "tenure_years",
        Quantity::NonNegative,
    );
    let disq: Vec<Sp<String>> = c.disqualifiers.clone().unwrap_or_default();
    let pass_line =
        num(cx, &c.pass_line, path, "pass_line", Quantity::NonNegative).map(|v| v.value);
    let disqualifiers = disq.iter().map(|s| s.get_ref().clone()).collect();
    disq_refs.extend(disq);
    Criteria {
        rule: c.rule.clone().unwrap_or_else(|| "criteria".into()),
        need: need.map(|n| n.value as usize).unwrap_or(items.len()),
        items,
        exclude_clients_below: exclude.map(|v| v.value),
        tenure_years: tenure.map(|v| v.value),
        disqualifiers,
        pass_line,
    }
}

fn lint_pay(cx: &mut Cx, raw: &RawPolicy, names: &TierNames) -> Pay {
    let mut pay = Pay {
        rates_are_examples: raw
            .pay
            .as_ref()
            .and_then(|p| p.value.rates_are_examples)
            .unwrap_or(false),
        lines: Vec::new(),
        deductions: Vec::new(),
    };
    let mut ids: Vec<Sp<String>> = Vec::new();
    for l in &raw.lines {
        let (r, path) = (&l.value, l.path.as_str());
        let t = &(l.span.clone(), path);
        let (id, name) = id_and_name(cx, (&r.id, &r.name), t, &mut ids, &say::what_pay_line());
        let tiers = names.list(cx, &r.tiers);
        let kind = match r
            .kind
            .as_ref()
            .map_or(Some(raw::PayKindWord::default()), |_| {
                word(cx, &r.kind, path, "kind")
            }) {
            Some(raw::PayKindWord::Fixed) => {
                not_read(
                    cx,
                    path,
                    &say::kind_is("`kind = \"fixed\"`"),
                    &[
                        ("metric", span_of(&r.metric)),
                        ("per", span_of(&r.per)),
                        ("rate", span_of(&r.rate)),
                        ("rates", span_of(&r.rates)),
                    ],
                );
                let amount = names.values(
                    cx,
                    &r.amount,
                    &r.amounts,
                    path,
                    ("amount", "amounts"),
                    Quantity::Money,
                );
                if amount.default.is_none() && amount.by_tier.is_empty() {
                    cx.error(&l.span, Code::MissingKey, say::fixed_needs_amount(path));
                }
                Some(PayKind::Fixed { amount })
            }
            Some(raw::PayKindWord::Rate) => {
                not_read(
                    cx,
                    path,
                    &say::kind_is("`kind = \"rate\"`"),
                    &[
                        ("amount", span_of(&r.amount)),
                        ("amounts", span_of(&r.amounts)),
                    ],
                );
                let metric = need_metric(cx, &r.metric, t, true);
                let per = num(cx, &r.per, path, "per", Quantity::Per);
                let rate = names.values(
                    cx,
                    &r.rate,
                    &r.rates,
                    path,
                    ("rate", "rates"),
                    Quantity::Rate,
                );
                if rate.default.is_none() && rate.by_tier.is_empty() {
                    cx.error(&l.span, Code::MissingKey, say::rate_needs_rate(path));
                }
                Some(PayKind::Rate {
                    metric: metric.unwrap_or(REPORTED),
                    per: per
                        .map(|p| p.value)
                        .filter(|p| *p > Decimal::ZERO)
                        .unwrap_or(Decimal::ONE),
                    rate,
                })
            }
            None => None,
        };
        if let Some(kind) = kind {
            pay.lines.push(PayLine {
                id: id.map(|s| s.into_inner()).unwrap_or_default(),
                name: name.map(|s| s.into_inner()).unwrap_or_default(),
                name_en: text(&r.name_en),
                kind,
                tiers,
            });
        }
    }
    for d in &raw.deductions {
        let (r, path) = (&d.value, d.path.as_str());
        let t = &(d.span.clone(), path);
        let (id, name) = id_and_name(cx, (&r.id, &r.name), t, &mut ids, &say::what_pay_line());
        let metric = need_metric(cx, &r.metric, t, true);
        let share = num(cx, &r.share, path, "share", Quantity::Ratio);
        pay.deductions.push(Deduction {
            id: id.map(|s| s.into_inner()).unwrap_or_default(),
            name: name.map(|s| s.into_inner()).unwrap_or_default(),
            name_en: text(&r.name_en),
            metric: metric.unwrap_or(REPORTED),
            share: share.map(|s| s.value).unwrap_or(Decimal::ONE),
        });
    }
    pay
}

fn lint_risk(cx: &mut Cx, r: Option<&Part<raw::RawRisk>>, tiers: &[Tier]) -> Option<RiskDeposit> {
    let p = r?;
    let (r, path) = (&p.value, p.path.as_str());
    let t = &(p.span.clone(), path);
    let rule = need_str(cx, &r.rule, t, "rule");
    let rate = need_num(cx, &r.rate, t, "rate", Quantity::Ratio);
    let base = word(cx, &r.base, path, "base").unwrap_or(HoldbackBase::AfterDeductions);
    let months = int(
        cx,
        &r.release_after_months,
        path,
        "release_after_months",
        0..121,
    )
    .map(|v| v.value as u32)
    .unwrap_or(6);
    let lowered = word(cx, &r.lowered_cap, path, "lowered_cap").unwrap_or(LoweredCap::Keep);
    if rate.is_some() && tiers.iter().all(|t| t.risk_deposit_cap.is_none()) {
        cx.error(&p.span, Code::MissingKey, say::risk_without_cap());
    }
    Some(RiskDeposit {
        rule: rule.map(|s| s.into_inner()).unwrap_or_default(),
        name: text(&r.name).unwrap_or_else(|| "风险金".into()),
        name_en: text(&r.name_en),
        rate: rate.map(|v| v.value).unwrap_or_default(),
        base,
        release_after_months: months,
        lowered_cap: lowered,
    })
}

fn lint_flags(cx: &mut Cx, flags: &[Part<raw::RawFlag>], names: &TierNames) -> Vec<FlagRule> {
    use raw::FlagCheck as C;
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for f in flags {
        let (r, path) = (&f.value, f.path.as_str());
        let t = &(f.span.clone(), path);
        let (id, name) = id_and_name(cx, (&r.id, &r.name), t, &mut ids, &say::what_flag());
        let tiers = names.list(cx, &r.tiers);
        if r.check.is_none() {
            missing(cx, t, "check", &one_of(C::words()));
        }
        let given = [
            ("above", span_of(&r.above)),
            ("ratio", span_of(&r.ratio)),
            ("months", span_of(&r.months)),
            ("min", span_of(&r.min)),
            ("times", span_of(&r.times)),
        ];
        let check = word(cx, &r.check, path, "check");
        let reads: &[&'static str] = match check {
            Some(C::JointSigningRequired | C::GrossAbove) => &["above"],
            Some(C::DepositBelowBase) => &["ratio", "months"],
            Some(C::CollectionBelow | C::NewLoanCollectionBelow) => &["min"],
            Some(C::GrossAboveTierMedian) => &["times"],
            Some(C::LoanAboveAuthority | C::ClientOutsideBand) | None => &[],
        };
        if let Some(c) = &r.check
            && check.is_some()
        {
            let unread: Vec<_> = given
                .into_iter()
                .filter(|(k, _)| !reads.contains(k))
                .collect();
            not_read(
                cx,
                path,
                &say::kind_is(format!("`check = \"{}\"`", c.get_ref().text)),
                &unread,
            );
        }
        let kind = match check {
            Some(C::LoanAboveAuthority) => Some(FlagKind::LoanAboveAuthority),
            Some(C::JointSigningRequired) => {
                need_num(cx, &r.above, t, "above", Quantity::NonNegative)
                    .map(|v| FlagKind::JointSigningRequired { above: v.value })
            }
            Some(C::ClientOutsideBand) => Some(FlagKind::ClientOutsideBand),
            Some(C::DepositBelowBase) => {
                let ratio = need_num(cx, &r.ratio, t, "ratio", Quantity::Ratio);
                let months = int(cx, &r.months, path, "months", 1..25)
                    .map(|m| m.value as u32)
                    .unwrap_or(1);
                ratio.map(|v| FlagKind::DepositBelowBase {
                    ratio: v.value,
                    months,
                })
            }
            Some(C::CollectionBelow) => need_num(cx, &r.min, t, "min", Quantity::Ratio)
                .map(|v| FlagKind::CollectionBelow { min: v.value }),
            Some(C::NewLoanCollectionBelow) => need_num(cx, &r.min, t, "min", Quantity::Ratio)
                .map(|v| FlagKind::NewLoanCollectionBelow { min: v.value }),
            Some(C::GrossAbove) => need_num(cx, &r.above, t, "above", Quantity::Money)
                .map(|v| FlagKind::GrossAbove { above: v.value }),
            Some(C::GrossAboveTierMedian) => need_num(cx, &r.times, t, "times", Quantity::Multiple)
                .map(|v| FlagKind::GrossAboveTierMedian { times: v.value }),
            None => None,
        };
        if let (Some(id), Some(kind)) = (id, kind) {
            out.push(FlagRule {
                id: id.into_inner(),
                name: name.map(|s| s.into_inner()).unwrap_or_default(),
                name_en: text(&r.name_en),
                kind,
                tiers,
            });
        }
    }
    out
}

fn lint_score(cx: &mut Cx, raw: &RawPolicy, names: &TierNames) -> Option<Score> {
    let s = raw.score.as_ref()?;
    let total = num(cx, &s.value.total, &s.path, "total", Quantity::Points)
        .map(|v| v.value)
        .unwrap_or(Decimal::ONE_HUNDRED);
    let mut components = Vec::new();
    let mut claimed: Vec<(String, TierIx, Span)> = Vec::new();
    for c in &raw.components {
        let (r, path) = (&c.value, c.path.as_str());
        let t = &(c.span.clone(), path);
        let id = need_str(cx, &r.id, t, "id");
        let name = need_str(cx, &r.name, t, "name");
        let metric = need_metric(cx, &r.metric, t, false);
        let points = need_num(cx, &r.points, t, "points", Quantity::Points);
        let tiers = names.list(cx, &r.tiers);
        if let Some(id) = &id {
            claim(cx, &mut claimed, id, &tiers, names);
        }
        let kind_word = match &r.kind {
            None => Some(raw::ComponentKindWord::default()),
            Some(_) => word(cx, &r.kind, path, "kind"),
        };
        let kind = component_kind(cx, c, kind_word, names);
        let when_missing = word(cx, &r.when_missing, path, "when_missing").unwrap_or_default();
        let id = id.map(|s| s.into_inner()).unwrap_or_default();
        if let Some(kind) = kind {
            components.push(Component {
                rule: text(&r.rule).unwrap_or_else(|| id.clone()),
                id,
                name: name.map(|s| s.into_inner()).unwrap_or_default(),
                name_en: text(&r.name_en),
                metric: metric.unwrap_or(REPORTED),
                points: points.map(|v| v.value).unwrap_or_default(),
                tiers,
                kind,
                when_missing,
            });
        }
    }
    // `total` says what the components' full points add up to: where it
    // is written, every scored tier's components must add up to it.
    if let Some(written) = s.value.total.as_ref().map(|t| t.span()) {
        for (t, id) in names.ids.iter().enumerate() {
            let mine: Vec<&Component> = components
                .iter()
                .filter(|c| c.tiers.is_empty() || c.tiers.contains(&t))
                .collect();
            if mine.is_empty() {
                continue;
            }
            let sum: Decimal = mine.iter().map(|c| c.points).sum();
            if sum != total {
                let parts = mine
                    .iter()
                    .map(|c| format!("{} {}", c.id, c.points.normalize()))
                    .collect::<Vec<_>>()
                    .join(", ");
                cx.error(
                    &written,
                    Code::OutOfRange,
                    say::score_total_differs(total.normalize(), id, sum.normalize(), parts),
                );
                break;
            }
        }
    }
    Some(Score { total, components })
}

/// A component's id applies to each of its tiers (all, where it names
/// none) once; `claimed` holds (id, tier, where) of those seen.
fn claim(
    cx: &mut Cx,
    claimed: &mut Vec<(String, TierIx, Span)>,
    id: &Sp<String>,
    tiers: &[TierIx],
    names: &TierNames,
) {
    let all: Vec<TierIx> = if tiers.is_empty() {
        (0..names.ids.len()).collect()
    } else {
        tiers.to_vec()
    };
    for tier in all {
        if let Some((_, _, prev)) = claimed
            .iter()
            .find(|(i, tt, _)| i == id.get_ref() && *tt == tier)
        {
            let (l, col) = cx.line_col(prev.start);
            cx.error(
                &id.span(),
                Code::DuplicateId,
                say::in_each(|lang| {
                    let at = say::at_line_col(l, col);
                    say::component_twice(id.get_ref(), &names.ids[tier], at.get(lang))
                }),
            );
        } else {
            claimed.push((id.get_ref().clone(), tier, id.span()));
        }
    }
}

/// What a component computes, by its `kind`. What holds whatever the kind
/// (a step is positive, caps have their signs, bands rise) is checked
/// even where the kind is not a word, so one run shows every problem of
/// the component.
fn component_kind(
    cx: &mut Cx,
    c: &Part<raw::RawComponent>,
    kind_word: Option<raw::ComponentKindWord>,
    names: &TierNames,
) -> Option<ComponentKind> {
    use raw::ComponentKindWord as K;
    let (r, path) = (&c.value, c.path.as_str());
    let t = &(c.span.clone(), path);
    let step = num(cx, &r.step, path, "step", Quantity::Any);
    if let Some(st) = &step
        && st.value <= Decimal::ZERO
    {
        cx.error(&st.span, Code::OutOfRange, say::step_positive(st.value));
    }
    let pps = num(
        cx,
        &r.points_per_step,
        path,
        "points_per_step",
        Quantity::Points,
    );
    let up = num(cx, &r.cap_up, path, "cap_up", Quantity::Any);
    let down = num(cx, &r.cap_down, path, "cap_down", Quantity::Any);
    if let Some(u) = &up
        && u.value < Decimal::ZERO
    {
        cx.error(&u.span, Code::CapSign, say::cap_up_sign(u.value));
    }
    if let Some(d) = &down
        && d.value > Decimal::ZERO
    {
        cx.error(&d.span, Code::CapSign, say::cap_down_sign(d.value));
    }
    let bands = r.bands.as_ref().map(|b| lint_bands(cx, b, path));
    let steps_keys = [
        ("target", span_of(&r.target)),
        ("step", span_of(&r.step)),
        ("points_per_step", span_of(&r.points_per_step)),
        ("cap_up", span_of(&r.cap_up)),
        ("cap_down", span_of(&r.cap_down)),
    ];
    match kind_word {
        Some(K::Steps) => {
            not_read(
                cx,
                path,
                &say::kind_is("`kind = \"steps\"`"),
                &[
                    ("targets", span_of(&r.targets)),
                    ("bands", span_of(&r.bands)),
                ],
            );
            let target = need_num(cx, &r.target, t, "target", Quantity::Any);
            for (key, given) in &steps_keys[1..] {
                if given.is_none() {
                    missing(cx, t, key, &say::type_number());
                }
            }
            Some(ComponentKind::Steps {
                target: target.map(|v| v.value).unwrap_or_default(),
                step: step
                    .map(|v| v.value)
                    .filter(|v| *v > Decimal::ZERO)
                    .unwrap_or(Decimal::ONE),
                points_per_step: pps.map(|v| v.value).unwrap_or_default(),
                cap_up: up.map(|v| v.value).unwrap_or_default(),
                cap_down: down.map(|v| v.value).unwrap_or_default(),
            })
        }
        Some(K::Bands) => {
            let mut unread = steps_keys.to_vec();
            unread.push(("targets", span_of(&r.targets)));
            not_read(cx, path, &say::kind_is("`kind = \"bands\"`"), &unread);
            if bands.is_none() {
                cx.error(
                    &c.span,
                    Code::MissingKey,
                    say::missing_key(format!("{path}.bands")),
                );
            }
            Some(ComponentKind::Bands {
                bands: bands.unwrap_or_default(),
            })
        }
        Some(K::ProRata) => {
            let mut unread = steps_keys[1..].to_vec();
            unread.push(("bands", span_of(&r.bands)));
            not_read(cx, path, &say::kind_is("`kind = \"pro_rata\"`"), &unread);
            let target = names.values(
                cx,
                &r.target,
                &r.targets,
                path,
                ("target", "targets"),
                Quantity::NonNegative,
            );
            Some(ComponentKind::ProRata { target })
        }
        None => {
            num(cx, &r.target, path, "target", Quantity::Any);
            None
        }
    }
}

/// A component's bands: each with `max` (≤) or `below` (<) or neither (a
/// catch-all, last), their bounds rising.
fn lint_bands(cx: &mut Cx, bands: &Sp<Vec<Sp<raw::RawBand>>>, path: &str) -> Vec<Band> {
    let mut out: Vec<Band> = Vec::new();
    let mut prev_upper: Option<At<Decimal>> = None;
    let mut catch_all_seen = false;
    for (i, b) in bands.get_ref().iter().enumerate() {
        let (r, span) = (b.get_ref(), b.span());
        let bp = format!("{path}.bands[{i}]");
        let t = &(span.clone(), bp.as_str());
        let max = num(cx, &r.max, &bp, "max", Quantity::Any);
        let below = num(cx, &r.below, &bp, "below", Quantity::Any);
        let points = need_num(cx, &r.points, t, "points", Quantity::Points);
        if max.is_some() && below.is_some() {
            cx.error(&span, Code::BadRange, say::band_max_and_below());
        }
        if catch_all_seen {
            cx.error(&span, Code::OverlappingBands, say::band_never_matches());
        }
        let upper = max.as_ref().or(below.as_ref());
        if let (Some(u), Some(p)) = (upper, &prev_upper)
            && u.value < p.value
        {
            let (l, col) = cx.line_col(p.span.start);
            cx.error(
                &u.span,
                Code::OverlappingBands,
                say::in_each(|lang| {
                    let at = say::at_line_col(l, col);
                    say::bands_must_rise(u.value, p.value, at.get(lang))
                }),
            );
        }
        match upper {
            Some(u) => prev_upper = Some(u.clone()),
            None => catch_all_seen = true,
        }
        out.push(Band {
            max: max.map(|v| v.value),
            below: below.map(|v| v.value),
            points: points.map(|v| v.value).unwrap_or_default(),
        });
    }
    out
}

fn lint_condition(cx: &mut Cx, c: &Sp<raw::RawCondition>, path: &str) -> Option<Condition> {
    let r = c.get_ref();
    if let Some(items) = r.all.as_ref().or(r.any.as_ref()) {
        let is_all = r.all.is_some();
        let group: Vec<Condition> = items
            .get_ref()
            .iter()
            .enumerate()
            .filter_map(|(i, item)| lint_condition(cx, item, &format!("{path}[{i}]")))
            .collect();
        not_read(
            cx,
            path,
            &say::group_of_conditions(),
            &[
                (
                    if is_all { "any" } else { "all" },
                    if is_all { span_of(&r.any) } else { None },
                ),
                ("metric", span_of(&r.metric)),
                ("op", span_of(&r.op)),
                ("value", span_of(&r.value)),
                ("consecutive_months", span_of(&r.consecutive_months)),
            ],
        );
        return Some(if is_all {
            Condition::All(group)
        } else {
            Condition::Any(group)
        });
    }
    let t = &(c.span(), path);
    let metric = need_metric(cx, &r.metric, t, false);
    if r.op.is_none() {
        missing(cx, t, "op", &one_of(Op::words()));
    }
    let op = word(cx, &r.op, path, "op");
    let value = need_num(cx, &r.value, t, "value", Quantity::Any);
    // A run is read within the review period's months: a year has 12, so
    // a longer run could never hold.
    let months = int(cx, &r.consecutive_months, path, "consecutive_months", 1..13);
    if let Some(m) = &months {
        let at = cx.location(&m.span);
        cx.month_runs.push(super::model::MonthRun {
            path: key_path(path, "consecutive_months"),
            months: m.value as u32,
            at,
        });
    }
    let (metric, op, value) = (metric?, op?, value?.value);
    Some(match months {
        Some(m) => Condition::Consecutive {
            months: m.value as u32,
            metric,
            op,
            value,
        },
        None => Condition::Compare { metric, op, value },
    })
}

/// A rule's `when`, which it needs.
fn need_when(
    cx: &mut Cx,
    w: &Option<Sp<raw::RawCondition>>,
    t: &(Span, &str),
) -> Option<Condition> {
    match w {
        Some(w) => lint_condition(cx, w, &key_path(t.1, "when")),
        None => {
            cx.error(
                &t.0,
                Code::MissingKey,
                say::missing_key(format!("{}.when", t.1)),
            );
            None
        }
    }
}

/// A promotion without `to` goes to the next higher tier of the RM's
/// role; for the highest tier of a role there is none, and such an RM was
/// proposed for no tier (shown as dismissed, decided 晋升). An error at
/// the tier in `tiers` (or at the rule, which then applies to every tier).
fn promotes_from_the_top(
    cx: &mut Cx,
    names: &TierNames,
    ladder: &[Tier],
    r: &raw::RawReviewRule,
    t: &(Span, &str),
) {
    let top = |ix: TierIx| {
        ladder
            .get(ix)
            .is_some_and(|me| !ladder[ix + 1..].iter().any(|u| u.role == me.role))
    };
    let at: Vec<(Span, TierIx)> = match &r.tiers {
        Some(given) => given
            .iter()
            .filter_map(|n| {
                let ix = names.ids.iter().position(|id| id == n.get_ref())?;
                top(ix).then(|| (n.span(), ix))
            })
            .collect(),
        None => (0..ladder.len())
            .filter(|ix| top(*ix))
            .map(|ix| (span_of(&r.decision).unwrap_or_else(|| t.0.clone()), ix))
            .collect(),
    };
    for (span, ix) in at {
        let id = names.ids.get(ix).map_or("", String::as_str);
        cx.error(&span, Code::MissingKey, say::promotes_from_top(t.1, id));
    }
}

fn lint_review(cx: &mut Cx, raw: &RawPolicy, names: &TierNames, ladder: &[Tier]) -> Review {
    let mut review = Review::default();
    let Some(p) = raw.review.as_ref() else {
        return review;
    };
    let (r, path) = (&p.value, p.path.as_str());
    review.bottom_n = int(cx, &r.bottom_n, path, "bottom_n", 0..100).map(|v| v.value as u32);
    review.growth_base = word(cx, &r.growth_base, path, "growth_base").unwrap_or_default();
    review.average_over = word(cx, &r.average_over, path, "average_over").unwrap_or_default();
    review.branch_heads_on_branch = r.branch_heads_on_branch.unwrap_or(false);
    review.branch_base = word(cx, &r.branch_base, path, "branch_base").unwrap_or_default();
    // The branch's bases are read only where heads are assessed on it.
    if !review.branch_heads_on_branch {
        not_read(
            cx,
            path,
            &say::kind_is("`branch_heads_on_branch = false`"),
            &[("branch_base", span_of(&r.branch_base))],
        );
    }
    review.grade_by_criteria = r.grade_by_criteria.unwrap_or(false);
    review.qualification_valid_years = int(
        cx,
        &r.qualification_valid_years,
        path,
        "qualification_valid_years",
        1..100,
    )
    .map(|v| v.value as u32);
    review.max_clients =
        int(cx, &r.max_clients, path, "max_clients", 1..100_000).map(|v| v.value as u32);
    review.pass_line_clients_from = num(
        cx,
        &r.pass_line_clients_from,
        path,
        "pass_line_clients_from",
        Quantity::NonNegative,
    )
    .map(|v| v.value);
    review.quarter_settlements =
        word(cx, &r.quarter_settlements, path, "quarter_settlements").unwrap_or_default();
    review.quarter_targets =
        word(cx, &r.quarter_targets, path, "quarter_targets").unwrap_or_default();
    review.collection_rate_when_nothing_due = word(
        cx,
        &r.collection_rate_when_nothing_due,
        path,
        "collection_rate_when_nothing_due",
    );
    review.npl_ratio_when_no_loans = word(
        cx,
        &r.npl_ratio_when_no_loans,
        path,
        "npl_ratio_when_no_loans",
    );
    let mut ids = Vec::new();
    for rule in &raw.rules {
        let (r, path) = (&rule.value, rule.path.as_str());
        let t = &(rule.span.clone(), path);
        let (id, name) = id_and_name(cx, (&r.id, &r.name), t, &mut ids, &say::what_review_rule());
        let tiers = names.list(cx, &r.tiers);
        if r.decision.is_none() {
            cx.error(
                &t.0,
                Code::MissingKey,
                say::missing_key(format!("{path}.decision")),
            );
        }
        let decision = word(cx, &r.decision, path, "decision");
        let to = names.opt(cx, &r.to, "`to`");
        if decision == Some(Decision::Promote) && r.to.is_none() {
            promotes_from_the_top(cx, names, ladder, r, t);
        }
        let when = need_when(cx, &r.when, t);
        let new_base = word(cx, &r.new_base, path, "new_base").is_some();
        let when_missing = word(cx, &r.when_missing, path, "when_missing").unwrap_or_default();
        if let (Some(id), Some(decision), Some(when)) = (id, decision, when) {
            review.rules.push(ReviewRule {
                id: id.into_inner(),
                name: name.map(|s| s.into_inner()).unwrap_or_default(),
                name_en: text(&r.name_en),
                tiers,
                decision,
                to,
                new_base_from_tier_average: new_base,
                when,
                when_missing,
            });
        }
    }
    for d in &raw.disqualifiers {
        let (r, path) = (&d.value, d.path.as_str());
        let t = &(d.span.clone(), path);
        let (id, name) = id_and_name(cx, (&r.id, &r.name), t, &mut ids, &say::what_disqualifier());
        let when = need_when(cx, &r.when, t);
        let when_missing = word(cx, &r.when_missing, path, "when_missing").unwrap_or_default();
        if let (Some(id), Some(when)) = (id, when) {
            review.disqualifiers.push(Disqualifier {
                id: id.into_inner(),
                name: name.map(|s| s.into_inner()).unwrap_or_default(),
                when,
                when_missing,
            });
        }
    }
    review.month_runs = std::mem::take(&mut cx.month_runs);
    review
}

fn lint_examples(
    cx: &mut Cx,
    examples: &[Part<raw::RawExample>],
    names: &TierNames,
) -> Vec<Example> {
    let mut out = Vec::new();
    for e in examples {
        let (r, path) = (&e.value, e.path.as_str());
        let t = &(e.span.clone(), path);
        let name = need_str(cx, &r.name, t, "name");
        let (line, _) = cx.line_col(e.span.start);
        let tier = need_str(cx, &r.tier, t, "tier").and_then(|n| names.resolve(cx, &n, "`tier`"));
        let role = word(cx, &r.role, path, "role");
        let metrics: Vec<(Metric, Decimal)> =
            num_map(cx, r.metrics.as_ref(), path, "metrics", Quantity::Any)
                .into_iter()
                .filter_map(|(k, v)| Some((metric(cx, &k, false)?, v.value)))
                .collect();
        let clients = r
            .clients
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| {
                let cp = format!("{path}.clients[{i}]");
                ExampleClient {
                    deposits: num(cx, &c.deposits, &cp, "deposits", Quantity::NonNegative)
                        .map(|v| v.value)
                        .unwrap_or_default(),
                    loans: num(cx, &c.loans, &cp, "loans", Quantity::NonNegative)
                        .map(|v| v.value)
                        .unwrap_or_default(),
                    prior_deposits: num(
                        cx,
                        &c.prior_deposits,
                        &cp,
                        "prior_deposits",
                        Quantity::NonNegative,
                    )
                    .map(|v| v.value),
                }
            })
            .collect();
        let (mut decision, mut to, mut score) = (None, None, None);
        match &r.expect {
            Some(x) => {
                let xp = key_path(path, "expect");
                decision = word(cx, &x.decision, &xp, "decision");
                to = names.opt(cx, &x.tier, "`expect.tier`");
                score = num(cx, &x.score, &xp, "score", Quantity::Any).map(|v| v.value);
            }
            None => cx.error(
                &e.span,
                Code::MissingKey,
                say::missing_expect(format!("{path}.expect")),
            ),
        }
        if let Some(tier) = tier {
            out.push(Example {
                name: name.map(|s| s.into_inner()).unwrap_or_default(),
                line,
                tier,
                role,
                metrics,
                clients,
                expect_decision: decision,
                expect_tier: to,
                expect_score: score,
            });
        }
    }
    out
}

/// `[workflow]`: the sign-off steps in order, and which one is the
/// approval that `close` needs.
fn lint_workflow(cx: &mut Cx, raw: &RawPolicy) -> Option<Workflow> {
    let w = raw.workflow.as_ref()?;
    let t = &(w.span.clone(), w.path.as_str());
    let close_after = need_str(cx, &w.value.close_after, t, "close_after");
    if raw.steps.lacks() {
        cx.error(&w.span, Code::MissingKey, say::workflow_without_steps());
        return None;
    }
    let mut seen: Vec<Sp<String>> = Vec::new();
    let mut steps = Vec::new();
    for s in &raw.steps {
        let (r, path) = (&s.value, s.path.as_str());
        let t = &(s.span.clone(), path);
        let id = need_str(cx, &r.id, t, "id");
        let name = need_str(cx, &r.name, t, "name");
        let office = need_str(cx, &r.office, t, "office");
        for s in [&id, &name].into_iter().flatten() {
            dup_check(cx, &mut seen, s, &say::what_workflow_step());
        }
        if let Some(s) = [&id, &name, &office]
            .into_iter()
            .flatten()
            .find(|s| s.get_ref().trim().is_empty())
        {
            cx.error(&s.span(), Code::EmptyValue, say::empty_step_text());
        }
        steps.push(WorkflowStep {
            id: id.map(|s| s.into_inner()).unwrap_or_default(),
            name: name.map(|s| s.into_inner()).unwrap_or_default(),
            name_en: text(&r.name_en),
            office: office.map(|s| s.into_inner()).unwrap_or_default(),
            office_en: text(&r.office_en),
        });
    }
    let close_after = close_after?;
    if !raw.steps.complete {
        // A step with a problem of its own is left out: what
        // `close_after` names may be that step.
        return None;
    }
    let mut wf = Workflow {
        steps,
        approval: 0,
        separate_signers: w.value.separate_signers.unwrap_or(true),
    };
    let wanted = close_after.get_ref();
    match wf.find(wanted) {
        Some(i) => wf.approval = i,
        None => {
            cx.error(
                &close_after.span(),
                Code::UnknownReference,
                say::in_each(|l| {
                    say::unknown_step(wanted, say::hint(wanted, wf.spellings()).get(l))
                }),
            );
            return None;
        }
    }
    Some(wf)
}
