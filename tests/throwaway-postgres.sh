#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite, on 127.0.0.1 only.
#
#   tests/throwaway-postgres.sh start DIR   # prints the superuser's URL
#   tests/throwaway-postgres.sh stop DIR    # stops it and removes DIR
#
# DIR must not exist; start creates it. The cluster runs as an ordinary user:
# the caller, or, when the caller is root, the postgres system user (nobody
# if there is none), which then owns DIR. It listens on a random free port,
# with its socket in DIR, a random password (SCRAM) for its superuser `liu`,
# UTF8 and the C locale (byte-order text, as SQLite compares), and fsync on,
# as in production. Needs PostgreSQL's server binaries (Debian: postgresql).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
command=$1
dir=$2

# Runs a command as the cluster's owner.
owner=""
if [ "$(id -u)" -eq 0 ]; then
  if id -u postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
fi
as_owner() {
  if [ -n "$owner" ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

bindir() {
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$newest" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
  echo "$newest"
}

case "$command" in
  start)
    [ ! -e "$dir" ] || { echo "$dir already exists" >&2; exit 1; }
    bin=$(bindir)
    mkdir -m 700 "$dir"
    [ -z "$owner" ] || chown "$owner" "$dir"
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    ( umask 077; echo "$password" > "$dir/password" )
    [ -z "$owner" ] || chown "$owner" "$dir/password"
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=liu \
      --pwfile="$dir/password" --auth=scram-sha-256 --encoding=UTF8 \
      --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/password"
    # A random port; another one if something else holds it.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      port=$((20000 + $(od -An -tu2 -N2 /dev/urandom | tr -d ' ') % 40000))
      [ ! -f "$dir/server.log" ] || : >"$dir/server.log"
      if as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" \
          --wait --timeout=60 \
          -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300" \
          start >/dev/null 2>&1; then
        echo "postgresql://liu:$password@127.0.0.1:$port/postgres"
        exit 0
      fi
      grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/server.log" 2>/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    done
    echo "no free port found for PostgreSQL" >&2
    exit 1
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$(bindir)/pg_ctl" --pgdata="$dir/data" --mode=immediate \
        --wait stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
