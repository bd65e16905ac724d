using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using HandlebarsDotNet;

namespace FlowAutomation.Templates;

/// <summary>
/// Compiles reply and <c>set</c> templates with Handlebars.Net (plain text, no HTML escaping) and checks them
/// statically: syntax, helper names and variable paths, each reported at its own line and column in the YAML file.
/// <para>
/// Handlebars.Net compiles a template to IL, which costs about a millisecond; a thousand flows would spend seconds
/// on it. So a template is checked at compile time by compiling its skeleton, the expressions without the literal
/// text between them (which cannot make a template invalid), and skeletons are cached: most templates share a
/// few. The template itself is compiled once, the first time it is rendered.
/// </para>
/// Thread-safe after construction.
/// </summary>
internal sealed partial class TemplateCompiler
{
    private const int MaxCachedSkeletons = 10_000;
    private static readonly IReadOnlyDictionary<string, object?> ProbeData = new Dictionary<string, object?>();
    private readonly IHandlebars _handlebars;
    private readonly Lock _compiling = new();
    private readonly ConcurrentDictionary<string, bool> _validSkeletons = new(StringComparer.Ordinal);

    public TemplateCompiler()
    {
        _handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        TemplateHelpers.Register(_handlebars);
    }

    public static TemplateCompiler Shared { get; } = new();

    public MessageTemplate? Compile(string source, TemplateLocation location, DiagnosticBag diagnostics)
    {
        var errors = diagnostics.ErrorCount;
        TemplateScanner.Check(source, location, diagnostics);
        if (!source.Contains("{{", StringComparison.Ordinal))
        {
            return diagnostics.ErrorCount > errors ? null : new MessageTemplate(source, location.Whole, null);
        }

        if (diagnostics.ErrorCount > errors)
        {
            return null;
        }

        if (Skeleton(source) is { } skeleton && IsValid(skeleton))
        {
            return new MessageTemplate(source, location.Whole, new Lazy<HandlebarsTemplate<object, object>>(() => CompileNow(source)));
        }

        // The skeleton fails (or cannot be made): compile the template itself for the exact message and position.
        try
        {
            var compiled = CompileNow(source);
            compiled(ProbeData);
            return new MessageTemplate(source, location.Whole, new Lazy<HandlebarsTemplate<object, object>>(compiled));
        }
        catch (Exception ex)
        {
            // Handlebars.Net reports some malformed templates with exceptions other than HandlebarsException;
            // whatever it throws, a template is the user's text and its failure is a diagnostic.
            var (message, span) = Describe(ex, source, location);
            diagnostics.Report(DiagnosticCodes.TemplateSyntax, span, message);
            return null;
        }
    }

    /// <summary>Handlebars.Net's compiler keeps state while it works; one template at a time.</summary>
    private HandlebarsTemplate<object, object> CompileNow(string source)
    {
        lock (_compiling)
        {
            return _handlebars.Compile(source);
        }
    }

    private bool IsValid(string skeleton)
    {
        if (_validSkeletons.TryGetValue(skeleton, out var valid))
        {
            return valid;
        }

        try
        {
            CompileNow(skeleton)(ProbeData);
            valid = true;
        }
        catch (Exception)
        {
            valid = false;
        }

        if (_validSkeletons.Count >= MaxCachedSkeletons)
        {
            _validSkeletons.Clear();
        }

        _validSkeletons[skeleton] = valid;
        return valid;
    }

    /// <summary>
    /// The template's expressions with the text between them replaced by a single space, or null when the text
    /// holds something that changes how Handlebars reads expressions (an escaped <c>\{{</c>, a raw block, a
    /// comment that may contain <c>}}</c>).
    /// </summary>
    internal static string? Skeleton(string source)
    {
        var skeleton = new StringBuilder(source.Length);
        var i = 0;
        while (true)
        {
            var open = source.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                return skeleton.ToString();
            }

            if ((open > 0 && source[open - 1] == '\\') || source.AsSpan(open).StartsWith("{{{{") || source.AsSpan(open).StartsWith("{{!"))
            {
                return null;
            }

            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            close += close + 2 < source.Length && source[close + 2] == '}' ? 3 : 2;
            skeleton.Append(source, open, close - open).Append(' ');
            i = close;
        }
    }

    /// <summary>Handlebars puts the position only in its message ("Occured at: L:C", 0-based); take it out and map it.</summary>
    internal static (string Message, SourceSpan Span) Describe(Exception ex, string source, TemplateLocation location)
    {
        var text = ex.Message;
        var match = OccurredAt().Match(text);
        var span = location.Whole;
        if (match.Success)
        {
            var line = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1;
            var column = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1;
            span = location.Map(line, column);
            text = text[..match.Index];

            // "Reached unparseable token in expression: (upper x}}": point at the expression, not where parsing gave up.
            var token = text[(text.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim();
            var at = token.Length > 0 && text.StartsWith("Reached unparseable token", StringComparison.Ordinal) ? source.IndexOf(token, StringComparison.Ordinal) : -1;
            if (at >= 0)
            {
                var before = source[..at];
                var lineOfToken = before.Count(c => c == '\n') + 1;
                span = location.Map(lineOfToken, at - (before.LastIndexOf('\n') + 1) + 1);
            }
        }

        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim().TrimEnd('.', ':').Trim();
        if (ex is not HandlebarsException || text.Length == 0)
        {
            text = "the template cannot be read; check its {{ }} expressions";
        }
        else if (text.StartsWith("Reached unparseable token", StringComparison.Ordinal))
        {
            text = "this expression cannot be read; check its brackets and quotes";
        }

        return (char.ToLowerInvariant(text[0]) + text[1..], span);
    }

    [GeneratedRegex(@"Occured at:\s*(\d+):(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex OccurredAt();
}
