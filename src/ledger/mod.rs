//! The ledger reader: the only module that touches calamine.
//!
//! Reads a monthly ledger workbook (LEDGER.md) into a typed [`Ledger`],
//! reporting every problem with file, sheet and cell.

pub mod model;

pub use model::*;
