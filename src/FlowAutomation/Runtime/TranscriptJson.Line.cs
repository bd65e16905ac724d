using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace FlowAutomation.Runtime;

internal static partial class TranscriptJson
{
    /// <summary>
    /// Writes the transcript's JSON as UTF-8 into one growing buffer: the bytes a <see cref="Utf8JsonWriter"/> with
    /// <see cref="Options"/> writes (no spaces, members in the order written, relaxed escaping), without its per-call
    /// bookkeeping. A text of printable ASCII is copied with only <c>"</c> and <c>\</c> escaped, as that writer escapes
    /// them; any other text (control characters, anything past ASCII) is written by a <see cref="Utf8JsonWriter"/> with
    /// the same options, so every escape stays the writer's own. Member names are constants that need no escaping.
    /// Not thread-safe (a sink writes under its lock).
    /// </summary>
    internal sealed class JsonLine : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _scratch = new(256);
        private readonly Utf8JsonWriter _scratchWriter;
        private byte[] _bytes;
        private int _count;
        private bool _comma;

        public JsonLine(int capacity)
        {
            _bytes = new byte[capacity];
            _scratchWriter = new Utf8JsonWriter(_scratch, Options);
        }

        /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
        public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _count);

        public int Count => _count;

        public void Clear() => (_count, _comma) = (0, false);

        /// <summary>Ends a line: a newline, and the next value starts without a comma.</summary>
        public void EndLine()
        {
            Byte((byte)'\n');
            _comma = false;
        }

        public void StartObject()
        {
            Comma();
            Byte((byte)'{');
            _comma = false;
        }

        /// <summary>A member whose value is an object: its name, then the object's opening brace.</summary>
        public void StartObject(ReadOnlySpan<byte> name)
        {
            Name(name);
            Byte((byte)'{');
            _comma = false;
        }

        public void EndObject()
        {
            Byte((byte)'}');
            _comma = true;
        }

        public void StartArray(ReadOnlySpan<byte> name)
        {
            Name(name);
            Byte((byte)'[');
            _comma = false;
        }

        public void EndArray()
        {
            Byte((byte)']');
            _comma = true;
        }

        [MethodImpl(Hot.Options)]
        public void String(ReadOnlySpan<byte> name, string value)
        {
            Name(name);
            Quoted(value);
        }

        /// <summary>A member whose value is UTF-8 that needs no escaping.</summary>
        [MethodImpl(Hot.Options)]
        public void String(ReadOnlySpan<byte> name, ReadOnlySpan<byte> encoded)
        {
            Name(name);
            var to = Reserve(encoded.Length + 2);
            to[0] = (byte)'"';
            encoded.CopyTo(to[1..]);
            to[encoded.Length + 1] = (byte)'"';
            _count += encoded.Length + 2;
            _comma = true;
        }

        /// <summary>Members already written as JSON (<c>"name":value,…</c>), after a comma when one is due.</summary>
        public void Members(ReadOnlySpan<byte> members)
        {
            Comma();
            Raw(members);
            _comma = true;
        }

        /// <summary>A member left out when its value is null.</summary>
        public void OptionalString(ReadOnlySpan<byte> name, string? value)
        {
            if (value is not null)
            {
                String(name, value);
            }
        }

        public void StringValue(string value)
        {
            Comma();
            Quoted(value);
        }

        public void Number(ReadOnlySpan<byte> name, int value)
        {
            Name(name);
            value.TryFormat(Reserve(11), out var written, default, CultureInfo.InvariantCulture);
            _count += written;
            _comma = true;
        }

        public void Boolean(ReadOnlySpan<byte> name, bool value)
        {
            Name(name);
            Raw(value ? "true"u8 : "false"u8);
            _comma = true;
        }

        public void Dispose() => _scratchWriter.Dispose();

        [MethodImpl(Hot.Options)]
        private void Name(ReadOnlySpan<byte> name)
        {
            var to = Reserve(name.Length + 4);
            var at = 0;
            if (_comma)
            {
                to[at++] = (byte)',';
            }

            to[at++] = (byte)'"';
            name.CopyTo(to[at..]);
            at += name.Length;
            to[at++] = (byte)'"';
            to[at++] = (byte)':';
            _count += at;
            _comma = false;
        }

        /// <summary>
        /// The text in quotes, escaped as <see cref="Options"/>' encoder escapes it: printable ASCII copied a character
        /// at a time (a quote or backslash after a backslash), anything else left to the writer. A plain loop rather
        /// than <c>SearchValues</c>: the texts are short, and its vectorised search is generic code that the ReadyToRun
        /// image lacks, so the installed tool compiled it at every start and ran it at tier 0 until tier 1 replaced it.
        /// </summary>
        [MethodImpl(Hot.Options)]
        private void Quoted(string value)
        {
            // At most two bytes for each character of printable ASCII (an escaped quote or backslash), and the quotes.
            var to = Reserve(2 * value.Length + 2);
            var at = 0;
            to[at++] = (byte)'"';
            foreach (var c in value)
            {
                // Printable ASCII is U+0020 to U+007E: what JavaScriptEncoder.UnsafeRelaxedJsonEscaping leaves as it is,
                // but for the quote and the backslash, which it escapes with a backslash.
                if ((uint)(c - ' ') > '~' - ' ')
                {
                    Escaped(value);
                    _comma = true;
                    return;
                }

                if (c is '"' or '\\')
                {
                    to[at++] = (byte)'\\';
                }

                to[at++] = (byte)c;
            }

            to[at++] = (byte)'"';
            _count += at;
            _comma = true;
        }

        /// <summary>
        /// The scratch writer, emptied, for bytes to be written by a <see cref="Utf8JsonWriter"/> with <see cref="Options"/>
        /// apart from the line; <see cref="ScratchWritten"/> gives them. Valid until the next use of the scratch (this
        /// line's fallback for escaped texts, <see cref="Texts"/>' encodings).
        /// </summary>
        public Utf8JsonWriter Scratch()
        {
            _scratch.ResetWrittenCount();
            _scratchWriter.Reset();
            return _scratchWriter;
        }

        /// <summary>What was written to <see cref="Scratch"/> since it was taken, flushed.</summary>
        public ReadOnlySpan<byte> ScratchWritten()
        {
            _scratchWriter.Flush();
            return _scratch.WrittenSpan;
        }

        /// <summary>A text with characters past printable ASCII, written by the writer itself, quotes included.</summary>
        private void Escaped(string value)
        {
            Scratch().WriteStringValue(value);
            Raw(ScratchWritten());
        }

        private void Comma()
        {
            if (_comma)
            {
                Byte((byte)',');
            }
        }

        private void Byte(byte b)
        {
            Reserve(1)[0] = b;
            _count++;
        }

        private void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Reserve(bytes.Length));
            _count += bytes.Length;
        }

        /// <summary>Room for <paramref name="length"/> more bytes, the buffer doubled when short; the caller advances the count.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Span<byte> Reserve(int length)
        {
            if (_bytes.Length - _count < length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _count + length));
            }

            return _bytes.AsSpan(_count);
        }
    }
}
