using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class KpiRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "first_called_at",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "first_contacted_at",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "kpi_campaign_reach",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    called_leads = table.Column<long>(type: "bigint", nullable: false),
                    contacted_leads = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_campaign_reach", x => new { x.client_id, x.campaign_id });
                    table.ForeignKey(
                        name: "fk_kpi_campaign_reach_campaigns_client_id_campaign_id",
                        columns: x => new { x.client_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kpi_daily_calls",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    calls = table.Column<long>(type: "bigint", nullable: false),
                    usage_cost = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_daily_calls", x => new { x.client_id, x.day, x.campaign_id });
                });

            migrationBuilder.CreateTable(
                name: "kpi_daily_leads",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_daily_leads", x => new { x.client_id, x.day, x.campaign_id, x.status });
                    table.ForeignKey(
                        name: "fk_kpi_daily_leads_campaigns_client_id_campaign_id",
                        columns: x => new { x.client_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_kpi_daily_leads_client_id_campaign_id",
                table: "kpi_daily_leads",
                columns: new[] { "client_id", "campaign_id" });
            // RLS like every tenant table (InitPlan form, see KpiIndexes)
            foreach (var table in RollupTables)
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()))
                        WITH CHECK (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()));
                    """);

            migrationBuilder.Sql(RollupSql);
        }

        // One kind of rollup change: the rows' delta grouped by the rollup's key, upserted in key order. `sign` negates
        // the first set of rows (the old rows of an update or a delete); an update adds the new rows.
        private sealed record Rollup(string Table, string Key, string Values, string Sum, string Having, string Select);

        private static string Upsert(Rollup r, string rows, string sign, string plus = null)
        {
            var delta = string.Format(r.Select, rows, sign) + (plus is null ? "" : " UNION ALL " + string.Format(r.Select, plus, ""));
            return $"INSERT INTO {r.Table} ({r.Key}, {r.Values}) SELECT {r.Key}, {r.Sum} FROM ({delta}) d " +
                   $"GROUP BY {r.Key} HAVING {r.Having} ORDER BY {r.Key} " +
                   $"ON CONFLICT ({r.Key}) DO UPDATE SET " +
                   string.Join(", ", r.Values.Split(", ").Select(v => $"{v} = {r.Table}.{v} + excluded.{v}")) + ";";
        }

        // Sets the leads' first call / first connected call from their calls as they are now (after calls were deleted).
        private static string Recount(string leadIds) =>
            "UPDATE leads l SET first_called_at = x.first_call, first_contacted_at = x.first_contact FROM (" +
            "SELECT o.lead_id, (SELECT min(c.created_at) FROM call_logs c WHERE c.lead_id = o.lead_id) AS first_call, " +
            "(SELECT min(coalesce(c.started_at, c.created_at)) FROM call_logs c WHERE c.lead_id = o.lead_id " +
            "AND (c.started_at IS NOT NULL OR c.duration_seconds > 0)) AS first_contact " +
            $"FROM ({leadIds}) o) x WHERE l.id = x.lead_id " +
            "AND (l.first_called_at, l.first_contacted_at) IS DISTINCT FROM (x.first_call, x.first_contact);";

        private const string NoCampaign = "'00000000-0000-0000-0000-000000000000'::uuid";

        private static readonly Rollup LeadDays = new("kpi_daily_leads", "client_id, day, campaign_id, status", "count", "sum(n)", "sum(n) <> 0",
            "SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day, r.campaign_id, r.status, {1}count(*) AS n " +
            "FROM {0} r JOIN clients c ON c.id = r.client_id GROUP BY 1, 2, 3, 4");

        private static readonly Rollup LeadReach = new("kpi_campaign_reach", "campaign_id, client_id", "called_leads, contacted_leads",
            "sum(called), sum(contacted)", "sum(called) <> 0 OR sum(contacted) <> 0",
            "SELECT campaign_id, client_id, {1}count(first_called_at) AS called, {1}count(first_contacted_at) AS contacted " +
            "FROM {0} WHERE first_called_at IS NOT NULL GROUP BY 1, 2");

        private static readonly Rollup CallDays = new("kpi_daily_calls", "client_id, day, campaign_id", "calls", "sum(n)", "sum(n) <> 0",
            $"SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day, coalesce(r.campaign_id, {NoCampaign}) AS campaign_id, " +
            "{1}count(*) AS n FROM {0} r JOIN clients c ON c.id = r.client_id GROUP BY 1, 2, 3");

        private static readonly Rollup UsageDays = new("kpi_daily_calls", "client_id, day, campaign_id", "usage_cost", "sum(cost)", "sum(cost) <> 0",
            $"SELECT r.client_id, (r.occurred_at AT TIME ZONE c.time_zone)::date AS day, coalesce(k.campaign_id, {NoCampaign}) AS campaign_id, " +
            "{1}sum(r.cost) AS cost FROM {0} r JOIN call_logs k ON k.id = r.call_log_id JOIN clients c ON c.id = r.client_id GROUP BY 1, 2, 3");

        private static readonly string[] RollupTables = ["kpi_daily_leads", "kpi_daily_calls", "kpi_campaign_reach"];

        /// <summary>
        /// The KPI rollups, kept by the database in the same transaction as the rows they count, so every writer
        /// (imports, webhook processing, the API, the dialer) keeps them right and they always equal counting the rows.
        /// Statement-level triggers read the statement's transition tables, so a bulk insert touches a few rollup rows
        /// once; rollup rows are written in key order (no deadlocks between two writers). Days are the client's local
        /// days; when a client's time zone changes, its rollups are rebuilt in that same transaction.
        /// </summary>
        private static readonly string RollupSql = $$"""
            -- a trigger upserts one of a day's two measures at a time
            ALTER TABLE kpi_daily_calls ALTER COLUMN calls SET DEFAULT 0, ALTER COLUMN usage_cost SET DEFAULT 0;

            -- (re)builds one client's (or, with NULL, every client's) daily rollups from the rows; reads as the agency,
            -- because row-level security applies to this function's caller, whoever changed the time zone
            CREATE FUNCTION kpi_rebuild(p_client uuid) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE previous text := current_setting('app.agency', true);
            BEGIN
                PERFORM set_config('app.agency', 'on', true);
                DELETE FROM kpi_daily_leads WHERE p_client IS NULL OR client_id = p_client;
                DELETE FROM kpi_daily_calls WHERE p_client IS NULL OR client_id = p_client;
                INSERT INTO kpi_daily_leads (client_id, day, campaign_id, status, count)
                SELECT l.client_id, (l.created_at AT TIME ZONE c.time_zone)::date, l.campaign_id, l.status, count(*)
                FROM leads l JOIN clients c ON c.id = l.client_id
                WHERE p_client IS NULL OR l.client_id = p_client
                GROUP BY 1, 2, 3, 4;
                INSERT INTO kpi_daily_calls (client_id, day, campaign_id, calls, usage_cost)
                SELECT client_id, day, campaign_id, sum(calls), sum(cost) FROM (
                    SELECT k.client_id, (k.created_at AT TIME ZONE c.time_zone)::date AS day,
                           coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id, count(*) AS calls, 0::numeric AS cost
                    FROM call_logs k JOIN clients c ON c.id = k.client_id
                    WHERE p_client IS NULL OR k.client_id = p_client
                    GROUP BY 1, 2, 3
                    UNION ALL
                    SELECT u.client_id, (u.occurred_at AT TIME ZONE c.time_zone)::date,
                           coalesce(k.campaign_id, '00000000-0000-0000-0000-000000000000'), 0, sum(u.cost)
                    FROM usage_records u JOIN call_logs k ON k.id = u.call_log_id JOIN clients c ON c.id = u.client_id
                    WHERE p_client IS NULL OR u.client_id = p_client
                    GROUP BY 1, 2, 3) d
                GROUP BY 1, 2, 3;
                PERFORM set_config('app.agency', coalesce(previous, ''), true);
            END $$;

            -- A KPI range [p_from, p_to) over the daily rollups: the client's whole local days inside it (day_from
            -- inclusive, day_to exclusive; NULL = open), and the partial days at its ends, [a_from, a_to) and [b_from, b_to),
            -- which the KPIs read from the rows themselves. The ends never overlap and never leave the range.
            CREATE FUNCTION kpi_bounds(p_client uuid, p_from timestamptz, p_to timestamptz,
                OUT tz text, OUT day_from date, OUT day_to date,
                OUT a_from timestamptz, OUT a_to timestamptz, OUT b_from timestamptz, OUT b_to timestamptz)
            LANGUAGE sql STABLE AS $$
                SELECT z.tz, z.day_from, z.day_to, p_from, z.a_to, greatest((z.day_to::timestamp AT TIME ZONE z.tz), z.a_to), p_to
                FROM (SELECT y.*, CASE WHEN p_from IS NOT NULL THEN least((y.day_from::timestamp AT TIME ZONE y.tz), p_to) END AS a_to
                      FROM (SELECT c.time_zone AS tz,
                                   CASE WHEN (p_from AT TIME ZONE c.time_zone) = date_trunc('day', p_from AT TIME ZONE c.time_zone)
                                        THEN (p_from AT TIME ZONE c.time_zone)::date
                                        ELSE (p_from AT TIME ZONE c.time_zone)::date + 1 END AS day_from,
                                   (p_to AT TIME ZONE c.time_zone)::date AS day_to
                            FROM clients c WHERE c.id = p_client) y) z
            $$;

            CREATE FUNCTION kpi_leads_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {{Upsert(LeadDays, "new_rows", "")}}
                    {{Upsert(LeadReach, "new_rows", "")}}
                ELSIF TG_OP = 'DELETE' THEN
                    {{Upsert(LeadDays, "old_rows", "-")}}
                    {{Upsert(LeadReach, "old_rows", "-")}}
                ELSE
                    {{Upsert(LeadDays, "old_rows", "-", "new_rows")}}
                    {{Upsert(LeadReach, "old_rows", "-", "new_rows")}}
                END IF;
                RETURN NULL;
            END $$;

            -- calls by day, and each called lead's first call / first connected call (which keeps kpi_campaign_reach)
            CREATE FUNCTION kpi_calls_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {{Upsert(CallDays, "new_rows", "")}}
                ELSIF TG_OP = 'DELETE' THEN
                    {{Upsert(CallDays, "old_rows", "-")}}
                ELSE
                    {{Upsert(CallDays, "old_rows", "-", "new_rows")}}
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    -- forward only: the lead's row lock makes "first" exact when two calls of one lead are logged at once
                    UPDATE leads l SET first_called_at = coalesce(l.first_called_at, x.first_call),
                                       first_contacted_at = coalesce(l.first_contacted_at, x.first_contact)
                    FROM (SELECT lead_id, min(created_at) AS first_call,
                                 min(coalesce(started_at, created_at)) FILTER (WHERE started_at IS NOT NULL OR duration_seconds > 0) AS first_contact
                          FROM new_rows WHERE lead_id IS NOT NULL GROUP BY lead_id) x
                    WHERE l.id = x.lead_id
                      AND (l.first_called_at IS NULL OR (l.first_contacted_at IS NULL AND x.first_contact IS NOT NULL));
                END IF;
                IF TG_OP = 'DELETE' THEN
                    {{Recount("SELECT DISTINCT lead_id FROM old_rows WHERE lead_id IS NOT NULL")}}
                ELSIF TG_OP = 'UPDATE' THEN
                    -- a call moved to another lead (not a product flow, but the numbers must stay right)
                    {{Recount("SELECT lead_id FROM old_rows WHERE lead_id IS NOT NULL EXCEPT SELECT lead_id FROM new_rows")}}
                END IF;
                RETURN NULL;
            END $$;

            CREATE FUNCTION kpi_usage_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {{Upsert(UsageDays, "new_rows", "")}}
                ELSIF TG_OP = 'DELETE' THEN
                    {{Upsert(UsageDays, "old_rows", "-")}}
                ELSE
                    {{Upsert(UsageDays, "old_rows", "-", "new_rows")}}
                END IF;
                RETURN NULL;
            END $$;

            CREATE FUNCTION kpi_client_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM kpi_rebuild(NEW.id);
                RETURN NULL;
            END $$;

            -- the leads and calls that exist already, then the triggers
            SELECT set_config('app.agency', 'on', true);
            UPDATE leads l SET first_called_at = x.first_call, first_contacted_at = x.first_contact
            FROM (SELECT lead_id, min(created_at) AS first_call,
                         min(coalesce(started_at, created_at)) FILTER (WHERE started_at IS NOT NULL OR duration_seconds > 0) AS first_contact
                  FROM call_logs WHERE lead_id IS NOT NULL GROUP BY lead_id) x
            WHERE l.id = x.lead_id;
            INSERT INTO kpi_campaign_reach (campaign_id, client_id, called_leads, contacted_leads)
            SELECT campaign_id, client_id, count(first_called_at), count(first_contacted_at) FROM leads
            WHERE first_called_at IS NOT NULL GROUP BY 1, 2;
            SELECT kpi_rebuild(NULL);
            SELECT set_config('app.agency', 'off', true);

            CREATE TRIGGER kpi_leads_insert AFTER INSERT ON leads
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_leads_changes();
            CREATE TRIGGER kpi_leads_update AFTER UPDATE ON leads
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_leads_changes();
            CREATE TRIGGER kpi_leads_delete AFTER DELETE ON leads
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_leads_changes();
            CREATE TRIGGER kpi_calls_insert AFTER INSERT ON call_logs
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_changes();
            CREATE TRIGGER kpi_calls_update AFTER UPDATE ON call_logs
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_changes();
            CREATE TRIGGER kpi_calls_delete AFTER DELETE ON call_logs
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_changes();
            CREATE TRIGGER kpi_usage_insert AFTER INSERT ON usage_records
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_usage_changes();
            CREATE TRIGGER kpi_usage_update AFTER UPDATE ON usage_records
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_usage_changes();
            CREATE TRIGGER kpi_usage_delete AFTER DELETE ON usage_records
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_usage_changes();
            CREATE TRIGGER kpi_client_time_zone AFTER UPDATE OF time_zone ON clients
                FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION kpi_client_time_zone_changed();
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS kpi_leads_insert ON leads; DROP TRIGGER IF EXISTS kpi_leads_update ON leads;
                DROP TRIGGER IF EXISTS kpi_leads_delete ON leads; DROP TRIGGER IF EXISTS kpi_calls_insert ON call_logs;
                DROP TRIGGER IF EXISTS kpi_calls_update ON call_logs; DROP TRIGGER IF EXISTS kpi_calls_delete ON call_logs;
                DROP TRIGGER IF EXISTS kpi_usage_insert ON usage_records; DROP TRIGGER IF EXISTS kpi_usage_update ON usage_records;
                DROP TRIGGER IF EXISTS kpi_usage_delete ON usage_records; DROP TRIGGER IF EXISTS kpi_client_time_zone ON clients;
                DROP FUNCTION IF EXISTS kpi_client_time_zone_changed(); DROP FUNCTION IF EXISTS kpi_usage_changes();
                DROP FUNCTION IF EXISTS kpi_calls_changes(); DROP FUNCTION IF EXISTS kpi_leads_changes(); DROP FUNCTION IF EXISTS kpi_rebuild(uuid); DROP FUNCTION IF EXISTS kpi_bounds(uuid, timestamptz, timestamptz);
                """);

            migrationBuilder.DropTable(
                name: "kpi_campaign_reach");

            migrationBuilder.DropTable(
                name: "kpi_daily_calls");

            migrationBuilder.DropTable(
                name: "kpi_daily_leads");

            migrationBuilder.DropColumn(
                name: "first_called_at",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "first_contacted_at",
                table: "leads");
        }
    }
}
