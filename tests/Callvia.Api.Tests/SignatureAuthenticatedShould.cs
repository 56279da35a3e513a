using System.Net;
using Callvia.Api.Webhooks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>
/// Endpoints marked as signature-authenticated skip the authentication and authorization middleware, so the
/// mark must stay on the provider webhooks, which check a signature before storing anything, and nowhere else.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SignatureAuthenticatedShould(ApiFixture fixture)
{
    [Fact]
    public void Mark_the_provider_webhooks_only()
    {
        var marked = fixture.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<SignatureAuthenticated>() is not null)
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Order()
            .ToArray();
        Assert.Equal(["api/webhooks/calcom", "api/webhooks/messagebird", "api/webhooks/retell", "api/webhooks/sendgrid", "api/webhooks/stripe"], marked);
    }

    [Fact]
    public async Task Still_guard_every_other_endpoint()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        // the API's own endpoints still demand a caller
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/settings/provider-secrets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("/graphql", new StringContent("{\"query\":\"{ client { id } }\"}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        // a webhook with no signature is refused by its own check
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("/api/webhooks/retell", new StringContent("{}"))).StatusCode);
    }
}
