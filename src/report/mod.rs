//! Results → a table model (sheets, columns, typed cells). The writer turns
//! the model into a workbook; nothing here knows about rust_xlsxwriter.

pub mod compare;
pub mod explain;
pub mod pay;
pub mod review;
pub mod statement;
pub mod template;

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
            }),
            sink,
            freeze_columns: 0,
            landscape: false,
            chart: None,
            print: Print::default(),
        }
    }

    fn start(&mut self) {
        if let Some(mut head) = self.head.take() {
            head.freeze_columns = self.freeze_columns;
            head.landscape = self.landscape;
            head.chart = self.chart.take();
            head.print = self.print;
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
        wrapped_col(text::col_input_value(lang), 52.0),
    ]
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
