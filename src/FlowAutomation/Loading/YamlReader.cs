using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Loading;

/// <summary>
/// Reads YAML text into the representation model without ever throwing for bad input. A first pass over the
/// parser's events refuses what could exhaust the loader (deep nesting, alias bombs) and finds duplicate keys;
/// only then does <see cref="YamlStream"/> build the node tree.
/// </summary>
public static partial class YamlReader
{
    public const int MaxFileBytes = 4 * 1024 * 1024;
    public const int MaxDepth = 64;
    public const int MaxExpandedNodes = 100_000;

    public static YamlSource? ReadFile(string path, string displayPath, DiagnosticBag diagnostics)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                diagnostics.Report(DiagnosticCodes.FileUnreadable, SourceSpan.At(displayPath, 1, 1), "no such file");
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                diagnostics.Report(DiagnosticCodes.FileTooLarge, SourceSpan.At(displayPath, 1, 1), info.Length, MaxFileBytes);
                return null;
            }

            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Report(DiagnosticCodes.FileUnreadable, SourceSpan.At(displayPath, 1, 1), ex.Message);
            return null;
        }

        return Read(displayPath, text, diagnostics);
    }

    public static YamlSource? Read(string path, string text, DiagnosticBag diagnostics)
    {
        if (text.Length > MaxFileBytes)
        {
            diagnostics.Report(DiagnosticCodes.FileTooLarge, SourceSpan.At(path, 1, 1), Encoding.UTF8.GetByteCount(text), MaxFileBytes);
            return null;
        }

        if (!Prescan(path, text, diagnostics))
        {
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return new YamlSource(path, text, [.. stream.Documents]);
        }
        catch (YamlException ex)
        {
            ReportSyntax(path, ex, diagnostics);
            return null;
        }
    }

    /// <summary>Walks the parser's events once: depth, expanded size through aliases, duplicate keys, syntax.</summary>
    private static bool Prescan(string path, string text, DiagnosticBag diagnostics)
    {
        var before = diagnostics.Count;
        var frames = new Stack<Frame>();
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        anchors.Clear();
                        frames.Clear();
                        break;
                    case MappingStart or SequenceStart:
                        var start = (NodeEvent)parser.Current!;
                        OnNode(frames, start, diagnostics, path);
                        frames.Push(new Frame(start is MappingStart, start.Anchor.IsEmpty ? null : start.Anchor.Value));
                        if (frames.Count > MaxDepth)
                        {
                            diagnostics.Report(DiagnosticCodes.TooDeep, Span(path, start.Start), MaxDepth);
                            return false;
                        }

                        break;
                    case MappingEnd or SequenceEnd:
                        var done = frames.Pop();
                        if (done.Anchor is not null)
                        {
                            anchors[done.Anchor] = done.Size;
                        }

                        if (frames.TryPeek(out var parent))
                        {
                            parent.Size += done.Size;
                        }
                        else
                        {
                            total += done.Size;
                        }

                        break;
                    case Scalar scalar:
                        OnNode(frames, scalar, diagnostics, path);
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = 1;
                        }

                        if (frames.Count == 0)
                        {
                            total++;
                        }

                        break;
                    case AnchorAlias alias:
                        var size = anchors.TryGetValue(alias.Value.Value, out var s) ? s : 1;
                        OnNode(frames, alias, diagnostics, path, size);
                        if (frames.Count == 0)
                        {
                            total += size;
                        }

                        break;
                }

                if (total > MaxExpandedNodes || frames.Any(f => f.Size > MaxExpandedNodes))
                {
                    diagnostics.Report(DiagnosticCodes.AliasBomb, Span(path, parser.Current!.Start), MaxExpandedNodes);
                    return false;
                }
            }
        }
        catch (YamlException ex)
        {
            ReportSyntax(path, ex, diagnostics);
            return false;
        }

        return diagnostics.Count == before;
    }

    private static void OnNode(Stack<Frame> frames, ParsingEvent node, DiagnosticBag diagnostics, string path, long size = 1)
    {
        if (!frames.TryPeek(out var frame))
        {
            return;
        }

        frame.Size += size;
        if (!frame.IsMapping)
        {
            return;
        }

        if (frame.ExpectKey && node is Scalar key)
        {
            if (frame.Keys.TryGetValue(key.Value, out var first))
            {
                diagnostics.Report(DiagnosticCodes.DuplicateKey, Span(path, key.Start), key.Value, first);
            }
            else
            {
                frame.Keys[key.Value] = (int)key.Start.Line;
            }
        }

        frame.ExpectKey = !frame.ExpectKey;
    }

    private static void ReportSyntax(string path, YamlException ex, DiagnosticBag diagnostics)
    {
        var message = LocationPrefix().Replace(ex.Message, string.Empty).Trim();
        if (ex.InnerException is YamlException inner && message.Length == 0)
        {
            message = LocationPrefix().Replace(inner.Message, string.Empty).Trim();
        }

        message = message.Length == 0 ? "the text cannot be read as YAML" : char.ToLowerInvariant(message[0]) + message[1..].TrimEnd('.');
        diagnostics.Report(DiagnosticCodes.YamlSyntax, Span(path, ex.Start), message);
    }

    private static SourceSpan Span(string path, Mark mark) =>
        SourceSpan.At(path, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex LocationPrefix();

    private sealed class Frame(bool isMapping, string? anchor)
    {
        public bool IsMapping { get; } = isMapping;

        public string? Anchor { get; } = anchor;

        public long Size { get; set; } = 1;

        public bool ExpectKey { get; set; } = true;

        public Dictionary<string, int> Keys { get; } = new(StringComparer.Ordinal);
    }
}
