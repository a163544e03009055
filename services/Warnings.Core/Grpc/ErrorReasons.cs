namespace Warnings.Core.Grpc;

/// <summary>
/// Stable reason codes sent in <c>google.rpc.ErrorInfo.reason</c> (domain <see cref="GrpcErrors.Domain"/>).
/// They are an API: clients switch on them, so a code is never renamed or reused. Modules add their
/// own codes next to their domain; the ones here are shared by every service.
/// </summary>
public static class ErrorReasons
{
    /// <summary>One or more request fields are invalid; the BadRequest detail lists each.</summary>
    public const string InvalidRequest = "INVALID_REQUEST";

    /// <summary>The named resource does not exist (or the caller may not know that it does).</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>
    /// The store or the broker cannot be reached right now; retry after the RetryInfo delay with the
    /// same request id (a command that did commit answers its first response).
    /// </summary>
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>INVALID_ARGUMENT: a page token the service did not give out (e.g. beyond the last item).</summary>
    public const string PageTokenInvalid = "PAGE_TOKEN_INVALID";

    /// <summary>INVALID_ARGUMENT: a version beyond the current one was named.</summary>
    public const string VersionBeyondCurrent = "VERSION_BEYOND_CURRENT";

    /// <summary>
    /// INVALID_ARGUMENT: the request id was already used by this caller for this RPC with a different
    /// request. Nothing was done; send the new request with a new id.
    /// </summary>
    public const string RequestIdReused = "REQUEST_ID_REUSED";

    /// <summary>The server failed; the message carries a reference for the logs, never details.</summary>
    public const string Internal = "INTERNAL";
}
