using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FlowAutomation.Scenarios;
using FlowAutomation.Tests.TestSupport;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.Scenarios;

/// <summary>
/// The events list read straight from the text (<see cref="ScenarioEventText"/>) against the node tree, on generated
/// scenarios: plain ones (which the text reader must read), and ones with every kind of item, value, spacing and
/// mistake mixed in (which it must read the same as the tree, or leave to it). Events, their times, their source
/// spans, the document's spans and every diagnostic must be equal.
/// </summary>
public sealed class ScenarioEventTextPropertyTests
{
    /// <summary>500 cases per property; set FUZZ_TESTS (for example 20000) for a longer hunt.</summary>
    private static readonly Config Thorough = Config.QuickThrowOnFailure
        .WithMaxTest(int.TryParse(Environment.GetEnvironmentVariable("FUZZ_TESTS"), out var n) && n > 0 ? n : 500)
        .WithEndSize(30);

    private static readonly string[] Words = ["hi", "price", "hello there", "é", "😀", "a-b", "x_y", "10:30", "http://x.y/z", "1s", "true", "a,b", "[x]", "q?"];

    /// <summary>Pieces that YAML reads in a special way somewhere in a value.</summary>
    private static readonly string[] Tricky = [": ", " #", "#", ",", "[", "]", "{", "}", "'", "\"", "''", "\\\"", "\\\\", "\\n", "\\u00e9", "\\x41", "\\U0001F600", "\\ud800", "\\q", "-", "? ", "&a ", "*a", "!t ", "|", ">", "~", "null", "%", "@", "`", "\t", " ", "  ", ":"];

    private static readonly string[] Times = ["0s", "0", "5s", "90s", "1h30m", "2d", "2026-03-02T10:00:00Z", "2026-03-02T09:30:00+01:00"];

    private static readonly string[] WrongTimes = ["soon", "5x", "-5s", "\"5s\"", "'1m'", "2026-13-02T10:00:00Z", "1s:", "[1s]", "&t 1s", "*t", "!!str 5s", "5s # in a comment", "P1D", ""];

    /// <summary>Other items: other events, misspellings, flow style, nesting, comments, unusual layout.</summary>
    private static readonly string[] OtherItems =
    [
        "- at: 1s\n  agent.sent: hello\n", "- at: 1s\n  advance: true\n", "- at: 1s\n  lead.submitted: { form_id: f }\n",
        "- { at: 1s, message.received: hi }\n", "- at: 1s\n  message.recieved: hi\n", "- at: 1s\n", "- message.received: hi\n",
        "- at: 1s\n  message.received: hi\n  at: 2s\n", "- at: 1s\n  message.received:\n    text: hi\n", "- hello\n",
        "# a comment\n", "- at: 1s\n  message.received: hi\n    there\n", "- at: 1s\n\n  message.received: hi\n",
        "-\n  at: 1s\n  message.received: hi\n", "- at: 1s\n   message.received: hi\n", "- at: 1s\n  message.received: \"hi\n  there\"\n",
        "- at: 1s\n\tmessage.received: hi\n", "- at: 1s\n  message.received: hi\r\n", "- at:1s\n  message.received: hi\n",
        "- at: 1s\n  message.received: |\n    hi\n", "- &e at: 1s\n  message.received: hi\n", "- at: 1s\n  message.received: { text: hi, }\n",
        "- at: 1s\n  message.received: { text: hi } # c\n", "- at: 1s  # c\n  message.received: 'it''s'   \n",
    ];

    private static Gen<string> Value(bool plain) =>
        plain
            ? Gen.Elements(Words.Where(w => w[0] != '[').ToArray())
            : Gen.Frequency((3, Gen.Elements(Words)), (2, Gen.ListOf(Gen.Elements(Tricky.Concat(Words).ToArray())).Select(p => string.Concat(p))));

    /// <summary>How a message's text is written: plain, quoted, or inside <c>{ text: … }</c>.</summary>
    private static Gen<string> Message(bool plain) =>
        from text in Value(plain)
        from style in Gen.Choose(0, plain ? 4 : 6)
        from spaces in Gen.Elements(plain ? [" "] : new[] { " ", "  ", "" })
        select style switch
        {
            0 => text,
            1 => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"",
            2 => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
            3 => $"{{{spaces}text: \"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"{spaces}}}",
            4 => $"{{ text: '{text.Replace("'", "''", StringComparison.Ordinal)}' }}",
            5 => $"{{{spaces}text: {text}{spaces}}}",
            _ => $"\"{text}\"",
        };

    private static Gen<string> Item(bool plain) =>
        from time in plain ? Gen.Elements(Times) : Gen.Frequency((4, Gen.Elements(Times)), (1, Gen.Elements(WrongTimes)))
        from message in Message(plain)
        from messageFirst in Gen.Elements(false, true)
        from dashSpaces in Gen.Elements(plain ? [" "] : new[] { " ", "   " })
        from tail in Gen.Elements(plain ? [""] : new[] { "", "", "  ", " # note", "#x" })
        from blank in Gen.Elements(plain ? [""] : new[] { "", "", "\n", "   \n" })
        let pad = new string(' ', dashSpaces.Length + 1)
        let at = $"at: {time}{tail}"
        let said = $"message.received: {message}"
        select messageFirst ? $"-{dashSpaces}{said}\n{pad}{at}\n{blank}" : $"-{dashSpaces}{at}\n{pad}{said}\n{blank}";

    private static Gen<string> Scenario(bool plain) =>
        from items in Gen.NonEmptyListOf(plain ? Item(true) : Gen.Frequency((6, Item(false)), (1, Gen.Elements(OtherItems))))
        from indent in Gen.Elements(0, 2, 4)
        from start in Gen.Elements(plain ? ["start: 2026-03-02T09:00:00Z\n"] : new[] { "start: 2026-03-02T09:00:00Z\n", "", "start: tomorrow\n" })
        from expectFirst in Gen.Elements(false, true)
        from end in Gen.Elements(plain ? ["", "teams: { sales: [ana] }\n"] : new[] { "", "expect: { sent_count: 0 }\n", "expect: { sent_count: 0 }", "policy: x\n", "---\nscenario: t\n", "  stray: 1\n" })
        from lastBreak in Gen.Elements(true, false)
        from crlf in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from key in Gen.Elements(plain ? ["events:\n"] : new[] { "events:\n", "events:\n", "events:  \n", "events: # list\n", "events: &l\n" })
        let list = string.Concat(items.Select(i => string.Concat(i.Split('\n').Select(l => l.Length == 0 ? "\n" : new string(' ', indent) + l + "\n"))[..^1]))
        let body = (expectFirst ? "expect: { sent_count: 1 }\n" : string.Empty) + key + list + end
        let text = $"scenario: s\nflows: flows\n{start}contact: {{ id: u-1 }}\n{body}"
        let cut = lastBreak || !text.EndsWith('\n') ? text : text[..^1]
        select crlf ? cut.Replace("\n", "\r\n", StringComparison.Ordinal) : cut;

    [Fact]
    public void ReadFile_PlainListWithAnOutOfOrderEvent_SameEventsAndDiagnosticAsTheTree()
    {
        var text = "scenario: s\r\nflows: flows\r\nstart: 2026-03-02T09:00:00Z\r\nevents:\r\n  - at: 5s\r\n    message.received: { text: \"caf\u00e9 \\u263A\" }\r\n"
            + "  - message.received: 'it''s early'\r\n    at: 1s\r\n  - at: 2026-03-02T09:01:00Z\r\n    message.received: late   # note\r\nexpect: { sent_count: 0 }\r\n";
        var path = Path.Combine(Path.GetTempPath(), $"text-reader-{Guid.NewGuid():N}.scenario.yaml");
        File.WriteAllText(path, text);
        try
        {
            var shortcut = new ScenarioEventText(path);
            Assert.NotNull(YamlReader.ReadFile(path, path, new DiagnosticBag(), filter: null, shortcut));
            Assert.NotNull(shortcut.Items);

            var fromFile = new DiagnosticBag();
            var document = ScenarioLoader.ReadFile(path, fromFile);
            var tree = new DiagnosticBag();
            var expected = ScenarioLoader.ReadText(path.Replace('\\', '/'), text, tree, EventReading.Tree);
            Assert.Equal(tree.ToSortedList().Select(d => d.ToString()), fromFile.ToSortedList().Select(d => d.ToString()));
            Assert.Equal(DiagnosticCodes.EventsOutOfOrder.Code, Assert.Single(fromFile.ToSortedList()).Code);
            Assert.Equal(expected?.Span, document?.Span);
            Assert.Null(document?.Scenario);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReadText_GeneratedScenarios_TextReaderGivesWhatTheTreeGives()
    {
        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(Scenario(plain: false).ToArbitrary(), text =>
        {
            ScenarioEventScanTests.AssertSameBothWays(text);
            return true;
        })));
    }

    [Fact]
    public async Task ReadText_GeneratedPlainScenarios_ReadFromTheTextAndAsTheTreeReadsThem()
    {
        await Bounded.RunAsync(() => Check.One(Thorough, Prop.ForAll(Scenario(plain: true).ToArbitrary(), text =>
        {
            var shortcut = new ScenarioEventText("s.yaml");
            var source = YamlReader.Read("s.yaml", text, new DiagnosticBag(), filter: null, shortcut);
            Assert.NotNull(source);
            Assert.NotNull(shortcut.Items);
            ScenarioEventScanTests.AssertSameBothWays(text);
            return true;
        })));
    }
}
