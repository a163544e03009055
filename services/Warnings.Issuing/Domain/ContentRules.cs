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

    /// <summary>An update note, a lift reason or a review comment: they go into CAP documents and every channel.</summary>
    public const int MaxNote = 500;

    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en"];

    /// <summary>Points of one polygon, closing point included (the crossing check is quadratic in them).</summary>
    public const int MaxPolygonPoints = 1000;

    /// <summary>Polygons and circles of one warning together.</summary>
    public const int MaxShapes = 20;

    /// <summary>
    /// Adds the problems of <paramref name="content"/> (under <paramref name="prefix"/>) to
    /// <paramref name="problems"/>: everything that costs little (linear in the request, with the
    /// sizes bounded). Whether a polygon crosses itself is <see cref="CheckShapes"/>, which callers run
    /// only once the caller's scope has been checked.
    /// </summary>
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

        problems.Check(content.Polygons.Count + content.Circles.Count <= MaxShapes, $"{prefix}.polygons",
            $"at most {MaxShapes} polygons and circles together (this has {content.Polygons.Count + content.Circles.Count})");
        for (int i = 0; i < content.Polygons.Count; i++)
        {
            var points = content.Polygons[i].Points;
            string at = $"{prefix}.polygons[{i}]";
            if (points.Count > MaxPolygonPoints)
            {
                problems.Add($"{at}.points", $"at most {MaxPolygonPoints} points (this has {points.Count})");
            }
            else if (!points.All(Geometry.IsOnEarth))
            {
                problems.Add($"{at}.points", "latitudes are -90 to 90 and longitudes -180 to 180 (finite numbers)");
            }
            else if (!Geometry.IsClosed(points))
            {
                problems.Add($"{at}.points", "a polygon has at least 4 points and ends where it starts");
            }
        }

        for (int i = 0; i < content.Circles.Count; i++)
        {
            var circle = content.Circles[i];
            problems.Check(circle.Center is not null && Geometry.IsOnEarth(circle.Center), $"{prefix}.circles[{i}].center", "a centre on Earth (finite latitude -90 to 90, longitude -180 to 180) is required")
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

    /// <summary>
    /// The expensive part: whether a polygon's edges cross (quadratic in its points). Run after the
    /// caller's scope check, and only on polygons that passed <see cref="Check"/> (within the limits,
    /// on Earth, closed), so at most <see cref="MaxShapes"/> x <see cref="MaxPolygonPoints"/>² work.
    /// </summary>
    public static void CheckShapes(WarningContent? content, FieldViolations problems, string prefix = "content")
    {
        if (content is null || content.Polygons.Count + content.Circles.Count > MaxShapes)
        {
            return;
        }

        for (int i = 0; i < content.Polygons.Count; i++)
        {
            var points = content.Polygons[i].Points;
            if (points.Count <= MaxPolygonPoints && points.All(Geometry.IsOnEarth) && Geometry.IsClosed(points) && Geometry.SelfIntersects(points))
            {
                problems.Add($"{prefix}.polygons[{i}].points", "the polygon's edges cross each other");
            }
        }
    }
}
