//! Pure rule evaluation: pay lines, holdback and exceptions (`pay`), scores,
//! rules and grade criteria (`review`), and policy examples (`examples`).

pub mod examples;
pub mod pay;
pub mod review;
