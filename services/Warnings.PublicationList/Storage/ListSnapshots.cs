using Microsoft.Extensions.Logging;
using Warnings.PublicationList.Domain;

namespace Warnings.PublicationList.Storage;

/// <summary>
/// The compiled current list of this instance. <see cref="CurrentAsync"/> reads the current version
/// number from the store on every call (one small read) and, when it differs, puts the store's version
/// in effect before answering, so a decision never uses a snapshot older than one it could have seen;
/// nudges and polling only make that happen ahead of time.
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
        return current.Version == version ? current : await FollowStoreAsync(version);
    }

    /// <summary>Completes when this instance next sees a new version (or at once if it already holds one newer than <paramref name="seenVersion"/>).</summary>
    public Task WaitForChangeAsync(long seenVersion, CancellationToken cancellationToken) =>
        _current.Version > seenVersion ? Task.CompletedTask : _changed.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Puts a version this instance has just committed in effect from the document it wrote, without
    /// reading it back (a version is written once); nothing if a newer one is already in effect.
    /// </summary>
    public async Task AdoptAsync(Contracts.V1.PublicationList committed)
    {
        await _compileGate.WaitAsync();
        try
        {
            if (_current.Version < committed.Version)
            {
                Put(new CompiledList(committed));
            }
        }
        finally
        {
            _compileGate.Release();
        }
    }

    // The store holds another version than this instance: asked again under the gate (a read that
    // raced an edit this instance has since adopted answers the same version then), whichever way it
    // moved. Newer: an edit. Older: the store was restored from an earlier backup (or a failover lost
    // the last writes), and decisions must follow the store, not a list it no longer has (the next
    // edit writes a different version under the same number). None at all: the store lost it, and
    // this instance keeps enforcing the one it holds (an empty list would refuse every warning).
    private async Task<CompiledList> FollowStoreAsync(long seen)
    {
        await _compileGate.WaitAsync();
        try
        {
            if (_current.Version == seen)
            {
                return _current; // another caller followed it while this one waited for the gate
            }

            long version = await repository.CurrentVersionAsync();
            if (version == _current.Version)
            {
                return _current;
            }

            if (version == 0)
            {
                if (!_reportedLoss)
                {
                    logger.LogError("The store has no publication list, but v{Held} is in effect here: it stays in effect until a list is stored again (restore the store, or reload the default list)", _current.Version);
                    _reportedLoss = true;
                }

                return _current;
            }

            _reportedLoss = false;
            var document = await repository.LoadAsync(version)
                ?? throw new InvalidOperationException($"Publication list version {version} is current but missing from the store.");
            if (version < _current.Version)
            {
                logger.LogWarning("The store's publication list is v{Stored}, older than v{Held} in effect here (restored from a backup?); v{Stored} is now in effect", version, _current.Version, version);
            }

            return Put(new CompiledList(document));
        }
        finally
        {
            _compileGate.Release();
        }
    }

    private bool _reportedLoss;

    // Called under the gate.
    private CompiledList Put(CompiledList compiled)
    {
        _current = compiled;
        logger.LogInformation("Publication list v{Version} in effect on this instance ({Grants} grants, {Templates} templates)", compiled.Version, compiled.Document.Grants.Count, compiled.Document.Templates.Count);
        if (compiled.Names.MissingEnglish.Count > 0)
        {
            logger.LogWarning("Publication list v{Version} has no English name for {Count} codes ({Missing}); CAP's English info and English template texts print the code for them",
                compiled.Version, compiled.Names.MissingEnglish.Count, string.Join(", ", compiled.Names.MissingEnglish.Take(20)));
        }

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return compiled;
    }
}
