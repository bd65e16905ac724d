using FlowAutomation.Compilation;
using FlowAutomation.Model;

namespace FlowAutomation.Tests.Templates;

/// <summary>The compile-time checks of templates that need no YAML position to explain (the golden corpus shows those).</summary>
public sealed class TemplateCheckTests
{
    private static IReadOnlyList<string> Codes(string text, string trigger = "message.received", string when = "")
    {
        var yaml = $"flow: t\non: {trigger}\n{when}then:\n  - reply: \"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n";
        return [.. new FlowCompiler().CompileTexts(("flows/t.yaml", yaml)).Diagnostics.Select(d => d.Code)];
    }

    [Theory]
    [InlineData("Hi {{ contact.name }}!")]
    [InlineData("Hi {{ contact.name ?? '' }}!")]
    [InlineData("Hi {{ contact.name ?? empty }}!")]
    [InlineData("Hi {{ contact.name | string.capitalize }}!")]
    [InlineData("{{ 'Hi ' + contact.name }}!")]
    [InlineData("{{ if contact.country }}Hi {{ contact.name }}{{ end }}")]
    [InlineData("{{ if !contact.name }}Hi {{ contact.name }}{{ end }}")]
    [InlineData("{{ if contact.name || contact.country }}Hi {{ contact.name }}{{ end }}")]
    [InlineData("{{ contact.name ? 'Hi' : contact.name }}")]
    [InlineData("Ask about {{ message.text }}")]
    [InlineData("Team {{ conversation.team }}")]
    public void Compile_MissingValueWithoutFallback_Warns(string text)
    {
        Assert.Equal(["FA1407"], Codes(text));
    }

    [Theory]
    [InlineData("Hi {{ contact.name ?? 'there' }}!")]
    [InlineData("Hi {{ contact.name ?? 'there' | string.capitalize }}!")]
    [InlineData("Hi {{ contact.name | object.default 'there' }}!")]
    [InlineData("Hi {{ object.default contact.name 'there' }}!")]
    [InlineData("Hi{{ if contact.name }} {{ contact.name }}{{ end }}!")]
    [InlineData("Hi{{ if contact.name && contact.country }} {{ contact.name }}{{ end }}!")]
    [InlineData("{{ if contact.name == empty }}Hi{{ else }}Hi {{ contact.name }}{{ end }}")]
    [InlineData("{{ if !contact.name }}Hi{{ else if contact.country }}Hi {{ contact.name }}{{ end }}")]
    [InlineData("{{ contact.name ? 'Hi ' + contact.name : 'Hi' }}")]
    [InlineData("{{ if contact.name == 'Ann' }}Hi Ann{{ end }}")]
    [InlineData("{{ contact.name | string.size }} {{ contact.id }} {{ contact.tags.size }} {{ conversation.messages_left }}")]
    [InlineData("{{ n = contact.name }}Hi")]
    public void Compile_ValueWithFallbackOrTestedOrAlwaysThere_DoesNotWarn(string text)
    {
        Assert.Empty(Codes(text));
    }

    [Fact]
    public void Compile_ValueTheWhenRequires_DoesNotWarn()
    {
        Assert.Empty(Codes("You asked: {{ message.text }}", when: "when:\n  message.text: { contains: price }\n"));
        Assert.Empty(Codes("Hi {{ contact.name }}", when: "when:\n  any:\n    - contact.name: { starts_with: a }\n    - contact.name: { exists: true }\n"));
        Assert.Equal(["FA1407"], Codes("Hi {{ contact.name }}", when: "when:\n  any:\n    - contact.name: { starts_with: a }\n    - contact.country: SG\n"));
        Assert.Equal(["FA1407"], Codes("Hi {{ contact.name }}", when: "when:\n  contact.name: { not_equals: Ann }\n"));
    }

    [Fact]
    public void Compile_FollowUpWhen_CoversTheFollowUpsReplies()
    {
        const string Flow = "flow: t\non: message.received\nthen:\n  - follow_up:\n      after: 1h\n      when: { contact.name: { exists: true } }\n      then:\n        - reply: \"Hi {{ contact.name }}\"\n  - reply: \"Hi {{ contact.name }}\"\n";

        var diagnostics = new FlowCompiler().CompileTexts(("flows/t.yaml", Flow)).Diagnostics;

        Assert.Equal(["flows/t.yaml(9,19)"], diagnostics.Where(d => d.Code == "FA1407").Select(d => d.Span.ToString()));
    }

    [Fact]
    public void Compile_SetValues_AreNotCheckedForMissingValues()
    {
        const string Flow = "flow: t\non: lead.submitted\nthen:\n  - set: { email: \"{{ lead.fields.email }}\", tag: \"{{ event.tag }}\" }\n";

        var codes = new FlowCompiler().CompileTexts(("flows/t.yaml", Flow)).Diagnostics.Select(d => d.Code);

        Assert.Equal(["FA1406"], codes);
    }

    [Theory]
    [InlineData("Hello {{ contact.name }}!", "Hello !")]
    [InlineData("{{ if contact.name }}Hello {{ contact.name }}{{ else }}Hi{{ end }} there", "Hi there")]
    [InlineData("{{ if contact.name }}Hello{{ end }}!", "!")]
    [InlineData("{{ for t in contact.tags }}tag {{ t }}{{ end }}.", ".")]
    [InlineData("A{{ 'bc' }}{{ x = 'long text' }}{{ x }}", "Abc")]
    [InlineData("{{ case contact.country }}{{ when 'SG' }}Singapore{{ when 'MY' }}Malaysia{{ else }}SEA{{ end }}", "SEA")]
    [InlineData("{{ case contact.country }}{{ when 'SG' }}Singapore{{ end }}", "")]
    public void Compile_MinimumText_IsWhatEveryRenderContains(string text, string minimum)
    {
        var yaml = $"flow: t\non: message.received\nthen:\n  - reply: \"{text}\"\n";

        var reply = (ReplyAction)new FlowCompiler().CompileTexts(("flows/t.yaml", yaml)).Flows.Single().Then[0];

        Assert.Equal(minimum, reply.Text!.MinimumText);
    }

    [Fact]
    public void Compile_TextLongOnlyInOneBranch_IsNotRefused()
    {
        var longText = new string('x', 7000);

        var codes = Codes("{{ if contact.country }}" + longText + "{{ else }}short{{ end }}");

        Assert.DoesNotContain("FA2004", codes);
        Assert.Contains("FA2004", Codes(longText + "{{ contact.name ?? 'there' }}"));
    }
}
