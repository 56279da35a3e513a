using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class KpiAppointmentRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "kpi_daily_appointments",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    booked = table.Column<long>(type: "bigint", nullable: false),
                    shown = table.Column<long>(type: "bigint", nullable: false),
                    verified = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_daily_appointments", x => new { x.client_id, x.day, x.campaign_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_appointments_client_id_created_at",
                table: "appointments",
                columns: new[] { "client_id", "created_at" });

            migrationBuilder.Sql("""
                ALTER TABLE kpi_daily_appointments ENABLE ROW LEVEL SECURITY;
                ALTER TABLE kpi_daily_appointments FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON kpi_daily_appointments
                    USING (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()))
                    WITH CHECK (client_id = (SELECT app_current_client()) OR (SELECT app_is_agency()));
                ALTER TABLE kpi_daily_appointments ALTER COLUMN booked SET DEFAULT 0, ALTER COLUMN shown SET DEFAULT 0,
                    ALTER COLUMN verified SET DEFAULT 0;
                """);
            migrationBuilder.Sql(Sql);
        }

        // Appointments read whole days here too (see KpiRollups): bookings by the day they were made, outcomes by the day
        // the appointment starts. Kept by statement triggers on appointments; kpi_rebuild (a time-zone change) now
        // rebuilds them as well.
        private const string NoCampaign = "'00000000-0000-0000-0000-000000000000'::uuid";

        private static string Delta(string rows, string sign) =>
            $"SELECT r.client_id, (r.created_at AT TIME ZONE c.time_zone)::date AS day, coalesce(r.campaign_id, {NoCampaign}) AS campaign_id, " +
            $"{sign}count(*) FILTER (WHERE r.rescheduled_from_uid IS NULL) AS booked, 0 AS shown, 0 AS verified " +
            $"FROM {rows} r JOIN clients c ON c.id = r.client_id GROUP BY 1, 2, 3 " +
            "UNION ALL " +
            $"SELECT r.client_id, (r.starts_at AT TIME ZONE c.time_zone)::date, coalesce(r.campaign_id, {NoCampaign}), 0, " +
            $"{sign}count(*) FILTER (WHERE r.status = 'shown'), {sign}count(*) FILTER (WHERE r.status IN ('shown', 'no_show')) " +
            $"FROM {rows} r JOIN clients c ON c.id = r.client_id GROUP BY 1, 2, 3";

        private static string Upsert(string delta) =>
            "INSERT INTO kpi_daily_appointments (client_id, day, campaign_id, booked, shown, verified) " +
            $"SELECT client_id, day, campaign_id, sum(booked), sum(shown), sum(verified) FROM ({delta}) d GROUP BY 1, 2, 3 " +
            "HAVING sum(booked) <> 0 OR sum(shown) <> 0 OR sum(verified) <> 0 ORDER BY 1, 2, 3 " +
            "ON CONFLICT (client_id, day, campaign_id) DO UPDATE SET booked = kpi_daily_appointments.booked + excluded.booked, " +
            "shown = kpi_daily_appointments.shown + excluded.shown, verified = kpi_daily_appointments.verified + excluded.verified;";

        private static readonly string Sql = $$"""
            CREATE FUNCTION kpi_appointments_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {{Upsert(Delta("new_rows", ""))}}
                ELSIF TG_OP = 'DELETE' THEN
                    {{Upsert(Delta("old_rows", "-"))}}
                ELSE
                    {{Upsert(Delta("old_rows", "-") + " UNION ALL " + Delta("new_rows", ""))}}
                END IF;
                RETURN NULL;
            END $$;

            CREATE FUNCTION kpi_rebuild_appointments(p_client uuid) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE previous text := current_setting('app.agency', true);
            BEGIN
                PERFORM set_config('app.agency', 'on', true);
                DELETE FROM kpi_daily_appointments WHERE p_client IS NULL OR client_id = p_client;
                INSERT INTO kpi_daily_appointments (client_id, day, campaign_id, booked, shown, verified)
                SELECT client_id, day, campaign_id, sum(booked), sum(shown), sum(verified)
                FROM ({{Delta("(SELECT * FROM appointments WHERE p_client IS NULL OR client_id = p_client)", "")}}) d
                GROUP BY 1, 2, 3 HAVING sum(booked) <> 0 OR sum(shown) <> 0 OR sum(verified) <> 0;
                PERFORM set_config('app.agency', coalesce(previous, ''), true);
            END $$;

            CREATE OR REPLACE FUNCTION kpi_client_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM kpi_rebuild(NEW.id);
                PERFORM kpi_rebuild_appointments(NEW.id);
                RETURN NULL;
            END $$;

            SELECT kpi_rebuild_appointments(NULL);

            CREATE TRIGGER kpi_appointments_insert AFTER INSERT ON appointments
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_appointments_changes();
            CREATE TRIGGER kpi_appointments_update AFTER UPDATE ON appointments
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_appointments_changes();
            CREATE TRIGGER kpi_appointments_delete AFTER DELETE ON appointments
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_appointments_changes();
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS kpi_appointments_insert ON appointments; DROP TRIGGER IF EXISTS kpi_appointments_update ON appointments;
                DROP TRIGGER IF EXISTS kpi_appointments_delete ON appointments;
                CREATE OR REPLACE FUNCTION kpi_client_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM kpi_rebuild(NEW.id);
                    RETURN NULL;
                END $$;
                DROP FUNCTION IF EXISTS kpi_rebuild_appointments(uuid); DROP FUNCTION IF EXISTS kpi_appointments_changes();
                """);
            migrationBuilder.DropIndex(
                name: "ix_appointments_client_id_created_at",
                table: "appointments");

            migrationBuilder.DropTable(
                name: "kpi_daily_appointments");
        }
    }
}
