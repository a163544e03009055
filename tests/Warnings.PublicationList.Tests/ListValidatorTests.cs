using Google.Protobuf.WellKnownTypes;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Tests;

/// <summary>Invalid lists are refused with a field violation for every problem.</summary>
public class ListValidatorTests
{
    private static Contracts.V1.PublicationList WithTyphoonGrant(Action<Grant> change)
    {
        var list = DefaultList.Load();
        change(list.Grants.Single(g => g.Id == "smb-typhoon"));
        return list;
    }

    private static Dictionary<string, string> Problems(Contracts.V1.PublicationList list) =>
        ListValidator.Validate(list).GroupBy(p => p.Field).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(p => p.Description)));

    private static string Typhoon => $"list.grants[{DefaultList.Load().Grants.ToList().FindIndex(g => g.Id == "smb-typhoon")}]";

    [Fact]
    public void Unknown_codes_are_named_where_they_stand()
    {
        var problems = Problems(WithTyphoonGrant(g =>
        {
            g.Department = "NOPE";
            g.Areas.Add("999999");
            g.Levels[0].Channels.Add("pigeon");
            g.RequiredLanguages.Add("fr");
        }));

        Assert.Contains("unknown department", problems[$"{Typhoon}.department"]);
        Assert.Contains("unknown district '999999'", problems[$"{Typhoon}.areas"]);
        Assert.Contains("unknown channel 'pigeon'", problems[$"{Typhoon}.levels[0].channels"]);
        Assert.Contains("unknown language 'fr'", problems[$"{Typhoon}.required_languages"]);
    }

    [Fact]
    public void An_unknown_hazard_is_refused()
    {
        Assert.Contains($"{Typhoon}.hazard", Problems(WithTyphoonGrant(g => g.Hazard = "meteor")).Keys);
    }

    [Fact]
    public void Contradictory_levels_are_refused()
    {
        var problems = Problems(WithTyphoonGrant(g =>
        {
            g.Levels[1].Level = g.Levels[0].Level;             // a level twice
            g.Levels.Add(new LevelRule { Level = "purple", Channels = { "sms" }, SignOff = SignOffPolicy.Leader });
            g.Levels.Add(new LevelRule { Level = "", Channels = { "sms" }, SignOff = SignOffPolicy.Leader }); // no level, for a levelled hazard
        }));

        Assert.Contains("appears twice", problems[$"{Typhoon}.levels[1].level"]);
        Assert.Contains("not 'purple'", problems[$"{Typhoon}.levels[4].level"]);
        Assert.Contains("not ''", problems[$"{Typhoon}.levels[5].level"]);
    }

    [Fact]
    public void A_level_of_a_hazard_that_does_not_use_it_is_refused()
    {
        var problems = Problems(WithTyphoonGrant(g => { g.Hazard = "hail"; g.Department = "SMB"; }));

        Assert.Contains("hail", string.Join(" ", problems.Values));
    }

    [Fact]
    public void Overlapping_grants_for_the_same_department_and_hazard_are_refused()
    {
        var list = DefaultList.Load();
        var second = list.Grants.Single(g => g.Id == "smb-typhoon").Clone();
        second.Id = "smb-typhoon-pudong";
        second.Areas.Clear();
        second.Areas.Add("310115");
        list.Grants.Add(second);

        Assert.Contains("overlaps grant smb-typhoon", Problems(list)[$"list.grants[{list.Grants.Count - 1}].areas"]);
    }

    [Fact]
    public void Grants_for_disjoint_districts_or_retired_ones_do_not_overlap()
    {
        var list = DefaultList.Load();
        var typhoon = list.Grants.Single(g => g.Id == "smb-typhoon");
        typhoon.Areas.Clear();
        typhoon.Areas.Add("310101");
        var other = typhoon.Clone();
        other.Id = "smb-typhoon-pudong";
        other.Areas.Clear();
        other.Areas.Add("310115");
        var retired = typhoon.Clone();
        retired.Id = "smb-typhoon-old";
        retired.Status = GrantStatus.Retired;
        list.Grants.Add(other);
        list.Grants.Add(retired);

        Assert.Empty(ListValidator.Validate(list));
    }

    [Fact]
    public void Numbers_windows_and_status_must_make_sense()
    {
        var problems = Problems(WithTyphoonGrant(g =>
        {
            g.MaxValidityHours = 0;
            g.FastTrackSignOffWithinMinutes = 0;
            g.EffectiveUntil = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
            g.Status = GrantStatus.Unspecified;
            g.Levels[0].SignOff = SignOffPolicy.Unspecified;
        }));

        Assert.Contains($"{Typhoon}.max_validity_hours", problems.Keys);
        Assert.Contains($"{Typhoon}.fast_track_sign_off_within_minutes", problems.Keys);
        Assert.Contains($"{Typhoon}.effective_until", problems.Keys);
        Assert.Contains($"{Typhoon}.status", problems.Keys);
        Assert.Contains($"{Typhoon}.levels[0].sign_off", problems.Keys);
    }

    [Fact]
    public void Duplicate_ids_and_bad_ids_are_refused()
    {
        var list = DefaultList.Load();
        list.Grants[1].Id = list.Grants[0].Id;
        list.Grants[2].Id = "Has Spaces";

        var problems = Problems(list);

        Assert.Contains("already has id", problems["list.grants[1].id"]);
        Assert.Contains("list.grants[2].id", problems.Keys);
    }

    [Fact]
    public void Reporting_rules_need_all_four_classes_and_known_categories()
    {
        var list = DefaultList.Load();
        list.Reporting.Deadlines.RemoveAt(3);
        list.Reporting.DirectEscalationCategories.Add("alien_invasion");
        list.Reporting.Categories[0].CorrectionWindowDays = 0;

        var problems = Problems(list);

        Assert.Contains("list.reporting.deadlines", problems.Keys);
        Assert.Contains("alien_invasion", problems["list.reporting.direct_escalation_categories"]);
        Assert.Contains("list.reporting.categories[0].correction_window_days", problems.Keys);
    }

    [Fact]
    public void The_diff_names_what_changed()
    {
        var before = DefaultList.Load();
        var after = before.Clone();
        after.Grants.Single(g => g.Id == "smb-typhoon").Status = GrantStatus.Suspended;
        after.Grants.Single(g => g.Id == "smb-fog").MaxValidityHours = 12;
        after.Grants.RemoveAt(after.Grants.ToList().FindIndex(g => g.Id == "smb-hail"));
        var added = before.Grants[0].Clone();
        added.Id = "new-grant";
        after.Grants.Add(added);

        var changes = ListDiff.Describe(before, after);

        Assert.Contains("grant smb-typhoon: status", changes);
        Assert.Contains("grant smb-fog: max_validity_hours", changes);
        Assert.Contains("grant smb-hail removed", changes);
        Assert.Contains("grant new-grant added", changes);
        Assert.Empty(ListDiff.Describe(before, before.Clone()));
    }
}
