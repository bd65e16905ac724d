using System.Collections.Concurrent;
using System.Diagnostics;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// <c>dotnet flowctl.dll serve …</c> as a child process on a loopback port the OS picks (<c>--urls
/// http://127.0.0.1:0</c>: no port is chosen first and bound later, which another process may take in between);
/// started when it prints that it runs, on which address; killed hard (SIGKILL on Linux) or stopped by the test, and
/// killed when the test process exits (<see cref="AppDomain.ProcessExit"/>) if the test did not, or is killed itself
/// (<see cref="Watchdog"/>).
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private const string Running = "flowctl serve: running on ";
    private static readonly ConcurrentDictionary<Process, byte> Children = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _line = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Becomes the command it is given (<c>exec "$@"</c>: same process, same exit code, killed and waited for as
    /// before) after starting a watcher that kills it (SIGKILL) when the watcher's standard input ends: the test
    /// process holds the other end of that pipe, which the kernel closes however the test process ends (a host killed
    /// by a hung run's timeout included), so a service never outlives its tests. The watcher leaves as soon as the
    /// service has ended (its process start time no longer matches), so it never signals a process reusing the id.
    /// </summary>
    private const string Watchdog = """
        exec 3<&0
        me=$$
        read -r -a stat < /proc/$me/stat
        started=${stat[21]}
        alive() { read -r -a stat 2>/dev/null < /proc/$me/stat && [ "${stat[21]}" = "$started" ]; }
        {
          while read -r -t 1 _ || [ $? -gt 128 ]; do
            alive || exit 0
          done
          alive && kill -KILL $me
        } <&3 &
        exec "$@" </dev/null 3<&-
        """;

    static ServiceProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillChildren();

    private ServiceProcess(Process process) => _process = process;

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>, the address the service said it runs on.</summary>
    public string BaseUrl { get; private set; } = "";

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Completes when the service prints its next line.</summary>
    public Task NextLine => Volatile.Read(ref _line).Task;

    public bool HasExited => _process.HasExited;

    /// <summary>flowctl.dll in the CLI's build output, for the configuration this test assembly was built in.</summary>
    public static string FlowCtlPath
    {
        get
        {
            // tests/FlowAutomation.Server.Tests/bin/<Configuration>/<tfm>/ → src/FlowAutomation.Cli/bin/<Configuration>/<tfm>/flowctl.dll
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = here.Name;
            var configuration = here.Parent!.Name;
            var path = Path.Combine(RepoRoot, "src", "FlowAutomation.Cli", "bin", configuration, tfm, "flowctl.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first: {path} is missing", path);
        }
    }

    /// <summary>The repository's root folder (above tests/FlowAutomation.Server.Tests/bin/&lt;Configuration&gt;/&lt;tfm&gt;/).</summary>
    public static string RepoRoot =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>
    /// Starts the service on a port the OS picks; <paramref name="quiet"/> logs warnings and errors only, otherwise the
    /// shipped settings apply.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string workingDirectory, IEnumerable<string> settings, TimeSpan timeout, bool quiet = true)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-c", Watchdog, "flowctl-serve", "dotnet", FlowCtlPath, "serve", "--urls", "http://127.0.0.1:0" }.Concat(settings))
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (quiet)
            start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        process.Exited += (_, _) => service._running.TrySetException(new InvalidOperationException($"the service exited with {process.ExitCode}:{Environment.NewLine}{service.Output}"));
        process.Start();
        Children.TryAdd(process, 0);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            service.BaseUrl = await service._running.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await service.DisposeAsync();
            throw new TimeoutException($"the service did not start in {timeout.TotalSeconds} s:{Environment.NewLine}{service.Output}");
        }
        return service;
    }

    /// <summary>
    /// Runs <c>dotnet flowctl.dll &lt;args&gt;</c> with the shipped logging settings until it exits by itself; its exit
    /// code and everything it printed (standard output, then standard error).
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(string workingDirectory, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { FlowCtlPath }.Concat(args))
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return await RunToExitAsync(start, timeout);
    }

    /// <summary>Runs a process until it exits by itself (killed after <paramref name="timeout"/>): its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} did not exit in {timeout.TotalSeconds} s:{Environment.NewLine}{await output}{await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Waits until the service has printed a line that <paramref name="match"/> accepts, and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var next = Volatile.Read(ref _line).Task;
            if (_output.FirstOrDefault(match) is { } line)
                return line;
            try
            {
                await next.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; the service printed:{Environment.NewLine}{Output}");
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, the way a crash or an OOM kill ends it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        Children.TryRemove(_process, out _);
        _process.Dispose();
    }

    /// <summary>The services still running when the test process exits (a test that failed before its dispose, an aborted run).</summary>
    private static void KillChildren()
    {
        foreach (var child in Children.Keys)
        {
            try
            {
                child.Kill(entireProcessTree: true);
            }
            catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // exited already
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        Interlocked.Exchange(ref _line, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        // "flowctl serve: running on http://127.0.0.1:41234; Ctrl+C stops": the address the OS gave it
        if (line.StartsWith(Running, StringComparison.Ordinal))
            _running.TrySetResult(line[Running.Length..].Split(';', ',')[0].Trim());
    }
}
