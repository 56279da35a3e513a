using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.Property(c => c.Slug).HasMaxLength(63);
        b.HasIndex(c => c.Slug).IsUnique();
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.TimeZone).HasMaxLength(64);
        b.Property(c => c.DefaultRegion).HasMaxLength(2);
        b.Property(c => c.RatePerMinute).HasPrecision(10, 4);
        b.Property(c => c.MilestoneAmount).HasPrecision(12, 2);
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.StripeCustomerId).HasMaxLength(255);
        b.HasIndex(c => c.StripeCustomerId).IsUnique();
        b.Property(c => c.BookingUrl).HasMaxLength(2048);
        b.Property(c => c.BillingEmail).HasMaxLength(320);
        b.Property(c => c.MessageKindsOff).HasDefaultValueSql("'{}'::text[]");
    }
}
