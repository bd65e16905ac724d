using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using Scriban;

namespace FlowAutomation.Templates;

/// <summary>
/// A reply text or <c>set</c> value, parsed and checked when its flow is compiled (see <see cref="TemplateCompiler"/>)
/// and rendered by a <see cref="TemplateRenderer"/>. A literal (no <c>{{</c>) renders to itself without Scriban.
/// Immutable; a parsed template is rendered by many threads at once, each with its own context.
/// </summary>
public sealed class MessageTemplate
{
    internal MessageTemplate(string source, SourceSpan span, Template? parsed, string minimumText, ImmutableArray<TemplateRead> reads)
    {
        Source = source;
        Span = span;
        Parsed = parsed;
        MinimumText = minimumText;
        Reads = reads;
    }

    public string Source { get; }

    public SourceSpan Span { get; }

    /// <summary>True when the text holds no template expression, so what it renders is known at compile time.</summary>
    public bool IsLiteral => Parsed is null;

    /// <summary>
    /// The text every render contains, whatever the values: the literal text, with the shorter branch of each
    /// <c>if</c> and no turn of a loop. Its length is a lower bound on the rendered length (the policy check uses it).
    /// </summary>
    public string MinimumText { get; }

    /// <summary>The Scriban template; null for a literal.</summary>
    internal Template? Parsed { get; }

    /// <summary>The paths the template reads, where, and whether a missing value would leave a gap in the text.</summary>
    internal ImmutableArray<TemplateRead> Reads { get; }

    public static MessageTemplate Literal(string text) => new(text, SourceSpan.None, null, text, []);

    public override string ToString() => Source;
}

/// <summary>
/// A path a template reads, as written and where. <see cref="NeedsFallback"/>: the value goes into the text as it
/// is, with no fallback (<c>??</c>) and outside any <c>if</c> that tests it, so a missing value leaves a gap.
/// </summary>
internal readonly record struct TemplateRead(FieldPath Path, string Written, SourceSpan Span, bool NeedsFallback);
