using System.Reflection;

namespace FlowAutomation.Studio;

/// <summary>
/// The studio page's files (index.html, assets/…), embedded in this assembly by the build. Paths are relative to the
/// page, with forward slashes: <c>index.html</c>, <c>assets/index-1a2b.js</c>.
/// </summary>
internal static class StudioBundle
{
    private const string Prefix = "studio/";
    private static readonly Assembly Assembly = typeof(StudioBundle).Assembly;
    private static readonly HashSet<string> Names = [.. Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))];

    /// <summary>False when the assembly was built without the bundle (SkipStudioBundle=true).</summary>
    public static bool IsBuilt => Names.Contains(Prefix + "index.html");

    /// <summary>The file's content, or null when the bundle has no such file.</summary>
    public static Stream? Open(string path) =>
        Names.Contains(Prefix + path) ? Assembly.GetManifestResourceStream(Prefix + path) : null;
}
