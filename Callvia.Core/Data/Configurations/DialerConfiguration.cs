using Callvia.Core.Campaigns;
using Callvia.Core.Dialer;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class DialAttemptConfiguration : IEntityTypeConfiguration<DialAttempt>
{
    public void Configure(EntityTypeBuilder<DialAttempt> b)
    {
        b.ToTable("dial_attempts");
        b.HasOne<Lead>().WithMany().HasForeignKey(a => new { a.ClientId, a.LeadId })
            .HasPrincipalKey(l => new { l.ClientId, l.Id }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Campaign>().WithMany().HasForeignKey(a => new { a.ClientId, a.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.PhoneE164).HasMaxLength(16);
        b.Property(a => a.ProviderCallId).HasMaxLength(128);
        b.Property(a => a.Outcome).HasMaxLength(64);
        b.Property(a => a.Error).HasMaxLength(1000);
        // never two calls in progress to one lead, whatever the number of dialers
        b.HasIndex(a => a.LeadId, "ix_dial_attempts_one_active_per_lead").HasDatabaseName("ix_dial_attempts_one_active_per_lead").IsUnique().HasFilter(DialAttempt.ActiveFilter);
        // the slots in use, per client and campaign, and the leases the sweep reclaims
        b.HasIndex(a => new { a.ClientId, a.CampaignId, a.LeaseUntil }, "ix_dial_attempts_active").HasDatabaseName("ix_dial_attempts_active").HasFilter(DialAttempt.ActiveFilter);
        b.HasIndex(a => new { a.LeadId, a.Number });
        // calls to one person in the last 24 hours (the state rules' limit)
        b.HasIndex(a => new { a.ClientId, a.PhoneE164, a.CreatedAt });
        b.HasIndex(a => a.ProviderCallId);
    }
}

internal sealed class PlatformSettingConfiguration : IEntityTypeConfiguration<PlatformSetting>
{
    public void Configure(EntityTypeBuilder<PlatformSetting> b)
    {
        b.ToTable("platform_settings");
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(64);
        b.Property(s => s.Value).HasMaxLength(1000);
        b.Property(s => s.UpdatedBy).HasMaxLength(256);
    }
}
