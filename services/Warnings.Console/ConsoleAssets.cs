using System.Collections.Frozen;
using System.Reflection;

namespace Warnings.DutyConsole;

/// <summary>
/// The console's files, embedded in this assembly (<c>wwwroot/**</c>, plus the districts' GeoJSON),
/// so a plain <c>dotnet run</c> serves them with no Node.js, no build step and no internet.
/// </summary>
public sealed class ConsoleAssets(ConsoleOptions options)
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json",
        [".geojson"] = "application/geo+json",
        [".png"] = "image/png",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
        [".md"] = "text/plain; charset=utf-8",
        [".webmanifest"] = "application/manifest+json",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, (byte[] Bytes, string ETag)> _files = Embedded();

    private static FrozenDictionary<string, (byte[] Bytes, string ETag)> Embedded()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[Prefix.Length..].Replace('\\', '/'), n => WithETag(Read(assembly, n)), StringComparer.Ordinal);
    }

    /// <summary>
    /// What the service worker keeps so the console opens offline: scripts, styles, icons, the
    /// district map and the vendored libraries' code (not their licences or the pages outside the shell).
    /// </summary>
    public IReadOnlyList<string> OfflineFiles => _files.Keys
        .Where(p => p.StartsWith("js/", StringComparison.Ordinal) || p.StartsWith("css/", StringComparison.Ordinal) || p.StartsWith("icons/", StringComparison.Ordinal)
            || p.StartsWith("data/", StringComparison.Ordinal) || (p.StartsWith("vendor/", StringComparison.Ordinal) && Path.GetExtension(p) is ".js" or ".css" or ".png" or ".svg"))
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>The file at <paramref name="path"/> (relative, e.g. <c>js/app.js</c>) and its content type, or null.</summary>
    public (byte[] Bytes, string ContentType, string ETag)? Find(string path)
    {
        if (!ContentTypes.TryGetValue(Path.GetExtension(path), out var type))
        {
            return null;
        }

        // Development: Console:AssetsPath serves the files from disk, so an edit shows on reload.
        if (options.AssetsPath is { Length: > 0 } root && !path.Contains("..", StringComparison.Ordinal)
            && Path.Combine(root, path) is var file && File.Exists(file))
        {
            var (bytes, etag) = WithETag(File.ReadAllBytes(file));
            return (bytes, type, etag);
        }

        return _files.TryGetValue(path, out var embedded) ? (embedded.Bytes, type, embedded.ETag) : null;
    }

    private static (byte[], string) WithETag(byte[] bytes) =>
        (bytes, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16].ToLowerInvariant());

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
