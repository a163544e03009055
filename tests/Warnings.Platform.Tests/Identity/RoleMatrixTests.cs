using System.Reflection;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Identity;

/// <summary>
/// Every RPC of package warnings.v1, found in the compiled descriptors (so an RPC added later joins
/// by itself), called with no credentials and as each role: exactly the declared roles get through.
/// An RPC without an <see cref="RpcAccessAttribute"/> fails <see cref="Every_rpc_declares_who_may_call_it"/>.
/// </summary>
public abstract class RoleMatrixTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : PlatformFixture
{
    public static IReadOnlyList<MethodDescriptor> PlatformRpcs { get; } = typeof(DiagnosticsService).Assembly.GetTypes()
        .Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as FileDescriptor)
        .Where(file => file?.Package == "warnings.v1")
        .SelectMany(file => file!.Services)
        .SelectMany(service => service.Methods)
        .ToList();

    private static string Path(MethodDescriptor rpc) => $"/{rpc.Service.FullName}/{rpc.Name}";

    // What the running host declares, read from its endpoints: the same metadata the interceptor uses.
    private Dictionary<string, RpcAccessAttribute?> Declared() =>
        fixture.Platform.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => (grpc: e.Metadata.GetMetadata<GrpcMethodMetadata>(), access: e.Metadata.GetMetadata<RpcAccessAttribute>()))
            .Where(x => x.grpc is not null)
            .GroupBy(x => x.grpc!.Method.FullName)
            .ToDictionary(g => g.Key, g => g.First().access);

    [Fact]
    public void The_matrix_covers_the_platforms_services()
    {
        Assert.Contains(PlatformRpcs, rpc => Path(rpc) == "/warnings.v1.IdentityService/IssueApiKey");
        Assert.Contains(PlatformRpcs, rpc => Path(rpc) == "/warnings.v1.AuditService/VerifyAuditChain");
        Assert.Contains(PlatformRpcs, rpc => Path(rpc) == "/warnings.v1.DiagnosticsService/SendProbe");
    }

    [Fact]
    public void Every_rpc_declares_who_may_call_it()
    {
        var declared = Declared();

        var undeclared = PlatformRpcs.Select(Path).Where(path => declared.GetValueOrDefault(path) is null).ToList();

        Assert.True(undeclared.Count == 0, $"RPCs without [RpcAccess(...)]: {string.Join(", ", undeclared)}");
    }

    [Fact]
    public async Task Exactly_the_declared_roles_get_through_and_no_one_without_credentials()
    {
        var declared = Declared();
        var wrong = new List<string>();
        foreach (var rpc in PlatformRpcs)
        {
            var access = declared.GetValueOrDefault(Path(rpc));
            foreach (var role in Roles.All.Prepend(null))
            {
                var (status, reason) = await CallAsync(rpc, role);
                string cell = $"{Path(rpc)} as {role ?? "anonymous"}: {status} {reason}";
                bool allowed = role is not null && access is not null && (access.Roles.Contains(Roles.AnyAuthenticated) || access.Roles.Contains(role));
                bool ok = role is null
                    ? status == StatusCode.Unauthenticated && reason == IdentityReasons.CredentialsMissing
                    : allowed
                        ? status is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied) || reason is not (IdentityReasons.RoleNotAllowed or IdentityReasons.RpcNotDeclared)
                        : status == StatusCode.PermissionDenied && reason is IdentityReasons.RoleNotAllowed or IdentityReasons.RpcNotDeclared;
                if (!ok)
                {
                    wrong.Add(cell + (allowed ? " (should pass)" : " (should be refused)"));
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    // A principal holding several roles, as the city SSO would issue it; partners carry the test partner's entitlement.
    private CallInvoker AsPrincipal(string subject, string[] roles, string? district = null) =>
        fixture.Platform.WithAuthorization($"Bearer {Jwt(subject, roles, district)}");

    private static string Jwt(string subject, string[] roles, string? district = null) =>
        roles.Contains(Roles.Partner)
            ? TestIdentities.MintJwt(subject, roles, DateTime.UtcNow.AddMinutes(10), district: district, hazards: ["rainstorm", "typhoon"], districts: ["310101", "310104"], minLevel: "yellow")
            : TestIdentities.MintJwt(subject, roles, DateTime.UtcNow.AddMinutes(10), district: district);

    private async Task<string> PublishForPartnersOnlyAsync(string hazard)
    {
        var officer = fixture.Platform.Client(c => new WarningService.WarningServiceClient(c), Roles.DutyOfficer);
        var now = fixture.Clock.GetCurrentInstant();
        var draft = await officer.CreateDraftAsync(new CreateDraftRequest
        {
            RequestId = $"d-{Guid.NewGuid():N}",
            Content = new WarningContent
            {
                Hazard = hazard, Level = "red", Districts = { "310101" }, Channels = { "partner_feed" },
                OnsetAt = now.ToTimestamp(), ExpiresAt = (now + Duration.FromHours(6)).ToTimestamp(),
                Texts = { new WarningText { Language = "zh-CN", Headline = $"{hazard} 红色预警" } },
            },
        });
        await officer.EmergencyPublishAsync(new WarningActionRequest { RequestId = $"p-{Guid.NewGuid():N}", WarningId = draft.Id });

        // The feed entry's identifier, once the feeds module has appended it.
        var feed = fixture.Platform.Client(c => new FeedService.FeedServiceClient(c), Roles.Operator);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var call = feed.Subscribe(new SubscribeRequest { ResumeToken = "0" }, cancellationToken: timeout.Token);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.WarningId == draft.Id)
            {
                return call.ResponseStream.Current.Identifier;
            }
        }

        throw new InvalidOperationException($"{draft.Id} never reached the feed.");
    }

    private async Task<System.Net.HttpStatusCode> GetAlertAsync(string identifier, string jwt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/alerts/{identifier}.xml");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
        using var response = await fixture.Platform.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData(Roles.DistrictReporter)]
    [InlineData(Roles.ListAdmin)]
    public async Task A_partner_with_another_role_stays_within_its_entitlement(string otherRole)
    {
        string outside = await PublishForPartnersOnlyAsync("gale");    // restricted, not in the entitlement
        string inside = await PublishForPartnersOnlyAsync("typhoon");  // restricted, in the entitlement
        string[] roles = [Roles.Partner, otherRole];
        string jwt = Jwt($"multi-{otherRole}", roles, district: "310101");
        var feed = new FeedService.FeedServiceClient(AsPrincipal($"multi-{otherRole}", roles, district: "310101"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, await GetAlertAsync(outside, jwt));
        Assert.Equal(System.Net.HttpStatusCode.OK, await GetAlertAsync(inside, jwt));

        using var atomRequest = new HttpRequestMessage(HttpMethod.Get, "/feeds/cap.atom");
        atomRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
        using var atom = await fixture.Platform.Http.SendAsync(atomRequest);
        string atomBody = await atom.Content.ReadAsStringAsync();
        Assert.DoesNotContain(outside, atomBody, StringComparison.Ordinal);
        Assert.Contains(inside, atomBody, StringComparison.Ordinal);

        using (var subscription = feed.Subscribe(new SubscribeRequest { ResumeToken = "0", Filter = new FeedFilter { Hazards = { "gale" } } }, deadline: DateTime.UtcNow.AddSeconds(10)))
        {
            var beyond = await Assert.ThrowsAsync<RpcException>(() => subscription.ResponseStream.MoveNext(CancellationToken.None));
            RpcAssert.Refused(beyond, StatusCode.PermissionDenied, IdentityReasons.EntitlementExceeded);
        }

        var webhookBeyond = await Assert.ThrowsAsync<RpcException>(async () => await feed.RegisterWebhookAsync(new RegisterWebhookRequest
        {
            RequestId = $"r-{Guid.NewGuid():N}", Url = "https://partner.example/hook", Secret = new string('s', 40), Filter = new FeedFilter { Hazards = { "gale" } },
        }));
        RpcAssert.Refused(webhookBeyond, StatusCode.PermissionDenied, IdentityReasons.EntitlementExceeded);

        var webhook = await feed.RegisterWebhookAsync(new RegisterWebhookRequest { RequestId = $"r-{Guid.NewGuid():N}", Url = "https://partner.example/hook", Secret = new string('s', 40) });
        Assert.Equal(["rainstorm", "typhoon"], webhook.Filter.Hazards);
        Assert.Equal(["310101", "310104"], webhook.Filter.Districts);
        Assert.Equal("yellow", webhook.Filter.MinLevel);
        await feed.DeleteWebhookAsync(new WebhookActionRequest { RequestId = $"x-{Guid.NewGuid():N}", Id = webhook.Id });
    }

    [Fact]
    public async Task A_partner_that_is_also_an_analyst_sees_the_union_of_both()
    {
        string outside = await PublishForPartnersOnlyAsync("gale");
        string[] roles = [Roles.Partner, Roles.Analyst];

        Assert.Equal(System.Net.HttpStatusCode.OK, await GetAlertAsync(outside, Jwt("partner-analyst", roles)));
        var feed = new FeedService.FeedServiceClient(AsPrincipal("partner-analyst", roles));
        using var subscription = feed.Subscribe(new SubscribeRequest { ResumeToken = "0", Filter = new FeedFilter { Hazards = { "gale" } } }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.True(await subscription.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("gale", subscription.ResponseStream.Current.Hazard);
    }

    [Theory]
    [InlineData(Roles.ListAdmin)]
    [InlineData(Roles.Partner)]
    public async Task A_reporter_with_another_role_reads_only_its_own_district(string otherRole)
    {
        var xuhuiReporter = new IncidentReportService.IncidentReportServiceClient(AsPrincipal("reporter-310104", [Roles.DistrictReporter], district: "310104"));
        var now = fixture.Clock.GetCurrentInstant();
        var receipt = await xuhuiReporter.SubmitInitialAsync(new SubmitInitialRequest
        {
            RequestId = $"i-{Guid.NewGuid():N}",
            Body = new ReportBody
            {
                Category = "production_safety", OccurredAt = (now - Duration.FromMinutes(20)).ToTimestamp(), District = "310104", Address = "漕溪北路",
                Location = new GeoPoint { Latitude = 31.18, Longitude = 121.44 }, ReportingUnit = "徐汇区应急管理局", Reporter = "张值班",
                Totals = new IncidentCounts { Deaths = 1 }, Account = "仓库起火。",
            },
        });
        string[] roles = [Roles.DistrictReporter, otherRole];
        var huangpu = new IncidentReportService.IncidentReportServiceClient(AsPrincipal($"reporter-310101-{otherRole}", roles, district: "310101"));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await huangpu.GetIncidentAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id }));
        RpcAssert.Refused(error, StatusCode.NotFound, "INCIDENT_NOT_FOUND");
        var timeline = await Assert.ThrowsAsync<RpcException>(async () => await huangpu.GetTimelineAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id }));
        RpcAssert.Refused(timeline, StatusCode.NotFound, "INCIDENT_NOT_FOUND");
        var listed = await huangpu.ListIncidentsAsync(new ListIncidentsRequest { PageSize = 500 });
        Assert.DoesNotContain(listed.Incidents, i => i.Id == receipt.Incident.Id);
        Assert.All(listed.Incidents, i => Assert.Equal("310101", i.District));

        // The union: a reporter who is also an analyst reads every district, as an analyst does.
        var analystReporter = new IncidentReportService.IncidentReportServiceClient(AsPrincipal("reporter-analyst", [Roles.DistrictReporter, Roles.Analyst], district: "310101"));
        Assert.Equal(receipt.Incident.Id, (await analystReporter.GetIncidentAsync(new GetIncidentRequest { IncidentId = receipt.Incident.Id })).Id);
    }

    // Calls any RPC with an empty request, whatever its kind, and returns the status it ends with.
    private async Task<(StatusCode Status, string? Reason)> CallAsync(MethodDescriptor rpc, string? role)
    {
        var marshaller = Marshallers.Create(bytes => bytes, bytes => bytes);
        var type = (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, rpc.Service.FullName, rpc.Name, marshaller, marshaller);
        var invoker = fixture.Platform.Client(i => i, role);
        // A streaming RPC that is allowed may simply wait for data: the deadline ends it.
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, []);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, []))
                    {
                        await call.ResponseStream.MoveNext(CancellationToken.None);
                    }

                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseAsync;
                    }

                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseStream.MoveNext(CancellationToken.None);
                    }

                    break;
            }

            return (StatusCode.OK, null);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        }
    }
}

public sealed class EmbeddedRoleMatrixTests(EmbeddedPlatformFixture fixture) : RoleMatrixTests<EmbeddedPlatformFixture>(fixture);

public sealed class RealRoleMatrixTests(RealPlatformFixture fixture) : RoleMatrixTests<RealPlatformFixture>(fixture);
