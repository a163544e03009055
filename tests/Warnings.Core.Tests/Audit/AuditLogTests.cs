using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Warnings.Core.Audit;
using Warnings.Core.Storage;
using Warnings.Testing;

namespace Warnings.Core.Tests.Audit;

public class AuditLogTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 29, 9, 0));
    private readonly InMemoryStateStore _store;

    public AuditLogTests() => _store = new InMemoryStateStore(Options.Create(new StoreOptions()), _clock);

    private AuditLog NewLog(IStateStore? store = null, string? key = null) =>
        new(store ?? _store, _clock, Options.Create(new AuditOptions { ChainKey = key }), NullLogger<AuditLog>.Instance);

    private static AuditRecord Draft(string action) => new(default, "officer", ["duty_officer"], action, "w-1", "OK", null, null, null, "");

    [Fact]
    public async Task Entries_chain_and_verify()
    {
        var log = NewLog();
        var first = await log.AppendAsync(Draft("a"));
        _clock.Advance(Duration.FromSeconds(1));
        var second = await log.AppendAsync(Draft("b"));

        Assert.Equal("", first.Record.PreviousHash);
        Assert.Equal(first.Hash, second.Record.PreviousHash);
        Assert.Equal(_clock.GetCurrentInstant(), second.Record.At);
        Assert.Equal(new AuditChainVerification(true, 2, null, null), await log.VerifyAsync());
    }

    [Fact]
    public async Task A_caller_chosen_text_is_kept_short_so_no_request_can_bloat_the_log()
    {
        var log = NewLog();
        string huge = new string('x', 99_998) + "\U0001F600"; // ends in a pair of surrogates
        var stored = await log.AppendAsync(Draft("a") with { RequestId = huge, Target = "w-" + huge, PrincipalId = "officer" });

        Assert.True(stored.Record.RequestId!.Length <= AuditLog.MaxFieldLength);
        Assert.EndsWith("...(100000 characters)", stored.Record.RequestId);
        Assert.StartsWith("w-xxx", stored.Record.Target);
        Assert.True(stored.Record.Target!.Length <= AuditLog.MaxFieldLength);
        Assert.Equal("officer", stored.Record.PrincipalId);
        Assert.Equal(new AuditChainVerification(true, 1, null, null), await log.VerifyAsync());

        string cutAtAPair = new string('y', AuditLog.MaxFieldLength - 33) + "\U0001F600" + new string('z', 200);
        var second = await log.AppendAsync(Draft("b") with { RequestId = cutAtAPair });
        Assert.DoesNotContain(second.Record.RequestId!, c => char.IsSurrogate(c));
    }

    [Fact]
    public async Task Writers_on_two_instances_build_one_unbroken_chain()
    {
        var instanceA = NewLog();
        var instanceB = NewLog();

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? instanceA : instanceB).AppendAsync(Draft($"call {i}"))));

        var verification = await instanceA.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(100, verification.EntriesChecked);
    }

    [Fact]
    public async Task A_keyed_chain_does_not_verify_under_another_key()
    {
        await NewLog(key: Convert.ToBase64String(new byte[32])).AppendAsync(Draft("a"));

        var verification = await NewLog(key: Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray())).VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Contains("altered", verification.Problem);
    }

    [Fact]
    public async Task An_altered_entry_is_found_in_the_embedded_store_too()
    {
        var log = NewLog();
        var entries = new List<StoredAuditRecord>();
        for (int i = 0; i < 3; i++)
        {
            entries.Add(await log.AppendAsync(Draft($"call {i}")));
        }

        var tampered = NewLog(new AlteringStore(_store, entries[1].Id));

        var verification = await tampered.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(entries[1].Id, verification.FirstBrokenEntryId);
    }

    [Fact]
    public async Task An_empty_log_is_intact()
    {
        Assert.Equal(new AuditChainVerification(true, 0, null, null), await NewLog().VerifyAsync());
    }

    // Reads the log as someone who edited one entry in place would leave it.
    private sealed class AlteringStore(IStateStore inner, string alteredId) : ForwardingStateStore(inner)
    {
        public override async Task<IReadOnlyList<LogEntry>> ReadLogAsync(StoreKey log, Instant from, Instant to, string? afterId, int count) =>
            (await base.ReadLogAsync(log, from, to, afterId, count))
                .Select(e => e.Id == alteredId ? e with { Payload = e.Payload.Replace("officer", "intruder") } : e)
                .ToList();
    }
}
