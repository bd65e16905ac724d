using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace FlowAutomation.State;

/// <summary>
/// When each flow last fired in a conversation (<see cref="ConversationState.FlowsFired"/>): an immutable map from flow id
/// (ordinal) to time. A change returns a new map and leaves this one as it was. Kept as a base (two arrays sorted by id,
/// shared by the maps made from it) and the recent firings (a short sorted overlay, copied per change); the overlay is
/// folded into a new base once it holds more than <see cref="OverlayLimit"/> ids, so a change copies a few dozen entries,
/// not every flow that ever fired. Non-generic on purpose: its code is ours, compiled optimized at its first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>), where the framework's
/// <c>ImmutableDictionary&lt;string, DateTimeOffset&gt;</c> ran as unoptimized generic code for a whole short run
/// (docs/performance.md, "Seventh pass"). Enumerates in ordinal order of the ids; stored as a JSON object in that order.
/// Two maps are equal only when they are the same object, as the <c>ImmutableDictionary</c> it replaced.
/// </summary>
[JsonConverter(typeof(FlowFiringDictionaryJsonConverter))]
public sealed partial class FlowFiringDictionary : IReadOnlyDictionary<string, DateTimeOffset>
{
    /// <summary>The most ids the overlay holds before a change folds it into a new base.</summary>
    internal const int OverlayLimit = 32;

    // Every array is sorted by string.CompareOrdinal with no id twice, times beside their ids, and never written once the
    // map that holds it exists (a change writes its own arrays before it makes its map). The overlay's arrays may be
    // longer than _recentCount; an id in both overlay and base has the overlay's time. _count counts each id once.
    private readonly string[] _ids;
    private readonly DateTimeOffset[] _times;
    private readonly string[] _recentIds;
    private readonly DateTimeOffset[] _recentTimes;
    private readonly int _recentCount;
    private readonly int _count;

    private FlowFiringDictionary(string[] ids, DateTimeOffset[] times, string[] recentIds, DateTimeOffset[] recentTimes, int recentCount, int count) =>
        (_ids, _times, _recentIds, _recentTimes, _recentCount, _count) = (ids, times, recentIds, recentTimes, recentCount, count);

    /// <summary>No flow has fired.</summary>
    public static FlowFiringDictionary Empty { get; } = new([], [], [], [], 0, 0);

    /// <summary>The map of <paramref name="firings"/>; an id given twice keeps its last time.</summary>
    public static FlowFiringDictionary Create(IEnumerable<KeyValuePair<string, DateTimeOffset>> firings)
    {
        ArgumentNullException.ThrowIfNull(firings);
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var (id, at) in firings)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(firings));
            last[id] = at;
        }

        if (last.Count == 0)
        {
            return Empty;
        }

        // A dictionary enumerates its keys and values in the same order.
        var (ids, times) = (last.Keys.ToArray(), last.Values.ToArray());
        Array.Sort(ids, times, StringComparer.Ordinal);
        return new FlowFiringDictionary(ids, times, [], [], 0, ids.Length);
    }

    public int Count => _count;

    public bool IsEmpty => _count == 0;

    /// <summary>The flows that fired, in ordinal order (new arrays unless the map is all base).</summary>
    public ImmutableArray<string> Keys => ImmutableCollectionsMarshal.AsImmutableArray(Folded()._ids);

    /// <summary>When each of <see cref="Keys"/> last fired, in the same order (new arrays unless the map is all base).</summary>
    public ImmutableArray<DateTimeOffset> Values => ImmutableCollectionsMarshal.AsImmutableArray(Folded()._times);

    IEnumerable<string> IReadOnlyDictionary<string, DateTimeOffset>.Keys => Keys;

    IEnumerable<DateTimeOffset> IReadOnlyDictionary<string, DateTimeOffset>.Values => Values;

    public DateTimeOffset this[string key] =>
        TryGetValue(key, out var at) ? at : throw new KeyNotFoundException($"flow '{key}' has not fired");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var i = IndexOf(_recentIds, _recentCount, key);
        if (i >= 0)
        {
            value = _recentTimes[i];
            return true;
        }

        i = IndexOf(_ids, _ids.Length, key);
        value = i >= 0 ? _times[i] : default;
        return i >= 0;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, DateTimeOffset>> IEnumerable<KeyValuePair<string, DateTimeOffset>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The index of <paramref name="id"/> in the first <paramref name="count"/> of <paramref name="ids"/>, or the bitwise complement of where it would go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int IndexOf(string[] ids, int count, string id)
    {
        var (low, high) = (0, count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(ids[middle], id);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    /// <summary>Enumerates the firings in ordinal order of the ids (the base and the overlay merged), without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, DateTimeOffset>>
    {
        private readonly FlowFiringDictionary _map;
        private int _base;
        private int _recent;
        private KeyValuePair<string, DateTimeOffset> _current;

        internal Enumerator(FlowFiringDictionary map) => _map = map;

        public readonly KeyValuePair<string, DateTimeOffset> Current => _current;

        readonly object IEnumerator.Current => Current;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool MoveNext()
        {
            var (map, b, r) = (_map, _base, _recent);
            var hasBase = b < map._ids.Length;
            var hasRecent = r < map._recentCount;
            if (!hasBase && !hasRecent)
            {
                return false;
            }

            var order = !hasBase ? 1 : !hasRecent ? -1 : string.CompareOrdinal(map._ids[b], map._recentIds[r]);
            if (order < 0)
            {
                _current = new(map._ids[b], map._times[b]);
                _base++;
            }
            else
            {
                // The overlay's time wins over the base's for the same id.
                _current = new(map._recentIds[r], map._recentTimes[r]);
                _recent++;
                _base += order == 0 ? 1 : 0;
            }

            return true;
        }

        public void Reset() => (_base, _recent, _current) = (0, 0, default);

        public readonly void Dispose()
        {
        }
    }
}
