using System.Text.Json;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> b)
    {
        // The composite key makes a lead's campaign a campaign of the same client, in the database.
        b.HasOne(l => l.Campaign).WithMany()
            .HasForeignKey(l => new { l.ClientId, l.CampaignId }).HasPrincipalKey(c => new { c.ClientId, c.Id })
            .OnDelete(DeleteBehavior.Cascade);
        b.Property(l => l.FirstName).HasMaxLength(100);
        b.Property(l => l.LastName).HasMaxLength(100);
        b.Property(l => l.PhoneE164).HasMaxLength(16);
        b.Property(l => l.PhoneRaw).HasMaxLength(64);
        b.Property(l => l.Email).HasMaxLength(254);
        b.Property(l => l.TimeZone).HasMaxLength(64);
        b.Property(l => l.ConsentSource).HasMaxLength(200);
        b.Property(l => l.DialerNote).HasMaxLength(300);
        // a new lead is due at once, however it is inserted (EF Core, the import's INSERT … SELECT, COPY)
        b.Property(l => l.DialAt).HasDefaultValueSql("now()");
        // the dialer's next-due scan: a campaign's leads by when they are next looked at
        b.HasIndex(l => new { l.CampaignId, l.DialAt }, "ix_leads_dial_due").HasDatabaseName("ix_leads_dial_due").HasFilter("dial_at IS NOT NULL");
        // The leads list's search keys (LeadSearch): lower-cased copies in byte order ("C"), so a prefix is an index range
        // of leak-proof comparisons, which row-level security lets PostgreSQL use (ILIKE it does not).
        foreach (var (key, sql) in LeadSearch.Keys)
        {
            b.Property<string?>(key).HasComputedColumnSql(sql, stored: true).UseCollation("C");
            b.HasIndex("ClientId", key);
        }
        b.Property(l => l.CustomFields).HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
                s => JsonSerializer.Deserialize<Dictionary<string, string>>(s, (JsonSerializerOptions?)null) ?? new(),
                new ValueComparer<Dictionary<string, string>>(
                    (x, y) => x!.Count == y!.Count && !x.Except(y).Any(),
                    v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
                    v => new Dictionary<string, string>(v)));
        b.HasIndex(l => new { l.CampaignId, l.PhoneE164 }).IsUnique();
        // a campaign's leads of some statuses in a date range (the leads list's filters), newest first
        b.HasIndex(l => new { l.ClientId, l.CampaignId, l.Status, l.CreatedAt });
        // leads created in a range (KPIs, the unfiltered list newest first): index-only for counts by status/campaign
        b.HasIndex(l => new { l.ClientId, l.CreatedAt }).IncludeProperties(l => new { l.CampaignId, l.Status });
        b.HasIndex(l => new { l.ClientId, l.PhoneE164 });
        b.HasIndex(l => new { l.ClientId, l.Email });
        b.HasAlternateKey(l => new { l.ClientId, l.Id });
    }
}
