using System.Runtime.CompilerServices;
using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FlowAutomation.Scenarios;

/// <summary>
/// Reads a scenario's <c>events:</c> list straight from the text, without YAML's scanner and parser, when every item of
/// it is in the plain shape that big generated scenarios use:
/// <code>
/// events:
///   - at: 5s
///     message.received: { text: "hello there" }   # or: message.received: hello there
/// </code>
/// (<c>at</c> and <c>message.received</c> in either order, each on its own line; plain, single- or double-quoted
/// scalars on one line; comments after a value; blank lines between items). The list is replaced by <c>events: []</c>
/// and blank lines, so the parser reads only the rest of the file, with every line and column where it was. Anything
/// else in the list (another event, a key the binder would report, a flow-style item, an anchor, a tag, a multi-line
/// scalar, a comment line, a tab, a time that does not read) makes <see cref="Reduce"/> give up on the whole file,
/// which is then read as before (<see cref="ScenarioEventScan"/> and the node tree), so every diagnostic stays the one
/// the tree gives. An item read here is one the binder would have read without a diagnostic.
/// The reading methods are compiled optimized at once in IL builds (<see cref="Hot.Options"/>): flowctl
/// reads a file once, in less time than tiered compilation takes to promote them from their first, slow code.
/// </summary>
internal sealed partial class ScenarioEventText(string path) : IYamlShortcut
{
    private const string EventsKey = "events:";
    private const string Replacement = "events: []";

    private List<ScenarioEventScan.ReadEvent>? _items;
    private int _keyLine;

    /// <summary>The list's items in the order written, once the reader used this shortcut; null when it did not.</summary>
    public IReadOnlyList<ScenarioEventScan.ReadEvent>? Items { get; private set; }

    public string? Reduce(string text)
    {
        if (FindKey(text) is not (var keyStart, var keyLine))
        {
            return null;
        }

        var keyLineEnd = LineEnd(text, keyStart, out var afterKeyLine);
        if (text.AsSpan(keyStart + EventsKey.Length, keyLineEnd - keyStart - EventsKey.Length).ContainsAnyExcept(' '))
        {
            return null; // a value, an anchor, a tag or a comment on the key's line
        }

        var items = new List<ScenarioEventScan.ReadEvent>(Math.Max(4, (text.Length - afterKeyLine) / 96));
        if (ReadItems(text, afterKeyLine, keyLine + 1, items) is not { } blockEnd)
        {
            return null;
        }

        (_items, _keyLine) = (items, keyLine);
        return Shorten(text, keyStart, afterKeyLine, blockEnd);
    }

    public bool Accept(List<ParsingEvent> events)
    {
        if (_items is null || events.Count < 6 || events[0] is not StreamStart || events[1] is not DocumentStart
            || events[2] is not MappingStart { Style: MappingStyle.Block } || events[^1] is not StreamEnd || events[^2] is not DocumentEnd
            || events[^3] is not MappingEnd)
        {
            return false;
        }

        // The root mapping's key `events` on the key's line, whose value is the `[]` put in place of the list.
        var at = 3;
        while (at < events.Count - 3)
        {
            var value = ScenarioEventScan.SkipNode(events, at);
            if (events[at] is Scalar { Value: "events", Style: ScalarStyle.Plain } key && key.Start.Line == _keyLine && key.Start.Column == 1)
            {
                var accepted = value + 1 < events.Count
                    && events[value] is SequenceStart { Style: SequenceStyle.Flow, Anchor.IsEmpty: true, Tag.IsEmpty: true } list
                    && list.Start.Line == _keyLine && list.Start.Column == Replacement.Length - 1
                    && events[value + 1] is SequenceEnd;
                Items = accepted ? _items : null;
                return accepted;
            }

            at = ScenarioEventScan.SkipNode(events, value);
        }

        return false;
    }

    /// <summary>Where the first line that is exactly <c>events:</c> (and spaces) starts, and its 1-based line.</summary>
    private static (int Start, int Line)? FindKey(string text)
    {
        var start = 0;
        if (!text.StartsWith(EventsKey, StringComparison.Ordinal))
        {
            start = text.IndexOf("\n" + EventsKey, StringComparison.Ordinal) + 1;
            if (start == 0)
            {
                return null;
            }
        }

        // Lines as YAML counts them; a text with other line breaks before the key is left to the parser.
        var before = text.AsSpan(0, start);
        return before.ContainsAny(UnusualBreaks) || before.Count('\r') != before.Count("\r\n") ? null : (start, before.Count('\n') + 1);
    }

    /// <summary>The index where the line starting at <paramref name="start"/> ends (before "\r\n" or "\n"); <paramref name="next"/> is where the next begins.</summary>
    [MethodImpl(Hot.Options)]
    private static int LineEnd(string text, int start, out int next)
    {
        var newline = text.IndexOf('\n', start);
        if (newline < 0)
        {
            next = text.Length;
            return text.Length;
        }

        next = newline + 1;
        return newline > start && text[newline - 1] == '\r' ? newline - 1 : newline;
    }

    /// <summary>
    /// The text with the list's lines emptied (their line breaks kept) and <c>events: []</c> on the key's line; a list
    /// that ends the text without a line break keeps its last line's width in spaces, so the end of the text is where
    /// it was.
    /// </summary>
    /// <remarks><paramref name="blockStart"/> is where the line after the key's begins; the key line's spaces and break are kept after the <c>[]</c>.</remarks>
    [MethodImpl(Hot.Options)]
    private static string Shorten(string text, int keyStart, int blockStart, int blockEnd)
    {
        var block = text.AsSpan(blockStart, blockEnd - blockStart);
        var breaks = block.Count('\n');
        var crlf = block.Count("\r\n");
        var lastLine = block.Length - (block.LastIndexOf('\n') + 1);
        var result = new System.Text.StringBuilder(keyStart + Replacement.Length + 2 + breaks + crlf + lastLine + text.Length - blockEnd);
        result.Append(text, 0, keyStart).Append(Replacement).Append(text, keyStart + EventsKey.Length, blockStart - keyStart - EventsKey.Length);
        var line = 0;
        while (line < block.Length)
        {
            var newline = block[line..].IndexOf('\n');
            if (newline < 0)
            {
                break;
            }

            result.Append(newline > 0 && block[line + newline - 1] == '\r' ? "\r\n" : "\n");
            line += newline + 1;
        }

        return result.Append(' ', lastLine).Append(text, blockEnd, text.Length - blockEnd).ToString();
    }

    private SourceSpan KeySpan(int line, int column, int length) => new(path, new Position(line, column), new Position(line, column + length));
}
