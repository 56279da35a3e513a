using Callvia.Core;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Webhooks;
using Callvia.Jobs.Messaging;
using Callvia.Testing;
using Callvia.Testing.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Callvia.Jobs.Tests;

/// <summary>
/// Jobs-service instances for the messaging tests: real hosts (Core and the message dispatcher, each its own DI container
/// and connection pool) on one injected clock, with fake MessageBird and SendGrid servers on loopback speaking the
/// contracts, against the real PostgreSQL; bookings applied as Cal.com webhooks, as in production. Each test class starts
/// its clock in its own stretch of 2026, before anything other tests schedule with the real clock.
/// </summary>
public abstract class JobsInstances(JobsFixture fixture, DateTimeOffset start) : IAsyncLifetime
{
    protected readonly JobsFixture Fixture = fixture;
    protected readonly FakeTimeProvider Clock = new(start);
    protected readonly List<IHost> Hosts = [];
    protected FakeMessageBird Sms = null!;
    protected FakeSendGrid Email = null!;
    protected FakeStripe Stripe = null!;

    public async Task InitializeAsync()
    {
        Sms = await FakeMessageBird.StartNewAsync();
        Email = await FakeSendGrid.StartNewAsync();
        Stripe = await FakeStripe.StartNewAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var h in Hosts)
        {
            await h.StopAsync();
            h.Dispose();
        }
        await Sms.DisposeAsync();
        await Email.DisposeAsync();
        await Stripe.DisposeAsync();
    }

    // ---- helpers

    /// <summary>Sends everything due now (what earlier tests left due too: a take is at most a batch).</summary>
    protected async Task SendDueAsync()
    {
        while (await Dispatcher(0).RunOnceAsync(default) > 0) { }
    }

    /// <summary>Sends everything due a second before <paramref name="at"/>, then sets the clock to it.</summary>
    protected async Task DrainUntilAsync(string at)
    {
        Clock.SetUtcNow(DateTimeOffset.Parse(at).AddSeconds(-1));
        while (await Dispatcher(0).RunOnceAsync(default) > 0) { }
        Clock.SetUtcNow(DateTimeOffset.Parse(at));
    }


    protected async Task<(IHost Host, TestTenant Tenant)> HostAndTenantAsync()
    {
        if (Hosts.Count == 0) await DispatcherAsync();
        return (Hosts[0], await Fixture.CreateTenantAsync());
    }

    /// <summary>A jobs-service instance: Core and the message dispatcher, its own container and pool, the fakes configured.</summary>
    /// <param name="stripe">False: an instance without Stripe keys (its invoices are simulated).</param>
    protected async Task<ScheduledMessageDispatcher> DispatcherAsync(bool stripe = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(Fixture.Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:MessageBird:BaseUrl"] = Sms.BaseUrl, ["Messaging:MessageBird:AccessKey"] = Sms.AccessKey,
            ["Messaging:MessageBird:Originator"] = "+14155550100", ["Messaging:MessageBird:Timeout"] = "00:00:02",
            ["Messaging:SendGrid:BaseUrl"] = Email.BaseUrl, ["Messaging:SendGrid:ApiKey"] = Email.ApiKey,
            ["Messaging:SendGrid:FromEmail"] = "noreply@callvia.test",
            ["Billing:Stripe:ApiKey"] = stripe ? Stripe.ApiKey : null, ["Billing:Stripe:ApiBase"] = Stripe.BaseUrl,
            ["Billing:Stripe:Timeout"] = "00:00:02", ["Billing:Stripe:NetworkRetries"] = "0",
        });
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.AddCallviaCore();
        builder.Services.AddSingleton<ScheduledMessageDispatcher>();
        builder.Services.AddTransient<Jobs.Billing.MonthCloseSweep>();
        builder.Services.AddTransient<Jobs.Billing.InvoiceIssueSweep>();
        var host = builder.Build();
        await host.StartAsync();
        Hosts.Add(host);
        return host.Services.GetRequiredService<ScheduledMessageDispatcher>();
    }

    protected ScheduledMessageDispatcher Dispatcher(int i) => Hosts[i].Services.GetRequiredService<ScheduledMessageDispatcher>();

    protected async Task<T> InHostAsync<T>(IHost host, TestTenant tenant, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var info = await scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantStore>().FindByIdAsync(tenant.Id);
        scope.ServiceProvider.GetRequiredService<Core.Tenancy.TenantContext>().SetTenant(info!);
        return await work(scope.ServiceProvider);
    }

    protected Task<Guid> LeadAsync(TestTenant tenant, string phone, string zone, string? email) => InHostAsync(Hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var lead = new Lead { CampaignId = tenant.CampaignIds[1], PhoneE164 = phone, PhoneRaw = phone, Email = email, FirstName = "Dana", TimeZone = zone };
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
        return lead.Id;
    });

    protected Task BookAsync(TestTenant tenant, string trigger, string uid, string start, Guid lead, string? rescheduleUid = null,
        string? rescheduleStart = null, string? location = null) =>
        ApplyAsync(tenant, trigger, CalcomEvents.Booking(trigger, uid, start, lead.ToString(), rescheduleUid: rescheduleUid,
            rescheduleStart: rescheduleStart, location: location));

    /// <summary>A Cal.com event stored and processed as the jobs service does it, on the instances' clock.</summary>
    protected async Task ApplyAsync(TestTenant tenant, string trigger, string body)
    {
        var id = await InHostAsync(Hosts[0], tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("calcom", Guid.NewGuid().ToString("N"), trigger, body, default));
        await InHostAsync(Hosts[0], tenant, async sp =>
        {
            await sp.GetRequiredService<WebhookEventProcessor>().ProcessAsync(id!.Value, default);
            return 0;
        });
    }

    /// <summary>The messages of the tenant's appointments whose booking uid starts with <paramref name="prefix"/>, in the order they are due.</summary>
    protected Task<List<Message>> MessagesAsync(TestTenant tenant, string prefix) => InHostAsync(Hosts[0], tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        var rows = await db.Messages.AsNoTracking()
            .Where(m => db.Appointments.Any(a => a.Id == m.AppointmentId && a.ProviderBookingUid.StartsWith(prefix))).ToListAsync();
        return rows.OrderBy(m => m.ScheduledFor).ThenBy(m => m.Channel).ToList();
    });
}
