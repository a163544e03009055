using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using NodaTime;

namespace Warnings.Reporting.Domain;

/// <summary>The lengths of a report's texts (they flow into documents, lists and the dashboard).</summary>
public static class ReportLimits
{
    /// <summary>Codes: category, district, severity class.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>Names and addresses: address, enterprise, reporting unit, reporter, signing official.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Descriptions: account, measures, trend, requests for help, reasons.</summary>
    public const int MaxTextLength = 2000;
}

/// <summary>
/// What a report must contain and how it must relate to the incident so far. Every problem becomes a
/// field violation of one INVALID_ARGUMENT (reason <c>REPORT_INVALID</c>), so a district learns of all
/// its missing items at once (prevention of 漏报) and nothing is written.
/// </summary>
public static class ReportRules
{
    public const string Reason = ReportingReasons.ReportInvalid;

    /// <summary>Every text of the body within <see cref="ReportLimits"/>.</summary>
    public static void CheckLengths(ReportBody body, FieldViolations problems) =>
        problems.CheckLength(body.Category, "body.category", ReportLimits.MaxCodeLength)
            .CheckLength(body.District, "body.district", ReportLimits.MaxCodeLength)
            .CheckLength(body.Address, "body.address", ReportLimits.MaxNameLength)
            .CheckLength(body.Enterprise, "body.enterprise", ReportLimits.MaxNameLength)
            .CheckLength(body.ReportingUnit, "body.reporting_unit", ReportLimits.MaxNameLength)
            .CheckLength(body.Reporter, "body.reporter", ReportLimits.MaxNameLength)
            .CheckLength(body.SigningOfficial, "body.signing_official", ReportLimits.MaxNameLength)
            .CheckLength(body.Account, "body.account", ReportLimits.MaxTextLength)
            .CheckLength(body.Measures, "body.measures", ReportLimits.MaxTextLength)
            .CheckLength(body.Trend, "body.trend", ReportLimits.MaxTextLength)
            .CheckLength(body.RequestsForHelp, "body.requests_for_help", ReportLimits.MaxTextLength)
            .CheckLength(body.CountChangeReason, "body.count_change_reason", ReportLimits.MaxTextLength);

    /// <summary>The items each kind of report must carry.</summary>
    public static void CheckRequired(ReportKind kind, ReportBody? body, FieldViolations problems)
    {
        if (body is null)
        {
            problems.Add("body", "is required");
            return;
        }

        if (kind == ReportKind.Initial)
        {
            problems.Check(body.Category.Length > 0, "body.category", "required in an initial report")
                .Check(body.OccurredAt is not null, "body.occurred_at", "required in an initial report")
                .Check(body.District.Length > 0, "body.district", "required in an initial report")
                .Check(body.Address.Trim().Length > 0 || body.Location is not null, "body.address", "an address or a location is required")
                .Check(body.ReportingUnit.Trim().Length > 0, "body.reporting_unit", "required in an initial report")
                .Check(body.Reporter.Trim().Length > 0, "body.reporter", "required in an initial report");
        }

        problems.Check(body.Account.Trim().Length > 0, "body.account", "say what happened or what changed");
        if (kind == ReportKind.Final)
        {
            problems.Check(body.SigningOfficial.Trim().Length > 0, "body.signing_official", "a final report is signed by an official");
        }

        CheckLengths(body, problems);
        var t = body.Totals ?? new IncidentCounts();
        problems.Check(double.IsFinite(t.CropAreaHectares), "body.totals.crop_area_hectares", "must be a finite number");
        problems.Check(t.Deaths >= 0 && t.Missing >= 0 && t.SeriouslyInjured >= 0 && t.Trapped >= 0 && t.AffectedPopulation >= 0
                && t.Relocated >= 0 && t.HousesCollapsed >= 0 && t.HousesDamaged >= 0 && t.CropAreaHectares >= 0 && t.DirectLossYuan >= 0,
            "body.totals", "counts cannot be negative");
    }

    /// <summary>The category is one the reporting rules of the list make reportable.</summary>
    public static void CheckCategory(ReportBody body, ReportingRules rules, long listVersion, FieldViolations problems)
    {
        if (body.Category.Length > 0 && !rules.Categories.Any(c => c.Code == body.Category && c.Reportable))
        {
            problems.Add("body.category", $"'{body.Category}' is not a reportable category on publication list v{listVersion}");
        }
    }

    /// <summary>Where and when: a known district, a location inside the city near it, not in the future.</summary>
    public static void CheckPlaceAndTime(ReportBody body, DistrictMap map, ReportingOptions options, Instant now, FieldViolations problems)
    {
        if (body.District.Length > 0 && !map.Knows(body.District))
        {
            problems.Add("body.district", $"unknown district '{body.District}'");
        }

        if (body.Location is { } point && !(double.IsFinite(point.Latitude) && double.IsFinite(point.Longitude)
            && Math.Abs(point.Latitude) <= 90 && Math.Abs(point.Longitude) <= 180))
        {
            problems.Add("body.location", "latitude and longitude must be finite numbers on Earth");
        }
        else if (body.Location is { } location)
        {
            if (!map.InCity(location.Latitude, location.Longitude) && (!map.Knows(body.District) || map.DistanceKm(body.District, location.Latitude, location.Longitude) > options.FarFromDistrictKm))
            {
                problems.Add("body.location", "the location is outside the city");
            }
            else if (map.Knows(body.District) && map.DistanceKm(body.District, location.Latitude, location.Longitude) > options.FarFromDistrictKm)
            {
                problems.Add("body.location", $"the location is more than {options.FarFromDistrictKm} km from district {body.District}");
            }
        }

        if (body.OccurredAt is not null)
        {
            var before = problems.Count;
            problems.CheckInstant(body.OccurredAt, "body.occurred_at", out var occurred);
            if (problems.Count == before && occurred > now + Duration.FromTimeSpan(options.FutureTolerance))
            {
                problems.Add("body.occurred_at", "is in the future");
            }
        }
    }

    /// <summary>
    /// How <paramref name="after"/> may follow <paramref name="before"/> without a stated reason:
    /// cumulative counts (deaths, injuries, losses, damage) do not fall; no count jumps (grows by 10
    /// or more and beyond <paramref name="jumpFactor"/> times). Missing and trapped are current
    /// states: they fall freely as people are found or rescued. <paramref name="later"/> names the
    /// report that follows when a correction is checked against it.
    /// </summary>
    public static void CheckCounts(IncidentCounts before, IncidentCounts after, string reason, double jumpFactor, FieldViolations problems, string later = "")
    {
        if (reason.Trim().Length > 0)
        {
            return;
        }

        foreach (var (name, old, now, cumulative) in Pairs(before, after))
        {
            if (now < old && cumulative)
            {
                problems.Add($"body.totals.{name}", later.Length == 0
                    ? $"fell from {old} to {now}: cumulative counts need body.count_change_reason to fall"
                    : $"{later} gives {now}, less than the corrected {old}: cumulative counts need body.count_change_reason to fall");
            }
            else if (now - old >= 10 && now > old * jumpFactor)
            {
                problems.Add($"body.totals.{name}", later.Length == 0
                    ? $"jumped from {old} to {now}: explain it in body.count_change_reason"
                    : $"{later} gives {now}, a jump from the corrected {old}: explain it in body.count_change_reason");
            }
        }
    }

    private static IEnumerable<(string Name, double Before, double After, bool Cumulative)> Pairs(IncidentCounts a, IncidentCounts b) =>
    [
        ("deaths", a.Deaths, b.Deaths, true), ("missing", a.Missing, b.Missing, false), ("seriously_injured", a.SeriouslyInjured, b.SeriouslyInjured, true),
        ("trapped", a.Trapped, b.Trapped, false), ("affected_population", a.AffectedPopulation, b.AffectedPopulation, true), ("relocated", a.Relocated, b.Relocated, true),
        ("houses_collapsed", a.HousesCollapsed, b.HousesCollapsed, true), ("houses_damaged", a.HousesDamaged, b.HousesDamaged, true),
        ("crop_area_hectares", a.CropAreaHectares, b.CropAreaHectares, true), ("direct_loss_yuan", a.DirectLossYuan, b.DirectLossYuan, true),
    ];
}
