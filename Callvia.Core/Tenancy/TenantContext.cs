namespace Callvia.Core.Tenancy;

/// <summary>What the host resolved to: a client, as cached by <see cref="TenantStore"/>.</summary>
public sealed record TenantInfo(Guid Id, string Slug, string Name, ClientStatus Status, string TimeZone);

public enum TenantScopeKind
{
    /// <summary>No tenant: the database shows no tenant-owned rows at all.</summary>
    None,
    /// <summary>One client: the database shows that client's rows only.</summary>
    Tenant,
    /// <summary>Cross-tenant, entered only through <see cref="AgencyAccess"/>, which audits it.</summary>
    Agency,
}

/// <summary>
/// The tenant of the current unit of work (a request, a job, a cross-tenant operation), scoped per DI
/// scope. The database connection interceptor and the EF Core query filters both read it.
/// It is fixed before the first query runs: changing it afterwards throws, so a scope can never see
/// two tenants.
/// </summary>
public sealed class TenantContext
{
    private bool _sealed;

    public TenantScopeKind Kind { get; private set; } = TenantScopeKind.None;
    public TenantInfo? Tenant { get; private set; }
    /// <summary>True on the agency console host (<c>admin.{RootDomain}</c>).</summary>
    public bool IsAdminHost { get; private set; }

    public Guid? ClientId => Kind == TenantScopeKind.Tenant ? Tenant!.Id : null;
    public bool IsAgency => Kind == TenantScopeKind.Agency;

    public void SetTenant(TenantInfo tenant)
    {
        // the same tenant again (a request re-executed for its error page) changes nothing, also once sealed
        if (Kind == TenantScopeKind.Tenant && Tenant!.Id == tenant.Id) return;
        EnsureOpen();
        Tenant = tenant;
        Kind = TenantScopeKind.Tenant;
    }

    public void SetAdminHost()
    {
        if (IsAdminHost) return;
        EnsureOpen();
        IsAdminHost = true;
    }

    internal void EnterAgencyScope()
    {
        EnsureOpen();
        Kind = TenantScopeKind.Agency;
        Tenant = null;
    }

    /// <summary>Called when the scope first touches the database.</summary>
    internal void Seal() => _sealed = true;

    private void EnsureOpen()
    {
        if (_sealed)
            throw new InvalidOperationException("The tenant of this scope was fixed when it first used the database.");
    }
}
