using Google.Rpc;
using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.PublicationList.Domain;
using ListDocument = Warnings.Contracts.V1.PublicationList;

namespace Warnings.PublicationList.Grpc;

/// <summary>
/// The templates (工作规范 standard texts) of the publication list: read by those who draft and
/// approve warnings, edited by list admins as list edits (a new version with who, when and why,
/// based on <c>expected_version</c>, validated whole).
/// </summary>
public sealed partial class PublicationListGrpcService
{
    /// <summary>Who reads templates (the roles of the reading RPCs below); <c>GetList</c> leaves them out for anyone else.</summary>
    private static readonly string[] TemplateReaders = [Roles.DutyOfficer, Roles.Approver, Roles.ListAdmin];

    /// <summary>A department or hazard filter longer than any code is a mistake, not a search.</summary>
    private const int MaxFilterCode = 64;

    /// <summary>The level filter's word for level-less notices.</summary>
    private const string NoLevel = "none";

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.ListAdmin)]
    public override async Task<ListTemplatesResponse> ListTemplates(ListTemplatesRequest request, ServerCallContext context)
    {
        var problems = new FieldViolations()
            .Check(request.Version >= 0, "version", "must not be negative")
            .Check(request.Level is "" or NoLevel || WarningLevels.IsKnown(request.Level), "level", $"blue, yellow, orange, red, {NoLevel} (level-less notices), or empty for any")
            .CheckLength(request.Department, "department", MaxFilterCode)
            .CheckLength(request.Hazard, "hazard", MaxFilterCode);
        var paging = Paging.Read(request.PageSize, request.PageToken, problems);
        problems.ThrowIfAny();

        var list = await ListAtAsync(request.Version);
        string level = request.Level == NoLevel ? "" : request.Level;
        var ordered = list.Templates
            .OrderBy(t => t.Department, StringComparer.Ordinal).ThenBy(t => t.Hazard, StringComparer.Ordinal)
            .ThenBy(t => WarningLevels.Rank(t.Level)).ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        var (page, next) = paging.Take(ordered, t =>
            (request.Department.Length == 0 || t.Department == request.Department)
            && (request.Hazard.Length == 0 || t.Hazard == request.Hazard)
            && (request.Level.Length == 0 || t.Level == level)
            && (request.IncludeRetired || t.Status != TemplateStatus.Retired));
        var response = new ListTemplatesResponse { ListVersion = list.Version, NextPageToken = next };
        response.Templates.AddRange(page);
        return response;
    }

    [RpcAccess(Roles.DutyOfficer, Roles.Approver, Roles.ListAdmin)]
    public override async Task<WarningTemplate> GetTemplate(GetTemplateRequest request, ServerCallContext context)
    {
        new FieldViolations().Check(request.Id.Length > 0, "id", "is required").Check(request.Version >= 0, "version", "must not be negative").ThrowIfAny();
        var list = await ListAtAsync(request.Version);
        return list.Templates.FirstOrDefault(t => t.Id == request.Id) ?? throw TemplateNotFound(request.Id, list.Version);
    }

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> UpsertTemplate(UpsertTemplateRequest request, ServerCallContext context)
    {
        if (request.Template is null)
        {
            throw GrpcErrors.InvalidArgument("template", "is required");
        }

        var template = request.Template.Clone();
        if (template.Status == TemplateStatus.Unspecified)
        {
            template.Status = TemplateStatus.Active;
        }

        audit.Target = template.Id;
        int index = -1;
        return EditAsync(context, request, request.RequestId, request.ExpectedVersion, request.Reason, list =>
        {
            index = list.Templates.ToList().FindIndex(t => t.Id == template.Id);
            if (index < 0)
            {
                list.Templates.Add(template);
                index = list.Templates.Count - 1;
            }
            else
            {
                list.Templates[index] = template;
            }
        }, field => field.StartsWith($"list.templates[{index}]", StringComparison.Ordinal) ? "template" + field[$"list.templates[{index}]".Length..] : field);
    }

    [RpcAccess(Roles.ListAdmin, Mutating = true)]
    public override Task<ListEditResponse> RetireTemplate(RetireTemplateRequest request, ServerCallContext context)
    {
        new FieldViolations().Check(request.TemplateId.Length > 0, "template_id", "is required").ThrowIfAny();
        audit.Target = request.TemplateId;
        return EditAsync(context, request, request.RequestId, request.ExpectedVersion, request.Reason, list =>
        {
            var template = list.Templates.FirstOrDefault(t => t.Id == request.TemplateId) ?? throw TemplateNotFound(request.TemplateId, list.Version);
            if (template.Status == TemplateStatus.Retired)
            {
                throw GrpcErrors.Build(Code.FailedPrecondition, TemplateReasons.Retired, $"Template {template.Id} is already retired.",
                    new Dictionary<string, string> { ["template_id"] = template.Id });
            }

            template.Status = TemplateStatus.Retired;
        }, field => field);
    }

    private async Task<ListDocument> ListAtAsync(long version) =>
        version > 0 ? await LoadAsync(version) : (await snapshots.CurrentAsync()).Document;

    private static RpcException TemplateNotFound(string id, long listVersion) => GrpcErrors.Build(Code.NotFound, TemplateReasons.NotFound,
        $"No template {id} in list v{listVersion}.",
        new Dictionary<string, string> { ["template_id"] = id, ["list_version"] = listVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
