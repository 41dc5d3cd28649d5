-- One incoming call as the service issues it to PostgreSQL, statement for statement, for a caller whose profile exists
-- (captured with `bench/run.sh --capture-sql`, i.e. log_statement = 'all'; checked on every run by the mirror check;
-- see docs/benchmarks.md):
--   the profile lookup (CallStore.FindProfileAsync: read only; a first-time caller's profile is made after the claim);
--   the claim (CallStore.ClaimAsync, ClaimBatch): the webhook-delivery and call INSERTs in one batch, one round trip and
--     one implicit transaction (calls.profile_id's foreign key adds PostgreSQL's own FOR KEY SHARE check on profiles):
--     no transaction is open while OpenAI answers (docs/adr/0004);
--   (the caller's last call summary, CallHistory.GetLastSummaryAsync, is read only for callers who agreed that their
--   calls are kept; the bench's callers never answered the consent question, so the service does not read it);
--   the record (Decision.CommitAsync): the UPDATE of the call, a transaction of its own.
-- (With Calls:MaxLiveCalls set the claim's batch also takes an advisory lock and counts live calls, and commits
-- asynchronously then flushes: monitored-call.sql; this part runs without a ceiling, since its accepted calls never end.
-- The live_lines triggers run here all the same: the call's INSERT as ringing takes a line.)
-- The service's connections skip the pool reset (No Reset On Close) and auto-prepare these statements, so run with
-- -M prepared. The batch is pipelined, as Npgsql sends it.
-- The bench's INVITEs carry the SIP edge's X-EasyMo-Edge for the trunk mtn-rw, so the call is stored 'verified' with
-- that trunk, and its SIP Call-ID (unique: the same call announced on both of OpenAI's runtimes is decided once).
-- Callers: the bench pool +250788000000 … +250788000999, whose profiles the service levels created. Call ids: random.
\set phone 250788000000 + random(0, 999)
\set n random(1, 9000000000000000)
SELECT p.id, p.blocked, p.consent, p.consent_at, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.phone = '+' || :phone OR p.wa_id = :phone::text
LIMIT 1 \gset profile_
\startpipeline
INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
VALUES ('wh_pgb_' || :n, 'rtc_pgb_' || :n, 'realtime.call.incoming', now(), 'openai');
INSERT INTO calls (id, accepted_at, analysis_attempts, analysis_due_at, analysis_language, analysis_misunderstood, analysis_outcome, analysis_repeated, analysis_sentiment, analysis_service, analysis_settled_at, analysis_status, call_id, callee, caller, caller_name, caller_pseudonym, channel, consent, consent_at, decided_at, duration_seconds, end_reason, ended_at, greeting_wait_ms, identity, language, measured_turns, model, monitor_owner, profile_id, received_at, runtime, sip_call_id, sip_status_code, status, summary, summary_attempts, summary_due_at, summary_settled_at, summary_status, tool_max_ms, transfer_target, trunk, turn_wait_max_ms, turn_wait_p50_ms, turn_wait_p95_ms, voice, voice_seconds, whatsapp_call_id)
VALUES (md5('pgb_' || :n)::uuid, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'none', 'rtc_pgb_' || :n, '+250788300300', '+' || :phone, '+' || :phone, NULL, 'phone', 'not_asked', NULL, NULL, NULL, NULL, NULL, NULL, 'verified', 'rw', NULL, NULL, NULL, :profile_id, now(), 'realtime', 'pgb_' || :n || '@196.12.160.10', NULL, 'ringing', NULL, 0, NULL, NULL, 'none', NULL, NULL, 'mtn-rw', NULL, NULL, NULL, NULL, NULL, NULL)
RETURNING claimed_at;
\endpipeline
UPDATE calls SET accepted_at = now(), model = 'gpt-realtime', status = 'accepted', voice = 'alloy'
WHERE id = md5('pgb_' || :n)::uuid;
