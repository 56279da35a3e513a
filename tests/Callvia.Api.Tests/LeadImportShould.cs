using System.Net;
using System.Text;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class LeadImportShould(ApiFixture fixture)
{
    // TestData puts +12025550199 on every tenant's suppression list.
    private const string Mixed =
        "First Name,Last Name,Phone,Email,Plan\n" +
        "Ada,Lovelace,(212) 555-0175,ada@example.com,gold\n" +     // 2 imported
        "Bob,NoPhone,,bob@example.com,\n" +                        // 3 rejected: no phone
        "Cy,BadMail,(212) 555-0176,cy@,\n" +                       // 4 rejected: email
        "Dee,Good,+1 415 555 0100,,silver\n" +                     // 5 imported
        "Ada,Again,212.555.0175,,\n" +                             // 6 duplicate of line 2
        "Sue,Suppressed,(202) 555-0199,,\n";                       // 7 suppressed

    [Fact]
    public async Task Import_when_and_how_each_lead_consented_and_reject_a_consent_that_cannot_be()
    {
        var (api, token, tenant) = await SetUpAsync();
        var campaign = tenant.CampaignIds[0];
        const string Csv = "phone,consent_at,consent_source\n" +
            "212.555.0181,2026-11-30T14:05:00-05:00,web form\n" +  // 2 imported, with consent
            "212.555.0182,,\n" +                                   // 3 imported, without
            "212.555.0183,yes,\n" +                                // 4 rejected: not a time
            "212.555.0184,,paper\n";                               // 5 rejected: a source without a time
        var (response, body) = await api.ImportAsync(token, campaign, Csv);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((2, 2), (body.Int("imported"), body.Int("rejected")));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{campaign}' AND phone_e164 = '+12125550181' AND consent_at = '2026-11-30T19:05:00Z' AND consent_source = 'web form' AND dial_at IS NOT NULL"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{campaign}' AND phone_e164 = '+12125550182' AND consent_at IS NULL AND consent_source IS NULL"));
    }

    [Fact]
    public async Task Import_good_rows_and_account_for_every_other_one_by_line()
    {
        var (api, token, tenant) = await SetUpAsync();
        var campaign = tenant.CampaignIds[1];

        var (response, body) = await api.ImportAsync(token, campaign, Mixed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal((6, 2, 1, 1, 2), (body.Int("rowsRead"), body.Int("imported"), body.Int("duplicates"), body.Int("suppressed"), body.Int("rejected")));
        var rejections = body.GetProperty("rejections").EnumerateArray().ToList();
        Assert.Equal([3, 4], rejections.Select(r => r.Int("line")));
        Assert.Equal("phone is missing", rejections[0].GetProperty("reason").GetString());
        Assert.StartsWith("email is not a valid address", rejections[1].GetProperty("reason").GetString());

        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{campaign}'"));
        Assert.Equal(1, await fixture.CountAsync($"""
            SELECT count(*) FROM leads WHERE campaign_id = '{campaign}' AND phone_e164 = '+12125550175' AND phone_raw = '(212) 555-0175'
              AND first_name = 'Ada' AND email = 'ada@example.com' AND time_zone = 'America/New_York' AND custom_fields->>'Plan' = 'gold'
              AND status = 'new' AND client_id = '{tenant.Id}'
            """));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{campaign}' AND phone_e164 = '+14155550100' AND time_zone = 'America/Los_Angeles'"));

        var report = await api.GetStringWithTokenAsync(token, body.GetProperty("rejectionsCsvUrl").GetString()!);
        var lines = report.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("line,kind,reason,value", lines[0]);
        Assert.Equal(["3,rejected", "4,rejected", "6,duplicate", "7,suppressed"], lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))));
        Assert.Contains("the same number is on line 2", lines[3]);
    }

    [Fact]
    public async Task Import_a_text_csv_body_with_semicolons_CRLF_quotes_and_a_BOM()
    {
        var (api, token, tenant) = await SetUpAsync();
        var csv = "\uFEFFphone_number;Name;Notes\r\n\"(212) 555-0180\";\"Grace Hopper\";\"line one\r\nline two; with semicolon\"\r\n+1 212 555 0181;Alan Turing;\r\n";
        var (response, body) = await api.ImportAsync(token, tenant.CampaignIds[1], csv, multipart: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.Int("imported"));
        Assert.Equal(1, await fixture.CountAsync($"""
            SELECT count(*) FROM leads WHERE campaign_id = '{tenant.CampaignIds[1]}' AND first_name = 'Grace' AND last_name = 'Hopper'
              AND custom_fields->>'Notes' = E'line one\r\nline two; with semicolon'
            """));
    }

    [Fact]
    public async Task Import_nothing_the_second_time_the_same_file_comes()
    {
        var (api, token, tenant) = await SetUpAsync();
        var first = (await api.ImportAsync(token, tenant.CampaignIds[1], Mixed)).Body;
        var (response, second) = await api.ImportAsync(token, tenant.CampaignIds[1], Mixed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, first.Int("imported"));
        Assert.Equal(0, second.Int("imported"));
        Assert.Equal(3, second.Int("duplicates")); // two already in the campaign, one repeated in the file
        Assert.Equal(2, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{tenant.CampaignIds[1]}'"));
    }

    [Fact]
    public async Task Round_trip_thousands_of_rows_with_exact_counts_and_keep_campaign_stats_right()
    {
        var (api, token, tenant) = await SetUpAsync();
        var campaign = tenant.CampaignIds[1];
        var csv = new StringBuilder("phone,first_name,email\n");
        int expectedImported = 0, expectedRejected = 0, expectedDuplicates = 0;
        for (var i = 0; i < 6000; i++)
        {
            if (i % 50 == 0) { csv.Append($"555-{i % 10},Bad{i},\n"); expectedRejected++; continue; }
            if (i % 40 == 1 && i > 1) { csv.Append($"(212) 555-{i - 1:D4},Dup{i},\n"); expectedDuplicates += (i - 1) % 50 == 0 ? 0 : 1; if ((i - 1) % 50 == 0) expectedImported++; continue; }
            csv.Append($"+1212555{i:D4},Lead{i},lead{i}@example.com\n");
            expectedImported++;
        }
        var (response, body) = await api.ImportAsync(token, campaign, csv.ToString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(6000, body.Int("rowsRead"));
        Assert.Equal(expectedRejected, body.Int("rejected"));
        Assert.Equal(expectedDuplicates, body.Int("duplicates"));
        Assert.Equal(expectedImported, body.Int("imported"));
        Assert.Equal(100, body.GetProperty("rejections").GetArrayLength()); // the first part; the rest is in the report
        Assert.Equal(expectedImported, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{campaign}'"));
        Assert.Equal(expectedRejected + expectedDuplicates, await fixture.CountAsync($"SELECT count(*) FROM lead_import_issues WHERE import_id = '{body.GetProperty("importId").GetString()}'"));

        // statistics follow the import and later status changes
        Assert.Equal(expectedImported, await StatAsync(api, token, campaign, "total"));
        Assert.Equal(expectedImported, await StatAsync(api, token, campaign, "new"));
        await fixture.CountAsync($"WITH u AS (UPDATE leads SET status = 'booked' WHERE campaign_id = '{campaign}' AND first_name IN ('Lead2', 'Lead3') RETURNING 1) SELECT count(*) FROM u");
        Assert.Equal(2, await StatAsync(api, token, campaign, "booked"));
        Assert.Equal(expectedImported - 2, await StatAsync(api, token, campaign, "new"));
        Assert.Equal(expectedImported, await StatAsync(api, token, campaign, "total"));
    }

    [Fact]
    public async Task Show_its_progress_while_the_file_streams_in()
    {
        var (api, token, tenant) = await SetUpAsync();
        var start = await api.PostJsonWithTokenAsync(token, "/api/leads/imports", new { campaignId = tenant.CampaignIds[1].ToString() });
        Assert.Equal(HttpStatusCode.Created, start.Status);
        var importId = start.Body.GetProperty("importId").GetString()!;
        var uploadUrl = start.Body.GetProperty("uploadUrl").GetString()!;
        Assert.Equal("awaiting_upload", (await api.GetJsonAsync(token, $"/api/leads/imports/{importId}")).GetProperty("status").GetString());

        var firstHalf = new StringBuilder("phone\n");
        for (var i = 0; i < 3000; i++) firstHalf.Append($"+1415555{i:D4}\n");
        var secondHalf = new StringBuilder();
        for (var i = 3000; i < 4000; i++) secondHalf.Append($"+1415555{i:D4}\n");
        var release = new TaskCompletionSource();
        var content = new HeldContent(Encoding.UTF8.GetBytes(firstHalf.ToString()), release.Task, Encoding.UTF8.GetBytes(secondHalf.ToString()));
        using var request = new HttpRequestMessage(HttpMethod.Post, uploadUrl) { Content = content };
        request.Headers.Authorization = new("Bearer", token);
        var upload = api.SendAsync(request);

        // while the second half is held back, the import is running and has read rows
        JsonElement progress;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            do
            {
                await Task.Delay(100, timeout.Token);
                progress = await api.GetJsonAsync(token, $"/api/leads/imports/{importId}");
            } while (progress.Int("rowsProcessed") == 0);
        }
        Assert.Equal("running", progress.GetProperty("status").GetString());
        Assert.InRange(progress.Int("rowsProcessed"), 1, 3000);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{tenant.CampaignIds[1]}'"));

        release.SetResult();
        var done = await upload;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var final = await api.GetJsonAsync(token, $"/api/leads/imports/{importId}");
        Assert.Equal(("completed", 4000, 4000), (final.GetProperty("status").GetString(), final.Int("rowsRead"), final.Int("imported")));

        // a finished import takes no second file
        var again = await api.ImportAsync(token, tenant.CampaignIds[1], "phone\n+14155550001\n", path: uploadUrl);
        Assert.Equal(HttpStatusCode.Conflict, again.Response.StatusCode);
    }

    [Fact]
    public async Task Start_and_follow_an_import_through_GraphQL()
    {
        var (api, token, tenant) = await SetUpAsync();
        var campaignGid = GlobalId.Encode(CampaignGraphType.TypeName, tenant.CampaignIds[1]);
        var (_, started) = await api.GraphQLAsync(
            "mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id status uploadUrl } errors { field message code } } }", new { c = campaignGid }, token);
        var payload = started.GetProperty("data").GetProperty("startLeadImport");
        Assert.Equal(0, payload.GetProperty("errors").GetArrayLength());
        var import = payload.GetProperty("leadImport");
        Assert.Equal("AWAITING_UPLOAD", import.GetProperty("status").GetString());

        var (response, _) = await api.ImportAsync(token, Guid.Empty, Mixed, path: import.GetProperty("uploadUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (_, followed) = await api.GraphQLAsync(
            "query($id: ID!) { leadImport(id: $id) { status rowsRead imported duplicates suppressed rejected rejections { line reason } rejectionsCsvUrl } }",
            new { id = import.GetProperty("id").GetString() }, token);
        var view = followed.GetProperty("data").GetProperty("leadImport");
        Assert.Equal("COMPLETED", view.GetProperty("status").GetString());
        Assert.Equal((6, 2, 1, 1, 2), (view.Int("rowsRead"), view.Int("imported"), view.Int("duplicates"), view.Int("suppressed"), view.Int("rejected")));
        Assert.Equal([3, 4], view.GetProperty("rejections").EnumerateArray().Select(r => r.Int("line")));

        var (_, wrong) = await api.GraphQLAsync("mutation($c: ID!) { startLeadImport(campaignId: $c) { leadImport { id } errors { field code } } }",
            new { c = GlobalId.Encode(CampaignGraphType.TypeName, Guid.NewGuid()) }, token);
        Assert.Equal("NOT_FOUND", wrong.GetProperty("data").GetProperty("startLeadImport").GetProperty("errors")[0].GetProperty("code").GetString());
    }

    public static TheoryData<string, int, string> BadInputs => new()
    {
        { "empty", 400, "empty" },
        { "xlsx", 415, "spreadsheet" },
        { "binary", 415, "binary" },
        { "no-phone", 400, "'Name', 'Email'" },
        { "header-only", 400, "no rows" },
        { "json", 415, "multipart/form-data" },
        { "no-file-field", 400, "field 'file'" },
        { "too-large", 413, "limit" },
        { "bad-utf8-later", 400, "UTF-8" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Refuse_bad_input_with_a_clear_error_and_import_nothing(string kind, int status, string mentions)
    {
        var (api, token, tenant) = await SetUpAsync();
        var campaign = tenant.CampaignIds[1];
        var bigRow = "+12125550100," + new string('x', 900) + "\n";
        (HttpResponseMessage Response, JsonElement Body) result = kind switch
        {
            "empty" => await api.ImportBytesAsync(token, campaign, []),
            "xlsx" => await api.ImportBytesAsync(token, campaign, [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "binary" => await api.ImportBytesAsync(token, campaign, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]),
            "no-phone" => await api.ImportAsync(token, campaign, "Name,Email\nx,y@example.com\n"),
            "header-only" => await api.ImportAsync(token, campaign, "phone\n"),
            "json" => await api.ImportBytesAsync(token, campaign, "{}"u8.ToArray(), multipart: false, contentType: "application/json"),
            "no-file-field" => await NoFileFieldAsync(api, token, campaign),
            "too-large" => await api.ImportAsync(token, campaign, "phone,notes\n" + string.Concat(Enumerable.Repeat(bigRow, 3000))),
            _ => await api.ImportBytesAsync(token, campaign, [.. Encoding.UTF8.GetBytes("phone\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"+1212555{i:D4}\n"))), 0xC3, 0x28, (byte)'\n']),
        };
        Assert.Equal(status, (int)result.Response.StatusCode);
        Assert.Equal("application/problem+json", result.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, result.Body.GetProperty("detail").GetString());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{campaign}'"));
    }

    [Fact]
    public async Task Answer_404_for_another_tenants_campaign_or_import_and_write_nothing()
    {
        var (api, token, a) = await SetUpAsync();
        var b = await fixture.CreateTenantAsync();
        var importsBefore = await fixture.CountAsync("SELECT count(*) FROM lead_imports");

        var (response, _) = await api.ImportAsync(token, b.CampaignIds[1], Mixed);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{b.CampaignIds[1]}'"));
        Assert.Equal(importsBefore, await fixture.CountAsync("SELECT count(*) FROM lead_imports"));

        // and B's import is not A's to read or feed
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var tokenB = await apiB.TokenAsync(b);
        var bImport = (await apiB.PostJsonWithTokenAsync(tokenB, "/api/leads/imports", new { campaignId = b.CampaignIds[1].ToString() })).Body.GetProperty("importId").GetString();
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/leads/imports/{bImport}");
        get.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(get)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.ImportAsync(token, Guid.Empty, Mixed, path: $"/api/leads/imports/{bImport}/file")).Response.StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{b.CampaignIds[1]}'"));
    }

    [Fact]
    public async Task Refuse_an_anonymous_upload()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var response = await api.PostAsync($"/api/leads/import?campaignId={tenant.CampaignIds[1]}", new StringContent("phone\n+12125550100\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE campaign_id = '{tenant.CampaignIds[1]}'"));
    }

    private async Task<(HttpClient Api, string Token, TestTenant Tenant)> SetUpAsync()
    {
        var tenant = await fixture.CreateTenantAsync();
        var api = fixture.Api.CreateClient(tenant.Slug);
        return (api, await api.TokenAsync(tenant), tenant);
    }

    private static async Task<long> StatAsync(HttpClient api, string token, Guid campaign, string field)
    {
        var (_, body) = await api.GraphQLAsync($"query($id: ID!) {{ campaign(id: $id) {{ stats {{ {field} }} }} }}",
            new { id = GlobalId.Encode(CampaignGraphType.TypeName, campaign) }, token);
        return body.GetProperty("data").GetProperty("campaign").GetProperty("stats").GetProperty(field).GetInt64();
    }

    private static async Task<(HttpResponseMessage, JsonElement)> NoFileFieldAsync(HttpClient api, string token, Guid campaign)
    {
        var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leads/import?campaignId={campaign}") { Content = form };
        request.Headers.Authorization = new("Bearer", token);
        var response = await api.SendAsync(request);
        return (response, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Sends a first part, then waits for the test to let the rest go: an upload that is still streaming.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] first, rest;
        private readonly Task release;

        public HeldContent(byte[] first, Task release, byte[] rest)
        {
            (this.first, this.release, this.rest) = (first, release, rest);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(rest);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
