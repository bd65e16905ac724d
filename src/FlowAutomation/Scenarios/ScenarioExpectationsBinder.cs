using System.Collections.Immutable;
using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Scenarios;

/// <summary>Binds <c>expect</c>: sent, sent_count, blocked, tags, assigned, fired, not_fired.</summary>
internal static class ScenarioExpectationsBinder
{
    public static readonly ImmutableArray<string> Keys = ["sent", "sent_count", "blocked", "tags", "assigned", "fired", "not_fired"];

    /// <summary>The guard's reason codes (contracts section 4), and the engine's own for a reply whose template failed.</summary>
    public static readonly ImmutableArray<string> ReasonCodes =
    [
        "not_user_initiated", "window_expired", "quota_exhausted", "text_too_long", "text_empty", "image_url_invalid",
        "image_format_unsupported", "image_too_large", "share_post_invalid", "validity_too_long", "media_region_blocked",
        "message_type_unsupported", "contact_reported", Templates.TemplateResult.TemplateFailed,
    ];

    internal static readonly string[] MatcherKeys = ["text", "text_contains", "image", "share_post"];

    internal static readonly string[] BlockedKeys = ["reason", "flow"];

    internal static readonly string[] AssignedKeys = ["agent", "team"];

    public static ScenarioExpectations Bind(NodeReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "expect", "a mapping of expectations", NodeReader.Describe(node));
            return ScenarioExpectations.None;
        }

        var expect = ScenarioExpectations.None;
        foreach (var (key, keyNode, value) in reader.Entries(map, Keys, "expect").Items)
        {
            expect = expect with { KeySpans = expect.KeySpans.SetItem(key, reader.Span(keyNode)) };
            expect = key switch
            {
                "sent" => expect with { Sent = Sent(reader, value) },
                "sent_count" => expect with { SentCount = reader.Integer(value, key) },
                "blocked" => expect with { Blocked = Blocked(reader, value) },
                "tags" => expect with { Tags = value is YamlSequenceNode { Children.Count: 0 } ? [] : [.. reader.TextList(value, key).Select(t => t.Text)] },
                "assigned" => Assigned(reader, value, expect),
                "fired" => expect with { Fired = Flows(reader, value, key) },
                _ => expect with { NotFired = Flows(reader, value, key) },
            };
        }

        return expect;
    }

    private static ImmutableArray<MessageMatcher> Sent(NodeReader reader, YamlNode node)
    {
        if (node is not YamlSequenceNode seq)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "sent", "a list of messages such as - text: \"Hi\"", NodeReader.Describe(node));
            return [];
        }

        var matchers = ImmutableArray.CreateBuilder<MessageMatcher>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode { Children.Count: 1 } m)
            {
                reader.Report(DiagnosticCodes.WrongType, item, "sent", "one of text, text_contains, image or share_post per message", NodeReader.Describe(item));
                if (item is YamlMappingNode several)
                {
                    _ = reader.Entries(several, MatcherKeys, "a sent message"); // its misspelt keys are mistakes too
                }

                continue;
            }

            foreach (var (key, keyNode, value) in reader.Entries(m, MatcherKeys, "a sent message").Items)
            {
                var kind = key switch
                {
                    "text" => MessageMatcherKind.Text,
                    "text_contains" => MessageMatcherKind.TextContains,
                    "image" => MessageMatcherKind.Image,
                    _ => MessageMatcherKind.SharePost,
                };
                var text = value is YamlScalarNode { Value: { } v } ? v : reader.Text(value, key);
                if (text is not null)
                {
                    matchers.Add(new MessageMatcher(kind, text, reader.Span(keyNode)));
                }
            }
        }

        return matchers.ToImmutable();
    }

    private static ImmutableArray<BlockedExpectation> Blocked(NodeReader reader, YamlNode node)
    {
        if (node is not YamlSequenceNode seq)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "blocked", "a list such as - { reason: window_expired, flow: lead-nudge }", NodeReader.Describe(node));
            return [];
        }

        var result = ImmutableArray.CreateBuilder<BlockedExpectation>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m)
            {
                reader.Report(DiagnosticCodes.WrongType, item, "blocked", "a mapping with reason and, optionally, flow", NodeReader.Describe(item));
                continue;
            }

            string? reason = null, flow = null;
            foreach (var (key, _, value) in reader.Entries(m, BlockedKeys, "a blocked expectation", ["reason"]).Items)
            {
                var text = reader.Text(value, key);
                if (key == "flow")
                {
                    flow = text;
                }
                else if (text is not null && !ReasonCodes.Contains(text))
                {
                    reader.Report(DiagnosticCodes.UnknownReason, value, text, ScenarioLoader.Suggest(text, ReasonCodes));
                }
                else
                {
                    reason = text;
                }
            }

            if (reason is not null)
            {
                result.Add(new BlockedExpectation(reason, flow, reader.Span(m)));
            }
        }

        return result.ToImmutable();
    }

    private static ScenarioExpectations Assigned(NodeReader reader, YamlNode node, ScenarioExpectations expect)
    {
        if (node is YamlScalarNode s && NodeReader.IsNull(s))
        {
            return expect with { AssignedChecked = true }; // `assigned: null`: nobody at the end
        }

        if (node is YamlScalarNode agentNode)
        {
            return expect with { AssignedChecked = true, AssignedAgent = agentNode.Value };
        }

        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "assigned", "{ team: name } or { agent: id }", NodeReader.Describe(node));
            return expect;
        }

        expect = expect with { AssignedChecked = true };
        foreach (var (key, _, value) in reader.Entries(map, AssignedKeys, "assigned").Items)
        {
            expect = key == "agent" ? expect with { AssignedAgent = reader.Text(value, key) } : expect with { AssignedTeam = reader.Text(value, key) };
        }

        return expect;
    }

    private static ImmutableArray<FlowReference> Flows(NodeReader reader, YamlNode node, string key) =>
        node is YamlSequenceNode { Children.Count: 0 } ? [] : [.. reader.TextList(node, key).Select(t => new FlowReference(t.Text, reader.Span(t.Node)))];
}
