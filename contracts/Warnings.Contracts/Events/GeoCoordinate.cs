namespace Warnings.Contracts.Events;

/// <summary>A WGS-84 point.</summary>
public sealed record GeoCoordinate(double Latitude, double Longitude);
