using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The schema of the first release: the 14 pre-release migrations (20261124101539_InitialSchema …
    /// 20261130061628_OperatorAudit) squashed into one, generated from the model by <c>dotnet ef migrations add</c>, then
    /// completed by hand with what the model does not say, so that it gives exactly the schema those migrations gave
    /// (tests/EasyMo.IntegrationTests/Migrations; docs/adr/0008-one-initial-migration.md):
    /// <list type="bullet">
    /// <item>the columns in the order the chain left them (added columns last), as the privacy export's
    /// <c>SELECT *</c> lists them;</item>
    /// <item>the defaults the chain gave columns it added to tables that had rows, which the model does not name:
    /// <c>calls.summary_attempts</c> 0, <c>calls.summary_status</c> 'none', <c>outbox_messages.kind</c> 'text',
    /// <c>voice_notes.attempts</c> 0, <c>voice_notes.next_attempt_at</c> -infinity;</item>
    /// <item><c>call_monitor_leases</c>, which the model no longer maps (ADR 0005: kept for the rolling deployment
    /// from the release before; a later migration drops it);</item>
    /// <item>the extended statistics <c>st_calls_received_day</c> (AdminQueries).</item>
    /// </list>
    /// This migration is released: never edit it, add a migration instead (TestData/migrations.lock).
    /// </summary>
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    deduplication_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    recipient = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    body = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    delivery_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    delivery_status_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "text"), // not in the model: the chain's default
                    last_error = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    last_error_code = table.Column<int>(type: "integer", nullable: true),
                    provider_message_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    template_language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    template_name = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "privacy_audit",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    actor = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    subject = table.Column<string>(type: "character varying(68)", maxLength: 68, nullable: true),
                    counts = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_privacy_audit", x => x.id);
                    table.CheckConstraint("ck_privacy_audit_action", "action IN ('export','erase','purge','pseudonymise','profile_update','callback_request','callback_cancel')");
                });

            migrationBuilder.CreateTable(
                name: "profiles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    wa_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    blocked = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    consent = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "not_asked"),
                    consent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_profiles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    webhook_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    event_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.webhook_id);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_events",
                columns: table => new
                {
                    event_key = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_events", x => x.event_key);
                });

            migrationBuilder.CreateTable(
                name: "work_leases",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_work_leases", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "call_recordings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    whatsapp_call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    profile_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reference = table.Column<string>(type: "jsonb", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_recordings", x => x.id);
                    table.CheckConstraint("ck_call_recordings_kind", "kind IN ('recording','transcription')");
                    table.ForeignKey(
                        name: "fk_call_recordings_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "callbacks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    profile_id = table.Column<Guid>(type: "uuid", nullable: true),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    origin_call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    local_day = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    dialed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    session_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    settled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    requested_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_callbacks", x => x.id);
                    table.CheckConstraint("ck_callbacks_reason", "reason IN ('busy','accept_failed','operator')");
                    table.CheckConstraint("ck_callbacks_status", "status IN ('queued','dialing','placed','answered','not_answered','failed','in_doubt','cancelled','expired')");
                    table.ForeignKey(
                        name: "fk_callbacks_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "calls",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    trunk = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    caller = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    caller_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    callee = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    whatsapp_call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    profile_id = table.Column<Guid>(type: "uuid", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    duration_seconds = table.Column<int>(type: "integer", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    sip_status_code = table.Column<int>(type: "integer", nullable: true),
                    model = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    voice = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    summary_attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0), // not in the model: the chain's default
                    summary_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    summary_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "none"), // not in the model: the chain's default
                    transfer_target = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    summary_settled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    caller_pseudonym = table.Column<string>(type: "character varying(68)", maxLength: 68, nullable: true),
                    consent = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "not_asked"),
                    consent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    identity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "unverified"),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    monitor_owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    runtime = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "realtime"),
                    sip_call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    voice_seconds = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calls", x => x.id);
                    table.CheckConstraint("ck_calls_duration", "duration_seconds IS NULL OR duration_seconds >= 0");
                    table.CheckConstraint("ck_calls_identity", "identity IN ('verified','unverified')");
                    table.CheckConstraint("ck_calls_runtime", "runtime IN ('realtime','live')");
                    table.CheckConstraint("ck_calls_status", "status IN ('ringing','accepted','rejected','missed','failed','ended')");
                    table.CheckConstraint("ck_calls_voice_seconds", "voice_seconds IS NULL OR voice_seconds >= 0");
                    table.ForeignKey(
                        name: "fk_calls_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            // Not in the model: the monitor's former leases, unmapped since WorkLeases (ADR 0005).
            migrationBuilder.CreateTable(
                name: "call_monitor_leases",
                columns: table => new
                {
                    call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_monitor_leases", x => x.call_id);
                    table.ForeignKey(
                        name: "fk_call_monitor_leases_calls_call_id",
                        column: x => x.call_id,
                        principalTable: "calls",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_call_monitor_leases_lease_until",
                table: "call_monitor_leases",
                column: "lease_until");

            migrationBuilder.CreateTable(
                name: "voice_notes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    sender_wa_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    profile_id = table.Column<Guid>(type: "uuid", nullable: true),
                    business_phone_number_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    media_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    mime_type = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    voice = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0), // not in the model: the chain's default
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "'-infinity'"), // not in the model: the chain's default
                    reply_language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    reply_text = table.Column<string>(type: "text", nullable: true),
                    transcript = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_voice_notes", x => x.id);
                    table.ForeignKey(
                        name: "fk_voice_notes_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "call_activities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_activities", x => x.id);
                    table.ForeignKey(
                        name: "fk_call_activities_calls_call_id",
                        column: x => x.call_id,
                        principalTable: "calls",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "call_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    profile_id = table.Column<Guid>(type: "uuid", nullable: true),
                    service = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    location = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    details = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_call_requests_calls_call_id",
                        column: x => x.call_id,
                        principalTable: "calls",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_call_requests_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "call_transcripts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    speaker = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    item_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_transcripts", x => x.id);
                    table.ForeignKey(
                        name: "fk_call_transcripts_calls_call_id",
                        column: x => x.call_id,
                        principalTable: "calls",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_calls",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    whatsapp_call_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    direction = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    user_wa_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    user_phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    business_phone_number_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    profile_id = table.Column<Guid>(type: "uuid", nullable: true),
                    call_id = table.Column<Guid>(type: "uuid", nullable: true),
                    connected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    terminated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    duration_seconds = table.Column<int>(type: "integer", nullable: true),
                    termination_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    error_codes = table.Column<int[]>(type: "integer[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_pseudonym = table.Column<string>(type: "character varying(68)", maxLength: 68, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_calls", x => x.id);
                    table.CheckConstraint("ck_whatsapp_calls_duration", "duration_seconds IS NULL OR duration_seconds >= 0");
                    table.CheckConstraint("ck_whatsapp_calls_status", "status IN ('connected','ringing','accepted','rejected','terminated')");
                    table.ForeignKey(
                        name: "fk_whatsapp_calls_calls_call_id",
                        column: x => x.call_id,
                        principalTable: "calls",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_whatsapp_calls_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_call_activities_call_id",
                table: "call_activities",
                column: "call_id");

            migrationBuilder.CreateIndex(
                name: "ix_call_recordings_profile_id",
                table: "call_recordings",
                column: "profile_id");

            migrationBuilder.CreateIndex(
                name: "ix_call_recordings_received_at",
                table: "call_recordings",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_call_recordings_whatsapp_call_id_kind",
                table: "call_recordings",
                columns: new[] { "whatsapp_call_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_call_requests_call_id",
                table: "call_requests",
                column: "call_id");

            migrationBuilder.CreateIndex(
                name: "ix_call_requests_profile_id",
                table: "call_requests",
                column: "profile_id");

            migrationBuilder.CreateIndex(
                name: "ix_call_transcripts_call_id_item_id_speaker",
                table: "call_transcripts",
                columns: new[] { "call_id", "item_id", "speaker" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_call_transcripts_call_id_sequence",
                table: "call_transcripts",
                columns: new[] { "call_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_callbacks_dialing",
                table: "callbacks",
                column: "dialed_at",
                filter: "status = 'dialing'");

            migrationBuilder.CreateIndex(
                name: "ix_callbacks_phone_local_day",
                table: "callbacks",
                columns: new[] { "phone", "local_day" });

            migrationBuilder.CreateIndex(
                name: "ix_callbacks_profile_id",
                table: "callbacks",
                column: "profile_id");

            migrationBuilder.CreateIndex(
                name: "ix_callbacks_queue",
                table: "callbacks",
                column: "due_at",
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_callbacks_requested_at",
                table: "callbacks",
                column: "requested_at",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_callbacks_session_id",
                table: "callbacks",
                column: "session_id",
                unique: true,
                filter: "session_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_callbacks_open_phone",
                table: "callbacks",
                column: "phone",
                unique: true,
                filter: "status IN ('queued','dialing')");

            migrationBuilder.CreateIndex(
                name: "ix_calls_call_id",
                table: "calls",
                column: "call_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_calls_caller_pseudonym",
                table: "calls",
                column: "caller_pseudonym",
                filter: "caller_pseudonym IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_calls_caller_received_at_call_id",
                table: "calls",
                columns: new[] { "caller", "received_at", "call_id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_calls_live",
                table: "calls",
                column: "accepted_at",
                filter: "status = 'accepted'");

            migrationBuilder.CreateIndex(
                name: "ix_calls_monitor_owner",
                table: "calls",
                column: "monitor_owner",
                filter: "monitor_owner IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_calls_profile_id_received_at",
                table: "calls",
                columns: new[] { "profile_id", "received_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_calls_profile_summaries",
                table: "calls",
                columns: new[] { "profile_id", "ended_at" },
                filter: "summary IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_calls_received_at_call_id",
                table: "calls",
                columns: new[] { "received_at", "call_id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_calls_status_received_at_call_id",
                table: "calls",
                columns: new[] { "status", "received_at", "call_id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_calls_summary_due",
                table: "calls",
                column: "summary_due_at",
                filter: "summary_status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_calls_whatsapp_call_id",
                table: "calls",
                column: "whatsapp_call_id",
                filter: "whatsapp_call_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_calls_sip_call_id",
                table: "calls",
                column: "sip_call_id",
                unique: true,
                filter: "sip_call_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_deduplication_key",
                table: "outbox_messages",
                column: "deduplication_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_due",
                table: "outbox_messages",
                column: "next_attempt_at",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_provider_message_id",
                table: "outbox_messages",
                column: "provider_message_id",
                unique: true,
                filter: "provider_message_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_privacy_audit_at",
                table: "privacy_audit",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_profiles_phone",
                table: "profiles",
                column: "phone",
                unique: true,
                filter: "phone IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_profiles_wa_id",
                table: "profiles",
                column: "wa_id",
                unique: true,
                filter: "wa_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_message_id",
                table: "voice_notes",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_pending",
                table: "voice_notes",
                column: "next_attempt_at",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_profile_id",
                table: "voice_notes",
                column: "profile_id");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_calls_call_id",
                table: "whatsapp_calls",
                column: "call_id");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_calls_profile_id",
                table: "whatsapp_calls",
                column: "profile_id");

            migrationBuilder.CreateIndex(
                name: "ix_whatsapp_calls_whatsapp_call_id",
                table: "whatsapp_calls",
                column: "whatsapp_call_id",
                unique: true);

            // Not in the model (AdminQueries): the stats group calls by UTC day; without statistics on that expression the
            // planner guesses a group per row and sorts a whole year of calls instead of hashing a few thousand groups.
            migrationBuilder.Sql("CREATE STATISTICS st_calls_received_day ON ((received_at AT TIME ZONE 'UTC')::date) FROM calls;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_calls_received_day;");

            migrationBuilder.DropTable(
                name: "call_monitor_leases");

            migrationBuilder.DropTable(
                name: "call_activities");

            migrationBuilder.DropTable(
                name: "call_recordings");

            migrationBuilder.DropTable(
                name: "call_requests");

            migrationBuilder.DropTable(
                name: "call_transcripts");

            migrationBuilder.DropTable(
                name: "callbacks");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "privacy_audit");

            migrationBuilder.DropTable(
                name: "voice_notes");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "whatsapp_calls");

            migrationBuilder.DropTable(
                name: "whatsapp_events");

            migrationBuilder.DropTable(
                name: "work_leases");

            migrationBuilder.DropTable(
                name: "calls");

            migrationBuilder.DropTable(
                name: "profiles");
        }
    }
}
