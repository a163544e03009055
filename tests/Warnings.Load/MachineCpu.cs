using System.Globalization;

namespace Warnings.Load;

/// <summary>
/// What a step cost the whole machine, not only the platform: the CPU time of Redis, RabbitMQ and this
/// load driver (with its gateways and subscribers) over the step, per operation, and how busy the
/// machine's cores were. The platform shares its cores with all of them here, so a figure reads
/// differently on a machine that was 60 % busy and on one that was 96 % busy, and what the servers
/// cost per operation bounds what any platform could reach on these cores (docs/performance.md).
/// </summary>
public sealed class MachineCpu
{
    // USER_HZ: 100 on every Linux the platform targets (sysconf(_SC_CLK_TCK)).
    private const int ClockTicksPerSecond = 100;

    private readonly TimeSpan _redis, _rabbitMq, _driver;
    private readonly long _busyTicks, _allTicks;

    private MachineCpu(TimeSpan redis, TimeSpan rabbitMq, TimeSpan driver, long busyTicks, long allTicks) =>
        (_redis, _rabbitMq, _driver, _busyTicks, _allTicks) = (redis, rabbitMq, driver, busyTicks, allTicks);

    /// <summary>The CPU used so far by every <c>redis-server</c> and <c>beam.smp</c> process, this process, and the machine.</summary>
    public static MachineCpu Now()
    {
        TimeSpan redis = TimeSpan.Zero, rabbitMq = TimeSpan.Zero;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            string? name = Read($"{dir}/comm")?.Trim();
            if (name is "redis-server")
            {
                redis += CpuTimeOf(pid);
            }
            else if (name is "beam.smp")
            {
                rabbitMq += CpuTimeOf(pid);
            }
        }

        var (busy, all) = MachineTicks();
        return new MachineCpu(redis, rabbitMq, CpuTimeOf(Environment.ProcessId), busy, all);
    }

    /// <summary>
    /// For a figure's note: Redis's, RabbitMQ's and the load driver's CPU per operation since this
    /// snapshot, and how busy the machine was; empty where <c>/proc</c> cannot tell.
    /// </summary>
    public string PerOperationSince(int operations)
    {
        var (before, now) = (this, Now());
        long all = now._allTicks - before._allTicks;
        if (all <= 0 || operations <= 0)
        {
            return "";
        }

        double PerOp(TimeSpan spent) => spent.TotalMilliseconds / operations;
        return string.Create(CultureInfo.InvariantCulture,
            $"per op: Redis {PerOp(now._redis - before._redis):0.00} ms, RabbitMQ {PerOp(now._rabbitMq - before._rabbitMq):0.00} ms, load driver {PerOp(now._driver - before._driver):0.00} ms; machine {100.0 * (now._busyTicks - before._busyTicks) / all:0} % busy");
    }

    /// <summary>User + system CPU time of a process (<c>/proc/{pid}/stat</c>, fields 14 and 15); zero if it is gone.</summary>
    public static TimeSpan CpuTimeOf(int pid)
    {
        string? stat = Read($"/proc/{pid}/stat");
        if (stat is null)
        {
            return TimeSpan.Zero;
        }

        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    // All cores' ticks from /proc/stat's first line: busy (everything but idle and iowait) and in all.
    private static (long Busy, long All) MachineTicks()
    {
        string? line = Read("/proc/stat")?.Split('\n')[0];
        if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
        {
            return (0, 0);
        }

        var ticks = line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(8).Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        long all = ticks.Sum();
        return (all - ticks[3] - ticks[4], all);
    }

    // A process can end between listing and reading.
    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
