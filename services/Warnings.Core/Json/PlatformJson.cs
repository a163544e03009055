using System.Text.Json;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Warnings.Core.Json;

/// <summary>
/// The one JSON configuration of the platform, used for bus messages and for values in the store.
/// Without the NodaTime converters an <see cref="Instant"/> serializes as an empty object and comes
/// back as 1970-01-01, silently; <see cref="Configure"/> is what prevents that.
/// </summary>
public static class PlatformJson
{
    /// <summary>Options for values the platform writes to the store.</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Adds the NodaTime converters (Tzdb zones; instants in extended ISO with nanoseconds) to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options) =>
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
}
