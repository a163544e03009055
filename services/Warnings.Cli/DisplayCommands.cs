using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary>
/// <c>warnings display issue|list|revoke</c>: read-only dashboard sessions for wall screens
/// (operator). <c>issue</c> prints the one-time pairing link to open on the screen.
/// </summary>
internal static class DisplayCommands
{
    private static readonly Argument<string> Label = new("label") { Description = "Which screen (e.g. \"指挥大厅 左屏\")" };
    private static readonly Argument<string> DisplayId = new("display-id") { Description = "The display session's id (ds_...)" };
    private static readonly Option<int?> Days = new("--days") { Description = "Days until the session expires (default 30, at most 90)" };
    private static readonly Option<string?> Dashboard = new("--dashboard") { Description = "The platform's HTTP address, for the pairing link (e.g. https://warnings.example)" };
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why (recorded with the revocation; required)" };
    private static readonly Option<int> Limit = Paging.LimitOption("display sessions");

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var display = new Command("display", "Wall-screen sessions of the dashboard: issue, list, revoke (operator)");
        root.Subcommands.Add(display);
        IdentityService.IdentityServiceClient Client(Session s) => new(s.Invoker);

        void Add(string name, string description, Func<Session, ParseResult, CancellationToken, Task> run, params Symbol[] symbols) =>
            WarningsCli.AddCommand(display, name, description, output, error, run, symbols);

        Add("issue", "Issue a display session; prints its one-time pairing link", async (s, p, ct) =>
        {
            var request = new IssueDisplaySessionRequest { RequestId = WarningsCli.Id(p), Label = p.GetValue(Label)! };
            if (p.GetValue(Days) is { } days)
            {
                request.ExpiresAt = Timestamp.FromDateTimeOffset(WarningsCli.Time.GetUtcNow().AddDays(days));
            }

            var issued = await Client(s).IssueDisplaySessionAsync(request, cancellationToken: ct);
            string link = $"{(p.GetValue(Dashboard) ?? "").TrimEnd('/')}{issued.PairingPath}#{issued.PairingCode}";
            s.Print(issued, () =>
            {
                s.Console.MarkupLine(Markup.Escape($"display session {issued.Info.DisplayId} ({issued.Info.Label}) until {issued.Info.ExpiresAt.ToDateTimeOffset():u}"));
                s.Console.MarkupLine(Markup.Escape($"open on the screen within 24 hours (shown once): {link}"));
                s.Console.MarkupLine(Markup.Escape($"or enter the pairing code at {issued.PairingPath}: {issued.PairingCode}"));
            });
        }, Label, Days, Dashboard);
        Add("list", "Display sessions, oldest first", async (s, p, ct) =>
        {
            int limit = Paging.Limit(p, Limit);
            var all = new ListDisplaySessionsResponse();
            all.NextPageToken = await Paging.CollectAsync(limit, all.Sessions, async (size, token) =>
            {
                var page = await Client(s).ListDisplaySessionsAsync(new ListDisplaySessionsRequest { PageSize = size, PageToken = token }, cancellationToken: ct);
                return (page.Sessions, page.NextPageToken);
            });
            s.Print(all, () =>
            {
                var table = new Table().AddColumns("id", "label", "status", "issued by", "expires");
                foreach (var d in all.Sessions)
                {
                    table.AddRow(d.DisplayId, Markup.Escape(d.Label), d.Status, Markup.Escape(d.IssuedBy), d.ExpiresAt.ToDateTimeOffset().ToString("u"));
                }

                s.Console.Write(table);
                Paging.NoteMore(s, all.Sessions.Count, limit, all.NextPageToken, "display sessions", "revoking old ones");
            });
        }, Limit);
        Add("revoke", "Revoke a display session: its screen is refused from its next request on", async (s, p, ct) =>
        {
            var revoked = await Client(s).RevokeDisplaySessionAsync(new RevokeDisplaySessionRequest
            {
                RequestId = WarningsCli.Id(p), DisplayId = p.GetValue(DisplayId)!, Reason = p.GetValue(Reason) ?? "",
            }, cancellationToken: ct);
            s.Print(revoked, () => s.Console.MarkupLine(Markup.Escape($"display session {revoked.Info.DisplayId} ({revoked.Info.Label}) revoked")));
        }, DisplayId, Reason);
    }
}
