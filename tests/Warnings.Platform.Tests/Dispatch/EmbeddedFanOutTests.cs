using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Dispatch;

/// <summary>
/// The embedded default (in-memory bus and store) fans out the same way: a failing channel is handed
/// to its own queue there too, and delivers once its gateway is back.
/// </summary>
public sealed class EmbeddedFanOutTests
{
    [Fact]
    public async Task A_failing_channel_is_handed_to_its_queue_on_the_in_memory_bus_and_delivers_once_after_it_recovers()
    {
        await using var gateway = await TestGateway.StartAsync();
        var settings = TestSettings.QuickBusRetries();
        foreach (string channel in new[] { "sms", "tv" })
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = $"secret-{channel}";
        }

        // A 503 is a gateway that is away: the queue's copy waits it out (Bus:OutageRetry) until it answers.
        await using var platform = await TestPlatform.StartAsync(Backplane.Embedded(), settings: settings);
        var officer = platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);
        gateway.FailNext("sms", 3);

        var now = SystemClock.Instance.GetCurrentInstant();
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { "sms", "tv" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警" } },
            },
        });
        var warning = await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        var status = await Eventually.Until(async () => await officer.GetDeliveryStatusAsync(new GetWarningRequest { WarningId = warning.Id }),
            s => s.Channels.Count == 2 && s.Channels.All(c => c.Status == "delivered"), "both channels delivered");

        Assert.Equal(1, status.Channels.Single(c => c.Channel == "tv").Attempts);
        Assert.True(status.Channels.Single(c => c.Channel == "sms").Attempts >= 2, "sms was retried from its own queue");
        Assert.Single(gateway.For("sms").Where(r => r.IdempotencyKey == $"{warning.Id}:v1:sms").Select(r => r.IdempotencyKey).Distinct());
        Assert.Single(gateway.For("tv"), r => r.IdempotencyKey == $"{warning.Id}:v1:tv");
    }
}
