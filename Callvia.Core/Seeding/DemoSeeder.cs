using Callvia.Core.Appointments;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Callvia.Core.Seeding;

public sealed class DemoSeedOptions
{
    public const string Section = "Seed";
    /// <summary>Password of every demo person (local runs only; the run command generates one).</summary>
    public string DemoPassword { get; set; } = "";
    /// <summary>Secret of the demo partner applications <c>{slug}-partner</c>.</summary>
    public string PartnerSecret { get; set; } = "";
}

/// <summary>
/// Two demo clients with campaigns, leads, calls, usage, appointments and an invoice each, an agency
/// admin, one admin per client and a partner application per client. Idempotent: a client, user or
/// application that exists is left as it is. Runs through the audited agency path, as the app role.
/// </summary>
public sealed class DemoSeeder(AgencyAccess agency, TimeProvider clock, ILogger<DemoSeeder> logger)
{
    public const string AgencyAdminEmail = "admin@callvia.local";

    public static readonly IReadOnlyList<DemoTenant> Tenants =
    [
        new("acme", "Acme Dental", "America/New_York", "US", "+1212555", ["Spring reactivation", "New patient outreach", "Whitening offer"]),
        new("globex", "Globex Fitness", "Europe/London", "GB", "+4420794", ["January members", "Lapsed members", "Personal training trial"]),
    ];

    public sealed record DemoTenant(string Slug, string Name, string TimeZone, string Region, string PhonePrefix, string[] Campaigns)
    {
        public string AdminEmail => $"owner@{Slug}.test";
        public string PartnerClientId => $"{Slug}-partner";
    }

    public Task SeedAsync(DemoSeedOptions options, CancellationToken ct = default)
    {
        if (options.DemoPassword.Length < 10 || options.PartnerSecret.Length < 16)
            throw new InvalidOperationException("Seed:DemoPassword (10+ characters) and Seed:PartnerSecret (16+) are required to seed demo data.");
        return agency.RunAsync("seed.demo", async (db, services) =>
        {
            var users = services.GetRequiredService<UserManager<AppUser>>();
            var partnerApps = services.GetRequiredService<PartnerApps>();
            await EnsureUserAsync(users, AgencyAdminEmail, "Agency Admin", null, Roles.AgencyAdmin, options.DemoPassword);
            foreach (var demo in Tenants)
            {
                var client = await db.Clients.SingleOrDefaultAsync(c => c.Slug == demo.Slug, ct);
                if (client is null)
                {
                    client = new Client { Slug = demo.Slug, Name = demo.Name, TimeZone = demo.TimeZone, DefaultRegion = demo.Region,
                        StripeCustomerId = $"cus_demo_{demo.Slug}", BookingUrl = $"https://cal.com/{demo.Slug}/consultation" };
                    db.Clients.Add(client);
                    AddActivity(db, client, demo);
                    await db.SaveChangesAsync(ct);
                    logger.LogInformation("Seeded demo client {Slug}", demo.Slug);
                }
                await EnsureUserAsync(users, demo.AdminEmail, $"{demo.Name} owner", client.Id, Roles.ClientAdmin, options.DemoPassword);
                await partnerApps.EnsureAsync(demo.PartnerClientId, options.PartnerSecret, $"{demo.Name} partner", client.Id, ct);
            }
        }, actor: "system:seed", ct: ct);
    }

    private static async Task EnsureUserAsync(UserManager<AppUser> users, string email, string name, Guid? clientId, string role, string password)
    {
        if (await users.FindByEmailAsync(email) is not null) return;
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, ClientId = clientId };
        Check(await users.CreateAsync(user, password), email);
        Check(await users.AddToRoleAsync(user, role), email);
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create demo user {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }

    private void AddActivity(CallviaDbContext db, Client client, DemoTenant demo)
    {
        var now = clock.GetUtcNow();
        var statuses = new[] { CampaignStatus.Active, CampaignStatus.Paused, CampaignStatus.Draft };
        var campaigns = demo.Campaigns.Select((name, i) => new Campaign { ClientId = client.Id, Name = name, Status = statuses[i] }).ToList();
        db.Campaigns.AddRange(campaigns);

        string[] first = ["Ava", "Liam", "Mia", "Noah", "Zoe", "Omar", "Ivy", "Leo", "Ada", "Kai", "Eva", "Max"];
        string[] last = ["Stone", "Reed", "Hart", "Cole", "Lane", "Fox", "Wade", "Bell", "Moss", "Hale", "Pike", "Rowe"];
        var leadStatuses = new[] { LeadStatus.New, LeadStatus.Contacted, LeadStatus.Booked, LeadStatus.Callback, LeadStatus.Dnc };
        var leads = first.Select((f, i) => new Lead
        {
            ClientId = client.Id, CampaignId = campaigns[i % 2].Id, FirstName = f, LastName = last[i],
            PhoneE164 = $"{demo.PhonePrefix}{1000 + i:D4}", PhoneRaw = $"{demo.PhonePrefix}{1000 + i:D4}",
            Email = $"{f.ToLowerInvariant()}.{last[i].ToLowerInvariant()}@example.com", TimeZone = demo.TimeZone,
            Status = leadStatuses[i % leadStatuses.Length], Attempts = i % 3,
        }).ToList();
        db.Leads.AddRange(leads);
        db.Suppressions.Add(new Suppression { ClientId = client.Id, PhoneE164 = leads[4].PhoneE164, Reason = "not interested", Source = "call" });

        for (var i = 0; i < 6; i++)
        {
            var lead = leads[i];
            var started = now.AddDays(-(i + 1)).AddHours(-2);
            var seconds = 40 + i * 37;
            var call = new CallLog
            {
                ClientId = client.Id, CampaignId = lead.CampaignId, LeadId = lead.Id, ProviderCallId = $"call_demo_{demo.Slug}_{i}",
                Status = CallStatus.Ended, ToNumber = lead.PhoneE164, StartedAt = started, EndedAt = started.AddSeconds(seconds),
                DurationSeconds = seconds, Summary = "Demo call", Sentiment = "Positive",
                Outcome = lead.Status == LeadStatus.Booked ? "appointment_set" : "no_answer",
            };
            db.CallLogs.Add(call);
            db.UsageRecords.Add(new UsageRecord
            {
                ClientId = client.Id, CallLogId = call.Id, Seconds = seconds, RatePerMinute = client.RatePerMinute,
                Cost = Billing.UsageCost.Of(seconds, client.RatePerMinute), OccurredAt = call.EndedAt!.Value,
            });
        }

        var booked = leads.Where(l => l.Status == LeadStatus.Booked).ToList();
        var slots = new[] { (-3, AppointmentStatus.Shown), (2, AppointmentStatus.Booked), (-5, AppointmentStatus.NoShow) };
        for (var i = 0; i < slots.Length; i++)
        {
            var lead = booked[i % booked.Count];
            var starts = now.Date.AddDays(slots[i].Item1).AddHours(15);
            db.Appointments.Add(new Appointment
            {
                ClientId = client.Id, LeadId = lead.Id, CampaignId = lead.CampaignId, ProviderBookingUid = $"bk_demo_{demo.Slug}_{i}",
                Title = "Consultation", StartsAt = starts, EndsAt = starts.AddMinutes(30), Status = slots[i].Item2,
                AttendeeName = $"{lead.FirstName} {lead.LastName}", AttendeeEmail = lead.Email, AttendeePhone = lead.PhoneE164,
                VerificationSource = slots[i].Item2 switch { AppointmentStatus.Shown => VerificationSource.Client, AppointmentStatus.NoShow => VerificationSource.None, _ => null },
                VerifiedAt = slots[i].Item2 == AppointmentStatus.Booked ? null : now,
            });
        }

        var lastMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
        db.Invoices.Add(new Invoice
        {
            ClientId = client.Id, Kind = InvoiceKind.Usage, Period = lastMonth.ToString("yyyy-MM"),
            StripeInvoiceId = $"in_demo_{demo.Slug}_{lastMonth:yyyyMM}", AmountCents = 4280, Status = InvoiceStatus.Paid,
            IssuedAt = lastMonth.AddMonths(1), PaidAt = lastMonth.AddMonths(1).AddDays(3),
        });
    }
}
