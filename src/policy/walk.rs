//! A schema-directed walk over a spanned TOML document.
//!
//! serde stops at the first error; a bank editing its policy wants every
//! problem at once, each with line and column. So the loader reads the
//! spanned tree (`toml::de::DeTable`) through these helpers, which report a
//! wrong type or a missing key and keep going, and [`Table::finish`] reports
//! every key nobody asked for as unknown, with a "did you mean".

use crate::diag::Code;
use crate::diag::{Diagnostics, Location, suggestion};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::ops::Range;
use std::str::FromStr;
use toml::de::{DeArray, DeTable, DeValue};

pub type Span = Range<usize>;
type SpannedValue<'i> = toml::Spanned<DeValue<'i>>;

/// The document being read: file name, text, and the diagnostics sink.
pub struct Cx<'s> {
    pub file: String,
    src: &'s str,
    pub diags: Diagnostics,
}

impl<'s> Cx<'s> {
    pub fn new(file: &str, src: &'s str) -> Self {
        Cx {
            file: file.to_string(),
            src,
            diags: Diagnostics::new(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let before = &self.src[..floor_char_boundary(self.src, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    pub fn location(&self, span: &Span) -> Location {
        let (line, column) = self.line_col(span.start);
        Location::Text {
            file: self.file.clone(),
            line,
            column,
        }
    }

    pub fn error(&mut self, span: &Span, code: Code, message: impl Into<String>) {
        let loc = self.location(span);
        self.diags.error(loc, code, message);
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// A TOML table being read. Remembers which keys were asked for.
pub struct Table<'a, 'i> {
    table: &'a DeTable<'i>,
    pub span: Span,
    /// Dotted path for messages, e.g. `tiers[2]`.
    pub path: String,
    used: RefCell<Vec<&'static str>>,
}

fn type_name(v: &DeValue<'_>) -> &'static str {
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

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(table: &'a DeTable<'i>, span: Span, path: impl Into<String>) -> Self {
        Table {
            table,
            span,
            path: path.into(),
            used: RefCell::new(Vec::new()),
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    fn get(&self, key: &'static str) -> Option<&'a SpannedValue<'i>> {
        self.used.borrow_mut().push(key);
        self.table.get(key)
    }

    pub fn has(&self, key: &'static str) -> bool {
        self.used.borrow_mut().push(key);
        self.table.contains_key(key)
    }

    fn wrong_type(&self, cx: &mut Cx, key: &str, v: &SpannedValue<'_>, expected: &str) {
        cx.error(
            &v.span(),
            Code::WrongType,
            format!(
                "`{}` must be {expected}, found {}",
                self.key_path(key),
                type_name(v.get_ref())
            ),
        );
    }

    fn missing(&self, cx: &mut Cx, key: &str, expected: &str) {
        cx.error(
            &self.span,
            Code::MissingKey,
            format!("missing `{}` ({expected})", self.key_path(key)),
        );
    }

    /// An optional string.
    pub fn opt_str(&self, cx: &mut Cx, key: &'static str) -> Option<Sp<String>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), v.span())),
            _ => {
                self.wrong_type(cx, key, v, "a string");
                None
            }
        }
    }

    /// A required string.
    pub fn str(&self, cx: &mut Cx, key: &'static str) -> Option<Sp<String>> {
        if !self.table.contains_key(key) {
            self.used.borrow_mut().push(key);
            self.missing(cx, key, "a string");
            return None;
        }
        self.opt_str(cx, key)
    }

    /// An optional exact decimal: an integer, a float (read from its text,
    /// never through f64) or a string holding a number. Private: the loader
    /// reads every number through [`Table::opt_num`] and its kind.
    fn opt_dec(&self, cx: &mut Cx, key: &'static str) -> Option<Sp<Decimal>> {
        let v = self.get(key)?;
        let path = self.key_path(key);
        value_dec(cx, v, &path)
    }

    fn dec(&self, cx: &mut Cx, key: &'static str) -> Option<Sp<Decimal>> {
        if !self.table.contains_key(key) {
            self.used.borrow_mut().push(key);
            self.missing(cx, key, "a number");
            return None;
        }
        self.opt_dec(cx, key)
    }

    /// An optional number of a kind: read exactly, then range-checked as
    /// `q` says (a negative rate, a share above 100% or a rate of 10^15 is
    /// an error at its line and column).
    pub fn opt_num(&self, cx: &mut Cx, key: &'static str, q: Quantity) -> Option<Sp<Decimal>> {
        let v = self.opt_dec(cx, key)?;
        q.check(cx, &v, &format!("`{key}`"));
        Some(v)
    }

    /// A required number of a kind.
    pub fn num(&self, cx: &mut Cx, key: &'static str, q: Quantity) -> Option<Sp<Decimal>> {
        let v = self.dec(cx, key)?;
        q.check(cx, &v, &format!("`{key}`"));
        Some(v)
    }

    /// [`Table::opt_dec_map`] whose every value is of kind `q`.
    pub fn opt_num_map(
        &self,
        cx: &mut Cx,
        key: &'static str,
        q: Quantity,
    ) -> Option<Vec<(Sp<String>, Sp<Decimal>)>> {
        let out = self.opt_dec_map(cx, key)?;
        for (k, v) in &out {
            q.check(cx, v, &format!("`{key}.{}`", k.value));
        }
        Some(out)
    }

    pub fn opt_int(&self, cx: &mut Cx, key: &'static str, range: Range<i64>) -> Option<Sp<i64>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => {
                let parsed = i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok();
                match parsed {
                    Some(n) if range.contains(&n) => Some(Sp::new(n, v.span())),
                    _ => {
                        cx.error(
                            &v.span(),
                            Code::OutOfRange,
                            format!(
                                "`{}` must be between {} and {}, found {}",
                                self.key_path(key),
                                range.start,
                                range.end - 1,
                                i.as_str()
                            ),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(cx, key, v, "an integer");
                None
            }
        }
    }

    pub fn opt_bool(&self, cx: &mut Cx, key: &'static str) -> Option<Sp<bool>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, v.span())),
            _ => {
                self.wrong_type(cx, key, v, "true or false");
                None
            }
        }
    }

    /// An optional date, written as a TOML date (`2026-01-01`) or a string.
    pub fn opt_date(&self, cx: &mut Cx, key: &'static str) -> Option<Sp<chrono::NaiveDate>> {
        let v = self.get(key)?;
        let text = match v.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => {
                self.wrong_type(cx, key, v, "a date (YYYY-MM-DD)");
                return None;
            }
        };
        match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => Some(Sp::new(d, v.span())),
            Err(_) => {
                cx.error(
                    &v.span(),
                    Code::WrongType,
                    format!(
                        "`{}` must be a date (YYYY-MM-DD), found `{text}`",
                        self.key_path(key)
                    ),
                );
                None
            }
        }
    }

    /// A string that must be one of `choices`.
    pub fn opt_choice(
        &self,
        cx: &mut Cx,
        key: &'static str,
        choices: &[&'static str],
    ) -> Option<Sp<&'static str>> {
        let s = self.opt_str(cx, key)?;
        match choices.iter().find(|c| **c == s.value) {
            Some(c) => Some(Sp::new(*c, s.span)),
            None => {
                cx.error(
                    &s.span,
                    Code::UnknownValue,
                    format!(
                        "`{}` must be one of {}, found `{}`{}",
                        self.key_path(key),
                        choices
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        s.value,
                        suggestion(&s.value, choices.iter().copied())
                    ),
                );
                None
            }
        }
    }

    /// An optional array of strings.
    pub fn opt_str_list(&self, cx: &mut Cx, key: &'static str) -> Option<Vec<Sp<String>>> {
        let v = self.get(key)?;
        let DeValue::Array(arr) = v.get_ref() else {
            self.wrong_type(cx, key, v, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in arr.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Sp::new(s.to_string(), item.span())),
                _ => cx.error(
                    &item.span(),
                    Code::WrongType,
                    format!(
                        "`{}` must hold strings, found {}",
                        self.key_path(key),
                        type_name(item.get_ref())
                    ),
                ),
            }
        }
        Some(out)
    }

    /// An optional sub-table.
    pub fn opt_table(&self, cx: &mut Cx, key: &'static str) -> Option<Table<'a, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, v.span(), self.key_path(key))),
            _ => {
                self.wrong_type(cx, key, v, "a table");
                None
            }
        }
    }

    /// A table whose keys are names chosen by the user (e.g. tier ids) and
    /// whose values are numbers: `{ senior = 10, mid = 7 }`.
    fn opt_dec_map(
        &self,
        cx: &mut Cx,
        key: &'static str,
    ) -> Option<Vec<(Sp<String>, Sp<Decimal>)>> {
        let v = self.get(key)?;
        let DeValue::Table(t) = v.get_ref() else {
            self.wrong_type(cx, key, v, "a table of numbers");
            return None;
        };
        let mut out = Vec::new();
        for (k, val) in t.iter() {
            let path = format!("{}.{}", self.key_path(key), k.get_ref());
            if let Some(d) = value_dec(cx, val, &path) {
                out.push((Sp::new(k.get_ref().to_string(), k.span()), d));
            }
        }
        Some(out)
    }

    /// An optional array of tables (`[[key]]` or `key = [{..}, {..}]`).
    pub fn opt_tables(&self, cx: &mut Cx, key: &'static str) -> Vec<Table<'a, 'i>> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(arr) = v.get_ref() else {
            self.wrong_type(cx, key, v, "an array of tables");
            return Vec::new();
        };
        tables_of(cx, arr, &self.key_path(key))
    }

    /// The raw value under `key`, for shapes the helpers above do not cover.
    pub fn raw(&self, key: &'static str) -> Option<&'a SpannedValue<'i>> {
        self.get(key)
    }

    /// Report every key that no reader asked for.
    pub fn finish(&self, cx: &mut Cx) {
        let used = self.used.borrow();
        for (k, v) in self.table.iter() {
            let name: &str = k.get_ref();
            if !used.contains(&name) {
                let _ = v;
                cx.error(
                    &k.span(),
                    Code::UnknownKey,
                    format!(
                        "unknown key `{}`{}",
                        self.key_path(name),
                        suggestion(name, used.iter().copied())
                    ),
                );
            }
        }
    }
}

/// The tables of an array; a non-table element is reported.
pub fn tables_of<'a, 'i>(cx: &mut Cx, arr: &'a DeArray<'i>, path: &str) -> Vec<Table<'a, 'i>> {
    let mut out = Vec::new();
    for (i, item) in arr.iter().enumerate() {
        match item.get_ref() {
            DeValue::Table(t) => out.push(Table::new(t, item.span(), format!("{path}[{i}]"))),
            other => cx.error(
                &item.span(),
                Code::WrongType,
                format!("`{path}` must hold tables, found {}", type_name(other)),
            ),
        }
    }
    out
}

/// The largest number a policy may hold (10^15).
const LIMIT: i64 = 1_000_000_000_000_000;

/// Read a value as an exact decimal.
pub fn value_dec(cx: &mut Cx, v: &SpannedValue<'_>, path: &str) -> Option<Sp<Decimal>> {
    let text = match v.get_ref() {
        DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', ""),
        DeValue::Float(f) => f.as_str().replace('_', ""),
        DeValue::String(s) => s.trim().replace(['_', ','], ""),
        other => {
            cx.error(
                &v.span(),
                Code::WrongType,
                format!("`{path}` must be a number, found {}", type_name(other)),
            );
            return None;
        }
    };
    let parsed = Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text));
    match parsed {
        // Far beyond any bank's figures, and small enough that no product
        // or sum of policy and ledger figures can overflow a decimal.
        Ok(d) if d.abs() >= Decimal::from(LIMIT) => {
            cx.error(
                &v.span(),
                Code::OutOfRange,
                format!("`{path}` must be less than 10^15 in size, found `{text}`"),
            );
            None
        }
        Ok(d) => Some(Sp::new(d.normalize(), v.span())),
        Err(_) => {
            cx.error(
                &v.span(),
                Code::WrongType,
                format!("`{path}` must be an exact decimal number, found `{text}`"),
            );
            None
        }
    }
}

/// What a policy number stands for, and so the range it must lie in. Every
/// number of a policy is read as one of these ([`Table::opt_num`]), so a
/// range is checked once, where the number is read, for every key of that
/// kind. The ceilings are no bank's figures: each is far above any real
/// rate or amount and only catches a slip (a misplaced decimal point, a
/// rate of 10^15).
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
    pub fn check(self, cx: &mut Cx, v: &Sp<Decimal>, what: &str) {
        let x = v.value;
        let negative = x.is_sign_negative() && !x.is_zero();
        let ceiling = |n: i64| x > Decimal::from(n);
        let problem: Option<(Code, String)> = match self {
            Quantity::Any => None,
            Quantity::NonNegative | Quantity::Rate | Quantity::Money | Quantity::Points
                if negative =>
            {
                Some((
                    Code::NegativeValue,
                    format!("{what} must not be negative, found {x}"),
                ))
            }
            Quantity::NonNegative => None,
            Quantity::Ratio if negative || x > Decimal::ONE => Some((
                Code::OutOfRange,
                format!("{what} must be a fraction between 0 and 1 (20% is 0.20), found {x}"),
            )),
            Quantity::Ratio => None,
            Quantity::Rate if ceiling(RATE_CEILING) => Some((
                Code::OutOfRange,
                format!(
                    "{what} must be at most {RATE_CEILING} (yuan per `per` units of the metric), found {x}"
                ),
            )),
            Quantity::Money if ceiling(MONEY_CEILING) => Some((
                Code::OutOfRange,
                format!("{what} must be at most {MONEY_CEILING} yuan, found {x}"),
            )),
            Quantity::Points if ceiling(POINTS_CEILING) => Some((
                Code::OutOfRange,
                format!("{what} must be at most {POINTS_CEILING} points, found {x}"),
            )),
            Quantity::Rate | Quantity::Money | Quantity::Points => None,
            Quantity::Per if x < Decimal::ONE => Some((
                Code::OutOfRange,
                format!(
                    "{what} must be at least 1 (the rate is quoted per `per` units of the metric), found {x}"
                ),
            )),
            Quantity::Per => None,
            Quantity::Multiple if x < Decimal::ONE || ceiling(MULTIPLE_CEILING) => Some((
                Code::OutOfRange,
                format!("{what} must be between 1 and {MULTIPLE_CEILING}, found {x}"),
            )),
            Quantity::Multiple => None,
        };
        if let Some((code, message)) = problem {
            cx.error(&v.span, code, message);
        }
    }
}
