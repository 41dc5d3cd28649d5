#!/usr/bin/env bash
# A persistent local PostgreSQL cluster for running EasyMO Voice on a developer machine.
#
#   scripts/local-postgres.sh start    provision (once) and start the cluster in <repo>/.local/postgres,
#                                      create database "easymo" if missing, and print its Npgsql
#                                      connection string: the only line written to stdout.
#   scripts/local-postgres.sh stop     stop the cluster.
#   scripts/local-postgres.sh status   say whether it runs (exit 0) or not (exit 3).
#
# Port: EASYMO_DEV_PG_PORT (default 54329), on 127.0.0.1 only. Logs go to stderr and
# <repo>/.local/postgres/postgres.log. Installs the PostgreSQL server with apt-get when it is
# missing and this runs as root; as root, initdb and pg_ctl run as the postgres user.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="$repo_root/.local/postgres"
data="$base/data"
socket_dir="$base/run"
server_log="$base/postgres.log"
port="${EASYMO_DEV_PG_PORT:-54329}"

log() { printf 'local-postgres: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

is_root() { [[ $EUID -eq 0 ]]; }

has_server() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]; }

# The newest directory holding the server binaries (pg_config may name a client-only one).
find_bindir() {
    local dir
    while IFS= read -r dir; do
        if has_server "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <(
        { compgen -G '/usr/lib/postgresql/*/bin' || true; } | sort -t/ -k5,5 -V -r
        pg_config --bindir 2>/dev/null || true
        tr ':' '\n' <<<"${PATH:-}"
    )
    return 1
}

ensure_bindir() {
    if bindir="$(find_bindir)"; then
        return 0
    fi
    is_root || die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install them (sudo apt-get install postgresql)."
    log "PostgreSQL server binaries not found: installing them with apt-get (quietly)"
    local apt_log
    apt_log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } </dev/null >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        rm -f "$apt_log"
        die "apt-get install postgresql failed."
    fi
    rm -f "$apt_log"
    bindir="$(find_bindir)" || die "installed postgresql, but still found no initdb, pg_ctl and postgres."
}

# Runs a PostgreSQL tool, as the postgres user when root (initdb and postgres refuse root).
# Its output goes to stderr, so that stdout carries only this script's answer.
pg() {
    local tool="$bindir/$1"
    shift
    if is_root; then
        (cd / && runuser -u postgres -- "$tool" "$@") >&2
    else
        (cd / && "$tool" "$@") >&2
    fi
}

psql_cmd() {
    local client="$bindir/psql"
    [[ -x $client ]] || client="$(command -v psql)" || die "psql not found: install postgresql-client."
    "$client" -X -q -A -t -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$2"
}

is_running() { [[ -f "$data/PG_VERSION" ]] && pg pg_ctl -D "$data" status >/dev/null 2>&1; }

# The port of the running server, from line 4 of postmaster.pid.
running_port() { sed -n 4p "$data/postmaster.pid"; }

provision() {
    log "provisioning a new cluster in $data"
    mkdir -p "$base"
    if is_root; then
        chown postgres "$base"
        runuser -u postgres -- test -w "$base" \
            || die "the postgres user cannot reach $base (is a parent directory private?); move the repo or run as another user."
    fi
    pg initdb -D "$data" -A trust -U postgres -E UTF8 --locale=C
    # Durable settings (fsync stays on): this is the development database.
    cat >>"$data/postgresql.conf" <<EOF

# Added by scripts/local-postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$socket_dir'
EOF
}

cmd_start() {
    ensure_bindir
    if ! is_running; then
        [[ -f "$data/PG_VERSION" ]] || provision
        if is_root; then
            install -d -o postgres "$socket_dir"
        else
            mkdir -p "$socket_dir"
        fi
        log "starting PostgreSQL on 127.0.0.1:$port (log: $server_log)"
        if ! pg pg_ctl -D "$data" -l "$server_log" -w -t 60 -o "-p $port" start; then
            tail -n 20 "$server_log" >&2 || true
            die "could not start PostgreSQL on port $port (is the port taken? set EASYMO_DEV_PG_PORT)."
        fi
    fi

    local actual_port
    actual_port="$(running_port)"
    if [[ $actual_port != "$port" ]]; then
        log "already running on port $actual_port (not $port): stop it first to change the port"
    fi
    local exists
    exists="$(psql_cmd "$actual_port" "select 1 from pg_database where datname = 'easymo'")" \
        || die "PostgreSQL (per $data/postmaster.pid) does not answer on 127.0.0.1:$actual_port; see $server_log."
    if [[ -z $exists ]]; then
        log "creating database easymo"
        psql_cmd "$actual_port" "create database easymo" >&2
    fi
    printf 'Host=127.0.0.1;Port=%s;Database=easymo;Username=postgres\n' "$actual_port"
}

cmd_stop() {
    if [[ ! -f "$data/PG_VERSION" ]]; then
        log "no cluster in $data"
        return 0
    fi
    ensure_bindir
    if is_running; then
        pg pg_ctl -D "$data" -m fast -w stop
    else
        log "not running"
    fi
}

cmd_status() {
    if [[ -f "$data/PG_VERSION" ]] && bindir="$(find_bindir)" && is_running; then
        echo "running on 127.0.0.1:$(running_port) (data: $data)"
        return 0
    fi
    echo "not running (data: $data)"
    return 3
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
