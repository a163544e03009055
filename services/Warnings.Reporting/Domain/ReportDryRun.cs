using Google.Rpc;
using Grpc.Core;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;

namespace Warnings.Reporting.Domain;

/// <summary>
/// A report tried and thrown away, for a form that shows the platform's judgement while it is being
/// filled in: the checks a submission meets, then the very change of <see cref="IncidentLifeCycle"/>
/// run on a copy of the incident. What it would be refused for comes back as problems instead of an
/// error, and what it would cause (class, escalation, lateness) comes from the outcome itself, so the
/// preview cannot drift from the rules that judge the real submission.
/// </summary>
public static class ReportDryRun
{
    /// <summary>An initial report (首报): the checks of a submission, then a new incident opened on the side.</summary>
    public static ReportPreview Initial(ReportBody body, DistrictMap map, ReportingOptions options, ReportContext context)
    {
        var problems = new FieldViolations();
        ReportRules.CheckRequired(ReportKind.Initial, body, problems);
        ReportRules.CheckPlaceAndTime(body, map, options, context.Now, problems);
        ReportRules.CheckCategory(body, context.Rules, context.ListVersion, problems);
        var preview = Start(body, body.District, map, options, context);
        return Answer(preview, problems, () => IncidentLifeCycle.Open("preview", body, context).Outcome);
    }

    /// <summary>
    /// A follow-up (续报), the final report (终报) or, with <paramref name="corrects"/> &gt; 0, the
    /// correction of that report, on a copy of the stored <paramref name="timeline"/>.
    /// </summary>
    public static ReportPreview Change(IncidentTimeline timeline, ReportKind kind, int corrects, string reason, ReportBody body,
        DistrictMap map, ReportingOptions options, ReportContext context)
    {
        var problems = new FieldViolations();
        if (corrects > 0)
        {
            problems.Check(reason.Trim().Length > 0, "reason", "say why the report is corrected");
        }

        // As a submission is checked before its incident is loaded (a correction's kind is known only after).
        ReportRules.CheckRequired(corrects > 0 ? ReportKind.FollowUp : kind, body, problems);
        ReportRules.CheckPlaceAndTime(new ReportBody { Location = body.Location, OccurredAt = body.OccurredAt }, map, options, context.Now, problems);
        var incident = IncidentLifeCycle.Of(timeline.Clone());
        var preview = Start(body, incident.Incident.District, map, options, context);
        preview.IncidentSeverityClass = incident.Incident.SeverityClass;
        preview.HighestSeverityClass = incident.Incident.HighestSeverityClass;
        return Answer(preview, problems, () => corrects > 0
            ? incident.Correct(corrects, body, reason.Trim(), context)
            : incident.Submit(kind, body, context));
    }

    /// <summary>Where a location lies: in which district, and how far from <paramref name="district"/>.</summary>
    public static PlaceCheck Place(GeoPoint? location, string district, DistrictMap map, ReportingOptions options)
    {
        var place = new PlaceCheck { FarKm = options.FarFromDistrictKm };
        if (location is null || !double.IsFinite(location.Latitude) || !double.IsFinite(location.Longitude)
            || Math.Abs(location.Latitude) > 90 || Math.Abs(location.Longitude) > 180)
        {
            return place;
        }

        place.Located = true;
        place.DistrictAt = map.Districts.Select(d => d.Code).FirstOrDefault(code => map.InDistrict(code, location.Latitude, location.Longitude)) ?? "";
        place.InCity = place.DistrictAt.Length > 0;
        if (map.Knows(district))
        {
            place.DistanceKm = Math.Round(map.DistanceKm(district, location.Latitude, location.Longitude), 2);
            place.NearDistrict = place.DistanceKm <= options.FarFromDistrictKm;
        }

        return place;
    }

    private static ReportPreview Start(ReportBody body, string district, DistrictMap map, ReportingOptions options, ReportContext context) => new()
    {
        SeverityClass = Severity.Of(body.Totals),
        Place = Place(body.Location, district, map, options),
        ListVersion = context.ListVersion,
    };

    // The outcome when the checks pass; otherwise (or when the life cycle refuses) the problems.
    private static ReportPreview Answer(ReportPreview preview, FieldViolations problems, Func<ReportOutcome> run)
    {
        if (problems.Any)
        {
            preview.Problems.AddRange(problems.Violations.Select(v => new ReportProblem { Reason = ReportRules.Reason, Field = v.Field, Description = v.Description }));
        }
        else
        {
            try
            {
                var outcome = run();
                var escalations = outcome.Events.OfType<IncidentEscalated>().ToList();
                preview.SeverityClass = outcome.Report.SeverityClass;
                preview.DueAt = outcome.Report.DueAt;
                preview.DueLocal = ShanghaiTime.Display(outcome.Report.DueAt.ToInstant());
                preview.Late = outcome.Report.Late;
                preview.Escalates = escalations.Any(e => !e.DirectToMunicipal);
                preview.DirectToMunicipal = escalations.Any(e => e.DirectToMunicipal);
            }
            catch (RpcException refused)
            {
                var status = refused.GetRpcStatus();
                string reason = status?.GetDetail<ErrorInfo>()?.Reason ?? refused.StatusCode.ToString();
                var fields = status?.GetDetail<BadRequest>()?.FieldViolations;
                preview.Problems.AddRange(fields is { Count: > 0 }
                    ? fields.Select(v => new ReportProblem { Reason = reason, Field = v.Field, Description = v.Description })
                    : [new ReportProblem { Reason = reason, Description = refused.Status.Detail }]);
            }
        }

        preview.Acceptable = preview.Problems.Count == 0;
        return preview;
    }
}
