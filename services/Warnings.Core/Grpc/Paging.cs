using System.Globalization;
using System.Text;

namespace Warnings.Core.Grpc;

/// <summary>
/// Paging of list RPCs: <c>page_size</c> (0 means <see cref="DefaultPageSize"/>, at most
/// <see cref="MaxPageSize"/>) and an opaque <c>page_token</c> this service gave out as
/// <c>next_page_token</c> (the position in the list's stable order where the next page starts).
/// <code>
/// var page = Paging.Read(request.PageSize, request.PageToken, problems);
/// problems.ThrowIfAny();
/// var (items, next) = page.Take(all, matches);                        // a list in hand
/// var (items, next) = await page.TakeAsync(count, window, matches);   // a list in the store: only what the page looks at
/// </code>
/// </summary>
public readonly record struct Paging(int Size, int Start, bool NewestFirst = false)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>
    /// The most stored items one page of a long list looks at (<see cref="TakeAsync{T}"/>): a filter
    /// that matches little ends the page there, with a token to go on, instead of reading the
    /// platform's whole history in one call.
    /// </summary>
    public const int MaxExamined = 2_000;

    /// <summary>
    /// Reads <c>page_size</c> (a bad one is recorded in <paramref name="problems"/>) and
    /// <c>page_token</c> (a malformed one, or one from a listing in the other order, is INVALID_ARGUMENT
    /// <c>PAGE_TOKEN_INVALID</c> at once). <paramref name="newestFirst"/>: the list is read from its end
    /// (<see cref="TakeAsync{T}"/> only); the first page starts at the last item.
    /// </summary>
    public static Paging Read(int pageSize, string pageToken, FieldViolations problems, bool newestFirst = false)
    {
        problems.Check(pageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 0 (default {DefaultPageSize}) to {MaxPageSize}");
        int start = newestFirst ? -1 : 0;
        if (pageToken.Length > 0 && !TryParse(pageToken, newestFirst, out start))
        {
            new FieldViolations().Add("page_token", "is not a page token this service gave out for this order").ThrowIfAny(ErrorReasons.PageTokenInvalid);
        }

        return new Paging(pageSize is > 0 and <= MaxPageSize ? pageSize : DefaultPageSize, start, newestFirst);
    }

    /// <summary>
    /// The page: from <see cref="Start"/> in <paramref name="all"/> (a stable order), up to
    /// <see cref="Size"/> items that <paramref name="matches"/>, and the token of the next page ("" at the end).
    /// A token beyond the end of the list is INVALID_ARGUMENT <c>PAGE_TOKEN_INVALID</c>.
    /// </summary>
    public (List<T> Items, string NextPageToken) Take<T>(IReadOnlyList<T> all, Func<T, bool> matches)
    {
        if (NewestFirst)
        {
            throw new InvalidOperationException("Take reads oldest first; a newest-first listing pages with TakeAsync.");
        }

        if (Start > all.Count)
        {
            new FieldViolations().Add("page_token", "is not a page token this service gave out").ThrowIfAny(ErrorReasons.PageTokenInvalid);
        }

        var items = new List<T>();
        int position = Start;
        for (; position < all.Count && items.Count < Size; position++)
        {
            if (matches(all[position]))
            {
                items.Add(all[position]);
            }
        }

        return (items, position < all.Count ? TokenOf(position) : "");
    }

    /// <summary>
    /// The page of a list kept in the store (<paramref name="total"/> items in a stable order, read by
    /// <paramref name="window"/>(start, count), null for an item that is gone): as <see cref="Take{T}"/>, but
    /// reading only the windows the page needs and looking at no more than <see cref="MaxExamined"/>
    /// items, from the start or, with <see cref="NewestFirst"/>, from the end backwards. A page can
    /// therefore hold fewer than <see cref="Size"/> items, even none, and still have a next token: a
    /// client reads on until the token is empty (AIP-158). Items added while a client pages are at the
    /// end: on a later page oldest first, not seen newest first (a new listing shows them).
    /// </summary>
    public async Task<(List<T> Items, string NextPageToken)> TakeAsync<T>(long total, Func<long, int, Task<IReadOnlyList<T?>>> window, Func<T, bool> matches)
        where T : class
    {
        if (NewestFirst ? Start >= total : Start > total)
        {
            new FieldViolations().Add("page_token", "is not a page token this service gave out").ThrowIfAny(ErrorReasons.PageTokenInvalid);
        }

        var items = new List<T>();
        long position = NewestFirst && Start < 0 ? total - 1 : Start; // the next item to look at
        bool newestFirst = NewestFirst;
        bool More() => newestFirst ? position >= 0 : position < total;
        int examined = 0;
        // The first window is the page itself; a sparse filter makes each next one twice as large.
        int windowSize = Size;
        while (More() && items.Count < Size && examined < MaxExamined)
        {
            int count = (int)Math.Min(Math.Min(windowSize, MaxExamined - examined), NewestFirst ? position + 1 : total - position);
            var read = await window(NewestFirst ? position - count + 1 : position, count);
            foreach (var item in NewestFirst ? read.Reverse() : read)
            {
                position += NewestFirst ? -1 : 1;
                examined++;
                if (item is not null && matches(item))
                {
                    items.Add(item);
                    if (items.Count == Size)
                    {
                        break;
                    }
                }
            }

            if (read.Count < count && items.Count < Size)
            {
                // The list is shorter than it was counted: nothing is left to read.
                position = NewestFirst ? -1 : total;
            }

            windowSize = Math.Min(windowSize * 2, MaxPageSize);
        }

        return (items, More() ? TokenOf((int)position, NewestFirst) : "");
    }

    /// <summary>The token of the page that starts at <paramref name="position"/> (going backwards with <paramref name="newestFirst"/>).</summary>
    public static string TokenOf(int position, bool newestFirst = false) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Prefix(newestFirst)}{position.ToString(CultureInfo.InvariantCulture)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Prefix(bool newestFirst) => newestFirst ? "d1:" : "p1:";

    private static bool TryParse(string token, bool newestFirst, out int position)
    {
        position = 0;
        if (token.Length > 32)
        {
            return false;
        }

        try
        {
            string padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            string text = Encoding.ASCII.GetString(Convert.FromBase64String(padded));
            return text.StartsWith(Prefix(newestFirst), StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out position)
                && position >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
