//! rmpay: performance scores, tier grades and monthly pay of bank
//! relationship managers, computed from a bank's policy (TOML) and its
//! monthly ledgers (Excel).
//!
//! The pipelines (see README, "Architecture"), in [`pipeline`]:
//!
//! ```text
//! month:  policy TOML ─ policy::load ─→ Policy ─┐
//!                                               ├─ opening state ─ metrics::monthly ─→ engine::pay ─→ report ─→ write
//!         ledger xlsx ─ ledger::read ─→ Ledger ─┘
//! review: policy in force + the period's ledgers ─ metrics::annual ─→ engine::review ─→ report::review ─→ write
//! ```
//!
//! Only the I/O modules touch files: `policy` (loading and selecting a
//! version), `ledger` (reading), `archive` and `signoff` (closed periods,
//! drafts and sign-offs), `write` (outputs, committed together), called
//! from `pipeline` (which reads, never writes) and `commands`. Everything
//! between (`metrics`, `engine`, `report`) is pure, works in
//! `rust_decimal`, and returns its trace with its figures.

pub mod archive;
pub mod cli;
pub mod commands;
pub mod decimal;
pub mod diag;
pub mod engine;
pub mod ledger;
pub mod metrics;
mod par;
pub mod payout;
pub mod pipeline;
pub use vocab::period;
pub mod policy;
pub mod report;
pub mod signoff;
pub mod state;
pub mod text;
pub mod trace;
pub mod vocab;
pub mod write;

use clap::FromArgMatches;
use diag::Diagnostics;
use std::ffi::OsString;

pub use pipeline::inputs::PolicySource;
pub use pipeline::month::{
    Job, PayrollRun, compute, compute_payroll, pay_workbook, pay_workbook_name,
};
pub use pipeline::opening::{Carry, ledger_openings};

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Why a run stopped: the one error type, [`diag::Diagnostic`], alone or
/// as every problem found in the input.
pub enum Failure {
    /// Invalid input: every diagnostic.
    Invalid(Diagnostics),
    /// One error that stops the run by itself: usage, I/O, an archive that
    /// refuses (already closed, out of order, a gap) or is damaged.
    Error(diag::Diagnostic),
}

impl Failure {
    /// A usage error (`error: message`, exit 2).
    pub fn usage(message: impl Into<crate::text::Msg>) -> Failure {
        Failure::Error(diag::Diagnostic::usage(message))
    }

    /// An error about a file or folder (`PATH: error[code]: message`).
    pub fn at(
        path: impl AsRef<std::path::Path>,
        code: diag::Code,
        message: impl Into<crate::text::Msg>,
    ) -> Failure {
        Failure::Error(diag::Diagnostic::at_path(path, code, message))
    }

    /// The exit status: the kind of error decides (see
    /// [`diag::Code::exit_status`]).
    pub fn exit_status(&self) -> i32 {
        match self {
            Failure::Invalid(d) => d.exit_status(),
            Failure::Error(e) => e.code.exit_status(),
        }
    }
}

impl From<diag::Diagnostic> for Failure {
    fn from(e: diag::Diagnostic) -> Failure {
        Failure::Error(e)
    }
}

/// Run the command line; returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // Help is printed while the line is parsed: in the console's language,
    // which `--lang` (looked up first) or else the locale gives.
    let help_lang = text::console_lang(text::help::lang_in_args(&args));
    let parsed = cli::command(help_lang)
        .try_get_matches_from(&args)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => return clap_failure(&e, &args),
    };
    // The outputs' language is --lang's (Chinese by default); the
    // console's is --lang's, or else the locale's.
    let given = cli.lang.map(commands::lang);
    text::set_output(given.unwrap_or_default());
    text::set_console(text::console_lang(given));
    match commands::dispatch(&cli.command) {
        Ok(code) => code,
        Err(f) => commands::report_failure(f),
    }
}

/// Print clap's error for a command line it refused (in the console's
/// language: `--lang` as typed, else the locale's); returns the exit code.
/// Help and version go as clap prints them.
fn clap_failure(e: &clap::Error, args: &[OsString]) -> i32 {
    if !e.use_stderr() {
        let _ = e.print();
        return EXIT_OK;
    }
    // Not a text: whose words are printed (the catalogue's or clap's).
    match text::console_lang(text::help::lang_in_args(args)) {
        text::Lang::Zh => match text::run::clap_error_zh(e) {
            Some(said) => commands::stderr(said.as_bytes()),
            None => {
                let _ = e.print();
            }
        },
        text::Lang::En => {
            let _ = e.print();
        }
    }
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    use crate::text::Lang;
    use crate::text::help::lang_in_args;

    #[test]
    fn lang_is_found_before_clap_reads_the_line() {
        let typed = |a: &[&str]| {
            let args: Vec<std::ffi::OsString> = a.iter().map(|s| s.into()).collect();
            lang_in_args(&args)
        };
        assert_eq!(
            typed(&["rmpay", "--lang", "zh", "payroll", "--foo"]),
            Some(Lang::Zh)
        );
        assert_eq!(typed(&["rmpay", "payroll", "--lang=en"]), Some(Lang::En));
        // Unknown or missing: the locale decides; after `--` it is a value.
        assert_eq!(typed(&["rmpay", "payroll", "--lang", "fr"]), None);
        assert_eq!(typed(&["rmpay", "payroll", "--lang"]), None);
        assert_eq!(typed(&["rmpay", "sign", "--", "--lang", "zh"]), None);
        assert_eq!(typed(&["rmpay", "--language", "zh"]), None);
    }
}
