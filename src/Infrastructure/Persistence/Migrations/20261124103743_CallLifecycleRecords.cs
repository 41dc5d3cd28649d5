using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CallLifecycleRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_calls_profile_id",
                table: "calls");

            migrationBuilder.AddColumn<string>(
                name: "summary",
                table: "calls",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "summary_attempts",
                table: "calls",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "summary_due_at",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "summary_status",
                table: "calls",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "none"); // calls recorded before summaries existed need none


            migrationBuilder.AddColumn<string>(
                name: "transfer_target",
                table: "calls",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

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

            migrationBuilder.CreateIndex(
                name: "ix_calls_profile_summaries",
                table: "calls",
                columns: new[] { "profile_id", "ended_at" },
                filter: "summary IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_calls_summary_due",
                table: "calls",
                column: "summary_due_at",
                filter: "summary_status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_call_activities_call_id",
                table: "call_activities",
                column: "call_id");

            migrationBuilder.CreateIndex(
                name: "ix_call_monitor_leases_lease_until",
                table: "call_monitor_leases",
                column: "lease_until");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "call_activities");

            migrationBuilder.DropTable(
                name: "call_monitor_leases");

            migrationBuilder.DropTable(
                name: "call_requests");

            migrationBuilder.DropTable(
                name: "call_transcripts");

            migrationBuilder.DropIndex(
                name: "ix_calls_profile_summaries",
                table: "calls");

            migrationBuilder.DropIndex(
                name: "ix_calls_summary_due",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "summary",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "summary_attempts",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "summary_due_at",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "summary_status",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "transfer_target",
                table: "calls");

            migrationBuilder.CreateIndex(
                name: "ix_calls_profile_id",
                table: "calls",
                column: "profile_id");
        }
    }
}
