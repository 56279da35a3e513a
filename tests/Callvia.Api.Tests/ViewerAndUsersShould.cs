using System.Net;
using System.Text.Json;
using Callvia.Testing;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ViewerAndUsersShould(ApiFixture fixture)
{
    private const string Me = "{ me { kind id email name clientId roles agency client { slug } actingAs { slug } } }";
    private const string Users = "{ users { id email displayName roles createdAt lockedOut } }";

    [Fact]
    public async Task Say_who_is_calling_for_a_portal_user_and_for_a_partner_app()
    {
        var a = await fixture.CreateTenantAsync();
        using var session = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        var (_, byUser) = await session.GraphQLAsync(Me);
        var user = Data(byUser, "me");
        Assert.Equal("USER", user.GetProperty("kind").GetString());
        Assert.Equal(a.AdminEmail, user.GetProperty("email").GetString());
        Assert.Contains("client_admin", user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(a.Slug, user.GetProperty("client").GetProperty("slug").GetString());
        Assert.False(user.GetProperty("agency").GetBoolean());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("actingAs").ValueKind);

        using var api = fixture.Api.CreateClient(a.Slug);
        var (_, byApp) = await api.GraphQLAsync(Me, bearer: await TokenAsync(fixture, a));
        var app = Data(byApp, "me");
        Assert.Equal("PARTNER_APP", app.GetProperty("kind").GetString());
        Assert.Equal(a.PartnerClientId, app.GetProperty("clientId").GetString());
        Assert.Equal(new string?[] { "partner" }, app.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray());
        Assert.Equal(a.Slug, app.GetProperty("client").GetProperty("slug").GetString());
        Assert.Equal(JsonValueKind.Null, app.GetProperty("email").ValueKind);
    }

    [Fact]
    public async Task List_the_clients_users_to_its_admin_without_any_secret_and_nothing_of_another_client()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var plain = await CreateClientUserAsync(fixture, a);
        await CreateClientUserAsync(fixture, b);
        await TestData.EnsureAgencyAdminAsync(fixture.Services);
        using var session = await SessionAsync(fixture, a.Slug, a.AdminEmail);

        var (status, body) = await session.GraphQLAsync(Users);

        Assert.Equal(HttpStatusCode.OK, status);
        var users = Data(body, "users").EnumerateArray().ToList();
        Assert.Equal(new[] { a.AdminEmail, plain }.Order(), users.Select(u => u.GetProperty("email").GetString()).Order());
        Assert.Equal(new string?[] { "client_user" }, users.Single(u => u.GetProperty("email").GetString() == plain).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray());
        var text = body.ToString();
        Assert.DoesNotContain(TestData.AgencyAdminEmail, text); // agency admins are visible to sign-in, not listed as the client's
        Assert.DoesNotContain(b.Slug, text);
        Assert.DoesNotContain("AQAAAA", text); // Identity's password hash prefix
        // the type has no such fields at all
        Assert.Equal(HttpStatusCode.BadRequest, (await session.GraphQLAsync("{ users { passwordHash } }")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.GraphQLAsync("{ users { securityStamp } }")).Status);
    }

    [Fact]
    public async Task Find_a_user_and_a_partner_app_by_node_id_for_an_admin_only()
    {
        var a = await fixture.CreateTenantAsync();
        var plain = await CreateClientUserAsync(fixture, a);
        using var session = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        var user = Data((await session.GraphQLAsync(Users)).Body, "users").EnumerateArray().Single(u => u.GetProperty("email").GetString() == plain);
        var app = Data((await session.GraphQLAsync("{ partnerApps { id clientId } }")).Body, "partnerApps")[0];
        const string Node = "query($id: ID!) { node(id: $id) { __typename id ... on User { email roles } ... on PartnerApp { clientId } } }";

        var byUserId = Data((await session.GraphQLAsync(Node, new { id = user.GetProperty("id").GetString() })).Body, "node");
        Assert.Equal(("User", plain), (byUserId.GetProperty("__typename").GetString(), byUserId.GetProperty("email").GetString()));
        Assert.Equal(new string?[] { "client_user" }, byUserId.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray());
        var byAppId = Data((await session.GraphQLAsync(Node, new { id = app.GetProperty("id").GetString() })).Body, "node");
        Assert.Equal(("PartnerApp", a.PartnerClientId), (byAppId.GetProperty("__typename").GetString(), byAppId.GetProperty("clientId").GetString()));

        // like the lists: a client user is refused (not told whether the id exists)
        using var userSession = await SessionAsync(fixture, a.Slug, plain);
        Assert.Equal("FORBIDDEN", Code((await userSession.GraphQLAsync(Node, new { id = user.GetProperty("id").GetString() })).Body));
        Assert.Equal("FORBIDDEN", Code((await userSession.GraphQLAsync(Node, new { id = app.GetProperty("id").GetString() })).Body));
    }

    [Fact]
    public async Task Refuse_the_users_to_a_client_user_a_partner_token_and_no_credential()
    {
        var a = await fixture.CreateTenantAsync();
        var plain = await CreateClientUserAsync(fixture, a);
        using var userSession = await SessionAsync(fixture, a.Slug, plain);
        var (_, byUser) = await userSession.GraphQLAsync(Users);
        Assert.Equal("FORBIDDEN", Code(byUser));
        Assert.Equal(JsonValueKind.Null, byUser.GetProperty("data").ValueKind);

        using var api = fixture.Api.CreateClient(a.Slug);
        var (_, byToken) = await api.GraphQLAsync(Users, bearer: await TokenAsync(fixture, a));
        Assert.Equal("FORBIDDEN", Code(byToken));

        var (status, anonymous) = await api.GraphQLAsync(Users);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", Code(anonymous));
    }

    [Fact]
    public async Task Answer_users_on_the_agency_host_with_not_found()
    {
        using var agency = await AgencySessionAsync(fixture);
        var (_, body) = await agency.GraphQLAsync(Users);
        Assert.Equal("NOT_FOUND", Code(body));
        var (_, me) = await agency.GraphQLAsync(Me);
        Assert.True(Data(me, "me").GetProperty("agency").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Data(me, "me").GetProperty("client").ValueKind);
    }
}
