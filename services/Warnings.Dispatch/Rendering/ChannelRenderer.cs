using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime;
using Warnings.Contracts.Events;

namespace Warnings.Dispatch.Rendering;

/// <summary>
/// The form of a warning on each channel. Pure: the same version renders the same way everywhere.
/// <list type="bullet">
/// <item>sms, network_sms: one 70-character UCS-2 message, or 67-character segments numbered "(k/n)";</item>
/// <item>cell_broadcast: pages of 41 UCS-2 characters (82 octets), at most 15, to the districts' cell areas;</item>
/// <item>tv: one crawl line; radio: a script to read out; outdoor_screen, siren: short text;</item>
/// <item>website, app_push, social_media: JSON with every field.</item>
/// </list>
/// Updates say what changed ("更新：…"), lifts say so ("解除：…"); the response measures (the six
/// suspensions) are spelled out wherever the warning carries them.
/// </summary>
public static class ChannelRenderer
{
    public const int SmsSingle = 70;
    public const int SmsSegment = 67;
    public const int CellBroadcastPage = 41;
    public const int CellBroadcastMaxPages = 15;
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static readonly IReadOnlyDictionary<string, string> MeasureNames = new Dictionary<string, string>
    {
        ["suspend_work"] = "停工", ["suspend_business"] = "停业", ["suspend_public_transport"] = "停运",
        ["suspend_shipping"] = "停航", ["suspend_flights"] = "停飞", ["close_parks_and_schools"] = "停园停课",
    };

    public static RenderedMessage Render(string channel, PublishedWarningVersion version, string note, IReadOnlyDictionary<string, IReadOnlyList<string>> cellAreas)
    {
        var parts = version.Texts.ToDictionary(t => t.Language, t => Parts(channel, version, t, note));
        var targets = channel == "cell_broadcast"
            ? version.Districts.SelectMany(d => d == "310000" ? cellAreas.Values.SelectMany(a => a) : cellAreas.GetValueOrDefault(d) ?? []).Distinct().ToList()
            : (IReadOnlyList<string>)version.Districts;
        return new RenderedMessage(channel, parts, targets);
    }

    private static IReadOnlyList<string> Parts(string channel, PublishedWarningVersion v, WarningTextContent text, string note)
    {
        bool zh = text.Language == "zh-CN";
        string prefix = v.Kind switch
        {
            "Cancel" => zh ? "解除：" : "LIFTED: ",
            "Expired" => zh ? "已过期：" : "EXPIRED: ",
            "Update" => zh ? $"更新（{note}）：" : $"UPDATE ({note}): ",
            _ => "",
        };
        string measures = v.ResponseMeasures.Count == 0 ? "" : zh
            ? $"联动措施：{string.Join("、", v.ResponseMeasures.Select(m => MeasureNames.GetValueOrDefault(m, m)))}。"
            : $"Measures: {string.Join(", ", v.ResponseMeasures)}.";
        string body = zh
            ? $"{prefix}{text.Headline}。{text.Description}{text.Instruction}{measures}"
            : $"{prefix}{text.Headline}. {text.Description} {text.Instruction} {measures}".Trim();
        return channel switch
        {
            "sms" or "network_sms" => SmsSegments(body),
            "cell_broadcast" => Pages(body, CellBroadcastPage).Take(CellBroadcastMaxPages).ToList(),
            "tv" => [Flatten(body)],
            "radio" => [zh ? $"各位听众，现在播报预警信息。{body}" : $"This is a warning announcement. {body}"],
            "outdoor_screen" or "siren" => [Flatten($"{prefix}{text.Headline}")],
            _ => [Json(v, text, prefix, note)],
        };
    }

    /// <summary>
    /// SMS in UCS-2: up to 70 UTF-16 units in one message; beyond, segments of 67 units (the rest is
    /// the concatenation header) each ending "(k/n)". A surrogate pair is never split.
    /// </summary>
    public static IReadOnlyList<string> SmsSegments(string text)
    {
        if (text.Length <= SmsSingle)
        {
            return [text];
        }

        // The numbering takes room too; find n such that the text fits n segments with their suffixes.
        for (int n = 2; ; n++)
        {
            int suffix = $"({n}/{n})".Length;
            var pieces = Pages(text, SmsSegment - suffix);
            if (pieces.Count <= n)
            {
                return pieces.Select((p, i) => $"{p}({i + 1}/{pieces.Count})").ToList();
            }
        }
    }

    private static List<string> Pages(string text, int size)
    {
        var pages = new List<string>();
        for (int start = 0; start < text.Length;)
        {
            int length = Math.Min(size, text.Length - start);
            if (length < text.Length - start && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--; // keep the pair together on the next page
            }

            pages.Add(text.Substring(start, length));
            start += length;
        }

        return pages;
    }

    private static string Flatten(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string Json(PublishedWarningVersion v, WarningTextContent text, string prefix, string note) => JsonSerializer.Serialize(new
    {
        warningId = v.WarningId,
        version = v.Version,
        kind = v.Kind,
        note,
        language = text.Language,
        headline = prefix + text.Headline,
        description = text.Description,
        instruction = text.Instruction,
        hazard = v.Hazard,
        level = v.Level,
        districts = v.Districts,
        onset = v.OnsetAt.InZone(Shanghai).ToString("uuuu-MM-dd'T'HH:mm:sso<+HH:mm>", CultureInfo.InvariantCulture),
        expires = v.ExpiresAt.InZone(Shanghai).ToString("uuuu-MM-dd'T'HH:mm:sso<+HH:mm>", CultureInfo.InvariantCulture),
        responseMeasures = v.ResponseMeasures,
        contact = v.Contact,
    }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
