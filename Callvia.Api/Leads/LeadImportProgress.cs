using Callvia.Core.Leads.Import;
using Callvia.Core.Tenancy;
using GraphQL;

namespace Callvia.Api.Leads;

/// <summary>
/// The <c>leadImportProgress(id)</c> subscription: the import as <c>leadImport(id)</c> answers it, at once, then again
/// whenever its progress or status moved (read every <see cref="Interval"/> while it waits for its file or runs: the
/// importer writes its progress on a connection of its own as it goes), and a last time when it completed or failed,
/// after which the stream completes. Another client's import, like an unknown one, is a <c>NOT_FOUND</c> error.
/// </summary>
public sealed class LeadImportProgress(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LeadImportProgress> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public IObservable<LeadImportView> Watch(TenantInfo tenant, Guid importId) =>
        GraphQL.PushStream.Create<LeadImportView>((observer, ct) => RunAsync(tenant, importId, observer, ct));

    private async Task RunAsync(TenantInfo tenant, Guid importId, IObserver<LeadImportView> observer, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            object? last = null;
            while (true)
            {
                var view = await ViewAsync(tenant, importId, ct);
                if (view is null)
                {
                    observer.OnError(new ExecutionError("No such lead import.") { Code = "NOT_FOUND" });
                    return;
                }
                var state = (view.Status, view.Phase, view.RowsRead, view.Imported, view.Duplicates, view.Suppressed, view.Rejected, view.Error, view.FinishedAt);
                if (!state.Equals(last))
                {
                    observer.OnNext(view);
                    last = state;
                }
                if (view.Status is "completed" or "failed")
                {
                    observer.OnCompleted();
                    return;
                }
                await Task.Delay(Interval, clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Progress of lead import {ImportId} stopped", importId);
            observer.OnError(e);
        }
    }

    private async Task<LeadImportView?> ViewAsync(TenantInfo tenant, Guid importId, CancellationToken ct)
    {
        return await scopes.InTenantAsync(tenant, sp => sp.GetRequiredService<LeadImports>().ViewAsync(importId, ct));
    }
}
