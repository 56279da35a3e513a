using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "credited_cents",
                table: "invoices",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "description",
                table: "invoices",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "issue_attempts",
                table: "invoices",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "issue_error",
                table: "invoices",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "issue_failed_at",
                table: "invoices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "milestone_number",
                table: "invoices",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "number",
                table: "invoices",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "simulated",
                table: "invoices",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "stripe_key_round",
                table: "invoices",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "stripe_step",
                table: "invoices",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "sent"); // the invoices before this one were made in Stripe already (webhooks, demo data)

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "voided_at",
                table: "invoices",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "billing_email",
                table: "clients",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "verified_by",
                table: "appointments",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddUniqueConstraint(
                name: "ak_milestones_client_id_id",
                table: "milestones",
                columns: new[] { "client_id", "id" });

            migrationBuilder.CreateTable(
                name: "invoice_lines",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    invoice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: true),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    calls = table.Column<int>(type: "integer", nullable: false),
                    seconds = table.Column<long>(type: "bigint", nullable: false),
                    cost = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    late = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoice_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_invoice_lines_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_invoice_lines_invoices_client_id_invoice_id",
                        columns: x => new { x.client_id, x.invoice_id },
                        principalTable: "invoices",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "milestone_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    appointment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    milestone_id = table.Column<Guid>(type: "uuid", nullable: true),
                    position = table.Column<int>(type: "integer", nullable: true),
                    source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    verified_by = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    entered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    replaces_entry_id = table.Column<Guid>(type: "uuid", nullable: true),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    removed_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_milestone_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_milestone_entries_appointments_client_id_appointment_id",
                        columns: x => new { x.client_id, x.appointment_id },
                        principalTable: "appointments",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_milestone_entries_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_milestone_entries_milestones_client_id_milestone_id",
                        columns: x => new { x.client_id, x.milestone_id },
                        principalTable: "milestones",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_usage_records_unbilled",
                table: "usage_records",
                columns: new[] { "client_id", "occurred_at" },
                filter: "invoice_id IS NULL AND NOT simulated");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_client_id_milestone_number",
                table: "invoices",
                columns: new[] { "client_id", "milestone_number" },
                unique: true,
                filter: "milestone_number IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_to_issue",
                table: "invoices",
                column: "created_at",
                filter: "NOT simulated AND stripe_step <> 'sent' AND issue_failed_at IS NULL AND voided_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_client_id_invoice_id",
                table: "invoice_lines",
                columns: new[] { "client_id", "invoice_id" });

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_invoice_id_position",
                table: "invoice_lines",
                columns: new[] { "invoice_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_milestone_entries_client_id_appointment_id",
                table: "milestone_entries",
                columns: new[] { "client_id", "appointment_id" });

            migrationBuilder.CreateIndex(
                name: "ix_milestone_entries_client_id_milestone_id",
                table: "milestone_entries",
                columns: new[] { "client_id", "milestone_id" });

            migrationBuilder.CreateIndex(
                name: "ix_milestone_entries_milestone_id_position",
                table: "milestone_entries",
                columns: new[] { "milestone_id", "position" });

            migrationBuilder.CreateIndex(
                name: "ix_milestone_entries_pool",
                table: "milestone_entries",
                columns: new[] { "client_id", "verified_at" },
                filter: "removed_at IS NULL AND milestone_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_milestone_entries_counting",
                table: "milestone_entries",
                column: "appointment_id",
                unique: true,
                filter: "removed_at IS NULL");

            // appointments shown before the ledger existed enter its pool (oldest verification first, as any other): the
            // next verification of their client settles them into milestones, so none is left uncounted
            migrationBuilder.Sql("""
                SELECT set_config('app.agency', 'on', true);
                INSERT INTO milestone_entries (id, client_id, appointment_id, source, verified_at, verified_by, note, entered_at)
                SELECT gen_random_uuid(), a.client_id, a.id, coalesce(a.verification_source, 'none'), coalesce(a.verified_at, a.updated_at),
                       'before billing was built', a.verification_note, now()
                FROM appointments a
                WHERE a.status = 'shown' AND NOT a.simulated;
                SELECT set_config('app.agency', 'off', true);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invoice_lines");

            migrationBuilder.DropTable(
                name: "milestone_entries");

            migrationBuilder.DropIndex(
                name: "ix_usage_records_unbilled",
                table: "usage_records");

            migrationBuilder.DropUniqueConstraint(
                name: "ak_milestones_client_id_id",
                table: "milestones");

            migrationBuilder.DropIndex(
                name: "ix_invoices_client_id_milestone_number",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "ix_invoices_to_issue",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "credited_cents",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "description",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "issue_attempts",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "issue_error",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "issue_failed_at",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "milestone_number",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "number",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "simulated",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "stripe_key_round",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "stripe_step",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "voided_at",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "billing_email",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "verified_by",
                table: "appointments");
        }
    }
}
