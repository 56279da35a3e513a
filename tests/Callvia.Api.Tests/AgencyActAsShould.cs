using Callvia.Web.Tenancy;
using System.Net;
using Callvia.Core.Tenancy;
using Callvia.Testing;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

/// <summary>An agency admin on a client's host acts inside that client explicitly (X-Callvia-Act-As), audited per request.</summary>
[Collection(ApiCollection.Name)]
public sealed class AgencyActAsShould(ApiFixture fixture)
{
    private const string Query = "{ client { slug } me { agency actingAs { slug } } }";

    private static Dictionary<string, string> ActAs(string slug) => new() { [AgencyActAs.Header] = slug };

    [Fact]
    public async Task Refuse_an_agency_session_on_a_client_host_without_the_header()
    {
        var a = await fixture.CreateTenantAsync();
        using var agency = await AgencySessionAsync(fixture, a.Slug); // signed in on A's host: the cookie is bound to it

        var (status, body) = await agency.GraphQLAsync(Query);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("FORBIDDEN", Code(body));
        Assert.Contains($"{AgencyActAs.Header}: {a.Slug}", body.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.DoesNotContain(a.Name, body.ToString());
        // REST too
        Assert.Equal(HttpStatusCode.Forbidden, (await agency.GetAsync("/api/settings/provider-secrets")).StatusCode);
    }

    [Fact]
    public async Task Refuse_a_header_naming_another_client()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var agency = await AgencySessionAsync(fixture, a.Slug);
        var (status, body) = await agency.GraphQLWithAsync(Query, null, ActAs(b.Slug));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(b.Slug, body.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.DoesNotContain(b.Name, body.ToString());
    }

    [Fact]
    public async Task Let_the_agency_act_inside_the_named_client_and_audit_every_request()
    {
        var a = await fixture.CreateTenantAsync();
        using var agency = await AgencySessionAsync(fixture, a.Slug);
        var audits = $"SELECT count(*) FROM audit_log WHERE action = '{AgencyActAs.AuditAction}' AND client_id = '{a.Id}'";
        var before = await fixture.CountAsync(audits);

        var (status, body) = await agency.GraphQLWithAsync("query Home " + Query, null, ActAs(a.Slug));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(a.Slug, Data(body, "client").GetProperty("slug").GetString());
        Assert.True(Data(body, "me").GetProperty("agency").GetBoolean());
        Assert.Equal(a.Slug, Data(body, "me").GetProperty("actingAs").GetProperty("slug").GetString());
        Assert.Equal(before + 1, await fixture.CountAsync(audits));
        Assert.Equal(1, await fixture.CountAsync($"{audits} AND actor = '{TestData.AgencyAdminEmail}' AND detail = 'graphql query Home {{ client me }}'"));

        // the operation's root fields, never its arguments (a secret may be written inline)
        var (_, set) = await agency.GraphQLWithAsync("mutation { setProviderSecrets(input: { retell: \"inline-secret-1234\" }) { errors { field } } }", null, ActAs(a.Slug));
        Assert.Empty(Data(set, "setProviderSecrets").GetProperty("errors").EnumerateArray());
        Assert.Equal(1, await fixture.CountAsync($"{audits} AND detail = 'graphql mutation {{ setProviderSecrets }}'"));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE detail LIKE '%inline-secret-1234%'"));
        before += 1;

        // REST: the same rule, one row per request, naming the operation
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/settings/provider-secrets");
        request.Headers.Add(AgencyActAs.Header, a.Slug);
        Assert.Equal(HttpStatusCode.OK, (await agency.SendAsync(request)).StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"{audits} AND detail = 'GET /api/settings/provider-secrets'"));
        Assert.Equal(before + 2, await fixture.CountAsync(audits));
    }

    [Fact]
    public async Task Refuse_the_header_from_a_partner_token_or_a_client_user_with_the_reason()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var token = await TokenAsync(fixture, a);
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);

        // naming another client, or even its own: a client's credential never acts as anyone; the header is not ignored
        foreach (var slug in new[] { b.Slug, a.Slug })
        {
            var (partner, partnerBody) = await api.GraphQLWithAsync(Query, null, new Dictionary<string, string> { [AgencyActAs.Header] = slug }, token);
            var (user, _) = await admin.GraphQLWithAsync(Query, null, new Dictionary<string, string> { [AgencyActAs.Header] = slug });
            Assert.Equal(HttpStatusCode.Forbidden, partner);
            Assert.Equal(HttpStatusCode.Forbidden, user);
            Assert.Contains("for agency credentials", partnerBody.GetProperty("errors")[0].GetProperty("message").GetString());
        }
        // REST the same
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/leads/imports/{Guid.NewGuid()}");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add(AgencyActAs.Header, b.Slug);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Leave_client_users_and_the_agency_host_unaffected()
    {
        var a = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        Assert.Equal(HttpStatusCode.OK, (await admin.GraphQLAsync(Query)).Status); // no header needed for the client's own people
        using var console = await AgencySessionAsync(fixture);
        var (status, _) = await console.GraphQLAsync("{ me { agency } }");
        Assert.Equal(HttpStatusCode.OK, status); // no client on the agency host: nothing to name
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = '{AgencyActAs.AuditAction}' AND client_id = '{a.Id}'"));
    }

    [Fact]
    public async Task Let_the_portal_keep_serving_an_agency_admin_signed_in_on_a_client_host_audited()
    {
        var a = await fixture.CreateTenantAsync();
        await TestData.EnsureAgencyAdminAsync(fixture.Services);
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(TestData.AgencyAdminEmail, TestData.Password)).StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'agency.sign_in_to_client' AND client_id = '{a.Id}'"));

        var page = await portal.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(a.Name, await page.Content.ReadAsStringAsync());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = '{AgencyActAs.AuditAction}' AND client_id = '{a.Id}' AND detail = 'GET /'"));
    }

    [Fact]
    public async Task Let_an_agency_admins_browser_name_the_client_in_the_address_of_the_ide_page_and_the_websocket()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await TestData.EnsureAgencyAdminAsync(fixture.Services);
        var cookies = new CookieContainer();
        using (var portal = fixture.Portal.CreateClient(a.Slug, cookies))
            Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(TestData.AgencyAdminEmail, TestData.Password)).StatusCode);
        using var agency = fixture.Api.CreateClient(a.Slug, cookies);
        var audits = $"SELECT count(*) FROM audit_log WHERE action = '{AgencyActAs.AuditAction}' AND client_id = '{a.Id}'";

        // the IDE page: opened with ?actAs naming the host's client, and it then sends the header on its requests
        Assert.Equal(HttpStatusCode.Forbidden, (await agency.GetAsync("/graphql/ide")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agency.GetAsync($"/graphql/ide?{AgencyActAs.QueryParameter}={b.Slug}")).StatusCode);
        var page = await agency.GetAsync($"/graphql/ide?{AgencyActAs.QueryParameter}={a.Slug}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"'{AgencyActAs.Header}': actAs", await page.Content.ReadAsStringAsync());
        Assert.Equal(1, await fixture.CountAsync($"{audits} AND detail = 'GET /graphql/ide'"));
        // anything but a GET needs the header itself: a page on another site could send this POST with the cookie
        using (var post = new HttpRequestMessage(HttpMethod.Post, $"/graphql?{AgencyActAs.QueryParameter}={a.Slug}")
               { Content = System.Net.Http.Json.JsonContent.Create(new { query = "{ client { slug } }" }) })
            Assert.Equal(HttpStatusCode.Forbidden, (await agency.SendAsync(post)).StatusCode);

        // subscriptions: the upgrade's address names the client; without it, connection_init is refused (4403)
        await using (var refused = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug, cookies: cookies))
        {
            await refused.SendAsync(new { type = "connection_init", payload = new { } });
            Assert.Equal(4403, (await refused.ClosedAsync()).Code);
        }
        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug, cookies: cookies, query: $"{AgencyActAs.QueryParameter}={a.Slug}");
        await ws.SendAsync(new { type = "connection_init", payload = new { } });
        Assert.Equal("connection_ack", (await ws.NextAsync()).GetProperty("type").GetString());
        Assert.Equal(1, await fixture.CountAsync($"{audits} AND detail = 'graphql-ws connection_init'"));
    }
}
