using FlowAutomation.Diagnostics;
using FlowAutomation.Policy;
using FlowAutomation.Runtime;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Server.Studio;

/// <summary>A folder of scenario files the page may pick from, by the name the page shows (<c>flows</c>, <c>samples</c>).</summary>
internal sealed record ScenarioRoot(string Name, StudioFolder Folder);

internal sealed record StudioScenarioRequest(string? Name, string? Text, IReadOnlyList<StudioText>? Flows);

/// <summary>An expectation's verdict, with where it is written in the scenario.</summary>
internal sealed record TimelineVerdict(string Expectation, bool Passed, string? Failure, StudioSpan? Source);

internal sealed record TimelineSummary(int Events, IReadOnlyList<string> Fired, int Sent, int Blocked, int FollowUpsPending);

/// <summary>
/// What a scenario run answers: whether it ran; when it did not, the scenario's diagnostics or the number of errors in
/// the flows; otherwise the timeline (<see cref="TimelineEntry"/>), each expectation's verdict and the summary.
/// <see cref="Note"/> says when the scenario names a flows folder other than the one the studio edits.
/// </summary>
internal sealed record StudioScenarioRun(
    bool Ran,
    string Name,
    DateTimeOffset? Start,
    bool Passed,
    IReadOnlyList<StudioDiagnostic> Diagnostics,
    int FlowErrors,
    string? Note,
    IReadOnlyList<TimelineEntry> Entries,
    IReadOnlyList<TimelineVerdict> Expectations,
    TimelineSummary? Summary,
    IReadOnlyList<StudioFlowFile> Flows);

/// <summary>Which file of the folder holds a flow, so the page can open it from a timeline entry.</summary>
internal sealed record StudioFlowFile(string Id, string Path);

/// <summary>
/// Scenarios in the studio: the folders they are picked from (the folder being edited and, by default, <c>samples/</c>),
/// and runs of a scenario's text on the dry-run engine against the folder's flows as the page has them, saved or not.
/// </summary>
internal sealed class StudioScenarios(IReadOnlyList<ScenarioRoot> roots, StudioCompiler compiler, StudioFolder flowsFolder, PolicyProfile policy)
{
    public IReadOnlyList<ScenarioRoot> Roots => roots;

    /// <summary>The root of that name; throws <see cref="StudioPathException"/> for a name the studio does not have.</summary>
    public ScenarioRoot Root(string? name) =>
        roots.FirstOrDefault(r => r.Name == name) ?? throw new StudioPathException($"no scenario folder '{name}'; the studio's are: {string.Join(", ", roots.Select(r => r.Name))}");

    public async Task<StudioScenarioRun> RunAsync(StudioScenarioRequest request, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(request.Name) ? "new.scenario.yaml" : request.Name;
        var compilation = compiler.CompileSet(request.Flows ?? []);
        var flowFiles = compilation.Flows.Select(f => new StudioFlowFile(f.Id, f.Span.Path)).ToList();
        var flowErrors = compilation.Diagnostics.Count(d => d.IsError);

        var diagnostics = new DiagnosticBag();
        var document = ScenarioLoader.ReadText(name, request.Text ?? string.Empty, diagnostics);
        var scenario = document?.Scenario;
        if (document is null || flowErrors > 0)
            return NotRun(name, scenario, diagnostics, flowErrors, flowFiles);

        var result = await ScenarioRunner.RunLoadedAsync(document, compilation.Flows, policy, new ScenarioRunOptions(), diagnostics, cancellationToken);
        if (result.Run is not { } run)
        {
            var all = new DiagnosticBag();
            all.AddRange(result.Diagnostics);
            return NotRun(name, scenario, all, 0, flowFiles);
        }

        scenario = run.Scenario;

        var summary = run.Trace.OfType<SummaryTrace>().LastOrDefault();
        return new StudioScenarioRun(
            true,
            scenario.Name,
            scenario.Start,
            run.Passed,
            [.. result.Diagnostics.Select(StudioDiagnostic.From)],
            0,
            Note(scenario, name),
            StudioTimeline.Entries(run.Trace.Select(r => ((long?)null, r)), [.. scenario.Events.Select(e => e.Span)]),
            [.. run.Verdicts.Select(v => new TimelineVerdict(v.Expectation, v.Passed, v.Failure, v.Span is { } span ? StudioSpan.From(span) : null))],
            summary is null ? null : new TimelineSummary(summary.Events, summary.FlowsFired, summary.Sent, summary.Blocked, summary.FollowUpsPending),
            flowFiles);
    }

    private StudioScenarioRun NotRun(string name, Scenario? scenario, DiagnosticBag diagnostics, int flowErrors, IReadOnlyList<StudioFlowFile> flows) =>
        new(false, scenario?.Name ?? name, scenario?.Start, false, [.. diagnostics.ToSortedList().Select(StudioDiagnostic.From)], flowErrors,
            scenario is null ? null : Note(scenario, name), [], [], null, flows);

    /// <summary>
    /// When the scenario's <c>flows:</c> names another folder than the one being edited, a sentence that says which
    /// flows run. <paramref name="name"/> is <c>root/path</c> for a picked file.
    /// </summary>
    private string? Note(Scenario scenario, string name)
    {
        if (scenario.Flows is null)
            return null;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var root = slash < 0 ? null : roots.FirstOrDefault(r => r.Name == name[..slash]);
        if (root is not null)
        {
            var scenarioFolder = Path.GetDirectoryName(Path.Combine(root.Folder.Root, name[(slash + 1)..]))!;
            var named = Path.GetFullPath(Path.Combine(scenarioFolder, scenario.Flows)).TrimEnd(Path.DirectorySeparatorChar);
            if (string.Equals(named, flowsFolder.Root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
                return null;
        }
        return $"This scenario names the flows in '{scenario.Flows}'; the studio runs it against the flows being edited in '{Path.GetFileName(flowsFolder.Root)}/'.";
    }

    /// <summary>
    /// The studio's scenario folders: the flows folder itself (scenario files may live beside the flows) and
    /// <paramref name="extra"/> (by default the working folder's <c>samples/</c> when it exists), each named by its
    /// folder's name (made unique with a number).
    /// </summary>
    public static IReadOnlyList<ScenarioRoot> DefaultRoots(StudioFolder flows, IEnumerable<string>? extra = null)
    {
        var folders = new List<string> { flows.Root };
        folders.AddRange((extra ?? (Directory.Exists("samples") ? ["samples"] : [])).Select(Path.GetFullPath));
        var roots = new List<ScenarioRoot>();
        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar));
            var unique = name;
            for (var i = 2; roots.Any(r => r.Name == unique); i++)
                unique = $"{name}-{i}";
            roots.Add(new ScenarioRoot(unique, new StudioFolder(folder, StudioFileKind.Scenarios)));
        }
        return roots;
    }
}
