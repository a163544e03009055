using Google.Rpc;
using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Core.Identity;
using Warnings.PublicationList.Domain;
using WarningState = Warnings.Contracts.V1.WarningState;

namespace Warnings.Issuing.Domain;

/// <summary>
/// One warning's life cycle over its stored history: drafted, edited, submitted, reviewed (or sent
/// back), signed off, approved for network-wide SMS, published (or fast-tracked), updated, lifted,
/// expired. Each step checks the warning's state, the second pair of eyes and the publication list it
/// is given, changes the history (step record, revision, time) and answers the event it causes. A
/// refusal throws before anything changes. The publication list is asked for only once a step gets
/// that far (<see cref="ListProvider"/>: a refusal for the state reads no list and names none in the
/// audit). Loading, the caller's department and committing are the caller's (<c>WarningGrpcService</c>,
/// <c>WarningExpiry</c>).
/// </summary>
public sealed class WarningLifeCycle
{
    /// <summary>The publication list as it is now, read when a step needs its decision.</summary>
    public delegate ValueTask<CompiledList> ListProvider();

    private WarningLifeCycle(WarningHistory history) => History = history;

    /// <summary>The stored document, kept current by every step.</summary>
    public WarningHistory History { get; }

    public Warning Warning => History.Warning;

    /// <summary>Takes over a stored history.</summary>
    public static WarningLifeCycle Of(WarningHistory history) => new(history);

    /// <summary>A new draft of <paramref name="content"/>, made by <paramref name="maker"/>; <paramref name="signer"/>: imported from a signed CAP.</summary>
    public static WarningLifeCycle Draft(string id, string department, WarningContent content, PlatformPrincipal maker, Instant now, string note, CapSigner? signer = null)
    {
        var life = new WarningLifeCycle(new WarningHistory
        {
            Warning = new Warning
            {
                Id = id,
                Department = department,
                State = WarningState.Draft,
                Content = content.Clone(),
                Maker = maker.Id,
                CreatedAt = now.ToTimestamp(),
                UpdatedAt = now.ToTimestamp(),
                Revision = 1,
                CapSigner = signer,
            },
        });
        life.History.Steps.Add(Step(now, maker.Id, "created", signer is null ? note : $"imported from CAP signed by {signer.Subject} ({signer.Thumbprint})"));
        return life;
    }

    public void Edit(WarningContent content, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Draft);
        Warning.Content = content.Clone();
        Warning.ReviewComment = "";
        Record(now, by.Id, "edited");
    }

    /// <summary>Submits the draft for review, checked against <paramref name="list"/> as it is now.</summary>
    public async Task Submit(ListProvider list, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Draft);
        var decision = PublicationDecisions.Decide(await list(), Warning, fastTrack: false, signOffs: null, now);
        Warning.ListVersion = decision.ListVersion; // the list the submission was checked against
        Warning.State = WarningState.Submitted;
        Record(now, by.Id, "submitted");
    }

    /// <summary>Approves the submission, or sends it back to draft with <paramref name="comment"/>; never by its maker.</summary>
    public void Review(bool approve, string comment, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Submitted);
        RequireSecondPerson(by, "review");
        if (approve)
        {
            Warning.State = WarningState.Reviewed;
            Warning.Reviewer = by.Id;
            Record(now, by.Id, "reviewed", comment);
        }
        else
        {
            Warning.State = WarningState.Draft;
            Warning.ReviewComment = comment.Trim();
            Record(now, by.Id, "sent_back", comment.Trim());
        }
    }

    /// <summary>A reviewed warning's sign-off, or the sign-off a fast-tracked warning owes after publication.</summary>
    public void SignOff(PlatformPrincipal by, Instant now)
    {
        bool lateFastTrackSignOff = Warning.State == WarningState.Published && Warning.FastTrack && Warning.SignedOffBy.Length == 0;
        if (!lateFastTrackSignOff)
        {
            RequireState(WarningState.Reviewed);
        }

        RequireSecondPerson(by, "sign off");
        Warning.SignedOffBy = by.Id;
        if (!lateFastTrackSignOff)
        {
            Warning.State = WarningState.SignedOff;
        }

        Record(now, by.Id, "signed_off", lateFastTrackSignOff
            ? $"fast-track sign-off{(now > Warning.SignOffDueAt.ToInstant() ? $", {(now - Warning.SignOffDueAt.ToInstant()).TotalMinutes:0} min late" : "")}"
            : "");
    }

    /// <summary>The municipal approval network-wide SMS needs (whether the approver may give it is the caller's scope).</summary>
    public void ApproveNetworkSms(PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Submitted, WarningState.Reviewed, WarningState.SignedOff, WarningState.Published);
        RequireSecondPerson(by, "approve");
        Warning.MunicipalApprovedBy = by.Id;
        Record(now, by.Id, "network_sms_approved");
    }

    /// <summary>Publishes the reviewed (or signed-off) warning as version 1, if <paramref name="list"/> allows it with the sign-offs it has.</summary>
    public async Task<WarningPublished> Publish(ListProvider list, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Reviewed, WarningState.SignedOff);
        var decision = PublicationDecisions.Decide(await list(), Warning, fastTrack: false,
            new CandidateSignOffs(Warning.Reviewer.Length > 0, Warning.SignedOffBy.Length > 0, Warning.MunicipalApprovedBy.Length > 0), now);
        var version = AddVersion("Alert", by, now, decision.ListVersion, decision.ResponseMeasures, note: "");
        Warning.State = WarningState.Published;
        Record(now, by.Id, "published");
        return new WarningPublished(version);
    }

    /// <summary>The emergency fast-track: published before review, its sign-off due within the grant's minutes.</summary>
    public async Task<WarningPublished> EmergencyPublish(ListProvider list, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Draft, WarningState.Submitted, WarningState.Reviewed, WarningState.SignedOff);
        var decision = PublicationDecisions.Decide(await list(), Warning, fastTrack: true, signOffs: null, now);
        Warning.FastTrack = true;
        Warning.SignOffDueAt = (now + Duration.FromMinutes(decision.FastTrackSignOffWithinMinutes)).ToTimestamp();
        var version = AddVersion("Alert", by, now, decision.ListVersion, decision.ResponseMeasures, note: "emergency fast-track");
        Warning.State = WarningState.Published;
        Record(now, by.Id, "fast_tracked", $"sign-off due by {Warning.SignOffDueAt.ToInstant()}");
        return new WarningPublished(version);
    }

    /// <summary>
    /// A new version of the published warning with <paramref name="content"/>. The updater is the
    /// second pair of eyes on it; a level that needs a leader needs an approver; an update that reaches
    /// further than the version in force cannot be made by the warning's maker alone.
    /// </summary>
    public async Task<WarningUpdated> Update(WarningContent content, string note, ListProvider list, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Published);
        if (content.Hazard != Warning.Content.Hazard)
        {
            throw GrpcErrors.InvalidArgument("content.hazard", "a warning keeps its hazard: lift it and issue a new one");
        }

        var proposed = Warning.Clone();
        proposed.Content = content.Clone();
        var decision = PublicationDecisions.Decide(await list(), proposed, fastTrack: false,
            new CandidateSignOffs(true, by.HasRole(Roles.Approver), Warning.MunicipalApprovedBy.Length > 0), now, leaderRefusal: true);
        if (UpdateRules.Escalations(Warning.Content, content) is { Count: > 0 } escalations)
        {
            RequireSecondPerson(by, $"widen it alone ({string.Join("; ", escalations)}): another officer or an approver must make this update");
        }

        Warning.Content = content.Clone();
        var version = AddVersion("Update", by, now, decision.ListVersion, decision.ResponseMeasures, note.Trim());
        Record(now, by.Id, "updated", note.Trim());
        return new WarningUpdated(version, note.Trim());
    }

    /// <summary>Cancels the published warning (CAP Cancel) under the list version in effect.</summary>
    public async Task<WarningLifted> Lift(string reason, ListProvider list, PlatformPrincipal by, Instant now)
    {
        RequireState(WarningState.Published);
        var version = AddVersion("Cancel", by, now, (await list()).Version, measures: [], note: reason.Trim());
        Warning.State = WarningState.Lifted;
        Record(now, by.Id, "lifted", reason.Trim());
        return new WarningLifted(version, reason.Trim());
    }

    /// <summary>True when version <paramref name="version"/> is published and its time is up at <paramref name="now"/>.</summary>
    public bool IsDueToExpire(int version, Instant now) =>
        Warning.State == WarningState.Published && Warning.Version == version && Warning.Content.ExpiresAt.ToInstant() <= now;

    /// <summary>
    /// The platform expires version <paramref name="version"/>, found due (<see cref="IsDueToExpire"/>)
    /// by a scan; null (nothing changed) when it was lifted or updated since. Not due-checked again
    /// against <paramref name="now"/>: a clock stepped back must not turn the scan's finding into a
    /// remembered no-op that never expires the warning.
    /// </summary>
    public WarningExpired? Expire(int version, Instant now)
    {
        if (Warning.State != WarningState.Published || Warning.Version != version)
        {
            return null;
        }

        Warning.State = WarningState.Expired;
        Record(now, "platform", "expired");
        return new WarningExpired(Snapshot(History, History.Versions[^1]));
    }

    /// <summary>The warning as callers see it at <paramref name="now"/> (a copy, with whether a fast-track sign-off is overdue).</summary>
    public static Warning Present(Warning warning, Instant now)
    {
        var shown = warning.Clone();
        shown.SignOffOverdue = warning.FastTrack && warning.SignedOffBy.Length == 0 && warning.SignOffDueAt is not null && now > warning.SignOffDueAt.ToInstant();
        return shown;
    }

    /// <summary>One stored version as the bus and CAP see it, with references to every earlier version.</summary>
    public static PublishedWarningVersion Snapshot(WarningHistory history, WarningVersion version)
    {
        var content = version.Content;
        return new PublishedWarningVersion(
            history.Warning.Id,
            version.Version,
            version.Kind,
            history.Versions.Where(v => v.Version < version.Version).Select(v => new WarningVersionReference(v.Version, v.PublishedAt.ToInstant())).ToList(),
            history.Warning.Department,
            content.Hazard,
            content.Level,
            content.Districts.ToList(),
            content.OnsetAt.ToInstant(),
            content.ExpiresAt.ToInstant(),
            content.Channels.ToList(),
            content.Texts.Select(t => new WarningTextContent(t.Language, t.Headline, t.Description, t.Instruction)).ToList(),
            content.Contact,
            version.ResponseMeasures.ToList(),
            version.ListVersion,
            history.Warning.FastTrack,
            version.PublishedAt.ToInstant(),
            version.PublishedBy,
            content.Polygons.Select(p => new GeoPolygon(p.Points.Select(Coordinate).ToList())).ToList(),
            content.Circles.Select(c => new GeoCircle(Coordinate(c.Center), c.RadiusKm)).ToList());
    }

    private PublishedWarningVersion AddVersion(string kind, PlatformPrincipal by, Instant now, long listVersion, IReadOnlyList<string> measures, string note)
    {
        Warning.Version++;
        Warning.ListVersion = listVersion;
        Warning.ResponseMeasures.Clear();
        Warning.ResponseMeasures.AddRange(measures);
        var version = new WarningVersion
        {
            Version = Warning.Version,
            Kind = kind,
            Content = Warning.Content.Clone(),
            PublishedAt = now.ToTimestamp(),
            PublishedBy = by.Id,
            ListVersion = listVersion,
            Note = note,
            ResponseMeasures = { measures },
        };
        History.Versions.Add(version);
        return Snapshot(History, version);
    }

    // Every step: its record in the history, a new revision (what a conditional commit compares), the time.
    private void Record(Instant now, string by, string action, string note = "")
    {
        History.Steps.Add(Step(now, by, action, note));
        Warning.Revision++;
        Warning.UpdatedAt = now.ToTimestamp();
    }

    private void RequireState(params WarningState[] allowed)
    {
        if (!allowed.Contains(Warning.State))
        {
            throw GrpcErrors.Build(Code.FailedPrecondition, IssuingReasons.WrongState,
                $"Warning {Warning.Id} is {Name(Warning.State)}; this step needs it {string.Join(" or ", allowed.Select(Name))}.",
                new Dictionary<string, string> { ["state"] = Name(Warning.State) });
        }
    }

    private void RequireSecondPerson(PlatformPrincipal by, string what)
    {
        if (Warning.Maker == by.Id)
        {
            throw GrpcErrors.Build(Code.PermissionDenied, IssuingReasons.FourEyes, $"{by.Id} made warning {Warning.Id} and may not {what} it.");
        }
    }

    private static WarningStep Step(Instant now, string by, string action, string note = "") =>
        new() { At = now.ToTimestamp(), By = by, Action = action, Note = note };

    private static GeoCoordinate Coordinate(GeoPoint point) => new(point.Latitude, point.Longitude);

    private static string Name(WarningState state) => state.ToString().ToLowerInvariant();
}
