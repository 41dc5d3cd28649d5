-- One monitored call as the service issues it to PostgreSQL (issue 17's monitor): the decision (as in call.sql, plus
-- what a real live-call ceiling and a consenting caller add; its outcome's UPDATE also names the follower), then what
-- the sideband monitor stores while it follows the call to its end, then the post-call summary. The call is the bench's
-- monitored call (bench/run.sh, BENCH_MONITOR=on; bench/EasyMo.Bench/FakeRealtime.cs): 5 s long, 6 transcript turns,
-- one record_consent call, closed by OpenAI; the caller is a returning one who agreed before.
--
-- In the service (captured with `BENCH_MONITOR=on bench/run.sh --capture-sql`; docs/benchmarks.md lists them):
--   decision (AcceptIncomingCallHandler, CallStore, ClaimBatch): the profile lookup; the claim as one batch (one round
--     trip): BEGIN, SET LOCAL synchronous_commit TO off, the webhook-delivery and call INSERTs, the ceiling's advisory
--     lock and count (the sum of live_lines' 64 stripes, kept by triggers; the live calls one by one only past the
--     ceiling), COMMIT (not waiting for the disk under the lock), then SELECT txid_current() (a transaction of
--     its own whose synchronous commit flushes the claim before the batch returns); the caller's last summary; the UPDATE recording the
--     accept and naming this instance the call's follower (monitor_owner): no claim statement, no read by the monitor
--     (what it needs comes from the decision);
--   transcript turns (TranscriptWriter, RecordTranscriptCommand): one INSERT … FROM unnest per batch of every followed
--     call's turns. Under load a batch holds many calls' turns; alone, a call's turns go one or two at a time (the
--     capture's 5 batches per call). Written here as one batch of the call's 6 turns;
--   the live view (LiveCallBroadcast): one pg_notify statement per 100 ms of events per instance (under load shared by
--     many calls; alone, about 4.6 per call). Written here once, with the call's events;
--   record_consent (RecordCallConsentHandler → CallStore.RecordConsentAsync): one statement, the call's
--     consent set when it changes (not here: the caller agreed before), the profile's remembered, the activity inserted
--     (before, the call and the profile read, then BEGIN, the activity INSERT and the profile's UPDATE, COMMIT);
--   the end (RecordCallEndedHandler → CallStore.TryEndAsync): one UPDATE, conditional on the call still accepted with the
--     consent the monitor knows, with the caller's waits, clearing the follower (no release);
--   the summary (SummarizeCallHandler): the call and its transcript read, the summary's UPDATE; the post-call analysis
--     (AnalyzeCallHandler): the same two reads and its UPDATE.
-- Not per call, left out: the monitor's heartbeat and sweep, the summary sweep's batch claim, the other sweeps.
-- Before issue 17 a monitored call was 36 statements (monitored-call-before.sql: a claim, reads of the call and profile,
-- a read and an INSERT per turn, a read and an UPDATE to end, a release); now 16 (the 3 of the
-- post-call analysis, added since, included; 19 before record_consent was one statement) plus the statements shared by many calls (transcript batches, the live view).
--
-- To regenerate after the service's SQL changed: see monitored-call-before.sql's header (the same steps).
--
-- Run by bench/run.sh with -M prepared, against the same cluster as call.sql, after it has made the instance lease and
-- put as many accepted calls live as the monitored 64-sender level had (the ceiling's count read them one by one before
-- the LiveLineCount migration; the calls' triggers now count them as the service's writes do).
\set phone 250788000000 + random(0, 999)
\set n random(1, 9000000000000000)
SELECT p.id, p.blocked, p.consent, p.consent_at, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.phone = '+' || :phone OR p.wa_id = :phone::text
LIMIT 1 \gset profile_
\startpipeline
BEGIN;
SET LOCAL synchronous_commit TO off;
INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
VALUES ('wh_pgbm_' || :n, 'rtc_pgbm_' || :n, 'realtime.call.incoming', now(), 'openai');
INSERT INTO calls (id, accepted_at, analysis_attempts, analysis_due_at, analysis_language, analysis_misunderstood, analysis_outcome, analysis_repeated, analysis_sentiment, analysis_service, analysis_settled_at, analysis_status, call_id, callee, caller, caller_name, caller_pseudonym, channel, consent, consent_at, decided_at, duration_seconds, end_reason, ended_at, greeting_wait_ms, identity, language, measured_turns, model, monitor_owner, profile_id, received_at, runtime, sip_call_id, sip_status_code, status, summary, summary_attempts, summary_due_at, summary_settled_at, summary_status, tool_max_ms, transfer_target, trunk, turn_wait_max_ms, turn_wait_p50_ms, turn_wait_p95_ms, voice, voice_seconds, whatsapp_call_id)
VALUES (md5('pgbm_' || :n)::uuid, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'none', 'rtc_pgbm_' || :n, '+250788300300', '+' || :phone, '+' || :phone, NULL, 'phone', 'granted', now(), NULL, NULL, NULL, NULL, NULL, 'verified', 'rw', NULL, NULL, NULL, :profile_id, now(), 'realtime', 'pgbm_' || :n || '@196.12.160.10', NULL, 'ringing', NULL, 0, NULL, NULL, 'none', NULL, NULL, 'mtn-rw', NULL, NULL, NULL, NULL, NULL, NULL)
RETURNING claimed_at;
SELECT pg_advisory_xact_lock(4999404026185318401);
SELECT CASE WHEN taken.lines <= 10000 THEN taken.lines::int ELSE (
    SELECT count(*)::int
    FROM (SELECT 1 FROM calls
          WHERE (status = 'accepted' AND accepted_at > now() - interval '30 minutes')
             OR (status = 'ringing' AND claimed_at > now() - interval '15 seconds')
          UNION ALL
          SELECT 1 FROM callbacks WHERE status = 'dialing' AND dialed_at > now() - interval '2 minutes'
          LIMIT 10001) AS live) END
FROM (SELECT sum(lines) AS lines FROM live_lines) AS taken;
COMMIT;
SELECT txid_current();
\endpipeline
SELECT c.summary
FROM calls AS c
WHERE c.profile_id = :profile_id AND c.summary IS NOT NULL
ORDER BY c.ended_at DESC
LIMIT 1;
UPDATE calls SET accepted_at = now(), model = 'gpt-realtime', monitor_owner = 'pgbench', status = 'accepted', voice = 'alloy'
WHERE id = md5('pgbm_' || :n)::uuid;
-- mirror-check: shared (TranscriptWriter: one statement per batch of every followed call's turns; under load a batch
-- holds many calls, below one per call in pg_stat_statements' rates)
WITH turn AS (
    SELECT DISTINCT ON (t.call_id, t.item_id, t.speaker) t.*
    FROM unnest(ARRAY[(lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid]::uuid[], ARRAY['rtc_pgbm_' || (:n)::text, 'rtc_pgbm_' || (:n)::text, 'rtc_pgbm_' || (:n)::text, 'rtc_pgbm_' || (:n)::text, 'rtc_pgbm_' || (:n)::text, 'rtc_pgbm_' || (:n)::text]::text[], ARRAY['agent', 'caller', 'agent', 'caller', 'agent', 'caller']::text[], ARRAY['Muraho, ndi umufasha wa EasyMO ukoresha ubwenge bw''ubukorano. Twakwemera kubika iki kiganiro kugira ngo tukorere neza? Vuga yego cyangwa oya.', 'Yego.', 'Murakoze. Nagufasha iki uyu munsi?', 'Muraho, ndashaka taxi.', 'Yego. Uri he, kandi ujya he?', 'Ndi i Kimironko, njya mu mujyi.']::text[], ARRAY['item_pgbm_' || (:n)::text || '_0', 'item_pgbm_' || (:n)::text || '_1', 'item_pgbm_' || (:n)::text || '_3', 'item_pgbm_' || (:n)::text || '_4', 'item_pgbm_' || (:n)::text || '_5', 'item_pgbm_' || (:n)::text || '_6']::text[], ARRAY[now(), now(), now(), now(), now(), now()]::timestamptz[])
        WITH ORDINALITY AS t(id, call_id, speaker, text, item_id, at, ord)
    ORDER BY t.call_id, t.item_id, t.speaker, t.ord
),
kept AS (
    SELECT c.id, c.call_id
    FROM (SELECT DISTINCT turn.call_id FROM turn) AS wanted,
    LATERAL (
        SELECT c.id, c.call_id FROM calls c
        WHERE c.call_id = wanted.call_id AND c.consent = 'granted' AND c.caller_pseudonym IS NULL
        LIMIT 1
        FOR KEY SHARE
    ) AS c
),
fresh AS (
    SELECT t.*, k.id AS row_call_id FROM turn t JOIN kept k ON k.call_id = t.call_id
    WHERE NOT EXISTS (SELECT 1 FROM call_transcripts x WHERE x.call_id = k.id AND x.item_id = t.item_id AND x.speaker = t.speaker)
)
INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
SELECT f.id, f.row_call_id,
       COALESCE((SELECT MAX(x.sequence) FROM call_transcripts x WHERE x.call_id = f.row_call_id), 0)
           + row_number() OVER (PARTITION BY f.row_call_id ORDER BY f.ord),
       f.speaker, f.text, f.item_id, f.at
FROM fresh f
ORDER BY f.ord
ON CONFLICT DO NOTHING;
-- mirror-check: shared (LiveCallBroadcast: one statement per instance and 100 ms, for every call's events)
SELECT pg_notify('easymo_live', payload) FROM unnest(ARRAY['[{"kind":"started","callId":"rtc_pgbm_' || (:n)::text || '","at":"2026-11-30T10:00:00Z","caller":"+' || (:phone)::text || '","language":"rw","consented":' || 'true},{"kind":"turn","callId":"rtc_pgbm_' || (:n)::text || '","at":"2026-11-30T10:00:01Z","speaker":"agent","text":"Murakoze. Nagufasha iki uyu munsi?"},{"kind":"ended","callId":"rtc_pgbm_' || (:n)::text || '","at":"2026-11-30T10:00:05Z","endReason":"caller_hangup"}]']::text[]) AS payload;
WITH live AS (
    SELECT c.id, c.profile_id FROM calls c
    WHERE c.call_id = 'rtc_pgbm_' || :n AND c.status = 'accepted'
),
answered AS (
    UPDATE calls SET consent = 'granted', consent_at = now()
    WHERE calls.id = (SELECT live.id FROM live) AND calls.status = 'accepted' AND calls.consent <> 'granted'
    RETURNING calls.id
),
remembered AS (
    UPDATE profiles SET consent = 'granted', consent_at = now(), updated_at = now()
    FROM live WHERE profiles.id = live.profile_id
    RETURNING 1
),
noted AS (
    INSERT INTO call_activities (id, at, call_id, detail, kind, name)
    SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20))::uuid, now(), live.id, 'granted by voice', 'tool_call', 'record_consent' FROM live
    RETURNING 1
)
SELECT live.id, EXISTS (SELECT 1 FROM answered) AS changed FROM live;
UPDATE calls
SET status = 'ended', ended_at = now(), end_reason = 'caller_hangup', duration_seconds = 5,
    voice_seconds = NULL, summary_status = 'pending', summary_due_at = now(),
    analysis_status = 'pending', analysis_due_at = now(),
    measured_turns = 2, turn_wait_p50_ms = 640, turn_wait_p95_ms = 910,
    turn_wait_max_ms = 910, greeting_wait_ms = 1200, tool_max_ms = 12,
    monitor_owner = NULL
WHERE call_id = 'rtc_pgbm_' || :n AND status = 'accepted' AND consent = 'granted';
SELECT c.id, c.accepted_at, c.analysis_attempts, c.analysis_due_at, c.analysis_language, c.analysis_misunderstood, c.analysis_outcome, c.analysis_repeated, c.analysis_sentiment, c.analysis_service, c.analysis_settled_at, c.analysis_status, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.greeting_wait_ms, c.identity, c.language, c.measured_turns, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.tool_max_ms, c.transfer_target, c.trunk, c.turn_wait_max_ms, c.turn_wait_p50_ms, c.turn_wait_p95_ms, c.voice, c.voice_seconds, c.whatsapp_call_id
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
SELECT c.id, c.accepted_at, c.analysis_attempts, c.analysis_due_at, c.analysis_language, c.analysis_misunderstood, c.analysis_outcome, c.analysis_repeated, c.analysis_sentiment, c.analysis_service, c.analysis_settled_at, c.analysis_status, c.call_id, c.callee, c.caller, c.caller_name, c.caller_pseudonym, c.channel, c.claimed_at, c.consent, c.consent_at, c.decided_at, c.duration_seconds, c.end_reason, c.ended_at, c.greeting_wait_ms, c.identity, c.language, c.measured_turns, c.model, c.monitor_owner, c.profile_id, c.received_at, c.runtime, c.sip_call_id, c.sip_status_code, c.status, c.summary, c.summary_attempts, c.summary_due_at, c.summary_settled_at, c.summary_status, c.tool_max_ms, c.transfer_target, c.trunk, c.turn_wait_max_ms, c.turn_wait_p50_ms, c.turn_wait_p95_ms, c.voice, c.voice_seconds, c.whatsapp_call_id
FROM calls AS c
WHERE c.call_id = 'rtc_pgbm_' || :n
LIMIT 1;
SELECT c.id, c.at, c.call_id, c.item_id, c.sequence, c.speaker, c.text
FROM call_transcripts AS c
WHERE c.call_id = md5('pgbm_' || :n)::uuid
ORDER BY c.sequence;
UPDATE calls AS c
SET analysis_service = 'rides', analysis_outcome = 'resolved', analysis_sentiment = 'positive', analysis_language = 'rw',
    analysis_misunderstood = false, analysis_repeated = false, analysis_status = 'done', analysis_attempts = 0,
    analysis_due_at = NULL, analysis_settled_at = now()
WHERE c.id = md5('pgbm_' || :n)::uuid AND c.analysis_status = 'pending';
