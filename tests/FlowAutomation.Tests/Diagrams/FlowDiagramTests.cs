using FlowAutomation.Compilation;
using FlowAutomation.Diagrams;
using FlowAutomation.Model;

namespace FlowAutomation.Tests.Diagrams;

public sealed class FlowDiagramTests
{
    private static FlowDefinition Flow(string yaml)
    {
        var result = new FlowCompiler().CompileTexts(("f.yaml", yaml));
        Assert.Empty(result.Diagnostics);
        return Assert.Single(result.Flows);
    }

    private static readonly string LeadFlow = """
        flow: lead-nudge
        on: lead.submitted
        when:
          lead.form_id: spring
          any:
            - contact.country: { in: [SG, MY] }
            - not: { contact.tags: { has: blocked } }
        then:
          - tag: lead
          - reply: { text: "Thanks {{contact.id}}!" }
          - follow_up:
              after: 1d
              unless: customer_replied
              then:
                - reply: "Still there?"
          - stop
        """;

    [Fact]
    public void Render_Mermaid_DrawsTriggerConditionsActionsAndFollowUps()
    {
        var text = FlowDiagram.Render(Flow(LeadFlow), DiagramFormat.Mermaid);

        Assert.Equal(
            """
            flowchart TD
              n0(["lead-nudge<br/>on lead.submitted"])
              n1{{"all of"}}
              n2{"lead.form_id equals #quot;spring#quot;"}
              n3{{"any of"}}
              n4{"contact.country in [#quot;SG#quot;, #quot;MY#quot;]"}
              n5{{"not"}}
              n6{"contact.tags has #quot;blocked#quot;"}
              n7((" "))
              n8(["not fired"])
              n9["tag lead"]
              n10[/"reply #quot;Thanks {{contact.id}}!#quot;"/]
              n11[["after 24h unless the customer replied"]]
              n12[/"reply #quot;Still there?#quot;"/]
              n13(["stop"])
              n2 --> n1
              n4 --> n3
              n6 --> n5
              n5 --> n3
              n3 --> n1
              n0 --> n1
              n1 -- yes --> n7
              n1 -- no --> n8
              n7 --> n9
              n9 --> n10
              n10 --> n11
              n11 --> n12
              n10 --> n13

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Render_Dot_EscapesQuotesAndIsAGraph()
    {
        var text = FlowDiagram.Render(Flow(LeadFlow), DiagramFormat.Dot);

        Assert.StartsWith("digraph \"lead-nudge\" {", text, StringComparison.Ordinal);
        Assert.Contains("label=\"reply \\\"Thanks {{contact.id}}!\\\"\", shape=note", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Equal(text.Count(c => c == '{'), text.Count(c => c == '}'));
    }
}
