-- The pre-release migration chain, as the SQL it ran: 20261124101539_InitialSchema … 20261130061628_OperatorAudit, the
-- 14 migrations written before the first release and squashed into one initial migration (docs/adr/0008). Printed by
-- `dotnet ef migrations script 0 20261130061628_OperatorAudit` from commit 616917e, the last with those migrations;
-- applied to an empty database it gives exactly the schema and history rows `migrate` gave there (compared with
-- catalog.sql on PostgreSQL 15). Nothing below this comment was changed.
--
-- The migrations' tests (tests/EasyMo.IntegrationTests/Migrations) run it: the initial migration must produce exactly
-- this schema (so the squash lost nothing), and a database created by this chain, such as a developer's .local
-- database, must be taken over by `migrate` and at start-up. It is the record of that chain: never edit it.

CREATE TABLE IF NOT EXISTS __ef_migrations_history (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;
CREATE TABLE outbox_messages (
    id uuid NOT NULL,
    deduplication_key character varying(300) NOT NULL,
    recipient character varying(16) NOT NULL,
    body character varying(4096) NOT NULL,
    language character varying(8) NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_outbox_messages PRIMARY KEY (id)
);

CREATE TABLE profiles (
    id uuid NOT NULL,
    phone character varying(16),
    wa_id character varying(32),
    name character varying(120),
    language character varying(8),
    blocked boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_profiles PRIMARY KEY (id)
);

CREATE TABLE webhook_deliveries (
    webhook_id character varying(256) NOT NULL,
    source character varying(32) NOT NULL,
    event_type character varying(64) NOT NULL,
    call_id character varying(256),
    received_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_webhook_deliveries PRIMARY KEY (webhook_id)
);

CREATE TABLE calls (
    id uuid NOT NULL,
    call_id character varying(256) NOT NULL,
    status character varying(16) NOT NULL,
    channel character varying(16) NOT NULL,
    trunk character varying(64),
    language character varying(8) NOT NULL,
    caller character varying(16),
    caller_name character varying(256),
    callee character varying(16),
    whatsapp_call_id character varying(256),
    profile_id uuid,
    received_at timestamp with time zone NOT NULL,
    accepted_at timestamp with time zone,
    decided_at timestamp with time zone,
    ended_at timestamp with time zone,
    duration_seconds integer,
    end_reason character varying(32),
    sip_status_code integer,
    model character varying(64),
    voice character varying(64),
    CONSTRAINT pk_calls PRIMARY KEY (id),
    CONSTRAINT ck_calls_duration CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
    CONSTRAINT ck_calls_status CHECK (status IN ('ringing','accepted','rejected','missed','failed','ended')),
    CONSTRAINT fk_calls_profiles_profile_id FOREIGN KEY (profile_id) REFERENCES profiles (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX ix_calls_call_id ON calls (call_id);

CREATE INDEX ix_calls_caller ON calls (caller);

CREATE INDEX ix_calls_live ON calls (accepted_at) WHERE status = 'accepted';

CREATE INDEX ix_calls_profile_id ON calls (profile_id);

CREATE INDEX ix_calls_received_at ON calls (received_at DESC);

CREATE INDEX ix_calls_whatsapp_call_id ON calls (whatsapp_call_id) WHERE whatsapp_call_id IS NOT NULL;

CREATE UNIQUE INDEX ix_outbox_messages_deduplication_key ON outbox_messages (deduplication_key);

CREATE INDEX ix_outbox_messages_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';

CREATE UNIQUE INDEX ix_profiles_phone ON profiles (phone) WHERE phone IS NOT NULL;

CREATE UNIQUE INDEX ix_profiles_wa_id ON profiles (wa_id) WHERE wa_id IS NOT NULL;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124101539_InitialSchema', '10.0.15');

COMMIT;

START TRANSACTION;
DROP INDEX ix_calls_profile_id;

ALTER TABLE calls ADD summary character varying(4000);

ALTER TABLE calls ADD summary_attempts integer NOT NULL DEFAULT 0;

ALTER TABLE calls ADD summary_due_at timestamp with time zone;

ALTER TABLE calls ADD summary_status character varying(16) NOT NULL DEFAULT 'none';

ALTER TABLE calls ADD transfer_target character varying(256);

CREATE TABLE call_activities (
    id uuid NOT NULL,
    call_id uuid NOT NULL,
    kind character varying(16) NOT NULL,
    name character varying(64) NOT NULL,
    detail character varying(500),
    at timestamp with time zone NOT NULL,
    CONSTRAINT pk_call_activities PRIMARY KEY (id),
    CONSTRAINT fk_call_activities_calls_call_id FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE
);

CREATE TABLE call_monitor_leases (
    call_id uuid NOT NULL,
    owner character varying(128) NOT NULL,
    lease_until timestamp with time zone NOT NULL,
    CONSTRAINT pk_call_monitor_leases PRIMARY KEY (call_id),
    CONSTRAINT fk_call_monitor_leases_calls_call_id FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE
);

CREATE TABLE call_requests (
    id uuid NOT NULL,
    call_id uuid NOT NULL,
    profile_id uuid,
    service character varying(64) NOT NULL,
    location character varying(200) NOT NULL,
    details character varying(2000) NOT NULL,
    at timestamp with time zone NOT NULL,
    CONSTRAINT pk_call_requests PRIMARY KEY (id),
    CONSTRAINT fk_call_requests_calls_call_id FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE,
    CONSTRAINT fk_call_requests_profiles_profile_id FOREIGN KEY (profile_id) REFERENCES profiles (id) ON DELETE SET NULL
);

CREATE TABLE call_transcripts (
    id uuid NOT NULL,
    call_id uuid NOT NULL,
    sequence integer NOT NULL,
    speaker character varying(16) NOT NULL,
    text character varying(8000) NOT NULL,
    item_id character varying(128) NOT NULL,
    at timestamp with time zone NOT NULL,
    CONSTRAINT pk_call_transcripts PRIMARY KEY (id),
    CONSTRAINT fk_call_transcripts_calls_call_id FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE
);

CREATE INDEX ix_calls_profile_summaries ON calls (profile_id, ended_at) WHERE summary IS NOT NULL;

CREATE INDEX ix_calls_summary_due ON calls (summary_due_at) WHERE summary_status = 'pending';

CREATE INDEX ix_call_activities_call_id ON call_activities (call_id);

CREATE INDEX ix_call_monitor_leases_lease_until ON call_monitor_leases (lease_until);

CREATE INDEX ix_call_requests_call_id ON call_requests (call_id);

CREATE INDEX ix_call_requests_profile_id ON call_requests (profile_id);

CREATE UNIQUE INDEX ix_call_transcripts_call_id_item_id_speaker ON call_transcripts (call_id, item_id, speaker);

CREATE UNIQUE INDEX ix_call_transcripts_call_id_sequence ON call_transcripts (call_id, sequence);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124103743_CallLifecycleRecords', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE TABLE voice_notes (
    id uuid NOT NULL,
    message_id character varying(256) NOT NULL,
    sender_wa_id character varying(32) NOT NULL,
    profile_id uuid,
    business_phone_number_id character varying(256),
    media_id character varying(256) NOT NULL,
    mime_type character varying(128),
    voice boolean NOT NULL,
    status character varying(16) NOT NULL,
    sent_at timestamp with time zone,
    received_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_voice_notes PRIMARY KEY (id),
    CONSTRAINT fk_voice_notes_profiles_profile_id FOREIGN KEY (profile_id) REFERENCES profiles (id) ON DELETE SET NULL
);

CREATE TABLE whatsapp_calls (
    id uuid NOT NULL,
    whatsapp_call_id character varying(256) NOT NULL,
    direction character varying(32),
    status character varying(16) NOT NULL,
    user_wa_id character varying(32),
    user_phone character varying(16),
    business_phone_number_id character varying(256),
    profile_id uuid,
    call_id uuid,
    connected_at timestamp with time zone,
    terminated_at timestamp with time zone,
    started_at timestamp with time zone,
    ended_at timestamp with time zone,
    duration_seconds integer,
    termination_status character varying(32),
    error_codes integer[] NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_whatsapp_calls PRIMARY KEY (id),
    CONSTRAINT ck_whatsapp_calls_duration CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
    CONSTRAINT ck_whatsapp_calls_status CHECK (status IN ('connected','ringing','accepted','rejected','terminated')),
    CONSTRAINT fk_whatsapp_calls_calls_call_id FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE SET NULL,
    CONSTRAINT fk_whatsapp_calls_profiles_profile_id FOREIGN KEY (profile_id) REFERENCES profiles (id) ON DELETE SET NULL
);

CREATE TABLE whatsapp_events (
    event_key character varying(320) NOT NULL,
    kind character varying(32) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_whatsapp_events PRIMARY KEY (event_key)
);

CREATE UNIQUE INDEX ix_voice_notes_message_id ON voice_notes (message_id);

CREATE INDEX ix_voice_notes_pending ON voice_notes (received_at) WHERE status = 'pending';

CREATE INDEX ix_voice_notes_profile_id ON voice_notes (profile_id);

CREATE INDEX ix_whatsapp_calls_call_id ON whatsapp_calls (call_id);

CREATE INDEX ix_whatsapp_calls_profile_id ON whatsapp_calls (profile_id);

CREATE UNIQUE INDEX ix_whatsapp_calls_whatsapp_call_id ON whatsapp_calls (whatsapp_call_id);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124111637_WhatsAppInbound', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE outbox_messages ADD delivery_status character varying(16);

ALTER TABLE outbox_messages ADD delivery_status_at timestamp with time zone;

ALTER TABLE outbox_messages ADD kind character varying(16) NOT NULL DEFAULT 'text';

ALTER TABLE outbox_messages ADD last_error character varying(200);

ALTER TABLE outbox_messages ADD last_error_code integer;

ALTER TABLE outbox_messages ADD provider_message_id character varying(256);

ALTER TABLE outbox_messages ADD sent_at timestamp with time zone;

ALTER TABLE outbox_messages ADD template_language character varying(16);

ALTER TABLE outbox_messages ADD template_name character varying(512);

ALTER TABLE outbox_messages ADD updated_at timestamp with time zone;

CREATE UNIQUE INDEX ix_outbox_messages_provider_message_id ON outbox_messages (provider_message_id) WHERE provider_message_id IS NOT NULL;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124113952_WhatsAppOutbox', '10.0.15');

COMMIT;

START TRANSACTION;
DROP INDEX ix_voice_notes_pending;

ALTER TABLE voice_notes ADD attempts integer NOT NULL DEFAULT 0;

ALTER TABLE voice_notes ADD completed_at timestamp with time zone;

ALTER TABLE voice_notes ADD last_error character varying(512);

ALTER TABLE voice_notes ADD next_attempt_at timestamp with time zone NOT NULL DEFAULT TIMESTAMPTZ '-infinity';

ALTER TABLE voice_notes ADD reply_language character varying(8);

ALTER TABLE voice_notes ADD reply_text text;

ALTER TABLE voice_notes ADD transcript text;

ALTER TABLE voice_notes ADD updated_at timestamp with time zone;

CREATE INDEX ix_voice_notes_pending ON voice_notes (next_attempt_at) WHERE status = 'pending';

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124122049_VoiceNoteReplies', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE STATISTICS st_calls_received_day ON ((received_at AT TIME ZONE 'UTC')::date) FROM calls;

DROP INDEX ix_calls_caller;

DROP INDEX ix_calls_received_at;

ALTER TABLE calls ADD summary_settled_at timestamp with time zone;

CREATE INDEX ix_calls_caller_received_at_call_id ON calls (caller, received_at DESC, call_id DESC);

CREATE INDEX ix_calls_profile_id_received_at ON calls (profile_id, received_at DESC);

CREATE INDEX ix_calls_received_at_call_id ON calls (received_at DESC, call_id DESC);

CREATE INDEX ix_calls_status_received_at_call_id ON calls (status, received_at DESC, call_id DESC);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124150512_AdminQueries', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE whatsapp_calls ADD user_pseudonym character varying(68);

ALTER TABLE profiles ADD consent character varying(16) NOT NULL DEFAULT 'not_asked';

ALTER TABLE profiles ADD consent_at timestamp with time zone;

ALTER TABLE calls ADD caller_pseudonym character varying(68);

ALTER TABLE calls ADD consent character varying(16) NOT NULL DEFAULT 'not_asked';

ALTER TABLE calls ADD consent_at timestamp with time zone;

CREATE TABLE call_recordings (
    id uuid NOT NULL,
    whatsapp_call_id character varying(256) NOT NULL,
    kind character varying(16) NOT NULL,
    profile_id uuid,
    reference jsonb NOT NULL,
    received_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_call_recordings PRIMARY KEY (id),
    CONSTRAINT ck_call_recordings_kind CHECK (kind IN ('recording','transcription')),
    CONSTRAINT fk_call_recordings_profiles_profile_id FOREIGN KEY (profile_id) REFERENCES profiles (id) ON DELETE CASCADE
);

CREATE TABLE privacy_audit (
    id uuid NOT NULL,
    at timestamp with time zone NOT NULL,
    action character varying(16) NOT NULL,
    actor character varying(64) NOT NULL,
    subject character varying(68),
    counts jsonb NOT NULL,
    CONSTRAINT pk_privacy_audit PRIMARY KEY (id),
    CONSTRAINT ck_privacy_audit_action CHECK (action IN ('export','erase','purge','pseudonymise'))
);

CREATE INDEX ix_calls_caller_pseudonym ON calls (caller_pseudonym) WHERE caller_pseudonym IS NOT NULL;

CREATE INDEX ix_call_recordings_profile_id ON call_recordings (profile_id);

CREATE INDEX ix_call_recordings_received_at ON call_recordings (received_at);

CREATE INDEX ix_call_recordings_whatsapp_call_id_kind ON call_recordings (whatsapp_call_id, kind);

CREATE INDEX ix_privacy_audit_at ON privacy_audit (at);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124153749_Privacy', '10.0.15');

COMMIT;

START TRANSACTION;
UPDATE calls SET channel = 'whatsapp' WHERE channel = 'whats_app';

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124161149_ChannelNames', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE calls ADD identity character varying(16) NOT NULL DEFAULT 'unverified';

ALTER TABLE calls ADD CONSTRAINT ck_calls_identity CHECK (identity IN ('verified','unverified'));

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261129221120_CallerIdentity', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE calls ADD claimed_at timestamp with time zone NOT NULL DEFAULT (now());

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261129230753_DecisionClaims', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE calls ADD monitor_owner character varying(200);

CREATE TABLE work_leases (
    name character varying(200) NOT NULL,
    holder character varying(200) NOT NULL,
    lease_until timestamp with time zone NOT NULL,
    CONSTRAINT pk_work_leases PRIMARY KEY (name)
);

CREATE INDEX ix_calls_monitor_owner ON calls (monitor_owner) WHERE monitor_owner IS NOT NULL;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261130002330_WorkLeases', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE calls ADD runtime character varying(16) NOT NULL DEFAULT 'realtime';

ALTER TABLE calls ADD sip_call_id character varying(256);

ALTER TABLE calls ADD voice_seconds integer;

CREATE UNIQUE INDEX ux_calls_sip_call_id ON calls (sip_call_id) WHERE sip_call_id IS NOT NULL;

ALTER TABLE calls ADD CONSTRAINT ck_calls_runtime CHECK (runtime IN ('realtime','live'));

ALTER TABLE calls ADD CONSTRAINT ck_calls_voice_seconds CHECK (voice_seconds IS NULL OR voice_seconds >= 0);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261130040900_VoiceRuntimes', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE TABLE callbacks (
    id uuid NOT NULL,
    phone character varying(16) NOT NULL,
    profile_id uuid,
    language character varying(8) NOT NULL,
    time_zone character varying(64) NOT NULL,
    reason character varying(16) NOT NULL,
    origin_call_id character varying(256),
    requested_at timestamp with time zone NOT NULL,
    local_day date NOT NULL,
    status character varying(16) NOT NULL,
    due_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    dialed_at timestamp with time zone,
    session_id character varying(256),
    settled_at timestamp with time zone,
    error character varying(200),
    requested_by character varying(64),
    CONSTRAINT pk_callbacks PRIMARY KEY (id),
    CONSTRAINT ck_callbacks_reason CHECK (reason IN ('busy','accept_failed','operator')),
    CONSTRAINT ck_callbacks_status CHECK (status IN ('queued','dialing','placed','answered','not_answered','failed','in_doubt','cancelled','expired')),
    CONSTRAINT fk_callbacks_profiles_profile_id FOREIGN KEY (profile_id) REFERENCES profiles (id) ON DELETE SET NULL
);

CREATE INDEX ix_callbacks_dialing ON callbacks (dialed_at) WHERE status = 'dialing';

CREATE INDEX ix_callbacks_phone_local_day ON callbacks (phone, local_day);

CREATE INDEX ix_callbacks_profile_id ON callbacks (profile_id);

CREATE INDEX ix_callbacks_queue ON callbacks (due_at) WHERE status = 'queued';

CREATE INDEX ix_callbacks_requested_at ON callbacks (requested_at DESC);

CREATE UNIQUE INDEX ix_callbacks_session_id ON callbacks (session_id) WHERE session_id IS NOT NULL;

CREATE UNIQUE INDEX ux_callbacks_open_phone ON callbacks (phone) WHERE status IN ('queued','dialing');

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261130053814_Callbacks', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE privacy_audit DROP CONSTRAINT ck_privacy_audit_action;

ALTER TABLE privacy_audit ADD CONSTRAINT ck_privacy_audit_action CHECK (action IN ('export','erase','purge','pseudonymise','profile_update','callback_request','callback_cancel'));

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261130061628_OperatorAudit', '10.0.15');

COMMIT;

