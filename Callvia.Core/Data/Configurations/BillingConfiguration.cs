using Callvia.Core.Billing;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(i => i.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.Property(i => i.Period).HasMaxLength(7);
        b.Property(i => i.StripeInvoiceId).HasMaxLength(255);
        b.HasIndex(i => i.StripeInvoiceId).IsUnique();
        b.Property(i => i.Currency).HasMaxLength(3);
        b.Property(i => i.HostedInvoiceUrl).HasMaxLength(2048);
        b.Property(i => i.FailureReason).HasMaxLength(1000);
        // one usage invoice per client and month
        b.HasIndex(i => new { i.ClientId, i.Kind, i.Period }).IsUnique().HasFilter("period IS NOT NULL");
        b.HasIndex(i => new { i.ClientId, i.CreatedAt });
        b.HasAlternateKey(i => new { i.ClientId, i.Id });
    }
}

internal sealed class MilestoneConfiguration : IEntityTypeConfiguration<Milestone>
{
    public void Configure(EntityTypeBuilder<Milestone> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(m => m.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invoice>().WithMany().HasForeignKey(m => new { m.ClientId, InvoiceId = m.InvoiceId })
            .HasPrincipalKey(i => new { i.ClientId, i.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(m => m.Amount).HasPrecision(12, 2);
        b.HasIndex(m => new { m.ClientId, m.Number }).IsUnique();
    }
}
