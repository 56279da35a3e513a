using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class DialerSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // the dialer's settings: allowed weekdays (bit n = DayOfWeek n; Monday to Saturday), the retry ladder (the
            // earlier single delay becomes its one step), and whether recorded consent is required (on)
            migrationBuilder.AddColumn<int>(name: "call_days", table: "campaigns", type: "integer", nullable: false, defaultValue: 126);
            migrationBuilder.AddColumn<bool>(name: "requires_consent", table: "campaigns", type: "boolean", nullable: false, defaultValue: true);
            migrationBuilder.AddColumn<int[]>(name: "retry_ladder_minutes", table: "campaigns", type: "integer[]", nullable: false,
                defaultValueSql: "'{60,240,1440}'::integer[]");
            migrationBuilder.Sql("UPDATE campaigns SET retry_ladder_minutes = ARRAY[retry_delay_minutes]");
            migrationBuilder.DropColumn(name: "retry_delay_minutes", table: "campaigns");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(name: "retry_delay_minutes", table: "campaigns", type: "integer", nullable: false, defaultValue: 240);
            migrationBuilder.Sql("UPDATE campaigns SET retry_delay_minutes = retry_ladder_minutes[1]");
            migrationBuilder.DropColumn(name: "call_days", table: "campaigns");
            migrationBuilder.DropColumn(name: "requires_consent", table: "campaigns");
            migrationBuilder.DropColumn(name: "retry_ladder_minutes", table: "campaigns");
        }
    }
}
