namespace FlowAutomation.Diagnostics;

/// <summary>A 1-based line and column in a source file, as YamlDotNet's <c>Mark</c> counts them.</summary>
public readonly record struct Position(int Line, int Column) : IComparable<Position>
{
    public static Position Start => new(1, 1);

    public int CompareTo(Position other) =>
        Line != other.Line ? Line.CompareTo(other.Line) : Column.CompareTo(other.Column);

    public static bool operator <(Position left, Position right) => left.CompareTo(right) < 0;

    public static bool operator >(Position left, Position right) => left.CompareTo(right) > 0;

    public static bool operator <=(Position left, Position right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Position left, Position right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Line},{Column}";
}

/// <summary>Where something stands in a source file: the path as given by the user, a start and an end.</summary>
public readonly record struct SourceSpan(string Path, Position Start, Position End)
{
    public static SourceSpan None => new(string.Empty, Position.Start, Position.Start);

    public static SourceSpan At(string path, int line, int column) =>
        new(path, new Position(line, column), new Position(line, column));

    public override string ToString() => $"{Path}({Start.Line},{Start.Column})";
}
