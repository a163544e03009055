using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Reporting.Domain;

namespace Warnings.Reporting.Tests;

/// <summary>Reports, rules and clocks for the life-cycle tests: the default list's reporting rules, a fire at T0.</summary>
internal static class IncidentBuilders
{
    /// <summary>16:30 in Shanghai.</summary>
    public static readonly Instant T0 = Instant.FromUtc(2026, 7, 15, 8, 30);

    public static readonly ReportingRules Rules = new()
    {
        Categories =
        {
            new IncidentCategory { Code = "fire", Reportable = true, CorrectionWindowDays = 7 },
            new IncidentCategory { Code = "production_safety", Reportable = true, CorrectionWindowDays = 30 },
            new IncidentCategory { Code = "natural_disaster", Reportable = true, CorrectionWindowDays = 30 },
            new IncidentCategory { Code = "retired", Reportable = false, CorrectionWindowDays = 30 },
        },
        Deadlines =
        {
            new SeverityDeadline { SeverityClass = "I", InitialReportMinutes = 30, FollowUpEveryHours = 12 },
            new SeverityDeadline { SeverityClass = "II", InitialReportMinutes = 30, FollowUpEveryHours = 12 },
            new SeverityDeadline { SeverityClass = "III", InitialReportMinutes = 60, FollowUpEveryHours = 24 },
            new SeverityDeadline { SeverityClass = "IV", InitialReportMinutes = 120, FollowUpEveryHours = 24 },
        },
        DirectEscalationDeadOrMissing = 10,
        DirectEscalationCategories = { "natural_disaster" },
    };

    public static ReportContext At(Instant now) => new("reporter.huangpu", now, Rules, 3, 5);

    public static IncidentCounts Counts(int deaths = 0, int trapped = 0, int missing = 0) => new() { Deaths = deaths, Trapped = trapped, Missing = missing };

    public static ReportBody Initial(IncidentCounts counts, string category = "fire", string address = "中山东一路 1 号") => new()
    {
        Category = category,
        OccurredAt = T0.ToTimestamp(),
        District = "310101",
        Address = address,
        ReportingUnit = "黄浦区应急管理局",
        Reporter = "王值班",
        Totals = counts,
        Account = "仓库起火。",
    };

    public static ReportBody FollowUp(IncidentCounts counts, string countChangeReason = "") => new() { Totals = counts, Account = "续报", CountChangeReason = countChangeReason };

    public static ReportBody Final(IncidentCounts counts, string countChangeReason = "") =>
        new() { Totals = counts, Account = "终报", SigningOfficial = "李局长", CountChangeReason = countChangeReason };

    /// <summary>A fire with <paramref name="deaths"/> dead, reported 10 minutes after it broke out.</summary>
    public static IncidentLifeCycle Fire(int deaths, int trapped = 0, int missing = 0, string category = "fire") =>
        IncidentLifeCycle.Open("i-1", Initial(Counts(deaths, trapped, missing), category), At(T0 + Duration.FromMinutes(10))).Incident;

    /// <summary>The refusal <paramref name="act"/> throws, checked for its code and reason.</summary>
    public static RpcException Refused(Action act, StatusCode code, string reason)
    {
        var error = Assert.Throws<RpcException>(act);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        return error;
    }

    public static IReadOnlyList<string> Fields(RpcException error) =>
        error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
}
