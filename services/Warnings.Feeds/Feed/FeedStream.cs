using System.Globalization;
using Warnings.Core.Grpc;
using Warnings.Core.Storage;

namespace Warnings.Feeds.Feed;

/// <summary>
/// The feed itself: one sequenced stream in the store (<c>feed:entries</c>), appended once per
/// warning version and kind, read by number. A resume token is the number of the last entry a
/// subscriber has seen, as text; clients treat it as opaque.
/// </summary>
public sealed class FeedStream(IStateStore store)
{
    public static readonly StoreKey Key = new("feed", "entries");

    /// <summary>Nudged after every append so readers need not wait for their next poll.</summary>
    public const string NudgeChannel = "feed";

    public const int PageSize = 256;

    public static string TokenOf(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>Appends <paramref name="entry"/> unless this version and kind are in the feed already.</summary>
    public async Task<SequenceAppendResult> AppendAsync(FeedEntry entry)
    {
        var result = await store.AppendToSequenceAsync(Key, $"{entry.WarningId}:v{entry.Version}:{entry.Kind}", entry.ToJson());
        if (result.Appended)
        {
            await store.PublishAsync(NudgeChannel, TokenOf(result.Sequence));
        }

        return result;
    }

    /// <summary>Up to a page of entries after <paramref name="afterSequence"/>, parsed.</summary>
    public async Task<IReadOnlyList<NumberedEntry>> ReadAfterAsync(long afterSequence, int count = PageSize) =>
        (await store.ReadSequenceAsync(Key, afterSequence, count)).Select(NumberedEntry.Parse).ToList();

    public Task<long> LastSequenceAsync() => store.LastSequenceAsync(Key);

    /// <summary>
    /// Where a resume token says to start: after that entry; empty means after the current last
    /// entry (only what comes next). A token that is not a number or is ahead of the feed is
    /// INVALID_ARGUMENT on <paramref name="field"/>.
    /// </summary>
    public async Task<long> StartAfterAsync(string token, string field)
    {
        long last = await LastSequenceAsync();
        if (string.IsNullOrEmpty(token))
        {
            return last;
        }

        bool valid = long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out long after);
        new FieldViolations()
            .Check(valid, field, "is not a resume token this feed gave out")
            .Check(!valid || after <= last, field, $"is ahead of the feed (its last entry is {last})")
            .ThrowIfAny();
        return after;
    }
}
