using System.Text;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Http;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Dispatch;

/// <summary>
/// Fan-out on real RabbitMQ and Redis to a real HTTP gateway on loopback: a warning reaches exactly
/// its approved channels, signed and with one idempotency key per channel and version; one failing
/// channel does not hold up another; duty officers see each channel's outcome.
/// </summary>
public sealed class DispatchTests : IAsyncLifetime
{
    private static readonly string[] AllChannels = ["sms", "network_sms", "cell_broadcast", "tv", "radio", "website", "social_media", "app_push", "outdoor_screen", "siren"];
    private Backplane _backplane = null!;
    private TestGateway _gateway = null!;
    private TestPlatform _platform = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _gateway = await TestGateway.StartAsync();
        // Hand a slow channel to its own queue early, so the tests below take that path.
        var settings = new Dictionary<string, string?> { ["Dispatch:HandOffAfter"] = "00:00:00.300" };
        foreach (var channel in AllChannels)
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{_gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = $"secret-{channel}";
        }

        _platform = await TestPlatform.StartAsync(_backplane, settings: settings);
    }

    private WarningService.WarningServiceClient Officer => _platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    private async Task<Warning> PublishRedTyphoonAsync(params string[] channels)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var draft = await Officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { channels },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警", Description = "台风将严重影响本市。", Instruction = "请留在室内。" } },
            },
        });
        return await Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });
    }

    private async Task<DeliveryStatus> StatusAsync(string warningId, Func<DeliveryStatus, bool> done, string what) =>
        await Eventually.Until(async () => await Officer.GetDeliveryStatusAsync(new GetWarningRequest { WarningId = warningId }), done, what);

    [Fact]
    public async Task A_red_warning_reaches_exactly_its_channels_signed_and_a_lift_reaches_the_same_ones()
    {
        string[] channels = ["sms", "tv", "cell_broadcast", "siren"];
        var warning = await PublishRedTyphoonAsync(channels);

        var status = await StatusAsync(warning.Id, s => s.Channels.All(c => c.Status == "delivered"), "every channel delivered");

        Assert.Equal(channels.Order(), status.Channels.Select(c => c.Channel).Order());
        Assert.All(status.Channels, c => Assert.Equal(1, c.Attempts));
        var received = _gateway.Requests.Where(r => r.IdempotencyKey.StartsWith(warning.Id, StringComparison.Ordinal)).ToList();
        Assert.Equal(channels.Order(), received.Select(r => r.Channel).Order());
        Assert.All(received, r =>
        {
            Assert.Equal($"{warning.Id}:v1:{r.Channel}", r.IdempotencyKey);
            // Signed with the platform's clock (a fake one here): verified at the instant it says it was sent.
            var sentAt = NodaTime.Instant.FromUnixTimeSeconds(long.Parse(r.Timestamp, System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(WebhookSignature.Verify(Encoding.UTF8.GetBytes($"secret-{r.Channel}"), r.Timestamp, r.Body, r.Signature, sentAt));
        });

        await Officer.LiftAsync(new LiftRequest { RequestId = $"l-{Guid.NewGuid():N}", WarningId = warning.Id, Reason = "台风远离" });

        await Eventually.Until(() => Task.FromResult(_gateway.Requests.Count(r => r.IdempotencyKey.StartsWith($"{warning.Id}:v2:", StringComparison.Ordinal))), n => n >= 4, "the lift on every channel");
        Assert.Equal(channels.Order(), _gateway.Requests.Where(r => r.IdempotencyKey.StartsWith($"{warning.Id}:v2:", StringComparison.Ordinal)).Select(r => r.Channel).Order());
        Assert.Contains("解除", Encoding.UTF8.GetString(_gateway.For("tv").Last().Body));
    }

    [Fact]
    public async Task A_failing_sms_gateway_does_not_hold_up_tv_and_sms_delivers_once_after_it_recovers()
    {
        _gateway.FailNext("sms", int.MaxValue);
        var warning = await PublishRedTyphoonAsync("sms", "tv");

        var whileSmsFails = await StatusAsync(warning.Id, s => s.Channels.Single(c => c.Channel == "tv").Status == "delivered", "tv delivered");
        Assert.NotEqual("delivered", whileSmsFails.Channels.Single(c => c.Channel == "sms").Status);

        _gateway.FailNext("sms", 0);
        var after = await StatusAsync(warning.Id, s => s.Channels.Single(c => c.Channel == "sms").Status == "delivered", "sms delivered after recovery");

        var sms = _gateway.For("sms").Where(r => r.IdempotencyKey.StartsWith(warning.Id, StringComparison.Ordinal)).ToList();
        Assert.Single(sms.Select(r => r.IdempotencyKey).Distinct());
        Assert.True(sms.Count >= 2, "the gateway saw the retries");
        Assert.True(after.Channels.Single(c => c.Channel == "sms").Attempts >= 2 || sms.Count >= 2);
        Assert.Equal(1, after.Channels.Single(c => c.Channel == "tv").Attempts);
    }

    [Fact]
    public async Task A_slow_tv_gateway_does_not_hold_up_sms()
    {
        _gateway.SlowDown("tv", TimeSpan.FromSeconds(3));
        var warning = await PublishRedTyphoonAsync("sms", "tv");

        var smsFirst = await StatusAsync(warning.Id, s => s.Channels.Single(c => c.Channel == "sms").Status == "delivered", "sms delivered");
        Assert.NotEqual("delivered", smsFirst.Channels.Single(c => c.Channel == "tv").Status);

        _gateway.SlowDown("tv", TimeSpan.Zero);
        await StatusAsync(warning.Id, s => s.Channels.All(c => c.Status == "delivered"), "tv delivered too");
    }

    [Fact]
    public async Task A_gateway_slower_than_the_hand_off_is_called_once_per_version_while_another_channel_delivers()
    {
        _gateway.SlowDown("radio", TimeSpan.FromSeconds(1.5));
        // The first is handed to radio's queue while its call is still under way; so is the second
        // (tried first unless radio is in trouble by then: this fresh instance has not reached radio in
        // time yet, so its slowness counts only after the grace); sms delivers both without waiting for radio.
        var first = await PublishRedTyphoonAsync("sms", "radio");
        var second = await PublishRedTyphoonAsync("sms", "radio");

        var smsFirst = await StatusAsync(first.Id, s => s.Channels.Single(c => c.Channel == "sms").Status == "delivered", "sms delivered");
        Assert.NotEqual("delivered", smsFirst.Channels.Single(c => c.Channel == "radio").Status);
        await StatusAsync(second.Id, s => s.Channels.Single(c => c.Channel == "sms").Status == "delivered", "sms delivered for the second");

        foreach (var warning in new[] { first, second })
        {
            var done = await StatusAsync(warning.Id, s => s.Channels.All(c => c.Status == "delivered"), "radio delivered too");
            Assert.Equal(1, done.Channels.Single(c => c.Channel == "sms").Attempts);
        }

        // The handed-off copy of the first found its call under way and then delivered: no second call.
        _gateway.SlowDown("radio", TimeSpan.Zero);
        var third = await PublishRedTyphoonAsync("radio");
        await StatusAsync(third.Id, s => s.Channels.All(c => c.Status == "delivered"), "a later warning on radio");
        foreach (var warning in new[] { first, second, third })
        {
            Assert.Single(_gateway.For("radio"), r => r.IdempotencyKey == $"{warning.Id}:v1:radio");
        }
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _gateway.DisposeAsync();
        await _backplane.DisposeAsync();
    }
}
