using System.Collections.Concurrent;
using System.Security.Cryptography;
using FlowAutomation.Server.Admin;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Studio;

/// <summary>
/// Who may use the studio's API. The credential always travels in a request header, never in a cookie, so another
/// site open in the same browser cannot make it act for the user.
/// </summary>
internal interface IStudioAccess
{
    /// <summary><c>token</c> (flowctl studio: a one-time launch token exchanged for a session token) or <c>admin-key</c> (flowctl serve).</summary>
    string Mode { get; }

    /// <summary>The request header that carries the credential.</summary>
    string Header { get; }

    /// <summary>Null when the request may go on, otherwise the refusal to send.</summary>
    IResult? Check(HttpContext context);
}

/// <summary>
/// <c>flowctl studio</c>'s access: the address it prints carries a one-time launch token (in the URL's fragment, which
/// browsers never send to the server); the page exchanges it once for a session token, kept in the tab's
/// sessionStorage and sent in <see cref="HeaderName"/> with every call. A used launch token opens nothing.
/// </summary>
internal sealed class StudioTokenAccess : IStudioAccess
{
    public const string HeaderName = "X-Studio-Token";

    private readonly ConcurrentDictionary<string, byte> _launch = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);

    public string Mode => "token";

    public string Header => HeaderName;

    /// <summary>A new launch token, valid for one exchange.</summary>
    public string IssueLaunchToken()
    {
        var token = NewToken();
        _launch[token] = 0;
        return token;
    }

    /// <summary>The session token for a launch token that has not been used yet; null otherwise.</summary>
    public string? Exchange(string? launchToken)
    {
        if (string.IsNullOrEmpty(launchToken) || !_launch.TryRemove(launchToken, out _))
            return null;
        var session = NewToken();
        _sessions[session] = 0;
        return session;
    }

    public IResult? Check(HttpContext context)
    {
        var given = context.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(given))
            return Results.Json(new { error = $"missing the studio's token header '{HeaderName}': open the address flowctl studio printed" }, statusCode: StatusCodes.Status401Unauthorized);
        return _sessions.ContainsKey(given) ? null
            : Results.Json(new { error = "this studio session is not known: open the address flowctl studio printed (a restarted studio prints a new one)" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
}

/// <summary><c>flowctl serve</c>'s access: the admin API key (<see cref="AdminOptions"/>) in its header, as for <c>/api</c>.</summary>
internal sealed class StudioAdminKeyAccess(IOptions<AdminOptions> options) : IStudioAccess
{
    public string Mode => "admin-key";

    public string Header => options.Value.ApiKeyHeader;

    public IResult? Check(HttpContext context) => AdminKey.Refusal(context, options.Value, "the studio");
}
