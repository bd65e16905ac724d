using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;

namespace FlowAutomation.Templates;

public enum TemplateQuoting
{
    Plain,
    Quoted,
    Block,
}

/// <summary>
/// Maps a position inside a template (1-based line and column of the scalar's value) back to the YAML file. With a
/// source map (built by the binder from the scalar) the mapping is exact for every scalar style; without one, it
/// assumes the value's lines are the file's lines: the scalar's start mark, plus one for an opening quote; block
/// scalars start on the next line at their indent.
/// </summary>
public readonly record struct TemplateLocation(string Path, Position ValueStart, TemplateQuoting Quoting, int BlockIndentColumn)
{
    internal ScalarSourceMap? SourceMap { get; init; }

    public SourceSpan Map(int line, int column)
    {
        if (SourceMap is not null)
        {
            var mapped = SourceMap.Map(line, column);
            return new SourceSpan(Path, mapped, mapped);
        }

        var pos = Quoting switch
        {
            TemplateQuoting.Block => new Position(ValueStart.Line + line, BlockIndentColumn + column - 1),
            _ when line == 1 => new Position(ValueStart.Line, ValueStart.Column + column - 1 + (Quoting == TemplateQuoting.Quoted ? 1 : 0)),
            _ => new Position(ValueStart.Line + line - 1, column),
        };
        return new SourceSpan(Path, pos, pos);
    }

    public SourceSpan Whole => new(Path, ValueStart, ValueStart);
}
