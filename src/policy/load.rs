//! TOML text → validated [`Policy`], with every problem located.

use super::model::*;
use super::walk::{Cx, Quantity, Sp, Table, tables_of};
use crate::diag::Code;
use crate::diag::{Diagnostics, suggestion};
use crate::vocab::{Product, Role, Scope};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

/// Read and validate a policy file. `display` names the file in messages.
pub fn load_policy(path: &std::path::Path, display: &str) -> Result<Policy, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        let mut d = Diagnostics::new();
        d.error(
            crate::diag::Location::File {
                file: display.to_string(),
            },
            Code::CannotRead,
            format!("cannot read the policy: {e}"),
        );
        d
    })?;
    parse_policy(&bytes, display)
}

/// Validate a policy from its bytes.
pub fn parse_policy(bytes: &[u8], display: &str) -> Result<Policy, Diagnostics> {
    let sha256 = hex(&Sha256::digest(bytes));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Located like every other policy error: line and column (in
            // characters) of the first byte that is not UTF-8.
            let at = e.valid_up_to();
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let loc = crate::diag::Location::Text {
                file: display.to_string(),
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
            };
            let mut cx = Cx::new(display, "");
            cx.diags.error(
                loc,
                Code::NotUtf8,
                format!(
                    "the policy is not UTF-8 text: byte 0x{:02X} (save the file as UTF-8)",
                    bytes[at]
                ),
            );
            return Err(cx.diags);
        }
    };
    let mut cx = Cx::new(display, text);
    let root = match DeTable::parse(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            let msg = lower_first(&msg);
            cx.error(&span, Code::TomlSyntax, msg);
            return Err(cx.diags);
        }
    };
    let table = Table::new(root.get_ref(), root.span(), "");
    let policy = read_policy(&mut cx, &table, display, sha256);
    if cx.diags.has_errors() {
        Err(cx.diags)
    } else {
        policy.ok_or(cx.diags)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Names of tiers, with spans, for reference checks.
struct TierNames {
    ids: Vec<String>,
}

impl TierNames {
    fn resolve(&self, cx: &mut Cx, name: &Sp<String>, what: &str) -> Option<TierIx> {
        match self.ids.iter().position(|t| *t == name.value) {
            Some(i) => Some(i),
            None => {
                cx.error(
                    &name.span,
                    Code::UnknownTier,
                    format!(
                        "{what} names unknown tier `{}`{}",
                        name.value,
                        suggestion(&name.value, self.ids.iter().map(String::as_str))
                    ),
                );
                None
            }
        }
    }

    fn list(&self, cx: &mut Cx, t: &Table, key: &'static str, what: &str) -> Vec<TierIx> {
        t.opt_str_list(cx, key)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| self.resolve(cx, n, what))
            .collect()
    }

    fn values(
        &self,
        cx: &mut Cx,
        t: &Table,
        key: &'static str,
        what: &str,
        q: Quantity,
    ) -> Vec<(TierIx, Decimal)> {
        t.opt_num_map(cx, key, q)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| self.resolve(cx, &k, what).map(|i| (i, v.value)))
            .collect()
    }
}

/// Stands in for a metric whose error is already reported: a policy with
/// errors is never returned, so it is never read.
const REPORTED: Metric = Metric::DepositDailyAverage;

/// The metric a key names, from the vocabulary; `None`, the error
/// reported at its line:column, for a name it does not know (or, where
/// `monthly_only`, a review figure).
fn read_metric(cx: &mut Cx, m: &Option<Sp<String>>, monthly_only: bool) -> Option<Metric> {
    let m = m.as_ref()?;
    let found = Metric::from_id(&m.value);
    match found {
        Some(x) if !monthly_only || x.scope() == Scope::Monthly => Some(x),
        _ => {
            let extra = if found.is_some() {
                " (it is a review figure, not a monthly one)".to_string()
            } else if monthly_only {
                suggestion(&m.value, Metric::monthly_ids())
            } else {
                suggestion(&m.value, Metric::ids())
            };
            cx.error(
                &m.span,
                Code::UnknownMetric,
                format!("unknown metric `{}`{extra}", m.value),
            );
            None
        }
    }
}

fn read_policy(cx: &mut Cx, root: &Table, display: &str, sha256: String) -> Option<Policy> {
    // [policy]
    let meta = root.opt_table(cx, "policy");
    if meta.is_none() && !root.has("policy") {
        cx.error(
            &(0..0),
            Code::MissingKey,
            "missing `[policy]` table (id, name, version)",
        );
    }
    let (mut id, mut name, mut name_en, mut version, mut from, mut until) =
        (None, None, None, None, None, None);
    if let Some(m) = &meta {
        id = m.str(cx, "id");
        name = m.str(cx, "name");
        name_en = m.opt_str(cx, "name_en");
        version = m.str(cx, "version");
        let _ = m.opt_str(cx, "source");
        let _ = m.opt_str(cx, "description");
        from = m.opt_date(cx, "effective_from");
        until = m.opt_date(cx, "effective_until");
        if let (Some(f), Some(u)) = (&from, &until)
            && u.value < f.value
        {
            cx.error(
                &u.span,
                Code::BadRange,
                format!(
                    "`effective_until` {} is before `effective_from` {}",
                    u.value, f.value
                ),
            );
        }
        m.finish(cx);
    }

    let settings = read_settings(cx, root);

    // [[tiers]]: ids first, so every later reference can be checked.
    let tier_tables = root.opt_tables(cx, "tiers");
    if tier_tables.is_empty() {
        cx.error(
            &root.span,
            Code::MissingKey,
            "missing `[[tiers]]`: a policy needs at least one tier",
        );
    }
    let mut names = TierNames { ids: Vec::new() };
    let mut seen: Vec<Sp<String>> = Vec::new();
    for t in &tier_tables {
        let tid = t.str(cx, "id");
        if let Some(tid) = &tid {
            if let Some(prev) = seen.iter().find(|s| s.value == tid.value) {
                let (l, c) = cx.line_col(prev.span.start);
                cx.error(
                    &tid.span,
                    Code::DuplicateId,
                    format!("tier `{}` is defined twice (first at {l}:{c})", tid.value),
                );
            }
            seen.push(tid.clone());
        }
        names.ids.push(tid.map(|s| s.value).unwrap_or_default());
    }
    let mut disq_refs: Vec<Sp<String>> = Vec::new();
    let tiers: Vec<Tier> = tier_tables
        .iter()
        .enumerate()
        .map(|(i, t)| read_tier(cx, t, &names, i, &mut disq_refs))
        .collect();

    let pay = read_pay(cx, root, &names);
    let risk_deposit = read_risk(cx, root, &tiers);
    let flags = read_flags(cx, root, &names);
    let score = read_score(cx, root, &names);
    let review = read_review(cx, root, &names);
    let examples = read_examples(cx, root, &names);
    let workflow = read_workflow(cx, root);
    let payout = super::payout::read_payout(cx, root, settings.money.scale);
    let known: Vec<&str> = review.disqualifiers.iter().map(|d| d.id.as_str()).collect();
    for r in &disq_refs {
        if !known.contains(&r.value.as_str()) {
            cx.error(
                &r.span,
                Code::UnknownReference,
                format!(
                    "`disqualifiers` names `{}`, which no `[[review.disqualifiers]]` defines{}",
                    r.value,
                    suggestion(&r.value, known.iter().copied())
                ),
            );
        }
    }
    root.finish(cx);

    Some(Policy {
        id: id?.value,
        name: name?.value,
        name_en: name_en.map(|s| s.value),
        version: version?.value,
        file: display.to_string(),
        sha256,
        effective_from: from.map(|d| d.value),
        effective_until: until.map(|d| d.value),
        settings,
        tiers,
        pay,
        risk_deposit,
        flags,
        score,
        review,
        examples,
        workflow,
        payout,
    })
}

/// `[workflow]`: the sign-off steps in order, and which one is the
/// approval that `close` needs.
fn read_workflow(cx: &mut Cx, root: &Table) -> Option<Workflow> {
    let w = root.opt_table(cx, "workflow")?;
    let close_after = w.str(cx, "close_after");
    let tables = w.opt_tables(cx, "steps");
    w.finish(cx);
    if tables.is_empty() {
        cx.error(
            &w.span,
            Code::MissingKey,
            "`[workflow]` needs at least one `[[workflow.steps]]`",
        );
        return None;
    }
    let mut seen: Vec<Sp<String>> = Vec::new();
    let mut steps = Vec::new();
    for t in &tables {
        let id = t.str(cx, "id");
        let name = t.str(cx, "name");
        let name_en = t.opt_str(cx, "name_en");
        let office = t.str(cx, "office");
        let office_en = t.opt_str(cx, "office_en");
        t.finish(cx);
        for s in [&id, &name].into_iter().flatten() {
            dup_check(cx, &mut seen, s, "workflow step");
        }
        if let Some(s) = [&id, &name, &office]
            .into_iter()
            .flatten()
            .find(|s| s.value.trim().is_empty())
        {
            cx.error(
                &s.span,
                Code::EmptyValue,
                "a workflow step needs a non-empty text here",
            );
        }
        steps.push(WorkflowStep {
            id: id.map(|s| s.value).unwrap_or_default(),
            name: name.map(|s| s.value).unwrap_or_default(),
            name_en: name_en.map(|s| s.value),
            office: office.map(|s| s.value).unwrap_or_default(),
            office_en: office_en.map(|s| s.value),
        });
    }
    let close_after = close_after?;
    let mut wf = Workflow { steps, approval: 0 };
    match wf.find(&close_after.value) {
        Some(i) => wf.approval = i,
        None => {
            cx.error(
                &close_after.span,
                Code::UnknownReference,
                format!(
                    "`workflow.close_after` names `{}`, which no `[[workflow.steps]]` defines{}",
                    close_after.value,
                    suggestion(&close_after.value, wf.spellings())
                ),
            );
            return None;
        }
    }
    Some(wf)
}

fn read_examples(cx: &mut Cx, root: &Table, names: &TierNames) -> Vec<Example> {
    let mut out = Vec::new();
    for e in root.opt_tables(cx, "examples") {
        let name = e.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let (line, _) = cx.line_col(e.span.start);
        let tier = e
            .str(cx, "tier")
            .and_then(|t| names.resolve(cx, &t, "`tier`"));
        let role = e
            .opt_choice(cx, "role", Role::IDS)
            .and_then(|r| Role::from_id(r.value));
        let metrics: Vec<(Metric, Decimal)> = e
            .opt_num_map(cx, "metrics", Quantity::Any)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| Some((read_metric(cx, &Some(k), false)?, v.value)))
            .collect();
        let clients = e
            .opt_tables(cx, "clients")
            .iter()
            .map(|c| {
                let deposits = c
                    .opt_num(cx, "deposits", Quantity::NonNegative)
                    .map(|v| v.value)
                    .unwrap_or_default();
                let loans = c
                    .opt_num(cx, "loans", Quantity::NonNegative)
                    .map(|v| v.value)
                    .unwrap_or_default();
                let prior = c
                    .opt_num(cx, "prior_deposits", Quantity::NonNegative)
                    .map(|v| v.value);
                c.finish(cx);
                ExampleClient {
                    deposits,
                    loans,
                    prior_deposits: prior,
                }
            })
            .collect();
        let (mut decision, mut to, mut score) = (None, None, None);
        if let Some(x) = e.opt_table(cx, "expect") {
            decision = x
                .opt_choice(cx, "decision", Decision::IDS)
                .and_then(|d| Decision::from_id(d.value));
            to = x
                .opt_str(cx, "tier")
                .and_then(|t| names.resolve(cx, &t, "`expect.tier`"));
            score = x.opt_num(cx, "score", Quantity::Any).map(|v| v.value);
            x.finish(cx);
        } else {
            cx.error(
                &e.span,
                Code::MissingKey,
                format!("missing `{}.expect` (decision, tier or score)", e.path),
            );
        }
        e.finish(cx);
        if let Some(tier) = tier {
            out.push(Example {
                name,
                line,
                tier,
                role,
                metrics,
                clients,
                expect_decision: decision,
                expect_tier: to,
                expect_score: score,
            });
        }
    }
    out
}

fn read_settings(cx: &mut Cx, root: &Table) -> Settings {
    let mut s = Settings {
        input_scale: 2,
        money: Rounding {
            scale: 2,
            mode: RoundingMode::HalfUp,
        },
        carry_forward_missing_days: false,
        excluded_products: Vec::new(),
        loans_follow_client_shares: true,
    };
    let Some(t) = root.opt_table(cx, "settings") else {
        return s;
    };
    if let Some(v) = t.opt_int(cx, "input_scale", 0..5) {
        s.input_scale = v.value as u32;
    }
    if let Some(v) = t.opt_int(cx, "money_scale", 0..5) {
        s.money.scale = v.value as u32;
    }
    if let Some(v) = t.opt_choice(cx, "rounding", &["half_up", "half_even", "down"]) {
        s.money.mode = match v.value {
            "half_even" => RoundingMode::HalfEven,
            "down" => RoundingMode::Down,
            _ => RoundingMode::HalfUp,
        };
    }
    if let Some(v) = t.opt_bool(cx, "carry_forward_missing_days") {
        s.carry_forward_missing_days = v.value;
    }
    if let Some(v) = t.opt_bool(cx, "loans_follow_client_shares") {
        s.loans_follow_client_shares = v.value;
    }
    for p in t.opt_str_list(cx, "excluded_products").unwrap_or_default() {
        let product = match Product::from_id(&p.value) {
            Some(product) => product,
            None => {
                let other = p.value.as_str();
                cx.error(
                    &p.span,
                    Code::UnknownValue,
                    format!(
                        "unknown product `{other}`: expected `demand`, `time` or `agreement`{}",
                        suggestion(other, Product::IDS.iter().copied())
                    ),
                );
                continue;
            }
        };
        s.excluded_products.push(product);
    }
    t.finish(cx);
    s
}

fn read_range(cx: &mut Cx, t: &Table) -> Range {
    let min = t.opt_num(cx, "min", Quantity::NonNegative);
    let below = t.opt_num(cx, "below", Quantity::NonNegative);
    if let (Some(a), Some(b)) = (&min, &below)
        && b.value <= a.value
    {
        cx.error(
            &b.span,
            Code::BadRange,
            format!("`below` {} must be greater than `min` {}", b.value, a.value),
        );
    }
    t.finish(cx);
    Range {
        min: min.map(|v| v.value),
        below: below.map(|v| v.value),
    }
}

fn read_tier(
    cx: &mut Cx,
    t: &Table,
    names: &TierNames,
    _ix: TierIx,
    disq_refs: &mut Vec<Sp<String>>,
) -> Tier {
    let id = names.ids.get(_ix).cloned().unwrap_or_default();
    let name = t.str(cx, "name").map(|s| s.value).unwrap_or_default();
    let name_en = t.opt_str(cx, "name_en").map(|s| s.value);
    let aliases = t
        .opt_str_list(cx, "aliases")
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.value)
        .collect();
    let role = t
        .opt_choice(cx, "role", Role::IDS)
        .and_then(|s| Role::from_id(s.value))
        .unwrap_or(Role::Rm);
    let base = t.opt_num(cx, "base_deposit", Quantity::NonNegative);
    let authority = t.opt_num(cx, "loan_authority", Quantity::NonNegative);
    let cap = t.opt_num(cx, "risk_deposit_cap", Quantity::Money);
    let staff_grade = t.opt_int(cx, "staff_grade", 0..100).map(|v| v.value);
    let demote_to = t
        .opt_str(cx, "demote_to")
        .and_then(|n| names.resolve(cx, &n, "`demote_to`"));
    let exam_min = t.opt_num(cx, "exam_min", Quantity::Points).map(|v| v.value);
    let exam_when_missing = match t
        .opt_choice(cx, "exam_when_missing", &["error", "not_assessed"])
        .map(|v| v.value)
    {
        Some("not_assessed") => WhenMissing::NotAssessed,
        _ => WhenMissing::Error,
    };
    let client_band = t.opt_table(cx, "client_band").map(|b| {
        let rule = b
            .opt_str(cx, "rule")
            .map(|s| s.value)
            .unwrap_or_else(|| "client_band".into());
        let deposits = b.opt_table(cx, "deposits").map(|r| read_range(cx, &r));
        let loans = b.opt_table(cx, "loans").map(|r| read_range(cx, &r));
        let ignore_zero = b
            .opt_bool(cx, "ignore_zero")
            .map(|v| v.value)
            .unwrap_or(true);
        b.finish(cx);
        ClientBand {
            rule,
            deposits,
            loans,
            ignore_zero,
        }
    });
    let criteria = t
        .opt_table(cx, "criteria")
        .map(|c| read_criteria(cx, &c, disq_refs));
    t.finish(cx);
    Tier {
        id,
        name,
        name_en,
        aliases,
        role,
        base_deposit: base.map(|v| v.value),
        loan_authority: authority.map(|v| v.value),
        risk_deposit_cap: cap.map(|v| v.value),
        client_band,
        staff_grade,
        demote_to,
        criteria,
        exam_min,
        exam_when_missing,
    }
}

fn read_criteria(cx: &mut Cx, c: &Table, disq_refs: &mut Vec<Sp<String>>) -> Criteria {
    let rule = c
        .opt_str(cx, "rule")
        .map(|s| s.value)
        .unwrap_or_else(|| "criteria".into());
    let need = c.opt_int(cx, "need", 0..100);
    let items: Vec<Criterion> = c
        .opt_tables(cx, "items")
        .iter()
        .map(|it| {
            let id = it.str(cx, "id").map(|s| s.value).unwrap_or_default();
            let name = it.opt_str(cx, "name").map(|s| s.value);
            let metric = it.str(cx, "metric");
            let metric = read_metric(cx, &metric, false);
            let min = it.num(cx, "min", Quantity::NonNegative);
            let single = it.opt_num(cx, "single_client_min", Quantity::NonNegative);
            let note = it.opt_str(cx, "note").map(|s| s.value);
            let when_missing = read_when_missing(cx, it);
            it.finish(cx);
            Criterion {
                id,
                name,
                metric: metric.unwrap_or(REPORTED),
                min: min.map(|m| m.value).unwrap_or_default(),
                single_client_min: single.map(|v| v.value),
                note,
                when_missing,
            }
        })
        .collect();
    if let Some(n) = &need
        && n.value as usize > items.len()
    {
        cx.error(
            &n.span,
            Code::OutOfRange,
            format!(
                "`need` is {} but only {} criteria items are listed",
                n.value,
                items.len()
            ),
        );
    }
    let exclude = c.opt_num(cx, "exclude_clients_below", Quantity::NonNegative);
    let tenure = c.opt_num(cx, "tenure_years", Quantity::NonNegative);
    let disq_sp = c.opt_str_list(cx, "disqualifiers").unwrap_or_default();
    let disq = disq_sp.iter().map(|s| s.value.clone()).collect();
    disq_refs.extend(disq_sp);
    let pass_line = c
        .opt_num(cx, "pass_line", Quantity::NonNegative)
        .map(|v| v.value);
    c.finish(cx);
    Criteria {
        rule,
        need: need.map(|n| n.value as usize).unwrap_or(items.len()),
        items,
        exclude_clients_below: exclude.map(|v| v.value),
        tenure_years: tenure.map(|v| v.value),
        disqualifiers: disq,
        pass_line,
    }
}

fn tier_values(
    cx: &mut Cx,
    t: &Table,
    single: &'static str,
    map: &'static str,
    names: &TierNames,
    q: Quantity,
) -> TierValues {
    let default = t.opt_num(cx, single, q).map(|v| v.value);
    let by_tier = names.values(cx, t, map, &format!("`{map}`"), q);
    TierValues { default, by_tier }
}

fn read_pay(cx: &mut Cx, root: &Table, names: &TierNames) -> Pay {
    let mut pay = Pay {
        rates_are_examples: false,
        lines: Vec::new(),
        deductions: Vec::new(),
    };
    let Some(p) = root.opt_table(cx, "pay") else {
        return pay;
    };
    pay.rates_are_examples = p
        .opt_bool(cx, "rates_are_examples")
        .map(|v| v.value)
        .unwrap_or(false);
    let mut ids: Vec<Sp<String>> = Vec::new();
    for l in p.opt_tables(cx, "lines") {
        let id = l.str(cx, "id");
        if let Some(id) = &id {
            dup_check(cx, &mut ids, id, "pay line");
        }
        let name = l.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let name_en = l.opt_str(cx, "name_en").map(|s| s.value);
        let tiers = names.list(cx, &l, "tiers", "`tiers`");
        let kind = l
            .opt_choice(cx, "kind", &["rate", "fixed"])
            .map(|k| k.value)
            .unwrap_or("rate");
        let kind = if kind == "fixed" {
            let amount = tier_values(cx, &l, "amount", "amounts", names, Quantity::Money);
            if amount.default.is_none() && amount.by_tier.is_empty() {
                cx.error(
                    &l.span,
                    Code::MissingKey,
                    format!("`{}` of kind `fixed` needs `amount` or `amounts`", l.path),
                );
            }
            PayKind::Fixed { amount }
        } else {
            let metric = l.str(cx, "metric");
            let metric = read_metric(cx, &metric, true);
            let per = l.opt_num(cx, "per", Quantity::Per);
            let rate = tier_values(cx, &l, "rate", "rates", names, Quantity::Rate);
            if rate.default.is_none() && rate.by_tier.is_empty() {
                cx.error(
                    &l.span,
                    Code::MissingKey,
                    format!("`{}` of kind `rate` needs `rate` or `rates`", l.path),
                );
            }
            PayKind::Rate {
                metric: metric.unwrap_or(REPORTED),
                per: per
                    .map(|p| p.value)
                    .filter(|p| *p > Decimal::ZERO)
                    .unwrap_or(Decimal::ONE),
                rate,
            }
        };
        l.finish(cx);
        pay.lines.push(PayLine {
            id: id.map(|s| s.value).unwrap_or_default(),
            name,
            name_en,
            kind,
            tiers,
        });
    }
    for d in p.opt_tables(cx, "deductions") {
        let id = d.str(cx, "id");
        if let Some(id) = &id {
            dup_check(cx, &mut ids, id, "pay line");
        }
        let name = d.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let name_en = d.opt_str(cx, "name_en").map(|s| s.value);
        let metric = d.str(cx, "metric");
        let metric = read_metric(cx, &metric, true);
        let share = d.opt_num(cx, "share", Quantity::Ratio);
        d.finish(cx);
        pay.deductions.push(Deduction {
            id: id.map(|s| s.value).unwrap_or_default(),
            name,
            name_en,
            metric: metric.unwrap_or(REPORTED),
            share: share.map(|s| s.value).unwrap_or(Decimal::ONE),
        });
    }
    p.finish(cx);
    pay
}

fn dup_check(cx: &mut Cx, seen: &mut Vec<Sp<String>>, id: &Sp<String>, what: &str) {
    if let Some(prev) = seen.iter().find(|s| s.value == id.value) {
        let (l, c) = cx.line_col(prev.span.start);
        cx.error(
            &id.span,
            Code::DuplicateId,
            format!("{what} `{}` is defined twice (first at {l}:{c})", id.value),
        );
    }
    seen.push(id.clone());
}

fn read_risk(cx: &mut Cx, root: &Table, tiers: &[Tier]) -> Option<RiskDeposit> {
    let r = root.opt_table(cx, "risk_deposit")?;
    let rule = r.str(cx, "rule").map(|s| s.value).unwrap_or_default();
    let name = r
        .opt_str(cx, "name")
        .map(|s| s.value)
        .unwrap_or_else(|| "风险金".into());
    let name_en = r.opt_str(cx, "name_en").map(|s| s.value);
    let rate = r.num(cx, "rate", Quantity::Ratio);
    let base = match r
        .opt_choice(cx, "base", &["gross", "after_deductions"])
        .map(|v| v.value)
    {
        Some("gross") => HoldbackBase::Gross,
        _ => HoldbackBase::AfterDeductions,
    };
    let months = r
        .opt_int(cx, "release_after_months", 0..121)
        .map(|v| v.value as u32)
        .unwrap_or(6);
    let lowered = match r
        .opt_choice(cx, "lowered_cap", &["keep", "release_excess"])
        .map(|v| v.value)
    {
        Some("release_excess") => LoweredCap::ReleaseExcess,
        _ => LoweredCap::Keep,
    };
    r.finish(cx);
    if rate.is_some() && tiers.iter().all(|t| t.risk_deposit_cap.is_none()) {
        cx.error(
            &r.span,
            Code::MissingKey,
            "`risk_deposit` is set but no tier has a `risk_deposit_cap`",
        );
    }
    Some(RiskDeposit {
        rule,
        name,
        name_en,
        rate: rate.map(|v| v.value).unwrap_or_default(),
        base,
        release_after_months: months,
        lowered_cap: lowered,
    })
}

fn read_flags(cx: &mut Cx, root: &Table, names: &TierNames) -> Vec<FlagRule> {
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for f in root.opt_tables(cx, "flags") {
        let id = f.str(cx, "id");
        if let Some(id) = &id {
            dup_check(cx, &mut ids, id, "flag");
        }
        let name = f.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let name_en = f.opt_str(cx, "name_en").map(|s| s.value);
        let tiers = names.list(cx, &f, "tiers", "`tiers`");
        let kinds = [
            "loan_above_authority",
            "joint_signing_required",
            "client_outside_band",
            "deposit_below_base",
            "collection_below",
            "new_loan_collection_below",
            "gross_above",
            "gross_above_tier_median",
        ];
        let kind = match f.opt_choice(cx, "check", &kinds).map(|k| k.value) {
            Some("loan_above_authority") => Some(FlagKind::LoanAboveAuthority),
            Some("joint_signing_required") => f
                .num(cx, "above", Quantity::NonNegative)
                .map(|v| FlagKind::JointSigningRequired { above: v.value }),
            Some("client_outside_band") => Some(FlagKind::ClientOutsideBand),
            Some("deposit_below_base") => {
                let r = f.num(cx, "ratio", Quantity::Ratio);
                let months = f
                    .opt_int(cx, "months", 1..25)
                    .map(|m| m.value as u32)
                    .unwrap_or(1);
                r.map(|v| FlagKind::DepositBelowBase {
                    ratio: v.value,
                    months,
                })
            }
            Some("collection_below") => {
                let r = f.num(cx, "min", Quantity::Ratio);
                r.map(|v| FlagKind::CollectionBelow { min: v.value })
            }
            Some("new_loan_collection_below") => {
                let r = f.num(cx, "min", Quantity::Ratio);
                r.map(|v| FlagKind::NewLoanCollectionBelow { min: v.value })
            }
            Some("gross_above") => f
                .num(cx, "above", Quantity::Money)
                .map(|v| FlagKind::GrossAbove { above: v.value }),
            Some("gross_above_tier_median") => f
                .num(cx, "times", Quantity::Multiple)
                .map(|v| FlagKind::GrossAboveTierMedian { times: v.value }),
            _ => {
                if !f.has("check") {
                    cx.error(
                        &f.span,
                        Code::MissingKey,
                        format!("missing `{}.check` (one of {})", f.path, kinds.join(", ")),
                    );
                }
                None
            }
        };
        f.finish(cx);
        if let (Some(id), Some(kind)) = (id, kind) {
            out.push(FlagRule {
                id: id.value,
                name,
                name_en,
                kind,
                tiers,
            });
        }
    }
    out
}

fn read_score(cx: &mut Cx, root: &Table, names: &TierNames) -> Option<Score> {
    let s = root.opt_table(cx, "score")?;
    let total = s
        .opt_num(cx, "total", Quantity::Points)
        .map(|v| v.value)
        .unwrap_or(Decimal::ONE_HUNDRED);
    let mut components = Vec::new();
    let mut claimed: Vec<(String, TierIx, Sp<String>)> = Vec::new();
    for c in s.opt_tables(cx, "components") {
        let id = c.str(cx, "id");
        let rule = c.opt_str(cx, "rule").map(|s| s.value);
        let name = c.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let name_en = c.opt_str(cx, "name_en").map(|s| s.value);
        let metric = c.str(cx, "metric");
        let metric = read_metric(cx, &metric, false);
        let points = c.num(cx, "points", Quantity::Points);
        let tiers = names.list(cx, &c, "tiers", "`tiers`");
        if let Some(id) = &id {
            let all: Vec<TierIx> = if tiers.is_empty() {
                (0..names.ids.len()).collect()
            } else {
                tiers.clone()
            };
            for t in all {
                if let Some((_, _, prev)) =
                    claimed.iter().find(|(i, tt, _)| *i == id.value && *tt == t)
                {
                    let (l, col) = cx.line_col(prev.span.start);
                    cx.error(
                        &id.span,
                        Code::DuplicateId,
                        format!(
                            "score component `{}` applies to tier `{}` twice (first at {l}:{col})",
                            id.value, names.ids[t]
                        ),
                    );
                } else {
                    claimed.push((id.value.clone(), t, id.clone()));
                }
            }
        }
        let kind = match c
            .opt_choice(cx, "kind", &["steps", "bands", "pro_rata"])
            .map(|k| k.value)
        {
            Some("bands") => {
                let bands = read_bands(cx, &c);
                ComponentKind::Bands { bands }
            }
            Some("pro_rata") => {
                let target = tier_values(cx, &c, "target", "targets", names, Quantity::NonNegative);
                ComponentKind::ProRata { target }
            }
            _ => {
                let target = c.num(cx, "target", Quantity::Any);
                let step = c.num(cx, "step", Quantity::Any);
                if let Some(st) = &step
                    && st.value <= Decimal::ZERO
                {
                    cx.error(
                        &st.span,
                        Code::OutOfRange,
                        format!("`step` must be greater than 0, found {}", st.value),
                    );
                }
                let pps = c.num(cx, "points_per_step", Quantity::Points);
                // The sign of each cap is checked below (`cap-sign`).
                let up = c.num(cx, "cap_up", Quantity::Any);
                let down = c.num(cx, "cap_down", Quantity::Any);
                if let Some(u) = &up
                    && u.value < Decimal::ZERO
                {
                    cx.error(
                        &u.span,
                        Code::CapSign,
                        format!(
                            "`cap_up` is the most points added and must be ≥ 0, found {}",
                            u.value
                        ),
                    );
                }
                if let Some(d) = &down
                    && d.value > Decimal::ZERO
                {
                    cx.error(
                        &d.span,
                        Code::CapSign,
                        format!("`cap_down` is the most points taken away and must be ≤ 0, found {} (write -{})", d.value, d.value),
                    );
                }
                ComponentKind::Steps {
                    target: target.map(|v| v.value).unwrap_or_default(),
                    step: step
                        .map(|v| v.value)
                        .filter(|v| *v > Decimal::ZERO)
                        .unwrap_or(Decimal::ONE),
                    points_per_step: pps.map(|v| v.value).unwrap_or_default(),
                    cap_up: up.map(|v| v.value).unwrap_or_default(),
                    cap_down: down.map(|v| v.value).unwrap_or_default(),
                }
            }
        };
        let when_missing = read_when_missing(cx, &c);
        c.finish(cx);
        let id = id.map(|s| s.value).unwrap_or_default();
        components.push(Component {
            rule: rule.unwrap_or_else(|| id.clone()),
            id,
            name,
            name_en,
            metric: metric.unwrap_or(REPORTED),
            points: points.map(|v| v.value).unwrap_or_default(),
            tiers,
            kind,
            when_missing,
        });
    }
    s.finish(cx);
    Some(Score { total, components })
}

/// `when_missing = "error" | "not_assessed"` (default: an error).
fn read_when_missing(cx: &mut Cx, t: &Table) -> WhenMissing {
    match t
        .opt_choice(cx, "when_missing", &["error", "not_assessed"])
        .map(|v| v.value)
    {
        Some("not_assessed") => WhenMissing::NotAssessed,
        _ => WhenMissing::Error,
    }
}

fn read_bands(cx: &mut Cx, c: &Table) -> Vec<Band> {
    let Some(raw) = c.raw("bands") else {
        cx.error(
            &c.span,
            Code::MissingKey,
            format!("missing `{}.bands`", c.path),
        );
        return Vec::new();
    };
    let DeValue::Array(arr) = raw.get_ref() else {
        cx.error(
            &raw.span(),
            Code::WrongType,
            format!("`{}.bands` must be an array of tables", c.path),
        );
        return Vec::new();
    };
    let mut out: Vec<Band> = Vec::new();
    let mut prev_upper: Option<(Decimal, std::ops::Range<usize>)> = None;
    let mut catch_all_seen = false;
    for b in tables_of(cx, arr, &format!("{}.bands", c.path)) {
        let max = b.opt_num(cx, "max", Quantity::Any);
        let below = b.opt_num(cx, "below", Quantity::Any);
        let points = b.num(cx, "points", Quantity::Points);
        if max.is_some() && below.is_some() {
            cx.error(
                &b.span,
                Code::BadRange,
                "a band has `max` (≤) or `below` (<), not both",
            );
        }
        if catch_all_seen {
            cx.error(
                &b.span,
                Code::OverlappingBands,
                "this band can never match: an earlier band has no bound and catches every value",
            );
        }
        let upper = max.as_ref().or(below.as_ref());
        if let (Some(u), Some((p, pspan))) = (upper, &prev_upper)
            && u.value < *p
        {
            let (l, col) = cx.line_col(pspan.start);
            cx.error(
                &u.span,
                Code::OverlappingBands,
                format!(
                    "bands must rise: this bound {} is below the previous band's bound {p} (at {l}:{col}), so the two overlap",
                    u.value
                ),
            );
        }
        match upper {
            Some(u) => prev_upper = Some((u.value, u.span.clone())),
            None => catch_all_seen = true,
        }
        b.finish(cx);
        out.push(Band {
            max: max.map(|v| v.value),
            below: below.map(|v| v.value),
            points: points.map(|v| v.value).unwrap_or_default(),
        });
    }
    out
}

fn read_condition(cx: &mut Cx, v: &toml::Spanned<DeValue>, path: &str) -> Option<Condition> {
    let DeValue::Table(t) = v.get_ref() else {
        cx.error(
            &v.span(),
            Code::WrongType,
            format!(
                "`{path}` must be a table like {{ metric = \"score\", op = \"<\", value = 85 }}"
            ),
        );
        return None;
    };
    let t = Table::new(t, v.span(), path);
    let (all, any) = (t.raw("all"), t.raw("any"));
    if let Some(raw) = all.or(any) {
        let is_all = all.is_some();
        let DeValue::Array(arr) = raw.get_ref() else {
            cx.error(
                &raw.span(),
                Code::WrongType,
                format!("`{path}.all`/`any` must be an array of conditions"),
            );
            return None;
        };
        let mut items = Vec::new();
        for (i, item) in arr.iter().enumerate() {
            if let Some(c) = read_condition(cx, item, &format!("{path}[{i}]")) {
                items.push(c);
            }
        }
        t.finish(cx);
        return Some(if is_all {
            Condition::All(items)
        } else {
            Condition::Any(items)
        });
    }
    let metric = t.str(cx, "metric");
    let metric = read_metric(cx, &metric, false);
    let op = t
        .opt_choice(cx, "op", &["<", "<=", ">", ">=", "=="])
        .map(|o| match o.value {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => Op::Eq,
        });
    if op.is_none() && !t.has("op") {
        cx.error(
            &t.span,
            Code::MissingKey,
            format!("missing `{path}.op` (one of <, <=, >, >=, ==)"),
        );
    }
    let value = t.num(cx, "value", Quantity::Any);
    let months = t.opt_int(cx, "consecutive_months", 1..25);
    t.finish(cx);
    let (metric, op, value) = (metric?, op?, value?.value);
    Some(match months {
        Some(m) => Condition::Consecutive {
            months: m.value as u32,
            metric,
            op,
            value,
        },
        None => Condition::Compare { metric, op, value },
    })
}

fn read_review(cx: &mut Cx, root: &Table, names: &TierNames) -> Review {
    let mut review = Review::default();
    let Some(r) = root.opt_table(cx, "review") else {
        return review;
    };
    review.bottom_n = r.opt_int(cx, "bottom_n", 0..100).map(|v| v.value as u32);
    review.growth_base = match r
        .opt_choice(cx, "growth_base", &["base_deposit", "prior_year"])
        .map(|v| v.value)
    {
        Some("prior_year") => GrowthBase::PriorYear,
        _ => GrowthBase::BaseDeposit,
    };
    review.average_over = match r
        .opt_choice(cx, "average_over", &["period", "months_present"])
        .map(|v| v.value)
    {
        Some("months_present") => AverageOver::MonthsPresent,
        _ => AverageOver::Period,
    };
    review.branch_heads_on_branch = r
        .opt_bool(cx, "branch_heads_on_branch")
        .map(|v| v.value)
        .unwrap_or(false);
    review.grade_by_criteria = r
        .opt_bool(cx, "grade_by_criteria")
        .map(|v| v.value)
        .unwrap_or(false);
    review.qualification_valid_years = r
        .opt_int(cx, "qualification_valid_years", 1..100)
        .map(|v| v.value as u32);
    review.max_clients = r
        .opt_int(cx, "max_clients", 1..100_000)
        .map(|v| v.value as u32);
    let from = r.opt_num(cx, "pass_line_clients_from", Quantity::NonNegative);
    review.pass_line_clients_from = from.map(|v| v.value);
    review.quarter_settlements = match r
        .opt_choice(
            cx,
            "quarter_settlements",
            &["pro_rated", "trailing_twelve_months"],
        )
        .map(|v| v.value)
    {
        Some("trailing_twelve_months") => QuarterSettlements::TrailingTwelveMonths,
        _ => QuarterSettlements::ProRated,
    };
    let mut ids = Vec::new();
    for rule in r.opt_tables(cx, "rules") {
        let id = rule.str(cx, "id");
        if let Some(id) = &id {
            dup_check(cx, &mut ids, id, "review rule");
        }
        let name = rule.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let name_en = rule.opt_str(cx, "name_en").map(|s| s.value);
        let tiers = names.list(cx, &rule, "tiers", "`tiers`");
        let decision = rule
            .opt_choice(cx, "decision", Decision::IDS)
            .and_then(|d| Decision::from_id(d.value));
        if decision.is_none() && !rule.has("decision") {
            cx.error(
                &rule.span,
                Code::MissingKey,
                format!("missing `{}.decision`", rule.path),
            );
        }
        let to = rule
            .opt_str(cx, "to")
            .and_then(|n| names.resolve(cx, &n, "`to`"));
        let when = match rule.raw("when") {
            Some(w) => read_condition(cx, w, &format!("{}.when", rule.path)),
            None => {
                cx.error(
                    &rule.span,
                    Code::MissingKey,
                    format!("missing `{}.when`", rule.path),
                );
                None
            }
        };
        let new_base = rule.opt_choice(cx, "new_base", &["tier_average"]).is_some();
        let when_missing = read_when_missing(cx, &rule);
        rule.finish(cx);
        if let (Some(id), Some(decision), Some(when)) = (id, decision, when) {
            review.rules.push(ReviewRule {
                id: id.value,
                name,
                name_en,
                tiers,
                decision,
                to,
                new_base_from_tier_average: new_base,
                when,
                when_missing,
            });
        }
    }
    for d in r.opt_tables(cx, "disqualifiers") {
        let id = d.str(cx, "id");
        if let Some(id) = &id {
            dup_check(cx, &mut ids, id, "disqualifier");
        }
        let name = d.str(cx, "name").map(|s| s.value).unwrap_or_default();
        let when = match d.raw("when") {
            Some(w) => read_condition(cx, w, &format!("{}.when", d.path)),
            None => {
                cx.error(
                    &d.span,
                    Code::MissingKey,
                    format!("missing `{}.when`", d.path),
                );
                None
            }
        };
        let when_missing = read_when_missing(cx, &d);
        d.finish(cx);
        if let (Some(id), Some(when)) = (id, when) {
            review.disqualifiers.push(Disqualifier {
                id: id.value,
                name,
                when,
                when_missing,
            });
        }
    }
    r.finish(cx);
    review
}
