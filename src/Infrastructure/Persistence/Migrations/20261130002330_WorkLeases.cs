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
            // A follower of a live call re-claims it under its instance's lease: a call left without one is taken up by
            // a sweep after Sideband:UnattendedGrace.
            migrationBuilder.DropTable(
                name: "call_monitor_leases");

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
                filter: "status = 'accepted'");
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

            migrationBuilder.CreateTable(
                name: "call_monitor_leases",
                columns: table => new
                {
                    call_id = table.Column<Guid>(type: "uuid", nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    owner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
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
        }
    }
}
