//! Pure computations over a ledger: daily averages, shares, loans, fees.

pub mod catalogue;

pub mod annual;
pub mod monthly;
