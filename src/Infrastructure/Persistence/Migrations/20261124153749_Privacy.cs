using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Privacy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "user_pseudonym",
                table: "whatsapp_calls",
                type: "character varying(68)",
                maxLength: 68,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "consent",
                table: "profiles",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "not_asked");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "consent_at",
                table: "profiles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "caller_pseudonym",
                table: "calls",
                type: "character varying(68)",
                maxLength: 68,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "consent",
                table: "calls",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "not_asked");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "consent_at",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

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
                    table.CheckConstraint("ck_privacy_audit_action", "action IN ('export','erase','purge','pseudonymise')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_calls_caller_pseudonym",
                table: "calls",
                column: "caller_pseudonym",
                filter: "caller_pseudonym IS NOT NULL");

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
                name: "ix_privacy_audit_at",
                table: "privacy_audit",
                column: "at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "call_recordings");

            migrationBuilder.DropTable(
                name: "privacy_audit");

            migrationBuilder.DropIndex(
                name: "ix_calls_caller_pseudonym",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "user_pseudonym",
                table: "whatsapp_calls");

            migrationBuilder.DropColumn(
                name: "consent",
                table: "profiles");

            migrationBuilder.DropColumn(
                name: "consent_at",
                table: "profiles");

            migrationBuilder.DropColumn(
                name: "caller_pseudonym",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "consent",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "consent_at",
                table: "calls");
        }
    }
}
