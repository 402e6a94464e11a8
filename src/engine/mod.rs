//! Pure rule evaluation: pay lines, holdback, exceptions (and, later, scores and grades).

pub mod pay;
