using Callvia.Core.Tenancy;
using Callvia.Testing;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Jobs.Tests;

[Collection(JobsCollection.Name)]
public sealed class TenantJobsShould(JobsFixture fixture)
{
    [Fact]
    public async Task Run_a_job_inside_the_tenant_that_created_it()
    {
        var a = await fixture.CreateTenantAsync();
        await fixture.CreateTenantAsync(); // a second tenant whose campaigns must stay invisible
        var key = Guid.NewGuid().ToString("N");
        using (AmbientTenant.Use(a.Id))
            Client.Enqueue<TenantProbeJob>(j => j.RunAsync(key));

        var seen = await WaitForAsync(key);

        Assert.Equal(a.Id, seen.ClientId);
        Assert.Equal(a.Id, seen.AmbientClientId);
        Assert.Equal(a.CampaignIds.Order(), seen.Campaigns.Order());
        Assert.Equal(a.CampaignIds.Count, seen.RawCampaignRows);
    }

    [Fact]
    public async Task Run_a_job_created_outside_any_tenant_with_no_tenant_and_no_rows()
    {
        await fixture.CreateTenantAsync();
        var key = Guid.NewGuid().ToString("N");
        Client.Enqueue<TenantProbeJob>(j => j.RunAsync(key));

        var seen = await WaitForAsync(key);

        Assert.Null(seen.ClientId);
        Assert.Empty(seen.Campaigns);
        Assert.Equal(0, seen.RawCampaignRows);
    }

    [Fact]
    public void Store_the_tenant_with_the_job()
    {
        var a = Guid.NewGuid();
        string id;
        using (AmbientTenant.Use(a))
            id = Client.Schedule<TenantProbeJob>(j => j.RunAsync("never"), TimeSpan.FromDays(1));
        using var connection = fixture.Jobs.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Equal($"\"{a}\"", connection.GetJobParameter(id, Jobs.Tenancy.TenantJobFilter.ParameterName));
        Client.Delete(id);
    }

    private IBackgroundJobClient Client => fixture.Jobs.Services.GetRequiredService<IBackgroundJobClient>();

    /// <summary>Waits for the worker to report (Hangfire polls its queue every second).</summary>
    private static async Task<TenantProbeJob.Seen> WaitForAsync(string key)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!TenantProbeJob.Observations.ContainsKey(key))
            await Task.Delay(100, timeout.Token);
        return TenantProbeJob.Observations[key];
    }
}
