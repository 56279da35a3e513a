using Callvia.Core.Campaigns;
using Callvia.Core.Kpis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

// The KPI rollups: written only by the database's triggers (see the KpiRollups migration), read by KpiService.

internal sealed class KpiDailyLeadsConfiguration : IEntityTypeConfiguration<KpiDailyLeads>
{
    public void Configure(EntityTypeBuilder<KpiDailyLeads> b)
    {
        b.ToTable("kpi_daily_leads");
        // a range of days of one client (all campaigns, or one)
        b.HasKey(k => new { k.ClientId, k.Day, k.CampaignId, k.Status });
        b.Property(k => k.Status).HasMaxLength(32);
        b.HasOne<Campaign>().WithMany().HasForeignKey(k => new { k.ClientId, k.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KpiDailyCallsConfiguration : IEntityTypeConfiguration<KpiDailyCalls>
{
    public void Configure(EntityTypeBuilder<KpiDailyCalls> b)
    {
        b.ToTable("kpi_daily_calls");
        b.HasKey(k => new { k.ClientId, k.Day, k.CampaignId });
        b.Property(k => k.UsageCost).HasPrecision(18, 6).HasDefaultValue(0m);
        // the triggers write one of the two at a time (calls when a call is logged, the cost when its usage is)
        b.Property(k => k.Calls).HasDefaultValue(0L);
        // no foreign key to campaigns: calls without a campaign are kept under the empty id
    }
}

internal sealed class KpiCampaignReachConfiguration : IEntityTypeConfiguration<KpiCampaignReach>
{
    public void Configure(EntityTypeBuilder<KpiCampaignReach> b)
    {
        b.ToTable("kpi_campaign_reach");
        b.HasKey(k => new { k.ClientId, k.CampaignId });
        b.HasOne<Campaign>().WithMany().HasForeignKey(k => new { k.ClientId, k.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KpiDailyAppointmentsConfiguration : IEntityTypeConfiguration<KpiDailyAppointments>
{
    public void Configure(EntityTypeBuilder<KpiDailyAppointments> b)
    {
        b.ToTable("kpi_daily_appointments");
        b.HasKey(k => new { k.ClientId, k.Day, k.CampaignId });
        b.Property(k => k.Booked).HasDefaultValue(0L);
        b.Property(k => k.Shown).HasDefaultValue(0L);
        b.Property(k => k.Verified).HasDefaultValue(0L);
    }
}

internal sealed class KpiDailyReachConfiguration : IEntityTypeConfiguration<KpiDailyReach>
{
    public void Configure(EntityTypeBuilder<KpiDailyReach> b)
    {
        b.ToTable("kpi_daily_reach");
        // a range of days of one client; the previous day last, filtered within each day
        b.HasKey(k => new { k.ClientId, k.Day, k.CampaignId, k.Since });
        b.Property(k => k.Called).HasDefaultValue(0L);
        b.Property(k => k.Contacted).HasDefaultValue(0L);
    }
}
