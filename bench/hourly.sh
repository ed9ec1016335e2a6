#!/bin/sh
# Hourly pricing benchmark: a 1-year contract priced hour by hour (8,760 hours x 20 SKUs,
# usage from a workload over hours, an hourly reservation and a spend-based plan). Its
# anchor, in the same run, is bench/hourly_model.py pricing the same contract with Python
# fractions; the two totals must agree. Not part of make check.
#   usage: bench/hourly.sh [path/to/outlay]
# Target: the hourly contract under 0.5 s of CPU time (2-core machine).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
outlay=${1:-$here/../src/outlay}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# CPU milliseconds (user + system) of a command, the best of three: the machine is shared
# by several jobs, so wall time measures the others as much as this one.
ms() {
    best=
    for _ in 1 2 3; do
        /usr/bin/env time -f '%U %S' -o "$work/cpu" "$@" > "$work/out"
        t=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/cpu")
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    echo "$best"
}
python3 "$here/gen_hourly.py" 12 20 > "$work/hourly.outlay"
engine=$(ms "$outlay" run "$work/hourly.outlay")
cp "$work/out" "$work/engine.out"
model=$(ms python3 "$here/hourly_model.py" 12 20)
verdict=ok
[ "$engine" -le 500 ] || verdict=OVER
cmp -s "$work/out" "$work/engine.out" || { verdict=WRONG; echo "engine: $(cat "$work/engine.out")"; echo "model:  $(cat "$work/out")"; }
printf '12 months x 20 SKUs by the hour: %d ms CPU (target 500 ms); Python fractions anchor %d ms (%s x); %s  %s\n' \
    "$engine" "$model" "$(awk "BEGIN { printf \"%.1f\", $model / ($engine > 0 ? $engine : 1) }")" "$verdict" "$(cat "$work/engine.out")"
[ "$verdict" = ok ]
