//! Several files written as one: every file is built and written to a
//! temporary file beside its place first; only then are they renamed into
//! place, and if a rename fails, the files already renamed are put back as
//! they were (a file that existed is restored, a new one removed). So a
//! run leaves either all its files or none of them.
//!
//! (A small local helper for `rmpay statement`; a shared "output set" for
//! every command may replace it.)

use super::{WriteError, temp_beside};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What one committed file replaced, to undo it.
struct Done {
    path: PathBuf,
    /// Where the file that was there before was moved.
    backup: Option<PathBuf>,
}

fn undo(done: Vec<Done>) {
    for d in done.into_iter().rev() {
        let _ = std::fs::remove_file(&d.path);
        if let Some(b) = d.backup {
            let _ = std::fs::rename(&b, &d.path);
        }
    }
}

/// A free name beside `path` to move an existing file to.
fn backup_name(path: &Path) -> Result<PathBuf, WriteError> {
    let tmp = temp_beside(path)?;
    tmp.into_temp_path().keep().map_err(|e| WriteError {
        path: path.to_path_buf(),
        message: format!("cannot keep a temporary file: {}", e.error),
    })
}

/// Write every `(path, bytes)` or none. Paths must differ.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), WriteError> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        if staged.iter().any(|(p, _): &(&PathBuf, _)| *p == path) {
            return Err(WriteError {
                path: path.clone(),
                message: "the same file twice in one run".into(),
            });
        }
        let err = |m: String| WriteError {
            path: path.clone(),
            message: m,
        };
        let mut tmp = temp_beside(path)?;
        tmp.write_all(bytes)
            .map_err(|e| err(format!("cannot write: {e}")))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| err(format!("cannot sync: {e}")))?;
        staged.push((path, tmp));
    }
    let mut done: Vec<Done> = Vec::with_capacity(staged.len());
    for (path, tmp) in staged {
        let backup = if path.is_file() {
            let b = match backup_name(path) {
                Ok(b) => b,
                Err(e) => {
                    undo(done);
                    return Err(e);
                }
            };
            if let Err(e) = std::fs::rename(path, &b) {
                let _ = std::fs::remove_file(&b);
                undo(done);
                return Err(WriteError {
                    path: path.clone(),
                    message: format!("cannot move the old file aside: {e}"),
                });
            }
            Some(b)
        } else {
            None
        };
        if let Err(e) = tmp.persist(path) {
            if let Some(b) = &backup {
                let _ = std::fs::rename(b, path);
            }
            undo(done);
            return Err(WriteError {
                path: path.clone(),
                message: format!("cannot rename into place: {}", e.error),
            });
        }
        done.push(Done {
            path: path.clone(),
            backup,
        });
    }
    for d in done {
        if let Some(b) = d.backup {
            let _ = std::fs::remove_file(b);
        }
    }
    Ok(())
}
