using Google.Rpc;
using Grpc.Core;

namespace Warnings.Core.Grpc;

/// <summary>
/// Collects every problem with a request before anything is done, so the client hears about all of
/// them in one INVALID_ARGUMENT instead of one per round trip.
/// <code>
/// var problems = new FieldViolations();
/// problems.Check(request.Headline.Length > 0, "headline", "must not be empty");
/// problems.ThrowIfAny();
/// </code>
/// </summary>
public sealed partial class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> _violations = [];

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex IdPattern();

    /// <summary>
    /// The platform's rule for client-chosen ids (<c>request_id</c> on every mutating RPC, probe ids):
    /// 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.
    /// </summary>
    public FieldViolations CheckId(string value, string field = "request_id") =>
        Check(IdPattern().IsMatch(value), field, "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");

    public bool Any => _violations.Count > 0;

    /// <summary>Records a violation of <paramref name="field"/> unless <paramref name="ok"/>.</summary>
    public FieldViolations Check(bool ok, string field, string description)
    {
        if (!ok)
        {
            Add(field, description);
        }

        return this;
    }

    public FieldViolations Add(string field, string description)
    {
        _violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>Throws INVALID_ARGUMENT with every recorded violation, if there is any.</summary>
    public void ThrowIfAny(string reason = ErrorReasons.InvalidRequest)
    {
        if (Any)
        {
            throw GrpcErrors.InvalidArgument(_violations, reason);
        }
    }

    /// <summary>The exception with every violation; for callers that build it themselves.</summary>
    public RpcException ToException(string reason = ErrorReasons.InvalidRequest) => GrpcErrors.InvalidArgument(_violations, reason);
}
