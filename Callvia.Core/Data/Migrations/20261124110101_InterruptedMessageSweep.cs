using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class InterruptedMessageSweep : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Manual messages left SCHEDULED by a process that stopped mid-send (see InterruptedMessageSweep): across
            // tenants, so as the agency for the statement (RLS applies to this function's caller), restored after.
            migrationBuilder.Sql("""
                CREATE INDEX ix_messages_interrupted_manual ON messages (created_at)
                    WHERE kind = 'manual' AND direction = 'outbound' AND status = 'scheduled' AND provider_message_id IS NULL;

                CREATE FUNCTION app_fail_interrupted_messages(p_before timestamptz, p_now timestamptz, p_error text)
                RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE previous text := current_setting('app.agency', true); n integer;
                BEGIN
                    PERFORM set_config('app.agency', 'on', true);
                    UPDATE messages SET status = 'failed', error = p_error, updated_at = p_now
                    WHERE kind = 'manual' AND direction = 'outbound' AND status = 'scheduled' AND provider_message_id IS NULL
                      AND created_at < p_before;
                    GET DIAGNOSTICS n = ROW_COUNT;
                    PERFORM set_config('app.agency', coalesce(previous, 'off'), true);
                    RETURN n;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS app_fail_interrupted_messages(timestamptz, timestamptz, text);
                DROP INDEX IF EXISTS ix_messages_interrupted_manual;
                """);
        }
    }
}
