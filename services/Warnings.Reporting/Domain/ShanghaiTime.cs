using System.Globalization;
using NodaTime;

namespace Warnings.Reporting.Domain;

/// <summary>Local times of incidents as districts read them: Asia/Shanghai, to the minute.</summary>
public static class ShanghaiTime
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>"2026-07-15 16:30".</summary>
    public static string Display(Instant instant) => instant.InZone(Zone).ToString("uuuu-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
