using FlowAutomation.Diagnostics;
using FlowAutomation.Loading;
using FlowAutomation.Scenarios;

namespace FlowAutomation.Tests.Scenarios;

/// <summary>
/// The common events of a scenario (<c>at</c> and a text <c>message.received</c>) are read without the node tree
/// (<see cref="ScenarioEventScan"/>); every other item is bound from the tree. Both ways must give the same events and
/// the same diagnostics.
/// </summary>
public sealed class ScenarioEventScanTests
{
    private const string Head = "scenario: s\nflows: flows\nstart: 2026-03-02T09:00:00Z\nevents:\n";

    public static TheoryData<string> Items() =>
    [
        "  - at: 0s\n    message.received: hi\n",
        "  - at: 0\n    message.received: { text: \"hi there\" }\n",
        "  - at: 5m\n    message.received: { text: hi }\n  - at: 1m\n    message.received: early\n",
        "  - { at: 2h, message.received: { text: hi } }\n  - { message.received: hi, at: 3h }\n",
        "  - at: 2026-03-02T10:00:00Z\n    message.received: hi\n  - at: 2026-03-02T09:30:00+01:00\n    message.received: hi\n",
        "  - at: 2026-13-02T10:00:00Z\n    message.received: hi\n",
        "  - at: soon\n    message.received: hi\n",
        "  - at: 5x\n    message.received: hi\n",
        "  - at: [1s]\n    message.received: hi\n",
        "  - at: 1s\n    message.received: ~\n",
        "  - at: 1s\n    message.received: \"\"\n",
        "  - at: 1s\n    message.received: { text: ~ }\n",
        "  - at: 1s\n    message.received: { text: null }\n",
        "  - at: 1s\n    message.received: { text: \"null\" }\n",
        "  - at: 1s\n    message.received: { text: [a] }\n",
        "  - at: 1s\n    message.received: { text: hi, type: image }\n",
        "  - at: 1s\n    message.received: { txt: hi }\n",
        "  - at: 1s\n    message.received: {}\n",
        "  - at: 1s\n    message.received: hi\n    advance: true\n",
        "  - at: 1s\n    message.recieved: hi\n",
        "  - at: 1s\n    message.received: hi\n    at: 2s\n",
        "  - message.received: hi\n",
        "  - at: 1s\n",
        "  - hello\n",
        "  - at: &t 1s\n    message.received: hi\n  - at: *t\n    message.received: again\n",
        "  - at: 1s\n    message.received: !custom hi\n",
        "  - &e { at: 1s, message.received: hi }\n  - *e\n",
        "  - at: 1s\n    message.received: hi\n  - at: 2s\n    agent.sent: hello\n  - at: 3s\n    message.received: again\n  - at: 2s\n    message.received: late\n",
        "  - at: 1s\n    lead.submitted: { form_id: f }\n  - at: 0s\n    message.received: before\n",
        "  - at: 1s\n    message.received: hi\n  - at: 9s\n    advance: true\n  - at: 5s\n    message.received: { text: back }\n",
    ];

    [Theory]
    [MemberData(nameof(Items))]
    public void ReadText_EventsReadWithoutNodes_SameEventsAndDiagnosticsAsTheTree(string items)
    {
        AssertSameBothWays(Head + items);
        AssertSameBothWays(Head.Replace("start: 2026-03-02T09:00:00Z\n", string.Empty, StringComparison.Ordinal) + items);
        AssertSameBothWays(Head.Replace("start: 2026-03-02T09:00:00Z\n", "start: tomorrow\n", StringComparison.Ordinal) + items);

        // The list unindented, after the expectations.
        var unindented = string.Join('\n', items.Split('\n').Select(line => line.StartsWith("  ", StringComparison.Ordinal) ? line[2..] : line));
        AssertSameBothWays(Head.Replace("events:\n", "expect: { sent_count: 0 }\nevents:\n", StringComparison.Ordinal) + unindented);
    }

    [Fact]
    public void ReadText_EveryScenarioFileOfTheRepository_SameEventsAndDiagnosticsAsTheTree()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Of("samples"), "*.scenario.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(RepoPaths.Of("tests", "FlowAutomation.Tests", "Golden"), "*.yaml", SearchOption.AllDirectories))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            AssertSameBothWays(File.ReadAllText(file));
        }
    }

    [Fact]
    public void Filter_CommonItemsAndOthers_TakesOutOnlyTheCommonOnes()
    {
        var scan = new ScenarioEventScan();
        var text = Head + "  - at: 0s\n    message.received: hi\n  - at: 1s\n    lead.submitted: { form_id: f }\n  - at: 2s\n    message.received: { text: bye }\n";
        var source = YamlReader.Read("s.yaml", text, new DiagnosticBag(), events => scan.Filter("s.yaml", events));

        Assert.NotNull(source);
        Assert.True(scan.Applied);
        Assert.Equal([true, false, true], scan.Items.Select(i => i is not null));
        Assert.Equal(new Position(10, 5), scan.Items[2]!.KeySpan.Start);
    }

    /// <summary>The parser's events and the text (<see cref="ScenarioEventText"/>) each give what the tree gives.</summary>
    internal static void AssertSameBothWays(string text)
    {
        var (tree, treeDiagnostics) = Read(text, EventReading.Tree);
        foreach (var reading in new[] { EventReading.ParserEvents, EventReading.Text })
        {
            var (read, readDiagnostics) = Read(text, reading);
            Assert.Equal(treeDiagnostics, readDiagnostics);
            Assert.Equal(tree, read);
        }
    }

    /// <summary>The events with their times and spans, the document's spans, and the diagnostics, as text.</summary>
    internal static (List<string> Events, List<string> Diagnostics) Read(string text, EventReading reading)
    {
        var bag = new DiagnosticBag();
        var document = ScenarioLoader.ReadText("s.yaml", text, bag, reading);
        List<string> events = [$"{document?.Span} {document?.FlowsSpan} {document?.Scenario?.Span} {document?.Scenario?.Start:O}"];
        events.AddRange(document?.Scenario?.Events.Select(e => $"{e.At:O} {e.Span} {e.Event} {e.Agent}") ?? []);
        return (events, [.. bag.ToSortedList().Select(d => d.ToString())]);
    }
}
