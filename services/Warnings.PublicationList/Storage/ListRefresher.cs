using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Storage;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// Keeps this instance's snapshot current: loads the default list on first start (never over an
/// existing one), applies each edit when its nudge arrives, and polls the version in case a nudge
/// was missed.
/// </summary>
public sealed class ListRefresher(
    ListRepository repository,
    ListSnapshots snapshots,
    Commands commands,
    IStateStore store,
    IClock clock,
    IOptions<PublicationListOptions> options,
    ILogger<ListRefresher> logger) : BackgroundService
{
    private bool _subscribed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A store that is down must not keep the host from starting (readiness reports it); the
        // poll below finishes this once the store answers.
        await RefreshAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync();
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            if (!_subscribed)
            {
                await LoadDefaultListAsync();
                await store.SubscribeAsync(ListRepository.NudgeChannel, nudge => _ = RefreshAsync());
                _subscribed = true;
            }

            await snapshots.CurrentAsync();
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            logger.LogWarning(e, "Could not refresh the publication list; decisions read the store first, so none uses a stale list");
        }
    }

    private async Task LoadDefaultListAsync()
    {
        if (await repository.CurrentVersionAsync() > 0 || string.IsNullOrEmpty(options.Value.DefaultListPath))
        {
            return;
        }

        var list = JsonParser.Default.Parse<Contracts.V1.PublicationList>(await File.ReadAllTextAsync(options.Value.DefaultListPath));
        // Validated as carried over from itself: a file written before English names existed still
        // loads (like an older list in the store), its missing names said in the change record.
        var problems = ListValidator.Validate(list, carriedFrom: list);
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"The default publication list {options.Value.DefaultListPath} is invalid: {string.Join("; ", problems.Select(p => $"{p.Field}: {p.Description}"))}");
        }

        var change = new ListChange
        {
            At = clock.GetCurrentInstant().ToTimestamp(),
            By = "platform",
            Reason = $"default list loaded on first start from {Path.GetFileName(options.Value.DefaultListPath)}",
            RequestId = "default-list",
            Changes = { $"{list.Grants.Count} grants and {list.Templates.Count} templates loaded" },
        };
        if (ListNames.From(list).MissingEnglish is { Count: > 0 } missing)
        {
            change.Changes.Add($"no English name for {missing.Count} codes ({string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}): CAP's English info prints the code for them");
        }

        // Two instances starting together: one commit wins; the other re-plans, finds a list, and
        // returns the winner's answer.
        var loaded = await commands.RunAsync("platform:LoadDefaultList", "default-list", null, async () =>
        {
            if (await repository.CurrentVersionAsync() is > 0 and var current)
            {
                return new CommandPlan<ListEditResponse>(new ListEditResponse { Version = current }, [], [], []);
            }

            var (conditions, writes) = ListRepository.Edit(0, list, change);
            return new CommandPlan<ListEditResponse>(new ListEditResponse { Version = 1, Change = change }, conditions, writes, []);
        });
        if (loaded.Change?.By == "platform")
        {
            logger.LogInformation("Loaded the default publication list ({Grants} grants) as v1", list.Grants.Count);
        }
    }
}

/// <summary>Bound from the <c>PublicationList</c> section.</summary>
public sealed class PublicationListOptions
{
    /// <summary>The list loaded on first start; empty: none (the list starts empty).</summary>
    public string DefaultListPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json");

    /// <summary>How often an instance checks for an edit it was not nudged about.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
