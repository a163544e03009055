using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;

namespace Warnings.Reporting.Domain;

/// <summary>The severity class rose above the highest the incident had had, at a report or correction.</summary>
public sealed record ClassEscalation(int Sequence, string FromClass, string ToClass, Instant At);

/// <summary>
/// What an incident's reports add up to, replayed in the order they came. The one reading of a
/// timeline: the life cycle decides with it and the analysis projects with it, so both agree, and
/// a stored timeline always gives the same answers.
/// <list type="bullet">
/// <item>A report (initial, follow-up, final) becomes the latest; its counts are the incident's.</item>
/// <item>A correction replaces the content of the report it names. Only a correction of the latest
/// report changes the incident's figures and class; one of an earlier report changes that report.</item>
/// <item>The incident escalates when its class rises above the highest it has had: once per class.</item>
/// </list>
/// </summary>
public sealed class IncidentHistory
{
    private readonly Dictionary<int, IncidentReport> _bySequence = [];
    private readonly Dictionary<int, IncidentReport> _content = [];
    private readonly List<IncidentReport> _reports = [];
    private readonly List<ClassEscalation> _escalations = [];

    private IncidentHistory()
    {
    }

    /// <summary>The reports in sequence order, without corrections.</summary>
    public IReadOnlyList<IncidentReport> Reports => _reports;

    /// <summary>The latest report (not a correction), or null before the initial report.</summary>
    public IncidentReport? Latest => _reports.Count > 0 ? _reports[^1] : null;

    /// <summary>The incident's current counts: the latest report's content.</summary>
    public IncidentCounts Totals => Latest is { } latest ? Content(latest.Sequence).Body?.Totals ?? new IncidentCounts() : new IncidentCounts();

    /// <summary>The incident's current class (empty before the initial report).</summary>
    public string SeverityClass { get; private set; } = "";

    /// <summary>The highest class the incident has had (empty before the initial report).</summary>
    public string HighestSeverityClass { get; private set; } = "";

    /// <summary>Every rise above the highest class so far, in order.</summary>
    public IReadOnlyList<ClassEscalation> Escalations => _escalations;

    /// <summary>When the final report came, or null while the incident is open.</summary>
    public Instant? ClosedAt => _reports.FirstOrDefault(r => r.Kind == ReportKind.Final)?.ReceivedAt.ToInstant();

    /// <summary>
    /// The report a sequence number names, corrections resolved to the report they correct; null
    /// when the incident has no such report.
    /// </summary>
    public IncidentReport? Find(int sequence)
    {
        while (_bySequence.TryGetValue(sequence, out var report))
        {
            if (report.Corrects == 0)
            {
                return report;
            }

            if (report.Corrects >= sequence)
            {
                return null; // a correction only ever names an earlier sequence
            }

            sequence = report.Corrects;
        }

        return null;
    }

    /// <summary>The report as it stands now: its latest correction, or itself.</summary>
    public IncidentReport Content(int sequence) => _content.TryGetValue(sequence, out var content) ? content : _bySequence[sequence];

    /// <summary>The report before <paramref name="report"/>, or null for the initial report.</summary>
    public IncidentReport? Before(IncidentReport report) => _reports.LastOrDefault(r => r.Sequence < report.Sequence);

    /// <summary>The report after <paramref name="report"/>, or null for the latest.</summary>
    public IncidentReport? After(IncidentReport report) => _reports.FirstOrDefault(r => r.Sequence > report.Sequence);

    public static IncidentHistory Of(IEnumerable<IncidentReport> timeline)
    {
        var history = new IncidentHistory();
        foreach (var entry in timeline.OrderBy(r => r.Sequence))
        {
            history.Add(entry);
        }

        return history;
    }

    private void Add(IncidentReport entry)
    {
        _bySequence[entry.Sequence] = entry;
        IncidentReport? corrected = null;
        if (entry.Corrects == 0)
        {
            _reports.Add(entry);
        }
        else if ((corrected = Find(entry.Corrects)) is not null)
        {
            _content[corrected.Sequence] = entry;
        }
        else
        {
            return; // names no report (never accepted since REPORT_NOT_FOUND): changes nothing
        }

        // The incident's state moves with its latest report only.
        if (corrected is null || corrected.Sequence == Latest!.Sequence)
        {
            var totals = entry.Body?.Totals ?? new IncidentCounts();
            Move(Severity.Classify(totals.Deaths, totals.SeriouslyInjured, totals.DirectLossYuan), entry);
        }
    }

    private void Move(string severityClass, IncidentReport at)
    {
        if (HighestSeverityClass.Length == 0)
        {
            HighestSeverityClass = severityClass;
        }
        else if (Severity.Rank(severityClass) > Severity.Rank(HighestSeverityClass))
        {
            _escalations.Add(new ClassEscalation(at.Sequence, SeverityClass, severityClass, at.ReceivedAt?.ToInstant() ?? default));
            HighestSeverityClass = severityClass;
        }

        SeverityClass = severityClass;
    }
}
