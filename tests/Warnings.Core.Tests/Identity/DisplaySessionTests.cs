using NodaTime;
using Warnings.Core.Identity;

namespace Warnings.Core.Tests.Identity;

/// <summary>The rules of a wall screen's display session, alone.</summary>
public class DisplaySessionTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 1, 8, 0);

    private static DisplaySession Issued(Instant? expires = null) => DisplaySession.Issue("ds_1", "大厅", Now, "ops", expires, "pairing-hash");

    [Fact]
    public void A_new_session_awaits_pairing_for_a_day_and_lasts_thirty_days_by_default()
    {
        var session = Issued();

        Assert.Equal(DisplayStatus.AwaitingPairing, session.Status(Now));
        Assert.Equal(Now + Duration.FromDays(30), session.ExpiresAt);
        Assert.Equal(DisplayStatus.PairingExpired, session.Status(Now + Duration.FromHours(24)));
    }

    [Fact]
    public void It_pairs_once_and_then_admits_only_that_cookie()
    {
        var paired = Issued().Pair("cookie-hash", Now)!;

        Assert.Equal(DisplayStatus.Paired, paired.Status(Now));
        Assert.True(paired.Admits("cookie-hash", Now + Duration.FromDays(29)));
        Assert.False(paired.Admits("other", Now));
        Assert.Null(paired.Pair("second-screen", Now));
        Assert.False(paired.Admits("cookie-hash", Now + Duration.FromDays(30)));
    }

    [Fact]
    public void Revoked_it_admits_nothing_and_the_first_revocation_stands()
    {
        var revoked = Issued().Pair("cookie-hash", Now)!.Revoke(Now, "ops", "stolen");

        Assert.False(revoked.Admits("cookie-hash", Now));
        Assert.Equal(DisplayStatus.Revoked, revoked.Status(Now));
        Assert.Equal("stolen", revoked.Revoke(Now + Duration.FromHours(1), "other", "again").RevokeReason);
        Assert.Null(Issued().Revoke(Now, "ops", "x").Pair("cookie-hash", Now));
    }

    [Fact]
    public void Expiry_is_in_the_future_and_at_most_ninety_days_away()
    {
        Assert.NotNull(DisplaySession.CheckExpiry(Now, Now));
        Assert.NotNull(DisplaySession.CheckExpiry(Now + Duration.FromDays(90) + Duration.FromHours(1), Now));
        Assert.Null(DisplaySession.CheckExpiry(Now + Duration.FromDays(90), Now));
        Assert.Equal(Now + Duration.FromHours(2), Issued(Now + Duration.FromHours(2)).PairingExpiresAt);
    }

    [Fact]
    public void Its_principal_may_only_display()
    {
        var principal = Issued().ToPrincipal();

        Assert.Equal([Roles.Display], principal.Roles);
        Assert.DoesNotContain(Roles.Display, Roles.All);
    }
}
