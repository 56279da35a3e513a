using Callvia.Core.Validation;
using Callvia.Web;
using System.Text.Json;
using Callvia.Api.GraphQL;
using Callvia.Core.Appointments;
using Callvia.Core.Data;

namespace Callvia.Api.Appointments;

/// <summary>
/// <c>POST /api/appointments/verify</c> <c>{ appointmentId, showed, note? }</c>: the client's answer, by the same rule as
/// the <c>verifyAppointment</c> mutation (<see cref="AppointmentVerification"/>). 200 the appointment; 400 problem details
/// with <c>errors</c> per field for bad input; 404 for an unknown appointment or another client's; 409 when the
/// appointment cannot be verified (cancelled, not started yet), also with <c>errors</c>.
/// </summary>
public static class AppointmentApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static void MapAppointmentApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/appointments").WithTags("Appointments").MapPost("/verify", VerifyAsync); // over MaxBodyBytes: 413 here

    private static async Task<IResult> VerifyAsync(HttpContext http, AppointmentVerification verification)
    {
        if (!http.Request.HasJsonContentType())
            return TypedResults.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send the answer as application/json.");
        if (http.Request.ContentLength > MaxBodyBytes)
            return ApiProblems.Of(413, $"The body is over {MaxBodyBytes / 1024} KB.");
        JsonElement body;
        try
        {
            using var doc = await JsonDocument.ParseAsync(new LimitedStream(http.Request.Body, MaxBodyBytes), cancellationToken: http.RequestAborted);
            body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return ApiProblems.Of(400, "The body is not valid JSON.");
        }
        catch (InvalidDataException)
        {
            return ApiProblems.Of(413, $"The body is over {MaxBodyBytes / 1024} KB.");
        }
        if (body.ValueKind != JsonValueKind.Object)
            return ApiProblems.Of(400, "The body must be a JSON object: { appointmentId, showed, note? }.");

        var errors = new Dictionary<string, string[]>();
        Guid? id = null;
        if (!body.TryGetProperty("appointmentId", out var rawId) || rawId.ValueKind == JsonValueKind.Null)
            errors["appointmentId"] = ["appointmentId is required: the appointment's UUID (or its GraphQL id)."];
        else if (rawId.ValueKind != JsonValueKind.String || !JsonText.TryGetString(rawId, out var idText) || (id = ParseId(idText)) is null)
            errors["appointmentId"] = ["appointmentId is not an appointment id (a UUID, or its GraphQL id)."];
        bool? showed = body.TryGetProperty("showed", out var rawShowed) ? rawShowed.ValueKind switch
        {
            JsonValueKind.True => true, JsonValueKind.False => false, _ => null,
        } : null;
        if (showed is null) errors["showed"] = ["showed is required: true (the lead showed up) or false."];
        string? note = null;
        if (body.TryGetProperty("note", out var rawNote) && rawNote.ValueKind != JsonValueKind.Null)
        {
            if (rawNote.ValueKind != JsonValueKind.String) errors["note"] = ["note must be a string."];
            else if (!JsonText.TryGetString(rawNote, out note) || Core.Validation.TextInput.Problem("note", note) is not null)
                errors["note"] = [Core.Validation.TextInput.Problem("note", note) ?? "note contains an unpaired UTF-16 surrogate (not valid Unicode)."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Bad input");

        var result = await verification.RecordClientAnswerAsync(id!.Value, showed!.Value, note, http.RequestAborted);
        if (result.Issues.Count == 0) return TypedResults.Ok(Response(result.Appointment!));
        var first = result.Issues[0];
        var status = first.Code == "NOT_FOUND" ? 404 : first.Field == "note" ? 400 : 409;
        var fieldErrors = result.Issues.GroupBy(i => i.Field == "id" ? "appointmentId" : i.Field)
            .ToDictionary(g => g.Key, g => g.Select(i => i.Message).ToArray());
        return status == 404
            ? ApiProblems.Of(404, $"Appointment {id} was not found.")
            : TypedResults.Problem(statusCode: status, title: status == 400 ? "Bad input" : "Conflict", detail: first.Message,
                extensions: new Dictionary<string, object?> { ["errors"] = fieldErrors });
    }

    private static Guid? ParseId(string? value) =>
        Guid.TryParse(value, out var id) ? id : GlobalId.Decode(value, AppointmentGraphType.TypeName);

    /// <summary>The REST shape of an appointment (UUIDs, snake_case enum values as the import's status).</summary>
    public static object Response(Appointment a) => new
    {
        id = a.Id, leadId = a.LeadId, campaignId = a.CampaignId, bookingUid = a.ProviderBookingUid, title = a.Title,
        startsAt = a.StartsAt.UtcDateTime, endsAt = a.EndsAt.UtcDateTime, status = SnakeCaseEnum<AppointmentStatus>.ToDb(a.Status),
        clientAnswer = a.ClientAnswer, clientNote = a.ClientNote, clientAnsweredAt = a.ClientAnsweredAt?.UtcDateTime,
        leadAnswer = a.LeadAnswer,
        verificationSource = a.VerificationSource is { } s ? SnakeCaseEnum<VerificationSource>.ToDb(s) : null,
        verifiedAt = a.VerifiedAt?.UtcDateTime, cancelledAt = a.CancelledAt?.UtcDateTime, createdAt = a.CreatedAt.UtcDateTime,
    };

    /// <summary>Reads at most <c>limit</c> bytes, then fails: a body without a Content-Length cannot grow without end.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct);
            if ((_read += n) > limit) throw new InvalidDataException("too large");
            return n;
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
