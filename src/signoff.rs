//! Drafts and sign-offs: the month between `payroll --archive` and `close`,
//! and the steps signed after the close.
//!
//! ```text
//! ARCHIVE/drafts/2026-10/
//!   signoffs.jsonl       the month's log: one JSON entry a line, each naming
//!                        the SHA-256 of the line before it (a hash chain)
//!   <draft SHA-256>/     one folder per draft, never changed once in place
//!     draft.json         what the draft was computed from and what it holds
//!     ledger.xlsx  policy.toml  pay-2026-10.xlsx  pay-2026-10.json  state.json
//! ```
//!
//! A draft is named by the SHA-256 of its `draft.json`, which holds the
//! SHA-256s of its ledger, its policy and its opening state (and of every
//! file computed from them): the same inputs give the same draft. The log
//! records, in order, each new draft (`kind: "draft"`, with the sequence
//! numbers of the sign-offs it voided) and each sign-off (`kind: "signoff"`,
//! naming the draft it signs). Nothing in the log is ever rewritten: a
//! void sign-off stays recorded, and the draft entry that voided it says
//! so. Sign-offs of steps after the approval are appended after the close
//! and also name the closed month's manifest, so the log's last line
//! hashes the whole archive up to them.
//!
//! Every change is made under the archive's write lock
//! ([`crate::archive::Archive::lock`]): a draft folder is staged, synced
//! and renamed into place; the log is rewritten into a temporary file,
//! synced and renamed over the old one.

use crate::archive::{self, Archive, FileEntry, SourceFile, WriteLock};
use crate::diag::{Code, Diagnostic};
use crate::period::Period;
use crate::text::archive as says;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const DRAFTS: &str = "drafts";
pub const LOG: &str = "signoffs.jsonl";
pub const DRAFT: &str = "draft.json";
pub const DRAFT_FORMAT: &str = "rmpay.draft/1";
/// Prefix of the temporary folder a draft is staged in.
const TEMP_PREFIX: &str = ".draft-";

archive::month_record! {
/// What a draft was computed from and what it holds (`draft.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRecord {
    /// Where the opening state came from (as on the run manifest sheet),
    /// with the SHA-256 of the closing state it opened from.
    pub opening: String,
    /// Every other file of the draft's folder, sorted by name.
    pub files: Vec<FileEntry>,
}
}

impl DraftRecord {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    pub fn sha256(&self) -> String {
        archive::sha256_hex(&self.to_bytes())
    }
}

/// One sign-off: who signed which step of which draft, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signoff {
    /// The step's id in the policy's `[workflow]`.
    pub step: String,
    /// Its title (e.g. 审核) and office (e.g. 稽核监控办), as the policy had
    /// them when it was signed.
    pub title: String,
    pub office: String,
    pub name: String,
    /// YYYY-MM-DD, as given (or today's, printed when defaulted).
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// SHA-256 of the `draft.json` signed.
    pub draft: String,
    /// For a step signed after the close: SHA-256 of the closed month's
    /// manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
}

/// A new draft recorded in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEvent {
    /// SHA-256 of its `draft.json`.
    pub draft: String,
    /// The ledger's file name and SHA-256, the policy's SHA-256, the opening.
    pub ledger: String,
    pub ledger_sha256: String,
    pub policy_sha256: String,
    pub opening: String,
    /// Sequence numbers of the sign-offs this draft voided (those of the
    /// draft it replaced).
    pub voids: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Draft(DraftEvent),
    Signoff(Signoff),
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3, … in the order written.
    pub seq: u32,
    /// SHA-256 of the previous line (without its newline); `null` first.
    pub previous: Option<String>,
    #[serde(flatten)]
    pub event: Event,
}

/// A month's log as read, with each line's SHA-256.
#[derive(Clone, Debug, Default)]
pub struct Log {
    pub entries: Vec<(Entry, String)>,
}

impl Log {
    /// SHA-256 of the last line: the log's head.
    pub fn head(&self) -> Option<&str> {
        self.entries.last().map(|(_, h)| h.as_str())
    }

    /// The draft in force: the last one recorded.
    pub fn current_draft(&self) -> Option<&DraftEvent> {
        self.entries.iter().rev().find_map(|(e, _)| match &e.event {
            Event::Draft(d) => Some(d),
            Event::Signoff(_) => None,
        })
    }

    /// The sequence number that voided sign-off `seq`, if any.
    pub fn voided_by(&self, seq: u32) -> Option<&DraftEvent> {
        self.entries.iter().find_map(|(e, _)| match &e.event {
            Event::Draft(d) if d.voids.contains(&seq) => Some(d),
            _ => None,
        })
    }

    /// Every sign-off with its sequence number.
    pub fn signoffs(&self) -> impl Iterator<Item = (u32, &Signoff)> {
        self.entries.iter().filter_map(|(e, _)| match &e.event {
            Event::Signoff(s) => Some((e.seq, s)),
            Event::Draft(_) => None,
        })
    }

    /// The valid sign-off of `step` for `draft`: signed for it and not void.
    pub fn valid(&self, draft: &str, step: &str) -> Option<(u32, &Signoff)> {
        self.signoffs()
            .find(|(seq, s)| s.draft == draft && s.step == step && self.voided_by(*seq).is_none())
    }

    /// A valid sign-off of `draft` by `name` of a step other than `step`
    /// (the first in the log), if any: a person who already holds a step
    /// of the draft, before or after its close.
    pub fn held_by(&self, draft: &str, step: &str, name: &str) -> Option<(u32, &Signoff)> {
        self.signoffs().find(|(seq, s)| {
            s.draft == draft
                && s.step != step
                && same_person(&s.name, name)
                && self.voided_by(*seq).is_none()
        })
    }

    /// The latest void sign-off of `step`, with the draft that voided it.
    pub fn void(&self, step: &str) -> Option<(&Signoff, &DraftEvent)> {
        self.signoffs()
            .filter(|(_, s)| s.step == step)
            .filter_map(|(seq, s)| self.voided_by(seq).map(|d| (s, d)))
            .last()
    }

    /// The sign-offs that are valid now (for the current draft), by seq.
    fn live(&self) -> Vec<u32> {
        self.signoffs()
            .filter(|(seq, _)| self.voided_by(*seq).is_none())
            .map(|(seq, _)| seq)
            .collect()
    }
}

/// Whether two signers' names are the same person's: compared with their
/// spaces trimmed (and any run of spaces inside read as one) and case
/// ignored, so `Zhang San` and ` zhang  san ` are one person; a Chinese
/// name compares as written.
pub fn same_person(a: &str, b: &str) -> bool {
    let norm = |n: &str| {
        n.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The drafts folder of a month.
pub fn month_dir(arch: &Archive, p: Period) -> PathBuf {
    arch.root.join(DRAFTS).join(p.to_string())
}

pub fn log_path(arch: &Archive, p: Period) -> PathBuf {
    month_dir(arch, p).join(LOG)
}

/// The months that have a drafts folder, oldest first.
pub fn months(arch: &Archive) -> Vec<Period> {
    let mut out: Vec<Period> = std::fs::read_dir(arch.root.join(DRAFTS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse().ok())
        .collect();
    out.sort();
    out
}

/// Parse a log's bytes; a line that is not an entry is an error at its
/// line, and so is a broken link (`verify` reports these as findings).
pub fn parse_log(path: &Path, bytes: &[u8]) -> Result<Log, Diagnostic> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Diagnostic::at_path(path, Code::BadSignoffs, says::log_not_utf8()))?;
    let mut log = Log::default();
    for (i, line) in text.lines().enumerate() {
        let at = format!("{}:{}", path.display(), i + 1);
        let entry: Entry = serde_json::from_str(line).map_err(|e| {
            Diagnostic::at_path(
                Path::new(&at),
                Code::BadSignoffs,
                says::around(&says::json_reason(&e), |r| says::not_a_log_entry(r)),
            )
        })?;
        let prev = log.head().map(String::from);
        if entry.previous != prev || entry.seq as usize != i + 1 {
            return Err(Diagnostic::at_path(
                Path::new(&at),
                Code::Changed,
                says::each(|l| {
                    says::log_link(
                        entry.seq,
                        entry.previous.as_deref().unwrap_or(says::nothing().get(l)),
                        prev.as_deref().unwrap_or(says::first_line().get(l)),
                    )
                }),
            ));
        }
        let sha = archive::sha256_hex(line.as_bytes());
        log.entries.push((entry, sha));
    }
    Ok(log)
}

/// A month's log; an empty one when the month has none.
pub fn read_log(arch: &Archive, p: Period) -> Result<Log, Diagnostic> {
    let path = log_path(arch, p);
    match std::fs::read(&path) {
        Ok(b) => parse_log(&path, &b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Log::default()),
        Err(e) => Err(Diagnostic::at_path(&path, Code::Io, says::cannot_read(e))),
    }
}

/// The record of a draft in the archive.
pub fn read_draft(arch: &Archive, p: Period, sha: &str) -> Result<DraftRecord, Diagnostic> {
    let path = month_dir(arch, p).join(sha).join(DRAFT);
    let bytes = std::fs::read(&path)
        .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_read(e)))?;
    if archive::sha256_hex(&bytes) != sha {
        return Err(Diagnostic::at_path(
            &path,
            Code::Changed,
            says::draft_not_its_name(sha),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        Diagnostic::at_path(
            &path,
            Code::BadDraft,
            says::around(&says::json_reason(&e), |r| says::not_a_draft(r)),
        )
    })
}

/// One file of a draft.
pub fn read_draft_file(
    arch: &Archive,
    p: Period,
    sha: &str,
    name: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let path = month_dir(arch, p).join(sha).join(name);
    std::fs::read(&path).map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_read(e)))
}

/// Append one event to a month's log (under the lock): the whole log is
/// written to a temporary file, synced, and renamed over the old one.
/// Returns the new entry and its SHA-256 (the log's new head).
pub fn append(
    arch: &Archive,
    _lock: &WriteLock,
    p: Period,
    log: &Log,
    event: Event,
) -> Result<(Entry, String), Diagnostic> {
    let dir = month_dir(arch, p);
    create_dirs(arch, &dir)?;
    let path = dir.join(LOG);
    let mut bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(Diagnostic::at_path(&path, Code::Io, says::cannot_read(e)));
        }
    };
    let entry = Entry {
        seq: log.entries.len() as u32 + 1,
        previous: log.head().map(String::from),
        event,
    };
    let line = serde_json::to_vec(&entry).unwrap_or_default();
    let sha = archive::sha256_hex(&line);
    bytes.extend_from_slice(&line);
    bytes.push(b'\n');
    let mut b = tempfile::Builder::new();
    b.prefix(".signoffs-");
    // The log is a file of the archive like the others, for whoever reads
    // the archive (the umask still applies): not the temporary file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = b
        .tempfile_in(&dir)
        .map_err(|e| Diagnostic::at_path(&dir, Code::Io, says::cannot_create_temp_file(e)))?;
    std::io::Write::write_all(&mut tmp, &bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_write(e)))?;
    tmp.persist(&path)
        .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_move(e.error)))?;
    archive::sync_dir(&dir)
        .map_err(|e| Diagnostic::at_path(&dir, Code::Io, says::cannot_sync_folder(e)))?;
    Ok((entry, sha))
}

/// `ARCHIVE/drafts/` and the month's folder, each new entry synced.
fn create_dirs(arch: &Archive, dir: &Path) -> Result<(), Diagnostic> {
    let drafts = arch.root.join(DRAFTS);
    for (d, parent) in [
        (&drafts, arch.root.as_path()),
        (&dir.to_path_buf(), &drafts),
    ] {
        if !d.is_dir() {
            std::fs::create_dir_all(d)
                .map_err(|e| Diagnostic::at_path(d, Code::Io, says::cannot_create(e)))?;
            archive::sync_dir(parent)
                .map_err(|e| Diagnostic::at_path(parent, Code::Io, says::cannot_sync_folder(e)))?;
        }
    }
    Ok(())
}

/// Put a draft's files in place (under the lock): staged in a temporary
/// folder, each file and the folder synced, renamed to its SHA-256. A draft
/// already in place has the same bytes (its name is their hash) and is
/// left as it is.
pub fn store_draft(
    arch: &Archive,
    _lock: &WriteLock,
    p: Period,
    record: &DraftRecord,
    files: &[(String, Vec<u8>)],
) -> Result<String, Diagnostic> {
    let dir = month_dir(arch, p);
    create_dirs(arch, &dir)?;
    // Staging folders present now were left by a process that died.
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for entry in rd.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let sha = record.sha256();
    let target = dir.join(&sha);
    if target.join(DRAFT).is_file() {
        return Ok(sha);
    }
    let tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempdir_in(&dir)
        .map_err(|e| Diagnostic::at_path(&dir, Code::Io, says::cannot_create_temp_folder(e)))?;
    let draft = (DRAFT.to_string(), record.to_bytes());
    for (name, bytes) in files.iter().chain(std::iter::once(&draft)) {
        let path = tmp.path().join(name);
        archive::create_parent(tmp.path(), name)
            .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_create_parent(e)))?;
        let mut f = std::fs::File::create(&path)
            .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_create(e)))?;
        std::io::Write::write_all(&mut f, bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_write(e)))?;
    }
    archive::sync_dir(tmp.path())
        .map_err(|e| Diagnostic::at_path(tmp.path(), Code::Io, says::cannot_sync_folder(e)))?;
    let tmp_path = tmp.keep();
    if target.exists() {
        // A folder without its record: left half-made by hand; replace it.
        let _ = std::fs::remove_dir_all(&target);
    }
    std::fs::rename(&tmp_path, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp_path);
        Diagnostic::at_path(&target, Code::Io, says::cannot_move_draft(e))
    })?;
    archive::sync_dir(&dir)
        .map_err(|e| Diagnostic::at_path(&dir, Code::Io, says::cannot_sync_folder(e)))?;
    Ok(sha)
}

/// Record a draft in the log (under the lock), unless it is already the
/// month's draft. A different draft voids every sign-off still valid.
/// Returns the sign-offs voided, or `None` when the draft was already the
/// month's (nothing is written then).
pub fn record_draft(
    arch: &Archive,
    lock: &WriteLock,
    p: Period,
    record: &DraftRecord,
) -> Result<Option<Vec<Signoff>>, Diagnostic> {
    let log = read_log(arch, p)?;
    let sha = record.sha256();
    if log.current_draft().is_some_and(|d| d.draft == sha) {
        return Ok(None);
    }
    let voids = log.live();
    let voided: Vec<Signoff> = log
        .signoffs()
        .filter(|(seq, _)| voids.contains(seq))
        .map(|(_, s)| s.clone())
        .collect();
    let event = Event::Draft(DraftEvent {
        draft: sha,
        ledger: record.ledger.original.clone(),
        ledger_sha256: record.ledger.sha256.clone(),
        policy_sha256: record.policy.sha256.clone(),
        opening: record.opening.clone(),
        voids,
    });
    append(arch, lock, p, &log, event)?;
    Ok(Some(voided))
}

/// The SHA-256s other manifests record for the manifest of month `p` as
/// closed (version 1): the next month's links to it, and a restated
/// version's record of the version it replaces.
fn vouched_for(arch: &Archive, p: Period) -> Vec<String> {
    let read = |dir: PathBuf| {
        std::fs::read(dir.join(archive::MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<archive::Manifest>(&b).ok())
    };
    let mut out = Vec::new();
    for v in arch.versions(p.next()) {
        if let Some(link) = read(arch.version_dir(p.next(), v)).and_then(|m| m.previous)
            && link.period == p.to_string()
            && link.version.unwrap_or(1) == 1
        {
            out.push(link.manifest_sha256);
        }
    }
    for v in arch.versions(p) {
        if let Some(r) = read(arch.version_dir(p, v)).and_then(|m| m.restated)
            && r.replaces.version.unwrap_or(1) == 1
        {
            out.push(r.replaces.manifest_sha256);
        }
    }
    out
}

/// Check every month's log: each line links to the one before it; the
/// sign-offs after a close name the closed month's manifest; a closed
/// month's manifest names a line of its log. Findings in `verify`'s shape;
/// returns, per closed month with steps signed after its close, the log's
/// head (worth writing down like the manifest's).
pub fn verify_logs(
    arch: &Archive,
    closed: &[(Period, String, Option<archive::Approval>)],
    findings: &mut Vec<archive::Finding>,
) -> Vec<(Period, String)> {
    let mut heads = Vec::new();
    for p in months(arch) {
        let path = log_path(arch, p);
        let log = match read_log(arch, p) {
            Ok(l) => l,
            Err(e) => {
                findings.push(e);
                continue;
            }
        };
        // Every draft the log names is in place, whole: its record hashes
        // to its name, and its files to the record.
        for (e, _) in &log.entries {
            let Event::Draft(d) = &e.event else { continue };
            let record = match read_draft(arch, p, &d.draft) {
                Ok(r) => r,
                Err(e) => {
                    findings.push(e);
                    continue;
                }
            };
            for f in &record.files {
                let path = month_dir(arch, p).join(&d.draft).join(&f.name);
                match std::fs::read(&path) {
                    Err(_) => findings.push(Diagnostic::at_path(
                        &path,
                        Code::Removed,
                        says::draft_file_missing(),
                    )),
                    Ok(b) if archive::sha256_hex(&b) != f.sha256 => {
                        findings.push(Diagnostic::at_path(
                            &path,
                            Code::Changed,
                            says::draft_sha_differs(archive::sha256_hex(&b), &f.sha256),
                        ))
                    }
                    Ok(_) => {}
                }
            }
        }
        let Some((_, manifest_sha, approval)) = closed.iter().find(|(c, _, _)| *c == p) else {
            continue;
        };
        let Some(approval) = approval else { continue };
        // The month as closed: version 1, named so where it was restated.
        let closed_label = |l| match arch.versions(p).len() {
            0 | 1 => p.to_string(),
            _ => crate::text::period_version(l, p, 1),
        };
        let manifest_path = arch.version_dir(p, 1).join(archive::MANIFEST);
        let Some(at) = log
            .entries
            .iter()
            .position(|(_, h)| *h == approval.signoffs_sha256)
        else {
            findings.push(Diagnostic::at_path(
                &path,
                Code::Changed,
                crate::text::each(|l| {
                    says::log_line_absent(closed_label(l), &approval.signoffs_sha256)
                }),
            ));
            continue;
        };
        // The sign-offs the manifest records are the log's, up to the close.
        for s in &approval.signoffs {
            let held = log.entries[..=at]
                .iter()
                .any(|(e, _)| matches!(&e.event, Event::Signoff(x) if x == s));
            if !held {
                findings.push(Diagnostic::at_path(
                    &manifest_path,
                    Code::Changed,
                    crate::text::each(|l| {
                        says::signoff_absent(closed_label(l), &s.title, &s.office, &s.name, &s.date)
                    }),
                ));
            }
        }
        let after = &log.entries[at + 1..];
        let vouched = vouched_for(arch, p);
        for (i, (e, _)) in after.iter().enumerate() {
            match &e.event {
                Event::Signoff(s) if s.manifest_sha256.as_deref() == Some(manifest_sha) => {}
                // The entry is as signed, and the manifest is what changed,
                // where the log's chain holds the entry (a line follows it
                // and links to it) or another manifest records the SHA-256
                // it names for the month as closed: said at the manifest.
                Event::Signoff(s)
                    if s.manifest_sha256.as_ref().is_some_and(|named| {
                        at + 1 + i + 1 < log.entries.len() || vouched.contains(named)
                    }) =>
                {
                    let named = s.manifest_sha256.as_deref().unwrap_or_default();
                    findings.push(Diagnostic::at_path(
                        &manifest_path,
                        Code::Changed,
                        crate::text::each(|l| {
                            says::closed_manifest_unlike_log(
                                closed_label(l),
                                manifest_sha,
                                e.seq,
                                named,
                            )
                        }),
                    ))
                }
                _ => findings.push(Diagnostic::at_path(
                    PathBuf::from(format!("{}:{}", path.display(), e.seq)),
                    Code::Changed,
                    crate::text::each(|l| {
                        says::after_close_unnamed(e.seq, closed_label(l), manifest_sha)
                    }),
                )),
            }
        }
        if !after.is_empty()
            && let Some(h) = log.head()
        {
            heads.push((p, h.to_string()));
        }
    }
    heads
}
