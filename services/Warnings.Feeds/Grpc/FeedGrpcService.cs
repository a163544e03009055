using Google.Rpc;
using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Feeds.Feed;
using Warnings.Feeds.Webhooks;

namespace Warnings.Feeds.Grpc;

/// <summary>The partner feed over gRPC (resumable server stream) and the management of webhooks.</summary>
public sealed class FeedGrpcService(FeedStream feed, FeedHub hub, WebhookCommands webhooks, FeedsOptions options) : FeedService.FeedServiceBase
{
    /// <summary>The roles that read the whole feed; partners read it within their entitlement.</summary>
    public static readonly IReadOnlyCollection<string> WholeFeedReaders = [Roles.Operator, Roles.Analyst];

    [RpcAccess(Roles.Partner, Roles.Operator, Roles.Analyst)]
    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<FeedMessage> responseStream, ServerCallContext context)
    {
        var selection = FeedSelection.For(context.Caller(), request.Filter ?? new FeedFilter(), WholeFeedReaders);
        // Registered before the backlog is read, so nothing appended in between is missed.
        using var live = hub.Subscribe(selection);
        long position = await feed.StartAfterAsync(request.ResumeToken, "resume_token");
        long lastSent = position;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, live.CutOff);
        try
        {
            IReadOnlyList<NumberedEntry> page;
            do
            {
                page = await feed.ReadAfterAsync(position);
                foreach (var entry in page)
                {
                    if (selection.Matches(entry.Entry))
                    {
                        await WriteAsync(responseStream, entry.Message, live.CutOff, context);
                        lastSent = entry.Sequence;
                        stop.Token.ThrowIfCancellationRequested();
                    }

                    position = entry.Sequence;
                }
            }
            while (page.Count > 0);

            await foreach (var entry in live.Buffer.Reader.ReadAllAsync(stop.Token))
            {
                if (entry.Sequence > position)
                {
                    await WriteAsync(responseStream, entry.Message, live.CutOff, context);
                    position = lastSent = entry.Sequence;
                }
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Cut off by the hub; explained below.
        }

        if (context.CancellationToken.IsCancellationRequested)
        {
            return; // the subscriber left
        }

        var metadata = new Dictionary<string, string> { ["resume_token"] = FeedStream.TokenOf(lastSent) };
        throw live.Reason == FeedHub.SubscriptionEnd.ServerStopping
            ? GrpcErrors.Build(Code.Unavailable, FeedReasons.ServerStopping, "The server is stopping; resume with the token of the last message you received.", metadata)
            : GrpcErrors.Build(Code.ResourceExhausted, FeedReasons.SubscriberTooSlow,
                "This subscriber fell too far behind the feed and was cut off; resume with the token of the last message you received.", metadata);
    }

    /// <summary>
    /// Writes one message. A write is never cancelled half-way (that resets the stream, and the
    /// subscriber would not learn why): when the subscriber is cut off during a write, the write gets
    /// <see cref="FeedsOptions.CutOffGrace"/> to complete (the subscriber reads again), after which
    /// the subscriber receives the status; a subscriber that reads nothing for that long is reset.
    /// </summary>
    private async Task WriteAsync(IServerStreamWriter<FeedMessage> stream, FeedMessage message, CancellationToken cutOff, ServerCallContext context)
    {
        var write = stream.WriteAsync(message);
        if (write.IsCompleted)
        {
            await write;
            return;
        }

        var cut = Task.Delay(Timeout.Infinite, cutOff);
        if (await Task.WhenAny(write, cut) != write
            && await Task.WhenAny(write, Task.Delay(options.CutOffGrace, context.CancellationToken)) != write)
        {
            context.GetHttpContext().Abort();
            throw new OperationCanceledException(context.CancellationToken);
        }

        await write;
    }

    [RpcAccess(Roles.Partner, Mutating = true)]
    public override Task<Webhook> RegisterWebhook(RegisterWebhookRequest request, ServerCallContext context) => webhooks.RegisterAsync(request, context);

    [RpcAccess(Roles.Partner, Roles.Operator)]
    public override Task<Webhook> GetWebhook(GetWebhookRequest request, ServerCallContext context) => webhooks.GetAsync(request.Id, context.Caller());

    [RpcAccess(Roles.Partner, Roles.Operator)]
    public override Task<ListWebhooksResponse> ListWebhooks(ListWebhooksRequest request, ServerCallContext context) => webhooks.ListAsync(request, context.Caller());

    [RpcAccess(Roles.Partner, Roles.Operator, Mutating = true)]
    public override Task<Webhook> ResumeWebhook(WebhookActionRequest request, ServerCallContext context) => webhooks.ResumeAsync(request, context);

    [RpcAccess(Roles.Partner, Roles.Operator, Mutating = true)]
    public override Task<Webhook> DeleteWebhook(WebhookActionRequest request, ServerCallContext context) => webhooks.DeleteAsync(request, context);
}
