using Callvia.Core.Auditing;
using Callvia.Core.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Tenancy;

/// <summary>
/// The one way to work across tenants (agency console, job sweeps). It runs the work in a fresh DI
/// scope whose database session sees every client, and writes who did what to <c>audit_log</c> first,
/// in the same scope. Nothing else can enter the agency scope.
/// </summary>
public sealed class AgencyAccess(IServiceScopeFactory scopes, IAuditCaller caller, TimeProvider clock)
{
    public async Task<T> RunAsync<T>(string action, Func<CallviaDbContext, IServiceProvider, Task<T>> work,
        Guid? clientId = null, string? detail = null, string? actor = null, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterAgencyScope();
        var db = scope.ServiceProvider.GetRequiredService<CallviaDbContext>();
        await Audit.WriteAsync(db, caller, clock, action, clientId, detail, actor, ct);
        db.ChangeTracker.Clear();
        return await work(db, scope.ServiceProvider);
    }

    public Task RunAsync(string action, Func<CallviaDbContext, IServiceProvider, Task> work,
        Guid? clientId = null, string? detail = null, string? actor = null, CancellationToken ct = default) =>
        RunAsync<bool>(action, async (db, sp) => { await work(db, sp); return true; }, clientId, detail, actor, ct);
}
