using NodaTime;
using Warnings.Contracts.Events;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Commands;
using Warnings.Core.Grpc;
using Warnings.PublicationList.Domain;
using ListDocument = Warnings.Contracts.V1.PublicationList;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// What an edit of the list commits, worked out from the version it is based on: the edited copy
/// validated whole (<c>LIST_INVALID</c>, each problem under the request's field), the change described
/// (<c>LIST_UNCHANGED</c> when there is none), the next version with its change record, and the
/// <see cref="PublicationListChanged"/> event. The edit RPCs commit it; the warm-up rehearses it.
/// </summary>
public static class ListEditPlan
{
    /// <summary>The plan, and the edited list it writes (the version the editing instance adopts once committed).</summary>
    public static (ListDocument After, CommandPlan<ListEditResponse> Plan) For(
        long current, ListDocument before, Action<ListDocument> edit, Func<string, string> fieldFor, string reason, string requestId, string by, Instant now)
    {
        var after = before.Clone();
        edit(after);
        var problems = ListValidator.Validate(after, carriedFrom: before);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                problem.Field = fieldFor(problem.Field);
            }

            throw GrpcErrors.InvalidArgument(problems, "LIST_INVALID");
        }

        var changes = ListDiff.Describe(before, after);
        if (changes.Count == 0)
        {
            throw GrpcErrors.Build(Google.Rpc.Code.FailedPrecondition, "LIST_UNCHANGED", "The edit changes nothing; no new version was made.");
        }

        var change = new ListChange { At = now.ToTimestamp(), By = by, Reason = reason.Trim(), RequestId = requestId };
        change.Changes.AddRange(changes);
        var (conditions, writes) = ListRepository.Edit(current, after, change);
        return (after, new CommandPlan<ListEditResponse>(
            new ListEditResponse { Version = change.Version, Change = change },
            conditions,
            writes,
            [new PublicationListChanged(change.Version, now, by, change.Reason, changes)]));
    }
}
