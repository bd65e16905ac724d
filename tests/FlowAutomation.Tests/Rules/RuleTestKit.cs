using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Rules;

namespace FlowAutomation.Tests.Rules;

/// <summary>Flows from YAML, facts with sensible defaults, and the ids of the flows that fire.</summary>
internal static class RuleTestKit
{
    /// <summary>Monday 2 March 2026, 10:00 UTC.</summary>
    public static readonly DateTimeOffset Monday10Utc = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public static ImmutableArray<FlowDefinition> Flows(string yaml)
    {
        var compilation = new FlowCompiler().CompileTexts(("flows/test.yaml", yaml));
        Assert.False(compilation.HasErrors, string.Join(Environment.NewLine, compilation.Diagnostics));
        return compilation.Flows;
    }

    public static RuleNetwork Network(string yaml, RuleNetworkOptions? options = null) => RuleNetwork.Build(Flows(yaml), options);

    /// <summary>A flow on message.received with the given <c>when</c> (indented below it) and a harmless action.</summary>
    public static string FlowWhen(string id, string when, string on = "message.received") => $"""
        flow: {id}
        on: {on}
        when:
        {Indent(when)}
        then:
          - close: true

        """;

    public static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));

    public static ContactFacts Contact(string country = "SG", params string[] tags) =>
        new("u-1", "Ann Lee", country, "en", ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, tags),
            ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase).Add("plan", "Gold"));

    public static ConversationFacts Conversation { get; } = new("c-1", true, 3, null, "sales", 5, TimeSpan.FromHours(3));

    public static FactSnapshot Message(string? text, ContactFacts? contact = null, DateTimeOffset? at = null) =>
        new(FlowEvent.MessageReceived(at ?? Monday10Utc, new InboundMessage(text is null ? MessageType.Image : MessageType.Text, text)), contact ?? Contact(), Conversation);

    public static FactSnapshot Tagged(string tag, ContactFacts? contact = null) =>
        new(FlowEvent.ContactTagged(Monday10Utc, tag), contact ?? Contact(), Conversation);

    public static List<string> Fired(RuleNetwork network, FactSnapshot facts, IFiringHistory? history = null)
    {
        var session = network.CreateSession();
        var result = session.Evaluate(facts, history);
        var ids = new List<string>();
        foreach (var activation in result)
        {
            ids.Add(activation.Flow.Id);
        }

        return ids;
    }

    public static List<string> NaiveFired(IReadOnlyList<FlowDefinition> flows, FactSnapshot facts, Func<string, OncePer, bool>? hasFired = null) =>
        [.. NaiveEvaluator.Evaluate(flows, facts, hasFired ?? ((_, _) => false)).Firings.Select(f => f.FlowId)];
}
