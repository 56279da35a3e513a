using Callvia.Core.Tenancy;
using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Jobs.Tenancy;

/// <summary>
/// The tenant travels with every job: when a job is created, the creating flow's tenant is stored as
/// the job parameter <see cref="ParameterName"/>; when it runs, <see cref="TenantJobActivator"/> opens
/// the job's DI scope with that tenant set, so its queries see that client's rows only. Jobs created
/// outside any tenant (recurring sweeps) run with no tenant and must use <see cref="AgencyAccess"/>.
/// </summary>
public sealed class TenantJobFilter : JobFilterAttribute, IClientFilter
{
    public const string ParameterName = "TenantId";

    public void OnCreating(CreatingContext context)
    {
        if (context.GetJobParameter<Guid?>(ParameterName) is null && AmbientTenant.ClientId is { } id)
            context.SetJobParameter(ParameterName, id);
    }

    public void OnCreated(CreatedContext context) { }
}

public sealed class TenantJobActivator(IServiceScopeFactory scopes) : JobActivator
{
    public override JobActivatorScope BeginScope(JobActivatorContext context)
    {
        var scope = scopes.CreateScope();
        var tenantId = context.GetJobParameter<Guid?>(TenantJobFilter.ParameterName);
        if (tenantId is { } id)
        {
            var tenant = scope.ServiceProvider.GetRequiredService<TenantStore>().FindByIdAsync(id).GetAwaiter().GetResult()
                         ?? throw new InvalidOperationException($"Job {context.BackgroundJob.Id} carries unknown tenant {id}.");
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
        }
        return new Scope(scope, AmbientTenant.Use(tenantId));
    }

    private sealed class Scope(IServiceScope scope, IDisposable ambient) : JobActivatorScope
    {
        public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

        public override void DisposeScope()
        {
            ambient.Dispose();
            scope.Dispose();
        }
    }
}
