//! Pure computations over a ledger: daily averages, shares, loans, fees.

pub mod annual;
pub mod monthly;
