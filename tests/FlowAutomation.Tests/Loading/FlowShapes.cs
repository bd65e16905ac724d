using System.Text;
using FlowAutomation.Language;
using FlowAutomation.Model;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Loading;

/// <summary>
/// Generates flow documents shaped like the language, with keys and values drawn from its vocabulary and from
/// likely mistakes, nested in random ways, so that every binder sees both what it expects and what it does not.
/// </summary>
internal static class FlowShapes
{
    private static readonly string[] Keys =
    [
        .. FlowVocabulary.FlowKeys, .. FlowVocabulary.GroupKeys, .. FlowVocabulary.BusinessHoursKeys,
        .. FlowVocabulary.Operators.Select(o => o.Name), FlowVocabulary.WholeWordKey, .. FlowVocabulary.ActionNames,
        .. FlowVocabulary.AssignKeys, .. FlowVocabulary.ReplyKeys, .. FlowVocabulary.FollowUpKeys,
        .. PathCatalog.Names.Select(n => n.Replace("<name>", "email", StringComparison.Ordinal)),
        "thne", "txt", "contain", "message.txt", "lead.fields.", "contact.fields.first name", "", "1", "null",
    ];

    private static readonly string[] Scalars =
    [
        .. FlowVocabulary.Triggers.Select(t => t.Name), "schedule", "broadcast", "message.recieved",
        "24h", "1d", "0s", "1h30m", "PT2H", "P3D", "P99999999Y", "1 day", "-5m", "99999999999d",
        "09:00", "24:00", "9am", "23:59", "mon", "sunday", "Asia/Singapore", "UTC", "Mars/Base", "../../etc/passwd",
        "https://cdn.shop.example/a.png", "ftp://x/a.png", "http://x.example/a.gif", "https://", "7301234567890123456",
        "https://www.tiktok.com/@shop/video/7301234567890123456", "customer_replied", "round_robin", "least_open",
        "contact", "conversation", "window", "vip", "VIP customer!", "price", "how much", "(", "[a-z]+", "(a+)+$",
        "Hi {{contact.name}}", "{{#if contact.name}}x{{else}}y{{/if}}", "{{contact.nmae}}", "{{", "}}", "{{#each}}",
        "{contact.name}", "{{default contact.name \"there\"}}", "{{> p}}", "{{#if}}{{/each}}", "{{else}}",
        "", " ", "true", "false", "yes", "no", "12", "-3", "1.5", "NaN", "1e400", "2147483648", "~", "null",
        "text", "image", "share_post", "other", "ad", "short_link", "é", "😀", new string('x', 7_000),
    ];

    /// <summary>One flow: mostly the keys a flow has, in random order, with values of random shape.</summary>
    public static Gen<string> Flow { get; } =
        from id in Gen.Elements("welcome", "price-inquiry", "Bad Id", "x")
        from trigger in Gen.Elements(Scalars)
        from when in Value(3, ConditionKeys())
        from count in Gen.Choose(0, 4)
        from then in Gen.ListOf(Action(), count)
        from mask in Gen.Choose(0, 15)
        select Emit(mask, id, trigger, when, then);

    /// <summary>Conditions that are valid or nearly so, in every form the language allows.</summary>
    private static readonly string[] Conditions =
    [
        "message.text: price", "message.text: [price, cost]", "message.text: { contains: price }",
        "message.text: { contains_any: [price, \"how much\"], whole_word: false }", "message.text: { matches: \"^hi\" }",
        "message.text: { not_contains: [spam] }", "message.text: { starts_with: hi, ends_with: \"?\" }",
        "message.type: image", "message.type: { in: [text, image] }", "contact.tags: vip", "contact.tags: [vip, gold]",
        "contact.tags: { lacks: [spam, blocked] }", "contact.tags: { has: vip, lacks: spam }", "contact.country: { not_in: [US] }",
        "conversation.is_first_message: yes", "conversation.is_first_message: { equals: false }",
        "conversation.inbound_count: { gt: \"3\", lte: 10 }", "conversation.window_closes_in: { lt: 2h }",
        "conversation.messages_left: { gte: 1 }", "contact.fields.size: { exists: false }", "lead.fields.email: { exists: true }",
        "not: { contact.country: SG }", "any: [{ contact.country: SG }, { contact.language: en }]", "all: { contact.name: { exists: true } }",
        "business_hours: { from: \"22:00\", to: \"06:00\" }", "business_hours: { days: [SAT, sun], from: \"00:00\", to: \"24:00\", tz: UTC }",
        "event.tag: { in: [vip] }", "message.referral.source: { not_equals: ad }",
    ];

    /// <summary>Actions that are valid or nearly so, in every form the language allows.</summary>
    private static readonly string[] Actions =
    [
        "tag: vip", "tag: [a, b.c, d_e]", "untag: vip", "assign: maria", "assign: { agent: maria }",
        "assign: { team: sales, strategy: least_open }", "unassign", "unassign: true", "close", "close: yes", "stop: On",
        "report_spam: TRUE", "reply: hi", "reply: \"Hi {{contact.name}}\"", "reply: { text: \"Hi\", validity: 2h }",
        "reply: { image: \"https://x.example/a.JPG?s=1\" }", "reply: { share_post: abc_123-x }", "set: { size: M, email: \"{{lead.fields.email}}\" }",
        "set: { contact.fields.size: L }", "follow_up: { after: 1h, then: [close] }", "follow_up: { after: PT30M, unless: customer_replied, when: { contact.tags: vip }, then: [{ tag: x }] }",
        "stop", "stop: false", "close: off", "reply: { text: \"{contact.name}\" }", "set: {}", "tag: []",
    ];

    /// <summary>One flow of valid parts, now and then a wrong one, in varied order.</summary>
    public static Gen<string> MostlyValid { get; } =
        from trigger in Gen.Elements(FlowVocabulary.Triggers.Select(t => t.Name).ToArray())
        from conditionCount in Gen.Choose(0, 3)
        from conditions in Gen.ListOf(Gen.Elements(Conditions), conditionCount)
        from actionCount in Gen.Choose(1, 5)
        from actions in Gen.ListOf(Gen.Elements(Actions), actionCount)
        from extra in Gen.Elements("", "priority: 5\n", "enabled: no\n", "once_per: window\n", "name: \"Test: one\"\n")
        select $"flow: f\non: {trigger}\n{extra}"
            + (conditions.Count == 0 ? string.Empty : "when:\n" + string.Concat(conditions.Distinct().Select(c => $"  {c}\n")))
            + "then:\n" + string.Concat(actions.Select(a => $"  - {a}\n"));

    private static string[] ConditionKeys() =>
        [.. FlowVocabulary.GroupKeys, .. PathCatalog.Names.Select(n => n.Replace("<name>", "email", StringComparison.Ordinal)), .. Keys.Take(10)];

    private static string Emit(int mask, string id, string trigger, string when, IEnumerable<string> then)
    {
        var text = new StringBuilder();
        if ((mask & 1) == 0)
        {
            text.Append("flow: ").Append(Quote(id)).Append('\n');
        }

        if ((mask & 2) == 0)
        {
            text.Append("on: ").Append(Quote(trigger)).Append('\n');
        }

        if ((mask & 4) == 0)
        {
            text.Append("when: ").Append(when).Append('\n');
        }

        if ((mask & 8) == 0)
        {
            text.Append("then: [").AppendJoin(", ", then).Append("]\n");
        }

        return text.Length == 0 ? "priority: 1\n" : text.ToString();
    }

    private static Gen<string> Action() =>
        Gen.Zip(Gen.Elements([.. FlowVocabulary.ActionNames, "tga", "stop"]), Value(2, Keys))
            .Select(t => $"{{{t.Item1}: {t.Item2}}}");

    private static Gen<string> Value(int depth, string[] keys)
    {
        var scalar = Gen.Elements(Scalars).Select(Quote);
        if (depth <= 0)
        {
            return scalar;
        }

        var list = Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Value(depth - 1, keys), n)).Select(items => "[" + string.Join(", ", items) + "]");
        var entry = Gen.Zip(Gen.Elements(keys), Value(depth - 1, Keys)).Select(t => Quote(t.Item1) + ": " + t.Item2);
        var map = Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(entry, n)).Select(items => "{" + string.Join(", ", items) + "}");
        return Gen.Frequency((4, scalar), (2, list), (3, map));
    }

    /// <summary>A plain scalar where YAML allows one, else a double-quoted one.</summary>
    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
