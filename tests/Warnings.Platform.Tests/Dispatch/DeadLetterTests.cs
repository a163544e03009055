using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Dispatch;

/// <summary>
/// What a channel gives up on after its retries is counted and listed for operators and can be put
/// back on that channel's queue; display channels take a warning down at expiry. Short retry
/// settings keep this quick; real RabbitMQ and Redis, a real HTTP gateway.
/// </summary>
public sealed class DeadLetterTests : IAsyncLifetime
{
    private readonly FakeClock _clock = new(SystemClock.Instance.GetCurrentInstant());
    private Backplane _backplane = null!;
    private TestGateway _gateway = null!;
    private TestPlatform _platform = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _gateway = await TestGateway.StartAsync();
        var settings = TestSettings.QuickBusRetries();
        foreach (var channel in new[] { "sms", "tv", "website" })
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{_gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = "test-secret";
        }

        _platform = await TestPlatform.StartAsync(_backplane, clock: _clock, settings: settings);
    }

    private WarningService.WarningServiceClient Officer => _platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    private DispatchService.DispatchServiceClient Operator => _platform.Client(c => new DispatchService.DispatchServiceClient(c), Roles.Operator);

    private async Task<Warning> PublishAsync(Duration validFor, params string[] channels)
    {
        var now = _clock.GetCurrentInstant();
        var draft = await Officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { channels },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + validFor).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警" } },
            },
        });
        return await Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });
    }

    [Fact]
    public async Task A_version_a_channel_gave_up_on_is_listed_and_delivers_once_when_requeued()
    {
        // A gateway that refuses the message (4xx) is given up on after the quick retries; one that is
        // away (5xx, no connection) would be waited out for minutes instead.
        _gateway.FailNext("sms", int.MaxValue, status: 400);
        var warning = await PublishAsync(Duration.FromHours(6), "sms", "tv");

        var dead = await Eventually.Until(async () => await Operator.ListDeadLettersAsync(new ListDeadLettersRequest()),
            l => l.DeadLetters.Any(d => d.WarningId == warning.Id), "the sms dead letter");
        var letter = dead.DeadLetters.Single(d => d.WarningId == warning.Id);
        Assert.Equal("sms", letter.Channel);
        Assert.Equal("WarningPublished", letter.MessageType);
        Assert.True(dead.Waiting >= 1);

        _gateway.FailNext("sms", 0);
        var requeued = await Operator.RequeueDeadLetterAsync(new RequeueDeadLetterRequest { RequestId = "requeue-1", Id = letter.Id });

        Assert.NotNull(requeued.RequeuedAt);
        var status = await Eventually.Until(async () => await Officer.GetDeliveryStatusAsync(new GetWarningRequest { WarningId = warning.Id }),
            s => s.Channels.All(c => c.Status == "delivered"), "sms delivered after the requeue");
        Assert.Equal(2, status.Channels.Count);
        Assert.Single(_gateway.For("sms").Where(r => r.IdempotencyKey.StartsWith(warning.Id, StringComparison.Ordinal)).Select(r => r.IdempotencyKey).Distinct());
        Assert.DoesNotContain((await Operator.ListDeadLettersAsync(new ListDeadLettersRequest())).DeadLetters, d => d.Id == letter.Id);
    }

    [Fact]
    public async Task Display_channels_take_a_warning_down_at_expiry_and_broadcast_ones_do_not()
    {
        var warning = await PublishAsync(Duration.FromHours(1), "website", "tv");
        await Eventually.Until(() => Task.FromResult(_gateway.Requests.Count(r => r.IdempotencyKey.StartsWith(warning.Id, StringComparison.Ordinal))), n => n >= 2, "publication on both channels");

        _clock.Advance(Duration.FromHours(1));

        var expired = await Eventually.Until(() => Task.FromResult(_gateway.For("website").Where(r => r.IdempotencyKey == $"{warning.Id}:v1:website:expired").ToList()), r => r.Count >= 1, "the website taking it down");
        Assert.Contains("已过期", System.Text.Encoding.UTF8.GetString(expired[0].Body));
        Assert.DoesNotContain(_gateway.For("tv"), r => r.IdempotencyKey.EndsWith(":expired", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _gateway.DisposeAsync();
        await _backplane.DisposeAsync();
    }
}
