using FlowAutomation.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FlowAutomation.Loading;

/// <summary>
/// Walks the parser's events once before any node tree is built. Refuses what could exhaust the loader (deep
/// nesting, aliases that expand to a huge tree), reports aliases to undefined anchors, and reports duplicate keys,
/// dropping the second entry so that the rest of the file can still be checked. Returns the events to load (after a
/// syntax error, those of the documents before it), or null when nothing can be loaded.
/// </summary>
internal sealed partial class YamlPrescan
{
    private readonly string _path;
    private readonly string _text;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<ParsingEvent> _events;
    private readonly FrameStack _frames = new();
    private readonly Dictionary<string, long> _anchors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _earlierAnchors = new(StringComparer.Ordinal);
    private long _expandedByAliases;
    private int _skipNodes;
    private bool _hostile;
    private int _skipNesting;
    private Mark _lastEnd = Mark.Empty;

    private YamlPrescan(string path, string text, DiagnosticBag diagnostics)
    {
        _path = path;
        _text = text;
        _diagnostics = diagnostics;

        // About one event per 12 characters of a typical flow or scenario: the list is not regrown on big files.
        _events = new List<ParsingEvent>(Math.Max(16, text.Length / 12));
    }

    public static List<ParsingEvent>? Run(string path, string text, DiagnosticBag diagnostics) =>
        new YamlPrescan(path, text, diagnostics).Run();

    private List<ParsingEvent>? Run()
    {
        var parser = new Parser(new StringReader(_text));
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (!Accept(current))
                {
                    return _hostile ? null : CompleteDocuments();
                }

                _lastEnd = current.End;
            }
        }
        catch (YamlException ex)
        {
            var (message, at) = YamlErrors.Describe(ex, _text, OpenFlowCollections());
            Report(DiagnosticCodes.YamlSyntax, at, message);
            return CompleteDocuments();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException or FormatException or OverflowException)
        {
            // YamlDotNet throws these on some malformed input (an unclosed flow mapping before a block key).
            var (message, at) = YamlErrors.DescribeUnexpected(_text, _lastEnd, OpenFlowCollections());
            Report(DiagnosticCodes.YamlSyntax, at, message);
            return CompleteDocuments();
        }

        return _events;
    }

    /// <summary>
    /// After a syntax error, the documents that ended before it, so that the flows in them are still checked (the
    /// error is reported either way); null when the error is in the first document.
    /// </summary>
    private List<ParsingEvent>? CompleteDocuments()
    {
        var end = _events.FindLastIndex(e => e is DocumentEnd);
        if (end < 0)
        {
            return null;
        }

        _events.RemoveRange(end + 1, _events.Count - end - 1);
        _events.Add(new StreamEnd());
        return _events;
    }

    /// <summary>Checks one event and keeps it unless it belongs to a dropped duplicate entry; false stops the scan.</summary>
    private bool Accept(ParsingEvent e)
    {
        if (_skipNodes > 0)
        {
            return Skip(e);
        }

        switch (e)
        {
            case DocumentStart:
                _earlierAnchors.UnionWith(_anchors.Keys);
                _anchors.Clear();
                _frames.Clear();
                break;
            case MappingStart or SequenceStart:
                var start = (NodeEvent)e;
                if (!OnNode(start))
                {
                    return Skip(e);
                }

                _frames.Push(start is MappingStart, start.Anchor.IsEmpty ? null : start.Anchor.Value, start.Start, IsFlow(start));
                if (_frames.Count > YamlReader.MaxDepth)
                {
                    Report(DiagnosticCodes.TooDeep, start.Start, YamlReader.MaxDepth);
                    _hostile = true;
                    return false;
                }

                break;
            case MappingEnd or SequenceEnd:
                var done = _frames.Pop();
                if (done.IsMapping && !done.ExpectKey)
                {
                    // YamlDotNet emits a key without its value for some malformed lines; the tree cannot be built.
                    Report(DiagnosticCodes.YamlSyntax, done.LastKey, "this line cannot be read as YAML; check its quotes, brackets and colons");
                    return false;
                }

                if (done.Anchor is not null)
                {
                    _anchors[done.Anchor] = done.Size;
                }

                if (_frames.TryPeek(out var parent))
                {
                    parent.Size += done.Size;
                }

                break;
            case Scalar scalar:
                if (!OnNode(scalar))
                {
                    return Skip(e);
                }

                if (!scalar.Anchor.IsEmpty)
                {
                    _anchors[scalar.Anchor.Value] = 1;
                }

                break;
            case AnchorAlias alias:
                if (!_anchors.TryGetValue(alias.Value.Value, out var size))
                {
                    var where = _earlierAnchors.Contains(alias.Value.Value) ? " in this flow; anchors do not carry over a '---'" : string.Empty;
                    Report(DiagnosticCodes.YamlSyntax, alias.Start, $"'*{alias.Value.Value}' refers to an anchor '&{alias.Value.Value}' that is not defined before it{where}");
                    return false;
                }

                if (!OnNode(alias, size))
                {
                    return Skip(e);
                }

                _expandedByAliases += size;
                if (_expandedByAliases > YamlReader.MaxExpandedNodes)
                {
                    Report(DiagnosticCodes.AliasBomb, alias.Start, YamlReader.Count(YamlReader.MaxExpandedNodes));
                    _hostile = true;
                    return false;
                }

                break;
        }

        _events.Add(e);
        return true;
    }

    /// <summary>Drops a dropped entry's key and value, however deep, while still bounding the depth.</summary>
    private bool Skip(ParsingEvent e)
    {
        _skipNesting += e switch
        {
            MappingStart or SequenceStart => 1,
            MappingEnd or SequenceEnd => -1,
            _ => 0,
        };
        if (_frames.Count + _skipNesting > YamlReader.MaxDepth)
        {
            Report(DiagnosticCodes.TooDeep, e.Start, YamlReader.MaxDepth);
            _hostile = true;
            return false;
        }

        if (_skipNesting == 0 && e is not (MappingStart or SequenceStart))
        {
            _skipNodes--; // a whole node (a scalar, an alias or a closed collection) has gone by
        }

        return true;
    }

    /// <summary>Counts a node into its parent and checks keys; false when the node is a duplicate key to drop.</summary>
    private bool OnNode(ParsingEvent node, long size = 1)
    {
        if (!_frames.TryPeek(out var frame))
        {
            return true;
        }

        var firstLine = frame.IsMapping && frame.ExpectKey && node is Scalar k ? frame.LineOfKey(k.Value) : null;
        if (frame.IsMapping && frame.ExpectKey && (frame.SecondFlowStarted || firstLine is not null))
        {
            if (node is Scalar duplicate && firstLine is { } first)
            {
                ReportDuplicate(frame, duplicate, first);
            }

            (_skipNodes, _skipNesting) = (2, 0); // the key and its value
            return false;
        }

        if (frame.IsMapping && frame.ExpectKey && node is Scalar key)
        {
            frame.AddKey(key.Value, (int)key.Start.Line);
        }

        frame.Size += size;
        if (frame.IsMapping)
        {
            frame.LastKey = frame.ExpectKey ? node.Start : frame.LastKey;
            frame.ExpectKey = !frame.ExpectKey;
        }

        return true;
    }

    private void ReportDuplicate(Frame frame, Scalar key, int firstLine)
    {
        if (frame.SecondFlowStarted)
        {
            return; // after a second 'flow:' without '---', one diagnostic is enough and the rest is dropped
        }

        var isRoot = _frames.Count == 1;
        if (isRoot && key.Value == "flow")
        {
            frame.SecondFlowStarted = true;
            Report(DiagnosticCodes.DuplicateKey, key.Start, key.Value, $"{firstLine}; to write several flows in one file, put a line '---' before each new 'flow:'");
            return;
        }

        Report(DiagnosticCodes.DuplicateKey, key.Start, key.Value, firstLine);
    }

    private IReadOnlyList<(char Open, Position At)> OpenFlowCollections() =>
        [.. _frames.Open().Where(f => f.IsFlow).Select(f => (f.IsMapping ? '{' : '[', Position(f.Start)))];

    private static bool IsFlow(NodeEvent e) => e switch
    {
        MappingStart m => m.Style == YamlDotNet.Core.Events.MappingStyle.Flow,
        SequenceStart s => s.Style == YamlDotNet.Core.Events.SequenceStyle.Flow,
        _ => false,
    };

    private void Report(DiagnosticDescriptor descriptor, Mark mark, params object?[] args) =>
        Report(descriptor, Position(mark), args);

    private void Report(DiagnosticDescriptor descriptor, Position at, params object?[] args) =>
        _diagnostics.Report(descriptor, new SourceSpan(_path, at, at), args);

    private static Position Position(Mark mark) =>
        new((int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));
}
