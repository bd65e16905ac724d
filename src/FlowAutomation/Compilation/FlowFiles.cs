using FlowAutomation.Diagnostics;

namespace FlowAutomation.Compilation;

/// <summary>Expands the files and folders a user names into flow files, in ordinal order, each once.</summary>
public static class FlowFiles
{
    public sealed record Entry(string FullPath, string DisplayPath);

    public static IReadOnlyList<Entry> Expand(IEnumerable<string> paths, DiagnosticBag diagnostics) =>
        Expand(paths, null, diagnostics);

    /// <summary>
    /// As <see cref="Expand(IEnumerable{string}, DiagnosticBag)"/>; with a <paramref name="baseDirectory"/>, paths
    /// are shown relative to it, so that output does not depend on where the files are checked out.
    /// </summary>
    public static IReadOnlyList<Entry> Expand(IEnumerable<string> paths, string? baseDirectory, DiagnosticBag diagnostics)
    {
        var result = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                List<string> files;
                try
                {
                    files = [.. Directory.EnumerateFiles(path, "*", Walk).Where(IsFlowFile).Order(StringComparer.Ordinal)];
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Report(DiagnosticCodes.FileUnreadable, SourceSpan.At(Display(path), 1, 1), ex.Message);
                    continue;
                }

                if (files.Count == 0)
                {
                    var shown = Display(path);
                    diagnostics.Report(DiagnosticCodes.NoFlowFiles, SourceSpan.At(shown, 1, 1), shown);
                }

                foreach (var file in files)
                {
                    Add(file, Display(file));
                }
            }
            else
            {
                Add(path, Display(path));
            }
        }

        return result;

        void Add(string full, string display)
        {
            if (seen.Add(Path.GetFullPath(full)))
            {
                result.Add(new Entry(full, display));
            }
        }

        // Paths are shown as given (relative paths stay relative) or relative to the base, with forward slashes.
        string Display(string path) =>
            (baseDirectory is null ? path : Path.GetRelativePath(baseDirectory, path)).Replace('\\', '/');
    }

    /// <summary>
    /// Every folder below, skipping those that cannot be read. Symbolic links below the folder are not followed, so
    /// that a link loop cannot make the walk endless and a linked file is not loaded twice.
    /// </summary>
    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
    };

    /// <summary>
    /// A <c>.yaml</c> or <c>.yml</c> file that is not a scenario (<c>*.scenario.yaml</c>, <c>*.scenario.yml</c>): scenarios
    /// may live beside the flows they test without being read as flows.
    /// </summary>
    public static bool IsFlowFile(string path) =>
        (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) && !IsScenarioFile(path);

    /// <summary>A scenario file's name: <c>*.scenario.yaml</c> or <c>*.scenario.yml</c>.</summary>
    public static bool IsScenarioFile(string path) =>
        path.EndsWith(".scenario.yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".scenario.yml", StringComparison.OrdinalIgnoreCase);
}
