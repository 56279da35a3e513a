using System.Net;
using System.Text;
using System.Text.Json;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// The API with clients nobody on the project wrote: graphql-js's standard introspection query (built by the npm
/// `graphql` package, its answer turned into a client schema and validated by the same package) and graphql-http's
/// GraphQL-over-HTTP server audits; and the media-type and status-code rules they check, asserted directly.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GraphQLConformanceShould(ApiFixture fixture)
{
    [Fact]
    public async Task Answer_graphql_js_introspection_query_with_a_schema_graphql_js_builds_and_validates()
    {
        var (tenant, token) = await PartnerAsync();

        var (exit, output, errors) = await NodeTools.RunAsync("introspection.mjs", fixture.Api.HostUri(tenant.Slug) + "graphql", token);

        Assert.True(exit == 0, $"introspection.mjs exited {exit}: {output} {errors}");
        var variants = Lines(output).ToDictionary(l => l.GetProperty("variant").GetString()!);
        Assert.True(variants["defaults"].GetProperty("ok").GetBoolean());
        var all = variants["all"];
        Assert.True(all.GetProperty("ok").GetBoolean(), all.ToString());
        Assert.True(all.GetProperty("types").GetInt32() > 40);
        // what current graphql-js asks for is answered, not only accepted: isRepeatable, specifiedByURL,
        // deprecated arguments behind args(includeDeprecated: true)
        Assert.Contains(all.GetProperty("directives").EnumerateArray(), d => d.GetProperty("name").GetString() == "deprecated" && !d.GetProperty("isRepeatable").GetBoolean());
        Assert.Contains("DateTime https://www.rfc-editor.org/rfc/rfc3339", all.GetProperty("specifiedBy").EnumerateArray().Select(s => s.GetString()));
        Assert.True(all.GetProperty("deprecatedArgs").GetArrayLength() > 0, "the deprecated flat arguments of calls/appointments are missing: " + all);
    }

    [Fact]
    public async Task Pass_graphql_http_server_audits()
    {
        var (tenant, token) = await PartnerAsync();

        var (exit, output, errors) = await NodeTools.RunAsync("audits.mjs", fixture.Api.HostUri(tenant.Slug) + "graphql", token);

        Assert.True(exit == 0, $"audits.mjs exited {exit}: {errors}");
        var audits = Lines(output).ToList();
        Assert.True(audits.Count > 40, output);
        // every MUST and SHOULD passes; MAY items may warn (they are options), but none may error
        var failed = audits.Where(a => a.GetProperty("status").GetString() switch
        {
            "ok" => false,
            "warn" => !a.GetProperty("name").GetString()!.StartsWith("MAY", StringComparison.Ordinal),
            _ => true,
        }).Select(a => a.ToString()).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    [Theory]
    // Accept                                                    media type answered
    [InlineData(null, "application/json")]                        // no Accept: application/json
    [InlineData("*/*", "application/json")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/graphql-response+json", "application/graphql-response+json")]
    [InlineData("application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json")]
    [InlineData("application/json, application/graphql-response+json;q=0.5", "application/json")]
    [InlineData("text/html", "application/json")]                 // nothing we serve: JSON rather than 406
    public async Task Answer_the_media_type_the_client_accepts(string? accept, string expected)
    {
        var (tenant, token) = await PartnerAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);

        using var ok = await PostAsync(api, token, "{ client { id } }", accept);
        using var invalid = await PostAsync(api, token, "{ client { noSuchField } }", accept);
        using var unparsable = await PostAsync(api, token, "{ client {", accept);

        Assert.Equal(expected, ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", ok.Content.Headers.ContentType?.CharSet);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(expected, invalid.Content.Headers.ContentType?.MediaType);
        // a well-formed request whose document does not validate or parse: 200 for application/json, 400 for the
        // GraphQL media type; the errors are in the body either way and nothing ran (no data entry)
        var status = expected == "application/json" ? HttpStatusCode.OK : HttpStatusCode.BadRequest;
        Assert.Equal(status, invalid.StatusCode);
        Assert.Equal(status, unparsable.StatusCode);
        foreach (var response in new[] { invalid, unparsable })
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.False(body.TryGetProperty("data", out _));
            Assert.NotEmpty(body.GetProperty("errors").EnumerateArray());
        }
    }

    [Fact]
    public async Task Keep_introspection_bounded()
    {
        var (tenant, token) = await PartnerAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);

        // lists of objects four deep (fields of the types of fields of ...): refused before it runs
        var (nested, nestedBody) = await api.GraphQLAsync("{ __type(name: \"Lead\") { fields { type { fields { type { fields { type { fields { name } } } } } } } } }", bearer: token);
        // introspection inside a data operation counts against the data limits as before (depth 14 here)
        var (mixed, mixedBody) = await api.GraphQLAsync("{ client { id } __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }", bearer: token);

        Assert.Equal(HttpStatusCode.BadRequest, nested);
        Assert.Contains("lists of objects", nestedBody.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, mixed);
        Assert.Contains("nested", mixedBody.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Theory]
    // query string                                        what the 400 names
    [InlineData("variables=not-json", "variables")]
    [InlineData("variables=%5B1%2C2%5D", "variables")]        // [1,2]: JSON, not an object
    [InlineData("variables=%22x%22", "variables")]            // "x"
    [InlineData("variables=%7B%22a%22%3A", "variables")]      // {"a": (truncated)
    [InlineData("extensions=42", "extensions")]
    public async Task Refuse_GET_parameters_that_are_not_JSON_objects_with_400(string parameters, string named)
    {
        var (tenant, token) = await PartnerAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=%7B%20client%20%7B%20id%20%7D%20%7D&" + parameters);
        request.Headers.Authorization = new("Bearer", token);

        using var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("message").GetString();
        Assert.Contains($"'{named}'", message);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient api, string token, string query, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await api.SendAsync(request);
    }

    private async Task<(TestTenant Tenant, string Token)> PartnerAsync()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        return (tenant, token!);
    }

    private static IEnumerable<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone());
}
