using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Callvia.Core.Data.Migrations
{
    /// <summary>
    /// Agency-bound partner applications (owner_client_id NULL) become visible to the no-tenant scope, i.e. the admin
    /// host, so that the token endpoint there can authenticate them (agency tokens). Like agency admins in <c>users</c>,
    /// they are nobody's tenant data; a tenant scope still sees its own applications only.
    /// </summary>
    public partial class AgencyApplicationsOnAdminHost : Migration
    {
        private const string Visible = """
            owner_client_id = (SELECT app_current_client())
            OR (owner_client_id IS NULL AND (SELECT app_current_client()) IS NULL)
            OR (SELECT app_is_agency())
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql($"""
                ALTER POLICY tenant_isolation ON openiddict_applications
                    USING ({Visible})
                    WITH CHECK ({Visible});
                """);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""
                ALTER POLICY tenant_isolation ON openiddict_applications
                    USING (owner_client_id = app_current_client() OR app_is_agency())
                    WITH CHECK (owner_client_id = app_current_client() OR app_is_agency());
                """);
    }
}
