//! Results → a table model (sheets, columns, typed cells). The writer turns
//! the model into a workbook; nothing here knows about rust_xlsxwriter.

pub mod pay;

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub style: RowStyle,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    /// Width in characters.
    pub width: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// The header row; empty for sheets laid out by blocks (pay strips).
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Freeze the header row and this many leading columns.
    pub freeze_columns: u16,
    /// Print each block on its own (pay strips): page breaks before rows.
    pub page_breaks: Vec<u32>,
    pub landscape: bool,
}

impl Sheet {
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Sheet {
        Sheet {
            name: name.into(),
            columns,
            rows: Vec::new(),
            freeze_columns: 0,
            page_breaks: Vec::new(),
            landscape: false,
        }
    }

    pub fn push(&mut self, cells: Vec<Cell>) {
        self.rows.push(Row {
            style: RowStyle::Normal,
            cells,
        });
    }

    pub fn push_styled(&mut self, style: RowStyle, cells: Vec<Cell>) {
        self.rows.push(Row { style, cells });
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Book {
    pub title: String,
    pub sheets: Vec<Sheet>,
    /// Decimal places of money cells.
    pub money_scale: u32,
    /// The document date (derived from the period, never the clock).
    pub date: chrono::NaiveDate,
}

pub fn col(title: &str, width: f64) -> Column {
    Column {
        title: title.to_string(),
        width,
    }
}
