#!/bin/sh
# A throwaway PostgreSQL server for the tests and the benchmark: its own data directory
# and its Unix socket in DIR, no TCP, trust authentication for the role "outlay".
# initdb and postgres refuse to run as root, so as root the server runs as the
# "postgres" user (created by Debian's postgresql package) and DIR is handed to it.
#   tests/pgserver.sh start DIR    DIR: a new or empty directory (from mktemp -d); connect with
#                                  host=DIR user=outlay dbname=postgres
#   tests/pgserver.sh stop DIR     stops the server and removes DIR
set -e
cmd=$1 dir=$2
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

# Debian keeps the server programs out of PATH, under /usr/lib/postgresql/VERSION/bin.
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
    initdb=$(command -v initdb || true)
    [ -n "$initdb" ] || { echo "pgserver: PostgreSQL server programs not found (Debian: apt-get install postgresql)" >&2; exit 1; }
    bindir=$(dirname "$initdb")
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "'$bindir/initdb' -D '$dir/data' --username=outlay --auth=trust -E UTF8 --locale=C" >"$dir/initdb.log" 2>&1 ||
        { echo "pgserver: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    # no TCP (listen_addresses empty), the socket in DIR, no durability needed
    as_owner "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
        -o \"-c listen_addresses='' -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null ||
        { echo "pgserver: the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "'$bindir/pg_ctl' -D '$dir/data' -m immediate -w stop" >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
