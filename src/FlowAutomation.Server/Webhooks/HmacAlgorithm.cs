using System.Buffers;
using System.Security.Cryptography;

namespace FlowAutomation.Server.Webhooks;

internal enum HmacAlgorithm
{
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

internal static class HmacAlgorithms
{
    /// <summary>What <see cref="char.IsAsciiLetterOrDigit"/> accepts: an algorithm prefix's characters.</summary>
    public static readonly SearchValues<char> AsciiLettersAndDigits = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>What <see cref="char.IsAsciiHexDigit"/> accepts.</summary>
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    /// <summary>Reads <c>HMAC_SHA_256</c>, <c>HmacSha256</c>, <c>sha-256</c>, <c>SHA256</c> and the like.</summary>
    public static bool TryParse(string? text, out HmacAlgorithm algorithm)
    {
        var normalized = new string((text ?? "").Where(char.IsAsciiLetterOrDigit).ToArray()).ToUpperInvariant();
        if (normalized.StartsWith("HMAC", StringComparison.Ordinal))
            normalized = normalized[4..];
        (var ok, algorithm) = normalized switch
        {
            "SHA1" => (true, HmacAlgorithm.Sha1),
            "SHA256" => (true, HmacAlgorithm.Sha256),
            "SHA384" => (true, HmacAlgorithm.Sha384),
            "SHA512" => (true, HmacAlgorithm.Sha512),
            _ => (false, HmacAlgorithm.Sha256),
        };
        return ok;
    }

    public static byte[] Compute(HmacAlgorithm algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => algorithm switch
    {
#pragma warning disable CA5350 // HMAC-SHA1 is what a provider may be configured to sign with; it is still a sound MAC.
        HmacAlgorithm.Sha1 => HMACSHA1.HashData(key, data),
#pragma warning restore CA5350
        HmacAlgorithm.Sha384 => HMACSHA384.HashData(key, data),
        HmacAlgorithm.Sha512 => HMACSHA512.HashData(key, data),
        _ => HMACSHA256.HashData(key, data),
    };

    public static int HashSize(HmacAlgorithm algorithm) => algorithm switch
    {
        HmacAlgorithm.Sha1 => 20,
        HmacAlgorithm.Sha384 => 48,
        HmacAlgorithm.Sha512 => 64,
        _ => 32,
    };

    /// <summary>Decodes a signature given as hex or base64; null when it is neither.</summary>
    public static byte[]? DecodeSignature(string text, int expectedLength)
    {
        if (text.Length == expectedLength * 2 && !text.AsSpan().ContainsAnyExcept(HexDigits))
            return Convert.FromHexString(text);
        var buffer = new byte[expectedLength];
        return Convert.TryFromBase64String(text, buffer, out var written) && written == expectedLength ? buffer : null;
    }
}
