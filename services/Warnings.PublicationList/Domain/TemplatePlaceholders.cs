using System.Text;

namespace Warnings.PublicationList.Domain;

/// <summary>
/// The placeholder syntax of template texts: <c>{name}</c> for one of <see cref="Known"/>, <c>{{</c>
/// and <c>}}</c> for literal braces. Anything else in braces, or a brace that opens or closes
/// nothing, is a problem (found when the template is saved, so filling never meets one).
/// </summary>
public static class TemplatePlaceholders
{
    public const string Districts = "districts";
    public const string Onset = "onset";
    public const string Expiry = "expiry";
    public const string Level = "level";
    public const string Hazard = "hazard";
    public const string Department = "department";
    public const string Measures = "measures";

    public static IReadOnlyList<string> Known { get; } = [Districts, Onset, Expiry, Level, Hazard, Department, Measures];

    /// <summary>The ones the draft (and the list's names) fill; a draft request gives values only for the others.</summary>
    public static IReadOnlyList<string> FromDraft { get; } = [Districts, Onset, Expiry, Level, Hazard, Department];

    /// <summary>The placeholders <paramref name="text"/> uses, or the first problem with its syntax.</summary>
    public static (IReadOnlySet<string> Used, string? Problem) Read(string text)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        string? problem = Scan(text, literal: null, placeholder: name => used.Add(name));
        return (used, problem);
    }

    /// <summary><paramref name="text"/> with each placeholder replaced by <paramref name="value"/>(name); the text must have passed <see cref="Read"/>.</summary>
    public static string Fill(string text, Func<string, string> value)
    {
        var filled = new StringBuilder(text.Length + 64);
        string? problem = Scan(text, literal: c => filled.Append(c), placeholder: name => filled.Append(value(name)));
        return problem is null ? filled.ToString() : throw new ArgumentException($"Not a valid template text: {problem}", nameof(text));
    }

    private static string? Scan(string text, Action<char>? literal, Action<string> placeholder)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal?.Invoke(c);
                i++;
            }
            else if (c == '{')
            {
                int close = text.IndexOf('}', i + 1);
                string name = close < 0 ? "" : text[(i + 1)..close];
                if (close < 0 || name.Contains('{'))
                {
                    return $"the '{{' at character {i + 1} is not closed (write {{{{ for a brace)";
                }

                if (!Known.Contains(name))
                {
                    return $"unknown placeholder {{{Cut(name)}}}; known: {string.Join(", ", Known.Select(k => $"{{{k}}}"))}";
                }

                placeholder(name);
                i = close;
            }
            else if (c == '}')
            {
                return $"the '}}' at character {i + 1} closes nothing (write }}}} for a brace)";
            }
            else
            {
                literal?.Invoke(c);
            }
        }

        return null;
    }

    private static string Cut(string name) => name.Length <= 30 ? name : name[..30] + "...";
}
