using Warnings.Core.Modules;
using Warnings.Analysis;
using Warnings.DutyConsole;
using Warnings.Dispatch;
using Warnings.Feeds;
using Warnings.Issuing;
using Warnings.PublicationList;
using Warnings.Reporting;
using Warnings.Platform.Hosting;

namespace Warnings.Platform.Modules;

/// <summary>Every module the host knows, and the selection of them that <c>Platform:Modules</c> asks for.</summary>
public static class ModuleCatalog
{
    /// <summary>All modules, in start-up order.</summary>
    public static IReadOnlyList<IPlatformModule> All { get; } =
    [
        new PublicationListModule(),
        new IssuingModule(),
        new ReportingModule(),
        new DispatchModule(),
        new FeedsModule(),
        new AnalysisModule(),
        new ConsoleModule(),
    ];

    /// <summary>
    /// The modules named in <paramref name="spec"/> ("all", or comma-separated names in any case),
    /// in catalogue order. Throws <see cref="PlatformConfigurationException"/> naming any unknown module.
    /// </summary>
    public static IReadOnlyList<IPlatformModule> Select(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec) || spec.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }

        var names = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToHashSet();
        var unknown = names.Where(n => All.All(m => m.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new PlatformConfigurationException(
                $"Unknown module(s) {string.Join(", ", unknown)} in Platform:Modules. Known modules: all, {string.Join(", ", All.Select(m => m.Name))}.");
        }

        return All.Where(m => names.Contains(m.Name)).ToList();
    }
}
