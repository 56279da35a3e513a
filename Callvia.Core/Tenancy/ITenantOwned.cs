namespace Callvia.Core.Tenancy;

/// <summary>
/// A row that belongs to one client. Every such entity gets an EF Core query filter and its table a
/// row-level-security policy on <c>client_id</c> (see <c>Data/Sql/RowLevelSecurity.sql</c>).
/// </summary>
public interface ITenantOwned
{
    Guid ClientId { get; set; }
}

/// <summary>A tenant-scoped row whose client may be unknown at first (an inbox event, an audit entry).</summary>
public interface IOptionallyTenantOwned
{
    Guid? ClientId { get; set; }
}
