namespace Warnings.Dispatch.Rendering;

/// <summary>
/// What one channel sends for one warning version: per language, the parts in sending order (SMS
/// segments, cell-broadcast pages, one crawl line...), plus the channel's targeting (cell areas).
/// </summary>
public sealed record RenderedMessage(string Channel, IReadOnlyDictionary<string, IReadOnlyList<string>> Parts, IReadOnlyList<string> Targets);
