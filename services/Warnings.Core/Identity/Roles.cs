namespace Warnings.Core.Identity;

/// <summary>The roles a principal can hold (DESIGN.md section 1). Codes are an API: never renamed.</summary>
public static class Roles
{
    /// <summary>Drafts, submits, publishes, updates and lifts warnings for their department.</summary>
    public const string DutyOfficer = "duty_officer";

    /// <summary>Reviews and signs off warnings (leader sign-off for orange and red) for their department.</summary>
    public const string Approver = "approver";

    /// <summary>Edits the publication list.</summary>
    public const string ListAdmin = "list_admin";

    /// <summary>Submits incident reports for their own district.</summary>
    public const string DistrictReporter = "district_reporter";

    /// <summary>A partner agency reading feeds within its entitlement.</summary>
    public const string Partner = "partner";

    /// <summary>Reads analysis and dashboards.</summary>
    public const string Analyst = "analyst";

    /// <summary>Runs the platform: keys, audit, diagnostics, rebuilds.</summary>
    public const string Operator = "operator";

    /// <summary>
    /// A wall screen paired through a display session (<see cref="DisplaySession"/>): reads the
    /// dashboard and nothing else. Not a role a key can hold, so not in <see cref="All"/>.
    /// </summary>
    public const string Display = "display";

    /// <summary>Used in <see cref="RpcAccessAttribute"/>: any authenticated principal, whatever its roles.</summary>
    public const string AnyAuthenticated = "*";

    public static IReadOnlyList<string> All { get; } = [DutyOfficer, Approver, ListAdmin, DistrictReporter, Partner, Analyst, Operator];

    public static bool IsKnown(string role) => All.Contains(role);
}
