#!/bin/sh
# Import benchmark: a chain of N files, each importing the next (bench/gen_imports.py),
# for N = 5,000 (the anchor) and 20,000, measured in the same run; beside each, one file
# with the same N definitions shows what parsing and evaluating them costs without imports.
# Reports CPU time (user + system: wall time on a shared machine measures the neighbours)
# and peak memory. Not part of make check.
#   usage: bench/imports.sh [path/to/outlay]
# Targets: a 20,000-file chain in under 1 s of CPU; and linear growth: the 20,000 chain
# takes under 8x the 5,000 chain (a quadratic import path takes 16x).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
outlay=${1:-$here/../src/outlay}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# cpu_ms PROGRAM: runs it, prints its CPU milliseconds and peak kB; checks its answer
cpu_ms() {
    /usr/bin/env time -f '%U %S %M' -o "$work/t" "$outlay" run "$1" > "$work/out"
    grep -q "= $2\$" "$work/out" || { echo "wrong answer from $1: $(cat "$work/out")" >&2; exit 2; }
    awk '{ printf "%d %d\n", ($1 + $2) * 1000, $3 }' "$work/t"
}
status=0
for n in 5000 20000; do
    python3 "$here/gen_imports.py" "$n" "$work/$n"
    want=$(awk -v n="$n" 'BEGIN { s = sprintf("%d", n - 1); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]$/, ",&", s); gsub(/,,/, ",", s); print s }')
    set -- $(cpu_ms "$work/$n/chain.outlay" "$want")
    chain=$1 kb=$2
    set -- $(cpu_ms "$work/$n/flat.outlay" "$want")
    flat=$1
    eval "chain_$n=$chain"
    printf '%6d-file import chain: %5d ms CPU, %6d kB peak (one file of the same definitions: %d ms)\n' \
        "$n" "$chain" "$kb" "$flat"
    rm -rf "$work/$n"
done
verdict=ok
[ "$chain_20000" -lt 1000 ] || { verdict=OVER; status=1; }
printf '20,000 chain: %d ms CPU (target < 1000 ms)  %s\n' "$chain_20000" "$verdict"
verdict=ok
[ $((chain_20000)) -lt $((8 * (chain_5000 > 0 ? chain_5000 : 1))) ] || { verdict=OVER; status=1; }
printf 'growth 5,000 -> 20,000 files: %d.%02dx (linear 4x, quadratic 16x; target < 8x)  %s\n' \
    $((chain_20000 / (chain_5000 > 0 ? chain_5000 : 1))) $((chain_20000 * 100 / (chain_5000 > 0 ? chain_5000 : 1) % 100)) "$verdict"
exit $status
