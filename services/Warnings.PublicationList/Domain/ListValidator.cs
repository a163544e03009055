using System.Text.RegularExpressions;
using Google.Rpc;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Identity;

namespace Warnings.PublicationList.Domain;

/// <summary>
/// Validates a whole list document: vocabulary and its names, every grant, overlaps between grants,
/// reporting rules, templates. Returns every problem with a field path under <c>list.</c>; edits
/// validate the document they would produce, so nothing invalid is ever written.
/// </summary>
public static partial class ListValidator
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex GrantIdPattern();

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex DistrictPattern();

    private static readonly string[] SeverityClasses = ["I", "II", "III", "IV"];

    /// <summary>
    /// Every problem of <paramref name="list"/>. <paramref name="carriedFrom"/> is the version an edit
    /// is based on: a name already missing there may stay missing (see the names rule); without it,
    /// every name is required.
    /// </summary>
    public static List<BadRequest.Types.FieldViolation> Validate(Contracts.V1.PublicationList list, Contracts.V1.PublicationList? carriedFrom = null)
    {
        var problems = new List<BadRequest.Types.FieldViolation>();
        void Problem(string field, string description) => problems.Add(new BadRequest.Types.FieldViolation { Field = $"list.{field}", Description = description });

        CheckCodes(list.Districts.Select(d => d.Code), "districts", c => DistrictPattern().IsMatch(c) && c != Scopes.CityWide, "a 6-digit district code other than 310000", Problem);
        CheckCodes(list.Departments.Select(d => d.Code), "departments", c => c.Length > 0, "a non-empty code", Problem);
        CheckCodes(list.Hazards.Select(h => h.Code), "hazards", c => c.Length > 0, "a non-empty code", Problem);
        CheckCodes(list.Channels, "channels", c => c.Length > 0, "a non-empty code", Problem);
        CheckCodes(list.Languages, "languages", c => c.Length > 0, "a non-empty code", Problem);
        for (int i = 0; i < list.Hazards.Count; i++)
        {
            var levels = list.Hazards[i].Levels;
            if (levels.Any(l => !WarningLevels.IsKnown(l)) || levels.Distinct().Count() != levels.Count)
            {
                Problem($"hazards[{i}].levels", "levels are distinct codes among blue, yellow, orange, red (none for a notice)");
            }
        }

        var districts = list.Districts.Select(d => d.Code).Append(Scopes.CityWide).ToHashSet();
        var departments = list.Departments.Select(d => d.Code).ToHashSet();
        var hazards = list.Hazards.GroupBy(h => h.Code).ToDictionary(g => g.Key, g => g.First());
        var channels = list.Channels.ToHashSet();
        var languages = list.Languages.ToHashSet();
        var ids = new HashSet<string>();
        for (int i = 0; i < list.Grants.Count; i++)
        {
            var grant = list.Grants[i];
            string at = $"grants[{i}]";
            if (!GrantIdPattern().IsMatch(grant.Id))
            {
                Problem($"{at}.id", "must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
            }
            else if (!ids.Add(grant.Id))
            {
                Problem($"{at}.id", $"another grant already has id {grant.Id}");
            }

            if (!departments.Contains(grant.Department))
            {
                Problem($"{at}.department", $"unknown department '{grant.Department}'");
            }

            hazards.TryGetValue(grant.Hazard, out var hazard);
            if (hazard is null)
            {
                Problem($"{at}.hazard", $"unknown hazard '{grant.Hazard}'");
            }

            if (grant.Levels.Count == 0)
            {
                Problem($"{at}.levels", "a grant allows at least one level (or the empty level for a notice)");
            }

            var seenLevels = new HashSet<string>();
            for (int l = 0; l < grant.Levels.Count; l++)
            {
                var rule = grant.Levels[l];
                string ruleAt = $"{at}.levels[{l}]";
                if (!seenLevels.Add(rule.Level))
                {
                    Problem($"{ruleAt}.level", $"level '{rule.Level}' appears twice");
                }

                if (hazard is not null && (hazard.Levels.Count == 0 ? rule.Level != "" : !hazard.Levels.Contains(rule.Level)))
                {
                    Problem($"{ruleAt}.level", hazard.Levels.Count == 0
                        ? $"'{hazard.Code}' has no levels: use the empty level"
                        : $"'{hazard.Code}' uses {string.Join(", ", hazard.Levels)}, not '{rule.Level}'");
                }

                if (rule.Channels.Count == 0)
                {
                    Problem($"{ruleAt}.channels", "at least one channel");
                }

                foreach (var channel in rule.Channels.Where(c => !channels.Contains(c)))
                {
                    Problem($"{ruleAt}.channels", $"unknown channel '{channel}'");
                }

                if (rule.SignOff == SignOffPolicy.Unspecified)
                {
                    Problem($"{ruleAt}.sign_off", "say which sign-off the level needs");
                }
            }

            if (grant.Areas.Count == 0)
            {
                Problem($"{at}.areas", "at least one district, or 310000 for the whole city");
            }

            foreach (var area in grant.Areas.Where(a => !districts.Contains(a)))
            {
                Problem($"{at}.areas", $"unknown district '{area}'");
            }

            if (grant.MaxValidityHours <= 0)
            {
                Problem($"{at}.max_validity_hours", "must be positive");
            }

            if (grant.FastTrackAllowed && grant.FastTrackSignOffWithinMinutes <= 0)
            {
                Problem($"{at}.fast_track_sign_off_within_minutes", "a fast-track grant says how soon sign-off must follow");
            }

            foreach (var language in grant.RequiredLanguages.Where(l => !languages.Contains(l)))
            {
                Problem($"{at}.required_languages", $"unknown language '{language}'");
            }

            bool fromOk = grant.EffectiveFrom is null || TimestampConversions.TryToInstant(grant.EffectiveFrom, out _);
            bool untilOk = grant.EffectiveUntil is null || TimestampConversions.TryToInstant(grant.EffectiveUntil, out _);
            if (!fromOk || !untilOk)
            {
                Problem($"{at}.{(fromOk ? "effective_until" : "effective_from")}", "is not a valid timestamp");
            }
            else if (grant.EffectiveFrom is not null && grant.EffectiveUntil is not null && grant.EffectiveFrom.ToInstant() >= grant.EffectiveUntil.ToInstant())
            {
                Problem($"{at}.effective_until", "must be after effective_from");
            }

            if (grant.Status == GrantStatus.Unspecified)
            {
                Problem($"{at}.status", "must be active, suspended or retired");
            }
        }

        // Two live grants for one department and hazard may not cover the same district: which one
        // decides would depend on order.
        for (int i = 0; i < list.Grants.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                var a = list.Grants[i];
                var b = list.Grants[j];
                if (a.Status != GrantStatus.Retired && b.Status != GrantStatus.Retired && a.Department == b.Department && a.Hazard == b.Hazard
                    && (a.Areas.Contains(Scopes.CityWide) || b.Areas.Contains(Scopes.CityWide) || a.Areas.Intersect(b.Areas).Any()))
                {
                    Problem($"grants[{i}].areas", $"overlaps grant {b.Id} for the same department and hazard");
                }
            }
        }

        ValidateReporting(list.Reporting, Problem);
        CheckNames(list, carriedFrom, Problem);
        CheckTemplates(list, Problem);
        return problems;
    }

    private static void ValidateReporting(ReportingRules? rules, Action<string, string> problem)
    {
        if (rules is null)
        {
            problem("reporting", "the reporting rules are required");
            return;
        }

        CheckCodes(rules.Categories.Select(c => c.Code), "reporting.categories", c => c.Length > 0, "a non-empty code", problem);
        for (int i = 0; i < rules.Categories.Count; i++)
        {
            if (rules.Categories[i].CorrectionWindowDays <= 0)
            {
                problem($"reporting.categories[{i}].correction_window_days", "must be positive");
            }
        }

        if (!rules.Deadlines.Select(d => d.SeverityClass).Order().SequenceEqual(SeverityClasses.Order()))
        {
            problem("reporting.deadlines", "one deadline for each severity class I, II, III and IV");
        }

        for (int i = 0; i < rules.Deadlines.Count; i++)
        {
            if (rules.Deadlines[i].InitialReportMinutes <= 0 || rules.Deadlines[i].FollowUpEveryHours <= 0)
            {
                problem($"reporting.deadlines[{i}]", "initial_report_minutes and follow_up_every_hours must be positive");
            }
        }

        if (rules.DirectEscalationDeadOrMissing <= 0)
        {
            problem("reporting.direct_escalation_dead_or_missing", "must be positive");
        }

        var categories = rules.Categories.Select(c => c.Code).ToHashSet();
        foreach (var category in rules.DirectEscalationCategories.Where(c => !categories.Contains(c)))
        {
            problem("reporting.direct_escalation_categories", $"unknown category '{category}'");
        }
    }

    private static void CheckCodes(IEnumerable<string> codes, string field, Func<string, bool> valid, string what, Action<string, string> problem)
    {
        var seen = new HashSet<string>();
        int i = 0;
        foreach (var code in codes)
        {
            if (!valid(code))
            {
                problem($"{field}[{i}]", $"'{code}' is not {what}");
            }
            else if (!seen.Add(code))
            {
                problem($"{field}[{i}]", $"'{code}' appears twice");
            }

            i++;
        }
    }
}
