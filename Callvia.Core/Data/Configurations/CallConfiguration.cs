using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class CallLogConfiguration : IEntityTypeConfiguration<CallLog>
{
    public void Configure(EntityTypeBuilder<CallLog> b)
    {
        b.HasOne<Lead>().WithMany().HasForeignKey(c => new { c.ClientId, LeadId = c.LeadId })
            .HasPrincipalKey(l => new { l.ClientId, l.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.HasOne<Campaign>().WithMany().HasForeignKey(c => new { c.ClientId, CampaignId = c.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(c => c.ProviderCallId).HasMaxLength(128);
        b.HasIndex(c => c.ProviderCallId).IsUnique();
        b.Property(c => c.Direction).HasMaxLength(16);
        b.Property(c => c.FromNumber).HasMaxLength(20);
        b.Property(c => c.ToNumber).HasMaxLength(20);
        b.Property(c => c.DisconnectionReason).HasMaxLength(64);
        b.Property(c => c.RecordingUrl).HasMaxLength(2048);
        b.Property(c => c.Sentiment).HasMaxLength(32);
        b.Property(c => c.Outcome).HasMaxLength(64);
        b.HasIndex(c => new { c.ClientId, c.StartedAt });
        b.HasIndex(c => new { c.ClientId, c.LeadId, c.StartedAt });
        // calls placed in a range (KPIs: counts, called/contacted leads, calls by day): index-only
        // a page of leads' last calls (the lastCall loader reads by lead id alone: the tenant is row-level security's)
        b.HasIndex(c => new { c.LeadId, c.CreatedAt });
        b.HasIndex(c => new { c.ClientId, c.CreatedAt }).IncludeProperties(c => new { c.CampaignId, c.LeadId, c.StartedAt, c.DurationSeconds });
        b.HasAlternateKey(c => new { c.ClientId, c.Id });
    }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> b)
    {
        b.HasOne<CallLog>().WithOne().HasForeignKey<UsageRecord>(u => new { u.ClientId, u.CallLogId })
            .HasPrincipalKey<CallLog>(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Restrict);
        // the invoice that billed it: no foreign key (the month close marks thousands of rows in one statement, and a
        // foreign key looks the invoice up once per row); 13_billing.sql checks each statement's invoices once, and
        // keeps invoices from being deleted
        b.Property(u => u.CampaignId).ValueGeneratedOnAddOrUpdate();
        b.HasIndex(u => u.CallLogId).IsUnique();
        b.Property(u => u.RatePerMinute).HasPrecision(10, 4);
        b.Property(u => u.Cost).HasPrecision(14, 6);
        // usage cost of a range (KPIs): index-only
        b.HasIndex(u => new { u.ClientId, u.OccurredAt }).IncludeProperties(u => u.Cost);
        // no index on the invoice: nothing reads usage by its invoice (the invoice's lines hold its sums), and the month
        // close writes the invoice into every billed row, where each index costs (bench/billing.sh)
        // the month close's candidates and its UPDATE: what is still to bill
        b.HasIndex(u => new { u.ClientId, u.OccurredAt }, "ix_usage_records_unbilled").HasFilter("invoice_id IS NULL AND NOT simulated").HasDatabaseName("ix_usage_records_unbilled");
    }
}
