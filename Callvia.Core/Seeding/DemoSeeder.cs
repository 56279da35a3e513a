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
        /// <summary>A client user: sees the client's data and verifies appointments, does not administer.</summary>
        public string UserEmail => $"user@{Slug}.test";
        public string PartnerClientId => $"{Slug}-partner";
    }

    /// <param name="tenants">The demo clients (tests seed their own slugs); <see cref="Tenants"/> by default.</param>
    public Task SeedAsync(DemoSeedOptions options, CancellationToken ct = default, IReadOnlyList<DemoTenant>? tenants = null)
    {
        if (options.DemoPassword.Length < 10 || options.PartnerSecret.Length < 16)
            throw new InvalidOperationException("Seed:DemoPassword (10+ characters) and Seed:PartnerSecret (16+) are required to seed demo data.");
        return agency.RunAsync("seed.demo", async (db, services) =>
        {
            var users = services.GetRequiredService<UserManager<AppUser>>();
            var partnerApps = services.GetRequiredService<PartnerApps>();
            await EnsureUserAsync(users, AgencyAdminEmail, "Agency Admin", null, Roles.AgencyAdmin, options.DemoPassword);
            foreach (var demo in tenants ?? Tenants)
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
                await EnsureUserAsync(users, demo.UserEmail, $"{demo.Name} staff", client.Id, Roles.ClientUser, options.DemoPassword);
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
        // ready to call: a from-number and an agent (the sandbox simulator plays the calls in a local run without a Retell key)
        var campaigns = demo.Campaigns.Select((name, i) => new Campaign
        {
            ClientId = client.Id, Name = name, Status = statuses[i], FromNumber = $"{demo.PhonePrefix}0100", RetellAgentId = $"agent_demo_{demo.Slug}",
        }).ToList();
        db.Campaigns.AddRange(campaigns);

        string[] first = ["Ava", "Liam", "Mia", "Noah", "Zoe", "Omar", "Ivy", "Leo", "Ada", "Kai", "Eva", "Max"];
        string[] last = ["Stone", "Reed", "Hart", "Cole", "Lane", "Fox", "Wade", "Bell", "Moss", "Hale", "Pike", "Rowe"];
        // a lead's status, attempts and calls agree: new leads were never called; every other lead was called once,
        // its call's outcome the one that gave the status (not_interested → dnc, and the number suppressed)
        var leadStatuses = new[] { LeadStatus.New, LeadStatus.Contacted, LeadStatus.Booked, LeadStatus.Callback, LeadStatus.Dnc };
        var leads = first.Select((f, i) => new Lead
        {
            ClientId = client.Id, CampaignId = campaigns[i % 2].Id, FirstName = f, LastName = last[i],
            PhoneE164 = $"{demo.PhonePrefix}{1000 + i:D4}", PhoneRaw = $"{demo.PhonePrefix}{1000 + i:D4}",
            Email = $"{f.ToLowerInvariant()}.{last[i].ToLowerInvariant()}@example.com", TimeZone = demo.TimeZone,
            Status = leadStatuses[i % leadStatuses.Length],
            ConsentAt = now.AddDays(-30 - i), ConsentSource = "web form (demo)",
        }).ToList();
        db.Leads.AddRange(leads);

        var called = leads.Where(l => l.Status != LeadStatus.New).ToList();
        var calledAt = new Dictionary<Guid, DateTimeOffset>();
        for (var i = 0; i < called.Count; i++)
        {
            var lead = called[i];
            lead.Attempts = 1;
            var started = calledAt[lead.Id] = now.AddDays(-(i + 6)).AddHours(-2);
            var seconds = 40 + i * 37;
            var call = new CallLog
            {
                ClientId = client.Id, CampaignId = lead.CampaignId, LeadId = lead.Id, ProviderCallId = $"call_demo_{demo.Slug}_{i}",
                Status = CallStatus.Ended, ToNumber = lead.PhoneE164, StartedAt = started, EndedAt = started.AddSeconds(seconds),
                DurationSeconds = seconds, Summary = "Demo call", Sentiment = lead.Status == LeadStatus.Dnc ? "Negative" : "Positive",
                Outcome = lead.Status switch
                {
                    LeadStatus.Booked => "appointment_set", LeadStatus.Callback => "callback_requested", LeadStatus.Dnc => "not_interested", _ => null,
                },
            };
            db.CallLogs.Add(call);
            db.UsageRecords.Add(new UsageRecord
            {
                ClientId = client.Id, CallLogId = call.Id, Seconds = seconds, RatePerMinute = client.RatePerMinute,
                Cost = Billing.UsageCost.Of(seconds, client.RatePerMinute), OccurredAt = call.EndedAt!.Value,
            });
            if (lead.Status == LeadStatus.Dnc)
                db.Suppressions.Add(new Suppression { ClientId = client.Id, PhoneE164 = lead.PhoneE164, Reason = "not interested", Source = "call" });
        }

        // appointments booked after their lead's call: one shown (the client said so), one to come, one no-show (the
        // sweep decided 48 hours after it ended)
        var booked = leads.Where(l => l.Status == LeadStatus.Booked).ToList();
        var slots = new[] { (-3, AppointmentStatus.Shown), (2, AppointmentStatus.Booked), (-5, AppointmentStatus.NoShow) };
        for (var i = 0; i < slots.Length; i++)
        {
            var lead = booked[i % booked.Count];
            var starts = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(slots[i].Item1).AddHours(15);
            var ends = starts.AddMinutes(30);
            var status = slots[i].Item2;
            db.Appointments.Add(new Appointment
            {
                ClientId = client.Id, LeadId = lead.Id, CampaignId = lead.CampaignId, ProviderBookingUid = $"bk_demo_{demo.Slug}_{i}",
                Title = "Consultation", StartsAt = starts, EndsAt = ends, Status = status, BookedAt = calledAt[lead.Id].AddMinutes(5),
                AttendeeName = $"{lead.FirstName} {lead.LastName}", AttendeeEmail = lead.Email, AttendeePhone = lead.PhoneE164,
                ClientAnswer = status == AppointmentStatus.Shown ? true : null,
                ClientAnsweredAt = status == AppointmentStatus.Shown ? ends.AddHours(1) : null,
                VerificationSource = status switch { AppointmentStatus.Shown => VerificationSource.Client, AppointmentStatus.NoShow => VerificationSource.None, _ => null },
                VerifiedAt = status switch { AppointmentStatus.Shown => ends.AddHours(1), AppointmentStatus.NoShow => ends.AddHours(48), _ => null },
            });
        }

        // last month's usage invoice, issued on the 1st and paid up to 3 days later, never after now
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var lastMonth = thisMonth.AddMonths(-1);
        var paidAt = thisMonth.AddDays(3) <= now ? thisMonth.AddDays(3) : thisMonth + (now - thisMonth) / 2;
        db.Invoices.Add(new Invoice
        {
            ClientId = client.Id, Kind = InvoiceKind.Usage, Period = lastMonth.ToString("yyyy-MM"),
            StripeInvoiceId = $"in_demo_{demo.Slug}_{lastMonth:yyyyMM}", AmountCents = 4280, Status = InvoiceStatus.Paid,
            IssuedAt = thisMonth, PaidAt = paidAt, StripeStep = InvoiceStep.Sent,
        });
    }
}
