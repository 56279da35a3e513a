using Callvia.Jobs.Dialer;
using Callvia.Web.Identity;
using Callvia.Web;
using Callvia.Web.Tenancy;
using Callvia.Core;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Jobs.Tenancy;
using Callvia.Jobs.Hosting;
using Callvia.Core.Tenancy;
using Hangfire;
using Microsoft.AspNetCore.Identity;

namespace Callvia.Jobs.Hosting;

public static class JobsApp
{
    /// <summary>Builds the jobs service; tests pass <paramref name="configure"/> to adjust configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CallviaWebHost.CreateBuilder(typeof(JobsApp), args, configure);
        builder.Services.AddCallviaIdentity(browserRedirects: false);
        builder.Services.AddAuthorizationBuilder().AddCallviaPolicies(IdentityConstants.ApplicationScheme);
        builder.AddCallviaHangfire(runServer: true);
        if (builder.Configuration.GetValue("Jobs:Dispatch", true))
            builder.Services.AddHostedService<Jobs.Webhooks.WebhookEventDispatcher>();
        builder.Services.AddCallviaDialer(run: builder.Configuration.GetValue("Dialer:Enabled", true));
        builder.Services.AddSingleton<Jobs.Messaging.ScheduledMessageDispatcher>();
        if (builder.Configuration.GetValue("Jobs:SendMessages", true))
            builder.Services.AddHostedService<Jobs.Messaging.ScheduledMessageService>();

        var app = builder.Build();
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<Jobs.Webhooks.WebhookEventSweep>(
            Jobs.Webhooks.WebhookEventSweep.RecurringId, j => j.RunAsync(TimeSpan.FromSeconds(30), CancellationToken.None), Cron.Minutely());
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<Jobs.Messaging.InterruptedMessageSweep>(
            Jobs.Messaging.InterruptedMessageSweep.RecurringId, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
        // Jobs:VerifyAppointments=false (the reminders benchmark, which runs the sweep alone) leaves it unscheduled
        if (app.Configuration.GetValue("Jobs:VerifyAppointments", true))
            app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<Jobs.Appointments.VerificationSweep>(
                Jobs.Appointments.VerificationSweep.RecurringId, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
        else app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(Jobs.Appointments.VerificationSweep.RecurringId);
        if (app.Configuration.GetValue("Jobs:Billing", true))
        {
            app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<Jobs.Billing.MonthCloseSweep>(
                Jobs.Billing.MonthCloseSweep.RecurringId, j => j.RunAsync(CancellationToken.None), "*/15 * * * *");
            app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<Jobs.Billing.InvoiceIssueSweep>(
                Jobs.Billing.InvoiceIssueSweep.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        }
        else
        {
            app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(Jobs.Billing.MonthCloseSweep.RecurringId);
            app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(Jobs.Billing.InvoiceIssueSweep.RecurringId);
        }
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        WebhookDashboardMetrics.Add();
        // Agency admins only: the portal's session cookie (same key ring) is read here.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Callvia jobs",
        }).RequireAuthorization(CallviaPolicies.Agency);
        return app;
    }
}
