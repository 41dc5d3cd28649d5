#!/usr/bin/env bash
# The stats roll-up's cost on the hot path (docs/benchmarks.md, "Stats roll-up"): pgbench A/B on one migrated database,
# alternating rounds of bench/stats/call-end.sql (claim INSERT, decision UPDATE, end UPDATE with its waits) with
# BENCH_CLIENTS clients for BENCH_SECONDS. The roll-up has no trigger, so the hot path's statements are the same in both
# rounds; what B adds is the roll-up's own work, far more often than the service does it: every second a compaction
# (call_stats_compact, what CallStatsCompactor runs every 30 s), a day recomputed whole (call_stats_fill of the day
# before yesterday: what the compactor does once a day) and a stats read of the open days from calls.
#
#   bench/stats/rollup-ab.sh 'host=127.0.0.1 port=5432 user=postgres dbname=easymo'
#
# The database must be migrated (bench/stats/run.sh with BENCH_AB=1 runs this on its million calls before stopping).
# Tunables: BENCH_CLIENTS [64]  BENCH_SECONDS [30]  BENCH_ROUNDS [2]
set -euo pipefail
conn="${1:?usage: rollup-ab.sh CONNINFO}"
clients="${BENCH_CLIENTS:-64}"
seconds="${BENCH_SECONDS:-30}"
rounds="${BENCH_ROUNDS:-2}"
script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/call-end.sql"
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$conn" -c "$1"; }
sql "INSERT INTO profiles (id, phone, name, language, blocked, created_at, updated_at)
     SELECT gen_random_uuid(), '+' || (250788000000 + i), 'Bench', 'rw', false, now(), now() FROM generate_series(0, 999) i
     ON CONFLICT DO NOTHING" >/dev/null
triggers="$(sql "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN ('calls'::regclass, 'outbox_messages'::regclass)")"
echo "user triggers on calls and outbox_messages: $triggers"
rollup_loop() { # the roll-up's work, every second, until killed
    while :; do
        sql "SELECT call_stats_compact(((now() - interval '90 minutes') AT TIME ZONE 'UTC')::date);
             SELECT call_stats_fill(current_date - 2, current_date - 1);
             SELECT count(*), sum(duration_seconds) FROM calls WHERE received_at >= (current_date - 1)::timestamp AT TIME ZONE 'UTC'" >/dev/null || true
        sleep 1
    done
}
round() { # round LABEL [with-rollup]
    local out pid loop=""
    out="$(mktemp)"
    if [[ ${2:-} == with-rollup ]]; then
        rollup_loop &
        loop=$!
    fi
    pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$script" "$conn" >"$out" 2>&1 &
    pid=$!
    wait "$pid"
    [[ -n $loop ]] && { kill "$loop" 2>/dev/null || true; wait "$loop" 2>/dev/null || true; }
    printf '| %s | %s | %s |\n' "$1" \
        "$(awk '/^tps/ {printf "%.0f", $3}' "$out")" \
        "$(awk '/latency average/ {print $4}' "$out")"
    rm -f "$out"
}
echo "| round | calls/s (tps) | latency ms (claim batch + 3 statements) |"
echo "|---|---|---|"
for r in $(seq 1 "$rounds"); do
    round "A$r: hot path alone"
    round "B$r: hot path + the roll-up's work every second" with-rollup
done
