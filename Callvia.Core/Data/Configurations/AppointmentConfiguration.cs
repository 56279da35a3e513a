using Callvia.Core.Appointments;
using Callvia.Core.Campaigns;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Callvia.Core.Data.Configurations;

internal sealed class AppointmentConfiguration : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> b)
    {
        b.HasOne<Lead>().WithMany().HasForeignKey(a => new { a.ClientId, LeadId = a.LeadId })
            .HasPrincipalKey(l => new { l.ClientId, l.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.HasOne<Campaign>().WithMany().HasForeignKey(a => new { a.ClientId, CampaignId = a.CampaignId })
            .HasPrincipalKey(c => new { c.ClientId, c.Id }).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
        b.Property(a => a.ProviderBookingUid).HasMaxLength(128);
        b.HasIndex(a => a.ProviderBookingUid).IsUnique();
        b.Property(a => a.RescheduledFromUid).HasMaxLength(128);
        // a booking's reschedules (each Cal.com event walks its reschedule chain): without it, a scan per event
        b.HasIndex(a => a.RescheduledFromUid).HasFilter("rescheduled_from_uid IS NOT NULL");
        b.Property(a => a.Title).HasMaxLength(300);
        b.Property(a => a.AttendeeName).HasMaxLength(200);
        b.Property(a => a.AttendeeEmail).HasMaxLength(254);
        b.Property(a => a.AttendeePhone).HasMaxLength(20);
        b.Property(a => a.AttendeeTimeZone).HasMaxLength(64);
        b.Property(a => a.Location).HasMaxLength(1000);
        b.Property(a => a.ClientNote).HasMaxLength(2000);
        b.HasIndex(a => new { a.ClientId, a.StartsAt });
        // bookings made in a range (the KPIs' partial days)
        b.HasIndex(a => new { a.ClientId, a.CreatedAt });
        b.HasIndex(a => new { a.ClientId, a.LeadId });
        // a page of leads' last appointments (the lastAppointment loader reads by lead id alone)
        b.HasIndex(a => new { a.LeadId, a.CreatedAt });
        // the verification sweep: booked appointments by end time
        b.HasIndex(a => new { a.Status, a.EndsAt });
        b.HasAlternateKey(a => new { a.ClientId, a.Id });
        b.Property(a => a.VerifiedBy).HasMaxLength(320);
    }
}
