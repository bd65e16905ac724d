using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowAutomation.Runtime;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// The transcript's own JSON line writer writes the bytes <see cref="Utf8JsonWriter"/> wrote before it (relaxed
/// escaping, no spaces): every ASCII character, texts past ASCII, and numbers, compared byte for byte.
/// </summary>
public sealed class TranscriptJsonLineTests
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static TheoryData<string> Texts()
    {
        var data = new TheoryData<string>
        {
            string.Empty,
            "plain words",
            "message.received \"hadu cucopa\" from ad 42",
            "back\\slash \"quoted\" \\\"both\\\"",
            "html <b>&amp;</b> 'single' +plus `tick`",
            "tab\there, new\nline, return\r, nul\0, bell\u0007, del\u007f",
            "café naïve 東京 \"quoted\" after",
            "emoji 😀 and \"quotes\"",
            "line separator \u2028 paragraph \u2029",
            "lone high \ud800 surrogate",
            "lone low \udc00 surrogate",
            new string('a', 5000) + "\"" + new string('b', 5000),
        };
        for (var c = 0; c < 128; c++)
        {
            data.Add($"x{(char)c}y");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void String_AnyText_WritesTheBytesUtf8JsonWriterWrites(string text)
    {
        using var line = new TranscriptJson.JsonLine(16);
        line.StartObject();
        line.String("detail"u8, text);
        line.StartArray("fired"u8);
        line.StringValue(text);
        line.StringValue(text);
        line.EndArray();
        line.EndObject();

        var expected = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(expected, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("detail"u8, text);
            writer.WriteStartArray("fired"u8);
            writer.WriteStringValue(text);
            writer.WriteStringValue(text);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(line.Written));
        Assert.True(expected.WrittenSpan.SequenceEqual(line.Written));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Number_AnyInt_WritesTheBytesUtf8JsonWriterWrites(int value)
    {
        using var line = new TranscriptJson.JsonLine(4);
        line.StartObject();
        line.Number("used"u8, value);
        line.StartObject("window"u8);
        line.Boolean("open"u8, value > 0);
        line.Number("left"u8, value);
        line.EndObject();
        line.EndObject();
        line.EndLine();
        line.StartObject();
        line.EndObject();

        var expected = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(expected, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("used"u8, value);
            writer.WriteStartObject("window"u8);
            writer.WriteBoolean("open"u8, value > 0);
            writer.WriteNumber("left"u8, value);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan) + "\n{}", Encoding.UTF8.GetString(line.Written));
    }
}
