//! A ledger folder: one CSV or Parquet file per sheet, named by the sheet's
//! English or Chinese name (`deposits.csv`, `存款日余额.parquet`), read with
//! the workbook's contract (docs/LEDGER.md, "Ledger folders").
//!
//! Each file is one sheet: its rows go through the same row path as a
//! workbook's ([`Reader::feed_row`]), so the checks, the deposit
//! aggregation and the all-errors-at-once reporting are the workbook's.
//! Only where a value is differs: `folder/deposits.csv:17:5` (line, field)
//! or `folder/deposits.parquet row 12 column balance`.

use super::model::{FileForm, SheetKind};
use super::{Reader, SheetCtx, csv_file, parquet_file};
use crate::diag::Code;
use crate::diag::Location;
use crate::text::{Msg, ledger as says};
use std::path::Path;

/// The extensions a sheet's file may have, lowercase.
const EXTENSIONS: [&str; 2] = ["csv", "parquet"];

/// The extension of a ledger file (`csv` or `parquet`), lowercase.
fn extension(name: &str) -> Option<&'static str> {
    let (_, ext) = name.rsplit_once('.')?;
    EXTENSIONS.into_iter().find(|e| e.eq_ignore_ascii_case(ext))
}

/// The part of a sheet's name that is matched: in a folder, the file name
/// without its `.csv` or `.parquet`.
pub(crate) fn sheet_stem(name: &str, in_folder: bool) -> &str {
    match (in_folder, name.rsplit_once('.')) {
        (true, Some((stem, ext))) if extension(name).is_some() && !ext.is_empty() => stem,
        _ => name,
    }
}

/// The ledger's files in a folder: its CSV and Parquet files (not hidden),
/// sorted by name. Other files (a README, say) are not part of the ledger.
pub fn ledger_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') || extension(&name).is_none() {
            continue;
        }
        if std::fs::metadata(entry.path())?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// A ledger folder's SHA-256: that of its files' list as `sha256sum`
/// prints it (`<sha256>  <name>` a line, sorted by name in byte order),
/// so `sha256sum $(ls *.csv *.parquet | LC_ALL=C sort) | sha256sum`
/// recomputes it in the folder. The error is said of the folder (it
/// names the file in it that could not be read).
pub fn sha256(dir: &Path) -> Result<String, Msg> {
    use sha2::{Digest, Sha256};
    let names = ledger_files(dir).map_err(says::cannot_read_folder)?;
    let mut list = String::new();
    for name in names {
        let path = dir.join(&name);
        let mut f =
            std::fs::File::open(&path).map_err(|e| says::cannot_open_in_folder(&name, e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = std::io::Read::read(&mut f, &mut buf)
                .map_err(|e| says::cannot_read_in_folder(&name, e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        list.push_str(&format!("{}  {name}\n", crate::policy::hex(&h.finalize())));
    }
    Ok(crate::policy::hex(&Sha256::digest(list.as_bytes())))
}

impl Reader<'_> {
    /// Read a ledger folder: every sheet file, in the contract's order.
    pub(super) fn read_folder(&mut self, dir: &Path, progress: &mut dyn FnMut(&str, u64)) {
        self.in_folder = true;
        if self.file.len() > 1 {
            let trimmed = self.file.trim_end_matches(['/', '\\']);
            if !trimmed.is_empty() {
                self.file = trimmed.to_string();
            }
        }
        let names = match ledger_files(dir) {
            Ok(n) => n,
            Err(e) => {
                let loc = self.file_loc();
                self.diags
                    .error(loc, Code::CannotOpen, says::cannot_read_folder(e));
                return;
            }
        };
        let found = self.find_sheets(&names);
        for kind in SheetKind::ALL {
            let Some(name) = found.get(&kind) else {
                continue;
            };
            let path = dir.join(name);
            self.sh = SheetCtx::new(kind, name);
            let res = match extension(name) {
                Some("parquet") => parquet_file::read(self, &path, progress),
                _ => {
                    self.sh.form = Some(FileForm::Csv);
                    csv_file::read(self, &path, progress)
                }
            };
            if let Some(form) = &self.sh.form {
                self.folder.push((kind, form.clone()));
            }
            if let Err(e) = res {
                self.sh.unreadable = true;
                self.sh.usable = false;
                let loc = e.at.unwrap_or_else(|| self.sheet_loc());
                self.diags.error(loc, e.code, e.message);
            }
            self.finish_sheet(progress);
        }
    }
}

/// A file of the folder that could not be read to its end.
pub(super) struct FileError {
    /// Where (a line, a row group); the file itself when `None`.
    pub at: Option<Location>,
    pub code: Code,
    pub message: Msg,
}

impl FileError {
    pub(super) fn new(code: Code, message: Msg) -> Self {
        FileError {
            at: None,
            code,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(sheet_stem("deposits.csv", true), "deposits");
        assert_eq!(sheet_stem("存款日余额.PARQUET", true), "存款日余额");
        assert_eq!(sheet_stem("deposits.csv", false), "deposits.csv");
        assert_eq!(sheet_stem("deposits.txt", true), "deposits.txt");
        assert_eq!(extension("a.Csv"), Some("csv"));
        assert_eq!(extension("csv"), None);
    }
}
