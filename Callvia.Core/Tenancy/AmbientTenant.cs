namespace Callvia.Core.Tenancy;

/// <summary>
/// The tenant of the current async flow, for code that cannot reach the DI scope: Hangfire's client
/// filter reads it to stamp every job with its tenant. Set by the tenant middleware and by the job
/// activator, and restored when their scope ends.
/// </summary>
public static class AmbientTenant
{
    private static readonly AsyncLocal<Guid?> Current = new();

    public static Guid? ClientId => Current.Value;

    public static IDisposable Use(Guid? clientId)
    {
        var previous = Current.Value;
        Current.Value = clientId;
        return new Restore(previous);
    }

    private sealed class Restore(Guid? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
