using System.Net;
using System.Text.Json;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Callvia.Api.Tests.AdminHelpers;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ProviderSecretsGraphQLShould(ApiFixture fixture)
{
    private const string Set = "mutation($i: ProviderSecretsInput!) { setProviderSecrets(input: $i) { client { slug providerSecrets { provider configured updatedAt } } errors { field message code } } }";
    private const string Read = "{ client { providerSecrets { provider configured updatedAt } } }";

    private static Dictionary<string, JsonElement> Statuses(JsonElement client) =>
        client.GetProperty("providerSecrets").EnumerateArray().ToDictionary(s => s.GetProperty("provider").GetString()!, s => s);

    [Fact]
    public async Task Set_and_remove_secrets_encrypted_and_say_only_which_are_configured()
    {
        var a = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        const string retell = "retell-webhook-key-123", calcom = "calcom-signing-secret";

        var (status, body) = await admin.GraphQLAsync(Set, new { i = new { retell, calcom } });

        Assert.Equal(HttpStatusCode.OK, status);
        var payload = Data(body, "setProviderSecrets");
        Assert.Empty(payload.GetProperty("errors").EnumerateArray());
        var statuses = Statuses(payload.GetProperty("client"));
        Assert.Equal(["calcom", "messagebird", "retell", "sendgrid"], statuses.Keys.Order().ToArray());
        Assert.True(statuses["retell"].GetProperty("configured").GetBoolean());
        Assert.True(statuses["calcom"].GetProperty("configured").GetBoolean());
        Assert.False(statuses["messagebird"].GetProperty("configured").GetBoolean());
        Assert.Equal(JsonValueKind.Null, statuses["messagebird"].GetProperty("updatedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, statuses["retell"].GetProperty("updatedAt").ValueKind);
        Assert.DoesNotContain(retell, body.ToString());
        // encrypted at rest
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE protected LIKE '%{retell}%'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{a.Id}' AND provider = 'retell'"));
        // the webhook verification reads the same value
        var stored = await fixture.InTenantAsync(a, sp => sp.GetRequiredService<Core.Webhooks.ProviderSecrets>().GetAsync("retell", default));
        Assert.Equal(retell, stored);

        // an empty string removes one; absent leaves the others
        var (_, removed) = await admin.GraphQLAsync(Set, new { i = new { calcom = "" } });
        var after = Statuses(Data(removed, "setProviderSecrets").GetProperty("client"));
        Assert.False(after["calcom"].GetProperty("configured").GetBoolean());
        Assert.True(after["retell"].GetProperty("configured").GetBoolean());
        Assert.True(await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'provider_secrets.set' AND client_id = '{a.Id}' AND detail = 'calcom removed'") == 1);
    }

    [Fact]
    public async Task Change_nothing_when_any_secret_is_bad()
    {
        var a = await fixture.CreateTenantAsync();
        using var admin = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        var before = await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{a.Id}'");

        var (_, body) = await admin.GraphQLAsync(Set, new { i = new { retell = "short", calcom = "a-good-calcom-secret", messagebird = new string('m', 1001) } });

        var payload = Data(body, "setProviderSecrets");
        Assert.Equal(["messagebird:VALIDATION", "retell:VALIDATION"], UserErrors(payload).Order().ToArray());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("client").ValueKind);
        Assert.Equal(before, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{a.Id}'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{a.Id}' AND provider = 'calcom'"));
    }

    [Fact]
    public async Task Refuse_secrets_to_a_client_user_a_partner_token_and_keep_other_clients_apart()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var plain = await CreateClientUserAsync(fixture, a);
        using var user = await SessionAsync(fixture, a.Slug, plain);
        Assert.Equal("FORBIDDEN", Code((await user.GraphQLAsync(Set, new { i = new { retell = "retell-webhook-key" } })).Body));
        var (_, read) = await user.GraphQLAsync(Read);
        Assert.Equal("FORBIDDEN", Code(read));
        using var api = fixture.Api.CreateClient(a.Slug);
        Assert.Equal("FORBIDDEN", Code((await api.GraphQLAsync(Set, new { i = new { retell = "retell-webhook-key" } }, await TokenAsync(fixture, a))).Body));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GraphQLAsync(Set, new { i = new { retell = "retell-webhook-key" } })).Status);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{a.Id}' AND provider = 'retell'"));

        // A's admin sets A's; B keeps only its own (TestData gave it sendgrid)
        using var adminA = await SessionAsync(fixture, a.Slug, a.AdminEmail);
        await adminA.GraphQLAsync(Set, new { i = new { retell = "retell-webhook-key" } });
        using var adminB = await SessionAsync(fixture, b.Slug, b.AdminEmail);
        var bStatuses = Statuses(Data((await adminB.GraphQLAsync(Read)).Body, "client"));
        Assert.False(bStatuses["retell"].GetProperty("configured").GetBoolean());
        Assert.True(bStatuses["sendgrid"].GetProperty("configured").GetBoolean());
    }
}
