using System.Collections.Immutable;
using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>Binds a <c>then</c> list. Each item is a mapping with one action key; no-argument actions may be bare words.</summary>
internal sealed partial class ActionBinder(NodeReader reader, ConditionBinder conditions)
{
    private static readonly string[] FlagActions = ["unassign", "report_spam", "close", "stop"];

    public ImmutableArray<FlowAction> BindList(YamlNode node, string key, string scopeId, EventKind? trigger)
    {
        if (node is not YamlSequenceNode seq)
        {
            reader.Report(DiagnosticCodes.WrongType, node, key, "a list of actions (each line starting with '- ')", NodeReader.Describe(node));
            return [];
        }

        if (seq.Children.Count == 0)
        {
            reader.Report(DiagnosticCodes.EmptyActions, seq, key);
            return [];
        }

        var actions = ImmutableArray.CreateBuilder<FlowAction>();
        var followUps = 0;
        var stopped = false;
        foreach (var item in seq.Children)
        {
            if (stopped)
            {
                reader.Report(DiagnosticCodes.UnreachableAction, item);
                stopped = false; // one warning for the first unreachable action is enough
            }

            var action = BindItem(item, scopeId, ref followUps, trigger);
            if (action is not null)
            {
                actions.Add(action);
                stopped |= action is StopAction;
            }
        }

        return actions.ToImmutable();
    }

    private FlowAction? BindItem(YamlNode item, string scopeId, ref int followUps, EventKind? trigger)
    {
        string name;
        YamlNode keyNode;
        YamlNode? value;
        switch (item)
        {
            case YamlScalarNode { Value: { } word } s when !NodeReader.IsNull(s):
                (name, keyNode, value) = (word, s, null);
                break;
            case YamlMappingNode { Children.Count: 1 } m when m.Children.First().Key is YamlScalarNode { Value: { } k }:
                (name, keyNode, value) = (k, m.Children.First().Key, m.Children.First().Value);
                break;
            case YamlMappingNode m when m.Children.Count > 1:
                var names = string.Join(", ", m.Children.Keys.OfType<YamlScalarNode>().Select(k => $"'{k.Value}'"));
                reader.Report(DiagnosticCodes.ActionShape, m, $"one action per list item, found {names}; start each action on its own line with '- '");
                return null;
            default:
                reader.Report(DiagnosticCodes.ActionShape, item, $"an action must be a mapping such as '- tag: vip', found {NodeReader.Describe(item)}");
                return null;
        }

        if (value is YamlScalarNode empty && NodeReader.IsNull(empty))
        {
            value = null; // `- reply:` with nothing after the colon is the same as a bare `- reply`
        }

        if (!FlowVocabulary.ActionNames.Contains(name))
        {
            reader.Report(DiagnosticCodes.UnknownAction, keyNode, NodeReader.Shorten(name), Spelling.DidYouMean(name, FlowVocabulary.ActionNames));
            return null;
        }

        if (value is null && !FlagActions.Contains(name))
        {
            reader.Report(DiagnosticCodes.ActionShape, item, $"'{name}' needs a value, for example {Example(name)}");
            return null;
        }

        var span = reader.Span(keyNode);
        FlowAction? action = name switch
        {
            "tag" => Names(value!, "tag") is { IsEmpty: false } tags ? new TagAction(tags) : null,
            "untag" => Names(value!, "tag") is { IsEmpty: false } untags ? new UntagAction(untags) : null,
            "assign" => Assign(value!),
            "reply" => Reply(value!),
            "set" => Set(value!),
            "follow_up" => FollowUp(value!, $"{scopeId}#{++followUps}", trigger),
            _ => Flag(name, value),
        };
        return action is null ? null : action with { Span = span };
    }

    private FlowAction? Flag(string name, YamlNode? value)
    {
        switch (value is null ? true : reader.Boolean(value, name))
        {
            case null:
                return null; // not yes or no: reported by Boolean
            case false:
                // `stop: false` (or off, no) would silently do nothing; say what to write instead.
                reader.Report(DiagnosticCodes.InvalidValue, value!, ((YamlScalarNode)value!).Value, name, "true (remove the action to leave it out)");
                return null;
        }

        return name switch
        {
            "unassign" => new UnassignAction(),
            "report_spam" => new ReportSpamAction(),
            "close" => new CloseAction(),
            _ => new StopAction(),
        };
    }

    /// <summary>One name or a list of names; every invalid one is reported, and then none is returned.</summary>
    private ImmutableArray<string> Names(YamlNode node, string what)
    {
        var result = ImmutableArray.CreateBuilder<string>();
        var ok = true;
        foreach (var (text, at) in reader.TextList(node, what))
        {
            if (!NamePattern().IsMatch(text))
            {
                var several = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var hint = several.Length > 1 && several.All(NamePattern().IsMatch) ? $"; for several, write a list: [{string.Join(", ", several)}]" : string.Empty;
                reader.Report(DiagnosticCodes.InvalidName, at, what, NodeReader.Shorten(text), NameRule + hint);
                ok = false;
            }

            result.Add(text);
        }

        return ok ? result.ToImmutable() : [];
    }

    internal const string NameRule = "use letters, digits, '-', '_' or '.', starting with a letter or digit, at most 64 characters";

    internal const string FieldNameRule = "use letters, digits, '-' or '_', at most 64 characters";

    private AssignAction? Assign(YamlNode value)
    {
        if (value is YamlScalarNode)
        {
            return Names(value, "agent") is [var only] ? new AssignAction(only, null, AssignStrategy.Direct) : null;
        }

        if (value is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, value, "assign", "an agent id or { team: name, strategy: round_robin }", NodeReader.Describe(value));
            return null;
        }

        string? agent = null, team = null;
        var strategy = AssignStrategy.RoundRobin;
        YamlNode? strategyNode = null;
        var errors = reader.Diagnostics.ErrorCount;
        foreach (var (key, _, item) in reader.Entries(map, FlowVocabulary.AssignKeys, "assign").Items)
        {
            switch (key)
            {
                case "agent":
                    agent = One(item, "agent");
                    break;
                case "team":
                    team = One(item, "team");
                    break;
                default:
                    strategyNode = item;
                    var text = reader.Text(item, key);
                    strategy = text switch
                    {
                        "round_robin" => AssignStrategy.RoundRobin,
                        "least_open" => AssignStrategy.LeastOpen,
                        _ => strategy,
                    };
                    if (text is not null and not ("round_robin" or "least_open"))
                    {
                        reader.Report(DiagnosticCodes.InvalidValue, item, NodeReader.Shorten(text), "strategy", "round_robin or least_open" + Spelling.DidYouMean(text, FlowVocabulary.AssignStrategies).Replace(";", " —", StringComparison.Ordinal));
                    }

                    break;
            }
        }

        if (reader.Diagnostics.ErrorCount > errors)
        {
            return null;
        }

        if ((agent is null) == (team is null))
        {
            reader.Report(DiagnosticCodes.ActionShape, map, "assign needs exactly one of 'agent' or 'team'");
            return null;
        }

        if (agent is not null && strategyNode is not null)
        {
            reader.Report(DiagnosticCodes.ActionShape, strategyNode, "'strategy' applies to a team, not to a single agent");
            return null;
        }

        return agent is not null ? new AssignAction(agent, null, AssignStrategy.Direct) : new AssignAction(null, team, strategy);
    }

    /// <summary>One agent or team: a conversation is assigned to one.</summary>
    private string? One(YamlNode node, string what)
    {
        if (node is YamlSequenceNode)
        {
            reader.Report(DiagnosticCodes.WrongType, node, what, $"one {what} (a conversation is assigned to one)", NodeReader.Describe(node));
            return null;
        }

        return Names(node, what) is [var name] ? name : null;
    }

    private static string Example(string action) => action switch
    {
        "tag" or "untag" => $"'- {action}: vip'",
        "assign" => "'- assign: { team: sales, strategy: round_robin }'",
        "reply" => "'- reply: { text: \"Hi {{contact.name}}!\" }'",
        "set" => "'- set: { email: \"{{lead.fields.email}}\" }'",
        _ => "'- follow_up: { after: 24h, then: [...] }'",
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();
}
