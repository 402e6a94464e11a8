//! One bad policy per error kind (fixtures/bad/policy/), each message
//! pinned exactly: file, line and column, code, and wording.

use super::test::Test;
use rmpay::policy::parse_policy;

fn errors(name: &str) -> Vec<String> {
    let display = format!("fixtures/bad/policy/{name}.toml");
    let bytes = std::fs::read(super::util::root().join(&display)).unwrap();
    match parse_policy(&bytes, &display) {
        Ok(_) => vec![],
        Err(d) => d.render(),
    }
}

fn check(name: &str, expected: &[&str]) {
    assert_eq!(errors(name), expected, "fixtures/bad/policy/{name}.toml");
}

#[test]
fn the_base_policy_is_valid() {
    check("ok-tiny", &[]);
}

#[test]
fn toml_syntax() {
    check(
        "toml-syntax",
        &[
            "fixtures/bad/policy/toml-syntax.toml:22:10: error[toml-syntax]: string values must be quoted, expected literal string",
        ],
    );
}

#[test]
fn unknown_key_with_suggestion() {
    check(
        "unknown-key",
        &[
            "fixtures/bad/policy/unknown-key.toml:22:3: error[unknown-key]: unknown key `pay.lines[0].rat` (did you mean `rate`?)",
        ],
    );
}

#[test]
fn wrong_type() {
    check(
        "wrong-type",
        &[
            "fixtures/bad/policy/wrong-type.toml:26:8: error[wrong-type]: `risk_deposit.rate` must be an exact decimal number, found `twenty percent`",
        ],
    );
}

#[test]
fn missing_key() {
    check(
        "missing-key",
        &[
            "fixtures/bad/policy/missing-key.toml:17:3: error[missing-key]: missing `pay.lines[0].name` (a string)",
        ],
    );
}

#[test]
fn unknown_tier_reference() {
    check(
        "unknown-tier",
        &[
            "fixtures/bad/policy/unknown-tier.toml:23:22: error[unknown-tier]: `tiers` names unknown tier `senoir` (did you mean `senior`?)",
        ],
    );
}

/// A tier added to the policy and left out of every pay line's `tiers`:
/// `check` said the policy was valid and its RMs were paid 0 every month
/// (found by the third independent test, adding 中级一档 to Policy A).
#[test]
fn a_tier_no_pay_line_applies_to() {
    check(
        "unpaid-tier",
        &[
            "fixtures/bad/policy/unpaid-tier.toml:12:6: error[unpaid-tier]: tier `senior` is in no pay line's `tiers` (`[[pay.lines]]`): its RMs would be paid 0 every month; add it to the `tiers` of the lines that pay it (a tier paid elsewhere can have a `kind = \"fixed\"` line of 0)",
        ],
    );
}

/// A promotion rule without `to` that applies to the highest tier (named
/// in its `tiers`, or every tier when it names none): the review used to
/// decide 晋升 for such an RM and propose no tier, shown as `—（解聘）`
/// (dismissed) beside it. Found by the fourth independent test, writing a
/// third bank's "连续两个季度……晋级" for every tier.
#[test]
fn a_promotion_from_the_top_tier_names_its_target() {
    check(
        "promote-from-top",
        &[
            "fixtures/bad/policy/promote-from-top.toml:59:20: error[missing-key]: `review.rules[0]` promotes tier `senior` and has no `to`: `senior` is the highest tier of its role, with none above it to promote to (name the tier in `to`, or leave `senior` out of `tiers`)",
            "fixtures/bad/policy/promote-from-top.toml:66:12: error[missing-key]: `review.rules[1]` promotes tier `senior` and has no `to`: `senior` is the highest tier of its role, with none above it to promote to (name the tier in `to`, or leave `senior` out of `tiers`)",
        ],
    );
}

/// Two tiers one spelling (a tier block copied, its name left, or an alias
/// that is another tier's id, case aside): the ledger's 等级 column names
/// a tier by any of them, and an RM written 初级客户经理 was silently paid
/// as the first. Found by the fourth independent test.
#[test]
fn a_tier_spelling_two_tiers_share() {
    check(
        "tier-spelled-twice",
        &[
            "fixtures/bad/policy/tier-spelled-twice.toml:15:8: error[duplicate-id]: `初级客户经理` already names tier `junior` (at 8:8) and cannot also name tier `senior`: the ledger's tier column could not tell them apart",
            "fixtures/bad/policy/tier-spelled-twice.toml:16:18: error[duplicate-id]: `JUNIOR` already names tier `junior` (at 7:6) and cannot also name tier `senior`: the ledger's tier column could not tell them apart",
        ],
    );
}

#[test]
fn unknown_metric_reference() {
    check(
        "unknown-metric",
        &[
            "fixtures/bad/policy/unknown-metric.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)",
        ],
    );
}

#[test]
fn overlapping_bands() {
    check(
        "overlapping-bands",
        &[
            "fixtures/bad/policy/overlapping-bands.toml:50:13: error[overlapping-bands]: bands must rise: this bound 0.005 is below the previous band's bound 0.01 (at 49:15), so the two overlap",
        ],
    );
}

#[test]
fn cap_of_the_wrong_sign() {
    check(
        "cap-sign",
        &[
            "fixtures/bad/policy/cap-sign.toml:39:14: error[cap-sign]: `cap_down` is the most points taken away and must be ≤ 0, found 40 (write -40)",
        ],
    );
}

#[test]
fn duplicate_id() {
    check(
        "duplicate-id",
        &[
            "fixtures/bad/policy/duplicate-id.toml:12:6: error[duplicate-id]: tier `junior` is defined twice (first at 7:6)",
        ],
    );
}

#[test]
fn out_of_range() {
    check(
        "out-of-range",
        &[
            "fixtures/bad/policy/out-of-range.toml:26:8: error[out-of-range]: `rate` must be a fraction between 0 and 1 (20% is 0.20), found 20",
        ],
    );
}

#[test]
fn unknown_value() {
    check(
        "unknown-value",
        &[
            "fixtures/bad/policy/unknown-value.toml:34:10: error[unknown-value]: `score.components[0].kind` must be one of `steps`, `bands`, `pro_rata`, found `step` (did you mean `steps`?)",
        ],
    );
}

#[test]
fn negative_value() {
    check(
        "negative-value",
        &[
            "fixtures/bad/policy/negative-value.toml:9:20: error[negative-value]: `risk_deposit_cap` must not be negative, found -5000",
        ],
    );
}

/// A negative piece rate used to be accepted and gave negative net pay.
#[test]
fn negative_rate() {
    check(
        "negative-rate",
        &[
            "fixtures/bad/policy/negative-rate.toml:22:10: error[negative-value]: `rate` must not be negative, found -3",
        ],
    );
}

/// A rate of 3×10^14 yuan per 万元 used to be accepted (a payroll of
/// 10^22 yuan, exit 0).
#[test]
fn rate_above_the_ceiling() {
    check(
        "rate-ceiling",
        &[
            "fixtures/bad/policy/rate-ceiling.toml:22:10: error[out-of-range]: `rate` must be at most 1000000 (yuan per `per` units of the metric), found 300000000000000",
        ],
    );
}

/// Every kind of policy number is range-checked where it is read, not only
/// the holdback's rate: caps, per-tier rates, `per`, fixed amounts, shares,
/// thresholds, ratios written as percentages, points.
#[test]
fn careless_numbers_everywhere() {
    check(
        "careless-numbers",
        &[
            "fixtures/bad/policy/careless-numbers.toml:14:20: error[out-of-range]: `risk_deposit_cap` must be at most 10000000 yuan, found 20000000",
            "fixtures/bad/policy/careless-numbers.toml:22:37: error[negative-value]: `rates.senior` must not be negative, found -8",
            "fixtures/bad/policy/careless-numbers.toml:28:9: error[out-of-range]: `per` must be at least 1 (the rate is quoted per `per` units of the metric), found 0.01",
            "fixtures/bad/policy/careless-numbers.toml:35:12: error[negative-value]: `amount` must not be negative, found -300",
            "fixtures/bad/policy/careless-numbers.toml:41:11: error[out-of-range]: `share` must be a fraction between 0 and 1 (20% is 0.20), found 1.5",
            "fixtures/bad/policy/careless-numbers.toml:45:8: error[out-of-range]: `rate` must be a fraction between 0 and 1 (20% is 0.20), found -0.2",
            "fixtures/bad/policy/careless-numbers.toml:51:9: error[negative-value]: `above` must not be negative, found -5000000",
            "fixtures/bad/policy/careless-numbers.toml:57:9: error[out-of-range]: `ratio` must be a fraction between 0 and 1 (20% is 0.20), found 90",
            "fixtures/bad/policy/careless-numbers.toml:63:9: error[out-of-range]: `times` must be between 1 and 1000, found 0.5",
            "fixtures/bad/policy/careless-numbers.toml:70:12: error[out-of-range]: `points` must be at most 1000 points, found 4000",
        ],
    );
}

/// `rmpay check` and `payroll` stop on them: exit 1, the pinned message,
/// nothing written.
#[test]
fn careless_policies_exit_1_and_write_nothing() {
    for (name, pinned) in [
        (
            "negative-rate",
            "fixtures/bad/policy/negative-rate.toml:22:10: error[negative-value]: `rate` must not be negative, found -3",
        ),
        (
            "rate-ceiling",
            "fixtures/bad/policy/rate-ceiling.toml:22:10: error[out-of-range]: `rate` must be at most 1000000 (yuan per `per` units of the metric), found 300000000000000",
        ),
    ] {
        let policy = format!("fixtures/bad/policy/{name}.toml");
        let expected = format!("{pinned}\nrmpay: 1 error(s); nothing was written\n");
        Test::new()
            .args(["check", "--policy", &policy])
            .stderr(&expected)
            .status(1)
            .run();
        let o = Test::new()
            .args([
                "payroll",
                "--policy",
                &policy,
                "--ledger",
                "fixtures/2026-10.xlsx",
                "--out",
                "$TMP/out",
            ])
            .stderr(&expected)
            .status(1)
            .run();
        assert!(!o.path("out").exists(), "{name}");
    }
}

#[test]
fn every_error_of_a_file_at_once() {
    check(
        "several-errors",
        &[
            "fixtures/bad/policy/several-errors.toml:20:12: error[unknown-metric]: unknown metric `deposit_stok` (did you mean `deposit_stock`?)",
            "fixtures/bad/policy/several-errors.toml:34:10: error[unknown-value]: `score.components[0].kind` must be one of `steps`, `bands`, `pro_rata`, found `step` (did you mean `steps`?)",
            "fixtures/bad/policy/several-errors.toml:39:14: error[cap-sign]: `cap_down` is the most points taken away and must be ≤ 0, found 40 (write -40)",
        ],
    );
}

#[test]
fn shipped_policies_are_valid() {
    for f in [
        "rules/city-commercial-bank.toml",
        "rules/bocom-nanchang.toml",
    ] {
        let bytes = std::fs::read(super::util::root().join(f)).unwrap();
        if let Err(d) = parse_policy(&bytes, f) {
            panic!("{}", d.render().join("\n"));
        }
    }
}

/// The worked examples in every shipped policy hold (a bank that edits its
/// rules sees here which examples changed).
#[test]
fn shipped_policy_examples_hold() {
    for f in [
        "rules/city-commercial-bank.toml",
        "rules/bocom-nanchang.toml",
    ] {
        let bytes = std::fs::read(super::util::root().join(f)).unwrap();
        let p = parse_policy(&bytes, f).unwrap_or_else(|d| panic!("{}", d.render().join("\n")));
        assert!(
            p.examples.len() >= 15,
            "{f} has only {} examples",
            p.examples.len()
        );
        let d = rmpay::engine::examples::run_examples(&p, f);
        assert!(d.is_empty(), "{}", d.render().join("\n"));
    }
}

/// A changed rule makes its examples fail, each at its line.
#[test]
fn a_changed_rule_fails_its_examples() {
    let f = "rules/city-commercial-bank.toml";
    let text = std::fs::read_to_string(super::util::root().join(f)).unwrap();
    let changed = text.replace(
        "when = { metric = \"score\", op = \"<\", value = 85 }",
        "when = { metric = \"score\", op = \"<\", value = 80 }",
    );
    assert_ne!(changed, text);
    let p = parse_policy(changed.as_bytes(), f).unwrap();
    let d = rmpay::engine::examples::run_examples(&p, f).render();
    assert_eq!(d.len(), 3, "{d:#?}");
    assert!(d[0].contains("error[example-failed]: example `senior just under 85 is demoted to mid` expected decision `demote`, got `keep`, tier `mid`, got `senior`"), "{}", d[0]);
}

#[test]
fn workflow_steps_are_checked() {
    // Line 64 repeats the title 审核 of line 59; line 65's office is empty;
    // line 55's `close_after` names no step (ids: check, approve).
    check(
        "bad-workflow",
        &[
            "fixtures/bad/policy/bad-workflow.toml:64:8: error[duplicate-id]: workflow step `审核` is defined twice (first at 59:8)",
            "fixtures/bad/policy/bad-workflow.toml:65:10: error[empty-value]: a workflow step needs a non-empty text here",
            "fixtures/bad/policy/bad-workflow.toml:55:15: error[unknown-reference]: `workflow.close_after` names `aprove`, which no `[[workflow.steps]]` defines (did you mean `approve`?)",
        ],
    );
}

/// A policy names metrics from the vocabulary: they load as `Metric`
/// values, and a review figure where a month's figure is needed is named
/// as such, at its line:column.
#[test]
fn metrics_load_from_the_vocabulary() {
    use rmpay::policy::{PayKind, load_policy};
    use rmpay::vocab::Metric;
    let path = super::util::root().join("rules/city-commercial-bank.toml");
    let p = load_policy(&path, "city-commercial-bank.toml").unwrap();
    let rated: Vec<Metric> = p
        .pay
        .lines
        .iter()
        .filter_map(|l| match &l.kind {
            PayKind::Rate { metric, .. } => Some(*metric),
            _ => None,
        })
        .collect();
    // rules/city-commercial-bank.toml lines 129–179, in order.
    assert_eq!(
        rated,
        [
            Metric::DepositStock,
            Metric::DepositIncrement,
            Metric::DepositDailyAverage,
            Metric::InterestReceived,
            Metric::FeeIncome,
            Metric::NewBasicAccounts,
        ]
    );
    assert_eq!(p.pay.deductions[0].metric, Metric::IncidentLoss);
    let display = "fixtures/bad/policy/unknown-metric.toml";
    let text = std::fs::read_to_string(super::util::root().join(display)).unwrap();
    let text = text.replace("\"deposit_stok\"", "\"deposit_growth\"");
    let e = parse_policy(text.as_bytes(), display).unwrap_err().render();
    assert_eq!(
        e,
        [
            "fixtures/bad/policy/unknown-metric.toml:20:12: error[unknown-metric]: unknown metric `deposit_growth` (it is a review figure, not a monthly one)"
        ]
    );
}

// ------------------------------------------------------------ Chinese ---

/// A Chinese console reads every problem of a policy in Chinese: the
/// keys, ids and words the policy writes stay as written, in backticks.
#[test]
fn a_chinese_console_reads_policy_errors_in_chinese() {
    Test::new()
        .args([
            "check",
            "--lang",
            "zh",
            "--policy",
            "fixtures/bad/policy/several-errors.toml",
        ])
        .stderr("
            fixtures/bad/policy/several-errors.toml:20:12: error[unknown-metric]: 未知的指标 `deposit_stok`（是否应为 `deposit_stock`？）
            fixtures/bad/policy/several-errors.toml:34:10: error[unknown-value]: `score.components[0].kind` 应为 `steps`、`bands`、`pro_rata` 之一，实为 `step`（是否应为 `steps`？）
            fixtures/bad/policy/several-errors.toml:39:14: error[cap-sign]: `cap_down` 是最多扣的分，应 ≤ 0，实为 40（请写作 -40）
            rmpay：3 个错误；未写入任何文件
        ")
        .status(1)
        .run();
    // The locale's language without `--lang`; a TOML syntax error in the
    // reader's words put in Chinese.
    Test::new()
        .env("LANG", "zh_CN.UTF-8")
        .args([
            "check",
            "--policy",
            "fixtures/bad/policy/toml-syntax.toml",
        ])
        .stderr("
            fixtures/bad/policy/toml-syntax.toml:22:10: error[toml-syntax]: 语法错误：文字须用英文双引号括起来
            rmpay：1 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

/// Money in a Chinese sentence has thousands separators, a ratio written
/// as a percentage is shown as the percentage it would be, points stay
/// points (careless-numbers.toml's lines 14, 41, 51, 57, 70).
#[test]
fn chinese_errors_show_amounts_with_separators_and_ratios_as_percentages() {
    Test::new()
        .args([
            "check",
            "--lang",
            "zh",
            "--policy",
            "fixtures/bad/policy/careless-numbers.toml",
        ])
        .stderr("
            fixtures/bad/policy/careless-numbers.toml:14:20: error[out-of-range]: `risk_deposit_cap` 不能超过 10,000,000 元，实为 20,000,000 元
            fixtures/bad/policy/careless-numbers.toml:22:37: error[negative-value]: `rates.senior` 不能为负数，实为 -8
            fixtures/bad/policy/careless-numbers.toml:28:9: error[out-of-range]: `per` 不能小于 1（单价按每 `per` 单位指标计），实为 0.01
            fixtures/bad/policy/careless-numbers.toml:35:12: error[negative-value]: `amount` 不能为负数，实为 -300
            fixtures/bad/policy/careless-numbers.toml:41:11: error[out-of-range]: `share` 应为 0 到 1 之间的小数（20% 写作 0.20），实为 1.5（即 150%）
            fixtures/bad/policy/careless-numbers.toml:45:8: error[out-of-range]: `rate` 应为 0 到 1 之间的小数（20% 写作 0.20），实为 -0.2（即 -20%）
            fixtures/bad/policy/careless-numbers.toml:51:9: error[negative-value]: `above` 不能为负数，实为 -5,000,000
            fixtures/bad/policy/careless-numbers.toml:57:9: error[out-of-range]: `ratio` 应为 0 到 1 之间的小数（20% 写作 0.20），实为 90（即 9,000%）
            fixtures/bad/policy/careless-numbers.toml:63:9: error[out-of-range]: `times` 应在 1 到 1000 倍之间，实为 0.5
            fixtures/bad/policy/careless-numbers.toml:70:12: error[out-of-range]: `points` 不能超过 1000 分，实为 4000 分
            rmpay：10 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

/// Policy A with art. 14's demotion line raised from 85 to 90 points:
/// its example of a senior at 85 exactly, kept, is now demoted. The
/// Chinese names the decisions and tiers by their Chinese names beside
/// their ids, and the rule that fired in the review book's words.
#[test]
fn a_failed_example_in_chinese_names_decisions_tiers_and_the_rule_that_fired() {
    let text = std::fs::read_to_string(super::util::root().join("rules/city-commercial-bank.toml"))
        .unwrap();
    let changed = text.replace(
        "when = { metric = \"score\", op = \"<\", value = 85 }",
        "when = { metric = \"score\", op = \"<\", value = 90 }",
    );
    assert_ne!(changed, text);
    Test::new()
        .write("p.toml", changed)
        .args(["check", "--lang", "zh", "--policy", "$TMP/p.toml"])
        .stderr("
            $TMP/p.toml:574:1: error[example-failed]: 算例 `senior at 85 exactly is kept` 与预期不符：决定应为保持（`keep`），实为降级（`demote`）；触发的规则：A-14-2-score-85（综合得分 85 < 90）
            rmpay：1 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

/// Choosing the version in force from a rules folder, in Chinese: the
/// dates a version is in force read 起 至 止.
#[test]
fn choosing_the_version_in_force_says_why_in_chinese() {
    Test::new()
        .args(["check", "--lang", "zh", "--rules", "rules", "--period", "2026-10"])
        .stderr("
            rules: error[several-policies]: 2026-10-01 有多个政策生效（`bocom-nanchang`、`city-commercial-bank`）：请用 `--bank` 选定其一
            rmpay：1 个错误；未写入任何文件
        ")
        .status(1)
        .run();
    Test::new()
        .args([
            "check",
            "--lang",
            "zh",
            "--rules",
            "fixtures/rules-versions",
            "--period",
            "2025-06",
        ])
        .stderr("
            fixtures/rules-versions: error[no-policy-in-force]: 2025-06-01 没有生效的政策；现有版本：`city-commercial-bank` 2026.1（2026-01-01 至 2026-09-30）、`city-commercial-bank` 2026.2（2026-10-01 至 …）
            rmpay：1 个错误；未写入任何文件
        ")
        .status(1)
        .run();
}

/// Every problem a policy can have, as texts: the bad fixtures, and
/// ok-tiny.toml (52 lines) with one edit each, between them every code
/// and every kind of message of `src/policy` (serde's and the TOML
/// reader's words among them).
fn bad_policies() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let dir = super::util::root().join("fixtures/bad/policy");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml") && n != "ok-tiny.toml")
        .collect();
    names.sort();
    for n in names {
        out.push((n.clone(), std::fs::read(dir.join(&n)).unwrap()));
    }
    let tiny = std::fs::read_to_string(dir.join("ok-tiny.toml")).unwrap();
    let edit = |from: &str, to: &str| {
        assert!(tiny.contains(from), "{from}");
        tiny.replacen(from, to, 1)
    };
    let payout = |from: &str, to: &str| {
        let profile = "[payout]\nformat = \"csv\"\nremark = \"{year}年{month}月绩效工资\"\n\
            columns = [\n  { field = \"account\", header = \"账号\" },\n  { field = \"account_name\", header = \"户名\" },\n  \
            { field = \"amount\", header = \"金额\" },\n  { value = \"人民币\", header = \"币种\" },\n]\n\
            [payout.control]\nat = \"header\"\nfields = [\"{count}\", \"{total}\"]\n";
        assert!(profile.contains(from), "{from}");
        format!("{tiny}\n{}", profile.replacen(from, to, 1))
    };
    let texts: Vec<(&str, String)> = vec![
        (
            "serde's wrong type",
            edit("name = \"初级客户经理\"", "name = 5"),
        ),
        (
            "a table expected",
            edit(
                "risk_deposit_cap = 5_000",
                "risk_deposit_cap = 5_000\nclient_band = 5",
            ),
        ),
        (
            "an array expected",
            format!(
                "{tiny}\n[[examples]]\nname = \"e\"\ntier = \"junior\"\nexpect = {{ score = 1 }}\nclients = 5\n"
            ),
        ),
        (
            "tables expected",
            edit(
                "  [[pay.lines]]\n  id = \"stock\"",
                "lines = [1]\n  [[pay.deductions]]\n  id = \"stock\"",
            ),
        ),
        ("a number expected", edit("per = 10_000", "per = true")),
        (
            "a date-time for a number",
            edit("per = 10_000", "per = 2026-01-01"),
        ),
        ("too big", edit("per = 10_000", "per = 1e20")),
        (
            "keys of another kind",
            edit("rate = 3.00", "rate = 3.00\nkind = \"fixed\"\namount = 5"),
        ),
        (
            "a fixed line without amount",
            edit(
                "  metric = \"deposit_stock\"\n  per = 10_000\n  rate = 3.00",
                "  kind = \"fixed\"",
            ),
        ),
        ("a rate line without rate", edit("  rate = 3.00\n", "")),
        (
            "settings",
            format!(
                "{tiny}\n[settings]\ninput_scale = 1.5\nmoney_scale = 9\nrounding = \"half_evn\"\nexcluded_products = [\"demnd\"]\n"
            ),
        ),
        (
            "dates",
            edit(
                "version = \"1\"",
                "version = \"1\"\neffective_from = 5\neffective_until = \"2026-13-01\"",
            ),
        ),
        (
            "dates reversed",
            edit(
                "version = \"1\"",
                "version = \"1\"\neffective_from = 2026-07-01\neffective_until = 2026-01-01",
            ),
        ),
        ("an unknown table", format!("{tiny}\n[tierz]\na = 1\n")),
        (
            "a client band upside down",
            edit(
                "risk_deposit_cap = 5_000",
                "risk_deposit_cap = 5_000\nclient_band = { deposits = { min = 500000, below = 100000 } }",
            ),
        ),
        (
            "no [policy]",
            edit(
                "[policy]\nid = \"tiny\"\nname = \"最小办法\"\nversion = \"1\"\n",
                "",
            ),
        ),
        (
            "[policy] not a table",
            tiny.replacen(
                "[policy]\nid = \"tiny\"\nname = \"最小办法\"\nversion = \"1\"\n",
                "policy = 5\n",
                1,
            ),
        ),
        (
            "no tiers",
            format!("{}[pay]\n", tiny.split("[[tiers]]").next().unwrap()),
        ),
        (
            "no cap",
            edit("risk_deposit_cap = 5_000\n", "").replacen("risk_deposit_cap = 20_000\n", "", 1),
        ),
        (
            "a flag without check",
            format!("{tiny}\n[[flags]]\nid = \"f\"\nname = \"F\"\nratio = 0.5\n"),
        ),
        (
            "a flag's keys",
            format!(
                "{tiny}\n[[flags]]\nid = \"f\"\nname = \"F\"\ncheck = \"gross_above\"\nratio = 0.5\n"
            ),
        ),
        (
            "review rules",
            format!(
                "{tiny}\n[review]\n[[review.rules]]\nid = \"r\"\nname = \"R\"\ntiers = [\"junior\"]\n\
                 [[review.rules]]\nid = \"r\"\nname = \"R2\"\ndecision = \"keep\"\nwhen = {{ metric = \"score\", value = 3 }}\n\
                 [[review.rules]]\nid = \"r3\"\nname = \"R3\"\ndecision = \"keep\"\n\
                 when = {{ all = [{{ metric = \"score\", op = \"<\", value = 3 }}], metric = \"score\" }}\n"
            ),
        ),
        (
            "criteria",
            edit(
                "risk_deposit_cap = 5_000",
                "risk_deposit_cap = 5_000\ncriteria = { need = 3, disqualifiers = [\"nope\"], items = [{ id = \"a\", metric = \"deposit_stock\", min = 1 }] }",
            ),
        ),
        (
            "an example",
            format!("{tiny}\n[[examples]]\nname = \"e\"\ntier = \"junor\"\n"),
        ),
        (
            "steps and bands",
            edit("step = 0.01", "step = 0")
                .replacen("cap_up = 20", "cap_up = -20", 1)
                .replacen(
                    "{ max = 0.05, points = 10 }",
                    "{ max = 0.05, below = 0.06, points = 10 }",
                    1,
                )
                .replacen(
                    "{ points = 0 },",
                    "{ points = 0 },\n    { max = 1, points = 0 },",
                    1,
                ),
        ),
        (
            "a component twice",
            edit("  id = \"npl\"", "  id = \"growth\""),
        ),
        (
            "integers",
            edit(
                "risk_deposit_cap = 5_000",
                "risk_deposit_cap = 5_000\nstaff_grade = \"5\"\nexam_min = 5000",
            ),
        ),
        (
            "a workflow without steps",
            format!("{tiny}\n[workflow]\nclose_after = \"x\"\n"),
        ),
        (
            "a duplicate key",
            edit("id = \"tiny\"", "id = \"tiny\"\nid = \"x\""),
        ),
        ("an unclosed table", edit("[pay]", "[pay")),
        ("no equals sign", edit("per = 10_000", "per 10_000")),
        ("an unclosed remark field", payout("{month}月", "{month")),
        ("an unknown remark field", payout("{month}月", "{mnth}月")),
        (
            "field and value",
            payout(
                "{ value = \"人民币\"",
                "{ field = \"seq\", value = \"人民币\"",
            ),
        ),
        (
            "csv keys in xlsx",
            payout(
                "format = \"csv\"\n",
                "format = \"xlsx\"\ndelimiter = \";\"\nsheet = \"a/b\"\n",
            ),
        ),
        (
            "an unknown column",
            payout("{ field = \"amount\"", "{ field = \"amonut\""),
        ),
        (
            "no total",
            payout(
                "fields = [\"{count}\", \"{total}\"]",
                "fields = [\"{count}\"]",
            ),
        ),
        (
            "gbk",
            payout(
                "format = \"csv\"\n",
                "format = \"csv\"\nencoding = \"gbk\"\nheader_row = true\n",
            )
            .replacen("{year}年", "{year}年😀", 1),
        ),
        (
            "csv settings",
            payout(
                "format = \"csv\"\n",
                "format = \"csv\"\ndelimiter = \"ab\"\namount_places = 1\nsheet = \"x\"\n",
            ),
        ),
        (
            "a column of nothing",
            payout(
                "{ value = \"人民币\", header = \"币种\" }",
                "{ header = \"币种\" }, { value = \"x\" }",
            ),
        ),
        ("no control position", payout("at = \"header\"\n", "")),
        (
            "no columns nor control",
            format!("{tiny}\n[payout]\nremark = \"x\"\n"),
        ),
    ];
    for (name, text) in texts {
        out.push((name.to_string(), text.into_bytes()));
    }
    out.push(("not UTF-8".into(), b"id = \"x\xff\"\n".to_vec()));
    out
}

/// The words of a Chinese diagnostic that are English and name nothing
/// (see [`util::english_words`](super::util::english_words)).
fn english_in(line: &str) -> Vec<String> {
    super::util::english_words(line, &[])
}

/// Every diagnostic of a policy, every message of `src/policy`, the rules
/// folder's choice and the failed examples, read in Chinese: Chinese in
/// each, and no English word but what names a thing (keys, ids, values as
/// written, in backticks or 「」).
#[test]
fn every_policy_diagnostic_in_chinese_has_no_english_but_identifiers() {
    use rmpay::text::Lang;
    let mut said: Vec<(String, String)> = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    let mut keep = |what: &str, d: &rmpay::diag::Diagnostics| {
        assert!(!d.is_empty(), "{what}: no problem found");
        for x in d.iter() {
            codes.insert(x.code.id());
            said.push((what.to_string(), x.show(Lang::Zh)));
        }
    };
    for (name, bytes) in bad_policies() {
        match parse_policy(&bytes, &name) {
            Ok(_) => panic!("{name}: valid"),
            Err(d) => keep(&name, &d),
        }
    }
    // The rules folder: versions that overlap, several policies, none.
    let oct = rmpay::vocab::Period::new(2026, 10).unwrap();
    let june = rmpay::vocab::Period::new(2025, 6).unwrap();
    let root = super::util::root();
    for (dir, bank, period) in [
        ("fixtures/bad/rules-overlap", None, oct),
        ("rules", None, oct),
        ("fixtures/rules-versions", None, june),
        (
            "fixtures/rules-versions",
            Some("city-commercial-bank"),
            june,
        ),
        ("no-such-folder", None, oct),
    ] {
        match rmpay::policy::select::select_policy(&root.join(dir), bank, period) {
            Ok(_) => panic!("{dir}: a policy in force"),
            Err(d) => keep(dir, &d),
        }
    }
    // A policy file that is not there.
    let gone = rmpay::policy::load_policy(&root.join("no-such.toml"), "no-such.toml").unwrap_err();
    keep("no-such.toml", &gone);
    // Failed examples, with and without rules that fired.
    let a = std::fs::read_to_string(root.join("rules/city-commercial-bank.toml")).unwrap();
    for line in ["80", "90"] {
        let changed = a.replace(
            "when = { metric = \"score\", op = \"<\", value = 85 }",
            &format!("when = {{ metric = \"score\", op = \"<\", value = {line} }}"),
        );
        let p = parse_policy(changed.as_bytes(), "a.toml").unwrap();
        keep(line, &rmpay::engine::examples::run_examples(&p, "a.toml"));
    }
    let mut found = Vec::new();
    for (what, line) in &said {
        let words = english_in(line);
        let chinese = line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        if !words.is_empty() || !chinese {
            found.push(format!("{what}: {words:?} in {line}"));
        }
    }
    assert!(
        found.is_empty(),
        "{} lines:\n{}",
        found.len(),
        found.join("\n")
    );
    // Between them, every code a policy can be refused with.
    for code in [
        "toml-syntax",
        "unknown-key",
        "wrong-type",
        "missing-key",
        "unknown-tier",
        "unknown-metric",
        "unknown-value",
        "overlapping-bands",
        "cap-sign",
        "duplicate-id",
        "out-of-range",
        "negative-value",
        "empty-value",
        "unknown-reference",
        "bad-range",
        "not-utf8",
        "example-failed",
        "bad-template",
        "bad-column",
        "not-applicable",
        "unknown-field",
        "unknown-column",
        "missing-field",
        "missing-column",
        "cannot-read",
        "no-policy-in-force",
        "overlapping-versions",
        "several-policies",
        "not-encodable",
    ] {
        assert!(codes.contains(code), "no case says {code}: {codes:?}");
    }
}
