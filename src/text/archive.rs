//! Diagnostic sentences: The archive: close, verify, rerun, sign-off, restatements and pay-out files, and the carried state.

pub use super::{each, nest as around};

use super::{Lang, Msg};

/// Files of the archive that cannot be read or written, the OS's reason
/// last: in Chinese by its kind, without the temporary file's name
/// `tempfile` adds (`write::os_reason`), as every other I/O failure.
pub(super) mod io_sentences {
    says! {
        cannot_read(e) => "无法读取：{e}", "cannot read: {e}";
        cannot_read_archive(e) => "无法读取档案库：{e}", "cannot read the archive: {e}";
        cannot_create(e) => "无法创建：{e}", "cannot create: {e}";
        cannot_create_archive(e) => "无法创建档案库：{e}", "cannot create the archive: {e}";
        cannot_create_parent(e) => "无法创建其所在文件夹：{e}", "cannot create its folder: {e}";
        cannot_create_temp_folder(e) => "无法创建临时文件夹：{e}", "cannot create a temporary folder: {e}";
        cannot_create_temp_file(e) => "无法创建临时文件：{e}", "cannot create a temporary file: {e}";
        cannot_write(e) => "无法写入：{e}", "cannot write: {e}";
        cannot_sync(e) => "无法写入磁盘：{e}", "cannot sync: {e}";
        cannot_sync_folder(e) => "无法将文件夹写入磁盘：{e}", "cannot sync the folder: {e}";
        cannot_open_lock(e) => "无法打开锁文件：{e}", "cannot open the lock file: {e}";
        cannot_lock(e) => "无法锁定档案库：{e}", "cannot lock the archive: {e}";
        cannot_move_period(e) => "无法将该月移入档案库：{e}", "cannot move the period into place: {e}";
        cannot_move(e) => "无法移入目标位置：{e}", "cannot move into place: {e}";
        cannot_move_draft(e) => "无法将草稿移入目标位置：{e}", "cannot move the draft into place: {e}";
    }
}

/// [`io_sentences`] with an I/O error's reason in the message's language.
macro_rules! io_says {
    ( $( $name:ident ),* ) => {
        $(
            pub fn $name(e: impl std::borrow::Borrow<std::io::Error>) -> Msg {
                around(&crate::write::os_reason(e.borrow()), |r| io_sentences::$name(r))
            }
        )*
    };
}

io_says!(
    cannot_read,
    cannot_read_archive,
    cannot_create,
    cannot_create_archive,
    cannot_create_parent,
    cannot_create_temp_folder,
    cannot_create_temp_file,
    cannot_write,
    cannot_sync,
    cannot_sync_folder,
    cannot_open_lock,
    cannot_lock,
    cannot_move_period,
    cannot_move,
    cannot_move_draft
);

says! {
    not_synced(p, e) => "{p} 已存入档案库，但档案库文件夹未能写入磁盘（{e}）；如遇断电，请运行 `rmpay verify` 核对",
        "{p} is in place, but the archive folder could not be synced to disk ({e}); after a power loss, run `rmpay verify`";
    no_such_archive() => "档案库不存在", "no such archive";

    // Damaged files: manifests, states, figures, drafts, sign-off logs.
    not_a_manifest(e) => "清单文件无效：{e}", "not a valid manifest: {e}";
    not_a_state(e) => "结转状态文件无效：{e}", "not a valid state file: {e}";
    not_a_figures_file(e) => "不是月度数据文件：{e}", "not a figures file: {e}";
    not_a_draft(e) => "不是草稿记录：{e}", "not a draft record: {e}";
    not_a_log_entry(e) => "不是签核日志记录：{e}", "not a sign-off log entry: {e}";
    not_json(e) => "文件无法解析：{e}", "not valid JSON: {e}";
    log_not_utf8() => "签核日志不是 `UTF-8` 文本", "the sign-off log is not UTF-8 text";
    unknown_format(found) => "格式 `{found}` 无法识别", "unknown format `{found}`";
    unknown_format_expected(found, expected) => "格式 `{found}` 无法识别，应为 `{expected}`",
        "unknown format `{found}`, expected `{expected}`";
    unknown_state_format(found, v1, v2) => "格式 `{found}` 无法识别，应为 `{v1}` 或 `{v2}`",
        "unknown format `{found}`, expected one of `{v1}`, `{v2}`";
    /// A month written in a record that is not one (`en`: the reader's own words).
    field_not_a_period(field, value, en) => "`{field}` 应为 `YYYY-MM` 格式的月份，实为「{value}」", "`{field}`: {en}";
    not_a_period(value, en) => "「{value}」不是 `YYYY-MM` 格式的月份", "{en}";

    // serde_json's reasons, in words (the English is serde_json's own).
    json_eof(line, column, en) => "文件不完整，在第 {line} 行第 {column} 列处中断", "{en}";
    json_syntax(line, column, en) => "格式有误，无法解析（第 {line} 行第 {column} 列）", "{en}";
    json_missing_field(field, line, column, en) => "缺少字段 `{field}`（第 {line} 行第 {column} 列）", "{en}";
    json_unknown_field(field, line, column, en) => "未知字段 `{field}`（第 {line} 行第 {column} 列）", "{en}";
    json_unknown_variant(value, line, column, en) => "取值 `{value}` 无法识别（第 {line} 行第 {column} 列）", "{en}";
    json_wrong_type(line, column, en) => "类型有误（第 {line} 行第 {column} 列）", "{en}";
    json_bad_data(line, column, en) => "内容有误（第 {line} 行第 {column} 列）", "{en}";
    json_io(en) => "读取失败", "{en}";

    // A month that cannot close, or closes once.
    already_closed_rerun(p) => "{p} 已结账；已结账的月份不能覆盖（如需复核，请用 `rmpay rerun`）",
        "{p} is already closed; a closed period is never overwritten (use `rmpay rerun` to re-check it)";
    already_closed(p) => "{p} 已结账；已结账的月份不能覆盖", "{p} is already closed; a closed period is never overwritten";
    out_of_order(p, last) => "{p} 早于最近结账的月份 {last}；各月须按顺序结账",
        "{p} comes before {last}, the last closed period; periods close in order";
    gap(next, p, last) => "{next} 尚未结账：请先为 {next} 结账，再为 {p} 结账（最近结账的月份为 {last}）",
        "{next} is not closed yet: close it before {p} (the last closed period is {last})";
    busy(secs) => "另一个 rmpay 正在写入本档案库（已等待 {secs} 秒）；请待其完成后重试",
        "another rmpay is writing to this archive (waited {secs} s); try again when it has finished";
    not_closed(p) => "{p} 不是已结账的月份：请先用 `rmpay close` 为 {p} 结账", "{p} is not a closed period: close it first with `rmpay close`";

    // verify: the chain and each folder against its manifest.
    missing_between(missing, before, p) => "{before} 与 {p} 之间缺少 {missing}", "{missing} is missing between {before} and {p}";
    manifest_missing() => "清单文件缺失", "the manifest is missing";
    manifest_elsewhere(of, p) => "这是 {of} 的清单，却在 {p} 的文件夹中", "the manifest is for {of}, but sits in the folder of {p}";
    link_broken(pp, psha, p, lp, lsha) => "{pp} 清单的 SHA-256 为 {psha}，但 {p} 的清单链接到 {lp} {lsha}",
        "the manifest of {pp} has SHA-256 {psha}, but {p}'s manifest links to {lp} {lsha}";
    link_to_absent(p, lp) => "{p} 链接到 {lp}，但档案库中没有该月", "{p} links to {lp}, which is not in the archive";
    no_link(p, pp) => "{p} 没有链接到上一期间 {pp}", "{p} has no link to the previous period {pp}";
    listed_but_missing() => "清单中列有此文件，但文件缺失", "listed in the manifest but missing";
    sha_differs(got, listed) => "SHA-256 为 {got}，清单记载为 {listed}", "SHA-256 is {got}, the manifest says {listed}";
    size_differs(got, listed) => "大小为 {got} 字节，清单记载为 {listed} 字节", "{got} bytes, the manifest says {listed}";
    folder_sha_differs(field, p, sha, dir, got) => "{p} 的 `{field}.sha256` 为 {sha}，但文件清单中 `{dir}/` 下的各文件得出 {got}",
        "`{field}.sha256` of {p} is {sha}, but the files of `{dir}/` in the file list give {got}";
    stored_as_absent(field, p, name) => "{p} 的 `{field}.stored_as` 为 `{name}`，但文件清单中没有该文件",
        "`{field}.stored_as` of {p} names `{name}`, which the file list does not hold";
    source_sha_differs(field, p, sha, name, got) => "{p} 的 `{field}.sha256` 为 {sha}，但文件清单记载 {name} 的 SHA-256 为 {got}",
        "`{field}.sha256` of {p} is {sha}, but the file list gives {name} SHA-256 {got}";
    not_listed() => "清单中没有此文件", "not listed in the manifest";
    version_manifest_bad() => "清单文件缺失或无效", "missing or not a valid manifest";
    version_not_in_force(v, p) => "{p} 第 {v} 版未生效：系未完成的更正所留（下次 `rmpay restate` 时删除）",
        "version {v} of {p} is not in force: left by a restatement that did not finish (the next `rmpay restate` removes it)";
    version_links(v, p, lp, lv, sha, got) => "{p} 第 {v} 版链接到 {lp} 第 {lv} 版 {sha}，但该版清单的 SHA-256 为 {got}",
        "version {v} of {p} links to {lp} version {lv} {sha}, whose manifest hashes to {got}";
    version_links_missing(v, p, lp, lv, sha) => "{p} 第 {v} 版链接到 {lp} 第 {lv} 版 {sha}，但该版清单缺失",
        "version {v} of {p} links to {lp} version {lv} {sha}, whose manifest hashes to nothing (missing)";
    version_replaces(v, p, old, sha, got) => "{p} 第 {v} 版替换第 {old} 版 {sha}，但该版清单的 SHA-256 为 {got}",
        "version {v} of {p} replaces version {old} {sha}, whose manifest hashes to {got}";
    version_replaces_missing(v, p, old, sha) => "{p} 第 {v} 版替换第 {old} 版 {sha}，但该版清单缺失",
        "version {v} of {p} replaces version {old} {sha}, whose manifest hashes to nothing (missing)";
    version_unsaid(v, p) => "{p} 第 {v} 版文件夹中的清单未注明是该版本",
        "the manifest in the folder of version {v} of {p} does not say it is that version";
    head_mismatch(head, logs, given) => "档案头为 {head}{logs}，与所给的档案头 {given} 不符：这不是当初抄录档案头的档案库",
        "the archive's head is {head}{logs}, not {given}, the head given: the archive is not the one whose head was written down";
    no_head() => "无（没有已结账的月份）", "nothing (no closed month)";
    log_head(p, h) => "，{p} 签核日志头 {h}", ", {p}'s sign-off log head {h}";
    matched_newest(p) => "最新的清单（{p}）", "the newest manifest ({p})";
    matched_signoff(p) => "{p} 结账后的最后一次签核", "the last sign-off of {p}, after its close";

    // The sign-off log and drafts.
    log_link(seq, linked, before) => "第 {seq} 条记录与上一行接不上：它链接的是 {linked}，而上一行的 SHA-256 为 {before}",
        "entry {seq} links to {linked}, but the line before it has SHA-256 {before}";
    nothing() => "无", "nothing";
    first_line() => "无（这是第一行）", "(none: this is the first line)";
    draft_not_its_name(sha) => "草稿记录的 SHA-256 与其文件夹名 {sha} 不符", "the draft record does not hash to {sha}, its folder's name";
    draft_file_missing() => "草稿记录中列有此文件，但文件缺失", "listed in the draft record but missing";
    draft_sha_differs(got, listed) => "SHA-256 为 {got}，草稿记录记载为 {listed}", "SHA-256 is {got}, the draft record says {listed}";
    log_line_absent(p, sha) => "{p} 的清单记载签核日志行 SHA-256 {sha}，但日志中没有该行",
        "the manifest of {p} names sign-off log line SHA-256 {sha}, which the log does not hold";
    signoff_absent(p, title, office, name, date) => "{p} 的清单记载 {name} {date} 的{title}（{office}）签核，但其签核日志中没有",
        "the manifest of {p} records a {title} ({office}) sign-off by {name} of {date} that its sign-off log does not hold";
    closed_manifest_unlike_log(p, sha, seq, named) => "{p} 的清单 SHA-256 为 {sha}，但签核日志中结账后的第 {seq} 条记录注明的是 {named}",
        "the manifest of {p} has SHA-256 {sha}, but the sign-off log's entry {seq}, signed after the close, names {named}";
    after_close_unnamed(seq, p, sha) => "第 {seq} 条记录在 {p} 结账之后，但未注明其清单 {sha}",
        "entry {seq} comes after the close of {p} but does not name its manifest {sha}";

    // close: the signed draft, and an archive that changed meanwhile.
    folder_changed(p, sha) => "计算 {p} 期间该文件夹有改动（读取时 SHA-256 为 {sha}）；请重新运行",
        "the folder changed while {p} was being computed (SHA-256 {sha} when read); run again";
    file_changed(p, sha) => "计算 {p} 期间该文件有改动（读取时 SHA-256 为 {sha}）；请重新运行",
        "the file changed while {p} was being computed (SHA-256 {sha} when read); run again";
    opening_changed(p, was, now, again) => "计算 {p} 期间档案库有变动：计算时期初状态取自「{was}」，现在应取自「{now}」；{again}",
        "the archive changed while {p} was being computed: it opened from `{was}`, and would now open from `{now}`; {again}";
    close_again() => "请重新结账", "close again";
    payroll_again() => "请重新运行工资计算", "run the payroll again";
    no_draft_to_close(p, root, steps) => "{p} 没有草稿：请用 `rmpay payroll --archive {root} …` 生成草稿，并依次签核（{steps}）",
        "{p} has no draft: record one with `rmpay payroll --archive {root} …` and have it signed ({steps})";
    not_the_signed(what, draft, given, drafted) =>
        "所给{what}不是已签核草稿 {draft} 的{what}（所给：`{given}`，草稿的：`{drafted}`）；请用已签核草稿的输入结账，或用 `rmpay payroll --archive` 记录这些输入并重新签核",
        "the {what} given is not the one of draft {draft} that was signed ({what}: `{given}`, the draft's: `{drafted}`); close the inputs of the signed draft, or record these with `rmpay payroll --archive` and have them signed";
    input_ledger() => "台账", "ledger";
    input_policy() => "政策", "policy";
    input_opening() => "期初状态", "opening state";
    output_differs(name, draft) => "现在算出的 {name} 与草稿 {draft} 的不同（rmpay 版本不同？）；请重新记录草稿并签核",
        "{name} computed now differs from draft {draft}'s (another rmpay version?); record the draft again and have it signed";
    no_valid_signoff(p, step, office, draft, void) => "{p} 的草稿 {draft} 没有有效的{step}（{office}）签核{void}",
        "{p} has no valid {step} ({office}) sign-off for draft {draft}{void}";
    voided(name, date, draft, by, ledger) => "（{name} {date} 的签核针对草稿 {draft}，已被 {ledger} 的草稿 {by} 作废）",
        " ({name}'s sign-off of {date} was for draft {draft}, voided by draft {by} of {ledger})";
    signoffs_changed(p) => "结账 {p} 期间其签核有变动；请重新结账", "the sign-offs of {p} changed while it was being closed; close again";

    // sign.
    closed_unsigned(p) => "{p} 结账时未经签核（当时的政策没有 `[workflow]`）：结账后无需签核",
        "{p} was closed without sign-off (its policy had no [workflow] then): there is nothing to sign after it";
    no_draft_to_sign(p, root) => "{p} 没有待签核的草稿：请先用 `rmpay payroll --archive {root} --ledger … --out …` 生成草稿",
        "{p} has no draft to sign: record one with `rmpay payroll --archive {root} --ledger … --out …`";
    draft_gone(p) => "{p} 的草稿已不存在；请重新运行该命令", "the draft of {p} is gone; run the command again";
    no_workflow(id) => "政策 `{id}` 没有 `[workflow]`：其各月结账无需签核", "policy `{id}` has no [workflow]: its months close without sign-off";
    unknown_step(step, id, steps, hint) => "`--step` 的「{step}」不是政策 `{id}` 审批流程中的环节（{steps}）{hint}",
        "--step `{step}` is not a step of policy `{id}`'s workflow ({steps}){hint}";
    before_close(p, step, office) => "{p} 已结账：{step}（{office}）在结账之前，该月清单已记录结账所依据的签核",
        "{p} is closed: {step} ({office}) comes before the close, and the month's manifest records the sign-offs it was closed on";
    after_close(p, step, office) => "{step}（{office}）在结账之后：请先为 {p} 结账", "{step} ({office}) comes after the close: close {p} first";
    out_of_turn(step, office, before, before_office, draft) =>
        "{step}（{office}）须在{before}（{before_office}）之后，而草稿 {draft} 尚无有效的{before}签核",
        "{step} ({office}) comes after {before} ({before_office}), which has no valid sign-off for draft {draft}";
    dated_before(date, step, office, before, before_office, before_date, seq) =>
        "{step}（{office}）的签核日期 {date} 早于{before}（{before_office}）的签核日期 {before_date}（第 {seq} 条记录）：每个环节在前一环节之后签核（请核对 `--date`）",
        "{step} ({office}) dated {date} comes before {before} ({before_office}), signed on {before_date} (entry {seq}): a step is signed on or after the one before it (check `--date`)";
    signed_once(step, office, draft, name, date, seq) =>
        "草稿 {draft} 的{step}（{office}）已由 {name} 于 {date} 签核（第 {seq} 条记录）；每个环节只签一次",
        "{step} ({office}) of draft {draft} was signed by {name} on {date} (entry {seq}); a step is signed once";
    same_signer(name, signed, signed_office, draft, date, seq, step, office) =>
        "{name} 已于 {date} 签核草稿 {draft} 的{signed}（{signed_office}）（第 {seq} 条记录），不能再签{step}（{office}）：政策的 `[workflow]` 要求各环节由不同的人签核（设 `separate_signers = false` 可由一人兼签）",
        "{name} signed {signed} ({signed_office}) of draft {draft} on {date} (entry {seq}) and cannot also sign {step} ({office}): the policy's [workflow] has each step signed by a different person (unless it sets `separate_signers = false`)";

    // rerun.
    no_version(p, v, versions) => "{p} 没有第 {v} 版（现有版本：{versions}）", "{p} has no version {v} (versions: {versions})";
    same_figures(path) => "{path}：数据相同，字节不同", "{path}: same figures, different bytes";
    figure_differs(path, figure, was, now) => "{path}：`{figure}`：存档为 `{was}`，重算为 `{now}`",
        "{path}: {figure}: archived `{was}`, recomputed `{now}`";
    more_figures(path, n) => "{path}：……另有 {n} 项数据", "{path}: … and {n} more figures";
    no_figure() => "（无）", "(none)";
    records(n) => "{n} 条记录", "{n} record(s)";

    // The figures a closed month keeps (figures.json).
    unknown_sheet(id) => "`sheets`：未知工作表 `{id}`", "`sheets`: unknown sheet `{id}`";
    not_a_cell(what, n, text) => "`{what}` 第 {n} 条记录：`{text}` 不是单元格", "`{what}` record {n}: `{text}` is not a cell";
    unknown_word(what, n, field, text) => "`{what}` 第 {n} 条记录：`{field}` 的值 `{text}` 无法识别",
        "`{what}` record {n}: `{field}` `{text}` is not a known value";
    base_deposit_pair(n) => "`managers` 第 {n} 条记录：`base_deposit` 与 `base_deposit_cell` 须同时给出",
        "`managers` record {n}: `base_deposit` and `base_deposit_cell` go together";
    not_a_decimal(i, t) => "`deposit_averages[{i}].balance_sum` 为 `{t}`，应为小数",
        "`deposit_averages[{i}].balance_sum` is `{t}`, expected a decimal";
    deposits_kind(other) => "`deposits` 为 `{other}`，应为 `daily` 或 `averages`", "`deposits` is `{other}`, expected `daily` or `averages`";
    fee_owner(n) => "`fees` 第 {n} 条记录：`client_id` 与 `rm_id` 须且只须给出一个",
        "`fees` record {n}: one of `client_id` and `rm_id`, not both or neither";

    // restate.
    /// A line of rmpay's own on the console.
    rmpay_says(what) => "rmpay：{what}", "rmpay: {what}";
    empty_reason() => "`--reason` 为空：请写明更正原因（原因记入每个新版本，并在每条调整行中注明）",
        "--reason is empty: say why the month is restated (it is recorded in every new version and named by every adjustment line)";
    restate_not_closed(p) => "{p} 不是本档案库中已结账的月份：只有已结账的月份才能更正（未结账的月份请重新生成草稿更正）",
        "{p} is not a closed period of this archive: only a closed month is restated (an open month is corrected by drafting it again)";
    ledger_in_force(p, sha) => "这是 {p} 现行版本的台账（SHA-256 {sha}）：请用更正后的台账",
        "this is the ledger of {p}'s version in force (SHA-256 {sha}): a restatement needs the corrected ledger";
    closed_meanwhile(p) => "更正 {p} 期间有月份结账；请重新执行更正", "a month was closed while {p} was being restated; restate again";
    changed_meanwhile(q, p) => "更正 {p} 期间 {q} 有变动（另一更正同时进行？）；请重新执行更正",
        "{q} changed while {p} was being restated (another restate?); restate again";
    version_broken(version, q, what) => "{q} 第 {version} 版：{what}", "version {version} of {q}: {what}";
    chain_broken() => "更正版本链断裂", "its chain of restated versions is broken";
    corrected_not_before() => "被更正的月份不在其之前", "the corrected month is not before it";

    // statement.
    differs_from_register(rm, p) => "重算 {p} 所得 {rm} 的数字与已结账的工资汇总表不符；请运行 `rmpay rerun` 和 `rmpay verify` 核对",
        "{rm}'s figures recomputed for {p} differ from the closed register; run `rmpay rerun` and `rmpay verify`";

    // payout.
    no_payout_profile(p, id, version) => "{p} 结账时所依据的政策（`{id}` {version}）没有 `[payout]` 表：未规定银行代发文件的格式",
        "the policy {p} was closed under (`{id}` {version}) has no `[payout]` table: it does not say how the bank's batch-payment file is laid out";
    payout_not_closed(p) => "{p} 尚未结账：只有已结账的月份才能生成代发文件（请先用 `rmpay close` 结账）",
        "{p} is not closed: only a closed month pays out (close it with `rmpay close` first)";
    payout_not_issued(p, step, office) => "{p} 的{step}（{office}）尚未签核：政策的审批流程在结账后还有此环节，代发文件须在其签核后才能生成（`rmpay sign --archive 档案库 --period {p} --step {step} --name 姓名`）",
        "{p}'s {step} ({office}) is not signed yet: the policy's workflow has this step after the close, and the pay-out file is written only once it is signed (`rmpay sign --archive DIR --period {p} --step {step} --name NAME`)";
    payout_inside_archive() => "代发文件须写在档案库之外：档案库只存放 `close` 写入的文件",
        "write the pay-out file outside the archive: the archive holds only what `close` wrote";
    register_differs(rm, got, p, want) => "已结账的工资汇总表中 {rm} 的实发合计为 {got}，重算 {p} 得 {want}：请运行 `rmpay verify` 和 `rmpay rerun` 核对",
        "the closed register gives {rm} a total paid of {got}, recomputing {p} gives {want}: run `rmpay verify` and `rmpay rerun`";
    register_lacks(rm, p, want) => "已结账的工资汇总表中没有 {rm} 的实发合计，重算 {p} 得 {want}：请运行 `rmpay verify` 和 `rmpay rerun` 核对",
        "the closed register gives {rm} a total paid of nothing, recomputing {p} gives {want}: run `rmpay verify` and `rmpay rerun`";
    negative_payout(rm, p, amount) => "{rm} {p} 的实发合计为 {amount}：代发文件不能发放负数金额；请更正该月",
        "{rm}'s total paid for {p} is {amount}: a pay-out file pays no negative amount; correct the month";
    missing_card(rm, name, amount, p, found) => "缺少 {rm}（{name}）的工资卡号：其 {p} 实发 {amount}，{found}",
        "expected the salary-card account of {rm} ({name}), who is paid {amount} for {p}, found {found}";
    card_cell_empty() => "该单元格为空", "an empty cell";
    unpayable_cards(p, count, ids) => "{p} 有 {count} 位客户经理实发金额不为零，却没有工资卡号：{ids}。政策的 `[payout]` 按工资卡代发，结账后 `rmpay payout` 将无法生成该月的代发文件（已结账的月份不再改动）：请在结账前补上「工资卡号」",
        "{count} RM(s) paid for {p} have no salary card: {ids}. The policy's `[payout]` pays to salary cards, so once the month is closed `rmpay payout` cannot write its pay-out file (a closed month is never changed): add their cards in the managers sheet's `salary_card` column before closing";
    unpayable_more(ids, more) => "{ids} 等（另有 {more} 位）", "{ids} and {more} more";
    unpayable_other(message) => "结账后 `rmpay payout` 将因此无法生成代发文件：{message}",
        "once the month is closed, `rmpay payout` will refuse it for this: {message}";
    no_card_column(header) => "表中没有「{header}」列", "no `salary_card` ({header}) column in the sheet";
    duplicate_card(card, row, rm) => "每张工资卡只能出现一次：{rm} 的工资卡 {card} 已在第 {row} 行出现",
        "expected each salary card once, found {card} again (first on row {row}) for {rm}";
    payout_places(rm, amount, places) => "{rm} 的实发合计 {amount} 的小数位多于代发文件规定的 {places} 位",
        "{rm}'s total paid {amount} has more than the pay-out file's {places} decimal places";
    name_like_formula(rm, name, ch) => "{rm} 的姓名「{name}」以「{ch}」开头，电子表格软件打开代发文件时会当作公式运行；姓名不以 `=`、`+`、`-`、`@` 开头，请更正台账",
        "the name `{name}` of {rm} begins with `{ch}`, which a spreadsheet opening the pay-out file runs as a formula; a name never begins with =, +, - or @: correct the ledger";
    not_in_gbk(header, rm, ch) => "{rm} 的 `{header}` 含有「{ch}」，代发文件的 `GBK` 编码无法写入",
        "the `{header}` of {rm} holds `{ch}`, which the pay-out file's GBK encoding cannot write";
    file_not_in_gbk() => "文件中有字符无法用 `GBK` 编码写入", "a character of the file cannot be written in GBK";
}

/// Why serde_json could not read a file of the archive: in Chinese in
/// words, keeping the field or value it names and where; in English
/// serde_json's own text.
pub fn json_reason(e: &serde_json::Error) -> Msg {
    use serde_json::error::Category;
    let en = e.to_string();
    let (line, column) = (e.line(), e.column());
    // The first `…` of serde's text: the field or value it names.
    let named = || en.split('`').nth(1).map(str::to_string).unwrap_or_default();
    match e.classify() {
        Category::Io => json_io(&en),
        Category::Eof => json_eof(line, column, &en),
        Category::Syntax => json_syntax(line, column, &en),
        Category::Data if en.starts_with("missing field `") => {
            json_missing_field(named(), line, column, &en)
        }
        Category::Data if en.starts_with("unknown field `") => {
            json_unknown_field(named(), line, column, &en)
        }
        Category::Data if en.starts_with("unknown variant `") => {
            json_unknown_variant(named(), line, column, &en)
        }
        Category::Data if en.starts_with("invalid type") => json_wrong_type(line, column, &en),
        Category::Data => json_bad_data(line, column, &en),
    }
}

/// Items joined by the language's list separator (`、` / `, `).
pub fn list(items: &[String], l: Lang) -> String {
    items.join(super::list_sep(l))
}

/// An amount in a sentence: in Chinese with thousands separators
/// (`2,299.995`), in English as the figure is written (`2299.995`), every
/// place kept.
pub fn amount(d: rust_decimal::Decimal, l: Lang) -> String {
    match l {
        Lang::Zh => crate::report::pay::amount_text(d, d.scale()),
        Lang::En => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn amounts_in_chinese_have_separators_and_keep_their_places() {
        // 2,299.995: three places kept, thousands grouped.
        assert_eq!(amount(Decimal::new(2_299_995, 3), Lang::Zh), "2,299.995");
        assert_eq!(amount(Decimal::new(2_299_995, 3), Lang::En), "2299.995");
        // −1,234,567.00 and a figure under a thousand.
        assert_eq!(
            amount(Decimal::new(-123_456_700, 2), Lang::Zh),
            "-1,234,567.00"
        );
        assert_eq!(amount(Decimal::new(999, 0), Lang::Zh), "999");
    }

    /// An archive file that cannot be written (a full disk under a sign-off
    /// or a close; found by the fourth independent test) gives the OS's
    /// reason in Chinese by its kind, as every other I/O failure does, and
    /// never the temporary file's name `tempfile` adds: it used to print
    /// `无法写入：No space left on device (os error 28) at path "…/.signoffs-…"`.
    #[test]
    fn archive_io_failures_give_the_os_reason_in_each_language() {
        let full = std::io::Error::from_raw_os_error(28);
        let m = cannot_write(&full);
        assert_eq!(m.get(Lang::Zh), "无法写入：磁盘已满");
        assert_eq!(
            m.get(Lang::En),
            "cannot write: No space left on device (os error 28)"
        );
        // As `tempfile` reports a write into its file: the path appended.
        let at_path = std::io::Error::new(
            std::io::ErrorKind::ReadOnlyFilesystem,
            "Read-only file system (os error 30) at path \"/a/drafts/2026-10/.signoffs-x1Y2z3\"",
        );
        let m = cannot_create_archive(at_path);
        assert_eq!(m.get(Lang::Zh), "无法创建档案库：磁盘为只读");
        assert_eq!(
            m.get(Lang::En),
            "cannot create the archive: Read-only file system (os error 30)"
        );
    }

    #[test]
    fn serde_json_reasons_read_in_chinese_and_stay_serde_s_in_english() {
        let e = serde_json::from_slice::<serde_json::Value>(b"{\n").unwrap_err();
        let m = json_reason(&e);
        assert_eq!(
            m.get(Lang::En),
            "EOF while parsing an object at line 2 column 0"
        );
        assert_eq!(m.get(Lang::Zh), "文件不完整，在第 2 行第 0 列处中断");
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct F {
            format: String,
        }
        let e = serde_json::from_slice::<F>(b"{}").unwrap_err();
        assert_eq!(
            json_reason(&e).get(Lang::Zh),
            "缺少字段 `format`（第 1 行第 2 列）"
        );
        let nested = around(&json_reason(&e), |r| not_a_manifest(r));
        assert_eq!(
            nested.get(Lang::En),
            "not a valid manifest: missing field `format` at line 1 column 2"
        );
        assert_eq!(
            nested.get(Lang::Zh),
            "清单文件无效：缺少字段 `format`（第 1 行第 2 列）"
        );
    }
}
