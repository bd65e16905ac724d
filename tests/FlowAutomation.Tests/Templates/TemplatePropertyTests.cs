using System.Text;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Templates;
using FlowAutomation.Tests.TestSupport;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Templates;

/// <summary>
/// Random templates built from Scriban's grammar (text, expressions, pipes, <c>if</c>/<c>else</c>, <c>for</c>,
/// assignments, functions), valid and broken (a piece cut out, a Handlebars form, a misspelling, a stray token put in):
/// each one either compiles and renders within the limits, or gets a diagnostic positioned inside its text. Nothing
/// throws.
/// </summary>
public sealed class TemplatePropertyTests
{
    private const int ReplyLine = 4;
    private const int MaxText = 200;

    private static readonly string[] Values =
    [
        "contact.name", "contact.country", "lead.fields.email", "lead.form_name", "message.text", "conversation.messages_left",
        "contact.tags", "now", "\"there\"", "'x'", "42", "1.5", "true", "null", "x", "t",
    ];

    private static readonly string[] Functions =
    [
        "string.upcase", "string.capitalize", "string.size", "array.join \", \"", "array.first", "string.split \" \"",
        "date.to_string \"%d %b\"", "math.format \"N0\"", "string.truncate 5", "object.default \"y\"", "string.pad_left 300",
    ];

    private static readonly string[] Breakers =
    [
        "{{", "}}", "{{ contact.nmae }}", "{{ x | string.upcasee }}", "{{default contact.name \"y\"}}", "{{#if contact.name}}",
        "{{/if}}", "{{#each contact.tags}}", "{{{contact.name}}}", "{{ 'abc }}", "{{ end }}", "{{ else }}", "{{ include 'a' }}",
        "{{ date.now }}", "{{ string.truncate }}", "{{ contact.name = 1 }}", "{{ ( }}", "{{ a.b. }}", "{%{", "}%}", "{{ if }}",
        "{{ for }}", "{{ 1 / 0 }}", "{{ \"ab\" * 1000 }}", "{{ for i in 1..5000 }}.{{ end }}", "{{ func f(n) }}{{ f(n + 1) }}{{ end }}{{ f(1) }}",
        "\\", "\"", "\n", "|", "??", "{contact.name}", "{{!note}}", "{{> footer}}", "{{ lead.fields }}", "{{ html.escape x }}",
    ];

    [Fact]
    public async Task CompileAndRender_RandomTemplate_CompilesAndRendersWithinLimitsOrIsAPositionedDiagnostic()
    {
        var renderer = new TemplateRenderer(new TemplateLimits { MaxCharacters = MaxText + 1 });
        var facts = TemplateRendererTests.Facts("Ann Lee", ("email", "ann@example.com"));
        var templates =
            from body in Block(3)
            from broken in Gen.Elements(false, false, true)
            from breaker in Gen.Elements(Breakers)
            from at in Gen.Choose(0, 1000)
            from cut in Gen.Choose(0, 6)
            select broken ? Break(body, breaker, at, cut) : body;

        await Bounded.RunAsync(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(templates.ToArbitrary(), template =>
        {
            var yaml = $"flow: t\non: lead.submitted\nthen:\n  - reply: \"{Escape(template)}\"\n";
            var result = new FlowCompiler().CompileTexts(("flows/t.yaml", yaml));
            var templateErrors = result.Diagnostics.Where(d => d.IsError && d.Code.StartsWith("FA14", StringComparison.Ordinal)).ToList();
            if (templateErrors.Count > 0)
            {
                return templateErrors.All(d => d.Span.Path == "flows/t.yaml" && d.Span.Start.Line == ReplyLine && d.Span.Start.Column >= 13);
            }

            if (result.Flows.Length == 0)
            {
                return result.Diagnostics.Any(d => d.IsError); // a policy error (text empty or too long), positioned by the policy pass
            }

            var reply = (ReplyAction)result.Flows[0].Then[0];
            var rendered = renderer.Render(reply.Text!, facts, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
            return rendered.Failed
                ? rendered.ReasonCode is TemplateResult.TemplateFailed or TemplateResult.TextTooLong && rendered.Failure.Length > 0
                : FlowAutomation.Policy.ContentRules.CountCharacters(rendered.Text) <= MaxText;
        })));
    }

    private static string Break(string template, string breaker, int at, int cut)
    {
        var i = at % (template.Length + 1);
        var removed = Math.Min(cut, template.Length - i);
        return template[..i] + breaker + template[(i + removed)..];
    }

    /// <summary>Statements: text, a printed expression, an assignment, an if (with or without else), a for loop.</summary>
    private static Gen<string> Block(int depth) =>
        Gen.ListOf(Statement(depth)).Select(s => string.Concat(s.Take(6)));

    private static Gen<string> Statement(int depth)
    {
        var text = Gen.Elements("Hi ", "there", ", ", "!", "\n", " ", "😀", "café", "50%", "a:b", "{", "}");
        var print = Expression(2).Select(e => "{{ " + e + " }}");
        var assign = Expression(1).Select(e => "{{ x = " + e + " }}");
        if (depth == 0)
        {
            return Gen.OneOf(text, print, assign);
        }

        var branch =
            from condition in Expression(1)
            from then in Block(depth - 1)
            from otherwise in Gen.OneOf(Gen.Constant(string.Empty), Block(depth - 1).Select(b => "{{ else }}" + b))
            select "{{ if " + condition + " }}" + then + otherwise + "{{ end }}";
        var loop =
            from list in Gen.Elements("contact.tags", "1..3", "[1, 2]", "contact.name | string.split \" \"")
            from body in Block(depth - 1)
            select "{{ for t in " + list + " }}" + body + "{{ end }}";
        return Gen.OneOf(text, text, print, print, assign, branch, loop);
    }

    /// <summary>Values, fallbacks, pipes into built-ins, comparisons, concatenations, conditionals.</summary>
    private static Gen<string> Expression(int depth)
    {
        var value = Gen.Elements(Values);
        if (depth == 0)
        {
            return value;
        }

        var inner = Expression(depth - 1);
        return Gen.OneOf(
            value,
            value,
            from a in inner from b in inner select a + " ?? " + b,
            from a in inner from f in Gen.Elements(Functions) select a + " | " + f,
            from a in inner from b in inner from op in Gen.Elements("==", "!=", "<", "&&", "||", "+") select a + " " + op + " " + b,
            from c in inner from a in inner from b in inner select "(" + c + " ? " + a + " : " + b + ")",
            inner.Select(a => "!" + a));
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
