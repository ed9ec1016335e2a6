#!/bin/sh
# Pricing benchmark: generates contracts of growing size and reports wall time and peak
# memory of `outlay run` on each, against the targets below. Not part of make check.
#   usage: bench/run.sh [path/to/outlay]
# Targets (2-core CI-class machine): 120 months x 40 SKUs under 2 s and 200 MB;
# 1200 months x 100 SKUs under 10 s and 512 MB.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
outlay=${1:-$here/../src/outlay}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for spec in "12 10 1 100" "120 40 2 200" "1200 100 10 512"; do
    set -- $spec
    python3 "$here/gen_contract.py" "$1" "$2" > "$work/big.outlay"
    start=$(date +%s%N)
    /usr/bin/env time -f '%M' -o "$work/rss" "$outlay" run "$work/big.outlay" > "$work/out"
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    rss_mb=$(( $(cat "$work/rss") / 1024 ))
    verdict=ok
    if [ "$ms" -gt $(( $3 * 1000 )) ] || [ "$rss_mb" -gt "$4" ]; then verdict=OVER; status=1; fi
    printf '%5s months x %3s SKUs: %6d ms, %5d MB peak  (target %s s, %s MB)  %s  %s\n' \
        "$1" "$2" "$ms" "$rss_mb" "$3" "$4" "$verdict" "$(cat "$work/out")"
done
exit $status
