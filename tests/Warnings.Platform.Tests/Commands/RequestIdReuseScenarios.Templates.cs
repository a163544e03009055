using Warnings.Contracts.V1;
using ListDocument = Warnings.Contracts.V1.PublicationList;

namespace Warnings.Platform.Tests.Commands;

/// <summary>The template edits of the publication list: B is the same kind of edit, based on the version A makes.</summary>
public sealed partial class RequestIdReuseTests
{
    // Copies of the blue typhoon template under ids of their own: nothing else drafts from them.
    private static WarningTemplate[] NewTemplates(ListDocument list, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var template = list.Templates.Single(t => t.Id == "smb-typhoon-blue").Clone();
            template.Id = $"reuse-{Guid.NewGuid():N}"[..18];
            return template;
        }).ToArray();

    private async Task UpsertTemplate()
    {
        var list = await ListAsync();
        var templates = NewTemplates(list, 2);
        await ReuseAsync(r => Lists.UpsertTemplateAsync(r),
            new UpsertTemplateRequest { ExpectedVersion = list.Version, Template = templates[0], Reason = "A" },
            new UpsertTemplateRequest { ExpectedVersion = list.Version + 1, Template = templates[1], Reason = "B" }, ListStateAsync);
    }

    private async Task RetireTemplate()
    {
        var templates = NewTemplates(await ListAsync(), 2);
        foreach (var template in templates)
        {
            await Lists.UpsertTemplateAsync(new UpsertTemplateRequest { RequestId = NewId(), ExpectedVersion = (await ListAsync()).Version, Template = template, Reason = "to retire it" });
        }

        long version = (await ListAsync()).Version;
        await ReuseAsync(r => Lists.RetireTemplateAsync(r),
            new RetireTemplateRequest { ExpectedVersion = version, TemplateId = templates[0].Id, Reason = "A" },
            new RetireTemplateRequest { ExpectedVersion = version + 1, TemplateId = templates[1].Id, Reason = "B" }, ListStateAsync);
    }
}
