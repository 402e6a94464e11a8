//! One month's pay: inputs → opening state → metrics → engine → checks.

use super::inputs::{self, PolicySource};
use super::opening::{self, Carry};
use crate::decimal::RoundAway as _;
use crate::diag::{self, Diagnostics};
use crate::period::Period;
use crate::text::{Lang, Msg, run};
use crate::{Failure, engine, ledger, metrics, policy, report, write};
use std::path::{Path, PathBuf};

/// Everything a payroll run produces, before anything is written.
pub struct PayrollRun {
    pub policy: policy::Policy,
    /// The policy file that was used (the version picked, with --rules).
    pub policy_path: PathBuf,
    pub ledger: ledger::Ledger,
    pub payroll: engine::pay::Payroll,
    pub run: report::pay::RunInfo,
}

/// Where a month's client-level rows go: the client sheet (客户明细) and
/// the trace's row per client and RM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClientDetail {
    /// A file when the month has more than [`CLIENT_DETAIL_ROWS`] client
    /// rows, else the workbook.
    #[default]
    Auto,
    /// The pay workbook, however many.
    Workbook,
    /// The client detail file beside the workbook, however few.
    File,
}

/// The most client rows (rows of the ledger's clients sheet: one per client
/// and RM) a month's pay workbook holds under [`ClientDetail::Auto`]: past
/// it the client sheet and the trace's client rows go to the client detail
/// file. A branch's month has a few thousand; a city bank's 666,667 (and an
/// Excel sheet stops at 1,048,576 rows).
pub const CLIENT_DETAIL_ROWS: usize = 100_000;

impl ClientDetail {
    /// Whether a month with `rows` client rows writes them to the file.
    pub fn to_file(self, rows: usize) -> bool {
        match self {
            ClientDetail::Auto => rows > CLIENT_DETAIL_ROWS,
            ClientDetail::Workbook => false,
            ClientDetail::File => true,
        }
    }
}

/// The client detail file's name for a period.
pub fn client_detail_name(period: Period) -> String {
    format!("client-detail-{period}.csv")
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
    pub period: Option<Period>,
    pub carry: Carry,
    /// Where the month's client rows go.
    pub client_detail: ClientDetail,
}

impl Job {
    /// A job for one policy file and one ledger, opening from the ledger.
    pub fn new(policy: &Path, ledger: &Path, period: Option<Period>) -> Job {
        Job {
            policy: PolicySource::File(policy.to_path_buf()),
            policy_display: None,
            ledger: ledger.to_path_buf(),
            ledger_display: None,
            period,
            carry: Carry::Ledger,
            client_detail: ClientDetail::Auto,
        }
    }
}

/// Load the policy and the ledger and compute the month. Pure apart from
/// reading the inputs. `progress` is told about long reads.
pub fn compute(job: &Job, progress: &mut dyn FnMut(&str, u64)) -> Result<PayrollRun, Failure> {
    let inputs::Inputs {
        mut policy,
        policy_path,
        mut ledger,
        ledger_display,
        ledger_hash,
    } = inputs::read(job, progress)?;
    // Outputs name the inputs by file name, not by where they happened to
    // be, so the same inputs give the same bytes wherever they are.
    ledger.file = inputs::file_name(&ledger_display);
    policy.file = inputs::file_name(&policy.file);
    let rms = resolve_rms(&ledger, &policy, &ledger_display)?;
    let ledger_sha256 = inputs::join_hash(ledger_hash)?;
    let opening = opening::find(&job.carry, &ledger)?;
    let client_file = job
        .client_detail
        .to_file(ledger.clients.len())
        .then(|| client_detail_name(ledger.period));
    let month = metrics::monthly::compute_detailed(&ledger, &policy, rms, client_file.as_deref());
    let payroll = engine::pay::payroll(&policy, &ledger, month, &opening.openings);
    check_overflow(&payroll, &ledger.file)?;
    // The workbook names the ledger by file name, like everything else in
    // it (the console keeps the path as typed).
    let ledger_warnings = ledger
        .warnings
        .iter()
        .map(|w| {
            let w = w.in_file(&ledger.file);
            let show = |l| w.show(l);
            crate::text::Msg::new(show(crate::text::Lang::Zh), show(crate::text::Lang::En))
        })
        .collect();
    let mut run = report::pay::RunInfo::new(
        ledger.period,
        ledger.file.clone(),
        ledger_sha256,
        opening.source,
        ledger_warnings,
    );
    run.client_file = client_file;
    Ok(PayrollRun {
        policy,
        policy_path,
        ledger,
        payroll,
        run,
    })
}

/// The month's RMs, resolved against the policy's tiers. Errors name the
/// ledger as typed (`display`), with the reader's warnings beside them.
fn resolve_rms(
    ledger: &ledger::Ledger,
    policy: &policy::Policy,
    display: &str,
) -> Result<Vec<metrics::monthly::Rm>, Failure> {
    let mut found = Diagnostics::new();
    let rms = metrics::monthly::resolve_rms(ledger, policy, &mut found);
    // A risk-deposit balance is money held for the RM and paid back as it
    // stands: it must be in whole units of the policy's money (fen), or a
    // top-up to the cap or a release would pay a fraction of one.
    let places = policy.settings.money.scale;
    for r in &ledger.risk_accounts {
        if r.opening_balance != r.opening_balance.round_away(places) {
            found.error(
                ledger.location(r.src),
                diag::Code::TooManyPlaces,
                Msg::new(
                    run::risk_balance_places(
                        &r.rm_id,
                        places,
                        report::pay::amount_text(r.opening_balance, r.opening_balance.scale()),
                    )
                    .get(Lang::Zh)
                    .to_string(),
                    run::risk_balance_places(&r.rm_id, places, r.opening_balance)
                        .get(Lang::En)
                        .to_string(),
                ),
            );
        }
    }
    // Nor can it exceed the tier's cap (the deposit is withheld only up to
    // it: Policy A art. 25(2)): a balance above it is a slip in the cell
    // (or the tier), never money to hold. Unless the policy keeps the
    // excess over a cap a tier change lowered (`lowered_cap = "keep"`, the
    // shipped Policy A's): then an RM demoted before the first closed month
    // holds more than the new tier's cap, as the engine carries it.
    let keeps_excess = policy
        .risk_deposit
        .as_ref()
        .is_some_and(|rd| rd.lowered_cap == policy::LoweredCap::Keep);
    let tier_of: std::collections::HashMap<&str, policy::TierIx> =
        rms.iter().map(|m| (m.rm_id.as_str(), m.tier)).collect();
    for r in &ledger.risk_accounts {
        let Some(&t) = tier_of.get(r.rm_id.as_str()) else {
            continue;
        };
        let tier = &policy.tiers[t];
        if let Some(cap) = tier.risk_deposit_cap
            && r.opening_balance > cap
            && !keeps_excess
        {
            let amount = |d: rust_decimal::Decimal| report::pay::amount_text(d, d.scale().max(2));
            found.error(
                ledger.location(r.src),
                diag::Code::OutOfRange,
                Msg::new(
                    run::risk_balance_above_cap(
                        &r.rm_id,
                        &tier.name,
                        amount(cap),
                        amount(r.opening_balance),
                    )
                    .get(Lang::Zh)
                    .to_string(),
                    run::risk_balance_above_cap(
                        &r.rm_id,
                        tier.name_en.as_deref().unwrap_or(&tier.id),
                        amount(cap),
                        amount(r.opening_balance),
                    )
                    .get(Lang::En)
                    .to_string(),
                ),
            );
        }
    }
    if !found.has_errors() {
        return Ok(rms);
    }
    let mut diags = inputs::warnings(ledger);
    for d in found.iter() {
        diags.push(d.in_file(display));
    }
    Err(Failure::Invalid(diags))
}

/// A figure too large for exact arithmetic is an error, never a wrong
/// figure.
fn check_overflow(payroll: &engine::pay::Payroll, ledger_file: &str) -> Result<(), Failure> {
    let mut too_large = Diagnostics::new();
    for r in &payroll.results {
        for o in &r.pay.overflow {
            too_large.push(diag::Diagnostic {
                location: diag::Location::File {
                    file: ledger_file.to_string(),
                },
                message: run::nest(&o.message, |what| run::overflow_check(&r.rm.rm_id, what)),
                ..o.clone()
            });
        }
    }
    if too_large.has_errors() {
        return Err(Failure::Invalid(too_large));
    }
    Ok(())
}

/// [`compute`] for one policy file and one ledger, opening from the ledger.
pub fn compute_payroll(
    policy_path: &Path,
    ledger_path: &Path,
    period: Option<Period>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<PayrollRun, Failure> {
    compute(&Job::new(policy_path, ledger_path, period), progress)
}

/// The pay workbook's bytes. `path` names the file in errors.
pub fn pay_workbook(
    r: &PayrollRun,
    lang: report::Lang,
    path: &Path,
) -> Result<Vec<u8>, crate::diag::Diagnostic> {
    let head = report::pay::pay_book_head(&r.policy, &r.run, lang);
    let mut sink = write::XlsxSink::new(&head, path)?;
    sink.write_sheets(report::pay::pay_sheets(&r.policy, &r.payroll, &r.run, lang));
    sink.finish()
}

/// The pay workbook's file name for a period.
pub fn pay_workbook_name(period: Period) -> String {
    format!("pay-{period}.xlsx")
}
