//! Diagnostic sentences: Running a command: arguments, files read and written, the pipelines' checks, and where a problem is.

says! {
    // Where a problem is.
    at_column(column) => "{column} 列", "column {column}";
    at_row_column(row, column) => "第 {row} 行 {column} 列", "row {row} column {column}";
    overflow_check(rm, what) => "{rm}：{what}；请核对政策的比率与台账的金额",
        "{rm}: {what}; check the policy's rates and the ledger's amounts";
    more_of_this_kind(n) => "……同类问题另有 {n} 处", "… and {n} more of this kind";
}
