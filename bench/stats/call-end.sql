-- bench/pgbench/call.sql, then the call's end as CallStore.TryEndAsync issues it (one conditional UPDATE), so that an A/B
-- with and without the stats roll-up's work (bench/stats/rollup-ab.sh) pays for all three writes of a call's life:
-- the INSERT at the claim, the UPDATE at the decision and the UPDATE at the end (with its wait figures).
\set phone 250788000000 + random(0, 999)
\set n random(1, 9000000000000000)
\set duration random(1, 900)
SELECT p.id, p.blocked, p.consent, p.consent_at, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.phone = '+' || :phone OR p.wa_id = :phone::text
LIMIT 1 \gset profile_
\startpipeline
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
INSERT INTO calls (id, accepted_at, call_id, callee, caller, caller_name, caller_pseudonym, channel, consent, consent_at, decided_at, duration_seconds, end_reason, ended_at, identity, language, model, monitor_owner, profile_id, received_at, runtime, sip_call_id, sip_status_code, status, summary, summary_attempts, summary_due_at, summary_settled_at, summary_status, transfer_target, trunk, voice, voice_seconds, whatsapp_call_id)
VALUES (md5('pgb_' || :n)::uuid, NULL, 'rtc_pgb_' || :n, '+250788300300', '+' || :phone, '+' || :phone, NULL, 'phone', 'not_asked', NULL, NULL, NULL, NULL, NULL, 'verified', 'rw', NULL, NULL, :profile_id, now(), 'realtime', 'pgb_' || :n || '@196.12.160.10', NULL, 'ringing', NULL, 0, NULL, NULL, 'none', NULL, 'mtn-rw', NULL, NULL, NULL);
INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
VALUES ('wh_pgb_' || :n, 'rtc_pgb_' || :n, 'realtime.call.incoming', now(), 'openai');
\endpipeline
COMMIT;
UPDATE calls SET accepted_at = now(), model = 'gpt-realtime', status = 'accepted', voice = 'alloy'
WHERE id = md5('pgb_' || :n)::uuid;
UPDATE calls SET status = 'ended', ended_at = now(), end_reason = 'caller_hangup', duration_seconds = :duration, voice_seconds = NULL,
       summary_status = 'none', summary_due_at = NULL, measured_turns = 6, turn_wait_p50_ms = 700, turn_wait_p95_ms = 1400 + :duration,
       turn_wait_max_ms = 2100, greeting_wait_ms = 900, tool_max_ms = NULL, monitor_owner = NULL
WHERE call_id = 'rtc_pgb_' || :n AND status = 'accepted' AND consent = 'not_asked';
