using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

/// <summary>
/// The service under load: <c>flowctl serve</c> child processes on free 127.0.0.1 ports, sharing one database (a SQLite
/// file for one node, or a fresh PostgreSQL database made for the run and dropped after it). Nodes start one after the
/// other, so the first installs the schema before the next starts (docs/operations.md, "Scaling out").
/// </summary>
internal sealed class ServiceNodes : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _folder;
    private readonly string? _adminConnection;
    private readonly string? _databaseName;

    private ServiceNodes(string folder, string? adminConnection, string? databaseName)
    {
        (_folder, _adminConnection, _databaseName) = (folder, adminConnection, databaseName);
    }

    public List<HttpClient> Clients { get; } = [];

    /// <summary>How the report names the storage.</summary>
    public string Storage => _databaseName is null ? "sqlite (file, synchronous=NORMAL)" : $"postgres (database {_databaseName})";

    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    public static async Task<ServiceNodes> StartAsync(LoadTestOptions options, string flowctl, string providerUrl, string secret, string adminKey, int maxConnections, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "flowautomation-load-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        string? database = null;
        string storage;
        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            storage = Path.Combine(folder, "load.db");
        }
        else
        {
            database = "flowautomation_load_" + Guid.NewGuid().ToString("n");
            await using (var connection = new NpgsqlConnection(options.Postgres))
            {
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            storage = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = database }.ConnectionString;
        }
        var nodes = new ServiceNodes(folder, options.Postgres, database);
        try
        {
            for (var node = 0; node < options.Nodes; node++)
            {
                var baseUrl = await nodes.StartNodeAsync(node, options, flowctl, storage, providerUrl, secret, adminKey, cancellationToken);
                nodes.Clients.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) });
            }
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>User and system CPU time of every node so far.</summary>
    public TimeSpan CpuTime() => _processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + LoadReport.CpuTime(p.Id));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
            client.Dispose();
        foreach (var process in _processes)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
        }
        if (_databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<string> StartNodeAsync(int node, LoadTestOptions options, string flowctl, string storage, string providerUrl, string secret, string adminKey, CancellationToken cancellationToken)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        // A flowctl.dll runs with dotnet; anything else is an installed tool's command, run as it is.
        var dll = flowctl.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(dll ? "dotnet" : flowctl) { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = dll ? new List<string> { flowctl } : [];
        args.AddRange(
        [
            "serve", "--urls", baseUrl, "--flows", Path.GetFullPath(options.Flows), "--db", storage,
            $"--Infobip:BaseUrl={providerUrl}", "--Infobip:ApiKey=load", "--Infobip:Sender=biz-1", $"--Webhooks:Infobip:Secret={secret}",
            $"--Admin:ApiKey={adminKey}", "--Flows:Watch=false",
        ]);
        if (_databaseName is not null)
            args.Add("--Storage:Provider=Postgres");
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        LoadTestProcess.RestoreForChild(start.Environment);
        var process = Process.Start(start)!;
        _processes.Add(process);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("flowctl serve: running on", StringComparison.Ordinal) == true)
                running.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.Error.WriteLine($"service {node + 1}: {e.Data}");
        };
        process.Exited += (_, _) => running.TrySetException(new InvalidOperationException($"service {node + 1} exited before it was running (exit {process.ExitCode})"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await running.Task.WaitAsync(TimeSpan.FromSeconds(60), TimeProvider.System, cancellationToken); // the load test runs on the real clock
        return baseUrl;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
