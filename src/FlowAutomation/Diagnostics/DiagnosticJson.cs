namespace FlowAutomation.Diagnostics;

/// <summary>
/// A diagnostic as the JSON outputs show it (<c>flowctl validate --format json</c>, the admin API): one shape,
/// defined once. Property names serialize in lower case.
/// </summary>
public sealed record DiagnosticJson(string path, int line, int column, string severity, string code, string message)
{
    public static DiagnosticJson From(Diagnostic d) =>
        new(d.Span.Path, d.Span.Start.Line, d.Span.Start.Column, d.IsError ? "error" : "warning", d.Code, d.Message);
}
