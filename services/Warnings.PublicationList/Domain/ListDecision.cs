using Warnings.Contracts.V1;

namespace Warnings.PublicationList.Domain;

/// <summary>
/// The checker's answer: allowed or not, every violation, the list version used, and what the
/// applicable grant says for the candidate's level. A struct with no allocation when allowed.
/// </summary>
public readonly struct ListDecision(long listVersion, string? grantId, SignOffPolicy signOff, string[] responseMeasures, int fastTrackMinutes, IReadOnlyList<ListViolation> violations)
{
    private static readonly ListViolation[] None = [];

    public long ListVersion { get; } = listVersion;

    /// <summary>The grant the decision was made against, when one applied.</summary>
    public string? GrantId { get; } = grantId;

    public SignOffPolicy SignOff { get; } = signOff;

    public string[] ResponseMeasures { get; } = responseMeasures;

    public int FastTrackSignOffWithinMinutes { get; } = fastTrackMinutes;

    public IReadOnlyList<ListViolation> Violations { get; } = violations ?? None;

    public bool Allowed => Violations.Count == 0;
}
