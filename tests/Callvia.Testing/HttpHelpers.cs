using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Callvia.Testing;

public static partial class HttpHelpers
{
    /// <summary>Signs in through the portal's form, like a browser: GET the form, POST it with its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient portal, string email, string password)
    {
        var form = await portal.GetStringAsync("/account/sign-in");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        return await portal.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The antiforgery token of a page's forms.</summary>
    public static string AntiforgeryToken(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    /// <summary>Posts a form as the page <paramref name="pagePath"/> would: its antiforgery token read from that page first.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient portal, string pagePath, string postPath, Dictionary<string, string> fields)
    {
        var token = AntiforgeryToken(await portal.GetStringAsync(pagePath));
        return await portal.PostAsync(postPath, new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }));
    }

    /// <summary>Client credentials at <c>/connect/token</c>; returns the access token or null with the error.</summary>
    public static async Task<(string? Token, string? Error)> RequestTokenAsync(this HttpClient api, string clientId, string secret)
    {
        var response = await api.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "callvia.api",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode
            ? (body.GetProperty("access_token").GetString(), null)
            : (null, body.GetProperty("error").GetString());
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GraphQLAsync(this HttpClient api, string query, object? variables = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        // as current GraphQL clients ask: the GraphQL media type first, so a refused document is a 400
        request.Headers.TryAddWithoutValidation("Accept", "application/graphql-response+json, application/json;q=0.9");
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrEmpty(text) ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
