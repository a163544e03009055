using Google.Rpc;
using Grpc.Core;
using StackExchange.Redis;
using Warnings.Contracts.V1;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Identity;

/// <summary>The audit log through its RPCs: paging by time and verifying the chain.</summary>
public abstract class AuditChainTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    private AuditService.AuditServiceClient Audit => fixture.Platform.Client(c => new AuditService.AuditServiceClient(c));

    private async Task MakeEntriesAsync(int count)
    {
        var diagnostics = fixture.Platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
        for (int i = 0; i < count; i++)
        {
            await diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = $"audit-{Guid.NewGuid():N}" });
        }
    }

    [Fact]
    public async Task The_chain_of_real_calls_verifies()
    {
        await MakeEntriesAsync(5);

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.True(result.Intact, result.Problem);
        Assert.True(result.EntriesChecked >= 5);
        Assert.Equal("", result.FirstBrokenEntryId);
    }

    [Fact]
    public async Task Entries_page_in_order_without_gaps_or_repeats_and_link_to_each_other()
    {
        await MakeEntriesAsync(5);

        var first = await Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 2 });
        var second = await Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 2, PageToken = first.NextPageToken });
        var all = await Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1000 });

        Assert.Equal(2, first.Entries.Count);
        Assert.Equal(all.Entries.Take(4).Select(e => e.Id), first.Entries.Concat(second.Entries).Select(e => e.Id));
        Assert.Equal("", all.Entries[0].PreviousHash);
        for (int i = 1; i < all.Entries.Count; i++)
        {
            Assert.Equal(all.Entries[i - 1].Hash, all.Entries[i].PreviousHash);
        }
    }

    [Fact]
    public async Task A_time_range_selects_entries_within_it()
    {
        await MakeEntriesAsync(1);
        var before = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var none = await Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = before, To = before });

        Assert.Empty(none.Entries);
        Assert.Equal("", none.NextPageToken);
    }

    [Theory]
    [InlineData(-1, "", "page_size")]
    [InlineData(1001, "", "page_size")]
    [InlineData(10, "not-a-token", "page_token")]
    public async Task Bad_paging_is_invalid_argument(int pageSize, string token, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = pageSize, PageToken = token }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }
}

public sealed class EmbeddedAuditChainTests(EmbeddedPlatformFixture fixture) : AuditChainTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealAuditChainTests(RealPlatformFixture fixture) : AuditChainTests<RealPlatformFixture>(fixture);

/// <summary>
/// Someone with write access to Redis edits or deletes an audit entry: verification names the first
/// entry that no longer verifies. Each test tampers with its own platform's log.
/// </summary>
public sealed class AuditTamperingTests : IAsyncLifetime
{
    private Backplane _backplane = null!;
    private TestPlatform _platform = null!;
    private StreamEntry[] _entries = [];

    private AuditService.AuditServiceClient Audit => _platform.Client(c => new AuditService.AuditServiceClient(c));

    private string LogKey => $"{_backplane.KeyPrefix}:audit:log";

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _platform = await TestPlatform.StartAsync(_backplane);
        var diagnostics = _platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
        for (int i = 0; i < 4; i++)
        {
            await diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = $"tamper-{i}" });
        }

        _entries = await _backplane.RedisDatabase.StreamRangeAsync(LogKey);
        Assert.Equal(4, _entries.Length);
        Assert.True((await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest())).Intact);
    }

    [Fact]
    public async Task Editing_an_entry_is_reported_at_that_entry()
    {
        // Rewrite the stream with the second entry's principal changed, every id and hash kept.
        var db = _backplane.RedisDatabase;
        await db.KeyDeleteAsync(LogKey);
        foreach (var entry in _entries)
        {
            string payload = entry["payload"].ToString();
            if (entry.Id == _entries[1].Id)
            {
                payload = payload.Replace("test-operator", "someone-else");
            }

            await db.StreamAddAsync(LogKey, [new("at", entry["at"]), new("hash", entry["hash"]), new("payload", payload)], messageId: entry.Id);
        }

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
        Assert.Equal(_entries[1].Id.ToString(), result.FirstBrokenEntryId);
        Assert.Contains("altered", result.Problem);
        Assert.Equal(1ul, result.EntriesChecked);
    }

    [Fact]
    public async Task Deleting_an_entry_is_reported_at_the_entry_after_it()
    {
        await _backplane.RedisDatabase.StreamDeleteAsync(LogKey, [_entries[1].Id]);

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
        Assert.Equal(_entries[2].Id.ToString(), result.FirstBrokenEntryId);
        Assert.Contains("deleted", result.Problem);
    }

    [Fact]
    public async Task Deleting_the_last_entry_is_reported_too()
    {
        await _backplane.RedisDatabase.StreamDeleteAsync(LogKey, [_entries[^1].Id]);

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
        Assert.Contains("deleted", result.Problem); // the checkpoint no longer reached, or the stream's counter ahead
    }

    [Fact]
    public async Task Cutting_off_the_tail_and_resetting_the_stream_counter_is_reported()
    {
        var db = _backplane.RedisDatabase;
        await db.StreamDeleteAsync(LogKey, [_entries[^1].Id]);
        await db.ExecuteAsync("XSETID", LogKey, _entries[^2].Id.ToString(), "ENTRIESADDED", "3");

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
        Assert.Contains("cut short", result.Problem);
    }

    [Fact]
    public async Task Deleting_the_whole_log_is_reported()
    {
        await _backplane.RedisDatabase.KeyDeleteAsync(LogKey);

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
    }

    [Fact]
    public async Task Deleting_the_log_with_its_checkpoint_is_reported()
    {
        await _backplane.RedisDatabase.KeyDeleteAsync([LogKey, $"{_backplane.KeyPrefix}:audit:checkpoint"]);

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
        Assert.Contains("checkpoint is missing", result.Problem);
    }

    [Fact]
    public async Task A_checkpoint_moved_back_without_the_key_is_reported()
    {
        string forged = $$"""{"entryId":"{{_entries[1].Id}}","hash":"{{_entries[1]["hash"]}}","mac":"{{new string('0', 64)}}"}""";
        await _backplane.RedisDatabase.StringSetAsync($"{_backplane.KeyPrefix}:audit:checkpoint", forged);

        var result = await Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        Assert.False(result.Intact);
        Assert.Contains("checkpoint was altered", result.Problem);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _backplane.DisposeAsync();
    }
}
