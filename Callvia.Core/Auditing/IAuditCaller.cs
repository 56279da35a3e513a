using System.Security.Claims;

namespace Callvia.Core.Auditing;

/// <summary>
/// Who is acting, for the audit trail: the signed-in user or token and where the request came from. The web services
/// answer it from the current request (Callvia.Web); a job has no caller and is "system".
/// </summary>
public interface IAuditCaller
{
    ClaimsPrincipal? User { get; }
    string? IpAddress { get; }
}

/// <summary>No request: a job or the migration step.</summary>
public sealed class SystemCaller : IAuditCaller
{
    public static readonly SystemCaller Instance = new();
    public ClaimsPrincipal? User => null;
    public string? IpAddress => null;
}
