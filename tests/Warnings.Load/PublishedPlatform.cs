using Warnings.Testing;

namespace Warnings.Load;

/// <summary>
/// The platform as it is deployed: <c>infra/dev.sh publish</c>'s bundle (self-contained, ReadyToRun),
/// so the warm start is measured on the build that starts in production, not on the JIT's.
/// </summary>
public static class PublishedPlatform
{
    /// <summary>Publishes the bundle into <c>.data/publish/load</c> (incremental after the first time); returns its platform dll.</summary>
    public static async Task<string> PublishAsync()
    {
        string script = DevSh.Script();
        string repository = Path.GetDirectoryName(Path.GetDirectoryName(script))!;
        string folder = Path.Combine(repository, ".data", "publish", "load");
        Console.Error.WriteLine($"publishing the platform (infra/dev.sh publish {folder}) ...");
        // Its build folders are infra/dev.sh's own (.data/publish-build), apart from the development build's.
        var (exitCode, output, error) = await DevSh.RunAsync(["publish", folder]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev.sh publish failed ({exitCode}): {error} {output}");
        }

        return Path.Combine(folder, "app", "Warnings.Platform.dll");
    }
}
