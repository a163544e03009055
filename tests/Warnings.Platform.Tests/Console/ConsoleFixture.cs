using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Console;

/// <summary>
/// One platform for the console's browser tests: every module on real RabbitMQ and Redis, the
/// system clock (the browser's and the platform's agree), and every dispatch channel sent to a local
/// gateway receiver that accepts everything, so a published warning turns delivered on each.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public static readonly string[] DispatchChannels = ["sms", "network_sms", "cell_broadcast", "tv", "radio", "website", "social_media", "app_push", "outdoor_screen", "siren"];

    public Backplane Backplane { get; private set; } = null!;

    public TestGateway Gateway { get; private set; } = null!;

    public TestPlatform Platform { get; private set; } = null!;

    public string Http => Platform.HttpAddress;

    public async Task InitializeAsync()
    {
        Backplane = await Backplane.CreateRealAsync();
        Gateway = await TestGateway.StartAsync();
        var settings = new Dictionary<string, string?>();
        foreach (var channel in DispatchChannels)
        {
            settings[$"Dispatch:Gateways:{channel}:Url"] = $"{Gateway.Url}/{channel}";
            settings[$"Dispatch:Gateways:{channel}:Secret"] = $"secret-{channel}";
        }

        Platform = await TestPlatform.StartAsync(Backplane, settings: settings);
    }

    public PublicationListService.PublicationListServiceClient ListAdmin => Platform.Client(c => new PublicationListService.PublicationListServiceClient(c), Roles.ListAdmin);

    public WarningService.WarningServiceClient Officer => Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);

    /// <summary>Puts a grant back as it was (tests that edit the list leave it as they found it).</summary>
    public async Task RestoreGrantAsync(Grant grant)
    {
        var list = await ListAdmin.GetListAsync(new GetListRequest());
        await ListAdmin.UpsertGrantAsync(new UpsertGrantRequest { RequestId = $"restore-{Guid.NewGuid():N}", ExpectedVersion = list.Version, Grant = grant, Reason = "test: restore" });
    }

    public async Task DisposeAsync()
    {
        await Platform.DisposeAsync();
        await Gateway.DisposeAsync();
        await Backplane.DisposeAsync();
    }
}
