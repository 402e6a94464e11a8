//! The commands: validate arguments, run the pipeline, write or print.

use crate::archive::{self, Archive, FileEntry, Link, Manifest, SourceFile};
use crate::cli::{self, Command};
use crate::period::Period;
use crate::pipeline::{inputs, opening, review};
use crate::{
    Carry, EXIT_INVALID, EXIT_OK, EXIT_USAGE, Failure, Job, PayrollRun, PolicySource, compute,
    diag, ledger, metrics, policy, report, signoff, state, write,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

mod payout;
mod restate;

pub fn dispatch(c: &Command) -> Result<i32, Failure> {
    match c {
        Command::Payroll(a) => payroll(a).map(|_| EXIT_OK),
        Command::Close(a) => close(a).map(|_| EXIT_OK),
        Command::Sign(a) => sign(a).map(|_| EXIT_OK),
        Command::Rerun(a) => rerun(a),
        Command::Payout(a) => payout::payout(a).map(|_| EXIT_OK),
        Command::Restate(a) => restate::restate(a).map(|_| EXIT_OK),
        Command::Verify(a) => verify(a),
        Command::Explain(a) => explain(a).map(|_| EXIT_OK),
        Command::Compare(a) => compare(a).map(|_| EXIT_OK),
        Command::Statement(a) => statement(a).map(|_| EXIT_OK),
        Command::Check(a) => check(a).map(|_| EXIT_OK),
        Command::Review(a) => review(a).map(|_| EXIT_OK),
        Command::Template(a) => template(a).map(|_| EXIT_OK),
    }
}

fn review(a: &cli::ReviewArgs) -> Result<(), Failure> {
    let job = review::ReviewJob {
        policy: policy_source(&a.source, &a.bank),
        year: a.year,
        quarter: a.quarter,
        archive: a.archive.clone(),
        ledgers: a.ledgers.clone(),
        partial: a.partial,
        previous_review: a.previous_review.clone(),
    };
    let run = review::run(&job)?;
    let out = write_review(a, &run)?;
    for n in &run.notes {
        eprintln!("{n}");
    }
    let count = |d| {
        run.result
            .results
            .iter()
            .filter(|r| r.decision == d)
            .count()
    };
    eprintln!(
        "rmpay: review {}{}: {} RMs; promote {}, keep {}, demote {}, terminate {}",
        run.info.label,
        if run.info.partial { " (partial)" } else { "" },
        run.result.results.len(),
        count(policy::Decision::Promote),
        count(policy::Decision::Keep),
        count(policy::Decision::Demote),
        count(policy::Decision::Terminate)
    );
    eprintln!("rmpay: wrote {}", out.display());
    if let Some(p) = &a.json {
        eprintln!("rmpay: wrote {}", p.display());
    }
    Ok(())
}

/// The review's workbook and JSON, staged first and committed together, or
/// none. Returns the workbook's path.
fn write_review(a: &cli::ReviewArgs, run: &review::ReviewRun) -> Result<PathBuf, Failure> {
    let (policy, info) = (&run.policy, &run.info);
    let l = lang(a.lang);
    let out = a.out.join(format!("review-{}.xlsx", info.label));
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(usage)?;
    let head = report::review::review_head(policy, info, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(usage)?;
    report::review::review_book(policy, &run.result, info, l, &mut sink);
    outputs.add_workbook(sink).map_err(usage)?;
    if let Some(p) = &a.json {
        let j = write::json::review_bytes(&write::json::review_json(policy, &run.result, info));
        outputs.add(p, &j).map_err(usage)?;
    }
    outputs.commit().map_err(usage)?;
    Ok(out)
}

/// Print a failure; returns the exit code.
pub fn report_failure(f: Failure) -> i32 {
    match f {
        Failure::Invalid(d) => {
            for l in d.render() {
                eprintln!("{l}");
            }
            let errors = d
                .iter()
                .filter(|x| x.severity == diag::Severity::Error)
                .count();
            eprintln!("rmpay: {errors} error(s); nothing was written");
            if d.only_io_errors() {
                EXIT_USAGE
            } else {
                EXIT_INVALID
            }
        }
        Failure::Usage(m) => {
            eprintln!("{m}");
            EXIT_USAGE
        }
        Failure::Archive(e) => {
            eprintln!("{e}");
            if e.code == "io" {
                EXIT_USAGE
            } else {
                eprintln!("rmpay: nothing was written");
                EXIT_INVALID
            }
        }
    }
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} reading [{prefix}] {human_pos} rows  {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    Some(pb)
}

/// Compute with a progress bar on a terminal.
fn compute_with_progress(job: &Job, quiet: bool) -> Result<PayrollRun, Failure> {
    let pb = progress_bar(quiet);
    let mut tick = |sheet: &str, rows: u64| {
        if let Some(pb) = &pb {
            pb.set_prefix(sheet.to_string());
            pb.set_position(rows);
        }
    };
    let r = compute(job, &mut tick);
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    // Warnings do not stop the run, but they are the user's to see.
    if let Ok(r) = &r {
        for w in &r.ledger.warnings {
            eprintln!("{w}");
        }
    }
    r
}

fn parse_period(p: Option<&str>) -> Result<Option<Period>, Failure> {
    match p {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|e| Failure::Usage(format!("error: --period: {e}"))),
    }
}

fn lang(l: cli::Lang) -> report::Lang {
    match l {
        cli::Lang::Zh => report::Lang::Zh,
        cli::Lang::En => report::Lang::En,
    }
}

fn policy_source(a: &cli::PolicyArgs, bank: &Option<String>) -> PolicySource {
    match (&a.policy, &a.rules) {
        (Some(p), _) => PolicySource::File(p.clone()),
        (None, Some(d)) => PolicySource::Rules {
            dir: d.clone(),
            bank: bank.clone(),
        },
        // clap requires one of the two.
        (None, None) => PolicySource::File(PathBuf::new()),
    }
}

/// Load a policy file, or the version in force in `period` from a rules
/// directory.
fn load_policy_source(
    source: &PolicySource,
    period: Option<Period>,
) -> Result<policy::Policy, Failure> {
    inputs::load_policy(source, None, period).map(|(p, _)| p)
}

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure::Usage(e.to_string())
}

fn summary(r: &PayrollRun) {
    let flags = r
        .payroll
        .results
        .iter()
        .map(|x| x.flags.len())
        .sum::<usize>();
    let money = |d| report::pay::amount_text(d, r.policy.settings.money.scale);
    let t = &r.payroll.totals;
    eprintln!(
        "rmpay: {} {} RMs, net pay {} (gross {}, deductions {}, risk deposit {}); {} exception(s)",
        r.run.period,
        r.payroll.results.len(),
        money(t.net),
        money(t.gross),
        money(t.deductions),
        money(t.holdback),
        flags
    );
    if !t.released.is_zero() {
        eprintln!(
            "rmpay: risk deposits released {}; total paid {}",
            money(t.released),
            money(t.payout)
        );
    }
    eprintln!("rmpay: opening state: {}", r.run.opening);
    // RMs the ledger no longer lists whose deposit waits: when it is due,
    // or that the state does not know when they left (a state written
    // before leaving dates were kept).
    for (id, o) in &r.payroll.carried {
        if o.released || o.risk_balance <= rust_decimal::Decimal::ZERO {
            continue;
        }
        let due = o
            .left_on
            .zip(r.policy.risk_deposit.as_ref())
            .and_then(|(d, rd)| d.checked_add_months(chrono::Months::new(rd.release_after_months)));
        eprintln!(
            "rmpay: {id} is not in this month's ledger: risk deposit {} carried{}",
            money(o.risk_balance),
            match (o.left_on, due) {
                (Some(l), Some(d)) => format!(
                    " (left on {l}, released in {})",
                    Period::of(d)
                ),
                _ => " (no leaving date known: it is released in a month whose ledger lists the RM as left)".into(),
            }
        );
    }
    for o in &r.payroll.off_roster {
        eprintln!(
            "rmpay: {} left on {} and is not in this month's ledger: risk deposit released {} (in the totals)",
            o.rm_id,
            o.left_on,
            money(o.pay.released)
        );
    }
}

fn json_bytes(r: &PayrollRun) -> Vec<u8> {
    write::json::to_bytes(&write::json::payroll_json(&r.policy, &r.payroll, &r.run))
}

fn payroll(a: &cli::PayrollArgs) -> Result<(), Failure> {
    let job = Job {
        policy: policy_source(&a.source, &a.bank),
        policy_display: None,
        ledger: a.ledger.clone(),
        ledger_display: None,
        period: parse_period(a.period.as_deref())?,
        carry: match &a.archive {
            Some(root) => Carry::Archive {
                root: root.clone(),
                closing: false,
            },
            None => Carry::Ledger,
        },
    };
    let r = compute_with_progress(&job, a.quiet)?;
    if let Some(root) = &a.archive {
        return payroll_draft(a, root, r);
    }
    let out = a.out.join(crate::pay_workbook_name(r.run.period));
    // Build every output first (the workbook into a temporary file beside
    // its place); rename into place only when all are ready.
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(usage)?;
    let l = lang(a.lang);
    let head = report::pay::pay_book_head(&r.policy, &r.run, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(usage)?;
    sink.write_sheets(report::pay::pay_sheets(&r.policy, &r.payroll, &r.run, l));
    outputs.add_workbook(sink).map_err(usage)?;
    if let Some(p) = &a.json {
        outputs.add(p, &json_bytes(&r)).map_err(usage)?;
    }
    outputs.commit().map_err(usage)?;
    summary(&r);
    eprintln!("rmpay: wrote {}", out.display());
    if let Some(p) = &a.json {
        eprintln!("rmpay: wrote {}", p.display());
    }
    // A big month is millions of small allocations; free them off the
    // command's path (the process may well exit first).
    std::thread::spawn(move || drop(r));
    Ok(())
}

/// `payroll --archive`: record the month's draft in the archive (unless
/// the month is closed: then it is a preview), then write the outputs.
fn payroll_draft(a: &cli::PayrollArgs, root: &Path, r: PayrollRun) -> Result<(), Failure> {
    let p = r.run.period;
    let arch = Archive::new(root);
    let l = lang(a.lang);
    let out = a.out.join(crate::pay_workbook_name(p));
    let closed = arch.periods().map_err(Failure::Archive)?.contains(&p);
    let ledger_bytes = std::fs::read(&a.ledger).map_err(|e| {
        Failure::Usage(format!(
            "{}: error[io]: cannot read: {e}",
            a.ledger.display()
        ))
    })?;
    let ext = ledger_ext(&a.ledger);
    let files = period_files(&r, l, ledger_bytes, &ext)?;
    let workbook = files
        .iter()
        .find(|(n, _)| *n == crate::pay_workbook_name(p))
        .map(|(_, b)| b.clone())
        .unwrap_or_default();
    // Stage the outputs before the archive changes, so a folder that
    // cannot take them stops the run before a draft is recorded; they are
    // renamed into place after it.
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(usage)?;
    outputs.add(&out, &workbook).map_err(usage)?;
    if let Some(j) = &a.json {
        outputs.add(j, &json_bytes(&r)).map_err(usage)?;
    }
    let mut recorded = None;
    if !closed {
        let (sha, voided) = draft_into_archive(a, root, &arch, &r, &files, &ext)?;
        recorded = Some((sha, voided));
    }
    outputs.commit().map_err(usage)?;
    summary(&r);
    match recorded {
        None => eprintln!(
            "rmpay: {p} is closed in {}: previewed, no draft recorded",
            root.display()
        ),
        Some((sha, voided)) => draft_recorded(root, &arch, &r, &sha, &voided)?,
    }
    eprintln!("rmpay: wrote {}", out.display());
    if let Some(j) = &a.json {
        eprintln!("rmpay: wrote {}", j.display());
    }
    Ok(())
}

/// Record the month's draft in the archive (its files stored, the
/// sign-off log told); returns its SHA-256 and the sign-offs it voids
/// (none: the same draft again).
fn draft_into_archive(
    a: &cli::PayrollArgs,
    root: &Path,
    arch: &Archive,
    r: &PayrollRun,
    files: &[(String, Vec<u8>)],
    ext: &str,
) -> Result<(String, Option<Vec<signoff::Signoff>>), Failure> {
    let p = r.run.period;
    let l = lang(a.lang);
    let entries = file_entries(files);
    check_inputs(r, &entries, ext, &a.ledger)?;
    let (policy_src, ledger_src) = sources(r, ext);
    let record = signoff::DraftRecord {
        format: signoff::DRAFT_FORMAT.to_string(),
        period: p.to_string(),
        tool_version: r.run.tool_version.clone(),
        lang: lang_id(l).to_string(),
        policy: policy_src,
        ledger: ledger_src,
        opening: r.run.opening.clone(),
        files: entries,
    };
    let lock = take_lock(arch, root, a.wait)?;
    recheck_opening(arch, root, p, r, "run the payroll again")?;
    let sha = signoff::store_draft(arch, &lock, p, &record, files).map_err(Failure::Archive)?;
    let voided = signoff::record_draft(arch, &lock, p, &record).map_err(Failure::Archive)?;
    drop(lock);
    Ok((sha, voided))
}

/// What recording a draft tells: recorded or already there, the
/// sign-offs it voids, what is still to sign.
fn draft_recorded(
    root: &Path,
    arch: &Archive,
    r: &PayrollRun,
    sha: &str,
    voided: &Option<Vec<signoff::Signoff>>,
) -> Result<(), Failure> {
    let p = r.run.period;
    match voided {
        Some(_) => eprintln!(
            "rmpay: draft {sha} of {p} recorded in {}",
            signoff::month_dir(arch, p).display()
        ),
        None => eprintln!(
            "rmpay: draft {sha} of {p} is already the month's draft (same inputs): its sign-offs stand"
        ),
    }
    for s in voided.iter().flatten() {
        eprintln!(
            "rmpay: this draft replaces draft {}: the {} ({}) sign-off by {} of {} is void; sign it again",
            s.draft, s.title, s.office, s.name, s.date
        );
    }
    if let Some(wf) = &r.policy.workflow {
        let log = signoff::read_log(arch, p).map_err(Failure::Archive)?;
        let todo: Vec<String> = wf.steps[..=wf.approval]
            .iter()
            .filter(|st| log.valid(sha, &st.id).is_none())
            .map(|st| format!("{} ({})", st.name, st.office))
            .collect();
        if todo.is_empty() {
            eprintln!("rmpay: {p} is approved: `rmpay close` closes this draft");
        } else {
            eprintln!(
                "rmpay: to sign before the close: {} (`rmpay sign --archive {} --period {p} --step STEP --name NAME`)",
                todo.join(", "),
                root.display()
            );
        }
    }
    Ok(())
}

fn file_entries(files: &[(String, Vec<u8>)]) -> Vec<FileEntry> {
    files
        .iter()
        .map(|(n, b)| FileEntry {
            name: n.clone(),
            sha256: archive::sha256_hex(b),
            bytes: b.len() as u64,
        })
        .collect()
}

/// The policy and the ledger as the manifest and the draft record name them.
fn sources(r: &PayrollRun, ext: &str) -> (SourceFile, SourceFile) {
    (
        SourceFile {
            original: r.policy.file.clone(),
            stored_as: archive::POLICY.to_string(),
            sha256: r.policy.sha256.clone(),
            id: Some(r.policy.id.clone()),
            version: Some(r.policy.version.clone()),
        },
        SourceFile {
            original: r.ledger.file.clone(),
            stored_as: format!("ledger.{ext}"),
            sha256: r.run.ledger_sha256.clone(),
            id: None,
            version: None,
        },
    )
}

/// The copies stored are the files computed from (`verify` holds the
/// manifest's hashes to its file list): an input replaced meanwhile is
/// refused.
fn check_inputs(
    r: &PayrollRun,
    file_list: &[FileEntry],
    ext: &str,
    ledger: &Path,
) -> Result<(), Failure> {
    for (stored, computed, given) in [
        (
            format!("ledger.{ext}"),
            &r.run.ledger_sha256,
            ledger.to_path_buf(),
        ),
        (
            archive::POLICY.to_string(),
            &r.policy.sha256,
            r.policy_path.clone(),
        ),
    ] {
        if file_list
            .iter()
            .any(|e| e.name == stored && e.sha256 != *computed)
        {
            return Err(Failure::Archive(archive::ArchiveError {
                path: given,
                code: "input-changed",
                message: format!(
                    "the file changed while {} was being computed (SHA-256 {computed} when read); run again",
                    r.run.period
                ),
            }));
        }
    }
    Ok(())
}

/// Take the archive's write lock, saying so when it has to wait.
fn take_lock(arch: &Archive, root: &Path, wait: u64) -> Result<archive::WriteLock, Failure> {
    arch.lock(std::time::Duration::from_secs(wait), &mut || {
        eprintln!(
            "rmpay: {} is busy: another rmpay is writing to it; waiting up to {wait} s",
            root.display(),
        )
    })
    .map_err(Failure::Archive)
}

/// Under the lock: the month still opens from what it was computed from
/// (another close may have finished meanwhile). Returns the month before.
fn recheck_opening(
    arch: &Archive,
    root: &Path,
    p: Period,
    r: &PayrollRun,
    again: &str,
) -> Result<Option<Period>, Failure> {
    let prev = arch.predecessor(p).map_err(Failure::Archive)?;
    let opening = match prev {
        None => opening::ledger_opening(&r.ledger),
        Some(prev) => opening::state_opening(
            prev,
            &arch.read(prev, archive::STATE).map_err(Failure::Archive)?,
        ),
    };
    if opening != r.run.opening {
        return Err(Failure::Archive(archive::ArchiveError {
            path: root.to_path_buf(),
            code: "archive-changed",
            message: format!(
                "the archive changed while {p} was being computed: it opened from `{}`, and would now open from `{opening}`; {again}",
                r.run.opening
            ),
        }));
    }
    Ok(prev)
}

/// Where the policy has a workflow: the month's draft is these inputs and
/// these figures, and every step up to the approval is signed for it.
/// Every missing or void step is named.
fn approval(
    arch: &Archive,
    root: &Path,
    r: &PayrollRun,
    wf: &policy::Workflow,
) -> Result<archive::Approval, Failure> {
    let p = r.run.period;
    let log = signoff::read_log(arch, p).map_err(Failure::Archive)?;
    let at = diag::Location::File {
        file: signoff::log_path(arch, p).display().to_string(),
    };
    let refuse = |message: String| {
        let mut d = diag::Diagnostics::new();
        d.error(at.clone(), "not-approved", message);
        Failure::Invalid(d)
    };
    let Some(draft) = log.current_draft() else {
        return Err(refuse(format!(
            "{p} has no draft: record one with `rmpay payroll --archive {} …` and have it signed ({})",
            root.display(),
            wf.steps[..=wf.approval]
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let rec = signoff::read_draft(arch, p, &draft.draft).map_err(Failure::Archive)?;
    same_as_draft(r, &rec, &draft.draft).map_err(refuse)?;
    let signoffs = signed_steps(p, wf, &log, &draft.draft, &at)?;
    Ok(archive::Approval {
        draft_sha256: draft.draft.clone(),
        signoffs_sha256: log.head().unwrap_or_default().to_string(),
        signoffs,
    })
}

/// The month being closed is the draft that was signed: the same inputs,
/// and the same results. Returns what differs.
fn same_as_draft(r: &PayrollRun, rec: &signoff::DraftRecord, draft: &str) -> Result<(), String> {
    let p = r.run.period;
    for (what, given, drafted) in [
        ("ledger", &r.run.ledger_sha256, &rec.ledger.sha256),
        ("policy", &r.policy.sha256, &rec.policy.sha256),
        ("opening state", &r.run.opening, &rec.opening),
    ] {
        if given != drafted {
            return Err(format!(
                "the {what} given is not the one of draft {} that was signed ({what}: `{given}`, the draft's: `{drafted}`); close the inputs of the signed draft, or record these with `rmpay payroll --archive` and have them signed",
                draft
            ));
        }
    }
    let st = state::State::closing(&r.policy, p, &r.payroll).to_bytes();
    for (name, bytes) in [
        (format!("pay-{p}.json"), json_bytes(r)),
        (archive::STATE.to_string(), st),
    ] {
        let sha = archive::sha256_hex(&bytes);
        if !rec.files.iter().any(|e| e.name == name && e.sha256 == sha) {
            return Err(format!(
                "{name} computed now differs from draft {}'s (another rmpay version?); record the draft again and have it signed",
                draft
            ));
        }
    }
    Ok(())
}

/// The sign-offs of every step up to the approval, each valid for the
/// draft; every one missing is reported.
fn signed_steps(
    p: Period,
    wf: &policy::Workflow,
    log: &signoff::Log,
    draft: &str,
    at: &diag::Location,
) -> Result<Vec<signoff::Signoff>, Failure> {
    let mut missing = diag::Diagnostics::new();
    let mut signoffs = Vec::new();
    for step in &wf.steps[..=wf.approval] {
        match log.valid(draft, &step.id) {
            Some((_, s)) => signoffs.push(s.clone()),
            None => {
                let void = match log.void(&step.id) {
                    Some((s, by)) => format!(
                        " ({}'s sign-off of {} was for draft {}, voided by draft {} of {})",
                        s.name, s.date, s.draft, by.draft, by.ledger
                    ),
                    None => String::new(),
                };
                missing.error(
                    at.clone(),
                    "not-approved",
                    format!(
                        "{p} has no valid {} ({}) sign-off for draft {}{void}",
                        step.name, step.office, draft
                    ),
                );
            }
        }
    }
    if missing.has_errors() {
        return Err(Failure::Invalid(missing));
    }
    Ok(signoffs)
}

fn signoff_lines(a: &Option<archive::Approval>) -> Vec<report::pay::SignoffLine> {
    a.iter()
        .flat_map(|a| &a.signoffs)
        .map(|s| report::pay::SignoffLine {
            title: s.title.clone(),
            office: s.office.clone(),
            name: s.name.clone(),
            date: s.date.clone(),
            note: s.note.clone(),
        })
        .collect()
}

/// The files of a closed period, built in memory.
fn period_files(
    r: &PayrollRun,
    l: report::Lang,
    ledger_bytes: Vec<u8>,
    ledger_ext: &str,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let p = r.run.period;
    let xlsx_name = crate::pay_workbook_name(p);
    let policy_bytes = std::fs::read(&r.policy_path).map_err(|e| {
        Failure::Usage(format!(
            "{}: error[io]: cannot read: {e}",
            r.policy_path.display()
        ))
    })?;
    let workbook = crate::pay_workbook(r, l, Path::new(&xlsx_name)).map_err(usage)?;
    let st = state::State::closing(&r.policy, p, &r.payroll);
    // What a review reads of the month, read as the month was.
    let figures = archive::figures::FiguresV1::of(
        &r.ledger,
        &crate::pipeline::inputs::read_options(&r.policy, Some(p)),
    );
    let mut files = vec![
        (format!("ledger.{ledger_ext}"), ledger_bytes),
        (archive::POLICY.to_string(), policy_bytes),
        (xlsx_name, workbook),
        (format!("pay-{p}.json"), json_bytes(r)),
        (archive::STATE.to_string(), st.to_bytes()),
        (archive::FIGURES.to_string(), figures.to_bytes()),
    ];
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

fn lang_id(l: report::Lang) -> &'static str {
    match l {
        report::Lang::Zh => "zh",
        report::Lang::En => "en",
    }
}

fn ledger_ext(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_else(|| "xlsx".into())
}

fn close(a: &cli::CloseArgs) -> Result<(), Failure> {
    let job = Job {
        policy: policy_source(&a.source, &a.bank),
        policy_display: None,
        ledger: a.ledger.clone(),
        ledger_display: None,
        period: parse_period(a.period.as_deref())?,
        carry: Carry::Archive {
            root: a.archive.clone(),
            closing: true,
        },
    };
    let mut r = compute_with_progress(&job, a.quiet)?;
    let p = r.run.period;
    let arch = Archive::new(&a.archive);
    // Where the policy has a workflow, the month closes only as the draft
    // that was signed. Checked before the lock (a refused close writes
    // nothing, not even the lock file) and again under it.
    let approved = match &r.policy.workflow {
        None => None,
        Some(wf) => Some(approval(&arch, &a.archive, &r, wf)?),
    };
    r.run.signoffs = signoff_lines(&approved);
    // Everything is built before the archive is locked, so the lock is
    // held only to look at the archive again and write.
    let ledger_bytes = std::fs::read(&a.ledger).map_err(|e| {
        Failure::Usage(format!(
            "{}: error[io]: cannot read: {e}",
            a.ledger.display()
        ))
    })?;
    let ext = ledger_ext(&a.ledger);
    let l = lang(a.lang);
    let files = period_files(&r, l, ledger_bytes, &ext)?;
    let file_list = file_entries(&files);
    check_inputs(&r, &file_list, &ext, &a.ledger)?;
    // From here to the rename, this process alone writes to the archive.
    // The month was computed without the lock, so what it opened from (and
    // what was signed) is checked again now: another rmpay may have closed
    // a month, or recorded a draft or a sign-off, meanwhile.
    let lock = take_lock(&arch, &a.archive, a.wait)?;
    let prev = recheck_opening(&arch, &a.archive, p, &r, "close again")?;
    same_approval(&arch, &a.archive, &r, &approved)?;
    let previous = link(&arch, prev)?;
    let (policy_src, ledger_src) = sources(&r, &ext);
    let manifest = Manifest {
        format: archive::FORMAT.to_string(),
        period: p.to_string(),
        tool_version: r.run.tool_version.clone(),
        lang: lang_id(l).to_string(),
        policy: policy_src,
        ledger: ledger_src,
        previous,
        restated: None,
        approval: approved,
        files: file_list,
    };
    let mut all = files;
    all.push((archive::MANIFEST.to_string(), manifest.to_bytes()));
    arch.commit(&lock, p, &all).map_err(Failure::Archive)?;
    drop(lock);
    closed_message(a, &r, &arch, &manifest);
    Ok(())
}

/// The month's signed approval is still the one checked before the lock.
fn same_approval(
    arch: &Archive,
    root: &Path,
    r: &PayrollRun,
    approved: &Option<archive::Approval>,
) -> Result<(), Failure> {
    let p = r.run.period;
    if let Some(wf) = &r.policy.workflow
        && Some(approval(arch, root, r, wf)?) != *approved
    {
        return Err(Failure::Archive(archive::ArchiveError {
            path: signoff::log_path(arch, p),
            code: "archive-changed",
            message: format!("the sign-offs of {p} changed while it was being closed; close again"),
        }));
    }
    Ok(())
}

/// The chain's link to the month before (none for the first).
fn link(arch: &Archive, prev: Option<Period>) -> Result<Option<Link>, Failure> {
    Ok(match prev {
        None => None,
        Some(prev) => Some(Link {
            period: prev.to_string(),
            manifest_sha256: archive::sha256_hex(
                &arch
                    .read(prev, archive::MANIFEST)
                    .map_err(Failure::Archive)?,
            ),
            // The version in force, when the month before was restated.
            version: Some(arch.in_force(prev)).filter(|v| *v > 1),
        }),
    })
}

/// What a close tells: the summary, the archive head (on stdout: it is
/// what the approver writes down) and the steps still to sign.
fn closed_message(a: &cli::CloseArgs, r: &PayrollRun, arch: &Archive, manifest: &Manifest) {
    let p = r.run.period;
    summary(r);
    let head = archive::sha256_hex(&manifest.to_bytes());
    eprintln!(
        "rmpay: closed {p} in {} (policy `{}` {}, manifest SHA-256 {head})",
        arch.dir(p).display(),
        r.policy.id,
        r.policy.version,
    );
    for s in manifest.approval.iter().flat_map(|x| &x.signoffs) {
        eprintln!("rmpay: {} ({}) {} {}", s.title, s.office, s.name, s.date);
    }
    // The head goes to stdout: it is what the approver writes down.
    println!("{p} closed; archive head SHA-256 {head}");
    eprintln!(
        "rmpay: write the head on the signed form; `rmpay verify --archive {} --head {head}` checks the archive against it",
        a.archive.display()
    );
    if let Some(wf) = &r.policy.workflow {
        for st in &wf.steps[wf.approval + 1..] {
            eprintln!(
                "rmpay: still to sign after the close: {} ({})",
                st.name, st.office
            );
        }
    }
}

/// `rmpay sign`: one step of a month's workflow, for the month's draft (or,
/// for a step after the approval, for the draft the month was closed on).
fn sign(a: &cli::SignArgs) -> Result<(), Failure> {
    let p: Period = a
        .period
        .parse()
        .map_err(|e| Failure::Usage(format!("error: --period: {e}")))?;
    let arch = Archive::new(&a.archive);
    let mut d = diag::Diagnostics::new();
    let (name, date, note) = signer(a, &mut d);
    something_to_sign(a, &arch, p, &mut d)?;
    let lock = take_lock(&arch, &a.archive, a.wait)?;
    // Under the lock, the archive as it is now.
    let closed = arch.periods().map_err(Failure::Archive)?.contains(&p);
    let log = signoff::read_log(&arch, p).map_err(Failure::Archive)?;
    let (draft, policy_path, manifest_sha) = signed_draft(&arch, p, closed, &log)?;
    let policy = policy::load_policy(&policy_path, &policy_path.display().to_string())
        .map_err(Failure::Invalid)?;
    let (wf, i) = workflow_step(a, &policy, &policy_path, &mut d)?;
    let step = &wf.steps[i];
    let at = diag::Location::File {
        file: signoff::log_path(&arch, p).display().to_string(),
    };
    let Some(draft) = draft else {
        d.error(
            at,
            "not-approved",
            format!("{p} was closed without sign-off (its policy had no [workflow] then): there is nothing to sign after it"),
        );
        return Err(Failure::Invalid(d));
    };
    check_step(p, wf, i, closed, &log, &draft, at, &mut d);
    if d.has_errors() {
        return Err(Failure::Invalid(d));
    }
    let date = date.unwrap_or_else(today);
    let signed = signoff::Signoff {
        step: step.id.clone(),
        title: step.name.clone(),
        office: step.office.clone(),
        name,
        date,
        note,
        draft: draft.clone(),
        manifest_sha256: manifest_sha,
    };
    let (entry, head) = signoff::append(
        &arch,
        &lock,
        p,
        &log,
        signoff::Event::Signoff(signed.clone()),
    )
    .map_err(Failure::Archive)?;
    drop(lock);
    eprintln!(
        "rmpay: {p} {} ({}) signed by {} on {} for draft {draft} (entry {} of {})",
        step.name,
        step.office,
        signed.name,
        signed.date,
        entry.seq,
        signoff::log_path(&arch, p).display()
    );
    signed_next(a, p, wf, i, closed, &draft, &head);
    Ok(())
}

/// Without --date, a sign-off is dated today, and says so.
fn today() -> String {
    let today = chrono::Local::now().date_naive().to_string();
    eprintln!("rmpay: no --date given: signed as of today, {today}");
    today
}

/// The signer's name, the date and the note as given; problems go to `d`.
fn signer(
    a: &cli::SignArgs,
    d: &mut diag::Diagnostics,
) -> (String, Option<String>, Option<String>) {
    let name = a.name.trim();
    if name.is_empty() {
        d.error(
            diag::Location::None,
            "empty-name",
            "--name is empty: a sign-off names the person who signs",
        );
    }
    let date = match &a.date {
        Some(text) => match parse_date(text) {
            Some(date) => Some(date),
            None => {
                d.error(
                    diag::Location::None,
                    "bad-date",
                    format!("--date `{text}` is not a date YYYY-MM-DD"),
                );
                None
            }
        },
        None => None,
    };
    let note = a
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from);
    (name.to_string(), date, note)
}

/// A month with nothing to sign (no draft, not closed) is refused, with
/// the signer's problems, before the archive is locked: nothing is created
/// for it.
fn something_to_sign(
    a: &cli::SignArgs,
    arch: &Archive,
    p: Period,
    d: &mut diag::Diagnostics,
) -> Result<(), Failure> {
    let closed = a.archive.is_dir() && arch.periods().map_err(Failure::Archive)?.contains(&p);
    let has_draft = a.archive.is_dir()
        && signoff::read_log(arch, p)
            .map_err(Failure::Archive)?
            .current_draft()
            .is_some();
    if !closed && !has_draft {
        d.error(
            diag::Location::File {
                file: signoff::month_dir(arch, p).display().to_string(),
            },
            "no-draft",
            format!(
                "{p} has no draft to sign: record one with `rmpay payroll --archive {} --ledger … --out …`",
                a.archive.display()
            ),
        );
        return Err(Failure::Invalid(std::mem::take(d)));
    }
    Ok(())
}

/// The draft a sign-off is for, the policy it was computed under, and
/// (closed) the SHA-256 of the month's manifest.
fn signed_draft(
    arch: &Archive,
    p: Period,
    closed: bool,
    log: &signoff::Log,
) -> Result<(Option<String>, PathBuf, Option<String>), Failure> {
    Ok(if closed {
        // The month as closed and signed (version 1; a restated version is
        // approved through the month that pays it, docs/ARCHIVE.md).
        let dir = arch.version_dir(p, 1);
        let m = restate::read_manifest(&dir)?;
        let sha =
            archive::sha256_hex(&std::fs::read(dir.join(archive::MANIFEST)).map_err(|e| {
                Failure::Usage(format!("{}: error[io]: cannot read: {e}", dir.display()))
            })?);
        (
            m.approval.map(|x| x.draft_sha256),
            dir.join(&m.policy.stored_as),
            Some(sha),
        )
    } else {
        let Some(cur) = log.current_draft() else {
            return Err(Failure::Usage(format!(
                "{}: error[archive-changed]: the draft of {p} is gone; run the command again",
                signoff::month_dir(arch, p).display()
            )));
        };
        (
            Some(cur.draft.clone()),
            signoff::month_dir(arch, p)
                .join(&cur.draft)
                .join(archive::POLICY),
            None,
        )
    })
}

/// The workflow step `--step` names, by index in the policy's workflow.
fn workflow_step<'p>(
    a: &cli::SignArgs,
    policy: &'p policy::Policy,
    policy_path: &Path,
    d: &mut diag::Diagnostics,
) -> Result<(&'p policy::Workflow, usize), Failure> {
    let Some(wf) = &policy.workflow else {
        d.error(
            diag::Location::File {
                file: policy_path.display().to_string(),
            },
            "no-workflow",
            format!(
                "policy `{}` has no [workflow]: its months close without sign-off",
                policy.id
            ),
        );
        return Err(Failure::Invalid(std::mem::take(d)));
    };
    let Some(i) = wf.find(&a.step) else {
        let steps: Vec<String> = wf
            .steps
            .iter()
            .map(|s| format!("{} {}", s.id, s.name))
            .collect();
        d.error(
            diag::Location::None,
            "unknown-step",
            format!(
                "--step `{}` is not a step of policy `{}`'s workflow ({}){}",
                a.step,
                policy.id,
                steps.join(", "),
                diag::suggestion(&a.step, wf.spellings())
            ),
        );
        return Err(Failure::Invalid(std::mem::take(d)));
    };
    Ok((wf, i))
}

/// A step is signed in the workflow's order, once per draft: before the
/// close for an open month, after it for a closed one.
#[allow(clippy::too_many_arguments)]
fn check_step(
    p: Period,
    wf: &policy::Workflow,
    i: usize,
    closed: bool,
    log: &signoff::Log,
    draft: &str,
    at: diag::Location,
    d: &mut diag::Diagnostics,
) {
    let step = &wf.steps[i];
    if closed && i <= wf.approval {
        d.error(
            at.clone(),
            "already-closed",
            format!(
                "{p} is closed: {} ({}) comes before the close, and the month's manifest records the sign-offs it was closed on",
                step.name, step.office
            ),
        );
    } else if !closed && i > wf.approval {
        d.error(
            at.clone(),
            "not-closed",
            format!(
                "{} ({}) comes after the close: close {p} first",
                step.name, step.office
            ),
        );
    } else {
        for before in &wf.steps[..i] {
            if log.valid(draft, &before.id).is_none() {
                d.error(
                    at.clone(),
                    "out-of-order",
                    format!(
                        "{} ({}) comes after {} ({}), which has no valid sign-off for draft {draft}",
                        step.name, step.office, before.name, before.office
                    ),
                );
                break;
            }
        }
        if let Some((seq, s)) = log.valid(draft, &step.id) {
            d.error(
                at.clone(),
                "already-signed",
                format!(
                    "{} ({}) of draft {draft} was signed by {} on {} (entry {seq}); a step is signed once",
                    step.name, step.office, s.name, s.date
                ),
            );
        }
    }
}

/// What to do next, after a sign-off.
fn signed_next(
    a: &cli::SignArgs,
    p: Period,
    wf: &policy::Workflow,
    i: usize,
    closed: bool,
    draft: &str,
    head: &str,
) {
    let step = &wf.steps[i];
    if closed {
        println!("{p} {} signed; archive head SHA-256 {head}", step.name);
        eprintln!(
            "rmpay: write the head on the form; `rmpay verify --archive {} --head {head}` checks the archive against it",
            a.archive.display()
        );
    } else if i == wf.approval {
        eprintln!("rmpay: {p} is approved: `rmpay close` closes draft {draft}");
    } else {
        let next = &wf.steps[i + 1];
        eprintln!("rmpay: next: {} ({})", next.name, next.office);
    }
}

/// A date written YYYY-MM-DD, as text in that form.
fn parse_date(text: &str) -> Option<String> {
    let t = text.trim();
    let ok = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|_| ok)
        .map(|d| d.to_string())
}

/// Recompute a closed period (its version in force) from the archive alone.
fn recompute(arch: &Archive, p: Period) -> Result<(Manifest, PayrollRun), Failure> {
    recompute_version(arch, p, arch.in_force(p))
}

/// Recompute one version of a closed period from the archive alone,
/// opening from the version of the month before that its manifest links to.
fn recompute_version(
    arch: &Archive,
    p: Period,
    version: u32,
) -> Result<(Manifest, PayrollRun), Failure> {
    let dir = arch.version_dir(p, version);
    let m = restate::read_manifest(&dir)?;
    let carry = match &m.previous {
        None => Carry::Ledger,
        Some(link) => {
            let prev: Period = link.period.parse().map_err(|e: String| Failure::Usage(e))?;
            let prev_dir = arch.version_dir(prev, link.version.unwrap_or(1));
            Carry::State {
                period: prev,
                state: restate::read_state(&prev_dir)?,
            }
        }
    };
    let job = Job {
        policy: PolicySource::File(dir.join(&m.policy.stored_as)),
        policy_display: Some(m.policy.original.clone()),
        ledger: dir.join(&m.ledger.stored_as),
        ledger_display: Some(m.ledger.original.clone()),
        period: Some(p),
        carry,
    };
    let mut r = compute(&job, &mut |_, _| {})?;
    r.run.signoffs = signoff_lines(&m.approval);
    Ok((m, r))
}

fn manifest_lang(m: &Manifest) -> report::Lang {
    if m.lang == "en" {
        report::Lang::En
    } else {
        report::Lang::Zh
    }
}

/// The archive and one of its closed periods, from the command line.
fn closed_period(root: &Path, period: &str) -> Result<(Archive, Period), Failure> {
    let p: Period = period
        .parse()
        .map_err(|e| Failure::Usage(format!("error: --period: {e}")))?;
    let arch = Archive::new(root);
    if !arch.periods().map_err(Failure::Archive)?.contains(&p) {
        return Err(Failure::Usage(format!(
            "{}: error[not-closed]: {p} is not a closed period",
            arch.dir(p).display()
        )));
    }
    Ok((arch, p))
}

fn rerun(a: &cli::RerunArgs) -> Result<i32, Failure> {
    let (arch, p) = closed_period(&a.archive, &a.period)?;
    let version = rerun_version(a, &arch, p)?;
    let (m, r) = recompute_version(&arch, p, version)?;
    let dir = arch.version_dir(p, version);
    let fresh = recomputed_files(&arch, p, version, &m, &r)?;
    let mut differences = 0usize;
    for (name, bytes) in &fresh {
        if name == &m.ledger.stored_as || name == archive::POLICY {
            continue;
        }
        // A month closed before its figures were kept has none to check.
        if name == archive::FIGURES && !m.files.iter().any(|e| e.name == *name) {
            continue;
        }
        let path = dir.join(name);
        let old = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => {
                println!("{}: missing from the archive", path.display());
                differences += 1;
                continue;
            }
        };
        if old == *bytes {
            continue;
        }
        differences += 1;
        if name.ends_with(".xlsx") {
            print_cell_differences(&path, &old, bytes);
        } else if name == archive::FIGURES {
            print_figure_differences(&path, &old, bytes);
        } else {
            print_line_differences(&path, &old, bytes);
        }
    }
    let label = match version {
        1 => p.to_string(),
        v => format!("{p} version {v}"),
    };
    if differences == 0 {
        println!("{label}: identical");
        Ok(EXIT_OK)
    } else {
        println!("{label}: {differences} file(s) differ from the archive");
        Ok(EXIT_INVALID)
    }
}

/// The version `--version` names (default: the version in force).
fn rerun_version(a: &cli::RerunArgs, arch: &Archive, p: Period) -> Result<u32, Failure> {
    Ok(match a.version {
        None => arch.in_force(p),
        Some(v) if arch.versions(p).contains(&v) => v,
        Some(v) => {
            return Err(Failure::Archive(archive::ArchiveError {
                path: arch.version_dir(p, v),
                code: "no-version",
                message: format!(
                    "{p} has no version {v} (versions: {})",
                    arch.versions(p)
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }));
        }
    })
}

/// A closed version's files as recomputed now, by name.
fn recomputed_files(
    arch: &Archive,
    p: Period,
    version: u32,
    m: &Manifest,
    r: &PayrollRun,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let dir = arch.version_dir(p, version);
    let ledger_bytes = std::fs::read(dir.join(&m.ledger.stored_as)).map_err(|e| {
        Failure::Archive(archive::ArchiveError {
            path: dir.join(&m.ledger.stored_as),
            code: "io",
            message: format!("cannot read: {e}"),
        })
    })?;
    let ext = restate::stored_ext(m);
    let mut fresh = period_files(r, manifest_lang(m), ledger_bytes, &ext)?;
    if m.restated.is_some() {
        // A restated version's state carries the adjustments (restate.rs).
        let st = restate::restated_state(arch, p, version, m, r)?.to_bytes();
        for (name, bytes) in &mut fresh {
            if name == archive::STATE {
                *bytes = st.clone();
            }
        }
    }
    Ok(fresh)
}

/// How two workbooks differ, cell by cell (the first 200 cells).
fn print_cell_differences(path: &Path, old: &[u8], bytes: &[u8]) {
    match ledger::dump::diff_xlsx(old, bytes) {
        Ok(d) if !d.is_empty() => {
            for (sheet, cell, was, now) in d.iter().take(200) {
                println!(
                    "{} [{sheet}]!{cell}: archived `{was}`, recomputed `{now}`",
                    path.display()
                );
            }
            if d.len() > 200 {
                println!("{}: … and {} more cells", path.display(), d.len() - 200);
            }
        }
        Ok(_) => println!(
            "{}: same cells, different bytes (formatting or properties)",
            path.display()
        ),
        Err(e) => println!("{}: cannot read the archived workbook: {e}", path.display()),
    }
}

/// How the archived figures differ from those recomputed from the
/// archived ledger, figure by figure (the first 200); line by line when
/// the archived file is no figures file.
fn print_figure_differences(path: &Path, old: &[u8], bytes: &[u8]) {
    let Some(d) = archive::figures::differences(old, bytes) else {
        print_line_differences(path, old, bytes);
        return;
    };
    if d.is_empty() {
        println!("{}: same figures, different bytes", path.display());
    }
    for (figure, was, now) in d.iter().take(200) {
        println!(
            "{}: {figure}: archived `{was}`, recomputed `{now}`",
            path.display()
        );
    }
    if d.len() > 200 {
        println!("{}: … and {} more figures", path.display(), d.len() - 200);
    }
}

/// How two text files differ, line by line (the first 50 lines).
fn print_line_differences(path: &Path, old: &[u8], bytes: &[u8]) {
    let (o, n) = (String::from_utf8_lossy(old), String::from_utf8_lossy(bytes));
    let mut shown = 0;
    for (i, (x, y)) in o.lines().zip(n.lines()).enumerate() {
        if x != y && shown < 50 {
            println!(
                "{}:{}: archived `{}`, recomputed `{}`",
                path.display(),
                i + 1,
                x.trim(),
                y.trim()
            );
            shown += 1;
        }
    }
    if o.lines().count() != n.lines().count() {
        println!(
            "{}: {} lines archived, {} recomputed",
            path.display(),
            o.lines().count(),
            n.lines().count()
        );
    }
}

fn verify(a: &cli::VerifyArgs) -> Result<i32, Failure> {
    let arch = Archive::new(&a.archive);
    if !a.archive.is_dir() {
        return Err(Failure::Usage(format!(
            "{}: error[io]: no such archive",
            a.archive.display()
        )));
    }
    let periods = arch.periods().map_err(Failure::Archive)?;
    let (mut findings, head) = archive::verify(&arch).map_err(Failure::Archive)?;
    let versions = archive::verify_versions(&arch, &mut findings).map_err(Failure::Archive)?;
    // The sign-off logs, and the manifests' account of them: the month as
    // closed (version 1; a restated version is not signed, docs/ARCHIVE.md).
    let closed: Vec<(Period, String, Option<archive::Approval>)> = periods
        .iter()
        .filter_map(|&p| {
            let dir = arch.version_dir(p, 1);
            let bytes = std::fs::read(dir.join(archive::MANIFEST)).ok()?;
            let m: Manifest = serde_json::from_slice(&bytes).ok()?;
            Some((p, archive::sha256_hex(&bytes), m.approval))
        })
        .collect();
    let log_heads = signoff::verify_logs(&arch, &closed, &mut findings);
    // The head written down: the newest manifest (printed by `close`), or
    // the last entry of a month's sign-off log signed after its close
    // (printed by `sign`; it names that month's manifest).
    let matched = head_given(
        a,
        &arch,
        &periods,
        head.as_deref(),
        &log_heads,
        &mut findings,
    );
    for f in &findings {
        println!("{f}");
    }
    if findings.is_empty() {
        print_intact(a, &arch, &periods, head, &versions, &log_heads, matched);
        Ok(EXIT_OK)
    } else {
        println!("{}: {} problem(s)", a.archive.display(), findings.len());
        Ok(EXIT_INVALID)
    }
}

/// Which head `--head` is: the newest manifest (printed by `close`), or
/// the last entry of a month's sign-off log signed after its close
/// (printed by `sign`; it names that month's manifest). Neither is a
/// finding.
fn head_given(
    a: &cli::VerifyArgs,
    arch: &Archive,
    periods: &[Period],
    head: Option<&str>,
    log_heads: &[(Period, String)],
    findings: &mut Vec<archive::ArchiveError>,
) -> Option<String> {
    let newest = periods.last().copied();
    if let Some(given) = &a.head {
        let given = given.trim().to_lowercase();
        if head == Some(given.as_str()) {
            return Some(format!(
                "the newest manifest ({})",
                newest.map(|p| p.to_string()).unwrap_or_default()
            ));
        } else if let Some((p, _)) = log_heads.iter().find(|(_, h)| *h == given) {
            return Some(format!("the last sign-off of {p}, after its close"));
        } else {
            let path = match newest {
                Some(n) => arch.dir(n).join(archive::MANIFEST),
                None => a.archive.clone(),
            };
            let logs: String = log_heads
                .iter()
                .map(|(p, h)| format!(", {p}'s sign-off log head {h}"))
                .collect();
            findings.push(archive::ArchiveError {
                path,
                code: "head-mismatch",
                message: format!(
                    "the archive's head is {}{logs}, not {given}, the head given: the archive is not the one whose head was written down",
                    head.unwrap_or("nothing (no closed month)"),
                ),
            });
        }
    }
    None
}

/// An intact archive: its periods, versions, sign-off heads, and what the
/// head given matched.
fn print_intact(
    a: &cli::VerifyArgs,
    arch: &Archive,
    periods: &[Period],
    head: Option<String>,
    versions: &[(Period, Vec<u32>, u32)],
    log_heads: &[(Period, String)],
    matched: Option<String>,
) {
    match (periods.first(), periods.last(), head) {
        (Some(first), Some(last), Some(h)) => {
            println!(
                "{}: {} period(s) {first}…{last}, hash chain intact; head manifest SHA-256 {h}",
                a.archive.display(),
                periods.len()
            );
            for (p, all, in_force) in versions {
                println!(
                    "{}: {p} has versions {}; version {in_force} is in force ({})",
                    a.archive.display(),
                    all.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    arch.version_dir(*p, *in_force).display()
                );
            }
            for (p, h) in log_heads {
                println!(
                    "{}: {p} has steps signed after its close; sign-off log head SHA-256 {h}",
                    a.archive.display()
                );
            }
            if let Some(m) = &matched {
                println!("{}: the head given matches {m}", a.archive.display());
            }
        }
        _ => println!("{}: empty archive", a.archive.display()),
    }
}

fn explain(a: &cli::ExplainArgs) -> Result<(), Failure> {
    let period = parse_period(a.period.as_deref())?;
    let r = match (&a.archive, period, &a.policy, &a.rules, &a.ledger) {
        (Some(root), Some(p), None, None, None) => recompute(&Archive::new(root), p)?.1,
        (_, _, _, _, Some(l)) if a.policy.is_some() || a.rules.is_some() => {
            let job = ledger_job(&a.policy, &a.rules, &a.bank, l, period, &a.archive)?;
            compute(&job, &mut |_, _| {})?
        }
        _ => {
            return Err(Failure::Usage(
                "error: explain needs either --archive DIR --period YYYY-MM, or --policy FILE (or --rules DIR) with --ledger FILE"
                    .into(),
            ));
        }
    };
    if let Some(off) = r.payroll.off_roster.iter().find(|x| x.rm_id == a.rm) {
        print!(
            "{}",
            report::explain::explain_off_roster(&r.policy, &r.run, off)
        );
        return Ok(());
    }
    let Some(res) = r.payroll.results.iter().find(|x| x.rm.rm_id == a.rm) else {
        let ids: Vec<&str> = r
            .payroll
            .results
            .iter()
            .map(|x| x.rm.rm_id.as_str())
            .collect();
        return Err(Failure::Usage(format!(
            "error: no RM `{}` in {}{}",
            a.rm,
            r.run.period,
            diag::suggestion(&a.rm, ids.iter().copied())
        )));
    };
    print!("{}", report::explain::explain_text(&r.policy, &r.run, res));
    Ok(())
}

fn unreachable_source() -> Result<PolicySource, Failure> {
    Err(Failure::Usage(
        "error: give --policy FILE or --rules DIR".into(),
    ))
}

/// The month of a ledger given on the command line (`explain`,
/// `statement`): the policy file or the version in force from `--rules`,
/// opened from the archive's last closed month when `--archive` is given,
/// else from the ledger's own risk-deposit sheet.
fn ledger_job(
    policy: &Option<PathBuf>,
    rules: &Option<PathBuf>,
    bank: &Option<String>,
    ledger: &Path,
    period: Option<Period>,
    archive: &Option<PathBuf>,
) -> Result<Job, Failure> {
    let source = match (policy, rules) {
        (Some(p), _) => PolicySource::File(p.clone()),
        (None, Some(d)) => PolicySource::Rules {
            dir: d.clone(),
            bank: bank.clone(),
        },
        (None, None) => unreachable_source()?,
    };
    Ok(Job {
        policy: source,
        policy_display: None,
        ledger: ledger.to_path_buf(),
        ledger_display: None,
        period,
        carry: match archive {
            Some(root) => Carry::Archive {
                root: root.clone(),
                closing: false,
            },
            None => Carry::Ledger,
        },
    })
}

fn compare(a: &cli::CompareArgs) -> Result<(), Failure> {
    let (arch, p) = closed_period(&a.archive, &a.period)?;
    let (m, base) = recompute(&arch, p)?;
    let job = Job {
        policy: PolicySource::File(a.policy.clone()),
        policy_display: None,
        ledger: arch.dir(p).join(&m.ledger.stored_as),
        ledger_display: Some(m.ledger.original.clone()),
        period: Some(p),
        carry: match &m.previous {
            None => Carry::Ledger,
            Some(link) => {
                let prev: Period = link.period.parse().map_err(|e: String| Failure::Usage(e))?;
                Carry::State {
                    period: prev,
                    state: arch.state(prev).map_err(Failure::Archive)?,
                }
            }
        },
    };
    let proposed = compute(&job, &mut |_, _| {})?;
    let l = lang(a.lang);
    let out = a.out.join(format!("compare-{p}.xlsx"));
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(usage)?;
    let (was, now) = (compare_side(&base), compare_side(&proposed));
    let head = report::compare::head(&was, &now, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(usage)?;
    let totals = report::compare::compare_book(&was, &now, l, &mut sink);
    outputs.add_workbook(sink).map_err(usage)?;
    outputs.commit().map_err(usage)?;
    let money = |d| report::pay::amount_text(d, base.policy.settings.money.scale);
    eprintln!(
        "rmpay: {p} under `{}` {} instead of `{}` {}: gross {} → {} ({}{}), net {} → {}",
        proposed.policy.id,
        proposed.policy.version,
        base.policy.id,
        base.policy.version,
        money(totals.0),
        money(totals.1),
        if totals.1 >= totals.0 { "+" } else { "" },
        money(totals.1 - totals.0),
        money(totals.2),
        money(totals.3)
    );
    eprintln!("rmpay: wrote {} (the archive is unchanged)", out.display());
    Ok(())
}

/// A computed month as one side of a comparison.
fn compare_side(r: &PayrollRun) -> report::compare::Run<'_> {
    report::compare::Run {
        policy: &r.policy,
        payroll: &r.payroll,
        run: &r.run,
    }
}

fn check(a: &cli::CheckArgs) -> Result<(), Failure> {
    let period = parse_period(a.period.as_deref())?;
    let policy = load_policy_source(&policy_source(&a.source, &a.bank), period)?;
    let failed = crate::engine::examples::run_examples(&policy, &policy.file);
    if failed.has_errors() {
        return Err(Failure::Invalid(failed));
    }
    println!(
        "{}: policy `{}` version {} is valid ({} tiers, {} pay lines, {} examples hold)",
        policy.file,
        policy.id,
        policy.version,
        policy.tiers.len(),
        policy.pay.lines.len(),
        policy.examples.len()
    );
    let Some(lp) = &a.ledger else { return Ok(()) };
    inputs::readable_input(lp, &lp.display().to_string())?;
    let opts = inputs::read_options(&policy, period);
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

/// An empty ledger workbook to fill in.
fn template(a: &cli::TemplateArgs) -> Result<(), Failure> {
    let period = parse_period(a.period.as_deref())?;
    let policy = match (&a.policy, &a.rules) {
        (Some(p), _) => Some(load_policy_source(&PolicySource::File(p.clone()), period)?),
        (None, Some(d)) => Some(load_policy_source(
            &PolicySource::Rules {
                dir: d.clone(),
                bank: a.bank.clone(),
            },
            period,
        )?),
        (None, None) => None,
    };
    let book = report::template::template_book(policy.as_ref(), lang(a.lang));
    let bytes = write::template::template_bytes(&book, &a.out).map_err(usage)?;
    let mut outputs = write::OutputSet::new();
    outputs.add(&a.out, &bytes).map_err(usage)?;
    outputs.commit().map_err(usage)?;
    eprintln!("rmpay: wrote {}", a.out.display());
    Ok(())
}

/// `rmpay statement`: one file per RM, all written or none.
fn statement(a: &cli::StatementArgs) -> Result<(), Failure> {
    let period = parse_period(a.period.as_deref())?;
    let (r, draft, archived) = statement_month(a, period)?;
    let chosen = statement_rms(a, &r)?;
    if let Some(path) = &archived {
        same_as_closed(path, &r, &chosen)?;
    }
    let files = statement_files(a, &r, &chosen, draft)?;
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(usage)?;
    for (path, bytes) in &files {
        outputs.add(path, bytes).map_err(usage)?;
    }
    outputs.commit().map_err(usage)?;
    eprintln!(
        "rmpay: {} {} statement(s){} in {}",
        r.run.period,
        files.len(),
        if draft {
            " (draft: the month is not closed)"
        } else {
            ""
        },
        a.out.display()
    );
    Ok(())
}

/// The month the statements are of: a closed one recomputed from the
/// archive (with its pay JSON to compare with), or a draft computed from a
/// policy and a ledger. Returns (the month, draft, the closed pay JSON).
fn statement_month(
    a: &cli::StatementArgs,
    period: Option<Period>,
) -> Result<(PayrollRun, bool, Option<PathBuf>), Failure> {
    Ok(match (&a.archive, period, &a.policy, &a.rules, &a.ledger) {
        (Some(root), Some(_), None, None, None) => {
            let (arch, p) = closed_period(root, a.period.as_deref().unwrap_or_default())?;
            let (_, r) = recompute(&arch, p)?;
            let json = arch.dir(p).join(format!("pay-{p}.json"));
            (r, false, Some(json))
        }
        (_, _, _, _, Some(l)) if a.policy.is_some() || a.rules.is_some() => {
            let job = ledger_job(&a.policy, &a.rules, &a.bank, l, period, &a.archive)?;
            (compute_with_progress(&job, true)?, true, None)
        }
        _ => {
            return Err(Failure::Usage(
                "error: statement needs either --archive DIR --period YYYY-MM, or --policy FILE (or --rules DIR) with --ledger FILE"
                    .into(),
            ));
        }
    })
}

/// The RMs asked for (all without --rm), each known; every unknown one is
/// reported.
fn statement_rms<'r>(
    a: &cli::StatementArgs,
    r: &'r PayrollRun,
) -> Result<Vec<&'r crate::engine::pay::RmResult>, Failure> {
    let ids: Vec<&str> = r
        .payroll
        .results
        .iter()
        .map(|x| x.rm.rm_id.as_str())
        .collect();
    let mut diags = diag::Diagnostics::new();
    for id in &a.rms {
        if !ids.contains(&id.as_str()) {
            diags.error(
                diag::Location::Sheet {
                    file: r.ledger.file.clone(),
                    sheet: r.ledger.sheet_name(ledger::SheetKind::Managers).to_string(),
                },
                "unknown-rm",
                format!(
                    "--rm {id}: no RM `{id}` in {}{}",
                    r.run.period,
                    diag::suggestion(id, ids.iter().copied())
                ),
            );
        }
    }
    if diags.has_errors() {
        return Err(Failure::Invalid(diags));
    }
    Ok(r.payroll
        .results
        .iter()
        .filter(|x| a.rms.is_empty() || a.rms.contains(&x.rm.rm_id))
        .collect())
}

/// A closed month's statements show what was closed: the recomputed
/// figures of every RM chosen must be the archived register's.
fn same_as_closed(
    path: &Path,
    r: &PayrollRun,
    chosen: &[&crate::engine::pay::RmResult],
) -> Result<(), Failure> {
    let archived: serde_json::Value = std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let fresh: serde_json::Value = serde_json::from_slice(&json_bytes(r)).unwrap_or_default();
    let find = |v: &serde_json::Value, id: &str| {
        v["managers"]
            .as_array()
            .and_then(|ms| ms.iter().find(|m| m["rm_id"] == id).cloned())
    };
    for x in chosen {
        let (old, new) = (find(&archived, &x.rm.rm_id), find(&fresh, &x.rm.rm_id));
        let same = match (&old, &new) {
            (Some(o), Some(n)) => ["metrics", "pay", "risk_account", "year_to_date"]
                .iter()
                .all(|k| o[k] == n[k]),
            _ => false,
        };
        if !same {
            return Err(Failure::Archive(archive::ArchiveError {
                path: path.to_path_buf(),
                code: "archive-differs",
                message: format!(
                    "{}'s figures recomputed for {} differ from the closed register; run `rmpay rerun` and `rmpay verify`",
                    x.rm.rm_id, r.run.period
                ),
            }));
        }
    }
    Ok(())
}

/// Each chosen RM's statement page, by path, before anything is written.
fn statement_files(
    a: &cli::StatementArgs,
    r: &PayrollRun,
    chosen: &[&crate::engine::pay::RmResult],
    draft: bool,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let l = lang(a.lang);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for x in chosen {
        let name = report::statement::file_name(r.run.period, &x.rm.rm_id);
        let path = a.out.join(&name);
        if files.iter().any(|(p, _)| *p == path) {
            let mut d = diag::Diagnostics::new();
            d.error(
                diag::Location::Sheet {
                    file: r.ledger.file.clone(),
                    sheet: r
                        .ledger
                        .sheet_name(ledger::SheetKind::Managers)
                        .to_string(),
                },
                "statement-name-clash",
                format!(
                    "RM `{}` would be written to {name}, the file of another RM: RM ids that differ only in characters a file name cannot hold",
                    x.rm.rm_id
                ),
            );
            return Err(Failure::Invalid(d));
        }
        let page = report::statement::statement(
            &r.policy,
            &r.run,
            x,
            &r.payroll.clients,
            r.payroll.days,
            draft,
            l,
        );
        let bytes = write::statement::page_bytes(&page, &path).map_err(usage)?;
        files.push((path, bytes));
    }
    Ok(files)
}
