//! Invariants of the pay engine and the metrics, over generated inputs.

use proptest::prelude::*;
use rmpay::decimal::RoundAway as _;
use rmpay::engine::pay::{Opening, payslip};
use rmpay::ledger::{
    AccountMonth, Assignment, Deposits, Ledger, Manager, Product, Role, SheetKind, Src, Status,
};
use rmpay::metrics::monthly::{RmMetrics, compute, resolve_rms};
use rmpay::policy::{Policy, load_policy};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::OnceLock;

fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/city-commercial-bank.toml");
        load_policy(&p, "rules/city-commercial-bank.toml")
            .unwrap_or_else(|d| panic!("{}", d.render().join("\n")))
    })
}

/// Money with two places, up to 10^10.
fn money() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000_000).prop_map(|c| Decimal::new(c, 2))
}

fn metrics() -> impl Strategy<Value = RmMetrics> {
    (
        money(),
        money(),
        money(),
        money(),
        0u32..30,
        money(),
        money(),
    )
        .prop_map(|(dep, base, interest, fees, accounts, loss, points)| {
            let mut m = RmMetrics {
                deposit_daily_average: dep,
                deposit_base: base,
                interest_received: interest,
                interest_due: interest,
                fee_income: fees,
                new_basic_accounts: Decimal::from(accounts),
                incident_loss: loss / Decimal::from(1000),
                incident_points: points / Decimal::from(1_000_000_000),
                ..RmMetrics::default()
            };
            m.deposit_stock = dep.min(base);
            m.deposit_increment = (dep - base).max(Decimal::ZERO);
            m
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn pay_adds_up_and_the_risk_account_stays_in_bounds(
        tier in 0usize..5,
        m in metrics(),
        opening_frac in 0u32..=100,
        pending in 0i64..1_000_000, // cents
        release_due in any::<bool>(),
    ) {
        let p = policy();
        let tier = tier % p.tiers.len();
        let cap = p.tiers[tier].risk_deposit_cap;
        let opening = cap.map(|c| (c * Decimal::from(opening_frac) / Decimal::ONE_HUNDRED).round_away(2)).unwrap_or_default();
        let mut trace = Vec::new();
        let open = Opening {
            risk_balance: opening,
            pending_loss: Decimal::new(pending, 2),
            ..Opening::default()
        };
        let s = payslip(p, tier, &m, &open, release_due, None, &mut trace);
        // Pay lines sum to gross.
        prop_assert_eq!(s.lines.iter().map(|l| l.amount).sum::<Decimal>(), s.gross);
        // Net = gross − deductions − holdback.
        prop_assert_eq!(s.net, s.gross - s.deductions_total - s.holdback);
        prop_assert_eq!(s.deductions.iter().map(|l| l.amount).sum::<Decimal>(), s.deductions_total);
        // Deductions never exceed gross, so net is never negative.
        prop_assert!(s.net >= Decimal::ZERO);
        // The risk balance never goes negative or over the cap.
        prop_assert!(s.risk.withheld >= Decimal::ZERO);
        prop_assert!(s.risk.closing >= Decimal::ZERO);
        if let Some(c) = cap {
            prop_assert!(s.risk.closing <= c, "closing {} over cap {}", s.risk.closing, c);
        } else {
            prop_assert_eq!(s.holdback, Decimal::ZERO);
        }
        // Money in the account is conserved: what comes in goes out or stays.
        prop_assert_eq!(
            s.risk.opening + s.risk.withheld,
            s.risk.offset + s.risk.released + s.risk.closing
        );
        prop_assert!(s.risk.offset >= Decimal::ZERO && s.risk.released >= Decimal::ZERO);
        // Losses are never offset beyond what is owed, and nothing is lost.
        prop_assert!(s.risk.offset <= s.unrecovered);
        prop_assert_eq!(s.pending_loss, s.unrecovered - s.risk.offset);
        // Every loss owed is deducted, offset or carried: none vanishes.
        let owed = open.pending_loss + money_of(m.incident_loss);
        prop_assert_eq!(owed, s.deductions_total + s.risk.offset + s.pending_loss);
        // A release empties the account; no release, no payout beyond net.
        if release_due && cap.is_some() {
            prop_assert_eq!(s.risk.closing, Decimal::ZERO);
            prop_assert_eq!(s.holdback, Decimal::ZERO);
        } else {
            prop_assert_eq!(s.released, Decimal::ZERO);
        }
        prop_assert_eq!(s.payout, s.net + s.released);
        // Every money figure is at the policy's scale.
        for l in &s.lines {
            prop_assert_eq!(l.amount, l.amount.round_away(2));
        }
    }

    #[test]
    fn shares_never_create_money(
        balances in proptest::collection::vec(0i64..100_000_000_000, 1..5),
        shares in proptest::collection::vec(0u32..=100, 1..5),
    ) {
        // One client split between up to four RMs with shares summing to at
        // most 100%.
        // Whole percents, scaled down (rounding down) when they sum past 100.
        let total: u32 = shares.iter().sum();
        let shares: Vec<Decimal> = shares
            .iter()
            .map(|s| if total > 100 { s * 100 / total } else { *s })
            .map(|p| Decimal::from(p) / Decimal::ONE_HUNDRED)
            .collect();
        let ledger = split_ledger(&balances, &shares);
        let mut diags = rmpay::diag::Diagnostics::new();
        let rms = resolve_rms(&ledger, policy(), &mut diags);
        let month = compute(&ledger, policy(), rms);
        let client = month.clients.get("C1").expect("C1 is in the month");
        let given: Decimal = month.by_rm.iter().map(|r| r.metrics.deposit_daily_average).sum();
        let share_sum: Decimal = shares.iter().sum();
        prop_assert!(given <= client.deposit_daily_average + Decimal::new(1, 20));
        if share_sum == Decimal::ONE {
            prop_assert!((given - client.deposit_daily_average).abs() <= Decimal::new(1, 20));
        }
    }
}

/// Each RM's clients are its assignments of the clients sheet, in the
/// month's id order: where the client is in the month's clients (its id
/// and figures are read there), its share, and the sheet's row that gave
/// the share (what the client detail file names). C1 split 50/30/20
/// between R0, R1 and R2 (rows 1–3), then C0 for R1 alone (row 4), with
/// C0's account between C1's: C0 is first in id order, so R1's clients are
/// C0 (row 4) and then C1 (row 2).
#[test]
fn each_rms_clients_are_its_assignments_in_id_order() {
    use rmpay::metrics::monthly::RmClient;
    let shares = [Decimal::new(5, 1), Decimal::new(3, 1), Decimal::new(2, 1)];
    let mut ledger = split_ledger(&[100, 200], &shares);
    ledger.clients.push(Assignment {
        client_id: "C0".into(),
        client_name: None,
        rm_id: "R1".into(),
        share: Decimal::ONE,
        src: src(SheetKind::Clients, 4),
    });
    if let Deposits::Daily { accounts, .. } = &mut ledger.deposits {
        let mut c0 = accounts[0].clone();
        c0.account_id = "B0".into();
        c0.client_id = "C0".into();
        // 31 days of 10.00 yuan: 310.00.
        c0.balance_sum = Decimal::new(31_000, 2);
        accounts.insert(1, c0);
    }
    let mut diags = rmpay::diag::Diagnostics::new();
    let rms = resolve_rms(&ledger, policy(), &mut diags);
    let month = compute(&ledger, policy(), rms);
    let at = |pos: u32, share: Decimal, row: u32| RmClient { pos, share, row };
    let ids = |i: usize| -> Vec<&str> {
        month.by_rm[i]
            .clients
            .iter()
            .filter_map(|c| month.client(c))
            .map(|c| c.client_id.as_str())
            .collect()
    };
    assert_eq!(month.by_rm[0].clients, [at(1, shares[0], 1)]);
    assert_eq!(
        month.by_rm[1].clients,
        [at(0, Decimal::ONE, 4), at(1, shares[1], 2)]
    );
    assert_eq!(month.by_rm[2].clients, [at(1, shares[2], 3)]);
    assert_eq!(
        (ids(0), ids(1), ids(2)),
        (vec!["C1"], vec!["C0", "C1"], vec!["C1"])
    );
    // R1's balance-days: C0's 310.00 × 1 + C1's (1.00 + 2.00) × 31 = 93.00
    // × 0.3 = 27.900: 337.900.
    assert_eq!(
        month.by_rm[1].metrics.deposit_day_sum,
        Decimal::new(337_900, 3)
    );
}

/// Losses as the policy deducts them (in full, rounded to the fen).
fn money_of(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn src(sheet: SheetKind, row: u32) -> Src {
    Src { sheet, row, col: 0 }
}

fn split_ledger(balances: &[i64], shares: &[Decimal]) -> Ledger {
    let managers = (0..shares.len())
        .map(|i| Manager {
            rm_id: format!("R{i}"),
            name: format!("RM {i}"),
            tier: rmpay::ledger::At {
                value: "mid".into(),
                src: src(SheetKind::Managers, i as u32 + 1),
            },
            role: Role::Rm,
            branch: None,
            status: Status::Active,
            left_on: None,
            marketing_since: None,
            base_deposit: None,
            exam_score: None,
            qualified_on: None,
            salary_card: None,
            salary_card_src: None,
            name_src: src(SheetKind::Managers, i as u32 + 1),
            src: src(SheetKind::Managers, i as u32 + 1),
        })
        .collect();
    let clients = shares
        .iter()
        .enumerate()
        .map(|(i, s)| Assignment {
            client_id: "C1".into(),
            client_name: None,
            rm_id: format!("R{i}"),
            share: *s,
            src: src(SheetKind::Clients, i as u32 + 1),
        })
        .collect();
    let accounts = balances
        .iter()
        .enumerate()
        .map(|(i, b)| AccountMonth {
            account_id: format!("A{i}"),
            client_id: "C1".into(),
            product: Product::Demand,
            // 31 days of b/100 yuan each.
            balance_sum: Decimal::new(*b, 2) * Decimal::from(31),
            rows: 31,
            first_row: 1,
            last_row: 31,
            carried_days: Vec::new(),
        })
        .collect();
    Ledger {
        file: "generated.xlsx".into(),
        sheet_names: Vec::new(),
        period: "2026-10".parse().unwrap(),
        managers,
        clients,
        deposits: Deposits::Daily { accounts, days: 31 },
        loans: Vec::new(),
        fees: Vec::new(),
        settlements: Vec::new(),
        new_accounts: Vec::new(),
        incidents: Vec::new(),
        baseline: Vec::new(),
        risk_accounts: Vec::new(),
        unknown_columns: Vec::new(),
        balance_column: None,
        warnings: Vec::new(),
        folder: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// User input never panics: any bytes as a policy give a policy or
    /// located errors.
    #[test]
    fn any_policy_text_is_answered_without_panicking(text in "(\\[|\\]|[a-z_]{1,12}| = |\"|[0-9.]{1,6}|\n|\\{|\\}|,|-){0,60}") {
        let _ = rmpay::policy::parse_policy(text.as_bytes(), "fuzz.toml");
    }

    /// Small edits to the shipped policy are answered without panicking.
    #[test]
    fn edited_policies_are_answered_without_panicking(at in 0usize..20_000, ch in proptest::char::any()) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/city-commercial-bank.toml");
        let mut text: Vec<char> = std::fs::read_to_string(path).unwrap().chars().collect();
        let i = at % text.len();
        text[i] = ch;
        let s: String = text.into_iter().collect();
        let _ = rmpay::policy::parse_policy(s.as_bytes(), "fuzz.toml");
    }

    /// Any bytes as a ledger give a ledger or located errors.
    #[test]
    fn any_ledger_bytes_are_answered_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in prop_oneof!["xlsx", "xls", "ods"]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("fuzz.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        crate::util::use_rmpay_as_worker();
        let (_, _) = rmpay::ledger::read_ledger(&path, "fuzz", &rmpay::ledger::ReadOptions::default(), &mut |_, _| {});
    }
}
