using System.Diagnostics;
using StackExchange.Redis;

namespace Warnings.Testing;

/// <summary>
/// The bus and store a test's platforms share. <see cref="Embedded"/> is the zero-setup default (each
/// platform gets its own in-memory bus and store). <see cref="CreateRealAsync"/> is the real RabbitMQ
/// and Redis that <c>infra/dev.sh test</c> starts, isolated for this test: a fresh vhost and a fresh
/// key prefix, both removed on dispose, so nothing is left behind and no stale queue collects copies.
/// </summary>
public sealed class Backplane : IAsyncDisposable
{
    private readonly IConnectionMultiplexer? _redis;

    private Backplane(string name, IReadOnlyDictionary<string, string?> settings, string? virtualHost, string? keyPrefix, IConnectionMultiplexer? redis)
    {
        Name = name;
        Settings = settings;
        VirtualHost = virtualHost;
        KeyPrefix = keyPrefix;
        _redis = redis;
    }

    public string Name { get; }

    /// <summary>Configuration a platform needs to use this backplane.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public bool IsReal => _redis is not null;

    public string? VirtualHost { get; }

    public string? KeyPrefix { get; }

    /// <summary>The test's own connection to the real Redis (for assertions on what landed there).</summary>
    public IDatabase RedisDatabase => (_redis ?? throw new InvalidOperationException("The embedded backplane has no Redis.")).GetDatabase();

    public static int RabbitMqPort => PortFromEnvironment("WARNINGS_TEST_RABBITMQ_PORT", 5672);

    public static int RedisPort => PortFromEnvironment("WARNINGS_TEST_REDIS_PORT", 6379);

    public static Backplane Embedded() => new("embedded", new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" }, null, null, null);

    public static async Task<Backplane> CreateRealAsync()
    {
        string id = Guid.NewGuid().ToString("N")[..10];
        string vhost = $"warnings-test-{id}";
        string prefix = $"wrn-test-{id}";
        await RabbitMqCtl.RunAsync("add_vhost", vhost);
        await RabbitMqCtl.RunAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{RedisPort},abortConnect=false");
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMq:Host"] = "127.0.0.1",
            ["Bus:RabbitMq:Port"] = RabbitMqPort.ToString(),
            ["Bus:RabbitMq:VirtualHost"] = vhost,
            ["Redis:Configuration"] = $"127.0.0.1:{RedisPort}",
            ["Store:KeyPrefix"] = prefix,
        };
        return new Backplane("real", settings, vhost, prefix, redis);
    }

    /// <summary>Keys under this backplane's prefix still in Redis.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync()
    {
        var server = _redis!.GetServers().First();
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: $"{KeyPrefix}:*"))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is null)
        {
            return;
        }

        foreach (var key in await KeysAsync())
        {
            await RedisDatabase.KeyDeleteAsync(key);
        }

        await _redis.DisposeAsync();
        await RabbitMqCtl.RunAsync("delete_vhost", VirtualHost!);
    }

    private static int PortFromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int port) ? port : fallback;
}

/// <summary>rabbitmqctl against the dev broker, through <c>infra/dev.sh ctl</c> so node name and cookie match.</summary>
public static class RabbitMqCtl
{
    public static async Task<string> RunAsync(params string[] args)
    {
        var (exitCode, output, error) = await DevSh.RunAsync(["ctl", .. args]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"rabbitmqctl {string.Join(' ', args)} failed ({exitCode}): {error} {output}. Is RabbitMQ up? Run 'infra/dev.sh up'.");
        }

        return output;
    }
}

/// <summary>Runs <c>infra/dev.sh</c> (the one the test command set, or the repository's own).</summary>
public static class DevSh
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    public static string Script()
    {
        if (Environment.GetEnvironmentVariable("WARNINGS_TEST_DEV_SH") is { Length: > 0 } script)
        {
            return script;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Warnings.sln")))
            {
                return Path.Combine(dir.FullName, "infra", "dev.sh");
            }
        }

        throw new InvalidOperationException("Cannot find infra/dev.sh: set WARNINGS_TEST_DEV_SH or run from the repository.");
    }
}
