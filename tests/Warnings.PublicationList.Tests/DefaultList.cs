using Google.Protobuf;

namespace Warnings.PublicationList.Tests;

/// <summary>The Shanghai default list as shipped (infra/publication-list/shanghai.json, copied next to the tests).</summary>
public static class DefaultList
{
    public static Contracts.V1.PublicationList Load() =>
        JsonParser.Default.Parse<Contracts.V1.PublicationList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "publication-list", "shanghai.json")));
}
