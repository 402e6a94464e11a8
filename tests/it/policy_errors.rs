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
