//! Results → a table model (sheets, columns, typed cells). The writer turns
//! the model into a workbook; nothing here knows about rust_xlsxwriter.

pub mod compare;
pub mod explain;
pub mod notice;
pub mod pay;
pub mod review;
pub mod statement;
pub mod template;

use crate::decimal::RoundAway as _;
use rust_decimal::Decimal;

use crate::text;
pub use crate::text::Lang;

/// How money is rounded, in words (四舍五入).
pub fn rounding_word(mode: crate::policy::RoundingMode, lang: Lang) -> &'static str {
    use crate::policy::RoundingMode;
    match mode {
        RoundingMode::HalfUp => text::rounding_half_up(lang),
        RoundingMode::HalfEven => text::rounding_half_even(lang),
        RoundingMode::Down => text::rounding_down(lang),
    }
}

/// A typed cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    /// Money, already rounded to the policy scale; shown with that many places.
    Money(Decimal),
    /// A ratio shown as a percentage.
    Percent(Decimal),
    /// A plain number shown with the given places.
    Number(Decimal, u32),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

/// Whether a figure of the trace is a ratio (`npl_ratio`,
/// `collection_rate`, `deposit_growth`, `deposit_to_base`, …), shown as a
/// percentage.
pub fn is_ratio(figure: &str) -> bool {
    figure.ends_with("_ratio")
        || figure.ends_with("_rate")
        || figure.ends_with("_growth")
        || figure == "deposit_to_base"
}

/// The places of a ratio as the workbooks and `explain` show it: a
/// percentage with two places (`99.41%`), the cell's value rounded half
/// away from zero to them, so that the value is what is shown and a
/// figure recomputed from the shown inputs and rounded so is the same.
/// The exact figure (10 places) is the JSON's.
pub const RATIO_PLACES: u32 = 4;

/// A ratio as a cell: a percentage to [`RATIO_PLACES`].
pub fn percent_cell(v: Decimal) -> Cell {
    Cell::Percent(v.round_away(RATIO_PLACES))
}

/// Violation points (扣分) as the ledger gives them: with the places the
/// figure has, so 0 and 5 read `0` and `5`, and 14.5 reads `14.5` (no
/// policy sets places for points; was `0.0` for every figure).
pub fn points_cell(v: Decimal) -> Cell {
    let v = v.normalize();
    Cell::Number(v, v.scale())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RowStyle {
    #[default]
    Normal,
    /// A header row inside the body (pay strips).
    Header,
    /// A title line (pay strips).
    Title,
    /// A totals row.
    Total,
    /// A blank separator.
    Blank,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    /// Width in characters.
    pub width: f64,
    /// Long text wraps within the width (the row grows) instead of
    /// running on.
    pub wrap: bool,
}

/// How a sheet is laid out, known before its first row.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetHead {
    pub name: String,
    /// The header row; empty for sheets laid out by blocks (pay strips).
    pub columns: Vec<Column>,
    /// Freeze the header row and this many leading columns.
    pub freeze_columns: u16,
    pub landscape: bool,
    /// A column chart of the sheet's rows, placed beside the table.
    pub chart: Option<ChartSpec>,
    /// How the sheet prints.
    pub print: Print,
    /// The lines of text the sheet's default row height holds (1: a plain
    /// line). Rows that need more get a height of their own; rows that
    /// need fewer are as tall as the default. See [`trace_row_lines`].
    pub row_lines: usize,
}

/// How a sheet prints on A4 (every sheet also prints the book's
/// [`PageText`] in its page header and footer, and repeats its header row
/// on every page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Print {
    /// Shrink the sheet to one page wide. Off for wide tables that must
    /// stay readable (trace, comparison): they print at a fixed scale
    /// (80%: 11-point text at 8.8 points) in column groups, page after page across, repeating the header row
    /// and the frozen leading columns on every page.
    pub fit_width: bool,
    /// The rows come in blocks ([`Sheet::keep_together`]) that never split
    /// across pages: the writer places the page breaks itself, between
    /// blocks (pay strips; the register's totals and sign-off block).
    pub blocks: bool,
}

impl Default for Print {
    fn default() -> Print {
        Print {
            fit_width: true,
            blocks: false,
        }
    }
}

/// What every printed page of a book says besides its sheet's rows.
#[derive(Clone, Debug, PartialEq)]
pub struct PageText {
    /// The unit of the money figures (单位：元).
    pub unit: String,
    /// The page number line, with `{page}` and `{pages}` for this page's
    /// number and the sheet's page count (第 {page} 页 共 {pages} 页).
    pub page_of: String,
}

impl PageText {
    pub fn new(lang: Lang) -> PageText {
        PageText {
            unit: text::unit_yuan(lang).to_string(),
            page_of: text::page_of(lang).to_string(),
        }
    }
}

/// A clustered column chart over a sheet's data rows: categories from one
/// column, one series per listed column.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub title: String,
    pub category_column: u16,
    pub series_columns: Vec<u16>,
    /// Number of data rows (after the header).
    pub rows: u32,
}

/// What a workbook is about, known before its first sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct BookHead {
    /// What the book is, whose (bank or branch) and for which period; also
    /// the title printed at the top of every page.
    pub title: String,
    /// The unit and page numbers printed on every page.
    pub page: PageText,
    /// Decimal places of money cells.
    pub money_scale: u32,
    /// The document date (derived from the period, never the clock).
    pub date: chrono::NaiveDate,
}

impl BookHead {
    /// A workbook about `policy` for one period (`label`), dated `date`:
    /// its title says what it is (`what`, in `lang`), the policy and the period.
    pub fn new(
        policy: &crate::policy::Policy,
        lang: Lang,
        what: &str,
        label: &str,
        date: chrono::NaiveDate,
    ) -> BookHead {
        BookHead {
            // Not words: the same parts in each language's order, the
            // policy's name in either language.
            title: match lang {
                Lang::Zh => format!("{} {what} {label}", policy.name),
                Lang::En => format!(
                    "{what} {label} — {}",
                    policy.name_en.as_deref().unwrap_or(&policy.id)
                ),
            },
            page: PageText::new(lang),
            money_scale: policy.settings.money.scale,
            date,
        }
    }
}

/// Where a report's sheets and rows go, in order: one sheet at a time, rows
/// top to bottom. The xlsx writer streams them to disk.
pub trait Sink {
    fn sheet(&mut self, head: SheetHead);
    fn row(&mut self, style: RowStyle, cells: Vec<Cell>);
    /// The rows from the next one until the next call (or the sheet's end)
    /// are one block, printed on one page (sheets with [`Print::blocks`]).
    fn keep_together(&mut self) {}
}

/// One sheet of a book whose sheets do not depend on each other: `emit`
/// writes exactly one sheet (its head, then its rows) into the sink it is
/// given. `weight` is a rough size in rows, so that a sink filling sheets
/// in parallel can start the biggest first.
pub struct SheetJob<'a> {
    pub weight: usize,
    pub emit: EmitSheet<'a>,
}

/// Writes one sheet into a sink; see [`SheetJob`].
pub type EmitSheet<'a> = Box<dyn FnOnce(&mut dyn Sink) + Send + 'a>;

/// A sheet being emitted: its head goes to the sink before its first row
/// (or when it is dropped, for an empty sheet).
pub struct Sheet<'s> {
    head: Option<SheetHead>,
    sink: &'s mut dyn Sink,
    pub freeze_columns: u16,
    pub landscape: bool,
    pub chart: Option<ChartSpec>,
    pub print: Print,
    pub row_lines: usize,
}

impl<'s> Sheet<'s> {
    pub fn new(sink: &'s mut dyn Sink, name: impl Into<String>, columns: Vec<Column>) -> Sheet<'s> {
        Sheet {
            head: Some(SheetHead {
                name: name.into(),
                columns,
                freeze_columns: 0,
                landscape: false,
                chart: None,
                print: Print::default(),
                row_lines: 1,
            }),
            sink,
            freeze_columns: 0,
            landscape: false,
            chart: None,
            print: Print::default(),
            row_lines: 1,
        }
    }

    fn start(&mut self) {
        if let Some(mut head) = self.head.take() {
            head.freeze_columns = self.freeze_columns;
            head.landscape = self.landscape;
            head.chart = self.chart.take();
            head.print = self.print;
            head.row_lines = self.row_lines;
            self.sink.sheet(head);
        }
    }

    /// The rows that follow, until the next call, print on one page (see
    /// [`Print::blocks`]).
    pub fn keep_together(&mut self) {
        self.start();
        self.sink.keep_together();
    }

    pub fn push(&mut self, cells: Vec<Cell>) {
        self.push_styled(RowStyle::Normal, cells);
    }

    pub fn push_styled(&mut self, style: RowStyle, cells: Vec<Cell>) {
        self.start();
        self.sink.row(style, cells);
    }
}

impl Drop for Sheet<'_> {
    fn drop(&mut self) {
        self.start();
    }
}

pub fn col(title: &str, width: f64) -> Column {
    Column {
        title: title.to_string(),
        width,
        wrap: false,
    }
}

/// A table's columns from the catalogue, in `lang`.
pub fn columns(lang: Lang, spec: &[text::Column]) -> Vec<Column> {
    spec.iter().map(|c| col(c.title(lang), c.width)).collect()
}

/// A column of long text that wraps within `width`.
pub fn wrapped_col(title: &str, width: f64) -> Column {
    Column {
        wrap: true,
        ..col(title, width)
    }
}

/// How wide text shows, in the units of a column width (a digit): CJK and
/// other wide characters take two.
pub fn shown_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// How much of a wrapping column's width a wrapped line fills on average
/// (lines break at words and at a wider glyph than Excel's width unit).
const WRAP_FILL: f64 = 0.8;

/// The lines `text` takes in a wrapping column `width` characters wide:
/// its lines, each as long as it shows, wrapped at words, so a line holds
/// less than the column's width ([`WRAP_FILL`] of it).
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    text.lines()
        .map(|l| (shown_width(l) / (width * WRAP_FILL)).ceil().max(1.0) as usize)
        .sum::<usize>()
        .max(1)
}

/// The trace's input value column: the one that wraps.
const TRACE_VALUE_WIDTH: f64 = 52.0;

/// The trace sheet's columns (pay and review workbooks share them). They
/// print in two column groups of a landscape A4 page at 80%, the id and
/// figure repeated: id to formula, then the inputs.
pub fn trace_columns(lang: Lang) -> Vec<Column> {
    vec![
        col(text::col_rm_id(lang), 12.0),
        col(text::col_figure(lang), 24.0),
        col(text::col_rule(lang), 24.0),
        col(text::col_value(lang), 16.0),
        col(text::col_formula(lang), 48.0),
        col(text::col_input(lang), 40.0),
        wrapped_col(text::col_input_value(lang), TRACE_VALUE_WIDTH),
    ]
}

/// Rows of a sheet that may have a height of their own however few of the
/// sheet's rows that is.
const OWN_HEIGHTS_FLOOR: usize = 1024;

/// The lines a trace sheet's default row height holds ([`Sheet::row_lines`])
/// for `plain` one-line rows and the rows of `steps` ([`trace_rows`]): the
/// fewest such that at most an eighth of the rows (or
/// [`OWN_HEIGHTS_FLOOR`]) need more, and so a height of their own.
///
/// rust_xlsxwriter keeps a record of some 300 bytes for every row given a
/// height of its own until the book is saved, even in constant-memory
/// mode; a month's trace has a row for each client of each RM, most of
/// them long enough to wrap. A small trace keeps a height for every row
/// that wraps (the default row is one line); a big one is printed with
/// rows as tall as most of its rows need, a few taller, none cut.
pub fn trace_row_lines<'a>(
    plain: usize,
    steps: impl IntoIterator<Item = &'a crate::trace::Step>,
) -> usize {
    // rows[n]: rows of n lines.
    let mut rows = vec![0usize; 2];
    rows[1] = plain;
    let mut count = |n: usize| {
        if rows.len() <= n {
            rows.resize(n + 1, 0);
        }
        rows[n] += 1;
    };
    for s in steps {
        if s.inputs.is_empty() {
            count(1);
        }
        for i in &s.inputs {
            count(wrapped_lines(&i.value, TRACE_VALUE_WIDTH));
        }
    }
    let allowed = (rows.iter().sum::<usize>() / 8).max(OWN_HEIGHTS_FLOOR);
    let mut taller: usize = rows.iter().sum();
    for (n, k) in rows.iter().enumerate() {
        taller -= k;
        if n >= 1 && taller <= allowed {
            return n;
        }
    }
    1
}

/// One trace step: a row with the figure and its first input, then one row
/// per further input, so no cell grows past what a spreadsheet holds. The
/// step's words are shown in the book's language (`words`).
pub fn trace_rows(
    sheet: &mut Sheet,
    words: &TraceWords,
    rm_id: &str,
    step: &crate::trace::Step,
    value: Cell,
) {
    let mut inputs = step.inputs.iter();
    let first = inputs.next();
    sheet.push(vec![
        Cell::text(rm_id),
        Cell::text(words.figure(&step.figure)),
        Cell::text(words.rule(&step.rule)),
        value,
        Cell::text(words.text(&step.formula)),
        first
            .map(|i| Cell::text(words.text(&i.name)))
            .unwrap_or(Cell::Empty),
        first
            .map(|i| Cell::text(words.text(&i.value)))
            .unwrap_or(Cell::Empty),
    ]);
    for i in inputs {
        sheet.push(vec![
            Cell::text(rm_id),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(words.text(&i.name)),
            Cell::text(words.text(&i.value)),
        ]);
    }
}

/// The trace's words in an output's language (a book, the pay JSON,
/// `explain`). The engine writes a step's figure, formula and inputs in
/// English with ids; in Chinese, metric ids are named by the
/// vocabulary, the policy's pay lines, deductions and tiers by the
/// policy, and the rest through the catalogue's [`text::TRACE_PHRASES`].
/// Rule ids stay as they are. In English the step is shown as written.
pub struct TraceWords {
    lang: Lang,
    /// The policy's ids (pay lines, deductions, the risk deposit, tiers)
    /// and their Chinese names.
    names: std::collections::BTreeMap<String, String>,
    /// The tiers' ids, named where the engine quotes them (`junior`).
    tiers: std::collections::BTreeMap<String, String>,
}

impl TraceWords {
    pub fn new(policy: &crate::policy::Policy, lang: Lang) -> TraceWords {
        let mut names = std::collections::BTreeMap::new();
        for l in &policy.pay.lines {
            names.insert(l.id.clone(), l.name.clone());
        }
        for d in &policy.pay.deductions {
            names.insert(d.id.clone(), d.name.clone());
        }
        let tiers = policy
            .tiers
            .iter()
            .map(|t| (t.id.clone(), t.name.clone()))
            .collect();
        TraceWords { lang, names, tiers }
    }

    /// What a step computed: a metric, a pay line or deduction of the
    /// policy, or one of the engine's figures.
    pub fn figure(&self, id: &str) -> String {
        if self.lang == Lang::En {
            return id.to_string();
        }
        if let Some(n) = self.names.get(id) {
            return n.clone();
        }
        if let Some(m) = crate::vocab::Metric::from_id(id) {
            return m.zh().to_string();
        }
        match text::trace_figure(id, self.lang) {
            Some(n) => n.to_string(),
            None => self.text(id),
        }
    }

    /// The rule: the policy's id as it is, or the engine's own kinds.
    pub fn rule(&self, rule: &str) -> String {
        match rule {
            "metric" => text::rule_metric(self.lang).to_string(),
            "pay" => text::rule_pay(self.lang).to_string(),
            // The engine's adjustment steps' rule (as the statement words it).
            "restate" | crate::engine::pay::PRIOR_ADJUSTMENT => {
                text::rule_restate(self.lang).to_string()
            }
            other if self.lang == Lang::Zh => match crate::vocab::Metric::from_id(other) {
                Some(m) => m.zh().to_string(),
                None => text::trace_figure(other, self.lang)
                    .unwrap_or(other)
                    .to_string(),
            },
            other => other.to_string(),
        }
    }

    /// A formula, an input's name or its value.
    pub fn text(&self, s: &str) -> String {
        if self.lang == Lang::En {
            return s.to_string();
        }
        // Which letters and symbols the text holds (and so whether it has
        // a letter at all), read in one pass.
        let has = letters(s);
        if has & LETTER_BITS == 0 {
            return s.to_string();
        }
        // A tier given by its id (a fixed amount's input).
        if let Some(t) = self.tiers.get(s) {
            return t.clone();
        }
        let s = replace_phrases(closing_of(s), has);
        self.words(&s)
    }

    /// Each word of `s` (a run of letters, digits, `_` and `-`) named:
    /// metric, product and loan-class ids by the vocabulary, the policy's
    /// ids by the policy, quoted tiers by their names, `row 3` as 第 3 行
    /// and `v2` as 第2版; rule ids and other identifiers stay.
    fn words(&self, s: &str) -> String {
        // Scanned by bytes: every byte of a character outside ASCII is
        // 0x80 or above, so no ASCII letter, digit, `_` or `-` is ever found
        // inside one, and each position found is a character boundary.
        let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        let mut out = String::with_capacity(s.len() + 16);
        let mut rest = s;
        while let Some(start) = rest.bytes().position(|b| b.is_ascii_alphabetic()) {
            // A word starts at a letter not inside a word (`A-26-fees`
            // starts at `A`, and `2026-10` is no word).
            let before = &rest[..start];
            let glued = before.bytes().next_back().is_some_and(is_word_byte);
            let end = rest.as_bytes()[start..]
                .iter()
                .position(|&b| !is_word_byte(b))
                .map_or(rest.len(), |e| start + e);
            let (head, word) = if glued {
                // Part of a word begun with digits (`2026-10`, `6201001a`):
                // from just after the last byte that is no word's.
                let from = before
                    .bytes()
                    .rposition(|b| !is_word_byte(b))
                    .map_or(0, |i| i + 1);
                (&rest[..from], &rest[from..end])
            } else {
                (before, &rest[start..end])
            };
            out.push_str(head);
            let after = &rest[end..];
            let quoted = head.ends_with('`') && after.starts_with('`');
            // A quoted tier or metric is named without its quotes.
            if quoted {
                let named = match self.tiers.get(word) {
                    Some(t) => Some(t.as_str()),
                    None => crate::vocab::Metric::from_id(word).map(|m| m.zh()),
                };
                if let Some(n) = named {
                    out.pop();
                    out.push_str(n);
                    rest = &after[1..];
                    continue;
                }
            }
            // `row 3`, `rows 2–302`, a CSV file's `line 3`, `band 2:` →
            // 第 3 行, 第 2–302 行, 第 3 行, 第 2 档：
            let unit = match word {
                "row" | "rows" | "line" | "lines" => Some("行"),
                "band" => Some("档"),
                _ => None,
            };
            if let Some(unit) = unit {
                let n: String = after
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '–' || *c == '-')
                    .collect();
                if !n.is_empty() {
                    out.push_str("第 ");
                    out.push_str(&n);
                    out.push(' ');
                    out.push_str(unit);
                    let mut skip = after.len() - after.trim_start().len() + n.len();
                    if after[skip..].starts_with(':') {
                        out.push('：');
                        skip += 1;
                        skip += after[skip..].len() - after[skip..].trim_start().len();
                    }
                    rest = &after[skip..];
                    continue;
                }
            }
            self.word(word, &mut out);
            rest = after;
        }
        out.push_str(rest);
        out
    }

    /// The word `w` named, added to `out`: by the vocabulary (metric,
    /// product, loan class, in that order), the policy, `v2` as 第2版, the
    /// engine's figures, the catalogue's words, or as it is.
    fn word(&self, w: &str, out: &mut String) {
        let known = vocab_words().get(w);
        if let Some(&Word::Vocab(zh)) = known {
            return out.push_str(zh);
        }
        if let Some(n) = self.names.get(w) {
            return out.push_str(n);
        }
        if let Some(v) = w.strip_prefix('v')
            && !v.is_empty()
            && v.bytes().all(|b| b.is_ascii_digit())
        {
            out.push('第');
            out.push_str(v);
            return out.push('版');
        }
        if let Some(f) = text::trace_figure(w, self.lang) {
            return out.push_str(f);
        }
        match known {
            Some(&Word::Catalogue(zh)) => out.push_str(zh),
            _ => out.push_str(w),
        }
    }
}

/// A word [`TraceWords::word`] looks up before the policy's names
/// (the vocabulary's) or after them (the catalogue's trace words).
#[derive(Clone, Copy)]
enum Word {
    Vocab(&'static str),
    Catalogue(&'static str),
}

/// The vocabulary's metric, product and loan-class ids (the first of them
/// in that order wins, as [`TraceWords::word`] asks them in turn) and the
/// catalogue's trace phrases of one word, each with its Chinese name: one
/// lookup a word.
fn vocab_words() -> &'static std::collections::HashMap<&'static str, Word, ahash::RandomState> {
    use crate::vocab::{LoanClass, Metric, Product};
    static WORDS: std::sync::OnceLock<
        std::collections::HashMap<&'static str, Word, ahash::RandomState>,
    > = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        // Fixed seeds: a lookup table, never iterated.
        let mut m = std::collections::HashMap::with_hasher(ahash::RandomState::with_seeds(
            0x7261_6365,
            0x776f_7264,
            0x7a68_0000,
            0x0000_0001,
        ));
        // Lowest precedence first: each later insert replaces.
        // (A word the catalogue gives twice: the later, as a map
        // collected from the table keeps.)
        for (en, zh) in text::TRACE_PHRASES
            .iter()
            .copied()
            .filter(|(en, _)| is_word(en))
        {
            m.insert(en, Word::Catalogue(zh));
        }
        for c in LoanClass::ALL.iter().rev() {
            m.insert(c.id(), Word::Vocab(c.zh()));
        }
        for p in Product::ALL.iter().rev() {
            m.insert(p.id(), Word::Vocab(p.zh()));
        }
        for x in Metric::ALL.iter().rev() {
            m.insert(x.id(), Word::Vocab(x.zh()));
        }
        m
    })
}

/// The catalogue's trace phrases of more than one word, the longest first
/// (so `no opening balance given` is taken before `opening balance`).
/// Each with the letters it holds ([`letters`]) and a searcher built once
/// (a month's trace looks for phrases tens of thousands of times).
fn phrases() -> &'static [Phrase] {
    static SORTED: std::sync::OnceLock<Vec<Phrase>> = std::sync::OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<Phrase> = text::TRACE_PHRASES
            .iter()
            .filter(|(en, _)| !is_word(en))
            .map(|&(en, zh)| Phrase {
                en,
                zh,
                need: letters(en),
                finder: memchr::memmem::Finder::new(en),
            })
            .collect();
        v.sort_by_key(|p| std::cmp::Reverse(p.en.len()));
        v
    })
}

/// `s` with the catalogue's phrases in Chinese, each in turn, the longest
/// first; `has` is what the text held first ([`letters`]): a month has
/// tens of thousands of inputs, so a phrase is looked for only when the
/// text had all its letters.
fn replace_phrases(mut s: std::borrow::Cow<'_, str>, has: u64) -> std::borrow::Cow<'_, str> {
    for p in phrases() {
        if p.need & !has == 0 && p.finder.find(s.as_bytes()).is_some() {
            s = std::borrow::Cow::Owned(replace_phrase(&s, p.en, p.zh, &p.finder));
        }
    }
    s
}

/// A trace phrase: English, Chinese, its letters ([`letters`]), its
/// searcher.
struct Phrase {
    en: &'static str,
    zh: &'static str,
    need: u64,
    finder: memchr::memmem::Finder<'static>,
}

/// Which ASCII letters and symbols a text holds, one bit each (letters
/// folded to lower case; the rest of ASCII on the top bits).
fn letters(s: &str) -> u64 {
    s.bytes().fold(0, |m, b| m | LETTER_TABLE[usize::from(b)])
}

/// The bits of [`letters`] that stand for letters.
const LETTER_BITS: u64 = (1 << 26) - 1;

/// [`letters`]'s bit of each byte.
static LETTER_TABLE: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            c @ b'a'..=b'z' => 1 << (c - b'a'),
            c @ b'A'..=b'Z' => 1 << (c - b'A'),
            b'0'..=b'9' => 1 << 26,
            c @ 0x20..=0x7e => 1 << (27 + (c % 37)),
            _ => 0,
        };
        b += 1;
    }
    t
};

/// `s` with `en` replaced by `zh` where it is not part of a longer word
/// (`balance ` is replaced in `loan balance ` but not in `npl_balance `).
fn replace_phrase(s: &str, en: &str, zh: &str, finder: &memchr::memmem::Finder<'_>) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let starts_word = en.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    let ends_word = en
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = finder.find(rest.as_bytes()) {
        let before = rest[..i].chars().next_back().or(out.chars().next_back());
        let after = rest[i + en.len()..].chars().next();
        let whole =
            !((starts_word && before.is_some_and(word)) || (ends_word && after.is_some_and(word)));
        out.push_str(&rest[..i]);
        out.push_str(if whole { zh } else { en });
        rest = &rest[i + en.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether a phrase of the table is one word (matched whole, not inside
/// another word).
fn is_word(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `closing balance of 2026-09` in Chinese word order, `2026-09 期末余额`,
/// as the risk-deposit sheet says it (a phrase alone cannot move the
/// period before its words).
fn closing_of(s: &str) -> std::borrow::Cow<'_, str> {
    const EN: &str = "closing balance of ";
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(EN));
    let Some(at) = FINDER.find(s.as_bytes()) else {
        return std::borrow::Cow::Borrowed(s);
    };
    let rest = &s[at + EN.len()..];
    let period = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .map_or(rest, |end| &rest[..end]);
    if period.is_empty() {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(format!(
        "{}{}{}",
        &s[..at],
        text::trace_closing_of(Lang::Zh, period),
        &rest[period.len()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::{Lang, TraceWords, closing_of};
    use crate::text;

    #[test]
    fn a_word_is_named_by_the_vocabulary_then_the_policy_then_the_catalogue() {
        use crate::vocab::{LoanClass, Metric, Product};
        let policy = crate::policy::load_policy(
            std::path::Path::new("rules/city-commercial-bank.toml"),
            "rules/city-commercial-bank.toml",
        )
        .expect("Policy A loads");
        let mut words = TraceWords::new(&policy, Lang::Zh);
        // A policy naming ids the vocabulary and the catalogue name too
        // (its names come after the vocabulary's, before the catalogue's).
        for (i, id) in [
            Metric::ALL[0].id(),
            Product::IDS[0],
            LoanClass::IDS[0],
            "gross",
            "balance",
            "v2",
        ]
        .into_iter()
        .enumerate()
        {
            words.names.insert(id.to_string(), format!("政策名{i}"));
        }
        let words = words;
        // word() as it asked each table in turn.
        let asked_in_turn = |w: &str| -> String {
            if let Some(m) = Metric::from_id(w) {
                return m.zh().to_string();
            }
            if let Some(p) = Product::from_id(w) {
                return p.zh().to_string();
            }
            if let Some(c) = LoanClass::from_id(w) {
                return c.zh().to_string();
            }
            if let Some(n) = words.names.get(w) {
                return n.clone();
            }
            if let Some(v) = w.strip_prefix('v')
                && !v.is_empty()
                && v.bytes().all(|b| b.is_ascii_digit())
            {
                return format!("第{v}版");
            }
            if let Some(f) = text::trace_figure(w, Lang::Zh) {
                return f.to_string();
            }
            let single: std::collections::HashMap<&str, &str> = text::TRACE_PHRASES
                .iter()
                .copied()
                .filter(|(en, _)| super::is_word(en))
                .collect();
            single.get(w).copied().unwrap_or(w).to_string()
        };
        let mut all: Vec<String> = Metric::ids().map(String::from).collect();
        all.extend(Product::IDS.iter().map(|s| s.to_string()));
        all.extend(LoanClass::IDS.iter().map(|s| s.to_string()));
        all.extend(words.names.keys().cloned());
        all.extend(words.tiers.keys().cloned());
        all.extend(text::TRACE_PHRASES.iter().map(|(en, _)| en.to_string()));
        all.extend(
            [
                "gross", "net", "holdback", "branch", "payout", "v2", "v", "v2a", "vx",
            ]
            .map(String::from),
        );
        all.extend(["C000001", "RM0001", "A-14-2-score-85", "row"].map(String::from));
        let named = all
            .iter()
            .filter(|w| {
                let mut out = String::new();
                words.word(w, &mut out);
                assert_eq!(out, asked_in_turn(w), "{w}");
                out != **w
            })
            .count();
        // Most of them have a name (the rest stay as they are).
        assert!(named > 60, "{named} of {}", all.len());
    }

    #[test]
    fn a_closing_balance_reads_in_chinese_word_order() {
        // Before: `期初余额：期末余额，2026-09`, the period after its words.
        assert_eq!(
            closing_of("opening balance: closing balance of 2026-09"),
            "opening balance: 2026-09 期末余额"
        );
        assert_eq!(
            closing_of("closing balance of 2026-08 (risk balance, losses not yet recovered)"),
            "2026-08 期末余额 (risk balance, losses not yet recovered)"
        );
        assert_eq!(
            closing_of("no opening balance given"),
            "no opening balance given"
        );
        assert_eq!(closing_of("closing balance of "), "closing balance of ");
    }
}
