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

pub mod cli;
pub mod diag;
pub mod engine;
pub mod ledger;
pub mod metrics;
pub mod period;
pub mod policy;
pub mod report;
pub mod trace;
pub mod write;

use clap::Parser;
use diag::Diagnostics;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::Path;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Everything a payroll run produces, before anything is written.
pub struct PayrollRun {
    pub policy: policy::Policy,
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
}

fn sha256_file(path: &Path) -> Result<String, String> {
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

/// Load the policy and the ledger and compute the month. Pure apart from
/// reading the two files. `progress` is told about long reads.
pub fn compute_payroll(
    policy_path: &Path,
    ledger_path: &Path,
    period: Option<period::Period>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<PayrollRun, Failure> {
    let policy_display = policy_path.display().to_string();
    let policy = policy::load_policy(policy_path, &policy_display).map_err(Failure::Invalid)?;
    let ledger_display = ledger_path.display().to_string();
    if !ledger_path.exists() {
        return Err(Failure::Usage(format!(
            "{ledger_display}: error[io]: no such file"
        )));
    }
    let opts = ledger::ReadOptions {
        input_scale: policy.settings.input_scale,
        carry_forward_missing_days: policy.settings.carry_forward_missing_days,
        period,
    };
    let (ledger, mut diags) = ledger::read_ledger(ledger_path, &ledger_display, &opts, progress);
    let Some(ledger) = ledger else {
        return Err(Failure::Invalid(diags));
    };
    let rms = metrics::monthly::resolve_rms(&ledger, &policy, &mut diags);
    if diags.has_errors() {
        return Err(Failure::Invalid(diags));
    }
    let ledger_sha256 = sha256_file(ledger_path).map_err(Failure::Usage)?;
    let month = metrics::monthly::compute(&ledger, &policy, rms);
    let openings = ledger_openings(&ledger);
    let payroll = engine::pay::payroll(&policy, &ledger, month, &openings);
    let run = report::pay::RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        period: ledger.period,
        ledger_file: ledger_display,
        ledger_sha256,
    };
    Ok(PayrollRun {
        policy,
        ledger,
        payroll,
        run,
    })
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
    report::pay::pay_book(&r.policy, &r.ledger, &r.payroll, &r.run, lang, &mut sink);
    sink.finish()
}

/// The pay workbook's file name for a period.
pub fn pay_workbook_name(period: period::Period) -> String {
    format!("pay-{period}.xlsx")
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} reading [{prefix}] {human_pos} rows ({per_sec})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    Some(pb)
}

fn parse_period(p: &Option<String>) -> Result<Option<period::Period>, Failure> {
    match p {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|e| Failure::Usage(format!("error: --period: {e}"))),
    }
}

fn report_failure(f: Failure) -> i32 {
    match f {
        Failure::Invalid(d) => {
            let lines = d.render();
            for l in &lines {
                eprintln!("{l}");
            }
            let errors = d
                .iter()
                .filter(|x| x.severity == diag::Severity::Error)
                .count();
            eprintln!("rmpay: {errors} error(s); nothing was written");
            EXIT_INVALID
        }
        Failure::Usage(m) => {
            eprintln!("{m}");
            EXIT_USAGE
        }
    }
}

fn payroll_cmd(a: &cli::PayrollArgs) -> Result<(), Failure> {
    let period = parse_period(&a.period)?;
    let pb = progress_bar(a.quiet);
    let mut tick = |sheet: &str, rows: u64| {
        if let Some(pb) = &pb {
            pb.set_prefix(sheet.to_string());
            pb.set_position(rows);
        }
    };
    let r = compute_payroll(&a.policy, &a.ledger, period, &mut tick)?;
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let lang = match a.lang {
        cli::Lang::Zh => report::Lang::Zh,
        cli::Lang::En => report::Lang::En,
    };
    let out = a.out.join(pay_workbook_name(r.run.period));
    // Build every output first; write only when all are ready.
    let bytes = pay_workbook(&r, lang, &out).map_err(|e| Failure::Usage(e.to_string()))?;
    let json = a.json.as_ref().map(|p| {
        (
            p,
            write::json::to_bytes(&write::json::payroll_json(&r.policy, &r.payroll, &r.run)),
        )
    });
    write::atomic_write(&out, &bytes).map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some((p, j)) = json {
        write::atomic_write(p, &j).map_err(|e| Failure::Usage(e.to_string()))?;
    }
    let warnings = r
        .payroll
        .results
        .iter()
        .map(|x| x.flags.len())
        .sum::<usize>();
    let money = |d| report::pay::amount_text(d, r.policy.settings.money.scale);
    eprintln!(
        "rmpay: {} {} RMs, net pay {} (gross {}, deductions {}, risk deposit {}); {} exception(s)",
        r.run.period,
        r.payroll.results.len(),
        money(r.payroll.totals.net),
        money(r.payroll.totals.gross),
        money(r.payroll.totals.deductions),
        money(r.payroll.totals.holdback),
        warnings
    );
    eprintln!("rmpay: wrote {}", out.display());
    if let Some(p) = &a.json {
        eprintln!("rmpay: wrote {}", p.display());
    }
    Ok(())
}

fn check_cmd(a: &cli::CheckArgs) -> Result<(), Failure> {
    let period = parse_period(&a.period)?;
    let display = a.policy.display().to_string();
    let policy = policy::load_policy(&a.policy, &display).map_err(Failure::Invalid)?;
    println!(
        "{display}: policy `{}` version {} is valid ({} tiers, {} pay lines)",
        policy.id,
        policy.version,
        policy.tiers.len(),
        policy.pay.lines.len()
    );
    let Some(lp) = &a.ledger else { return Ok(()) };
    if !lp.exists() {
        return Err(Failure::Usage(format!(
            "{}: error[io]: no such file",
            lp.display()
        )));
    }
    let opts = ledger::ReadOptions {
        input_scale: policy.settings.input_scale,
        carry_forward_missing_days: policy.settings.carry_forward_missing_days,
        period,
    };
    let ld = lp.display().to_string();
    let (ledger, mut diags) = ledger::read_ledger(lp, &ld, &opts, &mut |_, _| {});
    let Some(ledger) = ledger else {
        return Err(Failure::Invalid(diags));
    };
    let _ = metrics::monthly::resolve_rms(&ledger, &policy, &mut diags);
    if diags.has_errors() {
        return Err(Failure::Invalid(diags));
    }
    for l in diags.render() {
        println!("{l}");
    }
    for u in &ledger.unknown_columns {
        println!(
            "{} [{}]!{}: note: column `{}` is not part of the ledger contract and is ignored",
            ledger.file,
            ledger.sheet_name(u.sheet),
            diag::cell_name(u.row, u.col),
            u.header
        );
    }
    println!(
        "{ld}: ledger for {} is valid ({} managers, {} client assignments)",
        ledger.period,
        ledger.managers.len(),
        ledger.clients.len()
    );
    Ok(())
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
    let result = match &cli.command {
        cli::Command::Payroll(a) => payroll_cmd(a),
        cli::Command::Check(a) => check_cmd(a),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(f) => report_failure(f),
    }
}
