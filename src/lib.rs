//! rmpay: performance scores, tier grades and monthly pay of bank
//! relationship managers, computed from a bank's policy (TOML) and its
//! monthly ledgers (Excel).
//!
//! The pipeline (see README, "Architecture"):
//!
//! ```text
//! policy TOML ─ policy::load ─→ Policy ─┐
//!                                       ├─ metrics::monthly ─→ engine::pay ─→ report ─→ write
//! ledger xlsx ─ ledger::read ─→ Ledger ─┘
//! ```
//!
//! Only `policy::load`, `ledger` and `write` do I/O. Everything between is
//! pure, works in `rust_decimal`, and returns its trace with its figures.

pub mod archive;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod engine;
pub mod ledger;
pub mod metrics;
mod par;
pub mod payout;
pub use vocab::period;
pub mod policy;
pub mod report;
pub mod signoff;
pub mod state;
pub mod trace;
pub mod vocab;
pub mod write;

use clap::Parser;
use diag::Diagnostics;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Everything a payroll run produces, before anything is written.
pub struct PayrollRun {
    pub policy: policy::Policy,
    /// The policy file that was used (the version picked, with --rules).
    pub policy_path: PathBuf,
    pub ledger: ledger::Ledger,
    pub payroll: engine::pay::Payroll,
    pub run: report::pay::RunInfo,
}

/// Why a run stopped.
pub enum Failure {
    /// Invalid input: every diagnostic.
    Invalid(Diagnostics),
    /// Usage or I/O.
    Usage(String),
    /// The archive refused (already closed, out of order, a gap) or is
    /// damaged.
    Archive(archive::ArchiveError),
}

pub(crate) fn sha256_file(path: &Path) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)
        .map_err(|e| format!("{}: error[io]: cannot open: {e}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("{}: error[io]: cannot read: {e}", path.display()))?;
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
    let failure = |what: &str, e: &std::io::Error| {
        Failure::Usage(format!(
            "{display}: error[io]: {what}: {}",
            write::os_reason(e)
        ))
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::Usage(format!(
                "{display}: error[io]: no such file"
            )));
        }
        Err(e) => return Err(failure("cannot open", &e)),
    };
    // Opening a FIFO waits for a writer; a socket or device is no file.
    if !meta.is_file() && !meta.is_dir() {
        return Err(Failure::Usage(format!(
            "{display}: error[io]: not a regular file (a FIFO, socket or device)"
        )));
    }
    let mut f = std::fs::File::open(path).map_err(|e| failure("cannot open", &e))?;
    // A folder opens, and fails on reading.
    f.read(&mut [0u8; 1])
        .map_err(|e| failure("cannot read", &e))?;
    Ok(())
}

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

/// Where the month's opening state (risk deposits, counters) comes from.
#[derive(Clone, Debug)]
pub enum Carry {
    /// The ledger's `risk_accounts` sheet: the first period of a chain.
    Ledger,
    /// The previous period's closing state in an archive. `closing`: the
    /// month is being closed, so it must be the next one after the last.
    Archive { root: PathBuf, closing: bool },
    /// A given closing state of `period` (re-runs).
    State {
        period: period::Period,
        state: state::State,
    },
}

/// One month's computation: what to read and where the opening state is.
#[derive(Clone, Debug)]
pub struct Job {
    pub policy: PolicySource,
    /// The policy's name in messages and outputs (default: its path).
    pub policy_display: Option<String>,
    pub ledger: PathBuf,
    /// The ledger's name in messages and outputs (default: its path).
    pub ledger_display: Option<String>,
    pub period: Option<period::Period>,
    pub carry: Carry,
}

impl Job {
    /// A job for one policy file and one ledger, opening from the ledger.
    pub fn new(policy: &Path, ledger: &Path, period: Option<period::Period>) -> Job {
        Job {
            policy: PolicySource::File(policy.to_path_buf()),
            policy_display: None,
            ledger: ledger.to_path_buf(),
            ledger_display: None,
            period,
            carry: Carry::Ledger,
        }
    }
}

fn read_ledger_for(
    policy: &policy::Policy,
    path: &Path,
    display: &str,
    period: Option<period::Period>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<ledger::Ledger, Failure> {
    let opts = ledger::ReadOptions {
        input_scale: policy.settings.input_scale,
        carry_forward_missing_days: policy.settings.carry_forward_missing_days,
        period,
    };
    let (ledger, diags) = ledger::read_ledger(path, display, &opts, progress);
    ledger.ok_or(Failure::Invalid(diags))
}

/// Load the policy and the ledger and compute the month. Pure apart from
/// reading the inputs. `progress` is told about long reads.
pub fn compute(job: &Job, progress: &mut dyn FnMut(&str, u64)) -> Result<PayrollRun, Failure> {
    let ledger_display = job
        .ledger_display
        .clone()
        .unwrap_or_else(|| job.ledger.display().to_string());
    readable_input(&job.ledger, &ledger_display)?;
    // The ledger's hash goes into every output; take it while the ledger
    // is read.
    let ledger_hash = {
        let path = job.ledger.clone();
        std::thread::spawn(move || sha256_file(&path))
    };
    let (policy, policy_path, early_ledger) = match &job.policy {
        PolicySource::File(p) => {
            let display = job
                .policy_display
                .clone()
                .unwrap_or_else(|| p.display().to_string());
            readable_input(p, &display)?;
            match policy::load_policy(p, &display) {
                Ok(policy) => (policy, p.clone(), None),
                Err(mut d) => {
                    // Report the ledger's problems in the same run, read
                    // with the contract's defaults.
                    let defaults = ledger::ReadOptions {
                        period: job.period,
                        ..Default::default()
                    };
                    let (_, ld) =
                        ledger::read_ledger(&job.ledger, &ledger_display, &defaults, progress);
                    d.extend(ld);
                    return Err(Failure::Invalid(d));
                }
            }
        }
        PolicySource::Rules { dir, bank } => {
            // The period picks the version; without --period, read the
            // ledger once with the contract's defaults to learn it.
            let (period, early) = match job.period {
                Some(p) => (p, None),
                None => {
                    let defaults = ledger::ReadOptions::default();
                    let (l, d) =
                        ledger::read_ledger(&job.ledger, &ledger_display, &defaults, progress);
                    let l = l.ok_or(Failure::Invalid(d))?;
                    (l.period, Some((l, defaults)))
                }
            };
            let p = policy::select::select_policy(dir, bank.as_deref(), period)
                .map_err(Failure::Invalid)?;
            let path = PathBuf::from(&p.file);
            let early = early.and_then(|(l, d)| {
                (d.input_scale == p.settings.input_scale
                    && d.carry_forward_missing_days == p.settings.carry_forward_missing_days)
                    .then_some(l)
            });
            (p, path, early)
        }
    };
    let ledger = match early_ledger {
        Some(l) => l,
        None => read_ledger_for(&policy, &job.ledger, &ledger_display, job.period, progress)?,
    };
    // The reader's warnings go with any error found from here on.
    let mut diags = Diagnostics::new();
    for w in &ledger.warnings {
        diags.push(w.clone());
    }
    metrics::monthly::resolve_rms(&ledger, &policy, &mut diags);
    if diags.has_errors() {
        return Err(Failure::Invalid(diags));
    }
    let ledger_sha256 = ledger_hash
        .join()
        .unwrap_or_else(|_| Err(format!("{ledger_display}: error[io]: cannot hash the file")))
        .map_err(Failure::Usage)?;
    // Outputs name the inputs by file name, not by where they happened to
    // be, so the same inputs give the same bytes wherever they are.
    let mut ledger = ledger;
    let mut policy = policy;
    ledger.file = file_name(&ledger_display);
    policy.file = file_name(&policy.file);
    let (openings, opening) = match &job.carry {
        Carry::Ledger => (ledger_openings(&ledger), ledger_opening(&ledger)),
        Carry::State { period, state } => (
            state.openings(*period),
            state_opening(*period, &state.to_bytes()),
        ),
        Carry::Archive { root, closing } => {
            let archive = archive::Archive::new(root);
            let prev = if *closing {
                archive
                    .predecessor(ledger.period)
                    .map_err(Failure::Archive)?
            } else {
                let closed = archive.periods().map_err(Failure::Archive)?;
                if closed.contains(&ledger.period) {
                    Some(ledger.period.prev()).filter(|p| closed.contains(p))
                } else {
                    archive
                        .predecessor(ledger.period)
                        .map_err(Failure::Archive)?
                }
            };
            match prev {
                None => (ledger_openings(&ledger), ledger_opening(&ledger)),
                Some(p) => {
                    let st = archive.state(p).map_err(Failure::Archive)?;
                    let bytes = archive.read(p, archive::STATE).map_err(Failure::Archive)?;
                    (st.openings(p), state_opening(p, &bytes))
                }
            }
        }
    };
    let rms = metrics::monthly::resolve_rms(&ledger, &policy, &mut Diagnostics::new());
    let month = metrics::monthly::compute(&ledger, &policy, rms);
    let payroll = engine::pay::payroll(&policy, &ledger, month, &openings);
    let mut too_large = Diagnostics::new();
    for r in &payroll.results {
        for o in &r.pay.overflow {
            too_large.error(
                diag::Location::File {
                    file: ledger.file.clone(),
                },
                "too-large",
                format!(
                    "{}: {o}; check the policy's rates and the ledger's amounts",
                    r.rm.rm_id
                ),
            );
        }
    }
    if too_large.has_errors() {
        return Err(Failure::Invalid(too_large));
    }
    // The workbook names the ledger by file name, like everything else in
    // it (the console keeps the path as typed).
    let ledger_warnings = ledger
        .warnings
        .iter()
        .map(|w| w.in_file(&ledger.file).to_string())
        .collect();
    let run = report::pay::RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        period: ledger.period,
        ledger_file: ledger.file.clone(),
        ledger_sha256,
        opening,
        ledger_warnings,
        signoffs: Vec::new(),
    };
    Ok(PayrollRun {
        policy,
        policy_path,
        ledger,
        payroll,
        run,
    })
}

/// How the manifest sheet names an opening state from a ledger.
pub(crate) const LEDGER_OPENING: &str = "the ledger's risk_accounts sheet";

/// How the manifest sheet names an opening state from a ledger without
/// opening balances.
pub(crate) const NO_OPENING: &str =
    "nothing: the ledger has no risk_accounts rows, so every balance opens at 0";

/// Where an opening taken from the ledger came from.
pub(crate) fn ledger_opening(ledger: &ledger::Ledger) -> String {
    if ledger.risk_accounts.is_empty() {
        NO_OPENING.to_string()
    } else {
        LEDGER_OPENING.to_string()
    }
}

/// How the manifest sheet names an opening state from a closed period.
pub(crate) fn state_opening(p: period::Period, state_bytes: &[u8]) -> String {
    format!(
        "closing state of {p} (state.json SHA-256 {})",
        archive::sha256_hex(state_bytes)
    )
}

/// The last component of a path as text.
pub(crate) fn file_name(display: &str) -> String {
    Path::new(display)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| display.to_string())
}

/// [`compute`] for one policy file and one ledger, opening from the ledger.
pub fn compute_payroll(
    policy_path: &Path,
    ledger_path: &Path,
    period: Option<period::Period>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<PayrollRun, Failure> {
    compute(&Job::new(policy_path, ledger_path, period), progress)
}

/// Opening state from the ledger's `risk_accounts` sheet (the first period
/// of a chain).
pub fn ledger_openings(
    ledger: &ledger::Ledger,
) -> std::collections::BTreeMap<String, engine::pay::Opening> {
    ledger
        .risk_accounts
        .iter()
        .map(|r| {
            (
                r.rm_id.clone(),
                engine::pay::Opening {
                    risk_balance: r.opening_balance,
                    source: engine::pay::OpeningSource::Ledger(ledger.cell_ref(r.src)),
                    ..Default::default()
                },
            )
        })
        .collect()
}

/// The pay workbook's bytes. `path` names the file in errors.
pub fn pay_workbook(
    r: &PayrollRun,
    lang: report::Lang,
    path: &Path,
) -> Result<Vec<u8>, write::WriteError> {
    let head = report::pay::pay_book_head(&r.policy, &r.run, lang);
    let mut sink = write::XlsxSink::new(&head, path)?;
    sink.write_sheets(report::pay::pay_sheets(&r.policy, &r.payroll, &r.run, lang));
    sink.finish()
}

/// The pay workbook's file name for a period.
pub fn pay_workbook_name(period: period::Period) -> String {
    format!("pay-{period}.xlsx")
}

/// Run the command line; returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match commands::dispatch(&cli.command) {
        Ok(code) => code,
        Err(f) => commands::report_failure(f),
    }
}
