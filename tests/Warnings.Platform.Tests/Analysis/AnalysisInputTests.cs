using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Analysis;

/// <summary>Instants outside years 1970-2199 are INVALID_ARGUMENT, not INTERNAL (calendar overflow).</summary>
public sealed class AnalysisInputTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private AnalysisService.AnalysisServiceClient Analyst => fixture.Platform.Client(c => new AnalysisService.AnalysisServiceClient(c), Roles.Analyst);

    private static readonly Timestamp FarFuture = new() { Seconds = 253402300799 }; // 9999-12-31T23:59:59Z

    private static readonly Timestamp LongAgo = new() { Seconds = -62135596800 }; // 0001-01-01

    [Fact]
    public async Task A_far_future_to_in_the_statistics_is_invalid_argument()
    {
        foreach (var period in new[] { StatisticsPeriod.Day, StatisticsPeriod.Month, StatisticsPeriod.Year })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await Analyst.GetStatisticsAsync(new StatisticsRequest { To = FarFuture, Period = period }));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("to", error.Status.Detail);
        }

        var early = await Assert.ThrowsAsync<RpcException>(async () => await Analyst.GetStatisticsAsync(new StatisticsRequest { From = LongAgo }));
        Assert.Equal(StatusCode.InvalidArgument, early.StatusCode);
    }

    [Fact]
    public async Task Every_instant_of_the_analysis_service_is_held_to_a_sane_range()
    {
        var calls = new Func<Task>[]
        {
            async () => await Analyst.GetTimelinessAsync(new TimelinessRequest { To = FarFuture }),
            async () => await Analyst.GetOpenIncidentsAsync(new OpenIncidentsRequest { From = LongAgo }),
            async () => await Analyst.FindRelatedIncidentsAsync(new RelatedIncidentsRequest { To = FarFuture }),
            async () => await Analyst.GetActiveWarningsMapAsync(new ActiveWarningsMapRequest { At = FarFuture }),
            async () => await Analyst.GetRiskPictureAsync(new RiskPictureRequest { At = LongAgo }),
        };
        foreach (var call in calls)
        {
            Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
        }
    }
}
