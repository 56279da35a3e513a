using Callvia.Core.Auditing;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(e => e.ClientId).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(e => e.Provider).HasMaxLength(32);
        b.Property(e => e.ProviderEventKey).HasMaxLength(255);
        b.Property(e => e.EventType).HasMaxLength(64);
        b.Property(e => e.Error).HasMaxLength(4000);
        b.Property(e => e.TraceParent).HasMaxLength(64);
        b.HasIndex(e => new { e.Provider, e.ProviderEventKey }).IsUnique();
        b.HasIndex(e => new { e.Status, e.ReceivedAt });
        b.HasIndex(e => new { e.ClientId, e.ReceivedAt });
        // the dispatcher's and sweep's scan (app_claim_events, app_pending_events) and the health check's count
        b.HasIndex(e => e.ReceivedAt, "ix_events_pending").HasDatabaseName("ix_events_pending").HasFilter("status IN ('received', 'processing')");
        // the dispatcher's claim alone (app_claim_events): not the events claimed and waiting for their job, which pile up under load
        b.HasIndex(e => e.ReceivedAt, "ix_events_received").HasDatabaseName("ix_events_received").HasFilter("status = 'received'");
        b.HasIndex(e => e.ReceivedAt, "ix_events_failed").HasDatabaseName("ix_events_failed").HasFilter("status = 'failed'");
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(a => a.ClientId).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(a => a.Actor).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(64);
        b.Property(a => a.Detail).HasMaxLength(4000);
        b.Property(a => a.IpAddress).HasMaxLength(64);
        b.HasIndex(a => new { a.ClientId, a.At });
        b.HasIndex(a => a.At);
    }
}

internal sealed class ProviderSecretConfiguration : IEntityTypeConfiguration<ProviderSecret>
{
    public void Configure(EntityTypeBuilder<ProviderSecret> b)
    {
        b.HasKey(s => new { s.ClientId, s.Provider });
        b.HasOne<Client>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Provider).HasMaxLength(32);
        b.Property(s => s.Protected).HasMaxLength(4000);
    }
}
