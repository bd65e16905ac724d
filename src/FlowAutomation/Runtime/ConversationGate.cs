using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FlowAutomation.Runtime;

/// <summary>
/// One lane per conversation: events of a conversation run one at a time and in order; conversations run in parallel.
/// A lane's count of users (the one in it and those waiting) is kept under the lane's lock: whoever counts it up from
/// nobody is in at once, without a semaphore; whoever counts it up from someone waits on the lane's semaphore, which
/// is released only to hand the lane on (a leaver who leaves someone counted). A lane nobody is in stays with its
/// conversation for the next event while the gate holds at most <see cref="IdleLimit"/> lanes, and is retired when
/// the last one leaves it once the gate holds more. Retired lanes are pooled (up to <see cref="PoolLimit"/>) and given to
/// the next conversation that needs a lane. A caller joins a lane only while the gate holds it for the caller's
/// conversation, so one looked up just before it was retired (and perhaps rented again, or rented and then returned
/// because another caller's lane was added first) is never joined.
/// </summary>
internal sealed class ConversationGate
{
    /// <summary>How many lanes the gate keeps in all before it retires the ones nobody is in (as they are left).</summary>
    internal const int IdleLimit = 256;

    private const int PoolLimit = 256;
    private readonly Stack<Lane> _pool = new();

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    // How many lanes _lanes holds, kept beside it: the dictionary's Count takes every one of its locks, and a leaver
    // asks on every event that empties a lane.
    private int _keptCount;

    /// <summary>How many lanes are open (someone in them or waiting); lanes kept idle are not counted.</summary>
    internal int OpenLanes => _lanes.Values.Count(lane => Volatile.Read(ref lane.Users) > 0);

    /// <summary>How many lanes the gate holds, open or idle (never more than <see cref="IdleLimit"/> idle ones for long).</summary>
    internal int KeptLanes => _lanes.Count;

    /// <summary>Enters the conversation's lane, waiting for whoever is in it; dispose the lease (once) to leave.</summary>
    public ValueTask<Lease> EnterAsync(string conversationId, CancellationToken cancellationToken)
    {
        // A token already cancelled cancels the entry, also when the lane is free (as a wait would).
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Lease>(cancellationToken);
        }

        // A free lane is taken at once (the usual case: nobody else in it): one lock, no semaphore, no state machine.
        var lane = Join(conversationId, out var first);
        return first ? ValueTask.FromResult(new Lease(this, lane)) : WaitAsync(lane, cancellationToken);
    }

    /// <summary>Waits until the lane is handed on to the caller, leaving it again when the wait is cancelled.</summary>
    private async ValueTask<Lease> WaitAsync(Lane lane, CancellationToken cancellationToken)
    {
        try
        {
            await lane.Semaphore!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Abandon(lane);
            throw;
        }

        return new Lease(this, lane);
    }

    /// <summary>
    /// Counts the caller in the conversation's lane (a new one when the gate holds none); <paramref name="first"/> when
    /// nobody else is in it or waiting, so that the caller is in at once.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private Lane Join(string conversationId, out bool first)
    {
        while (true)
        {
            if (!_lanes.TryGetValue(conversationId, out var lane))
            {
                var fresh = Rent(conversationId);
                if (!_lanes.TryAdd(conversationId, fresh))
                {
                    Return(fresh); // never seen by anyone: another caller added the conversation's lane first
                    continue;
                }

                Interlocked.Increment(ref _keptCount);
                lane = fresh;
            }

            lock (lane)
            {
                // Only the lane the gate holds for the conversation may be joined. A lane is retired and removed under this
                // same lock, so the check holds until we are counted in; a lane rented but not (or not yet) added is not
                // the gate's, and one retired and reused since we looked it up is no longer this conversation's.
                if (lane.Retired || !_lanes.TryGetValue(conversationId, out var current) || !ReferenceEquals(current, lane))
                {
                    continue;
                }

                first = ++lane.Users == 1;
                if (!first)
                {
                    lane.Semaphore ??= new SemaphoreSlim(0, 1);
                }

                return lane;
            }
        }
    }

    /// <summary>Leaves the lane: hands it on to one of those waiting, or, when nobody is, keeps it idle or retires it.</summary>
    [MethodImpl(Hot.Options)]
    private void Leave(Lane lane)
    {
        lock (lane)
        {
            if (--lane.Users > 0)
            {
                // Someone is counted: one waiter is let in (or one about to wait finds the lane handed on). The waiter's
                // continuation runs asynchronously (the semaphore's own), not under this lock.
                lane.Semaphore!.Release();
                return;
            }

            if (!RetireIfOverLimit(lane))
            {
                return;
            }
        }

        Return(lane);
    }

    /// <summary>
    /// Uncounts a waiter whose wait was cancelled. A hand-on may have come too late for it (the semaphore then holds it);
    /// when nobody is left counted, that hand-on is taken back, so that the next one in at once is alone.
    /// </summary>
    private void Abandon(Lane lane)
    {
        lock (lane)
        {
            if (--lane.Users > 0)
            {
                return; // a hand-on the semaphore holds goes to the next one counted, who waits for it
            }

            if (lane.Semaphore!.CurrentCount > 0)
            {
                lane.Semaphore.Wait(0, CancellationToken.None);
            }

            if (!RetireIfOverLimit(lane))
            {
                return;
            }
        }

        Return(lane);
    }

    /// <summary>
    /// Retires a lane nobody is in when the gate holds more than <see cref="IdleLimit"/> lanes (under the lane's lock);
    /// true when it did (the caller pools it, after the lock).
    /// </summary>
    private bool RetireIfOverLimit(Lane lane)
    {
        if (Volatile.Read(ref _keptCount) <= IdleLimit)
        {
            return false;
        }

        lane.Retired = true;
        if (_lanes.TryRemove(new KeyValuePair<string, Lane>(lane.ConversationId!, lane)))
        {
            Interlocked.Decrement(ref _keptCount);
        }

        return true;
    }

    private Lane Rent(string conversationId)
    {
        Lane? lane;
        lock (_pool)
        {
            _pool.TryPop(out lane);
        }

        lane ??= new Lane();
        lock (lane)
        {
            lane.ConversationId = conversationId;
            lane.Retired = false;
        }

        return lane;
    }

    /// <summary>Pools a retired lane (nobody in it or waiting: its semaphore, if it has one, holds no hand-on).</summary>
    private void Return(Lane lane)
    {
        lock (lane)
        {
            lane.Retired = true;
            lane.ConversationId = null;
        }

        lock (_pool)
        {
            if (_pool.Count < PoolLimit)
            {
                _pool.Push(lane);
            }
        }
    }

    internal sealed class Lane
    {
        public string? ConversationId { get; set; }

        /// <summary>The one in the lane and those waiting for it (under the lane's lock; read without it only for counting).</summary>
        public int Users;

        /// <summary>Where those who found someone in the lane wait for it to be handed on; made for the first of them.</summary>
        public SemaphoreSlim? Semaphore { get; set; }

        public bool Retired { get; set; }
    }

    /// <summary>A place in a lane, left when disposed. A value: dispose it once (<c>using</c> does).</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly ConversationGate _gate;
        private readonly Lane _lane;

        internal Lease(ConversationGate gate, Lane lane)
        {
            _gate = gate;
            _lane = lane;
        }

        public void Dispose() => _gate?.Leave(_lane);
    }
}
