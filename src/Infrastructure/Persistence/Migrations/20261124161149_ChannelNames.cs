using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasyMo.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ChannelNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // calls.channel now holds the contract's names; rows written before held the enum in snake case.
            migrationBuilder.Sql("UPDATE calls SET channel = 'whatsapp' WHERE channel = 'whats_app';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE calls SET channel = 'whats_app' WHERE channel = 'whatsapp';");
        }
    }
}
