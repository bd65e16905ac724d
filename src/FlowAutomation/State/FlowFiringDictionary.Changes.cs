using System.Runtime.CompilerServices;

namespace FlowAutomation.State;

/// <summary>The changes: each returns a new map (or this one when nothing changes) and writes nothing another map holds.</summary>
public sealed partial class FlowFiringDictionary
{
    /// <summary>This map with <paramref name="flowId"/> fired at <paramref name="at"/>.</summary>
    public FlowFiringDictionary SetItem(string flowId, DateTimeOffset at) => SetItems(new ReadOnlySpan<string>(in flowId), at);

    /// <summary>
    /// This map with each of <paramref name="flowIds"/> fired at <paramref name="at"/> (an id may be given more than once):
    /// one new map, which shares this map's base and copies its overlay with the ids written in; the overlay is folded into
    /// a new base when it grows past <see cref="OverlayLimit"/>. This map itself when nothing changes (every id already
    /// fired at exactly <paramref name="at"/>, offset included).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FlowFiringDictionary SetItems(ReadOnlySpan<string> flowIds, DateTimeOffset at)
    {
        if (Holds(flowIds, at))
        {
            return this;
        }

        var capacity = _recentCount + flowIds.Length;
        var ids = new string[capacity];
        var times = new DateTimeOffset[capacity];
        Array.Copy(_recentIds, ids, _recentCount);
        Array.Copy(_recentTimes, times, _recentCount);
        var (recent, count) = (_recentCount, _count);
        foreach (var id in flowIds)
        {
            var i = IndexOf(ids, recent, id);
            if (i < 0)
            {
                // A new id in the overlay: the ones after it move up by one; a new flow altogether when not in the base.
                i = ~i;
                Array.Copy(ids, i, ids, i + 1, recent - i);
                Array.Copy(times, i, times, i + 1, recent - i);
                (ids[i], recent) = (id, recent + 1);
                count += IndexOf(_ids, _ids.Length, id) < 0 ? 1 : 0;
            }

            times[i] = at;
        }

        var changed = new FlowFiringDictionary(_ids, _times, ids, times, recent, count);
        return recent > OverlayLimit ? changed.Folded() : changed;
    }

    /// <summary>Whether every one of <paramref name="flowIds"/> already fired at exactly <paramref name="at"/> (true for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Holds(ReadOnlySpan<string> flowIds, DateTimeOffset at)
    {
        foreach (var id in flowIds)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(flowIds));
            if (!TryGetValue(id, out var known) || !known.EqualsExact(at))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>This map as a base alone, the overlay written in (merged in its enumeration order); itself when it has no overlay.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FlowFiringDictionary Folded()
    {
        if (_recentCount == 0)
        {
            return this;
        }

        var ids = new string[_count];
        var times = new DateTimeOffset[_count];
        var to = 0;
        foreach (var (id, at) in this)
        {
            (ids[to], times[to]) = (id, at);
            to++;
        }

        return new FlowFiringDictionary(ids, times, [], [], 0, _count);
    }
}
