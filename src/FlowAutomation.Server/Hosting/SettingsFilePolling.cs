using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace FlowAutomation.Server.Hosting;

/// <summary>
/// The working folder's <c>appsettings.json</c> (and <c>appsettings.{Environment}.json</c>), reloaded when edited as
/// before, but found changed by polling (every 4 s) instead of a <see cref="FileSystemWatcher"/> on the whole working
/// folder: the SQLite database and its WAL are usually written there, and every commit woke that watcher. Owns the
/// polling file provider, disposed with the service.
/// </summary>
internal sealed class SettingsFilePolling(PhysicalFileProvider files) : IHostedService, IDisposable
{
    /// <summary>
    /// Replaces the builder's JSON sources read from the content root (loaded without a watcher, see
    /// <see cref="ServerHost.CreateBuilder"/>) with sources on a polling provider that reload on change.
    /// </summary>
    public static void Replace(WebApplicationBuilder builder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(builder.Environment.ContentRootPath));
        var sources = builder.Configuration.Sources;
        PhysicalFileProvider? files = null;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource { Path: { } path, FileProvider: PhysicalFileProvider provider } json
                || Path.TrimEndingDirectorySeparator(Path.GetFullPath(provider.Root)) != root)
                continue;
            files ??= new PhysicalFileProvider(root) { UsePollingFileWatcher = true, UseActivePolling = true };
            sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = true, ReloadDelay = json.ReloadDelay, FileProvider = files };
        }
        if (files is not null)
            builder.Services.AddHostedService(_ => new SettingsFilePolling(files));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => files.Dispose();
}
