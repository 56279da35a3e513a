using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class MilestoneOpenPlaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "place_open",
                table: "milestone_entries",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // as the agency (the owner is under row-level security too): the places corrections left open so far, one
            // per place (its latest removed holder), as the ledger found them before by looking at every removed entry
            migrationBuilder.Sql("""
                SELECT set_config('app.agency', 'on', true);
                UPDATE milestone_entries r SET place_open = true
                WHERE r.removed_at IS NOT NULL AND r.milestone_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM milestone_entries e
                                  WHERE e.milestone_id = r.milestone_id AND e.position = r.position
                                    AND (e.removed_at IS NULL OR e.removed_at > r.removed_at OR (e.removed_at = r.removed_at AND e.id > r.id)));
                SELECT set_config('app.agency', 'off', true);
                """);

            migrationBuilder.CreateIndex(
                name: "ix_milestone_entries_open_places",
                table: "milestone_entries",
                columns: new[] { "client_id", "removed_at" },
                filter: "place_open");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_milestone_entries_open_places",
                table: "milestone_entries");

            migrationBuilder.DropColumn(
                name: "place_open",
                table: "milestone_entries");
        }
    }
}
