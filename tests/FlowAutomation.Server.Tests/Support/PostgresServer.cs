using System.Diagnostics;
using Dapper;
using Npgsql;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// The PostgreSQL the tests use: the one named by <c>FLOWAUTOMATION_TEST_POSTGRES</c> (a connection string; CI's
/// <c>.ci/run</c> starts one with <c>.ci/postgres</c>), or else one this test process starts the same way — the
/// repository's <c>.ci/postgres</c> script: Debian's PostgreSQL 15 server programs, initdb in a temp folder, on a
/// free 127.0.0.1 port, as a non-root user — and stops when the process exits. Without those programs the tests
/// fail saying how to install them; they are never skipped. Each test takes a database of its own
/// (<see cref="CreateDatabaseAsync"/>).
/// </summary>
internal static class PostgresServer
{
    public const string Variable = "FLOWAUTOMATION_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>The server's connection string (to its <c>postgres</c> database).</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    /// <summary>A new empty database on the server; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Server.Value;
        var name = "t_" + Guid.NewGuid().ToString("n");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
            return given;
        var script = Path.Combine(ServiceProcess.RepoRoot, ".ci", "postgres");
        var state = Path.GetTempFileName();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, "start", state })
            start.ArgumentList.Add(arg);
        start.Environment["FLOWAUTOMATION_POSTGRES_NO_INSTALL"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"the PostgreSQL tests need a PostgreSQL: set {Variable} to a connection string, or install Debian's server programs " +
                $"(sudo apt-get install -y postgresql-15) so that {script} can start one. It said:{Environment.NewLine}{await errors}");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(script, state);
        return (await output).Trim();
    }

    private static void Stop(string script, string state)
    {
        using var stop = Process.Start(new ProcessStartInfo("bash", [script, "stop", state]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        stop?.WaitForExit(30_000);
    }
}
