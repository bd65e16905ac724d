using System.Globalization;

namespace FlowAutomation.Diagnostics;

/// <summary>A stable diagnostic code with its severity, message format and the help text shown in docs.</summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title, string MessageFormat, string Help)
{
    public Diagnostic Create(SourceSpan span, params object?[] args) =>
        new(Code, Severity, span, args.Length == 0 ? MessageFormat : string.Format(CultureInfo.InvariantCulture, MessageFormat, args));
}
