using Callvia.Portal.Hosting;
using Callvia.Testing;
using Xunit;

namespace Callvia.Portal.Tests;

public sealed class PortalFixture : CallviaFixture
{
    public RunningApp Portal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestData.EnsureAgencyAdminAsync(Services);
        Portal = await StartAsync(PortalApp.Build);
    }

    public override async Task DisposeAsync()
    {
        if (Portal is not null) await Portal.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
