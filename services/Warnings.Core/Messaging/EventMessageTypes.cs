using System.Reflection;
using Warnings.Contracts.Events;

namespace Warnings.Core.Messaging;

/// <summary>
/// The events of the contracts as messages: the public records of <c>Warnings.Contracts.Events</c>
/// that no other record there contains. The others (<see cref="PublishedWarningVersion"/>, the
/// geometry, the incident totals) are parts of events and never go on the bus alone. The outbox relay
/// may publish any of these, whichever module committed it, so each needs its publish endpoint
/// wherever a relay runs; derived rather than listed, so a new event in that namespace is not left out.
/// </summary>
public static class EventMessageTypes
{
    public static IReadOnlyList<Type> All { get; } = Of(typeof(WarningPublished).Assembly, typeof(WarningPublished).Namespace!);

    // The public records of namespace ns in the contracts that no other record there has as a member.
    private static IReadOnlyList<Type> Of(Assembly contracts, string ns)
    {
        var types = contracts.GetTypes().Where(t => t.Namespace == ns && t is { IsPublic: true, IsClass: true, IsAbstract: false } && IsRecord(t)).ToList();
        var parts = types
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.PropertyType))
            .SelectMany(Unwrapped)
            .ToHashSet();
        return [.. types.Where(t => !parts.Contains(t)).OrderBy(t => t.FullName, StringComparer.Ordinal)];
    }

    // The compiler gives a record class a clone method no other class can declare.
    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    // A member's type and, for a collection or nullable, what it holds (IReadOnlyList<GeoPolygon>).
    private static IEnumerable<Type> Unwrapped(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrapped).Prepend(type) : type.IsArray ? Unwrapped(type.GetElementType()!).Prepend(type) : [type];
}
