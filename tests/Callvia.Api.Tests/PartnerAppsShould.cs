using System.Net;
using System.Text.Json;
using Callvia.Testing;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class PartnerAppsShould(ApiFixture fixture)
{
    private const string Create = "mutation($n: String!) { createPartnerApp(name: $n) { clientSecret partnerApp { id clientId name agency } errors { field message code } } }";
    private const string Revoke = "mutation($id: ID!) { revokePartnerApp(id: $id) { partnerApp { id clientId } errors { field code } } }";
    private const string List = "{ partnerApps { id clientId name agency createdAt } }";

    [Fact]
    public async Task Create_an_app_whose_secret_is_shown_once_stored_hashed_and_gets_a_token()
    {
        var a = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        var audits = await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'partner_app.create' AND client_id = '{a.Id}'");

        var (status, body) = await admin.GraphQLAsync(Create, new { n = "Zapier bridge" });

        Assert.Equal(HttpStatusCode.OK, status);
        var payload = Data(body, "createPartnerApp");
        Assert.Empty(payload.GetProperty("errors").EnumerateArray());
        var secret = payload.GetProperty("clientSecret").GetString()!;
        var clientId = payload.GetProperty("partnerApp").GetProperty("clientId").GetString()!;
        Assert.True(secret.Length >= 40);
        Assert.StartsWith(a.Slug + "-", clientId);
        Assert.False(payload.GetProperty("partnerApp").GetProperty("agency").GetBoolean());
        // the secret is stored as OpenIddict's hash, never as given
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM openiddict_applications WHERE client_secret = '{secret}'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM openiddict_applications WHERE client_id = '{clientId}' AND owner_client_id = '{a.Id}'"));
        Assert.Equal(audits + 1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'partner_app.create' AND client_id = '{a.Id}'"));

        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(clientId, secret);
        var (_, me) = await api.GraphQLAsync("{ me { clientId } client { slug } }", bearer: token);
        Assert.Equal(clientId, Data(me, "me").GetProperty("clientId").GetString());

        // listed, without any secret
        var (_, listed) = await admin.GraphQLAsync(List);
        var apps = Data(listed, "partnerApps").EnumerateArray().Select(x => x.GetProperty("clientId").GetString()).ToList();
        Assert.Equal(new[] { a.PartnerClientId, clientId }.Order(), apps.Order());
        Assert.DoesNotContain(secret, listed.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GraphQLAsync("{ partnerApps { clientSecret } }")).Status);
    }

    [Fact]
    public async Task Refuse_a_revoked_apps_existing_token_at_once_and_its_new_token_requests()
    {
        var a = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        var created = Data((await admin.GraphQLAsync(Create, new { n = "Short-lived" })).Body, "createPartnerApp");
        var (id, clientId, secret) = (created.GetProperty("partnerApp").GetProperty("id").GetString(),
            created.GetProperty("partnerApp").GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(clientId, secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GraphQLAsync("{ client { slug } }", bearer: token)).Status);

        var (_, revoked) = await admin.GraphQLAsync(Revoke, new { id });

        Assert.Empty(Data(revoked, "revokePartnerApp").GetProperty("errors").EnumerateArray());
        var (status, refused) = await api.GraphQLAsync("{ client { slug } }", bearer: token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", Code(refused));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendBearer(api, "/api/settings/provider-secrets", token!)).StatusCode);
        Assert.Equal("invalid_client", (await api.RequestTokenAsync(clientId, secret)).Error);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'partner_app.revoke' AND client_id = '{a.Id}' AND detail = '{clientId}'"));
        // the tenant's other application is untouched
        Assert.NotNull((await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret)).Token);
    }

    [Fact]
    public async Task Answer_not_found_for_another_clients_app_and_leave_it_working()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var adminB = await SessionAsync(fixture, b.Slug, b.AdminEmail);
        var bApp = Data((await adminB.GraphQLAsync(List)).Body, "partnerApps")[0].GetProperty("id").GetString();
        using var adminA = await SessionAsync(fixture, a.Slug, a.AdminEmail);

        var (_, body) = await adminA.GraphQLAsync(Revoke, new { id = bApp });
        Assert.Equal(["id:NOT_FOUND"], UserErrors(Data(body, "revokePartnerApp")));
        var (_, unknown) = await adminA.GraphQLAsync(Revoke, new { id = "not-an-id" });
        Assert.Equal(["id:NOT_FOUND"], UserErrors(Data(unknown, "revokePartnerApp")));
        var (_, listed) = await adminA.GraphQLAsync(List);
        Assert.DoesNotContain(b.PartnerClientId, listed.ToString());
        using var apiB = fixture.Api.CreateClient(b.Slug);
        Assert.NotNull((await apiB.RequestTokenAsync(b.PartnerClientId, b.PartnerSecret)).Token);
    }

    [Fact]
    public async Task Refuse_app_management_to_a_client_user_and_a_partner_token_and_refuse_bad_names()
    {
        var a = await fixture.CreateTenantAsync();
        var plain = await CreateClientUserAsync(fixture, a);
        var apps = $"SELECT count(*) FROM openiddict_applications WHERE owner_client_id = '{a.Id}'";
        using var user = await SessionAsync(fixture, a.Slug, plain);
        Assert.Equal("FORBIDDEN", Code((await user.GraphQLAsync(Create, new { n = "x" })).Body));
        Assert.Equal("FORBIDDEN", Code((await user.GraphQLAsync(List)).Body));
        using var api = fixture.Api.CreateClient(a.Slug);
        var token = await TokenAsync(fixture, a);
        Assert.Equal("FORBIDDEN", Code((await api.GraphQLAsync(Create, new { n = "x" }, token)).Body));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GraphQLAsync(Create, new { n = "x" })).Status);

        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        foreach (var name in new[] { "", "   ", new string('x', 101) })
        {
            var payload = Data((await admin.GraphQLAsync(Create, new { n = name })).Body, "createPartnerApp");
            Assert.Equal(["name:VALIDATION"], UserErrors(payload));
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("clientSecret").ValueKind);
        }
        Assert.Equal(1, await fixture.CountAsync(apps));
    }

    [Fact]
    public async Task Manage_the_agencys_own_apps_on_the_admin_host_audited()
    {
        using var agency = await AgencySessionAsync(fixture);
        var a = await fixture.CreateTenantAsync();
        var created = Data((await agency.GraphQLAsync(Create, new { n = "Agency reporting" })).Body, "createPartnerApp");
        Assert.Empty(created.GetProperty("errors").EnumerateArray());
        Assert.True(created.GetProperty("partnerApp").GetProperty("agency").GetBoolean());
        var clientId = created.GetProperty("partnerApp").GetProperty("clientId").GetString()!;
        Assert.StartsWith("agency-", clientId);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM openiddict_applications WHERE client_id = '{clientId}' AND owner_client_id IS NULL"));

        var listed = Data((await agency.GraphQLAsync(List)).Body, "partnerApps").EnumerateArray().ToList();
        Assert.Contains(listed, x => x.GetProperty("clientId").GetString() == clientId);
        Assert.All(listed, x => Assert.True(x.GetProperty("agency").GetBoolean())); // no client's apps here
        Assert.DoesNotContain(a.PartnerClientId, listed.Select(x => x.GetProperty("clientId").GetString()));

        var (_, revoked) = await agency.GraphQLAsync(Revoke, new { id = created.GetProperty("partnerApp").GetProperty("id").GetString() });
        Assert.Empty(Data(revoked, "revokePartnerApp").GetProperty("errors").EnumerateArray());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM openiddict_applications WHERE client_id = '{clientId}'"));
        Assert.True(await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action IN ('agency.create_partner_app', 'agency.revoke_partner_app')") >= 2);
    }

    [Fact]
    public async Task Give_an_agency_app_tokens_on_the_admin_host_that_run_agency_mutations_until_revoked()
    {
        using var agency = await AgencySessionAsync(fixture);
        var created = Data((await agency.GraphQLAsync(Create, new { n = "Agency automation" })).Body, "createPartnerApp");
        var (id, clientId, secret) = (created.GetProperty("partnerApp").GetProperty("id").GetString(),
            created.GetProperty("partnerApp").GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
        using var console = fixture.Api.CreateClient("admin");
        var (token, error) = await console.RequestTokenAsync(clientId, secret);
        Assert.True(token is not null, error);

        var (_, me) = await console.GraphQLAsync("{ me { kind agency client { slug } } }", bearer: token);
        Assert.Equal("PARTNER_APP", Data(me, "me").GetProperty("kind").GetString());
        Assert.True(Data(me, "me").GetProperty("agency").GetBoolean());
        var slug = "g" + Guid.NewGuid().ToString("N")[..10];
        var (_, createdClient) = await console.GraphQLAsync("mutation($i: CreateClientInput!) { createClient(input: $i) { client { slug } errors { field } } }",
            new { i = new { slug, name = "Made by a token" } }, token);
        Assert.Equal(slug, Data(createdClient, "createClient").GetProperty("client").GetProperty("slug").GetString());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'agency.create_client' AND actor = '{clientId}'"));

        // bound to the admin host (its issuer): on a client's host it does not validate
        var a = await fixture.CreateTenantAsync();
        using var clientHost = fixture.Api.CreateClient(a.Slug);
        Assert.Equal(HttpStatusCode.Unauthorized, (await clientHost.GraphQLWithAsync("{ client { slug } }", null,
            new Dictionary<string, string> { [Web.Tenancy.AgencyActAs.Header] = a.Slug }, token)).Status);
        // a client's application cannot get a token on the admin host
        Assert.Equal("invalid_client", (await console.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret)).Error);

        await agency.GraphQLAsync(Revoke, new { id });
        Assert.Equal(HttpStatusCode.Unauthorized, (await console.GraphQLAsync("{ me { kind } }", bearer: token)).Status);
    }

    private static async Task<HttpResponseMessage> SendBearer(HttpClient api, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return await api.SendAsync(request);
    }
}
