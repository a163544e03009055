using Google.Rpc;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Domain;

/// <summary>The publication list's decision on a warning step, as the life cycle needs it: allowed, or a typed refusal naming every violation.</summary>
public static class PublicationDecisions
{
    /// <summary>
    /// <paramref name="warning"/>'s content checked against <paramref name="list"/> at <paramref name="now"/>;
    /// throws FAILED_PRECONDITION with each violation when it is refused. With <paramref name="leaderRefusal"/>,
    /// a refusal for the leader's sign-off alone is PERMISSION_DENIED (an approver must take the step).
    /// </summary>
    public static ListDecision Decide(CompiledList list, Warning warning, bool fastTrack, CandidateSignOffs? signOffs, Instant now, bool leaderRefusal = false)
    {
        var content = warning.Content;
        var decision = list.Check(new PublicationCandidate
        {
            Department = warning.Department,
            Hazard = content.Hazard,
            Level = content.Level,
            Areas = content.Districts.ToArray(),
            Channels = content.Channels.ToArray(),
            OnsetAt = content.OnsetAt.ToInstant(),
            ExpiresAt = content.ExpiresAt.ToInstant(),
            Languages = content.Texts.Select(t => t.Language).ToArray(),
            FastTrack = fastTrack,
            SignOffs = signOffs,
        }, now);
        if (decision.Allowed)
        {
            return decision;
        }

        string listVersion = decision.ListVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (leaderRefusal && decision.Violations.All(v => v.Field == "sign_offs.leader_signed_off"))
        {
            throw GrpcErrors.Build(Code.PermissionDenied, IssuingReasons.LeaderRequired,
                $"Level '{content.Level}' needs a leader's sign-off: an approver must make this update.", new Dictionary<string, string> { ["list_version"] = listVersion });
        }

        var failure = new PreconditionFailure();
        failure.Violations.AddRange(decision.Violations.Select(v => new PreconditionFailure.Types.Violation { Type = v.Code, Subject = v.Field, Description = v.Message }));
        throw GrpcErrors.Build(Code.FailedPrecondition, IssuingReasons.ListCheckFailed,
            $"Publication list v{listVersion} does not allow this: {string.Join("; ", decision.Violations.Select(v => $"{v.Code} ({v.Field})"))}.",
            new Dictionary<string, string> { ["list_version"] = listVersion, ["violations"] = string.Join(",", decision.Violations.Select(v => v.Code)) },
            failure);
    }
}
