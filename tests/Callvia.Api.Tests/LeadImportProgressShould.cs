using System.Net;
using System.Text;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>The leadImportProgress subscription over a real socket, following an import fed over REST.</summary>
[Collection(ApiCollection.Name)]
public sealed class LeadImportProgressShould(ApiFixture fixture)
{
    private const string Subscription = "subscription($id: ID!) { leadImportProgress(id: $id) { id status rowsRead imported rejected } }";

    [Fact]
    public async Task Push_the_import_while_it_waits_and_runs_then_its_result_and_complete()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var token = await api.TokenAsync(tenant);
        var (_, started) = await api.GraphQLAsync("mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id uploadUrl } } }",
            new { c = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[1]) }, token);
        var import = started.GetProperty("data").GetProperty("startLeadImport").GetProperty("leadImport");
        var id = import.GetProperty("id").GetString()!;

        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, tenant.Slug, token);
        await ws.SubscribeAsync("p", Subscription, new { id });
        var first = await ws.NextAsync();
        Assert.Equal("AWAITING_UPLOAD", Progress(first).GetProperty("status").GetString());

        var csv = new StringBuilder("phone,first_name\n");
        for (var i = 0; i < 2000; i++) csv.Append($"+1415555{i:0000},Lead{i}\n");
        csv.Append("not-a-phone,Bad\n");
        var (response, _) = await api.ImportAsync(token, Guid.Empty, csv.ToString(), path: import.GetProperty("uploadUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // then pushes until the result, and complete
        JsonElement last = first;
        while (true)
        {
            var message = await ws.NextAsync(TimeSpan.FromSeconds(10));
            if (message.GetProperty("type").GetString() == "complete") break;
            Assert.Equal("next", message.GetProperty("type").GetString());
            last = message;
        }
        var result = Progress(last);
        Assert.Equal("COMPLETED", result.GetProperty("status").GetString());
        Assert.Equal((2001, 2000, 1), (result.GetProperty("rowsRead").GetInt32(), result.GetProperty("imported").GetInt32(), result.GetProperty("rejected").GetInt32()));
        Assert.Equal(id, result.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Answer_NOT_FOUND_for_another_clients_import_and_a_finished_import_at_once()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var tokenB = await apiB.TokenAsync(b);
        var (_, started) = await apiB.GraphQLAsync("mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id } } }",
            new { c = GlobalId.Encode(CampaignGraphType.TypeName, b.CampaignIds[1]) }, tokenB);
        var theirs = started.GetProperty("data").GetProperty("startLeadImport").GetProperty("leadImport").GetProperty("id").GetString()!;

        using var apiA = fixture.Api.CreateClient(a.Slug);
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, await apiA.TokenAsync(a));
        await ws.SubscribeAsync("x", Subscription, new { id = theirs });
        var refused = await ws.NextAsync();
        Assert.Contains("NOT_FOUND", refused.ToString());
        Assert.DoesNotContain("AWAITING_UPLOAD", refused.ToString());
    }

    private static JsonElement Progress(JsonElement message) =>
        message.GetProperty("payload").GetProperty("data").GetProperty("leadImportProgress");
}

/// <summary>The progress of a running import, as REST, GraphQL and the subscription show it, while the file streams in and after.</summary>
[Collection(ApiCollection.Name)]
public sealed class LeadImportPhasesShould(ApiFixture fixture)
{
    [Fact]
    public async Task Move_the_progress_while_the_file_streams_in_and_name_each_phase_in_order()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var token = await api.TokenAsync(tenant);
        var (_, created) = await api.PostJsonWithTokenAsync(token, "/api/leads/imports", new { campaignId = tenant.CampaignIds[1].ToString() });
        var importId = created.GetProperty("importId").GetString()!;
        // every change of the import row, as the database saw it (phase and counters), in commit order
        var log = "phases_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.ExecuteAsync($"""
            CREATE TABLE {log} (n serial, phase text, status text, rows_processed int, imported int);
            CREATE FUNCTION {log}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN
              IF NEW.id = '{importId}' THEN INSERT INTO {log} (phase, status, rows_processed, imported) VALUES (NEW.phase, NEW.status, NEW.rows_read, NEW.imported); END IF;
              RETURN NEW; END $$;
            CREATE TRIGGER {log} AFTER UPDATE ON lead_imports FOR EACH ROW EXECUTE FUNCTION {log}();
            """);
        const int Rows = 60_000;
        var csv = new StringBuilder("phone,first_name\n");
        for (var i = 0; i < Rows; i++) csv.Append($"+1415{i / 10000 + 200:000}{i % 10000:0000},Lead{i}\n");
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());

        // the file arrives over about two seconds; meanwhile REST and GraphQL are asked for the progress
        var seen = new List<(string Phase, int Rows)>();
        using var done = new CancellationTokenSource();
        var poll = Task.Run(async () =>
        {
            using var poller = fixture.Api.CreateClient(tenant.Slug);
            while (!done.IsCancellationRequested)
            {
                var view = await poller.GetJsonAsync(token, $"/api/leads/imports/{importId}");
                var (_, gql) = await poller.GraphQLAsync("query($id: ID!) { leadImport(id: $id) { phase rowsProcessed } }", new { id = importId }, token);
                // GraphQL takes the id REST answered (the UUID) as well as its own
                Assert.Equal(JsonValueKind.Object, gql.GetProperty("data").GetProperty("leadImport").ValueKind);
                lock (seen) seen.Add((view.GetProperty("phase").ToString(), view.GetProperty("rowsProcessed").GetInt32()));
                await Task.Delay(100);
            }
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/imports/{importId}/file") { Content = new TrickleContent(bytes, chunks: 20, pause: TimeSpan.FromMilliseconds(100)) };
        request.Content.Headers.ContentType = new("text/csv");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await api.SendAsync(request);
        await done.CancelAsync();
        await poll;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // while uploading, the rows read so far moved in several steps between none and all
        var uploading = seen.Where(s => s.Phase == "uploading").Select(s => s.Rows).Distinct().Where(r => r is > 0 and < Rows).ToList();
        Assert.True(uploading.Count >= 3, "progress seen while uploading: " + string.Join(", ", seen));
        var changes = new List<(string? Phase, string Status, int Rows, int Imported)>();
        await using (var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(fixture.Servers.PostgresAdmin) { Database = fixture.Database.Name }.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"SELECT phase, status, rows_processed, imported FROM {log} ORDER BY n", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                changes.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        }
        await fixture.ExecuteAsync($"DROP TRIGGER {log} ON lead_imports; DROP FUNCTION {log}(); DROP TABLE {log};");
        // the phases in order, each reported while it runs, and the counters never going back
        var phases = changes.Select(c => c.Phase ?? c.Status).Distinct().ToList();
        Assert.Equal(["uploading", "checking", "inserting", "completed"], phases);
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.Second.Rows >= p.First.Rows && p.Second.Imported >= p.First.Imported), string.Join(", ", changes));
        Assert.Contains(changes, c => c.Phase == "inserting" && c.Imported is > 0 and < Rows);
        Assert.Equal(("completed", Rows, Rows), (changes[^1].Status, changes[^1].Rows, changes[^1].Imported));
    }

    /// <summary>A request body sent in pieces with pauses, as a slow upload.</summary>
    private sealed class TrickleContent(byte[] bytes, int chunks, TimeSpan pause) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var size = (bytes.Length + chunks - 1) / chunks;
            for (var at = 0; at < bytes.Length; at += size)
            {
                await stream.WriteAsync(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
                await stream.FlushAsync();
                await Task.Delay(pause);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
