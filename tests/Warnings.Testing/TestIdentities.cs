using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Warnings.Core.Identity;

namespace Warnings.Testing;

/// <summary>
/// One API key per role, configured into every test platform (as hashes, like production
/// configuration), plus a JWT issuer the platform trusts. Scopes: duty officer and approver of
/// department SMB, reporter of district 310101, partner entitled to rainstorm and typhoon in
/// 310101 and 310104 from yellow up.
/// </summary>
public static class TestIdentities
{
    public const string Department = "SMB";
    public const string District = "310101";
    public const string JwtIssuer = "https://sso.test.invalid";
    public const string JwtAudience = "warnings";

    public static readonly byte[] JwtSigningKey = Encoding.ASCII.GetBytes("test-signing-key-of-at-least-32-bytes!!");

    /// <summary>The key of each role's test principal (<c>test-{role}</c>).</summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = Roles.All
        .Select((role, i) => (role, key: $"wk_{i + 1:x12}_test-secret-for-{role}"))
        .ToDictionary(x => x.role, x => x.key);

    /// <summary>Configuration for a platform that knows these identities and this JWT issuer.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = BuildSettings();

    public static string PrincipalId(string role) => $"test-{role}";

    /// <summary>A signed JWT from the trusted issuer (test code may read the wall clock; the platform's logic does not).</summary>
    /// <remarks><paramref name="roles"/> may be several (a principal holding all of them); <paramref name="hazards"/>,
    /// <paramref name="districts"/> and <paramref name="minLevel"/> are a partner's entitlement.</remarks>
    public static string MintJwt(string subject, IEnumerable<string> roles, DateTime expires, DateTime? notBefore = null, byte[]? signingKey = null, string? department = null, string? district = null,
        IEnumerable<string>? hazards = null, IEnumerable<string>? districts = null, string? minLevel = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = roles.ToArray() };
        if (hazards is not null)
        {
            claims["hazards"] = hazards.ToArray();
        }

        if (districts is not null)
        {
            claims["districts"] = districts.ToArray();
        }

        if (minLevel is not null)
        {
            claims["min_level"] = minLevel;
        }

        if (department is not null)
        {
            claims["department"] = department;
        }

        if (district is not null)
        {
            claims["district"] = district;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = JwtIssuer,
            Audience = JwtAudience,
            NotBefore = notBefore ?? expires.AddHours(-1),
            IssuedAt = notBefore ?? expires.AddHours(-1),
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey ?? JwtSigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static Dictionary<string, string?> BuildSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Identity:DevKeys:Enabled"] = "false",
            // Suites make bursts of calls as one principal (50 concurrent repeats); the rate-limit test sets its own.
            ["Identity:RateLimit:Burst"] = "1000",
            ["Identity:RateLimit:MutatingCallsPerMinute"] = "60000",
            ["Identity:Jwt:Issuer"] = JwtIssuer,
            ["Identity:Jwt:Audience"] = JwtAudience,
            ["Identity:Jwt:SigningKey"] = Convert.ToBase64String(JwtSigningKey),
        };
        int i = 0;
        foreach (var (role, key) in Keys)
        {
            string prefix = $"Identity:ApiKeys:{i++}:";
            settings[prefix + "KeyId"] = ApiKeyFormat.KeyIdOf(key);
            settings[prefix + "Hash"] = ApiKeyFormat.Hash(key);
            settings[prefix + "PrincipalId"] = PrincipalId(role);
            settings[prefix + "Roles:0"] = role;
            switch (role)
            {
                case Roles.DutyOfficer or Roles.Approver:
                    settings[prefix + "Department"] = Department;
                    break;
                case Roles.DistrictReporter:
                    settings[prefix + "District"] = District;
                    break;
                case Roles.Partner:
                    settings[prefix + "Hazards:0"] = "rainstorm";
                    settings[prefix + "Hazards:1"] = "typhoon";
                    settings[prefix + "Districts:0"] = "310101";
                    settings[prefix + "Districts:1"] = "310104";
                    settings[prefix + "MinimumLevel"] = "yellow";
                    break;
            }
        }

        return settings;
    }
}
