//! Diagnostics: every problem rmpay reports, with where and what kept apart.
//!
//! There is one error type, [`Diagnostic`]: where ([`Location`]), how bad
//! ([`Severity`]) and what ([`Code`], one variant per kind, each with its
//! stable kebab-case id, titles and exit status), with its message, and
//! one `Display`: `LOCATION: error[code]: message`. Readers and validators
//! push into a [`Diagnostics`] collector and keep going, so one run reports
//! every problem at once; the command line prints them all and writes
//! nothing when there is any error. An error that stops a run by itself
//! (usage, I/O, an archive that refuses) is a single `Diagnostic` too.

use std::fmt;

use crate::text::{self, Lang, Msg};

/// Declares [`Code`] from one table: the variant, its stable id, its
/// Chinese and English titles, and the exit status of a run it stops.
macro_rules! codes {
    ($($variant:ident: $id:literal, $zh:literal, $en:literal, $exit:literal;)*) => {
        /// What went wrong: every kind of problem rmpay reports. Each
        /// variant is the UpperCamelCase of its id (`not-an-amount` →
        /// `NotAnAmount`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the table's (alphabetical) order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case id printed in `error[…]`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }

            /// A short title in Chinese, e.g. 不是金额.
            pub fn title_zh(self) -> &'static str {
                match self {
                    $(Code::$variant => $zh,)*
                }
            }

            /// A short title in English, e.g. `not an amount`.
            pub fn title_en(self) -> &'static str {
                match self {
                    $(Code::$variant => $en,)*
                }
            }

            /// The exit status of a run this error stops: 1, invalid input
            /// (or an archive that refuses); 2, usage or I/O (a file that
            /// cannot be read or written, whatever is in it).
            pub fn exit_status(self) -> i32 {
                match self {
                    $(Code::$variant => $exit,)*
                }
            }
        }
    };
}

codes! {
    Added: "added", "多出文件", "added", 1;
    AlreadyClosed: "already-closed", "月份已结账", "already closed", 1;
    AlreadySigned: "already-signed", "已签署", "already signed", 1;
    ArchiveBusy: "archive-busy", "档案库正忙", "archive busy", 1;
    ArchiveChanged: "archive-changed", "档案库已变动", "archive changed", 1;
    ArchiveDiffers: "archive-differs", "重算结果与档案不符", "archive differs", 1;
    ArchiveMismatch: "archive-mismatch", "档案内容不一致", "archive mismatch", 1;
    AverageDisagrees: "average-disagrees", "日均与合计不符", "average disagrees", 1;
    BadArchive: "bad-archive", "档案文件损坏", "bad archive file", 1;
    BadColumn: "bad-column", "代发列定义有误", "bad column", 1;
    BadDate: "bad-date", "日期有误", "bad date", 1;
    BadDraft: "bad-draft", "草稿记录损坏", "bad draft", 1;
    BadEncoding: "bad-encoding", "编码无法识别", "bad encoding", 1;
    BadFigures: "bad-figures", "月度数据文件损坏", "bad figures file", 1;
    BadManifest: "bad-manifest", "清单损坏", "bad manifest", 1;
    BadPercent: "bad-percent", "百分比有误", "bad percent", 1;
    BadRange: "bad-range", "日期范围颠倒", "bad range", 1;
    BadReview: "bad-review", "上年考核文件损坏", "bad review", 1;
    BadShare: "bad-share", "分成比例有误", "bad share", 1;
    BadSignoffs: "bad-signoffs", "签署记录损坏", "bad sign-offs", 1;
    BadState: "bad-state", "结转状态损坏", "bad state", 1;
    BadTemplate: "bad-template", "模板有误", "bad template", 1;
    BadUnit: "bad-unit", "单位有误", "bad unit", 1;
    BeyondExcelLimits: "beyond-excel-limits", "超出 Excel 限制", "beyond Excel's limits", 1;
    CannotOpen: "cannot-open", "无法打开", "cannot open", 1;
    CannotRead: "cannot-read", "无法读取", "cannot read", 2;
    CannotReadSheet: "cannot-read-sheet", "无法读取工作表", "cannot read sheet", 1;
    CapSign: "cap-sign", "封顶符号有误", "cap sign", 1;
    CardAsNumber: "card-as-number", "卡号存为数字", "card as number", 1;
    CellError: "cell-error", "单元格错误值", "cell error", 1;
    Changed: "changed", "文件已改动", "changed", 1;
    ConflictingSheets: "conflicting-sheets", "工作表冲突", "conflicting sheets", 1;
    DateOutsidePeriod: "date-outside-period", "日期不在本期", "date outside period", 1;
    DaysNotMonth: "days-not-month", "天数与当月不符", "days not the month's", 1;
    DuplicateBalance: "duplicate-balance", "余额重复", "duplicate balance", 1;
    DuplicateCard: "duplicate-card", "卡号重复", "duplicate card", 1;
    DuplicateColumn: "duplicate-column", "列重复", "duplicate column", 1;
    DuplicateId: "duplicate-id", "编号重复", "duplicate id", 1;
    DuplicateMonth: "duplicate-month", "月份重复", "duplicate month", 1;
    DuplicateSheet: "duplicate-sheet", "工作表重复", "duplicate sheet", 1;
    EmptyLedger: "empty-ledger", "台账为空", "empty ledger", 1;
    EmptyName: "empty-name", "姓名为空", "empty name", 1;
    EmptyReason: "empty-reason", "原因为空", "empty reason", 1;
    EmptySheet: "empty-sheet", "工作表为空", "empty sheet", 1;
    EmptyValue: "empty-value", "值为空", "empty value", 1;
    ExampleFailed: "example-failed", "算例不符", "example failed", 1;
    FeeOwnerBoth: "fee-owner-both", "收入归属重复", "fee owner both", 1;
    FormulaName: "formula-name", "姓名形如公式", "name like a formula", 1;
    HeadMismatch: "head-mismatch", "链头不符", "head mismatch", 1;
    HiddenSheet: "hidden-sheet", "隐藏工作表", "hidden sheet", 1;
    InconsistentAccount: "inconsistent-account", "账户信息不一致", "inconsistent account", 1;
    InputChanged: "input-changed", "输入已变动", "input changed", 1;
    InsideArchive: "inside-archive", "输出在档案库内", "inside archive", 2;
    Io: "io", "读写失败", "I/O error", 2;
    MissingCard: "missing-card", "缺少卡号", "missing card", 1;
    MissingColumn: "missing-column", "缺少列", "missing column", 1;
    MissingDays: "missing-days", "缺少日期", "missing days", 1;
    MissingField: "missing-field", "缺少字段", "missing field", 1;
    MissingFigure: "missing-figure", "缺少数据", "missing figure", 1;
    MissingKey: "missing-key", "缺少键", "missing key", 1;
    MissingMonths: "missing-months", "缺少月份", "missing months", 1;
    MissingSheet: "missing-sheet", "缺少工作表", "missing sheet", 1;
    MissingValue: "missing-value", "缺少值", "missing value", 1;
    NegativePayout: "negative-payout", "代发金额为负", "negative payout", 1;
    NegativeValue: "negative-value", "值为负", "negative value", 1;
    NoDraft: "no-draft", "没有草稿", "no draft", 1;
    NoPayoutProfile: "no-payout-profile", "没有代发格式", "no pay-out profile", 1;
    NoPolicyInForce: "no-policy-in-force", "没有生效的制度", "no policy in force", 1;
    NoVersion: "no-version", "没有该版本", "no such version", 1;
    NoWorkflow: "no-workflow", "没有审批流程", "no workflow", 1;
    NotACard: "not-a-card", "不是卡号", "not a card", 1;
    NotADate: "not-a-date", "不是日期", "not a date", 1;
    NotANumber: "not-a-number", "不是数字", "not a number", 1;
    NotAnAmount: "not-an-amount", "不是金额", "not an amount", 1;
    NotApplicable: "not-applicable", "不适用", "not applicable", 1;
    NotApproved: "not-approved", "未审批", "not approved", 1;
    NotAssessed: "not-assessed", "未考核", "not assessed", 1;
    NotClosed: "not-closed", "月份未结账", "not closed", 1;
    NotEncodable: "not-encodable", "无法编码", "not encodable", 1;
    NotUtf8: "not-utf8", "不是 UTF-8", "not UTF-8", 1;
    NoticeNameClash: "notice-name-clash", "通知书文件重名", "notice name clash", 1;
    OutOfOrder: "out-of-order", "顺序有误", "out of order", 1;
    OutOfRange: "out-of-range", "超出范围", "out of range", 1;
    OutsidePeriod: "outside-period", "不在本期", "outside period", 1;
    OutsideReview: "outside-review", "不在考核期", "outside review", 1;
    OverlappingBands: "overlapping-bands", "区间重叠", "overlapping bands", 1;
    OverlappingVersions: "overlapping-versions", "版本重叠", "overlapping versions", 1;
    PeriodGap: "period-gap", "月份断档", "period gap", 1;
    PeriodMismatch: "period-mismatch", "期间不符", "period mismatch", 1;
    PeriodUnknown: "period-unknown", "期间不明", "period unknown", 1;
    Removed: "removed", "文件缺失", "removed", 1;
    RowsAboveHeader: "rows-above-header", "表头上方有行", "rows above header", 1;
    SameSigner: "same-signer", "同一人兼签", "same signer", 1;
    SeveralPolicies: "several-policies", "多个制度", "several policies", 1;
    SharesExceed100: "shares-exceed-100", "分成超过 100%", "shares exceed 100%", 1;
    StatementNameClash: "statement-name-clash", "对账单重名", "statement name clash", 1;
    TomlSyntax: "toml-syntax", "TOML 语法错误", "TOML syntax", 1;
    TooLarge: "too-large", "数值过大", "too large", 1;
    TooManyPlaces: "too-many-places", "小数位过多", "too many places", 1;
    TotalRow: "total-row", "合计行", "total row", 1;
    Unchanged: "unchanged", "台账未更正", "unchanged", 1;
    UnknownClient: "unknown-client", "未知客户", "unknown client", 1;
    UnknownColumn: "unknown-column", "未知列", "unknown column", 1;
    UnknownField: "unknown-field", "未知字段", "unknown field", 1;
    UnknownKey: "unknown-key", "未知键", "unknown key", 1;
    UnknownMetric: "unknown-metric", "未知指标", "unknown metric", 1;
    UnknownReference: "unknown-reference", "引用不存在", "unknown reference", 1;
    UnknownRm: "unknown-rm", "未知客户经理", "unknown RM", 1;
    UnknownStep: "unknown-step", "未知步骤", "unknown step", 1;
    UnknownTier: "unknown-tier", "未知等级", "unknown tier", 1;
    UnknownValue: "unknown-value", "未知取值", "unknown value", 1;
    UnpaidTier: "unpaid-tier", "等级无工资项目", "unpaid tier", 1;
    Usage: "usage", "用法有误", "usage", 2;
    WrongType: "wrong-type", "类型有误", "wrong type", 1;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

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

impl Location {
    /// Where, in `l`: a CSV or Parquet position names its row and column
    /// in that language (`第 1,204,511 行 balance 列`).
    pub fn show(&self, l: Lang) -> String {
        match self {
            Location::File { file } => file.clone(),
            Location::Text { file, line, column } => format!("{file}:{line}:{column}"),
            Location::Sheet { file, sheet } => format!("{file} [{sheet}]"),
            Location::Cell {
                file,
                sheet,
                row,
                col,
            } => format!("{file} [{sheet}]!{}", cell_name(*row, *col)),
            Location::Line {
                file,
                name,
                line,
                field: 0,
            } => format!("{file}/{name}:{line}"),
            Location::Line {
                file,
                name,
                line,
                field,
            } => format!("{file}/{name}:{line}:{field}"),
            Location::Record {
                file,
                name,
                row: 0,
                column,
            } => format!("{file}/{name} {}", text::run::at_column(column).get(l)),
            Location::Record {
                file,
                name,
                row,
                column,
            } => format!(
                "{file}/{name} {}",
                text::run::at_row_column(thousands(*row), column).get(l)
            ),
            Location::None => "rmpay".to_string(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.show(text::console()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: where, how bad, what kind, and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub severity: Severity,
    /// The kind of problem; printed as its stable id, e.g. `not-an-amount`.
    pub code: Code,
    pub message: Msg,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(location: Location, code: Code, message: impl Into<Msg>) -> Diagnostic {
        Diagnostic {
            location,
            severity: Severity::Error,
            code,
            message: message.into(),
        }
    }

    /// A warning at `location`.
    pub fn warning(location: Location, code: Code, message: impl Into<Msg>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(location, code, message)
        }
    }

    /// An error about a file or folder, named as given.
    pub fn at_path(
        path: impl AsRef<std::path::Path>,
        code: Code,
        message: impl Into<Msg>,
    ) -> Diagnostic {
        Diagnostic::error(
            Location::File {
                file: path.as_ref().display().to_string(),
            },
            code,
            message,
        )
    }

    /// A usage error: a command line rmpay cannot run, printed as
    /// `error: message`.
    pub fn usage(message: impl Into<Msg>) -> Diagnostic {
        Diagnostic::error(Location::None, Code::Usage, message)
    }

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

impl Diagnostic {
    /// As printed, in `l`: `LOCATION: error[code]: message` (a usage
    /// error: `error: message`). The code stays as it is in every
    /// language, so it can be looked up.
    pub fn show(&self, l: Lang) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.code == Code::Usage {
            return format!("{sev}: {}", self.message.get(l));
        }
        format!(
            "{}: {sev}[{}]: {}",
            self.location.show(l),
            self.code,
            self.message.get(l)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.show(text::console()))
    }
}

/// Collects diagnostics. Caps how many of one code are kept per location
/// scope so a million bad rows do not print a million lines; the overflow is
/// counted and reported as one summary line.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// How many of each (scope, code) were kept, so a push is O(log n).
    kept: std::collections::BTreeMap<(String, Code), usize>,
    suppressed: std::collections::BTreeMap<(String, Code), usize>,
}

/// What [`Diagnostics::mark`] takes and [`Diagnostics::truncate`] goes
/// back to.
#[derive(Debug)]
pub struct DiagMark {
    len: usize,
    suppressed: std::collections::BTreeMap<(String, Code), usize>,
}

/// At most this many diagnostics of one code per file/sheet are kept.
pub const PER_KIND_LIMIT: usize = 50;

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, location: Location, code: Code, message: impl Into<Msg>) {
        self.push(Diagnostic::error(location, code, message));
    }

    pub fn warning(&mut self, location: Location, code: Code, message: impl Into<Msg>) {
        self.push(Diagnostic::warning(location, code, message));
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

    /// The exit status of a run these errors stop: 2 where every error is
    /// of a kind that exits 2 (e.g. `cannot-read`: a rules folder or a
    /// policy file the OS refused, not a problem in its content), else 1.
    pub fn exit_status(&self) -> i32 {
        let mut errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .peekable();
        if errors.peek().is_some() && errors.all(|d| d.code.exit_status() == 2) {
            2
        } else {
            1
        }
    }

    /// How many errors (warnings not counted).
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Where the diagnostics stand now, for [`Diagnostics::truncate`].
    pub fn mark(&self) -> DiagMark {
        DiagMark {
            len: self.items.len(),
            suppressed: self.suppressed.clone(),
        }
    }

    /// Back to where they stood at `mark`: what was reported since is
    /// forgotten, counts and all (a sheet read again from its start).
    pub fn truncate(&mut self, mark: DiagMark) {
        for d in self.items.drain(mark.len.min(self.items.len())..) {
            let key = (scope_of(&d.location), d.code);
            if let Some(n) = self.kept.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    self.kept.remove(&key);
                }
            }
        }
        self.suppressed = mark.suppressed;
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
                "{scope}: error[{code}]: {}",
                text::run::more_of_this_kind(n)
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

/// ` (did you mean `x`?)` / `（是否应为 `x`？）` when a candidate is close
/// to `word`, else nothing.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Msg {
    match did_you_mean(word, candidates) {
        Some(c) => text::run::did_you_mean(c),
        None => Msg::verbatim(""),
    }
}

/// `message` followed, in each language, by "did you mean" the closest
/// candidate to `word`, if one is close enough (` (did you mean `x`?)`,
/// `（是否应为 `x`？）`).
pub fn suggest<'a>(message: Msg, word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Msg {
    let hint = hint(word, candidates);
    message.map(|l, s| s + hint.get(l))
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

    /// Each variant is the UpperCamelCase of its id (so code written with
    /// ids converts by a sed), ids are unique and the table is in their
    /// order, and titles are given in both languages.
    #[test]
    fn codes_are_named_by_their_ids() {
        for c in Code::ALL {
            let camel: String = c
                .id()
                .split('-')
                .map(|w| w[..1].to_uppercase() + &w[1..])
                .collect();
            assert_eq!(format!("{c:?}"), camel);
            assert!(!c.title_zh().is_empty() && !c.title_en().is_empty(), "{c}");
            assert!([1, 2].contains(&c.exit_status()), "{c}");
        }
        assert!(Code::ALL.windows(2).all(|w| w[0].id() < w[1].id()));
        assert_eq!(Code::NotAnAmount.title_zh(), "不是金额");
        assert_eq!(Code::NotAnAmount.title_en(), "not an amount");
    }

    /// Where is kept apart from what: one `Display` for every error; a
    /// usage error prints as clap's do.
    #[test]
    fn one_display() {
        let e = Diagnostic::error(
            Location::cell("2026-10.xlsx", "存款日余额", 16, 4),
            Code::NotAnAmount,
            Msg::verbatim("expected an amount, found text `12,3O0`"),
        );
        assert_eq!(
            e.to_string(),
            "2026-10.xlsx [存款日余额]!E17: error[not-an-amount]: expected an amount, found text `12,3O0`"
        );
        assert_eq!(
            Diagnostic::usage(Msg::verbatim("--period: bad")).to_string(),
            "error: --period: bad"
        );
        let mut d = Diagnostics::new();
        d.error(Location::None, Code::CannotRead, Msg::verbatim("x"));
        assert_eq!(d.exit_status(), 2);
        d.error(Location::None, Code::NotAnAmount, Msg::verbatim("y"));
        assert_eq!(d.exit_status(), 1);
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
        // Each language's sentence gets its own "did you mean".
        let m = suggest(text::run::no_rm_in("RM01", "2026-10"), "RM01", ["RM001"]);
        assert_eq!(
            m.get(Lang::Zh),
            "2026-10 的台账中没有客户经理 `RM01`（是否应为 `RM001`？）"
        );
        assert_eq!(
            m.get(Lang::En),
            "no RM `RM01` in 2026-10 (did you mean `RM001`?)"
        );
        assert_eq!(
            hint("RM01", ["RM001"]).get(Lang::En),
            " (did you mean `RM001`?)"
        );
        assert_eq!(
            hint("RM01", ["RM001"]).get(Lang::Zh),
            "（是否应为 `RM001`？）"
        );
        assert_eq!(hint("XYZ", ["RM001"]).get(Lang::Zh), "");
    }
}
