using System.Globalization;
using NodaTime;
using Warnings.Contracts.V1;

namespace Warnings.PublicationList.Domain;

/// <summary>What a template's placeholders are filled from: the draft's elements, and values the request gives.</summary>
/// <param name="Districts">The draft's district codes (310000: the city).</param>
/// <param name="Onset">The draft's onset, when it has a valid one.</param>
/// <param name="Expiry">The draft's expiry, when it has a valid one.</param>
/// <param name="LinkedMeasures">The response measures the grant links at the draft's level.</param>
/// <param name="Values">Given values by (placeholder, language); language "" stands for every language.</param>
public sealed record TemplateFacts(
    string Department,
    string Hazard,
    string Level,
    IReadOnlyList<string> Districts,
    Instant? Onset,
    Instant? Expiry,
    IReadOnlyList<string> LinkedMeasures,
    IReadOnlyDictionary<(string Placeholder, string Language), string> Values);

/// <summary>
/// Fills a template's texts, each in its own language: names from the list version at hand
/// (<see cref="ListNames"/>), times in Asia/Shanghai written the language's way ("7月15日20时" /
/// "20:00 on 15 July").
/// </summary>
public static class TemplateFilling
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>The filled texts, and a sentence for each language where a placeholder has no value.</summary>
    public sealed record Result(IReadOnlyList<TemplateText> Texts, IReadOnlyList<string> Missing);

    public static Result Fill(WarningTemplate template, ListNames names, TemplateFacts facts)
    {
        var texts = new List<TemplateText>();
        var missing = new List<string>();
        foreach (var text in template.Texts)
        {
            string language = text.Language;
            bool lacking = false;
            string Value(string placeholder)
            {
                if (Given(facts, placeholder, language) is { } given)
                {
                    return given;
                }

                switch (placeholder)
                {
                    case TemplatePlaceholders.Districts: return names.Districts(facts.Districts, language);
                    case TemplatePlaceholders.Onset: return facts.Onset is { } onset ? Time(onset, language) : "";
                    case TemplatePlaceholders.Expiry: return facts.Expiry is { } expiry ? Time(expiry, language) : "";
                    case TemplatePlaceholders.Level: return names.Level(facts.Level, language);
                    case TemplatePlaceholders.Hazard: return names.Hazard(facts.Hazard, language);
                    case TemplatePlaceholders.Department: return names.Department(facts.Department, language);
                    case TemplatePlaceholders.Measures when facts.LinkedMeasures.Count > 0: return names.Measures(facts.LinkedMeasures, language);
                    default:
                        lacking = true;
                        return "";
                }
            }

            texts.Add(new TemplateText
            {
                Language = language,
                Headline = TemplatePlaceholders.Fill(text.Headline, Value),
                Description = TemplatePlaceholders.Fill(text.Description, Value),
                Instruction = TemplatePlaceholders.Fill(text.Instruction, Value),
            });
            if (lacking)
            {
                missing.Add($"template {template.Id} uses {{{TemplatePlaceholders.Measures}}} and the grant links no response measures at this level: give its value in {language}");
            }
        }

        return new Result(texts, missing);
    }

    /// <summary>A local (Asia/Shanghai) time the way the language writes it in a warning.</summary>
    public static string Time(Instant instant, string language)
    {
        var local = instant.InZone(Shanghai).LocalDateTime;
        return ListNames.IsChinese(language)
            ? string.Create(CultureInfo.InvariantCulture, $"{local.Month}月{local.Day}日{local.Hour:00}时{(local.Minute == 0 ? "" : $"{local.Minute:00}分")}")
            : local.ToString("HH':'mm' on 'd MMMM", CultureInfo.InvariantCulture);
    }

    private static string? Given(TemplateFacts facts, string placeholder, string language) =>
        facts.Values.TryGetValue((placeholder, language), out var value) || facts.Values.TryGetValue((placeholder, ""), out value) ? value : null;
}
