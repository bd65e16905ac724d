using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Loading;

/// <summary>One file read into YAML documents; every node keeps its line and column.</summary>
public sealed record YamlSource(string Path, string Text, ImmutableArray<YamlDocument> Documents)
{
    private string[]? _lines;

    /// <summary>The 1-based line of the file, without its line break; empty past the end.</summary>
    public string Line(int line)
    {
        _lines ??= Text.Split('\n');
        return line >= 1 && line <= _lines.Length ? _lines[line - 1].TrimEnd('\r') : string.Empty;
    }
}
