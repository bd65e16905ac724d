using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// One load-test webhook's bytes, written straight into a buffer: the same UTF-8 JSON that
/// <c>JsonSerializer.Serialize</c> made of the anonymous object before (default options: no spaces, properties in
/// order, the <c>+</c> of <c>receivedAt</c> escaped as <c>\u002B</c> by the default encoder), without the object,
/// the string and its second encoding; and its <c>X-Infobip-Signature</c> (HMAC-SHA256 of those bytes, lower-case
/// hex) with the key's bytes made once. A prefix is a plain ASCII word (<c>warm</c>, <c>conv</c>), which JSON keeps as
/// it is.
/// </summary>
internal static class WebhookBody
{
    /// <summary>Room enough for any body: the longest text (25 bytes), two 10-digit indices and a 64-byte prefix.</summary>
    public const int MaxLength = 512;

    private static readonly string[] Texts = ["How much is the serum?", "Where is my order?", "hello", "do you ship to Singapore?"];
    private static readonly byte[][] TextBytes = [.. Texts.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Writes webhook <paramref name="i"/> of <paramref name="prefix"/>, received at <paramref name="receivedAt"/> (UTC, shown to the millisecond), into <paramref name="buffer"/>; returns its length.</summary>
    public static int Write(Span<byte> buffer, string prefix, int i, DateTimeOffset receivedAt)
    {
        if (prefix.Length > 64 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException($"a webhook prefix is up to 64 ASCII letters, digits and dashes, not '{prefix}'", nameof(prefix));
        var writer = new SpanWriter(buffer);
        writer.Add("{\"results\":[{\"sender\":\"user-"u8);
        writer.Add(prefix);
        writer.Add("-"u8);
        writer.Add(i);
        writer.Add("\",\"to\":\"biz-1\",\"integrationType\":\"TIKTOK\",\"receivedAt\":\""u8);
        writer.Add(receivedAt.UtcDateTime);
        writer.Add("\\u002B0000\",\"messageId\":\""u8);
        writer.Add(prefix);
        writer.Add("-msg-"u8);
        writer.Add(i);
        writer.Add("\",\"message\":{\"type\":\"TEXT\",\"conversationId\":\""u8);
        writer.Add(prefix);
        writer.Add("-"u8);
        writer.Add(i);
        writer.Add("\",\"text\":\""u8);
        writer.Add(TextBytes[i % 4]);
        writer.Add("\"}}],\"messageCount\":1,\"pendingMessageCount\":0}"u8);
        return writer.Written;
    }

    /// <summary>The signature of <paramref name="body"/> under <paramref name="key"/> (the secret's UTF-8 bytes): HMAC-SHA256, lower-case hex.</summary>
    public static string Signature(ReadOnlySpan<byte> key, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, body, hash);
        return Convert.ToHexStringLower(hash);
    }

    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Written { get; private set; }

        public void Add(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Written..]);
            Written += bytes.Length;
        }

        public void Add(string ascii)
        {
            Written += Encoding.ASCII.GetBytes(ascii, _buffer[Written..]);
        }

        public void Add(int number)
        {
            if (!number.TryFormat(_buffer[Written..], out var written, default, CultureInfo.InvariantCulture))
                throw new ArgumentException("the webhook buffer is too small", nameof(number));
            Written += written;
        }

        public void Add(DateTime utc)
        {
            if (!utc.TryFormat(_buffer[Written..], out var written, "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture))
                throw new ArgumentException("the webhook buffer is too small", nameof(utc));
            Written += written;
        }
    }
}
