using Google.Rpc;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Events;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Json;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Commands;

public class CommandsTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 29, 10, 0));
    private readonly InMemoryStateStore _store;
    private readonly Core.Commands.Commands _commands;

    public CommandsTests()
    {
        _store = new InMemoryStateStore(Options.Create(new StoreOptions()), _clock);
        _commands = new Core.Commands.Commands(_store, _clock);
    }

    private static readonly StoreKey Counter = new("test", "counter");

    // A command that increments a counter, on the condition that it is still what it read, and emits an event.
    private async Task<CommandPlan<SendProbeResponse>> IncrementAsync(string label)
    {
        string? current = await _store.GetAsync(Counter);
        int next = int.Parse(current ?? "0") + 1;
        return new CommandPlan<SendProbeResponse>(
            new SendProbeResponse { ProbeId = $"{label}-{next}" },
            [new StoreCondition(Counter, current)],
            [new StoreWrite(Counter, next.ToString())],
            [new ProbeSent($"{label}-{next}", _clock.GetCurrentInstant(), "test")]);
    }

    private async Task<List<OutboxMessage>> OutboxAsync() =>
        (await _store.ListHeadAsync(Outbox.Pending, 1000)).Select(j => JsonSerializer.Deserialize<OutboxMessage>(j, PlatformJson.Options)!).ToList();

    [Fact]
    public async Task A_rehearsal_plans_and_sends_the_commit_but_changes_nothing()
    {
        var request = new SendProbeRequest { RequestId = "r1" };

        var rehearsed = await _commands.RehearseAsync("test", "r1", request, () => IncrementAsync("a"));

        Assert.Equal("a-1", rehearsed.ProbeId);
        Assert.Null(await _store.GetAsync(Counter));
        Assert.Empty(await OutboxAsync());

        // The same request id then runs for real, once.
        var run = await _commands.RunAsync("test", "r1", request, () => IncrementAsync("a"));
        Assert.Equal("a-1", run.ProbeId);
        Assert.Equal("1", await _store.GetAsync(Counter));
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task A_command_writes_state_and_its_event_together()
    {
        var response = await _commands.RunAsync("scope", "r1", null, () => IncrementAsync("a"));

        Assert.Equal("a-1", response.ProbeId);
        Assert.Equal("1", await _store.GetAsync(Counter));
        var entry = Assert.Single(await OutboxAsync());
        Assert.Equal(typeof(ProbeSent), Type.GetType(entry.MessageType));
        Assert.Equal("a-1", JsonSerializer.Deserialize<ProbeSent>(entry.Payload, PlatformJson.Options)!.ProbeId);
        Assert.Equal(_clock.GetCurrentInstant(), JsonSerializer.Deserialize<ProbeSent>(entry.Payload, PlatformJson.Options)!.SentAt);
    }

    [Fact]
    public async Task A_repeated_request_returns_the_first_answer_and_has_no_second_effect()
    {
        var first = await _commands.RunAsync("scope", "r1", null, () => IncrementAsync("a"));
        var again = await _commands.RunAsync("scope", "r1", null, () => IncrementAsync("b"));

        Assert.Equal(first, again);
        Assert.Equal("1", await _store.GetAsync(Counter));
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task The_same_request_id_in_another_scope_is_another_command()
    {
        await _commands.RunAsync("alice:Publish", "r1", null, () => IncrementAsync("a"));
        await _commands.RunAsync("bob:Publish", "r1", null, () => IncrementAsync("b"));

        Assert.Equal("2", await _store.GetAsync(Counter));
    }

    [Fact]
    public async Task Fifty_concurrent_repeats_give_one_effect_one_event_and_one_answer()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => _commands.RunAsync("scope", "same", null, () => IncrementAsync($"caller{i}")))));

        Assert.Single(responses.Distinct());
        Assert.Equal("1", await _store.GetAsync(Counter));
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task Concurrent_different_commands_on_the_same_state_all_apply_in_turn()
    {
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => _commands.RunAsync("scope", $"r{i}", null, () => IncrementAsync("x")))));

        Assert.Equal("10", await _store.GetAsync(Counter));
        Assert.Equal(10, (await OutboxAsync()).Count);
        Assert.Equal(10, (await OutboxAsync()).Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_refusal_while_planning_writes_nothing_and_a_retry_may_then_succeed()
    {
        await Assert.ThrowsAsync<RpcException>(() => _commands.RunAsync<SendProbeResponse>("scope", "r1", null,
            () => throw new RpcException(new global::Grpc.Core.Status(StatusCode.FailedPrecondition, "no"))));

        Assert.Null(await _store.GetAsync(Counter));
        Assert.Empty(await OutboxAsync());
        Assert.Equal("a-1", (await _commands.RunAsync("scope", "r1", null, () => IncrementAsync("a"))).ProbeId);
    }

    [Fact]
    public async Task A_repeat_that_plans_after_the_first_committed_returns_the_first_answer_not_a_refusal()
    {
        var first = await _commands.RunAsync("scope", "publish-1", null, () => IncrementAsync("a"));
        bool planned = false;

        // This repeat missed the finished request at its first look (as a concurrent repeat would),
        // then plans from state that already holds the first one's effect and refuses.
        var store = new MissFirstLookStore(_store);
        var again = await new Core.Commands.Commands(store, _clock).RunAsync<SendProbeResponse>("scope", "publish-1", null, () =>
        {
            planned = true;
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.FailedPrecondition, "already published"));
        });

        Assert.True(planned);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task The_same_request_id_with_the_same_request_returns_the_first_answer()
    {
        var request = new SendProbeRequest { RequestId = "r1" };
        var first = await _commands.RunAsync("scope", "r1", request, () => IncrementAsync("a"));
        var again = await _commands.RunAsync("scope", "r1", request.Clone(), () => IncrementAsync("b"));

        Assert.Equal(first, again);
        Assert.Equal("1", await _store.GetAsync(Counter));
    }

    [Fact]
    public async Task The_same_request_id_with_a_different_request_is_refused_and_changes_nothing()
    {
        await _commands.RunAsync("scope", "r1", new CreateDraftRequest { RequestId = "r1", Content = new WarningContent { Hazard = "typhoon" } }, () => IncrementAsync("a"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => _commands.RunAsync("scope", "r1",
            new CreateDraftRequest { RequestId = "r1", Content = new WarningContent { Hazard = "rainstorm" } }, () => IncrementAsync("b")));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("REQUEST_ID_REUSED", refused.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
        Assert.Equal("1", await _store.GetAsync(Counter));
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task Remembered_request_ids_refuse_a_different_request_and_recognise_a_repeat()
    {
        var revoke = new RevokeApiKeyRequest { RequestId = "r1", KeyId = "k1", Reason = "lost" };

        Assert.True(await _commands.RememberAsync("op:RevokeApiKey", "r1", revoke));
        Assert.False(await _commands.RememberAsync("op:RevokeApiKey", "r1", revoke.Clone()));
        var refused = await Assert.ThrowsAsync<RpcException>(() => _commands.RememberAsync("op:RevokeApiKey", "r1", new RevokeApiKeyRequest { RequestId = "r1", KeyId = "k2", Reason = "lost" }));
        Assert.Equal("REQUEST_ID_REUSED", refused.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
    }

    // Answers "not found" to the first read of a request key, like a read that raced the commit.
    private sealed class MissFirstLookStore(InMemoryStateStore inner) : ForwardingStateStore(inner)
    {
        private int _looks;

        public override Task<string?> GetAsync(StoreKey key) =>
            key.Area == "request" && Interlocked.Increment(ref _looks) == 1 ? Task.FromResult<string?>(null) : base.GetAsync(key);
    }
}
