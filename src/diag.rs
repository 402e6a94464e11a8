//! Diagnostics: every problem found in user input, with where and what kept apart.
//!
//! A diagnostic is data. Readers and validators push into a [`Diagnostics`]
//! collector and keep going, so one run reports every problem at once; the
//! command line prints them all and writes nothing when there is any error.

use std::fmt;

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A whole file (cannot be opened, wrong format, missing sheet).
    File { file: String },
    /// A position in a text file, 1-based line and column (policies).
    Text {
        file: String,
        line: usize,
        column: usize,
    },
    /// A sheet of a workbook, with no particular cell.
    Sheet { file: String, sheet: String },
    /// A cell of a workbook; `row` and `col` are 0-based.
    Cell {
        file: String,
        sheet: String,
        row: u32,
        col: u32,
    },
    /// A field of a CSV file of a ledger folder (`file` the folder, `name`
    /// the file in it): the 1-based line the record starts on and the
    /// 1-based field of the record.
    Line {
        file: String,
        name: String,
        line: u64,
        field: u32,
    },
    /// A value of a Parquet file of a ledger folder (`file` the folder,
    /// `name` the file in it): its 1-based row, and its column by name;
    /// row 0 is the file's schema (the column itself).
    Record {
        file: String,
        name: String,
        row: u64,
        column: String,
    },
    /// Not tied to any input (e.g. a command-line argument).
    None,
}

impl Location {
    pub fn cell(file: &str, sheet: &str, row: u32, col: u32) -> Location {
        Location::Cell {
            file: file.to_string(),
            sheet: sheet.to_string(),
            row,
            col,
        }
    }
}

/// `1,204,511`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `A1`-style reference for 0-based row and column.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// Spreadsheet column letters for a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File { file } => write!(f, "{file}"),
            Location::Text { file, line, column } => write!(f, "{file}:{line}:{column}"),
            Location::Sheet { file, sheet } => write!(f, "{file} [{sheet}]"),
            Location::Cell {
                file,
                sheet,
                row,
                col,
            } => {
                write!(f, "{file} [{sheet}]!{}", cell_name(*row, *col))
            }
            Location::Line {
                file,
                name,
                line,
                field: 0,
            } => write!(f, "{file}/{name}:{line}"),
            Location::Line {
                file,
                name,
                line,
                field,
            } => write!(f, "{file}/{name}:{line}:{field}"),
            Location::Record {
                file,
                name,
                row: 0,
                column,
            } => write!(f, "{file}/{name} column {column}"),
            Location::Record {
                file,
                name,
                row,
                column,
            } => {
                write!(f, "{file}/{name} row {} column {column}", thousands(*row))
            }
            Location::None => write!(f, "rmpay"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: where, how bad, a stable kebab-case code, and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub severity: Severity,
    /// Stable identifier of the error kind, e.g. `not-an-amount`.
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    /// The same diagnostic, placed in `file` instead (outputs name inputs
    /// by file name, not by the path they were read from).
    pub fn in_file(&self, file: &str) -> Diagnostic {
        let mut d = self.clone();
        match &mut d.location {
            Location::File { file: f }
            | Location::Text { file: f, .. }
            | Location::Sheet { file: f, .. }
            | Location::Cell { file: f, .. }
            | Location::Line { file: f, .. }
            | Location::Record { file: f, .. } => *f = file.to_string(),
            Location::None => {}
        }
        d
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location, sev, self.code, self.message
        )
    }
}

/// Collects diagnostics. Caps how many of one code are kept per location
/// scope so a million bad rows do not print a million lines; the overflow is
/// counted and reported as one summary line.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// How many of each (scope, code) were kept, so a push is O(log n).
    kept: std::collections::BTreeMap<(String, &'static str), usize>,
    suppressed: std::collections::BTreeMap<(String, &'static str), usize>,
}

/// At most this many diagnostics of one code per file/sheet are kept.
pub const PER_KIND_LIMIT: usize = 50;

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, location: Location, code: &'static str, message: impl Into<String>) {
        self.push(Diagnostic {
            location,
            severity: Severity::Error,
            code,
            message: message.into(),
        });
    }

    pub fn warning(&mut self, location: Location, code: &'static str, message: impl Into<String>) {
        self.push(Diagnostic {
            location,
            severity: Severity::Warning,
            code,
            message: message.into(),
        });
    }

    pub fn push(&mut self, d: Diagnostic) {
        let key = (scope_of(&d.location), d.code);
        let same = self.kept.entry(key.clone()).or_default();
        if *same >= PER_KIND_LIMIT
            && matches!(
                d.location,
                Location::Cell { .. } | Location::Line { .. } | Location::Record { .. }
            )
        {
            *self.suppressed.entry(key).or_default() += 1;
            return;
        }
        *same += 1;
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
        for (k, n) in other.suppressed {
            *self.suppressed.entry(k).or_default() += n;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Every error is a file that could not be read (code `cannot-read`:
    /// a rules folder or a policy file the OS refused), not a problem in
    /// its content: an I/O failure, exit 2.
    pub fn only_io_errors(&self) -> bool {
        let mut errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .peekable();
        errors.peek().is_some() && errors.all(|d| d.code == "cannot-read")
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Every diagnostic as printed, one per line, followed by one summary
    /// line per suppressed kind. Order is the order of discovery, which is
    /// deterministic (sheets and rows are read in a fixed order).
    pub fn render(&self) -> Vec<String> {
        let mut out: Vec<String> = self.items.iter().map(|d| d.to_string()).collect();
        for ((scope, code), n) in &self.suppressed {
            out.push(format!(
                "{scope}: error[{code}]: … and {n} more of this kind"
            ));
        }
        out
    }
}

fn scope_of(loc: &Location) -> String {
    match loc {
        Location::Cell { file, sheet, .. } | Location::Sheet { file, sheet } => {
            format!("{file} [{sheet}]")
        }
        Location::Line { file, name, .. } | Location::Record { file, name, .. } => {
            format!("{file}/{name}")
        }
        other => other.to_string(),
    }
}

/// The closest candidate to `word`, if close enough to suggest ("did you mean").
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// ` (did you mean `x`?)` or the empty string.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(cell_name(16, 4), "E17");
    }

    #[test]
    fn records() {
        let at = |row| Location::Record {
            file: "2026-10".into(),
            name: "deposits.parquet".into(),
            row,
            column: "balance".into(),
        };
        assert_eq!(
            at(1_204_511).to_string(),
            "2026-10/deposits.parquet row 1,204,511 column balance"
        );
        assert_eq!(
            at(7).to_string(),
            "2026-10/deposits.parquet row 7 column balance"
        );
        assert_eq!(at(0).to_string(), "2026-10/deposits.parquet column balance");
        let line = Location::Line {
            file: "2026-10".into(),
            name: "deposits.csv".into(),
            line: 17,
            field: 5,
        };
        assert_eq!(line.to_string(), "2026-10/deposits.csv:17:5");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("loan_avg_totl", ["loan_avg_total", "deposit"]),
            Some("loan_avg_total")
        );
        assert_eq!(did_you_mean("zzz", ["loan_avg_total"]), None);
    }
}
