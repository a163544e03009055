using Grpc.Core;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.Platform.Hosting;
using Warnings.Platform.Messaging;

namespace Warnings.Platform.Diagnostics;

/// <summary>The operator's view of a running platform: probes across the bus, and what this process runs.</summary>
public sealed class DiagnosticsGrpcService(
    ProbeReceipts receipts,
    IClock clock,
    PlatformInstance instance,
    PlatformEndpoints endpoints,
    IStateStore store,
    IOptions<BusOptions> bus,
    CallAudit audit,
    Commands commands) : DiagnosticsService.DiagnosticsServiceBase
{
    [RpcAccess(Roles.Operator, Mutating = true)]
    public override async Task<SendProbeResponse> SendProbe(SendProbeRequest request, ServerCallContext context)
    {
        ValidateId(request.RequestId, "request_id");
        audit.Target = request.RequestId;
        // Through the outbox like every event: a repeated request id returns the first answer and
        // publishes nothing more.
        return await commands.RunAsync($"{context.Caller().Id}:SendProbe", request.RequestId, request, () =>
        {
            var sent = new ProbeSent(request.RequestId, clock.GetCurrentInstant(), instance.Name);
            var response = new SendProbeResponse { ProbeId = sent.ProbeId, SentAt = sent.SentAt.ToTimestamp(), SentBy = sent.SentBy };
            return Task.FromResult(new CommandPlan<SendProbeResponse>(response, [], [], [sent]));
        });
    }

    [RpcAccess(Roles.Operator)]
    public override async Task<GetProbeResponse> GetProbe(GetProbeRequest request, ServerCallContext context)
    {
        ValidateId(request.ProbeId, "probe_id");
        var response = new GetProbeResponse { ProbeId = request.ProbeId };
        foreach (var receipt in await receipts.ReadAsync(request.ProbeId))
        {
            response.Receipts.Add(new Contracts.V1.ProbeReceipt
            {
                Module = receipt.Module,
                Instance = receipt.Instance,
                SentAt = receipt.SentAt.ToTimestamp(),
                ReceivedAt = receipt.ReceivedAt.ToTimestamp(),
            });
        }

        return response;
    }

    [RpcAccess(Roles.AnyAuthenticated)]
    public override Task<PlatformInfo> GetPlatformInfo(GetPlatformInfoRequest request, ServerCallContext context)
    {
        var info = new PlatformInfo
        {
            Instance = instance.Name,
            Transport = bus.Value.EffectiveTransport.ToString(),
            Store = store.Kind,
            GrpcEndpoint = endpoints.Grpc,
            HttpEndpoint = endpoints.Http,
            StartedAt = instance.StartedAt.ToTimestamp(),
        };
        info.Modules.Add(instance.ModuleNames);
        return Task.FromResult(info);
    }

    private static void ValidateId(string id, string field) => new FieldViolations().CheckId(id, field).ThrowIfAny();
}
