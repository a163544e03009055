using System.Globalization;
using Warnings.Testing;

namespace Warnings.Chaos;

/// <summary>The RabbitMQ and Redis a chaos run may kill and start again.</summary>
public interface IChaosInfrastructure : IAsyncDisposable
{
    int RabbitMqPort { get; }

    int RedisPort { get; }

    /// <summary>Where logs and the development keys file go.</summary>
    string DataDirectory { get; }

    Task StartAsync();

    /// <summary>rabbitmqctl against this broker (<c>infra/dev.sh ctl</c> with the matching node and cookie).</summary>
    Task<string> CtlAsync(params string[] args);

    Task KillRedisAsync();

    /// <summary>Starts Redis again; the Stopwatch timestamp at which it answered PING.</summary>
    Task<long> RestartRedisAsync();

    Task KillRabbitMqAsync();

    /// <summary>Starts RabbitMQ again; the Stopwatch timestamp at which it accepted connections.</summary>
    Task<long> RestartRabbitMqAsync();
}

/// <summary>
/// The harness's own RabbitMQ node and Redis, started and stopped with <c>infra/dev.sh up</c>/<c>down</c>
/// under the override variables (own ports, node name and data folder), so killing them never touches
/// the developer's. A kill is a SIGKILL of the pid in each one's pid file, as a crash would be.
/// </summary>
public sealed class DevShInfrastructure(int rabbitMqPort, int redisPort, string rabbitMqNode, string dataDirectory) : IChaosInfrastructure
{
    public int RabbitMqPort => rabbitMqPort;

    public int RedisPort => redisPort;

    public string DataDirectory => dataDirectory;

    /// <summary>From the same variables <c>infra/dev.sh</c> reads, with the chaos defaults.</summary>
    public static DevShInfrastructure FromEnvironment(string repository)
    {
        static string Variable(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
        return new DevShInfrastructure(
            int.Parse(Variable("WARNINGS_RABBITMQ_PORT", "5682"), CultureInfo.InvariantCulture),
            int.Parse(Variable("WARNINGS_REDIS_PORT", "6389"), CultureInfo.InvariantCulture),
            Variable("WARNINGS_RABBITMQ_NODE", "warnings-chaos@localhost"),
            Path.GetFullPath(Variable("WARNINGS_DATA_DIR", Path.Combine(repository, ".data", "chaos"))));
    }

    private Dictionary<string, string?> DevShVariables => new()
    {
        ["WARNINGS_RABBITMQ_PORT"] = rabbitMqPort.ToString(CultureInfo.InvariantCulture),
        ["WARNINGS_REDIS_PORT"] = redisPort.ToString(CultureInfo.InvariantCulture),
        ["WARNINGS_RABBITMQ_NODE"] = rabbitMqNode,
        ["WARNINGS_DATA_DIR"] = dataDirectory,
    };

    private async Task<string> DevShAsync(params string[] args)
    {
        var (exitCode, output, error) = await DevSh.RunAsync(args, DevShVariables);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev.sh {string.Join(' ', args)} failed ({exitCode}): {error} {output}");
        }

        return output;
    }

    public Task StartAsync() => DevShAsync("up");

    public Task<string> CtlAsync(params string[] args) => DevShAsync(["ctl", .. args]);

    public Task KillRedisAsync() => ChildProcesses.KillHardAsync(ChildProcesses.ReadPidFile(Path.Combine(dataDirectory, "redis", "redis.pid")));

    public async Task<long> RestartRedisAsync()
    {
        // Watched while dev.sh runs: after Redis, 'up' also checks the broker, which takes seconds.
        var answering = ChildProcesses.WaitUntilAsync(() => ChildProcesses.RedisAnswersAsync(redisPort), TimeSpan.FromSeconds(60), "redis");
        await DevShAsync("up");
        return await answering;
    }

    public Task KillRabbitMqAsync() => ChildProcesses.KillHardAsync(ChildProcesses.ReadPidFile(Path.Combine(dataDirectory, "rabbitmq", "rabbitmq.pid")));

    public async Task<long> RestartRabbitMqAsync()
    {
        // The node opens its AMQP port near the end of boot; dev.sh then also waits for await_startup.
        // "Accepting connections again" is the port, watched while dev.sh waits.
        var accepting = ChildProcesses.WaitUntilAsync(() => ChildProcesses.AcceptsConnectionsAsync(rabbitMqPort), TimeSpan.FromSeconds(120), "rabbitmq port");
        await DevShAsync("up");
        return await accepting;
    }

    public async ValueTask DisposeAsync() => await DevSh.RunAsync(["down"], DevShVariables);
}

/// <summary>
/// For the short chaos test inside the test suite: the test RabbitMQ that <c>infra/dev.sh test</c>
/// started (never killed: other tests use it) and a Redis of the test's own, on a free port with AOF
/// in a temporary folder, which it may kill.
/// </summary>
public sealed class SuiteInfrastructure : IChaosInfrastructure
{
    private System.Diagnostics.Process? _redis;

    public SuiteInfrastructure(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        RedisPort = ChildProcesses.FreePort();
    }

    public int RabbitMqPort => Backplane.RabbitMqPort;

    public int RedisPort { get; }

    public string DataDirectory { get; }

    public async Task StartAsync() => await RestartRedisAsync();

    public Task<string> CtlAsync(params string[] args) => RabbitMqCtl.RunAsync(args);

    public async Task KillRedisAsync()
    {
        await ChildProcesses.KillHardAsync(_redis!.Id);
        _redis.Dispose();
        _redis = null;
    }

    public async Task<long> RestartRedisAsync()
    {
        string dir = Path.Combine(DataDirectory, "redis");
        Directory.CreateDirectory(dir);
        _redis = ChildProcesses.StartLogged("redis-server", [
            "--port", RedisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--daemonize", "no",
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--dir", dir,
        ], Path.Combine(dir, "redis.log"));
        return await ChildProcesses.WaitUntilAsync(() => ChildProcesses.RedisAnswersAsync(RedisPort), TimeSpan.FromSeconds(30), "redis");
    }

    public Task KillRabbitMqAsync() => throw new NotSupportedException("The test suite's RabbitMQ is shared with other tests.");

    public Task<long> RestartRabbitMqAsync() => throw new NotSupportedException("The test suite's RabbitMQ is shared with other tests.");

    public async ValueTask DisposeAsync()
    {
        if (_redis is { HasExited: false })
        {
            await ChildProcesses.KillHardAsync(_redis.Id);
        }

        _redis?.Dispose();
    }
}
