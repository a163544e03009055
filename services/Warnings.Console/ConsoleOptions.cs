namespace Warnings.DutyConsole;

/// <summary>Settings of the console (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>
    /// An optional map tile URL template (<c>https://tiles.example/{z}/{x}/{y}.png</c>) drawn under the
    /// districts; without one the map is the districts' own boundaries, which need no network.
    /// </summary>
    public string? TileUrl { get; set; }

    /// <summary>The attribution the tile provider asks for.</summary>
    public string? TileAttribution { get; set; }

    /// <summary>Development only: serve the pages from this folder (the project's <c>wwwroot</c>) instead of the embedded copy.</summary>
    public string? AssetsPath { get; set; }

    /// <summary>The origin of <see cref="TileUrl"/>, for the content security policy; null without tiles.</summary>
    public string? TileOrigin => Uri.TryCreate(TileUrl?.Replace("{", "").Replace("}", ""), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
        ? uri.GetLeftPart(UriPartial.Authority)
        : null;
}
