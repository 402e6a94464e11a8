//! `rmpay restate`: a prior-period correction (docs/ARCHIVE.md,
//! "Corrections"). The corrected month and every later closed month are
//! recomputed and archived as new versions (`YYYY-MM.vN`) beside the ones
//! they replace, which never change; per RM and pay figure, what was paid
//! and what is due goes into the last closed month's new state, from which
//! the next open month's payroll pays (补发) or recovers (扣回) it.

use super::{file_entries, manifest_lang, period_files, recompute_version, take_lock};
use crate::archive::{self, Archive, Link, Manifest, Restated};
use crate::diag::Code;
use crate::engine::pay::{Payroll, Payslip, PriorAdjustment};
use crate::period::Period;
use crate::state::State;
use crate::text::{Msg, archive as says};
use crate::{Carry, Failure, Job, PayrollRun, PolicySource, cli, diag};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A version folder's manifest.
pub(super) fn read_manifest(dir: &Path) -> Result<Manifest, Failure> {
    let path = dir.join(archive::MANIFEST);
    let bytes = std::fs::read(&path)
        .map_err(|e| Failure::at(path.clone(), Code::Io, says::cannot_read(e)))?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::at(
            path.clone(),
            Code::BadManifest,
            says::around(&says::json_reason(&e), |r| says::not_a_manifest(r)),
        )
    })?;
    if let Err(message) = archive::manifest_format_ok(&m) {
        return Err(Failure::at(path, Code::BadManifest, message));
    }
    Ok(m)
}

/// A version folder's closing state.
pub(super) fn read_state(dir: &Path) -> Result<State, Failure> {
    let path = dir.join(archive::STATE);
    let bytes = std::fs::read(&path)
        .map_err(|e| Failure::at(path.clone(), Code::Io, says::cannot_read(e)))?;
    State::from_bytes(&bytes).map_err(|e| {
        Failure::at(
            path,
            Code::BadState,
            says::around(&e, |r| says::not_a_state(r)),
        )
    })
}

/// One month's new version, built before anything is written.
struct NewVersion {
    period: Period,
    replaces: u32,
    replaces_sha: String,
    version: u32,
    run: PayrollRun,
    files: Vec<(String, Vec<u8>)>,
    manifest: Manifest,
    /// The closing state the next month opens from.
    state: State,
}

pub(super) fn restate(a: &cli::RestateArgs) -> Result<(), Failure> {
    let p: Period = super::period_arg(&a.month.period)?;
    let arch = Archive::new(&a.month.archive);
    let (reason, periods, last) = restatable(a, &arch, p)?;
    let (built, diffs) = build(&arch, p, last, &a.ledger, &reason, a.quiet)?;
    commit(a, &arch, p, &periods, last, &built)?;
    restated_message(a, &arch, p, last, &built, &diffs);
    Ok(())
}

/// A restatement needs a reason, a closed month and a corrected ledger.
/// Returns the reason, the closed periods and the last of them.
fn restatable(
    a: &cli::RestateArgs,
    arch: &Archive,
    p: Period,
) -> Result<(String, Vec<Period>, Period), Failure> {
    let reason = a.reason.trim().to_string();
    if reason.is_empty() {
        let mut d = diag::Diagnostics::new();
        d.error(
            diag::Location::None,
            Code::EmptyReason,
            says::empty_reason(),
        );
        return Err(Failure::Invalid(d));
    }
    arch.no_stray_month().map_err(Failure::Error)?;
    let periods = arch.periods().map_err(Failure::Error)?;
    let Some(&last) = periods.last().filter(|_| periods.contains(&p)) else {
        return Err(Failure::at(
            arch.version_dir(p, 1),
            Code::NotClosed,
            says::restate_not_closed(p),
        ));
    };
    // A corrected ledger that is the one in force corrects nothing.
    if let Ok(sha) = crate::pipeline::inputs::sha256_file(&a.ledger)
        && arch.manifest(p).is_ok_and(|m| m.ledger.sha256 == sha)
    {
        return Err(Failure::at(
            a.ledger.clone(),
            Code::Unchanged,
            says::ledger_in_force(p, &sha),
        ));
    }
    Ok((reason, periods, last))
}

/// Under the lock: the archive is still what the versions were built on;
/// versions of a restatement that did not finish are cleared; then each
/// month's version is renamed into place, the last month's last (it is
/// what puts the restatement in force).
fn commit(
    a: &cli::RestateArgs,
    arch: &Archive,
    p: Period,
    periods: &[Period],
    last: Period,
    built: &[NewVersion],
) -> Result<(), Failure> {
    let lock = take_lock(arch, &a.month.archive, a.wait)?;
    if arch.periods().map_err(Failure::Error)?.last() != Some(&last) {
        return Err(Failure::at(
            a.month.archive.clone(),
            Code::ArchiveChanged,
            says::closed_meanwhile(p),
        ));
    }
    for v in built {
        let now = arch.in_force(v.period);
        let sha = std::fs::read(arch.version_dir(v.period, now).join(archive::MANIFEST))
            .map(|b| archive::sha256_hex(&b))
            .unwrap_or_default();
        if now != v.replaces || sha != v.replaces_sha {
            return Err(Failure::at(
                arch.version_dir(v.period, now),
                Code::ArchiveChanged,
                says::changed_meanwhile(v.period, p),
            ));
        }
    }
    for &q in periods {
        let in_force = arch.in_force(q);
        for n in arch.versions(q).into_iter().filter(|n| *n > in_force) {
            // Left by a restatement that did not finish: never in force.
            let _ = std::fs::remove_dir_all(arch.version_dir(q, n));
        }
    }
    for v in built {
        let mut all = v.files.clone();
        all.push((archive::MANIFEST.to_string(), v.manifest.to_bytes()));
        arch.commit_version(&lock, v.period, v.version, &all)
            .map_err(Failure::Error)?;
    }
    drop(lock);
    Ok(())
}

/// What a restatement tells: each new version, each RM's adjustment, the
/// archive head.
fn restated_message(
    a: &cli::RestateArgs,
    arch: &Archive,
    p: Period,
    last: Period,
    built: &[NewVersion],
    diffs: &BTreeMap<String, Vec<PriorAdjustment>>,
) {
    let c = crate::text::console();
    for v in built {
        eprintln!(
            "{}",
            crate::text::version_archived(
                c,
                v.period,
                v.version,
                arch.version_dir(v.period, v.version).display(),
                v.replaces,
                crate::report::pay::amount_text(old_total(arch, v).unwrap_or_default(), 2),
                crate::report::pay::amount_text(v.run.payroll.totals.payout, 2),
            )
        );
    }
    if diffs.is_empty() {
        eprintln!("{}", says::rmpay_says(crate::text::no_rm_changed(c)).get(c));
    }
    for (rm, list) in diffs {
        let owed: Decimal = list.iter().map(|x| x.amount).sum();
        let amount = crate::report::pay::amount_text(owed.abs(), 2);
        eprintln!(
            "{}",
            if owed >= Decimal::ZERO {
                crate::text::to_pay_next(c, rm, amount, list.len())
            } else {
                crate::text::to_recover_next(c, rm, amount, list.len())
            }
        );
    }
    let head = built
        .last()
        .map(|v| archive::sha256_hex(&v.manifest.to_bytes()))
        .unwrap_or_default();
    println!("{}", crate::text::restated(c, p, &head));
    eprintln!(
        "{}",
        crate::text::next_open_carries(c, last.next(), a.month.archive.display())
    );
}

/// The total paid of the version replaced, for the console.
fn old_total(arch: &Archive, v: &NewVersion) -> Option<Decimal> {
    let json = std::fs::read(
        arch.version_dir(v.period, v.replaces)
            .join(format!("pay-{}.json", v.period)),
    )
    .ok()?;
    let j: serde_json::Value = serde_json::from_slice(&json).ok()?;
    j["totals"]["payout"].as_str()?.parse().ok()
}

/// What a restatement recomputes: `p` from the corrected ledger, then
/// every later closed month up to `last`.
struct Restatement<'a> {
    arch: &'a Archive,
    p: Period,
    last: Period,
    corrected: &'a Path,
    reason: &'a str,
    quiet: bool,
}

/// Compute the new versions of `p` (from the corrected ledger) and of every
/// later closed month up to `last`, and the adjustments, per RM.
#[allow(clippy::type_complexity)]
fn build(
    arch: &Archive,
    p: Period,
    last: Period,
    corrected: &Path,
    reason: &str,
    quiet: bool,
) -> Result<(Vec<NewVersion>, BTreeMap<String, Vec<PriorAdjustment>>), Failure> {
    let job = Restatement {
        arch,
        p,
        last,
        corrected,
        reason,
        quiet,
    };
    let mut built: Vec<NewVersion> = Vec::new();
    let mut diffs: BTreeMap<String, Vec<PriorAdjustment>> = BTreeMap::new();
    let mut q = p;
    loop {
        // Each month opens from the new version of the month before.
        let v = job.new_version(q, built.last(), &mut diffs)?;
        built.push(v);
        if q == last {
            break;
        }
        q = q.next();
    }
    Ok((built, diffs))
}

/// The chain's link to a new version.
fn link_to(v: &NewVersion) -> Link {
    Link {
        period: v.period.to_string(),
        manifest_sha256: archive::sha256_hex(&v.manifest.to_bytes()),
        version: Some(v.version),
    }
}

impl Restatement<'_> {
    /// Month `q`'s new version, opening from `before` (the new version of
    /// the month before; none for the month corrected); its adjustments
    /// go into `diffs`.
    fn new_version(
        &self,
        q: Period,
        before: Option<&NewVersion>,
        diffs: &mut BTreeMap<String, Vec<PriorAdjustment>>,
    ) -> Result<NewVersion, Failure> {
        let old_v = self.arch.in_force(q);
        let old_dir = self.arch.version_dir(q, old_v);
        let old_m = read_manifest(&old_dir)?;
        let old_sha = archive::sha256_hex(
            &std::fs::read(old_dir.join(archive::MANIFEST))
                .map_err(|e| Failure::at(&old_dir, Code::Io, says::cannot_read(e)))?,
        );
        let (_, old_run) = recompute_version(self.arch, q, old_v)?;
        let (ledger_path, r, _copy) = self.recompute(q, before, &old_dir, &old_m)?;
        let version = old_v + 1;
        // What each RM was paid in the version replaced and is due now.
        for (rm, list) in differences(q, old_v, version, self.reason, &old_run.payroll, &r.payroll)
        {
            diffs.entry(rm).or_default().extend(list);
        }
        let st = closing_state(&r, q, q == self.last, &old_dir, diffs)?;
        let ext = if q == self.p {
            super::ledger_ext(self.corrected)
        } else {
            stored_ext(&old_m)
        };
        let files = version_files(&r, &old_m, &ledger_path, &ext, &st)?;
        let entries = file_entries(&files);
        if q == self.p {
            super::check_inputs(&r, &entries, &ext, self.corrected)?;
        }
        let restated = Restated {
            version,
            replaces: Link {
                period: q.to_string(),
                manifest_sha256: old_sha.clone(),
                version: Some(old_v).filter(|v| *v > 1),
            },
            corrected: self.p.to_string(),
            last: self.last.to_string(),
            reason: self.reason.to_string(),
        };
        let manifest = manifest(&r, &old_m, restated, before, &ext, entries);
        Ok(NewVersion {
            period: q,
            replaces: old_v,
            replaces_sha: old_sha,
            version,
            run: r,
            files,
            manifest,
            state: st,
        })
    }

    /// Month `q` computed again: the month corrected from the corrected
    /// ledger, a later one from its archived ledger, each under its
    /// archived policy and opening from `before`. The path the ledger was
    /// read from (the corrected ledger's private copy, `super::LedgerCopy`,
    /// which the version archives: kept while the third value lives), and
    /// the run.
    fn recompute(
        &self,
        q: Period,
        before: Option<&NewVersion>,
        old_dir: &Path,
        old_m: &Manifest,
    ) -> Result<(PathBuf, PayrollRun, Option<super::LedgerCopy>), Failure> {
        let mut copy = None;
        let (ledger_path, ledger_display) = if q == self.p {
            copy = Some(super::LedgerCopy::take(self.corrected)?);
            (
                super::LedgerCopy::path(&copy, self.corrected).to_path_buf(),
                copy.as_ref().map(|_| self.corrected.display().to_string()),
            )
        } else {
            (
                old_dir.join(&old_m.ledger.stored_as),
                Some(old_m.ledger.original.clone()),
            )
        };
        let job = Job {
            policy: PolicySource::File(old_dir.join(&old_m.policy.stored_as)),
            policy_display: Some(old_m.policy.original.clone()),
            ledger: ledger_path.clone(),
            ledger_display,
            period: Some(q),
            carry: opening(self.arch, q, before.map(|b| &b.state), old_m)?,
            client_detail: super::archived_detail(old_m),
        };
        let r = if q == self.p {
            super::compute_with_progress(&job, self.quiet)?
        } else {
            crate::compute(&job, &mut |_, _| {})?
        };
        Ok((ledger_path, r, copy))
    }
}

/// The manifest of `r`'s new version, as `restated` says, replacing the
/// version whose manifest is `old_m`.
fn manifest(
    r: &PayrollRun,
    old_m: &Manifest,
    restated: Restated,
    before: Option<&NewVersion>,
    ext: &str,
    files: Vec<archive::FileEntry>,
) -> Manifest {
    let (policy, ledger) = super::sources(r, ext);
    Manifest {
        format: archive::FORMAT.to_string(),
        period: r.run.period.to_string(),
        tool_version: r.run.tool_version.clone(),
        lang: manifest_lang(old_m).id().to_string(),
        policy,
        ledger,
        build: Some(archive::Build::current()),
        previous: before.map(link_to).or(old_m.previous.clone()),
        restated: Some(restated),
        approval: None,
        files,
    }
}

/// The extension of a version's archived ledger.
pub(super) fn stored_ext(m: &Manifest) -> String {
    // `ledger` (no extension) is a stored ledger folder.
    m.ledger
        .stored_as
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_string()
}

/// A new version's files, its ledger's bytes among them and its closing
/// state `st` as the state.
fn version_files(
    r: &PayrollRun,
    old_m: &Manifest,
    ledger_path: &Path,
    ext: &str,
    st: &State,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let ledger_bytes = archive::ledger_files(ledger_path, ext)
        .map_err(|e| Failure::at(ledger_path, Code::Io, says::cannot_read(e)))?;
    let mut files = period_files(r, manifest_lang(old_m), ledger_bytes, ext)?;
    for (name, bytes) in &mut files {
        if name == archive::STATE {
            *bytes = st.to_bytes();
        }
    }
    Ok(files)
}

/// What a new version opens from: the new version of the month before,
/// or what the version replaced opened from.
fn opening(
    arch: &Archive,
    q: Period,
    carry_state: Option<&State>,
    old_m: &Manifest,
) -> Result<Carry, Failure> {
    Ok(match (carry_state, &old_m.previous) {
        (Some(st), _) => Carry::State {
            period: q.prev(),
            state: st.clone(),
        },
        (None, None) => Carry::Ledger,
        (None, Some(l)) => {
            let prev = l.month(&arch.dir(q).join(archive::MANIFEST))?;
            Carry::State {
                period: prev,
                state: read_state(&arch.version_dir(prev, l.version.unwrap_or(1)))?,
            }
        }
    })
}

/// A new version's closing state: the state keeps the adjustments the
/// replaced version carried (still owed from an earlier restatement); the
/// last month's also those of this one.
fn closing_state(
    r: &PayrollRun,
    q: Period,
    last: bool,
    old_dir: &Path,
    diffs: &BTreeMap<String, Vec<PriorAdjustment>>,
) -> Result<State, Failure> {
    let old_state = read_state(old_dir)?;
    let mut st = State::closing(&r.policy, q, &r.payroll);
    carry_adjustments(&mut st, &old_state, last.then_some(diffs));
    Ok(st)
}

/// Each RM's adjustments still owed in `old_state` (the version replaced)
/// carried into `st`, with `diffs`, this restatement's, where given.
fn carry_adjustments(
    st: &mut State,
    old_state: &State,
    diffs: Option<&BTreeMap<String, Vec<PriorAdjustment>>>,
) {
    for rm in &mut st.rms {
        rm.adjustments = old_state
            .rms
            .iter()
            .find(|o| o.rm_id == rm.rm_id)
            .map(|o| o.adjustments.clone())
            .unwrap_or_default();
        if let Some(d) = diffs.and_then(|d| d.get(&rm.rm_id)) {
            rm.adjustments.extend(d.iter().cloned());
        }
    }
}

/// The closing state of a version as `restate` archived it: the state
/// computed, with the adjustments the replaced version's state still
/// carried and, in the restatement's last month, the differences of every
/// month of the restatement (each recomputed from the archive: the version
/// replaced against the version that replaced it). For `rerun`.
pub(super) fn restated_state(
    arch: &Archive,
    q: Period,
    version: u32,
    m: &Manifest,
    run: &PayrollRun,
) -> Result<State, Failure> {
    let mut st = State::closing(&run.policy, q, &run.payroll);
    let Some(r) = &m.restated else {
        return Ok(st);
    };
    let broken = |what: Msg| {
        Failure::at(
            arch.version_dir(q, version).join(archive::MANIFEST),
            Code::BadManifest,
            says::around(&what, |w| says::version_broken(version, q, w)),
        )
    };
    let old_state = read_state(&arch.version_dir(q, r.replaces.version.unwrap_or(1)))?;
    let mut diffs: BTreeMap<String, Vec<PriorAdjustment>> = BTreeMap::new();
    if r.last == q.to_string() {
        // The restatement's months, back to the one corrected.
        let mut chain = Vec::new();
        let (mut month, mut ver, mut man) = (q, version, m.clone());
        loop {
            let Some(rr) = &man.restated else {
                return Err(broken(says::chain_broken()));
            };
            chain.push((month, ver, rr.replaces.version.unwrap_or(1)));
            if rr.corrected == month.to_string() {
                break;
            }
            let Some(link) = &man.previous else {
                return Err(broken(says::corrected_not_before()));
            };
            month = month.prev();
            ver = link.version.unwrap_or(1);
            man = read_manifest(&arch.version_dir(month, ver))?;
        }
        chain.reverse();
        for (month, ver, old) in chain {
            let (_, paid) = recompute_version(arch, month, old)?;
            let (_, due) = recompute_version(arch, month, ver)?;
            for (rm, list) in differences(month, old, ver, &r.reason, &paid.payroll, &due.payroll) {
                diffs.entry(rm).or_default().extend(list);
            }
        }
    }
    carry_adjustments(&mut st, &old_state, Some(&diffs));
    Ok(st)
}

/// Each RM's pay figures: pay lines, deductions, the holdback, the
/// adjustments applied and the release, in that order.
fn figures(s: &Payslip) -> Vec<(String, Decimal)> {
    let mut out: Vec<(String, Decimal)> =
        s.lines.iter().map(|l| (l.rule.clone(), l.amount)).collect();
    out.extend(
        s.deductions
            .iter()
            .map(|l| (format!("deduction:{}", l.rule), l.amount)),
    );
    out.push(("holdback".into(), s.holdback));
    out.push(("adjustments".into(), s.adjustments_total));
    out.push(("released".into(), s.released));
    out
}

fn slips(p: &Payroll) -> BTreeMap<&str, &Payslip> {
    p.results
        .iter()
        .map(|r| (r.rm.rm_id.as_str(), &r.pay))
        .chain(p.off_roster.iter().map(|r| (r.rm_id.as_str(), &r.pay)))
        .collect()
}

/// Per RM, every figure whose amount differs between the version paid and
/// the version due. Their amounts sum to the difference in total paid.
fn differences(
    q: Period,
    paid_version: u32,
    version: u32,
    reason: &str,
    paid: &Payroll,
    due: &Payroll,
) -> BTreeMap<String, Vec<PriorAdjustment>> {
    let (old, new) = (slips(paid), slips(due));
    let mut out = BTreeMap::new();
    let ids: std::collections::BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    for id in ids {
        let a = old.get(id).map(|s| figures(s)).unwrap_or_default();
        let b = new.get(id).map(|s| figures(s)).unwrap_or_default();
        let mut names: Vec<&String> = Vec::new();
        for (n, _) in b.iter().chain(a.iter()) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let get = |v: &[(String, Decimal)], n: &str| {
            v.iter()
                .find(|(x, _)| x == n)
                .map(|(_, d)| *d)
                .unwrap_or_default()
        };
        let mut list = Vec::new();
        for n in names {
            let (was, now) = (get(&a, n), get(&b, n));
            if was == now {
                continue;
            }
            let mut adj = PriorAdjustment {
                period: q.to_string(),
                version,
                paid_version,
                reason: reason.to_string(),
                figure: n.clone(),
                paid: was,
                due: now,
                amount: Decimal::ZERO,
            };
            adj.amount = if adj.adds() { now - was } else { was - now };
            list.push(adj);
        }
        if !list.is_empty() {
            out.insert(id.to_string(), list);
        }
    }
    out
}
