namespace Warnings.Contracts.Events;

/// <summary>A closed polygon (the last point equals the first), as in CAP's <c>polygon</c>.</summary>
public sealed record GeoPolygon(IReadOnlyList<GeoCoordinate> Points);
