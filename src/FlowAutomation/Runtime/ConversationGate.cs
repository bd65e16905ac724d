using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FlowAutomation.Runtime;

/// <summary>
/// One lane per conversation: events of a conversation run one at a time and in order; conversations run in parallel.
/// A lane exists while someone is in it or waiting for it and is retired when the last one leaves, so the gate holds
/// only the conversations being worked on. Retired lanes (with their semaphores) are kept in a small pool and given to
/// the next conversation that needs one, instead of a new lane per event. A caller joins a lane only while the gate
/// holds it for the caller's conversation, so one looked up just before it was retired (and perhaps rented again, or
/// rented and then returned because another caller's lane was added first) is never joined.
/// </summary>
internal sealed class ConversationGate
{
    private const int PoolLimit = 256;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Stack<Lane> _pool = new();

    /// <summary>How many lanes are open (someone in them or waiting); retired lanes are not counted.</summary>
    internal int OpenLanes => _lanes.Count;

    /// <summary>Enters the conversation's lane, waiting for whoever is in it; dispose the lease (once) to leave.</summary>
    public ValueTask<Lease> EnterAsync(string conversationId, CancellationToken cancellationToken)
    {
        var lane = Join(conversationId);
        // A free lane is taken at once, without an async method's state machine (the usual case: nobody else in it).
        return !cancellationToken.IsCancellationRequested && lane.Semaphore.Wait(0, CancellationToken.None)
            ? ValueTask.FromResult(new Lease(this, lane))
            : WaitAsync(lane, cancellationToken);
    }

    /// <summary>Waits for the lane joined, leaving it again when the wait is cancelled.</summary>
    private async ValueTask<Lease> WaitAsync(Lane lane, CancellationToken cancellationToken)
    {
        try
        {
            await lane.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Leave(lane, released: false);
            throw;
        }

        return new Lease(this, lane);
    }

    /// <summary>Counts the caller in the lane the gate holds for the conversation (a new or pooled one when there is none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Lane Join(string conversationId)
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

                lane = fresh;
            }

            lock (lane)
            {
                // Only the lane the gate holds for the conversation may be joined. Leaving removes a lane under this
                // same lock, so the check holds until we are counted in; a lane rented but not (or not yet) added is
                // not the gate's, and one retired and reused since we looked it up is no longer this conversation's.
                if (lane.Retired || !_lanes.TryGetValue(conversationId, out var current) || !ReferenceEquals(current, lane))
                {
                    continue;
                }

                lane.Users++;
            }

            return lane;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Leave(Lane lane, bool released)
    {
        if (released)
        {
            lane.Semaphore.Release();
        }

        lock (lane)
        {
            if (--lane.Users > 0)
            {
                return;
            }

            _lanes.TryRemove(new KeyValuePair<string, Lane>(lane.ConversationId!, lane));
            lane.Retired = true;
        }

        Return(lane);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Lane Rent(string conversationId)
    {
        Lane? lane = null;
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

    /// <summary>Pools a retired lane (nobody in it or waiting: its semaphore is free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public string? ConversationId { get; set; }

        public int Users { get; set; }

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

        public void Dispose() => _gate?.Leave(_lane, released: true);
    }
}
