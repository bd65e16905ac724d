using System.Text.RegularExpressions;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Loading;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>
/// Binds one YAML document into a <see cref="FlowDefinition"/>, reporting every mistake it finds and continuing
/// after each. Returns null when the document has errors.
/// </summary>
internal sealed partial class FlowBinder
{
    private readonly NodeReader _reader;
    private readonly ConditionBinder _conditions;
    private readonly ActionBinder _actions;

    private FlowBinder(YamlSource source, DiagnosticBag diagnostics)
    {
        _reader = new NodeReader(source, diagnostics);
        _conditions = new ConditionBinder(_reader);
        _actions = new ActionBinder(_reader, _conditions);
    }

    /// <summary>
    /// Binds every document of the file. A flow with errors is still returned (as far as it bound, with
    /// <c>HasErrors</c> set) so that later passes can report their problems in the same run.
    /// </summary>
    public static IEnumerable<BoundFlow> BindAll(YamlSource source, DiagnosticBag diagnostics)
    {
        var binder = new FlowBinder(source, diagnostics);
        foreach (var document in source.Documents)
        {
            var errors = diagnostics.ErrorCount;
            var flow = binder.Bind(document.RootNode);
            if (flow is not null)
            {
                yield return new BoundFlow(flow, diagnostics.ErrorCount > errors);
            }
        }
    }

    private FlowDefinition? Bind(YamlNode root)
    {
        if (root is not YamlMappingNode map)
        {
            if (root is YamlScalarNode s && NodeReader.IsNull(s))
            {
                return null; // an empty document, e.g. after a trailing '---'
            }

            var hint = root is YamlSequenceNode { Children: [YamlMappingNode first, ..] } && first.Children.ContainsKey(new YamlScalarNode("flow"))
                ? "; remove the '- ' before 'flow:' (to write several flows in one file, separate them with a line '---')"
                : string.Empty;
            _reader.Report(DiagnosticCodes.NotAMapping, root, "flow document", NodeReader.Describe(root) + hint);
            return null;
        }

        string? id = null, name = null, description = null;
        var enabled = true;
        var priority = 0;
        EventKind? trigger = null;
        var oncePer = OncePer.None;
        YamlNode? whenNode = null, thenNode = null;
        foreach (var (key, _, value) in _reader.Entries(map, FlowVocabulary.FlowKeys, "a flow", FlowVocabulary.RequiredFlowKeys, "the flow").Items)
        {
            switch (key)
            {
                case "flow":
                    id = BindId(value);
                    break;
                case "name":
                    name = _reader.Text(value, key);
                    break;
                case "description":
                    description = _reader.Text(value, key);
                    break;
                case "enabled":
                    enabled = _reader.Boolean(value, key) ?? true;
                    break;
                case "priority":
                    priority = _reader.Integer(value, key) ?? 0;
                    break;
                case "on":
                    trigger = BindTrigger(value);
                    break;
                case "once_per":
                    oncePer = BindOncePer(value);
                    break;
                case "when":
                    whenNode = value;
                    break;
                case "then":
                    thenNode = value;
                    break;
            }
        }

        // Conditions and actions are bound after the trigger is known, whatever the key order.
        var when = whenNode is null ? null : _conditions.BindRoot(whenNode, trigger);
        var then = thenNode is null ? [] : _actions.BindList(thenNode, "then", id ?? "flow", trigger);
        if (!enabled && id is not null)
        {
            _reader.Diagnostics.Report(DiagnosticCodes.DisabledFlow, _reader.Span(map), id);
        }

        return new FlowDefinition(id ?? string.Empty, name, description, enabled, priority, trigger ?? EventKind.MessageReceived, oncePer, when, then, _reader.Span(map));
    }

    private string? BindId(YamlNode value)
    {
        var id = _reader.Text(value, "flow");
        if (id is not null && !FlowId().IsMatch(id))
        {
            var suggestion = FlowVocabulary.Triggers.Any(t => t.Name == id)
                ? $"; '{id}' is a trigger: write it as 'on: {id}'"
                : Slug(id) is { Length: > 0 and <= 64 } slug && FlowId().IsMatch(slug) ? $"; for example '{slug}'" : string.Empty;
            _reader.Report(DiagnosticCodes.InvalidFlowId, value, NodeReader.Shorten(id), suggestion);
            return null;
        }

        return id;
    }

    private EventKind? BindTrigger(YamlNode value)
    {
        if (value is YamlSequenceNode)
        {
            _reader.Report(DiagnosticCodes.WrongType, value, "on", "one trigger (write a separate flow for each trigger)", NodeReader.Describe(value));
            return null;
        }

        var name = _reader.Text(value, "on");
        if (name is null)
        {
            return null;
        }

        var known = FlowVocabulary.Triggers.FirstOrDefault(t => t.Name == name);
        if (known is not null)
        {
            return known.Kind;
        }

        if (FlowVocabulary.BusinessInitiatedTriggers.Contains(name.ToLowerInvariant()))
        {
            _reader.Report(DiagnosticCodes.BusinessInitiatedTrigger, value, name);
        }
        else
        {
            _reader.Report(DiagnosticCodes.UnknownTrigger, value, NodeReader.Shorten(name), Spelling.DidYouMean(name, FlowVocabulary.Triggers.Select(t => t.Name)));
        }

        return null;
    }

    private OncePer BindOncePer(YamlNode value)
    {
        var text = _reader.Text(value, "once_per");
        switch (text)
        {
            case null:
                return OncePer.None;
            case "contact":
                return OncePer.Contact;
            case "conversation":
                return OncePer.Conversation;
            case "window":
                return OncePer.Window;
            default:
                _reader.Report(DiagnosticCodes.InvalidValue, value, NodeReader.Shorten(text), "once_per", "contact, conversation or window" + Spelling.DidYouMean(text, FlowVocabulary.OncePerValues).Replace(";", " —", StringComparison.Ordinal));
                return OncePer.None;
        }
    }

    /// <summary>A flow id made from a name: lower case, runs of other characters as one '-'.</summary>
    private static string Slug(string name)
    {
        return SlugSeparators().Replace(name.ToLowerInvariant(), "-").Trim('-');
    }

    internal readonly record struct BoundFlow(FlowDefinition Flow, bool HasErrors);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex FlowId();

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex SlugSeparators();
}
