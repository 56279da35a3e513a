using Callvia.Jobs.Hosting;
using Callvia.Portal.Hosting;
using Callvia.Testing;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>The jobs service (Hangfire server included) and the portal (for session cookies), running for real.</summary>
public sealed class JobsFixture : CallviaFixture
{
    public RunningApp Jobs { get; private set; } = null!;
    public RunningApp Portal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestData.EnsureAgencyAdminAsync(Services);
        Jobs = await StartAsync(JobsApp.Build, new Dictionary<string, string?> { ["Jobs:Workers"] = "2", ["Jobs:Dispatch"] = "false", ["Dialer:Enabled"] = "false", ["Jobs:SendMessages"] = "false", ["Jobs:Billing"] = "false" } /* tests here process events themselves */);
        Portal = await StartAsync(PortalApp.Build);
    }

    public override async Task DisposeAsync()
    {
        if (Jobs is not null) await Jobs.DisposeAsync();
        if (Portal is not null) await Portal.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class JobsCollection : ICollectionFixture<JobsFixture>
{
    public const string Name = "jobs";
}
