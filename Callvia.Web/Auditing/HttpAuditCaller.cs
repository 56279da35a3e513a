using System.Security.Claims;
using Callvia.Core.Auditing;
using Microsoft.AspNetCore.Http;

namespace Callvia.Web.Auditing;

/// <summary>The audit trail's caller in a web service: the current request's principal and remote address.</summary>
public sealed class HttpAuditCaller(IHttpContextAccessor accessor) : IAuditCaller
{
    public ClaimsPrincipal? User => accessor.HttpContext?.User;
    public string? IpAddress => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>The caller of one request, where the request is at hand.</summary>
    public static IAuditCaller Of(HttpContext? http) => new Request(http);

    private sealed class Request(HttpContext? http) : IAuditCaller
    {
        public ClaimsPrincipal? User => http?.User;
        public string? IpAddress => http?.Connection.RemoteIpAddress?.ToString();
    }
}
