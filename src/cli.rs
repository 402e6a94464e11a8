//! Command-line definitions (clap). Parsed here, validated in `run`.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "rmpay",
    version,
    about = "Scores, tier grades and monthly pay of bank relationship managers (客户经理绩效与薪酬)",
    long_about = "rmpay reads a bank's policy (TOML, under rules/) and its monthly Excel ledgers, \
and writes pay workbooks and grading workbooks in which every figure names the rule that \
produced it and the inputs it read.\n\nExit codes: 0 written, 1 invalid input (every problem \
printed, nothing written), 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compute one month's payroll and write the pay workbook (and JSON).
    #[command(
        after_help = "Example:\n  rmpay payroll --policy rules/city-commercial-bank.toml \\\n      --ledger fixtures/2026-10.xlsx --out out/ --json out/pay-2026-10.json"
    )]
    Payroll(PayrollArgs),
    /// Validate a policy (and a ledger against it) without writing anything.
    #[command(
        after_help = "Example:\n  rmpay check --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx"
    )]
    Check(CheckArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Lang {
    /// Chinese sheet and column names (default).
    #[default]
    Zh,
    /// English sheet and column names.
    En,
}

#[derive(clap::Args, Debug)]
pub struct PayrollArgs {
    /// The policy file (TOML).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The month's ledger workbook (.xlsx, .xls or .ods).
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Directory the pay workbook is written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Language of sheet and column names.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// The period, YYYY-MM; must agree with the ledger's dates.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: Option<String>,
    /// Do not draw a progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The policy file (TOML).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// A ledger workbook to validate against the policy.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// The period, YYYY-MM; must agree with the ledger's dates.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: Option<String>,
}
