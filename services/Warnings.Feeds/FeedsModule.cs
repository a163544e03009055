using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Warnings.Core.Modules;
using Warnings.Feeds.Feed;
using Warnings.Feeds.Grpc;
using Warnings.Feeds.Http;
using Warnings.Feeds.Webhooks;
using Warnings.Feeds.WebSub;
using Warnings.Issuing.Cap;

namespace Warnings.Feeds;

/// <summary>Partner feeds: the numbered feed of warning versions, as a resumable gRPC stream, Atom/CAP over HTTP with a WebSub hub, and signed webhooks.</summary>
public sealed class FeedsModule : IPlatformModule
{
    public string Name => "feeds";

    public string Description => "Partner feeds: resumable gRPC streams, CAP 1.2, Atom with a WebSub hub, signed webhooks";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Feeds").Get<FeedsOptions>() ?? new FeedsOptions();
        if (configuration["Platform:HttpUrl"] is { Length: > 0 } httpUrl)
        {
            options.HttpEndpointUrl = httpUrl;
        }

        services.AddSingleton(options);
        CapDocuments.Add(services);
        services.AddSingleton<FeedStream>();
        services.AddSingleton<ActiveWarnings>();
        services.AddSingleton<FeedHub>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedHub>());
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<PartnerStanding>();
        services.AddScoped<WebhookCommands>();
        services.AddHostedService<WebhookDelivery>();
        services.AddSingleton<AtomFeedRenderer>();
        services.AddSingleton<WebSubSubscriptions>();
        services.AddSingleton<WebSubRateLimiter>();
        services.AddSingleton<WebSubVerifier>();
        services.AddHostedService(sp => sp.GetRequiredService<WebSubVerifier>());
        services.AddHostedService<WebSubDistributor>();
        var destinations = new WebhookDestinations(options.Webhooks.AllowedDestinations);
        services.AddSingleton(destinations);
        // Partners choose these URLs: no redirects (a 3xx is a failed delivery), no proxy (the
        // connect step must see the real destination), and every connection through the
        // destination rule, checked on the resolved addresses the socket then connects to.
        services.AddHttpClient(WebhookDelivery.HttpClientName, c => c.Timeout = options.Webhooks.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = destinations.ConnectAsync,
            });
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<FeedAppender, FeedAppenderDefinition>();

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<FeedGrpcService>();
        endpoints.MapFeedHttp();
        endpoints.MapWebSubHub();
    }
}
