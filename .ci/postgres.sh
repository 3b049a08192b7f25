#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the PostgreSQL engine's tests (internal/store/pgstore) and prints, on
# standard output and nothing else, the lines that point the tests at it, over TCP and over the unix socket:
#
#   export FLASHCALL_TEST_POSTGRES_URL='postgres://flashcall_test:...@127.0.0.1:54329/flashcall_test?sslmode=disable'
#   export FLASHCALL_TEST_POSTGRES_SOCKET_URL='postgres://flashcall_test:...@/flashcall_test?host=/tmp/flashcall-pg/sock&port=54329'
#
# so that CI runs   eval "$(bash .ci/postgres.sh)"   before go test. The same lines are kept in
# $FLASHCALL_PG_DIR/env. Everything else (progress, errors) goes to standard error.
#
# Idempotent and fast: PostgreSQL is installed from Debian's packages only when missing, the cluster is
# created once in $FLASHCALL_PG_DIR (default /tmp/flashcall-pg), started only when it is not running, and the
# role and database are created only when absent. It listens on a unix socket in that directory and on
# 127.0.0.1 only, on $FLASHCALL_PG_PORT (default 54329) or, when another program holds that port, the next
# free one. Tuned for tests, not for data: fsync and synchronous commit are off.
#
#   bash .ci/postgres.sh        start (or reuse) the cluster and print the export line
#   bash .ci/postgres.sh stop   stop it (the data directory stays, for a fast restart)
set -euo pipefail

dir=${FLASHCALL_PG_DIR:-/tmp/flashcall-pg}
want_port=${FLASHCALL_PG_PORT:-54329}
role=flashcall_test
db=flashcall_test

log() { echo "postgres.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# pgbin finds the newest installed server's binaries.
pgbin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; fi
}

bin=$(pgbin)
if [ -z "$bin" ]; then
  log "installing PostgreSQL from Debian's packages"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(pgbin)
  [ -n "$bin" ] || { log "PostgreSQL installed, but no initdb under /usr/lib/postgresql/*/bin"; exit 1; }
fi

# The server refuses to run as root: run it, and talk to it over the socket, as the postgres user.
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || { log "no postgres user: reinstall the postgresql package"; exit 1; }
  as_pg() { runuser -u "$owner" -- "$@"; }
else
  owner=$(id -un)
  as_pg() { "$@"; }
fi

data=$dir/data
sock=$dir/sock

if [ "${1:-}" = stop ]; then
  if [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >&2
  fi
  exit 0
fi

mkdir -p "$dir"
chmod 0700 "$dir"
if [ "$(id -u)" = 0 ]; then chown "$owner": "$dir"; fi
as_pg mkdir -p "$sock"

if [ ! -f "$data/PG_VERSION" ]; then
  log "creating a cluster in $data"
  rm -rf "$data"
  as_pg "$bin/initdb" -D "$data" -U postgres -A peer -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  # Local connections as postgres (this script) by peer; the tests' role by password, over the socket or
  # 127.0.0.1. Nothing else listens.
  cat <<HBA | as_pg tee "$data/pg_hba.conf" >/dev/null
local all postgres peer
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
HBA
  cat <<CONF | as_pg tee -a "$data/postgresql.conf" >/dev/null
# flashcall tests
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
fi

running_port() {
  # The port of the postmaster running on $data, from its pid file (line 4), or nothing. A pid file left by
  # a server that was killed (its PID dead, or reused by another program) is removed, with the socket's lock
  # file, so that the server starts again.
  local pid p
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(sed -n 1p "$data/postmaster.pid")
  p=$(sed -n 4p "$data/postmaster.pid")
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] &&
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    if as_pg "$bin/pg_isready" -q -h "$sock" -p "$p" -t 30; then
      echo "$p"
      return 0
    fi
    log "the server (pid $pid) does not answer: stopping it"
    as_pg "$bin/pg_ctl" -D "$data" -m immediate -w -t 10 stop >&2 || true
  fi
  log "removing a stale postmaster.pid"
  rm -f "$data/postmaster.pid" "$sock/.s.PGSQL.$p" "$sock/.s.PGSQL.$p.lock"
}

port=$(running_port)
if [ -z "$port" ]; then
  port=$want_port
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    log "port $port is taken, trying $((port + 1))"
    port=$((port + 1))
    [ "$port" -lt $((want_port + 100)) ] || { log "no free port in $want_port-$((want_port + 99))"; exit 1; }
  done
  log "starting PostgreSQL on 127.0.0.1:$port and $sock"
  as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o "-p $port" start >/dev/null || {
    log "the server did not start; its log:"
    tail -n 30 "$dir/server.log" >&2 || true
    exit 1
  }
fi

psql_pg() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres "$@"; }

pwfile=$dir/password
if [ ! -s "$pwfile" ]; then
  (umask 077; od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$pwfile")
fi
pw=$(cat "$pwfile")

if [ -z "$(psql_pg -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" ]; then
  psql_pg -c "CREATE ROLE $role LOGIN PASSWORD '$pw'"
else
  psql_pg -c "ALTER ROLE $role PASSWORD '$pw'"
fi
if [ -z "$(psql_pg -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
  psql_pg -c "CREATE DATABASE $db OWNER $role"
fi

url="postgres://$role:$pw@127.0.0.1:$port/$db?sslmode=disable"
socket_url="postgres://$role:$pw@/$db?host=$sock&port=$port"
lines="export FLASHCALL_TEST_POSTGRES_URL='$url'
export FLASHCALL_TEST_POSTGRES_SOCKET_URL='$socket_url'"
(umask 077; echo "$lines" >"$dir/env")
log "ready: $db on 127.0.0.1:$port and in $sock; the URLs are in $dir/env"
echo "$lines"
