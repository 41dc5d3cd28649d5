-- The same call as call.sql without what is not the call's own work: no pool reset (DISCARD ALL) and no savepoints.
-- What the database could do if the service sent only its essential statements (see docs/benchmarks.md).
\set phone 250788000000 + random(0, 999)
\set n random(1, 9000000000000000)
SELECT p.id, p.blocked, p.created_at, p.language, p.name, p.phone, p.updated_at, p.wa_id
FROM profiles AS p
WHERE p.phone = '+' || :phone OR p.wa_id = :phone::text
LIMIT 1 \gset profile_
\startpipeline
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
INSERT INTO calls (id, accepted_at, call_id, callee, caller, caller_name, channel, decided_at, duration_seconds, end_reason, ended_at, language, model, profile_id, received_at, sip_status_code, status, trunk, voice, whatsapp_call_id)
VALUES (md5('pgb_' || :n)::uuid, NULL, 'rtc_pgb_' || :n, '+250788300300', '+' || :phone, '+' || :phone, 'phone', NULL, NULL, NULL, NULL, 'rw', NULL, :profile_id, now(), NULL, 'ringing', 'MTN Rwanda', NULL, NULL);
INSERT INTO webhook_deliveries (webhook_id, call_id, event_type, received_at, source)
VALUES ('wh_pgb_' || :n, 'rtc_pgb_' || :n, 'realtime.call.incoming', now(), 'openai');
\endpipeline
UPDATE calls SET accepted_at = now(), model = 'gpt-realtime', status = 'accepted', voice = 'alloy'
WHERE id = md5('pgb_' || :n)::uuid;
COMMIT;
