using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AdminQueries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The stats group calls by UTC day: without statistics on that expression the planner guesses a group per row
            // and sorts a whole year of calls instead of hashing a few thousand groups.
            migrationBuilder.Sql("CREATE STATISTICS st_calls_received_day ON ((received_at AT TIME ZONE 'UTC')::date) FROM calls;");

            migrationBuilder.DropIndex(
                name: "ix_calls_caller",
                table: "calls");

            migrationBuilder.DropIndex(
                name: "ix_calls_received_at",
                table: "calls");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "summary_settled_at",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_calls_caller_received_at_call_id",
                table: "calls",
                columns: new[] { "caller", "received_at", "call_id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_calls_profile_id_received_at",
                table: "calls",
                columns: new[] { "profile_id", "received_at" },
                descending: new[] { false, true });

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_calls_received_day;");

            migrationBuilder.DropIndex(
                name: "ix_calls_caller_received_at_call_id",
                table: "calls");

            migrationBuilder.DropIndex(
                name: "ix_calls_profile_id_received_at",
                table: "calls");

            migrationBuilder.DropIndex(
                name: "ix_calls_received_at_call_id",
                table: "calls");

            migrationBuilder.DropIndex(
                name: "ix_calls_status_received_at_call_id",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "summary_settled_at",
                table: "calls");

            migrationBuilder.CreateIndex(
                name: "ix_calls_caller",
                table: "calls",
                column: "caller");

            migrationBuilder.CreateIndex(
                name: "ix_calls_received_at",
                table: "calls",
                column: "received_at",
                descending: new bool[0]);
        }
    }
}
