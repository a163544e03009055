using System.Text.Json;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Dispatch;
using Warnings.Dispatch.Rendering;

namespace Warnings.Dispatch.Tests;

public class ChannelRendererTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 7, 15, 8, 30);
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Cells = new CellAreas(new DispatchOptions()).ByDistrict;

    private static PublishedWarningVersion Red(string kind = "Alert", string description = "预计未来12小时内本市将受台风严重影响，最大风力可达12级。", string[]? districts = null) => new(
        "w-1", kind == "Alert" ? 1 : 2, kind, [], "SMB", "typhoon", "red", districts ?? ["310101", "310115"], At, At + Duration.FromHours(12),
        ["sms", "tv", "cell_broadcast"], [new WarningTextContent("zh-CN", "台风红色预警", description, "请留在室内。"), new WarningTextContent("en", "Red typhoon warning", "Severe typhoon.", "Stay indoors.")],
        "021-12121", ["suspend_work", "close_parks_and_schools"], 3, false, At, "officer");

    [Fact]
    public void A_short_sms_is_one_message()
    {
        Assert.Equal(["台风红色预警"], ChannelRenderer.SmsSegments("台风红色预警"));
        Assert.Single(ChannelRenderer.SmsSegments(new string('字', 70)));
    }

    [Fact]
    public void A_long_sms_is_numbered_segments_that_each_fit_and_join_back()
    {
        string text = string.Concat(Enumerable.Repeat("暴雨红色预警，请注意防范。", 20));

        var segments = ChannelRenderer.SmsSegments(text);

        Assert.True(segments.Count > 1);
        Assert.All(segments, s => Assert.True(s.Length <= ChannelRenderer.SmsSegment, $"{s.Length}: {s}"));
        Assert.Equal(text, string.Concat(segments.Select((s, i) => s[..^$"({i + 1}/{segments.Count})".Length])));
        Assert.EndsWith($"({segments.Count}/{segments.Count})", segments[^1]);
    }

    [Fact]
    public void A_character_outside_the_bmp_is_never_split()
    {
        string text = new string('a', 60) + string.Concat(Enumerable.Repeat("😀", 20));

        var segments = ChannelRenderer.SmsSegments(text);

        Assert.All(segments, s => Assert.False(char.IsHighSurrogate(s[s.LastIndexOf('(') - 1])));
    }

    [Fact]
    public void Sms_spells_out_the_response_measures()
    {
        var sms = ChannelRenderer.Render("sms", Red(), "", Cells);

        Assert.Contains("停工", Joined(sms.Parts["zh-CN"]));
        Assert.Contains("停园停课", Joined(sms.Parts["zh-CN"]));
        Assert.Contains("suspend_work", Joined(sms.Parts["en"]));
    }

    // The text as the phone shows it: segments joined, their "(k/n)" numbering removed.
    private static string Joined(IReadOnlyList<string> segments) =>
        segments.Count == 1 ? segments[0] : string.Concat(segments.Select((s, i) => s[..^$"({i + 1}/{segments.Count})".Length]));

    [Fact]
    public void Cell_broadcast_pages_fit_and_target_the_districts_cell_areas()
    {
        var cb = ChannelRenderer.Render("cell_broadcast", Red(description: new string('风', 2000)), "", Cells);

        Assert.All(cb.Parts["zh-CN"], p => Assert.True(p.Length <= ChannelRenderer.CellBroadcastPage));
        Assert.Equal(ChannelRenderer.CellBroadcastMaxPages, cb.Parts["zh-CN"].Count);
        Assert.Equal(Cells["310101"].Concat(Cells["310115"]), cb.Targets);
        Assert.Equal(Cells.Values.Sum(c => c.Count), ChannelRenderer.Render("cell_broadcast", Red(districts: ["310000"]), "", Cells).Targets.Count);
    }

    [Fact]
    public void Tv_is_one_crawl_line_and_radio_a_script()
    {
        var tv = ChannelRenderer.Render("tv", Red(description: "第一行\n第二行"), "", Cells);
        var radio = ChannelRenderer.Render("radio", Red(), "", Cells);

        Assert.DoesNotContain("\n", Assert.Single(tv.Parts["zh-CN"]));
        Assert.StartsWith("各位听众", Assert.Single(radio.Parts["zh-CN"]));
    }

    [Fact]
    public void Updates_say_what_changed_and_lifts_say_so()
    {
        Assert.StartsWith("更新（升级为红色）：", ChannelRenderer.Render("sms", Red("Update"), "升级为红色", Cells).Parts["zh-CN"][0]);
        Assert.StartsWith("解除：", ChannelRenderer.Render("tv", Red("Cancel"), "风力减弱", Cells).Parts["zh-CN"][0]);
    }

    [Fact]
    public void Website_and_apps_get_json_with_every_field()
    {
        using var json = JsonDocument.Parse(ChannelRenderer.Render("website", Red(), "", Cells).Parts["zh-CN"][0]);

        Assert.Equal("w-1", json.RootElement.GetProperty("warningId").GetString());
        Assert.Equal("2026-07-15T16:30:00+08:00", json.RootElement.GetProperty("onset").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("responseMeasures").GetArrayLength());
    }
}
