using FlowAutomation.Compilation;
using FlowAutomation.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl serve [--flows DIR] [--db PATH-OR-CONNECTION] [--urls URL] [--Section:Key=value ...]</c>: runs the
/// live service until Ctrl+C (or SIGTERM). Defaults: flows from <c>flows/</c>, the SQLite file
/// <c>flowautomation.db</c> in the working folder, <c>http://127.0.0.1:5080</c>. Any other setting can follow in the
/// ASP.NET form (<c>--Infobip:BaseUrl=https://…</c>); appsettings.json and environment variables work too. Exit 1 when
/// the flows have errors (the diagnostics are printed) or the service cannot start.
/// </summary>
internal static class ServeCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var hostArgs = HostArguments(args);
        var builder = ServerHost.CreateBuilder([.. hostArgs]);
        // A failed start is reported here in one line; the host's own reports of it (the exception with its stack
        // trace, logged before StartAsync throws, and what the stop after it says) are held back until then.
        var starting = true;
        builder.Logging.AddFilter(HostCategory, level => level > LogLevel.Information && !(level >= LogLevel.Error && Volatile.Read(ref starting)));
        await using var app = builder.Build();
        app.MapFlowAutomationServer();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (FlowCompilationException exception)
        {
            foreach (var diagnostic in exception.Diagnostics)
                stderr.WriteLine(diagnostic);
            stderr.WriteLine($"flowctl serve: the flows have {exception.Diagnostics.Count(d => d.IsError)} error(s); not starting");
            await StopAfterFailedStartAsync(app);
            return FlowCtl.Errors;
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException or Microsoft.Data.Sqlite.SqliteException)
        {
            stderr.WriteLine($"flowctl serve: cannot start: {exception.Message}{Hint(exception)}");
            await StopAfterFailedStartAsync(app);
            return FlowCtl.Errors;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            stderr.WriteLine($"flowctl serve: cannot start: {exception.Message}");
            stderr.WriteLine(exception);
            await StopAfterFailedStartAsync(app);
            return FlowCtl.Errors;
        }
        finally
        {
            Volatile.Write(ref starting, false);
        }
        stdout.WriteLine($"flowctl serve: running on {string.Join(", ", app.Urls)}; Ctrl+C stops");
        await app.WaitForShutdownAsync(cancellationToken);
        return FlowCtl.Ok;
    }

    /// <summary>The category under which the generic host reports a failed start (with the exception's stack trace).</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// Stops what did start (background services, Quartz) before the app is disposed, so that they end as in any stop
    /// rather than being cut off; the start's failure is already printed, so a failure to stop adds nothing.
    /// </summary>
    private static async Task StopAfterFailedStartAsync(IHost app)
    {
        try
        {
            await app.StopAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // the reason the service did not start is printed; stopping what started is best effort
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>What to do about a failure a user can fix: a port already in use names <c>--urls</c>.</summary>
    private static string Hint(Exception exception) =>
        exception.InnerException is AddressInUseException || exception is AddressInUseException
            ? " Another program listens there: stop it, or choose another address with --urls (e.g. --urls http://127.0.0.1:5081)."
            : string.Empty;

    /// <summary>The command's options as host configuration; <c>--Key=value</c> and <c>--Key value</c> settings pass through.</summary>
    internal static List<string> HostArguments(IReadOnlyList<string> args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"serve takes options only, not '{arg}'");
            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (value is null)
            {
                if (i + 1 >= args.Count)
                    throw new UsageException($"option '--{name}' needs a value");
                value = args[++i];
            }
            var key = name switch
            {
                "flows" => "Flows:Directory",
                "db" => "Storage:Database",
                "urls" => "urls",
                _ when name.Contains(':', StringComparison.Ordinal) => name,
                _ => throw new UsageException($"unknown option '--{name}' (serve takes --flows, --db, --urls and settings as --Section:Key=value)"),
            };
            result.Add($"--{key}={value}");
        }
        return result;
    }
}
