//! Running a command, in Chinese (issue 12, point 1): under `--lang zh`
//! or a Chinese locale, the diagnostics of the command line, of files
//! that cannot be read or written and of a review's inputs are Chinese,
//! clap's own errors too; identifiers (error codes, flags, ids, file
//! names, values as typed) stay as they are. A few runs are pinned whole;
//! [`chinese_run_errors_hold_no_english_but_identifiers`] scans every
//! case of [`CASES`].

use super::test::Test;

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const LEDGER: &str = "fixtures/2026-10.xlsx";

/// A Chinese locale, as a branch's PC has it.
const ZH_LOCALE: (&str, &str) = ("LANG", "zh_CN.UTF-8");

/// A refused run under `--lang zh`: its whole stderr and its status.
fn zh(args: &[&str], stderr: &str, status: i32) {
    let mut t = Test::new().arg("--lang").arg("zh");
    for a in args {
        t = t.arg(a);
    }
    t.stderr(stderr).status(status).run();
}

#[test]
fn a_bad_period_is_one_chinese_line_naming_the_flag_and_the_value() {
    zh(
        &[
            "payroll", "--policy", POLICY_A, "--ledger", LEDGER, "--period", "2026-13", "--out",
            "$TMP/out",
        ],
        "error: `--period`：「2026-13」不是月份，请写成 `YYYY-MM`（如 2026-10）\n",
        2,
    );
    zh(
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            "2026-13=fixtures/2026-10.xlsx",
            "--year",
            "2026",
            "--out",
            "$TMP/out",
        ],
        "error: `--ledgers 2026-13=fixtures/2026-10.xlsx`：「2026-13」不是月份，请写成 `YYYY-MM`（如 2026-10）\n",
        2,
    );
}

/// The OS's reason in Chinese, by the kind of failure: a file missing, a
/// folder where a file is read, a file where a folder is made.
#[test]
fn files_that_cannot_be_read_or_written_say_why_in_chinese() {
    Test::new()
        .env(ZH_LOCALE.0, ZH_LOCALE.1)
        .args(["check", "--policy", "$TMP/policy.toml"])
        .stderr("$TMP/policy.toml: error[io]: 文件不存在\n")
        .status(2)
        .run();
    // Read as a file, a folder fails with EISDIR ("Is a directory").
    zh(
        &["check", "--policy", "$TMP"],
        "$TMP: error[io]: 无法读取：是一个文件夹，不是文件\n",
        2,
    );
    // `--out` under a file: ENOTDIR ("Not a directory").
    Test::new()
        .write("file", "")
        .args([
            "--lang", "zh", "payroll", "--policy", POLICY_A, "--ledger", LEDGER,
        ])
        .args(["--out", "$TMP/file/out"])
        .stderr("$TMP/file/out: error[io]: 无法创建：路径中有一项不是文件夹\n")
        .status(2)
        .run();
}

/// "Did you mean" in Chinese, after a Chinese sentence.
#[test]
fn an_unknown_rm_is_named_with_the_closest_one() {
    zh(
        &[
            "explain", "--policy", POLICY_A, "--ledger", LEDGER, "--rm", "RM01",
        ],
        "
        2026-10.xlsx [客户经理]: error[unknown-rm]: `--rm RM01`：2026-10 的台账中没有客户经理 `RM01`（是否应为 `RM001`？）
        rmpay：1 个错误；未写入任何文件
        ",
        1,
    );
    zh(
        &["statement", "--policy", POLICY_A, "--ledger", LEDGER, "--rm", "RM0001", "--out", "$TMP/out"],
        "
        2026-10.xlsx [客户经理]: error[unknown-rm]: `--rm RM0001`：2026-10 的台账中没有客户经理 `RM0001`（是否应为 `RM001`？）
        rmpay：1 个错误；未写入任何文件
        ",
        1,
    );
}

#[test]
fn a_refused_review_says_why_in_chinese() {
    zh(
        &["review", "--policy", POLICY_A, "--ledgers", LEDGER, "--year", "2026", "--quarter", "4", "--out", "$TMP/out"],
        "
        rmpay: error[missing-months]: 2026-Q4 考核需要每个月的台账；缺少：2026-11、2026-12（请补齐这些月份的台账，或加 `--partial` 做部分期间考核）
        rmpay：1 个错误；未写入任何文件
        ",
        1,
    );
    // Policy B is in force from 2026-01-01 on; its October ledger is of
    // another year than 2025's.
    zh(
        &[
            "review", "--policy", "rules/bocom-nanchang.toml", "--ledgers", "fixtures/bocom-2026-10.xlsx",
            "--year", "2025", "--quarter", "4", "--partial", "--out", "$TMP/out",
        ],
        "
        rules/bocom-nanchang.toml: error[no-policy-in-force]: 政策 `bocom-nanchang` 2026.1 的生效期为 2026-01-01 起，不含考核期 2025-Q4 的最后一个月 2025-12
        fixtures/bocom-2026-10.xlsx: error[outside-review]: 台账是 2026-10 的，不在考核期 2025-Q4 内
        rmpay：2 个错误；未写入任何文件
        ",
        1,
    );
}

/// A ledger of monthly averages whose file name gives no month.
#[test]
fn a_ledger_without_its_month_says_how_to_name_it_in_chinese() {
    let bytes = std::fs::read(super::util::root().join("fixtures/bocom-2026-10.xlsx")).unwrap();
    Test::new()
        .write("bocom.xlsx", bytes)
        .args(["--lang", "zh", "review", "--policy", "rules/bocom-nanchang.toml"])
        .args(["--ledgers", "$TMP/bocom.xlsx", "--year", "2026", "--quarter", "4", "--partial"])
        .args(["--out", "$TMP/out"])
        .stderr("
            $TMP/bocom.xlsx: error[period-unknown]: 台账给的是月日均而非每日余额，且文件名中没有月份：请在文件名中写明月份（`YYYY-MM`、`YYYYMM` 或 `YYYY年M月`，如 `2026-10.xlsx`），或写成 `YYYY-MM=$TMP/bocom.xlsx`
            rmpay：1 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

/// clap's errors follow the locale (no `--lang` given) and `--lang` as
/// typed, even on the command line clap refuses.
#[test]
fn clap_errors_are_chinese_under_a_chinese_console() {
    Test::new()
        .env(ZH_LOCALE.0, ZH_LOCALE.1)
        .args(["payroll", "--polcy", "x"])
        .stderr(
            "
            error: 无法识别的参数 `--polcy`

              提示：相近的参数有 `--policy`

            用法：rmpay payroll --ledger <FILE> --out <DIR> <--policy <FILE>|--rules <DIR>>

            更多说明请用 `--help` 查看。
        ",
        )
        .status(2)
        .run();
    zh(
        &["payroll", "--ledger", LEDGER],
        "
        error: 缺少必需的参数：
          --out <DIR>
          <--policy <FILE>|--rules <DIR>>

        用法：rmpay payroll --ledger <FILE> --out <DIR> <--policy <FILE>|--rules <DIR>>

        更多说明请用 `--help` 查看。
        ",
        2,
    );
    zh(
        &[
            "review",
            "--policy",
            POLICY_A,
            "--year",
            "2026",
            "--quarter",
            "5",
            "--ledgers",
            LEDGER,
            "--out",
            "$TMP/out",
        ],
        "
        error: 「5」不是 `--quarter <N>` 的有效取值（应在 1 到 4 之间）

        更多说明请用 `--help` 查看。
        ",
        2,
    );
    // `--lang` itself wrong: the console stays the locale's (English here).
    Test::new()
        .args(["payroll", "--lang", "fr"])
        .stderr(
            "
            error: invalid value 'fr' for '--lang <LANG>'
              [possible values: zh, en]

            For more information, try '--help'.
        ",
        )
        .status(2)
        .run();
}

/// A case: the arguments, and the files to write into `$TMP` first
/// (name, bytes).
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static [u8])],
);

/// The cases of [`chinese_run_errors_hold_no_english_but_identifiers`]:
/// each refused run of this area, under `--lang zh`.
const CASES: &[Case] = &[
    (
        &[
            "payroll", "--policy", POLICY_A, "--ledger", LEDGER, "--period", "2026-13", "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (&["check", "--policy", "$TMP/policy.toml"], &[]),
    (&["check", "--policy", "$TMP"], &[]),
    (&["check", "--rules", "rules"], &[]),
    (
        &[
            "payroll",
            "--policy",
            POLICY_A,
            "--ledger",
            LEDGER,
            "--out",
            "$TMP/file/out",
        ],
        &[("file", b"")],
    ),
    (
        &[
            "explain", "--policy", POLICY_A, "--ledger", LEDGER, "--rm", "RM01",
        ],
        &[],
    ),
    (&["explain", "--rm", "RM001", "--period", "2026-10"], &[]),
    (&["statement", "--rm", "RM001", "--out", "$TMP/out"], &[]),
    (
        &[
            "statement",
            "--policy",
            POLICY_A,
            "--ledger",
            LEDGER,
            "--rm",
            "RM0001",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2027",
            "--quarter",
            "4",
            "--partial",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            LEDGER,
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2026",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "999999",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            "2026-13=fixtures/2026-10.xlsx",
            "--year",
            "2026",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--previous-review",
            "$TMP/p.json",
            "--out",
            "$TMP/out",
        ],
        &[("p.json", b"not json")],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--previous-review",
            "$TMP/p.json",
            "--out",
            "$TMP/out",
        ],
        &[("p.json", br#"{"format": "rmpay.pay/1"}"#)],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--previous-review",
            "$TMP/p.json",
            "--out",
            "$TMP/out",
        ],
        &[(
            "p.json",
            br#"{"format": "rmpay.review/1", "period": "2024"}"#,
        )],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--previous-review",
            "$TMP/p.json",
            "--out",
            "$TMP/out",
        ],
        &[(
            "p.json",
            br#"{"format": "rmpay.review/1", "period": "2025"}"#,
        )],
    ),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--ledgers",
            LEDGER,
            "--year",
            "2026",
            "--quarter",
            "4",
            "--partial",
            "--previous-review",
            "$TMP",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    (
        &[
            "review",
            "--policy",
            "rules/bocom-nanchang.toml",
            "--ledgers",
            "fixtures/bocom-2026-10.xlsx",
            "--year",
            "2025",
            "--quarter",
            "4",
            "--partial",
            "--out",
            "$TMP/out",
        ],
        &[],
    ),
    // clap's.
    (&["payroll", "--polcy", "x"], &[]),
    (&["payroll", "--ledger", LEDGER], &[]),
    (
        &[
            "payroll", "--policy", "a", "--rules", "b", "--ledger", LEDGER, "--out", "o",
        ],
        &[],
    ),
    (
        &[
            "payroll", "--policy", "a", "--policy", "b", "--ledger", LEDGER, "--out", "o",
        ],
        &[],
    ),
    (&["payrol"], &[]),
    (&[], &[]),
    (
        &[
            "review",
            "--policy",
            POLICY_A,
            "--year",
            "2026",
            "--quarter",
            "x",
            "--ledgers",
            LEDGER,
            "--out",
            "o",
        ],
        &[],
    ),
    (&["payroll", "--lang", "fr"], &[]),
];

/// Words a Chinese run may print: the diagnostic's frame (`error[code]`,
/// `warning`), the program's name.
const ZH_MAY_SAY: &[&str] = &["error", "warning", "rmpay", "SHA"];

/// The English words of `line` outside identifiers (see
/// [`util::english_words`](super::util::english_words)), and none in the
/// usage line (`用法：rmpay payroll [OPTIONS] …`: the command's syntax, as
/// clap writes it).
fn english_words(line: &str) -> Vec<String> {
    if line.starts_with("用法：") {
        return Vec::new();
    }
    super::util::english_words(line, ZH_MAY_SAY)
}

#[test]
fn chinese_run_errors_hold_no_english_but_identifiers() {
    for (args, files) in CASES {
        let tmp = tempfile::tempdir().unwrap();
        let at = tmp.path().display().to_string();
        for (name, bytes) in *files {
            std::fs::write(tmp.path().join(name), bytes).unwrap();
        }
        // `--lang fr` is refused: the console is then the locale's.
        let mut cmd = vec!["--lang", "zh"];
        if args.contains(&"--lang") {
            cmd.clear();
        }
        cmd.extend(*args);
        let o = super::util::rmpay()
            .env(ZH_LOCALE.0, ZH_LOCALE.1)
            .args(cmd.iter().map(|a| a.replace("$TMP", &at)))
            .output()
            .unwrap();
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert!(
            !o.status.success() && !stderr.is_empty(),
            "rmpay {}: not refused",
            cmd.join(" ")
        );
        for line in stderr.lines() {
            let words = english_words(line);
            assert!(
                words.is_empty(),
                "rmpay {}: English {words:?} in\n{line}",
                cmd.join(" ")
            );
        }
    }
}

#[test]
fn the_scan_finds_english_words_and_passes_identifiers() {
    assert_eq!(
        english_words("$TMP/x.toml: error[io]: cannot read: Is a directory (os error 21)"),
        ["cannot", "read", "Is", "a", "directory", "os", "error"]
            .iter()
            .filter(|w| **w != "error")
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
    );
    assert!(english_words("2026-10.xlsx [客户经理]: error[unknown-rm]: `--rm RM0001`：2026-10 的台账中没有客户经理 `RM0001`").is_empty());
    assert!(english_words("用法：rmpay payroll [OPTIONS] --ledger <FILE> --out <DIR>").is_empty());
}
