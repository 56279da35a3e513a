using Callvia.Core.Campaigns;
using Callvia.Core.Leads.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class LeadImportConfiguration : IEntityTypeConfiguration<LeadImport>
{
    public void Configure(EntityTypeBuilder<LeadImport> b)
    {
        b.HasOne<Campaign>().WithMany().HasForeignKey(i => new { i.ClientId, i.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Cascade);
        b.Property(i => i.FileName).HasMaxLength(255);
        b.Property(i => i.Error).HasMaxLength(2000);
        b.Property(i => i.CreatedBy).HasMaxLength(256);
        b.HasIndex(i => new { i.ClientId, i.CreatedAt });
        b.HasAlternateKey(i => new { i.ClientId, i.Id });
    }
}

internal sealed class LeadImportIssueConfiguration : IEntityTypeConfiguration<LeadImportIssue>
{
    public void Configure(EntityTypeBuilder<LeadImportIssue> b)
    {
        b.HasKey(i => new { i.ImportId, i.Line });
        b.HasOne<LeadImport>().WithMany().HasForeignKey(i => new { i.ClientId, i.ImportId })
            .HasPrincipalKey(i => new { i.ClientId, i.Id }).OnDelete(DeleteBehavior.Cascade);
        b.Property(i => i.Reason).HasMaxLength(300);
        b.Property(i => i.Value).HasMaxLength(1000);
    }
}

internal sealed class CampaignLeadCountConfiguration : IEntityTypeConfiguration<CampaignLeadCount>
{
    public void Configure(EntityTypeBuilder<CampaignLeadCount> b)
    {
        b.HasKey(c => new { c.CampaignId, c.Status });
        b.HasOne<Campaign>().WithMany().HasForeignKey(c => new { c.ClientId, c.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Cascade);
    }
}
