//! Cell values → typed values: amounts, numbers, percentages, dates and
//! enumerations. Pure functions; the caller decides the diagnostic code and
//! location, these only say what was wrong.

use super::cell::{Cv, excel_date, yyyymmdd};
use crate::text::{Msg, ledger as says};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write;
use std::str::FromStr;

pub(crate) const AWAY: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// Decimal places an input number may carry.
pub(crate) const MAX_INPUT_DP: u32 = 4;

/// Round to `scale` places (midpoint away from zero) and show exactly that
/// many places.
pub(crate) fn to_scale(v: Decimal, scale: u32) -> Decimal {
    let mut r = v.round_dp_with_strategy(scale, AWAY);
    r.rescale(scale);
    r
}

/// Text as typed in a number cell → ASCII: full-width digits and signs mapped,
/// thousands separators and spaces dropped.
pub(crate) fn normalize_numeric(s: &str, out: &mut String) {
    out.clear();
    for ch in s.chars() {
        let c = match ch {
            '０'..='９' => char::from(b'0' + (ch as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '－' => '-',
            '＋' => '+',
            '％' => '%',
            c => c,
        };
        if c == ',' || c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TextNum {
    /// Not a number at all.
    Bad,
    /// A number with more decimal places than allowed.
    TooPrecise,
}

/// `[+-]digits[.digits]` (ASCII, already normalized) as an exact decimal,
/// with at most `max_dp` significant decimal places.
pub(crate) fn parse_plain_decimal(s: &str, max_dp: u32) -> Result<Decimal, TextNum> {
    let (neg, digits) = if let Some(r) = s.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = s.strip_prefix('+') {
        (false, r)
    } else {
        (false, s)
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(TextNum::Bad);
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TextNum::Bad);
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > max_dp as usize {
        return Err(TextNum::TooPrecise);
    }
    let int = int.trim_start_matches('0');
    if int.len() + frac.len() > 28 {
        return Err(TextNum::Bad);
    }
    let mut m: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        m = m * 10 + i128::from(b - b'0');
    }
    if neg {
        m = -m;
    }
    Decimal::try_from_i128_with_scale(m, frac.len() as u32).map_err(|_| TextNum::Bad)
}

/// The shortest decimal that reads back as `f` (what Excel shows), exactly.
pub(crate) fn float_exact(f: f64, buf: &mut String) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    buf.clear();
    let _ = write!(buf, "{f}");
    Decimal::from_str(buf).ok()
}

/// How far a float cell may sit from the decimal it stands for and still
/// be read as that decimal: float noise, as left by spreadsheet arithmetic
/// (`=0.1+0.2` is 0.30000000000000004), is a few units in the last place of
/// the binary value. The window is at most `NOISE_ULPS` of them, at least a
/// hundred-thousandth of the column's smallest step (so that a residue such
/// as `=0.1+0.2-0.3` reads as 0), and never more than a tenth of that step,
/// so no value is noise around one decimal and a distinct decimal at once,
/// at any magnitude: `9000000.00012` is not `9000000.0001`.
const NOISE_ULPS: u64 = 4;

/// 10⁻ⁿ, exactly as the f64 literal reads (no `powi` rounding).
const NEG_POW10: [f64; 16] = [
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14,
    1e-15,
];

/// Is `f` float noise around `g`, the f64 nearest a decimal of `places`
/// places?
fn is_noise(f: f64, g: f64, places: u32) -> bool {
    let p = places as usize;
    let (Some(&floor), Some(&cap)) = (NEG_POW10.get(p + 5), NEG_POW10.get(p + 1)) else {
        return f == g;
    };
    let d = (f - g).abs();
    let ulps = if f.is_sign_negative() == g.is_sign_negative() {
        f.to_bits().abs_diff(g.to_bits())
    } else {
        u64::MAX
    };
    d <= cap && (ulps <= NOISE_ULPS || d <= floor)
}

/// 10ⁿ, exact as an f64.
const POW10: [f64; 9] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/// `f` × 10⁴ as an integer when `f` is a 4-place decimal or float noise
/// around one (the common case, decided without text); `None` when unsure.
#[inline]
fn fast_mantissa4(f: f64) -> Option<i64> {
    fast_mantissa(f, MAX_INPUT_DP)
}

/// `f` × 10^places as an integer when `f` is a decimal of `places` places
/// or float noise around one (decided without text); `None` when unsure.
#[inline]
fn fast_mantissa(f: f64, places: u32) -> Option<i64> {
    let &scale = POW10.get(places as usize)?;
    let s = f * scale;
    // NaN fails this test too.
    if s.abs().partial_cmp(&1_125_899_906_842_624.0) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    // Round half away from zero without calling libm: |s| < 2^50, so the
    // truncation is exact and the fraction is exact.
    let t = s as i64;
    let frac = s - t as f64;
    let r = if frac >= 0.5 {
        t + 1
    } else if frac <= -0.5 {
        t - 1
    } else {
        t
    };
    // |r| < 2^50 is exact as an f64, and the division is correctly
    // rounded: `g` is the f64 nearest the decimal r / 10^places, as parsing
    // its text would give.
    let g = r as f64 / scale;
    is_noise(f, g, places).then_some(r)
}

/// A float cell as a decimal with at most `places` places. The decimal a
/// float stands for is its shortest round-trip form (what Excel shows,
/// Rust's `{}`): clean when that has at most `places` places; otherwise it
/// is accepted only as float noise around a `places`-place decimal (see
/// [`NOISE_ULPS`]), and refused at every magnitude.
pub(crate) fn float_to_dec(f: f64, places: u32, buf: &mut String) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    // Fast path: same result as the exact path below, without text.
    if let Some(m) = fast_mantissa(f, places) {
        return Some(Decimal::new(m, places));
    }
    float_to_dec_text(f, places, buf)
}

/// [`float_to_dec`] through the shortest round-trip text.
fn float_to_dec_text(f: f64, places: u32, buf: &mut String) -> Option<Decimal> {
    let v = float_exact(f, buf)?;
    if v.normalize().scale() <= places {
        return Some(v);
    }
    let r = v.round_dp_with_strategy(places, AWAY);
    buf.clear();
    let _ = write!(buf, "{r}");
    let g = f64::from_str(buf).ok()?;
    is_noise(f, g, places).then_some(r)
}

/// [`float_to_dec`] at 4 places.
#[cfg(test)]
pub(crate) fn float_to_dec4(f: f64, buf: &mut String) -> Option<Decimal> {
    float_to_dec(f, MAX_INPUT_DP, buf)
}

/// Places a cell may carry in its own unit: 4 places of a yuan (or dollar)
/// once multiplied by the column's unit, so 8 in a 万元 column.
pub(crate) fn places_for(factor: Decimal) -> u32 {
    let mut f = factor.normalize();
    let mut extra = 0;
    while f > Decimal::ONE && (f % Decimal::TEN).is_zero() && extra < 8 {
        f /= Decimal::TEN;
        extra += 1;
    }
    MAX_INPUT_DP + extra
}

/// What kind of number column: the words used in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumKind {
    Amount,
    Number,
}

impl NumKind {
    /// `expected an amount, found …` (or a number).
    fn not_one(self, found: &Msg) -> Msg {
        match self {
            NumKind::Amount => says::nest(found, |s| says::not_an_amount(s)),
            NumKind::Number => says::nest(found, |s| says::not_a_number(s)),
        }
    }

    /// `expected an amount with at most N decimal places…, found …`.
    fn too_precise(self, places: u32, note: &Msg, found: &Msg) -> Msg {
        says::nest2(note, found, |note, found| match self {
            NumKind::Amount => says::amount_too_precise(places, note, found),
            NumKind::Number => says::number_too_precise(places, note, found),
        })
    }

    /// `expected an amount, found …, which is too large`.
    fn too_large(self, found: &Msg) -> Msg {
        match self {
            NumKind::Amount => says::nest(found, |s| says::amount_too_large(s)),
            NumKind::Number => says::nest(found, |s| says::number_too_large(s)),
        }
    }
}

/// A number cell (not blank) → exact decimal with at most 4 places, before
/// any unit or rounding.
pub(crate) fn decimal4(cv: &Cv<'_>, kind: NumKind, buf: &mut String) -> Result<Decimal, Msg> {
    decimal_places(cv, kind, MAX_INPUT_DP, buf)
}

/// A number cell (not blank) → exact decimal with at most `places` places,
/// before any unit or rounding.
fn decimal_places(
    cv: &Cv<'_>,
    kind: NumKind,
    places: u32,
    buf: &mut String,
) -> Result<Decimal, Msg> {
    // In a column with a unit (万元), the places are those of the cell as
    // written, and the message says what they amount to.
    let unit_note = || {
        if places > MAX_INPUT_DP {
            says::unit_places_note()
        } else {
            Msg::verbatim("")
        }
    };
    match *cv {
        Cv::Int(i) => Ok(Decimal::from(i)),
        Cv::Float(f) => {
            if !f.is_finite() {
                return Err(kind.not_one(&says::found_value(f)));
            }
            float_to_dec(f, places, buf).ok_or_else(|| {
                if f.abs() >= 1e28 {
                    kind.too_large(&says::found_number(f))
                } else {
                    kind.too_precise(places, &unit_note(), &says::found_value(f))
                }
            })
        }
        Cv::Str(s) => {
            let t = s.trim();
            normalize_numeric(t, buf);
            match parse_plain_decimal(buf, places) {
                Ok(v) => Ok(v),
                Err(TextNum::TooPrecise) => {
                    Err(kind.too_precise(places, &unit_note(), &says::found_text(t)))
                }
                Err(TextNum::Bad) => Err(kind.not_one(&says::found_text(t))),
            }
        }
        _ => Err(kind.not_one(&cv.describe())),
    }
}

/// An amount cell (not blank): exact, times the column's unit factor, rounded
/// to `scale` places.
pub(crate) fn amount(
    cv: &Cv<'_>,
    factor: Decimal,
    scale: u32,
    buf: &mut String,
) -> Result<Decimal, Msg> {
    // Fast path for the common plain float cell: integer rounding.
    if let Cv::Float(f) = *cv
        && factor == Decimal::ONE
        && scale <= MAX_INPUT_DP
        && let Some(m) = fast_mantissa4(f)
    {
        let div = 10i64.pow(MAX_INPUT_DP - scale);
        let (q, rem) = (m / div, m % div);
        let q = if rem.abs() * 2 >= div {
            q + m.signum()
        } else {
            q
        };
        return Ok(Decimal::new(q, scale));
    }
    let v = decimal_places(cv, NumKind::Amount, places_for(factor), buf)?;
    let v = if factor == Decimal::ONE {
        v
    } else {
        v.checked_mul(factor)
            .ok_or_else(|| NumKind::Amount.too_large(&cv.describe()))?
    };
    if v.abs() >= Decimal::from(MAX_MAGNITUDE) {
        return Err(says::nest(&cv.describe(), |s| says::amount_over_limit(s)));
    }
    Ok(to_scale(v, scale))
}

/// Amounts and numbers must stay under 10^15 (a thousand trillion yuan):
/// far beyond any ledger, and small enough that no sum or product of
/// ledger and policy figures can overflow a decimal.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000_000;

/// A percentage cell (not blank) → fraction in [0, 1]. Accepts `60%`, `0.6`
/// and `60` (a value above 1 and at most 100 is a percentage).
pub(crate) fn percent(cv: &Cv<'_>, buf: &mut String) -> Result<Decimal, Msg> {
    let expected = |found: Msg| says::nest(&found, |s| says::share_expected(s));
    let (v, pct, shown) = match *cv {
        Cv::Int(i) => (Decimal::from(i), false, i.to_string()),
        Cv::Float(f) => match float_exact(f, buf) {
            Some(v) => (v, false, format!("{f}")),
            None => return Err(expected(says::found_value(f))),
        },
        Cv::Str(s) => {
            let t = s.trim();
            normalize_numeric(t, buf);
            let (num, pct) = match buf.strip_suffix('%') {
                Some(n) => (n, true),
                None => (buf.as_str(), false),
            };
            match parse_plain_decimal(num, 12) {
                Ok(v) => (v, pct, t.to_string()),
                Err(_) => return Err(expected(says::found_text(t))),
            }
        }
        _ => return Err(expected(cv.describe())),
    };
    let hundred = Decimal::ONE_HUNDRED;
    let frac = if pct || (v > Decimal::ONE && v <= hundred) {
        v / hundred
    } else {
        v
    };
    if frac < Decimal::ZERO || frac > Decimal::ONE {
        return Err(says::share_out_of_range(shown));
    }
    Ok(frac.round_dp_with_strategy(8, AWAY).normalize())
}

/// Parse digits (ASCII or full-width) of length `min..=max`.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    let mut n: u32 = 0;
    let mut len = 0;
    for ch in s.chars() {
        let d = match ch {
            '0'..='9' => ch as u32 - '0' as u32,
            '０'..='９' => ch as u32 - '０' as u32,
            _ => return None,
        };
        len += 1;
        if len > max {
            return None;
        }
        n = n * 10 + d;
    }
    (len >= min).then_some(n)
}

/// `2026-10-01`, `2026/10/01`, `2026年10月1日` (one- or two-digit month and
/// day), optionally followed by a time of day, which is ignored; or
/// `20261001` (`yyyymmdd`, as core systems export dates).
pub(crate) fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(n) = digits(s, 8, 8) {
        return yyyymmdd(f64::from(n)).flatten();
    }
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], s[i + 1..].trim()),
        None => (s, ""),
    };
    if !time
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    {
        return None;
    }
    let (y, m, d) = if let Some((y, rest)) = date.split_once('年') {
        let (m, d) = rest.split_once('月')?;
        let d = d.strip_suffix('日').unwrap_or(d);
        (y, m, d)
    } else {
        let sep = if date.contains('/') { '/' } else { '-' };
        let mut it = date.split(sep);
        let y = it.next()?;
        let m = it.next()?;
        let d = it.next()?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let y = digits(y, 4, 4)?;
    let m = digits(m, 1, 2)?;
    let d = digits(d, 1, 2)?;
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// A date cell, date text, or a `yyyymmdd` number (not blank). Other
/// numbers are refused: a bare serial such as 46296 may be a date whose
/// format was lost, or not a date at all.
pub(crate) fn date(cv: &Cv<'_>) -> Result<NaiveDate, Msg> {
    let not_a_day = |n: &dyn std::fmt::Display| says::date_not_a_day(n);
    let expected = || says::nest(&cv.describe(), |s| says::date_expected(s));
    let number = match *cv {
        Cv::Date(d) if !d.is_duration() => Some(d.as_f64()),
        Cv::Int(i) => Some(i as f64),
        Cv::Float(f) => Some(f),
        Cv::Str(s) => digits(s.trim(), 8, 8).map(f64::from),
        _ => None,
    };
    match number.and_then(yyyymmdd) {
        Some(Some(day)) => return Ok(day),
        Some(None) => {
            return Err(match *cv {
                Cv::Str(s) => not_a_day(&s.trim()),
                _ => not_a_day(&number.unwrap_or_default()),
            });
        }
        None => {}
    }
    match *cv {
        Cv::Date(d) => excel_date(&d).ok_or_else(expected),
        Cv::Str(s) | Cv::DateIso(s) => parse_date_text(s).ok_or_else(expected),
        _ => Err(expected()),
    }
}

/// Case-, space-, underscore- and hyphen-insensitive equality, without
/// allocating.
pub(crate) fn loose_eq(a: &str, b: &str) -> bool {
    fn keep(c: &char) -> bool {
        !(c.is_whitespace() || *c == '_' || *c == '-')
    }
    let mut x = a.chars().filter(keep).flat_map(char::to_lowercase);
    let mut y = b.chars().filter(keep).flat_map(char::to_lowercase);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}

pub(crate) use crate::vocab::Choice;

/// Index of the matching choice.
pub(crate) fn choice(s: &str, choices: &[Choice]) -> Option<usize> {
    if let Some(i) = choices.iter().position(|c| c.id == s || c.zh == s) {
        return Some(i);
    }
    let s = s.trim();
    choices.iter().position(|c| {
        loose_eq(c.id, s) || loose_eq(c.zh, s) || c.aliases.iter().any(|a| loose_eq(a, s))
    })
}

/// "expected one of `rm` (客户经理), …, found `x` (did you mean `rm`?)".
pub(crate) fn choice_error(found: &str, choices: &[Choice]) -> Msg {
    let list: Vec<Msg> = choices
        .iter()
        .map(|c| says::choice_item(c.id, c.zh))
        .collect();
    let cands = choices.iter().flat_map(|c| [c.id, c.zh]);
    let hint = says::suggestion(found, cands);
    says::nest2(&says::list(&list), &hint, |list, hint| {
        says::not_a_choice(list, found, hint)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;
    use rust_decimal_macros::dec;

    fn amt(cv: Cv<'_>) -> Result<Decimal, Msg> {
        amount(&cv, Decimal::ONE, 2, &mut String::new())
    }

    #[test]
    fn float_amounts() {
        assert_eq!(amt(Cv::Float(0.30000000000000004)).unwrap(), dec!(0.30));
        assert_eq!(
            amt(Cv::Float(0.30000000000000004)).unwrap().to_string(),
            "0.30"
        );
        assert_eq!(amt(Cv::Float(1234.5)).unwrap(), dec!(1234.50));
        assert_eq!(amt(Cv::Float(1.005)).unwrap(), dec!(1.01));
        assert_eq!(amt(Cv::Float(-2.675)).unwrap(), dec!(-2.68));
        assert_eq!(
            amt(Cv::Float(123456789012.34)).unwrap(),
            dec!(123456789012.34)
        );
        assert_eq!(
            amt(Cv::Float(999_999_999_999_999.0)).unwrap(),
            dec!(999999999999999)
        );
        assert_eq!(
            amt(Cv::Float(1e15)).unwrap_err().get(Lang::En),
            "expected an amount under 10^15, found the number `1000000000000000`, which is too large"
        );
        assert_eq!(amt(Cv::Float(0.1 + 0.2 + 0.0001)).unwrap(), dec!(0.30));
        assert_eq!(
            amt(Cv::Float(1.23456789)).unwrap_err().get(Lang::En),
            "expected an amount with at most 4 decimal places, found `1.23456789`"
        );
        assert!(amt(Cv::Float(0.00005)).is_err());
        assert!(amt(Cv::Float(f64::NAN)).is_err());
        assert!(amt(Cv::Float(1e40)).is_err());
        assert_eq!(amt(Cv::Int(42)).unwrap().to_string(), "42.00");
    }

    #[test]
    fn float_fast_path_matches_exact_path() {
        let mut buf = String::new();
        let mut x: u64 = 0x2545F4914F6CDD1D;
        for i in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let cents = (x % 100_000_000_000) as i64 - 50_000_000_000;
            let scale = (x >> 40) as u32 % 5;
            let f = cents as f64 / 10f64.powi(scale as i32);
            let fast = float_to_dec4(f, &mut buf);
            let v = float_exact(f, &mut buf).unwrap();
            let r4 = v.round_dp_with_strategy(4, AWAY);
            assert_eq!(fast, Some(r4), "{f}");
            // Noisy neighbours (a few units in the last place away) and
            // values off by 1/20,000 of a step: the fast path (integer
            // arithmetic) and the text path agree on each.
            let noisy: &[u64] = if i % 32 == 0 {
                &[1, 2, 4, 5, 9, 1 << 20]
            } else {
                &[]
            };
            for &k in noisy {
                for g in [
                    f64::from_bits(f.to_bits() + k),
                    f64::from_bits(f.to_bits().saturating_sub(k)),
                ] {
                    assert_eq!(
                        float_to_dec4(g, &mut buf),
                        float_to_dec_text(g, 4, &mut buf),
                        "{g}"
                    );
                }
            }
            // The same at 8 places (a 万元 column): the value ÷ 10⁴ and its
            // noisy neighbours.
            if i % 32 == 0 {
                let w = f / 10_000.0;
                for k in [0u64, 1, 3, 4, 5, 1 << 12] {
                    for g in [
                        f64::from_bits(w.to_bits() + k),
                        f64::from_bits(w.to_bits().saturating_sub(k)),
                    ] {
                        let fast = fast_mantissa(g, 8).map(|m| Decimal::new(m, 8));
                        let text = float_to_dec_text(g, 8, &mut buf);
                        if fast.is_some() {
                            assert_eq!(fast, text, "{g}");
                        }
                        assert_eq!(float_to_dec(g, 8, &mut buf), text, "{g}");
                    }
                }
            }
            if i % 32 == 0 {
                let off = f + 0.000_05;
                assert_eq!(
                    float_to_dec4(off, &mut buf),
                    float_to_dec_text(off, 4, &mut buf),
                    "{off}"
                );
            }
            for scale in 0..=5 {
                let a = amount(&Cv::Float(f), Decimal::ONE, scale, &mut buf).unwrap();
                let b = to_scale(r4, scale);
                assert_eq!((a, a.scale()), (b, b.scale()), "{f} at {scale}");
            }
        }
    }

    /// Not clean at 4 places is an error at every magnitude; float noise
    /// (a few units in the last place) is not, at any magnitude.
    #[test]
    fn four_places_at_every_magnitude() {
        // An f64 near 9,000,000 is spaced ~1.9e-9 apart, so the cell
        // 9000000.00012 is not 9000000.0001 (20,000 units in the last place
        // away); the old tolerance max(|v|, 1)·1e-9 = 0.009 took it for one.
        assert_eq!(
            amt(Cv::Float(9000000.00012)).unwrap_err().get(Lang::En),
            "expected an amount with at most 4 decimal places, found `9000000.00012`"
        );
        assert_eq!(
            amt(Cv::Float(-9000000.00012)).unwrap_err().get(Lang::En),
            "expected an amount with at most 4 decimal places, found `-9000000.00012`"
        );
        assert_eq!(
            amt(Cv::Float(123456.00005)).unwrap_err().get(Lang::En),
            "expected an amount with at most 4 decimal places, found `123456.00005`"
        );
        assert_eq!(
            amt(Cv::Float(50000000000.00012)).unwrap_err().get(Lang::En),
            "expected an amount with at most 4 decimal places, found `50000000000.00012`"
        );
        assert_eq!(amt(Cv::Float(9000000.0001)).unwrap(), dec!(9000000.00));
        assert_eq!(amt(Cv::Float(9000000.0051)).unwrap(), dec!(9000000.01));
        // Honest noise: 9000000.1 + 0.2 = 9000000.299999999 (1 unit in the
        // last place from 9000000.3); 0.1 + 0.2 - 0.3 = 5.55e-17 (a residue
        // under 1e-9 of what should be 0).
        assert_eq!(amt(Cv::Float(9000000.1 + 0.2)).unwrap(), dec!(9000000.30));
        assert_eq!(
            amt(Cv::Float(-(9000000.1 + 0.2))).unwrap(),
            dec!(-9000000.30)
        );
        assert_eq!(amt(Cv::Float(0.1 + 0.2 - 0.3)).unwrap(), dec!(0.00));
        assert_eq!(amt(Cv::Float(123456.1 + 0.2)).unwrap(), dec!(123456.30));
        // The largest magnitudes carry few places in their shortest form.
        assert_eq!(
            amt(Cv::Float(987654321012.3456)).unwrap(),
            dec!(987654321012.35)
        );
    }

    #[test]
    fn text_amounts() {
        assert_eq!(amt(Cv::Str("１２３４.５")).unwrap(), dec!(1234.50));
        assert_eq!(amt(Cv::Str("１２３４．５")).unwrap(), dec!(1234.50));
        assert_eq!(amt(Cv::Str(" 1,234.50 ")).unwrap(), dec!(1234.50));
        assert_eq!(amt(Cv::Str("-1 234")).unwrap(), dec!(-1234));
        assert_eq!(amt(Cv::Str("－１２")).unwrap(), dec!(-12));
        assert_eq!(amt(Cv::Str("+7.1250")).unwrap(), dec!(7.13));
        assert_eq!(amt(Cv::Str("1.23450")).unwrap(), dec!(1.23));
        assert_eq!(
            amt(Cv::Str("12,3O0")).unwrap_err().get(Lang::En),
            "expected an amount, found text `12,3O0`"
        );
        assert_eq!(
            amt(Cv::Str("1.23456")).unwrap_err().get(Lang::En),
            "expected an amount with at most 4 decimal places, found text `1.23456`"
        );
        assert!(amt(Cv::Str("1.2.3")).is_err());
        assert!(amt(Cv::Str("-")).is_err());
        assert!(amt(Cv::Str("¥12")).is_err());
        assert_eq!(
            amt(Cv::Bool(true)).unwrap_err().get(Lang::En),
            "expected an amount, found the boolean `TRUE`"
        );
        assert_eq!(
            amt(Cv::Error(&calamine::CellErrorType::NA))
                .unwrap_err()
                .get(Lang::En),
            "expected an amount, found the spreadsheet error `#N/A`"
        );
        assert_eq!(
            amt(Cv::DateIso("2026-10-01")).unwrap_err().get(Lang::En),
            "expected an amount, found the date `2026-10-01`"
        );
    }

    #[test]
    fn units_and_scale() {
        let mut b = String::new();
        assert_eq!(
            amount(&Cv::Float(1.2345), dec!(10000), 2, &mut b).unwrap(),
            dec!(12345)
        );
        // A 万元 cell may carry 8 places: 4 once in yuan.
        // 0.00005 万元 = 0.5 元; 1.23456789 万元 = 12,345.6789 元 → 12,345.68.
        assert_eq!(
            amount(&Cv::Str("0.00005"), dec!(10000), 2, &mut b).unwrap(),
            dec!(0.50)
        );
        assert_eq!(
            amount(&Cv::Float(1.23456789), dec!(10000), 2, &mut b).unwrap(),
            dec!(12345.68)
        );
        // 万元 to the fen, 6 places, exact: 179.999999 万元 = 1,799,999.99 元.
        for cv in [Cv::Float(179.999999), Cv::Str("179.999999")] {
            let yuan = amount(&cv, dec!(10000), 2, &mut b);
            assert_eq!(yuan, Ok(dec!(1799999.99)), "{cv:?}");
        }
        // 0.000000005 万元 = 0.00005 元: 5 places of a yuan.
        assert_eq!(
            amount(&Cv::Str("0.000000005"), dec!(10000), 2, &mut b)
                .unwrap_err()
                .get(Lang::En),
            "expected an amount with at most 8 decimal places (4 once multiplied by the column's unit), found text `0.000000005`"
        );
        // 900.000000012 万元 = 9,000,000.00012 元.
        assert_eq!(
            amount(&Cv::Float(900.000000012), dec!(10000), 2, &mut b)
                .unwrap_err()
                .get(Lang::En),
            "expected an amount with at most 8 decimal places (4 once multiplied by the column's unit), found `900.000000012`"
        );
        // Float noise in a 万元 column: 900.1 + 0.2 = 900.3000000000001.
        assert_eq!(
            amount(&Cv::Float(900.1 + 0.2), dec!(10000), 2, &mut b).unwrap(),
            dec!(9003000)
        );
        assert_eq!(
            amount(&Cv::Float(2.71829), Decimal::ONE, 2, &mut b)
                .unwrap_err()
                .get(Lang::En),
            "expected an amount with at most 4 decimal places, found `2.71829`"
        );
        assert_eq!(
            amount(&Cv::Float(2.5), Decimal::ONE, 0, &mut b).unwrap(),
            dec!(3)
        );
    }

    #[test]
    fn percents() {
        let p = |cv: Cv<'_>| percent(&cv, &mut String::new());
        assert_eq!(p(Cv::Str("60%")).unwrap(), dec!(0.6));
        assert_eq!(p(Cv::Str("６０％")).unwrap(), dec!(0.6));
        assert_eq!(p(Cv::Str("0.6")).unwrap(), dec!(0.6));
        assert_eq!(p(Cv::Str("60")).unwrap(), dec!(0.6));
        assert_eq!(p(Cv::Float(0.6)).unwrap(), dec!(0.6));
        assert_eq!(p(Cv::Int(60)).unwrap(), dec!(0.6));
        assert_eq!(p(Cv::Int(1)).unwrap(), dec!(1));
        assert_eq!(p(Cv::Int(100)).unwrap(), dec!(1));
        assert_eq!(p(Cv::Float(1.0 / 3.0)).unwrap(), dec!(0.33333333));
        assert_eq!(
            p(Cv::Str("150%")).unwrap_err().get(Lang::En),
            "expected a share between 0% and 100%, found `150%`"
        );
        assert_eq!(
            p(Cv::Int(120)).unwrap_err().get(Lang::En),
            "expected a share between 0% and 100%, found `120`"
        );
        assert!(p(Cv::Float(-0.1)).is_err());
        assert_eq!(
            p(Cv::Str("six")).unwrap_err().get(Lang::En),
            "expected a share such as `60%`, `0.6` or `60`, found text `six`"
        );
    }

    #[test]
    fn dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date_text("2026-10-01"), d(2026, 10, 1));
        assert_eq!(parse_date_text("2026/10/01"), d(2026, 10, 1));
        assert_eq!(parse_date_text("2026/1/5"), d(2026, 1, 5));
        assert_eq!(parse_date_text("2026年10月1日"), d(2026, 10, 1));
        assert_eq!(parse_date_text("２０２６年１０月１日"), d(2026, 10, 1));
        assert_eq!(parse_date_text(" 2026-10-01 00:00:00 "), d(2026, 10, 1));
        assert_eq!(parse_date_text("2026-10-01T00:00:00"), d(2026, 10, 1));
        assert_eq!(parse_date_text("2026-02-30"), None);
        assert_eq!(parse_date_text("2026-10"), None);
        assert_eq!(parse_date_text("10/01/2026"), None);
        assert_eq!(parse_date_text("2026-10-01 noon"), None);
        assert_eq!(parse_date_text("2026-10/01"), None);
        assert_eq!(parse_date_text("yesterday"), None);
        let xl =
            calamine::ExcelDateTime::new(46296.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(date(&Cv::Date(xl)).unwrap(), d(2026, 10, 1).unwrap());
        assert_eq!(
            date(&Cv::Float(46296.0)).unwrap_err().get(Lang::En),
            "expected a date such as `2026-10-01`, found the number `46296`"
        );
        assert_eq!(
            date(&Cv::Str("10月1日")).unwrap_err().get(Lang::En),
            "expected a date such as `2026-10-01`, found text `10月1日`"
        );
    }

    /// `yyyymmdd` as core systems export dates: a number, a number in a
    /// date-formatted cell (a serial of the year 57372 otherwise), text.
    /// Other numbers stay refused; a `yyyymmdd` that is not a day is an
    /// error.
    #[test]
    fn yyyymmdd_dates() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let serial =
            calamine::ExcelDateTime::new(20261031.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(date(&Cv::Date(serial)), Ok(day));
        assert_eq!(date(&Cv::Float(20261031.0)), Ok(day));
        assert_eq!(date(&Cv::Int(20261031)), Ok(day));
        assert_eq!(date(&Cv::Str(" 20261031 ")), Ok(day));
        assert_eq!(date(&Cv::Str("２０２６１０３１")), Ok(day));
        assert_eq!(parse_date_text("20261031"), Some(day));
        // 8 digits that are not a day: an error saying how it was read.
        let bad = |n| {
            Cv::Date(calamine::ExcelDateTime::new(
                n,
                calamine::ExcelDateTimeType::DateTime,
                false,
            ))
        };
        for (cv, shown) in [
            (Cv::Float(20261032.0), "20261032"),
            (bad(20260230.0), "20260230"),
            (Cv::Str("20261300"), "20261300"),
        ] {
            assert_eq!(
                date(&cv).unwrap_err().get(Lang::En),
                format!(
                    "expected a date such as `2026-10-01` or `20261001`, found `{shown}`, which is not a day (read as yyyymmdd)"
                )
            );
        }
        // Not 8 digits, or not whole: as refused as before.
        for (cv, found) in [
            (Cv::Float(261031.0), "the number `261031`"),
            (Cv::Float(20261031.5), "the number `20261031.5`"),
            (Cv::Str("2026103"), "text `2026103`"),
        ] {
            assert_eq!(
                date(&cv).unwrap_err().get(Lang::En),
                format!("expected a date such as `2026-10-01`, found {found}")
            );
        }
        assert_eq!(parse_date_text("202610311"), None);
    }

    #[test]
    fn choices() {
        const C: &[Choice] = &[
            Choice {
                id: "rm",
                zh: "客户经理",
                aliases: &[],
            },
            Choice {
                id: "agent",
                zh: "业务代办员",
                aliases: &[],
            },
            Choice {
                id: "branch_head",
                zh: "支行行长",
                aliases: &[],
            },
        ];
        assert_eq!(choice("rm", C), Some(0));
        assert_eq!(choice(" Branch Head ", C), Some(2));
        assert_eq!(choice("业务代办员", C), Some(1));
        assert_eq!(choice("boss", C), None);
        assert_eq!(
            choice_error("agnet", C).get(Lang::En),
            "expected one of `rm` (客户经理), `agent` (业务代办员), `branch_head` (支行行长), found `agnet` (did you mean `agent`?)"
        );
        assert_eq!(
            choice_error("agnet", C).get(Lang::Zh),
            "「agnet」不是可填的值；可填：「客户经理」、「业务代办员」、「支行行长」（是否应为「agent」？）"
        );
    }
}
