#!/usr/bin/env bash
# Head-office scale benchmark (issue 13, point 5): `rmpay payroll` on a city
# bank's month (1,000 RMs, 1,000,000 accounts, 31,000,000 daily rows) read
# from a Parquet folder and from a CSV folder, against DuckDB (Python
# package, 2 threads) running only the aggregation query (daily balances ->
# each client's and product's sum and days) on the same files.
# See bench/README.md, "Head-office scale".
#
#   bench/scale.sh
#
# Environment:
#   RUNS=3        timed runs per command (the minimum wall time is kept)
#   REGEN=1       regenerate the month even if it looks up to date
#   ACCOUNTS=1000000 RMS=1000   size of the month
#   POLICY=rules/city-commercial-bank.toml
#
# Exits non-zero only when something fails; a missed target is reported.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bench/out
RUNS=${RUNS:-3}
REGEN=${REGEN:-0}
ACCOUNTS=${ACCOUNTS:-1000000}
RMS=${RMS:-1000}
POLICY=${POLICY:-rules/city-commercial-bank.toml}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
MONTH=$OUT/city-$ACCOUNTS
VENV=bench/.venv
RATIO_TARGET=1.5
RSS_TARGET_MIB=1024

say() { printf '==> %s\n' "$*" >&2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

# ------------------------------------------------------------------ build ---
say "cargo build --release --locked --bin rmpay --example folder_gen"
cargo build --release --locked --bin rmpay --example folder_gen
# Snapshot: a concurrent build in the target dir must not swap them mid-run.
mkdir -p "$OUT/bin"
cp "$TARGET_DIR/release/rmpay" "$TARGET_DIR/release/examples/folder_gen" "$OUT/bin/"
RMPAY=$OUT/bin/rmpay

# ----------------------------------------------------------------- duckdb ---
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    say "python3 -m venv $VENV; pip install -r bench/requirements.txt"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r bench/requirements.txt
fi
DUCK_VERSION=$("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')

# ------------------------------------------------------------- generate ---
if [[ $REGEN != 1 && -s $MONTH/parquet/deposits.parquet && -s $MONTH/csv/deposits.csv
      && $MONTH -nt examples/folder_gen.rs ]]; then
    say "reusing $MONTH (REGEN=1 to rewrite)"
else
    say "generating $MONTH: $ACCOUNTS accounts x 31 days, $RMS RMs"
    rm -rf "$MONTH" "$MONTH.tmp"
    "$OUT/bin/folder_gen" "$MONTH.tmp" "$ACCOUNTS" "$RMS"
    mv "$MONTH.tmp" "$MONTH"
fi

# ----------------------------------------------------------------- timing ---
# name -> command; each run under /usr/bin/time -v
declare -A CMD=(
    [rmpay-parquet]="$RMPAY payroll --policy $POLICY --ledger $MONTH/parquet --out $OUT/pay-parquet --quiet"
    [rmpay-csv]="$RMPAY payroll --policy $POLICY --ledger $MONTH/csv --out $OUT/pay-csv --quiet"
    [duckdb-parquet]="$VENV/bin/python bench/duck_agg.py parquet $MONTH/parquet/deposits.parquet $OUT/duck-parquet.parquet"
    [duckdb-csv]="$VENV/bin/python bench/duck_agg.py csv $MONTH/csv/deposits.csv $OUT/duck-csv.parquet"
)
ORDER=(duckdb-parquet rmpay-parquet duckdb-csv rmpay-csv)

raw=$OUT/scale-runs.tsv
printf 'command\trun\twall_s\tuser_s\tsys_s\tpeak_rss_kib\n' >"$raw"
# one run of NAME, appended to $raw (run 0 is the warm-up, not counted)
run() {
    local name=$1 i=$2 log
    log=$(mktemp)
    # shellcheck disable=SC2086  # the command is a word list on purpose
    if ! /usr/bin/time -v ${CMD[$name]} >"$OUT/$name.stdout" 2>"$log"; then
        cat "$log" >&2; rm -f "$log"; echo "$name failed" >&2; exit 1
    fi
    awk -F': ' -v n="$name" -v i="$i" '
        /Elapsed \(wall clock\)/ { k = split($2, p, ":"); w = 0; for (j = 1; j <= k; j++) w = w * 60 + p[j] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
        END { printf "%s\t%d\t%.2f\t%.2f\t%.2f\t%d\n", n, i, w, u, s, m }' "$log" >>"$raw"
    grep -h '^duck_agg' "$log" >&2 || true
    rm -f "$log"
    tail -1 "$raw" | awk -F'\t' '{ printf "    %-15s run %d: %6.2f s wall, %6.2f s CPU, %7.1f MiB\n", $1, $2, $3, $4 + $5, $6 / 1024 }' >&2
}

say "warm-up (page cache) and one checked run of each"
for name in "${ORDER[@]}"; do run "$name" 0; done
say "rmpay's pay from the two folders"
for f in parquet csv; do
    "$RMPAY" payroll --policy "$POLICY" --ledger "$MONTH/$f" --out "$OUT/pay-$f" --json "$OUT/pay-$f.json" --quiet >&2
done
"$VENV/bin/python" bench/same_pay.py "$OUT/pay-parquet.json" "$OUT/pay-csv.json" >&2
for ((i = 1; i <= RUNS; i++)); do
    say "round $i of $RUNS"
    for name in "${ORDER[@]}"; do run "$name" "$i"; done
done

# ------------------------------------------------------------------ table ---
echo
echo "head-office scale: $ACCOUNTS accounts x 31 days, $RMS RMs; $(nproc) CPUs; duckdb $DUCK_VERSION (2 threads)"
echo "minimum wall of $RUNS runs (after a warm-up), its CPU (user+sys), highest peak RSS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
du -b "$MONTH/parquet/deposits.parquet" "$MONTH/csv/deposits.csv" | awk '{ printf "  %s: %.1f MiB\n", $2, $1 / 1048576 }'
awk -F'\t' -v rt="$RATIO_TARGET" -v mt="$RSS_TARGET_MIB" '
    NR > 1 && $2 > 0 {
        if (!($1 in w) || $3 < w[$1]) { w[$1] = $3; c[$1] = $4 + $5 }
        if ($6 > m[$1]) m[$1] = $6
    }
    END {
        printf "%-15s %9s %9s %11s %16s\n", "command", "wall s", "CPU s", "peak RSS", "rmpay / duckdb"
        split("duckdb-parquet rmpay-parquet duckdb-csv rmpay-csv", o, " ")
        for (i = 1; i <= 4; i++) {
            n = o[i]; r = ""
            if (n ~ /^rmpay/) {
                d = n; sub(/^rmpay/, "duckdb", d); q = w[n] / w[d]; r = sprintf("%.2f", q)
                if (q > rt) miss = miss sprintf("  %s: %.2f x duckdb > %.1f\n", n, q, rt)
                if (m[n] / 1024 >= mt) miss = miss sprintf("  %s: peak RSS %.0f MiB >= %d MiB\n", n, m[n] / 1024, mt)
            }
            printf "%-15s %9.2f %9.2f %7.0f MiB %16s\n", n, w[n], c[n], m[n] / 1024, r
        }
        if (miss != "") printf "targets missed:\n%s", miss
        else printf "all targets met (rmpay within %.1fx of duckdb, peak RSS < %d MiB)\n", rt, mt
    }' "$raw"
echo "(every run: $raw)"
