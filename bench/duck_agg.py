"""DuckDB's side of bench/scale.sh: only the aggregation query.

    duck_agg.py parquet|csv DEPOSITS_FILE OUT.parquet

Reads the daily balances (date, account_id, client_id, product, balance)
from the file and writes each client's and product's sum of daily balances
and number of days to OUT.parquet, with 2 threads. Prints the query's own
wall time (without Python's start and the import) to stderr.
"""

import sys
import time

import duckdb

fmt, src, out = sys.argv[1:4]
if fmt == "parquet":
    scan = f"read_parquet('{src}')"
elif fmt == "csv":
    # The columns' types given, as rmpay knows them from its contract (no sniffing).
    scan = (
        f"read_csv('{src}', header = true, delim = ',', quote = '\"', "
        "columns = {'date': 'DATE', 'account_id': 'VARCHAR', 'client_id': 'VARCHAR', "
        "'product': 'VARCHAR', 'balance': 'DECIMAL(18,2)'})"
    )
else:
    sys.exit(f"duck_agg.py: unknown format {fmt!r}")

con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET preserve_insertion_order = false")
t0 = time.perf_counter()
con.execute(
    f"""COPY (
        SELECT client_id, product,
               SUM(balance) AS balance_sum,
               DATE_DIFF('day', MIN(date), MAX(date)) + 1 AS days
        FROM {scan}
        GROUP BY client_id, product
    ) TO '{out}' (FORMAT parquet)"""
)
t1 = time.perf_counter()
n = con.execute(f"SELECT COUNT(*), SUM(balance_sum) FROM read_parquet('{out}')").fetchone()
print(f"duck_agg {fmt}: query {t1 - t0:.3f} s, {n[0]} groups, balance sum {n[1]}", file=sys.stderr)
