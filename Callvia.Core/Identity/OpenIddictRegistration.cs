using Callvia.Core.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Identity;

public static class OpenIddictRegistration
{
    public const string ApiScope = "callvia.api";

    /// <summary>OpenIddict's stores over <see cref="CallviaDbContext"/>, tenant-scoped like every other query.</summary>
    public static OpenIddictBuilder AddCallviaOpenIddictCore(this IServiceCollection services) =>
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore()
            .UseDbContext<CallviaDbContext>()
            .ReplaceDefaultEntities<PartnerApplication, PartnerAuthorization, PartnerScope, PartnerToken, Guid>());
}
