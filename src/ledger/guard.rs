//! Excel's limits as the reader's limits, checked on the XML of an xlsx
//! before calamine parses it.
//!
//! Every part calamine reads comes to it through [`super::unzip`], which
//! runs it through a [`Guard`]: a small state machine over the inflated
//! bytes that knows just enough XML to find tags, attribute values and
//! text runs. It stops the read (an I/O error to calamine, the reason kept
//! in a [`Breach`]) at the first byte past a limit, so nothing beyond a
//! limit is ever buffered:
//!
//! - a part inflates to no more than its kind's limit ([`MAX_SHEET_PART`],
//!   [`MAX_STRINGS_PART`], [`MAX_OTHER_PART`]), checked on the size the zip
//!   declares before a byte is inflated (the bytes served never exceed the
//!   declared size, so a header that lies gets a truncated part and a CRC
//!   error, not a bigger one);
//! - every tag and every text run is under [`MAX_EVENT`] bytes (calamine's
//!   XML reader buffers one whole event: a cell's text, or the whitespace
//!   between two tags);
//! - one cell's or one shared string's XML is under [`MAX_CELL_XML`] bytes
//!   (calamine joins a rich text's runs into one string);
//! - a sheet has at most [`MAX_ROWS`] rows and [`MAX_COLS`] cells a row,
//!   every cell reference is within `XFD1048576` (calamine's arithmetic on
//!   references overflows beyond it), and the declared dimension is an
//!   ordered range;
//! - the shared-string table declares and holds at most [`MAX_STRINGS`]
//!   strings (calamine reserves room for the declared count up front);
//! - any other part has at most [`MAX_OTHER_ELEMENTS`] elements.
//!
//! A cell's text over [`MAX_CELL_CHARS`] characters (but within the XML
//! bounds) is reported at its cell by the reader itself.
//!
//! Most of a big sheet is rows of plain cells (`<row r="7">`,
//! `<c r="B7" t="inlineStr"><is><t>…</t></is></c>`, `</row>`), and so is
//! a shared-string table (`<si><t>…</t></si>`). These are read a whole
//! row tag, cell or string at a time ([`Guard::fast`]): a construct of
//! that plain shape, short and whole within the bytes fed, that goes past
//! no limit, leaves the guard as the byte-by-byte reading would;
//! anything else (a prefixed name, a comment, a reference out of range, a
//! count at its limit, a construct cut by the end of the bytes) is left
//! to the byte-by-byte states, which say what is wrong exactly as before.

use crate::diag::Code;
use crate::text::{Msg, ledger as says};

/// Rows a sheet may have (Excel's limit).
pub const MAX_ROWS: u32 = 1 << 20;
/// Columns a sheet may have, `A` to `XFD` (Excel's limit).
pub const MAX_COLS: u32 = 1 << 14;
/// Characters a cell may hold (Excel's limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// A worksheet's XML: ten times a million-row daily-balance sheet (60 to
/// 100 MB). Sheets are streamed, so this bounds the time a read takes, not
/// its memory.
pub const MAX_SHEET_PART: u64 = 1 << 30;
/// The shared-string table's XML. calamine holds the table in memory (about
/// the XML's size plus 24 bytes a string): a ledger with a unique client and
/// account name on every row of a full million-row sheet needs about 60 MB.
pub const MAX_STRINGS_PART: u64 = 128 << 20;
/// Strings in the shared-string table: two for every row of a full sheet.
pub const MAX_STRINGS: u64 = 2 << 20;
/// Every other part calamine reads (workbook, relationships, styles,
/// theme): Excel's 64,000 cell formats take about 10 MB of styles.
pub const MAX_OTHER_PART: u64 = 16 << 20;
/// Elements in one of those other parts.
pub const MAX_OTHER_ELEMENTS: u64 = 1 << 20;
/// One tag or one text run: a cell of 32,767 characters written as
/// character references (`&#x10FFFF;`, 10 bytes each) fits.
pub const MAX_EVENT: u64 = 1 << 20;
/// One cell's or one shared string's XML, rich-text runs and all.
pub const MAX_CELL_XML: u64 = 2 << 20;
/// The most bytes [`Guard::fast`] reads as one construct (a cell, a shared
/// string, a row tag): well under [`MAX_EVENT`] and [`MAX_CELL_XML`], so
/// none of what it reads can go past either.
const FAST_SPAN: usize = 64 << 10;
/// The most bytes of one tag it reads (as [`Guard::whole_tag`]).
const FAST_TAG: usize = 512;

/// The diagnostic codes of a breach.
pub(crate) const TOO_LARGE: Code = Code::TooLarge;
pub(crate) const BEYOND_EXCEL: Code = Code::BeyondExcelLimits;

/// What a part is, for its limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Sheet,
    Strings,
    Other,
}

impl Kind {
    /// The kind of a zip member, by its name.
    pub(crate) fn of(name: &str) -> Kind {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") {
            Kind::Strings
        } else if lower.contains("worksheets/") {
            Kind::Sheet
        } else {
            Kind::Other
        }
    }

    pub(crate) fn max_part(self) -> u64 {
        match self {
            Kind::Sheet => MAX_SHEET_PART,
            Kind::Strings => MAX_STRINGS_PART,
            Kind::Other => MAX_OTHER_PART,
        }
    }

    fn what(self) -> Msg {
        match self {
            Kind::Sheet => says::part_worksheet(),
            Kind::Strings => says::part_strings(),
            Kind::Other => says::part_other(),
        }
    }
}

/// A limit that a part went past.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    /// `beyond-excel-limits` for what Excel cannot write (a reference past
    /// `XFD1048576`, a row too many), `too-large` for the reader's bounds.
    pub code: Code,
    /// The zip member.
    pub part: String,
    /// The cell it happened in (0-based row and column), when in a sheet
    /// and known.
    pub cell: Option<(u32, u32)>,
    pub message: Msg,
}

/// Group digits by thousands: 1048576 → `1,048,576`.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A size in words: `1 GiB`, `128 MiB`, or bytes.
pub(crate) fn size(n: u64) -> Msg {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        Msg::verbatim(format!("{} GiB", n >> 30))
    } else if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        Msg::verbatim(format!("{} MiB", n >> 20))
    } else {
        says::size_bytes(thousands(n))
    }
}

/// The size check made before a part is inflated.
pub(crate) fn check_size(part: &str, declared: u64) -> Result<(), Breach> {
    let kind = Kind::of(part);
    if declared > kind.max_part() {
        return Err(Breach {
            code: TOO_LARGE,
            part: part.to_string(),
            cell: None,
            message: says::nest2(&kind.what(), &size(kind.max_part()), |what, max| {
                says::part_too_big(what, part, thousands(declared), max)
            }),
        });
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Text,
    /// Just after `<`.
    Open,
    Name,
    /// In a tag whose attributes do not matter.
    Skip,
    /// In one of its attribute values.
    SkipValue,
    Attrs,
    AttrName,
    AfterAttrName,
    BeforeValue,
    Value,
    /// After `<!`: which markup it is.
    Bang,
    Comment,
    CData,
    Pi,
}

/// Short names and values kept while a tag is read; longer ones only
/// matter as "too long".
#[derive(Clone, Copy)]
struct Short<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Short<N> {
    const fn new() -> Self {
        Short {
            bytes: [0; N],
            len: 0,
        }
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
        }
        self.len = self.len.saturating_add(1);
    }

    /// The bytes, or `None` when they did not fit.
    fn get(&self) -> Option<&[u8]> {
        self.bytes.get(..self.len)
    }

    fn is(&self, s: &[u8]) -> bool {
        self.get() == Some(s)
    }
}

/// The guard over one part's bytes, fed in order from its first byte.
pub(crate) struct Guard {
    part: String,
    kind: Kind,
    st: St,
    /// Bytes in the current tag or text run.
    event: u64,
    /// Bytes fed so far.
    at: u64,
    /// Where the current cell or shared string began.
    element_at: Option<u64>,
    name: Short<16>,
    closing: bool,
    /// The tag so far ends in `/` (an empty element: `<c r="A1"/>`).
    slash: bool,
    attr: Short<16>,
    value: Short<32>,
    quote: u8,
    /// The last bytes of a comment, CDATA section or instruction.
    tail: [u8; 2],
    bang: Short<8>,
    rows: u64,
    cells_in_row: u64,
    strings: u64,
    elements: u64,
    /// The current row and column (0-based), for locations.
    row: Option<u32>,
    col: Option<u32>,
    /// Whether plain constructs are read whole ([`Guard::fast`]); off only
    /// in the tests that hold the two readings to each other.
    fast: bool,
    /// Bytes read by [`Guard::fast`] (for the tests).
    #[cfg(test)]
    fast_bytes: u64,
}

impl Guard {
    pub(crate) fn new(part: &str) -> Guard {
        Guard {
            part: part.to_string(),
            kind: Kind::of(part),
            st: St::Text,
            event: 0,
            at: 0,
            element_at: None,
            name: Short::new(),
            closing: false,
            slash: false,
            attr: Short::new(),
            value: Short::new(),
            quote: 0,
            tail: [0; 2],
            bang: Short::new(),
            rows: 0,
            cells_in_row: 0,
            strings: 0,
            elements: 0,
            row: None,
            col: None,
            fast: true,
            #[cfg(test)]
            fast_bytes: 0,
        }
    }

    fn breach(&self, message: Msg) -> Breach {
        self.breach_as(TOO_LARGE, message)
    }

    /// A breach inside a cell is at that cell; anywhere else in a sheet it
    /// is at the sheet, its message saying after which cell.
    fn breach_as(&self, code: Code, mut message: Msg) -> Breach {
        let mut cell = None;
        if self.kind == Kind::Sheet {
            match (self.row, self.col) {
                (Some(r), Some(c)) if self.element_at.is_some() => cell = Some((r, c)),
                (Some(r), Some(c)) => {
                    let after = says::after_cell(crate::diag::cell_name(r, c));
                    message = message.map(|l, m| m + after.get(l));
                }
                (Some(r), None) => {
                    let within = says::in_row(u64::from(r) + 1);
                    message = message.map(|l, m| m + within.get(l));
                }
                _ => {}
            }
        }
        Breach {
            code,
            part: self.part.clone(),
            cell,
            message,
        }
    }

    /// Check the next bytes of the part.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<(), Breach> {
        let mut i = 0;
        while i < bytes.len() {
            // Text, tags that need no look inside and attribute values:
            // straight to the byte that ends them.
            let rest = &bytes[i..];
            let found = match self.st {
                St::Text => Some(memchr::memchr(b'<', rest)),
                St::Skip => Some(memchr::memchr3(b'>', b'"', b'\'', rest)),
                St::SkipValue | St::Value => Some(memchr::memchr(self.quote, rest)),
                _ => None,
            };
            if let Some(found) = found {
                let skip = found.unwrap_or(rest.len());
                if self.st == St::Value {
                    let kept = skip.min(self.value.bytes.len() + 1);
                    for &b in &rest[..kept] {
                        self.value.push(b);
                    }
                    self.value.len = self.value.len.saturating_add(skip - kept);
                } else if self.st == St::Skip && skip > 0 {
                    // `<x a="1"/>`: whether the tag ends empty.
                    self.slash = rest[skip - 1] == b'/';
                }
                self.event += skip as u64;
                self.at += skip as u64;
                i += skip;
                self.check_event()?;
                if found.is_none() {
                    break;
                }
                if self.st == St::Text {
                    let n = self.fast(&bytes[i..]);
                    if n > 0 {
                        i += n;
                        continue;
                    }
                    if let Some(n) = self.whole_tag(&bytes[i..])? {
                        i += n;
                        continue;
                    }
                }
            }
            let b = bytes[i];
            i += 1;
            self.at += 1;
            self.event += 1;
            self.step(b)?;
            self.check_event()?;
        }
        self.check_element()
    }

    fn check_event(&self) -> Result<(), Breach> {
        if self.event <= MAX_EVENT {
            return self.check_element();
        }
        let what = match (self.st, self.element_at) {
            (St::Text, Some(_)) => {
                says::cell_xml_too_long(thousands(MAX_EVENT), thousands(MAX_CELL_CHARS as u64))
            }
            (St::Text, None) => says::nest(&self.kind.what(), |what| {
                says::text_run_too_long(what, thousands(MAX_EVENT))
            }),
            _ => says::nest(&self.kind.what(), |what| {
                says::tag_too_long(what, thousands(MAX_EVENT))
            }),
        };
        Err(self.breach(what))
    }

    /// The tag at the start of `rest` (its `<` first) read in one go, when
    /// it is a plain start or end tag that ends within `rest` and 512
    /// bytes: how many bytes it took. `None` leaves it to the byte-by-byte
    /// states (which start it afresh).
    fn whole_tag(&mut self, rest: &[u8]) -> Result<Option<usize>, Breach> {
        let limit = rest.len().min(512);
        let space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let local = |name: &[u8]| -> Short<16> {
            let name = memchr::memrchr(b':', name).map_or(name, |k| &name[k + 1..]);
            let mut out = Short::new();
            for &b in name.iter().take(17) {
                out.push(b);
            }
            out
        };
        let closing = match rest.get(1) {
            Some(b'!' | b'?') | None => return Ok(None),
            Some(b) => *b == b'/',
        };
        let mut j = if closing { 2 } else { 1 };
        let name_at = j;
        while j < limit && !(space(rest[j]) || rest[j] == b'/' || rest[j] == b'>') {
            j += 1;
        }
        if j >= limit {
            return Ok(None);
        }
        self.name = local(&rest[name_at..j]);
        self.closing = closing;
        self.slash = false;
        let look = self.looked_into();
        loop {
            while j < limit && space(rest[j]) {
                j += 1;
            }
            match rest.get(j).filter(|_| j < limit) {
                None => return Ok(None),
                Some(b'>') => break,
                Some(b'/') => {
                    self.slash = true;
                    j += 1;
                    continue;
                }
                Some(_) => {}
            }
            let name_at = j;
            while j < limit && !(space(rest[j]) || matches!(rest[j], b'=' | b'>' | b'/')) {
                j += 1;
            }
            if rest.get(j) != Some(&b'=') || j + 1 >= limit {
                return Ok(None);
            }
            let name_end = j;
            let quote = rest[j + 1];
            if quote != b'"' && quote != b'\'' {
                return Ok(None);
            }
            let value_at = j + 2;
            let Some(k) = rest
                .get(value_at..limit)
                .and_then(|v| memchr::memchr(quote, v))
            else {
                return Ok(None);
            };
            j = value_at + k + 1;
            self.slash = false;
            if look {
                self.attr = local(&rest[name_at..name_end]);
                let mut value = Short::new();
                for &b in rest[value_at..value_at + k].iter().take(33) {
                    value.push(b);
                }
                value.len = k;
                self.value = value;
                self.attribute()?;
            }
        }
        let n = j + 1;
        self.at += n as u64;
        self.event = n as u64;
        self.end_tag()?;
        Ok(Some(n))
    }

    /// Plain row tags, cells and shared strings at the start of `bytes`
    /// (its `<` first, in text), read whole: how many bytes they took, 0
    /// for none. Each is taken only when it is whole within `bytes` and
    /// [`FAST_SPAN`], its names plain (no prefix), with no comment, CDATA
    /// or instruction in it, and it goes past no limit: then reading it
    /// byte by byte would count the same rows, cells and strings, keep the
    /// same row and column, and end in the same state (text, outside any
    /// cell), which is what this leaves. Anything else is left, unread,
    /// to the byte-by-byte states.
    fn fast(&mut self, bytes: &[u8]) -> usize {
        if !self.fast || self.element_at.is_some() {
            return 0;
        }
        let mut i = 0;
        while bytes.get(i) == Some(&b'<') {
            let rest = &bytes[i..];
            let span = &rest[..rest.len().min(FAST_SPAN)];
            let n = match self.kind {
                Kind::Sheet => self.fast_sheet(span),
                Kind::Strings => self.fast_string(span),
                Kind::Other => None,
            };
            let Some(n) = n else { break };
            i += n;
        }
        if i > 0 {
            self.at += i as u64;
            self.event = 0;
            self.st = St::Text;
            #[cfg(test)]
            {
                self.fast_bytes += i as u64;
            }
        }
        i
    }

    /// A row's start or end tag, or a whole cell, at the start of `span`.
    fn fast_sheet(&mut self, span: &[u8]) -> Option<usize> {
        if let Some(n) = self.quick_sheet(span) {
            return Some(n);
        }
        let mut row = None;
        let mut cell = None;
        let mut bad = false;
        let tag = plain_tag(span, &mut |name, attr, value| {
            // A prefixed attribute (`x:r`) is read as its local name by
            // the byte-by-byte states: left to them.
            if attr.contains(&b':') {
                bad |= name == b"c" || name == b"row" || name == b"dimension";
            } else if attr == b"r" && name == b"row" {
                row = row_number(value).map(Some);
                bad |= row.is_none();
            } else if attr == b"r" && name == b"c" {
                cell = cell_ref(value).map(Some);
                bad |= cell.is_none();
            }
        })?;
        if bad {
            return None;
        }
        match (tag.closing, tag.name) {
            (true, b"row") => Some(tag.len),
            (false, b"row") => {
                if self.rows >= u64::from(MAX_ROWS) {
                    return None;
                }
                self.rows += 1;
                self.cells_in_row = 0;
                if let Some(r) = row.flatten() {
                    self.row = Some(r);
                    self.col = None;
                }
                Some(tag.len)
            }
            (false, b"c") => {
                if self.cells_in_row >= u64::from(MAX_COLS) {
                    return None;
                }
                let len = if tag.empty {
                    tag.len
                } else {
                    tag.len + element_rest(&span[tag.len..], b"c", &[b"c", b"row", b"dimension"])?
                };
                self.cells_in_row += 1;
                if let Some((r, c)) = cell.flatten() {
                    self.row = Some(r);
                    self.col = Some(c);
                }
                Some(len)
            }
            _ => None,
        }
    }

    /// The shapes nearly every row and cell of a big sheet has, matched
    /// byte for byte: `</row>`, `<row r="7" …>`, and `<c r="B7" …>` with
    /// `<v>…</v></c>`, `<is><t>…</t></is></c>` or `/>`, every other
    /// attribute a plain `name="value"` after one space. A subset of what
    /// [`plain_tag`] and [`element_rest`] read, taken the same way; `None`
    /// leaves the construct to them.
    fn quick_sheet(&mut self, span: &[u8]) -> Option<usize> {
        if span.starts_with(b"</row>") {
            return Some(6);
        }
        if let Some(rest) = span.strip_prefix(b"<c r=\"") {
            let q = short_find(rest, b'"')?;
            let (r, c) = cell_ref(&rest[..q])?;
            let (end, empty) = quick_attrs(rest, q + 1)?;
            let mut len = 6 + end;
            if !empty {
                len += quick_content(&span[len..])?;
            }
            if self.cells_in_row >= u64::from(MAX_COLS) {
                return None;
            }
            self.cells_in_row += 1;
            self.row = Some(r);
            self.col = Some(c);
            return Some(len);
        }
        if let Some(rest) = span.strip_prefix(b"<row r=\"") {
            let q = short_find(rest, b'"')?;
            let r = row_number(&rest[..q])?;
            let (end, _) = quick_attrs(rest, q + 1)?;
            if self.rows >= u64::from(MAX_ROWS) {
                return None;
            }
            self.rows += 1;
            self.cells_in_row = 0;
            self.row = Some(r);
            self.col = None;
            return Some(8 + end);
        }
        None
    }

    /// A whole shared string (`<si>…</si>`) at the start of `span`.
    fn fast_string(&mut self, span: &[u8]) -> Option<usize> {
        // The usual shape, matched byte for byte.
        if let Some(t) = span.strip_prefix(b"<si><t>")
            && let Some(k) = find_lt(t)
            && t[k..].starts_with(b"</t></si>")
            && self.strings < MAX_STRINGS
        {
            self.strings += 1;
            return Some(7 + k + 9);
        }
        let tag = plain_tag(span, &mut |_, _, _| {})?;
        if tag.closing || tag.name != b"si" || self.strings >= MAX_STRINGS {
            return None;
        }
        let len = if tag.empty {
            tag.len
        } else {
            tag.len + element_rest(&span[tag.len..], b"si", &[b"si", b"sst"])?
        };
        self.strings += 1;
        Some(len)
    }

    /// Whether the tag being read has attributes to check.
    fn looked_into(&self) -> bool {
        !self.closing
            && match self.kind {
                Kind::Sheet => {
                    self.name.is(b"c") || self.name.is(b"row") || self.name.is(b"dimension")
                }
                Kind::Strings => self.name.is(b"sst"),
                Kind::Other => false,
            }
    }

    fn check_element(&self) -> Result<(), Breach> {
        match self.element_at {
            Some(from) if self.at - from > MAX_CELL_XML => {
                let what = if self.kind == Kind::Strings {
                    says::part_shared_string(thousands(self.strings))
                } else {
                    says::part_cell()
                };
                Err(self.breach(says::nest(&what, |what| {
                    says::element_too_long(
                        what,
                        thousands(MAX_CELL_XML),
                        thousands(MAX_CELL_CHARS as u64),
                    )
                })))
            }
            _ => Ok(()),
        }
    }

    fn step(&mut self, b: u8) -> Result<(), Breach> {
        let space = matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        match self.st {
            St::Text => {
                // Only reached on `<` (the run before it was skipped).
                self.event = 1;
                self.st = St::Open;
            }
            St::Open => {
                self.name = Short::new();
                self.closing = false;
                self.slash = false;
                match b {
                    b'/' => {
                        self.closing = true;
                        self.st = St::Name;
                    }
                    b'!' => {
                        self.bang = Short::new();
                        self.st = St::Bang;
                    }
                    b'?' => {
                        self.tail = [0; 2];
                        self.st = St::Pi;
                    }
                    _ => {
                        self.name.push(b);
                        self.st = St::Name;
                    }
                }
            }
            St::Name => match b {
                b'>' => self.end_tag()?,
                b'/' => {
                    self.slash = true;
                    self.st = if self.looked_into() {
                        St::Attrs
                    } else {
                        St::Skip
                    };
                }
                b':' => self.name = Short::new(),
                _ if space => {
                    self.st = if self.looked_into() {
                        St::Attrs
                    } else {
                        St::Skip
                    }
                }
                _ => self.name.push(b),
            },
            St::Skip => match b {
                b'>' => self.end_tag()?,
                b'/' => self.slash = true,
                b'"' | b'\'' => {
                    self.quote = b;
                    self.slash = false;
                    self.st = St::SkipValue;
                }
                _ => self.slash = false,
            },
            St::SkipValue => {
                self.slash = false;
                self.st = St::Skip;
            }
            St::Attrs => match b {
                b'>' => self.end_tag()?,
                b'/' => self.slash = true,
                _ if space => {}
                _ => {
                    self.slash = false;
                    self.attr = Short::new();
                    self.attr.push(b);
                    self.st = St::AttrName;
                }
            },
            St::AttrName => match b {
                b'=' => self.st = St::BeforeValue,
                b'>' => self.end_tag()?,
                b':' => self.attr = Short::new(),
                _ if space => self.st = St::AfterAttrName,
                _ => self.attr.push(b),
            },
            St::AfterAttrName => match b {
                b'=' => self.st = St::BeforeValue,
                b'>' => self.end_tag()?,
                _ if space => {}
                _ => {
                    self.attr = Short::new();
                    self.attr.push(b);
                    self.st = St::AttrName;
                }
            },
            St::BeforeValue => match b {
                b'"' | b'\'' => {
                    self.quote = b;
                    self.value = Short::new();
                    self.st = St::Value;
                }
                b'>' => self.end_tag()?,
                _ if space => {}
                _ => self.st = St::Attrs,
            },
            St::Value => {
                if b == self.quote {
                    self.attribute()?;
                    self.st = St::Attrs;
                } else {
                    self.value.push(b);
                }
            }
            St::Bang => {
                self.bang.push(b);
                if self.bang.is(b"--") {
                    self.tail = [0; 2];
                    self.st = St::Comment;
                } else if self.bang.is(b"[CDATA[") {
                    self.tail = [0; 2];
                    self.st = St::CData;
                } else if !(b"--".starts_with(self.bang.get().unwrap_or(b"x"))
                    || b"[CDATA[".starts_with(self.bang.get().unwrap_or(b"x")))
                {
                    return Err(self.breach_as(
                        BEYOND_EXCEL,
                        says::nest(&self.kind.what(), |s| says::foreign_markup(s)),
                    ));
                }
            }
            St::Comment | St::CData | St::Pi => {
                let end = match self.st {
                    St::Comment => self.tail == *b"--",
                    St::CData => self.tail == *b"]]",
                    _ => self.tail[1] == b'?',
                };
                if b == b'>' && end {
                    self.st = St::Text;
                    self.event = 0;
                } else {
                    self.tail = [self.tail[1], b];
                }
            }
        }
        Ok(())
    }

    /// A tag ended with `>`.
    fn end_tag(&mut self) -> Result<(), Breach> {
        self.st = St::Text;
        self.event = 0;
        let name = self.name;
        // An empty element (`<c r="A1"/>`) opens and closes at once.
        let empty = self.slash && !self.closing;
        match self.kind {
            Kind::Sheet => {
                if self.closing {
                    if name.is(b"c") {
                        self.element_at = None;
                    }
                } else if name.is(b"row") {
                    self.rows += 1;
                    self.cells_in_row = 0;
                    if self.rows > u64::from(MAX_ROWS) {
                        return Err(self.breach_as(
                            BEYOND_EXCEL,
                            says::too_many_rows(thousands(u64::from(MAX_ROWS))),
                        ));
                    }
                } else if name.is(b"c") {
                    self.cells_in_row += 1;
                    if self.cells_in_row > u64::from(MAX_COLS) {
                        return Err(self.breach_as(
                            BEYOND_EXCEL,
                            says::too_many_cells(thousands(u64::from(MAX_COLS))),
                        ));
                    }
                    if !empty {
                        self.element_at = Some(self.at);
                    }
                }
            }
            Kind::Strings => {
                if self.closing {
                    if name.is(b"si") {
                        self.element_at = None;
                    }
                } else if name.is(b"si") {
                    self.strings += 1;
                    if self.strings > MAX_STRINGS {
                        return Err(self.breach(says::too_many_strings(thousands(MAX_STRINGS))));
                    }
                    if !empty {
                        self.element_at = Some(self.at);
                    }
                }
            }
            Kind::Other => {
                if !self.closing {
                    self.elements += 1;
                    if self.elements > MAX_OTHER_ELEMENTS {
                        return Err(
                            self.breach(says::too_many_elements(thousands(MAX_OTHER_ELEMENTS)))
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// An attribute value ended.
    fn attribute(&mut self) -> Result<(), Breach> {
        if self.closing {
            return Ok(());
        }
        let shown = || {
            let v = self.value.get().unwrap_or(&self.value.bytes);
            let more = if self.value.get().is_none() {
                "…"
            } else {
                ""
            };
            format!("{}{more}", String::from_utf8_lossy(v))
        };
        match self.kind {
            Kind::Sheet if self.attr.is(b"r") && self.name.is(b"c") => {
                match self.value.get().and_then(cell_ref) {
                    Some((r, c)) => {
                        self.row = Some(r);
                        self.col = Some(c);
                    }
                    None => {
                        return Err(self.breach_as(BEYOND_EXCEL, says::bad_cell_ref(shown())));
                    }
                }
            }
            Kind::Sheet if self.attr.is(b"r") && self.name.is(b"row") => {
                match self.value.get().and_then(row_number) {
                    Some(r) => {
                        self.row = Some(r);
                        self.col = None;
                    }
                    None => {
                        return Err(self.breach_as(BEYOND_EXCEL, says::bad_row_number(shown())));
                    }
                }
            }
            Kind::Sheet
                if self.attr.is(b"ref")
                    && self.name.is(b"dimension")
                    && !self.value.get().is_some_and(ordered_range) =>
            {
                return Err(self.breach_as(BEYOND_EXCEL, says::bad_dimension(shown())));
            }
            Kind::Strings if self.attr.is(b"uniqueCount") && self.name.is(b"sst") => {
                let digits = self
                    .value
                    .get()
                    .filter(|v| v.iter().all(u8::is_ascii_digit));
                let n = digits.and_then(|d| std::str::from_utf8(d).ok()?.parse::<u64>().ok());
                if digits.is_some() && n.is_none_or(|n| n > MAX_STRINGS) {
                    return Err(
                        self.breach(says::declares_strings(shown(), thousands(MAX_STRINGS)))
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Where `b` is among the first 64 bytes of `s` (an attribute value).
fn short_find(s: &[u8], b: u8) -> Option<usize> {
    s.iter().take(64).position(|&x| x == b)
}

/// Where the first `<` of `s` is: most text runs are short.
fn find_lt(s: &[u8]) -> Option<usize> {
    s.iter()
        .take(32)
        .position(|&b| b == b'<')
        .or_else(|| memchr::memchr(b'<', s))
}

/// The rest of a start tag whose first attribute ends at `rest[at]`:
/// ` name="value"` attributes (plain names, not `r` again), then `>` or
/// `/>`, within [`FAST_TAG`] bytes. Where the tag ends in `rest`, and
/// whether it is empty.
fn quick_attrs(rest: &[u8], at: usize) -> Option<(usize, bool)> {
    let mut j = at;
    while j < FAST_TAG {
        match *rest.get(j)? {
            b'>' => return Some((j + 1, false)),
            b'/' => return (rest.get(j + 1) == Some(&b'>')).then_some((j + 2, true)),
            b' ' => {
                j += 1;
                let name_at = j;
                while rest.get(j).is_some_and(u8::is_ascii_alphanumeric) {
                    j += 1;
                }
                let name = &rest[name_at..j];
                if name.is_empty() || name == b"r" || rest.get(j..j + 2) != Some(b"=\"") {
                    return None;
                }
                j += 2;
                j += short_find(rest.get(j..)?, b'"')? + 1;
            }
            _ => return None,
        }
    }
    None
}

/// A cell's content and end as rows are usually written: `<v>…</v></c>`
/// or `<is><t>…</t></is></c>`, the text without markup. Its length.
fn quick_content(s: &[u8]) -> Option<usize> {
    if let Some(t) = s.strip_prefix(b"<v>") {
        let k = find_lt(t)?;
        return t[k..].starts_with(b"</v></c>").then_some(3 + k + 8);
    }
    let t = s.strip_prefix(b"<is><t>")?;
    let k = find_lt(t)?;
    t[k..].starts_with(b"</t></is></c>").then_some(7 + k + 13)
}

/// What [`plain_tag`] is given each attribute with: the tag's name, the
/// attribute's, its value.
type OnAttr<'f> = dyn FnMut(&[u8], &[u8], &[u8]) + 'f;

/// A tag read by [`plain_tag`].
struct PlainTag<'a> {
    closing: bool,
    name: &'a [u8],
    /// `<c r="A1"/>`.
    empty: bool,
    /// Its bytes, `<` to `>`.
    len: usize,
}

/// The tag at the start of `rest` (its `<` first), when it is a plain
/// start or end tag within [`FAST_TAG`] bytes: a name of letters, digits,
/// `_`, `-` and `.` (no prefix), then, in a start tag, `name="value"`
/// attributes (each given to `attr` with the tag's name) and `>` or `/>`;
/// an end tag is `</name>`. `None` for anything else.
fn plain_tag<'a>(rest: &'a [u8], attr: &mut OnAttr<'_>) -> Option<PlainTag<'a>> {
    let rest = &rest[..rest.len().min(FAST_TAG)];
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let closing = *rest.get(1)? == b'/';
    let at = if closing { 2 } else { 1 };
    let mut j = at;
    while let Some(&b) = rest.get(j) {
        if !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) {
            break;
        }
        j += 1;
    }
    let name = &rest[at..j];
    if name.is_empty() {
        return None;
    }
    if closing {
        return (rest.get(j) == Some(&b'>')).then_some(PlainTag {
            closing,
            name,
            empty: false,
            len: j + 1,
        });
    }
    loop {
        let gap = j;
        while rest.get(j).is_some_and(|&b| space(b)) {
            j += 1;
        }
        match *rest.get(j)? {
            b'>' => {
                return Some(PlainTag {
                    closing,
                    name,
                    empty: false,
                    len: j + 1,
                });
            }
            b'/' => {
                return (rest.get(j + 1) == Some(&b'>')).then_some(PlainTag {
                    closing,
                    name,
                    empty: true,
                    len: j + 2,
                });
            }
            // An attribute after the name or a value, with space before it.
            _ if j > gap => {}
            _ => return None,
        }
        let attr_at = j;
        while rest
            .get(j)
            .is_some_and(|&b| !(space(b) || matches!(b, b'=' | b'>' | b'/' | b'<')))
        {
            j += 1;
        }
        if j == attr_at || rest.get(j) != Some(&b'=') {
            return None;
        }
        let quote = *rest.get(j + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_at = j + 2;
        let k = memchr::memchr(quote, rest.get(value_at..)?)?;
        attr(name, &rest[attr_at..j], &rest[value_at..value_at + k]);
        j = value_at + k + 1;
    }
}

/// The rest of an element whose start tag has been read, up to and with
/// its end tag `</end>`: text and plain tags (no attributes checked) not
/// named in `not`. How many bytes, or `None` when anything else comes
/// first (a comment, a prefixed name, one of `not`) or `span` ends.
fn element_rest(span: &[u8], end: &[u8], not: &[&[u8]]) -> Option<usize> {
    let mut j = 0;
    loop {
        j += memchr::memchr(b'<', span.get(j..)?)?;
        let tag = plain_tag(&span[j..], &mut |_, _, _| {})?;
        j += tag.len;
        if tag.closing && tag.name == end {
            return Some(j);
        }
        if not.contains(&tag.name) {
            return None;
        }
    }
}

/// `A1` … `XFD1048576` (letters in either case) → 0-based row and column.
pub(crate) fn cell_ref(v: &[u8]) -> Option<(u32, u32)> {
    // One to three letters.
    let mut col: u32 = 0;
    let mut letters = 0;
    while let Some(b) = v.get(letters).filter(|b| b.is_ascii_alphabetic()) {
        if letters == 3 {
            return None;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
        letters += 1;
    }
    if letters == 0 || col > MAX_COLS {
        return None;
    }
    Some((row_number(&v[letters..])?, col - 1))
}

/// `1` … `1048576` → 0-based row.
fn row_number(v: &[u8]) -> Option<u32> {
    if v.is_empty() || v.len() > 7 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = v.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    (1..=MAX_ROWS).contains(&n).then(|| n - 1)
}

/// `A1` or `A1:C9` with the second corner not before the first.
fn ordered_range(v: &[u8]) -> bool {
    let mut parts = v.split(|&b| b == b':');
    let (Some(a), b, None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Some(start) = cell_ref(a) else {
        return false;
    };
    match b {
        None => true,
        Some(b) => cell_ref(b).is_some_and(|end| end.0 >= start.0 && end.1 >= start.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(part: &str, xml: &str) -> Result<(), String> {
        // Fed in pieces of every size, so no state depends on where a
        // chunk ends.
        for step in [1, 3, 7, 4096] {
            let mut g2 = Guard::new(part);
            for chunk in xml.as_bytes().chunks(step) {
                g2.feed(chunk).map_err(|b| en(b.message))?;
            }
        }
        Guard::new(part)
            .feed(xml.as_bytes())
            .map_err(|b| en(b.message))
    }

    fn en(m: Msg) -> String {
        m.get(crate::text::Lang::En).to_string()
    }

    /// What the guard keeps between two pieces of XML: all that later
    /// checks and messages depend on.
    fn state(g: &Guard) -> impl PartialEq + std::fmt::Debug {
        (
            (g.st, g.event, g.at, g.element_at),
            (g.rows, g.cells_in_row, g.strings, g.elements, g.row, g.col),
        )
    }

    /// `xml` fed to a guard reading plain constructs whole and to one
    /// reading byte by byte, in pieces of `step` bytes, each starting
    /// with its counts at `start` (rows, cells in the row, strings): the
    /// same breach, or the same state after every piece. Returns the bytes
    /// read whole.
    fn same_both_ways(part: &str, xml: &[u8], step: usize, start: (u64, u64, u64)) -> u64 {
        let new = |fast| {
            let mut g = Guard::new(part);
            (g.rows, g.cells_in_row, g.strings) = start;
            g.fast = fast;
            g
        };
        let (mut fast, mut slow) = (new(true), new(false));
        for piece in xml.chunks(step) {
            let (a, b) = (fast.feed(piece), slow.feed(piece));
            let shown = || String::from_utf8_lossy(xml).into_owned();
            assert_eq!(a, b, "in pieces of {step}: {}", shown());
            if a.is_err() {
                break;
            }
            assert_eq!(
                state(&fast),
                state(&slow),
                "in pieces of {step}: {}",
                shown()
            );
        }
        fast.fast_bytes
    }

    /// Sheets and shared-string tables made of plain pieces and of every
    /// kind of piece the plain reading must leave alone, in random order.
    fn random_part(x: &mut u64, kind: Kind) -> Vec<u8> {
        let mut next = |n: usize| {
            *x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (*x >> 33) as usize % n
        };
        const REFS: &[&str] = &[
            "A1",
            "B7",
            "b7",
            "XFD1048576",
            "XFE1",
            "A0",
            "A1048577",
            "FXSHRXW1",
            "A",
            "7",
            "",
            "E100007",
        ];
        const ROWS: &[&str] = &["1", "7", "1048576", "1048577", "0", "x", "", "99999999999"];
        const INNER: &[&str] = &[
            "<v>12</v>",
            "<v>46296.0</v>",
            "<is><t>6228480100010000000</t></is>",
            "<is><t>协议存款 a &gt; b</t></is>",
            "<f>SUM(A1:A2)</f><v>3</v>",
            "<is><t xml:space=\"preserve\"> a </t></is>",
            "\n  <v>1</v>\n",
            "<!-- a comment <c r=\"ZZZZZZ1\"> -->",
            "<![CDATA[ <c r=\"ZZZZZZ1\"> ]]>",
            "<?pi x?>",
            "<!DOCTYPE x>",
            "<x:v>1</x:v>",
            "<c r=\"A1\"/>",
            "<row r=\"3\">",
            "</row>",
            "<v>1</v></x:c>",
            "<v a='x>y'>1</v>",
            "<v>1</v ></c>",
            "<r><rPr><b/><sz val=\"11\"/></rPr><t>rich</t></r>",
            "<sst>",
            "<si><t>x</t></si>",
            "<dimension ref=\"A1:B2\"/>",
            "<>",
        ];
        let mut out = String::new();
        for _ in 0..next(40) {
            match (kind, next(12)) {
                (Kind::Sheet, 0) => out.push_str("</row>"),
                (Kind::Sheet, 1) => {
                    let r = ROWS[next(ROWS.len())];
                    out.push_str(
                        match next(7) {
                            0 => "<row>".to_string(),
                            1 => format!("<row r=\"{r}\" spans=\"1:5\"/>"),
                            2 => format!("<row x:r=\"{r}\">"),
                            3 => format!("<row spans='1:5' r='{r}' >"),
                            4 => format!("<row r=\"{r}\"r=\"2\">"),
                            5 => format!("<row r=\"{r}\" r=\"2\">"),
                            _ => format!("<row r=\"{r}\">"),
                        }
                        .as_str(),
                    );
                }
                (Kind::Sheet, 2..=8) => {
                    let r = REFS[next(REFS.len())];
                    let open = match next(8) {
                        0 => "<c>".to_string(),
                        1 => format!("<c r=\"{r}\" s=\"1\"/>"),
                        2 => format!("<c r=\"{r}\" x=\"a>b\">"),
                        3 => format!("<x:c r=\"{r}\">"),
                        4 => format!("<c s=\"1\" r='{r}' r=\"A1\">"),
                        5 => format!("<c r=\"{r}\" r=\"A1\">"),
                        _ => format!("<c r=\"{r}\" t=\"inlineStr\">"),
                    };
                    out.push_str(&open);
                    if !open.ends_with("/>") {
                        for _ in 0..next(3) {
                            out.push_str(INNER[next(INNER.len())]);
                        }
                        out.push_str(if next(8) == 0 { "</x:c>" } else { "</c>" });
                    }
                }
                (Kind::Strings, 0..=7) => {
                    out.push_str(match next(4) {
                        0 => "<si/>",
                        1 => "<si a=\"1\">",
                        2 => "<x:si>",
                        _ => "<si>",
                    });
                    for _ in 0..next(3) {
                        out.push_str(INNER[next(INNER.len())]);
                    }
                    out.push_str(if next(8) == 0 { "</x:si>" } else { "</si>" });
                }
                (_, 9) => out.push_str(["\n", "  ", "text > more"][next(3)]),
                _ => out.push_str(INNER[next(INNER.len())]),
            }
        }
        out.into_bytes()
    }

    #[test]
    fn plain_constructs_read_whole_leave_the_guard_as_byte_by_byte() {
        let mut x = 2026;
        let mut whole = 0;
        for i in 0..3_000 {
            let (part, kind) = if i % 3 == 0 {
                ("xl/sharedStrings.xml", Kind::Strings)
            } else {
                ("xl/worksheets/sheet1.xml", Kind::Sheet)
            };
            let xml = random_part(&mut x, kind);
            // Now and then a count just below its limit.
            let start = match i % 7 {
                0 => (
                    u64::from(MAX_ROWS) - 1,
                    u64::from(MAX_COLS) - 1,
                    MAX_STRINGS - 1,
                ),
                1 => (
                    u64::from(MAX_ROWS) - 2,
                    u64::from(MAX_COLS) - 2,
                    MAX_STRINGS - 2,
                ),
                _ => (0, 0, 0),
            };
            for step in [1, 5, 64, xml.len().max(1)] {
                whole += same_both_ways(part, &xml, step, start);
            }
        }
        assert!(whole > 100_000, "the plain reading was used: {whole} bytes");
        // A cell longer than the plain reading takes (only `<row r="1">` and
        // `</row>` are read whole, 11 + 6 bytes), and one cut by the end of
        // the bytes (the row tag and the first cell, 11 + 22): left to the
        // byte-by-byte states.
        let long = format!(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#,
            "x".repeat(FAST_SPAN)
        );
        let sheet = "xl/worksheets/sheet1.xml";
        assert_eq!(
            same_both_ways(sheet, long.as_bytes(), long.len(), (0, 0, 0)),
            17
        );
        let cut = r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v>"#;
        assert_eq!(
            same_both_ways(sheet, cut.as_bytes(), cut.len(), (0, 0, 0)),
            33
        );
    }

    #[test]
    fn a_plain_sheet_and_string_table_are_read_whole() {
        // As rust_xlsxwriter writes a daily-balance sheet (inline strings).
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet><dimension ref="A1:E1001"/><sheetData>"#,
        );
        for r in 2..=1001 {
            sheet.push_str(&format!(
                r#"<row r="{r}"><c r="A{r}" s="1"><v>46296.0</v></c><c r="B{r}" t="inlineStr"><is><t>622848010001{r:07}</t></is></c><c r="C{r}" t="s"><v>{r}</v></c><c r="D{r}" t="inlineStr"><is><t>活期</t></is></c><c r="E{r}"><v>11774.68</v></c></row>"#
            ));
        }
        sheet.push_str("</sheetData></worksheet>");
        let mut g = Guard::new("xl/worksheets/sheet3.xml");
        g.feed(sheet.as_bytes()).unwrap();
        let outside = sheet.len() as u64 - g.fast_bytes;
        // The declaration, `<worksheet>`, the dimension, `<sheetData>` and
        // their ends: 55 + 11 + 27 + 11 + 12 + 12 bytes.
        assert_eq!(outside, 128);
        assert_eq!((g.rows, g.row, g.col), (1000, Some(1000), Some(4)));
        let mut strings = String::from(r#"<sst count="3" uniqueCount="3">"#);
        for s in ["活期", "C000001", "6228480100010000000"] {
            strings.push_str(&format!("<si><t>{s}</t></si>"));
        }
        strings.push_str("</sst>");
        let mut g = Guard::new("xl/sharedStrings.xml");
        g.feed(strings.as_bytes()).unwrap();
        // `<sst …>` and `</sst>` only: 31 + 6 bytes.
        assert_eq!(strings.len() as u64 - g.fast_bytes, 37);
        assert_eq!(g.strings, 3);
    }

    #[test]
    fn references_within_excel_pass_and_beyond_fail() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"xfd1048576"), Some((1_048_575, 16_383)));
        // XFE is 16,385: one column past XFD.
        assert_eq!(cell_ref(b"XFE1"), None);
        assert_eq!(cell_ref(b"A1048577"), None);
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"FXSHRXW1"), None);
        assert_eq!(cell_ref(b"A"), None);
        assert!(ordered_range(b"A1:XFD1048576"));
        assert!(!ordered_range(b"B2:A1"));
        assert!(!ordered_range(b"A1:B2:C3"));
    }

    #[test]
    fn a_plain_sheet_passes() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B2"/><sheetData>
<row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>a &gt; b</t></is></c></row>
<!-- a comment with <tags> --><![CDATA[ <c r="ZZZZZZ1"> ]]>
<x:row r='2'><x:c r="B2"><v>1.5</v></x:c></x:row></sheetData></worksheet>"#;
        assert_eq!(run("xl/worksheets/sheet1.xml", xml), Ok(()));
    }

    #[test]
    fn each_limit_is_named() {
        let sheet = "xl/worksheets/sheet1.xml";
        let far = r#"<sheetData><row r="1"><c r="FXSHRXW1"><v>1</v></c></row></sheetData>"#;
        assert_eq!(
            run(sheet, far),
            Err(
                "expected a cell reference from A1 to XFD1048576, found `FXSHRXW1` (in row 1)"
                    .into()
            )
        );
        let long = format!(r#"<row r="1"><c r="{}1"/></row>"#, "A".repeat(120));
        assert_eq!(
            run(sheet, &long),
            Err(format!(
                "expected a cell reference from A1 to XFD1048576, found `{}…` (in row 1)",
                "A".repeat(32)
            ))
        );
        let row = r#"<row r="99999999999"/>"#;
        assert_eq!(
            run(sheet, row),
            Err("expected a row number from 1 to 1,048,576, found `99999999999`".into())
        );
        let dim = r#"<dimension ref="B2:A1"/>"#;
        assert!(run(sheet, dim).unwrap_err().contains("dimension"));
        let wide = format!("<row>{}</row>", "<c/>".repeat(16_385));
        assert_eq!(
            run(sheet, &wide),
            Err("a row has more than 16,384 cells, Excel's limit (columns A to XFD)".into())
        );
        let count = r#"<sst uniqueCount="2097153">"#;
        assert!(
            run("xl/sharedStrings.xml", count)
                .unwrap_err()
                .contains("declares 2097153 strings")
        );
        assert_eq!(
            run("xl/sharedStrings.xml", r#"<sst uniqueCount="2097152">"#),
            Ok(())
        );
        // One string past the count: 2,097,153 empty strings, 5 bytes each.
        let mut g = Guard::new("xl/sharedStrings.xml");
        let unit = "<si/>".repeat(1 << 10);
        g.feed(b"<sst>").unwrap();
        for _ in 0..(MAX_STRINGS >> 10) {
            g.feed(unit.as_bytes()).unwrap();
        }
        assert_eq!(
            g.feed(b"<si/>").map_err(|b| en(b.message)),
            Err("the shared-string table holds more than 2,097,152 strings, more than rmpay reads: this is not a ledger".into())
        );
        // Empty elements with attributes, whatever their kind, close.
        let sst = format!("<sst>{}</sst>", r#"<si a="1"/>"#.repeat(300_000));
        assert_eq!(run("xl/sharedStrings.xml", &sst), Ok(()));
        // In Chinese too, the row and the cell said the same way.
        let zh = |xml: &str| {
            Guard::new(sheet)
                .feed(xml.as_bytes())
                .map_err(|b| b.message.get(crate::text::Lang::Zh).to_string())
        };
        assert_eq!(
            zh(far),
            Err("单元格引用应在 `A1` 至 `XFD1048576` 之间，此处是「FXSHRXW1」（在第 1 行）".into())
        );
        assert_eq!(
            zh(&wide),
            Err("一行超过 16,384 个单元格，超出 Excel 的上限（`A` 至 `XFD` 列）".into())
        );
        assert_eq!(
            check_size("xl/sharedStrings.xml", 1 << 40).map_err(|b| b.message.get(crate::text::Lang::Zh).to_string()),
            Err("共享字符串表（`xl/sharedStrings.xml`）解压后有 1,099,511,627,776 字节，超过 `rmpay` 读取的上限（128 MiB）：这不是台账".into())
        );
        let doctype = "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>";
        assert!(
            run("xl/workbook.xml", doctype)
                .unwrap_err()
                .contains("document type")
        );
    }
}
