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

/// A message built in each language by `f` (which may pick its words
/// and separators by the language it is given).
pub fn each(f: impl Fn(Lang) -> Msg) -> Msg {
    Msg::new(
        f(Lang::Zh).get(Lang::Zh).to_string(),
        f(Lang::En).get(Lang::En).to_string(),
    )
}

/// A sentence around a sub-message, each language's around its own.
pub fn nest(sub: &Msg, sentence: impl Fn(&str) -> Msg) -> Msg {
    each(|l| sentence(sub.get(l)))
}

/// Messages joined as a list in each language (`、` in Chinese, `, ` in
/// English).
pub fn list(items: &[Msg]) -> Msg {
    each(|l| {
        Msg::verbatim(
            items
                .iter()
                .map(|m| m.get(l))
                .collect::<Vec<_>>()
                .join(list_sep(l)),
        )
    })
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get(console()))
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
pub mod trust;

/// A fixed text of the catalogue (`text::total`), for tables of them.
pub type Label = fn(Lang) -> &'static str;

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

// The command line's help (uses `labels!`).
pub mod help;

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

impl Column {
    /// The column's title in `l`.
    pub fn title(&self, l: Lang) -> &'static str {
        match l {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
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
    /// The client detail file's columns after the client sheet's: the
    /// clients sheet's row of the assignment, then one place the client's
    /// deposits were read (an account, or a row of monthly averages).
    DETAIL_FILE_COLUMNS => ("管户关系行号", "Clients row", 10.0), ("账户编号", "Account id", 16.0), ("产品", "Product", 8.0),
        ("天数", "Days", 6.0), ("余额合计", "Balance sum", 16.0), ("计入余额合计", "Counted balance sum", 16.0),
        ("存款首行", "First deposit row", 10.0), ("存款末行", "Last deposit row", 10.0);
    /// The review's score breakdown (得分明细).
    SCORE_COLUMNS => ("客户经理编号", "RM id", 12.0), ("项目", "Component", 16.0), ("规则", "Rule", 16.0), ("指标", "Metric", 22.0), ("数值", "Value", 16.0),
        ("目标", "Target", 14.0), ("基本分", "Base points", 10.0), ("调整", "Adjustment", 10.0), ("封顶后调整", "Capped", 10.0), ("得分", "Points", 10.0),
        ("说明", "Note", 60.0);
}

labels! {
    review_probation_a_year => "一年", "a year";
    // The review's rules rmpay names itself (the policy names the others).
    hit_exam_below => "考试成绩未达本等级要求", "Exam score below the tier's minimum";
    hit_too_many_clients => "管户数超过上限", "More clients than the cap";
    hit_qualification_lapsed => "任职资格已过有效期，须重新准入", "Qualification lapsed: renewal needed";

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
    statements_draft => "（草稿：当月未结账）", " (draft: the month is not closed)";
    explain_formula => "公式：", "formula: ";
    explain_no_exceptions => "异常事项：无", "exceptions: none";
    explain_exceptions => "异常事项：", "exceptions:";
    no_rm_changed => "没有客户经理的工资变动：无需调整", "no RM's pay changed: nothing to adjust";

    // Shared by several books.
    risk_withheld => "风险金扣留", "Risk deposit withheld";
    risk_released => "风险金退还", "Risk deposit released";
    col_name => "姓名", "Name";
    col_tier => "等级", "Tier";
    gross_total => "应发合计", "Gross";
    deductions_total => "扣款合计", "Deductions";
    net_pay => "工资净额", "Net pay";
    total_paid => "实发合计", "Total paid";
    total => "合计", "Total";
    to_pay => "补发", "To pay";
    to_recover => "扣回", "To recover";
    risk_col_withheld => "本月扣留", "Withheld";
    risk_col_offset => "抵偿损失", "Loss offset";
    risk_col_released => "退还", "Released";
    col_threshold => "标准", "Threshold";
    manifest_sheet => "运行信息", "Run manifest";
    col_item => "项目", "Item";
    col_content => "内容", "Value";
    manifest_tool => "工具", "Tool";
    manifest_period => "期间", "Period";
    policy_label => "考核办法", "Policy";
    manifest_policy_sha => "办法 SHA-256", "Policy SHA-256";
    disqualified => "否决", "disqualified";
    not_assessed => "未考核", "not assessed";
    ledger_label => "台账", "Ledger";
    figure_col => "指标", "Figure";
    col_note => "说明", "Note";

    // The pay workbook (工资表): register, pay strips, risk deposit, exceptions, run manifest.
    pay_book_title => "客户经理工资", "RM payroll";
    pay_losses_carried_from_earlier => "前期待扣损失", "Losses carried from earlier months";
    pay_loan_above_authority => "贷款超授权", "loan above authority";
    pay_needs_joint_approval => "需行长共同审批", "needs joint approval";
    pay_client_outside_tier_band => "客户超出管户范围", "client outside tier band";
    pay_deposits_under_base => "存款低于基数", "deposits under base";
    pay_deposits_under_base_months => "存款连续低于基数", "deposits under base months running";
    pay_collection_rate_under_minimum => "收息率不达标", "collection rate under minimum";
    pay_new_loan_collection_under => "当年新发放贷款收息不足", "new loan's collection under 100%";
    pay_loss_not_recovered_month => "损失未扣足", "loss not recovered this month";
    pay_gross_above_ceiling => "应发超过上限", "gross above ceiling";
    pay_gross_far_above_tier => "应发远高于同级中位数", "gross far above tier median";
    pay_flag_other => "其他", "other";
    pay_move_opening => "期初", "opening";
    pay_move_withheld => "本月扣留", "withheld";
    pay_move_offset => "抵偿损失", "loss offset";
    pay_move_released => "退还", "released";
    pay_move_closing => "期末", "closing";
    pay_risk_account_head => "风险金账户：", "Risk deposit: ";
    pay_tier_holds_no_risk => "本等级不扣留风险金", "the tier holds no risk deposit";
    pay_cap_reached => "（已达上限）", " (cap reached)";
    pay_no_movement => "无变动", "no movement";
    move_no_loss => "，未发现损失", ", no loss found";
    pay_adjustments => "以前期间调整", "Prior-period adjustments";
    pay_branch => "机构", "Branch";
    adjustments_total => "以前期间调整合计", "Prior-period adjustments";
    pay_pay_register => "工资汇总", "Pay register";
    pay_rms_unit => "人", "RMs";
    pay_step => "签核环节", "Step";
    pay_office => "签核部门", "Office";
    pay_signature => "签名", "Name";
    pay_sign_date => "日期", "Date";
    pay_remark => "备注", "Note";
    // The blank sign-off block of a policy without a `[workflow]`.
    pay_hand_prepared => "制表", "Prepared by";
    pay_hand_checked => "复核", "Checked by";
    pay_hand_approved => "审批", "Approved by";
    pay_pay_strips => "工资条", "Pay strips";
    pay_risk_sheet => "风险金账户", "Risk deposit";
    pay_cap => "上限", "Cap";
    pay_risk_opening => "期初余额", "Opening";
    pay_risk_closing => "期末余额", "Closing";
    pay_risk_opening_from => "期初来源", "Opening from";
    pay_movements => "变动说明", "Movements";
    pay_not_in_month_ledger => "不在本月台账中，余额结转", "not in this month's ledger: balance carried forward";
    pay_exceptions => "异常事项", "Exceptions";
    pay_check => "类别", "Check";
    pay_subject => "对象", "Subject";
    pay_detail => "说明", "Detail";
    pay_ledger_cell => "台账位置", "Ledger cell";
    pay_policy_version => "办法版本", "Policy version";
    pay_policy_file => "办法文件", "Policy file";
    pay_ledger_file => "台账文件", "Ledger file";
    pay_ledger_sha_256 => "台账 SHA-256", "Ledger SHA-256";
    pay_opening_from => "期初状态来源", "Opening state";
    pay_calendar_days => "日历天数", "Calendar days";
    pay_rounding => "舍入方式", "Rounding";
    pay_rm_count => "客户经理人数", "RMs";
    pay_ledger_warning => "台账提示", "Ledger warning";
    pay_attention => "注意", "Note";
    pay_piece_rates_in_policy => "本办法中的计件单价为示例，须由银行替换为本行标准", "the piece rates in this policy are examples that the bank must replace";
    pay_no_opening_balance => "无期初余额", "no opening balance given";

    // The review workbook (考核汇总).
    review_book_title => "客户经理等级考核", "RM tier review";
    review_summary_sheet => "考核汇总", "Summary";
    review_score_sheet => "得分明细", "Score breakdown";
    review_criteria_sheet => "等级条件", "Grade criteria";
    review_distribution_sheet => "等级分布", "Tier distribution";
    // Why a review figure has no value (the English names the ledger's
    // Chinese header beside its id, so the user finds the column).
    missing_fee_income_prior => "缺上年中间业务收入：`baseline`（上年基数）表客户经理行的`fee_income`（上年中间业务收入），或存档中的上年各月",
        "last year's fee income is missing: `fee_income` (上年中间业务收入) on the RM's row of the `baseline` sheet, or last year's months in the archive";
    fee_income_prior_zero => "上年中间业务收入为0，无增长率",
        "last year's fee income is 0: no growth rate";
    missing_deposits_prior => "缺上年存款：`baseline`（上年基数）表各客户的`deposit_daily_average`（上年存款日均），或存档中的上年各月",
        "last year's deposits are missing: `deposit_daily_average` (上年存款日均) of the clients in the `baseline` sheet, or last year's months in the archive";
    base_zero => "基数为0，无比率",
        "the base is 0: no ratio";
    no_loans_at_end => "期末无贷款，无正常类贷款占比",
        "no loans at the period's end: no normal-loan share";
    missing_normal_loan_prior => "缺上年正常贷款占比：`baseline`（上年基数）表客户经理行的`normal_loan_ratio`（上年正常贷款占比）",
        "last year's normal-loan share is missing: `normal_loan_ratio` (上年正常贷款占比) on the RM's row of the `baseline` sheet";
    no_interest_due => "期内无应收利息，无收息率",
        "no interest due in the period: no collection rate";
    missing_marketing_since => "`managers`（客户经理）表的`marketing_since`（营销起始日期）为空",
        "`marketing_since` (营销起始日期) is empty in the `managers` sheet";
    missing_previous_review => "未提供上年考核结果：用 `--previous-review 文件` 给出上年 `rmpay review --json` 的结果",
        "last year's review is not given: pass last year's `rmpay review --json` file as `--previous-review FILE`";
    missing_exam_score => "`managers`（客户经理）表的`exam_score`（考试成绩）为空",
        "`exam_score` (考试成绩) is empty in the `managers` sheet";
    tier_has_no_score => "该等级无评分",
        "the RM's tier has no score";
    missing_qualified_on => "`managers`（客户经理）表的`qualified_on`（资格取得日期）为空",
        "`qualified_on` (资格取得日期) is empty in the `managers` sheet";
    review_terminated_dash => "—（解聘）", "— (terminated)";
    review_no_figure => "无数据", "no figure";
    review_one_client => "，单户 ", ", one client ";
    tenure => "营销年限", "tenure";
    review_one_client_open => "（单户日均", " (clients from ";
    review_and_above_close => "及以上）", ")";
    pass_line => "及格线", "pass line";
    review_holds => "符合", "holds";
    review_not_met => "不符合", "not met";
    review_data_gives_no => "数据中没有", "the data gives no";
    review_no_figure_for => "无数据", "no figure for";
    review_points => " 分", " points";
    review_months => " 个月", " months";
    review_years => " 年", " years";
    review_clients => " 户", " clients";
    review_below => "低于", "below";
    review_at_most => "不高于", "at most";
    review_above => "高于", "above";
    review_at_least => "达到", "at least";
    review_equal_to => "等于", "equal to";
    review_demotion_line => "降级线", "the demotion line";
    review_termination_line => "解聘线", "the termination line";
    review_promotion_line => "晋升线", "the promotion line";
    review_line_keep => "标准", "the threshold";
    review_and_also => "，且", "; and ";
    review_fact_sep => "，", "; ";
    review_whole_branch_deposits_loans => "（全支行）存款、贷款、收息为全支行合计", "(whole branch) deposits, loans and interest are the branch's";
    review_current_tier => "现任等级", "Current tier";
    review_deposit_daily_avg => "存款日均", "Deposit daily avg";
    review_new_deposits => "新增存款日均", "New deposits";
    review_deposit_growth => "存款增长率", "Deposit growth";
    review_loan_daily_avg => "贷款日均", "Loan daily avg";
    review_npl_ratio => "不良率", "NPL ratio";
    review_collection_rate => "收息率", "Collection rate";
    review_score => "综合得分", "Score";
    review_proposed_tier => "拟定等级", "Proposed tier";
    review_staff_grade => "行员等级", "Staff grade";
    review_decision => "结论", "Decision";
    review_reasons => "理由", "Reasons";
    review_grade_tried => "对照等级", "Grade tried";
    review_col_item => "条件", "Item";
    review_metric => "指标", "Metric";
    review_one_client_minimum => "单户标准", "One-client minimum";
    review_largest_client => "最大单户", "Largest client";
    review_col_held => "是否满足", "Held";
    review_held_needed => "满足项数", "Held / needed";
    review_clients_excluded => "剔除客户", "Clients excluded";
    review_grade_holds => "等级结论", "Grade holds";
    review_yes => "是", "yes";
    review_no => "否", "no";
    review_disqualifier => "否决", "disqualifier";
    review_before => "考核前", "Before";
    review_after => "考核后", "After";
    review_tier_distribution_before_and => "等级分布：考核前后", "Tier distribution before and after";
    review_terminated => "解除合同", "terminated";
    review_review_period => "考核期间", "Review period";
    review_partial => "部分期间", "Partial";
    review_months_missing => "缺少月份", "months missing";
    review_no_rule_applies_keep => "未触发任何升降级条件 → 保持", "no promotion, demotion or termination rule applies → keep";
    review_no_rule_applies => "未触发任何升降级条件", "no promotion, demotion or termination rule applies";

    // The pay statement (工资对账单).
    stmt_draft => "（草稿）", " (draft)";
    stmt_draft_month_is_not => "草稿：本月尚未结账，金额以结账后的对账单为准。", "Draft: the month is not closed; the statement of the closed month is the one that counts.";
    stmt_unit_yuan => "单位：元", "Unit: yuan";
    stmt_amount => "金额", "Amount";
    stmt_rule_and_inputs => "计算依据", "Rule and inputs";
    stmt_1_pay_lines => "一、应发项目", "1. Pay lines";
    stmt_sum_pay_lines => "各应发项目之和", "sum of the pay lines";
    stmt_2_deductions => "二、扣款", "2. Deductions";
    stmt_no_deductions_month => "本月无扣款", "No deductions this month";
    stmt_sum_deductions => "各扣款项目之和", "sum of the deductions";
    stmt_3_net_and_total => "三、实发", "3. Net and total paid";
    stmt_gross_word => "应发", "gross";
    stmt_gross_deductions => "（应发 − 扣款）", "(gross − deductions)";
    stmt_recovered_in_later_months => "以后月份扣回", "Recovered in later months";
    stmt_part_net_pay_could => "本月工资净额不足扣回的部分，结转以后月份", "the part net pay could not cover, carried forward";
    stmt_nothing_released_month => "本月无退还", "nothing released this month";
    stmt_4_risk_deposit_account => "四、风险金账户", "4. Risk deposit account";
    stmt_opening_balance => "期初余额", "Opening balance";
    stmt_see_risk_deposit_withheld => "见上“风险金扣留”", "see “Risk deposit withheld” above";
    stmt_see_risk_deposit_released => "见上“风险金退还”", "see “Risk deposit released” above";
    stmt_closing_balance => "期末余额", "Closing balance";
    stmt_year_first_month => "本年第一个月", "the year's first month";
    stmt_no_earlier_months_carried => "档案中没有本年以前月份的累计，仅含本月", "no earlier month of the year in the archive: this month only";
    stmt_daily_average_deposits_year => "存款日均（本年）", "Daily-average deposits (year)";
    stmt_6_month_figures => "六、本月业绩指标", "6. This month's figures";
    stmt_definition_and_inputs => "计算依据", "Definition and inputs";
    stmt_exactly => "；精确值 ", "; exactly ";
    stmt_substandard_doubtful_loss_balance => "次级、可疑、损失类贷款余额 × 分成比例之和", "substandard + doubtful + loss balance, shares applied";
    stmt_interest_due_share => "名下贷款本月应收利息 × 分成比例之和", "Σ interest due × share";
    stmt_interest_received_share => "名下贷款本月实收利息 × 分成比例之和", "Σ interest received × share";
    stmt_rm_fees_client_fees => "本人及名下客户中间业务收入 × 分成比例之和", "Σ the RM's fees + client fees × share";
    stmt_7_clients_rm_part => "七、管户客户（本人部分）", "7. Clients (this RM's part)";
    stmt_client => "客户", "Client";
    stmt_rm_daily_average => "本人存款日均", "RM's daily average";
    stmt_share => "分成比例", "Share";
    stmt_shared_client_rm_part => "共管客户：仅列本人分成部分", "shared client: this RM's part only";
    stmt_see_pay_workbook_client => "明细见工资表客户明细", "see the pay workbook's client detail";
    stmt_no_clients_month => "本月名下无管户客户", "No clients this month";
    stmt_note_piece_rates_in => "注意：本办法中的计件单价为示例，须由银行替换为本行标准。", "Note: the piece rates in this policy are examples that the bank must replace.";
    stmt_pay_statement => "工资对账单", "Pay statement";
    stmt_demand_deposits => "活期存款", "demand deposits";
    stmt_time_deposits => "定期存款", "time deposits";
    stmt_agreement_deposits => "协议存款", "agreement deposits";
    stmt_stock_words => "取小(存款日均, 基数存款)", "min(daily-average deposits, base deposit)";
    stmt_increment_words => "取大(存款日均 − 基数存款, 0)", "max(daily-average deposits − base deposit, 0)";

    // The review notice (考核结果通知书).
    notice_and => "且", " and ";
    notice_or => "，或", ", or ";
    notice_partial_period => "（部分期间）", " (partial period)";
    notice_notice_review_result => "考核结果通知书", "Notice of review result";
    notice_1_result => "一、考核结论", "1. Result";
    notice_tier_before => "考核前等级", "Tier before";
    notice_decision => "考核结论", "Decision";
    notice_tier_after => "考核后等级", "Tier after";
    notice_2_reasons => "二、决定理由", "2. Reasons";
    notice_3_key_figures => "三、主要考核指标", "3. Key figures";
    notice_own_value => "本人数值", "Value";
    notice_policy_requires => "办法要求", "What the policy requires";
    notice_no_figure => "—（无数据）", "— (no figure)";
    notice_whole_branch => "全支行", "whole branch";
    comma => "，", ", ";
    notice_period_months_see_reasons => "考核期数值；各月数值见决定理由", "the period's; months: see reasons";
    notice_held => "满足", "held";
    notice_not_held => "不满足", "not held";
    notice_pass_line => "在岗最低及格线", "Pass line";
    paren_open => "（", " (";
    paren_close => "）", ")";
    notice_4_signatures => "四、签收", "4. Signatures";
    notice_yyyy_mm_dd => "＿＿＿＿年＿＿月＿＿日", "＿＿＿＿-＿＿-＿＿ (YYYY-MM-DD)";
    notice_head_department_signature => "部门负责人（签字）", "Head of department (signature)";
    notice_employee_signature => "本人签字", "Employee (signature)";
    notice_colon => "：", ":";
    notice_date => "日期：", "Date: ";
    notice_review_notice => "考核结果通知书", "Review notice";
    notice_demoted_last_year => "上年考核已降级", "demoted in last year's review";
    notice_not_demoted_last_year => "上年考核未降级", "not demoted in last year's review";
    notice_grade_met => "符合", "met";
    notice_grade_not_met => "不符合", "not met";

    // The compare workbook (方案对比).
    cmp_withheld => "风险金扣留", "Withheld";
    cmp_current => "现行", "current";
    cmp_proposed => "测算", "proposed";
    cmp_difference => "差额", "difference";
    cmp_per_rm => "逐人对比", "Per RM";
    cmp_current_policy => "现行方案", "Current policy";
    cmp_proposed_policy => "测算方案", "Proposed policy";
    cmp_opening_state => "期初状态", "Opening state";
    cmp_comparison_does_not_change => "对比不改动档案", "the comparison does not change the archive";

    // The ledger template (台账模板).
    // Its general rules, in order.
    tpl_rule_1 => "1. 每月一个工作簿。必需的工作表：客户经理、管户关系，以及“存款日余额”或“存款月日均”二者之一（另一个只留表头）；其余工作表没有业务的只留表头。",
        "1. One workbook per month. Required: managers, clients, and deposits or deposit_averages (leave the other with its header only); leave any other sheet with its header only when there is nothing to enter.";
    tpl_rule_2 => "2. 工作表名和表头不要改动；列的顺序可以调整，另加的列会被忽略（rmpay check 会列出）。表头以上可以有标题、单位或空行（在前 10 行之内），表头以下每行一条记录；合计、小计、总计行会被跳过，不计入。",
        "2. Keep the sheet names and headers; columns may be reordered, and extra columns are ignored (rmpay check lists them). Title, unit or blank rows may stand above the header (within the first 10 rows); one record per row below it; total rows (合计, 小计, 总计) are skipped, not added.";
    tpl_rule_3 => "3. 蓝色表头为必填列，每行都要填；灰色表头为选填列。",
        "3. Blue headers are required columns, filled on every row; grey headers are optional.";
    tpl_rule_4 => "4. 金额以元为单位，精确到分；表头改为“余额(万元)”这样带单位的写法则按万元填（到分为 6 位小数，如 179.999999）。日期按日期填写（如 2026-10-01），也可填 20261001 这样的八位数字或文本。比例可填 60%、0.6 或 60。",
        "4. Amounts are in yuan, to the fen; a header with a unit such as `balance (wan)` takes 万元 (6 places to the fen, e.g. 179.999999). Dates as dates (2026-10-01), or as 8 digits such as 20261001, number or text. Shares as 60%, 0.6 or 60.";
    tpl_rule_5 => "5. 编号（客户经理编号、客户编号、账号、借据号）按文本填写，长账号才不会变成科学计数法。",
        "5. Ids (RM, client, account, loan) are text, so long account numbers keep every digit.";
    tpl_rule_6 => "6. 带下拉箭头的列从列表中选择；英文编号（如 demand）和常见别名（如 活期存款）也可以。",
        "6. Columns with a drop-down take a value from the list; the Chinese names (such as 活期) and usual aliases are accepted too.";
    tpl_rule_7 => "7. 填好后先运行 rmpay check --policy 政策文件 --ledger 本文件，没有错误再运行 rmpay payroll。",
        "7. When filled in, run rmpay check --policy FILE --ledger THIS-FILE, and rmpay payroll once it reports no errors.";
    tpl_monthly_ledger_for_rm => "客户经理绩效台账（月度）填写说明", "Monthly ledger for RM pay and review: how to fill it in";
    tpl_no_policy_given_tier => "未指定政策：“等级”列填政策中的等级名称或编号（rmpay template --policy 政策文件 生成带等级下拉的模板）。", "No policy given: the `tier` column takes a tier name or id of the policy (rmpay template --policy FILE lists them).";
    tpl_policy_tiers => "政策等级", "Policy tiers";
    tpl_tier_name => "等级名称", "Tier name";
    tpl_id => "编号", "Id";
    tpl_chinese_name => "英文名称", "Chinese name";
    tpl_also_accepted => "也可填写", "Also accepted";
    tpl_sheet => "工作表", "Sheet";
    tpl_column_header => "列名（表头）", "Column (header)";
    tpl_what_to_fill_in => "说明", "What to fill in";
    tpl_type => "类型", "Type";
    tpl_col_required => "是否必填", "Required";
    tpl_allowed_values => "可选值", "Allowed values";
    tpl_example => "示例", "Example";
    tpl_rm_ledger_template => "客户经理绩效台账模板", "RM ledger template";
    tpl_unit_cny_unless_stated => "单位：元（另有注明的除外）", "Unit: CNY unless stated";
    tpl_instructions => "填写说明", "Instructions";
    tpl_not_in_list => "不在下拉列表中", "Not in the list";
    tpl_value_is_not_in => "此值不在下拉列表中。英文编号和常见别名也可以：是否保留？", "This value is not in the list. Chinese names and usual aliases are accepted too: keep it?";
    tpl_required => "必填", "required";
    tpl_optional => "选填", "optional";
    tpl_text => "文本", "text";
    tpl_amount_yuan => "金额（元）", "amount (yuan)";
    tpl_amount_usd => "金额（美元）", "amount (USD)";
    tpl_number => "数字", "number";
    tpl_share => "比例", "share";
    tpl_date => "日期", "date";
    tpl_tier_list => "等级（下拉）", "tier (list)";
    tpl_list => "下拉选择", "list";
    tpl_tier_name_or_id => "政策中的等级名称或编号", "a tier name or id of the policy";
    tpl_share_range => "0%–100%（60%、0.6 或 60）", "0%–100% (60%, 0.6 or 60)";
    tpl_need_required => "必需", "required";
    tpl_need_one_of_two => "二选一", "one of two";
    tpl_need_optional => "可选", "optional";
}

messages! {
    // The review's rules rmpay names itself.
    hit_bottom_n(n) => "末位淘汰（后{n}名）", "Bottom {n} by score";
    // Why a branch head's fee growth has no figure
    // (`review.branch_base = "members"`).
    missing_members_fee_income_prior(members) =>
        "缺 {members} 的上年中间业务收入（本期有中间业务收入）：`baseline`（上年基数）表其客户经理行的`fee_income`（上年中间业务收入，上年没有则填 0），或存档中的上年各月",
        "last year's fee income is missing for {members}, with fee income this period: `fee_income` (上年中间业务收入) on each one's row of the `baseline` sheet (0 if they had none), or last year's months in the archive";

    // Run manifest and trace.
    opening_closing_state(period, sha) => "{period} 的期末状态（state.json SHA-256 {sha}）",
        "closing state of {period} (state.json SHA-256 {sha})";
    trace_closing_of(period) => "{period} 期末余额", "closing balance of {period}";
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
    explain_exception(rule, check, what, cell) => "  [{rule}] {check}：{what}{cell}", "  [{rule}] {check}: {what}{cell}";
    explain_value_threshold(value, threshold) => "：数值 {value}，标准 {threshold}", ": value {value}, threshold {threshold}";

    // The pay workbook's strips and the statement: net pay is 工资净额,
    // 实发合计 is what is paid (net pay and any risk deposit released).
    pay_ytd_strip(months, gross, deductions, holdback, net) =>
        "本年累计（{months} 个月）：应发 {gross}，扣款 {deductions}，风险金扣留 {holdback}，工资净额 {net}",
        "Year to date ({months} months): gross {gross}, deductions {deductions}, withheld {holdback}, net {net}";
    pay_ytd_strip_no_risk(months, gross, deductions, net) =>
        "本年累计（{months} 个月）：应发 {gross}，扣款 {deductions}，工资净额 {net}",
        "Year to date ({months} months): gross {gross}, deductions {deductions}, net {net}";
    pay_recovery_carried(amount) => "扣回超过本月工资净额，{amount} 结转以后月份扣回（同未扣损失）",
        "The recovery exceeds this month's net pay: {amount} is carried forward with the losses still owed";
    stmt_payout_words(net, released) => "工资净额 {net} + 风险金退还 {released}",
        "net {net} + risk deposit released {released}";
    stmt_ytd_payout_words(net, released) => "工资净额 {net} + 风险金退还 {released}", "net {net} + released {released}";
    pay_off_roster(left_on) => "{left_on} 离岗，不在本月台账中", "left on {left_on}; not in this month's ledger";
    pay_client_rows_in_file(rows, file) => "本月客户明细另写在本工作簿旁的 {file} 中，共 {rows} 行（每位客户经理的每位客户、每个存款账户一行；计算过程中每位客户经理的存款日均注明其在该文件中的行）",
        "The month's client rows are in {file}, beside this workbook: {rows} rows, one per RM, client and deposit account (the trace names each RM's rows of it under the deposit daily average)";
    pay_withheld_amount(amount) => "扣留 {amount}", "withheld {amount}";
    pay_loss_offset_amount(amount) => "抵偿经济损失 {amount}", "losses of {amount} paid from the balance";
    // Why the risk deposit moved (each movement's `reason`: the pay JSON,
    // `explain`); `{name}` is the policy's name of the deposit (风险金),
    // `{rate}` a percentage in Chinese and the policy's fraction in English.
    move_withheld(rate, name) => "按月收入的 {rate} 扣留{name}", "{rate} of income";
    move_withheld_to_cap(rate, name, cap) => "按月收入的 {rate} 扣留{name}，扣至上限 {cap} 为止",
        "{rate} of income, limited by the cap {cap}";
    move_cap_lowered(from, to, name, cap) => "等级由{from}调为{to}，{name}上限降为 {cap}",
        "tier changed from `{from}` to `{to}`: cap lowered to {cap}";
    move_losses_offset(name, losses) => "退还前先以{name}抵偿经济损失 {losses}",
        "losses of {losses} paid from the balance before release";
    move_released(months, no_loss, off_roster) => "离岗满 {months} 个月退还{no_loss}{off_roster}",
        "{months} months after leaving{no_loss}{off_roster}";
    move_off_roster(left_on) => "（{left_on} 离岗，不在本月台账中）", " (left on {left_on}; not in this month's ledger)";
    pay_strip_title(period, year, month, name, id, tier) => "{year}年{month}月 工资条  {name} ({id})  {tier}",
        "Pay strip {period}  {name} ({id})  {tier}";
    pay_adjustment_title(period, version, name, reason) => "{period}第{version}版调整：{name}（{reason}）",
        "{period} v{version} adjustment: {name} ({reason})";
    pay_adjustment_text(kind, period, version, name, paid_version, paid, due, amount, reason) =>
        "{kind} {period}第{version}版 {name}：第{paid_version}版已发 {paid}，第{version}版应为 {due}，{kind} {amount}（{reason}）",
        "{kind} {period} v{version} {name}: {paid} in version {paid_version}, {due} in version {version}; {amount} ({reason})";
    // The exceptions sheet's details (异常事项).
    pay_flag_loan_above_authority(loan, v, t) => "贷款 {loan} 金额 {v} 超过授权 {t}", "loan {loan} of {v} is above the authority of {t}";
    pay_flag_joint_signing(loan, v, t) => "贷款 {loan} 金额 {v} 超过 {t}，须支行行长共同审批",
        "loan {loan} of {v} is above {t}: the branch head must sign jointly";
    pay_flag_client_outside_band(client, v) => "客户 {client} 存款日均 {v} 不在本等级管户范围内",
        "client {client} (daily-average deposits {v}) is outside the tier's band";
    pay_flag_deposit_below_base(v, t) => "存款日均 {v} 低于基数的比例线 {t}", "daily-average deposits {v} are under {t}";
    pay_flag_deposit_below_base_months(v, t) => "存款日均已连续 {v} 个月低于基数比例线（标准 {t} 个月），应予降级",
        "deposits under the base line {v} months running ({t} means demotion)";
    pay_flag_collection_below(v, t) => "收息率 {v} 低于 {t}", "collection rate {v} is under {t}";
    pay_flag_new_loan_collection(loan, v, t) => "当年新发放贷款 {loan} 收息率 {v}，未达 {t}",
        "loan {loan} disbursed this year collected {v} of interest due, under {t}";
    pay_flag_loss_not_recovered(v) => "损失 {v} 超过本月应发，未扣部分待后续处理", "losses of {v} exceed this month's gross and were not deducted";
    pay_flag_gross_above(v, t) => "本月应发 {v} 超过合理上限 {t}，请复核", "gross pay {v} is above the plausible ceiling of {t}: please check";
    pay_flag_gross_above_tier_median(v, t) => "本月应发 {v} 超过同等级应发中位数的规定倍数 {t}，请复核（见计算过程）",
        "gross pay {v} is above {t}, the policy's multiple of the tier's median gross: please check (see the trace)";

    // The pay statement (工资对账单).
    stmt_restated(version, reason, period, year, month) => "更正后第 {version} 版（{reason}）：本月工资已按原版本发放，与本版的差额作为以前期间调整，在 {year}年{month}月 的工资中补发或扣回。", "Corrected version {version} ({reason}): the month was paid on the original version; the differences from this version are prior-period adjustments, paid or recovered in the pay of {period}.";
    stmt_restated_same_pay(version, reason) => "更正后第 {version} 版（{reason}）：本月工资已按原版本发放；更正未改变本人工资，无需补发或扣回。", "Corrected version {version} ({reason}): the month was paid on the original version; the correction did not change this RM's pay, so nothing is paid or recovered.";
    stmt_title(period, year, month, draft) => "客户经理工资对账单 {year}年{month}月{draft}", "RM pay statement {period}{draft}";
    stmt_policy_line(policy, version, branch) => "{policy}（版本 {version}）　机构：{branch}", "{policy} (version {version})   Branch: {branch}";
    stmt_rm_line(id, name, tier, period, year, month, days) =>
        "客户经理编号：{id}　姓名：{name}　等级：{tier}　期间：{year}年{month}月（{days} 天）",
        "RM id: {id}   Name: {name}   Tier: {tier}   Period: {period} ({days} days)";
    stmt_rate_words(metric, value, per, rate) => "{metric} {value}{per} × 单价 {rate}", "{metric} {value}{per} × rate {rate}";
    stmt_left_before(date) => "本月前已离岗（离岗日期 {date}）：不发放", "left before the month began (left on {date}): nothing paid";
    stmt_fixed_words(tier) => "{tier} 每月固定金额", "fixed monthly amount for {tier}";
    stmt_rounded(words, rounding, scale) => "{words}，{rounding}保留 {scale} 位小数", "{words}, {rounding} to {scale} places";
    stmt_carried_loss_words(carried, left) => "前期待扣损失 {carried}，以应发剩余 {left} 为限",
        "losses not recovered in earlier months {carried}, up to the gross left {left}";
    stmt_up_to_gross_left(left) => "，以应发剩余 {left} 为限", ", up to the gross left {left}";
    stmt_unrecovered(unrecovered, pending) => "本月应扣损失中 {unrecovered} 超过应发，未扣部分结转以后月份（风险金抵偿后结转 {pending}）",
        "losses of {unrecovered} exceed this month's gross; what the risk deposit does not cover ({pending}) is carried to later months";
    stmt_holdback_words(rate, base_name, base, cap, before) => "{rate} × {base_name} {base}，以上限 {cap} − 扣留前余额 {before} 为限",
        "{rate} × {base_name} {base}, up to the cap {cap} − the balance before {before}";
    stmt_adjustments_added(amount) => " + 以前期间调整 {amount}", " + prior-period adjustments {amount}";
    stmt_net_words(gross, deductions, holdback, adj) => "应发 {gross} − 扣款 {deductions} − 风险金扣留 {holdback}{adj}",
        "gross {gross} − deductions {deductions} − risk deposit withheld {holdback}{adj}";
    stmt_excess_released(amount) => "等级变动上限降低，退还超额 {amount}", "cap lowered by a tier change: excess {amount} released";
    stmt_released_after_leaving(amount) => "离岗满期，退还 {amount}", "released {amount} after leaving";
    stmt_opening_from(source) => "来源：{source}", "from: {source}";
    stmt_loss_offset(amount) => "离岗退还前先抵偿经济损失 {amount}", "losses of {amount} paid before release";
    stmt_closing_words(opening, withheld, offset, released, cap) => "期初 {opening} + 扣留 {withheld} − 抵偿 {offset} − 退还 {released}{cap}",
        "opening {opening} + withheld {withheld} − offset {offset} − released {released}{cap}";
    stmt_cap_clause(cap) => "；上限 {cap}", "; cap {cap}";
    stmt_ytd_from_archive(prev) => "{prev} 及以前月份取自归档的结转状态，加本月", "through {prev} from the archive's carried state, plus this month";
    stmt_ytd_title(year, months) => "五、本年累计（{year} 年，{months} 个月）", "5. Year to date ({year}, {months} months)";
    stmt_ytd_title_one_month(year, months) => "五、本年累计（{year} 年，{months} 个月）", "5. Year to date ({year}, {months} month)";
    stmt_ytd_sum(months, month) => "{months} 个月之和，其中本月 {month}", "Σ {months} months, this month {month}";
    stmt_ytd_sum_one(months, month) => "{months} 个月之和，其中本月 {month}", "Σ {months} month, this month {month}";
    stmt_year_deposit_words(sum, days) => "各月存款日均 × 当月天数之和 {sum} ÷ {days} 天", "Σ monthly daily average × days {sum} ÷ {days} days";
    stmt_excluding(names) => "，不含{names}", ", excluding {names}";
    stmt_deposit_words(n, excluded, exact) => "名下 {n} 户客户存款日均 × 分成比例之和（见下表）{excluded}{exact}",
        "Σ daily average × share over {n} clients (see below){excluded}{exact}";
    stmt_deposit_words_one(n, excluded, exact) => "名下 {n} 户客户存款日均 × 分成比例之和（见下表）{excluded}{exact}",
        "Σ daily average × share over {n} client (see below){excluded}{exact}";
    stmt_base_default(tier) => "台账未填，取办法中{tier}的默认基数", "not in the ledger: the policy's default for {tier}";
    stmt_base_from(source) => "取自 {source}", "from {source}";
    stmt_base_none() => "台账未填，办法也未规定：按 0 计", "not in the ledger, and the policy gives none: 0";
    stmt_loan_words(loans) => "名下 {loans} 笔贷款月末余额 × 分成比例之和", "Σ month-end balance × share over {loans} loans";
    stmt_loan_words_one(loans) => "名下 {loans} 笔贷款月末余额 × 分成比例之和", "Σ month-end balance × share over {loans} loan";
    stmt_npl_words(npl, loans) => "不良贷款余额 {npl} ÷ 贷款余额 {loans}", "NPL balance {npl} ÷ loan balance {loans}";
    stmt_collection_words(received, due) => "实收利息 {received} ÷ 应收利息 {due}", "interest received {received} ÷ interest due {due}";
    stmt_new_accounts_words(n) => "本月新开对公基本户 {n} 户", "{n} corporate basic accounts opened this month";
    stmt_new_accounts_words_one(n) => "本月新开对公基本户 {n} 户", "{n} corporate basic account opened this month";
    stmt_incidents_words(n) => "本月违规与损失记录 {n} 条", "{n} incidents this month";
    stmt_incidents_words_one(n) => "本月违规与损失记录 {n} 条", "{n} incident this month";
    stmt_incident_loss_words(n) => "本月违规与损失记录 {n} 条的损失之和", "Σ losses of {n} incidents this month";
    stmt_incident_loss_words_one(n) => "本月违规与损失记录 {n} 条的损失之和", "Σ losses of {n} incident this month";
    stmt_more_clients(n) => "其余 {n} 户", "{n} more clients";
    stmt_more_clients_one(n) => "其余 {n} 户", "{n} more client";
    stmt_source_line(file, sha) => "数据来源：台账 {file}（SHA-256 {sha}…）；各项数字与当月工资汇总表一致。",
        "Source: ledger {file} (SHA-256 {sha}…); every figure is the pay register's.";
    stmt_header_right(id, period, year, month) => "{id} {year}年{month}月", "{id} {period}";
    statement_page_footer(page, pages) => "第 {page} 页，共 {pages} 页", "Page {page} of {pages}";

    // The review notice (考核结果通知书).
    notice_period_year(year, first, end) => "{year} 年度（{first} 至 {end}）", "year {year} ({first} to {end})";
    notice_period_quarter(year, q, first, end) => "{year} 年第 {q} 季度（{first} 至 {end}）", "{year} Q{q} ({first} to {end})";
    notice_target(name, target, rule) => "{name}目标 {target}（{rule}）", "{name} target {target} ({rule})";
    notice_requires(op, threshold, outcome, id) => "{op} {threshold} → {outcome}（{id}）", "{op} {threshold} → {outcome} ({id})";
    notice_requires_line(op, line, threshold, outcome, id) => "{op}{line} {threshold} → {outcome}（{id}）",
        "{op} {line} {threshold} → {outcome} ({id})";
    notice_requires_months(n, op, threshold, outcome, id) => "连续 {n} 个月{op} {threshold} → {outcome}（{id}）",
        "{op} {threshold} for {n} consecutive months → {outcome} ({id})";
    notice_bracketed(text) => "（{text}）", "({text})";
    notice_consecutive(name, months, op, t) => "{name}连续 {months} 个月{op} {t}", "{name} {op} {t} for {months} consecutive months";
    notice_tier_with_grade(name, grade) => "{name}（行员等级 {grade} 等）", "{name} (staff grade {grade})";
    notice_rm_line(id, name, period) => "客户经理编号：{id}　姓名：{name}　考核期间：{period}", "RM id: {id}   Name: {name}   Period: {period}";
    notice_partial_line(months) => "部分期间：缺少 {months} 的台账，各项数字只含有台账的月份",
        "Partial period: no ledger for {months}; the figures cover the months with one";
    notice_points(points) => "得分 {points} 分", "{points} points";
    notice_of_which(name) => "　其中：{name}", "  of which: {name}";
    notice_rule_outcome(when, outcome, id) => "{when} → {outcome}（{id}）", "{when} → {outcome} ({id})";
    notice_grade_tried(tier) => "对照等级：{tier}", "Grade: {tier}";
    notice_requires_items(need) => "办法要求（需满足 {need} 项）", "Required ({need} of the items)";
    notice_largest_client(client, value) => "，最大单户 {client} {value}", ", largest {client} {value}";
    notice_one_client_min(min, best) => "；单户 ≥ {min}{best}", "; one client ≥ {min}{best}";
    notice_pass_line_scope(from) => "（单户日均 {from} 及以上的客户）", " (clients from {from})";
    notice_veto(name, id) => "否决：{name}", "Disqualified: {id}";
    notice_source_line(policy, version, label, file) => "依据：{policy}（版本 {version}）；数字与 {label} 考核汇总表（{file}）一致。",
        "Under {policy} (version {version}); every figure is the review summary's ({file}).";

    // The ledger template (台账模板).
    tpl_policy_note(name, id, version) => "政策：{name}（{id} 版本 {version}）。“等级”列的下拉选项为该政策的等级。",
        "Policy: {name} ({id} version {version}). The `tier` column's list holds its tiers.";
    tpl_tip(what, required, example) => "{what}。{required}。例：{example}", "{what}. {required}. E.g. {example}";
    tpl_heading(zh_name, en_name, need, about_zh, about_en) => "{zh_name}（{en_name}）【{need}】{about_zh}",
        "{en_name} ({zh_name}) [{need}] {about_en}";
    tpl_allowed(shown, other) => "{shown}（或 {other}）", "{shown} (or {other})";

    // The compare workbook (方案对比).
    cmp_title(policy, period, old, new) => "{policy} {period} 办法对比 {old} → {new}", "{policy} {period} policy comparison {old} → {new}";

    // The review's JSON reasons: every grade tried, in words.
    review_grade_line(tier, verdict, parts) => "{tier} {verdict}（{parts}）", "{tier} {verdict} ({parts})";
    review_items_held(held, need, items) => "满足 {held} 项（需 {need} 项）：{items}",
        "items held: {held} ({need} needed): {items}";
    review_item_no_figure(item, min) => "{item} 无数据（标准 {min}）", "{item}: no figure ({min} needed)";
    review_pro_rated(year_min, months) => "（全年 {year_min} × {months} ÷ 12）", " (the year's {year_min} × {months} ÷ 12)";
    review_veto(name, facts, id) => "否决：{name}，{facts}（{id}）", "disqualified: {facts} ({id})";
    review_missing_metric(name, id, why) => "无数据：{name}（{why}）", "no figure for `{id}` ({why})";
    review_fact_month(name, op, threshold, list) => "{name}{op} {threshold} 的月份（{list}）", "{name} {op} {threshold} in {list}";
    review_fact_months(name, op, threshold, n, list) => "{name}{op} {threshold} 连续 {n} 个月（{list}）",
        "{name} {op} {threshold} for {n} consecutive months ({list})";
    review_fact_line(name, value, op, line, threshold) => "{name} {value}，{op}{line} {threshold}", "{name} {value}, {op} {line} {threshold}";
    review_fact(name, value, op, threshold) => "{name} {value}，{op} {threshold}", "{name} {value}, {op} {threshold}";
    review_hit(what, outcome, rule) => "{what} → {outcome}（{rule}）", "{what} → {outcome} ({rule})";
    review_bottom_n(score, n) => "综合得分 {score} 分，列后 {n} 名", "score {score}, among the last {n}";
    review_lapsed(on, years, until) => "任职资格 {on} 取得，有效期 {years} 年，至 {until} 已过期", "qualified on {on}, valid {years} years, lapsed on {until}";
    review_single_client(client, value, min) => "（单户 {client} {value} ≥ {min}）", " (one client, {client}: {value} ≥ {min})";
    review_items_count(held, need) => "满足 {held} 项（需 {need} 项）", "items held: {held} ({need} needed)";
    review_meets(tier) => "符合{tier}条件", "meets {tier}";
    review_does_not_meet(tier) => "不符合{tier}条件", "does not meet {tier}";
    review_grade_reason(verdict, parts, outcome, rule) => "{verdict}：{parts}{outcome}（{rule}）", "{verdict}: {parts}{outcome} ({rule})";
    review_figure_why(name, why) => "{name}（{why}）", "{name} ({why})";
    review_not_assessed_no(figures, rule) => "未考核：无{figures}（{rule}）", "not assessed: no {figures} ({rule})";
    review_new_base(base, how) => "新基数存款 {base}（{how}），超过部分为增量", "new base deposit {base} ({how}); anything above it is increment";
    review_peers_average(tier, peers) => "{tier} {peers} 人存款日均的平均数", "the average daily deposits of the {peers} RMs of {tier}";
    review_in_post(n) => "（在岗 {n} 个月）各项数字按在岗月份计", "(in post {n} months) figures cover those months";
    review_in_post_over_period(n) => "（在岗 {n} 个月）日均按考核期全部天数平均，不在岗的月份计 0", "(in post {n} months) daily averages over all the period's days, the months out of post as 0";
    review_probation(span, since, end, months, to, keep, rule) => "见习期未满{span}（入职 {since}，至 {end} 满 {months} 个月），不参与晋级（按考核业绩可晋升为{to}） → {keep}（{rule}）", "probation of {span} not served (started {since}, {months} whole months by {end}): not promoted (the figures would promote to {to}) → {keep} ({rule})";
    review_probation_years(n) => "{n}年", "{n} years";
    review_probation_months(n) => "{n}个月", "{n} months";
    review_held_of_needed(held, need) => "满足 {held} 项（需 {need} 项）", "{held}/{need}";

    // Console summaries.
    wrote(path) => "rmpay：已写入 {path}", "rmpay: wrote {path}";
    notices_written(count, dir) => "rmpay：{count} 份考核结果通知书已写入 {dir}", "rmpay: {count} notice(s) of the review's result in {dir}";
    wrote_unchanged(path) => "rmpay：已写入 {path}（档案未改动）", "rmpay: wrote {path} (the archive is unchanged)";
    errors_nothing_written(n) => "rmpay：{n} 个错误；未写入任何文件", "rmpay: {n} error(s); nothing was written";
    rmpay_nothing_written() => "rmpay：未写入任何文件", "rmpay: nothing was written";
    pay_summary(period, rms, net, gross, deductions, holdback, flags) =>
        "rmpay：{period} 客户经理 {rms} 人：应发合计 {gross} 元，扣款合计 {deductions} 元，风险金扣留 {holdback} 元，工资净额 {net} 元；异常事项 {flags} 项",
        "rmpay: {period} {rms} RMs, net pay {net} (gross {gross}, deductions {deductions}, risk deposit {holdback}); {flags} exception(s)";
    pay_summary_no_risk(period, rms, net, gross, deductions, flags) =>
        "rmpay：{period} 客户经理 {rms} 人：应发合计 {gross} 元，扣款合计 {deductions} 元，工资净额 {net} 元；异常事项 {flags} 项",
        "rmpay: {period} {rms} RMs, net pay {net} (gross {gross}, deductions {deductions}); {flags} exception(s)";
    pay_released(released, payout) => "rmpay：风险金退还 {released} 元；实发合计 {payout} 元",
        "rmpay: risk deposits released {released}; total paid {payout}";
    opening_state(what) => "rmpay：期初状态来源：{what}", "rmpay: opening state: {what}";
    carried_deposit(id, amount, why) => "rmpay：{id} 不在本月台账中：风险金 {amount} 元结转{why}",
        "rmpay: {id} is not in this month's ledger: risk deposit {amount} carried{why}";
    carried_due(left, due) => "（{left} 离岗，{due} 退还）", " (left on {left}, released in {due})";
    carried_unknown() => "（离岗日期不详：在台账标为离岗的月份退还）",
        " (no leaving date known: it is released in a month whose ledger lists the RM as left)";
    off_roster_released(id, left, amount) => "rmpay：{id} 已于 {left} 离岗，不在本月台账中：退还风险金 {amount}（已计入合计）",
        "rmpay: {id} left on {left} and is not in this month's ledger: risk deposit released {amount} (in the totals)";
    review_summary(label, partial, rms, promote, keep, demote, terminate) =>
        "rmpay：{label}{partial} 考核：客户经理 {rms} 人；晋升 {promote} 人，保持 {keep} 人，降级 {demote} 人，解聘 {terminate} 人",
        "rmpay: review {label}{partial}: {rms} RMs; promote {promote}, keep {keep}, demote {demote}, terminate {terminate}";
    preview_closed(period, root) => "rmpay：{period} 已在 {root} 结账：仅预览，未记录草稿",
        "rmpay: {period} is closed in {root}: previewed, no draft recorded";
    draft_recorded(sha, period, dir) => "rmpay：{period} 的工资草稿已记入 {dir}（草稿编号 {sha}）",
        "rmpay: draft {sha} of {period} recorded in {dir}";
    draft_same(sha, period) => "rmpay：输入与 {period} 现有的草稿相同（草稿编号 {sha}）：已有的签核仍然有效",
        "rmpay: draft {sha} of {period} is already the month's draft (same inputs): its sign-offs stand";
    draft_voids(old, title, office, name, date) =>
        "rmpay：本草稿替换了原草稿 {old}：{title}（{office}，{name}，{date}）的签核作废，请重新签核",
        "rmpay: this draft replaces draft {old}: the {title} ({office}) sign-off by {name} of {date} is void; sign it again";
    approved_close_this(period) => "rmpay：{period} 已审批，可以结账：`rmpay close` 结账的就是本草稿",
        "rmpay: {period} is approved: `rmpay close` closes this draft";
    approved_close_draft(period, draft) => "rmpay：{period} 已审批，可以结账：`rmpay close` 按草稿 {draft} 结账",
        "rmpay: {period} is approved: `rmpay close` closes draft {draft}";
    to_sign_before_close(steps, root, period) =>
        "rmpay：结账前还须签核：{steps}；签核用 `rmpay sign --archive {root} --period {period} --step 环节 --name 姓名`",
        "rmpay: to sign before the close: {steps} (`rmpay sign --archive {root} --period {period} --step STEP --name NAME`)";
    step_office(name, office) => "{name}（{office}）", "{name} ({office})";
    closed_in(period, dir, policy, version, sha) =>
        "rmpay：{period} 已结账，存于 {dir}（政策 `{policy}` {version}，清单 SHA-256 {sha}）",
        "rmpay: closed {period} in {dir} (policy `{policy}` {version}, manifest SHA-256 {sha})";
    signoff_line(title, office, name, date) => "rmpay：{title}（{office}）{name} {date}",
        "rmpay: {title} ({office}) {name} {date}";
    closed_head(period, head) => "{period} 已结账；档案校验码 SHA-256 {head}", "{period} closed; archive head SHA-256 {head}";
    write_head(root, head) => "rmpay：请把档案校验码抄在签核单上；日后用 `rmpay verify --archive {root} --head {head}` 可核对档案是否被改动",
        "rmpay: write the head on the signed form; `rmpay verify --archive {root} --head {head}` checks the archive against it";
    still_to_sign_after(steps) => "rmpay：结账后还须签核：{steps}", "rmpay: still to sign after the close: {steps}";
    signed_as_of_today(today) => "rmpay：未给 --date，签核日期记为今天 {today}", "rmpay: no --date given: signed as of today, {today}";
    signed(period, step, office, name, date, draft, entry, log) =>
        "rmpay：{period} {step}（{office}）已由 {name} 于 {date} 签核，草稿编号 {draft}（记于 {log} 第 {entry} 条）",
        "rmpay: {period} {step} ({office}) signed by {name} on {date} for draft {draft} (entry {entry} of {log})";
    signed_head(period, step, head) => "{period} {step} 已签核；档案校验码 SHA-256 {head}", "{period} {step} signed; archive head SHA-256 {head}";
    next_step(name, office) => "rmpay：下一步：{name}（{office}）", "rmpay: next: {name} ({office})";
    compare_summary(period, new_id, new_v, old_id, old_v, gross_old, gross_new, diff, net_old, net_new) =>
        "rmpay：{period} 按测算方案 `{new_id}` {new_v}（现行 `{old_id}` {old_v}）：应发合计 {gross_old} → {gross_new}（{diff}），工资净额 {net_old} → {net_new}",
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
        "rmpay：{period} 代发文件共 {n} 笔，合计 {total} 元（工资汇总表实发合计 {register} 元）；格式按该月存档的政策 `{policy}` {version}",
        "rmpay: pay-out file for {period}: {n} payment(s), total {total} (the register's total paid {register}); policy `{policy}` {version} as archived";
    version_archived(period, version, dir, replaces, old, new) =>
        "rmpay：{period} 第 {version} 版已存档于 {dir}（替换第 {replaces} 版；实发合计 {old} 元 → {new} 元）",
        "rmpay: {period} version {version} archived in {dir} (replaces version {replaces}; total paid {old} → {new})";
    to_pay_next(rm, amount, lines) => "rmpay：{rm}：下一个未结账月份补发 {amount} 元（{lines} 行）",
        "rmpay: {rm}: to pay {amount} in the next open month ({lines} line(s))";
    to_recover_next(rm, amount, lines) => "rmpay：{rm}：下一个未结账月份扣回 {amount} 元（{lines} 行）",
        "rmpay: {rm}: to recover {amount} in the next open month ({lines} line(s))";
    next_open_carries(period, root) =>
        "rmpay：{period} 是下一个未结账月份，其工资计算（`rmpay payroll --archive {root} …`）将带入各项调整；请把档案校验码抄在签核单上",
        "rmpay: {period} is the next open month: its payroll (`rmpay payroll --archive {root} …`) carries the adjustments; write the head on the form";
    restated(period, head) => "{period} 已更正；档案校验码 SHA-256 {head}", "{period} restated; archive head SHA-256 {head}";
    missing_from_archive(path) => "{path}：档案中没有", "{path}: missing from the archive";
    inputs_match(label, names) => "{label}：档案中的输入文件与清单一致（{names}）", "{label}: the archived inputs match the manifest ({names})";
    identical(label) => "{label}：重算结果与存档一致", "{label}: identical";
    identical_but_input_changed(label) => "{label}：重算结果一致，但档案中的输入文件已改动", "{label}: the outputs recomputed are identical, but an archived input has changed";
    files_differ(label, n) => "{label}：{n} 个文件与档案不一致", "{label}: {n} file(s) differ from the archive";
    archive_busy(root, wait) => "rmpay：{root} 正被另一个 rmpay 写入；最多等待 {wait} 秒",
        "rmpay: {root} is busy: another rmpay is writing to it; waiting up to {wait} s";
    period_version(period, version) => "{period} 第 {version} 版", "{period} version {version}";
    cell_differs(at, was, now) => "{at}：存档为 `{was}`，重算为 `{now}`", "{at}: archived `{was}`, recomputed `{now}`";
    same_cells(path) => "{path}：单元格相同，字节不同（格式或属性）", "{path}: same cells, different bytes (formatting or properties)";
    lines_differ(path, old, new) => "{path}：存档 {old} 行，重算 {new} 行", "{path}: {old} lines archived, {new} recomputed";
    chain_intact(path, n, first, last, head) => "{path}：共 {n} 个月（{first} 至 {last}），哈希链完整；最新清单 SHA-256 {head}",
        "{path}: {n} period(s) {first}…{last}, hash chain intact; head manifest SHA-256 {head}";
    versions_in_force(path, period, all, in_force, dir) => "{path}：{period} 有第 {all} 版；现行为第 {in_force} 版（{dir}）",
        "{path}: {period} has versions {all}; version {in_force} is in force ({dir})";
    signed_after_close(path, period, head) => "{path}：{period} 结账后另有签核；签核记录 SHA-256 {head}",
        "{path}: {period} has steps signed after its close; sign-off log head SHA-256 {head}";
    more_cells(path, n) => "{path}：……另有 {n} 个单元格", "{path}: … and {n} more cells";
    cannot_read_archived(path, e) => "{path}：无法读取档案中的工作簿：{e}", "{path}: cannot read the archived workbook: {e}";
    problems(path, n) => "{path}：{n} 个问题", "{path}: {n} problem(s)";
    head_matches(path, m) => "{path}：所给档案校验码与 {m} 相符", "{path}: the head given matches {m}";
    review_uses(label, used, aside) => "rmpay：{label} 考核使用 {used}；{aside} 的台账不在本期，未用",
        "rmpay: review {label} uses {used}; the ledgers of {aside} are set aside";
    month_file(period, file) => "{period}（{file}）", "{period} ({file})";
    empty_archive(path) => "{path}：档案为空", "{path}: empty archive";
}

/// The trace's words: the engine writes each figure's formula and inputs
/// in English; a Chinese book, pay JSON or `explain` shows
/// them through this table, English phrase → Chinese, the longest phrase
/// first. The figures' ids are named apart (metrics by the vocabulary,
/// pay lines and tiers by the policy): see `report::TraceWords`.
pub const TRACE_PHRASES: &[(&str, &str)] = &[
    // Formulas.
    (": counted as 100% by the policy", "：按政策计为 100%"),
    (": counted as 0 by the policy", "：按政策计为 0"),
    (": not assessed by the policy", "：按政策不予考核"),
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
    (
        "last year's fee income (baseline) × ",
        "上年中间业务收入（上年基数表，全年）× ",
    ),
    (
        "Σ (base deposit × days) of branch ",
        "Σ（基数存款 × 天数），支行 ",
    ),
    (
        "Σ last year's fee income of the members of branch ",
        "Σ 成员上年中间业务收入，支行 ",
    ),
    (
        "the head's row carries the branch's base deposit",
        "行长本人一行的基数存款即全支行基数",
    ),
    (
        "the head's row carries the branch's fee income of last year",
        "行长本人一行的上年中间业务收入即全支行上年数",
    ),
    (
        "no figure, no fees this period: 0",
        "无上年数据，本期亦无中间业务收入：计 0",
    ),
    (
        "no figure, fees this period ",
        "无上年数据，本期中间业务收入 ",
    ),
    (" base deposit × days", " 基数存款 × 天数"),
    ("no figure", "无数据"),
    ("Σ daily balances of branch ", "Σ 全支行日余额，支行 "),
    (
        "Σ (Counted balance sum × Share) of its rows of the client detail file",
        "Σ 其在客户明细文件中各行的（计入余额合计 × 分成比例）",
    ),
    (
        "Σ (Counted balance sum × Share)",
        "Σ（计入余额合计 × 分成比例）",
    ),
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
    (
        "left before the month began (left_on ",
        "本月前已离岗（离岗日期 ",
    ),
    ("): nothing paid", "）：不发放"),
    ("left_on", "离岗日期"),
    ("amount", "金额"),
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
    (" (the year's target ", "（全年目标 "),
    (" ÷ 12: review.quarter_targets)", " ÷ 12，按考核期折算）"),
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
    (
        "Σ clients' last-year daily average × Σ (share × days held) ÷ ",
        "Σ 各客户上年存款日均 × Σ（分成比例 × 管户天数） ÷ ",
    ),
    ("last year's deposits", "上年同期存款日均"),
    (" last year", " 上年存款日均"),
    ("carried losses", "前期待扣损失"),
    ("carried from", "结转自"),
    ("Σ (deduction due − deducted)", "Σ（应扣 − 已扣）"),
    ("gross left", "应发余额"),
    ("balance from", "余额来源"),
    ("tier_median_gross", "同等级应发中位数"),
    // The tier's key in the policy, named as it is (`base_deposit`).
    ("` base_deposit", "` 的 `base_deposit`"),
    (" base deposit", " 基数存款"),
    ("policy tier", "政策等级"),
    ("none in the ledger or the policy", "台账与办法均未规定"),
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
    (", interest ", "，利息（实收/应收） "),
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
        "loss_carried_forward" => ("结转以后月份扣回的损失", "losses carried to later months"),
        "deposit_prior" => ("上年同期存款日均", "last year's deposits"),
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
    const ZH_MAY_SAY: &[&str] = &["rmpay", "SHA", "state", "json", "date", "demand", "Excel"];

    /// Chinese an English text may hold: the ledger's own headers and
    /// words, which it quotes so the user finds them in the workbook, and
    /// the blanks a printed form leaves to write on.
    const EN_MAY_QUOTE: &[&str] = &[
        "上年中间业务收入",
        "上年存款日均",
        "上年正常贷款占比",
        "营销起始日期",
        "考试成绩",
        "资格取得日期",
        "万元",
        "合计",
        "小计",
        "总计",
        "活期",
        "＿",
        // A date form the user types (`--date`).
        "2026年11月7日",
    ];

    #[test]
    fn every_text_has_both_languages() {
        for (key, zh, en) in LABELS
            .iter()
            .chain(MESSAGES)
            .chain(ledger::SAYS)
            .chain(policy::SAYS)
            .chain(archive::SAYS)
            .chain(archive::io_sentences::SAYS)
            .chain(run::SAYS)
            .chain(trust::SAYS)
        {
            assert!(has_cjk(zh), "{key}: the Chinese text has no Chinese: {zh}");
            let unquoted = EN_MAY_QUOTE
                .iter()
                .fold(en.to_string(), |s, q| s.replace(q, ""));
            assert!(
                !has_cjk(&unquoted),
                "{key}: the English text has Chinese: {en}"
            );
            // Arguments (`{period}`), commands quoted in backticks and
            // command lines (`rmpay check --policy`) are not words of the
            // text.
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
            let mut command = false;
            let words: Vec<&str> = words
                .split(|c: char| c.is_whitespace() || !c.is_ascii())
                .filter(|t| !t.is_empty())
                .filter(|t| {
                    let shown = !command && !t.starts_with("--");
                    command = *t == "rmpay";
                    shown
                })
                .collect();
            for w in words
                .iter()
                .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
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
            .chain(DETAIL_FILE_COLUMNS)
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
