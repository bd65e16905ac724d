using System.Net.Http.Json;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FlowAutomation.Benchmarks.Compilation;
using FlowAutomation.Policy;
using FlowAutomation.Server.Studio;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Benchmarks.Studio;

/// <summary>
/// The studio's compile endpoint on a 200-line file being typed, beside the shipped flows/ (issue "The studio":
/// under 100 ms). <see cref="Compile"/> is the endpoint's work in process (read the folder, compile with the typed
/// text, words for the flows); <see cref="CompileOverHttp"/> is the whole request on loopback, JSON both ways.
/// </summary>
[MemoryDiagnoser]
public class StudioCompileBenchmarks
{
    private string _root = string.Empty;
    private string _text = string.Empty;
    private StudioCompiler _compiler = null!;
    private StudioApp _app = null!;
    private HttpClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("studiobench-").FullName;
        var folder = Path.Combine(_root, "flows");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(Paths.Flows))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));

        // Generated flows, one after another, up to 200 lines.
        var lines = new List<string>();
        for (var i = 0; lines.Count < 200; i++)
        {
            var flow = CompileBenchmarks.FlowText(i).TrimEnd('\n').Split('\n');
            if (lines.Count + flow.Length + 1 > 200)
                break;
            if (i > 0)
                lines.Add("---");
            lines.AddRange(flow);
        }
        while (lines.Count < 200)
            lines.Add("# padding to 200 lines");
        _text = string.Join('\n', lines) + "\n";

        _compiler = new StudioCompiler(new StudioFolder(folder), PolicyProfile.TikTok);
        var check = _compiler.Compile("typed.yaml", _text);
        if (!check.Valid || check.Flows.Count < 10)
            throw new InvalidOperationException("the 200-line file does not compile: " + string.Join("\n", check.Diagnostics.Take(5).Select(d => d.Message)));

        (_app, _client) = StartSignedIn(folder);
    }

    /// <summary>flowctl studio's application on a free loopback port, and a client signed in to it.</summary>
    internal static (StudioApp App, HttpClient Client) StartSignedIn(string folder, IReadOnlyList<string>? scenarioFolders = null)
    {
        var app = StudioHost.Create(folder, "http://127.0.0.1:0", scenarioFolders: scenarioFolders);
        app.App.StartAsync().GetAwaiter().GetResult();
        var address = app.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        using var session = new HttpRequestMessage(HttpMethod.Post, "/studio/api/session");
        session.Headers.Add(StudioTokenAccess.HeaderName, app.LaunchAddress().Split("#token=")[1]);
        using var response = client.Send(session);
        var token = JsonDocument.Parse(response.Content.ReadAsStream()).RootElement.GetProperty("token").GetString()!;
        client.DefaultRequestHeaders.Add(StudioTokenAccess.HeaderName, token);
        return (app, client);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark]
    public int Compile() => _compiler.Compile("typed.yaml", _text).Diagnostics.Count;

    [Benchmark]
    public async Task<int> CompileOverHttp()
    {
        using var response = await _client.PostAsJsonAsync("/studio/api/compile", new { path = "typed.yaml", text = _text });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }
}
