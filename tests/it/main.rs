//! The integration tests: one binary, one module per area.
//!
//! - `archive`: closing, carrying forward, re-running and verifying periods.
//! - `bombs`: hostile xlsx files (parts that inflate to gigabytes, references
//!   past XFD1048576), answered with located errors in bounded memory.
//! - `payroll`: Policy A's October 2026 fixture, every figure computed by
//!   hand from POLICIES.md with its arithmetic in the test.
//! - `policy_errors`: one bad policy per error kind, exact message pinned.
//! - `cli`: the command line as a user runs it: exit codes, outputs written
//!   or not, byte-identical reruns.
//! - `ledger_errors`: one bad ledger per error kind, exact text pinned, and
//!   the valid variants (formats, units, text amounts) read exactly.
//! - `golden`: the pay workbook compared cell by cell with a committed copy.
//! - `properties`: invariants of the pay engine over generated inputs.
//! - `review`: the annual and quarterly tier review on a year of ledgers
//!   (Policy A, Policy B and a bank variant), decisions computed by hand.
//! - `streaming`: sheets longer than one batch of the streaming xlsx reader,
//!   big enough to be inflated ahead.

mod archive;
mod bombs;
mod cli;
mod fuzz_found;
mod golden;
mod ledger_errors;
mod payroll;
mod policy_errors;
mod properties;
mod review;
mod streaming;
mod util;
