//! The policy in force for a month an archive certifies (docs/ARCHIVE.md,
//! "The policy in force").
//!
//! A month is closed (drafted, previewed against the archive, reviewed
//! from it) only under the policy in force for it:
//!
//! 1. the policy given must be in force in the month by its own dates
//!    (`effective_from` … `effective_until`, as `--rules` picks a version
//!    and `review` holds its policy);
//! 2. where the archive already holds a month closed under a policy in
//!    force in the month too (the newest such), the policy given must be
//!    that one, byte for byte, unless it takes effect after it (a later
//!    `effective_from`: the version that supersedes it). An archive with
//!    no such month (an empty one, or every archived policy ended) asks
//!    only 1.
//!
//! So a policy edited without a new version, an old version given after
//! its end, or another file claiming the same dates is refused with both
//! policies and the month named, and the archive never certifies figures
//! the bank's policy did not give.

use crate::archive::{self, Archive};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::period::Period;
use crate::policy::{self, Policy};
use crate::text::{Msg, run, trust};
use std::path::Path;

/// `2026-01-01 to 2026-09-30`, in both languages, as `review` says it.
pub(crate) fn range_said(p: &Policy) -> Msg {
    match (p.effective_from, p.effective_until) {
        (Some(f), Some(u)) => run::in_force_between(f, u),
        (Some(f), None) => run::in_force_from(f),
        (None, Some(u)) => run::in_force_until(u),
        (None, None) => run::in_force_always(),
    }
}

/// Check 1 and 2 for `policy` (named `given` in messages) and month `p`
/// of the archive at `root`; the findings go into `diags`, at the policy
/// given.
pub(crate) fn check(
    policy: &Policy,
    given: &str,
    p: Period,
    root: &Path,
    diags: &mut Diagnostics,
) -> Result<(), Diagnostic> {
    let at = || Location::File {
        file: given.to_string(),
    };
    if !policy::select::in_force(policy, p) {
        diags.error(
            at(),
            Code::NoPolicyInForce,
            run::nest(&range_said(policy), |range| {
                trust::policy_not_in_force_for_month(&policy.id, &policy.version, range, p)
            }),
        );
        return Ok(());
    }
    check_archived(policy, given, p, root, diags)
}

/// Check 2 alone, for a policy in force in `p` by its own dates (a
/// review's, held to them by `review`).
pub(crate) fn check_archived(
    policy: &Policy,
    given: &str,
    p: Period,
    root: &Path,
    diags: &mut Diagnostics,
) -> Result<(), Diagnostic> {
    let at = || Location::File {
        file: given.to_string(),
    };
    let Some((q, archived)) = archived_in_force(root, p)? else {
        return Ok(());
    };
    let supersedes = match (policy.effective_from, archived.effective_from) {
        (Some(given_from), Some(archived_from)) => given_from > archived_from,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if archived.sha256 != policy.sha256 && !supersedes {
        let arch = Archive::new(root);
        let stored = arch.dir(q).join(archive::POLICY);
        diags.error(
            at(),
            Code::NoPolicyInForce,
            run::nest(&range_said(&archived), |range| {
                trust::policy_not_the_archived(
                    &policy.id,
                    &policy.version,
                    &policy.sha256,
                    p,
                    q,
                    &archived.id,
                    &archived.version,
                    &archived.sha256,
                    range,
                    stored.display(),
                )
            }),
        );
    }
    Ok(())
}

/// The newest closed month whose archived policy is in force in `p`, with
/// that policy. A policy the archive holds that this build cannot read is
/// passed over (`rerun` and `verify` are where it is found).
fn archived_in_force(root: &Path, p: Period) -> Result<Option<(Period, Policy)>, Diagnostic> {
    let arch = Archive::new(root);
    let mut seen: Vec<String> = Vec::new();
    for q in arch.periods()?.into_iter().rev() {
        let Ok(m) = arch.manifest(q) else {
            continue;
        };
        if seen.contains(&m.policy.sha256) {
            continue;
        }
        seen.push(m.policy.sha256.clone());
        let path = arch.dir(q).join(&m.policy.stored_as);
        let Ok(archived) = policy::load_policy(&path, &path.display().to_string()) else {
            continue;
        };
        if policy::select::in_force(&archived, p) {
            return Ok(Some((q, archived)));
        }
    }
    Ok(None)
}
