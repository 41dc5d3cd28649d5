-- One incoming call as the service issues it to PostgreSQL, statement for statement (captured with
-- `bench/run.sh --capture-sql`, i.e. log_statement = 'all'; see docs/benchmarks.md), for a caller whose profile exists:
--   Npgsql's pool reset (DISCARD ALL) before each of the two times EF Core opens the connection;
--   the profile lookup (CallStore.GetOrCreateProfileAsync);
--   the claim (CallStore.ClaimAsync): BEGIN, EF Core's automatic savepoint around SaveChanges, the call and the
--   webhook delivery inserted in one batch (the calls.profile_id foreign key adds PostgreSQL's own FOR KEY SHARE check);
--   the decision stored (Decision.CommitAsync): a second SaveChanges with its savepoint, the UPDATE of the call, COMMIT.
-- Run with -M extended (the service uses the extended protocol). The service's two batches (BEGIN with the first
-- SAVEPOINT, the two INSERTs) are pipelined here too; DISCARD ALL cannot be pipelined, so pgbench makes one round trip
-- more than Npgsql for each of them.
-- Callers: the bench pool +250788000000 … +250788000999, primed by the service levels. Call ids: random, unique.
\set phone 250788000000 + random(0, 999)
\set n random(1, 9000000000000000)
DISCARD ALL;
SELECT p.id, p.blocked, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.phone = '+' || :phone OR p.wa_id = :phone::text
LIMIT 1 \gset profile_
DISCARD ALL;
\startpipeline
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
SAVEPOINT "__EFSavePoint";
\endpipeline
\startpipeline
INSERT INTO calls (id, accepted_at, call_id, callee, caller, caller_name, channel, decided_at, duration_seconds, end_reason, ended_at, language, model, profile_id, received_at, sip_status_code, status, trunk, voice, whatsapp_call_id)
VALUES (md5('pgb_' || :n)::uuid, NULL, 'rtc_pgb_' || :n, '+250788300300', '+' || :phone, '+' || :phone, 'phone', NULL, NULL, NULL, NULL, 'rw', NULL, :profile_id, now(), NULL, 'ringing', 'MTN Rwanda', NULL, NULL);
INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
VALUES ('wh_pgb_' || :n, 'rtc_pgb_' || :n, 'realtime.call.incoming', now(), 'openai');
\endpipeline
RELEASE SAVEPOINT "__EFSavePoint";
SAVEPOINT "__EFSavePoint";
UPDATE calls SET accepted_at = now(), model = 'gpt-realtime', status = 'accepted', voice = 'alloy'
WHERE id = md5('pgb_' || :n)::uuid;
RELEASE SAVEPOINT "__EFSavePoint";
COMMIT;
