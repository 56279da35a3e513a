using Callvia.Core.Campaigns;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Description).HasMaxLength(2000);
        b.Property(c => c.RetellAgentId).HasMaxLength(128);
        b.Property(c => c.FromNumber).HasMaxLength(20);
        b.HasIndex(c => new { c.ClientId, c.Status });
        // (client_id, id) lets children reference a campaign of their own client only.
        b.HasAlternateKey(c => new { c.ClientId, c.Id });
    }
}
