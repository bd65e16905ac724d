using System.Text;
using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FlowAutomation.Tests.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Tests.Loading;

/// <summary>
/// Random, truncated and mutated YAML: the loader and the compiler never throw and never hang, and whatever they
/// refuse, they say why, at a position inside the file.
/// </summary>
public sealed class YamlReaderPropertyTests
{
    private const string Path = "flows/fuzz.yaml";

    /// <summary>Pieces of YAML and of the flow language, put together at random.</summary>
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ":", ": ", ",", ", ", "-", "- ", "? ", "*a", "&a ", "!", "!!str ", "|", "|-\n", ">", ">+\n",
        "'", "''", "\"", "\\\"", "\\u263A", "\\x", "#", " # note", "%YAML 1.2\n", "@", "`", "\\", " ", "  ", "    ", "\t",
        "\n", "\n", "\n  ", "\r\n", "\r", "---\n", "...\n", "flow: ", "on: ", "then:\n", "when:\n", "  - reply: ", "text: ",
        "message.received", "contact.tagged", "{{", "}}", "{{contact.name}}", "{{#if x}}", "{{/if}}", "message.text",
        "contains", "matches: \"(\"", "24h", "P1D", "09:00", "Asia/Singapore", "a", "b", "1", "-1", "1e999", "true",
        "null", "~", "é", "😀", "\0", "\u0085", "\u2028", "\uFEFF", "\uD800",
    ];

    /// <summary>500 cases per property; set FUZZ_TESTS (for example 20000) for a longer hunt.</summary>
    private static readonly Config Thorough = Config.QuickThrowOnFailure
        .WithMaxTest(int.TryParse(Environment.GetEnvironmentVariable("FUZZ_TESTS"), out var n) && n > 0 ? n : 500)
        .WithEndSize(60);

    private static FlowCompilation Compile(string text) => new FlowCompiler().CompileTexts((Path, text));

    /// <summary>Every diagnostic is in the file, at a line and column that exist (or just past the end).</summary>
    private static bool PointsInto(string text, IReadOnlyList<Diagnostic> diagnostics)
    {
        var lines = text.Split('\n').Length + text.Count(c => c is '\r' or '\u0085' or '\u2028' or '\u2029');
        return diagnostics.All(d => d.Span.Path == Path && d.Span.Start.Line >= 1 && d.Span.Start.Line <= lines + 1 && d.Span.Start.Column >= 1);
    }

    /// <summary>The compiler's answer: flows, or diagnostics saying why there are none.</summary>
    private static bool Answers(string text)
    {
        var result = Compile(text);
        return (result.Flows.Length > 0 || result.Diagnostics.Count > 0) && PointsInto(text, result.Diagnostics);
    }

    [Fact]
    public async Task Compile_EveryPrefixOfEveryValidFlow_AnswersWithFlowsOrDiagnostics()
    {
        var failures = await Bounded.RunAsync(() =>
            SampleFlows.All
                .SelectMany(sample => Enumerable.Range(0, sample.Text.Length + 1).Select(n => (sample.Name, Prefix: sample.Text[..n])))
                .Where(x => !Answers(x.Prefix))
                .Select(x => $"{x.Name} cut at {x.Prefix.Length}")
                .ToList());

        Assert.Empty(failures);
    }

    [Fact]
    public async Task ReadBytes_EveryBytePrefix_AnswersWithSourceOrDiagnostics()
    {
        var bytes = Encoding.UTF8.GetBytes(SampleFlows.PriceInquiry.Replace("Hi ", "Hi 👋 é ", StringComparison.Ordinal));

        var failures = await Bounded.RunAsync(() => Enumerable.Range(0, bytes.Length + 1).Where(n =>
        {
            var bag = new DiagnosticBag();
            var source = YamlReader.ReadBytes(Path, bytes[..n], bag);
            return source is null && bag.Count == 0;
        }).ToList());

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Compile_RandomYamlFragments_AnswersWithoutThrowing()
    {
        var junk = Gen.ListOf(Gen.Elements(Fragments)).Select(parts => string.Concat(parts));

        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(junk.ToArbitrary(), Answers)));
    }

    [Fact]
    public async Task ReadBytes_RandomBytes_AnswersWithoutThrowing()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(bytes.ToArbitrary(), data =>
        {
            var bag = new DiagnosticBag();
            var source = YamlReader.ReadBytes(Path, data, bag);
            return source is not null || bag.Count > 0;
        })));
    }

    [Fact]
    public async Task Compile_MutatedValidFlows_AnswersAtPositionsInsideTheFile()
    {
        var edit =
            from at in Gen.Choose(0, 10_000)
            from kind in Gen.Choose(0, 3)
            from fragment in Gen.Elements(Fragments)
            select (At: at, Kind: kind, Fragment: fragment);
        var mutated = Gen.Elements(SampleFlows.All.Select(s => s.Text).ToArray())
            .SelectMany(text => Gen.ListOf(edit).Select(edits => edits.Aggregate(text, Apply)));

        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(mutated.ToArbitrary(), Answers)));

        static string Apply(string text, (int At, int Kind, string Fragment) e)
        {
            var at = text.Length == 0 ? 0 : e.At % text.Length;
            var lineEnd = text.IndexOf('\n', at) is var n and >= 0 ? n + 1 : text.Length;
            return e.Kind switch
            {
                0 => text.Insert(at, e.Fragment),
                1 => text.Remove(at, Math.Min(e.Fragment.Length, text.Length - at)),
                2 => text.Remove(at, Math.Min(1, text.Length - at)).Insert(at, e.Fragment),
                _ => text.Insert(lineEnd, text[at..lineEnd]), // duplicate the rest of a line: duplicate keys, stray items
            };
        }
    }

    [Fact]
    public async Task Compile_GeneratedFlowShapes_BindOrReportWithoutThrowing()
    {
        var documents = Gen.NonEmptyListOf(FlowShapes.Flow).Select(flows => string.Join("---\n", flows));

        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(documents.ToArbitrary(), text =>
        {
            var result = Compile(text);
            return PointsInto(text, result.Diagnostics)
                && result.Flows.All(f => f.Span.Path == Path && !result.Diagnostics.Any(d => d.IsError && f.Span.Start <= d.Span.Start && d.Span.Start <= f.Span.End))
                && (result.HasErrors || NothingDropped(text, result));
        })));
    }

    [Fact]
    public async Task Compile_MostlyValidFlows_DropNothingWithoutSayingWhy()
    {
        var documents = Gen.NonEmptyListOf(FlowShapes.MostlyValid).Select(flows => string.Join("---\n", flows.Select((f, i) => f.Replace("flow: f\n", $"flow: f{i}\n", StringComparison.Ordinal))));

        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(documents.ToArbitrary(), text =>
        {
            var result = Compile(text);
            return PointsInto(text, result.Diagnostics) && (result.HasErrors || NothingDropped(text, result));
        })));
    }

    /// <summary>
    /// When the compiler reports no error, every flow, condition and action written is in the result: a binder
    /// that gives up on a part must say why.
    /// </summary>
    private static bool NothingDropped(string text, FlowCompilation result)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var documents = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        return documents.Count == result.Flows.Length && documents.Zip(result.Flows).All(pair =>
        {
            var (map, flow) = pair;
            var then = map.Children.TryGetValue(new YamlScalarNode("then"), out var t) ? ((YamlSequenceNode)t).Children.Count : 0;
            var hasWhen = map.Children.ContainsKey(new YamlScalarNode("when"));
            return flow.Then.Length == then && (flow.When is not null) == hasWhen;
        });
    }
}
