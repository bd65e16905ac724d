using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using HandlebarsDotNet;

namespace FlowAutomation.Templates;

/// <summary>
/// A reply or <c>set</c> value, checked when the flow is compiled (see <see cref="TemplateCompiler"/>) and turned into
/// Handlebars code once, the first time it is rendered. A literal (no <c>{{</c>) renders to itself without touching
/// Handlebars.
/// </summary>
public sealed class MessageTemplate
{
    private readonly Lazy<HandlebarsTemplate<object, object>>? _compiled;

    internal MessageTemplate(string source, SourceSpan span, Lazy<HandlebarsTemplate<object, object>>? compiled)
    {
        Source = source;
        Span = span;
        _compiled = compiled;
    }

    public string Source { get; }

    public SourceSpan Span { get; }

    /// <summary>True when the text holds no template expression, so its rendered length is known at compile time.</summary>
    public bool IsLiteral => _compiled is null;

    public static MessageTemplate Literal(string text) => new(text, SourceSpan.None, null);

    /// <summary>Renders the template as plain text (nothing is HTML-escaped). A missing value renders as empty text.</summary>
    public string Render(FactSnapshot facts) => _compiled is null ? Source : Render(TemplateData.From(facts));

    public string Render(IReadOnlyDictionary<string, object?> data)
    {
        if (_compiled is null)
        {
            return Source;
        }

        try
        {
            return _compiled.Value(data);
        }
        catch (HandlebarsException ex)
        {
            throw new TemplateRenderException($"{Span}: the template could not be rendered: {ex.Message}", ex);
        }
    }

    public override string ToString() => Source;
}

public sealed class TemplateRenderException : Exception
{
    public TemplateRenderException()
    {
    }

    public TemplateRenderException(string message)
        : base(message)
    {
    }

    public TemplateRenderException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
