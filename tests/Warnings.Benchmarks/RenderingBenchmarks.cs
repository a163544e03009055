using BenchmarkDotNet.Attributes;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Dispatch.Rendering;
using Warnings.Issuing.Cap;
using Warnings.Reporting.Domain;

namespace Warnings.Benchmarks;

/// <summary>
/// The per-message work of the hot paths: classifying a report's severity, writing a version's CAP
/// 1.2 document (two languages, polygon, response measures), and rendering it for SMS (segmented
/// UCS-2) and cell broadcast (pages per cell area).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class RenderingBenchmarks
{
    private static readonly Instant At = Instant.FromUtc(2026, 7, 15, 8, 0);

    private readonly PublishedWarningVersion _version = new(
        "w-0123456789abcdef", 2, "Update", [new WarningVersionReference(1, At - Duration.FromHours(1))], "SMB", "typhoon", "red", ["310101", "310115"],
        At, At + Duration.FromHours(24), ["sms", "cell_broadcast", "website", "partner_feed"],
        [
            new WarningTextContent("zh-CN", "上海市气象台发布台风红色预警", string.Concat(Enumerable.Repeat("受今年第9号台风影响，预计未来12小时内本市将出现12级以上大风和暴雨。", 4)), "请立即停止户外活动，远离广告牌和临时搭建物。"),
            new WarningTextContent("en", "Typhoon red warning", "Typhoon No. 9 will bring winds of force 12 and above and heavy rain within 12 hours.", "Stay indoors."),
        ],
        "021-12121", ["suspend_work", "suspend_business", "suspend_public_transport", "suspend_shipping", "suspend_flights", "close_parks_and_schools"],
        42, false, At, "smb.officer",
        [new GeoPolygon([new(31.20, 121.45), new(31.25, 121.45), new(31.25, 121.52), new(31.20, 121.52), new(31.20, 121.45)])]);

    private readonly Dictionary<string, IReadOnlyList<string>> _cellAreas = new()
    {
        ["310101"] = ["CA-310101-01", "CA-310101-02"],
        ["310115"] = ["CA-310115-01", "CA-310115-02", "CA-310115-03"],
    };

    // Fields, not literals, so the JIT cannot fold the call away.
    private int _deaths = 3, _injured = 12;
    private long _loss = 45_000_000;

    [Benchmark]
    public string SeverityClassification() => Severity.Classify(_deaths, _injured, _loss);

    [Benchmark]
    public string CapDocument() => CapWriter.ToXml(_version, Warnings.PublicationList.Domain.ListNames.Empty);

    [Benchmark]
    public RenderedMessage SmsRendering() => ChannelRenderer.Render("sms", _version, "风力加强", _cellAreas);

    [Benchmark]
    public RenderedMessage CellBroadcastRendering() => ChannelRenderer.Render("cell_broadcast", _version, "风力加强", _cellAreas);
}
