using System.Net;
using Callvia.Testing;
using Microsoft.Playwright;
using Xunit;
using static Callvia.Portal.Tests.BrowserKit;

namespace Callvia.Portal.Tests;

/// <summary>A client admin's settings in Chromium: users, partner applications, provider secrets, webhook addresses, zone.</summary>
[Collection(PortalCollection.Name)]
public sealed class SettingsShould(PortalFixture fixture)
{
    [Fact]
    public async Task Add_a_user_who_sets_a_password_create_and_revoke_an_app_set_secrets_unseen_and_change_the_zone()
    {
        var tenant = await fixture.CreateTenantAsync("Settings " + Guid.NewGuid().ToString("N")[..4]);
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "settings");
        await SignInAsync(page, tenant);
        await page.WaitForSelectorAsync("[data-testid=users]");
        Assert.Equal("page", await page.GetAttributeAsync("[data-testid=nav] >> text=Settings", "aria-current"));
        Assert.Contains($"{tenant.Slug}.localhost", await page.InnerTextAsync("[data-testid=webhook-retell]"));
        Assert.EndsWith("/api/webhooks/retell", await page.InnerTextAsync("[data-testid=webhook-retell]"));
        Assert.EndsWith("/api/webhooks/sendgrid", await page.InnerTextAsync("[data-testid=webhook-sendgrid]"));
        await ShotAsync(page, "settings");

        // a user: a bad address refused next to the field, then added with a one-time link
        await page.FillAsync("#user-email", "not-an-address");
        await page.ClickAsync("[data-testid=add-user] button[type=submit]");
        await page.WaitForSelectorAsync("#user-email-error");
        var email = $"staff-{Guid.NewGuid().ToString("N")[..6]}@{tenant.Slug}.test";
        await page.FillAsync("#user-email", email);
        await page.FillAsync("#user-displayName", "Front desk");
        await page.ClickAsync("[data-testid=add-user] button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=new-user]");
        var link = await page.InputValueAsync("[data-testid=set-password-link]");
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'user.add' AND detail LIKE '{email}%'"));

        // the new user sets a password through the link and signs in as a client user: no settings for them
        var newcomer = await browser.NewPageAsync();
        await newcomer.GotoAsync(link);
        await ShotAsync(newcomer, "set-password");
        await newcomer.FillAsync("#password", "alllowercaseonly"); // long enough for the browser, not for the password rules
        await newcomer.ClickAsync("button[type=submit]");
        await newcomer.WaitForSelectorAsync("[data-testid=set-password-error]");
        await newcomer.FillAsync("#password", "A-long-enough-password-1");
        await newcomer.ClickAsync("button[type=submit]");
        await newcomer.WaitForURLAsync(url => url.Contains("/account/sign-in"));
        await SignInAsync(newcomer, email, "A-long-enough-password-1");
        await newcomer.WaitForSelectorAsync("[data-testid=kpis]");
        Assert.Equal(0, await newcomer.Locator("[data-testid=nav] >> text=Settings").CountAsync());
        var denied = await newcomer.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "settings");
        Assert.Equal(403, denied!.Status);
        await ShotAsync(newcomer, "forbidden");
        // the link works once
        var again = await browser.NewPageAsync();
        await again.GotoAsync(link);
        await again.FillAsync("#password", "Another-long-password-2");
        await again.ClickAsync("button[type=submit]");
        Assert.Contains("used already or has expired", await again.InnerTextAsync("[data-testid=set-password-error]"));

        // a partner application: its secret shown once, then revoked
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "settings");
        await page.FillAsync("#app-name", "Zapier bridge");
        await page.ClickAsync("[data-testid=create-app] button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=new-app]");
        var secret = await page.InnerTextAsync("[data-testid=new-app-secret]");
        var appId = await page.InnerTextAsync("[data-testid=new-app-id]");
        Assert.True(secret.Length >= 40);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM openiddict_applications WHERE client_id = '{appId}' AND owner_client_id = '{tenant.Id}'"));
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "settings");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator("[data-testid=app-row]", new() { HasText = "Zapier bridge" }).Locator("[data-testid=revoke-app]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("saved=revoked"), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM openiddict_applications WHERE client_id = '{appId}'"));

        // a provider secret: too short refused, then saved, and never on the page
        await page.FillAsync("#secret-retell", "short");
        await page.ClickAsync("[data-testid=secret-retell] button:not([name])");
        await page.WaitForSelectorAsync("#secret-retell-error");
        var providerSecret = "key_" + Guid.NewGuid().ToString("N");
        await page.FillAsync("#secret-retell", providerSecret);
        await page.ClickAsync("[data-testid=secret-retell] button:not([name])");
        await page.WaitForURLAsync(url => url.Contains("saved=secret"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE client_id = '{tenant.Id}' AND provider = 'retell'"));
        Assert.DoesNotContain(providerSecret, await page.ContentAsync());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM provider_secrets WHERE protected LIKE '%{providerSecret}%'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE detail LIKE '%{providerSecret}%'"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM audit_log WHERE client_id = '{tenant.Id}' AND action = 'provider_secrets.set' AND detail = 'retell set'"));

        // the time zone: an unknown one refused, a real one saved
        await page.FillAsync("#timeZone", "Mars/Olympus_Mons");
        await page.ClickAsync("[data-testid=save-client]");
        await page.WaitForSelectorAsync("#tz-error");
        await page.FillAsync("#timeZone", "America/Chicago");
        await page.ClickAsync("[data-testid=save-client]");
        await page.WaitForURLAsync(url => url.Contains("saved=client"));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE id = '{tenant.Id}' AND time_zone = 'America/Chicago'"));
    }

    [Fact]
    public async Task Refuse_every_settings_form_to_a_client_user_and_keep_the_last_admin()
    {
        var a = await fixture.CreateTenantAsync();
        var email = await fixture.CreateClientUserAsync(a);
        using var plain = fixture.Portal.CreateClient(a.Slug);
        await plain.SignInAsync(email, TestData.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/settings")).StatusCode);
        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
                 {
                     ("AddUser", new() { ["email"] = $"x@{a.Slug}.test", ["role"] = "client_admin" }),
                     ("CreateApp", new() { ["name"] = "Sneaky" }),
                     ("Secret", new() { ["provider"] = "retell", ["secret"] = "a-long-secret-value" }),
                     ("Client", new() { ["timeZone"] = "Europe/London", ["defaultRegion"] = "GB" }),
                 })
        {
            using var response = await plain.PostFormAsync("/leads", $"/settings?handler={handler}", fields);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{handler}: {(int)response.StatusCode}");
        }
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM users WHERE email = 'x@{a.Slug}.test'"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM clients WHERE id = '{a.Id}' AND time_zone = 'Europe/London'"));

        // the only admin cannot lose the role or be removed (by the agency or anyone)
        using var admin = fixture.Portal.CreateClient(a.Slug);
        await admin.SignInAsync(a.AdminEmail, a.Password);
        var adminId = await fixture.InTenantAsync(a, async sp =>
            (await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Core.Identity.AppUser>>(sp)
                .FindByEmailAsync(a.AdminEmail))!.Id);
        using (var demote = await admin.PostFormAsync("/settings", "/settings?handler=SetRole", new() { ["userId"] = adminId.ToString(), ["role"] = "client_user" }))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, demote.StatusCode);
        using (var remove = await admin.PostFormAsync("/settings", "/settings?handler=RemoveUser", new() { ["userId"] = adminId.ToString() }))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, remove.StatusCode);
        // another client's user is not there to change
        var b = await fixture.CreateTenantAsync();
        var bUser = await fixture.CreateClientUserAsync(b);
        var bUserId = await fixture.InTenantAsync(b, async sp =>
            (await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Core.Identity.AppUser>>(sp)
                .FindByEmailAsync(bUser))!.Id);
        using (var foreign = await admin.PostFormAsync("/settings", "/settings?handler=RemoveUser", new() { ["userId"] = bUserId.ToString() }))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM users WHERE email = '{bUser}'"));
    }

    [Fact]
    public async Task Let_an_admin_word_preview_reset_and_switch_the_automated_messages_refusing_unknown_placeholders()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var portal = fixture.Portal.CreateClient(tenant.Slug);
        await portal.SignInAsync(tenant.AdminEmail, tenant.Password);
        const string page = "/settings/messages";
        Assert.Contains("reminder 24h", await portal.GetStringAsync(page));

        using (var refused = await portal.PostFormAsync(page, page + "?handler=Save", new() { ["kind"] = "reminder_2h", ["channel"] = "Sms", ["body"] = "Hi {{firstname}}" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("Unknown placeholder {{firstname}}", System.Net.WebUtility.HtmlDecode(html));
            Assert.Contains("Hi {{firstname}}", System.Net.WebUtility.HtmlDecode(html)); // the text typed stays in the field
        }
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM message_templates WHERE client_id = '{tenant.Id}' AND kind = 'reminder_2h'"));

        using (var preview = await portal.PostFormAsync(page, page + "?handler=Preview", new() { ["kind"] = "reminder_2h", ["channel"] = "Sms", ["body"] = "{{first_name}}, see you at {{time}} 😊" }))
        {
            var html = System.Net.WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
            Assert.Contains("Alex, see you at 10:00 AM", html);
            Assert.Contains("UCS-2", html);
        }
        using (var saved = await portal.PostFormAsync(page, page + "?handler=Save", new() { ["kind"] = "reminder_2h", ["channel"] = "Sms", ["body"] = "{{first_name}}, see you at {{time}}." }))
            Assert.Equal(System.Net.HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("{{first_name}}, see you at {{time}}.", await fixture.TextAsync($"SELECT body FROM message_templates WHERE client_id = '{tenant.Id}' AND kind = 'reminder_2h'"));
        using (var off = await portal.PostFormAsync(page, page + "?handler=Switch", new() { ["kind"] = "checkin", ["enabled"] = "false" }))
            Assert.Equal(System.Net.HttpStatusCode.Redirect, off.StatusCode);
        Assert.Equal("{checkin}", await fixture.TextAsync($"SELECT message_kinds_off::text FROM clients WHERE id = '{tenant.Id}'"));
        using (var reset = await portal.PostFormAsync(page, page + "?handler=Reset", new() { ["kind"] = "reminder_2h", ["channel"] = "Sms" }))
            Assert.Equal(System.Net.HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM message_templates WHERE client_id = '{tenant.Id}' AND kind = 'reminder_2h'"));

        // a client user may not
        var email = await fixture.CreateClientUserAsync(tenant);
        using var user = fixture.Portal.CreateClient(tenant.Slug);
        await user.SignInAsync(email, TestData.Password);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await user.GetAsync(page)).StatusCode);
    }

    [Fact]
    public async Task Preview_a_message_in_the_browser_from_the_settings()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Portal.HostUri(tenant.Slug) + "settings");
        await SignInAsync(page, tenant);
        await page.ClickAsync("[data-testid=messages-link]");
        await page.WaitForSelectorAsync("[data-testid=template-reminder_2h-sms]");
        await page.FillAsync("#reminder_2h-sms-body", "{{first_name}}, see you at {{time}} at {{location}}.");
        await page.ClickAsync("[data-testid=preview-reminder_2h-sms]");
        await page.WaitForSelectorAsync("[data-testid=preview-text-reminder_2h-sms]");
        Assert.Contains("Alex, see you at 10:00 AM at 123 Main Street.", await page.InnerTextAsync("[data-testid=preview-text-reminder_2h-sms]"));
        Assert.Contains("1 segment", await page.InnerTextAsync("[data-testid=segments-reminder_2h-sms]"));
        await ShotAsync(page, "settings-messages");
    }
}
