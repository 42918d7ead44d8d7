#!/usr/bin/env bash
# Runs a command against the production stack of Clusterhub on 127.0.0.1:
#
#     scripts/with-postgres.sh scripts/with-production.sh .venv/bin/pytest -q tests/production
#
# Uses the database of DATABASE_URL (scripts/with-postgres.sh sets one). Installs Debian's
# redis-server when missing and starts it on a free port without persistence; starts an SMTP
# sink (aiosmtpd) writing every e-mail to a Maildir; sets DEBUG=0, a random SECRET_KEY and the
# other production variables; runs migrate, load_reference and collectstatic; starts gunicorn
# (deploy/gunicorn.conf.py, 2 workers) and `manage.py worker`; waits until /healthz answers 200.
# The command then gets:
#   CLUSTERHUB_BASE_URL   the stack's address, e.g. http://127.0.0.1:41234
#   CLUSTERHUB_MAIL_DIR   the Maildir of the e-mails sent
#   CLUSTERHUB_VAR_DIR    the stack's var/ (admin password file, media, logs in logs/)
# and every variable the stack runs with, so that `manage.py` commands act on the same stack.
# Everything is stopped and removed afterwards; exits with the command's exit code.
# CLUSTERHUB_PYTHON picks the interpreter (default: .venv/bin/python); WEB_CONCURRENCY the
# number of gunicorn workers (default 2).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${CLUSTERHUB_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
export DJANGO_SETTINGS_MODULE=clusterhub.settings

say() { echo "with-production: $*" >&2; }

if ! command -v redis-server >/dev/null 2>&1; then
    say "installing Debian's redis-server package..."
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # Debian starts a system-wide server on 6379 when it can; ours runs on its own port.
fi

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

STACK="$(mktemp -d "${TMPDIR:-/tmp}/clusterhub-stack.XXXXXX")"
LOGS="$STACK/var/logs"
mkdir -p "$LOGS" "$STACK/mail/new" "$STACK/mail/cur" "$STACK/mail/tmp"
PIDS=()

cleanup() {
    local code=$?
    trap - EXIT INT TERM HUP
    # Last started, first stopped: the worker and gunicorn before the SMTP sink and Redis they
    # use (the worker finishes its task, e.g. an e-mail, on SIGTERM).
    local i pid
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid="${PIDS[$i]}"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$code" -ne 0 ] && [ -z "${CLUSTERHUB_STACK_QUIET:-}" ]; then
        for log in "$LOGS"/*.log; do
            [ -s "$log" ] || continue
            say "last lines of $(basename "$log"):"
            tail -n 30 "$log" >&2 || true
        done
    fi
    rm -rf "$STACK"
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Redis: cache, sessions of the rate limits; nothing written to disk.
REDIS_PORT="$(free_port)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$STACK" --daemonize no --loglevel warning >"$LOGS/redis.log" 2>&1 &
PIDS+=("$!")

# SMTP sink: every e-mail lands in the Maildir $STACK/mail.
SMTP_PORT="$(free_port)"
"$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$STACK/mail" \
    >"$LOGS/smtp.log" 2>&1 &
PIDS+=("$!")

WEB_PORT="$(free_port)"
export DEBUG=0
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export SITE_URL="http://127.0.0.1:$WEB_PORT"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export CSRF_TRUSTED_ORIGINS="$SITE_URL"
export SECURE_COOKIES=0  # plain HTTP on 127.0.0.1; behind HTTPS in real deployments
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TASKS_BACKEND="django_tasks_db.DatabaseBackend"
export EMAIL_URL="smtp://127.0.0.1:$SMTP_PORT"
export CLUSTERHUB_VAR_DIR="$STACK/var"
export GUNICORN_BIND="127.0.0.1:$WEB_PORT"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"

manage() { "$PY" "$ROOT/manage.py" "$@"; }

# collectstatic needs no database: it runs while the database is migrated.
manage collectstatic --no-input -v0 >"$LOGS/collectstatic.log" 2>&1 &
STATIC_PID=$!
manage migrate --no-input -v0 >"$LOGS/migrate.log" 2>&1
manage load_reference --if-empty >"$LOGS/load_reference.log" 2>&1
wait "$STATIC_PID"

(cd "$ROOT" && exec "$PY" -m gunicorn -c deploy/gunicorn.conf.py clusterhub.wsgi) \
    >"$LOGS/web.log" 2>&1 &
PIDS+=("$!")
manage worker --no-startup-delay --interval 0.5 >"$LOGS/worker.log" 2>&1 &
PIDS+=("$!")

# Ready when /healthz says ok: database, cache and a fresh worker heartbeat.
if ! "$PY" - "$SITE_URL/healthz" <<'PYEOF'
import sys, time, urllib.error, urllib.request

deadline = time.monotonic() + 60
last = "no answer"
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
            if response.status == 200:
                sys.exit(0)
    except urllib.error.HTTPError as error:
        last = f"{error.code} {error.read()[:300]!r}"
    except OSError as error:
        last = str(error)
    time.sleep(0.3)
print(f"with-production: /healthz did not answer 200 within 60 s: {last}", file=sys.stderr)
sys.exit(1)
PYEOF
then
    exit 1
fi

export CLUSTERHUB_BASE_URL="$SITE_URL"
export CLUSTERHUB_MAIL_DIR="$STACK/mail"
say "Clusterhub at $SITE_URL (gunicorn, $WEB_CONCURRENCY workers), worker, Redis on $REDIS_PORT, SMTP on $SMTP_PORT"

code=0
"$@" || code=$?
exit "$code"
