using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Hosting;
using Warnings.Core.Storage;
using Warnings.Issuing.Domain;
using Warnings.Issuing.Storage;

namespace Warnings.Issuing;

/// <summary>Bound from the <c>Issuing</c> section.</summary>
public sealed class IssuingOptions
{
    /// <summary>How often published warnings are compared with the clock for expiry.</summary>
    public TimeSpan ExpiryScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The department whose approvers give the extra municipal approval network-wide SMS needs.</summary>
    public string MunicipalApprovalDepartment { get; set; } = "SEMB";
}

/// <summary>
/// Expires published warnings when <see cref="IClock"/> reaches their expiry: one command per
/// warning version (request id <c>expire-{id}-v{n}</c>), so instances scanning at the same time
/// expire each warning once and emit one <see cref="WarningExpired"/>. Driven by the injected clock,
/// so a FakeClock moved past an expiry expires the warning at the next scan.
/// </summary>
public sealed class WarningExpiry(
    Commands commands,
    WarningRepository repository,
    IClock clock,
    IOptions<IssuingOptions> options,
    ILogger<WarningExpiry> logger) : PeriodicScan(options.Value.ExpiryScanInterval, logger)
{
    // Before the instance serves, so the one-time schedule migration never lands in the middle of its work.
    protected override Task PrepareAsync() => repository.ScheduleEarlierDocumentsAsync();

    /// <summary>How many due warnings one scan expires at most (the next scan, a second later, takes the rest).</summary>
    public const int MaxPerScan = 500;

    /// <summary>Expires every published warning whose expiry has passed.</summary>
    public override async Task ScanAsync()
    {
        var now = clock.GetCurrentInstant();
        // Only the warnings on the expiry schedule that are due: never every warning ever stored.
        foreach (var id in await repository.DueIdsAsync(now, MaxPerScan))
        {
            if (await repository.LoadAsync(id) is not { Document: var found } || !WarningLifeCycle.Of(found).IsDueToExpire(found.Warning.Version, now))
            {
                continue;
            }

            var warning = found.Warning;
            await commands.RunAsync("system:Expire", $"expire-{warning.Id}-v{warning.Version}", null, async () =>
            {
                var (json, history) = (await repository.LoadAsync(warning.Id))!.Value;
                var life = WarningLifeCycle.Of(history);
                // Null when it was lifted or updated meanwhile: nothing to commit.
                var expired = life.Expire(warning.Version, clock.GetCurrentInstant());
                if (expired is null)
                {
                    return new CommandPlan<Warning>(life.Warning, [], [], []);
                }

                var (conditions, writes) = repository.Replace(warning.Id, json, life.History);
                return new CommandPlan<Warning>(life.Warning, conditions, writes, [expired]);
            });
            logger.LogInformation("Warning {WarningId} v{Version} expired", warning.Id, warning.Version);
        }
    }
}
