using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Identity;

namespace Warnings.PublicationList.Domain;

/// <summary>The names rule: what a list prints (CAP, templates) has a name in both languages.</summary>
public static partial class ListValidator
{
    /// <summary>The longest name, in either language.</summary>
    public const int MaxName = 100;

    /// <summary>
    /// Every code of <paramref name="list"/> that needs names, with the ones it has: districts,
    /// departments, hazards, the city, each level a hazard uses and each response measure a grant
    /// links. <c>Listed</c> is false where the list has no entry for the code at all (a level or
    /// measure missing from its names, a missing city); <c>Field</c> is then the collection.
    /// </summary>
    public static IEnumerable<NamedCode> NamedEntries(Contracts.V1.PublicationList list)
    {
        for (int i = 0; i < list.Districts.Count; i++)
        {
            yield return new NamedCode("district", list.Districts[i].Code, $"districts[{i}]", true, list.Districts[i].Name, list.Districts[i].NameEn);
        }

        for (int i = 0; i < list.Departments.Count; i++)
        {
            yield return new NamedCode("department", list.Departments[i].Code, $"departments[{i}]", true, list.Departments[i].Name, list.Departments[i].NameEn);
        }

        for (int i = 0; i < list.Hazards.Count; i++)
        {
            yield return new NamedCode("hazard", list.Hazards[i].Code, $"hazards[{i}]", true, list.Hazards[i].Name, list.Hazards[i].NameEn);
        }

        yield return list.City is { } city
            ? new NamedCode("city", Scopes.CityWide, "city", true, city.Name, city.NameEn)
            : new NamedCode("city", Scopes.CityWide, "city", false, "", "");

        foreach (var level in list.Hazards.SelectMany(h => h.Levels).Distinct().OrderBy(WarningLevels.Rank))
        {
            yield return NamedTerm("level", level, "level_names", list.LevelNames);
        }

        foreach (var measure in list.Grants.SelectMany(g => g.Levels).SelectMany(l => l.ResponseMeasures).Distinct())
        {
            yield return NamedTerm("response measure", measure, "response_measure_names", list.ResponseMeasureNames);
        }
    }

    // Both names of every entry, except that a name already missing from the same entry in
    // `carriedFrom` (the version an edit is based on) may stay missing: a list written before English
    // names existed stays editable. New entries, and names that were there, are required.
    private static void CheckNames(Contracts.V1.PublicationList list, Contracts.V1.PublicationList? carriedFrom, Action<string, string> problem)
    {
        CheckCodes(list.LevelNames.Select(t => t.Code), "level_names", WarningLevels.IsKnown, "one of blue, yellow, orange, red", problem);
        CheckCodes(list.ResponseMeasureNames.Select(t => t.Code), "response_measure_names", c => c.Length > 0, "a non-empty code", problem);
        if (list.City is { } city && city.Code.Length > 0 && city.Code != Scopes.CityWide)
        {
            problem("city.code", $"the city is {Scopes.CityWide} (or leave the code empty)");
        }

        var before = carriedFrom is null
            ? new Dictionary<(string, string), NamedCode>()
            : NamedEntries(carriedFrom).GroupBy(e => (e.Kind, e.Code)).ToDictionary(g => g.Key, g => g.First());
        foreach (var entry in NamedEntries(list))
        {
            before.TryGetValue((entry.Kind, entry.Code), out var was);
            bool chineseMayLack = was is not null && was.Name.Trim().Length == 0;
            bool englishMayLack = was is not null && was.NameEn.Trim().Length == 0;
            if (!entry.Listed)
            {
                if (!chineseMayLack || !englishMayLack)
                {
                    problem(entry.Field, $"{entry.Kind} '{entry.Code}' needs an entry with its zh-CN and English names");
                }

                continue;
            }

            CheckName(entry.Name, $"{entry.Field}.name", chineseMayLack, "a zh-CN name", problem);
            CheckName(entry.NameEn, $"{entry.Field}.name_en", englishMayLack, "an English name (CAP's English info prints it)", problem);
            if (ListNames.HasChinese(entry.NameEn))
            {
                problem($"{entry.Field}.name_en", "an English name has no Chinese characters");
            }
        }
    }

    private static void CheckName(string name, string field, bool mayLack, string what, Action<string, string> problem)
    {
        if (name.Trim().Length == 0 && !mayLack)
        {
            problem(field, $"{what} is required");
        }
        else if (name.Length > MaxName)
        {
            problem(field, $"at most {MaxName} characters");
        }
    }

    private static NamedCode NamedTerm(string kind, string code, string collection, IList<Term> names)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i].Code == code)
            {
                return new NamedCode(kind, code, $"{collection}[{i}]", true, names[i].Name, names[i].NameEn);
            }
        }

        return new NamedCode(kind, code, collection, false, "", "");
    }
}

/// <summary>A code that needs names, where it stands in the list (<c>Field</c>, under <c>list.</c>) and the names it has.</summary>
public sealed record NamedCode(string Kind, string Code, string Field, bool Listed, string Name, string NameEn);
