using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Events;

namespace Warnings.Dispatch.Tests;

public sealed class ChannelTroubleTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 4, 0));

    private ChannelTrouble NewTrouble() => new(new DispatchOptions { HandOffFor = TimeSpan.FromSeconds(30) }, _clock, NullLogger<ChannelTrouble>.Instance);

    [Fact]
    public void A_channel_in_trouble_is_handed_off_for_the_window_then_tried_directly_again()
    {
        var trouble = NewTrouble();
        Assert.False(trouble.IsHandingOff("sms"));

        trouble.HandOff("sms", "HTTP 503");

        Assert.True(trouble.IsHandingOff("sms"));
        Assert.False(trouble.IsHandingOff("tv"));
        _clock.Advance(Duration.FromSeconds(29));
        Assert.True(trouble.IsHandingOff("sms"));
        _clock.Advance(Duration.FromSeconds(1));
        Assert.False(trouble.IsHandingOff("sms"));
    }

    [Fact]
    public void Each_new_failure_extends_the_window_from_its_own_moment()
    {
        var trouble = NewTrouble();
        trouble.HandOff("radio", "slow");
        _clock.Advance(Duration.FromSeconds(20));
        trouble.HandOff("radio", "slow again");
        _clock.Advance(Duration.FromSeconds(20));

        Assert.True(trouble.IsHandingOff("radio"));
        _clock.Advance(Duration.FromSeconds(10));
        Assert.False(trouble.IsHandingOff("radio"));
    }

    [Fact]
    public void A_version_concerns_its_approved_channels_and_an_expiry_only_those_that_show_it_until_it_ends()
    {
        var version = Warnings.Core.Hosting.WarmUpSample.Warning(_clock.GetCurrentInstant(), ["sms", "website", "tv"]) with { WarningId = "w-1", Version = 3, Kind = "Alert" };

        Assert.Equal(["sms", "tv", "website"], Channels.Names.Where(c => ChannelDeliverer.Concerns(c, version)).Order());
        Assert.Equal(["website"], Channels.Names.Where(c => ChannelDeliverer.Concerns(c, version with { Kind = "Expired" })));
        Assert.Equal("w-1:v3:sms", ChannelDeliverer.KeyOf(version, "sms"));
        Assert.Equal("w-1:v3:website:expired", ChannelDeliverer.KeyOf(version with { Kind = "Expired" }, "website"));
    }
}
