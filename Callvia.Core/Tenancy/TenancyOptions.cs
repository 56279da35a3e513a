namespace Callvia.Core.Tenancy;

public sealed class TenancyOptions
{
    public const string Section = "Callvia";

    /// <summary>Tenants live at <c>{slug}.{RootDomain}</c>: <c>localhost</c> locally, e.g. <c>callvia.app</c>.</summary>
    public string RootDomain { get; set; } = "localhost";

    /// <summary>Slugs that are never a client: the agency console and names kept for the platform.</summary>
    public static readonly IReadOnlySet<string> ReservedSlugs =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "admin", "api", "www", "app" };

    public const string AdminSlug = "admin";
}
