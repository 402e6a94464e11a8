//! The `state.json` file format, versioned apart from the engine's types:
//! [`StateFileV1`] (`rmpay.state/1`, read only for what it has) and
//! [`StateFileV2`] (`rmpay.state/2`, written). Converted to and from
//! [`State`]; a field the engine adds does not change the file until a new
//! version says so.

use super::{RmState, State, Version};
use crate::engine::pay::{PriorAdjustment, Ytd};
use crate::text::{Msg, archive as says};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const V1: &str = "rmpay.state/1";
pub const V2: &str = "rmpay.state/2";

/// Only the format, to pick the version to read the rest as.
#[derive(Deserialize)]
struct Head {
    format: String,
}

/// A state file: its format, the period it closes and its RMs, as `R`
/// (the version's RM record).
#[derive(Serialize, Deserialize)]
pub struct StateFile<R> {
    pub format: String,
    pub period: String,
    pub rms: Vec<R>,
}

/// `rmpay.state/1`: before leavers' dates were kept.
pub type StateFileV1 = StateFile<RmStateV1>;

/// `rmpay.state/2`: `/1` and the leavers' `left_on`, `release_month` and
/// `name`.
pub type StateFileV2 = StateFile<RmStateV2>;

#[derive(Serialize, Deserialize)]
pub struct RmStateV1 {
    pub rm_id: String,
    pub tier: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub risk_balance: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub pending_loss: Decimal,
    pub released: bool,
    pub counters: BTreeMap<String, u32>,
    #[serde(default)]
    pub ytd: Option<YtdV1>,
}

/// An RM of `/2`: the fields of `/1`, then a leaver's.
#[derive(Serialize, Deserialize)]
pub struct RmStateV2 {
    #[serde(flatten)]
    pub v1: RmStateV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_on: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_month: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Prior-period adjustments still owed (`rmpay restate`); absent when
    /// none, so a state without them keeps its bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentV2>,
}

/// A prior-period adjustment still to pay or recover, in `/2`.
#[derive(Serialize, Deserialize)]
pub struct AdjustmentV2 {
    pub period: String,
    pub version: u32,
    pub paid_version: u32,
    pub reason: String,
    pub figure: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub paid: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub due: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

impl From<AdjustmentV2> for PriorAdjustment {
    fn from(a: AdjustmentV2) -> PriorAdjustment {
        PriorAdjustment {
            period: a.period,
            version: a.version,
            paid_version: a.paid_version,
            reason: a.reason,
            figure: a.figure,
            paid: a.paid,
            due: a.due,
            amount: a.amount,
        }
    }
}

impl From<&PriorAdjustment> for AdjustmentV2 {
    fn from(a: &PriorAdjustment) -> AdjustmentV2 {
        AdjustmentV2 {
            period: a.period.clone(),
            version: a.version,
            paid_version: a.paid_version,
            reason: a.reason.clone(),
            figure: a.figure.clone(),
            paid: a.paid,
            due: a.due,
            amount: a.amount,
        }
    }
}

/// Year to date, the same in `/1` and `/2`.
#[derive(Serialize, Deserialize)]
pub struct YtdV1 {
    pub year: i32,
    pub months: u32,
    #[serde(with = "rust_decimal::serde::str")]
    pub gross: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub deductions: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub holdback: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub net: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub released: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub deposit_day_sum: Decimal,
    pub days: u32,
}

/// `From` both ways between a file type and the engine's type of the same
/// (copied) fields; a field added to either does not compile until the
/// format says where it goes.
macro_rules! mirror {
    ($file:ident <-> $engine:ident { $($f:ident),* $(,)? }) => {
        impl From<$file> for $engine {
            fn from(x: $file) -> $engine {
                $engine { $($f: x.$f),* }
            }
        }

        impl From<&$engine> for $file {
            fn from(x: &$engine) -> $file {
                $file { $($f: x.$f),* }
            }
        }
    };
}

mirror!(YtdV1 <-> Ytd {
    year,
    months,
    gross,
    deductions,
    holdback,
    net,
    released,
    deposit_day_sum,
    days,
});

impl From<RmStateV1> for RmState {
    fn from(r: RmStateV1) -> RmState {
        RmState {
            rm_id: r.rm_id,
            tier: r.tier,
            risk_balance: r.risk_balance,
            pending_loss: r.pending_loss,
            released: r.released,
            counters: r.counters,
            ytd: r.ytd.map(Ytd::from),
            left_on: None,
            release_month: None,
            name: None,
            adjustments: Vec::new(),
        }
    }
}

impl From<RmStateV2> for RmState {
    fn from(r: RmStateV2) -> RmState {
        RmState {
            left_on: r.left_on,
            release_month: r.release_month,
            name: r.name,
            adjustments: r
                .adjustments
                .into_iter()
                .map(PriorAdjustment::from)
                .collect(),
            ..RmState::from(r.v1)
        }
    }
}

impl From<&RmState> for RmStateV1 {
    fn from(r: &RmState) -> RmStateV1 {
        RmStateV1 {
            rm_id: r.rm_id.clone(),
            tier: r.tier.clone(),
            risk_balance: r.risk_balance,
            pending_loss: r.pending_loss,
            released: r.released,
            counters: r.counters.clone(),
            ytd: r.ytd.as_ref().map(YtdV1::from),
        }
    }
}

impl From<&RmState> for RmStateV2 {
    fn from(r: &RmState) -> RmStateV2 {
        RmStateV2 {
            v1: RmStateV1::from(r),
            left_on: r.left_on,
            release_month: r.release_month.clone(),
            name: r.name.clone(),
            adjustments: r.adjustments.iter().map(AdjustmentV2::from).collect(),
        }
    }
}

/// A state file's contents, of a format this version reads.
pub fn read(bytes: &[u8]) -> Result<State, Msg> {
    fn parse<R: serde::de::DeserializeOwned + Into<RmState>>(
        bytes: &[u8],
        version: Version,
    ) -> Result<State, Msg> {
        let f: StateFile<R> = serde_json::from_slice(bytes).map_err(|e| says::json_reason(&e))?;
        Ok(State {
            version,
            period: f.period,
            rms: f.rms.into_iter().map(Into::into).collect(),
        })
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| says::json_reason(&e))?;
    match head.format.as_str() {
        V1 => parse::<RmStateV1>(bytes, Version::V1),
        V2 => parse::<RmStateV2>(bytes, Version::V2),
        other => Err(says::unknown_state_format(other, V1, V2)),
    }
}

/// The file of a state, in the version it was read as (a `/1` state
/// re-runs as `/1`, so its hash is the one it had).
pub fn write(st: &State) -> Vec<u8> {
    fn file<'a, R: From<&'a RmState>>(st: &'a State, format: &str) -> StateFile<R> {
        StateFile {
            format: format.to_string(),
            period: st.period.clone(),
            rms: st.rms.iter().map(R::from).collect(),
        }
    }
    let json = match st.version {
        Version::V1 => serde_json::to_vec_pretty(&file::<RmStateV1>(st, V1)),
        Version::V2 => serde_json::to_vec_pretty(&file::<RmStateV2>(st, V2)),
    };
    let mut v = json.unwrap_or_default();
    v.push(b'\n');
    v
}
