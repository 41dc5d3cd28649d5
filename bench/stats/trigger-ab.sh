#!/usr/bin/env bash
# The stats roll-up's triggers on the hot path (docs/benchmarks.md, "Stats roll-up"): pgbench A/B on one migrated
# database, alternating rounds with the triggers of calls and outbox_messages disabled (A) and enabled (B), each round
# bench/stats/call-end.sql (claim INSERT, decision UPDATE, end UPDATE) with BENCH_CLIENTS clients for BENCH_SECONDS, while
# pg_stat_activity is sampled every second for sessions waiting on a lock.
#
#   bench/stats/trigger-ab.sh 'host=127.0.0.1 port=5432 user=postgres dbname=easymo'
#
# The database must be migrated (the service with EASYMO_APPLY_MIGRATIONS=true, or the script of `dotnet ef migrations
# script`) and is written to (calls, webhook_deliveries, and the bench's 1,000 profiles +250788000000 … +250788000999).
# Tunables: BENCH_CLIENTS [64]  BENCH_SECONDS [30]  BENCH_ROUNDS [2]
set -euo pipefail
conn="${1:?usage: trigger-ab.sh CONNINFO}"
clients="${BENCH_CLIENTS:-64}"
seconds="${BENCH_SECONDS:-30}"
rounds="${BENCH_ROUNDS:-2}"
script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/call-end.sql"
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$conn" -c "$1"; }
sql "INSERT INTO profiles (id, phone, name, language, blocked, created_at, updated_at)
     SELECT gen_random_uuid(), '+' || (250788000000 + i), 'Bench', 'rw', false, now(), now() FROM generate_series(0, 999) i
     ON CONFLICT DO NOTHING" >/dev/null
triggers() { # triggers ENABLE|DISABLE
    sql "ALTER TABLE calls $1 TRIGGER tr_calls_stats_insert; ALTER TABLE calls $1 TRIGGER tr_calls_stats_update;
         ALTER TABLE calls $1 TRIGGER tr_calls_stats_delete; ALTER TABLE outbox_messages $1 TRIGGER tr_outbox_messages_stats_insert"
}
round() { # round LABEL
    local samples=0 waiting=0 out pid n
    out="$(mktemp)"
    pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$script" "$conn" >"$out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        n="$(sql "select count(*) from pg_stat_activity where wait_event_type = 'Lock'" 2>/dev/null || echo 0)"
        samples=$((samples + 1)) waiting=$((waiting + n))
        sleep 1
    done
    wait "$pid"
    printf '| %s | %s | %s | %s |\n' "$1" \
        "$(awk '/^tps/ {printf "%.0f", $3}' "$out")" \
        "$(awk '/latency average/ {print $4}' "$out")" \
        "$(awk -v w="$waiting" -v s="$samples" 'BEGIN {printf "%.1f", (s ? w / s : 0)}')"
    rm -f "$out"
}
echo "| round | calls/s (tps) | latency ms (3 statements + claim batch) | sessions waiting on a lock (mean of 1 s samples) |"
echo "|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
    triggers DISABLE
    round "A$r: no triggers"
    triggers ENABLE
    round "B$r: triggers"
done
triggers ENABLE
