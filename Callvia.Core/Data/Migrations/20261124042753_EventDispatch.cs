using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>
    /// The jobs service claims new webhook events itself (the API only stores them): claimed events move to
    /// 'processing'; the sweep re-enqueues events left 'received' or 'processing' too long.
    /// </summary>
    public partial class EventDispatch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_events_pending;
                CREATE INDEX ix_events_pending ON events (received_at) WHERE status IN ('received', 'processing');

                CREATE FUNCTION app_claim_events(p_providers text[], p_limit int)
                    RETURNS TABLE (id uuid, client_id uuid)
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    DECLARE previous text := current_setting('app.agency', true);
                    BEGIN
                        PERFORM set_config('app.agency', 'on', true);
                        RETURN QUERY UPDATE events e SET status = 'processing'
                            WHERE e.id IN (SELECT x.id FROM events x
                                           WHERE x.status = 'received' AND x.client_id IS NOT NULL AND x.provider = ANY (p_providers)
                                           ORDER BY x.received_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
                            RETURNING e.id, e.client_id;
                        PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
                    END $$;

                CREATE OR REPLACE FUNCTION app_pending_events(p_older_than interval, p_providers text[], p_limit int)
                    RETURNS TABLE (id uuid, client_id uuid)
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    DECLARE previous text := current_setting('app.agency', true);
                    BEGIN
                        PERFORM set_config('app.agency', 'on', true);
                        RETURN QUERY SELECT e.id, e.client_id FROM events e
                            WHERE e.status IN ('received', 'processing') AND e.client_id IS NOT NULL AND e.provider = ANY (p_providers)
                              AND e.received_at < now() - p_older_than
                            ORDER BY e.received_at LIMIT p_limit;
                        PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
                    END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS app_claim_events(text[], int);");
    }
}
