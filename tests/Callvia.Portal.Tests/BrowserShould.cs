using Callvia.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Callvia.Portal.Tests;

/// <summary>A real browser (Debian's Chromium, driven by Playwright) against the running portal.</summary>
[Collection(PortalCollection.Name)]
public sealed class BrowserShould(PortalFixture fixture)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task Sign_in_on_the_tenants_address_and_show_its_campaigns_only()
    {
        var a = await fixture.CreateTenantAsync("Acme Browser " + Guid.NewGuid().ToString("N")[..4]);
        var b = await fixture.CreateTenantAsync("Globex Browser " + Guid.NewGuid().ToString("N")[..4]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var page = await browser.NewPageAsync();

        // Chromium resolves *.localhost to the loopback address itself.
        await page.GotoAsync(fixture.Portal.HostUri(a.Slug).ToString());
        Assert.Contains("/account/sign-in", page.Url);
        await page.FillAsync("input[name=Email]", a.AdminEmail);
        await page.FillAsync("input[name=Password]", a.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=campaigns]");

        Assert.Equal(a.Name, await page.InnerTextAsync("[data-testid=client-name]"));
        var table = await page.InnerTextAsync("[data-testid=campaigns]");
        Assert.All(a.CampaignNames, name => Assert.Contains(name, table));
        var text = await page.InnerTextAsync("body");
        Assert.DoesNotContain(b.Name, text);
        Assert.All(b.CampaignNames, name => Assert.DoesNotContain(name, text));

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "tenant-home.png"), FullPage = true });

        // The same browser on B's address is not signed in there.
        await page.GotoAsync(fixture.Portal.HostUri(b.Slug).ToString());
        Assert.Contains("/account/sign-in", page.Url);
    }
}
