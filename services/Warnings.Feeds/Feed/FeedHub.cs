using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warnings.Core.Storage;

namespace Warnings.Feeds.Feed;

/// <summary>
/// This process's one reader of the feed's tail. It reads each new entry once (woken by the append
/// nudge, or by polling when a nudge is lost), parses it once, and offers it to every live subscriber
/// whose selection matches, without ever waiting for one: each subscriber has a bounded buffer, and
/// one that is full is cut off (its <see cref="Subscription.CutOff"/> fires) instead of slowing the
/// rest. The reader keeps its own position, so it sees every entry in order exactly once.
/// </summary>
public sealed class FeedHub(FeedStream feed, IStateStore store, FeedsOptions options, IHostApplicationLifetime lifetime, ILogger<FeedHub> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, Subscription> _subscriptions = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _nextId;

    /// <summary>Live subscriptions in this process.</summary>
    public int Count => _subscriptions.Count;

    /// <summary>
    /// Registers a subscriber. Register before reading the backlog: entries appended meanwhile are
    /// then both in the backlog and the buffer, and the subscriber drops the repeats by number.
    /// </summary>
    public Subscription Subscribe(FeedSelection selection)
    {
        var subscription = new Subscription(this, Interlocked.Increment(ref _nextId), selection, Math.Max(1, options.SubscriberBuffer));
        _subscriptions[subscription.Id] = subscription;
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            subscription.End(SubscriptionEnd.ServerStopping);
        }

        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime.ApplicationStopping.Register(() =>
        {
            foreach (var subscription in _subscriptions.Values)
            {
                subscription.End(SubscriptionEnd.ServerStopping);
            }
        });
        long position;
        while (true)
        {
            // The store may not answer yet (Redis starting or away): keep trying, never stop the host.
            try
            {
                await store.SubscribeAsync(FeedStream.NudgeChannel, _ => Wake());
                position = await feed.LastSequenceAsync();
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The feed is not readable yet; retrying");
                await Task.Delay(options.PollInterval, stoppingToken);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<NumberedEntry> page;
                do
                {
                    page = await feed.ReadAfterAsync(position);
                    foreach (var entry in page)
                    {
                        Offer(entry);
                        position = entry.Sequence;
                    }
                }
                while (page.Count == FeedStream.PageSize);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reading the feed after {Position} failed; retrying", position);
            }

            try
            {
                await _wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake: the pass about to run reads this entry too.
        }
    }

    private void Offer(NumberedEntry entry)
    {
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.Selection.Matches(entry.Entry) && !subscription.Buffer.Writer.TryWrite(entry))
            {
                subscription.End(SubscriptionEnd.TooSlow);
            }
        }
    }

    private void Remove(Subscription subscription) => _subscriptions.TryRemove(subscription.Id, out _);

    public enum SubscriptionEnd
    {
        None,
        TooSlow,
        ServerStopping,
        Closed,
    }

    /// <summary>One live subscriber: its selection, its bounded buffer, and the signal that cuts it off.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly FeedHub _hub;
        private readonly CancellationTokenSource _cutOff = new();
        private int _reason;

        internal Subscription(FeedHub hub, long id, FeedSelection selection, int capacity)
        {
            _hub = hub;
            Id = id;
            Selection = selection;
            Buffer = Channel.CreateBounded<NumberedEntry>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        }

        public long Id { get; }

        public FeedSelection Selection { get; }

        public Channel<NumberedEntry> Buffer { get; }

        /// <summary>Fires when the subscriber must stop: too slow, or the server is stopping.</summary>
        public CancellationToken CutOff => _cutOff.Token;

        public SubscriptionEnd Reason => (SubscriptionEnd)Volatile.Read(ref _reason);

        internal void End(SubscriptionEnd reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)SubscriptionEnd.None) == (int)SubscriptionEnd.None)
            {
                _hub.Remove(this);
                Buffer.Writer.TryComplete();
                _cutOff.Cancel();
            }
        }

        /// <summary>The subscriber left; the token source is not disposed because the hub may still be offering to it.</summary>
        public void Dispose()
        {
            Interlocked.CompareExchange(ref _reason, (int)SubscriptionEnd.Closed, (int)SubscriptionEnd.None);
            _hub.Remove(this);
            Buffer.Writer.TryComplete();
        }
    }
}
