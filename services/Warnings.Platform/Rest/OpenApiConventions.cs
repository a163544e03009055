using Google.Api;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Warnings.Platform.Rest;

/// <summary>
/// What the generated document needs to describe the API as it is (and to pass
/// <c>redocly lint</c>, see <c>redocly.yaml</c>): an operationId and a summary per operation, the
/// errors every call can answer (google.rpc.Status), timestamps as RFC 3339 date-times, a server,
/// and earlier routes kept for old clients (<c>additional_bindings</c>) marked deprecated.
/// </summary>
public sealed class OpenApiOperationConventions : IOperationFilter
{
    /// <summary>The responses every call may give besides 200, all google.rpc.Status.</summary>
    private static readonly (string Status, string Description)[] Errors =
    [
        ("400", "INVALID_ARGUMENT or FAILED_PRECONDITION: the request is not valid (ErrorInfo reason; BadRequest names the fields)."),
        ("401", "UNAUTHENTICATED: no valid credentials (WWW-Authenticate says which schemes)."),
        ("403", "PERMISSION_DENIED: the caller's role or scope does not allow it."),
        ("404", "NOT_FOUND: no such resource."),
        ("409", "ABORTED or ALREADY_EXISTS: a concurrent change; read again and retry."),
        ("429", "RESOURCE_EXHAUSTED: too many changes; Retry-After says when to retry."),
        ("503", "UNAVAILABLE: the store or broker cannot be reached; retry with the same request id."),
    ];

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var transcoding = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault();
        if (transcoding is null)
        {
            return;
        }

        var method = transcoding.MethodDescriptor;
        var primary = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
        bool earlierRoute = primary is not null && !ReferenceEquals(primary, transcoding.HttpRule) && !primary.Equals(transcoding.HttpRule);
        operation.OperationId = $"{method.Service.Name}_{method.Name}{(earlierRoute ? "_" + EarlierRouteSuffix(primary!, transcoding.HttpRule) : "")}";
        operation.Summary = Summary(operation.Description, method.Name);
        if (earlierRoute)
        {
            operation.Deprecated = true;
            operation.Description = $"The earlier route of {method.Service.Name}.{method.Name}, kept for existing clients: use {Verb(primary!).ToUpperInvariant()} {Path(primary!)}.\n\n{operation.Description}";
        }

        operation.Responses.Remove("default");
        if (method.OutputType.FullName == "google.api.HttpBody" && operation.Responses.TryGetValue("200", out var ok))
        {
            // A file (an export), not the HttpBody message: its Any extensions would drag in
            // google.protobuf.Value and the generated KindOneofCase.
            ok.Content.Clear();
            foreach (string type in new[] { "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" })
            {
                ok.Content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = "string", Format = "binary" } };
            }
        }

        foreach (var (status, description) in Errors)
        {
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = { ["application/json"] = new OpenApiMediaType { Schema = OpenApiDocumentConventions.StatusReference } },
            };
        }
    }

    // The first sentence of the proto comment, else the method's name in words.
    private static string Summary(string? description, string methodName)
    {
        string text = (description ?? "").Trim();
        int end = text.IndexOfAny(['.', '\n', ':']);
        string first = (end > 0 ? text[..end] : text).Trim();
        if (first.Length is > 0 and <= 120)
        {
            return first;
        }

        return System.Text.RegularExpressions.Regex.Replace(methodName, "(?<=[a-z])(?=[A-Z])", " ");
    }

    private static string EarlierRouteSuffix(HttpRule primary, HttpRule binding) =>
        primary.AdditionalBindings.IndexOf(binding) is var i and > 0 ? $"earlierRoute{i + 1}" : "earlierRoute";

    private static string Verb(HttpRule rule) => rule.PatternCase.ToString();

    private static string Path(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        _ => rule.Custom.Path,
    };
}

/// <summary>Timestamps and durations as their JSON forms (RFC 3339, seconds with an "s").</summary>
public sealed class OpenApiSchemaConventions : ISchemaFilter
{
    public void Apply(OpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type == typeof(Google.Protobuf.WellKnownTypes.Timestamp))
        {
            schema.Type = "string";
            schema.Format = "date-time";
            schema.Example = new OpenApiString("2026-07-01T08:00:00Z");
        }
        else if (context.Type == typeof(Google.Protobuf.WellKnownTypes.Duration))
        {
            schema.Type = "string";
            schema.Pattern = @"^-?\d+(\.\d{1,9})?s$";
            schema.Example = new OpenApiString("3600s");
        }
    }
}

/// <summary>The server (this host, whatever address it is reached at) and the error schema.</summary>
public sealed class OpenApiDocumentConventions : IDocumentFilter
{
    public const string StatusSchema = "google.rpc.Status";

    public static OpenApiSchema StatusReference => new() { Reference = new OpenApiReference { Type = ReferenceType.Schema, Id = StatusSchema } };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Servers = [new OpenApiServer { Url = "/", Description = "This platform's HTTP port (the address the document was read from)" }];
        document.Components.Schemas[StatusSchema] = new OpenApiSchema
        {
            Type = "object",
            Description = "Every error: the gRPC code, a message for people, and details (an ErrorInfo with a stable reason; a BadRequest naming bad fields; RetryInfo).",
            Required = new HashSet<string> { "code", "message" },
            Properties =
            {
                ["code"] = new OpenApiSchema { Type = "integer", Format = "int32", Description = "google.rpc.Code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED...)" },
                ["message"] = new OpenApiSchema { Type = "string" },
                ["details"] = new OpenApiSchema
                {
                    Type = "array",
                    Items = new OpenApiSchema
                    {
                        Type = "object",
                        Required = new HashSet<string> { "@type" },
                        Properties = { ["@type"] = new OpenApiSchema { Type = "string", Example = new OpenApiString("type.googleapis.com/google.rpc.ErrorInfo") } },
                        AdditionalPropertiesAllowed = true,
                    },
                },
            },
        };

        // The generator's own error schema (google.rpc.Status with Any details, which drags in
        // google.protobuf.Value and its generated KindOneofCase) is replaced by the one above:
        // keep only the schemas an operation reaches.
        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations.Values))
        {
            foreach (var parameter in operation.Parameters)
            {
                Reach(document, parameter.Schema, reached);
            }

            foreach (var media in (operation.RequestBody?.Content.Values ?? []).Concat(operation.Responses.Values.SelectMany(r => r.Content.Values)))
            {
                Reach(document, media.Schema, reached);
            }
        }

        foreach (string name in document.Components.Schemas.Keys.Where(k => !reached.Contains(k)).ToList())
        {
            document.Components.Schemas.Remove(name);
        }
    }

    private static void Reach(OpenApiDocument document, OpenApiSchema? schema, HashSet<string> reached)
    {
        if (schema is null)
        {
            return;
        }

        if (schema.Reference?.Id is { } id)
        {
            if (!reached.Add(id) || !document.Components.Schemas.TryGetValue(id, out schema))
            {
                return;
            }
        }

        foreach (var child in schema.Properties.Values.Concat(schema.AllOf).Concat(schema.AnyOf).Concat(schema.OneOf)
            .Append(schema.Items).Append(schema.AdditionalProperties).Append(schema.Not))
        {
            Reach(document, child, reached);
        }
    }
}
