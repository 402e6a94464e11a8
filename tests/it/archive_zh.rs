//! The archive's and the monthly cycle's diagnostics in Chinese (issue 12,
//! point 1): a Chinese console (`LANG=zh_CN.UTF-8`, or `--lang zh`) reads
//! every refusal of `close`, `sign`, `rerun`, `verify`, `restate`,
//! `payout` and `statement`, and every damaged archive file, in Chinese: a
//! few whole lines pinned, and every line of every case scanned for
//! English words outside identifiers (codes in `error[…]`, backticked
//! text, paths, ids, SHA-256s).

use super::language::english_words;
use super::util::{policy_a_without_workflow, rmpay, run};
use std::path::Path;

const POLICY_A: &str = "rules/city-commercial-bank.toml";

/// What a Chinese run printed: its exit code and every line, stdout then
/// stderr, with the temporary folder shown as `$TMP`.
struct Said {
    code: i32,
    lines: Vec<String>,
}

/// `rmpay args` under a Chinese locale, in the crate root.
fn zh(tmp: &Path, args: &[&str]) -> Said {
    let t = tmp.display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("$TMP", &t)).collect();
    let o = rmpay()
        .env("LANG", "zh_CN.UTF-8")
        .args(&args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    super::util::note_codes(&text);
    Said {
        code: o.status.code().unwrap_or(-1),
        lines: text.replace(&t, "$TMP").lines().map(String::from).collect(),
    }
}

/// Every case's lines, for the scan; `expect` the exit code.
#[derive(Default)]
struct Cases {
    seen: Vec<(String, String)>,
}

impl Cases {
    fn run(&mut self, tmp: &Path, args: &[&str], expect: i32) -> Vec<String> {
        let s = zh(tmp, args);
        let what = args.join(" ");
        assert_eq!(s.code, expect, "{what}\n{}", s.lines.join("\n"));
        for l in &s.lines {
            self.seen.push((what.clone(), l.clone()));
        }
        s.lines
    }

    /// No English word but identifiers in any line: paths are the user's,
    /// and `error[code]` keeps its code (and the word `error`) to be
    /// looked up.
    fn scan(&self) {
        let allowed = ["city-commercial-bank".to_string()].into_iter().collect();
        let mut found = Vec::new();
        for (what, line) in &self.seen {
            let plain: Vec<&str> = line
                .split(' ')
                .filter(|w| !w.contains('/') && !w.contains("error[") && !w.contains("warning["))
                .collect();
            let words = english_words(&plain.join(" "), &allowed);
            if !words.is_empty() {
                found.push(format!("{what}: {words:?} in {line:?}"));
            }
        }
        assert!(
            found.is_empty(),
            "English in Chinese lines:\n{}",
            found.join("\n")
        );
    }
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// An SHA-256 as `$SHA256`.
fn hide_sha(line: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for ch in line.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_hexdigit() {
            run.push(ch);
            continue;
        }
        if run.len() == 64 {
            out.push_str("$SHA256");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(ch);
    }
    out.pop();
    out
}

/// September 2026 closed under Policy A without its workflow in
/// `tmp/archive` (in English: the setup is not the test's subject).
fn close_september(tmp: &Path) {
    let a = tmp.join("archive");
    let o = run(&[
        "close",
        "--archive",
        a.to_str().unwrap(),
        "--policy",
        policy_a_without_workflow(),
        "--ledger",
        "fixtures/2026-09.xlsx",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn a_closed_month_s_refusals_read_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();
    close_september(tmp);
    let mut c = Cases::default();
    let policy = policy_a_without_workflow();
    // A second close of the month, and a month after a gap.
    let again = c.run(
        tmp,
        &[
            "close",
            "--archive",
            "$TMP/archive",
            "--policy",
            policy,
            "--ledger",
            "fixtures/2026-09.xlsx",
        ],
        1,
    );
    assert_eq!(
        again,
        [
            "$TMP/archive/2026-09: error[already-closed]: 2026-09 已结账；已结账的月份不能覆盖（如需复核，请用 `rmpay rerun`）",
            "rmpay：未写入任何文件",
        ]
    );
    let gap = c.run(
        tmp,
        &[
            "close",
            "--archive",
            "$TMP/archive",
            "--policy",
            policy,
            "--ledger",
            "fixtures/2026-11.xlsx",
        ],
        1,
    );
    assert_eq!(
        gap[0],
        "$TMP/archive: error[period-gap]: 2026-10 尚未结账：请先为 2026-10 结账，再为 2026-11 结账（最近结账的月份为 2026-09）"
    );
    // rerun: a month not closed, a version that is not there.
    let rerun = c.run(
        tmp,
        &["rerun", "--archive", "$TMP/archive", "--period", "2026-10"],
        1,
    );
    assert_eq!(
        rerun[0],
        "$TMP/archive/2026-10: error[not-closed]: 2026-10 不是已结账的月份：请先用 `rmpay close` 为 2026-10 结账"
    );
    let v9 = c.run(
        tmp,
        &[
            "rerun",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--version",
            "9",
        ],
        1,
    );
    assert_eq!(
        v9[0],
        "$TMP/archive/2026-09.v9: error[no-version]: 2026-09 没有第 9 版（现有版本：1）"
    );
    // verify against a head that is not the archive's.
    let zeros = "0".repeat(64);
    let head = c.run(
        tmp,
        &["verify", "--archive", "$TMP/archive", "--head", &zeros],
        1,
    );
    assert_eq!(
        hide_sha(&head[0]),
        "$TMP/archive/2026-09/manifest.json: error[head-mismatch]: 档案头为 $SHA256，与所给的档案头 $SHA256 不符：这不是当初抄录档案头的档案库"
    );
    assert_eq!(head[1], "$TMP/archive：1 个问题");
    // payout: a month not closed, a file inside the archive.
    let open = c.run(
        tmp,
        &[
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-10",
            "--out",
            "$TMP/p.csv",
        ],
        1,
    );
    assert_eq!(
        open[0],
        "$TMP/archive/2026-10: error[not-closed]: 2026-10 尚未结账：只有已结账的月份才能生成代发文件（请先用 `rmpay close` 结账）"
    );
    c.run(
        tmp,
        &[
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/archive/p.csv",
        ],
        2,
    );
    // A ledger without salary cards: every RM paid is named, with the
    // amount (separated) and the column missing.
    let cards = c.run(
        tmp,
        &[
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/p.csv",
        ],
        1,
    );
    assert_eq!(
        cards[0],
        "$TMP/archive/2026-09/ledger.xlsx [客户经理]!A2: error[missing-card]: 缺少 RM001（张伟）的工资卡号：其 2026-09 实发 6,125.12，表中没有「工资卡号」列"
    );
    // A month closed under a policy without sign-off has none to sign.
    let unsigned = c.run(
        tmp,
        &[
            "sign",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--step",
            "check",
            "--name",
            "王五",
        ],
        1,
    );
    assert_eq!(
        unsigned[0],
        "$TMP/archive/2026-09/policy.toml: error[no-workflow]: 政策 `city-commercial-bank` 没有 `[workflow]`：其各月结账无需签核"
    );
    // restate: no reason, a month not closed, the ledger in force.
    let no_reason = c.run(
        tmp,
        &[
            "restate",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--ledger",
            "fixtures/2026-09.xlsx",
            "--reason",
            " ",
        ],
        1,
    );
    assert_eq!(
        no_reason[0],
        "rmpay: error[empty-reason]: `--reason` 为空：请写明更正原因（原因记入每个新版本，并在每条调整行中注明）"
    );
    c.run(
        tmp,
        &[
            "restate",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-10",
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--reason",
            "更正",
        ],
        1,
    );
    c.run(
        tmp,
        &[
            "restate",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--ledger",
            "fixtures/2026-09.xlsx",
            "--reason",
            "更正",
        ],
        1,
    );
    // statement: an RM not in the month, with the id it resembles.
    let rm = c.run(
        tmp,
        &[
            "statement",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--rm",
            "RM0O1",
            "--out",
            "$TMP/s",
        ],
        1,
    );
    assert_eq!(
        rm[0],
        "2026-09.xlsx [客户经理]: error[unknown-rm]: `--rm RM0O1`：2026-09 的台账中没有客户经理 `RM0O1`（是否应为 `RM001`？）"
    );
    c.scan();
}

#[test]
fn damaged_archive_files_are_named_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();
    close_september(tmp);
    let mut c = Cases::default();
    let month = tmp.join("archive/2026-09");
    // A file changed, one removed, one added: verify names each.
    std::fs::write(month.join("figures.json"), "{}\n").unwrap();
    std::fs::rename(month.join("pay-2026-09.json"), tmp.join("pay.json")).unwrap();
    std::fs::write(month.join("notes.txt"), "x").unwrap();
    let v = c.run(tmp, &["verify", "--archive", "$TMP/archive"], 1);
    let v: Vec<String> = v.iter().map(|l| hide_sha(l)).collect();
    assert_eq!(
        v,
        [
            "$TMP/archive/2026-09/figures.json: error[changed]: SHA-256 为 $SHA256，清单记载为 $SHA256",
            "$TMP/archive/2026-09/pay-2026-09.json: error[removed]: 清单中列有此文件，但文件缺失",
            "$TMP/archive/2026-09/notes.txt: error[added]: 清单中没有此文件",
            "$TMP/archive：3 个问题",
        ]
    );
    // rerun says first that the archived inputs are intact, then which
    // outputs differ (the figures, figure by figure, in words).
    let rerun = c.run(
        tmp,
        &["rerun", "--archive", "$TMP/archive", "--period", "2026-09"],
        1,
    );
    assert_eq!(
        rerun[0],
        "2026-09：档案中的输入文件与清单一致（2026-09/ledger.xlsx、2026-09/policy.toml）"
    );
    // September has 30 days; the archived figures have none.
    assert!(
        rerun.contains(
            &"$TMP/archive/2026-09/figures.json：`days`：存档为 `（无）`，重算为 `30`".to_string()
        ),
        "{rerun:#?}"
    );
    assert_eq!(rerun.last().unwrap(), "2026-09：2 个文件与档案不一致");
    std::fs::remove_file(month.join("notes.txt")).unwrap();
    // The register broken: the pay-out file cannot be made from it.
    std::fs::write(month.join("pay-2026-09.json"), "{\n").unwrap();
    let p = c.run(
        tmp,
        &[
            "payout",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--out",
            "$TMP/p.csv",
        ],
        1,
    );
    assert_eq!(
        p[0],
        "$TMP/archive/2026-09/pay-2026-09.json: error[bad-archive]: 文件无法解析：文件不完整，在第 2 行第 0 列处中断"
    );
    // The state broken: the next month cannot open from it.
    std::fs::write(month.join("state.json"), "{\"format\": \"rmpay.state/9\"}").unwrap();
    let s = c.run(
        tmp,
        &[
            "payroll",
            "--archive",
            "$TMP/archive",
            "--policy",
            policy_a_without_workflow(),
            "--ledger",
            "fixtures/2026-10.xlsx",
            "--out",
            "$TMP/out",
        ],
        1,
    );
    assert_eq!(
        s[0],
        "$TMP/archive/2026-09/state.json: error[bad-state]: 结转状态文件无效：格式 `rmpay.state/9` 无法识别，应为 `rmpay.state/1` 或 `rmpay.state/2`"
    );
    // The manifest broken: verify says where it stops.
    std::fs::write(month.join("manifest.json"), "{\"format\": 1}").unwrap();
    let m = c.run(tmp, &["verify", "--archive", "$TMP/archive"], 1);
    assert_eq!(
        m[0],
        "$TMP/archive/2026-09/manifest.json: error[bad-manifest]: 清单文件无效：类型有误（第 1 行第 12 列）"
    );
    c.scan();
}

#[test]
fn sign_off_refusals_read_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();
    let a = tmp.join("archive");
    let o = run(&[
        "payroll",
        "--archive",
        a.to_str().unwrap(),
        "--policy",
        POLICY_A,
        "--ledger",
        "fixtures/2026-09.xlsx",
        "--out",
        tmp.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // 制表 signed, as the cycle's first step.
    let o = run(&[
        "sign",
        "--archive",
        a.to_str().unwrap(),
        "--period",
        "2026-09",
        "--step",
        "prepare",
        "--name",
        "张三",
        "--date",
        "2026-10-02",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut c = Cases::default();
    let sign = |step: &str, name: &str, more: &[&str]| {
        let mut v = vec![
            "sign",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-09",
            "--step",
        ];
        v.push(step);
        v.extend(["--name", name]);
        v.extend(more);
        v.into_iter().map(String::from).collect::<Vec<String>>()
    };
    // Every problem of the signer's at once.
    let bad = sign("check", " ", &["--date", "2026-02-30"]);
    let bad = c.run(tmp, &args(&bad), 1);
    assert_eq!(
        bad,
        [
            "rmpay: error[empty-name]: `--name` 为空：签核须写明签核人姓名",
            "rmpay: error[bad-date]: `--date`「2026-02-30」不是日历上的日期：请写成 2026-11-07、2026/11/7、20261107 或 2026年11月7日",
            "rmpay：2 个错误；未写入任何文件",
        ]
    );
    let step = sign("chek", "王五", &[]);
    let step = c.run(tmp, &args(&step), 1);
    assert_eq!(
        step[0],
        "rmpay: error[unknown-step]: `--step` 的「chek」不是政策 `city-commercial-bank` 审批流程中的环节（`prepare` 制表、`check` 审核、`approve` 审批、`issue` 下拨）（是否应为 `check`？）"
    );
    let lp = "$TMP/archive/drafts/2026-09/signoffs.jsonl";
    let issue = sign("下拨", "钱七", &[]);
    let issue = c.run(tmp, &args(&issue), 1);
    assert_eq!(
        issue[0],
        format!("{lp}: error[not-closed]: 下拨（党群人事部）在结账之后：请先为 2026-09 结账")
    );
    let approve = sign("审批", "赵六", &[]);
    let approve = c.run(tmp, &args(&approve), 1);
    assert_eq!(
        hide_sha(&approve[0]),
        format!(
            "{lp}: error[out-of-order]: 审批（行长）须在审核（稽核监控办）之后，而草稿 $SHA256 尚无有效的审核签核"
        )
    );
    let none = c.run(
        tmp,
        &[
            "sign",
            "--archive",
            "$TMP/archive",
            "--period",
            "2026-12",
            "--step",
            "check",
            "--name",
            "王五",
        ],
        1,
    );
    assert_eq!(
        none[0],
        "$TMP/archive/drafts/2026-12: error[no-draft]: 2026-12 没有待签核的草稿：请先用 `rmpay payroll --archive $TMP/archive --ledger … --out …` 生成草稿"
    );
    // The close of a draft not yet approved names each step missing.
    let close = c.run(
        tmp,
        &[
            "close",
            "--archive",
            "$TMP/archive",
            "--policy",
            POLICY_A,
            "--ledger",
            "fixtures/2026-09.xlsx",
        ],
        1,
    );
    let close: Vec<String> = close.iter().map(|l| hide_sha(l)).collect();
    assert_eq!(
        close,
        [
            // The fixture has no salary cards; the policy's `[payout]`
            // pays to them: said before the close's refusal.
            "fixtures/2026-09.xlsx [客户经理]: warning[missing-card]: 2026-09 有 7 位客户经理实发金额不为零，却没有工资卡号：RM001、RM002、RM003、RM004、AG001、BH001、RM005。政策的 `[payout]` 按工资卡代发，结账后 `rmpay payout` 将无法生成该月的代发文件（已结账的月份不再改动）：请在结账前补上「工资卡号」".to_string(),
            format!(
                "{lp}: error[not-approved]: 2026-09 的草稿 $SHA256 没有有效的审核（稽核监控办）签核"
            ),
            format!("{lp}: error[not-approved]: 2026-09 的草稿 $SHA256 没有有效的审批（行长）签核"),
            "rmpay：2 个错误；未写入任何文件".to_string(),
        ]
    );
    // A sign-off log that is not text.
    std::fs::write(a.join("drafts/2026-09/signoffs.jsonl"), b"\xff\n").unwrap();
    let log = sign("check", "王五", &["--date", "2026-10-03"]);
    let log = c.run(tmp, &args(&log), 1);
    assert_eq!(
        log[0],
        format!("{lp}: error[bad-signoffs]: 签核日志不是 `UTF-8` 文本")
    );
    c.scan();
}
