using FlowAutomation.Diagnostics;

namespace FlowAutomation.Compilation;

/// <summary>Expands the files and folders a user names into flow files, in ordinal order, each once.</summary>
public static class FlowFiles
{
    public sealed record Entry(string FullPath, string DisplayPath);

    public static IReadOnlyList<Entry> Expand(IEnumerable<string> paths, DiagnosticBag diagnostics)
    {
        var result = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(IsFlowFile)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    diagnostics.Report(DiagnosticCodes.NoFlowFiles, SourceSpan.At(path, 1, 1), path);
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
    }

    public static bool IsFlowFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Paths are shown as given (relative paths stay relative), with forward slashes.</summary>
    private static string Display(string path) => path.Replace('\\', '/');
}
