using System.Diagnostics;
using Callvia.Core.Billing;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Bench;

/// <summary>
/// Fills one tenant with a year's worth of activity by binary COPY, as the superuser (COPY FROM refuses
/// tables under row-level security for the app role): leads over the tenant's campaigns and the last 13
/// months, call logs of those leads (~60% connected, with their usage records) and appointments
/// (booked / shown / no-show / cancelled, some rescheduled). Every constraint of the schema holds;
/// the statement-level trigger on leads keeps campaign_lead_counts (one COPY is one statement).
/// </summary>
public static class KpiSeed
{
    private static readonly string[] FirstNames =
    [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy",
        "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
        "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Dorothy", "George", "Melissa",
        "Timothy", "Deborah", "Ronald", "Stephanie", "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
        "Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna", "Stephen", "Brenda",
        "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen", "Benjamin", "Samantha", "Samuel", "Katherine",
    ];

    // Common surnames first: the generator draws them with a skew, so some are frequent, some rare.
    private static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
        "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
        "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
        "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
        "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
        "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood", "James",
        "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long",
        "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson",
        "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
        "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran",
        "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald",
        "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns",
        "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon",
        "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox",
        "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver",
        "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold", "Pierce", "Vazquez", "Hansen",
        "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll",
        "Lane", "Riley", "Andrews", "Alvarado", "Ray", "Delgado", "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Pena",
        "Whitfield", "Okonkwo", "Lindqvist", "Abernathy", "Quintero",
    ];

    private sealed record LeadRow(Guid Id, int Campaign, DateTime CreatedAt, string Status, string Phone);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options(args);
        var slug = o.GetValueOrDefault("tenant", "acme");
        var nLeads = int.Parse(o.GetValueOrDefault("leads", "1000000"));
        var nCalls = int.Parse(o.GetValueOrDefault("calls", "200000"));
        var nAppointments = int.Parse(o.GetValueOrDefault("appointments", "20000"));
        await using var super = new NpgsqlDataSourceBuilder(o["super"]).Build();
        var rng = new Random(20261124);
        var now = DateTime.UtcNow;
        var start = now.AddMonths(-13);
        var span = (now - start).TotalSeconds;

        await using var conn = await super.OpenConnectionAsync();
        Guid clientId; decimal rate;
        await using (var cmd = new NpgsqlCommand("SELECT id, rate_per_minute FROM clients WHERE slug = $1", conn) { Parameters = { new() { Value = slug } } })
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            if (!await r.ReadAsync()) { Console.Error.WriteLine($"no client '{slug}'"); return 2; }
            (clientId, rate) = (r.GetGuid(0), r.GetDecimal(1));
        }
        var campaigns = new List<Guid>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM campaigns WHERE client_id = $1 ORDER BY created_at, id", conn) { Parameters = { new() { Value = clientId } } })
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) campaigns.Add(r.GetGuid(0));
        Console.Error.WriteLine($"seeding '{slug}' ({clientId}): {nLeads:N0} leads over {campaigns.Count} campaigns, {nCalls:N0} calls, {nAppointments:N0} appointments");

        var total = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();

        // ---- leads
        var leads = new LeadRow[nLeads];
        var statuses = new (string Status, int Weight)[] { ("new", 50), ("contacted", 24), ("callback", 12), ("booked", 7), ("dnc", 7) };
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY leads (id, client_id, campaign_id, first_name, last_name, phone_e164, phone_raw, email, time_zone, status, attempts,
                        last_attempt_at, next_attempt_at, custom_fields, opted_out_at, created_at, updated_at) FROM STDIN (FORMAT binary)
            """))
        {
            for (var i = 0; i < nLeads; i++)
            {
                var created = start.AddSeconds(rng.NextDouble() * span);
                var status = Pick(rng, statuses);
                // 10 digits, unique per lead (7919 is prime to 6e9: a bijection), away from the demo seed's +1212555xxxx
                var national = 2_000_000_000L + i * 7919L % 6_000_000_000L;
                if (national / 10_000 == 212_555) national += 6_000_000_000L; // -> 8125555xxxx, outside the generated range
                var phone = "+1" + national;
                var digits = national.ToString();
                var first = FirstNames[rng.Next(FirstNames.Length)];
                var last = LastNames[Math.Min(LastNames.Length - 1, (int)(LastNames.Length * Math.Pow(rng.NextDouble(), 1.6)))];
                var campaign = rng.Next(100) < 50 ? 0 : rng.Next(campaigns.Count);
                var attempts = status == "new" ? 0 : 1 + rng.Next(3);
                var lastAttempt = attempts == 0 ? (DateTime?)null : Min(created.AddHours(1 + rng.Next(24 * 20)), now);
                leads[i] = new LeadRow(Guid.CreateVersion7(new DateTimeOffset(created)), campaign, created, status, phone);

                await w.StartRowAsync();
                await w.WriteAsync(leads[i].Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(clientId, NpgsqlDbType.Uuid);
                await w.WriteAsync(campaigns[campaign], NpgsqlDbType.Uuid);
                await w.WriteAsync(first, NpgsqlDbType.Varchar);
                await w.WriteAsync(last, NpgsqlDbType.Varchar);
                await w.WriteAsync(phone, NpgsqlDbType.Varchar);
                await w.WriteAsync($"({digits[..3]}) {digits[3..6]}-{digits[6..]}", NpgsqlDbType.Varchar);
                if (rng.Next(10) < 7) await w.WriteAsync($"{first}.{last}{i}@example.com".ToLowerInvariant(), NpgsqlDbType.Varchar); else await w.WriteNullAsync();
                await w.WriteAsync("America/New_York", NpgsqlDbType.Varchar);
                await w.WriteAsync(status, NpgsqlDbType.Varchar);
                await w.WriteAsync(attempts, NpgsqlDbType.Integer);
                await WriteTime(w, lastAttempt);
                await WriteTime(w, status == "callback" && lastAttempt is { } la ? la.AddHours(4) : null);
                await w.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await WriteTime(w, status == "dnc" ? lastAttempt ?? created : null);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(lastAttempt ?? created, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        Console.Error.WriteLine($"  leads: {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();

        // ---- call logs (+ usage records of connected calls); leads that were worked get the calls
        var worked = leads.Where(l => l.Status != "new").ToArray();
        var connectedCalls = new List<(Guid Id, int Seconds, DateTime EndedAt)>(nCalls * 2 / 3);
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY call_logs (id, client_id, campaign_id, lead_id, provider_call_id, status, direction, from_number, to_number,
                            started_at, ended_at, duration_seconds, disconnection_reason, summary, sentiment, outcome, created_at, updated_at) FROM STDIN (FORMAT binary)
            """))
        {
            for (var i = 0; i < nCalls; i++)
            {
                var lead = worked[rng.Next(worked.Length)];
                var created = Min(lead.CreatedAt.AddSeconds(rng.NextDouble() * 20 * 86400), now.AddMinutes(-5));
                var connected = rng.Next(100) < 60;
                var seconds = connected ? 15 + (int)(rng.NextDouble() * rng.NextDouble() * 600) : 0;
                DateTime? started = connected ? created.AddSeconds(8) : null;
                DateTime? ended = connected ? started!.Value.AddSeconds(seconds) : created.AddSeconds(30);
                var id = Guid.CreateVersion7(new DateTimeOffset(created));
                if (connected) connectedCalls.Add((id, seconds, ended!.Value));

                await w.StartRowAsync();
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(clientId, NpgsqlDbType.Uuid);
                await w.WriteAsync(campaigns[lead.Campaign], NpgsqlDbType.Uuid);
                await w.WriteAsync(lead.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync($"call_bench_{i}", NpgsqlDbType.Varchar);
                await w.WriteAsync("ended", NpgsqlDbType.Varchar);
                await w.WriteAsync("outbound", NpgsqlDbType.Varchar);
                await w.WriteAsync("+12125550100", NpgsqlDbType.Varchar);
                await w.WriteAsync(lead.Phone, NpgsqlDbType.Varchar);
                await WriteTime(w, started);
                await WriteTime(w, ended);
                if (connected) await w.WriteAsync(seconds, NpgsqlDbType.Integer); else await w.WriteNullAsync();
                await w.WriteAsync(connected ? "user_hangup" : rng.Next(2) == 0 ? "dial_no_answer" : "voicemail_reached", NpgsqlDbType.Varchar);
                if (connected) await w.WriteAsync("Bench call", NpgsqlDbType.Text); else await w.WriteNullAsync();
                if (connected) await w.WriteAsync(rng.Next(3) switch { 0 => "Positive", 1 => "Neutral", _ => "Negative" }, NpgsqlDbType.Varchar); else await w.WriteNullAsync();
                await w.WriteAsync(connected ? (lead.Status == "booked" ? "appointment_set" : "callback") : "no_answer", NpgsqlDbType.Varchar);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(ended ?? created, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY usage_records (id, client_id, call_log_id, seconds, rate_per_minute, cost, occurred_at, created_at) FROM STDIN (FORMAT binary)"))
        {
            foreach (var (id, seconds, endedAt) in connectedCalls)
            {
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(new DateTimeOffset(endedAt)), NpgsqlDbType.Uuid);
                await w.WriteAsync(clientId, NpgsqlDbType.Uuid);
                await w.WriteAsync(id, NpgsqlDbType.Uuid);
                await w.WriteAsync(seconds, NpgsqlDbType.Integer);
                await w.WriteAsync(rate, NpgsqlDbType.Numeric);
                await w.WriteAsync(UsageCost.Of(seconds, rate), NpgsqlDbType.Numeric);
                await w.WriteAsync(endedAt, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(endedAt, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        Console.Error.WriteLine($"  calls: {watch.Elapsed.TotalSeconds:F1} s ({connectedCalls.Count:N0} connected, with usage records)");
        watch.Restart();

        // ---- appointments: booked leads first; ~6% are reschedules of the one before (same lead, original cancelled)
        var bookable = leads.Where(l => l.Status is "booked" or "callback" or "contacted").OrderBy(l => l.Status == "booked" ? 0 : 1).ToArray();
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY appointments (id, client_id, lead_id, campaign_id, provider_booking_uid, rescheduled_from_uid, title, starts_at, ends_at, status,
                               attendee_name, attendee_email, attendee_phone, attendee_time_zone, verification_source, verified_at, cancelled_at,
                               created_at, updated_at) FROM STDIN (FORMAT binary)
            """))
        {
            var i = 0;
            var l = 0;
            while (i < nAppointments)
            {
                var lead = bookable[l++ % bookable.Length];
                var created = Min(lead.CreatedAt.AddSeconds(rng.NextDouble() * 15 * 86400), now.AddHours(-1));
                var reschedule = i + 1 < nAppointments && rng.Next(100) < 6;
                var chain = reschedule ? 2 : 1;
                string? previousUid = null;
                for (var k = 0; k < chain; k++, i++)
                {
                    var uid = $"bk_bench_{i}";
                    var bookedAt = k == 0 ? created : Min(created.AddHours(2 + rng.Next(48)), now);
                    var starts = bookedAt.Date.AddDays(1 + rng.Next(14)).AddHours(13 + rng.Next(8));
                    string status; string? source = null; DateTime? verifiedAt = null, cancelledAt = null;
                    if (k == 0 && reschedule) { status = "cancelled"; cancelledAt = bookedAt.AddHours(2); }
                    else if (starts.AddMinutes(30) > now) status = rng.Next(100) < 8 ? "cancelled" : "booked";
                    else
                    {
                        var p = rng.Next(100);
                        status = p < 58 ? "shown" : p < 83 ? "no_show" : p < 93 ? "cancelled" : "booked";
                        if (status is "shown" or "no_show") { source = status == "shown" ? "client" : "none"; verifiedAt = starts.AddHours(3); }
                    }
                    if (status == "cancelled") cancelledAt ??= Min(starts.AddHours(-6), now);
                    await w.StartRowAsync();
                    await w.WriteAsync(Guid.CreateVersion7(new DateTimeOffset(bookedAt)), NpgsqlDbType.Uuid);
                    await w.WriteAsync(clientId, NpgsqlDbType.Uuid);
                    await w.WriteAsync(lead.Id, NpgsqlDbType.Uuid);
                    await w.WriteAsync(campaigns[lead.Campaign], NpgsqlDbType.Uuid);
                    await w.WriteAsync(uid, NpgsqlDbType.Varchar);
                    if (previousUid is null) await w.WriteNullAsync(); else await w.WriteAsync(previousUid, NpgsqlDbType.Varchar);
                    await w.WriteAsync("Consultation", NpgsqlDbType.Varchar);
                    await w.WriteAsync(starts, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(starts.AddMinutes(30), NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(status, NpgsqlDbType.Varchar);
                    await w.WriteAsync("Bench attendee", NpgsqlDbType.Varchar);
                    await w.WriteNullAsync();
                    await w.WriteAsync(lead.Phone, NpgsqlDbType.Varchar);
                    await w.WriteAsync("America/New_York", NpgsqlDbType.Varchar);
                    if (source is null) await w.WriteNullAsync(); else await w.WriteAsync(source, NpgsqlDbType.Varchar);
                    await WriteTime(w, verifiedAt);
                    await WriteTime(w, cancelledAt);
                    await w.WriteAsync(bookedAt, NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(Max(bookedAt, verifiedAt ?? cancelledAt ?? bookedAt), NpgsqlDbType.TimestampTz);
                    previousUid = uid;
                }
            }
            await w.CompleteAsync();
        }
        Console.Error.WriteLine($"  appointments: {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        // What autovacuum does after a bulk load (PostgreSQL 13+ vacuums after inserts too): statistics and the visibility
        // map, for every table (the rollups the triggers filled too). Then a checkpoint, and no autovacuum worker left:
        // the reads are measured on a database at rest, not beside the load's aftermath (which doubled the figures).
        await using (var cmd = new NpgsqlCommand("VACUUM ANALYZE", conn) { CommandTimeout = 900 })
            await cmd.ExecuteNonQueryAsync();
        await using (var cmd = new NpgsqlCommand("CHECKPOINT", conn) { CommandTimeout = 900 })
            await cmd.ExecuteNonQueryAsync();
        for (var i = 0; i < 120; i++)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'", conn);
            if ((long)(await cmd.ExecuteScalarAsync())! == 0) break;
            await Task.Delay(1000);
        }
        Console.Error.WriteLine($"  VACUUM ANALYZE, CHECKPOINT, autovacuum done: {watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"generated {nLeads:N0} leads, {nCalls:N0} call logs ({connectedCalls.Count:N0} usage records), {nAppointments:N0} appointments in {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static string Pick(Random rng, (string Value, int Weight)[] choices)
    {
        var x = rng.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices) { if (x < weight) return value; x -= weight; }
        return choices[^1].Value;
    }

    private static async Task WriteTime(NpgsqlBinaryImporter w, DateTime? value)
    {
        if (value is { } v) await w.WriteAsync(v, NpgsqlDbType.TimestampTz); else await w.WriteNullAsync();
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    internal static Dictionary<string, string> Options(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        return map;
    }
}
