using Microsoft.OpenApi.Models;

namespace Warnings.Platform.Rest;

/// <summary>
/// REST for every unary RPC, through gRPC JSON transcoding: the routes are the <c>google.api.http</c>
/// annotations in the protos (e.g. <c>POST /v1/warnings</c>, <c>GET /v1/incidents/{incident_id}</c>,
/// <c>POST /v1/warnings/{warning_id}:emergencyPublish</c>, an AIP-136 custom method on the resource;
/// the earlier collection routes such as <c>POST /v1/warnings:emergencyPublish</c> stay as
/// <c>additional_bindings</c>, deprecated in the document), served on the HTTP port with the same authentication,
/// access rules, audit and typed errors as gRPC (the calls run through the same interceptors). The
/// OpenAPI document is generated from the protos, whose comments become its descriptions, at
/// <c>/openapi.json</c>, with a browsable reference at <c>/docs</c>.
/// </summary>
public static class RestDocs
{
    public const string DocumentName = "openapi";

    public static IServiceCollection AddPlatformRest(this IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Warnings platform (warnings.v1)",
                Version = "v1",
                Description = "Emergency early warnings and incident reports for the city. Every call needs 'Authorization: ApiKey <key>' or a bearer token; errors are google.rpc.Status JSON (code, message, details with an ErrorInfo reason) on every path of this port. Request bodies with fields the message does not have are refused (UNKNOWN_FIELD).",
            });
            o.AddSecurityDefinition("ApiKey", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "Authorization",
                Description = "ApiKey wk_<id>_<secret>, or Bearer <jwt>",
            });
            o.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "ApiKey" } }] = [],
            });
            string docs = Path.Combine(AppContext.BaseDirectory, "Warnings.Contracts.xml");
            if (File.Exists(docs))
            {
                o.IncludeXmlComments(docs);
                o.IncludeGrpcXmlComments(docs, includeControllerXmlComments: true);
            }

            // After the XML comments: the summaries are taken from the descriptions they give.
            o.OperationFilter<OpenApiOperationConventions>();
            o.SchemaFilter<OpenApiSchemaConventions>();
            o.DocumentFilter<OpenApiDocumentConventions>();
        });
        return services;
    }

    /// <summary>Serves the document and the reference page (public: they describe the API, they expose no data).</summary>
    public static WebApplication UsePlatformRestDocs(this WebApplication app)
    {
        app.UseSwagger(o => o.RouteTemplate = "{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint($"/{DocumentName}.json", "warnings.v1");
            o.DocumentTitle = "Warnings API reference";
        });
        return app;
    }
}
