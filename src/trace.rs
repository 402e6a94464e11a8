//! Traces: how each figure was produced. Traces are data, rendered by the
//! report layer into the trace sheet and by `--json`.

use crate::decimal::RoundAway as _;
use rust_decimal::Decimal;

/// One input a figure read: a name and its value or source cell.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Input {
    pub name: Box<str>,
    pub value: Box<str>,
}

impl Input {
    pub fn new(name: impl Into<String>, value: impl ToString) -> Self {
        // A month holds tens of thousands of inputs: no spare room.
        Input {
            name: name.into().into_boxed_str(),
            value: value.to_string().into_boxed_str(),
        }
    }
}

/// One figure with the rule that produced it, its formula and inputs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// What was computed, e.g. `deposit_daily_average` or a pay line id.
    pub figure: String,
    /// The rule id from the policy, or `metric` for a definition of the
    /// engine's vocabulary.
    pub rule: String,
    pub formula: String,
    pub inputs: Vec<Input>,
    /// The value, unrounded for metrics, rounded for money.
    #[serde(serialize_with = "figure_str")]
    pub value: Option<Decimal>,
}

/// A figure that is not money (an average, a ratio) as trace text: exact
/// to [`FIGURE_PLACES`] places, no trailing zeros. An input written this
/// way is the figure its own trace step shows in JSON.
pub fn figure_text(d: Decimal) -> String {
    d.round_away(FIGURE_PLACES).normalize().to_string()
}

/// A sum of ledger amounts times shares (a loan balance, interest) as
/// trace text. The product of an amount (`12000000.00`) and a share
/// (`0.6`) carries the places of both, so the sum would show
/// `12200000.000`; it shows with the ledger's `places`, as its amounts do
/// (`12200000.00`), and more only where its exact value has them (a
/// share of `0.3333` may give them). A value with no more places than the
/// ledger's shows as it is.
pub fn amount_text(d: Decimal, places: u32) -> String {
    if d.scale() <= places {
        return d.to_string();
    }
    let mut v = d.normalize();
    if v.scale() < places {
        v.rescale(places);
    }
    v.to_string()
}

/// Places kept of a figure that is not money (averages and ratios are
/// quotients: their exact value may not end).
pub const FIGURE_PLACES: u32 = 10;

/// Figures in JSON: decimal strings, exact to 10 places, no trailing zeros.
fn figure_str<S: serde::Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => s.serialize_str(&figure_text(*d)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// A sum of amounts times shares: the ledger's places, and more only
    /// where they are digits of the value.
    #[test]
    fn amount_text_keeps_the_ledgers_places_and_real_digits_only() {
        // 5,000,000.00 × 1 + 12,000,000.00 × 0.6 = 12,200,000.000.
        assert_eq!(amount_text(d("12200000.000"), 2), "12200000.00");
        // 100.01 × 0.3333 = 33.333333: six places, all of them digits.
        assert_eq!(amount_text(d("100.01") * d("0.3333"), 2), "33.333333");
        // 1.05 × 0.5 = 0.5250: three places of it real.
        assert_eq!(amount_text(d("1.05") * d("0.5"), 2), "0.525");
        // No more places than the ledger's: as it is.
        assert_eq!(amount_text(d("8000000.00"), 2), "8000000.00");
        assert_eq!(amount_text(Decimal::ZERO, 2), "0");
    }
}
