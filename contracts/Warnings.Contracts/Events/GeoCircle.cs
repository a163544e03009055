namespace Warnings.Contracts.Events;

/// <summary>A circle, as in CAP's <c>circle</c>: a centre and a radius in kilometres.</summary>
public sealed record GeoCircle(GeoCoordinate Center, double RadiusKm);
