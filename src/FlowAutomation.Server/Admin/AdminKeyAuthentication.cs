using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Admin;

/// <summary>
/// The admin key as an ASP.NET Core authentication scheme, for pages that an authorization policy guards (the
/// Hangfire dashboard). The key comes in the admin key header, as for <c>/api</c>, or — so that a browser can open the
/// page — as the password of HTTP Basic authentication (any user name); a challenge asks the browser for it.
/// </summary>
internal sealed class AdminKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> schemes, ILoggerFactory logger, UrlEncoder encoder, IOptions<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemes, logger, encoder)
{
    public const string SchemeName = "AdminKey";

    /// <summary>The authorization policy: a caller authenticated by <see cref="SchemeName"/>.</summary>
    public const string Policy = "Admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = admin.Value.ApiKey;
        if (string.IsNullOrEmpty(key))
            return Task.FromResult(AuthenticateResult.NoResult());
        var given = Request.Headers[admin.Value.ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(given))
            given = BasicPassword(Request.Headers.Authorization.ToString()) ?? "";
        if (given.Length == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!AdminKey.Matches(given, key))
            return Task.FromResult(AuthenticateResult.Fail("wrong API key"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(admin.Value.ApiKey))
        {
            // Nothing would open it: say how to turn it on rather than ask for a key.
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Response.WriteAsJsonAsync(new { error = "the dashboard is disabled: set Admin:ApiKey (for example the environment variable Admin__ApiKey) to enable it" });
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"FlowAutomation admin\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private static string? BasicPassword(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !"Basic".Equals(value.Scheme, StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
            return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
