using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using FlowAutomation.Policy;

namespace FlowAutomation.Compilation;

/// <summary>The result of compiling a set of flow files: the flows that bound cleanly and every diagnostic.</summary>
public sealed record FlowCompilation(ImmutableArray<FlowDefinition> Flows, IReadOnlyList<Diagnostic> Diagnostics, PolicyProfile Policy)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// The id of every flow the files declare, in file order, including flows left out of <see cref="Flows"/> for their
    /// errors: what a reference to a flow (a scenario's <c>fired</c>) may name without being a second mistake.
    /// </summary>
    public ImmutableArray<string> DeclaredIds { get; init; } = [];

    public FlowDefinition? Find(string id) => Flows.FirstOrDefault(f => f.Id == id);
}

/// <summary>Thrown by <see cref="FlowCompiler.CompileOrThrow"/> for callers that prefer an exception to a result.</summary>
public sealed class FlowCompilationException : Exception
{
    public FlowCompilationException()
    {
        Diagnostics = [];
    }

    public FlowCompilationException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public FlowCompilationException(string message, Exception inner)
        : base(message, inner)
    {
        Diagnostics = [];
    }

    public FlowCompilationException(IReadOnlyList<Diagnostic> diagnostics)
        : base("the flows have errors:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics.Where(d => d.IsError)))
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
