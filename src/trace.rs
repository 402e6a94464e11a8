//! Traces: how each figure was produced. Traces are data, rendered by the
//! report layer into the trace sheet and by `--json`.

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
    d.round_dp(FIGURE_PLACES).normalize().to_string()
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
