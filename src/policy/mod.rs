//! Policies: TOML files under `rules/` → a validated [`Policy`].
//!
//! `load` parses the text; `raw` reads it table by table into plain serde
//! types, every value with its span; `lint` checks numbers, words,
//! references, bands and signs and builds the `model` types the engine
//! uses. Every problem is reported at its line and column, all in one run.

mod cx;
pub mod lint;
pub mod load;
pub mod model;
pub mod payout;
pub mod raw;
pub mod select;

pub use load::{hex, load_policy, parse_policy};
pub use model::*;
