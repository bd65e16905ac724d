using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.Rules;
using FlowAutomation.Runtime;
using FlowAutomation.State;
using FlowAutomation.Testing;

namespace FlowAutomation.Scenarios;

/// <summary>How to run a scenario: where its flows are (overriding the scenario's own <c>flows:</c>), what to explain, on which rule engine.</summary>
public sealed record ScenarioRunOptions
{
    public string? FlowsOverride { get; init; }

    /// <summary>Rule records carry conditions with expected and actual values (the dry run's trace).</summary>
    public bool ExplainConditions { get; init; } = true;

    public ImmutableHashSet<string> ExplainFlows { get; init; } = [];

    public bool ExplainAll { get; init; }

    /// <summary>
    /// The run's <see cref="ScenarioRun.Trace"/> holds every record (the dry run's transcript). When false (<c>flowctl
    /// test</c>, which reads only the outcome) the engine builds no records but the refused replies': the trace holds
    /// the blocked actions and the summary, the fired flows are read from the conversation's state; the outcome and
    /// the verdicts are the same.
    /// </summary>
    public bool KeepTrace { get; init; } = true;

    /// <summary>
    /// With <see cref="KeepTrace"/>: every record is written to this writer as a JSON line as the run produces it (the
    /// dry run's <c>--format json</c>, <see cref="ScenarioTranscript.WriteJsonLines(ScenarioRun, TextWriter)"/>'s bytes)
    /// instead of being kept; the run's <see cref="ScenarioRun.Trace"/> then holds only what the outcome is counted from
    /// (the blocked actions and the summary, the fired flows read from the conversation's state, as without
    /// <see cref="KeepTrace"/>); the outcome and the verdicts are the same. The lines are formatted and written on a
    /// second thread while the run goes on, in order; the last are written before the run returns or throws.
    /// </summary>
    public TextWriter? JsonLinesOutput { get; init; }

    /// <summary>
    /// As <see cref="JsonLinesOutput"/>, the same lines as UTF-8 bytes written to this stream as they are (<c>flowctl
    /// dry-run --format json</c> on standard output, without a writer decoding and encoding them again); the bytes are
    /// those <see cref="JsonLinesOutput"/>'s writer would receive as characters. The last lines are written before the
    /// run returns or throws; flushing and closing the stream are the caller's. Used when <see cref="JsonLinesOutput"/> is
    /// not set.
    /// </summary>
    public Stream? JsonLinesUtf8Output { get; init; }

    /// <summary>
    /// With <see cref="KeepTrace"/> and neither JSON output: the text transcript's head
    /// (<see cref="ScenarioTranscript.Head"/>) and timeline are written to this writer as the run produces the records
    /// (the dry run's text output, <see cref="ScenarioTranscript.WriteText"/>'s characters) instead of being kept, as
    /// <see cref="JsonLinesOutput"/> does for JSON; the caller writes the verdicts after the run
    /// (<see cref="ScenarioTranscript.WriteVerdicts"/>). The last of the timeline is written before the run returns or
    /// throws; flushing and closing the writer are the caller's.
    /// </summary>
    public TextWriter? TextOutput { get; init; }

    /// <summary>The rule engine the flows run on (<c>--engine</c>); transcripts are the same on both.</summary>
    public RuleEngineKind RuleEngine { get; init; } = RuleEngineKind.Network;
}

/// <summary>A scenario's run: the trace, the outcome, each expectation's verdict, and the unmet ones (empty when it passes).</summary>
public sealed record ScenarioRun(Scenario Scenario, ImmutableArray<FlowAutomation.Model.FlowDefinition> Flows, IReadOnlyList<TraceRecord> Trace, ScenarioOutcome Outcome, ImmutableArray<ExpectationVerdict> Verdicts)
{
    /// <summary>The unmet expectations, each as a sentence, in the order they are written.</summary>
    public ImmutableArray<string> Failures { get; } = [.. Verdicts.Where(v => !v.Passed).Select(v => v.Failure!)];

    public bool Passed => Failures.IsEmpty;
}

/// <summary>The result of loading and running a scenario file: a run, or the diagnostics that stopped it.</summary>
public sealed record ScenarioResult(string Path, ScenarioRun? Run, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public bool Passed => !HasErrors && Run is { Passed: true };
}

/// <summary>
/// Runs scenario files on a virtual clock through the very engine the live service uses: only the clock (manual),
/// the scheduler (virtual), the store (memory) and the outbox (a record) differ.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>
    /// Loads a scenario file, compiles its flows and runs it. Every mistake is reported in one run, as for flows: those
    /// of the scenario file, of its policy overrides, of its flows, and the expectations naming flows that do not exist;
    /// the scenario runs only when there are none.
    /// </summary>
    public static async Task<ScenarioResult> RunFileAsync(string path, ScenarioRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ScenarioRunOptions();
        var diagnostics = new DiagnosticBag();
        if (ScenarioLoader.ReadFile(path, diagnostics) is not { } document)
        {
            return new ScenarioResult(path, null, diagnostics.ToSortedList());
        }

        var policy = LoadPolicy(document, diagnostics);
        var flows = ImmutableArray<FlowAutomation.Model.FlowDefinition>.Empty;
        if ((options.FlowsOverride ?? document.FlowsFullPath) is not { } flowsPath)
        {
            diagnostics.Report(DiagnosticCodes.MissingKey, document.Span, "the scenario (or the command line, with --flows)", "flows");
        }
        else
        {
            var compilation = new FlowCompiler(policy).CompilePaths([flowsPath]);
            diagnostics.AddRange(compilation.Diagnostics.Where(d => d.IsError));
            if (compilation.HasErrors)
            {
                diagnostics.Report(DiagnosticCodes.ScenarioFlowsFailed, options.FlowsOverride is null ? document.FlowsSpan : document.Span, compilation.Diagnostics.Count(d => d.IsError));
            }

            // A flow left out for its own errors still exists: naming it is not a second mistake.
            CheckFlowReferences(document.Expect, compilation.DeclaredIds, diagnostics);
            flows = compilation.Flows;
        }

        if (diagnostics.HasErrors || document.Scenario is not { } scenario)
        {
            return new ScenarioResult(path, null, diagnostics.ToSortedList());
        }

        var run = await RunAsync(scenario, flows, policy, options, cancellationToken).ConfigureAwait(false);
        return new ScenarioResult(path, run, diagnostics.ToSortedList());
    }

    /// <summary>
    /// Loads a scenario from text and runs it against flows already compiled (the live service's running set): the
    /// scenario's own <c>flows:</c> is ignored, its <c>policy:</c> overrides apply on top of <paramref name="basePolicy"/>.
    /// </summary>
    public static async Task<ScenarioResult> RunTextAsync(string path, string text, ImmutableArray<FlowAutomation.Model.FlowDefinition> flows, PolicyProfile basePolicy, ScenarioRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var diagnostics = new DiagnosticBag();
        if (ScenarioLoader.ReadText(path, text, diagnostics) is not { } document)
        {
            return new ScenarioResult(path, null, diagnostics.ToSortedList());
        }

        return await RunLoadedAsync(document, flows, basePolicy, options, diagnostics, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="RunTextAsync"/>, for a scenario already read (its reader's diagnostics in <paramref name="diagnostics"/>).</summary>
    public static async Task<ScenarioResult> RunLoadedAsync(ScenarioDocument document, ImmutableArray<FlowAutomation.Model.FlowDefinition> flows, PolicyProfile basePolicy, ScenarioRunOptions? options = null, DiagnosticBag? diagnostics = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var path = document.Path;
        diagnostics ??= new DiagnosticBag();
        var policy = LoadPolicy(document, diagnostics, basePolicy);
        CheckFlowReferences(document.Expect, [.. flows.Select(f => f.Id)], diagnostics);
        if (diagnostics.HasErrors || document.Scenario is not { } scenario)
        {
            return new ScenarioResult(path, null, diagnostics.ToSortedList());
        }

        var run = await RunAsync(scenario, flows, policy, options ?? new ScenarioRunOptions(), cancellationToken).ConfigureAwait(false);
        return new ScenarioResult(path, run, diagnostics.ToSortedList());
    }

    /// <summary>Runs a loaded scenario against compiled flows.</summary>
    public static async Task<ScenarioRun> RunAsync(Scenario scenario, ImmutableArray<FlowAutomation.Model.FlowDefinition> flows, PolicyProfile policy, ScenarioRunOptions options, CancellationToken cancellationToken = default)
    {
        // The JSON Lines are formatted and written on a second thread while the run goes on (the records are immutable).
        // The text is formatted on the run's thread, a piece of the writer's at a time.
        ITraceSink? streamed = options switch
        {
            { KeepTrace: true, JsonLinesOutput: { } output } => new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(output)),
            { KeepTrace: true, JsonLinesUtf8Output: { } bytes } => new TranscriptJson.PipelinedSink(new TranscriptJson.JsonLinesSink(bytes)),
            { KeepTrace: true, TextOutput: { } text } => new TranscriptWriter.TextSink(text, scenario.Start, ScenarioTranscript.Head(scenario, flows.Length)),
            _ => null,
        };
        using var disposal = (IDisposable?)streamed;
        var log = streamed is not null ? new TraceLog(IsOutcomeRecord, streamed)
            : options.KeepTrace ? new TraceLog()
            : new TraceLog(IsOutcomeRecord, keepsRecords: false);
        var contact = scenario.Contact;
        var rig = new FlowTestHarness(flows, scenario.Start, new EngineOptions
        {
            Policy = policy,
            Teams = scenario.Teams,
            ExplainConditions = options.ExplainConditions,
            ExplainFlows = options.ExplainFlows,
            ExplainAll = options.ExplainAll,
            RuleEngine = options.RuleEngine,
            TraceRefusals = !options.KeepTrace,
        }, contact.Id, contact.Name, contact.Country, contact.Language, log);
        var (clock, scheduler, store, outbox, trace) = (rig.Clock, rig.Scheduler, rig.Store, rig.Outbox, rig.Trace);

        var seed = ConversationState.New(rig.ConversationId, contact.Id).WithContact(contact.Id, contact.Name, contact.Country, contact.Language);
        seed = contact.Tags.Aggregate(seed, (s, t) => s.WithTag(t));
        seed = contact.Fields.Aggregate(seed, (s, f) => s.WithField(f.Key, f.Value));
        await store.TrySaveAsync(seed, cancellationToken).ConfigureAwait(false);

        foreach (var step in scenario.Events)
        {
            // Follow-ups due before the event run first, each at its own time; then the clock stands at the event.
            await scheduler.RunDueAsync(step.At, rig.Engine, cancellationToken).ConfigureAwait(false);
            if (step.Event is { } e)
            {
                await rig.Handle(e).ConfigureAwait(false);
            }
            else if (step.Agent is { } agent)
            {
                await rig.AgentSendsAsync(agent.Text).ConfigureAwait(false);
            }
            else
            {
                trace.Write(new EventTrace(step.At, "advance", "the clock moves on", 0));
            }
        }

        var outcome = Outcome(outbox, trace, await store.FindAsync(rig.ConversationId, cancellationToken).ConfigureAwait(false) ?? seed, firedFromState: !options.KeepTrace || streamed is not null);
        var pending = await scheduler.PendingAsync(rig.ConversationId, cancellationToken).ConfigureAwait(false);
        trace.Write(new SummaryTrace(clock.GetUtcNow(), scenario.Events.Length, [.. outcome.Fired.Order(StringComparer.Ordinal)], outcome.Sent.Length, outcome.Blocked.Length, pending.Count));
        return new ScenarioRun(scenario, flows, trace.Records, outcome, ScenarioExpectationChecker.Verdicts(scenario.Expect, outcome));
    }

    /// <summary>The records <see cref="Outcome"/> reads without the fired flows' records (and the summary): all a run that does not keep its trace keeps.</summary>
    private static bool IsOutcomeRecord(TraceRecord record) =>
        record is ActionTrace { Status: ActionStatus.Blocked } or SummaryTrace;

    /// <summary>
    /// The outcome: the messages from the outbox, the blocked ones from their records, the fired flows from their rule
    /// records or, in a run that builds none (<paramref name="firedFromState"/>), from the flows the conversation's state
    /// records as fired (every firing is recorded there, and a scenario starts with none).
    /// </summary>
    private static ScenarioOutcome Outcome(RecordingOutbox outbox, TraceLog trace, ConversationState state, bool firedFromState)
    {
        var sent = outbox.Messages.Select(m => new SentMessage(m.DecidedAt, m.FlowId, (m.Content as TextContent)?.Text, (m.Content as ImageContent)?.Url, (m.Content as SharePostContent)?.PostId));
        var records = trace.Records;
        var blocked = records.OfType<ActionTrace>().Where(a => a.Status == ActionStatus.Blocked).Select(a => new BlockedMessage(a.At, a.Flow, a.Reason ?? string.Empty, a.Detail));
        var fired = firedFromState ? state.FlowsFired.Keys : records.OfType<RuleTrace>().Where(r => r.Fired).Select(r => r.Flow);
        return new ScenarioOutcome([.. sent], [.. blocked], [.. fired], state.Tags, state.Assignee, state.Team);
    }

    private static PolicyProfile LoadPolicy(ScenarioDocument document, DiagnosticBag diagnostics, PolicyProfile? basePolicy = null)
    {
        var profileSetting = document.Policy.FirstOrDefault(p => p.Key == "profile");
        var overrides = document.Policy.Where(p => p.Key != "profile").Select(p => new KeyValuePair<string, string?>(p.Key, p.Value));
        var result = basePolicy is not null && profileSetting is null
            ? PolicyOverrides.Apply(basePolicy, overrides)
            : PolicyProfiles.Load(profileSetting?.Value, overrides);
        foreach (var error in result.Errors)
        {
            var at = document.Policy.FirstOrDefault(p => p.Key == error.Key)?.Span ?? document.Span;
            diagnostics.Report(DiagnosticCodes.InvalidPolicyOverride, at, error.ToString());
        }

        return result.Profile;
    }

    private static void CheckFlowReferences(ScenarioExpectations expect, ImmutableArray<string> ids, DiagnosticBag diagnostics)
    {
        var references = expect.Fired.Concat(expect.NotFired)
            .Concat(expect.Blocked.Where(b => b.Flow is not null).Select(b => new FlowReference(b.Flow!, b.Span)));
        foreach (var reference in references.Where(r => !ids.Contains(r.Id)))
        {
            diagnostics.Report(DiagnosticCodes.UnknownFlowInExpectation, reference.Span, reference.Id, Spelling.DidYouMean(reference.Id, ids));
        }
    }
}
