using System.Net;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// One <c>flowctl serve</c> node of a child-process test: started (ready when <c>/readyz</c> answers 200), killed hard
/// (SIGKILL) and started again with the same settings, as often as the test likes; killed when disposed. Each life
/// runs on the port the OS gives it (a port kept free for the next life could be taken by another process meanwhile).
/// </summary>
internal sealed class ChildNode(string name, string folder, IReadOnlyList<string> settings, TimeSpan timeout) : IAsyncDisposable
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _pastLives = [];
    private ServiceProcess? _process;

    public string Name => name;

    /// <summary>The running life's address.</summary>
    public string BaseUrl => _process?.BaseUrl ?? throw new InvalidOperationException($"{name} does not run");

    public bool IsRunning => _process is not null;

    /// <summary>What every life of the node printed, the current one last.</summary>
    public string Output => string.Join(Environment.NewLine, _pastLives.Append(_process?.Output ?? "").Select((o, i) => $"--- {name}, life {i + 1} ---{Environment.NewLine}{o}"));

    public async Task StartAsync()
    {
        if (_process is not null)
            throw new InvalidOperationException($"{name} runs already");
        _process = await ServiceProcess.StartAsync(folder, settings, timeout);
        await WaitReadyAsync(_process);
    }

    /// <summary>SIGKILL: no shutdown, no flush; the output is kept for <see cref="Output"/>.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{name} does not run");
        await process.KillAsync();
        _pastLives.Add(process.Output);
        await process.DisposeAsync();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
            await KillAsync();
    }

    /// <summary>Asks <c>/readyz</c> until it answers 200: again at each line the service prints, or after a second of quiet.</summary>
    private async Task WaitReadyAsync(ServiceProcess process)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var last = "";
        while (true)
        {
            var next = process.NextLine;
            try
            {
                using var response = await Client.GetAsync(process.BaseUrl + "/readyz", cancel.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel.Token)}";
                if (process.HasExited)
                    throw new InvalidOperationException($"{name} exited before it was ready:{Environment.NewLine}{process.Output}");
                await next.WaitAsync(TimeSpan.FromSeconds(1), cancel.Token);
            }
            catch (TimeoutException)
            {
                // a second without a line: ask again
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{name} was not ready in {timeout.TotalSeconds} s; /readyz said {last}:{Environment.NewLine}{process.Output}");
            }
        }
    }
}
