using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using FlowAutomation.Binding;
using FlowAutomation.Diagnostics;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Scenarios;

/// <summary>Binds the <c>events</c> list: each item has <c>at</c> and one event, in time order.</summary>
internal static class ScenarioEventBinder
{
    internal static readonly string[] MessageKeys = ["text", "image", "share_post", "type", "referral"];
    internal static readonly string[] MessageTypes = ["text", "image", "share_post", "other"];
    internal static readonly string[] LeadKeys = ["form_id", "form_name", "ad_id", "campaign_id", "fields"];
    internal static readonly string[] ReferralKeys = ["source", "ad_id", "ref"];
    internal static readonly string[] ReferralSources = ["ad", "short_link"];
    internal static readonly string[] AgentKeys = ["text"];

    /// <summary>
    /// Binds every event, reporting every mistake. <paramref name="start"/> is null when the scenario's start is missing or
    /// wrong: the events are still checked, and their order is checked between events whose times are both offsets or
    /// both timestamps.
    /// The items <paramref name="scan"/> read without nodes take their place among those left in the list.
    /// </summary>
    [MethodImpl(Hot.Options)] // one loop over every event of a big file, run once
    public static ImmutableArray<ScenarioEvent> Bind(NodeReader reader, YamlNode node, DateTimeOffset? start, ScenarioEventScan scan)
    {
        if (node is not YamlSequenceNode seq)
        {
            reader.Report(DiagnosticCodes.WrongType, node, "events", "a list of events", NodeReader.Describe(node));
            return [];
        }

        var events = ImmutableArray.CreateBuilder<ScenarioEvent>(scan.Applied ? scan.Items.Count : seq.Children.Count);
        EventTime? previous = start is { } s ? new EventTime(s, IsOffset: false) : null;
        var children = seq.Children;
        var next = 0;
        var count = scan.Applied ? scan.Items.Count : children.Count;
        for (var index = 0; index < count; index++)
        {
            if (scan.Applied && scan.Items[index] is { } read)
            {
                var origin = start ?? UnknownStart;
                var readTime = read.Timestamp is { } stamp ? new EventTime(stamp, IsOffset: false) : new EventTime(origin + read.Offset, IsOffset: true);
                if (previous is { } before && (start is not null || before.IsOffset == readTime.IsOffset) && readTime.At < before.At)
                {
                    reader.Diagnostics.Report(DiagnosticCodes.EventsOutOfOrder, read.KeySpan, Describe(readTime, start), Describe(before, start));
                    continue;
                }

                previous = readTime;
                events.Add(new ScenarioEvent(readTime.At, FlowEvent.TextReceived(readTime.At, read.Text), read.KeySpan));
                continue;
            }

            var item = children[next++];
            if (item is not YamlMappingNode map)
            {
                reader.Report(DiagnosticCodes.EventShape, item, $"an event must be a mapping with 'at' and an event type, found {NodeReader.Describe(item)}");
                continue;
            }

            var (bound, at) = BindEvent(reader, map, start);
            if (at is not { } time)
            {
                continue;
            }

            if (previous is { } p && (start is not null || p.IsOffset == time.IsOffset) && time.At < p.At)
            {
                reader.Diagnostics.Report(DiagnosticCodes.EventsOutOfOrder, reader.Span(EventKey(map)), Describe(time, start), Describe(p, start));
                continue;
            }

            previous = time;
            if (bound is not null)
            {
                events.Add(bound);
            }
        }

        return events.ToImmutable();
    }

    /// <summary>An event's time; with no known start, an offset is kept as if the start were the Unix epoch.</summary>
    private readonly record struct EventTime(DateTimeOffset At, bool IsOffset);

    private static readonly DateTimeOffset UnknownStart = DateTimeOffset.UnixEpoch;

    /// <summary>The time as an offset from start, or as written when it is a timestamp and the start is unknown.</summary>
    private static string Describe(EventTime time, DateTimeOffset? start)
    {
        if (start is null && !time.IsOffset)
        {
            return time.At.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        var origin = start ?? UnknownStart;
        return time.At == origin ? "0s" : Durations.Format(time.At - origin);
    }

    /// <summary>Where an event is reported: its event type's key (the first one), or the mapping.</summary>
    private static YamlNode EventKey(YamlMappingNode map) =>
        map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } v } && ScenarioLoader.EventTypes.Contains(v)) ?? map;

    /// <summary>
    /// Binds one event, reporting every mistake in it: unknown keys, a missing or wrong <c>at</c>, no event or several,
    /// and the mistakes inside each event's own mapping. Returns the event (null when it has errors) and its time (null
    /// when <c>at</c> is missing or wrong), which orders it among the others even when the event itself has errors.
    /// </summary>
    private static (ScenarioEvent? Event, EventTime? At) BindEvent(NodeReader reader, YamlMappingNode map, DateTimeOffset? start)
    {
        var errors = reader.Diagnostics.ErrorCount;
        EventTime? at = null;
        YamlNode? atNode = null;
        var kinds = new List<(string Key, YamlScalarNode KeyNode, YamlNode Value)>();
        var suggested = new HashSet<string>(StringComparer.Ordinal);
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
                var known = ScenarioLoader.EventTypes.Append("at").ToList();
                if (Language.Spelling.Nearest(key, known) is { } nearest)
                {
                    suggested.Add(nearest);
                }

                reader.Report(DiagnosticCodes.UnknownEventType, k, NodeReader.Shorten(key), ScenarioLoader.Suggest(key, known));
            }
        }

        // A misspelt key is reported once, with its suggestion, not again as the key it misses.
        if (atNode is null && !suggested.Contains("at"))
        {
            reader.Report(DiagnosticCodes.MissingKey, map, "the event", "at");
        }

        if (kinds.Count == 0 && !suggested.Overlaps(ScenarioLoader.EventTypes))
        {
            reader.Report(DiagnosticCodes.EventShape, map, "the event needs one of message.received, lead.submitted, referral.received, agent.sent or advance: true");
        }
        else if (kinds.Count > 1)
        {
            reader.Report(DiagnosticCodes.EventShape, map, $"one event per list item, found {string.Join(" and ", kinds.Select(k => k.Key))}");
        }

        // Every event in the item is checked, whatever else is wrong, so that its mistakes show in this run too.
        var when = at?.At ?? start ?? UnknownStart;
        var bound = kinds.Select(kind => (kind.KeyNode, Payload: BindPayload(reader, kind.Key, kind.Value, when))).ToList();
        if (reader.Diagnostics.ErrorCount > errors || at is null || bound is not [{ Payload.Ok: true } only])
        {
            return (null, at);
        }

        return (new ScenarioEvent(at.Value.At, only.Payload.Event, reader.Span(only.KeyNode)) { Agent = only.Payload.Agent }, at);
    }

    /// <summary>
    /// The event of one event key: a customer event, a message a person sent (<c>agent.sent</c>), or neither for
    /// <c>advance: true</c> (only a clock move). Not ok when it has errors.
    /// </summary>
    private static (bool Ok, FlowEvent? Event, AgentSent? Agent) BindPayload(NodeReader reader, string type, YamlNode value, DateTimeOffset at)
    {
        var flowEvent = type switch
        {
            "message.received" => Message(reader, value, at),
            "lead.submitted" => Lead(reader, value, at),
            "referral.received" => Referral(reader, value) is { } r ? FlowEvent.ReferralReceived(at, r) : null,
            _ => null,
        };
        return type switch
        {
            "advance" => (reader.Boolean(value, "advance") is true, null, null),
            "agent.sent" => Agent(reader, value) is { } agent ? (true, null, agent) : (false, null, null),
            _ => (flowEvent is not null, flowEvent, null),
        };
    }

    /// <summary>An offset from start (<c>0s</c>, <c>5m</c>, <c>60h</c>) or an absolute timestamp.</summary>
    private static EventTime? Time(NodeReader reader, YamlNode node, DateTimeOffset? start)
    {
        var origin = start ?? UnknownStart;
        if (node is YamlScalarNode { Value: { } text })
        {
            if (text is "0" or "0s" or "0m" or "0h" or "0d")
            {
                return new EventTime(origin, IsOffset: true);
            }

            if (Durations.TryParse(text, out var offset))
            {
                return new EventTime(origin + offset, IsOffset: true);
            }
        }

        return ScenarioLoader.Timestamp(reader, node) is { } at ? new EventTime(at, IsOffset: false) : null;
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
