using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WorkLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Expand, then contract: call_monitor_leases stays while instances of the previous release may still run and
            // use it (a rolling deployment); a later migration drops it. The model no longer maps it.
            migrationBuilder.AddColumn<string>(
                name: "monitor_owner",
                table: "calls",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

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

            migrationBuilder.CreateIndex(
                name: "ix_calls_monitor_owner",
                table: "calls",
                column: "monitor_owner",
                filter: "monitor_owner IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "work_leases");

            migrationBuilder.DropIndex(
                name: "ix_calls_monitor_owner",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "monitor_owner",
                table: "calls");
        }
    }
}
