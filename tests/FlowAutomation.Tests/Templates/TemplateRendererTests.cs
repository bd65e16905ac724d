using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Scheduling;
using FlowAutomation.Templates;
using Microsoft.Extensions.Time.Testing;

namespace FlowAutomation.Tests.Templates;

public sealed class TemplateRendererTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private static readonly TemplateRenderer Renderer = new(new TemplateLimits());

    /// <summary>A reply of a lead flow, compiled; asserts it compiles without an error.</summary>
    internal static MessageTemplate Reply(string text, string trigger = "lead.submitted")
    {
        var yaml = $"flow: t\non: {trigger}\nthen:\n  - reply: \"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"\n";
        var result = new FlowCompiler().CompileTexts(("flows/t.yaml", yaml));
        Assert.Empty(result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
        return ((ReplyAction)Assert.Single(result.Flows).Then[0]).Text!;
    }

    internal static FactSnapshot Facts(string? name, params (string Field, string Value)[] fields) => new(
        FlowEvent.LeadSubmitted(At, new LeadSubmission("f-1", "Spring Sale", null, null, fields.ToImmutableDictionary(f => f.Field, f => f.Value))),
        ContactFacts.Create("u-1", name, "SG") with { Tags = ["vip", "new"] },
        new ConversationFacts("c-1", true, 1, null, null, 10, TimeSpan.FromHours(48)));

    [Fact]
    public void WarmUpText_AsAFlowsReply_CompilesAndRendersWhatItSays()
    {
        // The warm-up render compiles Scriban's evaluation code before the first timed render; a template that did not
        // compile or failed would warm up nothing.
        var result = new TemplateRenderer(new TemplateLimits()).Render(Reply(TemplateRenderer.WarmUpText), Facts("Ann Lee"), At);

        Assert.Equal("ANNAnn Leenew, vipAnn Lee02 Mar 2026", result.Text);
    }

    [Theory]
    [InlineData("Hi {{ contact.name }} <b>&</b>", "Ann Lee", "Hi Ann Lee <b>&</b>")]
    [InlineData("Hi {{ contact.name ?? \"there\" }}!", null, "Hi there!")]
    [InlineData("Hi {{ contact.name ?? \"there\" }}!", "  ", "Hi there!")]
    [InlineData("{{ contact.name | string.upcase }} {{ contact.name | string.downcase }} {{ contact.name | string.split \" \" | array.first }}", "Ann Lee", "ANN LEE ann lee Ann")]
    [InlineData("{{ if contact.name }}Hi {{ contact.name }}{{ else }}Hello{{ end }}, {{ lead.form_name }}: {{ lead.fields.email }}", null, "Hello, Spring Sale: ann@example.com")]
    [InlineData("{{ contact.name ?? \"there\" | string.capitalize }}", "ann", "Ann")]
    [InlineData("{{ contact.tags | array.join \", \" }} ({{ contact.tags.size }})", null, "new, vip (2)")]
    [InlineData("{{ for tag in contact.tags }}#{{ tag }}{{ if !for.last }} {{ end }}{{ end }}", null, "#new #vip")]
    [InlineData("{{ now | date.to_string \"%d %b %Y %H:%M\" }}", null, "02 Mar 2026 09:30")]
    [InlineData("{{ lead.fields.date | date.parse | date.to_string \"%A %d %B\" }}", null, "Wednesday 01 April")]
    [InlineData("{{ lead.fields.budget | string.to_double | math.format \"N0\" }} SGD", null, "1,500 SGD")]
    [InlineData("{{ conversation.messages_left }} left, first: {{ conversation.is_first_message }}", null, "10 left, first: true")]
    [InlineData("{{ lead.fields[\"email\"] }} {{ with contact }}{{ country }}{{ end }} {{ conversation.window_closes_in }}", null, "ann@example.com SG 48h")]
    public void Render_CompiledReply_RendersPlainText(string template, string? name, string expected)
    {
        var compiled = Reply(template);

        var result = Renderer.Render(compiled, Facts(name, ("email", "ann@example.com"), ("date", "2026-04-01"), ("budget", "1500")), At);

        Assert.False(compiled.IsLiteral);
        Assert.Equal(expected, result.Text);
    }

    [Theory]
    [InlineData("{{ lead.fields.budget | string.to_double }}", "1,500.5", "1500.5")]
    [InlineData("{{ lead.fields.budget | string.to_double | math.format \"N0\" }}", "1,500", "1,500")]
    [InlineData("{{ lead.fields.budget | string.to_double }}", "about 1500", "")]
    [InlineData("{{ lead.fields.budget | string.to_int }}", "12", "12")]
    [InlineData("{{ lead.fields.budget | string.to_int }}", "1,500", "")]
    [InlineData("{{ lead.fields.budget | date.parse | date.to_string \"%d %b %Y\" }}", "2026-04-01", "01 Apr 2026")]
    public void Render_FormAnswer_ReadsAsTheDocsSay(string template, string answer, string expected)
    {
        var result = Renderer.Render(Reply("{{ if lead.fields.budget }}" + template + "{{ end }}"), Facts("Ann", ("budget", answer)), At);

        Assert.Equal(expected, result.Text);
    }

    [Fact]
    public void Render_FlowLanguageExample_SendsWhatTheDocsSay()
    {
        var docs = File.ReadAllText(RepoPaths.Of("docs", "flow-language.md")).ReplaceLineEndings("\n");
        var start = docs.IndexOf("flow: template-examples", StringComparison.Ordinal);
        var yaml = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
        var compiled = new FlowCompiler().CompileTexts(("docs.yaml", yaml));
        var reply = (ReplyAction)Assert.Single(compiled.Flows).Then[0];

        var facts = Facts("ann", ("email", "Ann@Example.com"), ("budget", "1,500"), ("visit_date", "2026-04-01"));
        var text = Renderer.Render(reply.Text!, facts, At).Text;

        Assert.Equal("Hi Ann!\nYour budget: 1,500 SGD.\nYou like: new, vip.\nWe'll write to ann@example.com before your visit on Wednesday 01 April.", text);
    }

    [Fact]
    public void Render_Literal_IsTheTextItself()
    {
        var result = Renderer.Render(MessageTemplate.Literal("Hello"), Facts("Ann"), At);

        Assert.Equal("Hello", result.Text);
    }

    [Fact]
    public async Task Render_ManyThreads_EachRenderSeesItsOwnFacts()
    {
        var templates = Enumerable.Range(0, 20).Select(i => Reply($"Hi {{{{ contact.name | string.upcase }}}} number {i}{{{{ x = {i} }}}} {{{{ x }}}}")).ToList();

        var rendered = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => Renderer.Render(templates[i % 20], Facts("ann" + (i % 7)), At).Text)));

        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"Hi ANN{i % 7} number {i % 20} {i % 20}"), rendered);
    }

    [Fact]
    public void Render_AfterAFailure_TheNextRenderOnTheThreadIsClean()
    {
        var failing = Reply("{{ y = 5 }}{{ for i in 1..5000 }}x{{ end }}");
        var reading = Reply("{{ if false }}{{ y = 1 }}{{ end }}[{{ y }}]");

        var failed = Renderer.Render(failing, Facts("Ann"), At);
        var next = Renderer.Render(reading, Facts("Ann"), At);

        Assert.True(failed.Failed);
        Assert.Equal("[]", next.Text);
    }

    [Fact]
    public void Render_LoopOverTheLimit_FailsWithAReasonInsteadOfThrowing()
    {
        var result = Renderer.Render(Reply("{{ for i in 1..5000 }}x{{ end }}"), Facts("Ann"), At);

        Assert.Equal(TemplateResult.TemplateFailed, result.ReasonCode);
        Assert.Contains("LoopLimit", result.Failure, StringComparison.Ordinal);
        Assert.Contains("flows/t.yaml(4,", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RecursionOverTheLimit_Fails()
    {
        var result = Renderer.Render(Reply("{{ func f(n) }}{{ f(n + 1) }}{{ end }}{{ f(1) }}"), Facts("Ann"), At);

        Assert.Equal(TemplateResult.TemplateFailed, result.ReasonCode);
        Assert.Contains("recursive depth limit `20`", result.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, "0123456789", false)]
    [InlineData(10, "01234567890", true)]
    [InlineData(3, "😀👍🏽🇸🇬", false)]
    [InlineData(3, "😀👍🏽🇸🇬!", true)]
    public void Render_OutputLimit_CountsCharactersAsTheGuardDoes(int maxText, string text, bool refused)
    {
        var renderer = new TemplateRenderer(new TemplateLimits { MaxCharacters = maxText + 1 });

        var result = renderer.Render(Reply("{{ '" + text + "' }}"), Facts("Ann"), At);

        Assert.True(result.Text == (refused ? null : text), result.Failure);
        Assert.Equal(refused ? TemplateResult.TextTooLong : null, result.ReasonCode);
    }

    [Fact]
    public void Render_EndlessOutput_StopsJustOverThePolicyLimit()
    {
        var renderer = new TemplateRenderer(new TemplateLimits { MaxCharacters = 101, LoopLimit = 1_000_000 });

        var result = renderer.Render(Reply("{{ for i in 1..1000000 }}abc{{ end }}"), Facts("Ann"), At);

        Assert.Equal(TemplateResult.TextTooLong, result.ReasonCode);
        Assert.Equal("the template renders more than 100 characters, the policy's limit: \"abcabcabcabcabcabcabcabcabcabcabcabcabca…\"", result.Failure);
    }

    [Fact]
    public async Task Render_TimeLimitPassed_FailsWithTheTimeInTheReason()
    {
        // A loop that would run for minutes; the clock passes the render's limit while it runs.
        var clock = new FakeTimeProvider(At);
        var renderer = new TemplateRenderer(new TemplateLimits { Clock = clock, RenderTime = TimeSpan.FromMilliseconds(50), LoopLimit = int.MaxValue });
        var template = Reply("{{ for i in 1..2000000000 }}{{ end }}Hi {{ contact.name }}");

        var render = Task.Run(() => renderer.Render(template, Facts("Ann"), At));
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!render.IsCompleted && !guard.IsCancellationRequested)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50)); // fires nothing until the render has armed its timer
                await Task.Yield();
            }
        }

        var result = await render.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(TemplateResult.TemplateFailed, result.ReasonCode);
        Assert.StartsWith("the template took longer than 50 ms", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TimeLimitNotPassed_RendersAndReusesTheTimer()
    {
        var clock = new ManualTimeProvider(At);
        var renderer = new TemplateRenderer(new TemplateLimits { Clock = clock });
        var template = Reply("Hi {{ contact.name }}");

        var first = renderer.Render(template, Facts("Ann"), At);
        clock.Advance(TimeSpan.FromSeconds(1)); // after the render: the timer was stopped, nothing fires
        var second = renderer.Render(template, Facts("Ben"), At);

        Assert.Equal("Hi Ann", first.Text);
        Assert.Equal("Hi Ben", second.Text);
    }

    [Fact]
    public void Render_FactsAreReadOnly_AssigningThroughAVariableFails()
    {
        var result = Renderer.Render(Reply("{{ with contact }}{{ name = 'x' }}{{ end }}{{ contact.name }}"), Facts("Ann"), At);

        Assert.Equal(TemplateResult.TemplateFailed, result.ReasonCode);
    }

    [Fact]
    public void Render_Now_IsTheEngineClockNotTheWallClock()
    {
        var result = Renderer.Render(Reply("{{ now.year }}-{{ now.month }}"), Facts("Ann"), new DateTimeOffset(1999, 12, 31, 23, 0, 0, TimeSpan.Zero));

        Assert.Equal("1999-12", result.Text);
    }
}
