using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Delivery;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.Core.Storage;
using Warnings.Issuing.Cap;
using Warnings.Issuing.Domain;
using Roles = Warnings.Core.Identity.Roles;
using WarningState = Warnings.Contracts.V1.WarningState;

namespace Warnings.Issuing.Grpc;

/// <summary>The warning service's reads: a warning, its history, its deliveries, its CAP, and the list.</summary>
public sealed partial class WarningGrpcService
{
    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.Analyst, Roles.Operator)]
    public override async Task<Warning> GetWarning(GetWarningRequest request, ServerCallContext context) =>
        WarningLifeCycle.Present((await LoadAsync(request.WarningId)).Document.Warning, clock.GetCurrentInstant());

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.Analyst, Roles.Operator)]
    public override async Task<WarningHistory> GetHistory(GetWarningRequest request, ServerCallContext context)
    {
        var history = (await LoadAsync(request.WarningId)).Document;
        history.Warning = WarningLifeCycle.Present(history.Warning, clock.GetCurrentInstant());
        return history;
    }

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.Analyst, Roles.Operator)]
    public override async Task<DeliveryStatus> GetDeliveryStatus(GetWarningRequest request, ServerCallContext context)
    {
        var warning = (await LoadAsync(request.WarningId)).Document.Warning;
        var status = new DeliveryStatus { WarningId = warning.Id, Version = warning.Version };
        if (warning.Version == 0)
        {
            return status;
        }

        // Dispatch writes these records (Warnings.Contracts.Delivery); this module only reads them, all in one read.
        var channels = warning.Content.Channels.Where(c => c != "partner_feed").ToList();
        var records = await store.GetManyAsync(channels.Select(c => new StoreKey(DeliveryRecords.Area, DeliveryRecords.Id(warning.Id, warning.Version, c))).ToList());
        status.Channels.AddRange(channels.Select((channel, i) => records[i] is { } json ? ChannelDelivery.Parser.ParseJson(json) : DeliveryRecords.Pending(channel)));

        return status;
    }

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.Analyst, Roles.Operator)]
    public override async Task<CapDocument> GetCap(GetCapRequest request, ServerCallContext context)
    {
        var history = (await LoadAsync(request.WarningId)).Document;
        var version = request.Version == 0 ? history.Versions.LastOrDefault() : history.Versions.FirstOrDefault(v => v.Version == request.Version);
        if (version is null)
        {
            throw GrpcErrors.Build(Code.NotFound, IssuingReasons.WarningNotFound,
                request.Version == 0 ? $"Warning {request.WarningId} has not been published." : $"Warning {request.WarningId} has no version {request.Version}.",
                new Dictionary<string, string> { ["warning_id"] = request.WarningId });
        }

        var published = WarningLifeCycle.Snapshot(history, version);
        return new CapDocument { Identifier = CapDocuments.IdentifierOf(published), Xml = await capDocuments.GetOrRenderAsync(published) };
    }

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.Analyst, Roles.Operator)]
    public override async Task<ListWarningsResponse> ListWarnings(ListWarningsRequest request, ServerCallContext context)
    {
        Instant activeAt = default;
        var problems = new FieldViolations().Check(request.ActiveAt is null || TimestampConversions.TryToInstant(request.ActiveAt, out activeAt), "active_at", "is not a valid timestamp")
            .Check(request.States.Count <= 10, "states", "at most 10");
        var paging = Paging.Read(request.PageSize, request.PageToken, problems, request.NewestFirst);
        problems.ThrowIfAny();
        var now = clock.GetCurrentInstant();
        // Creation order or its reverse; a page reads only the part of it it looks at (Paging.TakeAsync).
        var (page, next) = await paging.TakeAsync(await repository.CountAsync(), repository.WindowAsync, history =>
        {
            var w = history.Warning;
            return (request.States.Count == 0 || request.States.Contains(w.State))
                && (request.Hazard.Length == 0 || w.Content.Hazard == request.Hazard)
                && (request.Department.Length == 0 || w.Department == request.Department)
                && (request.District.Length == 0 || w.Content.Districts.Contains(request.District) || w.Content.Districts.Contains(Scopes.CityWide))
                && (request.ActiveAt is null || IsActiveAt(w, activeAt));
        });
        var response = new ListWarningsResponse { NextPageToken = next };
        response.Warnings.AddRange(page.Select(h => WarningLifeCycle.Present(h.Warning, now)));
        return response;
    }

    // Published and between onset and expiry at that instant. Lifted and expired warnings are not active.
    private static bool IsActiveAt(Warning warning, Instant at) =>
        warning.State == WarningState.Published && warning.Content.OnsetAt.ToInstant() <= at && at < warning.Content.ExpiresAt.ToInstant();
}
