using Hangfire;
using Npgsql;

namespace Callvia.Jobs.Messaging;

/// <summary>
/// A manual message is stored SCHEDULED, then handed to its provider within the same request (<see cref="MessageDelivery"/>),
/// whose answer is recorded at once. One still SCHEDULED long after that (<see cref="After"/>, far beyond the provider
/// clients' timeouts) was interrupted: the process stopped between the two. Whether the provider took it is unknown, so it
/// is not sent again (never twice); it is marked FAILED with that reason, so the caller (and a retry with the same
/// idempotency key, which returns this message) sees a final answer instead of SCHEDULED forever. Across tenants, in the
/// database (<c>app_fail_interrupted_messages</c>); every few minutes from the jobs service.
/// </summary>
public sealed class InterruptedMessageSweep(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string RecurringId = "interrupted-message-sweep";
    public static readonly TimeSpan After = TimeSpan.FromMinutes(10);
    public const string Error =
        "Sending was interrupted (the service stopped before the provider's answer was recorded): it may or may not have been sent, and is not sent again.";

    /// <summary>Marks the interrupted manual messages FAILED; returns how many.</summary>
    [DisableConcurrentExecution(60)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT app_fail_interrupted_messages($1, $2, $3)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() - After });
        cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Error });
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
