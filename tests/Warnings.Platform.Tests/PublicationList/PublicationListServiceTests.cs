using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.PublicationList;

/// <summary>The publication list through its RPCs: the default list, edits, refusals, history, time travel, watch.</summary>
public abstract class PublicationListServiceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    private PublicationListService.PublicationListServiceClient Client(string role = Roles.ListAdmin) =>
        fixture.Platform.Client(c => new PublicationListService.PublicationListServiceClient(c), role);

    private static string NewRequestId() => $"req-{Guid.NewGuid():N}";

    private async Task<long> CurrentVersionAsync() => (await Client().GetListAsync(new GetListRequest())).Version;

    private CheckRequest RedTyphoon() => new()
    {
        Department = "SMB",
        Hazard = "typhoon",
        Level = "red",
        Areas = { "310000" },
        Channels = { "sms", "tv", "siren" },
        OnsetAt = fixture.Clock.GetCurrentInstant().ToTimestamp(),
        ExpiresAt = (fixture.Clock.GetCurrentInstant() + Duration.FromHours(12)).ToTimestamp(),
        Languages = { "zh-CN" },
    };

    [Fact]
    public async Task The_default_list_is_loaded_on_first_start()
    {
        var history = await Client(Roles.Analyst).ListHistoryAsync(new ListHistoryRequest { PageSize = 100 });

        var first = history.Changes.Last();
        Assert.Equal(1, first.Version);
        Assert.Equal("platform", first.By);
        var v1 = await Client(Roles.Analyst).GetListAsync(new GetListRequest { Version = 1 });
        Assert.Equal(16, v1.Districts.Count);
        Assert.Contains(v1.Grants, g => g.Id == "smb-typhoon");
    }

    [Fact]
    public async Task Any_role_can_dry_run_a_check_and_gets_the_version_and_measures()
    {
        var result = await Client(Roles.DutyOfficer).CheckAsync(RedTyphoon());

        Assert.True(result.Allowed, string.Join("; ", result.Violations));
        Assert.Equal(await CurrentVersionAsync(), result.ListVersion);
        Assert.Equal(SignOffPolicy.Leader, result.SignOffPolicy);
        Assert.Contains("suspend_work", result.ResponseMeasures);
    }

    [Fact]
    public async Task A_refused_check_lists_every_violation()
    {
        var request = RedTyphoon();
        request.Department = "SWA";
        var notAuthorised = await Client(Roles.Partner).CheckAsync(request);
        request = RedTyphoon();
        request.Level = "blue";
        request.Languages.Clear();

        var many = await Client(Roles.Partner).CheckAsync(request);

        Assert.Equal(["DEPARTMENT_NOT_AUTHORISED"], notAuthorised.Violations.Select(v => v.Code));
        Assert.Equal(["CHANNEL_NOT_ALLOWED", "CHANNEL_NOT_ALLOWED", "CHANNEL_NOT_ALLOWED", "LANGUAGE_MISSING"], many.Violations.Select(v => v.Code));
        Assert.False(many.Allowed);
    }

    [Fact]
    public async Task A_malformed_check_is_invalid_argument_with_every_field()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client(Roles.Analyst).CheckAsync(new CheckRequest { Level = "purple", Areas = { "31" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "department", "hazard", "level", "channels", "areas[0]", "onset_at", "expires_at" }, fields);
    }

    [Fact]
    public async Task Suspending_a_grant_makes_a_new_version_that_refuses_it_and_records_who_and_why()
    {
        long before = await CurrentVersionAsync();

        var edit = await Client().SuspendGrantAsync(new ChangeGrantStatusRequest { RequestId = NewRequestId(), ExpectedVersion = before, GrantId = "smb-hail", Reason = "hail radar out of service" });

        Assert.Equal(before + 1, edit.Version);
        Assert.Equal(TestIdentities.PrincipalId(Roles.ListAdmin), edit.Change.By);
        Assert.Equal("hail radar out of service", edit.Change.Reason);
        Assert.Equal(["grant smb-hail: status"], edit.Change.Changes);
        var check = RedTyphoon();
        check.Hazard = "hail";
        var refused = await Client(Roles.DutyOfficer).CheckAsync(check);
        Assert.Equal(["GRANT_NOT_IN_EFFECT"], refused.Violations.Select(v => v.Code));
        Assert.Equal(edit.Version, refused.ListVersion);
    }

    [Fact]
    public async Task An_edit_on_a_stale_version_is_aborted_with_the_current_version_and_changes_nothing()
    {
        long current = await CurrentVersionAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().SuspendGrantAsync(
            new ChangeGrantStatusRequest { RequestId = NewRequestId(), ExpectedVersion = current - 1 == 0 ? 99 : current - 1, GrantId = "smb-fog", Reason = "stale" }).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("LIST_VERSION_STALE", info.Reason);
        Assert.Equal(current.ToString(), info.Metadata["current_version"]);
        Assert.Equal(current, await CurrentVersionAsync());
    }

    [Fact]
    public async Task An_invalid_grant_gets_every_field_violation_and_nothing_is_written()
    {
        long current = await CurrentVersionAsync();
        var grant = (await Client().GetGrantAsync(new GetGrantRequest { Id = "smb-typhoon" })).Clone();
        grant.Id = "smb-typhoon-bad";
        grant.Hazard = "meteor";
        grant.Areas.Add("999999");
        grant.Levels[0].Channels.Add("pigeon");

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().UpsertGrantAsync(
            new UpsertGrantRequest { RequestId = NewRequestId(), ExpectedVersion = current, Grant = grant, Reason = "try" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "grant.hazard", "grant.areas", "grant.levels[0].channels" }, fields);
        Assert.Equal(current, await CurrentVersionAsync());
    }

    [Fact]
    public async Task An_edit_needs_a_reason_and_a_base_version()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client().RetireGrantAsync(
            new ChangeGrantStatusRequest { RequestId = NewRequestId(), GrantId = "smb-fog", Reason = "  " }).ResponseAsync);

        Assert.Equal(["expected_version", "reason"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task Repeating_an_edit_request_returns_the_first_answer_and_makes_no_second_version()
    {
        long current = await CurrentVersionAsync();
        var grant = (await Client().GetGrantAsync(new GetGrantRequest { Id = "smb-frost" })).Clone();
        grant.MaxValidityHours = 48;
        var request = new UpsertGrantRequest { RequestId = NewRequestId(), ExpectedVersion = current, Grant = grant, Reason = "frost warnings last two days at most" };

        var first = await Client().UpsertGrantAsync(request);
        var again = await Client().UpsertGrantAsync(request);

        Assert.Equal(first, again);
        Assert.Equal(current + 1, await CurrentVersionAsync());
    }

    [Fact]
    public async Task The_list_as_it_was_at_an_instant_is_the_version_then_in_effect()
    {
        long before = await CurrentVersionAsync();
        var instantBefore = fixture.Clock.GetCurrentInstant();
        fixture.Clock.Advance(Duration.FromMinutes(5));
        var grant = (await Client().GetGrantAsync(new GetGrantRequest { Id = "smb-gale" })).Clone();
        grant.MaxValidityHours = 36;
        await Client().UpsertGrantAsync(new UpsertGrantRequest { RequestId = NewRequestId(), ExpectedVersion = before, Grant = grant, Reason = "shorter gale warnings" });

        var then = await Client(Roles.Analyst).GetListAsync(new GetListRequest { At = instantBefore.ToTimestamp() });
        var now = await Client(Roles.Analyst).GetListAsync(new GetListRequest());

        Assert.Equal(before, then.Version);
        Assert.Equal(72, then.Grants.Single(g => g.Id == "smb-gale").MaxValidityHours);
        Assert.Equal(36, now.Grants.Single(g => g.Id == "smb-gale").MaxValidityHours);
    }

    [Fact]
    public async Task Watching_replays_missed_edits_then_streams_new_ones()
    {
        long start = await CurrentVersionAsync();
        using var watch = Client(Roles.Partner).WatchChanges(new WatchChangesRequest { AfterVersion = start - 1 }, deadline: DateTime.UtcNow.AddMinutes(1));
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(start, watch.ResponseStream.Current.Version);

        long current = await CurrentVersionAsync();
        var edit = await Client().SuspendGrantAsync(new ChangeGrantStatusRequest { RequestId = NewRequestId(), ExpectedVersion = current, GrantId = "smb-haze", Reason = "watch me" });

        var seen = new List<long>();
        while (seen.LastOrDefault() < edit.Version && await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            seen.Add(watch.ResponseStream.Current.Version);
        }

        Assert.Equal(edit.Version, seen.Last());
        Assert.Equal("watch me", watch.ResponseStream.Current.Reason);
    }

    [Fact]
    public async Task Edits_are_audited_with_the_list_version()
    {
        long current = await CurrentVersionAsync();
        string requestId = NewRequestId();
        var edit = await Client().SuspendGrantAsync(new ChangeGrantStatusRequest { RequestId = requestId, ExpectedVersion = current, GrantId = "smb-lightning", Reason = "audit" });

        var entries = await fixture.Platform.Client(c => new AuditService.AuditServiceClient(c)).ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1000 });

        var entry = Assert.Single(entries.Entries, e => e.RequestId == requestId);
        Assert.Equal(edit.Version.ToString(), entry.ListVersion);
        Assert.Equal("smb-lightning", entry.Target);
        Assert.Equal("OK", entry.Outcome);
    }

    [Fact]
    public async Task A_history_page_token_beyond_the_current_version_is_refused_at_once()
    {
        long current = await CurrentVersionAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();

        // A deadline, so a server that walks a hundred million versions fails the test instead of hanging it.
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client(Roles.Analyst).ListHistoryAsync(
            new ListHistoryRequest { PageToken = "100000000" }, deadline: DateTime.UtcNow.AddSeconds(5)));

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "PAGE_TOKEN_INVALID");
        Assert.Equal("page_token", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");

        // The current version itself is still a valid place to start, and pages chain down to version 1.
        var page = await Client(Roles.Analyst).ListHistoryAsync(new ListHistoryRequest { PageToken = current.ToString(System.Globalization.CultureInfo.InvariantCulture), PageSize = 1 });
        Assert.Equal(current, Assert.Single(page.Changes).Version);
        Assert.Equal(current > 1 ? (current - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "", page.NextPageToken);
    }

    [Fact]
    public async Task Watching_from_beyond_the_current_version_is_refused()
    {
        using var watch = Client(Roles.Analyst).WatchChanges(new WatchChangesRequest { AfterVersion = 100000000 }, deadline: DateTime.UtcNow.AddSeconds(5));

        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));

        RpcAssert.Refused(error, StatusCode.InvalidArgument, "VERSION_BEYOND_CURRENT");
    }

    [Fact]
    public async Task An_exported_list_imports_back_as_a_new_version()
    {
        var exported = await Client().GetListAsync(new GetListRequest());
        exported.Grants.Single(g => g.Id == "smb-cold-wave").MaxValidityHours = 96;

        var edit = await Client().ImportListAsync(new ImportListRequest { RequestId = NewRequestId(), ExpectedVersion = exported.Version, List = exported, Reason = "bulk review" });

        Assert.Equal(exported.Version + 1, edit.Version);
        Assert.Equal(["grant smb-cold-wave: max_validity_hours"], edit.Change.Changes);
    }
}

public sealed class EmbeddedPublicationListServiceTests(EmbeddedPlatformFixture fixture) : PublicationListServiceTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealPublicationListServiceTests(RealPlatformFixture fixture) : PublicationListServiceTests<RealPlatformFixture>(fixture);
