using System.Text;
using FlowAutomation.Compilation;
using FlowAutomation.Tests.TestSupport;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Templates;

/// <summary>
/// Wherever a mistake stands in a reply text, whatever the YAML style of the text (plain, quoted with escapes,
/// folded over lines, a block scalar) and whatever the line endings, the diagnostic points at the mistake itself.
/// </summary>
public sealed class TemplatePositionPropertyTests
{
    private const string Marker = "{{contact.nmae}}";
    private const string Misspelt = "contact.nmae";

    private static readonly string[] Words = ["there,", "it's", "\"quoted\"", "café", "😀", "50%", "a:b", "#1", "x\\y", "{x}", "-", "ok!", "\t"];

    public enum Style
    {
        Plain,
        DoubleQuoted,
        DoubleQuotedWithEscapes,
        SingleQuoted,
        Literal,
        LiteralKeep,
        Folded,
    }

    [Fact]
    public async Task Compile_MisspeltVariableInAnyScalarStyle_PointsAtTheVariable()
    {
        var cases =
            from style in Gen.Elements(Enum.GetValues<Style>())
            from words in Gen.ListOf(Gen.Elements(Words))
            from at in Gen.Choose(0, 100)
            from breaks in Gen.ListOf(Gen.Elements(true, false, false))
            from crlf in Gen.Elements(true, false)
            select (style, words, at, breaks, crlf);

        await Bounded.RunAsync(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var yaml = Flow(c.style, c.words, c.at, c.breaks, c.crlf);
            var result = new FlowCompiler().CompileTexts(("flows/t.yaml", yaml));
            var d = result.Diagnostics.SingleOrDefault(x => x.Code == "FA1402");
            return d is not null && TextAt(yaml, d.Span.Start.Line, d.Span.Start.Column).StartsWith(Misspelt, StringComparison.Ordinal);
        })));
    }

    /// <summary>A reply whose text holds the words and the misspelt variable, written in the style.</summary>
    private static string Flow(Style style, IReadOnlyList<string> words, int at, IReadOnlyList<bool> breaks, bool crlf)
    {
        var plainSafe = words.Where(w => w is not ("#1" or "\t" or "-")).ToList();
        var chosen = style == Style.Plain ? plainSafe : [.. words];
        var tokens = new List<string> { "Hi" };
        tokens.AddRange(chosen);
        tokens.Insert(1 + (at % (chosen.Count + 1)), Marker);

        // Lines of words; block scalars and multi-line flow scalars both break between words.
        var lines = new List<List<string>> { new() };
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i > 0 && i - 1 < breaks.Count && breaks[i - 1])
            {
                lines.Add([]);
            }

            lines[^1].Add(tokens[i]);
        }

        const string Indent = "        ";
        var text = new StringBuilder("flow: t\non: message.received\nthen:\n  - reply:\n      text: ");
        switch (style)
        {
            case Style.Plain:
                text.AppendJoin("\n" + Indent, lines.Select(l => string.Join(' ', l)));
                break;
            case Style.DoubleQuoted or Style.DoubleQuotedWithEscapes:
                var escape = style == Style.DoubleQuotedWithEscapes;
                text.Append('"').AppendJoin(escape ? "\\\n" + Indent + "\\ " : "\n" + Indent, lines.Select(l => string.Join(' ', l.Select(w => Escape(w, escape))))).Append('"');
                break;
            case Style.SingleQuoted:
                text.Append('\'').AppendJoin("\n" + Indent, lines.Select(l => string.Join(' ', l.Select(w => w.Replace("'", "''", StringComparison.Ordinal))))).Append('\'');
                break;
            default:
                text.Append(style switch { Style.Literal => "|", Style.LiteralKeep => "|+", _ => ">" }).Append('\n');
                foreach (var line in lines)
                {
                    text.Append(Indent).AppendJoin(' ', line).Append('\n');
                }

                break;
        }

        var yaml = text.Append('\n').ToString();
        return crlf ? yaml.ReplaceLineEndings("\r\n") : yaml;
    }

    private static string Escape(string word, bool escapes)
    {
        var escaped = word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return escapes ? escaped.Replace("é", "\\u00e9", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("😀", "\\U0001F600", StringComparison.Ordinal) : escaped;
    }

    /// <summary>The text of the file from a 1-based line and column, lines broken at "\r\n" or "\n".</summary>
    private static string TextAt(string yaml, int line, int column)
    {
        var lines = yaml.ReplaceLineEndings("\n").Split('\n');
        return line >= 1 && line <= lines.Length && column >= 1 && column <= lines[line - 1].Length ? lines[line - 1][(column - 1)..] : string.Empty;
    }
}
