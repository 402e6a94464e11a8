//! The `[payout]` table: the layout of the pay-out file (代发工资) the
//! bank's batch-payment system imports. Every bank's system differs, so
//! the format, the columns and their order, the headers, the amount's
//! places, the remark and the control record (count and total) are data.

use super::cx::{Cx, Sp};
use super::lint::word;
use super::raw::{FormatWord, LineEnd, RawPolicy, Words};
use crate::diag::Code;
use crate::text::policy as say;

/// A pay-out file's layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payout {
    pub format: PayoutFormat,
    /// Decimal places of every amount (`1234.50` with 2), never a
    /// thousands separator.
    pub amount_places: u32,
    /// The remark of every row (`{period}` and the other fields of
    /// [`Var`] filled in).
    pub remark: Template,
    /// Write a row of the columns' headers before the payments.
    pub header_row: bool,
    pub columns: Vec<PayoutColumn>,
    pub control: Control,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayoutFormat {
    Csv {
        encoding: Encoding,
        delimiter: char,
        /// `\r\n` or `\n`.
        line_end: &'static str,
    },
    Xlsx {
        sheet: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize)]
pub enum Encoding {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "gbk")]
    Gbk,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutColumn {
    pub header: String,
    pub field: Field,
}

/// What a column holds, per payment: a `field` word (`account_name`), or
/// the column's fixed `value`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 1, 2, 3 … in file order.
    Seq,
    /// The salary-card account (工资卡号), every digit.
    Account,
    /// The account holder: the RM's name.
    AccountName,
    /// Total paid (实付合计: net pay plus any risk deposit released), the
    /// register's figure.
    Amount,
    Remark,
    RmId,
    Branch,
    /// The same text on every row (a currency code, a payment type).
    #[serde(skip_deserializing)]
    Value(String),
}

/// The control record: the count and total a batch-payment system checks
/// the file against, first or last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub at: ControlAt,
    /// One template per field of the record.
    pub fields: Vec<Template>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlAt {
    /// Before the header row and the payments.
    Header,
    /// After the payments.
    Trailer,
}

/// Text with `{name}` fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Var(Var),
}

/// A `{field}` of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// `2026-10`.
    Period,
    /// `2026`.
    Year,
    /// `10` (`9` for September).
    Month,
    /// The number of payments (control record only).
    Count,
    /// Their total, in the amount's format (control record only).
    Total,
    /// The RM's id (remark only).
    RmId,
    /// The RM's name (remark only).
    Name,
}

const PERIOD_VARS: [(&str, Var); 3] = [
    ("period", Var::Period),
    ("year", Var::Year),
    ("month", Var::Month),
];

impl Template {
    /// The template alone is `{count}` or `{total}`: a number cell in xlsx.
    pub fn only(&self) -> Option<Var> {
        match self.parts.as_slice() {
            [Part::Var(v)] => Some(*v),
            _ => None,
        }
    }

    pub fn has(&self, v: Var) -> bool {
        self.parts.contains(&Part::Var(v))
    }
}

/// Parse `{period}绩效工资` against the fields allowed here; an unknown or
/// unclosed field is an error at the string.
fn template(cx: &mut Cx, s: &Sp<String>, key: &str, extra: &[(&'static str, Var)]) -> Template {
    let allowed: Vec<(&str, Var)> = PERIOD_VARS.iter().chain(extra).copied().collect();
    let mut parts = Vec::new();
    let mut rest = s.get_ref().as_str();
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            cx.error(
                &s.span(),
                Code::BadTemplate,
                say::template_unclosed(key, s.get_ref()),
            );
            return Template { parts };
        };
        let name = &after[..close];
        match allowed.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => parts.push(Part::Var(*v)),
            None => cx.error(
                &s.span(),
                Code::UnknownField,
                say::in_each(|l| {
                    let fields: Vec<String> =
                        allowed.iter().map(|(n, _)| format!("{{{n}}}")).collect();
                    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
                    say::template_unknown_field(
                        key,
                        format!("{{{name}}}"),
                        say::ticked(&fields).get(l),
                        say::hint(name, allowed.iter().map(|(n, _)| *n)).get(l),
                    )
                }),
            ),
        }
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Template { parts }
}

/// Text the file's encoding cannot hold is an error at its string.
fn encodable(cx: &mut Cx, encoding: Encoding, s: &Sp<String>, key: &str) {
    if encoding == Encoding::Gbk
        && let Some(c) = not_in_gbk(s.get_ref())
    {
        cx.error(&s.span(), Code::NotEncodable, say::not_in_gbk(key, c));
    }
}

/// The first character of `s` that GBK cannot write, if any.
pub fn not_in_gbk(s: &str) -> Option<char> {
    let (_, _, unmappable) = encoding_rs::GBK.encode(s);
    if !unmappable {
        return None;
    }
    s.chars().find(|c| {
        let mut b = [0u8; 4];
        encoding_rs::GBK.encode(c.encode_utf8(&mut b)).2
    })
}

/// `[payout]`, if present. `money_scale` is the policy's money places:
/// an amount format with fewer would round what is paid.
pub fn lint_payout(cx: &mut Cx, raw: &RawPolicy, money_scale: u32) -> Option<Payout> {
    let p = raw.payout.as_ref()?;
    let (t, path) = (&p.value, p.path.as_str());
    if t.format.is_none() {
        cx.error(
            &p.span,
            Code::MissingKey,
            say::in_each(|l| say::missing_key_what("payout.format", say::type_string().get(l))),
        );
    }
    let format = word(cx, &t.format, path, "format");
    let is_csv = format == Some(FormatWord::Csv);
    let encoding = word(cx, &t.encoding, path, "encoding").unwrap_or_default();
    let delimiter = t.delimiter.as_ref().and_then(|d| {
        let mut chars = d.get_ref().chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c != '"' && c != '\r' && c != '\n' => Some(c),
            _ => {
                cx.error(&d.span(), Code::WrongType, say::bad_delimiter(d.get_ref()));
                None
            }
        }
    });
    let line_end = match word(cx, &t.line_end, path, "line_end").unwrap_or_default() {
        LineEnd::Lf => "\n",
        LineEnd::Crlf => "\r\n",
    };
    if format == Some(FormatWord::Xlsx) {
        for (key, given) in [
            ("encoding", t.encoding.as_ref().map(Sp::span)),
            ("delimiter", t.delimiter.as_ref().map(Sp::span)),
            ("line_end", t.line_end.as_ref().map(Sp::span)),
        ] {
            if let Some(span) = given {
                cx.error(
                    &span,
                    Code::NotApplicable,
                    say::only_for_format(format!("payout.{key}"), "csv"),
                );
            }
        }
    }
    let sheet = &t.sheet;
    if is_csv && let Some(s) = sheet {
        cx.error(
            &s.span(),
            Code::NotApplicable,
            say::only_for_format("payout.sheet", "xlsx"),
        );
    }
    if let Some(s) = sheet {
        let v = s.get_ref();
        if v.is_empty()
            || v.chars().count() > 31
            || v.contains(['[', ']', ':', '*', '?', '/', '\\'])
        {
            cx.error(&s.span(), Code::OutOfRange, say::bad_sheet_name(v));
        }
    }
    let gbk = if is_csv { encoding } else { Encoding::Utf8 };
    let places = places(cx, t.amount_places.as_ref(), money_scale);
    let remark = match &t.remark {
        Some(s) => {
            encodable(cx, gbk, s, "payout.remark");
            template(
                cx,
                s,
                "payout.remark",
                &[("rm_id", Var::RmId), ("name", Var::Name)],
            )
        }
        None => Template { parts: Vec::new() },
    };
    let header_row = t.header_row.unwrap_or(true);

    let mut columns = Vec::new();
    if raw.columns.lacks() {
        cx.error(&p.span, Code::MissingKey, say::missing_columns());
    }
    for c in &raw.columns {
        let (r, cpath) = (&c.value, c.path.as_str());
        let header = r.header.clone();
        match &header {
            Some(h) => encodable(cx, gbk, h, &format!("{cpath}.header")),
            None => cx.error(
                &c.span,
                Code::MissingKey,
                say::in_each(|l| {
                    say::missing_key_what(format!("{cpath}.header"), say::type_string().get(l))
                }),
            ),
        }
        let f = match (&r.field, &r.value) {
            (Some(f), None) => {
                let w = f.get_ref();
                match &w.value {
                    Some(field) => Some(field.clone()),
                    None => {
                        let words = Field::words();
                        cx.error(
                            &f.span(),
                            Code::UnknownColumn,
                            say::in_each(|l| {
                                say::unknown_payout_column(
                                    &w.text,
                                    say::ticked(words).get(l),
                                    say::hint(&w.text, words.iter().copied()).get(l),
                                )
                            }),
                        );
                        None
                    }
                }
            }
            (None, Some(v)) => {
                encodable(cx, gbk, v, &format!("{cpath}.value"));
                Some(Field::Value(v.get_ref().clone()))
            }
            (Some(f), Some(_)) => {
                cx.error(&f.span(), Code::BadColumn, say::field_and_value(cpath));
                None
            }
            (None, None) => {
                cx.error(&c.span, Code::MissingKey, say::field_or_value(cpath));
                None
            }
        };
        if let (Some(h), Some(f)) = (header, f) {
            columns.push(PayoutColumn {
                header: h.into_inner(),
                field: f,
            });
        }
    }
    for (need, name) in [
        (Field::Account, "account"),
        (Field::AccountName, "account_name"),
        (Field::Amount, "amount"),
    ] {
        if !raw.columns.is_empty()
            && raw.columns.complete
            && !columns.iter().any(|c| c.field == need)
        {
            cx.error(&p.span, Code::MissingColumn, say::no_such_column(name));
        }
    }

    if t.control.is_none() {
        cx.error(&p.span, Code::MissingKey, say::missing_control());
    }
    let mut control = None;
    if let Some(c) = &t.control {
        let r = c.get_ref();
        if r.at.is_none() {
            cx.error(&c.span(), Code::MissingKey, say::missing_control_at());
        }
        let at = word(cx, &r.at, "payout.control", "at");
        let fields: Vec<Template> = r
            .fields
            .iter()
            .flatten()
            .map(|s| {
                encodable(cx, gbk, s, "payout.control.fields");
                template(
                    cx,
                    s,
                    "payout.control.fields",
                    &[("count", Var::Count), ("total", Var::Total)],
                )
            })
            .collect();
        for (v, lacks) in [
            (
                Var::Count,
                say::control_lacks_count as fn() -> crate::text::Msg,
            ),
            (Var::Total, say::control_lacks_total),
        ] {
            if !fields.iter().any(|x| x.has(v)) {
                cx.error(&c.span(), Code::MissingField, lacks());
            }
        }
        control = at.map(|at| Control { at, fields });
    }
    let format = match format? {
        FormatWord::Csv => PayoutFormat::Csv {
            encoding,
            delimiter: delimiter.unwrap_or(','),
            line_end,
        },
        FormatWord::Xlsx => PayoutFormat::Xlsx {
            sheet: sheet
                .as_ref()
                .map(|s| s.get_ref().clone())
                .unwrap_or_else(|| "代发明细".to_string()),
        },
    };
    Some(Payout {
        format,
        amount_places: places.unwrap_or(2),
        remark,
        header_row,
        columns,
        control: control?,
    })
}

/// `amount_places`: 0 to 4, and no fewer than the money's places.
fn places(cx: &mut Cx, v: Option<&Sp<super::raw::Num>>, money_scale: u32) -> Option<u32> {
    let v = v?;
    let n = super::lint::int(cx, &Some(v.clone()), "payout", "amount_places", 0..5)?;
    if (n.value as u32) < money_scale {
        cx.error(
            &n.span,
            Code::OutOfRange,
            say::too_few_places(money_scale, n.value),
        );
    }
    Some(n.value as u32)
}
