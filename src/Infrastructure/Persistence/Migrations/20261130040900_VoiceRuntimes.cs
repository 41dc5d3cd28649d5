using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class VoiceRuntimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "runtime",
                table: "calls",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "realtime");

            migrationBuilder.AddColumn<string>(
                name: "sip_call_id",
                table: "calls",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "voice_seconds",
                table: "calls",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_calls_sip_call_id",
                table: "calls",
                column: "sip_call_id",
                unique: true,
                filter: "sip_call_id IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_calls_runtime",
                table: "calls",
                sql: "runtime IN ('realtime','live')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_calls_voice_seconds",
                table: "calls",
                sql: "voice_seconds IS NULL OR voice_seconds >= 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_calls_sip_call_id",
                table: "calls");

            migrationBuilder.DropCheckConstraint(
                name: "ck_calls_runtime",
                table: "calls");

            migrationBuilder.DropCheckConstraint(
                name: "ck_calls_voice_seconds",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "runtime",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "sip_call_id",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "voice_seconds",
                table: "calls");
        }
    }
}
