namespace Callvia.Core.Tenancy;

public enum HostKind { Tenant, Admin, Reserved, Unknown }

/// <summary>Finds the tenant identifier in a host name: <c>{slug}.{RootDomain}</c>, one label deep.</summary>
public static class HostParser
{
    public static (HostKind Kind, string? Slug) Parse(string host, string rootDomain)
    {
        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        var root = rootDomain.Trim().Trim('.').ToLowerInvariant();
        var suffix = "." + root;
        if (host.Length <= suffix.Length || !host.EndsWith(suffix, StringComparison.Ordinal))
            return (HostKind.Unknown, null);
        var slug = host[..^suffix.Length];
        if (!IsValidSlug(slug))
            return (HostKind.Unknown, null);
        if (slug == TenancyOptions.AdminSlug)
            return (HostKind.Admin, slug);
        if (TenancyOptions.ReservedSlugs.Contains(slug))
            return (HostKind.Reserved, slug);
        return (HostKind.Tenant, slug);
    }

    /// <summary>A DNS label: 1–63 of a–z, 0–9 and inner hyphens.</summary>
    public static bool IsValidSlug(string slug) =>
        slug.Length is >= 1 and <= 63
        && slug[0] != '-' && slug[^1] != '-'
        && slug.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
