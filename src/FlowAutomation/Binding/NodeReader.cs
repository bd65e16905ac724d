using System.Collections.Immutable;
using System.Globalization;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Loading;
using FlowAutomation.Templates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>Typed reads of YAML nodes that report a diagnostic at the node instead of throwing.</summary>
internal sealed class NodeReader(YamlSource source, DiagnosticBag diagnostics)
{
    public YamlSource Source { get; } = source;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public string Path => Source.Path;

    public SourceSpan Span(YamlNode node) => new(
        Path,
        new Position((int)node.Start.Line, (int)node.Start.Column),
        new Position((int)node.End.Line, (int)node.End.Column));

    public void Report(DiagnosticDescriptor descriptor, YamlNode node, params object?[] args) =>
        Diagnostics.Report(descriptor, Span(node), args);

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "nothing",
        YamlScalarNode s => $"'{Shorten(s.Value!)}'",
        _ => "something else",
    };

    public static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    /// <summary>Reports keys not in <paramref name="known"/>, with a suggestion; returns the known entries.</summary>
    public IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, IReadOnlyCollection<string> known, string where)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode key || key.Value is null)
            {
                Report(DiagnosticCodes.WrongType, keyNode, "a key", "a text", Describe(keyNode));
                continue;
            }

            if (!known.Contains(key.Value))
            {
                Report(DiagnosticCodes.UnknownKey, key, key.Value, where, Spelling.DidYouMean(key.Value, known));
                continue;
            }

            yield return (key.Value, key, value);
        }
    }

    public bool RequireKeys(YamlMappingNode map, IEnumerable<string> required, string what)
    {
        var ok = true;
        foreach (var key in required)
        {
            if (!map.Children.ContainsKey(new YamlScalarNode(key)))
            {
                Report(DiagnosticCodes.MissingKey, map, what, key);
                ok = false;
            }
        }

        return ok;
    }

    public string? Text(YamlNode node, string key)
    {
        if (node is YamlScalarNode s && !IsNull(s))
        {
            return s.Value;
        }

        Report(DiagnosticCodes.WrongType, node, key, "a text", Describe(node));
        return null;
    }

    public bool? Boolean(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: not null } s)
        {
            switch (s.Value.ToLowerInvariant())
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
            }
        }

        Report(DiagnosticCodes.WrongType, node, key, "true or false", Describe(node));
        return null;
    }

    public int? Integer(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: not null } s
            && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        Report(DiagnosticCodes.WrongType, node, key, "a whole number", Describe(node));
        return null;
    }

    public TimeSpan? Duration(YamlNode node)
    {
        if (node is YamlScalarNode { Value: not null } s && Model.Durations.TryParse(s.Value, out var value))
        {
            return value;
        }

        Report(DiagnosticCodes.InvalidDuration, node, node is YamlScalarNode sc ? sc.Value : Describe(node));
        return null;
    }

    /// <summary>A single text or a list of texts.</summary>
    public ImmutableArray<(string Text, YamlNode Node)> TextList(YamlNode node, string key)
    {
        switch (node)
        {
            case YamlScalarNode s when !IsNull(s):
                return [(s.Value!, s)];
            case YamlSequenceNode seq when seq.Children.Count > 0:
                var items = ImmutableArray.CreateBuilder<(string, YamlNode)>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode si && !IsNull(si))
                    {
                        items.Add((si.Value!, si));
                    }
                    else
                    {
                        Report(DiagnosticCodes.WrongType, item, key, "a text", Describe(item));
                    }
                }

                return items.ToImmutable();
            default:
                Report(DiagnosticCodes.WrongType, node, key, "a text or a list of texts", Describe(node));
                return [];
        }
    }

    /// <summary>Where a scalar's text starts, so that template positions map back into the file.</summary>
    public TemplateLocation TemplateLocation(YamlScalarNode node)
    {
        var start = new Position((int)node.Start.Line, (int)node.Start.Column);
        var quoting = node.Style switch
        {
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => TemplateQuoting.Quoted,
            ScalarStyle.Literal or ScalarStyle.Folded => TemplateQuoting.Block,
            _ => TemplateQuoting.Plain,
        };
        var indent = 1;
        if (quoting == TemplateQuoting.Block)
        {
            var next = Source.Line(start.Line + 1);
            indent = next.Length - next.TrimStart(' ').Length + 1;
        }

        return new TemplateLocation(Path, start, quoting, indent);
    }
}
