using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>
    /// Issue 5's reads at 1M leads per tenant: KPIs over a date range and the leads list read index ranges by
    /// creation time (index-only where the KPIs need only a few columns); the list's status/campaign filter reads
    /// the campaign's statuses by date. No trigram index for the list's search: under row-level security PostgreSQL
    /// may not use an index for ILIKE (not leakproof), so such an index would only cost writes (see bench/README.md).
    /// </summary>
    public partial class KpiIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_usage_records_client_id_occurred_at",
                table: "usage_records");

            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_campaign_id_status",
                table: "leads");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_client_id_occurred_at",
                table: "usage_records",
                columns: new[] { "client_id", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "cost" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_campaign_id_status_created_at",
                table: "leads",
                columns: new[] { "client_id", "campaign_id", "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_created_at",
                table: "leads",
                columns: new[] { "client_id", "created_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "campaign_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_call_logs_client_id_created_at",
                table: "call_logs",
                columns: new[] { "client_id", "created_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "campaign_id", "lead_id", "started_at", "duration_seconds" });

            // The tenant policies' functions read a setting: written bare, PostgreSQL calls them for every row a
            // query reads (measured: about a third of the time of counting a million leads); as scalar subqueries they are
            // evaluated once per query (an InitPlan). Same predicate, same rows.
            foreach (var table in PolicyTables)
                migrationBuilder.Sql($"""
                    ALTER POLICY tenant_isolation ON {table}
                        USING (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()))
                        WITH CHECK (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()));
                    """);
        }

        private static readonly string[] PolicyTables =
        [
            "appointments", "audit_log", "call_logs", "campaign_lead_counts", "campaigns", "events", "invoices", "lead_import_issues",
            "lead_imports", "leads", "messages", "milestones", "provider_secrets", "suppressions", "usage_records",
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in PolicyTables)
                migrationBuilder.Sql($"""
                    ALTER POLICY tenant_isolation ON {table}
                        USING (client_id = app_current_client() OR app_is_agency())
                        WITH CHECK (client_id = app_current_client() OR app_is_agency());
                    """);

            migrationBuilder.DropIndex(
                name: "ix_usage_records_client_id_occurred_at",
                table: "usage_records");

            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_campaign_id_status_created_at",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_created_at",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_call_logs_client_id_created_at",
                table: "call_logs");

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_client_id_occurred_at",
                table: "usage_records",
                columns: new[] { "client_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_campaign_id_status",
                table: "leads",
                columns: new[] { "client_id", "campaign_id", "status" });
        }
    }
}
