using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Data.Configurations;

/// <summary>Identity and OpenIddict name their tables themselves; give them snake_case names like the rest.</summary>
internal static class IdentityTables
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<AppUser>(u =>
        {
            u.ToTable("users");
            u.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
            u.Property(x => x.DisplayName).HasMaxLength(200);
            u.HasIndex(x => x.ClientId);
        });
        b.Entity<AppRole>().ToTable("roles");
        b.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        b.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        b.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        b.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        b.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");

        b.Entity<PartnerApplication>(a =>
        {
            a.ToTable("openiddict_applications");
            a.HasOne<Client>().WithMany().HasForeignKey(x => x.OwnerClientId).OnDelete(DeleteBehavior.Restrict).IsRequired(false);
            a.HasIndex(x => x.OwnerClientId);
        });
        b.Entity<PartnerAuthorization>().ToTable("openiddict_authorizations");
        b.Entity<PartnerScope>().ToTable("openiddict_scopes");
        b.Entity<PartnerToken>().ToTable("openiddict_tokens");
        b.Entity<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>().ToTable("data_protection_keys");
    }
}
