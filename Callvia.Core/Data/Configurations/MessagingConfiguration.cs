using Callvia.Core.Appointments;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.HasOne<Lead>().WithMany().HasForeignKey(m => new { m.ClientId, LeadId = m.LeadId })
            .HasPrincipalKey(l => new { l.ClientId, l.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.HasOne<Appointment>().WithMany().HasForeignKey(m => new { m.ClientId, AppointmentId = m.AppointmentId })
            .HasPrincipalKey(a => new { a.ClientId, a.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(m => m.Kind).HasMaxLength(32);
        b.Property(m => m.ToAddress).HasMaxLength(254);
        b.Property(m => m.FromAddress).HasMaxLength(254);
        b.Property(m => m.Subject).HasMaxLength(300);
        // an SMS is at most 1,600 characters and an email body 50,000 (ManualMessages)
        b.Property(m => m.Body).HasMaxLength(50_000);
        b.Property(m => m.IdempotencyKey).HasMaxLength(100);
        b.Property(m => m.ProviderMessageId).HasMaxLength(128);
        b.Property(m => m.Error).HasMaxLength(2000);
        // A scheduled reminder or sequence step exists once per appointment and channel; manual
        // messages about an appointment may repeat.
        b.HasIndex(m => new { m.AppointmentId, m.Kind, m.Channel }).IsUnique()
            .HasFilter("kind <> 'manual' AND kind <> 'inbound'");
        b.HasIndex(m => new { m.ClientId, m.CreatedAt });
        b.HasIndex(m => new { m.ClientId, m.LeadId });
        // a lead's latest messages (Lead.messages) without sorting all of them
        b.HasIndex(m => new { m.LeadId, m.CreatedAt });
        // the sender's claim of due messages (app_claim_due_messages): the scheduled ones no instance has taken, by time and
        // then client, so a batch of messages due at the same moment holds few clients (fewer, larger batches per tenant).
        // No (status, scheduled_for) index beside it: the planner took that one for the claim and sorted every due row
        // (35 ms for 100 of 30,000 due; 4 ms by this one, bench/reminders.sh).
        b.HasIndex(m => new { m.ScheduledFor, m.ClientId }, "ix_messages_due").HasDatabaseName("ix_messages_due")
            .HasFilter("status = 'scheduled' AND claimed_at IS NULL AND scheduled_for IS NOT NULL");
        // the interrupted-send sweep: taken, never answered
        b.HasIndex(m => m.ClaimedAt, "ix_messages_claimed").HasDatabaseName("ix_messages_claimed")
            .HasFilter("status = 'scheduled' AND claimed_at IS NOT NULL");
        b.HasIndex(m => m.ProviderMessageId);
        b.HasIndex(m => new { m.ClientId, m.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
        // the interrupted-send sweep (app_fail_interrupted_messages)
        b.HasIndex(m => m.CreatedAt, "ix_messages_interrupted_manual").HasDatabaseName("ix_messages_interrupted_manual")
            .HasFilter("kind = 'manual' AND direction = 'outbound' AND status = 'scheduled' AND provider_message_id IS NULL");
    }
}

internal sealed class MessageTemplateConfiguration : IEntityTypeConfiguration<MessageTemplate>
{
    public void Configure(EntityTypeBuilder<MessageTemplate> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.Property(t => t.Kind).HasMaxLength(32);
        b.Property(t => t.Subject).HasMaxLength(300);
        b.Property(t => t.Body).HasMaxLength(50_000);
        b.HasIndex(t => new { t.ClientId, t.Kind, t.Channel }).IsUnique();
    }
}

internal sealed class EmailBounceConfiguration : IEntityTypeConfiguration<EmailBounce>
{
    public void Configure(EntityTypeBuilder<EmailBounce> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.Property(t => t.Email).HasMaxLength(254);
        b.Property(t => t.Reason).HasMaxLength(1000);
        b.HasIndex(t => new { t.ClientId, t.Email }).IsUnique();
    }
}

internal sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> b)
    {
        b.HasOne<Client>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.PhoneE164).HasMaxLength(16);
        b.Property(s => s.Reason).HasMaxLength(500);
        b.Property(s => s.Source).HasMaxLength(16);
        b.HasIndex(s => new { s.ClientId, s.PhoneE164 }).IsUnique();
    }
}
