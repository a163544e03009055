using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Warnings.Issuing.Cap;

/// <summary>
/// The certificates CAP is signed with, public on the HTTP port: <c>GET /cap/certificates</c> lists
/// every certificate used so far, newest first, with its validity and whether it signs new documents
/// now; <c>GET /cap/certificates/{thumbprint}.pem</c> is one of them as PEM, for
/// <c>xmlsec1 --verify --pubkey-cert-pem</c> or a partner's trust store.
/// </summary>
public static class CapCertificateEndpoints
{
    public const string ListPath = "/cap/certificates";

    public static void MapCapCertificates(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ListPath, ListAsync).AllowAnonymous();
        endpoints.MapGet($"{ListPath}/{{thumbprint}}.pem", PemAsync).AllowAnonymous();
    }

    private static async Task<IResult> ListAsync(HttpContext http, CapCertificates certificates, CapSigningKey signing)
    {
        string current = CapCertificates.Thumbprint(await signing.CurrentAsync());
        var all = await certificates.ListAsync();
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(new
        {
            current,
            certificates = all.Select(c => new
            {
                c.Thumbprint,
                c.Subject,
                c.Issuer,
                NotBefore = c.NotBefore.ToString(),
                NotAfter = c.NotAfter.ToString(),
                PublishedAt = c.PublishedAt.ToString(),
                Current = c.Thumbprint == current,
                Pem = $"{ListPath}/{c.Thumbprint}.pem",
            }),
        });
    }

    private static async Task<IResult> PemAsync(string thumbprint, HttpContext http, CapCertificates certificates)
    {
        if (await certificates.FindAsync(thumbprint) is not { } certificate)
        {
            return Results.NotFound();
        }

        // A certificate never changes under its thumbprint.
        http.Response.Headers.CacheControl = "public, max-age=86400, immutable";
        return Results.Text(certificate.Pem, "application/x-pem-file; charset=utf-8");
    }
}
