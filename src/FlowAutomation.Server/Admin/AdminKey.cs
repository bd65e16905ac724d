using System.Security.Cryptography;
using System.Text;

namespace FlowAutomation.Server.Admin;

/// <summary>The admin key check shared by <c>/api</c> and the studio's API in the service.</summary>
internal static class AdminKey
{
    /// <summary>Null when the request carries the configured key in its header; otherwise the refusal to send.</summary>
    public static IResult? Refusal(HttpContext context, AdminOptions options, string what)
    {
        if (string.IsNullOrEmpty(options.ApiKey))
            return Results.Json(new { error = $"{what} is disabled: set Admin:ApiKey (for example the environment variable Admin__ApiKey) to enable it" },
                statusCode: StatusCodes.Status403Forbidden);
        var given = context.Request.Headers[options.ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(given))
            return Results.Json(new { error = $"missing API key header '{options.ApiKeyHeader}'" }, statusCode: StatusCodes.Status401Unauthorized);
        return Matches(given, options.ApiKey)
            ? null
            : Results.Json(new { error = "wrong API key" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>Whether <paramref name="given"/> is the configured key (compared in constant time).</summary>
    public static bool Matches(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
