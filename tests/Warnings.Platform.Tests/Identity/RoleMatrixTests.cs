using System.Reflection;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;

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
