//! The archive of closed periods: a plain directory, one folder per period.
//!
//! ```text
//! ARCHIVE/
//!   .lock              empty; writers hold an OS lock on it
//!   2026-09/
//!     manifest.json      what is here, with SHA-256s, and the previous manifest's SHA-256
//!     ledger.xlsx        the ledger as given (its original name is in the manifest)
//!     policy.toml        the exact policy version used
//!     pay-2026-09.xlsx   the pay workbook
//!     pay-2026-09.json   the same results as JSON
//!     state.json         what carries into the next month
//!     figures.json       the month's figures a review reads (figures.rs)
//!   2026-10/ …
//! ```
//!
//! A period is written into a hidden temporary folder and renamed into place
//! in one step, so an interrupted close leaves the archive as it was. A
//! closed period is never overwritten. Each manifest names the previous
//! manifest's SHA-256, so the months form a hash chain that `verify` checks.
//!
//! Writers take the archive's lock ([`Archive::lock`], an OS file lock on
//! `ARCHIVE/.lock`, released when the process ends however it ends) and
//! hold it from their last look at the archive to the rename; only a
//! holder creates or removes staging folders. Readers take no lock: a
//! period appears by one rename of a complete, synced folder and is never
//! changed or removed by rmpay, so a reader sees a month whole or not at
//! all (docs/ARCHIVE.md, "Concurrent use").

use crate::diag::{Code, Diagnostic};
use crate::text::{Msg, archive as says};
pub mod figures;

use crate::period::Period;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The manifest's format: `/2` records the `build` that wrote it.
pub const FORMAT: &str = "rmpay.archive/2";
/// Manifests written before builds were recorded: read as ever, with no
/// `build` (docs/ARCHIVE.md, "manifest.json").
pub const FORMAT_V1: &str = "rmpay.archive/1";
pub const MANIFEST: &str = "manifest.json";
pub const STATE: &str = "state.json";
pub const POLICY: &str = "policy.toml";
/// The month's figures (`figures::FiguresV1`); absent from months closed
/// before it was kept.
pub const FIGURES: &str = "figures.json";
/// Prefix of the temporary folder a close writes into.
pub const TEMP_PREFIX: &str = ".close-";
/// The lock file in the archive's root. Empty, never removed: what is
/// locked is the OS lock on it, not its existence.
pub const LOCK: &str = ".lock";

/// Declares a record of a month's computation (the manifest of a closed
/// month, the record of a draft), its own fields after the head they all
/// start with: the record's format, the month, the version of rmpay that
/// computed it, the workbook's language, and the policy and ledger it was
/// computed from. The fields are plain fields of the struct, in this
/// order, so the JSON is as if written out in each.
macro_rules! month_record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            pub format: String,
            pub period: String,
            pub tool_version: String,
            /// Language of the workbook (`zh` or `en`).
            pub lang: String,
            pub policy: SourceFile,
            pub ledger: SourceFile,
            $($(#[$field_meta])* pub $field: $ty,)*
        }
    };
}
pub(crate) use month_record;

month_record! {
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The build of rmpay that wrote the manifest (format `/2`); absent
    /// from a `/1` manifest, written before builds were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<Build>,
    /// The previous period and its manifest's SHA-256; `null` for the first.
    pub previous: Option<Link>,
    /// For a restated version (2, 3, …) of the month: its number, the
    /// version it replaces and why (absent for the version closed first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restated: Option<Restated>,
    /// The sign-offs the month was closed on, where the policy has a
    /// `[workflow]` (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// Every other file of the folder, sorted by name.
    pub files: Vec<FileEntry>,
}
}

/// A build of rmpay: its crate version and the git commit it was built
/// from (`build.rs`); `commit` is `null` for a build from a source tree
/// without git.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    pub version: String,
    pub commit: Option<String>,
}

impl Build {
    /// This binary's build.
    pub fn current() -> Build {
        let commit = env!("RMPAY_GIT_COMMIT");
        Build {
            version: env!("CARGO_PKG_VERSION").to_string(),
            commit: (!commit.is_empty()).then(|| commit.to_string()),
        }
    }

    /// `0.1.0 (git 9563dfb…)`, or `0.1.0 (commit unknown: built without
    /// git)`, in both languages.
    pub fn said(&self) -> Msg {
        match &self.commit {
            Some(c) => crate::text::trust::build_commit(&self.version, c),
            None => crate::text::trust::build_no_commit(&self.version),
        }
    }
}

/// How a manifest names the build that wrote it: its `build`, or, for a
/// `/1` manifest, the version it records and that the build was not.
pub fn build_said(m: &Manifest) -> Msg {
    match &m.build {
        Some(b) => b.said(),
        None => crate::text::trust::build_not_recorded(&m.tool_version),
    }
}

/// Whether `format` is a manifest format this build reads, and the
/// manifest holds what its format says (`/2`: its `build`).
pub fn manifest_format_ok(m: &Manifest) -> Result<(), Msg> {
    match m.format.as_str() {
        FORMAT if m.build.is_none() => Err(crate::text::trust::manifest_without_build(FORMAT)),
        FORMAT | FORMAT_V1 => Ok(()),
        other => Err(says::unknown_state_format(other, FORMAT, FORMAT_V1)),
    }
}

/// What a month was closed on: the draft approved, the sign-offs up to the
/// approval, and the sign-off log's line at the close
/// (`drafts/YYYY-MM/signoffs.jsonl`, src/signoff.rs), so the hash chain
/// covers the log up to the close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// SHA-256 of the approved draft's `draft.json`.
    pub draft_sha256: String,
    /// SHA-256 of the log's last line when the month was closed.
    pub signoffs_sha256: String,
    /// In the workflow's order.
    pub signoffs: Vec<crate::signoff::Signoff>,
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
    /// The version of `period` linked to; absent for version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
}

impl Link {
    /// The month linked to; a link that names no month is a damaged
    /// manifest (`manifest`, the path of the manifest holding the link).
    pub fn month(&self, manifest: &Path) -> Result<Period, Diagnostic> {
        self.period.parse().map_err(|e: String| {
            Diagnostic::at_path(
                manifest,
                Code::BadManifest,
                says::field_not_a_period("previous.period", &self.period, e),
            )
        })
    }
}

/// What a restated version of a month is (`rmpay restate`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restated {
    /// This version's number (2 or more).
    pub version: u32,
    /// The version it replaces, with its manifest's SHA-256.
    pub replaces: Link,
    /// The month whose ledger was corrected (this one, or an earlier month
    /// whose correction rolls forward into this one).
    pub corrected: String,
    /// The restatement's last month (the archive's last closed month when
    /// it was made): its state carries the adjustments.
    pub last: String,
    /// Why, as given to `restate`.
    pub reason: String,
}

/// The folder name of a month's version: `2026-09` for version 1,
/// `2026-09.v2` for version 2.
pub fn version_name(p: Period, version: u32) -> String {
    if version <= 1 {
        p.to_string()
    } else {
        format!("{p}.v{version}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// A stored ledger's name in a period folder: `ledger.xlsx` for a workbook
/// (`ext` its extension), `ledger` for a ledger folder (`ext` empty),
/// whose files are stored as `ledger/deposits.csv` ….
pub fn ledger_name(ext: &str) -> String {
    if ext.is_empty() {
        "ledger".to_string()
    } else {
        format!("ledger.{ext}")
    }
}

/// The SHA-256 of a ledger folder stored as `stored_as/…` among `files`,
/// as `ledger::folder::sha256` takes it (its files' `sha256sum` list);
/// `None` when no file is stored under it.
pub fn folder_sha256(files: &[FileEntry], stored_as: &str) -> Option<String> {
    let prefix = format!("{stored_as}/");
    let mut list: Vec<(&str, &str)> = files
        .iter()
        .filter_map(|e| Some((e.name.strip_prefix(&prefix)?, e.sha256.as_str())))
        .collect();
    if list.is_empty() {
        return None;
    }
    list.sort();
    let text: String = list
        .iter()
        .map(|(name, sha)| format!("{sha}  {name}\n"))
        .collect();
    Some(sha256_hex(text.as_bytes()))
}

/// The files of a ledger as the archive stores them: a workbook as
/// `ledger.EXT`, a ledger folder's CSV and Parquet files as
/// `ledger/NAME` (see [`ledger_name`]).
pub fn ledger_files(path: &Path, ext: &str) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let name = ledger_name(ext);
    if !path.is_dir() {
        return Ok(vec![(name, std::fs::read(path)?)]);
    }
    let mut files = Vec::new();
    for f in crate::ledger::folder::ledger_files(path)? {
        let bytes = std::fs::read(path.join(&f))?;
        files.push((format!("{name}/{f}"), bytes));
    }
    Ok(files)
}

/// Create the folders a stored file's name puts it in (`ledger/…`).
pub(crate) fn create_parent(dir: &Path, name: &str) -> std::io::Result<()> {
    match Path::new(name).parent() {
        Some(sub) if !sub.as_os_str().is_empty() => std::fs::create_dir_all(dir.join(sub)),
        _ => Ok(()),
    }
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

pub struct Archive {
    pub root: PathBuf,
}

impl Archive {
    pub fn new(root: &Path) -> Archive {
        Archive {
            root: root.to_path_buf(),
        }
    }

    /// The folder of the month's version in force (docs/ARCHIVE.md,
    /// "Versions"): readers and the next month read this one.
    pub fn dir(&self, p: Period) -> PathBuf {
        self.version_dir(p, self.in_force(p))
    }

    /// The folder of one version of a month (version 1: `YYYY-MM`).
    pub fn version_dir(&self, p: Period, version: u32) -> PathBuf {
        self.root.join(version_name(p, version))
    }

    /// Every version folder of a month present, oldest first (1 when the
    /// month is closed), whether or not a restatement finished with it.
    pub fn versions(&self, p: Period) -> Vec<u32> {
        let mut out = Vec::new();
        if self.version_dir(p, 1).is_dir() {
            out.push(1);
        }
        let prefix = format!("{p}.v");
        if let Ok(rd) = std::fs::read_dir(&self.root) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(n) = name
                    .strip_prefix(&prefix)
                    .and_then(|n| n.parse::<u32>().ok())
                    && n >= 2
                    && version_name(p, n) == name
                    && e.path().is_dir()
                {
                    out.push(n);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// The version of a month in force: for the last closed month its
    /// newest version; for an earlier month, the version the next month's
    /// version in force links to. A restatement renames its last month's
    /// version into place last, so versions of a restatement that did not
    /// finish are never in force.
    pub fn in_force(&self, p: Period) -> u32 {
        if !self.version_dir(p, 2).is_dir() {
            return 1;
        }
        let Ok(periods) = self.periods() else {
            return 1;
        };
        // From the newest month whose newest version has a manifest: a
        // folder after it named as a month with none (made by hand, left
        // empty; `verify` names it) does not turn every restated month
        // back to its version 1.
        let manifest_of = |q: Period, v: u32| {
            std::fs::read(self.version_dir(q, v).join(MANIFEST))
                .ok()
                .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        };
        let Some((mut q, mut v)) = periods.iter().rev().find_map(|&q| {
            let v = self.versions(q).last().copied().unwrap_or(1);
            manifest_of(q, v).map(|_| (q, v))
        }) else {
            return 1;
        };
        while q > p {
            let link = manifest_of(q, v).and_then(|m| m.previous);
            match link {
                Some(l) if l.period == q.prev().to_string() => v = l.version.unwrap_or(1),
                _ => return 1,
            }
            q = q.prev();
        }
        v
    }

    /// Closed periods, oldest first. A missing archive has none.
    pub fn periods(&self) -> Result<Vec<Period>, Diagnostic> {
        let rd = match std::fs::read_dir(&self.root) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Diagnostic::at_path(
                    &self.root,
                    Code::Io,
                    says::cannot_read_archive(e),
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

    /// A folder named as a month that holds no manifest (made by hand, or
    /// left by a copy that did not finish) is not a closed month: a
    /// command that closes, drafts or opens from the archive stops at it,
    /// naming it, rather than taking it for a month closed (or the next
    /// month for one out of order).
    pub fn no_stray_month(&self) -> Result<(), Diagnostic> {
        for p in self.periods()? {
            let dir = self.version_dir(p, 1);
            if dir.join(MANIFEST).exists() {
                continue;
            }
            let held = std::fs::read_dir(&dir).map(|rd| rd.count()).unwrap_or(0);
            let content = match held {
                0 => crate::text::trust::stray_empty(),
                n => crate::text::trust::stray_holds(n),
            };
            let name = format!("{p}/");
            return Err(Diagnostic::at_path(
                &dir,
                Code::BadArchive,
                crate::text::nest(&content, |c| crate::text::trust::stray_month(&name, p, c)),
            ));
        }
        Ok(())
    }

    pub fn last(&self) -> Result<Option<Period>, Diagnostic> {
        Ok(self.periods()?.last().copied())
    }

    pub fn read(&self, p: Period, name: &str) -> Result<Vec<u8>, Diagnostic> {
        let path = self.dir(p).join(name);
        std::fs::read(&path).map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_read(e)))
    }

    pub fn manifest(&self, p: Period) -> Result<Manifest, Diagnostic> {
        let bytes = self.read(p, MANIFEST)?;
        let path = self.dir(p).join(MANIFEST);
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostic::at_path(
                &path,
                Code::BadManifest,
                says::around(&says::json_reason(&e), |r| says::not_a_manifest(r)),
            )
        })?;
        if let Err(message) = manifest_format_ok(&m) {
            return Err(Diagnostic::at_path(&path, Code::BadManifest, message));
        }
        Ok(m)
    }

    pub fn state(&self, p: Period) -> Result<crate::state::State, Diagnostic> {
        let bytes = self.read(p, STATE)?;
        let path = self.dir(p).join(STATE);
        crate::state::State::from_bytes(&bytes).map_err(|e| {
            Diagnostic::at_path(
                &path,
                Code::BadState,
                says::around(&e, |r| says::not_a_state(r)),
            )
        })
    }

    /// Where the month `p` must take its opening state from: `Ok(None)` for
    /// the archive's first period, `Ok(Some(prev))` when `prev` is closed.
    /// A closed, out-of-order or gapped period is an error.
    pub fn predecessor(&self, p: Period) -> Result<Option<Period>, Diagnostic> {
        self.no_stray_month()?;
        let periods = self.periods()?;
        if periods.contains(&p) {
            return Err(Diagnostic::at_path(
                self.dir(p),
                Code::AlreadyClosed,
                says::already_closed_rerun(p),
            ));
        }
        match periods.last() {
            None => Ok(None),
            Some(&last) if last.next() == p => Ok(Some(last)),
            Some(&last) if last > p => Err(Diagnostic::at_path(
                &self.root,
                Code::OutOfOrder,
                says::out_of_order(p, last),
            )),
            Some(&last) => Err(Diagnostic::at_path(
                &self.root,
                Code::PeriodGap,
                says::gap(last.next(), p, last),
            )),
        }
    }

    /// Take the archive's write lock: an exclusive OS lock on `ROOT/.lock`
    /// (creating the archive folder and the lock file if missing). When
    /// another process holds it, `waiting` is called once and the lock is
    /// retried until `wait` has passed; then `error[archive-busy]`. The
    /// lock is released when the returned value is dropped, or by the OS
    /// when the process dies, so a crash never leaves the archive locked.
    pub fn lock(&self, wait: Duration, waiting: &mut dyn FnMut()) -> Result<WriteLock, Diagnostic> {
        let created = !self.root.is_dir();
        std::fs::create_dir_all(&self.root).map_err(|e| {
            Diagnostic::at_path(&self.root, Code::Io, says::cannot_create_archive(e))
        })?;
        if created && let Some(parent) = self.root.parent() {
            // The new archive's own entry, so a synced month is findable.
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            sync_dir(parent)
                .map_err(|e| Diagnostic::at_path(parent, Code::Io, says::cannot_sync_folder(e)))?;
        }
        let path = self.root.join(LOCK);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_open_lock(e)))?;
        // A wait too long to represent is a wait without end.
        let deadline = Instant::now().checked_add(wait);
        let mut announced = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Diagnostic::at_path(&path, Code::Io, says::cannot_lock(e)));
                }
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Err(Diagnostic::at_path(
                    &path,
                    Code::ArchiveBusy,
                    says::busy(wait.as_secs()),
                ));
            }
            if !announced {
                waiting();
                announced = true;
            }
            let left = deadline.map_or(Duration::MAX, |d| d - now);
            std::thread::sleep(left.min(Duration::from_millis(20)));
        }
    }

    /// Write a period's files atomically: all into a temporary folder, each
    /// file and the folder synced, then one rename, then the archive folder
    /// synced. Refuses when the period exists. Only a holder of the lock
    /// may stage: staging folders present now were left by a process that
    /// died mid-close, and are removed.
    pub fn commit(
        &self,
        lock: &WriteLock,
        p: Period,
        files: &[(String, Vec<u8>)],
    ) -> Result<(), Diagnostic> {
        self.commit_version(lock, p, 1, files)
    }

    /// [`Archive::commit`] of one version of a month (`restate`): into
    /// `YYYY-MM.vN`, never over an existing folder.
    pub fn commit_version(
        &self,
        _lock: &WriteLock,
        p: Period,
        version: u32,
        files: &[(String, Vec<u8>)],
    ) -> Result<(), Diagnostic> {
        if let Ok(rd) = std::fs::read_dir(&self.root) {
            for entry in rd.flatten() {
                if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let target = self.version_dir(p, version);
        if target.exists() {
            return Err(Diagnostic::at_path(
                &target,
                Code::AlreadyClosed,
                says::already_closed(p),
            ));
        }
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{p}-"))
            .tempdir_in(&self.root)
            .map_err(|e| {
                Diagnostic::at_path(&self.root, Code::Io, says::cannot_create_temp_folder(e))
            })?;
        for (i, (name, bytes)) in files.iter().enumerate() {
            failpoint("close-after-files", i);
            let path = tmp.path().join(name);
            create_parent(tmp.path(), name)
                .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_create_parent(e)))?;
            let mut f = std::fs::File::create(&path)
                .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_create(e)))?;
            std::io::Write::write_all(&mut f, bytes)
                .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_write(e)))?;
            f.sync_all()
                .map_err(|e| Diagnostic::at_path(&path, Code::Io, says::cannot_sync(e)))?;
        }
        // The folder's entries are durable before it gets its name: a power
        // loss after the rename cannot leave a month without its files.
        for (name, _) in files {
            if let Some(sub) = Path::new(name)
                .parent()
                .filter(|s| !s.as_os_str().is_empty())
            {
                let sub = tmp.path().join(sub);
                sync_dir(&sub).map_err(|e| {
                    Diagnostic::at_path(&sub, Code::Io, says::cannot_sync_folder(e))
                })?;
            }
        }
        sync_dir(tmp.path())
            .map_err(|e| Diagnostic::at_path(tmp.path(), Code::Io, says::cannot_sync_folder(e)))?;
        let tmp_path = tmp.keep();
        std::fs::rename(&tmp_path, &target).map_err(|e| {
            let _ = std::fs::remove_dir_all(&tmp_path);
            if target.exists() {
                Diagnostic::at_path(&target, Code::AlreadyClosed, says::already_closed(p))
            } else {
                Diagnostic::at_path(&target, Code::Io, says::cannot_move_period(e))
            }
        })?;
        failpoint("close-after-rename", 0);
        // The rename itself is durable once the archive folder is synced.
        sync_dir(&self.root)
            .map_err(|e| Diagnostic::at_path(&self.root, Code::Io, says::not_synced(p, e)))?;
        Ok(())
    }
}

/// The archive's write lock, held while this value lives (see
/// [`Archive::lock`]).
pub struct WriteLock {
    _file: std::fs::File,
}

/// Make a folder's entries durable (a new file's name, a rename). Unix
/// only: elsewhere a folder cannot be opened to be synced, and the file
/// system journals its metadata.
pub(crate) fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(path)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// A crash on purpose, for the tests of interrupted closes:
/// `RMPAY_FAILPOINT=close-after-files:2` aborts the process after two files
/// of a period were written, `close-after-rename:0` once the period is in
/// place (before the archive folder is synced). Nothing else reads this
/// variable.
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
pub type Finding = Diagnostic;

/// Check the whole chain: every file against its manifest, every manifest
/// against the next period's link, each manifest's policy and ledger
/// against its own file list, no gaps, nothing added or removed.
/// Returns the findings and the SHA-256 of the newest manifest (the chain
/// head, worth writing down).
pub fn verify(archive: &Archive) -> Result<(Vec<Finding>, Option<String>), Diagnostic> {
    let periods = archive.periods()?;
    let mut findings = Vec::new();
    let mut prev: Option<(Period, String)> = None;
    let f = |path: PathBuf, code, message: Msg| Diagnostic::at_path(path, code, message);
    for &p in &periods {
        let dir = archive.dir(p);
        if let Some((pp, _)) = &prev
            && pp.next() != p
        {
            findings.push(f(
                dir.clone(),
                Code::PeriodGap,
                says::missing_between(pp.next(), pp, p),
            ));
        }
        let bytes = match archive.read(p, MANIFEST) {
            Ok(b) => b,
            Err(_) => {
                findings.push(f(
                    dir.join(MANIFEST),
                    Code::Removed,
                    says::manifest_missing(),
                ));
                prev = Some((p, String::new()));
                continue;
            }
        };
        let sha = sha256_hex(&bytes);
        let m = match archive.manifest(p) {
            Ok(m) => m,
            Err(e) => {
                findings.push(e);
                prev = Some((p, sha));
                continue;
            }
        };
        if m.period != p.to_string() {
            findings.push(f(
                dir.join(MANIFEST),
                Code::Changed,
                says::manifest_elsewhere(&m.period, p),
            ));
        }
        match (&m.previous, &prev) {
            (None, None) => {}
            // A missing manifest is reported as such, not as a link to a
            // hash of nothing.
            (Some(_), Some((_, psha))) if psha.is_empty() => {}
            (Some(link), Some((pp, psha))) => {
                if link.period != pp.to_string() || link.manifest_sha256 != *psha {
                    // Each month by the version in force, where restated:
                    // the manifests compared are those of versions.
                    let label = |q: &dyn std::fmt::Display, v: u32, l| match v {
                        1 => q.to_string(),
                        v => crate::text::period_version(l, q, v),
                    };
                    let linked = link.version.unwrap_or(1);
                    let message = crate::text::each(|l| {
                        says::link_broken(
                            label(pp, archive.in_force(*pp), l),
                            psha,
                            label(&p, archive.in_force(p), l),
                            label(&link.period, linked, l),
                            &link.manifest_sha256,
                        )
                    });
                    findings.push(f(archive.dir(*pp).join(MANIFEST), Code::Changed, message));
                }
            }
            (Some(link), None) => findings.push(f(
                dir.join(MANIFEST),
                Code::Removed,
                says::link_to_absent(p, &link.period),
            )),
            (None, Some((pp, _))) => {
                findings.push(f(dir.join(MANIFEST), Code::Changed, says::no_link(p, pp)))
            }
        }
        check_folder(&dir, p, &m, &mut findings);
        prev = Some((p, sha));
    }
    Ok((findings, prev.map(|(_, s)| s)))
}

/// One file a manifest lists (`entry`, in `dir`) against its entry: there,
/// with its SHA-256 and its size. `verify` holds every file of a folder
/// to its manifest so, and `rerun` the inputs it recomputes from.
pub fn check_entry(dir: &Path, entry: &FileEntry) -> Option<Finding> {
    let path = dir.join(&entry.name);
    match std::fs::read(&path) {
        Err(_) => Some(Diagnostic::at_path(
            path,
            Code::Removed,
            says::listed_but_missing(),
        )),
        Ok(b) => {
            let got = sha256_hex(&b);
            if got != entry.sha256 {
                Some(Diagnostic::at_path(
                    path,
                    Code::Changed,
                    says::sha_differs(&got, &entry.sha256),
                ))
            } else if b.len() as u64 != entry.bytes {
                Some(Diagnostic::at_path(
                    path,
                    Code::Changed,
                    says::size_differs(b.len(), entry.bytes),
                ))
            } else {
                None
            }
        }
    }
}

/// The manifest's own account of its policy and ledger (in `dir`, of `p`)
/// against its file list (which [`check_entry`] holds to the files): the
/// newest manifest has no successor's link to vouch for it.
pub fn check_sources(dir: &Path, p: Period, m: &Manifest) -> Vec<Finding> {
    let f = |path: PathBuf, code, message: Msg| Diagnostic::at_path(path, code, message);
    let mut findings = Vec::new();
    for (field, source) in [("policy", &m.policy), ("ledger", &m.ledger)] {
        // A ledger folder: its files' list is what its SHA-256 hashes.
        if let Some(sha) = folder_sha256(&m.files, &source.stored_as) {
            if sha != source.sha256 {
                findings.push(f(
                    dir.join(MANIFEST),
                    Code::Changed,
                    says::folder_sha_differs(field, p, &source.sha256, &source.stored_as, &sha),
                ));
            }
            continue;
        }
        match m.files.iter().find(|e| e.name == source.stored_as) {
            None => findings.push(f(
                dir.join(MANIFEST),
                Code::Changed,
                says::stored_as_absent(field, p, &source.stored_as),
            )),
            Some(entry) if entry.sha256 != source.sha256 => findings.push(f(
                dir.join(MANIFEST),
                Code::Changed,
                says::source_sha_differs(field, p, &source.sha256, &entry.name, &entry.sha256),
            )),
            Some(_) => {}
        }
    }
    findings
}

/// One version folder against its manifest: every file listed is there
/// with its SHA-256 and size, nothing else is, and the manifest's policy
/// and ledger agree with its file list.
fn check_folder(dir: &Path, p: Period, m: &Manifest, findings: &mut Vec<Finding>) {
    let f = |path: PathBuf, code, message: Msg| Diagnostic::at_path(path, code, message);
    let mut listed: Vec<&str> = vec![MANIFEST];
    for entry in &m.files {
        listed.push(&entry.name);
        findings.extend(check_entry(dir, entry));
    }
    findings.extend(check_sources(dir, p, m));
    // A stored ledger folder (`ledger/…`) is listed through its files.
    let mut subdirs: Vec<&str> = m
        .files
        .iter()
        .filter_map(|e| e.name.split_once('/').map(|(d, _)| d))
        .collect();
    subdirs.dedup();
    let mut found: Vec<String> = Vec::new();
    for sub in &subdirs {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            found.extend(
                rd.flatten()
                    .map(|e| format!("{sub}/{}", e.file_name().to_string_lossy())),
            );
        }
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !subdirs.contains(&n.as_str()))
            .chain(found)
            .filter(|n| !listed.contains(&n.as_str()))
            .collect();
        extra.sort();
        for n in extra {
            findings.push(f(dir.join(&n), Code::Added, says::not_listed()));
        }
    }
}

/// The versions of months that are not in force (replaced by `restate`):
/// each folder against its manifest, its link to the month before and, for
/// a restated version, to the version it replaces. Returns, per month with
/// more than one version, the versions and the one in force.
pub fn verify_versions(
    archive: &Archive,
    findings: &mut Vec<Finding>,
) -> Result<Vec<(Period, Vec<u32>, u32)>, Diagnostic> {
    let mut out = Vec::new();
    let sha_of = |dir: &Path| {
        std::fs::read(dir.join(MANIFEST))
            .ok()
            .map(|b| sha256_hex(&b))
    };
    for p in archive.periods()? {
        let versions = archive.versions(p);
        let in_force = archive.in_force(p);
        for &v in &versions {
            let dir = archive.version_dir(p, v);
            let m = match std::fs::read(dir.join(MANIFEST))
                .ok()
                .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            {
                Some(m) => m,
                // The version in force is reported with the chain.
                None if v == in_force => continue,
                None => {
                    findings.push(Diagnostic::at_path(
                        dir.join(MANIFEST),
                        Code::BadManifest,
                        says::version_manifest_bad(),
                    ));
                    continue;
                }
            };
            if v > in_force {
                findings.push(Diagnostic::at_path(
                    &dir,
                    Code::Added,
                    says::version_not_in_force(v, p),
                ));
                continue;
            }
            if v != in_force {
                // The version in force is checked with the chain.
                check_folder(&dir, p, &m, findings);
                if let Some(link) = &m.previous {
                    let pp: Option<Period> = link.period.parse().ok();
                    let got = pp
                        .and_then(|pp| sha_of(&archive.version_dir(pp, link.version.unwrap_or(1))));
                    if got.as_deref() != Some(link.manifest_sha256.as_str()) {
                        // At the manifest that does not hash to the link
                        // (the chain's own links are reported so).
                        let at = pp.map_or(dir.clone(), |pp| {
                            archive.version_dir(pp, link.version.unwrap_or(1))
                        });
                        findings.push(Diagnostic::at_path(at.join(MANIFEST), Code::Changed, {
                            let (lp, lv) = (&link.period, link.version.unwrap_or(1));
                            let sha = &link.manifest_sha256;
                            match &got {
                                Some(got) => says::version_links(v, p, lp, lv, sha, got),
                                None => says::version_links_missing(v, p, lp, lv, sha),
                            }
                        }));
                    }
                }
            }
            let expected = (v > 1).then_some(v);
            match (&m.restated, expected) {
                (None, None) => {}
                (Some(r), Some(n)) if r.version == n => {
                    let old = r.replaces.version.unwrap_or(1);
                    let got = sha_of(&archive.version_dir(p, old));
                    if old >= v || got.as_deref() != Some(r.replaces.manifest_sha256.as_str()) {
                        // At the replaced version's manifest, which does not
                        // hash to what this one says it replaces.
                        let at = if old < v {
                            archive.version_dir(p, old)
                        } else {
                            dir.clone()
                        };
                        findings.push(Diagnostic::at_path(
                            at.join(MANIFEST),
                            Code::Changed,
                            match &got {
                                Some(got) => says::version_replaces(
                                    v,
                                    p,
                                    old,
                                    &r.replaces.manifest_sha256,
                                    got,
                                ),
                                None => says::version_replaces_missing(
                                    v,
                                    p,
                                    old,
                                    &r.replaces.manifest_sha256,
                                ),
                            },
                        ));
                    }
                }
                _ => findings.push(Diagnostic::at_path(
                    dir.join(MANIFEST),
                    Code::Changed,
                    says::version_unsaid(v, p),
                )),
            }
        }
        if versions.len() > 1 {
            out.push((p, versions, in_force));
        }
    }
    Ok(out)
}
