using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NodaTime;
using NodaTime.Testing;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>
/// A platform on real RabbitMQ and Redis for the feed tests, with a small subscriber buffer (so a
/// stalled subscriber is cut off after a few dozen warnings), quick webhook retries, and a local
/// HTTP receiver standing in for partners' webhook endpoints.
/// </summary>
public class FeedFixture : IAsyncLifetime
{
    public const int SubscriberBuffer = 32;
    public const int SuspendAfterFailures = 3;

    public FakeClock Clock { get; } = new(SystemClock.Instance.GetCurrentInstant());

    public Backplane Backplane { get; private set; } = null!;

    public TestPlatform Platform { get; private set; } = null!;

    public TestGateway Receiver { get; private set; } = null!;

    /// <summary>WebSub subscribers' callbacks (allow-listed like the webhook receiver).</summary>
    public WebSubCallback Callbacks { get; private set; } = null!;

    /// <summary>A loopback port nothing listens on, allow-listed like the receiver (for "connection refused").</summary>
    public int ClosedPort { get; private set; }

    public async Task InitializeAsync()
    {
        Backplane = await Backplane.CreateRealAsync();
        Receiver = await TestGateway.StartAsync();
        Callbacks = await WebSubCallback.StartAsync();
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        ClosedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var settings = new Dictionary<string, string?>
        {
            ["Feeds:SubscriberBuffer"] = SubscriberBuffer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Feeds:PollInterval"] = "00:00:00.200",
            ["Feeds:Webhooks:SuspendAfterFailures"] = SuspendAfterFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Feeds:Webhooks:InitialBackoff"] = "00:00:00.050",
            ["Feeds:Webhooks:MaxBackoff"] = "00:00:00.200",
            ["Feeds:Webhooks:Timeout"] = "00:00:02",
            // The receiver is on loopback, which webhooks may not reach unless allowed: exactly its port.
            ["Feeds:Webhooks:AllowHttp"] = "true",
            ["Feeds:Webhooks:AllowedDestinations:0"] = new Uri(Receiver.Url).Authority,
            ["Feeds:Webhooks:AllowedDestinations:1"] = $"127.0.0.1:{ClosedPort}",
            ["Feeds:Webhooks:AllowedDestinations:2"] = new Uri(Callbacks.Url).Authority,
            ["Feeds:WebSub:InitialBackoff"] = "00:00:00.050",
            ["Feeds:WebSub:MaxBackoff"] = "00:00:00.200",
            ["Feeds:WebSub:MinLease"] = "00:01:00",
            ["Feeds:WebSub:RequestBurst"] = "1000",
        };
        foreach (var (key, value) in MoreSettings())
        {
            settings[key] = value;
        }

        Platform = await TestPlatform.StartAsync(Backplane, clock: Clock, settings: settings);
    }

    /// <summary>Settings a fixture built on this one adds (the signed-CAP tests' certificates).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreSettings() => [];

    public FeedService.FeedServiceClient Feed(string role = Roles.Partner) => Platform.Client(c => new FeedService.FeedServiceClient(c), role);

    public WarningService.WarningServiceClient Officer => Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    /// <summary>A feed client on a connection of its own, as a separate partner system would have.</summary>
    public (FeedService.FeedServiceClient Client, GrpcChannel Channel) FeedOnOwnConnection(string role = Roles.Partner)
    {
        var channel = GrpcChannel.ForAddress(Platform.GrpcAddress);
        var invoker = channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"ApiKey {TestIdentities.Keys[role]}");
            return metadata;
        });
        return (new FeedService.FeedServiceClient(invoker), channel);
    }

    /// <summary>Drafts and fast-track publishes a warning (the quickest way to a published version).</summary>
    public async Task<Warning> PublishAsync(string hazard = "typhoon", string level = "red", string[]? districts = null, string[]? channels = null, string description = "")
    {
        var now = Clock.GetCurrentInstant();
        var draft = await Officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = hazard, Level = level, Districts = { districts ?? ["310101"] }, Channels = { channels ?? ["partner_feed", "website"] },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = $"{hazard} {level} 预警", Description = description } },
            },
        });
        return await Officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });
    }

    /// <summary>Reads <paramref name="call"/> until <paramref name="done"/> holds for what was read, or fails after a generous timeout.</summary>
    public static async Task<List<FeedMessage>> ReadUntilAsync(AsyncServerStreamingCall<FeedMessage> call, Func<List<FeedMessage>, bool> done, string what, List<FeedMessage>? into = null)
    {
        var read = into ?? [];
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        while (!done(read))
        {
            try
            {
                Assert.True(await call.ResponseStream.MoveNext(timeout.Token), $"The stream ended before {what}.");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Gave up waiting for {what}; read {read.Count} messages.");
            }

            read.Add(call.ResponseStream.Current);
        }

        return read;
    }

    public virtual async Task DisposeAsync()
    {
        await Platform.DisposeAsync();
        await Receiver.DisposeAsync();
        await Callbacks.DisposeAsync();
        await Backplane.DisposeAsync();
    }
}
