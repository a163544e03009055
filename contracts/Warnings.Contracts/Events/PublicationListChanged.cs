using NodaTime;

namespace Warnings.Contracts.Events;

/// <summary>
/// The publication list was edited: a new version is in effect. Instances apply it through the
/// store (nudge and poll); this event is for modules that keep their own view of list decisions.
/// </summary>
/// <param name="Version">The new version.</param>
/// <param name="At">When the edit was made.</param>
/// <param name="By">Who made it.</param>
/// <param name="Reason">Why, as the editor said.</param>
/// <param name="Changes">What changed, one line per grant or section.</param>
public sealed record PublicationListChanged(long Version, Instant At, string By, string Reason, IReadOnlyList<string> Changes);
