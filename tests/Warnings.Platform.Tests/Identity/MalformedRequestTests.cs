using Grpc.Core;
using Warnings.Core.Grpc;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Identity;

/// <summary>A request body that is not the RPC's message is INVALID_ARGUMENT, not UNKNOWN, for anyone.</summary>
public sealed class MalformedRequestTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    [Theory]
    [InlineData("warnings.v1.IdentityService", "WhoAmI", null)]
    [InlineData("warnings.v1.AnalysisService", "GetStatistics", "analyst")]
    [InlineData("warnings.v1.IncidentReportService", "ListIncidents", "analyst")]
    public async Task A_malformed_protobuf_body_is_invalid_argument(string service, string name, string? role)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, service, name, Raw, Raw);
        var invoker = role is null ? fixture.Platform.Channel.CreateCallInvoker() : fixture.Platform.WithAuthorization($"ApiKey {TestIdentities.Keys[role]}");
        byte[] garbage = [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]; // field 1, a length far beyond the body

        var error = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(method, null, new CallOptions(), garbage));

        RpcAssert.Refused(error, StatusCode.InvalidArgument, MalformedRequestMiddleware.Reason);
    }
}
