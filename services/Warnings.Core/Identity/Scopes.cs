using Google.Rpc;
using Grpc.Core;
using Warnings.Core.Domain;
using Warnings.Core.Grpc;

namespace Warnings.Core.Identity;

/// <summary>
/// The scope checks domain services call once the role check has passed: may this caller act for
/// this department, for this district, and what may this partner receive. Each refusal is
/// PERMISSION_DENIED with a stable reason and what was asked for in the ErrorInfo metadata.
/// </summary>
public static class Scopes
{
    /// <summary>The whole city (GB/T 2260): as a reporter's district it covers every district.</summary>
    public const string CityWide = "310000";

    /// <summary>True when <paramref name="caller"/> acts for <paramref name="department"/>.</summary>
    public static bool MayActForDepartment(this PlatformPrincipal caller, string department) =>
        caller.Department is { Length: > 0 } own && string.Equals(own, department, StringComparison.Ordinal);

    /// <summary>Throws PERMISSION_DENIED <c>DEPARTMENT_OUT_OF_SCOPE</c> unless the caller acts for <paramref name="department"/>.</summary>
    public static void RequireDepartment(this PlatformPrincipal caller, string department)
    {
        if (!caller.MayActForDepartment(department))
        {
            throw Denied(IdentityReasons.DepartmentOutOfScope,
                $"{caller.Id} may not act for department {department}.",
                new() { ["department"] = department, ["caller_department"] = caller.Department ?? "" });
        }
    }

    /// <summary>True when <paramref name="caller"/> reports for <paramref name="district"/> (or for the whole city).</summary>
    public static bool MayActForDistrict(this PlatformPrincipal caller, string district) =>
        caller.District is { Length: > 0 } own && (own == district || own == CityWide);

    /// <summary>Throws PERMISSION_DENIED <c>DISTRICT_OUT_OF_SCOPE</c> unless the caller reports for <paramref name="district"/>.</summary>
    public static void RequireDistrict(this PlatformPrincipal caller, string district)
    {
        if (!caller.MayActForDistrict(district))
        {
            throw Denied(IdentityReasons.DistrictOutOfScope,
                $"{caller.Id} may not act for district {district}.",
                new() { ["district"] = district, ["caller_district"] = caller.District ?? "" });
        }
    }

    /// <summary>
    /// Whether <paramref name="caller"/> may read something of <paramref name="district"/>: in full
    /// through one of <paramref name="broadRoles"/> (the roles allowed that very read in full), or as a
    /// <c>district_reporter</c> of that district (or of the city). Holding some other role grants
    /// nothing: a principal with several roles sees exactly the union of what each role sees.
    /// </summary>
    public static bool MayReadDistrict(this PlatformPrincipal caller, string district, params IEnumerable<string> broadRoles) =>
        caller.HasAnyRole(broadRoles) || (caller.HasRole(Roles.DistrictReporter) && caller.MayActForDistrict(district));

    /// <summary>
    /// Whether <paramref name="caller"/> may receive a warning of this hazard, level and area: in full
    /// through one of <paramref name="broadRoles"/>, or as a <c>partner</c> whose entitlement covers
    /// it. Other roles grant nothing (the union of what each role sees).
    /// </summary>
    public static bool MayReceive(this PlatformPrincipal caller, string hazard, string? level, IEnumerable<string> districts, params IEnumerable<string> broadRoles) =>
        caller.HasAnyRole(broadRoles)
        || (caller.HasRole(Roles.Partner) && (caller.Entitlements ?? Entitlements.None).Covers(hazard, level, districts));

    /// <summary>
    /// The filter a partner gets when it asks for <paramref name="requested"/>: empty parts mean
    /// "everything I am entitled to". Asking for a hazard, district or level beyond the entitlement is
    /// refused (PERMISSION_DENIED <c>ENTITLEMENT_EXCEEDED</c>, listing what is beyond) rather than
    /// silently narrowed, so a partner never believes it receives what it does not.
    /// </summary>
    public static Entitlements RestrictToEntitlement(this PlatformPrincipal caller, Entitlements requested)
    {
        // Only the partner role carries an entitlement; a principal without it is entitled to nothing.
        var entitled = caller.HasRole(Roles.Partner) ? caller.Entitlements ?? Entitlements.None : Entitlements.None;
        var beyond = new List<string>();
        beyond.AddRange(requested.Hazards.Where(h => !entitled.CoversHazard(h)).Select(h => $"hazard {h}"));
        beyond.AddRange(requested.Districts.Where(d => !entitled.CoversDistrict(d)).Select(d => $"district {d}"));
        string minimum = requested.MinimumLevel is { Length: > 0 } level ? level : entitled.MinimumLevel;
        if (WarningLevels.Rank(minimum) < WarningLevels.Rank(entitled.MinimumLevel))
        {
            beyond.Add($"level {minimum} (entitled from {entitled.MinimumLevel})");
        }

        if (beyond.Count > 0)
        {
            throw Denied(IdentityReasons.EntitlementExceeded,
                $"Beyond {caller.Id}'s entitlement: {string.Join(", ", beyond)}.",
                new() { ["beyond"] = string.Join(",", beyond) });
        }

        return new Entitlements(
            requested.Hazards.Count > 0 ? requested.Hazards : entitled.Hazards,
            requested.Districts.Count > 0 ? requested.Districts : entitled.Districts,
            minimum);
    }

    private static RpcException Denied(string reason, string message, Dictionary<string, string> metadata) =>
        GrpcErrors.Build(Code.PermissionDenied, reason, message, metadata);
}
