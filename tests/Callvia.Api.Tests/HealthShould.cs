using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>/health is ready only with PostgreSQL and Redis reachable: Aspire's client integrations register their checks, and /health runs every check.</summary>
[Collection(ApiCollection.Name)]
public sealed class HealthShould(ApiFixture fixture)
{
    [Fact]
    public async Task Check_PostgreSQL_and_Redis_through_Aspires_integrations()
    {
        var names = fixture.Api.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name).ToList();
        Assert.Contains(names, n => n.Contains("PostgreSql", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(names, n => n.Contains("Redis", StringComparison.OrdinalIgnoreCase));

        using var http = new HttpClient { BaseAddress = fixture.Api.BareUri };
        var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
