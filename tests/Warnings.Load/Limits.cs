using System.Diagnostics;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using StackExchange.Redis;
using Warnings.Testing;

namespace Warnings.Load;

/// <summary>
/// The machine's own limits, measured the way the platform uses each component: RabbitMQ with
/// durable queues, persistent messages and publisher confirms; gRPC unary on an HTTP/2-only
/// loopback Kestrel like the platform's; Redis SETs through one StackExchange.Redis multiplexer.
/// </summary>
public static class Limits
{
    public static async Task<IReadOnlyList<Figure>> RabbitMqAsync(Backplane backplane, TimeSpan duration, int concurrency, double pacedRate, Action<double> progress)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = Backplane.RabbitMqPort, VirtualHost = backplane.VirtualHost!, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var publish = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var consume = await connection.CreateChannelAsync();
        string queue = $"load-raw-{Guid.NewGuid():N}";
        await publish.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var latencies = new Latencies();
        bool recording = false;
        await consume.BasicQosAsync(0, 64, false);
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (Volatile.Read(ref recording))
            {
                latencies.Add(Stopwatch.GetElapsedTime(BitConverter.ToInt64(delivery.Body.Span)).TotalMilliseconds);
            }

            await consume.BasicAckAsync(delivery.DeliveryTag, false);
        };
        await consume.BasicConsumeAsync(queue, autoAck: false, consumer);
        var properties = new BasicProperties { Persistent = true };
        Task PublishAsync() => publish.BasicPublishAsync("", queue, false, properties, BitConverter.GetBytes(Stopwatch.GetTimestamp())).AsTask();

        // Throughput: as many confirmed publishes as the loops can do.
        var (perSecond, confirms) = await Closed.LoopAsync(concurrency, duration, _ => PublishAsync(), p => progress(p / 2));

        // Latency at a steady rate, publish to consume.
        Volatile.Write(ref recording, true);
        await Paced.RunAsync(pacedRate, duration, _ => PublishAsync(), p => progress(0.5 + (p / 2)));
        await Eventually.Until(() => Task.FromResult(latencies.Count), n => n >= (int)(pacedRate * duration.TotalSeconds * 0.99), "the paced messages consumed");
        await publish.QueueDeleteAsync(queue);
        return
        [
            new("limit", "RabbitMQ publish with confirm (raw client)", perSecond, confirms.Percentile(50), confirms.Percentile(99), $"{concurrency} in flight, persistent, durable queue"),
            new("limit", $"RabbitMQ publish -> consume at {pacedRate:0}/s (raw client)", null, latencies.Percentile(50), latencies.Percentile(99)),
        ];
    }

    public static async Task<Figure> GrpcNoopAsync(TimeSpan duration, int concurrency, Action<double> progress)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapGrpcService<NoopService>();
        await app.StartAsync();
        string address = app.Urls.First();
        using var channel = GrpcChannel.ForAddress(address);
        var client = new Noop.NoopClient(channel);
        var empty = new Empty();
        var (perSecond, latencies) = await Closed.LoopAsync(concurrency, duration, _ => client.PingAsync(empty).ResponseAsync, progress);
        await app.StopAsync();
        return new("limit", "gRPC no-op unary (same Kestrel settings)", perSecond, latencies.Percentile(50), latencies.Percentile(99), $"{concurrency} concurrent callers");
    }

    public static async Task<Figure> RedisSetAsync(Backplane backplane, TimeSpan duration, int concurrency, Action<double> progress)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Backplane.RedisPort},abortConnect=false");
        var db = redis.GetDatabase();
        string prefix = $"{backplane.KeyPrefix}:load-raw:";
        string value = new('x', 512);
        var (perSecond, latencies) = await Closed.LoopAsync(concurrency, duration, i => db.StringSetAsync(prefix + (i % 10_000), value), progress);
        return new("limit", "Redis SET 512 B (one multiplexer)", perSecond, latencies.Percentile(50), latencies.Percentile(99), $"{concurrency} concurrent callers");
    }

    private sealed class NoopService : Noop.NoopBase
    {
        private static readonly Empty Nothing = new();

        public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(Nothing);
    }
}

/// <summary>Open-loop load: calls started at a fixed rate, whatever the previous ones are doing.</summary>
public static class Paced
{
    public static async Task RunAsync(double perSecond, TimeSpan duration, Func<int, Task> call, Action<double>? progress = null)
    {
        int total = (int)(perSecond * duration.TotalSeconds);
        var calls = new List<Task>(total);
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < total; i++)
        {
            // Read the clock once: between a comparison and a second read the wait could turn negative.
            var wait = TimeSpan.FromSeconds(i / perSecond) - wall.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            calls.Add(call(i));
            if (i % 50 == 0)
            {
                progress?.Invoke((double)i / total);
            }
        }

        await Task.WhenAll(calls);
        progress?.Invoke(1);
    }
}
