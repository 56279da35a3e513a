using Callvia.Api.Hosting;
using Callvia.Portal.Hosting;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>The API and the portal running for real against the fixture's database (the portal issues session cookies).</summary>
public sealed class ApiFixture : CallviaFixture
{
    public RunningApp Api { get; private set; } = null!;
    public RunningApp Portal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // a small file limit, so that the 413 test needs only a few megabytes
        Api = await StartAsync(ApiApp.Build, new Dictionary<string, string?> { ["Leads:Import:MaxBytes"] = (2 * 1024 * 1024).ToString(), ["Stripe:WebhookSecret"] = StripeEvents.Secret });
        Portal = await StartAsync(PortalApp.Build);
        // OpenIddict's first request takes seconds to warm up: pay it here, not in a test.
        var warm = await CreateTenantAsync();
        using var client = Api.CreateClient(warm.Slug);
        await client.RequestTokenAsync(warm.PartnerClientId, warm.PartnerSecret);
    }

    public override async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Portal is not null) await Portal.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
