using System.Threading.Channels;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Core.Leads.Import;

public sealed record LeadImportResult(int RowsRead, int Imported, int Duplicates, int Suppressed, int Rejected);

/// <summary>
/// Streams an opened CSV into a campaign. One reader parses records; workers on every core apply the
/// row rules; one writer sends the rows to PostgreSQL with binary COPY into a temporary staging table
/// (rejected rows too, with their reason). Then set-based statements take out suppressed numbers and
/// duplicates (in the file: the first line wins; against the campaign) and insert the rest, skipping
/// conflicts, all in one transaction: a failure leaves the campaign as it was. Progress — the phase
/// (<see cref="LeadImportPhase"/>), the rows read, the leads inserted so far — is written to <c>lead_imports</c> on a
/// second connection every <see cref="ProgressInterval"/> while it runs, through every phase.
/// </summary>
public sealed class LeadImporter(NpgsqlDataSource dataSource, TenantContext tenant, TimeProvider clock, ILogger<LeadImporter> logger)
{
    private const int BatchSize = 1000;
    /// <summary>Lines per INSERT of the inserting phase: each one moves <c>imported</c>.</summary>
    private const int InsertChunk = 10_000;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task<LeadImportResult> RunAsync(Guid importId, Guid campaignId, string region, ImportSource source, CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("An import runs inside a tenant.");
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecAsync(conn, """
            CREATE TEMP TABLE import_stage (
                line int NOT NULL, id uuid, first_name text, last_name text, phone_e164 text, phone_raw text,
                email text, time_zone text, custom_fields jsonb, reject_reason text, reject_value text,
                consent_at timestamptz, consent_source text
            ) ON COMMIT DROP
            """, ct);

        var state = new Progress { Phase = LeadImportPhase.Uploading };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = ReportProgressAsync(importId, state, () => source.BytesRead, progressStop.Token);
        try
        {
            return await ImportAsync(conn, tx, importId, clientId, campaignId, region, source, state, watch, ct);
        }
        finally
        {
            await progressStop.CancelAsync();
            await progress;
        }
    }

    private async Task<LeadImportResult> ImportAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid importId, Guid clientId, Guid campaignId,
        string region, ImportSource source, Progress state, System.Diagnostics.Stopwatch watch, CancellationToken ct)
    {
        await StageAsync(conn, source, region, clock.GetUtcNow(), () => Interlocked.Increment(ref state.RowsRead), ct);
        var rowsRead = state.RowsRead;
        state.Phase = LeadImportPhase.Checking;

        var staging = watch.Elapsed;
        await ExecAsync(conn, "ANALYZE import_stage", ct);
        var parameters = new object[] { importId, clientId, campaignId };
        var rejected = await ExecAsync(conn, """
            INSERT INTO lead_import_issues (import_id, line, client_id, kind, reason, value)
            SELECT $1, line, $2, 'rejected', reject_reason, reject_value FROM import_stage WHERE reject_reason IS NOT NULL
            """, ct, importId, clientId);
        await ExecAsync(conn, "DELETE FROM import_stage WHERE reject_reason IS NOT NULL", ct);
        var suppressed = await ExecAsync(conn, """
            WITH gone AS (
                DELETE FROM import_stage s USING suppressions x
                WHERE x.client_id = $2 AND x.phone_e164 = s.phone_e164 RETURNING s.line, s.phone_raw)
            INSERT INTO lead_import_issues (import_id, line, client_id, kind, reason, value)
            SELECT $1, line, $2, 'suppressed', 'the number is on the do-not-contact list', phone_raw FROM gone
            """, ct, importId, clientId);
        var inFile = await ExecAsync(conn, """
            WITH ranked AS (
                SELECT line, phone_e164, min(line) OVER (PARTITION BY phone_e164) AS first_line FROM import_stage),
            gone AS (
                DELETE FROM import_stage s USING ranked r
                WHERE r.line = s.line AND r.line <> r.first_line RETURNING s.line, s.phone_raw, r.first_line)
            INSERT INTO lead_import_issues (import_id, line, client_id, kind, reason, value)
            SELECT $1, line, $2, 'duplicate', 'the same number is on line ' || first_line, phone_raw FROM gone
            """, ct, importId, clientId);
        var inCampaign = await ExecAsync(conn, """
            WITH gone AS (
                DELETE FROM import_stage s USING leads l
                WHERE l.campaign_id = $3 AND l.phone_e164 = s.phone_e164 RETURNING s.line, s.phone_raw)
            INSERT INTO lead_import_issues (import_id, line, client_id, kind, reason, value)
            SELECT $1, line, $2, 'duplicate', 'the number is already in the campaign', phone_raw FROM gone
            """, ct, parameters);
        var staged = (int)(long)(await ScalarAsync(conn, "SELECT count(*) FROM import_stage", ct))!;
        var lastLine = staged == 0 ? 0 : (int)(await ScalarAsync(conn, "SELECT max(line) FROM import_stage", ct))!;
        state.Phase = LeadImportPhase.Inserting;
        if (lastLine > InsertChunk)
            await ExecAsync(conn, "CREATE INDEX ON import_stage (line)", ct);
        var now = clock.GetUtcNow();
        // A concurrent import of the same numbers may win a row between the statements above and these:
        // ON CONFLICT skips it, and it counts as a duplicate. In batches of lines, so the progress moves.
        var imported = 0;
        for (var from = 0; from <= lastLine; from += InsertChunk)
        {
            imported += await ExecAsync(conn, """
                INSERT INTO leads (id, client_id, campaign_id, first_name, last_name, phone_e164, phone_raw, email,
                                   time_zone, status, attempts, custom_fields, consent_at, consent_source, dial_at, created_at, updated_at)
                SELECT id, $2, $3, first_name, last_name, phone_e164, phone_raw, email, time_zone, 'new', 0,
                       coalesce(custom_fields, '{}'::jsonb), consent_at, consent_source, $4, $4, $4
                FROM import_stage WHERE line >= $5 AND line < $6 ORDER BY line
                ON CONFLICT (campaign_id, phone_e164) DO NOTHING
                """, ct, importId, clientId, campaignId, now, from, from + InsertChunk);
            Volatile.Write(ref state.Imported, imported);
        }

        var inserting = watch.Elapsed;
        var result = new LeadImportResult(rowsRead, imported, inFile + inCampaign + (staged - imported), suppressed, rejected);
        await ExecAsync(conn, """
            UPDATE lead_imports SET status = 'completed', phase = NULL, rows_read = $2, imported = $3, duplicates = $4, suppressed = $5,
                   rejected = $6, bytes_received = $7, finished_at = $8, updated_at = $8
            WHERE id = $1
            """, ct, importId, result.RowsRead, result.Imported, result.Duplicates, result.Suppressed, result.Rejected, source.BytesRead, clock.GetUtcNow());
        await tx.CommitAsync(ct);
        logger.LogInformation("Import {ImportId}: {Rows} rows, {Imported} imported, {Duplicates} duplicates, {Suppressed} suppressed, {Rejected} rejected; staged in {Staging} ms, checked and inserted by {Inserting} ms, committed by {Total} ms",
            importId, result.RowsRead, result.Imported, result.Duplicates, result.Suppressed, result.Rejected,
            (int)staging.TotalMilliseconds, (int)inserting.TotalMilliseconds, (int)watch.Elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>Reader → rule workers → one COPY writer, with bounded queues between them.</summary>
    private static async Task StageAsync(NpgsqlConnection conn, ImportSource source, string region, DateTimeOffset now, Func<int> counted, CancellationToken ct)
    {
        var records = Channel.CreateBounded<(int Line, string[] Fields, string? Error)[]>(new BoundedChannelOptions(8) { SingleWriter = true });
        var rows = Channel.CreateBounded<object[]>(new BoundedChannelOptions(8) { SingleReader = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var read = Task.Run(async () =>
        {
            try
            {
                var batch = new List<(int, string[], string?)>(BatchSize) { (source.FirstLine, source.FirstRecord.ToArray(), source.FirstError) };
                var fields = new List<string>();
                while (await ImportSource.ReadAsync(source.Reader, fields, failed.Token) is { } line)
                {
                    batch.Add((line, fields.ToArray(), source.Reader.RecordError));
                    if (batch.Count == BatchSize)
                    {
                        await records.Writer.WriteAsync(batch.ToArray(), failed.Token);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0) await records.Writer.WriteAsync(batch.ToArray(), failed.Token);
                records.Writer.Complete();
            }
            catch (Exception e)
            {
                records.Writer.Complete(e);
                throw;
            }
        }, failed.Token);

        var workers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in records.Reader.ReadAllAsync(failed.Token))
            {
                var output = new object[batch.Length];
                for (var i = 0; i < batch.Length; i++)
                    output[i] = LeadRowRules.Apply(batch[i].Line, batch[i].Fields, source.Columns, region, batch[i].Error, now);
                await rows.Writer.WriteAsync(output, failed.Token);
            }
        }, failed.Token)).ToArray();
        var allWorkers = Task.WhenAll(workers).ContinueWith(t => rows.Writer.Complete(t.Exception?.InnerException), TaskScheduler.Default);

        try
        {
            await using var copy = await conn.BeginBinaryImportAsync(
                "COPY import_stage (line, id, first_name, last_name, phone_e164, phone_raw, email, time_zone, custom_fields, reject_reason, reject_value, consent_at, consent_source) FROM STDIN (FORMAT BINARY)", ct);
            await foreach (var batch in rows.Reader.ReadAllAsync(ct))
            {
                foreach (var row in batch)
                {
                    await copy.StartRowAsync(ct);
                    if (row is LeadRow lead)
                    {
                        await copy.WriteAsync(lead.Line, NpgsqlDbType.Integer, ct);
                        await copy.WriteAsync(lead.Id, NpgsqlDbType.Uuid, ct);
                        await WriteTextAsync(copy, lead.FirstName, ct);
                        await WriteTextAsync(copy, lead.LastName, ct);
                        await WriteTextAsync(copy, lead.PhoneE164, ct);
                        await WriteTextAsync(copy, lead.PhoneRaw, ct);
                        await WriteTextAsync(copy, lead.Email, ct);
                        await WriteTextAsync(copy, lead.TimeZone, ct);
                        if (lead.CustomFieldsJson is null) await copy.WriteNullAsync(ct);
                        else await copy.WriteAsync(lead.CustomFieldsJson, NpgsqlDbType.Jsonb, ct);
                        await copy.WriteNullAsync(ct);
                        await copy.WriteNullAsync(ct);
                        if (lead.ConsentAt is { } consentAt) await copy.WriteAsync(consentAt, NpgsqlDbType.TimestampTz, ct);
                        else await copy.WriteNullAsync(ct);
                        await WriteTextAsync(copy, lead.ConsentSource, ct);
                    }
                    else
                    {
                        var rejection = (RowRejection)row;
                        await copy.WriteAsync(rejection.Line, NpgsqlDbType.Integer, ct);
                        for (var i = 0; i < 8; i++) await copy.WriteNullAsync(ct);
                        await WriteTextAsync(copy, rejection.Reason, ct);
                        await WriteTextAsync(copy, rejection.Value, ct);
                        await copy.WriteNullAsync(ct);
                        await copy.WriteNullAsync(ct);
                    }
                    counted();
                }
            }
            await copy.CompleteAsync(ct);
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }
        finally
        {
            await Task.WhenAll(read.ContinueWith(_ => { }), allWorkers);
        }
        await read; // rethrows a reading failure (bad encoding, size limit) as the import's error
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);

    /// <summary>What the import is doing, shared by the import and the progress writer.</summary>
    private sealed class Progress
    {
        private int _phase;
        public int RowsRead;
        public int Imported;
        public LeadImportPhase Phase { get => (LeadImportPhase)Volatile.Read(ref _phase); set => Volatile.Write(ref _phase, (int)value); }
    }

    private async Task ReportProgressAsync(Guid importId, Progress state, Func<long> bytes, CancellationToken stop)
    {
        (LeadImportPhase, int, int)? last = null;
        try
        {
            await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, CancellationToken.None);
            while (!stop.IsCancellationRequested)
            {
                var current = (state.Phase, Volatile.Read(ref state.RowsRead), Volatile.Read(ref state.Imported));
                if (current != last)
                {
                    last = current;
                    await using var cmd = new NpgsqlCommand(
                        "UPDATE lead_imports SET phase = $2, rows_read = $3, imported = $4, bytes_received = $5 WHERE id = $1 AND status = 'running'", conn);
                    cmd.Parameters.Add(new NpgsqlParameter { Value = importId });
                    cmd.Parameters.Add(new NpgsqlParameter { Value = SnakeCaseEnum<LeadImportPhase>.ToDb(current.Phase) });
                    cmd.Parameters.Add(new NpgsqlParameter { Value = current.Item2 });
                    cmd.Parameters.Add(new NpgsqlParameter { Value = current.Item3 });
                    cmd.Parameters.Add(new NpgsqlParameter { Value = bytes() });
                    await cmd.ExecuteNonQueryAsync(CancellationToken.None);
                }
                await Task.Delay(ProgressInterval, clock, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // progress is a courtesy: never fail the import for it
            logger.LogWarning(e, "Could not report the progress of import {ImportId}", importId);
        }
    }

    private static async Task<int> ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(ct);
    }
}
