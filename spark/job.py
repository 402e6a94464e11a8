#!/usr/bin/env python3
"""The heavy step of rmpay's month on Spark.

Reads the warehouse's daily balances (a Hive/Spark table, or Parquet or CSV
files), runs `deposit_averages.sql` over them (the ledger contract's checks,
then each client's and product's sum of daily balances and days), and writes
`deposit_averages.parquet` into a ledger folder for rmpay, or writes nothing
and lists the offending accounts as rmpay would (exit 1).

    spark-submit spark/job.py --period 2026-10 --table dw.deposit_daily \\
        --out ledgers/2026-10/
    python spark/job.py --period 2026-10 --parquet daily/ --out ledger/

The input's columns are the contract's `deposits` sheet: date, account_id,
client_id, product, balance (docs/LEDGER.md); `--columns` maps other names.
"""

import argparse
import calendar
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ("date", "account_id", "client_id", "product", "balance")


def statements(path, params):
    """The named statements of the SQL file, parameters substituted."""
    text = open(path, encoding="utf-8").read()
    out, name, lines = [], None, []
    for line in text.splitlines():
        m = re.match(r"--\s*name:\s*(\w+)", line)
        if m:
            if name:
                out.append((name, "\n".join(lines)))
            name, lines = m.group(1), []
        elif name and not line.lstrip().startswith("--"):
            lines.append(line)
    if name:
        out.append((name, "\n".join(lines)))
    subst = []
    for name, sql in out:
        sql = sql.strip().rstrip(";")
        for k, v in params.items():
            sql = sql.replace("${%s}" % k, v)
        if "${" in sql:
            raise SystemExit(f"{path}: statement {name}: unknown parameter in {sql!r}")
        subst.append((name, sql))
    return subst


def day_ranges(year, month, days):
    """`2026-10-03..2026-10-05, 2026-10-09`, as rmpay writes missing days."""
    days = sorted(days)
    out, i = [], 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1:
            j += 1
        a = f"{year:04}-{month:02}-{days[i]:02}"
        b = f"{year:04}-{month:02}-{days[j]:02}"
        out.append(a if i == j else f"{a}..{b}")
        i = j + 1
    return ", ".join(out)


CODES = {
    "check_missing_value": "missing-value",
    "check_date_outside_period": "date-outside-period",
    "check_duplicate_balance": "duplicate-balance",
    "check_inconsistent_account": "inconsistent-account",
    "check_missing_days": "missing-days",
}


def message(name, account, detail, year, month):
    period = f"{year:04}-{month:02}"
    if name == "check_missing_value":
        return (f"expected a date, account, client and balance on every row "
                f"of account `{account}`, found {detail} row(s) without one")
    if name == "check_missing_days":
        days = [int(d) for d in detail.split(",") if d]
        return (f"expected a balance of account `{account}` for every day of "
                f"{period}, found none for {day_ranges(year, month, days)}")
    if name == "check_duplicate_balance":
        return (f"expected one balance of account `{account}` for {detail}, "
                f"found a second one")
    if name == "check_date_outside_period":
        return f"expected a date of account `{account}` in {period}, found {detail}"
    return (f"expected account `{account}` to keep one client and product in "
            f"{period}, found {detail}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--period", required=True, help="the month, YYYY-MM")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--table", help="a Hive/Spark table of daily balances")
    src.add_argument("--parquet", help="Parquet file or folder of daily balances")
    src.add_argument("--csv", help="CSV file or folder (UTF-8, header row)")
    ap.add_argument("--out", required=True, help="the ledger folder to write into")
    ap.add_argument("--carry-forward", action="store_true",
                    help="a missing day carries the previous day's balance "
                         "(as the policy's carry-forward option)")
    ap.add_argument("--columns", default="",
                    help="other column names, e.g. dt=date,acct=account_id")
    ap.add_argument("--sql", default=os.path.join(HERE, "deposit_averages.sql"))
    args = ap.parse_args(argv)

    m = re.fullmatch(r"(\d{4})-(\d{2})", args.period)
    if not m or not 1 <= int(m.group(2)) <= 12:
        ap.error(f"--period: expected YYYY-MM, found {args.period!r}")
    year, month = int(m.group(1)), int(m.group(2))
    days = calendar.monthrange(year, month)[1]
    params = {
        "first_day": f"{year:04}-{month:02}-01",
        "last_day": f"{year:04}-{month:02}-{days:02}",
        "days": str(days),
        "carry": "TRUE" if args.carry_forward else "FALSE",
    }

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (SparkSession.builder.appName(f"rmpay deposit_averages {args.period}")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    if args.table:
        df = spark.table(args.table)
    elif args.parquet:
        df = spark.read.parquet(args.parquet)
    else:
        df = (spark.read.option("header", True).option("encoding", "UTF-8")
              .option("inferSchema", False).csv(args.csv))
    for pair in filter(None, args.columns.split(",")):
        old, new = pair.split("=", 1)
        df = df.withColumnRenamed(old.strip(), new.strip())
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        print(f"error[missing-column]: expected the columns {', '.join(COLUMNS)}; "
              f"missing {', '.join(missing)}", file=sys.stderr)
        return 1
    # Each balance at the ledger's input scale, halves away from zero, as
    # rmpay reads a cell; exact decimals from here on.
    df = df.select(
        F.to_date(F.col("date").cast("string")).alias("date"),
        F.trim(F.col("account_id").cast("string")).alias("account_id"),
        F.trim(F.col("client_id").cast("string")).alias("client_id"),
        F.coalesce(F.trim(F.col("product").cast("string")), F.lit("")).alias("product"),
        F.round(F.col("balance").cast("decimal(38,4)"), 2).cast("decimal(38,2)").alias("balance"),
    )
    df.createOrReplaceTempView("daily")

    failed = 0
    result = None
    for name, sql in statements(args.sql, params):
        rows = spark.sql(sql)
        if name.startswith("check_"):
            for r in rows.orderBy("account_id").collect():
                failed += 1
                print(f"{args.period}: error[{CODES[name]}]: "
                      f"{message(name, r['account_id'], r['detail'], year, month)}",
                      file=sys.stderr)
        else:
            result = rows
    if failed:
        print(f"{failed} accounts refused; nothing written", file=sys.stderr)
        return 1

    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".deposit_averages.", dir=args.out)
    try:
        result.coalesce(1).write.mode("overwrite").parquet(os.path.join(tmp, "p"))
        parts = [f for f in os.listdir(os.path.join(tmp, "p")) if f.endswith(".parquet")]
        if len(parts) != 1:
            raise SystemExit(f"expected one Parquet part, found {len(parts)}")
        os.replace(os.path.join(tmp, "p", parts[0]),
                   os.path.join(args.out, "deposit_averages.parquet"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = result.count()
    print(f"{args.period}: {n} client-product rows written to "
          f"{os.path.join(args.out, 'deposit_averages.parquet')}", file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
