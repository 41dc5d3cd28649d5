-- BEFORE issue 17 (the monitor at 616917e), kept so that its ceiling can be compared with monitored-call.sql's:
-- one monitored call as the service issued it to PostgreSQL then, statement for statement: the decision (as in call.sql, plus
-- what a real live-call ceiling and a consenting caller add), then what the sideband monitor stores while it follows the
-- call over the realtime socket to its end, then the post-call summary. The call is the bench's monitored call
-- (bench/run.sh, BENCH_MONITOR=on; the fake OpenAI's socket, bench/EasyMo.Bench/FakeRealtime.cs): 5 s long, a turn every
-- second (the agent's greeting and the caller's "yes" at once, then 4 more turns: 6 transcript rows), one record_consent
-- call, closed by OpenAI at the end; the caller is a returning one who agreed before (as nearly every call of the
-- monitored levels is: each of the pool's callers agrees in their first call and is not asked again).
--
-- In the service (captured at 616917e with `BENCH_MONITOR=on bench/run.sh --capture-sql`, 36 statements per call):
--   decision (AcceptIncomingCallHandler, CallStore): the profile lookup; BEGIN, the ceiling's advisory lock and count of
--     the live calls (Calls:MaxLiveCalls > 0), the call and webhook-delivery INSERTs (one batch), COMMIT; the caller's
--     last summary (read only for callers who agreed); the UPDATE recording the accept;
--   follow (CallMonitorService, CallSession): the claim of the call for this instance (MonitorLeases.TryClaimAsync); the
--     call and the caller's profile read (the greeting uses the name);
--   each transcript turn (RecordTranscriptTurnHandler): the call read, the INSERT … SELECT of the turn (6 turns);
--   record_consent (RecordCallConsentHandler): the call and the profile read, then BEGIN, the activity INSERT and the
--     profile's consent_at UPDATE (one batch), COMMIT;
--   the end (RecordCallEndedHandler): the call read, its UPDATE to ended (summary due); the claim released;
--   the summary (SummarizeCallHandler, after the summary sweep's batch claim, which runs once per batch of up to 10 calls
--     and so is left out): the call and its transcript read, the summary's UPDATE.
-- Not per call, left out: the monitor's heartbeat and sweep (every 10 s), the other sweeps.
--
-- To regenerate after the service's SQL changed (the mirror check of every run says what differs):
--   1. BENCH_MONITOR=on bench/run.sh --capture-sql
--   2. <results>/statements_per_call-monitored.txt: each statement with its count per call (the mirror check's basis);
--      <results>/statements-monitored.log: the statements as sent (log_statement = all; the calls interleave: follow one
--      call id), and postgres.log with their parameters.
--   3. Write each statement below, in the order one call issues them, with the values of one call; keep the text up to
--      its first value (VALUES, WHERE, =, the SELECT of an INSERT … SELECT) exactly as the service sends it: the mirror
--      check compares statements by that text.
--   4. bench/run.sh's next run checks it (mirror check monitored-call.sql: ok).
--   A statement that serves several calls at once (a batch claim, a multi-row INSERT of several calls' turns) is issued
--   a number of times per call that depends on the load: take its rate from a full run's
--   statements_per_call-monitored.txt (what the mirror check compares with), not from the capture's few calls, and
--   write it that many times (rounded) with one call's values.
--
-- Run by bench/run.sh with -M prepared (the service auto-prepares), against the same cluster as call.sql, after it has
-- made the instance lease the claim needs (work_leases 'instance:pgbench'; written 'instance:' || 'pgbench' below, as pgbench
-- would take ':pgbench' for a variable) and put as many accepted calls live as the
-- monitored 64-sender level had (the ceiling's count reads them; this script's own calls end within the script).
-- Ids: the call's from md5 as in call.sql; the transcript rows' and activity's time-ordered, as the service's UUIDv7 are.
\set phone 250788000000 + random(0, 999)
\set n random(1, 9000000000000000)
SELECT p.id, p.blocked, p.consent, p.consent_at, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.phone = '+' || :phone OR p.wa_id = :phone::text
LIMIT 1 \gset profile_
\startpipeline
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
SELECT pg_advisory_xact_lock(4999404026185318401);
\endpipeline
SELECT s."Value"
FROM (
    SELECT count(*)::int AS "Value"
    FROM (SELECT 1 FROM calls
          WHERE (status = 'accepted' AND accepted_at > now() - interval '30 minutes')
             OR (status = 'ringing' AND claimed_at > now() - interval '15 seconds')
          UNION ALL
          SELECT 1 FROM callbacks WHERE status = 'dialing' AND dialed_at > now() - interval '2 minutes'
          LIMIT 10000) AS live
) AS s
LIMIT 2;
\startpipeline
INSERT INTO calls (id, accepted_at, call_id, callee, caller, caller_name, caller_pseudonym, channel, consent, consent_at, decided_at, duration_seconds, end_reason, ended_at, identity, language, model, monitor_owner, profile_id, received_at, runtime, sip_call_id, sip_status_code, status, summary, summary_attempts, summary_due_at, summary_settled_at, summary_status, transfer_target, trunk, voice, voice_seconds, whatsapp_call_id)
VALUES (md5('pgbm_' || :n)::uuid, NULL, 'rtc_pgbm_' || :n, '+250788300300', '+' || :phone, '+' || :phone, NULL, 'phone', 'granted', now(), NULL, NULL, NULL, NULL, 'verified', 'rw', NULL, NULL, :profile_id, now(), 'realtime', 'pgbm_' || :n || '@196.12.160.10', NULL, 'ringing', NULL, 0, NULL, NULL, 'none', NULL, 'mtn-rw', NULL, NULL, NULL)
RETURNING claimed_at;
INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
VALUES ('wh_pgbm_' || :n, 'rtc_pgbm_' || :n, 'realtime.call.incoming', now(), 'openai');
\endpipeline
COMMIT;
SELECT c.summary
FROM calls AS c
WHERE c.profile_id = :profile_id AND c.summary IS NOT NULL
ORDER BY c.ended_at DESC
LIMIT 1;
UPDATE calls SET accepted_at = now(), model = 'gpt-realtime', status = 'accepted', voice = 'alloy'
WHERE id = md5('pgbm_' || :n)::uuid;
UPDATE calls c SET monitor_owner = 'pgbench'
WHERE c.call_id = 'rtc_pgbm_' || :n AND c.status = 'accepted'
  AND (c.monitor_owner IS NULL OR c.monitor_owner = 'pgbench'
       OR NOT EXISTS (SELECT 1 FROM work_leases f WHERE f.name = 'instance:' || c.monitor_owner AND f.lease_until >= now()))
  AND EXISTS (SELECT 1 FROM work_leases m WHERE m.name = 'instance:' || 'pgbench' AND m.lease_until >= now())
RETURNING c.id AS "Value";
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
SELECT p.id, p.blocked, p.consent, p.consent_at, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.id = :profile_id
LIMIT 1;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, md5('pgbm_' || :n)::uuid,
       COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = md5('pgbm_' || :n)::uuid), 0) + 1,
       'agent', 'Muraho, ndi umufasha wa EasyMO ukoresha ubwenge bw''ubukorano. Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya.', 'item_pgbm_' || :n || '_0', now()
FROM calls WHERE id = md5('pgbm_' || :n)::uuid AND caller_pseudonym IS NULL
FOR SHARE
ON CONFLICT DO NOTHING;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, md5('pgbm_' || :n)::uuid,
       COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = md5('pgbm_' || :n)::uuid), 0) + 1,
       'caller', 'Yego.', 'item_pgbm_' || :n || '_1', now()
FROM calls WHERE id = md5('pgbm_' || :n)::uuid AND caller_pseudonym IS NULL
FOR SHARE
ON CONFLICT DO NOTHING;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
SELECT p.id, p.blocked, p.consent, p.consent_at, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.id = :profile_id
LIMIT 1;
\startpipeline
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
INSERT INTO call_activities (id, at, call_id, detail, kind, name)
VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, now(), md5('pgbm_' || :n)::uuid, 'granted by voice', 'tool_call', 'record_consent');
UPDATE profiles SET consent_at = now(), updated_at = now()
WHERE id = :profile_id;
\endpipeline
COMMIT;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, md5('pgbm_' || :n)::uuid,
       COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = md5('pgbm_' || :n)::uuid), 0) + 1,
       'agent', 'Murakoze. Nagufasha iki uyu munsi?', 'item_pgbm_' || :n || '_3', now()
FROM calls WHERE id = md5('pgbm_' || :n)::uuid AND caller_pseudonym IS NULL
FOR SHARE
ON CONFLICT DO NOTHING;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, md5('pgbm_' || :n)::uuid,
       COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = md5('pgbm_' || :n)::uuid), 0) + 1,
       'caller', 'Muraho, ndashaka taxi.', 'item_pgbm_' || :n || '_4', now()
FROM calls WHERE id = md5('pgbm_' || :n)::uuid AND caller_pseudonym IS NULL
FOR SHARE
ON CONFLICT DO NOTHING;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, md5('pgbm_' || :n)::uuid,
       COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = md5('pgbm_' || :n)::uuid), 0) + 1,
       'agent', 'Yego. Uri he, kandi ujya he?', 'item_pgbm_' || :n || '_5', now()
FROM calls WHERE id = md5('pgbm_' || :n)::uuid AND caller_pseudonym IS NULL
FOR SHARE
ON CONFLICT DO NOTHING;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, md5('pgbm_' || :n)::uuid,
       COALESCE((SELECT MAX(sequence) FROM call_transcripts WHERE call_id = md5('pgbm_' || :n)::uuid), 0) + 1,
       'caller', 'Ndi i Kimironko, njya mu mujyi.', 'item_pgbm_' || :n || '_6', now()
FROM calls WHERE id = md5('pgbm_' || :n)::uuid AND caller_pseudonym IS NULL
FOR SHARE
ON CONFLICT DO NOTHING;
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
UPDATE calls SET duration_seconds = 5, end_reason = 'caller_hangup', ended_at = now(), status = 'ended', summary_due_at = now(), summary_status = 'pending'
WHERE id = md5('pgbm_' || :n)::uuid;
UPDATE calls SET monitor_owner = NULL WHERE call_id = 'rtc_pgbm_' || :n AND monitor_owner = 'pgbench';
SELECT c.id, c.accepted_at, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.identity, c.language, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.transfer_target, c.trunk, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
SELECT c.id, c.at, c.call_id, c.item_id, c.sequence, c.speaker, c.text
FROM call_transcripts AS c
WHERE c.call_id = md5('pgbm_' || :n)::uuid
ORDER BY c.sequence;
UPDATE calls AS c
SET summary = 'Umukiriya yashakaga taxi ivuye i Kimironko ijya mu mujyi, umushoferi azamuvugisha kuri WhatsApp.',
    summary_status = 'done',
    summary_attempts = 0,
    summary_due_at = NULL,
    summary_settled_at = now()
WHERE c.id = md5('pgbm_' || :n)::uuid AND c.summary_status = 'pending';
