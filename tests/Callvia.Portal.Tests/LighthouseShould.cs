using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Callvia.Testing;
using Callvia.Web.Identity;
using Xunit;

namespace Callvia.Portal.Tests;

/// <summary>
/// Lighthouse (npm, 12.x: it runs on the machine's Node 20) on Debian's Chromium against the running portal, signed in:
/// the dashboard, the leads and the appointments pages score accessibility ≥ 95, performance ≥ 90, best practices ≥ 90.
/// Each report is kept beside the screenshots (lighthouse-*.json).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LighthouseShould(PortalFixture fixture)
{
    private static readonly string Folder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "browser"));

    [Theory]
    [InlineData("dashboard", "")]
    [InlineData("leads", "leads")]
    [InlineData("appointments", "appointments")]
    public async Task Score_the_main_screens_at_least_95_90_90(string name, string path)
    {
        var tenant = await fixture.CreateTenantAsync("Lighthouse " + Guid.NewGuid().ToString("N")[..4]);
        var cookies = new CookieContainer();
        using (var portal = fixture.Portal.CreateClient(tenant.Slug, cookies))
            Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(tenant.AdminEmail, tenant.Password)).StatusCode);
        var session = cookies.GetCookies(fixture.Portal.HostUri(tenant.Slug))[IdentityRegistration.SessionCookieName]!;
        var url = fixture.Portal.HostUri(tenant.Slug) + path;

        var report = await RunAsync(url, $"{session.Name}={session.Value}");
        Directory.CreateDirectory(BrowserKit.Shots);
        await File.WriteAllTextAsync(Path.Combine(BrowserKit.Shots, $"lighthouse-{name}.json"), report.GetRawText());
        Assert.Equal(url, report.GetProperty("finalDisplayedUrl").GetString()); // signed in: not sent to the sign-in page
        var categories = report.GetProperty("categories");
        double Score(string category) => categories.GetProperty(category).GetProperty("score").GetDouble() * 100;
        var (accessibility, performance, practices) = (Score("accessibility"), Score("performance"), Score("best-practices"));
        Assert.True(accessibility >= 95 && performance >= 90 && practices >= 90,
            $"{name}: accessibility {accessibility}, performance {performance}, best practices {practices}; failing audits: {Failing(report)}");
    }

    private static string Failing(JsonElement report) => string.Join(", ", report.GetProperty("audits").EnumerateObject()
        .Where(a => a.Value.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number && s.GetDouble() < 0.9
                    && a.Value.GetProperty("scoreDisplayMode").GetString() is "binary" or "numeric" or "metricSavings")
        .Select(a => $"{a.Name} ({a.Value.GetProperty("score").GetDouble():0.##})"));

    private static async Task<JsonElement> RunAsync(string url, string cookie)
    {
        var cli = Path.Combine(Folder, "node_modules", "lighthouse", "cli", "index.js");
        Assert.True(File.Exists(cli), $"Lighthouse is installed by scripts/test.sh (npm ci in {Folder}): {cli}");
        var info = new ProcessStartInfo("node",
        [
            cli, url, "--quiet", "--output=json", "--output-path=stdout", "--only-categories=performance,accessibility,best-practices",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run",
            "--extra-headers=" + JsonSerializer.Serialize(new Dictionary<string, string> { ["Cookie"] = cookie }),
            "--max-wait-for-load=20000",
        ])
        {
            WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { ["CHROME_PATH"] = "/usr/bin/chromium" },
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"lighthouse exited {process.ExitCode}: {await errors}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }
}
