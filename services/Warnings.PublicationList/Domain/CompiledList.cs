using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Domain;
using Warnings.Core.Identity;

namespace Warnings.PublicationList.Domain;

/// <summary>
/// One version of the publication list, compiled for checking: grants indexed by hazard and
/// department, areas, channels and languages turned into bit masks. Immutable, so every decision
/// that holds one sees one consistent version. <see cref="Check"/> is the pure function
/// (candidate, snapshot, instant) -> decision; it allocates nothing when the candidate is allowed.
/// </summary>
public sealed class CompiledList
{
    private const int NoLevelSlot = 4;
    private const uint CityWideBit = 1u << 31;

    private static readonly string[] NoMeasures = [];
    private static readonly string[] LevelNames = [WarningLevels.Blue, WarningLevels.Yellow, WarningLevels.Orange, WarningLevels.Red, ""];

    private readonly Dictionary<string, int> _districtBits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _channelBits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _languageBits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, CompiledGrant[]>> _grants = new(StringComparer.Ordinal);

    public CompiledList(Contracts.V1.PublicationList document)
    {
        Document = document;
        Version = document.Version;
        Names = ListNames.From(document);
        for (int i = 0; i < document.Districts.Count && i < 31; i++)
        {
            _districtBits[document.Districts[i].Code] = i;
        }

        for (int i = 0; i < document.Channels.Count && i < 64; i++)
        {
            _channelBits[document.Channels[i]] = i;
        }

        for (int i = 0; i < document.Languages.Count && i < 64; i++)
        {
            _languageBits[document.Languages[i]] = i;
        }

        foreach (var byHazard in document.Grants.GroupBy(g => g.Hazard, StringComparer.Ordinal))
        {
            _grants[byHazard.Key] = byHazard
                .GroupBy(g => g.Department, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.OrderBy(x => x.Id, StringComparer.Ordinal).Select(Compile).ToArray(), StringComparer.Ordinal);
        }
    }

    /// <summary>An empty list (version 0): every candidate is NOT_ON_LIST.</summary>
    public static CompiledList Empty { get; } = new(new Contracts.V1.PublicationList());

    public long Version { get; }

    /// <summary>The list as edited; do not modify.</summary>
    public Contracts.V1.PublicationList Document { get; }

    /// <summary>The names this version gives its codes, per language.</summary>
    public ListNames Names { get; }

    /// <summary>Checks <paramref name="candidate"/> against this version at <paramref name="at"/>, returning every violation.</summary>
    public ListDecision Check(PublicationCandidate candidate, Instant at)
    {
        if (!_grants.TryGetValue(candidate.Hazard, out var byDepartment))
        {
            return Refused(null, ViolationCodes.NotOnList, "hazard", $"Hazard '{candidate.Hazard}' is not on publication list v{Version}.");
        }

        if (!byDepartment.TryGetValue(candidate.Department, out var grants))
        {
            return Refused(null, ViolationCodes.DepartmentNotAuthorised, "department",
                $"Department '{candidate.Department}' is not authorised to warn of '{candidate.Hazard}' (list v{Version}).");
        }

        // Of the department's grants in effect, the one that covers most of the candidate's areas (then the lowest id).
        CompiledGrant? grant = null;
        int bestCovered = -1;
        for (int i = 0; i < grants.Length; i++)
        {
            if (!grants[i].InEffect(at))
            {
                continue;
            }

            int covered = CountCovered(grants[i], candidate.Areas);
            if (covered > bestCovered)
            {
                grant = grants[i];
                bestCovered = covered;
            }
        }

        if (grant is null)
        {
            return Refused(null, ViolationCodes.GrantNotInEffect, "hazard", NotInEffectMessage(candidate, grants, at));
        }

        List<ListViolation>? violations = null;
        for (int i = 0; i < candidate.Areas.Length; i++)
        {
            if (!Covers(grant, candidate.Areas[i]))
            {
                Add(ref violations, ViolationCodes.AreaOutsideGrant, $"areas[{i}]", $"Area {candidate.Areas[i]} is outside grant {grant.Id}.");
            }
        }

        int slotIndex = LevelSlot(candidate.Level);
        var slot = slotIndex >= 0 ? grant.Slots[slotIndex] : null;
        if (slot is null)
        {
            Add(ref violations, ViolationCodes.LevelNotAllowed, "level", LevelNotAllowedMessage(candidate, grant));
        }
        else
        {
            bool networkSms = false;
            for (int i = 0; i < candidate.Channels.Length; i++)
            {
                string channel = candidate.Channels[i];
                networkSms |= channel == "network_sms";
                if (!_channelBits.TryGetValue(channel, out int bit) || (slot.Channels & (1UL << bit)) == 0)
                {
                    Add(ref violations, ViolationCodes.ChannelNotAllowed, $"channels[{i}]", $"Channel '{channel}' is not allowed at level '{candidate.Level}' by grant {grant.Id}.");
                }
            }

            if (candidate.SignOffs is { } signOffs)
            {
                if (slot.SignOff == SignOffPolicy.Leader && !signOffs.LeaderSignedOff)
                {
                    Add(ref violations, ViolationCodes.SignOffMissing, "sign_offs.leader_signed_off", $"Level '{candidate.Level}' needs a leader's sign-off (grant {grant.Id}).");
                }
                else if (slot.SignOff == SignOffPolicy.MakerReviewer && !signOffs.Reviewed)
                {
                    Add(ref violations, ViolationCodes.SignOffMissing, "sign_offs.reviewed", $"Level '{candidate.Level}' needs a reviewer other than the maker (grant {grant.Id}).");
                }

                if (networkSms && grant.NetworkSmsNeedsMunicipalApproval && !signOffs.MunicipalApproved)
                {
                    Add(ref violations, ViolationCodes.SignOffMissing, "sign_offs.municipal_approved", $"Network-wide SMS needs municipal approval (grant {grant.Id}).");
                }
            }
        }

        if (candidate.ExpiresAt - candidate.OnsetAt > grant.MaxValidity)
        {
            Add(ref violations, ViolationCodes.ValidityTooLong, "expires_at",
                $"Valid for {(candidate.ExpiresAt - candidate.OnsetAt).TotalHours:0.##} h; grant {grant.Id} allows at most {grant.MaxValidity.TotalHours:0.##} h.");
        }

        ulong languages = 0;
        for (int i = 0; i < candidate.Languages.Length; i++)
        {
            if (_languageBits.TryGetValue(candidate.Languages[i], out int bit))
            {
                languages |= 1UL << bit;
            }
        }

        if ((grant.RequiredLanguages & ~languages) != 0)
        {
            AddMissingLanguages(ref violations, grant, languages);
        }

        if (candidate.FastTrack && !grant.FastTrackAllowed)
        {
            Add(ref violations, ViolationCodes.FastTrackNotAllowed, "fast_track", $"Grant {grant.Id} does not allow the emergency fast-track.");
        }

        return new ListDecision(Version, grant.Id, slot?.SignOff ?? SignOffPolicy.Unspecified, slot?.Measures ?? NoMeasures,
            grant.FastTrackAllowed ? grant.FastTrackMinutes : 0, violations!);
    }

    // Messages are built only on refusal, in methods of their own: a lambda inside Check would make
    // the compiler allocate its closure on every call, allowed ones included.
    private static string NotInEffectMessage(PublicationCandidate candidate, CompiledGrant[] grants, Instant at) =>
        $"No grant of '{candidate.Department}' for '{candidate.Hazard}' is in effect at {at} ({string.Join(", ", grants.Select(g => $"{g.Id}: {g.Describe(at)}"))}).";

    private static string LevelNotAllowedMessage(PublicationCandidate candidate, CompiledGrant grant) =>
        $"Level '{candidate.Level}' is not allowed by grant {grant.Id} (allowed: {string.Join(", ", grant.Slots.Select((s, n) => s is null ? null : LevelNames[n] is "" ? "no level" : LevelNames[n]).Where(n => n is not null))}).";

    private void AddMissingLanguages(ref List<ListViolation>? violations, CompiledGrant grant, ulong languages)
    {
        foreach (var language in grant.RequiredLanguageCodes)
        {
            if ((languages & (1UL << _languageBits[language])) == 0)
            {
                Add(ref violations, ViolationCodes.LanguageMissing, "languages", $"Grant {grant.Id} requires the text in {language}.");
            }
        }
    }

    private ListDecision Refused(string? grantId, string code, string field, string message) =>
        new(Version, grantId, SignOffPolicy.Unspecified, NoMeasures, 0, [new ListViolation(code, field, message)]);

    private static void Add(ref List<ListViolation>? violations, string code, string field, string message) =>
        (violations ??= []).Add(new ListViolation(code, field, message));

    private static int LevelSlot(string level) => level switch
    {
        "" => NoLevelSlot,
        WarningLevels.Blue => 0,
        WarningLevels.Yellow => 1,
        WarningLevels.Orange => 2,
        WarningLevels.Red => 3,
        _ => -1,
    };

    private int CountCovered(CompiledGrant grant, string[] areas)
    {
        int covered = 0;
        for (int i = 0; i < areas.Length; i++)
        {
            if (Covers(grant, areas[i]))
            {
                covered++;
            }
        }

        return covered;
    }

    private bool Covers(CompiledGrant grant, string area) =>
        (grant.Areas & CityWideBit) != 0 || (area != Scopes.CityWide && _districtBits.TryGetValue(area, out int bit) && (grant.Areas & (1u << bit)) != 0);

    private CompiledGrant Compile(Grant grant)
    {
        uint areas = 0;
        foreach (var area in grant.Areas)
        {
            areas |= area == Scopes.CityWide ? CityWideBit : _districtBits.TryGetValue(area, out int bit) ? 1u << bit : 0;
        }

        var slots = new LevelRuleSlot?[5];
        foreach (var rule in grant.Levels)
        {
            int index = LevelSlot(rule.Level);
            if (index >= 0)
            {
                ulong channels = 0;
                foreach (var channel in rule.Channels)
                {
                    channels |= _channelBits.TryGetValue(channel, out int bit) ? 1UL << bit : 0;
                }

                slots[index] = new LevelRuleSlot(channels, rule.SignOff, rule.ResponseMeasures.ToArray());
            }
        }

        ulong languages = 0;
        foreach (var language in grant.RequiredLanguages)
        {
            languages |= _languageBits.TryGetValue(language, out int bit) ? 1UL << bit : 0;
        }

        return new CompiledGrant(
            grant.Id,
            grant.Status,
            grant.EffectiveFrom is { } from && TimestampConversions.TryToInstant(from, out var f) ? f : null,
            grant.EffectiveUntil is { } until && TimestampConversions.TryToInstant(until, out var u) ? u : null,
            areas,
            slots,
            Duration.FromHours(grant.MaxValidityHours),
            languages,
            grant.RequiredLanguages.Where(_languageBits.ContainsKey).ToArray(),
            grant.FastTrackAllowed,
            grant.FastTrackSignOffWithinMinutes,
            grant.NetworkSmsNeedsMunicipalApproval);
    }

    private sealed record LevelRuleSlot(ulong Channels, SignOffPolicy SignOff, string[] Measures);

    private sealed record CompiledGrant(
        string Id,
        GrantStatus Status,
        Instant? From,
        Instant? Until,
        uint Areas,
        LevelRuleSlot?[] Slots,
        Duration MaxValidity,
        ulong RequiredLanguages,
        string[] RequiredLanguageCodes,
        bool FastTrackAllowed,
        int FastTrackMinutes,
        bool NetworkSmsNeedsMunicipalApproval)
    {
        public bool InEffect(Instant at) =>
            Status == GrantStatus.Active && (From is null || at >= From) && (Until is null || at < Until);

        public string Describe(Instant at) => Status switch
        {
            GrantStatus.Suspended => "suspended",
            GrantStatus.Retired => "retired",
            _ when From is { } f && at < f => $"effective from {f}",
            _ when Until is { } u && at >= u => $"ended {u}",
            _ => "not active",
        };
    }
}
