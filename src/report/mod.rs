//! Results → a table model (sheets, columns, typed cells). The writer turns
//! the model into a workbook; nothing here knows about rust_xlsxwriter.

pub mod compare;
pub mod explain;
pub mod pay;
pub mod review;
pub mod statement;
pub mod template;

use rust_decimal::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
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
            unit: lang.pick("单位：元", "Unit: CNY").to_string(),
            page_of: lang
                .pick("第 {page} 页 共 {pages} 页", "Page {page} of {pages}")
                .to_string(),
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
    /// its title says what it is (`zh`, `en`), the policy and the period.
    pub fn new(
        policy: &crate::policy::Policy,
        lang: Lang,
        (zh, en): (&str, &str),
        label: &str,
        date: chrono::NaiveDate,
    ) -> BookHead {
        BookHead {
            title: match lang {
                Lang::Zh => format!("{} {zh} {label}", policy.name),
                Lang::En => format!(
                    "{en} {label} — {}",
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
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    vec![
        col(l("客户经理编号", "RM id"), 12.0),
        col(l("项目", "Figure"), 24.0),
        col(l("规则", "Rule"), 24.0),
        col(l("数值", "Value"), 16.0),
        col(l("公式", "Formula"), 48.0),
        col(l("输入项", "Input"), 40.0),
        wrapped_col(l("输入值", "Input value"), TRACE_VALUE_WIDTH),
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
/// per further input, so no cell grows past what a spreadsheet holds.
pub fn trace_rows(sheet: &mut Sheet, rm_id: &str, step: &crate::trace::Step, value: Cell) {
    let mut inputs = step.inputs.iter();
    let first = inputs.next();
    sheet.push(vec![
        Cell::text(rm_id),
        Cell::text(&step.figure),
        Cell::text(&step.rule),
        value,
        Cell::text(&step.formula),
        first.map(|i| Cell::text(&*i.name)).unwrap_or(Cell::Empty),
        first.map(|i| Cell::text(&*i.value)).unwrap_or(Cell::Empty),
    ]);
    for i in inputs {
        sheet.push(vec![
            Cell::text(rm_id),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(&*i.name),
            Cell::text(&*i.value),
        ]);
    }
}
