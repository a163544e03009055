using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>
/// One published version of a warning, whole: what every channel, feed and the analysis service
/// needs to act on it without asking back. Immutable once published.
/// </summary>
/// <param name="WarningId">The warning's id; stable across its versions.</param>
/// <param name="Version">1 for the first publication, then one more per update or lift.</param>
/// <param name="Kind">CAP msgType: Alert, Update or Cancel.</param>
/// <param name="References">The earlier versions this one replaces, oldest first.</param>
/// <param name="Department">The issuing department's code.</param>
/// <param name="Hazard">The hazard code of the publication list.</param>
/// <param name="Level">blue, yellow, orange or red; empty for a level-less notice.</param>
/// <param name="Districts">District codes (310000: the whole city).</param>
/// <param name="OnsetAt">When the warning takes effect.</param>
/// <param name="ExpiresAt">When it expires unless updated or lifted.</param>
/// <param name="Channels">The channels approved for this version.</param>
/// <param name="Texts">Headline, description and instruction per language (zh-CN always).</param>
/// <param name="Contact">Who to contact.</param>
/// <param name="ResponseMeasures">The grant's linked response measures for this level (e.g. the six suspensions).</param>
/// <param name="ListVersion">The publication-list version the decision used.</param>
/// <param name="FastTrack">Published by the emergency fast-track, sign-off to follow.</param>
/// <param name="PublishedAt">When this version was published.</param>
/// <param name="PublishedBy">Who published it.</param>
/// <param name="Polygons">Finer areas within the districts, if any.</param>
/// <param name="Circles">Circular areas, if any.</param>
public sealed record PublishedWarningVersion(
    string WarningId,
    int Version,
    string Kind,
    IReadOnlyList<WarningVersionReference> References,
    string Department,
    string Hazard,
    string Level,
    IReadOnlyList<string> Districts,
    Instant OnsetAt,
    Instant ExpiresAt,
    IReadOnlyList<string> Channels,
    IReadOnlyList<WarningTextContent> Texts,
    string Contact,
    IReadOnlyList<string> ResponseMeasures,
    long ListVersion,
    bool FastTrack,
    Instant PublishedAt,
    string PublishedBy,
    IReadOnlyList<GeoPolygon>? Polygons = null,
    IReadOnlyList<GeoCircle>? Circles = null);
