#!/usr/bin/env bash
# The EasyMO Voice benchmark (docs/benchmarks.md), in one command on a fresh machine:
#
#   bench/run.sh                 build Release; a throwaway durable PostgreSQL cluster; the fake OpenAI; the service;
#                                load at 1, 16 and 64 senders; the bare Kestrel ceiling at the same levels; pgbench with
#                                the service's SQL per call; a markdown table. Everything it starts is stopped on exit.
#   bench/run.sh --capture-sql   instead: run the service briefly against a cluster with log_statement = 'all' and write
#                                the statements of a few calls to the results (how bench/pgbench/call.sql was derived).
#   bench/run.sh --serve         instead: set up the cluster, the fake OpenAI and the service, write their addresses,
#                                secret and process ids to <results>/serve.env, and wait (Ctrl+C tears down): for
#                                profiling by hand with `dotnet bench/EasyMo.Bench/bin/Release/net10.0/EasyMo.Bench.dll load ...`.
#
# Results (JSON lines, logs, pgbench output, pg_stat_statements, the table) go to bench/results/<UTC time>/, which
# git ignores. Traffic goes to 127.0.0.1 only. Tunables (environment), defaults in brackets:
#   BENCH_LEVELS ["1 16 64"]  BENCH_DURATION [20] and BENCH_WARMUP [10] seconds per level  BENCH_CALLERS [1000]
#   BENCH_RATES ["500 1000"] calls/s offered by 64 senders in open-loop service levels after the closed-loop ones ("")
#   BENCH_PGBENCH_SECONDS [20]  BENCH_PGBENCH_CLIENTS [64]  BENCH_PARTS ["service bare pgbench"]
#   BENCH_RESULTS [bench/results/<time>]  BENCH_SKIP_BUILD [unset]
#   For experiments: BENCH_SERVICE_DIR [src/WebApi/bin/Release/net10.0] runs another build of the service;
#   BENCH_DB_OPTIONS (e.g. "No Reset On Close=true") is appended to the service's connection string; any other variable
#   set in the environment (Serilog__MinimumLevel__Default, DOTNET_gcServer, …) reaches the service as usual.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

mode=bench
case "${1:-}" in
"") ;;
--capture-sql) mode=capture ;;
--serve) mode=serve ;;
-h | --help)
    sed -n '2,23p' "$0"
    exit 0
    ;;
*)
    echo "usage: $0 [--capture-sql | --serve]" >&2
    exit 2
    ;;
esac

read -r -a levels <<<"${BENCH_LEVELS:-1 16 64}"
levels_service=("${levels[@]}")
duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-10}"
pgbench_seconds="${BENCH_PGBENCH_SECONDS:-20}"
pgbench_clients="${BENCH_PGBENCH_CLIENTS:-64}"
callers="${BENCH_CALLERS:-1000}"
read -r -a rates <<<"${BENCH_RATES-500 1000}"
parts=" ${BENCH_PARTS:-service bare pgbench} "
db_options="${BENCH_DB_OPTIONS:-}"
results="${BENCH_RESULTS:-$repo_root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

is_root() { [[ $EUID -eq 0 ]]; }

# --- Tools ---------------------------------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"

has_pg() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" && -x "$1/pgbench" && -x "$1/psql" ]]; }
find_pg_bindir() {
    local dir
    while IFS= read -r dir; do
        if [[ -n $dir ]] && has_pg "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <({ compgen -G '/usr/lib/postgresql/*/bin' || true; } | sort -t/ -k5,5 -V -r)
    return 1
}
if ! pg_bin="$(find_pg_bindir)"; then
    is_root || die "PostgreSQL server binaries and pgbench are missing: install postgresql (sudo apt-get install postgresql)."
    log "installing PostgreSQL with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } </dev/null >/dev/null
    pg_bin="$(find_pg_bindir)" || die "installed postgresql but found no initdb, pg_ctl, postgres, pgbench and psql"
fi

# Runs a PostgreSQL server tool, as the postgres user when root (initdb and postgres refuse root).
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# --- Everything started here is stopped on exit -------------------------------------------------------------------
work="$(mktemp -d /tmp/easymo-bench.XXXXXX)"
chmod 755 "$work"
pg_data="$work/pg"
pg_started=false
started_pids=()

stop_pid() { # stop_pid PID: SIGTERM, then SIGKILL after 15 s
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${started_pids[@]}"; do
        stop_pid "$pid"
    done
    if $pg_started; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [[ -f $work/postgres.log ]] && cp "$work/postgres.log" "$results/postgres.log" 2>/dev/null
    # The service logs three JSON lines per call (about 190 MB per run): kept, compressed.
    [[ -s $results/service.log ]] && gzip -f "$results/service.log" 2>/dev/null
    rm -rf "$work"
    ((status == 0)) || log "failed (exit $status); logs in $results"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$results"
log "results in $results"

# --- Build (Release): the bench project builds the service it references ----------------------------------------------
bench_dll="$repo_root/bench/EasyMo.Bench/bin/Release/net10.0/EasyMo.Bench.dll"
service_dir="${BENCH_SERVICE_DIR:-$repo_root/src/WebApi/bin/Release/net10.0}"
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
    log "building Release (bench/EasyMo.Bench and src/WebApi)"
    dotnet build "$repo_root/bench/EasyMo.Bench/EasyMo.Bench.csproj" -c Release -nologo -v quiet >"$results/build.log" 2>&1 \
        || { tail -n 30 "$results/build.log" >&2; die "build failed (see $results/build.log)"; }
fi
[[ -f $bench_dll && -f $service_dir/EasyMo.WebApi.dll ]] || die "the Release build is missing ($bench_dll, $service_dir)"
bench() { dotnet "$bench_dll" "$@"; }

# --- Is the machine quiet? Anything else running shares the two cores with the benchmark -------------------------------
busy_cores() { # busy_cores SECONDS: average cores busy (all but idle and iowait) over that time
    local a b
    read -r -a a < <(head -n 1 /proc/stat)
    sleep "$1"
    read -r -a b < <(head -n 1 /proc/stat)
    awk -v n="$(nproc)" -v a="${a[*]:1:8}" -v b="${b[*]:1:8}" 'BEGIN {
        split(a, x, " "); split(b, y, " "); total = 0
        for (i = 1; i <= 8; i++) total += y[i] - x[i]
        idle = (y[4] - x[4]) + (y[5] - x[5])
        printf "%.2f", (total > 0 ? (total - idle) / total * n : 0) }'
}
idle_busy="$(busy_cores 3)"
echo "$idle_busy" >"$results/busy-before.txt"
log "machine busy before the run: $idle_busy of $(nproc) cores"
awk -v b="$idle_busy" 'BEGIN { exit !(b > 0.2) }' \
    && log "warning: the machine is not quiet ($idle_busy cores busy before the run): the figures will be low; see 'other' in the results"

# --- A throwaway durable PostgreSQL cluster on a free loopback port ---------------------------------------------------
pg_port="$(bench free-port)"
if is_root; then
    install -d -o postgres -m 700 "$pg_data"
    install -d -o postgres "$work/pgsock"
    install -o postgres /dev/null "$work/postgres.log"
else
    mkdir -p "$pg_data" "$work/pgsock"
fi
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') cluster in $pg_data on 127.0.0.1:$pg_port"
as_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C >"$results/initdb.log" 2>&1 \
    || { cat "$results/initdb.log" >&2; die "initdb failed"; }
log_statement=none
[[ $mode == capture ]] && log_statement=all
cat >>"$pg_data/postgresql.conf" <<EOF

# bench/run.sh: durable (the defaults, spelled out) and sized for 64 senders plus pgbench's 64 clients.
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pgsock'
max_connections = 250
fsync = on
synchronous_commit = on
full_page_writes = on
wal_sync_method = fdatasync
shared_buffers = 256MB
max_wal_size = 2GB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
log_statement = '$log_statement'
log_min_duration_statement = -1
EOF
as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$work/postgres.log" >&2; die "PostgreSQL did not start"; }
pg_started=true
pg_pid="$(head -n 1 "$pg_data/postmaster.pid")"
psql_do() { "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_do -d postgres -c "create database easymo" >/dev/null
psql_do -d easymo -c "create extension pg_stat_statements" >/dev/null
psql_do -d easymo -c "select name || ' = ' || setting from pg_settings where name in ('fsync','synchronous_commit','full_page_writes','wal_sync_method','max_connections','shared_buffers') order by name" >"$results/pg_settings.txt"

# --- The fake OpenAI, then the service -------------------------------------------------------------------------------
fake_port="$(bench free-port)"
# Started as plain commands (not through the bench function) so that $! is the process itself.
dotnet "$bench_dll" fake-openai --port "$fake_port" >"$results/fake-openai.log" 2>&1 &
fake_pid=$!
started_pids+=("$fake_pid")
bench wait-http --url "http://127.0.0.1:$fake_port/stats" --timeout 60 || die "the fake OpenAI did not start"

secret="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
# The load generator signs every INVITE as the SIP edge would (X-EasyMo-Edge, admission mtn-rw) with this key, so the
# measured path is a verified caller's: the attestation's HMAC, then the profile lookup.
export SIP_EDGE_ATTESTATION_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
service_port="$(bench free-port)"
(
    cd "$service_dir"
    export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
    export ConnectionStrings__EasyMo="Host=127.0.0.1;Port=$pg_port;Database=easymo;Username=postgres${db_options:+;$db_options}"
    export OPENAI_API_KEY=sk-bench-not-a-key
    export OPENAI_WEBHOOK_SECRET="$secret"
    export OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1"
    export EASYMO_APPLY_MIGRATIONS=true
    # Production refuses a placeholder token and runs only with a pseudonym key: generated, as a deployment's would be.
    export EASYMO_ADMIN_TOKEN="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    export Privacy__PseudonymKey="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    # The benchmark measures the webhook's decision path. The sideband monitor, which follows each accepted call over
    # OpenAI's realtime socket until it ends, is off: the fake OpenAI has no realtime socket, and a benchmark's calls
    # have no caller to end them, so following them would pile up sockets without bound. Hence also no live-call
    # ceiling: accepted calls never end here, and the ceiling would refuse all but the first 50 with 486.
    # The bench's INVITEs are a carrier's through the SIP edge: signed with SIP_EDGE_ATTESTATION_KEY (exported above),
    # so every call is verified and takes the path with the profile lookup.
    export Sideband__Enabled=false
    export Calls__MaxLiveCalls=0
    # Nothing scrapes here: the management listener (/metrics) on a port of the kernel's choosing, never 9464, which
    # another instance on this machine may hold.
    export EASYMO_MANAGEMENT_URLS=http://127.0.0.1:0
    exec dotnet EasyMo.WebApi.dll --urls "http://127.0.0.1:$service_port"
) >"$results/service.log" 2>&1 &
service_pid=$!
started_pids+=("$service_pid")
log "service pid $service_pid on 127.0.0.1:$service_port (log: $results/service.log)"
bench wait-http --url "http://127.0.0.1:$service_port/health/ready" --timeout 120 \
    || { tail -n 20 "$results/service.log" >&2; die "the service did not become ready"; }

webhook_url="http://127.0.0.1:$service_port/openai-sip-webhook"
jsonl="$results/results.jsonl"
: >"$jsonl"

if [[ $mode == serve ]]; then
    cat >"$results/serve.env" <<EOF
BENCH_DLL=$bench_dll
WEBHOOK_URL=$webhook_url
SECRET=$secret
SERVICE_PID=$service_pid
POSTGRES_PID=$pg_pid
FAKE_PID=$fake_pid
FAKE_STATS=http://127.0.0.1:$fake_port/stats
PGPORT=$pg_port
SIP_EDGE_ATTESTATION_KEY=$SIP_EDGE_ATTESTATION_KEY
EOF
    log "serving: see $results/serve.env; Ctrl+C or SIGTERM to tear down"
    while kill -0 "$service_pid" 2>/dev/null; do sleep 1; done
    die "the service exited (see $results/service.log)"
fi

if [[ $mode == capture ]]; then
    psql_do -d easymo -c "select pg_stat_statements_reset()" >/dev/null
    log "capturing the statements of a few calls (log_statement = all)"
    marker="$(wc -l <"$work/postgres.log")"
    bench load --kind capture --url "$webhook_url" --secret "$secret" --concurrency 1 --duration 1 --warmup 0 \
        --callers 3 --prime --expect-outcome accepted >>"$jsonl"
    tail -n +"$((marker + 1))" "$work/postgres.log" | grep -E 'LOG:  (statement|execute)' >"$results/statements.log" || true
    psql_do -d easymo -c "select calls, rows, query from pg_stat_statements where dbid = (select oid from pg_database where datname = 'easymo') order by calls desc" \
        >"$results/pg_stat_statements.txt"
    log "statements: $results/statements.log; counts: $results/pg_stat_statements.txt"
    exit 0
fi

# --- Service levels ----------------------------------------------------------------------------------------------------
[[ $parts == *" service "* ]] || levels_service=()
if ((${#levels_service[@]} > 0)); then
    # One call from each caller of the pool first (unmeasured), so that every caller has a profile, as in production.
    bench load --url "$webhook_url" --secret "$secret" --concurrency 16 --callers "$callers" --prime-only
fi
psql_do -d easymo -c "select pg_stat_statements_reset()" >/dev/null
for c in "${levels_service[@]}"; do
    log "service: $c senders (${warmup}s warm-up, ${duration}s measured)"
    bench load --kind service --url "$webhook_url" --secret "$secret" --concurrency "$c" --duration "$duration" \
        --warmup "$warmup" --callers "$callers" --pid "$service_pid" --expect-outcome accepted \
        --cpu "service=$service_pid" --cpu "postgres=$pg_pid" --cpu "fake-openai=$fake_pid" \
        >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2)
    sleep 1
done
# Open loop: calls arrive at a rate, not when the last one is answered, so these levels show latency at a given load.
((${#levels_service[@]} > 0)) || rates=()
for rate in "${rates[@]}"; do
    log "service: open loop, $rate calls/s offered by 64 senders"
    bench load --kind service-open --url "$webhook_url" --secret "$secret" --concurrency 64 --rate "$rate" \
        --duration "$duration" --warmup "$warmup" --callers "$callers" --pid "$service_pid" --expect-outcome accepted \
        --cpu "service=$service_pid" --cpu "postgres=$pg_pid" --cpu "fake-openai=$fake_pid" \
        >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2)
    sleep 1
done
bench wait-http --url "http://127.0.0.1:$fake_port/stats" --print >"$results/fake-openai-stats.json"
psql_do -d easymo -c "select calls, round(mean_exec_time::numeric, 3) as mean_ms, rows, regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements where dbid = (select oid from pg_database where datname = 'easymo') order by calls desc limit 20" \
    -F ' | ' >"$results/pg_stat_statements.txt"
psql_do -d easymo -c "select status, count(*) from calls group by status order by status" -F ' ' >"$results/calls_by_status.txt"
if [[ $parts == *" service "* ]]; then
    # The statements per call (top-level only: the foreign-key checks are PostgreSQL's own), against bench/pgbench/call.sql.
    accepted=$(($(psql_do -d easymo -c "select count(*) from calls") - callers))
    psql_do -d easymo -F '|' -c "select round(calls::numeric / $accepted, 2), regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements where toplevel and dbid = (select oid from pg_database where datname = 'easymo') and calls >= $accepted / 2 order by calls desc" \
        >"$results/statements_per_call.txt"
    bench mirror-check --stats "$results/statements_per_call.txt" --script "$repo_root/bench/pgbench/call.sql" \
        | tee "$results/mirror-check.txt" >&2 || true
fi
stop_pid "$service_pid"

# --- The bare ceiling (server GC, as the service) -----------------------------------------------------------------------
if [[ $parts == *" bare "* ]]; then
    bare_port="$(bench free-port)"
    DOTNET_gcServer=1 dotnet "$bench_dll" bare --port "$bare_port" --secret "$secret" >"$results/bare.log" 2>&1 &
    bare_pid=$!
    started_pids+=("$bare_pid")
    bench wait-http --url "http://127.0.0.1:$bare_port/health/ready" --timeout 60 || die "the bare server did not start"
    for c in "${levels[@]}"; do
        log "bare: $c senders"
        bench load --kind bare --url "http://127.0.0.1:$bare_port/openai-sip-webhook" --secret "$secret" --concurrency "$c" \
            --duration "$duration" --warmup "$warmup" --callers "$callers" --pid "$bare_pid" --cpu "bare=$bare_pid" \
            >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2)
        sleep 1
    done
    stop_pid "$bare_pid"
fi
stop_pid "$fake_pid"

# --- pgbench: the same SQL per call, straight to the same cluster ---------------------------------------------------------
run_pgbench() { # run_pgbench KIND SCRIPT
    local kind=$1 script=$2 out="$results/$1.txt" tps latency failed
    log "$kind: $pgbench_clients clients, ${pgbench_seconds}s, ${script#"$repo_root"/}"
    "$pg_bin/pgbench" -n -M prepared -f "$script" -c "$pgbench_clients" -j 2 -T "$pgbench_seconds" \
        -h 127.0.0.1 -p "$pg_port" -U postgres easymo >"$out" 2>&1 \
        || { cat "$out" >&2; die "pgbench failed"; }
    tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | head -n 1)"
    latency="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$out" | head -n 1)"
    failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out" | head -n 1)"
    [[ -n $tps ]] || { cat "$out" >&2; die "no tps in pgbench's output"; }
    printf '{"kind":"%s","clients":%s,"seconds":%s,"tps":%s,"latency_avg_ms":%s,"failed":%s}\n' \
        "$kind" "$pgbench_clients" "$pgbench_seconds" "$tps" "${latency:-0}" "${failed:-0}" >>"$jsonl"
    log "$kind: $tps transactions/s, average latency ${latency:-?} ms"
}
if [[ $parts == *" pgbench "* ]]; then
    run_pgbench pgbench "$repo_root/bench/pgbench/call.sql"

    # The disk's fsync rate: what a commit costs here.
    as_pg "$pg_bin/pg_test_fsync" -s 1 -f "$pg_data/fsync.test" >"$results/pg_test_fsync.txt" 2>&1 || true
fi

# --- The table -----------------------------------------------------------------------------------------------------------------
bench report --results "$jsonl" | tee "$results/table.md"
{
    echo
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); busy before the run: $idle_busy cores"
    [[ -f $results/fake-openai-stats.json ]] && echo "fake OpenAI answered: $(cat "$results/fake-openai-stats.json")"
    [[ -f $results/calls_by_status.txt ]] && echo "calls by status: $(tr '\n' ';' <"$results/calls_by_status.txt")"
    [[ -f $results/mirror-check.txt ]] && cat "$results/mirror-check.txt"
    [[ -f $results/pg_test_fsync.txt ]] && grep -E '^ +fdatasync' "$results/pg_test_fsync.txt" | head -n 1 | sed 's/^ */pg_test_fsync (one 8 kB write + sync): /'
    true
} | tee -a "$results/table.md"
log "done: $results/table.md"
