using Warnings.Core.Modules;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Warnings.Platform.Hosting;

/// <summary>
/// The two listeners: gRPC on HTTP/2 only (cleartext gRPC cannot share a port with HTTP/1.1) and
/// HTTP/1.1 for REST, health and pages. Knows the ports actually bound, so port 0 (used by tests)
/// works and the banner prints the real addresses.
/// </summary>
public sealed class PlatformEndpoints
{
    private ListenOptions? _grpc;
    private ListenOptions? _http;
    private string _grpcScheme = "http";
    private string _httpScheme = "http";

    /// <summary>The gRPC address as bound, e.g. http://127.0.0.1:5100. Valid once the host has started.</summary>
    public string Grpc => Address(_grpc, _grpcScheme);

    /// <summary>The HTTP/1.1 address as bound, e.g. http://127.0.0.1:5101. Valid once the host has started.</summary>
    public string Http => Address(_http, _httpScheme);

    internal void Configure(KestrelServerOptions kestrel, PlatformOptions options)
    {
        (var grpcEndpoint, _grpcScheme) = Parse(options.GrpcUrl, "Platform:GrpcUrl");
        (var httpEndpoint, _httpScheme) = Parse(options.HttpUrl, "Platform:HttpUrl");
        var certificate = _grpcScheme == "https" || _httpScheme == "https" ? LoadCertificate(options.Certificate) : null;
        kestrel.Listen(grpcEndpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (_grpcScheme == "https")
            {
                listen.UseHttps(certificate!);
            }

            _grpc = listen;
        });
        kestrel.Listen(httpEndpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            if (_httpScheme == "https")
            {
                listen.UseHttps(certificate!);
            }

            _http = listen;
        });
    }

    private static X509Certificate2 LoadCertificate(CertificateOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new PlatformConfigurationException("An https endpoint needs Platform:Certificate:Path (PKCS#12, or PEM with Platform:Certificate:KeyPath).");
        }

        try
        {
            return string.IsNullOrWhiteSpace(options.KeyPath)
                ? X509CertificateLoader.LoadPkcs12FromFile(options.Path, options.Password)
                : X509Certificate2.CreateFromPemFile(options.Path, options.KeyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new PlatformConfigurationException($"Cannot load the certificate {options.Path}: {e.Message}");
        }
    }

    private static (IPEndPoint EndPoint, string Scheme) Parse(string url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port < 0)
        {
            throw new PlatformConfigurationException($"{setting} must be an absolute http:// or https:// URL with a port, not '{url}'.");
        }

        IPAddress address = uri.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ when IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) => ip,
            _ => throw new PlatformConfigurationException($"{setting}: host must be an IP address or localhost, not '{uri.Host}'."),
        };
        return (new IPEndPoint(address, uri.Port), uri.Scheme);
    }

    private static string Address(ListenOptions? listen, string scheme) =>
        listen?.IPEndPoint is { } ep
            ? $"{scheme}://{(ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ep.Address}]" : ep.Address.ToString())}:{ep.Port}"
            : throw new InvalidOperationException("The endpoints are not configured yet.");
}
