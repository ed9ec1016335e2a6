#!/bin/sh
# PostgreSQL usage benchmark. A throwaway local server (tests/pgserver.sh) gets ROWS FOCUS
# rows (bench/pg_gen.sql: 20 SKUs x 744 hours of January 2027). Outlay prices them end to
# end from the table (`outlay price ... --usage postgresql://... --usage-table focus`),
# against its anchor in the same run: psql running the same aggregation query, taken from
# `--show-query`. Targets: Outlay within 1.2x of psql, under 64 MB peak. Then how Outlay's
# time and memory grow with the aggregated result (SKUs x hours groups).
#   usage: bench/pg_usage.sh [path/to/outlay]
#   ROWS (default 1,000,000; 10000000 for the issue's size), SCALE_ROWS (default 2,000,000;
#   0 leaves the scaling runs out)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
outlay=${1:-$here/../src/outlay}
rows=${ROWS:-1000000}
scale_rows=${SCALE_ROWS:-2000000}
work=$(mktemp -d)
pg=$(mktemp -d)
trap '"$here/../tests/pgserver.sh" stop "$pg"; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
"$here/../tests/pgserver.sh" start "$pg"
uri="postgresql:///postgres?host=$pg&user=outlay"
load() {   # rows skus hours
    s=$(date +%s)
    PGOPTIONS='-c client_min_messages=warning' psql -X -q "$uri" -v rows="$1" -v skus="$2" -v hours="$3" -f "$here/pg_gen.sql"
    echo "loaded $1 rows ($2 SKUs x $3 hours) in $(( $(date +%s) - s )) s"
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
contract() {   # skus: a contract with a rate for each SKU (sku_0 ...)
    { echo "contract deal {"; echo "  start = 2027-01-01"; echo "  end = 2027-02-01"; echo "  billing = monthly"
      i=0; while [ "$i" -lt "$1" ]; do echo "  rate sku_$i = 1.$i USD/hour"; i=$((i + 1)); done; echo "}"; } > "$work/deal.outlay"
}
price() { "$outlay" price "$work/deal.outlay" --usage "$uri" --usage-table focus "$@"; }

load "$rows" 20 744
contract 20
price --show-query 2>&1 >/dev/null | sed -n '/^SELECT /p' > "$work/query.sql"
psql -X -q -A -t "$uri" -f "$work/query.sql" > /dev/null   # warm the cache
best_psql=0 best_outlay=0 rss=0
for i in 1 2 3; do
    t=$(date +%s%N); psql -X -q -A -t "$uri" -f "$work/query.sql" > /dev/null; d=$(ms "$t")
    [ "$best_psql" = 0 ] || [ "$d" -lt "$best_psql" ] && best_psql=$d
    t=$(date +%s%N); /usr/bin/env time -f '%M' -o "$work/rss" sh -c "\"$outlay\" price \"$work/deal.outlay\" --usage \"$uri\" --usage-table focus > \"$work/out\""; d=$(ms "$t")
    [ "$best_outlay" = 0 ] || [ "$d" -lt "$best_outlay" ] && best_outlay=$d
    r=$(cat "$work/rss"); [ "$r" -gt "$rss" ] && rss=$r
done
ratio=$(echo "$best_outlay $best_psql" | awk '{ printf "%.2f", $1 / $2 }')
rss_mb=$(( rss / 1024 ))
verdict=ok
awk "BEGIN { exit !($ratio > 1.2) }" && verdict=OVER
[ "$rss_mb" -ge 64 ] && verdict=OVER
echo "$rows rows, 20 SKUs x 744 hours: psql $best_psql ms, outlay $best_outlay ms (ratio $ratio, target 1.2), outlay peak $rss_mb MB (target 64)  $verdict"

[ "$scale_rows" = 0 ] && { [ "$verdict" = ok ]; exit; }
echo "aggregated result (groups = SKUs x hours) against Outlay's time and memory, $scale_rows rows:"
for skus in 20 200 2000; do
    load "$scale_rows" "$skus" 744 > /dev/null
    contract "$skus"
    t=$(date +%s%N); psql -X -q -A -t "$uri" -f "$work/query.sql" > "$work/groups"; p=$(ms "$t")
    t=$(date +%s%N); /usr/bin/env time -f '%M' -o "$work/rss" sh -c "\"$outlay\" price \"$work/deal.outlay\" --usage \"$uri\" --usage-table focus > /dev/null"; o=$(ms "$t")
    printf '%6d SKUs x 744 hours: %8d groups: psql %6d ms, outlay %6d ms, outlay peak %5d MB\n' \
        "$skus" "$(wc -l < "$work/groups")" "$p" "$o" $(( $(cat "$work/rss") / 1024 ))
done
[ "$verdict" = ok ]
