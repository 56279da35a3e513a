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
        b.Property(i => i.IssueError).HasMaxLength(2000);
        b.Property(i => i.Number).HasMaxLength(100);
        b.Property(i => i.Description).HasMaxLength(1000);
        b.HasIndex(i => new { i.ClientId, i.MilestoneNumber }).IsUnique().HasFilter("milestone_number IS NOT NULL");
        // what the issuing sweep still has to make in Stripe
        b.HasIndex(i => i.CreatedAt).HasDatabaseName("ix_invoices_to_issue").HasFilter("NOT simulated AND stripe_step <> 'sent' AND issue_failed_at IS NULL AND voided_at IS NULL");
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
        b.HasAlternateKey(m => new { m.ClientId, m.Id });
    }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(l => l.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invoice>().WithMany().HasForeignKey(l => new { l.ClientId, l.InvoiceId })
            .HasPrincipalKey(i => new { i.ClientId, i.Id }).OnDelete(DeleteBehavior.Cascade);
        b.Property(l => l.Description).HasMaxLength(500);
        b.Property(l => l.Cost).HasPrecision(18, 6);
        b.HasIndex(l => new { l.InvoiceId, l.Position }).IsUnique();
    }
}

internal sealed class MilestoneEntryConfiguration : IEntityTypeConfiguration<MilestoneEntry>
{
    public void Configure(EntityTypeBuilder<MilestoneEntry> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(e => e.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Appointments.Appointment>().WithMany().HasForeignKey(e => new { e.ClientId, e.AppointmentId })
            .HasPrincipalKey(a => new { a.ClientId, a.Id }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Milestone>().WithMany().HasForeignKey(e => new { e.ClientId, MilestoneId = e.MilestoneId })
            .HasPrincipalKey(m => new { m.ClientId, m.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(e => e.VerifiedBy).HasMaxLength(320);
        b.Property(e => e.Note).HasMaxLength(2000);
        b.Property(e => e.RemovedReason).HasMaxLength(1000);
        // an appointment counts once: one entry in the ledger at a time
        b.HasIndex(e => e.AppointmentId).IsUnique().HasFilter("removed_at IS NULL").HasDatabaseName("ux_milestone_entries_counting");
        // the pool: shown appointments not in a milestone yet, oldest first
        b.HasIndex(e => new { e.ClientId, e.VerifiedAt }).HasFilter("removed_at IS NULL AND milestone_id IS NULL").HasDatabaseName("ix_milestone_entries_pool");
        b.HasIndex(e => new { e.MilestoneId, e.Position });
        // the places corrections left open, filled first by the next shown appointments (few, whatever the ledger's size)
        b.HasIndex(e => new { e.ClientId, e.RemovedAt }).HasFilter("place_open").HasDatabaseName("ix_milestone_entries_open_places");
    }
}
