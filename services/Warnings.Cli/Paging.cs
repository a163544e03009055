using System.CommandLine;
using Google.Protobuf.Collections;
using Spectre.Console;

namespace Warnings.Cli;

/// <summary>
/// <c>--limit N</c> for the list commands: pages of the API's paging up to N items, and a note when
/// more may exist, so a long list neither floods the terminal nor loads the platform.
/// </summary>
internal static class Paging
{
    public const int DefaultLimit = 50, MaxLimit = 1000;

    // The API's own bound on one page.
    private const int MaxPage = 500;

    // A filter that matches little gives short pages with a token (the API examines a bounded number
    // of items per call); this many calls, then the note says more may exist.
    private const int MaxCalls = 20;

    public static Option<int> LimitOption(string what) =>
        new("--limit") { Description = $"At most this many {what} (default {DefaultLimit}, at most {MaxLimit})", DefaultValueFactory = _ => DefaultLimit };

    public static int Limit(ParseResult p, Option<int> option) =>
        p.GetValue(option) is var limit and >= 1 and <= MaxLimit
            ? limit
            : throw new CliException($"--limit: between 1 and {MaxLimit}", WarningsCli.Usage);

    /// <summary>
    /// Fetches pages into <paramref name="items"/> until <paramref name="limit"/> items or the last page;
    /// returns the token of what is left ("" when nothing is).
    /// </summary>
    public static async Task<string> CollectAsync<T>(int limit, RepeatedField<T> items, Func<int, string, Task<(RepeatedField<T> Items, string Next)>> fetch)
    {
        string token = "";
        int calls = 0;
        do
        {
            var (page, next) = await fetch(Math.Min(limit - items.Count, MaxPage), token);
            items.AddRange(page.Take(limit - items.Count));
            token = next;
        }
        while (token.Length > 0 && items.Count < limit && ++calls < MaxCalls);

        return token;
    }

    /// <summary>
    /// Under a table: says that the list was cut (JSON keeps next_page_token instead). "May": the API
    /// answers a token when it stopped looking, not only when it saw more. Fewer than the limit with a
    /// token: the calls stopped at their bound, and only a narrower filter helps.
    /// </summary>
    public static void NoteMore(Session s, int shown, int limit, string nextPageToken, string what, string narrowWith)
    {
        if (nextPageToken.Length > 0)
        {
            s.Console.MarkupLine(Markup.Escape(shown >= limit
                ? $"showing the first {shown} {what}; more may exist (raise --limit, or narrow with {narrowWith})"
                : $"showing {shown} {what} found in the first {MaxCalls} pages; more may exist (narrow with {narrowWith})"));
        }
    }
}
