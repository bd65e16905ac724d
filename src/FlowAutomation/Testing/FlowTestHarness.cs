using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Policy;
using FlowAutomation.Runtime;
using FlowAutomation.Scheduling;
using FlowAutomation.State;

namespace FlowAutomation.Testing;

/// <summary>
/// Tests flows from C#: given a flow set, drive a conversation on a virtual clock and assert on what was sent,
/// refused and fired. The same engine, guard and rule engine as production (the network, or NRules with
/// <see cref="EngineOptions.RuleEngine"/>); only the clock, the scheduler, the store and the outbox are in memory.
/// <code>
/// var h = FlowTestHarness.FromYaml(yaml);
/// await h.ReceiveAsync("How much is it?");
/// await h.AdvanceAsync(TimeSpan.FromHours(25));
/// Assert.Equal(["Here is the price list."], h.SentTexts);
/// </code>
/// </summary>
public sealed class FlowTestHarness
{
    private FlowTestHarness(FlowCompilation compilation, DateTimeOffset start, EngineOptions options, string contactId, string? name, string? country)
        : this(compilation.HasErrors ? throw new FlowCompilationException(compilation.Diagnostics) : compilation.Flows, start, options, contactId, name, country, null, new TraceLog())
    {
    }

    /// <summary>The rig every dry run uses (the scenario runner too): flows already compiled, a contact, a start, where the trace goes.</summary>
    internal FlowTestHarness(ImmutableArray<FlowDefinition> flows, DateTimeOffset start, EngineOptions options, string contactId, string? name, string? country, string? language, TraceLog trace)
    {
        Trace = trace;
        Clock = new ManualTimeProvider(start);
        Scheduler = new VirtualFollowUpScheduler(Clock);
        Engine = new FlowEngine(flows, new EngineStore(Store, Outbox, Scheduler, Trace), Clock, options);
        ContactId = contactId;
        ContactName = name;
        ContactCountry = country;
        ContactLanguage = language;
    }

    /// <summary>The default start: Monday 2 March 2026, 10:00 in Singapore.</summary>
    public static DateTimeOffset DefaultStart { get; } = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    public static FlowTestHarness FromYaml(string yaml, DateTimeOffset? start = null, EngineOptions? options = null, string contactId = "u-1", string? name = "Ann Lee", string? country = "SG")
    {
        options ??= new EngineOptions();
        return new(new FlowCompiler(options.Policy).CompileTexts(("flows/test.yaml", yaml)), start ?? DefaultStart, options, contactId, name, country);
    }

    public static FlowTestHarness FromPaths(IEnumerable<string> paths, DateTimeOffset? start = null, EngineOptions? options = null, string contactId = "u-1", string? name = "Ann Lee", string? country = "SG")
    {
        options ??= new EngineOptions();
        return new(new FlowCompiler(options.Policy).CompilePaths(paths), start ?? DefaultStart, options, contactId, name, country);
    }

    public ManualTimeProvider Clock { get; }

    public VirtualFollowUpScheduler Scheduler { get; }

    public InMemoryConversationStore Store { get; } = new();

    public RecordingOutbox Outbox { get; } = new();

    public TraceLog Trace { get; }

    public FlowEngine Engine { get; }

    public string ContactId { get; }

    public string? ContactName { get; }

    public string? ContactCountry { get; }

    public string? ContactLanguage { get; }

    public string ConversationId => "conv-" + ContactId;

    public PolicyProfile Policy => Engine.Options.Policy;

    /// <summary>The texts sent to the customer, in order.</summary>
    public IReadOnlyList<string> SentTexts => [.. Outbox.Messages.Select(m => m.Content switch
    {
        TextContent text => text.Text,
        ImageContent image => image.Url,
        SharePostContent post => post.PostId,
        _ => m.Content.ToString(),
    })];

    /// <summary>The guard's refusals, as (flow, reason code).</summary>
    public IReadOnlyList<(string Flow, string Reason)> Blocked =>
        [.. Trace.Records.OfType<ActionTrace>().Where(a => a.Status == ActionStatus.Blocked).Select(a => (a.Flow, a.Reason ?? string.Empty))];

    /// <summary>Every flow that fired, in order (a flow appears once per event it fired for).</summary>
    public IReadOnlyList<string> Fired => [.. Trace.Records.OfType<RuleTrace>().Where(r => r.Fired).Select(r => r.Flow)];

    public async Task<ConversationState> StateAsync() =>
        await Store.FindAsync(ConversationId) ?? ConversationState.New(ConversationId, ContactId);

    public Task<EventOutcome> ReceiveAsync(string text) => HandleAsync(FlowEvent.TextReceived(Clock.GetUtcNow(), text));

    public Task<EventOutcome> SubmitLeadAsync(string? formName, params (string Name, string Value)[] fields) =>
        HandleAsync(FlowEvent.LeadSubmitted(Clock.GetUtcNow(), new LeadSubmission(formName, formName, null, null, fields.ToImmutableDictionary(f => f.Name, f => f.Value, StringComparer.OrdinalIgnoreCase))));

    public Task<EventOutcome> ReferralAsync(ReferralSource source, string? adId = null, string? reference = null) =>
        HandleAsync(FlowEvent.ReferralReceived(Clock.GetUtcNow(), new Referral(source, adId, reference)));

    /// <summary>A person sends a message from TikTok's app now: it uses the window's quota; nothing is sent and no flow runs.</summary>
    public async Task AgentSendsAsync(string? text = null) =>
        await Engine.RecordAgentMessageAsync(new AgentMessage(ConversationId, Clock.GetUtcNow(), ContactId, text));

    public Task<EventOutcome> HandleAsync(FlowEvent e) => Handle(e).AsTask();

    /// <summary>As <see cref="HandleAsync"/>, without a task per event when the engine finishes at once (the scenario runner's loop).</summary>
    internal ValueTask<EventOutcome> Handle(FlowEvent e) =>
        Engine.HandleAsync(new InboundEvent(ConversationId, ContactId, e, ContactName, ContactCountry, ContactLanguage));

    /// <summary>Moves the virtual clock forward, running every follow-up that falls due on the way, at its own time.</summary>
    public async Task AdvanceAsync(TimeSpan by) => await Scheduler.RunDueAsync(Clock.GetUtcNow() + by, Engine, default);
}
