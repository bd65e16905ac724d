using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>
/// Binds <c>when</c> trees: a mapping is an implicit <c>all</c>; keys are <c>all</c>, <c>any</c>, <c>not</c>,
/// <c>business_hours</c> or a path with its test.
/// </summary>
internal sealed class ConditionBinder(NodeReader reader)
{
    private static readonly string[] KeysAndPaths = [.. FlowVocabulary.GroupKeys, .. PathCatalog.Names];

    private EventKind? _trigger;

    public Condition? BindRoot(YamlNode node, EventKind? trigger)
    {
        _trigger = trigger;
        return node switch
        {
            YamlMappingNode map => BindMapping(map),
            YamlSequenceNode seq => BindGroup(seq, "when", items => new AllCondition(items)),
            _ => Fail(node, "'when' must be a mapping of conditions such as 'message.text: { contains: price }' on the next line, found " + NodeReader.Describe(node)),
        };
    }

    private Condition? Fail(YamlNode node, string message)
    {
        reader.Report(DiagnosticCodes.ConditionShape, node, message);
        return null;
    }

    /// <summary>A mapping of several conditions is their conjunction.</summary>
    private Condition? BindMapping(YamlMappingNode map)
    {
        if (map.Children.Count == 0)
        {
            return Fail(map, "an empty condition mapping; write at least one condition");
        }

        var items = ImmutableArray.CreateBuilder<Condition>();
        var ok = true;
        foreach (var (keyNode, value) in map.Children)
        {
            var condition = BindEntry(keyNode, value);
            ok &= condition is not null;
            if (condition is not null)
            {
                items.Add(condition);
            }
        }

        if (!ok)
        {
            return null;
        }

        return items.Count == 1 ? items[0] : new AllCondition(items.ToImmutable()) { Span = reader.Span(map) };
    }

    private Condition? BindEntry(YamlNode keyNode, YamlNode value)
    {
        if (keyNode is not YamlScalarNode { Value: { } key })
        {
            return Fail(keyNode, "a condition key must be a path or all, any, not, business_hours");
        }

        switch (key)
        {
            case "all":
                return BindGroup(value, key, items => new AllCondition(items));
            case "any":
                return BindGroup(value, key, items => new AnyCondition(items));
            case "not":
                var inner = value switch
                {
                    YamlMappingNode m => BindMapping(m),
                    YamlSequenceNode s => BindGroup(s, key, items => new AllCondition(items)),
                    _ => Fail(value, "'not' takes a mapping of conditions, found " + NodeReader.Describe(value)),
                };
                return inner is null ? null : new NotCondition(inner) { Span = reader.Span(keyNode) };
            case "business_hours":
                return BusinessHoursBinder.Bind(reader, keyNode, value);
        }

        var path = PathCatalog.TryResolve(key);
        if (path is null)
        {
            reader.Report(DiagnosticCodes.UnknownPath, keyNode, NodeReader.Shorten(key), PathSpelling.DidYouMean(key, KeysAndPaths));
            return null;
        }

        return new TestBinder(reader, path, keyNode, _trigger).Bind(value);
    }

    private Condition? BindGroup(YamlNode value, string key, Func<ImmutableArray<Condition>, Condition> create)
    {
        if (value is not YamlSequenceNode seq)
        {
            if (value is YamlMappingNode single)
            {
                var one = BindMapping(single);
                return one is null ? null : create([one]) with { Span = reader.Span(value) };
            }

            return Fail(value, $"'{key}' takes a list of conditions, found {NodeReader.Describe(value)}");
        }

        if (seq.Children.Count == 0)
        {
            reader.Report(DiagnosticCodes.EmptyGroup, seq, key);
            return null;
        }

        var items = ImmutableArray.CreateBuilder<Condition>();
        var ok = true;
        var reportedShape = false;
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m)
            {
                // One diagnostic per list: a list of plain words is one mistake, not one per word.
                ok = false;
                if (!reportedShape)
                {
                    reportedShape = true;
                    var (which, op) = key == "all" ? ("all", "contains_all") : ("any", "contains_any");
                    var words = string.Join(", ", seq.Children.OfType<YamlScalarNode>().Take(3).Select(c => c.Value));
                    var hint = seq.Children.All(c => c is YamlScalarNode)
                        ? $"; to match {which} of several words, write message.text: {{ {op}: [{words}] }}"
                        : string.Empty;
                    Fail(item, $"each item of '{key}' must be a condition such as '- message.text: {{ contains: price }}', found {NodeReader.Describe(item)}{hint}");
                }

                continue;
            }

            var condition = BindMapping(m);
            ok &= condition is not null;
            if (condition is not null)
            {
                items.Add(condition);
            }
        }

        return ok ? create(items.ToImmutable()) with { Span = reader.Span(seq) } : null;
    }

    internal static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);
}
