using System.Security.Claims;
using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Identity;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Callvia.Testing;

public sealed record TestTenant(
    Guid Id, string Slug, string Name, IReadOnlyList<Guid> CampaignIds, IReadOnlyList<string> CampaignNames,
    string AdminEmail, string Password, string PartnerClientId, string PartnerSecret);

/// <summary>
/// Makes a tenant with a row in every tenant-owned table (so isolation tests have something to hide),
/// through the same audited agency path and Identity/OpenIddict managers the services use.
/// </summary>
public static class TestData
{
    public const string Password = "Test-password-1";
    public const string AgencyAdminEmail = "agency@callvia.test";

    public static async Task<TestTenant> CreateTenantAsync(IServiceProvider services, string? name = null)
    {
        var slug = "t" + Guid.NewGuid().ToString("N")[..10];
        name ??= "Client " + slug;
        var campaignNames = new[] { $"{name} spring", $"{name} autumn" };
        var partnerSecret = "secret-" + Guid.NewGuid().ToString("N");
        var adminEmail = $"admin@{slug}.test";
        var agency = services.GetRequiredService<AgencyAccess>();
        var result = await agency.RunAsync("test.create_tenant", async (db, sp) =>
        {
            var now = DateTimeOffset.UtcNow;
            var client = new Client { Slug = slug, Name = name, StripeCustomerId = "cus_" + slug };
            db.Clients.Add(client);
            var campaigns = campaignNames.Select(n => new Campaign { ClientId = client.Id, Name = n, Status = CampaignStatus.Active }).ToList();
            db.Campaigns.AddRange(campaigns);
            var lead = new Lead { ClientId = client.Id, CampaignId = campaigns[0].Id, FirstName = "Lee", LastName = slug,
                PhoneE164 = "+1202555" + Random.Shared.Next(1000, 9999), PhoneRaw = "(202) 555-0100", Email = $"lee@{slug}.test" };
            db.Leads.Add(lead);
            var call = new CallLog { ClientId = client.Id, CampaignId = campaigns[0].Id, LeadId = lead.Id, ProviderCallId = "call_" + slug,
                Status = CallStatus.Ended, StartedAt = now.AddMinutes(-5), EndedAt = now, DurationSeconds = 300 };
            db.CallLogs.Add(call);
            db.DialAttempts.Add(new Callvia.Core.Dialer.DialAttempt { ClientId = client.Id, CampaignId = campaigns[0].Id, LeadId = lead.Id, Number = 1,
                PhoneE164 = lead.PhoneE164, State = Callvia.Core.Dialer.DialState.Ended, ProviderCallId = call.ProviderCallId, LeaseUntil = now, EndedAt = now });
            var invoice = new Invoice { ClientId = client.Id, Kind = InvoiceKind.Milestone, StripeInvoiceId = "in_" + slug, AmountCents = 200000, StripeStep = InvoiceStep.Sent };
            db.Invoices.Add(invoice);
            db.UsageRecords.Add(new UsageRecord { ClientId = client.Id, CallLogId = call.Id, Seconds = 300, RatePerMinute = 0.2m, Cost = 1m, OccurredAt = now, InvoiceId = invoice.Id });
            var appointment = new Appointment { ClientId = client.Id, LeadId = lead.Id, ProviderBookingUid = "bk_" + slug, StartsAt = now.AddDays(1), EndsAt = now.AddDays(1).AddMinutes(30) };
            db.Appointments.Add(appointment);
            db.Messages.Add(new Message { ClientId = client.Id, LeadId = lead.Id, AppointmentId = appointment.Id, Kind = MessageKinds.Reminder24h,
                Channel = MessageChannel.Sms, ToAddress = lead.PhoneE164, Body = "See you tomorrow", ScheduledFor = now.AddHours(1) });
            db.Suppressions.Add(new Suppression { ClientId = client.Id, PhoneE164 = "+12025550199", Source = "manual" });
            db.MessageTemplates.Add(new MessageTemplate { ClientId = client.Id, Kind = MessageKinds.Rebook3, Channel = MessageChannel.Sms, Body = "Last call, {{first_name}}: {{booking_link}}" });
            db.EmailBounces.Add(new EmailBounce { ClientId = client.Id, Email = $"bounced@{slug}.test", Reason = "seeded" });
            var milestone = new Milestone { ClientId = client.Id, Number = 1, ShownCount = 25, Amount = 2000m, InvoiceId = invoice.Id, ReachedAt = now };
            db.Milestones.Add(milestone);
            db.InvoiceLines.Add(new InvoiceLine { ClientId = client.Id, InvoiceId = invoice.Id, Position = 1, Description = "Milestone 1", AmountCents = 200000, Cost = 2000m });
            // a ledger entry that no longer counts (the appointment is booked) and held no place: a row to hide, changing no count
            db.MilestoneEntries.Add(new MilestoneEntry { ClientId = client.Id, AppointmentId = appointment.Id,
                Source = VerificationSource.Lead, VerifiedAt = now, VerifiedBy = "test", EnteredAt = now, RemovedAt = now, RemovedReason = "seeded" });
            db.Events.Add(new WebhookEvent { ClientId = client.Id, Provider = "retell", ProviderEventKey = "evt_" + slug, EventType = "call_ended", Payload = "{}", ReceivedAt = now });
            var import = new Core.Leads.Import.LeadImport { ClientId = client.Id, CampaignId = campaigns[0].Id, Status = Core.Leads.Import.LeadImportStatus.Completed, RowsRead = 2, Imported = 1, Rejected = 1 };
            db.LeadImports.Add(import);
            db.LeadImportIssues.Add(new Core.Leads.Import.LeadImportIssue { ClientId = client.Id, ImportId = import.Id, Line = 3, Kind = Core.Leads.Import.LeadImportIssueKind.Rejected, Reason = "phone is missing" });
            db.ProviderSecrets.Add(new Core.Webhooks.ProviderSecret { ClientId = client.Id, Provider = "sendgrid", Protected = "not-a-real-ciphertext" });
            db.AuditLog.Add(new Core.Auditing.AuditEntry { ClientId = client.Id, Actor = "test", Action = "test.tenant_row", At = now });
            await db.SaveChangesAsync();

            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var admin = new AppUser { UserName = adminEmail, Email = adminEmail, EmailConfirmed = true, ClientId = client.Id, DisplayName = name + " admin" };
            Check(await users.CreateAsync(admin, Password));
            Check(await users.AddToRoleAsync(admin, Roles.ClientAdmin));
            Check(await users.AddClaimAsync(admin, new Claim("test", slug)));
            Check(await users.AddLoginAsync(admin, new UserLoginInfo("test", slug, "Test")));
            Check(await users.SetAuthenticationTokenAsync(admin, "test", "token", slug));

            await sp.GetRequiredService<PartnerApps>().EnsureAsync(slug + "-partner", partnerSecret, name + " partner", client.Id);
            var applications = sp.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(slug + "-partner");
            var applicationId = await applications.GetIdAsync(application!);
            var authorizations = sp.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
            {
                ApplicationId = applicationId, Subject = slug, Status = OpenIddictConstants.Statuses.Valid,
                Type = OpenIddictConstants.AuthorizationTypes.AdHoc, CreationDate = now,
            });
            await sp.GetRequiredService<IOpenIddictTokenManager>().CreateAsync(new OpenIddictTokenDescriptor
            {
                ApplicationId = applicationId, AuthorizationId = await authorizations.GetIdAsync(authorization), Subject = slug,
                Status = OpenIddictConstants.Statuses.Valid, Type = OpenIddictConstants.TokenTypeHints.AccessToken, CreationDate = now,
            });
            return new TestTenant(client.Id, slug, name, campaigns.Select(c => c.Id).ToList(), campaignNames,
                adminEmail, Password, slug + "-partner", partnerSecret);
        }, actor: "test");
        return result;
    }

    /// <summary>The agency admin of the fixture's database (created once).</summary>
    public static async Task<string> EnsureAgencyAdminAsync(IServiceProvider services)
    {
        await services.GetRequiredService<AgencyAccess>().RunAsync("test.agency_admin", async (_, sp) =>
        {
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            if (await users.FindByEmailAsync(AgencyAdminEmail) is not null) return;
            var admin = new AppUser { UserName = AgencyAdminEmail, Email = AgencyAdminEmail, EmailConfirmed = true, DisplayName = "Agency" };
            Check(await users.CreateAsync(admin, Password));
            Check(await users.AddToRoleAsync(admin, Roles.AgencyAdmin));
        }, actor: "test");
        return AgencyAdminEmail;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
