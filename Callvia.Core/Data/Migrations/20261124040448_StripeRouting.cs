using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>Stripe is one account for the platform: its events find their client by Stripe customer id.</summary>
    public partial class StripeRouting : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION app_client_by_stripe_customer(p_customer text) RETURNS uuid
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
                    AS $$ SELECT c.id FROM clients c WHERE c.stripe_customer_id = p_customer $$;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS app_client_by_stripe_customer(text);");
    }
}
