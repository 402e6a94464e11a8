//! One month's figures per client and per RM. Pure: a ledger and a policy
//! in, figures with their traces out.
//!
//! Daily averages are kept exact: an RM's daily average is
//! Σ(share × client balance sum) ÷ calendar days, one division at the end.

use crate::diag::Code;
use crate::ledger::{AccountKind, Deposits, FeeOwner, Ledger, Product, Role};
use crate::policy::{Policy, TierIx};
use crate::trace::{Input, Step};
use crate::vocab::Metric;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// An RM of the ledger, resolved against the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rm {
    /// Index in `ledger.managers`.
    pub ix: usize,
    pub rm_id: String,
    pub name: String,
    pub tier: TierIx,
    pub role: Role,
    pub branch: Option<String>,
    /// Active for at least part of the period (not left before it began).
    pub active: bool,
    pub base_deposit: Decimal,
    /// Where the base came from: a ledger cell, the policy's tier default,
    /// or [`NO_BASE`].
    pub base_source: String,
}

/// The source of a base deposit neither the ledger nor the policy gives
/// (Policy B's grades have none): 0, said as such, not as the tier's
/// default.
pub const NO_BASE: &str = "none in the ledger or the policy";

/// A client's month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientMonth {
    pub client_id: String,
    pub client_name: Option<String>,
    /// Daily average by product, before exclusions.
    pub by_product: ByProduct,
    /// Daily average counted (excluded products left out).
    pub deposit_daily_average: Decimal,
    /// Sum of daily balances counted (for exact RM averages); for a ledger
    /// with monthly averages this is average × days.
    pub counted_sum: Decimal,
    pub loan_balance: Decimal,
    pub npl_balance: Decimal,
    pub fee_income: Decimal,
    /// (rm_id, share, sheet row)
    pub assignments: Vec<(String, Decimal, u32)>,
    /// Where the client's deposits were read, for the trace: indices into
    /// the ledger's accounts (daily balances) or average rows.
    pub sources: Vec<u32>,
}

/// Daily averages by product.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByProduct([Decimal; 3]);

impl ByProduct {
    fn ix(p: Product) -> usize {
        match p {
            Product::Demand => 0,
            Product::Time => 1,
            Product::Agreement => 2,
        }
    }

    pub fn get(&self, p: Product) -> Decimal {
        self.0[Self::ix(p)]
    }

    fn add(&mut self, p: Product, v: Decimal) {
        self.0[Self::ix(p)] += v;
    }

    pub fn total(&self) -> Decimal {
        self.0.iter().sum()
    }
}

/// The month's figures of one RM. `None` where a ratio has no denominator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RmMetrics {
    pub deposit_daily_average: Decimal,
    /// Σ share × the clients' counted balance sums (balance-days): the
    /// exact numerator of `deposit_daily_average`, kept so that sums over
    /// months never multiply a quotient back.
    pub deposit_day_sum: Decimal,
    pub deposit_base: Decimal,
    pub deposit_stock: Decimal,
    pub deposit_increment: Decimal,
    pub deposit_to_base: Option<Decimal>,
    pub loan_balance: Decimal,
    pub loan_daily_average: Decimal,
    pub npl_balance: Decimal,
    pub npl_ratio: Option<Decimal>,
    pub interest_due: Decimal,
    pub interest_received: Decimal,
    pub collection_rate: Option<Decimal>,
    pub fee_income: Decimal,
    pub new_basic_accounts: Decimal,
    pub incident_points: Decimal,
    pub incident_loss: Decimal,
    pub settlements_usd: Decimal,
    /// Balance of normal-class loans (正常类).
    pub normal_balance: Decimal,
    /// Interest due but not received, loan by loan.
    pub overdue_interest: Decimal,
    /// Credit advances (垫款).
    pub advances: Decimal,
}

impl RmMetrics {
    /// A metric's figure for the month; `None` where a ratio has no
    /// denominator, or for a figure that only a review has. Exhaustive: a
    /// metric added to the vocabulary does not compile until it is read
    /// here.
    pub fn get(&self, metric: Metric) -> Option<Decimal> {
        use Metric as M;
        match metric {
            M::DepositDailyAverage => Some(self.deposit_daily_average),
            M::DepositBase => Some(self.deposit_base),
            M::DepositStock => Some(self.deposit_stock),
            M::DepositIncrement => Some(self.deposit_increment),
            M::DepositToBase => self.deposit_to_base,
            M::LoanBalance => Some(self.loan_balance),
            M::LoanDailyAverage => Some(self.loan_daily_average),
            M::NplBalance => Some(self.npl_balance),
            M::NplRatio => self.npl_ratio,
            M::InterestDue => Some(self.interest_due),
            M::InterestReceived => Some(self.interest_received),
            M::CollectionRate => self.collection_rate,
            M::FeeIncome => Some(self.fee_income),
            M::NewBasicAccounts => Some(self.new_basic_accounts),
            M::IncidentPoints => Some(self.incident_points),
            M::IncidentLoss => Some(self.incident_loss),
            M::SettlementsUsd => Some(self.settlements_usd),
            // Review figures a month also has (month-end arrears and
            // advances, for `consecutive_months` conditions).
            M::OverdueInterest => Some(self.overdue_interest),
            M::Advances => Some(self.advances),
            // Review figures only: no month has them.
            M::Score
            | M::FeeIncomePrior
            | M::DepositGrowth
            | M::DepositNew
            | M::FeeGrowth
            | M::NormalLoanRatio
            | M::NormalLoanRatioChange
            | M::TenureYears
            | M::ExamScore
            | M::MonthsInService
            | M::ClientCount
            | M::PreviousDecisionDemote => None,
        }
    }
}

/// An RM's share of one loan (for the authority and band checks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanShare {
    pub loan_ix: usize,
    pub share: Decimal,
    /// The RM is responsible for the loan (named on it, or the client's RM).
    pub responsible: bool,
}

/// A client of an RM's month: where it is in the month's clients, its
/// share, and the clients sheet's row that gave the share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RmClient {
    /// The client's position in the month's clients in id order
    /// (`Month::clients`, [`ClientMap::as_slice`]): its id and figures are
    /// there, read without a lookup by id and without a copy of the id
    /// per RM (a city bank's month has 666,667 of these).
    pub pos: u32,
    pub share: Decimal,
    /// The clients sheet's row of the assignment (`ClientMonth::assignments`).
    pub row: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RmMonth {
    pub metrics: RmMetrics,
    pub trace: Vec<Step>,
    /// Clients managed, in the month's id order, each assignment once (a
    /// client listed twice for the RM is here twice, as the sheet lists it).
    pub clients: Vec<RmClient>,
    pub loans: Vec<LoanShare>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Month {
    pub days: u32,
    pub rms: Vec<Rm>,
    pub by_rm: Vec<RmMonth>,
    pub clients: ClientMap,
}

impl Month {
    /// An RM's client's figures (and id).
    pub fn client(&self, c: &RmClient) -> Option<&ClientMonth> {
        self.clients.as_slice().get(c.pos as usize)
    }
}

/// The month's clients in id order (byte order of the ids, as a
/// `BTreeMap<String, _>` orders them), each id once, found by binary
/// search. A sorted list rather than a map: a city bank's 666,667 clients
/// are put in order where they are (already in order, as a ledger's
/// clients sheet usually is: not moved at all), where a map was built by
/// moving every client's figures twice more into fresh memory, with a
/// copy of its id as the key (a third of the month's computation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientMap(Vec<ClientMonth>);

impl ClientMap {
    /// The clients of `list` (each id once) in id order.
    pub fn from_unsorted(mut list: Vec<ClientMonth>) -> ClientMap {
        if !list.is_sorted_by(|a, b| a.client_id <= b.client_id) {
            // Sorted by position (4 bytes moved, not a client's figures),
            // then each client moved once to its place.
            let mut order: Vec<u32> = (0..list.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| {
                list[a as usize].client_id.cmp(&list[b as usize].client_id)
            });
            let mut slots: Vec<Option<ClientMonth>> = list.into_iter().map(Some).collect();
            list = order
                .iter()
                .filter_map(|&i| slots.get_mut(i as usize).and_then(Option::take))
                .collect();
        }
        ClientMap(list)
    }

    /// The client `id`.
    pub fn get<Q>(&self, id: &Q) -> Option<&ClientMonth>
    where
        String: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.position(id).map(|i| &self.0[i])
    }

    /// The client `id`, to change.
    pub fn get_mut<Q>(&mut self, id: &Q) -> Option<&mut ClientMonth>
    where
        String: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.position(id).map(|i| &mut self.0[i])
    }

    fn position<Q>(&self, id: &Q) -> Option<usize>
    where
        String: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        use std::borrow::Borrow;
        self.0
            .binary_search_by(|c| Borrow::<Q>::borrow(&c.client_id).cmp(id))
            .ok()
    }

    /// The clients in id order; an RM's client is at its `RmClient::pos`.
    pub fn as_slice(&self) -> &[ClientMonth] {
        &self.0
    }

    /// The clients in id order.
    pub fn values(&self) -> std::slice::Iter<'_, ClientMonth> {
        self.0.iter()
    }

    /// The ids in order, as a map's `keys` gives them.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|c| &c.client_id)
    }

    /// (id, client) in id order, as a map's `iter` gives them.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &ClientMonth)> {
        self.0.iter().map(|c| (&c.client_id, c))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a ClientMap {
    type Item = (&'a String, &'a ClientMonth);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, ClientMonth>,
        fn(&'a ClientMonth) -> (&'a String, &'a ClientMonth),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|c| (&c.client_id, c))
    }
}

/// Resolve the ledger's managers against the policy's tiers. Unknown tiers
/// are reported at their cell.
pub fn resolve_rms(
    ledger: &Ledger,
    policy: &Policy,
    diags: &mut crate::diag::Diagnostics,
) -> Vec<Rm> {
    let mut out = Vec::new();
    for (ix, m) in ledger.managers.iter().enumerate() {
        let Some(tier) = policy.resolve_tier(&m.tier.value) else {
            diags.error(
                ledger.location(m.tier.src),
                Code::UnknownTier,
                crate::diag::suggest(
                    crate::text::run::unknown_tier(&policy.id, &m.tier.value),
                    &m.tier.value,
                    policy.tier_spellings(),
                ),
            );
            continue;
        };
        let (base_deposit, base_source) = match &m.base_deposit {
            Some(b) => (b.value, ledger.cell_ref(b.src)),
            None => match policy.tiers[tier].base_deposit {
                Some(b) => (
                    b,
                    format!("policy tier `{}` base_deposit", policy.tiers[tier].id),
                ),
                None => (Decimal::ZERO, NO_BASE.to_string()),
            },
        };
        out.push(Rm {
            ix,
            rm_id: m.rm_id.clone(),
            name: m.name.clone(),
            tier,
            role: m.role,
            branch: m.branch.clone(),
            active: m.status == crate::ledger::Status::Active
                || m.left_on.is_some_and(|d| d >= ledger.period.first_day()),
            base_deposit,
            base_source,
        });
    }
    out
}

fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
    }
}

/// Where a client's deposits were read, as text for the trace, added to
/// `out` (the sources joined by `; `). Written in place: a big month has
/// one of these per client.
fn deposit_sources(out: &mut String, ledger: &Ledger, c: &ClientMonth, excluded: &[Product]) {
    use std::fmt::Write;
    let mark = |p: &Product| {
        if excluded.contains(p) {
            " excluded"
        } else {
            ""
        }
    };
    let mut sep = "";
    match &ledger.deposits {
        Deposits::Daily { accounts, .. } => {
            for a in c.sources.iter().filter_map(|&i| accounts.get(i as usize)) {
                // Writing to a String cannot fail.
                let _ = write!(
                    out,
                    "{sep}account {} ({}, {} rows, {}){}",
                    a.account_id,
                    a.product.id(),
                    a.rows,
                    ledger.rows_ref(crate::ledger::SheetKind::Deposits, a.first_row, a.last_row),
                    mark(&a.product)
                );
                sep = "; ";
            }
        }
        Deposits::Averages(rows) => {
            for r in c.sources.iter().filter_map(|&i| rows.get(i as usize)) {
                let _ = write!(
                    out,
                    "{sep}{} {}{}",
                    r.product.id(),
                    ledger.cell_ref(r.src),
                    mark(&r.product)
                );
                sep = "; ";
            }
        }
    }
}

/// A client's trace input for one of its RMs (the clients sheet's `row`
/// with `share`): the client and its row, its counted balance sum times
/// the share, and where its deposits were read. `buf` is scratch room.
pub fn client_input(
    buf: &mut String,
    ledger: &Ledger,
    c: &ClientMonth,
    share: Decimal,
    row: u32,
    excluded: &[Product],
) -> Input {
    client_input_name(buf, ledger, c, row);
    let name = Box::<str>::from(buf.as_str());
    client_input_value(buf, ledger, c, share, excluded);
    Input {
        name,
        value: Box::from(buf.as_str()),
    }
}

/// [`client_input`]'s name, written into `out` (cleared first).
pub fn client_input_name(out: &mut String, ledger: &Ledger, c: &ClientMonth, row: u32) {
    use std::fmt::Write;
    out.clear();
    let _ = write!(
        out,
        "client {} ({})",
        c.client_id,
        ledger.row_ref(crate::ledger::SheetKind::Clients, row)
    );
}

/// [`client_input`]'s value, written into `out` (cleared first).
pub fn client_input_value(
    out: &mut String,
    ledger: &Ledger,
    c: &ClientMonth,
    share: Decimal,
    excluded: &[Product],
) {
    use std::fmt::Write;
    // The balance sum itself (not the client's average): the formula adds
    // these and divides once.
    out.clear();
    let _ = write!(out, "{} × {} [", c.counted_sum, share.normalize());
    deposit_sources(out, ledger, c, excluded);
    out.push(']');
}

/// The client detail file's rows of one client and RM: one per place its
/// deposits were read (an account of the daily balances, or a row of the
/// monthly averages), or one for a client without deposits.
pub fn detail_rows(c: &ClientMonth) -> usize {
    c.sources.len().max(1)
}

/// Ids to positions, hashed with the deposit reader's aHash (fixed seeds):
/// a month of 1,000,000 accounts looks a client up for each. Only looked
/// up, never iterated, so its order reaches no output.
type IdMap<'a> = HashMap<&'a str, usize, ahash::RandomState>;

/// [`IdMap`]'s hasher: fixed seeds, so a run is the same from one run to
/// the next.
fn id_hasher() -> ahash::RandomState {
    ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    )
}

/// Each client of `clients` with its RMs, in the sheet's order, and its
/// first name given, with the index of each client id in that list: a
/// month's accounts, loans and fees find their client there (a hash
/// lookup) rather than in the sorted map, whose string comparisons cost
/// about a second on a month of 1,000,000 accounts. Each client's list
/// of RMs has room for one; a longer one keeps no spare room once the map
/// is built ([`client_map`]).
///
/// The list's memory (room for a client per row of the sheet: 149 MB on a
/// city bank's month) is taken and first written on another core while
/// the index is built here: the kernel's zeroing of its fresh pages, a
/// sixth of the month's computation, is then off this thread's path.
fn client_months(ledger: &Ledger) -> (Vec<ClientMonth>, IdMap<'_>) {
    let rows = &ledger.clients;
    std::thread::scope(|s| {
        let room = s.spawn(|| {
            let mut list: Vec<ClientMonth> = Vec::with_capacity(rows.len());
            list.resize_with(rows.len(), ClientMonth::default);
            list
        });
        let mut at: IdMap<'_> = HashMap::with_capacity_and_hasher(rows.len(), id_hasher());
        // The row first naming each client, in the order first named.
        let mut first: Vec<usize> = Vec::with_capacity(rows.len());
        // Each row's client, by its place in `first`.
        let row_client: Vec<usize> = rows
            .iter()
            .enumerate()
            .map(|(r, a)| {
                *at.entry(a.client_id.as_str()).or_insert_with(|| {
                    first.push(r);
                    first.len() - 1
                })
            })
            .collect();
        let mut list = match room.join() {
            Ok(list) => list,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        list.truncate(first.len());
        for (c, &r) in list.iter_mut().zip(&first) {
            c.client_id = rows[r].client_id.clone();
            // Room for the one RM most clients have.
            c.assignments = Vec::with_capacity(1);
        }
        for (a, &i) in rows.iter().zip(&row_client) {
            let c = &mut list[i];
            if c.client_name.is_none() {
                c.client_name = a.client_name.clone();
            }
            c.assignments.push((a.rm_id.clone(), a.share, a.src.row));
        }
        (list, at)
    })
}

/// Where each of `rows`' client is in the month's client list `list`
/// (`None`: not a client of the clients sheet), in the order of `rows`
/// as fixed chunks of it (to be flattened), looked up on every core: the
/// answer is each row's alone, so the split changes nothing. A row of the
/// same client as the
/// row before, or of the client after it in `list`, is found there
/// without hashing (a ledger's accounts grouped by client in the clients
/// sheet's order, as a core system exports them, are found that way, one
/// comparison of nearby ids each); any other in the index `at`.
fn positions<T: Sync>(
    rows: &[T],
    list: &[ClientMonth],
    at: &IdMap<'_>,
    id: impl Fn(&T) -> &String + Sync,
) -> Vec<Vec<Option<usize>>> {
    let chunks: Vec<&[T]> = rows.chunks(1 << 16).collect();
    crate::par::map(&chunks, 1, |part| {
        // The client of the row before (none before the chunk's first).
        let mut last: Option<usize> = None;
        part.iter()
            .map(|r| {
                let id = id(r).as_str();
                let pos = last
                    .into_iter()
                    .flat_map(|l| [l, l + 1])
                    .find(|&p| list.get(p).is_some_and(|c| c.client_id == id))
                    .or_else(|| at.get(id).copied());
                if pos.is_some() {
                    last = pos;
                }
                pos
            })
            .collect::<Vec<Option<usize>>>()
    })
}

/// Each client's daily averages from its sums: four exact divisions a
/// client (about a quarter of a second on a month of 666,667 clients),
/// shared between the cores; each client's figures are its own, so the
/// split changes nothing.
fn daily_averages(list: &mut [ClientMonth], days: Decimal) {
    let average = |part: &mut [ClientMonth]| {
        for c in part {
            for v in c.by_product.0.iter_mut() {
                *v /= days;
            }
            c.deposit_daily_average = c.counted_sum / days;
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores
        .min(crate::par::MAX_THREADS)
        .min(list.len() / 16_384)
        .max(1);
    if threads < 2 {
        return average(list);
    }
    let chunk = list.len().div_ceil(threads);
    std::thread::scope(|s| {
        let mut parts = list.chunks_mut(chunk);
        let first = parts.next();
        let handles: Vec<_> = parts.map(|p| s.spawn(move || average(p))).collect();
        if let Some(first) = first {
            average(first);
        }
        for h in handles {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// The month's clients by id ([`ClientMap`]); a client's list of RMs
/// keeps no spare room.
fn client_map(mut list: Vec<ClientMonth>) -> ClientMap {
    for c in &mut list {
        c.assignments.shrink_to_fit();
    }
    ClientMap::from_unsorted(list)
}

/// Compute the month for every RM, with every figure's trace.
pub fn compute(ledger: &Ledger, policy: &Policy, rms: Vec<Rm>) -> Month {
    compute_with(ledger, policy, rms, Traced::Yes, None)
}

/// [`compute`], with the month's client rows in the client detail file
/// `client_file` (`payroll --client-detail`) when one is given: each RM's
/// daily average then has, instead of an input per client, one naming
/// the file's rows of its clients (the RMs' blocks in the month's order,
/// each client in id order; the header is row 1) and their Σ balance sum
/// × share, which the file's rows add up to.
pub fn compute_detailed(
    ledger: &Ledger,
    policy: &Policy,
    rms: Vec<Rm>,
    client_file: Option<&str>,
) -> Month {
    compute_with(ledger, policy, rms, Traced::Yes, client_file)
}

/// Compute the month's figures for a review, which shows none of the
/// month's own traces (its trace is the review's, from these figures):
/// the same figures as [`compute`], without the month's trace steps
/// (`RmMonth::trace` is empty) or the clients' deposit sources
/// (`ClientMonth::sources`), whose text is most of the month's work and
/// memory on a big month.
pub fn compute_figures(ledger: &Ledger, policy: &Policy, rms: Vec<Rm>) -> Month {
    compute_with(ledger, policy, rms, Traced::No, None)
}

/// Whether a month is computed with its traces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Traced {
    Yes,
    No,
}

/// An RM's deposits in the client detail file: its rows' sum, by the
/// file's column titles (`text::col_counted_sum`, `text::col_share`).
const DETAIL_SUM: &str = "Σ (Counted balance sum × Share)";

fn compute_with(
    ledger: &Ledger,
    policy: &Policy,
    rms: Vec<Rm>,
    traced: Traced,
    client_file: Option<&str>,
) -> Month {
    let traced = traced == Traced::Yes;
    let excluded = &policy.settings.excluded_products;
    let (mut list, at) = client_months(ledger);
    // Each figure is added to its client in the ledger's order, as before;
    // only the way to the client changed.
    let client = |id: &str| at.get(id).copied();

    // Deposits per client.
    let days = match &ledger.deposits {
        Deposits::Daily { days, .. } => *days,
        Deposits::Averages(_) => ledger.period.days(),
    };
    let days_dec = Decimal::from(days);
    match &ledger.deposits {
        Deposits::Daily { accounts, .. } => {
            // The lookups (a million on a city bank's month) on every
            // core; the sums then added in the ledger's order, as before.
            let found = positions(accounts, &list, &at, |a| &a.client_id);
            for ((ai, acc), ci) in accounts.iter().enumerate().zip(found.into_iter().flatten()) {
                let Some(ci) = ci else {
                    continue;
                };
                let c = &mut list[ci];
                c.by_product.add(acc.product, acc.balance_sum);
                if traced {
                    c.sources.push(ai as u32);
                }
                if !excluded.contains(&acc.product) {
                    c.counted_sum += acc.balance_sum;
                }
            }
            daily_averages(&mut list, days_dec);
        }
        // Sums of daily balances handed over (`balance_sum`): averaged
        // exactly as the daily balances would be.
        Deposits::Averages(rows)
            if !rows.is_empty() && rows.iter().all(|r| r.balance_sum.is_some()) =>
        {
            let found = positions(rows, &list, &at, |r| &r.client_id);
            for ((ri, r), ci) in rows.iter().enumerate().zip(found.into_iter().flatten()) {
                let Some(ci) = ci else {
                    continue;
                };
                let c = &mut list[ci];
                let sum = r.balance_sum.unwrap_or_default();
                c.by_product.add(r.product, sum);
                if traced {
                    c.sources.push(ri as u32);
                }
                if !excluded.contains(&r.product) {
                    c.counted_sum += sum;
                }
            }
            daily_averages(&mut list, days_dec);
        }
        Deposits::Averages(rows) => {
            for (ri, r) in rows.iter().enumerate() {
                let Some(ci) = client(&r.client_id) else {
                    continue;
                };
                let c = &mut list[ci];
                c.by_product.add(r.product, r.daily_average);
                if traced {
                    c.sources.push(ri as u32);
                }
                if !excluded.contains(&r.product) {
                    c.deposit_daily_average += r.daily_average;
                    c.counted_sum += r.daily_average * days_dec;
                }
            }
        }
    }
    for l in &ledger.loans {
        if let Some(ci) = client(&l.client_id) {
            let c = &mut list[ci];
            c.loan_balance += l.balance;
            if l.classification.is_non_performing() {
                c.npl_balance += l.balance;
            }
        }
    }
    drop(at);
    let mut clients = client_map(list);

    let mut rm_index: IdMap<'_> = HashMap::with_capacity_and_hasher(rms.len(), id_hasher());
    rm_index.extend(rms.iter().enumerate().map(|(i, r)| (r.rm_id.as_str(), i)));
    let mut by_rm: Vec<RmMonth> = vec![RmMonth::default(); rms.len()];
    // Σ share × client balance sum, per RM, with the inputs for the trace.
    let mut dep_sum: Vec<Decimal> = vec![Decimal::ZERO; rms.len()];
    let mut dep_inputs: Vec<Vec<Input>> = vec![Vec::new(); rms.len()];
    // Each RM's rows of the client detail file.
    let mut file_rows: Vec<usize> = vec![0; rms.len()];
    // Each client's trace inputs, one per assignment. Writing them out is
    // most of this step on a big month, so it is shared between threads
    // (and skipped for a month computed without its traces).
    let client_list: Vec<&ClientMonth> = clients.values().collect();
    let client_inputs = if !traced || client_file.is_some() {
        // A month whose client rows go to the client detail file keeps no
        // text per client: the file's rows are written from the figures.
        Vec::new()
    } else {
        crate::par::map(&client_list, 4096, |c| {
            // Each text is written once into a buffer and boxed at its
            // length (no spare room, no second copy to shrink).
            let mut buf = String::with_capacity(256);
            c.assignments
                .iter()
                .map(|(_, share, row)| client_input(&mut buf, ledger, c, *share, *row, excluded))
                .collect::<Vec<Input>>()
        })
    };
    let mut client_inputs = client_inputs.into_iter();
    for (pos, c) in client_list.iter().enumerate() {
        // One input per assignment, when traced.
        let mut inputs = client_inputs.next().unwrap_or_default().into_iter();
        for (rm_id, share, row) in &c.assignments {
            let input = inputs.next();
            let Some(&i) = rm_index.get(rm_id.as_str()) else {
                continue;
            };
            by_rm[i].clients.push(RmClient {
                pos: pos as u32,
                share: *share,
                row: *row,
            });
            file_rows[i] += detail_rows(c);
            dep_sum[i] += c.counted_sum * share;
            if let Some(input) = input {
                dep_inputs[i].push(input);
            }
        }
    }

    // Loans: named RM, else the client's RMs by share.
    for (li, l) in ledger.loans.iter().enumerate() {
        let shares: Vec<(usize, Decimal, bool)> = match &l.rm_id {
            Some(r) => rm_index
                .get(r.as_str())
                .map(|&i| vec![(i, Decimal::ONE, true)])
                .unwrap_or_default(),
            None => {
                let Some(c) = clients.get(&l.client_id) else {
                    continue;
                };
                if policy.settings.loans_follow_client_shares {
                    c.assignments
                        .iter()
                        .filter_map(|(r, s, _)| rm_index.get(r.as_str()).map(|&i| (i, *s, true)))
                        .collect()
                } else {
                    c.assignments
                        .first()
                        .and_then(|(r, _, _)| {
                            rm_index
                                .get(r.as_str())
                                .map(|&i| vec![(i, Decimal::ONE, true)])
                        })
                        .unwrap_or_default()
                }
            }
        };
        for (i, share, responsible) in shares {
            let m = &mut by_rm[i].metrics;
            m.loan_balance += l.balance * share;
            m.loan_daily_average += l.daily_average.unwrap_or(l.balance) * share;
            if l.classification.is_non_performing() {
                m.npl_balance += l.balance * share;
            }
            m.interest_due += l.interest_due * share;
            m.interest_received += l.interest_received * share;
            if l.classification == crate::ledger::LoanClass::Normal {
                m.normal_balance += l.balance * share;
            }
            m.overdue_interest += (l.interest_due - l.interest_received).max(Decimal::ZERO) * share;
            m.advances += l.advance.unwrap_or_default() * share;
            by_rm[i].loans.push(LoanShare {
                loan_ix: li,
                share,
                responsible,
            });
        }
    }

    // Fees.
    let mut fee_inputs: Vec<Vec<Input>> = vec![Vec::new(); rms.len()];
    for f in &ledger.fees {
        match &f.owner {
            FeeOwner::Rm(r) => {
                if let Some(&i) = rm_index.get(r.as_str()) {
                    by_rm[i].metrics.fee_income += f.amount;
                    if traced {
                        fee_inputs[i].push(Input::new(ledger.cell_ref(f.src), f.amount));
                    }
                }
            }
            FeeOwner::Client(cid) => {
                if let Some(c) = clients.get_mut(cid) {
                    c.fee_income += f.amount;
                    for (r, s, _) in &c.assignments {
                        if let Some(&i) = rm_index.get(r.as_str()) {
                            by_rm[i].metrics.fee_income += f.amount * s;
                            if traced {
                                fee_inputs[i].push(Input::new(
                                    format!("client {cid} ({})", ledger.cell_ref(f.src)),
                                    format!("{} × {}", f.amount, s.normalize()),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    // New corporate basic accounts opened in the period.
    let mut basic_inputs: Vec<Vec<Input>> = vec![Vec::new(); rms.len()];
    for a in &ledger.new_accounts {
        if a.kind != AccountKind::CorporateBasic {
            continue;
        }
        if a.opened_on.is_some_and(|d| !ledger.period.contains(d)) {
            continue;
        }
        let owner = a.rm_id.clone().or_else(|| {
            let c = clients.get(a.client_id.as_deref()?)?;
            // The client's largest share; the first listed on a tie.
            let mut best: Option<&(String, Decimal, u32)> = None;
            for x in &c.assignments {
                if best.is_none_or(|b| x.1 > b.1) {
                    best = Some(x);
                }
            }
            best.map(|b| b.0.clone())
        });
        if let Some(&i) = owner.as_deref().and_then(|r| rm_index.get(r)) {
            by_rm[i].metrics.new_basic_accounts += Decimal::ONE;
            if traced {
                basic_inputs[i].push(Input::new(
                    format!("account {}", a.account_id),
                    ledger.cell_ref(a.src),
                ));
            }
        }
    }

    // Incidents in the period.
    let mut incident_inputs: Vec<Vec<Input>> = vec![Vec::new(); rms.len()];
    for inc in &ledger.incidents {
        if inc.date.is_some_and(|d| !ledger.period.contains(d)) {
            continue;
        }
        if let Some(&i) = rm_index.get(inc.rm_id.as_str()) {
            by_rm[i].metrics.incident_points += inc.points;
            by_rm[i].metrics.incident_loss += inc.loss;
            if traced {
                incident_inputs[i].push(Input::new(
                    format!("{} ({})", inc.description, ledger.cell_ref(inc.src)),
                    format!("points {}, loss {}", inc.points, inc.loss),
                ));
            }
        }
    }

    // Settlements.
    for s in &ledger.settlements {
        if let Some(c) = clients.get(&s.client_id) {
            for (r, sh, _) in &c.assignments {
                if let Some(&i) = rm_index.get(r.as_str()) {
                    by_rm[i].metrics.settlements_usd += s.amount_usd * sh;
                }
            }
        }
    }

    // Sums of ledger amounts × shares, with the ledger's places.
    let amount = |d| crate::trace::amount_text(d, policy.settings.input_scale);
    // The client detail file's first row of each RM's clients (row 1 is
    // the header).
    let mut file_row = 2usize;
    // Per-RM derived figures and their traces.
    for (i, rm) in rms.iter().enumerate() {
        let month = &mut by_rm[i];
        let m = &mut month.metrics;
        m.deposit_day_sum = dep_sum[i];
        m.deposit_daily_average = dep_sum[i] / days_dec;
        m.deposit_base = rm.base_deposit;
        m.deposit_stock = m
            .deposit_daily_average
            .min(rm.base_deposit)
            .max(Decimal::ZERO);
        m.deposit_increment = (m.deposit_daily_average - rm.base_deposit).max(Decimal::ZERO);
        m.deposit_to_base = ratio(m.deposit_daily_average, rm.base_deposit);
        m.npl_ratio = ratio(m.npl_balance, m.loan_balance);
        m.collection_rate = ratio(m.interest_received, m.interest_due);
        if !traced {
            continue;
        }

        let excl = if excluded.is_empty() {
            "no product excluded".to_string()
        } else {
            format!(
                "excluding {}",
                excluded
                    .iter()
                    .map(|p| p.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let t = &mut month.trace;
        let mut inputs = std::mem::take(&mut dep_inputs[i]);
        if let Some(file) = client_file {
            let n = file_rows[i];
            let rows = match n {
                0 => None,
                1 => Some(format!("{file} row {file_row}")),
                _ => Some(format!("{file} rows {file_row}–{}", file_row + n - 1)),
            };
            if let Some(rows) = rows {
                inputs.push(Input::new(
                    rows,
                    format!("{DETAIL_SUM} = {}", amount(dep_sum[i])),
                ));
            }
            file_row += n;
        }
        inputs.push(Input::new("calendar days", days));
        t.push(Step {
            figure: Metric::DepositDailyAverage.id().into(),
            rule: "metric".into(),
            formula: if client_file.is_some() {
                format!("{DETAIL_SUM} of its rows of the client detail file ÷ {days} days; {excl}")
            } else {
                format!("Σ (client balance sum × share) ÷ {days} days; {excl}")
            },
            inputs,
            value: Some(m.deposit_daily_average),
        });
        t.push(Step {
            figure: Metric::DepositBase.id().into(),
            rule: "metric".into(),
            formula: "base deposit (基数存款)".into(),
            inputs: vec![Input::new("source", &rm.base_source)],
            value: Some(m.deposit_base),
        });
        t.push(Step {
            figure: Metric::DepositStock.id().into(),
            rule: "metric".into(),
            formula: "min(deposit_daily_average, deposit_base)".into(),
            inputs: vec![
                Input::new(
                    Metric::DepositDailyAverage.id(),
                    crate::trace::figure_text(m.deposit_daily_average),
                ),
                Input::new(Metric::DepositBase.id(), m.deposit_base),
            ],
            value: Some(m.deposit_stock),
        });
        t.push(Step {
            figure: Metric::DepositIncrement.id().into(),
            rule: "metric".into(),
            formula: "max(deposit_daily_average − deposit_base, 0)".into(),
            inputs: vec![
                Input::new(
                    Metric::DepositDailyAverage.id(),
                    crate::trace::figure_text(m.deposit_daily_average),
                ),
                Input::new(Metric::DepositBase.id(), m.deposit_base),
            ],
            value: Some(m.deposit_increment),
        });
        let loan_inputs: Vec<Input> = month
            .loans
            .iter()
            .map(|ls| {
                let l = &ledger.loans[ls.loan_ix];
                Input::new(
                    format!("loan {} ({})", l.loan_id, ledger.cell_ref(l.src)),
                    format!(
                        "balance {} {} × {}, interest {}/{}",
                        l.balance,
                        l.classification.id(),
                        ls.share.normalize(),
                        l.interest_received,
                        l.interest_due
                    ),
                )
            })
            .collect();
        t.push(Step {
            figure: Metric::LoanBalance.id().into(),
            rule: "metric".into(),
            formula: "Σ loan balance × share".into(),
            inputs: loan_inputs.clone(),
            value: Some(m.loan_balance),
        });
        t.push(Step {
            figure: Metric::NplRatio.id().into(),
            rule: "metric".into(),
            formula: "(substandard + doubtful + loss balance) ÷ loan balance".into(),
            inputs: vec![
                Input::new(Metric::NplBalance.id(), amount(m.npl_balance)),
                Input::new(Metric::LoanBalance.id(), amount(m.loan_balance)),
            ],
            value: m.npl_ratio,
        });
        t.push(Step {
            figure: Metric::CollectionRate.id().into(),
            rule: "metric".into(),
            formula: "interest received ÷ interest due".into(),
            inputs: vec![
                Input::new(Metric::InterestReceived.id(), amount(m.interest_received)),
                Input::new(Metric::InterestDue.id(), amount(m.interest_due)),
            ],
            value: m.collection_rate,
        });
        t.push(Step {
            figure: Metric::FeeIncome.id().into(),
            rule: "metric".into(),
            formula: "Σ fees of the RM + Σ client fees × share".into(),
            inputs: std::mem::take(&mut fee_inputs[i]),
            value: Some(m.fee_income),
        });
        t.push(Step {
            figure: Metric::NewBasicAccounts.id().into(),
            rule: "metric".into(),
            formula: "count of corporate basic accounts opened in the period".into(),
            inputs: std::mem::take(&mut basic_inputs[i]),
            value: Some(m.new_basic_accounts),
        });
        if !incident_inputs[i].is_empty() {
            t.push(Step {
                figure: Metric::IncidentLoss.id().into(),
                rule: "metric".into(),
                formula: "Σ losses of incidents in the period".into(),
                inputs: std::mem::take(&mut incident_inputs[i]),
                value: Some(m.incident_loss),
            });
        }
    }

    Month {
        days,
        rms,
        by_rm,
        clients,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Scope;

    /// The month's clients come out in id order (byte order, as a map of
    /// `String`s orders them: `C10` before `C9`, Latin before Chinese)
    /// from a sheet in any order, each client with its own figures, and
    /// are found by id; an id the month does not have, or one between two
    /// it has, finds nothing.
    #[test]
    fn clients_in_id_order_found_by_id() {
        let c = |id: &str, fee: i64| ClientMonth {
            client_id: id.into(),
            fee_income: Decimal::from(fee),
            ..ClientMonth::default()
        };
        let ids = ["C9", "甲", "C10", "B", "C1"];
        let list: Vec<ClientMonth> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| c(id, i as i64))
            .collect();
        let mut map = ClientMap::from_unsorted(list);
        let order: Vec<&str> = map.values().map(|c| c.client_id.as_str()).collect();
        assert_eq!(order, ["B", "C1", "C10", "C9", "甲"]);
        // Each keeps its figures: the fee is its place in the sheet.
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                map.get(*id).map(|c| c.fee_income),
                Some(Decimal::from(i as i64))
            );
        }
        assert_eq!(
            map.get(&"C10".to_string()).map(|c| c.client_id.as_str()),
            Some("C10")
        );
        assert!(map.get("C2").is_none() && map.get("A").is_none() && map.get("乙").is_none());
        if let Some(c) = map.get_mut("C9") {
            c.fee_income += Decimal::ONE;
        }
        assert_eq!(map.get("C9").map(|c| c.fee_income), Some(Decimal::ONE));
        let pairs: Vec<(&String, Decimal)> = map.iter().map(|(k, c)| (k, c.fee_income)).collect();
        assert_eq!(pairs.len(), 5);
        assert!(
            pairs
                .iter()
                .all(|(k, c)| map.get(*k).map(|x| x.fee_income) == Some(*c))
        );
        // A sheet already in order is kept as it is.
        let sorted = ClientMap::from_unsorted(vec![c("A", 1), c("B", 2)]);
        assert_eq!(sorted.as_slice().len(), 2);
        assert_eq!(
            sorted.get("B").map(|c| c.fee_income),
            Some(Decimal::from(2))
        );
    }

    /// An account's client is the one its id names, whether found beside
    /// the client of the account before (accounts grouped by client in the
    /// sheet's order) or in the index (any other order): the same answer as
    /// the index gives every row, across the chunks the lookups are split
    /// into, for ids the month does not have, a client of the row before
    /// the one before, and an id that differs only after the first bytes.
    #[test]
    fn each_rows_client_is_the_one_its_id_names() {
        let ids: Vec<String> = (0..70_000).map(|i| format!("C{i:06}")).collect();
        let list: Vec<ClientMonth> = ids
            .iter()
            .map(|id| ClientMonth {
                client_id: id.clone(),
                ..ClientMonth::default()
            })
            .collect();
        let mut at: IdMap<'_> = HashMap::with_hasher(id_hasher());
        at.extend(
            list.iter()
                .enumerate()
                .map(|(i, c)| (c.client_id.as_str(), i)),
        );
        // Grouped runs (1, 2 and 3 accounts a client) across the first
        // chunk's end (row 65,536), then: a jump back, a jump ahead, the
        // client after the next, an unknown id (and the run going on after
        // it), the row before's client again after another, the last
        // client and one past it.
        let mut rows: Vec<String> = Vec::new();
        for (i, id) in ids.iter().enumerate().take(40_000) {
            for _ in 0..=(i % 3) {
                rows.push(id.clone());
            }
        }
        for id in [
            "C000005", "C039999", "C000006", "C000008", "C9", "C000009", "C000010", "C000009",
            "C000010", "C069999", "C070000", "C00001", "C0000100",
        ] {
            rows.push(id.to_string());
        }
        assert!(rows.len() > 1 << 16);
        let found: Vec<Option<usize>> = positions(&rows, &list, &at, |r| r)
            .into_iter()
            .flatten()
            .collect();
        let want: Vec<Option<usize>> = rows.iter().map(|r| at.get(r.as_str()).copied()).collect();
        assert_eq!(found.len(), rows.len());
        let first_wrong = found.iter().zip(&want).position(|(f, w)| f != w);
        assert_eq!(first_wrong, None, "row {first_wrong:?}");
        // The tail, by hand: C000005 at 5, C039999 at 39,999, C9 unknown.
        let tail = &found[found.len() - 13..];
        assert_eq!(
            tail,
            [
                Some(5),
                Some(39_999),
                Some(6),
                Some(8),
                None,
                Some(9),
                Some(10),
                Some(9),
                Some(10),
                Some(69_999),
                None,
                None,
                None
            ]
        );
    }

    /// Every monthly metric of the vocabulary has a figure in a month with
    /// a base, loans and interest due; a review-only one has none (except
    /// month-end arrears and advances, read month by month by
    /// `consecutive_months`).
    #[test]
    fn every_monthly_metric_has_a_monthly_figure() {
        let m = RmMetrics {
            deposit_to_base: Some(Decimal::new(12, 1)),
            npl_ratio: Some(Decimal::new(1, 2)),
            collection_rate: Some(Decimal::ONE),
            ..RmMetrics::default()
        };
        for &x in Metric::ALL {
            let monthly = x.scope() == Scope::Monthly
                || matches!(x, Metric::OverdueInterest | Metric::Advances);
            assert_eq!(m.get(x).is_some(), monthly, "{x}");
        }
        // 1.2 = deposits ÷ base, read as set.
        assert_eq!(m.get(Metric::DepositToBase), Some(Decimal::new(12, 1)));
        // No base: no ratio, not 0.
        let none = RmMetrics::default();
        assert_eq!(none.get(Metric::DepositToBase), None);
    }
}
