using NodaTime;
using Warnings.Core.Modules;

namespace Warnings.Platform.Hosting;

/// <summary>Who this process is: its name, the modules it runs and when it started.</summary>
public sealed record PlatformInstance(string Name, IReadOnlyList<IPlatformModule> Modules, Instant StartedAt)
{
    public IEnumerable<string> ModuleNames => Modules.Select(m => m.Name);
}
