using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Warnings.Core.Audit;

namespace Warnings.Core.Identity;

public static class IdentityServiceCollectionExtensions
{
    private const string PolicyScheme = "Platform";

    /// <summary>
    /// Authentication (API keys, and JWT when <c>Identity:Jwt:SigningKey</c> is set), the audit log,
    /// the per-principal rate limiter and the development keys. gRPC methods are authorized by
    /// <see cref="AccessInterceptor"/> (add it to the gRPC options); every HTTP route needs an
    /// authenticated caller unless it opts out with <c>AllowAnonymous()</c> (health, public feeds).
    /// </summary>
    public static IServiceCollection AddPlatformIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(IdentityOptions.Section);
        var identity = section.Get<IdentityOptions>() ?? new IdentityOptions();
        services.Configure<IdentityOptions>(section);
        services.Configure<AuditOptions>(configuration.GetSection(AuditOptions.Section));
        services.AddSingleton<ApiKeyRegistry>();
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<DisplaySessions>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton(new MutatingCallLimiter(identity.RateLimit));
        services.AddSingleton<RefusalAuditThrottle>();
        services.AddScoped<CallAudit>();

        var authentication = services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                identity.Jwt.Enabled && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (identity.Jwt.Enabled)
        {
            authentication.AddJwtBearer(o =>
            {
                o.MapInboundClaims = false; // keep "sub", "role", "department"... as the SSO wrote them
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = identity.Jwt.Issuer is not null,
                    ValidIssuer = identity.Jwt.Issuer,
                    ValidateAudience = identity.Jwt.Audience is not null,
                    ValidAudience = identity.Jwt.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(identity.Jwt.SigningKey!)),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = PlatformClaims.Subject,
                    RoleClaimType = PlatformClaims.Role,
                };
            });
        }

        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder()
            .RequireAssertion(context => IsGrpcCall(context.Resource) || context.User.Identity?.IsAuthenticated == true)
            .Build());

        services.AddHostedService<DevApiKeys>();
        return services;
    }

    // gRPC methods pass the HTTP policy: the AccessInterceptor decides, with typed errors and audit.
    private static bool IsGrpcCall(object? resource) =>
        resource is HttpContext http && http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
}
