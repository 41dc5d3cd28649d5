#!/usr/bin/env bash
# The operators' API on a million calls (docs/benchmarks.md, "Admin API on a million calls"), in one command:
#
#   bench/stats/run.sh     build the service (Release); a throwaway PostgreSQL cluster on a free loopback port; the
#                          service against it (which applies the migrations); 1,000,000 calls seeded with generate_series
#                          over the last 365 days (plus their failed calls' WhatsApp fallbacks); the closed days rolled
#                          up (call_stats_compact, then call_stats_rebuild: the service's compactor may have set the
#                          watermark before the seed, a bulk load into closed days; migration CallStatsRollup); VACUUM ANALYZE;
#                          EXPLAIN (ANALYZE, BUFFERS) of the stats statements over calls (as before the roll-up) and
#                          over the roll-up, and of the list statements; then each HTTP endpoint timed with curl
#                          (BENCH_RUNS runs each, after one warm-up: min, p50, p95, max). Everything it starts is stopped
#                          on exit.
#
# Results (plans, timings, a markdown table) go to bench/results/stats-<UTC time>/, which git ignores.
# Tunables: BENCH_CALLS [1000000]  BENCH_RUNS [20]  BENCH_SKIP_BUILD [unset]  BENCH_AB [unset: set, bench/stats/rollup-ab.sh too]  BENCH_RESULTS [bench/results/stats-<time>]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"
calls="${BENCH_CALLS:-1000000}"
runs="${BENCH_RUNS:-20}"
results="${BENCH_RESULTS:-$repo_root/bench/results/stats-$(date -u +%Y%m%dT%H%M%SZ)}"
token="$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')" # the service runs as Production: no placeholder token
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { printf 'bench-stats: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
is_root() { [[ $EUID -eq 0 ]]; }
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"
command -v curl >/dev/null 2>&1 || die "curl is not on PATH"

has_pg() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" && -x "$1/psql" ]]; }
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
    is_root || die "PostgreSQL server binaries are missing: install postgresql (sudo apt-get install postgresql)."
    log "installing PostgreSQL with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } </dev/null >/dev/null
    pg_bin="$(find_pg_bindir)" || die "installed postgresql but found no initdb, pg_ctl, postgres and psql"
fi
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# A loopback port nobody listens on (bash's /dev/tcp: a refused connection means free).
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    die "no free port found"
}

work="$(mktemp -d /tmp/easymo-bench-stats.XXXXXX)"
chmod 755 "$work"
pg_data="$work/pg"
pg_started=false
service_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $service_pid ]] && kill -0 "$service_pid" 2>/dev/null; then
        kill -TERM "$service_pid" 2>/dev/null || true
        wait "$service_pid" 2>/dev/null || true
    fi
    if $pg_started; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    ((status == 0)) || log "failed (exit $status); logs in $results"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$results"
log "results in $results"

service_dir="$repo_root/src/WebApi/bin/Release/net10.0"
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
    log "building the service (Release)"
    dotnet build "$repo_root/src/WebApi/EasyMo.WebApi.csproj" -c Release -nologo -v quiet >"$results/build.log" 2>&1 \
        || { tail -n 30 "$results/build.log" >&2; die "build failed"; }
fi
[[ -f $service_dir/EasyMo.WebApi.dll ]] || die "the Release build is missing ($service_dir)"

# --- A throwaway cluster, sized like bench/run.sh's ----------------------------------------------------------------------
pg_port="$(free_port)"
if is_root; then
    install -d -o postgres -m 700 "$pg_data"
    install -d -o postgres "$work/pgsock"
    install -o postgres /dev/null "$work/postgres.log"
else
    mkdir -p "$pg_data" "$work/pgsock"
fi
as_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C >"$results/initdb.log" 2>&1 || die "initdb failed"
cat >>"$pg_data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pgsock'
shared_buffers = 256MB
work_mem = 16MB
max_wal_size = 2GB
CONF
as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" -w -t 60 start >/dev/null || die "PostgreSQL did not start"
pg_started=true
psql_do() { "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_do -d postgres -c "create database easymo" >/dev/null
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

# --- The service applies the migrations -------------------------------------------------------------------------------
service_port="$(free_port)"
(
    cd "$service_dir"
    export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
    export ConnectionStrings__EasyMo="Host=127.0.0.1;Port=$pg_port;Database=easymo;Username=postgres"
    export OPENAI_API_KEY=sk-bench-not-a-key
    export OPENAI_WEBHOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    export OPENAI_BASE_URL="http://127.0.0.1:9/v1"
    export EASYMO_APPLY_MIGRATIONS=true
    export EASYMO_ADMIN_TOKEN=$token
    export Privacy__PseudonymKey="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    export Sideband__Enabled=false
    export Serilog__MinimumLevel__Default=Warning
    # Nothing scrapes here: the management listener (/metrics) on a port of the kernel's choosing, never 9464, which
    # another instance on this machine may hold.
    export EASYMO_MANAGEMENT_URLS=http://127.0.0.1:0
    exec dotnet EasyMo.WebApi.dll --urls "http://127.0.0.1:$service_port"
) >"$results/service.log" 2>&1 &
service_pid=$!
base="http://127.0.0.1:$service_port"
for _ in $(seq 1 120); do
    curl -fsS "$base/health/ready" >/dev/null 2>&1 && break
    kill -0 "$service_pid" 2>/dev/null || { tail -n 20 "$results/service.log" >&2; die "the service exited"; }
    sleep 1
done
curl -fsS "$base/health/ready" >/dev/null || die "the service did not become ready"
log "service on $base (migrations applied)"

# --- A million calls -----------------------------------------------------------------------------------------------------
# Spread evenly over the last 365 days (about 2,740 a day), 100,000 callers; 82 % ended, 5 % rejected, 4 % missed,
# 4 % failed (each with its WhatsApp fallback), the rest accepted but decided long ago (only the last 100 still live).
# A third verified, a tenth on GPT-Live (with counted voice seconds); three ended calls in four measured (turns and a
# p95 turn wait) and two in three analysed (outcome, sentiment, service), so that every figure of the stats, the waits
# and the analyses included, has a year of data.
log "seeding $calls calls"
seed_started=$(date +%s.%N)
psql_do -d easymo <<SQL
SELECT setseed(0.42);
INSERT INTO calls (id, call_id, status, channel, language, caller, callee, received_at, accepted_at, decided_at, ended_at,
                   duration_seconds, end_reason, sip_status_code, summary_status, summary_attempts, identity, runtime, model,
                   voice_seconds, measured_turns, turn_wait_p95_ms, analysis_status, analysis_outcome, analysis_sentiment,
                   analysis_service)
SELECT gen_random_uuid(), 'rtc_bench_' || lpad(i::text, 8, '0'), s.status,
       CASE WHEN i % 5 < 2 THEN 'whatsapp' ELSE 'phone' END,
       (ARRAY['en', 'fr', 'rw'])[1 + i % 3],
       '+25078' || lpad((i % 100000)::text, 7, '0'), '+250788000111', t.at,
       CASE WHEN s.status IN ('accepted', 'ended') THEN t.at + interval '1 second' END,
       CASE WHEN s.status IN ('rejected', 'missed', 'failed') THEN t.at + interval '1 second' END,
       CASE WHEN s.status = 'ended' THEN t.at + interval '1 second' + make_interval(secs => d.duration) END,
       CASE WHEN s.status = 'ended' THEN d.duration END,
       CASE s.status WHEN 'ended' THEN 'caller_hangup' WHEN 'rejected' THEN 'blocked' WHEN 'missed' THEN 'caller_gone'
                     WHEN 'failed' THEN 'accept_failed' END,
       CASE s.status WHEN 'rejected' THEN 603 WHEN 'failed' THEN 480 END,
       'none', 0,
       CASE WHEN i % 3 = 0 THEN 'verified' ELSE 'unverified' END,
       CASE WHEN i % 10 = 0 THEN 'live' ELSE 'realtime' END,
       CASE WHEN s.status IN ('accepted', 'ended') THEN CASE WHEN i % 10 = 0 THEN 'gpt-live' ELSE 'gpt-realtime' END END,
       CASE WHEN s.status = 'ended' AND i % 10 = 0 THEN greatest(d.duration - 2, 0) END,
       CASE WHEN s.status = 'ended' AND i % 4 <> 0 THEN 1 + i % 12 END,
       CASE WHEN s.status = 'ended' AND i % 4 <> 0 THEN 300 + (random() * random() * 4000)::int END,
       CASE WHEN s.status = 'ended' AND i % 3 <> 1 THEN 'done' ELSE 'none' END,
       CASE WHEN s.status = 'ended' AND i % 3 <> 1 THEN (ARRAY['resolved', 'resolved', 'follow_up', 'not_resolved'])[1 + i % 4] END,
       CASE WHEN s.status = 'ended' AND i % 3 <> 1 THEN (ARRAY['positive', 'neutral', 'neutral', 'negative'])[1 + i / 7 % 4] END,
       CASE WHEN s.status = 'ended' AND i % 3 <> 1
            THEN (ARRAY['rides', 'property', 'jobs', 'insurance', 'pharmacy', 'farmers', 'wallet', 'other'])[1 + i / 3 % 8] END
FROM generate_series(1, $calls) AS i
CROSS JOIN LATERAL (SELECT now() - (i::float8 / $calls) * interval '365 days' AS at) AS t
CROSS JOIN LATERAL (SELECT (random() * random() * 1200)::int AS duration) AS d
CROSS JOIN LATERAL (SELECT CASE WHEN i <= 100 THEN 'accepted'
                                WHEN i % 100 < 5 THEN 'rejected'
                                WHEN i % 100 < 9 THEN 'missed'
                                WHEN i % 100 < 13 THEN 'failed'
                                WHEN i % 100 < 18 AND i > 100000 THEN 'accepted'
                                ELSE 'ended' END AS status) AS s;
-- Old accepted calls did end: only the first 100 (the newest) stay live.
UPDATE calls SET status = 'ended', ended_at = accepted_at + interval '60 seconds', duration_seconds = 60, end_reason = 'caller_hangup'
WHERE status = 'accepted' AND call_id > 'rtc_bench_00000100';
INSERT INTO outbox_messages (id, deduplication_key, recipient, body, language, status, attempts, created_at, next_attempt_at, kind)
SELECT gen_random_uuid(), 'call-fallback:' || call_id, substr(caller, 2), 'Sorry', language, 'sent', 1, decided_at, decided_at, 'text'
FROM calls WHERE status = 'failed';
SELECT call_stats_compact(((now() - interval '90 minutes') AT TIME ZONE 'UTC')::date);
SELECT call_stats_rebuild();
VACUUM ANALYZE calls;
VACUUM ANALYZE outbox_messages;
VACUUM ANALYZE call_stats_daily;
VACUUM ANALYZE call_stats_durations;
VACUUM ANALYZE call_stats_duration_minutes;
VACUUM ANALYZE call_stats_waits;
VACUUM ANALYZE call_stats_analysis;
SQL
seed_seconds=$(echo "$(date +%s.%N) - $seed_started" | bc)
psql_do -d easymo -F ' ' -c "select status, count(*) from calls group by status order by status" >"$results/calls_by_status.txt"
psql_do -d easymo -c "select pg_size_pretty(pg_total_relation_size('calls'))" >"$results/calls_size.txt"
psql_do -d easymo -c "select pg_size_pretty(sum(pg_total_relation_size(c.oid))) || ', ' || sum(c.reltuples)::bigint || ' rows'
    from pg_class c where c.relname in ('call_stats_daily', 'call_stats_durations', 'call_stats_duration_minutes', 'call_stats_waits', 'call_stats_analysis')" >"$results/rollup_size.txt"
log "seeded in ${seed_seconds}s; calls table and indexes: $(cat "$results/calls_size.txt"); roll-up: $(cat "$results/rollup_size.txt")"

# --- Plans: the statements of src/Infrastructure/Persistence/AdminQueries.cs, with literals for the parameters ---------
newest_caller="$(psql_do -d easymo -c "select caller from calls order by received_at desc limit 1")"
psql_do -d easymo -c "INSERT INTO profiles (id, phone, name, language, blocked, created_at, updated_at)
    VALUES (gen_random_uuid(), '$newest_caller', 'Bench caller', 'rw', false, now(), now());
    UPDATE calls SET profile_id = (SELECT id FROM profiles WHERE phone = '$newest_caller') WHERE caller = '$newest_caller'" >/dev/null
read -r deep_at deep_id < <(psql_do -d easymo -F ' ' -c "select to_char(received_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), call_id from calls order by received_at desc, call_id desc offset 500000 limit 1")
explain() { # explain NAME SQL
    {
        echo "### $1"
        echo
        echo '```'
        psql_do -d easymo -c "EXPLAIN (ANALYZE, BUFFERS) $2"
        echo '```'
        echo
    } >>"$results/plans.md"
}
: >"$results/plans.md"
for days in 7 366; do
    from="(date_trunc('day', now() at time zone 'UTC') - interval '$((days - 1)) days') at time zone 'UTC'"
    to="(date_trunc('day', now() at time zone 'UTC') + interval '1 day') at time zone 'UTC'"
    first_day="(current_date - $((days - 1)))"
    split="(SELECT rolled_up_before FROM call_stats_state)"
    rollup="call_stats_daily WHERE day >= $first_day AND day < $split"
    explain "roll-up counts (by day and status, language, channel, identity), $days days" "WITH counts AS MATERIALIZED (
            SELECT day, status, language, channel, identity, sum(calls) AS n FROM $rollup GROUP BY 1, 2, 3, 4, 5)
        SELECT 'day' AS kind, d.day::date AS day, c.status AS key, COALESCE(sum(c.n), 0)::int AS n
        FROM generate_series($first_day::timestamp, current_date::timestamp, interval '1 day') AS d(day)
        LEFT JOIN counts c ON c.day = d.day::date GROUP BY d.day, c.status
        UNION ALL SELECT 'language', NULL, language, sum(n)::int FROM counts GROUP BY language
        UNION ALL SELECT 'channel', NULL, channel, sum(n)::int FROM counts GROUP BY channel
        UNION ALL SELECT 'identity', NULL, identity, sum(n)::int FROM counts GROUP BY identity"
    explain "roll-up figures (rates, mean, histogram, live), $days days" "SELECT COALESCE(sum(calls), 0)::int, COALESCE(sum(answered), 0)::int,
           COALESCE(sum(calls) FILTER (WHERE status <> 'ringing'), 0)::int, COALESCE(sum(fallbacks), 0)::int,
           (sum(timed_seconds)::numeric / NULLIF(sum(timed), 0))::float8, COALESCE(sum(up_to_30), 0)::int, COALESCE(sum(up_to_60), 0)::int,
           COALESCE(sum(up_to_120), 0)::int, COALESCE(sum(up_to_300), 0)::int, COALESCE(sum(up_to_600), 0)::int, COALESCE(sum(longer), 0)::int,
           (SELECT count(*) FROM calls WHERE status = 'accepted')::int
        FROM $rollup"
    explain "roll-up duration minutes (p90, first step), $days days" "SELECT minute, sum(calls)::bigint
        FROM call_stats_duration_minutes WHERE day >= $first_day AND day < $split GROUP BY minute ORDER BY minute"
    explain "roll-up duration seconds of one minute (p90, second step), $days days" "SELECT seconds, sum(calls)::bigint
        FROM call_stats_durations WHERE seconds >= 540 AND seconds <= 599 AND day >= $first_day AND day < $split GROUP BY seconds ORDER BY seconds"
    explain "stats counts over calls (before the roll-up), $days days" "WITH counts AS MATERIALIZED (
            SELECT (received_at AT TIME ZONE 'UTC')::date AS day, status, language, channel, count(*) AS n
            FROM calls WHERE received_at >= $from AND received_at < $to GROUP BY 1, 2, 3, 4)
        SELECT 'day' AS kind, d.day::date AS day, c.status AS key, COALESCE(sum(c.n), 0)::int AS n
        FROM generate_series((current_date - $((days - 1)))::timestamp, current_date::timestamp, interval '1 day') AS d(day)
        LEFT JOIN counts c ON c.day = d.day::date GROUP BY d.day, c.status
        UNION ALL SELECT 'language', NULL, language, sum(n)::int FROM counts GROUP BY language
        UNION ALL SELECT 'channel', NULL, channel, sum(n)::int FROM counts GROUP BY channel"
    explain "stats figures over calls (before the roll-up), $days days" "SELECT count(*)::int,
           count(*) FILTER (WHERE accepted_at IS NOT NULL AND status IN ('accepted', 'ended'))::int,
           count(*) FILTER (WHERE status <> 'ringing')::int,
           (SELECT count(*) FROM outbox_messages o JOIN calls f ON f.call_id = substr(o.deduplication_key, 15)
            WHERE o.deduplication_key LIKE 'call-fallback:%' AND f.received_at >= $from AND f.received_at < $to)::int,
           (avg(duration_seconds) FILTER (WHERE status = 'ended'))::float8,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_seconds) FILTER (WHERE status = 'ended'),
           count(*) FILTER (WHERE status = 'ended' AND duration_seconds <= 30)::int,
           count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 30 AND duration_seconds <= 60)::int,
           count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 60 AND duration_seconds <= 120)::int,
           count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 120 AND duration_seconds <= 300)::int,
           count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 300 AND duration_seconds <= 600)::int,
           count(*) FILTER (WHERE status = 'ended' AND duration_seconds > 600)::int,
           (SELECT count(*) FROM calls WHERE status = 'accepted')::int
        FROM calls WHERE received_at >= $from AND received_at < $to"
done
list="SELECT call_id, status, channel, language, caller, callee, trunk, received_at, accepted_at, ended_at, duration_seconds, end_reason FROM calls WHERE TRUE"
explain "list, first page" "$list ORDER BY received_at DESC, call_id DESC LIMIT 51"
explain "list, page after 500,000 rows (keyset)" "$list AND (received_at, call_id) < ('$deep_at', '$deep_id') ORDER BY received_at DESC, call_id DESC LIMIT 51"
explain "list, status=failed" "$list AND status = 'failed' ORDER BY received_at DESC, call_id DESC LIMIT 51"
explain "list, caller" "$list AND caller = '$newest_caller' ORDER BY received_at DESC, call_id DESC LIMIT 51"
explain "list, channel=whatsapp language=rw" "$list AND channel = 'whatsapp' AND language = 'rw' ORDER BY received_at DESC, call_id DESC LIMIT 51"
grep -E '^###|Execution Time' "$results/plans.md" | paste - - | sed 's/### //; s/ *Execution Time: / | /' >"$results/plan-times.txt"

# --- HTTP, with curl ---------------------------------------------------------------------------------------------------
deep_micros="$(psql_do -d easymo -c "select (extract(epoch from timestamptz '$deep_at') * 1000000)::bigint")"
deep_token="$(printf '%s:%s' "$deep_micros" "$deep_id" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
timings="$results/http.txt"
: >"$timings"
time_url() { # time_url LABEL PATH: one warm-up, then $runs timed runs; min, p50, p95, max in ms
    local label=$1 path=$2 samples=() status
    status="$(curl -s -o "$results/last.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")"
    [[ $status == 200 ]] || { cat "$results/last.json" >&2; die "$path answered $status"; }
    for _ in $(seq 1 "$runs"); do
        samples+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$base$path")")
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk -v label="$label" -v path="$path" '
        { v[NR] = $1 * 1000 } END { p95 = int(NR * 0.95 + 0.999); if (p95 > NR) p95 = NR
            printf "| %s | `%s` | %.1f | %.1f | %.1f | %.1f |\n", label, path, v[1], v[int((NR + 1) / 2)], v[p95], v[NR] }' >>"$timings"
}
time_url "stats, 7 days" "/api/stats/calls?days=7"
time_url "stats, 30 days" "/api/stats/calls?days=30"
time_url "stats, 366 days" "/api/stats/calls?days=366"
time_url "list, first page (50)" "/api/calls"
time_url "list, 200 rows" "/api/calls?limit=200"
time_url "list, page after 500,000 rows" "/api/calls?page=$deep_token"
time_url "list, status=failed" "/api/calls?status=failed"
time_url "list, caller" "/api/calls?caller=${newest_caller#+}"
time_url "list, whatsapp + rw" "/api/calls?channel=whatsapp&language=rw"
time_url "list, one day" "/api/calls?from=$(date -u -d '-30 days' +%F)&to=$(date -u -d '-29 days' +%F)"
time_url "call with events" "/api/calls/rtc_bench_00000001"
time_url "profile" "/api/profiles/${newest_caller#+}"
rm -f "$results/last.json"

if [[ -n ${BENCH_AB:-} ]]; then # the roll-up's cost on the hot path, on this database (bench/stats/rollup-ab.sh)
    log "pgbench A/B of the hot path with and without the roll-up's work"
    "$repo_root/bench/stats/rollup-ab.sh" "host=127.0.0.1 port=$pg_port user=postgres dbname=easymo" | tee "$results/rollup-ab.md"
fi

{
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), $calls calls seeded in ${seed_seconds}s ($(cat "$results/calls_size.txt") with indexes; roll-up $(cat "$results/rollup_size.txt")), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| Statement (EXPLAIN ANALYZE) | Execution time |"
    echo "|---|---|"
    sed 's/^/| /; s/$/ |/' "$results/plan-times.txt"
    echo
    echo "| Request (curl, $runs runs after a warm-up) | Path | min ms | p50 ms | p95 ms | max ms |"
    echo "|---|---|---|---|---|---|"
    cat "$timings"
} | tee "$results/summary.md"
