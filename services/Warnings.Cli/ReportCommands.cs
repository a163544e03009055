using System.CommandLine;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Spectre.Console;
using Warnings.Contracts.V1;

namespace Warnings.Cli;

/// <summary><c>warnings report initial|follow-up|final|show|list</c>: incident reports for districts.</summary>
internal static class ReportCommands
{
    private static readonly Argument<string> IncidentId = new("incident-id") { Description = "The incident's id (i-...)" };
    private static readonly Option<string?> File = new("--file") { Description = "The report as protobuf JSON (ReportBody)" };
    private static readonly Option<string?> Category = new("--category") { Description = "Incident category (fire, road_traffic, production_safety...)" };
    private static readonly Option<string?> District = new("--district") { Description = "District code" };
    private static readonly Option<string?> Occurred = new("--occurred") { Description = "When it happened (ISO 8601 with offset; default now)" };
    private static readonly Option<string?> Address = new("--place") { Description = "Where it happened (address)" };
    private static readonly Option<double?> Latitude = new("--lat") { Description = "Latitude" };
    private static readonly Option<double?> Longitude = new("--lon") { Description = "Longitude" };
    private static readonly Option<int?> Deaths = new("--deaths") { Description = "Deaths to date" };
    private static readonly Option<int?> Missing = new("--missing") { Description = "Missing to date" };
    private static readonly Option<int?> Injured = new("--injured") { Description = "Seriously injured to date" };
    private static readonly Option<long?> Loss = new("--loss") { Description = "Direct loss to date (CNY)" };
    private static readonly Option<string?> Account = new("--account") { Description = "What happened / what changed" };
    private static readonly Option<string?> Unit = new("--unit") { Description = "Reporting unit" };
    private static readonly Option<string?> Reporter = new("--reporter") { Description = "Reporting person" };
    private static readonly Option<string?> Signer = new("--signer") { Description = "Signing official (required for the final report)" };
    private static readonly Option<string?> ChangeReason = new("--change-reason") { Description = "Why a count fell or jumped" };
    private static readonly Option<int> Limit = Paging.LimitOption("incidents");

    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var report = new Command("report", "Incident reports: initial, follow-up, final, show, list");
        root.Subcommands.Add(report);
        Option[] body = [File, Category, District, Occurred, Address, Latitude, Longitude, Deaths, Missing, Injured, Loss, Account, Unit, Reporter, Signer, ChangeReason];
        IncidentReportService.IncidentReportServiceClient Client(Session s) => new(s.Invoker);

        void Add(string name, string description, Func<Session, ParseResult, CancellationToken, Task> run, params Symbol[] symbols) =>
            WarningsCli.AddCommand(report, name, description, output, error, run, symbols);

        Add("initial", "The first report of a new incident", async (s, p, ct) =>
            Show(s, await Client(s).SubmitInitialAsync(new SubmitInitialRequest { RequestId = WarningsCli.Id(p), Body = await BodyAsync(s, p, ct) }, cancellationToken: ct)), body);
        Add("follow-up", "A follow-up report (cumulative counts)", async (s, p, ct) =>
            Show(s, await Client(s).SubmitFollowUpAsync(new SubmitFollowUpRequest { RequestId = WarningsCli.Id(p), IncidentId = p.GetValue(IncidentId)!, Body = await BodyAsync(s, p, ct) }, cancellationToken: ct)),
            [IncidentId, .. body]);
        Add("final", "The final report; closes the incident", async (s, p, ct) =>
            Show(s, await Client(s).SubmitFinalAsync(new SubmitFollowUpRequest { RequestId = WarningsCli.Id(p), IncidentId = p.GetValue(IncidentId)!, Body = await BodyAsync(s, p, ct) }, cancellationToken: ct)),
            [IncidentId, .. body]);
        Add("show", "An incident with every report", async (s, p, ct) =>
        {
            var timeline = await Client(s).GetTimelineAsync(new GetIncidentRequest { IncidentId = p.GetValue(IncidentId)! }, cancellationToken: ct);
            s.Print(timeline, () =>
            {
                Summary(s, timeline.Incident);
                var table = new Table().AddColumns("#", "kind", "received", "due", "late", "class", "deaths", "account");
                foreach (var r in timeline.Reports)
                {
                    table.AddRow(r.Sequence.ToString(), r.Kind.ToString(), r.ReceivedAt.ToDateTimeOffset().ToString("u"), r.DueAt.ToDateTimeOffset().ToString("u"),
                        r.Late ? "[red]late[/]" : "on time", r.SeverityClass, r.Body?.Totals?.Deaths.ToString() ?? "0", Markup.Escape(r.Body?.Account ?? ""));
                }

                s.Console.Write(table);
            });
        }, IncidentId);
        Add("list", "Incidents (open and closed)", async (s, p, ct) =>
        {
            int limit = Paging.Limit(p, Limit);
            var list = new ListIncidentsResponse();
            list.NextPageToken = await Paging.CollectAsync(limit, list.Incidents, async (size, token) =>
            {
                var page = await Client(s).ListIncidentsAsync(new ListIncidentsRequest { PageSize = size, PageToken = token }, cancellationToken: ct);
                return (page.Incidents, page.NextPageToken);
            });

            s.Print(list, () =>
            {
                var table = new Table().AddColumns("id", "district", "category", "class", "state", "reports", "next due");
                foreach (var i in list.Incidents)
                {
                    table.AddRow(i.Id, i.District, i.Category, i.SeverityClass, i.Closed ? "closed" : i.Overdue ? "[red]overdue[/]" : "open", i.Reports.ToString(), i.NextReportDueLocal);
                }

                s.Console.Write(table);
                Paging.NoteMore(s, list.Incidents.Count, limit, list.NextPageToken, "incidents", "the REST filters");
            });
        }, Limit);
    }

    private static void Show(Session s, ReportReceipt receipt) => s.Print(receipt, () => Summary(s, receipt.Incident));

    private static void Summary(Session s, Incident i) =>
        s.Console.MarkupLine($"[bold]{i.Id}[/] {i.District} {i.Category} class {i.SeverityClass} {(i.Closed ? "closed" : "open")} reports {i.Reports}{(i.NextReportDueLocal.Length > 0 ? $", next due {i.NextReportDueLocal}" : "")}");

    private static async Task<ReportBody> BodyAsync(Session s, ParseResult p, CancellationToken ct)
    {
        if (p.GetValue(Category) is not null || p.GetValue(District) is not null)
        {
            var list = await s.PublicationListAsync(ct);
            Vocabulary.Check("category", [p.GetValue(Category)], Vocabulary.Categories(list));
            Vocabulary.Check("district", [p.GetValue(District)], Vocabulary.Districts(list));
        }

        var body = p.GetValue(File) is { } file ? ReportBody.Parser.ParseJson(await WarningCommands.ReadAsync(file)) : new ReportBody();
        body.Category = p.GetValue(Category) ?? body.Category;
        body.District = p.GetValue(District) ?? body.District;
        body.Address = p.GetValue(Address) ?? body.Address;
        body.Account = p.GetValue(Account) ?? body.Account;
        body.ReportingUnit = p.GetValue(Unit) ?? body.ReportingUnit;
        body.Reporter = p.GetValue(Reporter) ?? body.Reporter;
        body.SigningOfficial = p.GetValue(Signer) ?? body.SigningOfficial;
        body.CountChangeReason = p.GetValue(ChangeReason) ?? body.CountChangeReason;
        if (p.GetValue(Occurred) is { } occurred)
        {
            body.OccurredAt = DateTimeOffset.TryParse(occurred, out var at) ? Timestamp.FromDateTimeOffset(at) : throw new CliException($"--occurred: '{occurred}' is not an ISO 8601 time");
        }
        else if (body.OccurredAt is null && body.Category.Length > 0)
        {
            body.OccurredAt = Timestamp.FromDateTimeOffset(WarningsCli.Time.GetUtcNow());
        }

        if (p.GetValue(Latitude) is { } lat && p.GetValue(Longitude) is { } lon)
        {
            body.Location = new GeoPoint { Latitude = lat, Longitude = lon };
        }

        body.Totals ??= new IncidentCounts();
        body.Totals.Deaths = p.GetValue(Deaths) ?? body.Totals.Deaths;
        body.Totals.Missing = p.GetValue(Missing) ?? body.Totals.Missing;
        body.Totals.SeriouslyInjured = p.GetValue(Injured) ?? body.Totals.SeriouslyInjured;
        body.Totals.DirectLossYuan = p.GetValue(Loss) ?? body.Totals.DirectLossYuan;
        return body;
    }
}
