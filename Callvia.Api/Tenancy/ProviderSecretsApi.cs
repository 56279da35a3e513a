using Callvia.Web.Tenancy;
using Callvia.Web;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;

namespace Callvia.Api.Tenancy;

/// <summary>
/// A client admin (or an agency admin on the client's host) sets the client's provider secrets; they are
/// stored encrypted and never returned, only whether and since when each is set.
/// </summary>
public static class ProviderSecretsApi
{
    public const string AdminPolicy = "client-admin";

    public static void MapProviderSecretsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/settings/provider-secrets").WithTags("Settings").RequireAuthorization(AdminPolicy).WithBodyLimit(BodyLimit.Json);
        group.MapGet("/", async (ProviderSecrets secrets, HttpContext http) =>
            TypedResults.Ok((await secrets.ListAsync(http.RequestAborted)).Select(s => new { provider = s.Provider, updatedAt = s.UpdatedAt })));
        group.MapPut("/{provider}", async (string provider, SecretBody? body, ProviderSecrets secrets, HttpContext http) =>
        {
            if (!WebhookProviders.ClientSecrets.Contains(provider))
                return ApiProblems.Of(404, $"Unknown provider '{provider}': one of {string.Join(", ", WebhookProviders.ClientSecrets)}.");
            if (body?.Secret is not { } secret)
                return ApiProblems.Of(400, $"secret is required ({ProviderSecrets.MinLength} to {ProviderSecrets.MaxLength} characters).");
            if (ProviderSecrets.Problem(secret) is { } problem)
                return ApiProblems.Of(400, "secret: " + problem);
            await secrets.SetAsync(provider, secret, http.RequestAborted);
            return TypedResults.NoContent();
        });
        group.MapDelete("/{provider}", async (string provider, ProviderSecrets secrets, HttpContext http) =>
            await secrets.DeleteAsync(provider, http.RequestAborted) ? TypedResults.NoContent() : ApiProblems.Of(404, $"No secret for '{provider}'."));
    }

    public sealed record SecretBody(string? Secret);

    /// <summary>Of the host's tenant (the fallback requirement) and its admin, or an agency admin.</summary>
    public static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationBuilder auth, string scheme) =>
        auth.AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(scheme).RequireAuthenticatedUser()
            .AddRequirements(new SameTenantRequirement())
            .RequireAssertion(ctx => ctx.Resource is HttpContext http
                                     && Administrators.CanAdminister(ctx.User, http.RequestServices.GetRequiredService<TenantContext>())));

}
