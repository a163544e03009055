using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary>
/// Checks the codes typed as flags (hazard, level, district, channel, category, department) against the
/// publication list before anything is sent, so a misspelling is caught at once with the nearest known
/// code suggested, rather than refused later (or only at submit) under an API field name.
/// </summary>
internal static class Vocabulary
{
    public const string CityWide = "310000";

    public static IEnumerable<string> Hazards(PublicationList list) => list.Hazards.Select(h => h.Code);

    // The levels of the hazard given (when it is known), else every level the list names.
    public static IEnumerable<string> Levels(PublicationList list, string? hazard) =>
        list.Hazards.FirstOrDefault(h => h.Code == hazard) is { } known
            ? known.Levels
            : list.LevelNames.Select(l => l.Code).Concat(list.Hazards.SelectMany(h => h.Levels)).Distinct();

    public static IEnumerable<string> Districts(PublicationList list) => list.Districts.Select(d => d.Code).Append(CityWide);

    public static IEnumerable<string> Channels(PublicationList list) => list.Channels;

    public static IEnumerable<string> Categories(PublicationList list) => list.Reporting?.Categories.Select(c => c.Code) ?? [];

    public static IEnumerable<string> Departments(PublicationList list) => list.Departments.Select(d => d.Code);

    /// <summary>Throws a usage error naming <paramref name="what"/> and the nearest known code when a value is not one of <paramref name="known"/>.</summary>
    public static void Check(string what, IEnumerable<string?> values, IEnumerable<string> known)
    {
        var codes = known.Where(c => c.Length > 0).ToList();
        if (codes.Count == 0)
        {
            return; // a list without this vocabulary: leave the check to the platform
        }

        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value) || codes.Contains(value, StringComparer.Ordinal))
            {
                continue;
            }

            string? nearest = Nearest(value, codes);
            throw new CliException($"unknown {what} '{value}'; " + (nearest is null ? $"known: {string.Join(", ", codes.Take(20))}{(codes.Count > 20 ? ", ..." : "")}" : $"did you mean '{nearest}'?"), WarningsCli.Usage);
        }
    }

    /// <summary>The known code closest to <paramref name="value"/>, when it is close enough to be a slip of the keyboard.</summary>
    public static string? Nearest(string value, IEnumerable<string> known)
    {
        if (value.Length > 64)
        {
            return null; // no code is that long: nothing near, and no quadratic work on a pasted paragraph
        }

        string lower = value.ToLowerInvariant();
        var best = known.Select(code => (Code: code, Distance: Distance(lower, code.ToLowerInvariant()))).OrderBy(c => c.Distance).ThenBy(c => c.Code, StringComparer.Ordinal).FirstOrDefault();
        // A third of the word (at least 2) may be wrong; beyond that the "suggestion" would be a guess.
        return best.Code is not null && best.Distance <= Math.Max(2, value.Length / 3) ? best.Code : null;
    }

    /// <summary>Edit distance where swapping two neighbouring letters counts as one edit (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
