#!/bin/sh
# Builds the fuzz target with clang's libFuzzer, AddressSanitizer and UBSan from the
# configured tree's sources, and runs it for SECONDS (default 60) on the corpus of
# golden tests and examples. Not part of make check: run by hand, or nightly.
#   usage: tests/fuzz/run.sh [SECONDS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
work=${FUZZ_WORK:-$top/_fuzz}
mkdir -p "$work/corpus"
cp "$top"/tests/golden/*.outlay "$top"/examples/*.outlay "$work/corpus/" 2>/dev/null || true
# the runaway-recursion test runs to the 20-million-step limit: seconds by design
rm -f "$work/corpus/err_runaway.outlay"
flex -o "$work/lexer.c" "$top/grammar/lexer.l"
bison -d -o "$work/parser.c" "$top/grammar/parser.y"
clang -g -O1 -std=c11 -D_XOPEN_SOURCE=700 -fsanitize=fuzzer,address,undefined \
    -I"$top/src" -I"$work" -I"$top" \
    -DOUTLAY_STDLIB_DIR="\"$top/stdlib\"" -DOUTLAY_SOURCE_STDLIB_DIR="\"$top/stdlib\"" \
    -DOUTLAY_BUILD_BINARY="\"$top/src/outlay\"" \
    "$top/tests/fuzz/fuzz_eval.c" "$work/lexer.c" "$work/parser.c" \
    $(ls "$top"/src/*.c | grep -v -e '/main.c$' -e '/repl.c$') \
    -lmpfr -lgmp -o "$work/fuzz_eval"
cd "$work"
./fuzz_eval -max_total_time="$secs" -max_len=4096 -timeout=60 -rss_limit_mb=2048 corpus
