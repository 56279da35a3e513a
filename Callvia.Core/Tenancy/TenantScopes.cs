using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Tenancy;

/// <summary>
/// The one way to run work inside a client's scope from outside a request (subscriptions, jobs, routing a Stripe
/// event): a fresh DI scope whose <see cref="TenantContext"/> is that client, so every query of it sees that client
/// only (query filters and row-level security).
/// </summary>
public static class TenantScopes
{
    public static AsyncServiceScope CreateTenantScope(this IServiceScopeFactory scopes, TenantInfo tenant)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
        return scope;
    }

    public static async Task<T> InTenantAsync<T>(this IServiceScopeFactory scopes, TenantInfo tenant, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateTenantScope(tenant);
        return await work(scope.ServiceProvider);
    }
}
