//! How a policy is read (src/policy: raw serde tables, then the lint):
//! every word of every enumeration loads as docs/POLICY.md says, an
//! unknown key is located wherever it is, the problems of several tables
//! come in one run, and a number is read from its digits.

use rmpay::policy::raw::{
    ComponentKindWord, FlagCheck, FormatWord, LineEnd, NewBase, PayKindWord, Words,
};
use rmpay::policy::{
    AverageOver, ComponentKind, Condition, GrowthBase, HoldbackBase, LoweredCap, Op, PayKind,
    Policy, QuarterSettlements, RoundingMode, WhenMissing, parse_policy,
};
use rmpay::vocab::{Decision, Product, Role};

/// `fixtures/bad/policy/ok-tiny.toml` (52 lines: tiers junior and senior,
/// pay line `stock`, `[risk_deposit]` with `rule = "R-1"`, score
/// components `growth` and `npl`) with `extra` from line 54.
fn tiny() -> String {
    std::fs::read_to_string(super::util::root().join("fixtures/bad/policy/ok-tiny.toml")).unwrap()
}

fn load(text: &str) -> Policy {
    parse_policy(text.as_bytes(), "p.toml")
        .unwrap_or_else(|d| panic!("{}\n{text}", d.render().join("\n")))
}

fn errors(text: &str) -> Vec<String> {
    match parse_policy(text.as_bytes(), "p.toml") {
        Ok(_) => vec![],
        Err(d) => d.render(),
    }
}

/// A valid pay-out profile with `{W}` where a row puts its word.
const PAYOUT: &str = r#"
[payout]
format = "csv"
columns = [
  { field = "account", header = "账号" },
  { field = "account_name", header = "户名" },
  { field = "amount", header = "金额" },
]
[payout.control]
at = "header"
fields = ["{count}", "{total}"]
"#;

/// One word of one enumeration: where it is written (`{W}` in `edit`'s
/// text), and what it means in the loaded policy.
struct Row {
    /// The key, as docs/POLICY.md names it.
    key: &'static str,
    word: &'static str,
    /// The policy text with `{W}`.
    text: String,
    /// What the word means, read back from the model.
    means: fn(&Policy) -> String,
    /// What docs/POLICY.md says it means.
    expected: &'static str,
}

fn after(anchor: &str, insert: &str) -> String {
    let t = tiny();
    assert!(t.contains(anchor), "{anchor}");
    t.replacen(anchor, &format!("{anchor}{insert}"), 1)
}

fn add(extra: &str) -> String {
    format!("{}\n{extra}\n", tiny())
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let mut row = |key, word, text: String, means, expected| {
        rows.push(Row {
            key,
            word,
            text,
            means,
            expected,
        })
    };
    for (w, e) in [
        ("half_up", "HalfUp"),
        ("half_even", "HalfEven"),
        ("down", "Down"),
    ] {
        row(
            "rounding",
            w,
            add("[settings]\nrounding = \"{W}\""),
            |p| format!("{:?}", p.settings.money.mode),
            e,
        );
    }
    for (w, e) in [
        ("demand", "[Demand]"),
        ("time", "[Time]"),
        ("agreement", "[Agreement]"),
    ] {
        row(
            "excluded_products",
            w,
            add("[settings]\nexcluded_products = [\"{W}\"]"),
            |p| format!("{:?}", p.settings.excluded_products),
            e,
        );
    }
    for (w, e) in [
        ("rm", "Rm"),
        ("agent", "Agent"),
        ("branch_head", "BranchHead"),
    ] {
        row(
            "role",
            w,
            add("[[tiers]]\nid = \"t3\"\nname = \"t3\"\nrole = \"{W}\""),
            |p| format!("{:?}", p.tiers[2].role),
            e,
        );
    }
    for (w, e) in [("error", "Error"), ("not_assessed", "NotAssessed")] {
        row(
            "exam_when_missing",
            w,
            add("[[tiers]]\nid = \"t3\"\nname = \"t3\"\nexam_when_missing = \"{W}\""),
            |p| format!("{:?}", p.tiers[2].exam_when_missing),
            e,
        );
        row(
            "when_missing",
            w,
            add(
                "[review]\n[[review.rules]]\nid = \"r\"\nname = \"r\"\ndecision = \"keep\"\nwhen = { metric = \"score\", op = \"<\", value = 1 }\nwhen_missing = \"{W}\"",
            ),
            |p| format!("{:?}", p.review.rules[0].when_missing),
            e,
        );
    }
    let pay_kind: fn(&Policy) -> String = |p| match &p.pay.lines[1].kind {
        PayKind::Rate { metric, per, rate } => {
            format!("Rate {metric:?} per {per} at {:?}", rate.default)
        }
        PayKind::Fixed { amount } => format!("Fixed {:?}", amount.default),
    };
    row(
        "kind",
        "rate",
        add(
            "[[pay.lines]]\nid = \"x\"\nname = \"x\"\nkind = \"{W}\"\nmetric = \"fee_income\"\nrate = 0.5",
        ),
        pay_kind,
        "Rate FeeIncome per 1 at Some(0.5)",
    );
    row(
        "kind",
        "fixed",
        add("[[pay.lines]]\nid = \"x\"\nname = \"x\"\nkind = \"{W}\"\namount = 300"),
        pay_kind,
        "Fixed Some(300)",
    );
    for (w, e) in [("gross", "Gross"), ("after_deductions", "AfterDeductions")] {
        row(
            "base",
            w,
            after("rule = \"R-1\"\n", "base = \"{W}\"\n"),
            |p| format!("{:?}", p.risk_deposit.as_ref().unwrap().base),
            e,
        );
    }
    for (w, e) in [("keep", "Keep"), ("release_excess", "ReleaseExcess")] {
        row(
            "lowered_cap",
            w,
            after("rule = \"R-1\"\n", "lowered_cap = \"{W}\"\n"),
            |p| format!("{:?}", p.risk_deposit.as_ref().unwrap().lowered_cap),
            e,
        );
    }
    let flag = "[[flags]]\nid = \"f\"\nname = \"f\"\ncheck = \"{W}\"\n";
    for (w, params, e) in [
        ("loan_above_authority", "", "LoanAboveAuthority"),
        (
            "joint_signing_required",
            "above = 3_000_000",
            "JointSigningRequired { above: 3000000 }",
        ),
        ("client_outside_band", "", "ClientOutsideBand"),
        (
            "deposit_below_base",
            "ratio = 0.8\nmonths = 3",
            "DepositBelowBase { ratio: 0.8, months: 3 }",
        ),
        (
            "collection_below",
            "min = 0.95",
            "CollectionBelow { min: 0.95 }",
        ),
        (
            "new_loan_collection_below",
            "min = 1",
            "NewLoanCollectionBelow { min: 1 }",
        ),
        (
            "gross_above",
            "above = 50_000",
            "GrossAbove { above: 50000 }",
        ),
        (
            "gross_above_tier_median",
            "times = 3",
            "GrossAboveTierMedian { times: 3 }",
        ),
    ] {
        row(
            "check",
            w,
            add(&format!("{flag}{params}")),
            |p| format!("{:?}", p.flags[0].kind),
            e,
        );
    }
    let component = "[[score.components]]\nid = \"c\"\nname = \"c\"\nmetric = \"fee_income\"\npoints = 10\nkind = \"{W}\"\n";
    let kind: fn(&Policy) -> String = |p| match &p.score.as_ref().unwrap().components[2].kind {
        ComponentKind::Steps {
            target,
            step,
            points_per_step,
            cap_up,
            cap_down,
        } => {
            format!("Steps {target} {step} {points_per_step} {cap_up} {cap_down}")
        }
        ComponentKind::Bands { bands } => format!("Bands {}", bands.len()),
        ComponentKind::ProRata { target } => format!("ProRata {:?}", target.default),
    };
    row(
        "kind",
        "steps",
        add(&format!(
            "{component}target = 100\nstep = 10\npoints_per_step = 1\ncap_up = 5\ncap_down = -5"
        )),
        kind,
        "Steps 100 10 1 5 -5",
    );
    row(
        "kind",
        "bands",
        add(&format!(
            "{component}bands = [{{ max = 0, points = 10 }}, {{ points = 0 }}]"
        )),
        kind,
        "Bands 2",
    );
    row(
        "kind",
        "pro_rata",
        add(&format!("{component}target = 200")),
        kind,
        "ProRata Some(200)",
    );
    let rule = "[review]\n[[review.rules]]\nid = \"r\"\nname = \"r\"\n";
    for (w, e) in [
        ("<", "Lt"),
        ("<=", "Le"),
        (">", "Gt"),
        (">=", "Ge"),
        ("==", "Eq"),
    ] {
        row(
            "op",
            w,
            add(&format!(
                "{rule}decision = \"keep\"\nwhen = {{ metric = \"score\", op = \"{{W}}\", value = 1 }}"
            )),
            |p| match &p.review.rules[0].when {
                Condition::Compare { op, .. } => format!("{op:?}"),
                other => format!("{other:?}"),
            },
            e,
        );
    }
    for (w, e) in [
        ("keep", "Keep"),
        ("promote", "Promote"),
        ("demote", "Demote"),
        ("terminate", "Terminate"),
    ] {
        row(
            "decision",
            w,
            add(&format!(
                "{rule}tiers = [\"junior\"]\ndecision = \"{{W}}\"\nwhen = {{ metric = \"score\", op = \"<\", value = 1 }}"
            )),
            |p| format!("{:?}", p.review.rules[0].decision),
            e,
        );
    }
    row(
        "new_base",
        "tier_average",
        add(&format!(
            "{rule}decision = \"promote\"\nto = \"senior\"\nnew_base = \"{{W}}\"\nwhen = {{ metric = \"score\", op = \">\", value = 1 }}"
        )),
        |p| format!("{}", p.review.rules[0].new_base_from_tier_average),
        "true",
    );
    for (w, e) in [("base_deposit", "BaseDeposit"), ("prior_year", "PriorYear")] {
        row(
            "growth_base",
            w,
            add("[review]\ngrowth_base = \"{W}\""),
            |p| format!("{:?}", p.review.growth_base),
            e,
        );
    }
    for (w, e) in [("period", "Period"), ("months_present", "MonthsPresent")] {
        row(
            "average_over",
            w,
            add("[review]\naverage_over = \"{W}\""),
            |p| format!("{:?}", p.review.average_over),
            e,
        );
    }
    for (w, e) in [
        ("pro_rated", "ProRated"),
        ("trailing_twelve_months", "TrailingTwelveMonths"),
    ] {
        row(
            "quarter_settlements",
            w,
            add("[review]\nquarter_settlements = \"{W}\""),
            |p| format!("{:?}", p.review.quarter_settlements),
            e,
        );
    }
    let payout = |p: &Policy| format!("{:?}", p.payout.as_ref().unwrap().format);
    row(
        "format",
        "csv",
        add(&PAYOUT.replace("\"csv\"", "\"{W}\"")),
        payout,
        "Csv { encoding: Utf8, delimiter: ',', line_end: \"\\r\\n\" }",
    );
    row(
        "format",
        "xlsx",
        add(&PAYOUT.replace("\"csv\"", "\"{W}\"")),
        payout,
        "Xlsx { sheet: \"代发明细\" }",
    );
    for (w, e) in [("utf-8", "Utf8"), ("gbk", "Gbk")] {
        row(
            "encoding",
            w,
            add(&PAYOUT.replace("format = \"csv\"", "format = \"csv\"\nencoding = \"{W}\"")),
            |p| match &p.payout.as_ref().unwrap().format {
                rmpay::policy::payout::PayoutFormat::Csv { encoding, .. } => {
                    format!("{encoding:?}")
                }
                other => format!("{other:?}"),
            },
            e,
        );
    }
    for (w, e) in [("crlf", "\"\\r\\n\""), ("lf", "\"\\n\"")] {
        row(
            "line_end",
            w,
            add(&PAYOUT.replace("format = \"csv\"", "format = \"csv\"\nline_end = \"{W}\"")),
            |p| match &p.payout.as_ref().unwrap().format {
                rmpay::policy::payout::PayoutFormat::Csv { line_end, .. } => {
                    format!("{line_end:?}")
                }
                other => format!("{other:?}"),
            },
            e,
        );
    }
    for (w, e) in [("header", "Header"), ("trailer", "Trailer")] {
        row(
            "at",
            w,
            add(&PAYOUT.replace("at = \"header\"", "at = \"{W}\"")),
            |p| format!("{:?}", p.payout.as_ref().unwrap().control.at),
            e,
        );
    }
    for (w, e) in [
        ("seq", "Seq"),
        ("account", "Account"),
        ("account_name", "AccountName"),
        ("amount", "Amount"),
        ("remark", "Remark"),
        ("rm_id", "RmId"),
        ("branch", "Branch"),
    ] {
        row(
            "field",
            w,
            add(&PAYOUT.replace(
                "]\n[payout.control]",
                "  { field = \"{W}\", header = \"h\" },\n]\n[payout.control]",
            )),
            |p| format!("{:?}", p.payout.as_ref().unwrap().columns[3].field),
            e,
        );
    }
    rows
}

/// Every word of every enumeration a policy may write loads, and means
/// what docs/POLICY.md says (the meaning read back from the loaded
/// model); the words tried are exactly the enumeration's, so a word added
/// to one without a row here fails.
#[test]
fn every_word_of_every_enumeration_loads_as_documented() {
    let docs = std::fs::read_to_string(super::util::root().join("docs/POLICY.md")).unwrap();
    let rows = rows();
    for r in &rows {
        let text = r.text.replace("{W}", r.word);
        assert_eq!(
            (r.means)(&load(&text)),
            r.expected,
            "`{} = \"{}\"`",
            r.key,
            r.word
        );
        assert!(
            docs.contains(&format!("`{}`", r.word)),
            "docs/POLICY.md does not name `{}` ({})",
            r.word,
            r.key
        );
    }
    let tried = |keys: &[&str]| -> Vec<&str> {
        let mut v: Vec<&str> = rows
            .iter()
            .filter(|r| keys.contains(&r.key))
            .map(|r| r.word)
            .collect();
        v.dedup();
        v
    };
    let pay_and_score: Vec<&str> = PayKindWord::words()
        .iter()
        .chain(ComponentKindWord::words())
        .copied()
        .collect();
    for (keys, words) in [
        (&["rounding"][..], RoundingMode::words()),
        (&["excluded_products"], Product::words()),
        (&["role"], Role::words()),
        (&["exam_when_missing"], WhenMissing::words()),
        (&["when_missing"], WhenMissing::words()),
        (&["kind"], &pay_and_score[..]),
        (&["base"], HoldbackBase::words()),
        (&["lowered_cap"], LoweredCap::words()),
        (&["check"], FlagCheck::words()),
        (&["op"], Op::words()),
        (&["decision"], Decision::words()),
        (&["new_base"], NewBase::words()),
        (&["growth_base"], GrowthBase::words()),
        (&["average_over"], AverageOver::words()),
        (&["quarter_settlements"], QuarterSettlements::words()),
        (&["format"], FormatWord::words()),
        (&["encoding"], rmpay::policy::payout::Encoding::words()),
        (&["line_end"], LineEnd::words()),
        (&["at"], rmpay::policy::payout::ControlAt::words()),
        (&["field"], rmpay::policy::payout::Field::words()),
    ] {
        assert_eq!(tried(keys), words, "{keys:?}");
    }
}

/// A word an enumeration does not know is an error at the word, naming
/// the words there are (from the same declaration), with a "did you
/// mean".
#[test]
fn a_word_out_of_its_enumeration_names_the_words_there_are() {
    let text = add(
        "[settings]\nrounding = \"half_evn\"\n\n[[flags]]\nid = \"f\"\nname = \"f\"\ncheck = \"gross_abov\"",
    );
    // Line 55 `rounding = "half_evn"`, its value at column 12; line 60
    // `check = "gross_abov"` at column 9.
    assert_eq!(
        errors(&text),
        [
            "p.toml:55:12: error[unknown-value]: `settings.rounding` must be one of `half_up`, `half_even`, `down`, found `half_evn` (did you mean `half_even`?)",
            "p.toml:60:9: error[unknown-value]: `flags[0].check` must be one of `loan_above_authority`, `joint_signing_required`, `client_outside_band`, `deposit_below_base`, `collection_below`, `new_loan_collection_below`, `gross_above`, `gross_above_tier_median`, found `gross_abov` (did you mean `gross_above`?)",
        ]
    );
}

/// An unknown key is an error at the key itself, naming its whole path,
/// in every table and every element of an array of tables, nested or not.
#[test]
fn an_unknown_key_anywhere_is_located() {
    let full = format!(
        "{}\n{}{}",
        tiny()
            .replace("risk_deposit_cap = 5_000\n", "risk_deposit_cap = 5_000\nclient_band = { deposits = { min = 1 } }\n[tiers.criteria]\nitems = [{ id = \"i\", metric = \"fee_income\", min = 1 }]\n"),
        r#"[settings]
input_scale = 2
[review]
[[review.rules]]
id = "r"
name = "r"
decision = "keep"
when = { all = [{ metric = "score", op = "<", value = 1 }] }
[[review.disqualifiers]]
id = "d"
name = "d"
when = { metric = "score", op = "<", value = 1 }
[[flags]]
id = "f"
name = "f"
check = "client_outside_band"
[[examples]]
name = "e"
tier = "junior"
clients = [{ deposits = 1 }]
expect = { decision = "keep" }
[workflow]
close_after = "a"
[[workflow.steps]]
id = "a"
name = "A"
office = "O"
[[pay.deductions]]
id = "loss"
name = "L"
metric = "incident_loss"
"#,
        PAYOUT
    );
    load(&full);
    // Each place: text the unknown key `zzz = 1` goes right after (the
    // first occurrence), and the path the error names.
    for (anchor, path) in [
        ("", "zzz"),
        ("id = \"tiny\"\n", "policy.zzz"),
        ("input_scale = 2\n", "settings.zzz"),
        ("name = \"初级客户经理\"\n", "tiers[0].zzz"),
        ("client_band = { ", "tiers[0].client_band.zzz"),
        ("deposits = { ", "tiers[0].client_band.deposits.zzz"),
        ("[tiers.criteria]\n", "tiers[0].criteria.zzz"),
        ("items = [{ ", "tiers[0].criteria.items[0].zzz"),
        ("[pay]\n", "pay.zzz"),
        ("id = \"stock\"\n", "pay.lines[0].zzz"),
        ("id = \"loss\"\n", "pay.deductions[0].zzz"),
        ("rule = \"R-1\"\n", "risk_deposit.zzz"),
        ("check = \"client_outside_band\"\n", "flags[0].zzz"),
        ("[score]\n", "score.zzz"),
        ("id = \"npl\"\n", "score.components[1].zzz"),
        ("{ max = 0, ", "score.components[1].bands[0].zzz"),
        ("[review]\n", "review.zzz"),
        ("id = \"r\"\n", "review.rules[0].zzz"),
        ("when = { all = [{ ", "review.rules[0].when.all[0].zzz"),
        ("when = { ", "review.rules[0].when.zzz"),
        ("id = \"d\"\n", "review.disqualifiers[0].zzz"),
        ("name = \"e\"\n", "examples[0].zzz"),
        ("clients = [{ ", "examples[0].clients[0].zzz"),
        ("expect = { ", "examples[0].expect.zzz"),
        ("[workflow]\n", "workflow.zzz"),
        ("office = \"O\"\n", "workflow.steps[0].zzz"),
        ("format = \"csv\"\n", "payout.zzz"),
        ("{ field = \"amount\", ", "payout.columns[2].zzz"),
        ("at = \"header\"\n", "payout.control.zzz"),
    ] {
        let start = full.find(anchor).unwrap_or_else(|| panic!("{anchor}")) + anchor.len();
        let inline = !anchor.is_empty() && !anchor.ends_with('\n');
        let text = format!(
            "{}{}{}",
            &full[..start],
            if inline { "zzz = 1, " } else { "zzz = 1\n" },
            &full[start..]
        );
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!(
            errors(&text),
            [format!(
                "p.toml:{line}:{column}: error[unknown-key]: unknown key `{path}`"
            )],
            "after {anchor:?}"
        );
    }
}

/// A problem serde finds stops only its own table: a wrong type in one
/// tier and an unknown key in the holdback (the first pass, table by
/// table), then a number of the wrong type in a pay line and a cap of
/// the wrong sign (the lint) all come in one run.
#[test]
fn the_problems_of_several_tables_come_in_one_run() {
    let text = tiny()
        .replace("name = \"初级客户经理\"", "name = 5")
        .replace("rate = 3.00", "rate = 3.00\ntiers = [\"junior\"]")
        .replace("rate = 0.20", "rate = 0.20\nratee = 1")
        .replace("per = 10_000", "per = true")
        .replace("cap_down = -40", "cap_down = 40");
    assert_eq!(
        errors(&text),
        [
            // Line 8 `name = 5`. Tier `junior` is still a tier: the pay
            // line naming it (line 23) is not an error.
            "p.toml:8:8: error[wrong-type]: `tiers[0].name` must be a string, found integer `5`",
            // Lines 25–28: `[risk_deposit]`, `rule`, `rate`, `ratee`.
            "p.toml:28:1: error[unknown-key]: unknown key `risk_deposit.ratee` (did you mean `rate`?)",
            "p.toml:21:9: error[wrong-type]: `pay.lines[0].per` must be a number, found a boolean",
            // ok-tiny's line 39, two lines down.
            "p.toml:41:14: error[cap-sign]: `cap_down` is the most points taken away and must be ≤ 0, found 40 (write -40)",
        ]
    );
}

/// A float is read from its digits, never through f64: `3.0000000000000001`
/// is that number (17 significant digits; the nearest f64 is 3 exactly,
/// as the next double above 3 is 3 + 2^-51 = 3.00000000000000044…).
#[test]
fn a_float_is_read_from_its_digits() {
    let text = tiny().replace("rate = 3.00", "rate = 3.0000000000000001");
    let p = load(&text);
    let PayKind::Rate { rate, .. } = &p.pay.lines[0].kind else {
        panic!("{:?}", p.pay.lines[0].kind)
    };
    assert_eq!(
        rate.default.map(|d| d.to_string()),
        Some("3.0000000000000001".to_string())
    );
}

/// A key that the table's `kind` does not read is an error at the key,
/// never silently ignored.
#[test]
fn a_key_the_kind_does_not_read_is_an_error() {
    let text = tiny().replace("rate = 3.00", "rate = 3.00\nkind = \"fixed\"\namount = 5");
    assert_eq!(
        errors(&text),
        [
            "p.toml:20:3: error[unknown-key]: unknown key `pay.lines[0].metric`: it does not apply to `kind = \"fixed\"`",
            "p.toml:21:3: error[unknown-key]: unknown key `pay.lines[0].per`: it does not apply to `kind = \"fixed\"`",
            "p.toml:22:3: error[unknown-key]: unknown key `pay.lines[0].rate`: it does not apply to `kind = \"fixed\"`",
        ]
    );
}

/// Every unknown key of a table comes in one run, and the rest of the
/// table is still checked: `[risk_deposit]` with two misspelt keys and a
/// rate written as a percentage.
#[test]
fn every_unknown_key_of_a_table_in_one_run() {
    let text = tiny().replace(
        "rule = \"R-1\"\nrate = 0.20",
        "rule = \"R-1\"\nbse = \"gross\"\nrate = 20\nrelease_after_month = 6",
    );
    assert_eq!(
        errors(&text),
        [
            // Lines 24–28: `[risk_deposit]`, `rule`, `bse`, `rate`,
            // `release_after_month`.
            "p.toml:26:1: error[unknown-key]: unknown key `risk_deposit.bse` (did you mean `base`?)",
            "p.toml:28:1: error[unknown-key]: unknown key `risk_deposit.release_after_month` (did you mean `release_after_months`?)",
            "p.toml:27:8: error[out-of-range]: `rate` must be a fraction between 0 and 1 (20% is 0.20), found 20",
        ]
    );
}
