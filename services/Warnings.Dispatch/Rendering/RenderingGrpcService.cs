using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;

namespace Warnings.Dispatch.Rendering;

/// <summary>
/// Renders a warning as written so far with <see cref="ChannelRenderer"/>, the code that renders what
/// dispatch sends: the console's live SMS and cell-broadcast preview has no rendering rules of its own.
/// </summary>
public sealed class RenderingGrpcService(CellAreas cellAreas, IClock clock) : RenderingService.RenderingServiceBase
{
    private const int MaxTextLength = 2_000;
    private static readonly string[] Kinds = ["Alert", "Update", "Cancel"];

    [RpcAccess(Roles.DutyOfficer, Roles.Approver)]
    public override Task<PreviewRenderingResponse> PreviewRendering(PreviewRenderingRequest request, ServerCallContext context)
    {
        var content = request.Content ?? new WarningContent();
        var known = Channels.All.Select(Channels.NameOf).Append("partner_feed").ToHashSet(StringComparer.Ordinal);
        string kind = request.Kind.Length == 0 ? "Alert" : request.Kind;
        var problems = new FieldViolations()
            .Check(Kinds.Contains(kind), "kind", "is Alert, Update or Cancel")
            .Check(request.Note.Length <= 500, "note", "at most 500 characters")
            .Check(request.ResponseMeasures.Count <= 20, "response_measures", "at most 20")
            .Check(content.Channels.Count <= known.Count, "content.channels", $"at most {known.Count}")
            .Check(content.Texts.Count <= 4, "content.texts", "at most 4")
            .Check(content.Districts.Count <= 50, "content.districts", "at most 50");
        for (int i = 0; i < content.Channels.Count && i < known.Count; i++)
        {
            problems.Check(known.Contains(content.Channels[i]), $"content.channels[{i}]", "is not a delivery channel");
        }

        for (int i = 0; i < content.Texts.Count && i < 4; i++)
        {
            var text = content.Texts[i];
            problems.Check(text.Language is "zh-CN" or "en", $"content.texts[{i}].language", "is zh-CN or en")
                .Check(text.Headline.Length <= 100, $"content.texts[{i}].headline", "at most 100 characters")
                .Check(text.Description.Length <= MaxTextLength, $"content.texts[{i}].description", $"at most {MaxTextLength} characters")
                .Check(text.Instruction.Length <= MaxTextLength, $"content.texts[{i}].instruction", $"at most {MaxTextLength} characters");
        }

        var now = clock.GetCurrentInstant();
        Instant onset = now, expires = now;
        problems.Check(content.OnsetAt is null || TimestampConversions.TryToInstant(content.OnsetAt, out onset), "content.onset_at", "is not a valid timestamp")
            .Check(content.ExpiresAt is null || TimestampConversions.TryToInstant(content.ExpiresAt, out expires), "content.expires_at", "is not a valid timestamp");
        problems.ThrowIfAny();

        var version = new PublishedWarningVersion("preview", 1, kind, [], "", content.Hazard, content.Level, content.Districts.ToList(),
            onset, expires,
            content.Channels.ToList(), content.Texts.Select(t => new WarningTextContent(t.Language, t.Headline, t.Description, t.Instruction)).ToList(),
            content.Contact, request.ResponseMeasures.ToList(), 0, false, now, "");
        var response = new PreviewRenderingResponse();
        foreach (string channel in content.Channels.Where(c => c != "partner_feed").Distinct())
        {
            var rendered = ChannelRenderer.Render(channel, version, request.Note, cellAreas.ByDistrict);
            var preview = new ChannelPreview { Channel = channel };
            foreach (var (language, parts) in rendered.Parts)
            {
                preview.Languages.Add(Describe(channel, language, parts));
            }

            response.Channels.Add(preview);
        }

        return Task.FromResult(response);
    }

    private static LanguagePreview Describe(string channel, string language, IReadOnlyList<string> parts)
    {
        var preview = new LanguagePreview { Language = language, Parts = { parts } };
        string last = parts.Count == 0 ? "" : parts[^1];
        switch (channel)
        {
            case "sms" or "network_sms":
                // One message holds 70; once split, each segment holds 67 less its "(k/n)".
                preview.CharactersLeft = parts.Count <= 1
                    ? ChannelRenderer.SmsSingle - last.Length
                    : ChannelRenderer.SmsSegment - last.Length;
                break;
            case "cell_broadcast":
                preview.CharactersLeft = ChannelRenderer.CellBroadcastPage - last.Length;
                preview.MaxParts = ChannelRenderer.CellBroadcastMaxPages;
                break;
        }

        return preview;
    }
}
