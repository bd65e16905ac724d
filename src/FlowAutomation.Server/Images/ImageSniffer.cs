using System.Text;

namespace FlowAutomation.Server.Images;

/// <summary>
/// An image's real format from its first bytes (the file's signature), which wins over a server's
/// <c>Content-Type</c>: a GIF served as <c>image/png</c> is a GIF. Names are the usual file types, lower case.
/// </summary>
internal static class ImageSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs at most.</summary>
    public const int Needed = 64;

    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return "jpeg";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return "png";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return "gif";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return "webp";
        if (head.StartsWith("BM"u8) && head.Length >= 14)
            return "bmp";
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
            return "tiff";
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = head[8..12];
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
                return "avif";
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8))
                return "heic";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]))
            return "ico";
        if (head.StartsWith("%PDF"u8))
            return "pdf";
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith("<svg", StringComparison.OrdinalIgnoreCase))
            return "svg";
        if (text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
            return "html";
        return null;
    }

    /// <summary>A format from a media type: <c>image/png</c> → <c>png</c>, <c>image/svg+xml</c> → <c>svg</c>; anything else stays the media type.</summary>
    public static string? FromMediaType(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
            return null;
        var type = mediaType.Trim().ToLowerInvariant();
        if (!type.StartsWith("image/", StringComparison.Ordinal))
            return type;
        var subtype = type["image/".Length..];
        var plus = subtype.IndexOf('+', StringComparison.Ordinal);
        subtype = plus > 0 ? subtype[..plus] : subtype;
        return subtype switch
        {
            "jpg" or "pjpeg" => "jpeg",
            "x-png" => "png",
            _ => subtype,
        };
    }
}
