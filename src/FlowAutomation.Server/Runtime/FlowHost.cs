using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.Server.Common;
using Microsoft.Extensions.Options;

namespace FlowAutomation.Server.Runtime;

/// <summary>The flows the service runs, compiled, with the engine built on them and what the compiler said.</summary>
internal sealed record FlowSet(FlowEngine Engine, FlowCompilation Compilation, DateTimeOffset LoadedAt)
{
    public IReadOnlyList<Diagnostic> Diagnostics => Compilation.Diagnostics;
}

/// <summary>The last reload that was refused: its diagnostics, while the running set stays.</summary>
internal sealed record RefusedReload(IReadOnlyList<Diagnostic> Diagnostics, DateTimeOffset At);

/// <summary>
/// Holds the running flow set and swaps it atomically. The engine is immutable per flow set (state lives in the
/// store), so a reload compiles the folder and, when it compiles without errors, builds a new engine and swaps
/// the reference; events already running finish on the engine they started on. A reload with errors keeps the
/// running set and logs the diagnostics. The first load refuses to start the service on errors.
/// Also the follow-up handler Hangfire runs: follow-ups fire on the current engine.
/// </summary>
internal sealed class FlowHost(IEngineStore store, TimeProvider time, IOptions<FlowOptions> options, IOptions<RulesOptions> rules, IImageInspector images, ILogger<FlowHost> logger)
    : IFollowUpHandler
{
    private readonly Lock _reloadGate = new();
    private FlowSet? _current;

    public string Directory => Path.GetFullPath(options.Value.Directory);

    public EngineOptions EngineOptions { get; } = options.Value.ToEngineOptions() with { Images = images, RuleEngine = rules.Value.Kind };

    public FlowSet Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("the flows are not loaded yet");

    public FlowEngine Engine => Current.Engine;

    public RefusedReload? LastRefused { get; private set; }

    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    /// <summary>Compiles the flow folder without loading it.</summary>
    public FlowCompilation Compile() => new FlowCompiler(EngineOptions.Policy).CompilePaths([Directory]);

    /// <summary>Loads the flows; throws <see cref="FlowCompilationException"/> (with the diagnostics) when they have errors.</summary>
    public FlowSet Load()
    {
        var compilation = Compile();
        if (compilation.HasErrors)
            throw new FlowCompilationException(compilation.Diagnostics);
        return Swap(compilation);
    }

    /// <summary>Reloads the flows; true when the new set runs, false when it had errors and the running set stays.</summary>
    public bool Reload()
    {
        lock (_reloadGate)
        {
            var compilation = Compile();
            if (compilation.HasErrors)
            {
                LastRefused = new RefusedReload(compilation.Diagnostics, time.GetUtcNow());
                logger.FlowsReloadRefused(Directory, _current?.Compilation.Flows.Length ?? 0, Lines(compilation.Diagnostics));
                return false;
            }
            Swap(compilation);
            LastRefused = null;
            return true;
        }
    }

    public ValueTask FireAsync(FollowUpJob job, CancellationToken cancellationToken) => Engine.FireAsync(job, cancellationToken);

    private FlowSet Swap(FlowCompilation compilation)
    {
        var engine = new FlowEngine(compilation.Flows, store, time, EngineOptions);
        var set = new FlowSet(engine, compilation, time.GetUtcNow());
        Volatile.Write(ref _current, set);
        logger.FlowsLoaded(Directory, compilation.Flows.Length, compilation.Diagnostics.Count);
        if (compilation.Diagnostics.Count > 0)
            logger.FlowWarnings(Lines(compilation.Diagnostics));
        return set;
    }

    public static string Lines(IEnumerable<Diagnostic> diagnostics) =>
        string.Concat(diagnostics.Select(d => Environment.NewLine + "  " + d));
}
