//! What a closed period hands to the next: per RM, the risk-deposit balance,
//! losses not yet recovered, whether the deposit was released, the tier, and
//! how many months running each flag rule has held. Stored as `state.json`
//! in every archived period (docs/ARCHIVE.md); the file's own versioned
//! types are in [`file`].

pub mod file;

use crate::decimal::RoundAway as _;
use crate::engine::pay::{Opening, OpeningSource, Payroll};
use crate::period::Period;
use crate::policy::Policy;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The format written. `/2` added the leavers' `left_on`, `release_month`
/// and `name`; a `/1` state (without them) still reads.
pub const FORMAT: &str = file::V2;

/// The version of `state.json` a state was read as, or is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub version: Version,
    /// The period this state closes.
    pub period: String,
    pub rms: Vec<RmState>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmState {
    pub rm_id: String,
    /// Tier id at the end of the period.
    pub tier: Option<String>,
    pub risk_balance: Decimal,
    pub pending_loss: Decimal,
    pub released: bool,
    /// Consecutive months each flag rule held, by rule id.
    pub counters: BTreeMap<String, u32>,
    /// Year-to-date pay and deposits.
    pub ytd: Option<crate::engine::pay::Ytd>,
    /// The day a leaver left: kept until the deposit is released (art. 25),
    /// whatever later ledgers hold.
    pub left_on: Option<chrono::NaiveDate>,
    /// The month the deposit falls due (`left_on` + the policy's
    /// `release_after_months`), for readers; the engine recomputes it.
    pub release_month: Option<String>,
    /// A leaver's name, for the month of release when the ledger no longer
    /// lists them.
    pub name: Option<String>,
    /// Prior-period adjustments still to pay or recover (`rmpay restate`).
    pub adjustments: Vec<crate::engine::pay::PriorAdjustment>,
}

impl State {
    /// The state at the end of a computed month.
    pub fn closing(policy: &Policy, period: Period, payroll: &Payroll) -> State {
        let scale = policy.settings.money.scale;
        let money = |d: Decimal| d.at_places(scale);
        let due = |d: Option<chrono::NaiveDate>| {
            let rd = policy.risk_deposit.as_ref()?;
            let day = d?.checked_add_months(chrono::Months::new(rd.release_after_months))?;
            Some(Period::of(day).to_string())
        };
        let released_now = |p: &crate::engine::pay::Payslip| {
            p.risk
                .movements
                .iter()
                .any(|m| m.kind == crate::engine::pay::MovementKind::Released)
        };
        let mut rms: Vec<RmState> = payroll
            .results
            .iter()
            .map(|r| RmState {
                rm_id: r.rm.rm_id.clone(),
                tier: Some(policy.tiers[r.rm.tier].id.clone()),
                risk_balance: money(r.pay.risk.closing),
                pending_loss: money(r.pay.pending_loss),
                released: r.pay.risk.released_before || released_now(&r.pay),
                counters: r.counters.clone(),
                ytd: Some(r.ytd.clone()),
                left_on: r.left_on,
                release_month: due(r.left_on),
                name: r.left_on.map(|_| r.rm.name.clone()),
                adjustments: Vec::new(),
            })
            .collect();
        rms.extend(payroll.carried.iter().map(|(id, o)| RmState {
            rm_id: id.clone(),
            tier: o.previous_tier.clone(),
            risk_balance: money(o.risk_balance),
            pending_loss: money(o.pending_loss),
            released: o.released,
            counters: o.counters.clone(),
            ytd: o.ytd.clone(),
            left_on: o.left_on,
            release_month: due(o.left_on),
            name: o.name.clone(),
            adjustments: o.adjustments.clone(),
        }));
        rms.extend(payroll.off_roster.iter().map(|r| RmState {
            rm_id: r.rm_id.clone(),
            tier: r.tier.clone(),
            risk_balance: money(r.pay.risk.closing),
            pending_loss: money(r.pay.pending_loss),
            released: released_now(&r.pay),
            counters: r.counters.clone(),
            ytd: r.ytd.clone(),
            left_on: Some(r.left_on),
            release_month: due(Some(r.left_on)),
            name: r.name.clone(),
            adjustments: r.adjustments.clone(),
        }));
        rms.sort_by(|a, b| a.rm_id.cmp(&b.rm_id));
        State {
            version: Version::V2,
            period: period.to_string(),
            rms,
        }
    }

    /// What each RM brings into the next month.
    pub fn openings(&self, period: Period) -> BTreeMap<String, Opening> {
        self.rms
            .iter()
            .map(|r| {
                (
                    r.rm_id.clone(),
                    Opening {
                        risk_balance: r.risk_balance,
                        source: OpeningSource::Archive(period),
                        pending_loss: r.pending_loss,
                        previous_tier: r.tier.clone(),
                        released: r.released,
                        counters: r.counters.clone(),
                        ytd: r.ytd.clone(),
                        left_on: r.left_on,
                        name: r.name.clone(),
                        adjustments: r.adjustments.clone(),
                    },
                )
            })
            .collect()
    }

    /// A state file's contents, of a format this version reads.
    pub fn from_bytes(bytes: &[u8]) -> Result<State, crate::text::Msg> {
        file::read(bytes)
    }

    /// The state's file, in the version it was read as.
    pub fn to_bytes(&self) -> Vec<u8> {
        file::write(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state written before leavers' dates were kept reads, without them;
    /// an unknown format is refused with its name.
    #[test]
    fn format_1_still_reads_and_unknown_formats_are_refused() {
        let v1 = br#"{"format":"rmpay.state/1","period":"2026-09","rms":[{"rm_id":"RM006","tier":"senior","risk_balance":"5000.00","pending_loss":"0.00","released":false,"counters":{}}]}"#;
        let st = State::from_bytes(v1).unwrap();
        assert_eq!(st.rms[0].left_on, None);
        assert_eq!(st.rms[0].risk_balance, Decimal::new(500000, 2));
        let v9 = br#"{"format":"rmpay.state/9","period":"2026-09","rms":[]}"#;
        let e = State::from_bytes(v9).unwrap_err();
        let e = e.get(crate::text::Lang::En);
        assert!(e.contains("unknown format `rmpay.state/9`"), "{e}");
    }

    /// The file types, not the engine's, decide the bytes: a `/2` state
    /// reads and writes back to the same bytes (a leaver's fields and the
    /// year to date included), and a `/1` state stays `/1` (no leaver's
    /// fields, `ytd` written as `null`), so its hash on a re-run is the one
    /// it was written with.
    #[test]
    fn state_files_round_trip_in_their_own_version() {
        let v2 = r#"{
  "format": "rmpay.state/2",
  "period": "2026-10",
  "rms": [
    {
      "rm_id": "RM006",
      "tier": "senior",
      "risk_balance": "5000.00",
      "pending_loss": "0.00",
      "released": false,
      "counters": {
        "A-14-2-below-base-3": 2
      },
      "ytd": {
        "year": 2026,
        "months": 10,
        "gross": "81000.00",
        "deductions": "0.00",
        "holdback": "4000.00",
        "net": "77000.00",
        "released": "0.00",
        "deposit_day_sum": "1234567.5",
        "days": 304
      },
      "left_on": "2026-10-15",
      "release_month": "2027-04",
      "name": "钱七"
    }
  ]
}
"#;
        let st = State::from_bytes(v2.as_bytes()).unwrap();
        assert_eq!(st.version, Version::V2);
        // 81000.00 − 0.00 − 4000.00 = 77000.00 net, read as written.
        let ytd = st.rms[0].ytd.as_ref().unwrap();
        assert_eq!(ytd.net, ytd.gross - ytd.deductions - ytd.holdback);
        assert_eq!(String::from_utf8(st.to_bytes()).unwrap(), v2);
        let v1 = br#"{"format":"rmpay.state/1","period":"2026-09","rms":[{"rm_id":"RM006","tier":"senior","risk_balance":"5000.00","pending_loss":"0.00","released":false,"counters":{}}]}"#;
        let st = State::from_bytes(v1).unwrap();
        assert_eq!(st.version, Version::V1);
        let back = String::from_utf8(st.to_bytes()).unwrap();
        assert!(
            back.starts_with("{\n  \"format\": \"rmpay.state/1\""),
            "{back}"
        );
        assert!(
            back.contains("\"ytd\": null") && !back.contains("left_on"),
            "{back}"
        );
    }
}
