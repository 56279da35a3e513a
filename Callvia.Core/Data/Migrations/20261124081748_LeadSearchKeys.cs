using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeadSearchKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "email_key",
                table: "leads",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(email)",
                stored: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "first_name_key",
                table: "leads",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(first_name)",
                stored: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "last_name_key",
                table: "leads",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(last_name)",
                stored: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "phone_reversed",
                table: "leads",
                type: "text",
                nullable: true,
                computedColumnSql: "reverse(phone_e164)",
                stored: true,
                collation: "C");

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_email_key",
                table: "leads",
                columns: new[] { "client_id", "email_key" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_first_name_key",
                table: "leads",
                columns: new[] { "client_id", "first_name_key" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_last_name_key",
                table: "leads",
                columns: new[] { "client_id", "last_name_key" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_client_id_phone_reversed",
                table: "leads",
                columns: new[] { "client_id", "phone_reversed" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_email_key",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_first_name_key",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_last_name_key",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_leads_client_id_phone_reversed",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "email_key",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "first_name_key",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "last_name_key",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "phone_reversed",
                table: "leads");
        }
    }
}
