using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Reminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "claimed_at",
                table: "messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "message_kinds_off",
                table: "clients",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "location",
                table: "appointments",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "email_bounces",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_email_bounces", x => x.id);
                    table.ForeignKey(
                        name: "fk_email_bounces_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "message_templates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    body = table.Column<string>(type: "character varying(50000)", maxLength: 50000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_templates", x => x.id);
                    table.ForeignKey(
                        name: "fk_message_templates_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_messages_claimed",
                table: "messages",
                column: "claimed_at",
                filter: "status = 'scheduled' AND claimed_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_messages_due",
                table: "messages",
                column: "scheduled_for",
                filter: "status = 'scheduled' AND claimed_at IS NULL AND scheduled_for IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_email_bounces_client_id_email",
                table: "email_bounces",
                columns: new[] { "client_id", "email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_message_templates_client_id_kind_channel",
                table: "message_templates",
                columns: new[] { "client_id", "kind", "channel" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "email_bounces");

            migrationBuilder.DropTable(
                name: "message_templates");

            migrationBuilder.DropIndex(
                name: "ix_messages_claimed",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_messages_due",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "claimed_at",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "message_kinds_off",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "location",
                table: "appointments");
        }
    }
}
