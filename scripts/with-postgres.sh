#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster:
#
#     scripts/with-postgres.sh .venv/bin/pytest -q
#
# Installs Debian's postgresql package when initdb/pg_ctl are missing, creates a cluster in a
# temporary directory (owned by the `postgres` user when run as root: initdb refuses root),
# listens on 127.0.0.1 on a free port only, exports DATABASE_URL for the command, and always
# stops and removes the cluster afterwards. Exits with the command's exit code.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

find_pg_bin() {
    local dir
    # Highest installed version first.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

PG_BIN="$(find_pg_bin || true)"
if [ -z "$PG_BIN" ]; then
    echo "with-postgres: installing Debian's postgresql package..." >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PG_BIN="$(find_pg_bin)" || {
        echo "with-postgres: initdb/pg_ctl not found after installing postgresql" >&2
        exit 1
    }
fi

# Run the server as `postgres` when we are root, as ourselves otherwise.
if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
    PG_OWNER="postgres"
else
    as_pg() { "$@"; }
    PG_OWNER="$(id -un)"
fi

free_port() {
    # Ask the kernel for a free port on 127.0.0.1 (race-free enough for a test run).
    local py
    for py in python3 python; do
        if command -v "$py" >/dev/null 2>&1; then
            "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
            return
        fi
    done
    # No Python: try random high ports until one refuses a connection.
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

TMP_BASE="${TMPDIR:-/tmp}"
# The postgres user must be able to reach the cluster directory.
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$TMP_BASE" 2>/dev/null; then
    TMP_BASE=/tmp
fi
PG_ROOT="$(mktemp -d "$TMP_BASE/clusterhub-pg.XXXXXX")"
PG_DATA="$PG_ROOT/data"
PG_LOG="$PG_ROOT/server.log"
PG_SOCK="$PG_ROOT/socket"
chmod 700 "$PG_ROOT"
mkdir -p "$PG_SOCK"
[ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$PG_ROOT"

cleanup() {
    local code=$?
    trap - EXIT INT TERM HUP
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_ROOT"
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

DB_USER="clusterhub"
DB_PASS="clusterhub"
DB_NAME="clusterhub"

as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_OWNER" --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$PG_ROOT/initdb.log" 2>&1 || {
    cat "$PG_ROOT/initdb.log" >&2
    exit 1
}

start_server() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 start -o "\
-c listen_addresses=127.0.0.1 -p $1 -c unix_socket_directories=$PG_SOCK \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=100 -c shared_buffers=128MB" >/dev/null
}

PG_PORT=""
for _ in 1 2 3 4 5; do
    port="$(free_port)"
    if start_server "$port"; then
        PG_PORT="$port"
        break
    fi
done
if [ -z "$PG_PORT" ]; then
    echo "with-postgres: the server did not start; its log follows" >&2
    cat "$PG_LOG" >&2 || true
    exit 1
fi

psql_admin() {
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_OWNER" \
        -d postgres "$@"
}
psql_admin -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS'" >/dev/null
psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >/dev/null

export DATABASE_URL="postgres://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$DB_NAME"
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASS" PGDATABASE="$DB_NAME"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PG_PORT" >&2

# Not exec: the EXIT trap must still stop the server. `|| code=$?` keeps set -e from exiting early.
code=0
"$@" || code=$?
exit "$code"
