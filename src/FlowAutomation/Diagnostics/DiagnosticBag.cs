namespace FlowAutomation.Diagnostics;

/// <summary>Collects diagnostics across the stages of a run; never throws for a user's mistake.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public int Count => _items.Count;

    public int ErrorCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    public void Add(Diagnostic diagnostic)
    {
        _items.Add(diagnostic);
        ErrorCount += diagnostic.IsError ? 1 : 0;
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            Add(d);
        }
    }

    public void Report(DiagnosticDescriptor descriptor, SourceSpan span, params object?[] args) =>
        Add(descriptor.Create(span, args));

    /// <summary>The diagnostics ordered by file, line and column, then by code.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList() =>
    [
        .. _items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Span.Path, StringComparer.Ordinal)
            .ThenBy(x => x.d.Span.Start)
            .ThenBy(x => x.i)
            .Select(x => x.d),
    ];
}
