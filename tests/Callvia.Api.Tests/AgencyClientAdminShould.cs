using System.Net;
using System.Text.Json;
using Callvia.Api.GraphQL;
using Callvia.Api.Tenancy;
using Callvia.Testing;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AgencyClientAdminShould(ApiFixture fixture)
{
    private const string Create = "mutation($i: CreateClientInput!) { createClient(input: $i) { client { id slug name status timeZone defaultRegion ratePerMinute { amount currency } milestoneSize milestoneAmount { amount } } errors { field message code } } }";
    private const string SetStatus = "mutation($id: ID!, $s: ClientStatus!) { setClientStatus(id: $id, status: $s) { client { slug status } errors { field code } } }";

    private static string NewSlug() => "n" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Create_a_client_with_its_overrides_audited()
    {
        using var agency = await AgencySessionAsync(fixture);
        var slug = NewSlug();

        var (status, body) = await agency.GraphQLAsync(Create, new { i = new
        {
            slug = slug.ToUpperInvariant(), name = "  Initech Dental ", timeZone = "Europe/Berlin", defaultRegion = "de",
            ratePerMinute = "0.35", milestoneSize = 10, milestoneAmount = "1500.00",
        } });

        Assert.Equal(HttpStatusCode.OK, status);
        var payload = Data(body, "createClient");
        Assert.Empty(payload.GetProperty("errors").EnumerateArray());
        var client = payload.GetProperty("client");
        Assert.Equal(slug, client.GetProperty("slug").GetString());
        Assert.Equal("Initech Dental", client.GetProperty("name").GetString());
        Assert.Equal("ACTIVE", client.GetProperty("status").GetString());
        Assert.Equal("Europe/Berlin", client.GetProperty("timeZone").GetString());
        Assert.Equal("DE", client.GetProperty("defaultRegion").GetString());
        Assert.Equal("0.35", client.GetProperty("ratePerMinute").GetProperty("amount").GetString());
        Assert.Equal(10, client.GetProperty("milestoneSize").GetInt32());
        Assert.Equal("1500.00", client.GetProperty("milestoneAmount").GetProperty("amount").GetString());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'agency.create_client' AND detail = 'slug {slug}'"));
        // its host answers now (no credential: 401 rather than 404 for an unknown host)
        using var host = fixture.Api.CreateClient(slug);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GraphQLAsync("{ client { slug } }")).Status);
    }

    [Theory]
    [InlineData("admin", "slug:VALIDATION")]            // the agency console's host
    [InlineData("www", "slug:VALIDATION")]              // reserved for the platform
    [InlineData("api", "slug:VALIDATION")]
    [InlineData("bad_slug", "slug:VALIDATION")]         // not a DNS label
    [InlineData("-dash", "slug:VALIDATION")]
    [InlineData("x", "slug:VALIDATION")]                // too short
    public async Task Refuse_bad_or_reserved_slugs_and_create_nothing(string slug, string error)
    {
        using var agency = await AgencySessionAsync(fixture);
        var before = await fixture.CountAsync("SELECT count(*) FROM clients");
        var (_, body) = await agency.GraphQLAsync(Create, new { i = new { slug, name = "Nope" } });
        Assert.Equal([error], UserErrors(Data(body, "createClient")));
        Assert.Equal(before, await fixture.CountAsync("SELECT count(*) FROM clients"));
    }

    [Fact]
    public async Task Refuse_a_taken_slug_bad_zone_region_and_out_of_bounds_prices_and_create_nothing()
    {
        using var agency = await AgencySessionAsync(fixture);
        var a = await fixture.CreateTenantAsync();
        var (_, taken) = await agency.GraphQLAsync(Create, new { i = new { slug = a.Slug, name = "Copy" } });
        Assert.Equal(["slug:CONFLICT"], UserErrors(Data(taken, "createClient")));

        var slug = NewSlug();
        var (_, bad) = await agency.GraphQLAsync(Create, new { i = new
        {
            slug, name = "", timeZone = "Mars/Olympus_Mons", defaultRegion = "XX", ratePerMinute = "0", milestoneSize = 0, milestoneAmount = "-5",
        } });
        Assert.Equal(new[] { "defaultRegion:VALIDATION", "milestoneAmount:VALIDATION", "milestoneSize:VALIDATION", "name:VALIDATION", "ratePerMinute:VALIDATION", "timeZone:VALIDATION" },
            UserErrors(Data(bad, "createClient")).Order().ToArray());
        var (_, windows) = await agency.GraphQLAsync(Create, new { i = new { slug, name = "Win", timeZone = "Eastern Standard Time", ratePerMinute = "10.5", milestoneSize = 10_001 } });
        Assert.Equal(new[] { "milestoneSize:VALIDATION", "ratePerMinute:VALIDATION", "timeZone:VALIDATION" }, UserErrors(Data(windows, "createClient")).Order().ToArray());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE slug = '{slug}'"));
    }

    [Fact]
    public async Task Refuse_agency_mutations_to_client_credentials()
    {
        var a = await fixture.CreateTenantAsync();
        var slug = NewSlug();
        var create = new { i = new { slug, name = "Sneaky" } };
        var suspend = new { id = GlobalId.Encode(ClientGraphType.TypeName, a.Id), s = "SUSPENDED" };
        using var api = fixture.Api.CreateClient(a.Slug);
        var token = await TokenAsync(fixture, a);
        Assert.Equal("FORBIDDEN", Code((await api.GraphQLAsync(Create, create, token)).Body));
        Assert.Equal("FORBIDDEN", Code((await api.GraphQLAsync(SetStatus, suspend, token)).Body));
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        Assert.Equal("FORBIDDEN", Code((await admin.GraphQLAsync(Create, create)).Body));
        Assert.Equal("FORBIDDEN", Code((await admin.GraphQLAsync(SetStatus, suspend)).Body));
        // a client's token on the agency host is not even let in
        using var console = fixture.Api.CreateClient("admin");
        Assert.Contains((await console.GraphQLAsync(Create, create, token)).Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Equal(HttpStatusCode.Unauthorized, (await console.GraphQLAsync(Create, create)).Status);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE slug = '{slug}'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE id = '{a.Id}' AND status <> 'active'"));
    }

    [Fact]
    public async Task Refuse_a_suspended_clients_token_and_host_right_after_and_reopen_it()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var token = await TokenAsync(fixture, a);
        Assert.Equal(HttpStatusCode.OK, (await api.GraphQLAsync("{ client { slug } }", bearer: token)).Status); // the host is now cached as active
        using var agency = await AgencySessionAsync(fixture);
        var id = GlobalId.Encode(ClientGraphType.TypeName, a.Id);

        var (_, suspended) = await agency.GraphQLAsync(SetStatus, new { id, s = "SUSPENDED" });

        Assert.Equal("SUSPENDED", Data(suspended, "setClientStatus").GetProperty("client").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GraphQLAsync("{ client { slug } }", bearer: token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = a.PartnerClientId, ["client_secret"] = a.PartnerSecret,
        }))).StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'agency.set_client_status' AND client_id = '{a.Id}' AND detail = 'status suspended'"));

        var (_, reopened) = await agency.GraphQLAsync(SetStatus, new { id, s = "ACTIVE" });
        Assert.Equal("ACTIVE", Data(reopened, "setClientStatus").GetProperty("client").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GraphQLAsync("{ client { slug } }", bearer: token)).Status);

        var (_, unknown) = await agency.GraphQLAsync(SetStatus, new { id = GlobalId.Encode(ClientGraphType.TypeName, Guid.NewGuid()), s = "SUSPENDED" });
        Assert.Equal(["id:NOT_FOUND"], UserErrors(Data(unknown, "setClientStatus")));
    }

    [Fact]
    public async Task Give_each_client_in_the_agency_list_its_own_kpis_in_one_batch()
    {
        var tag = "kpi" + Guid.NewGuid().ToString("N")[..8];
        var a = await fixture.CreateTenantAsync($"{tag} a");
        var b = await fixture.CreateTenantAsync($"{tag} b");
        await fixture.CreateLeadAsync(b, "+12025550123"); // B has one lead more than A
        using var agency = await AgencySessionAsync(fixture);
        const string kpis = "kpis { leads calls appointmentsBooked usageCost { amount } }";
        var batches = await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'graphql.client_kpis'");

        var (status, body) = await agency.GraphQLAsync($"query($s: String) {{ clients(first: 100, search: $s) {{ edges {{ node {{ slug {kpis} }} }} }} }}", new { s = tag });

        Assert.Equal(HttpStatusCode.OK, status);
        var bySlug = Data(body, "clients").GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node"))
            .ToDictionary(n => n.GetProperty("slug").GetString()!, n => n.GetProperty("kpis"));
        Assert.Equal(2, bySlug.Count);
        // one batched read for the whole page, audited once
        Assert.Equal(batches + 1, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'graphql.client_kpis'"));
        foreach (var tenant in new[] { a, b })
        {
            // the same numbers as the client's own kpis query (one set of rules)
            using var api = fixture.Api.CreateClient(tenant.Slug);
            var own = Data((await api.GraphQLAsync($"{{ {kpis} }}", bearer: await TokenAsync(fixture, tenant))).Body, "kpis");
            Assert.Equal(own.ToString(), bySlug[tenant.Slug].ToString());
        }
        Assert.Equal(1, bySlug[a.Slug].GetProperty("leads").GetInt32());
        Assert.Equal(2, bySlug[b.Slug].GetProperty("leads").GetInt32());
        Assert.Equal(1, bySlug[a.Slug].GetProperty("calls").GetInt32());
        Assert.Equal("1.00", bySlug[a.Slug].GetProperty("usageCost").GetProperty("amount").GetString());

        // a client reads its own through client { kpis }; a range works too
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        var (_, mine) = await admin.GraphQLAsync("{ client { kpis(from: \"2000-01-01T00:00:00Z\") { leads } } }");
        Assert.Equal(1, Data(mine, "client").GetProperty("kpis").GetProperty("leads").GetInt32());
        var (_, inverted) = await admin.GraphQLAsync("{ client { kpis(from: \"2030-01-01T00:00:00Z\", to: \"2020-01-01T00:00:00Z\") { leads } } }");
        Assert.Equal("VALIDATION", Code(inverted));
    }
}
