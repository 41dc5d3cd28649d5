#!/usr/bin/env bash
# The EasyMO Voice benchmark (docs/benchmarks.md), in one command on a fresh machine:
#
#   bench/run.sh                 build Release; a throwaway durable PostgreSQL cluster; the fake OpenAI; the service.
#                                Decision only (the sideband monitor off): 1, 16 and 64 senders, then open loop at 500
#                                and 1000 calls/s. Monitored (the service restarted with the monitor on and a live-call
#                                ceiling): the same levels, every call followed over the fake's realtime socket to its
#                                end. Then the bare Kestrel ceiling; pgbench with the SQL of a decided call and of a
#                                monitored call; a markdown table. About 12 minutes. Everything it starts stops on exit.
#   bench/run.sh --capture-sql   instead: run the service briefly against a cluster with log_statement = 'all' and write
#                                the statements of a few calls to the results: statements.log (decided calls) and
#                                statements-monitored.log (monitored calls), with their counts per call; how
#                                bench/pgbench/call.sql and monitored-call.sql are written (see their headers).
#   bench/run.sh --serve         instead: set up the cluster, the fake OpenAI and the service (monitored with
#                                BENCH_MONITOR=on), write their addresses, secret and process ids to <results>/serve.env,
#                                and wait (Ctrl+C tears down): for profiling by hand with
#                                `dotnet bench/EasyMo.Bench/bin/Release/net10.0/EasyMo.Bench.dll load ...`.
#
# A monitored call: the fake OpenAI accepts the sideband socket, sends session.created, waits for the service's greeting,
# plays the agent's greeting, the caller's yes and a record_consent call, then a finished transcript turn every
# BENCH_TURN_INTERVAL seconds, and closes the socket BENCH_CALL_SECONDS after it opened; it answers the post-call summary
# (POST /v1/responses) too. A monitored level reports, besides calls/s and the decision's latency: the live calls
# (easymo_calls_live, from the service's /metrics), the transcripts' event-to-stored lag (the service's histogram
# easymo_transcript_store_lag_seconds when it exports one, "n/a" otherwise; and from the fake's send to the row's commit,
# measured from the database), calls ended, transcript rows and summaries, CPU per call and per live call, memory per
# live call. The statements per monitored call are checked against bench/pgbench/monitored-call.sql.
#
# The capacity part (BENCH_PARTS with "capacity"): long calls (BENCH_CAPACITY_CALL_SECONDS) arrive open loop at
# C / call-seconds calls/s, so that C calls are live, each speaking every turn interval; C steps up through
# BENCH_CAPACITY_STEPS (at most BENCH_CAPACITY_MAX) until the transcripts' lag p99 over a step passes BENCH_LAG_LIMIT
# seconds or errors appear: "N concurrent monitored calls before the lag passes 1 s". Not in the default set: a step is
# one call length of ramp plus its measured window (about 95 s at the defaults, 8 minutes for five steps), which would
# take the default run past 15 minutes. Run it alone with BENCH_PARTS=capacity (about 10 minutes).
#
# The example part (BENCH_PARTS with "example"; needs Node.js and npm): OpenAI's own server for this job
# (bench/openai-example, openai-agents-js's realtime-twilio-sip) at the same levels against the same fake, every call
# accepted and followed over the sideband socket to its end; the table sets its calls/s and CPU beside the monitored
# levels'. Compare the two in one run: BENCH_PARTS="service example" BENCH_MONITOR=on.
#
# Results (JSON lines, logs, pgbench output, pg_stat_statements, the table) go to bench/results/<UTC time>/, which
# git ignores. Traffic goes to 127.0.0.1 only. Tunables (environment), defaults in brackets:
#   BENCH_LEVELS ["1 16 64"]  BENCH_DURATION [20] and BENCH_WARMUP [10] seconds per level  BENCH_CALLERS [1000]
#   BENCH_RATES ["500 1000"] calls/s offered by 64 senders in open-loop service levels after the closed-loop ones ("")
#   BENCH_PGBENCH_SECONDS [20]  BENCH_PGBENCH_CLIENTS [64]  BENCH_PARTS ["service bare pgbench"; "capacity", "example"
#   to add]
#   BENCH_MONITOR [both]: off (decision-only levels), on (monitored levels), both (decision-only, then monitored)
#   BENCH_MAX_LIVE_CALLS [10000] the monitored service's Calls:MaxLiveCalls (0: no ceiling, for experiments)
#   BENCH_CALL_SECONDS [5]  BENCH_TURN_INTERVAL [1]  BENCH_DRAIN_TIMEOUT [60] seconds to wait for calls to end and for
#   their summaries after the monitored levels  BENCH_PGBENCH_LIVE [the 64-sender monitored level's] live calls for
#   monitored-call.sql's ceiling count
#   BENCH_CAPACITY_STEPS ["250 500 1000 2000 4000"]  BENCH_CAPACITY_MAX [4000]  BENCH_CAPACITY_CALL_SECONDS [60]
#   BENCH_CAPACITY_WINDOW [30] measured seconds per step  BENCH_LAG_LIMIT [1] seconds
#   BENCH_RESULTS [bench/results/<time>]  BENCH_SKIP_BUILD [unset]
#   For experiments: BENCH_SERVICE_DIR [src/WebApi/bin/Release/net10.0] runs another build of the service;
#   BENCH_DB_OPTIONS (e.g. "No Reset On Close=true") is appended to the service's connection string; BENCH_PG_CONF
#   (lines) to postgresql.conf (auto_explain, say); any other variable
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
    sed -n '2,57p' "$0"
    exit 0
    ;;
*)
    echo "usage: $0 [--capture-sql | --serve]" >&2
    exit 2
    ;;
esac

read -r -a levels <<<"${BENCH_LEVELS:-1 16 64}"
duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-10}"
pgbench_seconds="${BENCH_PGBENCH_SECONDS:-20}"
pgbench_clients="${BENCH_PGBENCH_CLIENTS:-64}"
callers="${BENCH_CALLERS:-1000}"
read -r -a rates <<<"${BENCH_RATES-500 1000}"
parts=" ${BENCH_PARTS:-service bare pgbench} "
db_options="${BENCH_DB_OPTIONS:-}"
results="${BENCH_RESULTS:-$repo_root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
monitor="${BENCH_MONITOR:-both}"
# The monitored service's live-call ceiling (Calls:MaxLiveCalls). Live calls ≈ calls/s × call seconds: the decision-only
# service has done up to about 1,400 calls/s at 64 senders here, so 5-second calls could put 7,000 calls live at once, and
# the capacity part holds up to BENCH_CAPACITY_MAX. The ceiling must stay above both, or the levels would measure 486
# refusals; 10,000 leaves a margin. It is a real ceiling all the same: every decision takes the ceiling's advisory lock
# and counts the live calls (up to the ceiling), as in production, which a value of 0 (no ceiling) would skip.
max_live_calls="${BENCH_MAX_LIVE_CALLS:-10000}"
call_seconds="${BENCH_CALL_SECONDS:-5}"
turn_interval="${BENCH_TURN_INTERVAL:-1}"
drain_timeout="${BENCH_DRAIN_TIMEOUT:-60}"
read -r -a capacity_steps <<<"${BENCH_CAPACITY_STEPS:-250 500 1000 2000 4000}"
capacity_max="${BENCH_CAPACITY_MAX:-4000}"
capacity_call_seconds="${BENCH_CAPACITY_CALL_SECONDS:-60}"
capacity_window="${BENCH_CAPACITY_WINDOW:-30}"
lag_limit="${BENCH_LAG_LIMIT:-1}"
case "$monitor" in
off | on | both) ;;
*)
    echo "BENCH_MONITOR is off, on or both" >&2
    exit 2
    ;;
esac
run_decision=false
run_monitored=false
if [[ $parts == *" service "* ]]; then
    [[ $monitor != on ]] && run_decision=true
    [[ $monitor != off ]] && run_monitored=true
fi
run_capacity=false
[[ $parts == *" capacity "* ]] && run_capacity=true

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

is_root() { [[ $EUID -eq 0 ]]; }

# --- Open files: every monitored call holds a socket in the service and one in the fake OpenAI ------------------------
want_files=65536
hard_files="$(ulimit -Hn)"
[[ $hard_files != unlimited ]] && ((hard_files < want_files)) && want_files=$hard_files
ulimit -n "$want_files" 2>/dev/null || true
open_files="$(ulimit -n)"

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
    local pid file
    for pid in "${started_pids[@]}"; do
        stop_pid "$pid"
    done
    if $pg_started; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [[ -f $work/postgres.log ]] && cp "$work/postgres.log" "$results/postgres.log" 2>/dev/null
    # The service logs three JSON lines per call (about 190 MB per run): kept, compressed.
    for file in "$results"/service-*.log; do
        [[ -s $file ]] && gzip -f "$file" 2>/dev/null
    done
    rm -rf "$work"
    ((status == 0)) || log "failed (exit $status); logs in $results"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$results"
log "results in $results"
log "open files allowed: $open_files"

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
# The monitored levels measure each transcript's lag from the fake's send to its row's commit with
# pg_xact_commit_timestamp (a few bytes per transaction; on for every part, so that they all run the same cluster).
track_commit_timestamp = on
EOF
# For experiments: BENCH_PG_CONF, lines appended to postgresql.conf after the bench's own (a later line wins), e.g.
# shared_preload_libraries = 'pg_stat_statements,auto_explain' and auto_explain.log_min_duration = '300ms'.
[[ -n ${BENCH_PG_CONF:-} ]] && printf '%s\n' "$BENCH_PG_CONF" >>"$pg_data/postgresql.conf"
as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$work/postgres.log" >&2; die "PostgreSQL did not start"; }
pg_started=true
pg_pid="$(head -n 1 "$pg_data/postmaster.pid")"
psql_do() { "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_do -d postgres -c "create database easymo" >/dev/null
psql_do -d easymo -c "create extension pg_stat_statements" >/dev/null
# The harness's own queries (waiting for calls to end, counting, the load generator's figures) run as another role, so
# that pg_stat_statements tells them apart from the service's (which connects as postgres).
psql_do -d postgres -c "create role bench_probe login superuser" >/dev/null
probe_do() { "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U bench_probe -d easymo -v ON_ERROR_STOP=1 "$@"; }
psql_do -d easymo -c "select name || ' = ' || setting from pg_settings where name in ('fsync','synchronous_commit','full_page_writes','wal_sync_method','max_connections','shared_buffers','track_commit_timestamp') order by name" >"$results/pg_settings.txt"
db_conn="Host=127.0.0.1;Port=$pg_port;Database=easymo;Username=postgres"
probe_conn="Host=127.0.0.1;Port=$pg_port;Database=easymo;Username=bench_probe"
service_statements="toplevel and dbid = (select oid from pg_database where datname = 'easymo') and userid = (select oid from pg_roles where rolname = 'postgres')"

# --- The fake OpenAI ---------------------------------------------------------------------------------------------------
fake_port="$(bench free-port)"
fake_pid=
start_fake() { # start_fake CALL_SECONDS: the fake OpenAI on $fake_port, its sockets playing calls that long
    # Started as a plain command (not through the bench function) so that $! is the process itself.
    dotnet "$bench_dll" fake-openai --port "$fake_port" --call-seconds "$1" --turn-interval "$turn_interval" \
        >>"$results/fake-openai.log" 2>&1 &
    fake_pid=$!
    started_pids+=("$fake_pid")
    bench wait-http --url "http://127.0.0.1:$fake_port/stats" --timeout 60 || die "the fake OpenAI did not start"
}
stop_fake() {
    [[ -n $fake_pid ]] && stop_pid "$fake_pid"
    fake_pid=
}
fake_stats() { bench wait-http --url "http://127.0.0.1:$fake_port/stats" --print; }
start_fake "$call_seconds"

# --- The service ---------------------------------------------------------------------------------------------------------
secret="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
# The load generator signs every INVITE as the SIP edge would (X-EasyMo-Edge, admission mtn-rw) with this key, so the
# measured path is a verified caller's: the attestation's HMAC, then the profile lookup.
SIP_EDGE_ATTESTATION_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export SIP_EDGE_ATTESTATION_KEY
admin_token="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
pseudonym_key="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
service_pid=
service_port=
service_fresh_rss_kib=
metrics_url=
webhook_url=
start_service() { # start_service off|on LOG: the service without or with the sideband monitor, its log in the results
    local monitored=$1 logname=$2 management_port
    service_port="$(bench free-port)"
    management_port="$(bench free-port)"
    # Neither is bound until the service starts, so the kernel may hand out the same free port twice.
    while [[ $management_port == "$service_port" ]]; do management_port="$(bench free-port)"; done
    (
        cd "$service_dir"
        export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
        export ConnectionStrings__EasyMo="$db_conn${db_options:+;$db_options}"
        export OPENAI_API_KEY=sk-bench-not-a-key
        export OPENAI_WEBHOOK_SECRET="$secret"
        export OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1"
        export EASYMO_APPLY_MIGRATIONS=true
        # Production refuses a placeholder token and runs only with a pseudonym key: generated, as a deployment's would be.
        export EASYMO_ADMIN_TOKEN="$admin_token"
        export Privacy__PseudonymKey="$pseudonym_key"
        if [[ $monitored == on ]]; then
            # As in production: every accepted call followed over the fake's realtime socket to its end (the fake closes it
            # after BENCH_CALL_SECONDS), its transcripts stored, its summary made; a real live-call ceiling (see
            # max_live_calls above for its value).
            export Sideband__Enabled=true
            export Calls__MaxLiveCalls="$max_live_calls"
        else
            # The decision path alone: no sideband monitor (a decision-only call is accepted and never ends), hence no
            # live-call ceiling either, which would refuse all but the first 50 such calls with 486.
            export Sideband__Enabled=false
            export Calls__MaxLiveCalls=0
        fi
        # The bench's INVITEs are a carrier's through the SIP edge: signed with SIP_EDGE_ATTESTATION_KEY (exported above),
        # so every call is verified and takes the path with the profile lookup.
        # The management listener (/metrics: easymo_calls_live, the transcript lag histogram) on a free port the load
        # generator scrapes; never 9464, which another instance on this machine may hold.
        export EASYMO_MANAGEMENT_URLS="http://127.0.0.1:$management_port"
        exec dotnet EasyMo.WebApi.dll --urls "http://127.0.0.1:$service_port"
    ) >"$results/service-$logname.log" 2>&1 &
    service_pid=$!
    started_pids+=("$service_pid")
    metrics_url="http://127.0.0.1:$management_port/metrics"
    webhook_url="http://127.0.0.1:$service_port/openai-sip-webhook"
    log "service pid $service_pid on 127.0.0.1:$service_port, monitor $monitored (log: $results/service-$logname.log)"
    bench wait-http --url "http://127.0.0.1:$service_port/health/ready" --timeout 120 \
        || { tail -n 20 "$results/service-$logname.log" >&2; die "the service did not become ready"; }
    # The RSS of the service fresh and idle (ready, a moment to settle, no call yet): the baseline of memory per live call.
    sleep 2
    service_fresh_rss_kib="$(awk '/^VmRSS:/ {print $2}' "/proc/$service_pid/status")"
}
stop_service() {
    [[ -n $service_pid ]] && stop_pid "$service_pid"
    service_pid=
}

# The decision-only service's calls are accepted and never end (and the capacity part's last calls are cut off when its
# service stops): before a monitored service starts, and before the monitored pgbench, they are ended here, or the
# ceiling would count them as live and the monitor's sweep would take them over as calls nobody follows.
end_unmonitored_calls() {
    local ended
    [[ $(probe_do -c "select to_regclass('calls') is not null") == t ]] || return 0 # no service has run yet
    ended="$(probe_do -c "with e as (update calls set status = 'ended', ended_at = now(), end_reason = 'caller_hangup' where status in ('accepted', 'ringing') returning 1) select count(*) from e")"
    if ((ended > 0)); then
        log "ended the $ended calls left live by a stopped service; vacuuming calls"
        probe_do -c "vacuum (analyze) calls" >/dev/null
    fi
}

# Waits until no call is live and no summary is pending (at most TIMEOUT seconds); says what is left otherwise.
wait_drained() { # wait_drained TIMEOUT
    local deadline=$((SECONDS + $1)) live=0 pending=0
    while ((SECONDS < deadline)); do
        read -r live pending < <(probe_do -F ' ' -c "select count(*) filter (where status in ('accepted', 'ringing')), count(*) filter (where summary_status = 'pending') from calls")
        ((live == 0 && pending == 0)) && return 0
        sleep 1
    done
    log "warning: after ${1}s, $live calls still live and $pending summaries pending"
    return 0
}

calls_count() { probe_do -c "select count(*) from calls"; }
calls_at_reset=0
reset_statements() {
    probe_do -c "select pg_stat_statements_reset()" >/dev/null
    calls_at_reset="$(calls_count)"
}

# The service's statements per call in a part (top-level only: the foreign-key checks are PostgreSQL's own) to FILE,
# compared with SCRIPT: what pg_stat_statements counted since reset_statements, divided by the calls decided since then;
# statements issued for fewer than 1 call in 20 (the background sweeps) are left out.
statements_per_call() { # statements_per_call FILE SCRIPT
    local file=$1 script=$2 decided
    decided=$(($(calls_count) - calls_at_reset))
    ((decided > 0)) || return 0
    probe_do -F '|' -c "select round(calls::numeric / $decided, 2), regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements where $service_statements and calls >= $decided * 0.05 order by calls desc, query" \
        >"$file"
    bench mirror-check --stats "$file" --script "$script" --calls "$decided" | tee "${file%.txt}.mirror-check.txt" >&2 || true
}

pg_stat_statements_to() { # pg_stat_statements_to FILE
    probe_do -c "select calls, round(mean_exec_time::numeric, 3) as mean_ms, rows, regexp_replace(query, '\s+', ' ', 'g') from pg_stat_statements where $service_statements order by calls desc limit 40" \
        -F ' | ' >"$1"
}

jsonl="$results/results.jsonl"
: >"$jsonl"

# --- --serve: set up and wait ----------------------------------------------------------------------------------------------
if [[ $mode == serve ]]; then
    serve_monitor=off
    [[ $monitor == on ]] && serve_monitor=on
    start_service "$serve_monitor" serve
    {
        # Quoted for the shell (the connection string has semicolons): `source serve.env` reads it back.
        printf '%s=%q\n' BENCH_DLL "$bench_dll" WEBHOOK_URL "$webhook_url" SECRET "$secret" SERVICE_PID "$service_pid" \
            METRICS_URL "$metrics_url" POSTGRES_PID "$pg_pid" FAKE_PID "$fake_pid" FAKE_STATS "http://127.0.0.1:$fake_port/stats" \
            PGPORT "$pg_port" DB "$db_conn" SIP_EDGE_ATTESTATION_KEY "$SIP_EDGE_ATTESTATION_KEY"
    } >"$results/serve.env"
    log "serving (monitor $serve_monitor): see $results/serve.env; Ctrl+C or SIGTERM to tear down"
    while kill -0 "$service_pid" 2>/dev/null; do sleep 1; done
    die "the service exited (see $results/service-serve.log)"
fi

# --- --capture-sql: the statements of a few calls ---------------------------------------------------------------------------
capture_statements() { # capture_statements SUFFIX: 5 calls (5/s, 3 callers) with log_statement = all
    local suffix=$1 marker
    reset_statements
    marker="$(wc -l <"$work/postgres.log")"
    bench load --kind "capture$suffix" --url "$webhook_url" --secret "$secret" --concurrency 1 --rate 5 --duration 1 --warmup 0 \
        --callers 3 --expect-outcome accepted >>"$jsonl"
    if [[ -n $suffix ]]; then
        wait_drained 60
    fi
    sleep 1
    tail -n +"$((marker + 1))" "$work/postgres.log" | grep -E 'LOG:  (statement|execute)' >"$results/statements$suffix.log" || true
    pg_stat_statements_to "$results/pg_stat_statements$suffix.txt"
    log "statements: $results/statements$suffix.log; counts: $results/pg_stat_statements$suffix.txt"
}
if [[ $mode == capture ]]; then
    if [[ $monitor != on ]]; then
        log "capturing the statements of a few decided calls (log_statement = all)"
        start_service off capture
        bench load --url "$webhook_url" --secret "$secret" --concurrency 1 --callers 3 --prime-only
        capture_statements ""
        statements_per_call "$results/statements_per_call.txt" "$repo_root/bench/pgbench/call.sql"
        stop_service
    fi
    if [[ $monitor != off ]]; then
        log "capturing the statements of a few monitored calls, of callers who agreed before (log_statement = all)"
        end_unmonitored_calls
        start_service on capture-monitored
        # Their first calls (asked for consent, they agree), ended and summarised before the capture: the captured calls
        # are then a returning caller's, as nearly every call of the monitored levels is (each of the pool's callers
        # agrees in their first call, and is not asked again).
        bench load --url "$webhook_url" --secret "$secret" --concurrency 1 --callers 3 --prime-only
        wait_drained 60
        capture_statements -monitored
        statements_per_call "$results/statements_per_call-monitored.txt" "$repo_root/bench/pgbench/monitored-call.sql"
        fake_stats >"$results/fake-openai-stats-capture.json"
        stop_service
    fi
    exit 0
fi

# --- Service levels ----------------------------------------------------------------------------------------------------
run_levels() { # run_levels KIND [load options…]: closed loop at each level, then open loop at each rate
    local kind=$1 c rate
    shift
    for c in "${levels[@]}"; do
        log "$kind: $c senders (${warmup}s warm-up, ${duration}s measured)"
        bench load --kind "$kind" --url "$webhook_url" --secret "$secret" --concurrency "$c" --duration "$duration" \
            --warmup "$warmup" --callers "$callers" --pid "$service_pid" --expect-outcome accepted \
            --cpu "service=$service_pid" --cpu "postgres=$pg_pid" --cpu "fake-openai=$fake_pid" "$@" \
            >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2)
        sleep 1
    done
    # Open loop: calls arrive at a rate, not when the last one is answered, so these levels show latency at a given load.
    for rate in "${rates[@]}"; do
        log "$kind: open loop, $rate calls/s offered by 64 senders"
        bench load --kind "$kind-open" --url "$webhook_url" --secret "$secret" --concurrency 64 --rate "$rate" \
            --duration "$duration" --warmup "$warmup" --callers "$callers" --pid "$service_pid" --expect-outcome accepted \
            --cpu "service=$service_pid" --cpu "postgres=$pg_pid" --cpu "fake-openai=$fake_pid" "$@" \
            >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2)
        sleep 1
    done
}
primed=false
prime() {
    # One call from each caller of the pool first (unmeasured), so that every caller has a profile, as in production.
    $primed || bench load --url "$webhook_url" --secret "$secret" --concurrency 16 --callers "$callers" --prime-only
    primed=true
}
consented=false
prime_monitored() {
    # One monitored call from each caller of the pool first (unmeasured): asked for consent, they agree, and are then
    # returning callers who agreed, as most of production's callers are. So every measured monitored call takes the same
    # path (the statements of bench/pgbench/monitored-call.sql): the decision reads the caller's last summary, the greeting
    # does not ask again, every turn is stored as it comes, record_consent only confirms. Then their calls end and their
    # summaries are made before the levels start.
    if ! $consented; then
        bench load --url "$webhook_url" --secret "$secret" --concurrency 16 --callers "$callers" --prime-only
        primed=true
        consented=true
    fi
    wait_drained "$drain_timeout"
}

if $run_decision; then
    start_service off decision
    prime
    reset_statements
    run_levels service
    fake_stats >"$results/fake-openai-stats.json"
    pg_stat_statements_to "$results/pg_stat_statements.txt"
    probe_do -c "select status, count(*) from calls group by status order by status" -F ' ' >"$results/calls_by_status.txt"
    statements_per_call "$results/statements_per_call.txt" "$repo_root/bench/pgbench/call.sql"
    stop_service
fi

if $run_monitored; then
    end_unmonitored_calls
    monitored_since="$(probe_do -c "select now()")"
    start_service on monitored
    prime_monitored
    # A fresh process for the levels (the callers' consent is in the database): its RSS before the first level is an idle
    # service's, not one whose heap the priming calls grew.
    stop_service
    start_service on monitored
    reset_statements
    fake_stats >"$results/fake-openai-stats-monitored-before.json"
    # Each level starts once the previous level's calls have ended (--wait-idle): its live calls, lag and idle RSS are
    # its own.
    run_levels monitored --metrics "$metrics_url" --fake-stats "http://127.0.0.1:$fake_port/stats" --db "$probe_conn" \
        --wait-idle "$((call_seconds + 60))" --fresh-rss-kib "$service_fresh_rss_kib"
    log "monitored: waiting for the last calls to end and for their summaries (at most ${drain_timeout}s)"
    wait_drained "$drain_timeout"
    fake_stats >"$results/fake-openai-stats-monitored.json"
    pg_stat_statements_to "$results/pg_stat_statements-monitored.txt"
    probe_do -c "select status, coalesce(end_reason, '-'), consent, summary_status, count(*) from calls where received_at >= '$monitored_since' group by 1, 2, 3, 4 order by 5 desc" -F ' ' \
        >"$results/calls_by_status-monitored.txt"
    probe_do -c "select speaker, count(*) from call_transcripts group by speaker order by speaker" -F ' ' >"$results/transcripts_by_speaker.txt"
    statements_per_call "$results/statements_per_call-monitored.txt" "$repo_root/bench/pgbench/monitored-call.sql"
    stop_service
fi

# --- OpenAI's own example, the same levels against the same fake (BENCH_PARTS with "example") ----------------------------
# bench/openai-example: openai-agents-js's realtime-twilio-sip server, which accepts each call and follows it over the
# sideband socket until it ends, storing nothing. Its CPU is the one node process's; the fake's counters tell that every
# call was accepted, followed, greeted and answered its tool call.
if [[ $parts == *" example "* ]]; then
    command -v npm >/dev/null || die "the example part needs Node.js and npm (apt-get install nodejs npm)"
    example_dir="$repo_root/bench/openai-example"
    log "example: npm ci in ${example_dir#"$repo_root"/} (versions pinned by its package-lock.json)"
    (cd "$example_dir" && npm ci --no-audit --no-fund --ignore-scripts) >"$results/example-npm.log" 2>&1 \
        || { tail -n 20 "$results/example-npm.log" >&2; die "npm ci failed for the example"; }
    example_port="$(bench free-port)"
    (cd "$example_dir" && exec env OPENAI_API_KEY=sk-bench-not-a-key OPENAI_WEBHOOK_SECRET="$secret" \
        OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1" OPENAI_REALTIME_URL="ws://127.0.0.1:$fake_port/v1/realtime" \
        PORT="$example_port" node --import tsx server.ts) >"$results/example.log" 2>&1 &
    example_pid=$!
    started_pids+=("$example_pid")
    bench wait-http --url "http://127.0.0.1:$example_port/" --timeout 60 || die "the example did not start"
    for c in "${levels[@]}"; do
        # The previous level's calls end first (the fake closes each after BENCH_CALL_SECONDS).
        for _ in $(seq 1 $((call_seconds * 4 + 40))); do
            [[ "$(fake_stats)" == *'"sockets_open":0,'* ]] && break
            sleep 0.5
        done
        log "example: $c senders (${warmup}s warm-up, ${duration}s measured)"
        bench load --kind example --url "http://127.0.0.1:$example_port/openai/webhook" --secret "$secret" \
            --concurrency "$c" --duration "$duration" --warmup "$warmup" --callers "$callers" --pid "$example_pid" \
            --cpu "example=$example_pid" --cpu "fake-openai=$fake_pid" --fake-stats "http://127.0.0.1:$fake_port/stats" \
            >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2)
        sleep 1
    done
    stop_pid "$example_pid"
fi

# --- Capacity: how many concurrent monitored calls one instance holds before the transcripts' lag passes the limit --------
if $run_capacity; then
    end_unmonitored_calls
    stop_fake
    start_fake "$capacity_call_seconds"
    start_service on capacity
    if ! $consented; then
        prime_monitored
        stop_service
        start_service on capacity
    fi
    first=true
    for target in "${capacity_steps[@]}"; do
        ((target <= capacity_max)) || break
        rate="$(awk -v c="$target" -v s="$capacity_call_seconds" 'BEGIN { printf "%.3f", c / s }')"
        log "capacity: $target live calls ($rate calls/s of ${capacity_call_seconds}s calls, a turn every ${turn_interval}s; ${capacity_call_seconds}s ramp, ${capacity_window}s measured)"
        idle_option=()
        $first && idle_option=(--wait-idle 120)
        first=false
        status=0
        # The ramp is one call length: by its end the previous step's calls have ended and this step's are all live.
        bench load --kind capacity --label "capacity-$target" --url "$webhook_url" --secret "$secret" --concurrency 64 \
            --rate "$rate" --duration "$capacity_window" --warmup "$capacity_call_seconds" --callers "$callers" \
            --pid "$service_pid" --expect-outcome accepted --target-live "$target" --lag-limit "$lag_limit" \
            --cpu "service=$service_pid" --cpu "postgres=$pg_pid" --cpu "fake-openai=$fake_pid" \
            --metrics "$metrics_url" --fake-stats "http://127.0.0.1:$fake_port/stats" --db "$probe_conn" "${idle_option[@]}" \
            --fresh-rss-kib "$service_fresh_rss_kib" \
            >>"$jsonl" 2> >(tee -a "$results/summary.txt" >&2) || status=$?
        if ((status == 3)); then
            log "capacity: the lag passed ${lag_limit}s (or errors appeared) at $target live calls; stopping"
            break
        fi
        ((status == 0)) || die "the capacity step at $target failed (exit $status)"
    done
    fake_stats >"$results/fake-openai-stats-capacity.json"
    stop_service
fi

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
stop_fake

# --- pgbench: the same SQL per call, straight to the same cluster ---------------------------------------------------------
run_pgbench() { # run_pgbench KIND SCRIPT [pgbench options…]
    local kind=$1 script=$2 out="$results/$1.txt" tps latency failed
    shift 2
    log "$kind: $pgbench_clients clients, ${pgbench_seconds}s, ${script#"$repo_root"/}"
    "$pg_bin/pgbench" -n -M prepared -f "$script" -c "$pgbench_clients" -j 2 -T "$pgbench_seconds" "$@" \
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
    # A monitored call's statements (the decision's, the monitor's, the summary's) on the same cluster. The monitor's claim
    # needs a live instance lease; the ceiling's count reads the live calls, as many as the monitored part's highest
    # closed-loop level had on average (BENCH_PGBENCH_LIVE to choose): filler calls, accepted and never ended.
    if [[ $monitor != off ]]; then
        pgbench_live="${BENCH_PGBENCH_LIVE:-$(grep '"kind":"monitored",' "$jsonl" | tail -n 1 | sed -n 's/.*"live_avg":\([0-9]*\).*/\1/p')}"
        pgbench_live="${pgbench_live:-0}"
        end_unmonitored_calls
        probe_do -c "insert into work_leases (name, holder, lease_until) values ('instance:pgbench', 'pgbench', now() + interval '1 day') on conflict (name) do update set lease_until = excluded.lease_until" >/dev/null
        probe_do -c "insert into calls (id, call_id, callee, caller, caller_name, channel, consent, identity, language, received_at, accepted_at, runtime, sip_call_id, status, summary_attempts, summary_status, trunk, model, voice) select gen_random_uuid(), 'rtc_pgbfill_' || g, '+250788300300', '+250788000000', '+250788000000', 'phone', 'granted', 'verified', 'rw', now(), now(), 'realtime', 'pgbfill_' || g || '@196.12.160.10', 'accepted', 0, 'none', 'mtn-rw', 'gpt-realtime', 'alloy' from generate_series(1, $pgbench_live) g" >/dev/null
        probe_do -c "vacuum (analyze) calls" >/dev/null
        log "pgbench-monitored: $pgbench_live live calls for the ceiling's count to read"
        # -r: the latency of each statement (in its output file), to see where a monitored call's time goes.
        run_pgbench pgbench-monitored "$repo_root/bench/pgbench/monitored-call.sql" -r
    fi

    # The disk's fsync rate: what a commit costs here.
    as_pg "$pg_bin/pg_test_fsync" -s 1 -f "$pg_data/fsync.test" >"$results/pg_test_fsync.txt" 2>&1 || true
fi

# --- The table -----------------------------------------------------------------------------------------------------------------
bench report --results "$jsonl" | tee "$results/table.md"
{
    echo
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); busy before the run: $idle_busy cores; open files allowed: $open_files"
    [[ -f $results/fake-openai-stats.json ]] && echo "fake OpenAI, decision-only part: $(cat "$results/fake-openai-stats.json")"
    [[ -f $results/fake-openai-stats-monitored.json ]] && echo "fake OpenAI, after the monitored part (counted from its start): $(cat "$results/fake-openai-stats-monitored.json")"
    [[ -f $results/fake-openai-stats-capacity.json ]] && echo "fake OpenAI, capacity part: $(cat "$results/fake-openai-stats-capacity.json")"
    [[ -f $results/calls_by_status.txt ]] && echo "calls by status after the decision-only part: $(tr '\n' ';' <"$results/calls_by_status.txt")"
    [[ -f $results/calls_by_status-monitored.txt ]] && echo "monitored part's calls by status, end reason, consent, summary: $(tr '\n' ';' <"$results/calls_by_status-monitored.txt")"
    [[ -f $results/transcripts_by_speaker.txt ]] && echo "transcript rows by speaker: $(tr '\n' ';' <"$results/transcripts_by_speaker.txt")"
    [[ -f $results/statements_per_call.mirror-check.txt ]] && cat "$results/statements_per_call.mirror-check.txt"
    [[ -f $results/statements_per_call-monitored.mirror-check.txt ]] && cat "$results/statements_per_call-monitored.mirror-check.txt"
    if [[ -f $results/pgbench-monitored.txt ]]; then
        # Where a monitored call's time goes in pgbench (-r): its three slowest steps, ms per call; a pipeline's time is
        # reported on its end, named here by its last statement.
        echo "pgbench-monitored, slowest steps (ms per call): $(awk '
            /statement latencies/ { on = 1; next }
            on && NF >= 3 {
                text = $0
                sub(/^ *[0-9.]+ +[0-9]+ +/, "", text)
                sub(/;$/, "", text)
                if (text ~ /^\\endpipeline/) text = "the pipeline ending with " last
                else if (text !~ /^\\/) last = substr(text, 1, 50)
                printf "%s\t%s\n", $1, substr(text, 1, 80)
            }' "$results/pgbench-monitored.txt" | sort -t$'\t' -k1,1 -rn | head -n 3 | awk -F'\t' '{ printf "%s%s ms: %s", (NR > 1 ? "; " : ""), $1, $2 }')"
    fi
    [[ -f $results/pg_test_fsync.txt ]] && grep -E '^ +fdatasync' "$results/pg_test_fsync.txt" | head -n 1 | sed 's/^ */pg_test_fsync (one 8 kB write + sync): /'
    true
} | tee -a "$results/table.md"
log "done: $results/table.md"
