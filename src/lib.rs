//! rmpay: performance scores, tier grades and monthly pay of bank
//! relationship managers, computed from a bank's policy (TOML) and its
//! monthly ledgers (Excel).

pub mod diag;
pub mod ledger;
pub mod period;
