using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Loading;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Scenarios;

/// <summary>
/// Reads scenario files (contracts section 3) with the same care as flows: every mistake is a diagnostic with
/// file, line and column; nothing is thrown for bad input.
/// </summary>
public static class ScenarioLoader
{
    public static readonly ImmutableArray<string> Keys = ["scenario", "flows", "start", "contact", "events", "expect", "policy", "teams"];

    public static readonly ImmutableArray<string> ContactKeys = ["id", "name", "country", "language", "tags", "fields"];

    public static readonly ImmutableArray<string> EventTypes = ["message.received", "lead.submitted", "referral.received", "agent.sent", "advance"];

    /// <summary>Loads a scenario file; null when it has errors (every one of them is in <paramref name="diagnostics"/>).</summary>
    public static Scenario? LoadFile(string path, DiagnosticBag diagnostics) => ReadFile(path, diagnostics)?.Scenario;

    public static Scenario? LoadText(string path, string text, DiagnosticBag diagnostics) => ReadText(path, text, diagnostics)?.Scenario;

    /// <summary>
    /// Reads a scenario file as far as its mistakes allow (see <see cref="ScenarioDocument"/>); null only when the file is
    /// not a YAML mapping at all.
    /// </summary>
    public static ScenarioDocument? ReadFile(string path, DiagnosticBag diagnostics)
    {
        var scan = new ScenarioEventScan();
        var display = path.Replace('\\', '/');
        var text = new ScenarioEventText(display);
        var source = YamlReader.ReadFile(path, display, diagnostics, events => scan.Filter(display, events), text);
        return source is null ? null : Read(source, Adopt(scan, text), diagnostics);
    }

    public static ScenarioDocument? ReadText(string path, string text, DiagnosticBag diagnostics) => ReadText(path, text, diagnostics, EventReading.Text);

    /// <summary>
    /// As <see cref="ReadText(string, string, DiagnosticBag)"/>, with the events read the way <paramref name="reading"/>
    /// says (the tests compare the ways).
    /// </summary>
    internal static ScenarioDocument? ReadText(string path, string text, DiagnosticBag diagnostics, EventReading reading)
    {
        var scan = new ScenarioEventScan();
        var shortcut = reading == EventReading.Text ? new ScenarioEventText(path) : null;
        var source = YamlReader.Read(path, text, diagnostics, reading == EventReading.Tree ? null : events => scan.Filter(path, events), shortcut);
        return source is null ? null : Read(source, Adopt(scan, shortcut), diagnostics);
    }

    /// <summary>The events the text shortcut read, when the reader used it; otherwise the scan of the parser's events.</summary>
    private static ScenarioEventScan Adopt(ScenarioEventScan scan, ScenarioEventText? text)
    {
        if (text?.Items is { } items)
        {
            scan.Adopt(items);
        }

        return scan;
    }

    private static ScenarioDocument? Read(YamlSource source, ScenarioEventScan scan, DiagnosticBag diagnostics)
    {
        var reader = new NodeReader(source, diagnostics);
        if (source.Documents.Length != 1 || source.Documents[0].RootNode is not YamlMappingNode map)
        {
            var at = source.Documents.Length > 0 ? source.Documents[0].RootNode : null;
            diagnostics.Report(DiagnosticCodes.NotAMapping, at is null ? SourceSpan.At(source.Path, 1, 1) : reader.Span(at), "scenario file", source.Documents.Length == 1 ? NodeReader.Describe(at!) : $"{source.Documents.Length} documents");
            return null;
        }

        var errors = diagnostics.ErrorCount;
        string? name = null, flows = null;
        DateTimeOffset? start = null;
        var contact = ContactSeed.Default;
        YamlNode? eventsNode = null, expectNode = null;
        SourceSpan? flowsSpan = null;
        ImmutableArray<PolicySetting> policy = [];
        var teams = ImmutableDictionary<string, ImmutableArray<string>>.Empty;
        foreach (var (key, _, value) in reader.Entries(map, Keys, "a scenario", ["scenario", "start", "events"], "the scenario").Items)
        {
            switch (key)
            {
                case "scenario":
                    name = reader.Text(value, key);
                    break;
                case "flows":
                    flows = reader.Text(value, key);
                    flowsSpan = reader.Span(value);
                    break;
                case "start":
                    start = Timestamp(reader, value);
                    break;
                case "contact":
                    contact = Contact(reader, value) ?? contact;
                    break;
                case "events":
                    eventsNode = value;
                    break;
                case "expect":
                    expectNode = value;
                    break;
                case "policy":
                    policy = Policy(reader, value);
                    break;
                default:
                    teams = Teams(reader, value);
                    break;
            }
        }

        // Events are checked even when the start is missing or wrong, so that their own mistakes show in the same run.
        var events = eventsNode is null ? [] : ScenarioEventBinder.Bind(reader, eventsNode, start, scan);
        var expect = expectNode is null ? ScenarioExpectations.None : ScenarioExpectationsBinder.Bind(reader, expectNode);
        var scenario = diagnostics.ErrorCount > errors || name is null || start is null
            ? null
            : new Scenario(name, source.Path, flows, start.Value, contact, events, expect, policy, teams, reader.Span(map));
        var span = reader.Span(map);
        return new ScenarioDocument(source.Path, scenario, flows, policy, expect, span) { FlowsSpan = flowsSpan ?? span };
    }

    internal static DateTimeOffset? Timestamp(NodeReader reader, YamlNode node)
    {
        if (node is YamlScalarNode { Value: { } text }
            && text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }

        reader.Report(DiagnosticCodes.InvalidTimestamp, node, node is YamlScalarNode s ? s.Value : NodeReader.Describe(node));
        return null;
    }

    private static ContactSeed? Contact(NodeReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "contact", "a mapping such as { id: u-1, name: Ann }", NodeReader.Describe(node));
            return null;
        }

        var contact = ContactSeed.Default;
        foreach (var (key, _, value) in reader.Entries(map, ContactKeys, "contact").Items)
        {
            contact = key switch
            {
                "id" => contact with { Id = reader.Text(value, key) ?? contact.Id },
                "name" => contact with { Name = reader.Text(value, key) },
                "country" => contact with { Country = reader.Text(value, key) },
                "language" => contact with { Language = reader.Text(value, key) },
                "tags" => contact with { Tags = value is YamlSequenceNode { Children.Count: 0 } ? [] : [.. reader.TextList(value, key).Select(t => t.Text)] },
                _ => contact with { Fields = StringMap(reader, value, key) },
            };
        }

        return contact;
    }

    internal static ImmutableDictionary<string, string> StringMap(NodeReader reader, YamlNode node, string key)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, key, "a mapping of names to values", NodeReader.Describe(node));
            return ImmutableDictionary<string, string>.Empty;
        }

        var result = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && v is YamlScalarNode { Value: var value })
            {
                result[name] = value ?? string.Empty;
            }
            else
            {
                reader.Report(DiagnosticCodes.WrongType, v, key, "a mapping of names to single values", NodeReader.Describe(v));
            }
        }

        return result.ToImmutable();
    }

    private static ImmutableArray<PolicySetting> Policy(NodeReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "policy", "a mapping of policy values, such as { lead_opens_window: false }", NodeReader.Describe(node));
            return [];
        }

        var settings = ImmutableArray.CreateBuilder<PolicySetting>();
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            var value = v switch
            {
                YamlScalarNode s => s.Value ?? string.Empty,
                YamlSequenceNode seq => string.Join(",", seq.Children.OfType<YamlScalarNode>().Select(c => c.Value)),
                _ => null,
            };
            if (value is null)
            {
                reader.Report(DiagnosticCodes.InvalidPolicyOverride, v, $"'{key}' takes a single value or a list");
                continue;
            }

            settings.Add(new PolicySetting(key, value, reader.Span(k)));
        }

        return settings.ToImmutable();
    }

    private static ImmutableDictionary<string, ImmutableArray<string>> Teams(NodeReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "teams", "a mapping of team names to lists of agents, such as { sales: [ana, ben] }", NodeReader.Describe(node));
            return ImmutableDictionary<string, ImmutableArray<string>>.Empty;
        }

        var teams = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } team })
            {
                teams[team] = [.. reader.TextList(v, team).Select(t => t.Text)];
            }
        }

        return teams.ToImmutable();
    }

    internal static string Suggest(string word, IEnumerable<string> known) => Spelling.DidYouMean(word, known);
}

/// <summary>How a scenario's events list is read: all from the node tree, its common items from the parser's events
/// (<see cref="ScenarioEventScan"/>), or from the text when the whole list is in the plain shape
/// (<see cref="ScenarioEventText"/>, else as the parser's events).</summary>
internal enum EventReading
{
    Tree,
    ParserEvents,
    Text,
}
