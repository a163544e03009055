using Google.Protobuf;
using Google.Rpc;
using Microsoft.AspNetCore.Http;
using Warnings.Core.Grpc;

namespace Warnings.Core.Http;

/// <summary>
/// The one error shape of the HTTP port: a <c>google.rpc.Status</c> JSON body (<c>code</c>,
/// <c>message</c>, <c>details</c> with an ErrorInfo reason and, for bad input, a BadRequest), the
/// same body REST (gRPC JSON transcoding) answers, with the HTTP status its gRPC code maps to. Feeds,
/// CAP documents, the dashboard and the console answer their refusals through here, so a client
/// parses one shape whichever path it called.
/// </summary>
public static class HttpErrors
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Formats google.rpc.Status with its details (ErrorInfo, BadRequest, RetryInfo...) as proto JSON.</summary>
    public static readonly JsonFormatter StatusJson = new(JsonFormatter.Settings.Default.WithTypeRegistry(
        Google.Protobuf.Reflection.TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithTypeRegistry(
        Google.Protobuf.Reflection.TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    /// <summary>A google.rpc.Status JSON body read back (details of types it does not know fail it), or null.</summary>
    public static Google.Rpc.Status? TryParse(string json)
    {
        try
        {
            return StatusParser.Parse<Google.Rpc.Status>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidOperationException or FormatException or InvalidJsonException)
        {
            return null;
        }
    }

    /// <summary>The status with an ErrorInfo (domain <see cref="GrpcErrors.Domain"/>) and any further details.</summary>
    public static Google.Rpc.Status Status(Code code, string reason, string message, params IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo { Domain = GrpcErrors.Domain, Reason = reason }));
        foreach (var detail in details)
        {
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(detail));
        }

        return status;
    }

    /// <summary>INVALID_ARGUMENT (400) naming one bad field, as <see cref="GrpcErrors.InvalidArgument(string, string)"/> does over gRPC.</summary>
    public static Google.Rpc.Status InvalidField(string field, string description, string reason = ErrorReasons.InvalidRequest)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return Status(Code.InvalidArgument, reason, $"Invalid {field}: {description}", badRequest);
    }

    /// <summary>For minimal-API endpoints: the status as the response, with its mapped HTTP status.</summary>
    public static IResult Result(Google.Rpc.Status status) => new StatusResult(status, null);

    /// <summary>The same with an HTTP status of the path's own (413, 415) where the gRPC code's mapping is too coarse.</summary>
    public static IResult Result(Google.Rpc.Status status, int httpStatus) => new StatusResult(status, httpStatus);

    /// <summary>INVALID_ARGUMENT naming every bad field at once (form and query validators collect them all).</summary>
    public static Google.Rpc.Status InvalidFields(IReadOnlyDictionary<string, string[]> errors)
    {
        var badRequest = new BadRequest();
        foreach (var (field, descriptions) in errors)
        {
            foreach (string description in descriptions)
            {
                badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
            }
        }

        string fields = string.Join(", ", errors.Keys);
        return Status(Code.InvalidArgument, ErrorReasons.InvalidRequest, $"Invalid {fields}.", badRequest);
    }

    /// <summary>Writes the status as the whole response (the response must not have started).</summary>
    public static Task WriteAsync(HttpContext http, Google.Rpc.Status status, int? httpStatus = null)
    {
        http.Response.StatusCode = httpStatus ?? HttpStatusOf((Code)status.Code);
        http.Response.ContentType = ContentType;
        byte[] body = System.Text.Encoding.UTF8.GetBytes(StatusJson.Format(status));
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>The HTTP status of a gRPC code, as gRPC JSON transcoding maps it.</summary>
    public static int HttpStatusOf(Code code) => code switch
    {
        Code.Ok => StatusCodes.Status200OK,
        Code.Cancelled => 499,
        Code.InvalidArgument or Code.FailedPrecondition or Code.OutOfRange => StatusCodes.Status400BadRequest,
        Code.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        Code.NotFound => StatusCodes.Status404NotFound,
        Code.AlreadyExists or Code.Aborted => StatusCodes.Status409Conflict,
        Code.PermissionDenied => StatusCodes.Status403Forbidden,
        Code.Unauthenticated => StatusCodes.Status401Unauthorized,
        Code.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        Code.Unimplemented => StatusCodes.Status501NotImplemented,
        Code.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// The status for an error response an endpoint (or routing) left without a body: an unknown
    /// route, a method the route does not take, a bare 401 from a page's API.
    /// </summary>
    public static Google.Rpc.Status ForEmptyResponse(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest => Status(Code.InvalidArgument, ErrorReasons.InvalidRequest, "The request is not valid."),
        StatusCodes.Status401Unauthorized => Status(Code.Unauthenticated, Identity.IdentityReasons.CredentialsMissing,
            "This needs credentials: 'Authorization: ApiKey <key>', 'Authorization: Bearer <jwt>' or a signed-in session."),
        StatusCodes.Status403Forbidden => Status(Code.PermissionDenied, Identity.IdentityReasons.RoleNotAllowed, "These credentials may not do this."),
        StatusCodes.Status404NotFound => Status(Code.NotFound, ErrorReasons.NotFound, "Nothing is here."),
        StatusCodes.Status405MethodNotAllowed => Status(Code.Unimplemented, MethodNotAllowed, "This path does not take this HTTP method."),
        StatusCodes.Status413PayloadTooLarge => Status(Code.ResourceExhausted, BodyTooLarge, "The request body is too large."),
        StatusCodes.Status415UnsupportedMediaType => Status(Code.InvalidArgument, UnsupportedMediaType, "This path does not take this content type."),
        < 500 => Status(Code.InvalidArgument, ErrorReasons.InvalidRequest, $"The request was refused (HTTP {httpStatus})."),
        StatusCodes.Status503ServiceUnavailable => Status(Code.Unavailable, ErrorReasons.Unavailable, "Not available right now; retry later."),
        _ => Status(Code.Internal, ErrorReasons.Internal, "The server failed."),
    };

    /// <summary>ErrorInfo reason: the path exists, but not for this HTTP method.</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";

    /// <summary>ErrorInfo reason: a request body over the limit.</summary>
    public const string BodyTooLarge = "BODY_TOO_LARGE";

    /// <summary>ErrorInfo reason: a content type the path does not read.</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    private sealed class StatusResult(Google.Rpc.Status status, int? httpStatus) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => httpStatus ?? HttpStatusOf((Code)status.Code);

        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, httpStatus);
    }
}
