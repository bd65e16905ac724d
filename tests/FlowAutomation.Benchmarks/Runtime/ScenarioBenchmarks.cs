using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Benchmarks.Runtime;

/// <summary>
/// A dry-run scenario of 10,000 events over 30 virtual days (messages, leads and clock moves, with follow-ups firing
/// in between) against the shipped flows, loaded from its file and run as <c>flowctl dry-run</c> runs it.
/// </summary>
[MemoryDiagnoser]
public class ScenarioBenchmarks
{
    private string _file = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Directory.CreateTempSubdirectory("flowbench-").FullName, "month.scenario.yaml");
        File.WriteAllText(_file, Generate(10_000, TimeSpan.FromDays(30)));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Benchmark]
    public async Task<int> DryRunTenThousandEvents()
    {
        var result = await ScenarioRunner.RunFileAsync(_file, new ScenarioRunOptions { FlowsOverride = Paths.Flows });
        return result.Run?.Outcome.Sent.Length ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }

    [Benchmark]
    public async Task<int> TestTenThousandEvents()
    {
        var result = await ScenarioRunner.RunFileAsync(_file, new ScenarioRunOptions { FlowsOverride = Paths.Flows, ExplainConditions = false });
        return result.Run?.Outcome.Sent.Length ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }

    /// <summary>A month-long conversation: mostly messages, some leads and clock moves, evenly spread.</summary>
    public static string Generate(int events, TimeSpan span)
    {
        string[] texts = ["How much is the serum?", "hello", "Where is my parcel?", "wholesale please", "thanks!", "is shipping free?", "ok"];
        var sb = new StringBuilder("scenario: a busy month\nstart: 2026-03-02T02:00:00Z\ncontact: { id: u-1, name: Ann Lee, country: SG }\nevents:\n");
        var step = span.TotalSeconds / events;
        for (var i = 0; i < events; i++)
        {
            var at = ((int)(i * step)).ToString(CultureInfo.InvariantCulture) + "s";
            sb.Append("  - at: ").Append(i == 0 ? "0s" : at).Append('\n');
            sb.Append((i % 50) switch
            {
                7 => "    lead.submitted: { form_id: spring, form_name: Spring Sale, fields: { email: ann@example.com } }\n",
                13 => "    advance: true\n",
                _ => $"    message.received: {{ text: \"{texts[i % texts.Length]}\" }}\n",
            });
        }

        return sb.ToString();
    }
}
