using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.Feeds.Feed;

namespace Warnings.Feeds.Webhooks;

/// <summary>
/// Registering, reading, resuming and deleting webhooks. A partner sees and acts on its own
/// webhooks only (another partner's is NOT_FOUND); operators on all. Changes are commands: once per
/// request id, conditional on the webhook being as read.
/// </summary>
public sealed class WebhookCommands(Commands commands, WebhookStore webhooks, FeedStream feed, IStateStore store, FeedsOptions options, WebhookDestinations destinations, IClock clock, CallAudit audit)
{
    private const int MinSecretLength = 32;

    public async Task<Webhook> RegisterAsync(RegisterWebhookRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        bool validUrl = Uri.TryCreate(request.Url, UriKind.Absolute, out var url)
            && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && options.Webhooks.AllowHttp))
            && string.IsNullOrEmpty(url.UserInfo);
        new FieldViolations()
            .CheckId(request.RequestId)
            .Check(validUrl, "url", options.Webhooks.AllowHttp ? "must be an absolute http:// or https:// URL without credentials" : "must be an absolute https:// URL without credentials")
            .Check(request.Secret.Length is >= MinSecretLength and <= 256, "secret", $"must be {MinSecretLength} to 256 characters")
            .ThrowIfAny();
        // Literal addresses are refused here; names are checked each time a delivery connects.
        if (destinations.RefusesAtRegistration(url!) is { } refusal)
        {
            new FieldViolations().Add("url", refusal).ThrowIfAny(FeedReasons.WebhookDestinationNotAllowed);
        }

        // Only partners register webhooks, so no role widens a webhook beyond the partner's entitlement.
        var selection = FeedSelection.For(caller, request.Filter ?? new FeedFilter(), broadRoles: []);
        long startAfter = await feed.StartAfterAsync(request.ResumeToken, "resume_token");

        var applied = selection.ToFilter();
        var created = await commands.RunAsync($"{caller.Id}:RegisterWebhook", request.RequestId, request, async () =>
        {
            // The partner's guard key changes with every registration, so two concurrent ones cannot
            // both pass the limit or both register one (URL, filter): the loser plans again.
            var guard = new StoreKey("webhook-partner", caller.Id);
            string? guarded = await store.GetAsync(guard);
            var live = (await webhooks.AllAsync()).Where(w => w.Partner == caller.Id && w.Status != WebhookStore.Deleted).ToList();
            if (live.FirstOrDefault(w => w.Url == url!.ToString() && w.Filter.Equals(applied)) is { } existing)
            {
                throw GrpcErrors.Build(Google.Rpc.Code.AlreadyExists, FeedReasons.WebhookAlreadyRegistered,
                    $"Webhook {existing.Id} already delivers this filter to this URL.", new Dictionary<string, string> { ["id"] = existing.Id });
            }

            if (live.Count >= options.Webhooks.MaxPerPartner)
            {
                throw GrpcErrors.Build(Google.Rpc.Code.ResourceExhausted, FeedReasons.WebhookLimitReached,
                    $"A partner may have {options.Webhooks.MaxPerPartner} webhooks; delete one before registering another.",
                    new Dictionary<string, string> { ["limit"] = options.Webhooks.MaxPerPartner.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            string id = $"wh-{Guid.NewGuid():N}"[..19];
            audit.Target = id;
            var webhook = new Webhook
            {
                Id = id,
                Partner = caller.Id,
                Url = url!.ToString(),
                Filter = applied,
                Status = WebhookStore.Active,
                DeliveredSequence = startAfter,
                CreatedAt = clock.GetCurrentInstant().ToTimestamp(),
            };
            var (conditions, writes) = webhooks.Create(id, webhook);
            return new CommandPlan<Webhook>(webhook, [.. conditions, new StoreCondition(guard, guarded)],
                [.. writes, new StoreWrite(WebhookStore.SecretKey(id), request.Secret), new StoreWrite(guard, string.Join(",", [.. live.Select(w => w.Id), id]))], []);
        });
        await store.PublishAsync(WebhookStore.NudgeChannel, created.Id);
        return await WithBehindAsync(created);
    }

    public async Task<Webhook> GetAsync(string id, PlatformPrincipal caller) => await WithBehindAsync((await LoadOwnAsync(id, caller)).Document);

    public async Task<ListWebhooksResponse> ListAsync(ListWebhooksRequest request, PlatformPrincipal caller)
    {
        var problems = new FieldViolations();
        var page = Paging.Read(request.PageSize, request.PageToken, problems);
        problems.ThrowIfAny();
        var (shown, next) = page.Take(await webhooks.AllAsync(), webhook => MaySee(caller, webhook) && webhook.Status != WebhookStore.Deleted);
        var response = new ListWebhooksResponse { NextPageToken = next };
        foreach (var webhook in shown)
        {
            response.Webhooks.Add(await WithBehindAsync(webhook));
        }

        return response;
    }

    public Task<Webhook> ResumeAsync(WebhookActionRequest request, ServerCallContext context) =>
        ChangeAsync(request, context, "ResumeWebhook", webhook =>
        {
            webhook.Status = WebhookStore.Active;
            webhook.StatusReason = "";
            webhook.ConsecutiveFailures = 0;
        });

    public Task<Webhook> DeleteAsync(WebhookActionRequest request, ServerCallContext context) =>
        ChangeAsync(request, context, "DeleteWebhook", webhook =>
        {
            webhook.Status = WebhookStore.Deleted;
            webhook.StatusReason = $"deleted by {context.Caller().Id}";
        });

    private async Task<Webhook> ChangeAsync(WebhookActionRequest request, ServerCallContext context, string method, Action<Webhook> change)
    {
        var caller = context.Caller();
        new FieldViolations().CheckId(request.RequestId).Check(request.Id.Length > 0, "id", "is required").ThrowIfAny();
        audit.Target = request.Id;
        var changed = await commands.RunAsync($"{caller.Id}:{method}", request.RequestId, request, async () =>
        {
            var (json, webhook) = await LoadOwnAsync(request.Id, caller);
            if (webhook.Status == WebhookStore.Deleted)
            {
                throw GrpcErrors.Build(Google.Rpc.Code.FailedPrecondition, FeedReasons.WebhookDeleted, $"Webhook {request.Id} is deleted.",
                    new Dictionary<string, string> { ["id"] = request.Id });
            }

            change(webhook);
            var (conditions, writes) = webhooks.Replace(webhook.Id, json, webhook);
            return new CommandPlan<Webhook>(webhook, conditions, writes, []);
        });
        await store.PublishAsync(WebhookStore.NudgeChannel, changed.Id);
        return await WithBehindAsync(changed);
    }

    private async Task<(string Json, Webhook Document)> LoadOwnAsync(string id, PlatformPrincipal caller)
    {
        if (id.Length > 0 && await webhooks.LoadAsync(id) is { } loaded && MaySee(caller, loaded.Document))
        {
            return loaded;
        }

        throw GrpcErrors.NotFound($"No webhook {id}.", new Dictionary<string, string> { ["id"] = id });
    }

    private static bool MaySee(PlatformPrincipal caller, Webhook webhook) => caller.HasRole(Roles.Operator) || webhook.Partner == caller.Id;

    private async Task<Webhook> WithBehindAsync(Webhook webhook)
    {
        var shown = webhook.Clone();
        shown.Behind = Math.Max(0, await feed.LastSequenceAsync() - webhook.DeliveredSequence);
        return shown;
    }
}
