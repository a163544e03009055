using System.CommandLine;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Spectre.Console;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary><c>warnings list|show|draft|submit|review|sign|publish|update|lift|status</c>.</summary>
internal static class WarningCommands
{
    private static readonly Argument<string> WarningId = new("warning-id") { Description = "The warning's id (w-...)" };
    private static readonly Option<string?> File = new("--file") { Description = "Content as protobuf JSON (WarningContent), or a CAP 1.2 alert (.xml) for a draft" };
    private static readonly Option<string?> Hazard = new("--hazard") { Description = "Hazard code (typhoon, rainstorm...)" };
    private static readonly Option<string?> Level = new("--level") { Description = "blue, yellow, orange or red" };
    private static readonly Option<string[]> Districts = new("--district") { Description = "District code (repeat; 310000 = whole city)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> Channels = new("--channel") { Description = "Channel (repeat): sms, cell_broadcast, website, partner_feed...", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string?> Headline = new("--headline") { Description = "zh-CN headline" };
    private static readonly Option<string?> Description = new("--description") { Description = "zh-CN description" };
    private static readonly Option<string?> Instruction = new("--instruction") { Description = "zh-CN instruction" };
    private static readonly Option<double> ValidHours = new("--valid-hours") { Description = "Hours from now until it expires", DefaultValueFactory = _ => 6 };
    private static readonly Option<string?> Note = new("--note") { Description = "Why (for an update)" };
    private static readonly Option<int> Limit = Paging.LimitOption("warnings (oldest first)");
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why (for a lift)" };
    private static readonly Option<bool> Reject = new("--reject") { Description = "Send the draft back instead of approving it" };
    private static readonly Option<string?> Comment = new("--comment") { Description = "Review comment (required with --reject)" };
    private static readonly Option<bool> Emergency = new("--emergency") { Description = "Fast-track: publish now, sign-off to follow" };
    private static readonly Option<string?> State = new("--state") { Description = "Only this state (draft, submitted, reviewed, signed_off, published, lifted, expired)" };
    private static readonly Option<string?> Template = new("--template") { Description = "Draft from this template of the publication list (see 'warnings templates'); flags given win over its texts" };
    private static readonly Option<string[]> Values = new("--value") { Description = "A template placeholder's value: name=text, or name@language=text (repeat), e.g. measures@en=...", AllowMultipleArgumentsPerToken = true };

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        void Add(string name, string description, Func<Session, ParseResult, CancellationToken, Task> run, params Symbol[] symbols) =>
            WarningsCli.AddCommand(root, name, description, output, error, run, symbols);

        WarningService.WarningServiceClient Client(Session s) => new(s.Invoker);

        Add("list", "List warnings", async (s, p, ct) =>
        {
            var request = new ListWarningsRequest();
            if (p.GetValue(State) is { } state)
            {
                request.States.Add(ParseState(state));
            }

            // Page by page up to --limit, so a long list neither floods the terminal nor the server.
            int limit = Paging.Limit(p, Limit);
            var list = new ListWarningsResponse();
            list.NextPageToken = await Paging.CollectAsync(limit, list.Warnings, async (size, token) =>
            {
                request.PageSize = size;
                request.PageToken = token;
                var page = await Client(s).ListWarningsAsync(request, cancellationToken: ct);
                return (page.Warnings, page.NextPageToken);
            });

            s.Print(list, () =>
            {
                var table = new Table().AddColumns("id", "state", "hazard", "level", "districts", "v", "headline");
                foreach (var w in list.Warnings)
                {
                    table.AddRow(w.Id, Name(w.State), w.Content.Hazard, w.Content.Level, string.Join(",", w.Content.Districts), w.Version.ToString(), Markup.Escape(w.Content.Texts.FirstOrDefault()?.Headline ?? ""));
                }

                s.Console.Write(table);
                Paging.NoteMore(s, list.Warnings.Count, limit, list.NextPageToken, "warnings", "--state");
            });
        }, State, Limit);
        Add("show", "Show one warning and its history", async (s, p, ct) =>
        {
            var history = await Client(s).GetHistoryAsync(new GetWarningRequest { WarningId = p.GetValue(WarningId)! }, cancellationToken: ct);
            s.Print(history, () =>
            {
                var w = history.Warning;
                s.Console.MarkupLine($"[bold]{w.Id}[/] {Name(w.State)} {w.Content.Hazard} {w.Content.Level} v{w.Version} {Markup.Escape(w.Content.Texts.FirstOrDefault()?.Headline ?? "")}");
                var table = new Table().AddColumns("at", "by", "action", "note");
                foreach (var step in history.Steps)
                {
                    table.AddRow(step.At.ToDateTimeOffset().ToString("u"), step.By, step.Action, Markup.Escape(step.Note));
                }

                s.Console.Write(table);
            });
        }, WarningId);
        Add("draft", "Create a draft from flags, a JSON file, a CAP 1.2 file, or a --template", async (s, p, ct) =>
        {
            string? file = p.GetValue(File);
            await CheckVocabularyAsync(s, p, ct);
            var warning = file is not null && file.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                ? await Client(s).ImportCapDraftAsync(new ImportCapDraftRequest { RequestId = WarningsCli.Id(p), CapXml = await ReadAsync(file) }, cancellationToken: ct)
                : await Client(s).CreateDraftAsync(new CreateDraftRequest { RequestId = WarningsCli.Id(p), Content = await ContentAsync(p), FromTemplate = TemplateOf(p) }, cancellationToken: ct);
            Show(s, warning);
        }, File, Hazard, Level, Districts, Channels, Headline, Description, Instruction, ValidHours, Template, Values);
        Add("submit", "Submit a draft for review", async (s, p, ct) =>
            Show(s, await Client(s).SubmitAsync(new WarningActionRequest { RequestId = WarningsCli.Id(p), WarningId = p.GetValue(WarningId)! }, cancellationToken: ct)), WarningId);
        Add("review", "Approve (or --reject) a submitted draft", async (s, p, ct) =>
            Show(s, await Client(s).ReviewAsync(new ReviewRequest { RequestId = WarningsCli.Id(p), WarningId = p.GetValue(WarningId)!, Approve = !p.GetValue(Reject), Comment = p.GetValue(Comment) ?? "" }, cancellationToken: ct)),
            WarningId, Reject, Comment);
        Add("sign", "Sign off (leaders, for orange and red)", async (s, p, ct) =>
            Show(s, await Client(s).SignOffAsync(new WarningActionRequest { RequestId = WarningsCli.Id(p), WarningId = p.GetValue(WarningId)! }, cancellationToken: ct)), WarningId);
        Add("publish", "Publish (or --emergency: fast-track, sign-off to follow)", async (s, p, ct) =>
        {
            var request = new WarningActionRequest { RequestId = WarningsCli.Id(p), WarningId = p.GetValue(WarningId)! };
            var published = p.GetValue(Emergency) ? await Client(s).EmergencyPublishAsync(request, cancellationToken: ct) : await Client(s).PublishAsync(request, cancellationToken: ct);
            await DeliveryWait.ShowAndFollowAsync(s, p, published, Show, ct);
        }, WarningId, Emergency, DeliveryWait.Wait, DeliveryWait.Timeout);
        Add("update", "Publish a new version (content from flags or --file) with a note", async (s, p, ct) =>
        {
            await CheckVocabularyAsync(s, p, ct);
            var current = await Client(s).GetWarningAsync(new GetWarningRequest { WarningId = p.GetValue(WarningId)! }, cancellationToken: ct);
            var updated = await Client(s).UpdateAsync(new UpdateWarningRequest { RequestId = WarningsCli.Id(p), WarningId = current.Id, Content = await ContentAsync(p, current.Content), Note = p.GetValue(Note) ?? "" }, cancellationToken: ct);
            await DeliveryWait.ShowAndFollowAsync(s, p, updated, Show, ct);
        }, WarningId, File, Hazard, Level, Districts, Channels, Headline, Description, Instruction, ValidHours, Note, DeliveryWait.Wait, DeliveryWait.Timeout);
        Add("lift", "Lift (end) a published warning", async (s, p, ct) =>
        {
            var lifted = await Client(s).LiftAsync(new LiftRequest { RequestId = WarningsCli.Id(p), WarningId = p.GetValue(WarningId)!, Reason = p.GetValue(Reason) ?? "" }, cancellationToken: ct);
            await DeliveryWait.ShowAndFollowAsync(s, p, lifted, Show, ct);
        }, WarningId, Reason, DeliveryWait.Wait, DeliveryWait.Timeout);
        Add("status", "Delivery per channel of the latest version", async (s, p, ct) =>
        {
            var status = await Client(s).GetDeliveryStatusAsync(new GetWarningRequest { WarningId = p.GetValue(WarningId)! }, cancellationToken: ct);
            s.Print(status, () =>
            {
                var table = new Table().AddColumns("channel", "status", "attempts", "last error");
                foreach (var c in status.Channels)
                {
                    table.AddRow(c.Channel, c.Status, c.Attempts.ToString(), Markup.Escape(c.LastError));
                }

                s.Console.MarkupLine($"[bold]{status.WarningId}[/] v{status.Version}");
                s.Console.Write(table);
            });
        }, WarningId);
    }

    // Codes typed as flags, checked against the publication list before the request is sent.
    private static async Task CheckVocabularyAsync(Session s, ParseResult p, CancellationToken ct)
    {
        string? hazard = p.GetValue(Hazard);
        string? level = p.GetValue(Level);
        string[] districts = p.GetValue(Districts) ?? [], channels = p.GetValue(Channels) ?? [];
        if (hazard is null && level is null && districts.Length == 0 && channels.Length == 0)
        {
            return;
        }

        var list = await s.PublicationListAsync(ct);
        Vocabulary.Check("hazard", [hazard], Vocabulary.Hazards(list));
        Vocabulary.Check("level", [level], Vocabulary.Levels(list, hazard));
        Vocabulary.Check("district", districts, Vocabulary.Districts(list));
        Vocabulary.Check("channel", channels, Vocabulary.Channels(list));
    }

    private static void Show(Session s, Warning w) =>
        s.Print(w, () => s.Console.MarkupLine($"[bold]{w.Id}[/] {Name(w.State)} {w.Content.Hazard} {w.Content.Level} v{w.Version}{(w.SignOffOverdue ? " [red]SIGN-OFF OVERDUE[/]" : "")}"));

    private static string Name(WarningState state) => state.ToString().ToLowerInvariant() switch { "signedoff" => "signed_off", var n => n };

    private static WarningState ParseState(string state) =>
        Enum.GetValues<WarningState>().FirstOrDefault(s => Name(s) == state.ToLowerInvariant()) is var parsed && parsed != WarningState.Unspecified
            ? parsed
            : throw new CliException($"--state: '{state}' is not a state (draft, submitted, reviewed, signed_off, published, lifted, expired)", WarningsCli.Usage);

    // --template and its --value name[@language]=text pairs.
    private static DraftTemplate? TemplateOf(ParseResult p)
    {
        var values = p.GetValue(Values) ?? [];
        if (p.GetValue(Template) is not { } id)
        {
            return values.Length == 0 ? null : throw new CliException("--value: only with --template", WarningsCli.Usage);
        }

        var template = new DraftTemplate { TemplateId = id };
        foreach (var value in values)
        {
            int equals = value.IndexOf('=');
            if (equals <= 0)
            {
                throw new CliException($"--value: '{value}' is not name=text or name@language=text", WarningsCli.Usage);
            }

            string[] name = value[..equals].Split('@', 2);
            template.Values.Add(new PlaceholderValue { Placeholder = name[0], Language = name.Length > 1 ? name[1] : "", Value = value[(equals + 1)..] });
        }

        return template;
    }

    internal static async Task<string> ReadAsync(string path) =>
        System.IO.File.Exists(path) ? await System.IO.File.ReadAllTextAsync(path) : throw new CliException($"--file: no file {path}");

    // The content: the file's, or the current one's (for an update), with any flags on top.
    private static async Task<WarningContent> ContentAsync(ParseResult p, WarningContent? current = null)
    {
        var content = p.GetValue(File) is { } file ? WarningContent.Parser.ParseJson(await ReadAsync(file)) : current?.Clone() ?? new WarningContent();
        content.Hazard = p.GetValue(Hazard) ?? content.Hazard;
        content.Level = p.GetValue(Level) ?? content.Level;
        if (p.GetValue(Districts) is { Length: > 0 } districts)
        {
            content.Districts.Clear();
            content.Districts.Add(districts);
        }

        if (p.GetValue(Channels) is { Length: > 0 } channels)
        {
            content.Channels.Clear();
            content.Channels.Add(channels);
        }

        if (p.GetValue(Headline) is not null || p.GetValue(Description) is not null || p.GetValue(Instruction) is not null || content.Texts.Count == 0)
        {
            var zh = content.Texts.FirstOrDefault(t => t.Language == "zh-CN") ?? new WarningText { Language = "zh-CN" };
            if (!content.Texts.Contains(zh))
            {
                content.Texts.Add(zh);
            }

            zh.Headline = p.GetValue(Headline) ?? zh.Headline;
            zh.Description = p.GetValue(Description) ?? zh.Description;
            zh.Instruction = p.GetValue(Instruction) ?? zh.Instruction;
        }

        var now = WarningsCli.Time.GetUtcNow();
        if (content.OnsetAt is null)
        {
            content.OnsetAt = Timestamp.FromDateTimeOffset(now);
            content.ExpiresAt = Timestamp.FromDateTimeOffset(now.AddHours(p.GetValue(ValidHours)));
        }
        else if (p.GetResult(ValidHours) is { Implicit: false })
        {
            content.ExpiresAt = Timestamp.FromDateTimeOffset(now.AddHours(p.GetValue(ValidHours)));
        }

        return content;
    }
}
