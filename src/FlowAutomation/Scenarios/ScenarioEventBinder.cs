using System.Collections.Immutable;
using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Scenarios;

/// <summary>Binds the <c>events</c> list: each item has <c>at</c> and one event, in time order.</summary>
internal static class ScenarioEventBinder
{
    private static readonly string[] MessageKeys = ["text", "image", "share_post", "type", "referral"];
    private static readonly string[] LeadKeys = ["form_id", "form_name", "ad_id", "campaign_id", "fields"];
    private static readonly string[] ReferralKeys = ["source", "ad_id", "ref"];
    private static readonly string[] AgentKeys = ["text"];

    public static ImmutableArray<ScenarioEvent> Bind(NodeReader reader, YamlNode node, DateTimeOffset start)
    {
        if (node is not YamlSequenceNode seq)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "events", "a list of events", NodeReader.Describe(node));
            return [];
        }

        var events = ImmutableArray.CreateBuilder<ScenarioEvent>();
        var previous = start;
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode map)
            {
                reader.Report(DiagnosticCodes.EventShape, item, $"an event must be a mapping with 'at' and an event type, found {NodeReader.Describe(item)}");
                continue;
            }

            var bound = BindEvent(reader, map, start);
            if (bound is null)
            {
                continue;
            }

            if (bound.At < previous)
            {
                reader.Diagnostics.Report(DiagnosticCodes.EventsOutOfOrder, bound.Span, Offset(bound.At, start), Offset(previous, start));
                continue;
            }

            previous = bound.At;
            events.Add(bound);
        }

        return events.ToImmutable();
    }

    private static string Offset(DateTimeOffset at, DateTimeOffset start) => at == start ? "0s" : Durations.Format(at - start);

    private static ScenarioEvent? BindEvent(NodeReader reader, YamlMappingNode map, DateTimeOffset start)
    {
        DateTimeOffset? at = null;
        YamlNode? atNode = null;
        var kinds = new List<(string Key, YamlScalarNode KeyNode, YamlNode Value)>();
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (key == "at")
            {
                atNode = v;
                at = Time(reader, v, start);
            }
            else if (ScenarioLoader.EventTypes.Contains(key))
            {
                kinds.Add((key, (YamlScalarNode)k, v));
            }
            else
            {
                reader.Report(DiagnosticCodes.UnknownEventType, k, NodeReader.Shorten(key), ScenarioLoader.Suggest(key, ScenarioLoader.EventTypes.Append("at")));
                return null;
            }
        }

        if (atNode is null)
        {
            reader.Report(DiagnosticCodes.MissingKey, map, "the event", "at");
            return null;
        }

        if (kinds.Count != 1)
        {
            reader.Report(DiagnosticCodes.EventShape, map, kinds.Count == 0
                ? "the event needs one of message.received, lead.submitted, referral.received, agent.sent or advance: true"
                : $"one event per list item, found {string.Join(" and ", kinds.Select(k => k.Key))}");
            return null;
        }

        if (at is null)
        {
            return null;
        }

        var (type, keyNode, value) = kinds[0];
        var span = reader.Span(keyNode);
        var errors = reader.Diagnostics.ErrorCount;
        FlowEvent? flowEvent = type switch
        {
            "message.received" => Message(reader, value, at.Value),
            "lead.submitted" => Lead(reader, value, at.Value),
            "referral.received" => Referral(reader, value) is { } r ? FlowEvent.ReferralReceived(at.Value, r) : null,
            _ => null,
        };
        if (type == "advance" && reader.Boolean(value, "advance") is not true)
        {
            return null;
        }

        if (type == "agent.sent")
        {
            var agent = Agent(reader, value);
            return reader.Diagnostics.ErrorCount > errors || agent is null ? null : new ScenarioEvent(at.Value, null, span) { Agent = agent };
        }

        return reader.Diagnostics.ErrorCount > errors || (type != "advance" && flowEvent is null) ? null : new ScenarioEvent(at.Value, flowEvent, span);
    }

    /// <summary>An offset from start (<c>0s</c>, <c>5m</c>, <c>60h</c>) or an absolute timestamp.</summary>
    private static DateTimeOffset? Time(NodeReader reader, YamlNode node, DateTimeOffset start)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            if (text is "0" or "0s" or "0m" or "0h" or "0d")
            {
                return start;
            }

            if (Durations.TryParse(text, out var offset))
            {
                return start + offset;
            }
        }

        return ScenarioLoader.Timestamp(reader, node);
    }

    private static FlowEvent? Message(NodeReader reader, YamlNode node, DateTimeOffset at)
    {
        if (node is YamlScalarNode { Value: { } shorthand })
        {
            return FlowEvent.TextReceived(at, shorthand); // `message.received: "Hi"` is short for { text: "Hi" }
        }

        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "message.received", "a mapping such as { text: \"Hi\" }", NodeReader.Describe(node));
            return null;
        }

        string? text = null, image = null, post = null;
        MessageType? type = null;
        Referral? referral = null;
        foreach (var (key, _, value) in reader.Entries(map, MessageKeys, "message.received").Items)
        {
            switch (key)
            {
                case "text":
                    (text, type) = (reader.Text(value, key), type ?? MessageType.Text);
                    break;
                case "image":
                    (image, type) = (reader.Text(value, key), type ?? MessageType.Image);
                    break;
                case "share_post":
                    (post, type) = (reader.Text(value, key), type ?? MessageType.SharePost);
                    break;
                case "type":
                    type = reader.Text(value, key) switch
                    {
                        "text" => MessageType.Text,
                        "image" => MessageType.Image,
                        "share_post" => MessageType.SharePost,
                        "other" => MessageType.Other,
                        var other => Invalid(reader, value, other),
                    };
                    break;
                default:
                    referral = Referral(reader, value);
                    break;
            }
        }

        return FlowEvent.MessageReceived(at, new InboundMessage(type ?? MessageType.Other, text, image, post, referral));
    }

    /// <summary><c>agent.sent: "text"</c>, <c>agent.sent: { text: "…" }</c> or <c>agent.sent: {}</c>.</summary>
    private static AgentSent? Agent(NodeReader reader, YamlNode node)
    {
        if (node is YamlScalarNode scalar)
        {
            return new AgentSent(scalar.Value is { Length: > 0 } shorthand ? shorthand : null);
        }

        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "agent.sent", "a mapping such as { text: \"Hello, Ana here\" }", NodeReader.Describe(node));
            return null;
        }

        string? text = null;
        foreach (var (_, _, value) in reader.Entries(map, AgentKeys, "agent.sent").Items)
        {
            text = reader.Text(value, "text");
        }

        return new AgentSent(text);
    }

    private static MessageType? Invalid(NodeReader reader, YamlNode node, string? value)
    {
        if (value is not null)
        {
            reader.Report(DiagnosticCodes.InvalidValue, node, value, "type", "text, image, share_post or other");
        }

        return null;
    }

    private static FlowEvent? Lead(NodeReader reader, YamlNode node, DateTimeOffset at)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "lead.submitted", "a mapping such as { form_id: spring-sale, fields: { email: ann@example.com } }", NodeReader.Describe(node));
            return null;
        }

        var lead = new LeadSubmission(null, null, null, null, ImmutableDictionary<string, string>.Empty);
        foreach (var (key, _, value) in reader.Entries(map, LeadKeys, "lead.submitted").Items)
        {
            lead = key switch
            {
                "form_id" => lead with { FormId = reader.Text(value, key) },
                "form_name" => lead with { FormName = reader.Text(value, key) },
                "ad_id" => lead with { AdId = reader.Text(value, key) },
                "campaign_id" => lead with { CampaignId = reader.Text(value, key) },
                _ => lead with { Fields = ScenarioLoader.StringMap(reader, value, key) },
            };
        }

        return FlowEvent.LeadSubmitted(at, lead);
    }

    private static Referral? Referral(NodeReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "referral", "a mapping such as { source: ad, ad_id: \"123\" }", NodeReader.Describe(node));
            return null;
        }

        var referral = new Referral(ReferralSource.Ad, null, null);
        foreach (var (key, _, value) in reader.Entries(map, ReferralKeys, "a referral").Items)
        {
            switch (key)
            {
                case "source":
                    var source = reader.Text(value, key);
                    if (source is "ad" or "short_link")
                    {
                        referral = referral with { Source = source == "ad" ? ReferralSource.Ad : ReferralSource.ShortLink };
                    }
                    else if (source is not null)
                    {
                        reader.Report(DiagnosticCodes.InvalidValue, value, source, "source", "ad or short_link");
                    }

                    break;
                case "ad_id":
                    referral = referral with { AdId = reader.Text(value, key) };
                    break;
                default:
                    referral = referral with { Ref = reader.Text(value, key) };
                    break;
            }
        }

        return referral;
    }
}
