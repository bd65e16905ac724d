using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using FlowAutomation.Model;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Rules;

/// <summary>
/// FsCheck generators of flow sets (as model objects) and events over a small, tricky vocabulary: mixed case and Unicode
/// case pairs, fragments of words, phrases with odd whitespace, punctuation, emoji, CJK, combining marks and
/// supplementary-plane letters, so that random texts hit random keywords often.
/// </summary>
internal static class RuleGenerators
{
    public static readonly string[] Words =
    [
        "price", "Price", "PRÍCE", "príce", "cost", "COST", "hank", "thanks", "how", "much", "bundle", "e-mail",
        "价格", "这个价格多少", "価格", "가격이", "ราคา", "🔥", "❤️", "ΣΟΦΙΑ", "σοφια", "iphone", "5", "$5", "cafe\u0301",
        "\U00010400", "\U00010428", "x", "pricey",
    ];

    /// <summary>A few words drawn more often, so that random keywords and random texts meet.</summary>
    public static readonly string[] Hot = ["price", "PRÍCE", "cost", "hank", "价格", "🔥", "how much"];

    public static readonly string[] Fragments = ["ric", "ank", "格", "PRI", "e-", "ho", "🔥d"];

    public static readonly string[] Phrases = ["how much", "HOW  much", "price cost", " thanks ", "much\tprice"];

    public static readonly string[] Separators = [" ", "  ", "\t", "?", "! ", ",", "", "\u00A0", "-", "\n"];

    public static readonly string[] Countries = ["SG", "sg", "MY", "US", "ID"];

    public static readonly string[] Tags = ["vip", "VIP", "hot", "cold", "new"];

    public static readonly string[] Patterns = ["pri.e", "^how", "\\d", "价", "much$", "(?i)COST"];

    public static readonly DateTimeOffset[] Times =
    [
        new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), new(2026, 3, 2, 23, 30, 0, TimeSpan.Zero),
        new(2026, 3, 3, 3, 0, 0, TimeSpan.Zero), new(2026, 3, 8, 12, 0, 0, TimeSpan.Zero),
    ];

    public static readonly BusinessHoursCondition[] Hours =
    [
        new([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], new TimeOnly(9, 0), new TimeOnly(18, 0), false, TimeZoneInfo.Utc),
        new([DayOfWeek.Monday], new TimeOnly(22, 0), new TimeOnly(6, 0), false, TimeZoneInfo.Utc),
        new([.. Enum.GetValues<DayOfWeek>()], new TimeOnly(12, 0), TimeOnly.MaxValue, true, TimeZoneInfo.FindSystemTimeZoneById("Asia/Singapore")),
    ];

    /// <summary>Answers to "what is your budget?": numbers written every way the reader accepts, and texts it refuses.</summary>
    public static readonly string[] Answers =
    [
        "1000", "1,000", "$1,000", "$2,000", "€ 1 200", "1\u00A0200 €", "1200 SGD", "SGD 1,200", "RM1,500", "1,500.50", "999.5",
        "500", "-5", "$-5", "+1000", "１５００", "٢٠٠٠", "0", "0.00", "007", " 1000 ", "1,500,000", "S$2,000",
        "about two grand", "", "  ", "1,5", "1.000.000", "1e3", "5k", "20%", "1000-2000", "N/A", "unsure", "UNSURE", "1500.", ".5",
    ];

    /// <summary>Values of equals and in on a text that reads numbers: as written, and the number when written as one.</summary>
    private static readonly (string Text, double? Number)[] NumericValues =
    [
        ("1000", 1000), ("500", 500), ("1200", 1200), ("-5", -5), ("0", 0), ("1e3", 1000), ("1,000", null), ("N/A", null), ("unsure", null), ("$2,000", null),
    ];

    private static readonly FieldPath Text = new(PathId.MessageText, null);

    private static readonly FieldPath LeadBudget = new(PathId.LeadField, "budget");

    private static readonly FieldPath ContactBudget = new(PathId.ContactField, "budget");

    public static Gen<string> Keyword { get; } = Gen.Frequency((4, Gen.Elements(Hot)), (4, Gen.Elements(Words)), (1, Gen.Elements(Fragments)), (2, Gen.Elements(Phrases)));

    public static Gen<string?> MessageText { get; } = Gen.Frequency(
        (1, Gen.Constant<string?>(null)),
        (9, Gen.Choose(0, 8).SelectMany(n => Gen.ListOf(Gen.Zip(Gen.Frequency((3, Gen.Elements(Hot)), (4, Gen.Elements(Words)), (1, Gen.Elements(Fragments))), Gen.Elements(Separators)), n))
            .Select(parts => (string?)string.Concat(parts.Select(p => p.Item1 + p.Item2)))));

    private static Gen<ImmutableArray<T>> ListOf<T>(Gen<T> item) =>
        Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(item, n)).Select(l => l.ToImmutableArray());

    private static Gen<bool> Chance(int inTen) => Gen.Frequency((inTen, Gen.Constant(true)), (10 - inTen, Gen.Constant(false)));

    private static TestCondition Test(FieldPath path, TestOperator op, ImmutableArray<string> values = default, double? number = null, bool? flag = null, string? pattern = null, bool wholeWord = false) =>
        new(path, op, values.IsDefault ? [] : values, number, flag,
            pattern is null ? null : new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)),
            wholeWord && op is TestOperator.Contains or TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains);

    private static Gen<Condition> TextTest(FieldPath path) =>
        from op in Gen.Elements(
            TestOperator.Contains, TestOperator.ContainsAny, TestOperator.ContainsAll, TestOperator.NotContains, TestOperator.ContainsAny,
            TestOperator.StartsWith, TestOperator.EndsWith, TestOperator.Matches, TestOperator.Exists, TestOperator.Equals, TestOperator.In,
            TestOperator.NotEquals, TestOperator.NotIn)
        from keywords in ListOf(Keyword)
        from wholeWord in Chance(7)
        from flag in Chance(5)
        from pattern in Gen.Elements(Patterns)
        select (Condition)(op switch
        {
            TestOperator.Exists => Test(path, op, flag: flag),
            TestOperator.Matches => Test(path, op, pattern: pattern),
            TestOperator.ContainsAny or TestOperator.ContainsAll or TestOperator.NotContains or TestOperator.In or TestOperator.NotIn => Test(path, op, keywords, wholeWord: wholeWord),
            _ => Test(path, op, [keywords[0]], wholeWord: wholeWord),
        });

    private static Gen<Condition> ValueTest(FieldPath path, string[] pool) =>
        from op in Gen.Elements(TestOperator.Equals, TestOperator.In, TestOperator.NotEquals, TestOperator.NotIn, TestOperator.Exists, TestOperator.StartsWith)
        from values in ListOf(Gen.Elements(pool))
        from flag in Chance(5)
        select (Condition)(op switch
        {
            TestOperator.Exists => Test(path, op, flag: flag),
            TestOperator.In or TestOperator.NotIn => Test(path, op, values),
            _ => Test(path, op, [values[0]]),
        });

    private static Gen<Condition> TagTest { get; } =
        from op in Gen.Elements(TestOperator.Has, TestOperator.HasAny, TestOperator.Lacks, TestOperator.Exists)
        from values in ListOf(Gen.Elements(Tags))
        from flag in Chance(5)
        select (Condition)(op switch
        {
            TestOperator.Exists => Test(new FieldPath(PathId.ContactTags, null), op, flag: flag),
            TestOperator.Has => Test(new FieldPath(PathId.ContactTags, null), op, [values[0]]),
            _ => Test(new FieldPath(PathId.ContactTags, null), op, values),
        });

    private static Gen<Condition> NumberTest(PathId path, double[] numbers) =>
        from op in Gen.Elements(TestOperator.Gt, TestOperator.Gte, TestOperator.Lt, TestOperator.Lte, TestOperator.Equals, TestOperator.NotEquals)
        from n in Gen.Elements(numbers)
        select (Condition)Test(new FieldPath(path, null), path == PathId.ConversationWindowClosesIn && op is TestOperator.Equals or TestOperator.NotEquals ? TestOperator.Gt : op, number: n);

    /// <summary>Numbers in text fields: gt/gte/lt/lte, and equals/in/not_equals/not_in with values written as numbers.</summary>
    private static Gen<Condition> NumericTextTest(FieldPath path) =>
        from op in Gen.Elements(TestOperator.Gt, TestOperator.Gte, TestOperator.Lt, TestOperator.Lte, TestOperator.Equals, TestOperator.NotEquals, TestOperator.In, TestOperator.NotIn)
        from n in Gen.Elements(-5.0, 0, 500, 999.5, 1000, 1200, 1500, 2000)
        from values in ListOf(Gen.Elements(NumericValues))
        select (Condition)(op switch
        {
            TestOperator.Gt or TestOperator.Gte or TestOperator.Lt or TestOperator.Lte => Test(path, op, number: n),
            TestOperator.Equals or TestOperator.NotEquals => Test(path, op, [values[0].Text]) with { ValueNumbers = values[0].Number is null ? [] : [values[0].Number] },
            _ => Test(path, op, [.. values.Select(v => v.Text)]) with { ValueNumbers = values.All(v => v.Number is null) ? [] : [.. values.Select(v => v.Number)] },
        });

    private static Gen<Condition> FlagTest { get; } =
        from op in Gen.Elements(TestOperator.Equals, TestOperator.NotEquals, TestOperator.Exists)
        from flag in Chance(5)
        select (Condition)Test(new FieldPath(PathId.ConversationIsFirstMessage, null), op, flag: flag);

    /// <summary>The benchmark's shape, which takes the network's exact pair-anchor path.</summary>
    private static Gen<Condition> KeywordAndCountry { get; } =
        from keywords in ListOf(Keyword)
        from country in Gen.Elements(Countries)
        from wholeWord in Chance(8)
        select (Condition)new AllCondition([Test(Text, TestOperator.ContainsAny, keywords, wholeWord: wholeWord), Test(new FieldPath(PathId.ContactCountry, null), TestOperator.Equals, [country])]);

    public static Gen<Condition> Atom { get; } = Gen.Frequency(
        (8, TextTest(Text)),
        (2, TextTest(new FieldPath(PathId.ContactName, null))),
        (3, ValueTest(new FieldPath(PathId.ContactCountry, null), Countries)),
        (2, ValueTest(new FieldPath(PathId.EventTag, null), Tags)),
        (3, TagTest),
        (2, NumberTest(PathId.ConversationInboundCount, [0, 1, 3, 5])),
        (1, NumberTest(PathId.ConversationWindowClosesIn, [0, 1800, 3600, 7200])),
        (1, FlagTest),
        (1, Gen.Elements(Hours).Select(h => (Condition)h)),
        (3, KeywordAndCountry),
        (2, NumericTextTest(LeadBudget)),
        (1, NumericTextTest(ContactBudget)),
        (1, NumericTextTest(Text)));

    public static Gen<Condition> Condition(int depth) => depth == 0 ? Atom : Gen.Frequency(
        (4, Atom),
        (2, Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Condition(depth - 1), n)).Select(l => (Condition)new AllCondition([.. l]))),
        (2, Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Condition(depth - 1), n)).Select(l => (Condition)new AnyCondition([.. l]))),
        (1, Condition(depth - 1).Select(c => (Condition)new NotCondition(c))),
        (2, Gen.Choose(2, 4).SelectMany(n => Gen.ListOf(Atom, n)).Select(l => (Condition)new AllCondition([.. l]))));

    private static Gen<FlowAction> Action { get; } = Gen.Frequency(
        (4, Gen.Constant<FlowAction>(new CloseAction())),
        (4, ListOf(Gen.Elements(Tags)).Select(t => (FlowAction)new TagAction(t))),
        (1, ListOf(Gen.Elements(Tags)).Select(t => (FlowAction)new UntagAction(t))),
        (1, Gen.Constant<FlowAction>(new StopAction())));

    public static Gen<FlowDefinition> Flow(int index) =>
        from priority in Gen.Choose(0, 3)
        from trigger in Gen.Frequency((6, Gen.Constant(EventKind.MessageReceived)), (3, Gen.Constant(EventKind.ContactTagged)), (1, Gen.Constant(EventKind.LeadSubmitted)))
        from oncePer in Gen.Frequency((8, Gen.Constant(OncePer.None)), (1, Gen.Constant(OncePer.Contact)), (1, Gen.Constant(OncePer.Conversation)))
        from enabled in Chance(9)
        from hasWhen in Chance(9)
        from when in Condition(3)
        from actions in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Action, n))
        select new FlowDefinition($"f{index}", null, null, enabled, priority, trigger, oncePer, hasWhen ? when : null, [.. actions], default) { Order = index };

    public static Gen<List<FlowDefinition>> FlowSet { get; } =
        Gen.Choose(1, 12).SelectMany(n => Gen.CollectToList(Enumerable.Range(0, n), Flow));

    private static Gen<string?> Answer { get; } = Gen.Frequency((1, Gen.Constant<string?>(null)), (6, Gen.Elements(Answers).Select(a => (string?)a)));

    private static ImmutableDictionary<string, string> Fields(string? budget) =>
        budget is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add("budget", budget);

    public static Gen<FactSnapshot> Event { get; } =
        from kind in Gen.Frequency((6, Gen.Constant(EventKind.MessageReceived)), (2, Gen.Constant(EventKind.ContactTagged)), (2, Gen.Constant(EventKind.LeadSubmitted)))
        from text in Gen.Frequency((5, MessageText), (1, Gen.Elements(Answers).Select(a => (string?)a)))
        from leadBudget in Answer
        from contactBudget in Answer
        from name in Gen.Elements<string?>("Ann Lee", "PRÍCE hank", null, "")
        from country in Gen.Elements<string?>("SG", "sg", "MY", "US", null)
        from tags in Gen.SubListOf(Tags)
        from tag in Gen.Elements(Tags)
        from inbound in Gen.Choose(0, 5)
        from first in Chance(5)
        from window in Gen.Elements(0, 1800, 3600, 10800)
        from at in Gen.Elements(Times)
        select new FactSnapshot(
            kind switch
            {
                EventKind.MessageReceived => FlowEvent.MessageReceived(at, new InboundMessage(text is null ? MessageType.Image : MessageType.Text, text)),
                EventKind.ContactTagged => FlowEvent.ContactTagged(at, tag),
                _ => FlowEvent.LeadSubmitted(at, new LeadSubmission("form", "Form", null, null, Fields(leadBudget))),
            },
            new ContactFacts("u-1", name, country, "en", ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, tags), Fields(contactBudget)),
            new ConversationFacts("c-1", first, inbound, null, "sales", 5, TimeSpan.FromSeconds(window)));

    /// <summary>Flows as text, for a failing case's report.</summary>
    public static string Describe(IEnumerable<FlowDefinition> flows) => string.Join("\n", flows.Select(f =>
        $"{f.Id} p{f.Priority} {f.Trigger}{(f.Enabled ? string.Empty : " disabled")}{(f.OncePer == OncePer.None ? string.Empty : " once_per " + f.OncePer)}: "
        + Describe(f.When) + " → " + string.Join(", ", f.Then.Select(a => a switch
        {
            TagAction t => "tag " + string.Join("/", t.Tags),
            UntagAction u => "untag " + string.Join("/", u.Tags),
            _ => a.GetType().Name,
        }))));

    public static string Describe(Condition? c) => c switch
    {
        null => "always",
        AllCondition all => "all(" + string.Join(", ", all.Items.Select(Describe)) + ")",
        AnyCondition any => "any(" + string.Join(", ", any.Items.Select(Describe)) + ")",
        NotCondition not => "not(" + Describe(not.Inner) + ")",
        BusinessHoursCondition h => $"hours({string.Join("/", h.Days)} {h.From}-{h.To} {h.Zone.Id})",
        TestCondition t => $"{t.Path} {t.Operator}{(t.WholeWord ? string.Empty : "~")} [{string.Join("|", t.Values.Select(Escape))}]{t.Number}{t.Flag}{t.Regex}"
            + (t.ValueNumbers.IsDefaultOrEmpty ? string.Empty : "#[" + string.Join("|", t.ValueNumbers) + "]"),
        _ => "?",
    };

    public static string Describe(FactSnapshot f) =>
        $"{f.Event.Kind} text={Escape(f.Event.Message?.Text)} tag={f.Event.Tag} at={f.Event.At:u} name={Escape(f.Contact.Name)} country={f.Contact.Country} "
        + $"lead.budget={Escape(f.Event.Lead?.Fields.GetValueOrDefault("budget"))} contact.budget={Escape(f.Contact.Fields.GetValueOrDefault("budget"))} "
        + $"tags=[{string.Join(",", f.Contact.Tags)}] first={f.Conversation.IsFirstMessage} inbound={f.Conversation.InboundCount} window={f.Conversation.WindowClosesIn}";

    private static string Escape(string? s)
    {
        if (s is null)
        {
            return "null";
        }

        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            b.Append(c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return b.Append('"').ToString();
    }
}
