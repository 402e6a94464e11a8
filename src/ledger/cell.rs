//! A small borrowed view of one cell, the same for every workbook format.
//!
//! The xlsx streaming reader yields `DataRef`s (shared strings borrowed from
//! the workbook), the xls/ods readers yield `Data` from a `Range`; both are
//! turned into [`Cv`] so that one row-processing path serves every format
//! without copying strings.

use crate::text::{Msg, ledger as says};
use calamine::{CellErrorType, Data, DataRef, ExcelDateTime};
use chrono::NaiveDate;
use std::fmt::Write;

/// One cell value, borrowed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) enum Cv<'a> {
    #[default]
    Empty,
    Str(&'a str),
    Float(f64),
    Int(i64),
    Bool(bool),
    /// A date-formatted number (xlsx, xls).
    Date(ExcelDateTime),
    /// An ISO 8601 date or date-time (ods).
    DateIso(&'a str),
    /// An ISO 8601 duration (ods time cells).
    Duration(&'a str),
    Error(&'a CellErrorType),
}

impl<'a> Cv<'a> {
    pub(crate) fn from_ref<'b>(d: &'a DataRef<'b>) -> Cv<'a>
    where
        'b: 'a,
    {
        match d {
            DataRef::Empty => Cv::Empty,
            DataRef::SharedString(s) => Cv::Str(s),
            DataRef::String(s) => Cv::Str(s.as_str()),
            DataRef::Float(f) => Cv::Float(*f),
            DataRef::Int(i) => Cv::Int(*i),
            DataRef::Bool(b) => Cv::Bool(*b),
            DataRef::DateTime(d) => Cv::Date(*d),
            DataRef::DateTimeIso(s) => Cv::DateIso(s.as_str()),
            DataRef::DurationIso(s) => Cv::Duration(s.as_str()),
            DataRef::Error(e) => Cv::Error(e),
        }
    }

    pub(crate) fn from_data(d: &'a Data) -> Cv<'a> {
        match d {
            Data::Empty => Cv::Empty,
            Data::String(s) => Cv::Str(s.as_str()),
            Data::Float(f) => Cv::Float(*f),
            Data::Int(i) => Cv::Int(*i),
            Data::Bool(b) => Cv::Bool(*b),
            Data::DateTime(d) => Cv::Date(*d),
            Data::DateTimeIso(s) => Cv::DateIso(s.as_str()),
            Data::DurationIso(s) => Cv::Duration(s.as_str()),
            Data::Error(e) => Cv::Error(e),
        }
    }

    /// The value, owned (a row kept while the header row is looked for).
    pub(crate) fn to_data(self) -> Data {
        match self {
            Cv::Empty => Data::Empty,
            Cv::Str(s) => Data::String(s.to_string()),
            Cv::Float(f) => Data::Float(f),
            Cv::Int(i) => Data::Int(i),
            Cv::Bool(b) => Data::Bool(b),
            Cv::Date(d) => Data::DateTime(d),
            Cv::DateIso(s) => Data::DateTimeIso(s.to_string()),
            Cv::Duration(s) => Data::DurationIso(s.to_string()),
            Cv::Error(e) => Data::Error(e.clone()),
        }
    }

    /// Empty, or text made only of spaces.
    #[inline]
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cv::Empty => true,
            Cv::Str(s) => match s.chars().next() {
                Some(c) if !c.is_whitespace() => false,
                _ => s.trim().is_empty(),
            },
            _ => false,
        }
    }

    /// How the value is named in a message: ``text `abc` ``, ``the number `12` ``
    /// (文本「abc」, 数字「12」).
    pub(crate) fn describe(&self) -> Msg {
        match self {
            Cv::Empty => says::found_empty(),
            Cv::Str(s) => says::found_text(s.trim()),
            Cv::Float(f) => says::found_number(f),
            Cv::Int(i) => says::found_number(i),
            Cv::Bool(b) => says::found_bool(if *b { "TRUE" } else { "FALSE" }),
            Cv::Date(d) => match excel_date(d) {
                Some(day) => says::found_date(day),
                None => says::found_date_time(d.as_f64()),
            },
            Cv::DateIso(s) => says::found_date(s),
            Cv::Duration(s) => says::found_duration(s),
            Cv::Error(CellErrorType::GettingData) => says::found_uncomputed(),
            Cv::Error(e) => says::found_cell_error(e),
        }
    }
}

/// The calendar day of a date cell (the time of day, if any, is dropped).
/// A whole serial of 8 digits is a `yyyymmdd` number in a cell formatted
/// as a date (a core system's export typed into a date column): Excel's
/// last date, 9999-12-31, is serial 2,958,465, so no such serial is a date
/// Excel shows. It is read as `yyyymmdd`, and is `None` when that is not a
/// real day.
pub(crate) fn excel_date(d: &ExcelDateTime) -> Option<NaiveDate> {
    if d.is_duration() || !d.as_f64().is_finite() {
        return None;
    }
    if let Some(ymd) = yyyymmdd(d.as_f64()) {
        return ymd;
    }
    d.as_datetime().map(|dt| dt.date())
}

/// A number of 8 digits, `yyyymmdd` (20261031): `Some(day)`, or
/// `Some(None)` when it is not a real day (20261032); `None` when the
/// number is not a whole number of 8 digits.
pub(crate) fn yyyymmdd(n: f64) -> Option<Option<NaiveDate>> {
    if n.fract() != 0.0 || !(10_000_000.0..100_000_000.0).contains(&n) {
        return None;
    }
    let n = n as u32;
    let (y, m, d) = (n / 10_000, n / 100 % 100, n % 100);
    Some(NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d))
}

/// The significant digits of `f`'s shortest text (`0.1` 1, `1234.5` 5,
/// `0.30000000000000004` 17).
fn significant_digits(f: f64) -> usize {
    let e = format!("{:e}", f.abs());
    let mantissa = e.split('e').next().unwrap_or_default();
    mantissa.bytes().filter(u8::is_ascii_digit).count()
}

/// The text of an identifier or free-text cell, trimmed; `None` when blank.
/// Numbers are written without a fractional part when they have none
/// (account numbers are often stored as numbers, up to 15 digits).
/// Spreadsheet errors are refused with a message, and so is a number that
/// cannot be what was typed (16 digits or more: Excel keeps 15).
pub(crate) fn text_ref<'x>(cv: &Cv<'x>, buf: &'x mut String) -> Result<Option<&'x str>, Msg> {
    match *cv {
        Cv::Empty => Ok(None),
        Cv::Str(s) => {
            let b = s.as_bytes();
            if b.first().is_some_and(u8::is_ascii_graphic)
                && b.last().is_some_and(u8::is_ascii_graphic)
            {
                return Ok(Some(s));
            }
            let t = s.trim();
            Ok(if t.is_empty() { None } else { Some(t) })
        }
        Cv::Int(i) => {
            buf.clear();
            let _ = write!(buf, "{i}");
            Ok(Some(buf.as_str()))
        }
        // A number where text is expected (an id, an account number):
        // Excel keeps 15 significant digits, so a number of 16 digits or
        // more, or one whose shortest text needs more than 15, is not what
        // was typed. Refused, not taken as another id.
        Cv::Float(f)
            if !f.is_finite()
                || f.abs() >= 1e15
                || (f.fract() != 0.0 && significant_digits(f) > 15) =>
        {
            Err(says::id_as_number(format!("{f:E}")))
        }
        Cv::Float(f) => {
            buf.clear();
            if f.fract() == 0.0 {
                let _ = write!(buf, "{}", f as i64);
            } else {
                let _ = write!(buf, "{f}");
            }
            Ok(Some(buf.as_str()))
        }
        Cv::Bool(b) => Ok(Some(if b { "TRUE" } else { "FALSE" })),
        Cv::Date(d) => {
            buf.clear();
            match excel_date(&d) {
                Some(day) => {
                    let _ = write!(buf, "{day}");
                }
                None => {
                    let _ = write!(buf, "{}", d.as_f64());
                }
            }
            Ok(Some(buf.as_str()))
        }
        Cv::DateIso(s) | Cv::Duration(s) => Ok(Some(s.trim())),
        Cv::Error(CellErrorType::GettingData) => Err(says::uncomputed_formula()),
        Cv::Error(e) => Err(says::cell_error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_numbers() {
        let mut buf = String::new();
        assert_eq!(
            text_ref(&Cv::Float(622202020001234.0), &mut buf).unwrap(),
            Some("622202020001234")
        );
        // 16 digits or more, or a fraction of more than 15 significant
        // digits: not what was typed (Excel keeps 15).
        for f in [6222020200012345.0, 6.22202020001234e18, 0.1 + 0.2, f64::NAN] {
            let mut buf = String::new();
            assert!(text_ref(&Cv::Float(f), &mut buf).is_err(), "{f}");
        }
        let mut buf = String::new();
        assert_eq!(text_ref(&Cv::Float(12.5), &mut buf).unwrap(), Some("12.5"));
        let mut buf = String::new();
        assert_eq!(text_ref(&Cv::Int(1001), &mut buf).unwrap(), Some("1001"));
        let mut buf = String::new();
        assert_eq!(
            text_ref(&Cv::Str("  RM01 "), &mut buf).unwrap(),
            Some("RM01")
        );
        let mut buf = String::new();
        assert_eq!(text_ref(&Cv::Str("   "), &mut buf).unwrap(), None);
        let e = CellErrorType::NA;
        let mut buf = String::new();
        assert!(text_ref(&Cv::Error(&e), &mut buf).is_err());
    }
}
