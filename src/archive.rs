//! The archive of closed periods: a plain directory, one folder per period.
//!
//! ```text
//! ARCHIVE/
//!   2026-09/
//!     manifest.json      what is here, with SHA-256s, and the previous manifest's SHA-256
//!     ledger.xlsx        the ledger as given (its original name is in the manifest)
//!     policy.toml        the exact policy version used
//!     pay-2026-09.xlsx   the pay workbook
//!     pay-2026-09.json   the same results as JSON
//!     state.json         what carries into the next month
//!   2026-10/ …
//! ```
//!
//! A period is written into a hidden temporary folder and renamed into place
//! in one step, so an interrupted close leaves the archive as it was. A
//! closed period is never overwritten. Each manifest names the previous
//! manifest's SHA-256, so the months form a hash chain that `verify` checks.

use crate::period::Period;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "rmpay.archive/1";
pub const MANIFEST: &str = "manifest.json";
pub const STATE: &str = "state.json";
pub const POLICY: &str = "policy.toml";
/// Prefix of the temporary folder a close writes into.
pub const TEMP_PREFIX: &str = ".close-";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub period: String,
    pub tool_version: String,
    /// Language of the archived workbook (`zh` or `en`).
    pub lang: String,
    pub policy: SourceFile,
    pub ledger: SourceFile,
    /// The previous period and its manifest's SHA-256; `null` for the first.
    pub previous: Option<Link>,
    /// Every other file of the folder, sorted by name.
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The name the user gave (shown in the outputs).
    pub original: String,
    /// The copy's name in the period folder.
    pub stored_as: String,
    pub sha256: String,
    /// Policy id and version (policies only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub period: String,
    pub manifest_sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::policy::hex(&Sha256::digest(bytes))
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// An archive error: which path, what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError {
    pub path: PathBuf,
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: error[{}]: {}",
            self.path.display(),
            self.code,
            self.message
        )
    }
}

fn err(path: &Path, code: &'static str, message: impl Into<String>) -> ArchiveError {
    ArchiveError {
        path: path.to_path_buf(),
        code,
        message: message.into(),
    }
}

pub struct Archive {
    pub root: PathBuf,
}

impl Archive {
    pub fn new(root: &Path) -> Archive {
        Archive {
            root: root.to_path_buf(),
        }
    }

    pub fn dir(&self, p: Period) -> PathBuf {
        self.root.join(p.to_string())
    }

    /// Closed periods, oldest first. A missing archive has none.
    pub fn periods(&self) -> Result<Vec<Period>, ArchiveError> {
        let rd = match std::fs::read_dir(&self.root) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(err(
                    &self.root,
                    "io",
                    format!("cannot read the archive: {e}"),
                ));
            }
        };
        let mut out = Vec::new();
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(p) = name.parse::<Period>()
                && entry.path().is_dir()
            {
                out.push(p);
            }
        }
        out.sort();
        Ok(out)
    }

    pub fn last(&self) -> Result<Option<Period>, ArchiveError> {
        Ok(self.periods()?.last().copied())
    }

    pub fn read(&self, p: Period, name: &str) -> Result<Vec<u8>, ArchiveError> {
        let path = self.dir(p).join(name);
        std::fs::read(&path).map_err(|e| err(&path, "io", format!("cannot read: {e}")))
    }

    pub fn manifest(&self, p: Period) -> Result<Manifest, ArchiveError> {
        let bytes = self.read(p, MANIFEST)?;
        let path = self.dir(p).join(MANIFEST);
        let m: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| err(&path, "bad-manifest", format!("not a valid manifest: {e}")))?;
        if m.format != FORMAT {
            return Err(err(
                &path,
                "bad-manifest",
                format!("unknown format `{}`, expected `{FORMAT}`", m.format),
            ));
        }
        Ok(m)
    }

    pub fn state(&self, p: Period) -> Result<crate::state::State, ArchiveError> {
        let bytes = self.read(p, STATE)?;
        let path = self.dir(p).join(STATE);
        crate::state::State::from_bytes(&bytes)
            .map_err(|e| err(&path, "bad-state", format!("not a valid state file: {e}")))
    }

    /// Where the month `p` must take its opening state from: `Ok(None)` for
    /// the archive's first period, `Ok(Some(prev))` when `prev` is closed.
    /// A closed, out-of-order or gapped period is an error.
    pub fn predecessor(&self, p: Period) -> Result<Option<Period>, ArchiveError> {
        let periods = self.periods()?;
        if periods.contains(&p) {
            return Err(err(
                &self.dir(p),
                "already-closed",
                format!(
                    "{p} is already closed; a closed period is never overwritten (use `rmpay rerun` to re-check it)"
                ),
            ));
        }
        match periods.last() {
            None => Ok(None),
            Some(&last) if last.next() == p => Ok(Some(last)),
            Some(&last) if last > p => Err(err(
                &self.root,
                "out-of-order",
                format!("{p} comes before {last}, the last closed period; periods close in order"),
            )),
            Some(&last) => Err(err(
                &self.root,
                "period-gap",
                format!(
                    "{} is not closed yet: close it before {p} (the last closed period is {last})",
                    last.next()
                ),
            )),
        }
    }

    /// Write a period's files atomically: all into a temporary folder, then
    /// one rename. Refuses when the period exists.
    pub fn commit(&self, p: Period, files: &[(String, Vec<u8>)]) -> Result<(), ArchiveError> {
        std::fs::create_dir_all(&self.root)
            .map_err(|e| err(&self.root, "io", format!("cannot create the archive: {e}")))?;
        // Leftovers of an interrupted close are ours to clear.
        if let Ok(rd) = std::fs::read_dir(&self.root) {
            for entry in rd.flatten() {
                if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let target = self.dir(p);
        if target.exists() {
            return Err(err(
                &target,
                "already-closed",
                format!("{p} is already closed; a closed period is never overwritten"),
            ));
        }
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{p}-"))
            .tempdir_in(&self.root)
            .map_err(|e| {
                err(
                    &self.root,
                    "io",
                    format!("cannot create a temporary folder: {e}"),
                )
            })?;
        for (i, (name, bytes)) in files.iter().enumerate() {
            failpoint("close-after-files", i);
            let path = tmp.path().join(name);
            let mut f = std::fs::File::create(&path)
                .map_err(|e| err(&path, "io", format!("cannot create: {e}")))?;
            std::io::Write::write_all(&mut f, bytes)
                .map_err(|e| err(&path, "io", format!("cannot write: {e}")))?;
            f.sync_all()
                .map_err(|e| err(&path, "io", format!("cannot sync: {e}")))?;
        }
        if let Ok(d) = std::fs::File::open(tmp.path()) {
            let _ = d.sync_all();
        }
        let tmp_path = tmp.keep();
        std::fs::rename(&tmp_path, &target).map_err(|e| {
            let _ = std::fs::remove_dir_all(&tmp_path);
            if target.exists() {
                err(
                    &target,
                    "already-closed",
                    format!("{p} is already closed; a closed period is never overwritten"),
                )
            } else {
                err(
                    &target,
                    "io",
                    format!("cannot move the period into place: {e}"),
                )
            }
        })?;
        if let Ok(d) = std::fs::File::open(&self.root) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// A crash on purpose, for the tests of interrupted closes:
/// `RMPAY_FAILPOINT=close-after-files:2` aborts the process after two files
/// of a period were written. Nothing else reads this variable.
fn failpoint(name: &str, count: usize) {
    if let Ok(v) = std::env::var("RMPAY_FAILPOINT")
        && let Some((n, at)) = v.split_once(':')
        && n == name
        && at.parse::<usize>().ok() == Some(count)
    {
        std::process::abort();
    }
}

/// One finding of `verify`: a path, what is wrong with it, in the same
/// shape as any archive error.
pub type Finding = ArchiveError;

/// Check the whole chain: every file against its manifest, every manifest
/// against the next period's link, no gaps, nothing added or removed.
/// Returns the findings and the SHA-256 of the newest manifest (the chain
/// head, worth writing down).
pub fn verify(archive: &Archive) -> Result<(Vec<Finding>, Option<String>), ArchiveError> {
    let periods = archive.periods()?;
    let mut findings = Vec::new();
    let mut prev: Option<(Period, String)> = None;
    let f = |path: PathBuf, code, message: String| Finding {
        path,
        code,
        message,
    };
    for &p in &periods {
        let dir = archive.dir(p);
        if let Some((pp, _)) = &prev
            && pp.next() != p
        {
            findings.push(f(
                dir.clone(),
                "period-gap",
                format!("{} is missing between {pp} and {p}", pp.next()),
            ));
        }
        let bytes = match archive.read(p, MANIFEST) {
            Ok(b) => b,
            Err(_) => {
                findings.push(f(
                    dir.join(MANIFEST),
                    "removed",
                    "the manifest is missing".into(),
                ));
                prev = Some((p, String::new()));
                continue;
            }
        };
        let sha = sha256_hex(&bytes);
        let m = match archive.manifest(p) {
            Ok(m) => m,
            Err(e) => {
                findings.push(f(e.path, e.code, e.message));
                prev = Some((p, sha));
                continue;
            }
        };
        if m.period != p.to_string() {
            findings.push(f(
                dir.join(MANIFEST),
                "changed",
                format!(
                    "the manifest is for {}, but sits in the folder of {p}",
                    m.period
                ),
            ));
        }
        match (&m.previous, &prev) {
            (None, None) => {}
            (Some(link), Some((pp, psha))) => {
                if link.period != pp.to_string() || link.manifest_sha256 != *psha {
                    findings.push(f(
                        archive.dir(*pp).join(MANIFEST),
                        "changed",
                        format!(
                            "the manifest of {pp} has SHA-256 {psha}, but {p}'s manifest links to {} {}",
                            link.period, link.manifest_sha256
                        ),
                    ));
                }
            }
            (Some(link), None) => findings.push(f(
                dir.join(MANIFEST),
                "removed",
                format!("{p} links to {}, which is not in the archive", link.period),
            )),
            (None, Some((pp, _))) => findings.push(f(
                dir.join(MANIFEST),
                "changed",
                format!("{p} has no link to the previous period {pp}"),
            )),
        }
        let mut listed: Vec<&str> = vec![MANIFEST];
        for entry in &m.files {
            listed.push(&entry.name);
            let path = dir.join(&entry.name);
            match std::fs::read(&path) {
                Err(_) => findings.push(f(
                    path,
                    "removed",
                    "listed in the manifest but missing".into(),
                )),
                Ok(b) => {
                    let got = sha256_hex(&b);
                    if got != entry.sha256 {
                        findings.push(f(
                            path,
                            "changed",
                            format!("SHA-256 is {got}, the manifest says {}", entry.sha256),
                        ));
                    }
                }
            }
        }
        if let Ok(rd) = std::fs::read_dir(&dir) {
            let mut extra: Vec<String> = rd
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !listed.contains(&n.as_str()))
                .collect();
            extra.sort();
            for n in extra {
                findings.push(f(
                    dir.join(&n),
                    "added",
                    "not listed in the manifest".into(),
                ));
            }
        }
        prev = Some((p, sha));
    }
    Ok((findings, prev.map(|(_, s)| s)))
}
