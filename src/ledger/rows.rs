//! Row handlers: one data row of a sheet → one record, with every problem of
//! the row reported at its cell.

use super::Reader;
use super::cell::{Cv, text_ref};
use super::columns::{CLASSES, MAXF, PRODUCTS, ROLES, STATUSES, f::*};
use super::model::*;
use super::parse::{self, Choice, NumKind};
use crate::diag::Code;
use crate::text::{Lang, Msg, ledger as says};
use chrono::NaiveDate;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rust_decimal::Decimal;

/// The known cells of one row, by field.
pub(crate) type Fields<'v> = [Cv<'v>; MAXF];

/// `Err(())`: the problem has been reported.
pub(crate) type R<T> = Result<T, ()>;

// In the order of the choices (`Role::CHOICES` …) the reader matches.
const ROLE_VALUES: &[Role] = Role::ALL;
const STATUS_VALUES: &[Status] = Status::ALL;
pub(crate) const PRODUCT_VALUES: &[Product] = Product::ALL;
const CLASS_VALUES: &[LoanClass] = LoanClass::ALL;

pub(crate) const CORPORATE_BASIC: &[Choice] = &[Choice {
    id: "corporate_basic",
    zh: "对公基本户",
    aliases: &["基本户", "基本存款账户"],
}];

/// Tags a [`ClientIds`] position as one in `ClientIds::refused`.
const REFUSED: u32 = 1 << 31;

/// The clients sheet's ids, for [`Reader::check_client`] (a deposit
/// account's client, a loan's …): a hashbrown table of positions hashed
/// with the deposits' aHash (fixed seeds), each id kept once, where it
/// already is: in its first kept row of `Reader::clients`, or, for a
/// client named only on rows refused for another cell, in `refused`
/// (tagged [`REFUSED`]). Built when the sheet ends, in the one pass that
/// also finds the clients on more than one row (for their shares); a
/// lookup hashes the id once and compares it where it is kept. The
/// table's order never reaches an output.
pub(crate) struct ClientIds {
    table: HashTable<u32>,
    hasher: ahash::RandomState,
    /// The kept row of the last client found: a deposits sheet names its
    /// clients in the clients sheet's order as a rule (a core system's
    /// export), so the next account's client is that one or the next,
    /// found without hashing (a random read of a big table an account).
    last: std::cell::Cell<u32>,
    /// The ids of refused rows (their id read, another cell refused);
    /// once indexed, each id once.
    pub(crate) refused: Vec<Box<str>>,
}

impl Default for ClientIds {
    fn default() -> Self {
        ClientIds {
            table: HashTable::new(),
            hasher: super::deposits::id_hasher(),
            last: std::cell::Cell::new(0),
            refused: Vec::new(),
        }
    }
}

/// The id at a position of the index.
fn client_id_at<'a>(clients: &'a [Assignment], refused: &'a [Box<str>], p: u32) -> Option<&'a str> {
    if p & REFUSED == 0 {
        clients.get(p as usize).map(|a| a.client_id.as_str())
    } else {
        refused.get((p & !REFUSED) as usize).map(|s| &**s)
    }
}

impl ClientIds {
    /// Index the sheet's ids: the kept rows' (`clients`), then the refused
    /// rows' not among them. Returns the kept rows whose client is on an
    /// earlier kept row, as (that first row's position, this row's), in
    /// the rows' order.
    fn index(&mut self, clients: &[Assignment]) -> Vec<(u32, u32)> {
        let ClientIds {
            table,
            hasher,
            refused,
            ..
        } = self;
        *table = HashTable::with_capacity(clients.len());
        let mut repeats = Vec::new();
        // Positions below 2^31 (a row is a u32; 2^31 rows would be
        // hundreds of GiB of clients before this).
        for (p, a) in (0..REFUSED).zip(clients) {
            let id = a.client_id.as_str();
            let entry = table.entry(
                hasher.hash_one(id),
                |&q| client_id_at(clients, &[], q) == Some(id),
                |&q| client_id_at(clients, &[], q).map_or(0, |s| hasher.hash_one(s)),
            );
            match entry {
                Entry::Occupied(e) => repeats.push((*e.get(), p)),
                Entry::Vacant(e) => {
                    e.insert(p);
                }
            }
        }
        let mut listed: Vec<Box<str>> = Vec::new();
        for id in std::mem::take(refused) {
            let entry = table.entry(
                hasher.hash_one(&*id),
                |&q| client_id_at(clients, &listed, q) == Some(&*id),
                |&q| client_id_at(clients, &listed, q).map_or(0, |s| hasher.hash_one(s)),
            );
            if let Entry::Vacant(e) = entry {
                e.insert(REFUSED | (u32::try_from(listed.len()).unwrap_or(0) & !REFUSED));
                listed.push(id);
            }
        }
        *refused = listed;
        repeats
    }

    /// Whether the sheet lists a client (once indexed).
    fn contains(&self, clients: &[Assignment], id: &str) -> bool {
        let last = self.last.get();
        for p in [last, last.wrapping_add(1)] {
            if clients
                .get(p as usize)
                .is_some_and(|a| a.client_id.as_str() == id)
            {
                self.last.set(p);
                return true;
            }
        }
        match self.table.find(self.hasher.hash_one(id), |&q| {
            client_id_at(clients, &self.refused, q) == Some(id)
        }) {
            Some(&q) => {
                if q & REFUSED == 0 {
                    self.last.set(q);
                }
                true
            }
            None => false,
        }
    }
}

impl Reader<'_> {
    pub(crate) fn data_row(&mut self, r: u32, f: &Fields<'_>) {
        self.sh.data_rows += 1;
        match self.sh.kind {
            SheetKind::Managers => self.manager_row(r, f),
            SheetKind::Clients => self.client_row(r, f),
            SheetKind::Deposits => self.deposit_row(r, f),
            SheetKind::DepositAverages => self.average_row(r, f),
            SheetKind::Loans => self.loan_row(r, f),
            SheetKind::Fees => self.fee_row(r, f),
            SheetKind::Settlements => self.settlement_row(r, f),
            SheetKind::NewAccounts => self.new_account_row(r, f),
            SheetKind::Incidents => self.incident_row(r, f),
            SheetKind::Baseline => self.baseline_row(r, f),
            SheetKind::RiskAccounts => self.risk_row(r, f),
        }
    }

    /// Column of a field; the header's first column when the field has no
    /// column.
    pub(crate) fn col(&self, fi: usize) -> u32 {
        match self.sh.field_col.get(fi) {
            Some(&c) if c != super::ABSENT => c,
            _ => self.sh.first_col,
        }
    }

    pub(crate) fn src(&self, r: u32, fi: usize) -> Src {
        Src {
            sheet: self.sh.kind,
            row: r,
            col: self.col(fi),
        }
    }

    fn named(&self, fi: usize) -> String {
        self.sh.cols.get(fi).map(|c| c.named()).unwrap_or_default()
    }

    /// The Chinese header of a field's column (`余额`).
    fn zh(&self, fi: usize) -> &'static str {
        self.sh.cols.get(fi).map(|c| c.zh).unwrap_or_default()
    }

    /// A field's key (`left_on`).
    fn key(&self, fi: usize) -> &'static str {
        self.sh.cols.get(fi).map(|c| c.key).unwrap_or_default()
    }

    /// `expected a `client_id` (客户编号) or an `rm_id` (客户经理编号), found neither`.
    fn client_or_rm(&self, client: usize, rm: usize) -> Msg {
        says::client_or_rm(self.key(client), self.zh(client), self.key(rm), self.zh(rm))
    }

    pub(crate) fn missing(&mut self, r: u32, fi: usize) {
        let col = self.col(fi);
        self.err(r, col, Code::MissingValue, |me| {
            says::missing_value(me.zh(fi), me.named(fi))
        });
    }

    /// Blank → missing-value; reported → stays reported.
    pub(crate) fn req<T>(&mut self, r: u32, fi: usize, v: R<Option<T>>) -> R<T> {
        match v {
            Ok(Some(x)) => Ok(x),
            Ok(None) => {
                self.missing(r, fi);
                Err(())
            }
            Err(()) => Err(()),
        }
    }

    pub(crate) fn text(&mut self, r: u32, f: &Fields<'_>, fi: usize) -> R<Option<String>> {
        let mut buf = std::mem::take(&mut self.buf);
        let out = match f.get(fi).map(|cv| text_ref(cv, &mut buf)) {
            None | Some(Ok(None)) => Ok(None),
            Some(Ok(Some(s))) => Ok(Some(s.to_string())),
            Some(Err(m)) => {
                let col = self.col(fi);
                self.err(r, col, Code::CellError, |_| m);
                Err(())
            }
        };
        self.buf = buf;
        out
    }

    fn cell<'v>(f: &Fields<'v>, fi: usize) -> Cv<'v> {
        f.get(fi).copied().unwrap_or_default()
    }

    pub(crate) fn amount(&mut self, r: u32, f: &Fields<'_>, fi: usize) -> R<Option<Decimal>> {
        let cv = Self::cell(f, fi);
        if matches!(cv, Cv::Empty) {
            return Ok(None);
        }
        let unit = self.sh.units.get(fi).copied().unwrap_or(Decimal::ONE);
        match parse::amount(&cv, unit, self.opts.input_scale, &mut self.buf) {
            Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                self.negative(r, fi, &cv);
                Err(())
            }
            Ok(v) => Ok(Some(v)),
            Err(m) => {
                let col = self.col(fi);
                self.err(r, col, Code::NotAnAmount, |_| m);
                Err(())
            }
        }
    }

    fn number(&mut self, r: u32, f: &Fields<'_>, fi: usize) -> R<Option<Decimal>> {
        let cv = Self::cell(f, fi);
        if matches!(cv, Cv::Empty) {
            return Ok(None);
        }
        match parse::decimal4(&cv, NumKind::Number, &mut self.buf) {
            Ok(v) if v.abs() >= Decimal::from(1_000_000_000_i64) => {
                let col = self.col(fi);
                self.err(r, col, Code::NotANumber, |_| {
                    says::nest(&cv.describe(), |s| says::number_over_limit(s))
                });
                Err(())
            }
            Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                self.negative(r, fi, &cv);
                Err(())
            }
            Ok(v) => Ok(Some(v.normalize())),
            Err(m) => {
                let col = self.col(fi);
                self.err(r, col, Code::NotANumber, |_| m);
                Err(())
            }
        }
    }

    /// No column of the contract gives a negative a meaning (see the
    /// README's ledger section): a negative loss, balance, interest, fee,
    /// score or point count is a careless entry that would move pay, so it
    /// is refused at its cell.
    fn negative(&mut self, r: u32, fi: usize, cv: &Cv<'_>) {
        let col = self.col(fi);
        let found = cv.describe();
        self.err(r, col, Code::NegativeValue, |me| {
            says::nest(&found, |found| {
                says::negative_value(me.zh(fi), me.named(fi), found)
            })
        });
    }

    fn percent(&mut self, r: u32, f: &Fields<'_>, fi: usize, code: Code) -> R<Option<Decimal>> {
        let cv = Self::cell(f, fi);
        if matches!(cv, Cv::Empty) {
            return Ok(None);
        }
        match parse::percent(&cv, &mut self.buf) {
            Ok(v) => Ok(Some(v)),
            Err(m) => {
                let col = self.col(fi);
                self.err(r, col, code, |_| m);
                Err(())
            }
        }
    }

    pub(crate) fn date(&mut self, r: u32, f: &Fields<'_>, fi: usize) -> R<Option<NaiveDate>> {
        let cv = Self::cell(f, fi);
        if matches!(cv, Cv::Empty) {
            return Ok(None);
        }
        match parse::date(&cv) {
            Ok(d) => Ok(Some(d)),
            Err(m) => {
                let col = self.col(fi);
                self.err(r, col, Code::NotADate, |_| m);
                Err(())
            }
        }
    }

    /// Index into `choices`; unknown values are reported.
    pub(crate) fn choice(
        &mut self,
        r: u32,
        f: &Fields<'_>,
        fi: usize,
        choices: &'static [Choice],
    ) -> R<Option<usize>> {
        let cv = Self::cell(f, fi);
        if let Cv::Str(s) = cv
            && let Some(i) = parse::choice(s, choices)
        {
            return Ok(Some(i));
        }
        let Some(s) = self.text(r, f, fi)? else {
            return Ok(None);
        };
        match parse::choice(&s, choices) {
            Some(i) => Ok(Some(i)),
            None => {
                let col = self.col(fi);
                self.err(r, col, Code::UnknownValue, |_| {
                    parse::choice_error(&s, choices)
                });
                Err(())
            }
        }
    }

    /// An RM id must be listed in `managers` (when that sheet could be read).
    pub(crate) fn check_rm(&mut self, r: u32, fi: usize, rm: &str) -> R<()> {
        if !self.is_usable(SheetKind::Managers) || self.manager_rows.contains_key(rm) {
            return Ok(());
        }
        let col = self.col(fi);
        self.err(r, col, Code::UnknownRm, |me| {
            let hint = says::suggestion(rm, me.managers.iter().map(|m| m.rm_id.as_str()));
            says::nest(&hint, |hint| {
                says::rm_not_listed(me.sheet_name(SheetKind::Managers), rm, hint)
            })
        });
        Err(())
    }

    /// A client id must be listed in `clients` (when that sheet could be read).
    pub(crate) fn check_client(&mut self, r: u32, fi: usize, client: &str) -> R<()> {
        if !self.is_usable(SheetKind::Clients) || self.client_ids.contains(&self.clients, client) {
            return Ok(());
        }
        let col = self.col(fi);
        self.err(r, col, Code::UnknownClient, |me| {
            let hint = says::suggestion(client, me.clients.iter().map(|a| a.client_id.as_str()));
            says::nest(&hint, |hint| {
                says::client_not_listed(me.sheet_name(SheetKind::Clients), client, hint)
            })
        });
        Err(())
    }

    fn manager_row(&mut self, r: u32, f: &Fields<'_>) {
        let rm_id = self.text(r, f, M_RM_ID);
        let rm_id = self.req(r, M_RM_ID, rm_id);
        let name = self.text(r, f, M_NAME);
        let name = self.req(r, M_NAME, name);
        let tier = self.text(r, f, M_TIER);
        let tier = self.req(r, M_TIER, tier);
        if let (Ok(t), Some(known)) = (&tier, &self.opts.tiers)
            && !known.accepts(t)
        {
            let col = self.col(M_TIER);
            self.err(r, col, Code::UnknownTier, |_| {
                crate::diag::suggest(
                    crate::text::run::unknown_tier(&known.policy_id, t),
                    t,
                    known.spellings.iter().map(String::as_str),
                )
            });
        }
        let role = self.choice(r, f, M_ROLE, ROLES).map(|o| {
            o.and_then(|i| ROLE_VALUES.get(i).copied())
                .unwrap_or(Role::Rm)
        });
        let branch = self.text(r, f, M_BRANCH);
        let status = self.choice(r, f, M_STATUS, STATUSES).map(|o| {
            o.and_then(|i| STATUS_VALUES.get(i).copied())
                .unwrap_or(Status::Active)
        });
        let left_on = self.date(r, f, M_LEFT_ON);
        let since = self.date(r, f, M_SINCE);
        let base = self.amount(r, f, M_BASE);
        let exam = self.number(r, f, M_EXAM);
        let qualified = self.date(r, f, M_QUALIFIED);
        let card = self.salary_card(r, f);

        let mut left_ok = true;
        if status == Ok(Status::Left) && left_on == Ok(None) {
            left_ok = false;
            if self.sh.has(M_LEFT_ON) {
                let col = self.col(M_LEFT_ON);
                self.err(r, col, Code::MissingValue, |me| {
                    says::left_on_empty(me.key(M_LEFT_ON), me.zh(M_LEFT_ON))
                });
            } else {
                let col = self.col(M_STATUS);
                self.err(r, col, Code::MissingValue, |me| {
                    says::left_on_no_column(me.key(M_LEFT_ON), me.zh(M_LEFT_ON))
                });
            }
        }
        let mut unique = true;
        if let Ok(id) = &rm_id {
            if let Some(&first) = self.manager_rows.get(id) {
                unique = false;
                let col = self.col(M_RM_ID);
                self.err(r, col, Code::DuplicateId, |me| {
                    says::nest(&me.row_name(first), |first| {
                        says::duplicate_id(me.key(M_RM_ID), me.zh(M_RM_ID), id, first)
                    })
                });
            } else {
                self.manager_rows.insert(id.clone(), r);
            }
        }
        let (Ok(rm_id), Ok(name), Ok(tier), Ok(role), Ok(branch), Ok(status)) =
            (rm_id, name, tier, role, branch, status)
        else {
            return;
        };
        let (Ok(left_on), Ok(since), Ok(base), Ok(exam), Ok(qualified_on), Ok(salary_card)) =
            (left_on, since, base, exam, qualified, card)
        else {
            return;
        };
        if !left_ok || !unique {
            return;
        }
        let tier = At {
            value: tier,
            src: self.src(r, M_TIER),
        };
        let base_deposit = base.map(|value| At {
            value,
            src: self.src(r, M_BASE),
        });
        let src = self.src(r, M_RM_ID);
        self.managers.push(Manager {
            rm_id,
            name,
            name_src: self.src(r, M_NAME),
            tier,
            role,
            branch,
            status,
            left_on,
            marketing_since: since,
            base_deposit,
            exam_score: exam,
            qualified_on,
            salary_card,
            salary_card_src: self
                .sh
                .has(M_SALARY_CARD)
                .then(|| self.src(r, M_SALARY_CARD)),
            src,
        });
    }

    /// The salary-card account: digits, kept as text. Spaces between
    /// groups (`6222 0202 …`) are dropped. A number cell is refused unless
    /// it is an integer of at most 15 digits: Excel keeps 15 significant
    /// digits, so a 16–19 digit card typed as a number has already lost
    /// its last digits (6222020200012345 is stored as 6222020200012340),
    /// whatever the cell shows. Messages name the card masked.
    fn salary_card(&mut self, r: u32, f: &Fields<'_>) -> R<Option<String>> {
        let cv = Self::cell(f, M_SALARY_CARD);
        let col = self.col(M_SALARY_CARD);
        let digits = match cv {
            Cv::Empty => return Ok(None),
            Cv::Str(s) => s.chars().filter(|c| !c.is_whitespace()).collect::<String>(),
            Cv::Int(i) if (0..1_000_000_000_000_000).contains(&i) => i.to_string(),
            Cv::Float(x) if x.fract() == 0.0 && (0.0..1e15).contains(&x) => (x as i64).to_string(),
            Cv::Int(_) | Cv::Float(_) => {
                self.err(r, col, Code::CardAsNumber, |me| {
                    says::card_as_number(me.zh(M_SALARY_CARD), me.named(M_SALARY_CARD), "文本")
                });
                return Err(());
            }
            other => {
                let found = other.describe();
                self.err(r, col, Code::NotACard, |me| {
                    says::nest(&found, |found| {
                        says::card_not_digits(me.zh(M_SALARY_CARD), me.named(M_SALARY_CARD), found)
                    })
                });
                return Err(());
            }
        };
        if digits.is_empty() {
            return Ok(None);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 32 {
            let shown = if digits.chars().all(|c| c.is_ascii_digit()) {
                says::card_digits(digits.len())
            } else {
                says::card_not_only_digits()
            };
            self.err(r, col, Code::NotACard, |me| {
                says::nest(&shown, |shown| {
                    says::card_too_long(me.zh(M_SALARY_CARD), me.named(M_SALARY_CARD), shown)
                })
            });
            return Err(());
        }
        Ok(Some(digits))
    }

    fn client_row(&mut self, r: u32, f: &Fields<'_>) {
        let client = self.text(r, f, C_CLIENT);
        let client = self.req(r, C_CLIENT, client);
        let name = self.text(r, f, C_NAME);
        let rm = self.text(r, f, C_RM);
        let rm = self.req(r, C_RM, rm);
        let share = self.percent(r, f, C_SHARE, Code::BadShare);
        let rm_known = match &rm {
            Ok(id) => self.check_rm(r, C_RM, id),
            Err(()) => Err(()),
        };
        match (client, name, rm, share, rm_known) {
            (Ok(client_id), Ok(client_name), Ok(rm_id), Ok(share), Ok(())) => {
                let src = self.src(r, C_CLIENT);
                self.clients.push(Assignment {
                    client_id,
                    client_name,
                    rm_id,
                    share: share.unwrap_or(Decimal::ONE),
                    src,
                });
            }
            // A row refused for another cell still lists its client: the
            // other sheets' rows of it are not unknown clients as well.
            (Ok(client_id), ..) => self.client_ids.refused.push(client_id.into_boxed_str()),
            _ => {}
        }
    }

    /// After `clients`: its ids indexed (for [`Reader::check_client`]), and
    /// no client shared out beyond 100%.
    pub(crate) fn finish_clients(&mut self) {
        let repeats = self.client_ids.index(&self.clients);
        self.check_shares(repeats);
        // The rows are kept for the month: without the room the vector
        // grew into (a third of it at 666,667 rows).
        self.clients.shrink_to_fit();
    }

    /// No client is shared out beyond 100%: a client's rows (`repeats`,
    /// from [`ClientIds::index`]) summed, said in the order the clients
    /// first appear, each at its last row, naming all of its rows. A
    /// client on one row is not over: a share is read in [0, 1]
    /// (`parse::percent`, `Assignment::share`).
    fn check_shares(&mut self, mut repeats: Vec<(u32, u32)>) {
        // Stable: a client's later rows stay in their order.
        repeats.sort_by_key(|&(first, _)| first);
        let share = |p: u32| self.clients.get(p as usize).map(|a| (a.share, a.src.row));
        let mut bad: Vec<(u32, Decimal, Vec<u32>, Vec<u32>)> = Vec::new();
        for group in repeats.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(first, _)) = group.first() else {
                continue;
            };
            let (mut sum, mut rows) = (Decimal::ZERO, Vec::with_capacity(group.len() + 1));
            // The rows read as the whole client (empty, `1`, `100%`): in a
            // split, most likely a share left empty or 1% typed as `1`.
            let mut whole = Vec::new();
            for p in std::iter::once(first).chain(group.iter().map(|&(_, p)| p)) {
                if let Some((s, row)) = share(p) {
                    sum += s;
                    rows.push(row);
                    if s == Decimal::ONE {
                        whole.push(row);
                    }
                }
            }
            if sum > Decimal::ONE {
                bad.push((first, sum, rows, whole));
            }
        }
        for (first, sum, rows, whole) in bad {
            let client = self
                .clients
                .get(first as usize)
                .map(|a| a.client_id.clone())
                .unwrap_or_default();
            let last = rows.last().copied().unwrap_or(0);
            let col = self.col(if self.sh.has(C_SHARE) {
                C_SHARE
            } else {
                C_CLIENT
            });
            let pct = (sum * Decimal::ONE_HUNDRED).normalize();
            self.err(last, col, Code::SharesExceed100, |me| {
                let named = me.rows_named(&rows);
                if whole.is_empty() {
                    return says::nest(&named, |rows| says::shares_exceed_100(&client, pct, rows));
                }
                says::nest2(&named, &me.rows_named(&whole), |rows, whole| {
                    says::shares_exceed_100_whole(&client, pct, rows, whole)
                })
            });
        }
    }

    fn product(&mut self, r: u32, f: &Fields<'_>, fi: usize) -> R<Product> {
        self.choice(r, f, fi, PRODUCTS).map(|o| {
            o.and_then(|i| PRODUCT_VALUES.get(i).copied())
                .unwrap_or(Product::Demand)
        })
    }

    fn average_row(&mut self, r: u32, f: &Fields<'_>) {
        let client = self.text(r, f, A_CLIENT);
        let client = self.req(r, A_CLIENT, client);
        let product = self.product(r, f, A_PRODUCT);
        // A row gives the average, or the sum and its days (or all three).
        let from_sum = self.sh.has(A_SUM)
            && self.sh.has(A_DAYS)
            && !(Self::cell(f, A_SUM).is_blank() && Self::cell(f, A_DAYS).is_blank());
        let avg = self.amount(r, f, A_AVERAGE);
        let avg = if from_sum {
            avg
        } else {
            self.req(r, A_AVERAGE, avg).map(Some)
        };
        let sum = if from_sum {
            let s = self.amount(r, f, A_SUM);
            let d = self.number(r, f, A_DAYS);
            let (s, d) = (self.req(r, A_SUM, s), self.req(r, A_DAYS, d));
            match (s, d) {
                (Ok(s), Ok(d)) => self.month_days(r, d).map(|d| Some((s, d))),
                _ => Err(()),
            }
        } else {
            Ok(None)
        };
        let known = match &client {
            Ok(c) => self.check_client(r, A_CLIENT, c),
            Err(()) => Err(()),
        };
        let (Ok(client_id), Ok(product), Ok(avg), Ok(sum), Ok(())) =
            (client, product, avg, sum, known)
        else {
            return;
        };
        let (daily_average, balance_sum, src) = match (avg, sum) {
            (avg, Some((s, d))) => {
                // Exact, as from daily balances: sum ÷ days, unrounded.
                let exact = s / d;
                if let Some(given) = avg {
                    let scale = self.opts.input_scale;
                    let rounded = exact.round_dp_with_strategy(
                        scale,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    );
                    if rounded != given {
                        let col = self.col(A_AVERAGE);
                        self.err(r, col, Code::AverageDisagrees, |_| {
                            // Amounts in Chinese with separators.
                            let zh = says::average_disagrees(
                                money(s),
                                d,
                                money(rounded),
                                scale,
                                money(given),
                            );
                            let en = says::average_disagrees(s, d, rounded, scale, given);
                            Msg::new(zh.get(Lang::Zh).to_string(), en.get(Lang::En).to_string())
                        });
                        return;
                    }
                }
                (exact, Some(s), self.src(r, A_SUM))
            }
            // The average's own cell: the trace points an auditor at it.
            (Some(a), None) => (a, None, self.src(r, A_AVERAGE)),
            (None, None) => return,
        };
        self.averages.push(DepositAverage {
            client_id,
            product,
            daily_average,
            balance_sum,
            src,
        });
    }

    /// The days of a `balance_sum`: the month's days (a sum over fewer
    /// days would hide a gap; over more, a duplicate).
    fn month_days(&mut self, r: u32, d: Decimal) -> R<Decimal> {
        let Some(period) = self.period else {
            // Without a period the ledger is refused anyway (period-unknown).
            return Ok(d);
        };
        let want = Decimal::from(period.days());
        if d == want {
            return Ok(want);
        }
        let col = self.col(A_DAYS);
        self.err(r, col, Code::DaysNotMonth, |me| {
            says::days_not_month(me.zh(A_DAYS), want, period, d)
        });
        Err(())
    }

    fn loan_row(&mut self, r: u32, f: &Fields<'_>) {
        let loan_id = self.text(r, f, L_LOAN);
        let loan_id = self.req(r, L_LOAN, loan_id);
        let client = self.text(r, f, L_CLIENT);
        let client = self.req(r, L_CLIENT, client);
        let rm = self.text(r, f, L_RM);
        let amount = self.amount(r, f, L_AMOUNT);
        let disbursed = self.date(r, f, L_DISBURSED);
        let balance = self.amount(r, f, L_BALANCE);
        let balance = self.req(r, L_BALANCE, balance);
        let avg = self.amount(r, f, L_AVERAGE);
        let class = self.choice(r, f, L_CLASS, CLASSES);
        let class = self
            .req(r, L_CLASS, class)
            .map(|i| CLASS_VALUES.get(i).copied().unwrap_or(LoanClass::Normal));
        let due = self.amount(r, f, L_DUE);
        let due = self.req(r, L_DUE, due);
        let received = self.amount(r, f, L_RECEIVED);
        let received = self.req(r, L_RECEIVED, received);
        let advance = self.amount(r, f, L_ADVANCE);

        let mut refs = Ok(());
        if let Ok(id) = &loan_id {
            if let Some(&first) = self.loan_rows.get(id) {
                refs = Err(());
                let col = self.col(L_LOAN);
                self.err(r, col, Code::DuplicateId, |me| {
                    says::nest(&me.row_name(first), |first| {
                        says::duplicate_id(me.key(L_LOAN), me.zh(L_LOAN), id, first)
                    })
                });
            } else {
                self.loan_rows.insert(id.clone(), r);
            }
        }
        if let Ok(c) = &client {
            refs = refs.and(self.check_client(r, L_CLIENT, c));
        }
        if let Ok(Some(rm)) = &rm {
            refs = refs.and(self.check_rm(r, L_RM, rm));
        }
        let (Ok(loan_id), Ok(client_id), Ok(rm_id), Ok(amount), Ok(disbursed_on), Ok(balance)) =
            (loan_id, client, rm, amount, disbursed, balance)
        else {
            return;
        };
        let (Ok(daily_average), Ok(classification), Ok(interest_due), Ok(interest_received)) =
            (avg, class, due, received)
        else {
            return;
        };
        let (Ok(advance), Ok(())) = (advance, refs) else {
            return;
        };
        let src = self.src(r, L_LOAN);
        self.loans.push(Loan {
            loan_id,
            client_id,
            rm_id,
            amount,
            disbursed_on,
            balance,
            daily_average,
            classification,
            interest_due,
            interest_received,
            advance,
            src,
        });
    }

    fn fee_row(&mut self, r: u32, f: &Fields<'_>) {
        let client = self.text(r, f, F_CLIENT);
        let rm = self.text(r, f, F_RM);
        let amount = self.amount(r, f, F_AMOUNT);
        let amount = self.req(r, F_AMOUNT, amount);
        let mut refs = Ok(());
        if let Ok(Some(c)) = &client {
            refs = refs.and(self.check_client(r, F_CLIENT, c));
        }
        if let Ok(Some(rm)) = &rm {
            refs = refs.and(self.check_rm(r, F_RM, rm));
        }
        let (Ok(client), Ok(rm), Ok(amount), Ok(())) = (client, rm, amount, refs) else {
            return;
        };
        let owner = match (client, rm) {
            (Some(c), Some(rm)) => {
                let col = self.col(F_RM);
                self.warn(r, col, Code::FeeOwnerBoth, says::fee_owner_both(&c, &rm));
                FeeOwner::Client(c)
            }
            (Some(c), None) => FeeOwner::Client(c),
            (None, Some(rm)) => FeeOwner::Rm(rm),
            (None, None) => {
                let fi = if self.sh.has(F_CLIENT) {
                    F_CLIENT
                } else {
                    F_RM
                };
                let col = self.col(fi);
                self.err(r, col, Code::MissingValue, |me| {
                    me.client_or_rm(F_CLIENT, F_RM)
                });
                return;
            }
        };
        let src = self.src(r, F_AMOUNT);
        self.fees.push(Fee { owner, amount, src });
    }

    fn settlement_row(&mut self, r: u32, f: &Fields<'_>) {
        let client = self.text(r, f, S_CLIENT);
        let client = self.req(r, S_CLIENT, client);
        let amount = self.amount(r, f, S_AMOUNT);
        let amount = self.req(r, S_AMOUNT, amount);
        let date = self.date(r, f, S_DATE);
        let known = match &client {
            Ok(c) => self.check_client(r, S_CLIENT, c),
            Err(()) => Err(()),
        };
        let (Ok(client_id), Ok(amount_usd), Ok(date), Ok(())) = (client, amount, date, known)
        else {
            return;
        };
        let src = self.src(r, S_CLIENT);
        self.settlements.push(Settlement {
            client_id,
            amount_usd,
            date,
            src,
        });
    }

    fn new_account_row(&mut self, r: u32, f: &Fields<'_>) {
        let account = self.text(r, f, N_ACCOUNT);
        let account = self.req(r, N_ACCOUNT, account);
        let client = self.text(r, f, N_CLIENT);
        let rm = self.text(r, f, N_RM);
        let kind = self.text(r, f, N_KIND).map(|k| match k {
            Some(k) if parse::choice(&k, CORPORATE_BASIC).is_some() => AccountKind::CorporateBasic,
            _ => AccountKind::Other,
        });
        let opened = self.date(r, f, N_OPENED);
        let mut refs = Ok(());
        if let Ok(Some(rm)) = &rm {
            refs = self.check_rm(r, N_RM, rm);
        }
        let (Ok(account_id), Ok(client_id), Ok(rm_id), Ok(kind), Ok(opened_on), Ok(())) =
            (account, client, rm, kind, opened, refs)
        else {
            return;
        };
        self.outside_period(r, N_OPENED, opened_on, says::opened_outside_period);
        let src = self.src(r, N_ACCOUNT);
        self.new_accounts.push(NewAccount {
            account_id,
            client_id,
            rm_id,
            kind,
            opened_on,
            src,
        });
    }

    /// A row dated in another month is kept out of this month's figures;
    /// say so, so that nothing is left out unseen. (The period is known by
    /// now: from `--period`, or from the daily balances, read first.)
    fn outside_period(
        &mut self,
        r: u32,
        fi: usize,
        date: Option<NaiveDate>,
        said: fn(NaiveDate, crate::period::Period) -> Msg,
    ) {
        let (Some(d), Some(period)) = (date, self.period) else {
            return;
        };
        if !period.contains(d) {
            let col = self.col(fi);
            self.warn(r, col, Code::OutsidePeriod, said(d, period));
        }
    }

    fn incident_row(&mut self, r: u32, f: &Fields<'_>) {
        let rm = self.text(r, f, I_RM);
        let rm = self.req(r, I_RM, rm);
        let date = self.date(r, f, I_DATE);
        let description = self.text(r, f, I_DESCRIPTION);
        let points = self.number(r, f, I_POINTS);
        let loss = self.amount(r, f, I_LOSS);
        let known = match &rm {
            Ok(id) => self.check_rm(r, I_RM, id),
            Err(()) => Err(()),
        };
        let (Ok(rm_id), Ok(date), Ok(description), Ok(points), Ok(loss), Ok(())) =
            (rm, date, description, points, loss, known)
        else {
            return;
        };
        self.outside_period(r, I_DATE, date, says::incident_outside_period);
        let src = self.src(r, I_RM);
        self.incidents.push(Incident {
            rm_id,
            date,
            description: description.unwrap_or_default(),
            points: points.unwrap_or(Decimal::ZERO),
            loss: loss.unwrap_or_else(|| parse::to_scale(Decimal::ZERO, self.opts.input_scale)),
            src,
        });
    }

    fn baseline_row(&mut self, r: u32, f: &Fields<'_>) {
        let client = self.text(r, f, B_CLIENT);
        let deposit = self.amount(r, f, B_DEPOSIT);
        let rm = self.text(r, f, B_RM);
        let ratio = self.percent(r, f, B_RATIO, Code::BadPercent);
        let fee = self.amount(r, f, B_FEE);
        let (Ok(client), Ok(deposit), Ok(rm), Ok(ratio), Ok(fee)) =
            (client, deposit, rm, ratio, fee)
        else {
            return;
        };
        if client.is_none() && rm.is_none() {
            let fi = if self.sh.has(B_CLIENT) {
                B_CLIENT
            } else {
                B_RM
            };
            let col = self.col(fi);
            self.err(r, col, Code::MissingValue, |me| {
                me.client_or_rm(B_CLIENT, B_RM)
            });
            return;
        }
        if let Some(client_id) = client {
            match deposit {
                Some(deposit_daily_average) => {
                    let src = self.src(r, B_CLIENT);
                    self.baseline.push(Baseline::ClientDeposit {
                        client_id,
                        deposit_daily_average,
                        src,
                    });
                }
                None => self.missing(r, B_DEPOSIT),
            }
        }
        if let Some(rm_id) = rm {
            let src = self.src(r, B_RM);
            if let Some(fee_income) = fee {
                self.baseline.push(Baseline::RmFeeIncome {
                    rm_id: rm_id.clone(),
                    fee_income,
                    src,
                });
            }
            match ratio {
                Some(normal_loan_ratio) => {
                    self.baseline.push(Baseline::RmNormalLoanRatio {
                        rm_id,
                        normal_loan_ratio,
                        src,
                    });
                }
                None if fee.is_none() => self.missing(r, B_RATIO),
                None => {}
            }
        }
    }

    fn risk_row(&mut self, r: u32, f: &Fields<'_>) {
        let rm = self.text(r, f, R_RM);
        let rm = self.req(r, R_RM, rm);
        let opening = self.amount(r, f, R_OPENING);
        let opening = self.req(r, R_OPENING, opening);
        let known = match &rm {
            Ok(id) => self.check_rm(r, R_RM, id),
            Err(()) => Err(()),
        };
        let (Ok(rm_id), Ok(opening_balance), Ok(())) = (rm, opening, known) else {
            return;
        };
        // The opening balance's own cell: traces point an auditor at it.
        let src = self.src(r, R_OPENING);
        self.risk_accounts.push(RiskOpening {
            rm_id,
            opening_balance,
            src,
        });
    }
}

/// An amount with thousands separators, to its own places: `31,000,000.00`.
fn money(d: Decimal) -> String {
    crate::report::pay::amount_text(d, d.scale())
}
