using NodaTime;
using Warnings.Core.Hosting;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Cap;

/// <summary>The CAP document of a sample warning, written and signed (the key loaded, XML-DSig compiled); nothing stored.</summary>
public sealed class CapWarmUp(CapSigningKey signing, IClock clock) : IWarmUpStep
{
    public string Name => "cap";

    public async Task RunAsync(CancellationToken cancellationToken) =>
        await signing.SignAsync(CapWriter.ToXml(WarmUpSample.Warning(clock.GetCurrentInstant(), ["sms", "partner_feed"]), ListNames.Empty));
}
