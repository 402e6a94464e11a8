//! Rounding as a Chinese finance office rounds: 四舍五入, half away from
//! zero, the rule of Excel's `ROUND` and of the ledger reader (`AWAY` in
//! `ledger::parse`). `rust_decimal`'s `round_dp` rounds half to even
//! (banker's rounding), so a daily average of 1,234.565 would show as
//! 1,234.56 where the office's own spreadsheet shows 1,234.57; clippy
//! (`clippy.toml`) refuses `round_dp` so that it cannot come back.
//! A policy's own money rounding (`[money] rounding`) is separate: it is
//! the policy's choice and goes through `policy::model`.

use rust_decimal::{Decimal, RoundingStrategy};

/// `round_away(places)`: `self` to `places` decimals, half away from zero;
/// `at_places(places)`: the same with exactly `places` decimals, trailing
/// zeros kept (`300` → `300.00`), as money is written.
pub trait RoundAway {
    fn round_away(self, places: u32) -> Self;
    fn at_places(self, places: u32) -> Self;
}

impl RoundAway for Decimal {
    fn round_away(self, places: u32) -> Decimal {
        self.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
    }

    fn at_places(self, places: u32) -> Decimal {
        let mut r = self.round_away(places);
        r.rescale(places);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::RoundAway;
    use rust_decimal::Decimal;

    #[test]
    fn halves_go_away_from_zero() {
        // 1,234.565 → 1,234.57 (banker's rounding would give 1,234.56);
        // 0.125 → 0.13; -2.5 → -3; 1.2449 → 1.24.
        assert_eq!(
            Decimal::new(1234565, 3).round_away(2),
            Decimal::new(123457, 2)
        );
        assert_eq!(Decimal::new(125, 3).round_away(2), Decimal::new(13, 2));
        assert_eq!(Decimal::new(-25, 1).round_away(0), Decimal::from(-3));
        assert_eq!(Decimal::new(12449, 4).round_away(2), Decimal::new(124, 2));
        // at_places keeps its places: 300 → "300.00", 0.125 → "0.13".
        assert_eq!(Decimal::from(300).at_places(2).to_string(), "300.00");
        assert_eq!(Decimal::new(125, 3).at_places(2).to_string(), "0.13");
    }
}
