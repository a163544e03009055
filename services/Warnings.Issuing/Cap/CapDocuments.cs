using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warnings.Contracts.Events;
using Warnings.Core.Storage;
using Warnings.PublicationList;
using Warnings.PublicationList.Domain;
using Warnings.PublicationList.Storage;

namespace Warnings.Issuing.Cap;

/// <summary>
/// The CAP document of each published version, written once and then only read
/// (<c>cap:{identifier}</c>), so every path that hands out CAP (GetCap, the gRPC feed, Atom,
/// <c>/alerts/{identifier}.xml</c>, webhooks) hands out byte-identical XML for the same version.
/// Names come from the publication list at the version the decision used, not today's list. Each
/// document is stored signed (<see cref="CapSignature"/>): the stored text is the signed text, so
/// every path must hand it out as it is, never parsed and written again.
/// </summary>
public sealed class CapDocuments(IStateStore store, ListRepository lists, CapSigningKey signing, ILogger<CapDocuments> logger)
{
    public static StoreKey Key(string identifier) => new("cap", identifier);

    /// <summary>Registers the document store (and the list repository it reads names from) once, for any module that needs it.</summary>
    public static void Add(IServiceCollection services)
    {
        PublicationListModule.AddListSnapshots(services);
        if (services.Any(d => d.ServiceType == typeof(CapDocuments)))
        {
            return;
        }

        services.AddSingleton<CapDocuments>();
        services.AddOptions<CapSigningOptions>().BindConfiguration(CapSigningOptions.Section);
        services.AddSingleton<CapCertificates>();
        services.AddSingleton<CapSigningKey>();
        services.AddHostedService(sp => sp.GetRequiredService<CapSigningKey>());
    }

    /// <summary>The version's CAP identifier.</summary>
    public static string IdentifierOf(PublishedWarningVersion version) => CapWriter.Identifier(version, version.Version, version.PublishedAt);

    /// <summary>The version's document: the stored one, or rendered and stored now (the first writer wins).</summary>
    public async Task<string> GetOrRenderAsync(PublishedWarningVersion version)
    {
        var key = Key(IdentifierOf(version));
        if (await store.GetAsync(key) is { } stored)
        {
            return stored;
        }

        var list = await lists.LoadAsync(version.ListVersion);
        var names = list is null ? ListNames.Empty : ListNames.From(list);
        if (names.MissingEnglish.Count > 0 && version.Texts.Any(t => !ListNames.IsChinese(t.Language)))
        {
            logger.LogWarning("CAP of {Identifier}: list v{ListVersion} has no English name for {Missing}; the English info prints the code instead",
                IdentifierOf(version), version.ListVersion, string.Join(", ", names.MissingEnglish.Take(20)));
        }

        string xml = await signing.SignAsync(CapWriter.ToXml(version, names));
        return await store.CommitAsync([new StoreCondition(key, null)], [new StoreWrite(key, xml)])
            ? xml
            : await store.GetAsync(key) ?? xml;
    }

    /// <summary>The stored document with this identifier, or null.</summary>
    public Task<string?> FindAsync(string identifier) => store.GetAsync(Key(identifier));
}
