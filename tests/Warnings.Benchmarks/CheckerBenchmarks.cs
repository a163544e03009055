using BenchmarkDotNet.Attributes;
using NodaTime;
using Warnings.Contracts.V1;
using Warnings.PublicationList.Domain;

namespace Warnings.Benchmarks;

/// <summary>
/// The publication-list checker on a list of 5,000 grants (100 departments x 50 hazards, each with
/// four levels and per-level channels; half city-wide, half for three districts). Target: under
/// 2 microseconds and no allocation on the allowed path.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class CheckerBenchmarks
{
    private static readonly string[] Districts = ["310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
        "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151"];
    private static readonly string[] Channels = ["sms", "network_sms", "cell_broadcast", "tv", "radio", "website", "social_media", "app_push", "outdoor_screen", "siren", "partner_feed"];
    private static readonly Instant At = Instant.FromUtc(2026, 7, 15, 8, 0);

    private CompiledList _list = null!;
    private PublicationCandidate _allowed = null!;
    private PublicationCandidate _refused = null!;

    [GlobalSetup]
    public void Setup()
    {
        var list = new Contracts.V1.PublicationList { Version = 1, Channels = { Channels }, Languages = { "zh-CN", "en" } };
        list.Districts.Add(Districts.Select(d => new Area { Code = d }));
        for (int d = 0; d < 100; d++)
        {
            for (int h = 0; h < 50; h++)
            {
                var grant = new Grant
                {
                    Id = $"d{d:000}-h{h:00}",
                    Department = $"D{d:000}",
                    Hazard = $"H{h:00}",
                    MaxValidityHours = 72,
                    FastTrackAllowed = true,
                    FastTrackSignOffWithinMinutes = 30,
                    NetworkSmsNeedsMunicipalApproval = true,
                    RequiredLanguages = { "zh-CN" },
                    Status = GrantStatus.Active,
                };
                grant.Areas.Add((d + h) % 2 == 0 ? ["310000"] : [Districts[h % 16], Districts[(h + 1) % 16], Districts[(h + 2) % 16]]);
                string[] levels = ["blue", "yellow", "orange", "red"];
                for (int l = 0; l < levels.Length; l++)
                {
                    grant.Levels.Add(new LevelRule
                    {
                        Level = levels[l],
                        Channels = { Channels.Take(5 + (2 * l)) },
                        SignOff = l < 2 ? SignOffPolicy.MakerReviewer : SignOffPolicy.Leader,
                    });
                }

                list.Grants.Add(grant);
            }
        }

        _list = new CompiledList(list);
        _allowed = new PublicationCandidate
        {
            Department = "D042", Hazard = "H16", Level = "red",
            Areas = ["310115", "310116"], Channels = ["sms", "tv", "website", "siren"],
            OnsetAt = At, ExpiresAt = At + Duration.FromHours(24), Languages = ["zh-CN", "en"],
            SignOffs = new CandidateSignOffs(true, true, false),
        };
        _refused = new PublicationCandidate
        {
            Department = "D042", Hazard = "H16", Level = "blue",
            Areas = ["310115"], Channels = ["sms", "siren", "network_sms"],
            OnsetAt = At, ExpiresAt = At + Duration.FromDays(5), Languages = ["en"],
        };
        if (!_list.Check(_allowed, At).Allowed || _list.Check(_refused, At).Allowed)
        {
            throw new InvalidOperationException("The benchmark candidates do not do what they say.");
        }
    }

    [Benchmark(Baseline = true, Description = "allowed (red, 2 areas, 4 channels, sign-offs)")]
    public bool Allowed() => _list.Check(_allowed, At).Allowed;

    [Benchmark(Description = "refused (4 violations)")]
    public int Refused() => _list.Check(_refused, At).Violations.Count;
}
