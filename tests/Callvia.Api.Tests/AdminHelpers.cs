using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Callvia.Core.Identity;
using Callvia.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Api.Tests;

/// <summary>Sessions and tokens of each kind of caller, for the administration tests.</summary>
internal static class AdminHelpers
{
    /// <summary>Signs in on the portal at <paramref name="slug"/>'s host and returns an API client carrying that session.</summary>
    public static async Task<HttpClient> SessionAsync(ApiFixture fixture, string slug, string email, string password = TestData.Password)
    {
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(slug, cookies);
        var signIn = await portal.SignInAsync(email, password);
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {email} on {slug} failed: {signIn.StatusCode}");
        return fixture.Api.CreateClient(slug, cookies);
    }

    public static async Task<HttpClient> AgencySessionAsync(ApiFixture fixture, string slug = "admin")
    {
        await TestData.EnsureAgencyAdminAsync(fixture.Services);
        return await SessionAsync(fixture, slug, TestData.AgencyAdminEmail);
    }

    /// <summary>A plain client_user of the tenant; returns the email.</summary>
    public static Task<string> CreateClientUserAsync(ApiFixture fixture, TestTenant tenant) => fixture.CreateClientUserAsync(tenant);

    /// <summary>A new tenant, a client on its host of <paramref name="app"/> and a token of its partner application.</summary>
    public static async Task<(TestTenant Tenant, HttpClient Api, string Token)> PartnerTenantAsync(CallviaFixture fixture, RunningApp app)
    {
        var tenant = await fixture.CreateTenantAsync();
        var api = app.CreateClient(tenant.Slug);
        var (token, error) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        Xunit.Assert.True(token is not null, error);
        return (tenant, api, token!);
    }

    public static async Task<string> TokenAsync(ApiFixture fixture, TestTenant tenant)
    {
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, error) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        return token ?? throw new InvalidOperationException("no token: " + error);
    }

    /// <summary>POST /graphql with extra headers (e.g. X-Callvia-Act-As).</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> GraphQLWithAsync(this HttpClient api, string query, object? variables,
        IDictionary<string, string> headers, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrEmpty(text) ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    public static string? Code(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0
            ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    public static JsonElement Data(JsonElement body, string field) => body.GetProperty("data").GetProperty(field);

    /// <summary>The payload's user errors as "field:code".</summary>
    public static string[] UserErrors(JsonElement payload) =>
        payload.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}:{e.GetProperty("code").GetString()}").ToArray();

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
