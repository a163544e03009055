using System.CommandLine;
using Google.Protobuf;
using Spectre.Console;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary><c>warnings grants list|show|edit|history|import|export</c>: the publication list.</summary>
internal static class GrantCommands
{
    private static readonly Argument<string> GrantId = new("grant-id") { Description = "The grant's id (e.g. smb-typhoon)" };
    private static readonly Option<string?> File = new("--file") { Description = "Protobuf JSON: a Grant (edit) or a PublicationList (import); export writes here" };
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why (recorded with the new list version)" };
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var grants = new Command("grants", "The publication list: list, show, edit, history, import, export");
        root.Subcommands.Add(grants);
        PublicationListService.PublicationListServiceClient Client(Session s) => new(s.Invoker);

        void Add(string name, string description, Func<Session, ParseResult, CancellationToken, Task> run, params Symbol[] symbols) =>
            WarningsCli.AddCommand(grants, name, description, output, error, run, symbols);

        Add("list", "Every grant of the current list", async (s, p, ct) =>
        {
            var list = await Client(s).GetListAsync(new GetListRequest(), cancellationToken: ct);
            s.Print(list, () =>
            {
                s.Console.MarkupLine($"[bold]publication list v{list.Version}[/]");
                var table = new Table().AddColumns("id", "department", "hazard", "levels", "status");
                foreach (var g in list.Grants)
                {
                    table.AddRow(g.Id, g.Department, g.Hazard, string.Join(",", g.Levels.Select(l => l.Level)), g.Status.ToString());
                }

                s.Console.Write(table);
            });
        });
        Add("show", "One grant", async (s, p, ct) =>
        {
            var grant = await Client(s).GetGrantAsync(new GetGrantRequest { Id = p.GetValue(GrantId)! }, cancellationToken: ct);
            s.Print(grant, () => s.Output.WriteLine(Json.Format(grant)));
        }, GrantId);
        Add("edit", "Add or replace a grant from --file, based on the current version", async (s, p, ct) =>
        {
            var grant = Grant.Parser.ParseJson(await WarningCommands.ReadAsync(p.GetValue(File) ?? throw new CliException("--file is required")));
            long version = (await Client(s).GetListAsync(new GetListRequest(), cancellationToken: ct)).Version;
            var edit = await Client(s).UpsertGrantAsync(new UpsertGrantRequest { RequestId = WarningsCli.Id(p), ExpectedVersion = version, Grant = grant, Reason = p.GetValue(Reason) ?? "" }, cancellationToken: ct);
            s.Print(edit, () => s.Console.MarkupLine($"grant {Markup.Escape(grant.Id)} saved: publication list v{edit.Version}"));
        }, File, Reason);
        Add("history", "Edits, newest first", async (s, p, ct) =>
        {
            var history = await Client(s).ListHistoryAsync(new ListHistoryRequest { PageSize = 50 }, cancellationToken: ct);
            s.Print(history, () =>
            {
                var table = new Table().AddColumns("version", "at", "by", "reason");
                foreach (var c in history.Changes)
                {
                    table.AddRow(c.Version.ToString(), c.At?.ToDateTimeOffset().ToString("u") ?? "", c.By, Markup.Escape(c.Reason));
                }

                s.Console.Write(table);
            });
        });
        Add("import", "Replace the whole list from --file (validated like any edit)", async (s, p, ct) =>
        {
            var list = Contracts.V1.PublicationList.Parser.ParseJson(await WarningCommands.ReadAsync(p.GetValue(File) ?? throw new CliException("--file is required")));
            long version = (await Client(s).GetListAsync(new GetListRequest(), cancellationToken: ct)).Version;
            var edit = await Client(s).ImportListAsync(new ImportListRequest { RequestId = WarningsCli.Id(p), ExpectedVersion = version, List = list, Reason = p.GetValue(Reason) ?? "" }, cancellationToken: ct);
            s.Print(edit, () => s.Console.MarkupLine($"imported: publication list v{edit.Version}"));
        }, File, Reason);
        Add("export", "The current list as JSON (to --file, or standard output)", async (s, p, ct) =>
        {
            var list = await Client(s).GetListAsync(new GetListRequest(), cancellationToken: ct);
            if (p.GetValue(File) is { } file)
            {
                await System.IO.File.WriteAllTextAsync(file, Json.Format(list), ct);
                s.Print(list, () => s.Console.MarkupLine($"publication list v{list.Version} written to {Markup.Escape(file)}"));
            }
            else
            {
                s.Output.WriteLine(Json.Format(list));
            }
        }, File);
    }
}
