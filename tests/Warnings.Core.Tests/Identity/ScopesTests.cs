using Google.Rpc;
using Grpc.Core;
using Warnings.Core.Identity;

namespace Warnings.Core.Tests.Identity;

public class ScopesTests
{
    private static PlatformPrincipal Reporter(string district) =>
        new("reporter", new HashSet<string> { Roles.DistrictReporter }, null, district, null, "api_key");

    private static PlatformPrincipal Officer(string department) =>
        new("officer", new HashSet<string> { Roles.DutyOfficer }, department, null, null, "api_key");

    private static readonly PlatformPrincipal Partner = new("metro", new HashSet<string> { Roles.Partner }, null, null,
        new Entitlements(new HashSet<string> { "rainstorm", "typhoon" }, new HashSet<string> { "310101", "310104" }, "yellow"), "api_key");

    private static string ReasonOf(RpcException e) => e.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason;

    [Fact]
    public void A_reporter_acts_for_their_own_district_only()
    {
        Reporter("310101").RequireDistrict("310101");

        var error = Assert.Throws<RpcException>(() => Reporter("310101").RequireDistrict("310104"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(IdentityReasons.DistrictOutOfScope, ReasonOf(error));
    }

    [Fact]
    public void A_city_wide_reporter_acts_for_every_district()
    {
        Assert.True(Reporter("310000").MayActForDistrict("310151"));
    }

    [Fact]
    public void A_principal_without_a_district_acts_for_none()
    {
        Assert.False(Officer("SMB").MayActForDistrict("310101"));
    }

    [Fact]
    public void An_officer_acts_for_their_own_department_only()
    {
        Officer("SMB").RequireDepartment("SMB");

        var error = Assert.Throws<RpcException>(() => Officer("SMB").RequireDepartment("SWA"));

        Assert.Equal(IdentityReasons.DepartmentOutOfScope, ReasonOf(error));
    }

    [Fact]
    public void An_empty_partner_request_means_the_whole_entitlement()
    {
        var filter = Partner.RestrictToEntitlement(new Entitlements(new HashSet<string>(), new HashSet<string>(), ""));

        Assert.Equal(Partner.Entitlements!.Hazards, filter.Hazards);
        Assert.Equal(Partner.Entitlements.Districts, filter.Districts);
        Assert.Equal("yellow", filter.MinimumLevel);
    }

    [Fact]
    public void A_partner_may_narrow_its_entitlement()
    {
        var filter = Partner.RestrictToEntitlement(new Entitlements(new HashSet<string> { "typhoon" }, new HashSet<string> { "310104" }, "red"));

        Assert.Equal(["typhoon"], filter.Hazards);
        Assert.Equal(["310104"], filter.Districts);
        Assert.Equal("red", filter.MinimumLevel);
    }

    [Fact]
    public void A_partner_asking_beyond_its_entitlement_is_refused_with_everything_beyond_named()
    {
        var error = Assert.Throws<RpcException>(() => Partner.RestrictToEntitlement(
            new Entitlements(new HashSet<string> { "typhoon", "heat" }, new HashSet<string> { "310115" }, "blue")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(IdentityReasons.EntitlementExceeded, ReasonOf(error));
        Assert.Contains("hazard heat", error.Status.Detail);
        Assert.Contains("district 310115", error.Status.Detail);
        Assert.Contains("level blue", error.Status.Detail);
    }

    [Theory]
    [InlineData("rainstorm", "yellow", "310101", true)]
    [InlineData("rainstorm", "blue", "310101", false)]
    [InlineData("heat", "red", "310101", false)]
    [InlineData("typhoon", "red", "310115", false)]
    [InlineData("typhoon", "orange", "310000", true)]
    [InlineData("typhoon", null, "310104", true)]
    public void Entitlements_cover_hazard_level_and_area(string hazard, string? level, string district, bool covered)
    {
        Assert.Equal(covered, Partner.Entitlements!.Covers(hazard, level, [district]));
    }
}
