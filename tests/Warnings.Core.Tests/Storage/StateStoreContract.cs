using NodaTime;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Storage;

/// <summary>
/// What every <see cref="IStateStore"/> must do. The in-memory store and the Redis store each run
/// this whole class, so the embedded default behaves like production.
/// </summary>
public abstract class StateStoreContract
{
    protected abstract IStateStore Store { get; }

    /// <summary>Lets <paramref name="elapsed"/> pass for the store (a FakeClock advance, or real time for Redis).</summary>
    protected abstract void PassTime(Duration elapsed);

    private static StoreKey NewKey(string area = "contract") => new(area, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Answers_ping()
    {
        Assert.True(await Store.PingAsync());
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.Null(await Store.GetAsync(NewKey()));
    }

    [Fact]
    public async Task Set_then_get_returns_the_value_and_set_replaces_it()
    {
        var key = NewKey();
        await Store.SetAsync(key, "first 预警");
        Assert.Equal("first 预警", await Store.GetAsync(key));

        await Store.SetAsync(key, "second");
        Assert.Equal("second", await Store.GetAsync(key));
    }

    [Fact]
    public async Task Keys_in_different_areas_do_not_collide()
    {
        var id = Guid.NewGuid().ToString("N");
        await Store.SetAsync(new StoreKey("a", id), "in a");
        await Store.SetAsync(new StoreKey("b", id), "in b");

        Assert.Equal("in a", await Store.GetAsync(new StoreKey("a", id)));
        Assert.Equal("in b", await Store.GetAsync(new StoreKey("b", id)));
    }

    [Fact]
    public async Task Delete_reports_whether_the_key_existed()
    {
        var key = NewKey();
        Assert.False(await Store.DeleteAsync(key));
        await Store.SetAsync(key, "v");

        Assert.True(await Store.DeleteAsync(key));
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task A_value_with_expiry_is_there_before_and_gone_after()
    {
        var key = NewKey();
        await Store.SetAsync(key, "short-lived", Duration.FromMilliseconds(300));
        var kept = NewKey();
        await Store.SetAsync(kept, "long-lived", Duration.FromHours(1));

        PassTime(Duration.FromMilliseconds(301));

        await Eventually.Until(() => Store.GetAsync(key), v => v is null, "the expired value to vanish");
        Assert.Equal("long-lived", await Store.GetAsync(kept));
    }

    [Fact]
    public async Task Hash_set_if_absent_keeps_the_first_value_per_field()
    {
        var key = NewKey();

        Assert.True(await Store.HashSetIfAbsentAsync(key, "issuing", "first"));
        Assert.False(await Store.HashSetIfAbsentAsync(key, "issuing", "second"));
        Assert.True(await Store.HashSetIfAbsentAsync(key, "dispatch", "other"));

        var all = await Store.HashGetAllAsync(key);
        Assert.Equal(2, all.Count);
        Assert.Equal("first", all["issuing"]);
        Assert.Equal("other", all["dispatch"]);
    }

    [Fact]
    public async Task Concurrent_hash_set_if_absent_has_exactly_one_winner()
    {
        var key = NewKey();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Store.HashSetIfAbsentAsync(key, "field", $"writer {i}")));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task Hash_of_a_missing_key_is_empty()
    {
        Assert.Empty(await Store.HashGetAllAsync(NewKey()));
    }

    [Fact]
    public async Task A_hash_with_expiry_vanishes_whole()
    {
        var key = NewKey();
        await Store.HashSetIfAbsentAsync(key, "a", "1", Duration.FromMilliseconds(300));
        await Store.HashSetIfAbsentAsync(key, "b", "2");

        PassTime(Duration.FromMilliseconds(301));

        await Eventually.Until(() => Store.HashGetAllAsync(key), h => h.Count == 0, "the expired hash to vanish");
    }

    private static readonly Instant T0 = Instant.FromUtc(2026, 11, 29, 8, 0);

    [Fact]
    public async Task A_log_appends_in_order_when_the_expected_last_hash_matches()
    {
        var log = NewKey("log");

        var first = await Store.AppendToLogAsync(log, "", T0, "h1", "one");
        var second = await Store.AppendToLogAsync(log, "h1", T0 + Duration.FromSeconds(1), "h2", "two");

        Assert.True(first.Appended);
        Assert.True(second.Appended);
        var entries = await Store.ReadLogAsync(log, T0, T0 + Duration.FromHours(1), null, 10);
        Assert.Equal(["one", "two"], entries.Select(e => e.Payload));
        Assert.Equal(["h1", "h2"], entries.Select(e => e.Hash));
        Assert.Equal(first.Id, entries[0].Id);
        Assert.Equal(T0, entries[0].At);
        Assert.Equal("two", (await Store.ReadLastLogEntryAsync(log))!.Payload);
        Assert.Equal(2, await Store.CountAppendedToLogAsync(log));
    }

    [Fact]
    public async Task A_log_refuses_an_append_that_names_a_stale_last_hash()
    {
        var log = NewKey("log");
        await Store.AppendToLogAsync(log, "", T0, "h1", "one");

        var stale = await Store.AppendToLogAsync(log, "", T0, "h-other", "racing");

        Assert.False(stale.Appended);
        Assert.Equal("h1", stale.LastHash);
        Assert.Single(await Store.ReadLogAsync(log, T0, T0, null, 10));
    }

    [Fact]
    public async Task Concurrent_appends_naming_the_same_last_hash_have_one_winner()
    {
        var log = NewKey("log");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.AppendToLogAsync(log, "", T0, $"h{i}", $"p{i}")));

        Assert.Single(results, r => r.Appended);
        Assert.Equal(1, await Store.CountAppendedToLogAsync(log));
    }

    [Fact]
    public async Task Log_ids_keep_increasing_when_the_clock_goes_back()
    {
        var log = NewKey("log");
        var a = await Store.AppendToLogAsync(log, "", T0, "h1", "one");
        var b = await Store.AppendToLogAsync(log, "h1", T0, "h2", "same millisecond");
        var c = await Store.AppendToLogAsync(log, "h2", T0 - Duration.FromMinutes(5), "h3", "clock behind");

        var ids = (await Store.ReadLogAsync(log, T0, T0, null, 10)).Select(e => e.Id).ToList();

        Assert.Equal([a.Id!, b.Id!, c.Id!], ids);
        Assert.Equal(ids.Distinct().Count(), ids.Count);
    }

    [Fact]
    public async Task A_log_pages_by_time_range_and_after_an_id()
    {
        var log = NewKey("log");
        string last = "";
        for (int i = 0; i < 10; i++)
        {
            await Store.AppendToLogAsync(log, last, T0 + Duration.FromMinutes(i), $"h{i}", $"p{i}");
            last = $"h{i}";
        }

        var window = await Store.ReadLogAsync(log, T0 + Duration.FromMinutes(2), T0 + Duration.FromMinutes(7), null, 3);
        var next = await Store.ReadLogAsync(log, T0 + Duration.FromMinutes(2), T0 + Duration.FromMinutes(7), window[^1].Id, 10);

        Assert.Equal(["p2", "p3", "p4"], window.Select(e => e.Payload));
        Assert.Equal(["p5", "p6", "p7"], next.Select(e => e.Payload));
    }

    [Fact]
    public async Task An_empty_log_has_no_last_entry_and_nothing_appended()
    {
        var log = NewKey("log");

        Assert.Null(await Store.ReadLastLogEntryAsync(log));
        Assert.Empty(await Store.ReadLogAsync(log, Instant.MinValue, Instant.MaxValue, null, 10));
        Assert.Equal(0, await Store.CountAppendedToLogAsync(log));
    }

    [Fact]
    public async Task A_commit_writes_everything_when_every_condition_holds()
    {
        var version = NewKey("version");
        var doc = NewKey("doc");

        Assert.True(await Store.CommitAsync([new StoreCondition(version, null)], [new StoreWrite(version, "1"), new StoreWrite(doc, "v1")]));
        Assert.True(await Store.CommitAsync([new StoreCondition(version, "1")], [new StoreWrite(version, "2"), new StoreWrite(doc, "v2")]));

        Assert.Equal("2", await Store.GetAsync(version));
        Assert.Equal("v2", await Store.GetAsync(doc));
    }

    [Fact]
    public async Task A_commit_writes_nothing_when_any_condition_fails()
    {
        var version = NewKey("version");
        var marker = NewKey("marker");
        var doc = NewKey("doc");
        await Store.SetAsync(version, "5");
        await Store.SetAsync(marker, "taken");

        Assert.False(await Store.CommitAsync([new StoreCondition(version, "4")], [new StoreWrite(doc, "stale")]));
        Assert.False(await Store.CommitAsync([new StoreCondition(version, "5"), new StoreCondition(marker, null)], [new StoreWrite(doc, "dup")]));

        Assert.Null(await Store.GetAsync(doc));
        Assert.Equal("5", await Store.GetAsync(version));
    }

    [Fact]
    public async Task A_rehearsed_command_writes_nothing_whatever_the_store_holds()
    {
        // Commands.RehearseAsync's commit: the plan's writes, on conditions no contents can meet.
        var counter = new StoreKey("test", $"rehearsed-{Guid.NewGuid():N}");
        var commands = new Warnings.Core.Commands.Commands(Store, new NodaTime.Testing.FakeClock(Instant.FromUtc(2026, 12, 2, 9, 0)));
        foreach (string? present in new[] { null, "present", "never" })
        {
            if (present is not null)
            {
                await Store.SetAsync(new StoreKey("commands", "rehearsal"), present);
            }

            var response = await commands.RehearseAsync("test", $"r-{present}", new Warnings.Contracts.V1.SendProbeRequest { RequestId = "r" },
                () => Task.FromResult(new Warnings.Core.Commands.CommandPlan<Warnings.Contracts.V1.SendProbeResponse>(
                    new Warnings.Contracts.V1.SendProbeResponse { ProbeId = "p" }, [new StoreCondition(counter, null)], [new StoreWrite(counter, "1")], [])));

            Assert.Equal("p", response.ProbeId);
            Assert.Null(await Store.GetAsync(counter));
            Assert.Null(await Store.GetAsync(new StoreKey("request", $"test:r-{present}")));
        }

        await Store.DeleteAsync(new StoreKey("commands", "rehearsal"));
    }

    [Fact]
    public async Task Concurrent_commits_on_the_same_expected_value_have_one_winner()
    {
        var version = NewKey("version");
        await Store.SetAsync(version, "1");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Store.CommitAsync([new StoreCondition(version, "1")], [new StoreWrite(version, $"2-by-{i}")])));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task Published_nudges_reach_subscribers()
    {
        string channel = $"nudge-{Guid.NewGuid():N}";
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Store.SubscribeAsync(channel, received.Enqueue);

        await Store.PublishAsync(channel, "version 7");

        await Eventually.Until(() => Task.FromResult(received.Count), n => n == 1, "the nudge");
        Assert.Equal("version 7", received.Single());
    }

    [Fact]
    public async Task A_commit_can_append_to_a_list_which_reads_and_trims_from_the_head()
    {
        var state = NewKey("state");
        var queue = NewKey("queue");

        Assert.True(await Store.CommitAsync([new StoreCondition(state, null)], [new StoreWrite(state, "1"), StoreWrite.Append(queue, "a"), StoreWrite.Append(queue, "b")]));
        Assert.False(await Store.CommitAsync([new StoreCondition(state, null)], [StoreWrite.Append(queue, "lost")]));
        await Store.CommitAsync([], [StoreWrite.Append(queue, "c")]);

        var head = await Store.ListHeadAsync(queue, 2);
        Assert.Equal(["a", "b"], head);
        Assert.True(await Store.ListRemoveHeadAsync(queue, head));
        Assert.Equal(["c"], await Store.ListHeadAsync(queue, 10));
        Assert.Equal(1, await Store.ListLengthAsync(queue));
        Assert.True(await Store.ListRemoveHeadAsync(queue, ["c"]));
        Assert.Empty(await Store.ListHeadAsync(queue, 10));
        Assert.True(await Store.ListRemoveHeadAsync(queue, []));
    }

    [Fact]
    public async Task A_head_removed_by_another_worker_is_not_removed_again_from_what_follows()
    {
        // Two relays read the same head; one handles and removes it, more is appended; the other's
        // removal comes late and must not take the new items nobody has handled.
        var queue = NewKey("queue");
        await Store.CommitAsync([], new[] { "e1", "e2", "e3" }.Select(v => StoreWrite.Append(queue, v)).ToList());
        var readByBoth = await Store.ListHeadAsync(queue, 10);
        Assert.True(await Store.ListRemoveHeadAsync(queue, readByBoth));
        await Store.CommitAsync([], new[] { "e4", "e5", "e6", "e7" }.Select(v => StoreWrite.Append(queue, v)).ToList());

        Assert.False(await Store.ListRemoveHeadAsync(queue, readByBoth));
        Assert.False(await Store.ListRemoveHeadAsync(queue, ["e4", "e9"])); // the first matches, the last does not
        Assert.False(await Store.ListRemoveHeadAsync(queue, ["e3", "e5"])); // the last matches, the first does not
        Assert.False(await Store.ListRemoveHeadAsync(queue, ["e4", "e5", "e6", "e7", "e8"])); // longer than the list
        Assert.Equal(["e4", "e5", "e6", "e7"], await Store.ListHeadAsync(queue, 10));
        Assert.False(await Store.ListRemoveHeadAsync(NewKey("none"), ["e4"]));
    }

    [Fact]
    public async Task A_window_of_a_list_reads_only_those_positions()
    {
        var list = NewKey("list");
        await Store.CommitAsync([], new[] { "a", "b", "c", "d", "e" }.Select(v => StoreWrite.Append(list, v)).ToList());

        Assert.Equal(["b", "c"], await Store.ListRangeAsync(list, 1, 2));
        Assert.Equal(["d", "e"], await Store.ListRangeAsync(list, 3, 10));
        Assert.Empty(await Store.ListRangeAsync(list, 5, 10));
        Assert.Empty(await Store.ListRangeAsync(list, 1, 0));
        Assert.Empty(await Store.ListRangeAsync(list, -1, 2));
        Assert.Empty(await Store.ListRangeAsync(NewKey("none"), 0, 2));
        Assert.Equal(["a", "b", "c"], await Store.ListHeadAsync(list, 3));
    }

    [Fact]
    public async Task Get_many_answers_each_key_in_order_with_null_for_a_missing_one()
    {
        var one = NewKey("one");
        var two = NewKey("two");
        await Store.SetAsync(one, "1");
        await Store.SetAsync(two, "2");

        Assert.Equal<string?>(["2", null, "1"], await Store.GetManyAsync([two, NewKey("missing"), one]));
        Assert.Empty(await Store.GetManyAsync([]));

        // More keys than one read takes: still every answer, in order.
        var many = Enumerable.Range(0, 1_201).Select(i => NewKey($"many-{i}")).ToList();
        foreach (var key in many.Where((_, i) => i % 3 == 0))
        {
            await Store.SetAsync(key, key.Id);
        }

        Assert.Equal(many.Select((k, i) => i % 3 == 0 ? k.Id : null), await Store.GetManyAsync(many));
    }

    [Fact]
    public async Task A_lease_has_one_holder_until_released_or_expired()
    {
        var lease = NewKey("lease");

        Assert.True(await Store.AcquireLeaseAsync(lease, "a", Duration.FromMinutes(1)));
        Assert.True(await Store.AcquireLeaseAsync(lease, "a", Duration.FromMinutes(1)));
        Assert.False(await Store.AcquireLeaseAsync(lease, "b", Duration.FromMinutes(1)));
        Assert.False(await Store.ReleaseLeaseAsync(lease, "b")); // not b's to give up
        Assert.False(await Store.AcquireLeaseAsync(lease, "b", Duration.FromMinutes(1)));
        Assert.True(await Store.ReleaseLeaseAsync(lease, "a"));
        Assert.False(await Store.ReleaseLeaseAsync(lease, "a")); // already given up
        Assert.True(await Store.AcquireLeaseAsync(lease, "b", Duration.FromMilliseconds(300)));

        PassTime(Duration.FromMilliseconds(301));

        await Eventually.Until(() => Store.AcquireLeaseAsync(lease, "c", Duration.FromMinutes(1)), taken => taken, "the expired lease to be free");
    }

    [Fact]
    public async Task A_once_only_task_is_claimed_by_one_owner_and_done_stays_done()
    {
        var done = NewKey("delivered");

        Assert.Equal(new OnceClaim(OnceOutcome.Claimed), await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1)));
        Assert.Equal(new OnceClaim(OnceOutcome.Claimed), await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1)));
        Assert.Equal(new OnceClaim(OnceOutcome.HeldElsewhere, "a"), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1)));

        await Store.ReleaseOnceAsync(done, "b"); // not b's to release
        Assert.Equal(OnceOutcome.HeldElsewhere, (await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1))).Outcome);
        await Store.ReleaseOnceAsync(done, "a");
        Assert.Equal(new OnceClaim(OnceOutcome.Claimed), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1)));

        await Store.CompleteOnceAsync(done, "at noon", Duration.FromDays(1));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at noon"), await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1)));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at noon"), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1)));
    }

    [Fact]
    public async Task A_claim_reads_the_record_it_was_asked_for_in_the_same_step_and_only_when_claimed()
    {
        var done = NewKey("delivered");
        var record = NewKey("record");

        Assert.Equal(new OnceClaim(OnceOutcome.Claimed), await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1), record));
        await Store.SetAsync(record, "failed");
        Assert.Equal(new OnceClaim(OnceOutcome.Claimed, null, "failed"), await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1), record));
        Assert.Equal(new OnceClaim(OnceOutcome.HeldElsewhere, "a"), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1), record));

        await Store.CompleteOnceAsync(done, "at noon", Duration.FromDays(1));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at noon"), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1), record));
    }

    [Fact]
    public async Task Claims_in_one_step_answer_each_as_a_claim_alone_would_in_order()
    {
        var fresh = NewKey("delivered");
        var done = NewKey("delivered");
        var held = NewKey("delivered");
        var mine = NewKey("delivered");
        var record = NewKey("record");
        await Store.SetAsync(record, "failed");
        await Store.CompleteOnceAsync(done, "at noon", Duration.FromDays(1));
        await Store.ClaimOnceAsync(held, "b", Duration.FromMinutes(1));
        await Store.ClaimOnceAsync(mine, "a", Duration.FromMinutes(1));

        var claims = await Store.ClaimManyOnceAsync([new(fresh, record), new(done, record), new(held), new(mine), new(NewKey("delivered"))], "a", Duration.FromMinutes(1));

        Assert.Equal(
            [new OnceClaim(OnceOutcome.Claimed, null, "failed"), new OnceClaim(OnceOutcome.Done, "at noon"), new OnceClaim(OnceOutcome.HeldElsewhere, "b"), new OnceClaim(OnceOutcome.Claimed), new OnceClaim(OnceOutcome.Claimed)],
            claims);
        // The claims it made hold against others, and are theirs to release.
        Assert.Equal(new OnceClaim(OnceOutcome.HeldElsewhere, "a"), await Store.ClaimOnceAsync(fresh, "c", Duration.FromMinutes(1)));
        await Store.ReleaseOnceAsync(fresh, "a");
        Assert.Equal(OnceOutcome.Claimed, (await Store.ClaimOnceAsync(fresh, "c", Duration.FromMinutes(1))).Outcome);
        Assert.Empty(await Store.ClaimManyOnceAsync([], "a", Duration.FromMinutes(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ClaimManyOnceAsync(
            Enumerable.Range(0, OnceRequest.MaxPerStep + 1).Select(_ => new OnceRequest(NewKey("delivered"))).ToList(), "a", Duration.FromMinutes(1)));
    }

    [Fact]
    public async Task Completing_with_conditions_writes_the_result_and_the_record_together_or_nothing()
    {
        var done = NewKey("delivered");
        var record = NewKey("record");
        var log = NewKey("log");
        Assert.Equal(OnceOutcome.Claimed, (await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1))).Outcome);
        await Store.SetAsync(record, "failed");

        // The record changed since it was read: nothing is written, the claim stays a's.
        Assert.False(await Store.CompleteOnceAsync(done, "at noon", Duration.FromDays(1), [new StoreCondition(record, "attempting")], [new StoreWrite(record, "delivered")]));
        Assert.Equal("failed", await Store.GetAsync(record));
        Assert.Equal(new OnceClaim(OnceOutcome.HeldElsewhere, "a"), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1)));

        Assert.True(await Store.CompleteOnceAsync(done, "at noon", Duration.FromDays(1),
            [new StoreCondition(record, "failed"), new StoreCondition(NewKey(), null)], [new StoreWrite(record, "delivered"), StoreWrite.Append(log, "one")]));
        Assert.Equal("delivered", await Store.GetAsync(record));
        Assert.Equal(["one"], await Store.ListHeadAsync(log, 10));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at noon"), await Store.ClaimOnceAsync(done, "b", Duration.FromMinutes(1)));
    }

    [Fact]
    public async Task Completions_in_one_step_answer_each_as_a_completion_alone_would_in_order()
    {
        var first = NewKey("delivered");
        var refused = NewKey("delivered");
        var second = NewKey("delivered");
        var plain = NewKey("delivered");
        var record = NewKey("record");
        var otherRecord = NewKey("record");
        var log = NewKey("log");
        await Store.SetAsync(record, "failed");
        await Store.SetAsync(otherRecord, "attempting");
        foreach (var done in new[] { first, refused, second })
        {
            await Store.ClaimOnceAsync(done, "a", Duration.FromMinutes(1));
        }

        var answers = await Store.CompleteManyOnceAsync(
        [
            new(first, "at noon", Duration.FromDays(1), [new StoreCondition(record, "failed")], [new StoreWrite(record, "delivered"), StoreWrite.Append(log, "first")]),
            // Its condition fails: it writes nothing, and the ones after it still land.
            new(refused, "at noon", Duration.FromDays(1), [new StoreCondition(otherRecord, "failed")], [new StoreWrite(otherRecord, "delivered"), StoreWrite.Append(log, "refused")]),
            // In order: it sees what the first wrote.
            new(second, "at one", Duration.FromDays(1), [new StoreCondition(record, "delivered"), new StoreCondition(NewKey(), null)], [StoreWrite.Append(log, "second")]),
            new(plain, "at two", Duration.FromDays(1)),
        ]);

        Assert.Equal([true, false, true, true], answers);
        Assert.Equal(["first", "second"], await Store.ListHeadAsync(log, 10));
        Assert.Equal("attempting", await Store.GetAsync(otherRecord));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at noon"), await Store.ClaimOnceAsync(first, "b", Duration.FromMinutes(1)));
        Assert.Equal(new OnceClaim(OnceOutcome.HeldElsewhere, "a"), await Store.ClaimOnceAsync(refused, "b", Duration.FromMinutes(1)));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at one"), await Store.ClaimOnceAsync(second, "b", Duration.FromMinutes(1)));
        Assert.Equal(new OnceClaim(OnceOutcome.Done, "at two"), await Store.ClaimOnceAsync(plain, "b", Duration.FromMinutes(1)));
        Assert.Empty(await Store.CompleteManyOnceAsync([]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.CompleteManyOnceAsync(
            Enumerable.Range(0, OnceCompletion.MaxPerStep + 1).Select(_ => new OnceCompletion(NewKey("delivered"), "x", Duration.FromDays(1))).ToList()));
    }

    [Fact]
    public async Task A_schedule_answers_what_is_due_soonest_first_and_moves_and_drops_members_in_commits()
    {
        var schedule = NewKey("due");
        var noon = Instant.FromUtc(2026, 12, 2, 4, 0);
        Assert.True(await Store.CommitAsync([], [StoreWrite.Schedule(schedule, "late", noon + Duration.FromHours(1)), StoreWrite.Schedule(schedule, "b", noon), StoreWrite.Schedule(schedule, "a", noon - Duration.FromMinutes(1))]));

        Assert.Equal(["a", "b"], await Store.DueAsync(schedule, noon, 10));
        Assert.Equal(["a"], await Store.DueAsync(schedule, noon, 1));
        Assert.Empty(await Store.DueAsync(NewKey("due"), noon, 10));

        // A refused commit moves nothing; a committed one moves and drops.
        var document = NewKey();
        Assert.False(await Store.CommitAsync([new StoreCondition(document, "x")], [StoreWrite.Unschedule(schedule, "a")]));
        Assert.True(await Store.CommitAsync([], [StoreWrite.Unschedule(schedule, "a"), StoreWrite.Schedule(schedule, "b", noon + Duration.FromHours(2)), StoreWrite.Unschedule(schedule, "never-there")]));
        Assert.Empty(await Store.DueAsync(schedule, noon, 10));
        Assert.Equal(["late", "b"], await Store.DueAsync(schedule, noon + Duration.FromHours(3), 10));
    }

    [Fact]
    public async Task A_claim_whose_owner_died_expires()
    {
        var done = NewKey("delivered");
        Assert.Equal(OnceOutcome.Claimed, (await Store.ClaimOnceAsync(done, "dead", Duration.FromMilliseconds(300))).Outcome);

        PassTime(Duration.FromMilliseconds(301));

        await Eventually.Until(() => Store.ClaimOnceAsync(done, "next", Duration.FromMinutes(1)), c => c.Outcome == OnceOutcome.Claimed, "the dead owner's claim to expire");
    }

    [Fact]
    public async Task A_sequenced_stream_numbers_entries_in_order_once_per_dedupe_id()
    {
        var stream = NewKey("feed");
        Assert.Equal(0, await Store.LastSequenceAsync(stream));
        Assert.Empty(await Store.ReadSequenceAsync(stream, 0, 10));

        Assert.Equal(new SequenceAppendResult(1, true), await Store.AppendToSequenceAsync(stream, "w-1:v1", "一"));
        Assert.Equal(new SequenceAppendResult(2, true), await Store.AppendToSequenceAsync(stream, "w-2:v1", "two"));
        Assert.Equal(new SequenceAppendResult(1, false), await Store.AppendToSequenceAsync(stream, "w-1:v1", "a redelivery"));
        Assert.Equal(new SequenceAppendResult(3, true), await Store.AppendToSequenceAsync(stream, "w-1:v2", "three"));

        Assert.Equal(3, await Store.LastSequenceAsync(stream));
        Assert.Equal([new(1, "一"), new(2, "two"), new(3, "three")], await Store.ReadSequenceAsync(stream, 0, 10));
        Assert.Equal([new SequencedEntry(2, "two")], await Store.ReadSequenceAsync(stream, 1, 1));
        Assert.Empty(await Store.ReadSequenceAsync(stream, 3, 10));
        Assert.Empty(await Store.ReadSequenceAsync(stream, 99, 10));
    }

    [Fact]
    public async Task Concurrent_appends_to_a_sequenced_stream_get_distinct_gapless_numbers()
    {
        var stream = NewKey("feed");
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Store.AppendToSequenceAsync(stream, $"id-{i % 100}", $"p{i % 100}")));

        Assert.Equal(100, results.Count(r => r.Appended));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Where(r => r.Appended).Select(r => r.Sequence).Order());
        var all = await Store.ReadSequenceAsync(stream, 0, 1000);
        Assert.Equal(100, all.Select(e => e.Payload).Distinct().Count());
    }

    [Fact]
    public async Task A_batch_appends_to_a_log_whole_or_not_at_all()
    {
        var log = NewKey("log");
        await Store.AppendToLogAsync(log, "", T0, "h0", "zero");

        var stale = await Store.AppendToLogAsync(log, "wrong", [new LogAppend(T0, "h1", "one"), new LogAppend(T0, "h2", "two")]);
        var batch = await Store.AppendToLogAsync(log, "h0", [new LogAppend(T0, "h1", "one"), new LogAppend(T0 + Duration.FromSeconds(1), "h2", "two"), new LogAppend(T0, "h3", "three")]);

        Assert.False(stale.Appended);
        Assert.Equal("h0", stale.LastHash);
        Assert.True(batch.Appended);
        Assert.Equal(3, batch.Ids.Count);
        Assert.Equal("h3", batch.LastHash);
        var entries = await Store.ReadLogAsync(log, Instant.MinValue, Instant.MaxValue, null, 10);
        Assert.Equal(["zero", "one", "two", "three"], entries.Select(e => e.Payload));
        Assert.Equal(batch.Ids, entries.Skip(1).Select(e => e.Id));
        Assert.Equal(4, entries.Select(e => e.Id).Distinct().Count());
        Assert.Equal(entries.Select(e => e.Id), entries.Select(e => e.Id).OrderBy(id => long.Parse(id.Split('-')[0])).ThenBy(id => long.Parse(id.Split('-')[1]))); // increasing even when an entry's clock is behind
        Assert.Equal(4, await Store.CountAppendedToLogAsync(log));
    }
}
