using Callvia.Core.Appointments;
using Callvia.Core.Auditing;
using Callvia.Core.Data.Configurations;
using Callvia.Core.Billing;
using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Identity;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Data;

/// <summary>
/// The one database of the platform. Tenant isolation is enforced here (query filters and a write
/// guard, from <see cref="TenantContext"/>) and again by PostgreSQL row-level security.
///
/// Add a migration (from the repository root):
///   dotnet tool restore
///   dotnet ef migrations add NAME --project Callvia.Core --startup-project Callvia.Core --output-dir Data/Migrations
/// </summary>
public class CallviaDbContext(DbContextOptions<CallviaDbContext> options, TenantContext tenant, TimeProvider clock)
    : IdentityDbContext<AppUser, AppRole, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Leads.Import.LeadImport> LeadImports => Set<Leads.Import.LeadImport>();
    public DbSet<Leads.Import.LeadImportIssue> LeadImportIssues => Set<Leads.Import.LeadImportIssue>();
    public DbSet<CampaignLeadCount> CampaignLeadCounts => Set<CampaignLeadCount>();
    public DbSet<Kpis.KpiDailyLeads> KpiDailyLeads => Set<Kpis.KpiDailyLeads>();
    public DbSet<Kpis.KpiDailyCalls> KpiDailyCalls => Set<Kpis.KpiDailyCalls>();
    public DbSet<Kpis.KpiCampaignReach> KpiCampaignReach => Set<Kpis.KpiCampaignReach>();
    public DbSet<Kpis.KpiDailyAppointments> KpiDailyAppointments => Set<Kpis.KpiDailyAppointments>();
    public DbSet<Kpis.KpiDailyReach> KpiDailyReach => Set<Kpis.KpiDailyReach>();
    public DbSet<CallLog> CallLogs => Set<CallLog>();
    public DbSet<Dialer.DialAttempt> DialAttempts => Set<Dialer.DialAttempt>();
    public DbSet<Dialer.PlatformSetting> PlatformSettings => Set<Dialer.PlatformSetting>();
    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();
    public DbSet<Appointment> Appointments => Set<Appointment>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<MessageTemplate> MessageTemplates => Set<MessageTemplate>();
    public DbSet<EmailBounce> EmailBounces => Set<EmailBounce>();
    public DbSet<Milestone> Milestones => Set<Milestone>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();
    public DbSet<MilestoneEntry> MilestoneEntries => Set<MilestoneEntry>();
    public DbSet<WebhookEvent> Events => Set<WebhookEvent>();
    public DbSet<ProviderSecret> ProviderSecrets => Set<ProviderSecret>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<PartnerApplication> PartnerApplications => Set<PartnerApplication>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public TenantContext Tenant => tenant;

    // Read by the query filters; EF Core turns these into parameters per query.
    private Guid? CurrentClientId => tenant.ClientId;
    private bool IsAgencyScope => tenant.IsAgency;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        EnumConventions.Apply(configurationBuilder);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CallviaDbContext).Assembly);
        builder.UseOpenIddict<PartnerApplication, PartnerAuthorization, PartnerScope, PartnerToken, Guid>();
        IdentityTables.Configure(builder);

        builder.Entity<Client>().HasQueryFilter(c => IsAgencyScope || c.Id == CurrentClientId);
        // Agency admins (no client) must be found by the sign-in on any host.
        builder.Entity<AppUser>().HasQueryFilter(u => IsAgencyScope || u.ClientId == CurrentClientId || u.ClientId == null);
        builder.Entity<PartnerApplication>().HasQueryFilter(a => IsAgencyScope || a.OwnerClientId == CurrentClientId);
        foreach (var type in builder.Model.GetEntityTypes().Select(t => t.ClrType).ToList())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(type))
                GetType().GetMethod(nameof(FilterTenantOwned), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                    .MakeGenericMethod(type).Invoke(this, [builder]);
            else if (typeof(IOptionallyTenantOwned).IsAssignableFrom(type))
                GetType().GetMethod(nameof(FilterOptionallyTenantOwned), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                    .MakeGenericMethod(type).Invoke(this, [builder]);
        }
    }

    private void FilterTenantOwned<T>(ModelBuilder builder) where T : class, ITenantOwned =>
        builder.Entity<T>().HasQueryFilter(e => IsAgencyScope || e.ClientId == CurrentClientId);

    private void FilterOptionallyTenantOwned<T>(ModelBuilder builder) where T : class, IOptionallyTenantOwned =>
        builder.Entity<T>().HasQueryFilter(e => IsAgencyScope || (e.ClientId != null && e.ClientId == CurrentClientId));

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareWrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareWrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Saves like <see cref="SaveChangesAsync(bool, CancellationToken)"/> (tenant stamps and guard, timestamps), but with
    /// one statement per table for all its new rows and one per set of changed columns for its changed rows
    /// (<see cref="BulkChanges"/>), so the tables' statement triggers run once for all of them. For the webhook batches,
    /// which apply many events' changes at once. Also detects changes, for a context that does not do so by itself.
    /// </summary>
    public async Task SaveChangesInBulkAsync(CancellationToken ct)
    {
        ChangeTracker.DetectChanges();
        PrepareWrites();
        ChangeTracker.DetectChanges(); // what PrepareWrites set through the entities (a new row's client)
        if (!await BulkChanges.TryWriteAsync(this, ct))
            await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, ct);
    }

    /// <summary>Stamps new tenant rows with the scope's client and refuses writes into another tenant.</summary>
    private void PrepareWrites()
    {
        var now = clock.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                continue;
            switch (entry.Entity)
            {
                case ITenantOwned owned:
                    if (entry.State == EntityState.Added && owned.ClientId == Guid.Empty && tenant.ClientId is { } id)
                        owned.ClientId = id;
                    GuardTenant(owned.ClientId, entry.Entity);
                    break;
                case IOptionallyTenantOwned optional when !tenant.IsAgency:
                    if (entry.State == EntityState.Added && optional.ClientId is null)
                        optional.ClientId = tenant.ClientId;
                    GuardTenant(optional.ClientId ?? Guid.Empty, entry.Entity);
                    break;
            }
            if (entry.State == EntityState.Deleted) continue;
            if (entry.Metadata.FindProperty("UpdatedAt") is not null)
                entry.Property("UpdatedAt").CurrentValue = now;
            if (entry.State == EntityState.Added && entry.Metadata.FindProperty("CreatedAt") is { } created
                && entry.Property(created.Name).CurrentValue is DateTimeOffset d && d == default)
                entry.Property(created.Name).CurrentValue = now;
        }
    }

    private void GuardTenant(Guid clientId, object entity)
    {
        if (tenant.IsAgency) return;
        if (tenant.ClientId is not { } current || clientId != current)
            throw new CrossTenantWriteException(entity.GetType().Name);
    }
}

public sealed class CrossTenantWriteException(string entity)
    : InvalidOperationException($"Refused to write a {entity} outside the current tenant's scope.");
