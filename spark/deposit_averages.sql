-- The heavy step of a month, defined once: from the warehouse's daily
-- balances to each client's and product's sum of daily balances and number
-- of days (the `deposit_averages` sheet rmpay reads, docs/LEDGER.md), with
-- the ledger contract's checks. `spark/job.py` runs these statements in
-- order over a view `daily` (date, account_id, client_id, product, balance)
-- already narrowed to nothing; `${first_day}`, `${last_day}` and `${days}`
-- are the month's. Each statement is named by the line `-- name: NAME`.
-- Statements named `check_*` must return no rows; each row they return is
-- one offending account, reported as rmpay reports it (same code, same
-- account, same dates).

-- name: check_missing_value
-- rmpay: error[missing-value] a row without its date, account, client or
-- balance (an empty field, or a value that does not read as one) is never
-- dropped: it is refused, counted by account.
SELECT COALESCE(account_id, '') AS account_id, CAST(COUNT(*) AS STRING) AS detail
FROM daily
WHERE date IS NULL OR account_id IS NULL OR account_id = ''
   OR client_id IS NULL OR client_id = '' OR balance IS NULL
GROUP BY account_id;

-- name: check_date_outside_period
-- rmpay: error[date-outside-period] expected a date in the month.
SELECT account_id, CAST(MIN(date) AS STRING) AS detail
FROM daily
WHERE date < DATE '${first_day}' OR date > DATE '${last_day}'
GROUP BY account_id;

-- name: check_duplicate_balance
-- rmpay: error[duplicate-balance] two balances of one account for one day.
SELECT account_id, CAST(MIN(date) AS STRING) AS detail
FROM (
  SELECT account_id, date
  FROM daily
  WHERE date BETWEEN DATE '${first_day}' AND DATE '${last_day}'
  GROUP BY account_id, date
  HAVING COUNT(*) > 1
)
GROUP BY account_id;

-- name: check_inconsistent_account
-- rmpay: error[inconsistent-account] an account's client or product changes
-- within the month.
SELECT account_id,
       CONCAT_WS(' / ', SORT_ARRAY(COLLECT_SET(CONCAT(client_id, ' ', product)))) AS detail
FROM daily
GROUP BY account_id
HAVING COUNT(DISTINCT client_id) > 1 OR COUNT(DISTINCT product) > 1;

-- name: check_missing_days
-- rmpay: error[missing-days] an account without a balance for some day of
-- the month (the days are listed). With carry-forward only the leading days
-- (before the account's first balance) count.
SELECT account_id,
       CONCAT_WS(',', TRANSFORM(missing, d -> CAST(d AS STRING))) AS detail
FROM (
  SELECT account_id,
         FILTER(ARRAY_EXCEPT(SEQUENCE(1, ${days}), present),
                d -> NOT ${carry} OR d < first_day) AS missing
  FROM (
    SELECT account_id,
           COLLECT_SET(DAY(date)) AS present,
           MIN(DAY(date)) AS first_day
    FROM daily
    WHERE date BETWEEN DATE '${first_day}' AND DATE '${last_day}'
    GROUP BY account_id
  )
)
WHERE SIZE(missing) > 0;

-- name: deposit_averages
-- Each client's and product's sum of daily balances, exact (DECIMAL, never a
-- float), and the days of the month; rmpay divides. With carry-forward a
-- missing day adds the account's previous balance.
SELECT client_id,
       product,
       CAST(SUM(balance) AS DECIMAL(38, 2)) AS balance_sum,
       CAST(${days} AS INT) AS days
FROM (
  SELECT g.client_id, g.product,
         LAST_VALUE(b.balance, TRUE) OVER (
           PARTITION BY g.account_id ORDER BY g.day
           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS balance
  FROM (
    SELECT a.account_id, a.client_id, a.product, d.day
    FROM (SELECT account_id, FIRST(client_id) AS client_id, FIRST(product) AS product
          FROM daily GROUP BY account_id) a
    CROSS JOIN (SELECT EXPLODE(SEQUENCE(1, ${days})) AS day) d
    WHERE ${carry}
  ) g
  LEFT JOIN daily b ON b.account_id = g.account_id AND DAY(b.date) = g.day
  UNION ALL
  SELECT client_id, product, balance FROM daily WHERE NOT ${carry}
)
GROUP BY client_id, product
ORDER BY client_id, product;
