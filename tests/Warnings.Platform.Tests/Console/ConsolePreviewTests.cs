using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.V1;
using Warnings.Dispatch.Rendering;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Console;

/// <summary>The preview the console shows is dispatch's own rendering, through RenderingService.</summary>
public sealed partial class ConsoleBrowserTests
{
    [Fact]
    public async Task The_preview_is_what_dispatch_renders_with_the_characters_left()
    {
        var rendering = fixture.Platform.Client(c => new RenderingService.RenderingServiceClient(c), Roles.DutyOfficer);
        string description = string.Concat(Enumerable.Repeat("受台风影响，本市将出现大风和强降水。", 6));
        var content = new WarningContent
        {
            Hazard = "typhoon", Level = "red", Districts = { "310115" }, Channels = { "sms", "cell_broadcast", "partner_feed" },
            Texts = { new WarningText { Language = "zh-CN", Headline = "上海市台风红色预警", Description = description } },
        };
        var preview = await rendering.PreviewRenderingAsync(new PreviewRenderingRequest { Content = content, ResponseMeasures = { "suspend_work" } });

        Assert.Equal(["sms", "cell_broadcast"], preview.Channels.Select(c => c.Channel));
        var version = new PublishedWarningVersion("preview", 1, "Alert", [], "", "typhoon", "red", ["310115"], Instant.MinValue, Instant.MinValue, ["sms"],
            [new WarningTextContent("zh-CN", "上海市台风红色预警", description, "")], "", ["suspend_work"], 0, false, Instant.MinValue, "");
        var sms = ChannelRenderer.Render("sms", version, "", new Dictionary<string, IReadOnlyList<string>>()).Parts["zh-CN"];
        var shown = preview.Channels[0].Languages.Single();
        Assert.Equal(sms, shown.Parts);
        Assert.True(sms.Count > 1);
        Assert.Equal(ChannelRenderer.SmsSegment - sms[^1].Length, shown.CharactersLeft);
        Assert.Equal(ChannelRenderer.CellBroadcastMaxPages, preview.Channels[1].Languages.Single().MaxParts);

        var refused = await Assert.ThrowsAsync<RpcException>(() => rendering.PreviewRenderingAsync(new PreviewRenderingRequest
        {
            Content = new WarningContent { Channels = { "carrier_pigeon" }, OnsetAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var partner = fixture.Platform.Client(c => new RenderingService.RenderingServiceClient(c), Roles.Partner);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => partner.PreviewRenderingAsync(new PreviewRenderingRequest()).ResponseAsync)).StatusCode);
    }
}
