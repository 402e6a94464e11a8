//! Diagnostic sentences: Reading and checking a policy, and its pay-out file definition.
//!
//! Keys of the policy stay as written, in backticks (`deposit_targets`,
//! `[[scores.items]]`), and so do the words the policy may write (tier and
//! metric ids, the words of an enumeration): they are looked up as given.
//! Positions are `line:column` in English and 第 N 行第 M 列 in Chinese.

pub use super::{each as in_each, list as joined};
pub use crate::diag::hint;

use super::{Lang, Msg};

says! {
    // Pieces of sentences.
    at_line_col(line, column) => "第 {line} 行第 {column} 列", "{line}:{column}";
    type_string() => "字符串", "a string";
    type_integer() => "整数", "an integer";
    type_float() => "小数", "a float";
    type_boolean() => "布尔值", "a boolean";
    type_datetime() => "日期时间", "a date-time";
    type_array() => "数组", "an array";
    type_table() => "表", "a table";
    type_number() => "数字", "a number";
    type_date() => "日期（`YYYY-MM-DD`）", "a date (YYYY-MM-DD)";
    type_numbers() => "数字表", "a table of numbers";
    type_other() => "其他类型", "another type";
    one_of(words) => "{words} 之一", "one of {words}";

    // What serde found, by its own words (`integer `5``).
    found_boolean(v) => "布尔值 `{v}`", "boolean `{v}`";
    found_integer(v) => "整数 `{v}`", "integer `{v}`";
    found_float(v) => "小数 `{v}`", "floating point `{v}`";
    found_char(v) => "字符 `{v}`", "character `{v}`";
    found_string(v) => "字符串「{v}」", "string \"{v}\"";

    // Reading the file.
    cannot_read_policy(e) => "无法读取政策文件：{e}", "cannot read the policy: {e}";
    not_found() => "文件或文件夹不存在", "No such file or directory";
    permission_denied() => "没有读取权限", "Permission denied";
    not_a_folder() => "不是文件夹", "Not a directory";
    a_folder() => "是文件夹，不是文件", "Is a directory";
    not_utf8(byte) => "政策文件不是 `UTF-8` 文本：第一个无法识别的字节为 {byte}（请将文件另存为 `UTF-8` 编码）",
        "the policy is not UTF-8 text: byte {byte} (save the file as UTF-8)";
    syntax(what) => "语法错误：{what}", "{what}";
    syntax_expected(what, expected) => "语法错误：{what}（此处应为{expected}）", "{what}, expected {expected}";
    syntax_other(detail) => "语法错误：「{detail}」", "{detail}";

    // The TOML reader's words (the English is the reader's own).
    toml_unquoted() => "文字须用英文双引号括起来", "string values must be quoted";
    toml_duplicate_key() => "键重复", "duplicate key";
    toml_carriage_return() => "回车符后须紧跟换行符", "carriage return must be followed by newline";
    toml_missing_opening_quote() => "缺少开头的引号", "missing opening quote";
    toml_missing_comma_array() => "数组元素之间缺少逗号", "missing comma between array elements";
    toml_signed_radix() => "带进制前缀的整数不能带正负号", "integers with a radix cannot be signed";
    toml_radix_lowercase() => "进制前缀须为小写", "radix must be lowercase";
    toml_missing_assignment() => "键值对之间缺少等号", "missing assignment between key-value pairs";
    toml_leading_zero() => "数字不能以 0 开头", "unexpected leading zero";
    toml_unclosed_array_table() => "表数组的标题没有闭合", "unclosed array table";
    toml_missing_inline_key() => "内联表的元素缺少键", "missing key for inline table element";
    toml_missing_inline_open() => "缺少内联表的左花括号", "missing inline table opening";
    toml_missing_escape() => "转义符后缺少字符", "missing escaped value";
    toml_missing_array_open() => "缺少数组的左方括号", "missing array opening";
    toml_invalid_unquoted_key() => "不加引号的键含有无效字符", "invalid unquoted key";
    toml_too_deep() => "嵌套层数过多", "cannot recurse further; max recursion depth met";
    toml_key_multiline_literal() => "键不能是多行字面字符串", "keys cannot be multi-line literal strings";
    toml_key_multiline_basic() => "键不能是多行字符串", "keys cannot be multi-line basic strings";
    toml_empty_key() => "不加引号的键不能为空", "unquoted keys cannot be empty";
    toml_unexpected_sign() => "此处不能有正负号", "unexpected sign";
    toml_unexpected_key_or_value() => "此处不应有键或值", "unexpected key or value";
    toml_unexpected_content() => "此处有多余的内容", "unexpected content";
    toml_content_after_comment() => "注释与换行之间有多余的内容", "unexpected content between comment and newline";
    toml_equals_in_array() => "数组中不能有等号", "unexpected `=` in array";
    toml_unclosed_table() => "表的标题没有闭合", "unclosed table";
    toml_unclosed_inline_table() => "内联表没有闭合", "unclosed inline table";
    toml_unclosed_array() => "数组没有闭合", "unclosed array";
    toml_few_unicode_digits() => "`\\u` 转义后的十六进制位数不足", "too few unicode value digits";
    toml_redundant_sign() => "正负号重复", "redundant numeric sign";
    toml_redundant_prefix() => "进制前缀重复", "redundant integer number prefix";
    toml_missing_value() => "缺少值", "missing value";
    toml_missing_value_for_key() => "键缺少值", "missing value for key";
    toml_missing_table_open() => "缺少表标题的左方括号", "missing table open";
    toml_missing_comment_start() => "缺少注释符", "missing comment start";
    toml_missing_comma_pairs() => "键值对之间缺少逗号", "missing comma between key-value pairs";
    toml_key_without_value() => "键没有值", "key with no value";
    toml_invalid_value() => "值无效", "invalid value";
    toml_invalid_pair() => "键值对无效", "invalid key-value pair";
    toml_invalid_inline_element() => "内联表的元素无效", "invalid inline table element";
    toml_invalid_comment_char() => "注释中有无效字符", "invalid comment character";
    toml_extra_comma_inline() => "内联表中多了逗号", "extra comma in inline table";
    toml_extra_comma_array() => "数组中多了逗号", "extra comma in array";
    toml_extra_assignment() => "键值对之间多了等号", "extra assignment between key-value pairs";
    toml_extra_equals() => "多了等号", "extra `=`";
    toml_underscore() => "下划线只能写在两个数字之间", "`_` may only go between digits";
    toml_invalid_literal_string() => "单引号字符串无效", "invalid literal string";
    toml_invalid_multiline_literal() => "多行单引号字符串无效", "invalid multi-line literal string";
    toml_invalid_basic_string() => "字符串无效", "invalid basic string";
    toml_invalid_multiline_basic() => "多行字符串无效", "invalid multi-line basic string";
    toml_invalid_string() => "字符串无效", "invalid string";
    toml_invalid_boolean() => "布尔值无效", "invalid boolean";
    toml_invalid_datetime() => "日期时间无效", "invalid date-time";
    toml_invalid_float() => "小数无效", "invalid float";
    toml_invalid_integer() => "整数无效", "invalid integer number";
    toml_invalid_hex() => "十六进制数无效", "invalid hexadecimal number";
    toml_invalid_octal() => "八进制数无效", "invalid octal number";
    toml_invalid_binary() => "二进制数无效", "invalid binary number";
    toml_no_memory() => "内存不足，无法读取字符串", "could not allocate for string";
    toml_too_deep_keys() => "键的嵌套层数过多", "recursion limit";
    toml_extend_array() => "不能用带点的键扩充数组", "cannot extend value of type array with a dotted key";
    toml_extend_inline_table() => "不能用带点的键扩充内联表", "cannot extend value of type inline table with a dotted key";
    toml_extend(kind) => "不能用带点的键扩充{kind}", "cannot extend value of type {kind} with a dotted key";
    // What the reader expected there.
    toml_newline() => "换行", "newline";
    toml_nothing() => "无", "nothing";
    toml_digits() => "数字", "digits";
    toml_key() => "键", "key";
    toml_value() => "值", "value";
    toml_literal_string() => "单引号字符串", "literal string";
    toml_basic_string() => "字符串", "basic string";
    toml_multiline_basic() => "多行字符串", "multi-line basic string";
    toml_chars() => "字符", "characters";
    toml_printable() => "可打印字符", "printable characters";
    toml_unicode_hex() => "十六进制字符码", "unicode hexadecimal value";
    toml_letters() => "字母", "letters";
    toml_numbers() => "数字", "numbers";
    toml_unquoted_string() => "不加引号的文字", "unquoted string";
    toml_non_single_quote() => "单引号以外的字符", "non-single-quote characters";
    toml_non_single_quote_visible() => "单引号以外的可见字符", "non-single-quote visible characters";
    toml_non_double_quote_visible() => "双引号以外的可见字符", "non-double-quote visible characters";

    // Tables and keys.
    unknown_key(key, hint) => "未知的键 `{key}`{hint}", "unknown key `{key}`{hint}";
    not_for_kind(key, kind) => "未知的键 `{key}`：{kind}不使用此键", "unknown key `{key}`: it does not apply to {kind}";
    kind_is(kind) => "设为 {kind} 时", "{kind}";
    group_of_conditions() => "条件组（`all` 或 `any`）", "a group of conditions (`all` or `any`)";
    must_be_table(key, found) => "`{key}` 应为表，实为{found}", "`{key}` must be a table, found {found}";
    must_be_array_of_tables(key, found) => "`{key}` 应为表数组，实为{found}", "`{key}` must be an array of tables, found {found}";
    must_hold_tables(key, found) => "`{key}` 的元素应为表，实为{found}", "`{key}` must hold tables, found {found}";
    must_be(key, expected, found) => "`{key}` 应为{expected}，实为{found}", "`{key}` must be {expected}, found {found}";
    bad_value(key, detail) => "`{key}` 的值有误：「{detail}」", "`{key}`: {detail}";
    missing_key(key) => "缺少 `{key}`", "missing `{key}`";
    promotes_from_top(rule, tier) =>
        "`{rule}` 晋升等级 `{tier}` 的人员，但没有 `to`：`{tier}` 已是其岗位的最高等级，没有更高的等级可晋升（请在 `to` 中写明晋升到的等级，或从 `tiers` 中去掉 `{tier}`）",
        "`{rule}` promotes tier `{tier}` and has no `to`: `{tier}` is the highest tier of its role, with none above it to promote to (name the tier in `to`, or leave `{tier}` out of `tiers`)";
    missing_key_what(key, what) => "缺少 `{key}`（{what}）", "missing `{key}` ({what})";
    missing_tiers() => "缺少 `[[tiers]]`：政策至少要有一个等级", "missing `[[tiers]]`: a policy needs at least one tier";
    missing_policy_table() => "缺少 `[policy]` 表（`id`、`name`、`version`）", "missing `[policy]` table (id, name, version)";
    missing_expect(key) => "缺少 `{key}`（`decision`、`tier` 或 `score`）", "missing `{key}` (decision, tier or score)";

    // Numbers.
    not_a_number(key, found) => "`{key}` 应为数字，实为{found}", "`{key}` must be a number, found {found}";
    too_big(key, text) => "`{key}` 的绝对值应小于 10^15（千万亿），实为 `{text}`", "`{key}` must be less than 10^15 in size, found `{text}`";
    not_exact(key, text) => "`{key}` 应为十进制数字（如 0.2 或 5000），实为 `{text}`", "`{key}` must be an exact decimal number, found `{text}`";
    int_range(key, low, high, text) => "`{key}` 应在 {low} 到 {high} 之间，实为 {text}", "`{key}` must be between {low} and {high}, found {text}";
    not_an_integer(key, found) => "`{key}` 应为整数，实为{found}", "`{key}` must be an integer, found {found}";
    negative(what, x) => "{what} 不能为负数，实为 {x}", "{what} must not be negative, found {x}";
    not_a_fraction(what, x, pct) => "{what} 应为 0 到 1 之间的小数（20% 写作 0.20），实为 {x}（即 {pct}）",
        "{what} must be a fraction between 0 and 1 (20% is 0.20), found {x}";
    rate_ceiling(what, ceiling, x) => "{what} 不能超过 {ceiling} 元（每 `per` 单位指标），实为 {x} 元",
        "{what} must be at most {ceiling} (yuan per `per` units of the metric), found {x}";
    money_ceiling(what, ceiling, x) => "{what} 不能超过 {ceiling} 元，实为 {x} 元", "{what} must be at most {ceiling} yuan, found {x}";
    points_ceiling(what, ceiling, x) => "{what} 不能超过 {ceiling} 分，实为 {x} 分", "{what} must be at most {ceiling} points, found {x}";
    per_floor(what, x) => "{what} 不能小于 1（单价按每 `per` 单位指标计），实为 {x}",
        "{what} must be at least 1 (the rate is quoted per `per` units of the metric), found {x}";
    multiple_range(what, ceiling, x) => "{what} 应在 1 到 {ceiling} 倍之间，实为 {x}", "{what} must be between 1 and {ceiling}, found {x}";
    step_positive(x) => "`step` 应大于 0，实为 {x}", "`step` must be greater than 0, found {x}";
    cap_up_sign(x) => "`cap_up` 是最多加的分，应 ≥ 0，实为 {x}", "`cap_up` is the most points added and must be ≥ 0, found {x}";
    cap_down_sign(x) => "`cap_down` 是最多扣的分，应 ≤ 0，实为 {x}（请写作 -{x}）",
        "`cap_down` is the most points taken away and must be ≤ 0, found {x} (write -{x})";
    below_above_min(below, min) => "`below` {below} 应大于 `min` {min}", "`below` {below} must be greater than `min` {min}";
    score_total_differs(total, tier, sum, parts) => "评分 `total` 为 {total} 分，但等级 `{tier}` 适用的评分项满分合计为 {sum} 分（{parts}）：请使两者一致（`total` 是各项满分之和，调整前）",
        "score `total` is {total} points, but the components that apply to tier `{tier}` have {sum} full points ({parts}): make them agree (`total` is the sum of the components' full points, before adjustments)";
    consecutive_longer_than_review(path, months, period, have) => "`{path}` 要求连续 {months} 个月，但 {period} 的考核只有 {have} 个月：该规则在此考核中永远不会成立。请按全年考核，或把月数改为不超过 {have}",
        "`{path}` asks for {months} months running, but the review of {period} has {have} months: the rule could never hold in it. Review the whole year, or make the months at most {have}";
    need_more_than_items(need, items) => "`need` 为 {need}，但只列了 {items} 个条件项", "`need` is {need} but only {items} criteria items are listed";

    // Words, dates, references.
    unknown_word(key, words, text, hint) => "`{key}` 应为 {words} 之一，实为 `{text}`{hint}",
        "`{key}` must be one of {words}, found `{text}`{hint}";
    unknown_product(text, hint) => "未知的产品 `{text}`：应为 `demand`、`time` 或 `agreement`{hint}",
        "unknown product `{text}`: expected `demand`, `time` or `agreement`{hint}";
    not_a_date(key, found) => "`{key}` 应为日期（`YYYY-MM-DD`），实为{found}", "`{key}` must be a date (YYYY-MM-DD), found {found}";
    not_a_date_text(key, text) => "`{key}` 应为日期（`YYYY-MM-DD`），实为 `{text}`", "`{key}` must be a date (YYYY-MM-DD), found `{text}`";
    until_before_from(until, from) => "`effective_until` {until} 早于 `effective_from` {from}",
        "`effective_until` {until} is before `effective_from` {from}";
    defined_twice(what, id, at) => "{what} `{id}` 重复定义（首次定义在{at}）", "{what} `{id}` is defined twice (first at {at})";
    what_tier() => "等级", "tier";
    tier_spelled_twice(spelling, other, at, tier) =>
        "`{spelling}` 已是等级 `{other}` 的写法（{at}），不能再用作等级 `{tier}` 的：台账的“等级”列将无法区分这两个等级",
        "`{spelling}` already names tier `{other}` (at {at}) and cannot also name tier `{tier}`: the ledger's tier column could not tell them apart";
    unpaid_tier(tier) => "等级 `{tier}` 不在任何工资项目（`[[pay.lines]]`）的 `tiers` 中：该等级的客户经理每月应发为 0；请把它加入发放给它的工资项目的 `tiers`（确实不由本办法发放的，可为它设一项 `kind = \"fixed\"`、金额为 0 的工资项目）",
        "tier `{tier}` is in no pay line's `tiers` (`[[pay.lines]]`): its RMs would be paid 0 every month; add it to the `tiers` of the lines that pay it (a tier paid elsewhere can have a `kind = \"fixed\"` line of 0)";
    what_pay_line() => "工资项目", "pay line";
    what_flag() => "异常检查", "flag";
    what_review_rule() => "考核规则", "review rule";
    what_disqualifier() => "否决条件", "disqualifier";
    what_workflow_step() => "签核环节", "workflow step";
    unknown_tier(what, tier, hint) => "{what} 中的等级 `{tier}` 不存在{hint}", "{what} names unknown tier `{tier}`{hint}";
    unknown_metric(metric, extra) => "未知的指标 `{metric}`{extra}", "unknown metric `{metric}`{extra}";
    review_figure() => "（这是考核期的指标，不是月度指标）", " (it is a review figure, not a monthly one)";
    unknown_disqualifier(name, hint) => "`disqualifiers` 中的 `{name}` 未在任何 `[[review.disqualifiers]]` 中定义{hint}",
        "`disqualifiers` names `{name}`, which no `[[review.disqualifiers]]` defines{hint}";
    component_twice(id, tier, at) => "评分项目 `{id}` 对等级 `{tier}` 重复适用（首次在{at}）",
        "score component `{id}` applies to tier `{tier}` twice (first at {at})";

    // Pay, the risk deposit, scores.
    fixed_needs_amount(key) => "`{key}` 为固定金额（`kind = \"fixed\"`），须给出 `amount` 或 `amounts`",
        "`{key}` of kind `fixed` needs `amount` or `amounts`";
    rate_needs_rate(key) => "`{key}` 按单价计（`kind = \"rate\"`），须给出 `rate` 或 `rates`",
        "`{key}` of kind `rate` needs `rate` or `rates`";
    risk_without_cap() => "设了 `risk_deposit`，但没有任何等级设 `risk_deposit_cap`",
        "`risk_deposit` is set but no tier has a `risk_deposit_cap`";
    band_max_and_below() => "一档只能有 `max`（≤）或 `below`（<）之一，不能两者都有",
        "a band has `max` (≤) or `below` (<), not both";
    band_never_matches() => "此档永远不会命中：前面有一档没有上限，已涵盖所有数值",
        "this band can never match: an earlier band has no bound and catches every value";
    bands_must_rise(bound, previous, at) => "各档上限须逐档递增：此档上限 {bound} 低于上一档的 {previous}（{at}），两档重叠",
        "bands must rise: this bound {bound} is below the previous band's bound {previous} (at {at}), so the two overlap";

    // The sign-off workflow.
    workflow_without_steps() => "`[workflow]` 至少需要一个 `[[workflow.steps]]`", "`[workflow]` needs at least one `[[workflow.steps]]`";
    empty_step_text() => "签核环节的此项不能为空", "a workflow step needs a non-empty text here";
    unknown_step(name, hint) => "`workflow.close_after` 中的 `{name}` 未在任何 `[[workflow.steps]]` 中定义{hint}",
        "`workflow.close_after` names `{name}`, which no `[[workflow.steps]]` defines{hint}";

    // The pay-out file (`[payout]`).
    template_unclosed(key, text) => "`{key}` 中的 `{{` 没有对应的 `}}`：`{text}`", "`{key}` has a `{{` without its `}}`: `{text}`";
    template_unknown_field(key, field, fields, hint) => "`{key}` 中的字段 `{field}` 不存在：可用的字段为 {fields}{hint}",
        "`{key}` names unknown field `{field}`: expected {fields}{hint}";
    not_in_gbk(key, c) => "`{key}` 含有 `{c}`，`GBK` 编码无法写入此字符", "`{key}` holds `{c}`, which the GBK encoding cannot write";
    bad_delimiter(text) => "`payout.delimiter` 应为一个字符，且不能是引号或换行符，实为 `{text}`",
        "`payout.delimiter` must be one character other than a quote or a line end, found `{text}`";
    only_for_format(key, format) => "`{key}` 仅适用于 `format = \"{format}\"`", "`{key}` applies to `format = \"{format}\"` only";
    bad_sheet_name(text) => "`payout.sheet` 应为工作表名：1 至 31 个字符，不能含 `[]:*?/\\`，实为 `{text}`",
        "`payout.sheet` must be a worksheet name: 1 to 31 characters, none of []:*?/\\, found `{text}`";
    missing_columns() => "缺少 `payout.columns`：代发文件至少需要账号、户名和金额",
        "missing `payout.columns`: the file needs at least the account, name and amount";
    unknown_payout_column(text, words, hint) => "未知的代发列 `{text}`：应为 {words} 之一{hint}",
        "unknown pay-out column `{text}`: expected one of {words}{hint}";
    field_and_value(key) => "`{key}` 同时有 `field` 和 `value`：一列只能取其一", "`{key}` has both `field` and `value`: a column holds one";
    field_or_value(key) => "缺少 `{key}.field`（该列的内容）或 `{key}.value`（固定文字）",
        "missing `{key}.field` (what the column holds) or `{key}.value` (a fixed text)";
    no_such_column(name) => "`payout.columns` 没有 `{name}` 列：每笔代发都需要账号、户名和金额",
        "`payout.columns` has no `{name}` column: a payment needs the account, its name and the amount";
    missing_control() => "缺少 `[payout.control]`：即银行据以核对笔数和总金额的汇总记录",
        "missing `[payout.control]`: the record with the count and total the bank checks the file against";
    missing_control_at() => "缺少 `payout.control.at`（`header` 或 `trailer`）", "missing `payout.control.at` (`header` or `trailer`)";
    control_lacks_count() => "`payout.control.fields` 须给出代发的笔数 `{{count}}`", "`payout.control.fields` must give the `{{count}}` of the payments";
    control_lacks_total() => "`payout.control.fields` 须给出代发的总金额 `{{total}}`", "`payout.control.fields` must give the `{{total}}` of the payments";
    too_few_places(scale, n) => "`payout.amount_places` 不能少于政策金额的小数位数（{scale}），实为 {n}：金额会被舍入",
        "`payout.amount_places` must be at least the policy's money places ({scale}), found {n}: amounts would be rounded";

    // Choosing the version in force (`--rules`).
    cannot_read_rules(e) => "无法读取政策目录：{e}", "cannot read the rules directory: {e}";
    in_force_range(from, until) => "{from} 至 {until}", "{from} to {until}";
    versions_overlap(id, version, range, other, other_range, file) =>
        "政策 `{id}` 版本 {version}（{range}）与 {file} 中的版本 {other}（{other_range}）有效期重叠：同一日期只能有一个版本生效",
        "policy `{id}` version {version} ({range}) overlaps version {other} ({other_range}) in {file}: two versions may not cover the same date";
    version_listed(id, version, range) => "`{id}` {version}（{range}）", "`{id}` {version} ({range})";
    versions_are(list) => "；现有版本：{list}", "; versions: {list}";
    no_version_in_force(bank, day, versions) => "政策 `{bank}` 没有在 {day} 生效的版本{versions}",
        "no version of policy `{bank}` is in force on {day}{versions}";
    no_policy_in_force(day, versions) => "{day} 没有生效的政策{versions}", "no policy is in force on {day}{versions}";
    several_in_force(day, ids) => "{day} 有多个政策生效（{ids}）：请用 `--bank` 选定其一",
        "several policies are in force on {day} ({ids}): choose one with --bank";

    // The policy's worked examples (`[[examples]]`).
    example_failed(name, wrong, why) => "算例 `{name}` 与预期不符：{wrong}{why}", "example `{name}` expected {wrong}{why}";
    example_decision(want_name, want, got_name, got) => "决定应为{want_name}（`{want}`），实为{got_name}（`{got}`）",
        "decision `{want}`, got `{got}`";
    example_tier(want_name, want, got_name, got) => "等级应为{want_name}（`{want}`），实为{got_name}（`{got}`）",
        "tier `{want}`, got `{got}`";
    example_no_tier(want_name, want) => "等级应为{want_name}（`{want}`），实际没有等级", "tier `{want}`, got `none`";
    example_score(want, got) => "得分应为 {want}，实为 {got}", "score {want}, got {got}";
    example_no_score(want) => "得分应为 {want}，实际没有得分", "score {want}, got none";
    example_fired(rules) => "；触发的规则：{rules}", "; rules that fired: {rules}";
    example_rule(rule, detail) => "{rule}（{detail}）", "{rule} ({detail})";
}

/// `a` followed by `b`, in each language.
pub fn cat(a: Msg, b: &Msg) -> Msg {
    in_each(|l| Msg::verbatim(format!("{}{}", a.get(l), b.get(l))))
}

/// `` `a`, `b`, `c` `` in English, `` `a`、`b`、`c` `` in Chinese.
pub fn ticked(words: &[&str]) -> Msg {
    in_each(|l| {
        Msg::verbatim(
            words
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(super::list_sep(l)),
        )
    })
}

/// A kind of value as rmpay names it in English (`a string`, see
/// `policy::raw::type_name`), in both languages.
pub fn type_name(en: &str) -> Msg {
    match en {
        "a string" => type_string(),
        "an integer" => type_integer(),
        "a float" => type_float(),
        "a boolean" => type_boolean(),
        "a date-time" => type_datetime(),
        "an array" => type_array(),
        "a table" => type_table(),
        "a number" => type_number(),
        "a date (YYYY-MM-DD)" => type_date(),
        "a table of numbers" => type_numbers(),
        "another type" => type_other(),
        other => in_each(|l| {
            Msg::verbatim(match l {
                Lang::Zh => format!(" `{other}`"),
                Lang::En => other.to_string(),
            })
        }),
    }
}

/// What serde says it expected (`a string`, `struct RawTier`, `a
/// sequence`), in both languages.
pub fn serde_expected(en: &str) -> Msg {
    match en {
        "a sequence" => keep_english(en, type_array()),
        "a map" => keep_english(en, type_table()),
        e if e.starts_with("struct ") => keep_english(en, type_table()),
        e => type_name(e),
    }
}

/// What serde says it found (`integer `5``, `string "x"`), in both languages.
pub fn serde_found(en: &str) -> Msg {
    let quoted = |prefix: &str| {
        en.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('`'))
            .and_then(|r| r.strip_suffix('`'))
    };
    let found = if let Some(v) = quoted("boolean ") {
        found_boolean(v)
    } else if let Some(v) = quoted("integer ") {
        found_integer(v)
    } else if let Some(v) = quoted("floating point ") {
        found_float(v)
    } else if let Some(v) = quoted("character ") {
        found_char(v)
    } else if let Some(v) = en
        .strip_prefix("string \"")
        .and_then(|r| r.strip_suffix('"'))
    {
        found_string(v)
    } else {
        match en {
            "sequence" => type_array(),
            "map" => type_table(),
            other => type_name(other),
        }
    };
    keep_english(en, found)
}

/// `zh`'s Chinese with the English exactly as given.
fn keep_english(en: &str, zh: Msg) -> Msg {
    Msg::new(zh.get(Lang::Zh).to_string(), en.to_string())
}

/// Why a file or folder could not be read: the OS's words in English,
/// the usual reasons in Chinese.
pub fn io_reason(e: &std::io::Error) -> Msg {
    let zh = match e.kind() {
        std::io::ErrorKind::NotFound => not_found(),
        std::io::ErrorKind::PermissionDenied => permission_denied(),
        std::io::ErrorKind::NotADirectory => not_a_folder(),
        std::io::ErrorKind::IsADirectory => a_folder(),
        _ => return Msg::verbatim(e.to_string()),
    };
    keep_english(&e.to_string(), zh)
}

/// A TOML syntax error as the reader gives it (`string values must be
/// quoted, expected literal string`): its kind and what was expected, in
/// Chinese from the reader's words; the English as given.
pub fn toml_syntax(en: &str) -> Msg {
    let (what, expected) = match en.split_once(", expected ") {
        Some((w, e)) => (w, Some(e)),
        None => (en, None),
    };
    let Some(what_zh) = toml_problem(what) else {
        return keep_english(en, syntax_other(en));
    };
    let zh = match expected {
        // What the reader expects of an unquoted word (a literal string)
        // says less than the sentence itself.
        _ if what == "string values must be quoted" => syntax(what_zh.get(Lang::Zh)),
        None => syntax(what_zh.get(Lang::Zh)),
        Some(e) => {
            let items: Vec<String> = e.split(", ").map(toml_expected).collect();
            let mut items = items.join(super::list_sep(Lang::Zh));
            // A space between Chinese and a quoted literal, as elsewhere.
            if items.starts_with(['`', '\'']) {
                items.insert(0, ' ');
            }
            syntax_expected(what_zh.get(Lang::Zh), items)
        }
    };
    keep_english(en, zh)
}

/// One thing the TOML reader expected, in Chinese: a literal as quoted
/// (`` `=` ``), a description in words.
fn toml_expected(e: &str) -> String {
    let m = match e {
        "newline" => toml_newline(),
        "nothing" => toml_nothing(),
        "digits" => toml_digits(),
        "key" => toml_key(),
        "value" => toml_value(),
        "literal string" => toml_literal_string(),
        "basic string" => toml_basic_string(),
        "multi-line basic string" => toml_multiline_basic(),
        "characters" => toml_chars(),
        "printable characters" => toml_printable(),
        "unicode hexadecimal value" => toml_unicode_hex(),
        "letters" => toml_letters(),
        "numbers" => toml_numbers(),
        "unquoted string" => toml_unquoted_string(),
        "non-single-quote characters" => toml_non_single_quote(),
        "non-single-quote visible characters" => toml_non_single_quote_visible(),
        "non-double-quote visible characters" => toml_non_double_quote_visible(),
        quoted if quoted.starts_with('`') || quoted.starts_with('\'') => {
            return quoted.to_string();
        }
        other => return format!("「{other}」"),
    };
    m.get(Lang::Zh).to_string()
}

/// The kind of a TOML syntax error, by the reader's description.
fn toml_problem(what: &str) -> Option<Msg> {
    Some(match what {
        "string values must be quoted" => toml_unquoted(),
        "duplicate key" => toml_duplicate_key(),
        "carriage return must be followed by newline" => toml_carriage_return(),
        "missing opening quote" => toml_missing_opening_quote(),
        "missing comma between array elements" => toml_missing_comma_array(),
        "integers with a radix cannot be signed" => toml_signed_radix(),
        "radix must be lowercase" => toml_radix_lowercase(),
        "missing assignment between key-value pairs" => toml_missing_assignment(),
        "unexpected leading zero" => toml_leading_zero(),
        "unclosed array table" => toml_unclosed_array_table(),
        "missing key for inline table element" => toml_missing_inline_key(),
        "missing inline table opening" => toml_missing_inline_open(),
        "missing escaped value" => toml_missing_escape(),
        "missing array opening" => toml_missing_array_open(),
        "invalid unquoted key" => toml_invalid_unquoted_key(),
        "cannot recurse further; max recursion depth met" => toml_too_deep(),
        "keys cannot be multi-line literal strings" => toml_key_multiline_literal(),
        "keys cannot be multi-line basic strings" => toml_key_multiline_basic(),
        "unquoted keys cannot be empty" => toml_empty_key(),
        "unexpected sign" => toml_unexpected_sign(),
        "unexpected key or value" => toml_unexpected_key_or_value(),
        "unexpected content" => toml_unexpected_content(),
        "unexpected content between comment and newline" => toml_content_after_comment(),
        "unexpected `=` in array" => toml_equals_in_array(),
        "unclosed table" => toml_unclosed_table(),
        "unclosed inline table" => toml_unclosed_inline_table(),
        "unclosed array" => toml_unclosed_array(),
        "too few unicode value digits" => toml_few_unicode_digits(),
        "redundant numeric sign" => toml_redundant_sign(),
        "redundant integer number prefix" => toml_redundant_prefix(),
        "missing value" => toml_missing_value(),
        "missing value for key" => toml_missing_value_for_key(),
        "missing table open" => toml_missing_table_open(),
        "missing comment start" => toml_missing_comment_start(),
        "missing comma between key-value pairs" => toml_missing_comma_pairs(),
        "key with no value" => toml_key_without_value(),
        "invalid value" => toml_invalid_value(),
        "invalid key-value pair" => toml_invalid_pair(),
        "invalid inline table element" => toml_invalid_inline_element(),
        "invalid comment character" => toml_invalid_comment_char(),
        "extra comma in inline table" => toml_extra_comma_inline(),
        "extra comma in array" => toml_extra_comma_array(),
        "extra assignment between key-value pairs" => toml_extra_assignment(),
        "extra `=`" => toml_extra_equals(),
        "`_` may only go between digits" => toml_underscore(),
        "invalid literal string" => toml_invalid_literal_string(),
        "invalid multi-line literal string" => toml_invalid_multiline_literal(),
        "invalid basic string" => toml_invalid_basic_string(),
        "invalid multi-line basic string" => toml_invalid_multiline_basic(),
        "invalid string" => toml_invalid_string(),
        "invalid boolean" => toml_invalid_boolean(),
        "invalid date-time" | "invalid datetime" => toml_invalid_datetime(),
        "invalid float" => toml_invalid_float(),
        "invalid integer number" => toml_invalid_integer(),
        "invalid hexadecimal number" => toml_invalid_hex(),
        "invalid octal number" => toml_invalid_octal(),
        "invalid binary number" => toml_invalid_binary(),
        "could not allocate for string" => toml_no_memory(),
        "recursion limit" => toml_too_deep_keys(),
        "cannot extend value of type array with a dotted key" => toml_extend_array(),
        "cannot extend value of type inline table with a dotted key" => toml_extend_inline_table(),
        other => {
            let kind = other
                .strip_prefix("cannot extend value of type ")?
                .strip_suffix(" with a dotted key")?;
            let zh = match kind {
                "string" => type_string(),
                "integer" => type_integer(),
                "float" => type_float(),
                "boolean" => type_boolean(),
                "datetime" | "date-time" => type_datetime(),
                "table" => type_table(),
                _ => return None,
            };
            keep_english(other, toml_extend(zh.get(Lang::Zh)))
        }
    })
}

/// An amount of money as a Chinese sentence shows it, with thousands
/// separators (`20,000,000`), its places as written; English as written.
pub fn money(d: rust_decimal::Decimal) -> Msg {
    let d = d.normalize();
    Msg::new(crate::report::pay::amount_text(d, d.scale()), d.to_string())
}

/// A ratio as a percentage (`2,000%`, `12.5%`), its places as written.
pub fn percent(d: rust_decimal::Decimal) -> String {
    let p = (d * rust_decimal::Decimal::ONE_HUNDRED).normalize();
    format!("{}%", crate::report::pay::amount_text(p, p.scale()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_in_chinese() {
        let m = toml_syntax("string values must be quoted, expected literal string");
        assert_eq!(m.get(Lang::Zh), "语法错误：文字须用英文双引号括起来");
        assert_eq!(
            m.get(Lang::En),
            "string values must be quoted, expected literal string"
        );
        let m = toml_syntax("missing assignment between key-value pairs, expected `=`");
        assert_eq!(
            m.get(Lang::Zh),
            "语法错误：键值对之间缺少等号（此处应为 `=`）"
        );
        let m = toml_syntax("something new");
        assert_eq!(m.get(Lang::Zh), "语法错误：「something new」");
        assert_eq!(m.get(Lang::En), "something new");
    }

    #[test]
    fn serde_words_in_chinese() {
        let m = serde_found("integer `5`");
        assert_eq!(
            (m.get(Lang::Zh), m.get(Lang::En)),
            ("整数 `5`", "integer `5`")
        );
        let m = serde_found("string \"x y\"");
        assert_eq!(m.get(Lang::Zh), "字符串「x y」");
        let m = serde_expected("struct RawClientBand");
        assert_eq!(
            (m.get(Lang::Zh), m.get(Lang::En)),
            ("表", "struct RawClientBand")
        );
    }
}
