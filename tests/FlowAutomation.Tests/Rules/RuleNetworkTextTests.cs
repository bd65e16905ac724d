using FlowAutomation.Rules;
using static FlowAutomation.Tests.Rules.RuleTestKit;

namespace FlowAutomation.Tests.Rules;

/// <summary>Case folding, punctuation, whitespace, emoji and scripts written without spaces; network and naive evaluator alike.</summary>
public sealed class RuleNetworkTextTests
{
    [Theory]
    // Unicode case folding
    [InlineData("PRÍCE?", "príce", true)]
    [InlineData("príce", "PRÍCE", true)]
    [InlineData("ΣΟΦΙΑ", "σοφια", true)]
    [InlineData("\U00010400\U00010401", "\U00010428\U00010429", true)] // Deseret capitals fold to their small letters
    [InlineData("Ａｐｐｌｅ", "ａｐｐｌｅ", true)] // fullwidth Latin
    // punctuation next to a word is a boundary; letters and digits are not
    [InlineData("What's the price?", "price", true)]
    [InlineData("(price)", "price", true)]
    [InlineData("price,cost", "cost", true)]
    [InlineData("don't", "don", true)]
    [InlineData("thanks!", "hank", false)]
    [InlineData("pricey", "price", false)]
    [InlineData("price2", "price", false)]
    [InlineData("my e-mail?", "E-MAIL", true)]
    [InlineData("only $5!", "$5", true)]
    [InlineData("only $5x", "$5", false)]
    [InlineData("cafe\u0301", "cafe", false)] // a combining accent continues the word
    // whitespace runs in the text match one space in the keyword; the keyword is trimmed
    [InlineData("HOW  MUCH?", "how much", true)]
    [InlineData("how\tmuch", "how much", true)]
    [InlineData("how\n\nmuch", "how  much", true)]
    [InlineData("how\u00A0much", "how much", true)]
    [InlineData("howmuch", "how much", false)]
    [InlineData("price", "  price ", true)]
    // emoji match anywhere
    [InlineData("so hot🔥deal", "🔥", true)]
    [InlineData("I ❤️ it", "❤️", true)]
    [InlineData("so hot🔥deal", "hot🔥", true)]
    [InlineData("so shot🔥deal", "hot🔥", false)]
    // scripts written without spaces match inside text; a Latin word may touch them
    [InlineData("这个价格多少", "价格", true)]
    [InlineData("この価格は？", "価格", true)]
    [InlineData("가격이 얼마예요?", "가격", true)]
    [InlineData("ราคาเท่าไหร่", "ราคา", true)]
    [InlineData("我想买iPhone价格", "iphone", true)]
    [InlineData("我想买iPhones", "iphone", false)]
    [InlineData("这个价钱多少", "价格", false)]
    public void Evaluate_ContainsWholeWord_FollowsTextRules(string text, string keyword, bool expected)
    {
        var flows = Flows(FlowWhen("t", $"message.text: {{ contains: {Yaml(keyword)} }}"));
        var facts = Message(text);

        Assert.Equal(expected, Fired(RuleNetwork.Build(flows), facts).Count == 1);
        Assert.Equal(expected, NaiveFired(flows, facts).Count == 1);
    }

    [Theory]
    [InlineData("thanks", "hank", true)]
    [InlineData("pricey", "price", true)]
    [InlineData("PRICEY", "price", true)]
    [InlineData("this is the bundle", "is the", true)]
    [InlineData("howmuch", "how much", false)]
    [InlineData("这个价钱多少", "价格", false)]
    public void Evaluate_WholeWordFalse_MatchesFragments(string text, string keyword, bool expected)
    {
        var flows = Flows(FlowWhen("t", $"message.text: {{ contains: {Yaml(keyword)}, whole_word: false }}"));
        var facts = Message(text);

        Assert.Equal(expected, Fired(RuleNetwork.Build(flows), facts).Count == 1);
        Assert.Equal(expected, NaiveFired(flows, facts).Count == 1);
    }

    [Fact]
    public void Evaluate_SameKeywordWholeAndPartial_EachTestKeepsItsMode()
    {
        var flows = Flows(
            FlowWhen("whole", "message.text: { contains: hank }") + "---\n" +
            FlowWhen("partial", "message.text: { contains: hank, whole_word: false }"));
        var network = RuleNetwork.Build(flows);

        Assert.Equal(["partial"], Fired(network, Message("thanks")));
        Assert.Equal(["whole", "partial"], Fired(network, Message("Hank!")));
    }

    [Theory]
    [InlineData("Ann  Lee", false)] // equality does not collapse whitespace
    [InlineData("ANN LEE", true)]
    [InlineData("Ànn Lee", false)]
    public void Evaluate_TextEquality_FoldsCaseOnly(string name, bool expected)
    {
        var flows = Flows(FlowWhen("t", "contact.name: { in: [ann lee, bob] }"));
        var facts = Message("hi", Contact() with { Name = name });

        Assert.Equal(expected, Fired(RuleNetwork.Build(flows), facts).Count == 1);
        Assert.Equal(expected, NaiveFired(flows, facts).Count == 1);
    }

    [Fact]
    public void Evaluate_StartsWithUnicode_FoldsBothSides()
    {
        var flows = Flows(FlowWhen("t", "message.text: { starts_with: \"príce\" }"));
        var network = RuleNetwork.Build(flows);

        Assert.Single(Fired(network, Message("PRÍCE list please")));
        Assert.Empty(Fired(network, Message("the PRÍCE list")));
    }

    [Fact]
    public void Evaluate_LongMessage_GrowsTheBufferAndStillMatches()
    {
        var flows = Flows(FlowWhen("t", "message.text: { contains_all: [first, last] }"));
        var text = "first " + string.Concat(Enumerable.Repeat("filler words here ", 500)) + "LAST";

        Assert.Single(Fired(RuleNetwork.Build(flows), Message(text)));
    }

    private static string Yaml(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
