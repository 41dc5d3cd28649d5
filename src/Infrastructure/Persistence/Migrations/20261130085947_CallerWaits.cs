using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CallerWaits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "greeting_wait_ms",
                table: "calls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "measured_turns",
                table: "calls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "tool_max_ms",
                table: "calls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "turn_wait_max_ms",
                table: "calls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "turn_wait_p50_ms",
                table: "calls",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "turn_wait_p95_ms",
                table: "calls",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "greeting_wait_ms",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "measured_turns",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "tool_max_ms",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "turn_wait_max_ms",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "turn_wait_p50_ms",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "turn_wait_p95_ms",
                table: "calls");
        }
    }
}
