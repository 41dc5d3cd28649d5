-- Representative rows of a database at 20261130082703_Initial: one or more in every table, each column that can hold a
-- value holding one, as the service writes them. MigrationStepTests writes them at this migration and carries them
-- through every later one, so each migration is tested against a database that has rows (an added NOT NULL column
-- without a default, a new constraint the rows break, a conversion that fails on a value: caught here, not in
-- production). A migration that changes what rows look like may add rows-at-<its id>.sql, for the ones after it.
INSERT INTO profiles (id, phone, wa_id, name, language, blocked, created_at, updated_at, consent, consent_at)
VALUES ('5eed0000-0000-4000-8000-000000000001', '+250788000001', '250788000001', 'Seed Caller', 'rw', false, now(), now(), 'granted', now()),
       ('5eed0000-0000-4000-8000-000000000002', '+35699000002', NULL, NULL, NULL, true, now(), now(), 'not_asked', NULL);

INSERT INTO calls (id, call_id, status, channel, trunk, language, caller, caller_name, callee, whatsapp_call_id, profile_id,
                   received_at, accepted_at, decided_at, ended_at, duration_seconds, end_reason, sip_status_code, model, voice,
                   summary, summary_attempts, summary_due_at, summary_status, transfer_target, summary_settled_at,
                   caller_pseudonym, consent, consent_at, identity, claimed_at, monitor_owner, runtime, sip_call_id, voice_seconds)
VALUES ('5eed0000-0000-4000-8000-000000000011', 'rtc_seed_ended', 'ended', 'phone', 'mtn-rw', 'rw', '+250788000001', 'Seed Caller',
        '+250788300300', NULL, '5eed0000-0000-4000-8000-000000000001', now() - interval '1 hour', now() - interval '1 hour',
        now() - interval '1 hour', now() - interval '55 minutes', 300, 'caller_hangup', NULL, 'gpt-realtime', 'alloy',
        'Asked for a ride to Kimironko.', 1, NULL, 'done', NULL, now() - interval '50 minutes',
        NULL, 'granted', now() - interval '1 hour', 'verified', now() - interval '1 hour', NULL, 'realtime',
        'seed-1@196.12.160.10', 280),
       ('5eed0000-0000-4000-8000-000000000012', 'rtc_seed_live', 'accepted', 'whatsapp', NULL, 'en', '+35699000002', NULL,
        NULL, 'wacid_seed', '5eed0000-0000-4000-8000-000000000002', now(), now(), now(), NULL, NULL, NULL, NULL,
        'gpt-live-1', 'marin', NULL, 0, now() + interval '1 minute', 'pending', '+250788300301', NULL,
        'ps_seed', 'not_asked', NULL, 'unverified', now(), 'instance-seed', 'live', NULL, NULL);

INSERT INTO call_activities (id, call_id, kind, name, detail, at)
VALUES ('5eed0000-0000-4000-8000-000000000021', '5eed0000-0000-4000-8000-000000000011', 'tool', 'request_ride', '{"to":"Kimironko"}', now());

INSERT INTO call_requests (id, call_id, profile_id, service, location, details, at)
VALUES ('5eed0000-0000-4000-8000-000000000031', '5eed0000-0000-4000-8000-000000000011', '5eed0000-0000-4000-8000-000000000001',
        'rides', 'Kigali', 'To Kimironko market', now());

INSERT INTO call_transcripts (id, call_id, sequence, speaker, text, item_id, at)
VALUES ('5eed0000-0000-4000-8000-000000000041', '5eed0000-0000-4000-8000-000000000011', 1, 'caller', 'Muraho', 'item_seed_1', now()),
       ('5eed0000-0000-4000-8000-000000000042', '5eed0000-0000-4000-8000-000000000011', 2, 'agent', 'Muraho! Nagufasha iki?', 'item_seed_2', now());

INSERT INTO call_monitor_leases (call_id, owner, lease_until)
VALUES ('5eed0000-0000-4000-8000-000000000012', 'instance-seed', now() + interval '1 minute');

INSERT INTO webhook_deliveries (webhook_id, source, event_type, call_id, received_at)
VALUES ('wh_seed_1', 'openai', 'realtime.call.incoming', 'rtc_seed_ended', now());

INSERT INTO outbox_messages (id, deduplication_key, recipient, body, language, status, attempts, created_at, next_attempt_at,
                             delivery_status, delivery_status_at, kind, last_error, last_error_code, provider_message_id, sent_at,
                             template_language, template_name, updated_at)
VALUES ('5eed0000-0000-4000-8000-000000000051', 'accept_failed:rtc_seed_ended', '+250788000001', 'Sorry, we could not answer.',
        'rw', 'sent', 1, now(), now(), 'delivered', now(), 'text', NULL, NULL, 'wamid.seed1', now(), NULL, NULL, now()),
       ('5eed0000-0000-4000-8000-000000000052', 'template:seed', '+35699000002', '', 'en', 'pending', 2, now(), now(),
        NULL, NULL, 'template', 'rate limited', 131056, NULL, NULL, 'en_US', 'callback_offer', now());

INSERT INTO voice_notes (id, message_id, sender_wa_id, profile_id, business_phone_number_id, media_id, mime_type, voice, status,
                         sent_at, received_at, attempts, completed_at, last_error, next_attempt_at, reply_language, reply_text,
                         transcript, updated_at)
VALUES ('5eed0000-0000-4000-8000-000000000061', 'wamid.seed.voice', '250788000001', '5eed0000-0000-4000-8000-000000000001',
        '100200300', 'media_seed', 'audio/ogg; codecs=opus', true, 'pending', now(), now(), 0, NULL, NULL, now(), NULL, NULL,
        NULL, NULL);

INSERT INTO whatsapp_calls (id, whatsapp_call_id, direction, status, user_wa_id, user_phone, business_phone_number_id, profile_id,
                            call_id, connected_at, terminated_at, started_at, ended_at, duration_seconds, termination_status,
                            error_codes, created_at, updated_at, user_pseudonym)
VALUES ('5eed0000-0000-4000-8000-000000000071', 'wacid_seed', 'USER_INITIATED', 'terminated', '35699000002', '+35699000002',
        '100200300', '5eed0000-0000-4000-8000-000000000002', '5eed0000-0000-4000-8000-000000000012', now(), now(), now(), now(),
        12, 'COMPLETED', '{131000}', now(), now(), NULL);

INSERT INTO whatsapp_events (event_key, kind, received_at)
VALUES ('call:wacid_seed:terminate', 'call', now());

INSERT INTO call_recordings (id, whatsapp_call_id, kind, profile_id, reference, received_at)
VALUES ('5eed0000-0000-4000-8000-000000000081', 'wacid_seed', 'recording', '5eed0000-0000-4000-8000-000000000002',
        '{"media_id":"rec_seed"}', now());

INSERT INTO privacy_audit (id, at, action, actor, subject, counts)
VALUES ('5eed0000-0000-4000-8000-000000000091', now(), 'export', 'privacy', 'ps_seed', '{"calls":1}');

INSERT INTO callbacks (id, phone, profile_id, language, time_zone, reason, origin_call_id, requested_at, local_day, status, due_at,
                       expires_at, dialed_at, session_id, settled_at, error, requested_by)
VALUES ('5eed0000-0000-4000-8000-0000000000a1', '+250788000001', '5eed0000-0000-4000-8000-000000000001', 'rw', 'Africa/Kigali',
        'busy', 'rtc_seed_ended', now(), current_date, 'queued', now(), now() + interval '12 hours', NULL, NULL, NULL, NULL, NULL),
       ('5eed0000-0000-4000-8000-0000000000a2', '+35699000002', NULL, 'en', 'Europe/Malta', 'operator', NULL, now(), current_date,
        'placed', now(), now() + interval '12 hours', now(), 'sess_seed', now(), NULL, 'operator');

INSERT INTO work_leases (name, holder, lease_until)
VALUES ('outbox', 'instance-seed', now() + interval '30 seconds');
