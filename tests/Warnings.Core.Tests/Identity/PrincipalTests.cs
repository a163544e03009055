using System.Security.Claims;
using Warnings.Core.Identity;

namespace Warnings.Core.Tests.Identity;

public class PrincipalTests
{
    [Fact]
    public void A_principal_survives_a_trip_through_claims()
    {
        var principal = new PlatformPrincipal("metro", new HashSet<string> { Roles.Partner, Roles.Analyst }, null, null,
            new Entitlements(new HashSet<string> { "*" }, new HashSet<string> { "310000" }, "orange"), "api_key", "0123456789ab");

        var back = PlatformPrincipal.From(principal.ToClaimsPrincipal("test"))!;

        Assert.Equal(principal.Id, back.Id);
        Assert.Equal(principal.Roles.Order(), back.Roles.Order());
        Assert.Equal(principal.Entitlements!.Hazards, back.Entitlements!.Hazards);
        Assert.Equal("orange", back.Entitlements.MinimumLevel);
        Assert.Equal("0123456789ab", back.KeyId);
    }

    [Fact]
    public void Jwt_style_roles_may_be_repeated_space_separated_or_under_roles()
    {
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", "alice"),
            new Claim("role", "analyst approver"),
            new Claim("roles", "operator"),
        ], "jwt");

        var principal = PlatformPrincipal.From(new ClaimsPrincipal(identity))!;

        Assert.Equal([Roles.Analyst, Roles.Approver, Roles.Operator], principal.Roles.Order());
        Assert.Equal("jwt", principal.AuthenticatedBy);
    }

    [Fact]
    public void No_subject_or_no_authentication_is_no_principal()
    {
        Assert.Null(PlatformPrincipal.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", "operator")], "jwt"))));
        Assert.Null(PlatformPrincipal.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "x")]))));
    }

    [Fact]
    public void Generated_keys_have_an_id_and_match_only_their_own_hash()
    {
        var (keyId, key) = ApiKeyFormat.Generate();
        var (_, other) = ApiKeyFormat.Generate();

        Assert.Equal(keyId, ApiKeyFormat.KeyIdOf(key));
        Assert.True(ApiKeyFormat.Matches(key, ApiKeyFormat.Hash(key)));
        Assert.False(ApiKeyFormat.Matches(other, ApiKeyFormat.Hash(key)));
        Assert.DoesNotContain(key[16..], ApiKeyFormat.Hash(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("wk_short")]
    [InlineData("wk_ABCDEF012345_secret")]
    [InlineData("xx_0123456789ab_secret")]
    public void Malformed_keys_have_no_id(string presented)
    {
        Assert.Null(ApiKeyFormat.KeyIdOf(presented));
    }
}
