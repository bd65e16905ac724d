using System.Collections.Concurrent;
using FlowAutomation.Server.Storage;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>The dedup store in memory, for the dedup contract's tests (the service keeps its keys in SQLite).</summary>
internal sealed class InMemoryDedupStore : IDedupStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _keys = new(StringComparer.Ordinal);

    public ValueTask<bool> TryReserveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.TryAdd(key, at));

    public ValueTask ReleaseAsync(string key, CancellationToken cancellationToken = default)
    {
        _keys.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var purged = 0;
        foreach (var (key, at) in _keys)
        {
            if (at < before && _keys.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, at)))
                purged++;
        }
        return ValueTask.FromResult(purged);
    }
}
