using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class WebhookEventHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "booked_at",
                table: "appointments",
                type: "timestamp with time zone",
                nullable: true);

            // bookings made before this column existed: they came by BOOKING_CREATED/RESCHEDULED when their row was made
            migrationBuilder.Sql("UPDATE appointments SET booked_at = created_at;");

            // The agency's counts of failed and stuck webhook events (WebhookEventAdmin, the jobs' metrics): across
            // tenants, so as the agency for the statement, restored after; counts only, no rows.
            migrationBuilder.Sql("""
                CREATE INDEX ix_events_failed ON events (received_at) WHERE status = 'failed';

                CREATE FUNCTION app_event_health(p_stuck_after interval)
                RETURNS TABLE (failed bigint, stuck bigint) LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE previous text := current_setting('app.agency', true);
                BEGIN
                    PERFORM set_config('app.agency', 'on', true);
                    RETURN QUERY SELECT
                        (SELECT count(*) FROM events e WHERE e.status = 'failed'),
                        (SELECT count(*) FROM events e WHERE e.status IN ('received', 'processing') AND e.received_at < now() - p_stuck_after);
                    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS app_event_health(interval); DROP INDEX IF EXISTS ix_events_failed;");
            migrationBuilder.DropColumn(
                name: "booked_at",
                table: "appointments");
        }
    }
}
