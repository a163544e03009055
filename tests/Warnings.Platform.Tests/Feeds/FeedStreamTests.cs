using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// The gRPC feed on real RabbitMQ and Redis: resuming after a disconnect loses and repeats nothing;
/// a partner receives only what its entitlement covers; a stalled subscriber is cut off with a
/// clear status while a healthy one keeps receiving, and resumes without a gap.
/// </summary>
public sealed class FeedStreamTests(FeedFixture fixture) : IClassFixture<FeedFixture>
{
    [Fact]
    public async Task A_subscriber_disconnected_while_100_warnings_are_published_resumes_and_receives_exactly_those_100_in_order()
    {
        string token;
        using (var first = fixture.Feed().Subscribe(new SubscribeRequest()))
        {
            var before = await fixture.PublishAsync();
            var seen = await FeedFixture.ReadUntilAsync(first, m => m.Any(x => x.WarningId == before.Id), "the first warning");
            token = seen.Last().ResumeToken;
        } // disconnected

        var published = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            published.Add((await fixture.PublishAsync()).Id);
        }

        using var resumed = fixture.Feed().Subscribe(new SubscribeRequest { ResumeToken = token });
        var missed = await FeedFixture.ReadUntilAsync(resumed, m => m.Count >= 100, "the 100 missed warnings");
        var after = await fixture.PublishAsync();
        var live = await FeedFixture.ReadUntilAsync(resumed, m => m.Count >= 1, "a live warning after the backlog", []);

        Assert.Equal(published, missed.Select(m => m.WarningId));
        Assert.All(missed, m => Assert.Equal(FeedMessageKind.Publish, m.Kind));
        Assert.Equal(missed.Select(m => m.Sequence).Order(), missed.Select(m => m.Sequence));
        Assert.Equal(100, missed.Select(m => m.Sequence).Distinct().Count());
        Assert.Equal(after.Id, Assert.Single(live).WarningId);
        Assert.True(live[0].Sequence > missed[^1].Sequence);
    }

    [Fact]
    public async Task A_partner_never_receives_a_warning_outside_its_entitlement()
    {
        // The test partner: rainstorm and typhoon, districts 310101 and 310104, yellow and above.
        using var partner = fixture.Feed().Subscribe(new SubscribeRequest());
        using var operatorFeed = fixture.Feed(Roles.Operator).Subscribe(new SubscribeRequest());
        var inside = await fixture.PublishAsync("typhoon", "orange", ["310104"]);
        var cityWide = await fixture.PublishAsync("rainstorm", "yellow", ["310000"]);
        var otherHazard = await fixture.PublishAsync("gale", "red", ["310101"]);
        var belowLevel = await fixture.PublishAsync("typhoon", "blue", ["310101"]);
        var otherDistrict = await fixture.PublishAsync("typhoon", "red", ["310115"]);
        var restrictedInside = await fixture.PublishAsync("typhoon", "red", ["310101"], ["partner_feed"]);
        var marker = await fixture.PublishAsync("typhoon", "red", ["310101"]);

        var received = await FeedFixture.ReadUntilAsync(partner, m => m.Any(x => x.WarningId == marker.Id), "the marker warning");
        var all = await FeedFixture.ReadUntilAsync(operatorFeed, m => m.Any(x => x.WarningId == marker.Id), "the marker warning (operator)");

        Assert.Equal([inside.Id, cityWide.Id, restrictedInside.Id, marker.Id], received.Select(m => m.WarningId));
        Assert.True(received.Single(m => m.WarningId == restrictedInside.Id).Restricted);
        Assert.Equal(7, all.Count); // the platform's own roles see everything
        Assert.Contains(all, m => m.WarningId == otherHazard.Id);
        Assert.Contains(all, m => m.WarningId == belowLevel.Id);
        Assert.Contains(all, m => m.WarningId == otherDistrict.Id);
    }

    [Theory]
    [InlineData("gale", "", "")]
    [InlineData("", "310115", "")]
    [InlineData("", "", "blue")]
    public async Task Asking_for_more_than_the_entitlement_is_refused_not_narrowed(string hazard, string district, string level)
    {
        var filter = new FeedFilter { MinLevel = level };
        if (hazard.Length > 0)
        {
            filter.Hazards.Add(hazard);
        }

        if (district.Length > 0)
        {
            filter.Districts.Add(district);
        }

        using var call = fixture.Feed().Subscribe(new SubscribeRequest { Filter = filter });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        RpcAssert.Refused(error, StatusCode.PermissionDenied, "ENTITLEMENT_EXCEEDED");
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("-1")]
    [InlineData("999999999")]
    public async Task A_bad_resume_token_is_an_invalid_argument(string token)
    {
        using var call = fixture.Feed().Subscribe(new SubscribeRequest { ResumeToken = token });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        RpcAssert.Refused(error, StatusCode.InvalidArgument, "INVALID_REQUEST");
    }

    [Fact]
    public async Task A_filter_on_kinds_and_level_selects_within_the_entitlement()
    {
        using var lifts = fixture.Feed().Subscribe(new SubscribeRequest { Filter = new FeedFilter { Kinds = { FeedMessageKind.Lift }, MinLevel = "red" } });
        var orange = await fixture.PublishAsync("typhoon", "orange");
        var red = await fixture.PublishAsync("typhoon", "red");
        foreach (var warning in new[] { orange, red })
        {
            await fixture.Officer.LiftAsync(new LiftRequest { RequestId = $"l-{Guid.NewGuid():N}", WarningId = warning.Id, Reason = "台风已远离" });
        }

        var received = await FeedFixture.ReadUntilAsync(lifts, m => m.Count >= 1, "the red lift");
        Assert.Equal(red.Id, received[0].WarningId);
        Assert.Equal(FeedMessageKind.Lift, received[0].Kind);
        Assert.Equal(2, received[0].Version);
        Assert.Contains("<msgType>Cancel</msgType>", received[0].CapXml);
    }

    [Fact]
    public async Task A_stalled_subscriber_is_cut_off_without_delaying_a_healthy_one_and_resumes_without_a_gap()
    {
        // Each message carries a long description so the transport's own buffers fill quickly.
        string description = string.Concat(Enumerable.Repeat("沿海地区请注意防范大风和风暴潮。", 120));
        var (stalledClient, stalledConnection) = fixture.FeedOnOwnConnection();
        var (healthyClient, healthyConnection) = fixture.FeedOnOwnConnection();
        using (stalledConnection)
        using (healthyConnection)
        {
            using var stalled = stalledClient.Subscribe(new SubscribeRequest());
            using var healthy = healthyClient.Subscribe(new SubscribeRequest());
            var first = await fixture.PublishAsync(description: description);
            var opened = await FeedFixture.ReadUntilAsync(stalled, m => m.Count >= 1, "the stalled subscriber's first message");
            var healthyRead = await FeedFixture.ReadUntilAsync(healthy, m => m.Count >= 1, "the healthy subscriber's first message");

            // From here the stalled subscriber reads nothing while 80 warnings go out; the healthy one reads as they come.
            var healthyReading = FeedFixture.ReadUntilAsync(healthy, m => m.Count >= 81, "all 81 at the healthy subscriber", healthyRead);
            var published = new List<string> { first.Id };
            for (int i = 0; i < 80; i++)
            {
                published.Add((await fixture.PublishAsync(description: description)).Id);
            }

            await healthyReading;
            Assert.Equal(published, healthyRead.Select(m => m.WarningId));

            // The stalled subscriber gets what was in flight, then a status that says what to do.
            var stalledRead = new List<FeedMessage>(opened);
            var error = await Assert.ThrowsAsync<RpcException>(() => FeedFixture.ReadUntilAsync(stalled, _ => false, "the cut-off", stalledRead));
            RpcAssert.Refused(error, StatusCode.ResourceExhausted, "FEED_SUBSCRIBER_TOO_SLOW");
            Assert.True(stalledRead.Count < published.Count, $"cut off after {stalledRead.Count} of {published.Count}");

            using var resumed = stalledClient.Subscribe(new SubscribeRequest { ResumeToken = stalledRead[^1].ResumeToken });
            await FeedFixture.ReadUntilAsync(resumed, m => m.Count >= published.Count, "the rest after resuming", stalledRead);
            Assert.Equal(published, stalledRead.Select(m => m.WarningId));
        }
    }
}
