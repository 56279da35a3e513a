using System.Diagnostics;
using System.Text.RegularExpressions;
using Callvia.Core;
using Callvia.Testing.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Bench;

/// <summary>
/// Reminders at scale (bench/reminders.sh, issue 15): <c>reminders-seed</c> fills 100 clients by binary COPY with the
/// appointments and scheduled messages of the budget (100,000 due in the same minute, 1,000,000 scheduled in all) and
/// 100,000 appointments that ended three days ago; <c>reminders</c> runs the fake MessageBird and SendGrid servers the
/// jobs service sends to and reports when each due message reached them; <c>reminders-query</c> times the claim of due
/// messages as the app role; <c>verify-sweep</c> runs the 48-hour verification sweep over the ended appointments.
/// </summary>
public static partial class ReminderBenchmark
{
    public const string SmsKey = "live_bench_messagebird_key";
    public const string EmailKey = "SG.bench_sendgrid_key";
    private static readonly DateTime Placeholder = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> SeedAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var clients = int.Parse(o.GetValueOrDefault("clients", "100"));
        var due = int.Parse(o.GetValueOrDefault("due", "100000"));
        var scheduled = int.Parse(o.GetValueOrDefault("scheduled", "1000000"));
        var ended = int.Parse(o.GetValueOrDefault("ended", "100000"));
        var dueIn = TimeSpan.FromSeconds(int.Parse(o.GetValueOrDefault("due-in", "90")));
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        await using var conn = await super.OpenConnectionAsync();
        var watch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        // every lead's zone is one where it is early afternoon now: nothing here falls in the SMS quiet hours
        var offset = 13 - now.Hour;                       // hours east of UTC where it is 13:00 now
        if (offset > 14) offset -= 24;
        if (offset < -12) offset += 24;
        var zone = offset == 0 ? "Etc/UTC" : offset > 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}"; // (the Etc signs are inverted)

        var ids = new List<(Guid Client, Guid Campaign)>();
        for (var c = 0; c < clients; c++)
        {
            var (client, campaign) = (Guid.CreateVersion7(), Guid.CreateVersion7());
            await using var cmd = new NpgsqlCommand($"""
                INSERT INTO clients (id, slug, name, status, time_zone, default_region, rate_per_minute, milestone_size, milestone_amount, currency,
                                     booking_url, dialer_stopped_at, created_at, updated_at)
                VALUES ('{client}', 'bench-r{c:D3}', 'Bench Clinic {c:D3}', 'active', 'America/New_York', 'US', 0.20, 25, 2000, 'usd',
                        'https://cal.example.com/bench-r{c:D3}/visit', now(), now(), now());
                INSERT INTO campaigns (id, client_id, name, status, call_window_start, call_window_end, max_concurrent_calls, max_attempts, created_at, updated_at)
                VALUES ('{campaign}', '{client}', 'Reminders', 'paused', '09:00', '17:00', 1, 1, now(), now());
                """, conn);
            await cmd.ExecuteNonQueryAsync();
            ids.Add((client, campaign));
        }

        // leads: one per due message and one per ended appointment, in each client
        var perClientDue = due / clients;
        var perClientEnded = ended / clients;
        var leads = new List<(Guid Id, Guid Client, string Phone)>(clients * (perClientDue + perClientEnded));
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY leads (id, client_id, campaign_id, first_name, phone_e164, phone_raw, time_zone, status, attempts, custom_fields, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            var n = 0L;
            foreach (var (client, campaign) in ids)
                for (var i = 0; i < perClientDue + perClientEnded; i++, n++)
                {
                    var phone = "+1" + (3_000_000_000L + n * 7919L % 6_000_000_000L);
                    var id = Guid.CreateVersion7();
                    leads.Add((id, client, phone));
                    await w.StartRowAsync();
                    await w.WriteAsync(id, NpgsqlDbType.Uuid);
                    await w.WriteAsync(client, NpgsqlDbType.Uuid);
                    await w.WriteAsync(campaign, NpgsqlDbType.Uuid);
                    await w.WriteAsync("Dana", NpgsqlDbType.Varchar);
                    await w.WriteAsync(phone, NpgsqlDbType.Varchar);
                    await w.WriteAsync(phone, NpgsqlDbType.Varchar);
                    await w.WriteAsync(zone, NpgsqlDbType.Varchar);
                    await w.WriteAsync("booked", NpgsqlDbType.Varchar);
                    await w.WriteAsync(1, NpgsqlDbType.Integer);
                    await w.WriteAsync("{}", NpgsqlDbType.Jsonb);
                    await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
            await w.CompleteAsync();
        }

        // appointments: the due reminders' (in 2 h: the 2 h text; one in five in 24 h: its email), then the ended ones
        var appointments = new List<(Guid Id, Guid Client, Guid Lead, string Phone, bool Email)>();
        var calls = new List<(Guid Client, Guid Lead, DateTime Start)>();
        var answered = new HashSet<Guid>();
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY appointments (id, client_id, lead_id, provider_booking_uid, starts_at, ends_at, status, attendee_email, lead_answer, created_at, updated_at, booked_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            var k = 0;
            foreach (var group in leads.GroupBy(l => l.Client))
            {
                var i = 0;
                foreach (var lead in group)
                {
                    var dueOne = i++ < perClientDue;
                    var id = Guid.CreateVersion7();
                    var email = dueOne && k % 5 == 0;
                    DateTime starts = dueOne ? (email ? now.AddHours(24) : now.AddHours(2)) : now.AddDays(-3).AddMinutes(-(k % 600));
                    var leadAnswer = !dueOne && k % 10 < 3;
                    if (!dueOne && k % 10 is >= 3 and < 6) calls.Add((lead.Client, lead.Id, starts.AddMinutes(5)));
                    if (dueOne) appointments.Add((id, lead.Client, lead.Id, lead.Phone, email));
                    await w.StartRowAsync();
                    await w.WriteAsync(id, NpgsqlDbType.Uuid);
                    await w.WriteAsync(lead.Client, NpgsqlDbType.Uuid);
                    await w.WriteAsync(lead.Id, NpgsqlDbType.Uuid);
                    await w.WriteAsync($"bench-{id:N}", NpgsqlDbType.Varchar);
                    await w.WriteAsync(starts, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(starts.AddMinutes(30), NpgsqlDbType.TimestampTz);
                    await w.WriteAsync("booked", NpgsqlDbType.Varchar);
                    await w.WriteAsync($"lead{k}@example.com", NpgsqlDbType.Varchar);
                    if (leadAnswer) await w.WriteAsync(true, NpgsqlDbType.Boolean); else await w.WriteNullAsync();
                    await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(now.AddDays(-5), NpgsqlDbType.TimestampTz);
                    k++;
                }
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY call_logs (id, client_id, lead_id, provider_call_id, status, direction, started_at, ended_at, duration_seconds, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            foreach (var (client, lead, start) in calls)
            {
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                await w.WriteAsync(lead, NpgsqlDbType.Uuid);
                await w.WriteAsync("call_bench_" + Guid.NewGuid().ToString("N"), NpgsqlDbType.Varchar);
                await w.WriteAsync("ended", NpgsqlDbType.Varchar);
                await w.WriteAsync("outbound", NpgsqlDbType.Varchar);
                await w.WriteAsync(start, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(start.AddSeconds(120), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(120, NpgsqlDbType.Integer);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }

        // messages: the due ones (at a placeholder time, set to the due time at the end), then the rest of the million in the coming 30 days
        var random = new Random(15);
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY messages (id, client_id, lead_id, appointment_id, kind, channel, direction, status, to_address, subject, body, scheduled_for, created_at, updated_at)
            FROM STDIN (FORMAT binary)
            """))
        {
            async Task RowAsync(Guid client, Guid lead, Guid? appointment, string kind, bool email, string to, DateTime at)
            {
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(client, NpgsqlDbType.Uuid);
                await w.WriteAsync(lead, NpgsqlDbType.Uuid);
                if (appointment is { } a) await w.WriteAsync(a, NpgsqlDbType.Uuid); else await w.WriteNullAsync();
                await w.WriteAsync(kind, NpgsqlDbType.Varchar);
                await w.WriteAsync(email ? "email" : "sms", NpgsqlDbType.Varchar);
                await w.WriteAsync("outbound", NpgsqlDbType.Varchar);
                await w.WriteAsync("scheduled", NpgsqlDbType.Varchar);
                await w.WriteAsync(to, NpgsqlDbType.Varchar);
                if (email) await w.WriteAsync("Your appointment", NpgsqlDbType.Varchar); else await w.WriteNullAsync();
                await w.WriteAsync("(rendered when sent)", NpgsqlDbType.Varchar);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            var k = 0;
            foreach (var a in appointments)
                await RowAsync(a.Client, a.Lead, a.Id, a.Email ? "reminder_24h" : "reminder_2h", a.Email, a.Email ? $"lead{k++}@example.com" : a.Phone, Placeholder);
            for (var i = appointments.Count; i < scheduled; i++)
            {
                var lead = leads[random.Next(leads.Count)];
                await RowAsync(lead.Client, lead.Id, null, "reminder_15m", false, lead.Phone, now.AddHours(1).AddSeconds(random.Next(30 * 24 * 3600)));
            }
            await w.CompleteAsync();
        }
        var dueAt = DateTime.UtcNow + dueIn;
        dueAt = new DateTime(dueAt.Ticks - dueAt.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        await using (var cmd = new NpgsqlCommand("UPDATE messages SET scheduled_for = $1 WHERE scheduled_for = $2", conn)
            { Parameters = { new() { Value = dueAt }, new() { Value = Placeholder } } })
            await cmd.ExecuteNonQueryAsync();
        await using (var cmd = new NpgsqlCommand("VACUUM ANALYZE messages; ANALYZE leads; ANALYZE appointments; ANALYZE call_logs", conn)) await cmd.ExecuteNonQueryAsync();
        Console.Error.WriteLine($"  {clients} clients: {appointments.Count:N0} messages due at {dueAt:HH:mm:ss} UTC ({appointments.Count(a => a.Email):N0} emails), " +
                                $"{scheduled:N0} scheduled in all, {leads.Count - appointments.Count:N0} appointments ended 3 days ago ({calls.Count:N0} with a call); {watch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine(dueAt.ToString("O"));
        return 0;
    }

    [GeneratedRegex("\"(?:reference|message_id)\"\\s*:\\s*\"([0-9a-f-]{36})\"")]
    private static partial Regex MessageId();

    public static async Task<int> RunAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var dueAt = DateTimeOffset.Parse(o["due-at"], System.Globalization.CultureInfo.InvariantCulture);
        var budget = TimeSpan.FromSeconds(int.Parse(o.GetValueOrDefault("budget-s", "60")));
        await using var sms = await FakeMessageBird.StartNewAsync(int.Parse(o["sms-port"]), SmsKey);
        await using var email = await FakeSendGrid.StartNewAsync(int.Parse(o["email-port"]), EmailKey);
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        var dueIds = new HashSet<Guid>();
        await using (var conn = await super.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand("SELECT id FROM messages WHERE scheduled_for = $1 AND status = 'scheduled'", conn) { Parameters = { new() { Value = dueAt } } })
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) dueIds.Add(r.GetGuid(0));
        Console.Error.WriteLine($"  fakes listening; {dueIds.Count:N0} messages due at {dueAt:HH:mm:ss} (in {(dueAt - DateTimeOffset.UtcNow).TotalSeconds:F0} s)");

        List<(Guid Id, DateTimeOffset At)> Arrivals() =>
            [.. sms.Received.Concat(email.Received).Select(x => (Match: MessageId().Match(x.RawBody), x.At))
                .Where(x => x.Match.Success).Select(x => (Guid.Parse(x.Match.Groups[1].Value), x.At))];
        var deadline = dueAt + budget + TimeSpan.FromSeconds(60);
        while (DateTimeOffset.UtcNow < deadline && Arrivals().Select(a => a.Id).Where(dueIds.Contains).Distinct().Count() < dueIds.Count)
            await Task.Delay(500);
        await Task.Delay(2000); // anything sent twice arrives too
        var arrivals = Arrivals().Where(a => dueIds.Contains(a.Id)).ToList();
        var first = arrivals.GroupBy(a => a.Id).Select(g => g.Min(a => a.At)).ToList();
        var twice = arrivals.GroupBy(a => a.Id).Count(g => g.Count() > 1);
        var late = first.Select(at => (at - dueAt).TotalSeconds).Order().ToList();
        var withinBudget = late.Count(s => s <= budget.TotalSeconds);
        long sent;
        await using (var conn = await super.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM messages WHERE scheduled_for = $1 AND status = 'sent'", conn) { Parameters = { new() { Value = dueAt } } })
            sent = (long)(await cmd.ExecuteScalarAsync())!;
        double P(double q) => late.Count == 0 ? double.NaN : late[Math.Min(late.Count - 1, (int)(q * late.Count))];
        Console.WriteLine();
        Console.WriteLine($"Reminders: {dueIds.Count:N0} due at the same second across the clients, sent by one jobs-service instance to fake MessageBird and SendGrid on loopback");
        Table.Print(["figure", "measured", "baseline", "budget"],
        [
            ["handed to the providers within 60 s of their due time", $"{withinBudget:N0} of {dueIds.Count:N0}", "-", "all"],
            ["lateness (arrival at the provider - due time): p50 / p99 / max", $"{P(0.5):F1} / {P(0.99):F1} / {(late.Count == 0 ? double.NaN : late[^1]):F1} s", "-", "max <= 60 s"],
            ["handed over twice", $"{twice:N0}", "-", "0"],
            ["recorded SENT", $"{sent:N0}", "-", $"{dueIds.Count:N0}"],
            ["rate (due count / last arrival)", late.Count == 0 ? "-" : $"{dueIds.Count / Math.Max(0.001, late[^1]):N0} messages/s", "-", $">= {dueIds.Count / budget.TotalSeconds:N0}/s"],
        ]);
        var ok = withinBudget == dueIds.Count && twice == 0 && sent == dueIds.Count;
        Console.WriteLine(ok ? "budget met" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }

    /// <summary>The claim of due messages (<c>app_claim_due_messages</c>, a batch as the dispatcher takes it) as the app role, in transactions rolled back.</summary>
    public static async Task<int> QueryAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var runs = int.Parse(o.GetValueOrDefault("runs", "1000"));
        var budget = double.Parse(o.GetValueOrDefault("budget-ms", "20"), System.Globalization.CultureInfo.InvariantCulture);
        long scheduled, due;
        await using (var super = new NpgsqlDataSourceBuilder(o["super"]).Build())
        await using (var sc = await super.OpenConnectionAsync())
        {
            // the due ones back as they were before sending: 100,000 due, the rest in the coming month
            await using (var reset = new NpgsqlCommand("UPDATE messages SET status = 'scheduled', claimed_at = NULL, provider_message_id = NULL, sent_at = NULL WHERE status IN ('sent', 'simulated') AND scheduled_for <= now()", sc))
                await reset.ExecuteNonQueryAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE scheduled_for <= now()) FROM messages WHERE status = 'scheduled' AND claimed_at IS NULL", sc);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            (scheduled, due) = (r.GetInt64(0), r.GetInt64(1));
        }
        await using var app = new NpgsqlDataSourceBuilder(o["app"]).Build();
        await using var conn = await app.OpenConnectionAsync();
        var times = new List<double>();
        for (var i = 0; i < runs + 20; i++)
        {
            await using var tx = await conn.BeginTransactionAsync();
            var watch = Stopwatch.StartNew();
            await using (var cmd = new NpgsqlCommand($"SELECT id, client_id FROM app_claim_due_messages(now(), {Jobs.Messaging.ScheduledMessageDispatcher.ClaimSize})", conn, tx))
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) { }
            if (i >= 20) times.Add(watch.Elapsed.TotalMilliseconds);
            await tx.RollbackAsync();
        }
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)(q * times.Count))];
        Console.WriteLine();
        Console.WriteLine($"The claim of due messages ({Jobs.Messaging.ScheduledMessageDispatcher.ClaimSize} at a time, FOR UPDATE SKIP LOCKED) at {scheduled:N0} scheduled messages ({due:N0} due), {runs} runs as the app role");
        Table.Print(["figure", "measured", "budget"], [["p50", $"{P(0.50):F2} ms", "-"], ["p99", $"{P(0.99):F2} ms", $"< {budget} ms"], ["max", $"{times[^1]:F2} ms", "-"]]);
        var ok = P(0.99) < budget;
        Console.WriteLine(ok ? "budget met" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }

    /// <summary>The jobs service's 48-hour sweep (<see cref="Jobs.Appointments.VerificationSweep"/>) in this process, on the configured database.</summary>
    public static async Task<int> SweepAsync(string[] args)
    {
        var o = KpiSeed.Options(args);
        var budget = TimeSpan.FromSeconds(int.Parse(o.GetValueOrDefault("budget-s", "30")));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.AddCallviaCore();
        using var host = builder.Build();
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        async Task<long> DueAsync()
        {
            await using var conn = await super.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM appointments WHERE status = 'booked' AND ends_at <= now() - interval '48 hours'", conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        var before = await DueAsync();
        var sweep = ActivatorUtilities.CreateInstance<Jobs.Appointments.VerificationSweep>(host.Services);
        var watch = Stopwatch.StartNew();
        var result = await sweep.RunAsync(CancellationToken.None);
        var elapsed = watch.Elapsed;
        var left = await DueAsync();
        long rebook;
        await using (var conn = await super.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM messages WHERE kind LIKE 'rebook%'", conn))
            rebook = (long)(await cmd.ExecuteScalarAsync())!;
        Console.WriteLine();
        Console.WriteLine($"The 48-hour verification sweep over {before:N0} appointments due (ended 3 days ago; 30 % the lead's YES, 30 % a call, 40 % no-shows)");
        Table.Print(["figure", "measured", "budget"],
        [
            ["sweep time", $"{elapsed.TotalSeconds:F1} s", $"< {budget.TotalSeconds:F0} s"],
            ["verified: shown / no-show", $"{result.Verified:N0}: {result.Shown:N0} / {result.NoShows:N0}", $"{before:N0}"],
            ["rate", $"{result.Verified / Math.Max(0.001, elapsed.TotalSeconds):N0} appointments/s", "-"],
            ["rebook messages planned", $"{rebook:N0}", "3 per no-show"],
            ["still due after the sweep", $"{left:N0}", "0"],
        ]);
        var ok = elapsed < budget && left == 0 && result.Verified == before;
        Console.WriteLine(ok ? "budget met" : "BUDGET MISSED");
        return ok ? 0 : 1;
    }
}
