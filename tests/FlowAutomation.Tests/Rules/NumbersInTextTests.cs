using System.Collections.Immutable;
using FlowAutomation.Compilation;
using FlowAutomation.Model;
using FlowAutomation.Rules;
using FsCheck;
using FsCheck.Fluent;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// Numbers in text fields (issue 9, item 11): the numeric operators on form answers, contact fields and messages, the
/// way a text is read as a number, and what the explanation says when it is not one.
/// </summary>
public sealed class NumbersInTextTests
{
    [Theory]
    [InlineData("1500", 1500.0)]
    [InlineData("  1500  ", 1500.0)]
    [InlineData("1,500", 1500.0)]
    [InlineData("1,500,000.25", 1500000.25)]
    [InlineData("$2,000", 2000.0)]
    [InlineData("€ 1 200", 1200.0)]
    [InlineData("1\u00A0200 €", 1200.0)]
    [InlineData("1\u202F200,50", null)]
    [InlineData("S$2,000", 2000.0)]
    [InlineData("US$ 1,000.99", 1000.99)]
    [InlineData("SGD 1,200", 1200.0)]
    [InlineData("1200 sgd", 1200.0)]
    [InlineData("RM1,500", 1500.0)]
    [InlineData("$2,000 USD", 2000.0)]
    [InlineData("-5", -5.0)]
    [InlineData("-$5", -5.0)]
    [InlineData("$-5", -5.0)]
    [InlineData("+1000", 1000.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("007", 7.0)]
    [InlineData("１５００", 1500.0)]
    [InlineData("٢٠٠٠", 2000.0)]
    [InlineData("about two grand", null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("1,5", null)]
    [InlineData("1500,000", null)]
    [InlineData("1.000.000", null)]
    [InlineData("Rp 1.000.000", null)]
    [InlineData("1e3", null)]
    [InlineData("5k", null)]
    [InlineData("20%", null)]
    [InlineData("1000-2000", null)]
    [InlineData("2000 dollars", null)]
    [InlineData("No 5", null)]
    [InlineData(".5", null)]
    [InlineData("1500.", null)]
    [InlineData("- 5", null)]
    [InlineData("+-5", null)]
    [InlineData("-$-5", null)]
    [InlineData("$", null)]
    [InlineData("USD", null)]
    [InlineData("1,000 000", null)]
    public void TryReadNumber_Text_ReadsAsDocumented(string text, double? expected)
    {
        var read = ConditionSemantics.TryReadNumber(text, out var number);

        Assert.Equal(expected, read ? number : null);
        Assert.Equal(expected, NaiveNumbers.Read(text));
    }

    [Fact]
    public void TryReadNumber_RandomTexts_AgreesWithTheNaiveReader()
    {
        var alphabet = Gen.Elements("0", "1", "5", "9", "12", "000", "１", "٣", ",", ".", " ", "  ", "\u00A0", "\u202F", "-", "+", "$", "€", "S", "SGD", "usd", "RM", "k", "x", "e");
        var texts = Gen.Choose(0, 10).SelectMany(n => Gen.ListOf(alphabet, n)).Select(parts => string.Concat(parts));

        Prop.ForAll(Arb.From(texts), text =>
        {
            var read = ConditionSemantics.TryReadNumber(text, out var number);
            Assert.True(NaiveNumbers.Read(text) == (read ? number : null), $"'{text}': reader {(read ? number : "not a number")}, naive {NaiveNumbers.Read(text)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not a number"}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));
    }

    [Fact]
    public void Compile_NumericOperatorOnFormAnswer_IsAccepted()
    {
        var compilation = new FlowCompiler().CompileTexts(("flows/budget.yaml", """
            flow: qualified-lead
            on: lead.submitted
            when:
              lead.fields.budget: { gte: 1000 }
              contact.fields.seats: { gt: 2, lte: 50 }
            then:
              - tag: qualified
            """));

        Assert.Empty(compilation.Diagnostics);
        var tests = ((AllCondition)compilation.Flows[0].When!).Items.OfType<TestCondition>().ToList();
        Assert.Equal((PathId.LeadField, TestOperator.Gte, 1000.0), (tests[0].Path.Id, tests[0].Operator, tests[0].Number));
    }

    [Theory]
    [InlineData("contact.name: { gt: 20 }", "FA1204")]
    [InlineData("lead.form_id: { gte: 100 }", "FA1204")]
    [InlineData("message.type: { lt: 2 }", "FA1204")]
    [InlineData("lead.fields.budget: { gte: 2h }", "FA1206")]
    [InlineData("lead.fields.budget: { gte: lots }", "FA1206")]
    [InlineData("lead.fields.budget: { has: vip }", "FA1204")]
    public void Compile_NumericOperatorWhereNoNumberIsRead_IsRefused(string when, string code)
    {
        var compilation = new FlowCompiler().CompileTexts(("flows/t.yaml", FlowWhen("t", when, on: "lead.submitted")));

        Assert.Equal([code], compilation.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Compile_EqualsWithNumber_KeepsTheNumberAndQuotedValuesStayText()
    {
        var when = (AllCondition)Flows(FlowWhen("t", """
            lead.fields.budget: 1000
            lead.fields.code: "007"
            lead.fields.size: { in: [S, 10, "12"] }
            contact.name: 5
            """, on: "lead.submitted"))[0].When!;
        var tests = when.Items.Cast<TestCondition>().ToList();

        Assert.Equal(new double?[] { 1000 }, tests[0].ValueNumbers.ToArray());
        Assert.Empty(tests[1].ValueNumbers);
        Assert.Equal(new double?[] { null, 10, null }, tests[2].ValueNumbers.ToArray());
        Assert.Empty(tests[3].ValueNumbers);
    }

    /// <summary>A lead with the given budget answer (null: the form has no budget field), from a contact whose seats field is "12".</summary>
    private static FactSnapshot Lead(string? budget)
    {
        var fields = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase).Add("email", "ann@example.com");
        if (budget is not null)
        {
            fields = fields.Add("budget", budget);
        }

        var contact = Contact() with { Fields = Contact().Fields.Add("seats", "12") };
        return new FactSnapshot(FlowEvent.LeadSubmitted(Monday10Utc, new LeadSubmission("f", "Form", null, null, fields)), contact, Conversation);
    }

    [Theory]
    [InlineData("lead.fields.budget: { gte: 1000 }", "1000", true)]
    [InlineData("lead.fields.budget: { gte: 1000 }", "$2,000", true)]
    [InlineData("lead.fields.budget: { gte: 1000 }", "€ 1 200", true)]
    [InlineData("lead.fields.budget: { gte: 1000 }", "999.99", false)]
    [InlineData("lead.fields.budget: { gte: 1000 }", "about two grand", false)]
    [InlineData("lead.fields.budget: { gte: 1000 }", null, false)]
    [InlineData("lead.fields.budget: { lt: 1000 }", "about two grand", false)]
    [InlineData("lead.fields.budget: { gt: 500, lt: 1500 }", "1,200", true)]
    [InlineData("not: { lead.fields.budget: { gte: 1000 } }", "about two grand", true)]
    [InlineData("lead.fields.budget: 1000", "$1,000.00", true)]
    [InlineData("lead.fields.budget: 1000", "1000", true)]
    [InlineData("lead.fields.budget: 1000", "one thousand", false)]
    [InlineData("lead.fields.budget: \"1000\"", "$1,000", false)]
    [InlineData("lead.fields.budget: { not_equals: 0 }", "N/A", true)]
    [InlineData("lead.fields.budget: { not_equals: 0 }", "0.00", false)]
    [InlineData("lead.fields.budget: { not_equals: 0 }", null, true)]
    [InlineData("lead.fields.budget: [500, 1000, unsure]", "UNSURE", true)]
    [InlineData("lead.fields.budget: [500, 1000, unsure]", "1,000", true)]
    [InlineData("lead.fields.budget: { not_in: [500, 1000] }", "$500", false)]
    [InlineData("lead.fields.budget: { not_in: [500, 1000] }", "700", true)]
    [InlineData("contact.fields.seats: { gte: 10 }", "ignored", true)]
    [InlineData("lead.fields.budget: { gte: 1000 }\ncontact.fields.seats: { lt: 10 }", "5000", false)]
    public void Evaluate_NumbersInTextFields_MatchExpectation(string when, string? budget, bool expected)
    {
        var flows = Flows(FlowWhen("t", when, on: "lead.submitted"));
        var facts = Lead(budget);

        Assert.Equal(expected, Fired(RuleNetwork.Build(flows), facts).Count == 1);
        Assert.Equal(expected, NaiveFired(flows, facts).Count == 1);
        Assert.Equal(expected, RuleNetwork.Build(flows).Explain(facts).Flows[0].Fired);
    }

    [Theory]
    [InlineData("25", true)]
    [InlineData("I need 25", false)]
    [InlineData("25 pcs", false)]
    public void Evaluate_NumericOperatorOnMessage_ReadsTheWholeMessage(string text, bool expected)
    {
        var network = Network(FlowWhen("bulk", "message.text: { gte: 20 }"));

        Assert.Equal(expected, Fired(network, Message(text)).Count == 1);
    }

    [Fact]
    public void Explain_AnswerNotANumber_SaysSo()
    {
        var network = Network(FlowWhen("qualified-lead", "lead.fields.budget: { gte: 1000 }", on: "lead.submitted"));

        var condition = network.Explain(Lead("about two grand")).Flows[0].Condition!;

        Assert.False(condition.Result);
        Assert.Equal("about two grand", condition.Actual);
        Assert.Equal("'about two grand' is not a number", condition.Note);
        Assert.Equal("lead.fields.budget gte [1000]: actual \"about two grand\" ('about two grand' is not a number) → false", condition.ToString());
    }

    [Theory]
    [InlineData("lead.fields.budget: { gte: 1000 }", "$2,000", "'$2,000' reads as 2000")]
    [InlineData("lead.fields.budget: { gte: 1000 }", "2000", null)]
    [InlineData("lead.fields.budget: { gte: 1000 }", "  ", "an empty text is not a number")]
    [InlineData("lead.fields.budget: { gte: 1000 }", null, null)]
    [InlineData("lead.fields.budget: [1000, unsure]", "Unsure", null)]
    [InlineData("lead.fields.budget: [1000, unsure]", "$1,000", "'$1,000' reads as 1000")]
    [InlineData("lead.fields.budget: [\"1000\", unsure]", "$1,000", null)]
    [InlineData("contact.name: { starts_with: A }", "$1,000", null)]
    public void Explain_NumberRead_SaysHowWhenItWasWrittenOtherwise(string when, string? budget, string? note)
    {
        var network = Network(FlowWhen("qualified-lead", when, on: "lead.submitted"));

        Assert.Equal(note, network.Explain(Lead(budget)).Flows[0].Condition!.Note);
    }

    [Fact]
    public void Evaluate_WarmSessionWithNumbersInText_AllocatesNothing()
    {
        var network = Network(
            FlowWhen("qualified", "lead.fields.budget: { gte: 1000 }", on: "lead.submitted")
            + "---\n" + FlowWhen("small", "lead.fields.budget: { lt: 1000, not_equals: 0 }", on: "lead.submitted")
            + "---\n" + FlowWhen("exact", "lead.fields.budget: [500, 1000, unsure]", on: "lead.submitted"));
        var session = network.CreateSession();
        var events = new[] { "$2,000", "800", "about two grand", "1,000", "€ 1 200", "0", "unsure" }.Select(Lead).ToArray();
        var fired = 0;
        foreach (var e in events)
        {
            fired += session.Evaluate(e).Count;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            foreach (var e in events)
            {
                fired += session.Evaluate(e).Count;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(fired > 0);
        Assert.Equal(0, allocated);
    }
}
