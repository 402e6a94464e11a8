//! Policies: TOML files under `rules/` → a validated [`Policy`].
//!
//! `walk` reads the spanned TOML tree and reports every problem with line and
//! column; `load` turns it into the `model` types the engine uses.

pub mod load;
pub mod model;
pub mod payout;
pub mod select;
pub mod walk;

pub use load::{hex, load_policy, parse_policy};
pub use model::*;
