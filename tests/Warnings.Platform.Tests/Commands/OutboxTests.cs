using Microsoft.Extensions.DependencyInjection;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Platform.Modules;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Commands;

/// <summary>
/// The outbox on real RabbitMQ and Redis: an acknowledged command's event survives the death of the
/// process that committed it, and concurrent repeats of one request publish one event.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private Backplane _backplane = null!;

    public async Task InitializeAsync() => _backplane = await Backplane.CreateRealAsync();

    private string PendingKey => $"{_backplane.KeyPrefix}:outbox:pending";

    [Fact]
    public async Task An_event_committed_by_a_process_that_died_before_publishing_is_published_once_by_the_next()
    {
        // The first process commits (answers OK) but its relay never publishes: then it is gone.
        var crashing = await TestPlatform.StartAsync(_backplane, instanceName: "crashing", settings: new Dictionary<string, string?> { ["Outbox:RelayEnabled"] = "false" });
        var sent = await crashing.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c)).SendProbeAsync(new SendProbeRequest { RequestId = "survives-a-crash" });
        Assert.Equal(1, await _backplane.RedisDatabase.ListLengthAsync(PendingKey));
        await crashing.DisposeAsync();

        await using var next = await TestPlatform.StartAsync(_backplane, instanceName: "next");
        var diagnostics = next.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));

        var probe = await Eventually.Until(
            async () => await diagnostics.GetProbeAsync(new GetProbeRequest { ProbeId = sent.ProbeId }),
            p => p.Receipts.Count == ModuleCatalog.All.Count,
            "the relayed probe to reach every module");
        Assert.All(probe.Receipts, r => Assert.Equal(sent.SentAt, r.SentAt));
        Assert.Equal(0, await _backplane.RedisDatabase.ListLengthAsync(PendingKey));
        Assert.Equal(1, next.Services.GetRequiredService<OutboxRelay>().Published);
    }

    [Fact]
    public async Task A_published_warning_whose_process_died_before_relaying_reaches_the_bus_exactly_once()
    {
        await using var observer = await TestPlatform.StartAsync(_backplane, instanceName: "observer", settings: new Dictionary<string, string?> { ["Outbox:RelayEnabled"] = "false" });
        await using var recorder = await BusRecorder.ConnectAsync(observer.Services.GetRequiredService<MassTransit.IBus>());
        var crashing = await TestPlatform.StartAsync(_backplane, instanceName: "crashing", settings: new Dictionary<string, string?> { ["Outbox:RelayEnabled"] = "false" });
        var officer = crashing.Client(c => new WarningService.WarningServiceClient(c), Core.Identity.Roles.DutyOfficer);
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant();
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = "crash-draft",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310000" }, Channels = { "sms" },
                OnsetAt = Contracts.Time.TimestampConversions.ToTimestamp(now),
                ExpiresAt = Contracts.Time.TimestampConversions.ToTimestamp(now + NodaTime.Duration.FromHours(6)),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警" } },
            },
        });
        var published = await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = "crash-publish", WarningId = draft.Id });
        Assert.Equal(1, published.Version);
        await crashing.DisposeAsync();

        await using var next = await TestPlatform.StartAsync(_backplane, instanceName: "next");

        await Eventually.Until(() => Task.FromResult(recorder.Of<Contracts.Events.WarningPublished>(draft.Id).Count), n => n >= 1, "the relayed WarningPublished");
        await Eventually.Until(() => _backplane.RedisDatabase.ListLengthAsync(PendingKey), n => n == 0, "the outbox to drain");
        Assert.Single(recorder.Of<Contracts.Events.WarningPublished>(draft.Id));
        Assert.Equal(1, next.Services.GetRequiredService<OutboxRelay>().Published);
    }

    [Fact]
    public async Task Fifty_concurrent_repeats_of_one_request_give_one_answer_and_one_event()
    {
        await using var platform = await TestPlatform.StartAsync(_backplane);
        var diagnostics = platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
        var relay = platform.Services.GetRequiredService<OutboxRelay>();
        long before = relay.Published;

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = "fifty-at-once" }).ResponseAsync));

        Assert.Single(responses.Distinct());
        await Eventually.Until(() => _backplane.RedisDatabase.ListLengthAsync(PendingKey), n => n == 0, "the outbox to drain");
        Assert.Equal(1, relay.Published - before);
    }

    public Task DisposeAsync() => _backplane.DisposeAsync().AsTask();
}
