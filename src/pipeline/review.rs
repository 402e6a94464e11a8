//! A quarter's or a year's review: the policy in force at the period's
//! end, each month's ledger (from an archive or given), the trailing
//! months a quarter's settlements need, last year's same months, then the
//! year's figures and the engine's decisions.
//!
//! A closed month is read from its figures (`figures.json`,
//! src/archive/figures.rs), not its ledger: the same ledger records with
//! the daily balances summed per client and product, which the month's
//! figures add up exactly as they would the rows. Its ledger is read when
//! it has no figures (closed before they were kept) or the policy reads
//! ledgers otherwise than the month was read.

use super::inputs::{self, PolicySource};
use crate::archive::{self, Archive, Manifest, figures::FiguresV1};
use crate::diag::{self, Diagnostics};
use crate::diag::{Code, Diagnostic};
use crate::engine::review::Review;
use crate::metrics::annual::MonthData;
use crate::period::Period;
use crate::text::{self, Lang, Msg, run};
use crate::{Failure, ledger, metrics, policy, report, write};
use std::path::{Path, PathBuf};

/// What a review reads.
#[derive(Clone, Debug)]
pub struct ReviewJob {
    pub policy: PolicySource,
    pub year: i32,
    pub quarter: Option<u32>,
    /// A closed months' archive to take ledgers (and last year's) from.
    pub archive: Option<PathBuf>,
    /// Given ledgers: `FILE` or `YYYY-MM=FILE`.
    pub ledgers: Vec<String>,
    /// Review with months missing.
    pub partial: bool,
    /// Last year's review JSON, for the "two years running" rules.
    pub previous_review: Option<PathBuf>,
}

/// A review, computed and checked, before anything is written.
pub struct ReviewRun {
    pub policy: policy::Policy,
    pub result: Review,
    pub info: report::review::ReviewInfo,
    /// The ledgers' warnings, and the rules not assessed for lack of a
    /// figure, to print.
    pub notes: Vec<String>,
}

/// The months a review covers, and its label (`2026` or `2026-Q3`).
struct Span {
    label: String,
    expected: Vec<Period>,
    /// The months before a quarter its trailing-twelve-months settlements
    /// need (empty otherwise).
    window: Vec<Period>,
}

impl Span {
    fn covers(&self, p: Period) -> bool {
        self.expected.contains(&p) || self.window.contains(&p)
    }
}

/// The months read: the review's own, the trailing window's, and
/// (period, file name, SHA-256) of each; and (period, file as given) of
/// each ledger used, and of those of the year's other months, set aside by
/// a quarter's review.
#[derive(Default)]
struct Months {
    months: Vec<MonthData>,
    trailing: Vec<MonthData>,
    ledgers: Vec<(String, String, String)>,
    used: Vec<(Period, String)>,
    set_aside: Vec<(Period, String)>,
}

/// Run a review.
pub fn run(job: &ReviewJob) -> Result<ReviewRun, Failure> {
    let expected = review_months(job.year, job.quarter)?;
    let label = match job.quarter {
        Some(q) => format!("{}-Q{q}", job.year),
        None => job.year.to_string(),
    };
    let last = *expected
        .last()
        .ok_or_else(|| Failure::usage(run::empty_review_period()))?;
    let mut diags = Diagnostics::new();
    let policy = policy_in_force(&job.policy, last, &label, &mut diags)?;
    // The months read from an archive were closed under the policy in
    // force for them: a review's policy is that one too (as `close`'s).
    if let Some(root) = &job.archive
        && !diags.has_errors()
    {
        let given = match &job.policy {
            PolicySource::File(f) => f.display().to_string(),
            PolicySource::Rules { .. } => policy.file.clone(),
        };
        super::in_force::check_archived(&policy, &given, last, root, &mut diags)
            .map_err(Failure::Error)?;
    }
    // A condition over more consecutive months than the period has could
    // never hold (a quarter's review of a six-month run): the policy's
    // error at the condition, not a rule that silently never fires.
    let months = expected.len() as u32;
    for run in policy
        .review
        .month_runs
        .iter()
        .filter(|r| r.months > months)
    {
        let said = |l: Lang| {
            crate::text::policy::consecutive_longer_than_review(
                &run.path, run.months, &label, months,
            )
            .get(l)
            .to_string()
        };
        diags.error(
            run.at.clone(),
            Code::NotApplicable,
            Msg::new(said(Lang::Zh), said(Lang::En)),
        );
    }
    let window = trailing_window(job, &policy, &expected);
    let span = Span {
        label,
        expected,
        window,
    };
    let figured = figured(job, &span)?;
    let sources = sources(job, &span)?;
    let read = read_months(&policy, &span, &figured, &sources, &mut diags)?;
    let prior = prior_year(job, &policy, &span.expected, &mut diags)?;
    if diags.has_errors() {
        return Err(Failure::Invalid(diags));
    }
    let (read, missing) = complete(read, &span, job.partial)?;
    let used = months_used(&span.label, &read);
    let demoted = match &job.previous_review {
        None => None,
        Some(p) => Some(previous_demotions(p, job.year)?),
    };
    let figures = metrics::annual::aggregate(
        &policy,
        &span.label,
        &span.expected,
        &read.months,
        &prior,
        &read.trailing,
        demoted.as_deref(),
    );
    heads_have_branches(&policy, &figures)?;
    let end = figures.end;
    // A year of big months is millions of small allocations: free them off
    // the command's path (the process may well exit first), as payroll
    // does its month.
    let Months {
        months,
        trailing,
        ledgers,
        ..
    } = read;
    std::thread::spawn(move || drop((months, trailing, prior)));
    let result = crate::engine::review::review(&policy, figures);
    // The ledgers' warnings (a row dated outside its month, …), then the
    // rules not assessed.
    let mut notes: Vec<String> = used.into_iter().collect();
    notes.extend(diags.render());
    notes.extend(lacking(&result)?);
    let info = report::review::ReviewInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        label: span.label,
        partial: !missing.is_empty(),
        ledgers,
        missing: missing.iter().map(|p| p.to_string()).collect(),
        end,
    };
    Ok(ReviewRun {
        policy,
        result,
        info,
        notes,
    })
}

/// A branch head assessed on the branch (`review.branch_heads_on_branch`)
/// needs one: a head whose `branch` (机构) is empty is `missing-figure`,
/// never scored on their own clients instead without a word.
fn heads_have_branches(
    policy: &policy::Policy,
    figures: &metrics::annual::YearFigures,
) -> Result<(), Failure> {
    if !policy.review.branch_heads_on_branch {
        return Ok(());
    }
    let mut no_branch = Diagnostics::new();
    for r in &figures.rms {
        if r.rm.role == crate::vocab::Role::BranchHead && r.rm.branch.is_none() {
            no_branch.error(
                diag::Location::None,
                Code::MissingFigure,
                // The column's Chinese header, as the ledger heads it.
                run::head_without_branch(&r.rm.rm_id, "机构"),
            );
        }
    }
    if no_branch.has_errors() {
        return Err(Failure::Invalid(no_branch));
    }
    Ok(())
}

/// The months a review covers.
fn review_months(year: i32, quarter: Option<u32>) -> Result<Vec<Period>, Failure> {
    let months: Vec<u32> = match quarter {
        Some(q) => ((q - 1) * 3 + 1..=q * 3).collect(),
        None => (1..=12).collect(),
    };
    months
        .into_iter()
        .map(|m| Period::new(year, m).ok_or_else(|| Failure::usage(run::year_out_of_range(year))))
        .collect()
}

/// The policy in force at the end of the review period. Messages name it
/// as given; outputs by file name, as they name the ledgers, so the same
/// review gives the same bytes wherever its inputs are.
fn policy_in_force(
    source: &PolicySource,
    last: Period,
    label: &str,
    diags: &mut Diagnostics,
) -> Result<policy::Policy, Failure> {
    let (mut policy, _) = inputs::load_policy(source, None, Some(last))?;
    let policy_given = std::mem::take(&mut policy.file);
    policy.file = inputs::file_name(&policy_given);
    // A policy file must be in force for the period it judges: the version
    // in force in the period's last month, as `--rules` picks it.
    if !policy::select::in_force(&policy, last) {
        let range = match (policy.effective_from, policy.effective_until) {
            (Some(f), Some(u)) => run::in_force_between(f, u),
            (Some(f), None) => run::in_force_from(f),
            (None, Some(u)) => run::in_force_until(u),
            (None, None) => run::in_force_always(),
        };
        diags.error(
            diag::Location::File { file: policy_given },
            Code::NoPolicyInForce,
            run::nest(&range, |range| {
                run::not_in_force(&policy.id, &policy.version, range, last, label)
            }),
        );
    }
    Ok(policy)
}

/// A quarter read on trailing twelve months of settlements
/// (`review.quarter_settlements`) also needs the nine months before it.
fn trailing_window(job: &ReviewJob, policy: &policy::Policy, expected: &[Period]) -> Vec<Period> {
    if job.quarter.is_none()
        || policy.review.quarter_settlements != policy::QuarterSettlements::TrailingTwelveMonths
    {
        return Vec::new();
    }
    let mut w = Vec::new();
    let mut p = expected[0];
    for _ in 0..(12 - expected.len()) {
        p = p.prev();
        w.push(p);
    }
    w.reverse();
    w
}

/// The months' ledgers: (period if known, path, display), the archive's
/// first, then the given ones.
fn sources(
    job: &ReviewJob,
    span: &Span,
) -> Result<Vec<(Option<Period>, PathBuf, String)>, Failure> {
    let mut sources = Vec::new();
    if let Some(root) = &job.archive {
        let arch = Archive::new(root);
        for p in arch.periods().map_err(Failure::Error)? {
            if span.covers(p) {
                let m = arch.manifest(p).map_err(Failure::Error)?;
                if has_figures(&m) {
                    continue; // read from its figures (`figured`)
                }
                sources.push((
                    Some(p),
                    arch.dir(p).join(&m.ledger.stored_as),
                    m.ledger.original.clone(),
                ));
            }
        }
    }
    for spec in &job.ledgers {
        let (period, file) = match spec.split_once('=') {
            Some((p, f)) if p.len() == 7 => (
                Some(
                    p.parse::<Period>()
                        .map_err(|e| Failure::usage(run::ledgers_bad_period(spec, p, e)))?,
                ),
                f,
            ),
            _ => (None, spec.as_str()),
        };
        let path = PathBuf::from(file);
        inputs::readable_ledger(&path, file)?;
        sources.push((period, path, file.to_string()));
    }
    Ok(sources)
}

/// A closed month of the archive that keeps its figures.
struct Figured {
    period: Period,
    dir: PathBuf,
    manifest: Manifest,
}

fn has_figures(m: &Manifest) -> bool {
    m.files.iter().any(|e| e.name == archive::FIGURES)
}

/// The archive's months in the review (or its trailing window) that keep
/// their figures.
fn figured(job: &ReviewJob, span: &Span) -> Result<Vec<Figured>, Failure> {
    let mut out = Vec::new();
    if let Some(root) = &job.archive {
        let arch = Archive::new(root);
        for p in arch.periods().map_err(Failure::Error)? {
            if span.covers(p) {
                let manifest = arch.manifest(p).map_err(Failure::Error)?;
                if has_figures(&manifest) {
                    out.push(Figured {
                        period: p,
                        dir: arch.dir(p),
                        manifest,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A closed month read from its figures.
enum FromFigures {
    Read(Box<ledger::Ledger>, Vec<metrics::monthly::Rm>),
    /// The figures are unreadable or not the archived ones (reported).
    Invalid,
    /// Read under other reading settings than the policy's: read the
    /// ledger.
    ReadLedger,
}

/// Read a closed month's figures (checked against their manifest's
/// SHA-256) as its ledger and resolve its RMs.
fn read_figures(policy: &policy::Policy, f: &Figured, diags: &mut Diagnostics) -> FromFigures {
    let path = f.dir.join(archive::FIGURES);
    let here = diag::Location::File {
        file: path.display().to_string(),
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            diags.error(
                here,
                Code::Io,
                run::nest(&write::os_reason(&e), |r| run::cannot_read(r)),
            );
            return FromFigures::Invalid;
        }
    };
    let listed = f
        .manifest
        .files
        .iter()
        .find(|e| e.name == archive::FIGURES)
        .map(|e| e.sha256.as_str());
    let sha = archive::sha256_hex(&bytes);
    if listed != Some(sha.as_str()) {
        diags.error(
            here,
            Code::Changed,
            run::figures_changed(&sha, listed.unwrap_or_default()),
        );
        return FromFigures::Invalid;
    }
    let figures = match FiguresV1::from_bytes(&bytes) {
        Ok(x) => x,
        Err(e) => {
            diags.error(here, Code::BadFigures, e);
            return FromFigures::Invalid;
        }
    };
    if !figures.read_as(&inputs::read_options(policy, Some(f.period))) {
        return FromFigures::ReadLedger;
    }
    let l = match figures.into_ledger(&f.manifest.ledger.original) {
        Ok(l) if l.period == f.period => l,
        Ok(l) => {
            diags.error(
                here,
                Code::BadFigures,
                run::figures_of_other_month(l.period, f.period),
            );
            return FromFigures::Invalid;
        }
        Err(e) => {
            diags.error(here, Code::BadFigures, e);
            return FromFigures::Invalid;
        }
    };
    let rms = metrics::monthly::resolve_rms(&l, policy, diags);
    FromFigures::Read(Box::new(l), rms)
}

/// A closed month: from its figures, or from its ledger where it has none
/// or they were read otherwise; with its ledger's SHA-256.
fn read_closed(
    policy: &policy::Policy,
    f: &Figured,
    diags: &mut Diagnostics,
) -> Result<Option<(ledger::Ledger, Vec<metrics::monthly::Rm>, String)>, Failure> {
    let m = &f.manifest;
    Ok(match read_figures(policy, f, diags) {
        FromFigures::Read(l, rms) => Some((*l, rms, m.ledger.sha256.clone())),
        FromFigures::Invalid => None,
        FromFigures::ReadLedger => {
            let path = f.dir.join(&m.ledger.stored_as);
            match read_month(policy, Some(f.period), &path, &m.ledger.original, diags) {
                Some((l, rms)) => {
                    let sha = inputs::sha256_file(&path).map_err(Failure::Error)?;
                    Some((l, rms, sha))
                }
                None => None,
            }
        }
    })
}

/// Read one month's ledger for a review and resolve its RMs.
fn read_month(
    policy: &policy::Policy,
    period: Option<Period>,
    path: &Path,
    display: &str,
    diags: &mut Diagnostics,
) -> Option<(ledger::Ledger, Vec<metrics::monthly::Rm>)> {
    let opts = inputs::read_options(policy, period);
    let (l, d) = ledger::read_ledger(path, display, &opts, &mut |_, _| {});
    diags.extend(d);
    let l = l?;
    let rms = metrics::monthly::resolve_rms(&l, policy, diags);
    Some((l, rms))
}

/// A given ledger's month, when it has no daily balances to tell it: the
/// one its file name gives (`2026-07.xlsx`, `202607.xlsx`,
/// `2026年7月.xlsx`), read again with it; without one, an error at the
/// file saying how to name it (`example`: a month of the review).
fn read_given(
    policy: &policy::Policy,
    path: &Path,
    display: &str,
    example: Period,
    diags: &mut Diagnostics,
) -> Option<(ledger::Ledger, Vec<metrics::monthly::Rm>)> {
    let mut first = Diagnostics::new();
    let read = read_month(policy, None, path, display, &mut first);
    if read.is_some() || !first.iter().any(|d| d.code == Code::PeriodUnknown) {
        diags.extend(first);
        return read;
    }
    let name = Path::new(display)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let months = months_in_name(&name);
    if let [month] = months[..] {
        return read_month(policy, Some(month), path, display, diags);
    }
    let why = match &months[..] {
        [] => run::name_gives_no_month(),
        many => {
            let list = |l| {
                many.iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(text::list_sep(l))
            };
            Msg::new(
                run::name_gives_months(many.len(), list(Lang::Zh))
                    .get(Lang::Zh)
                    .to_string(),
                run::name_gives_months(many.len(), list(Lang::En))
                    .get(Lang::En)
                    .to_string(),
            )
        }
    };
    let example = format!("{}-{:02}", example.year, example.month);
    for d in first.iter() {
        if d.code == Code::PeriodUnknown {
            diags.error(
                d.location.clone(),
                Code::PeriodUnknown,
                run::nest(&why, |why| {
                    run::averages_need_month(why, &example, display, "YYYY年M月")
                }),
            );
        } else {
            diags.push(d.clone());
        }
    }
    None
}

/// The months a file name gives, each once, in order: `YYYY-MM`, `YYYYMM`
/// (six digits, no more), `YYYY年M月` or `YYYY年MM月`.
pub(crate) fn months_in_name(name: &str) -> Vec<Period> {
    let c: Vec<char> = name.chars().collect();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let s: String = c.get(from..from + n)?.iter().collect();
        (s.chars().all(|x| x.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let is_digit = |i: usize| c.get(i).is_some_and(|x| x.is_ascii_digit());
    let mut found: Vec<Period> = Vec::new();
    let mut i = 0;
    while i < c.len() {
        // A number starts here: not inside another.
        if !is_digit(i) || (i > 0 && is_digit(i - 1)) {
            i += 1;
            continue;
        }
        let Some(year) = digits(i, 4) else {
            i += 1;
            continue;
        };
        let month = match c.get(i + 4) {
            Some('-') if !is_digit(i + 7) => digits(i + 5, 2),
            Some('年') => {
                let one = digits(i + 5, 1).filter(|_| c.get(i + 6) == Some(&'月'));
                let two = digits(i + 5, 2).filter(|_| c.get(i + 7) == Some(&'月'));
                one.or(two)
            }
            Some(d) if d.is_ascii_digit() && !is_digit(i + 6) => digits(i + 4, 2),
            _ => None,
        };
        if let Some(p) = month.and_then(|m| Period::new(year as i32, m))
            && !found.contains(&p)
        {
            found.push(p);
        }
        i += 4;
    }
    found
}

/// Read every month: the archive's closed months from their figures, then
/// the ledgers given. A ledger of another year than the review's, or a
/// second one for a month, is an error, found with the others. A
/// quarter's review sets the year's other months aside.
fn read_months(
    policy: &policy::Policy,
    span: &Span,
    figured: &[Figured],
    sources: &[(Option<Period>, PathBuf, String)],
    diags: &mut Diagnostics,
) -> Result<Months, Failure> {
    let mut read = Months::default();
    // The closed months are read and computed on the machine's cores (each
    // with its own diagnostics), then taken in their order as one after
    // the other would be: the same months, messages and first failure.
    let closed = crate::par::map(figured, 1, |f| {
        let mut d = Diagnostics::new();
        let month = read_closed(policy, f, &mut d).map(|read| {
            read.map(|(mut l, rms, sha)| {
                let display = &f.manifest.ledger.original;
                // As `add_month` names it before computing it.
                l.file = inputs::file_name(display);
                let month = metrics::monthly::compute_figures(&l, policy, rms);
                (l, Computed::Month(month), sha)
            })
        });
        (month, d)
    });
    for (f, (month, d)) in figured.iter().zip(closed) {
        diags.extend(d);
        if let Some((l, month, sha)) = month? {
            let display = f.manifest.ledger.original.clone();
            add_month(
                policy,
                span,
                &mut read,
                (l, month),
                &display,
                || Ok(sha),
                diags,
            )?;
        }
    }
    for (period, path, display) in sources {
        let month = match period {
            Some(_) => read_month(policy, *period, path, display, diags),
            None => read_given(policy, path, display, span.expected[0], diags),
        };
        let Some((l, rms)) = month else {
            continue;
        };
        add_month(
            policy,
            span,
            &mut read,
            (l, Computed::Rms(rms)),
            display,
            || inputs::sha256_file(path),
            diags,
        )?;
    }
    Ok(read)
}

/// A month read, with its RMs resolved, or already computed (named as
/// `add_month` names it).
enum Computed {
    Rms(Vec<metrics::monthly::Rm>),
    Month(metrics::monthly::Month),
}

/// Compute a month read (from `display`, whose SHA-256 `sha` gives) into
/// the review's months; a month of the review's year outside a quarter's
/// is set aside.
fn add_month(
    policy: &policy::Policy,
    span: &Span,
    read: &mut Months,
    (mut l, computed): (ledger::Ledger, Computed),
    display: &str,
    sha: impl FnOnce() -> Result<String, Diagnostic>,
    diags: &mut Diagnostics,
) -> Result<(), Failure> {
    let here = diag::Location::File {
        file: display.to_string(),
    };
    let same_year = span
        .expected
        .first()
        .is_some_and(|p| p.year == l.period.year);
    if !span.covers(l.period) && same_year {
        read.set_aside.push((l.period, display.to_string()));
        return Ok(());
    }
    if !span.covers(l.period) {
        let message = run::outside_review(l.period, &span.label);
        diags.error(here, Code::OutsideReview, message);
        return Ok(());
    }
    if read
        .months
        .iter()
        .chain(&read.trailing)
        .any(|m| m.ledger.period == l.period)
    {
        // Name the ledger already read for the month, and a file whose name
        // gives another month: last month's ledger saved under this
        // month's name leaves this month without one.
        let other = read
            .used
            .iter()
            .find(|(p, _)| *p == l.period)
            .map(|(_, f)| f.as_str())
            .unwrap_or("");
        let name = Path::new(display)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let message = match months_in_name(&name)[..] {
            [named] if named != l.period => run::second_ledger_misnamed(l.period, other, named),
            _ => run::second_ledger(l.period, other),
        };
        diags.error(here, Code::DuplicateMonth, message);
        return Ok(());
    }
    let sha = sha().map_err(Failure::Error)?;
    read.used.push((l.period, display.to_string()));
    l.file = inputs::file_name(display);
    read.ledgers
        .push((l.period.to_string(), l.file.clone(), sha));
    let month = match computed {
        Computed::Rms(rms) => metrics::monthly::compute_figures(&l, policy, rms),
        Computed::Month(month) => month,
    };
    let md = MonthData { ledger: l, month };
    if span.window.contains(&md.ledger.period) {
        read.trailing.push(md);
    } else {
        read.months.push(md);
    }
    Ok(())
}

/// Last year's same months from the archive, for prior-year figures the
/// ledgers' baseline sheets do not give.
fn prior_year(
    job: &ReviewJob,
    policy: &policy::Policy,
    expected: &[Period],
    diags: &mut Diagnostics,
) -> Result<Vec<MonthData>, Failure> {
    let mut prior = Vec::new();
    let Some(root) = &job.archive else {
        return Ok(prior);
    };
    let arch = Archive::new(root);
    let closed = arch.periods().map_err(Failure::Error)?;
    for p in expected
        .iter()
        .filter_map(|p| Period::new(p.year - 1, p.month))
    {
        if !closed.contains(&p) {
            continue;
        }
        let m = arch.manifest(p).map_err(Failure::Error)?;
        let path = arch.dir(p).join(&m.ledger.stored_as);
        let read = if has_figures(&m) {
            let f = Figured {
                period: p,
                dir: arch.dir(p),
                manifest: m,
            };
            read_closed(policy, &f, diags)?.map(|(l, rms, _)| (l, rms))
        } else {
            read_month(policy, Some(p), &path, &m.ledger.original, diags)
        };
        if let Some((l, rms)) = read {
            let month = metrics::monthly::compute_figures(&l, policy, rms);
            prior.push(MonthData { ledger: l, month });
        }
    }
    Ok(prior)
}

/// Sort what was read and find the months missing: an error unless the
/// review is partial, and no month at all is always one.
fn complete(
    mut read: Months,
    span: &Span,
    partial: bool,
) -> Result<(Months, Vec<Period>), Failure> {
    read.months.sort_by_key(|m| m.ledger.period);
    read.trailing.sort_by_key(|m| m.ledger.period);
    read.ledgers.sort();
    let missing: Vec<Period> = span
        .expected
        .iter()
        .chain(&span.window)
        .filter(|p| {
            !read
                .months
                .iter()
                .chain(&read.trailing)
                .any(|m| m.ledger.period == **p)
        })
        .copied()
        .collect();
    if !missing.is_empty() && !partial {
        return Err(missing_months(span, &missing));
    }
    if read.months.is_empty() {
        return Err(Failure::usage(run::no_ledger_for(&span.label)));
    }
    Ok((read, missing))
}

/// What a quarter's review given ledgers of other months says it used:
/// its months and their files, and the months set aside (nothing when
/// none were).
fn months_used(label: &str, read: &Months) -> Option<String> {
    if read.set_aside.is_empty() {
        return None;
    }
    let sorted = |months: &[(Period, String)]| {
        let mut months = months.to_vec();
        months.sort();
        months
    };
    let c = crate::text::console();
    let used: Vec<String> = sorted(&read.used)
        .iter()
        .map(|(p, file)| crate::text::month_file(c, p, file))
        .collect();
    let aside: Vec<String> = sorted(&read.set_aside)
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    let sep = crate::text::list_sep(c);
    Some(crate::text::review_uses(
        c,
        label,
        used.join(sep),
        aside.join(sep),
    ))
}

fn missing_months(span: &Span, missing: &[Period]) -> Failure {
    let list: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
    let window = &span.window;
    let said = |l: Lang| {
        let window = match window.first().zip(window.last()) {
            None => String::new(),
            Some((from, to)) => run::missing_window(from, to).get(l).to_string(),
        };
        run::missing_months(&span.label, window, list.join(text::list_sep(l)))
            .get(l)
            .to_string()
    };
    let mut d = Diagnostics::new();
    d.error(
        diag::Location::None,
        Code::MissingMonths,
        Msg::new(said(Lang::Zh), said(Lang::En)),
    );
    Failure::Invalid(d)
}

/// A figure a rule needs and the data lacks is an error, unless the
/// policy says the rule is then not assessed (`when_missing`), which is
/// said here (the returned notes), in the workbook and in the JSON.
fn lacking(result: &Review) -> Result<Vec<String>, Failure> {
    let mut lacking = Diagnostics::new();
    let mut notes = Vec::new();
    for r in &result.results {
        // One error per RM and missing figure, naming every rule that
        // needed it.
        let mut errors: Vec<(Msg, Vec<&str>)> = Vec::new();
        let rm = &r.year.rm.rm_id;
        for m in &r.missing {
            let why = Msg::new(
                report::review::not_assessed_why(r, m, Lang::Zh),
                report::review::not_assessed_why(r, m, Lang::En),
            );
            if m.not_assessed {
                notes.push(
                    diag::Diagnostic::warning(
                        diag::Location::None,
                        Code::NotAssessed,
                        run::nest(&why, |why| run::not_assessed(rm, &m.rule, why)),
                    )
                    .to_string(),
                );
            } else if let Some(e) = errors.iter_mut().find(|(w, _)| *w == why) {
                e.1.push(&m.rule);
            } else {
                errors.push((why, vec![&m.rule]));
            }
        }
        for (why, rules) in errors {
            let fix = how_to_fix(&rules);
            let said = |l: Lang| {
                run::missing_figure(rm, why.get(l), rules.join(text::list_sep(l)), fix.get(l))
                    .get(l)
                    .to_string()
            };
            lacking.error(
                diag::Location::None,
                Code::MissingFigure,
                Msg::new(said(Lang::Zh), said(Lang::En)),
            );
        }
    }
    if lacking.has_errors() {
        return Err(Failure::Invalid(lacking));
    }
    Ok(notes)
}

/// What a missing figure's error asks for.
fn how_to_fix(rules: &[&str]) -> Msg {
    if rules.iter().all(|r| r.ends_with(".exam_min")) {
        run::fix_give_or_exam()
    } else if rules
        .iter()
        .any(|r| r.starts_with("review.") || r.ends_with("tenure_years"))
    {
        run::fix_give_it()
    } else {
        run::fix_give_or_rule()
    }
}

/// The RMs demoted by last year's review (`--previous-review`), for the
/// "two years running" rules. The file must be a review JSON
/// (`rmpay.review/1`) of the year before `year`: anything else is invalid
/// input, never read as "nobody was demoted".
fn previous_demotions(p: &Path, year: i32) -> Result<Vec<String>, Failure> {
    let bytes = std::fs::read(p).map_err(|e| {
        Failure::at(
            p,
            Code::Io,
            run::nest(&write::os_reason(&e), |r| run::cannot_read(r)),
        )
    })?;
    let refuse = |message: Msg| {
        let mut d = diag::Diagnostics::new();
        d.error(
            diag::Location::File {
                file: p.display().to_string(),
            },
            Code::BadReview,
            message,
        );
        Failure::Invalid(d)
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| refuse(run::review_json_unreadable(e.line(), e.column(), &e)))?;
    if v["format"] != "rmpay.review/1" {
        return Err(refuse(run::review_json_format(&v["format"])));
    }
    let want = (year - 1).to_string();
    if v["period"] != want.as_str() {
        let got = &v["period"];
        let got_text = got.as_str().map_or_else(|| got.to_string(), str::to_string);
        return Err(refuse(run::previous_review_year(&want, got, got_text)));
    }
    let Some(ms) = v["managers"].as_array() else {
        return Err(refuse(run::review_json_no_managers()));
    };
    Ok(ms
        .iter()
        .filter(|m| m["decision"] == "demote")
        .filter_map(|m| m["rm_id"].as_str().map(String::from))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::months_in_name;

    fn months(name: &str) -> Vec<String> {
        months_in_name(name).iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn a_file_name_gives_its_month() {
        for (name, want) in [
            ("2026-07.xlsx", vec!["2026-07"]),
            ("存款月日均2026-07-31.xlsx", vec!["2026-07"]),
            ("ledger_202608_v2.xlsx", vec!["2026-08"]),
            ("2026年9月.xlsx", vec!["2026-09"]),
            ("城东支行2026年10月存款月日均.xls", vec!["2026-10"]),
            ("2026-07 (copy 2026-07).xlsx", vec!["2026-07"]),
            ("2026-08 to 2026-09.xlsx", vec!["2026-08", "2026-09"]),
            // Not a month: none given, or not a year and month alone.
            ("jul.xlsx", vec![]),
            ("20260731.xlsx", vec![]),
            ("2026-13.xlsx", vec![]),
            ("2026-7.xlsx", vec![]),
            ("12026-07.xlsx", vec![]),
            ("2026年13月.xlsx", vec![]),
            ("1202608.xlsx", vec![]),
        ] {
            assert_eq!(months(name), want, "{name}");
        }
    }
}
