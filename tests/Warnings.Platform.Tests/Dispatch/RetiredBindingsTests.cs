using RabbitMQ.Client;
using Warnings.Platform.Messaging;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Dispatch;

/// <summary>
/// An older version bound each channel's exchange to the warning events; the fan-out made those
/// bindings a second copy of every version per channel. They are removed at start, and only they.
/// </summary>
public sealed class RetiredBindingsTests : IAsyncLifetime
{
    private Backplane _backplane = null!;

    public async Task InitializeAsync() => _backplane = await Backplane.CreateRealAsync();

    public async Task DisposeAsync() => await _backplane.DisposeAsync();

    private RabbitMqOptions Rabbit => new() { Host = "127.0.0.1", Port = (ushort)Backplane.RabbitMqPort, VirtualHost = _backplane.VirtualHost! };

    private async Task<string> BindingsAsync() => await RabbitMqCtl.RunAsync("list_bindings", "-p", _backplane.VirtualHost!, "-q", "source_name", "destination_name");

    [Fact]
    public async Task A_channel_exchange_bound_to_the_events_by_an_older_version_is_unbound_and_its_queue_binding_kept()
    {
        var factory = new ConnectionFactory { HostName = Rabbit.HostOrDefault, Port = Rabbit.Port, VirtualHost = Rabbit.VirtualHost };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // The older topology: event exchange -> channel exchange -> channel queue.
            await channel.ExchangeDeclareAsync("Warnings.Contracts.Events:WarningPublished", ExchangeType.Fanout, durable: true);
            await channel.ExchangeDeclareAsync("dispatch-sms", ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync("dispatch-sms", durable: true, exclusive: false, autoDelete: false);
            await channel.ExchangeBindAsync("dispatch-sms", "Warnings.Contracts.Events:WarningPublished", "");
            await channel.QueueBindAsync("dispatch-sms", "dispatch-sms", "");
            // The fan-out's binding, which must stay.
            await channel.ExchangeDeclareAsync("dispatch", ExchangeType.Fanout, durable: true);
            await channel.ExchangeBindAsync("dispatch", "Warnings.Contracts.Events:WarningPublished", "");
        }

        Assert.Contains("Warnings.Contracts.Events:WarningPublished\tdispatch-sms", await BindingsAsync());

        // tv's exchanges do not exist here: nothing to do, and no error.
        int pairs = await RetiredDispatchBindings.RemoveAsync(Rabbit, ["sms", "tv"], CancellationToken.None);

        Assert.Equal(1, pairs);
        string after = await BindingsAsync();
        Assert.DoesNotContain("Warnings.Contracts.Events:WarningPublished\tdispatch-sms", after);
        Assert.Contains("dispatch-sms\tdispatch-sms", after);
        Assert.Contains("Warnings.Contracts.Events:WarningPublished\tdispatch\n", after + "\n");
        // Twice is harmless: unbinding what is not bound is not an error.
        Assert.Equal(1, await RetiredDispatchBindings.RemoveAsync(Rabbit, ["sms"], CancellationToken.None));
    }
}
