using FlowAutomation.Compilation;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.Server.Studio;

/// <summary>A diagnostic with its whole span (1-based lines and columns), so the page can underline the exact characters.</summary>
internal sealed record StudioDiagnostic(string Path, int Line, int Column, int EndLine, int EndColumn, string Severity, string Code, string Message)
{
    public static StudioDiagnostic From(Diagnostic d) => new(
        d.Span.Path, d.Span.Start.Line, d.Span.Start.Column, d.Span.End.Line, d.Span.End.Column, d.IsError ? "error" : "warning", d.Code, d.Message);
}

/// <summary>
/// Words for one compiled flow, found by the page through a position (<see cref="Line"/>, <see cref="Column"/>) inside
/// the YAML node they describe: the flow's conditions, one line per condition of the top-level <c>all</c>, and each
/// follow-up's <c>when</c>.
/// </summary>
internal sealed record StudioFlowWords(string Id, string Path, int Line, int Column, IReadOnlyList<string> Conditions, IReadOnlyList<StudioFollowUpWords> FollowUps);

internal sealed record StudioFollowUpWords(int Line, int Column, string Delay, IReadOnlyList<string> Conditions);

/// <summary>A file's text as the page has it (saved or not).</summary>
internal sealed record StudioText(string Path, string? Text);

/// <summary>What the compile endpoint answers: every diagnostic of the folder's set, and words for the flows that compiled.</summary>
internal sealed record StudioCompileResult(bool Valid, int Errors, int Warnings, IReadOnlyList<StudioDiagnostic> Diagnostics, IReadOnlyList<StudioFlowWords> Flows);

/// <summary>
/// Compiles the studio's folder as the service would load it, with the file being edited replaced by the page's
/// text, so that problems across files (duplicate ids, tag cycles) show while typing. Paths are relative to the folder.
/// </summary>
internal sealed class StudioCompiler(StudioFolder folder, PolicyProfile policy)
{
    public StudioCompileResult Compile(string? path, string? text)
    {
        var compilation = CompileSet(path is null ? [] : [new StudioText(path, text ?? string.Empty)]);
        var errors = compilation.Diagnostics.Count(d => d.IsError);
        return new StudioCompileResult(
            errors == 0,
            errors,
            compilation.Diagnostics.Count - errors,
            [.. compilation.Diagnostics.Select(StudioDiagnostic.From)],
            [.. compilation.Flows.Select(Words)]);
    }

    /// <summary>
    /// The folder's set as the page has it: each file of <paramref name="overlays"/> with the page's text (saved or not,
    /// a new file too), the others as on disk. Every overlay's path must be a flow file inside the folder.
    /// </summary>
    public FlowCompilation CompileSet(IReadOnlyList<StudioText> overlays)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var overlay in overlays)
        {
            folder.Resolve(overlay.Path); // refuses a path outside the folder
            given[overlay.Path] = overlay.Text ?? string.Empty;
        }
        var files = given.Select(g => (g.Key, g.Value)).ToList();
        foreach (var relative in folder.List())
        {
            if (given.ContainsKey(relative))
                continue;
            try
            {
                files.Add((relative, File.ReadAllText(folder.Resolve(relative))));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StudioPathException)
            {
                // A file that vanished or cannot be read between the listing and the read is left out of this round.
            }
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return new FlowCompiler(policy).CompileTexts([.. files]);
    }

    private static StudioFlowWords Words(FlowDefinition flow) => new(
        flow.Id, flow.Span.Path, flow.Span.Start.Line, flow.Span.Start.Column, Lines(flow.When), [.. FollowUps(flow.Then)]);

    private static IEnumerable<StudioFollowUpWords> FollowUps(IEnumerable<FlowAction> actions)
    {
        foreach (var followUp in actions.OfType<FollowUpAction>())
        {
            yield return new StudioFollowUpWords(followUp.Span.Start.Line, followUp.Span.Start.Column, Durations.Format(followUp.After), Lines(followUp.When));
            foreach (var nested in FollowUps(followUp.Then))
                yield return nested;
        }
    }

    /// <summary>A top-level <c>all</c> (the implicit one of a mapping) as one line per condition; anything else as one line.</summary>
    private static string[] Lines(Condition? condition) => condition switch
    {
        null => [],
        AllCondition all => [.. all.Items.Select(i => i is AnyCondition ? "(" + ConditionFormatter.Describe(i) + ")" : ConditionFormatter.Describe(i))],
        _ => [ConditionFormatter.Describe(condition)],
    };
}
