using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The application's own wall: EF Core filters and the write guard, in front of the database's.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class QueryFiltersShould(CallviaFixture fixture)
{
    [Fact]
    public async Task Return_only_the_scope_tenant_rows_and_nothing_for_another_tenant_id()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(a, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var campaigns = await db.Campaigns.ToListAsync();
            Assert.Equal(a.CampaignIds.Order(), campaigns.Select(c => c.Id).Order());
            Assert.Null(await db.Campaigns.FirstOrDefaultAsync(c => c.Id == b.CampaignIds[0]));
            Assert.Equal(a.Id, (await db.Clients.SingleAsync()).Id);
            Assert.Null(await db.Users.FirstOrDefaultAsync(u => u.Email == b.AdminEmail));
            return true;
        });
    }

    [Fact]
    public async Task Refuse_to_save_a_row_for_another_tenant_before_it_reaches_the_database()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(a, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            db.Campaigns.Add(new Campaign { ClientId = b.Id, Name = "sneaky" });
            await Assert.ThrowsAsync<CrossTenantWriteException>(() => db.SaveChangesAsync());
            return true;
        });
    }

    [Fact]
    public async Task Stamp_new_rows_with_the_scope_tenant()
    {
        var a = await fixture.CreateTenantAsync();
        var id = await fixture.InTenantAsync(a, async sp =>
        {
            var db = sp.GetRequiredService<CallviaDbContext>();
            var campaign = new Campaign { Name = "stamped" };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
            return campaign.Id;
        });
        await fixture.InTenantAsync(a, async sp =>
        {
            var campaign = await sp.GetRequiredService<CallviaDbContext>().Campaigns.SingleAsync(c => c.Id == id);
            Assert.Equal(a.Id, campaign.ClientId);
            Assert.NotEqual(default, campaign.CreatedAt);
            return true;
        });
    }

    [Fact]
    public async Task Not_let_a_scope_switch_tenant_once_it_used_the_database()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        await fixture.InTenantAsync(a, async sp =>
        {
            await sp.GetRequiredService<CallviaDbContext>().Campaigns.CountAsync();
            var tenant = sp.GetRequiredService<TenantContext>();
            Assert.Throws<InvalidOperationException>(() => tenant.SetTenant(new TenantInfo(b.Id, b.Slug, b.Name, ClientStatus.Active, "UTC")));
            return true;
        });
    }

    [Fact]
    public async Task See_across_tenants_only_through_the_agency_path_which_is_audited()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var agency = fixture.Services.GetRequiredService<AgencyAccess>();
        var action = "test.cross_tenant_" + Guid.NewGuid().ToString("N")[..8];
        var both = await agency.RunAsync(action, (db, _) =>
            db.Campaigns.CountAsync(c => c.ClientId == a.Id || c.ClientId == b.Id), actor: "tester");
        Assert.Equal(4, both);
        var audited = await agency.RunAsync("test.read_audit", (db, _) => db.AuditLog.CountAsync(e => e.Action == action && e.Actor == "tester"));
        Assert.Equal(1, audited);
    }
}
