using Callvia.Web.Identity;
using System.Security.Cryptography;
using Callvia.Core;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Callvia.Testing;

/// <summary>
/// One per test assembly: real PostgreSQL and Redis, a fresh migrated database, and a service
/// provider wired like the services' (for setting up data through the same code paths).
/// Tests make their own tenants with <see cref="CreateTenantAsync"/>, so they never share data.
/// </summary>
public class CallviaFixture : IAsyncLifetime
{
    private TestServers? _servers;
    private IHost? _host;

    public TestDatabase Database { get; private set; } = null!;
    public TestServers Servers => _servers!;
    public IServiceProvider Services => _host!.Services;
    public string TokenKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public const string RootDomain = "localhost";

    /// <summary>Configuration every hosted service gets: the app role, Redis, the token key.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        [$"ConnectionStrings:{CoreRegistration.DatabaseConnectionName}"] = Database.AppConnectionString,
        [$"ConnectionStrings:{CoreRegistration.RedisConnectionName}"] = Servers.Redis,
        ["Callvia:RootDomain"] = RootDomain,
        ["Auth:TokenKey"] = TokenKey,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public virtual async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        Database = await TestDatabase.CreateAsync(_servers.PostgresAdmin, GetType().Assembly.GetName().Name!.Replace("Callvia.", "").Replace(".Tests", "").Replace(".", "_"));
        await Database.MigrateAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.AddCallviaCore();
        builder.Services.AddCallviaIdentity(browserRedirects: false);
        builder.Services.AddCallviaOpenIddictCore();
        _host = builder.Build();
    }

    public Task<TestTenant> CreateTenantAsync(string? name = null) => TestData.CreateTenantAsync(Services, name);

    /// <summary>A plain <c>client_user</c> of the tenant (sees and verifies, does not administer); returns the email.</summary>
    public Task<string> CreateClientUserAsync(TestTenant tenant) =>
        InTenantAsync(tenant, async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Core.Identity.AppUser>>();
            var email = $"user-{Guid.NewGuid().ToString("N")[..8]}@{tenant.Slug}.test";
            var user = new Core.Identity.AppUser { UserName = email, Email = email, EmailConfirmed = true, ClientId = tenant.Id, DisplayName = "Plain user" };
            var created = await users.CreateAsync(user, TestData.Password);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            var role = await users.AddToRoleAsync(user, Core.Identity.Roles.ClientUser);
            if (!role.Succeeded) throw new InvalidOperationException(string.Join("; ", role.Errors.Select(e => e.Description)));
            return email;
        });

    /// <summary>Runs <paramref name="work"/> in a fresh scope with the given tenant set, as a request would.</summary>
    public async Task<T> InTenantAsync<T>(TestTenant tenant, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>()
            .SetTenant(new TenantInfo(tenant.Id, tenant.Slug, tenant.Name, ClientStatus.Active, "UTC"));
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// <paramref name="count"/> appointments that ended yesterday, each answered "showed" by the client through
    /// <see cref="Core.Appointments.AppointmentVerification"/> (so the milestone ledger counts them as it would in
    /// production); returns their ids, oldest answer first.
    /// </summary>
    public async Task<List<Guid>> ShownAppointmentsAsync(TestTenant tenant, int count, Guid? leadId = null)
    {
        var ids = await InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<Core.Data.CallviaDbContext>();
            var ends = DateTimeOffset.UtcNow.AddDays(-1);
            var list = Enumerable.Range(0, count).Select(i => new Core.Appointments.Appointment
            {
                ProviderBookingUid = "shown_" + Guid.NewGuid().ToString("N"), LeadId = leadId, StartsAt = ends.AddMinutes(-30 - i),
                EndsAt = ends.AddMinutes(-i), BookedAt = ends.AddDays(-2), AttendeeName = $"Attendee {i + 1}",
            }).ToList();
            db.Appointments.AddRange(list);
            await db.SaveChangesAsync();
            return list.Select(a => a.Id).ToList();
        });
        foreach (var id in ids) await AnswerAsync(tenant, id, true);
        return ids;
    }

    /// <summary>The client's answer for one appointment, as the portal and the API record it.</summary>
    public Task AnswerAsync(TestTenant tenant, Guid appointment, bool showed, string? note = null) => InTenantAsync(tenant, async sp =>
    {
        var result = await sp.GetRequiredService<Core.Appointments.AppointmentVerification>().RecordClientAnswerAsync(appointment, showed, note, default);
        if (result.Issues.Count > 0) throw new InvalidOperationException(string.Join("; ", result.Issues.Select(i => i.Message)));
        return 0;
    });

    /// <summary>A count as the database sees it (superuser: no row-level security in the way).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(Servers.PostgresAdmin) { Database = Database.Name }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>Runs SQL as the superuser (set-up a test needs, such as a fault to inject).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(Servers.PostgresAdmin) { Database = Database.Name }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A single value as text, as the database sees it (superuser), or null.</summary>
    public async Task<string?> TextAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(Servers.PostgresAdmin) { Database = Database.Name }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return (await cmd.ExecuteScalarAsync()) is { } value and not DBNull ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Tables holding a client's data, for <see cref="FingerprintAsync"/>.</summary>
    public static readonly string[] TenantTables = ["campaigns", "leads", "call_logs", "usage_records", "appointments", "messages", "suppressions",
        "milestones", "invoices", "invoice_lines", "milestone_entries", "provider_secrets", "lead_imports", "campaign_lead_counts", "events", "message_templates", "email_bounces"];

    /// <summary>A hash of every row of the client's (and its client row and applications): any change to them changes it.</summary>
    public Task<long> FingerprintAsync(Guid clientId, params string[] except)
    {
        var union = string.Join(" UNION ALL ", TenantTables.Except(except).Select(t => $"SELECT x::text AS row FROM {t} x WHERE client_id = '{clientId}'"))
            + $" UNION ALL SELECT x::text FROM clients x WHERE id = '{clientId}' UNION ALL SELECT x::text FROM openiddict_applications x WHERE owner_client_id = '{clientId}'";
        return CountAsync($"SELECT coalesce(sum(hashtext(row)::bigint), 0) + count(*) FROM ({union}) s");
    }

    /// <summary>The tables of <see cref="TenantTables"/> whose rows of the client differ from <paramref name="before"/>'s.</summary>
    public async Task<Dictionary<string, long>> TableFingerprintsAsync(Guid clientId)
    {
        var result = new Dictionary<string, long>();
        foreach (var table in TenantTables)
            result[table] = await CountAsync($"SELECT coalesce(sum(hashtext(x::text)::bigint), 0) + count(*) FROM {table} x WHERE client_id = '{clientId}'");
        return result;
    }

    /// <summary>A lead in the tenant's second campaign, written as the app writes it.</summary>
    public Task<Guid> CreateLeadAsync(TestTenant tenant, string phone, string? email = null) =>
        InTenantAsync(tenant, async sp =>
        {
            var db = sp.GetRequiredService<Callvia.Core.Data.CallviaDbContext>();
            var lead = new Callvia.Core.Leads.Lead { CampaignId = tenant.CampaignIds[1], PhoneE164 = phone, PhoneRaw = phone, Email = email, FirstName = "Dana" };
            db.Leads.Add(lead);
            await db.SaveChangesAsync();
            return lead.Id;
        });

    /// <summary>Starts one of the services on a free loopback port, configured for this fixture.</summary>
    public Task<RunningApp> StartAsync(Func<string[], Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>?, Microsoft.AspNetCore.Builder.WebApplication> build,
        IDictionary<string, string?>? extra = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null) =>
        RunningApp.StartAsync(build, Settings.Concat(extra ?? new Dictionary<string, string?>()).ToDictionary(), configure);

    public virtual async Task DisposeAsync()
    {
        _host?.Dispose();
        if (Database is not null) await Database.DisposeAsync();
        if (_servers is not null) await _servers.DisposeAsync();
    }
}
