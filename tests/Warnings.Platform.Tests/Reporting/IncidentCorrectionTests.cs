using Google.Rpc;
using Grpc.Core;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Reporting;

/// <summary>
/// The outside tester's fire (issue 17) through gRPC: 3 dead, then 12 (escalated III -> II), the
/// initial report's address corrected, the final report, its 核报 correction within the fire
/// window of 7 days and a refusal after it. Corrections of earlier reports never change the
/// incident's figures; one escalation per class. Runs embedded and on real RabbitMQ and Redis.
/// </summary>
public abstract class IncidentCorrectionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : PlatformFixture
{
    private BusRecorder _bus = null!;

    public async Task InitializeAsync() => _bus = await BusRecorder.ConnectAsync(fixture.Platform.Services.GetRequiredService<IBus>());

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private IncidentReportService.IncidentReportServiceClient Reporter => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.DistrictReporter);

    private IncidentReportService.IncidentReportServiceClient Analyst => fixture.Platform.Client(c => new IncidentReportService.IncidentReportServiceClient(c), Roles.Analyst);

    private static string Id() => $"req-{Guid.NewGuid():N}";

    private Instant Now => fixture.Clock.GetCurrentInstant();

    private ReportBody Initial(Instant occurredAt, string address, int deaths = 3, int trapped = 0) => new()
    {
        Category = "fire",
        OccurredAt = occurredAt.ToTimestamp(),
        District = "310101",
        Address = address,
        Location = new GeoPoint { Latitude = 31.2304, Longitude = 121.4737 },
        ReportingUnit = "黄浦区消防救援支队",
        Reporter = "王值班",
        Totals = new IncidentCounts { Deaths = deaths, Trapped = trapped },
        Account = "仓库起火。",
    };

    private static ReportBody Later(int deaths, string signedBy = "", string countChangeReason = "", int trapped = 0) => new()
    {
        Totals = new IncidentCounts { Deaths = deaths, Trapped = trapped }, Account = "续报", SigningOfficial = signedBy, CountChangeReason = countChangeReason,
    };

    private Task<Incident> GetAsync(string id) => Analyst.GetIncidentAsync(new GetIncidentRequest { IncidentId = id }).ResponseAsync;

    [Fact]
    public async Task Corrections_change_their_report_only_and_the_final_report_may_be_corrected_within_the_window()
    {
        var occurred = Now - Duration.FromMinutes(20);
        var initial = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(occurred, "中山东一路 1 号") });
        string id = initial.Incident.Id;
        await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = id, Body = Later(12) });

        var addressFixed = await Reporter.CorrectReportAsync(new CorrectReportRequest
        {
            RequestId = Id(), IncidentId = id, Sequence = 1, Body = Initial(occurred, "中山东一路 3 号"), Reason = "门牌号写错",
        });

        Assert.Equal((12, "II"), (addressFixed.Incident.Totals.Deaths, addressFixed.Incident.SeverityClass));
        var shown = await GetAsync(id);
        Assert.Equal((12, "II", "II"), (shown.Totals.Deaths, shown.SeverityClass, shown.HighestSeverityClass));

        var final = await Reporter.SubmitFinalAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = id, Body = Later(12, signedBy: "李局长") });
        Assert.True(final.Incident.Closed);

        // 核报 after the final report: one victim was counted twice.
        var verified = await Reporter.CorrectReportAsync(new CorrectReportRequest
        {
            RequestId = Id(), IncidentId = id, Sequence = final.Report.Sequence, Reason = "核报",
            Body = Later(11, signedBy: "李局长", countChangeReason: "一名遇难者被重复统计"),
        });
        Assert.Equal((11, "II", true), (verified.Incident.Totals.Deaths, verified.Incident.SeverityClass, verified.Incident.Closed));

        var events = await Eventually.Until(() => Task.FromResult(_bus.About(id)), e => e.Count >= 7, "3 reports, 2 corrections, 1 escalation, closed");
        var escalated = Assert.Single(events.OfType<IncidentEscalated>());
        Assert.Equal(("III", "II"), (escalated.FromClass, escalated.ToClass));
        Assert.Equal([false, true], events.OfType<IncidentReportCorrected>().OrderBy(c => c.Sequence).Select(c => c.ChangedCurrent));
        Assert.Equal(3, events.OfType<IncidentReported>().Count());
        var timeline = await Analyst.GetTimelineAsync(new GetIncidentRequest { IncidentId = id });
        Assert.Equal("中山东一路 1 号", timeline.Reports[0].Body.Address);
        Assert.Single(timeline.Steps, s => s.Action == "escalated");

        // The window of a fire closes 7 days after it broke out.
        var windowEnds = occurred + Duration.FromDays(7);
        fixture.Clock.Advance(windowEnds - Now + Duration.FromMinutes(1));
        var late = await Assert.ThrowsAsync<RpcException>(() => Reporter.CorrectReportAsync(new CorrectReportRequest
        {
            RequestId = Id(), IncidentId = id, Sequence = final.Report.Sequence, Reason = "再次核报", Body = Later(11, signedBy: "李局长"),
        }).ResponseAsync);
        RpcAssert.Refused(late, StatusCode.FailedPrecondition, "CORRECTION_WINDOW_CLOSED");
        var info = late.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(InstantPattern.ExtendedIso.Format(windowEnds), info.Metadata["window_ends_at"]);
        Assert.Equal(windowEnds.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToString("uuuu-MM-dd HH:mm", null), info.Metadata["window_ends_local"]);
        Assert.Equal(11, (await GetAsync(id)).Totals.Deaths);
    }

    [Fact]
    public async Task The_initial_receipt_shows_local_times_and_a_correction_names_a_known_report()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(Now - Duration.FromMinutes(10), "中山东一路 1 号") });

        Assert.NotEmpty(receipt.Incident.OccurredAtLocal);
        Assert.NotEmpty(receipt.Incident.NextReportDueLocal);
        Assert.NotEmpty(receipt.Incident.CorrectionsUntilLocal);
        Assert.Equal((await GetAsync(receipt.Incident.Id)).OccurredAtLocal, receipt.Incident.OccurredAtLocal);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Reporter.CorrectReportAsync(new CorrectReportRequest
        {
            RequestId = Id(), IncidentId = receipt.Incident.Id, Sequence = 9, Body = Later(3), Reason = "补报",
        }).ResponseAsync);
        RpcAssert.Refused(unknown, StatusCode.NotFound, "REPORT_NOT_FOUND");
    }

    [Fact]
    public async Task Trapped_people_rescued_need_no_count_change_reason()
    {
        var receipt = await Reporter.SubmitInitialAsync(new SubmitInitialRequest { RequestId = Id(), Body = Initial(Now - Duration.FromMinutes(10), "中山东一路 1 号", deaths: 0, trapped: 4) });

        var rescued = await Reporter.SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = Id(), IncidentId = receipt.Incident.Id, Body = Later(0, trapped: 0) });

        Assert.Equal(0, rescued.Incident.Totals.Trapped);
    }
}

public sealed class EmbeddedIncidentCorrectionTests(EmbeddedPlatformFixture fixture) : IncidentCorrectionTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealIncidentCorrectionTests(RealPlatformFixture fixture) : IncidentCorrectionTests<RealPlatformFixture>(fixture);
