using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Storage;
using Warnings.Testing;
using Xunit.Abstractions;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.PublicationList;

/// <summary>
/// Two platform instances on real RabbitMQ and Redis: an edit made through one is enforced by the
/// other. The test reports how long that took (decisions read the store's version first, so it is
/// immediate; the other instance's cached snapshot follows the pub/sub nudge).
/// </summary>
public sealed class ListPropagationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Backplane _backplane = null!;
    private TestPlatform _editor = null!;
    private TestPlatform _enforcer = null!;

    public async Task InitializeAsync()
    {
        _backplane = await Backplane.CreateRealAsync();
        _editor = await TestPlatform.StartAsync(_backplane, modules: "publication-list", instanceName: "editor");
        _enforcer = await TestPlatform.StartAsync(_backplane, modules: "publication-list,issuing", instanceName: "enforcer");
    }

    [Fact]
    public async Task An_edit_through_one_instance_is_enforced_by_the_other()
    {
        var editor = _editor.Client(c => new PublicationListService.PublicationListServiceClient(c), Roles.ListAdmin);
        var enforcer = _enforcer.Client(c => new PublicationListService.PublicationListServiceClient(c), Roles.DutyOfficer);
        var now = SystemClock.Instance.GetCurrentInstant();
        var check = new CheckRequest
        {
            Department = "SMB", Hazard = "rainstorm", Level = "yellow", Areas = { "310101" }, Channels = { "sms" },
            OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(), Languages = { "zh-CN" },
        };
        Assert.True((await enforcer.CheckAsync(check)).Allowed);
        long version = (await editor.GetListAsync(new GetListRequest())).Version;

        var edit = await editor.SuspendGrantAsync(new ChangeGrantStatusRequest { RequestId = "suspend-rainstorm", ExpectedVersion = version, GrantId = "smb-rainstorm", Reason = "propagation test" });
        var clock = Stopwatch.StartNew();
        var decision = await Eventually.Until(async () => await enforcer.CheckAsync(check), d => !d.Allowed, "the other instance to refuse");
        var enforcedAfter = clock.Elapsed;
        var snapshots = _enforcer.Services.GetRequiredService<ListSnapshots>();
        await Eventually.Until(() => Task.FromResult(snapshots.Cached.Version), v => v == edit.Version, "the other instance's cached snapshot");
        var cachedAfter = clock.Elapsed;

        Assert.Equal(edit.Version, decision.ListVersion);
        Assert.Equal("GRANT_NOT_IN_EFFECT", Assert.Single(decision.Violations).Code);
        output.WriteLine($"Edit v{edit.Version} enforced by the other instance after {enforcedAfter.TotalMilliseconds:0.0} ms; its cached snapshot updated after {cachedAfter.TotalMilliseconds:0.0} ms.");
    }

    public async Task DisposeAsync()
    {
        await _editor.DisposeAsync();
        await _enforcer.DisposeAsync();
        await _backplane.DisposeAsync();
    }
}
