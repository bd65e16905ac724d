using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;

namespace FlowAutomation.Templates;

/// <summary>
/// Where a template's text stands in its YAML file. Scriban reports positions as offsets into the template's text;
/// <see cref="At"/> maps such an offset back to the file's line and column through the scalar's
/// <see cref="ScalarSourceMap"/>, whatever the scalar's style (plain, quoted with escapes, folded, block).
/// </summary>
internal sealed class TemplateLocation(string path, Position valueStart, ScalarSourceMap map)
{
    public string Path => path;

    /// <summary>Where the scalar starts (its quote or block header included): the position of the whole text.</summary>
    public SourceSpan Whole => new(path, valueStart, valueStart);

    /// <summary>The position of the template's character at <paramref name="offset"/>.</summary>
    public SourceSpan At(int offset)
    {
        var position = map.MapOffset(offset);
        return new SourceSpan(path, position, position);
    }
}
