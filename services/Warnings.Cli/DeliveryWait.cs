using System.CommandLine;
using System.Globalization;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary>
/// <c>publish|update|lift --wait</c>: follows the delivery status of the version just sent until every
/// channel is delivered or failed, showing one line per channel (redrawn in place on a terminal,
/// a line per change when redirected, nothing but the final status with <c>--json</c>).
/// Exit 0 all delivered, 7 a channel failed, 8 not settled within <c>--timeout</c>.
/// </summary>
internal static class DeliveryWait
{
    public static readonly Option<bool> Wait = new("--wait") { Description = "Wait until every channel is delivered or failed (exit 7 if any failed, 8 on --timeout)" };
    public static readonly Option<string> Timeout = new("--timeout") { Description = "How long --wait waits, e.g. 90s, 10m, 1h", DefaultValueFactory = _ => "10m" };

    // Statuses come from dispatch receipts a second or so apart; polling faster only loads the platform.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    /// <summary>Shows <paramref name="warning"/>, then (with <c>--wait</c>) follows its delivery.</summary>
    public static async Task ShowAndFollowAsync(Session s, ParseResult p, Warning warning, Action<Session, Warning> show, CancellationToken ct)
    {
        if (!p.GetValue(Wait))
        {
            show(s, warning);
            return;
        }

        var timeout = ParseTimeout(p.GetValue(Timeout)!);
        if (s.JsonOutput)
        {
            s.PrintLine(warning);
        }
        else
        {
            show(s, warning);
        }

        int code = await FollowAsync(s, new WarningService.WarningServiceClient(s.Invoker), warning, timeout, ct);
        if (code != WarningsCli.Ok)
        {
            throw new CliException(code == WarningsCli.TimedOut
                ? $"delivery of {warning.Id} v{warning.Version} had not settled after {p.GetValue(Timeout)}"
                : $"delivery of {warning.Id} v{warning.Version} failed on a channel", code);
        }
    }

    public static TimeSpan ParseTimeout(string text)
    {
        var units = new Dictionary<char, TimeSpan> { ['s'] = TimeSpan.FromSeconds(1), ['m'] = TimeSpan.FromMinutes(1), ['h'] = TimeSpan.FromHours(1) };
        TimeSpan? parsed = text.Length > 1 && units.TryGetValue(char.ToLowerInvariant(text[^1]), out var unit)
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && double.IsFinite(n) && n * unit.TotalSeconds < MaxTimeout.TotalSeconds * 2
                ? unit * n
                : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
        return parsed is { } t && t > TimeSpan.Zero && t <= MaxTimeout
            ? t
            : throw new CliException($"--timeout: '{text}' is not a duration between 1s and 24h (e.g. 90s, 10m, 1h)", WarningsCli.Usage);
    }

    private static async Task<int> FollowAsync(Session s, WarningService.WarningServiceClient client, Warning warning, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = WarningsCli.Time.GetUtcNow() + timeout;
        var progress = new DeliveryProgress(s);
        while (true)
        {
            var status = await client.GetDeliveryStatusAsync(new GetWarningRequest { WarningId = warning.Id }, cancellationToken: ct);
            progress.Show(status);
            bool settled = status.Version >= warning.Version && status.Channels.All(c => DeliveryProgress.IsSettled(c.Status));
            if (settled || WarningsCli.Time.GetUtcNow() >= deadline)
            {
                progress.Finish(status, settled);
                return !settled ? WarningsCli.TimedOut : status.Channels.Any(c => c.Status != "delivered") ? WarningsCli.DeliveryFailed : WarningsCli.Ok;
            }

            await Task.Delay(PollInterval, WarningsCli.Time, ct);
        }
    }
}

/// <summary>The per-channel display of a delivery being followed.</summary>
internal sealed class DeliveryProgress(Session s)
{
    private readonly Dictionary<string, string> _shown = [];
    private int _drawnLines;

    // "failed" is the latest attempt's outcome (dispatch may still retry); the wait reports it rather than guess.
    public static bool IsSettled(string status) => status is "delivered" or "failed";

    public void Show(DeliveryStatus status)
    {
        if (s.JsonOutput)
        {
            return;
        }

        if (s.IsTerminal)
        {
            // Redraw the block of lines in place: up to its first line, then each line cleared and rewritten.
            if (_drawnLines > 0)
            {
                s.Output.Write($"\u001b[{_drawnLines}A");
            }

            foreach (var c in status.Channels)
            {
                s.Output.WriteLine($"\u001b[2K{Line(c)}");
            }

            _drawnLines = status.Channels.Count;
            s.Output.Flush();
            return;
        }

        foreach (var c in status.Channels)
        {
            string line = Line(c);
            if (!_shown.TryGetValue(c.Channel, out var before) || before != line)
            {
                _shown[c.Channel] = line;
                s.Output.WriteLine(line);
            }
        }
    }

    public void Finish(DeliveryStatus status, bool settled)
    {
        if (s.JsonOutput)
        {
            s.PrintLine(status);
            return;
        }

        int delivered = status.Channels.Count(c => c.Status == "delivered");
        var failed = status.Channels.Where(c => c.Status == "failed").Select(c => c.Channel).ToList();
        var waiting = status.Channels.Where(c => !IsSettled(c.Status)).Select(c => c.Channel).ToList();
        s.Output.WriteLine($"{status.WarningId} v{status.Version}: delivered on {delivered} of {status.Channels.Count} channel(s)"
            + (failed.Count > 0 ? $"; failed: {string.Join(", ", failed)}" : "")
            + (!settled && waiting.Count > 0 ? $"; still waiting: {string.Join(", ", waiting)}" : ""));
    }

    private static string Line(ChannelDelivery c) =>
        $"  {c.Channel,-16} {c.Status,-10} attempts {c.Attempts}" + (c.Status != "delivered" && c.LastError.Length > 0 ? $"  last error: {c.LastError}" : "");
}
