using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class EventsReceivedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_events_received",
                table: "events",
                column: "received_at",
                filter: "status = 'received'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_events_received",
                table: "events");
        }
    }
}
