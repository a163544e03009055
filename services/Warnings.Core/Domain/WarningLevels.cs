namespace Warnings.Core.Domain;

/// <summary>
/// The four warning levels, lowest to highest: IV blue, III yellow, II orange, I red. Codes are the
/// colour names in lower case, as on the wire and in the publication list.
/// </summary>
public static class WarningLevels
{
    public const string Blue = "blue";
    public const string Yellow = "yellow";
    public const string Orange = "orange";
    public const string Red = "red";

    /// <summary>Lowest first.</summary>
    public static IReadOnlyList<string> Ascending { get; } = [Blue, Yellow, Orange, Red];

    public static bool IsKnown(string? level) => level is not null && Ascending.Contains(level);

    /// <summary>0 for blue up to 3 for red; -1 for an unknown code.</summary>
    public static int Rank(string level) => Ascending.IndexOf(level);

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
