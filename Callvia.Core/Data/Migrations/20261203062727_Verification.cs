using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Verification : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_due",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "ix_messages_due",
                table: "messages",
                columns: new[] { "scheduled_for", "client_id" },
                filter: "status = 'scheduled' AND claimed_at IS NULL AND scheduled_for IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_due",
                table: "messages");

            migrationBuilder.CreateIndex(
                name: "ix_messages_due",
                table: "messages",
                column: "scheduled_for",
                filter: "status = 'scheduled' AND claimed_at IS NULL AND scheduled_for IS NOT NULL");
        }
    }
}
