using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Warnings.Core.Domain;
using Warnings.Core.Json;
using Warnings.Core.Storage;
using Warnings.Core.Hosting;

namespace Warnings.Core.Identity;

/// <summary>
/// The embedded default's keys: on first start, one key per role, written to an owner-only file
/// (never logged); on later starts the same keys are loaded from it. The file's path is printed.
/// On by default with the in-memory store only; production keys come from IssueApiKey or configuration.
/// </summary>
public sealed class DevApiKeys(
    IOptions<IdentityOptions> options,
    IOptions<StoreOptions> store,
    ApiKeyRegistry registry,
    IClock clock,
    ILogger<DevApiKeys> logger) : IHostedService
{
    /// <summary>One development key as written to the file.</summary>
    public sealed record DevKey(string Role, string PrincipalId, string KeyId, string ApiKey, string? Department, string? District,
        IReadOnlyList<string> Hazards, IReadOnlyList<string> Districts, string? MinimumLevel);

    /// <summary>The default file: <c>~/.warnings/dev-api-keys.json</c>.</summary>
    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".warnings", "dev-api-keys.json");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.DevKeys.Enabled ?? store.Value.Kind == "InMemory"))
        {
            return;
        }

        string path = options.Value.DevKeys.File ?? DefaultPath;
        var keys = File.Exists(path) ? Read(path) : null;
        if (keys is null)
        {
            keys = Roles.All.Select(NewKey).ToList();
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("Development keys need a Unix file system for owner-only permissions.");
            }

            Write(path, keys);
        }

        foreach (var key in keys)
        {
            await registry.SaveAsync(new ApiKeyRecord(key.KeyId, ApiKeyFormat.Hash(key.ApiKey), key.PrincipalId, [key.Role], key.Department, key.District,
                key.Hazards, key.Districts, key.MinimumLevel, clock.GetCurrentInstant(), "dev-keys"));
        }

        logger.LogWarning("Development API keys, one per role, are in {Path} (readable only by you). Call with 'authorization: ApiKey <key>'.", path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Scopes that fit the default Shanghai list: the meteorological bureau, Huangpu, and a city-wide partner.
    private static DevKey NewKey(string role)
    {
        var (keyId, key) = ApiKeyFormat.Generate();
        return role switch
        {
            Roles.DutyOfficer or Roles.Approver => new DevKey(role, $"dev-{role}", keyId, key, "SMB", null, [], [], null),
            Roles.DistrictReporter => new DevKey(role, $"dev-{role}", keyId, key, null, "310101", [], [], null),
            Roles.Partner => new DevKey(role, $"dev-{role}", keyId, key, null, null, [Entitlements.AllHazards], [Scopes.CityWide], WarningLevels.Blue),
            _ => new DevKey(role, $"dev-{role}", keyId, key, null, null, [], [], null),
        };
    }

    private List<DevKey>? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<DevKey>>(File.ReadAllText(path), PlatformJson.Options);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "{Path} is not a development key file; writing new keys", path);
            return null;
        }
    }

    // Owner-only from the first byte: the file is created with mode 600 in a directory with mode 700.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Write(string path, List<DevKey> keys) =>
        OwnerOnlyFile.Write(path, file => JsonSerializer.Serialize(file, keys, new JsonSerializerOptions(PlatformJson.Options) { WriteIndented = true }), overwrite: true);
}
