using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Cluster;

/// <summary>
/// The multi-process deployment: <c>infra/dev.sh cluster</c> starts every module as its own process
/// (two issuing replicas) on real RabbitMQ and Redis; a warning published through one issuing replica
/// reaches the channel gateways (dispatch process), its delivery status is read through the other
/// replica, the feeds process streams it to a partner, and the analysis process maps it.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private const int Processes = 7; // publication-list, issuing x2, reporting, dispatch, feeds, analysis
    private readonly string _name = $"t{Guid.NewGuid():N}"[..9];
    private Backplane _backplane = null!;
    private TestGateway _gateway = null!;
    private Dictionary<string, string?> _environment = null!;
    private int _basePort;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _gateway = await TestGateway.StartAsync();
        _basePort = FreePortBlock(2 * Processes);
        _environment = new Dictionary<string, string?>
        {
            ["WARNINGS_CLUSTER_NAME"] = _name,
            ["WARNINGS_CLUSTER_BASE_PORT"] = _basePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WARNINGS_CLUSTER_VHOST"] = _backplane.VirtualHost,
            ["WARNINGS_CLUSTER_PREFIX"] = _backplane.KeyPrefix,
            ["Identity__DevKeys__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in TestIdentities.Settings)
        {
            _environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var channel in new[] { "sms", "website" })
        {
            _environment[$"Dispatch__Gateways__{channel}__Url"] = $"{_gateway.Url}/{channel}";
            _environment[$"Dispatch__Gateways__{channel}__Secret"] = "test-secret";
        }

        var (exitCode, output, error) = await DevSh.RunAsync(["cluster"], _environment);
        Assert.True(exitCode == 0, $"infra/dev.sh cluster failed ({exitCode}): {error} {output}");
    }

    private CallInvoker Process(int index, string role)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_basePort + (2 * index)}");
        _channels.Add(channel);
        return channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"ApiKey {TestIdentities.Keys[role]}");
            return metadata;
        });
    }

    private readonly List<GrpcChannel> _channels = [];

    [Fact]
    public async Task A_warning_runs_through_the_cluster_of_separate_processes()
    {
        var viaFirstIssuing = new WarningService.WarningServiceClient(Process(1, Roles.DutyOfficer));
        var viaSecondIssuing = new WarningService.WarningServiceClient(Process(2, Roles.DutyOfficer));
        using var feed = new FeedService.FeedServiceClient(Process(5, Roles.Partner)).Subscribe(new SubscribeRequest());
        var now = SystemClock.Instance.GetCurrentInstant();

        var draft = await viaFirstIssuing.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = "typhoon", Level = "red", Districts = { "310101" }, Channels = { "sms", "website", "partner_feed" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警" } },
            },
        });
        var published = await viaFirstIssuing.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        Assert.Equal(WarningState.Published, published.State);
        await Eventually.Until(() => Task.FromResult(_gateway.Requests.Count(r => r.IdempotencyKey.StartsWith(draft.Id, StringComparison.Ordinal))), n => n == 2, "sms and website gateways");
        var status = await Eventually.Until(async () => await viaSecondIssuing.GetDeliveryStatusAsync(new GetWarningRequest { WarningId = draft.Id }),
            s => s.Channels.Count == 2 && s.Channels.All(c => c.Status == "delivered"), "delivery status through the other issuing replica");
        Assert.Equal(["sms", "website"], status.Channels.Select(c => c.Channel).Order());
        var streamed = await ReadUntilAsync(feed, draft.Id);
        Assert.Equal(FeedMessageKind.Publish, streamed.Kind);
        var map = await Eventually.Until(async () => await new AnalysisService.AnalysisServiceClient(Process(6, Roles.Analyst)).GetActiveWarningsMapAsync(new ActiveWarningsMapRequest()),
            m => m.Districts.Any(d => d.District == "310101" && d.HighestLevel == "red"), "the analysis process's map");
        Assert.Contains(map.Warnings, w => w.WarningId == draft.Id);
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await DevSh.RunAsync(["cluster-down"], _environment);
        await _gateway.DisposeAsync();
        await _backplane.DisposeAsync();
    }

    // A block of consecutive ports that are free now (the processes bind them moments later), below
    // Linux's ephemeral range (32768 and up by default): a port in that range can be taken meanwhile as
    // the local end of any outgoing connection of the suite (a cluster node once failed to bind so).
    private static int FreePortBlock(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int start = Random.Shared.Next(20_000, 32_000 - count);
            var listeners = new List<TcpListener>();
            try
            {
                for (int port = start; port < start + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }

                return start;
            }
            catch (SocketException)
            {
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }

        throw new InvalidOperationException("No free block of ports found.");
    }

    private static async Task<FeedMessage> ReadUntilAsync(AsyncServerStreamingCall<FeedMessage> call, string warningId)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.WarningId == warningId)
            {
                return call.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException("The feed ended before the warning arrived.");
    }
}
