using System.Net;
using System.Net.Http.Headers;
using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Identity;

/// <summary>API keys (configured and issued), JWTs, refusals with stable reasons, and their audit entries.</summary>
public abstract class AuthenticationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    private TestPlatform Platform => fixture.Platform;

    private IdentityService.IdentityServiceClient Identity(string? role = Roles.Operator) => Platform.Client(c => new IdentityService.IdentityServiceClient(c), role);

    private static string NewRequestId() => $"req-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_configured_key_authenticates_its_principal_with_roles_and_scopes()
    {
        var me = await Identity(Roles.DistrictReporter).WhoAmIAsync(new WhoAmIRequest());

        Assert.Equal(TestIdentities.PrincipalId(Roles.DistrictReporter), me.Id);
        Assert.Equal([Roles.DistrictReporter], me.Roles);
        Assert.Equal("310101", me.District);
        Assert.Equal("api_key", me.AuthenticatedBy);
    }

    [Fact]
    public async Task A_partner_key_carries_its_entitlements()
    {
        var me = await Identity(Roles.Partner).WhoAmIAsync(new WhoAmIRequest());

        Assert.Equal(["rainstorm", "typhoon"], me.Entitlements.Hazards);
        Assert.Equal(["310101", "310104"], me.Entitlements.Districts);
        Assert.Equal("yellow", me.Entitlements.MinimumLevel);
    }

    [Fact]
    public async Task No_credentials_is_unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Identity(role: null).WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.Unauthenticated, IdentityReasons.CredentialsMissing);
    }

    [Theory]
    [InlineData("ApiKey wk_0000000000ff_not-a-real-key", IdentityReasons.ApiKeyInvalid)]
    [InlineData("ApiKey nonsense", IdentityReasons.ApiKeyInvalid)]
    [InlineData("Basic dXNlcjpwYXNz", IdentityReasons.CredentialsUnsupported)]
    [InlineData("Bearer not.a.jwt", IdentityReasons.TokenInvalid)]
    public async Task A_bad_credential_is_unauthenticated_and_audited(string authorization, string reason)
    {
        string requestId = NewRequestId();
        var diagnostics = new DiagnosticsService.DiagnosticsServiceClient(Platform.WithAuthorization(authorization));

        var error = await Assert.ThrowsAsync<RpcException>(() => diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = requestId }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.Unauthenticated, reason);
        var entry = await AuditEntryAsync(requestId);
        Assert.Equal("UNAUTHENTICATED", entry.Outcome);
        Assert.Equal(reason, entry.Reason);
        Assert.Equal("", entry.PrincipalId);
        Assert.Equal("/warnings.v1.DiagnosticsService/SendProbe", entry.Action);
    }

    [Fact]
    public async Task A_valid_jwt_authenticates_with_the_tokens_subject_and_roles()
    {
        string token = TestIdentities.MintJwt("alice@sso", [Roles.Analyst, Roles.Approver], DateTime.UtcNow.AddMinutes(10));

        var me = await new IdentityService.IdentityServiceClient(Platform.WithAuthorization($"Bearer {token}")).WhoAmIAsync(new WhoAmIRequest());

        Assert.Equal("alice@sso", me.Id);
        Assert.Equal([Roles.Analyst, Roles.Approver], me.Roles);
        Assert.Equal("jwt", me.AuthenticatedBy);
    }

    [Fact]
    public async Task An_expired_jwt_is_unauthenticated_and_audited()
    {
        string token = TestIdentities.MintJwt("bob@sso", [Roles.Operator], expires: new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string requestId = NewRequestId();
        var diagnostics = new DiagnosticsService.DiagnosticsServiceClient(Platform.WithAuthorization($"Bearer {token}"));

        var error = await Assert.ThrowsAsync<RpcException>(() => diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = requestId }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.Unauthenticated, IdentityReasons.TokenExpired);
        Assert.Equal(IdentityReasons.TokenExpired, (await AuditEntryAsync(requestId)).Reason);
    }

    [Fact]
    public async Task A_jwt_signed_with_another_key_is_unauthenticated()
    {
        string token = TestIdentities.MintJwt("mallory", [Roles.Operator], DateTime.UtcNow.AddMinutes(10), signingKey: "some-other-signing-key-of-32-bytes-or-more"u8.ToArray());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new IdentityService.IdentityServiceClient(Platform.WithAuthorization($"Bearer {token}")).WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.Unauthenticated, IdentityReasons.TokenInvalid);
    }

    [Fact]
    public async Task A_wrong_role_on_a_mutating_call_is_permission_denied_and_audited_with_the_caller()
    {
        string requestId = NewRequestId();
        var diagnostics = Platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c), Roles.DutyOfficer);

        var error = await Assert.ThrowsAsync<RpcException>(() => diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = requestId }).ResponseAsync);

        RpcAssert.Refused(error, StatusCode.PermissionDenied, IdentityReasons.RoleNotAllowed);
        var entry = await AuditEntryAsync(requestId);
        Assert.Equal(TestIdentities.PrincipalId(Roles.DutyOfficer), entry.PrincipalId);
        Assert.Equal([Roles.DutyOfficer], entry.Roles);
        Assert.Equal("PERMISSION_DENIED", entry.Outcome);
    }

    [Fact]
    public async Task An_allowed_mutating_call_is_audited_with_its_target_and_time()
    {
        string requestId = NewRequestId();

        await Platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c)).SendProbeAsync(new SendProbeRequest { RequestId = requestId });

        var entry = await AuditEntryAsync(requestId);
        Assert.Equal("OK", entry.Outcome);
        Assert.Equal("", entry.Reason);
        Assert.Equal(requestId, entry.Target);
        Assert.Equal(TestIdentities.PrincipalId(Roles.Operator), entry.PrincipalId);
        Assert.Equal(fixture.Clock.GetCurrentInstant(), entry.At.ToInstant());
    }

    [Fact]
    public async Task An_issued_key_works_at_once_and_stops_at_once_when_revoked()
    {
        var issued = await Identity().IssueApiKeyAsync(new IssueApiKeyRequest
        {
            RequestId = NewRequestId(),
            PrincipalId = "officer.wang",
            Roles = { Roles.DutyOfficer },
            Department = "SMB",
        });
        var asNewKey = new IdentityService.IdentityServiceClient(Platform.WithAuthorization($"ApiKey {issued.ApiKey}"));

        var me = await asNewKey.WhoAmIAsync(new WhoAmIRequest());
        Assert.Equal("officer.wang", me.Id);
        Assert.Equal(issued.KeyId, me.KeyId);
        var listed = (await Identity().ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })).Keys.Single(k => k.KeyId == issued.KeyId);
        Assert.DoesNotContain(issued.ApiKey, listed.ToString());

        await Identity().RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = NewRequestId(), KeyId = issued.KeyId, Reason = "rotated" });

        var error = await Assert.ThrowsAsync<RpcException>(() => asNewKey.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        RpcAssert.Refused(error, StatusCode.Unauthenticated, IdentityReasons.ApiKeyRevoked);
    }

    [Fact]
    public async Task Repeating_an_issue_request_does_not_mint_a_second_working_key()
    {
        var request = new IssueApiKeyRequest { RequestId = NewRequestId(), PrincipalId = "analyst.li", Roles = { Roles.Analyst } };
        var first = await Identity().IssueApiKeyAsync(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => Identity().IssueApiKeyAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal(first.KeyId, error.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["key_id"]);
        var live = (await Identity().ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })).Keys.Where(k => k.Principal.Id == "analyst.li" && k.RevokedAt is null);
        Assert.Equal(first.KeyId, Assert.Single(live).KeyId);
    }

    [Fact]
    public async Task An_issued_key_with_an_expiry_stops_working_at_that_instant()
    {
        var now = fixture.Clock.GetCurrentInstant();
        var issued = await Identity().IssueApiKeyAsync(new IssueApiKeyRequest
        {
            RequestId = NewRequestId(),
            PrincipalId = "temp.contractor",
            Roles = { Roles.Analyst },
            ExpiresAt = (now + Duration.FromHours(1)).ToTimestamp(),
        });
        var asKey = new IdentityService.IdentityServiceClient(Platform.WithAuthorization($"ApiKey {issued.ApiKey}"));
        await asKey.WhoAmIAsync(new WhoAmIRequest());

        fixture.Clock.Advance(Duration.FromHours(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => asKey.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        RpcAssert.Refused(error, StatusCode.Unauthenticated, IdentityReasons.ApiKeyExpired);
    }

    [Fact]
    public async Task An_invalid_issue_request_lists_every_problem_and_issues_nothing()
    {
        int before = (await Identity().ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })).Keys.Count;

        var error = await Assert.ThrowsAsync<RpcException>(() => Identity().IssueApiKeyAsync(new IssueApiKeyRequest
        {
            RequestId = "",
            PrincipalId = "has spaces",
            Roles = { "duty_officer", "superuser", "district_reporter", "partner" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "request_id", "principal_id", "roles", "department", "district", "entitlements.hazards", "entitlements.minimum_level" }, fields);
        Assert.Equal(before, (await Identity().ListApiKeysAsync(new ListApiKeysRequest { PageSize = 500 })).Keys.Count);
    }

    [Fact]
    public async Task Revoking_needs_a_reason_and_an_existing_key()
    {
        var noReason = await Assert.ThrowsAsync<RpcException>(() =>
            Identity().RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = NewRequestId(), KeyId = "000000000001", Reason = " " }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            Identity().RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = NewRequestId(), KeyId = "ffffffffffff", Reason = "lost" }).ResponseAsync);
        var configured = await Assert.ThrowsAsync<RpcException>(() =>
            Identity().RevokeApiKeyAsync(new RevokeApiKeyRequest { RequestId = NewRequestId(), KeyId = "000000000001", Reason = "lost" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        RpcAssert.Refused(configured, StatusCode.FailedPrecondition, "API_KEY_CONFIGURED");
    }

    [Fact]
    public async Task Http_routes_need_credentials_except_health()
    {
        var anonymous = await Platform.Http.GetAsync("/whoami");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", TestIdentities.Keys[Roles.Analyst]);
        var authenticated = await Platform.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.Contains(TestIdentities.PrincipalId(Roles.Analyst), await authenticated.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Platform.Http.GetAsync("/healthz")).StatusCode);
    }

    private async Task<AuditEntry> AuditEntryAsync(string requestId)
    {
        var audit = Platform.Client(c => new AuditService.AuditServiceClient(c));
        var entries = new List<AuditEntry>();
        string token = "";
        do
        {
            var page = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1000, PageToken = token });
            entries.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return Assert.Single(entries, e => e.RequestId == requestId);
    }

}

public sealed class EmbeddedAuthenticationTests(EmbeddedPlatformFixture fixture) : AuthenticationTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealAuthenticationTests(RealPlatformFixture fixture) : AuthenticationTests<RealPlatformFixture>(fixture);
