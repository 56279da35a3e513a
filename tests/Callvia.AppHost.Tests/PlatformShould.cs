using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.AppHost.Tests;

/// <summary>
/// The whole platform started through the AppHost (orchestrator, PostgreSQL and Redis as executables from the
/// machine's binaries, migrations with demo data, the three services), checked from outside: every service healthy,
/// a partner token, one GraphQL query inside a tenant.
/// </summary>
public sealed class PlatformShould
{
    [Fact]
    public async Task Start_through_the_AppHost_and_answer_a_partner_from_outside()
    {
        var data = Path.Combine(Path.GetTempPath(), "callvia-apphost-" + Guid.NewGuid().ToString("N")[..8]);
        var partnerSecret = "partner-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Callvia_AppHost>(
            [
                "--Callvia:LocalInfrastructure=executables", $"--Callvia:DataDirectory={data}",
                "--Callvia:PostgresPort=55472", "--Callvia:RedisPort=56419", "--Callvia:PostgresSharedBuffers=128MB",
                $"--Parameters:postgres-password={Secret()}", $"--Parameters:callvia-app-password={Secret()}",
                $"--Parameters:auth-token-key={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
                "--Parameters:demo-password=Demo-" + Secret()[..8], $"--Parameters:partner-secret={partnerSecret}",
            ]);
            await using var app = await builder.BuildAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await app.StartAsync(timeout.Token);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var service in new[] { "api", "jobs", "portal", "sandbox" })
                await notifications.WaitForResourceHealthyAsync(service, timeout.Token);

            using var api = app.CreateHttpClient("api");
            var host = $"acme.localhost:{api.BaseAddress!.Port}";
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials", ["client_id"] = "acme-partner", ["client_secret"] = partnerSecret,
                }),
            };
            tokenRequest.Headers.Host = host;
            using var tokenResponse = await api.SendAsync(tokenRequest, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("access_token").GetString();

            using var query = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query = "{ client { name } campaigns { nodes { name status dialer { state } } } }" }) };
            query.Headers.Host = host;
            query.Headers.Authorization = new("Bearer", token);
            using var answer = await api.SendAsync(query, timeout.Token);
            var body = await answer.Content.ReadAsStringAsync(timeout.Token);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("Acme Dental", body);
            Assert.Contains("Spring reactivation", body);
            Assert.DoesNotContain("Globex", body);
            // no Retell key given: the sandbox simulator is the dialer's Retell, and the active campaign says its calls are simulated
            var active = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("campaigns").GetProperty("nodes").EnumerateArray()
                .Single(c => c.GetProperty("status").GetString() == "ACTIVE");
            Assert.StartsWith("Calling in the sandbox", active.GetProperty("dialer").GetProperty("state").GetString());
            using var sandbox = app.CreateHttpClient("sandbox");
            Assert.Contains("Retell (sandbox)", await sandbox.GetStringAsync("/", timeout.Token));

            // the portal and the jobs dashboard answer on their hosts too
            using var portal = app.CreateHttpClient("portal");
            using var signIn = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
            signIn.Headers.Host = $"acme.localhost:{portal.BaseAddress!.Port}";
            Assert.Equal(HttpStatusCode.OK, (await portal.SendAsync(signIn, timeout.Token)).StatusCode);
            using var nobody = new HttpRequestMessage(HttpMethod.Get, "/");
            nobody.Headers.Host = $"nobody.localhost:{portal.BaseAddress!.Port}";
            Assert.Equal(HttpStatusCode.NotFound, (await portal.SendAsync(nobody, timeout.Token)).StatusCode);
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    private static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
