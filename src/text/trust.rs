//! Diagnostic sentences: the archive's trust checks (a folder named as a
//! month with no manifest, the policy in force for a month, the build a
//! month was closed by, a ledger named for another month, amounts that
//! look typed in 万元, and RMs who served part of a review period).

says! {
    // A folder of the archive named as a month, with no manifest.
    stray_month(name, p, content) => "文件夹 {name} 以月份 {p} 命名，但其中没有清单（manifest.json），因此不是已结账的月份（多为手工新建，或复制中断所留；{content}）：请将它移出档案库（若为空，直接删除），然后重新运行；`rmpay verify` 可核对档案库其余部分",
        "the folder {name} is named as the month {p} but holds no manifest.json, so it is not a closed month (made by hand, or left by an interrupted copy; {content}): move it out of the archive (delete it if it is empty), then run the command again; `rmpay verify` checks the rest of the archive";
    stray_empty() => "文件夹为空", "it is empty";
    stray_holds(n) => "其中有 {n} 项文件或文件夹", "it holds {n} file(s) or folder(s)";
}
