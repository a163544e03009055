using System.Diagnostics;
using System.Text;

namespace Warnings.Platform.Tests.Hosting;

/// <summary>
/// The deployable bundle, made once for a test class by <c>infra/dev.sh publish</c> into a temporary
/// folder (removed at the end), and its executable started as systemd starts a service.
/// </summary>
public sealed class PublishedBundle : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("warnings-bundle-").FullName;

    /// <summary>The bundle itself, as an operator copies it to /opt/warnings.</summary>
    public string Folder => Path.Combine(Root, "bundle");

    public TimeSpan PublishTime { get; private set; }

    public string App(string file) => Path.Combine(Folder, "app", file);

    public async Task InitializeAsync()
    {
        // The publish build keeps its own obj/bin under the repository's .data, so a second run is incremental.
        string repo = RepositoryRoot();
        var started = Stopwatch.StartNew();
        var (exitCode, text) = await Run("bash", [Path.Combine(repo, "infra", "dev.sh"), "publish", Folder], TimeSpan.FromMinutes(20),
            new Dictionary<string, string> { ["WARNINGS_PUBLISH_BUILD_DIR"] = Path.Combine(repo, ".data", "publish-build") });
        Assert.True(exitCode == 0, $"infra/dev.sh publish failed ({exitCode}): {text}");
        PublishTime = started.Elapsed;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts the bundle's executable from <see cref="Root"/> with exactly <paramref name="environment"/>:
    /// a bare environment, as systemd gives a service, so nothing of the test runner's reaches it.
    /// </summary>
    public BundleProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(App("Warnings.Platform"))
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // not the test runner's stdin
            StandardOutputEncoding = Encoding.UTF8,
        };
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new BundleProcess(Process.Start(start)!);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Warnings.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Not run from inside the repository: cannot find Warnings.sln.");
    }

    /// <summary>Runs a command to its end (killed past <paramref name="within"/>); stdout and stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> Run(string file, IEnumerable<string> args, TimeSpan within, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {within}");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}

/// <summary>The bundle's running executable, its output (stdout and stderr) captured by line; killed on dispose.</summary>
public sealed class BundleProcess : IDisposable
{
    private readonly List<string> _lines = [];

    public BundleProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public IReadOnlyList<string> Lines { get { lock (_lines) { return [.. _lines]; } } }

    /// <summary>SIGTERM, as systemd and Docker stop a service; the exit code once it is gone.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        using var timeout = new CancellationTokenSource(within);
        await Process.WaitForExitAsync(timeout.Token);
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}

/// <summary>The publish takes both cores for minutes: the bundle's tests run alone, after the others.</summary>
[CollectionDefinition(nameof(PublishedBundle), DisableParallelization = true)]
public sealed class PublishedBundleCollection;
