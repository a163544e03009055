using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Warnings.Core.Domain;

namespace Warnings.Core.Identity;

/// <summary>
/// The caller of a call, whoever authenticated it (API key or JWT): an id, roles, and the scopes
/// the roles act within. Services get it with <see cref="PrincipalAccess.Caller(ServerCallContext)"/>.
/// </summary>
public sealed record PlatformPrincipal(
    string Id,
    IReadOnlySet<string> Roles,
    string? Department,
    string? District,
    Entitlements? Entitlements,
    string AuthenticatedBy,
    string? KeyId = null)
{
    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>True when the principal holds at least one of <paramref name="roles"/>.</summary>
    public bool HasAnyRole(params IEnumerable<string> roles) => roles.Any(Roles.Contains);

    /// <summary>The claims an authentication handler issues for this principal.</summary>
    public ClaimsPrincipal ToClaimsPrincipal(string authenticationType)
    {
        var claims = new List<Claim> { new(PlatformClaims.Subject, Id), new(PlatformClaims.AuthenticatedBy, AuthenticatedBy) };
        claims.AddRange(Roles.Select(r => new Claim(PlatformClaims.Role, r)));
        Add(claims, PlatformClaims.Department, Department);
        Add(claims, PlatformClaims.District, District);
        Add(claims, PlatformClaims.KeyId, KeyId);
        if (Entitlements is { } e)
        {
            claims.AddRange(e.Hazards.Select(h => new Claim(PlatformClaims.Hazards, h)));
            claims.AddRange(e.Districts.Select(d => new Claim(PlatformClaims.Districts, d)));
            claims.Add(new Claim(PlatformClaims.MinimumLevel, e.MinimumLevel));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, PlatformClaims.Subject, PlatformClaims.Role));
    }

    /// <summary>
    /// The principal in an authenticated <see cref="ClaimsPrincipal"/>, from our API-key handler or from
    /// a JWT whose claims follow <see cref="PlatformClaims"/> (roles as <c>role</c> or <c>roles</c>,
    /// repeated or space-separated). Null when not authenticated or without a subject.
    /// </summary>
    public static PlatformPrincipal? From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(PlatformClaims.Subject)?.Value is not { Length: > 0 } id)
        {
            return null;
        }

        var roles = Values(user, PlatformClaims.Role).Concat(Values(user, "roles")).ToHashSet(StringComparer.Ordinal);
        var hazards = Values(user, PlatformClaims.Hazards).ToHashSet(StringComparer.Ordinal);
        var districts = Values(user, PlatformClaims.Districts).ToHashSet(StringComparer.Ordinal);
        string? minimumLevel = user.FindFirst(PlatformClaims.MinimumLevel)?.Value;
        var entitlements = hazards.Count + districts.Count > 0 || minimumLevel is not null
            ? new Entitlements(hazards, districts, WarningLevels.IsKnown(minimumLevel) ? minimumLevel! : WarningLevels.Red)
            : null;
        return new PlatformPrincipal(
            id,
            roles,
            user.FindFirst(PlatformClaims.Department)?.Value,
            user.FindFirst(PlatformClaims.District)?.Value,
            entitlements,
            user.FindFirst(PlatformClaims.AuthenticatedBy)?.Value ?? "jwt",
            user.FindFirst(PlatformClaims.KeyId)?.Value);
    }

    private static IEnumerable<string> Values(ClaimsPrincipal user, string type) =>
        user.FindAll(type).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Add(List<Claim> claims, string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            claims.Add(new Claim(type, value));
        }
    }
}

/// <summary>Claim types of a platform principal; a city SSO's JWTs carry the same names.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Department = "department";
    public const string District = "district";
    public const string Hazards = "hazards";
    public const string Districts = "districts";
    public const string MinimumLevel = "min_level";
    public const string AuthenticatedBy = "auth_by";
    public const string KeyId = "key_id";
}

/// <summary>How services reach the caller the access interceptor authenticated.</summary>
public static class PrincipalAccess
{
    private static readonly object ItemKey = typeof(PlatformPrincipal);

    /// <summary>The authenticated caller of this call. Only RPCs open to anonymous callers (none in warnings.v1) lack one.</summary>
    public static PlatformPrincipal Caller(this ServerCallContext context) =>
        context.GetHttpContext().Items[ItemKey] as PlatformPrincipal
        ?? throw new InvalidOperationException("No authenticated caller: is the access interceptor registered?");

    internal static void SetCaller(this HttpContext http, PlatformPrincipal principal) => http.Items[ItemKey] = principal;
}
