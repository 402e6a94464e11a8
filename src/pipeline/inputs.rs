//! Loading a run's inputs: the policy (a file, or the version in force
//! from a rules directory) and the ledger read with the policy's options.

use crate::diag::Diagnostics;
use crate::diag::{Code, Diagnostic};
use crate::period::Period;
use crate::text::{Msg, run};
use crate::{Failure, ledger, policy, write};
use std::path::{Path, PathBuf};

/// Where the policy comes from.
#[derive(Clone, Debug)]
pub enum PolicySource {
    File(PathBuf),
    /// The version in force for the period, from a directory of versions.
    Rules {
        dir: PathBuf,
        bank: Option<String>,
    },
}

/// The SHA-256 of a file, in hex; of a ledger folder, that of its files'
/// list (`ledger::folder::sha256`).
pub(crate) fn sha256_file(path: &Path) -> Result<String, Diagnostic> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    if path.is_dir() {
        return ledger::folder::sha256(path).map_err(|e| Diagnostic::at_path(path, Code::Io, e));
    }
    let io = |e: std::io::Error, sentence: fn(&str) -> Msg| {
        Diagnostic::at_path(path, Code::Io, run::nest(&write::os_reason(&e), sentence))
    };
    let mut f = std::fs::File::open(path).map_err(|e| io(e, |r| run::cannot_open(r)))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| io(e, |r| run::cannot_read(r)))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(policy::hex(&h.finalize()))
}

/// Check that an input file can be read before reading it: a problem
/// with the file itself (missing, a symlink loop, permission denied, a
/// folder, a FIFO that would block) is an I/O failure, exit 2 with the OS's
/// reason, not an invalid ledger or policy.
pub(crate) fn readable_input(path: &Path, display: &str) -> Result<(), Failure> {
    use std::io::Read;
    let failure = |sentence: fn(&str) -> Msg, e: &std::io::Error| {
        Failure::at(display, Code::Io, run::nest(&write::os_reason(e), sentence))
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::at(display, Code::Io, run::no_such_file()));
        }
        Err(e) => return Err(failure(|r| run::cannot_open(r), &e)),
    };
    // Opening a FIFO waits for a writer; a socket or device is no file.
    if !meta.is_file() && !meta.is_dir() {
        return Err(Failure::at(display, Code::Io, run::not_a_regular_file()));
    }
    let mut f = std::fs::File::open(path).map_err(|e| failure(|r| run::cannot_open(r), &e))?;
    // A folder opens, and fails on reading.
    f.read(&mut [0u8; 1])
        .map_err(|e| failure(|r| run::cannot_read(r), &e))?;
    Ok(())
}

/// [`readable_input`] for a ledger, which may also be a folder holding CSV
/// or Parquet files (docs/LEDGER.md, "Ledger folders"). A folder without
/// any is no ledger: an input that cannot be read, as before.
pub(crate) fn readable_ledger(path: &Path, display: &str) -> Result<(), Failure> {
    if path.is_dir() && ledger::folder::ledger_files(path).is_ok_and(|f| !f.is_empty()) {
        return Ok(());
    }
    readable_input(path, display)
}

/// The last component of a path as text.
pub(crate) fn file_name(display: &str) -> String {
    Path::new(display)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| display.to_string())
}

/// How the ledger is read under a policy: the one place the reader's
/// options come from the policy.
pub fn read_options(policy: &policy::Policy, period: Option<Period>) -> ledger::ReadOptions {
    ledger::ReadOptions {
        input_scale: policy.settings.input_scale,
        carry_forward_missing_days: policy.settings.carry_forward_missing_days,
        period,
        tiers: Some(ledger::KnownTiers {
            policy_id: policy.id.clone(),
            accepted: policy
                .tiers
                .iter()
                .flat_map(|t| {
                    [Some(&t.id), Some(&t.name), t.name_en.as_ref()]
                        .into_iter()
                        .flatten()
                        .chain(&t.aliases)
                })
                .map(|s| s.to_lowercase())
                .collect(),
            spellings: policy
                .tier_spellings()
                .into_iter()
                .map(String::from)
                .collect(),
        }),
    }
}

/// Load a policy file (named `display` in messages; default its path), or
/// the version in force in `period` from a rules directory. Returns the
/// policy and the file it came from.
pub fn load_policy(
    source: &PolicySource,
    display: Option<&str>,
    period: Option<Period>,
) -> Result<(policy::Policy, PathBuf), Failure> {
    match source {
        PolicySource::File(p) => {
            let display = display.map_or_else(|| p.display().to_string(), str::to_string);
            readable_input(p, &display)?;
            let policy = policy::load_policy(p, &display).map_err(Failure::Invalid)?;
            Ok((policy, p.clone()))
        }
        PolicySource::Rules { dir, bank } => {
            let Some(period) = period else {
                return Err(Failure::usage(run::rules_need_period()));
            };
            let p = policy::select::select_policy(dir, bank.as_deref(), period)
                .map_err(Failure::Invalid)?;
            let path = PathBuf::from(&p.file);
            Ok((p, path))
        }
    }
}

/// A month's inputs, read and checked.
pub struct Inputs {
    pub policy: policy::Policy,
    /// The policy file that was used (the version picked, with --rules).
    pub policy_path: PathBuf,
    pub ledger: ledger::Ledger,
    /// The ledger's name in messages (the path as typed).
    pub ledger_display: String,
    /// The ledger's SHA-256, taken on another thread while it is read.
    pub ledger_hash: std::thread::JoinHandle<Result<String, Diagnostic>>,
}

/// Wait for the ledger's hash. A panic on the hashing thread is a bug,
/// reported as one (exit 101), not as an I/O error.
pub fn join_hash(
    hash: std::thread::JoinHandle<Result<String, Diagnostic>>,
) -> Result<String, Failure> {
    hash.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        .map_err(Failure::Error)
}

/// Read a month's policy and ledger. Without a period, a rules directory
/// needs the ledger's period to pick the version: the ledger is then read
/// first with the contract's defaults, and again only if the policy reads
/// it otherwise. A policy with errors still has the ledger read (with the
/// defaults), so that one run reports both.
pub fn read(
    job: &super::month::Job,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Inputs, Failure> {
    let ledger_display = job
        .ledger_display
        .clone()
        .unwrap_or_else(|| job.ledger.display().to_string());
    readable_ledger(&job.ledger, &ledger_display)?;
    // The ledger's hash goes into every output; take it while the ledger
    // is read.
    let ledger_hash = {
        let path = job.ledger.clone();
        std::thread::spawn(move || sha256_file(&path))
    };
    let (period, early) = match (&job.policy, job.period) {
        (PolicySource::Rules { .. }, None) => {
            let defaults = ledger::ReadOptions::default();
            let (l, d) = ledger::read_ledger(&job.ledger, &ledger_display, &defaults, progress);
            let l = l.ok_or(Failure::Invalid(d))?;
            (Some(l.period), Some((l, defaults)))
        }
        (_, p) => (p, None),
    };
    let (policy, policy_path) =
        match load_policy(&job.policy, job.policy_display.as_deref(), period) {
            Ok(p) => p,
            Err(Failure::Invalid(mut d)) if matches!(job.policy, PolicySource::File(_)) => {
                // Report the ledger's problems in the same run.
                d.extend(ledger_problems(job, &ledger_display, progress));
                return Err(Failure::Invalid(d));
            }
            Err(e) => return Err(e),
        };
    let early = early.and_then(|(l, d)| {
        let wanted = read_options(&policy, None);
        (d.input_scale == wanted.input_scale
            && d.carry_forward_missing_days == wanted.carry_forward_missing_days)
            .then_some(l)
    });
    let mut ledger = match early {
        Some(l) => l,
        None => {
            let opts = read_options(&policy, job.period);
            let (l, d) = ledger::read_ledger(&job.ledger, &ledger_display, &opts, progress);
            l.ok_or(Failure::Invalid(d))?
        }
    };
    // A ledger of monthly averages has no dates to tell its month: the
    // period given is taken at its word, so a file named for another month
    // (last month's ledger given again) is refused, as a review, which
    // takes such a ledger's month from its file name, would place it.
    if let (ledger::Deposits::Averages(_), Some(period)) = (&ledger.deposits, job.period)
        && let [named] = super::review::months_in_name(&file_name(&ledger_display))[..]
        && named != period
    {
        let mut d = warnings(&ledger);
        d.error(
            crate::diag::Location::File {
                file: ledger_display.clone(),
            },
            Code::PeriodMismatch,
            run::averages_of_another_month(named.to_string(), period.to_string()),
        );
        return Err(Failure::Invalid(d));
    }
    if job.period.is_none() {
        let named = named_for_another_month(&ledger, &ledger_display);
        ledger.warnings.extend(named);
    }
    let wan = amounts_look_like_wan(&ledger, &policy);
    ledger.warnings.extend(wan);
    // A month computed against an archive (closed, drafted, previewed)
    // only under the policy in force for it (`in_force`).
    if let super::opening::Carry::Archive { root, .. } = &job.carry {
        let mut d = Diagnostics::new();
        super::in_force::check(&policy, &policy.file, ledger.period, root, &mut d)
            .map_err(Failure::Error)?;
        if d.has_errors() {
            let mut all = warnings(&ledger);
            all.extend(d);
            return Err(Failure::Invalid(all));
        }
    }
    Ok(Inputs {
        policy,
        policy_path,
        ledger,
        ledger_display,
        ledger_hash,
    })
}

/// The ledger's problems, read with the contract's defaults (the policy
/// that would set the options has errors).
fn ledger_problems(
    job: &super::month::Job,
    display: &str,
    progress: &mut dyn FnMut(&str, u64),
) -> Diagnostics {
    let defaults = ledger::ReadOptions {
        period: job.period,
        ..Default::default()
    };
    ledger::read_ledger(&job.ledger, display, &defaults, progress).1
}

/// The reader's warnings, to go with any error found after reading.
pub fn warnings(ledger: &ledger::Ledger) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for w in &ledger.warnings {
        diags.push(w.clone());
    }
    diags
}

/// A ledger of daily balances whose file name says one month and whose
/// dates are of another (`2026-03.xlsx` holding February): the month is
/// the dates' (they are what is computed), said as a warning naming both,
/// by every command that reads a month (`check`, `payroll`, `close`).
/// With `--period` the dates are held to it already (`period-mismatch`),
/// and the month given is the user's word over the name (no warning);
/// a ledger of monthly averages takes its month from `--period` or the
/// name, and is held to the name there (`averages_of_another_month`).
pub fn named_for_another_month(ledger: &ledger::Ledger, display: &str) -> Option<Diagnostic> {
    if !matches!(ledger.deposits, ledger::Deposits::Daily { .. }) {
        return None;
    }
    let [named] = super::review::months_in_name(&file_name(display))[..] else {
        return None;
    };
    (named != ledger.period).then(|| {
        Diagnostic::warning(
            crate::diag::Location::File {
                file: display.to_string(),
            },
            Code::PeriodMismatch,
            crate::text::trust::named_for_another_month(named, ledger.period),
        )
    })
}

/// How far below the policy's smallest deposit target every RM's daily
/// average must be for the ledger's amounts to look typed in 万元 where
/// yuan are expected (10,000× too small): a thousandth. Not a bank's
/// figure: the target is the policy's.
const IMPLAUSIBLY_SMALL: u32 = 1000;

/// Whether the month's largest account alone proves, with room to spare,
/// that some RM's deposits reach `limit`, so that the RM-by-RM sums of
/// [`amounts_look_like_wan`] need not be made: on a bank's month (a
/// million accounts) they were a third of a second after the last row.
/// Balances are never negative (the reader refuses them; a negative sum
/// leaves the question to the sums), so an RM holding a share of a
/// client holds at least that share of any one of the client's accounts.
/// "Room to spare" (twice the limit) keeps the answer the sums' own,
/// whatever their rounding of each account's average.
fn some_rm_clearly_reaches(ledger: &ledger::Ledger, limit: rust_decimal::Decimal) -> bool {
    use rust_decimal::Decimal;
    // The largest amount and its client; `None` if one is negative.
    fn largest<'a>(
        mut amounts: impl Iterator<Item = (&'a str, Decimal)>,
    ) -> Option<Option<(&'a str, Decimal)>> {
        amounts.try_fold(None, |best: Option<(&'a str, Decimal)>, (c, v)| {
            if v < Decimal::ZERO {
                return None;
            }
            Some(match best {
                Some((_, b)) if b >= v => best,
                _ => Some((c, v)),
            })
        })
    }
    let (largest, days) = match &ledger.deposits {
        ledger::Deposits::Daily { accounts, days } => (
            largest(
                accounts
                    .iter()
                    .map(|a| (a.client_id.as_str(), a.balance_sum)),
            ),
            Decimal::from(*days.max(&1)),
        ),
        ledger::Deposits::Averages(rows) => (
            largest(rows.iter().map(|r| (r.client_id.as_str(), r.daily_average))),
            Decimal::ONE,
        ),
    };
    let Some(Some((client, sum))) = largest else {
        return false;
    };
    let share = ledger
        .clients
        .iter()
        .filter(|a| a.client_id == client)
        .map(|a| a.share)
        .max();
    let (Some(held), Some(needed)) = (
        share.and_then(|s| s.checked_mul(sum)),
        limit
            .checked_mul(days)
            .and_then(|n| n.checked_mul(Decimal::TWO)),
    ) else {
        return false;
    };
    held >= needed
}

/// The largest of the RMs' deposit daily averages as the month's figures
/// would make them: each client's accounts summed, each RM's clients by
/// their shares.
fn largest_rm_deposits(ledger: &ledger::Ledger) -> Option<rust_decimal::Decimal> {
    use rust_decimal::Decimal;
    use std::collections::BTreeMap;
    let mut client: BTreeMap<&str, Decimal> = BTreeMap::new();
    match &ledger.deposits {
        ledger::Deposits::Daily { accounts, days } => {
            let days = Decimal::from(*days.max(&1));
            for a in accounts {
                *client.entry(a.client_id.as_str()).or_default() += a.balance_sum / days;
            }
        }
        ledger::Deposits::Averages(rows) => {
            for r in rows {
                *client.entry(r.client_id.as_str()).or_default() += r.daily_average;
            }
        }
    }
    let mut rm: BTreeMap<&str, Decimal> = BTreeMap::new();
    for a in &ledger.clients {
        let d = client
            .get(a.client_id.as_str())
            .copied()
            .unwrap_or_default();
        *rm.entry(a.rm_id.as_str()).or_default() += a.share * d;
    }
    rm.values().copied().max()
}

/// A ledger whose deposit column declares no unit and whose every RM's
/// daily-average deposits are below a thousandth of the policy's smallest
/// deposit target (a tier's `base_deposit`, or a grade's
/// `exclude_clients_below`) looks typed in 万元: a warning at the column's
/// header, naming the likely unit and how to say it. A declared unit
/// (`余额(万元)` or `余额(元)`) is taken at its word.
pub fn amounts_look_like_wan(
    ledger: &ledger::Ledger,
    policy: &policy::Policy,
) -> Option<Diagnostic> {
    use rust_decimal::Decimal;
    let col = ledger.balance_column.filter(|c| !c.unit_declared)?;
    let (target, what) = policy
        .tiers
        .iter()
        .flat_map(|t| {
            let base = t
                .base_deposit
                .map(|b| (b, format!("tiers.{}.base_deposit", t.id)));
            let excluded = t.criteria.as_ref().and_then(|c| {
                c.exclude_clients_below
                    .map(|b| (b, format!("tiers.{}.exclude_clients_below", t.id)))
            });
            [base, excluded]
        })
        .flatten()
        .filter(|(v, _)| *v > Decimal::ZERO)
        .min_by(|a, b| a.0.cmp(&b.0))?;
    let limit = target / Decimal::from(IMPLAUSIBLY_SMALL);
    if some_rm_clearly_reaches(ledger, limit) {
        return None;
    }
    let largest = largest_rm_deposits(ledger)?;
    if largest >= limit || largest <= Decimal::ZERO {
        return None;
    }
    let header = match col.src.sheet {
        ledger::SheetKind::DepositAverages => "月日均余额",
        _ => "余额",
    };
    let amount = |d: Decimal| {
        crate::report::pay::amount_text(crate::decimal::RoundAway::round_away(d, 2), 2)
    };
    Some(Diagnostic::warning(
        ledger.location(col.src),
        Code::BadUnit,
        crate::text::trust::amounts_look_like_wan(
            amount(largest),
            amount(limit),
            amount(target),
            what,
            format!("{header}(万元)"),
            format!("{header}(元)"),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    /// The quick proof never decides what the sums would not: on the
    /// October fixture, its balances scaled from a thousand times the
    /// limit down to far below it (each step × 0.8, so that the largest RM
    /// falls between the limit and the quick proof's twice the limit on
    /// some of them), whenever the quick proof says an RM reaches the
    /// limit, the RM-by-RM sums say so too; and the steps meet all three
    /// cases (proved quickly, reached by the sums only, below the limit).
    #[test]
    fn the_quick_proof_agrees_with_the_sums() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/2026-10.xlsx");
        let (ledger, d) =
            ledger::read_ledger(&path, "2026-10.xlsx", &Default::default(), &mut |_, _| {});
        let mut ledger = ledger.unwrap_or_else(|| panic!("{:?}", d.render()));
        let limit = Decimal::from(2000);
        let factor = Decimal::new(8, 1);
        // Scaled to about a thousand times the limit first.
        let largest = largest_rm_deposits(&ledger).unwrap();
        let mut scale = limit * Decimal::from(1000) / largest;
        let mut seen = [0usize; 3];
        let original = ledger.deposits.clone();
        for _ in 0..60 {
            ledger.deposits = original.clone();
            match &mut ledger.deposits {
                ledger::Deposits::Daily { accounts, .. } => {
                    for a in accounts {
                        a.balance_sum =
                            crate::decimal::RoundAway::round_away(a.balance_sum * scale, 2);
                    }
                }
                ledger::Deposits::Averages(_) => panic!("the fixture has daily balances"),
            }
            let sums = largest_rm_deposits(&ledger).unwrap();
            let quick = some_rm_clearly_reaches(&ledger, limit);
            assert!(
                !quick || sums >= limit,
                "scale {scale}: quick {quick}, sums {sums}"
            );
            seen[match (quick, sums >= limit) {
                (true, _) => 0,
                (false, true) => 1,
                (false, false) => 2,
            }] += 1;
            scale *= factor;
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    }
}
