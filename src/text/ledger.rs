//! Diagnostic sentences: Reading a ledger (workbook, CSV or Parquet folder): cells, rows, sheets and the ledger as a whole.
//!
//! A column of the contract is named in Chinese by its Chinese header
//! (`col`, 「余额」) and in English by its key and header (`named`,
//! `` `balance` (余额) ``); values and headers the user wrote are quoted as
//! written (「…」 in Chinese, backticks in English). What a message says
//! it found (`found`) is itself a message ([`found_text`], …), put in with
//! [`nest`].

pub use super::{list, nest};

use super::Msg;

/// [`nest`] with two sub-messages.
pub fn nest2(a: &Msg, b: &Msg, f: impl Fn(&str, &str) -> Msg) -> Msg {
    super::each(|l| f(a.get(l), b.get(l)))
}

/// The same texts in both languages' lists: ids, dates, numbers.
pub fn list_of(items: impl IntoIterator<Item = impl std::fmt::Display>) -> Msg {
    let items: Vec<Msg> = items
        .into_iter()
        .map(|i| Msg::verbatim(i.to_string()))
        .collect();
    list(&items)
}

/// ` (did you mean `x`?)` when a candidate is close to `word`, else nothing.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Msg {
    match crate::diag::did_you_mean(word, candidates) {
        Some(c) => did_you_mean(c),
        None => Msg::verbatim(""),
    }
}

says! {
    // What a cell was found to hold (`found …`).
    found_empty() => "空单元格", "an empty cell";
    found_text(s) => "文本「{s}」", "text `{s}`";
    found_number(n) => "数字「{n}」", "the number `{n}`";
    found_bool(b) => "逻辑值「{b}」", "the boolean `{b}`";
    found_date(d) => "日期「{d}」", "the date `{d}`";
    found_date_time(d) => "日期时间「{d}」", "the date-time `{d}`";
    found_duration(d) => "时长「{d}」", "the duration `{d}`";
    found_cell_error(e) => "错误值「{e}」", "the spreadsheet error `{e}`";
    found_uncomputed() => "未存计算结果的公式（请在 Excel 等电子表格软件中打开并保存，或直接填入数值）",
        "a formula saved without its value (open and save the file in Excel or another spreadsheet program, or type the value in)";
    found_value(v) => "「{v}」", "`{v}`";
    did_you_mean(c) => "（是否应为「{c}」？）", " (did you mean `{c}`?)";

    // Rows as the user numbers them.
    row_at(n) => "第 {n} 行", "row {n}";
    line_at(n) => "第 {n} 行", "line {n}";
    rows_at(list) => "第 {list} 行", "rows {list}";
    lines_at(list) => "第 {list} 行", "lines {list}";

    // Cells.
    cell_error(e) => "单元格是错误值「{e}」；请改正公式或直接填入数值",
        "expected a value, found the spreadsheet error `{e}`";
    uncomputed_formula() => "单元格是未存计算结果的公式；请在 Excel 等电子表格软件中打开并保存，或直接填入数值",
        "expected a value, found a formula saved without its value: open and save the file in Excel or another spreadsheet program, or type the value in";
    id_as_number(found) => "编号、账号等应以文本填写，此单元格填成了数字 {found}：Excel 只保留 15 位有效数字，超过 15 位的号码末几位已经丢失（显示的也不是原来输入的号码）。请把该列设为文本格式，重新输入号码",
        "expected an id (an account or other number) as text, found the number {found}: Excel keeps 15 significant digits, so the last digits of a longer number are already lost (what the cell shows is not what was typed). Format the column as text and type the numbers again";
    missing_value(col, named) => "「{col}」未填写", "expected a value for {named}, found an empty cell";
    negative_value(col, named, found) => "「{col}」不能为负数，填的是{found}", "expected 0 or more for {named}, found {found}";
    not_an_amount(found) => "应填金额，填的是{found}", "expected an amount, found {found}";
    not_a_number(found) => "应填数字，填的是{found}", "expected a number, found {found}";
    amount_too_precise(places, note, found) => "金额最多 {places} 位小数{note}，填的是{found}",
        "expected an amount with at most {places} decimal places{note}, found {found}";
    number_too_precise(places, note, found) => "数字最多 {places} 位小数{note}，填的是{found}",
        "expected a number with at most {places} decimal places{note}, found {found}";
    unit_places_note() => "（按该列单位折算后最多 4 位）", " (4 once multiplied by the column's unit)";
    amount_too_large(found) => "金额过大：{found}", "expected an amount, found {found}, which is too large";
    number_too_large(found) => "数字过大：{found}", "expected a number, found {found}, which is too large";
    amount_over_limit(found) => "金额须小于 10^15，填的是{found}，过大",
        "expected an amount under 10^15, found {found}, which is too large";
    number_over_limit(found) => "数字须小于 10^9，填的是{found}，过大",
        "expected a number under 10^9, found {found}, which is too large";
    share_expected(found) => "应填比例，如「60%」「0.6」或「60」，填的是{found}",
        "expected a share such as `60%`, `0.6` or `60`, found {found}";
    share_out_of_range(shown) => "比例应在 0% 到 100% 之间，填的是「{shown}」",
        "expected a share between 0% and 100%, found `{shown}`";
    date_not_a_day(n) => "应填日期，如「2026-10-01」或「20261001」；「{n}」按年月日（`yyyymmdd`）读不是有效日期",
        "expected a date such as `2026-10-01` or `20261001`, found `{n}`, which is not a day (read as yyyymmdd)";
    date_expected(found) => "应填日期，如「2026-10-01」，填的是{found}",
        "expected a date such as `2026-10-01`, found {found}";
    choice_item(id, zh) => "「{zh}」", "`{id}` ({zh})";
    not_a_choice(list, found, hint) => "「{found}」不是可填的值；可填：{list}{hint}",
        "expected one of {list}, found `{found}`{hint}";
    rm_not_listed(sheet, found, hint) => "客户经理编号「{found}」不在「{sheet}」表中{hint}",
        "expected an rm_id listed in sheet `{sheet}`, found `{found}`{hint}";
    client_not_listed(sheet, found, hint) => "客户编号「{found}」不在「{sheet}」表中{hint}",
        "expected a client_id listed in sheet `{sheet}`, found `{found}`{hint}";
    cell_too_long(max, n) => "单元格最多 {max} 个字符（Excel 的上限），此处有 {n} 个",
        "a cell holds at most {max} characters (Excel's limit), found {n}";

    // Rows.
    left_on_empty(key, zh) => "状态为离岗的客户经理须填写「{zh}」",
        "expected a `{key}` ({zh}) date for an RM whose status is `left`, found an empty cell";
    left_on_no_column(key, zh) => "有客户经理状态为离岗：请增加「{zh}」列并填写离岗日期",
        "expected a `{key}` ({zh}) column for an RM whose status is `left`, found none";
    duplicate_id(key, zh, id, first) => "{zh}「{id}」重复（首次出现在{first}）；每个编号只能有一行",
        "expected each {key} once, found `{id}` again (first on {first})";
    card_as_number(col, named, text) => "「{col}」填成了数字，Excel 只保留 15 位有效数字：请把该列设为文本格式，重新输入卡号",
        "expected {named} as text, found a number, which Excel keeps to 15 digits: format the column as text ({text}) and type the card number again";
    card_not_digits(col, named, found) => "「{col}」应填数字，填的是{found}", "expected {named} as digits, found {found}";
    card_too_long(col, named, shown) => "「{col}」应为不超过 32 位的数字（各组之间可有空格），填的是{shown}",
        "expected {named} as up to 32 digits (spaces between groups allowed), found {shown}";
    card_digits(n) => "{n} 位数字", "{n} digits";
    card_not_only_digits() => "含非数字字符的文本", "text that is not only digits";
    shares_exceed_100(client, pct, rows) => "客户「{client}」的分成比例合计 {pct}%，超过 100%（{rows}）",
        "expected the shares of client `{client}` to add up to at most 100%, found {pct}% ({rows})";
    shares_exceed_100_whole(client, pct, rows, whole) =>
        "客户「{client}」的分成比例合计 {pct}%，超过 100%（{rows}）；其中{whole}按 100% 计：分成比例空白或填 1 即 100%，1% 请写作「1%」",
        "expected the shares of client `{client}` to add up to at most 100%, found {pct}% ({rows}), reading {whole} as 100%: a share left empty or given as 1 is 100%; write 1% as `1%`";
    average_disagrees(s, d, rounded, scale, given) =>
        "月日均应为日余额合计 ÷ 天数：{s} ÷ {d} = {rounded}（保留 {scale} 位小数），填的是 {given}",
        "expected the average of the sum, {s} ÷ {d} = {rounded} (to {scale} places), found {given}";
    days_not_month(col, want, period, d) => "「{col}」应为 {period} 的天数 {want}，填的是 {d}",
        "expected {want}, the days of {period}, found {d}";
    fee_owner_both(client, rm) => "同时填了客户「{client}」和客户经理「{rm}」：这笔收入记给客户，按客户的分成比例分配",
        "found both client `{client}` and RM `{rm}`; the fee goes to the client and is shared like the client";
    client_or_rm(client, client_zh, rm, rm_zh) => "「{client_zh}」和「{rm_zh}」至少填一个",
        "expected a `{client}` ({client_zh}) or an `{rm}` ({rm_zh}), found neither";
    opened_outside_period(d, period) => "开户日期 {d} 不在 {period}：不计入本月数字",
        "account opened dated {d}, outside {period}: not counted in this month's figures";
    incident_outside_period(d, period) => "违规日期 {d} 不在 {period}：不计入本月数字",
        "incident dated {d}, outside {period}: not counted in this month's figures";
    total_row(text) => "已跳过合计行「{text}」：其数字不计入", "skipped the total row `{text}`: its figures are not added";

    // Daily balances.
    account_other_client(account, other, first, client) =>
        "账号「{account}」在{first}属于客户「{other}」，此处却是客户「{client}」：同一账号只能属于一个客户",
        "expected account `{account}` to belong to client `{other}` as on {first}, found client `{client}`";
    account_other_product(account, other, first, found) =>
        "账号「{account}」在{first}为「{other}」，此处却是「{found}」：同一账号只能是一种产品",
        "expected account `{account}` to be product `{other}` as on {first}, found `{found}`";
    duplicate_balance(account, date, first) => "账号「{account}」{date} 的余额重复（首次出现在{first}）；每个账号每天只能有一行",
        "expected one balance of account `{account}` for {date}, found a second one (the first is on {first})";
    period_mismatch(period, ledger) =>
        "`--period {period}` 与台账不符：台账是 {ledger} 的余额；请改为 `--period {ledger}`，或换用 {period} 的台账",
        "expected the balances of {period} (--period {period}), found the ledger's balances of {ledger}: give --period {ledger}, or the ledger of {period}";
    first_date_sets_month(d, period, ledger, n) =>
        "日期应在 {ledger} 内，填的是 {d}：台账的月份取自第一个日期（{period}），而另外 {n} 行的日期在 {ledger} 等其他月份；请改正此日期，或用 `--period` 指明月份",
        "expected a date in {ledger}, found {d}: the ledger's month is taken from its first date ({period}), and {n} other rows are dated in {ledger} or other months; correct this date, or name the month with --period";
    date_outside_period(period, d) => "日期应在 {period} 内，填的是 {d}", "expected a date in {period}, found {d}";
    day_range(from, to) => "{from} 至 {to}", "{from}..{to}";
    missing_days(id, period, days) => "账号「{id}」缺少 {period} 以下日期的余额：{days}",
        "expected a balance of account `{id}` for every day of {period}, found none for {days}";
    missing_first_days(id, period, days) => "账号「{id}」缺少 {period} 以下日期的余额：{days}（月初几天没有更早的余额可以顺延）",
        "expected a balance of account `{id}` for every day of {period}, found none for {days} (the first days of the month cannot be carried forward)";
    balances_overflow(id, max) => "账号「{id}」的余额合计超过 {max}，过大",
        "expected the balances of account `{id}` to add up to less than {max}, found more";

    // The header row.
    rows_above_header(header, rows) => "表头在第 {header} 行；其上各行已跳过：{rows}",
        "the header row is row {header}; skipped above it: {rows}";
    row_text(n, text) => "第 {n} 行「{text}」", "row {n} `{text}`";
    duplicate_column(col, named, first) => "表头中「{col}」列出现两次（第一次在 {first}）；请删去一列",
        "expected one {named} column, found a second one (the first is {first})";
    missing_column(col, named) => "表头行缺少「{col}」列", "expected a {named} column in the header row, found none";
    need_one_of_columns(a, a_zh, b, b_zh) => "表头行缺少「{a_zh}」或「{b_zh}」列，至少要有一列",
        "expected a `{a}` ({a_zh}) or `{b}` ({b_zh}) column in the header row, found neither";
    need_column_beside(a, a_zh, b, b_zh) => "有「{b_zh}」列，还需要「{a_zh}」列",
        "expected a `{a}` ({a_zh}) column beside `{b}` ({b_zh}), found none";
    need_average_or_sum(avg, avg_zh, sum, sum_zh, days, days_zh) =>
        "表头行需要「{avg_zh}」列，或「{sum_zh}」和「{days_zh}」两列",
        "expected a `{avg}` ({avg_zh}) column, or `{sum}` ({sum_zh}) and `{days}` ({days_zh}) columns, in the header row";
    need_baseline_columns(c, c_zh, d, d_zh, r, r_zh, n, n_zh) =>
        "表头行需要「{c_zh}」和「{d_zh}」两列，或「{r_zh}」和「{n_zh}」两列",
        "expected `{c}` ({c_zh}) and `{d}` ({d_zh}) columns, or `{r}` ({r_zh}) and `{n}` ({n_zh}) columns, in the header row";
    unit_dollar_on_yuan(col, named, unit, yuan, wan) => "「{col}」的单位应为「{yuan}」或「{wan}」，表头写的是美元单位「{unit}」",
        "expected a unit of `{yuan}` or `{wan}` for {named}, found the dollar unit `{unit}`";
    unit_not_yuan(col, named, unit, yuan, wan) => "「{col}」的单位应为「{yuan}」或「{wan}」，表头写的是「{unit}」",
        "expected a unit of `{yuan}`/`yuan` or `{wan}`/`wan` for {named}, found `{unit}`";
    unit_not_usd(col, named, unit, usd, wan_usd) => "「{col}」的单位应为「{usd}」或「{wan_usd}」，表头写的是「{unit}」",
        "expected a unit of `{usd}`/`usd` or `{wan_usd}` for {named}, found `{unit}`";
    unit_on_non_amount(col, named, unit) => "「{col}」不是金额列，表头不应带单位，写的是「({unit})」",
        "expected no unit on {named}, which is not an amount, found `({unit})`";

    // Sheets and files.
    word_sheet() => "工作表", "sheet";
    word_file() => "文件", "file";
    word_none() => "无", "none";
    sheet_name(name) => "「{name}」", "`{name}`";
    duplicate_sheet(key, zh, what, first, second) => "「{zh}」{what}只能有一个，现有两个：「{first}」和「{second}」",
        "expected one `{key}` ({zh}) {what}, found two: `{first}` and `{second}`";
    missing_sheet(key, zh, what, found) => "缺少「{zh}」{what}；现有：{found}",
        "expected a `{key}` ({zh}) {what}, found only {found}";
    missing_deposit_sheet(daily, daily_zh, avg, avg_zh, what, found) =>
        "缺少「{daily_zh}」或「{avg_zh}」{what}；现有：{found}",
        "expected a `{daily}` ({daily_zh}) or `{avg}` ({avg_zh}) {what}, found only {found}";
    hidden_sheet() => "该工作表在工作簿中是隐藏的；已照常读取", "the sheet is hidden in the workbook; it is read like any other";
    empty_sheet() => "工作表是空的：需要表头行和数据行", "expected a header row and data rows, found an empty sheet";
    cannot_read_sheet(e) => "无法读取该工作表（读取程序报告：「{e}」）", "cannot read the sheet: {e}";
    sheet_not_read() => "无法读取该工作表：工作表未读出", "cannot read the sheet: the sheet was not read";
    conflicting_sheets(daily, avg) => "台账同时有「{daily}」和「{avg}」的数据：存款日余额和月日均只能填一种",
        "expected either daily balances or monthly averages, found both `{daily}` and `{avg}`";
    empty_ledger(managers, clients, daily, avg) =>
        "各工作表表头下都没有数据行：请填写「{managers}」「{clients}」和「{daily}」（或「{avg}」）",
        "expected data rows below the headers, found none in any sheet: fill in `{managers}`, `{clients}` and `{daily}` (or `{avg}`)";
    period_unknown() => "台账没有存款日余额，无法确定月份：请用 `--period YYYY-MM` 指定",
        "the ledger has no daily balances; give --period YYYY-MM";

    // Opening the workbook.
    cannot_open_workbook(e) => "无法打开工作簿（读取程序报告：「{e}」）；请用 Excel 打开后另存为 `.xlsx` 再试", "cannot open the workbook: {e}";
    not_a_workbook(ext) => "应为 `.xlsx`、`.xls` 或 `.ods` 工作簿，此文件是「.{ext}」",
        "expected an .xlsx, .xls or .ods workbook, found `.{ext}`";
    no_extension() => "应为 `.xlsx`、`.xls` 或 `.ods` 工作簿，此文件没有扩展名",
        "expected an .xlsx, .xls or .ods workbook, found a file without extension";
    damaged_ext(ext) => "此 `.{ext}` 文件已损坏：请另存为 `.xlsx` 后再试", "this .{ext} file is damaged; re-save it as .xlsx";
    damaged() => "此文件已损坏：请另存为 `.xlsx` 后再试", "this file is damaged; re-save it as .xlsx";
    no_worker(e) => "无法启动工作簿读取进程：{e}", "cannot start the workbook reader: {e}";
    in_part(part) => "（位于 `{part}`）", " (in `{part}`)";

    // Excel's limits and the reader's bounds (`guard`, `unzip`).
    beyond_last_cell(row, col) => "工作表超出 Excel 的最后一个单元格 `XFD1048576`（第 {row} 行，第 {col} 列）",
        "the sheet goes on past Excel's last cell, XFD1048576 (row {row}, column {col})";
    part_worksheet() => "工作表", "a worksheet";
    part_strings() => "共享字符串表", "the shared-string table";
    part_other() => "工作簿部件", "a workbook part";
    part_cell() => "单元格", "a cell";
    part_shared_string(n) => "第 {n} 个共享字符串", "shared string {n}";
    size_bytes(n) => "{n} 字节", "{n} bytes";
    part_too_big(what, part, size, max) => "{what}（`{part}`）解压后有 {size} 字节，超过 `rmpay` 读取的上限（{max}）：这不是台账",
        "{what} (`{part}`) inflates to {size} bytes, more than rmpay reads ({max}): this is not a ledger";
    after_cell(cell) => "（在单元格 {cell} 之后）", " (after cell {cell})";
    in_row(row) => "（在第 {row} 行）", " (in row {row})";
    cell_xml_too_long(bytes, chars) => "单元格文本超过 {bytes} 字节的 `XML`（Excel 的上限是 {chars} 个字符）",
        "a cell's text is longer than {bytes} bytes of XML (Excel's limit is {chars} characters)";
    text_run_too_long(what, bytes) => "{what}的两个标记之间有超过 {bytes} 字节的文本或空白",
        "{what} has a run of more than {bytes} bytes of text or whitespace between two tags";
    tag_too_long(what, bytes) => "{what}中有超过 {bytes} 字节的标记", "{what} has a tag or markup longer than {bytes} bytes";
    element_too_long(what, bytes, chars) => "{what}超过 {bytes} 字节的 `XML`（Excel 的上限是每个单元格 {chars} 个字符）",
        "{what} is longer than {bytes} bytes of XML (Excel's limit is {chars} characters a cell)";
    foreign_markup(what) => "{what}声明了文档类型或其他 Excel 文件从不包含的标记",
        "{what} declares a document type or other markup an Excel file never has";
    too_many_rows(n) => "工作表超过 {n} 行，超出 Excel 的上限", "the sheet has more than {n} rows, Excel's limit";
    too_many_cells(n) => "一行超过 {n} 个单元格，超出 Excel 的上限（`A` 至 `XFD` 列）",
        "a row has more than {n} cells, Excel's limit (columns A to XFD)";
    too_many_strings(n) => "共享字符串表超过 {n} 个字符串，超过 `rmpay` 读取的上限：这不是台账",
        "the shared-string table holds more than {n} strings, more than rmpay reads: this is not a ledger";
    too_many_elements(n) => "该部件超过 {n} 个元素，超过 `rmpay` 读取的上限：这不是台账",
        "the part has more than {n} elements, more than rmpay reads: this is not a ledger";
    bad_cell_ref(v) => "单元格引用应在 `A1` 至 `XFD1048576` 之间，此处是「{v}」",
        "expected a cell reference from A1 to XFD1048576, found `{v}`";
    bad_row_number(v) => "行号应在 1 至 1,048,576 之间，此处是「{v}」", "expected a row number from 1 to 1,048,576, found `{v}`";
    bad_dimension(v) => "工作表范围应在 `A1:XFD1048576` 以内，此处是「{v}」",
        "expected the sheet's dimension as a range within A1:XFD1048576, found `{v}`";
    declares_strings(v, max) => "共享字符串表声明有 {v} 个字符串，超过 `rmpay` 读取的上限（{max}）：这不是台账",
        "the shared-string table declares {v} strings, more than rmpay reads ({max}): this is not a ledger";
    too_many_parts(n, max) => "工作簿有 {n} 个部件，超过 `rmpay` 读取的上限（{max}）：这不是台账",
        "the workbook has {n} parts, more than rmpay reads ({max}): this is not a ledger";
    encrypted_part(part, method) => "部件 `{part}` 已加密，或压缩方式不是 Excel 所用的（{method}）",
        "the part `{part}` is encrypted or compressed in a way Excel does not write ({method})";
    duplicate_part(part) => "工作簿中有两个同名部件 `{part}`：不同的程序会读出不同的内容（Excel 报告文件已损坏），请从生成它的系统或程序重新导出",
        "the workbook holds two parts named `{part}`: programs would read different contents (Excel reports the file as damaged); export it again from the program that made it";
    inflates_over_4gib() => "工作簿各部件解压后合计超过 `4 GiB`：这不是台账",
        "the workbook's parts inflate to more than 4 GiB in all: this is not a ledger";

    // Ledger folders (CSV and Parquet files).
    cannot_read_folder(e) => "无法读取台账文件夹：{e}", "cannot read the ledger folder: {e}";
    cannot_read_file(e) => "无法读取该文件：{e}", "cannot read the file: {e}";
    cannot_open_in_folder(name, e) => "无法打开文件夹中的 {name}：{e}", "cannot open {name}: {e}";
    cannot_read_in_folder(name, e) => "无法读取文件夹中的 {name}：{e}", "cannot read {name}: {e}";
    too_many_lines() => "文件超过 4,294,967,295 行", "expected at most 4,294,967,295 lines, found more";
    too_many_records() => "文件超过 4,294,967,295 行", "expected at most 4,294,967,295 rows, found more";
    file_changed() => "读取过程中文件被改动：请等文件写完后重试", "the file changed while it was read";
    bad_csv_encoding(hex) => "文本应为 `UTF-8` 或 `GBK`/`GB18030` 编码，此处的字节「{hex}」两者都不是：请另存为 `UTF-8`",
        "expected text in UTF-8 or GBK/GB18030, found bytes `{hex}` that are neither";
    bad_utf8_value() => "文本应为 `UTF-8` 编码，此处的字节不是", "expected UTF-8 text, found bytes that are not";
    not_parquet(e) => "应为 `Parquet` 文件，但无法读取（读取程序报告：「{e}」）", "expected a Parquet file, found one that cannot be read ({e})";
    wrong_column_type(col, named, want, found) => "「{col}」列应为{want}，此列类型是 `{found}`",
        "expected {want} for {named}, found a column of type {found}";
    want_text() => "文本（`UTF8` 字符串，或 `INT32`/`INT64`）", "text (a UTF8 string, or INT32/INT64)";
    want_number() => "数字（`DECIMAL`、`INT32`/`INT64`、`DOUBLE`，或 `UTF8` 字符串）",
        "a number (DECIMAL, INT32/INT64, DOUBLE, or a UTF8 string)";
    want_date() => "日期（`DATE`，或 `UTF8` 字符串）", "a date (DATE, or a UTF8 string)";
    want_string() => "文本（`UTF8` 字符串）", "text (a UTF8 string)";
    parquet_footer_too_large(v, max) => "文件尾部声明有 {v} 字节的元数据，超过 `rmpay` 读取的上限（{max}）：这不是台账",
        "the file's footer declares {v} bytes of metadata, more than rmpay reads ({max}): this is not a ledger";
    parquet_too_many_columns(v, max) => "文件声明有 {v} 列，超过一张工作表的列数（{max}，Excel 的 `A` 至 `XFD` 列）",
        "the file declares {v} columns, more than a sheet has ({max}, Excel's columns A to XFD)";
    parquet_too_many_rows(v, len, max) => "文件声明有 {v} 行，而文件只有 {len} 字节：超过 Excel 的上限（{max} 行）时，除存款日余额以外的工作表每行至少要占一个字节",
        "the file declares {v} rows in {len} bytes: past Excel's {max} rows, a sheet other than the daily balances must hold at least a byte a row";
    int96_not_read() => "不读取 `INT96` 类型的值", "INT96 values are not read";
    column_ends_early() => "该列在行组结束前就没有数据了", "the column ends before its row group does";
    fewer_values_than_rows() => "值比行少", "fewer values than rows";
    damaged_parquet(what) => "页或文件尾部已损坏，读取程序无法解码（「{what}」）",
        "a damaged page or footer, which the reader cannot decode ({what})";
}
