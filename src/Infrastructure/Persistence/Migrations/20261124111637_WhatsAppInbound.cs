using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WhatsAppInbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_message_id",
                table: "voice_notes",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_pending",
                table: "voice_notes",
                column: "received_at",
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "voice_notes");

            migrationBuilder.DropTable(
                name: "whatsapp_calls");

            migrationBuilder.DropTable(
                name: "whatsapp_events");
        }
    }
}
