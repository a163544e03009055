using NodaTime;
using Warnings.Contracts.V1;
using Warnings.Reporting.Domain;
using static Warnings.Reporting.Tests.IncidentBuilders;

namespace Warnings.Reporting.Tests;

/// <summary>The preview of a report: the same judgement as a submission, and nothing kept.</summary>
public class ReportDryRunTests
{
    private static readonly DistrictMap Map = new(DistrictMap.DefaultPath);
    private static readonly ReportingOptions Options = new();

    [Fact]
    public void An_initial_report_is_classified_by_its_counts_and_its_place_checked_without_opening_anything()
    {
        var body = Initial(Counts(deaths: 4));
        body.Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 };
        var preview = ReportDryRun.Initial(body, Map, Options, At(T0 + Duration.FromMinutes(10)));
        Assert.True(preview.Acceptable);
        Assert.Equal("III", preview.SeverityClass);
        Assert.Equal(new PlaceCheck { Located = true, InCity = true, DistrictAt = "310101", NearDistrict = true, DistanceKm = 0, FarKm = 3 }, preview.Place);
        Assert.False(preview.Late);
        Assert.Equal("2026-07-15 17:30", preview.DueLocal); // III: within an hour of 16:30
    }

    [Fact]
    public void An_incomplete_initial_report_answers_every_missing_item_and_its_class_all_the_same()
    {
        var body = Initial(Counts(deaths: 30));
        body.Account = "";
        body.Location = new GeoPoint { Latitude = 31.62, Longitude = 121.40 }; // Chongming, far from Huangpu
        var preview = ReportDryRun.Initial(body, Map, Options, At(T0 + Duration.FromHours(3)));
        Assert.False(preview.Acceptable);
        Assert.Equal("I", preview.SeverityClass);
        Assert.Equal("310151", preview.Place.DistrictAt);
        Assert.False(preview.Place.NearDistrict);
        Assert.Equal(["body.account", "body.location"], preview.Problems.Select(p => p.Field).Order());
        Assert.All(preview.Problems, p => Assert.Equal(ReportingReasons.ReportInvalid, p.Reason));
    }

    [Fact]
    public void A_follow_up_that_raises_the_class_escalates_and_the_incident_stays_as_it_was()
    {
        var fire = Fire(deaths: 1);
        var stored = fire.Timeline.Clone();
        var preview = ReportDryRun.Change(fire.Timeline, ReportKind.FollowUp, 0, "", FollowUp(Counts(deaths: 3)), Map, Options, At(T0 + Duration.FromHours(1)));
        Assert.True(preview.Acceptable);
        Assert.Equal(("III", "IV", "IV", true), (preview.SeverityClass, preview.IncidentSeverityClass, preview.HighestSeverityClass, preview.Escalates));
        Assert.Equal(stored, fire.Timeline);
    }

    [Fact]
    public void A_follow_up_to_a_closed_incident_answers_its_refusal_reason()
    {
        var fire = Fire(deaths: 1);
        fire.Submit(ReportKind.Final, Final(Counts(deaths: 1)), At(T0 + Duration.FromHours(2)));
        var preview = ReportDryRun.Change(fire.Timeline, ReportKind.FollowUp, 0, "", FollowUp(Counts(deaths: 1)), Map, Options, At(T0 + Duration.FromHours(3)));
        Assert.False(preview.Acceptable);
        Assert.Equal(ReportingReasons.IncidentClosed, Assert.Single(preview.Problems).Reason);
    }

    [Fact]
    public void Falling_deaths_without_a_reason_are_refused_at_their_field_and_a_correction_needs_a_reason()
    {
        var fire = Fire(deaths: 2);
        var fallen = ReportDryRun.Change(fire.Timeline, ReportKind.FollowUp, 0, "", FollowUp(Counts(deaths: 1)), Map, Options, At(T0 + Duration.FromHours(1)));
        Assert.Equal("body.totals.deaths", Assert.Single(fallen.Problems).Field);
        var correction = ReportDryRun.Change(fire.Timeline, ReportKind.Unspecified, 1, "", Initial(Counts(deaths: 2)), Map, Options, At(T0 + Duration.FromHours(1)));
        Assert.Equal("reason", Assert.Single(correction.Problems).Field);
    }
}
