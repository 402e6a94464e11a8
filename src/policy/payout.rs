//! The `[payout]` table: the layout of the pay-out file (代发工资) the
//! bank's batch-payment system imports. Every bank's system differs, so
//! the format, the columns and their order, the headers, the amount's
//! places, the remark and the control record (count and total) are data.

use super::walk::{Cx, Sp, Table};
use crate::diag::Code;
use crate::diag::suggestion;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutColumn {
    pub header: String,
    pub field: Field,
}

/// What a column holds, per payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// 1, 2, 3 … in file order.
    Seq,
    /// The salary-card account (工资卡号), every digit.
    Account,
    /// The account holder: the RM's name.
    AccountName,
    /// Total paid (实发合计: net pay plus any risk deposit released), the
    /// register's figure.
    Amount,
    Remark,
    RmId,
    Branch,
    /// The same text on every row (a currency code, a payment type).
    Value(String),
}

/// The column fields a profile may name.
pub const FIELDS: [&str; 7] = [
    "seq",
    "account",
    "account_name",
    "amount",
    "remark",
    "rm_id",
    "branch",
];

/// The control record: the count and total a batch-payment system checks
/// the file against, first or last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    pub at: ControlAt,
    /// One template per field of the record.
    pub fields: Vec<Template>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    let mut rest = s.value.as_str();
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            cx.error(
                &s.span,
                Code::BadTemplate,
                format!("`{key}` has a `{{` without its `}}`: `{}`", s.value),
            );
            return Template { parts };
        };
        let name = &after[..close];
        match allowed.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => parts.push(Part::Var(*v)),
            None => cx.error(
                &s.span,
                Code::UnknownField,
                format!(
                    "`{key}` names unknown field `{{{name}}}`: expected {}{}",
                    allowed
                        .iter()
                        .map(|(n, _)| format!("`{{{n}}}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    suggestion(name, allowed.iter().map(|(n, _)| *n))
                ),
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
        && let Some(c) = not_in_gbk(&s.value)
    {
        cx.error(
            &s.span,
            Code::NotEncodable,
            format!("`{key}` holds `{c}`, which the GBK encoding cannot write"),
        );
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

/// Read `[payout]`, if present. `money_scale` is the policy's money
/// places: an amount format with fewer would round what is paid.
pub fn read_payout(cx: &mut Cx, root: &Table, money_scale: u32) -> Option<Payout> {
    let t = root.opt_table(cx, "payout")?;
    let format = t.str(cx, "format");
    let fmt = format.as_ref().and_then(|f| match f.value.as_str() {
        "csv" | "xlsx" => Some(f.value.clone()),
        other => {
            cx.error(
                &f.span,
                Code::UnknownValue,
                format!(
                    "`payout.format` must be one of `csv`, `xlsx`, found `{other}`{}",
                    suggestion(other, ["csv", "xlsx"])
                ),
            );
            None
        }
    });
    let csv_only = ["encoding", "delimiter", "line_end"];
    let is_csv = fmt.as_deref() == Some("csv");
    let encoding = match t.opt_choice(cx, "encoding", &["utf-8", "gbk"]) {
        Some(e) if e.value == "gbk" => Encoding::Gbk,
        _ => Encoding::Utf8,
    };
    let delimiter = t.opt_str(cx, "delimiter").and_then(|d| {
        let mut chars = d.value.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c != '"' && c != '\r' && c != '\n' => Some(c),
            _ => {
                cx.error(
                    &d.span,
                    Code::WrongType,
                    format!(
                        "`payout.delimiter` must be one character other than a quote or a line end, found `{}`",
                        d.value
                    ),
                );
                None
            }
        }
    });
    let line_end = match t.opt_choice(cx, "line_end", &["crlf", "lf"]) {
        Some(l) if l.value == "lf" => "\n",
        _ => "\r\n",
    };
    let sheet = t.opt_str(cx, "sheet");
    if fmt.as_deref() == Some("xlsx") {
        for key in csv_only {
            if let Some(v) = t.raw(key) {
                cx.error(
                    &v.span(),
                    Code::NotApplicable,
                    format!("`payout.{key}` applies to `format = \"csv\"` only"),
                );
            }
        }
    }
    if is_csv && let Some(s) = &sheet {
        cx.error(
            &s.span,
            Code::NotApplicable,
            "`payout.sheet` applies to `format = \"xlsx\"` only",
        );
    }
    if let Some(s) = &sheet
        && (s.value.is_empty()
            || s.value.chars().count() > 31
            || s.value.contains(['[', ']', ':', '*', '?', '/', '\\']))
    {
        cx.error(
            &s.span,
            Code::OutOfRange,
            format!(
                "`payout.sheet` must be a worksheet name: 1 to 31 characters, none of []:*?/\\, found `{}`",
                s.value
            ),
        );
    }
    let gbk = if is_csv { encoding } else { Encoding::Utf8 };
    let places = t.opt_int(cx, "amount_places", 0..5).map(|v| {
        if (v.value as u32) < money_scale {
            cx.error(
                &v.span,
                Code::OutOfRange,
                format!(
                    "`payout.amount_places` must be at least the policy's money places ({money_scale}), found {}: amounts would be rounded",
                    v.value
                ),
            );
        }
        v.value as u32
    });
    let remark = match t.opt_str(cx, "remark") {
        Some(s) => {
            encodable(cx, gbk, &s, "payout.remark");
            template(
                cx,
                &s,
                "payout.remark",
                &[("rm_id", Var::RmId), ("name", Var::Name)],
            )
        }
        None => Template { parts: Vec::new() },
    };
    let header_row = t.opt_bool(cx, "header_row").is_none_or(|b| b.value);

    let mut columns = Vec::new();
    let column_tables = t.opt_tables(cx, "columns");
    if column_tables.is_empty() {
        cx.error(
            &t.span,
            Code::MissingKey,
            "missing `payout.columns`: the file needs at least the account, name and amount",
        );
    }
    for c in &column_tables {
        let header = c.str(cx, "header");
        if let Some(h) = &header {
            encodable(cx, gbk, h, &format!("{}.header", c.path));
        }
        let field = c.opt_str(cx, "field");
        let value = c.opt_str(cx, "value");
        let f = match (&field, &value) {
            (Some(f), None) => match f.value.as_str() {
                "seq" => Some(Field::Seq),
                "account" => Some(Field::Account),
                "account_name" => Some(Field::AccountName),
                "amount" => Some(Field::Amount),
                "remark" => Some(Field::Remark),
                "rm_id" => Some(Field::RmId),
                "branch" => Some(Field::Branch),
                other => {
                    cx.error(
                        &f.span,
                        Code::UnknownColumn,
                        format!(
                            "unknown pay-out column `{other}`: expected one of {}{}",
                            FIELDS
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            suggestion(other, FIELDS)
                        ),
                    );
                    None
                }
            },
            (None, Some(v)) => {
                encodable(cx, gbk, v, &format!("{}.value", c.path));
                Some(Field::Value(v.value.clone()))
            }
            (Some(f), Some(_)) => {
                cx.error(
                    &f.span,
                    Code::BadColumn,
                    format!(
                        "`{}` has both `field` and `value`: a column holds one",
                        c.path
                    ),
                );
                None
            }
            (None, None) => {
                cx.error(
                    &c.span,
                    Code::MissingKey,
                    format!(
                        "missing `{}.field` (what the column holds) or `{}.value` (a fixed text)",
                        c.path, c.path
                    ),
                );
                None
            }
        };
        c.finish(cx);
        if let (Some(h), Some(f)) = (header, f) {
            columns.push((h, f));
        }
    }
    for need in [Field::Account, Field::AccountName, Field::Amount] {
        if !column_tables.is_empty() && !columns.iter().any(|(_, f)| *f == need) {
            let name = match need {
                Field::Account => "account",
                Field::AccountName => "account_name",
                _ => "amount",
            };
            cx.error(
                &t.span,
                Code::MissingColumn,
                format!(
                    "`payout.columns` has no `{name}` column: a payment needs the account, its name and the amount"
                ),
            );
        }
    }

    let control = t.opt_table(cx, "control");
    if control.is_none() && !t.has("control") {
        cx.error(
            &t.span,
            Code::MissingKey,
            "missing `[payout.control]`: the record with the count and total the bank checks the file against",
        );
    }
    let mut ctl = None;
    if let Some(c) = &control {
        let at = c.opt_choice(cx, "at", &["header", "trailer"]);
        if at.is_none() && !c.has("at") {
            cx.error(
                &c.span,
                Code::MissingKey,
                "missing `payout.control.at` (`header` or `trailer`)",
            );
        }
        let fields = c.opt_str_list(cx, "fields").unwrap_or_default();
        let templates: Vec<Template> = fields
            .iter()
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
        for (v, name) in [(Var::Count, "count"), (Var::Total, "total")] {
            if !templates.iter().any(|x| x.has(v)) {
                cx.error(
                    &c.span,
                    Code::MissingField,
                    format!("`payout.control.fields` must give the `{{{name}}}` of the payments"),
                );
            }
        }
        c.finish(cx);
        ctl = at.map(|a| Control {
            at: if a.value == "trailer" {
                ControlAt::Trailer
            } else {
                ControlAt::Header
            },
            fields: templates,
        });
    }
    t.finish(cx);
    let format = match fmt?.as_str() {
        "csv" => PayoutFormat::Csv {
            encoding,
            delimiter: delimiter.unwrap_or(','),
            line_end,
        },
        _ => PayoutFormat::Xlsx {
            sheet: sheet
                .map(|s| s.value)
                .unwrap_or_else(|| "代发明细".to_string()),
        },
    };
    Some(Payout {
        format,
        amount_places: places.unwrap_or(2),
        remark,
        header_row,
        columns: columns
            .into_iter()
            .map(|(h, f)| PayoutColumn {
                header: h.value,
                field: f,
            })
            .collect(),
        control: ctl?,
    })
}
