using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Webhooks;

/// <summary>
/// The current tenant's provider secrets: stored encrypted (Data Protection, the key ring shared by the
/// services), never returned by the API, cached briefly in memory for webhook verification.
/// </summary>
public sealed class ProviderSecrets(IServiceProvider services, TenantContext tenant, IDataProtectionProvider protection, IMemoryCache cache)
{
    // resolved on first use only: a webhook whose secret is cached never builds a DbContext
    private CallviaDbContext Db => field ??= services.GetRequiredService<CallviaDbContext>();

    public static readonly IReadOnlySet<string> Providers = new HashSet<string> { "retell", "calcom", "messagebird", "sendgrid" };
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly IDataProtector _protector = protection.CreateProtector("Callvia.ProviderSecrets.v1");

    public async Task SetAsync(string provider, string secret, CancellationToken ct)
    {
        var row = await Db.Set<ProviderSecret>().SingleOrDefaultAsync(s => s.Provider == provider, ct);
        var protectedValue = _protector.Protect(secret);
        if (row is null) Db.Set<ProviderSecret>().Add(new ProviderSecret { Provider = provider, Protected = protectedValue });
        else row.Protected = protectedValue;
        await Db.SaveChangesAsync(ct);
        cache.Remove(Key(provider));
    }

    public async Task<bool> DeleteAsync(string provider, CancellationToken ct)
    {
        var deleted = await Db.Set<ProviderSecret>().Where(s => s.Provider == provider).ExecuteDeleteAsync(ct);
        cache.Remove(Key(provider));
        return deleted > 0;
    }

    /// <summary>Which providers have a secret, and since when (never the values).</summary>
    public async Task<List<(string Provider, DateTimeOffset UpdatedAt)>> ListAsync(CancellationToken ct) =>
        (await Db.Set<ProviderSecret>().AsNoTracking().OrderBy(s => s.Provider).Select(s => new { s.Provider, s.UpdatedAt }).ToListAsync(ct))
            .Select(s => (s.Provider, s.UpdatedAt)).ToList();

    public async Task<string?> GetAsync(string provider, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(provider), out string? hit)) return hit;
        var row = await Db.Set<ProviderSecret>().AsNoTracking().SingleOrDefaultAsync(s => s.Provider == provider, ct);
        var secret = row is null ? null : _protector.Unprotect(row.Protected);
        cache.Set(Key(provider), secret, CacheFor);
        return secret;
    }

    private string Key(string provider) => $"secret:{tenant.ClientId}:{provider}";
}
