using System.Net.Http.Json;
using System.Text;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Server.Studio;

namespace FlowAutomation.Benchmarks.Studio;

/// <summary>
/// The studio's scenario run on a 1,000-event scenario (issue "The studio, part two": the timeline of a 1,000-event
/// scenario on the screen in under a second): the whole <c>POST /studio/api/scenarios/run</c> on loopback (compile the
/// folder, load and run the scenario on the dry-run engine, the timeline's 3,000 entries as JSON). The page's own part,
/// from the answer to the first frame painted, is measured in the browser test (docs/performance.md).
/// </summary>
[MemoryDiagnoser]
public class StudioScenarioRunBenchmarks
{
    private string _root = string.Empty;
    private StudioApp _app = null!;
    private HttpClient _client = null!;
    private object _request = null!;

    /// <summary>1,000 customer messages ten minutes apart, each answered by one reply: 3,000 timeline entries.</summary>
    public static string ThousandEvents()
    {
        var scenario = new StringBuilder("scenario: a thousand questions\nstart: 2026-03-02T02:00:00Z\ncontact: { id: u-9, name: Ann Lee }\nevents:\n");
        for (var i = 0; i < 1000; i++)
            scenario.Append("  - at: ").Append(i * 10).Append("m\n    message.received: { text: \"question ").Append(i).Append("\" }\n");
        return scenario.Append("expect:\n  sent_count: 1000\n").ToString();
    }

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("studiobench-").FullName;
        var folder = Path.Combine(_root, "flows");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "answer.yaml"), "flow: answer\non: message.received\nwhen:\n  message.text: { contains: question }\nthen:\n  - reply: \"Thanks for asking; we will answer shortly.\"\n");
        _request = new { name = "flows/thousand.scenario.yaml", text = ThousandEvents(), flows = Array.Empty<object>() };

        (_app, _client) = StudioCompileBenchmarks.StartSignedIn(folder, scenarioFolders: []);
        if (RunOverHttp().GetAwaiter().GetResult() < 1_000_000)
            throw new InvalidOperationException("the run did not answer with the timeline");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark]
    public async Task<int> RunOverHttp()
    {
        using var response = await _client.PostAsJsonAsync("/studio/api/scenarios/run", _request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }
}
