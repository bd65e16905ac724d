using System.Collections.Immutable;
using FlowAutomation.Diagnostics;
using FlowAutomation.Language;
using FlowAutomation.Model;
using FlowAutomation.Templates;
using YamlDotNet.RepresentationModel;

namespace FlowAutomation.Binding;

/// <summary>The actions that carry templates or nested actions: reply, set, follow_up.</summary>
internal sealed partial class ActionBinder
{
    private static readonly string[] FollowUpRequiredKeys = ["after", "then"];

    /// <summary>
    /// Binds a reply. A reply with errors is still returned when its kind is clear (exactly one content key), with
    /// what could be bound, so that the policy checks can report their problems in the same run; the flow is marked
    /// as having errors and never runs.
    /// </summary>
    private ReplyAction? Reply(YamlNode value)
    {
        if (value is YamlScalarNode shorthand)
        {
            // `reply: "Hello"` is short for `reply: { text: "Hello" }`.
            var template = Template(shorthand, "text");
            return new ReplyAction(ReplyKind.Text, template, null, null, null) { ContentSpan = reader.Span(shorthand) };
        }

        if (value is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, value, "reply", "a mapping such as { text: \"Hi\" }", NodeReader.Describe(value));
            return null;
        }

        var entries = reader.Entries(map, FlowVocabulary.ReplyKeys, "reply");
        var contentKeys = entries.Items.Where(e => FlowVocabulary.ReplyContentKeys.Contains(e.Key)).ToList();
        if (contentKeys.Count != 1)
        {
            // A misspelt content key ('txt') is already reported with its suggestion; "found none" would repeat it.
            if (contentKeys.Count > 1 || !entries.HasUnknownKeys)
            {
                var found = contentKeys.Count == 0 ? "none" : string.Join(" and ", contentKeys.Select(k => $"'{k.Key}'"));
                reader.Report(DiagnosticCodes.ReplyContent, map, found);
            }

            foreach (var (key, _, item) in entries.Items.Where(e => e.Key == "validity"))
            {
                reader.Duration(item);
            }

            return null;
        }

        MessageTemplate? text = null;
        string? image = null, post = null;
        TimeSpan? validity = null;
        var kind = ReplyKind.Text;
        SourceSpan contentSpan = default, validitySpan = default;
        foreach (var (key, _, item) in entries.Items)
        {
            switch (key)
            {
                case "text":
                    text = item is YamlScalarNode s ? Template(s, key) : WrongText(item, key);
                    (kind, contentSpan) = (ReplyKind.Text, reader.Span(item));
                    break;
                case "image":
                    image = reader.Text(item, key);
                    (kind, contentSpan) = (ReplyKind.Image, reader.Span(item));
                    break;
                case "share_post":
                    post = reader.Text(item, key);
                    (kind, contentSpan) = (ReplyKind.SharePost, reader.Span(item));
                    break;
                default:
                    validity = reader.Duration(item);
                    validitySpan = reader.Span(item);
                    break;
            }
        }

        return new ReplyAction(kind, text, image, post, validity) { ContentSpan = contentSpan, ValiditySpan = validitySpan };
    }

    private MessageTemplate? WrongText(YamlNode item, string key)
    {
        var expected = item is YamlSequenceNode ? "one text (for several lines, write 'text: |' and the lines below it, indented)" : "a text";
        reader.Report(DiagnosticCodes.WrongType, item, key, expected, NodeReader.Describe(item));
        return null;
    }

    private MessageTemplate? Template(YamlScalarNode node, string key)
    {
        var source = NodeReader.IsNull(node) ? string.Empty : node.Value!;
        return TemplateCompiler.Compile(source, reader.TemplateLocation(node), reader.Diagnostics);
    }

    private SetAction? Set(YamlNode value)
    {
        if (value is not YamlMappingNode map || map.Children.Count == 0)
        {
            reader.Report(DiagnosticCodes.WrongType, value, "set", "a mapping of contact fields to values, such as { email: \"{{lead.fields.email}}\" }", NodeReader.Describe(value));
            return null;
        }

        var fields = ImmutableArray.CreateBuilder<FieldAssignment>();
        foreach (var (keyNode, item) in map.Children)
        {
            var field = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (field.StartsWith("contact.fields.", StringComparison.Ordinal))
            {
                field = field["contact.fields.".Length..];
            }

            if (!PathCatalog.IsFieldName(field))
            {
                reader.Report(DiagnosticCodes.InvalidName, keyNode, "field name", NodeReader.Shorten(field), FieldNameRule);
                continue;
            }

            if (item is not YamlScalarNode scalar)
            {
                reader.Report(DiagnosticCodes.WrongType, item, field, "a text", NodeReader.Describe(item));
                continue;
            }

            var template = Template(scalar, field);
            if (template is not null)
            {
                fields.Add(new FieldAssignment(field, template, reader.Span(keyNode)));
            }
        }

        return new SetAction(fields.ToImmutable());
    }

    private FollowUpAction? FollowUp(YamlNode value, string id, EventKind? trigger)
    {
        if (value is not YamlMappingNode map)
        {
            reader.Report(DiagnosticCodes.WrongType, value, "follow_up", "a mapping with after and then", NodeReader.Describe(value));
            return null;
        }

        TimeSpan? after = null;
        SourceSpan afterSpan = default;
        var unless = false;
        Condition? when = null;
        ImmutableArray<FlowAction> then = [];
        foreach (var (key, _, item) in reader.Entries(map, FlowVocabulary.FollowUpKeys, "follow_up", FollowUpRequiredKeys).Items)
        {
            switch (key)
            {
                case "after":
                    after = reader.Duration(item);
                    afterSpan = reader.Span(item);
                    break;
                case "unless":
                    var text = reader.Text(item, key);
                    unless = text == "customer_replied";
                    if (text is not null && !unless)
                    {
                        reader.Report(DiagnosticCodes.InvalidValue, item, NodeReader.Shorten(text), "unless", "customer_replied");
                    }

                    break;
                case "when":
                    when = conditions.BindRoot(item, trigger);
                    break;
                default:
                    then = BindList(item, "then", id, trigger);
                    break;
            }
        }

        // With errors inside, the follow-up is still returned when its delay is known, for the policy checks.
        if (after is null)
        {
            return null;
        }

        return new FollowUpAction(id, after.Value, unless, when, then) { AfterSpan = afterSpan };
    }
}
