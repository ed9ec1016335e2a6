#!/bin/sh
# Builds the fuzz targets with clang's libFuzzer, AddressSanitizer and UBSan from the
# configured tree's sources, and runs each for SECONDS (default 60): fuzz_eval on the
# golden tests and examples, fuzz_usage (the usage reader) on the usage test files. Not
# part of make check: run by hand, nightly, or briefly in CI (.ci/run).
#   usage: tests/fuzz/run.sh [SECONDS] [eval] [usage]      (both targets by default)
# Where clang cannot link libFuzzer, the targets are built with a replay main instead and
# run once over their corpus (still under the sanitizers): less than fuzzing, and said so.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-eval usage}
work=${FUZZ_WORK:-$top/_fuzz}
mkdir -p "$work/corpus" "$work/corpus_usage"
cp "$top"/tests/golden/*.outlay "$top"/examples/*.outlay "$work/corpus/" 2>/dev/null || true
# the runaway-recursion test runs to the 20-million-step limit: seconds by design
rm -f "$work/corpus/err_runaway.outlay"
# usage seeds: a byte for plain or gzip, a byte for the spec (see fuzz_usage.c)
for f in "$top"/tests/usage/data/*.csv; do
    b=$(basename "$f" .csv)
    { printf '\000\000'; cat "$f"; } > "$work/corpus_usage/$b"
    { printf '\001\011'; cat "$f"; } > "$work/corpus_usage/$b.gz"
done
{ printf '\000\004'; cat "$top/tests/usage/data/narrow.csv"; } > "$work/corpus_usage/narrow.mapped"
flex -o "$work/lexer.c" "$top/grammar/lexer.l"
bison -d -o "$work/parser.c" "$top/grammar/parser.y"
libs="-lz -lgmp $(pkg-config --libs libpq 2>/dev/null || true)"
build() {   # build NAME [extra flags]: libFuzzer, else a replay main
    name=$1; shift
    # a 16 MiB usage table: inputs spanning centuries fail fast instead of filling 512 MiB
    clang -g -O1 -std=c11 -D_XOPEN_SOURCE=700 -DUSAGE_MAX_TABLE_BYTES='(16 << 20)' "$@" \
        -I"$top/src" -I"$work" -I"$top" $(pkg-config --cflags libpq 2>/dev/null || true) \
        -DOUTLAY_STDLIB_DIR="\"$top/stdlib\"" -DOUTLAY_SOURCE_STDLIB_DIR="\"$top/stdlib\"" \
        -DOUTLAY_BUILD_BINARY="\"$top/src/outlay\"" \
        "$top/tests/fuzz/$name.c" "$work/lexer.c" "$work/parser.c" \
        $(ls "$top"/src/*.c | grep -v -e '/main.c$' -e '/repl.c$') \
        $libs -o "$work/$name"
}
cd "$work"
for t in $targets; do
    case $t in eval) corpus=corpus; max=4096 ;; usage) corpus=corpus_usage; max=65536 ;; *) echo "run.sh: no target $t" >&2; exit 2 ;; esac
    if build "fuzz_$t" -fsanitize=fuzzer,address,undefined 2>"$work/build_$t.log"; then
        ./"fuzz_$t" -max_total_time="$secs" -max_len=$max -timeout=60 -rss_limit_mb=2048 "$corpus"
    else
        echo "run.sh: clang could not build a libFuzzer target (see $work/build_$t.log): replaying the $t corpus instead" >&2
        build "fuzz_$t" -DFUZZ_REPLAY_MAIN -fsanitize=address,undefined -fno-sanitize-recover=undefined
        ./"fuzz_$t" "$corpus"/*
    fi
done
