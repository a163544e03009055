using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Warnings.Core.Grpc;
using Warnings.Core.Http;

namespace Warnings.Platform.Rest;

/// <summary>
/// Reads a REST call's JSON body before transcoding does and refuses one with members that are no
/// field of the request message (<see cref="UnknownJsonFields"/>): INVALID_ARGUMENT
/// <c>UNKNOWN_FIELD</c> with a BadRequest violation per member. The body (at most
/// <see cref="RestGuard.MaxBodyBytes"/>) is kept in memory and handed on unchanged; a body that is
/// not JSON at all is left for transcoding to refuse as <c>MALFORMED_REQUEST</c>.
/// </summary>
public static class RestBodyCheck
{
    /// <summary>ErrorInfo reason: the body has a member the request message does not have.</summary>
    public const string UnknownField = "UNKNOWN_FIELD";

    public static async Task<Google.Rpc.Status?> RefusalAsync(HttpContext http)
    {
        if (BodyMessage(http) is not { } message)
        {
            return null;
        }

        byte[] body;
        try
        {
            using var copy = new MemoryStream();
            await http.Request.Body.CopyToAsync(copy, http.RequestAborted);
            body = copy.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            http.Response.Headers.Connection = "close";
            return HttpErrors.Status(Code.ResourceExhausted, HttpErrors.BodyTooLarge,
                $"The request body is larger than {RestGuard.MaxBodyBytes / (1024 * 1024)} MiB.");
        }

        http.Request.Body = new MemoryStream(body, writable: false);
        var unknown = Unknown(message, body, http.Request.ContentType);
        if (unknown.Count == 0)
        {
            return null;
        }

        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(unknown.Select(field => new BadRequest.Types.FieldViolation
        {
            Field = field, Description = $"{message.Name} has no field '{field}'",
        }));
        return HttpErrors.Status(Code.InvalidArgument, UnknownField,
            $"Unknown field{(unknown.Count == 1 ? "" : "s")} in the request body: {string.Join(", ", unknown)}.", badRequest);
    }

    // The message the body is read into: the request itself (body "*") or its named field.
    private static MessageDescriptor? BodyMessage(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } transcoding
            || transcoding.HttpRule.Body is not { Length: > 0 } body)
        {
            return null;
        }

        var request = transcoding.MethodDescriptor.InputType;
        return body == "*" ? request : request.FindFieldByName(body) is { FieldType: FieldType.Message } field ? field.MessageType : null;
    }

    private static IReadOnlyList<string> Unknown(MessageDescriptor message, byte[] body, string? contentType)
    {
        try
        {
            return UnknownJsonFields.Find(message, JsonNode.Parse(RestGuard.Text(body, contentType)));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return []; // not JSON (or duplicate members): transcoding's own refusal says so
        }
    }
}
