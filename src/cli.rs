//! Command-line definitions (clap). Parsed here, validated in `commands`.
//! The help shown is [`command`]'s: these doc comments' texts, in English
//! or Chinese, from the catalogue `text::help`, whose English entries a
//! test holds equal to them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The command line, its help in `l` (the console's language).
pub fn command(l: crate::text::Lang) -> clap::Command {
    crate::text::help::localize(<Cli as clap::CommandFactory>::command(), l)
}

#[derive(Parser, Debug)]
#[command(
    name = "rmpay",
    version,
    about = "Scores, tier grades and monthly pay of bank relationship managers (客户经理绩效与薪酬)",
    long_about = "rmpay reads a bank's policy (TOML, under rules/) and its monthly Excel ledgers, \
and writes pay workbooks and grading workbooks in which every figure names the rule that \
produced it and the inputs it read.\n\nExit codes: 0 written, 1 invalid input (every problem \
printed, nothing written), 2 usage or I/O error, 101 internal error (a bug in rmpay)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of what is written (workbooks, statements, JSON reasons)
    /// and of the console's messages. Workbooks default to Chinese; the
    /// console, without --lang, follows the locale (LC_ALL, LC_MESSAGES,
    /// LANG starting with `zh`: Chinese; else English).
    #[arg(long, value_enum, global = true)]
    pub lang: Option<Lang>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compute one month's payroll and write the pay workbook (and JSON).
    #[command(
        after_help = "Examples:\n  rmpay payroll --policy rules/city-commercial-bank.toml \\\n      --ledger fixtures/2026-10.xlsx --out out/ --json out/pay-2026-10.json\n  rmpay payroll --rules rules/ --bank city-commercial-bank --archive archive/ \\\n      --ledger 2026-11.xlsx --out out/"
    )]
    Payroll(PayrollArgs),
    /// Compute a month and archive it as closed (ledger, policy, outputs, state, manifest).
    #[command(
        after_help = "Example:\n  rmpay close --archive archive/ --policy rules/city-commercial-bank.toml --ledger 2026-10.xlsx"
    )]
    Close(CloseArgs),
    /// Sign one step of a month's pay (e.g. 审核) for the draft in the archive.
    #[command(
        after_help = "Examples:\n  rmpay sign --archive archive/ --period 2026-10 --step 审核 --name 王五 --date 2026-11-03\n  rmpay sign --archive archive/ --period 2026-10 --step approve --name 赵六 --note \"同意\""
    )]
    Sign(SignArgs),
    /// Recompute a closed month from its archived ledger and policy and compare every byte with the archive.
    #[command(
        long_about = "Recompute a closed month from its archived ledger, policy and opening state, \
and compare every byte with what was archived. It says first whether the archived inputs still \
match the manifest (or which file changed, with both SHA-256s), then every difference, the pay \
register's first. Exit 0: identical; 1: a difference.",
        after_help = "Example:\n  rmpay rerun --archive archive/ --period 2026-10"
    )]
    Rerun(RerunArgs),
    /// Correct a closed month's ledger: archive new versions of it and of every later closed month.
    #[command(
        long_about = "Correct a closed month's ledger (a prior-period adjustment): the month is \
recomputed from the corrected ledger and archived as a new version beside the original (which \
is never changed), and every later closed month is recomputed on top of it as a new version too \
(risk deposit, counters and year-to-date figures roll forward). Per RM and pay figure, what was \
paid and what is due is carried into the next open month's payroll as adjustment lines \
(补发 / 扣回), which go through that month's draft, sign-off and close.",
        after_help = "Example:\n  rmpay restate --archive archive/ --period 2026-09 --ledger 2026-09-corrected.xlsx \\\n      --reason \"客户 C0001 9月日均余额漏记\""
    )]
    Restate(RestateArgs),
    /// Write a closed month's pay-out file (代发工资) for the bank's batch-payment system.
    #[command(
        long_about = "Write a closed month's pay-out file (代发工资) for the bank's batch-payment \
system: one payment per RM with an amount to pay (the register's total paid, 实发合计: net pay \
plus any risk deposit released) to the salary card (工资卡号) in the month's archived ledger, with the control count and total, laid out as the \
`[payout]` profile of the month's archived policy says (CSV in UTF-8 or GBK, or xlsx).\n\n\
Only a closed month pays out: `payroll` never writes a pay-out file, and a month that is not \
closed is refused (exit 1). An RM with an amount to pay and no card is an error at the card's \
cell; nothing is written then.",
        after_help = "Example:\n  rmpay payout --archive archive/ --period 2026-10 --out 代发-2026-10.csv"
    )]
    Payout(PayoutArgs),
    /// Check the archive's hash chain; name every file changed, removed or added.
    #[command(after_help = "Example:\n  rmpay verify --archive archive/ --head SHA256")]
    Verify(VerifyArgs),
    /// Print every figure of one RM with its rule, formula and inputs.
    #[command(
        after_help = "Examples:\n  rmpay explain --archive archive/ --period 2026-10 --rm RM001\n  rmpay explain --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx --rm RM001"
    )]
    Explain(ExplainArgs),
    /// Run a proposed policy over a closed month and write the per-RM differences (the archive is unchanged).
    #[command(
        after_help = "Example:\n  rmpay compare --archive archive/ --period 2026-10 --policy proposed.toml --out out/"
    )]
    Compare(CompareArgs),
    /// Write one printable statement per RM (A4, one page): their pay, risk
    /// deposit, year to date and figures, each with its rule and inputs,
    /// and nothing of anyone else.
    #[command(
        after_help = "Examples:\n  rmpay statement --archive archive/ --period 2026-10 --out statements/\n  rmpay statement --archive archive/ --period 2026-10 --rm RM001 RM002 --lang en --out statements/\n  rmpay statement --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx --out drafts/   # marked draft"
    )]
    Statement(StatementArgs),
    /// Write the tier review for HR: annual (or quarterly) figures, scores,
    /// rule outcomes and the proposed tier with every reason.
    #[command(
        after_help = "Examples:\n  rmpay review --policy rules/city-commercial-bank.toml --archive archive/ --year 2026 --out out/\n  rmpay review --policy rules/bocom-nanchang.toml --ledgers ledgers/2026-*.xlsx --year 2026 --quarter 3 --out out/\n  rmpay review --policy rules/bocom-nanchang.toml --ledgers 2026-07=jul.xlsx 2026-08=aug.xlsx 2026-09=sep.xlsx \\\n      --year 2026 --quarter 3 --out out/"
    )]
    Review(ReviewArgs),
    /// Validate a policy (and a ledger against it) without writing anything.
    #[command(
        after_help = "Example:\n  rmpay check --policy rules/city-commercial-bank.toml --ledger fixtures/2026-10.xlsx"
    )]
    Check(CheckArgs),
    /// Write an empty ledger workbook to fill in: every sheet and header,
    /// drop-down lists and an instructions sheet (填写说明).
    #[command(
        after_help = "Examples:\n  rmpay template --policy rules/city-commercial-bank.toml --out 2026-10.xlsx\n  rmpay template --lang en --out ledger-template.xlsx"
    )]
    Template(TemplateArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Lang {
    /// Chinese (workbooks' default).
    #[default]
    Zh,
    /// English.
    En,
}

/// Where the policy comes from: one file, or the version in force in a
/// directory of effective-dated versions.
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct PolicySourceArgs {
    /// The policy file (TOML).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A directory of policy versions: the version in force in the month (for
    /// a review, in its last month) is used.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// The policy, and with `--rules` whose.
#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    #[command(flatten)]
    pub source: PolicySourceArgs,
    #[arg(long, value_name = "ID", requires = "rules", help = BANK_HELP)]
    pub bank: Option<String>,
}

const BANK_HELP: &str =
    "With --rules: the policy id, when the directory holds several banks' policies";
const WAIT_HELP: &str = "How long to wait for another rmpay writing to the archive \
before giving up with error[archive-busy] (0: do not wait)";
const QUIET_HELP: &str = "Do not show the progress line while a large ledger is read";
const PERIOD_HELP: &str = "The month, YYYY-MM (default: the month of the ledger's daily \
balances, which it must agree with; needed for a ledger of monthly averages)";
const LEDGER_HELP: &str = "The month's ledger workbook (.xlsx, .xls or .ods)";
const CLIENT_DETAIL_HELP: &str = "Where the month's client rows go: the pay workbook (its client and trace sheets), or client-detail-YYYY-MM.csv beside it (a row per RM, client and deposit account)";

/// Where a month's client rows go (`--client-detail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ClientDetail {
    /// The file when the month has more than 100,000 client rows, else the workbook.
    #[default]
    Auto,
    /// The pay workbook, however many.
    Workbook,
    /// The file client-detail-YYYY-MM.csv beside the workbook, however few.
    File,
}

/// A closed month of an archive.
#[derive(Args, Debug)]
pub struct ClosedMonthArgs {
    /// The archive of closed months.
    #[arg(long, value_name = "DIR")]
    pub archive: PathBuf,
    /// The closed month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
}

/// The month `explain` and `statement` show: a closed month of an archive,
/// or a ledger's month computed now.
#[derive(Args, Debug)]
pub struct MonthArgs {
    /// An archive: with --period alone, its closed month; with --ledger, the
    /// opening state is taken from its last closed month.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// The month, YYYY-MM: the closed month, with --archive alone; with
    /// --ledger, it must agree with the ledger's dates (default: their month).
    #[arg(long, value_name = "YYYY-MM")]
    pub period: Option<String>,
    /// The policy file (TOML), with --ledger.
    #[arg(long, value_name = "FILE", conflicts_with = "rules")]
    pub policy: Option<PathBuf>,
    /// A directory of policy versions, with --ledger: the version in force in
    /// the month is used.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    #[arg(long, value_name = "ID", requires = "rules", help = BANK_HELP)]
    pub bank: Option<String>,
    /// The month's ledger workbook (.xlsx, .xls or .ods), with --policy or
    /// --rules: the month is computed now, not taken from the archive.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PayrollArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long, value_name = "FILE", help = LEDGER_HELP)]
    pub ledger: PathBuf,
    /// Directory the pay workbook (pay-YYYY-MM.xlsx) is written to (created
    /// if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write the results as JSON to this file (`-`: to standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Take the opening state (risk deposits, counters) from this archive's
    /// last closed month, and record the month's draft in the archive
    /// (drafts/YYYY-MM/) for sign-off.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        requires = "archive",
        help = WAIT_HELP
    )]
    pub wait: u64,
    #[arg(long, value_name = "YYYY-MM", help = PERIOD_HELP)]
    pub period: Option<String>,
    #[arg(long, short, help = QUIET_HELP)]
    pub quiet: bool,
    #[arg(long, value_name = "WHERE", value_enum, default_value_t, help = CLIENT_DETAIL_HELP)]
    pub client_detail: ClientDetail,
}

#[derive(Args, Debug)]
pub struct CloseArgs {
    /// The archive of closed months (created if missing).
    #[arg(long, value_name = "DIR")]
    pub archive: PathBuf,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long, value_name = "FILE", help = LEDGER_HELP)]
    pub ledger: PathBuf,
    #[arg(long, value_name = "YYYY-MM", help = PERIOD_HELP)]
    pub period: Option<String>,
    #[arg(long, short, help = QUIET_HELP)]
    pub quiet: bool,
    #[arg(long, value_name = "SECONDS", default_value_t = 30, help = WAIT_HELP)]
    pub wait: u64,
    #[arg(long, value_name = "WHERE", value_enum, default_value_t, help = CLIENT_DETAIL_HELP)]
    pub client_detail: ClientDetail,
}

#[derive(Args, Debug)]
pub struct RerunArgs {
    #[command(flatten)]
    pub month: ClosedMonthArgs,
    /// The version of the month: 1 as closed, 2, 3, … as restated (default:
    /// the version in force).
    #[arg(long, value_name = "N")]
    pub version: Option<u32>,
}

#[derive(Args, Debug)]
pub struct RestateArgs {
    #[command(flatten)]
    pub month: ClosedMonthArgs,
    /// The corrected ledger of that month.
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// Why the month is restated (recorded in every new version and named
    /// by every adjustment line).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[arg(long, short, help = QUIET_HELP)]
    pub quiet: bool,
    #[arg(long, value_name = "SECONDS", default_value_t = 30, help = WAIT_HELP)]
    pub wait: u64,
}

#[derive(Args, Debug)]
pub struct PayoutArgs {
    #[command(flatten)]
    pub month: ClosedMonthArgs,
    /// The file to write (replaced whole, or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The archive of closed months.
    #[arg(long, value_name = "DIR")]
    pub archive: PathBuf,
    /// The head hash written down at the last close (or at the last step
    /// signed after it): the archive must still end in it.
    #[arg(long, value_name = "SHA256")]
    pub head: Option<String>,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The archive holding the month's draft.
    #[arg(long, value_name = "DIR")]
    pub archive: PathBuf,
    /// The month signed, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
    /// The step, by id or title as the policy's [workflow] names it (e.g. check or 审核).
    #[arg(long, value_name = "STEP")]
    pub step: String,
    /// Who signs; each step of a draft by a different person, unless the policy's [workflow] sets separate_signers = false.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The date signed, e.g. 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日, recorded as YYYY-MM-DD (default: today's date, which is printed).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// A remark recorded with the sign-off.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    #[arg(long, value_name = "SECONDS", default_value_t = 30, help = WAIT_HELP)]
    pub wait: u64,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The RM to explain, by id.
    #[arg(long, value_name = "ID")]
    pub rm: String,
    #[command(flatten)]
    pub month: MonthArgs,
}

#[derive(Args, Debug)]
pub struct StatementArgs {
    #[command(flatten)]
    pub month: MonthArgs,
    /// Only these RMs (default: every RM of the month).
    #[arg(long = "rm", value_name = "ID", num_args = 1..)]
    pub rms: Vec<String>,
    /// Directory the statements are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub month: ClosedMonthArgs,
    /// The proposed policy file (TOML).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Directory the comparison workbook (compare-YYYY-MM.xlsx) is written
    /// to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Take the months from this archive of closed months.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with = "ledgers",
        required_unless_present = "ledgers"
    )]
    pub archive: Option<PathBuf>,
    /// The months' ledgers, in any order. Each one's month is that of its
    /// daily balances or, for a ledger of monthly averages, the one in its
    /// file name (2026-10.xlsx, 202610.xlsx, 2026年10月.xlsx); YYYY-MM=FILE
    /// gives it outright.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub ledgers: Vec<String>,
    /// The year reviewed, YYYY.
    #[arg(long, value_name = "YYYY")]
    pub year: i32,
    /// Review one quarter (1–4) instead of the whole year: of the year's
    /// ledgers, the quarter's three months are used.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4))]
    pub quarter: Option<u32>,
    /// Allow months to be missing; every sheet is then marked partial.
    #[arg(long)]
    pub partial: bool,
    /// Last year's review JSON (for rules such as "two years running").
    #[arg(long, value_name = "FILE")]
    pub previous_review: Option<PathBuf>,
    /// Directory the review workbook (review-YYYY.xlsx, review-YYYY-QN.xlsx)
    /// is written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write the review as JSON to this file (`-`: to standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write each RM's notice of the result (考核结果通知书), one
    /// printable file per RM, into this directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub notices: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// A ledger workbook to check against the policy (.xlsx, .xls or .ods).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    #[arg(long, value_name = "YYYY-MM", help = PERIOD_HELP)]
    pub period: Option<String>,
}

#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// The policy whose tiers fill the tier column's drop-down list.
    #[arg(long, value_name = "FILE", conflicts_with = "rules")]
    pub policy: Option<PathBuf>,
    /// A directory of policy versions: the version in force in --period is used.
    #[arg(long, value_name = "DIR", requires = "period")]
    pub rules: Option<PathBuf>,
    #[arg(long, value_name = "ID", requires = "rules", help = BANK_HELP)]
    pub bank: Option<String>,
    /// With --rules: the month the ledger is for, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM", requires = "rules")]
    pub period: Option<String>,
    /// The workbook to write (.xlsx).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// A sign-off date as a finance office writes it: `2026-11-07`,
/// `2026/11/7`, `20261107` or `2026年11月7日` (one- or two-digit month and
/// day), one calendar date, recorded as ISO `YYYY-MM-DD`. No time of day;
/// an impossible date (`2026-02-30`) is none.
pub fn sign_date(text: &str) -> Option<String> {
    let t = text.trim();
    if t.contains([' ', 'T', ':']) {
        return None;
    }
    crate::ledger::parse_date_text(t).map(|d| d.format("%Y-%m-%d").to_string())
}
