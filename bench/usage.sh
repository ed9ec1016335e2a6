#!/bin/sh
# Usage-reading benchmark: generates hourly usage over 20 SKUs — narrow rows (timestamp,
# SKU, quantity; about 40 bytes) and full FOCUS 1.2 rows (about 1 KB) — reads each with
# Outlay's reader (tests/usage/usage_dump --months: per SKU and month, exact) and with an
# independent Python reference (bench/usage_ref.py: csv + decimal) in the same run, and
# checks that the totals agree to the last digit. Not part of make check.
#   usage: bench/usage.sh [ROWS...]      (default 1000000; the 10M run: bench/usage.sh 10000000)
#   KINDS="narrow focus" (the default) picks the shapes; USAGE_GZIP=1 writes each file through
#   gzip -1 and both readers decompress it (MB/s is then of the uncompressed CSV).
# Targets (2-core machine): narrow >= 5M rows/s and >= 5x Python; FOCUS >= 300 MB/s;
# peak memory under 64 MB whatever the row count. Speeds are per CPU second (user + sys)
# of each process, so a loaded machine slows the wall clock but not the comparison;
# wall-clock figures are printed beside them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dump=${USAGE_DUMP:-$here/../tests/usage/usage_dump}
[ -x "$dump" ] || { echo "bench/usage.sh: build $dump first (make check or make tests/usage/usage_dump)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/outlay-usage-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
for rows in ${*:-1000000}; do
    for kind in ${KINDS:-narrow focus}; do
        if [ "${USAGE_GZIP:-0}" = 1 ]; then
            file=$work/$kind.csv.gz
            python3 "$here/gen_usage.py" "$kind" "$rows" | gzip -1 > "$file"
            bytes=$(gzip -dc "$file" | wc -c)
            packed=" (gzip -1: $(wc -c < "$file" | awk '{ printf "%.1f", $1 / 1e6 }') MB on disk)"
        else
            file=$work/$kind.csv
            python3 "$here/gen_usage.py" "$kind" "$rows" > "$file"
            bytes=$(wc -c < "$file")
            packed=""
        fi
        if [ "$kind" = narrow ]; then args="--sku sku --quantity qty --start at --unit Hours"; else args=""; fi
        # shellcheck disable=SC2086
        /usr/bin/time -f '%e %U %S %M' -o "$work/t_outlay" "$dump" $args --months "$file" > "$work/outlay.out"
        /usr/bin/time -f '%e %U %S %M' -o "$work/t_python" python3 "$here/usage_ref.py" "$kind" "$file" > "$work/python.out"
        if cmp -s "$work/outlay.out" "$work/python.out"; then same="totals equal"; else same="TOTALS DIFFER"; status=1; fi
        rm -f "$file"
        rc=0
        line=$(awk -v kind="$kind" -v rows="$rows" -v bytes="$bytes" -v same="$same" '
            NR == FNR { ow = $1; oc = $2 + $3; orss = $4; next }
            { pw = $1; pc = $2 + $3 }
            END {
                if (oc <= 0) oc = 0.01
                rps = rows / oc; mbps = bytes / 1e6 / oc; ratio = pc / oc; mb = orss / 1024
                ok = mb < 64
                if (kind == "narrow") ok = ok && rps >= 5e6 && ratio >= 5; else ok = ok && mbps >= 300
                printf "%-6s %9d rows %7.1f MB: %6.2f M rows/s, %6.0f MB/s (per CPU s; wall %.2f s), %5.1f MB peak; python %.2f CPU s (wall %.2f s), ratio %.1fx; %s  %s\n", \
                    kind, rows, bytes / 1e6, rps / 1e6, mbps, ow, mb, pc, pw, ratio, same, ok ? "ok" : "BELOW TARGET"
                exit !ok
            }' "$work/t_outlay" "$work/t_python") || rc=$?
        echo "$line$packed"
        [ $rc -eq 0 ] || status=1
    done
done
exit $status
