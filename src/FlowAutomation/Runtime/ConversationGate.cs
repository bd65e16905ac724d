using System.Collections.Concurrent;

namespace FlowAutomation.Runtime;

/// <summary>One lane per conversation: events of a conversation run one at a time and in order; conversations run in parallel.</summary>
internal sealed class ConversationGate
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public async ValueTask<IDisposable> EnterAsync(string conversationId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lane = _lanes.GetOrAdd(conversationId, _ => new Lane());
            lock (lane)
            {
                if (lane.Retired)
                {
                    continue; // removed while we looked it up; take the new one
                }

                lane.Users++;
            }

            await lane.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Release(this, conversationId, lane);
        }
    }

    private void Leave(string conversationId, Lane lane)
    {
        lane.Semaphore.Release();
        lock (lane)
        {
            if (--lane.Users == 0)
            {
                lane.Retired = true;
                _lanes.TryRemove(new KeyValuePair<string, Lane>(conversationId, lane));
            }
        }
    }

    private sealed class Lane
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }

        public bool Retired { get; set; }
    }

    private sealed class Release(ConversationGate gate, string conversationId, Lane lane) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                gate.Leave(conversationId, lane);
            }
        }
    }
}
