//! Diagnostic sentences: the archive's trust checks (a folder named as a
//! month with no manifest, the policy in force for a month, the build a
//! month was closed by, a ledger named for another month, amounts that
//! look typed in 万元, and RMs who served part of a review period).

says! {
    // A folder of the archive named as a month, with no manifest.
    stray_month(name, p, content) => "文件夹 {name} 以月份 {p} 命名，但其中没有清单（`manifest.json`），因此不是已结账的月份（多为手工新建，或复制中断所留；{content}）：请将它移出档案库（若为空，直接删除），然后重新运行；`rmpay verify` 可核对档案库其余部分",
        "the folder {name} is named as the month {p} but holds no `manifest.json`, so it is not a closed month (made by hand, or left by an interrupted copy; {content}): move it out of the archive (delete it if it is empty), then run the command again; `rmpay verify` checks the rest of the archive";
    stray_empty() => "文件夹为空", "it is empty";
    stray_holds(n) => "其中有 {n} 项文件或文件夹", "it holds {n} file(s) or folder(s)";

    // The policy in force for a month of the archive.
    policy_not_in_force_for_month(id, version, range, p) => "政策 `{id}` {version} 的生效期为{range}，不含 {p}：档案库只收录按当月生效的政策计算的月份；请改用 {p} 生效的版本（或用 `--rules` 目录，按生效日期选取版本）",
        "policy `{id}` version {version} is in force {range}, not in {p}: an archive holds a month only as computed under the policy in force for it; give the version in force in {p} (or `--rules DIR`, which picks the version by its dates)";
    policy_not_the_archived(id, version, sha, p, q, aid, aversion, asha, range, stored) => "政策 `{id}` {version}（SHA-256 {sha}）不是 {p} 生效的政策：档案库中 {q} 按政策 `{aid}` {aversion}（SHA-256 {asha}，生效期{range}，存于 {stored}）结账，该政策在 {p} 仍然有效；请用该政策计算 {p}；如政策已修订，新版本须写明较晚的生效日期（`effective_from`）",
        "policy `{id}` version {version} (SHA-256 {sha}) is not the policy in force in {p}: the archive closed {q} under policy `{aid}` version {aversion} (SHA-256 {asha}, in force {range}, stored as {stored}), which is still in force in {p}; compute {p} under that policy, or, for a revised policy, give the new version a later `effective_from`";

    // The build that closed a month, and the one that re-runs it.
    build_commit(version, commit) => "rmpay {version}（`git` 提交 {commit}）", "rmpay {version} (git commit {commit})";
    build_no_commit(version) => "rmpay {version}（提交未知：由不含 `git` 的源码构建）", "rmpay {version} (commit unknown: built from a source tree without git)";
    build_not_recorded(version) => "rmpay {version}（构建未记录：该月结账时清单尚不记录构建）", "rmpay {version} (build not recorded: closed before manifests recorded builds)";
    manifest_without_build(format) => "格式为 `{format}` 的清单应记录 `build`（写入清单的 rmpay 构建），实际没有", "a manifest of format `{format}` records its `build` (the rmpay build that wrote it), this one has none";
    closed_by_other_build(p, closed, now) => "{p} 由 {closed} 结账，现由 {now} 重算：单元格相同而字节不同，出自两个构建写文件的方式不同，数字未变",
        "{p} was closed by {closed} and re-run by {now}: the cells are the same and the bytes differ, from how the two builds write their files; no figure changed";
    closed_by_same_build(p, build) => "{p} 由同一构建 {build} 结账并重算：单元格相同而字节不同，请用 `rmpay verify` 核对档案库",
        "{p} was closed and re-run by the same build, {build}: the cells are the same but the bytes differ; check the archive with `rmpay verify`";

    // A ledger named for one month, dated in another.
    named_for_another_month(named, p) => "文件名为 {named} 的台账，日期却是 {p} 的：计算的是 {p}（按日期）；如这不是 {p} 的台账，请换用 {named} 的台账；如文件名有误，请更正文件名，或给出 `--period {p}` 确认",
        "the file name says {named}, but the ledger's dates are of {p}: the month computed is {p} (its dates); if this is not {p}'s ledger, give {named}'s; if the name is wrong, rename the file, or give `--period {p}` to confirm";

    // RMs who served part of a review period: not assessed.
    review_not_assessed() => "不参加考核", "not assessed";
    part_period_left(on, n, total, served) => "考核期内离岗（{on}）：在岗 {n} 个月（{served}），考核期共 {total} 个月；未满考核期，不参加考核（其业绩仍计入所在机构）",
        "left during the review period ({on}): served {n} of its {total} months ({served}); not assessed for part of a period (their months still count in their branch's figures)";
    part_period_left_undated(n, total, served) => "考核期内离岗（台账未填离岗日期）：在岗 {n} 个月（{served}），考核期共 {total} 个月；未满考核期，不参加考核（其业绩仍计入所在机构）",
        "left during the review period (no leaving date in the ledger): served {n} of its {total} months ({served}); not assessed for part of a period (their months still count in their branch's figures)";
    part_period_not_listed(until, last, n, total, served) => "{until} 之后的台账不再列出（调出或离职；台账至 {last}）：在岗 {n} 个月（{served}），考核期共 {total} 个月；未满考核期，不参加考核（其业绩仍计入所在机构）",
        "not listed by the ledgers after {until} (transferred away or left; the ledgers run to {last}): served {n} of its {total} months ({served}); not assessed for part of a period (their months still count in their branch's figures)";

    // Deposit amounts that look typed in 万元.
    amounts_look_like_wan(largest, limit, target, what, in_wan, in_yuan) => "表头未注明单位，按元读取；但各客户经理的存款日均均低于 {limit} 元（最高 {largest} 元），不到政策中最低的存款目标 {target} 元（`{what}`）的千分之一：此列似以万元填写（读作元则小了一万倍）。如以万元填写，请将表头改为「{in_wan}」；如确以元填写，请改为「{in_yuan}」以确认",
        "the header declares no unit, so the amounts are read as yuan; but every RM's daily-average deposits are below {limit} (the largest {largest}), a thousandth of the policy's smallest deposit target {target} (`{what}`): the column looks typed in 万元 (read as yuan, 10,000 times too small). If it is in 万元, head it `{in_wan}`; if it is in yuan, head it `{in_yuan}` to confirm";
}
