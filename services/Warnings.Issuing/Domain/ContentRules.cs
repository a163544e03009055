using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;

namespace Warnings.Issuing.Domain;

/// <summary>
/// What makes warning content well-formed, whatever the publication list says: INVALID_ARGUMENT
/// with a field violation for each problem. Whether it may be published is the list's question.
/// </summary>
public static class ContentRules
{
    public const int MaxHeadline = 100;
    public const int MaxText = 2000;
    public const int MaxContact = 200;
    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en"];

    /// <summary>Adds the problems of <paramref name="content"/> (under <paramref name="prefix"/>) to <paramref name="problems"/>.</summary>
    public static void Check(WarningContent? content, IReadOnlySet<string> knownDistricts, FieldViolations problems, string prefix = "content")
    {
        if (content is null)
        {
            problems.Add(prefix, "is required");
            return;
        }

        problems.Check(content.Hazard.Length > 0, $"{prefix}.hazard", "is required")
            .Check(content.Level.Length == 0 || WarningLevels.IsKnown(content.Level), $"{prefix}.level", "must be blue, yellow, orange, red, or empty for a notice")
            .Check(content.Districts.Count > 0, $"{prefix}.districts", "at least one district (310000 for the whole city)")
            .Check(content.Channels.Count > 0, $"{prefix}.channels", "at least one channel")
            .Check(content.Channels.Distinct().Count() == content.Channels.Count, $"{prefix}.channels", "each channel once")
            .Check(content.Contact.Length <= MaxContact, $"{prefix}.contact", $"at most {MaxContact} characters");
        for (int i = 0; i < content.Districts.Count; i++)
        {
            problems.Check(content.Districts[i] == Scopes.CityWide || knownDistricts.Contains(content.Districts[i]), $"{prefix}.districts[{i}]", $"unknown district '{content.Districts[i]}'");
        }

        bool onsetOk = TimestampConversions.TryToInstant(content.OnsetAt, out var onset);
        bool expiresOk = TimestampConversions.TryToInstant(content.ExpiresAt, out var expires);
        problems.Check(onsetOk, $"{prefix}.onset_at", "a valid timestamp is required")
            .Check(expiresOk, $"{prefix}.expires_at", "a valid timestamp is required");
        if (onsetOk && expiresOk)
        {
            problems.Check(expires > onset, $"{prefix}.expires_at", "must be after onset_at");
        }

        for (int i = 0; i < content.Polygons.Count; i++)
        {
            var points = content.Polygons[i].Points;
            string at = $"{prefix}.polygons[{i}]";
            if (!points.All(Geometry.IsOnEarth))
            {
                problems.Add($"{at}.points", "latitudes are -90 to 90 and longitudes -180 to 180");
            }
            else if (!Geometry.IsClosed(points))
            {
                problems.Add($"{at}.points", "a polygon has at least 4 points and ends where it starts");
            }
            else if (Geometry.SelfIntersects(points))
            {
                problems.Add($"{at}.points", "the polygon's edges cross each other");
            }
        }

        for (int i = 0; i < content.Circles.Count; i++)
        {
            var circle = content.Circles[i];
            problems.Check(circle.Center is not null && Geometry.IsOnEarth(circle.Center), $"{prefix}.circles[{i}].center", "a centre on Earth is required")
                .Check(circle.RadiusKm is > 0 and <= Geometry.MaxRadiusKm, $"{prefix}.circles[{i}].radius_km", $"between 0 and {Geometry.MaxRadiusKm} km");
        }

        problems.Check(content.Texts.Any(t => t.Language == "zh-CN"), $"{prefix}.texts", "a zh-CN text is required");
        problems.Check(content.Texts.Select(t => t.Language).Distinct().Count() == content.Texts.Count, $"{prefix}.texts", "one text per language");
        for (int i = 0; i < content.Texts.Count; i++)
        {
            var text = content.Texts[i];
            string at = $"{prefix}.texts[{i}]";
            problems.Check(Languages.Contains(text.Language), $"{at}.language", $"unsupported language '{text.Language}'; supported: {string.Join(", ", Languages)}")
                .Check(text.Headline.Trim().Length is > 0 and <= MaxHeadline, $"{at}.headline", $"1-{MaxHeadline} characters")
                .Check(text.Description.Length <= MaxText, $"{at}.description", $"at most {MaxText} characters")
                .Check(text.Instruction.Length <= MaxText, $"{at}.instruction", $"at most {MaxText} characters");
        }
    }
}
