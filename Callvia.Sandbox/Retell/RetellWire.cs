using System.Text.Json;

namespace Callvia.Sandbox.Retell;

/// <summary>
/// Retell's create-phone-call as contracts/retell.md gives it: <c>Authorization: Bearer {key}</c>, JSON
/// <c>{ from_number, to_number (E.164), override_agent_id?, metadata (object), retell_llm_dynamic_variables (strings) }</c>,
/// answered 201 with the call object (<c>call_status: registered</c>); 401 for a wrong key, 400 naming a bad field. The
/// simulator and the tests' fake Retell both answer with this.
/// </summary>
public static class RetellWire
{
    /// <summary>Why the request is refused (Retell's status and <c>error_message</c>), or null.</summary>
    public static IResult? Check(string? authorization, string raw, string apiKey)
    {
        if (authorization != "Bearer " + apiKey)
            return Results.Json(new { error_message = "Unauthorized" }, statusCode: 401);
        if (Parse(raw) is not { ValueKind: JsonValueKind.Object } json)
            return Results.Json(new { error_message = "Invalid JSON" }, statusCode: 400);
        foreach (var field in new[] { "from_number", "to_number" })
            if (!json.TryGetProperty(field, out var n) || n.ValueKind != JsonValueKind.String || n.GetString() is not { Length: > 1 } number
                || !number.StartsWith('+') || !number[1..].All(char.IsAsciiDigit))
                return Results.Json(new { error_message = $"{field} must be an E.164 number" }, statusCode: 400);
        if (json.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Object)
            return Results.Json(new { error_message = "metadata must be an object" }, statusCode: 400);
        if (json.TryGetProperty("retell_llm_dynamic_variables", out var v)
            && (v.ValueKind != JsonValueKind.Object || v.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String)))
            return Results.Json(new { error_message = "retell_llm_dynamic_variables values must be strings" }, statusCode: 400);
        return null;
    }

    /// <summary>The 201 answer: the registered call object, echoing the request's numbers, agent, metadata and variables.</summary>
    public static IResult Registered(string callId, JsonElement request) => Results.Json(CallObject(callId, request, "registered"), statusCode: 201);

    /// <summary>The call object's common fields (§2), as every answer and webhook carries them.</summary>
    public static Dictionary<string, object?> CallObject(string callId, JsonElement request, string status)
    {
        var call = new Dictionary<string, object?>
        {
            ["call_type"] = "phone_call", ["call_id"] = callId,
            ["agent_id"] = request.TryGetProperty("override_agent_id", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : "agent_default",
            ["agent_version"] = 1, ["call_status"] = status, ["direction"] = "outbound",
            ["from_number"] = request.GetProperty("from_number").GetString(), ["to_number"] = request.GetProperty("to_number").GetString(),
        };
        // omitted entirely when not set on the call (§2)
        if (request.TryGetProperty("metadata", out var metadata)) call["metadata"] = metadata;
        if (request.TryGetProperty("retell_llm_dynamic_variables", out var variables)) call["retell_llm_dynamic_variables"] = variables;
        return call;
    }

    private static JsonElement? Parse(string body)
    {
        try { return JsonSerializer.Deserialize<JsonElement>(body); }
        catch (JsonException) { return null; }
    }
}
