using System.Buffers;
using System.Text;
using System.Text.Unicode;
using FlowAutomation.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Loading;

/// <summary>
/// Reads YAML text into the representation model without ever throwing for bad input. A first pass over the
/// parser's events (<see cref="YamlPrescan"/>) refuses what could exhaust the loader (deep nesting, alias bombs)
/// and drops duplicate keys; the node tree is then built from those events, so the text is parsed once.
/// </summary>
public static class YamlReader
{
    public const int MaxFileBytes = 4 * 1024 * 1024;
    public const int MaxDepth = 64;
    public const int MaxExpandedNodes = 100_000;

    public static YamlSource? ReadFile(string path, string displayPath, DiagnosticBag diagnostics) =>
        ReadFile(path, displayPath, diagnostics, filter: null);

    /// <summary>
    /// As <see cref="ReadFile(string, string, DiagnosticBag)"/>; <paramref name="filter"/> may take events out of those
    /// the prescan kept before the node tree is built from them (a scenario's common events, read without nodes).
    /// </summary>
    internal static YamlSource? ReadFile(string path, string displayPath, DiagnosticBag diagnostics, Func<List<ParsingEvent>, List<ParsingEvent>>? filter, IYamlShortcut? shortcut = null)
    {
        byte[] bytes;
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
                diagnostics.Report(DiagnosticCodes.FileTooLarge, SourceSpan.At(displayPath, 1, 1), Count(info.Length), Count(MaxFileBytes));
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            diagnostics.Report(DiagnosticCodes.FileUnreadable, SourceSpan.At(displayPath, 1, 1), ex.Message);
            return null;
        }

        return ReadBytes(displayPath, bytes, diagnostics, filter, shortcut);
    }

    /// <summary>Reads a file's bytes: decodes them (see <see cref="Decode"/>), then as <see cref="Read(string, string, DiagnosticBag)"/>.</summary>
    internal static YamlSource? ReadBytes(string path, byte[] bytes, DiagnosticBag diagnostics, Func<List<ParsingEvent>, List<ParsingEvent>>? filter = null, IYamlShortcut? shortcut = null)
    {
        if (bytes.Length > MaxFileBytes)
        {
            diagnostics.Report(DiagnosticCodes.FileTooLarge, SourceSpan.At(path, 1, 1), Count(bytes.Length), Count(MaxFileBytes));
            return null;
        }

        return Decode(path, bytes, diagnostics) is { } text ? Read(path, text, diagnostics, filter, shortcut) : null;
    }

    public static YamlSource? Read(string path, string text, DiagnosticBag diagnostics) => Read(path, text, diagnostics, filter: null);

    /// <summary>
    /// As <see cref="Read(string, string, DiagnosticBag)"/>; <paramref name="filter"/> may take events out before the node
    /// tree is built, and <paramref name="shortcut"/> may read a part of the text itself (see <see cref="IYamlShortcut"/>;
    /// the filter is not used when the shortcut is).
    /// </summary>
    internal static YamlSource? Read(string path, string text, DiagnosticBag diagnostics, Func<List<ParsingEvent>, List<ParsingEvent>>? filter, IYamlShortcut? shortcut = null)
    {
        var bytes = text.Length > MaxFileBytes / 3 ? Encoding.UTF8.GetByteCount(text) : text.Length;
        if (bytes > MaxFileBytes)
        {
            diagnostics.Report(DiagnosticCodes.FileTooLarge, SourceSpan.At(path, 1, 1), Count(bytes), Count(MaxFileBytes));
            return null;
        }

        // Editors do not show a byte order mark, so columns count from the first character after it.
        text = text.StartsWith('\uFEFF') ? text[1..] : text;
        if (FindForbiddenCharacter(text) is { } bad)
        {
            var at = TextPositions.Of(text, bad);
            var name = char.IsSurrogate(text[bad]) ? "a broken character" : $"the control character U+{(int)text[bad]:X4}";
            diagnostics.Report(DiagnosticCodes.YamlSyntax, new SourceSpan(path, at, at), $"the text holds {name}, which a YAML file cannot contain; remove it");
            return null;
        }

        if (shortcut?.Reduce(text) is { } reduced && ReadReduced(path, text, reduced, shortcut) is { } shortened)
        {
            return shortened;
        }

        if (YamlPrescan.Run(path, text, diagnostics) is not { } events)
        {
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new EventReplay(filter is null ? events : filter(events)));
            return new YamlSource(path, text, [.. stream.Documents]);
        }
        catch (YamlException ex)
        {
            // Equal complex keys (`? [a]`) are the one duplicate the prescan leaves to the loader.
            var (message, at) = YamlErrors.Describe(ex, text, []);
            diagnostics.Report(DiagnosticCodes.YamlSyntax, new SourceSpan(path, at, at), message);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or InvalidCastException or NullReferenceException)
        {
            // The prescan keeps the events consistent; should YamlDotNet still refuse them, it is a diagnostic.
            diagnostics.Report(DiagnosticCodes.YamlSyntax, SourceSpan.At(path, 1, 1), "the text cannot be read as YAML");
            return null;
        }
    }

    /// <summary>
    /// The tree of the reduced text, kept with the whole text; null when the reduced text gives any diagnostic or the
    /// shortcut does not accept its events (the whole text is then read as usual). The reduced text keeps every line and
    /// column outside the part the shortcut read (not the character offsets after it: no scenario node maps back to
    /// the text by offset).
    /// </summary>
    private static YamlSource? ReadReduced(string path, string text, string reduced, IYamlShortcut shortcut)
    {
        var scratch = new DiagnosticBag();
        if (YamlPrescan.Run(path, reduced, scratch) is not { } events || scratch.Count > 0 || !shortcut.Accept(events))
        {
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new EventReplay(events));
            return new YamlSource(path, text, [.. stream.Documents]);
        }
        catch (Exception ex) when (ex is YamlException or ArgumentException or InvalidOperationException or InvalidCastException or NullReferenceException)
        {
            return null;
        }
    }

    /// <summary>UTF-8 (with or without a byte order mark) or UTF-16 with its byte order mark; anything else is reported.</summary>
    private static string? Decode(string path, byte[] bytes, DiagnosticBag diagnostics)
    {
        if (bytes is [0xFF, 0xFE, ..])
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes is [0xFE, 0xFF, ..])
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        var start = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        var source = bytes.AsSpan(start);
        if (Utf8.IsValid(source))
        {
            return Encoding.UTF8.GetString(source); // one copy of a big file, not two
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, source.Length));
        try
        {
            var status = Utf8.ToUtf16(source, chars, out var read, out var written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
            {
                return new string(chars, 0, written);
            }

            var at = TextPositions.Of(new string(chars, 0, written), written);
            diagnostics.Report(DiagnosticCodes.NotUtf8, new SourceSpan(path, at, at), $"0x{source[read]:X2}");
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The index of the first character YAML does not allow in a file (C0 and C1 controls, broken surrogates).</summary>
    private static int? FindForbiddenCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < ' ' ? c is not ('\t' or '\n' or '\r') : c is (>= '\u007F' and <= '\u009F' and not '\u0085') or '\uFFFE' or '\uFFFF')
            {
                return i;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>A number as people read it: 4,194,304.</summary>
    internal static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Replays the events the prescan kept, for <see cref="YamlStream.Load(IParser)"/>.</summary>
    private sealed class EventReplay(List<ParsingEvent> events) : IParser
    {
        private int _next;

        public ParsingEvent? Current { get; private set; }

        public bool MoveNext()
        {
            Current = _next < events.Count ? events[_next++] : null;
            return Current is not null;
        }
    }
}
