using System.Net;
using FlowAutomation.Policy;
using FlowAutomation.Server.Admin;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Runtime;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Storage;
using FlowAutomation.State;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Studio;

/// <summary>
/// Hosts the studio: on its own for <c>flowctl studio</c> (loopback only, a one-time launch token), or inside the
/// service at <c>/studio</c> behind the admin key (<see cref="MapStudioInService"/>).
/// </summary>
public static class StudioHost
{
    /// <summary>Where <c>flowctl studio</c> listens when no <c>--urls</c> is given.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5081";

    /// <summary>Null when every URL of the <c>;</c>-separated list binds a loopback address; otherwise why not.</summary>
    public static string? LoopbackProblem(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https"))
                return $"'{url}' is not an http:// address";
            var host = uri.Host.Trim('[', ']');
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
                return $"'{url}' is not a loopback address: the studio writes files on this machine, so it listens only on 127.0.0.1, [::1] or localhost";
        }
        return null;
    }

    /// <summary>
    /// Builds <c>flowctl studio</c>'s web application for <paramref name="folder"/> on <paramref name="urls"/> (which
    /// must be loopback; see <see cref="LoopbackProblem"/>). Start it, then call <see cref="StudioApp.LaunchAddress"/>.
    /// </summary>
    /// <param name="scenarioFolders">Folders scenarios are picked from besides <paramref name="folder"/>; by default <c>samples/</c> of the working folder when it exists.</param>
    public static StudioApp Create(string folder, string urls, PolicyProfile? policy = null, IReadOnlyList<string>? scenarioFolders = null)
    {
        if (LoopbackProblem(urls) is { } problem)
            throw new ArgumentException(problem, nameof(urls));
        var builder = WebApplication.CreateSlimBuilder([]);
        builder.WebHost.UseUrls(urls);
        // Refuse requests whose Host is not this machine's loopback name (a DNS-rebinding page cannot reach the API).
        builder.Configuration["AllowedHosts"] = "localhost;127.0.0.1;[::1]";
        builder.Services.AddHostFiltering(o => o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var access = new StudioTokenAccess();
        var app = builder.Build();
        app.UseHostFiltering();
        app.MapGet("/", () => Results.Redirect(StudioEndpoints.BasePath + "/"));
        app.MapStudio(new StudioSite(new StudioFolder(folder), policy ?? PolicyProfile.TikTok, access) { ScenarioFolders = scenarioFolders });
        return new StudioApp(app, access);
    }

    /// <summary>
    /// The studio in the service: the flow folder it runs, behind the admin key; a save reloads the running set; what
    /// the flows did live comes from the service's records. <c>Studio:Scenarios</c> (a list of folders) replaces the
    /// default <c>samples/</c> as the folders scenarios are picked from, besides the flow folder.
    /// </summary>
    internal static IEndpointRouteBuilder MapStudioInService(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var flows = services.GetRequiredService<FlowHost>();
        var access = new StudioAdminKeyAccess(services.GetRequiredService<IOptions<AdminOptions>>());
        var live = new StudioLive(
            services.GetRequiredService<IAuditReader>(), services.GetRequiredService<IInboxHistory>(), services.GetRequiredService<IConversationStore>(), services.GetRequiredService<IFollowUpScheduler>(),
            flows, services.GetRequiredService<TimeProvider>());
        var scenarioFolders = services.GetRequiredService<IConfiguration>().GetSection("Studio:Scenarios").Get<string[]>();
        return endpoints.MapStudio(new StudioSite(new StudioFolder(flows.Directory), flows.EngineOptions.Policy, access, () =>
        {
            var loaded = flows.Reload();
            var diagnostics = loaded ? flows.Current.Diagnostics : flows.LastRefused?.Diagnostics ?? [];
            return new StudioReload(loaded, [.. diagnostics.Select(StudioDiagnostic.From)]);
        })
        {
            ScenarioFolders = scenarioFolders,
            Live = live,
        });
    }
}

/// <summary><c>flowctl studio</c>'s running application and the address to open.</summary>
public sealed class StudioApp : IAsyncDisposable
{
    private readonly StudioTokenAccess _access;

    internal StudioApp(WebApplication app, StudioTokenAccess access)
    {
        App = app;
        _access = access;
    }

    public WebApplication App { get; }

    /// <summary>
    /// The page's address with a new one-time launch token in its fragment (never sent to the server, never in a
    /// log); valid for one exchange. Call after the application started (the port is known then).
    /// </summary>
    public string LaunchAddress()
    {
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the studio is not listening yet");
        return $"{address.TrimEnd('/')}{StudioEndpoints.BasePath}/#token={_access.IssueLaunchToken()}";
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
