using System.Text.Json;
using NodaTime;
using Warnings.Core.Json;
using Warnings.Core.Storage;

namespace Warnings.Core.Identity;

/// <summary>
/// Display sessions in the store: <c>display-session:{id}</c> (the <see cref="DisplaySession"/>),
/// <c>display-pairing:{hash of the code}</c> and <c>display-cookie:{hash of the cookie}</c> (each
/// naming the session), and the index <c>display-sessions:index</c>. Issuing and revoking are
/// commands (their writes go through <c>Commands.RunAsync</c>); pairing trades the code for a cookie
/// in one conditional commit, so a code pairs one screen at most. Every request of a screen re-reads
/// its session, so a revocation takes effect on the next one; <see cref="RevokedChannel"/> tells
/// open event streams to look again at once.
/// </summary>
public sealed class DisplaySessions(IStateStore store, IClock clock)
{
    /// <summary>Published with the session id when a display session is revoked.</summary>
    public const string RevokedChannel = "display-sessions:revoked";

    /// <summary>How many display sessions the platform keeps (listing reads them all).</summary>
    public const int MaxSessions = 1000;

    private static readonly StoreKey Index = new("display-sessions", "index");

    public static StoreKey RecordKey(string id) => new("display-session", id);

    /// <summary>The session and its stored form (for a commit's condition); nulls for an unknown id.</summary>
    public async Task<(DisplaySession? Session, string? Stored)> ReadAsync(string id) =>
        await store.GetAsync(RecordKey(id)) is { } json ? (JsonSerializer.Deserialize<DisplaySession>(json, PlatformJson.Options), json) : (null, null);

    /// <summary>Every display session, oldest first.</summary>
    public async Task<IReadOnlyList<DisplaySession>> ListAsync()
    {
        var sessions = new List<DisplaySession>();
        foreach (var id in await store.ListHeadAsync(Index, MaxSessions))
        {
            if ((await ReadAsync(id)).Session is { } session)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    public Task<long> CountAsync() => store.ListLengthAsync(Index);

    /// <summary>The writes that issue <paramref name="session"/>, its code's lookup and its place in the index.</summary>
    public static IReadOnlyList<StoreWrite> IssueWrites(DisplaySession session) =>
    [
        Write(session),
        new StoreWrite(new StoreKey("display-pairing", session.PairingHash), session.Id),
        StoreWrite.Append(Index, session.Id),
    ];

    public static StoreWrite Write(DisplaySession session) => new(RecordKey(session.Id), JsonSerializer.Serialize(session, PlatformJson.Options));

    public Task NotifyRevokedAsync(string id) => store.PublishAsync(RevokedChannel, id);

    /// <summary>Trades a pairing code for the screen's cookie (returned with the session); null if the code pairs nothing (any more).</summary>
    public async Task<(string Cookie, DisplaySession Session)?> PairAsync(string code)
    {
        if (!SessionSecrets.Plausible(code) || await store.GetAsync(new StoreKey("display-pairing", SessionSecrets.Hash(code))) is not { } id)
        {
            return null;
        }

        var (session, stored) = await ReadAsync(id);
        string cookie = SessionSecrets.New(), cookieHash = SessionSecrets.Hash(cookie);
        if (session?.PairingHash != SessionSecrets.Hash(code) || session.Pair(cookieHash, clock.GetCurrentInstant()) is not { } paired)
        {
            return null;
        }

        // Conditional on the session as read: of two screens racing with one code, one pairs.
        if (!await store.CommitAsync([new StoreCondition(RecordKey(id), stored)], [Write(paired), new StoreWrite(CookieKey(cookieHash), id)]))
        {
            return null;
        }

        await store.DeleteAsync(new StoreKey("display-pairing", paired.PairingHash));
        return (cookie, paired);
    }

    /// <summary>The session whose cookie this is, if its screen may show the dashboard now.</summary>
    public async Task<DisplaySession?> CheckAsync(string cookie)
    {
        if (!SessionSecrets.Plausible(cookie))
        {
            return null;
        }

        string hash = SessionSecrets.Hash(cookie);
        return await store.GetAsync(CookieKey(hash)) is { } id && (await ReadAsync(id)).Session is { } session && session.Admits(hash, clock.GetCurrentInstant())
            ? session
            : null;
    }

    private static StoreKey CookieKey(string hash) => new("display-cookie", hash);
}
