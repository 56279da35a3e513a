using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>
    /// Ids (and tenants) of webhook events still waiting to be processed, for the jobs service's sweep:
    /// a narrow, read-only look across tenants (no payloads), like the host resolver.
    /// </summary>
    public partial class PendingEvents : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_events_pending ON events (received_at) WHERE status = 'received';
                -- events is under FORCEd row-level security, which binds the owner too: the function
                -- looks as the agency for this one query and puts the caller's setting back.
                CREATE FUNCTION app_pending_events(p_older_than interval, p_providers text[], p_limit int)
                    RETURNS TABLE (id uuid, client_id uuid)
                    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$
                    DECLARE previous text := current_setting('app.agency', true);
                    BEGIN
                        PERFORM set_config('app.agency', 'on', true);
                        RETURN QUERY SELECT e.id, e.client_id FROM events e
                            WHERE e.status = 'received' AND e.client_id IS NOT NULL AND e.provider = ANY (p_providers)
                              AND e.received_at < now() - p_older_than
                            ORDER BY e.received_at LIMIT p_limit;
                        PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
                    END $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS app_pending_events(interval, text[], int); DROP INDEX IF EXISTS ix_events_pending;");
        }
    }
}
