using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OperatorAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_privacy_audit_action",
                table: "privacy_audit");

            migrationBuilder.AddCheckConstraint(
                name: "ck_privacy_audit_action",
                table: "privacy_audit",
                sql: "action IN ('export','erase','purge','pseudonymise','profile_update','callback_request','callback_cancel')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_privacy_audit_action",
                table: "privacy_audit");

            migrationBuilder.AddCheckConstraint(
                name: "ck_privacy_audit_action",
                table: "privacy_audit",
                sql: "action IN ('export','erase','purge','pseudonymise')");
        }
    }
}
