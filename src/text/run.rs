//! Diagnostic sentences: Running a command: arguments, files read and written, the pipelines' checks, and where a problem is.

pub use super::nest;

says! {
    // Where a problem is.
    at_column(column) => "{column} 列", "column {column}";
    at_row_column(row, column) => "第 {row} 行 {column} 列", "row {row} column {column}";
    overflow_check(rm, what) => "{rm}：{what}；请核对政策的比率与台账的金额",
        "{rm}: {what}; check the policy's rates and the ledger's amounts";
    more_of_this_kind(n) => "……同类问题另有 {n} 处", "… and {n} more of this kind";
    /// "Did you mean", after a word not known (`diag::suggest`).
    did_you_mean(candidate) => "（是否应为 `{candidate}`？）", " (did you mean `{candidate}`?)";

    // Files read and written (`reason`: `write::os_reason`).
    cannot_open(reason) => "无法打开：{reason}", "cannot open: {reason}";
    cannot_read(reason) => "无法读取：{reason}", "cannot read: {reason}";
    cannot_write(reason) => "无法写入：{reason}", "cannot write: {reason}";
    cannot_create(reason) => "无法创建：{reason}", "cannot create: {reason}";
    cannot_create_in(dir, reason) => "无法在 {dir} 中创建文件：{reason}", "cannot create a file in {dir}: {reason}";
    cannot_keep_replaced(reason) => "无法保留将被替换的原文件：{reason}", "cannot keep the file it replaces: {reason}";
    cannot_rename(reason) => "无法把文件移到目标位置：{reason}", "cannot rename into place: {reason}";
    cannot_write_stdout(reason) => "无法写入标准输出：{reason}", "cannot write to standard output: {reason}";
    no_such_file() => "文件不存在", "no such file";
    not_a_regular_file() => "不是普通文件（是管道、套接字或设备）", "not a regular file (a FIFO, socket or device)";
    /// A command that archives a ledger reads and archives a private copy
    /// of it (`commands::LedgerCopy`).
    cannot_copy_ledger(dir, reason) => "无法在临时文件夹 {dir} 中复制台账：{reason}（本次运行按台账的复制件计算并存档，以免运行中台账被改动）；未写入任何文件。请腾出空间，或用环境变量 `TMPDIR` 另行指定临时文件夹",
        "cannot copy the ledger into the temporary folder {dir}: {reason} (the run computes and archives a private copy, so that a ledger changed meanwhile is not archived under figures it did not give); nothing was written. Free some space, or set TMPDIR to another folder";
    /// rust_xlsxwriter builds a large sheet in a temporary file
    /// (`write::temp_writes`).
    cannot_write_temp_folder(dir, reason) => "无法写入临时文件夹 {dir}：{reason}（生成工作簿时要在此暂存工作表）；未写入任何文件。请腾出空间，或用环境变量 `TMPDIR` 另行指定临时文件夹",
        "cannot write to the temporary folder {dir}: {reason} (the workbook's sheets are built there); nothing was written. Free some space, or set TMPDIR to another folder";
    two_outputs_one_name() => "本次运行的两个输出文件同名", "named for two outputs of one run";
    cannot_build_workbook(detail) => "无法生成工作簿：{detail}", "cannot build the workbook: {detail}";
    sheet_went_missing() => "无法生成工作簿：新建的工作表丢失", "cannot build the workbook: a new sheet went missing";

    // The command line.
    bad_period_arg(flag, value, e) => "`{flag}`：「{value}」不是月份，请写成 `YYYY-MM`（如 2026-10）", "{flag}: {e}";
    year_out_of_range(year) => "`--year`：{year} 超出范围", "--year: {year} is out of range";
    rules_need_period() => "此处 `--rules` 需要同时给出 `--period YYYY-MM`", "--rules needs --period YYYY-MM here";
    give_policy_or_rules() => "请给出 `--policy FILE` 或 `--rules DIR`", "give --policy FILE or --rules DIR";
    explain_needs() => "`explain` 需要 `--archive DIR --period YYYY-MM`，或 `--policy FILE`（或 `--rules DIR`）加 `--ledger FILE`",
        "explain needs either --archive DIR --period YYYY-MM, or --policy FILE (or --rules DIR) with --ledger FILE";
    statement_needs() => "`statement` 需要 `--archive DIR --period YYYY-MM`，或 `--policy FILE`（或 `--rules DIR`）加 `--ledger FILE`",
        "statement needs either --archive DIR --period YYYY-MM, or --policy FILE (or --rules DIR) with --ledger FILE";
    no_rm_in(rm, period) => "{period} 的台账中没有客户经理 `{rm}`", "no RM `{rm}` in {period}";
    rm_flag_no_rm(rm, period) => "`--rm {rm}`：{period} 的台账中没有客户经理 `{rm}`", "--rm {rm}: no RM `{rm}` in {period}";
    file_name_clash(rm, name) => "客户经理 `{rm}` 的文件 {name} 与另一位客户经理的文件同名：两人的编号只差文件名不能使用的字符",
        "RM `{rm}` would be written to {name}, the file of another RM: RM ids that differ only in characters a file name cannot hold";
    empty_signer() => "`--name` 为空：签核须写明签核人姓名", "--name is empty: a sign-off names the person who signs";
    bad_date_arg(value) => "`--date`「{value}」不是日历上的日期：请写成 2026-11-07、2026/11/7、20261107 或 2026年11月7日",
        "--date `{value}` is not a calendar date: write it 2026-11-07, 2026/11/7, 20261107 or 2026年11月7日";

    // A month's pay.
    risk_balance_places(rm, places, value) =>
        "客户经理 `{rm}` 的风险金余额应保留 {places} 位小数（政策的金额精度），台账为 {value}",
        "expected RM `{rm}`'s risk-deposit balance to {places} decimal places (the policy's money), found {value}";
    risk_balance_above_cap(rm, tier, cap, value) =>
        "客户经理 `{rm}` 的风险金期初余额为 {value} 元，超过其等级（{tier}）的风险金上限 {cap} 元：风险金扣满上限即不再扣留，余额不会超过上限；请核对此单元格（是否多输了一位数，或等级填错）",
        "expected RM `{rm}`'s opening risk-deposit balance to be at most the cap of their tier ({tier}), {cap}, found {value}: the deposit is withheld only up to the cap, so no balance exceeds it; check the cell (a digit too many, or the wrong tier)";
    pay_line_too_large(line, metric, value, per, rate) =>
        "工资项 `{line}` 无法计算：`{metric}` {value} ÷ {per} × {rate} 数值过大",
        "pay line `{line}` cannot be computed: {metric} {value} ÷ {per} × {rate} is too large";

    unknown_tier(policy, tier) => "「{tier}」不是政策 `{policy}` 的等级", "expected a tier of policy `{policy}`, found `{tier}`";

    // A review.
    empty_review_period() => "考核期间为空", "empty review period";
    not_in_force(id, version, range, last, label) =>
        "政策 `{id}` {version} 的生效期为{range}，不含考核期 {label} 的最后一个月 {last}",
        "policy `{id}` version {version} is in force {range}, not in {last}, the last month of the review period {label}";
    in_force_between(from, until) => " {from} 至 {until}", "{from} to {until}";
    in_force_from(from) => " {from} 起", "{from} to …";
    in_force_until(until) => " {until} 及以前", "… to {until}";
    in_force_always() => "长期", "… to …";
    ledgers_bad_period(spec, value, e) => "`--ledgers {spec}`：「{value}」不是月份，请写成 `YYYY-MM`（如 2026-10）",
        "--ledgers {spec}: {e}";
    figures_changed(sha, listed) => "SHA-256 为 {sha}，清单记载为 {listed}；档案已被改动（可用 `rmpay verify` 核对）",
        "SHA-256 is {sha}, the manifest says {listed}; the archive was changed (`rmpay verify` checks it)";
    figures_of_other_month(of, folder) => "这是 {of} 的月度数据，却存放在 {folder} 的文件夹中",
        "the figures are of {of}, in the folder of {folder}";
    averages_of_another_month(named, period) =>
        "台账给的是月日均，其文件名表明是 {named} 的台账，而本次计算的是 {period}：请换用 {period} 的台账；若此文件确是 {period} 的，请把文件名改为 {period}（考核按文件名中的月份取用此台账）",
        "the ledger gives monthly averages and its file name says it is {named}'s, but the month computed is {period}: give {period}'s ledger; if this file is {period}'s, name it so (a review takes such a ledger's month from its file name)";
    name_gives_no_month() => "文件名中没有月份", "its file name gives no month";
    name_gives_months(n, list) => "文件名中有 {n} 个月份（{list}）", "its file name gives {n} months ({list})";
    /// `zh_form`: `YYYY年M月`, a form of file name (the English text
    /// names it too).
    averages_need_month(why, example, display, zh_form) =>
        "台账给的是月日均而非每日余额，且{why}：请在文件名中写明月份（`YYYY-MM`、`YYYYMM` 或 `{zh_form}`，如 `{example}.xlsx`），或写成 `YYYY-MM={display}`",
        "the ledger gives monthly averages, not daily balances, and {why}: name the file with its month (YYYY-MM, YYYYMM or {zh_form}, e.g. {example}.xlsx) or give it as YYYY-MM={display}";
    outside_review(period, label) => "台账是 {period} 的，不在考核期 {label} 内", "the ledger is for {period}, outside the review period {label}";
    second_ledger(period, other) => "{period} 的台账重复：{other} 已是 {period} 的台账；每个月只给一份台账",
        "a second ledger for {period}: {other} is already {period}'s; give one ledger a month";
    second_ledger_misnamed(period, other, named) =>
        "{period} 的台账重复：{other} 已是 {period} 的台账，而本文件名为 {named}，所记却是 {period} 的日余额：是否给错了文件？请换用 {named} 的台账",
        "a second ledger for {period}: {other} is already {period}'s, and this file, named {named}, holds {period}'s daily balances: is it the wrong file? Give {named}'s ledger instead";
    no_ledger_for(label) => "{label} 没有台账", "no ledger for {label}";
    review_uses(label, used, aside) => "rmpay：{label} 考核使用 {used}；{aside} 的台账不参与本次考核",
        "rmpay: review {label} uses {used}; the ledgers of {aside} are set aside";
    month_file(period, file) => "{period}（{file}）", "{period} ({file})";
    missing_months(label, window, list) =>
        "{label} 考核需要每个月的台账{window}；缺少：{list}（请补齐这些月份的台账，或加 `--partial` 做部分期间考核）",
        "the review of {label} needs every month{window}; missing: {list} (give their ledgers, or --partial for a partial review)";
    missing_window(from, to) => "，以及滚动十二个月国际结算所需的 {from} 至 {to}（`review.quarter_settlements`）",
        " and, for its settlements over the trailing twelve months (review.quarter_settlements), {from} to {to}";
    not_assessed(rm, rule, why) => "{rm}：[{rule}] 未考核：{why}", "{rm}: [{rule}] not assessed: {why}";
    missing_figure(rm, why, rules, fix) => "{rm}：{why}，{rules} 需要此项数据；{fix}", "{rm}: {why}, which {rules} needs; {fix}";
    head_without_branch(rm, col) => "{rm}：支行行长按全支行考核（`review.branch_heads_on_branch`），但「客户经理」表中其「{col}」未填写；请填写其所在支行",
        "{rm}: a branch head is assessed on the branch (`review.branch_heads_on_branch`), and `branch` ({col}) is empty in the `managers` sheet; give the head's branch";
    fix_give_it() => "请补充", "give it";
    fix_give_or_exam() => "请补充，或在政策中为该等级设 `exam_when_missing = \"not_assessed\"`",
        "give it, or set `exam_when_missing = \"not_assessed\"` on the tier in the policy";
    fix_give_or_rule() => "请补充，或在政策中为该规则设 `when_missing = \"not_assessed\"`",
        "give it, or set `when_missing = \"not_assessed\"` on the rule in the policy";
    review_json_unreadable(line, column, e) => "不是考核结果文件：第 {line} 行第 {column} 列无法解析", "not a review JSON: {e}";
    review_json_format(format) =>
        "不是考核结果文件：`format` 为 `{format}`，应为 `\"rmpay.review/1\"`（即 `rmpay review --json` 写出的文件）",
        "not a review JSON: `format` is {format}, expected \"rmpay.review/1\" (the file `rmpay review --json` writes)";
    /// `got`: the file's `period` as JSON writes it (`"2024"`), `got_text`
    /// as text (`2024`).
    previous_review_year(want, got, got_text) => "上年考核结果应是 {want} 年的（所考核年度的前一年），此文件是 {got_text} 的",
        "the previous review must be of {want}, the year before the one reviewed; this one is of {got}";
    review_json_no_managers() => "不是考核结果文件：没有 `managers` 列表", "not a review JSON: no `managers` list";

    // A panic (`main`'s hook).
    internal_error(what) => "内部错误：{what}\n这是 rmpay 自身的缺陷，不是您文件的问题：请把它连同所运行的命令一起报告给我们。",
        "internal error: {what}\nThis is a bug in rmpay, not a problem with your files: please report it, with the command you ran.";
}

/// The Chinese of an I/O failure's kind (`write::os_reason`); `None` for a
/// kind with no Chinese here (the OS's own text is then quoted).
pub fn io_reason_zh(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已存在同名文件",
        K::IsADirectory => "是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一项不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::StorageFull => "磁盘已满",
        K::QuotaExceeded => "超出磁盘配额",
        K::ReadOnlyFilesystem => "磁盘为只读",
        K::FileTooLarge => "文件过大",
        K::InvalidFilename => "文件名无效或过长",
        K::CrossesDevices => "不能跨磁盘移动",
        K::ResourceBusy => "文件正被占用",
        K::ExecutableFileBusy => "文件正被运行",
        K::StaleNetworkFileHandle => "网络文件已失效",
        K::BrokenPipe => "管道已关闭",
        K::TimedOut => "操作超时",
        K::Interrupted => "操作被中断",
        K::OutOfMemory => "内存不足",
        K::UnexpectedEof => "文件意外结束",
        K::InvalidData => "数据无效",
        K::Unsupported => "系统不支持此操作",
        K::TooManyLinks => "链接过多",
        K::NetworkDown | K::NetworkUnreachable | K::HostUnreachable => "网络不可用",
        K::ConnectionRefused | K::ConnectionReset | K::ConnectionAborted | K::NotConnected => {
            "网络连接中断"
        }
        _ => return None,
    })
}

/// The OS's text of a failure with no Chinese in [`io_reason_zh`].
pub fn io_reason_other(en: &str) -> String {
    format!("操作系统报告：{en}")
}

/// clap's error for a command line it refused, in Chinese: what is wrong
/// (the arguments named as clap names them, the values quoted as typed),
/// a similar argument where clap knows one, the usage line, and where the
/// help is. `None` for a kind left to clap's own text (help and version
/// are not errors; `--help` texts are translated apart).
pub fn clap_error_zh(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    let one = |k| match e.get(k) {
        Some(V::String(s)) => Some(s.clone()),
        _ => None,
    };
    let many = |k| match e.get(k) {
        Some(V::Strings(v)) => v.clone(),
        Some(V::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let number = |k| match e.get(k) {
        Some(V::Number(n)) => Some(*n),
        _ => None,
    };
    let ticks = |v: &[String]| {
        v.iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut said = match e.kind() {
        K::UnknownArgument => format!("无法识别的参数 `{}`", one(C::InvalidArg)?),
        K::InvalidSubcommand => format!("无法识别的命令 `{}`", one(C::InvalidSubcommand)?),
        K::InvalidValue => {
            let (arg, value) = (one(C::InvalidArg)?, one(C::InvalidValue)?);
            let mut s = if value.is_empty() {
                format!("`{arg}` 需要一个值，但没有给出")
            } else {
                format!("「{value}」不是 `{arg}` 的有效取值")
            };
            let valid = many(C::ValidValue);
            if !valid.is_empty() {
                s += &format!("\n  可选值：{}", ticks(&valid));
            }
            s
        }
        K::ValueValidation => {
            let (arg, value) = (one(C::InvalidArg)?, one(C::InvalidValue)?);
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let hint = match why.split_once(" is not in ") {
                Some((_, range)) => match range.split_once("..=") {
                    Some((lo, hi)) => format!("（应在 {lo} 到 {hi} 之间）"),
                    None => String::new(),
                },
                None if why.contains("invalid digit") => "（应为整数）".to_string(),
                None if why.contains("too large") || why.contains("too small") => {
                    "（数值超出范围）".to_string()
                }
                None => String::new(),
            };
            format!("「{value}」不是 `{arg}` 的有效取值{hint}")
        }
        K::MissingRequiredArgument => {
            let missing = many(C::InvalidArg);
            let mut s = "缺少必需的参数：".to_string();
            for m in &missing {
                s += &format!("\n  {m}");
            }
            s
        }
        K::ArgumentConflict => {
            let arg = one(C::InvalidArg).or_else(|| one(C::InvalidSubcommand))?;
            match e.get(C::PriorArg) {
                Some(V::String(p)) if *p == arg => format!("参数 `{arg}` 只能给一次"),
                Some(V::String(p)) => format!("参数 `{arg}` 不能与 `{p}` 同时使用"),
                Some(V::Strings(p)) => {
                    format!("参数 `{arg}` 不能与 {} 同时使用", ticks(p))
                }
                _ => format!("参数 `{arg}` 不能与所给的其他参数同时使用"),
            }
        }
        K::MissingSubcommand => {
            let cmd = one(C::InvalidSubcommand)?;
            let mut s = format!("`{cmd}` 后面需要一个命令");
            let valid = many(C::ValidSubcommand);
            if !valid.is_empty() {
                s += &format!("\n  可选命令：{}", ticks(&valid));
            }
            s
        }
        K::TooManyValues => format!(
            "`{}` 多了一个值「{}」",
            one(C::InvalidArg)?,
            one(C::InvalidValue)?
        ),
        K::TooFewValues => format!(
            "`{}` 至少需要 {} 个值，只给了 {} 个",
            one(C::InvalidArg)?,
            number(C::MinValues)?,
            number(C::ActualNumValues)?
        ),
        K::WrongNumberOfValues => format!(
            "`{}` 需要 {} 个值，给了 {} 个",
            one(C::InvalidArg)?,
            number(C::ExpectedNumValues)?,
            number(C::ActualNumValues)?
        ),
        K::NoEquals => {
            let arg = one(C::InvalidArg)?;
            format!("给 `{arg}` 赋值须用等号（`{arg}=…`）")
        }
        K::InvalidUtf8 => "命令行中有无效的 UTF-8 字符".to_string(),
        _ => return None,
    };
    for (kind, what) in [
        (C::SuggestedSubcommand, "命令"),
        (C::SuggestedArg, "参数"),
        (C::SuggestedValue, "取值"),
    ] {
        let similar = many(kind);
        if !similar.is_empty() {
            said += &format!("\n\n  提示：相近的{what}有 {}", ticks(&similar));
        }
    }
    if let Some(V::StyledStr(usage)) = e.get(C::Usage) {
        let usage = usage.to_string();
        let usage = usage.strip_prefix("Usage:").unwrap_or(&usage).trim_start();
        said += &format!("\n\n用法：{usage}");
    }
    Some(format!("error: {said}\n\n更多说明请用 `--help` 查看。\n"))
}
