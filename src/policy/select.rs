//! Effective-dated policies: pick, from a directory of policy files, the
//! version in force for a period.
//!
//! A version is in force on the dates from its `effective_from` to its
//! `effective_until` (both inclusive, either open). The version for a period
//! is the one in force on the period's first day. Two versions of the same
//! policy id whose ranges share a date are an error, whatever the period.

use super::{Policy, load_policy};
use crate::diag::Code;
use crate::diag::{Diagnostics, Location};
use crate::text::Msg;
use crate::text::policy as say;
use crate::vocab::Period;
use chrono::NaiveDate;
use std::path::Path;

fn covers(p: &Policy, d: NaiveDate) -> bool {
    p.effective_from.is_none_or(|f| f <= d) && p.effective_until.is_none_or(|u| d <= u)
}

/// Whether `p` is in force for `period`: on its first day, as the version
/// of a rules directory is picked.
pub fn in_force(p: &Policy, period: Period) -> bool {
    covers(p, period.first_day())
}

/// `2026-01-01 to …`: the dates a version is in force.
pub fn range(p: &Policy) -> String {
    range_said(p).get(crate::text::Lang::En).to_string()
}

/// The dates a version is in force, in both languages (`2026-01-01 至 …`).
pub fn range_said(p: &Policy) -> Msg {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
    say::in_force_range(day(p.effective_from), day(p.effective_until))
}

fn overlap(a: &Policy, b: &Policy) -> bool {
    let a_from = a.effective_from.unwrap_or(NaiveDate::MIN);
    let a_until = a.effective_until.unwrap_or(NaiveDate::MAX);
    let b_from = b.effective_from.unwrap_or(NaiveDate::MIN);
    let b_until = b.effective_until.unwrap_or(NaiveDate::MAX);
    a_from <= b_until && b_from <= a_until
}

/// Load every `*.toml` in `dir` (sorted by name) and pick the version of
/// `bank` (or of the only policy id in force) for `period`.
pub fn select_policy(
    dir: &Path,
    bank: Option<&str>,
    period: Period,
) -> Result<Policy, Diagnostics> {
    let mut diags = Diagnostics::new();
    let dir_loc = Location::File {
        file: dir.display().to_string(),
    };
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            diags.error(
                dir_loc,
                Code::CannotRead,
                say::in_each(|l| say::cannot_read_rules(say::io_reason(&e).get(l))),
            );
            return Err(diags);
        }
    };
    files.sort();
    let mut all: Vec<Policy> = Vec::new();
    for f in &files {
        match load_policy(f, &f.display().to_string()) {
            Ok(p) => all.push(p),
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let candidates: Vec<&Policy> = all
        .iter()
        .filter(|p| bank.is_none_or(|b| p.id == b))
        .collect();
    // Overlapping versions of one policy are an error, in force or not.
    for (i, a) in candidates.iter().enumerate() {
        for b in &candidates[i + 1..] {
            if a.id == b.id && overlap(a, b) {
                diags.error(
                    Location::File {
                        file: b.file.clone(),
                    },
                    Code::OverlappingVersions,
                    say::in_each(|l| {
                        say::versions_overlap(
                            &b.id,
                            &b.version,
                            range_said(b).get(l),
                            &a.version,
                            range_said(a).get(l),
                            &a.file,
                        )
                    }),
                );
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let day = period.first_day();
    let in_force: Vec<&&Policy> = candidates.iter().filter(|p| covers(p, day)).collect();
    match in_force.as_slice() {
        [one] => Ok((**one).clone()),
        [] => {
            let known: Vec<Msg> = candidates
                .iter()
                .map(|p| {
                    say::in_each(|l| say::version_listed(&p.id, &p.version, range_said(p).get(l)))
                })
                .collect();
            let versions = if known.is_empty() {
                Msg::verbatim("")
            } else {
                say::in_each(|l| say::versions_are(say::joined(&known).get(l)))
            };
            diags.error(
                dir_loc,
                Code::NoPolicyInForce,
                say::in_each(|l| match bank {
                    Some(b) => say::no_version_in_force(b, day, versions.get(l)),
                    None => say::no_policy_in_force(day, versions.get(l)),
                }),
            );
            Err(diags)
        }
        many => {
            let ids: Vec<String> = many.iter().map(|p| format!("`{}`", p.id)).collect();
            diags.error(
                dir_loc,
                Code::SeveralPolicies,
                say::in_each(|l| say::several_in_force(day, ids.join(crate::text::list_sep(l)))),
            );
            Err(diags)
        }
    }
}
