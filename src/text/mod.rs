//! The text catalogue: every sentence and label rmpay writes in its own
//! words, each declared once with its Chinese and English text, chosen by
//! [`Lang`]. Names the policy or the ledger give (tiers, pay lines, rule
//! descriptions, RM and client names) are not here: they are the policy's
//! and the ledger's words and are shown as given.
//!
//! Two tables: [`labels!`] for fixed texts (`text::total(l)` → `合计` /
//! `Total`) and [`messages!`] for sentences with arguments, named in the
//! text itself (`{period}`), so a translation can reorder them. The
//! console's language is [`console`]: `--lang` when given, else the
//! locale.

use std::sync::atomic::{AtomicU8, Ordering};

/// The language of an output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh = 0,
    En = 1,
}

impl Lang {
    /// One of two texts given inline. New texts belong in the catalogue
    /// below; this remains for pairs not yet moved there.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The language's id, as manifests and drafts record it.
    pub fn id(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// A sentence in both languages, as diagnostics carry it: the console
/// shows it in [`console`]'s language (its `Display`), a workbook or JSON
/// file in the output's ([`Msg::get`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Msg {
    /// Chinese, then English; boxed, so a diagnostic stays small.
    texts: Box<[String; 2]>,
}

impl Msg {
    /// A message from its Chinese and English texts.
    pub fn new(zh: String, en: String) -> Msg {
        Msg {
            texts: Box::new([zh, en]),
        }
    }

    /// The text in `l`.
    pub fn get(&self, l: Lang) -> &str {
        &self.texts[l as usize]
    }

    /// A text with no words of either language (a path, a figure, an
    /// identifier): the same in both.
    pub fn verbatim(s: impl Into<String>) -> Msg {
        let s = s.into();
        Msg::new(s.clone(), s)
    }

    /// Both texts changed alike, e.g. `m.map(|l, s| format!("{s}…"))`.
    pub fn map(self, f: impl Fn(Lang, String) -> String) -> Msg {
        let [zh, en] = *self.texts;
        Msg::new(f(Lang::Zh, zh), f(Lang::En, en))
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get(console()))
    }
}

// Migration only: a message not yet in the catalogue says the same in
// both languages. Removed once every diagnostic's text is in the catalogue.
impl From<String> for Msg {
    fn from(s: String) -> Msg {
        Msg::verbatim(s)
    }
}

impl From<&str> for Msg {
    fn from(s: &str) -> Msg {
        Msg::verbatim(s)
    }
}

/// Diagnostic sentences: `name(arg, …) => "中文 {arg}", "English {arg}";`
/// gives `pub fn name(arg: impl Display, …) -> Msg`, both languages
/// formatted. Each area of rmpay keeps its own table in a submodule
/// ([`ledger`], [`policy`], [`archive`], [`run`]).
macro_rules! says {
    ( $( $(#[$m:meta])* $name:ident ( $($arg:ident),* ) => $zh:literal, $en:literal; )* ) => {
        $(
            $(#[$m])*
            #[allow(clippy::too_many_arguments)]
            pub fn $name($($arg: impl std::fmt::Display),*) -> $crate::text::Msg {
                $crate::text::Msg::new(format!($zh), format!($en))
            }
        )*

        /// Every sentence, (key, Chinese, English), for the catalogue's tests.
        #[cfg(test)]
        pub(crate) const SAYS: &[(&str, &str, &str)] = &[ $( (stringify!($name), $zh, $en), )* ];
    };
}

pub mod archive;
pub mod ledger;
pub mod policy;
pub mod run;

/// Fixed texts: `name => "中文", "English";` gives `pub fn name(Lang) -> &'static str`.
macro_rules! labels {
    ( $( $(#[$m:meta])* $name:ident => $zh:literal, $en:literal; )* ) => {
        $(
            $(#[$m])*
            pub fn $name(l: Lang) -> &'static str {
                match l {
                    Lang::Zh => $zh,
                    Lang::En => $en,
                }
            }
        )*

        /// Every fixed text, (key, Chinese, English), for the catalogue's tests.
        #[cfg(test)]
        pub(crate) const LABELS: &[(&str, &str, &str)] = &[ $( (stringify!($name), $zh, $en), )* ];
    };
}

/// Sentences with arguments: `name(a, b) => "中文 {a}", "English {b} {a}";`
/// gives `pub fn name(Lang, a, b) -> String`; every argument is shown with
/// `Display`.
macro_rules! messages {
    ( $( $(#[$m:meta])* $name:ident ( $($arg:ident),* ) => $zh:literal, $en:literal; )* ) => {
        $(
            $(#[$m])*
            #[allow(clippy::too_many_arguments)]
            pub fn $name(l: Lang, $($arg: impl std::fmt::Display),*) -> String {
                match l {
                    Lang::Zh => format!($zh),
                    Lang::En => format!($en),
                }
            }
        )*

        /// Every sentence, (key, Chinese, English), for the catalogue's tests.
        #[cfg(test)]
        pub(crate) const MESSAGES: &[(&str, &str, &str)] = &[ $( (stringify!($name), $zh, $en), )* ];
    };
}

/// Tables' columns: `name => ("中文", "English", width), …;` gives
/// `pub const NAME: &[Column]`, shown by `report::columns`. A table per
/// line of columns, so that a sheet's header reads as one row.
macro_rules! columns {
    ( $( $(#[$m:meta])* $name:ident => $( ($zh:literal, $en:literal, $w:literal) ),* ; )* ) => {
        $( $(#[$m])* pub const $name: &[Column] = &[ $( Column { zh: $zh, en: $en, width: $w } ),* ]; )*
    };
}

/// A column of a table: its title in both languages and its width in
/// characters.
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub width: f64,
}

#[rustfmt::skip]
columns! {
    /// The pay workbook's metrics sheet (业绩指标).
    METRICS_COLUMNS => ("客户经理编号", "RM id", 12.0), ("姓名", "Name", 10.0), ("存款日均", "Deposit daily avg", 16.0), ("基数存款", "Base deposit", 14.0),
        ("存量", "Stock", 14.0), ("增量", "Increment", 14.0), ("贷款余额", "Loan balance", 14.0), ("不良余额", "NPL balance", 14.0), ("不良率", "NPL ratio", 10.0),
        ("应收利息", "Interest due", 14.0), ("实收利息", "Interest received", 14.0), ("收息率", "Collection rate", 10.0), ("中间业务收入", "Fee income", 14.0),
        ("新开对公基本户", "New basic accounts", 10.0), ("违规扣分", "Violation points", 10.0), ("经济损失", "Losses", 14.0);
    /// The pay workbook's client detail (客户明细).
    CLIENT_COLUMNS => ("客户编号", "Client id", 12.0), ("客户名称", "Client name", 20.0), ("客户经理编号", "RM id", 12.0), ("分成比例", "Share", 8.0),
        ("活期日均", "Demand daily avg", 14.0), ("定期日均", "Time daily avg", 14.0), ("协议存款日均", "Agreement daily avg", 14.0),
        ("计入存款日均", "Counted daily avg", 14.0), ("归属本人日均", "RM's share", 14.0), ("贷款余额", "Loan balance", 14.0), ("不良余额", "NPL balance", 14.0),
        ("中间业务收入", "Fee income", 14.0);
    /// The review's score breakdown (得分明细).
    SCORE_COLUMNS => ("客户经理编号", "RM id", 12.0), ("项目", "Component", 16.0), ("规则", "Rule", 16.0), ("指标", "Metric", 22.0), ("数值", "Value", 16.0),
        ("目标", "Target", 14.0), ("基本分", "Base points", 10.0), ("调整", "Adjustment", 10.0), ("封顶后调整", "Capped", 10.0), ("得分", "Points", 10.0),
        ("说明", "Note", 60.0);
}

labels! {
    // Sheets.
    metrics_sheet => "业绩指标", "Metrics";
    client_sheet => "客户明细", "Client detail";

    // Book furniture.
    unit_yuan => "单位：元", "Unit: CNY";
    page_of => "第 {page} 页 共 {pages} 页", "Page {page} of {pages}";
    list_sep => "、", ", ";
    clause_sep => "；", "; ";
    colon => "：", ": ";

    // The trace sheet (计算过程).
    trace_sheet => "计算过程", "Trace";
    col_rm_id => "客户经理编号", "RM id";
    col_figure => "项目", "Figure";
    col_rule => "规则", "Rule";
    col_value => "数值", "Value";
    col_formula => "计算公式", "Formula";
    col_input => "取数项目", "Input";
    col_input_value => "取数来源与数值", "Input value";
    rule_metric => "指标定义", "metric";
    rule_pay => "工资计算", "pay";
    rule_restate => "以前期间调整", "prior-period adjustment";

    // Run manifest (运行信息).
    opening_from_ledger => "台账的风险金账户表", "the ledger's risk_accounts sheet";
    opening_none => "无期初余额", "no opening balance given";
    opening_nothing => "无：台账没有风险金账户行，各余额从 0 起算",
        "nothing: the ledger has no risk_accounts rows, so every balance opens at 0";
    rounding_half_up => "四舍五入", "rounded half up";
    rounding_half_even => "银行家舍入", "rounded half to even";
    rounding_down => "截尾", "truncated";

    // Console.
    /// The progress line while a sheet is read (an indicatif template).
    progress_reading => "{spinner} 正在读取 [{prefix}] {human_pos} 行  {elapsed}",
        "{spinner} reading [{prefix}] {human_pos} rows  {elapsed}";
    partial_mark => "（部分期间）", " (partial)";
    nothing_written => "未写入任何文件", "nothing was written";
    archive_unchanged => "档案未改动", "the archive is unchanged";
    statements_draft => "（草稿：当月未结账）", " (draft: the month is not closed)";
    explain_formula => "公式：", "formula: ";
    explain_no_exceptions => "异常事项：无", "exceptions: none";
    explain_exceptions => "异常事项：", "exceptions:";
    no_rm_changed => "没有客户经理的工资变动：无需调整", "no RM's pay changed: nothing to adjust";
}

messages! {
    // Run manifest and trace.
    opening_closing_state(period, sha) => "{period} 的期末状态（state.json SHA-256 {sha}）",
        "closing state of {period} (state.json SHA-256 {sha})";
    rounding_places(places, mode) => "保留 {places} 位小数，{mode}", "{places} places, {mode}";

    // explain.
    explain_head(id, name, tier, period, policy, version, file, ledger) =>
        "{id} {name}（{tier}），{period}；政策 `{policy}` {version}（{file}）；台账 {ledger}",
        "{id} {name} ({tier}), {period}; policy `{policy}` {version} ({file}); ledger {ledger}";
    explain_opening(what) => "期初状态：{what}", "opening state: {what}";
    explain_off_roster(left) => "{left} 离岗，不在本月台账中：本月无收入，风险金从结转状态中退还",
        "left on {left}; not in this month's ledger: nothing is earned, the risk deposit is released from the carried state";
    explain_released(released, payout) => "工资：风险金退还 {released}，实发合计 {payout}",
        "pay: released {released}, total paid {payout}";
    explain_pay(gross, deductions, holdback, net, released, payout) =>
        "工资：应发合计 {gross}，扣款合计 {deductions}，风险金扣留 {holdback}，工资净额 {net}，风险金退还 {released}，实发合计 {payout}",
        "pay: gross {gross}, deductions {deductions}, risk deposit withheld {holdback}, net {net}, released {released}, total paid {payout}";
    explain_risk(opening, withheld, offset, released, closing) =>
        "风险金：期初 {opening} + 扣留 {withheld} − 抵偿 {offset} − 退还 {released} = 期末 {closing}",
        "risk deposit: opening {opening} + withheld {withheld} − offset {offset} − released {released} = closing {closing}";
    explain_value_threshold(value, threshold) => "：数值 {value}，标准 {threshold}", ": value {value}, threshold {threshold}";

    // Console summaries.
    wrote(path) => "rmpay：已写入 {path}", "rmpay: wrote {path}";
    notices_written(count, dir) => "rmpay：{count} 份考核结果通知书已写入 {dir}", "rmpay: {count} notice(s) of the review's result in {dir}";
    wrote_unchanged(path) => "rmpay：已写入 {path}（档案未改动）", "rmpay: wrote {path} (the archive is unchanged)";
    errors_nothing_written(n) => "rmpay：{n} 个错误；未写入任何文件", "rmpay: {n} error(s); nothing was written";
    rmpay_nothing_written() => "rmpay：未写入任何文件", "rmpay: nothing was written";
    pay_summary(period, rms, net, gross, deductions, holdback, flags) =>
        "rmpay：{period} 共 {rms} 人，工资净额 {net}（应发 {gross}，扣款 {deductions}，风险金扣留 {holdback}）；异常事项 {flags} 项",
        "rmpay: {period} {rms} RMs, net pay {net} (gross {gross}, deductions {deductions}, risk deposit {holdback}); {flags} exception(s)";
    pay_released(released, payout) => "rmpay：退还风险金 {released}；实发合计 {payout}",
        "rmpay: risk deposits released {released}; total paid {payout}";
    opening_state(what) => "rmpay：期初状态：{what}", "rmpay: opening state: {what}";
    carried_deposit(id, amount, why) => "rmpay：{id} 不在本月台账中：风险金 {amount} 结转{why}",
        "rmpay: {id} is not in this month's ledger: risk deposit {amount} carried{why}";
    carried_due(left, due) => "（{left} 离岗，{due} 退还）", " (left on {left}, released in {due})";
    carried_unknown() => "（离岗日期不详：在台账标为离岗的月份退还）",
        " (no leaving date known: it is released in a month whose ledger lists the RM as left)";
    off_roster_released(id, left, amount) => "rmpay：{id} 已于 {left} 离岗，不在本月台账中：退还风险金 {amount}（已计入合计）",
        "rmpay: {id} left on {left} and is not in this month's ledger: risk deposit released {amount} (in the totals)";
    review_summary(label, partial, rms, promote, keep, demote, terminate) =>
        "rmpay：{label}{partial} 考核：{rms} 人；晋升 {promote}，保留 {keep}，降级 {demote}，解聘 {terminate}",
        "rmpay: review {label}{partial}: {rms} RMs; promote {promote}, keep {keep}, demote {demote}, terminate {terminate}";
    preview_closed(period, root) => "rmpay：{period} 已在 {root} 结账：仅预览，未记录草稿",
        "rmpay: {period} is closed in {root}: previewed, no draft recorded";
    draft_recorded(sha, period, dir) => "rmpay：{period} 的草稿 {sha} 已记录于 {dir}",
        "rmpay: draft {sha} of {period} recorded in {dir}";
    draft_same(sha, period) => "rmpay：草稿 {sha} 已是 {period} 的草稿（输入相同）：原有签核仍然有效",
        "rmpay: draft {sha} of {period} is already the month's draft (same inputs): its sign-offs stand";
    draft_voids(old, title, office, name, date) =>
        "rmpay：本草稿替换草稿 {old}：{name} {date} 的{title}（{office}）签核作废，请重新签核",
        "rmpay: this draft replaces draft {old}: the {title} ({office}) sign-off by {name} of {date} is void; sign it again";
    approved_close_this(period) => "rmpay：{period} 已审批：`rmpay close` 将结账此草稿",
        "rmpay: {period} is approved: `rmpay close` closes this draft";
    approved_close_draft(period, draft) => "rmpay：{period} 已审批：`rmpay close` 将结账草稿 {draft}",
        "rmpay: {period} is approved: `rmpay close` closes draft {draft}";
    to_sign_before_close(steps, root, period) =>
        "rmpay：结账前待签核：{steps}（`rmpay sign --archive {root} --period {period} --step 环节 --name 姓名`）",
        "rmpay: to sign before the close: {steps} (`rmpay sign --archive {root} --period {period} --step STEP --name NAME`)";
    step_office(name, office) => "{name}（{office}）", "{name} ({office})";
    closed_in(period, dir, policy, version, sha) =>
        "rmpay：{period} 已结账，存于 {dir}（政策 `{policy}` {version}，清单 SHA-256 {sha}）",
        "rmpay: closed {period} in {dir} (policy `{policy}` {version}, manifest SHA-256 {sha})";
    signoff_line(title, office, name, date) => "rmpay：{title}（{office}）{name} {date}",
        "rmpay: {title} ({office}) {name} {date}";
    closed_head(period, head) => "{period} 已结账；档案头 SHA-256 {head}", "{period} closed; archive head SHA-256 {head}";
    write_head(root, head) => "rmpay：请把档案头抄在签核单上；`rmpay verify --archive {root} --head {head}` 可据此核对档案",
        "rmpay: write the head on the signed form; `rmpay verify --archive {root} --head {head}` checks the archive against it";
    still_to_sign_after(steps) => "rmpay：结账后待签核：{steps}", "rmpay: still to sign after the close: {steps}";
    signed_as_of_today(today) => "rmpay：未给 --date：按今天 {today} 签核", "rmpay: no --date given: signed as of today, {today}";
    signed(period, step, office, name, date, draft, entry, log) =>
        "rmpay：{period} {step}（{office}）由 {name} 于 {date} 签核，草稿 {draft}（{log} 第 {entry} 条）",
        "rmpay: {period} {step} ({office}) signed by {name} on {date} for draft {draft} (entry {entry} of {log})";
    signed_head(period, step, head) => "{period} {step} 已签核；档案头 SHA-256 {head}", "{period} {step} signed; archive head SHA-256 {head}";
    next_step(name, office) => "rmpay：下一步：{name}（{office}）", "rmpay: next: {name} ({office})";
    compare_summary(period, new_id, new_v, old_id, old_v, gross_old, gross_new, diff, net_old, net_new) =>
        "rmpay：{period} 按测算方案 `{new_id}` {new_v}（现行 `{old_id}` {old_v}）：应发 {gross_old} → {gross_new}（{diff}），工资净额 {net_old} → {net_new}",
        "rmpay: {period} under `{new_id}` {new_v} instead of `{old_id}` {old_v}: gross {gross_old} → {gross_new} ({diff}), net {net_old} → {net_new}";
    statements_written(period, n, draft, dir) => "rmpay：{period} 工资对账单 {n} 份{draft}，存于 {dir}", "rmpay: {period} {n} statement(s){draft} in {dir}";
    policy_valid(file, id, version, tiers, lines, examples) =>
        "{file}：政策 `{id}` 版本 {version} 有效（{tiers} 个等级，{lines} 项工资，{examples} 个算例通过）",
        "{file}: policy `{id}` version {version} is valid ({tiers} tiers, {lines} pay lines, {examples} examples hold)";
    column_ignored(at, header) => "{at}：提示：`{header}` 列不在台账规范内，已忽略",
        "{at}: note: column `{header}` is not part of the ledger contract and is ignored";
    ledger_valid(file, period, managers, clients) => "{file}：{period} 台账有效（客户经理 {managers} 人，管户关系 {clients} 条）",
        "{file}: ledger for {period} is valid ({managers} managers, {clients} client assignments)";
    payout_summary(period, n, total, register, policy, version) =>
        "rmpay：{period} 代发文件：{n} 笔，合计 {total}（工资汇总表实发合计 {register}）；按档案中的政策 `{policy}` {version}",
        "rmpay: pay-out file for {period}: {n} payment(s), total {total} (the register's total paid {register}); policy `{policy}` {version} as archived";
    version_archived(period, version, dir, replaces, old, new) =>
        "rmpay：{period} 第 {version} 版已存档于 {dir}（替换第 {replaces} 版；实发合计 {old} → {new}）",
        "rmpay: {period} version {version} archived in {dir} (replaces version {replaces}; total paid {old} → {new})";
    to_pay_next(rm, amount, lines) => "rmpay：{rm}：下一个未结账月份补发 {amount}（{lines} 行）",
        "rmpay: {rm}: to pay {amount} in the next open month ({lines} line(s))";
    to_recover_next(rm, amount, lines) => "rmpay：{rm}：下一个未结账月份扣回 {amount}（{lines} 行）",
        "rmpay: {rm}: to recover {amount} in the next open month ({lines} line(s))";
    next_open_carries(period, root) =>
        "rmpay：{period} 是下一个未结账月份：其工资计算（`rmpay payroll --archive {root} …`）带入各项调整；请把档案头抄在签核单上",
        "rmpay: {period} is the next open month: its payroll (`rmpay payroll --archive {root} …`) carries the adjustments; write the head on the form";
    restated(period, head) => "{period} 已重述；档案头 SHA-256 {head}", "{period} restated; archive head SHA-256 {head}";
    missing_from_archive(path) => "{path}：档案中没有", "{path}: missing from the archive";
    inputs_match(label, names) => "{label}：档案中的输入文件与清单一致（{names}）", "{label}: the archived inputs match the manifest ({names})";
    identical(label) => "{label}：一致", "{label}: identical";
    identical_but_input_changed(label) => "{label}：重算结果一致，但档案中的输入文件已改动", "{label}: the outputs recomputed are identical, but an archived input has changed";
    files_differ(label, n) => "{label}：{n} 个文件与档案不一致", "{label}: {n} file(s) differ from the archive";
    archive_busy(root, wait) => "rmpay：{root} 正被另一个 rmpay 写入；最多等待 {wait} 秒",
        "rmpay: {root} is busy: another rmpay is writing to it; waiting up to {wait} s";
    period_version(period, version) => "{period} 第 {version} 版", "{period} version {version}";
    cell_differs(at, was, now) => "{at}：存档为 `{was}`，重算为 `{now}`", "{at}: archived `{was}`, recomputed `{now}`";
    same_cells(path) => "{path}：单元格相同，字节不同（格式或属性）", "{path}: same cells, different bytes (formatting or properties)";
    lines_differ(path, old, new) => "{path}：存档 {old} 行，重算 {new} 行", "{path}: {old} lines archived, {new} recomputed";
    chain_intact(path, n, first, last, head) => "{path}：{n} 个期间 {first}…{last}，哈希链完整；档案头清单 SHA-256 {head}",
        "{path}: {n} period(s) {first}…{last}, hash chain intact; head manifest SHA-256 {head}";
    versions_in_force(path, period, all, in_force, dir) => "{path}：{period} 有第 {all} 版；现行为第 {in_force} 版（{dir}）",
        "{path}: {period} has versions {all}; version {in_force} is in force ({dir})";
    signed_after_close(path, period, head) => "{path}：{period} 有结账后签核的环节；签核日志头 SHA-256 {head}",
        "{path}: {period} has steps signed after its close; sign-off log head SHA-256 {head}";
    more_cells(path, n) => "{path}：……另有 {n} 个单元格", "{path}: … and {n} more cells";
    cannot_read_archived(path, e) => "{path}：无法读取档案中的工作簿：{e}", "{path}: cannot read the archived workbook: {e}";
    problems(path, n) => "{path}：{n} 个问题", "{path}: {n} problem(s)";
    head_matches(path, m) => "{path}：所给档案头与 {m} 一致", "{path}: the head given matches {m}";
    empty_archive(path) => "{path}：档案为空", "{path}: empty archive";
}

/// The trace's words: the engine writes each figure's formula and inputs
/// in English (the JSON and `explain` keep them so); a Chinese book shows
/// them through this table, English phrase → Chinese, the longest phrase
/// first. The figures' ids are named apart (metrics by the vocabulary,
/// pay lines and tiers by the policy): see `report::TraceWords`.
pub const TRACE_PHRASES: &[(&str, &str)] = &[
    // Formulas.
    (
        "(substandard + doubtful + loss balance) ÷ loan balance",
        "（次级 + 可疑 + 损失类贷款余额）÷ 贷款余额",
    ),
    (
        "min(losses not recovered in earlier months, gross left)",
        "取小(前期待扣损失, 应发余额)",
    ),
    (
        "count of corporate basic accounts opened in the period",
        "本期新开对公基本户户数",
    ),
    (
        "Σ over loans of max(Σ interest due − Σ interest received over the period, 0) × share",
        "Σ 各笔贷款 取大(本期 Σ 应收利息 − Σ 实收利息, 0) × 分成比例",
    ),
    (
        "trailing twelve months: the period's settlements + the months before it",
        "滚动十二个月：本期国际结算 + 之前各月",
    ),
    (
        "daily averages day-weighted over the period and flows, Σ over its ",
        "日均按天数加权、流量求和，合计其 ",
    ),
    (
        "; loan stocks Σ over those in the period's last month",
        "；贷款存量合计期末月在岗者",
    ),
    ("the figures of branch ", "全支行数字，支行 "),
    ("Σ daily balances of branch ", "Σ 全支行日余额，支行 "),
    (
        "Σ (client balance sum × share)",
        "Σ（客户余额合计 × 分成比例）",
    ),
    (
        "Σ (month's daily average × days)",
        "Σ（各月日均 × 当月天数）",
    ),
    (
        "Σ fees of the RM + Σ client fees × share",
        "Σ 本人中间业务收入 + Σ 客户中间业务收入 × 分成比例",
    ),
    ("Σ losses of incidents in the period", "Σ 本期违规损失"),
    ("Σ loan balance × share", "Σ 贷款余额 × 分成比例"),
    ("Σ component points", "Σ 各项得分"),
    ("Σ pay lines", "Σ 各项工资"),
    ("Σ deductions", "Σ 各项扣款"),
    ("Σ adjustments", "Σ 以前期间调整"),
    ("interest received ÷ interest due", "实收利息 ÷ 应收利息"),
    (
        "max(Σ 以前期间调整, −net before adjustments)",
        "取大(Σ 以前期间调整, −调整前实发)",
    ),
    ("(carried with the losses still owed)", "（随待扣损失结转）"),
    (
        "times × median(gross of the tier's active RMs)",
        "倍数 × 同等级在岗人员应发中位数",
    ),
    ("fixed amount for tier", "固定金额，等级"),
    ("this month: nothing deducted", "本月无数据：不扣款"),
    ("this month: nothing paid", "本月无数据：不发放"),
    ("no product excluded", "不剔除任何产品"),
    ("excluding ", "剔除 "),
    ("no figure for", "无数据"),
    ("base deposit (基数存款)", "基数存款"),
    (
        "(lowered_cap = release_excess)",
        "（上限下调：退还超出部分）",
    ),
    ("opening − new cap", "期初 − 新上限"),
    // Score notes.
    (" whole step(s) × ", " 档 × "),
    (" points (step ", " 分（档距 "),
    ("; capped to [", "，限于 ["),
    ("])", "]）"),
    (": otherwise → ", "：其余 → "),
    ("no band holds: 0 points", "不在任何一档：0 分"),
    ("no target for this tier: 0 points", "本等级无目标：0 分"),
    // Review rules' details.
    ("not assessed: ", "未考核："),
    (
        " (review.quarter_settlements = \"pro_rated\")",
        "，全年标准按季折算",
    ),
    (" consecutive months to ", " 个月，截至 "),
    (" for ", " 连续 "),
    ("average daily deposits of the ", "平均存款日均："),
    (" RMs in tier ", " 人，等级 "),
    // Disqualifiers.
    (" at the end of ", "，月末："),
    // Inputs.
    ("less the excess released", "减去退还的超出部分"),
    ("opening balance: no opening balance given", "无期初余额"),
    ("opening balance: ", "期初余额："),
    ("opening balance ", "期初余额 "),
    ("closing balance of ", "期末余额，"),
    ("no opening balance given", "无期初余额"),
    (
        "(risk balance, losses not yet recovered)",
        "（风险金余额、待扣损失）",
    ),
    ("balance and losses from", "余额与损失来源"),
    ("losses not recovered in earlier months", "前期待扣损失"),
    ("net before adjustments", "调整前实发"),
    ("adjustments applied", "已调整金额"),
    ("the ledger's risk_accounts sheet", "台账的风险金账户表"),
    ("Σ daily balances", "Σ 日余额"),
    ("calendar days", "日历天数"),
    ("carried losses", "前期待扣损失"),
    ("gross left", "应发余额"),
    ("balance from", "余额来源"),
    ("tier_median_gross", "同等级应发中位数"),
    ("base_deposit", "基数存款"),
    ("policy tier", "政策等级"),
    ("paid in ", "已发 "),
    ("due in ", "应发 "),
    ("adjustment ", "调整 "),
    (" to ", " 至 "),
    ("client ", "客户 "),
    ("account ", "账户 "),
    ("loan ", "贷款 "),
    ("points ", "违规扣分 "),
    (", loss ", "，损失 "),
    ("balance ", "余额 "),
    (", interest ", "，利息 "),
    (" days", " 天"),
    (" rows, [", " 行，["),
    (" RMs", " 人"),
    ("; ", "；"),
    // Words the formulas name figures by.
    ("round(", "舍入("),
    ("min(", "取小("),
    ("max(", "取大("),
    ("median(", "中位数("),
    ("gross", "应发合计"),
    ("deductions", "扣款合计"),
    ("holdback", "风险金扣留"),
    ("adjustments", "以前期间调整"),
    ("released", "风险金退还"),
    ("balance", "余额"),
    ("losses", "损失"),
    ("opening", "期初"),
    ("cap", "上限"),
    ("rate", "单价"),
    ("source", "来源"),
    ("reason", "原因"),
    ("times", "倍数"),
    ("above", "上限"),
    ("tier", "等级"),
    ("net", "工资净额"),
    ("paid", "已发"),
    ("due", "应发"),
    ("example", "算例"),
    ("excluded", "不计入"),
];

/// The engine's own figures (not metrics, not the policy's lines), as the
/// trace names them.
pub fn trace_figure(id: &str, l: Lang) -> Option<&'static str> {
    let (zh, en) = match id {
        "gross" => ("应发合计", "gross"),
        "deductions" => ("扣款合计", "deductions"),
        "holdback" => ("风险金扣留", "risk deposit withheld"),
        "net" => ("工资净额", "net pay"),
        "payout" => ("实发合计", "total paid"),
        "risk_released" => ("风险金退还", "risk deposit released"),
        "risk_loss_offset" => ("风险金抵偿损失", "risk deposit offset against losses"),
        "risk_excess_released" => ("风险金超上限退还", "risk deposit above the cap released"),
        "carried_loss" => ("前期待扣损失", "losses carried from earlier months"),
        "adjustments" => ("以前期间调整", "prior-period adjustments"),
        "adjustment_carried" => ("以前期间调整结转", "prior-period adjustments carried"),
        "gross_above" => ("应发超过上限", "gross above the ceiling"),
        "gross_above_tier_median" => ("应发远高于同级中位数", "gross far above the tier's median"),
        "branch" => ("全支行数字", "the branch's figures"),
        _ => return None,
    };
    Some(match l {
        Lang::Zh => zh,
        Lang::En => en,
    })
}

/// How manifests and drafts record an opening state taken from a ledger
/// (records keep English; a book shows [`opening_from_ledger`]).
pub const LEDGER_OPENING: &str = "the ledger's risk_accounts sheet";

/// How manifests record an opening state from a ledger without opening
/// balances (a book shows [`opening_nothing`]).
pub const NO_OPENING: &str =
    "nothing: the ledger has no risk_accounts rows, so every balance opens at 0";

/// A run's opening state as records keep it (English, see
/// [`LEDGER_OPENING`], [`NO_OPENING`], [`opening_closing_state`]) in `l`.
pub fn run_opening(recorded: &str, l: Lang) -> String {
    if l == Lang::En {
        return recorded.to_string();
    }
    if let Some((p, sha)) = recorded
        .strip_prefix("closing state of ")
        .and_then(|r| r.split_once(" (state.json SHA-256 "))
    {
        return opening_closing_state(l, p, sha.trim_end_matches(')'));
    }
    match recorded {
        LEDGER_OPENING => opening_from_ledger(l).to_string(),
        NO_OPENING => opening_nothing(l).to_string(),
        other => other.to_string(),
    }
}

/// The console's language: `--lang` when given, else the locale
/// (`LC_ALL`, then `LC_MESSAGES`, then `LANG`; one starting with `zh` is
/// Chinese, anything else English).
pub fn console_lang(given: Option<Lang>) -> Lang {
    given.unwrap_or_else(|| locale_lang(|k| std::env::var(k).ok()))
}

/// The locale's language, from the environment `var` reads.
fn locale_lang(var: impl Fn(&str) -> Option<String>) -> Lang {
    // The first of these that is set and not empty decides, as in POSIX.
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(&var)
        .find(|v| !v.is_empty());
    match locale {
        Some(v) if v.starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// The language of this run's console messages, set once by `run`.
static CONSOLE: AtomicU8 = AtomicU8::new(1);

/// Set the console's language for this run.
pub fn set_console(l: Lang) {
    CONSOLE.store(l as u8, Ordering::Relaxed);
}

/// The language of this run's outputs (`--lang`, else Chinese), set once by `run`.
static OUTPUT: AtomicU8 = AtomicU8::new(0);

/// Set the outputs' language for this run.
pub fn set_output(l: Lang) {
    OUTPUT.store(l as u8, Ordering::Relaxed);
}

/// The language of this run's workbooks, statements and JSON reasons.
pub fn output() -> Lang {
    match OUTPUT.load(Ordering::Relaxed) {
        0 => Lang::Zh,
        _ => Lang::En,
    }
}

/// The console's language (English until `run` sets it).
pub fn console() -> Lang {
    match CONSOLE.load(Ordering::Relaxed) {
        0 => Lang::Zh,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(&c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ffef}').contains(&c)
        })
    }

    /// English words a Chinese text may hold: identifiers and file names.
    const ZH_MAY_SAY: &[&str] = &["rmpay", "SHA", "state", "json", "date", "Excel"];

    #[test]
    fn every_text_has_both_languages() {
        for (key, zh, en) in LABELS
            .iter()
            .chain(MESSAGES)
            .chain(ledger::SAYS)
            .chain(policy::SAYS)
            .chain(archive::SAYS)
            .chain(run::SAYS)
        {
            assert!(has_cjk(zh), "{key}: the Chinese text has no Chinese: {zh}");
            assert!(!has_cjk(en), "{key}: the English text has Chinese: {en}");
            // Arguments (`{period}`) and commands quoted in backticks are
            // not words of the text.
            let mut words = String::new();
            let (mut arg, mut quoted) = (false, false);
            for ch in zh.chars() {
                match ch {
                    '{' => arg = true,
                    '}' => arg = false,
                    '`' => quoted = !quoted,
                    c if !arg && !quoted => words.push(c),
                    _ => {}
                }
            }
            for w in words
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| !w.is_empty())
            {
                assert!(ZH_MAY_SAY.contains(&w), "{key}: English `{w}` in {zh}");
            }
        }
    }

    #[test]
    fn every_column_has_both_languages() {
        for c in METRICS_COLUMNS
            .iter()
            .chain(CLIENT_COLUMNS)
            .chain(SCORE_COLUMNS)
        {
            assert!(has_cjk(c.zh) && !has_cjk(c.en), "{} / {}", c.zh, c.en);
        }
    }

    #[test]
    fn locale_picks_chinese_only_for_zh() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(locale_lang(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(locale_lang(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(locale_lang(env(&[])), Lang::En);
        // LC_ALL wins over LANG, LC_MESSAGES too; an empty one is unset.
        assert_eq!(
            locale_lang(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            locale_lang(env(&[("LC_MESSAGES", "zh_TW"), ("LANG", "en_US")])),
            Lang::Zh
        );
        assert_eq!(
            locale_lang(env(&[("LC_ALL", ""), ("LANG", "zh_CN")])),
            Lang::Zh
        );
        assert_eq!(console_lang(Some(Lang::Zh)), Lang::Zh);
    }
}
