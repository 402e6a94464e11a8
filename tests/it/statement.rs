//! `rmpay statement`: one printable file per RM, holding their figures and
//! nothing of anyone else, equal to the register's, written all or nothing.

use super::util::run;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use rmpay::decimal::RoundAway as _;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

const POLICY: &str = "rules/city-commercial-bank.toml";
const LEDGER: &str = "fixtures/2026-10.xlsx";
const RMS: [&str; 9] = [
    "AG001", "BH001", "RM001", "RM002", "RM003", "RM004", "RM005", "RM006", "RM007",
];

/// Draft statements of the October fixture (and its pay workbook and JSON)
/// in a new directory.
fn draft_statements(extra: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("st");
    let mut args = vec![
        "statement",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(&[
        "payroll",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--out",
        d.path().to_str().unwrap(),
        "--json",
        d.path().join("pay.json").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    d
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every cell of every sheet: text as shown, numbers as numbers.
fn cells(path: &Path) -> Vec<Data> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        out.extend(range.rows().flat_map(|r| r.iter().cloned()));
    }
    out
}

/// Every XML part of the workbook as text (properties, print header and
/// footer, shared strings, sheets).
fn xml_text(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        f.read_to_string(&mut all).unwrap();
    }
    all
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The figures of one RM in the payroll JSON, as numbers: every amount of
/// their pay, risk account and year to date (JSON money has the policy's
/// two places), and their metrics of 1,000 and more. Zero, small counts
/// and the tier's risk-deposit cap (a policy number, not the RM's figure)
/// are left out: they turn up in anyone's statement.
fn figures(m: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(v: &serde_json::Value, money_only: bool, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) => {
                let is_money = s.split_once('.').is_some_and(|(_, f)| f.len() == 2);
                if let Ok(d) = s.parse::<rust_decimal::Decimal>()
                    && (is_money || !money_only)
                    && !d.is_zero()
                    && (money_only || d >= rust_decimal::Decimal::from(1000))
                {
                    out.insert(d.round_away(2).normalize().to_string());
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, money_only, out)),
            serde_json::Value::Object(o) => o
                .iter()
                .filter(|(k, _)| *k != "cap")
                .for_each(|(_, x)| walk(x, money_only, out)),
            _ => {}
        }
    }
    for k in ["pay", "risk_account", "year_to_date"] {
        walk(&m[k], true, &mut out);
    }
    walk(&m["metrics"], false, &mut out);
    out
}

/// The amounts a text shows (`7,656.40` → `7656.4`). Percentages
/// (`100.00%`) are ratios, and a number after `÷` or `单价`/`rate` is the
/// policy's (`÷ 10,000 × 单价 3`), not an RM's.
fn numbers_in(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = String::new();
    let mut before = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || c == ',' || c == '.' {
            token.push(c);
            continue;
        }
        let t = token
            .trim_matches(|c| c == ',' || c == '.')
            .replace(',', "");
        let policys = ["÷ ", "单价 ", "rate "].iter().any(|p| before.ends_with(p));
        if !token.is_empty() {
            if c != '%'
                && !policys
                && let Ok(d) = t.parse::<rust_decimal::Decimal>()
            {
                out.push(d.round_away(2).normalize().to_string());
            }
            before.push_str(&token);
            token.clear();
        }
        before.push(c);
    }
    out
}

/// What of other RMs a workbook shows: their ids, names, and figures that
/// are not also this RM's own.
fn leaks(path: &Path, me: &str, pay: &serde_json::Value) -> Vec<String> {
    let managers = pay["managers"].as_array().unwrap();
    let mine = managers.iter().find(|m| m["rm_id"] == me).unwrap();
    let mut own = figures(mine);
    // The RM's own cap is theirs to see (and may be another's balance).
    if let Some(cap) = mine["risk_account"]["cap"].as_str() {
        own.insert(
            cap.parse::<rust_decimal::Decimal>()
                .unwrap()
                .normalize()
                .to_string(),
        );
    }
    let mut found = Vec::new();
    let xml = xml_text(path);
    let shown = cells(path);
    for other in managers.iter().filter(|m| m["rm_id"] != me) {
        let (id, name) = (
            other["rm_id"].as_str().unwrap(),
            other["name"].as_str().unwrap(),
        );
        for word in [id, name] {
            if xml.contains(word) {
                found.push(format!("{me}'s file shows {id}'s `{word}`"));
            }
        }
        let theirs: BTreeSet<String> = figures(other).difference(&own).cloned().collect();
        for c in &shown {
            let nums = match c {
                Data::Float(f) => vec![
                    rust_decimal::Decimal::try_from(*f)
                        .unwrap()
                        .round_away(2)
                        .normalize()
                        .to_string(),
                ],
                Data::Int(i) => vec![i.to_string()],
                Data::String(s) => numbers_in(s),
                _ => Vec::new(),
            };
            for n in nums {
                if theirs.contains(&n) {
                    found.push(format!("{me}'s file shows {id}'s figure {n} in {c:?}"));
                }
            }
        }
    }
    found
}

#[test]
fn a_statement_holds_nothing_of_any_other_rm() {
    let d = draft_statements(&[]);
    let pay = json(&d.path().join("pay.json"));
    for rm in RMS {
        let path = d.path().join(format!("st/statement-2026-10-{rm}.xlsx"));
        let found = leaks(&path, rm, &pay);
        assert!(found.is_empty(), "{}", found.join("\n"));
        // The RM's own id and name are there.
        let xml = xml_text(&path);
        let me = pay["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["rm_id"] == rm)
            .unwrap();
        assert!(xml.contains(rm) && xml.contains(me["name"].as_str().unwrap()));
    }
    // The check finds what is there: the pay workbook, which holds
    // everyone, leaks every other RM into RM001's view.
    let found = leaks(&d.path().join("pay-2026-10.xlsx"), "RM001", &pay);
    for other in RMS.iter().filter(|r| **r != "RM001") {
        assert!(
            found
                .iter()
                .any(|f| f.contains(&format!("{other}'s `{other}`"))),
            "{other} not found"
        );
    }
    assert!(found.iter().any(|f| f.contains("RM002's figure 2246.08")));
}

#[test]
fn a_shared_client_shows_this_rms_share_and_part_only() {
    let d = draft_statements(&["--rm", "RM001", "RM002"]);
    // C002 黄石建材集团: 5,000,000.00 daily average, 60% RM001, 40% RM002.
    let text = |rm: &str| -> Vec<String> {
        cells(&d.path().join(format!("st/statement-2026-10-{rm}.xlsx")))
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    for (rm, part, share) in [("RM001", "3000000", "0.6"), ("RM002", "2000000", "0.4")] {
        let t = text(rm);
        let row = t.iter().position(|c| c.starts_with("C002")).unwrap();
        // 5,000,000.00 × 0.6 = 3,000,000.00; × 0.4 = 2,000,000.00.
        assert_eq!(t[row + 1], part, "{rm}");
        assert_eq!(t[row + 2], share, "{rm}");
        assert!(
            !t[row + 3].chars().any(|c| c.is_ascii_digit()),
            "{rm}: {}",
            t[row + 3]
        );
    }
    // Nowhere does RM001's statement show the client's whole balance (or
    // RM002's part, one of RM002's own figures as well: their NPL balance).
    let t = text("RM001");
    assert!(!t.iter().any(|c| c == "5000000" || c == "2000000"), "{t:?}");
}

/// The register's row of one RM: header → value.
fn register_row(book: &Path, rm: &str) -> Vec<(String, f64)> {
    let mut wb: Xlsx<_> = open_workbook(book).unwrap();
    let range = wb.worksheet_range("工资汇总").unwrap();
    let mut rows = range.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let row = rows.find(|r| r[0] == rm).unwrap();
    head.into_iter()
        .zip(row.iter())
        .filter_map(|(h, c)| c.get_float().map(|f| (h, f)))
        .collect()
}

/// The first amount a statement shows beside a label.
fn statement_amount(path: &Path, label: &str) -> Option<f64> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range("工资对账单").unwrap();
    range
        .rows()
        .find(|r| r[0] == label)
        .and_then(|r| r[1].get_float())
}

#[test]
fn a_statements_figures_are_the_registers() {
    let d = draft_statements(&[]);
    let book = d.path().join("pay-2026-10.xlsx");
    for rm in RMS {
        let st = d.path().join(format!("st/statement-2026-10-{rm}.xlsx"));
        let reg = register_row(&book, rm);
        assert!(reg.len() >= 8, "{rm}: {reg:?}");
        for (head, value) in &reg {
            // Pay lines a tier does not earn are blank in the register and
            // absent from the statement; every other column is there.
            assert_eq!(
                statement_amount(&st, head),
                Some(*value),
                "{rm}: register column {head}"
            );
        }
    }
    // By hand, RM001 (senior): stock 8,000,000 ÷ 10,000 × 3 = 2,400.00;
    // increment 4,500,000 ÷ 10,000 × 8 = 3,600.00; interest 60,640 × 0.01
    // = 606.40; fees 13,000 × 0.05 = 650.00; 2 accounts × 200 = 400.00;
    // gross 7,656.40; withheld 20% = 1,531.28 (12,000.00 + 1,531.28 under
    // the cap of 20,000); net 7,656.40 − 1,531.28 = 6,125.12.
    let st = d.path().join("st/statement-2026-10-RM001.xlsx");
    assert_eq!(statement_amount(&st, "应发合计"), Some(7656.40));
    assert_eq!(statement_amount(&st, "风险金扣留"), Some(1531.28));
    assert_eq!(statement_amount(&st, "工资净额"), Some(6125.12));
    assert_eq!(statement_amount(&st, "期末余额"), Some(13531.28));
    // RM007 left: nothing earned, the 8,000.00 deposit released.
    let st = d.path().join("st/statement-2026-10-RM007.xlsx");
    assert_eq!(statement_amount(&st, "风险金退还"), Some(8000.0));
    assert_eq!(statement_amount(&st, "实发合计"), Some(8000.0));
}

#[test]
fn statements_are_named_by_period_and_rm_and_written_the_same_twice() {
    let d = draft_statements(&[]);
    let expected: Vec<String> = RMS
        .iter()
        .map(|r| format!("statement-2026-10-{r}.xlsx"))
        .collect();
    // Nothing else either: no temporary file left behind.
    assert_eq!(names(&d.path().join("st")), expected);
    let again = draft_statements(&[]);
    for n in &expected {
        assert_eq!(
            std::fs::read(d.path().join("st").join(n)).unwrap(),
            std::fs::read(again.path().join("st").join(n)).unwrap(),
            "{n}"
        );
    }
    let some = draft_statements(&["--rm", "RM003", "--rm", "AG001", "--lang", "en"]);
    assert_eq!(
        names(&some.path().join("st")),
        [
            "statement-2026-10-AG001.xlsx",
            "statement-2026-10-RM003.xlsx"
        ]
    );
    let t: Vec<String> = cells(&some.path().join("st/statement-2026-10-RM003.xlsx"))
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        t.contains(&"RM pay statement 2026-10 (draft)".to_string()),
        "{t:?}"
    );
}

#[test]
pub(super) fn an_unknown_rm_is_a_located_error_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("st");
    let o = run(&[
        "statement",
        "--policy",
        POLICY,
        "--ledger",
        LEDGER,
        "--rm",
        "RM001",
        "RM01",
        "NOBODY",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "2026-10.xlsx [客户经理]: error[unknown-rm]: --rm RM01: no RM `RM01` in 2026-10 (did you mean `RM001`?)"
        ),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("--rm NOBODY: no RM `NOBODY`"),
        "{}",
        o.stderr
    );
    assert!(!out.exists());
}

#[test]
pub(super) fn statements_of_a_closed_month_carry_the_year_and_refuse_a_changed_register() {
    let d = tempfile::tempdir().unwrap();
    let arch = d.path().join("archive");
    for m in ["09", "10"] {
        let o = run(&[
            "close",
            "--archive",
            arch.to_str().unwrap(),
            "--policy",
            // Closed without the sign-off chain (tests/it/cycle.rs walks it).
            super::util::policy_a_without_workflow(),
            "--ledger",
            &format!("fixtures/2026-{m}.xlsx"),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let out = d.path().join("st");
    let statement = |rm: &str| {
        run(&[
            "statement",
            "--archive",
            arch.to_str().unwrap(),
            "--period",
            "2026-10",
            "--rm",
            rm,
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let o = statement("RM001");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let path = out.join("statement-2026-10-RM001.xlsx");
    let t: Vec<String> = cells(&path).iter().map(|c| c.to_string()).collect();
    // Closed: not a draft.
    assert_eq!(t[0], "客户经理工资对账单 2026年10月");
    assert!(!t.iter().any(|c| c.contains("草稿")));
    // Year to date: September's carried state plus October, equal to the
    // closed October's year_to_date.
    assert!(
        t.iter()
            .any(|c| c.contains("五、本年累计（2026 年，2 个月）")),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|c| c.contains("2026-09 及以前月份取自归档的结转状态"))
    );
    let sep = json(&arch.join("2026-09/pay-2026-09.json"));
    let oct = json(&arch.join("2026-10/pay-2026-10.json"));
    let gross = |v: &serde_json::Value, k: &str| -> f64 {
        let m = v["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["rm_id"] == "RM001")
            .unwrap();
        m[k]["gross"].as_str().unwrap().parse().unwrap()
    };
    let ytd = gross(&oct, "year_to_date");
    assert_eq!(ytd, gross(&sep, "pay") + gross(&oct, "pay"));
    // The year's gross: the 应发合计 row after the year-to-date heading.
    let ytd_at = t
        .iter()
        .position(|c| c.starts_with("五、本年累计"))
        .unwrap();
    let row = ytd_at + t[ytd_at..].iter().position(|c| c == "应发合计").unwrap();
    assert_eq!(t[row + 1].parse::<f64>().unwrap(), ytd);

    // A register changed after the close: the statement is refused.
    let before = std::fs::read(&path).unwrap();
    let jpath = arch.join("2026-10/pay-2026-10.json");
    let text = std::fs::read_to_string(&jpath).unwrap();
    let changed = text.replacen("\"gross\": \"7656.40\"", "\"gross\": \"7656.41\"", 1);
    assert_ne!(changed, text);
    std::fs::write(&jpath, changed).unwrap();
    let o = statement("RM001");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("error[archive-differs]"), "{}", o.stderr);
    assert!(o.stderr.contains("pay-2026-10.json"), "{}", o.stderr);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Another RM's figures are unchanged: theirs is written.
    assert_eq!(statement("RM002").code, 0);
}

#[test]
fn statements_are_written_all_or_none() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("st");
    let args = |rms: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["statement", "--policy", POLICY, "--ledger", LEDGER, "--out"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.push(out.to_str().unwrap().into());
        a.push("--rm".into());
        a.extend(rms.iter().map(|s| s.to_string()));
        a
    };
    let o = run(&args(&["RM001"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let old = std::fs::read(out.join("statement-2026-10-RM001.xlsx")).unwrap();
    // RM002's place is taken by a directory: its rename fails after
    // RM001's new file went into place (files go in name order).
    std::fs::create_dir(out.join("statement-2026-10-RM002.xlsx")).unwrap();
    let o = run(&[
        args(&["RM001", "RM002", "RM003"]),
        vec!["--lang".into(), "en".into()],
    ]
    .concat());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("statement-2026-10-RM002.xlsx"),
        "{}",
        o.stderr
    );
    // RM001's file is the old one again; RM003's was never written; no
    // temporary file is left.
    assert_eq!(
        std::fs::read(out.join("statement-2026-10-RM001.xlsx")).unwrap(),
        old
    );
    assert_eq!(
        names(&out),
        [
            "statement-2026-10-RM001.xlsx",
            "statement-2026-10-RM002.xlsx"
        ]
    );
    let _: PathBuf = out;
}

/// Policy B's grades give no base deposit and its ledgers none either: the
/// statement and the trace say the base is 0 because neither gives one,
/// not that it is "the policy's default for 三级客户经理" (a default the
/// policy does not have: fifth independent test, a branch's year under
/// Policy B).
#[test]
fn a_base_deposit_neither_the_ledger_nor_the_policy_gives_is_said_to_be_none() {
    let d = tempfile::tempdir().unwrap();
    let o = run(&[
        "statement",
        "--lang",
        "zh",
        "--policy",
        "rules/bocom-nanchang.toml",
        "--ledger",
        "fixtures/bocom-2026-10.xlsx",
        "--period",
        "2026-10",
        "--out",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut seen = 0;
    for e in std::fs::read_dir(d.path()).unwrap() {
        let path = e.unwrap().path();
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        let row = range
            .rows()
            .find(|r| r[0] == "基数存款")
            .unwrap_or_else(|| panic!("{}: no 基数存款 row", path.display()));
        assert_eq!(
            row[3].to_string(),
            "台账未填，办法也未规定：按 0 计",
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen > 0);
    // The trace's source, in both languages.
    for (lang, want) in [
        ("zh", "  来源 = 台账与办法均未规定"),
        ("en", "  source = none in the ledger or the policy"),
    ] {
        let o = run(&[
            "explain",
            "--lang",
            lang,
            "--policy",
            "rules/bocom-nanchang.toml",
            "--ledger",
            "fixtures/bocom-2026-10.xlsx",
            "--period",
            "2026-10",
            "--rm",
            "N01",
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.lines().any(|l| l == want), "{lang}: {}", o.stdout);
    }
}

/// An English statement counts in English: `over 1 client`, `1 loan`,
/// `1 incident` (was `over 1 clients`, `1 incident(s)`), and violation
/// points read as the ledger gives them, `0` and `5`, not `0.0` and
/// `5.0`, in either language.
#[test]
fn statements_count_in_words_and_show_points_as_given() {
    for (lang, one) in [
        (
            "en",
            [
                "over 1 client (see below)",
                "over 1 loan",
                "1 incident this month",
            ],
        ),
        (
            "zh",
            ["名下 1 户客户", "名下 1 笔贷款", "本月违规与损失记录 1 条"],
        ),
    ] {
        let d = draft_statements(&["--lang", lang]);
        let mut texts = BTreeSet::new();
        for name in names(&d.path().join("st")) {
            let path = d.path().join("st").join(&name);
            for c in cells(&path) {
                if let Some(s) = c.get_string() {
                    texts.insert(s.to_string());
                }
            }
            // The points' cell format: no place a whole number of points lacks.
            let xml = xml_text(&path);
            assert!(!xml.contains("formatCode=\"#,##0.0\""), "{lang} {name}");
        }
        for want in one {
            assert!(
                texts.iter().any(|t| t.contains(want)),
                "{lang}: no `{want}`"
            );
        }
        let wrong: Vec<&String> = texts
            .iter()
            .filter(|t| {
                t.contains("(s)")
                    || [
                        " 1 clients",
                        " 1 loans",
                        " 1 incidents",
                        " 1 months",
                        " 1 more clients",
                    ]
                    .iter()
                    .any(|w| t.contains(w))
            })
            .collect();
        assert!(wrong.is_empty(), "{lang}: {wrong:?}");
    }
}
