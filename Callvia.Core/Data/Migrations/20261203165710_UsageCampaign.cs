using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UsageCampaign : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_usage_records_invoices_client_id_invoice_id",
                table: "usage_records");

            migrationBuilder.AddColumn<Guid>(
                name: "campaign_id",
                table: "usage_records",
                type: "uuid",
                nullable: true);

            // as the agency (the owner is under row-level security too): every usage takes its call's campaign; and
            // the shown appointments the Billing migration meant to bring into the milestone pool (it read them
            // without the agency's scope, so on a database with data it found none) enter it now, once
            migrationBuilder.Sql("""
                SELECT set_config('app.agency', 'on', true);
                UPDATE usage_records u SET campaign_id = k.campaign_id
                FROM call_logs k WHERE k.client_id = u.client_id AND k.id = u.call_log_id AND k.campaign_id IS NOT NULL;
                INSERT INTO milestone_entries (id, client_id, appointment_id, source, verified_at, verified_by, note, entered_at)
                SELECT gen_random_uuid(), a.client_id, a.id, coalesce(a.verification_source, 'none'), coalesce(a.verified_at, a.updated_at),
                       'before billing was built', a.verification_note, now()
                FROM appointments a
                WHERE a.status = 'shown' AND NOT a.simulated
                  AND NOT EXISTS (SELECT 1 FROM milestone_entries e WHERE e.appointment_id = a.id AND e.removed_at IS NULL);
                SELECT set_config('app.agency', 'off', true);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // the triggers of 13_billing.sql on the column go with it; the file is applied again by the next migration step
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS usage_campaign_from_call ON usage_records;
                DROP TRIGGER IF EXISTS usage_campaign_follows_call ON call_logs;
                DO $$ BEGIN
                    IF to_regclass('__sql_objects') IS NOT NULL THEN DELETE FROM __sql_objects WHERE file = '13_billing.sql'; END IF;
                END $$;
                """);

            migrationBuilder.DropColumn(
                name: "campaign_id",
                table: "usage_records");

            migrationBuilder.AddForeignKey(
                name: "fk_usage_records_invoices_client_id_invoice_id",
                table: "usage_records",
                columns: new[] { "client_id", "invoice_id" },
                principalTable: "invoices",
                principalColumns: new[] { "client_id", "id" },
                onDelete: ReferentialAction.Restrict);
        }
    }
}
