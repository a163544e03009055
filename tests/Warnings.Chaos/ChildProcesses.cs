using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Warnings.Chaos;

/// <summary>Starting, killing and probing the processes the harness runs itself (the platform, a Redis).</summary>
public static class ChildProcesses
{
    /// <summary>
    /// Starts <paramref name="file"/> with its stdin from /dev/null and stdout/stderr appended to
    /// <paramref name="logPath"/>. Never the harness's own pipes: a child holding them open keeps whoever
    /// reads the harness's output (CI, '| tail') waiting until the child exits. Through 'exec', so the
    /// returned process is the program itself and a SIGKILL reaches it.
    /// </summary>
    public static Process StartLogged(string file, IEnumerable<string> arguments, string logPath, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null");
        start.ArgumentList.Add("chaos-child");
        start.ArgumentList.Add(logPath);
        start.ArgumentList.Add(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
    }

    /// <summary>Sends <paramref name="signal"/> (a kill(1) name: STOP, CONT) to <paramref name="pid"/>.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        await kill!.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({kill.ExitCode})");
        }
    }

    /// <summary>SIGKILL (no shutdown hooks, no flush) and waits until the process is gone.</summary>
    public static async Task KillHardAsync(int pid)
    {
        // kill(1) rather than Process.Kill: the pid may come from a pid file, not from a child of ours.
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await kill!.WaitForExitAsync();
        }

        await WaitUntilAsync(() => Task.FromResult(!IsAlive(pid)), TimeSpan.FromSeconds(30), $"process {pid} to die");
    }

    public static bool IsAlive(int pid)
    {
        // A killed child stays a zombie until reaped; /proc/<pid>/stat says 'Z' then.
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static int ReadPidFile(string path) =>
        int.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A loopback port nobody listens on now (the child binds it moments later).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Redis answers PING with PONG (not LOADING while it replays its AOF).</summary>
    public static async Task<bool> RedisAnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            int read = await stream.ReadAsync(buffer, timeout.Token);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls every 100 ms (fine enough for "when did it come back"); the Stopwatch timestamp of the first success.</summary>
    public static async Task<long> WaitUntilAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await probe())
            {
                return Stopwatch.GetTimestamp();
            }

            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }
    }
}
