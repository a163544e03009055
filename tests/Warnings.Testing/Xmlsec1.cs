using System.Diagnostics;

namespace Warnings.Testing;

/// <summary>
/// Debian's <c>xmlsec1</c> (libxmlsec1, an XML-DSig implementation independent of .NET's), run as a
/// partner would run it on a CAP document: the documented command of docs/cap-signing.md.
/// </summary>
public static class Xmlsec1
{
    /// <summary>The program: <c>WARNINGS_TEST_XMLSEC1</c>, else /usr/bin/xmlsec1 (<c>infra/dev.sh install</c> puts it there).</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("WARNINGS_TEST_XMLSEC1") is { Length: > 0 } path ? path : "/usr/bin/xmlsec1";

    /// <summary>
    /// Verifies <paramref name="xml"/> with <paramref name="certificatePem"/> as the one trusted
    /// certificate, the key taken only from X.509 data, and only the whole-document reference allowed;
    /// returns whether it verified and what xmlsec1 said.
    /// </summary>
    public static async Task<(bool Verified, string Output)> VerifyAsync(string xml, string certificatePem)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No xmlsec1 at {ExecutablePath}: run infra/dev.sh install (it apt-installs xmlsec1).");
        }

        string directory = Directory.CreateTempSubdirectory("warnings-xmlsec1-").FullName;
        try
        {
            string document = Path.Combine(directory, "alert.xml");
            string certificate = Path.Combine(directory, "certificate.pem");
            await File.WriteAllTextAsync(document, xml);
            await File.WriteAllTextAsync(certificate, certificatePem);
            var start = new ProcessStartInfo(ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList = { "--verify", "--trusted-pem", certificate, "--enabled-key-data", "x509", "--enabled-reference-uris", "empty", document },
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode == 0, $"{await output}{await error}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
