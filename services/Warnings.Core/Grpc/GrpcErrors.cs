using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Warnings.Core.Grpc;

/// <summary>
/// The one place that turns a refusal into a gRPC error: a status code, a human message, and the
/// <c>google.rpc</c> details clients can act on (ErrorInfo with a stable reason code, BadRequest with
/// one violation per field). Every service throws what these methods build; nothing else constructs
/// RpcExceptions by hand.
/// </summary>
public static class GrpcErrors
{
    /// <summary>The ErrorInfo domain of every error the platform returns.</summary>
    public const string Domain = "warnings.v1";

    /// <summary>INVALID_ARGUMENT listing every bad field at once.</summary>
    public static RpcException InvalidArgument(IReadOnlyCollection<BadRequest.Types.FieldViolation> violations, string reason = ErrorReasons.InvalidRequest)
    {
        // Error details travel in trailers, which clients cap (a few KB to 16 KB): keep them bounded.
        if (violations.Count > FieldViolations.MaxViolations + 1)
        {
            violations = [.. violations.Take(FieldViolations.MaxViolations),
                new BadRequest.Types.FieldViolation { Field = "*", Description = $"and {violations.Count - FieldViolations.MaxViolations} more" }];
        }

        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations);
        string message = violations.Count == 1
            ? $"Invalid {violations.First().Field}: {violations.First().Description}"
            : $"{violations.Count} invalid fields: {string.Join("; ", violations.Take(10).Select(v => $"{v.Field}: {v.Description}"))}{(violations.Count > 10 ? "; ..." : "")}";
        return Build(Code.InvalidArgument, reason, message, metadata: null, badRequest);
    }

    /// <summary>INVALID_ARGUMENT for one field.</summary>
    public static RpcException InvalidArgument(string field, string description) =>
        InvalidArgument([new BadRequest.Types.FieldViolation { Field = field, Description = description }]);

    /// <summary>NOT_FOUND for the resource named in <paramref name="metadata"/>.</summary>
    public static RpcException NotFound(string message, IReadOnlyDictionary<string, string>? metadata = null) =>
        Build(Code.NotFound, ErrorReasons.NotFound, message, metadata);

    /// <summary>
    /// Any status with a reason code, message, optional ErrorInfo metadata and further details
    /// (BadRequest, RetryInfo...).
    /// </summary>
    public static RpcException Build(Code code, string reason, string message, IReadOnlyDictionary<string, string>? metadata = null, params IMessage[] details)
    {
        var info = new ErrorInfo { Domain = Domain, Reason = reason };
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                info.Metadata[key] = Cut(value, MaxMetadataValue);
            }
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = Cut(message, MaxMessage) };
        status.Details.Add(Any.Pack(info));
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail is BadRequest badRequest ? Bounded(badRequest) : detail));
        }

        return status.ToRpcException();
    }

    // Field violations echo what the caller sent: each is cut short, and as many are kept as fit the
    // budget (base64 in a trailer grows by a third), the rest counted in one "and N more".
    private static BadRequest Bounded(BadRequest badRequest)
    {
        var violations = badRequest.FieldViolations
            .Select(v => new BadRequest.Types.FieldViolation { Field = Cut(v.Field, MaxViolationText), Description = Cut(v.Description, MaxViolationText) })
            .ToList();
        var bounded = new BadRequest();
        int size = 0;
        for (int i = 0; i < violations.Count; i++)
        {
            size += violations[i].CalculateSize();
            if (size > MaxViolationBytes)
            {
                long more = violations.Skip(i).Sum(Represented);
                bounded.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "*", Description = $"and {more} more" });
                break;
            }

            bounded.FieldViolations.Add(violations[i]);
        }

        return bounded;
    }

    // How many violations one entry stands for: an "and N more" already counts N.
    private static long Represented(BadRequest.Types.FieldViolation violation) =>
        violation.Field == "*" && violation.Description.StartsWith("and ", StringComparison.Ordinal)
            && long.TryParse(violation.Description.AsSpan(4, violation.Description.IndexOf(' ', 4) is > 4 and var end ? end - 4 : violation.Description.Length - 4), out long n)
            ? n : 1;

    // What a caller sent may be echoed into its refusal (an id, a value): bounded, so an error always
    // fits in the trailers a client accepts (gRPC clients cap headers at 8-64 KiB).
    private const int MaxMessage = 1_000;
    private const int MaxMetadataValue = 256;
    private const int MaxViolationText = 200;
    private const int MaxViolationBytes = 12_000;

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "...");
}
