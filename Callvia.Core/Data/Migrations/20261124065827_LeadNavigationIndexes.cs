using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>
    /// A page of leads' lastCall / lastAppointment: the loaders read by lead id (row-level security keeps the
    /// tenant, as an OR that no index can use), which was a scan of all the tenant's calls per page.
    /// </summary>
    public partial class LeadNavigationIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_call_logs_lead_id_created_at",
                table: "call_logs",
                columns: new[] { "lead_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_appointments_lead_id_created_at",
                table: "appointments",
                columns: new[] { "lead_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_call_logs_lead_id_created_at",
                table: "call_logs");

            migrationBuilder.DropIndex(
                name: "ix_appointments_lead_id_created_at",
                table: "appointments");
        }
    }
}
