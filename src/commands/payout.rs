//! `rmpay payout`: a closed month's pay-out file (代发工资).

use super::recompute_version;
use crate::archive::Archive;
use crate::decimal::RoundAway as _;
use crate::diag::Code;
use crate::period::Period;
use crate::text::archive as says;
use crate::{Failure, cli, report, write};

pub(super) fn payout(a: &cli::PayoutArgs) -> Result<(), Failure> {
    let p: Period = super::period_arg(&a.month.period)?;
    let arch = payable(a, p)?;
    // What was paid is the month as closed: version 1. A restated version
    // (`rmpay restate`) is paid by adjustment lines in a later month, so
    // paying it here would pay the difference twice.
    let (m, r) = recompute_version(&arch, p, 1)?;
    same_as_register(&arch, p, &r)?;
    issued(&arch, p, &r.policy)?;
    let dir = arch.version_dir(p, 1);
    let policy_path = dir.join(&m.policy.stored_as);
    let Some(profile) = &r.policy.payout else {
        return Err(Failure::at(
            policy_path,
            Code::NoPayoutProfile,
            says::no_payout_profile(p, &r.policy.id, &r.policy.version),
        ));
    };
    let ledger_path = dir.join(&m.ledger.stored_as).display().to_string();
    let file = crate::payout::build(&r, profile, &ledger_path).map_err(Failure::Invalid)?;
    let bytes = write::payout::payout_bytes(profile, &file, p.last_day(), &a.out)
        .map_err(Failure::Error)?;
    let mut outputs = write::OutputSet::new();
    outputs.add(&a.out, &bytes).map_err(Failure::Error)?;
    outputs.commit().map_err(Failure::Error)?;
    let money = |d| report::pay::amount_text(d, profile.amount_places);
    let register = r.payroll.totals.payout;
    let c = crate::text::console();
    eprintln!(
        "{}",
        crate::text::payout_summary(
            c,
            p,
            file.count,
            money(file.total),
            money(register),
            &r.policy.id,
            &r.policy.version
        )
    );
    eprintln!("{}", crate::text::wrote(c, a.out.display()));
    Ok(())
}

/// What `rmpay payout` will need of the month once closed, said before the
/// close (at `payroll --archive` and at `close`), since a closed month is
/// never changed: the RMs paid without a salary card, in one warning at
/// the managers sheet, and each other problem of the pay-out file as a
/// warning at its cell. Nothing for a policy without `[payout]`.
pub(super) fn payout_warnings(r: &crate::PayrollRun, ledger: &std::path::Path) {
    use crate::diag::{Diagnostic, Location, Severity};
    let Some(profile) = &r.policy.payout else {
        return;
    };
    let file = ledger.display().to_string();
    let Err(found) = crate::payout::build(r, profile, &file) else {
        return;
    };
    let p = r.run.period;
    let ids: Vec<&str> = r
        .payroll
        .results
        .iter()
        .filter(|res| res.pay.payout > rust_decimal::Decimal::ZERO)
        .filter_map(|res| r.ledger.managers.get(res.rm.ix))
        .filter(|m| m.salary_card.is_none())
        .map(|m| m.rm_id.as_str())
        .collect();
    let c = crate::text::console();
    if !ids.is_empty() {
        const SHOWN: usize = 10;
        let list = |l| {
            let shown = ids[..ids.len().min(SHOWN)].join(crate::text::list_sep(l));
            if ids.len() > SHOWN {
                says::unpayable_more(shown, ids.len() - SHOWN)
                    .get(l)
                    .to_string()
            } else {
                shown
            }
        };
        let sheet = r
            .ledger
            .sheet_name(crate::ledger::SheetKind::Managers)
            .to_string();
        let w = Diagnostic::warning(
            Location::Sheet {
                file: file.clone(),
                sheet,
            },
            Code::MissingCard,
            crate::text::each(|l| says::unpayable_cards(p, ids.len(), list(l))),
        );
        eprintln!("{}", w.show(c));
    }
    for d in found.iter().filter(|d| d.code != Code::MissingCard) {
        let w = Diagnostic {
            severity: Severity::Warning,
            message: crate::text::each(|l| says::unpayable_other(d.message.get(l))),
            ..d.clone()
        };
        eprintln!("{}", w.show(c));
    }
}

/// Only a closed month pays out, into a file outside the archive.
fn payable(a: &cli::PayoutArgs, p: Period) -> Result<Archive, Failure> {
    if !a.month.archive.is_dir() {
        return Err(Failure::at(
            &a.month.archive,
            Code::Io,
            says::no_such_archive(),
        ));
    }
    let arch = Archive::new(&a.month.archive);
    // Only a closed month pays out: what is paid is what was closed.
    if !arch.periods().map_err(Failure::Error)?.contains(&p) {
        return Err(Failure::at(
            arch.dir(p),
            Code::NotClosed,
            says::payout_not_closed(p),
        ));
    }
    // A file added to a closed month's folder would fail `verify`.
    let parent = match a.out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if let (Ok(root), Ok(dir)) = (a.month.archive.canonicalize(), parent.canonicalize())
        && dir.starts_with(&root)
    {
        return Err(Failure::at(
            &a.out,
            Code::InsideArchive,
            says::payout_inside_archive(),
        ));
    }
    Ok(arch)
}

/// Where the month's workflow has steps after the close (Policy A art. 28:
/// 党群人事部 issues the pay list, 下拨, and 计划财务部 credits the cards
/// on it), the pay-out file is written only once each of them is signed
/// for the closed month (`error[not-approved]` naming each one otherwise).
fn issued(arch: &Archive, p: Period, policy: &crate::policy::Policy) -> Result<(), Failure> {
    let Some(wf) = &policy.workflow else {
        return Ok(());
    };
    let after = wf.steps.get(wf.approval + 1..).unwrap_or_default();
    if after.is_empty() {
        return Ok(());
    }
    let m = super::restate::read_manifest(&arch.version_dir(p, 1))?;
    let draft = m.approval.map(|x| x.draft_sha256);
    let log = crate::signoff::read_log(arch, p).map_err(Failure::Error)?;
    let at = crate::diag::Location::File {
        file: crate::signoff::log_path(arch, p).display().to_string(),
    };
    let mut d = crate::diag::Diagnostics::new();
    for s in after {
        if draft.as_deref().and_then(|x| log.valid(x, &s.id)).is_none() {
            d.error(
                at.clone(),
                Code::NotApproved,
                says::payout_not_issued(p, &s.name, &s.office),
            );
        }
    }
    if d.has_errors() {
        return Err(Failure::Invalid(d));
    }
    Ok(())
}

/// The amounts are the archived register's: recomputing must give the
/// total paid the closed month's JSON records, RM by RM.
fn same_as_register(arch: &Archive, p: Period, r: &crate::PayrollRun) -> Result<(), Failure> {
    let dir = arch.version_dir(p, 1);
    let json_name = format!("pay-{p}.json");
    let archived: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join(&json_name))
            .map_err(|e| Failure::at(dir.join(&json_name), Code::Io, says::cannot_read(e)))?,
    )
    .map_err(|e| {
        Failure::at(
            dir.join(&json_name),
            Code::BadArchive,
            says::around(&says::json_reason(&e), |r| says::not_json(r)),
        )
    })?;
    let scale = r.policy.settings.money.scale;
    for res in &r.payroll.results {
        let want = res.pay.payout.at_places(scale);
        let got = archived["managers"].as_array().and_then(|ms| {
            ms.iter()
                .find(|x| x["rm_id"] == res.rm.rm_id.as_str())
                .and_then(|x| x["pay"]["payout"].as_str())
        });
        if got != Some(want.to_string().as_str()) {
            return Err(Failure::at(
                dir.join(&json_name),
                Code::ArchiveMismatch,
                says::each(|l| {
                    let rm = &res.rm.rm_id;
                    let want = says::amount(want, l);
                    // The register's figure, as archived (separated in Chinese).
                    match got.map(|g| g.parse().map_or(g.to_string(), |d| says::amount(d, l))) {
                        Some(got) => says::register_differs(rm, got, p, want),
                        None => says::register_lacks(rm, p, want),
                    }
                }),
            ));
        }
    }
    Ok(())
}
