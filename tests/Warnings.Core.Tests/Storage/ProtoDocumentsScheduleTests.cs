using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Time;
using Warnings.Core.Storage;
using Duration = NodaTime.Duration;

namespace Warnings.Core.Tests.Storage;

/// <summary>
/// A document collection with due dates keeps its schedule in the commits that write the documents,
/// and puts documents stored before the schedule existed on it once, so a periodic job reads what is
/// due, not every document ever stored.
/// </summary>
public class ProtoDocumentsScheduleTests
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 12, 2, 4, 0);

    /// <summary>A document (a Timestamp) due at its own time; the epoch means "not due".</summary>
    private sealed class Reminders(IStateStore store) : ProtoDocuments<Timestamp>(store, "reminder", document => document.Seconds == 0 ? null : document.ToInstant());

    private static InMemoryStateStore NewStore() => new(Options.Create(new StoreOptions()), new FakeClock(Noon));

    [Fact]
    public async Task Creating_and_replacing_documents_keeps_the_schedule_in_the_same_commits()
    {
        var store = NewStore();
        var reminders = new Reminders(store);
        var (conditions, writes) = reminders.Create("r1", (Noon + Duration.FromMinutes(5)).ToTimestamp());
        Assert.True(await store.CommitAsync(conditions, writes));
        (conditions, writes) = reminders.Create("r2", (Noon - Duration.FromMinutes(5)).ToTimestamp());
        Assert.True(await store.CommitAsync(conditions, writes));

        Assert.Equal(["r2"], await reminders.DueIdsAsync(Noon, 10));
        Assert.Equal(["r2", "r1"], await reminders.DueIdsAsync(Noon + Duration.FromHours(1), 10));

        var read = (await reminders.LoadAsync("r2"))!.Value;
        (conditions, writes) = reminders.Replace("r2", read.Json, new Timestamp()); // done: no longer due
        Assert.True(await store.CommitAsync(conditions, writes));
        Assert.Equal(["r1"], await reminders.DueIdsAsync(Noon + Duration.FromHours(1), 10));
    }

    [Fact]
    public async Task Documents_stored_before_the_schedule_existed_are_put_on_it_once()
    {
        var store = NewStore();
        // As an earlier version stored them: the document and the index, no schedule.
        foreach (var (id, at) in new[] { ("old-due", Noon - Duration.FromHours(1)), ("old-later", Noon + Duration.FromHours(1)) })
        {
            await store.CommitAsync([], [new StoreWrite(new StoreKey("reminder", id), $"\"{InstantPattern(at)}\""), StoreWrite.Append(new StoreKey("reminder-index", "all"), id)]);
        }

        await store.CommitAsync([], [new StoreWrite(new StoreKey("reminder", "old-done"), "\"1970-01-01T00:00:00Z\""), StoreWrite.Append(new StoreKey("reminder-index", "all"), "old-done")]);

        Assert.Equal(["old-due"], await new Reminders(store).DueIdsAsync(Noon, 10));
        Assert.Equal(["old-due", "old-later"], await new Reminders(store).DueIdsAsync(Noon + Duration.FromDays(1), 10));
        Assert.Equal("1", await store.GetAsync(new StoreKey("reminder-due", "scheduled-earlier-documents")));
    }

    private static string InstantPattern(Instant at) => NodaTime.Text.InstantPattern.ExtendedIso.Format(at);
}
