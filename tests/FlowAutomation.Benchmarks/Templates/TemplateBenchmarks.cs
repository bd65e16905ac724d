using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Templates;
using Scriban;

namespace FlowAutomation.Benchmarks.Templates;

/// <summary>
/// Renders per second and bytes per render of reply templates through <see cref="TemplateRenderer"/> (one reused
/// Scriban context per thread, facts pushed and popped, every limit on), from the facts each time as the engine
/// renders, against a new <see cref="TemplateContext"/> per render.
/// Run: dotnet run -c Release --project tests/FlowAutomation.Benchmarks -- --filter '*TemplateBenchmarks*' --inProcess
/// </summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private readonly TemplateRenderer _renderer = new(new TemplateLimits());
    private MessageTemplate _greeting = null!;
    private MessageTemplate _rich = null!;
    private FactSnapshot _facts = null!;

    [GlobalSetup]
    public void Setup()
    {
        const string Flow = """
            flow: bench
            on: lead.submitted
            then:
              - reply: { text: "Hi {{ contact.name ?? 'there' }}! Here is our price list. A sales advisor will follow up shortly." }
              - reply:
                  text: |-
                    Hi {{ contact.name ?? "there" | string.capitalize }}!
                    {{ if lead.fields.budget }}Your budget: {{ lead.fields.budget | string.to_double | math.format "N0" }} SGD.{{ else }}Tell us your budget.{{ end }}
                    You like: {{ for tag in contact.tags }}{{ tag }}{{ if !for.last }}, {{ end }}{{ end }}.
                    We'll write to {{ lead.fields.email ?? "you" | string.downcase }} before {{ lead.fields.visit_date | date.parse | date.to_string "%A %d %B" }}.
            """;
        var compiled = new FlowCompiler().CompileTexts(("bench.yaml", Flow));
        var replies = compiled.Flows.Single().Then.OfType<ReplyAction>().ToList();
        (_greeting, _rich) = (replies[0].Text!, replies[1].Text!);
        _facts = new FactSnapshot(
            FlowEvent.LeadSubmitted(Now, new LeadSubmission("f-1", "Spring Sale", null, null, ImmutableDictionary<string, string>.Empty
                .Add("email", "Ann@Example.com").Add("budget", "1,500").Add("visit_date", "2026-04-01"))),
            ContactFacts.Create("u-1", "ann lee", "SG") with { Tags = ["new", "vip"] },
            new ConversationFacts("c-1", true, 1, null, null, 10, TimeSpan.FromHours(48)));
        if (_renderer.Render(_rich, _facts, Now).Failed || _renderer.Render(_greeting, _facts, Now).Failed)
        {
            throw new InvalidOperationException("the benchmark templates do not render");
        }
    }

    /// <summary>The shipped price-inquiry greeting, as the engine renders it: facts to script objects, render.</summary>
    [Benchmark(Baseline = true)]
    public string? Greeting() => _renderer.Render(_greeting, _facts, Now).Text;

    /// <summary>The docs' example: fallback and capitalising, if/else, a loop, a number and a date from form answers.</summary>
    [Benchmark]
    public string? RichReply() => _renderer.Render(_rich, _facts, Now).Text;

    /// <summary>The same greeting with a new Scriban context for every render: what the reused context saves.</summary>
    [Benchmark]
    public string GreetingNewContextEachRender()
    {
        var context = new TemplateContext(TemplateFunctions.CreateBuiltins()) { AutoIndent = false, NewLine = "\n" };
        context.PushGlobal(TemplateGlobals.From(_facts, Now));
        return _greeting.Parsed!.Render(context);
    }

    /// <summary>Building the facts' script objects alone, which every render of a template pays.</summary>
    [Benchmark]
    public object Globals() => TemplateGlobals.From(_facts, Now);
}
