using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;

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
    /// <summary>At most this many violations are kept; the rest are counted in one last "and N more" violation.</summary>
    public const int MaxViolations = 100;

    /// <summary>A description longer than this (it may quote what the caller sent) is cut.</summary>
    public const int MaxDescriptionLength = 300;

    /// <summary>The earliest instant a request may name: 1970-01-01T00:00:00Z.</summary>
    public static readonly Instant EarliestInstant = Instant.FromUtc(1970, 1, 1, 0, 0);

    /// <summary>The latest instant a request may name: 2200-01-01T00:00:00Z (later ones overflow period arithmetic).</summary>
    public static readonly Instant LatestInstant = Instant.FromUtc(2200, 1, 1, 0, 0);

    private readonly List<BadRequest.Types.FieldViolation> _violations = [];
    private int _omitted;

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex IdPattern();

    /// <summary>
    /// The platform's rule for client-chosen ids (<c>request_id</c> on every mutating RPC, probe ids):
    /// 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.
    /// </summary>
    public FieldViolations CheckId(string value, string field = "request_id") =>
        Check(IdPattern().IsMatch(value), field, "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");

    public bool Any => _violations.Count > 0;

    /// <summary>The violations recorded so far (for a dry run that answers them instead of refusing).</summary>
    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations => All();

    /// <summary>How many violations were recorded so far (kept or counted).</summary>
    public int Count => _violations.Count + _omitted;

    /// <summary>
    /// Checks a client-supplied timestamp: valid protobuf, and within years 1970-2199
    /// (<see cref="EarliestInstant"/>, <see cref="LatestInstant"/>). <paramref name="instant"/> is the
    /// value when it is, default otherwise. A null timestamp is a violation unless <paramref name="optional"/>.
    /// </summary>
    public FieldViolations CheckInstant(Google.Protobuf.WellKnownTypes.Timestamp? timestamp, string field, out Instant instant, bool optional = true)
    {
        instant = default;
        if (timestamp is null)
        {
            return Check(optional, field, "is required");
        }

        if (!TimestampConversions.TryToInstant(timestamp, out var value))
        {
            return Add(field, "is not a valid timestamp");
        }

        if (value < EarliestInstant || value >= LatestInstant)
        {
            return Add(field, "must be between 1970-01-01 and 2200-01-01 (UTC)");
        }

        instant = value;
        return this;
    }

    /// <summary>Records a violation when <paramref name="value"/> is longer than <paramref name="max"/> characters.</summary>
    public FieldViolations CheckLength(string value, string field, int max) =>
        Check(value.Length <= max, field, $"must be at most {max} characters (got {value.Length})");

    /// <summary>Records a violation when a repeated field has more than <paramref name="max"/> items.</summary>
    public FieldViolations CheckCount(int count, string field, int max) =>
        Check(count <= max, field, $"must have at most {max} items (got {count})");

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
        if (_violations.Count >= MaxViolations)
        {
            _omitted++;
            return this;
        }

        _violations.Add(new BadRequest.Types.FieldViolation { Field = Cut(field), Description = Cut(description) });
        return this;
    }

    private static string Cut(string text) => text.Length <= MaxDescriptionLength ? text : string.Concat(text.AsSpan(0, MaxDescriptionLength), "...");

    private List<BadRequest.Types.FieldViolation> All() => _omitted == 0
        ? _violations
        : [.. _violations, new BadRequest.Types.FieldViolation { Field = "*", Description = $"and {_omitted} more" }];

    /// <summary>Throws INVALID_ARGUMENT with every recorded violation, if there is any.</summary>
    public void ThrowIfAny(string reason = ErrorReasons.InvalidRequest)
    {
        if (Any)
        {
            throw GrpcErrors.InvalidArgument(All(), reason);
        }
    }

    /// <summary>The exception with every violation; for callers that build it themselves.</summary>
    public RpcException ToException(string reason = ErrorReasons.InvalidRequest) => GrpcErrors.InvalidArgument(All(), reason);
}
