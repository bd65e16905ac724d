using System.Security.Cryptography;

namespace FlowAutomation.Server.Studio;

/// <summary>What a read of a flow file gives the page: the text and the version it must send back to save.</summary>
internal sealed record StudioFile(string Path, string Text, string Version);

/// <summary>The outcome of a save: written (with the new version), or refused because the file changed on disk since it was opened.</summary>
internal sealed record SaveResult(bool Saved, string Version, StudioFile? OnDisk);

/// <summary>A path the page asked for that it may not have, with the reason to show.</summary>
internal sealed class StudioPathException(string message) : Exception(message);

/// <summary>Which files of a folder the studio lists and touches.</summary>
internal enum StudioFileKind
{
    /// <summary>Flow files: <c>.yaml</c> and <c>.yml</c>, scenario files excepted.</summary>
    Flows,

    /// <summary>Scenario files: <c>*.scenario.yaml</c> and <c>*.scenario.yml</c>.</summary>
    Scenarios,
}

/// <summary>
/// A folder the studio reads (the flow files it edits, or scenario files), and the only files it can touch there: a
/// relative path with forward slashes, no <c>..</c>, no absolute path, a file of its <see cref="Kind"/>, whose real
/// location (after following every symbolic link) is inside the folder. Writes are atomic (a temporary file beside
/// the target, then a rename) and refused when the file changed on disk since the page read it (its SHA-256 no
/// longer matches the version sent).
/// </summary>
internal sealed class StudioFolder
{
    private readonly Lock _writeGate = new();

    public StudioFolder(string root, StudioFileKind kind = StudioFileKind.Flows)
    {
        Root = Path.GetFullPath(root);
        RealRoot = RealPath(Root);
        Kind = kind;
    }

    public StudioFileKind Kind { get; }

    private bool Holds(string path) => Kind == StudioFileKind.Flows ? Compilation.FlowFiles.IsFlowFile(path) : Compilation.FlowFiles.IsScenarioFile(path);

    /// <summary>The folder as given, made absolute.</summary>
    public string Root { get; }

    /// <summary>The folder with symbolic links resolved: what every file's real path must stay inside.</summary>
    private string RealRoot { get; }

    /// <summary>The folder's files of its kind (recursively, not following links to folders), relative, in ordinal order.</summary>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(Root))
            return [];
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return [.. Directory.EnumerateFiles(Root, "*", options)
            .Where(Holds)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    public StudioFile Read(string path)
    {
        var full = Resolve(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"no {(Kind == StudioFileKind.Flows ? "flow" : "scenario")} file '{path}' in the studio's folder");
        var bytes = File.ReadAllBytes(full);
        return new StudioFile(path, Decode(bytes), Version(bytes));
    }

    /// <summary>The file's current version, or null when it does not exist.</summary>
    public string? CurrentVersion(string path)
    {
        var full = Resolve(path);
        return File.Exists(full) ? Version(File.ReadAllBytes(full)) : null;
    }

    /// <summary>
    /// Writes <paramref name="text"/> when the file on disk is still at <paramref name="baseVersion"/> (null: the file
    /// must not exist yet); otherwise writes nothing and returns what is on disk, so the page can show both.
    /// </summary>
    public SaveResult Write(string path, string text, string? baseVersion)
    {
        var full = Resolve(path);
        lock (_writeGate)
        {
            if (File.Exists(full))
            {
                var bytes = File.ReadAllBytes(full);
                var current = Version(bytes);
                if (!string.Equals(current, baseVersion, StringComparison.Ordinal))
                    return new SaveResult(false, current, new StudioFile(path, Decode(bytes), current));
            }
            else if (baseVersion is not null)
            {
                return new SaveResult(false, string.Empty, null); // deleted since it was opened
            }

            var directory = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(directory);
            var content = System.Text.Encoding.UTF8.GetBytes(text);
            // Not *.yaml, so neither the compiler nor the service's watcher ever reads the half-written file.
            var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.studio-tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(content);
                    stream.Flush(flushToDisk: true);
                }
                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp))
                    File.Delete(temp);
            }
            return new SaveResult(true, Version(content), null);
        }
    }

    /// <summary>The absolute path of a page's relative path; throws <see cref="StudioPathException"/> for any path that could leave the folder.</summary>
    public string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new StudioPathException("no path given");
        if (path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal))
            throw new StudioPathException($"'{path}': use a relative path with forward slashes");
        if (path.StartsWith('/') || Path.IsPathRooted(path))
            throw new StudioPathException($"'{path}': absolute paths are refused; give a path inside the studio's folder");
        var segments = path.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
            throw new StudioPathException($"'{path}': '..', '.' and empty segments are refused");
        if (!Holds(path))
            throw new StudioPathException(Kind == StudioFileKind.Flows
                ? $"'{path}': only .yaml and .yml files (not scenarios) can be opened"
                : $"'{path}': only scenario files (*.scenario.yaml, *.scenario.yml) can be opened");

        var full = Path.GetFullPath(Path.Combine(Root, path));
        // Every existing part of the path, with its symbolic links followed, must stay inside the folder's real location.
        var current = RealRoot;
        foreach (var segment in segments)
        {
            current = RealPath(Path.Combine(current, segment));
            if (!IsInside(current))
                throw new StudioPathException($"'{path}' leads outside the studio's folder (through a symbolic link)");
        }
        return full;
    }

    private bool IsInside(string real) =>
        real.StartsWith(RealRoot.EndsWith(Path.DirectorySeparatorChar) ? RealRoot : RealRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The absolute path with every symbolic link in it followed (the parts that do not exist stay as they are).</summary>
    private static string RealPath(string path, int hops = 0)
    {
        if (hops > 40)
            throw new StudioPathException($"'{path}': too many symbolic links");
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full);
        if (parent is null)
            return full; // the file system's root
        var candidate = Path.Combine(RealPath(parent, hops), Path.GetFileName(full));
        var target = new FileInfo(candidate).LinkTarget;
        return target is null ? candidate : RealPath(Path.Combine(Path.GetDirectoryName(candidate)!, target), hops + 1);
    }

    public static string Version(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    /// <summary>UTF-8 text; a byte order mark stays in the text (as U+FEFF), so that a save writes it back.</summary>
    private static string Decode(byte[] bytes) => new System.Text.UTF8Encoding(false).GetString(bytes);
}
