//! The commands: validate arguments, run the pipeline, write or print.

use crate::archive::{self, Archive, FileEntry, Link, Manifest, SourceFile};
use crate::cli::{self, Command};
use crate::period::Period;
use crate::{
    Carry, EXIT_INVALID, EXIT_OK, EXIT_USAGE, Failure, Job, PayrollRun, PolicySource, compute,
    diag, ledger, metrics, policy, report, state, write,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub fn dispatch(c: &Command) -> Result<i32, Failure> {
    match c {
        Command::Payroll(a) => payroll(a).map(|_| EXIT_OK),
        Command::Close(a) => close(a).map(|_| EXIT_OK),
        Command::Rerun(a) => rerun(a),
        Command::Verify(a) => verify(a),
        Command::Explain(a) => explain(a).map(|_| EXIT_OK),
        Command::Compare(a) => compare(a).map(|_| EXIT_OK),
        Command::Statement(a) => statement(a).map(|_| EXIT_OK),
        Command::Check(a) => check(a).map(|_| EXIT_OK),
        Command::Review(a) => review(a).map(|_| EXIT_OK),
        Command::Template(a) => template(a).map(|_| EXIT_OK),
    }
}

/// Read one month's ledger for a review and resolve its RMs.
fn read_month(
    policy: &policy::Policy,
    period: Option<Period>,
    path: &Path,
    display: &str,
    diags: &mut diag::Diagnostics,
) -> Option<(ledger::Ledger, Vec<metrics::monthly::Rm>)> {
    let opts = ledger::ReadOptions {
        input_scale: policy.settings.input_scale,
        carry_forward_missing_days: policy.settings.carry_forward_missing_days,
        period,
    };
    let (l, d) = ledger::read_ledger(path, display, &opts, &mut |_, _| {});
    diags.extend(d);
    let l = l?;
    let rms = metrics::monthly::resolve_rms(&l, policy, diags);
    Some((l, rms))
}

/// The months a review covers.
fn review_months(year: i32, quarter: Option<u32>) -> Result<Vec<Period>, Failure> {
    let months: Vec<u32> = match quarter {
        Some(q) => ((q - 1) * 3 + 1..=q * 3).collect(),
        None => (1..=12).collect(),
    };
    months
        .into_iter()
        .map(|m| {
            Period::new(year, m)
                .ok_or_else(|| Failure::Usage(format!("error: --year: {year} is out of range")))
        })
        .collect()
}

fn review(a: &cli::ReviewArgs) -> Result<(), Failure> {
    let expected = review_months(a.year, a.quarter)?;
    let label = match a.quarter {
        Some(q) => format!("{}-Q{q}", a.year),
        None => a.year.to_string(),
    };
    let last = *expected
        .last()
        .ok_or_else(|| Failure::Usage("error: empty review period".into()))?;
    // The policy in force at the end of the review period.
    let policy = load_policy_source(&policy_source(&a.source, &a.bank), Some(last))?;
    // The months' ledgers: (period if known, path, display).
    let mut sources: Vec<(Option<Period>, PathBuf, String)> = Vec::new();
    if let Some(root) = &a.archive {
        let arch = Archive::new(root);
        for p in arch.periods().map_err(Failure::Archive)? {
            if expected.contains(&p) {
                let m = arch.manifest(p).map_err(Failure::Archive)?;
                sources.push((
                    Some(p),
                    arch.dir(p).join(&m.ledger.stored_as),
                    m.ledger.original.clone(),
                ));
            }
        }
    }
    for spec in &a.ledgers {
        let (period, file) = match spec.split_once('=') {
            Some((p, f)) if p.len() == 7 => (
                Some(
                    p.parse::<Period>()
                        .map_err(|e| Failure::Usage(format!("error: --ledgers {spec}: {e}")))?,
                ),
                f,
            ),
            _ => (None, spec.as_str()),
        };
        let path = PathBuf::from(file);
        if !path.exists() {
            return Err(Failure::Usage(format!("{file}: error[io]: no such file")));
        }
        sources.push((period, path, file.to_string()));
    }
    let mut diags = diag::Diagnostics::new();
    let mut months = Vec::new();
    let mut ledgers = Vec::new();
    for (period, path, display) in &sources {
        let Some((mut l, rms)) = read_month(&policy, *period, path, display, &mut diags) else {
            continue;
        };
        if !expected.contains(&l.period) {
            diags.error(
                diag::Location::File {
                    file: display.clone(),
                },
                "outside-review",
                format!(
                    "the ledger is for {}, outside the review period {label}",
                    l.period
                ),
            );
            continue;
        }
        if months
            .iter()
            .any(|m: &crate::metrics::annual::MonthData| m.ledger.period == l.period)
        {
            diags.error(
                diag::Location::File {
                    file: display.clone(),
                },
                "duplicate-month",
                format!("a second ledger for {}", l.period),
            );
            continue;
        }
        let sha = match crate::sha256_file(path) {
            Ok(s) => s,
            Err(m) => return Err(Failure::Usage(m)),
        };
        l.file = Path::new(display)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(display.clone());
        ledgers.push((l.period.to_string(), l.file.clone(), sha));
        let month = metrics::monthly::compute(&l, &policy, rms);
        months.push(crate::metrics::annual::MonthData { ledger: l, month });
    }
    // Last year's same months from the archive, for prior-year figures the
    // ledgers' baseline sheets do not give.
    let mut prior = Vec::new();
    if let Some(root) = &a.archive {
        let arch = Archive::new(root);
        let closed = arch.periods().map_err(Failure::Archive)?;
        for p in expected
            .iter()
            .filter_map(|p| Period::new(p.year - 1, p.month))
        {
            if !closed.contains(&p) {
                continue;
            }
            let m = arch.manifest(p).map_err(Failure::Archive)?;
            let path = arch.dir(p).join(&m.ledger.stored_as);
            if let Some((l, rms)) =
                read_month(&policy, Some(p), &path, &m.ledger.original, &mut diags)
            {
                let month = metrics::monthly::compute(&l, &policy, rms);
                prior.push(crate::metrics::annual::MonthData { ledger: l, month });
            }
        }
    }
    if diags.has_errors() {
        return Err(Failure::Invalid(diags));
    }
    months.sort_by_key(|m| m.ledger.period);
    ledgers.sort();
    let missing: Vec<Period> = expected
        .iter()
        .filter(|p| !months.iter().any(|m| m.ledger.period == **p))
        .copied()
        .collect();
    if !missing.is_empty() && !a.partial {
        let list: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
        let mut d = diag::Diagnostics::new();
        d.error(
            diag::Location::None,
            "missing-months",
            format!(
                "the review of {label} needs every month; missing: {} (give their ledgers, or --partial for a partial review)",
                list.join(", ")
            ),
        );
        return Err(Failure::Invalid(d));
    }
    if months.is_empty() {
        return Err(Failure::Usage(format!("error: no ledger for {label}")));
    }
    let demoted = match &a.previous_review {
        None => Vec::new(),
        Some(p) => {
            let bytes = std::fs::read(p)
                .map_err(|e| Failure::Usage(format!("{}: error[io]: {e}", p.display())))?;
            let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                Failure::Usage(format!(
                    "{}: error[bad-review]: not a review JSON: {e}",
                    p.display()
                ))
            })?;
            v["managers"]
                .as_array()
                .map(|ms| {
                    ms.iter()
                        .filter(|m| m["decision"] == "demote")
                        .filter_map(|m| m["rm_id"].as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        }
    };
    let figures =
        crate::metrics::annual::aggregate(&policy, &label, &expected, &months, &prior, &demoted);
    let end = figures.end;
    let result = crate::engine::review::review(&policy, figures);
    let info = report::review::ReviewInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        label: label.clone(),
        partial: !missing.is_empty(),
        ledgers,
        missing: missing.iter().map(|p| p.to_string()).collect(),
        end,
    };
    let l = lang(a.lang);
    let out = a.out.join(format!("review-{label}.xlsx"));
    let head = report::review::review_head(&policy, &info, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(usage)?;
    report::review::review_book(&policy, &result, &info, l, &mut sink);
    let bytes = sink.finish().map_err(usage)?;
    let json = a.json.as_ref().map(|p| {
        (
            p,
            write::json::review_bytes(&write::json::review_json(&policy, &result, &info)),
        )
    });
    write::atomic_write(&out, &bytes).map_err(usage)?;
    if let Some((p, j)) = json {
        write::atomic_write(p, &j).map_err(usage)?;
    }
    let count = |d| result.results.iter().filter(|r| r.decision == d).count();
    eprintln!(
        "rmpay: review {label}{}: {} RMs; promote {}, keep {}, demote {}, terminate {}",
        if info.partial { " (partial)" } else { "" },
        result.results.len(),
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
            EXIT_INVALID
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
    match source {
        PolicySource::File(p) => {
            let display = p.display().to_string();
            if !p.exists() {
                return Err(Failure::Usage(format!(
                    "{display}: error[io]: no such file"
                )));
            }
            policy::load_policy(p, &display).map_err(Failure::Invalid)
        }
        PolicySource::Rules { dir, bank } => {
            let Some(period) = period else {
                return Err(Failure::Usage(
                    "error: --rules needs --period YYYY-MM here".into(),
                ));
            };
            policy::select::select_policy(dir, bank.as_deref(), period).map_err(Failure::Invalid)
        }
    }
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
    let out = a.out.join(crate::pay_workbook_name(r.run.period));
    // Build every output first (the workbook into a temporary file beside
    // its place); rename into place only when all are ready.
    let l = lang(a.lang);
    let head = report::pay::pay_book_head(&r.policy, &r.run, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(usage)?;
    sink.write_sheets(report::pay::pay_sheets(&r.policy, &r.payroll, &r.run, l));
    let staged = sink.finish_staged().map_err(usage)?;
    let json = a.json.as_ref().map(|p| (p, json_bytes(&r)));
    staged.commit().map_err(usage)?;
    if let Some((p, j)) = json {
        write::atomic_write(p, &j).map_err(usage)?;
    }
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
    let mut files = vec![
        (format!("ledger.{ledger_ext}"), ledger_bytes),
        (archive::POLICY.to_string(), policy_bytes),
        (xlsx_name, workbook),
        (format!("pay-{p}.json"), json_bytes(r)),
        (archive::STATE.to_string(), st.to_bytes()),
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
    let r = compute_with_progress(&job, a.quiet)?;
    let p = r.run.period;
    let arch = Archive::new(&a.archive);
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
    let file_list: Vec<FileEntry> = files
        .iter()
        .map(|(n, b)| FileEntry {
            name: n.clone(),
            sha256: archive::sha256_hex(b),
            bytes: b.len() as u64,
        })
        .collect();
    // The copies archived are the files computed from (`verify` holds the
    // manifest's hashes to its file list): an input replaced meanwhile is
    // refused.
    for (stored, computed, given) in [
        (
            format!("ledger.{ext}"),
            &r.run.ledger_sha256,
            a.ledger.clone(),
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
                    "the file changed while {p} was being computed (SHA-256 {computed} when read); close again"
                ),
            }));
        }
    }
    // From here to the rename, this process alone writes to the archive.
    // The month was computed without the lock (a refused close writes
    // nothing, not even the lock file), so what it opened from is checked
    // again now: another close may have finished meanwhile.
    let lock = arch
        .lock(std::time::Duration::from_secs(a.wait), &mut || {
            eprintln!(
                "rmpay: {} is busy: another rmpay is writing to it; waiting up to {} s",
                a.archive.display(),
                a.wait
            )
        })
        .map_err(Failure::Archive)?;
    let prev = arch.predecessor(p).map_err(Failure::Archive)?;
    let opening = match prev {
        None => crate::LEDGER_OPENING.to_string(),
        Some(prev) => crate::state_opening(
            prev,
            &arch.read(prev, archive::STATE).map_err(Failure::Archive)?,
        ),
    };
    if opening != r.run.opening {
        return Err(Failure::Archive(archive::ArchiveError {
            path: a.archive.clone(),
            code: "archive-changed",
            message: format!(
                "the archive changed while {p} was being computed: it opened from `{}`, and would now open from `{opening}`; close again",
                r.run.opening
            ),
        }));
    }
    let previous = match prev {
        None => None,
        Some(prev) => Some(Link {
            period: prev.to_string(),
            manifest_sha256: archive::sha256_hex(
                &arch
                    .read(prev, archive::MANIFEST)
                    .map_err(Failure::Archive)?,
            ),
        }),
    };
    let manifest = Manifest {
        format: archive::FORMAT.to_string(),
        period: p.to_string(),
        tool_version: r.run.tool_version.clone(),
        lang: lang_id(l).to_string(),
        policy: SourceFile {
            original: r.policy.file.clone(),
            stored_as: archive::POLICY.to_string(),
            sha256: r.policy.sha256.clone(),
            id: Some(r.policy.id.clone()),
            version: Some(r.policy.version.clone()),
        },
        ledger: SourceFile {
            original: r.ledger.file.clone(),
            stored_as: format!("ledger.{ext}"),
            sha256: r.run.ledger_sha256.clone(),
            id: None,
            version: None,
        },
        previous,
        files: file_list,
    };
    let mut all = files;
    all.push((archive::MANIFEST.to_string(), manifest.to_bytes()));
    arch.commit(&lock, p, &all).map_err(Failure::Archive)?;
    drop(lock);
    summary(&r);
    eprintln!(
        "rmpay: closed {p} in {} (policy `{}` {}, manifest SHA-256 {})",
        arch.dir(p).display(),
        r.policy.id,
        r.policy.version,
        archive::sha256_hex(&manifest.to_bytes())
    );
    Ok(())
}

/// Recompute a closed period from the archive alone.
fn recompute(arch: &Archive, p: Period) -> Result<(Manifest, PayrollRun), Failure> {
    let m = arch.manifest(p).map_err(Failure::Archive)?;
    let carry = match &m.previous {
        None => Carry::Ledger,
        Some(link) => {
            let prev: Period = link.period.parse().map_err(|e: String| Failure::Usage(e))?;
            Carry::State {
                period: prev,
                state: arch.state(prev).map_err(Failure::Archive)?,
            }
        }
    };
    let dir = arch.dir(p);
    let job = Job {
        policy: PolicySource::File(dir.join(&m.policy.stored_as)),
        policy_display: Some(m.policy.original.clone()),
        ledger: dir.join(&m.ledger.stored_as),
        ledger_display: Some(m.ledger.original.clone()),
        period: Some(p),
        carry,
    };
    let r = compute(&job, &mut |_, _| {})?;
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
    let (m, r) = recompute(&arch, p)?;
    let ledger_bytes = arch
        .read(p, &m.ledger.stored_as)
        .map_err(Failure::Archive)?;
    let ext = m
        .ledger
        .stored_as
        .rsplit('.')
        .next()
        .unwrap_or("xlsx")
        .to_string();
    let fresh = period_files(&r, manifest_lang(&m), ledger_bytes, &ext)?;
    let mut differences = 0usize;
    for (name, bytes) in &fresh {
        if name == &m.ledger.stored_as || name == archive::POLICY {
            continue;
        }
        let path = arch.dir(p).join(name);
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
            match ledger::dump::diff_xlsx(&old, bytes) {
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
        } else {
            let (o, n) = (
                String::from_utf8_lossy(&old),
                String::from_utf8_lossy(bytes),
            );
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
    }
    if differences == 0 {
        println!("{p}: identical");
        Ok(EXIT_OK)
    } else {
        println!("{p}: {differences} file(s) differ from the archive");
        Ok(EXIT_INVALID)
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
    let (findings, head) = archive::verify(&arch).map_err(Failure::Archive)?;
    for f in &findings {
        println!("{f}");
    }
    if findings.is_empty() {
        match (periods.first(), periods.last(), head) {
            (Some(first), Some(last), Some(h)) => println!(
                "{}: {} period(s) {first}…{last}, hash chain intact; head manifest SHA-256 {h}",
                a.archive.display(),
                periods.len()
            ),
            _ => println!("{}: empty archive", a.archive.display()),
        }
        Ok(EXIT_OK)
    } else {
        println!("{}: {} problem(s)", a.archive.display(), findings.len());
        Ok(EXIT_INVALID)
    }
}

fn explain(a: &cli::ExplainArgs) -> Result<(), Failure> {
    let period = parse_period(a.period.as_deref())?;
    let r = match (&a.archive, period, &a.policy, &a.rules, &a.ledger) {
        (Some(root), Some(p), None, None, None) => recompute(&Archive::new(root), p)?.1,
        (_, _, _, _, Some(l)) if a.policy.is_some() || a.rules.is_some() => {
            let source = match (&a.policy, &a.rules) {
                (Some(p), _) => PolicySource::File(p.clone()),
                (None, Some(d)) => PolicySource::Rules {
                    dir: d.clone(),
                    bank: a.bank.clone(),
                },
                (None, None) => unreachable_source()?,
            };
            let job = Job {
                policy: source,
                policy_display: None,
                ledger: l.clone(),
                ledger_display: None,
                period,
                carry: match &a.archive {
                    Some(root) => Carry::Archive {
                        root: root.clone(),
                        closing: false,
                    },
                    None => Carry::Ledger,
                },
            };
            compute(&job, &mut |_, _| {})?
        }
        _ => {
            return Err(Failure::Usage(
                "error: explain needs either --archive DIR --period YYYY-MM, or --policy FILE (or --rules DIR) with --ledger FILE"
                    .into(),
            ));
        }
    };
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
    let head = report::compare::head(&base, &proposed, l);
    let mut sink = write::XlsxSink::new(&head, &out).map_err(usage)?;
    let totals = report::compare::compare_book(&base, &proposed, l, &mut sink);
    let bytes = sink.finish().map_err(usage)?;
    write::atomic_write(&out, &bytes).map_err(usage)?;
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
    write::atomic_write(&a.out, &bytes).map_err(usage)?;
    eprintln!("rmpay: wrote {}", a.out.display());
    Ok(())
}

/// `rmpay statement`: one file per RM, all written or none.
fn statement(a: &cli::StatementArgs) -> Result<(), Failure> {
    let period = parse_period(a.period.as_deref())?;
    let (r, draft, archived) = match (&a.archive, period, &a.policy, &a.rules, &a.ledger) {
        (Some(root), Some(_), None, None, None) => {
            let (arch, p) = closed_period(root, a.period.as_deref().unwrap_or_default())?;
            let (_, r) = recompute(&arch, p)?;
            let json = arch.dir(p).join(format!("pay-{p}.json"));
            (r, false, Some(json))
        }
        (_, _, _, _, Some(l)) if a.policy.is_some() || a.rules.is_some() => {
            let source = match (&a.policy, &a.rules) {
                (Some(p), _) => PolicySource::File(p.clone()),
                (None, Some(d)) => PolicySource::Rules {
                    dir: d.clone(),
                    bank: a.bank.clone(),
                },
                (None, None) => unreachable_source()?,
            };
            let job = Job {
                policy: source,
                policy_display: None,
                ledger: l.clone(),
                ledger_display: None,
                period,
                carry: match &a.archive {
                    Some(root) => Carry::Archive {
                        root: root.clone(),
                        closing: false,
                    },
                    None => Carry::Ledger,
                },
            };
            (compute_with_progress(&job, true)?, true, None)
        }
        _ => {
            return Err(Failure::Usage(
                "error: statement needs either --archive DIR --period YYYY-MM, or --policy FILE (or --rules DIR) with --ledger FILE"
                    .into(),
            ));
        }
    };
    // The RMs asked for, each known; every unknown one is reported.
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
    let chosen: Vec<&crate::engine::pay::RmResult> = r
        .payroll
        .results
        .iter()
        .filter(|x| a.rms.is_empty() || a.rms.contains(&x.rm.rm_id))
        .collect();
    // A closed month's statements show what was closed: the recomputed
    // figures of every RM chosen must be the archived register's.
    if let Some(path) = &archived {
        let archived: serde_json::Value = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let fresh: serde_json::Value = serde_json::from_slice(&json_bytes(&r)).unwrap_or_default();
        let find = |v: &serde_json::Value, id: &str| {
            v["managers"]
                .as_array()
                .and_then(|ms| ms.iter().find(|m| m["rm_id"] == id).cloned())
        };
        for x in &chosen {
            let (old, new) = (find(&archived, &x.rm.rm_id), find(&fresh, &x.rm.rm_id));
            let same = match (&old, &new) {
                (Some(o), Some(n)) => ["metrics", "pay", "risk_account", "year_to_date"]
                    .iter()
                    .all(|k| o[k] == n[k]),
                _ => false,
            };
            if !same {
                return Err(Failure::Archive(archive::ArchiveError {
                    path: path.clone(),
                    code: "archive-differs",
                    message: format!(
                        "{}'s figures recomputed for {} differ from the closed register; run `rmpay rerun` and `rmpay verify`",
                        x.rm.rm_id, r.run.period
                    ),
                }));
            }
        }
    }
    let l = lang(a.lang);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for x in &chosen {
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
    write::batch::write_all(&files).map_err(usage)?;
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
