using System.Buffers;
using System.Runtime.CompilerServices;

namespace FlowAutomation.State;

/// <summary>The changes: each returns a new map (or this one when nothing changes) and writes nothing another map holds.</summary>
public sealed partial class FlowFiringDictionary
{
    /// <summary>This map with <paramref name="flowId"/> fired at <paramref name="at"/>.</summary>
    public FlowFiringDictionary SetItem(string flowId, DateTimeOffset at) => SetItems(new ReadOnlySpan<string>(in flowId), at);

    /// <summary>
    /// This map with each of <paramref name="flowIds"/> fired at <paramref name="at"/> (an id may be given more than once):
    /// one new map, which shares this map's base and its changes and adds one change with the ids; the changes are folded
    /// into a new base when there are more than <see cref="ChangeLimit"/> of them or more than <see cref="ChangedIdsLimit"/>
    /// ids in them. This map itself when nothing changes (every id already fired at exactly <paramref name="at"/>, offset
    /// included).
    /// </summary>
    [MethodImpl(Hot.Options)]
    public FlowFiringDictionary SetItems(ReadOnlySpan<string> flowIds, DateTimeOffset at)
    {
        if (Holds(flowIds, at))
        {
            return this;
        }

        var (depth, ids) = (_recent?.Depth ?? 0, _recent?.Ids ?? 0);
        return depth + 1 > ChangeLimit || ids + flowIds.Length > ChangedIdsLimit
            ? Fold(_ids, _times, _recent, flowIds, at)
            : new FlowFiringDictionary(_ids, _times, Change.Of(flowIds, at, _recent), Math.Max(_latest, at.UtcTicks));
    }

    /// <summary>Whether every one of <paramref name="flowIds"/> already fired at exactly <paramref name="at"/> (true for none).</summary>
    [MethodImpl(Hot.Options)]
    private bool Holds(ReadOnlySpan<string> flowIds, DateTimeOffset at)
    {
        var later = at.UtcTicks > _latest; // no time in the map is at, so no id holds it
        foreach (var id in flowIds)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(flowIds));
            if (later || !TryGetValue(id, out var known) || !known.EqualsExact(at))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>This map as a base alone, its changes written in (made once per map); itself when it has no changes.</summary>
    private FlowFiringDictionary Folded() =>
        _recent is null ? this : _folded ??= Fold(_ids, _times, _recent, [], default);

    /// <summary>
    /// A map that is the base <paramref name="ids"/>/<paramref name="times"/> with the changes from <paramref name="recent"/>
    /// back and then <paramref name="latest"/> at <paramref name="at"/> written in: the changes' ids, newest first, sorted
    /// with where they came from; each id's newest time kept; merged with the base, a change's time winning over the base's.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private static FlowFiringDictionary Fold(string[] ids, DateTimeOffset[] times, Change? recent, ReadOnlySpan<string> latest, DateTimeOffset at)
    {
        // The changed ids, their times and their order are scratch: the ids in a pooled array (cleared when given back, so
        // no map's ids stay referenced from the pool), the times and the order on the stack unless there are many.
        var n = latest.Length + (recent?.Ids ?? 0);
        var rented = ArrayPool<string>.Shared.Rent(n);
        try
        {
            var changed = rented.AsSpan(0, n);
            Span<DateTimeOffset> changedAt = n <= StackScratch ? stackalloc DateTimeOffset[n] : new DateTimeOffset[n];
            Span<int> order = n <= StackScratch ? stackalloc int[n] : new int[n];
            var to = 0;
            foreach (var id in latest)
            {
                (changed[to], changedAt[to], order[to]) = (id, at, to);
                to++;
            }

            for (var change = recent; change is not null; change = change.Older)
            {
                foreach (var id in change.FlowIds)
                {
                    (changed[to], changedAt[to], order[to]) = (id, change.At, to);
                    to++;
                }
            }

            // Sorted by id; among the same id the smallest order is the newest change's.
            changed.Sort(order, StringComparer.Ordinal);
            var distinct = 0;
            for (var i = 0; i < n; i++)
            {
                if (distinct > 0 && string.Equals(changed[distinct - 1], changed[i], StringComparison.Ordinal))
                {
                    order[distinct - 1] = Math.Min(order[distinct - 1], order[i]);
                    continue;
                }

                (changed[distinct], order[distinct]) = (changed[i], order[i]);
                distinct++;
            }

            return Merged(ids, times, changed[..distinct], order, changedAt);
        }
        finally
        {
            ArrayPool<string>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>The most changed ids whose times and order <see cref="Fold"/> keeps on the stack (a fold after <see cref="ChangedIdsLimit"/> ids and an event's few).</summary>
    private const int StackScratch = 128;

    /// <summary>The base merged with the sorted changed ids (their times at <paramref name="order"/> in <paramref name="changedAt"/>).</summary>
    [MethodImpl(Hot.Options)]
    private static FlowFiringDictionary Merged(string[] ids, DateTimeOffset[] times, ReadOnlySpan<string> changed, ReadOnlySpan<int> order, ReadOnlySpan<DateTimeOffset> changedAt)
    {
        var count = changed.Length;
        var total = ids.Length + count;
        for (var (b, c) = (0, 0); b < ids.Length && c < count;)
        {
            var compared = string.CompareOrdinal(ids[b], changed[c]);
            total -= compared == 0 ? 1 : 0;
            b += compared <= 0 ? 1 : 0;
            c += compared >= 0 ? 1 : 0;
        }

        var mergedIds = new string[total];
        var mergedTimes = new DateTimeOffset[total];
        var (fromBase, fromChanged) = (0, 0);
        for (var to = 0; to < total; to++)
        {
            var compared = fromBase == ids.Length ? 1 : fromChanged == count ? -1 : string.CompareOrdinal(ids[fromBase], changed[fromChanged]);
            if (compared < 0)
            {
                (mergedIds[to], mergedTimes[to]) = (ids[fromBase], times[fromBase]);
                fromBase++;
                continue;
            }

            (mergedIds[to], mergedTimes[to]) = (changed[fromChanged], changedAt[order[fromChanged]]);
            fromChanged++;
            fromBase += compared == 0 ? 1 : 0;
        }

        return new FlowFiringDictionary(mergedIds, mergedTimes, null, Latest(mergedTimes));
    }

    /// <summary>One change: the ids it wrote (each once), their time, and the changes before it.</summary>
    private sealed class Change
    {
        private Change(string[] flowIds, DateTimeOffset at, Change? older)
        {
            (FlowIds, At, Older) = (flowIds, at, older);
            (Depth, Ids) = ((older?.Depth ?? 0) + 1, (older?.Ids ?? 0) + flowIds.Length);
        }

        public string[] FlowIds { get; }

        public DateTimeOffset At { get; }

        public Change? Older { get; }

        /// <summary>How many changes this one and those before it are.</summary>
        public int Depth { get; }

        /// <summary>How many ids this change and those before it hold.</summary>
        public int Ids { get; }

        /// <summary>A change with <paramref name="flowIds"/>, each once, in the order first given.</summary>
        [MethodImpl(Hot.Options)]
        public static Change Of(ReadOnlySpan<string> flowIds, DateTimeOffset at, Change? older)
        {
            var ids = new string[flowIds.Length];
            var count = 0;
            foreach (var id in flowIds)
            {
                if (Array.IndexOf(ids, id, 0, count) < 0)
                {
                    ids[count++] = id;
                }
            }

            if (count < ids.Length)
            {
                Array.Resize(ref ids, count);
            }

            return new Change(ids, at, older);
        }

        [MethodImpl(Hot.Options)]
        public bool Contains(string id)
        {
            foreach (var flowId in FlowIds)
            {
                if (string.Equals(flowId, id, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
