using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.Compilation;

/// <summary>
/// Compiles flow files: read YAML → bind each document → check ids across files → check against the messaging
/// policy → check what templates read against the triggers → check tag cycles. Every pass reports into one bag; nothing is thrown for a user's mistake.
/// </summary>
public sealed class FlowCompiler(PolicyProfile? policy = null)
{
    public PolicyProfile Policy { get; } = policy ?? PolicyProfile.TikTok;

    /// <summary>Compiles every *.yaml and *.yml file below the given files and folders, in a stable order.</summary>
    public FlowCompilation CompilePaths(IEnumerable<string> paths) => CompilePaths(paths, null);

    /// <summary>
    /// As <see cref="CompilePaths(IEnumerable{string})"/>; diagnostics show paths relative to
    /// <paramref name="baseDirectory"/> when it is given.
    /// </summary>
    public FlowCompilation CompilePaths(IEnumerable<string> paths, string? baseDirectory)
    {
        var diagnostics = new DiagnosticBag();
        var sources = new List<YamlSource>();
        foreach (var file in FlowFiles.Expand(paths, baseDirectory, diagnostics))
        {
            if (YamlReader.ReadFile(file.FullPath, file.DisplayPath, diagnostics) is { } source)
            {
                sources.Add(source);
            }
        }

        return Compile(sources, diagnostics);
    }

    /// <summary>Compiles in-memory texts, keyed by the path to show in diagnostics.</summary>
    public FlowCompilation CompileTexts(params (string Path, string Text)[] files)
    {
        var diagnostics = new DiagnosticBag();
        var sources = new List<YamlSource>();
        foreach (var (path, text) in files)
        {
            if (YamlReader.Read(path, text, diagnostics) is { } source)
            {
                sources.Add(source);
            }
        }

        return Compile(sources, diagnostics);
    }

    public FlowCompilation CompileOrThrow(IEnumerable<string> paths)
    {
        var result = CompilePaths(paths);
        return result.HasErrors ? throw new FlowCompilationException(result.Diagnostics) : result;
    }

    private FlowCompilation Compile(List<YamlSource> sources, DiagnosticBag diagnostics)
    {
        var bound = new List<FlowBinder.BoundFlow>();
        foreach (var source in sources)
        {
            var before = diagnostics.Count;
            var count = bound.Count;
            bound.AddRange(FlowBinder.BindAll(source, diagnostics));
            if (bound.Count == count && diagnostics.Count == before)
            {
                diagnostics.Report(DiagnosticCodes.NoFlows, SourceSpan.At(source.Path, 1, 1));
            }
        }

        var flows = bound.Select((b, i) => b.Flow with { Order = i }).ToList();

        // Later passes see every flow that bound, even with errors, so that all problems show in one run; a flow
        // with an error from any pass is left out of the result.
        var rejected = new HashSet<FlowDefinition>(flows.Where(f => bound[f.Order].HasErrors), ReferenceEqualityComparer.Instance);
        var unique = DuplicateIdPass.Run(flows, diagnostics);
        rejected.UnionWith(PolicyCheckPass.Run(flows, Policy, diagnostics));
        TemplateFactsPass.Run(flows.Where(f => !bound[f.Order].HasErrors), diagnostics);
        rejected.UnionWith(TagCyclePass.Run(unique, diagnostics));
        var clean = unique.Where(f => !rejected.Contains(f)).ToList();
        return new FlowCompilation([.. clean], diagnostics.ToSortedList(), Policy)
        {
            DeclaredIds = [.. flows.Select(f => f.Id).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)],
        };
    }
}
