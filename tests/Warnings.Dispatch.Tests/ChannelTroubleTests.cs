using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;

namespace Warnings.Dispatch.Tests;

public sealed class ChannelTroubleTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 4, 0));

    private ChannelTrouble NewTrouble() => new(new DispatchOptions { HandOffFor = TimeSpan.FromSeconds(30), HandOffAfter = TimeSpan.FromSeconds(1) }, _clock, NullLogger<ChannelTrouble>.Instance);

    [Fact]
    public void A_channel_in_trouble_is_handed_off_for_the_window_and_other_channels_stay_direct()
    {
        var trouble = NewTrouble();
        Assert.Equal(ChannelRoute.Direct, trouble.RouteFor("sms", out _));

        trouble.HandOff("sms", "HTTP 503");

        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("sms", out _));
        Assert.Equal(ChannelRoute.Direct, trouble.RouteFor("tv", out _));
        _clock.Advance(Duration.FromSeconds(29));
        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("sms", out _));
    }

    [Fact]
    public void After_the_window_exactly_one_delivery_probes_and_its_success_makes_the_channel_direct_again()
    {
        var trouble = NewTrouble();
        trouble.HandOff("sms", "HTTP 503");
        _clock.Advance(Duration.FromSeconds(30));

        Assert.Equal(ChannelRoute.Probe, trouble.RouteFor("sms", out var probe));
        // While the probe is under way, everything else still goes to the queue.
        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("sms", out _));
        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("sms", out _));

        trouble.Recovered("sms", probe);

        Assert.Equal(ChannelRoute.Direct, trouble.RouteFor("sms", out _));
    }

    [Fact]
    public void A_failed_probe_starts_a_new_window_and_a_probe_that_never_reports_is_followed_by_another()
    {
        var trouble = NewTrouble();
        trouble.HandOff("radio", "slow");
        _clock.Advance(Duration.FromSeconds(30));
        Assert.Equal(ChannelRoute.Probe, trouble.RouteFor("radio", out var failedProbe));

        trouble.HandOff("radio", "slow again");
        // A late success of an older probe does not end the new window.
        trouble.Recovered("radio", failedProbe);
        _clock.Advance(Duration.FromSeconds(29));
        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("radio", out _));

        _clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(ChannelRoute.Probe, trouble.RouteFor("radio", out _));
        // That probe found the delivery already made (no verdict): after its time is up, another probe.
        _clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(ChannelRoute.Probe, trouble.RouteFor("radio", out _));
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
