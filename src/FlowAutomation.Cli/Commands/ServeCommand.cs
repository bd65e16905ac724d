using System.CommandLine;
using FlowAutomation.Compilation;
using FlowAutomation.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowAutomation.Cli.Commands;

/// <summary>
/// <c>flowctl serve [--flows DIR] [--db PATH-OR-CONNECTION] [--urls URL] [--Section:Key=value ...]</c>: runs the
/// live service until Ctrl+C (or SIGTERM). Defaults: flows from <c>flows/</c>, the SQLite file
/// <c>flowautomation.db</c> in the working folder, <c>http://127.0.0.1:5080</c>. Any other setting can follow in the
/// ASP.NET form (<c>--Infobip:BaseUrl=https://…</c> or <c>--Infobip:BaseUrl https://…</c>); appsettings.json and
/// environment variables work too. Exit 1 when the flows have errors (the diagnostics are printed) or the service
/// cannot start, 2 usage.
/// </summary>
internal static class ServeCommand
{
    private const string SettingsUsage = "serve takes --flows, --db, --urls and settings as --Section:Key=value";

    public static Command Create()
    {
        var flows = new Option<string>("--flows") { Description = "The folder of flow files (default flows/; the setting Flows:Directory).", HelpName = "DIR" };
        var db = new Option<string>("--db")
        {
            Description = "The database: a SQLite file or connection string (default flowautomation.db in the working folder), or with --Storage:Provider=Postgres an Npgsql connection string (the setting Storage:Database).",
            HelpName = "PATH-OR-CONNECTION",
        };
        var urls = new Option<string>("--urls") { Description = "The address to listen on (default http://127.0.0.1:5080).", HelpName = "URL" };
        // Every other token is a setting for ASP.NET Core's configuration, checked for its form here and passed through.
        var settings = new Argument<string[]>("settings")
        {
            Description = "Any other setting in ASP.NET Core's form, e.g. --Webhooks:Infobip:Secret=dev-secret (see docs/operations.md).",
            HelpName = "--Section:Key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        settings.Validators.Add(result =>
        {
            if (SettingsProblem(result.Tokens.Select(t => t.Value).ToList()) is { } problem)
                result.AddError(problem);
        });
        var command = new Command("serve", "Run the live service: verified webhooks in, the flows on SQLite, follow-ups, the outbox and sending; Ctrl+C stops.")
        {
            flows,
            db,
            urls,
            settings,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var hostArgs = HostSettings(parse.GetValue(settings) ?? []);
            if (parse.GetValue(flows) is { } folder)
                hostArgs.Add($"--Flows:Directory={folder}");
            if (parse.GetValue(db) is { } database)
                hostArgs.Add($"--Storage:Database={database}");
            if (parse.GetValue(urls) is { } address)
                hostArgs.Add($"--urls={address}");
            return RunAsync(hostArgs, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>What is wrong with the settings' form: each is <c>--Section:Key=value</c>, or <c>--Section:Key</c> and its value.</summary>
    internal static string? SettingsProblem(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                return $"serve takes options only, not '{token}' ({SettingsUsage})";
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var name = eq >= 0 ? token[2..eq] : token[2..];
            if (!name.Contains(':', StringComparison.Ordinal) || name.StartsWith(':') || name.EndsWith(':'))
                return $"unknown option '--{name}' ({SettingsUsage})";
            if (eq < 0 && ++i >= tokens.Count)
                return $"the setting '--{name}' needs a value (--{name}=value)";
        }
        return null;
    }

    /// <summary>The settings as host command-line arguments, each <c>--Section:Key=value</c>.</summary>
    internal static List<string> HostSettings(IReadOnlyList<string> tokens)
    {
        var result = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
            result.Add(tokens[i].Contains('=', StringComparison.Ordinal) ? tokens[i] : $"{tokens[i]}={tokens[++i]}");
        return result;
    }

    private static async Task<int> RunAsync(List<string> hostArgs, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // A failed start is reported here in one line; the host's own reports of it (the exception with its stack
        // trace, logged before StartAsync throws, and what the stop after it says) are held back until then.
        var starting = true;
        WebApplication built;
        try
        {
            var builder = ServerHost.CreateBuilder([.. hostArgs]);
            builder.Logging.AddFilter(HostCategory, level => level > LogLevel.Information && !(level >= LogLevel.Error && Volatile.Read(ref starting)));
            built = builder.Build();
        }
        catch (InvalidOperationException exception)
        {
            // a setting that cannot be read as its type (e.g. --Storage:Provider=Foo): say which, and why, in one line
            stderr.WriteLine($"flowctl serve: cannot start: {exception.Message}{(exception.InnerException is { } inner ? $" ({inner.Message})" : "")}");
            return FlowCtl.Errors;
        }
        await using var app = built;
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
    /// Stops what did start (background services, Hangfire) before the app is disposed, so that they end as in any stop
    /// rather than being cut off; the start's failure is already printed, so a failure to stop adds nothing.
    /// </summary>
    private static async Task StopAfterFailedStartAsync(WebApplication app)
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
}
