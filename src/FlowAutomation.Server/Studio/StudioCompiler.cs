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
        var overlay = path is null ? null : folder.Resolve(path); // refuses a path outside the folder
        var files = new List<(string Path, string Text)>();
        foreach (var relative in folder.List())
        {
            if (relative == path)
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
        if (overlay is not null)
            files.Add((path!, text ?? string.Empty));
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var compilation = new FlowCompiler(policy).CompileTexts([.. files]);
        var errors = compilation.Diagnostics.Count(d => d.IsError);
        return new StudioCompileResult(
            errors == 0,
            errors,
            compilation.Diagnostics.Count - errors,
            [.. compilation.Diagnostics.Select(StudioDiagnostic.From)],
            [.. compilation.Flows.Select(Words)]);
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
