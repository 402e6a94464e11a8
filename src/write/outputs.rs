//! A command's outputs, committed together: every file is written whole
//! into a temporary file beside its place first, and only when all are
//! complete are they renamed into place. Any failure leaves nothing new:
//! the temporary files are removed, a folder made for the outputs is
//! removed again, and if a rename fails part-way the files already renamed
//! are put back as they were (an output that replaced a file gets the old
//! file back).

use super::XlsxSink;
use crate::diag::Diagnostic;
use crate::text::{self, Msg};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The outputs of one command, staged and waiting to be committed.
/// Dropped without [`OutputSet::commit`], it leaves nothing behind.
#[derive(Default)]
pub struct OutputSet {
    staged: Vec<(PathBuf, tempfile::NamedTempFile)>,
    /// Folders made by [`OutputSet::create_dir`], outermost first.
    made_dirs: Vec<PathBuf>,
    committed: bool,
}

/// The OS's reason for an I/O failure, in both languages: the Chinese of
/// its kind (`没有权限`), the OS's own English text (`Permission denied
/// (os error 13)`), without the temporary file's name that `tempfile` adds
/// (` at path "…/.rmpay-x1Y2z3.tmp"`), so messages are the same on every
/// run. Every I/O failure that becomes a message goes through here.
pub fn os_reason(e: &std::io::Error) -> Msg {
    let en = match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => {
            let s = e.to_string();
            match s.split_once(" at path \"") {
                Some((reason, _)) => reason.to_string(),
                None => s,
            }
        }
    };
    let zh = match text::run::io_reason_zh(e.kind()) {
        Some(zh) => zh.to_string(),
        None => text::run::io_reason_other(&en),
    };
    Msg::new(zh, en)
}

fn err(path: &Path, message: Msg) -> Diagnostic {
    Diagnostic::at_path(path, crate::diag::Code::Io, message)
}

/// `sentence(reason)` in each language (`text::run::cannot_write`, …).
fn because(e: &std::io::Error, sentence: impl Fn(&str) -> Msg) -> Msg {
    text::run::nest(&os_reason(e), sentence)
}

/// A staged file's name begins and ends so.
const TEMP_PREFIX: &str = ".rmpay-";
const TEMP_SUFFIX: &str = ".tmp";

/// Remove the staged files in `dir` that no living run holds: those of a
/// run killed before it could remove its own (a killed `payout` left a
/// partial pay-out file, `.rmpay-*.tmp`, in what may be the bank's drop
/// folder).
fn remove_stale_temps(dir: &Path) {
    remove_unheld(dir, |name, kind| {
        kind.is_file() && name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
    });
}

/// Remove the entries of `dir` that `ours` names (by file name and type)
/// and no living run holds. Each run holds an OS lock on what it makes
/// there while it lives (a staged output, a ledger's private copy), which
/// the OS drops when the process dies, however it dies; so what nobody
/// holds is a killed run's, and goes (unix; elsewhere a killed run's
/// entries stay). Another user's, and anything that cannot be removed,
/// are left as they are.
pub(crate) fn remove_unheld(dir: &Path, ours: impl Fn(&str, std::fs::FileType) -> bool) {
    #[cfg(unix)]
    {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            if !ours(&e.file_name().to_string_lossy(), kind) {
                continue;
            }
            let path = e.path();
            if let Ok(f) = std::fs::File::open(&path)
                && f.try_lock().is_ok()
            {
                let _ = if kind.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, ours);
}

/// Whether `path` still names the file or folder `opened` is open on:
/// checked once a lock is taken, since another run's [`remove_unheld`]
/// may have removed it between its making and the lock.
pub(crate) fn still_names(path: &Path, opened: &std::fs::File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(path), opened.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (path, opened);
        true
    }
}

/// The folder a file goes in (`.` for a bare file name).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl OutputSet {
    pub fn new() -> OutputSet {
        OutputSet::default()
    }

    /// Make the output folder `dir` (and any missing parents) if it does
    /// not exist. A file's own folder (`--json FILE`) is not made: it must
    /// exist, as for any program writing a named file.
    pub fn create_dir(&mut self, dir: &Path) -> Result<(), Diagnostic> {
        let mut missing = Vec::new();
        let mut d = dir;
        loop {
            match std::fs::symlink_metadata(d) {
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(d),
                Err(e) => return Err(err(dir, because(&e, |r| text::run::cannot_create(r)))),
            }
            match d.parent() {
                Some(p) if !p.as_os_str().is_empty() => d = p,
                _ => break,
            }
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(d)
                .map_err(|e| err(dir, because(&e, |r| text::run::cannot_create(r))))?;
            self.made_dirs.push(d.to_path_buf());
        }
        Ok(())
    }

    /// A temporary file beside `path`, not yet holding anything.
    fn temp_for(&self, path: &Path) -> Result<tempfile::NamedTempFile, Diagnostic> {
        if self.staged.iter().any(|(p, _)| p == path) {
            return Err(err(path, text::run::two_outputs_one_name()));
        }
        let dir = dir_of(path);
        remove_stale_temps(&dir);
        let mut b = tempfile::Builder::new();
        b.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        // Outputs are ordinary files to read and share (the umask still
        // applies).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let failed = |e: std::io::Error| {
            err(
                path,
                because(&e, |r| text::run::cannot_create_in(dir.display(), r)),
            )
        };
        // Held (an OS lock on it) while it lives, so that another run's
        // `remove_stale_temps` leaves it; and checked to be still there
        // once held, since another run may have removed it in between.
        for _ in 0..64 {
            let tmp = b.tempfile_in(&dir).map_err(failed)?;
            tmp.as_file().lock().map_err(failed)?;
            if still_names(tmp.path(), tmp.as_file()) {
                return Ok(tmp);
            }
        }
        Err(failed(std::io::Error::other(
            "the folder's temporary files keep disappearing",
        )))
    }

    fn stage(&mut self, path: &Path, tmp: tempfile::NamedTempFile) -> Result<(), Diagnostic> {
        tmp.as_file()
            .sync_all()
            .map_err(|e| err(path, because(&e, |r| text::run::cannot_write(r))))?;
        self.staged.push((path.to_path_buf(), tmp));
        Ok(())
    }

    /// Stage `bytes` as the file `path`.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
        let mut tmp = self.temp_for(path)?;
        tmp.write_all(bytes)
            .map_err(|e| err(path, because(&e, |r| text::run::cannot_write(r))))?;
        self.stage(path, tmp)
    }

    /// Stage the file `path` as `write` writes it (a large output streamed
    /// to its temporary file, not built in memory first).
    pub fn add_with(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let mut tmp = self.temp_for(path)?;
        write(tmp.as_file_mut())
            .map_err(|e| err(path, because(&e, |r| text::run::cannot_write(r))))?;
        self.stage(path, tmp)
    }

    /// [`OutputSet::add_with`] on a thread of its own, while `meanwhile`
    /// stages the command's other outputs here: a big file (a city bank's
    /// client detail file, 145 MiB) is made, written and synced while the
    /// workbook is built. It is staged after what `meanwhile` stages (the
    /// order `commit` renames in), and only if both succeed; a failure of
    /// `meanwhile` is returned first. `meanwhile`'s result, if all went
    /// well.
    pub fn add_with_meanwhile<T, E: From<Diagnostic>>(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send,
        meanwhile: impl FnOnce(&mut OutputSet) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut tmp = self.temp_for(path)?;
        let (done, written) = std::thread::scope(|s| {
            let writer = s.spawn(move || {
                write(tmp.as_file_mut())?;
                tmp.as_file().sync_all()?;
                Ok::<_, std::io::Error>(tmp)
            });
            let done = meanwhile(self);
            match writer.join() {
                Ok(written) => (done, written),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        let done = done?;
        let tmp = written.map_err(|e| err(path, because(&e, |r| text::run::cannot_write(r))))?;
        self.staged.push((path.to_path_buf(), tmp));
        Ok(done)
    }

    /// Stage a finished workbook as its file (large workbooks go straight
    /// to the temporary file, not through memory).
    pub fn add_workbook(&mut self, sink: XlsxSink) -> Result<(), Diagnostic> {
        let path = sink.path.clone();
        let mut tmp = self.temp_for(&path)?;
        sink.save_to(tmp.as_file_mut())?;
        self.stage(&path, tmp)
    }

    /// Rename every staged file into place, in the order added. If one
    /// rename fails, the ones before it are undone and the error returned.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Diagnostic> {
        let staged = std::mem::take(&mut self.staged);
        // (path, the file it replaced, kept aside) of each file renamed.
        let mut done: Vec<(PathBuf, Option<tempfile::NamedTempFile<()>>)> = Vec::new();
        let mut failure = None;
        for (path, tmp) in staged {
            // Keep a link to a file about to be replaced, to put it back.
            let old = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => {
                    let kept = tempfile::Builder::new()
                        .prefix(".rmpay-")
                        .suffix(".old")
                        .make_in(dir_of(&path), |p| {
                            std::fs::hard_link(&path, p)
                                .or_else(|_| std::fs::copy(&path, p).map(|_| ()))
                        });
                    match kept {
                        Ok(k) => Some(k),
                        Err(e) => {
                            failure = Some(err(
                                &path,
                                because(&e, |r| text::run::cannot_keep_replaced(r)),
                            ));
                            break;
                        }
                    }
                }
                _ => None,
            };
            if let Err(e) = tmp.persist(&path) {
                failure = Some(err(
                    &path,
                    because(&e.error, |r| text::run::cannot_rename(r)),
                ));
                break;
            }
            done.push((path, old));
        }
        let Some(failure) = failure else {
            self.committed = true;
            return Ok(done.into_iter().map(|(p, _)| p).collect());
        };
        // Undo, newest first: the old file back, or the new one gone.
        for (path, old) in done.into_iter().rev() {
            match old {
                Some(k) => {
                    let _ = k.persist(&path);
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        Err(failure)
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        // Temporary files go first, so the folders made are empty again.
        self.staged.clear();
        if !self.committed {
            for d in self.made_dirs.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::os_reason;
    use crate::text::Lang;
    use std::io::{Error, ErrorKind};

    /// Chinese by the failure's kind, English as the OS says it; a kind
    /// with no Chinese quotes the OS.
    #[test]
    fn os_reasons_in_both_languages() {
        let denied = os_reason(&Error::from_raw_os_error(13));
        assert_eq!(denied.get(Lang::Zh), "没有权限");
        assert_eq!(denied.get(Lang::En), "Permission denied (os error 13)");
        let full = os_reason(&Error::from(ErrorKind::StorageFull));
        assert_eq!(full.get(Lang::Zh), "磁盘已满");
        let folder = os_reason(&Error::from_raw_os_error(21));
        assert_eq!(folder.get(Lang::Zh), "是一个文件夹，不是文件");
        // tempfile's path is dropped in both.
        let other = os_reason(&Error::other("disk on fire at path \"/tmp/.rmpay-x.tmp\""));
        assert_eq!(other.get(Lang::En), "disk on fire");
        assert_eq!(other.get(Lang::Zh), "操作系统报告：disk on fire");
    }
}
