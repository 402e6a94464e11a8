#!/usr/bin/env bash
# Annual review benchmark: a year of closed million-row months (the
# generator's ledger written for each month of 2026), then
# `rmpay review --archive` (from the months' figures) timed against the
# same review from the twelve ledgers (`--ledgers`, what the archive review
# re-read before months kept their figures). See bench/README.md.
#
#   bench/review.sh         # build, generate and close (if missing), time
#
# Environment:
#   RUNS=3        timed runs per command
#   REGEN=1       regenerate the ledgers and re-close the year
#   NO_BUILD=1    time the binaries already in bench/out/review/bin
#
# Checks that both reviews write the same bytes. Exits non-zero only when
# something fails; missing the 1 s target is reported, not fatal.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bench/out/review
RUNS=${RUNS:-3}
REGEN=${REGEN:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
TARGET_S=1

mkdir -p "$OUT"
say() { printf '==> %s\n' "$*" >&2; }

if [[ ${NO_BUILD:-0} == 1 && -x $OUT/bin/rmpay && -x $OUT/bin/bench_gen ]]; then
    say "NO_BUILD=1: timing the binaries in $OUT/bin as they are"
else
    say "cargo build --release --examples --bin rmpay"
    cargo build --release --examples --bin rmpay
    # Snapshot the binaries: a concurrent build must not swap them mid-run.
    mkdir -p "$OUT/bin"
    cp "$TARGET_DIR/release/rmpay" "$TARGET_DIR/release/examples/bench_gen" "$OUT/bin/"
fi
RMPAY=$OUT/bin/rmpay
GEN=$OUT/bin/bench_gen

# Policy A without its sign-off workflow (closing, not signing, is set
# up), and with the rules that need figures the generated ledger has not
# (exam scores, marketing start dates) not assessed rather than errors.
POLICY=$OUT/policy.toml
sed -e '/^# -* sign-off workflow ---/,$d' \
    -e 's/^exam_min = .*/&\nexam_when_missing = "not_assessed"/' \
    -e 's/^  id = "A-21-agent-promotion"/&\n  when_missing = "not_assessed"/' \
    rules/city-commercial-bank.toml >"$POLICY"
grep -q '^\[workflow\]' "$POLICY" && { echo "the workflow is still in $POLICY" >&2; exit 1; }

MONTHS=(2026-01 2026-02 2026-03 2026-04 2026-05 2026-06 2026-07 2026-08 2026-09 2026-10 2026-11 2026-12)
ARCH=$OUT/archive
if [[ $REGEN == 1 ]]; then rm -rf "$OUT/ledgers" "$ARCH"; fi
mkdir -p "$OUT/ledgers"
for m in "${MONTHS[@]}"; do
    f=$OUT/ledgers/$m.xlsx
    if [[ ! -s $f ]]; then
        say "generating $f"
        "$GEN" "$f.tmp" --month "$m" >&2
        mv "$f.tmp" "$f"
    fi
done
if [[ ! -d $ARCH/2026-12 ]]; then
    rm -rf "$ARCH"
    for m in "${MONTHS[@]}"; do
        say "closing $m"
        "$RMPAY" close --archive "$ARCH" --policy "$POLICY" --ledger "$OUT/ledgers/$m.xlsx" --quiet >/dev/null
    done
fi

have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1
# time_cmd CMD... -> "mean min" wall seconds over RUNS runs after a warm-up
time_cmd() {
    if [[ $have_hyperfine == 1 ]]; then
        local json
        json=$(mktemp)
        hyperfine -N --runs "$RUNS" --warmup 1 --style basic --export-json "$json" "$*" >&2
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f" % (r["mean"], r["min"]))' "$json"
        rm -f "$json"
    else
        "$@" >/dev/null 2>&1
        local i tf all=()
        tf=$(mktemp)
        for ((i = 0; i < RUNS; i++)); do
            /usr/bin/time -f '%e' -o "$tf" "$@" >/dev/null 2>&1
            all+=("$(tail -1 "$tf")")
        done
        rm -f "$tf"
        printf '%s\n' "${all[@]}" | awk '{ s += $1; if (NR == 1 || $1 < m) m = $1 } END { printf "%.3f %.3f\n", s / NR, m }'
    fi
}
rss_mib() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
    awk -F: '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$log"
    rm -f "$log"
}

LEDGERS=()
for m in "${MONTHS[@]}"; do LEDGERS+=("$OUT/ledgers/$m.xlsx"); done
FROM_ARCHIVE=("$RMPAY" review --policy "$POLICY" --archive "$ARCH" --year 2026 --out "$OUT/from-archive" --json "$OUT/from-archive.json")
FROM_LEDGERS=("$RMPAY" review --policy "$POLICY" --ledgers "${LEDGERS[@]}" --year 2026 --out "$OUT/from-ledgers" --json "$OUT/from-ledgers.json")

say "checking both reviews once"
"${FROM_ARCHIVE[@]}" >&2
"${FROM_LEDGERS[@]}" >&2
cmp "$OUT/from-archive.json" "$OUT/from-ledgers.json"
cmp "$OUT/from-archive/review-2026.xlsx" "$OUT/from-ledgers/review-2026.xlsx"
say "same JSON and workbook from the figures and from the ledgers"

say "review --archive (figures)"
read -r a_mean a_min <<<"$(time_cmd "${FROM_ARCHIVE[@]}")"
a_rss=$(rss_mib "${FROM_ARCHIVE[@]}")
say "review --ledgers (re-reading the twelve ledgers)"
read -r l_mean l_min <<<"$(time_cmd "${FROM_LEDGERS[@]}")"
l_rss=$(rss_mib "${FROM_LEDGERS[@]}")

ledger_mib=$(du -cm "$ARCH"/2026-*/ledger.xlsx | awk 'END { print $1 }')
figures_mib=$(du -cm "$ARCH"/2026-*/figures.json | awk 'END { print $1 }')
echo
echo "annual review over 12 closed months, $RUNS runs each; $(nproc) CPUs"
echo "archive: ${ledger_mib} MiB of ledgers, ${figures_mib} MiB of figures"
printf '%-28s %8s %8s %10s\n' "" "mean s" "min s" "peak RSS"
printf '%-28s %8s %8s %6s MiB\n' "review --archive (figures)" "$a_mean" "$a_min" "$a_rss"
printf '%-28s %8s %8s %6s MiB\n' "review --ledgers" "$l_mean" "$l_min" "$l_rss"
awk -v t="$a_mean" -v target="$TARGET_S" 'BEGIN {
    if (t < target) printf "target met: review --archive %.2f s < %d s\n", t, target
    else printf "target missed: review --archive %.2f s >= %d s\n", t, target
}'
