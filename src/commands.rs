//! The commands: validate arguments, run the pipeline, write or print.

use crate::archive::{self, Archive, FileEntry, Link, Manifest, SourceFile};
use crate::cli::{self, Command};
use crate::diag::{Code, Diagnostic};
use crate::period::Period;
use crate::pipeline::month::ClientDetail;
use crate::pipeline::{inputs, opening, review};
use crate::text::{Msg, archive as says};
use crate::{
    Carry, EXIT_INVALID, EXIT_OK, EXIT_USAGE, Failure, Job, PayrollRun, PolicySource, compute,
    diag, ledger, metrics, policy, report, signoff, state, text, write,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

// The console, for this module and its children: these shadow std's
// `println!`, `print!` and `eprintln!`, which panic when the write fails
// (`rmpay rerun … | head -1` closes the pipe after one line). See
// [`stdout`] and [`stderr`].
macro_rules! println {
    ($($t:tt)*) => {
        $crate::commands::stdout(format!("{}\n", format_args!($($t)*)).as_bytes())
    };
}

macro_rules! print {
    ($($t:tt)*) => {
        $crate::commands::stdout(format!($($t)*).as_bytes())
    };
}

macro_rules! eprintln {
    ($($t:tt)*) => {
        $crate::commands::stderr(format!("{}\n", format_args!($($t)*)).as_bytes())
    };
}

mod payout;
mod restate;

/// Write to standard output. When the reader has gone (`rmpay rerun … |
/// head -1`), the run ends there, quietly, with exit 0, as ripgrep does:
/// whatever the command had to write is written by then, and the rest is
/// no one's to read. Any other failure to write (a full disk) is an I/O
/// error, exit 2. (std's `println!` would panic in both cases.)
pub(crate) fn stdout(bytes: &[u8]) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(bytes).and_then(|()| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_OK);
        }
        let why = text::run::nest(&write::os_reason(&e), |r| text::run::cannot_write_stdout(r));
        eprintln!("{}", Diagnostic::error(diag::Location::None, Code::Io, why));
        std::process::exit(EXIT_USAGE);
    }
}

/// Write to standard error. A failure to write there is ignored: there is
/// nowhere left to say it, and the exit code still tells how the run
/// ended (a closed stderr, `2>&1 | head -1`, must turn a refused run
/// neither into a panic nor into a success).
pub(crate) fn stderr(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(bytes);
}

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
        policy: policy_source(&a.policy),
        year: a.year,
        quarter: a.quarter,
        archive: a.archive.clone(),
        ledgers: a.ledgers.clone(),
        partial: a.partial,
        previous_review: a.previous_review.clone(),
    };
    let run = review::run(&job)?;
    let (out, json) = write_review(a, &run)?;
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
    let c = text::console();
    eprintln!(
        "{}",
        text::review_summary(
            c,
            &run.info.label,
            if run.info.partial {
                text::partial_mark(c)
            } else {
                ""
            },
            run.result.results.len(),
            count(policy::Decision::Promote),
            count(policy::Decision::Keep),
            count(policy::Decision::Demote),
            count(policy::Decision::Terminate)
        )
    );
    eprintln!("{}", text::wrote(c, out.display()));
    if let Some(d) = &a.notices {
        eprintln!(
            "{}",
            text::notices_written(c, run.result.results.len(), d.display())
        );
    }
    json_written(&a.json, json);
    Ok(())
}

/// The review's workbook and JSON, staged first and committed together, or
/// none. Returns the workbook's path, and the JSON when it goes to
/// standard output.
fn write_review(
    a: &cli::ReviewArgs,
    run: &review::ReviewRun,
) -> Result<(PathBuf, Option<Vec<u8>>), Failure> {
    let (policy, info) = (&run.policy, &run.info);
    let l = text::output();
    let out = a.out.join(format!("review-{}.xlsx", info.label));
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(Failure::Error)?;
    let head = report::review::review_head(policy, info, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(Failure::Error)?;
    report::review::review_book(policy, &run.result, info, l, &mut sink);
    outputs.add_workbook(sink).map_err(Failure::Error)?;
    let json = stage_json(&mut outputs, &a.json, || {
        write::json::review_bytes(&write::json::review_json(policy, &run.result, info, l))
    })?;
    if let Some(dir) = &a.notices {
        let files = notice_files(dir, run, l)?;
        outputs.create_dir(dir).map_err(Failure::Error)?;
        for (path, bytes) in &files {
            outputs.add(path, bytes).map_err(Failure::Error)?;
        }
    }
    outputs.commit().map_err(Failure::Error)?;
    Ok((out, json))
}

/// `--json FILE` is staged with the command's other outputs. `--json -`
/// is printed to standard output once they are written: returned here,
/// for [`json_written`].
fn stage_json(
    outputs: &mut write::OutputSet,
    json: &Option<PathBuf>,
    bytes: impl FnOnce() -> Vec<u8>,
) -> Result<Option<Vec<u8>>, Failure> {
    match json {
        None => Ok(None),
        Some(p) if p.as_os_str() == "-" => Ok(Some(bytes())),
        Some(p) => {
            outputs.add(p, &bytes()).map_err(Failure::Error)?;
            Ok(None)
        }
    }
}

/// `payroll --json`: the pay JSON staged as its file, written RM by RM
/// as it is made; or, for `--json -`, its bytes, printed last.
fn stage_pay_json(
    outputs: &mut write::OutputSet,
    json: &Option<PathBuf>,
    r: &PayrollRun,
    l: report::Lang,
) -> Result<Option<Vec<u8>>, Failure> {
    match json {
        Some(p) if p.as_os_str() != "-" => {
            let j = write::json::payroll_json(&r.policy, &r.payroll, &r.run, l);
            outputs
                .add_with(p, |w| write::json::write_to(&j, w))
                .map_err(Failure::Error)?;
            Ok(None)
        }
        _ => stage_json(outputs, json, || json_bytes(r, l)),
    }
}

/// The month's client detail file, written to `w`.
fn client_detail_to(
    r: &PayrollRun,
    l: report::Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write::client_detail::write_client_detail(&r.policy, &r.payroll, &r.ledger, l, w)
}

/// `--client-detail` as the pipeline's choice.
fn client_detail(c: cli::ClientDetail) -> ClientDetail {
    match c {
        cli::ClientDetail::Auto => ClientDetail::Auto,
        cli::ClientDetail::Workbook => ClientDetail::Workbook,
        cli::ClientDetail::File => ClientDetail::File,
    }
}

/// After the outputs are written and the summary printed (on stderr): say
/// where the JSON file went, or print the JSON itself, last, on stdout.
fn json_written(json: &Option<PathBuf>, to_stdout: Option<Vec<u8>>) {
    match (json, to_stdout) {
        (_, Some(bytes)) => stdout(&bytes),
        (Some(p), None) => eprintln!("{}", text::wrote(text::console(), p.display())),
        (None, None) => {}
    }
}

/// Each RM's notice of the review's result (`--notices DIR`), by path,
/// before anything is written.
fn notice_files(
    dir: &Path,
    run: &review::ReviewRun,
    l: report::Lang,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let pages = report::notice::notices(&run.policy, &run.result, &run.info, l);
    for ((name, page), r) in pages.iter().zip(&run.result.results) {
        let path = dir.join(name);
        if files.iter().any(|(p, _)| *p == path) {
            let mut d = diag::Diagnostics::new();
            d.error(
                diag::Location::None,
                Code::NoticeNameClash,
                text::run::file_name_clash(&r.year.rm.rm_id, name),
            );
            return Err(Failure::Invalid(d));
        }
        let bytes = write::statement::page_bytes(page, &path).map_err(Failure::Error)?;
        files.push((path, bytes));
    }
    Ok(files)
}

/// Diagnostics as the console shows them: the location and the code stay
/// as they are (they are looked up); each message in the console's
/// language (a diagnostic's `Display`).
fn diagnostic_lines(d: &diag::Diagnostics, _lang: report::Lang) -> Vec<String> {
    d.render()
}

/// Print a failure; returns the exit code.
pub fn report_failure(f: Failure) -> i32 {
    let status = f.exit_status();
    match &f {
        Failure::Invalid(d) => {
            for l in diagnostic_lines(d, text::console()) {
                eprintln!("{l}");
            }
            eprintln!(
                "{}",
                text::errors_nothing_written(text::console(), d.error_count())
            );
        }
        Failure::Error(e) => {
            eprintln!("{e}");
            if status == EXIT_INVALID {
                eprintln!("{}", text::rmpay_nothing_written(text::console()));
            }
        }
    }
    status
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template(text::progress_reading(text::console()))
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
    p.map(period_arg).transpose()
}

/// The month given as `--period`.
pub(crate) fn period_arg(s: &str) -> Result<Period, Failure> {
    s.parse()
        .map_err(|e| Failure::usage(text::run::bad_period_arg("--period", s, e)))
}

pub fn lang(l: cli::Lang) -> report::Lang {
    // Not a text: the command line's value as the catalogue's language.
    match l {
        cli::Lang::Zh => report::Lang::Zh,
        cli::Lang::En => report::Lang::En,
    }
}

fn policy_source(a: &cli::PolicyArgs) -> PolicySource {
    match (&a.source.policy, &a.source.rules) {
        (Some(p), _) => PolicySource::File(p.clone()),
        (None, Some(d)) => PolicySource::Rules {
            dir: d.clone(),
            bank: a.bank.clone(),
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

fn summary(r: &PayrollRun) {
    let flags = r
        .payroll
        .results
        .iter()
        .map(|x| x.flags.len())
        .sum::<usize>();
    let money = |d| report::pay::amount_text(d, r.policy.settings.money.scale);
    let t = &r.payroll.totals;
    let c = text::console();
    // A policy without a risk deposit withholds none: its line says
    // nothing of one.
    let line = match r.policy.risk_deposit {
        Some(_) => text::pay_summary(
            c,
            r.run.period,
            r.payroll.results.len(),
            money(t.net),
            money(t.gross),
            money(t.deductions),
            money(t.holdback),
            flags,
        ),
        None => text::pay_summary_no_risk(
            c,
            r.run.period,
            r.payroll.results.len(),
            money(t.net),
            money(t.gross),
            money(t.deductions),
            flags,
        ),
    };
    eprintln!("{line}");
    if !t.released.is_zero() {
        eprintln!(
            "{}",
            text::pay_released(c, money(t.released), money(t.payout))
        );
    }
    // A policy without a risk deposit opening from nothing has no opening
    // state to speak of (the line would talk of risk_accounts rows).
    if r.policy.risk_deposit.is_some() || r.run.opening != text::NO_OPENING {
        eprintln!(
            "{}",
            text::opening_state(c, text::run_opening(&r.run.opening, c))
        );
    }
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
        let why = match (o.left_on, due) {
            (Some(l), Some(d)) => text::carried_due(c, l, Period::of(d)),
            _ => text::carried_unknown(c),
        };
        eprintln!(
            "{}",
            text::carried_deposit(c, id, money(o.risk_balance), why)
        );
    }
    for o in &r.payroll.off_roster {
        eprintln!(
            "{}",
            text::off_roster_released(c, &o.rm_id, o.left_on, money(o.pay.released))
        );
    }
}

/// The pay JSON, its texts in `l`.
fn json_bytes(r: &PayrollRun, l: report::Lang) -> Vec<u8> {
    write::json::to_bytes(&write::json::payroll_json(&r.policy, &r.payroll, &r.run, l))
}

/// The month of a command's policy, ledger and `--period`, opening as
/// `carry` says.
fn month_job(
    source: &cli::PolicyArgs,
    ledger: &Path,
    period: Option<&str>,
    carry: Carry,
) -> Result<Job, Failure> {
    Ok(Job {
        policy: policy_source(source),
        policy_display: None,
        ledger: ledger.to_path_buf(),
        ledger_display: None,
        period: parse_period(period)?,
        carry,
        client_detail: ClientDetail::Auto,
    })
}

fn payroll(a: &cli::PayrollArgs) -> Result<(), Failure> {
    let carry = match &a.archive {
        Some(root) => Carry::Archive {
            root: root.clone(),
            closing: false,
        },
        None => Carry::Ledger,
    };
    let mut job = month_job(&a.policy, &a.ledger, a.period.as_deref(), carry)?;
    job.client_detail = client_detail(a.client_detail);
    // A draft archives the ledger: computed from a copy of it (see
    // `LedgerCopy`).
    let copy = match &a.archive {
        Some(_) => Some(LedgerCopy::take(&a.ledger)?),
        None => None,
    };
    LedgerCopy::read_by(&copy, &mut job, &a.ledger);
    let r = compute_with_progress(&job, a.quiet)?;
    if let Some(root) = &a.archive {
        return payroll_draft(a, root, r, LedgerCopy::path(&copy, &a.ledger));
    }
    let out = a.out.join(crate::pay_workbook_name(r.run.period));
    // Build every output first (the workbook into a temporary file beside
    // its place); rename into place only when all are ready.
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(Failure::Error)?;
    let l = text::output();
    let book = |outputs: &mut write::OutputSet| -> Result<(), Failure> {
        let head = report::pay::pay_book_head(&r.policy, &r.run, l);
        let mut sink = write::XlsxSink::new(&head, &out).map_err(Failure::Error)?;
        sink.write_sheets(report::pay::pay_sheets(&r.policy, &r.payroll, &r.run, l));
        outputs.add_workbook(sink).map_err(Failure::Error)
    };
    // The client detail file (a city bank's month: 145 MiB) is written on
    // a thread of its own while the book is built.
    let detail = match &r.run.client_file {
        Some(name) => {
            let path = a.out.join(name);
            outputs.add_with_meanwhile(&path, |w| client_detail_to(&r, l, w), book)?;
            Some(path)
        }
        None => {
            book(&mut outputs)?;
            None
        }
    };
    let json = stage_pay_json(&mut outputs, &a.json, &r, l)?;
    outputs.commit().map_err(Failure::Error)?;
    summary(&r);
    eprintln!("{}", text::wrote(text::console(), out.display()));
    if let Some(p) = detail {
        eprintln!("{}", text::wrote(text::console(), p.display()));
    }
    json_written(&a.json, json);
    // A big month is millions of small allocations; free them off the
    // command's path (the process may well exit first).
    std::thread::spawn(move || drop(r));
    Ok(())
}

/// `payroll --archive`: record the month's draft in the archive (unless
/// the month is closed: then it is a preview), then write the outputs.
fn payroll_draft(
    a: &cli::PayrollArgs,
    root: &Path,
    r: PayrollRun,
    read_from: &Path,
) -> Result<(), Failure> {
    let p = r.run.period;
    let arch = Archive::new(root);
    let l = text::output();
    let out = a.out.join(crate::pay_workbook_name(p));
    let closed = arch.periods().map_err(Failure::Error)?.contains(&p);
    if !closed {
        // The draft is what will be signed and closed: say now what the
        // month's pay-out will lack once it is closed.
        payout::payout_warnings(&r, &a.ledger);
    }
    let ext = ledger_ext(&a.ledger);
    let ledger_bytes = read_ledger_files(read_from, &ext)?;
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
    outputs.create_dir(&a.out).map_err(Failure::Error)?;
    outputs.add(&out, &workbook).map_err(Failure::Error)?;
    let mut detail = None;
    if let Some(name) = &r.run.client_file
        && let Some((_, bytes)) = files.iter().find(|(n, _)| n == name)
    {
        let path = a.out.join(name);
        outputs.add(&path, bytes).map_err(Failure::Error)?;
        detail = Some(path);
    }
    let json = stage_pay_json(&mut outputs, &a.json, &r, l)?;
    let mut recorded = None;
    if !closed {
        let (sha, voided) = draft_into_archive(a, root, &arch, &r, &files, &ext)?;
        recorded = Some((sha, voided));
    }
    outputs.commit().map_err(Failure::Error)?;
    summary(&r);
    match recorded {
        None => eprintln!(
            "{}",
            text::preview_closed(text::console(), p, root.display())
        ),
        Some((sha, voided)) => draft_recorded(root, &arch, &r, &sha, &voided)?,
    }
    eprintln!("{}", text::wrote(text::console(), out.display()));
    if let Some(p) = detail {
        eprintln!("{}", text::wrote(text::console(), p.display()));
    }
    json_written(&a.json, json);
    // As `payroll`: the month is freed off the command's path.
    std::thread::spawn(move || drop(r));
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
    let l = text::output();
    let entries = file_entries(files);
    check_inputs(r, &entries, ext, &a.ledger)?;
    let (policy_src, ledger_src) = sources(r, ext);
    let record = signoff::DraftRecord {
        format: signoff::DRAFT_FORMAT.to_string(),
        period: p.to_string(),
        tool_version: r.run.tool_version.clone(),
        lang: l.id().to_string(),
        policy: policy_src,
        ledger: ledger_src,
        opening: r.run.opening.clone(),
        files: entries,
    };
    let lock = take_lock(arch, root, a.wait)?;
    recheck_opening(arch, root, p, r, says::payroll_again())?;
    let sha = signoff::store_draft(arch, &lock, p, &record, files).map_err(Failure::Error)?;
    let voided = signoff::record_draft(arch, &lock, p, &record).map_err(Failure::Error)?;
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
    let c = text::console();
    match voided {
        Some(_) => eprintln!(
            "{}",
            text::draft_recorded(c, sha, p, signoff::month_dir(arch, p).display())
        ),
        None => eprintln!("{}", text::draft_same(c, sha, p)),
    }
    for s in voided.iter().flatten() {
        eprintln!(
            "{}",
            text::draft_voids(c, &s.draft, &s.title, &s.office, &s.name, &s.date)
        );
    }
    if let Some(wf) = &r.policy.workflow {
        let log = signoff::read_log(arch, p).map_err(Failure::Error)?;
        let todo: Vec<String> = wf.steps[..=wf.approval]
            .iter()
            .filter(|st| log.valid(sha, &st.id).is_none())
            .map(|st| text::step_office(c, &st.name, &st.office))
            .collect();
        if todo.is_empty() {
            eprintln!("{}", text::approved_close_this(c, p));
        } else {
            eprintln!(
                "{}",
                text::to_sign_before_close(c, todo.join(text::list_sep(c)), root.display(), p)
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
            stored_as: archive::ledger_name(ext),
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
    if let Some(sha) = archive::folder_sha256(file_list, &archive::ledger_name(ext))
        && sha != r.run.ledger_sha256
    {
        return Err(Failure::at(
            ledger,
            Code::InputChanged,
            says::folder_changed(r.run.period, &r.run.ledger_sha256),
        ));
    }
    for (stored, computed, given) in [
        (
            archive::ledger_name(ext),
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
            return Err(Failure::Error(Diagnostic::at_path(
                given,
                Code::InputChanged,
                says::file_changed(r.run.period, computed),
            )));
        }
    }
    Ok(())
}

/// Take the archive's write lock, saying so when it has to wait.
fn take_lock(arch: &Archive, root: &Path, wait: u64) -> Result<archive::WriteLock, Failure> {
    arch.lock(std::time::Duration::from_secs(wait), &mut || {
        eprintln!(
            "{}",
            text::archive_busy(text::console(), root.display(), wait)
        )
    })
    .map_err(Failure::Error)
}

/// Under the lock: the month still opens from what it was computed from
/// (another close may have finished meanwhile). Returns the month before.
fn recheck_opening(
    arch: &Archive,
    root: &Path,
    p: Period,
    r: &PayrollRun,
    again: Msg,
) -> Result<Option<Period>, Failure> {
    let prev = arch.predecessor(p).map_err(Failure::Error)?;
    let opening = match prev {
        None => opening::ledger_opening(&r.ledger),
        Some(prev) => opening::state_opening(
            prev,
            &arch.read(prev, archive::STATE).map_err(Failure::Error)?,
        ),
    };
    if opening != r.run.opening {
        return Err(Failure::Error(Diagnostic::at_path(
            root,
            Code::ArchiveChanged,
            says::each(|l| {
                says::opening_changed(
                    p,
                    // As the records keep it in English; in Chinese in words.
                    text::run_opening(&r.run.opening, l),
                    text::run_opening(&opening, l),
                    again.get(l),
                )
            }),
        )));
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
    let log = signoff::read_log(arch, p).map_err(Failure::Error)?;
    let at = diag::Location::File {
        file: signoff::log_path(arch, p).display().to_string(),
    };
    let refuse = |message: Msg| {
        let mut d = diag::Diagnostics::new();
        d.error(at.clone(), Code::NotApproved, message);
        Failure::Invalid(d)
    };
    let Some(draft) = log.current_draft() else {
        let steps: Vec<String> = wf.steps[..=wf.approval]
            .iter()
            .map(|s| s.name.clone())
            .collect();
        return Err(refuse(says::each(|l| {
            says::no_draft_to_close(p, root.display(), says::list(&steps, l))
        })));
    };
    let rec = signoff::read_draft(arch, p, &draft.draft).map_err(Failure::Error)?;
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
fn same_as_draft(r: &PayrollRun, rec: &signoff::DraftRecord, draft: &str) -> Result<(), Msg> {
    let p = r.run.period;
    for (what, given, drafted) in [
        (
            says::input_ledger(),
            &r.run.ledger_sha256,
            &rec.ledger.sha256,
        ),
        (says::input_policy(), &r.policy.sha256, &rec.policy.sha256),
        (says::input_opening(), &r.run.opening, &rec.opening),
    ] {
        if given != drafted {
            return Err(says::around(&what, |what| {
                says::not_the_signed(what, draft, given, drafted)
            }));
        }
    }
    let st = state::State::closing(&r.policy, p, &r.payroll).to_bytes();
    // The JSON in the draft's language, as it was drafted.
    let l = lang_id(&rec.lang);
    for (name, bytes) in [
        (format!("pay-{p}.json"), json_bytes(r, l)),
        (archive::STATE.to_string(), st),
    ] {
        let sha = archive::sha256_hex(&bytes);
        if !rec.files.iter().any(|e| e.name == name && e.sha256 == sha) {
            return Err(says::output_differs(&name, draft));
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
                    Some((s, by)) => {
                        says::voided(&s.name, &s.date, &s.draft, &by.draft, &by.ledger)
                    }
                    None => Msg::verbatim(""),
                };
                missing.error(
                    at.clone(),
                    Code::NotApproved,
                    says::around(&void, |void| {
                        says::no_valid_signoff(p, &step.name, &step.office, draft, void)
                    }),
                );
            }
        }
    }
    if missing.has_errors() {
        return Err(Failure::Invalid(missing));
    }
    Ok(signoffs)
}

fn signoff_lines(
    a: &Option<archive::Approval>,
    policy: &crate::policy::Policy,
) -> Vec<report::pay::SignoffLine> {
    let mut lines: Vec<report::pay::SignoffLine> = a
        .iter()
        .flat_map(|a| &a.signoffs)
        .map(|s| report::pay::SignoffLine {
            title: s.title.clone(),
            office: s.office.clone(),
            name: s.name.clone(),
            date: s.date.clone(),
            note: s.note.clone(),
        })
        .collect();
    // The steps the policy's chain has after the close (Policy A art. 28:
    // 下拨) are signed on the printed register: their lines, blank.
    if a.is_some()
        && let Some(wf) = &policy.workflow
    {
        lines.extend(
            wf.steps
                .iter()
                .skip(wf.approval + 1)
                .map(|st| report::pay::SignoffLine {
                    title: st.name.clone(),
                    office: st.office.clone(),
                    name: String::new(),
                    date: String::new(),
                    note: None,
                }),
        );
    }
    lines
}

/// The files of a closed period, built in memory.
fn period_files(
    r: &PayrollRun,
    l: report::Lang,
    ledger_files: Vec<(String, Vec<u8>)>,
    ledger_ext: &str,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    debug_assert!(
        ledger_files
            .iter()
            .all(|(n, _)| n.starts_with(&archive::ledger_name(ledger_ext)))
    );
    let p = r.run.period;
    let xlsx_name = crate::pay_workbook_name(p);
    let policy_bytes =
        std::fs::read(&r.policy_path).map_err(|e| cannot_read(&r.policy_path, &e))?;
    let workbook = crate::pay_workbook(r, l, Path::new(&xlsx_name)).map_err(Failure::Error)?;
    let st = state::State::closing(&r.policy, p, &r.payroll);
    let mut files = ledger_files;
    if let Some(name) = &r.run.client_file {
        let mut bytes = Vec::new();
        write::client_detail::write_client_detail(&r.policy, &r.payroll, &r.ledger, l, &mut bytes)
            .map_err(|e| Failure::at(name, Code::Io, write::os_reason(&e)))?;
        files.push((name.clone(), bytes));
    }
    files.extend([
        (archive::POLICY.to_string(), policy_bytes),
        (xlsx_name, workbook),
        (format!("pay-{p}.json"), json_bytes(r, l)),
        (archive::STATE.to_string(), st.to_bytes()),
    ]);
    // A ledger folder's month keeps no figures: its cells are named by its
    // files' forms, which the figures do not record, so a review reads the
    // folder itself.
    if r.ledger.folder.is_empty() {
        // What a review reads of the month, read as the month was.
        let figures = archive::figures::FiguresV1::of(
            &r.ledger,
            &crate::pipeline::inputs::read_options(&r.policy, Some(p)),
        );
        files.push((archive::FIGURES.to_string(), figures.to_bytes()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// A private copy of a ledger (a workbook, or a ledger folder's CSV and
/// Parquet files), taken once by a command that archives it: the month
/// is computed from the copy, its SHA-256 taken of it and the archive
/// stores its bytes, so what is archived is what was computed even when
/// the ledger changes meanwhile. (Read where it lay, a folder's
/// `managers.csv` rewritten while its big deposits file was being hashed
/// was archived, under a manifest hashing it, beside figures computed
/// from the file it replaced.) A copy that cannot be made is an error
/// (`error[io]` naming the ledger, the temporary folder and the OS's
/// reason; nothing is written), never a reading in place.
///
/// The copy is a folder `.rmpay-ledger-XXXXXX` in the temporary folder
/// (`TMPDIR`), readable by this user only (a ledger holds salary cards),
/// removed when the copy is dropped. A run killed meanwhile cannot remove
/// it: while it lives, its process holds an OS lock on the folder (which
/// the OS drops when the process dies, however it dies), and every copy
/// first removes the folders of that name nobody holds (unix; elsewhere a
/// killed run's copy stays until the temporary folder is emptied).
pub(crate) struct LedgerCopy {
    // Dropped in this order: the folder removed, then its lock released.
    _dir: tempfile::TempDir,
    _held: Option<std::fs::File>,
    path: PathBuf,
}

/// The name of a ledger copy's folder in the temporary folder begins so.
pub(crate) const LEDGER_COPY_PREFIX: &str = ".rmpay-ledger-";

impl LedgerCopy {
    pub(crate) fn take(ledger: &Path) -> Result<LedgerCopy, Failure> {
        let display = ledger.display().to_string();
        // A ledger that cannot be read at all is said as the month's own
        // reading says it (missing, a FIFO, permission denied: exit 2).
        inputs::readable_ledger(ledger, &display)?;
        let tmp = std::env::temp_dir();
        remove_stale_copies(&tmp);
        let failed = |e: std::io::Error| {
            Failure::at(
                &display,
                Code::Io,
                text::run::nest(&write::os_reason(&e), |r| {
                    text::run::cannot_copy_ledger(tmp.display(), r)
                }),
            )
        };
        let (dir, held) = private_folder(&tmp).map_err(failed)?;
        let name = ledger
            .file_name()
            .unwrap_or_else(|| std::ffi::OsStr::new("ledger"));
        let path = dir.path().join(name);
        if ledger.is_dir() {
            let names = crate::ledger::folder::ledger_files(ledger).map_err(failed)?;
            std::fs::create_dir(&path).map_err(failed)?;
            for name in names {
                std::fs::copy(ledger.join(&name), path.join(&name)).map_err(failed)?;
            }
        } else {
            std::fs::copy(ledger, &path).map_err(failed)?;
        }
        Ok(LedgerCopy {
            _dir: dir,
            _held: held,
            path,
        })
    }

    /// `job` reads the copy, named as the ledger given (`ledger`).
    pub(crate) fn read_by(copy: &Option<LedgerCopy>, job: &mut Job, ledger: &Path) {
        if let Some(c) = copy {
            job.ledger = c.path.clone();
            job.ledger_display = Some(ledger.display().to_string());
        }
    }

    /// The path the month was read from.
    pub(crate) fn path<'a>(copy: &'a Option<LedgerCopy>, ledger: &'a Path) -> &'a Path {
        copy.as_ref().map_or(ledger, |c| &c.path)
    }
}

/// A new folder for a ledger copy in `tmp`, this user's only, with the
/// OS lock on it held (unix): taken once the folder exists, and the
/// folder checked to be still there after, since another run's
/// [`remove_stale_copies`] may have locked and removed it in between.
fn private_folder(tmp: &Path) -> std::io::Result<(tempfile::TempDir, Option<std::fs::File>)> {
    let mut b = tempfile::Builder::new();
    b.prefix(LEDGER_COPY_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(unix)]
    for _ in 0..64 {
        let dir = b.tempdir_in(tmp)?;
        let held = match std::fs::File::open(dir.path()) {
            Ok(f) => f,
            // Removed before it could be locked: another.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        held.lock()?;
        if write::still_names(dir.path(), &held) {
            return Ok((dir, Some(held)));
        }
    }
    #[cfg(unix)]
    return Err(std::io::Error::other(
        "the temporary folder's entries keep disappearing",
    ));
    #[cfg(not(unix))]
    Ok((b.tempdir_in(tmp)?, None))
}

/// Remove the ledger copies in `tmp` that no living run holds: those of
/// runs killed before they could remove their own (see [`LedgerCopy`]).
/// Another user's copies, and anything that cannot be removed, are left
/// as they are.
fn remove_stale_copies(tmp: &Path) {
    write::remove_unheld(tmp, |name, kind| {
        kind.is_dir() && name.starts_with(LEDGER_COPY_PREFIX)
    });
}

/// The files of a ledger as the archive stores them (a workbook, or a
/// ledger folder's files).
fn read_ledger_files(path: &Path, ext: &str) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    archive::ledger_files(path, ext).map_err(|e| cannot_read(path, &e))
}

/// A file or folder that cannot be read, with the OS's reason.
fn cannot_read(path: &Path, e: &std::io::Error) -> Failure {
    let why = text::run::nest(&write::os_reason(e), |r| text::run::cannot_read(r));
    Failure::at(path, Code::Io, why)
}

/// The extension of a ledger workbook; empty for a ledger folder.
fn ledger_ext(path: &Path) -> String {
    if path.is_dir() {
        return String::new();
    }
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_else(|| "xlsx".into())
}

fn close(a: &cli::CloseArgs) -> Result<(), Failure> {
    let carry = Carry::Archive {
        root: a.archive.clone(),
        closing: true,
    };
    let mut job = month_job(&a.policy, &a.ledger, a.period.as_deref(), carry)?;
    job.client_detail = client_detail(a.client_detail);
    let copy = Some(LedgerCopy::take(&a.ledger)?);
    LedgerCopy::read_by(&copy, &mut job, &a.ledger);
    let mut r = compute_with_progress(&job, a.quiet)?;
    payout::payout_warnings(&r, &a.ledger);
    let p = r.run.period;
    let arch = Archive::new(&a.archive);
    // Where the policy has a workflow, the month closes only as the draft
    // that was signed. Checked before the lock (a refused close writes
    // nothing, not even the lock file) and again under it.
    let approved = match &r.policy.workflow {
        None => None,
        Some(wf) => Some(approval(&arch, &a.archive, &r, wf)?),
    };
    r.run.signoffs = signoff_lines(&approved, &r.policy);
    // Everything is built before the archive is locked, so the lock is
    // held only to look at the archive again and write.
    let ext = ledger_ext(&a.ledger);
    let ledger_bytes = read_ledger_files(LedgerCopy::path(&copy, &a.ledger), &ext)?;
    let l = text::output();
    let files = period_files(&r, l, ledger_bytes, &ext)?;
    let file_list = file_entries(&files);
    check_inputs(&r, &file_list, &ext, &a.ledger)?;
    // From here to the rename, this process alone writes to the archive.
    // The month was computed without the lock, so what it opened from (and
    // what was signed) is checked again now: another rmpay may have closed
    // a month, or recorded a draft or a sign-off, meanwhile.
    let lock = take_lock(&arch, &a.archive, a.wait)?;
    let prev = recheck_opening(&arch, &a.archive, p, &r, says::close_again())?;
    same_approval(&arch, &a.archive, &r, &approved)?;
    let previous = link(&arch, prev)?;
    let (policy_src, ledger_src) = sources(&r, &ext);
    let manifest = Manifest {
        format: archive::FORMAT.to_string(),
        period: p.to_string(),
        tool_version: r.run.tool_version.clone(),
        lang: l.id().to_string(),
        policy: policy_src,
        ledger: ledger_src,
        build: Some(archive::Build::current()),
        previous,
        restated: None,
        approval: approved,
        files: file_list,
    };
    let mut all = files;
    all.push((archive::MANIFEST.to_string(), manifest.to_bytes()));
    arch.commit(&lock, p, &all).map_err(Failure::Error)?;
    drop(lock);
    closed_message(a, &r, &arch, &manifest);
    // As `payroll`: the month is freed off the command's path.
    std::thread::spawn(move || drop(r));
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
        return Err(Failure::Error(Diagnostic::at_path(
            signoff::log_path(arch, p),
            Code::ArchiveChanged,
            says::signoffs_changed(p),
        )));
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
                &arch.read(prev, archive::MANIFEST).map_err(Failure::Error)?,
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
    let c = text::console();
    eprintln!(
        "{}",
        text::closed_in(
            c,
            p,
            arch.dir(p).display(),
            &r.policy.id,
            &r.policy.version,
            &head
        )
    );
    for s in manifest.approval.iter().flat_map(|x| &x.signoffs) {
        eprintln!(
            "{}",
            text::signoff_line(c, &s.title, &s.office, &s.name, &s.date)
        );
    }
    // The head goes to stdout: it is what the approver writes down.
    println!("{}", text::closed_head(c, p, &head));
    eprintln!("{}", text::write_head(c, a.archive.display(), &head));
    if let Some(wf) = &r.policy.workflow {
        for st in &wf.steps[wf.approval + 1..] {
            eprintln!(
                "{}",
                text::still_to_sign_after(c, text::step_office(c, &st.name, &st.office))
            );
        }
    }
}

/// `rmpay sign`: one step of a month's workflow, for the month's draft (or,
/// for a step after the approval, for the draft the month was closed on).
fn sign(a: &cli::SignArgs) -> Result<(), Failure> {
    let p: Period = period_arg(&a.period)?;
    let arch = Archive::new(&a.archive);
    let mut d = diag::Diagnostics::new();
    let (name, date, note) = signer(a, &mut d);
    something_to_sign(a, &arch, p, &mut d)?;
    let lock = take_lock(&arch, &a.archive, a.wait)?;
    // Under the lock, the archive as it is now.
    let closed = arch.periods().map_err(Failure::Error)?.contains(&p);
    let log = signoff::read_log(&arch, p).map_err(Failure::Error)?;
    let (draft, policy_path, manifest_sha) = signed_draft(&arch, p, closed, &log)?;
    let policy = policy::load_policy(&policy_path, &policy_path.display().to_string())
        .map_err(Failure::Invalid)?;
    let (wf, i) = workflow_step(a, &policy, &policy_path, &mut d)?;
    let step = &wf.steps[i];
    let at = diag::Location::File {
        file: signoff::log_path(&arch, p).display().to_string(),
    };
    let Some(draft) = draft else {
        d.error(at, Code::NotApproved, says::closed_unsigned(p));
        return Err(Failure::Invalid(d));
    };
    check_step(p, wf, i, closed, &log, &draft, &name, at.clone(), &mut d);
    if d.has_errors() {
        return Err(Failure::Invalid(d));
    }
    let date = date.unwrap_or_else(today);
    // A step is signed on or after the day the one before it was: a date
    // typed a month early would stand in the register for good.
    if let Some(before) = wf.steps[..i].iter().rev().find_map(|b| {
        log.valid(&draft, &b.id)
            .filter(|(_, s)| s.date > date)
            .map(|(seq, s)| (b, seq, s))
    }) {
        let (b, seq, s) = before;
        d.error(
            at,
            Code::OutOfOrder,
            says::dated_before(
                &date,
                &step.name,
                &step.office,
                &b.name,
                &b.office,
                &s.date,
                seq,
            ),
        );
        return Err(Failure::Invalid(d));
    }
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
    let head = append_signoff(&arch, &lock, p, &log, signed)?;
    drop(lock);
    signed_next(a, p, wf, i, closed, &draft, &head);
    Ok(())
}

/// Append a sign-off to month `p`'s log, under `lock`, and say so; the
/// log's new head.
fn append_signoff(
    arch: &Archive,
    lock: &archive::WriteLock,
    p: Period,
    log: &signoff::Log,
    signed: signoff::Signoff,
) -> Result<String, Failure> {
    let (entry, head) =
        signoff::append(arch, lock, p, log, signoff::Event::Signoff(signed.clone()))
            .map_err(Failure::Error)?;
    eprintln!(
        "{}",
        text::signed(
            text::console(),
            p,
            &signed.title,
            &signed.office,
            &signed.name,
            &signed.date,
            &signed.draft,
            entry.seq,
            signoff::log_path(arch, p).display()
        )
    );
    Ok(head)
}

/// Without --date, a sign-off is dated today, and says so.
fn today() -> String {
    let today = chrono::Local::now().date_naive().to_string();
    eprintln!("{}", text::signed_as_of_today(text::console(), &today));
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
            Code::EmptyName,
            text::run::empty_signer(),
        );
    }
    let date = match &a.date {
        Some(text) => match parse_date(text) {
            Some(date) => Some(date),
            None => {
                d.error(
                    diag::Location::None,
                    Code::BadDate,
                    text::run::bad_date_arg(text),
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
    let closed = a.archive.is_dir() && arch.periods().map_err(Failure::Error)?.contains(&p);
    let has_draft = a.archive.is_dir()
        && signoff::read_log(arch, p)
            .map_err(Failure::Error)?
            .current_draft()
            .is_some();
    if !closed && !has_draft {
        d.error(
            diag::Location::File {
                file: signoff::month_dir(arch, p).display().to_string(),
            },
            Code::NoDraft,
            says::no_draft_to_sign(p, a.archive.display()),
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
        let sha = archive::sha256_hex(
            &std::fs::read(dir.join(archive::MANIFEST)).map_err(|e| cannot_read(&dir, &e))?,
        );
        (
            m.approval.map(|x| x.draft_sha256),
            dir.join(&m.policy.stored_as),
            Some(sha),
        )
    } else {
        let Some(cur) = log.current_draft() else {
            return Err(Failure::at(
                signoff::month_dir(arch, p),
                Code::ArchiveChanged,
                says::draft_gone(p),
            ));
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
            Code::NoWorkflow,
            says::no_workflow(&policy.id),
        );
        return Err(Failure::Invalid(std::mem::take(d)));
    };
    let Some(i) = wf.find(&a.step) else {
        let hint = diag::did_you_mean(&a.step, wf.spellings());
        d.error(
            diag::Location::None,
            Code::UnknownStep,
            says::each(|l| {
                // Each step by its id (quoted in Chinese) and its name.
                let steps: Vec<String> = wf
                    .steps
                    .iter()
                    // Not words: only how each language quotes the id.
                    .map(|s| match l {
                        text::Lang::Zh => format!("`{}` {}", s.id, s.name),
                        text::Lang::En => format!("{} {}", s.id, s.name),
                    })
                    .collect();
                let hint = hint.map_or(String::new(), |w| {
                    text::run::did_you_mean(w).get(l).to_string()
                });
                says::unknown_step(&a.step, &policy.id, says::list(&steps, l), hint)
            }),
        );
        return Err(Failure::Invalid(std::mem::take(d)));
    };
    Ok((wf, i))
}

/// A step is signed in the workflow's order, once per draft: before the
/// close for an open month, after it for a closed one; and, unless the
/// policy sets `separate_signers = false`, by someone who signed no other
/// step of the draft.
#[allow(clippy::too_many_arguments)]
fn check_step(
    p: Period,
    wf: &policy::Workflow,
    i: usize,
    closed: bool,
    log: &signoff::Log,
    draft: &str,
    name: &str,
    at: diag::Location,
    d: &mut diag::Diagnostics,
) {
    let step = &wf.steps[i];
    if closed && i <= wf.approval {
        d.error(
            at.clone(),
            Code::AlreadyClosed,
            says::before_close(p, &step.name, &step.office),
        );
    } else if !closed && i > wf.approval {
        d.error(
            at.clone(),
            Code::NotClosed,
            says::after_close(p, &step.name, &step.office),
        );
    } else {
        for before in &wf.steps[..i] {
            if log.valid(draft, &before.id).is_none() {
                d.error(
                    at.clone(),
                    Code::OutOfOrder,
                    says::out_of_turn(
                        &step.name,
                        &step.office,
                        &before.name,
                        &before.office,
                        draft,
                    ),
                );
                break;
            }
        }
        if let Some((seq, s)) = log.valid(draft, &step.id) {
            d.error(
                at.clone(),
                Code::AlreadySigned,
                says::signed_once(&step.name, &step.office, draft, &s.name, &s.date, seq),
            );
        }
        if wf.separate_signers
            && !name.is_empty()
            && let Some((seq, s)) = log.held_by(draft, &step.id, name)
        {
            d.error(
                at.clone(),
                Code::SameSigner,
                says::same_signer(
                    &s.name,
                    &s.title,
                    &s.office,
                    draft,
                    &s.date,
                    seq,
                    &step.name,
                    &step.office,
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
    let c = text::console();
    if closed {
        println!("{}", text::signed_head(c, p, &step.name, head));
        eprintln!("{}", text::write_head(c, a.archive.display(), head));
    } else if i == wf.approval {
        eprintln!("{}", text::approved_close_draft(c, p, draft));
    } else {
        let next = &wf.steps[i + 1];
        eprintln!("{}", text::next_step(c, &next.name, &next.office));
    }
}

/// A sign-off date in any of the forms `cli::sign_date` reads, as ISO text.
fn parse_date(text: &str) -> Option<String> {
    crate::cli::sign_date(text)
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
            let prev = link.month(&dir.join(archive::MANIFEST))?;
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
        client_detail: archived_detail(&m),
    };
    let mut r = compute(&job, &mut |_, _| {})?;
    r.run.signoffs = signoff_lines(&m.approval, &r.policy);
    Ok((m, r))
}

/// Where a closed month's client rows went: to the client detail file if
/// its manifest lists one, else the workbook. A month is recomputed
/// (`rerun`, `explain`, `compare`, `restate`) as it was closed.
pub(crate) fn archived_detail(m: &Manifest) -> ClientDetail {
    let file = m
        .files
        .iter()
        .any(|f| f.name.starts_with("client-detail-") && f.name.ends_with(".csv"));
    if file {
        ClientDetail::File
    } else {
        ClientDetail::Workbook
    }
}

fn manifest_lang(m: &Manifest) -> report::Lang {
    lang_id(&m.lang)
}

/// The language a manifest or a draft records by its id (Chinese unless
/// `en`).
fn lang_id(id: &str) -> report::Lang {
    if id == "en" {
        report::Lang::En
    } else {
        report::Lang::Zh
    }
}

/// The archive and one of its closed periods, from the command line.
fn closed_period(root: &Path, period: &str) -> Result<(Archive, Period), Failure> {
    let p: Period = period_arg(period)?;
    let arch = Archive::new(root);
    if !arch.periods().map_err(Failure::Error)?.contains(&p) {
        return Err(Failure::at(
            arch.dir(p),
            Code::NotClosed,
            says::not_closed(p),
        ));
    }
    Ok((arch, p))
}

fn rerun(a: &cli::RerunArgs) -> Result<i32, Failure> {
    let (arch, p) = closed_period(&a.month.archive, &a.month.period)?;
    let version = rerun_version(a, &arch, p)?;
    let dir = arch.version_dir(p, version);
    let label = match version {
        1 => p.to_string(),
        v => text::period_version(text::console(), p, v),
    };
    // First whether what the month is recomputed from is what was closed:
    // a changed input explains every difference below it.
    let inputs_intact = inputs_as_archived(&arch, &dir, &label, &restate::read_manifest(&dir)?)?;
    let (m, r) = recompute_version(&arch, p, version)?;
    let mut fresh = recomputed_files(&arch, p, version, &m, &r)?;
    // The register (the pay workbook) first, then the JSON and the state.
    fresh.sort_by_key(|(name, _)| !name.ends_with(".xlsx"));
    let mut differences = 0usize;
    let mut told_builds = false;
    for (name, bytes) in &fresh {
        let in_ledger = name
            .strip_prefix(m.ledger.stored_as.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if in_ledger || name == archive::POLICY {
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
                println!(
                    "{}",
                    text::missing_from_archive(text::console(), path.display())
                );
                differences += 1;
                continue;
            }
        };
        if old == *bytes {
            continue;
        }
        differences += 1;
        if name.ends_with(".xlsx") {
            if print_cell_differences(&path, &old, bytes) && !told_builds {
                // Same cells, other bytes: which build closed the month
                // and which re-runs it.
                told_builds = true;
                let (closed, now) = (archive::build_said(&m), archive::Build::current().said());
                let c = text::console();
                let said = match m.build.as_ref() == Some(&archive::Build::current()) {
                    true => text::trust::closed_by_same_build(&label, now.get(c)),
                    false => text::trust::closed_by_other_build(&label, closed.get(c), now.get(c)),
                };
                println!("{}", said.get(c));
            }
        } else if name == archive::FIGURES {
            print_figure_differences(&path, &old, bytes);
        } else {
            print_line_differences(&path, &old, bytes);
        }
    }
    let c = text::console();
    if differences > 0 {
        println!("{}", text::files_differ(c, &label, differences));
        Ok(EXIT_INVALID)
    } else if !inputs_intact {
        println!("{}", text::identical_but_input_changed(c, &label));
        Ok(EXIT_INVALID)
    } else {
        println!("{}", text::identical(c, &label));
        Ok(EXIT_OK)
    }
}

/// The finding, as `verify` words it, when the manifest in `dir` (of
/// `linked`, a month and its version) does not hash to `sha`, the SHA-256
/// that `from` (a month and version) links to it by.
fn link_finding(
    dir: &Path,
    from: (Period, u32),
    linked: (Period, u32),
    sha: &str,
) -> Option<Diagnostic> {
    let path = dir.join(archive::MANIFEST);
    let got = std::fs::read(&path).ok().map(|b| archive::sha256_hex(&b));
    if got.as_deref() == Some(sha) {
        return None;
    }
    let ((p, v), (lp, lv)) = (from, linked);
    Some(Diagnostic::at_path(
        path,
        Code::Changed,
        match got {
            Some(got) => says::version_links(v, p, lp, lv, sha, got),
            None => says::version_links_missing(v, p, lp, lv, sha),
        },
    ))
}

/// Whether the inputs a closed version is recomputed from (its ledger and
/// policy, and the state of the month before it opens from) are still the
/// files its manifests list, held to them as `verify` holds every file
/// (`archive::check_entry`: there, SHA-256, size; and the manifest's
/// policy and ledger to its file list): one line saying so, or one per
/// problem. Returns whether all are intact.
fn inputs_as_archived(
    arch: &Archive,
    dir: &Path,
    label: &str,
    m: &Manifest,
) -> Result<bool, Failure> {
    let p: Period = m.period.parse().map_err(|e: String| {
        Failure::at(
            dir.join(archive::MANIFEST),
            Code::BadManifest,
            says::not_a_period(&m.period, e),
        )
    })?;
    let mut inputs = vec![dir.join(&m.ledger.stored_as), dir.join(&m.policy.stored_as)];
    let of = |stored_as: &str, name: &str| {
        name == stored_as
            || name
                .strip_prefix(stored_as)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let mut findings: Vec<Diagnostic> = m
        .files
        .iter()
        .filter(|e| of(&m.ledger.stored_as, &e.name) || of(&m.policy.stored_as, &e.name))
        .filter_map(|e| archive::check_entry(dir, e))
        .collect();
    findings.extend(archive::check_sources(dir, p, m));
    if let Some(link) = &m.previous {
        let prev: Period = link.period.parse().map_err(|e: String| {
            Failure::at(
                dir.join(archive::MANIFEST),
                Code::BadManifest,
                says::not_a_period(&link.period, e),
            )
        })?;
        let prev_dir = arch.version_dir(prev, link.version.unwrap_or(1));
        // The month before's manifest must be the one this month links to:
        // else its state.json, listed there, may be another state listed
        // consistently in an edited manifest.
        findings.extend(link_finding(
            &prev_dir,
            (p, m.restated.as_ref().map_or(1, |r| r.version)),
            (prev, link.version.unwrap_or(1)),
            &link.manifest_sha256,
        ));
        let state = restate::read_manifest(&prev_dir)?
            .files
            .into_iter()
            .find(|f| f.name == archive::STATE);
        findings.extend(match state {
            Some(e) => archive::check_entry(&prev_dir, &e),
            None => Some(Diagnostic::at_path(
                prev_dir.join(archive::STATE),
                Code::Changed,
                says::not_listed(),
            )),
        });
        inputs.push(prev_dir.join(archive::STATE));
    }
    // This month's manifest must be the one the next month links to (as
    // `verify` holds it): a manifest edited consistently with its files
    // is caught by the link the chain holds to it.
    let version = m.restated.as_ref().map_or(1, |r| r.version);
    let next = p.next();
    for w in arch.versions(next) {
        let next_dir = arch.version_dir(next, w);
        let Ok(nm) = restate::read_manifest(&next_dir) else {
            continue;
        };
        if let Some(link) = nm
            .previous
            .as_ref()
            .filter(|l| l.period == p.to_string() && l.version.unwrap_or(1) == version)
        {
            findings.extend(link_finding(
                dir,
                (next, w),
                (p, version),
                &link.manifest_sha256,
            ));
        }
    }
    let intact = findings.is_empty();
    for d in findings {
        println!("{d}");
    }
    if intact {
        let names: Vec<String> = inputs
            .iter()
            .map(|path| {
                path.strip_prefix(&arch.root)
                    .unwrap_or(path)
                    .display()
                    .to_string()
            })
            .collect();
        println!(
            "{}",
            text::inputs_match(
                text::console(),
                label,
                names.join(text::list_sep(text::console()))
            )
        );
    }
    Ok(intact)
}

/// The version `--version` names (default: the version in force).
fn rerun_version(a: &cli::RerunArgs, arch: &Archive, p: Period) -> Result<u32, Failure> {
    Ok(match a.version {
        None => arch.in_force(p),
        Some(v) if arch.versions(p).contains(&v) => v,
        Some(v) => {
            return Err(Failure::Error(Diagnostic::at_path(
                arch.version_dir(p, v),
                Code::NoVersion,
                says::each(|l| {
                    let versions: Vec<String> =
                        arch.versions(p).iter().map(|v| v.to_string()).collect();
                    says::no_version(p, v, says::list(&versions, l))
                }),
            )));
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
    let ext = restate::stored_ext(m);
    let ledger_bytes = archive::ledger_files(&dir.join(&m.ledger.stored_as), &ext)
        .map_err(|e| cannot_read(&dir.join(&m.ledger.stored_as), &e))?;
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

/// How two workbooks differ, cell by cell (the first 200 cells); whether
/// their cells are the same (the bytes differing otherwise).
fn print_cell_differences(path: &Path, old: &[u8], bytes: &[u8]) -> bool {
    let c = text::console();
    match ledger::dump::diff_xlsx(old, bytes) {
        Ok(d) if !d.is_empty() => {
            for (sheet, cell, was, now) in d.iter().take(200) {
                println!(
                    "{}",
                    text::cell_differs(
                        c,
                        format_args!("{} [{sheet}]!{cell}", path.display()),
                        was,
                        now
                    )
                );
            }
            if d.len() > 200 {
                println!("{}", text::more_cells(c, path.display(), d.len() - 200));
            }
        }
        Ok(_) => {
            println!("{}", text::same_cells(c, path.display()));
            return true;
        }
        Err(e) => println!("{}", text::cannot_read_archived(c, path.display(), e)),
    }
    false
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
        println!("{}", says::same_figures(path.display()));
    }
    for (figure, was, now) in d.iter().take(200) {
        println!("{}", says::figure_differs(path.display(), figure, was, now));
    }
    if d.len() > 200 {
        println!("{}", says::more_figures(path.display(), d.len() - 200));
    }
}

/// How two text files differ, line by line (the first 50 lines).
fn print_line_differences(path: &Path, old: &[u8], bytes: &[u8]) {
    let (o, n) = (String::from_utf8_lossy(old), String::from_utf8_lossy(bytes));
    let mut shown = 0;
    for (i, (x, y)) in o.lines().zip(n.lines()).enumerate() {
        if x != y && shown < 50 {
            println!(
                "{}",
                text::cell_differs(
                    text::console(),
                    format_args!("{}:{}", path.display(), i + 1),
                    x.trim(),
                    y.trim()
                )
            );
            shown += 1;
        }
    }
    if o.lines().count() != n.lines().count() {
        println!(
            "{}",
            text::lines_differ(
                text::console(),
                path.display(),
                o.lines().count(),
                n.lines().count()
            )
        );
    }
}

fn verify(a: &cli::VerifyArgs) -> Result<i32, Failure> {
    let arch = Archive::new(&a.archive);
    if !a.archive.is_dir() {
        return Err(Failure::at(&a.archive, Code::Io, says::no_such_archive()));
    }
    let periods = arch.periods().map_err(Failure::Error)?;
    let (mut findings, head) = archive::verify(&arch).map_err(Failure::Error)?;
    let versions = archive::verify_versions(&arch, &mut findings).map_err(Failure::Error)?;
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
        println!(
            "{}",
            text::problems(text::console(), a.archive.display(), findings.len())
        );
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
    findings: &mut Vec<Diagnostic>,
) -> Option<Msg> {
    let newest = periods.last().copied();
    if let Some(given) = &a.head {
        let given = given.trim().to_lowercase();
        if head == Some(given.as_str()) {
            return Some(says::matched_newest(
                newest.map(|p| p.to_string()).unwrap_or_default(),
            ));
        } else if let Some((p, _)) = log_heads.iter().find(|(_, h)| *h == given) {
            return Some(says::matched_signoff(p));
        } else {
            let path = match newest {
                Some(n) => arch.dir(n).join(archive::MANIFEST),
                None => a.archive.clone(),
            };
            findings.push(Diagnostic::at_path(
                path,
                Code::HeadMismatch,
                says::each(|l| {
                    let logs: String = log_heads
                        .iter()
                        .map(|(p, h)| says::log_head(p, h).get(l).to_string())
                        .collect();
                    let head = head.map_or(says::no_head().get(l).to_string(), String::from);
                    says::head_mismatch(head, logs, &given)
                }),
            ));
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
    matched: Option<Msg>,
) {
    let c = text::console();
    let at = a.archive.display();
    match (periods.first(), periods.last(), head) {
        (Some(first), Some(last), Some(h)) => {
            println!(
                "{}",
                text::chain_intact(c, &at, periods.len(), first, last, h)
            );
            for (p, all, in_force) in versions {
                println!(
                    "{}",
                    text::versions_in_force(
                        c,
                        &at,
                        p,
                        all.iter()
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join(text::list_sep(c)),
                        in_force,
                        arch.version_dir(*p, *in_force).display()
                    )
                );
            }
            for (p, h) in log_heads {
                println!("{}", text::signed_after_close(c, &at, p, h));
            }
            if let Some(m) = &matched {
                println!("{}", text::head_matches(c, &at, m));
            }
        }
        _ => println!("{}", text::empty_archive(c, &at)),
    }
}

fn explain(a: &cli::ExplainArgs) -> Result<(), Failure> {
    let m = &a.month;
    let period = parse_period(m.period.as_deref())?;
    let r = match (&m.archive, period, &m.policy, &m.rules, &m.ledger) {
        (Some(root), Some(p), None, None, None) => {
            // A draft or an unknown month is `not-closed`, as `statement`
            // and `rerun` say it, not a manifest that cannot be read.
            let (arch, p) = closed_period(root, &p.to_string())?;
            recompute(&arch, p)?.1
        }
        (_, _, _, _, Some(l)) if m.policy.is_some() || m.rules.is_some() => {
            let job = ledger_job(m, l, period)?;
            compute(&job, &mut |_, _| {})?
        }
        _ => {
            return Err(Failure::usage(text::run::explain_needs()));
        }
    };
    if let Some(off) = r.payroll.off_roster.iter().find(|x| x.rm_id == a.rm) {
        print!(
            "{}",
            report::explain::explain_off_roster(&r.policy, &r.run, off, text::console())
        );
        return Ok(());
    }
    // An RM id the month does not have is the input's mistake, as in
    // `statement --rm`: exit 1, at the managers sheet.
    let Some(res) = r.payroll.results.iter().find(|x| x.rm.rm_id == a.rm) else {
        let ids = rm_ids(&r);
        let mut diags = diag::Diagnostics::new();
        diags.error(
            managers_sheet(&r),
            Code::UnknownRm,
            diag::suggest(
                text::run::rm_flag_no_rm(&a.rm, r.run.period),
                &a.rm,
                ids.iter().copied(),
            ),
        );
        return Err(Failure::Invalid(diags));
    };
    print!(
        "{}",
        report::explain::explain_text(&r.policy, &r.run, res, text::console())
    );
    Ok(())
}

fn unreachable_source() -> Result<PolicySource, Failure> {
    Err(Failure::usage(text::run::give_policy_or_rules()))
}

/// The month of a ledger given on the command line (`explain`,
/// `statement`): the policy file or the version in force from `--rules`,
/// opened from the archive's last closed month when `--archive` is given,
/// else from the ledger's own risk-deposit sheet.
fn ledger_job(m: &cli::MonthArgs, ledger: &Path, period: Option<Period>) -> Result<Job, Failure> {
    let source = match (&m.policy, &m.rules) {
        (Some(p), _) => PolicySource::File(p.clone()),
        (None, Some(d)) => PolicySource::Rules {
            dir: d.clone(),
            bank: m.bank.clone(),
        },
        (None, None) => unreachable_source()?,
    };
    Ok(Job {
        policy: source,
        policy_display: None,
        ledger: ledger.to_path_buf(),
        ledger_display: None,
        period,
        carry: match &m.archive {
            Some(root) => Carry::Archive {
                root: root.clone(),
                closing: false,
            },
            None => Carry::Ledger,
        },
        client_detail: ClientDetail::Auto,
    })
}

fn compare(a: &cli::CompareArgs) -> Result<(), Failure> {
    let (arch, p) = closed_period(&a.month.archive, &a.month.period)?;
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
                let prev = link.month(&arch.dir(p).join(archive::MANIFEST))?;
                Carry::State {
                    period: prev,
                    state: arch.state(prev).map_err(Failure::Error)?,
                }
            }
        },
        client_detail: archived_detail(&m),
    };
    let proposed = compute(&job, &mut |_, _| {})?;
    let l = text::output();
    let out = a.out.join(format!("compare-{p}.xlsx"));
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(Failure::Error)?;
    let (was, now) = (compare_side(&base), compare_side(&proposed));
    let head = report::compare::head(&was, &now, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(Failure::Error)?;
    let totals = report::compare::compare_book(&was, &now, l, &mut sink);
    outputs.add_workbook(sink).map_err(Failure::Error)?;
    outputs.commit().map_err(Failure::Error)?;
    let money = |d| report::pay::amount_text(d, base.policy.settings.money.scale);
    let c = text::console();
    eprintln!(
        "{}",
        text::compare_summary(
            c,
            p,
            &proposed.policy.id,
            &proposed.policy.version,
            &base.policy.id,
            &base.policy.version,
            money(totals.0),
            money(totals.1),
            format!(
                "{}{}",
                if totals.1 >= totals.0 { "+" } else { "" },
                money(totals.1 - totals.0)
            ),
            money(totals.2),
            money(totals.3)
        )
    );
    eprintln!("{}", text::wrote_unchanged(c, out.display()));
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
    let policy = load_policy_source(&policy_source(&a.policy), period)?;
    let failed = crate::engine::examples::run_examples(&policy, &policy.file);
    if failed.has_errors() {
        return Err(Failure::Invalid(failed));
    }
    println!(
        "{}",
        text::policy_valid(
            text::console(),
            &policy.file,
            &policy.id,
            &policy.version,
            policy.tiers.len(),
            policy.pay.lines.len(),
            policy.examples.len()
        )
    );
    let Some(lp) = &a.ledger else { return Ok(()) };
    inputs::readable_ledger(lp, &lp.display().to_string())?;
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
    // What `payroll` and `close` warn of too (src/pipeline/inputs.rs).
    if period.is_none()
        && let Some(w) = inputs::named_for_another_month(&ledger, &ld)
    {
        diags.push(w);
    }
    if let Some(w) = inputs::amounts_look_like_wan(&ledger, &policy) {
        diags.push(w);
    }
    // Warnings and notes on stderr, as every command prints them; the
    // verdicts on stdout.
    for l in diags.render() {
        eprintln!("{l}");
    }
    for u in &ledger.unknown_columns {
        eprintln!(
            "{}",
            text::column_ignored(
                text::console(),
                ledger.location(ledger::Src {
                    sheet: u.sheet,
                    row: u.row,
                    col: u.col
                }),
                &u.header
            )
        );
    }
    println!(
        "{}",
        text::ledger_valid(
            text::console(),
            &ld,
            ledger.period,
            ledger.managers.len(),
            ledger.clients.len()
        )
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
    let book = report::template::template_book(policy.as_ref(), text::output());
    let bytes = write::template::template_bytes(&book, &a.out).map_err(Failure::Error)?;
    let mut outputs = write::OutputSet::new();
    outputs.add(&a.out, &bytes).map_err(Failure::Error)?;
    outputs.commit().map_err(Failure::Error)?;
    eprintln!("{}", text::wrote(text::console(), a.out.display()));
    Ok(())
}

/// `rmpay statement`: one file per RM, all written or none.
fn statement(a: &cli::StatementArgs) -> Result<(), Failure> {
    let period = parse_period(a.month.period.as_deref())?;
    let (r, draft, archived, restated) = statement_month(a, period)?;
    let chosen = statement_rms(a, &r)?;
    if let Some(path) = &archived {
        same_as_closed(path, &r, &chosen)?;
    }
    // A restated month's RMs whose pay the correction changed: the others'
    // statements say nothing is paid or recovered.
    let changed = match (&archived, &restated) {
        (Some(path), Some(x)) => Some(pay_changed(path, x)),
        _ => None,
    };
    let restated = restated.as_ref().map(|x| (x, changed.unwrap_or_default()));
    let files = statement_files(a, &r, &chosen, draft, restated.as_ref())?;
    let mut outputs = write::OutputSet::new();
    outputs.create_dir(&a.out).map_err(Failure::Error)?;
    for (path, bytes) in &files {
        outputs.add(path, bytes).map_err(Failure::Error)?;
    }
    outputs.commit().map_err(Failure::Error)?;
    let c = text::console();
    eprintln!(
        "{}",
        text::statements_written(
            c,
            r.run.period,
            files.len(),
            if draft { text::statements_draft(c) } else { "" },
            a.out.display()
        )
    );
    Ok(())
}

/// The month the statements are of: a closed one recomputed from the
/// archive (with its pay JSON to compare with), or a draft computed from a
/// policy and a ledger. Returns (the month, draft, the closed pay JSON,
/// what the version in force restates when it is a restatement).
fn statement_month(
    a: &cli::StatementArgs,
    period: Option<Period>,
) -> Result<(PayrollRun, bool, Option<PathBuf>, Option<archive::Restated>), Failure> {
    let m = &a.month;
    Ok(match (&m.archive, period, &m.policy, &m.rules, &m.ledger) {
        (Some(root), Some(_), None, None, None) => {
            let (arch, p) = closed_period(root, m.period.as_deref().unwrap_or_default())?;
            let (_, r) = recompute(&arch, p)?;
            let json = arch.dir(p).join(format!("pay-{p}.json"));
            let restated = arch.manifest(p).map_err(Failure::Error)?.restated;
            (r, false, Some(json), restated)
        }
        (_, _, _, _, Some(l)) if m.policy.is_some() || m.rules.is_some() => {
            let job = ledger_job(m, l, period)?;
            (compute_with_progress(&job, true)?, true, None, None)
        }
        _ => {
            return Err(Failure::usage(text::run::statement_needs()));
        }
    })
}

/// The RMs asked for (all without --rm), each known; every unknown one is
/// reported.
/// The month's RM ids, in the register's order.
/// The month's managers sheet, where an RM id the month lacks is reported.
fn managers_sheet(r: &PayrollRun) -> diag::Location {
    diag::Location::Sheet {
        file: r.ledger.file.clone(),
        sheet: r.ledger.sheet_name(ledger::SheetKind::Managers).to_string(),
    }
}

fn rm_ids(r: &PayrollRun) -> Vec<&str> {
    r.payroll
        .results
        .iter()
        .map(|x| x.rm.rm_id.as_str())
        .collect()
}

fn statement_rms<'r>(
    a: &cli::StatementArgs,
    r: &'r PayrollRun,
) -> Result<Vec<&'r crate::engine::pay::RmResult>, Failure> {
    let ids = rm_ids(r);
    let mut diags = diag::Diagnostics::new();
    for id in &a.rms {
        if !ids.contains(&id.as_str()) {
            diags.error(
                managers_sheet(r),
                Code::UnknownRm,
                diag::suggest(
                    text::run::rm_flag_no_rm(id, r.run.period),
                    id,
                    ids.iter().copied(),
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
    let fresh: serde_json::Value =
        serde_json::from_slice(&json_bytes(r, report::Lang::En)).unwrap_or_default();
    // The figures, not the words: the movements' reasons are in the
    // language the month was closed in (English in a month closed before
    // the JSON followed `--lang`).
    let find = |v: &serde_json::Value, id: &str| {
        let mut m = v["managers"]
            .as_array()
            .and_then(|ms| ms.iter().find(|m| m["rm_id"] == id).cloned())?;
        for mv in m["risk_account"]["movements"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if let Some(mv) = mv.as_object_mut() {
                mv.remove("reason");
            }
        }
        Some(m)
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
            return Err(Failure::Error(Diagnostic::at_path(
                path,
                Code::ArchiveDiffers,
                says::differs_from_register(&x.rm.rm_id, r.run.period),
            )));
        }
    }
    Ok(())
}

/// The RMs whose pay figures (`pay` of the pay JSON: every line, gross,
/// deduction, holdback, net, release and total paid) differ between the
/// restated version in force, archived at `path`, and the version it
/// replaces, the one the month was paid on: the RMs with adjustments.
fn pay_changed(path: &Path, x: &crate::archive::Restated) -> std::collections::BTreeSet<String> {
    let replaced = path.parent().and_then(|dir| {
        let name = dir.file_name()?.to_str()?;
        let month = name.split('.').next()?;
        let was = archive::version_name(month.parse().ok()?, x.replaces.version.unwrap_or(1));
        Some(dir.with_file_name(was).join(path.file_name()?))
    });
    let pays = |p: Option<&Path>| -> std::collections::BTreeMap<String, serde_json::Value> {
        let v: serde_json::Value = p
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        v["managers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m["rm_id"].as_str()?.to_string(), m["pay"].clone())))
            .collect()
    };
    let (now, before) = (pays(Some(path)), pays(replaced.as_deref()));
    now.into_iter()
        .filter(|(id, pay)| before.get(id) != Some(pay))
        .map(|(id, _)| id)
        .collect()
}

/// Each chosen RM's statement page, by path, before anything is written.
fn statement_files(
    a: &cli::StatementArgs,
    r: &PayrollRun,
    chosen: &[&crate::engine::pay::RmResult],
    draft: bool,
    restated: Option<&(
        &crate::archive::Restated,
        std::collections::BTreeSet<String>,
    )>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let l = text::output();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for x in chosen {
        let name = report::statement::file_name(r.run.period, &x.rm.rm_id);
        let path = a.out.join(&name);
        if files.iter().any(|(p, _)| *p == path) {
            let mut d = diag::Diagnostics::new();
            d.error(
                managers_sheet(r),
                Code::StatementNameClash,
                text::run::file_name_clash(&x.rm.rm_id, &name),
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
            restated.map(|(rs, changed)| (*rs, changed.contains(&x.rm.rm_id))),
            l,
        );
        let bytes = write::statement::page_bytes(&page, &path).map_err(Failure::Error)?;
        files.push((path, bytes));
    }
    Ok(files)
}
