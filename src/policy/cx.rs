//! The policy file being read: its name, its text, and where its problems
//! go. Both passes (`raw`, then `lint`) report through it, each problem at
//! the `file:line:column` of a span of the text.

use crate::diag::Code;
use crate::diag::{Diagnostics, Location};
use std::collections::BTreeMap;
use std::ops::Range;

pub type Span = Range<usize>;

/// A value with the span of the text it was read from.
pub type Sp<T> = toml::Spanned<T>;

/// The document being read: file name, text, and the diagnostics sink.
pub struct Cx<'s> {
    pub file: String,
    pub src: &'s str,
    pub diags: Diagnostics,
    /// The span of each key, by the span of its value: a key the lint
    /// finds out of place is reported at the key, as serde reports one.
    pub keys: BTreeMap<(usize, usize), Span>,
    /// The review conditions over consecutive months read so far.
    pub month_runs: Vec<super::model::MonthRun>,
}

impl<'s> Cx<'s> {
    pub fn new(file: &str, src: &'s str) -> Self {
        Cx {
            file: file.to_string(),
            src,
            diags: Diagnostics::new(),
            keys: BTreeMap::new(),
            month_runs: Vec::new(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let before = &self.src[..floor_char_boundary(self.src, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    pub fn location(&self, span: &Span) -> Location {
        let (line, column) = self.line_col(span.start);
        Location::Text {
            file: self.file.clone(),
            line,
            column,
        }
    }

    pub fn error(&mut self, span: &Span, code: Code, message: impl Into<crate::text::Msg>) {
        let loc = self.location(span);
        self.diags.error(loc, code, message);
    }

    /// The key whose value is at `value` (the value itself if unknown).
    pub fn key_of(&self, value: &Span) -> Span {
        self.keys
            .get(&(value.start, value.end))
            .cloned()
            .unwrap_or_else(|| value.clone())
    }

    /// The text of the file at `span` (empty where the span is not in it).
    pub fn text(&self, span: &Span) -> &'s str {
        self.src.get(span.clone()).unwrap_or_default()
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
