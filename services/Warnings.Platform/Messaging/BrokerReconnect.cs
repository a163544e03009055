using System.Reflection;
using MassTransit;
using MassTransit.RetryPolicies;

namespace Warnings.Platform.Messaging;

/// <summary>
/// MassTransit reconnects to RabbitMQ on a fixed policy with two flaws for a warning platform: its
/// interval grows to 30 s (a broker back after half a minute was used again up to 30 s later), and
/// its filter retries a channel closed by the broker only for a few reply codes: a broker killed
/// under load closes channels with 320 or 541, the receive endpoint gave up for good, and its queue
/// was never consumed again until a restart (seen in the chaos runs). The policy is a get-only
/// property of the host configuration (sends reuse it), so it is replaced here, before the bus
/// starts, by one that retries every failure but refused credentials, every second. If a MassTransit
/// upgrade renames the fields, the bus keeps MassTransit's policy and <see cref="Applied"/> says so
/// (a test asserts it).
/// </summary>
public static class BrokerReconnect
{
    private const string PolicyField = "<ReceiveTransportRetryPolicy>k__BackingField";

    /// <summary>Whether the last <see cref="Apply"/> replaced the policy.</summary>
    public static bool Applied { get; private set; }

    public static void Apply(IRabbitMqBusFactoryConfigurator configurator, TimeSpan interval)
    {
        Applied = false;
        var host = configurator.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(f => f.GetValue(configurator))
            .FirstOrDefault(v => v is not null && FindPolicyField(v.GetType()) is not null);
        if (host is null || FindPolicyField(host.GetType()) is not { } field || field.GetValue(host) is not IRetryPolicy current)
        {
            return;
        }

        var step = interval <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : interval;
        field.SetValue(host, new IncrementalRetryPolicy(new AllButRefusedCredentials(), int.MaxValue, step, TimeSpan.Zero));
        Applied = true;
    }

    private static FieldInfo? FindPolicyField(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.GetField(PolicyField, BindingFlags.Instance | BindingFlags.NonPublic) is { } field)
            {
                return field;
            }
        }

        return null;
    }
}

/// <summary>Every failure is worth another try while the broker may come back, except credentials it refused.</summary>
internal sealed class AllButRefusedCredentials : IExceptionFilter
{
    public bool Match(Exception exception) => exception is not RabbitMQ.Client.Exceptions.AuthenticationFailureException;

    public void Probe(ProbeContext context) => context.CreateFilterScope("all-but-refused-credentials");
}
