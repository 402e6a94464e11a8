//! The `deposits` sheet: end-of-day balances, aggregated per account while
//! the rows stream past. This is the hot path (a million rows and more), so
//! a row allocates nothing unless it introduces a new account.

use super::Reader;
use super::cell::{Cv, excel_date, text_ref};
use super::columns::{PRODUCTS, f::*};
use super::model::*;
use super::parse;
use super::rows::{Fields, PRODUCT_VALUES};
use crate::diag::{Code, PER_KIND_LIMIT};
use crate::period::Period;
use crate::text::{Lang, Msg, ledger as says};
use chrono::{Datelike, Days, NaiveDate};
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// The account index's hasher: aHash, already built as the `parquet`
/// crate's, several times faster than std's SipHash on short ids (a
/// million-account month hashes each new id once and looks ids up on
/// rows out of order), with fixed seeds so that a run is the same from
/// one run to the next. The index's order never reaches an output
/// (accounts are sorted by id when the sheet ends).
pub(crate) fn id_hasher() -> ahash::RandomState {
    ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    )
}

/// An account id's hash in the index: 32 bits of aHash's, kept beside the
/// id's position, spread again over 64 bits when the table needs them.
fn id_hash(hasher: &ahash::RandomState, id: &str) -> (u32, u64) {
    let h = (hasher.hash_one(id) >> 32) as u32;
    (h, spread(h))
}

fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A balance to add: its units at the input scale when it has that
/// scale and fits an `i64` (the typed path gives only these), else the
/// decimal itself.
#[derive(Clone, Copy)]
pub(crate) enum Amount {
    Units(i64),
    Other(Decimal),
}

impl Amount {
    fn of(d: Decimal, scale: u32) -> Amount {
        match i64::try_from(d.mantissa()) {
            Ok(m) if d.scale() == scale => Amount::Units(m),
            _ => Amount::Other(d),
        }
    }

    fn decimal(self, scale: u32) -> Decimal {
        match self {
            Amount::Units(m) => Decimal::new(m, scale),
            Amount::Other(d) => d,
        }
    }
}

/// A typed balance (an unscaled integer at `scale` places, as a Parquet
/// DECIMAL or a plain decimal text gives it) as units at the input scale,
/// when the amount rules take it as it is: not negative, at most
/// [`parse::MAX_INPUT_DP`] places, under the amount limit (10^15), its
/// places rounded to the input scale as `parse::to_scale` rounds them
/// (half away from zero). `None`: the cell path decides, and says what
/// is wrong.
pub(crate) fn typed_units(unscaled: i64, scale: u32, input_scale: u32) -> Option<i64> {
    if unscaled < 0 || scale > parse::MAX_INPUT_DP {
        return None;
    }
    // 10^15 yuan at `scale` places (10^19 at four: past an i64).
    const LIMIT: [u64; 5] = [
        10u64.pow(15),
        10u64.pow(16),
        10u64.pow(17),
        10u64.pow(18),
        10u64.pow(19),
    ];
    let limit = LIMIT.get(scale as usize).copied().unwrap_or(0);
    if unscaled.unsigned_abs() >= limit {
        return None;
    }
    if scale <= input_scale {
        unscaled.checked_mul(10i64.checked_pow(input_scale - scale)?)
    } else {
        let div = 10i64.pow(scale - input_scale);
        let (q, rem) = (unscaled / div, unscaled % div);
        Some(if rem * 2 >= div { q + 1 } else { q })
    }
}

/// A deposit row's values as the typed path has them.
pub(crate) struct TypedRow<'a> {
    /// Days since 1970-01-01.
    pub day: i64,
    pub account: &'a str,
    pub client: &'a str,
    /// `None`: no product (demand).
    pub product: Option<&'a str>,
    /// The balance in units at the input scale ([`typed_units`]).
    pub units: i64,
}

/// A day of a typed date (days since 1970-01-01) as a date.
pub(crate) fn epoch_day(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::try_days(days)?))
}

/// One account's month so far. Kept to one cache line: a million rows
/// stream through these, and a fat record would crowd calamine's own working
/// set out of the cache.
#[repr(C, align(64))]
pub(crate) struct Acc {
    id: Box<str>,
    client: Box<str>,
    /// Sum of the balances as a mantissa at the input scale (every amount is
    /// read at that scale); what does not fit goes to `DepositState::big`.
    sum_units: i64,
    rows: u32,
    first_row: u32,
    last_row: u32,
    /// Bit `d` set: a balance was read for day `d + 1`.
    mask: u32,
    product: Product,
}

pub(crate) struct DepositState {
    carry: bool,
    /// Index into `accounts` by account id (the id is kept once, there),
    /// with the id's hash ([`id_hash`]): growing the table rehashes from
    /// it, not from each id (a cache miss an account on a big month).
    index: HashTable<(u32, u32)>,
    hasher: ahash::RandomState,
    accounts: Vec<Acc>,
    /// Per day of the month, per account: the sheet row of that day's
    /// balance (valid where the account's mask bit is set).
    day_rows: Vec<Vec<u32>>,
    /// Per day, per account: the balance; only when carrying forward.
    balances: Vec<Vec<Decimal>>,
    /// Balance sums that do not fit `Acc::sum_units`, by account.
    big: HashMap<usize, Decimal>,
    /// Accounts with a rejected row: their gaps are not reported (the
    /// rejected row is, and may well be the missing day).
    rejected: HashSet<String>,
    /// How many of `accounts` (the first ones) are in `index`. Accounts
    /// met in ascending id order are added without it: a sheet sorted by
    /// date and then account (a core system's export as a rule) or by
    /// account finds each row's account by the cursor, so its index is
    /// never built; a row the cursor misses brings it up to date first.
    indexed: usize,
    /// Every account so far came with an id above the one before, so
    /// `accounts` is in id order and an id above the last is a new one.
    ascending: bool,
    /// Index of the account of the previous row.
    last_idx: usize,
    /// The rows come in an order the cursor follows (see `add_balance`).
    cursor: bool,
    /// The finished accounts, sorted by account id.
    pub(crate) out: Vec<AccountMonth>,
    /// Last date cell converted (serial value bits) and its day.
    last_serial: u64,
    last_day: Option<NaiveDate>,
    /// Day of the month (0-based) of `last_serial`, once checked against
    /// the period.
    last_day0: Option<u32>,
    account_buf: String,
    client_buf: String,
    /// Rows dated outside the period (the first of them, row and date) and
    /// how many there are; reported when the sheet ends, as one line when
    /// no balance is in the period at all (`--period` names another month
    /// than the ledger's).
    outside: Vec<(u32, NaiveDate)>,
    outside_rows: usize,
    /// A balance dated inside the period was read.
    inside: bool,
    /// The row and date that set the period, when no period was given
    /// (the first date read).
    set_by: Option<(u32, NaiveDate)>,
    /// The typed path's last date (days since 1970-01-01) that fell in the
    /// period, and its day of the month (0-based).
    typed_day: Option<(i64, u32)>,
}

impl DepositState {
    /// Puts the accounts added in id order without the index into it.
    fn catch_up_index(&mut self) {
        let DepositState {
            index,
            hasher,
            accounts,
            indexed,
            ..
        } = self;
        if *indexed >= accounts.len() {
            return;
        }
        index.reserve(accounts.len() - *indexed, |&(_, hj)| spread(hj));
        for (i, a) in accounts.iter().enumerate().skip(*indexed) {
            let (h32, h) = id_hash(hasher, &a.id);
            // Fewer than 2^32 accounts: rows are counted in a u32.
            index.insert_unique(
                h,
                (u32::try_from(i).unwrap_or(u32::MAX), h32),
                |&(_, hj)| spread(hj),
            );
        }
        *indexed = accounts.len();
    }

    fn reject(&mut self, account: &str) {
        if !self.rejected.contains(account) {
            self.rejected.insert(account.to_string());
        }
    }

    pub(crate) fn new(carry: bool) -> Self {
        DepositState {
            carry,
            index: HashTable::new(),
            hasher: id_hasher(),
            accounts: Vec::new(),
            day_rows: vec![Vec::new(); 31],
            balances: if carry {
                vec![Vec::new(); 31]
            } else {
                Vec::new()
            },
            big: HashMap::new(),
            rejected: HashSet::new(),
            indexed: 0,
            ascending: true,
            last_idx: usize::MAX,
            cursor: true,
            out: Vec::new(),
            last_serial: u64::MAX,
            last_day: None,
            last_day0: None,
            account_buf: String::new(),
            client_buf: String::new(),
            outside: Vec::new(),
            outside_rows: 0,
            set_by: None,
            inside: false,
            typed_day: None,
        }
    }
}

/// `2026-10-03..2026-10-05, 2026-10-09` (`2026-10-03 至 2026-10-05、2026-10-09`):
/// the days whose bit is set in `mask`.
pub(crate) fn day_ranges(period: Period, mask: u32) -> Msg {
    let first = period.first_day();
    let day = |d: u32| {
        first
            .checked_add_days(Days::new(u64::from(d)))
            .unwrap_or(first)
    };
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 32 {
        if mask & (1u32 << d) == 0 {
            d += 1;
            continue;
        }
        let start = d;
        while d + 1 < 32 && mask & (1u32 << (d + 1)) != 0 {
            d += 1;
        }
        if start == d {
            parts.push(Msg::verbatim(day(start).to_string()));
        } else {
            parts.push(says::day_range(day(start), day(d)));
        }
        d += 1;
    }
    says::list(&parts)
}

/// An id the row path takes as it is: from a printable ASCII character
/// to another (see `cell::text_ref`).
fn plain_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic)
}

/// `a == b`, for ids (an account's, a client's: a dozen or two bytes,
/// compared twice a row) without a call to `memcmp`: eight bytes at a
/// time, the last eight overlapping the ones before.
#[inline]
fn same_id(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_ne_bytes)
    };
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

fn full_mask(days: u32) -> u32 {
    if days >= 32 {
        u32::MAX
    } else {
        (1u32 << days) - 1
    }
}

impl Reader<'_> {
    /// The day of a date cell, with a one-entry cache (balances come sorted
    /// by date or by account, so the same date repeats).
    fn deposit_date(&mut self, r: u32, cv: Cv<'_>) -> Result<NaiveDate, ()> {
        if let Cv::Date(d) = cv {
            let bits = d.as_f64().to_bits();
            if bits == self.dep.last_serial
                && let Some(day) = self.dep.last_day
            {
                return Ok(day);
            }
            if let Some(day) = excel_date(&d) {
                self.dep.last_serial = bits;
                self.dep.last_day = Some(day);
                self.dep.last_day0 = None;
                return Ok(day);
            }
        }
        match parse::date(&cv) {
            Ok(d) => Ok(d),
            Err(m) => {
                let col = self.col(D_DATE);
                self.err(r, col, Code::NotADate, |_| m);
                Err(())
            }
        }
    }

    pub(crate) fn deposit_row(&mut self, r: u32, f: &Fields<'_>) {
        // Date, and the period it must fall in.
        let date_cv = f[D_DATE];
        let cached = match date_cv {
            Cv::Date(d) if d.as_f64().to_bits() == self.dep.last_serial => self.dep.last_day0,
            _ => None,
        };
        let day0 = if cached.is_some() {
            cached
        } else if matches!(date_cv, Cv::Empty) {
            self.missing(r, D_DATE);
            None
        } else {
            match self.deposit_date(r, date_cv) {
                Ok(d) => {
                    let day0 = self.day_in_period(r, d);
                    if day0.is_some()
                        && matches!(date_cv, Cv::Date(_))
                        && self.dep.last_day == Some(d)
                    {
                        self.dep.last_day0 = day0;
                    }
                    day0
                }
                Err(()) => None,
            }
        };

        let mut account_buf = std::mem::take(&mut self.dep.account_buf);
        let mut client_buf = std::mem::take(&mut self.dep.client_buf);
        let account = self.deposit_id(r, f, D_ACCOUNT, &mut account_buf);
        let client = self.deposit_id(r, f, D_CLIENT, &mut client_buf);

        let product = match f[D_PRODUCT] {
            Cv::Empty => Ok(Product::Demand),
            Cv::Str("活期" | "demand") => Ok(Product::Demand),
            Cv::Str("定期" | "time") => Ok(Product::Time),
            Cv::Str("协议存款" | "agreement") => Ok(Product::Agreement),
            Cv::Str(s) => match parse::choice(s, PRODUCTS).and_then(|i| PRODUCT_VALUES.get(i)) {
                Some(p) => Ok(*p),
                None => {
                    let col = self.col(D_PRODUCT);
                    let s = s.trim().to_string();
                    self.err(r, col, Code::UnknownValue, |_| {
                        parse::choice_error(&s, PRODUCTS)
                    });
                    Err(())
                }
            },
            _ => self.choice(r, f, D_PRODUCT, PRODUCTS).map(|o| {
                o.and_then(|i| PRODUCT_VALUES.get(i).copied())
                    .unwrap_or(Product::Demand)
            }),
        };
        let balance = self.amount(r, f, D_BALANCE);
        let balance = self.req(r, D_BALANCE, balance);

        match (day0, account, client, product, balance) {
            (Some(day0), Ok(account), Ok(client), Ok(product), Ok(balance)) => {
                let balance = Amount::of(balance, self.opts.input_scale);
                let added = self.add_balance(r, day0, account, client, product, balance);
                if !added {
                    self.dep.reject(account);
                }
            }
            (_, Ok(account), ..) => self.dep.reject(account),
            _ => {}
        }
        self.dep.account_buf = account_buf;
        self.dep.client_buf = client_buf;
    }

    /// The day of the month (0-based) of a balance's date, when the date
    /// is in the period (the first date read sets it, unless given); else
    /// the row is noted as outside it.
    fn day_in_period(&mut self, r: u32, d: NaiveDate) -> Option<u32> {
        let period = match self.period {
            Some(p) => p,
            None => {
                self.dep.set_by = Some((r, d));
                *self.period.insert(Period::of(d))
            }
        };
        if period.contains(d) {
            self.dep.inside = true;
            Some(d.day0())
        } else {
            self.dep.outside_rows += 1;
            if self.dep.outside.len() < PER_KIND_LIMIT {
                self.dep.outside.push((r, d));
            }
            None
        }
    }

    /// A deposit row whose values came typed (a Parquet DATE and DECIMAL,
    /// a CSV's plain ISO date and plain decimal): the date as its day
    /// number, the balance as units at the input scale, already known to
    /// be neither negative nor over the amount limit. Takes the row as the
    /// row path would ([`Reader::feed_row`] and [`Reader::deposit_row`])
    /// and returns `true` when every value is one that path would take
    /// as is; else returns `false`, having done nothing, and the caller
    /// gives the row to the row path, which says what is wrong.
    pub(crate) fn typed_deposit(
        &mut self,
        r: u32,
        row: TypedRow<'_>,
        progress: &mut dyn FnMut(&str, u64),
    ) -> bool {
        let TypedRow {
            day,
            account,
            client,
            product,
            units,
        } = row;
        // Ids from a printable ASCII character to another are taken as
        // they are (`text_ref`), and can be no total row's label (合计).
        if !plain_id(account) || !plain_id(client) || !self.sh.usable {
            return false;
        }
        let product = match product {
            None => Product::Demand,
            Some("活期" | "demand") => Product::Demand,
            Some("定期" | "time") => Product::Time,
            Some("协议存款" | "agreement") => Product::Agreement,
            Some(_) => return false,
        };
        let cached = match self.dep.typed_day {
            Some((d, day0)) if d == day => Some(day0),
            _ => None,
        };
        let date = match cached {
            Some(_) => None,
            None => match epoch_day(day) {
                Some(d) => Some(d),
                None => return false,
            },
        };
        self.count_row(progress);
        self.sh.data_rows += 1;
        let day0 = match (cached, date) {
            (Some(day0), _) => Some(day0),
            (None, Some(d)) => {
                let day0 = self.day_in_period(r, d);
                if let Some(day0) = day0 {
                    self.dep.typed_day = Some((day, day0));
                }
                day0
            }
            (None, None) => None,
        };
        match day0 {
            Some(day0) => {
                let added =
                    self.add_balance(r, day0, account, client, product, Amount::Units(units));
                if !added {
                    self.dep.reject(account);
                }
            }
            None => self.dep.reject(account),
        }
        true
    }

    /// A required identifier of a deposit row, borrowed (no allocation).
    fn deposit_id<'x>(
        &mut self,
        r: u32,
        f: &Fields<'x>,
        fi: usize,
        buf: &'x mut String,
    ) -> Result<&'x str, ()> {
        let cv = f[fi];
        match text_ref(&cv, buf) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => {
                self.missing(r, fi);
                Err(())
            }
            Err(m) => {
                let col = self.col(fi);
                self.err(r, col, Code::CellError, |_| m);
                Err(())
            }
        }
    }

    fn add_balance(
        &mut self,
        r: u32,
        day0: u32,
        account: &str,
        client: &str,
        product: Product,
        balance: Amount,
    ) -> bool {
        // Balances come sorted by date (accounts in the same order every
        // day) or by account (the same account for a month of rows): try the
        // account after the last one (the first after the last: the next
        // day's), then the last one, before hashing.
        // In another order (shuffled) the guesses are two reads of cold
        // memory a row for nothing: the cursor is left off from its first
        // miss until a row's account is again one it would have guessed.
        let last = self.dep.last_idx;
        let next = match last.checked_add(1) {
            Some(n) if n < self.dep.accounts.len() => n,
            _ => 0,
        };
        let guess = if self.dep.cursor {
            [next, last].into_iter().find(|&i| {
                self.dep
                    .accounts
                    .get(i)
                    .is_some_and(|a| same_id(&a.id, account))
            })
        } else {
            None
        };
        let (idx, new) = match guess {
            Some(i) => (i, false),
            None if self.dep.ascending
                && self
                    .dep
                    .accounts
                    .last()
                    .is_none_or(|a| a.id.as_bytes() < account.as_bytes()) =>
            {
                // Above every id so far: a new account, in id order.
                self.dep.cursor = true;
                (self.dep.accounts.len(), true)
            }
            None => {
                self.dep.catch_up_index();
                // One hash an id: to look it up, and to place it when new.
                let accounts = &self.dep.accounts;
                let (h32, h) = id_hash(&self.dep.hasher, account);
                let entry = self.dep.index.entry(
                    h,
                    |&(i, hi)| {
                        hi == h32
                            && accounts
                                .get(i as usize)
                                .is_some_and(|a| same_id(&a.id, account))
                    },
                    |&(_, hj)| spread(hj),
                );
                let found = match entry {
                    Entry::Occupied(e) => (e.get().0 as usize, false),
                    Entry::Vacant(e) => {
                        let i = accounts.len();
                        // Fewer than 2^32 accounts: rows are counted in a u32.
                        e.insert((u32::try_from(i).unwrap_or(u32::MAX), h32));
                        (i, true)
                    }
                };
                if found.1 {
                    // Placed by the index: not above every id so far.
                    self.dep.indexed = found.0 + 1;
                    self.dep.ascending = false;
                }
                self.dep.cursor = found.0 == next || found.0 == last;
                found
            }
        };
        if new {
            // A new account: its client must be known.
            let _ = self.check_client(r, D_CLIENT, client);
            self.dep.accounts.push(Acc {
                id: account.into(),
                client: client.into(),
                product,
                sum_units: 0,
                rows: 0,
                first_row: r,
                last_row: r,
                mask: 0,
            });
            for day in &mut self.dep.day_rows {
                day.push(0);
            }
            for day in &mut self.dep.balances {
                day.push(Decimal::ZERO);
            }
        }
        self.dep.last_idx = idx;
        let Some(acc) = self.dep.accounts.get_mut(idx) else {
            return false;
        };
        acc.rows += 1;
        acc.last_row = r;
        if !same_id(&acc.client, client) {
            let (first, other) = (acc.first_row, acc.client.to_string());
            let col = self.col(D_CLIENT);
            self.err(r, col, Code::InconsistentAccount, |me| {
                says::nest(&me.row_name(first), |first| {
                    says::account_other_client(account, &other, first, client)
                })
            });
            return false;
        }
        if acc.product != product {
            let (first, other) = (acc.first_row, acc.product);
            let col = self.col(D_PRODUCT);
            self.err(r, col, Code::InconsistentAccount, |me| {
                // Products by their ids in English, their names in Chinese.
                let first = me.row_name(first);
                let zh = says::account_other_product(
                    account,
                    other.zh(),
                    first.get(Lang::Zh),
                    product.zh(),
                );
                let en = says::account_other_product(
                    account,
                    other.id(),
                    first.get(Lang::En),
                    product.id(),
                );
                Msg::new(zh.get(Lang::Zh).to_string(), en.get(Lang::En).to_string())
            });
            return false;
        }
        let bit = 1u32 << (day0 & 31);
        if acc.mask & bit != 0 {
            let other = self
                .dep
                .day_rows
                .get(day0 as usize)
                .and_then(|d| d.get(idx))
                .copied()
                .unwrap_or(0);
            let col = self.col(D_DATE);
            let date = self
                .period
                .and_then(|p| p.first_day().checked_add_days(Days::new(u64::from(day0))));
            self.err(r, col, Code::DuplicateBalance, |me| {
                let date = date.map(|d| d.to_string()).unwrap_or_default();
                says::nest(&me.row_name(other), |first| {
                    says::duplicate_balance(account, &date, first)
                })
            });
            return true;
        }
        acc.mask |= bit;
        let scale = self.opts.input_scale;
        let fits = match balance {
            Amount::Units(m) => acc.sum_units.checked_add(m),
            Amount::Other(_) => None,
        };
        match fits {
            Some(sum) => acc.sum_units = sum,
            None => {
                let big = self.dep.big.entry(idx).or_insert(Decimal::ZERO);
                *big = big
                    .checked_add(balance.decimal(scale))
                    .unwrap_or(Decimal::MAX);
            }
        }
        if let Some(slot) = self
            .dep
            .day_rows
            .get_mut(day0 as usize)
            .and_then(|d| d.get_mut(idx))
        {
            *slot = r;
        }
        if let Some(slot) = self
            .dep
            .balances
            .get_mut(day0 as usize)
            .and_then(|d| d.get_mut(idx))
        {
            *slot = balance.decimal(scale);
        }
        true
    }

    /// The rows dated outside the period. When not one balance is in the
    /// period, the period given (`--period`) is not the ledger's: one line
    /// names both months, and the ledger's month is the one the later
    /// sheets are read in, so that the one mistake is said once. Otherwise
    /// each stray date is an error at its cell.
    fn report_outside_period(&mut self, period: Period) {
        let outside = std::mem::take(&mut self.dep.outside);
        let col = self.col(D_DATE);
        if let Some(&(r, d)) = outside.first()
            && !self.dep.inside
        {
            let ledger = Period::of(d);
            self.err(r, col, Code::PeriodMismatch, |_| {
                says::period_mismatch(period, ledger)
            });
            self.period = Some(ledger);
            return;
        }
        // No period given, and the first date read set one that most rows
        // are not in: that date is the likely mistake (a time-only cell,
        // 1900-01-01), so it alone is the error, not every row after it.
        let data_rows = self.sh.data_rows as usize;
        if let (Some((r0, d0)), Some(&(_, d))) = (self.dep.set_by, outside.first())
            && self.dep.outside_rows > data_rows.saturating_sub(self.dep.outside_rows)
        {
            let (ledger, n) = (Period::of(d), self.dep.outside_rows);
            self.err(r0, col, Code::DateOutsidePeriod, |_| {
                says::first_date_sets_month(d0, period, ledger, n)
            });
            return;
        }
        for &(r, d) in &outside {
            self.err(r, col, Code::DateOutsidePeriod, |_| {
                says::date_outside_period(period, d)
            });
        }
        self.count_more(
            Code::DateOutsidePeriod,
            self.dep.outside_rows.saturating_sub(outside.len()),
        );
    }

    /// After `deposits`: every account has every day (or carries the previous
    /// day's balance forward); accounts sorted by id.
    pub(crate) fn finish_deposits(&mut self) {
        let Some(period) = self.period else {
            return;
        };
        self.report_outside_period(period);
        if self.period != Some(period) {
            return;
        }
        let days = period.days();
        let full = full_mask(days);
        let accounts = std::mem::take(&mut self.dep.accounts);
        self.dep.index = HashTable::new();
        let n = accounts.len();
        // Accounts met in ascending id order are in id order already.
        let accounts: Box<dyn Iterator<Item = (usize, Acc)>> = if self.dep.ascending {
            Box::new(accounts.into_iter().enumerate())
        } else {
            let mut sorted: Vec<(usize, Acc)> = accounts.into_iter().enumerate().collect();
            // Ids are unique (the index holds each once): the unstable
            // sort's order is the only one.
            sorted.sort_unstable_by(|(_, a), (_, b)| a.id.cmp(&b.id));
            Box::new(sorted.into_iter())
        };
        let col = self.col(D_ACCOUNT);
        let mut out = Vec::with_capacity(n);
        for (idx, acc) in accounts {
            let missing = if self.dep.rejected.contains(&*acc.id) {
                0
            } else {
                full & !acc.mask
            };
            let mut carried_days = Vec::new();
            let scale = self.opts.input_scale;
            let mut overflow = false;
            let big = self.dep.big.get(&idx).copied().unwrap_or(Decimal::ZERO);
            let mut sum = Decimal::try_from_i128_with_scale(i128::from(acc.sum_units), scale)
                .ok()
                .and_then(|u| u.checked_add(big))
                .filter(|s| *s != Decimal::MAX)
                .unwrap_or_else(|| {
                    overflow = true;
                    Decimal::ZERO
                });
            if missing != 0 && !self.dep.carry {
                let id = acc.id.clone();
                self.err(acc.first_row, col, Code::MissingDays, |_| {
                    says::nest(&day_ranges(period, missing), |days| {
                        says::missing_days(&id, period, days)
                    })
                });
            } else if missing != 0 {
                // Leading days have no earlier balance to carry.
                let leading = if acc.mask == 0 {
                    full
                } else {
                    (1u32 << acc.mask.trailing_zeros()) - 1
                };
                if leading != 0 {
                    let id = acc.id.clone();
                    self.err(acc.first_row, col, Code::MissingDays, |_| {
                        says::nest(&day_ranges(period, leading), |days| {
                            says::missing_first_days(&id, period, days)
                        })
                    });
                }
                let mut prev: Option<Decimal> = None;
                for d in 0..days {
                    if acc.mask & (1u32 << d) != 0 {
                        prev = self
                            .dep
                            .balances
                            .get(d as usize)
                            .and_then(|b| b.get(idx))
                            .copied();
                    } else if let Some(b) = prev {
                        match sum.checked_add(b) {
                            Some(x) => sum = x,
                            None => overflow = true,
                        }
                        if let Some(day) =
                            period.first_day().checked_add_days(Days::new(u64::from(d)))
                        {
                            carried_days.push(day);
                        }
                    }
                }
            }
            if overflow {
                let id = acc.id.clone();
                let balance_col = self.col(D_BALANCE);
                self.err(acc.first_row, balance_col, Code::NotAnAmount, |_| {
                    says::balances_overflow(&id, Decimal::MAX)
                });
            }
            out.push(AccountMonth {
                account_id: acc.id.into(),
                client_id: acc.client.into(),
                product: acc.product,
                balance_sum: sum,
                rows: acc.rows,
                first_row: acc.first_row,
                last_row: acc.last_row,
                carried_days,
            });
        }
        self.dep.out = out;
        self.dep.day_rows = Vec::new();
        self.dep.balances = Vec::new();
        self.dep.big = HashMap::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed path takes a balance exactly when the cell path takes its
    /// text, and to the same units: `typed_units` against `parse::amount`
    /// on the decimal's text, for each scale a Parquet DECIMAL may have.
    #[test]
    fn typed_units_are_the_cell_paths() {
        let mut buf = String::new();
        let unscaled = [
            0,
            1,
            5,
            49,
            50,
            51,
            12_345,
            12_350,
            123_456,
            999_999,
            1_000_000,
            -1,
            -12_345,
            99_999_999_999_999_999,
            100_000_000_000_000_000,
            i64::MAX,
            i64::MIN,
        ];
        for input_scale in [0, 2, 4] {
            for scale in 0..=6u32 {
                for &m in &unscaled {
                    let text = Decimal::new(m, scale).to_string();
                    let cell = parse::amount(&Cv::Str(&text), Decimal::ONE, input_scale, &mut buf)
                        .ok()
                        .filter(|d| !d.is_sign_negative() || d.is_zero());
                    let typed = typed_units(m, scale, input_scale);
                    // What the typed path takes, the cell path takes to
                    // the same units (123.50 at 2 places is 12350); what
                    // the cell path refuses (a negative, five places,
                    // 10^15 yuan) the typed path leaves to it, as it may
                    // leave anything (units past an i64).
                    if let Some(u) = typed {
                        assert_eq!(
                            Some(Decimal::new(u, input_scale)),
                            cell,
                            "{text} at input scale {input_scale}"
                        );
                    }
                    if (0..1_000_000_000_000_000).contains(&m) && scale <= 4 && input_scale == 2 {
                        assert!(typed.is_some(), "{text} is a plain balance");
                    }
                }
            }
        }
        // 1.2345 at 2 places: 123.45 units of a hundredth, half away from
        // zero → 123; 1.2350 → 124.
        assert_eq!(typed_units(12_345, 4, 2), Some(123));
        assert_eq!(typed_units(12_350, 4, 2), Some(124));
        // At four places, any i64 is under 10^15 yuan (10^19 units):
        // 922,337,203,685,477.5807 is 92,233,720,368,547,758 hundredths.
        assert_eq!(typed_units(i64::MAX, 4, 2), Some(92_233_720_368_547_758));
        // 999,999,999,999,999.99 is under 10^15; 10^15 is not.
        assert_eq!(
            typed_units(99_999_999_999_999_999, 2, 2),
            Some(99_999_999_999_999_999)
        );
        assert_eq!(typed_units(100_000_000_000_000_000, 2, 2), None);
    }

    /// `same_id` is `==`: every length to 40, equal, and differing in
    /// each one byte.
    #[test]
    fn same_id_is_equality() {
        for n in 0..=40usize {
            let a: String = (0..n).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
            assert!(same_id(&a, &a.clone()), "{a}");
            for i in 0..n {
                let mut b = a.clone().into_bytes();
                b[i] = b'x';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_id(&a, &b), "{a} {b}");
            }
            // One byte more or less: never the same.
            assert!(!same_id(&a, &format!("{a}0")));
        }
        assert!(same_id("客户1", "客户1"));
        assert!(!same_id("客户1", "客户2"));
    }

    #[test]
    fn ranges() {
        let p: Period = "2026-10".parse().unwrap();
        let mask = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 8);
        let en = |mask| day_ranges(p, mask).get(Lang::En).to_string();
        assert_eq!(en(mask), "2026-10-03..2026-10-05, 2026-10-09");
        assert_eq!(en(1 << 30), "2026-10-31");
        assert_eq!(en(full_mask(31)), "2026-10-01..2026-10-31");
        assert_eq!(
            day_ranges(p, mask).get(Lang::Zh),
            "2026-10-03 至 2026-10-05、2026-10-09"
        );
        assert_eq!(full_mask(28), 0x0FFF_FFFF);
    }
}
