using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace FlowAutomation.State;

/// <summary>
/// When each flow last fired in a conversation (<see cref="ConversationState.FlowsFired"/>): an immutable map from flow id
/// (ordinal) to time, kept as two arrays sorted by id. A change returns a new map and leaves this one as it was; the ids'
/// array is shared by every map made from it while no new flow fires, so an event whose flows all fired before copies
/// only the times. Non-generic on purpose: its code is ours, compiled optimized at its first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>), where the framework's
/// <c>ImmutableDictionary&lt;string, DateTimeOffset&gt;</c> ran as unoptimized generic code for a whole short run
/// (docs/performance.md, "Seventh pass"). Enumerates in ordinal order of the ids; stored as a JSON object in that order.
/// Two maps are equal only when they are the same object, as the <c>ImmutableDictionary</c> it replaces.
/// </summary>
[JsonConverter(typeof(FlowFiringDictionaryJsonConverter))]
public sealed class FlowFiringDictionary : IReadOnlyDictionary<string, DateTimeOffset>
{
    // Sorted by string.CompareOrdinal, no id twice; _times[i] belongs to _ids[i]. Neither array is written once the map
    // that holds it exists (a change writes its own copies before it makes its map).
    private readonly string[] _ids;
    private readonly DateTimeOffset[] _times;

    private FlowFiringDictionary(string[] ids, DateTimeOffset[] times) => (_ids, _times) = (ids, times);

    /// <summary>No flow has fired.</summary>
    public static FlowFiringDictionary Empty { get; } = new([], []);

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
        return new FlowFiringDictionary(ids, times);
    }

    public int Count => _ids.Length;

    public bool IsEmpty => _ids.Length == 0;

    /// <summary>The flows that fired, in ordinal order.</summary>
    public ImmutableArray<string> Keys => ImmutableCollectionsMarshal.AsImmutableArray(_ids);

    /// <summary>When each of <see cref="Keys"/> last fired, in the same order.</summary>
    public ImmutableArray<DateTimeOffset> Values => ImmutableCollectionsMarshal.AsImmutableArray(_times);

    IEnumerable<string> IReadOnlyDictionary<string, DateTimeOffset>.Keys => _ids;

    IEnumerable<DateTimeOffset> IReadOnlyDictionary<string, DateTimeOffset>.Values => _times;

    public DateTimeOffset this[string key] =>
        TryGetValue(key, out var at) ? at : throw new KeyNotFoundException($"flow '{key}' has not fired");

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out DateTimeOffset value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _times[i] : default;
        return i >= 0;
    }

    /// <summary>This map with <paramref name="flowId"/> fired at <paramref name="at"/>.</summary>
    public FlowFiringDictionary SetItem(string flowId, DateTimeOffset at) => SetItems(new ReadOnlySpan<string>(in flowId), at);

    /// <summary>
    /// This map with each of <paramref name="flowIds"/> fired at <paramref name="at"/> (an id may be given more than
    /// once): one new map, whose ids' array is this map's own when none of them is new. This map itself when nothing changes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FlowFiringDictionary SetItems(ReadOnlySpan<string> flowIds, DateTimeOffset at)
    {
        DateTimeOffset[]? times = null;
        var added = 0;
        foreach (var id in flowIds)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(flowIds));
            var i = IndexOf(id);
            if (i < 0)
            {
                added++;
            }
            else if (times is not null || !_times[i].EqualsExact(at))
            {
                (times ??= (DateTimeOffset[])_times.Clone())[i] = at;
            }
        }

        if (added == 0)
        {
            return times is null ? this : new FlowFiringDictionary(_ids, times);
        }

        return Merged(flowIds, added, times ?? _times, at);
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, DateTimeOffset>> IEnumerable<KeyValuePair<string, DateTimeOffset>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The index of <paramref name="id"/> in <see cref="_ids"/>, or the bitwise complement of where it would go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int IndexOf(string id)
    {
        var ids = _ids;
        var (low, high) = (0, ids.Length - 1);
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

    /// <summary>
    /// A new map of this map's ids (their times from <paramref name="times"/>, already set) and the ids of
    /// <paramref name="flowIds"/> not in it (<paramref name="added"/> of them, counting repeats), each at <paramref name="at"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FlowFiringDictionary Merged(ReadOnlySpan<string> flowIds, int added, DateTimeOffset[] times, DateTimeOffset at)
    {
        var fresh = new string[added];
        var count = 0;
        foreach (var id in flowIds)
        {
            if (IndexOf(id) < 0)
            {
                fresh[count++] = id;
            }
        }

        Array.Sort(fresh, StringComparer.Ordinal);
        var unique = fresh.Length == 0 ? 0 : 1;
        for (var i = 1; i < fresh.Length; i++)
        {
            if (!string.Equals(fresh[i], fresh[unique - 1], StringComparison.Ordinal))
            {
                fresh[unique++] = fresh[i];
            }
        }

        var ids = new string[_ids.Length + unique];
        var merged = new DateTimeOffset[ids.Length];
        var (from, to) = (0, 0);
        for (var f = 0; f < unique; f++)
        {
            // The old ids before this new one move as a block; then the new one.
            var place = ~IndexOf(fresh[f]);
            var run = place - from;
            Array.Copy(_ids, from, ids, to, run);
            Array.Copy(times, from, merged, to, run);
            (from, to) = (place, to + run);
            ids[to] = fresh[f];
            merged[to++] = at;
        }

        Array.Copy(_ids, from, ids, to, _ids.Length - from);
        Array.Copy(times, from, merged, to, _ids.Length - from);
        return new FlowFiringDictionary(ids, merged);
    }

    /// <summary>Enumerates the firings in ordinal order of the ids, without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, DateTimeOffset>>
    {
        private readonly FlowFiringDictionary _map;
        private int _index;

        internal Enumerator(FlowFiringDictionary map) => (_map, _index) = (map, -1);

        public readonly KeyValuePair<string, DateTimeOffset> Current => new(_map._ids[_index], _map._times[_index]);

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < _map._ids.Length;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
