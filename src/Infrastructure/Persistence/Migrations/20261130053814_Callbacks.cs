using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Callbacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "callbacks");
        }
    }
}
