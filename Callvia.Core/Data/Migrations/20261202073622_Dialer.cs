using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Dialer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "consent_at",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "consent_source",
                table: "leads",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "dial_at",
                table: "leads",
                type: "timestamp with time zone",
                nullable: true,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<string>(
                name: "dialer_note",
                table: "leads",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "dialer_backoff_until",
                table: "clients",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "dialer_stopped_at",
                table: "clients",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_concurrent_calls",
                table: "clients",
                type: "integer",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.CreateTable(
                name: "dial_attempts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    lead_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    phone_e164 = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    provider_call_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dial_attempts", x => x.id);
                    table.ForeignKey(
                        name: "fk_dial_attempts_campaigns_client_id_campaign_id",
                        columns: x => new { x.client_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_dial_attempts_leads_client_id_lead_id",
                        columns: x => new { x.client_id, x.lead_id },
                        principalTable: "leads",
                        principalColumns: new[] { "client_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "platform_settings",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_settings", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_leads_dial_due",
                table: "leads",
                columns: new[] { "campaign_id", "dial_at" },
                filter: "dial_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_dial_attempts_active",
                table: "dial_attempts",
                columns: new[] { "client_id", "campaign_id", "lease_until" },
                filter: "state IN ('dialing', 'placed', 'unconfirmed')");

            migrationBuilder.CreateIndex(
                name: "ix_dial_attempts_client_id_lead_id",
                table: "dial_attempts",
                columns: new[] { "client_id", "lead_id" });

            migrationBuilder.CreateIndex(
                name: "ix_dial_attempts_client_id_phone_e164_created_at",
                table: "dial_attempts",
                columns: new[] { "client_id", "phone_e164", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_dial_attempts_lead_id_number",
                table: "dial_attempts",
                columns: new[] { "lead_id", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_dial_attempts_one_active_per_lead",
                table: "dial_attempts",
                column: "lead_id",
                unique: true,
                filter: "state IN ('dialing', 'placed', 'unconfirmed')");

            migrationBuilder.CreateIndex(
                name: "ix_dial_attempts_provider_call_id",
                table: "dial_attempts",
                column: "provider_call_id");
            // the leads the dialer is done with are not due (the others were made due by the column's default)
            migrationBuilder.Sql("UPDATE leads SET dial_at = NULL WHERE status IN ('booked', 'dnc') OR opted_out_at IS NOT NULL");
        }


        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dial_attempts");

            migrationBuilder.DropTable(
                name: "platform_settings");

            migrationBuilder.DropIndex(
                name: "ix_leads_dial_due",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "consent_at",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "consent_source",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "dial_at",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "dialer_note",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "dialer_backoff_until",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "dialer_stopped_at",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "max_concurrent_calls",
                table: "clients");
        }
    }
}
