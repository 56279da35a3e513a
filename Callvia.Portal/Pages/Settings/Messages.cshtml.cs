using Callvia.Core.Messaging;
using Microsoft.AspNetCore.Mvc;

namespace Callvia.Portal.Pages.Settings;

/// <summary>
/// A client admin's automated messages: each kind on or off, each kind's wording per channel (save, back to the default,
/// preview with sample data and the SMS's segments). The rules are Core's <see cref="MessageTemplates"/> (GraphQL has the
/// same); a refused text comes back next to its field with a 422 and changes nothing. Admins only (403 for a client user).
/// </summary>
public sealed class MessagesModel(MessageTemplates templates) : Hosting.PortalPage
{
    public IReadOnlyList<TemplateText> Templates { get; private set; } = [];
    public (string Kind, MessageChannel Channel, RenderedTemplate Text)? Preview { get; private set; }
    public string? Notice { get; private set; }

    public static string Key(string kind, MessageChannel channel) => $"{kind}-{channel.ToString().ToLowerInvariant()}";

    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (Tenant.ClientId is null) { context.Result = NotFound(); return; }
        if (!CanAdminister) { context.Result = Forbidden(); return; }
        await next();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notice = Request.Query["saved"].ToString() switch
        {
            "template" => "Saved: messages not sent yet go out with this wording.", "reset" => "Back to the default wording.",
            "on" => "Turned on.", "off" => "Turned off: nothing of this kind is sent from now on.", _ => null,
        };
        Templates = await templates.ListAsync(ct);
    }

    public async Task<IActionResult> OnPostSaveAsync(string kind, MessageChannel channel, string? subject, string? body, CancellationToken ct)
    {
        var (_, issues) = await templates.UpdateAsync(kind ?? "", channel, subject, body, ct);
        return issues.Count > 0 ? await RefusedAsync(kind, channel, issues, ct) : Redirect($"/settings/messages?saved=template#{Key(kind!, channel)}");
    }

    public async Task<IActionResult> OnPostResetAsync(string kind, MessageChannel channel, CancellationToken ct)
    {
        var (_, issues) = await templates.ResetAsync(kind ?? "", channel, ct);
        return issues.Count > 0 ? await RefusedAsync(kind, channel, issues, ct) : Redirect($"/settings/messages?saved=reset#{Key(kind!, channel)}");
    }

    public async Task<IActionResult> OnPostSwitchAsync(string kind, bool enabled, CancellationToken ct)
    {
        var issues = await templates.SetEnabledAsync(kind ?? "", enabled, ct);
        return issues.Count > 0 ? await RefusedAsync(kind, MessageChannel.Sms, issues, ct) : Redirect($"/settings/messages?saved={(enabled ? "on" : "off")}#kind-{kind}");
    }

    public async Task<IActionResult> OnPostPreviewAsync(string kind, MessageChannel channel, string? subject, string? body, CancellationToken ct)
    {
        var (preview, issues) = await templates.PreviewAsync(kind ?? "", channel, subject, body, ct);
        if (issues.Count > 0) return await RefusedAsync(kind, channel, issues, ct);
        Preview = (kind!, channel, preview!);
        Templates = await templates.ListAsync(ct);
        return Page();
    }

    private async Task<IActionResult> RefusedAsync(string? kind, MessageChannel channel, List<Core.Campaigns.FieldIssue> issues, CancellationToken ct)
    {
        foreach (var i in issues) ModelState.AddModelError($"{Key(kind ?? "", channel)}.{i.Field}", i.Message);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Templates = await templates.ListAsync(ct);
        return Page();
    }
}
