using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowAutomation.Policy;

/// <summary>The result of checking an image URL.</summary>
internal enum ImageUrlCheck
{
    Ok,

    /// <summary>Not an absolute http or https URL with a host.</summary>
    Invalid,

    /// <summary>The path's file extension is not one of the profile's image formats.</summary>
    UnsupportedFormat,
}

/// <summary>
/// Content rules shared by the compiler (on literal values in flows) and the guard (on every outbound message).
/// The checks allocate nothing, so that the guard's allow path stays allocation-free.
/// </summary>
internal static partial class ContentRules
{
    /// <summary>Whether a text has nothing a person would see (null, empty or only white space).</summary>
    public static bool IsBlank(string? text) => string.IsNullOrWhiteSpace(text);

    /// <summary>
    /// The number of user-perceived characters (extended grapheme clusters): an emoji with a skin tone, a flag or a
    /// letter with combining accents counts as one.
    /// </summary>
    public static int CountCharacters(ReadOnlySpan<char> text)
    {
        var count = 0;
        while (!text.IsEmpty)
        {
            text = text[StringInfo.GetNextTextElementLength(text)..];
            count++;
        }

        return count;
    }

    /// <summary>
    /// Whether <paramref name="text"/> exceeds <paramref name="maxLength"/> user-perceived characters, and its length
    /// when it does. A character is at least one code point and a code point at least one UTF-16 unit, so a text
    /// within the limit in units or in code points is not segmented into characters at all.
    /// </summary>
    public static bool IsTooLong(string text, int maxLength, out int length)
    {
        length = 0;
        if (text.Length <= maxLength || CountCodePoints(text) <= maxLength)
        {
            return false;
        }

        length = CountCharacters(text);
        return length > maxLength;
    }

    /// <summary>Code points: UTF-16 units minus the low halves of surrogate pairs.</summary>
    private static int CountCodePoints(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>
    /// Checks that <paramref name="url"/> is an absolute http(s) URL with a host, without white space, control
    /// characters or back-slashes, whose path ends in one of <paramref name="formats"/> (compared ignoring case).
    /// </summary>
    public static ImageUrlCheck CheckImageUrl(string url, ImmutableArray<string> formats)
    {
        var span = url.AsSpan();
        int schemeLength;
        if (span.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            schemeLength = 8;
        }
        else if (span.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            schemeLength = 7;
        }
        else
        {
            return ImageUrlCheck.Invalid;
        }

        var rest = span[schemeLength..];
        var authorityEnd = rest.IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        if (!IsAuthority(authority))
        {
            return ImageUrlCheck.Invalid;
        }

        foreach (var c in rest)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\')
            {
                return ImageUrlCheck.Invalid;
            }
        }

        var extension = Extension(url);
        foreach (var format in formats)
        {
            if (extension.Equals(format, StringComparison.OrdinalIgnoreCase))
            {
                return ImageUrlCheck.Ok;
            }
        }

        return ImageUrlCheck.UnsupportedFormat;
    }

    /// <summary>
    /// Whether a measured image format (<c>jpeg</c>, <c>png</c>, <c>gif</c>…) is one of <paramref name="formats"/> (file
    /// extensions): <c>jpeg</c> and <c>jpg</c> name the same format, as do <c>tiff</c> and <c>tif</c>.
    /// </summary>
    public static bool IsImageFormatAllowed(string format, ImmutableArray<string> formats)
    {
        var alias = format.ToLowerInvariant() switch
        {
            "jpeg" => "jpg",
            "jpg" => "jpeg",
            "tiff" => "tif",
            "tif" => "tiff",
            _ => format,
        };
        return formats.Any(f => f.Equals(format, StringComparison.OrdinalIgnoreCase) || f.Equals(alias, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The file extension of a URL's path (without the dot), or empty; the query and fragment are ignored.</summary>
    public static ReadOnlySpan<char> Extension(string url)
    {
        var span = url.AsSpan();
        var schemeEnd = span.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            span = span[(schemeEnd + 3)..];
            var pathStart = span.IndexOfAny('/', '?', '#');
            span = pathStart >= 0 && span[pathStart] == '/' ? span[pathStart..] : [];
        }

        var pathEnd = span.IndexOfAny('?', '#');
        var path = pathEnd < 0 ? span : span[..pathEnd];
        var segment = path[(path.LastIndexOf('/') + 1)..];
        var dot = segment.LastIndexOf('.');
        return dot < 0 ? [] : segment[(dot + 1)..];
    }

    /// <summary>Whether <paramref name="postId"/> has the shape of a TikTok post id (letters, digits, '-', '_'; 1 to 64).</summary>
    public static bool IsPostId(string? postId)
    {
        if (postId is null || postId.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in postId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The post id in a TikTok video URL (<c>…/video/7301234567890</c>), for a "did you mean" hint.</summary>
    public static string? PostIdFromUrl(string text)
    {
        var match = VideoUrl().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>A host (letters, digits, '-', '.') with an optional port, and nothing else (no user info).</summary>
    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        var colon = authority.IndexOf(':');
        var host = colon < 0 ? authority : authority[..colon];
        if (host.IsEmpty || host[0] == '.' || host[0] == '-')
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!char.IsLetterOrDigit(c) && c != '-' && c != '.')
            {
                return false;
            }
        }

        if (colon < 0)
        {
            return true;
        }

        var port = authority[(colon + 1)..];
        return port.Length is > 0 and <= 5 && !port.ContainsAnyExceptInRange('0', '9');
    }

    [GeneratedRegex(@"/video/(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VideoUrl();
}
