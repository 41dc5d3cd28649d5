using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CallAnalysis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "analysis_attempts",
                table: "calls",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "analysis_due_at",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "analysis_language",
                table: "calls",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "analysis_misunderstood",
                table: "calls",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "analysis_outcome",
                table: "calls",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "analysis_repeated",
                table: "calls",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "analysis_sentiment",
                table: "calls",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "analysis_service",
                table: "calls",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "analysis_settled_at",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "analysis_status",
                table: "calls",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "none");

            migrationBuilder.CreateIndex(
                name: "ix_calls_analysis_due",
                table: "calls",
                column: "analysis_due_at",
                filter: "analysis_status = 'pending'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_calls_analysis_language",
                table: "calls",
                sql: "analysis_language IS NULL OR analysis_language IN ('en','fr','rw','other')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_calls_analysis_outcome",
                table: "calls",
                sql: "analysis_outcome IS NULL OR analysis_outcome IN ('resolved','follow_up','not_resolved')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_calls_analysis_sentiment",
                table: "calls",
                sql: "analysis_sentiment IS NULL OR analysis_sentiment IN ('positive','neutral','negative')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_calls_analysis_status",
                table: "calls",
                sql: "analysis_status IN ('none','pending','done','failed','not_kept')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_calls_analysis_due",
                table: "calls");

            migrationBuilder.DropCheckConstraint(
                name: "ck_calls_analysis_language",
                table: "calls");

            migrationBuilder.DropCheckConstraint(
                name: "ck_calls_analysis_outcome",
                table: "calls");

            migrationBuilder.DropCheckConstraint(
                name: "ck_calls_analysis_sentiment",
                table: "calls");

            migrationBuilder.DropCheckConstraint(
                name: "ck_calls_analysis_status",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_attempts",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_due_at",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_language",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_misunderstood",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_outcome",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_repeated",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_sentiment",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_service",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_settled_at",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "analysis_status",
                table: "calls");
        }
    }
}
