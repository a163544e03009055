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
    public void A_channel_not_yet_reached_in_time_is_not_put_in_trouble_for_being_slow_only_for_failing()
    {
        // A fresh instance's first tries pay their connections and the code's first compilation.
        var trouble = NewTrouble();

        trouble.Slow("sms", "no answer within 1000 ms");
        _clock.Advance(Duration.FromSeconds(5));
        trouble.Slow("sms", "no answer within 1000 ms");

        Assert.Equal(ChannelRoute.Direct, trouble.RouteFor("sms", out _));
        trouble.HandOff("tv", "HTTP 503");
        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("tv", out _));
    }

    [Fact]
    public void A_channel_slow_from_the_start_gets_its_window_once_the_grace_is_over()
    {
        var trouble = NewTrouble();
        trouble.Slow("siren", "no answer within 1000 ms");
        _clock.Advance(Duration.FromSeconds(ChannelTrouble.StartupGraceHandOffs) - Duration.FromMilliseconds(1));
        trouble.Slow("siren", "no answer within 1000 ms");
        Assert.Equal(ChannelRoute.Direct, trouble.RouteFor("siren", out _));

        _clock.Advance(Duration.FromMilliseconds(1));
        trouble.Slow("siren", "no answer within 1000 ms");

        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("siren", out _));
    }

    [Fact]
    public void The_grace_is_the_process_start_up_once_not_each_channel_first_slow_try()
    {
        var trouble = NewTrouble();
        trouble.Slow("sms", "no answer within 1000 ms");
        _clock.Advance(Duration.FromSeconds(ChannelTrouble.StartupGraceHandOffs));

        // Hours or seconds later, a channel slow for the first time is judged as any other.
        trouble.Slow("tv", "no answer within 1000 ms");

        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("tv", out _));
    }

    [Fact]
    public void A_channel_that_has_failed_gets_no_grace_a_slow_probe_starts_a_new_window()
    {
        var trouble = NewTrouble();
        trouble.HandOff("sms", "HTTP 503");
        _clock.Advance(Duration.FromSeconds(30));
        Assert.Equal(ChannelRoute.Probe, trouble.RouteFor("sms", out _));

        trouble.Slow("sms", "no answer within 1000 ms"); // the first slow try of the process, in its grace

        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("sms", out _));
        _clock.Advance(Duration.FromSeconds(29));
        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("sms", out _));
    }

    [Fact]
    public void Once_reached_in_time_a_slow_try_puts_the_channel_in_trouble_at_once()
    {
        var trouble = NewTrouble();
        trouble.ReachedInTime("radio");

        trouble.Slow("radio", "no answer within 1000 ms");

        Assert.Equal(ChannelRoute.HandOff, trouble.RouteFor("radio", out _));
        Assert.Equal(ChannelRoute.Direct, trouble.RouteFor("tv", out _));
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

public sealed class GatewayAwayTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new HttpRequestException("connection refused"), true },
        { new HttpRequestException("503", null, System.Net.HttpStatusCode.ServiceUnavailable), true },
        { new HttpRequestException("500", null, System.Net.HttpStatusCode.InternalServerError), true },
        { new HttpRequestException("408", null, System.Net.HttpStatusCode.RequestTimeout), true },
        { new HttpRequestException("429", null, System.Net.HttpStatusCode.TooManyRequests), true },
        { new TaskCanceledException("the client's timeout"), true },
        { new Polly.CircuitBreaker.BrokenCircuitException("open"), true },
        { new Polly.Timeout.TimeoutRejectedException("total timeout"), true },
        { new HttpRequestException("400", null, System.Net.HttpStatusCode.BadRequest), false },
        { new HttpRequestException("401", null, System.Net.HttpStatusCode.Unauthorized), false },
        { new HttpRequestException("404", null, System.Net.HttpStatusCode.NotFound), false },
        { new InvalidOperationException("could not render"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_gateway_that_is_away_is_waited_out_and_one_that_refuses_is_not(Exception failure, bool away) =>
        Assert.Equal(away, ChannelUnavailableException.IsGatewayAway(failure));
}
