using FlowAutomation.Server.Common;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Runtime;

/// <summary>
/// Loads the flows on start (refusing to start on errors) and reloads them when files in the folder change, once
/// the folder has been quiet for <see cref="FlowOptions.ReloadDelay"/> (a timer on the injected clock).
/// </summary>
internal sealed class FlowWatcher(FlowHost flows, IOptions<FlowOptions> options, TimeProvider time, ILogger<FlowWatcher> logger) : IHostedService, IDisposable
{
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;

    /// <summary>Raised after each reload attempt with whether the new set runs (for tests).</summary>
    public event Action<bool>? Reloaded;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        flows.Load();
        if (!options.Value.Watch || !Directory.Exists(flows.Directory))
            return Task.CompletedTask;
        _debounce = time.CreateTimer(_ => ReloadNow(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(flows.Directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += OnChange;
        _watcher.Created += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.Renamed += OnChange;
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
            _watcher.EnableRaisingEvents = false;
        _debounce?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>Asks for a reload after the quiet period (also what a file change does).</summary>
    public void RequestReload() => _debounce?.Change(options.Value.ReloadDelay, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private void OnChange(object sender, FileSystemEventArgs e) => RequestReload();

    private void ReloadNow()
    {
        bool loaded;
        try
        {
            loaded = flows.Reload();
        }
        catch (Exception exception)
        {
            logger.FlowsReloadFailed(exception);
            loaded = false;
        }
        Reloaded?.Invoke(loaded);
    }
}
