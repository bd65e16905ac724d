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
/// shared by the maps made from it) and the recent changes over it: each change is one small node (the ids it wrote and
/// their one time) pointing at the changes before it, so an event's change copies nothing of the map; once there are more
/// than <see cref="ChangeLimit"/> changes or <see cref="ChangedIdsLimit"/> ids in them, they are folded into a new base.
/// Non-generic on purpose: its code is ours, compiled optimized at its first call
/// (<see cref="Hot.Options"/> in IL builds), where the framework's
/// <c>ImmutableDictionary&lt;string, DateTimeOffset&gt;</c> ran as unoptimized generic code for a whole short run
/// (docs/performance.md, "Seventh pass"). Enumerates in ordinal order of the ids; stored as a JSON object in that order.
/// Two maps are equal only when they are the same object, as the <c>ImmutableDictionary</c> it replaced.
/// </summary>
[JsonConverter(typeof(FlowFiringDictionaryJsonConverter))]
public sealed partial class FlowFiringDictionary : IReadOnlyDictionary<string, DateTimeOffset>
{
    /// <summary>The most changes kept over the base before a change folds them into a new base.</summary>
    internal const int ChangeLimit = 16;

    /// <summary>The most ids (counted per change, repeats across changes included) kept over the base before a fold.</summary>
    internal const int ChangedIdsLimit = 64;

    // The base's arrays are sorted by string.CompareOrdinal with no id twice, times beside their ids; no array or change
    // is written once the map that holds it exists. An id in a change has that change's time unless a newer change has it;
    // an id in no change has the base's time.
    private readonly string[] _ids;
    private readonly DateTimeOffset[] _times;
    private readonly Change? _recent;

    // The latest of the map's times, base and changes, as UTC ticks (long.MinValue for none): a change at a later time
    // cannot find all its ids already at that time (SetItems' usual case, an event newer than every firing before it).
    private readonly long _latest;

    // This map as a base alone, made on the first read that needs the whole map (its count, keys, values, enumeration).
    private FlowFiringDictionary? _folded;

    private FlowFiringDictionary(string[] ids, DateTimeOffset[] times, Change? recent, long latest) =>
        (_ids, _times, _recent, _latest) = (ids, times, recent, latest);

    /// <summary>No flow has fired.</summary>
    public static FlowFiringDictionary Empty { get; } = new([], [], null, long.MinValue);

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
        return new FlowFiringDictionary(ids, times, null, Latest(times));
    }

    /// <summary>The latest of <paramref name="times"/> as UTC ticks; long.MinValue for none.</summary>
    private static long Latest(DateTimeOffset[] times)
    {
        var latest = long.MinValue;
        foreach (var time in times)
        {
            latest = Math.Max(latest, time.UtcTicks);
        }

        return latest;
    }

    public int Count => Folded()._ids.Length;

    public bool IsEmpty => _ids.Length == 0 && _recent is null;

    /// <summary>The flows that fired, in ordinal order (new arrays unless the map is all base).</summary>
    public ImmutableArray<string> Keys => ImmutableCollectionsMarshal.AsImmutableArray(Folded()._ids);

    /// <summary>When each of <see cref="Keys"/> last fired, in the same order (new arrays unless the map is all base).</summary>
    public ImmutableArray<DateTimeOffset> Values => ImmutableCollectionsMarshal.AsImmutableArray(Folded()._times);

    IEnumerable<string> IReadOnlyDictionary<string, DateTimeOffset>.Keys => Keys;

    IEnumerable<DateTimeOffset> IReadOnlyDictionary<string, DateTimeOffset>.Values => Values;

    public DateTimeOffset this[string key] =>
        TryGetValue(key, out var at) ? at : throw new KeyNotFoundException($"flow '{key}' has not fired");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    [MethodImpl(Hot.Options)]
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var change = _recent; change is not null; change = change.Older)
        {
            if (change.Contains(key))
            {
                value = change.At;
                return true;
            }
        }

        var i = IndexOf(_ids, _ids.Length, key);
        value = i >= 0 ? _times[i] : default;
        return i >= 0;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, DateTimeOffset>> IEnumerable<KeyValuePair<string, DateTimeOffset>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The index of <paramref name="id"/> in the first <paramref name="count"/> of <paramref name="ids"/>, or the bitwise complement of where it would go.</summary>
    [MethodImpl(Hot.Options)]
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

    /// <summary>Enumerates the firings in ordinal order of the ids (of the map as a base alone, <see cref="Folded"/>).</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, DateTimeOffset>>
    {
        private readonly FlowFiringDictionary _map;
        private int _next;
        private KeyValuePair<string, DateTimeOffset> _current;

        internal Enumerator(FlowFiringDictionary map) => _map = map.Folded();

        public readonly KeyValuePair<string, DateTimeOffset> Current => _current;

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_next >= _map._ids.Length)
            {
                return false;
            }

            _current = new(_map._ids[_next], _map._times[_next]);
            _next++;
            return true;
        }

        public void Reset() => (_next, _current) = (0, default);

        public readonly void Dispose()
        {
        }
    }
}
