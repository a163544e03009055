using NodaTime;

namespace Warnings.PublicationList.Domain;

/// <summary>
/// A warning as the publication list sees it. Built by the issuing module from a draft, or by the
/// dry-run Check RPC. Arrays, not lists, so that a check walks them without allocating.
/// </summary>
public sealed class PublicationCandidate
{
    public required string Department { get; init; }

    public required string Hazard { get; init; }

    /// <summary>blue, yellow, orange or red; empty for a level-less notice.</summary>
    public string Level { get; init; } = "";

    public string[] Areas { get; init; } = [];

    public string[] Channels { get; init; } = [];

    public Instant OnsetAt { get; init; }

    public Instant ExpiresAt { get; init; }

    public string[] Languages { get; init; } = [];

    public bool FastTrack { get; init; }

    /// <summary>When set, the grant's sign-off policy is checked against these.</summary>
    public CandidateSignOffs? SignOffs { get; init; }
}

/// <summary>Which sign-offs a warning has collected.</summary>
public readonly record struct CandidateSignOffs(bool Reviewed, bool LeaderSignedOff, bool MunicipalApproved);
