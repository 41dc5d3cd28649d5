using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class VoiceNoteReplies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_voice_notes_pending",
                table: "voice_notes");

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "voice_notes",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "completed_at",
                table: "voice_notes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                table: "voice_notes",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                table: "voice_notes",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "reply_language",
                table: "voice_notes",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reply_text",
                table: "voice_notes",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "transcript",
                table: "voice_notes",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "voice_notes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_pending",
                table: "voice_notes",
                column: "next_attempt_at",
                filter: "status = 'pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_voice_notes_pending",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "completed_at",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "last_error",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "reply_language",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "reply_text",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "transcript",
                table: "voice_notes");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "voice_notes");

            migrationBuilder.CreateIndex(
                name: "ix_voice_notes_pending",
                table: "voice_notes",
                column: "received_at",
                filter: "status = 'pending'");
        }
    }
}
