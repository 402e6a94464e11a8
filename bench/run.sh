#!/usr/bin/env bash
# Ledger-reading benchmark: `rmpay payroll` against a parse-only calamine pass
# over the same ~1,000,000-row ledger, in two xlsx flavours (inline strings,
# shared strings). See bench/README.md.
#
#   bench/run.sh            # build, generate (if stale), time, print the table
#
# Environment:
#   RUNS=3        timed runs per command
#   REGEN=1       regenerate the ledgers even if they look up to date
#   POLICY=rules/city-commercial-bank.toml
#   NO_HYPERFINE=1  time with a /usr/bin/time loop even if hyperfine exists
#
# Exits non-zero only when something fails (build, generation, a run);
# missing the ratio or memory target is reported, not fatal.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bench/out
RUNS=${RUNS:-3}
REGEN=${REGEN:-0}
POLICY=${POLICY:-rules/city-commercial-bank.toml}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VARIANTS=(inline shared-strings)
RATIO_TARGET=1.15
RSS_TARGET_MIB=64

mkdir -p "$OUT"
say() { printf '==> %s\n' "$*" >&2; }

# ------------------------------------------------------------------ build ---
say "cargo build --release --examples --bin rmpay"
cargo build --release --examples --bin rmpay
# Snapshot the binaries: the target dir is shared, and a concurrent build
# must not swap the program under test mid-run.
mkdir -p "$OUT/bin"
for b in examples/bench_parse examples/bench_gen rmpay; do
    cp "$TARGET_DIR/release/$b" "$OUT/bin/"
done
PARSE=$OUT/bin/bench_parse
GEN=$OUT/bin/bench_gen
RMPAY=$OUT/bin/rmpay

# ------------------------------------------------------------- generate ---
for v in "${VARIANTS[@]}"; do
    f=$OUT/ledger-$v.xlsx
    if [[ $REGEN != 1 && -s $f && $f -nt examples/bench_gen.rs ]]; then
        say "reusing $f (REGEN=1 to rewrite)"
        continue
    fi
    say "generating $f"
    if ! "$GEN" "$f.tmp" "--$v"; then
        echo "bench_gen failed for $v" >&2
        exit 1
    fi
    mv "$f.tmp" "$f"
done

# ----------------------------------------------------------------- timing ---
have_hyperfine=0
[[ ${NO_HYPERFINE:-0} == 1 ]] || ! command -v hyperfine >/dev/null || have_hyperfine=1
if [[ ! -x /usr/bin/time ]]; then
    echo "/usr/bin/time is missing (apt-get install -y time); needed for peak RSS" >&2
    exit 1
fi
[[ $have_hyperfine == 1 ]] || say "hyperfine not found (apt-get install -y hyperfine); timing with /usr/bin/time"

# time_cmd NAME CMD... -> prints "mean min cpu" in seconds (wall mean, wall
# min, mean user+system CPU); one untimed warm-up run first
time_cmd() {
    local name=$1; shift
    if [[ $have_hyperfine == 1 ]]; then
        local csv=$OUT/time-$name.csv
        hyperfine -N --runs "$RUNS" --warmup 1 --style basic \
            --export-csv "$csv" --export-json "$OUT/time-$name.json" "$*" >&2
        # command,mean,stddev,median,user,system,min,max (counted from the end)
        awk -F, 'NR==2 { printf "%.3f %.3f %.3f\n", $(NF-6), $(NF-1), $(NF-3) + $(NF-2) }' "$csv"
    else
        "$@" >/dev/null 2>&1 # warm the page cache
        local i tf all=()
        tf=$(mktemp)
        for ((i = 0; i < RUNS; i++)); do
            /usr/bin/time -f '%e %U %S' -o "$tf" "$@" >/dev/null 2>&1
            all+=("$(tail -1 "$tf")")
        done
        rm -f "$tf"
        printf '%s\n' "${all[@]}" >&2
        printf '%s\n' "${all[@]}" | awk '{ s += $1; c += $2 + $3; if (NR == 1 || $1 < m) m = $1 }
            END { printf "%.3f %.3f %.3f\n", s / NR, m, c / NR }'
    fi
}

# rss_mib CMD... -> peak RSS in MiB of one run
rss_mib() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
    awk -F: '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$log"
    rm -f "$log"
}

results=$OUT/results.tsv
printf 'variant\tfile_bytes\tdeposit_rows\tparse_mean_s\tparse_min_s\tparse_cpu_s\tpayroll_mean_s\tpayroll_min_s\tpayroll_cpu_s\tratio_mean\tratio_min\tratio_cpu\tparse_rss_mib\tpayroll_rss_mib\n' >"$results"

for v in "${VARIANTS[@]}"; do
    f=$OUT/ledger-$v.xlsx
    say "$v: checking the pay run once"
    "$RMPAY" payroll --policy "$POLICY" --ledger "$f" --out "$OUT/pay" --quiet >&2
    say "$v: parse-only"
    counts=$("$PARSE" "$f")
    printf '%s\n' "$counts" >&2
    rows=$(printf '%s\n' "$counts" | awk '/存款日余额/ { print $2 - 1 }')
    t=$(time_cmd "parse-$v" "$PARSE" "$f")
    read -r p_mean p_min p_cpu <<<"$t"
    say "$v: payroll"
    t=$(time_cmd "payroll-$v" "$RMPAY" payroll --policy "$POLICY" --ledger "$f" --out "$OUT/pay" --quiet)
    read -r r_mean r_min r_cpu <<<"$t"
    say "$v: peak RSS"
    p_rss=$(rss_mib "$PARSE" "$f")
    r_rss=$(rss_mib "$RMPAY" payroll --policy "$POLICY" --ledger "$f" --out "$OUT/pay" --quiet)
    bytes=$(stat -c %s "$f")
    div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
    printf '%s\t' "$v" "$bytes" "$rows" "$p_mean" "$p_min" "$p_cpu" "$r_mean" "$r_min" "$r_cpu" \
        "$(div "$r_mean" "$p_mean")" "$(div "$r_min" "$p_min")" "$(div "$r_cpu" "$p_cpu")" "$p_rss" >>"$results"
    printf '%s\n' "$r_rss" >>"$results"
done

# ------------------------------------------------------------------ table ---
echo
echo "rmpay payroll vs parse-only (calamine), $RUNS runs each; $(nproc) CPUs"
echo "seconds: wall mean (wall min) [CPU user+sys]; ratio = payroll / parse-only on wall mean (min) [CPU]"
printf '%-15s %6s %8s %22s %22s %20s %9s %11s\n' variant MiB rows parse-only payroll ratio parse-RSS payroll-RSS
awk -F'\t' -v rt="$RATIO_TARGET" -v mt="$RSS_TARGET_MIB" 'NR > 1 {
    printf "%-15s %6.1f %8d %6.2f (%5.2f) [%5.2f] %6.2f (%5.2f) [%5.2f] %5.2f (%4.2f) [%4.2f] %5.1f MiB %7.1f MiB\n",
        $1, $2 / 1048576, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
    if ($10 > rt) miss = miss sprintf("  %s: ratio %.2f > %.2f (wall mean)\n", $1, $10, rt)
    if ($14 >= mt) miss = miss sprintf("  %s: payroll peak RSS %.1f MiB >= %d MiB\n", $1, $14, mt)
} END {
    if (miss != "") printf "targets missed:\n%s", miss
    else printf "all targets met (ratio <= %.2f, payroll RSS < %d MiB)\n", rt, mt
}' "$results"
echo "(raw numbers: $results)"
