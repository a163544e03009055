namespace Warnings.Core.Identity;

/// <summary>Stable reason codes (ErrorInfo.reason) for authentication, authorization and scope refusals.</summary>
public static class IdentityReasons
{
    /// <summary>UNAUTHENTICATED: no <c>authorization</c> header.</summary>
    public const string CredentialsMissing = "CREDENTIALS_MISSING";

    /// <summary>UNAUTHENTICATED: an <c>authorization</c> header in a form the platform does not accept.</summary>
    public const string CredentialsUnsupported = "CREDENTIALS_UNSUPPORTED";

    /// <summary>UNAUTHENTICATED: the API key is malformed or not known.</summary>
    public const string ApiKeyInvalid = "API_KEY_INVALID";

    /// <summary>UNAUTHENTICATED: the API key was revoked.</summary>
    public const string ApiKeyRevoked = "API_KEY_REVOKED";

    /// <summary>UNAUTHENTICATED: the API key is past its expiry.</summary>
    public const string ApiKeyExpired = "API_KEY_EXPIRED";

    /// <summary>UNAUTHENTICATED: the bearer token does not validate (signature, issuer, audience...).</summary>
    public const string TokenInvalid = "TOKEN_INVALID";

    /// <summary>UNAUTHENTICATED: the bearer token has expired.</summary>
    public const string TokenExpired = "TOKEN_EXPIRED";

    /// <summary>UNAUTHENTICATED: the console session is unknown, signed out or past its expiry.</summary>
    public const string SessionInvalid = "SESSION_INVALID";

    /// <summary>PERMISSION_DENIED: a console session's state-changing request without its CSRF token (or from another origin).</summary>
    public const string CsrfTokenInvalid = "CSRF_TOKEN_INVALID";

    /// <summary>PERMISSION_DENIED: none of the caller's roles may call this RPC.</summary>
    public const string RoleNotAllowed = "ROLE_NOT_ALLOWED";

    /// <summary>PERMISSION_DENIED: the RPC declares no roles, so nobody may call it.</summary>
    public const string RpcNotDeclared = "RPC_NOT_DECLARED";

    /// <summary>PERMISSION_DENIED: the caller may not act for this department.</summary>
    public const string DepartmentOutOfScope = "DEPARTMENT_OUT_OF_SCOPE";

    /// <summary>PERMISSION_DENIED: the caller may not act for this district.</summary>
    public const string DistrictOutOfScope = "DISTRICT_OUT_OF_SCOPE";

    /// <summary>PERMISSION_DENIED: a partner asked for more than its entitlement.</summary>
    public const string EntitlementExceeded = "ENTITLEMENT_EXCEEDED";

    /// <summary>RESOURCE_EXHAUSTED: too many mutating calls; RetryInfo says when to try again.</summary>
    public const string RateLimited = "RATE_LIMITED";
}
