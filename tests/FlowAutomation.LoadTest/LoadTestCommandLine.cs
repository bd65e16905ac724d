using System.CommandLine;
using System.Globalization;
using System.CommandLine.Invocation;

/// <summary>
/// What one run of the load test does: how many conversations, how many at once, the warm-up, the flows, and the
/// arrival rate: 0 (closed loop: <see cref="Concurrency"/> requests in flight, each sent when the one before it is
/// answered) or webhooks per second (open loop: sent on a fixed schedule whatever the answers, at most
/// <see cref="LoadTestCommandLine.MaxInFlight"/> in flight).
/// </summary>
internal sealed record LoadTestOptions(int Conversations, int Concurrency, int Warmup, string Flows)
{
    public int Rate { get; init; }

    /// <summary>An Npgsql connection string to a PostgreSQL server: the service runs on a fresh database made there; null runs on a SQLite file.</summary>
    public string? Postgres { get; init; }

    /// <summary>How many <c>flowctl serve</c> nodes share the database (more than one needs <see cref="Postgres"/>); webhooks go to them in turn.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>The flowctl that runs the service: a <c>flowctl.dll</c> (run with <c>dotnet</c>) or an installed tool's
    /// <c>flowctl</c> command (the ReadyToRun package users install); null is this build's <c>flowctl.dll</c>.</summary>
    public string? Flowctl { get; init; }
}

/// <summary>
/// The load test's command line on System.CommandLine: <c>[--conversations N] [--concurrency N] [--warmup N]
/// [--flows DIR] [--rate N] [--postgres CONNECTION] [--nodes N] [--flowctl PATH]</c>, with help; an unknown option, a flag without its value or a number out of its range is a usage
/// error (exit 2, naming it) before anything starts.
/// </summary>
internal static class LoadTestCommandLine
{
    public const int Usage = 2;

    /// <summary>Requests in flight at most in the open loop (a slower service makes them queue, which the latency shows).</summary>
    public const int MaxInFlight = 1024;

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, Func<LoadTestOptions, CancellationToken, Task<int>> run, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var conversations = Count("--conversations", 10_000, 1, 100_000, "Conversations to measure, one signed Infobip webhook each.");
        var concurrency = Count("--concurrency", 32, 1, 256, "Webhook requests in flight at once.");
        var warmup = Count("--warmup", 500, 0, 100_000, "Requests sent before measuring (the service's JIT tier-up takes ~20,000 events on 2 cores: a longer warm-up measures the steady state).");
        var rate = Count("--rate", 0, 0, 20_000, "Open loop: webhooks sent per second on a fixed schedule (latency counted from the scheduled time); 0 is the closed loop of --concurrency.");
        var nodes = Count("--nodes", 1, 1, 8, "flowctl serve nodes sharing the database (more than one needs --postgres); webhooks go to them in turn.");
        var postgres = new Option<string?>("--postgres") { Description = "Run on PostgreSQL: an Npgsql connection string to a server where the load test may create (and then drop) a fresh database.", HelpName = "CONNECTION" };
        var flowctl = new Option<string?>("--flowctl") { Description = "The flowctl that runs the service: a flowctl.dll (run with dotnet) or an installed tool's flowctl command; by default this build's src/FlowAutomation.Cli flowctl.dll.", HelpName = "PATH" };
        var flows = new Option<string>("--flows") { Description = "The flow folder the service runs.", HelpName = "DIR", DefaultValueFactory = _ => "flows" };
        var root = new RootCommand("Load test of the live service over loopback: flowctl serve as a child process, signed webhooks; intake, drain and webhook-to-provider figures.")
        {
            conversations,
            concurrency,
            warmup,
            flows,
            rate,
            postgres,
            nodes,
            flowctl,
        };
        root.Validators.Add(result =>
        {
            int count;
            try
            {
                count = result.GetValue(nodes);
            }
            catch (InvalidOperationException)
            {
                return; // a --nodes that did not parse is reported by its own parser
            }
            if (count > 1 && string.IsNullOrWhiteSpace(result.GetValue(postgres)))
                result.AddError("--nodes above 1 needs --postgres: nodes share one database, and a SQLite file is one node's");
        });
        root.SetAction((parse, token) => run(
            new LoadTestOptions(parse.GetRequiredValue(conversations), parse.GetRequiredValue(concurrency), parse.GetRequiredValue(warmup), parse.GetRequiredValue(flows)) { Rate = parse.GetRequiredValue(rate), Postgres = parse.GetValue(postgres), Nodes = parse.GetRequiredValue(nodes), Flowctl = parse.GetValue(flowctl) },
            token));

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
                await stderr.WriteLineAsync($"load test: {error.Message}");
            await stderr.WriteLineAsync("(--help lists the options)");
            return Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
    }

    private static Option<int> Count(string name, int defaultValue, int min, int max, string description)
    {
        var option = new Option<int>(name) { Description = $"{description} {min} to {max}.", HelpName = "N", DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result =>
        {
            var text = result.Tokens[^1].Value;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                result.AddError($"{name} must be a whole number from {min} to {max}, not '{text}'");
            return value;
        };
        return option;
    }
}
