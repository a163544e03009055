using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Xunit.Abstractions;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Hosting;

/// <summary>
/// What an operator installs: <c>infra/dev.sh publish</c> makes the bundle once (a self-contained
/// linux-x64 build, minutes on two cores, so its collection runs alone); the bundle's executable runs
/// from a temporary folder with a bare environment, the settings of its <c>warnings.env</c> template
/// and its secrets as files (as systemd's credentials or Docker secrets hand them over), and a warning
/// goes through it on real RabbitMQ and Redis. Its systemd units pass <c>systemd-analyze</c>; the
/// compose file and the Dockerfile name only things that exist.
/// </summary>
[Collection(nameof(PublishedBundle))]
public sealed class PublishedBundleTests(PublishedBundle bundle, ITestOutputHelper output) : IClassFixture<PublishedBundle>
{
    [Fact]
    public async Task The_bundle_runs_from_a_temporary_folder_with_its_secrets_as_files_and_publishes_a_warning()
    {
        Assert.Contains("includedFrameworks", File.ReadAllText(bundle.App("Warnings.Platform.runtimeconfig.json"))); // self-contained
        foreach (string file in new[] { "publication-list/shanghai.json", "data/shanghai-districts.geojson", "dispatch/cell-areas.json" })
        {
            Assert.True(File.Exists(bundle.App(file)), $"the bundle lacks {file}");
        }

        await using var backplane = await Backplane.CreateRealAsync();
        await using var gateway = await TestGateway.StartAsync();
        const string gatewaySecret = "website-gateway-secret-from-a-file-0123456789";
        gateway.RequireSignature("website", gatewaySecret);
        // Secrets as files named like the variables (what LoadCredential= and Docker secrets produce).
        string credentials = Directory.CreateDirectory(Path.Combine(bundle.Root, "credentials")).FullName;
        File.WriteAllText(Path.Combine(credentials, "Redis__Configuration"), backplane.Settings["Redis:Configuration"]);
        File.WriteAllText(Path.Combine(credentials, "Bus__RabbitMq__Password"), "guest");
        File.WriteAllText(Path.Combine(credentials, "Audit__ChainKey"), Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()));
        File.WriteAllText(Path.Combine(credentials, "Dispatch__Gateways__website__Secret"), gatewaySecret);

        int grpcPort = PlatformProcess.FreePort(), httpPort = PlatformProcess.FreePort();
        var environment = EnvironmentTemplate(Path.Combine(bundle.Folder, "warnings.env"));
        foreach (var (key, value) in TestIdentities.Settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        environment["Platform__GrpcUrl"] = $"http://127.0.0.1:{grpcPort}";
        environment["Platform__HttpUrl"] = $"http://127.0.0.1:{httpPort}";
        environment["Platform__SecretsDirectory"] = credentials;
        environment["Bus__RabbitMq__Port"] = Backplane.RabbitMqPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Bus__RabbitMq__VirtualHost"] = backplane.VirtualHost!;
        environment["Bus__RabbitMq__Username"] = "guest";
        environment["Store__KeyPrefix"] = backplane.KeyPrefix!;
        environment["Dispatch__Gateways__website__Url"] = $"{gateway.Url}/website";
        // Wrong on purpose: the files above must win over the environment.
        environment["Bus__RabbitMq__Password"] = "not-the-password";
        environment["Redis__Configuration"] = "127.0.0.1:1,abortConnect=false";
        environment["HOME"] = Directory.CreateDirectory(Path.Combine(bundle.Root, "home")).FullName;
        environment["PATH"] = "/usr/bin:/bin";
        environment["DOTNET_gcServer"] = "0"; // a test machine's two cores run many processes

        using var platform = bundle.Start(["--modules", "all"], environment);

        await Eventually.Until(
            async () => platform.Process.HasExited
                ? throw new InvalidOperationException($"The bundle exited with {platform.Process.ExitCode}: {string.Join('\n', platform.Lines.TakeLast(20))}")
                : (await PublishedBundle.Run("bash", [Path.Combine(bundle.Folder, "readyz.sh"), $"http://0.0.0.0:{httpPort}"], TimeSpan.FromSeconds(30))).ExitCode,
            exitCode => exitCode == 0, "readyz.sh (the container health check) passing against the bundle", TimeSpan.FromSeconds(120));

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        WarningService.WarningServiceClient As(string role) => new(channel.Intercept(m => { m.Add("authorization", $"ApiKey {TestIdentities.Keys[role]}"); return m; }));
        var now = SystemClock.Instance.GetCurrentInstant();
        var draft = await As(Roles.DutyOfficer).CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "rainstorm", Level = "blue", Districts = { "310101" }, Channels = { "website" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "暴雨蓝色预警" } },
            },
        });
        await As(Roles.DutyOfficer).SubmitAsync(new WarningActionRequest { RequestId = $"s-{Guid.NewGuid():N}", WarningId = draft.Id });
        await As(Roles.Approver).ReviewAsync(new ReviewRequest { RequestId = $"r-{Guid.NewGuid():N}", WarningId = draft.Id, Approve = true });
        var published = await As(Roles.DutyOfficer).PublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        Assert.Equal(WarningState.Published, published.State);
        var status = await Eventually.Until(async () => await As(Roles.DutyOfficer).GetDeliveryStatusAsync(new GetWarningRequest { WarningId = draft.Id }),
            s => s.Channels.Any(c => c is { Channel: "website", Status: "delivered" }), "the website channel delivered");
        Assert.Contains(gateway.For("website"), r => r.IdempotencyKey.StartsWith(draft.Id, StringComparison.Ordinal));
        Assert.Equal(0, gateway.BadSignatures); // signed with the secret from the file
        Assert.NotEmpty(await backplane.KeysAsync()); // stored in Redis through the configuration from the file
        var banner = platform.Lines.Select(JsonLine).Single(m => m.Contains("started. Modules:", StringComparison.Ordinal)); // JSON logs (the template)
        Assert.Contains($"Store: Redis (key prefix {backplane.KeyPrefix})", banner);
        Assert.Contains("Transport: RabbitMq (amqp://guest@", banner);
        Assert.DoesNotContain(platform.Lines, l => l.Contains("Audit:ChainKey is not set", StringComparison.Ordinal));
        output.WriteLine($"infra/dev.sh publish took {bundle.PublishTime.TotalSeconds:F0} s; delivery: {status}");

        Assert.Equal(0, await platform.TerminateAsync(TimeSpan.FromSeconds(60))); // within the units' TimeoutStopSec
    }

    [Fact]
    public async Task The_systemd_units_pass_systemd_analyze_and_are_hardened()
    {
        string unitsDir = Path.Combine(bundle.Folder, "systemd");
        string template = File.ReadAllText(Path.Combine(unitsDir, "warnings@.service"));
        foreach (string line in new[] { "DynamicUser=yes", "ProtectSystem=strict", "Restart=on-failure", "RestartPreventExitStatus=2", "TimeoutStopSec=60s",
            "Environment=Platform__SecretsDirectory=%d", "LoadCredential=Redis__Configuration:warnings.Redis__Configuration", "ExecStart=/opt/warnings/app/Warnings.Platform --modules %I" })
        {
            Assert.Contains(line, template.Split('\n'));
        }

        if ((await PublishedBundle.Run("sh", ["-c", "command -v systemd-analyze"], TimeSpan.FromSeconds(10))).ExitCode != 0)
        {
            output.WriteLine("systemd-analyze is not installed: the units were not verified");
            return;
        }

        // Verified as installed, with ExecStart pointing at the bundle's executable (it must exist).
        string installed = Directory.CreateDirectory(Path.Combine(bundle.Root, "units")).FullName;
        foreach (string unit in Directory.GetFiles(unitsDir))
        {
            File.WriteAllText(Path.Combine(installed, Path.GetFileName(unit)), File.ReadAllText(unit).Replace("/opt/warnings/app", bundle.App(""), StringComparison.Ordinal));
        }

        string[] instances = [$"{installed}/warnings@all.service", $"{installed}/warnings@dispatch\\x2cfeeds.service", $"{installed}/warnings.target"];
        var verify = await PublishedBundle.Run("systemd-analyze", ["verify", "--man=no", .. instances], TimeSpan.FromSeconds(60));
        Assert.True(verify is { ExitCode: 0, Output: "" }, $"systemd-analyze verify: {verify.ExitCode} {verify.Output}");
        // Exposure 0 (locked down) .. 10 (unprotected); the units score about 1.5.
        var security = await PublishedBundle.Run("systemd-analyze", ["security", "--offline=yes", "--threshold=20", instances[0]], TimeSpan.FromSeconds(60));
        Assert.True(security.ExitCode == 0, $"systemd-analyze security: {security.Output}");
    }

    [Fact]
    public async Task The_compose_file_and_the_dockerfile_name_only_what_exists()
    {
        string repo = PublishedBundle.RepositoryRoot(), deploy = Path.Combine(repo, "infra", "deploy");
        string dockerfile = File.ReadAllText(Path.Combine(repo, "Dockerfile"));
        Assert.Matches(@"(?m)^FROM --platform=\$BUILDPLATFORM mcr\.microsoft\.com/dotnet/sdk:\S+ AS build$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:\S+ AS runtime$", dockerfile);
        Assert.Matches(@"(?m)^USER \$APP_UID$", dockerfile); // the image's non-root user
        Assert.Matches(@"(?m)^HEALTHCHECK .*warnings-readyz", dockerfile);
        var ignored = File.ReadAllLines(Path.Combine(repo, ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('*')).Select(l => l.TrimEnd('/')).ToList();
        foreach (var copy in System.Text.RegularExpressions.Regex.Matches(dockerfile, @"(?m)^COPY (?!--from)(?:--\S+ )*(.+) \S+$").Select(m => m.Groups[1].Value))
        {
            Assert.All(copy.Split(' '), source => Assert.True(Path.Exists(Path.Combine(repo, source)) && !ignored.Any(i => source.TrimEnd('/').StartsWith(i, StringComparison.Ordinal)),
                $"the Dockerfile copies {source}, which is not in the repository or is left out by .dockerignore"));
        }

        var parsed = await PublishedBundle.Run("python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", Path.Combine(deploy, "compose.yaml")], TimeSpan.FromSeconds(60));
        if (parsed.ExitCode != 0)
        {
            output.WriteLine($"python3 with PyYAML is not available, the compose file was not parsed: {parsed.Output}");
            return;
        }

        var compose = JsonDocument.Parse(parsed.Output).RootElement;
        var services = compose.GetProperty("services");
        var secretsMade = Path.Combine(bundle.Root, "compose-secrets");
        Assert.Equal(0, (await PublishedBundle.Run("bash", [Path.Combine(deploy, "make-secrets.sh"), secretsMade], TimeSpan.FromSeconds(30))).ExitCode);
        foreach (var secret in compose.GetProperty("secrets").EnumerateObject())
        {
            Assert.True(File.Exists(Path.Combine(secretsMade, Path.GetFileName(secret.Value.GetProperty("file").GetString()!))), $"make-secrets.sh does not make {secret.Name}");
        }

        foreach (var service in services.EnumerateObject())
        {
            var s = service.Value;
            foreach (var dependency in s.TryGetProperty("depends_on", out var d) ? d.EnumerateObject().Select(p => p.Name) : [])
            {
                Assert.True(services.TryGetProperty(dependency, out _), $"{service.Name} depends on {dependency}, which is not defined");
            }

            foreach (string volume in s.TryGetProperty("volumes", out var v) ? v.EnumerateArray().Select(e => e.GetString()!.Split(':')[0]) : [])
            {
                Assert.True(volume.StartsWith("./", StringComparison.Ordinal) ? Path.Exists(Path.Combine(deploy, volume)) : compose.GetProperty("volumes").TryGetProperty(volume, out _),
                    $"{service.Name} mounts {volume}, which is neither a file here nor a named volume");
            }

            foreach (var secret in s.TryGetProperty("secrets", out var sec) ? sec.EnumerateArray() : [])
            {
                string name = secret.ValueKind == JsonValueKind.String ? secret.GetString()! : secret.GetProperty("source").GetString()!;
                Assert.True(compose.GetProperty("secrets").TryGetProperty(name, out _), $"{service.Name} uses secret {name}, which is not defined");
            }

            if (!s.TryGetProperty("environment", out var env) || !env.TryGetProperty("Platform__Modules", out _))
            {
                continue;
            }

            // A platform service: built from the repository, health-checked, reachable, secrets only as files.
            Assert.True(File.Exists(Path.Combine(deploy, s.GetProperty("build").GetProperty("context").GetString()!, s.GetProperty("build").GetProperty("dockerfile").GetString()!)), $"{service.Name}: no Dockerfile");
            Assert.Contains("/usr/local/bin/warnings-readyz", s.GetProperty("healthcheck").GetProperty("test").EnumerateArray().Select(e => e.GetString()));
            Assert.NotEmpty(s.GetProperty("ports").EnumerateArray());
            Assert.DoesNotContain(env.EnumerateObject(), e => e.Name.EndsWith("Password", StringComparison.Ordinal) || e.Name.EndsWith("Key", StringComparison.Ordinal) || e.Name.EndsWith("Secret", StringComparison.Ordinal));
            string collector = new Uri(env.GetProperty("OTEL_EXPORTER_OTLP_ENDPOINT").GetString()!).Host;
            Assert.True(services.TryGetProperty(collector, out _), $"{service.Name} exports telemetry to {collector}, which is not defined");
        }
    }

    private static Dictionary<string, string> EnvironmentTemplate(string path) => File.ReadAllLines(path)
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(kv => kv[0], kv => kv[1]);

    private static string JsonLine(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString() ?? "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
