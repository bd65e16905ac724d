using System.Globalization;

namespace FlowAutomation.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>One problem found in a user's file, in the .NET compiler's canonical form.</summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, SourceSpan Span, string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary><c>path(line,col): error FA1234: message</c></summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Span.Path}({Span.Start.Line},{Span.Start.Column}): {(IsError ? "error" : "warning")} {Code}: {Message}");
}
