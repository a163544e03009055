using Microsoft.Extensions.Logging;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// The compiled current list of this instance. <see cref="CurrentAsync"/> reads the current version
/// number from the store on every call (one small read) and compiles a newer version before
/// answering, so a decision never uses a snapshot older than one it could have seen; nudges and
/// polling only make that compile happen ahead of time.
/// </summary>
public sealed class ListSnapshots(ListRepository repository, ILogger<ListSnapshots> logger)
{
    private readonly SemaphoreSlim _compileGate = new(1, 1);
    private volatile CompiledList _current = CompiledList.Empty;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The snapshot this instance holds, without asking the store (may lag by up to one nudge or poll).</summary>
    public CompiledList Cached => _current;

    /// <summary>The current list, as fresh as the store.</summary>
    public async ValueTask<CompiledList> CurrentAsync()
    {
        long version = await repository.CurrentVersionAsync();
        var current = _current;
        return current.Version >= version ? current : await CompileAsync(version);
    }

    /// <summary>Completes when this instance next sees a new version (or at once if it already holds one newer than <paramref name="seenVersion"/>).</summary>
    public Task WaitForChangeAsync(long seenVersion, CancellationToken cancellationToken) =>
        _current.Version > seenVersion ? Task.CompletedTask : _changed.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Puts a version this instance has just committed in effect from the document it wrote, without
    /// reading it back (a version is written once); nothing if a newer one is already in effect.
    /// </summary>
    public Task AdoptAsync(Contracts.V1.PublicationList committed) =>
        InstallAsync(committed.Version, () => Task.FromResult<Contracts.V1.PublicationList?>(committed));

    private Task<CompiledList> CompileAsync(long version) => InstallAsync(version, () => repository.LoadAsync(version));

    private async Task<CompiledList> InstallAsync(long version, Func<Task<Contracts.V1.PublicationList?>> load)
    {
        await _compileGate.WaitAsync();
        try
        {
            if (_current.Version >= version)
            {
                return _current;
            }

            var document = await load()
                ?? throw new InvalidOperationException($"Publication list version {version} is current but missing from the store.");
            var compiled = new CompiledList(document);
            _current = compiled;
            logger.LogInformation("Publication list v{Version} in effect on this instance ({Grants} grants, {Templates} templates)", version, document.Grants.Count, document.Templates.Count);
            if (compiled.Names.MissingEnglish.Count > 0)
            {
                logger.LogWarning("Publication list v{Version} has no English name for {Count} codes ({Missing}); CAP's English info and English template texts print the code for them",
                    version, compiled.Names.MissingEnglish.Count, string.Join(", ", compiled.Names.MissingEnglish.Take(20)));
            }

            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return compiled;
        }
        finally
        {
            _compileGate.Release();
        }
    }
}
