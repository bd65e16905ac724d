using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FlowAutomation.Policy;

namespace FlowAutomation.Compilation;

/// <summary>
/// Compiles flow files: read YAML → bind each document → check ids across files → check against the messaging
/// policy → check tag cycles. Every pass reports into one bag; nothing is thrown for a user's mistake.
/// </summary>
public sealed class FlowCompiler(PolicyProfile? policy = null)
{
    public PolicyProfile Policy { get; } = policy ?? PolicyProfile.TikTok;

    /// <summary>Compiles every *.yaml and *.yml file below the given files and folders, in a stable order.</summary>
    public FlowCompilation CompilePaths(IEnumerable<string> paths)
    {
        var diagnostics = new DiagnosticBag();
        var sources = new List<YamlSource>();
        foreach (var file in FlowFiles.Expand(paths, diagnostics))
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
        var bound = sources.SelectMany(source => FlowBinder.BindAll(source, diagnostics)).ToList();
        var broken = bound.Where(b => b.HasErrors).Select(b => b.Flow).ToHashSet(ReferenceEqualityComparer.Instance);
        var flows = bound.Select((b, i) => b.Flow with { Order = i }).ToList();

        // Later passes see every flow that bound, even with errors, so that all problems show in one run.
        var unique = DuplicateIdPass.Run(flows, diagnostics);
        PolicyCheckPass.Run(flows, Policy, diagnostics);
        TagCyclePass.Run(unique, diagnostics);
        var clean = unique.Where(f => !broken.Contains(bound[f.Order].Flow)).ToList();
        return new FlowCompilation([.. clean], diagnostics.ToSortedList(), Policy);
    }
}
