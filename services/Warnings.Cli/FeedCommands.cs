using System.CommandLine;
using Grpc.Core;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary>
/// <c>warnings feed watch</c>: the partner feed, live. Prints one line (or one JSON object) per message
/// with its resume token; when the stream ends (server stopping, too slow, network) it reconnects
/// from the last token, so nothing is missed and nothing repeats.
/// </summary>
internal static class FeedCommands
{
    private static readonly Option<string?> Resume = new("--resume") { Description = "Resume token to continue after (\"0\": the whole feed; default: from now)" };
    private static readonly Option<string[]> Hazards = new("--hazard") { Description = "Only these hazards (repeat)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> Districts = new("--district") { Description = "Only these districts (repeat)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string?> MinLevel = new("--min-level") { Description = "Lowest level" };
    private static readonly Option<int> Count = new("--count") { Description = "Stop after this many messages (0: run until interrupted)" };

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var feed = new Command("feed", "The partner feed");
        var watch = new Command("watch", "Follow the feed live, resuming after disconnects");
        foreach (var option in new Option[] { Resume, Hazards, Districts, MinLevel, Count })
        {
            watch.Options.Add(option);
        }

        watch.SetAction(WarningsCli.Action(output, error, async (s, p, ct) =>
        {
            var client = new FeedService.FeedServiceClient(s.Invoker);
            await CheckVocabularyAsync(s, p, ct);
            var filter = new FeedFilter { Hazards = { p.GetValue(Hazards) ?? [] }, Districts = { p.GetValue(Districts) ?? [] }, MinLevel = p.GetValue(MinLevel) ?? "" };
            string token = p.GetValue(Resume) ?? "";
            int wanted = p.GetValue(Count), seen = 0;
            var delay = TimeSpan.FromMilliseconds(200);
            while (!ct.IsCancellationRequested && (wanted == 0 || seen < wanted))
            {
                try
                {
                    using var call = client.Subscribe(new SubscribeRequest { Filter = filter, ResumeToken = token }, cancellationToken: ct);
                    while (await call.ResponseStream.MoveNext(ct))
                    {
                        var m = call.ResponseStream.Current;
                        token = m.ResumeToken;
                        delay = TimeSpan.FromMilliseconds(200);
                        PrintMessage(s, m, () => s.Output.WriteLine($"{m.Sequence,6} {m.Kind,-26} {m.WarningId} v{m.Version} {m.Hazard} {m.Level} [{string.Join(",", m.Districts)}] {m.Headline}  (resume: {m.ResumeToken})"));
                        if (wanted > 0 && ++seen >= wanted)
                        {
                            return;
                        }
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Internal or StatusCode.Cancelled && !ct.IsCancellationRequested)
                {
                    await error.WriteLineAsync($"feed interrupted ({e.StatusCode}); resuming after {(token.Length > 0 ? token : "now")} in {delay.TotalSeconds:0.#} s");
                }

                await Task.Delay(delay, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }));
        feed.Subcommands.Add(watch);
        root.Subcommands.Add(feed);
    }

    // A stream: one JSON object per line (what jq and line readers expect), flushed as it comes.
    private static void PrintMessage(Session s, FeedMessage m, Action human)
    {
        if (s.JsonOutput)
        {
            s.PrintLine(m);
        }
        else
        {
            human();
        }

        s.Output.Flush();
    }

    private static async Task CheckVocabularyAsync(Session s, ParseResult p, CancellationToken ct)
    {
        string[] hazards = p.GetValue(Hazards) ?? [], districts = p.GetValue(Districts) ?? [];
        if (hazards.Length == 0 && districts.Length == 0 && p.GetValue(MinLevel) is null)
        {
            return;
        }

        var list = await s.PublicationListAsync(ct);
        Vocabulary.Check("hazard", hazards, Vocabulary.Hazards(list));
        Vocabulary.Check("district", districts, Vocabulary.Districts(list));
        Vocabulary.Check("level", [p.GetValue(MinLevel)], Vocabulary.Levels(list, null));
    }
}
