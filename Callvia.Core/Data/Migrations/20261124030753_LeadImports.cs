using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeadImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaign_lead_counts",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_lead_counts", x => new { x.campaign_id, x.status });
                    table.ForeignKey(
                        name: "fk_campaign_lead_counts_campaigns_client_id_campaign_id",
                        columns: x => new { x.client_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lead_imports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    bytes_received = table.Column<long>(type: "bigint", nullable: false),
                    rows_read = table.Column<int>(type: "integer", nullable: false),
                    imported = table.Column<int>(type: "integer", nullable: false),
                    duplicates = table.Column<int>(type: "integer", nullable: false),
                    suppressed = table.Column<int>(type: "integer", nullable: false),
                    rejected = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lead_imports", x => x.id);
                    table.UniqueConstraint("ak_lead_imports_client_id_id", x => new { x.client_id, x.id });
                    table.ForeignKey(
                        name: "fk_lead_imports_campaigns_client_id_campaign_id",
                        columns: x => new { x.client_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lead_import_issues",
                columns: table => new
                {
                    import_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line = table.Column<int>(type: "integer", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    value = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lead_import_issues", x => new { x.import_id, x.line });
                    table.ForeignKey(
                        name: "fk_lead_import_issues_lead_imports_client_id_import_id",
                        columns: x => new { x.client_id, x.import_id },
                        principalTable: "lead_imports",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_lead_counts_client_id_campaign_id",
                table: "campaign_lead_counts",
                columns: new[] { "client_id", "campaign_id" });

            migrationBuilder.CreateIndex(
                name: "ix_lead_import_issues_client_id_import_id",
                table: "lead_import_issues",
                columns: new[] { "client_id", "import_id" });

            migrationBuilder.CreateIndex(
                name: "ix_lead_imports_client_id_campaign_id",
                table: "lead_imports",
                columns: new[] { "client_id", "campaign_id" });

            migrationBuilder.CreateIndex(
                name: "ix_lead_imports_client_id_created_at",
                table: "lead_imports",
                columns: new[] { "client_id", "created_at" });

            foreach (var table in new[] { "campaign_lead_counts", "lead_imports", "lead_import_issues" })
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (client_id = app_current_client() OR app_is_agency())
                        WITH CHECK (client_id = app_current_client() OR app_is_agency());
                    """);
            }

            // Campaign statistics kept by the database itself: one statement-level trigger per kind of
            // change, reading the statement's transition tables, so a bulk insert of a million leads
            // updates a few counter rows once. Counter rows are written in key order (no deadlocks).
            migrationBuilder.Sql("""
                CREATE FUNCTION leads_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO campaign_lead_counts (campaign_id, status, client_id, count)
                        SELECT campaign_id, status, client_id, count(*) FROM new_rows
                        GROUP BY campaign_id, status, client_id ORDER BY campaign_id, status
                        ON CONFLICT (campaign_id, status) DO UPDATE SET count = campaign_lead_counts.count + excluded.count;
                    ELSIF TG_OP = 'DELETE' THEN
                        UPDATE campaign_lead_counts c SET count = c.count - d.n
                        FROM (SELECT campaign_id, status, count(*) AS n FROM old_rows GROUP BY campaign_id, status) d
                        WHERE c.campaign_id = d.campaign_id AND c.status = d.status;
                    ELSE
                        INSERT INTO campaign_lead_counts (campaign_id, status, client_id, count)
                        SELECT campaign_id, status, client_id, sum(n) FROM (
                            SELECT campaign_id, status, client_id, -count(*) AS n FROM old_rows GROUP BY campaign_id, status, client_id
                            UNION ALL
                            SELECT campaign_id, status, client_id, count(*) FROM new_rows GROUP BY campaign_id, status, client_id) d
                        GROUP BY campaign_id, status, client_id HAVING sum(n) <> 0 ORDER BY campaign_id, status
                        ON CONFLICT (campaign_id, status) DO UPDATE SET count = campaign_lead_counts.count + excluded.count;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER leads_count_insert AFTER INSERT ON leads
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_count_changes();
                CREATE TRIGGER leads_count_update AFTER UPDATE ON leads
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_count_changes();
                CREATE TRIGGER leads_count_delete AFTER DELETE ON leads
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_count_changes();

                -- leads that exist already (row-level security applies to the owner too: look as the agency)
                SELECT set_config('app.agency', 'on', true);
                INSERT INTO campaign_lead_counts (campaign_id, status, client_id, count)
                SELECT campaign_id, status, client_id, count(*) FROM leads GROUP BY campaign_id, status, client_id;
                SELECT set_config('app.agency', 'off', true);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS leads_count_insert ON leads;
                DROP TRIGGER IF EXISTS leads_count_update ON leads;
                DROP TRIGGER IF EXISTS leads_count_delete ON leads;
                DROP FUNCTION IF EXISTS leads_count_changes();
                """);
            migrationBuilder.DropTable(
                name: "campaign_lead_counts");

            migrationBuilder.DropTable(
                name: "lead_import_issues");

            migrationBuilder.DropTable(
                name: "lead_imports");
        }
    }
}
