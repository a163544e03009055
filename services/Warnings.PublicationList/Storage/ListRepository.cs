using System.Globalization;
using Google.Protobuf;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.PublicationList.Storage;

/// <summary>The result of committing an edit.</summary>
public abstract record EditOutcome
{
    /// <summary>The edit is the new current version.</summary>
    public sealed record Committed(ListChange Change) : EditOutcome;

    /// <summary>The edit was based on an older version; nothing was written.</summary>
    public sealed record Stale(long CurrentVersion) : EditOutcome;

    /// <summary>This request id was already committed; that first answer stands.</summary>
    public sealed record Repeated(ListChange FirstChange) : EditOutcome;
}

/// <summary>
/// The list in the store. Every version is kept whole (<c>publication-list:version-{n}</c>) with its
/// change record (<c>publication-list-change:{n}</c>), so "the list at version n" and "at instant T"
/// are reads, not replays. An edit is one conditional commit: the current version still equals the
/// expected one and the request id is new, then version, change, current pointer and request id are
/// written together; a nudge tells other instances.
/// </summary>
public sealed class ListRepository(IStateStore store)
{
    public const string NudgeChannel = "publication-list";

    private static readonly StoreKey Current = new("publication-list", "current");
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    /// <summary>The current version, 0 when the store has no list yet.</summary>
    public async Task<long> CurrentVersionAsync() =>
        await store.GetAsync(Current) is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : 0;

    public async Task<Contracts.V1.PublicationList?> LoadAsync(long version) =>
        version > 0 && await store.GetAsync(VersionKey(version)) is { } json ? Contracts.V1.PublicationList.Parser.ParseJson(json) : null;

    public async Task<ListChange?> ChangeAsync(long version) =>
        version > 0 && await store.GetAsync(ChangeKey(version)) is { } json ? ListChange.Parser.ParseJson(json) : null;

    /// <summary>The version in effect at <paramref name="at"/> (0 if the list did not exist yet): a binary search over the change times.</summary>
    public async Task<long> VersionAtAsync(Instant at)
    {
        long low = 1, high = await CurrentVersionAsync(), found = 0;
        while (low <= high)
        {
            long middle = low + ((high - low) / 2);
            var change = await ChangeAsync(middle);
            if (change is not null && change.At.ToInstant() <= at)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    /// <summary>The change a request id already committed, if it did: a retry returns that first answer.</summary>
    public async Task<ListChange?> FindRequestAsync(string requester, string requestId) =>
        await store.GetAsync(RequestKey(requester, requestId)) is { } version ? await ChangeAsync(long.Parse(version, CultureInfo.InvariantCulture)) : null;

    /// <summary>
    /// Commits <paramref name="next"/> as version <paramref name="expectedVersion"/> + 1, scoped to
    /// <paramref name="requester"/>'s request id, or reports why not.
    /// </summary>
    public async Task<EditOutcome> CommitAsync(long expectedVersion, Contracts.V1.PublicationList next, ListChange change, string requester)
    {
        long version = expectedVersion + 1;
        next.Version = version;
        next.EditedAt = change.At;
        next.EditedBy = change.By;
        change.Version = version;
        var request = RequestKey(requester, change.RequestId);
        bool committed = await store.CommitAsync(
            [new StoreCondition(Current, expectedVersion == 0 ? null : expectedVersion.ToString(CultureInfo.InvariantCulture)), new StoreCondition(request, null)],
            [
                new StoreWrite(VersionKey(version), Json.Format(next)),
                new StoreWrite(ChangeKey(version), Json.Format(change)),
                new StoreWrite(request, version.ToString(CultureInfo.InvariantCulture)),
                new StoreWrite(Current, version.ToString(CultureInfo.InvariantCulture)),
            ]);
        if (committed)
        {
            await store.PublishAsync(NudgeChannel, version.ToString(CultureInfo.InvariantCulture));
            return new EditOutcome.Committed(change);
        }

        if (await store.GetAsync(request) is { } first && await ChangeAsync(long.Parse(first, CultureInfo.InvariantCulture)) is { } firstChange)
        {
            return new EditOutcome.Repeated(firstChange);
        }

        return new EditOutcome.Stale(await CurrentVersionAsync());
    }

    private static StoreKey VersionKey(long version) => new("publication-list", $"version-{version}");

    private static StoreKey ChangeKey(long version) => new("publication-list-change", version.ToString(CultureInfo.InvariantCulture));

    private static StoreKey RequestKey(string requester, string requestId) => new("publication-list-request", $"{requester}:{requestId}");
}
