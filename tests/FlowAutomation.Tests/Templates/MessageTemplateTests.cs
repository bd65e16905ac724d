using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Templates;
using FlowAutomation.Tests.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using HandlebarsDotNet;

namespace FlowAutomation.Tests.Templates;

public sealed class MessageTemplateTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static MessageTemplate Reply(string text)
    {
        var yaml = $"flow: t\non: lead.submitted\nthen:\n  - reply: \"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n";
        var result = new FlowCompiler().CompileTexts(("flows/t.yaml", yaml));
        Assert.Empty(result.Diagnostics);
        return ((ReplyAction)Assert.Single(result.Flows).Then[0]).Text!;
    }

    private static FactSnapshot Facts(string? name) => new(
        FlowEvent.LeadSubmitted(At, new LeadSubmission("f-1", "Spring Sale", null, null, ImmutableDictionary<string, string>.Empty.Add("email", "ann@example.com"))),
        ContactFacts.Create("u-1", name, "SG"),
        new ConversationFacts("c-1", true, 1, null, null, 10, TimeSpan.FromHours(48)));

    [Theory]
    [InlineData("Hi {{contact.name}} <b>&</b>", "Ann Lee", "Hi Ann Lee <b>&</b>")]
    [InlineData("Hi {{default contact.name \"there\"}}!", null, "Hi there!")]
    [InlineData("{{upper contact.name}} {{lower contact.name}} {{first_word contact.name}}", "Ann Lee", "ANN LEE ann lee Ann")]
    [InlineData("{{#if contact.name}}Hi {{contact.name}}{{else}}Hello{{/if}}, {{lead.form_name}}: {{lead.fields.email}}", null, "Hello, Spring Sale: ann@example.com")]
    [InlineData("Hi {{contact.name}}", null, "Hi ")]
    public void Render_CompiledReply_RendersPlainTextOnFirstAndLaterUse(string template, string? name, string expected)
    {
        var compiled = Reply(template);

        Assert.False(compiled.IsLiteral);
        Assert.Equal(expected, compiled.Render(Facts(name)));
        Assert.Equal(expected, compiled.Render(Facts(name)));
    }

    [Fact]
    public async Task Render_ManyThreadsAtFirstUse_AllRenderTheSameText()
    {
        var templates = Enumerable.Range(0, 20).Select(i => Reply($"Hi {{{{upper contact.name}}}} number {i}")).ToList();

        var rendered = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => templates[i % 20].Render(Facts("ann")))));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"Hi ANN number {i % 20}"), rendered);
    }

    [Theory]
    [InlineData("Hi {{contact.name}}, {{#if x}}a{{else}}b{{/if}}!", "{{contact.name}} {{#if x}} {{else}} {{/if}} ")]
    [InlineData("no expressions", "")]
    [InlineData("{{{contact.name}}} and }} alone", "{{{contact.name}}} ")]
    [InlineData("escaped \\{{contact.name}}", null)]
    [InlineData("{{!-- a }} comment --}}", null)]
    public void Skeleton_Template_KeepsOnlyTheExpressions(string template, string? expected)
    {
        Assert.Equal(expected, TemplateCompiler.Skeleton(template));
    }

    /// <summary>The compile-time check by skeleton is sound: when the skeleton compiles, so does the template.</summary>
    [Fact]
    public async Task Skeleton_ThatCompiles_MeansTheTemplateCompilesAndRenders()
    {
        string[] pieces =
        [
            "Hi ", "there", " ", "}}", "}", "{", "\\", "'", "\"", "\n", "{{contact.name}}", "{{upper contact.name}}",
            "{{default contact.name \"x}}\"}}", "{{#if contact.name}}", "{{else}}", "{{/if}}", "{{#each contact.tags}}",
            "{{this}}", "{{/each}}", "{{!-- note --}}", "{{! note }}", "{{{contact.name}}}", "{{~contact.name~}}", "{{",
            "{{lead.fields.email}}", "{{#unless x}}", "{{/unless}}", "{{else if y}}", "{{@index}}", "{{../x}}",
        ];
        var templates = Gen.ListOf(Gen.Elements(pieces)).Select(p => string.Concat(p));
        var handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        TemplateHelpers.Register(handlebars);
        var data = new Dictionary<string, object?>();

        await Bounded.RunAsync(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(templates.ToArbitrary(), template =>
        {
            if (TemplateCompiler.Skeleton(template) is not { } skeleton || !Compiles(skeleton))
            {
                return true;
            }

            return Compiles(template);
        })));

        bool Compiles(string text)
        {
            try
            {
                handlebars.Compile(text)(data);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}
