using System.CommandLine;
using Spectre.Console;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary><c>warnings templates [--department] [--hazard] [--level]</c>: the standard texts a draft can start from (<c>draft --template</c>).</summary>
internal static class TemplateCommands
{
    private static readonly Option<string?> Department = new("--department") { Description = "Only this department's (e.g. SMB)" };
    private static readonly Option<string?> Hazard = new("--hazard") { Description = "Only for this hazard (typhoon, rainstorm...)" };
    private static readonly Option<string?> Level = new("--level") { Description = "Only for this level (blue, yellow, orange, red; none for notices)" };

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error) =>
        WarningsCli.AddCommand(root, "templates", "Templates of the publication list (for 'draft --template')", output, error, async (s, p, ct) =>
        {
            var client = new PublicationListService.PublicationListServiceClient(s.Invoker);
            var request = new ListTemplatesRequest { Department = p.GetValue(Department) ?? "", Hazard = p.GetValue(Hazard) ?? "", Level = p.GetValue(Level) ?? "", PageSize = 500 };
            var page = await client.ListTemplatesAsync(request, cancellationToken: ct);
            var all = new ListTemplatesResponse { ListVersion = page.ListVersion, Templates = { page.Templates } };
            while (page.NextPageToken.Length > 0)
            {
                request.PageToken = page.NextPageToken;
                request.Version = all.ListVersion; // the same version throughout, so the pages fit together
                page = await client.ListTemplatesAsync(request, cancellationToken: ct);
                all.Templates.AddRange(page.Templates);
            }

            s.Print(all, () =>
            {
                s.Console.MarkupLine($"[bold]publication list v{all.ListVersion}[/]");
                var table = new Table().AddColumns("id", "department", "hazard", "level", "headline (zh-CN)");
                foreach (var t in all.Templates)
                {
                    table.AddRow(t.Id, t.Department, t.Hazard, t.Level, Markup.Escape(t.Texts.FirstOrDefault(x => x.Language == "zh-CN")?.Headline ?? ""));
                }

                s.Console.Write(table);
            });
        }, Department, Hazard, Level);
}
