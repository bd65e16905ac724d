using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>Signs bodies the way the providers do, written independently of the code under test.</summary>
internal static class Signatures
{
    public static string HmacHex(string secret, string body, string algorithm = "SHA256") => HmacHex(secret, Encoding.UTF8.GetBytes(body), algorithm);

    /// <summary>The HMAC of raw bytes (a body that need not be valid UTF-8).</summary>
    public static string HmacHex(string secret, byte[] data, string algorithm = "SHA256")
    {
        var key = Encoding.UTF8.GetBytes(secret);
        using HMAC hmac = algorithm switch
        {
#pragma warning disable CA5350 // SHA-1 is one of the algorithms under test.
            "SHA1" => new HMACSHA1(key),
#pragma warning restore CA5350
            "SHA512" => new HMACSHA512(key),
            _ => new HMACSHA256(key),
        };
        return Convert.ToHexStringLower(hmac.ComputeHash(data));
    }

    public static string TikTokHeader(string clientSecret, string body, DateTimeOffset signedAt) =>
        TikTokHeader(clientSecret, Encoding.UTF8.GetBytes(body), signedAt);

    public static string TikTokHeader(string clientSecret, byte[] body, DateTimeOffset signedAt)
    {
        var t = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},s={HmacHex(clientSecret, [.. Encoding.UTF8.GetBytes(t + "."), .. body])}";
    }
}
