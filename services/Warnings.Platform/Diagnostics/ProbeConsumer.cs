using MassTransit;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Core.Storage;
using Warnings.Platform.Hosting;

namespace Warnings.Platform.Diagnostics;

/// <summary>
/// Answers a probe on behalf of one module: records that this module, in this instance, received it.
/// Idempotent: a redelivery finds the receipt already there and does nothing.
/// </summary>
public sealed class ProbeConsumer(string module, ProbeReceipts receipts, IClock clock, PlatformInstance instance) : IConsumer<ProbeSent>
{
    public Task Consume(ConsumeContext<ProbeSent> context) =>
        receipts.RecordAsync(context.Message.ProbeId,
            new ProbeReceipt(module, instance.Name, context.Message.SentAt, clock.GetCurrentInstant()));
}

/// <summary>One probe queue per module (<c>probe-{module}</c>), so every module answers every probe.</summary>
internal static class ProbeEndpoints
{
    public static void Configure(IBusRegistrationContext context, IBusFactoryConfigurator bus, IEnumerable<Core.Modules.IPlatformModule> modules)
    {
        foreach (var module in modules)
        {
            bus.ReceiveEndpoint($"probe-{module.Name}", endpoint =>
                endpoint.Consumer(() => new ProbeConsumer(module.Name,
                    context.GetRequiredService<ProbeReceipts>(),
                    context.GetRequiredService<IClock>(),
                    context.GetRequiredService<PlatformInstance>())));
        }
    }
}
