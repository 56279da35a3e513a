using Microsoft.Extensions.Logging;
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

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly IDataProtector _protector = protection.CreateProtector("Callvia.ProviderSecrets.v1");

    public const int MinLength = 8, MaxLength = 1000;

    /// <summary>Why a secret cannot be stored, or null when it can.</summary>
    public static string? Problem(string? secret) =>
        secret is not { Length: >= MinLength and <= MaxLength } ? $"A secret has {MinLength} to {MaxLength} characters."
        : Validation.TextInput.Problem("The secret", secret);

    /// <summary>
    /// Sets (a value) or removes (an empty string) several providers' secrets at once: all or nothing. Unknown providers and
    /// bad secrets come back as issues, keyed by provider, and nothing changes.
    /// </summary>
    public async Task<List<Campaigns.FieldIssue>> SetManyAsync(IReadOnlyDictionary<string, string> changes, CancellationToken ct)
    {
        var issues = new List<Campaigns.FieldIssue>();
        foreach (var (provider, secret) in changes)
        {
            if (!WebhookProviders.ClientSecrets.Contains(provider))
                issues.Add(new(provider, $"Unknown provider '{provider}': one of {string.Join(", ", WebhookProviders.ClientSecrets)}."));
            else if (secret.Length > 0 && Problem(secret) is { } problem) issues.Add(new(provider, problem));
        }
        if (issues.Count > 0) return issues;
        var startedHere = Db.Database.CurrentTransaction is null;
        await using var transaction = startedHere ? await Db.Database.BeginTransactionAsync(ct) : null;
        foreach (var (provider, secret) in changes)
        {
            if (secret.Length == 0) await DeleteAsync(provider, ct);
            else await SetAsync(provider, secret, ct);
        }
        if (transaction is not null) await transaction.CommitAsync(ct);
        return issues;
    }

    /// <summary><see cref="SetManyAsync"/>, audited when something changed (which providers were set or removed, never a value).</summary>
    public async Task<List<Campaigns.FieldIssue>> SetManyAuditedAsync(IReadOnlyDictionary<string, string> changes, CancellationToken ct)
    {
        var issues = await SetManyAsync(changes, ct);
        if (issues.Count == 0 && changes.Count > 0)
            await Auditing.Audit.WriteAsync(Db, services.GetRequiredService<Auditing.IAuditCaller>(), services.GetRequiredService<TimeProvider>(),
                "provider_secrets.set", tenant.ClientId,
                string.Join(", ", changes.OrderBy(c => c.Key).Select(c => c.Value.Length == 0 ? c.Key + " removed" : c.Key + " set")), ct: ct);
        return issues;
    }

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
        string? secret = null;
        try
        {
            secret = row is null ? null : _protector.Unprotect(row.Protected);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // a secret this key ring cannot read (the keys were lost or replaced): as if none were set — every delivery is
            // refused (401) until the client sets it again — and said loudly, never a 500 to the provider
            services.GetService<Microsoft.Extensions.Logging.ILogger<ProviderSecrets>>()?.LogError(e,
                "The {Provider} secret of client {ClientId} cannot be decrypted with the current key ring; it must be set again", provider, tenant.ClientId);
        }
        cache.Set(Key(provider), secret, CacheFor);
        return secret;
    }

    private string Key(string provider) => $"secret:{tenant.ClientId}:{provider}";
}
