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
        YamlMappingNode { Children.Count: 0 } => "an empty mapping",
        YamlMappingNode => "a mapping",
        YamlSequenceNode { Children.Count: 0 } => "an empty list",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "nothing",
        YamlScalarNode s => $"'{Shorten(s.Value!)}'",
        _ => "something else",
    };

    public static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    /// <summary>
    /// The entries of a mapping whose keys are in <paramref name="known"/>. Reports unknown keys with the nearest known
    /// key, and <paramref name="required"/> keys that are missing, except one that an unknown key misspells: that
    /// mistake is reported once, as the unknown key with its suggestion.
    /// </summary>
    public KeyedEntries Entries(YamlMappingNode map, IReadOnlyCollection<string> known, string where, IReadOnlyCollection<string>? required = null, string? what = null)
    {
        var items = new List<(string Key, YamlScalarNode KeyNode, YamlNode Value)>();
        var unknown = new List<YamlScalarNode>();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode key || key.Value is null)
            {
                Report(DiagnosticCodes.WrongType, keyNode, "a key", "a text", Describe(keyNode));
            }
            else if (known.Contains(key.Value))
            {
                items.Add((key.Value, key, value));
            }
            else
            {
                unknown.Add(key);
            }
        }

        var missing = (required ?? []).Where(r => !items.Exists(i => i.Key == r)).ToList();
        var explained = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in unknown)
        {
            var nearest = Spelling.Nearest(key.Value!, known) ?? (missing.Count == 1 && unknown.Count == 1 ? missing[0] : null);
            Report(DiagnosticCodes.UnknownKey, key, Shorten(key.Value!), where, nearest is null ? string.Empty : $"; did you mean '{nearest}'?");
            if (nearest is not null && missing.Contains(nearest))
            {
                explained.Add(nearest);
            }
        }

        foreach (var key in missing.Where(m => !explained.Contains(m)))
        {
            Report(DiagnosticCodes.MissingKey, map, what ?? where, key);
        }

        return new KeyedEntries(items, unknown.Count);
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
        if (node is YamlScalarNode { Value: { } text } && TryBoolean(text) is { } value)
        {
            return value;
        }

        Report(DiagnosticCodes.WrongType, node, key, "true or false", Describe(node));
        return null;
    }

    /// <summary>true, yes, on / false, no, off, in any case; null for anything else.</summary>
    public static bool? TryBoolean(string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => null,
    };

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

        var text = node is YamlScalarNode sc ? sc.Value : null;
        Report(DiagnosticCodes.InvalidDuration, node, text is null ? Describe(node) : Shorten(text), DurationHints.For(text));
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

    /// <summary>Where a scalar's text stands in the file, so that positions inside a template map back to it.</summary>
    public TemplateLocation TemplateLocation(YamlScalarNode node) =>
        new(Path, new Position((int)node.Start.Line, (int)node.Start.Column), ScalarSourceMap.Build(Source, node));
}

/// <summary>The known entries of a mapping, and how many unknown keys were reported.</summary>
internal sealed record KeyedEntries(List<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Items, int UnknownCount)
{
    public bool HasUnknownKeys => UnknownCount > 0;
}
