using System.Net;
using Callvia.Core.Data;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Portal.Tests;

/// <summary>Roles and tenant isolation on every page and form of the portal that reads or changes a client's data.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalAccessShould(PortalFixture fixture)
{
    private async Task<(Guid Lead, Guid Import)> IdsAsync(TestTenant tenant) => await fixture.InTenantAsync(tenant, async sp =>
    {
        var db = sp.GetRequiredService<CallviaDbContext>();
        return (await db.Leads.Select(l => l.Id).FirstAsync(), await db.LeadImports.Select(i => i.Id).FirstAsync());
    });

    [Fact]
    public async Task Let_a_client_user_see_every_page_and_stop_contact_but_not_administer()
    {
        var a = await fixture.CreateTenantAsync();
        var (lead, import) = await IdsAsync(a);
        var email = await fixture.CreateClientUserAsync(a);
        using var portal = fixture.Portal.CreateClient(a.Slug);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(email, TestData.Password)).StatusCode);
        var campaign = $"/campaigns/{a.CampaignIds[0]}";

        foreach (var path in new[] { "/", "/campaigns", campaign, "/leads", $"/leads/{lead}", $"/imports/{import}" })
            Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync(path)).StatusCode);
        // nothing that administers is offered
        var campaigns = await portal.GetStringAsync("/campaigns");
        Assert.DoesNotContain("data-testid=\"new-campaign\"", campaigns);
        var page = await portal.GetStringAsync(campaign);
        Assert.DoesNotContain("data-testid=\"upload\"", page);
        Assert.DoesNotContain("data-testid=\"settings\"", page);
        Assert.DoesNotContain("data-testid=\"move-", page);
        Assert.DoesNotContain("data-testid=\"edit\"", await portal.GetStringAsync($"/leads/{lead}"));

        // and refused when sent anyway (with a valid antiforgery token: the role is what stops it)
        var before = await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{a.Id}'");
        using (var create = await portal.PostFormAsync("/campaigns", "/campaigns?handler=Create", new() { ["Form.Name"] = "Sneaky", ["Form.CallWindowStart"] = "09:00",
                   ["Form.CallWindowEnd"] = "17:00", ["Form.MaxConcurrentCalls"] = "1", ["Form.MaxAttempts"] = "1", ["Form.RetryLadder"] = "60" }))
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        using (var move = await portal.PostFormAsync(campaign, campaign + "?handler=Status", new() { ["status"] = "paused" }))
            Assert.Equal(HttpStatusCode.Forbidden, move.StatusCode);
        using (var save = await portal.PostFormAsync(campaign, campaign + "?handler=Save", new() { ["Form.Name"] = "Renamed" }))
            Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        using (var edit = await portal.PostFormAsync($"/leads/{lead}", $"/leads/{lead}?handler=Edit", new() { ["Edit.FirstName"] = "Changed" }))
            Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
        var token = HttpHelpers.AntiforgeryToken(await portal.GetStringAsync("/campaigns"));
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/imports?campaignId={a.CampaignIds[0]}") { Headers = { { "RequestVerificationToken", token } } })
        using (var start = await portal.SendAsync(request))
            Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Equal(before, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{a.Id}'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{a.Id}' AND (name IN ('Sneaky', 'Renamed') OR status = 'paused')"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{a.Id}' AND first_name = 'Changed'"));

        // stopping contact with a number is anyone's to do
        using (var suppress = await portal.PostFormAsync($"/leads/{lead}", $"/leads/{lead}?handler=Suppress", new() { ["reason"] = "Asked on the phone" }))
            Assert.Equal(HttpStatusCode.Redirect, suppress.StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM suppressions WHERE client_id = '{a.Id}' AND reason = 'Asked on the phone'"));
    }

    [Fact]
    public async Task Not_show_or_change_another_clients_campaign_lead_or_import_on_any_page_or_form()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var (lead, import) = await IdsAsync(a);
        using var portal = fixture.Portal.CreateClient(b.Slug);
        await portal.SignInAsync(b.AdminEmail, b.Password);

        foreach (var path in new[] { $"/campaigns/{a.CampaignIds[0]}", $"/leads/{lead}", $"/imports/{import}", $"/imports/{import}/rejections.csv" })
        {
            using var response = await portal.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain(a.Slug, await response.Content.ReadAsStringAsync());
        }
        foreach (var (path, fields) in new (string, Dictionary<string, string>)[]
                 {
                     ($"/campaigns/{a.CampaignIds[0]}?handler=Status", new() { ["status"] = "archived" }),
                     ($"/campaigns/{a.CampaignIds[0]}?handler=Save", new() { ["Form.Name"] = "Taken over" }),
                     ($"/leads/{lead}?handler=Edit", new() { ["Edit.FirstName"] = "Taken" }),
                     ($"/leads/{lead}?handler=Suppress", new() { ["reason"] = "Taken" }),
                 })
        {
            using var response = await portal.PostFormAsync("/leads", path, fields);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }
        var token = HttpHelpers.AntiforgeryToken(await portal.GetStringAsync("/campaigns"));
        foreach (var path in new[] { $"/imports?campaignId={a.CampaignIds[0]}", $"/imports/{import}/file" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "RequestVerificationToken", token } }, Content = new StringContent("phone\n+12025550123\n", System.Text.Encoding.UTF8, "text/csv") };
            using var response = await portal.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }
        // the lists hold only B's own
        var leads = await portal.GetStringAsync("/leads?q=lee");
        Assert.DoesNotContain(a.Slug, leads);
        Assert.Contains(b.Slug, leads);
        Assert.DoesNotContain(a.Slug, await portal.GetStringAsync($"/leads?campaign={a.CampaignIds[0]}"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{a.Id}' AND (status = 'archived' OR name = 'Taken over')"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{a.Id}' AND first_name = 'Taken'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM suppressions WHERE reason = 'Taken'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM lead_imports WHERE client_id = '{a.Id}'"));
    }

    [Fact]
    public async Task Refuse_an_upload_without_the_pages_token_before_reading_it()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        using var response = await portal.PostAsync($"/imports?campaignId={a.CampaignIds[0]}", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM lead_imports WHERE client_id = '{a.Id}'"));
    }

    [Fact]
    public async Task Refuse_a_form_with_a_nul_character_with_a_400_and_change_nothing()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        var before = await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{a.Id}'");
        foreach (var (page, post, fields) in new (string, string, Dictionary<string, string>)[]
                 {
                     ("/campaigns", "/campaigns?handler=Create", new() { ["Form.Name"] = "Bad\0name", ["Form.CallWindowStart"] = "09:00", ["Form.CallWindowEnd"] = "17:00" }),
                     ("/settings", "/settings?handler=AddUser", new() { ["email"] = $"n@{a.Slug}.test", ["displayName"] = "Nul\0", ["role"] = "client_user" }),
                     ("/settings", "/settings?handler=CreateApp", new() { ["name"] = "App\0" }),
                 })
        {
            using var response = await portal.PostFormAsync(page, post, fields);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            // ASP.NET's form reader refuses a NUL itself: a 400, before any handler runs
        }
        Assert.Equal(before, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE client_id = '{a.Id}'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM users WHERE email = 'n@{a.Slug}.test'"));
    }

    [Fact]
    public async Task Say_what_is_wrong_with_a_long_search_next_to_the_field()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        var page = await portal.GetStringAsync("/leads?q=" + new string('x', 150));
        Assert.Contains("id=\"q-error\"", page);
        Assert.Contains("over 100 characters", page);
        var nul = await portal.GetStringAsync("/leads?q=ann%00");
        Assert.Contains("id=\"q-error\"", nul);
        Assert.Contains("NUL character", nul);
    }

    [Fact]
    public async Task Refuse_a_campaign_status_that_does_not_exist_or_a_move_the_rules_forbid()
    {
        var a = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(a.Slug);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        var campaign = $"/campaigns/{a.CampaignIds[0]}";
        using (var bogus = await portal.PostFormAsync(campaign, campaign + "?handler=Status", new() { ["status"] = "exploded" }))
            Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
        using (var archive = await portal.PostFormAsync(campaign, campaign + "?handler=Status", new() { ["status"] = "archived" }))
            Assert.Equal(HttpStatusCode.Redirect, archive.StatusCode);
        using (var back = await portal.PostFormAsync(campaign, campaign + "?handler=Status", new() { ["status"] = "active" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
            Assert.Contains("cannot become active", await back.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM campaigns WHERE id = '{a.CampaignIds[0]}' AND status = 'archived'"));
    }
}
