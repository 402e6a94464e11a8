//! One language per output (issue 12, point 1): every workbook the
//! fixtures produce (pay under both policies, the annual and quarterly
//! reviews under both, a closed month, its restated version, the
//! comparison, the statements and the ledger template), and the texts of
//! every pay JSON (`--json` and the archived months'), written in
//! Chinese, holds no English word but identifiers; written in English, it
//! holds no Chinese but names from the ledgers and the policies.

use super::util::{policy_a_without_workflow, root, run};
use calamine::{Data, Reader, open_workbook_auto};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const POLICY_A: &str = "rules/city-commercial-bank.toml";
const POLICY_B: &str = "rules/bocom-nanchang.toml";
/// Every layout a branch exports at once (tests/it/layouts.rs).
const BRANCH_EXPORT: &str = "fixtures/layouts/branch-export.xlsx";

/// Run rmpay, require success; returns what it printed.
fn ok(args: &[String]) -> String {
    let o = run(args);
    assert_eq!(o.code, 0, "rmpay {}\n{}", args.join(" "), o.stderr);
    format!("{}{}", o.stdout, o.stderr)
}

fn args(v: &[&str]) -> Vec<String> {
    v.iter().map(|a| a.to_string()).collect()
}

/// What a language's runs wrote: the workbooks, the JSON files' reasons
/// and every line printed.
struct Written {
    books: Vec<PathBuf>,
    reasons: Vec<String>,
    console: Vec<String>,
    /// The pay JSON files' texts (see [`pay_texts`]).
    pay: Vec<PayText>,
}

/// A text of a pay JSON file: where it is (`file managers[3].trace[2].formula`),
/// the text, and whether it shows figures as a reader is shown them (the
/// risk deposit's movements) rather than exactly (the trace, whose
/// figures an auditor recomputes from, and the ledger's warnings, which
/// quote the cells as typed).
struct PayText {
    at: String,
    text: String,
    reader_figures: bool,
}

/// The pay JSON's texts: the trace's formulas, inputs' names and values,
/// the movements' reasons and the ledger's warnings. Ids, keys and
/// figures are not texts; `adjustments[].reason` is the user's.
fn pay_texts(file: &Path, out: &mut Vec<PayText>) {
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let mut push = |at: String, v: &serde_json::Value, reader_figures: bool| {
        out.push(PayText {
            at: format!("{name} {at}"),
            text: v.as_str().unwrap().to_string(),
            reader_figures,
        })
    };
    for (i, w) in j["ledger"]["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        push(format!("ledger.warnings[{i}]"), w, false);
    }
    let people = ["managers", "off_roster"].map(|k| j[k].as_array().cloned().unwrap_or_default());
    for (k, list) in ["managers", "off_roster"].iter().zip(&people) {
        for (m, rm) in list.iter().enumerate() {
            for (i, mv) in rm["risk_account"]["movements"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
            {
                push(
                    format!("{k}[{m}].risk_account.movements[{i}].reason"),
                    &mv["reason"],
                    true,
                );
            }
            for (t, step) in rm["trace"].as_array().unwrap().iter().enumerate() {
                let at = format!("{k}[{m}].trace[{t}]");
                push(format!("{at}.formula"), &step["formula"], false);
                for (i, input) in step["inputs"].as_array().unwrap().iter().enumerate() {
                    push(format!("{at}.inputs[{i}].name"), &input["name"], false);
                    push(format!("{at}.inputs[{i}].value"), &input["value"], false);
                }
            }
        }
    }
}

/// Every workbook the fixtures produce in `lang`, written under `dir`,
/// with the reviews' JSON and the console.
fn write_all(dir: &Path, lang: &str) -> Written {
    let mut console = String::new();
    let mut ok = |a: &[String]| console.push_str(&ok(a));
    let d = |p: &str| dir.join(p).display().to_string();
    let with_lang = |mut a: Vec<String>| {
        a.extend(args(&["--lang", lang]));
        a
    };
    ok(&with_lang(args(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        "fixtures/2026-10.xlsx",
        "--out",
        &d("pay-a"),
        "--json",
        &d("pay-a.json"),
    ])));
    ok(&with_lang(args(&[
        "payroll",
        "--policy",
        POLICY_B,
        "--ledger",
        "fixtures/bocom-2026-10.xlsx",
        "--period",
        "2026-10",
        "--out",
        &d("pay-b"),
        "--json",
        &d("pay-b.json"),
    ])));
    // A branch's own layout, which the reader warns about (title rows, a
    // 合计 row, …): the JSON carries the warnings.
    ok(&with_lang(args(&[
        "payroll",
        "--policy",
        POLICY_A,
        "--ledger",
        BRANCH_EXPORT,
        "--out",
        &d("pay-x"),
        "--json",
        &d("pay-x.json"),
    ])));
    let year_a: Vec<String> = (1..=12)
        .map(|m| format!("fixtures/year-a/2026-{m:02}.xlsx"))
        .collect();
    let year_b: Vec<String> = (1..=12)
        .map(|m| format!("2026-{m:02}=fixtures/year-b/2026-{m:02}.xlsx"))
        .collect();
    for (policy, ledgers, quarter, out) in [
        (POLICY_A, &year_a[..], None, "review-a"),
        (POLICY_A, &year_a[9..], Some("4"), "review-aq"),
        (POLICY_B, &year_b[..], None, "review-b"),
        (POLICY_B, &year_b[6..9], Some("3"), "review-bq"),
    ] {
        let mut a = args(&["review", "--policy", policy, "--year", "2026"]);
        a.push("--ledgers".into());
        a.extend(ledgers.iter().cloned());
        if let Some(q) = quarter {
            a.extend(args(&["--quarter", q]));
        }
        a.extend(args(&[
            "--out",
            &d(out),
            "--json",
            &d(&format!("{out}.json")),
        ]));
        ok(&with_lang(a));
    }
    ok(&with_lang(args(&[
        "template",
        "--policy",
        POLICY_A,
        "--out",
        &d("template.xlsx"),
    ])));
    // A closed month (Policy A without its sign-offs, so it closes at
    // once), its statements, a what-if, and October restated.
    let archive = d("archive");
    for m in ["09", "10"] {
        ok(&with_lang(args(&[
            "close",
            "--archive",
            &archive,
            "--policy",
            policy_a_without_workflow(),
            "--ledger",
            &format!("fixtures/2026-{m}.xlsx"),
        ])));
    }
    ok(&with_lang(args(&[
        "statement",
        "--archive",
        &archive,
        "--period",
        "2026-10",
        "--out",
        &d("statements"),
    ])));
    ok(&with_lang(args(&[
        "compare",
        "--archive",
        &archive,
        "--period",
        "2026-10",
        "--policy",
        "fixtures/rules-versions/city-2026b.toml",
        "--out",
        &d("compare"),
    ])));
    for rm in ["RM001", "RM007"] {
        ok(&with_lang(args(&[
            "explain",
            "--archive",
            &archive,
            "--period",
            "2026-10",
            "--rm",
            rm,
        ])));
    }
    ok(&with_lang(args(&[
        "check",
        "--policy",
        POLICY_A,
        "--ledger",
        "fixtures/2026-10.xlsx",
    ])));
    ok(&with_lang(args(&[
        "rerun",
        "--archive",
        &archive,
        "--period",
        "2026-09",
    ])));
    ok(&with_lang(args(&[
        "restate",
        "--archive",
        &archive,
        "--period",
        "2026-10",
        "--ledger",
        "fixtures/tampered/2026-10.xlsx",
        "--reason",
        "corrected",
    ])));
    ok(&with_lang(args(&["verify", "--archive", &archive])));
    let mut pay = Vec::new();
    for f in [
        "pay-a.json",
        "pay-b.json",
        "pay-x.json",
        "archive/2026-09/pay-2026-09.json",
        "archive/2026-10/pay-2026-10.json",
        "archive/2026-10.v2/pay-2026-10.json",
    ] {
        pay_texts(&dir.join(f), &mut pay);
    }
    assert!(
        pay.iter().any(|t| t.at.contains("warnings")),
        "no ledger warning in the pay JSON"
    );
    let mut reasons = Vec::new();
    for out in ["review-a", "review-aq", "review-b", "review-bq"] {
        let j: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{out}.json"))).unwrap())
                .unwrap();
        for m in j["managers"].as_array().unwrap() {
            for r in m["reasons"].as_array().unwrap() {
                reasons.push(r.as_str().unwrap().to_string());
            }
        }
    }
    // The console without paths (the user's), and without
    // diagnostics (their codes and messages are another layer's).
    let console = console
        .replace(&dir.display().to_string(), "$TMP")
        .lines()
        .filter(|l| !l.contains("warning[") && !l.contains("error["))
        .map(|l| {
            l.split(' ')
                // Paths are the user's.
                .filter(|w| !w.contains('/'))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut books = Vec::new();
    collect(dir, &mut books);
    // The archived ledgers are the bank's, not rmpay's.
    books.retain(|p| !p.ends_with("ledger.xlsx"));
    books.sort();
    for must in [
        "pay-a/pay-2026-10.xlsx",
        "pay-b/pay-2026-10.xlsx",
        "review-a/review-2026.xlsx",
        "review-aq/review-2026-Q4.xlsx",
        "review-b/review-2026.xlsx",
        "review-bq/review-2026-Q3.xlsx",
        "template.xlsx",
        "archive/2026-10/pay-2026-10.xlsx",
        "archive/2026-10.v2/pay-2026-10.xlsx",
        "statements/statement-2026-10-RM001.xlsx",
        "compare/compare-2026-10.xlsx",
    ] {
        assert!(books.contains(&dir.join(must)), "{must} not written");
    }
    Written {
        books,
        reasons,
        console,
        pay,
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "xlsx") {
            out.push(p);
        }
    }
}

/// Every text cell of a workbook: (sheet, cell, text). Sheet names count
/// as text too.
fn texts(p: &Path) -> Vec<(String, String)> {
    let mut wb = open_workbook_auto(p).unwrap();
    let mut out = Vec::new();
    for (name, range) in wb.worksheets() {
        out.push((name.clone(), name.clone()));
        for (r, c, v) in range.cells() {
            if let Data::String(s) = v {
                out.push((format!("{name}!R{}C{}", r + 1, c + 1), s.clone()));
            }
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{f900}'..='\u{faff}').contains(&c)
}

/// The English words of a text that are not identifiers: RM, client, loan
/// and account ids and cells (`RM001`, `H7`), rule ids (`A-26-fees`),
/// SHA-256s, file names, periods, the policies' ids and settings, and
/// commands quoted in backticks or after `rmpay`.
pub(super) fn english_words(text: &str, allowed: &BTreeSet<String>) -> Vec<String> {
    // What is quoted in backticks is a command or an identifier, and a
    // sheet in brackets is the ledger's own name (`[clients]!A2`).
    let mut plain = String::new();
    let mut quoted = false;
    for ch in text.chars() {
        if ch == '`' {
            quoted = !quoted;
        } else if !quoted {
            plain.push(ch);
        }
    }
    // A diagnostic's code (`warning[total-row]`) is an identifier.
    let mut plain = plain.replace("warning[", "[").replace("error[", "[");
    while let Some(open) = plain.find('[') {
        let Some(len) = plain[open..].find(']') else {
            break;
        };
        let inner = &plain[open + 1..open + len];
        if inner.contains(char::is_whitespace) || inner.contains('[') {
            // Not a sheet name: keep the text, drop the bracket.
            plain.replace_range(open..open + 1, " ");
        } else {
            plain.replace_range(open..open + len + 1, " ");
        }
    }
    let tokens: Vec<&str> = plain
        .split(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c)))
        .filter(|t| t.bytes().any(|b| b.is_ascii_alphabetic()))
        .collect();
    let mut words = Vec::new();
    let mut command = false;
    for t in tokens {
        let t = t.trim_end_matches('.');
        let id = t.len() <= 6
            && t.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && t.trim_start_matches(|c: char| c.is_ascii_uppercase())
                .bytes()
                .all(|b| b.is_ascii_digit())
            && t.bytes().any(|b| b.is_ascii_digit());
        let rule = t.len() > 2 && t.as_bytes()[0].is_ascii_uppercase() && t.as_bytes()[1] == b'-';
        let hex = t.len() >= 16 && t.bytes().all(|b| b.is_ascii_hexdigit());
        let file = [".xlsx", ".xls", ".ods", ".toml", ".json", ".csv", ".jsonl"]
            .iter()
            .any(|x| t.ends_with(x));
        let quarter = t.len() == 7 && t.starts_with("20") && t.contains("-Q");
        if t == "rmpay" {
            command = true;
            continue;
        }
        // A command: `rmpay check --policy 政策文件 --ledger 本文件`.
        if command && (t.starts_with("--") || t.bytes().all(|b| b.is_ascii_lowercase())) {
            continue;
        }
        command = false;
        let ok = id
            || rule
            || hex
            || file
            || quarter
            || t.starts_with("--")
            || t.starts_with("review.")
            || ["SHA-256", "RM"].contains(&t)
            || allowed.contains(t);
        if !ok {
            words.push(t.to_string());
        }
    }
    words
}

/// What a text may hold besides: the policies' ids and the Policy B's
/// grade items (its own letters a–d, as art. 11 numbers them); in the
/// template, the contract's English spellings the reader accepts (sheet
/// and column ids, enumeration ids) and the policy's tier ids and English
/// names, which the template lists as accepted spellings.
fn zh_allowed(template: bool) -> BTreeSet<String> {
    let mut s: BTreeSet<String> = ["city-commercial-bank", "bocom-nanchang", "a", "b", "c", "d"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    if template {
        for g in rmpay::ledger::guide::sheets() {
            s.insert(g.kind.english().to_string());
            for c in &g.columns {
                s.insert(c.key.to_string());
                if let rmpay::ledger::guide::ValueKind::Choice(v) = &c.kind {
                    s.extend(v.iter().map(|(id, _)| id.to_string()));
                }
            }
        }
        let policy: toml::Value =
            toml::from_str(&std::fs::read_to_string(root().join(POLICY_A)).unwrap()).unwrap();
        for t in policy["tiers"].as_array().unwrap() {
            s.insert(t["id"].as_str().unwrap().to_string());
            if let Some(en) = t.get("name_en").and_then(|v| v.as_str()) {
                s.extend(en.split_whitespace().map(str::to_string));
            }
        }
        // The sample values (a case number) are examples of the bank's ids.
        s.insert("JJ2026001".into());
    }
    s
}

/// The numbers of a text shown rawer than a Chinese reader is shown
/// figures: more than two places (`83.142857`, a ratio `0.989` rather
/// than `98.90%`), a ratio as a one-place fraction (`0.9`), or an amount
/// of five digits or more without separators (`5000000`, `2850000.00`).
/// Identifiers (`RM001`, `A-14-2`, hashes) and periods (`2026-03`) are
/// not figures.
fn raw_numbers(text: &str) -> Vec<String> {
    let mut raw = Vec::new();
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || ".,-_%".contains(c))) {
        let token = token.trim_matches(|c| c == '.' || c == ',');
        if token.is_empty() || token.bytes().any(|b| b.is_ascii_alphabetic() || b == b'_') {
            continue;
        }
        for part in token.split('-') {
            let n = part.trim_end_matches('%');
            let (int, frac) = n.split_once('.').unwrap_or((n, ""));
            let bare = !int.contains(',') && int.len() >= 5;
            let one_place_ratio = int == "0" && frac.len() == 1;
            if frac.len() > 2 || bare || one_place_ratio {
                raw.push(part.to_string());
            }
        }
    }
    raw
}

#[test]
fn raw_numbers_are_found_and_shown_figures_pass() {
    assert_eq!(raw_numbers("综合得分 83.142857 < 85"), ["83.142857"]);
    assert_eq!(raw_numbers("收息率 0.989 < 0.99"), ["0.989"]);
    assert_eq!(raw_numbers("存款占基数比 < 0.9 连续 3 个月"), ["0.9"]);
    assert_eq!(
        raw_numbers("存款日均 16000000 ≥ 8000000"),
        ["16000000", "8000000"]
    );
    assert!(raw_numbers("综合得分 83.14 分，低于降级线 85 分（A-14-2-score-85）").is_empty());
    assert!(raw_numbers("收息率 98.75%，2026-03 88.00%、新基数存款 2,850,000.00").is_empty());
    assert!(raw_numbers("RM001 SHA-256 0123456789abcdef0123456789abcdef").is_empty());
}

#[test]
fn chinese_workbooks_hold_no_english_but_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let w = write_all(dir.path(), "zh");
    let mut found = Vec::new();
    let none = zh_allowed(false);
    for (what, texts) in [("JSON reason", &w.reasons), ("console", &w.console)] {
        for t in texts {
            let words = english_words(t, &none);
            if !words.is_empty() {
                found.push(format!("{what}: {words:?} in {t:?}"));
            }
            // Figures as the Chinese workbooks show them: ratios as
            // percentages, points to two places, amounts with separators;
            // not in `explain`'s trace, whose exact values an auditor
            // recomputes from (its lines do not start with `rmpay：`).
            let raw = raw_numbers(t);
            if !raw.is_empty() && (what == "JSON reason" || t.starts_with("rmpay：")) {
                found.push(format!("{what}: raw numbers {raw:?} in {t:?}"));
            }
        }
    }
    // The pay JSON's texts: no English but identifiers; the movements'
    // figures as a reader is shown them.
    for t in &w.pay {
        let words = english_words(&t.text, &none);
        if !words.is_empty() {
            found.push(format!("{}: {words:?} in {:?}", t.at, t.text));
        }
        let raw = raw_numbers(&t.text);
        if t.reader_figures && !raw.is_empty() {
            found.push(format!("{}: raw numbers {raw:?} in {:?}", t.at, t.text));
        }
    }
    for b in &w.books {
        let allowed = zh_allowed(b.ends_with("template.xlsx"));
        for (at, text) in texts(b) {
            let words = english_words(&text, &allowed);
            if !words.is_empty() {
                found.push(format!(
                    "{} {at}: {words:?} in {text:?}",
                    b.strip_prefix(dir.path()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} cells with English words:\n{}",
        found.len(),
        found
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The Chinese an English workbook may hold: the ledgers' and the
/// policies' own words (names of RMs, clients, branches, tiers, rules,
/// sheets), and in the template the contract's Chinese spellings, which
/// the reader accepts.
fn zh_corpus() -> String {
    let mut corpus = String::new();
    for p in [
        POLICY_A,
        POLICY_B,
        "fixtures/rules-versions/city-2026b.toml",
    ] {
        corpus.push_str(&std::fs::read_to_string(root().join(p)).unwrap());
    }
    let mut ledgers = vec![
        "fixtures/2026-09.xlsx".to_string(),
        "fixtures/2026-10.xlsx".into(),
        "fixtures/tampered/2026-10.xlsx".into(),
        "fixtures/bocom-2026-10.xlsx".into(),
        BRANCH_EXPORT.into(),
    ];
    for m in 1..=12 {
        ledgers.push(format!("fixtures/year-a/2026-{m:02}.xlsx"));
        ledgers.push(format!("fixtures/year-b/2026-{m:02}.xlsx"));
    }
    for l in ledgers {
        for (at, t) in texts(&root().join(l)) {
            corpus.push_str(&at);
            corpus.push('\n');
            corpus.push_str(&t);
            corpus.push('\n');
        }
    }
    // The labels of total rows the reader skips (合计 …), which the
    // template's instructions name.
    corpus.push_str("合计 小计 总计\n");
    for g in rmpay::ledger::guide::sheets() {
        corpus.push_str(g.kind.chinese());
        corpus.push('\n');
        for c in &g.columns {
            corpus.push_str(c.zh);
            corpus.push('\n');
            if let rmpay::ledger::guide::ValueKind::Choice(v) = &c.kind {
                for (_, zh) in v {
                    corpus.push_str(zh);
                    corpus.push('\n');
                }
            }
        }
    }
    corpus
}

#[test]
fn english_workbooks_hold_no_chinese_but_names_from_ledgers_and_policies() {
    let dir = tempfile::tempdir().unwrap();
    let w = write_all(dir.path(), "en");
    let corpus = zh_corpus();
    let mut found = Vec::new();
    let lines = w.reasons.iter().chain(&w.console);
    let books = w.books.iter().flat_map(|b| {
        let name = b.strip_prefix(dir.path()).unwrap().display().to_string();
        let template = b.ends_with("template.xlsx");
        texts(b)
            .into_iter()
            .map(move |(at, t)| (format!("{name} {at}"), template, t))
    });
    let pay = w.pay.iter().map(|t| (t.at.clone(), false, t.text.clone()));
    for (at, template, text) in lines
        .map(|t| ("JSON reason or console".to_string(), false, t.clone()))
        .chain(pay)
        .chain(books)
    {
        {
            let mut run = String::new();
            let mut runs = Vec::new();
            for ch in text.chars().chain(std::iter::once(' ')) {
                if is_cjk(ch) {
                    run.push(ch);
                } else if !run.is_empty() {
                    runs.push(std::mem::take(&mut run));
                }
            }
            // The template names the unit headers accept (`余额(万元)`).
            let foreign: Vec<_> = runs
                .into_iter()
                .filter(|r| !(corpus.contains(r.as_str()) || (template && r == "万元")))
                .collect();
            if !foreign.is_empty() {
                found.push(format!("{at}: {foreign:?} in {text:?}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} cells with Chinese of rmpay's own:\n{}",
        found.len(),
        found
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
