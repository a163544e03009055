using System.Globalization;
using Google.Protobuf;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// The list in the store. Every version is kept whole (<c>publication-list:version-{n}</c>) with its
/// change record (<c>publication-list-change:{n}</c>), so "the list at version n" and "at instant T"
/// are reads, not replays. An edit is a <see cref="Warnings.Core.Commands.Commands"/> plan: on the
/// condition that the current version is still the one it was based on, it writes the new version,
/// its change record and the current pointer (and the command adds its request id and events).
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
        version > 0 && await store.GetAsync(VersionKey(version)) is { } json ? Parse(json) : null;

    /// <summary>A version as stored (protobuf JSON).</summary>
    public static string Serialize(Contracts.V1.PublicationList list) => Json.Format(list);

    /// <summary>A stored version, read.</summary>
    public static Contracts.V1.PublicationList Parse(string json) => Contracts.V1.PublicationList.Parser.ParseJson(json);

    public async Task<ListChange?> ChangeAsync(long version) =>
        version > 0 && await store.GetAsync(ChangeKey(version)) is { } json ? ListChange.Parser.ParseJson(json) : null;

    /// <summary>
    /// True when <paramref name="document"/> is the version stored under its number: its edit's time
    /// and author match that version's change record (a store restored to an older backup may hold a
    /// different edit under the same number). One small read instead of the whole list's.
    /// </summary>
    public async Task<bool> IsStoredAsync(Contracts.V1.PublicationList document) =>
        await ChangeAsync(document.Version) is { } change && Equals(change.At, document.EditedAt) && change.By == document.EditedBy;

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

    /// <summary>
    /// What committing <paramref name="next"/> as the version after <paramref name="basedOn"/> takes:
    /// the condition that the list is still at <paramref name="basedOn"/>, and the writes.
    /// </summary>
    public static (IReadOnlyList<StoreCondition> Conditions, IReadOnlyList<StoreWrite> Writes) Edit(long basedOn, Contracts.V1.PublicationList next, ListChange change)
    {
        long version = basedOn + 1;
        next.Version = version;
        next.EditedAt = change.At;
        next.EditedBy = change.By;
        change.Version = version;
        return (
            [new StoreCondition(Current, basedOn == 0 ? null : basedOn.ToString(CultureInfo.InvariantCulture))],
            [
                new StoreWrite(VersionKey(version), Serialize(next)),
                new StoreWrite(ChangeKey(version), Json.Format(change)),
                new StoreWrite(Current, version.ToString(CultureInfo.InvariantCulture)),
            ]);
    }

    /// <summary>Tells every instance (Redis pub/sub) that a new version is current.</summary>
    public Task NudgeAsync(long version) => store.PublishAsync(NudgeChannel, version.ToString(CultureInfo.InvariantCulture));

    private static StoreKey VersionKey(long version) => new("publication-list", $"version-{version}");

    private static StoreKey ChangeKey(long version) => new("publication-list-change", version.ToString(CultureInfo.InvariantCulture));

}
