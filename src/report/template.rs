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
    let t = |a: &'static str, b: &'static str| lang.pick(a, b).to_string();
    let sheets = guide::sheets();
    let mut rows = Vec::new();
    rows.push(GuideRow::Title(t(
        "客户经理绩效台账（月度）填写说明",
        "Monthly ledger for RM pay and review: how to fill it in",
    )));
    match policy {
        Some(p) => rows.push(GuideRow::Note(match lang {
            Lang::Zh => format!(
                "政策：{}（{} 版本 {}）。“等级”列的下拉选项为该政策的等级。",
                p.name, p.id, p.version
            ),
            Lang::En => format!(
                "Policy: {} ({} version {}). The `tier` column's list holds its tiers.",
                p.name_en.as_deref().unwrap_or(&p.name),
                p.id,
                p.version
            ),
        })),
        None => rows.push(GuideRow::Note(t(
            "未指定政策：“等级”列填政策中的等级名称或编号（rmpay template --policy 政策文件 生成带等级下拉的模板）。",
            "No policy given: the `tier` column takes a tier name or id of the policy (rmpay template --policy FILE lists them).",
        ))),
    }
    for (zh_text, en_text) in RULES {
        rows.push(GuideRow::Note(lang.pick(zh_text, en_text).to_string()));
    }
    rows.push(GuideRow::Blank);

    // The policy's tiers, when given: a table the tier list can point at.
    let mut tier_cells = None;
    let tier_values: Vec<String> = policy.map(|p| tier_list(p, lang)).unwrap_or_default();
    if let Some(p) = policy {
        rows.push(GuideRow::Header(vec![
            t("政策等级", "Policy tiers"),
            t("等级名称", "Tier name"),
            t("编号", "Id"),
            t("英文名称", "Chinese name"),
            t("也可填写", "Also accepted"),
        ]));
        let first = rows.len() as u32;
        for (tier, shown) in p.tiers.iter().zip(&tier_values) {
            rows.push(GuideRow::Row(
                vec![
                    String::new(),
                    shown.clone(),
                    tier.id.clone(),
                    match lang {
                        Lang::Zh => tier.name_en.clone().unwrap_or_default(),
                        Lang::En => tier.name.clone(),
                    },
                    if zh {
                        tier.aliases.join("、")
                    } else {
                        tier.aliases.join(", ")
                    },
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
        t("工作表", "Sheet"),
        t("列名（表头）", "Column (header)"),
        t("说明", "What to fill in"),
        t("类型", "Type"),
        t("是否必填", "Required"),
        t("可选值", "Allowed values"),
        t("示例", "Example"),
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
            let example = match (&c.kind, policy.and_then(example_tier)) {
                (ValueKind::Tier, Some(i)) => tier_values[i].as_str(),
                _ => lang.pick(c.words.example_zh, c.words.example_en),
            };
            rows.push(GuideRow::Row(
                vec![
                    name.clone(),
                    header.clone(),
                    lang.pick(c.words.what_zh, c.words.what_en).to_string(),
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
                        .map(|(id, label)| lang.pick(label, id).to_string())
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
                tip: clip(
                    &match lang {
                        Lang::Zh => format!("{}。{}。例：{example}", c.words.what_zh, required),
                        Lang::En => format!("{}. {}. E.g. {example}", c.words.what_en, required),
                    },
                    255,
                ),
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
        title: t("客户经理绩效台账模板", "RM ledger template"),
        // Settlement amounts are in US dollars, and say so in their header.
        page: super::PageText {
            unit: t("单位：元（另有注明的除外）", "Unit: CNY unless stated"),
            ..super::PageText::new(lang)
        },
        guide: GuideSheet {
            name: t("填写说明", "Instructions"),
            widths: GUIDE_WIDTHS.to_vec(),
            rows,
            header_row,
        },
        sheets: data,
        list_warning: (
            t("不在下拉列表中", "Not in the list"),
            t(
                "此值不在下拉列表中。英文编号和常见别名也可以：是否保留？",
                "This value is not in the list. Chinese names and usual aliases are accepted too: keep it?",
            ),
        ),
    }
}

/// The general rules, (Chinese, English).
const RULES: &[(&str, &str)] = &[
    (
        "1. 每月一个工作簿。必需的工作表：客户经理、管户关系，以及“存款日余额”或“存款月日均”二者之一（另一个只留表头）；其余工作表没有业务的只留表头。",
        "1. One workbook per month. Required: managers, clients, and deposits or deposit_averages (leave the other with its header only); leave any other sheet with its header only when there is nothing to enter.",
    ),
    (
        "2. 工作表名和表头不要改动；列的顺序可以调整，另加的列会被忽略（rmpay check 会列出）。表头以上可以有标题、单位或空行（在前 10 行之内），表头以下每行一条记录；合计、小计、总计行会被跳过，不计入。",
        "2. Keep the sheet names and headers; columns may be reordered, and extra columns are ignored (rmpay check lists them). Title, unit or blank rows may stand above the header (within the first 10 rows); one record per row below it; total rows (合计, 小计, 总计) are skipped, not added.",
    ),
    (
        "3. 蓝色表头为必填列，每行都要填；灰色表头为选填列。",
        "3. Blue headers are required columns, filled on every row; grey headers are optional.",
    ),
    (
        "4. 金额以元为单位，精确到分；表头改为“余额(万元)”这样带单位的写法则按万元填（到分为 6 位小数，如 179.999999）。日期按日期填写（如 2026-10-01），也可填 20261001 这样的八位数字或文本。比例可填 60%、0.6 或 60。",
        "4. Amounts are in yuan, to the fen; a header with a unit such as `balance (wan)` takes 万元 (6 places to the fen, e.g. 179.999999). Dates as dates (2026-10-01), or as 8 digits such as 20261001, number or text. Shares as 60%, 0.6 or 60.",
    ),
    (
        "5. 编号（客户经理编号、客户编号、账号、借据号）按文本填写，长账号才不会变成科学计数法。",
        "5. Ids (RM, client, account, loan) are text, so long account numbers keep every digit.",
    ),
    (
        "6. 带下拉箭头的列从列表中选择；英文编号（如 demand）和常见别名（如 活期存款）也可以。",
        "6. Columns with a drop-down take a value from the list; the Chinese names (such as 活期) and usual aliases are accepted too.",
    ),
    (
        "7. 填好后先运行 rmpay check --policy 政策文件 --ledger 本文件，没有错误再运行 rmpay payroll。",
        "7. When filled in, run rmpay check --policy FILE --ledger THIS-FILE, and rmpay payroll once it reports no errors.",
    ),
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
    let need = match (s.need, lang) {
        (Need::Required, Lang::Zh) => "必需",
        (Need::OneOfDeposits, Lang::Zh) => "二选一",
        (Need::Optional, Lang::Zh) => "可选",
        (Need::Required, Lang::En) => "required",
        (Need::OneOfDeposits, Lang::En) => "one of two",
        (Need::Optional, Lang::En) => "optional",
    };
    match lang {
        Lang::Zh => format!(
            "{}（{}）【{need}】{}",
            s.kind.chinese(),
            s.kind.english(),
            s.about_zh
        ),
        Lang::En => format!(
            "{} ({}) [{need}] {}",
            s.kind.english(),
            s.kind.chinese(),
            s.about_en
        ),
    }
}

fn required_text(c: &ColumnGuide, lang: Lang) -> String {
    if c.required {
        lang.pick("必填", "required").to_string()
    } else if !c.words.when_zh.is_empty() {
        lang.pick(c.words.when_zh, c.words.when_en).to_string()
    } else {
        lang.pick("选填", "optional").to_string()
    }
}

fn kind_text(k: &ValueKind, lang: Lang) -> &'static str {
    match k {
        ValueKind::Text => lang.pick("文本", "text"),
        ValueKind::Amount => lang.pick("金额（元）", "amount (yuan)"),
        ValueKind::Usd => lang.pick("金额（美元）", "amount (USD)"),
        ValueKind::Number => lang.pick("数字", "number"),
        ValueKind::Percent => lang.pick("比例", "share"),
        ValueKind::Date => lang.pick("日期", "date"),
        ValueKind::Tier => lang.pick("等级（下拉）", "tier (list)"),
        ValueKind::Choice(_) => lang.pick("下拉选择", "list"),
    }
}

/// The allowed values, as the instructions sheet lists them.
fn allowed(c: &ColumnGuide, tiers: &[String], lang: Lang) -> String {
    let sep = lang.pick("、", ", ");
    match &c.kind {
        ValueKind::Choice(v) => {
            let shown: Vec<&str> = v.iter().map(|(id, zh)| lang.pick(zh, id)).collect();
            let other: Vec<&str> = v.iter().map(|(id, zh)| lang.pick(id, zh)).collect();
            match lang {
                Lang::Zh => format!("{}（或 {}）", shown.join(sep), other.join(", ")),
                Lang::En => format!("{} (or {})", shown.join(sep), other.join("、")),
            }
        }
        ValueKind::Tier if !tiers.is_empty() => tiers.join(sep),
        ValueKind::Tier => lang
            .pick("政策中的等级名称或编号", "a tier name or id of the policy")
            .to_string(),
        ValueKind::Percent => lang
            .pick("0%–100%（60%、0.6 或 60）", "0%–100% (60%, 0.6 or 60)")
            .to_string(),
        _ => String::new(),
    }
}

/// The tiers as listed: Chinese names, or English names (ids when the
/// policy gives none).
fn tier_list(p: &Policy, lang: Lang) -> Vec<String> {
    p.tiers
        .iter()
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
