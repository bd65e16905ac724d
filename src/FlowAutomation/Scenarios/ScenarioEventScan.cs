using System.Globalization;
using System.Runtime.CompilerServices;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FlowAutomation.Scenarios;

/// <summary>
/// Reads the common events of a scenario's <c>events:</c> list straight from the parser's events, before any node
/// tree is built: an item that is exactly <c>at</c> (an offset or a timestamp that reads) and <c>message.received</c>
/// (a text, or a mapping with only a text) is taken out of the events to load and kept here, with its times and the
/// line and column of its event key. Every other item (anything that could be a mistake, an anchor, a tag, an alias,
/// another event type) stays in the node tree and is bound by <see cref="ScenarioEventBinder"/> as before, so the
/// diagnostics are the same: an item taken here is one the binder would have read without a diagnostic.
/// </summary>
internal sealed class ScenarioEventScan
{
    /// <summary>One item of the list: read here (<see cref="ReadEvent"/>), or left in the node tree (null).</summary>
    private readonly List<ReadEvent?> _items = [];

    /// <summary>An event read here: its time as written, its text, and where its <c>message.received</c> key is.</summary>
    internal sealed record ReadEvent(TimeSpan Offset, DateTimeOffset? Timestamp, string Text, bool Shorthand, SourceSpan KeySpan);

    /// <summary>Whether the list was found and its common items taken out; when false every item is in the tree.</summary>
    public bool Applied { get; private set; }

    /// <summary>Takes the items of a list read from the text (<see cref="ScenarioEventText"/>): every item, none in the tree.</summary>
    public void Adopt(IReadOnlyList<ReadEvent> items)
    {
        _items.Clear();
        _items.AddRange(items);
        Applied = true;
    }

    /// <summary>The items in the order written; null for one left in the node tree.</summary>
    public IReadOnlyList<ReadEvent?> Items => _items;

    /// <summary>
    /// The events to load: <paramref name="events"/> without the items read here (unchanged when the file is not one
    /// document whose root mapping has an <c>events</c> list).
    /// </summary>
    public List<ParsingEvent> Filter(string path, List<ParsingEvent> events)
    {
        if (FindEventsList(events) is not { } list)
        {
            return events;
        }

        var kept = new List<ParsingEvent>(events.Count);
        for (var i = 0; i <= list; i++)
        {
            kept.Add(events[i]);
        }

        var at = list + 1;
        while (at < events.Count && events[at] is not SequenceEnd)
        {
            var end = SkipNode(events, at);
            var read = TryRead(path, events, at, end);
            _items.Add(read);
            if (read is null)
            {
                for (var i = at; i < end; i++)
                {
                    kept.Add(events[i]);
                }
            }

            at = end;
        }

        for (var i = at; i < events.Count; i++)
        {
            kept.Add(events[i]);
        }

        Applied = true;
        return kept;
    }

    /// <summary>The index of the root mapping's <c>events</c> list (a sequence without anchor), when the file is one document.</summary>
    private static int? FindEventsList(List<ParsingEvent> events)
    {
        if (events.Count < 4 || events[0] is not StreamStart || events[1] is not DocumentStart || events[2] is not MappingStart)
        {
            return null;
        }

        var documentEnd = events.FindIndex(3, e => e is DocumentEnd);
        if (documentEnd < 0 || documentEnd + 1 >= events.Count || events[documentEnd + 1] is not StreamEnd)
        {
            return null;
        }

        var at = 3;
        while (at < events.Count && events[at] is not MappingEnd)
        {
            var key = events[at];
            var value = SkipNode(events, at);
            if (value >= events.Count)
            {
                return null;
            }

            if (key is Scalar { Value: "events" } && events[value] is SequenceStart { Anchor.IsEmpty: true })
            {
                return value;
            }

            at = SkipNode(events, value);
        }

        return null;
    }

    /// <summary>The index after the node that starts at <paramref name="at"/>.</summary>
    internal static int SkipNode(List<ParsingEvent> events, int at)
    {
        var depth = 0;
        do
        {
            depth += events[at].NestingIncrease;
            at++;
        }
        while (depth > 0 && at < events.Count);
        return at;
    }

    /// <summary>The item's event when it is the common shape and has no mistake; null to leave it to the binder.</summary>
    private static ReadEvent? TryRead(string path, List<ParsingEvent> events, int start, int end)
    {
        if (events[start] is not MappingStart { Anchor.IsEmpty: true, Tag.IsEmpty: true })
        {
            return null;
        }

        for (var i = start + 1; i < end; i++)
        {
            if (events[i] is AnchorAlias || (events[i] is NodeEvent node && (!node.Anchor.IsEmpty || !node.Tag.IsEmpty)))
            {
                return null;
            }
        }

        Scalar? atValue = null, messageKey = null;
        var messageValue = -1;
        var at = start + 1;
        while (at < end - 1)
        {
            if (events[at] is not Scalar key)
            {
                return null;
            }

            switch (key.Value)
            {
                case "at" when atValue is null && events[at + 1] is Scalar value:
                    atValue = value;
                    break;
                case "message.received" when messageKey is null:
                    messageKey = key;
                    messageValue = at + 1;
                    break;
                default:
                    return null;
            }

            at = SkipNode(events, at + 1);
        }

        if (atValue is null || messageKey is null || Text(events, messageValue) is not ({ } text, var shorthand))
        {
            return null;
        }

        var span = new SourceSpan(path, Position(messageKey.Start), Position(messageKey.End));
        return Read(atValue.Value, text, shorthand, span);
    }

    /// <summary>
    /// The event of an item whose time is written <paramref name="written"/>, when that time reads as
    /// <see cref="ScenarioEventBinder"/> reads it (an offset, or a timestamp as <see cref="ScenarioLoader.Timestamp"/>
    /// reads it); null to leave it to the binder to report.
    /// </summary>
    [MethodImpl(Hot.Options)]
    internal static ReadEvent? Read(string written, string text, bool shorthand, SourceSpan span)
    {
        if (written is "0" or "0s" or "0m" or "0h" or "0d")
        {
            return new ReadEvent(TimeSpan.Zero, null, text, shorthand, span);
        }

        if (Durations.TryParse(written, out var offset))
        {
            return new ReadEvent(offset, null, text, shorthand, span);
        }

        return written.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(written, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp)
            ? new ReadEvent(TimeSpan.Zero, stamp.ToUniversalTime(), text, shorthand, span)
            : null;
    }

    /// <summary><c>message.received: "text"</c>, or <c>{ text: "…" }</c> whose text is not empty or null.</summary>
    private static (string Text, bool Shorthand)? Text(List<ParsingEvent> events, int at)
    {
        if (events[at] is Scalar shorthand)
        {
            return (shorthand.Value, true);
        }

        return events[at] is MappingStart
            && events[at + 1] is Scalar { Value: "text" }
            && events[at + 2] is Scalar value
            && events[at + 3] is MappingEnd
            && !IsNull(value)
            ? (value.Value, false)
            : null;
    }

    /// <summary>As <see cref="Binding.NodeReader.IsNull"/>.</summary>
    private static bool IsNull(Scalar s) =>
        s.Style == ScalarStyle.Plain && s.Value is "" or "~" or "null" or "Null" or "NULL";

    private static Position Position(Mark mark) => new((int)mark.Line, (int)mark.Column);
}
