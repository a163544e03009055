using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Identity;

/// <summary>Rate limiting, TLS and the embedded default's development keys, each on a platform of its own.</summary>
public sealed class AccessLimitsTests
{
    [Fact]
    public async Task Mutating_calls_over_the_limit_are_resource_exhausted_with_retry_info_per_principal()
    {
        await using var platform = await TestPlatform.StartAsync(Backplane.Embedded(), settings: new Dictionary<string, string?>
        {
            ["Identity:RateLimit:Burst"] = "3",
            ["Identity:RateLimit:MutatingCallsPerMinute"] = "1",
        });
        var diagnostics = platform.Client(c => new DiagnosticsService.DiagnosticsServiceClient(c));
        for (int i = 0; i < 3; i++)
        {
            await diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = $"burst-{i}" });
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => diagnostics.SendProbeAsync(new SendProbeRequest { RequestId = "one-too-many" }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var status = error.GetRpcStatus()!;
        Assert.Equal(IdentityReasons.RateLimited, status.GetDetail<ErrorInfo>().Reason);
        Assert.True(status.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        // Reads are not limited, and another principal has its own bucket.
        await diagnostics.GetProbeAsync(new GetProbeRequest { ProbeId = "burst-0" });
        string token = TestIdentities.MintJwt("other-operator", [Roles.Operator], DateTime.UtcNow.AddMinutes(5));
        await new DiagnosticsService.DiagnosticsServiceClient(platform.WithAuthorization($"Bearer {token}")).SendProbeAsync(new SendProbeRequest { RequestId = "other" });
    }

    [Fact]
    public async Task Both_endpoints_serve_tls_with_a_configured_certificate()
    {
        string directory = Directory.CreateTempSubdirectory("warnings-tls-").FullName;
        try
        {
            var (pfx, certificate) = SelfSignedCertificate(directory);
            await using var platform = await TestPlatform.StartAsync(Backplane.Embedded(), tls: (pfx, certificate));

            var me = await platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Analyst).WhoAmIAsync(new WhoAmIRequest());
            var health = await platform.Http.GetAsync("/healthz");

            Assert.StartsWith("https://", platform.GrpcAddress);
            Assert.StartsWith("https://", platform.HttpAddress);
            Assert.Equal(TestIdentities.PrincipalId(Roles.Analyst), me.Id);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_embedded_default_writes_one_key_per_role_to_an_owner_only_file_and_reuses_it()
    {
        string directory = Directory.CreateTempSubdirectory("warnings-devkeys-").FullName;
        string file = Path.Combine(directory, "keys", "dev-api-keys.json");
        var settings = new Dictionary<string, string?> { ["Identity:DevKeys:Enabled"] = "true", ["Identity:DevKeys:File"] = file };
        try
        {
            string dutyOfficerKey;
            await using (var first = await TestPlatform.StartAsync(Backplane.Embedded(), settings: settings))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                using var keys = JsonDocument.Parse(File.ReadAllText(file));
                Assert.Equal(Roles.All.Order(), keys.RootElement.EnumerateArray().Select(k => k.GetProperty("role").GetString()!).Order());
                dutyOfficerKey = keys.RootElement.EnumerateArray().Single(k => k.GetProperty("role").GetString() == Roles.DutyOfficer).GetProperty("apiKey").GetString()!;

                var me = await new IdentityService.IdentityServiceClient(first.WithAuthorization($"ApiKey {dutyOfficerKey}")).WhoAmIAsync(new WhoAmIRequest());
                Assert.Equal([Roles.DutyOfficer], me.Roles);
                Assert.Equal("SMB", me.Department);
            }

            string written = File.ReadAllText(file);
            await using var second = await TestPlatform.StartAsync(Backplane.Embedded(), settings: settings);

            Assert.Equal(written, File.ReadAllText(file));
            await new IdentityService.IdentityServiceClient(second.WithAuthorization($"ApiKey {dutyOfficerKey}")).WhoAmIAsync(new WhoAmIRequest());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (string PfxPath, X509Certificate2 Certificate) SelfSignedCertificate(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string path = Path.Combine(directory, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return (path, X509CertificateLoader.LoadPkcs12FromFile(path, null));
    }
}
