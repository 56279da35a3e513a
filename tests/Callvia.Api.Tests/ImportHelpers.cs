using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Callvia.Testing;
using Npgsql;

namespace Callvia.Api.Tests;

internal static class ImportHelpers
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> ImportAsync(
        this HttpClient api, string token, Guid campaignId, string csv, bool multipart = true, string? path = null)
        => await api.ImportBytesAsync(token, campaignId, Encoding.UTF8.GetBytes(csv), multipart, path);

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> ImportBytesAsync(
        this HttpClient api, string token, Guid campaignId, byte[] bytes, bool multipart = true, string? path = null, string contentType = "text/csv")
    {
        HttpContent content;
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (multipart)
        {
            var form = new MultipartFormDataContent();
            form.Add(file, "file", "leads.csv");
            content = form;
        }
        else content = file;
        using var request = new HttpRequestMessage(HttpMethod.Post, path ?? $"/api/leads/import?campaignId={campaignId}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // as curl does for large bodies: the server can refuse (413) before the body is sent, instead of
        // the client hitting a closed connection while still writing it
        request.Headers.ExpectContinue = true;
        var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient api, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<string> TokenAsync(this HttpClient api, TestTenant tenant) =>
        (await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret)).Token!;


    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();
}

internal static class MoreHttp
{
    public static async Task<string> GetStringWithTokenAsync(this HttpClient api, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<(System.Net.HttpStatusCode Status, System.Text.Json.JsonElement Body)> PostJsonWithTokenAsync(this HttpClient api, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        return (response.StatusCode, System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(await response.Content.ReadAsStringAsync()));
    }
}
