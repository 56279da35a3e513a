using Callvia.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Callvia.Portal.Tests;

/// <summary>The browser tests' tools: Debian's Chromium through Playwright, sign-in, screenshots with axe-core's check.</summary>
public static class BrowserKit
{
    private const string ChromiumPath = "/usr/bin/chromium";
    public static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task SignInAsync(IPage page, string email, string password = TestData.Password)
    {
        await page.FillAsync("input[name=Email]", email);
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("button[type=submit]");
    }

    public static Task SignInAsync(IPage page, TestTenant tenant) => SignInAsync(page, tenant.AdminEmail, tenant.Password);

    /// <summary>A screenshot of the screen, and axe-core's accessibility rules over it: no critical or serious violation.</summary>
    public static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
        await AssertAccessibleAsync(page, name);
    }

    public static readonly string Axe = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "browser", "node_modules", "axe-core", "axe.min.js"));

    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        Assert.True(File.Exists(Axe), $"axe-core is installed by scripts/test.sh (npm ci in tests/Callvia.Portal.Tests/browser): {Axe}");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
        var violations = await page.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'critical' || v.impact === 'serious')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')})`)
            """);
        Assert.True(violations.Length == 0, $"{name}: " + string.Join("; ", violations));
    }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>The browser and its Playwright driver, closed together.</summary>
    public sealed class Browser(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync() => browser.NewPageAsync();

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
