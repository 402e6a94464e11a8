//! The month's opening state: risk deposits and counters carried from the
//! previous closed period, from the ledger's `risk_accounts` sheet, or
//! nothing (every balance opens at 0).

use crate::engine::pay::{Opening, OpeningSource};
use crate::period::Period;
use crate::{Failure, archive, ledger, state};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where the month's opening state (risk deposits, counters) comes from.
#[derive(Clone, Debug)]
pub enum Carry {
    /// The ledger's `risk_accounts` sheet: the first period of a chain.
    Ledger,
    /// The previous period's closing state in an archive. `closing`: the
    /// month is being closed, so it must be the next one after the last.
    Archive { root: PathBuf, closing: bool },
    /// A given closing state of `period` (re-runs).
    State { period: Period, state: state::State },
}

/// The opening balances by RM, and how the manifest sheet names where they
/// came from.
pub struct OpeningState {
    pub openings: BTreeMap<String, Opening>,
    pub source: String,
}

/// How manifests record an opening state from a ledger (the run-manifest
/// sheet shows it in the book's language: `report::pay::run_opening_text`).
pub(crate) use crate::text::LEDGER_OPENING;

/// How manifests record an opening state from a ledger without opening
/// balances.
pub(crate) use crate::text::NO_OPENING;

/// Where an opening taken from the ledger came from.
pub(crate) fn ledger_opening(ledger: &ledger::Ledger) -> String {
    if ledger.risk_accounts.is_empty() {
        NO_OPENING.to_string()
    } else {
        LEDGER_OPENING.to_string()
    }
}

/// How the manifest sheet names an opening state from a closed period.
pub(crate) fn state_opening(p: Period, state_bytes: &[u8]) -> String {
    crate::text::opening_closing_state(crate::text::Lang::En, p, archive::sha256_hex(state_bytes))
}

/// Opening state from the ledger's `risk_accounts` sheet (the first period
/// of a chain).
pub fn ledger_openings(ledger: &ledger::Ledger) -> BTreeMap<String, Opening> {
    ledger
        .risk_accounts
        .iter()
        .map(|r| {
            (
                r.rm_id.clone(),
                Opening {
                    risk_balance: r.opening_balance,
                    source: OpeningSource::Ledger(ledger.cell_ref(r.src)),
                    ..Default::default()
                },
            )
        })
        .collect()
}

fn from_ledger(ledger: &ledger::Ledger) -> OpeningState {
    OpeningState {
        openings: ledger_openings(ledger),
        source: ledger_opening(ledger),
    }
}

/// The month's opening state.
pub fn find(carry: &Carry, ledger: &ledger::Ledger) -> Result<OpeningState, Failure> {
    match carry {
        Carry::Ledger => Ok(from_ledger(ledger)),
        Carry::State { period, state } => Ok(OpeningState {
            openings: state.openings(*period),
            source: state_opening(*period, &state.to_bytes()),
        }),
        Carry::Archive { root, closing } => {
            let archive = archive::Archive::new(root);
            match previous(&archive, ledger.period, *closing)? {
                None => Ok(from_ledger(ledger)),
                Some(p) => {
                    let st = archive.state(p).map_err(Failure::Error)?;
                    let bytes = archive.read(p, archive::STATE).map_err(Failure::Error)?;
                    Ok(OpeningState {
                        openings: st.openings(p),
                        source: state_opening(p, &bytes),
                    })
                }
            }
        }
    }
}

/// The closed period a month opens from. Closing, it must be the next
/// after the last closed one; otherwise a month already closed re-runs on
/// its own predecessor.
fn previous(
    archive: &archive::Archive,
    period: Period,
    closing: bool,
) -> Result<Option<Period>, Failure> {
    if !closing {
        archive.no_stray_month().map_err(Failure::Error)?;
        let closed = archive.periods().map_err(Failure::Error)?;
        if closed.contains(&period) {
            return Ok(Some(period.prev()).filter(|p| closed.contains(p)));
        }
    }
    archive.predecessor(period).map_err(Failure::Error)
}
