namespace Warnings.Core.Identity;

/// <summary>
/// Declares who may call an RPC: put it on the service's override of the method. An RPC without it
/// is refused to everyone (and fails the role-matrix test), so no RPC is ever left open by accident.
/// <code>
/// [RpcAccess(Roles.DutyOfficer, Mutating = true)]
/// public override Task&lt;Warning&gt; Publish(PublishRequest request, ServerCallContext context)
/// </code>
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RpcAccessAttribute(params string[] roles) : Attribute
{
    /// <summary>The roles allowed, or <see cref="Roles.AnyAuthenticated"/>.</summary>
    public IReadOnlyList<string> Roles { get; } = roles;

    /// <summary>A mutating call: audited whether allowed or refused, and rate limited per principal.</summary>
    public bool Mutating { get; init; }

    public bool Allows(PlatformPrincipal principal) =>
        Roles.Contains(Identity.Roles.AnyAuthenticated) || Roles.Any(principal.HasRole);
}
