using NodaTime;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Tests;

/// <summary>Each violation code of the checker, on the default Shanghai list.</summary>
public class CheckerTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 15, 8, 0);
    private readonly CompiledList _list;

    public CheckerTests()
    {
        var document = DefaultList.Load();
        document.Version = 1;
        _list = new CompiledList(document);
    }

    private static PublicationCandidate RedTyphoon(Action<CandidateBuilder>? change = null)
    {
        var builder = new CandidateBuilder();
        change?.Invoke(builder);
        return builder.Build();
    }

    private static IEnumerable<string> Codes(ListDecision decision) => decision.Violations.Select(v => v.Code);

    [Fact]
    public void The_default_list_passes_its_own_validation()
    {
        Assert.Empty(ListValidator.Validate(DefaultList.Load()));
    }

    [Fact]
    public void A_red_typhoon_from_the_meteorological_bureau_is_allowed_with_the_six_suspensions()
    {
        var decision = _list.Check(RedTyphoon(), Now);

        Assert.True(decision.Allowed, string.Join("; ", decision.Violations));
        Assert.Equal(1, decision.ListVersion);
        Assert.Equal("smb-typhoon", decision.GrantId);
        Assert.Equal(SignOffPolicy.Leader, decision.SignOff);
        Assert.Equal(6, decision.ResponseMeasures.Length);
        Assert.Equal(30, decision.FastTrackSignOffWithinMinutes);
    }

    [Fact]
    public void An_unknown_hazard_is_not_on_the_list()
    {
        Assert.Equal([ViolationCodes.NotOnList], Codes(_list.Check(RedTyphoon(c => c.Hazard = "volcano"), Now)));
    }

    [Fact]
    public void Another_department_is_not_authorised()
    {
        var decision = _list.Check(RedTyphoon(c => c.Department = "SWA"), Now);

        Assert.Equal([ViolationCodes.DepartmentNotAuthorised], Codes(decision));
        Assert.Equal("department", decision.Violations[0].Field);
    }

    [Fact]
    public void A_grant_before_its_effective_window_is_not_in_effect()
    {
        Assert.Equal([ViolationCodes.GrantNotInEffect], Codes(_list.Check(RedTyphoon(), Instant.FromUtc(2025, 12, 31, 0, 0))));
    }

    [Fact]
    public void A_suspended_grant_is_not_in_effect()
    {
        var document = DefaultList.Load();
        document.Grants.Single(g => g.Id == "smb-typhoon").Status = GrantStatus.Suspended;

        var decision = new CompiledList(document).Check(RedTyphoon(), Now);

        Assert.Equal([ViolationCodes.GrantNotInEffect], Codes(decision));
        Assert.Contains("suspended", decision.Violations[0].Message);
    }

    [Fact]
    public void A_level_the_hazard_does_not_use_is_not_allowed()
    {
        Assert.Equal([ViolationCodes.LevelNotAllowed], Codes(_list.Check(RedTyphoon(c => { c.Hazard = "heat"; c.Level = "blue"; c.Channels = ["website"]; }), Now)));
    }

    [Fact]
    public void An_area_outside_the_grant_is_named_by_index()
    {
        var document = DefaultList.Load();
        var grant = document.Grants.Single(g => g.Id == "smb-typhoon");
        grant.Areas.Clear();
        grant.Areas.Add(["310101", "310104"]);

        var decision = new CompiledList(document).Check(RedTyphoon(c => c.Areas = ["310101", "310115", "310000"]), Now);

        Assert.Equal([ViolationCodes.AreaOutsideGrant, ViolationCodes.AreaOutsideGrant], Codes(decision));
        Assert.Equal(["areas[1]", "areas[2]"], decision.Violations.Select(v => v.Field));
    }

    [Fact]
    public void A_channel_beyond_the_levels_channels_is_not_allowed()
    {
        var decision = _list.Check(RedTyphoon(c => { c.Level = "blue"; c.Channels = ["website", "siren", "network_sms"]; }), Now);

        Assert.Equal([ViolationCodes.ChannelNotAllowed, ViolationCodes.ChannelNotAllowed], Codes(decision));
        Assert.Equal(["channels[1]", "channels[2]"], decision.Violations.Select(v => v.Field));
    }

    [Fact]
    public void A_warning_valid_longer_than_the_grant_allows_is_refused()
    {
        Assert.Equal([ViolationCodes.ValidityTooLong], Codes(_list.Check(RedTyphoon(c => c.ExpiresAt = c.OnsetAt + Duration.FromHours(73)), Now)));
        Assert.True(_list.Check(RedTyphoon(c => c.ExpiresAt = c.OnsetAt + Duration.FromHours(72)), Now).Allowed);
    }

    [Fact]
    public void A_missing_required_language_is_refused()
    {
        Assert.Equal([ViolationCodes.LanguageMissing], Codes(_list.Check(RedTyphoon(c => c.Languages = ["en"]), Now)));
    }

    [Fact]
    public void Fast_track_is_refused_where_the_grant_does_not_allow_it()
    {
        var decision = _list.Check(RedTyphoon(c => { c.Department = "SWA"; c.Hazard = "flood"; c.FastTrack = true; }), Now);

        Assert.Equal([ViolationCodes.FastTrackNotAllowed], Codes(decision));
    }

    [Fact]
    public void Missing_sign_offs_are_refused_per_policy_and_for_network_sms()
    {
        var decision = _list.Check(RedTyphoon(c => { c.Channels = ["sms", "network_sms"]; c.SignOffs = new CandidateSignOffs(true, false, false); }), Now);

        Assert.Equal([ViolationCodes.SignOffMissing, ViolationCodes.SignOffMissing], Codes(decision));
        Assert.Equal(["sign_offs.leader_signed_off", "sign_offs.municipal_approved"], decision.Violations.Select(v => v.Field));
        Assert.True(_list.Check(RedTyphoon(c => { c.Channels = ["sms", "network_sms"]; c.SignOffs = new CandidateSignOffs(true, true, true); }), Now).Allowed);
    }

    [Fact]
    public void A_blue_warning_needs_a_reviewer()
    {
        var decision = _list.Check(RedTyphoon(c => { c.Level = "blue"; c.Channels = ["website"]; c.SignOffs = new CandidateSignOffs(false, false, false); }), Now);

        Assert.Equal("sign_offs.reviewed", Assert.Single(decision.Violations).Field);
    }

    [Fact]
    public void A_level_less_notice_is_allowed_without_a_level_and_refused_with_one()
    {
        Assert.True(_list.Check(RedTyphoon(c => { c.Department = "STC"; c.Hazard = "metro_suspension"; c.Level = ""; c.Channels = ["sms"]; c.ExpiresAt = c.OnsetAt + Duration.FromHours(6); }), Now).Allowed);
        Assert.Equal([ViolationCodes.LevelNotAllowed], Codes(_list.Check(RedTyphoon(c => { c.Department = "STC"; c.Hazard = "metro_suspension"; c.Channels = ["sms"]; c.ExpiresAt = c.OnsetAt + Duration.FromHours(6); }), Now)));
    }

    [Fact]
    public void Every_violation_is_reported_at_once()
    {
        var decision = _list.Check(RedTyphoon(c =>
        {
            c.Level = "blue";
            c.Channels = ["siren"];
            c.ExpiresAt = c.OnsetAt + Duration.FromDays(10);
            c.Languages = [];
        }), Now);

        Assert.Equal([ViolationCodes.ChannelNotAllowed, ViolationCodes.ValidityTooLong, ViolationCodes.LanguageMissing], Codes(decision));
    }

    [Fact]
    public void An_allowed_check_allocates_nothing()
    {
        var candidate = RedTyphoon(c => c.SignOffs = new CandidateSignOffs(true, true, false));
        Assert.True(_list.Check(candidate, Now).Allowed); // warm up: JIT and first-call work

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _list.Check(candidate, Now);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_empty_list_has_nothing_on_it()
    {
        Assert.Equal([ViolationCodes.NotOnList], Codes(CompiledList.Empty.Check(RedTyphoon(), Now)));
    }

    public sealed class CandidateBuilder
    {
        public string Department { get; set; } = "SMB";
        public string Hazard { get; set; } = "typhoon";
        public string Level { get; set; } = "red";
        public string[] Areas { get; set; } = ["310000"];
        public string[] Channels { get; set; } = ["sms", "tv", "cell_broadcast", "siren"];
        public Instant OnsetAt { get; set; } = Now;
        public Instant ExpiresAt { get; set; } = Now + Duration.FromHours(24);
        public string[] Languages { get; set; } = ["zh-CN", "en"];
        public bool FastTrack { get; set; }
        public CandidateSignOffs? SignOffs { get; set; }

        public PublicationCandidate Build() => new()
        {
            Department = Department, Hazard = Hazard, Level = Level, Areas = Areas, Channels = Channels,
            OnsetAt = OnsetAt, ExpiresAt = ExpiresAt, Languages = Languages, FastTrack = FastTrack, SignOffs = SignOffs,
        };
    }
}
