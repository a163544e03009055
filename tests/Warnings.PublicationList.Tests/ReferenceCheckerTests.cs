using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;
using Duration = NodaTime.Duration;

namespace Warnings.PublicationList.Tests;

/// <summary>
/// The compiled checker against a deliberately simple reference written straight from the rules
/// (LINQ over the document, no indexes, no bit masks), on thousands of random lists and candidates.
/// </summary>
public class ReferenceCheckerTests
{
    private static readonly string[] Districts = ["310101", "310104", "310105", "310115", "310151"];
    private static readonly string[] AreaChoices = [.. Districts, "310000", "999999"];
    private static readonly string[] Departments = ["SMB", "SWA", "SEMB"];
    private static readonly string[] Hazards = ["typhoon", "rainstorm", "heat", "notice"];
    private static readonly string[] Channels = ["sms", "tv", "siren", "website", "network_sms"];
    private static readonly string[] ChannelChoices = [.. Channels, "pigeon"];
    private static readonly string[] Languages = ["zh-CN", "en"];
    private static readonly string[] Levels = ["blue", "yellow", "orange", "red"];
    private static readonly string[] LevelChoices = [.. Levels, ""];
    private static readonly Instant Base = Instant.FromUtc(2026, 6, 1, 0, 0);

    [Fact]
    public void The_compiled_checker_agrees_with_the_reference_on_random_lists_and_candidates()
    {
        var random = new Random(4);
        var seen = new HashSet<string>();
        for (int round = 0; round < 300; round++)
        {
            var list = RandomList(random);
            var compiled = new CompiledList(list);
            for (int i = 0; i < 20; i++)
            {
                var candidate = RandomCandidate(random);
                var at = Base + Duration.FromHours(random.Next(-48, 48));

                var actual = compiled.Check(candidate, at);
                var (grantId, codes) = Reference(list, candidate, at);

                Assert.True(codes.SequenceEqual(actual.Violations.Select(v => v.Code)) && grantId == actual.GrantId,
                    $"round {round}.{i}: reference [{string.Join(",", codes)}] on {grantId}, checker [{string.Join(",", actual.Violations.Select(v => v.Code))}] on {actual.GrantId}");
                seen.UnionWith(actual.Allowed ? ["ALLOWED"] : codes);
            }
        }

        // The random cases reach every outcome, so agreement means something.
        Assert.Equal(
            new[] { "ALLOWED", ViolationCodes.NotOnList, ViolationCodes.DepartmentNotAuthorised, ViolationCodes.GrantNotInEffect, ViolationCodes.LevelNotAllowed,
                ViolationCodes.AreaOutsideGrant, ViolationCodes.ChannelNotAllowed, ViolationCodes.ValidityTooLong, ViolationCodes.LanguageMissing,
                ViolationCodes.FastTrackNotAllowed, ViolationCodes.SignOffMissing }.Order(),
            seen.Order());
    }

    // The rules as DESIGN.md and the issue state them, checked in the order the checker reports them.
    private static (string? GrantId, List<string> Codes) Reference(Contracts.V1.PublicationList list, PublicationCandidate c, Instant at)
    {
        var forHazard = list.Grants.Where(g => g.Hazard == c.Hazard).ToList();
        if (forHazard.Count == 0)
        {
            return (null, [ViolationCodes.NotOnList]);
        }

        var ours = forHazard.Where(g => g.Department == c.Department).ToList();
        if (ours.Count == 0)
        {
            return (null, [ViolationCodes.DepartmentNotAuthorised]);
        }

        var live = ours.Where(g => g.Status == GrantStatus.Active
                && (g.EffectiveFrom is null || at >= g.EffectiveFrom.ToInstant())
                && (g.EffectiveUntil is null || at < g.EffectiveUntil.ToInstant()))
            .OrderBy(g => g.Id, StringComparer.Ordinal)
            .ToList();
        if (live.Count == 0)
        {
            return (null, [ViolationCodes.GrantNotInEffect]);
        }

        bool Covers(Grant g, string area) => g.Areas.Contains("310000") || (area != "310000" && g.Areas.Contains(area) && list.Districts.Any(d => d.Code == area));
        var grant = live.OrderByDescending(g => c.Areas.Count(a => Covers(g, a))).First();
        var codes = new List<string>();
        codes.AddRange(c.Areas.Where(a => !Covers(grant, a)).Select(_ => ViolationCodes.AreaOutsideGrant));
        var rule = LevelChoices.Contains(c.Level) ? grant.Levels.FirstOrDefault(r => r.Level == c.Level) : null;
        if (rule is null)
        {
            codes.Add(ViolationCodes.LevelNotAllowed);
        }
        else
        {
            codes.AddRange(c.Channels.Where(ch => !(list.Channels.Contains(ch) && rule.Channels.Contains(ch))).Select(_ => ViolationCodes.ChannelNotAllowed));
            if (c.SignOffs is { } s)
            {
                if ((rule.SignOff == SignOffPolicy.Leader && !s.LeaderSignedOff) || (rule.SignOff == SignOffPolicy.MakerReviewer && !s.Reviewed))
                {
                    codes.Add(ViolationCodes.SignOffMissing);
                }

                if (c.Channels.Contains("network_sms") && grant.NetworkSmsNeedsMunicipalApproval && !s.MunicipalApproved)
                {
                    codes.Add(ViolationCodes.SignOffMissing);
                }
            }
        }

        if (c.ExpiresAt - c.OnsetAt > Duration.FromHours(grant.MaxValidityHours))
        {
            codes.Add(ViolationCodes.ValidityTooLong);
        }

        codes.AddRange(grant.RequiredLanguages.Where(l => list.Languages.Contains(l) && !c.Languages.Contains(l)).Select(_ => ViolationCodes.LanguageMissing));
        if (c.FastTrack && !grant.FastTrackAllowed)
        {
            codes.Add(ViolationCodes.FastTrackNotAllowed);
        }

        return (grant.Id, codes);
    }

    private static Contracts.V1.PublicationList RandomList(Random random)
    {
        var list = new Contracts.V1.PublicationList { Version = 1, Channels = { Channels }, Languages = { Languages } };
        list.Districts.Add(Districts.Select(d => new Area { Code = d }));
        int grants = random.Next(0, 9);
        for (int i = 0; i < grants; i++)
        {
            var grant = new Grant
            {
                Id = $"g{random.Next(0, 50):00}-{i}",
                Department = Pick(random, Departments),
                Hazard = Pick(random, Hazards),
                MaxValidityHours = random.Next(1, 100),
                NetworkSmsNeedsMunicipalApproval = random.Next(2) == 0,
                FastTrackAllowed = random.Next(2) == 0,
                FastTrackSignOffWithinMinutes = 30,
                Status = (GrantStatus)random.Next(1, 4),
            };
            grant.Areas.Add(Subset(random, [.. Districts, "310000"], 1));
            grant.RequiredLanguages.Add(Subset(random, Languages, 0));
            foreach (var level in Subset(random, LevelChoices, 1))
            {
                var rule = new LevelRule { Level = level, SignOff = (SignOffPolicy)random.Next(1, 3) };
                rule.Channels.Add(Subset(random, Channels, 1));
                grant.Levels.Add(rule);
            }

            if (random.Next(4) == 0)
            {
                grant.EffectiveFrom = (Base + Duration.FromHours(random.Next(-72, 24))).ToTimestamp();
            }

            if (random.Next(4) == 0)
            {
                grant.EffectiveUntil = (Base + Duration.FromHours(random.Next(-24, 72))).ToTimestamp();
            }

            list.Grants.Add(grant);
        }

        return list;
    }

    private static PublicationCandidate RandomCandidate(Random random)
    {
        var onset = Base + Duration.FromHours(random.Next(0, 24));
        return new PublicationCandidate
        {
            Department = Pick(random, Departments),
            Hazard = Pick(random, Hazards),
            Level = random.Next(10) == 0 ? "purple" : Pick(random, LevelChoices),
            Areas = Subset(random, AreaChoices, 1),
            Channels = Subset(random, ChannelChoices, 1),
            OnsetAt = onset,
            ExpiresAt = onset + Duration.FromHours(random.Next(1, 120)),
            Languages = Subset(random, [.. Languages, "fr"], 0),
            FastTrack = random.Next(3) == 0,
            SignOffs = random.Next(2) == 0 ? null : new CandidateSignOffs(random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0),
        };
    }

    private static string Pick(Random random, string[] from) => from[random.Next(from.Length)];

    private static string[] Subset(Random random, string[] from, int atLeast)
    {
        var chosen = from.Where(_ => random.Next(2) == 0).ToList();
        while (chosen.Count < atLeast)
        {
            chosen.Add(Pick(random, from));
            chosen = chosen.Distinct().ToList();
        }

        return chosen.ToArray();
    }
}
