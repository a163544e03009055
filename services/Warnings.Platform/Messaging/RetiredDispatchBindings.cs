using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Warnings.Contracts.Events;

namespace Warnings.Platform.Messaging;

/// <summary>
/// Removes what an older version left on the broker: until issue 22 each channel's exchange
/// (<c>dispatch-sms</c>, ...) was bound to the warning events, so every channel got a copy of every
/// version. The fan-out now receives them once (queue <c>dispatch</c>) and a channel's queue only gets
/// what is handed to it; a binding left over would make every channel deliver twice over (the claims
/// drop the second, at the cost of the work). Run once at start by an instance with the dispatch
/// module on RabbitMQ; best effort: a binding or exchange that is not there is simply not there.
/// </summary>
public sealed class RetiredDispatchBindings(IOptions<BusOptions> options, ILogger<RetiredDispatchBindings> logger) : BackgroundService
{
    private static readonly string[] Events = [nameof(WarningPublished), nameof(WarningUpdated), nameof(WarningLifted), nameof(WarningExpired)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            int checkedPairs = await RemoveAsync(options.Value.RabbitMq, Warnings.Dispatch.Channels.Names, stoppingToken);
            logger.LogInformation("Channel exchanges unbound from the warning events ({Count} pairs checked; bindings of an older version, if any)", checkedPairs);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not check the broker for bindings left by an older version ({Error}); each channel may get every version twice until they are removed", e.Message);
        }
    }

    /// <summary>Unbinds each <c>dispatch-{channel}</c> exchange from the warning events' exchanges; answers how many pairs of exchanges both existed.</summary>
    public static async Task<int> RemoveAsync(RabbitMqOptions rabbit, IEnumerable<string> channels, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username, Password = rabbit.Password, ClientProvidedName = "warnings-retired-bindings",
        };
        // A cluster: whichever node answers (the bindings are the cluster's, not a node's).
        var nodes = rabbit.ClusterNodes.Length > 0
            ? rabbit.ClusterNodes.Select(n => AmqpTcpEndpoint.Parse(n.Contains(':', StringComparison.Ordinal) ? n : $"{n}:{rabbit.Port}")).ToList()
            : [new AmqpTcpEndpoint(rabbit.HostOrDefault, rabbit.Port)];
        await using var connection = await factory.CreateConnectionAsync(nodes, cancellationToken);
        int pairs = 0;
        foreach (string channel in channels)
        {
            foreach (string type in Events)
            {
                // A failed operation closes its channel (404: an exchange that does not exist): one channel per step.
                await using var step = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                string source = $"Warnings.Contracts.Events:{type}";
                try
                {
                    // An exchange-to-exchange binding cannot be listed over AMQP: a passive declare says
                    // whether both ends exist, and unbinding a binding that is not there is not an error.
                    await step.ExchangeDeclarePassiveAsync(source, cancellationToken);
                    await step.ExchangeDeclarePassiveAsync($"dispatch-{channel}", cancellationToken);
                    await step.ExchangeUnbindAsync($"dispatch-{channel}", source, "", cancellationToken: cancellationToken);
                    pairs++;
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    // One end does not exist: nothing to remove. (Anything else, e.g. 403, is the caller's warning.)
                }
            }
        }

        return pairs;
    }
}
