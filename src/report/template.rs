//! The empty ledger workbook of `rmpay template`: every sheet and header of
//! the ledger contract ([`crate::ledger::guide`], built from the reader's own
//! tables), drop-down lists for the enumerations (tiers from the policy when
//! one is given), cell formats, and an instructions sheet (填写说明)
//! explaining each column. Pure: the writer turns it into a workbook.

use super::Lang;
use crate::ledger::SheetKind;
use crate::ledger::guide::{self, ColumnGuide, Need, SheetGuide, ValueKind};
use crate::policy::Policy;
use crate::policy::model::TierRole;
use crate::text;

/// The template workbook: the instructions sheet first, then the ledger's
/// sheets in the contract's order.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateBook {
    pub title: String,
    /// The unit and page numbers printed on every page.
    pub page: super::PageText,
    pub guide: GuideSheet,
    pub sheets: Vec<DataSheet>,
    /// The title and message shown when a value is not in a drop-down
    /// list (a warning: aliases are accepted too).
    pub list_warning: (String, String),
}

/// One empty sheet of the ledger: its header row and how its columns are
/// filled.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSheet {
    pub name: String,
    pub columns: Vec<DataColumn>,
}

/// How the cells of a data column are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellFormat {
    /// Kept as typed (long account numbers stay digits, not 6.22E+15).
    Text,
    /// Thousands separators and two places.
    Amount,
    /// A plain number.
    Number,
    /// A percentage with two places.
    Percent,
    /// `yyyy-mm-dd`.
    Date,
}

/// The values of a drop-down list.
#[derive(Clone, Debug, PartialEq)]
pub enum ListSource {
    /// Listed in the validation itself.
    Values(Vec<String>),
    /// Cells of the instructions sheet, rows `first..=last` (0-based) of
    /// column `col`: for lists too long for a validation (255 characters)
    /// or holding commas.
    GuideCells { first: u32, last: u32, col: u16 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct DataColumn {
    /// The header, exactly as the reader recognises it.
    pub header: String,
    /// Required: the header is shown as such.
    pub required: bool,
    pub format: CellFormat,
    pub list: Option<ListSource>,
    /// Width in characters.
    pub width: f64,
    /// The note shown when a cell of the column is selected: a title (at
    /// most 32 characters) and a message (at most 255).
    pub tip_title: String,
    pub tip: String,
}

/// The instructions sheet: rows of text, written from the first row.
#[derive(Clone, Debug, PartialEq)]
pub struct GuideSheet {
    pub name: String,
    /// Column widths, in characters.
    pub widths: Vec<f64>,
    pub rows: Vec<GuideRow>,
    /// The row of the column table's header (frozen, repeated on print).
    pub header_row: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GuideRow {
    /// The sheet's title.
    Title(String),
    /// A line of text across the table's width.
    Note(String),
    /// A table's header row.
    Header(Vec<String>),
    /// A heading across the table: a sheet of the ledger.
    Heading(String),
    /// A row of the table; the flag marks a required column.
    Row(Vec<String>, bool),
    Blank,
}

/// Columns of the instructions table.
const GUIDE_WIDTHS: [f64; 7] = [14.0, 20.0, 46.0, 12.0, 20.0, 30.0, 18.0];

/// Validation lists longer than this (in UTF-16 units, with the commas)
/// do not fit in the validation itself.
const MAX_LIST_CHARS: usize = 255;

/// The template in `lang`; the tier column's list comes from `policy`.
pub fn template_book(policy: Option<&Policy>, lang: Lang) -> TemplateBook {
    let zh = lang == Lang::Zh;
    let sheets = guide::sheets();
    let mut rows = Vec::new();
    rows.push(GuideRow::Title(
        text::tpl_monthly_ledger_for_rm(lang).to_string(),
    ));
    match policy {
        Some(p) => rows.push(GuideRow::Note(text::tpl_policy_note(
            lang,
            // Not a text: the policy's own name in either language.
            match lang {
                Lang::Zh => &p.name,
                Lang::En => p.name_en.as_deref().unwrap_or(&p.name),
            },
            &p.id,
            &p.version,
        ))),
        None => rows.push(GuideRow::Note(
            text::tpl_no_policy_given_tier(lang).to_string(),
        )),
    }
    for rule in RULES {
        rows.push(GuideRow::Note(rule(lang).to_string()));
    }
    rows.push(GuideRow::Blank);

    // The policy's tiers, when given: a table the tier list can point at.
    let mut tier_cells = None;
    let tier_values: Vec<String> = policy.map(|p| tier_list(p, lang)).unwrap_or_default();
    if let Some(p) = policy {
        rows.push(GuideRow::Header(vec![
            text::tpl_policy_tiers(lang).to_string(),
            text::tpl_tier_name(lang).to_string(),
            text::tpl_id(lang).to_string(),
            text::tpl_chinese_name(lang).to_string(),
            text::tpl_also_accepted(lang).to_string(),
        ]));
        let first = rows.len() as u32;
        for (tier, shown) in p.tiers.iter().zip(&tier_values) {
            rows.push(GuideRow::Row(
                vec![
                    String::new(),
                    shown.clone(),
                    tier.id.clone(),
                    // Not a text: the policy's name of the tier in the other language.
                    match lang {
                        Lang::Zh => tier.name_en.clone().unwrap_or_default(),
                        Lang::En => tier.name.clone(),
                    },
                    tier.aliases.join(text::list_sep(lang)),
                ],
                false,
            ));
        }
        let last = rows.len() as u32 - 1;
        if !tier_values.is_empty() {
            tier_cells = Some(ListSource::GuideCells {
                first,
                last,
                col: 1,
            });
        }
        rows.push(GuideRow::Blank);
    }

    let header_row = rows.len() as u32;
    rows.push(GuideRow::Header(vec![
        text::tpl_sheet(lang).to_string(),
        text::tpl_column_header(lang).to_string(),
        text::tpl_what_to_fill_in(lang).to_string(),
        text::tpl_type(lang).to_string(),
        text::tpl_col_required(lang).to_string(),
        text::tpl_allowed_values(lang).to_string(),
        text::tpl_example(lang).to_string(),
    ]));
    let mut data = Vec::new();
    for sheet in &sheets {
        let name = sheet_name(sheet.kind, zh);
        rows.push(GuideRow::Heading(heading(sheet, lang)));
        let mut columns = Vec::new();
        for c in &sheet.columns {
            let header = header(c, zh);
            let allowed = allowed(c, &tier_values, lang);
            let required = required_text(c, lang);
            // Not texts: the ledger guide's own words for the column
            // (`ledger::guide`, both languages beside each column).
            let what = match lang {
                Lang::Zh => c.words.what_zh,
                Lang::En => c.words.what_en,
            };
            let example = match (&c.kind, policy.and_then(example_tier)) {
                (ValueKind::Tier, Some(i)) => tier_values[i].as_str(),
                _ => match lang {
                    Lang::Zh => c.words.example_zh,
                    Lang::En => c.words.example_en,
                },
            };
            rows.push(GuideRow::Row(
                vec![
                    name.clone(),
                    header.clone(),
                    what.to_string(),
                    kind_text(&c.kind, lang).to_string(),
                    required.clone(),
                    allowed,
                    example.to_string(),
                ],
                c.required,
            ));
            let list = match &c.kind {
                ValueKind::Choice(v) => Some(ListSource::Values(
                    v.iter()
                        // Not a text: the value's Chinese label or its id.
                        .map(|(id, label)| match lang {
                            Lang::Zh => label.to_string(),
                            Lang::En => id.to_string(),
                        })
                        .collect(),
                )),
                ValueKind::Tier if fits(&tier_values) => {
                    Some(ListSource::Values(tier_values.clone()))
                }
                ValueKind::Tier => tier_cells.clone(),
                _ => None,
            };
            columns.push(DataColumn {
                tip_title: clip(&header, 32),
                tip: clip(&text::tpl_tip(lang, what, &required, example), 255),
                width: width(&header, &c.kind),
                format: format(&c.kind),
                required: c.required,
                list,
                header,
            });
        }
        data.push(DataSheet { name, columns });
    }
    TemplateBook {
        title: text::tpl_rm_ledger_template(lang).to_string(),
        // Settlement amounts are in US dollars, and say so in their header.
        page: super::PageText {
            unit: text::tpl_unit_cny_unless_stated(lang).to_string(),
            ..super::PageText::new(lang)
        },
        guide: GuideSheet {
            name: text::tpl_instructions(lang).to_string(),
            widths: GUIDE_WIDTHS.to_vec(),
            rows,
            header_row,
        },
        sheets: data,
        list_warning: (
            text::tpl_not_in_list(lang).to_string(),
            text::tpl_value_is_not_in(lang).to_string(),
        ),
    }
}

/// The general rules, in order.
const RULES: [text::Label; 7] = [
    text::tpl_rule_1,
    text::tpl_rule_2,
    text::tpl_rule_3,
    text::tpl_rule_4,
    text::tpl_rule_5,
    text::tpl_rule_6,
    text::tpl_rule_7,
];

fn sheet_name(kind: SheetKind, zh: bool) -> String {
    if zh { kind.chinese() } else { kind.english() }.to_string()
}

/// The header written: the contract's name; the settlement amount says
/// its currency, as the contract writes it.
fn header(c: &ColumnGuide, zh: bool) -> String {
    match (&c.kind, zh) {
        (ValueKind::Usd, true) => format!("{}(美元)", c.zh),
        _ => c.header(zh).to_string(),
    }
}

fn heading(s: &SheetGuide, lang: Lang) -> String {
    let need = match s.need {
        Need::Required => text::tpl_need_required(lang),
        Need::OneOfDeposits => text::tpl_need_one_of_two(lang),
        Need::Optional => text::tpl_need_optional(lang),
    };
    text::tpl_heading(
        lang,
        s.kind.chinese(),
        s.kind.english(),
        need,
        s.about_zh,
        s.about_en,
    )
}

fn required_text(c: &ColumnGuide, lang: Lang) -> String {
    if c.required {
        text::tpl_required(lang).to_string()
    } else if !c.words.when_zh.is_empty() {
        // Not a text: the ledger guide's own words for the column.
        match lang {
            Lang::Zh => c.words.when_zh,
            Lang::En => c.words.when_en,
        }
        .to_string()
    } else {
        text::tpl_optional(lang).to_string()
    }
}

fn kind_text(k: &ValueKind, lang: Lang) -> &'static str {
    match k {
        ValueKind::Text => text::tpl_text(lang),
        ValueKind::Amount => text::tpl_amount_yuan(lang),
        ValueKind::Usd => text::tpl_amount_usd(lang),
        ValueKind::Number => text::tpl_number(lang),
        ValueKind::Percent => text::tpl_share(lang),
        ValueKind::Date => text::tpl_date(lang),
        ValueKind::Tier => text::tpl_tier_list(lang),
        ValueKind::Choice(_) => text::tpl_list(lang),
    }
}

/// The allowed values, as the instructions sheet lists them.
fn allowed(c: &ColumnGuide, tiers: &[String], lang: Lang) -> String {
    let sep = text::list_sep(lang);
    match &c.kind {
        ValueKind::Choice(v) => {
            // The list shows the values in `lang`, the other language's
            // are accepted too.
            // Not texts: the values (Chinese labels or ids) by language,
            // the other language's listed as that language lists them.
            let (shown, other, other_lang): (Vec<&str>, Vec<&str>, Lang) = match lang {
                Lang::Zh => {
                    let (s, o) = v.iter().map(|(id, zh)| (*zh, *id)).unzip();
                    (s, o, Lang::En)
                }
                Lang::En => {
                    let (s, o) = v.iter().map(|(id, zh)| (*id, *zh)).unzip();
                    (s, o, Lang::Zh)
                }
            };
            text::tpl_allowed(
                lang,
                shown.join(sep),
                other.join(text::list_sep(other_lang)),
            )
        }
        ValueKind::Tier if !tiers.is_empty() => tiers.join(sep),
        ValueKind::Tier => text::tpl_tier_name_or_id(lang).to_string(),
        ValueKind::Percent => text::tpl_share_range(lang).to_string(),
        _ => String::new(),
    }
}

/// The tiers as listed: Chinese names, or English names (ids when the
/// policy gives none).
fn tier_list(p: &Policy, lang: Lang) -> Vec<String> {
    p.tiers
        .iter()
        // Not a text: the policy's own name of the tier.
        .map(|t| match lang {
            Lang::Zh => t.name.clone(),
            Lang::En => t.name_en.clone().unwrap_or_else(|| t.id.clone()),
        })
        .collect()
}

/// The list fits in a validation: short enough, and no value with a comma
/// (which would split it) or a quote.
fn fits(values: &[String]) -> bool {
    let len: usize = values
        .iter()
        .map(|v| v.encode_utf16().count())
        .sum::<usize>()
        + values.len().saturating_sub(1);
    !values.is_empty() && len <= MAX_LIST_CHARS && values.iter().all(|v| !v.contains([',', '"']))
}

fn format(k: &ValueKind) -> CellFormat {
    match k {
        ValueKind::Text | ValueKind::Tier | ValueKind::Choice(_) => CellFormat::Text,
        ValueKind::Amount | ValueKind::Usd => CellFormat::Amount,
        ValueKind::Number => CellFormat::Number,
        ValueKind::Percent => CellFormat::Percent,
        ValueKind::Date => CellFormat::Date,
    }
}

/// Wide enough for the header and a typical value.
fn width(header: &str, k: &ValueKind) -> f64 {
    let shown: f64 = header
        .chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum();
    let value = match k {
        ValueKind::Text => 16.0,
        ValueKind::Amount | ValueKind::Usd => 16.0,
        ValueKind::Number | ValueKind::Percent => 10.0,
        ValueKind::Date => 12.0,
        ValueKind::Tier => 18.0,
        ValueKind::Choice(_) => 12.0,
    };
    (shown + 3.0).max(value)
}

/// At most `n` characters (UTF-16 units; what Excel counts).
fn clip(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        used += c.len_utf16();
        if used > n {
            out.pop();
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// The example tier of the instructions: the policy's first RM tier.
fn example_tier(p: &Policy) -> Option<usize> {
    p.tiers.iter().position(|t| t.role == TierRole::Rm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_utf16_units() {
        assert_eq!(clip("客户经理编号", 32), "客户经理编号");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abcd", 4), "abcd");
    }

    #[test]
    fn lists_fit_or_go_to_the_guide() {
        assert!(fits(&[
            "初级客户经理".to_string(),
            "中级客户经理".to_string()
        ]));
        assert!(!fits(&["a,b".to_string()]));
        assert!(!fits(&[]));
        // 64 values of 3 characters and 63 commas: 255.
        let v: Vec<String> = (0..64).map(|i| format!("t{i:02}")).collect();
        assert!(fits(&v));
        let mut w = v.clone();
        w.push("x".into());
        assert!(!fits(&w));
    }
}
