//! The pipelines: what a command runs between its arguments and its
//! output.
//!
//! ```text
//! month:  inputs (policy, ledger, hash) ─→ opening state ─→ metrics ─→ engine::pay ─→ PayrollRun
//! review: policy in force ─→ each month's ledger (+ window, last year) ─→ metrics::annual ─→ engine::review
//! ```
//!
//! - [`inputs`]: the one policy-source loader, the ledger's `ReadOptions`
//!   made from the policy, input checks and hashes.
//! - [`in_force`]: the policy given against the one in force for a month
//!   of an archive.
//! - [`opening`]: the month's opening state (a closed period's state, the
//!   ledger's `risk_accounts` sheet, or nothing).
//! - [`month`]: one month's pay.
//! - [`review`]: a quarter's or a year's review.
//!
//! Nothing here writes; the commands write what the pipelines return.

pub mod in_force;
pub mod inputs;
pub mod month;
pub mod opening;
pub mod review;
