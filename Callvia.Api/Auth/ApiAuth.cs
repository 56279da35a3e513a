using Callvia.Web.Identity;
using Callvia.Web.Tenancy;
using System.Security.Cryptography;
using Callvia.Core.Identity;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Validation.AspNetCore;

namespace Callvia.Api.Auth;

public static class ApiAuth
{
    /// <summary>Picks the bearer token when one is sent, else the portal's session cookie.</summary>
    public const string Scheme = "callvia";

    /// <summary>
    /// OpenIddict's token endpoint (client credentials for partner applications) and token validation,
    /// the portal's session cookie, and the fallback policy (authenticated and of the host's tenant).
    /// </summary>
    public static WebApplicationBuilder AddApiAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCallviaIdentity(browserRedirects: false);
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "Bearer token or session", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme
                    : IdentityConstants.ApplicationScheme);
        var authorization = services.AddAuthorizationBuilder().AddCallviaPolicies(Scheme);
        // an agency principal on a client's host names that client (X-Callvia-Act-As), see AgencyActAs
        services.Configure<ActAsOptions>(o => o.RequireHeader = true);
        Tenancy.ProviderSecretsApi.AddPolicy(authorization, Scheme);

        var keys = TokenKeys.FromConfiguration(builder.Configuration, builder.Environment);
        var allowHttp = builder.Configuration.GetValue("Auth:AllowHttp", true);
        services.AddCallviaOpenIddictCore()
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token");
                o.AllowClientCredentialsFlow();
                o.RegisterScopes(OpenIddictRegistration.ApiScope);
                o.SetAccessTokenLifetime(TimeSpan.FromHours(1));
                o.AddEncryptionKey(keys.Encryption);
                o.AddSigningKey(keys.Signing);
                // Client-credentials tokens are self-contained: nothing to store per token request.
                o.DisableTokenStorage();
                o.DisableAuthorizationStorage();
                var aspnet = o.UseAspNetCore().EnableTokenEndpointPassthrough();
                // TLS ends at the ingress in front of the API (forwarded headers tell the scheme);
                // set Auth:AllowHttp=false where the API itself must refuse plain HTTP.
                if (allowHttp) aspnet.DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
                o.AddEventHandler(RevokedApplications.Descriptor);
            });
        return builder;
    }
}

/// <summary>
/// The keys that encrypt and sign access tokens, derived from one secret (<c>Auth:TokenKey</c>, base64,
/// 32+ bytes) so that every API instance reads every other's tokens. Without it, development runs get
/// throw-away keys (tokens die with the process); other environments refuse to start.
/// </summary>
public sealed record TokenKeys(SecurityKey Encryption, SecurityKey Signing)
{
    public static TokenKeys FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["Auth:TokenKey"];
        byte[] secret;
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!environment.IsDevelopment())
                throw new InvalidOperationException("Auth:TokenKey (base64, 32+ bytes) is required to issue partner tokens.");
            secret = RandomNumberGenerator.GetBytes(32);
        }
        else
        {
            secret = Convert.FromBase64String(configured);
            if (secret.Length < 32)
                throw new InvalidOperationException("Auth:TokenKey must hold at least 32 bytes.");
        }
        return new TokenKeys(
            new SymmetricSecurityKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "callvia token encryption"u8.ToArray())),
            DeriveSigningKey(secret));
    }

    /// <summary>OpenIddict signs with an asymmetric key: a P-256 key whose private scalar is derived from the secret.</summary>
    private static ECDsaSecurityKey DeriveSigningKey(byte[] secret)
    {
        for (byte attempt = 0; ; attempt++)
        {
            var d = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: [.. "callvia token signing"u8, attempt]);
            try
            {
                var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
                return new ECDsaSecurityKey(ecdsa) { KeyId = Convert.ToHexString(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
            }
            catch (CryptographicException) when (attempt < 8)
            {
                // the scalar fell outside the curve's order (odds about 2^-32): derive the next one
            }
        }
    }
}
