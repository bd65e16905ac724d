using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Rules;

namespace FlowAutomation.Benchmarks.Rules;

/// <summary>
/// Numbers in text fields: N lead flows "lead.fields.budget: { gte: low, lt: high } + contact.country equals one of 10
/// codes" (budget bands), evaluated for lead events whose budget answers are written every way people write them
/// ("1500", "$2,000", "€ 1 200", "about two grand"). The budget tests have no anchor: the flows are found by their
/// country, and the budget is read once per event (its number slot) for the candidates' tests. Mean is the time per
/// event, Allocated the bytes per event.
/// Run: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*NumbersInTextBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class NumbersInTextBenchmarks
{
    private const int EventCount = 1024;

    private static readonly string[] Answers = ["1500", "$2,000", "€ 1 200", "SGD 3,500.50", "750", "12,000", "about two grand", "1 200 000", "RM1,500", ""];

    private FactSnapshot[] events = [];
    private RuleSession session = null!;

    [Params(10, 100, 1_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260302);
        var yaml = new StringBuilder();
        for (var i = 0; i < Flows; i++)
        {
            var low = random.Next(0, 50) * 100;
            yaml.Append(CultureInfo.InvariantCulture, $"flow: band-{i}\non: lead.submitted\nwhen:\n  lead.fields.budget: {{ gte: {low}, lt: {low + 1000} }}\n")
                .Append(CultureInfo.InvariantCulture, $"  contact.country: {KeywordFlowSet.Countries[random.Next(KeywordFlowSet.Countries.Length)]}\nthen:\n  - tag: band-{i}\n---\n");
        }

        var compilation = new FlowCompiler().CompileTexts(("flows/bands.yaml", yaml.ToString()));
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, compilation.Diagnostics));
        }

        session = RuleNetwork.Build(compilation.Flows).CreateSession();
        events = [.. Enumerable.Range(0, EventCount).Select(_ => Lead(Answers[random.Next(Answers.Length)], KeywordFlowSet.Countries[random.Next(KeywordFlowSet.Countries.Length)]))];
    }

    private static FactSnapshot Lead(string budget, string country) => new(
        FlowEvent.LeadSubmitted(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), new LeadSubmission("f", "Form", null, null, ImmutableDictionary<string, string>.Empty.Add("budget", budget))),
        ContactFacts.Create("u-1", "Ann", country),
        new ConversationFacts("c-1", true, 1, null, null, 10, TimeSpan.FromHours(48)));

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Network()
    {
        var fired = 0;
        foreach (var e in events)
        {
            fired += session.Evaluate(e).Count;
        }

        return fired;
    }
}
