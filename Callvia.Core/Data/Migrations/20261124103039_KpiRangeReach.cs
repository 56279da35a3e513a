using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class KpiRangeReach : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "kpi_daily_reach",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    since = table.Column<DateOnly>(type: "date", nullable: false),
                    called = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    contacted = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_daily_reach", x => new { x.client_id, x.day, x.campaign_id, x.since });
                });

            migrationBuilder.Sql("""
                ALTER TABLE kpi_daily_reach ENABLE ROW LEVEL SECURITY;
                ALTER TABLE kpi_daily_reach FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON kpi_daily_reach
                    USING (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()))
                    WITH CHECK (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()));
                """);
            migrationBuilder.Sql(Sql);
        }

        // The called / contacted leads of a range of days (see KpiDailyReach). For each lead and campaign, its distinct
        // local call days in order: each adds 1 at (day, the previous such day, or -infinity). Connected calls make a
        // second sequence of their own (the contacted leads). A lead's calls all have its campaign (a lead stays in its
        // campaign, and a call takes its lead's), so the campaigns' sums are the client's.
        private const string NoCampaign = "'00000000-0000-0000-0000-000000000000'::uuid";

        private static string Days(string rows, string where) =>
            $"SELECT r.client_id, r.lead_id, coalesce(r.campaign_id, {NoCampaign}) AS campaign_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day " +
            $"FROM {rows} r JOIN clients c ON c.id = r.client_id WHERE r.lead_id IS NOT NULL{where} GROUP BY 1, 2, 3, 4";

        private static string Pairs(string rows, string sign) =>
            $"SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity'::date) AS since, {sign}1 AS called, 0 AS contacted " +
            $"FROM ({Days(rows, "")}) d WINDOW w AS (PARTITION BY client_id, lead_id, campaign_id ORDER BY day) " +
            "UNION ALL " +
            $"SELECT client_id, day, campaign_id, coalesce(lag(day) OVER w, '-infinity'::date), 0, {sign}1 " +
            $"FROM ({Days(rows, " AND (r.started_at IS NOT NULL OR r.duration_seconds > 0)")}) d WINDOW w AS (PARTITION BY client_id, lead_id, campaign_id ORDER BY day)";

        private static string Insert(string delta, bool add) =>
            "INSERT INTO kpi_daily_reach (client_id, day, campaign_id, since, called, contacted) " +
            $"SELECT client_id, day, campaign_id, since, sum(called), sum(contacted) FROM ({delta}) d GROUP BY 1, 2, 3, 4 " +
            "HAVING sum(called) <> 0 OR sum(contacted) <> 0 ORDER BY 1, 2, 3, 4" +
            (add ? " ON CONFLICT (client_id, day, campaign_id, since) DO UPDATE SET called = kpi_daily_reach.called + excluded.called, " +
                   "contacted = kpi_daily_reach.contacted + excluded.contacted" : "") + ";";

        // The changed leads' calls after the statement (call_logs now) and before it (call_logs now, with the statement's
        // rows replaced by their old versions): the difference of their pairs is the change.
        private static string Change(string changed, string oldRows, string newRows) =>
            $"WITH changed AS ({changed}), " +
            "now_rows AS (SELECT k.* FROM call_logs k JOIN changed x ON x.lead_id = k.lead_id), " +
            "before_rows AS (SELECT k.client_id, k.lead_id, k.campaign_id, k.created_at, k.started_at, k.duration_seconds FROM now_rows k" +
            (newRows is null ? "" : $" WHERE NOT EXISTS (SELECT 1 FROM {newRows} n WHERE n.id = k.id)") +
            (oldRows is null ? "" : $" UNION ALL SELECT o.client_id, o.lead_id, o.campaign_id, o.created_at, o.started_at, o.duration_seconds FROM {oldRows} o JOIN changed x ON x.lead_id = o.lead_id") +
            ") " + Insert(Pairs("now_rows", "") + " UNION ALL " + Pairs("before_rows", "-"), add: true);

        private static readonly string Sql = $$"""
            CREATE FUNCTION kpi_reach_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {{Change("SELECT DISTINCT lead_id FROM new_rows WHERE lead_id IS NOT NULL", null, "new_rows")}}
                ELSIF TG_OP = 'DELETE' THEN
                    {{Change("SELECT DISTINCT lead_id FROM old_rows WHERE lead_id IS NOT NULL", "old_rows", null)}}
                ELSE
                    -- only the calls whose lead, campaign, day or connection changed (not a status or a transcript)
                    {{Change("""
                        SELECT DISTINCT x.lead_id FROM old_rows o JOIN new_rows n ON n.id = o.id,
                            LATERAL (VALUES (o.lead_id), (n.lead_id)) x(lead_id)
                        WHERE x.lead_id IS NOT NULL
                          AND (o.lead_id, o.campaign_id, o.created_at, o.started_at IS NOT NULL OR o.duration_seconds > 0)
                              IS DISTINCT FROM (n.lead_id, n.campaign_id, n.created_at, n.started_at IS NOT NULL OR n.duration_seconds > 0)
                        """, "old_rows", "new_rows")}}
                END IF;
                RETURN NULL;
            END $$;

            CREATE FUNCTION kpi_rebuild_reach(p_client uuid) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE previous text := current_setting('app.agency', true);
            BEGIN
                PERFORM set_config('app.agency', 'on', true);
                DELETE FROM kpi_daily_reach WHERE p_client IS NULL OR client_id = p_client;
                {{Insert(Pairs("(SELECT * FROM call_logs WHERE p_client IS NULL OR client_id = p_client)", ""), add: false)}}
                PERFORM set_config('app.agency', coalesce(previous, ''), true);
            END $$;

            CREATE OR REPLACE FUNCTION kpi_client_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM kpi_rebuild(NEW.id);
                PERFORM kpi_rebuild_appointments(NEW.id);
                PERFORM kpi_rebuild_reach(NEW.id);
                RETURN NULL;
            END $$;

            -- a call's usage cost is kept under the call's campaign (kpi_daily_calls): a call that changes campaign takes it along
            CREATE FUNCTION kpi_call_campaign_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO kpi_daily_calls (client_id, day, campaign_id, usage_cost)
                SELECT client_id, day, campaign_id, sum(cost) FROM (
                    SELECT u.client_id, (u.occurred_at AT TIME ZONE c.time_zone)::date AS day, coalesce(o.campaign_id, {{NoCampaign}}) AS campaign_id, -u.cost AS cost
                    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN usage_records u ON u.call_log_id = n.id JOIN clients c ON c.id = u.client_id
                    WHERE o.campaign_id IS DISTINCT FROM n.campaign_id
                    UNION ALL
                    SELECT u.client_id, (u.occurred_at AT TIME ZONE c.time_zone)::date, coalesce(n.campaign_id, {{NoCampaign}}), u.cost
                    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN usage_records u ON u.call_log_id = n.id JOIN clients c ON c.id = u.client_id
                    WHERE o.campaign_id IS DISTINCT FROM n.campaign_id) d
                GROUP BY 1, 2, 3 HAVING sum(cost) <> 0 ORDER BY 1, 2, 3
                ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET usage_cost = kpi_daily_calls.usage_cost + excluded.usage_cost;
                RETURN NULL;
            END $$;
            CREATE TRIGGER kpi_calls_campaign_update AFTER UPDATE ON call_logs
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_call_campaign_changes();

            SELECT kpi_rebuild_reach(NULL);

            CREATE TRIGGER kpi_reach_insert AFTER INSERT ON call_logs
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_reach_changes();
            CREATE TRIGGER kpi_reach_update AFTER UPDATE ON call_logs
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_reach_changes();
            CREATE TRIGGER kpi_reach_delete AFTER DELETE ON call_logs
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_reach_changes();
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS kpi_reach_insert ON call_logs; DROP TRIGGER IF EXISTS kpi_reach_update ON call_logs;
                DROP TRIGGER IF EXISTS kpi_reach_delete ON call_logs; DROP TRIGGER IF EXISTS kpi_calls_campaign_update ON call_logs;
                DROP FUNCTION IF EXISTS kpi_call_campaign_changes();
                CREATE OR REPLACE FUNCTION kpi_client_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM kpi_rebuild(NEW.id);
                    PERFORM kpi_rebuild_appointments(NEW.id);
                    RETURN NULL;
                END $$;
                DROP FUNCTION IF EXISTS kpi_rebuild_reach(uuid); DROP FUNCTION IF EXISTS kpi_reach_changes();
                """);
            migrationBuilder.DropTable(
                name: "kpi_daily_reach");
        }
    }
}
