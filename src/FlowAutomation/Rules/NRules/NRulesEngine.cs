using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using FlowAutomation.Model;
using NRules;
using NRules.Diagnostics;
using NRules.Extensibility;
using NRules.RuleModel;

namespace FlowAutomation.Rules.NRules;

/// <summary>How the NRules engine uses its sessions between events (see docs/nrules.md, "Session lifetime").</summary>
internal enum SessionLifetime
{
    /// <summary>A new session for every event, dropped afterwards.</summary>
    FreshPerEvent,

    /// <summary>One session reused: insert, fire, retract the event.</summary>
    RetractEachEvent,

    /// <summary>One session reused without retracting; replaced by a new one after <see cref="NRulesEngineOptions.RecycleAfter"/> events.</summary>
    Recycle,
}

/// <summary>Settings of the NRules engine beyond the flow set's.</summary>
internal sealed record NRulesEngineOptions
{
    public static NRulesEngineOptions Default { get; } = new();

    public SessionLifetime Lifetime { get; init; } = SessionLifetime.Recycle;

    /// <summary>With <see cref="SessionLifetime.Recycle"/>: how many events a session takes before it is replaced.</summary>
    public int RecycleAfter { get; init; } = 256;

    /// <summary>Whether the rules' actions are interpreted instead of compiled to IL (see <see cref="ActionsInterpreted"/>).</summary>
    public bool InterpretActions { get; init; } = true;
}

/// <summary>
/// NRules' expression compiler, except that rule actions (<c>Action&lt;IContext, …&gt;</c>) are interpreted: compiling
/// each flow's action to IL was half of the compile time (<c>perf</c>: the JIT), and an action runs only for a flow that
/// fires, where the interpreter's cost is small beside the rest of an activation. Conditions are compiled as usual.
/// </summary>
internal sealed class ActionsInterpreted : IExpressionCompiler
{
    public TDelegate Compile<TDelegate>(System.Linq.Expressions.Expression<TDelegate> expression)
        where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(expression);
        var type = typeof(TDelegate);
        var isAction = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Action<,>) && type.GetGenericArguments()[0] == typeof(IContext);
        return expression.Compile(preferInterpretation: isAction);
    }
}

/// <summary>
/// The flows compiled into NRules rules (<see cref="FlowRuleSet"/>) behind the <see cref="IRuleEngine"/> seam: each
/// evaluation inserts a <see cref="FlowEventFact"/> into a pooled session, fires it and reads the activations. The
/// explanation asks NRules which flows' rules the event activates (a probe session, never fired) and evaluates the
/// condition nodes with the same predicates the rules' conditions call; <see cref="ExplanationBuilder"/> does the rest,
/// as for the rule network.
/// </summary>
internal sealed class NRulesEngine : IRuleEngine
{
    private readonly ConcurrentBag<Lease> sessions = [];
    private readonly ConcurrentBag<Probe> probes = [];
    private readonly NRulesEngineOptions engineOptions;

    private NRulesEngine(FlowRuleSet ruleSet, ISessionFactory factory, NRulesEngineOptions engineOptions)
    {
        RuleSet = ruleSet;
        Factory = factory;
        this.engineOptions = engineOptions;
    }

    public RuleEngineKind Kind => RuleEngineKind.NRules;

    public ImmutableArray<FlowDefinition> Flows => RuleSet.Flows;

    public FlowRuleSet RuleSet { get; }

    public ISessionFactory Factory { get; }

    /// <summary>Compiles the flows into NRules rules that chain tags exactly as the rule network does.</summary>
    public static NRulesEngine Build(IEnumerable<FlowDefinition> flows, RuleNetworkOptions? options = null, NRulesEngineOptions? engineOptions = null)
    {
        var ruleSet = FlowRuleSet.Build(flows, new FlowRuleSetOptions
        {
            MaxChainDepth = (options ?? RuleNetworkOptions.Default).MaxChainDepth,
            TagChaining = TagChaining.WhenFlowsListen,
        });
        engineOptions ??= NRulesEngineOptions.Default;
        var compiler = new RuleCompiler();
        if (engineOptions.InterpretActions)
        {
            compiler.ExpressionCompiler = new ActionsInterpreted();
        }

        return new NRulesEngine(ruleSet, compiler.Compile(ruleSet.Rules), engineOptions);
    }

    public RuleEvaluationResult Evaluate(FactSnapshot facts, IFiringHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var lease = sessions.TryTake(out var pooled) ? pooled : new Lease(Factory.CreateSession());
        var e = RuleSet.CreateEvent(facts, history);
        try
        {
            lease.Session.Insert(e);
            lease.Session.Fire();
            e.Evaluation.ForgetHistory();
        }
        catch (RuleRhsExpressionEvaluationException failure) when (failure.InnerException is { } inner)
        {
            // The session may hold half an evaluation: it is dropped. The caller sees what the history threw, as with the network.
            ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }

        switch (engineOptions.Lifetime)
        {
            case SessionLifetime.RetractEachEvent:
                lease.Session.Retract(e);
                sessions.Add(lease);
                break;
            case SessionLifetime.Recycle when ++lease.Events < engineOptions.RecycleAfter:
                sessions.Add(lease);
                break;
        }

        return e.Result;
    }

    public RuleExplanation Explain(FactSnapshot facts, IFiringHistory? history = null) =>
        Explain(facts, RuleSet.Entries, history);

    public RuleExplanation Explain(FactSnapshot facts, IEnumerable<string> flowIds, IFiringHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var chosen = flowIds.Select(id => RuleSet.ById.TryGetValue(id, out var e) ? e : throw new KeyNotFoundException($"no flow '{id}' in the flow set"));
        return Explain(facts, [.. chosen.Distinct()], history);
    }

    private RuleExplanation Explain(FactSnapshot facts, IReadOnlyList<FlowEntry> chosen, IFiringHistory? history)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var probe = probes.TryTake(out var pooled) ? pooled : new Probe(Factory.CreateSession());
        var activated = probe.Activated(RuleSet, facts);
        probes.Add(probe);
        var view = new EventView(facts);
        var graph = RuleSet.Agenda.Graph;
        return ExplanationBuilder.Explain(facts, history, RuleSet.Entries, chosen, e => activated.Contains(e.Rank), node => view.Holds(graph, node));
    }

    /// <summary>A pooled session and how many events it has taken.</summary>
    private sealed class Lease(ISession session)
    {
        public ISession Session { get; } = session;

        public int Events { get; set; }
    }

    /// <summary>
    /// A session that is never fired: an event is inserted, the flows whose rules NRules activates for it are noted, and
    /// the event is retracted again (which takes its activations off the agenda).
    /// </summary>
    private sealed class Probe
    {
        private readonly ISession session;
        private readonly List<string> created = [];

        public Probe(ISession session)
        {
            this.session = session;
            session.Events.ActivationCreatedEvent += OnCreated;
        }

        public HashSet<int> Activated(FlowRuleSet ruleSet, FactSnapshot facts)
        {
            var e = ruleSet.CreateEvent(facts);
            created.Clear();
            session.Insert(e);
            session.Retract(e);
            return [.. created.Where(ruleSet.ByRuleName.ContainsKey).Select(name => ruleSet.ByRuleName[name].Rank)];
        }

        private void OnCreated(object? sender, AgendaEventArgs args) => created.Add(args.Rule.Name);
    }
}
